/* stats.h: statistics over independent replications: mean, standard deviation and the 95 %
 * Student-t confidence interval of the mean. Not for anything the model measures. */
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

/* "Nines" of an availability: -log10(1 - a); +inf at 1. */
double stats_nines(double availability);

/* The nearest-rank p-quantile (0 < p <= 1) of @n sorted values; 0 when n == 0. */
double stats_quantile_sorted(const double *sorted, guint n, double p);

G_END_DECLS
