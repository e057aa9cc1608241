/* test-report.c: a run's figures as text for people, JSON and CSV (sim/report.c): the number
 * formats, and the same summaries in the CSV and the JSON. Expected values follow from the
 * formats report.h documents, never from program output. */
#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "zdsim/report.h"

/* Durations for people: seconds below 2 min, minutes below 2 h, hours beyond; one decimal. */
static void
test_format_seconds(void)
{
  static const struct {
    double s;
    const char *text;
  } cases[] = {
    { 0, "0.0 s" },         { 45, "45.0 s" },         { 119.94, "119.9 s" },
    { -30, "-30.0 s" },     { 120, "2.0 min" },       { 738, "12.3 min" },
    { 7199, "120.0 min" },  { 7200, "2.0 h" },        { 9000, "2.5 h" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *text = report_format_seconds(cases[i].s);
    g_assert_cmpstr(text, ==, cases[i].text);
  }
}

/* Availabilities with four decimals of a percent, enough to tell 99.99 % from 99.999 %. */
static void
test_format_percent(void)
{
  static const struct {
    double fraction;
    const char *text;
  } cases[] = {
    { 0.9995, "99.9500 %" }, { 1.0, "100.0000 %" },  { 0.0, "0.0000 %" },
    { 0.999912, "99.9912 %" }, { 0.99999, "99.9990 %" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *text = report_format_percent(cases[i].fraction);
    g_assert_cmpstr(text, ==, cases[i].text);
  }
}

/* A result of four replications whose metric m has the values m + r / 4 (r = 0..3), and by
 * cause c the values c + r / 8: every summary differs, so a line in the wrong place shows. */
static RunResult *
made_up_result(const Scenario *sc)
{
  RunResult *r = run_result_new(sc, 4);
  for (guint rep = 0; rep < 4; rep++) {
    for (guint m = 0; m < RUN_METRIC_COUNT; m++)
      r->values[(gsize) rep * RUN_METRIC_COUNT + m] = m + rep / 4.0;
    for (guint c = 0; c < CAUSE_COUNT; c++)
      r->by_cause[(gsize) rep * CAUSE_COUNT + c] = c + rep / 8.0;
  }
  run_result_summarize(r);
  return r;
}

/* The CSV has its header and one line per metric and per cause, in the order of run.h, and
 * each line's mean and method are the JSON's of the same name. The made-up result has no
 * outages, so its pooled outage figures (mean, p95, longest) are 0 (README, JSON), whatever
 * the per-replication values say. */
static void
test_csv_matches_json(void)
{
  static const char text[] = "[scenario]\nname = made-up\nreplications = 4\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(Scenario) sc = scenario_load_data(text, strlen(text), "made-up.ini", NULL, &error);
  g_assert_no_error(error);
  g_autoptr(RunResult) r = made_up_result(sc);

  g_autofree char *csv = report_csv(r);
  g_auto(GStrv) lines = g_strsplit(csv, "\n", -1);
  g_assert_cmpstr(lines[0], ==, "metric,mean,sd,lo,hi,method");
  g_assert_cmpuint(g_strv_length(lines), ==, 1 + RUN_METRIC_COUNT + CAUSE_COUNT + 1);
  g_assert_cmpstr(lines[RUN_METRIC_COUNT + CAUSE_COUNT + 1], ==, "");

  g_autoptr(JsonNode) root = report_json_node(r);
  JsonObject *obj = json_node_get_object(root);
  g_assert_cmpstr(json_object_get_string_member(obj, "scenario"), ==, "made-up");
  g_assert_cmpint(json_object_get_int_member(obj, "replications"), ==, 4);
  JsonObject *causes = json_object_get_object_member(obj, "downtime_by_cause_s");
  for (guint i = 1; i <= RUN_METRIC_COUNT + CAUSE_COUNT; i++) {
    g_auto(GStrv) fields = g_strsplit(lines[i], ",", -1);
    g_assert_cmpuint(g_strv_length(fields), ==, 6);
    JsonObject *summary;
    if (i <= RUN_METRIC_COUNT) {
      g_assert_cmpstr(fields[0], ==, run_metric_name(i - 1));
      summary = json_object_get_object_member(obj, fields[0]);
    } else {
      const char *cause = model_cause_name(i - 1 - RUN_METRIC_COUNT);
      g_autofree char *name = g_strconcat("downtime_by_cause_s.", cause, NULL);
      g_assert_cmpstr(fields[0], ==, name);
      summary = json_object_get_object_member(causes, cause);
    }
    g_assert_nonnull(summary);
    double mean = g_ascii_strtod(fields[1], NULL);
    double expected =
        i <= RUN_METRIC_COUNT ? (i - 1) + 0.375 : (i - 1 - RUN_METRIC_COUNT) + 0.1875;
    if (i - 1 == RUN_MEAN_OUTAGE || i - 1 == RUN_OUTAGE_P95 || i - 1 == RUN_LONGEST_OUTAGE)
      expected = 0;
    g_assert_cmpstr(fields[5], ==, json_object_get_string_member(summary, "method"));
    /* %.10g keeps ten significant digits. */
    g_assert_cmpfloat_with_epsilon(mean, expected, 1e-9 * MAX(1.0, expected));
    g_assert_cmpfloat_with_epsilon(json_object_get_double_member(summary, "mean"), expected,
                                   1e-12 * MAX(1.0, expected));
  }
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/zdsim/report/format-seconds", test_format_seconds);
  g_test_add_func("/zdsim/report/format-percent", test_format_percent);
  g_test_add_func("/zdsim/report/csv-matches-json", test_csv_matches_json);
  return g_test_run();
}
