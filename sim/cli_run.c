/* cli_run.c: `zdsim run` (replications and the report) and `zdsim validate`.
 * Not for storing runs (cli_store.c). */
#include <stdio.h>

#include "zdsim/cli.h"
#include "zdsim/report.h"
#include "zdsim/run.h"

int
cli_run(const CliCommand *cmd, int argc, char **argv)
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
  g_autoptr(GOptionContext) ctx = cli_context(cmd, entries);
  if (!cli_parse(ctx, cmd, &argc, &argv))
    return CLI_USAGE;
  if (argc != 2) {
    fprintf(stderr, "zdsim run: expected one scenario file, got %d\n", argc - 1);
    return CLI_USAGE;
  }
  if (jobs < 0 || replications < 0) {
    fprintf(stderr, "zdsim run: --jobs and --replications must be positive\n");
    return CLI_USAGE;
  }
  if (json && csv) {
    fprintf(stderr, "zdsim run: choose one of --json and --csv\n");
    return CLI_USAGE;
  }
  g_autoptr(GError) error = NULL;
  g_autoptr(Scenario) sc = cli_load_scenario(argv[1], sets, replications, seed, &error);
  if (sc == NULL)
    return cli_error(cmd, error);

  CliProgress progress;
  cli_progress_init(&progress, "replications");
  RunOptions options = {
    .jobs = (guint) jobs,
    .progress = cli_progress_func(),
    .progress_data = &progress,
  };
  g_autoptr(RunResult) result = run_execute(sc, &options, &error);
  if (result == NULL) {
    fprintf(stderr, "zdsim run: %s\n", error->message);
    return CLI_INTERNAL;
  }
  g_autofree char *text = json  ? report_json(result)
                          : csv ? report_csv(result)
                                : report_text(result, TRUE);
  fputs(text, stdout);
  if (json)
    fputc('\n', stdout);
  return CLI_OK;
}

int
cli_validate(const CliCommand *cmd, int argc, char **argv)
{
  g_auto(GStrv) sets = NULL;
  gboolean quiet = FALSE;
  GOptionEntry entries[] = {
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Override a key, e.g. app.instances=2",
      "SECTION.KEY=VALUE" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Only report errors", NULL },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr(GOptionContext) ctx = cli_context(cmd, entries);
  if (!cli_parse(ctx, cmd, &argc, &argv))
    return CLI_USAGE;
  if (argc < 2) {
    fprintf(stderr, "zdsim validate: expected at least one scenario file\n");
    return CLI_USAGE;
  }
  int status = CLI_OK;
  for (int i = 1; i < argc; i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(Scenario) sc = scenario_load(argv[i], (const char *const *) sets, &error);
    if (sc == NULL) {
      fprintf(stderr, "%s\n", error->message);
      status = CLI_USAGE;
      continue;
    }
    if (quiet)
      continue;
    g_autofree char *text = scenario_to_string(sc);
    printf("# %s\n%s\n", argv[i], text);
  }
  return status;
}
