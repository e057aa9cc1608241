/* run.c: replications on a GThreadPool and the statistics over them.
 * Not for the model (model.c) or for output (report.c). */
#include "zdsim/run.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK(zdsim-run-error-quark, run_error)

/* Ranges (README, Reading the report): availabilities are fractions; the app's per-year times lie
 * in a year; other times, counts and rates are not negative (tenant slot waiting is in
 * slot-seconds, not bounded by a year). */
#define FRACTION 0.0, 1.0
#define YEAR 0.0, RUN_YEAR_S
#define NON_NEGATIVE 0.0, INFINITY

static const struct {
  const char *name;
  gboolean higher_is_better;
  double min, max;
} metrics[RUN_METRIC_COUNT] = {
  [RUN_AVAILABILITY] = { "availability", TRUE, FRACTION },
  [RUN_REQUEST_AVAILABILITY] = { "request_availability", TRUE, FRACTION },
  [RUN_BUSINESS_HOURS_AVAILABILITY] = { "business_hours_availability", TRUE, FRACTION },
  [RUN_CAPACITY_AVAILABILITY] = { "capacity_availability", TRUE, FRACTION },
  [RUN_REPORTED_AVAILABILITY] = { "reported_availability", TRUE, FRACTION },
  [RUN_DOWNTIME_PER_YEAR] = { "downtime_per_year_s", FALSE, YEAR },
  [RUN_DOWNTIME_OUTSIDE_PORTAL] = { "downtime_outside_portal_window_per_year_s", FALSE, YEAR },
  [RUN_BUSINESS_HOURS_DOWNTIME] = { "business_hours_downtime_per_year_s", FALSE, YEAR },
  [RUN_OUTAGES_PER_YEAR] = { "outages_per_year", FALSE, NON_NEGATIVE },
  [RUN_MEAN_OUTAGE] = { "mean_outage_s", FALSE, NON_NEGATIVE },
  [RUN_LONGEST_OUTAGE] = { "longest_outage_s", FALSE, NON_NEGATIVE },
  [RUN_YEARLY_LONGEST_OUTAGE] = { "yearly_longest_outage_s", FALSE, NON_NEGATIVE },
  [RUN_OUTAGE_P95] = { "outage_p95_s", FALSE, NON_NEGATIVE },
  [RUN_ZERO_INSTANCE_TIME] = { "zero_instance_time_per_year_s", FALSE, YEAR },
  [RUN_EVACUATIONS_PER_YEAR] = { "evacuations_per_year", FALSE, NON_NEGATIVE },
  [RUN_CRASHES_PER_YEAR] = { "crashes_per_year", FALSE, NON_NEGATIVE },
  [RUN_INSTANCE_HOURS_PER_YEAR] = { "instance_hours_per_year", FALSE, NON_NEGATIVE },
  [RUN_CAPACITY_SHORTFALL] = { "capacity_shortfall_per_year_s", FALSE, YEAR },
  [RUN_TENANT_SLOT_WAIT] = { "tenant_slot_wait_per_year_s", FALSE, NON_NEGATIVE },
};

#undef FRACTION
#undef YEAR
#undef NON_NEGATIVE

const char *
run_metric_name(RunMetric metric)
{
  g_assert(metric < RUN_METRIC_COUNT);
  return metrics[metric].name;
}

int
run_metric_lookup(const char *name)
{
  for (int m = 0; m < RUN_METRIC_COUNT; m++)
    if (g_str_equal(metrics[m].name, name))
      return m;
  return -1;
}

gboolean
run_metric_higher_is_better(RunMetric metric)
{
  g_assert(metric < RUN_METRIC_COUNT);
  return metrics[metric].higher_is_better;
}

gboolean
run_metric_is_pooled(RunMetric metric)
{
  g_assert(metric < RUN_METRIC_COUNT);
  return metric == RUN_MEAN_OUTAGE || metric == RUN_OUTAGE_P95 || metric == RUN_LONGEST_OUTAGE;
}

void
run_metric_range(RunMetric metric, double *min, double *max)
{
  g_assert(metric < RUN_METRIC_COUNT);
  *min = metrics[metric].min;
  *max = metrics[metric].max;
}

RunResult *
run_result_new(const Scenario *scenario, guint replications)
{
  RunResult *r = g_new0(RunResult, 1);
  r->scenario = scenario;
  r->replications = replications;
  r->values = g_new0(double, (gsize) replications * RUN_METRIC_COUNT);
  r->by_cause = g_new0(double, (gsize) replications * CAUSE_COUNT);
  r->outages = g_ptr_array_new_with_free_func((GDestroyNotify) g_array_unref);
  for (guint i = 0; i < replications; i++)
    g_ptr_array_add(r->outages, g_array_new(FALSE, FALSE, sizeof(ModelInterval)));
  return r;
}

void
run_result_free(RunResult *result)
{
  if (result == NULL)
    return;
  g_free(result->values);
  g_free(result->by_cause);
  g_ptr_array_unref(result->outages);
  if (result->timeline != NULL)
    g_array_unref(result->timeline);
  if (result->updates_spans != NULL)
    g_array_unref(result->updates_spans);
  g_free(result);
}

static int
double_cmp(gconstpointer pa, gconstpointer pb)
{
  double a = *(const double *) pa, b = *(const double *) pb;
  return a < b ? -1 : (a > b);
}

/* outage_p95_s: the 95th percentile of outage lengths (README, JSON). */
#define OUTAGE_QUANTILE 0.95

/* An outage's length with its replication, for the pooled quantile. */
typedef struct {
  double length;
  guint rep;
} PooledOutage;

static int
pooled_cmp(gconstpointer pa, gconstpointer pb)
{
  const PooledOutage *a = pa, *b = pb;
  if (a->length < b->length || a->length > b->length)
    return a->length < b->length ? -1 : 1;
  return a->rep < b->rep ? -1 : (a->rep > b->rep);
}

/* The figures of one replication, scaled to a year where a metric is "per year" (README, Reading
 * the report): of the measured time [warmup, horizon) (README, Reading the report). */
void
run_extract(const ModelResult *m, double *v, double *cause)
{
  gint64 measured = m->horizon - m->warmup;
  g_assert(measured > 0);
  double measured_s = (double) measured / DIST_USEC_PER_SEC;
  double per_year = RUN_YEAR_S / measured_s;
  double h = (double) measured;
  guint n = m->outages->len;
  g_autofree double *lengths = g_new(double, MAX(n, 1u));
  double total = 0, longest = 0;
  for (guint i = 0; i < n; i++) {
    const ModelInterval *o = &g_array_index(m->outages, ModelInterval, i);
    lengths[i] = (double) (o->end - o->start) / DIST_USEC_PER_SEC;
    total += lengths[i];
    longest = MAX(longest, lengths[i]);
  }
  qsort(lengths, n, sizeof(double), double_cmp);

  /* The longest outage of each 365-day block after the warm-up, a last partial block included
   * (README, Reading the report): an outage counts in the block where it starts (outages are
   * already clipped to the warm-up's end), and a block without one counts 0. */
  const gint64 year_us = (gint64) RUN_YEAR_S * DIST_USEC_PER_SEC;
  guint blocks = (guint) ((measured + year_us - 1) / year_us);
  g_autofree double *block_longest = g_new0(double, blocks);
  for (guint i = 0; i < n; i++) {
    const ModelInterval *o = &g_array_index(m->outages, ModelInterval, i);
    guint b = (guint) ((o->start - m->warmup) / year_us);
    g_assert(o->start >= m->warmup && b < blocks);
    block_longest[b] = MAX(block_longest[b], (double) (o->end - o->start) / DIST_USEC_PER_SEC);
  }
  double yearly = 0;
  for (guint b = 0; b < blocks; b++)
    yearly += block_longest[b];

  v[RUN_AVAILABILITY] = (double) m->up_time / h;
  /* served and offered are integrals summed separately in doubles, so with nothing lost
   * served can come out an ulp above offered: a share never exceeds 1. */
  v[RUN_REQUEST_AVAILABILITY] = m->offered > 0 ? MIN(1.0, m->served / m->offered) : 1.0;
  v[RUN_BUSINESS_HOURS_AVAILABILITY] =
      m->business_time > 0 ? (double) m->business_up_time / (double) m->business_time : 1.0;
  v[RUN_CAPACITY_AVAILABILITY] = (double) m->capacity_ok_time / h;
  v[RUN_REPORTED_AVAILABILITY] = (double) m->reported_up_time / h;
  v[RUN_DOWNTIME_PER_YEAR] = (double) (measured - m->up_time) / DIST_USEC_PER_SEC * per_year;
  v[RUN_DOWNTIME_OUTSIDE_PORTAL] = (double) m->down_outside_portal / DIST_USEC_PER_SEC * per_year;
  v[RUN_BUSINESS_HOURS_DOWNTIME] =
      (double) (m->business_time - m->business_up_time) / DIST_USEC_PER_SEC * per_year;
  v[RUN_OUTAGES_PER_YEAR] = n * per_year;
  /* Outage-length figures of a replication without outages are 0. */
  v[RUN_MEAN_OUTAGE] = n > 0 ? total / n : 0.0;
  v[RUN_LONGEST_OUTAGE] = longest;
  v[RUN_YEARLY_LONGEST_OUTAGE] = yearly / blocks;
  v[RUN_OUTAGE_P95] = stats_quantile_sorted(lengths, n, OUTAGE_QUANTILE);
  v[RUN_ZERO_INSTANCE_TIME] = (double) m->zero_instance_time / DIST_USEC_PER_SEC * per_year;
  v[RUN_EVACUATIONS_PER_YEAR] = m->evacuations * per_year;
  v[RUN_CRASHES_PER_YEAR] = m->crashes * per_year;
  v[RUN_INSTANCE_HOURS_PER_YEAR] = m->container_us / DIST_USEC_PER_SEC / 3600.0 * per_year;
  v[RUN_CAPACITY_SHORTFALL] = (double) m->capacity_short_time / DIST_USEC_PER_SEC * per_year;
  v[RUN_TENANT_SLOT_WAIT] = (double) m->tenant_slot_wait / DIST_USEC_PER_SEC * per_year;
  for (guint c = 0; c < CAUSE_COUNT; c++)
    cause[c] = (double) m->down_by_cause[c] / DIST_USEC_PER_SEC * per_year;
}

typedef struct {
  const Scenario *sc;
  const ModelCalendar *cal;
  RunResult *result;
  gboolean keep_timeline;
  const volatile gint *cancel;
  gint done;
  GMutex lock;       /* with wake: the caller sleeps until a replication finishes */
  GCond wake;
  guint64 *events;   /* per replication */
  guint64 *updates;
} Job;

/* Counts a replication as done and wakes the caller. */
static void
finish(Job *job)
{
  g_mutex_lock(&job->lock);
  g_atomic_int_inc(&job->done);
  g_cond_signal(&job->wake);
  g_mutex_unlock(&job->lock);
}

static void
replicate(gpointer data, gpointer user_data)
{
  Job *job = user_data;
  guint r = GPOINTER_TO_UINT(data) - 1;
  if (job->cancel == NULL || !g_atomic_int_get(job->cancel)) {
    g_autoptr(Model) model = model_new(job->sc, job->cal, r, job->keep_timeline && r == 0);
    model_set_cancel(model, job->cancel);
    model_run(model);
    if (model_cancelled(model)) {
      finish(job);
      return;
    }
    RunResult *res = job->result;
    const ModelResult *m = model_get_result(model);
    run_extract(m, &res->values[(gsize) r * RUN_METRIC_COUNT],
                &res->by_cause[(gsize) r * CAUSE_COUNT]);
    GArray *outages = g_ptr_array_index(res->outages, r);
    g_array_append_vals(outages, m->outages->data, m->outages->len);
    job->events[r] = m->events;
    job->updates[r] = m->updates;
    GArray *timeline = model_steal_timeline(model);
    if (timeline != NULL) {
      res->timeline = timeline;
      res->updates_spans = g_array_ref(m->updates_spans);
    }
  }
  finish(job);
}

struct RunOutagePool {
  guint n;
  gsize total;
  double *time;      /* per replication: its outage time, */
  double *count;     /* its number of outages, */
  double *longest;   /* and its longest outage (0 without one) */
  double *sorted;    /* every outage's length, ascending, */
  guint *group;      /* with its replication */
};

RunOutagePool *
run_outage_pool_new(const GPtrArray *outages, guint n)
{
  g_assert(n >= 1 && outages->len == n);
  gsize total = 0;
  for (guint r = 0; r < n; r++)
    total += ((const GArray *) g_ptr_array_index(outages, r))->len;
  RunOutagePool *p = g_new0(RunOutagePool, 1);
  p->n = n;
  p->total = total;
  p->time = g_new0(double, n);
  p->count = g_new0(double, n);
  p->longest = g_new0(double, n);
  g_autofree PooledOutage *pool = g_new(PooledOutage, MAX(total, 1));
  gsize k = 0;
  for (guint r = 0; r < n; r++) {
    const GArray *list = g_ptr_array_index(outages, r);
    for (guint i = 0; i < list->len; i++) {
      const ModelInterval *o = &g_array_index(list, ModelInterval, i);
      double length = (double) (o->end - o->start) / DIST_USEC_PER_SEC;
      p->time[r] += length;
      pool[k++] = (PooledOutage) { length, r };
      p->longest[r] = MAX(p->longest[r], length);
    }
    p->count[r] = list->len;
  }
  /* Ties are ordered by replication so the order, and with it every bootstrap draw's result,
   * does not depend on qsort's. */
  qsort(pool, total, sizeof(PooledOutage), pooled_cmp);
  p->sorted = g_new(double, MAX(total, 1));
  p->group = g_new(guint, MAX(total, 1));
  for (gsize i = 0; i < total; i++) {
    p->sorted[i] = pool[i].length;
    p->group[i] = pool[i].rep;
  }
  return p;
}

void
run_outage_pool_free(RunOutagePool *pool)
{
  if (pool == NULL)
    return;
  g_free(pool->time);
  g_free(pool->count);
  g_free(pool->longest);
  g_free(pool->sorted);
  g_free(pool->group);
  g_free(pool);
}

void
run_outage_pool_figures(const RunOutagePool *pool, const guint *weight, RunPooledFigures *out)
{
  double time = 0, longest = 0;
  guint64 outages = 0;
  for (guint r = 0; r < pool->n; r++) {
    if (weight[r] == 0)
      continue;
    time += weight[r] * pool->time[r];
    outages += (guint64) weight[r] * (guint64) pool->count[r];
    longest = MAX(longest, pool->longest[r]);
  }
  /* The rules of the run's own figures (stats_summarize_ratio(), stats_quantile_sorted()):
   * a ratio of sums, the nearest rank over every outage pooled, 0 when nothing is. */
  out->mean = outages > 0 ? time / (double) outages : 0.0;
  out->p95 = stats_quantile_weighted(pool->sorted, pool->group, pool->total, weight, outages,
                                     OUTAGE_QUANTILE);
  out->longest = longest;
}

void
run_pool_outages(const GPtrArray *outages, guint n, guint64 seed, StatsSummary *mean,
                 StatsSummary *p95, StatsSummary *longest)
{
  g_autoptr(RunOutagePool) pool = run_outage_pool_new(outages, n);
  stats_summarize_ratio(pool->time, pool->count, n, 0.0, INFINITY, seed,
                        RUN_BOOTSTRAP_STREAM(RUN_MEAN_OUTAGE), mean);
  stats_summarize_pooled_quantile(pool->sorted, pool->group, pool->total, n,
                                  OUTAGE_QUANTILE, seed,
                                  RUN_BOOTSTRAP_STREAM(RUN_OUTAGE_P95), p95);
  g_autofree guint *once = g_new(guint, n);
  for (guint r = 0; r < n; r++)
    once[r] = 1;
  RunPooledFigures all;
  run_outage_pool_figures(pool, once, &all);
  /* The longest outage of the whole run is one observation, not an average: no interval. */
  *longest = (StatsSummary) { .mean = all.longest, .sd = 0, .lo = all.longest,
                              .hi = all.longest, .n = n, .method = STATS_METHOD_NONE };
}

void
run_result_summarize(RunResult *result)
{
  guint n = result->replications;
  guint64 seed = result->scenario->seed;
  g_autofree double *column = g_new(double, n);
  for (guint m = 0; m < RUN_METRIC_COUNT; m++) {
    if (run_metric_is_pooled(m))
      continue; /* pooled below */
    for (guint r = 0; r < n; r++)
      column[r] = result->values[(gsize) r * RUN_METRIC_COUNT + m];
    stats_summarize_bounded(column, n, metrics[m].min, metrics[m].max, seed,
                            RUN_BOOTSTRAP_STREAM(m), &result->summary[m]);
  }
  run_pool_outages(result->outages, n, seed, &result->summary[RUN_MEAN_OUTAGE],
                   &result->summary[RUN_OUTAGE_P95], &result->summary[RUN_LONGEST_OUTAGE]);
  for (guint c = 0; c < CAUSE_COUNT; c++) {
    for (guint r = 0; r < n; r++)
      column[r] = result->by_cause[(gsize) r * CAUSE_COUNT + c];
    /* A cause's downtime per year lies in a year, as the downtime does. */
    stats_summarize_bounded(column, n, 0.0, RUN_YEAR_S, seed,
                            RUN_BOOTSTRAP_STREAM(RUN_METRIC_COUNT + c),
                            &result->cause_summary[c]);
  }
}

gboolean
run_shard_holds(guint k, guint n, guint64 item)
{
  if (n == 0)
    return TRUE;
  g_assert(k >= 1 && k <= n);
  return item % n == k - 1;
}

guint
run_shard_count(guint k, guint n, guint64 first, guint replications)
{
  guint held = 0;
  for (guint r = 0; r < replications; r++)
    held += run_shard_holds(k, n, first + r);
  return held;
}

/* Runs the replications shard @options->shard_k of shard_n holds, on @jobs threads (none
 * when 1), counting progress over those only. */
static gboolean
run_shard_share(Job *job, const RunOptions *options, guint n, guint jobs, GError **error)
{
  guint k = options->shard_k, of = options->shard_n;
  guint held = run_shard_count(k, of, options->shard_first, n);
  GThreadPool *pool = NULL;
  if (jobs > 1 && held > 1) {
    pool = g_thread_pool_new(replicate, job, (gint) MIN(jobs, held), TRUE, error);
    if (pool == NULL) {
      g_prefix_error(error, "cannot start %u worker threads: ", jobs);
      return FALSE;
    }
  }
  guint done = 0;
  for (guint r = 0; r < n; r++) {
    if (!run_shard_holds(k, of, options->shard_first + r))
      continue;
    if (pool != NULL) {
      g_thread_pool_push(pool, GUINT_TO_POINTER(r + 1), NULL);
      continue;
    }
    replicate(GUINT_TO_POINTER(r + 1), job);
    if (options->progress != NULL)
      options->progress(++done, held, options->progress_data);
  }
  if (pool != NULL) {
    /* GThreadPool has no autoptr: free it by hand (STYLE.md), waiting for every job. */
    g_thread_pool_free(pool, FALSE, TRUE);
    if (options->progress != NULL)
      options->progress(held, held, options->progress_data);
  }
  return TRUE;
}

RunResult *
run_execute(const Scenario *scenario, const RunOptions *options, GError **error)
{
  gint64 t0 = g_get_monotonic_time();
  guint n = scenario->replications;
  guint jobs = options->jobs > 0 ? options->jobs : g_get_num_processors();
  g_autoptr(ModelCalendar) cal = model_calendar_new(scenario);
  g_autoptr(RunResult) result = run_result_new(scenario, n);
  g_autofree guint64 *events = g_new0(guint64, n);
  g_autofree guint64 *updates = g_new0(guint64, n);
  Job job = {
    .sc = scenario,
    .cal = cal,
    .result = result,
    .keep_timeline = options->keep_timeline,
    .cancel = options->cancel,
    .events = events,
    .updates = updates,
  };

  g_mutex_init(&job.lock);
  g_cond_init(&job.wake);

  if (options->shard_n > 0) {
    if (!run_shard_share(&job, options, n, jobs, error)) {
      g_mutex_clear(&job.lock);
      g_cond_clear(&job.wake);
      return NULL;
    }
  } else if (jobs == 1) {
    /* No thread at all: simplest to debug and profile, and the same results. */
    for (guint r = 0; r < n; r++) {
      replicate(GUINT_TO_POINTER(r + 1), &job);
      if (options->progress != NULL)
        options->progress(r + 1, n, options->progress_data);
    }
  } else {
    GThreadPool *pool = g_thread_pool_new(replicate, &job, (gint) MIN(jobs, n), TRUE, error);
    if (pool == NULL) {
      g_prefix_error(error, "cannot start %u worker threads: ", jobs);
      g_mutex_clear(&job.lock);
      g_cond_clear(&job.wake);
      return NULL;
    }
    for (guint r = 0; r < n; r++)
      g_thread_pool_push(pool, GUINT_TO_POINTER(r + 1), NULL);
    /* Woken by every finished replication, and every 20 ms for the progress bar: the run
     * ends when its last replication does, not at the next tick. */
    guint last = 0;
    g_mutex_lock(&job.lock);
    while ((guint) g_atomic_int_get(&job.done) < n) {
      g_cond_wait_until(&job.wake, &job.lock, g_get_monotonic_time() + 20000);
      guint done = (guint) g_atomic_int_get(&job.done);
      if (options->progress != NULL && done != last) {
        g_mutex_unlock(&job.lock);
        options->progress(done, n, options->progress_data);
        g_mutex_lock(&job.lock);
      }
      last = done;
    }
    g_mutex_unlock(&job.lock);
    /* GThreadPool has no autoptr: free it by hand (STYLE.md); every job has finished. */
    g_thread_pool_free(pool, FALSE, TRUE);
    if (options->progress != NULL && last != n)
      options->progress(n, n, options->progress_data);
  }

  /* Every replication has finished: nobody uses the lock any more. */
  g_mutex_clear(&job.lock);
  g_cond_clear(&job.wake);
  if (options->cancel != NULL && g_atomic_int_get(options->cancel)) {
    g_set_error(error, RUN_ERROR, RUN_ERROR_CANCELLED, "interrupted");
    return NULL;
  }
  for (guint r = 0; r < n; r++) {
    result->events += events[r];
    result->updates += updates[r];
  }
  /* A shard's share is summarised only once merged with the others (merge.c). */
  if (options->shard_n == 0)
    run_result_summarize(result);
  result->wall_s = (double) (g_get_monotonic_time() - t0) / 1e6;
  return g_steal_pointer(&result);
}

/* The mean of a distribution in seconds, or 0 when it never happens. */
static double
mean_s(const Dist *d)
{
  double m = dist_mean(d);
  return isfinite(m) ? m / DIST_USEC_PER_SEC : 0.0;
}

void
run_estimate(const Scenario *sc, guint jobs, RunEstimate *out)
{
  double horizon_s = (double) sc->horizon / DIST_USEC_PER_SEC;
  double weeks = horizon_s / DIST_SECONDS_PER_WEEK;
  double updates = sc->updates.kind == SCENARIO_UPDATES_RATE ? sc->updates.rate * horizon_s
                   : sc->updates.kind == SCENARIO_UPDATES_CALENDAR
                       ? weeks * sc->updates.calendar.n_slots * 7
                       : 0.0;
  /* Events per replication, as the model spends them (measured on the examples: about
   * 2.5 events a cell and 19 an instance per update): an update drains, recreates and watches
   * every cell and moves each instance about twice (about 10 events a move); a crash or a cell
   * failure costs about 10 events an instance it touches; the windows a few events a week. */
  double per_rep = updates * (3.0 * sc->cells + 20.0 * sc->instances);
  double mtbf = mean_s(&sc->crash_mtbf);
  if (mtbf > 0)
    per_rep += 10.0 * sc->instances * horizon_s / mtbf;
  double cell_mtbf = mean_s(&sc->cell_failure_mtbf);
  if (cell_mtbf > 0)
    per_rep += horizon_s / cell_mtbf * (8.0 * sc->cells + 10.0 * sc->instances);
  double db_mtbf = mean_s(&sc->failure_mtbf);
  if (db_mtbf > 0)
    per_rep += 3.0 * horizon_s / db_mtbf;
  per_rep += 10.0 * weeks + 10.0 * sc->instances;
  out->events = per_rep * sc->replications;
  out->seconds = out->events / RUN_ESTIMATE_EVENTS_PER_S;

  /* Memory: the calendars (16 bytes an interval: business hours every working day, the two
   * maintenance windows and calendar updates every week), a model per worker (cells,
   * instances and their containers, the pending events), and per replication its metrics and
   * outages (about one an update for a single instance). */
  guint live = MIN(jobs > 0 ? jobs : g_get_num_processors(), sc->replications);
  double intervals = weeks * (sc->business_hours.n_slots * 7 + 2 + 7 * sc->updates.calendar.n_slots);
  double model = 100.0 * sc->cells + 400.0 * sc->instances + 24.0 * 4 * sc->instances;
  double per_rep_result = 8.0 * (RUN_METRIC_COUNT + CAUSE_COUNT) + 24.0 * (updates + weeks);
  out->bytes = 16.0 * intervals + live * model + sc->replications * per_rep_result;
}

gboolean
run_check_limits(const Scenario *sc, guint jobs, GError **error)
{
  return run_check_limits_many(&sc, 1, jobs, error);
}

gboolean
run_check_limits_many(const Scenario *const *scs, guint n, guint jobs, GError **error)
{
  g_assert(n >= 1);
  const Scenario *sc = scs[0];
  RunEstimate e = { 0 };
  guint replications = 0;
  for (guint i = 0; i < n; i++) {
    RunEstimate one;
    run_estimate(scs[i], jobs, &one);
    e.events += one.events;
    e.seconds += one.seconds;
    e.bytes += one.bytes;
    replications += scs[i]->replications;
  }
  if (e.events > RUN_LIMIT_EVENTS) {
    g_set_error(error, RUN_ERROR, RUN_ERROR_LIMIT,
                "%s: about %.3g events (%u replications of %.3g years), about %.0f core-hours; "
                "the limit is %.0e events: lower scenario.replications, scenario.horizon or the "
                "rates, or run it anyway with --force",
                sc->name, e.events, replications,
                (double) sc->horizon / DIST_USEC_PER_SEC / RUN_YEAR_S, e.seconds / 3600,
                RUN_LIMIT_EVENTS);
    return FALSE;
  }
  if (e.bytes > RUN_LIMIT_BYTES) {
    g_set_error(error, RUN_ERROR, RUN_ERROR_LIMIT,
                "%s: about %.1f GB of memory (the horizon's calendars, the models and %u "
                "replications' results); the limit is %.0f GB: lower scenario.horizon, "
                "scenario.replications or app.instances, or run it anyway with --force",
                sc->name, e.bytes / 1e9, replications, RUN_LIMIT_BYTES / 1e9);
    return FALSE;
  }
  return TRUE;
}
