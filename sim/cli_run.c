/* cli_run.c: `zdsim run` (replications, the report, and storing the run) and `zdsim validate`.
 * Not for the commands over stored runs (cli_store.c). */
#include <stdio.h>

#include "zdsim/cli.h"
#include "zdsim/document.h"
#include "zdsim/report.h"
#include "zdsim/run.h"
#include "zdsim/store.h"

int
cli_run(const CliCommand *cmd, int argc, char **argv)
{
  /* First of all: a SIGTERM or Ctrl-C that arrives while the files load or the store opens
   * must be handled like one during the work (stop, store nothing, 128 + signal). */
  cli_signals_install();
  int replications = CLI_UNSET, jobs = 0;
  g_autofree char *seed = NULL;
  g_auto(GStrv) sets = NULL;
  gboolean no_store = FALSE, force = FALSE;
  CliOutput output = { 0 };
  g_autofree char *db = NULL;
  g_autofree char *plot_dir = NULL;
  g_autofree char *shard = NULL;
  GOptionEntry entries[] = {
    { "replications", 'r', 0, G_OPTION_ARG_INT, &replications,
      "Replications (overrides scenario.replications)", "N" },
    { "seed", 's', 0, G_OPTION_ARG_STRING, &seed, "Master seed (overrides scenario.seed)", "S" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Worker threads (default: one per core)", "J" },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Override a key, e.g. app.instances=2",
      "SECTION.KEY=VALUE" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db,
      "Store the run in this database (default: $ZDSIM_DB, else zdsim.db)", "FILE" },
    { "no-store", 0, 0, G_OPTION_ARG_NONE, &no_store, "Do not store the run", NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force,
      "Run even when the estimated events or memory exceed the limits", NULL },
    { "plot", 0, 0, G_OPTION_ARG_FILENAME, &plot_dir,
      "Write every picture that applies to DIR/<kind>.png", "DIR" },
    { "shard", 0, 0, G_OPTION_ARG_STRING, &shard,
      "Run only share K of N of the replications and store it for zdsim merge (K/N, or env: "
      "from a Slurm array or Kubernetes Indexed Job)", "K/N" },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr(GOptionContext) ctx = cli_context(cmd, entries);
  cli_output_add_options(ctx, &output, CLI_OUTPUT_ALL);
  if (!cli_parse(ctx, cmd, &argc, &argv))
    return CLI_USAGE;
  if (argc != 2) {
    fprintf(stderr, "zdsim run: expected one scenario file (or - for standard input), got %d\n",
            argc - 1);
    return CLI_USAGE;
  }
  if (!cli_check_counts(cmd, replications, jobs) || !cli_output_check(cmd, &output))
    return CLI_USAGE;
  g_autoptr(GError) error = NULL;
  if (!no_store && !cli_db_check(db, &error))
    return cli_error(cmd, error);
  guint shard_k = 0, shard_n = 0;
  if (shard != NULL &&
      !cli_shard_options_ok(cmd, shard, output.json || output.csv || plot_dir != NULL,
                            no_store, &shard_k, &shard_n))
    return CLI_USAGE;
  g_autoptr(Scenario) sc = cli_load_scenario(argv[1], sets, replications, seed, &error);
  if (sc == NULL)
    return cli_error(cmd, error);
  /* A shard checks the limits against its own share (cli_shard_run). */
  if (!force && shard == NULL && !run_check_limits(sc, (guint) jobs, &error))
    return cli_error(cmd, error);

  /* The store is opened before the work, so that a bad --db fails at once. */
  g_autoptr(Store) store = NULL;
  if (!no_store) {
    store = store_open(cli_db_path(db), STORE_OPEN_DEFAULT, &error);
    if (store == NULL)
      return cli_error(cmd, error);
  }
  if (shard != NULL)
    return cli_shard_run(cmd, sc, FALSE, shard_k, shard_n, (guint) jobs, force, store);

  CliProgress progress;
  cli_progress_init(&progress, "replications");
  RunOptions options = {
    .jobs = (guint) jobs,
    .keep_timeline = store != NULL || plot_dir != NULL,
    .progress = cli_progress_func(),
    .progress_data = &progress,
    .cancel = cli_cancel_flag(),
  };
  g_autoptr(RunResult) result = run_execute(sc, &options, &error);
  if (cli_signal_exit_code() != 0) {
    fprintf(stderr, "zdsim run: interrupted; nothing was stored\n");
    return cli_signal_exit_code();
  }
  if (result == NULL) {
    fprintf(stderr, "zdsim run: %s\n", error->message);
    return CLI_INTERNAL;
  }
  int status;
  if (output.json) {
    /* Printed before it is stored, as the text is: the document of an unstored run. */
    g_autoptr(JsonNode) doc = document_run(result, NULL, !output.no_timing);
    status = cli_print_document(cmd, doc);
  } else {
    g_autofree char *text = output.csv ? report_csv(result)
                                       : report_text(result, !output.no_timing);
    status = cli_print_text(cmd, text);
  }
  if (status != CLI_OK)
    return status;
  if (store != NULL) {
    gint64 id = store_save_run(store, result, &error);
    if (id == 0)
      return cli_error(cmd, error);
    cli_note("stored as run %" G_GINT64_FORMAT " in %s", id, store_get_path(store));
  }
  if (plot_dir != NULL && !cli_plot_run_all(result, plot_dir, &error))
    return cli_error(cmd, error);
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
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
      "Only report errors (not the resolved scenarios, nor their notes)", NULL },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr(GOptionContext) ctx = cli_context(cmd, entries);
  if (!cli_parse(ctx, cmd, &argc, &argv))
    return CLI_USAGE;
  if (argc < 2) {
    fprintf(stderr, "zdsim validate: expected at least one scenario file (or - for standard "
                    "input)\n");
    return CLI_USAGE;
  }
  cli_set_quiet(quiet);
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
    cli_print_notes(sc);
    g_autofree char *text = scenario_to_string(sc);
    printf("# %s\n%s\n", argv[i], text);
  }
  return status;
}
