/* cli_store.c: the commands over the run store: `zdsim list`, `show`, `compare`, `sweep` and
 * `recommend`, with their tables for people. Not for running one scenario (cli_run.c) or for
 * the store itself (store.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zdsim/text.h"
#include "zdsim/cli.h"
#include "zdsim/compare.h"
#include "zdsim/document.h"
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

/* @text as one CSV field: quoted (quotes doubled) when it holds a comma, a quote or a line
 * break (RFC 4180). Returns: (transfer full). */
static char *
csv_field(const char *text)
{
  if (text == NULL)
    return g_strdup("");
  if (strpbrk(text, ",\"\r\n") == NULL)
    return g_strdup(text);
  GString *out = g_string_new("\"");
  for (const char *p = text; *p != '\0'; p++) {
    if (*p == '"')
      g_string_append_c(out, '"');
    g_string_append_c(out, *p);
  }
  g_string_append_c(out, '"');
  return g_string_free(out, FALSE);
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


/* list --json or --csv: @runs and @sweeps (either may be NULL for none stored); sweeps are
 * part of the document when @with_sweeps (no --sweep or --scenario). CSV has the runs only:
 * run,scenario,instances,policy,replications,sweep,availability,availability_lo,
 * availability_hi,downtime_per_year_s (and stored_at first, unless --no-timing). */
static int
print_list(const CliCommand *cmd, const CliOutput *output, GPtrArray *runs, gboolean more_runs,
           GPtrArray *sweeps, gboolean more_sweeps, gboolean with_sweeps)
{
  g_autoptr(GPtrArray) none = g_ptr_array_new();
  if (output->json) {
    g_autoptr(JsonNode) doc = document_list(runs != NULL ? runs : none, more_runs,
                                            with_sweeps ? (sweeps != NULL ? sweeps : none) : NULL,
                                            more_sweeps, !output->no_timing);
    return cli_print_document(cmd, doc);
  }
  gboolean timing = !output->no_timing;
  g_autoptr(GString) out = g_string_new(NULL);
  g_string_append_printf(out, "%srun,scenario,instances,policy,replications,sweep,availability,"
                              "availability_lo,availability_hi,downtime_per_year_s\n",
                         timing ? "stored_at," : "");
  for (guint i = 0; runs != NULL && i < runs->len; i++) {
    const StoreRunInfo *r = g_ptr_array_index(runs, i);
    g_autofree char *name = csv_field(r->scenario);
    if (timing)
      g_string_append_printf(out, "%s,", r->created);
    g_string_append_printf(out, "%" G_GINT64_FORMAT ",%s,%u,%s,%u,", r->id, name, r->instances,
                           r->policy, r->replications);
    if (r->sweep_id > 0)
      g_string_append_printf(out, "%" G_GINT64_FORMAT, r->sweep_id);
    const StatsSummary *a = &r->summary[RUN_AVAILABILITY];
    g_string_append_printf(out, ",%.10g,%.10g,%.10g,%.10g\n", a->mean, a->lo, a->hi,
                           r->summary[RUN_DOWNTIME_PER_YEAR].mean);
  }
  return cli_print_text(cmd, out->str);
}

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
  CliOutput output = { 0 };
  g_autoptr(GOptionContext) ctx = cli_context(cmd, entries);
  cli_output_add_options(ctx, &output, CLI_OUTPUT_ALL);
  if (!cli_parse(ctx, cmd, &argc, &argv) || !cli_output_check(cmd, &output))
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
  g_autoptr(GError) error = NULL;
  if (!cli_db_check(db, &error))
    return cli_error(cmd, error);
  const char *path = cli_db_path(db);
  if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
    if (output.json || output.csv)
      return print_list(cmd, &output, NULL, FALSE, NULL, FALSE, sweep == 0 && scenario == NULL);
    printf("Nothing stored in %s yet: zdsim run FILE and zdsim sweep FILE store there.\n", path);
    return CLI_OK;
  }
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
  if (output.json || output.csv) {
    g_autoptr(GPtrArray) sweeps = NULL;
    gboolean more_sweeps = FALSE;
    if (sweep == 0 && scenario == NULL) {
      sweeps = store_list_sweeps(store, ask, &error);
      if (sweeps == NULL)
        return cli_error(cmd, error);
      more_sweeps = ask > 0 && sweeps->len == ask;
      if (more_sweeps)
        g_ptr_array_set_size(sweeps, ask - 1);
    }
    return print_list(cmd, &output, runs, more_runs, sweeps, more_sweeps,
                      sweep == 0 && scenario == NULL);
  }

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
        table_add(&t, g_strdup_printf("%" G_GINT64_FORMAT ": %s%s", r->sweep_id, shown,
                                      r->partial != NULL ? " (partial)" : ""));
      } else if (r->partial != NULL) {
        table_add(&t, g_strdup("- (partial)"));
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
    return cli_list_analyses(cmd, path, ask > 0 ? ask - 1 : 0);
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
    g_autofree char *kind = text_for_cell(s->kind, LIST_CELL_CHARS);
    table_add(&t, s->partial != NULL ? g_strdup_printf("%s (partial)", kind) : g_strdup(kind));
    table_add(&t, text_for_cell(s->scenario, LIST_CELL_CHARS));
    table_add(&t, g_strdup_printf("%u", s->runs));
    g_autofree char *axes = sweep_axes_text(s->axes, " x ");
    table_add(&t, text_for_cell(axes, LIST_CELL_CHARS));
  }
  g_autofree char *text = table_free_to_string(&t);
  fputs(text, stdout);
  if (more_sweeps)
    printf("  (older sweeps not shown: --limit 0 shows all)\n");
  return cli_list_analyses(cmd, path, ask > 0 ? ask - 1 : 0);
}

/* ---- zdsim show ---- */

int
cli_show(const CliCommand *cmd, int argc, char **argv)
{
  g_autofree char *db = NULL;
  CliOutput output = { 0 };
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "Database (default: $ZDSIM_DB, else zdsim.db)",
      "FILE" },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr(GOptionContext) ctx = cli_context(cmd, entries);
  cli_output_add_options(ctx, &output, CLI_OUTPUT_ALL);
  if (!cli_parse(ctx, cmd, &argc, &argv))
    return CLI_USAGE;
  if (argc != 2) {
    fprintf(stderr, "zdsim show: expected one run id or latest (see zdsim list)\n");
    return CLI_USAGE;
  }
  if (!cli_output_check(cmd, &output))
    return CLI_USAGE;
  gint64 id;
  g_autoptr(GError) error = NULL;
  if (!cli_parse_run(argv[1], &id, &error) || !cli_db_check(db, &error))
    return cli_error(cmd, error);
  g_autoptr(Store) store = store_open(cli_db_path(db), STORE_OPEN_READ_ONLY, &error);
  if (store == NULL || !cli_resolve_run(store, &id, &error))
    return cli_error(cmd, error);
  g_autoptr(StoreRun) run = store_load_run(store, id, &error);
  if (run == NULL)
    return cli_error(cmd, error);
  /* A `zdsim merge --partial` lacks replications: said first, on stdout beside a text
   * report and on stderr beside JSON or CSV, which stay parseable. */
  if (run->info->partial != NULL)
    fprintf(output.json || output.csv ? stderr : stdout, "Partial: %s\n", run->info->partial);
  /* The same calls as zdsim run, on the same figures: the same report. */
  if (output.json) {
    g_autoptr(JsonNode) doc = document_run(run->result, run->info, !output.no_timing);
    return cli_print_document(cmd, doc);
  }
  g_autofree char *text = output.csv ? report_csv(run->result)
                                     : report_text(run->result, !output.no_timing);
  return cli_print_text(cmd, text);
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

/* metric,a,b,diff,lo,hi,verdict: one line per metric, then per cause. Returns: (transfer
 * full). */
static char *
compare_csv(const CompareResult *c)
{
  GString *out = g_string_new("metric,a,b,diff,lo,hi,verdict\n");
  for (guint k = 0; k < RUN_METRIC_COUNT + CAUSE_COUNT; k++) {
    gboolean metric = k < RUN_METRIC_COUNT;
    const CompareDifference *d = metric ? &c->metric[k] : &c->cause[k - RUN_METRIC_COUNT];
    if (metric)
      g_string_append(out, run_metric_name((RunMetric) k));
    else
      g_string_append_printf(out, "downtime_by_cause_s.%s",
                             model_cause_name((ModelCause) (k - RUN_METRIC_COUNT)));
    g_string_append_printf(out, ",%.10g,%.10g,%.10g,", d->a, d->b, d->diff);
    if (d->has_interval)
      g_string_append_printf(out, "%.10g,%.10g", d->lo, d->hi);
    else
      g_string_append_c(out, ',');
    g_string_append_printf(out, ",%s\n", compare_verdict_name(d->verdict));
  }
  return g_string_free(out, FALSE);
}

int
cli_compare(const CliCommand *cmd, int argc, char **argv)
{
  g_autofree char *db = NULL;
  CliOutput output = { 0 };
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "Database (default: $ZDSIM_DB, else zdsim.db)",
      "FILE" },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr(GOptionContext) ctx = cli_context(cmd, entries);
  cli_output_add_options(ctx, &output, CLI_OUTPUT_ALL);
  g_option_context_set_description(
      ctx, "Prints B - A for every metric with its 95 % interval and a verdict: better, worse or\n"
           "no significant difference. Runs with the same seed and replications are compared\n"
           "replication by replication (common random numbers), others with Welch's t.\n"
           "The pooled outage figures are the runs' own, as show prints them: mean and p95\n"
           "with a bootstrap interval over replications, the longest with none (not judged).\n"
           "A run is an id (zdsim list) or latest.");
  if (!cli_parse(ctx, cmd, &argc, &argv))
    return CLI_USAGE;
  if (argc != 3) {
    fprintf(stderr, "zdsim compare: expected two run ids, A then B (see zdsim list)\n");
    return CLI_USAGE;
  }
  if (!cli_output_check(cmd, &output))
    return CLI_USAGE;
  gint64 ida, idb;
  g_autoptr(GError) error = NULL;
  if (!cli_parse_run(argv[1], &ida, &error) || !cli_parse_run(argv[2], &idb, &error) ||
      !cli_db_check(db, &error))
    return cli_error(cmd, error);
  g_autoptr(Store) store = store_open(cli_db_path(db), STORE_OPEN_READ_ONLY, &error);
  if (store == NULL || !cli_resolve_run(store, &ida, &error) ||
      !cli_resolve_run(store, &idb, &error))
    return cli_error(cmd, error);
  g_autoptr(StoreRun) a = store_load_run(store, ida, &error);
  if (a == NULL)
    return cli_error(cmd, error);
  g_autoptr(StoreRun) b = store_load_run(store, idb, &error);
  if (b == NULL)
    return cli_error(cmd, error);
  CompareResult c;
  compare_runs(a->result, b->result, &c);
  if (output.json) {
    g_autoptr(JsonNode) doc = document_compare(a->info, b->info, &c, !output.no_timing);
    return cli_print_document(cmd, doc);
  }
  if (output.csv) {
    g_autofree char *text = compare_csv(&c);
    return cli_print_text(cmd, text);
  }
  g_autofree char *la = run_label(a);
  g_autofree char *lb = run_label(b);
  g_autofree char *text = compare_text(a->result, b->result, &c, la, lb);
  return cli_print_text(cmd, text);
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
  CliOutput output;
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
  cli_note("stored as sweep %" G_GINT64_FORMAT " (runs %" G_GINT64_FORMAT "-%" G_GINT64_FORMAT
           ") in %s",
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

/* "14.2 [12.2, 16.3]" for a downtime metric, "99.9973 % [99.9969, 99.9977]" for an
 * availability: @metric's figure as the tables show it. */
static char *
format_metric(RunMetric metric, const StatsSummary *s)
{
  return recommend_metric_kind(metric) == RECOMMEND_DOWNTIME ? format_minutes(s)
                                                             : format_availability(s);
}

/* The header of @metric's column: "availability % [95 %]", "downtime min/year [95 %]",
 * "business hours availability % [95 %]". */
static char *
metric_header(RunMetric metric)
{
  g_autofree char *label = recommend_metric_label(metric);
  return g_strdup_printf("%s %s [95 %%]", label,
                         recommend_metric_kind(metric) == RECOMMEND_DOWNTIME ? "min/year" : "%");
}

/* One row per point; the availability column shows @metric when it is an availability, the
 * downtime column when it is a downtime. */
static char *
sweep_table(const SweepResult *sweep, RunMetric metric)
{
  gboolean downtime = recommend_metric_kind(metric) == RECOMMEND_DOWNTIME;
  RunMetric up = downtime ? RUN_AVAILABILITY : metric;
  RunMetric down = downtime ? metric : RUN_DOWNTIME_PER_YEAR;
  guint n_axes = sweep->axes->len;
  Table t;
  /* The figures are right-aligned. */
  guint32 right = 0;
  for (guint c = n_axes; c < n_axes + 4; c++)
    right |= 1u << c;
  table_init(&t, n_axes + 4, right);
  for (guint a = 0; a < n_axes; a++)
    table_add(&t, g_strdup(((const ScenarioSweepAxis *) g_ptr_array_index(sweep->axes, a))->key));
  table_add(&t, metric_header(up));
  table_add(&t, metric_header(down));
  table_add(&t, g_strdup("outages/year"));
  table_add(&t, g_strdup("instance-hours/year"));
  for (guint i = 0; i < sweep->results->len; i++) {
    const RunResult *r = g_ptr_array_index(sweep->results, i);
    char **point = g_ptr_array_index(sweep->points, i);
    for (guint a = 0; a < n_axes; a++) {
      const ScenarioSweepAxis *axis = g_ptr_array_index(sweep->axes, a);
      table_add(&t, g_strdup(point_value(point, axis->key)));
    }
    table_add(&t, format_availability(&r->summary[up]));
    table_add(&t, format_minutes(&r->summary[down]));
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

/* --metric's help: every name recommend_parse_metric() accepts. Returns: (transfer full). */
static char *
metric_option_help(void)
{
  g_autofree char *names = recommend_metric_names(", ");
  return g_strdup_printf("The metric to show or target (default availability): %s", names);
}

/* Reads --metric @text (NULL: keep *@metric), or FALSE with a message. */
static gboolean
parse_metric_option(const CliCommand *cmd, const char *text, RunMetric *metric)
{
  g_autoptr(GError) error = NULL;
  if (text != NULL && !recommend_parse_metric(text, metric, &error)) {
    fprintf(stderr, "zdsim %s: --metric: %s\n", cmd->name, error->message);
    return FALSE;
  }
  return TRUE;
}

/* sweep --csv: one line per point and metric, point,AXIS...,metric,mean,sd,lo,hi (the axes'
 * values in the point's columns). Returns: (transfer full). */
static char *
sweep_csv(const SweepResult *sweep)
{
  GString *out = g_string_new("point");
  for (guint a = 0; a < sweep->axes->len; a++) {
    g_autofree char *key =
        csv_field(((const ScenarioSweepAxis *) g_ptr_array_index(sweep->axes, a))->key);
    g_string_append_printf(out, ",%s", key);
  }
  g_string_append(out, ",metric,mean,sd,lo,hi\n");
  for (guint i = 0; i < sweep->results->len; i++) {
    const RunResult *r = g_ptr_array_index(sweep->results, i);
    char **point = g_ptr_array_index(sweep->points, i);
    g_autoptr(GString) prefix = g_string_new(NULL);
    g_string_append_printf(prefix, "%u", i + 1);
    for (guint a = 0; a < sweep->axes->len; a++) {
      const ScenarioSweepAxis *axis = g_ptr_array_index(sweep->axes, a);
      g_autofree char *value = csv_field(point_value(point, axis->key));
      g_string_append_printf(prefix, ",%s", value);
    }
    for (guint k = 0; k < RUN_METRIC_COUNT + CAUSE_COUNT; k++) {
      gboolean metric = k < RUN_METRIC_COUNT;
      const StatsSummary *m = metric ? &r->summary[k] : &r->cause_summary[k - RUN_METRIC_COUNT];
      g_string_append_printf(out, "%s,", prefix->str);
      if (metric)
        g_string_append(out, run_metric_name((RunMetric) k));
      else
        g_string_append_printf(out, "downtime_by_cause_s.%s",
                               model_cause_name((ModelCause) (k - RUN_METRIC_COUNT)));
      g_string_append_printf(out, ",%.10g,%.10g,%.10g,%.10g\n", m->mean, m->sd, m->lo, m->hi);
    }
  }
  return g_string_free(out, FALSE);
}

/* The sweep as its table, JSON (document_sweep(), as /api/sweeps/ID has it, without the ids
 * the store gives it afterwards) or CSV. */
static int
print_sweep(const CliCommand *cmd, const CliOutput *output, const Scenario *base,
            const SweepResult *sweep, RunMetric metric)
{
  if (output->json) {
    g_autoptr(StoreSweepInfo) info = document_sweep_info_new(base, sweep, "sweep");
    g_autoptr(GPtrArray) runs = document_sweep_runs_new(sweep);
    g_autoptr(JsonNode) doc = document_sweep(info, runs, !output->no_timing);
    return cli_print_document(cmd, doc);
  }
  if (output->csv) {
    g_autofree char *text = sweep_csv(sweep);
    return cli_print_text(cmd, text);
  }
  g_autofree char *replications = NULL;
  g_autofree char *horizon = sweep_header_ranges(sweep, base, &replications);
  printf("%s: %u points x %s replications of %s, seed %" G_GUINT64_FORMAT
         " at every point (common random numbers); 95 %% intervals in brackets\n\n",
         base->name, sweep->results->len, replications, horizon, base->seed);
  g_autofree char *table = sweep_table(sweep, metric);
  return cli_print_text(cmd, table);
}

int
cli_sweep(const CliCommand *cmd, int argc, char **argv)
{
  /* First of all: a SIGTERM or Ctrl-C that arrives while the files load or the store opens
   * must be handled like one during the work (stop, store nothing, 128 + signal). */
  cli_signals_install();
  g_auto(RunArgs) a = { 0 };
  g_autofree char *plot_dir = NULL;
  g_autofree char *metric_text = NULL;
  g_autofree char *shard = NULL;
  GOptionEntry entries[RUN_ARGS_ENTRIES + 4] = { 0 };
  run_args_entries(&a, entries);
  entries[RUN_ARGS_ENTRIES] = (GOptionEntry){
    "plot", 0, 0, G_OPTION_ARG_FILENAME, &plot_dir,
    "Write every picture that applies to DIR/<kind>.png", "DIR",
  };
  g_autofree char *metric_help = metric_option_help();
  entries[RUN_ARGS_ENTRIES + 1] = (GOptionEntry){
    "metric", 'm', 0, G_OPTION_ARG_STRING, &metric_text, metric_help, "NAME",
  };
  entries[RUN_ARGS_ENTRIES + 2] = (GOptionEntry){
    "shard", 0, 0, G_OPTION_ARG_STRING, &shard,
    "Run only share K of N of the (point, replication) work and store it for zdsim merge "
    "(K/N, or env: from a Slurm array or Kubernetes Indexed Job)", "K/N",
  };
  a.replications = CLI_UNSET;
  g_autoptr(GOptionContext) ctx = cli_context(cmd, entries);
  cli_output_add_options(ctx, &a.output, CLI_OUTPUT_ALL);
  g_option_context_set_description(
      ctx, "Runs every point of the scenario's [sweep] section (the Cartesian product of its\n"
           "keys, e.g. app.instances = 1,2,3 and policy.evacuation = rolling,stop-start), all\n"
           "with the same seed, prints one row per point and stores them as one sweep.\n"
           "--metric shows an availability in the availability column or a downtime in the\n"
           "downtime column, named in its header.");
  if (!cli_parse(ctx, cmd, &argc, &argv))
    return CLI_USAGE;
  if (argc != 2) {
    fprintf(stderr, "zdsim sweep: expected one scenario file (or - for standard input), got "
                    "%d\n", argc - 1);
    return CLI_USAGE;
  }
  RunMetric metric = RUN_AVAILABILITY;
  if (!parse_metric_option(cmd, metric_text, &metric))
    return CLI_USAGE;
  if (!cli_check_counts(cmd, a.replications, a.jobs) || !cli_output_check(cmd, &a.output))
    return CLI_USAGE;
  g_autoptr(GError) error = NULL;
  if (!a.no_store && !cli_db_check(a.db, &error))
    return cli_error(cmd, error);
  guint shard_k = 0, shard_n = 0;
  if (shard != NULL &&
      !cli_shard_options_ok(cmd, shard, plot_dir != NULL || a.output.json || a.output.csv,
                            a.no_store, &shard_k, &shard_n))
    return CLI_USAGE;
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
  /* Every point is loaded once, before anything runs: a bad value fails at once, and the
   * limits are checked on the scenarios that then run. A shard loads and checks its own
   * share (cli_shard_run). */
  g_autoptr(SweepResult) sweep = shard == NULL ? sweep_load(base, &error) : NULL;
  if (shard == NULL && sweep == NULL)
    return cli_error(cmd, error);
  if (sweep != NULL && !a.force &&
      !run_check_limits_many((const Scenario *const *) sweep->scenarios->pdata,
                             sweep->scenarios->len, (guint) a.jobs, &error))
    return cli_error(cmd, error);
  int status;
  g_autoptr(Store) store = open_for_writing(cmd, &a, &status);
  if (status != CLI_OK)
    return status;
  if (shard != NULL)
    return cli_shard_run(cmd, base, TRUE, shard_k, shard_n, (guint) a.jobs, a.force, store);

  CliProgress progress;
  cli_progress_init(&progress, "replications over all points");
  RunOptions options = {
    .jobs = (guint) a.jobs,
    .keep_timeline = store != NULL || plot_dir != NULL,
    .progress = cli_progress_func(),
    .progress_data = &progress,
    .cancel = cli_cancel_flag(),
  };
  if (!sweep_run_points(sweep, &options, NULL, NULL, &error))
    return run_failed(cmd, error);
  int printed = print_sweep(cmd, &a.output, base, sweep, metric);
  if (printed != CLI_OK)
    return printed;
  int stored = store != NULL ? store_sweep(cmd, store, "sweep", base, sweep) : CLI_OK;
  if (stored != CLI_OK)
    return stored;
  if (plot_dir != NULL && !cli_plot_sweep_all(sweep, plot_dir, &error))
    return cli_error(cmd, error);
  return CLI_OK;
}

/* The figures of one combination's search: a row per count that ran. */
static char *
recommend_table(const RecommendResult *rec, const RecommendSeries *series)
{
  RunMetric metric = rec->metric;
  gboolean downtime = recommend_metric_kind(metric) == RECOMMEND_DOWNTIME;
  /* Beside the chosen metric, the other kind: downtime for an availability target, the
   * availability for a downtime target. */
  RunMetric other = downtime ? RUN_AVAILABILITY : RUN_DOWNTIME_PER_YEAR;
  Table t;
  table_init(&t, 5, 1u << 0 | 1u << 1 | 1u << 3 | 1u << 4);
  table_add(&t, g_strdup("instances"));
  table_add(&t, metric_header(metric));
  table_add(&t, g_strdup("meets"));
  table_add(&t, metric_header(other));
  table_add(&t, g_strdup("instance-hours/year"));
  for (guint i = 0; i < series->runs->len; i++) {
    const RunResult *r = g_ptr_array_index(series->runs, i);
    table_add(&t, g_strdup_printf("%u", r->scenario->instances));
    table_add(&t, format_metric(metric, &r->summary[metric]));
    table_add(&t, g_strdup(recommend_meets(metric, &r->summary[metric], rec->target) ? "yes"
                                                                                      : "no"));
    table_add(&t, format_metric(other, &r->summary[other]));
    table_add(&t, g_strdup_printf("%.0f", r->summary[RUN_INSTANCE_HOURS_PER_YEAR].mean));
  }
  return table_free_to_string(&t);
}

/* The answer of one combination, or why there is none; FALSE when there is none. */
static gboolean
recommend_answer(const RecommendResult *rec, const RecommendSeries *series)
{
  RunMetric metric = rec->metric;
  gboolean downtime = recommend_metric_kind(metric) == RECOMMEND_DOWNTIME;
  RunMetric down = downtime ? metric : RUN_DOWNTIME_PER_YEAR;
  g_autofree char *label = recommend_metric_label(metric);
  g_autofree char *down_label = recommend_metric_label(down);
  g_autofree char *goal = recommend_format_goal(metric, rec->target);
  const char *which = downtime ? "upper" : "lower";
  if (series->answer < 0) {
    const RunResult *best = g_ptr_array_index(series->runs, series->runs->len - 1);
    double bound = recommend_judged_bound(metric, &best->summary[metric]);
    g_autofree char *bound_text = recommend_format_goal(metric, bound);
    ModelCause cause = recommend_dominant_cause(best);
    printf("No instance count up to %u meets %s: at %u instance%s the %s bound is %s.\n"
           "What remains is mostly %s: %.1f of %.1f min/year of downtime at %u instance%s;\n"
           "instances alone do not get there (zdsim run --set app.instances=%u shows the "
           "downtime by cause).\n",
           rec->max_instances, goal, best->scenario->instances,
           best->scenario->instances == 1 ? "" : "s", which, bound_text,
           model_cause_name(cause), best->cause_summary[cause].mean / 60,
           best->summary[RUN_DOWNTIME_PER_YEAR].mean / 60, best->scenario->instances,
           best->scenario->instances == 1 ? "" : "s", best->scenario->instances);
    return FALSE;
  }
  const RunResult *r = g_ptr_array_index(series->runs, (guint) series->answer);
  const StatsSummary *d = &r->summary[down];
  g_autofree char *bound_text =
      recommend_format_goal(metric, recommend_judged_bound(metric, &r->summary[metric]));
  printf("Recommendation: %u instance%s. Its %s is %s %s (%s 95 %% bound), meeting %s;\n"
         "  %s %.1f min/year [%.1f, %.1f], %.0f instance-hours/year.\n",
         r->scenario->instances, r->scenario->instances == 1 ? "" : "s", label,
         downtime ? "at most" : "at least", bound_text, which, goal, down_label, d->mean / 60,
         MAX(d->lo, 0) / 60, d->hi / 60, r->summary[RUN_INSTANCE_HOURS_PER_YEAR].mean);
  if ((guint) series->answer + 1 < series->runs->len) {
    const RunResult *next = g_ptr_array_index(series->runs, (guint) series->answer + 1);
    const StatsSummary *nd = &next->summary[down];
    printf("For comparison, %u instances: %s %.1f min/year [%.1f, %.1f], %.0f "
           "instance-hours/year\n  (%.1f min/year less %s for %.0f more "
           "instance-hours/year).\n",
           next->scenario->instances, down_label, nd->mean / 60, MAX(nd->lo, 0) / 60,
           nd->hi / 60, next->summary[RUN_INSTANCE_HOURS_PER_YEAR].mean,
           (d->mean - nd->mean) / 60, down_label,
           next->summary[RUN_INSTANCE_HOURS_PER_YEAR].mean -
               r->summary[RUN_INSTANCE_HOURS_PER_YEAR].mean);
  }
  return TRUE;
}

/* recommend --csv: combination,instances,meets,METRIC,METRIC_lo,METRIC_hi,
 * downtime_per_year_s,instance_hours_per_year, one line per count tried in each combination
 * of the other [sweep] axes (empty when there is none). Returns: (transfer full). */
static char *
recommend_csv(const RecommendResult *rec)
{
  const char *name = run_metric_name(rec->metric);
  GString *out = g_string_new(NULL);
  g_string_append_printf(out, "combination,instances,meets,%s,%s_lo,%s_hi,downtime_per_year_s,"
                              "instance_hours_per_year\n", name, name, name);
  for (guint c = 0; c < rec->series->len; c++) {
    const RecommendSeries *series = g_ptr_array_index(rec->series, c);
    g_autofree char *key = csv_field(series->key);
    for (guint i = 0; i < series->runs->len; i++) {
      const RunResult *r = g_ptr_array_index(series->runs, i);
      const StatsSummary *m = &r->summary[rec->metric];
      g_string_append_printf(out, "%s,%u,%s,%.10g,%.10g,%.10g,%.10g,%.10g\n", key,
                             r->scenario->instances,
                             recommend_meets(rec->metric, m, rec->target) ? "yes" : "no",
                             m->mean, m->lo, m->hi, r->summary[RUN_DOWNTIME_PER_YEAR].mean,
                             r->summary[RUN_INSTANCE_HOURS_PER_YEAR].mean);
    }
  }
  return g_string_free(out, FALSE);
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
  g_autofree char *metric_help = metric_option_help();
  GOptionEntry entries[RUN_ARGS_ENTRIES + 4] = { 0 };
  GOptionEntry own[] = {
    { "target", 't', 0, G_OPTION_ARG_STRING, &target_text,
      "The target (required): an availability to reach, e.g. 99.95%, or for a downtime "
      "metric the most downtime a year allows, e.g. 30m or 1800s",
      "TARGET" },
    { "metric", 'm', 0, G_OPTION_ARG_STRING, &metric_text, metric_help, "NAME" },
    { "max-instances", 0, 0, G_OPTION_ARG_INT, &max_instances,
      "The largest instance count to try (default 6)", "N" },
  };
  memcpy(entries, own, sizeof own);
  run_args_entries(&a, entries + G_N_ELEMENTS(own));
  a.replications = CLI_UNSET;
  g_autoptr(GOptionContext) ctx = cli_context(cmd, entries);
  cli_output_add_options(ctx, &a.output, CLI_OUTPUT_ALL);
  g_option_context_set_description(
      ctx, "Runs the scenario with app.instances = 1, 2, ... and names the smallest count that\n"
           "meets the target, with its downtime and cost, and the next count for comparison.\n"
           "An availability target (--target 99.95%) is met when the count's lower 95 % bound\n"
           "is at least the target; a downtime target (--metric downtime_per_year_s\n"
           "--target 30m: at most 30 minutes a year; also 1800s or 30m/y) when its upper 95 %\n"
           "bound is at most the target.\n"
           "When the scenario's [sweep] varies other keys (e.g. policy.evacuation), there is one\n"
           "search and one answer per combination of their values. Exit status 1 when some\n"
           "combination has no count up to --max-instances that meets the target; the message\n"
           "names the cause with the most downtime left at the largest count tried.");
  if (!cli_parse(ctx, cmd, &argc, &argv))
    return CLI_USAGE;
  if (argc != 2) {
    fprintf(stderr, "zdsim recommend: expected one scenario file, got %d\n", argc - 1);
    return CLI_USAGE;
  }
  if (target_text == NULL) {
    fprintf(stderr, "zdsim recommend: --target is required, e.g. --target 99.95%% (or "
                    "--metric downtime_per_year_s --target 30m)\n");
    return CLI_USAGE;
  }
  if (!cli_check_counts(cmd, a.replications, a.jobs) || !cli_output_check(cmd, &a.output))
    return CLI_USAGE;
  if (max_instances < 1) {
    fprintf(stderr, "zdsim recommend: --max-instances: expected at least 1, got %d\n",
            max_instances);
    return CLI_USAGE;
  }
  g_autoptr(GError) error = NULL;
  if (!a.no_store && !cli_db_check(a.db, &error))
    return cli_error(cmd, error);
  RunMetric metric = RUN_AVAILABILITY;
  if (!parse_metric_option(cmd, metric_text, &metric))
    return CLI_USAGE;
  double target;
  if (!recommend_parse_goal(metric, target_text, &target, &error)) {
    fprintf(stderr, "zdsim recommend: --target: %s\n", error->message);
    return CLI_USAGE;
  }
  g_autoptr(Scenario) base = cli_load_scenario(argv[1], a.sets, a.replications, a.seed, &error);
  if (base == NULL)
    return cli_error(cmd, error);
  /* recommend runs at most 1..max_instances instances per combination: bounded by that many
   * runs of the largest. */
  g_autoptr(GPtrArray) combinations = recommend_combinations(base);
  g_autoptr(GPtrArray) points = g_ptr_array_new_with_free_func((GDestroyNotify) g_strfreev);
  for (guint c = 0; c < combinations->len; c++) {
    char **combination = g_ptr_array_index(combinations, c);
    for (int n = 1; n <= max_instances; n++) {
      g_autoptr(GStrvBuilder) b = g_strv_builder_new();
      g_strv_builder_addv(b, (const char **) combination);
      g_autofree char *assignment = g_strdup_printf("app.instances=%d", n);
      g_strv_builder_add(b, assignment);
      g_ptr_array_add(points, g_strv_builder_end(b));
    }
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
  if (a.output.json || a.output.csv) {
    int printed;
    if (a.output.json) {
      g_autoptr(JsonNode) doc = document_recommend(base, rec, !a.output.no_timing);
      printed = cli_print_document(cmd, doc);
    } else {
      g_autofree char *text = recommend_csv(rec);
      printed = cli_print_text(cmd, text);
    }
    if (printed != CLI_OK || store == NULL)
      return printed;
    return store_sweep(cmd, store, "recommend", base, rec->sweep);
  }

  g_autofree char *label = recommend_metric_label(metric);
  g_autofree char *goal = recommend_format_goal(metric, target);
  gboolean downtime = recommend_metric_kind(metric) == RECOMMEND_DOWNTIME;
  printf("%s: the smallest instance count whose %s is %s %s on its %s 95 %% bound\n"
         "%u replications per count, seed %" G_GUINT64_FORMAT
         " for every count (common random numbers)\n",
         base->name, label, downtime ? "at most" : "at least", goal,
         downtime ? "upper" : "lower", base->replications, base->seed);
  guint unmet = 0;
  for (guint c = 0; c < rec->series->len; c++) {
    const RecommendSeries *series = g_ptr_array_index(rec->series, c);
    const RunResult *first = g_ptr_array_index(series->runs, 0);
    if (strstr(series->key, "policy.evacuation=") != NULL)
      printf("\n%s:\n", series->key);
    else if (series->key[0] != '\0')
      printf("\n%s (policy %s):\n", series->key, first->scenario->evacuation);
    else
      printf("\npolicy %s:\n", first->scenario->evacuation);
    g_autofree char *table = recommend_table(rec, series);
    fputs(table, stdout);
    unmet += !recommend_answer(rec, series);
  }
  if (unmet > 0 && rec->series->len > 1)
    printf("\n%u of %u combinations have no instance count up to %u that meets %s.\n", unmet,
           rec->series->len, rec->max_instances, goal);
  fflush(stdout);
  if (store != NULL) {
    int stored = store_sweep(cmd, store, "recommend", base, rec->sweep);
    if (stored != CLI_OK)
      return stored;
  }
  return unmet > 0 ? CLI_FAILED : CLI_OK;
}
