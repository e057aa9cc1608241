/* run.c: replications on a GThreadPool and the statistics over them.
 * Not for the model (model.c) or for output (report.c). */
#include "zdsim/run.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK(zdsim-run-error-quark, run_error)

static const struct {
  const char *name;
  gboolean higher_is_better;
} metrics[RUN_METRIC_COUNT] = {
  [RUN_AVAILABILITY] = { "availability", TRUE },
  [RUN_REQUEST_AVAILABILITY] = { "request_availability", TRUE },
  [RUN_BUSINESS_HOURS_AVAILABILITY] = { "business_hours_availability", TRUE },
  [RUN_CAPACITY_AVAILABILITY] = { "capacity_availability", TRUE },
  [RUN_REPORTED_AVAILABILITY] = { "reported_availability", TRUE },
  [RUN_DOWNTIME_PER_YEAR] = { "downtime_per_year_s", FALSE },
  [RUN_DOWNTIME_OUTSIDE_PORTAL] = { "downtime_outside_portal_window_per_year_s", FALSE },
  [RUN_OUTAGES_PER_YEAR] = { "outages_per_year", FALSE },
  [RUN_MEAN_OUTAGE] = { "mean_outage_s", FALSE },
  [RUN_MAX_OUTAGE] = { "max_outage_s", FALSE },
  [RUN_OUTAGE_P95] = { "outage_p95_s", FALSE },
  [RUN_ZERO_INSTANCE_TIME] = { "zero_instance_time_per_year_s", FALSE },
  [RUN_EVACUATIONS_PER_YEAR] = { "evacuations_per_year", FALSE },
  [RUN_CRASHES_PER_YEAR] = { "crashes_per_year", FALSE },
  [RUN_INSTANCE_HOURS_PER_YEAR] = { "instance_hours_per_year", FALSE },
  [RUN_CAPACITY_SHORTFALL] = { "capacity_shortfall_per_year_s", FALSE },
  [RUN_TENANT_SLOT_WAIT] = { "tenant_slot_wait_per_year_s", FALSE },
};

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

/* The figures of one replication, scaled to a year where DESIGN §2 says "per year": of the
 * measured time [warmup, horizon) (DESIGN §11.10). */
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
  v[RUN_OUTAGES_PER_YEAR] = n * per_year;
  /* Outage-length figures of a replication without outages are 0. */
  v[RUN_MEAN_OUTAGE] = n > 0 ? total / n : 0.0;
  v[RUN_MAX_OUTAGE] = longest;
  v[RUN_OUTAGE_P95] = stats_quantile_sorted(lengths, n, 0.95);
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
    model->cancel = job->cancel;
    model_run(model);
    if (model_cancelled(model)) {
      finish(job);
      return;
    }
    RunResult *res = job->result;
    run_extract(&model->result, &res->values[(gsize) r * RUN_METRIC_COUNT],
                &res->by_cause[(gsize) r * CAUSE_COUNT]);
    GArray *outages = g_ptr_array_index(res->outages, r);
    g_array_append_vals(outages, model->result.outages->data, model->result.outages->len);
    job->events[r] = model->result.events;
    job->updates[r] = model->result.updates;
    if (model->timeline != NULL) {
      res->timeline = g_steal_pointer(&model->timeline);
      res->updates_spans = g_array_ref(model->result.updates_spans);
    }
  }
  finish(job);
}

void
run_result_summarize(RunResult *result)
{
  guint n = result->replications;
  g_autofree double *column = g_new(double, n);
  for (guint m = 0; m < RUN_METRIC_COUNT; m++) {
    for (guint r = 0; r < n; r++)
      column[r] = result->values[(gsize) r * RUN_METRIC_COUNT + m];
    stats_summarize(column, n, &result->summary[m]);
  }
  for (guint c = 0; c < CAUSE_COUNT; c++) {
    for (guint r = 0; r < n; r++)
      column[r] = result->by_cause[(gsize) r * CAUSE_COUNT + c];
    stats_summarize(column, n, &result->cause_summary[c]);
  }
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

  if (jobs == 1) {
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
