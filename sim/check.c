/* check.c: verdicts of [expect] lines and of baseline comparisons, and their JUnit XML.
 * Not for running scenarios (run.c) or for exit codes (cli_check.c). */
#include "zdsim/check.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "zdsim/compare.h"

G_DEFINE_QUARK(zdsim-check-error-quark, check_error)

typedef enum {
  UNIT_FRACTION, /* availabilities: shown as percentages, differences in points */
  UNIT_SECONDS,
  UNIT_COUNT,
} Unit;

/* The unit of a metric follows its JSON name (README, JSON): the availabilities are
 * fractions, names ending in "_s" are seconds, the rest are counts (instance-hours too). */
static Unit
metric_unit(RunMetric metric)
{
  const char *name = run_metric_name(metric);
  if (g_str_has_suffix(name, "availability"))
    return UNIT_FRACTION;
  if (g_str_has_suffix(name, "_s"))
    return UNIT_SECONDS;
  return UNIT_COUNT;
}

/* Decimals of a percentage that tell figures near @reference (a fraction) apart: as many as
 * its nines, and at least the report's four ("99.9999%" needs 6 to show 99.999970 %). */
static int
percent_decimals(double reference)
{
  double nines = stats_nines(reference);
  if (!isfinite(nines))
    return 8;
  return CLAMP((int) ceil(nines - 1e-9), 4, 8);
}

/* A figure without its unit, as the interval shows it: "99.9987", "29.0", "312.45". Adding 0
 * turns -0 into 0. */
static char *
format_bare(Unit unit, int decimals, double v)
{
  switch (unit) {
    case UNIT_FRACTION:
      return g_strdup_printf("%.*f", decimals, 100.0 * v + 0.0);
    case UNIT_SECONDS:
      return g_strdup_printf("%.1f", v + 0.0);
    case UNIT_COUNT:
      return g_strdup_printf("%.2f", v + 0.0);
    default:
      g_assert_not_reached();
  }
}

/* A figure with its unit: "99.9987 %", "29.0 s", "312.45". */
static char *
format_value(Unit unit, int decimals, double v)
{
  g_autofree char *bare = format_bare(unit, decimals, v);
  switch (unit) {
    case UNIT_FRACTION:
      return g_strdup_printf("%s %%", bare);
    case UNIT_SECONDS:
      return g_strdup_printf("%s s", bare);
    case UNIT_COUNT:
      return g_steal_pointer(&bare);
    default:
      g_assert_not_reached();
  }
}

/* Decimals that show @x (in the unit people read: percentage points for availabilities) with
 * two significant digits, and at least one. */
static int
difference_decimals(Unit unit, double x)
{
  x = fabs(unit == UNIT_FRACTION ? 100.0 * x : x);
  if (!(x > 0) || !isfinite(x))
    return 1;
  return CLAMP(1 - (int) floor(log10(x)), 1, 8);
}

/* A difference with @decimals, unsigned or signed, in the unit a person compares it in:
 * percentage points for availabilities ("0.040 points"), seconds ("20.0 s") or a plain
 * number ("7.7"). Adding 0 turns -0 into 0. */
static char *
format_difference_with(Unit unit, int decimals, double d, gboolean sign)
{
  double x = (unit == UNIT_FRACTION ? 100.0 * d : d) + 0.0;
  const char *suffix = unit == UNIT_FRACTION ? " points" : unit == UNIT_SECONDS ? " s" : "";
  if (sign)
    return g_strdup_printf("%+.*f%s", decimals, x, suffix);
  return g_strdup_printf("%.*f%s", decimals, x, suffix);
}

/* The size of a difference with two significant digits: "0.040 points", "18.5 s", "8.5". */
static char *
format_difference(Unit unit, double d)
{
  return format_difference_with(unit, difference_decimals(unit, d), fabs(d), FALSE);
}

/* An availability's upper bound can pass 1 (mean + t sd / sqrt(n)); it is shown capped, as the
 * report does. */
static double
shown_hi(Unit unit, double hi)
{
  return unit == UNIT_FRACTION ? MIN(hi, 1.0) : hi;
}

void
check_outcome_free(CheckOutcome *outcome)
{
  if (outcome == NULL)
    return;
  g_free(outcome->scenario);
  g_free(outcome->path);
  g_free(outcome->label);
  g_free(outcome->detail);
  g_free(outcome);
}

static GPtrArray *
outcomes_new(void)
{
  return g_ptr_array_new_with_free_func((GDestroyNotify) check_outcome_free);
}

gboolean
check_validate(const Scenario *scenario, GError **error)
{
  if (scenario->expects->len == 0) {
    g_set_error(error, CHECK_ERROR, CHECK_ERROR_NO_EXPECTATIONS,
                "%s: no [expect] section, so there is nothing to check; add one such as\n"
                "  [expect]\n  availability = >= 99.95%%\n  max_outage = <= 2m",
                scenario->path);
    return FALSE;
  }
  for (guint i = 0; i < scenario->expects->len; i++) {
    const ScenarioExpect *e = g_ptr_array_index(scenario->expects, i);
    if (run_metric_lookup(e->metric) < 0) {
      g_set_error(error, CHECK_ERROR, CHECK_ERROR_METRIC,
                  "%s:%d: expect.%s: the run computes no metric '%s'", scenario->path, e->line,
                  e->key, e->metric);
      return FALSE;
    }
  }
  return TRUE;
}

/* An expectation's name in reports and JUnit: the key and the value as written. */
static char *
expect_label(const ScenarioExpect *e)
{
  return g_strdup_printf("%s %s", e->key, e->text);
}

/* The verdict of one [expect] line: ">= X" on the lower bound, "<= X" on the upper bound. */
static CheckOutcome *
judge(const RunResult *result, const ScenarioExpect *e)
{
  RunMetric m = (RunMetric) run_metric_lookup(e->metric);
  const StatsSummary *s = &result->summary[m];
  Unit unit = metric_unit(m);
  gboolean at_least = e->op == SCENARIO_EXPECT_AT_LEAST;

  CheckOutcome *o = g_new0(CheckOutcome, 1);
  o->kind = CHECK_EXPECTATION;
  o->scenario = g_strdup(result->scenario->name);
  o->path = g_strdup(result->scenario->path);
  o->label = expect_label(e);
  o->line = e->line;
  o->metric = (int) m;
  o->summary = *s;
  o->threshold = e->value;
  o->judged = at_least ? s->lo : s->hi;
  o->passed = at_least ? o->judged >= e->value : o->judged <= e->value;
  o->wall_s = result->wall_s;

  /* The value as written, without its operator: "99.99%", "2m", "4". */
  const char *written = e->text;
  if (g_str_has_prefix(written, ">=") || g_str_has_prefix(written, "<="))
    written += 2;
  while (g_ascii_isspace(*written))
    written++;

  int decimals = percent_decimals(e->value);
  g_autofree char *bound = format_value(unit, decimals, shown_hi(unit, o->judged));
  g_autofree char *mean = format_value(unit, decimals, s->mean);
  g_autofree char *lo = format_bare(unit, decimals, s->lo);
  g_autofree char *hi = format_bare(unit, decimals, shown_hi(unit, s->hi));
  const char *which = at_least ? "lower bound" : "upper bound";
  if (o->passed) {
    o->detail = g_strdup_printf("%s %s (mean %s, [%s, %s])", which, bound, mean, lo, hi);
  } else {
    g_autofree char *by = format_difference(unit, o->judged - e->value);
    o->detail = g_strdup_printf("%s %s is %s %s %s (mean %s, [%s, %s])", which, bound, by,
                                at_least ? "below" : "above", written, mean, lo, hi);
  }
  return o;
}

GPtrArray *
check_expectations(const RunResult *result, GError **error)
{
  if (!check_validate(result->scenario, error))
    return NULL;
  GPtrArray *outcomes = outcomes_new();
  for (guint i = 0; i < result->scenario->expects->len; i++)
    g_ptr_array_add(outcomes, judge(result, g_ptr_array_index(result->scenario->expects, i)));
  return outcomes;
}

GPtrArray *
check_baseline(const RunResult *result, const RunResult *baseline, double tolerance)
{
  /* The interval of the difference is `zdsim compare`'s (compare.h): paired replication by
   * replication when both runs share seed and replications, Welch's otherwise, a bootstrap
   * for the pooled mean and p95 outage, none for the longest outage. */
  CompareResult c;
  compare_runs(baseline, result, &c);
  GPtrArray *outcomes = outcomes_new();
  for (int i = 0; i < RUN_METRIC_COUNT; i++) {
    RunMetric m = (RunMetric) i;
    Unit unit = metric_unit(m);
    const CompareDifference *d = &c.metric[m];
    /* Turned so that positive is worse. */
    gboolean higher = run_metric_higher_is_better(m);
    double worse = higher ? -d->diff : d->diff;
    double lo = higher ? -d->hi : d->lo, hi = higher ? -d->lo : d->hi;
    double base_mean = baseline->summary[m].mean;
    /* For an availability the tolerance is a share of the downtime it implies: 10 % of
     * 99.99 % would be meaningless, 10 % of its 0.01 % unavailability is not. */
    double scale = unit == UNIT_FRACTION ? 1.0 - base_mean : fabs(base_mean);
    double tol = tolerance * scale;
    gboolean significant = d->verdict == COMPARE_WORSE;

    CheckOutcome *o = g_new0(CheckOutcome, 1);
    o->kind = CHECK_BASELINE;
    o->scenario = g_strdup(result->scenario->name);
    o->path = g_strdup(result->scenario->path);
    o->label = g_strdup_printf("%s vs baseline", run_metric_name(m));
    o->metric = i;
    o->summary = result->summary[m];
    o->judged = worse;
    o->threshold = tol;
    o->wall_s = result->wall_s;
    /* Means over different replication counts of a metric that does not vary (instance-hours
     * of a run without surges) differ in their last bits, with a zero-width interval that
     * looks significant: a worsening within rounding of the baseline is none. */
    double rounding = 1e-9 * fabs(base_mean);
    o->passed = !(significant && worse > MAX(tol, rounding));

    int decimals = percent_decimals(base_mean);
    g_autofree char *now = format_value(unit, decimals, result->summary[m].mean);
    g_autofree char *before = format_value(unit, decimals, base_mean);
    /* The interval in the precision of its wider end, so both ends read alike. */
    int digits = difference_decimals(unit, MAX(fabs(lo), fabs(hi)));
    g_autofree char *lo_text = format_difference_with(unit, digits, lo, TRUE);
    g_autofree char *hi_text = format_difference_with(unit, digits, hi, TRUE);
    g_autofree char *by = format_difference(unit, worse);
    g_autofree char *tol_text = format_difference(unit, tol);
    g_autofree char *change = worse > 0   ? g_strdup_printf("worse by %s", by)
                              : worse < 0 ? g_strdup_printf("better by %s", by)
                                          : g_strdup("unchanged");
    const char *method = c.paired ? "paired" : "Welch";
    if (d->method == STATS_METHOD_BOOTSTRAP)
      method = c.paired ? "paired bootstrap" : "bootstrap";
    g_autofree char *head =
        g_strdup_printf("mean %s vs baseline %s: %s, interval of the worsening [%s, %s] (%s)",
                        now, before, change, lo_text, hi_text, method);
    if (!d->has_interval)
      /* Nothing to judge the difference by: it never fails. */
      o->detail = g_strdup_printf("mean %s vs baseline %s: %s, no interval (%s): not judged",
                                  now, before, change,
                                  m == RUN_LONGEST_OUTAGE
                                      ? "one maximum; [expect] max_outage bounds it"
                                      : "too few replications");
    else if (!significant || worse <= rounding)
      o->detail = g_strdup_printf("%s: not significant", head);
    else if (o->passed)
      o->detail = g_strdup_printf("%s: within the tolerance of %s", head, tol_text);
    else
      o->detail = g_strdup_printf("%s: beyond the tolerance of %s", head, tol_text);
    g_ptr_array_add(outcomes, o);
  }
  return outcomes;
}

CheckOutcome *
check_outcome_new_error(const char *path, const char *message)
{
  CheckOutcome *o = g_new0(CheckOutcome, 1);
  o->kind = CHECK_INPUT_ERROR;
  o->scenario = g_strdup(path);
  o->path = g_strdup(path);
  o->label = g_strdup("scenario");
  o->metric = -1;
  o->detail = g_strdup(message);
  return o;
}

CheckOutcome *
check_outcome_new_no_baseline(const char *scenario, const char *path, const char *message)
{
  CheckOutcome *o = g_new0(CheckOutcome, 1);
  o->kind = CHECK_NO_BASELINE;
  o->scenario = g_strdup(scenario);
  o->path = g_strdup(path);
  o->label = g_strdup("baseline");
  o->metric = -1;
  o->passed = TRUE;
  o->detail = g_strdup(message);
  return o;
}

/* A verdict that makes `zdsim check` fail: a judged expectation or comparison that did not
 * pass. */
static gboolean
is_failure(const CheckOutcome *o)
{
  return (o->kind == CHECK_EXPECTATION || o->kind == CHECK_BASELINE) && !o->passed;
}

/* Characters on screen: UTF-8 characters, or bytes for text that is not valid UTF-8. */
static int
display_width(const char *text)
{
  if (g_utf8_validate(text, -1, NULL))
    return (int) g_utf8_strlen(text, -1);
  return (int) strlen(text);
}

char *
check_outcome_line(const CheckOutcome *outcome, int scenario_width, int label_width)
{
  const char *verdict = outcome->kind == CHECK_INPUT_ERROR   ? "ERROR"
                        : outcome->kind == CHECK_NO_BASELINE ? "SKIP "
                        : outcome->passed                    ? "PASS "
                                                             : "FAIL ";
  /* Padding counts characters, not bytes, so a name with accents lines up too. */
  int spad = MAX(0, scenario_width - display_width(outcome->scenario));
  int lpad = MAX(0, label_width - display_width(outcome->label));
  return g_strdup_printf("%s %s%*s  %s%*s   %s", verdict, outcome->scenario, spad, "",
                         outcome->label, lpad, "", outcome->detail);
}

void
check_widths(const Scenario *scenario, int *scenario_width, int *label_width)
{
  *scenario_width = MAX(*scenario_width, display_width(scenario->name));
  for (guint i = 0; i < scenario->expects->len; i++) {
    const ScenarioExpect *e = g_ptr_array_index(scenario->expects, i);
    g_autofree char *label = expect_label(e);
    *label_width = MAX(*label_width, display_width(label));
  }
}

void
check_outcomes_at_point(GPtrArray *outcomes, guint from, const char *point)
{
  if (point == NULL || *point == '\0')
    return;
  for (guint i = from; i < outcomes->len; i++) {
    CheckOutcome *o = g_ptr_array_index(outcomes, i);
    char *label = g_strdup_printf("%s at %s", o->label, point);
    g_free(o->label);
    o->label = label;
  }
}

void
check_widths_at(const Scenario *scenario, const char *point, int *scenario_width,
                int *label_width)
{
  int w = 0;
  check_widths(scenario, scenario_width, &w);
  if (point != NULL && *point != '\0')
    w += display_width(" at ") + display_width(point);
  *label_width = MAX(*label_width, w);
}

/* Keys whose override leaves the model as it is (check_override_changes_model()). */
static const char *const sample_only_keys[] = {
  "scenario.replications",
  "scenario.seed",
  "scenario.description",
};

gboolean
check_override_changes_model(const char *assignment)
{
  const char *eq = strchr(assignment, '=');
  gsize len = eq != NULL ? (gsize) (eq - assignment) : strlen(assignment);
  g_autofree char *key = g_strstrip(g_strndup(assignment, len));
  for (guint i = 0; i < G_N_ELEMENTS(sample_only_keys); i++)
    if (g_str_equal(key, sample_only_keys[i]))
      return FALSE;
  return TRUE;
}

/* Key -> last value of the overrides in @v that change the model. */
static GHashTable *
model_overrides(const char *const *v)
{
  GHashTable *map = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  for (const char *const *p = v; p != NULL && *p != NULL; p++) {
    if (!check_override_changes_model(*p))
      continue;
    const char *eq = strchr(*p, '=');
    gsize len = eq != NULL ? (gsize) (eq - *p) : strlen(*p);
    char *key = g_strstrip(g_strndup(*p, len));
    char *value = g_strstrip(g_strdup(eq != NULL ? eq + 1 : ""));
    g_hash_table_replace(map, key, value);
  }
  return map;
}

gboolean
check_same_model_overrides(const char *const *a, const char *const *b)
{
  g_autoptr(GHashTable) ma = model_overrides(a);
  g_autoptr(GHashTable) mb = model_overrides(b);
  if (g_hash_table_size(ma) != g_hash_table_size(mb))
    return FALSE;
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init(&it, ma);
  while (g_hash_table_iter_next(&it, &key, &value)) {
    const char *other = g_hash_table_lookup(mb, key);
    if (other == NULL || !g_str_equal(other, value))
      return FALSE;
  }
  return TRUE;
}

CheckOutcome *
check_outcome_new_missing_baseline(const char *scenario, const char *path, const char *message)
{
  CheckOutcome *o = g_new0(CheckOutcome, 1);
  o->kind = CHECK_BASELINE;
  o->scenario = g_strdup(scenario);
  o->path = g_strdup(path);
  o->label = g_strdup("baseline");
  o->metric = -1;
  o->passed = FALSE;
  o->detail = g_strdup(message);
  return o;
}

void
check_tally(const GPtrArray *outcomes, guint *passed, guint *failed, guint *errors)
{
  guint p = 0, f = 0, e = 0;
  for (guint i = 0; i < outcomes->len; i++) {
    const CheckOutcome *o = g_ptr_array_index(outcomes, i);
    e += o->kind == CHECK_INPUT_ERROR;
    f += is_failure(o);
    p += (o->kind == CHECK_EXPECTATION || o->kind == CHECK_BASELINE) && o->passed;
  }
  if (passed != NULL)
    *passed = p;
  if (failed != NULL)
    *failed = f;
  if (errors != NULL)
    *errors = e;
}

guint
check_skipped(const GPtrArray *outcomes)
{
  guint k = 0;
  for (guint i = 0; i < outcomes->len; i++)
    k += ((const CheckOutcome *) g_ptr_array_index(outcomes, i))->kind == CHECK_NO_BASELINE;
  return k;
}

char *
check_summary(const GPtrArray *outcomes)
{
  guint passed, failed, errors;
  check_tally(outcomes, &passed, &failed, &errors);
  guint skipped = check_skipped(outcomes);
  guint scenarios = 0, expectations = 0, comparisons = 0;
  const char *last = NULL;
  for (guint i = 0; i < outcomes->len; i++) {
    const CheckOutcome *o = g_ptr_array_index(outcomes, i);
    if (last == NULL || !g_str_equal(last, o->path))
      scenarios++;
    last = o->path;
    expectations += o->kind == CHECK_EXPECTATION;
    comparisons += o->kind == CHECK_BASELINE;
  }
  GString *out = g_string_new(NULL);
  if (expectations + comparisons == 0 && errors > 0) {
    /* Only bad input: nothing was judged. */
    g_string_append_printf(out, "%u scenario%s not checked (bad input)", errors,
                           errors == 1 ? "" : "s");
  } else {
    g_string_append_printf(out, "%u expectation%s", expectations, expectations == 1 ? "" : "s");
    if (comparisons > 0)
      g_string_append_printf(out, " and %u baseline comparison%s", comparisons,
                             comparisons == 1 ? "" : "s");
    g_string_append_printf(out, " in %u scenario%s: %u passed, %u failed", scenarios,
                           scenarios == 1 ? "" : "s", passed, failed);
    if (skipped > 0)
      g_string_append_printf(out, ", %u without a baseline", skipped);
    if (errors > 0)
      g_string_append_printf(out, ", %u not checked (bad input)", errors);
  }
  /* Name what failed, grouped by scenario, so the last line of a CI log says it all. */
  const char *shown = NULL;
  for (guint i = 0; i < outcomes->len; i++) {
    const CheckOutcome *o = g_ptr_array_index(outcomes, i);
    if (!is_failure(o) && o->kind != CHECK_INPUT_ERROR)
      continue;
    if (shown == NULL || !g_str_equal(shown, o->path))
      g_string_append_printf(out, "%s %s: ", shown == NULL ? "\nfailed:" : ";", o->scenario);
    else
      g_string_append(out, ", ");
    g_string_append(out, o->kind == CHECK_INPUT_ERROR ? "bad input" : o->label);
    shown = o->path;
  }
  return g_string_free(out, FALSE);
}

/* Text from a scenario file made fit for XML 1.0: valid UTF-8, without the control characters
 * XML cannot carry (all below U+0020 but tab, newline and carriage return; U+FFFE and U+FFFF).
 * g_markup_printf_escaped() escapes the rest, but would write those characters as character
 * references, which XML 1.0 does not allow either. */
static char *
xml_clean(const char *text)
{
  g_autofree char *valid = g_utf8_make_valid(text != NULL ? text : "", -1);
  GString *clean = g_string_sized_new(strlen(valid));
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    gboolean allowed = (c >= 0x20 && c != 0xFFFE && c != 0xFFFF) || c == '\t' || c == '\n' ||
                       c == '\r';
    if (allowed)
      g_string_append_len(clean, p, g_utf8_next_char(p) - p);
    else
      g_string_append(clean, "\xEF\xBF\xBD"); /* U+FFFD, the replacement character */
  }
  return g_string_free(clean, FALSE);
}

/* Appends @format to @out with every string argument escaped for XML (g_markup_printf_escaped). */
static void G_GNUC_PRINTF(2, 3)
append_markup(GString *out, const char *format, ...)
{
  va_list args;
  va_start(args, format);
  g_autofree char *text = g_markup_vprintf_escaped(format, args);
  va_end(args);
  g_string_append(out, text);
}

static void
junit_suite(GString *out, const GPtrArray *outcomes, guint from, guint to)
{
  guint failures = 0, errors = 0, skipped = 0;
  for (guint i = from; i < to; i++) {
    const CheckOutcome *o = g_ptr_array_index(outcomes, i);
    errors += o->kind == CHECK_INPUT_ERROR;
    skipped += o->kind == CHECK_NO_BASELINE;
    failures += is_failure(o);
  }
  const CheckOutcome *first = g_ptr_array_index(outcomes, from);
  g_autofree char *name = xml_clean(first->scenario);
  g_autofree char *file = xml_clean(first->path);
  append_markup(out,
                "  <testsuite name=\"%s\" tests=\"%u\" failures=\"%u\" errors=\"%u\" "
                "skipped=\"%u\" time=\"%.3f\" file=\"%s\">\n",
                name, to - from, failures, errors, skipped, first->wall_s, file);
  for (guint i = from; i < to; i++) {
    const CheckOutcome *o = g_ptr_array_index(outcomes, i);
    g_autofree char *label = xml_clean(o->label);
    g_autofree char *detail = xml_clean(o->detail);
    append_markup(out, "    <testcase classname=\"%s\" name=\"%s\" file=\"%s\"", name, label,
                  file);
    if (o->line > 0)
      g_string_append_printf(out, " line=\"%d\"", o->line);
    /* The run's time belongs to the suite; a verdict itself takes none. */
    g_string_append(out, " time=\"0\">\n");
    if (o->kind == CHECK_INPUT_ERROR)
      append_markup(out, "      <error type=\"input\" message=\"%s\">%s</error>\n", detail,
                    detail);
    else if (o->kind == CHECK_NO_BASELINE)
      append_markup(out, "      <skipped message=\"%s\"/>\n", detail);
    else if (is_failure(o))
      append_markup(out, "      <failure type=\"%s\" message=\"%s\">%s: %s</failure>\n",
                    o->kind != CHECK_BASELINE ? "expectation"
                    : o->metric < 0           ? "missing-baseline"
                                              : "regression",
                    detail, label,
                    detail);
    else
      append_markup(out, "      <system-out>%s</system-out>\n", detail);
    g_string_append(out, "    </testcase>\n");
  }
  g_string_append(out, "  </testsuite>\n");
}

char *
check_junit(const GPtrArray *outcomes)
{
  guint failed, errors;
  check_tally(outcomes, NULL, &failed, &errors);
  guint skipped = check_skipped(outcomes);
  double wall = 0;
  for (guint i = 0; i < outcomes->len; i++) {
    const CheckOutcome *o = g_ptr_array_index(outcomes, i);
    const CheckOutcome *prev = i > 0 ? g_ptr_array_index(outcomes, i - 1) : NULL;
    if (prev == NULL || !g_str_equal(prev->path, o->path))
      wall += o->wall_s;
  }
  GString *out = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  g_string_append_printf(out,
                         "<testsuites name=\"zdsim check\" tests=\"%u\" failures=\"%u\" "
                         "errors=\"%u\" skipped=\"%u\" time=\"%.3f\">\n",
                         outcomes->len, failed, errors, skipped, wall);
  for (guint from = 0; from < outcomes->len;) {
    const CheckOutcome *first = g_ptr_array_index(outcomes, from);
    guint to = from + 1;
    while (to < outcomes->len &&
           g_str_equal(((const CheckOutcome *) g_ptr_array_index(outcomes, to))->path,
                       first->path))
      to++;
    junit_suite(out, outcomes, from, to);
    from = to;
  }
  g_string_append(out, "</testsuites>\n");
  return g_string_free(out, FALSE);
}

gboolean
check_junit_save(const GPtrArray *outcomes, const char *path, GError **error)
{
  g_autofree char *xml = check_junit(outcomes);
  g_autoptr(GError) local = NULL;
  if (!g_file_set_contents(path, xml, -1, &local)) {
    g_set_error(error, CHECK_ERROR, CHECK_ERROR_IO, "cannot write the JUnit file: %s",
                local->message);
    return FALSE;
  }
  return TRUE;
}
