/* test-sweep.c: sweeps (sim/sweep.c): [sweep] expanded into points run with their own values
 * and one seed, a bad value refused before anything runs, common random numbers across
 * points, a run of points stopped early by its caller, and the labels for people. */
#include <string.h>

#include "zdsim/sweep.h"

static Scenario *
load_text(const char *text, const char *path, const char *const *overrides)
{
  g_autoptr(GError) error = NULL;
  Scenario *sc = scenario_load_data(text, strlen(text), path, overrides, &error);
  g_assert_no_error(error);
  g_assert_nonnull(sc);
  return sc;
}

static gboolean
same_doubles(const double *a, const double *b, gsize n)
{
  return memcmp(a, b, n * sizeof(double)) == 0;
}

static const char sweep_ini[] = "[scenario]\n"
                                "name = sweep-test\n"
                                "horizon = 14d\n"
                                "replications = 3\n"
                                "seed = 9\n"
                                "\n"
                                "[platform]\n"
                                "updates = 5/w\n"
                                "\n"
                                "[sweep]\n"
                                "app.instances = 1,2\n"
                                "policy.evacuation = rolling,stop-start,recreate\n";

/* [sweep] expands to the Cartesian product, first axis slowest; every point runs with its own
 * values and the base's seed. */
static void
test_expansion(void)
{
  g_autoptr(Scenario) base = load_text(sweep_ini, "sweep.ini", NULL);
  RunOptions options = { .jobs = 2 };
  g_autoptr(GError) error = NULL;
  g_autoptr(SweepResult) sweep = sweep_run(base, &options, &error);
  g_assert_no_error(error);
  static const struct {
    guint instances;
    const char *policy;
  } expected[] = {
    { 1, "rolling" }, { 1, "stop-start" }, { 1, "recreate" },
    { 2, "rolling" }, { 2, "stop-start" }, { 2, "recreate" },
  };
  g_assert_cmpuint(sweep->points->len, ==, G_N_ELEMENTS(expected));
  g_assert_cmpuint(sweep->scenarios->len, ==, G_N_ELEMENTS(expected));
  g_assert_cmpuint(sweep->results->len, ==, G_N_ELEMENTS(expected));
  g_assert_true(sweep->axes == base->sweep);
  for (guint i = 0; i < G_N_ELEMENTS(expected); i++) {
    const Scenario *sc = g_ptr_array_index(sweep->scenarios, i);
    const RunResult *r = g_ptr_array_index(sweep->results, i);
    g_assert_cmpuint(sc->instances, ==, expected[i].instances);
    g_assert_cmpstr(sc->evacuation, ==, expected[i].policy);
    g_assert_true(r->scenario == sc);
    g_assert_cmpuint(sc->seed, ==, 9);
    g_autofree char *label = sweep_point_label(g_ptr_array_index(sweep->points, i));
    g_autofree char *want = g_strdup_printf("app.instances=%u policy.evacuation=%s",
                                            expected[i].instances, expected[i].policy);
    g_assert_cmpstr(label, ==, want);
  }

  /* A bad value anywhere fails before anything runs, naming the point. */
  const char *const bad[] = { "scenario.replications=1", NULL };
  g_autofree char *bad_ini = g_strconcat(sweep_ini, "app.startup = 30s,fast\n", NULL);
  g_autoptr(Scenario) bad_base = scenario_load_data(bad_ini, strlen(bad_ini), "bad.ini", bad,
                                                    &error);
  if (bad_base != NULL) {
    g_autoptr(SweepResult) none = sweep_run(bad_base, &options, &error);
    g_assert_null(none);
    g_assert_nonnull(error);
    g_test_message("%s", error->message);
  } else {
    g_test_message("refused at load: %s", error->message);
  }
}

/* A point's overrides win over the base's, and a scenario that refuses a point says which. */
static void
test_point_scenario(void)
{
  const char *const base_overrides[] = { "app.instances=3", "policy.evacuation=rolling", NULL };
  g_autoptr(Scenario) base = load_text("[scenario]\nname = p\n", "p.ini", base_overrides);
  const char *const point[] = { "app.instances=5", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(Scenario) sc = sweep_point_scenario(base, point, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(sc->instances, ==, 5);
  g_assert_cmpstr(sc->evacuation, ==, "rolling");
  g_autoptr(Scenario) same = sweep_point_scenario(base, NULL, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(same->instances, ==, 3);

  const char *const bad[] = { "app.instances=lots", NULL };
  g_assert_null(sweep_point_scenario(base, bad, &error));
  g_assert_nonnull(error);
  g_assert_true(g_str_has_prefix(error->message, "sweep point app.instances=lots: "));
}

typedef struct {
  guint stop_at;   /* the point after which to stop */
  guint calls;     /* stop() calls */
  guint last_done, last_total; /* the progress last reported */
} StopState;

static gboolean
stop_at(const SweepResult *sweep, guint i, void *user_data)
{
  StopState *st = user_data;
  g_assert_cmpuint(i + 1, ==, sweep->results->len);
  st->calls++;
  return i == st->stop_at;
}

static void
record_progress(guint done, guint total, void *user_data)
{
  StopState *st = user_data;
  g_assert_cmpuint(done, <=, total);
  st->last_done = done;
  st->last_total = total;
}

/* Points added with sweep_add_point() run in order until the caller's stop function says so;
 * the points that did not run are dropped, and the progress, counted over every added point
 * (3 points x 2 replications), is told the work is over. */
static void
test_stop_early(void)
{
  const char *const o[] = { "scenario.replications=2", "scenario.horizon=7d", NULL };
  g_autoptr(Scenario) base = load_text("[scenario]\nname = stop\n", "stop.ini", o);
  g_autoptr(SweepResult) sweep = sweep_result_new(g_ptr_array_new());
  g_autoptr(GError) error = NULL;
  for (guint n = 1; n <= 3; n++) {
    g_autofree char *assignment = g_strdup_printf("app.instances=%u", n);
    const char *const point[] = { assignment, NULL };
    g_assert_true(sweep_add_point(sweep, base, point, &error));
    g_assert_no_error(error);
  }
  g_assert_cmpuint(sweep->scenarios->len, ==, 3);
  g_assert_cmpuint(sweep->results->len, ==, 0);

  StopState st = { .stop_at = 1 };
  RunOptions options = { .jobs = 1, .progress = record_progress, .progress_data = &st };
  g_assert_true(sweep_run_points(sweep, &options, stop_at, &st, &error));
  g_assert_no_error(error);
  g_assert_cmpuint(st.calls, ==, 2);
  g_assert_cmpuint(sweep->results->len, ==, 2);
  g_assert_cmpuint(sweep->points->len, ==, 2);
  g_assert_cmpuint(sweep->scenarios->len, ==, 2);
  g_assert_cmpuint(st.last_total, ==, 6);
  g_assert_cmpuint(st.last_done, ==, 6);
  for (guint i = 0; i < 2; i++)
    g_assert_cmpuint(((const RunResult *) g_ptr_array_index(sweep->results, i))->scenario
                         ->instances, ==, i + 1);
}

/* Labels for people. */
static void
test_labels(void)
{
  const char *const point[] = { "app.instances=2", "policy.evacuation=rolling", NULL };
  const char *const empty[] = { NULL };
  g_autofree char *label = sweep_point_label(point);
  g_autofree char *base = sweep_point_label(NULL);
  g_autofree char *base2 = sweep_point_label(empty);
  g_assert_cmpstr(label, ==, "app.instances=2 policy.evacuation=rolling");
  g_assert_cmpstr(base, ==, "(base)");
  g_assert_cmpstr(base2, ==, "(base)");

  g_autoptr(Scenario) sc = load_text(sweep_ini, "sweep.ini", NULL);
  g_autofree char *axes = sweep_axes_text(sc->sweep, " x ");
  g_assert_cmpstr(axes, ==,
                  "app.instances = 1, 2 x policy.evacuation = rolling, stop-start, recreate");
}

/* Common random numbers: two points that differ only in the traffic (which decides the
 * requests served but draws nothing at random and changes no instance) see the same
 * replications, so their time availability agrees replication by replication, bit for bit. */
static void
test_common_random_numbers(void)
{
  static const char ini[] = "[scenario]\n"
                            "name = crn\n"
                            "horizon = 30d\n"
                            "replications = 8\n"
                            "seed = 11\n"
                            "\n"
                            "[sweep]\n"
                            "traffic.peak_rps = 20,30\n";
  g_autoptr(Scenario) base = load_text(ini, "crn.ini", NULL);
  RunOptions options = { .jobs = 2 };
  g_autoptr(GError) error = NULL;
  g_autoptr(SweepResult) sweep = sweep_run(base, &options, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(sweep->results->len, ==, 2);
  const RunResult *a = g_ptr_array_index(sweep->results, 0);
  const RunResult *b = g_ptr_array_index(sweep->results, 1);
  for (guint r = 0; r < a->replications; r++) {
    const double *va = &a->values[r * RUN_METRIC_COUNT];
    const double *vb = &b->values[r * RUN_METRIC_COUNT];
    g_assert_true(same_doubles(&va[RUN_AVAILABILITY], &vb[RUN_AVAILABILITY], 1));
    g_assert_true(same_doubles(&va[RUN_OUTAGES_PER_YEAR], &vb[RUN_OUTAGES_PER_YEAR], 1));
  }
  /* Replications differ among themselves (so the agreement above means something). */
  g_assert_cmpfloat(a->summary[RUN_OUTAGES_PER_YEAR].sd, >, 0);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/zdsim/sweep/expansion", test_expansion);
  g_test_add_func("/zdsim/sweep/point-scenario", test_point_scenario);
  g_test_add_func("/zdsim/sweep/stop-early", test_stop_early);
  g_test_add_func("/zdsim/sweep/labels", test_labels);
  g_test_add_func("/zdsim/sweep/common-random-numbers", test_common_random_numbers);
  return g_test_run();
}
