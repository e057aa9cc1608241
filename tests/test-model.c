/* test-model.c: validation of the Cloud Foundry model against closed forms and documented platform
 * behaviour. Each test reduces the model (man zdsim-scenario: "none switches a mechanism off, as a
 * rate or probability of 0 does") until its answer follows from a formula stated beside it. */
#include <math.h>
#include <string.h>

#include "zdsim/report.h"
#include "zdsim/run.h"

/* These tests step a model event by event and read its state. */
#include "model-internal.h"

#include "model-fixture.h"

/* Crash and restart only, one instance: an alternating renewal process with up times
 * exp(MTBF = 720 h) and down times exp(1 h) (the startup), restarted at once because every
 * crash comes after more than 5 min RUNNING (count reset to 1, immediate restart). Its
 * stationary unavailability is u = lambda / (lambda + mu) = (1/720) / (1/720 + 1) = 1/721
 * = 1.387e-3 (the 2 s health-poll rounding adds 1 s to a 3600 s mean: 0.03 %, negligible).
 * Two instances fail and restart independently, so both are down a fraction u^2; that figure
 * rests on rare overlaps (about one in 15 replication-years), so it takes 20,000 replications
 * for the interval to be tight and its coverage honest. */
static void
test_crash_restart_closed_form(void)
{
  const char *extra = "app.startup=exp(1h) app.crash_mtbf=exp(720h) "
                      "app.health_check_timeout=1000h platform.max_health_check_timeout=1000h";
  double u = 1.0 / 721.0;
  {
    const char *const o[] = { "scenario.replications=300", NULL };
    g_autoptr(Scenario) sc = load(extra, o);
    g_autoptr(RunResult) r = run(sc, 2);
    const StatsSummary *a = &r->summary[RUN_AVAILABILITY];
    g_test_message("N=1: unavailability %.4e [%.4e, %.4e], formula %.4e", 1 - a->mean,
                   1 - a->hi, 1 - a->lo, u);
    g_assert_cmpfloat(1 - a->hi, <=, u);
    g_assert_cmpfloat(u, <=, 1 - a->lo);
  }
  {
    const char *const o[] = { "scenario.replications=20000", "app.instances=2", NULL };
    g_autoptr(Scenario) sc = load(extra, o);
    g_autoptr(RunResult) r = run(sc, 2);
    const StatsSummary *a = &r->summary[RUN_AVAILABILITY];
    g_test_message("N=2: unavailability %.4e [%.4e, %.4e], formula u^2 %.4e", 1 - a->mean,
                   1 - a->hi, 1 - a->lo, u * u);
    g_assert_cmpfloat(1 - a->hi, <=, u * u);
    g_assert_cmpfloat(u * u, <=, 1 - a->lo);
  }
}

/* Steps @model event by event until @until, recording each time index 0's crash count
 * changes: times[n] is when the count became n. */
static void
record_crash_counts(Model *model, gint64 until, gint64 *times, guint max)
{
  guint last = model->index[0].crash_count;
  while (engine_next_time(model->engine) < until) {
    gint64 t = engine_next_time(model->engine);
    engine_run(model->engine, t + 1);
    guint now = model->index[0].crash_count;
    if (now != last && now < max)
      times[now] = t;
    last = now;
  }
}

/* The BBS restart calculator (bbs models/restart_calculator.go): counts 1-2 restart at once; count n in 3..199
 * waits min(30 s 2^(n-3), 960 s), picked up by the first 30 s convergence tick at or after;
 * 200 stays crashed. Every start fails here (start_failure = 1) and crashes at placement +
 * the 10 s start timeout, so crash n+1 comes 10 s after restart n. The RUNNING instance of
 * time 0 crashes at 1 h (crash_mtbf = 1h), after more than 5 min RUNNING: count 1. */
static void
test_restart_schedule(void)
{
  const char *const o[] = { "app.start_failure=1", "app.crash_mtbf=1h",
                            "app.health_check_timeout=10s", "scenario.horizon=30d", NULL };
  g_autoptr(Scenario) sc = load("", o);
  g_autoptr(ModelCalendar) cal = model_calendar_new(sc);
  g_autoptr(Model) model = model_new(sc, cal, 0, FALSE);
  model_start(model);
  gint64 times[202] = { 0 };
  record_crash_counts(model, sc->horizon, times, G_N_ELEMENTS(times));

  gint64 expect = S(3600);
  for (guint n = 1; n <= 200; n++) {
    g_assert_cmpint(times[n], ==, expect);
    gint64 restart;
    if (n < 3) {
      restart = expect;
    } else {
      gint64 backoff = MIN(S(30) << MIN(n - 3, 5u), S(960));
      restart = ((expect + backoff + S(30) - 1) / S(30)) * S(30);
    }
    if (n <= 10)
      g_test_message("crash %u at %" G_GINT64_FORMAT " s, restart at %" G_GINT64_FORMAT " s",
                     n, expect / DIST_USEC_PER_SEC, restart / DIST_USEC_PER_SEC);
    expect = restart + S(10);
  }
  /* Count 200 stays crashed for good: nothing is pending for it. */
  g_assert_cmpuint(model->index[0].crash_count, ==, 200);
  g_assert_cmpint(model->index[0].state, ==, INDEX_CRASHED);
  g_assert_false(model->index[0].place_pending);
}

/* The reset: a crash after more than 5 min RUNNING sets the count to 1 (CrashResetTimeout),
 * one after less adds one. Startup 20 s, crashes every crash_mtbf of RUNNING. */
static void
test_crash_count_reset(void)
{
  static const struct {
    const char *mtbf;
    guint count_after_4;
  } cases[] = {
    { "6m", 1 },  /* every crash after 6 min RUNNING: reset each time */
    { "4m", 4 },  /* 4 min < 5 min: the count grows 1, 2, 3, 4 */
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *mtbf = g_strdup_printf("app.crash_mtbf=%s", cases[i].mtbf);
    const char *const o[] = { mtbf, "scenario.horizon=2d", NULL };
    g_autoptr(Scenario) sc = load("", o);
    g_autoptr(ModelCalendar) cal = model_calendar_new(sc);
    g_autoptr(Model) model = model_new(sc, cal, 0, FALSE);
    model_start(model);
    guint crashes = 0;
    while (crashes < 4) {
      guint before = (guint) model->result.crashes;
      engine_run(model->engine, engine_next_time(model->engine) + 1);
      crashes += (guint) model->result.crashes - before;
    }
    g_assert_cmpuint(model->index[0].crash_count, ==, cases[i].count_after_4);
  }
}

/* A full foundation: one cell of one slot. Draining it, the rolling replacement finds no
 * place, so the old instance serves until the evacuation timeout (600 s), then stops; the
 * cell recreates (5 min), the waiting index is re-auctioned on the next convergence tick
 * strictly after the cell takes work again, and starts (20 s, healthy at the first health poll
 * at or after it: 20 s + phi, phi in [0, 2 s)). With the update at T = 3600 s: outage from
 * T + 600 to tick_after(T + 600 + 5 + 2 + 300) + 20 + phi = 4530 + 20 + phi = 4550 s + phi. */
static void
test_full_foundation(void)
{
  const char *sets = "app.graceful_shutdown=2s platform.cells=1 platform.azs=1 "
                     "platform.cell_capacity=1 platform.cell_utilization=0 "
                     "platform.cell_recreate=5m scenario.horizon=1d";
  const char *sections = "[action update]\nat = 2027-01-04T01:00:00Z\naction = platform-update\n";
  g_autoptr(Scenario) sc = load_full(sets, sections, NULL);
  g_autoptr(ModelCalendar) cal = model_calendar_new(sc);
  g_autoptr(Model) model = model_new(sc, cal, 0, FALSE);
  model_run(model);
  GArray *out = model->result.outages;
  g_assert_cmpuint(out->len, ==, 1);
  const ModelInterval *o0 = &g_array_index(out, ModelInterval, 0);
  gint64 t = S(3600), stop = t + sc->evacuation_timeout;
  gint64 back = stop + sc->proxy_drain + S(2) + S(300);
  gint64 tick = (back / S(30) + 1) * S(30);
  g_assert_cmpint(o0->start, ==, stop);
  g_assert_cmpint(o0->end, >=, tick + S(20));
  g_assert_cmpint(o0->end, <, tick + S(22));
  g_assert_cmpint(o0->cause, ==, CAUSE_PLATFORM_UPDATE);
}

/* A database outage during a start: with needs_db_to_start only a poll with the database up
 * passes, so each start crashes at its 180 s timeout, and the crash back-off keeps the app
 * down after the database is back. Restart at T = 3600 s (stop all: gone at T + 5 + 2 =
 * 3607), database down [3540, 4400) by a failover action of 860 s:
 *   start 1 at 3607, crash at 3787 (count 1, restart at once)
 *   start 2 at 3787, crash at 3967 (count 2, at once)
 *   start 3 at 3967, crash at 4147 (count 3: 30 s, next tick at or after 4177 is 4200)
 *   start 4 at 4200, crash at 4380 (count 4: 60 s, tick at or after 4440 is 4440)
 *   start 5 at 4440, database up since 4400: healthy at the first poll >= 4440 + 20 = 4460,
 *   which is 4460 + phi (polls at 4440 + phi + 2 s k, phi in [0, 2 s)).
 * The outage runs from the database going down at 3540 to 4460 + phi: 60-62 s longer than
 * the database's. */
static void
test_db_outage_during_start(void)
{
  const char *sets = "app.graceful_shutdown=2s database.failover=860s scenario.horizon=1d";
  const char *sections = "[action db]\nat = 2027-01-04T00:59:00Z\naction = db-failover\n"
                         "[action restart]\nat = 2027-01-04T01:00:00Z\naction = restart\n";
  g_autoptr(Scenario) sc = load_full(sets, sections, NULL);
  g_autoptr(ModelCalendar) cal = model_calendar_new(sc);
  g_autoptr(Model) model = model_new(sc, cal, 0, FALSE);
  model_run(model);
  GArray *out = model->result.outages;
  g_assert_cmpuint(out->len, ==, 1);
  const ModelInterval *o0 = &g_array_index(out, ModelInterval, 0);
  g_assert_cmpint(o0->start, ==, S(3540));
  g_assert_cmpint(o0->end, >=, S(4460));
  g_assert_cmpint(o0->end, <, S(4462));
  g_assert_cmpuint(model->result.crashes, ==, 4);
  g_assert_cmpuint(model->index[0].crash_count, ==, 4);
  /* It began with the database, so it is listed under the failover's cause: db-failure (a scheduled
   * failover takes the cause that matches it: the model's rule). Its seconds split (README, The
   * model in one page: every second of downtime has one cause): the database outage [3540 s,
   * 4400 s) is db-failure's, 860 s; then the restart's stop (at 3600 s, while the database was
   * down) had removed the last route, so [4400 s, 4460 s + phi) is the action's, 60 s + phi. */
  g_assert_cmpint(o0->cause, ==, CAUSE_DB_FAILURE);
  g_assert_cmpint(model->result.down_by_cause[CAUSE_DB_FAILURE], ==, S(860));
  g_assert_cmpint(model->result.down_by_cause[CAUSE_ACTION], ==, o0->end - S(4400));
}

/* Same seed, any number of threads: the same figures to the last bit, and the same JSON once
 * the machine-dependent timing fields are left out. */
static char *
json_without_timing(const RunResult *r)
{
  g_autoptr(JsonNode) node = report_json_node(r);
  JsonObject *obj = json_node_get_object(node);
  json_object_remove_member(obj, "timing");
  return json_to_string(node, TRUE);
}

static void
test_jobs_identical(void)
{
  const char *const o[] = { "scenario.replications=40", "app.instances=2",
                            "platform.updates=3/w", "database.maintenance_rate=1/4w",
                            "app.start_failure=0.05", "app.crash_mtbf=exp(30d)", NULL };
  g_autoptr(Scenario) sc = load("", o);
  g_autoptr(RunResult) a = run(sc, 1);
  g_autoptr(RunResult) b = run(sc, 2);
  g_autoptr(RunResult) c = run(sc, 2);
  gsize bytes = sizeof(double) * a->replications * RUN_METRIC_COUNT;
  g_assert_cmpmem(a->values, bytes, b->values, bytes);
  g_assert_cmpmem(b->values, bytes, c->values, bytes);
  g_assert_cmpuint(a->events, ==, b->events);
  g_autofree char *ja = json_without_timing(a);
  g_autofree char *jb = json_without_timing(b);
  g_autofree char *jc = json_without_timing(c);
  g_assert_cmpstr(ja, ==, jb);
  g_assert_cmpstr(jb, ==, jc);
}

/* A cell vanishes at T = 3600 s (a convergence tick): its instance dies at once, its route
 * lingers until BBS notices (rep presence TTL 15 s, then the next 30 s tick: 3630 s), when
 * the index is placed elsewhere and starts (20 s, healthy at 20 s + phi, phi in [0, 2 s)).
 * Two cells in one zone, recreate 1 min.
 *   No other tenants: the other cell has room at 3630: one outage [3600, 3650 + phi).
 *   Tenants at 0.7 (28 slots a cell of 40): the failed cell's 28 slots move at 3600 to the
 *   other cell, which takes 12 (28 + 12 = 40) and is full; 16 wait. The auction at 3630 finds
 *   no room and retries at the next tick, 3660, which is when the failed cell comes back
 *   (3600 + 1 min; its return was scheduled first, so it runs first at 3660) and takes the 16
 *   waiting slots; the index goes to it (16 used, the other cell full) and is healthy at
 *   3680 + phi: one outage [3600, 3680 + phi).
 * Either way the outage is a cell failure's (a cell-failure action takes that cause). */
static void
test_cell_failure(void)
{
  static const struct {
    const char *utilization;
    gint64 end_s;
  } cases[] = {
    { "platform.cell_utilization=0", 3650 },
    { "platform.cell_utilization=0.7", 3680 },
  };
  const char *sets = "scenario.horizon=1d platform.cells=2 platform.azs=1 "
                     "platform.cell_recreate=1m";
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    const char *const o[] = { cases[i].utilization, NULL };
    g_autoptr(Scenario) sc0 = load_full(sets, NULL, o);
    g_autoptr(ModelCalendar) cal = model_calendar_new(sc0);
    g_autoptr(Model) probe = model_new(sc0, cal, 0, FALSE);
    model_start(probe);
    /* Fail the cell the auction chose for the instance at time 0. */
    guint32 cell = probe->containers[probe->index[0].ordinary].cell;
    g_autofree char *sections = g_strdup_printf("[action boom]\nat = 2027-01-04T01:00:00Z\n"
                                                "action = cell-failure\ncell = %u\n", cell);
    g_autoptr(Scenario) sc = load_full(sets, sections, o);
    g_autoptr(Model) model = model_new(sc, cal, 0, FALSE);
    model_run(model);
    GArray *out = model->result.outages;
    g_assert_cmpuint(out->len, ==, 1);
    const ModelInterval *iv = &g_array_index(out, ModelInterval, 0);
    g_assert_cmpint(iv->start, ==, S(3600));
    g_assert_cmpint(iv->end, >=, S(cases[i].end_s));
    g_assert_cmpint(iv->end, <, S(cases[i].end_s + 2));
    g_assert_cmpint(iv->cause, ==, CAUSE_CELL_FAILURE);
  }
}

/* cf restart --strategy rolling on one instance: the new one starts while the old serves, and
 * the old stops the moment the new is RUNNING (20 s + phi, phi in [0, 2 s) its health-poll
 * phase); with route lags of 0 there is no gap, and for those 20 s + phi two containers run
 * (the cost surge). */
static void
test_rolling_restart(void)
{
  const char *sections = "[action roll]\nat = 2027-01-04T01:00:00Z\naction = rolling-restart\n";
  g_autoptr(Scenario) sc = load_full("scenario.horizon=1d", sections, NULL);
  g_autoptr(ModelCalendar) cal = model_calendar_new(sc);
  g_autoptr(Model) model = model_new(sc, cal, 0, FALSE);
  model_run(model);
  g_assert_cmpuint(model->result.outages->len, ==, 0);
  /* 1 day of one container, plus 20 s + phi of the second, plus its stop (5 s proxy drain +
   * 4 s). */
  double expected = 86400.0 + 20.0 + 5.0 + 4.0;
  g_assert_cmpfloat(model->result.container_us / 1e6, >=, expected - 1e-6);
  g_assert_cmpfloat(model->result.container_us / 1e6, <, expected + 2.0);
  g_assert_cmpuint(model->index[0].crash_count, ==, 0);
}


/* Absurd scenarios are refused before anything runs, naming the limit and --force; the
 * examples stay well inside. */
static void
test_limits(void)
{
  static const struct {
    const char *sets;
    const char *fragment;  /* NULL: accepted */
  } cases[] = {
    { "scenario.replications=100", NULL },
    { "scenario.replications=100000 app.instances=10", NULL },
    { "scenario.horizon=364000w scenario.replications=1000", "memory" }, /* 7,000 years */
    { "scenario.horizon=364000w platform.updates=3/w scenario.replications=1000", "events" },
    { "scenario.horizon=5200w scenario.replications=1000000", "events" },
    { "platform.updates=1000000/w", "events" },           /* a million a week */
    { "app.crash_mtbf=exp(1ms) scenario.replications=1000", "events" },
    { "app.instances=100000 platform.cells=100000 platform.updates=3/w", "events" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(Scenario) sc = load(cases[i].sets, NULL);
    g_autoptr(GError) error = NULL;
    gboolean ok = run_check_limits(sc, 2, &error);
    if (cases[i].fragment == NULL) {
      g_assert_no_error(error);
      g_assert_true(ok);
    } else {
      g_assert_error(error, RUN_ERROR, RUN_ERROR_LIMIT);
      g_test_message("case %u: %s", i, error->message);
      g_assert_nonnull(strstr(error->message, cases[i].fragment));
      g_assert_nonnull(strstr(error->message, "--force"));
    }
  }
  /* The estimate counts what the model does: within a factor of 3 of the events the default
   * two-instance scenario really dispatches. */
  const char *const o[] = { "scenario.replications=20", "app.instances=2",
                            "platform.updates=3/w", "database.maintenance_rate=1/12w", NULL };
  g_autoptr(Scenario) sc = load("", o);
  g_autoptr(RunResult) r = run(sc, 2);
  RunEstimate e;
  run_estimate(sc, 2, &e);
  g_test_message("estimated %.3g events, ran %" G_GUINT64_FORMAT, e.events, r->events);
  g_assert_cmpfloat(e.events, >=, r->events / 3.0);
  g_assert_cmpfloat(e.events, <=, r->events * 3.0);
}

/* ---- model v2: infrastructure restarts, deploys, poll phases, heavy tails ---- */


/* A deploy's outage of a lone instance (graceful shutdown 4 s, startup 20 s, lags 0): the
 * route goes at the deploy T, the container is gone at T + 5 s proxy drain + 4 s, "start
 * all" auctions the index then, and it is healthy at 20 s + phi: 29 s + phi. */
static void
check_deploy_outage(const ModelInterval *o, gpointer data)
{
  (void) data;
  g_assert_cmpint(o->end - o->start, >=, S(29));
  g_assert_cmpint(o->end - o->start, <, S(31));
  g_assert_cmpint(o->cause, ==, CAUSE_DEPLOY);
}

/* The team's deploys (app.deploys): stop all, then one auction per index at the instant the
 * last container is gone. One instance: downtime 29 s + phi per deploy, mean 30 s, sd
 * 2 / sqrt(12) = 0.577 s. Two instances: the app is back when the first of the two new
 * instances is healthy: 29 s + min(phi0, phi1), mean 29 + 2/3 s, sd sqrt(2) / 3 = 0.471 s
 * (the minimum of two uniforms on [0, 2 s) has mean 2/3 s and variance 2/9 s^2). New
 * instances start with crash count 0. */
static void
test_deploys(void)
{
  static const struct {
    const char *instances;
    double mean, sd;
  } cases[] = {
    { "app.instances=1", 30.0, 0.57735 },
    { "app.instances=2", 29.0 + 2.0 / 3.0, 0.47140 },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    /* Daily at 20:00, so that no deploy falls inside the previous one's outage. */
    const char *const o[] = { cases[i].instances, "app.deploys=mon-sun 20:00",
                              "scenario.replications=20", NULL };
    g_autoptr(Scenario) sc = load("", o);
    g_autoptr(RunResult) r = run(sc, 2);
    double total;
    guint n = each_outage(r, check_deploy_outage, NULL, &total);
    g_test_message("%s: %u deploys, %.4f s each (formula %.4f s)", cases[i].instances, n,
                   total / n, cases[i].mean);
    g_assert_cmpuint(n, ==, 20 * 365);
    g_assert_cmpfloat(fabs(total / n - cases[i].mean), <=, 4 * cases[i].sd / sqrt(n));
    g_assert_cmpfloat_with_epsilon(r->cause_summary[CAUSE_DEPLOY].mean,
                                   r->summary[RUN_DOWNTIME_PER_YEAR].mean, 1e-6);
  }
  /* A deploy action takes the deploy's cause too, and its new instance count 0. */
  const char *sections = "[action d]\nat = 2027-01-04T01:00:00Z\naction = deploy\n";
  g_autoptr(Scenario) sc = load_full("scenario.horizon=1d", sections, NULL);
  g_autoptr(ModelCalendar) cal = model_calendar_new(sc);
  g_autoptr(Model) model = model_new(sc, cal, 0, FALSE);
  model_start(model);
  model->index[0].crash_count = 4;
  engine_run(model->engine, sc->horizon);
  metrics_finish(model);
  g_assert_cmpuint(model->result.outages->len, ==, 1);
  check_deploy_outage(&g_array_index(model->result.outages, ModelInterval, 0), NULL);
  g_assert_cmpuint(model->index[0].crash_count, ==, 0);
}

/* The bug: an app restart never completed when a cell failure killed its stopping
 * containers. One cell, one instance, startup 20 s, shutdown 4 s, lags 0, cell recreate 1 min.
 *   12:00:00 = 43200 s  restart: the route goes at once (outage opens, the action's cause);
 *                       the container would be gone at 43209
 *   43202               the cell fails and kills it: the last container is gone, so "start
 *                       all" auctions the index now; nothing takes work
 *   43230, 43260        convergence retries find no cell (it is back at 43202 + 60 = 43262)
 *   43290               placed; healthy at 43290 + 20 s + phi
 * One outage [43200, 43310 + phi): 110 s + phi of downtime, not the rest of the day. */
static void
test_restart_cell_failure(void)
{
  const char *sets = "platform.cells=1 platform.azs=1 platform.cell_recreate=1m "
                     "scenario.horizon=1d";
  const char *sections = "[action restart]\nat = 2027-01-04T12:00:00Z\naction = restart\n"
                         "[action boom]\nat = 2027-01-04T12:00:02Z\naction = cell-failure\n";
  g_autoptr(Scenario) sc = load_full(sets, sections, NULL);
  g_autoptr(ModelCalendar) cal = model_calendar_new(sc);
  g_autoptr(Model) model = model_new(sc, cal, 0, FALSE);
  model_run(model);
  GArray *out = model->result.outages;
  g_assert_cmpuint(out->len, ==, 1);
  const ModelInterval *o = &g_array_index(out, ModelInterval, 0);
  g_assert_cmpint(o->start, ==, S(43200));
  g_assert_cmpint(o->end, >=, S(43310));
  g_assert_cmpint(o->end, <, S(43312));
  g_assert_cmpint(o->cause, ==, CAUSE_ACTION);
  g_assert_false(model->restarting);
  gint64 down = model->result.horizon - model->result.up_time;
  g_assert_cmpint(down, ==, o->end - o->start);
}

/* Independent poll phases make outage counts indifferent to the evacuation poll period. One
 * instance, rolling, updates 3/w, route lags uniform(0.1 s, 1 s) each: an evacuation's old
 * copy stops U after its replacement turns RUNNING, U uniform on [0, poll) (the drain's poll
 * phase psi is uniform and independent of the start's), and the app is down when the new
 * route is slower by more than U: probability E[max(0, reg - unreg)] / poll, where reg - unreg
 * is triangular on [-0.9 s, 0.9 s] and E[max(0, .)] = 0.9 / 6 = 0.15 s. So 0.015 outages per
 * evacuation at 10 s and 0.01429 at 10.5 s, 5 % apart. (v1's lock-stepped 2 s and 10 s polls
 * met at the same instant one time in five at 10 s and almost never at 10.5 s: 33.6 against
 * 11.4 outages a year in the runs.) */
static void
test_poll_phases(void)
{
  static const char *const polls[] = { "10s", "10.5s" };
  static const double period[] = { 10.0, 10.5 };
  double per_evac[2];
  for (guint i = 0; i < 2; i++) {
    g_autofree char *poll = g_strdup_printf("platform.evacuation_poll=%s", polls[i]);
    const char *const o[] = { "platform.updates=3/w", "platform.registration_lag=uniform(0.1s,1s)",
                              "platform.unregistration_lag=uniform(0.1s,1s)",
                              "scenario.replications=100", poll, NULL };
    g_autoptr(Scenario) sc = load("", o);
    g_autoptr(RunResult) r = run(sc, 2);
    double outages = 0, evacs = 0;
    for (guint rep = 0; rep < r->replications; rep++) {
      outages += rep_value(r, rep, RUN_OUTAGES_PER_YEAR);
      evacs += rep_value(r, rep, RUN_EVACUATIONS_PER_YEAR);
    }
    double p = 0.15 / period[i];
    per_evac[i] = outages / evacs;
    g_test_message("poll %s: %.0f outages in %.0f evacuations, %.5f each (formula %.5f)",
                   polls[i], outages, evacs, per_evac[i], p);
    g_assert_cmpfloat(fabs(per_evac[i] - p), <=, 4 * sqrt(p * (1 - p) / evacs));
  }
  /* Within sampling noise of each other: nothing like v1's factor of 3. */
  g_assert_cmpfloat(per_evac[0] / per_evac[1], <, 1.5);
  g_assert_cmpfloat(per_evac[0] / per_evac[1], >, 1 / 1.5);
}

/* Heavy-tailed and degenerate draws for every duration the lifecycle and the platform add to
 * the clock: each sum saturates at "never" instead of overflowing, so a short run completes
 * and its figures stay in range. Each case puts one key to one extreme: a draw of about 0 or
 * of astronomically long (weibull(0.0001, 1s) gives both), an exponential with a mean of
 * 290,000 years, a shape-0.1 Weibull (median about 0.8 d, a tail far past the horizon). */
static void
test_extreme_draws(void)
{
  /* bounded: an extreme of the key cannot keep the app down for long (SIGKILL ends any
   * shutdown at 10 s; a route that lingers only adds a bad endpoint; two instances on four
   * cells outlive a cell that never comes back or fails again at once), so availability stays
   * above 99 %. The others may legitimately take the app down for good (a start or a route
   * registration that never ends). */
  static const struct {
    const char *key;
    gboolean bounded;
  } keys[] = {
    { "app.crash_mtbf", FALSE },
    { "app.startup", FALSE },
    { "app.graceful_shutdown", TRUE },
    { "platform.registration_lag", FALSE },
    { "platform.unregistration_lag", TRUE },
    { "platform.cell_recreate", TRUE },
    { "platform.cell_failure_mtbf", TRUE },
  };
  static const char *const values[] = {
    "weibull(0.1,30d)", "exp(15000000w)", "weibull(0.0001,1s)",
  };
  for (guint k = 0; k < G_N_ELEMENTS(keys); k++) {
    for (guint v = 0; v < G_N_ELEMENTS(values); v++) {
      g_autofree char *set = g_strdup_printf("%s=%s", keys[k].key, values[v]);
      const char *const o[] = { "scenario.horizon=30d", "scenario.replications=3",
                                "app.instances=2", "platform.updates=3/w",
                                "platform.restarts=1/w", "app.deploys=1/w",
                                "platform.cells=4", "platform.azs=2", set, NULL };
      g_autoptr(Scenario) sc = load("", o);
      g_autoptr(RunResult) r = run(sc, 2);
      g_test_message("%s: availability %.6f, downtime %.0f s a year", set,
                     r->summary[RUN_AVAILABILITY].mean, r->summary[RUN_DOWNTIME_PER_YEAR].mean);
      for (guint rep = 0; rep < r->replications; rep++) {
        double a = rep_value(r, rep, RUN_AVAILABILITY);
        double down = rep_value(r, rep, RUN_DOWNTIME_PER_YEAR);
        g_assert_cmpfloat(a, >=, keys[k].bounded ? 0.99 : 0.0);
        g_assert_cmpfloat(a, <=, 1.0);
        g_assert_cmpfloat(down, >=, 0.0);
        g_assert_cmpfloat(down, <=, 365.0 * 86400.0 + 1e-6);
      }
    }
  }
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/zdsim/model/crash-restart-closed-form", test_crash_restart_closed_form);
  g_test_add_func("/zdsim/model/restart-schedule", test_restart_schedule);
  g_test_add_func("/zdsim/model/crash-count-reset", test_crash_count_reset);
  g_test_add_func("/zdsim/model/full-foundation", test_full_foundation);
  g_test_add_func("/zdsim/model/db-outage-during-start", test_db_outage_during_start);
  g_test_add_func("/zdsim/model/jobs-identical", test_jobs_identical);
  g_test_add_func("/zdsim/model/limits", test_limits);
  g_test_add_func("/zdsim/model/cell-failure", test_cell_failure);
  g_test_add_func("/zdsim/model/rolling-restart", test_rolling_restart);
  g_test_add_func("/zdsim/model/deploys", test_deploys);
  g_test_add_func("/zdsim/model/restart-during-cell-failure", test_restart_cell_failure);
  g_test_add_func("/zdsim/model/poll-phases", test_poll_phases);
  g_test_add_func("/zdsim/model/extreme-draws", test_extreme_draws);
  return g_test_run();
}
