/* test-explain.c: zdsim explain: levers ranked by what they buy under common random numbers,
 * causes apart from levers, the JSON round trip, and the levers picture with hostile names. */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "zdsim/explain.h"
#include "zdsim/plot_analysis.h"

static Scenario *
load(const char *text)
{
  g_autoptr(GError) error = NULL;
  Scenario *s = scenario_load_data(text, strlen(text), "test.ini", NULL, &error);
  g_assert_no_error(error);
  return s;
}

static ExplainResult *
explain(const Scenario *sc, RunMetric metric)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ExplainPlan) plan = explain_plan(sc, &error);
  g_assert_no_error(error);
  RunOptions options = { .jobs = 2 };
  ExplainResult *r = explain_execute(plan, metric, &options, &error);
  g_assert_no_error(error);
  return r;
}

static int
rank_of(const GPtrArray *items, const char *name)
{
  for (guint i = 0; i < items->len; i++)
    if (g_str_equal(((const ExplainItem *) g_ptr_array_index(items, i))->name, name))
      return (int) i;
  return -1;
}

static const ExplainItem *
item(const GPtrArray *items, const char *name)
{
  int i = rank_of(items, name);
  g_assert_cmpint(i, >=, 0);
  return g_ptr_array_index(items, (guint) i);
}

/* A two-instance app on a Single-AZ database whose RDS window (Wednesday 09:00 UTC, outside
 * the portal window) is used every week (maintenance_rate = 1/w: a week's window is used with
 * that probability, man zdsim-scenario): the database is down single_az_outage = uniform(3m, 10m),
 * mean 6.5 min, every week. Nothing else takes the app down (no platform updates or restarts,
 * no environment maintenance). More instances cannot help: an outage of the database is an
 * outage whatever the instance count. Multi-AZ turns each outage into a failover of
 * uniform(1m, 2m), mean 1.5 min (AWS RDS User Guide, Multi-AZ deployments), so it buys
 * (6.5 - 1.5) min x 365/7 weeks = 260.7 min a year, and it tops the levers. */
static void
test_rds_single_az(void)
{
  g_autoptr(Scenario) sc = load("[scenario]\nname = rds\nreplications = 20\nseed = 7\n"
                                "horizon = 365d\n"
                                "[app]\ninstances = 2\n"
                                "[platform]\nupdates = none\nrestarts = none\n"
                                "[database]\nmulti_az = false\n"
                                "maintenance_window = wed 09:00-09:30\nmaintenance_rate = 1/w\n"
                                "[portal]\nmaintenance_window = sun 01:00-04:00\n"
                                "environment_maintenance_rate = 0\n");
  g_autoptr(ExplainResult) r = explain(sc, RUN_DOWNTIME_PER_YEAR);
  const ExplainItem *top = g_ptr_array_index(r->levers, 0);
  g_assert_true(g_str_equal(top->name, "Multi-AZ database") ||
                g_str_equal(top->name, "RDS window aligned to the portal window"));
  int multi = rank_of(r->levers, "Multi-AZ database");
  g_assert_cmpint(multi, <, rank_of(r->levers, "one more instance"));
  g_assert_cmpint(multi, <, rank_of(r->levers, "two more instances"));

  const ExplainItem *m = item(r->levers, "Multi-AZ database");
  double expected = -(6.5 - 1.5) * 60 * 365.0 / 7.0;
  g_assert_cmpfloat(fabs(m->metric.diff - expected), <, 0.1 * fabs(expected));
  g_assert_cmpfloat(m->metric.hi, <, 0); /* significant */
  g_assert_cmpfloat(m->gain, >, 0);      /* less downtime is better */
  /* Instances do nothing for a database outage (paired: exactly the same outages). */
  const ExplainItem *one = item(r->levers, "one more instance");
  g_assert_cmpfloat(fabs(one->metric.diff), <, 1.0);
  /* One more instance costs 8766 instance-hours a year: 24 x 365.25. The model counts
   * instance-hours over the horizon, so allow the evacuation surge's nothing and a day's
   * rounding. */
  g_assert_cmpfloat(fabs(one->hours.diff - 24 * 365.0), <, 24 * 1.5);

  /* The database's cost is a cause, never a lever; the causes list only what the scenario
   * has: db-maintenance (on), not platform-update (updates = none). */
  g_assert_cmpint(rank_of(r->levers, "db-maintenance"), ==, -1);
  g_assert_cmpint(rank_of(r->causes, "db-maintenance"), >=, 0);
  g_assert_cmpint(rank_of(r->causes, "platform-update"), ==, -1);
  /* Switching db-maintenance off removes the 6.5 min a week: 339 min a year. */
  const ExplainItem *db = item(r->causes, "db-maintenance");
  g_assert_cmpfloat(fabs(db->metric.diff - (-6.5 * 60 * 365.0 / 7.0)), <, 0.1 * 6.5 * 60 * 52);
  /* Downtime by cause: all of it is db-maintenance. */
  const ExplainShare *share = g_ptr_array_index(r->shares, 0);
  g_assert_cmpstr(share->cause, ==, "db-maintenance");
  g_assert_cmpfloat(share->share, >, 0.999);

  /* The JSON keeps levers and causes apart and reads back to the same ranking. */
  g_autofree char *json = explain_json(r);
  g_autoptr(GError) error = NULL;
  g_autoptr(ExplainResult) back = explain_from_json(json, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(back->levers->len, ==, r->levers->len);
  g_assert_cmpuint(back->causes->len, ==, r->causes->len);
  g_assert_cmpstr(((ExplainItem *) g_ptr_array_index(back->levers, 0))->name, ==, top->name);
  /* json-glib writes doubles with 17 significant digits: they read back exactly. */
  g_assert_cmpmem(&((ExplainItem *) g_ptr_array_index(back->levers, 0))->metric.diff,
                  sizeof(double), &top->metric.diff, sizeof(double));
  g_assert_cmpint(back->metric, ==, RUN_DOWNTIME_PER_YEAR);
}

/* A lone instance on a platform whose only disruption is infrastructure maintenance twice a
 * week (platform.restarts = 2/w): each restart stops the instance and starts a new one, about a
 * minute or two of downtime ("applications with a single instance see brief downtime (~1-2
 * minutes)", Mendix docs, Maintenance Windows), while with two instances the restarts go one
 * index at a time and the app stays up (start failures off, so every new instance comes up).
 * One more instance removes all of it; two more can buy no more and cost more, so one more
 * instance tops the list. */
static void
test_lone_instance_restarts(void)
{
  g_autoptr(Scenario) sc = load("[scenario]\nname = lone\nreplications = 10\nseed = 3\n"
                                "horizon = 180d\n"
                                "[app]\ninstances = 1\nstart_failure = 0\n"
                                "[platform]\nupdates = none\nrestarts = 2/w\n"
                                "[database]\nmaintenance_rate = 0\n"
                                "[portal]\nenvironment_maintenance_rate = 0\n");
  g_autoptr(ExplainResult) r = explain(sc, RUN_AVAILABILITY);
  const ExplainShare *share = g_ptr_array_index(r->shares, 0);
  g_assert_cmpstr(share->cause, ==, "platform-restart");
  const ExplainItem *top = g_ptr_array_index(r->levers, 0);
  g_assert_cmpstr(top->name, ==, "one more instance");
  g_assert_cmpfloat(top->metric.lo, >, 0);
  /* It buys back the restart downtime but for the routing gap: an index's new instance turns
   * RUNNING, and the next index begins, before its route registers (registration_lag, at most
   * 1 s; README, The model in one page: the next index waits until it runs), so each of the
   * two indexes of each restart may leave at most 1 s with no route: at most
   * 2/w x 365/7 w x 2 x 1 s a year. */
  double gap = 2 * (365.0 / 7.0) * 2 * 1.0 / (365.0 * 86400);
  g_assert_cmpfloat(top->value.mean, >=, 1.0 - gap);
  g_assert_cmpfloat(top->gain, >, 0.9 * (1.0 - r->base.mean));
  g_autofree char *text = explain_text(r);
  g_assert_nonnull(strstr(text, "Best lever: one more instance (app.instances=2)"));
}

/* --metric: the JSON names (README, JSON) and the version-1 aliases; anything else is refused
 * with the list. */
static void
test_metric_names(void)
{
  struct {
    const char *name;
    int metric;
  } cases[] = {
    { "availability", RUN_AVAILABILITY },
    { "business_hours_availability", RUN_BUSINESS_HOURS_AVAILABILITY },
    { "downtime_per_year_s", RUN_DOWNTIME_PER_YEAR },
    { "request", RUN_REQUEST_AVAILABILITY },
    { "business-hours", RUN_BUSINESS_HOURS_AVAILABILITY },
    { "uptime", -1 },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    RunMetric m;
    g_autoptr(GError) error = NULL;
    gboolean ok = explain_parse_metric(cases[i].name, &m, &error);
    g_assert_cmpint(ok, ==, cases[i].metric >= 0);
    if (ok)
      g_assert_cmpint(m, ==, cases[i].metric);
    else
      g_assert_nonnull(strstr(error->message, "downtime_per_year_s"));
  }
}

/* The levers picture draws lever names that gnuplot could misread: quotes, backslashes, a
 * newline, and its specials ` (command substitution), @ (macros), $ (data blocks), ';'. */
static void
test_levers_hostile_names(void)
{
  const char *json =
      "{\"kind\": \"explain\", \"scenario\": \"q\\\"uote\\\\ `id` @x $y; set\\nnew\", "
      "\"metric\": \"availability\", \"seed\": 1, \"replications\": 2, \"instances\": 1, "
      "\"policy\": \"rolling\", "
      "\"base\": {\"mean\": 0.999, \"sd\": 0, \"lo\": 0.999, \"hi\": 0.999}, "
      "\"downtime_per_year_s\": {\"mean\": 1, \"sd\": 0, \"lo\": 1, \"hi\": 1}, "
      "\"instance_hours_per_year\": {\"mean\": 1, \"sd\": 0, \"lo\": 1, \"hi\": 1}, "
      "\"downtime_by_cause\": [], \"causes\": [], \"levers\": ["
      "{\"name\": \"a \\\"b\\\" \\\\c\\n`rm -rf x` @m $d; print 1\", \"overrides\": [], "
      "\"value\": {\"mean\": 1, \"sd\": 0, \"lo\": 1, \"hi\": 1}, "
      "\"difference\": {\"mean\": 0.001, \"lo\": 0.0005, \"hi\": 0.0015}, \"gain\": 0.001, "
      "\"instance_hours_difference\": {\"mean\": 8766, \"lo\": 8766, \"hi\": 8766}},"
      "{\"name\": \"\\\\\", \"overrides\": [], "
      "\"value\": {\"mean\": 1, \"sd\": 0, \"lo\": 1, \"hi\": 1}, "
      "\"difference\": {\"mean\": -0.001, \"lo\": -0.002, \"hi\": 0}, \"gain\": -0.001, "
      "\"instance_hours_difference\": {\"mean\": 0, \"lo\": 0, \"hi\": 0}}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(ExplainResult) r = explain_from_json(json, &error);
  g_assert_no_error(error);
  g_autofree char *dir = g_dir_make_tmp("zdsim-levers-XXXXXX", &error);
  g_assert_no_error(error);
  g_autofree char *out = g_build_filename(dir, "levers.svg", NULL);
  if (!plot_levers_render(r, PLOT_FORMAT_SVG, out, NULL, NULL, &error)) {
    if (g_error_matches(error, PLOT_ERROR, PLOT_ERROR_NO_GNUPLOT)) {
      g_test_skip("gnuplot is not installed");
      return;
    }
    g_error("%s", error->message);
  }
  g_autofree char *svg = NULL;
  g_assert_true(g_file_get_contents(out, &svg, NULL, NULL));
  g_assert_nonnull(strstr(svg, "<svg"));
  /* Both bars were drawn: the label of the second is a lone backslash, escaped. */
  g_assert_nonnull(strstr(svg, "rm -rf x"));
  g_unlink(out);
  g_rmdir(dir);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/zdsim/explain/rds-single-az", test_rds_single_az);
  g_test_add_func("/zdsim/explain/lone-instance-restarts", test_lone_instance_restarts);
  g_test_add_func("/zdsim/explain/metric-names", test_metric_names);
  g_test_add_func("/zdsim/explain/levers-hostile-names", test_levers_hostile_names);
  return g_test_run();
}
