/* compare.c: two runs compared metric by metric, B - A with its 95 % interval (paired or
 * Welch, stats.c; a bootstrap for the pooled outage figures) and a verdict, and the comparison
 * as a table for people. Not for loading the runs (store.c) or for the regression check built
 * on it (check.c). */
#include "zdsim/compare.h"

#include <string.h>

#include "zdsim/dist.h"

/* The generator of the pooled figures' bootstrap: A's seed, and a stream in a block of its
 * own (2 << 62; the model draws from block 0 and 1 << 62, a run's bootstraps from 3 << 62)
 * numbered by B's seed, so the same two runs give the same interval. */
#define COMPARE_BOOTSTRAP_STREAM(seed_b)                                                      \
  ((G_GUINT64_CONSTANT(2) << 62) | ((seed_b) & ((G_GUINT64_CONSTANT(1) << 62) - 1)))

const char *
compare_verdict_name(CompareVerdict verdict)
{
  switch (verdict) {
  case COMPARE_BETTER:
    return "better";
  case COMPARE_WORSE:
    return "worse";
  case COMPARE_NOT_JUDGED:
    return "not judged";
  case COMPARE_NO_DIFFERENCE:
  default:
    return "no significant difference";
  }
}

static CompareVerdict
verdict(const CompareDifference *d, gboolean higher_is_better)
{
  if (!d->has_interval)
    return COMPARE_NOT_JUDGED;
  if (d->lo > 0)
    return higher_is_better ? COMPARE_BETTER : COMPARE_WORSE;
  if (d->hi < 0)
    return higher_is_better ? COMPARE_WORSE : COMPARE_BETTER;
  return COMPARE_NO_DIFFERENCE;
}

/* B - A for one column (@stride values per replication, column @k) of two runs. */
static void
difference(const double *a, guint na, const double *b, guint nb, gsize stride, gsize k,
           gboolean paired, CompareDifference *out)
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
  out->method = STATS_METHOD_NONE;
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
  out->method = STATS_METHOD_T;
}

/* Draws a resample of @n replications into @weight: how often each was drawn. */
static void
resample(DistRng *rng, guint *weight, guint n)
{
  memset(weight, 0, n * sizeof *weight);
  for (guint i = 0; i < n; i++)
    weight[dist_rng_below(rng, n)]++;
}

/* B - A of the pooled outage figures, A and B as the runs report them. mean_outage_s and
 * outage_p95_s get the percentile bootstrap of the difference of the pooled statistic:
 * STATS_BOOTSTRAP_RESAMPLES resamples of the replications, the same ones for A and B when
 * paired (replication r of both drew the same streams), independent ones otherwise.
 * longest_outage_s is one maximum, whose report gives no interval: it gets none here. */
static void
pooled_differences(const RunResult *a, const RunResult *b, gboolean paired, CompareResult *out)
{
  for (guint m = 0; m < RUN_METRIC_COUNT; m++) {
    if (!run_metric_is_pooled(m))
      continue;
    CompareDifference *d = &out->metric[m];
    d->a = a->summary[m].mean;
    d->b = b->summary[m].mean;
    d->diff = d->b - d->a;
    d->lo = d->hi = d->diff;
    d->has_interval = FALSE;
    d->method = STATS_METHOD_NONE;
  }
  guint na = a->replications, nb = b->replications;
  if (na < 2 || nb < 2)
    return;
  g_autoptr(RunOutagePool) pa = run_outage_pool_new(a->outages, na);
  g_autoptr(RunOutagePool) pb = run_outage_pool_new(b->outages, nb);
  g_autofree guint *wa = g_new(guint, na);
  g_autofree guint *wb = g_new(guint, nb);
  g_autofree double *mean = g_new(double, STATS_BOOTSTRAP_RESAMPLES);
  g_autofree double *p95 = g_new(double, STATS_BOOTSTRAP_RESAMPLES);
  DistRng rng;
  dist_rng_seed(&rng, a->scenario->seed, COMPARE_BOOTSTRAP_STREAM(b->scenario->seed));
  for (guint k = 0; k < STATS_BOOTSTRAP_RESAMPLES; k++) {
    resample(&rng, wa, na);
    if (paired)
      memcpy(wb, wa, nb * sizeof *wb);
    else
      resample(&rng, wb, nb);
    RunPooledFigures fa, fb;
    run_outage_pool_figures(pa, wa, &fa);
    run_outage_pool_figures(pb, wb, &fb);
    mean[k] = fb.mean - fa.mean;
    p95[k] = fb.p95 - fa.p95;
  }
  const struct {
    RunMetric metric;
    double *stat;
  } bootstrapped[] = { { RUN_MEAN_OUTAGE, mean }, { RUN_OUTAGE_P95, p95 } };
  for (guint i = 0; i < G_N_ELEMENTS(bootstrapped); i++) {
    CompareDifference *d = &out->metric[bootstrapped[i].metric];
    stats_percentile_interval(bootstrapped[i].stat, STATS_BOOTSTRAP_RESAMPLES, &d->lo, &d->hi);
    d->has_interval = TRUE;
    d->method = STATS_METHOD_BOOTSTRAP;
  }
}

void
compare_runs(const RunResult *a, const RunResult *b, CompareResult *out)
{
  memset(out, 0, sizeof *out);
  out->paired = a->scenario->seed == b->scenario->seed && a->replications == b->replications;
  pooled_differences(a, b, out->paired, out);
  for (guint m = 0; m < RUN_METRIC_COUNT; m++) {
    CompareDifference *d = &out->metric[m];
    if (!run_metric_is_pooled(m))
      difference(a->values, a->replications, b->values, b->replications, RUN_METRIC_COUNT, m,
                 out->paired, d);
    d->verdict = verdict(d, run_metric_higher_is_better(m));
    out->better += d->verdict == COMPARE_BETTER;
    out->judged += d->has_interval;
    out->worse += d->verdict == COMPARE_WORSE;
  }
  for (guint c = 0; c < CAUSE_COUNT; c++) {
    CompareDifference *d = &out->cause[c];
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
  case RUN_BUSINESS_HOURS_DOWNTIME:
  case RUN_MEAN_OUTAGE:
  case RUN_LONGEST_OUTAGE:
  case RUN_YEARLY_LONGEST_OUTAGE:
  case RUN_OUTAGE_P95:
    return g_strdup_printf("%s%.2f min", sign, v / 60);
  case RUN_INSTANCE_HOURS_PER_YEAR:
    return g_strdup_printf("%s%.1f h", sign, v);
  default:
    return g_strdup_printf("%s%.2f", sign, v);
  }
}

static void
comparison_line(GString *out, const char *name, guint m, const CompareDifference *d)
{
  g_autofree char *a = format_value(m, d->a, FALSE);
  g_autofree char *b = format_value(m, d->b, FALSE);
  g_autofree char *diff = format_value(m, d->diff, TRUE);
  g_autofree char *interval = NULL;
  if (d->has_interval) {
    g_autofree char *lo = format_value(m, d->lo, TRUE);
    g_autofree char *hi = format_value(m, d->hi, TRUE);
    interval = g_strdup_printf("[%s, %s]", lo, hi);
  } else if (m == RUN_LONGEST_OUTAGE) {
    interval = g_strdup("(none: the longest outage)");
  } else {
    interval = g_strdup("(too few replications)");
  }
  g_string_append_printf(out, "  %-42s %14s %14s %14s  %-32s %s\n", name, a, b, diff, interval,
                         compare_verdict_name(d->verdict));
}

char *
compare_text(const RunResult *a, const RunResult *b, const CompareResult *c,
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
  g_string_append(out, "B - A with its 95 % interval; a verdict when the interval excludes 0.\n");
  g_string_append_printf(out,
                         "mean_outage_s, outage_p95_s and longest_outage_s are each run's figures "
                         "pooled over all its\noutages, as its report shows them. The mean and "
                         "p95 have a bootstrap interval over\nreplications%s; the longest of all "
                         "outages has no interval and no verdict.\n\n",
                         c->paired ? " (resampled alike in A and B)" : "");
  g_string_append_printf(out, "  %-42s %14s %14s %14s  %-32s %s\n", "metric", "A", "B", "B - A",
                         "95 % interval", "B is");
  for (guint m = 0; m < RUN_METRIC_COUNT; m++)
    comparison_line(out, run_metric_name(m), m, &c->metric[m]);
  for (guint c2 = 0; c2 < CAUSE_COUNT; c2++) {
    g_autofree char *name = g_strconcat("downtime_by_cause_s.", model_cause_name(c2), NULL);
    comparison_line(out, name, RUN_DOWNTIME_PER_YEAR, &c->cause[c2]);
  }
  if (c->overall == COMPARE_BETTER || c->overall == COMPARE_WORSE)
    g_string_append_printf(out, "\nOverall (availability, time up): B is %s than A",
                           compare_verdict_name(c->overall));
  else
    g_string_append_printf(out, "\nOverall (availability, time up): %s",
                           compare_verdict_name(c->overall));
  g_string_append_printf(out, "; B is better on %u and worse on %u of %u metrics judged.\n",
                         c->better, c->worse, c->judged);
  return g_string_free(out, FALSE);
}
