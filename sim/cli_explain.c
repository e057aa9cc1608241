/* cli_explain.c: `zdsim explain`, `zdsim sensitivity` and `zdsim report`: decisions on top of runs
 * (README, Explain, sensitivity and a report), stored in the run store and shown on the dashboard.
 * Not for computing them (explain.c, sensitivity.c), storing them (store_analysis.c) or writing
 * HTML (report_html.c). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "zdsim/cli.h"
#include "zdsim/explain.h"
#include "zdsim/recommend.h"
#include "zdsim/report_html.h"
#include "zdsim/sensitivity.h"
#include "zdsim/store.h"
#include "zdsim/store_analysis.h"

/* The options explain and sensitivity share with run. */
typedef struct {
  int replications;
  int jobs;
  char *seed;
  char **sets;
  char *db;
  char *metric;
  gboolean json;
  gboolean no_store;
  gboolean force;
} AnalysisArgs;

static void
analysis_args_clear(AnalysisArgs *a)
{
  g_free(a->seed);
  g_strfreev(a->sets);
  g_free(a->db);
  g_free(a->metric);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(AnalysisArgs, analysis_args_clear)

enum { ANALYSIS_ENTRIES = 9 };

static void
analysis_entries(AnalysisArgs *a, GOptionEntry *e)
{
  GOptionEntry entries[ANALYSIS_ENTRIES] = {
    { "metric", 'm', 0, G_OPTION_ARG_STRING, &a->metric,
      "The metric to judge by, a JSON name such as availability or downtime_per_year_s "
      "(default availability; request and business-hours are aliases)", "METRIC" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &a->json, "Print the result as JSON", NULL },
    { "replications", 'r', 0, G_OPTION_ARG_INT, &a->replications,
      "Replications per counterfactual (overrides scenario.replications)", "N" },
    { "seed", 's', 0, G_OPTION_ARG_STRING, &a->seed,
      "Master seed, the same in every counterfactual (overrides scenario.seed)", "S" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &a->jobs, "Worker threads (default: one per core)",
      "J" },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &a->sets,
      "Override a key of the scenario, e.g. app.instances=2", "SECTION.KEY=VALUE" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &a->db,
      "Store the result in this database (default: $ZDSIM_DB, else zdsim.db)", "FILE" },
    { "no-store", 0, 0, G_OPTION_ARG_NONE, &a->no_store, "Do not store the result", NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &a->force,
      "Run even when the estimated events or memory exceed the limits", NULL },
  };
  memcpy(e, entries, sizeof entries);
}

/* Checks the shared options; prints the problem and returns FALSE. */
static gboolean
analysis_check(const CliCommand *cmd, const AnalysisArgs *a, int argc, RunMetric *metric)
{
  if (argc != 2) {
    fprintf(stderr, "zdsim %s: expected one scenario file, got %d\n", cmd->name, argc - 1);
    return FALSE;
  }
  if (a->jobs < 0 || a->replications < 0) {
    fprintf(stderr, "zdsim %s: --jobs and --replications must be positive\n", cmd->name);
    return FALSE;
  }
  *metric = RUN_AVAILABILITY;
  g_autoptr(GError) error = NULL;
  if (a->metric != NULL && !explain_parse_metric(a->metric, metric, &error)) {
    fprintf(stderr, "zdsim %s: --metric: %s\n", cmd->name, error->message);
    return FALSE;
  }
  return TRUE;
}

static Store *
open_for_writing(const CliCommand *cmd, const AnalysisArgs *a, int *status)
{
  *status = CLI_OK;
  if (a->no_store)
    return NULL;
  g_autoptr(GError) error = NULL;
  Store *store = store_open(cli_db_path(a->db), STORE_OPEN_DEFAULT, &error);
  if (store == NULL)
    *status = cli_error(cmd, error);
  return store;
}

static int
run_failed(const CliCommand *cmd, const GError *error)
{
  if (g_error_matches(error, RUN_ERROR, RUN_ERROR_CANCELLED)) {
    fprintf(stderr, "zdsim %s: interrupted; nothing was stored\n", cmd->name);
    int code = cli_signal_exit_code();
    return code != 0 ? code : CLI_INTERNAL;
  }
  if (g_error_matches(error, RUN_ERROR, RUN_ERROR_THREADS)) {
    fprintf(stderr, "zdsim %s: %s\n", cmd->name, error->message);
    return CLI_INTERNAL;
  }
  return cli_error(cmd, error);
}

/* Prints @text (transfer full) on stdout; a failed write is an environment error. */
static int
print_out(const CliCommand *cmd, char *text)
{
  g_autofree char *owned = text;
  if (fputs(owned, stdout) == EOF || fflush(stdout) != 0) {
    fprintf(stderr, "zdsim %s: cannot write to standard output\n", cmd->name);
    return CLI_USAGE;
  }
  return CLI_OK;
}

static gboolean
within_limits(const AnalysisArgs *a, const SweepResult *sweep, GError **error)
{
  if (a->force)
    return TRUE;
  return run_check_limits_many((const Scenario *const *) sweep->scenarios->pdata,
                               sweep->scenarios->len, (guint) a->jobs, error);
}

/* ---- zdsim explain ---- */

int
cli_explain(const CliCommand *cmd, int argc, char **argv)
{
  g_auto(AnalysisArgs) a = { 0 };
  GOptionEntry entries[ANALYSIS_ENTRIES + 1] = { 0 };
  analysis_entries(&a, entries);
  g_autoptr(GOptionContext) ctx = cli_context(cmd, entries);
  g_option_context_set_description(
      ctx, "Runs the scenario and its counterfactuals with the same seed (replication r draws\n"
           "the same random numbers in each: common random numbers), then prints its downtime\n"
           "by cause with shares, the levers (one and two more instances, each other\n"
           "evacuation policy, Multi-AZ, database.align_to_portal, deploys at the portal\n"
           "window's start) ranked by what each buys on the metric with its paired 95 %\n"
           "interval and the change in instance-hours, and apart from them what each cause\n"
           "costs (the scenario with that cause switched off).");
  if (!cli_parse(ctx, cmd, &argc, &argv))
    return CLI_USAGE;
  RunMetric metric;
  if (!analysis_check(cmd, &a, argc, &metric))
    return CLI_USAGE;
  g_autoptr(GError) error = NULL;
  g_autoptr(Scenario) base = cli_load_scenario(argv[1], a.sets, a.replications, a.seed, &error);
  if (base == NULL)
    return cli_error(cmd, error);
  g_autoptr(ExplainPlan) plan = explain_plan(base, &error);
  if (plan == NULL || !within_limits(&a, plan->sweep, &error))
    return cli_error(cmd, error);
  int status;
  g_autoptr(Store) store = open_for_writing(cmd, &a, &status);
  if (status != CLI_OK)
    return status;

  CliProgress progress;
  cli_progress_init(&progress, "replications");
  cli_signals_install();
  RunOptions options = {
    .jobs = (guint) a.jobs,
    .progress = cli_progress_func(),
    .progress_data = &progress,
    .cancel = cli_cancel_flag(),
  };
  g_autoptr(ExplainResult) result = explain_execute(plan, metric, &options, &error);
  if (result == NULL)
    return run_failed(cmd, error);
  g_autofree char *json = explain_json(result);
  if (store != NULL) {
    gint64 id = store_save_analysis(store, STORE_ANALYSIS_EXPLAIN, base, run_metric_name(metric),
                                    NAN, json, &error);
    if (id == 0)
      return cli_error(cmd, error);
    fprintf(stderr, "stored as explain %" G_GINT64_FORMAT " in %s\n", id,
            store_get_path(store));
  }
  return print_out(cmd, a.json ? g_strconcat(json, "\n", NULL) : explain_text(result));
}

/* ---- zdsim sensitivity ---- */

int
cli_sensitivity(const CliCommand *cmd, int argc, char **argv)
{
  g_auto(AnalysisArgs) a = { 0 };
  g_autofree char *target_text = NULL;
  int max_instances = 6;
  GOptionEntry entries[ANALYSIS_ENTRIES + 3] = { 0 };
  analysis_entries(&a, entries);
  entries[ANALYSIS_ENTRIES] = (GOptionEntry){
    "target", 't', 0, G_OPTION_ARG_STRING, &target_text,
    "Also say whether the recommended instance count for this target (e.g. 99.95%) changes "
    "anywhere in the ranges", "PERCENT" };
  entries[ANALYSIS_ENTRIES + 1] = (GOptionEntry){
    "max-instances", 0, 0, G_OPTION_ARG_INT, &max_instances,
    "With --target, the largest instance count to try (default 6)", "N" };
  g_autoptr(GOptionContext) ctx = cli_context(cmd, entries);
  g_option_context_set_description(
      ctx, "Puts each uncertain input at the low and at the high end of its range, one at a\n"
           "time, everything else at its value, with the same seed at every end (common\n"
           "random numbers), and ranks the inputs by the larger of their two effects. The\n"
           "inputs are the keys of the scenario's [uncertain] section, or without one every\n"
           "key whose default is an assumption (zdsim help keys), over its range.");
  if (!cli_parse(ctx, cmd, &argc, &argv))
    return CLI_USAGE;
  RunMetric metric;
  if (!analysis_check(cmd, &a, argc, &metric))
    return CLI_USAGE;
  if (max_instances < 1) {
    fprintf(stderr, "zdsim %s: --max-instances must be positive\n", cmd->name);
    return CLI_USAGE;
  }
  g_autoptr(GError) error = NULL;
  double target = NAN;
  if (target_text != NULL && !recommend_parse_target(target_text, &target, &error)) {
    fprintf(stderr, "zdsim %s: --target: %s\n", cmd->name, error->message);
    return CLI_USAGE;
  }
  g_autoptr(Scenario) base = cli_load_scenario(argv[1], a.sets, a.replications, a.seed, &error);
  if (base == NULL)
    return cli_error(cmd, error);
  g_autoptr(SensitivityPlan) plan = sensitivity_plan(base, &error);
  if (plan == NULL || !within_limits(&a, plan->sweep, &error))
    return cli_error(cmd, error);
  int status;
  g_autoptr(Store) store = open_for_writing(cmd, &a, &status);
  if (status != CLI_OK)
    return status;

  CliProgress progress;
  cli_progress_init(&progress, "replications");
  cli_signals_install();
  RunOptions options = {
    .jobs = (guint) a.jobs,
    .progress = cli_progress_func(),
    .progress_data = &progress,
    .cancel = cli_cancel_flag(),
  };
  g_autoptr(SensitivityResult) result =
      sensitivity_execute(plan, metric, target, (guint) max_instances, &options, &error);
  if (result == NULL)
    return run_failed(cmd, error);
  g_autofree char *json = sensitivity_json(result);
  if (store != NULL) {
    gint64 id = store_save_analysis(store, STORE_ANALYSIS_SENSITIVITY, base,
                                    run_metric_name(metric), target, json, &error);
    if (id == 0)
      return cli_error(cmd, error);
    fprintf(stderr, "stored as sensitivity %" G_GINT64_FORMAT " in %s\n", id,
            store_get_path(store));
  }
  return print_out(cmd, a.json ? g_strconcat(json, "\n", NULL) : sensitivity_text(result));
}

/* ---- zdsim list ---- */

int
cli_list_analyses(const CliCommand *cmd, const char *path, guint limit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Store) store = store_open(path, STORE_OPEN_READ_ONLY, &error);
  if (store == NULL)
    return cli_error(cmd, error);
  for (guint k = 0; k < 2; k++) {
    StoreAnalysisKind kind = k == 0 ? STORE_ANALYSIS_EXPLAIN : STORE_ANALYSIS_SENSITIVITY;
    g_autoptr(GPtrArray) list = store_list_analyses(store, kind, limit, &error);
    if (list == NULL)
      return cli_error(cmd, error);
    if (list->len == 0)
      continue;
    printf("\n%s results in %s, newest first (zdsim report --%s ID puts one in a report):\n",
           k == 0 ? "Explain" : "Sensitivity", path, store_analysis_kind_name(kind));
    printf("  %6s  %-20s  %-24s  %-28s  %s\n", "id", "created", "scenario", "metric",
           "replications");
    for (guint i = 0; i < list->len; i++) {
      const StoreAnalysis *an = g_ptr_array_index(list, i);
      printf("  %6" G_GINT64_FORMAT "  %-20s  %-24s  %-28s  %u\n", an->id, an->created,
             an->scenario, an->metric, an->replications);
    }
  }
  return CLI_OK;
}

/* ---- zdsim report ---- */

int
cli_report(const CliCommand *cmd, int argc, char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *sweep_text = NULL;
  g_autofree char *explain_text_id = NULL;
  g_autofree char *sensitivity_text_id = NULL;
  g_autofree char *output = NULL;
  GOptionEntry entries[] = {
    { "sweep", 0, 0, G_OPTION_ARG_STRING, &sweep_text, "Report this stored sweep", "ID" },
    { "explain", 0, 0, G_OPTION_ARG_STRING, &explain_text_id,
      "Include this stored explain result", "ID" },
    { "sensitivity", 0, 0, G_OPTION_ARG_STRING, &sensitivity_text_id,
      "Include this stored sensitivity result", "ID" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the HTML here (required)",
      "FILE.html" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "Database (default: $ZDSIM_DB, else zdsim.db)",
      "FILE" },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr(GOptionContext) ctx = cli_context(cmd, entries);
  g_option_context_set_description(
      ctx, "Writes one self-contained HTML file (inline CSS and SVG, no scripts, no links out)\n"
           "with the scenario and its resolved keys, the headline metrics with their 95 %\n"
           "intervals, downtime by cause, the plots, and the stored explain and sensitivity\n"
           "results given. It prints to PDF from a browser and reads on a phone.");
  if (!cli_parse(ctx, cmd, &argc, &argv))
    return CLI_USAGE;
  if ((sweep_text == NULL) == (argc != 2) || argc > 2) {
    fprintf(stderr, "zdsim %s: expected one run id, or --sweep ID\n", cmd->name);
    return CLI_USAGE;
  }
  if (output == NULL) {
    fprintf(stderr, "zdsim %s: -o FILE.html is required\n", cmd->name);
    return CLI_USAGE;
  }
  ReportHtmlInput in = { 0 };
  const char *const texts[] = { argc == 2 ? argv[1] : NULL, sweep_text, explain_text_id,
                                sensitivity_text_id };
  const char *const whats[] = { "run", "sweep", "explain result", "sensitivity result" };
  gint64 *ids[] = { &in.run, &in.sweep, &in.explain, &in.sensitivity };
  g_autoptr(GError) error = NULL;
  for (guint i = 0; i < G_N_ELEMENTS(texts); i++) {
    if (texts[i] != NULL && !store_parse_id(texts[i], whats[i], ids[i], &error)) {
      fprintf(stderr, "zdsim %s: %s\n", cmd->name, error->message);
      return CLI_USAGE;
    }
  }
  g_autoptr(Store) store = store_open(cli_db_path(db), STORE_OPEN_READ_ONLY, &error);
  if (store == NULL)
    return cli_error(cmd, error);
  g_autofree char *html = report_html(store, &in, NULL, &error);
  if (html == NULL)
    return cli_error(cmd, error);
  if (!g_file_set_contents(output, html, -1, &error))
    return cli_error(cmd, error);
  fprintf(stderr, "wrote %s\n", output);
  return CLI_OK;
}
