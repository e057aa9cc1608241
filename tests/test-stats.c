/* test-stats.c: the statistics over replications (sim/stats.c) on samples small enough to work
 * out by hand: mean, standard deviation and the Student-t interval, the t quantiles, nines and
 * quantiles, and the paired and Welch intervals of a difference. Every expected value is
 * written as the formula it comes from. */
#include <math.h>
#include <string.h>

#include "zdsim/stats.h"

/* Exact equality of doubles without ==, which -Wfloat-equal forbids. */
static gboolean
same_double(double a, double b)
{
  return memcmp(&a, &b, sizeof a) == 0;
}

/* {1, 2, 3, 4, 5}: mean 15 / 5 = 3; squared deviations 4 + 1 + 0 + 1 + 4 = 10, so the
 * variance is 10 / 4 = 2.5 and sd = sqrt(2.5); the half-width is t(0.975, 4) sd / sqrt(5) =
 * 2.776 * sqrt(2.5 / 5) = 2.776 * sqrt(0.5). {7}: one value, no spread. {0.25, 0.25, 0.25}:
 * equal values whose sum is exact, so the mean is exact and the variance exactly 0. */
static void
test_summarize(void)
{
  const struct {
    double values[5];
    guint n;
    double mean, sd, half;
  } cases[] = {
    { { 1, 2, 3, 4, 5 }, 5, 3.0, sqrt(2.5), 2.776 * sqrt(2.5 / 5) },
    /* mean 19 / 5 = 3.8; squared deviations 3.24 + 3 * 0.04 + 1.44 = 4.8, variance 1.2 */
    { { 2, 4, 4, 4, 5 }, 5, 3.8, sqrt(1.2), 2.776 * sqrt(1.2 / 5) },
    { { 7 }, 1, 7.0, 0.0, 0.0 },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    StatsSummary s;
    stats_summarize(cases[i].values, cases[i].n, &s);
    g_assert_cmpuint(s.n, ==, cases[i].n);
    g_assert_cmpfloat_with_epsilon(s.mean, cases[i].mean, 1e-12);
    g_assert_cmpfloat_with_epsilon(s.sd, cases[i].sd, 1e-12);
    g_assert_cmpfloat_with_epsilon(s.lo, cases[i].mean - cases[i].half, 1e-12);
    g_assert_cmpfloat_with_epsilon(s.hi, cases[i].mean + cases[i].half, 1e-12);
  }
  /* Equal values: the deviations are exactly 0, so the interval is the mean itself. */
  const double same[] = { 0.25, 0.25, 0.25 };
  StatsSummary s;
  stats_summarize(same, G_N_ELEMENTS(same), &s);
  g_assert_true(same_double(s.sd, 0.0));
  g_assert_true(same_double(s.lo, s.mean) && same_double(s.hi, s.mean));
}

/* The table's ends (NIST/SEMATECH 1.3.6.7.2: t(0.975, 1) = 12.706, t(0.975, 30) = 2.042) and
 * the expansion above it against the same table's 40, 60 and 100 rows (2.021, 2.000, 1.984),
 * within the table's three decimals; for large df it tends to z(0.975) = 1.959964. */
static void
test_t975(void)
{
  static const struct {
    guint df;
    double t, tolerance;
  } cases[] = {
    { 1, 12.706, 1e-12 }, { 2, 4.303, 1e-12 },  { 4, 2.776, 1e-12 },  { 30, 2.042, 1e-12 },
    { 40, 2.021, 5e-4 },  { 60, 2.000, 5e-4 },  { 100, 1.984, 5e-4 }, { 1000000, 1.959964, 1e-5 },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
    g_assert_cmpfloat_with_epsilon(stats_t975(cases[i].df), cases[i].t, cases[i].tolerance);
  /* Falls with df across the table's end. */
  g_assert_cmpfloat(stats_t975(31), <, stats_t975(30));
}

/* nines(a) = -log10(1 - a): 0.9 is one nine, 0.999 three; 1 has infinitely many. */
static void
test_nines(void)
{
  g_assert_cmpfloat_with_epsilon(stats_nines(0.9), 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon(stats_nines(0.999), 3.0, 1e-9);
  g_assert_cmpfloat_with_epsilon(stats_nines(0.0), 0.0, 1e-12);
  g_assert_true(isinf(stats_nines(1.0)));
}

/* Nearest rank: the ceil(p n)-th smallest of n values, at least the first. */
static void
test_quantile(void)
{
  const double sorted[] = { 10, 20, 30, 40, 50 };
  static const struct {
    double p, want;
  } cases[] = {
    { 0.01, 10 }, /* ceil(0.05) = 1 */
    { 0.2, 10 },  /* ceil(1) = 1 */
    { 0.21, 20 }, /* ceil(1.05) = 2 */
    { 0.5, 30 },  /* ceil(2.5) = 3 */
    { 0.95, 50 }, /* ceil(4.75) = 5 */
    { 1.0, 50 },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
    g_assert_cmpfloat_with_epsilon(stats_quantile_sorted(sorted, 5, cases[i].p), cases[i].want,
                                   1e-12);
  g_assert_cmpfloat_with_epsilon(stats_quantile_sorted(NULL, 0, 0.5), 0.0, 1e-12);
}

/* A = {10, 20, 30}, B = {11, 22, 33}: the differences are {1, 2, 3}, mean 2 and sd 1, so the
 * paired interval is 2 -/+ t(0.975, 2) / sqrt(3) = 2 -/+ 4.303 / sqrt(3) with 2 degrees of
 * freedom, although each sample alone has sd 10. Equal pairs: an exact difference of 0. */
static void
test_paired(void)
{
  const double a[] = { 10, 20, 30 }, b[] = { 11, 22, 33 };
  StatsDifference d;
  stats_paired_interval(a, b, 3, &d);
  double half = 4.303 / sqrt(3.0);
  g_assert_cmpfloat_with_epsilon(d.diff, 2.0, 1e-12);
  g_assert_cmpfloat_with_epsilon(d.lo, 2.0 - half, 1e-12);
  g_assert_cmpfloat_with_epsilon(d.hi, 2.0 + half, 1e-12);
  g_assert_cmpfloat_with_epsilon(d.df, 2.0, 1e-12);

  stats_paired_interval(a, a, 3, &d);
  g_assert_true(same_double(d.diff, 0.0) && same_double(d.lo, 0.0) && same_double(d.hi, 0.0));
}

/* A = {1, 2, 3, 4, 5}: mean 3, variance 2.5, n 5; B = {10, 12, 14}: mean 12, variance 4, n 3.
 * va = 2.5 / 5 = 1/2 and vb = 4 / 3, so se = sqrt(1/2 + 4/3) = sqrt(11/6) and the
 * Welch-Satterthwaite df = (va + vb)^2 / (va^2 / 4 + vb^2 / 2) = (121/36) / (1/16 + 8/9)
 * = (121/36) / (137/144) = 484/137 = 3.53; rounded down to 3, t(0.975, 3) = 3.182. The interval
 * is 9 -/+ 3.182 sqrt(11/6). Equal variances and sizes (both sd 1, n 5): df = 2 (n - 1) = 8.
 * No spread at all: the difference is exact and df 0. */
static void
test_welch(void)
{
  const double xa[] = { 1, 2, 3, 4, 5 }, xb[] = { 10, 12, 14 };
  StatsSummary sa, sb;
  stats_summarize(xa, G_N_ELEMENTS(xa), &sa);
  stats_summarize(xb, G_N_ELEMENTS(xb), &sb);
  StatsDifference d;
  stats_welch_interval(&sa, &sb, &d);
  double half = 3.182 * sqrt(11.0 / 6.0);
  g_assert_cmpfloat_with_epsilon(d.diff, 9.0, 1e-12);
  g_assert_cmpfloat_with_epsilon(d.df, 484.0 / 137.0, 1e-12);
  g_assert_cmpfloat_with_epsilon(d.lo, 9.0 - half, 1e-12);
  g_assert_cmpfloat_with_epsilon(d.hi, 9.0 + half, 1e-12);

  StatsSummary ea = { .mean = 0, .sd = 1, .n = 5 }, eb = { .mean = 1, .sd = 1, .n = 5 };
  stats_welch_interval(&ea, &eb, &d);
  g_assert_cmpfloat_with_epsilon(d.df, 8.0, 1e-12);
  /* se = sqrt(1/5 + 1/5) */
  g_assert_cmpfloat_with_epsilon(d.hi - d.diff, 2.306 * sqrt(0.4), 1e-12);

  const double flat[] = { 0.5, 0.5 }, flat2[] = { 0.75, 0.75 };
  stats_summarize(flat, 2, &sa);
  stats_summarize(flat2, 2, &sb);
  stats_welch_interval(&sa, &sb, &d);
  g_assert_true(same_double(d.diff, 0.25) && same_double(d.lo, 0.25) &&
                same_double(d.hi, 0.25) && same_double(d.df, 0.0));
}

/* An availability sampled as {0, 0, 0, 1}: mean 1/4, sd 1/2, and the t interval
 * 1/4 -/+ t(0.975, 3) (1/2) / sqrt(4) = 0.25 -/+ 3.182 / 4 = [-0.5455, 1.0455] leaves [0, 1]
 * at both ends, so the bounded summary is the percentile bootstrap. A resample's mean is k / 4
 * with k ~ Binomial(4, 1/4) ones: P(k = 0) = (3/4)^4 = 0.316 >= 0.025, so the 2.5 % point is
 * 0; P(k <= 2) = 0.949 < 0.975 <= P(k <= 3) = 0.996, so the 97.5 % point is 3/4. With 2000
 * resamples the counts sit many standard deviations away from those thresholds (about 632
 * zeros against the 50 that would move the lower end; about 1898 at or below 1/2 against
 * 1950), so the interval is [0, 0.75] for any seed. The same seed and stream give the same
 * interval bit for bit; values already inside their range keep the t interval. */
static void
test_bootstrap(void)
{
  const double sample[] = { 0, 0, 0, 1 };
  StatsSummary t;
  stats_summarize(sample, 4, &t);
  g_assert_cmpfloat_with_epsilon(t.lo, 0.25 - 3.182 / 4, 1e-12);
  g_assert_cmpfloat(t.lo, <, 0.0);
  g_assert_cmpint(t.method, ==, STATS_METHOD_T);

  const guint64 seeds[] = { 1, 42, G_MAXUINT64 };
  for (guint i = 0; i < G_N_ELEMENTS(seeds); i++) {
    StatsSummary b, again;
    stats_summarize_bounded(sample, 4, 0.0, 1.0, seeds[i], 7, &b);
    g_assert_cmpint(b.method, ==, STATS_METHOD_BOOTSTRAP);
    g_assert_cmpstr(stats_method_name(b.method), ==, "bootstrap");
    /* The mean and sd are the plain ones; only the interval changes. */
    g_assert_true(same_double(b.mean, t.mean) && same_double(b.sd, t.sd));
    g_assert_true(same_double(b.lo, 0.0));
    g_assert_true(same_double(b.hi, 0.75));
    stats_summarize_bounded(sample, 4, 0.0, 1.0, seeds[i], 7, &again);
    g_assert_true(same_double(again.lo, b.lo) && same_double(again.hi, b.hi));
  }

  /* A wider sample whose interval is not pinned by a few atoms: reproducible for one seed
   * and stream, inside [min, max] of the values, and a different stream draws differently. */
  double wide[50];
  for (guint i = 0; i < G_N_ELEMENTS(wide); i++)
    wide[i] = (i % 10 == 0) ? 1.0 : 0.0; /* five ones: mean 0.1 */
  double lo1, hi1, lo2, hi2, lo3, hi3;
  stats_bootstrap_mean(wide, 50, 3, 1, &lo1, &hi1);
  stats_bootstrap_mean(wide, 50, 3, 1, &lo2, &hi2);
  stats_bootstrap_mean(wide, 50, 3, 2, &lo3, &hi3);
  g_assert_true(same_double(lo1, lo2) && same_double(hi1, hi2));
  g_assert_cmpfloat(lo1, >=, 0.0);
  g_assert_cmpfloat(hi1, <=, 1.0);
  g_assert_cmpfloat(lo1, <, 0.1);
  g_assert_cmpfloat(hi1, >, 0.1);
  g_test_message("stream 1 [%g, %g], stream 2 [%g, %g]", lo1, hi1, lo3, hi3);

  /* {1, 2, 3, 4, 5} in [0, 10]: the t interval 3 -/+ 2.776 sqrt(0.5) = [1.04, 4.96] stays
   * inside, so it is kept. */
  const double inside[] = { 1, 2, 3, 4, 5 };
  StatsSummary k;
  stats_summarize_bounded(inside, 5, 0.0, 10.0, 1, 1, &k);
  g_assert_cmpint(k.method, ==, STATS_METHOD_T);
  g_assert_cmpfloat_with_epsilon(k.lo, 3 - 2.776 * sqrt(0.5), 1e-12);
  g_assert_cmpfloat_with_epsilon(k.hi, 3 + 2.776 * sqrt(0.5), 1e-12);

  /* The method names round-trip. */
  for (int m = 0; m < STATS_METHOD_COUNT; m++)
    g_assert_cmpint(stats_method_lookup(stats_method_name((StatsMethod) m)), ==, m);
  g_assert_cmpint(stats_method_lookup("z"), ==, -1);
}

/* The ratio estimator R = sum(num) / sum(den), se = sqrt(sum((num_i - R den_i)^2) /
 * (n (n - 1))) / mean(den).
 * - num {10, 30, 20, 20}, den {1, 1, 1, 1}: R = 80 / 4 = 20; residuals -10, 10, 0, 0, so
 *   se = sqrt(200 / 12) / 1 and the interval 20 -/+ t(0.975, 3) sqrt(200 / 12) =
 *   20 -/+ 3.182 * 4.0825 = [7.01, 32.99], inside [0, inf): method "ratio", sd = se sqrt(4)
 *   (with equal denominators it is the t interval of the num values themselves).
 * - Outage time and count of three replications, one outage of 10 s, one of 30 s, none:
 *   num {10, 30, 0}, den {1, 1, 0}: R = 40 / 2 = 20 s; residuals -10, 10, 0, se =
 *   sqrt(200 / 6) / (2 / 3) = 8.660, and 20 - t(0.975, 2) 8.660 = 20 - 4.303 * 8.660 < 0:
 *   the bootstrap. A resample of only the third replication pools nothing (R = 0), with
 *   probability (1/3)^3 = 0.037 >= 0.025, so the lower end is 0; a resample of the second
 *   and third only, with the second at least once, gives R = 30 with probability
 *   (2/3)^3 - (1/3)^3 = 7/27 = 0.26 >= 0.025, and none is larger, so the upper end is 30.
 * - Nothing to pool (den all 0): R = 0, lo = hi = 0. */
static void
test_ratio(void)
{
  const double num[] = { 10, 30, 20, 20 }, den[] = { 1, 1, 1, 1 };
  StatsSummary r;
  stats_summarize_ratio(num, den, 4, 0.0, INFINITY, 5, 1, &r);
  double se = sqrt(200.0 / 12.0);
  g_assert_cmpint(r.method, ==, STATS_METHOD_RATIO);
  g_assert_cmpfloat_with_epsilon(r.mean, 20.0, 1e-12);
  g_assert_cmpfloat_with_epsilon(r.sd, se * 2.0, 1e-12);
  g_assert_cmpfloat_with_epsilon(r.lo, 20.0 - 3.182 * se, 1e-12);
  g_assert_cmpfloat_with_epsilon(r.hi, 20.0 + 3.182 * se, 1e-12);
  StatsSummary t;
  stats_summarize(num, 4, &t);
  g_assert_cmpfloat_with_epsilon(r.lo, t.lo, 1e-12);

  const double time[] = { 10, 30, 0 }, count[] = { 1, 1, 0 };
  stats_summarize_ratio(time, count, 3, 0.0, INFINITY, 5, 1, &r);
  g_assert_cmpfloat_with_epsilon(r.mean, 20.0, 1e-12);
  g_assert_cmpfloat_with_epsilon(r.sd / sqrt(3.0), sqrt(200.0 / 6.0) * 1.5, 1e-12);
  g_assert_cmpint(r.method, ==, STATS_METHOD_BOOTSTRAP);
  g_assert_true(same_double(r.lo, 0.0));
  g_assert_true(same_double(r.hi, 30.0));

  const double none[] = { 0, 0, 0 };
  stats_summarize_ratio(none, none, 3, 0.0, INFINITY, 5, 1, &r);
  g_assert_true(same_double(r.mean, 0.0) && same_double(r.lo, 0.0) && same_double(r.hi, 0.0));
}

/* The pooled p95 of outages of 10 s (replication 0) and 30 s (replication 1), and none in
 * replication 2: nearest rank ceil(0.95 * 2) = 2 of {10, 30}, so 30 s. Resampling the
 * replications: with replication 1 drawn the top value 30 is the rank-ceil(0.95 W) value
 * (W the resample's outages); without it but with replication 0, 10; with only replication 2,
 * nothing (0). P(only replication 2) = (1/3)^3 = 0.037 >= 0.025, so the lower end is 0;
 * P(replication 1 drawn) = 1 - (2/3)^3 = 0.70, so the upper end is 30. Twenty outages
 * {1, ..., 20} all in replication 0: rank ceil(0.95 * 20) = 19, so 19; a resample drawing
 * replication 0 k >= 1 times pools k copies of each, and rank ceil(0.95 * 20 k) = 19 k is a
 * copy of 19. */
static void
test_pooled_quantile(void)
{
  const double sorted[] = { 10, 30 };
  const guint group[] = { 0, 1 };
  StatsSummary q;
  stats_summarize_pooled_quantile(sorted, group, 2, 3, 0.95, 9, 1, &q);
  g_assert_true(same_double(q.mean, 30.0));
  g_assert_cmpint(q.method, ==, STATS_METHOD_BOOTSTRAP);
  g_assert_true(same_double(q.lo, 0.0));
  g_assert_true(same_double(q.hi, 30.0));

  double twenty[20];
  guint zero[20] = { 0 };
  for (guint i = 0; i < 20; i++)
    twenty[i] = i + 1;
  stats_summarize_pooled_quantile(twenty, zero, 20, 3, 0.95, 9, 1, &q);
  g_assert_true(same_double(q.mean, 19.0));
  /* Replications 1 and 2 have no outages: a resample that draws replication 0 at least once
   * gives 19, one that does not gives 0 (probability (2/3)^3 = 0.30). */
  g_assert_true(same_double(q.hi, 19.0));
  g_assert_true(same_double(q.lo, 0.0));
  stats_summarize_pooled_quantile(twenty, zero, 20, 1, 0.95, 9, 1, &q);
  g_assert_cmpint(q.method, ==, STATS_METHOD_NONE);
  g_assert_true(same_double(q.lo, 19.0) && same_double(q.hi, 19.0));

  stats_summarize_pooled_quantile(NULL, NULL, 0, 3, 0.95, 9, 1, &q);
  g_assert_true(same_double(q.mean, 0.0) && same_double(q.lo, 0.0) && same_double(q.hi, 0.0));
}

/* The weighted pooled quantile of {10, 20, 30, 40} with 10 and 30 in replication 0, 20 and 40
 * in replication 1. Weights {1, 1} pool all four once: nearest rank ceil(0.5 * 4) = 2 is 20,
 * ceil(0.95 * 4) = 4 is 40. Weights {2, 0} pool {10, 10, 30, 30}: rank 2 is 10, rank
 * ceil(0.95 * 4) = 4 is 30, rank ceil(0.75 * 4) = 3 is 30. Weights {0, 3} pool three copies of
 * {20, 40}: rank ceil(0.5 * 6) = 3 is 20, rank 4 (p = 0.6: ceil(3.6)) is 40. Weights {0, 0}
 * pool nothing: 0. */
static void
test_quantile_weighted(void)
{
  const double sorted[] = { 10, 20, 30, 40 };
  const guint group[] = { 0, 1, 0, 1 };
  const struct {
    guint weight[2];
    double p, expected;
  } cases[] = {
    { { 1, 1 }, 0.5, 20 }, { { 1, 1 }, 0.95, 40 }, { { 2, 0 }, 0.5, 10 },
    { { 2, 0 }, 0.95, 30 }, { { 2, 0 }, 0.75, 30 }, { { 0, 3 }, 0.5, 20 },
    { { 0, 3 }, 0.6, 40 }, { { 0, 0 }, 0.95, 0 },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    guint64 w = 0;
    for (guint k = 0; k < G_N_ELEMENTS(sorted); k++)
      w += cases[i].weight[group[k]];
    double q = stats_quantile_weighted(sorted, group, G_N_ELEMENTS(sorted), cases[i].weight, w,
                                       cases[i].p);
    g_assert_true(same_double(q, cases[i].expected));
  }
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/zdsim/stats/summarize", test_summarize);
  g_test_add_func("/zdsim/stats/t975", test_t975);
  g_test_add_func("/zdsim/stats/nines", test_nines);
  g_test_add_func("/zdsim/stats/quantile", test_quantile);
  g_test_add_func("/zdsim/stats/paired", test_paired);
  g_test_add_func("/zdsim/stats/welch", test_welch);
  g_test_add_func("/zdsim/stats/bootstrap", test_bootstrap);
  g_test_add_func("/zdsim/stats/ratio", test_ratio);
  g_test_add_func("/zdsim/stats/pooled-quantile", test_pooled_quantile);
  g_test_add_func("/zdsim/stats/quantile-weighted", test_quantile_weighted);
  return g_test_run();
}
