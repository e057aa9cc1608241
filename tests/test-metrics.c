/* test-metrics.c: what a replication measures (sim/metrics.c, and the per-year figures of
 * sim/run.c): every microsecond of downtime booked to exactly one cause, capacity shortfall
 * apart from the causes, and the warm-up that no metric counts. Expected values come from
 * the definitions (README, JSON and Reading the report) and hand-derived timelines. */
#include <math.h>
#include <string.h>

#include "zdsim/run.h"

/* These tests step a model event by event and read its state. */
#include "model-internal.h"

#define S(x) ((gint64) (x) * DIST_USEC_PER_SEC)
#define HOUR_US(x) ((gint64) (x) * 3600 * DIST_USEC_PER_SEC)
#define DAY_US(x) ((gint64) (x) * 86400 * DIST_USEC_PER_SEC)

static Scenario *
load_file(const char *path, const char *const *overrides)
{
  g_autoptr(GError) error = NULL;
  Scenario *sc = scenario_load(path, overrides, &error);
  g_assert_no_error(error);
  g_assert_nonnull(sc);
  return sc;
}

static Scenario *
load_text(const char *text, const char *const *overrides)
{
  g_autoptr(GError) error = NULL;
  Scenario *sc = scenario_load_data(text, strlen(text), "test.ini", overrides, &error);
  g_assert_no_error(error);
  g_assert_nonnull(sc);
  return sc;
}

/* Runs replication @r of @sc and checks the causes: their sum is the downtime
 * horizon - warmup - up_time exactly, in integer microseconds; none is negative. */
static void
assert_causes_sum(const Scenario *sc, const ModelCalendar *cal, guint r, ModelResult *out)
{
  g_autoptr(Model) model = model_new(sc, cal, r, FALSE);
  model_run(model);
  const ModelResult *m = &model->result;
  gint64 sum = 0;
  for (guint c = 0; c < CAUSE_COUNT; c++) {
    g_assert_cmpint(m->down_by_cause[c], >=, 0);
    sum += m->down_by_cause[c];
  }
  gint64 down = m->horizon - m->warmup - m->up_time;
  if (sum != down)
    g_test_message("%s replication %u: causes %" G_GINT64_FORMAT " us, downtime %" G_GINT64_FORMAT
                   " us", sc->name, r, sum, down);
  g_assert_cmpint(sum, ==, down);
  /* The capacity shortfall is time up: it never exceeds the up time. */
  g_assert_cmpint(m->capacity_short_time, >=, 0);
  g_assert_cmpint(m->capacity_short_time, <=, m->up_time);
  if (out != NULL) {
    *out = *m;
    out->outages = NULL;
    out->updates_spans = NULL;
  }
}

/* Every example scenario (scenarios/ *.ini and scenarios/regression/ *.ini), with fewer
 * replications and a shorter horizon for speed, and again with a warm-up: per replication the
 * causes add up to the downtime exactly. */
static void
test_causes_sum_examples(void)
{
  const char *srcdir = g_getenv("G_TEST_SRCDIR");
  g_autofree char *tests = srcdir != NULL ? g_strdup(srcdir) : g_path_get_dirname(__FILE__);
  g_autofree char *top = g_path_get_dirname(tests);
  static const char *const dirs[] = { "scenarios", "scenarios/regression" };
  guint files = 0;
  for (guint d = 0; d < G_N_ELEMENTS(dirs); d++) {
    g_autofree char *dir_path = g_build_filename(top, dirs[d], NULL);
    g_autoptr(GDir) dir = g_dir_open(dir_path, 0, NULL);
    g_assert_nonnull(dir);
    const char *name;
    while ((name = g_dir_read_name(dir)) != NULL) {
      if (!g_str_has_suffix(name, ".ini"))
        continue;
      g_autofree char *path = g_build_filename(dir_path, name, NULL);
      static const char *const plain[] = { "scenario.horizon=120d", NULL };
      static const char *const warm[] = { "scenario.horizon=120d", "scenario.warmup=17d",
                                          NULL };
      const char *const *sets[] = { plain, warm };
      for (guint v = 0; v < G_N_ELEMENTS(sets); v++) {
        g_autoptr(Scenario) sc = load_file(path, sets[v]);
        g_autoptr(ModelCalendar) cal = model_calendar_new(sc);
        for (guint r = 0; r < 3; r++)
          assert_causes_sum(sc, cal, r, NULL);
      }
      files++;
    }
  }
  g_assert_cmpuint(files, >=, 10);
}

/* Capacity shortfall is never a cause: no cause is called "capacity". The example,
 * one Mendix instance with app.capacity_rps = 10 under the default traffic (peak 20 rps in
 * business hours, 2 rps outside): the one instance serves 10 < 20 rps in business hours and
 * 10 >= 2 outside, so with stop-start (never two instances serving at once) the shortfall is
 * exactly the business-hours up time, and the causes still add up to the downtime. */
static void
test_capacity_not_a_cause(void)
{
  for (guint c = 0; c < CAUSE_COUNT; c++)
    g_assert_cmpstr(model_cause_name(c), !=, "capacity");
  g_assert_cmpint(run_metric_lookup("capacity_shortfall_per_year_s"), ==,
                  RUN_CAPACITY_SHORTFALL);

  const char *srcdir = g_getenv("G_TEST_SRCDIR");
  g_autofree char *tests = srcdir != NULL ? g_strdup(srcdir) : g_path_get_dirname(__FILE__);
  g_autofree char *path = g_build_filename(tests, "..", "scenarios", "mendix-1-instance.ini",
                                           NULL);
  static const char *const o[] = { "app.capacity_rps=10", "policy.evacuation=stop-start",
                                   "scenario.horizon=90d", NULL };
  g_autoptr(Scenario) sc = load_file(path, o);
  g_autoptr(ModelCalendar) cal = model_calendar_new(sc);
  for (guint r = 0; r < 3; r++) {
    ModelResult m;
    assert_causes_sum(sc, cal, r, &m);
    g_assert_cmpint(m.capacity_short_time, >, 0);
    g_assert_cmpint(m.capacity_short_time, ==, m.business_up_time);
    /* And per year, in the run's figures: shortfall apart, causes summing to downtime. */
    double v[RUN_METRIC_COUNT], cause[CAUSE_COUNT];
    m.outages = g_array_new(FALSE, FALSE, sizeof(ModelInterval));
    run_extract(&m, v, cause);
    g_array_unref(m.outages);
    double sum = 0;
    for (guint c = 0; c < CAUSE_COUNT; c++)
      sum += cause[c];
    g_assert_cmpfloat(fabs(sum - v[RUN_DOWNTIME_PER_YEAR]), <=, 1e-9 * v[RUN_DOWNTIME_PER_YEAR]);
    double per_year = 365.0 * 86400.0 / (90.0 * 86400.0);
    g_assert_cmpfloat(fabs(v[RUN_CAPACITY_SHORTFALL] -
                           (double) m.business_up_time / DIST_USEC_PER_SEC * per_year),
                      <, 1e-6);
  }
}

/* A cause that changes inside one outage: the app's one instance is stopped by a restart
 * action at 10:00:00 UTC (down from then: route gone at once, lags 0); the database goes
 * down at 10:00:05 for failover = 60 s, while the instance is still stopping. Timeline:
 * [10:00:00, 10:00:05) is action (the stop took the last route), [10:00:05, 10:01:05) is
 * db-failure (the database outage wins while it lasts), and from 10:01:05 until the app is
 * up again action again. The outage is one, listed under action; the causes add up. */
static void
test_cause_changes_within_outage(void)
{
  static const char text[] = "[scenario]\nhorizon = 2d\n"
                             "[app]\nstart_failure = 0\nstartup = 90s\n"
                             "[platform]\nupdates = none\nrestarts = none\n"
                             "registration_lag = 0s\nunregistration_lag = 0s\n"
                             "[database]\nmaintenance_rate = 0\nfailover = 60s\n"
                             "[portal]\nenvironment_maintenance_rate = 0\n"
                             "[action stop]\nat = 2027-01-04T10:00:00Z\naction = restart\n"
                             "[action db]\nat = 2027-01-04T10:00:05Z\naction = db-failover\n";
  g_autoptr(Scenario) sc = load_text(text, NULL);
  g_autoptr(ModelCalendar) cal = model_calendar_new(sc);
  g_autoptr(Model) model = model_new(sc, cal, 0, FALSE);
  model_run(model);
  const ModelResult *m = &model->result;
  g_assert_cmpint(m->down_by_cause[CAUSE_DB_FAILURE], ==, S(60));
  gint64 down = m->horizon - m->up_time;
  /* The restart's outage lasts past the database outage: startup 90 s after the container is
   * gone. */
  g_assert_cmpint(down, >, S(65));
  g_assert_cmpint(m->down_by_cause[CAUSE_ACTION], ==, down - S(60));
  g_assert_cmpuint(m->outages->len, ==, 1);
  const ModelInterval *o = &g_array_index(m->outages, ModelInterval, 0);
  g_assert_cmpint(o->start, ==, HOUR_US(10));
  g_assert_cmpint(o->cause, ==, CAUSE_ACTION);
  g_assert_cmpint(o->end - o->start, ==, down);
}

/* Downtime after a db_loss_crash_after crash keeps the database's cause until the app is up
 * again (the model's rule). One instance, startup 120 s, start timeout 180 s; the database fails
 * over at 10:00 for 300 s and the instance crashes at 10:01 (down 60 s). Timeline: its
 * restart is placed at 10:01 and cannot be healthy while the database is down, so it crashes
 * at its timeout, 10:04 (crash count 2: restarted at once); that start is healthy at its first
 * poll after 120 s, about 10:06, with the database up since 10:05. All of
 * [10:00, about 10:06) is db-failure, the minute after the database came back included; no
 * other cause has any. */
static void
test_db_loss_crash_keeps_cause(void)
{
  static const char text[] = "[scenario]\nhorizon = 1d\n"
                             "[app]\nstart_failure = 0\nstartup = 120s\n"
                             "health_check_timeout = 180s\ndb_loss_crash_after = 60s\n"
                             "[platform]\nupdates = none\nrestarts = none\n"
                             "registration_lag = 0s\nunregistration_lag = 0s\n"
                             "[database]\nmaintenance_rate = 0\nfailover = 300s\n"
                             "[portal]\nenvironment_maintenance_rate = 0\n"
                             "[action db]\nat = 2027-01-04T10:00:00Z\naction = db-failover\n";
  g_autoptr(Scenario) sc = load_text(text, NULL);
  g_autoptr(ModelCalendar) cal = model_calendar_new(sc);
  ModelResult m;
  assert_causes_sum(sc, cal, 0, &m);
  gint64 down = m.horizon - m.up_time;
  g_test_message("down %.3f s", (double) down / DIST_USEC_PER_SEC);
  g_assert_cmpint(down, >=, S(360));
  g_assert_cmpint(down, <, S(400));
  g_assert_cmpint(m.down_by_cause[CAUSE_DB_FAILURE], ==, down);
  g_assert_cmpuint(m.crashes, >=, 2);
}

static const char warm_text[] = "[scenario]\nhorizon = 10d\nwarmup = 2d\nreplications = 3\n"
                                "[app]\nstart_failure = 0\n"
                                "[platform]\nupdates = none\nrestarts = none\n"
                                "[database]\nmaintenance_rate = 0\nfailover = 120s\n"
                                "[portal]\nenvironment_maintenance_rate = 0\n";

/* Warm-up 2 d of a 10 d horizon, the database's failover actions the only outages (the
 * instances keep running, so the app is down exactly while the database is):
 * - a failover of 120 s at day 1 lies inside the warm-up: 0 downtime, 0 outages;
 * - a failover at 2 d - 30 s straddles its end: 90 s counted, one outage [2 d, 2 d + 90 s);
 * - a failover at day 5 counts whole: 120 s.
 * Per year divides by horizon - warmup = 8 d: 120 s -> 120 x 365 / 8 = 5475 s a year, and
 * availability 1 - 120 / (8 x 86400). */
static void
test_warmup(void)
{
  static const struct {
    const char *at;
    gint64 down;
    gint64 outage_start;
  } cases[] = {
    { "2027-01-05T00:00:00Z", 0, -1 },
    { "2027-01-05T23:59:30Z", S(90), DAY_US(2) },
    { "2027-01-09T00:00:00Z", S(120), DAY_US(5) },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *text = g_strdup_printf("%s[action failover]\nat = %s\naction = db-failover\n",
                                            warm_text, cases[i].at);
    g_autoptr(Scenario) sc = load_text(text, NULL);
    g_autoptr(ModelCalendar) cal = model_calendar_new(sc);
    ModelResult m;
    assert_causes_sum(sc, cal, 0, &m);
    g_assert_cmpint(m.warmup, ==, DAY_US(2));
    g_assert_cmpint(m.horizon - m.warmup - m.up_time, ==, cases[i].down);
    g_assert_cmpint(m.down_by_cause[CAUSE_DB_FAILURE], ==, cases[i].down);

    g_autoptr(Model) model = model_new(sc, cal, 0, FALSE);
    model_run(model);
    GArray *outages = model->result.outages;
    g_assert_cmpuint(outages->len, ==, cases[i].down > 0 ? 1 : 0);
    if (cases[i].down > 0) {
      const ModelInterval *o = &g_array_index(outages, ModelInterval, 0);
      g_assert_cmpint(o->start, ==, cases[i].outage_start);
      g_assert_cmpint(o->end - o->start, ==, cases[i].down);
    }

    g_autoptr(RunResult) r = NULL;
    {
      RunOptions options = { .jobs = 1 };
      g_autoptr(GError) error = NULL;
      r = run_execute(sc, &options, &error);
      g_assert_no_error(error);
    }
    double down_s = (double) cases[i].down / DIST_USEC_PER_SEC;
    double want = down_s * 365.0 / 8.0;
    g_assert_cmpfloat(fabs(r->summary[RUN_DOWNTIME_PER_YEAR].mean - want), <, 1e-6);
    g_assert_cmpfloat(fabs(r->cause_summary[CAUSE_DB_FAILURE].mean - want), <, 1e-6);
    g_assert_cmpfloat(fabs(r->summary[RUN_AVAILABILITY].mean - (1 - down_s / (8 * 86400.0))),
                      <, 1e-12);
    g_assert_cmpfloat(fabs(r->summary[RUN_OUTAGES_PER_YEAR].mean -
                           (cases[i].down > 0 ? 365.0 / 8.0 : 0.0)),
                      <, 1e-9);
  }
  /* The hand-derived figure for the day-5 failover. */
  g_assert_cmpfloat(fabs(120.0 * 365.0 / 8.0 - 5475.0), <, 1e-9);
}

/* Business hours after the warm-up: mon-fri 08:00-18:00 Europe/Amsterdam is 07:00-17:00 UTC
 * in January. From Monday 2027-01-04 00:00 UTC, a 2 d warm-up and a 7 d horizon measure
 * Wednesday 00:00 to Monday 00:00: Wednesday, Thursday and Friday, 3 x 10 h = 30 h. A
 * platform update at 01:00 on day 1 is over well before the warm-up ends (12 cells, each at
 * most 600 s drain + 8 min recreate + 30 s watch: under 4 h), so none of its evacuations
 * count; without the warm-up they do. */
static void
test_warmup_calendar_and_counts(void)
{
  static const char text[] = "[scenario]\nhorizon = 7d\nwarmup = 2d\n"
                             "[platform]\nupdates = none\nrestarts = none\n"
                             "[database]\nmaintenance_rate = 0\n"
                             "[portal]\nenvironment_maintenance_rate = 0\n"
                             "[action update]\nat = 2027-01-04T01:00:00Z\n"
                             "action = platform-update\n";
  g_autoptr(Scenario) sc = load_text(text, NULL);
  g_autoptr(ModelCalendar) cal = model_calendar_new(sc);
  ModelResult m;
  assert_causes_sum(sc, cal, 0, &m);
  g_assert_cmpint(m.business_time, ==, HOUR_US(30));
  g_assert_cmpuint(m.evacuations, ==, 0);
  g_assert_cmpuint(m.updates, ==, 0);

  static const char *const no_warmup[] = { "scenario.warmup=0s", NULL };
  g_autoptr(Scenario) sc0 = load_text(text, no_warmup);
  g_autoptr(ModelCalendar) cal0 = model_calendar_new(sc0);
  ModelResult m0;
  assert_causes_sum(sc0, cal0, 0, &m0);
  /* Monday to Friday: 5 x 10 h. */
  g_assert_cmpint(m0.business_time, ==, HOUR_US(50));
  g_assert_cmpuint(m0.evacuations, >, 0);
  g_assert_cmpuint(m0.updates, ==, 1);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/zdsim/metrics/causes-sum-examples", test_causes_sum_examples);
  g_test_add_func("/zdsim/metrics/capacity-not-a-cause", test_capacity_not_a_cause);
  g_test_add_func("/zdsim/metrics/cause-changes-within-outage",
                  test_cause_changes_within_outage);
  g_test_add_func("/zdsim/metrics/db-loss-crash-keeps-cause", test_db_loss_crash_keeps_cause);
  g_test_add_func("/zdsim/metrics/warmup", test_warmup);
  g_test_add_func("/zdsim/metrics/warmup-calendar-and-counts", test_warmup_calendar_and_counts);
  return g_test_run();
}
