/* test-database.c: the app's RDS database (sim/database.c) and the RDS window a replication
 * draws for a region (model_db_window_* in sim/model.c): random failures on an up-time clock,
 * their recovery by Multi-AZ failover or by a Single-AZ outage, and AWS's default window drawn
 * from a region's block. Expected values come from formulas and hand-derived timelines. */
#include <math.h>
#include <string.h>

#include "zdsim/run.h"

/* These tests step a model event by event and read its state. */
#include "model-internal.h"

#define S(x) ((gint64) (x) * DIST_USEC_PER_SEC)
#define MIN_US(x) ((gint64) (x) * 60 * DIST_USEC_PER_SEC)
#define HOUR_US(x) ((gint64) (x) * 3600 * DIST_USEC_PER_SEC)
#define DAY_US(x) ((gint64) (x) * 86400 * DIST_USEC_PER_SEC)

/* Everything but the database off: no updates, restarts, crashes or portal maintenance, no
 * start failures, route lags 0. With one instance that never stops, the app is up exactly
 * when the database is. */
static const char *const quiet_base[] = {
  "scenario.seed=11",
  "app.start_failure=0",
  "app.startup=20s",
  "platform.updates=none",
  "platform.restarts=none",
  "platform.registration_lag=0s",
  "platform.unregistration_lag=0s",
  "database.maintenance_rate=0",
  "portal.environment_maintenance_rate=0",
};

static Scenario *
load(const char *text, const char *sets)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < G_N_ELEMENTS(quiet_base); i++)
    g_ptr_array_add(all, g_strdup(quiet_base[i]));
  g_auto(GStrv) words = g_strsplit_set(sets != NULL ? sets : "", " \n", -1);
  for (char **w = words; *w != NULL; w++)
    if (**w != '\0')
      g_ptr_array_add(all, g_strdup(*w));
  g_ptr_array_add(all, NULL);
  const char *body = text != NULL ? text : "[scenario]\n";
  g_autoptr(GError) error = NULL;
  Scenario *sc = scenario_load_data(body, strlen(body), "test.ini",
                                    (const char *const *) all->pdata, &error);
  g_assert_no_error(error);
  g_assert_nonnull(sc);
  return sc;
}

static RunResult *
run(const Scenario *sc)
{
  RunOptions options = { .jobs = 2 };
  g_autoptr(GError) error = NULL;
  RunResult *r = run_execute(sc, &options, &error);
  g_assert_no_error(error);
  return r;
}

/* Random failures alone, one instance that never stops: the database alternates between up
 * times exp(M) (failure_mtbf counts up time, the clock restarting at each recovery) and
 * outages of constant length D, so availability is the alternating renewal process's
 * M / (M + D). Single-AZ recovers in single_az_outage, Multi-AZ in failover (a Single-AZ
 * instance has no standby). M = 10 d: D = 1 h gives 240/241 = 0.995851; D = 2 min gives
 * 7200/7201 = 0.999861. Starting in the up state biases a year's fraction by less than
 * (1 - (M/(M+D))^2) / 2 outages' worth, under 1e-5 here: well inside the intervals. */
static void
test_failure_closed_form(void)
{
  static const struct {
    const char *sets;
    double formula;
  } cases[] = {
    { "database.multi_az=false database.single_az_outage=1h database.failover=2m",
      240.0 / 241.0 },
    { "database.multi_az=true database.single_az_outage=1h database.failover=2m",
      7200.0 / 7201.0 },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *sets = g_strconcat(cases[i].sets,
                                        " database.failure_mtbf=exp(10d) "
                                        "scenario.replications=400",
                                        NULL);
    g_autoptr(Scenario) sc = load(NULL, sets);
    g_autoptr(RunResult) r = run(sc);
    const StatsSummary *a = &r->summary[RUN_AVAILABILITY];
    g_test_message("%s: availability %.6f [%.6f, %.6f], formula %.6f", cases[i].sets, a->mean,
                   a->lo, a->hi, cases[i].formula);
    g_assert_cmpfloat(a->lo, <=, cases[i].formula);
    g_assert_cmpfloat(cases[i].formula, <=, a->hi);
    /* All of it is db-failure. */
    const StatsSummary *c = &r->cause_summary[CAUSE_DB_FAILURE];
    g_assert_cmpfloat(fabs(c->mean - r->summary[RUN_DOWNTIME_PER_YEAR].mean), <, 1e-6);
  }
}

/* One replication's database outages, after model_start(). */
static GArray *
outages_of(const Scenario *sc, guint replication)
{
  g_autoptr(ModelCalendar) cal = model_calendar_new(sc);
  g_autoptr(Model) model = model_new(sc, cal, replication, FALSE);
  model_run(model);
  return g_array_ref(model->db_outages);
}

/* Constant up time U = 10 d and outage D (Single-AZ 1 h, Multi-AZ failover 2 min): the
 * up-time clock restarts when each failure ends, so failure k (k >= 1) begins at
 * k U + (k - 1) D and ends at k (U + D). In 365 d that is 36 failures (the 37th would begin at
 * 370 d + 36 D). Weekly maintenance (every window used) does not pause the clock: the
 * failures begin at the same instants, inside the merged outages. */
static void
test_failure_timeline(void)
{
  static const struct {
    const char *sets;
    gint64 d;
  } cases[] = {
    { "database.multi_az=false database.single_az_outage=1h", HOUR_US(1) },
    { "database.multi_az=true database.failover=2m", MIN_US(2) },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *sets = g_strconcat(cases[i].sets, " database.failure_mtbf=10d", NULL);
    g_autoptr(Scenario) sc = load(NULL, sets);
    g_autoptr(GArray) o = outages_of(sc, 0);
    g_assert_cmpuint(o->len, ==, 36);
    for (guint k = 1; k <= o->len; k++) {
      const ModelInterval *iv = &g_array_index(o, ModelInterval, k - 1);
      g_assert_cmpint(iv->start, ==, (gint64) k * DAY_US(10) + (gint64) (k - 1) * cases[i].d);
      g_assert_cmpint(iv->end, ==, (gint64) k * (DAY_US(10) + cases[i].d));
      g_assert_cmpint(iv->cause, ==, CAUSE_DB_FAILURE);
    }

    /* Maintenance every week in a fixed window does not move them. */
    g_autofree char *with = g_strconcat(sets, " database.maintenance_rate=1/w "
                                        "database.maintenance_window=wed:09:00-wed:09:30",
                                        NULL);
    g_autoptr(Scenario) sc2 = load(NULL, with);
    g_autoptr(GArray) o2 = outages_of(sc2, 0);
    g_assert_cmpuint(o2->len, >, 36);
    for (guint k = 1; k <= 36; k++) {
      gint64 at = (gint64) k * DAY_US(10) + (gint64) (k - 1) * cases[i].d;
      gboolean covered = FALSE;
      for (guint j = 0; j < o2->len; j++) {
        const ModelInterval *iv = &g_array_index(o2, ModelInterval, j);
        covered |= iv->start <= at && (gint64) k * (DAY_US(10) + cases[i].d) <= iv->end;
      }
      g_assert_true(covered);
    }
  }
}

/* Causes of the database's own outages: maintenance db-maintenance, engine upgrades
 * db-engine-upgrade, a scheduled failover db-failure (the matching cause). With every
 * week's window used for maintenance only, the downtime is all db-maintenance; with engine
 * upgrades only, all db-engine-upgrade. A failover action of failover = 2 min at day 3 is
 * 120 s of db-failure. */
static void
test_causes(void)
{
  static const struct {
    const char *sets;
    const char *sections;
    ModelCause cause;
  } cases[] = {
    { "database.maintenance_rate=1/w database.maintenance_window=wed:09:00-wed:09:30", NULL,
      CAUSE_DB_MAINTENANCE },
    { "database.engine_upgrade_rate=1/w database.maintenance_window=wed:09:00-wed:09:30", NULL,
      CAUSE_DB_ENGINE_UPGRADE },
    { "database.failover=2m",
      "[scenario]\n[action failover]\nat = 2027-01-07T00:00:00Z\naction = db-failover\n",
      CAUSE_DB_FAILURE },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *sets = g_strconcat(cases[i].sets, " scenario.horizon=28d", NULL);
    g_autoptr(Scenario) sc = load(cases[i].sections, sets);
    g_autoptr(ModelCalendar) cal = model_calendar_new(sc);
    g_autoptr(Model) model = model_new(sc, cal, 0, FALSE);
    model_run(model);
    const ModelResult *m = &model->result;
    gint64 down = m->horizon - m->up_time;
    g_assert_cmpint(down, >, 0);
    g_assert_cmpint(m->down_by_cause[cases[i].cause], ==, down);
    if (cases[i].cause == CAUSE_DB_FAILURE)
      g_assert_cmpint(down, ==, S(120));
  }
}

/* AWS's default window for a region: a uniformly random day and a start uniform on the minute
 * grid with the whole 30 min inside the 8-hour block: offsets 0..450 after the block's start
 * (451 of them). Over 14,000 draws the day (the day the block starts on) passes a chi-square
 * test with 6 degrees of freedom at the 0.1 % level (critical value 22.46), every offset lies
 * in 0..450, both 0 and 450 occur (each of 451 offsets is expected 31 times: missing one has
 * probability e^-31), and every day's share lies within 1/7 +- 0.02. */
static void
test_region_draw_uniform(void)
{
  static const char *const regions[] = { "eu-west-1", "us-east-1", "ap-south-2" };
  for (guint g = 0; g < G_N_ELEMENTS(regions); g++) {
    const ScenarioRdsRegion *region = scenario_rds_region(regions[g]);
    g_assert_nonnull(region);
    g_assert_cmpuint(region->length_minutes, ==, 480);
    DistRng rng;
    dist_rng_seed(&rng, 99, g);
    enum { N = 14000 };
    guint day[7] = { 0 };
    gboolean seen_first = FALSE, seen_last = FALSE;
    for (guint i = 0; i < N; i++) {
      gint32 minute = model_db_window_draw(region, &rng);
      g_assert_cmpint(minute, >=, 0);
      g_assert_cmpint(minute, <, MODEL_WEEK_MINUTES);
      /* Minutes since the start of the block the window lies in. */
      gint32 since = ((minute - (gint32) region->start_minute) % MODEL_WEEK_MINUTES +
                      MODEL_WEEK_MINUTES) % MODEL_WEEK_MINUTES;
      gint32 offset = since % 1440;
      g_assert_cmpint(offset, <=, 450);
      seen_first |= offset == 0;
      seen_last |= offset == 450;
      day[since / 1440]++;
    }
    g_assert_true(seen_first);
    g_assert_true(seen_last);
    double chi2 = 0, expect = N / 7.0;
    for (int d = 0; d < 7; d++) {
      chi2 += (day[d] - expect) * (day[d] - expect) / expect;
      g_assert_cmpfloat(fabs(day[d] / (double) N - 1.0 / 7.0), <, 0.02);
    }
    g_test_message("%s: chi-square %.2f", regions[g], chi2);
    g_assert_cmpfloat(chi2, <, 22.46);
  }
}

/* Through the model: replication r's window is model_db_window_minute(sc, r), the same for a
 * given seed and replication whatever else the scenario says (a stream of its own), and it
 * varies between replications. The default window is `region eu-west-1`. */
static void
test_region_per_replication(void)
{
  g_autoptr(Scenario) a = load(NULL, NULL);
  g_autoptr(Scenario) b = load(NULL, "app.instances=3 database.maintenance_rate=1/w");
  g_assert_nonnull(a->db_region);
  g_assert_cmpstr(a->db_region->name, ==, "eu-west-1");
  g_autoptr(ModelCalendar) cal = model_calendar_new(a);
  /* The run's calendar holds no window for a region: each replication has its own. */
  g_assert_cmpuint(cal->db_window->len, ==, 0);
  guint distinct = 0;
  gint32 first = -1;
  for (guint r = 0; r < 20; r++) {
    gint32 m = model_db_window_minute(a, r);
    g_assert_cmpint(m, ==, model_db_window_minute(b, r));
    g_autoptr(Model) model = model_new(a, cal, r, FALSE);
    g_assert_cmpint(model->result.db_window_minute, ==, m);
    /* 52 or 53 windows of 30 min in a year from Monday 2027-01-04. */
    g_assert_cmpuint(model->db_window->len, >=, 52);
    const CalendarInterval *w = &g_array_index(model->db_window, CalendarInterval, 1);
    g_assert_cmpint(w->end - w->start, ==, MIN_US(30));
    if (first < 0)
      first = m;
    distinct += m != first;
  }
  g_assert_cmpuint(distinct, >, 0);

  /* Maintenance used every week falls inside the drawn window (RDS starts the work inside
   * the window: AWS RDS User Guide, Amazon RDS maintenance window): each outage starts
   * within [w.start, w.end). */
  g_autoptr(ModelCalendar) cal_b = model_calendar_new(b);
  g_autoptr(Model) model = model_new(b, cal_b, 3, FALSE);
  model_run(model);
  g_assert_cmpuint(model->db_outages->len, >=, 52);
  for (guint i = 0; i < model->db_outages->len; i++) {
    const ModelInterval *o = &g_array_index(model->db_outages, ModelInterval, i);
    gboolean inside = FALSE;
    for (guint j = 0; j < model->db_window->len; j++) {
      const CalendarInterval *w = &g_array_index(model->db_window, CalendarInterval, j);
      inside |= w->start <= o->start && o->start < w->end;
    }
    g_assert_true(inside);
  }
}

/* The expansion of a drawn window is pure arithmetic from the week grid; it must give the
 * intervals calendar_expand() gives for the same window written as a fixed UTC window,
 * including eu-west-1's windows that cross midnight (sun 23:50 + 30 min ends mon 00:20) and a
 * run that starts mid-week (Wednesday 12:00). Hand-derived for a Monday 00:00 start and the
 * window sun 23:50-mon 00:20: [0, 20 min) (the window that began before time 0), then
 * [6 d 23 h 50 min, 7 d 20 min), and so on each week. */
static void
test_region_expand(void)
{
  static const struct {
    gint32 minute;
    const char *window;
  } cases[] = {
    { 6 * 1440 + 23 * 60 + 50, "sun 23:50-mon 00:20" },
    { 1 * 1440 + 23 * 60 + 45, "tue 23:45-wed 00:15" },
    { 5 * 1440 + 22 * 60, "sat 22:00-22:30" },
    { 0, "mon 00:00-00:30" },
    { 2 * 1440 + 11 * 60 + 40, "wed 11:40-12:10" },
  };
  static const char *const starts[] = { "2027-01-04T00:00:00Z", "2027-01-06T12:00:00Z" };
  for (guint s = 0; s < G_N_ELEMENTS(starts); s++) {
    g_autofree char *start = g_strdup_printf("scenario.start=%s", starts[s]);
    g_autofree char *sets = g_strconcat(start, " scenario.horizon=30d", NULL);
    g_autoptr(Scenario) sc = load(NULL, sets);
    g_autoptr(ModelCalendar) cal = model_calendar_new(sc);
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
      g_autoptr(GArray) got =
          model_db_window_expand(cal, cases[i].minute, MIN_US(30), sc->horizon);
      g_auto(CalendarWindow) w = { 0 };
      g_autoptr(GError) error = NULL;
      g_assert_true(calendar_parse_window(cases[i].window, &w, &error));
      g_autoptr(GArray) want = calendar_expand(&w, sc->start, sc->horizon);
      g_assert_cmpuint(got->len, ==, want->len);
      for (guint j = 0; j < got->len; j++) {
        const CalendarInterval *x = &g_array_index(got, CalendarInterval, j);
        const CalendarInterval *y = &g_array_index(want, CalendarInterval, j);
        g_assert_cmpint(x->start, ==, y->start);
        g_assert_cmpint(x->end, ==, y->end);
      }
      if (s == 0 && i == 0) {
        const CalendarInterval *x = &g_array_index(got, CalendarInterval, 0);
        g_assert_cmpint(x->start, ==, 0);
        g_assert_cmpint(x->end, ==, MIN_US(20));
        x = &g_array_index(got, CalendarInterval, 1);
        g_assert_cmpint(x->start, ==, DAY_US(6) + HOUR_US(23) + MIN_US(50));
        g_assert_cmpint(x->end, ==, DAY_US(7) + MIN_US(20));
      }
    }
  }
}

/* eu-west-1's block is 22:00-06:00 UTC: a window drawn on day d starts on d at 22:00-23:59
 * or on d + 1 at 00:00-05:30, never between 05:31 and 21:59. */
static void
test_region_crosses_midnight(void)
{
  const ScenarioRdsRegion *region = scenario_rds_region("eu-west-1");
  g_assert_nonnull(region);
  g_assert_cmpuint(region->start_minute, ==, 22 * 60);
  DistRng rng;
  dist_rng_seed(&rng, 5, 0);
  guint before = 0, after = 0;
  for (guint i = 0; i < 5000; i++) {
    gint32 minute = model_db_window_draw(region, &rng);
    gint32 of_day = minute % 1440;
    g_assert_true(of_day >= 22 * 60 || of_day <= 5 * 60 + 30);
    before += of_day >= 22 * 60;
    after += of_day <= 5 * 60 + 30;
  }
  /* 120 of the 451 starts fall before midnight. */
  g_assert_cmpfloat(fabs(before / 5000.0 - 120.0 / 451.0), <, 0.03);
  g_assert_cmpuint(before + after, ==, 5000);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/zdsim/database/failure-closed-form", test_failure_closed_form);
  g_test_add_func("/zdsim/database/failure-timeline", test_failure_timeline);
  g_test_add_func("/zdsim/database/causes", test_causes);
  g_test_add_func("/zdsim/database/region-draw-uniform", test_region_draw_uniform);
  g_test_add_func("/zdsim/database/region-per-replication", test_region_per_replication);
  g_test_add_func("/zdsim/database/region-expand", test_region_expand);
  g_test_add_func("/zdsim/database/region-crosses-midnight", test_region_crosses_midnight);
  return g_test_run();
}
