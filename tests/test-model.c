/* test-model.c: validation of the Cloud Foundry model against closed forms and documented
 * platform behaviour. Each test reduces the model (DESIGN.md: "a probability of 0 and none
 * switch a mechanism off") until its answer follows from a formula stated beside it. */
#include <math.h>
#include <string.h>

#include "zdsim/report.h"
#include "zdsim/run.h"

#define S(x) ((gint64) (x) * DIST_USEC_PER_SEC)

/* Everything that is not under test is off: no database work, no portal maintenance, no
 * updates unless the test asks, no start failures, route lags of 0. */
static const char *const quiet_base[] = {
  "scenario.seed=7",
  "app.start_failure=0",
  "app.startup=20s",
  "app.graceful_shutdown=4s",
  "platform.updates=none",
  "platform.registration_lag=0s",
  "platform.unregistration_lag=0s",
  "database.maintenance_rate=0",
  "portal.environment_maintenance_rate=0",
};

/* A scenario of the quiet base, then @sets (a space-separated list of overrides), then
 * @overrides; @sections adds [action NAME] sections. */
static Scenario *
load_full(const char *sets, const char *sections, const char *const *overrides)
{
  g_autofree char *text = g_strconcat("[scenario]\n", sections != NULL ? sections : "", NULL);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < G_N_ELEMENTS(quiet_base); i++)
    g_ptr_array_add(all, g_strdup(quiet_base[i]));
  g_auto(GStrv) words = g_strsplit_set(sets != NULL ? sets : "", " \n", -1);
  for (char **w = words; *w != NULL; w++)
    if (**w != '\0')
      g_ptr_array_add(all, g_strdup(*w));
  for (const char *const *o = overrides; o != NULL && *o != NULL; o++)
    g_ptr_array_add(all, g_strdup(*o));
  g_ptr_array_add(all, NULL);
  g_autoptr(GError) error = NULL;
  Scenario *sc = scenario_load_data(text, strlen(text), "test.ini",
                                    (const char *const *) all->pdata, &error);
  g_assert_no_error(error);
  g_assert_nonnull(sc);
  return sc;
}

static Scenario *
load(const char *sets, const char *const *overrides)
{
  return load_full(sets, NULL, overrides);
}

static RunResult *
run(const Scenario *sc, guint jobs)
{
  RunOptions options = { .jobs = jobs };
  g_autoptr(GError) error = NULL;
  RunResult *r = run_execute(sc, &options, &error);
  g_assert_no_error(error);
  return r;
}

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

/* The BBS restart calculator (domain-facts §2): counts 1-2 restart at once; count n in 3..199
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
 * strictly after the cell takes work again, and starts (20 s). With the update at T = 3600 s:
 * outage from T + 600 to tick_after(T + 600 + 5 + 2 + 300) + 20 = 4530 + 20 = 4550 s. */
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
  g_assert_cmpint(o0->end, ==, tick + S(20));
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
 *   start 5 at 4440, database up since 4400: healthy at the first poll >= 4440 + 20 = 4460.
 * The outage runs from the database going down at 3540 to 4460: 60 s longer than the
 * database's. */
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
  g_assert_cmpint(o0->end, ==, S(4460));
  g_assert_cmpuint(model->result.crashes, ==, 4);
  g_assert_cmpuint(model->index[0].crash_count, ==, 4);
  /* It began with the database, so it is the action's (a db-failover action). */
  g_assert_cmpint(o0->cause, ==, CAUSE_ACTION);
}

/* Same seed, any number of threads: the same figures to the last bit, and the same JSON once
 * the machine-dependent timing fields are left out. */
static char *
json_without_timing(const RunResult *r)
{
  g_autoptr(JsonNode) node = report_json_node(r);
  JsonObject *obj = json_node_get_object(node);
  json_object_remove_member(obj, "wall_s");
  json_object_remove_member(obj, "events_per_second");
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
 * the index is placed elsewhere and starts (20 s). One outage [3600, 3650), the action's. */
static void
test_cell_failure(void)
{
  const char *sections = "[action boom]\nat = 2027-01-04T01:00:00Z\naction = cell-failure\n"
                         "cell = 0\n";
  g_autoptr(Scenario) sc = load_full("scenario.horizon=1d platform.cells=2 platform.azs=1 "
                                     "platform.cell_recreate=1m",
                                     sections, NULL);
  g_autoptr(ModelCalendar) cal = model_calendar_new(sc);
  g_autoptr(Model) model = model_new(sc, cal, 0, FALSE);
  model_start(model);
  /* Put the instance on cell 0 whatever the auction chose at time 0. */
  if (model->containers[model->index[0].ordinary].cell != 0) {
    const char *swap = "[action boom]\nat = 2027-01-04T01:00:00Z\naction = cell-failure\n"
                       "cell = 1\n";
    scenario_free(g_steal_pointer(&sc));
    sc = load_full("scenario.horizon=1d platform.cells=2 platform.azs=1 "
                   "platform.cell_recreate=1m", swap, NULL);
    model_free(g_steal_pointer(&model));
    model = model_new(sc, cal, 0, FALSE);
    model_start(model);
  }
  engine_run(model->engine, sc->horizon);
  metrics_finish(model);
  GArray *out = model->result.outages;
  g_assert_cmpuint(out->len, ==, 1);
  const ModelInterval *o = &g_array_index(out, ModelInterval, 0);
  g_assert_cmpint(o->start, ==, S(3600));
  g_assert_cmpint(o->end, ==, S(3650));
  g_assert_cmpint(o->cause, ==, CAUSE_ACTION);
}

/* cf restart --strategy rolling on one instance: the new one starts while the old serves, and
 * the old stops the moment the new is RUNNING (20 s); with route lags of 0 there is no gap,
 * and for those 20 s two containers run (the cost surge). */
static void
test_rolling_restart(void)
{
  const char *sections = "[action roll]\nat = 2027-01-04T01:00:00Z\naction = rolling-restart\n";
  g_autoptr(Scenario) sc = load_full("scenario.horizon=1d", sections, NULL);
  g_autoptr(ModelCalendar) cal = model_calendar_new(sc);
  g_autoptr(Model) model = model_new(sc, cal, 0, FALSE);
  model_run(model);
  g_assert_cmpuint(model->result.outages->len, ==, 0);
  /* 1 day of one container, plus 20 s of the second, plus its stop (5 s proxy drain + 4 s). */
  double expected = 86400.0 + 20.0 + 5.0 + 4.0;
  g_assert_cmpfloat_with_epsilon(model->result.container_us / 1e6, expected, 1e-6);
  g_assert_cmpuint(model->index[0].crash_count, ==, 0);
}

/* A cell that vanishes during its watch time and comes back watches again from the start:
 * the old watch must not end the new one. Update at T = 1 h on three cells, one per zone;
 * cell 0 recreates in 5 min and watches 10 min; zone 0 fails at T + 6 min for 2 min, so cell
 * 0 is back at T + 8 min and watches until T + 18 min, when zone 1's cell starts draining.
 * (Had the first watch counted, it would have ended at T + 15 min.) */
static void
test_watch_restarts_after_failure(void)
{
  const char *sets = "platform.cells=3 platform.azs=3 platform.cell_recreate=5m "
                     "platform.watch_time=10m scenario.horizon=1d";
  const char *sections = "[action update]\nat = 2027-01-04T01:00:00Z\naction = platform-update\n"
                         "[action outage]\nat = 2027-01-04T01:06:00Z\naction = az-outage\n"
                         "zone = 0\nduration = 2m\n";
  g_autoptr(Scenario) sc = load_full(sets, sections, NULL);
  g_autoptr(ModelCalendar) cal = model_calendar_new(sc);
  g_autoptr(Model) model = model_new(sc, cal, 0, FALSE);
  model_start(model);
  gint64 t = S(3600);
  engine_run(model->engine, t + S(17 * 60));
  g_assert_cmpint(model->cells[0].state, ==, CELL_WATCHING);
  g_assert_cmpint(model->cells[1].state, ==, CELL_UP);
  engine_run(model->engine, t + S(18 * 60) + 1);
  g_assert_cmpint(model->cells[0].state, ==, CELL_UP);
  g_assert_cmpint(model->cells[1].state, !=, CELL_UP);  /* zone 1's turn */
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

/* The auction's index against DESIGN.md §10.4 evaluated literally on every cell: levels of
 * zone load, score 1000 n + (used + 1) / capacity, fit while used < capacity. On random
 * foundations (some cells draining), every pick must be one of the best cells, and repeated
 * picks must spread uniformly over them (chi-square below the 0.999 critical value). */
static void
test_auction_reference(void)
{
  const char *const o[] = { "app.instances=60", "platform.cells=30", "platform.azs=3",
                            "platform.cell_capacity=5", "platform.cell_utilization=0.2", NULL };
  g_autoptr(Scenario) sc = load("", o);
  g_autoptr(ModelCalendar) cal = model_calendar_new(sc);
  for (guint trial = 0; trial < 20; trial++) {
    g_autoptr(Model) m = model_new(sc, cal, trial, FALSE);
    DistRng rng;
    dist_rng_seed(&rng, 99, trial);
    for (guint32 c = 0; c < m->n_cells; c++)
      if (dist_rng_below(&rng, 5) == 0)
        foundation_set_cell_state(m, c, CELL_DRAINING);
    guint share = 1;  /* round(5 * 0.2) */
    guint placed = (guint) dist_rng_below(&rng, 40);
    for (guint i = 0; i < placed; i++) {
      guint32 c = (guint32) dist_rng_below(&rng, m->n_cells);
      if (m->cells[c].app_containers + share < sc->cell_capacity)
        instance_place_running(m, i, c);
    }
    /* The reference: zone loads over cells that take work, then levels. */
    guint load[3] = { 0 };
    for (guint32 c = 0; c < m->n_cells; c++)
      if (foundation_takes_work(m->cells[c].state))
        load[m->cells[c].zone] += m->cells[c].app_containers;
    gboolean best[30] = { FALSE };
    guint n_best = 0;
    for (guint level = 0; level <= 60 && n_best == 0; level++) {
      double best_score = G_MAXDOUBLE;
      for (guint32 c = 0; c < m->n_cells; c++) {
        const Cell *cell = &m->cells[c];
        guint used = share + cell->app_containers;
        if (!foundation_takes_work(cell->state) || load[cell->zone] != level ||
            used >= sc->cell_capacity)
          continue;
        double score = 1000.0 * cell->app_containers + (used + 1.0) / sc->cell_capacity;
        best_score = MIN(best_score, score);
      }
      for (guint32 c = 0; c < m->n_cells; c++) {
        const Cell *cell = &m->cells[c];
        guint used = share + cell->app_containers;
        if (!foundation_takes_work(cell->state) || load[cell->zone] != level ||
            used >= sc->cell_capacity)
          continue;
        double score = 1000.0 * cell->app_containers + (used + 1.0) / sc->cell_capacity;
        if (!(score > best_score) && !(score < best_score)) {
          best[c] = TRUE;
          n_best++;
        }
      }
    }
    guint counts[30] = { 0 };
    guint draws = 200 * MAX(n_best, 1u);
    for (guint d = 0; d < draws; d++) {
      guint32 c = foundation_place(m, 0);
      if (n_best == 0) {
        g_assert_cmpuint(c, ==, MODEL_NONE);
        break;
      }
      g_assert_cmpuint(c, <, m->n_cells);
      g_assert_true(best[c]);
      counts[c]++;
    }
    if (n_best > 1) {
      double expected = (double) draws / n_best, chi2 = 0;
      for (guint c = 0; c < 30; c++)
        if (best[c])
          chi2 += (counts[c] - expected) * (counts[c] - expected) / expected;
      /* 0.999 quantile of chi-square with n_best - 1 <= 29 degrees of freedom is below 59. */
      g_assert_cmpfloat(chi2, <, 59.0);
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
  g_test_add_func("/zdsim/platform/watch-restarts-after-failure",
                  test_watch_restarts_after_failure);
  g_test_add_func("/zdsim/foundation/auction-reference", test_auction_reference);
  return g_test_run();
}
