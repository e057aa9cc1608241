/* stats.c: mean, standard deviation and Student-t intervals over replications, and the
 * intervals of a difference of means (paired and Welch). Not for per-replication measurement
 * (metrics.c) or for verdicts on runs (compare.c). */
#include "zdsim/stats.h"

#include <math.h>

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
