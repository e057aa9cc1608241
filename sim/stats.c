/* stats.c: mean, standard deviation and Student-t intervals over replications, the bootstrap
 * and ratio intervals that keep a figure inside its range, and the intervals of a difference
 * of means (paired and Welch). Not for per-replication measurement (metrics.c) or for verdicts
 * on runs (compare.c). */
#include "zdsim/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "zdsim/dist.h"

static const char *const method_names[STATS_METHOD_COUNT] = {
  [STATS_METHOD_T] = "t",
  [STATS_METHOD_BOOTSTRAP] = "bootstrap",
  [STATS_METHOD_RATIO] = "ratio",
  [STATS_METHOD_NONE] = "none",
};

const char *
stats_method_name(StatsMethod method)
{
  g_assert(method < STATS_METHOD_COUNT);
  return method_names[method];
}

int
stats_method_lookup(const char *name)
{
  for (int m = 0; m < STATS_METHOD_COUNT; m++)
    if (g_strcmp0(method_names[m], name) == 0)
      return m;
  return -1;
}

/* t(0.975, df) for df = 1..30, from the standard tables (e.g. NIST/SEMATECH e-Handbook,
 * table 1.3.6.7.2). */
static const double t975_table[30] = {
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
  2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
  2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
};

double
stats_t975(guint df)
{
  g_assert(df >= 1);
  if (df <= G_N_ELEMENTS(t975_table))
    return t975_table[df - 1];
  /* Cornish-Fisher expansion of t in powers of 1/df around z = 1.959964 (Abramowitz and
   * Stegun 26.7.5); its error above df = 30 is below 1e-5. */
  double z = 1.959963984540054, v = df;
  double z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z;
  return z + (z3 + z) / (4 * v) + (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v) +
         (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * v * v * v);
}

void
stats_summarize(const double *values, guint n, StatsSummary *out)
{
  g_assert(n >= 1);
  double sum = 0;
  for (guint i = 0; i < n; i++)
    sum += values[i];
  double mean = sum / n;
  double ss = 0;
  for (guint i = 0; i < n; i++)
    ss += (values[i] - mean) * (values[i] - mean);
  out->n = n;
  out->mean = mean;
  out->sd = n > 1 ? sqrt(ss / (n - 1)) : 0.0;
  double half = n > 1 ? stats_t975(n - 1) * out->sd / sqrt((double) n) : 0.0;
  out->lo = mean - half;
  out->hi = mean + half;
  out->method = STATS_METHOD_T;
}

static int
double_cmp(gconstpointer pa, gconstpointer pb)
{
  double a = *(const double *) pa, b = *(const double *) pb;
  return a < b ? -1 : (a > b);
}

void
stats_percentile_interval(double *stat, guint b, double *lo, double *hi)
{
  g_assert(b >= 1);
  qsort(stat, b, sizeof(double), double_cmp);
  *lo = stats_quantile_sorted(stat, b, 0.025);
  *hi = stats_quantile_sorted(stat, b, 0.975);
}

void
stats_bootstrap_mean(const double *values, guint n, guint64 seed, guint64 stream, double *lo,
                     double *hi)
{
  g_assert(n >= 1);
  DistRng rng;
  dist_rng_seed(&rng, seed, stream);
  g_autofree double *stat = g_new(double, STATS_BOOTSTRAP_RESAMPLES);
  for (guint b = 0; b < STATS_BOOTSTRAP_RESAMPLES; b++) {
    double sum = 0;
    for (guint i = 0; i < n; i++)
      sum += values[dist_rng_below(&rng, n)];
    stat[b] = sum / n;
  }
  stats_percentile_interval(stat, STATS_BOOTSTRAP_RESAMPLES, lo, hi);
}

void
stats_summarize_bounded(const double *values, guint n, double min, double max, guint64 seed,
                        guint64 stream, StatsSummary *out)
{
  stats_summarize(values, n, out);
  /* Written so that NaN (a value an older database did not store) stays as it is. */
  if (!(out->lo < min) && !(out->hi > max))
    return;
  stats_bootstrap_mean(values, n, seed, stream, &out->lo, &out->hi);
  out->method = STATS_METHOD_BOOTSTRAP;
}

void
stats_summarize_ratio(const double *num, const double *den, guint n, double min, double max,
                      guint64 seed, guint64 stream, StatsSummary *out)
{
  g_assert(n >= 1);
  double sum_num = 0, sum_den = 0;
  for (guint i = 0; i < n; i++) {
    sum_num += num[i];
    sum_den += den[i];
  }
  double r = sum_den > 0 ? sum_num / sum_den : 0.0;
  *out = (StatsSummary) { .mean = r, .sd = 0, .lo = r, .hi = r, .n = n,
                          .method = STATS_METHOD_RATIO };
  if (n < 2 || !(sum_den > 0))
    return; /* one replication, or nothing to pool: no spread to speak of */
  double ss = 0;
  for (guint i = 0; i < n; i++)
    ss += (num[i] - r * den[i]) * (num[i] - r * den[i]);
  double se = sqrt(ss / ((double) n * (n - 1))) / (sum_den / n);
  out->sd = se * sqrt((double) n);
  out->lo = r - stats_t975(n - 1) * se;
  out->hi = r + stats_t975(n - 1) * se;
  if (out->lo >= min && out->hi <= max)
    return;
  DistRng rng;
  dist_rng_seed(&rng, seed, stream);
  g_autofree double *stat = g_new(double, STATS_BOOTSTRAP_RESAMPLES);
  for (guint b = 0; b < STATS_BOOTSTRAP_RESAMPLES; b++) {
    double sn = 0, sd = 0;
    for (guint i = 0; i < n; i++) {
      guint64 k = dist_rng_below(&rng, n);
      sn += num[k];
      sd += den[k];
    }
    stat[b] = sd > 0 ? sn / sd : 0.0;
  }
  stats_percentile_interval(stat, STATS_BOOTSTRAP_RESAMPLES, &out->lo, &out->hi);
  out->method = STATS_METHOD_BOOTSTRAP;
}

double
stats_quantile_weighted(const double *sorted, const guint *group, gsize total,
                        const guint *weight, guint64 total_weight, double p)
{
  if (total_weight == 0)
    return 0.0;
  /* Walked down from the largest value: the quantile of rank k = ceil(p W) is the first
   * value from the top where the weight seen reaches W - k + 1. */
  guint64 rank = (guint64) ceil(p * (double) total_weight);
  rank = CLAMP(rank, G_GUINT64_CONSTANT(1), total_weight);
  guint64 need = total_weight - rank + 1, seen = 0;
  for (gsize i = total; i-- > 0;) {
    seen += weight[group[i]];
    if (seen >= need)
      return sorted[i];
  }
  g_assert_not_reached();
}

void
stats_summarize_pooled_quantile(const double *sorted, const guint *group, gsize total, guint n,
                                double p, guint64 seed, guint64 stream, StatsSummary *out)
{
  g_assert(n >= 1);
  double q = total > 0 ? stats_quantile_sorted(sorted, (guint) total, p) : 0.0;
  *out = (StatsSummary) { .mean = q, .sd = 0, .lo = q, .hi = q, .n = n,
                          .method = STATS_METHOD_NONE };
  if (n < 2 || total == 0)
    return;
  g_autofree guint *count = g_new0(guint, n);
  for (gsize i = 0; i < total; i++)
    count[group[i]]++;
  g_autofree guint *weight = g_new(guint, n);
  g_autofree double *stat = g_new(double, STATS_BOOTSTRAP_RESAMPLES);
  DistRng rng;
  dist_rng_seed(&rng, seed, stream);
  double sum = 0;
  for (guint b = 0; b < STATS_BOOTSTRAP_RESAMPLES; b++) {
    memset(weight, 0, n * sizeof(guint));
    guint64 w = 0;
    for (guint i = 0; i < n; i++) {
      guint64 k = dist_rng_below(&rng, n);
      weight[k]++;
      w += count[k];
    }
    /* A resample of replications without values pools nothing: its quantile is 0, as a run
     * without outages reports. */
    stat[b] = stats_quantile_weighted(sorted, group, total, weight, w, p);
    sum += stat[b];
  }
  double mean = sum / STATS_BOOTSTRAP_RESAMPLES, ss = 0;
  for (guint b = 0; b < STATS_BOOTSTRAP_RESAMPLES; b++)
    ss += (stat[b] - mean) * (stat[b] - mean);
  out->sd = sqrt(ss / (STATS_BOOTSTRAP_RESAMPLES - 1)) * sqrt((double) n);
  stats_percentile_interval(stat, STATS_BOOTSTRAP_RESAMPLES, &out->lo, &out->hi);
  out->method = STATS_METHOD_BOOTSTRAP;
}

void
stats_paired_interval(const double *a, const double *b, guint n, StatsDifference *out)
{
  g_assert(n >= 2);
  g_autofree double *d = g_new(double, n);
  for (guint i = 0; i < n; i++)
    d[i] = b[i] - a[i];
  StatsSummary s;
  stats_summarize(d, n, &s);
  out->diff = s.mean;
  out->lo = s.lo;
  out->hi = s.hi;
  out->df = n - 1;
}

void
stats_welch_interval(const StatsSummary *a, const StatsSummary *b, StatsDifference *out)
{
  g_assert(a->n >= 2 && b->n >= 2);
  out->diff = b->mean - a->mean;
  out->lo = out->hi = out->diff;
  out->df = 0;
  double va = a->sd * a->sd / a->n, vb = b->sd * b->sd / b->n;
  double se = sqrt(va + vb);
  if (!(se > 0))
    return; /* no spread at all: the difference is exact */
  out->df = (va + vb) * (va + vb) / (va * va / (a->n - 1) + vb * vb / (b->n - 1));
  double t = stats_t975((guint) MAX(1.0, floor(out->df)));
  out->lo = out->diff - t * se;
  out->hi = out->diff + t * se;
}

double
stats_nines(double availability)
{
  return availability >= 1.0 ? INFINITY : -log10(1.0 - availability);
}

double
stats_quantile_sorted(const double *sorted, guint n, double p)
{
  if (n == 0)
    return 0.0;
  guint rank = (guint) ceil(p * n);
  return sorted[CLAMP(rank, 1u, n) - 1];
}
