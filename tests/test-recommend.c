/* test-recommend.c: the smallest instance count that meets a target (sim/recommend.c): the
 * rule at its boundary, the one target parser for `zdsim recommend` and the dashboard, series
 * and the search among a stored sweep's runs on made-up runs, and the live search against a
 * closed form. */
#include <math.h>
#include <string.h>

#include "zdsim/recommend.h"

static Scenario *
load_text(const char *text, const char *path, const char *const *overrides)
{
  g_autoptr(GError) error = NULL;
  Scenario *sc = scenario_load_data(text, strlen(text), path, overrides, &error);
  g_assert_no_error(error);
  g_assert_nonnull(sc);
  return sc;
}

/* Exact equality of doubles without ==, which -Wfloat-equal forbids. */
static gboolean
same_double(double a, double b)
{
  return memcmp(&a, &b, sizeof a) == 0;
}

/* The forms `zdsim recommend --target` and the dashboard's form accept, each giving the
 * fraction as the compiler reads the decimal literal (correctly rounded), bit for bit. */
static void
test_parse_target(void)
{
  static const struct {
    const char *text;
    gboolean ok;
    double fraction;
  } cases[] = {
    { "99.95", TRUE, 0.9995 },   { "99.95%", TRUE, 0.9995 },  { " 99.95 % ", TRUE, 0.9995 },
    { "99.9", TRUE, 0.999 },     { "99.99%", TRUE, 0.9999 },  { "99.999", TRUE, 0.99999 },
    { "100", TRUE, 1.0 },        { "100%", TRUE, 1.0 },       { "50", TRUE, 0.5 },
    { "1.5", TRUE, 0.015 },      { "0.5%", TRUE, 0.005 },     { "1%", TRUE, 0.01 },
    /* Without the sign, at most 1 looks like a fraction (0.9995 for 99.95 %): refused. */
    { "0.9995", FALSE, 0 },      { "1", FALSE, 0 },           { "0.5", FALSE, 0 },
    { "0", FALSE, 0 },           { "0%", FALSE, 0 },          { "-1", FALSE, 0 },
    { "100.01", FALSE, 0 },      { "101%", FALSE, 0 },        { "", FALSE, 0 },
    { "%", FALSE, 0 },           { "abc", FALSE, 0 },         { "99.95%%", FALSE, 0 },
    { "nan", FALSE, 0 },         { "inf", FALSE, 0 },         { "1e400", FALSE, 0 },
    { "9.995e1", FALSE, 0 },     { "+99", FALSE, 0 },         { "99.", FALSE, 0 },
    { "99,95", FALSE, 0 },       { "99.95 x", FALSE, 0 },     { "% 99.95", FALSE, 0 },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GError) error = NULL;
    double v = -1;
    gboolean ok = recommend_parse_target(cases[i].text, &v, &error);
    if (ok != cases[i].ok)
      g_error("'%s': %s", cases[i].text, ok ? "accepted" : error->message);
    if (ok) {
      g_assert_no_error(error);
      if (!same_double(v, cases[i].fraction))
        g_error("'%s' gives %.17g, not %.17g", cases[i].text, v, cases[i].fraction);
    } else {
      g_assert_error(error, RECOMMEND_ERROR, RECOMMEND_ERROR_INVALID);
      g_assert_true(same_double(v, -1));
    }
  }
}

/* The exact boundary: a lower bound equal to the target as typed meets it, whichever form
 * was typed. Dividing the number by 100, as the dashboard once did, puts 99.9 / 100 one unit
 * in the last place above 0.999 and 99.99 / 100 one below 0.9999, so a run with a lower bound
 * of exactly 99.9 % met `zdsim recommend --target 99.9%` and not the dashboard's "99.9"; both
 * ask recommend_parse_target() now. */
static void
test_boundary(void)
{
  static const struct {
    const char *number;
    double bound; /* the decimal as the compiler rounds it */
  } cases[] = {
    { "99.9", 0.999 }, { "99.99", 0.9999 }, { "99.95", 0.9995 }, { "99.999", 0.99999 },
    { "99.4", 0.994 }, { "99.96", 0.9996 },
  };
  gboolean division_differs = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    StatsSummary at = { .mean = cases[i].bound, .lo = cases[i].bound, .hi = cases[i].bound };
    StatsSummary below = at;
    below.lo = nextafter(cases[i].bound, 0.0);
    g_autofree char *with_sign = g_strconcat(cases[i].number, "%", NULL);
    const char *forms[] = { cases[i].number, with_sign };
    for (guint f = 0; f < G_N_ELEMENTS(forms); f++) {
      double target = 0;
      g_assert_true(recommend_parse_target(forms[f], &target, NULL));
      g_assert_true(recommend_meets(&at, target));
      g_assert_false(recommend_meets(&below, target));
    }
    division_differs |= !same_double(g_ascii_strtod(cases[i].number, NULL) / 100, cases[i].bound);
  }
  /* The cases include ones where the division would have decided otherwise. */
  g_assert_true(division_differs);
}

/* A series key is the point without app.instances, wherever app.instances stands. */
static void
test_series_key(void)
{
  const char *const only[] = { "app.instances=2", NULL };
  const char *const mixed[] = { "policy.evacuation=rolling", "app.instances=3",
                                "database.multi_az=true", NULL };
  const char *const none[] = { "policy.evacuation=recreate", NULL };
  const char *const empty[] = { NULL };
  const struct {
    const char *const *point;
    const char *key;
  } cases[] = {
    { NULL, "" },
    { empty, "" },
    { only, "" },
    { mixed, "policy.evacuation=rolling database.multi_az=true" },
    { none, "policy.evacuation=recreate" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *key = recommend_series_key(cases[i].point);
    g_assert_cmpstr(key, ==, cases[i].key);
  }
}

static StoreRunInfo *
fake_run(gint64 id, guint instances, const char *policy, double lo)
{
  StoreRunInfo *r = g_new0(StoreRunInfo, 1);
  r->id = id;
  r->instances = instances;
  r->point = g_new0(char *, 3);
  r->point[0] = g_strdup_printf("app.instances=%u", instances);
  r->point[1] = g_strdup_printf("policy.evacuation=%s", policy);
  r->summary[RUN_AVAILABILITY].lo = lo;
  return r;
}

/* recommend_stored() on made-up sweeps: per series (the points without app.instances), the
 * smallest count whose lower bound is at least the target, as `zdsim recommend` decides. */
static void
test_stored(void)
{
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func(
      (GDestroyNotify) store_run_info_free);
  /* Point order puts 3 before 1 and 2 to check the sort by instance count. */
  g_ptr_array_add(runs, fake_run(1, 3, "rolling", 0.99995));
  g_ptr_array_add(runs, fake_run(2, 3, "stop-start", 0.9990));
  g_ptr_array_add(runs, fake_run(3, 1, "rolling", 0.9990));
  g_ptr_array_add(runs, fake_run(4, 1, "stop-start", 0.9980));
  g_ptr_array_add(runs, fake_run(5, 2, "rolling", 0.9995));
  g_ptr_array_add(runs, fake_run(6, 2, "stop-start", 0.9985));

  /* The targets as the dashboard's form sends them, read by the one parser. */
  static const struct {
    const char *target;
    gint64 rolling, stop_start; /* the run recommended, 0 for none */
  } cases[] = {
    { "99.9", 3, 2 },   /* a bound equal to the target meets it */
    { "99.95%", 5, 0 },
    { "99.995", 1, 0 },
    { "50", 3, 4 },
    { "100", 0, 0 },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    double target = 0;
    g_assert_true(recommend_parse_target(cases[i].target, &target, NULL));
    g_autoptr(GPtrArray) series = recommend_stored(runs, RUN_AVAILABILITY, target);
    g_assert_cmpuint(series->len, ==, 2);
    const RecommendSeries *rolling = g_ptr_array_index(series, 0);
    const RecommendSeries *stop_start = g_ptr_array_index(series, 1);
    g_assert_cmpstr(rolling->key, ==, "policy.evacuation=rolling");
    g_assert_cmpstr(stop_start->key, ==, "policy.evacuation=stop-start");
    const RecommendSeries *both[2] = { rolling, stop_start };
    gint64 want[2] = { cases[i].rolling, cases[i].stop_start };
    for (guint k = 0; k < 2; k++) {
      g_assert_cmpuint(both[k]->runs->len, ==, 3);
      for (guint j = 0; j < 3; j++)
        g_assert_cmpuint(((StoreRunInfo *) g_ptr_array_index(both[k]->runs, j))->instances, ==,
                         j + 1);
      gint64 got = both[k]->answer < 0
                       ? 0
                       : ((StoreRunInfo *) g_ptr_array_index(both[k]->runs,
                                                             (guint) both[k]->answer))->id;
      g_assert_cmpint(got, ==, want[k]);
    }
  }
}

/* Crash and restart only (tests/test-model.c test_crash_restart_closed_form): one instance is
 * an alternating renewal process with up times exp(720 h) and down times exp(1 h), unavailable
 * a fraction u = (1/720) / (1/720 + 1) = 1/721 = 1.387e-3. N instances fail independently, so
 * all N are down a fraction u^N. Target 99.9 % needs u^N <= 1e-3: N = 1 gives 1.387e-3 (too
 * much), N = 2 gives 1.9e-6. So the answer is 2 instances, and 3 runs for comparison.
 * With 100 replications of a year the standard error of N = 1's unavailability is about
 * sqrt(12 crashes * 2 h^2) / 8760 h / sqrt(100) = 5.6e-5, so its interval sits some 7 standard
 * errors clear of 1e-3; and N = 2's lower bound is far above 99.9 % (overlaps are rare and
 * short). */
static void
test_closed_form(void)
{
  const char *const o[] = {
    "scenario.seed=7",
    "scenario.replications=100",
    "app.start_failure=0",
    "app.startup=exp(1h)",
    "app.crash_mtbf=exp(720h)",
    "app.health_check_timeout=1000h",
    "platform.max_health_check_timeout=1000h",
    "app.graceful_shutdown=4s",
    "platform.updates=none",
    "platform.registration_lag=0s",
    "platform.unregistration_lag=0s",
    "database.maintenance_rate=0",
    "portal.environment_maintenance_rate=0",
    NULL,
  };
  double u = 1.0 / 721.0, target = 0.999;
  g_assert_cmpfloat(1 - u, <, target);
  g_assert_cmpfloat(1 - u * u, >=, target);

  g_autoptr(Scenario) base = load_text("[scenario]\nname = crash-restart\n", "crash.ini", o);
  RunOptions options = { .jobs = 2 };
  g_autoptr(GError) error = NULL;
  g_autoptr(RecommendResult) rec =
      recommend_run(base, RUN_AVAILABILITY, target, 6, &options, &error);
  g_assert_no_error(error);
  g_assert_cmpint(rec->answer, ==, 1);
  g_assert_cmpuint(rec->sweep->results->len, ==, 3);
  for (guint i = 0; i < 3; i++) {
    const RunResult *r = g_ptr_array_index(rec->sweep->results, i);
    g_assert_cmpuint(r->scenario->instances, ==, i + 1);
    g_test_message("N=%u: availability %.6f [%.6f, %.6f]; formula 1 - u^N = %.6f", i + 1,
                   r->summary[RUN_AVAILABILITY].mean, r->summary[RUN_AVAILABILITY].lo,
                   r->summary[RUN_AVAILABILITY].hi, 1 - pow(u, i + 1));
  }
  /* The formula's checks with intervals are test-model's; here the verdicts: N = 1's lower
   * bound below the target, N = 2's at or above it. */
  const RunResult *one = g_ptr_array_index(rec->sweep->results, 0);
  const RunResult *two = g_ptr_array_index(rec->sweep->results, 1);
  g_assert_cmpfloat(one->summary[RUN_AVAILABILITY].lo, <, target);
  g_assert_cmpfloat(two->summary[RUN_AVAILABILITY].lo, >=, target);
  const ScenarioSweepAxis *axis = g_ptr_array_index(rec->sweep->axes, 0);
  g_assert_cmpstr(axis->key, ==, "app.instances");
  g_assert_cmpuint(axis->values->len, ==, 3);

  /* Nothing up to 1 instance meets it: no answer, one count run. */
  g_autoptr(RecommendResult) none =
      recommend_run(base, RUN_AVAILABILITY, target, 1, &options, &error);
  g_assert_no_error(error);
  g_assert_cmpint(none->answer, ==, -1);
  g_assert_cmpuint(none->sweep->results->len, ==, 1);

  /* Bad targets and metrics. */
  g_assert_null(recommend_run(base, RUN_AVAILABILITY, 1.5, 6, &options, &error));
  g_assert_error(error, RECOMMEND_ERROR, RECOMMEND_ERROR_INVALID);
  g_clear_error(&error);
  RunMetric m;
  g_assert_true(recommend_parse_metric("business-hours", &m, &error));
  g_assert_cmpint(m, ==, RUN_BUSINESS_HOURS_AVAILABILITY);
  g_assert_false(recommend_parse_metric("uptime", &m, &error));
  g_assert_error(error, RECOMMEND_ERROR, RECOMMEND_ERROR_INVALID);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/zdsim/recommend/parse-target", test_parse_target);
  g_test_add_func("/zdsim/recommend/boundary", test_boundary);
  g_test_add_func("/zdsim/recommend/series-key", test_series_key);
  g_test_add_func("/zdsim/recommend/stored", test_stored);
  g_test_add_func("/zdsim/recommend/closed-form", test_closed_form);
  return g_test_run();
}
