/* test-sensitivity.c: zdsim sensitivity: one input at a time at either end of its range,
 * under common random numbers, ranked by effect; the target's verdict; the default inputs;
 * the tornado picture with hostile names. */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "zdsim/plot_analysis.h"
#include "zdsim/sensitivity.h"

static Scenario *
load(const char *text)
{
  g_autoptr(GError) error = NULL;
  Scenario *s = scenario_load_data(text, strlen(text), "test.ini", NULL, &error);
  g_assert_no_error(error);
  return s;
}

static SensitivityResult *
sensitivity(const Scenario *sc, double target)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SensitivityPlan) plan = sensitivity_plan(sc, &error);
  g_assert_no_error(error);
  RunOptions options = { .jobs = 2 };
  SensitivityResult *r = sensitivity_execute(plan, RUN_AVAILABILITY, target, 4, &options, &error);
  g_assert_no_error(error);
  return r;
}

/* A lone instance whose only downtime is a Single-AZ database maintained every week
 * (maintenance_rate = 1/w), an outage of single_az_outage = uniform(3m, 10m), mean 6.5 min.
 * [uncertain] names three inputs; only the outage length has a mechanism here: a failover is
 * used only by a Multi-AZ database or after a failure (none), and a cell is recreated only by
 * a platform update or a cell failure (none). So single_az_outage ranks first and alone moves
 * availability, and its high end (scaled so that the mean is 15 min) costs
 * (15 - 6.5) min a week: 8.5 x 60 / (7 x 86400) of availability. */
static void
test_one_input_moves(void)
{
  g_autoptr(Scenario) sc = load("[scenario]\nname = one\nreplications = 10\nseed = 5\n"
                                "horizon = 365d\n"
                                "[app]\ninstances = 1\n"
                                "[platform]\nupdates = none\nrestarts = none\n"
                                "[database]\nmulti_az = false\nmaintenance_rate = 1/w\n"
                                "[portal]\nenvironment_maintenance_rate = 0\n"
                                "[uncertain]\ndatabase.failover = 30s..3m\n"
                                "platform.cell_recreate = 2m..15m\n"
                                "database.single_az_outage = 2m..15m\n");
  g_autoptr(SensitivityResult) r = sensitivity(sc, 0.99);
  g_assert_true(r->from_section);
  g_assert_cmpuint(r->inputs->len, ==, 3);
  const SensitivityInput *top = g_ptr_array_index(r->inputs, 0);
  g_assert_cmpstr(top->key, ==, "database.single_az_outage");
  g_assert_true(top->significant);
  for (guint i = 1; i < r->inputs->len; i++) {
    const SensitivityInput *in = g_ptr_array_index(r->inputs, i);
    g_assert_false(in->significant);
    g_assert_cmpfloat(in->effect, <, 1e-12);
  }
  double expected = -8.5 * 60 / (7.0 * 86400);
  g_assert_cmpfloat(fabs(top->high_diff.diff - expected), <, 0.05 * fabs(expected));
  /* The scaled distribution keeps its shape: uniform(3m,10m) x 15/6.5. */
  g_assert_true(g_str_has_prefix(top->high_value, "uniform("));
  g_autofree char *text = sensitivity_text(r);
  g_assert_nonnull(strstr(text, "Only database.single_az_outage moves availability "
                                "significantly"));
  /* 99 %: even 15 min a week is 0.15 % of the time, so one instance meets it everywhere. */
  g_assert_cmpint(r->base_count, ==, 1);
  g_autofree char *verdict = sensitivity_verdict(r);
  g_assert_cmpstr(verdict, ==, "1 instance meets 99 % across every range");

  /* The JSON reads back to the same ranking and verdict. */
  g_autofree char *json = sensitivity_json(r);
  g_autoptr(GError) error = NULL;
  g_autoptr(SensitivityResult) back = sensitivity_from_json(json, &error);
  g_assert_no_error(error);
  g_assert_cmpstr(((SensitivityInput *) g_ptr_array_index(back->inputs, 0))->key, ==, top->key);
  g_autofree char *verdict2 = sensitivity_verdict(back);
  g_assert_cmpstr(verdict2, ==, verdict);
}

/* A target the ranges decide: 99.99 % allows 52.6 min a year of downtime; at 6.5 min a week
 * (339 min a year) of database outage no instance count meets it, and neither does any end,
 * while 99.9 % (526 min a year) is met at the value but not at the high end (15 min a week is
 * 782 min a year): the verdict names the input and the end. */
static void
test_target_changes(void)
{
  g_autoptr(Scenario) sc = load("[scenario]\nname = t\nreplications = 10\nseed = 5\n"
                                "horizon = 365d\n"
                                "[platform]\nupdates = none\nrestarts = none\n"
                                "[database]\nmulti_az = false\nmaintenance_rate = 1/w\n"
                                "[portal]\nenvironment_maintenance_rate = 0\n"
                                "[uncertain]\ndatabase.single_az_outage = 2m..15m\n");
  g_autoptr(SensitivityResult) r = sensitivity(sc, 0.999);
  g_assert_cmpint(r->base_count, ==, 1);
  const SensitivityInput *in = g_ptr_array_index(r->inputs, 0);
  g_assert_cmpint(in->low_count, ==, 1);
  g_assert_cmpint(in->high_count, ==, -1);
  g_autofree char *verdict = sensitivity_verdict(r);
  g_assert_cmpstr(verdict, ==, "The recommendation changes: 1 instance meets 99.9 % at every "
                               "input's value, but at database.single_az_outage = 15m it takes "
                               "no count up to 4");
}

/* Without [uncertain] the inputs are the assumptions of the key table with their ranges
 * (`zdsim help keys`), each once; a "median" range moves app.startup's median to its ends. */
static void
test_default_inputs(void)
{
  g_autoptr(Scenario) sc = load("[scenario]\nname = d\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(SensitivityPlan) plan = sensitivity_plan(sc, &error);
  g_assert_no_error(error);
  g_assert_false(plan->from_section);
  guint assumptions = 0;
  for (guint i = 0; i < scenario_key_count(); i++) {
    const ScenarioKeyInfo *info = scenario_key_info_at(i);
    assumptions += info->kind == SCENARIO_SOURCE_ASSUMPTION && info->low != NULL;
  }
  g_assert_cmpuint(plan->inputs->len, ==, assumptions);
  g_assert_cmpuint(plan->sweep->scenarios->len, ==, 1 + 2 * assumptions);
  for (guint i = 0; i < plan->inputs->len; i++) {
    const SensitivityInput *in = g_ptr_array_index(plan->inputs, i);
    if (!g_str_equal(in->key, "app.startup"))
      continue;
    /* The median of the low end's distribution is the range's low end, 20 s. */
    const Scenario *low = g_ptr_array_index(plan->sweep->scenarios, 2 * i + 1);
    g_assert_cmpfloat(fabs(dist_median(&low->startup) - 20e6), <, 1.0);
    g_assert_cmpfloat(fabs(dist_quantile(&low->startup, 0.95) / dist_median(&low->startup) -
                           dist_quantile(&sc->startup, 0.95) / dist_median(&sc->startup)),
                      <, 1e-4);
  }
}

/* The tornado draws input names and ranges that gnuplot could misread. */
static void
test_tornado_hostile_names(void)
{
  const char *json =
      "{\"kind\": \"sensitivity\", \"scenario\": \"a\\\"b\\\\c\\n`x` @y $z;\", "
      "\"metric\": \"availability\", \"seed\": 1, \"replications\": 2, \"instances\": 1, "
      "\"base\": {\"mean\": 0.999, \"sd\": 0, \"lo\": 0.999, \"hi\": 0.999}, \"inputs\": ["
      "{\"key\": \"k\\\"ey\\\\`date`\\n@m $b; exit\", \"low\": \"1\\\"\", \"high\": \"\\\\2\", "
      "\"low_value\": \"1\", \"high_value\": \"2\", "
      "\"low_end\": {\"value\": {\"mean\": 1, \"sd\": 0, \"lo\": 1, \"hi\": 1}, "
      "\"difference\": {\"mean\": 0.001, \"lo\": 0, \"hi\": 0.002}}, "
      "\"high_end\": {\"value\": {\"mean\": 1, \"sd\": 0, \"lo\": 1, \"hi\": 1}, "
      "\"difference\": {\"mean\": -0.001, \"lo\": -0.002, \"hi\": 0}}, "
      "\"effect\": 0.001, \"significant\": false}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(SensitivityResult) r = sensitivity_from_json(json, &error);
  g_assert_no_error(error);
  g_autofree char *dir = g_dir_make_tmp("zdsim-tornado-XXXXXX", &error);
  g_assert_no_error(error);
  g_autofree char *out = g_build_filename(dir, "tornado.svg", NULL);
  if (!plot_tornado_render(r, PLOT_FORMAT_SVG, out, NULL, NULL, &error)) {
    if (g_error_matches(error, PLOT_ERROR, PLOT_ERROR_NO_GNUPLOT)) {
      g_test_skip("gnuplot is not installed");
      return;
    }
    g_error("%s", error->message);
  }
  g_autofree char *svg = NULL;
  g_assert_true(g_file_get_contents(out, &svg, NULL, NULL));
  g_assert_nonnull(strstr(svg, "<svg"));
  g_assert_nonnull(strstr(svg, "date"));
  g_unlink(out);
  g_rmdir(dir);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/zdsim/sensitivity/one-input-moves", test_one_input_moves);
  g_test_add_func("/zdsim/sensitivity/target-changes", test_target_changes);
  g_test_add_func("/zdsim/sensitivity/default-inputs", test_default_inputs);
  g_test_add_func("/zdsim/sensitivity/tornado-hostile-names", test_tornado_hostile_names);
  return g_test_run();
}
