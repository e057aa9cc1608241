/* stats.h: statistics over independent replications: mean, standard deviation and the 95 %
 * Student-t confidence interval of the mean, a percentile bootstrap where that interval would
 * leave the figure's range, the ratio estimator of a pooled mean, and the 95 % interval of a
 * difference of two means (paired, or Welch's for independent samples). Not for anything the
 * model measures (metrics.h) or for judging runs against each other (compare.h,
 * recommend.h). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How an interval was made; named in JSON and stored with it. */
typedef enum {
  STATS_METHOD_T,          /* "t": mean -/+ t(0.975, n - 1) sd / sqrt(n) */
  STATS_METHOD_BOOTSTRAP,  /* "bootstrap": the 2.5 % and 97.5 % points of the statistic over
                              STATS_BOOTSTRAP_RESAMPLES resamples of the replications */
  STATS_METHOD_RATIO,      /* "ratio": a pooled ratio -/+ t(0.975, n - 1) times the
                              linearised (delta-method) standard error */
  STATS_METHOD_NONE,       /* "none": no interval, lo = hi = the value */
  STATS_METHOD_COUNT
} StatsMethod;

/* "t", "bootstrap", "ratio", "none". */
const char *stats_method_name(StatsMethod method);
/* The method called @name, or -1. */
int stats_method_lookup(const char *name);

typedef struct {
  double mean;
  double sd;   /* sample standard deviation (n - 1); 0 when n < 2 */
  double lo;   /* 95 % interval of the mean: mean -/+ t(0.975, n - 1) sd / sqrt(n) */
  double hi;   /* equal to the mean when n < 2 */
  guint n;
  StatsMethod method; /* how lo and hi were made (STATS_METHOD_T unless said otherwise) */
} StatsSummary;

/* Resamples per bootstrap interval. With 2000 the 2.5 % and 97.5 % points rest on 50 resamples
 * each side (Efron and Tibshirani, An Introduction to the Bootstrap, 1993, ch. 13 recommend
 * 1000 or more for percentile intervals). */
#define STATS_BOOTSTRAP_RESAMPLES 2000

/* Summarises @n values (n >= 1); a two-pass mean and variance, so it is exact for equal
 * values. */
void stats_summarize(const double *values, guint n, StatsSummary *out);

/* As stats_summarize(), but the interval stays inside [@min, @max], the figure's range: when
 * the Student-t interval leaves it, lo and hi are the percentile bootstrap of the mean
 * (stats_bootstrap_mean() with @seed and @stream) and method is STATS_METHOD_BOOTSTRAP. The
 * mean and sd are those of stats_summarize(). */
void stats_summarize_bounded(const double *values, guint n, double min, double max,
                             guint64 seed, guint64 stream, StatsSummary *out);

/* The percentile bootstrap interval of the mean of @n >= 1 values: STATS_BOOTSTRAP_RESAMPLES
 * resamples of n values drawn with replacement, by a generator seeded with (@seed, @stream)
 * (dist_rng_seed), so the same input gives the same interval; *@lo and *@hi are the
 * nearest-rank 2.5 % and 97.5 % points of the resamples' means. Both lie between the smallest
 * and the largest value, so inside any range that holds the values. */
void stats_bootstrap_mean(const double *values, guint n, guint64 seed, guint64 stream,
                          double *lo, double *hi);

/* A pooled mean over replications: R = sum(num) / sum(den) over @n >= 1 replications (0 when
 * sum(den) is 0), e.g. all outage time over all outages. Its interval is the ratio
 * estimator's (Cochran, Sampling Techniques, 3rd ed., 1977, §6.4): standard error
 * sqrt(sum((num_i - R den_i)^2) / (n (n - 1))) / mean(den), R -/+ t(0.975, n - 1) se,
 * method STATS_METHOD_RATIO; sd = se sqrt(n), so sd / sqrt(n) is the standard error as for a
 * plain mean. When that interval leaves [@min, @max] it is the percentile bootstrap of R over
 * resampled replications instead (seeded as stats_bootstrap_mean(); a resample with
 * sum(den) = 0 counts R = 0), method STATS_METHOD_BOOTSTRAP. n = 1: lo = hi = R. */
void stats_summarize_ratio(const double *num, const double *den, guint n, double min,
                           double max, guint64 seed, guint64 stream, StatsSummary *out);

/* The pooled nearest-rank @p-quantile (0 < p <= 1) of values grouped by replication: @sorted
 * holds all @total values in ascending order, @group[i] the replication (0..@n - 1) of
 * sorted[i]. mean = stats_quantile_sorted(sorted, total, p) (0 when total = 0); lo and hi are
 * the percentile bootstrap over resampled replications (each resample pools the values of the
 * replications drawn, with their multiplicity), method STATS_METHOD_BOOTSTRAP; sd = sqrt(n)
 * times the standard deviation of the resamples' quantiles. Seeded as
 * stats_bootstrap_mean(). n = 1 or total = 0: lo = hi = mean, sd = 0, method
 * STATS_METHOD_NONE. */
void stats_summarize_pooled_quantile(const double *sorted, const guint *group, gsize total,
                                     guint n, double p, guint64 seed, guint64 stream,
                                     StatsSummary *out);

/* The nearest-rank @p-quantile (0 < p <= 1) of pooled values when replication g counts
 * @weight[g] times (a resample of replications): @sorted and @group as for
 * stats_summarize_pooled_quantile(), @total_weight the sum of weight[group[i]] over all
 * @total values. 0 when total_weight is 0 (nothing pooled). For p near 1 only the top of the
 * array is read. */
double stats_quantile_weighted(const double *sorted, const guint *group, gsize total,
                               const guint *weight, guint64 total_weight, double p);

/* The percentile bootstrap interval of @b >= 1 resampled statistics @stat, sorted in place:
 * *@lo and *@hi are their nearest-rank 2.5 % and 97.5 % points, as every bootstrap interval
 * here is made. */
void stats_percentile_interval(double *stat, guint b, double *lo, double *hi);

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
