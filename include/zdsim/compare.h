/* compare.h: `zdsim compare`: run B against run A, metric by metric and cause by cause, as
 * B - A with its 95 % interval and a verdict (better, worse, no significant difference); the
 * regression check of `zdsim check --baseline` judges with it too. The intervals themselves
 * are stats.h's, and the pooled outage figures run.h's. Not for loading runs (store.h) or for
 * the command line (cli_store.c). */
#pragma once

#include <glib.h>

#include "zdsim/run.h"

G_BEGIN_DECLS

typedef enum {
  COMPARE_NO_DIFFERENCE, /* the 95 % interval of B - A contains 0 */
  COMPARE_BETTER,        /* the interval excludes 0 on B's better side */
  COMPARE_WORSE,
  COMPARE_NOT_JUDGED,    /* no interval: the longest outage, or too few replications */
} CompareVerdict;

/* "better", "worse", "no significant difference", "not judged". */
const char *compare_verdict_name(CompareVerdict verdict);

typedef struct {
  /* A's and B's figures as their reports show them (RunResult.summary[].mean): means over
   * the replications, and for mean_outage_s, outage_p95_s and longest_outage_s the figures
   * pooled over all the run's outages (run_pool_outages()). */
  double a, b;
  double diff;           /* B - A (for paired t, the mean of the differences) */
  double lo, hi;         /* its 95 % interval (equal to diff when it has no spread or none) */
  /* FALSE when a side has fewer than 2 replications, and always for longest_outage_s, one
   * maximum, which has no interval in the report either; the verdict is then
   * COMPARE_NOT_JUDGED. */
  gboolean has_interval;
  /* How lo and hi were made: STATS_METHOD_T (paired or Welch, as CompareResult.paired says),
   * STATS_METHOD_BOOTSTRAP (mean_outage_s and outage_p95_s: the percentile bootstrap of the
   * difference of the pooled figures over resampled replications), STATS_METHOD_NONE
   * without an interval. */
  StatsMethod method;
  CompareVerdict verdict;
} CompareDifference;

typedef struct {
  /* TRUE: paired differences per replication (A and B share seed and replications: common
   * random numbers), Student t with n - 1 degrees of freedom; the bootstrap of the pooled
   * outage figures resamples the same replications of A and B. FALSE: Welch's t on the two
   * samples, with the Welch-Satterthwaite degrees of freedom rounded down; the bootstrap
   * resamples A and B independently. */
  gboolean paired;
  CompareDifference metric[RUN_METRIC_COUNT];
  CompareDifference cause[CAUSE_COUNT]; /* downtime by cause, smaller is better */
  CompareVerdict overall; /* the verdict on availability (time up), the headline figure */
  guint better, worse;    /* metrics (of RUN_METRIC_COUNT) with those verdicts */
  guint judged;           /* metrics with an interval, so a verdict */
} CompareResult;

/* Compares B (@b) with A (@a), both summarized (run_result_summarize()), metric by metric,
 * into @out (overwritten); paired when both share seed and replication count, else Welch;
 * run_metric_higher_is_better() gives the better side. The bootstrap of the pooled outage
 * figures draws STATS_BOOTSTRAP_RESAMPLES resamples from a generator seeded with A's and B's
 * seeds, so the same two runs compare the same every time. Cannot fail. */
void compare_runs(const RunResult *a, const RunResult *b, CompareResult *out);

/* The comparison as a table for people, @label_a and @label_b naming the runs.
 * Returns: (transfer full). */
char *compare_text(const RunResult *a, const RunResult *b, const CompareResult *c,
                   const char *label_a, const char *label_b);

G_END_DECLS
