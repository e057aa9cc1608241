/* test-run.c: the figures of a run (sim/run.c): what one replication's figures are
 * (run_extract: per-year scaling, the yearly longest outage by 365-day blocks, business-hours
 * downtime), the pooled outage figures over replications, and that every interval stays
 * inside its metric's range (README, JSON). Every expected value is written as the
 * formula it comes from. */
#include <math.h>
#include <string.h>

#include "zdsim/run.h"

#define S G_GINT64_CONSTANT(1000000)
#define DAY (86400 * S)
#define YEAR_US ((gint64) RUN_YEAR_S * S)

static gboolean
same_double(double a, double b)
{
  return memcmp(&a, &b, sizeof a) == 0;
}

static Scenario *
load_text(const char *text)
{
  g_autoptr(GError) error = NULL;
  Scenario *sc = scenario_load_data(text, strlen(text), "made-up.ini", NULL, &error);
  g_assert_no_error(error);
  return sc;
}

/* A model result over [@warmup, @horizon) whose only down time is @outages (n of them). */
static void
model_result_with(ModelResult *m, gint64 warmup, gint64 horizon, const ModelInterval *outages,
                  guint n)
{
  memset(m, 0, sizeof *m);
  m->warmup = warmup;
  m->horizon = horizon;
  m->outages = g_array_new(FALSE, FALSE, sizeof(ModelInterval));
  m->updates_spans = g_array_new(FALSE, FALSE, sizeof(ModelInterval));
  gint64 down = 0;
  for (guint i = 0; i < n; i++)
    down += outages[i].end - outages[i].start;
  g_array_append_vals(m->outages, outages, n);
  m->up_time = horizon - warmup - down;
  m->capacity_ok_time = m->up_time;
  m->reported_up_time = m->up_time;
}

/* Warm-up W = 10 d, horizon W + 2 years + 100 d: three 365-day blocks after the warm-up, the
 * last one partial (100 d). Outages: 20 s at W + 5 s (block 0); 40 s starting 10 s before the
 * end of block 0 (it runs into block 1 but counts in block 0, where it starts); 50 s one day
 * into block 2. Each block's longest: 40, 0, 50, so the yearly longest is (40 + 0 + 50) / 3 =
 * 30 s; the longest 50 s, the mean (20 + 40 + 50) / 3 s, the p95 the ceil(0.95 * 3) = 3rd
 * smallest, 50 s. Per year is per 365 d of the measured 2 years + 100 d: the 110 s of outage
 * are 110 * 365 / 830 s per year. Business hours: 1000 s, of which 900 s up: 100 s down,
 * 100 * 365 / 830 s per year. */
static void
test_extract(void)
{
  const gint64 w = 10 * DAY, h = w + 2 * YEAR_US + 100 * DAY;
  const ModelInterval o[] = {
    { w + 5 * S, w + 25 * S, CAUSE_CRASH },
    { w + YEAR_US - 10 * S, w + YEAR_US + 30 * S, CAUSE_CRASH },
    { w + 2 * YEAR_US + DAY, w + 2 * YEAR_US + DAY + 50 * S, CAUSE_CRASH },
  };
  ModelResult m;
  model_result_with(&m, w, h, o, G_N_ELEMENTS(o));
  m.business_time = 1000 * S;
  m.business_up_time = 900 * S;
  double v[RUN_METRIC_COUNT], cause[CAUSE_COUNT];
  run_extract(&m, v, cause);
  double per_year = 365.0 / 830.0;
  g_assert_cmpfloat_with_epsilon(v[RUN_YEARLY_LONGEST_OUTAGE], 30.0, 1e-9);
  g_assert_cmpfloat_with_epsilon(v[RUN_LONGEST_OUTAGE], 50.0, 1e-9);
  g_assert_cmpfloat_with_epsilon(v[RUN_MEAN_OUTAGE], 110.0 / 3.0, 1e-9);
  g_assert_cmpfloat_with_epsilon(v[RUN_OUTAGE_P95], 50.0, 1e-9);
  g_assert_cmpfloat_with_epsilon(v[RUN_DOWNTIME_PER_YEAR], 110.0 * per_year, 1e-9);
  g_assert_cmpfloat_with_epsilon(v[RUN_BUSINESS_HOURS_DOWNTIME], 100.0 * per_year, 1e-9);
  g_assert_cmpfloat_with_epsilon(v[RUN_OUTAGES_PER_YEAR], 3.0 * per_year, 1e-9);
  model_result_clear(&m);

  /* Exactly one block (measured time 365 d): the yearly longest is the longest. No outage
   * at all: every outage figure is 0. */
  model_result_with(&m, 0, YEAR_US, o, 1);
  run_extract(&m, v, cause);
  g_assert_true(same_double(v[RUN_YEARLY_LONGEST_OUTAGE], v[RUN_LONGEST_OUTAGE]));
  g_assert_cmpfloat_with_epsilon(v[RUN_YEARLY_LONGEST_OUTAGE], 20.0, 1e-9);
  model_result_clear(&m);
  model_result_with(&m, 0, YEAR_US, NULL, 0);
  run_extract(&m, v, cause);
  g_assert_true(same_double(v[RUN_YEARLY_LONGEST_OUTAGE], 0.0));
  g_assert_true(same_double(v[RUN_LONGEST_OUTAGE], 0.0));
  model_result_clear(&m);
}

/* Three replications of one year: one outage of 10 s, one of 30 s, none. Pooled (README,
 * JSON): mean outage (10 + 30) / 2 = 20 s (not the mean of the replications' means
 * (10 + 30 + 0) / 3); p95 from the pooled {10, 30}: rank ceil(0.95 * 2) = 2, 30 s; longest
 * 30 s with no interval (lo = hi = 30, method "none"); yearly longest: one block each, so
 * the replications' longest 10, 30 and 0 s, mean 40 / 3 s. The mean's ratio interval would
 * go below 0 (test-stats.c works it out), so it is the bootstrap, [0, 30]. */
static void
test_pooled(void)
{
  g_autoptr(Scenario) sc = load_text("[scenario]\nname = pooled\nreplications = 3\n");
  g_autoptr(RunResult) r = run_result_new(sc, 3);
  const ModelInterval ten = { 100 * S, 110 * S, CAUSE_CRASH };
  const ModelInterval thirty = { 200 * S, 230 * S, CAUSE_CRASH };
  const ModelInterval *one[3] = { &ten, &thirty, NULL };
  for (guint rep = 0; rep < 3; rep++) {
    ModelResult m;
    model_result_with(&m, 0, YEAR_US, one[rep], one[rep] != NULL ? 1 : 0);
    run_extract(&m, &r->values[rep * RUN_METRIC_COUNT], &r->by_cause[rep * CAUSE_COUNT]);
    g_array_append_vals(g_ptr_array_index(r->outages, rep), m.outages->data, m.outages->len);
    model_result_clear(&m);
  }
  run_result_summarize(r);
  const StatsSummary *mean = &r->summary[RUN_MEAN_OUTAGE];
  g_assert_cmpfloat_with_epsilon(mean->mean, 20.0, 1e-12);
  g_assert_cmpint(mean->method, ==, STATS_METHOD_BOOTSTRAP);
  g_assert_true(same_double(mean->lo, 0.0) && same_double(mean->hi, 30.0));
  const StatsSummary *p95 = &r->summary[RUN_OUTAGE_P95];
  g_assert_cmpfloat_with_epsilon(p95->mean, 30.0, 1e-12);
  const StatsSummary *longest = &r->summary[RUN_LONGEST_OUTAGE];
  g_assert_cmpfloat_with_epsilon(longest->mean, 30.0, 1e-12);
  g_assert_cmpint(longest->method, ==, STATS_METHOD_NONE);
  g_assert_true(same_double(longest->lo, longest->mean) && same_double(longest->hi, longest->mean));
  g_assert_cmpfloat_with_epsilon(r->summary[RUN_YEARLY_LONGEST_OUTAGE].mean, 40.0 / 3.0, 1e-12);

  /* No outage anywhere: the pooled figures are 0 (README, JSON). */
  g_autoptr(RunResult) calm = run_result_new(sc, 3);
  run_result_summarize(calm);
  for (guint i = 0; i < 3; i++) {
    const RunMetric m[] = { RUN_MEAN_OUTAGE, RUN_OUTAGE_P95, RUN_LONGEST_OUTAGE };
    const StatsSummary *s = &calm->summary[m[i]];
    g_assert_true(same_double(s->mean, 0.0) && same_double(s->lo, 0.0) &&
                  same_double(s->hi, 0.0));
  }
}

/* The pooled figures of a multiset of replications: replication 0 has outages of 60 s and
 * 180 s, replication 1 one of 600 s, replication 2 none. Each once: mean (60 + 180 + 600) / 3 =
 * 280 s, p95 the ceil(0.95 * 3) = 3rd smallest, 600 s, longest 600 s: the run's own figures,
 * bit for bit. Replication 0 twice ({60, 60, 180, 180}): mean 480 / 4 = 120 s, p95 rank
 * ceil(0.95 * 4) = 4, 180 s, longest 180 s. Replication 1 three times: 600 s each. Replication
 * 2 alone pools nothing: 0. */
static void
test_outage_pool(void)
{
  g_autoptr(Scenario) sc = load_text("[scenario]\nname = pool\nreplications = 3\n");
  g_autoptr(RunResult) r = run_result_new(sc, 3);
  const ModelInterval rep0[] = { { 100 * S, 160 * S, CAUSE_CRASH },
                                 { 1000 * S, 1180 * S, CAUSE_CRASH } };
  const ModelInterval rep1 = { 500 * S, 1100 * S, CAUSE_CRASH };
  g_array_append_vals(g_ptr_array_index(r->outages, 0), rep0, 2);
  g_array_append_vals(g_ptr_array_index(r->outages, 1), &rep1, 1);
  run_result_summarize(r);
  const struct {
    guint weight[3];
    double mean, p95, longest;
  } cases[] = {
    { { 1, 1, 1 }, (60.0 + 180 + 600) / 3, 600, 600 },
    { { 2, 0, 0 }, (2 * 60.0 + 2 * 180) / 4, 180, 180 },
    { { 0, 3, 0 }, 600, 600, 600 },
    { { 0, 0, 1 }, 0, 0, 0 },
  };
  g_autoptr(RunOutagePool) pool = run_outage_pool_new(r->outages, 3);
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    RunPooledFigures f;
    run_outage_pool_figures(pool, cases[i].weight, &f);
    g_assert_cmpfloat_with_epsilon(f.mean, cases[i].mean, 1e-9);
    g_assert_true(same_double(f.p95, cases[i].p95));
    g_assert_true(same_double(f.longest, cases[i].longest));
    if (i == 0) {
      g_assert_true(same_double(f.mean, r->summary[RUN_MEAN_OUTAGE].mean));
      g_assert_true(same_double(f.p95, r->summary[RUN_OUTAGE_P95].mean));
      g_assert_true(same_double(f.longest, r->summary[RUN_LONGEST_OUTAGE].mean));
    }
  }
}

/* The examples, on made-up replications whose t intervals leave the range:
 * availability {0.2, 1, 1, 1}: mean 0.8, sd 0.4, t interval 0.8 -/+ 3.182 * 0.4 / 2 =
 * [0.164, 1.436] above 1; downtime per year {0, 0, 0, 365 d}: mean 91.25 d, upper end
 * 91.25 d + 3.182 * 182.5 d / 2 = 381.6 d, above a year; zero-instance time {0, 0, 0, 60 s}:
 * lower end 15 - 3.182 * 30 / 2 = -32.7 s, below 0. Each becomes the bootstrap, inside its
 * range; a metric whose values all lie in range keeps t. */
static void
test_ranges(void)
{
  g_autoptr(Scenario) sc = load_text("[scenario]\nname = ranges\nreplications = 4\n");
  g_autoptr(RunResult) r = run_result_new(sc, 4);
  const double avail[] = { 0.2, 1, 1, 1 }, down[] = { 0, 0, 0, RUN_YEAR_S },
               zero[] = { 0, 0, 0, 60 }, hours[] = { 8760, 8761, 8762, 8763 };
  for (guint rep = 0; rep < 4; rep++) {
    r->values[rep * RUN_METRIC_COUNT + RUN_AVAILABILITY] = avail[rep];
    r->values[rep * RUN_METRIC_COUNT + RUN_DOWNTIME_PER_YEAR] = down[rep];
    r->values[rep * RUN_METRIC_COUNT + RUN_ZERO_INSTANCE_TIME] = zero[rep];
    r->values[rep * RUN_METRIC_COUNT + RUN_INSTANCE_HOURS_PER_YEAR] = hours[rep];
    r->by_cause[rep * CAUSE_COUNT + CAUSE_CRASH] = down[rep];
  }
  run_result_summarize(r);
  const RunMetric bootstrapped[] = { RUN_AVAILABILITY, RUN_DOWNTIME_PER_YEAR,
                                     RUN_ZERO_INSTANCE_TIME };
  for (guint i = 0; i < G_N_ELEMENTS(bootstrapped); i++)
    g_assert_cmpint(r->summary[bootstrapped[i]].method, ==, STATS_METHOD_BOOTSTRAP);
  g_assert_cmpint(r->cause_summary[CAUSE_CRASH].method, ==, STATS_METHOD_BOOTSTRAP);
  g_assert_cmpint(r->summary[RUN_INSTANCE_HOURS_PER_YEAR].method, ==, STATS_METHOD_T);
  for (guint m = 0; m < RUN_METRIC_COUNT; m++) {
    double min, max;
    run_metric_range(m, &min, &max);
    g_assert_cmpfloat(r->summary[m].lo, >=, min);
    g_assert_cmpfloat(r->summary[m].hi, <=, max);
  }
  for (guint c = 0; c < CAUSE_COUNT; c++) {
    g_assert_cmpfloat(r->cause_summary[c].lo, >=, 0.0);
    g_assert_cmpfloat(r->cause_summary[c].hi, <=, RUN_YEAR_S);
  }
  /* Reproducible: the bootstraps draw from the scenario's seed, so summarizing again gives
   * the same intervals bit for bit. */
  StatsSummary first[RUN_METRIC_COUNT];
  memcpy(first, r->summary, sizeof first);
  run_result_summarize(r);
  for (guint m = 0; m < RUN_METRIC_COUNT; m++)
    g_assert_true(same_double(first[m].lo, r->summary[m].lo) &&
                  same_double(first[m].hi, r->summary[m].hi));
}

/* A real run of a one-instance app under stop-start, short and few replications so that
 * intervals are wide: every interval lies in its metric's range and names a method. */
static void
test_run_ranges(void)
{
  g_autoptr(Scenario) sc = load_text("[scenario]\nname = short\nreplications = 3\n"
                                     "horizon = 30d\nseed = 11\n"
                                     "[policy]\nevacuation = stop-start\n");
  RunOptions options = { .jobs = 1 };
  g_autoptr(GError) error = NULL;
  g_autoptr(RunResult) r = run_execute(sc, &options, &error);
  g_assert_no_error(error);
  for (guint m = 0; m < RUN_METRIC_COUNT; m++) {
    double min, max;
    run_metric_range(m, &min, &max);
    const StatsSummary *s = &r->summary[m];
    g_test_message("%s %g [%g, %g] %s", run_metric_name(m), s->mean, s->lo, s->hi,
                   stats_method_name(s->method));
    g_assert_cmpfloat(s->lo, >=, min);
    g_assert_cmpfloat(s->hi, <=, max);
    g_assert_cmpfloat(s->lo, <=, s->hi);
  }
  for (guint c = 0; c < CAUSE_COUNT; c++) {
    g_assert_cmpfloat(r->cause_summary[c].lo, >=, 0.0);
    g_assert_cmpfloat(r->cause_summary[c].hi, <=, RUN_YEAR_S);
  }
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/zdsim/run/extract", test_extract);
  g_test_add_func("/zdsim/run/pooled", test_pooled);
  g_test_add_func("/zdsim/run/outage-pool", test_outage_pool);
  g_test_add_func("/zdsim/run/ranges", test_ranges);
  g_test_add_func("/zdsim/run/run-ranges", test_run_ranges);
  return g_test_run();
}
