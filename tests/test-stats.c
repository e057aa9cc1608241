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
  return g_test_run();
}
