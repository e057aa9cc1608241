/* main.c: the zdsim command line: subcommands, their options (GOptionContext), and the only
 * place where an error becomes text for people and an exit code (0 ok, 1 expectation or
 * regression failed, 2 usage or input error, 3 internal). */
#include <locale.h>
#include <stdio.h>
#include <unistd.h>

#include "zdsim/report.h"
#include "zdsim/run.h"
#include "zdsim/scenario.h"

#ifndef ZDSIM_VERSION
#define ZDSIM_VERSION "0.1"
#endif

enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_INTERNAL = 3 };

typedef struct Command Command;
struct Command {
  const char *name;
  const char *args;
  const char *summary;
  int (*main)(const Command *cmd, int argc, char **argv);
};

static int cmd_run(const Command *cmd, int argc, char **argv);
static int cmd_validate(const Command *cmd, int argc, char **argv);
static int cmd_help(const Command *cmd, int argc, char **argv);

static const Command commands[] = {
  { "run", "FILE", "run the replications of a scenario and print the availability report",
    cmd_run },
  { "validate", "FILE...", "check scenarios and print them resolved with every default",
    cmd_validate },
  { "help", "[COMMAND]", "show the help of a command", cmd_help },
};

static const Command *
command_lookup(const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
    if (g_str_equal(commands[i].name, name))
      return &commands[i];
  return NULL;
}

static void
print_usage(FILE *to)
{
  fprintf(to, "Usage: zdsim COMMAND [OPTION...]\n\n"
              "zdsim simulates Cloud Foundry app instances under routine platform updates\n"
              "(Mendix Cloud v4) and reports availability with 95 %% confidence intervals.\n\n"
              "Commands:\n");
  for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
    fprintf(to, "  %-10s %-10s %s\n", commands[i].name, commands[i].args, commands[i].summary);
  fprintf(to, "\nRun 'zdsim help COMMAND' for a command's options.\n");
}

static GOptionContext *
command_context(const Command *cmd, GOptionEntry *entries)
{
  g_autofree char *param = g_strdup_printf("%s %s", cmd->name, cmd->args);
  GOptionContext *ctx = g_option_context_new(param);
  g_option_context_set_summary(ctx, cmd->summary);
  if (entries != NULL)
    g_option_context_add_main_entries(ctx, entries, NULL);
  return ctx;
}

/* Parses a command's options; on a usage error prints it with a hint and returns FALSE. */
static gboolean
parse_options(GOptionContext *ctx, const Command *cmd, int *argc, char ***argv)
{
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, argc, argv, &error)) {
    fprintf(stderr, "zdsim %s: %s\nRun 'zdsim help %s' for usage.\n", cmd->name,
            error->message, cmd->name);
    return FALSE;
  }
  return TRUE;
}

static int
report_error(const char *cmd, const GError *error)
{
  fprintf(stderr, "zdsim %s: %s\n", cmd, error->message);
  return EXIT_USAGE;
}

/* ---- run ---- */

typedef struct {
  gint64 started;
  gboolean shown;
} Progress;

static void
show_progress(guint done, guint total, void *user_data)
{
  Progress *p = user_data;
  /* Only on a terminal, and only for work that takes more than a second. */
  if (g_get_monotonic_time() - p->started < G_USEC_PER_SEC && !p->shown)
    return;
  guint width = 40, filled = total > 0 ? done * width / total : width;
  char bar[41];
  for (guint i = 0; i < width; i++)
    bar[i] = i < filled ? '#' : '.';
  bar[width] = '\0';
  fprintf(stderr, "\r[%s] %u/%u replications", bar, done, total);
  p->shown = TRUE;
  if (done == total)
    fprintf(stderr, "\r%*s\r", (int) width + 40, "");
  fflush(stderr);
}

/* Loads a scenario with --set overrides plus the command-line shorthands. */
static Scenario *
load_scenario(const char *path, char **sets, int replications, const char *seed,
              GError **error)
{
  g_autoptr(GPtrArray) overrides = g_ptr_array_new_with_free_func(g_free);
  for (char **s = sets; s != NULL && *s != NULL; s++)
    g_ptr_array_add(overrides, g_strdup(*s));
  if (replications > 0)
    g_ptr_array_add(overrides, g_strdup_printf("scenario.replications=%d", replications));
  if (seed != NULL)
    g_ptr_array_add(overrides, g_strdup_printf("scenario.seed=%s", seed));
  g_ptr_array_add(overrides, NULL);
  return scenario_load(path, (const char *const *) overrides->pdata, error);
}

static int
cmd_run(const Command *cmd, int argc, char **argv)
{
  int replications = 0, jobs = 0;
  g_autofree char *seed = NULL;
  g_auto(GStrv) sets = NULL;
  gboolean json = FALSE, csv = FALSE;
  GOptionEntry entries[] = {
    { "replications", 'r', 0, G_OPTION_ARG_INT, &replications,
      "Replications (overrides scenario.replications)", "N" },
    { "seed", 's', 0, G_OPTION_ARG_STRING, &seed, "Master seed (overrides scenario.seed)", "S" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Worker threads (default: one per core)", "J" },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Override a key, e.g. app.instances=2",
      "SECTION.KEY=VALUE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the figures as JSON", NULL },
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv, "Print the figures as CSV", NULL },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr(GOptionContext) ctx = command_context(cmd, entries);
  if (!parse_options(ctx, cmd, &argc, &argv))
    return EXIT_USAGE;
  if (argc != 2) {
    fprintf(stderr, "zdsim run: expected one scenario file, got %d\n", argc - 1);
    return EXIT_USAGE;
  }
  if (jobs < 0 || replications < 0) {
    fprintf(stderr, "zdsim run: --jobs and --replications must be positive\n");
    return EXIT_USAGE;
  }
  if (json && csv) {
    fprintf(stderr, "zdsim run: choose one of --json and --csv\n");
    return EXIT_USAGE;
  }
  g_autoptr(GError) error = NULL;
  g_autoptr(Scenario) sc = load_scenario(argv[1], sets, replications, seed, &error);
  if (sc == NULL)
    return report_error(cmd->name, error);

  Progress progress = { .started = g_get_monotonic_time() };
  RunOptions options = {
    .jobs = (guint) jobs,
    .progress = isatty(STDERR_FILENO) ? show_progress : NULL,
    .progress_data = &progress,
  };
  g_autoptr(RunResult) result = run_execute(sc, &options, &error);
  if (result == NULL) {
    fprintf(stderr, "zdsim run: %s\n", error->message);
    return EXIT_INTERNAL;
  }
  g_autofree char *text = json  ? report_json(result)
                          : csv ? report_csv(result)
                                : report_text(result, TRUE);
  fputs(text, stdout);
  if (json)
    fputc('\n', stdout);
  return EXIT_OK;
}

/* ---- validate ---- */

static int
cmd_validate(const Command *cmd, int argc, char **argv)
{
  g_auto(GStrv) sets = NULL;
  gboolean quiet = FALSE;
  GOptionEntry entries[] = {
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Override a key, e.g. app.instances=2",
      "SECTION.KEY=VALUE" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Only report errors", NULL },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr(GOptionContext) ctx = command_context(cmd, entries);
  if (!parse_options(ctx, cmd, &argc, &argv))
    return EXIT_USAGE;
  if (argc < 2) {
    fprintf(stderr, "zdsim validate: expected at least one scenario file\n");
    return EXIT_USAGE;
  }
  int status = EXIT_OK;
  for (int i = 1; i < argc; i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(Scenario) sc = scenario_load(argv[i], (const char *const *) sets, &error);
    if (sc == NULL) {
      fprintf(stderr, "%s\n", error->message);
      status = EXIT_USAGE;
      continue;
    }
    if (quiet)
      continue;
    g_autofree char *text = scenario_to_string(sc);
    printf("# %s\n%s\n", argv[i], text);
  }
  return status;
}

/* ---- help ---- */

static int
cmd_help(const Command *cmd, int argc, char **argv)
{
  (void) cmd;
  if (argc < 2) {
    print_usage(stdout);
    return EXIT_OK;
  }
  const Command *target = command_lookup(argv[1]);
  if (target == NULL) {
    fprintf(stderr, "zdsim help: unknown command '%s'\n", argv[1]);
    print_usage(stderr);
    return EXIT_USAGE;
  }
  /* Each command prints its own help through GOptionContext's --help. */
  char *help_argv[] = { (char *) target->name, (char *) "--help", NULL };
  return target->main(target, 2, help_argv);
}

int
main(int argc, char **argv)
{
  setlocale(LC_ALL, "");
  /* Reports use '.' as the decimal separator whatever the locale, so numbers stay parseable. */
  setlocale(LC_NUMERIC, "C");
  if (argc < 2) {
    print_usage(stderr);
    return EXIT_USAGE;
  }
  if (g_str_equal(argv[1], "--version") || g_str_equal(argv[1], "version")) {
    printf("zdsim %s\n", ZDSIM_VERSION);
    return EXIT_OK;
  }
  if (g_str_equal(argv[1], "--help") || g_str_equal(argv[1], "-h")) {
    print_usage(stdout);
    return EXIT_OK;
  }
  const Command *cmd = command_lookup(argv[1]);
  if (cmd == NULL) {
    fprintf(stderr, "zdsim: unknown command '%s'\n\n", argv[1]);
    print_usage(stderr);
    return EXIT_USAGE;
  }
  return cmd->main(cmd, argc - 1, argv + 1);
}
