/* test-compare.c: the comparison of two runs (sim/compare.c) on made-up replications: paired
 * when seed and replications agree, Welch otherwise, the pooled outage figures with their
 * bootstrap, the verdict per metric and the text. */
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
  g_assert_cmpint(d->verdict, ==, COMPARE_NOT_JUDGED);
  g_assert_cmpuint(c.better + c.worse, ==, 0);
  g_assert_cmpuint(c.judged, ==, 0);  /* one replication a side: no interval anywhere */
  g_autofree char *text = compare_text(a, b, &c, "A", "B");
  g_assert_nonnull(strstr(text, "(too few replications)"));
  g_assert_nonnull(strstr(text, "Overall (availability, time up): not judged;"));
  g_assert_nonnull(strstr(text, "of 0 metrics judged"));
}

/* Up to four outages of one replication, in seconds. */
typedef struct {
  guint n;
  double s[4];
} Outages;

/* A run of @sc with @n replications whose replication r has the outages @reps[r], an
 * hour apart, and as its per-replication longest outage (run_extract) the longest of them. */
static RunResult *
result_with_outages(const Scenario *sc, const Outages *reps, guint n)
{
  RunResult *r = run_result_new(sc, n);
  for (guint rep = 0; rep < n; rep++) {
    gint64 t = 0;
    double longest = 0;
    for (guint i = 0; i < reps[rep].n; i++) {
      gint64 length = (gint64) (reps[rep].s[i] * G_USEC_PER_SEC);
      ModelInterval o = { t, t + length, CAUSE_CRASH };
      g_array_append_val(g_ptr_array_index(r->outages, rep), o);
      t += length + G_GINT64_CONSTANT(3600) * G_USEC_PER_SEC;
      longest = MAX(longest, reps[rep].s[i]);
    }
    r->values[(gsize) rep * RUN_METRIC_COUNT + RUN_LONGEST_OUTAGE] = longest;
  }
  run_result_summarize(r);
  return r;
}

/* The pooled outage figures are compared as the runs report them, pooled over all outages,
 * not as means over replications. A: replication 0 has outages of 60 s and 180 s,
 * replication 1 one of 600 s: mean (60 + 180 + 600) / 3 = 280 s, p95 the
 * ceil(0.95 * 3) = 3rd smallest, 600 s, longest 600 s (the mean of the replications' longest
 * would be (180 + 600) / 2 = 390 s). B: 30 s, then 90 s and 120 s: mean 240 / 3 = 80 s, p95
 * 120 s, longest 120 s. The longest is one maximum: no interval, no verdict. */
static void
test_pooled_figures(void)
{
  g_autoptr(Scenario) sc = load_text("[scenario]\nname = pooled\n", "p.ini", NULL);
  const Outages oa[] = { { 2, { 60, 180 } }, { 1, { 600 } } };
  const Outages ob[] = { { 1, { 30 } }, { 2, { 90, 120 } } };
  g_autoptr(RunResult) a = result_with_outages(sc, oa, 2);
  g_autoptr(RunResult) b = result_with_outages(sc, ob, 2);
  CompareResult c;
  compare_runs(a, b, &c);
  g_assert_true(c.paired);
  const struct {
    RunMetric metric;
    double a, b;
    gboolean has_interval;
  } cases[] = {
    { RUN_MEAN_OUTAGE, (60.0 + 180 + 600) / 3, (30.0 + 90 + 120) / 3, TRUE },
    { RUN_OUTAGE_P95, 600, 120, TRUE },
    { RUN_LONGEST_OUTAGE, 600, 120, FALSE },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    const CompareDifference *d = &c.metric[cases[i].metric];
    g_assert_cmpfloat_with_epsilon(d->a, cases[i].a, 1e-9);
    g_assert_cmpfloat_with_epsilon(d->b, cases[i].b, 1e-9);
    g_assert_cmpfloat_with_epsilon(d->diff, cases[i].b - cases[i].a, 1e-9);
    g_assert_cmpint(d->has_interval, ==, cases[i].has_interval);
    g_assert_cmpint(d->method, ==,
                    cases[i].has_interval ? STATS_METHOD_BOOTSTRAP : STATS_METHOD_NONE);
  }
  const CompareDifference *longest = &c.metric[RUN_LONGEST_OUTAGE];
  g_assert_cmpint(longest->verdict, ==, COMPARE_NOT_JUDGED);
  /* Every metric but the longest outage has an interval with two replications a side. */
  g_assert_cmpuint(c.judged, ==, RUN_METRIC_COUNT - 1);
  g_assert_cmpint(c.metric[RUN_AVAILABILITY].method, ==, STATS_METHOD_T);
  g_autofree char *text = compare_text(a, b, &c, "A", "B");
  g_test_message("%s", text);
  g_assert_nonnull(strstr(text, "(none: the longest outage)       not judged\n"));
}

/* mean_outage_s and outage_p95_s: the percentile bootstrap of the difference. A's
 * replication r (r = 0..9) has one outage of 60 + 10 r s: mean 60 + 45 = 105 s, p95 the
 * ceil(0.95 * 10) = 10th, 150 s. B adds @shift to every outage. Paired (same seed), each
 * resample draws the same replications of both, so every resample's difference is the shift
 * itself, and so is the interval. Unpaired (B's seed 2), a resample's mean lies between the
 * smallest and the largest outage, [60, 150] for A, and so does its p95: for a shift of
 * +540 s the difference lies in [600 - 150, 690 - 60] = [450, 630], excluding 0; for no shift
 * A and B resample alike, so the interval holds 0. */
static void
test_pooled_verdicts(void)
{
  const struct {
    guint64 seed_b;
    double shift;
    CompareVerdict verdict;
  } cases[] = {
    { 1, +540, COMPARE_WORSE },
    { 1, -50, COMPARE_BETTER },
    { 1, 0, COMPARE_NO_DIFFERENCE },
    { 2, +540, COMPARE_WORSE },
    { 2, 0, COMPARE_NO_DIFFERENCE },
  };
  const char *const seed1[] = { "scenario.seed=1", NULL };
  g_autoptr(Scenario) sa = load_text("[scenario]\nname = a\n", "a.ini", seed1);
  enum { N = 10 };
  Outages oa[N];
  for (guint r = 0; r < N; r++)
    oa[r] = (Outages) { 1, { 60 + 10.0 * r } };
  g_autoptr(RunResult) a = result_with_outages(sa, oa, N);
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *seed = g_strdup_printf("scenario.seed=%" G_GUINT64_FORMAT, cases[i].seed_b);
    const char *const ob_seed[] = { seed, NULL };
    g_autoptr(Scenario) sb = load_text("[scenario]\nname = b\n", "b.ini", ob_seed);
    Outages ob[N];
    for (guint r = 0; r < N; r++)
      ob[r] = (Outages) { 1, { oa[r].s[0] + cases[i].shift } };
    g_autoptr(RunResult) b = result_with_outages(sb, ob, N);
    CompareResult c;
    compare_runs(a, b, &c);
    g_assert_cmpint(c.paired, ==, cases[i].seed_b == 1);
    const RunMetric metrics[] = { RUN_MEAN_OUTAGE, RUN_OUTAGE_P95 };
    const double a_figure[] = { 105, 150 };
    for (guint k = 0; k < G_N_ELEMENTS(metrics); k++) {
      const CompareDifference *d = &c.metric[metrics[k]];
      g_test_message("case %u, %s: diff %g [%g, %g]", i, run_metric_name(metrics[k]), d->diff,
                     d->lo, d->hi);
      g_assert_cmpfloat_with_epsilon(d->a, a_figure[k], 1e-9);
      g_assert_cmpfloat_with_epsilon(d->b, a_figure[k] + cases[i].shift, 1e-9);
      g_assert_cmpfloat_with_epsilon(d->diff, cases[i].shift, 1e-9);
      g_assert_true(d->has_interval);
      g_assert_cmpint(d->verdict, ==, cases[i].verdict);
      if (c.paired) {
        g_assert_cmpfloat_with_epsilon(d->lo, cases[i].shift, 1e-9);
        g_assert_cmpfloat_with_epsilon(d->hi, cases[i].shift, 1e-9);
      } else if (cases[i].shift > 0) {
        g_assert_cmpfloat(d->lo, >=, 450 - 1e-9);
        g_assert_cmpfloat(d->hi, <=, 630 + 1e-9);
      } else {
        g_assert_cmpfloat(d->lo, <, 0);
        g_assert_cmpfloat(d->hi, >, 0);
      }
    }
    /* The bootstrap's generator is seeded from the two runs' seeds: the same again. */
    CompareResult again;
    compare_runs(a, b, &again);
    g_assert_cmpmem(&again, sizeof again, &c, sizeof c);
  }
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
    { COMPARE_NOT_JUDGED, "not judged" },
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
  g_test_add_func("/zdsim/compare/pooled-figures", test_pooled_figures);
  g_test_add_func("/zdsim/compare/pooled-verdicts", test_pooled_verdicts);
  g_test_add_func("/zdsim/compare/verdict-names", test_verdict_names);
  return g_test_run();
}
