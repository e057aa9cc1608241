/* run.h: a run: the replications of one scenario on a thread pool, and the figures of README's JSON
 * metric table over them. Replication r draws from its own streams seeded from (seed, r), and its
 * results land in slot r, so a run is the same for any number of threads. Not for printing
 * (report.h) or storing (store.h). */
#pragma once

#include <glib.h>

#include "zdsim/model.h"
#include "zdsim/scenario.h"
#include "zdsim/stats.h"

G_BEGIN_DECLS

/* The metrics of README's JSON metric table, in report order; run_metric_name() gives their
 * JSON names. */
typedef enum {
  RUN_AVAILABILITY,
  RUN_REQUEST_AVAILABILITY,
  RUN_BUSINESS_HOURS_AVAILABILITY,
  RUN_CAPACITY_AVAILABILITY,
  RUN_REPORTED_AVAILABILITY,
  RUN_DOWNTIME_PER_YEAR,
  RUN_DOWNTIME_OUTSIDE_PORTAL,
  RUN_BUSINESS_HOURS_DOWNTIME,   /* down time inside business hours per year */
  RUN_OUTAGES_PER_YEAR,
  /* The outage-length figures (README, JSON). Per replication: its own mean, longest and
   * 95th percentile (0 without outages), and the mean over its 365-day blocks after the
   * warm-up of each block's longest outage. Over the run, mean, longest and p95 are pooled:
   * all outage time / all outages, the longest of any replication, and the p95 of all the
   * run's outages together (run_result_summarize); yearly_longest is the mean over the
   * replications. */
  RUN_MEAN_OUTAGE,
  RUN_LONGEST_OUTAGE,
  RUN_YEARLY_LONGEST_OUTAGE,
  RUN_OUTAGE_P95,
  RUN_ZERO_INSTANCE_TIME,
  RUN_EVACUATIONS_PER_YEAR,
  RUN_CRASHES_PER_YEAR,
  RUN_INSTANCE_HOURS_PER_YEAR,
  RUN_CAPACITY_SHORTFALL,        /* up, but routable capacity below demand: not downtime,
                                    never a cause (README, JSON) */
  RUN_TENANT_SLOT_WAIT,          /* slot-seconds other tenants waited per year (README, JSON):
                                    a foundation figure, not bounded by a year */
  RUN_METRIC_COUNT
} RunMetric;

/* "availability", "downtime_per_year_s", ... */
const char *run_metric_name(RunMetric metric);
/* The metric called @name, or -1. */
int run_metric_lookup(const char *name);
/* Whether larger is better for @metric (availabilities) or smaller (downtime, outages). */
gboolean run_metric_higher_is_better(RunMetric metric);
/* Whether @metric is pooled over all the run's outages (mean_outage_s, outage_p95_s,
 * longest_outage_s: run_pool_outages()) rather than a mean over the replications. */
gboolean run_metric_is_pooled(RunMetric metric);
/* The range a figure of @metric and its interval lie in (README, JSON): [0, 1] for
 * availabilities, [0, RUN_YEAR_S] for the app's per-year times, [0, +inf) for every other
 * time, count and rate. */
void run_metric_range(RunMetric metric, double *min, double *max);

typedef struct {
  const Scenario *scenario;
  guint replications;
  /* Per replication r: values[r * RUN_METRIC_COUNT + m] and by_cause[r * CAUSE_COUNT + c]
   * (seconds per year; the causes of a replication add up to its downtime), and its outages
   * (ModelInterval). */
  double *values;
  double *by_cause;
  GPtrArray *outages;            /* of GArray*, one per replication */
  StatsSummary summary[RUN_METRIC_COUNT];
  StatsSummary cause_summary[CAUSE_COUNT];
  guint64 events;
  guint64 updates;
  double wall_s;
  GArray *timeline;              /* ModelSample of replication 0, when asked for */
  GArray *updates_spans;         /* ModelInterval: replication 0's platform updates, with the
                                    timeline */
} RunResult;

typedef void (*RunProgress)(guint done, guint total, void *user_data);

typedef struct {
  guint jobs;                    /* threads; 0 = the number of processors */
  gboolean keep_timeline;        /* record replication 0's timeline */
  RunProgress progress;          /* called from the calling thread, may be NULL */
  void *progress_data;
  const volatile gint *cancel;   /* when non-NULL and set, stop as soon as possible */
  /* A shard (README, "Sweeps across machines"): when shard_n > 0, only the replications r
   * whose work item shard_first + r is held by shard shard_k of shard_n (run_shard_holds())
   * run; the others
   * keep zero values and no outages, and the summaries are not computed (a shard's share says
   * nothing on its own: `zdsim merge` summarises the whole). shard_first is the work-item
   * index of replication 0: 0 for a run, the replications of the points before it for a
   * sweep point. */
  guint shard_k;
  guint shard_n;
  guint64 shard_first;
} RunOptions;

/* The one rule of sharding: work item @item (points in sweep order, replications inside a
 * point) belongs to shard @k (1-based) of @n when @item mod @n = @k - 1. Since replication r
 * draws from its own streams seeded from (seed, r), a work item's figures do not depend on
 * @n. Returns TRUE for every item when @n is 0 (not sharded). */
gboolean run_shard_holds(guint k, guint n, guint64 item);

/* How many of @replications replications, the first being work item @first, shard @k of @n
 * holds (all when @n is 0). */
guint run_shard_count(guint k, guint n, guint64 first, guint replications);

/* Runs every replication of @scenario. Returns: (transfer full) the result, or NULL with
 * @error when the thread pool cannot start or the run was cancelled. */
RunResult *run_execute(const Scenario *scenario, const RunOptions *options, GError **error);

/* Computes the summaries from values, by_cause and outages (used after loading a stored run
 * too): a mean over the replications with a Student-t interval, or a percentile bootstrap
 * where that interval would leave the metric's range (run_metric_range); the causes lie in
 * [0, RUN_YEAR_S]. mean_outage_s, outage_p95_s and longest_outage_s are pooled over the
 * outages of every replication (run_pool_outages). Bootstraps draw from streams of the
 * scenario's seed of their own (RUN_BOOTSTRAP_STREAM), so a stored run summarizes to the same
 * figures again. */
void run_result_summarize(RunResult *result);

/* Bootstrap stream of value k (a metric, then RUN_METRIC_COUNT + cause): a block above every
 * stream a replication draws from. */
#define RUN_BOOTSTRAP_STREAM(k) ((G_GUINT64_CONSTANT(3) << 62) | (guint64) (k))

/* The pooled outage figures of @outages (one GArray of ModelInterval per replication, @n >=
 * 1 of them), with the scenario's @seed for the bootstraps: mean_outage_s (all outage time /
 * all outages; the ratio estimator's interval, a bootstrap where that would go below 0),
 * outage_p95_s (nearest rank over all outages; a bootstrap over replications) and
 * longest_outage_s (no interval: lo = hi = the longest, sd 0). All 0 when there is no outage
 * at all. */
void run_pool_outages(const GPtrArray *outages, guint n, guint64 seed, StatsSummary *mean,
                      StatsSummary *p95, StatsSummary *longest);

/* A run's outages pooled once, so that the pooled figures of any multiset of its
 * replications (a bootstrap resample) follow the rules of run_pool_outages(), which is built
 * on it: compare.c resamples two runs' replications with it. */
typedef struct RunOutagePool RunOutagePool;

/* Pools @outages (one GArray of ModelInterval per replication, @n >= 1 of them).
 * Returns: (transfer full) the pool; run_outage_pool_free() frees it. Cannot fail. */
RunOutagePool *run_outage_pool_new(const GPtrArray *outages, guint n);
void run_outage_pool_free(RunOutagePool *pool);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(RunOutagePool, run_outage_pool_free)

/* The pooled outage figures of a multiset of replications (all 0 when it holds no outage). */
typedef struct {
  double mean;     /* mean_outage_s: all outage time / all outages */
  double p95;      /* outage_p95_s: the nearest-rank 95th percentile of all outages */
  double longest;  /* longest_outage_s: the longest outage */
} RunPooledFigures;

/* The figures of the multiset in which replication r of @pool counts @weight[r] times (one
 * place per replication; 1 everywhere gives the run's own figures, as run_pool_outages()
 * reports them), into @out. */
void run_outage_pool_figures(const RunOutagePool *pool, const guint *weight,
                             RunPooledFigures *out);

/* An empty result for @replications replications, to be filled by a loader. */
RunResult *run_result_new(const Scenario *scenario, guint replications);
void run_result_free(RunResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(RunResult, run_result_free)

#define RUN_ERROR (run_error_quark())
GQuark run_error_quark(void);
typedef enum { RUN_ERROR_THREADS, RUN_ERROR_CANCELLED, RUN_ERROR_LIMIT } RunError;

/* What a run of @scenario will cost, estimated from its rates before anything runs. */
typedef struct {
  double events;          /* over all replications */
  double seconds;         /* at RUN_ESTIMATE_EVENTS_PER_S on one core */
  double bytes;           /* peak memory: calendars, @jobs live models, results */
} RunEstimate;

/* A conservative speed for estimates: the model runs several times faster (make bench). */
#define RUN_ESTIMATE_EVENTS_PER_S 5e6
/* The limits a run must stay under unless forced (--force). */
#define RUN_LIMIT_EVENTS 2e10     /* about an hour on one core at the estimate speed */
#define RUN_LIMIT_BYTES 8e9       /* a third of the 24 GiB machines this runs on */

void run_estimate(const Scenario *scenario, guint jobs, RunEstimate *out);

/* Refuses a run whose estimate exceeds a limit, with a message saying which limit, the
 * estimate, and that --force runs it anyway. */
gboolean run_check_limits(const Scenario *scenario, guint jobs, GError **error);

/* The same for @n runs made one after the other and kept together (a sweep): their events
 * and memory add up. */
gboolean run_check_limits_many(const Scenario *const *scenarios, guint n, guint jobs,
                               GError **error);

/* Seconds in a year: "per year" means per 365 days (README, Reading the report), of
 * the measured time horizon - warmup (scenario.warmup: [0, warmup) counts in no metric). */
#define RUN_YEAR_S (365.0 * 86400.0)

/* Fills the figures of one replication: @values (RUN_METRIC_COUNT places) and @by_cause
 * (CAUSE_COUNT places, seconds per year), from the model's result. */
void run_extract(const ModelResult *m, double *values, double *by_cause);

G_END_DECLS
