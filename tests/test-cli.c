/* test-cli.c: the command line as a user meets it: `zdsim --help`, `help` and its topics,
 * "did you mean" for a mistyped command, the usage lines, and the generated reference (help
 * keys, help scenario, the man pages and the bash completion) holding every key, action,
 * [expect] metric and command. The binary under test is $ZDSIM_BIN (make test sets it), else
 * build/zdsim. */
#include <string.h>
#include <sys/wait.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "zdsim/scenario.h"

static const char *
zdsim_bin(void)
{
  const char *bin = g_getenv("ZDSIM_BIN");
  return bin != NULL ? bin : "build/zdsim";
}

typedef struct {
  char *out;
  char *err;
  int status;  /* the exit code */
} Result;

static void
result_clear(Result *r)
{
  g_free(r->out);
  g_free(r->err);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Result, result_clear)

/* Runs zdsim with @args (NULL-terminated, without the program) and waits for it. */
static void
run_zdsim(Result *r, const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new();
  g_ptr_array_add(argv, (gpointer) zdsim_bin());
  for (const char *const *a = args; *a != NULL; a++)
    g_ptr_array_add(argv, (gpointer) *a);
  g_ptr_array_add(argv, NULL);
  g_autoptr(GError) error = NULL;
  gint wait_status = 0;
  g_assert_true(g_spawn_sync(NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                             &r->out, &r->err, &wait_status, &error));
  g_assert_no_error(error);
  g_assert_true(WIFEXITED(wait_status));
  r->status = WEXITSTATUS(wait_status);
}

/* Whether some line of @text starts with @prefix. */
static gboolean
has_line_starting(const char *text, const char *prefix)
{
  gsize n = strlen(prefix);
  for (const char *line = text; line != NULL && *line != '\0';) {
    if (strncmp(line, prefix, n) == 0)
      return TRUE;
    line = strchr(line, '\n');
    if (line != NULL)
      line++;
  }
  return FALSE;
}

/* What each invocation must exit with and print. */
static void
test_exit_codes(void)
{
  static const struct {
    const char *args[5];
    int status;
    const char *out;  /* a part of stdout, or NULL */
    const char *err;  /* a part of stderr, or NULL */
  } cases[] = {
    { { "--help" }, 0, "--version", NULL },
    { { "--help" }, 0, "zdsim help keys", NULL },
    { { "--help" }, 0, "zdsim help scenario", NULL },
    { { "-h" }, 0, "Commands:", NULL },
    { { "--version" }, 0, "zdsim ", NULL },
    { { "help" }, 0, "Commands:", NULL },
    { { "help", "--help" }, 0, "zdsim help [OPTION", NULL },
    { { "help", "--help" }, 0, "--man=SECTION", NULL },
    { { "help", "run" }, 0, "--replications", NULL },
    /* The usage line names the command once: "zdsim run [OPTION…] FILE". */
    { { "run", "--help" }, 0, "zdsim run [OPTION…] FILE\n", NULL },
    { { "compare", "--help" }, 0, "zdsim compare [OPTION…] RUN RUN\n", NULL },
    { { "help", "keys" }, 0, "app.instances = 1 |", NULL },
    { { "help", "scenario" }, 0, "DISTRIBUTIONS", NULL },
    { { "rnu" }, 2, NULL, "did you mean 'run'?" },
    { { "chekc" }, 2, NULL, "did you mean 'check'?" },
    { { "valid" }, 2, NULL, "did you mean 'validate'?" },
    { { "frobnicate" }, 2, NULL, "unknown command 'frobnicate'\n" },
    { { "help", "kyes" }, 2, NULL, "did you mean 'keys'?" },
    { { "help", "sceanrio" }, 2, NULL, "did you mean 'scenario'?" },
    { { "help", "keys", "scenario" }, 2, NULL, "expected one topic" },
    { { "help", "--man", "3" }, 2, NULL, "--man: expected 1" },
    { { "help", "--man", "0" }, 2, NULL, "--man: expected 1" },
    { { "help", "--completion", "tcsh" }, 2, NULL, "--completion: expected bash" },
    { { "help", "--man", "1", "keys" }, 2, NULL, "expected one topic" },
    { { "help", "--bogus" }, 2, NULL, "Unknown option --bogus" },
    { { NULL }, 2, NULL, "Usage: zdsim COMMAND" },
    /* A JUnit path that cannot be written is refused before the suite runs (the suite's
     * scenarios would take seconds; "nothing ran" and an empty stdout say it did not). */
    { { "check", "--junit", "/nonexistent/x.xml", "scenarios/regression/rolling-2-instances.ini" },
      2, NULL, "--junit /nonexistent/x.xml: cannot write the JUnit file there (its directory "
               "does not exist); nothing ran" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_auto(Result) r = { 0 };
    run_zdsim(&r, cases[i].args);
    g_test_message("case %" G_GSIZE_FORMAT ": %s %s", i, cases[i].args[0] ? cases[i].args[0] : "",
                   cases[i].args[0] && cases[i].args[1] ? cases[i].args[1] : "");
    g_assert_cmpint(r.status, ==, cases[i].status);
    if (g_str_equal(cases[i].args[0] ? cases[i].args[0] : "", "check"))
      g_assert_cmpstr(r.out, ==, "");
    if (cases[i].out != NULL)
      g_assert_nonnull(strstr(r.out, cases[i].out));
    if (cases[i].err != NULL)
      g_assert_nonnull(strstr(r.err, cases[i].err));
  }
}

/* A name nobody could have meant gets no suggestion. */
static void
test_no_suggestion(void)
{
  g_auto(Result) r = { 0 };
  const char *args[] = { "xyzzy", NULL };
  run_zdsim(&r, args);
  g_assert_cmpint(r.status, ==, 2);
  g_assert_null(strstr(r.err, "did you mean"));
}

/* One line per key, in the table's order, each starting with "section.key = DEFAULT |", with
 * its form, its meaning and its source, or "assumption: LOW..HIGH" for an assumption. */
static void
test_help_keys(void)
{
  g_auto(Result) r = { 0 };
  const char *args[] = { "help", "keys", NULL };
  run_zdsim(&r, args);
  g_assert_cmpint(r.status, ==, 0);
  g_auto(GStrv) lines = g_strsplit(r.out, "\n", -1);
  guint n = 0;
  for (char **l = lines; *l != NULL; l++)
    if (**l != '\0' && **l != '#')
      n++;
  g_assert_cmpuint(n, ==, scenario_key_count());
  for (guint i = 0; i < scenario_key_count(); i++) {
    const ScenarioKeyInfo *info = scenario_key_info_at(i);
    g_autofree char *prefix = g_strdup_printf("%s = ", info->key);
    g_assert_true(g_str_has_prefix(lines[i + 1], prefix));
    const char *line = lines[i + 1];
    if (info->default_text != NULL && info->default_text[0] != '\0') {
      g_autofree char *with_default = g_strdup_printf("%s = %s | ", info->key,
                                                      info->default_text);
      g_assert_true(g_str_has_prefix(line, with_default));
    }
    g_assert_nonnull(strstr(line, info->form));
    g_assert_nonnull(strstr(line, info->meaning));
    g_assert_nonnull(strstr(line, info->source));
    if (info->kind == SCENARIO_SOURCE_ASSUMPTION) {
      g_autofree char *range = g_strdup_printf("| assumption: %s..%s", info->low, info->high);
      g_assert_nonnull(strstr(line, range));
    } else {
      g_assert_null(strstr(line, "| assumption:"));
    }
  }
}

/* The file format names every section, distribution, unit, region, action with its keys,
 * [expect] metric, [uncertain] and --set. */
static void
test_help_scenario(void)
{
  g_auto(Result) r = { 0 };
  const char *args[] = { "help", "scenario", NULL };
  run_zdsim(&r, args);
  g_assert_cmpint(r.status, ==, 0);
  static const char *const must[] = {
    "[scenario]", "[app]", "[platform]", "[policy]", "[database]", "[portal]", "[traffic]",
    "[action NAME]", "[sweep]", "[expect]", "[uncertain]", "--set section.key=value",
    "250ms 10s 5m 2h 3d 1w", "3/w", "99.95%", "exp(30d)", "uniform(60s,120s)",
    "lognormal(median=75s,p95=180s)", "normal(60s,10s)", "weibull(shape,scale)",
    "sun 05:00-05:30", "tue 02:00-05:00 Europe/Amsterdam", "mon-fri", "region NAME",
    "app.start_failure = 0.001..0.02", "rolling", "recreate", "stop-start",
  };
  for (gsize i = 0; i < G_N_ELEMENTS(must); i++) {
    g_test_message("%s", must[i]);
    g_assert_nonnull(strstr(r.out, must[i]));
  }
  guint n_regions = 0;
  const ScenarioRdsRegion *regions = scenario_rds_regions(&n_regions);
  for (guint i = 0; i < n_regions; i++)
    g_assert_nonnull(strstr(r.out, regions[i].name));
  for (guint k = 0; k < scenario_action_count(); k++) {
    g_autofree char *term = g_strdup_printf("  %s ", scenario_action_name(k));
    g_assert_true(has_line_starting(r.out, term));
    for (int required = 0; required < 2; required++) {
      g_auto(GStrv) keys = scenario_action_keys(k, required);
      for (char **key = keys; *key != NULL; key++) {
        g_autofree char *said = g_strdup_printf("%s (%s)", *key, required ? "needed" : "optional");
        g_assert_nonnull(strstr(r.out, said));
      }
    }
  }
  for (guint i = 0; i < scenario_expect_count(); i++) {
    const char *example = NULL;
    const char *key = scenario_expect_key(i, NULL, &example);
    g_autofree char *line = g_strdup_printf("%s = %s", key, example);
    g_assert_nonnull(strstr(r.out, line));
  }
  /* Fits a terminal: no line is wider than 79 columns. */
  g_auto(GStrv) lines = g_strsplit(r.out, "\n", -1);
  for (char **l = lines; *l != NULL; l++)
    g_assert_cmpint(g_utf8_strlen(*l, -1), <=, 79);
}

/* The pages are roff with a title, every key (zdsim-scenario(5)) and every command with its
 * exit codes and files (zdsim(1)); groff formats them without a warning when it is there. */
static void
test_man_pages(void)
{
  g_auto(Result) one = { 0 };
  g_auto(Result) five = { 0 };
  const char *args1[] = { "help", "--man", "1", NULL };
  const char *args5[] = { "help", "--man", "5", NULL };
  run_zdsim(&one, args1);
  run_zdsim(&five, args5);
  g_assert_cmpint(one.status, ==, 0);
  g_assert_cmpint(five.status, ==, 0);
  g_assert_true(has_line_starting(one.out, ".TH ZDSIM 1 "));
  g_assert_true(has_line_starting(five.out, ".TH ZDSIM\\-SCENARIO 5 ") ||
                has_line_starting(five.out, ".TH ZDSIM-SCENARIO 5 "));
  static const char *const commands[] = {
    "run", "validate", "sweep", "recommend", "list", "show", "compare", "check", "plot",
    "serve", "help",
  };
  for (gsize i = 0; i < G_N_ELEMENTS(commands); i++) {
    g_autofree char *heading = g_strdup_printf(".SS \"zdsim %s ", commands[i]);
    g_assert_true(has_line_starting(one.out, heading));
  }
  static const char *const one_must[] = {
    ".SH \"EXIT STATUS\"", "ZDSIM_DB", "zdsim.db", "zdsim\\-scenario(5)", "\\fB\\-\\-plot\\fR",
    "\\fB\\-\\-set\\fR=\\fISECTION.KEY=VALUE\\fR", "\\fB\\-\\-baseline\\fR",
  };
  for (gsize i = 0; i < G_N_ELEMENTS(one_must); i++) {
    g_test_message("%s", one_must[i]);
    g_assert_nonnull(strstr(one.out, one_must[i]));
  }
  for (guint i = 0; i < scenario_key_count(); i++) {
    g_autofree char *item = g_strdup_printf(".B %s\n", scenario_key_info_at(i)->key);
    g_assert_nonnull(strstr(five.out, item));
  }

  g_autofree char *groff = g_find_program_in_path("groff");
  if (groff == NULL) {
    g_test_message("groff not installed: the pages were not formatted");
    return;
  }
  const char *pages[] = { one.out, five.out };
  for (gsize i = 0; i < G_N_ELEMENTS(pages); i++) {
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("zdsim-man-XXXXXX", &error);
    g_assert_no_error(error);
    g_autofree char *path = g_build_filename(dir, "page", NULL);
    g_assert_true(g_file_set_contents(path, pages[i], -1, &error));
    const char *argv[] = { groff, "-man", "-Tutf8", "-ww", "-z", path, NULL };
    g_autofree char *err = NULL;
    gint wait_status = 0;
    g_assert_true(g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                               NULL, NULL, &err, &wait_status, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(err, ==, "");
    g_assert_true(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0);
    g_remove(path);
    g_rmdir(dir);
  }
}

/* The completion is valid bash, offers every command, and completes --set with every key. */
static void
test_completion(void)
{
  g_auto(Result) r = { 0 };
  const char *args[] = { "help", "--completion", "bash", NULL };
  run_zdsim(&r, args);
  g_assert_cmpint(r.status, ==, 0);
  g_assert_nonnull(strstr(r.out, "complete -F _zdsim zdsim"));
  const char *const *keys = scenario_known_keys();
  for (guint i = 0; keys[i] != NULL; i++) {
    g_autofree char *word = g_strdup_printf(" %s=", keys[i]);
    g_autofree char *first = g_strdup_printf("\"%s=", keys[i]);
    g_assert_true(strstr(r.out, word) != NULL || strstr(r.out, first) != NULL);
  }
  g_autofree char *bash = g_find_program_in_path("bash");
  if (bash == NULL) {
    g_test_message("bash not installed: the script was not run");
    return;
  }
  /* Sources the script and completes a few command lines as bash would. */
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp("zdsim-completion-XXXXXX", &error);
  g_assert_no_error(error);
  g_autofree char *script = g_build_filename(dir, "zdsim", NULL);
  g_assert_true(g_file_set_contents(script, r.out, -1, &error));
  g_autofree char *probe = g_strdup_printf(
      "source '%s'\n"
      "comp() { COMP_WORDS=(\"$@\"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _zdsim;"
      " echo \"${COMPREPLY[*]}\"; }\n"
      "comp zdsim rec\ncomp zdsim run --no\ncomp zdsim run --set app.start\n"
      "comp zdsim plot --kind heat\ncomp zdsim help sce\n", script);
  const char *argv[] = { bash, "--norc", "--noprofile", "-c", probe, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gint wait_status = 0;
  g_assert_true(g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                             &err, &wait_status, &error));
  g_assert_no_error(error);
  g_assert_cmpstr(err, ==, "");
  g_assert_cmpstr(out, ==, "recommend\n--no-store\napp.startup= app.start_failure=\nheatmap\n"
                           "scenario\n");
  g_remove(script);
  g_rmdir(dir);
}

/* A sweep's header names what ran: sweeping scenario.horizon over 1d and 2d printed the base
 * scenario's 365d, and sweeping scenario.replications its base count. The header now gives
 * the range the points ran with. */
static void
test_sweep_header(void)
{
  static const struct {
    const char *sweep;  /* the [sweep] line */
    const char *header; /* the start of stdout (7d prints as 1w) */
  } cases[] = {
    { "scenario.horizon = 1d, 2d", "hz: 2 points x 2 replications of 1d to 2d, seed 1" },
    { "scenario.replications = 2, 3", "hz: 2 points x 2 to 3 replications of 1w, seed 1" },
    { "app.instances = 1, 2", "hz: 2 points x 2 replications of 1w, seed 1" },
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp("zdsim-cli-XXXXXX", &error);
  g_assert_no_error(error);
  g_autofree char *ini = g_build_filename(dir, "hz.ini", NULL);
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *text = g_strdup_printf("[scenario]\nname = hz\nhorizon = 7d\n"
                                            "replications = 2\n[sweep]\n%s\n", cases[i].sweep);
    g_assert_true(g_file_set_contents(ini, text, -1, NULL));
    const char *args[] = { "sweep", "--no-store", ini, NULL };
    g_auto(Result) r = { 0 };
    run_zdsim(&r, args);
    g_test_message("%s", r.out);
    g_assert_cmpint(r.status, ==, 0);
    g_assert_true(g_str_has_prefix(r.out, cases[i].header));
  }
  g_unlink(ini);
  g_rmdir(dir);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/zdsim/cli/exit-codes", test_exit_codes);
  g_test_add_func("/zdsim/cli/no-suggestion", test_no_suggestion);
  g_test_add_func("/zdsim/cli/help-keys", test_help_keys);
  g_test_add_func("/zdsim/cli/help-scenario", test_help_scenario);
  g_test_add_func("/zdsim/cli/man-pages", test_man_pages);
  g_test_add_func("/zdsim/cli/completion", test_completion);
  g_test_add_func("/zdsim/cli/sweep-header", test_sweep_header);
  return g_test_run();
}
