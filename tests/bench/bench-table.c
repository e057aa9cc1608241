/* bench-table.c: the table of make bench: reads the rows the benchmarks printed, adds the rows
 * derived from them, judges each against the targets of issues 8 and 19, prints the table with
 * the machine and the date, then one line per target of issue 19 with "met" or "missed" and
 * why, and writes the same as JSON (json-glib: JSON is never assembled by hand, README,
 * Commands). Not a benchmark itself; never part of make test.
 *
 *   bench-table --rows FILE --json OUT [--load TEXT] [--version TEXT]
 *
 * A row is one line of tab-separated fields: id, label, value, unit, note. The value is a
 * number, or text such as "n/a (no dashboard yet)" for a row that could not be measured; the
 * note (may be empty) says how the figure was taken. */
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

typedef enum { TARGET_NONE, TARGET_AT_LEAST, TARGET_AT_MOST, TARGET_BELOW } TargetOp;

/* The targets of issue 8 ("Speed"), on a 2-core machine. */
static const struct {
  const char *id;
  TargetOp op;
  double value;
} targets[] = {
  { "engine.hold_10", TARGET_AT_LEAST, 25e6 },
  { "engine.hold_1e6", TARGET_AT_LEAST, 3e6 },
  { "model.j1.events_per_s", TARGET_AT_LEAST, 5e6 },
  { "model.speedup", TARGET_AT_LEAST, 1.8 },
  { "scale.ratio", TARGET_AT_MOST, 2.0 },
  { "scale.1000.all.peak_mb", TARGET_AT_MOST, 64.0 },
  { "store.overhead_pct", TARGET_BELOW, 10.0 },
  /* Issue 19 ("Speed II"). Model v2's first measurement, before any of issue 19's changes
   * (AMD EPYC, 2 cores, 2026-12-05, the least of 3 repeats at a load average of 10):
   * 0.606 ms of CPU per replication-year on mendix-2-instances.ini; the target halves it. */
  { "model.ms_per_rep_year_min", TARGET_AT_MOST, 0.606 / 2 },
  { "scale.ratio_19", TARGET_AT_MOST, 1.3 },
  { "scale.10000.peak_mb", TARGET_AT_MOST, 64.0 },
  { "sweep.ratio", TARGET_AT_MOST, 25.0 },
  { "store.cpu_overhead_pct", TARGET_BELOW, 10.0 },
};

/* Issue 19 ("Speed II"), one line per target, judged from the rows above; a target of two
 * parts is met when both are. why[k] says what dominates when part k is missed (README,
 * Performance, Speed II, has the measurements behind it). */
static const struct {
  const char *what;
  const char *ids[2];
  const char *why[2];
} issue19[] = {
  { "CPU time per replication-year, mendix-2-instances.ini, half of model v2's first",
    { "model.ms_per_rep_year_min", NULL },
    { "README, Performance, Speed II, says why the 2x was missed", NULL } },
  { "time per event at 1,000 instances over 1; peak memory at 10,000 instances",
    { "scale.ratio_19", "scale.10000.peak_mb" },
    { "per event, the foundation's work grows with the cells, not the event heap: a drained "
      "batch's tenant slots still go one per cell, each cell's level and auction counts "
      "updated on a foundation of 12,000 cells that misses the cache (README, Performance, "
      "Speed II)",
      "memory grows with the cells and instances (measure with /usr/bin/time -v)" } },
  { "a sweep's set-up independent of its points: 1,000 points over 40, CPU time",
    { "sweep.ratio", NULL },
    { "some set-up still grows with the points (profile zdsim sweep with callgrind)", NULL } },
  { "storing a 1,000-replication run, CPU time added",
    { "store.cpu_overhead_pct", NULL },
    { "the store's share grew (profile zdsim run --db with callgrind)", NULL } },
};

/* Section titles by id prefix, in table order. */
static const struct {
  const char *prefix;
  const char *title;
} sections[] = {
  { "engine.", "Engine: hold test (pop the earliest, schedule one at now + exp(1 s))" },
  { "model.", "Model: scenarios/mendix-2-instances.ini" },
  { "scale.", "Scaling: one app, N instances on 12 N cells (tests/bench/scale-N.ini)" },
  { "sweep.", "Sweep set-up: one key over 40 and 1,000 values, CPU time" },
  { "store.", "Storing: zdsim run mendix-2-instances.ini -r 1000, all cores" },
  { "plot.", "Plotting the demo sweep (scenarios/demo.ini), wall time" },
  { "serve.", "Dashboard: zdsim serve on the demo sweep, client on the same machine" },
};

typedef struct {
  char *id;
  char *label;
  gboolean has_value;
  double value;
  char *text;    /* the value field when it is no number */
  char *unit;
  char *note;
  TargetOp op;
  double target;
} Row;

static void
row_free(Row *row)
{
  g_free(row->id);
  g_free(row->label);
  g_free(row->text);
  g_free(row->unit);
  g_free(row->note);
  g_free(row);
}

static Row *
find(GPtrArray *rows, const char *id)
{
  for (guint i = 0; i < rows->len; i++) {
    Row *r = g_ptr_array_index(rows, i);
    if (g_str_equal(r->id, id))
      return r;
  }
  return NULL;
}

static Row *
row_new(const char *id, const char *label, const char *value, const char *unit,
        const char *note)
{
  Row *r = g_new0(Row, 1);
  r->id = g_strdup(id);
  r->label = g_strdup(label);
  char *end = NULL;
  r->value = g_ascii_strtod(value, &end);
  r->has_value = end != value && *end == '\0' && isfinite(r->value);
  r->text = r->has_value ? NULL : g_strdup(value);
  r->unit = g_strdup(unit);
  r->note = g_strdup(note);
  return r;
}

/* Adds @id = @a / @b (times @scale, minus @offset) when both rows have values. */
static void
derive(GPtrArray *rows, const char *id, const char *label, const char *a, const char *b,
       double scale, double offset, const char *unit, const char *note)
{
  if (find(rows, id) != NULL)
    return;
  Row *ra = find(rows, a), *rb = find(rows, b);
  if (ra == NULL || rb == NULL)
    return;
  if (!ra->has_value || !rb->has_value || rb->value <= 0) {
    const char *why = !ra->has_value ? ra->text : !rb->has_value ? rb->text : "n/a";
    g_ptr_array_add(rows, row_new(id, label, why, unit, note));
    return;
  }
  g_autofree char *v = g_strdup_printf("%.6g", ra->value / rb->value * scale - offset);
  g_ptr_array_add(rows, row_new(id, label, v, unit, note));
}

/* Whether @id is "PREFIX.events_per_s" or "PREFIX.jJ.events_per_s". */
static gboolean
is_rate_of(const char *id, const char *prefix)
{
  gsize n = strlen(prefix);
  if (strncmp(id, prefix, n) != 0 || id[n] != '.')
    return FALSE;
  const char *rest = id + n + 1;
  if (rest[0] == 'j' && g_ascii_isdigit(rest[1])) {
    rest++;
    while (g_ascii_isdigit(*rest))
      rest++;
    if (*rest++ != '.')
      return FALSE;
  }
  return g_str_equal(rest, "events_per_s");
}

/* Moves each "ID.events_per_rep_year" row to just after the first rate row of ID (events per
 * second), so that what the model does per replication-year reads beside how fast it does
 * it. */
static void
place_beside_rates(GPtrArray *rows)
{
  const char *suffix = ".events_per_rep_year";
  g_autoptr(GPtrArray) moving = g_ptr_array_new();
  for (guint i = 0; i < rows->len; i++) {
    Row *r = g_ptr_array_index(rows, i);
    if (g_str_has_suffix(r->id, suffix))
      g_ptr_array_add(moving, r);
  }
  for (guint m = 0; m < moving->len; m++) {
    Row *r = g_ptr_array_index(moving, m);
    g_autofree char *prefix = g_strndup(r->id, strlen(r->id) - strlen(suffix));
    for (guint j = 0; j < rows->len; j++) {
      if (!is_rate_of(((const Row *) g_ptr_array_index(rows, j))->id, prefix))
        continue;
      guint i;
      if (!g_ptr_array_find(rows, r, &i))
        break;
      g_ptr_array_steal_index(rows, i);
      g_ptr_array_insert(rows, (gint) (i < j ? j : j + 1), r);
      break;
    }
  }
}

static gboolean
read_rows(const char *path, GPtrArray *rows, GError **error)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, error))
    return FALSE;
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++) {
    if (lines[i][0] == '\0')
      continue;
    g_auto(GStrv) f = g_strsplit(lines[i], "\t", 5);
    if (g_strv_length(f) < 4) {
      g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s:%u: expected id, label, value, "
                  "unit and note separated by tabs", path, i + 1);
      return FALSE;
    }
    Row *old = find(rows, f[0]);
    if (old != NULL)
      g_ptr_array_remove(rows, old);
    g_ptr_array_add(rows, row_new(f[0], f[1], f[2], f[3], f[4] != NULL ? f[4] : ""));
  }
  return TRUE;
}

/* "12.3 M" for large numbers, "0.75" for small ones. */
static char *
format_number(double v)
{
  if (fabs(v) >= 1e6)
    return g_strdup_printf("%.2f M", v / 1e6);
  if (fabs(v) >= 1e4)
    return g_strdup_printf("%.0f", v);
  if (fabs(v) >= 100)
    return g_strdup_printf("%.1f", v);
  return g_strdup_printf("%.3g", v);
}

static char *
format_value(const Row *r)
{
  if (!r->has_value)
    return g_strdup(r->text);
  g_autofree char *n = format_number(r->value);
  if (g_str_equal(r->unit, "events") && fabs(r->value) < 1e6)
    return g_strdup_printf("%.0f events", r->value);
  if (g_str_equal(r->unit, "x"))
    return g_strdup_printf("%.2f x", r->value);
  if (g_str_equal(r->unit, "%"))
    return g_strdup_printf("%+.1f %%", r->value);
  return g_strdup_printf("%s %s", n, r->unit);
}

static const char *
op_text(TargetOp op)
{
  switch (op) {
  case TARGET_AT_LEAST:
    return ">=";
  case TARGET_AT_MOST:
    return "<=";
  case TARGET_BELOW:
    return "<";
  case TARGET_NONE:
  default:
    return "";
  }
}

/* TRUE when met, FALSE when missed; only for rows with a target and a value. */
static gboolean
met(const Row *r)
{
  switch (r->op) {
  case TARGET_AT_LEAST:
    return r->value >= r->target;
  case TARGET_AT_MOST:
    return r->value <= r->target;
  case TARGET_BELOW:
    return r->value < r->target;
  case TARGET_NONE:
  default:
    return TRUE;
  }
}

static char *
cpu_model(void)
{
  g_autofree char *info = NULL;
  if (g_file_get_contents("/proc/cpuinfo", &info, NULL, NULL)) {
    g_auto(GStrv) lines = g_strsplit(info, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++) {
      if (g_str_has_prefix(lines[i], "model name")) {
        const char *colon = strchr(lines[i], ':');
        if (colon != NULL)
          return g_strstrip(g_strdup(colon + 1));
      }
    }
  }
  return g_strdup("unknown CPU");
}

/* The target of @r (which has one) as text. Targets are round numbers: "25 M", "64 MiB",
 * "1.8 x", "10 %", "0.303 ms". */
static char *
format_target(const Row *r)
{
  gboolean mega = fabs(r->target) >= 1e6;
  const char *unit = mega                           ? " M"
                     : g_str_equal(r->unit, "x")    ? " x"
                     : g_str_equal(r->unit, "%")    ? " %"
                     : g_str_equal(r->unit, "MiB")  ? " MiB"
                     : g_str_equal(r->unit, "ms")   ? " ms"
                                                    : "";
  return g_strdup_printf("%s %g%s", op_text(r->op), mega ? r->target / 1e6 : r->target, unit);
}

/* One line per target of issue 19: the figures, "met" or "missed" and why. Returns: (transfer
 * full) the lines' verdicts for the JSON, a GPtrArray of char* ("met", "missed: ...", "not
 * measured: ..."), in issue19[] order and then target 5. */
static GPtrArray *
judge_issue19(GPtrArray *rows, GPtrArray *figures)
{
  GPtrArray *verdicts = g_ptr_array_new_with_free_func(g_free);
  gboolean all_judged = TRUE;
  for (guint t = 0; t < G_N_ELEMENTS(issue19); t++) {
    GString *line = g_string_new(NULL);
    gboolean measured = TRUE;
    g_autofree char *unmeasured = NULL;
    g_autoptr(GString) why = g_string_new(NULL);
    for (guint k = 0; k < G_N_ELEMENTS(issue19[t].ids) && issue19[t].ids[k] != NULL; k++) {
      const Row *r = find(rows, issue19[t].ids[k]);
      if (line->len > 0)
        g_string_append(line, "; ");
      if (r == NULL || !r->has_value) {
        measured = FALSE;
        if (unmeasured == NULL)
          unmeasured = g_strdup(r != NULL ? r->text : "no row");
        g_string_append_printf(line, "%s: %s", issue19[t].ids[k], r != NULL ? r->text : "n/a");
        continue;
      }
      g_autofree char *value = format_value(r);
      g_autofree char *target = format_target(r);
      g_string_append_printf(line, "%s %s", value, target);
      if (!met(r))
        g_string_append_printf(why, "%s%s", why->len > 0 ? "; " : "", issue19[t].why[k]);
    }
    g_ptr_array_add(figures, g_string_free(line, FALSE));
    if (!measured) {
      all_judged = FALSE;
      g_ptr_array_add(verdicts, g_strdup_printf("not measured: %s", unmeasured));
    } else {
      g_ptr_array_add(verdicts, why->len == 0 ? g_strdup("met")
                                              : g_strdup_printf("missed: %s", why->str));
    }
  }
  /* Target 5 is this table: the events per replication-year, and a verdict for each. */
  const Row *per_year = find(rows, "model.events_per_rep_year");
  gboolean beside = per_year != NULL && per_year->has_value;
  g_ptr_array_add(figures, beside ? g_strdup_printf("%.0f events per replication-year beside "
                                                    "the events per second",
                                                    per_year->value)
                                  : g_strdup("no events per replication-year"));
  g_ptr_array_add(verdicts, beside && all_judged
                                ? g_strdup("met")
                                : g_strdup_printf("missed: %s",
                                                  !beside ? "bench-model printed no "
                                                            "model.events_per_rep_year row"
                                                          : "a target above was not measured"));
  return verdicts;
}

static void
print_issue19(const GPtrArray *figures, const GPtrArray *verdicts)
{
  printf("\nIssue 19 (Speed II), target by target\n");
  for (guint t = 0; t < verdicts->len; t++) {
    const char *what = t < G_N_ELEMENTS(issue19)
                           ? issue19[t].what
                           : "make bench: events per replication-year, a verdict per target";
    printf("  %u. %s\n      %s: %s\n", t + 1, what, (const char *) g_ptr_array_index(figures, t),
           (const char *) g_ptr_array_index(verdicts, t));
  }
}

static void
print_table(GPtrArray *rows, const char *header)
{
  printf("%s\n", header);
  for (guint s = 0; s < G_N_ELEMENTS(sections); s++) {
    gboolean any = FALSE;
    for (guint i = 0; i < rows->len; i++) {
      const Row *r = g_ptr_array_index(rows, i);
      if (!g_str_has_prefix(r->id, sections[s].prefix))
        continue;
      if (!any)
        printf("\n%s\n", sections[s].title);
      any = TRUE;
      g_autofree char *value = format_value(r);
      g_autofree char *target = NULL;
      const char *verdict = "";
      if (r->op != TARGET_NONE) {
        target = format_target(r);
        if (r->has_value)
          verdict = met(r) ? "met" : "missed (README, Performance, says why)";
      }
      printf("  %-60s %18s  %-10s %s\n", r->label, value, target != NULL ? target : "", verdict);
      if (r->note != NULL && r->note[0] != '\0')
        printf("      (%s)\n", r->note);
    }
  }
}

static JsonNode *
rows_json(GPtrArray *rows, const char *cpu, const char *date, const char *load,
          const char *version, const GPtrArray *figures, const GPtrArray *verdicts)
{
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "date");
  json_builder_add_string_value(b, date);
  json_builder_set_member_name(b, "cpu");
  json_builder_add_string_value(b, cpu);
  json_builder_set_member_name(b, "cores");
  json_builder_add_int_value(b, g_get_num_processors());
  json_builder_set_member_name(b, "load_average_at_start");
  json_builder_add_string_value(b, load != NULL ? load : "");
  json_builder_set_member_name(b, "version");
  json_builder_add_string_value(b, version != NULL ? version : "");
  json_builder_set_member_name(b, "rows");
  json_builder_begin_array(b);
  for (guint i = 0; i < rows->len; i++) {
    const Row *r = g_ptr_array_index(rows, i);
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "id");
    json_builder_add_string_value(b, r->id);
    json_builder_set_member_name(b, "label");
    json_builder_add_string_value(b, r->label);
    json_builder_set_member_name(b, "value");
    if (r->has_value)
      json_builder_add_double_value(b, r->value);
    else
      json_builder_add_null_value(b);
    if (!r->has_value) {
      json_builder_set_member_name(b, "text");
      json_builder_add_string_value(b, r->text);
    }
    json_builder_set_member_name(b, "unit");
    json_builder_add_string_value(b, r->unit);
    json_builder_set_member_name(b, "note");
    json_builder_add_string_value(b, r->note);
    if (r->op != TARGET_NONE) {
      json_builder_set_member_name(b, "target");
      json_builder_begin_object(b);
      json_builder_set_member_name(b, "op");
      json_builder_add_string_value(b, op_text(r->op));
      json_builder_set_member_name(b, "value");
      json_builder_add_double_value(b, r->target);
      json_builder_end_object(b);
      json_builder_set_member_name(b, "met");
      if (r->has_value)
        json_builder_add_boolean_value(b, met(r));
      else
        json_builder_add_null_value(b);
    }
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  json_builder_set_member_name(b, "issue19");
  json_builder_begin_array(b);
  for (guint t = 0; t < verdicts->len; t++) {
    const char *verdict = g_ptr_array_index(verdicts, t);
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "target");
    json_builder_add_int_value(b, t + 1);
    json_builder_set_member_name(b, "figures");
    json_builder_add_string_value(b, g_ptr_array_index(figures, t));
    json_builder_set_member_name(b, "met");
    if (g_str_has_prefix(verdict, "not measured"))
      json_builder_add_null_value(b);
    else
      json_builder_add_boolean_value(b, g_str_equal(verdict, "met"));
    json_builder_set_member_name(b, "verdict");
    json_builder_add_string_value(b, verdict);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  json_builder_end_object(b);
  return json_builder_get_root(b);
}

int
main(int argc, char **argv)
{
  g_autofree char *rows_path = NULL, *json_path = NULL, *load = NULL, *version = NULL;
  GOptionEntry entries[] = {
    { "rows", 0, 0, G_OPTION_ARG_FILENAME, &rows_path, "The benchmarks' rows", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &json_path, "Write the table as JSON here", "FILE" },
    { "load", 0, 0, G_OPTION_ARG_STRING, &load, "The load average when the bench started", "L" },
    { "version", 0, 0, G_OPTION_ARG_STRING, &version, "zdsim --version", "TEXT" },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error) || rows_path == NULL) {
    fprintf(stderr, "bench-table: %s\n", error != NULL ? error->message : "--rows is required");
    return 2;
  }
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify) row_free);
  if (!read_rows(rows_path, rows, &error)) {
    fprintf(stderr, "bench-table: %s\n", error->message);
    return 2;
  }

  derive(rows, "scale.ratio", "CPU time per event, 1,000 instances over 1",
         "scale.1000.ns_per_event", "scale.1.ns_per_event", 1, 0, "x", "");
  derive(rows, "scale.instr_ratio", "instructions per event, 1,000 instances over 1",
         "scale.1000.instr_per_event", "scale.1.instr_per_event", 1, 0, "x", "callgrind");
  derive(rows, "store.overhead_pct", "storing adds", "store.with_s", "store.without_s", 100,
         100, "%", "median with storing over median without, minus 1");
  derive(rows, "scale.ratio_19", "CPU time per event, 1,000 instances over 1 (issue 19)",
         "scale.1000.ns_per_event", "scale.1.ns_per_event", 1, 0, "x", "");
  derive(rows, "sweep.ratio", "CPU time of 1,000 points over 40", "sweep.p1000.cpu_s",
         "sweep.p40.cpu_s", 1, 0, "x", "25 x is proportional to the points");
  derive(rows, "store.cpu_overhead_pct", "storing adds, in CPU time", "store.with_cpu_s",
         "store.without_cpu_s", 100, 100, "%", "least with storing over least without, minus 1");

  place_beside_rates(rows);
  for (guint i = 0; i < rows->len; i++) {
    Row *r = g_ptr_array_index(rows, i);
    for (guint t = 0; t < G_N_ELEMENTS(targets); t++) {
      if (g_str_equal(r->id, targets[t].id)) {
        r->op = targets[t].op;
        r->target = targets[t].value;
      }
    }
  }

  g_autoptr(GDateTime) now = g_date_time_new_now_utc();
  g_autofree char *date = g_date_time_format_iso8601(now);
  g_autofree char *day = g_date_time_format(now, "%Y-%m-%d %H:%M UTC");
  g_autofree char *cpu = cpu_model();
  g_autofree char *header = g_strdup_printf(
      "zdsim make bench, %s, %s (%u cores), %s; load average at start %s", day, cpu,
      g_get_num_processors(), version != NULL ? version : "", load != NULL ? load : "?");
  print_table(rows, header);
  g_autoptr(GPtrArray) figures = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GPtrArray) verdicts = judge_issue19(rows, figures);
  print_issue19(figures, verdicts);

  if (json_path != NULL) {
    g_autoptr(JsonNode) root = rows_json(rows, cpu, date, load, version, figures, verdicts);
    g_autoptr(JsonGenerator) gen = json_generator_new();
    json_generator_set_pretty(gen, TRUE);
    json_generator_set_root(gen, root);
    if (!json_generator_to_file(gen, json_path, &error)) {
      fprintf(stderr, "bench-table: %s: %s\n", json_path, error->message);
      return 2;
    }
    printf("\nwritten to %s\n", json_path);
  }
  return 0;
}
