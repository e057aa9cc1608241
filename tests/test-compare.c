/* test-compare.c: the comparison of two runs (sim/compare.c) on made-up replications: paired
 * when seed and replications agree, Welch otherwise, the verdict per metric and the text. */
#include <string.h>

#include "zdsim/compare.h"

static Scenario *
load_text(const char *text, const char *path, const char *const *overrides)
{
  g_autoptr(GError) error = NULL;
  Scenario *sc = scenario_load_data(text, strlen(text), path, overrides, &error);
  g_assert_no_error(error);
  g_assert_nonnull(sc);
  return sc;
}

/* Comparisons on made-up replications. A has availability 0.990 + 0.001 r (r = 0..4); B adds
 * @shift. Paired (same seed and count): every difference is the shift, so the interval is the
 * shift itself and excludes 0. Welch (different seeds): both samples have variance 2.5e-6, so
 * se = sqrt(2 * 2.5e-6 / 5) = 1e-3 with (2v)^2 / (2 v^2 / 4) = 8 degrees of freedom; the
 * interval is shift -/+ t(0.975, 8) * 1e-3 = shift -/+ 2.306e-3, which holds 0 for a shift of
 * 0.002 and excludes it for 0.004. */
static void
test_verdicts(void)
{
  const struct {
    guint64 seed_b;
    double shift;
    gboolean paired;
    CompareVerdict availability, downtime;
  } cases[] = {
    { 1, +0.002, TRUE, COMPARE_BETTER, COMPARE_BETTER },
    { 1, -0.002, TRUE, COMPARE_WORSE, COMPARE_WORSE },
    { 1, 0.0, TRUE, COMPARE_NO_DIFFERENCE, COMPARE_NO_DIFFERENCE },
    { 2, +0.002, FALSE, COMPARE_NO_DIFFERENCE, COMPARE_NO_DIFFERENCE },
    { 2, +0.004, FALSE, COMPARE_BETTER, COMPARE_BETTER },
    { 2, -0.004, FALSE, COMPARE_WORSE, COMPARE_WORSE },
  };
  const char *const seed1[] = { "scenario.seed=1", NULL };
  g_autoptr(Scenario) sa = load_text("[scenario]\nname = a\n", "a.ini", seed1);
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *seed = g_strdup_printf("scenario.seed=%" G_GUINT64_FORMAT, cases[i].seed_b);
    const char *const ob[] = { seed, NULL };
    g_autoptr(Scenario) sb = load_text("[scenario]\nname = b\n", "b.ini", ob);
    g_autoptr(RunResult) a = run_result_new(sa, 5);
    g_autoptr(RunResult) b = run_result_new(sb, 5);
    for (guint r = 0; r < 5; r++) {
      double av = 0.990 + 0.001 * r;
      a->values[r * RUN_METRIC_COUNT + RUN_AVAILABILITY] = av;
      b->values[r * RUN_METRIC_COUNT + RUN_AVAILABILITY] = av + cases[i].shift;
      /* Downtime per year follows: (1 - availability) of a year. */
      a->values[r * RUN_METRIC_COUNT + RUN_DOWNTIME_PER_YEAR] = (1 - av) * RUN_YEAR_S;
      b->values[r * RUN_METRIC_COUNT + RUN_DOWNTIME_PER_YEAR] =
          (1 - av - cases[i].shift) * RUN_YEAR_S;
    }
    run_result_summarize(a);
    run_result_summarize(b);
    CompareResult c;
    compare_runs(a, b, &c);
    const CompareDifference *d = &c.metric[RUN_AVAILABILITY];
    g_assert_cmpint(c.paired, ==, cases[i].paired);
    g_assert_cmpint(d->verdict, ==, cases[i].availability);
    g_assert_cmpint(c.metric[RUN_DOWNTIME_PER_YEAR].verdict, ==, cases[i].downtime);
    g_assert_cmpint(c.overall, ==, cases[i].availability);
    g_assert_cmpfloat_with_epsilon(d->diff, cases[i].shift, 1e-12);
    double half = cases[i].paired ? 0.0 : stats_t975(8) * 1e-3;
    g_assert_cmpfloat_with_epsilon(stats_t975(8), 2.306, 1e-9);
    g_assert_cmpfloat_with_epsilon(d->lo, cases[i].shift - half, 1e-9);
    g_assert_cmpfloat_with_epsilon(d->hi, cases[i].shift + half, 1e-9);
    /* Metrics with no difference at all (both all 0) have none. */
    g_assert_cmpint(c.metric[RUN_CRASHES_PER_YEAR].verdict, ==, COMPARE_NO_DIFFERENCE);
    g_autofree char *text = compare_text(a, b, &c, "A", "B");
    g_assert_nonnull(strstr(text, cases[i].paired ? "Paired" : "Welch"));
  }
}

/* One replication a side: no interval, so no verdict, and the text says why. */
static void
test_too_few(void)
{
  g_autoptr(Scenario) sc = load_text("[scenario]\nname = one\n", "one.ini", NULL);
  g_autoptr(RunResult) a = run_result_new(sc, 1);
  g_autoptr(RunResult) b = run_result_new(sc, 1);
  a->values[RUN_AVAILABILITY] = 0.99;
  b->values[RUN_AVAILABILITY] = 0.999;
  run_result_summarize(a);
  run_result_summarize(b);
  CompareResult c;
  compare_runs(a, b, &c);
  const CompareDifference *d = &c.metric[RUN_AVAILABILITY];
  g_assert_false(d->has_interval);
  g_assert_cmpfloat_with_epsilon(d->diff, 0.009, 1e-12);
  g_assert_cmpint(d->verdict, ==, COMPARE_NO_DIFFERENCE);
  g_assert_cmpuint(c.better + c.worse, ==, 0);
  g_autofree char *text = compare_text(a, b, &c, "A", "B");
  g_assert_nonnull(strstr(text, "(too few replications)"));
  g_assert_nonnull(strstr(text, "Overall (availability, time up): no significant difference"));
}

static void
test_verdict_names(void)
{
  static const struct {
    CompareVerdict verdict;
    const char *name;
  } cases[] = {
    { COMPARE_BETTER, "better" },
    { COMPARE_WORSE, "worse" },
    { COMPARE_NO_DIFFERENCE, "no significant difference" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
    g_assert_cmpstr(compare_verdict_name(cases[i].verdict), ==, cases[i].name);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/zdsim/compare/verdicts", test_verdicts);
  g_test_add_func("/zdsim/compare/too-few", test_too_few);
  g_test_add_func("/zdsim/compare/verdict-names", test_verdict_names);
  return g_test_run();
}
