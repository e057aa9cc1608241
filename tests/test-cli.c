/* test-cli.c: the command line as a user meets it: `zdsim --help`, `help` and its topics,
 * "did you mean" for a mistyped command, the usage lines, and the generated reference (help
 * keys, help scenario, the man pages and the bash completion) holding every key, action,
 * [expect] metric and command; `run`, `show`, `sweep`, `recommend` and `compare` over a
 * database of their own. The binary under test is $ZDSIM_BIN (make test sets it), else
 * build/zdsim. */
#include <string.h>
#include <sys/wait.h>

#include <glib.h>
#include <glib/gstdio.h>

#include <unistd.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "zdsim/cli.h"
#include "zdsim/document.h"
#include "zdsim/scenario.h"

#include "store-fixture.h"

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
  /* run has two options starting --no: --no-store and --no-timing. */
  g_assert_cmpstr(out, ==, "recommend\n--no-store --no-timing\napp.startup= app.start_failure=\n"
                           "heatmap\nscenario\n");
  g_remove(script);
  g_rmdir(dir);
}

/* Runs zdsim with @args in @dir (may be NULL), @env extra "NAME=VALUE" settings (may be NULL;
 * "NAME=" sets it empty) and standard input from @stdin_path (may be NULL: none). */
static void
run_zdsim_in(Result *r, const char *dir, const char *const *env, const char *stdin_path,
             const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new();
  g_autofree char *bin = g_canonicalize_filename(zdsim_bin(), NULL);
  g_ptr_array_add(argv, bin);
  for (const char *const *a = args; *a != NULL; a++)
    g_ptr_array_add(argv, (gpointer) *a);
  g_ptr_array_add(argv, NULL);
  g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                               G_SUBPROCESS_FLAGS_STDERR_PIPE);
  if (dir != NULL)
    g_subprocess_launcher_set_cwd(l, dir);
  g_subprocess_launcher_unsetenv(l, "ZDSIM_DB");
  for (const char *const *e = env; e != NULL && *e != NULL; e++) {
    g_auto(GStrv) kv = g_strsplit(*e, "=", 2);
    g_subprocess_launcher_setenv(l, kv[0], kv[1], TRUE);
  }
  if (stdin_path != NULL)
    g_subprocess_launcher_set_stdin_file_path(l, stdin_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) p = g_subprocess_launcher_spawnv(l, (const char *const *) argv->pdata,
                                                          &error);
  g_assert_no_error(error);
  g_assert_true(g_subprocess_communicate_utf8(p, NULL, NULL, &r->out, &r->err, &error));
  g_assert_no_error(error);
  g_assert_true(g_subprocess_get_if_exited(p));
  r->status = g_subprocess_get_exit_status(p);
}

/* A small scenario (4 replications of 2 weeks: well under a second) in a new directory;
 * its action at 02:30 on the night summer time ends in Amsterdam (2027-10-31) is a local
 * time that happens twice, which the loader notes. Returns: (transfer full) the directory. */
static char *
small_scenario_dir(void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp("zdsim-cli-XXXXXX", &error);
  g_assert_no_error(error);
  g_autofree char *path = g_build_filename(dir, "small.ini", NULL);
  const char *text = "[scenario]\nname = small\nreplications = 4\nhorizon = 2w\n"
                     "start = 2027-10-25T00:00:00Z\n\n[app]\ninstances = 2\n\n"
                     "[expect]\navailability = >= 90%\n\n"
                     "[action debug]\naction = restart\nat = 2027-10-31 02:30 Europe/Amsterdam\n";
  g_assert_true(g_file_set_contents(path, text, -1, &error));
  g_autofree char *sweep = g_build_filename(dir, "sweep.ini", NULL);
  g_autofree char *sweep_text = g_strconcat(text, "\n[sweep]\napp.instances = 1, 2\n", NULL);
  g_assert_true(g_file_set_contents(sweep, sweep_text, -1, &error));
  return dir;
}

static void
remove_dir(const char *dir)
{
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  for (const char *name; d != NULL && (name = g_dir_read_name(d)) != NULL;) {
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_remove(path);
  }
  g_rmdir(dir);
}

/* A new directory holding @name with @text. Returns: (transfer full) the directory. */
static char *
dir_with_file(const char *name, const char *text)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp("zdsim-cli-XXXXXX", &error);
  g_assert_no_error(error);
  g_autofree char *path = g_build_filename(dir, name, NULL);
  g_assert_true(g_file_set_contents(path, text, -1, &error));
  g_assert_no_error(error);
  return dir;
}

/* `run` stores and `show` prints the same report; where the database comes from (--db, then
 * ZDSIM_DB, then ./zdsim.db); and every fault is exit 2 with the file named. */
static void
test_run_show(void)
{
  g_autofree char *dir = dir_with_file("quick.ini", quick_ini);
  g_autofree char *notes = g_build_filename(dir, "notes.txt", NULL);
  g_assert_true(g_file_set_contents(notes, "not a database, and it must stay so\n", -1, NULL));
  g_autofree char *adir = g_build_filename(dir, "adir", NULL);
  g_assert_cmpint(g_mkdir(adir, 0755), ==, 0);

  g_auto(Result) run = { 0 };
  const char *run_args[] = { "run", "--jobs", "2", "--db", "runs.db", "quick.ini", NULL };
  run_zdsim_in(&run, dir, NULL, NULL, run_args);
  g_assert_cmpint(run.status, ==, 0);
  g_assert_cmpstr(run.err, ==, "stored as run 1 in runs.db\n");
  g_auto(Result) show = { 0 };
  const char *show_args[] = { "show", "--db", "runs.db", "1", NULL };
  run_zdsim_in(&show, dir, NULL, NULL, show_args);
  g_assert_cmpint(show.status, ==, 0);
  g_assert_cmpstr(show.out, ==, run.out);
  g_auto(Result) json1 = { 0 }, json2 = { 0 };
  const char *json1_args[] = { "show", "--db", "runs.db", "--json", "1", NULL };
  const char *json2_args[] = { "show", "--json", "1", NULL };
  const char *runs_db[] = { "ZDSIM_DB=runs.db", NULL };
  run_zdsim_in(&json1, dir, NULL, NULL, json1_args);
  run_zdsim_in(&json2, dir, runs_db, NULL, json2_args);
  g_assert_cmpint(json1.status, ==, 0);
  g_assert_cmpstr(json1.out, ==, json2.out);

  /* ZDSIM_DB, then the default ./zdsim.db. */
  const char *run2_args[] = { "run", "--replications", "2", "quick.ini", NULL };
  const char *env_db[] = { "ZDSIM_DB=env.db", NULL };
  g_auto(Result) env = { 0 };
  run_zdsim_in(&env, dir, env_db, NULL, run2_args);
  g_assert_cmpstr(env.err, ==, "stored as run 1 in env.db\n");
  g_auto(Result) def = { 0 };
  run_zdsim_in(&def, dir, NULL, NULL, run2_args);
  g_assert_cmpstr(def.err, ==, "stored as run 1 in zdsim.db\n");
  g_auto(Result) none = { 0 };
  const char *none_args[] = { "run", "--replications", "2", "--no-store", "quick.ini", NULL };
  run_zdsim_in(&none, dir, NULL, NULL, none_args);
  g_assert_cmpstr(none.err, ==, "");
  g_auto(Result) list = { 0 };
  const char *list_args[] = { "list", NULL };
  run_zdsim_in(&list, dir, NULL, NULL, list_args);
  g_assert_cmpint(list.status, ==, 0);
  g_assert_nonnull(strstr(list.out, "quick"));

  static const struct {
    const char *args[9];
    const char *says;
  } faults[] = {
    { { "run", "--replications", "2", "--db", "notes.txt", "quick.ini" }, "notes.txt" },
    { { "list", "--db", "notes.txt" }, "notes.txt" },
    { { "show", "--db", "notes.txt", "1" }, "notes.txt" },
    { { "run", "--replications", "2", "--db", "adir", "quick.ini" }, "adir" },
    { { "run", "--replications", "2", "--db", "no/such/dir/x.db", "quick.ini" },
      "no/such/dir/x.db" },
    { { "show", "--db", "runs.db", "99" }, "no run 99" },
    { { "show", "--db", "missing.db", "1" }, "missing.db" },
    { { "compare", "--db", "runs.db", "1", "42" }, "no run 42" },
    { { "show", "--db", "runs.db", "one" }, "one" },
    { { "sweep", "--db", "runs.db", "quick.ini" }, "no [sweep]" },
    { { "recommend", "--db", "runs.db", "quick.ini" }, "--target" },
    { { "recommend", "--db", "runs.db", "--target", "101%", "quick.ini" }, "target" },
    { { "recommend", "--db", "runs.db", "--target", "99.9%", "--metric", "uptime", "quick.ini" },
      "uptime" },
  };
  g_autofree char *before = NULL;
  g_assert_true(g_file_get_contents(notes, &before, NULL, NULL));
  for (guint i = 0; i < G_N_ELEMENTS(faults); i++) {
    g_auto(Result) f = { 0 };
    run_zdsim_in(&f, dir, NULL, NULL, faults[i].args);
    g_autofree char *args = g_strjoinv(" ", (char **) faults[i].args);
    g_test_message("zdsim %s: exit %d: %s", args, f.status, f.err);
    g_assert_cmpint(f.status, ==, 2);
    g_assert_nonnull(strstr(f.err, faults[i].says));
  }
  g_autofree char *after = NULL;
  g_assert_true(g_file_get_contents(notes, &after, NULL, NULL));
  g_assert_cmpstr(before, ==, after);
  g_autofree char *missing = g_build_filename(dir, "missing.db", NULL);
  g_assert_false(g_file_test(missing, G_FILE_TEST_EXISTS));
  remove_dir(dir);
}

/* `sweep`, `recommend` and `compare` end to end: the table, the stored sweep, and compare
 * telling rolling from stop-start for one instance under platform updates. */
static void
test_sweep_compare(void)
{
  g_autofree char *dir = dir_with_file(
      "sweep.ini",
      "[scenario]\nname = cli-sweep\nhorizon = 60d\nreplications = 20\nseed = 5\n"
      "[sweep]\napp.instances = 1,2\npolicy.evacuation = rolling,stop-start\n");
  g_auto(Result) sweep = { 0 };
  const char *sweep_args[] = { "sweep", "--jobs", "2", "--db", "s.db", "sweep.ini", NULL };
  run_zdsim_in(&sweep, dir, NULL, NULL, sweep_args);
  g_assert_cmpint(sweep.status, ==, 0);
  g_assert_cmpstr(sweep.err, ==, "stored as sweep 1 (runs 1-4) in s.db\n");
  g_assert_nonnull(strstr(sweep.out, "app.instances"));
  g_assert_nonnull(strstr(sweep.out, "stop-start"));
  g_autofree char *path = g_build_filename(dir, "s.db", NULL);
  g_assert_cmpint(assert_whole(path), ==, 4);

  /* Run 1 is 1 instance rolling, run 2 is 1 instance stop-start, same seed: paired. */
  g_auto(Result) cmp = { 0 };
  const char *cmp_args[] = { "compare", "--db", "s.db", "1", "2", NULL };
  run_zdsim_in(&cmp, dir, NULL, NULL, cmp_args);
  g_assert_cmpint(cmp.status, ==, 0);
  g_test_message("%s", cmp.out);
  g_assert_nonnull(strstr(cmp.out, "Paired"));
  g_assert_nonnull(strstr(cmp.out, "Overall (availability, time up): B is worse than A"));

  /* The default database is Single-AZ with a drawn eu-west-1 window (model v2): about
   * 4.3 maintenance outages of 6.5 min a year (rate 1/12w, uniform(3m,10m)), 28 min a year
   * whatever the instance count, so the lower 95 % bound of 20 replications of 60 days
   * misses 99.99 % (53 min a year) at any count; 99.9 % is met. */
  g_auto(Result) rec = { 0 };
  const char *rec_args[] = { "recommend", "--jobs", "2", "--db", "s.db", "--target", "99.9%",
                             "--max-instances", "3", "sweep.ini", NULL };
  run_zdsim_in(&rec, dir, NULL, NULL, rec_args);
  g_assert_cmpint(rec.status, ==, 0);
  g_assert_nonnull(strstr(rec.out, "Recommendation: "));
  g_assert_nonnull(strstr(rec.err, "stored as sweep 2"));
  g_auto(Result) list = { 0 };
  const char *list_args[] = { "list", "--db", "s.db", "--sweep", "1", NULL };
  run_zdsim_in(&list, dir, NULL, NULL, list_args);
  g_assert_cmpint(list.status, ==, 0);
  g_assert_nonnull(strstr(list.out, "app.instances=2 policy.evacuation=stop-start"));
  remove_dir(dir);
}

/* The refusals of issue 16's "CLI details", each with the option and what was expected, and
 * exit 2; and what is accepted: latest in show and compare, - for standard input, a target
 * without its % sign. */
static void
test_details(void)
{
  g_autofree char *dir = small_scenario_dir();
  static const struct {
    const char *env[2];
    const char *args[8];
    int status;
    const char *err; /* a part of stderr, or NULL */
  } cases[] = {
    { { NULL }, { "run", "-r", "0", "small.ini" }, 2, "--replications: expected at least 1" },
    { { NULL }, { "sweep", "-r", "0", "sweep.ini" }, 2, "--replications: expected at least 1" },
    { { NULL }, { "check", "--replications=0", "small.ini" }, 2, "expected at least 1, got 0" },
    { { NULL }, { "recommend", "-r", "0", "-t", "99", "small.ini" }, 2, "at least 1" },
    { { NULL }, { "run", "--db", "", "small.ini" }, 2, "--db: expected a database file" },
    { { NULL }, { "list", "--db=" }, 2, "--db: expected a database file" },
    { { "ZDSIM_DB=" }, { "run", "small.ini" }, 2, "ZDSIM_DB is set but empty" },
    { { "ZDSIM_DB=" }, { "show", "latest" }, 2, "ZDSIM_DB is set but empty" },
    { { NULL }, { "run", "--json", "--csv", "small.ini" }, 2, "choose one of --json and --csv" },
    { { NULL }, { "show", "latest", "--db", "none.db" }, 2, NULL },
    { { NULL }, { "show", "x1" }, 2, "(or latest)" },
    /* Stored once, then read back as latest. */
    { { NULL }, { "run", "-q", "small.ini" }, 0, NULL },
    { { NULL }, { "show", "latest" }, 0, NULL },
    { { NULL }, { "compare", "latest", "1" }, 0, NULL },
    /* 99.95 and 99.95% are the same target (recommend_parse_target). */
    { { NULL }, { "recommend", "--target", "99.95", "--max-instances", "1", "--no-store",
                  "-q", "small.ini" }, 0, NULL },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_auto(Result) r = { 0 };
    g_test_message("case %" G_GSIZE_FORMAT ": %s %s", i, cases[i].args[0], cases[i].args[1]);
    run_zdsim_in(&r, dir, cases[i].env, NULL, cases[i].args);
    g_assert_cmpint(r.status, ==, cases[i].status);
    if (cases[i].err != NULL)
      g_assert_nonnull(strstr(r.err, cases[i].err));
  }

  /* - reads the scenario from standard input: the same resolved text as from the file. */
  g_autofree char *path = g_build_filename(dir, "small.ini", NULL);
  g_auto(Result) from_file = { 0 };
  g_auto(Result) from_stdin = { 0 };
  const char *validate_file[] = { "validate", "small.ini", NULL };
  const char *validate_stdin[] = { "validate", "-", NULL };
  run_zdsim_in(&from_file, dir, NULL, NULL, validate_file);
  run_zdsim_in(&from_stdin, dir, NULL, path, validate_stdin);
  g_assert_cmpint(from_stdin.status, ==, 0);
  g_assert_nonnull(strstr(from_stdin.out, "name = small"));
  g_auto(Result) run_stdin = { 0 };
  const char *run_args[] = { "run", "--no-store", "--no-timing", "-", NULL };
  run_zdsim_in(&run_stdin, dir, NULL, path, run_args);
  g_assert_cmpint(run_stdin.status, ==, 0);
  g_assert_true(g_str_has_prefix(run_stdin.out, "small: 2 instances"));

  /* The note on the repeated local time reaches stderr in validate, run, sweep and check, and
   * -q silences it. */
  const char *noted[][7] = {
    { "validate", "small.ini", NULL },
    { "run", "--no-store", "small.ini", NULL },
    { "sweep", "--no-store", "sweep.ini", NULL },
    { "check", "small.ini", NULL },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(noted); i++) {
    g_auto(Result) r = { 0 };
    run_zdsim_in(&r, dir, NULL, NULL, noted[i]);
    g_assert_cmpint(r.status, ==, 0);
    g_assert_nonnull(strstr(r.err, "happens twice"));
    g_auto(Result) q = { 0 };
    g_autoptr(GPtrArray) quiet = g_ptr_array_new();
    g_ptr_array_add(quiet, (gpointer) noted[i][0]);
    g_ptr_array_add(quiet, (gpointer) "-q");
    for (guint k = 1; noted[i][k] != NULL; k++)
      g_ptr_array_add(quiet, (gpointer) noted[i][k]);
    g_ptr_array_add(quiet, NULL);
    run_zdsim_in(&q, dir, NULL, NULL, (const char *const *) quiet->pdata);
    g_assert_cmpint(q.status, ==, 0);
    g_assert_cmpstr(q.err, ==, "");
  }
  remove_dir(dir);
}

/* The fake clock of the progress test, in microseconds. */
static gint64 fake_now;

static gint64
fake_clock(void)
{
  return fake_now;
}

/* The redraw throttle: nothing in the first second, then at most 10 redraws a second
 * (CLI_PROGRESS_REDRAWS_PER_SECOND) however often the work reports, an ETA from the rate so
 * far, and the line cleared at the end; and no bar at all when stderr is not a terminal. */
static void
test_progress(void)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *to = open_memstream(&buf, &len);
  CliProgress p;
  cli_progress_init(&p, "replications");
  p.clock = fake_clock;
  p.to = to;
  fake_now = p.started = 0;
  /* Reports every 10 ms for 0.99 s: nothing drawn yet. */
  for (guint i = 0; i < 99; i++) {
    fake_now = i * 10000;
    cli_progress_update(&p, i, 1000);
  }
  g_assert_cmpuint(p.redraws, ==, 0);
  /* From 1 s to 3 s, one report every 10 ms (200 reports): one redraw per 100 ms, 20 in all,
   * the first at 1.00 s. */
  for (guint i = 0; i < 200; i++) {
    fake_now = G_USEC_PER_SEC + i * 10000;
    cli_progress_update(&p, 100 + i, 1000);
  }
  g_assert_cmpuint(p.redraws, ==, 2 * CLI_PROGRESS_REDRAWS_PER_SECOND);
  /* At 4 s with 500 of 1000 done the rate is 125 a second: 500 more take 4 s. */
  fake_now = 4 * G_USEC_PER_SEC;
  cli_progress_update(&p, 500, 1000);
  fflush(to);
  g_assert_true(g_str_has_suffix(buf, "500/1000 replications, 0:04 left   "));
  /* The end clears the line even 1 ms after a redraw. */
  fake_now += 1000;
  cli_progress_update(&p, 1000, 1000);
  fflush(to);
  g_assert_true(g_str_has_suffix(buf, "\r"));
  g_assert_cmpuint(p.redraws, ==, 2 * CLI_PROGRESS_REDRAWS_PER_SECOND + 1);
  fclose(to);
  free(buf);

  /* stderr on a pipe: no progress callback at all, so nothing is drawn. */
  int fds[2];
  g_assert_cmpint(pipe(fds), ==, 0);
  int saved = dup(STDERR_FILENO);
  dup2(fds[1], STDERR_FILENO);
  gboolean none = cli_progress_func() == NULL;
  dup2(saved, STDERR_FILENO);
  close(saved);
  close(fds[0]);
  close(fds[1]);
  g_assert_true(none);
}

/* The schema name of the JSON document in @text, checking it is first. Returns: (transfer
 * full). */
static char *
document_schema(const char *text, JsonNode **root_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new();
  g_assert_true(json_parser_load_from_data(parser, text, -1, &error));
  g_assert_no_error(error);
  JsonNode *root = json_parser_get_root(parser);
  JsonObject *o = json_node_get_object(root);
  g_autoptr(GList) names = json_object_get_members(o);
  g_assert_cmpstr(names->data, ==, "schema");
  if (root_out != NULL)
    *root_out = json_node_copy(root);
  return g_strdup(json_object_get_string_member(o, "schema"));
}

/* Every command that prints results has --json with its schema, --csv, and --no-timing that leaves
 * "timing" out so the same work prints the same bytes (README, JSON: what depends on the clock is
 * in "timing"); show --json of a stored run is run --json's document plus what the store adds (id,
 * path, ...). */
static void
test_documents(void)
{
  g_autofree char *dir = small_scenario_dir();
  static const struct {
    const char *args[8];
    const char *schema;
  } cases[] = {
    { { "run", "small.ini" }, DOCUMENT_RUN },
    { { "sweep", "sweep.ini" }, DOCUMENT_SWEEP },
    { { "recommend", "-t", "99", "--max-instances", "2", "small.ini" }, DOCUMENT_RECOMMEND },
    { { "show", "latest" }, DOCUMENT_RUN },
    { { "list" }, DOCUMENT_LIST },
    { { "compare", "1", "latest" }, DOCUMENT_COMPARE },
    { { "check", "small.ini" }, DOCUMENT_CHECK },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_test_message("case %" G_GSIZE_FORMAT ": %s", i, cases[i].args[0]);
    const char *modes[][3] = { { "--json", "-q", NULL }, { "--json", "--no-timing", NULL },
                               { "--csv", "-q", NULL } };
    g_autofree char *untimed = NULL;
    for (guint m = 0; m < G_N_ELEMENTS(modes); m++) {
      g_autoptr(GPtrArray) args = g_ptr_array_new();
      for (guint k = 0; cases[i].args[k] != NULL; k++)
        g_ptr_array_add(args, (gpointer) cases[i].args[k]);
      for (guint k = 0; modes[m][k] != NULL; k++)
        g_ptr_array_add(args, (gpointer) modes[m][k]);
      /* run, sweep and recommend store their work once (the JSON pass), then no more. */
      if (m > 0 && (i < 3))
        g_ptr_array_add(args, (gpointer) "--no-store");
      g_ptr_array_add(args, NULL);
      g_auto(Result) r = { 0 };
      run_zdsim_in(&r, dir, NULL, NULL, (const char *const *) args->pdata);
      g_assert_cmpint(r.status, ==, 0);
      if (m == 2) {
        /* CSV: a header line, then rows. */
        g_assert_nonnull(strchr(r.out, ','));
        g_assert_nonnull(strchr(strchr(r.out, '\n') + 1, '\n'));
        continue;
      }
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *schema = document_schema(r.out, &root);
      g_assert_cmpstr(schema, ==, cases[i].schema);
      gboolean has_timing = strstr(r.out, "\"timing\"") != NULL;
      if (m == 1) {
        g_assert_false(has_timing);
        untimed = g_strdup(r.out);
        /* The same work again prints the same bytes. */
        g_auto(Result) again = { 0 };
        run_zdsim_in(&again, dir, NULL, NULL, (const char *const *) args->pdata);
        g_assert_cmpstr(again.out, ==, r.out);
      } else {
        g_assert_true(has_timing);
      }
    }
  }

  /* show --json holds run --json's document member for member (same binary, same figures). */
  const char *run_args[] = { "run", "--json", "--no-timing", "small.ini", NULL };
  const char *show_args[] = { "show", "--json", "--no-timing", "latest", NULL };
  g_auto(Result) run = { 0 };
  g_auto(Result) show = { 0 };
  run_zdsim_in(&run, dir, NULL, NULL, run_args);
  run_zdsim_in(&show, dir, NULL, NULL, show_args);
  g_autoptr(JsonNode) run_root = NULL;
  g_autoptr(JsonNode) show_root = NULL;
  g_free(document_schema(run.out, &run_root));
  g_free(document_schema(show.out, &show_root));
  JsonObject *ro = json_node_get_object(run_root);
  JsonObject *so = json_node_get_object(show_root);
  g_autoptr(GList) names = json_object_get_members(ro);
  for (GList *l = names; l != NULL; l = l->next) {
    g_test_message("member %s", (const char *) l->data);
    g_assert_true(json_object_has_member(so, l->data));
    g_assert_true(json_node_equal(json_object_get_member(ro, l->data),
                                  json_object_get_member(so, l->data)));
  }
  g_assert_true(json_object_has_member(so, "id"));
  g_assert_false(json_object_has_member(ro, "id"));
  remove_dir(dir);
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
  g_test_add_func("/zdsim/cli/details", test_details);
  g_test_add_func("/zdsim/cli/progress", test_progress);
  g_test_add_func("/zdsim/cli/documents", test_documents);
  g_test_add_func("/zdsim/cli/sweep-header", test_sweep_header);
  g_test_add_func("/zdsim/cli/run-show", test_run_show);
  g_test_add_func("/zdsim/cli/sweep-compare", test_sweep_compare);
  return g_test_run();
}
