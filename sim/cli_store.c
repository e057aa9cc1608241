/* cli_store.c: the commands over the run store: `zdsim list`, `show`, `compare`, `sweep` and
 * `recommend`, with their tables for people. Not for running one scenario (cli_run.c) or for
 * the store itself (store.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zdsim/text.h"
#include "zdsim/cli.h"
#include "zdsim/compare.h"
#include "zdsim/recommend.h"
#include "zdsim/report.h"
#include "zdsim/run.h"
#include "zdsim/store.h"
#include "zdsim/sweep.h"
#include "zdsim/units.h"

/* A run or sweep id (store_parse_id), or FALSE with a message. */
/* A cell of `list` shows at most this many characters: names are refused above 64 on input,
 * but a database written by an older zdsim may hold longer ones (or control characters,
 * escaped by text_for_cell()). */
#define LIST_CELL_CHARS 64

static gboolean
parse_id(const CliCommand *cmd, const char *text, const char *what, gint64 *out)
{
  g_autoptr(GError) error = NULL;
  if (!store_parse_id(text, what, out, &error)) {
    fprintf(stderr, "zdsim %s: %s\n", cmd->name, error->message);
    return FALSE;
  }
  return TRUE;
}

/* "99.9973 % [99.9969, 99.9977]": an availability with its interval, capped at 100 %. */
static char *
format_availability(const StatsSummary *s)
{
  return g_strdup_printf("%.4f %% [%.4f, %.4f]", 100 * s->mean, 100 * s->lo,
                         100 * MIN(s->hi, 1.0));
}

/* "14.2 [12.2, 16.3]": seconds per year as minutes per year with the interval. */
static char *
format_minutes(const StatsSummary *s)
{
  return g_strdup_printf("%.1f [%.1f, %.1f]", s->mean / 60, MAX(s->lo, 0) / 60, s->hi / 60);
}

/* ---- a table with columns sized to their contents ---- */

typedef struct {
  guint columns;
  GPtrArray *cells; /* char*, row by row */
  guint32 right;    /* bit c: column c is right-aligned */
} Table;

static void
table_init(Table *t, guint columns, guint32 right)
{
  t->columns = columns;
  t->cells = g_ptr_array_new_with_free_func(g_free);
  t->right = right;
}

static void
table_add(Table *t, char *cell)
{
  g_ptr_array_add(t->cells, cell != NULL ? cell : g_strdup(""));
}

static char *
table_free_to_string(Table *t)
{
  g_autofree guint *width = g_new0(guint, t->columns);
  for (guint i = 0; i < t->cells->len; i++) {
    guint w = (guint) g_utf8_strlen(g_ptr_array_index(t->cells, i), -1);
    width[i % t->columns] = MAX(width[i % t->columns], w);
  }
  GString *out = g_string_new(NULL);
  for (guint i = 0; i < t->cells->len; i++) {
    guint c = i % t->columns;
    const char *cell = g_ptr_array_index(t->cells, i);
    guint pad = width[c] - (guint) g_utf8_strlen(cell, -1);
    g_string_append(out, "  ");
    if (t->right & (1u << c))
      g_string_append_printf(out, "%*s%s", (int) pad, "", cell);
    else if (c + 1 < t->columns)
      g_string_append_printf(out, "%s%*s", cell, (int) pad, "");
    else
      g_string_append(out, cell);
    if (c + 1 == t->columns)
      g_string_append_c(out, '\n');
  }
  g_ptr_array_unref(t->cells);
  return g_string_free(out, FALSE);
}

/* ---- zdsim list ---- */


int
cli_list(const CliCommand *cmd, int argc, char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *scenario = NULL;
  int limit = 20;
  gint64 sweep = 0;
  g_autofree char *sweep_text = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "Database (default: $ZDSIM_DB, else zdsim.db)",
      "FILE" },
    { "limit", 'n', 0, G_OPTION_ARG_INT, &limit, "Show at most N runs and N sweeps (0: all)",
      "N" },
    { "scenario", 0, 0, G_OPTION_ARG_STRING, &scenario, "Only runs of this scenario name",
      "NAME" },
    { "sweep", 0, 0, G_OPTION_ARG_STRING, &sweep_text, "Only the runs of this sweep", "ID" },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr(GOptionContext) ctx = cli_context(cmd, entries);
  if (!cli_parse(ctx, cmd, &argc, &argv))
    return CLI_USAGE;
  if (argc != 1) {
    fprintf(stderr, "zdsim list: expected no arguments, got '%s'\n", argv[1]);
    return CLI_USAGE;
  }
  if (limit < 0) {
    fprintf(stderr, "zdsim list: --limit must be 0 (all) or more\n");
    return CLI_USAGE;
  }
  if (sweep_text != NULL && !parse_id(cmd, sweep_text, "sweep", &sweep))
    return CLI_USAGE;
  const char *path = cli_db_path(db);
  if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
    printf("Nothing stored in %s yet: zdsim run FILE and zdsim sweep FILE store there.\n", path);
    return CLI_OK;
  }
  g_autoptr(GError) error = NULL;
  g_autoptr(Store) store = store_open(path, STORE_OPEN_READ_ONLY, &error);
  if (store == NULL)
    return cli_error(cmd, error);
  if (sweep > 0) {
    g_autoptr(StoreSweepInfo) info = store_load_sweep(store, sweep, &error);
    if (info == NULL)
      return cli_error(cmd, error);
  }
  /* One more than shown, to say whether older ones were left out. */
  guint ask = limit > 0 && sweep == 0 ? (guint) limit + 1 : 0;
  g_autoptr(GPtrArray) runs = store_list_runs(store, sweep, scenario, ask, &error);
  if (runs == NULL)
    return cli_error(cmd, error);
  gboolean more_runs = ask > 0 && runs->len == ask;
  if (more_runs)
    g_ptr_array_set_size(runs, ask - 1);

  if (runs->len == 0) {
    printf("No runs stored in %s%s%s.\n", path, scenario != NULL ? " for scenario " : "",
           scenario != NULL ? scenario : "");
  } else {
    if (sweep > 0)
      printf("Runs of sweep %" G_GINT64_FORMAT " in %s, point by point:\n", sweep, path);
    else
      printf("Runs in %s, newest first:\n", path);
    Table t;
    table_init(&t, 8, 1u << 0 | 1u << 3 | 1u << 6);
    const char *head[] = { "run", "created", "scenario", "instances", "policy",
                           "availability % [95 % interval]", "replications", "sweep point" };
    for (guint i = 0; i < G_N_ELEMENTS(head); i++)
      table_add(&t, g_strdup(head[i]));
    for (guint i = 0; i < runs->len; i++) {
      const StoreRunInfo *r = g_ptr_array_index(runs, i);
      table_add(&t, g_strdup_printf("%" G_GINT64_FORMAT, r->id));
      table_add(&t, g_strdup(r->created));
      table_add(&t, text_for_cell(r->scenario, LIST_CELL_CHARS));
      table_add(&t, g_strdup_printf("%u", r->instances));
      table_add(&t, text_for_cell(r->policy, LIST_CELL_CHARS));
      table_add(&t, format_availability(&r->summary[RUN_AVAILABILITY]));
      table_add(&t, g_strdup_printf("%u", r->replications));
      if (r->sweep_id > 0) {
        g_autofree char *label = sweep_point_label((const char *const *) r->point);
        g_autofree char *shown = text_for_cell(label, LIST_CELL_CHARS);
        table_add(&t, g_strdup_printf("%" G_GINT64_FORMAT ": %s", r->sweep_id, shown));
      } else {
        table_add(&t, g_strdup("-"));
      }
    }
    g_autofree char *text = table_free_to_string(&t);
    fputs(text, stdout);
    if (more_runs)
      printf("  (older runs not shown: --limit 0 shows all)\n");
  }
  if (sweep > 0 || scenario != NULL)
    return CLI_OK;

  g_autoptr(GPtrArray) sweeps = store_list_sweeps(store, ask, &error);
  if (sweeps == NULL)
    return cli_error(cmd, error);
  gboolean more_sweeps = ask > 0 && sweeps->len == ask;
  if (more_sweeps)
    g_ptr_array_set_size(sweeps, ask - 1);
  if (sweeps->len == 0)
    return CLI_OK;
  printf("\nSweeps in %s, newest first (zdsim list --sweep ID shows their runs):\n", path);
  Table t;
  table_init(&t, 6, 1u << 0 | 1u << 4);
  const char *head[] = { "sweep", "created", "kind", "scenario", "runs", "axes" };
  for (guint i = 0; i < G_N_ELEMENTS(head); i++)
    table_add(&t, g_strdup(head[i]));
  for (guint i = 0; i < sweeps->len; i++) {
    const StoreSweepInfo *s = g_ptr_array_index(sweeps, i);
    table_add(&t, g_strdup_printf("%" G_GINT64_FORMAT, s->id));
    table_add(&t, g_strdup(s->created));
    table_add(&t, text_for_cell(s->kind, LIST_CELL_CHARS));
    table_add(&t, text_for_cell(s->scenario, LIST_CELL_CHARS));
    table_add(&t, g_strdup_printf("%u", s->runs));
    g_autofree char *axes = sweep_axes_text(s->axes, " x ");
    table_add(&t, text_for_cell(axes, LIST_CELL_CHARS));
  }
  g_autofree char *text = table_free_to_string(&t);
  fputs(text, stdout);
  if (more_sweeps)
    printf("  (older sweeps not shown: --limit 0 shows all)\n");
  return CLI_OK;
}

/* ---- zdsim show ---- */

int
cli_show(const CliCommand *cmd, int argc, char **argv)
{
  g_autofree char *db = NULL;
  gboolean json = FALSE, csv = FALSE;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "Database (default: $ZDSIM_DB, else zdsim.db)",
      "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the figures as JSON", NULL },
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv, "Print the figures as CSV", NULL },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr(GOptionContext) ctx = cli_context(cmd, entries);
  if (!cli_parse(ctx, cmd, &argc, &argv))
    return CLI_USAGE;
  if (argc != 2) {
    fprintf(stderr, "zdsim show: expected one run id (see zdsim list)\n");
    return CLI_USAGE;
  }
  if (json && csv) {
    fprintf(stderr, "zdsim show: choose one of --json and --csv\n");
    return CLI_USAGE;
  }
  gint64 id;
  if (!parse_id(cmd, argv[1], "run", &id))
    return CLI_USAGE;
  g_autoptr(GError) error = NULL;
  g_autoptr(Store) store = store_open(cli_db_path(db), STORE_OPEN_READ_ONLY, &error);
  if (store == NULL)
    return cli_error(cmd, error);
  g_autoptr(StoreRun) run = store_load_run(store, id, &error);
  if (run == NULL)
    return cli_error(cmd, error);
  /* The same calls as zdsim run, on the same figures: the same report. */
  g_autofree char *text = json  ? report_json(run->result)
                          : csv ? report_csv(run->result)
                                : report_text(run->result, TRUE);
  fputs(text, stdout);
  if (json)
    fputc('\n', stdout);
  return CLI_OK;
}

/* ---- zdsim compare ---- */

static char *
run_label(const StoreRun *run)
{
  const StoreRunInfo *i = run->info;
  GString *out = g_string_new(NULL);
  g_string_append_printf(out,
                         "run %" G_GINT64_FORMAT ": %s, %u instance%s, policy %s, seed %"
                         G_GUINT64_FORMAT ", %u replications",
                         i->id, i->scenario, i->instances, i->instances == 1 ? "" : "s",
                         i->policy, i->seed, i->replications);
  if (i->overrides != NULL && i->overrides[0] != NULL) {
    g_autofree char *sets = g_strjoinv(" ", i->overrides);
    g_string_append_printf(out, " (%s)", sets);
  }
  return g_string_free(out, FALSE);
}

int
cli_compare(const CliCommand *cmd, int argc, char **argv)
{
  g_autofree char *db = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "Database (default: $ZDSIM_DB, else zdsim.db)",
      "FILE" },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr(GOptionContext) ctx = cli_context(cmd, entries);
  g_option_context_set_description(
      ctx, "Prints B - A for every metric with its 95 % interval and a verdict: better, worse or\n"
           "no significant difference. Runs with the same seed and replications are compared\n"
           "replication by replication (common random numbers), others with Welch's t.");
  if (!cli_parse(ctx, cmd, &argc, &argv))
    return CLI_USAGE;
  if (argc != 3) {
    fprintf(stderr, "zdsim compare: expected two run ids, A then B (see zdsim list)\n");
    return CLI_USAGE;
  }
  gint64 ida, idb;
  if (!parse_id(cmd, argv[1], "run", &ida) || !parse_id(cmd, argv[2], "run", &idb))
    return CLI_USAGE;
  g_autoptr(GError) error = NULL;
  g_autoptr(Store) store = store_open(cli_db_path(db), STORE_OPEN_READ_ONLY, &error);
  if (store == NULL)
    return cli_error(cmd, error);
  g_autoptr(StoreRun) a = store_load_run(store, ida, &error);
  if (a == NULL)
    return cli_error(cmd, error);
  g_autoptr(StoreRun) b = store_load_run(store, idb, &error);
  if (b == NULL)
    return cli_error(cmd, error);
  CompareResult c;
  compare_runs(a->result, b->result, &c);
  g_autofree char *la = run_label(a);
  g_autofree char *lb = run_label(b);
  g_autofree char *text = compare_text(a->result, b->result, &c, la, lb);
  fputs(text, stdout);
  return CLI_OK;
}

/* ---- zdsim sweep and recommend ---- */

/* The options sweep and recommend share with run. */
typedef struct {
  int replications;
  int jobs;
  char *seed;
  char **sets;
  char *db;
  gboolean no_store;
  gboolean force;
} RunArgs;

static void
run_args_clear(RunArgs *a)
{
  g_free(a->seed);
  g_strfreev(a->sets);
  g_free(a->db);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(RunArgs, run_args_clear)

static void
run_args_entries(RunArgs *a, GOptionEntry *e)
{
  GOptionEntry entries[] = {
    { "replications", 'r', 0, G_OPTION_ARG_INT, &a->replications,
      "Replications per point (overrides scenario.replications)", "N" },
    { "seed", 's', 0, G_OPTION_ARG_STRING, &a->seed,
      "Master seed, the same at every point (overrides scenario.seed)", "S" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &a->jobs, "Worker threads (default: one per core)",
      "J" },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &a->sets,
      "Override a key at every point, e.g. app.startup=30s", "SECTION.KEY=VALUE" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &a->db,
      "Store in this database (default: $ZDSIM_DB, else zdsim.db)", "FILE" },
    { "no-store", 0, 0, G_OPTION_ARG_NONE, &a->no_store, "Do not store the runs", NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &a->force,
      "Run even when the estimated events or memory exceed the limits", NULL },
  };
  memcpy(e, entries, sizeof entries);
}
enum { RUN_ARGS_ENTRIES = 7 };

/* Refuses work whose estimate exceeds the limits unless --force: @base at each of @points
 * (override vectors), or @base alone when @points is NULL. */
static gboolean
within_limits(const RunArgs *a, const Scenario *base, GPtrArray *points, GError **error)
{
  if (a->force)
    return TRUE;
  if (points == NULL)
    return run_check_limits(base, (guint) a->jobs, error);
  g_autoptr(GPtrArray) scs = g_ptr_array_new_with_free_func((GDestroyNotify) scenario_free);
  for (guint i = 0; i < points->len; i++) {
    Scenario *sc = sweep_point_scenario(base, g_ptr_array_index(points, i), error);
    if (sc == NULL)
      return FALSE;
    g_ptr_array_add(scs, sc);
  }
  return run_check_limits_many((const Scenario *const *) scs->pdata, scs->len, (guint) a->jobs,
                               error);
}

/* Opens the store for writing before any work, so a bad --db fails at once; NULL with
 * --no-store or on error (then *status is CLI_USAGE). */
static Store *
open_for_writing(const CliCommand *cmd, const RunArgs *a, int *status)
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

/* The exit code for a sweep or recommendation that did not finish: interrupted (nothing was
 * stored, since points are stored only once all have run), threads, or bad input. */
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

/* Stores @sweep, printing "stored as sweep N (runs A-B) in FILE" on stderr. */
static int
store_sweep(const CliCommand *cmd, Store *store, const char *kind, const Scenario *base,
            const SweepResult *sweep)
{
  g_autoptr(GError) error = NULL;
  gint64 id = store_save_sweep(store, kind, base, sweep->axes, sweep->results, sweep->points,
                               &error);
  if (id == 0)
    return cli_error(cmd, error);
  g_autoptr(GPtrArray) runs = store_list_runs(store, id, NULL, 0, &error);
  if (runs == NULL)
    return cli_error(cmd, error);
  const StoreRunInfo *first = g_ptr_array_index(runs, 0);
  const StoreRunInfo *last = g_ptr_array_index(runs, runs->len - 1);
  fprintf(stderr,
          "stored as sweep %" G_GINT64_FORMAT " (runs %" G_GINT64_FORMAT "-%" G_GINT64_FORMAT
          ") in %s\n",
          id, first->id, last->id, store_get_path(store));
  return CLI_OK;
}

/* The value a point gives @key, or "". */
static const char *
point_value(char **point, const char *key)
{
  gsize len = strlen(key);
  for (char **p = point; p != NULL && *p != NULL; p++)
    if (strncmp(*p, key, len) == 0 && (*p)[len] == '=')
      return *p + len + 1;
  return "";
}

static char *
sweep_table(const SweepResult *sweep)
{
  guint n_axes = sweep->axes->len;
  Table t;
  /* The figures are right-aligned. */
  guint32 right = 0;
  for (guint c = n_axes; c < n_axes + 4; c++)
    right |= 1u << c;
  table_init(&t, n_axes + 4, right);
  for (guint a = 0; a < n_axes; a++)
    table_add(&t, g_strdup(((const ScenarioSweepAxis *) g_ptr_array_index(sweep->axes, a))->key));
  table_add(&t, g_strdup("availability % [95 %]"));
  table_add(&t, g_strdup("downtime min/year [95 %]"));
  table_add(&t, g_strdup("outages/year"));
  table_add(&t, g_strdup("instance-hours/year"));
  for (guint i = 0; i < sweep->results->len; i++) {
    const RunResult *r = g_ptr_array_index(sweep->results, i);
    char **point = g_ptr_array_index(sweep->points, i);
    for (guint a = 0; a < n_axes; a++) {
      const ScenarioSweepAxis *axis = g_ptr_array_index(sweep->axes, a);
      table_add(&t, g_strdup(point_value(point, axis->key)));
    }
    table_add(&t, format_availability(&r->summary[RUN_AVAILABILITY]));
    table_add(&t, format_minutes(&r->summary[RUN_DOWNTIME_PER_YEAR]));
    table_add(&t, g_strdup_printf("%.2f", r->summary[RUN_OUTAGES_PER_YEAR].mean));
    table_add(&t, g_strdup_printf("%.0f", r->summary[RUN_INSTANCE_HOURS_PER_YEAR].mean));
  }
  return table_free_to_string(&t);
}

/* The horizon and the replication count the points of @sweep ran with, for its header: one
 * value, or "LOW to HIGH" when [sweep] varies scenario.horizon or scenario.replications (the
 * base scenario's values are then not what ran). Returns: (transfer full) the horizon, and
 * the replications in *@replications (transfer full). */
static char *
sweep_header_ranges(const SweepResult *sweep, const Scenario *base, char **replications)
{
  gint64 h_lo = base->horizon, h_hi = base->horizon;
  guint r_lo = base->replications, r_hi = base->replications;
  if (sweep->results->len > 0) {
    const RunResult *first = g_ptr_array_index(sweep->results, 0);
    h_lo = h_hi = first->scenario->horizon;
    r_lo = r_hi = first->replications;
  }
  for (guint i = 1; i < sweep->results->len; i++) {
    const RunResult *r = g_ptr_array_index(sweep->results, i);
    h_lo = MIN(h_lo, r->scenario->horizon);
    h_hi = MAX(h_hi, r->scenario->horizon);
    r_lo = MIN(r_lo, r->replications);
    r_hi = MAX(r_hi, r->replications);
  }
  *replications = r_lo == r_hi ? g_strdup_printf("%u", r_lo)
                               : g_strdup_printf("%u to %u", r_lo, r_hi);
  g_autofree char *lo = units_format_duration(h_lo);
  if (h_lo == h_hi)
    return g_steal_pointer(&lo);
  g_autofree char *hi = units_format_duration(h_hi);
  return g_strdup_printf("%s to %s", lo, hi);
}

int
cli_sweep(const CliCommand *cmd, int argc, char **argv)
{
  /* First of all: a SIGTERM or Ctrl-C that arrives while the files load or the store opens
   * must be handled like one during the work (stop, store nothing, 128 + signal). */
  cli_signals_install();
  g_auto(RunArgs) a = { 0 };
  g_autofree char *plot_dir = NULL;
  GOptionEntry entries[RUN_ARGS_ENTRIES + 2] = { 0 };
  run_args_entries(&a, entries);
  entries[RUN_ARGS_ENTRIES] = (GOptionEntry){
    "plot", 0, 0, G_OPTION_ARG_FILENAME, &plot_dir,
    "Write every picture that applies to DIR/<kind>.png", "DIR",
  };
  g_autoptr(GOptionContext) ctx = cli_context(cmd, entries);
  g_option_context_set_description(
      ctx, "Runs every point of the scenario's [sweep] section (the Cartesian product of its\n"
           "keys, e.g. app.instances = 1,2,3 and policy.evacuation = rolling,stop-start), all\n"
           "with the same seed, prints one row per point and stores them as one sweep.");
  if (!cli_parse(ctx, cmd, &argc, &argv))
    return CLI_USAGE;
  if (argc != 2) {
    fprintf(stderr, "zdsim sweep: expected one scenario file, got %d\n", argc - 1);
    return CLI_USAGE;
  }
  if (a.jobs < 0 || a.replications < 0) {
    fprintf(stderr, "zdsim sweep: --jobs and --replications must be positive\n");
    return CLI_USAGE;
  }
  g_autoptr(GError) error = NULL;
  g_autoptr(Scenario) base = cli_load_scenario(argv[1], a.sets, a.replications, a.seed, &error);
  if (base == NULL)
    return cli_error(cmd, error);
  if (base->sweep->len == 0) {
    fprintf(stderr,
            "zdsim sweep: %s has no [sweep] section (add one, e.g. 'app.instances = 1,2,3' "
            "under [sweep], or use zdsim run)\n",
            argv[1]);
    return CLI_USAGE;
  }
  g_autoptr(GPtrArray) points = scenario_sweep_points(base);
  if (!within_limits(&a, base, points, &error))
    return cli_error(cmd, error);
  int status;
  g_autoptr(Store) store = open_for_writing(cmd, &a, &status);
  if (status != CLI_OK)
    return status;

  CliProgress progress;
  cli_progress_init(&progress, "replications over all points");
  RunOptions options = {
    .jobs = (guint) a.jobs,
    .keep_timeline = store != NULL || plot_dir != NULL,
    .progress = cli_progress_func(),
    .progress_data = &progress,
    .cancel = cli_cancel_flag(),
  };
  g_autoptr(SweepResult) sweep = sweep_run(base, &options, &error);
  if (sweep == NULL)
    return run_failed(cmd, error);
  g_autofree char *replications = NULL;
  g_autofree char *horizon = sweep_header_ranges(sweep, base, &replications);
  printf("%s: %u points x %s replications of %s, seed %" G_GUINT64_FORMAT
         " at every point (common random numbers); 95 %% intervals in brackets\n\n",
         base->name, sweep->results->len, replications, horizon, base->seed);
  g_autofree char *table = sweep_table(sweep);
  fputs(table, stdout);
  fflush(stdout);
  int stored = store != NULL ? store_sweep(cmd, store, "sweep", base, sweep) : CLI_OK;
  if (stored != CLI_OK)
    return stored;
  if (plot_dir != NULL && !cli_plot_sweep_all(sweep, plot_dir, &error))
    return cli_error(cmd, error);
  return CLI_OK;
}

static const char *
target_label(RunMetric metric)
{
  switch (metric) {
  case RUN_REQUEST_AVAILABILITY:
    return "request availability";
  case RUN_BUSINESS_HOURS_AVAILABILITY:
    return "business-hours availability";
  default:
    return "availability";
  }
}

int
cli_recommend(const CliCommand *cmd, int argc, char **argv)
{
  /* First of all: a SIGTERM or Ctrl-C that arrives while the files load or the store opens
   * must be handled like one during the work (stop, store nothing, 128 + signal). */
  cli_signals_install();
  g_auto(RunArgs) a = { 0 };
  g_autofree char *target_text = NULL;
  g_autofree char *metric_text = NULL;
  int max_instances = 6;
  GOptionEntry entries[RUN_ARGS_ENTRIES + 4] = { 0 };
  GOptionEntry own[] = {
    { "target", 't', 0, G_OPTION_ARG_STRING, &target_text,
      "The availability to reach, e.g. 99.95% (required)", "PERCENT" },
    { "metric", 'm', 0, G_OPTION_ARG_STRING, &metric_text,
      "availability (time up, default), request or business-hours", "METRIC" },
    { "max-instances", 0, 0, G_OPTION_ARG_INT, &max_instances,
      "The largest instance count to try (default 6)", "N" },
  };
  memcpy(entries, own, sizeof own);
  run_args_entries(&a, entries + G_N_ELEMENTS(own));
  g_autoptr(GOptionContext) ctx = cli_context(cmd, entries);
  g_option_context_set_description(
      ctx, "Runs the scenario with app.instances = 1, 2, ... and names the smallest count whose\n"
           "lower 95 % bound meets the target, with its downtime and cost, and the next count\n"
           "for comparison.");
  if (!cli_parse(ctx, cmd, &argc, &argv))
    return CLI_USAGE;
  if (argc != 2) {
    fprintf(stderr, "zdsim recommend: expected one scenario file, got %d\n", argc - 1);
    return CLI_USAGE;
  }
  if (target_text == NULL) {
    fprintf(stderr, "zdsim recommend: --target is required, e.g. --target 99.95%%\n");
    return CLI_USAGE;
  }
  if (a.jobs < 0 || a.replications < 0 || max_instances < 1) {
    fprintf(stderr, "zdsim recommend: --jobs, --replications and --max-instances must be "
                    "positive\n");
    return CLI_USAGE;
  }
  g_autoptr(GError) error = NULL;
  double target;
  if (!recommend_parse_target(target_text, &target, &error)) {
    fprintf(stderr, "zdsim recommend: --target: %s\n", error->message);
    return CLI_USAGE;
  }
  RunMetric metric = RUN_AVAILABILITY;
  if (metric_text != NULL && !recommend_parse_metric(metric_text, &metric, &error)) {
    fprintf(stderr, "zdsim recommend: --metric: %s\n", error->message);
    return CLI_USAGE;
  }
  g_autoptr(Scenario) base = cli_load_scenario(argv[1], a.sets, a.replications, a.seed, &error);
  if (base == NULL)
    return cli_error(cmd, error);
  /* recommend runs at most 1..max_instances instances: bounded by that many runs of the
   * largest. */
  g_autoptr(GPtrArray) points = g_ptr_array_new_with_free_func((GDestroyNotify) g_strfreev);
  for (int n = 1; n <= max_instances; n++) {
    char **point = g_new0(char *, 2);
    point[0] = g_strdup_printf("app.instances=%d", n);
    g_ptr_array_add(points, point);
  }
  if (!within_limits(&a, base, points, &error))
    return cli_error(cmd, error);
  int status;
  g_autoptr(Store) store = open_for_writing(cmd, &a, &status);
  if (status != CLI_OK)
    return status;

  CliProgress progress;
  cli_progress_init(&progress, "replications");
  RunOptions options = {
    .jobs = (guint) a.jobs,
    .keep_timeline = store != NULL,
    .progress = cli_progress_func(),
    .progress_data = &progress,
    .cancel = cli_cancel_flag(),
  };
  g_autoptr(RecommendResult) rec =
      recommend_run(base, metric, target, (guint) max_instances, &options, &error);
  if (rec == NULL)
    return run_failed(cmd, error);

  g_autofree char *target_pct = report_format_percent(target);
  printf("%s: the smallest instance count whose %s meets %s on its lower 95 %% bound\n"
         "policy %s, %u replications per count, seed %" G_GUINT64_FORMAT
         " for every count (common random numbers)\n\n",
         base->name, target_label(metric), target_pct, base->evacuation, base->replications,
         base->seed);
  const SweepResult *sweep = rec->sweep;
  Table t;
  table_init(&t, 5, 1u << 0 | 1u << 1 | 1u << 3 | 1u << 4);
  g_autofree char *metric_head = g_strdup_printf("%s %% [95 %%]", target_label(metric));
  const char *head[] = { "instances", metric_head, "meets", "downtime min/year [95 %]",
                         "instance-hours/year" };
  for (guint i = 0; i < G_N_ELEMENTS(head); i++)
    table_add(&t, g_strdup(head[i]));
  for (guint i = 0; i < sweep->results->len; i++) {
    const RunResult *r = g_ptr_array_index(sweep->results, i);
    table_add(&t, g_strdup_printf("%u", r->scenario->instances));
    table_add(&t, format_availability(&r->summary[metric]));
    table_add(&t, g_strdup(recommend_meets(&r->summary[metric], target) ? "yes" : "no"));
    table_add(&t, format_minutes(&r->summary[RUN_DOWNTIME_PER_YEAR]));
    table_add(&t, g_strdup_printf("%.0f", r->summary[RUN_INSTANCE_HOURS_PER_YEAR].mean));
  }
  g_autofree char *table = table_free_to_string(&t);
  fputs(table, stdout);

  if (rec->answer < 0) {
    const RunResult *best = g_ptr_array_index(sweep->results, sweep->results->len - 1);
    g_autofree char *lo = report_format_percent(best->summary[metric].lo);
    printf("\nNo instance count up to %u meets %s: at %u instances the lower bound is %s.\n"
           "Instances alone do not get there; look at what the downtime by cause says "
           "(zdsim run --set app.instances=%u).\n",
           rec->max_instances, target_pct, best->scenario->instances, lo,
           best->scenario->instances);
  } else {
    const RunResult *r = g_ptr_array_index(sweep->results, (guint) rec->answer);
    const StatsSummary *down = &r->summary[RUN_DOWNTIME_PER_YEAR];
    g_autofree char *lo = report_format_percent(r->summary[metric].lo);
    printf("\nRecommendation: %u instance%s. Its %s is at least %s (lower 95 %% bound), "
           "meeting %s;\n  downtime %.1f min/year [%.1f, %.1f], %.0f instance-hours/year.\n",
           r->scenario->instances, r->scenario->instances == 1 ? "" : "s",
           target_label(metric), lo, target_pct, down->mean / 60, MAX(down->lo, 0) / 60,
           down->hi / 60, r->summary[RUN_INSTANCE_HOURS_PER_YEAR].mean);
    if ((guint) rec->answer + 1 < sweep->results->len) {
      const RunResult *next = g_ptr_array_index(sweep->results, (guint) rec->answer + 1);
      const StatsSummary *nd = &next->summary[RUN_DOWNTIME_PER_YEAR];
      printf("For comparison, %u instances: downtime %.1f min/year [%.1f, %.1f], %.0f "
             "instance-hours/year\n  (%.1f min/year less downtime for %.0f more "
             "instance-hours/year).\n",
             next->scenario->instances, nd->mean / 60, MAX(nd->lo, 0) / 60, nd->hi / 60,
             next->summary[RUN_INSTANCE_HOURS_PER_YEAR].mean, (down->mean - nd->mean) / 60,
             next->summary[RUN_INSTANCE_HOURS_PER_YEAR].mean -
                 r->summary[RUN_INSTANCE_HOURS_PER_YEAR].mean);
    }
  }
  fflush(stdout);
  if (store == NULL)
    return CLI_OK;
  return store_sweep(cmd, store, "recommend", base, sweep);
}
