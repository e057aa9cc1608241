/* sweep.c: the points of a [sweep] run one after another with common random numbers,
 * recommend's instance search, and the comparison of two runs (paired or Welch).
 * Not for storing (store.c) or the command line (cli_store.c). */
#include "zdsim/sweep.h"

#include <math.h>
#include <string.h>

#include "zdsim/report.h"

G_DEFINE_QUARK(zdsim-sweep-error-quark, sweep_error)

Scenario *
sweep_point_scenario(const Scenario *base, const char *const *point, GError **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new();
  for (char **o = base->overrides; o != NULL && *o != NULL; o++)
    g_ptr_array_add(all, *o);
  for (const char *const *p = point; p != NULL && *p != NULL; p++)
    g_ptr_array_add(all, (gpointer) *p);
  g_ptr_array_add(all, NULL);
  Scenario *sc = scenario_load_data(base->text, strlen(base->text), base->path,
                                    (const char *const *) all->pdata, error);
  if (sc == NULL && point != NULL && *point != NULL) {
    g_autofree char *label = sweep_point_label(point);
    g_prefix_error(error, "sweep point %s: ", label);
  }
  return sc;
}

char *
sweep_point_label(const char *const *point)
{
  if (point == NULL || *point == NULL)
    return g_strdup("(base)");
  return g_strjoinv(" ", (char **) point);
}

void
sweep_result_free(SweepResult *sweep)
{
  if (sweep == NULL)
    return;
  /* Results point at their scenarios: free them first. */
  g_ptr_array_unref(sweep->results);
  g_ptr_array_unref(sweep->scenarios);
  g_ptr_array_unref(sweep->points);
  g_ptr_array_unref(sweep->axes);
  g_free(sweep);
}

static SweepResult *
sweep_result_new(GPtrArray *axes)
{
  SweepResult *sweep = g_new0(SweepResult, 1);
  sweep->axes = axes;
  sweep->points = g_ptr_array_new_with_free_func((GDestroyNotify) g_strfreev);
  sweep->scenarios = g_ptr_array_new_with_free_func((GDestroyNotify) scenario_free);
  sweep->results = g_ptr_array_new_with_free_func((GDestroyNotify) run_result_free);
  return sweep;
}

/* Progress over a whole sweep: point @offset / @total of the replications. */
typedef struct {
  const RunOptions *outer;
  guint offset;
  guint total;
} Progress;

static void
point_progress(guint done, guint total, void *user_data)
{
  (void) total;
  const Progress *p = user_data;
  p->outer->progress(MIN(p->offset + done, p->total), p->total, p->outer->progress_data);
}

/* Runs point @i of @sweep with @options, reporting progress from @offset out of @total. */
static gboolean
run_point(SweepResult *sweep, guint i, const RunOptions *options, guint offset, guint total,
          GError **error)
{
  Progress progress = { options, offset, total };
  RunOptions point_options = *options;
  if (options->progress != NULL) {
    point_options.progress = point_progress;
    point_options.progress_data = &progress;
  }
  const Scenario *sc = g_ptr_array_index(sweep->scenarios, i);
  RunResult *r = run_execute(sc, &point_options, error);
  if (r == NULL) {
    g_autofree char *label = sweep_point_label(g_ptr_array_index(sweep->points, i));
    g_prefix_error(error, "sweep point %s: ", label);
    return FALSE;
  }
  g_ptr_array_add(sweep->results, r);
  return TRUE;
}

SweepResult *
sweep_run(const Scenario *base, const RunOptions *options, GError **error)
{
  g_autoptr(SweepResult) sweep = sweep_result_new(g_ptr_array_ref(base->sweep));
  g_autoptr(GPtrArray) points = scenario_sweep_points(base);
  guint total = 0;
  /* Every point is loaded first, so a bad value fails before anything runs. */
  for (guint i = 0; i < points->len; i++) {
    char **point = g_ptr_array_index(points, i);
    Scenario *sc = sweep_point_scenario(base, (const char *const *) point, error);
    if (sc == NULL)
      return NULL;
    g_ptr_array_add(sweep->points, g_strdupv(point));
    g_ptr_array_add(sweep->scenarios, sc);
    total += sc->replications;
  }
  guint offset = 0;
  for (guint i = 0; i < sweep->scenarios->len; i++) {
    if (!run_point(sweep, i, options, offset, total, error))
      return NULL;
    offset += ((const Scenario *) g_ptr_array_index(sweep->scenarios, i))->replications;
  }
  return g_steal_pointer(&sweep);
}

/* ---- recommend ---- */

gboolean
sweep_target_parse(const char *name, SweepTarget *out, GError **error)
{
  static const char *const names[] = { "availability", "request", "business-hours" };
  for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
    if (g_str_equal(name, names[i])) {
      *out = (SweepTarget) i;
      return TRUE;
    }
  }
  g_set_error(error, SWEEP_ERROR, SWEEP_ERROR_INVALID,
              "unknown metric '%s' (expected availability, request or business-hours)", name);
  return FALSE;
}

RunMetric
sweep_target_metric(SweepTarget target)
{
  switch (target) {
  case SWEEP_TARGET_REQUEST:
    return RUN_REQUEST_AVAILABILITY;
  case SWEEP_TARGET_BUSINESS_HOURS:
    return RUN_BUSINESS_HOURS_AVAILABILITY;
  case SWEEP_TARGET_AVAILABILITY:
  default:
    return RUN_AVAILABILITY;
  }
}

void
sweep_recommendation_free(SweepRecommendation *rec)
{
  if (rec == NULL)
    return;
  sweep_result_free(rec->sweep);
  g_free(rec);
}

static void
axis_free(ScenarioSweepAxis *axis)
{
  g_free(axis->key);
  g_ptr_array_unref(axis->values);
  g_free(axis);
}

SweepRecommendation *
sweep_recommend(const Scenario *base, RunMetric metric, double target, guint max_instances,
                const RunOptions *options, GError **error)
{
  if (!(target > 0 && target <= 1)) {
    g_set_error(error, SWEEP_ERROR, SWEEP_ERROR_INVALID,
                "the target must be a percentage above 0 and at most 100 %%, got %g %%",
                100 * target);
    return NULL;
  }
  if (max_instances == 0) {
    g_set_error(error, SWEEP_ERROR, SWEEP_ERROR_INVALID,
                "the largest instance count to try must be at least 1");
    return NULL;
  }
  GPtrArray *axes = g_ptr_array_new_with_free_func((GDestroyNotify) axis_free);
  ScenarioSweepAxis *axis = g_new0(ScenarioSweepAxis, 1);
  axis->key = g_strdup("app.instances");
  axis->values = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(axes, axis);

  g_autoptr(SweepRecommendation) rec = g_new0(SweepRecommendation, 1);
  rec->sweep = sweep_result_new(axes);
  rec->metric = metric;
  rec->target = target;
  rec->max_instances = max_instances;
  rec->answer = -1;
  SweepResult *sweep = rec->sweep;

  /* Every count is loaded first, so a scenario that refuses one (say, more than one instance
   * before Mendix 7) fails before anything runs. */
  guint total = 0;
  for (guint n = 1; n <= max_instances; n++) {
    char *point[] = { g_strdup_printf("app.instances=%u", n), NULL };
    Scenario *sc = sweep_point_scenario(base, (const char *const *) point, error);
    if (sc == NULL) {
      g_free(point[0]);
      return NULL;
    }
    g_ptr_array_add(sweep->points, g_strdupv(point));
    g_ptr_array_add(sweep->scenarios, sc);
    g_ptr_array_add(axis->values, g_strdup_printf("%u", n));
    g_free(point[0]);
    total += sc->replications;
  }

  guint offset = 0;
  for (guint i = 0; i < sweep->scenarios->len; i++) {
    if (!run_point(sweep, i, options, offset, total, error))
      return NULL;
    offset += ((const Scenario *) g_ptr_array_index(sweep->scenarios, i))->replications;
    const RunResult *r = g_ptr_array_index(sweep->results, i);
    /* Judged on the lower 95 % bound, never the mean (DESIGN.md §3 [expect]). */
    if (rec->answer < 0 && r->summary[metric].lo >= target)
      rec->answer = (int) i;
    else if (rec->answer >= 0)
      break; /* the count after the answer has run, for comparison */
  }
  /* Tell the progress bar the work is over even when the search stopped early. */
  if (options->progress != NULL && offset < total)
    options->progress(total, total, options->progress_data);
  /* The axis lists only the counts that ran. */
  g_ptr_array_set_size(axis->values, sweep->results->len);
  g_ptr_array_set_size(sweep->points, sweep->results->len);
  g_ptr_array_set_size(sweep->scenarios, sweep->results->len);
  return g_steal_pointer(&rec);
}

/* ---- comparing two runs ---- */

const char *
sweep_verdict_name(SweepVerdict verdict)
{
  switch (verdict) {
  case SWEEP_BETTER:
    return "better";
  case SWEEP_WORSE:
    return "worse";
  case SWEEP_NO_DIFFERENCE:
  default:
    return "no significant difference";
  }
}

static SweepVerdict
verdict(const SweepDifference *d, gboolean higher_is_better)
{
  if (!d->has_interval)
    return SWEEP_NO_DIFFERENCE;
  if (d->lo > 0)
    return higher_is_better ? SWEEP_BETTER : SWEEP_WORSE;
  if (d->hi < 0)
    return higher_is_better ? SWEEP_WORSE : SWEEP_BETTER;
  return SWEEP_NO_DIFFERENCE;
}

/* B - A for one column (@stride values per replication, column @k) of two runs. */
static void
difference(const double *a, guint na, const double *b, guint nb, gsize stride, gsize k,
           gboolean paired, SweepDifference *out)
{
  g_autofree double *xa = g_new(double, na);
  g_autofree double *xb = g_new(double, nb);
  for (guint r = 0; r < na; r++)
    xa[r] = a[r * stride + k];
  for (guint r = 0; r < nb; r++)
    xb[r] = b[r * stride + k];
  StatsSummary sa, sb;
  stats_summarize(xa, na, &sa);
  stats_summarize(xb, nb, &sb);
  out->a = sa.mean;
  out->b = sb.mean;
  out->diff = sb.mean - sa.mean;
  out->lo = out->hi = out->diff;
  out->has_interval = na >= 2 && nb >= 2;
  if (!out->has_interval)
    return;
  StatsDifference d;
  /* Common random numbers: replication r of both runs drew the same streams, so the
   * per-replication differences carry the comparison and their spread is small. */
  if (paired)
    stats_paired_interval(xa, xb, na, &d);
  else
    stats_welch_interval(&sa, &sb, &d);
  out->diff = d.diff;
  out->lo = d.lo;
  out->hi = d.hi;
}

void
sweep_compare(const RunResult *a, const RunResult *b, SweepComparison *out)
{
  memset(out, 0, sizeof *out);
  out->paired = a->scenario->seed == b->scenario->seed && a->replications == b->replications;
  for (guint m = 0; m < RUN_METRIC_COUNT; m++) {
    SweepDifference *d = &out->metric[m];
    difference(a->values, a->replications, b->values, b->replications, RUN_METRIC_COUNT, m,
               out->paired, d);
    d->verdict = verdict(d, run_metric_higher_is_better(m));
    out->better += d->verdict == SWEEP_BETTER;
    out->worse += d->verdict == SWEEP_WORSE;
  }
  for (guint c = 0; c < CAUSE_COUNT; c++) {
    SweepDifference *d = &out->cause[c];
    difference(a->by_cause, a->replications, b->by_cause, b->replications, CAUSE_COUNT, c,
               out->paired, d);
    d->verdict = verdict(d, FALSE);
  }
  out->overall = out->metric[RUN_AVAILABILITY].verdict;
}

/* A value of metric @m for people: availabilities in %, seconds in minutes, counts as is. */
static char *
format_value(guint m, double v, gboolean signed_)
{
  const char *sign = signed_ && v > 0 ? "+" : "";
  switch (m) {
  case RUN_AVAILABILITY:
  case RUN_REQUEST_AVAILABILITY:
  case RUN_BUSINESS_HOURS_AVAILABILITY:
  case RUN_CAPACITY_AVAILABILITY:
  case RUN_REPORTED_AVAILABILITY:
    return g_strdup_printf("%s%.4f %%", sign, 100 * v);
  case RUN_DOWNTIME_PER_YEAR:
  case RUN_DOWNTIME_OUTSIDE_PORTAL:
  case RUN_ZERO_INSTANCE_TIME:
  case RUN_MEAN_OUTAGE:
  case RUN_MAX_OUTAGE:
  case RUN_OUTAGE_P95:
    return g_strdup_printf("%s%.2f min", sign, v / 60);
  case RUN_INSTANCE_HOURS_PER_YEAR:
    return g_strdup_printf("%s%.1f h", sign, v);
  default:
    return g_strdup_printf("%s%.2f", sign, v);
  }
}

static void
comparison_line(GString *out, const char *name, guint m, const SweepDifference *d)
{
  g_autofree char *a = format_value(m, d->a, FALSE);
  g_autofree char *b = format_value(m, d->b, FALSE);
  g_autofree char *diff = format_value(m, d->diff, TRUE);
  g_autofree char *interval = NULL;
  if (d->has_interval) {
    g_autofree char *lo = format_value(m, d->lo, TRUE);
    g_autofree char *hi = format_value(m, d->hi, TRUE);
    interval = g_strdup_printf("[%s, %s]", lo, hi);
  } else {
    interval = g_strdup("(too few replications)");
  }
  g_string_append_printf(out, "  %-42s %14s %14s %14s  %-32s %s\n", name, a, b, diff, interval,
                         sweep_verdict_name(d->verdict));
}

char *
sweep_comparison_text(const RunResult *a, const RunResult *b, const SweepComparison *c,
                      const char *label_a, const char *label_b)
{
  GString *out = g_string_new(NULL);
  g_string_append_printf(out, "A: %s\nB: %s\n", label_a, label_b);
  if (c->paired)
    g_string_append_printf(out,
                           "Paired differences per replication: A and B share seed %" G_GUINT64_FORMAT
                           " and %u replications (common random numbers).\n",
                           a->scenario->seed, a->replications);
  else
    g_string_append_printf(out,
                           "Welch's t on independent samples: A has seed %" G_GUINT64_FORMAT
                           " and %u replications, B seed %" G_GUINT64_FORMAT " and %u.\n",
                           a->scenario->seed, a->replications, b->scenario->seed,
                           b->replications);
  g_string_append(out, "B - A with its 95 % interval; a verdict when the interval excludes 0.\n\n");
  g_string_append_printf(out, "  %-42s %14s %14s %14s  %-32s %s\n", "metric", "A", "B", "B - A",
                         "95 % interval", "B is");
  for (guint m = 0; m < RUN_METRIC_COUNT; m++)
    comparison_line(out, run_metric_name(m), m, &c->metric[m]);
  for (guint c2 = 0; c2 < CAUSE_COUNT; c2++) {
    g_autofree char *name = g_strconcat("downtime_by_cause_s.", model_cause_name(c2), NULL);
    comparison_line(out, name, RUN_DOWNTIME_PER_YEAR, &c->cause[c2]);
  }
  if (c->overall == SWEEP_NO_DIFFERENCE)
    g_string_append(out, "\nOverall (availability, time up): no significant difference");
  else
    g_string_append_printf(out, "\nOverall (availability, time up): B is %s than A",
                           sweep_verdict_name(c->overall));
  g_string_append_printf(out, "; B is better on %u and worse on %u of %d metrics.\n", c->better,
                         c->worse, RUN_METRIC_COUNT);
  return g_string_free(out, FALSE);
}

char *
sweep_axes_text(const GPtrArray *axes, const char *times)
{
  GString *out = g_string_new(NULL);
  for (guint a = 0; a < axes->len; a++) {
    const ScenarioSweepAxis *axis = g_ptr_array_index(axes, a);
    if (a > 0)
      g_string_append(out, times);
    g_string_append_printf(out, "%s = ", axis->key);
    for (guint v = 0; v < axis->values->len; v++)
      g_string_append_printf(out, "%s%s", v > 0 ? ", " : "",
                             (const char *) g_ptr_array_index(axis->values, v));
  }
  return g_string_free(out, FALSE);
}
