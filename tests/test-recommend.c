/* test-recommend.c: the smallest instance count that meets a target (sim/recommend.c): the
 * rule at its boundary, the one target parser for `zdsim recommend` and the dashboard, series
 * and the search among a stored sweep's runs on made-up runs, and the live search against a
 * closed form. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "zdsim/cli.h"
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
      g_assert_true(recommend_meets(RUN_AVAILABILITY, &at, target));
      g_assert_false(recommend_meets(RUN_AVAILABILITY, &below, target));
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
  g_assert_cmpuint(rec->series->len, ==, 1);
  g_assert_cmpint(((RecommendSeries *) g_ptr_array_index(rec->series, 0))->answer, ==, 1);
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
  g_assert_cmpint(((RecommendSeries *) g_ptr_array_index(none->series, 0))->answer, ==, -1);
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

/* ---- metrics, downtime targets, combinations ---- */

/* Every availability and downtime of run.h's table is a target by its JSON name, the v1 short forms
 * stay aliases (README, Explain, sensitivity and a report), and what is neither (a count, an outage
 * length) is refused with the list of what is accepted. */
static void
test_metrics(void)
{
  static const struct {
    const char *name;
    int metric; /* -1: refused */
    RecommendKind kind;
  } cases[] = {
    { "availability", RUN_AVAILABILITY, RECOMMEND_AVAILABILITY },
    { "request_availability", RUN_REQUEST_AVAILABILITY, RECOMMEND_AVAILABILITY },
    { "request", RUN_REQUEST_AVAILABILITY, RECOMMEND_AVAILABILITY },
    { "business_hours_availability", RUN_BUSINESS_HOURS_AVAILABILITY, RECOMMEND_AVAILABILITY },
    { "business-hours", RUN_BUSINESS_HOURS_AVAILABILITY, RECOMMEND_AVAILABILITY },
    { "capacity_availability", RUN_CAPACITY_AVAILABILITY, RECOMMEND_AVAILABILITY },
    { "reported_availability", RUN_REPORTED_AVAILABILITY, RECOMMEND_AVAILABILITY },
    { "downtime_per_year_s", RUN_DOWNTIME_PER_YEAR, RECOMMEND_DOWNTIME },
    { "downtime_outside_portal_window_per_year_s", RUN_DOWNTIME_OUTSIDE_PORTAL,
      RECOMMEND_DOWNTIME },
    { "outages_per_year", -1, RECOMMEND_NOT_TARGETABLE },
    { "mean_outage_s", -1, RECOMMEND_NOT_TARGETABLE },
    { "instance_hours_per_year", -1, RECOMMEND_NOT_TARGETABLE },
    { "uptime", -1, RECOMMEND_NOT_TARGETABLE },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GError) error = NULL;
    RunMetric m = RUN_METRIC_COUNT;
    gboolean ok = recommend_parse_metric(cases[i].name, &m, &error);
    if (cases[i].metric < 0) {
      g_assert_false(ok);
      g_assert_error(error, RECOMMEND_ERROR, RECOMMEND_ERROR_INVALID);
      /* The message lists what is accepted. */
      g_assert_nonnull(strstr(error->message, "downtime_per_year_s"));
      g_assert_nonnull(strstr(error->message, "business-hours"));
      continue;
    }
    g_assert_no_error(error);
    g_assert_cmpint(m, ==, cases[i].metric);
    g_assert_cmpint(recommend_metric_kind(m), ==, cases[i].kind);
  }
  /* The list is run.h's table: every availability and downtime it has, nothing else. */
  g_autofree char *names = recommend_metric_names(" ");
  g_auto(GStrv) listed = g_strsplit(names, " ", -1);
  guint targetable = 0;
  for (int m = 0; m < RUN_METRIC_COUNT; m++)
    targetable += recommend_metric_kind((RunMetric) m) != RECOMMEND_NOT_TARGETABLE;
  g_assert_cmpuint(g_strv_length(listed), ==, targetable + 2);

  g_autofree char *label = recommend_metric_label(RUN_DOWNTIME_OUTSIDE_PORTAL);
  g_assert_cmpstr(label, ==, "downtime outside portal window");
}

/* A downtime target is a maximum per year, judged on the upper bound: a bound equal to the
 * target meets it, one a unit in the last place above does not. Written as a duration,
 * optionally "/y". */
static void
test_downtime_target(void)
{
  static const struct {
    const char *text;
    gboolean ok;
    double seconds;
  } cases[] = {
    { "30m", TRUE, 1800 },  { "1800s", TRUE, 1800 },  { " 30m/y ", TRUE, 1800 },
    { "30m/year", TRUE, 1800 }, { "2h", TRUE, 7200 }, { "0s", TRUE, 0 },
    { "365d", TRUE, 365 * 86400.0 }, { "366d", FALSE, 0 }, { "99.95%", FALSE, 0 },
    { "30", FALSE, 0 },      { "-5m", FALSE, 0 },      { "", FALSE, 0 },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GError) error = NULL;
    double v = -1;
    gboolean ok = recommend_parse_goal(RUN_DOWNTIME_PER_YEAR, cases[i].text, &v, &error);
    g_assert_cmpint(ok, ==, cases[i].ok);
    if (!ok) {
      g_assert_error(error, RECOMMEND_ERROR, RECOMMEND_ERROR_INVALID);
      g_assert_nonnull(strstr(error->message, "downtime_per_year_s"));
      continue;
    }
    g_assert_cmpfloat_with_epsilon(v, cases[i].seconds, 1e-9);
    StatsSummary at = { .mean = v / 2, .lo = 0, .hi = v };
    StatsSummary above = at;
    above.hi = nextafter(v, G_MAXDOUBLE);
    g_assert_true(recommend_meets(RUN_DOWNTIME_PER_YEAR, &at, v));
    g_assert_false(recommend_meets(RUN_DOWNTIME_PER_YEAR, &above, v));
    /* The mean far below the target does not make a wide interval meet it. */
    StatsSummary wide = { .mean = 0, .lo = 0, .hi = v + 1 };
    g_assert_false(recommend_meets(RUN_DOWNTIME_PER_YEAR, &wide, v));
  }
  /* An availability metric takes a percentage, not a duration. */
  double v;
  g_assert_false(recommend_parse_goal(RUN_AVAILABILITY, "30m", &v, NULL));
  g_assert_true(recommend_parse_goal(RUN_AVAILABILITY, "99.95%", &v, NULL));
}

/* The crash-restart closed form of test_closed_form, with infrastructure restarts switched off
 * too: an instance is up for exp(MTBF) and down for exp(1 h), unavailable u = 1 h / (MTBF +
 * 1 h), and N instances are all down a fraction u^N. */
static const char *const crash_only[] = {
  "scenario.seed=7",
  "scenario.replications=100",
  "app.start_failure=0",
  "app.startup=exp(1h)",
  "app.health_check_timeout=1000h",
  "platform.max_health_check_timeout=1000h",
  "app.graceful_shutdown=4s",
  "platform.updates=none",
  "platform.restarts=none",
  "platform.registration_lag=0s",
  "platform.unregistration_lag=0s",
  "database.maintenance_rate=0",
  "portal.environment_maintenance_rate=0",
  NULL,
};

#define CRASH_SWEEP \
  "[scenario]\nname = crash-sweep\n[sweep]\napp.instances = 1, 2\n" \
  "app.crash_mtbf = exp(7200h), exp(720h)\n"

/* One answer per combination of the other [sweep] axes (here app.crash_mtbf), from the formula:
 *   availability target 99.9 %: MTBF 7200 h gives u = 1/7201 = 1.39e-4 <= 1e-3 at N = 1 (its
 *     lower bound: about 1.2 crashes a year of exp(1 h), sd per replication sqrt(1.2 * 2 h^2)
 *     / 8760 h = 1.8e-4, so 100 replications put the bound near 1 - 1.39e-4 - 2 * 1.8e-5,
 *     far above 0.999): 1 instance; MTBF 720 h gives u = 1/721 = 1.39e-3 > 1e-3 at N = 1 and
 *     u^2 = 1.9e-6 at N = 2: 2 instances.
 *   downtime target 2 h a year: MTBF 7200 h: u * 8760 h = 1.22 h at N = 1 (upper bound about
 *     1.22 h + 2 * 1.55 h / 10 = 1.5 h, below 2 h): 1 instance; MTBF 720 h: 12.1 h at N = 1,
 *     u^2 * 8760 h = 61 s at N = 2: 2 instances. The smallest count whose UPPER bound is at
 *     most the target. */
static void
test_combinations(void)
{
  g_autoptr(Scenario) base = load_text(CRASH_SWEEP, "crash-sweep.ini", crash_only);
  g_autoptr(GPtrArray) combinations = recommend_combinations(base);
  g_assert_cmpuint(combinations->len, ==, 2);
  g_autofree char *first = g_strjoinv(" ", g_ptr_array_index(combinations, 0));
  g_assert_cmpstr(first, ==, "app.crash_mtbf=exp(7200h)");

  static const struct {
    RunMetric metric;
    const char *target;
  } cases[] = {
    { RUN_AVAILABILITY, "99.9%" },
    { RUN_DOWNTIME_PER_YEAR, "2h" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    double target;
    g_assert_true(recommend_parse_goal(cases[i].metric, cases[i].target, &target, NULL));
    RunOptions options = { .jobs = 2 };
    g_autoptr(GError) error = NULL;
    g_autoptr(RecommendResult) rec =
        recommend_run(base, cases[i].metric, target, 4, &options, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(rec->series->len, ==, 2);
    const RecommendSeries *rare = g_ptr_array_index(rec->series, 0);
    const RecommendSeries *often = g_ptr_array_index(rec->series, 1);
    g_assert_cmpstr(rare->key, ==, "app.crash_mtbf=exp(7200h)");
    g_assert_cmpstr(often->key, ==, "app.crash_mtbf=exp(720h)");
    /* Answers 1 and 2, each search with the count after its answer for comparison. */
    g_assert_cmpint(rare->answer, ==, 0);
    g_assert_cmpint(often->answer, ==, 1);
    g_assert_cmpuint(rare->runs->len, ==, 2);
    g_assert_cmpuint(often->runs->len, ==, 3);
    for (guint k = 0; k < rec->series->len; k++) {
      const RecommendSeries *se = g_ptr_array_index(rec->series, k);
      for (guint j = 0; j < se->runs->len; j++) {
        const RunResult *r = g_ptr_array_index(se->runs, j);
        const StatsSummary *m = &r->summary[cases[i].metric];
        g_test_message("%s N=%u: %s %.6g [%.6g, %.6g]", se->key, r->scenario->instances,
                       run_metric_name(cases[i].metric), m->mean, m->lo, m->hi);
        g_assert_cmpuint(r->scenario->instances, ==, j + 1);
        g_assert_cmpint(recommend_meets(cases[i].metric, m, target), ==, (int) j >= se->answer);
      }
    }
    /* One stored sweep: the other axis, then app.instances up to the largest count run. */
    g_assert_cmpuint(rec->sweep->results->len, ==, 5);
    g_assert_cmpuint(rec->sweep->axes->len, ==, 2);
    const ScenarioSweepAxis *last = g_ptr_array_index(rec->sweep->axes, 1);
    g_assert_cmpstr(last->key, ==, "app.instances");
    g_assert_cmpuint(last->values->len, ==, 3);
  }
}

/* Runs `zdsim recommend` in process with @args (after "recommend") and returns its exit
 * status with what it printed on standard output and standard error. */
static int
run_recommend_cli(const char *const *args, char **out, char **err)
{
  static const CliCommand cmd = { "recommend", "FILE", "test", cli_recommend };
  g_autoptr(GPtrArray) argv = g_ptr_array_new();
  g_ptr_array_add(argv, (char *) "recommend");
  for (const char *const *a = args; *a != NULL; a++)
    g_ptr_array_add(argv, (char *) *a);
  g_ptr_array_add(argv, NULL);
  g_autofree char **copy = g_memdup2(argv->pdata, argv->len * sizeof(char *));
  g_autoptr(GError) error = NULL;
  g_autofree char *out_path = NULL, *err_path = NULL;
  int out_fd = g_file_open_tmp("zdsim-rec-out-XXXXXX", &out_path, &error);
  g_assert_no_error(error);
  int err_fd = g_file_open_tmp("zdsim-rec-err-XXXXXX", &err_path, &error);
  g_assert_no_error(error);
  fflush(stdout);
  fflush(stderr);
  int saved_out = dup(STDOUT_FILENO), saved_err = dup(STDERR_FILENO);
  dup2(out_fd, STDOUT_FILENO);
  dup2(err_fd, STDERR_FILENO);
  int status = cli_recommend(&cmd, (int) argv->len - 1, copy);
  fflush(stdout);
  fflush(stderr);
  dup2(saved_out, STDOUT_FILENO);
  dup2(saved_err, STDERR_FILENO);
  close(saved_out);
  close(saved_err);
  close(out_fd);
  close(err_fd);
  g_assert_true(g_file_get_contents(out_path, out, NULL, NULL));
  g_assert_true(g_file_get_contents(err_path, err, NULL, NULL));
  g_unlink(out_path);
  g_unlink(err_path);
  g_test_message("zdsim recommend exit %d\n%s%s", status, *out, *err);
  return status;
}

/* The command: one table and answer per combination; exit 1 when a combination has none up
 * to --max-instances, naming the cause that dominates what remains. With --max-instances 1
 * the MTBF 720 h combination cannot meet 99.9 % (test_combinations: u = 1.39e-3), and in this
 * crash-only scenario every second of downtime is a crash's (README, JSON). */
static void
test_cli(void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp("zdsim-rec-XXXXXX.ini", &path, &error);
  g_assert_no_error(error);
  close(fd);
  g_assert_true(g_file_set_contents(path, CRASH_SWEEP, -1, NULL));
  g_autoptr(GStrvBuilder) b = g_strv_builder_new();
  g_strv_builder_addv(b, (const char **) (const char *const[]){ "--no-store", "--jobs", "2",
                                                               NULL });
  for (const char *const *o = crash_only; *o != NULL; o++) {
    g_strv_builder_add(b, "--set");
    g_strv_builder_add(b, *o);
  }
  g_auto(GStrv) common = g_strv_builder_end(b);

  static const struct {
    const char *const extra[7];
    int status;
    const char *const want[4];
  } cases[] = {
    { { "--target", "99.9%", "--max-instances", "1", NULL },
      CLI_FAILED,
      { "app.crash_mtbf=exp(7200h) (policy rolling):", "Recommendation: 1 instance.",
        "No instance count up to 1 meets 99.9", "What remains is mostly crash" } },
    { { "--metric", "downtime_per_year_s", "--target", "2h", NULL },
      CLI_OK,
      { "downtime min/year [95 %]", "Its downtime is at most",
        "Recommendation: 2 instances.", "(upper 95 % bound), meeting 120.0 min/year" } },
    { { "--metric", "outages_per_year", "--target", "2", NULL },
      CLI_USAGE,
      { NULL } },
    { { "--metric", "downtime_per_year_s", "--target", "99.9%", NULL },
      CLI_USAGE,
      { NULL } },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GStrvBuilder) args = g_strv_builder_new();
    g_strv_builder_addv(args, (const char **) common);
    g_strv_builder_addv(args, (const char **) cases[i].extra);
    g_strv_builder_add(args, path);
    g_auto(GStrv) argv = g_strv_builder_end(args);
    g_autofree char *out = NULL, *err = NULL;
    g_assert_cmpint(run_recommend_cli((const char *const *) argv, &out, &err), ==,
                    cases[i].status);
    for (guint k = 0; k < G_N_ELEMENTS(cases[i].want) && cases[i].want[k] != NULL; k++)
      g_assert_nonnull(strstr(out, cases[i].want[k]));
    if (cases[i].status == CLI_USAGE)
      g_assert_nonnull(strstr(err, "--"));
  }
  g_unlink(path);
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
  g_test_add_func("/zdsim/recommend/metrics", test_metrics);
  g_test_add_func("/zdsim/recommend/downtime-target", test_downtime_target);
  g_test_add_func("/zdsim/recommend/combinations", test_combinations);
  g_test_add_func("/zdsim/recommend/cli", test_cli);
  return g_test_run();
}
