/* stats.h: statistics over independent replications: mean, standard deviation and the 95 %
 * Student-t confidence interval of the mean, and the 95 % interval of a difference of two
 * means (paired, or Welch's for independent samples). Not for anything the model measures
 * (metrics.h) or for judging runs against each other (compare.h, recommend.h). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  double mean;
  double sd;   /* sample standard deviation (n - 1); 0 when n < 2 */
  double lo;   /* 95 % interval of the mean: mean -/+ t(0.975, n - 1) sd / sqrt(n) */
  double hi;   /* equal to the mean when n < 2 */
  guint n;
} StatsSummary;

/* Summarises @n values (n >= 1); a two-pass mean and variance, so it is exact for equal
 * values. */
void stats_summarize(const double *values, guint n, StatsSummary *out);

/* The 0.975 quantile of Student's t with @df >= 1 degrees of freedom. */
double stats_t975(guint df);

/* A difference of two means, B - A, with its 95 % interval. */
typedef struct {
  double diff;   /* mean(B) - mean(A); for pairs, the mean of the differences (the same up to
                    rounding) */
  double lo, hi; /* diff -/+ t(0.975, df) * standard error; equal to diff with no spread */
  double df;     /* the degrees of freedom: n - 1 for pairs, the Welch-Satterthwaite value
                    (not rounded) for Welch; 0 when there is no spread */
} StatsDifference;

/* The paired interval of B - A: the @n >= 2 differences b[i] - a[i] summarised as by
 * stats_summarize(), so Student t with n - 1 degrees of freedom. For samples that drew the
 * same random numbers pair by pair (common random numbers), whose differences vary far less
 * than either sample. */
void stats_paired_interval(const double *a, const double *b, guint n, StatsDifference *out);

/* Welch's interval of B - A for independent samples with unequal variances, from their
 * summaries (each n >= 2): standard error sqrt(sd_a^2 / n_a + sd_b^2 / n_b), Welch-Satterthwaite
 * degrees of freedom rounded down for the t quantile (the wider, conservative interval).
 * With no spread in either sample the difference is exact: lo = hi = diff, df = 0. */
void stats_welch_interval(const StatsSummary *a, const StatsSummary *b, StatsDifference *out);

/* "Nines" of an availability: -log10(1 - a); +inf at 1. */
double stats_nines(double availability);

/* The nearest-rank p-quantile (0 < p <= 1) of @n sorted values; 0 when n == 0. */
double stats_quantile_sorted(const double *sorted, guint n, double p);

G_END_DECLS
