/* test-restart.c: infrastructure maintenance (sim/restart.c): every index restarted one at a
 * time, stop first, as `cf restart-app-instance` does (Mendix docs, Maintenance Windows:
 * single-instance apps see brief downtime, multi-instance apps stay available). Each test
 * reduces the model to restarts alone and states the timeline or formula it checks. */
#include <math.h>
#include <string.h>

#include "zdsim/run.h"

/* These tests step a model event by event and read its state. */
#include "model-internal.h"
#include "model-fixture.h"

/* An infrastructure restart's outage of a lone instance (startup 20 s, route lags 0): the
 * stop removes the route at its instant T; the index is auctioned on the first tick strictly
 * after T and healthy at its first health poll at or after 20 s, 20 s + phi. */
static void
check_restart_outage(const ModelInterval *o, gpointer data)
{
  (void) data;
  gint64 excess = o->end - (tick_after(o->start) + S(20));
  g_assert_cmpint(excess, >=, 0);
  g_assert_cmpint(excess, <, S(2));
  g_assert_cmpint(o->cause, ==, CAUSE_PLATFORM_RESTART);
}

/* Infrastructure restarts alone, one instance, startup 20 s, route lags 0. An outage runs from
 * the stop at T (route removed at once) to the new instance's first passing health poll:
 *   downtime = (tick_after(T) - T) + 20 s + phi,  phi uniform in [0, 2 s).
 * A restart at a calendar instant on the tick grid (mon 01:00 = 3600 s) waits a whole 30 s:
 * [3600, 3650 + phi). Poisson arrivals fall uniformly between ticks, so tick_after(T) - T is
 * uniform on (0, 30 s]: mean 15 s, and the mean downtime per restart is 15 + 20 + 1 = 36 s,
 * with sd sqrt(30^2 / 12 + 2^2 / 12) = 8.69 s. */
static void
test_restart_one_instance(void)
{
  {
    const char *const o[] = { "platform.restarts=mon 01:00", "scenario.horizon=1d", NULL };
    g_autoptr(Scenario) sc = load("", o);
    g_autoptr(ModelCalendar) cal = model_calendar_new(sc);
    g_autoptr(Model) model = model_new(sc, cal, 0, FALSE);
    model_run(model);
    GArray *out = model->result.outages;
    g_assert_cmpuint(out->len, ==, 1);
    const ModelInterval *o0 = &g_array_index(out, ModelInterval, 0);
    g_assert_cmpint(o0->start, ==, S(3600));
    g_assert_cmpint(o0->end, >=, S(3650));
    g_assert_cmpint(o0->end, <, S(3652));
    g_assert_cmpint(o0->cause, ==, CAUSE_PLATFORM_RESTART);
    g_assert_false(model->infra_running);
  }
  {
    const char *const o[] = { "platform.restarts=1/d", "scenario.replications=40", NULL };
    g_autoptr(Scenario) sc = load("", o);
    g_autoptr(RunResult) r = run(sc, 2);
    double total;
    guint n = each_outage(r, check_restart_outage, NULL, &total);
    double sd = sqrt(30.0 * 30.0 / 12 + 2.0 * 2.0 / 12);
    g_test_message("%u restarts, %.3f s each (formula 36 s, 4 se = %.3f s)", n, total / n,
                   4 * sd / sqrt(n));
    g_assert_cmpuint(n, >, 40 * 300);
    g_assert_cmpfloat(fabs(total / n - 36.0), <=, 4 * sd / sqrt(n));
    g_assert_cmpfloat_with_epsilon(r->cause_summary[CAUSE_PLATFORM_RESTART].mean,
                                   r->summary[RUN_DOWNTIME_PER_YEAR].mean, 1e-6);
  }
}

/* Two instances, route lags 0: while index 0 restarts, index 1 serves; index 1 stops only at
 * the instant index 0's new instance turns RUNNING, after that instance's route registered
 * (lag 0), so the app is never down. Restart at T = 3600 s: index 0 stops at T and is placed
 * on the tick 3630; RUNNING at R = 3650 + phi0; index 1 stops at R and is placed on the first
 * tick strictly after R, 3660. */
static void
test_restart_two_instances(void)
{
  {
    const char *const o[] = { "app.instances=2", "platform.restarts=mon 01:00",
                              "scenario.horizon=1d", NULL };
    g_autoptr(Scenario) sc = load("", o);
    g_autoptr(ModelCalendar) cal = model_calendar_new(sc);
    g_autoptr(Model) model = model_new(sc, cal, 0, FALSE);
    model_start(model);
    engine_run(model->engine, S(3600) + 1);
    g_assert_true(model->infra_running);
    g_assert_cmpuint(model->infra_index, ==, 0);
    g_assert_cmpint(model->index[0].place_at, ==, S(3630));
    engine_run(model->engine, S(3652));
    g_assert_cmpint(model->index[0].state, ==, INDEX_RUNNING);
    g_assert_cmpuint(model->infra_index, ==, 1);
    g_assert_cmpint(model->index[1].place_at, ==, S(3660));
    engine_run(model->engine, S(3683));
    g_assert_cmpint(model->index[1].state, ==, INDEX_RUNNING);
    g_assert_false(model->infra_running);
    engine_run(model->engine, sc->horizon);
    metrics_finish(model);
    g_assert_cmpuint(model->result.outages->len, ==, 0);
  }
  {
    const char *const o[] = { "app.instances=2", "platform.restarts=1/d",
                              "scenario.replications=20", NULL };
    g_autoptr(Scenario) sc = load("", o);
    g_autoptr(RunResult) r = run(sc, 2);
    g_assert_cmpfloat(r->summary[RUN_DOWNTIME_PER_YEAR].mean, <=, 0.0);
    g_assert_cmpfloat(r->summary[RUN_OUTAGES_PER_YEAR].mean, <=, 0.0);
  }
}

/* A restart makes a new instance (cf restart-app-instance): crash count 0, and the old
 * instance's back-off is void. Every start fails here (start_failure 1, timeout 10 s) and the
 * first instance crashes at 1 h, so (BBS restart calculator, see test_restart_schedule): crash
 * 1 at 3600 (restart at once), 2 at 3610, 3 at 3620 (30 s: tick 3660), 4 at 3670 (60 s: 3750),
 * 5 at 3760 (120 s: the tick at or after 3880, 3900). The infrastructure restart at mon 01:03
 * = 3780 s finds count 5 with a back-off pending until 3900: the count becomes 0 and the index
 * is auctioned on the tick 3810 instead. Its start fails at 3820: count 1, restart at once
 * (not count 6 and 240 s); crash 2 at 3830, crash 3 at 3840 makes the index CRASHED, which
 * ends the restart's wait for it (BBS state CRASHED). */
static void
test_restart_resets_crash_count(void)
{
  const char *const o[] = { "app.start_failure=1", "app.crash_mtbf=1h",
                            "app.health_check_timeout=10s", "platform.restarts=mon 01:03",
                            "scenario.horizon=1d", NULL };
  g_autoptr(Scenario) sc = load("", o);
  g_autoptr(ModelCalendar) cal = model_calendar_new(sc);
  g_autoptr(Model) model = model_new(sc, cal, 0, FALSE);
  model_start(model);
  Index *x = &model->index[0];
  engine_run(model->engine, S(3780));
  g_assert_cmpuint(x->crash_count, ==, 5);
  g_assert_cmpint(x->state, ==, INDEX_CRASHED);
  g_assert_cmpint(x->place_at, ==, S(3900));
  engine_run(model->engine, S(3780) + 1);
  g_assert_cmpuint(x->crash_count, ==, 0);
  g_assert_cmpint(x->place_at, ==, S(3810));
  g_assert_true(model->infra_running);
  engine_run(model->engine, S(3810) + 1);
  g_assert_cmpint(x->state, ==, INDEX_STARTING);
  g_assert_cmpint(model->containers[x->ordinary].placed_at, ==, S(3810));
  engine_run(model->engine, S(3820) + 1);
  g_assert_cmpuint(x->crash_count, ==, 1);
  g_assert_true(model->infra_running);
  engine_run(model->engine, S(3840) + 1);
  g_assert_cmpuint(x->crash_count, ==, 3);
  g_assert_cmpint(x->state, ==, INDEX_CRASHED);
  g_assert_false(model->infra_running);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/zdsim/restart/one-instance", test_restart_one_instance);
  g_test_add_func("/zdsim/restart/two-instances", test_restart_two_instances);
  g_test_add_func("/zdsim/restart/resets-crash-count", test_restart_resets_crash_count);
  return g_test_run();
}
