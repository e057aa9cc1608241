/* cli_plot.c: `zdsim plot` (a picture of stored runs or a stored sweep) and the pictures that
 * `run --plot DIR` and `sweep --plot DIR` write. Not for drawing (plot.c) or storing
 * (store.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "zdsim/cli.h"
#include "zdsim/plot.h"
#include "zdsim/store.h"
#include "zdsim/sweep.h"

/* A run or sweep id (store_parse_id), or "latest" as 0; FALSE with a message. */
static gboolean
parse_id(const char *text, const char *what, gint64 *out)
{
  g_autoptr(GError) error = NULL;
  if (g_str_equal(what, "run")) {
    /* The one reading of RUN, as show and compare have it. */
    if (!cli_parse_run(text, out, &error)) {
      fprintf(stderr, "zdsim plot: %s\n", error->message);
      return FALSE;
    }
    return TRUE;
  }
  if (g_str_equal(text, "latest")) {
    *out = 0;
    return TRUE;
  }
  if (!store_parse_id(text, what, out, &error)) {
    fprintf(stderr, "zdsim plot: %s (or latest)\n", error->message);
    return FALSE;
  }
  return TRUE;
}

/* Adds stored run @id (0: the newest) to @data. */
static gboolean
add_stored_run(Store *store, gint64 id, PlotData *data, GError **error)
{
  if (!cli_resolve_run(store, &id, error))
    return FALSE;
  g_autoptr(StoreRun) run = store_load_run(store, id, error);
  if (run == NULL)
    return FALSE;
  plot_data_add(data, plot_run_new_from_result(run->result,
                                               (const char *const *) run->info->point));
  if (data->description == NULL || data->description[0] == '\0') {
    g_free(data->description);
    data->description = g_strdup(run->scenario->description);
  }
  return TRUE;
}

/* The plot data of stored sweep @id (0: the newest). Returns: (transfer full) or NULL. */
static PlotData *
load_sweep(Store *store, gint64 id, GError **error)
{
  if (id == 0) {
    g_autoptr(GPtrArray) newest = store_list_sweeps(store, 1, error);
    if (newest == NULL)
      return NULL;
    if (newest->len == 0) {
      g_set_error(error, STORE_ERROR, STORE_ERROR_NOT_FOUND, "no sweeps stored in %s",
                  store_get_path(store));
      return NULL;
    }
    id = ((const StoreSweepInfo *) g_ptr_array_index(newest, 0))->id;
  }
  g_autoptr(StoreSweepInfo) info = store_load_sweep(store, id, error);
  if (info == NULL)
    return NULL;
  g_autoptr(GPtrArray) runs = store_list_runs(store, id, NULL, 0, error);
  if (runs == NULL)
    return NULL;
  return plot_data_load_sweep(store, info, runs, error);
}

int
cli_plot(const CliCommand *cmd, int argc, char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *sweep_text = NULL;
  g_autofree char *kind_text = NULL;
  g_autofree char *output = NULL;
  g_autofree char *metric = NULL;
  gboolean terminal = FALSE;
  gint plot_timeout = PLOT_DEFAULT_TIMEOUT_S;
  g_autofree char *kind_help = g_strdup_printf("The picture: %s", plot_kind_names());
  GOptionEntry entries[] = {
    { "kind", 'k', 0, G_OPTION_ARG_STRING, &kind_text, kind_help, "KIND" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write FILE.png or FILE.svg", "FILE" },
    { "terminal", 't', 0, G_OPTION_ARG_NONE, &terminal, "Draw it as text on the terminal",
      NULL },
    { "sweep", 0, 0, G_OPTION_ARG_STRING, &sweep_text,
      "Plot this stored sweep (an id, or latest) instead of runs", "ID" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "Database (default: $ZDSIM_DB, else zdsim.db)",
      "FILE" },
    { "metric", 'm', 0, G_OPTION_ARG_STRING, &metric,
      "What availability, cost or heatmap draw: an availability (availability plot), a "
      "downtime per year such as downtime_outside_portal_window_per_year_s (cost), or "
      "business_hours_availability (heatmap: business-hours downtime only)",
      "NAME" },
    { "plot-timeout", 0, 0, G_OPTION_ARG_INT, &plot_timeout,
      "Kill gnuplot after S seconds and fail (default 60)", "S" },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr(GOptionContext) ctx = cli_context(cmd, entries);
  g_option_context_set_description(
      ctx,
      "RUN is a stored run's id (zdsim list) or 'latest'; give two runs, e.g. the 1- and\n"
      "2-instance runs, for a timeline side by side. --sweep ID plots a stored sweep.\n"
      "Kinds:\n"
      "  availability  availability vs instance count with 95 % bars, a line per policy\n"
      "  cost          downtime and instance-hours per year vs instance count\n"
      "  timeline      instances and database across one platform update, 1 and 2\n"
      "                instances side by side\n"
      "  outages       how long outages last (distribution), per policy or per cause\n"
      "  heatmap       downtime minutes by hour of the week, with the portal and RDS\n"
      "                windows and the business hours\n"
      "availability and cost need a sweep over app.instances. gnuplot draws the pictures\n"
      "(install gnuplot-nox: make deps); its templates are plots/*.gp ($ZDSIM_PLOTS).");
  CliOutput quiet = { 0 };
  cli_output_add_options(ctx, &quiet, CLI_OUTPUT_QUIET);
  if (!cli_parse(ctx, cmd, &argc, &argv) || !cli_output_check(cmd, &quiet))
    return CLI_USAGE;

  if (kind_text == NULL) {
    fprintf(stderr, "zdsim plot: --kind is required (%s)\n", plot_kind_names());
    return CLI_USAGE;
  }
  int kind = plot_kind_lookup(kind_text);
  if (kind < 0) {
    fprintf(stderr, "zdsim plot: unknown kind '%s' (expected %s)\n", kind_text,
            plot_kind_names());
    return CLI_USAGE;
  }
  if (plot_timeout < 1) {
    fprintf(stderr, "zdsim plot: --plot-timeout: expected a whole number of seconds of at "
                    "least 1, got %d\n", plot_timeout);
    return CLI_USAGE;
  }
  if ((output == NULL) == !terminal) {
    fprintf(stderr, "zdsim plot: give one of -o FILE.png|FILE.svg and --terminal\n");
    return CLI_USAGE;
  }
  g_autoptr(GError) error = NULL;
  PlotFormat format = PLOT_FORMAT_TEXT;
  if (output != NULL && !plot_format_for_path(output, &format, &error))
    return cli_error(cmd, error);
  gint64 sweep_id = -1;
  if (sweep_text != NULL) {
    if (!parse_id(sweep_text, "sweep", &sweep_id))
      return CLI_USAGE;
    if (argc > 1) {
      fprintf(stderr, "zdsim plot: give runs or --sweep, not both\n");
      return CLI_USAGE;
    }
  } else if (argc < 2) {
    fprintf(stderr, "zdsim plot: expected a run id (see zdsim list) or --sweep ID\n");
    return CLI_USAGE;
  } else if (kind == PLOT_TIMELINE && argc > 3) {
    /* One run, or two drawn side by side (plot.h): a third would be silently left out. */
    fprintf(stderr, "zdsim plot: --kind timeline takes one run, or two side by side; got %d "
                    "runs\n", argc - 1);
    return CLI_USAGE;
  }
  g_autofree gint64 *ids = g_new0(gint64, MAX(argc, 1));
  for (int i = 1; i < argc; i++) {
    if (!parse_id(argv[i], "run", &ids[i - 1]))
      return CLI_USAGE;
  }

  g_autoptr(GError) db_error = NULL;
  if (!cli_db_check(db, &db_error))
    return cli_error(cmd, db_error);
  const char *path = cli_db_path(db);
  if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
    fprintf(stderr, "zdsim plot: nothing stored in %s yet: zdsim run FILE and zdsim sweep FILE "
                    "store there\n", path);
    return CLI_USAGE;
  }
  g_autoptr(Store) store = store_open(path, STORE_OPEN_READ_ONLY, &error);
  if (store == NULL)
    return cli_error(cmd, error);
  g_autoptr(PlotData) data = NULL;
  if (sweep_id >= 0) {
    data = load_sweep(store, sweep_id, &error);
    if (data == NULL)
      return cli_error(cmd, error);
  } else {
    data = plot_data_new(NULL, NULL, FALSE);
    for (int i = 1; i < argc; i++)
      if (!add_stored_run(store, ids[i - 1], data, &error))
        return cli_error(cmd, error);
  }

  PlotOptions options = { .kind = (PlotKind) kind, .format = format, .output = output,
                          .metric = metric, .timeout_s = (guint) plot_timeout };
  g_autofree char *text = NULL;
  if (!plot_render(data, &options, &text, &error))
    return cli_error(cmd, error);
  if (text != NULL)
    fputs(text, stdout);
  else
    cli_note("wrote %s", output);
  return CLI_OK;
}

/* Writes every kind that applies to @data as DIR/<kind>.png. */
static gboolean
plot_all(const PlotData *data, const char *dir, GError **error)
{
  if (g_mkdir_with_parents(dir, 0777) != 0) {
    int e = errno;
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e),
                "cannot create the plot directory %s: %s", dir, g_strerror(e));
    return FALSE;
  }
  for (int k = 0; k < PLOT_KIND_COUNT; k++) {
    g_autoptr(GError) why = NULL;
    if (!plot_applies((PlotKind) k, data, &why)) {
      cli_note("no %s plot: %s", plot_kind_name((PlotKind) k), why->message);
      continue;
    }
    g_autofree char *file = g_strdup_printf("%s.png", plot_kind_name((PlotKind) k));
    g_autofree char *out = g_build_filename(dir, file, NULL);
    PlotOptions options = { .kind = (PlotKind) k, .format = PLOT_FORMAT_PNG, .output = out };
    if (!plot_render(data, &options, NULL, error))
      return FALSE;
    cli_note("wrote %s", out);
  }
  return TRUE;
}

gboolean
cli_plot_run_all(const RunResult *result, const char *dir, GError **error)
{
  const Scenario *sc = result->scenario;
  g_autoptr(PlotData) data = plot_data_new(sc->name, sc->description, FALSE);
  plot_data_add(data, plot_run_new_from_result(result, NULL));
  return plot_all(data, dir, error);
}

gboolean
cli_plot_sweep_all(const SweepResult *sweep, const char *dir, GError **error)
{
  g_autoptr(PlotData) data = NULL;
  for (guint i = 0; i < sweep->results->len; i++) {
    const RunResult *r = g_ptr_array_index(sweep->results, i);
    if (data == NULL)
      data = plot_data_new(r->scenario->name, r->scenario->description, TRUE);
    const char *const *point = i < sweep->points->len ? g_ptr_array_index(sweep->points, i)
                                                      : NULL;
    plot_data_add(data, plot_run_new_from_result(r, point));
  }
  if (data == NULL) {
    g_set_error(error, PLOT_ERROR, PLOT_ERROR_NOT_APPLICABLE, "nothing to plot: no runs");
    return FALSE;
  }
  return plot_all(data, dir, error);
}
