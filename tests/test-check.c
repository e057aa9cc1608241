/* test-check.c: tests of `zdsim check` (sim/check.c, sim/cli_check.c): verdicts judged on the
 * right end of the interval with the right message, baseline comparisons, JUnit XML that
 * parses, exit codes; the regression suite scenarios/regression/ (one test case per file);
 * and the proof that the suite catches a deliberately wrong policy (policy-stop-first.h).
 * Tests run from the repository root. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "zdsim/check.h"
#include "zdsim/cli.h"
#include "zdsim/run.h"
#include "zdsim/store.h"
#include "zdsim/sweep.h"

#define SUITE "scenarios/regression"

#include "policy-stop-first.h"

/* ---- helpers ---- */

static Scenario *
load_text(const char *text, const char *const *overrides)
{
  g_autoptr(GError) error = NULL;
  Scenario *sc = scenario_load_data(text, strlen(text), "test.ini", overrides, &error);
  g_assert_no_error(error);
  g_assert_nonnull(sc);
  return sc;
}

static Scenario *
load_file(const char *path, const char *const *overrides)
{
  g_autoptr(GError) error = NULL;
  Scenario *sc = scenario_load(path, overrides, &error);
  g_assert_no_error(error);
  g_assert_nonnull(sc);
  return sc;
}

/* A result whose metric @m has the values @v (one per replication) and 0 elsewhere. */
static RunResult *
result_with(const Scenario *sc, RunMetric m, const double *v, guint n)
{
  RunResult *r = run_result_new(sc, n);
  for (guint i = 0; i < n; i++)
    r->values[(gsize) i * RUN_METRIC_COUNT + m] = v[i];
  run_result_summarize(r);
  return r;
}

static int
compare_paths(gconstpointer a, gconstpointer b)
{
  return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* The scenario files of the suite, sorted. */
static GPtrArray *
suite_files(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open(SUITE, 0, &error);
  g_assert_no_error(error);
  GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
  for (const char *name; (name = g_dir_read_name(dir)) != NULL;)
    if (g_str_has_suffix(name, ".ini"))
      g_ptr_array_add(files, g_build_filename(SUITE, name, NULL));
  g_ptr_array_sort(files, compare_paths);
  return files;
}

static char *
read_all(int fd)
{
  GString *out = g_string_new(NULL);
  char buf[4096];
  g_assert_cmpint(lseek(fd, 0, SEEK_SET), ==, 0);
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;)
    g_string_append_len(out, buf, n);
  return g_string_free(out, FALSE);
}

/* Runs `zdsim check` in process with @args (NULL-terminated, after "check") and returns its
 * exit status, with what it printed on standard output and standard error. */
static int
run_check_cli(const char *const *args, char **out, char **err)
{
  static const CliCommand cmd = { "check", "FILE...", "test", cli_check };
  g_autoptr(GPtrArray) argv = g_ptr_array_new();
  g_ptr_array_add(argv, (char *) "check");
  for (const char *const *a = args; *a != NULL; a++)
    g_ptr_array_add(argv, (char *) *a);
  g_ptr_array_add(argv, NULL);
  /* GOption drops parsed arguments from argv without freeing them, so it gets a copy of the
   * pointer array and the strings stay ours. */
  g_autofree char **copy = g_memdup2(argv->pdata, argv->len * sizeof(char *));

  g_autoptr(GError) error = NULL;
  g_autofree char *out_path = NULL, *err_path = NULL;
  int out_fd = g_file_open_tmp("zdsim-check-out-XXXXXX", &out_path, &error);
  g_assert_no_error(error);
  int err_fd = g_file_open_tmp("zdsim-check-err-XXXXXX", &err_path, &error);
  g_assert_no_error(error);
  fflush(stdout);
  fflush(stderr);
  int saved_out = dup(STDOUT_FILENO), saved_err = dup(STDERR_FILENO);
  dup2(out_fd, STDOUT_FILENO);
  dup2(err_fd, STDERR_FILENO);
  int status = cli_check(&cmd, (int) argv->len - 1, copy);
  fflush(stdout);
  fflush(stderr);
  dup2(saved_out, STDOUT_FILENO);
  dup2(saved_err, STDERR_FILENO);
  close(saved_out);
  close(saved_err);
  *out = read_all(out_fd);
  *err = read_all(err_fd);
  close(out_fd);
  close(err_fd);
  g_unlink(out_path);
  g_unlink(err_path);
  g_test_message("zdsim check exit %d\n%s%s", status, *out, *err);
  return status;
}

/* The lines of @text that start with @prefix. */
static guint
count_lines_with_prefix(const char *text, const char *prefix)
{
  guint n = 0;
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  for (char **l = lines; *l != NULL; l++)
    n += g_str_has_prefix(*l, prefix);
  return n;
}

/* Whether a line of @text starts with @verdict, names @scenario and then @label. */
static gboolean
has_verdict(const char *text, const char *verdict, const char *scenario, const char *label)
{
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  for (char **l = lines; *l != NULL; l++) {
    if (!g_str_has_prefix(*l, verdict))
      continue;
    const char *at = strstr(*l, scenario);
    if (at != NULL && at[strlen(scenario)] == ' ' && strstr(at, label) != NULL)
      return TRUE;
  }
  return FALSE;
}

/* ---- verdicts ---- */

/* ">= X" is judged on the lower end of the interval and "<= X" on the upper end, never on the
 * mean. Two replications with values a and b: mean (a + b) / 2, sd |a - b| / sqrt(2), and the
 * interval mean -/+ t(0.975, 1) sd / sqrt(2) = mean -/+ 12.706 |a - b| / 2. */
static void
test_verdicts(void)
{
  static const struct {
    const char *expect;   /* the [expect] line */
    RunMetric metric;
    double a, b;          /* the two replications' values */
    gboolean pass;
    const char *detail;   /* the start of the message */
  } cases[] = {
    /* mean 0.99991 >= 0.9999, but the lower end 0.99991 - 12.706 * 0.00001 = 0.999783 is
     * 0.0117 points below: FAIL. (The upper end 0.99991 + 0.000127 = 1.000037 would leave
     * [0, 1], so the interval is the bootstrap's; its lower end is tested in test-run.c. Here
     * values whose t interval stays inside: mean 0.99981, lower end 0.99981 - 0.000127 =
     * 0.999683, 0.0217 points below 99.99 %.) */
    { "availability = >= 99.99%", RUN_AVAILABILITY, 0.9998, 0.99982, FALSE,
      "lower bound 99.9683 % is 0.022 points below 99.99% (mean 99.9810 %, [99.9683, " },
    /* Equal values: the interval is the point; 0.9995 is 0.04 points below 99.99 %. */
    { "availability = >= 99.99%", RUN_AVAILABILITY, 0.9995, 0.9995, FALSE,
      "lower bound 99.9500 % is 0.040 points below 99.99% (mean 99.9500 %, [99.9500, 99.9500])" },
    { "availability = >= 99.9%", RUN_AVAILABILITY, 0.9995, 0.9995, TRUE,
      "lower bound 99.9500 % (mean 99.9500 %, [99.9500, 99.9500])" },
    /* mean 105 s <= 120 s, but the upper end 105 + 12.706 * 5 = 168.5 s is 48.5 s above: FAIL
     * (the lower end 41.5 s stays above 0, so the interval is Student t). */
    { "yearly_longest_outage = <= 2m", RUN_YEARLY_LONGEST_OUTAGE, 100, 110, FALSE,
      "upper bound 168.5 s is 48.5 s above 2m (mean 105.0 s, [41.5, 168.5])" },
    { "yearly_longest_outage = <= 170s", RUN_YEARLY_LONGEST_OUTAGE, 100, 110, TRUE,
      "upper bound 168.5 s (mean 105.0 s, [41.5, 168.5])" },
    /* Counts: 300 and 310, upper end 305 + 12.706 * 5 = 368.53. */
    { "outages_per_year = <= 400", RUN_OUTAGES_PER_YEAR, 300, 310, TRUE,
      "upper bound 368.53 (mean 305.00, [241.47, 368.53])" },
    { "outages_per_year = >= 250", RUN_OUTAGES_PER_YEAR, 300, 310, FALSE,
      "lower bound 241.47 is 8.5 below 250 (mean 305.00, [241.47, 368.53])" },
    /* Many nines are shown with as many decimals: 99.99997 % against 99.9999 %. */
    { "availability = >= 99.9999%", RUN_AVAILABILITY, 0.9999997, 0.9999997, TRUE,
      "lower bound 99.999970 % (mean 99.999970 %, [99.999970, 99.999970])" },
    { "downtime_per_year = <= 5m", RUN_DOWNTIME_PER_YEAR, 400, 400, FALSE,
      "upper bound 400.0 s is 100.0 s above 5m" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *text = g_strdup_printf("[scenario]\nname = t\n[expect]\n%s\n",
                                            cases[i].expect);
    g_autoptr(Scenario) sc = load_text(text, NULL);
    double v[2] = { cases[i].a, cases[i].b };
    g_autoptr(RunResult) r = result_with(sc, cases[i].metric, v, 2);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) out = check_expectations(r, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(out->len, ==, 1);
    const CheckOutcome *o = g_ptr_array_index(out, 0);
    g_test_message("%s: %s", cases[i].expect, o->detail);
    g_assert_cmpint(o->kind, ==, CHECK_EXPECTATION);
    g_assert_cmpint(o->metric, ==, cases[i].metric);
    g_assert_cmpint(o->passed, ==, cases[i].pass);
    g_assert_cmpint(o->line, ==, 4);
    g_assert_true(g_str_has_prefix(o->detail, cases[i].detail));

    /* The bound judged is the formula's. */
    double mean = (cases[i].a + cases[i].b) / 2;
    double half = stats_t975(1) * fabs(cases[i].a - cases[i].b) / 2;
    gboolean at_least = strstr(cases[i].expect, ">=") != NULL;
    g_assert_cmpfloat_with_epsilon(o->judged, at_least ? mean - half : mean + half,
                                   1e-9 * fmax(1, fabs(mean)));

    g_autofree char *line = check_outcome_line(o, 0, 0);
    g_assert_true(g_str_has_prefix(line, cases[i].pass ? "PASS  t  " : "FAIL  t  "));
  }
}

/* Several lines line up: the scenario and the label are padded to the widest. */
static void
test_line_layout(void)
{
  const char *text = "[scenario]\nname = a-long-name\n[expect]\navailability = >= 99%\n"
                     "max_outage = <= 2m\n";
  g_autoptr(Scenario) sc = load_text(text, NULL);
  double v[2] = { 0.995, 0.995 };
  g_autoptr(RunResult) r = result_with(sc, RUN_AVAILABILITY, v, 2);
  g_autoptr(GPtrArray) out = check_expectations(r, NULL);
  int sw = 0, lw = 0;
  check_widths(sc, &sw, &lw);
  g_assert_cmpint(sw, ==, (int) strlen("a-long-name"));
  g_assert_cmpint(lw, ==, (int) strlen("availability >= 99%"));
  g_autofree char *l0 = check_outcome_line(g_ptr_array_index(out, 0), sw, lw);
  g_autofree char *l1 = check_outcome_line(g_ptr_array_index(out, 1), sw, lw);
  g_assert_cmpstr(l0, ==, "PASS  a-long-name  availability >= 99%   lower bound 99.5000 % "
                          "(mean 99.5000 %, [99.5000, 99.5000])");
  g_assert_cmpstr(l1, ==, "PASS  a-long-name  max_outage <= 2m      upper bound 0.0 s "
                          "(mean 0.0 s, [0.0, 0.0])");
}

static void
test_no_expectations(void)
{
  g_autoptr(Scenario) sc = load_text("[scenario]\nname = t\n", NULL);
  g_autoptr(GError) error = NULL;
  g_assert_false(check_validate(sc, &error));
  g_assert_error(error, CHECK_ERROR, CHECK_ERROR_NO_EXPECTATIONS);
  g_assert_nonnull(strstr(error->message, "test.ini"));
  g_assert_nonnull(strstr(error->message, "no [expect] section"));
  g_clear_error(&error);
  double v[2] = { 1, 1 };
  g_autoptr(RunResult) r = result_with(sc, RUN_AVAILABILITY, v, 2);
  g_autoptr(GPtrArray) out = check_expectations(r, &error);
  g_assert_null(out);
  g_assert_error(error, CHECK_ERROR, CHECK_ERROR_NO_EXPECTATIONS);
}

/* ---- baseline ---- */

/* Replications r = 0..9 of a baseline with availability 0.9999 + 1e-6 r, and runs of the same
 * scenario (so the same seed and replications: paired) that are the same, worse by 2e-5 in
 * every replication (the paired difference is exactly 2e-5 with sd 0), or alternately better
 * and worse. */
static void
test_baseline(void)
{
  g_autoptr(Scenario) sc = load_text("[scenario]\nname = b\n[expect]\navailability = >= 99%\n",
                                     NULL);
  enum { N = 10 };
  double base[N], same[N], worse[N], noisy[N];
  for (guint r = 0; r < N; r++) {
    base[r] = 0.9999 + 1e-6 * r;
    same[r] = base[r];
    worse[r] = base[r] - 2e-5;
    /* Alternately better and worse by 1e-5: mean difference 0, not significant. */
    noisy[r] = base[r] + (r % 2 ? 1e-5 : -1e-5);
  }
  g_autoptr(RunResult) b = result_with(sc, RUN_AVAILABILITY, base, N);
  const struct {
    const double *values;
    double tolerance;
    gboolean pass;
  } cases[] = {
    { same, 0, TRUE },
    { worse, 0, FALSE },
    /* 2e-5 worse against a baseline unavailability of about 9.5e-5: 21 % of it, so a
     * tolerance of 25 % lets it through and one of 10 % does not. */
    { worse, 0.25, TRUE },
    { worse, 0.10, FALSE },
    { noisy, 0, TRUE },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(RunResult) r = result_with(sc, RUN_AVAILABILITY, cases[i].values, N);
    g_autoptr(GPtrArray) out = check_baseline(r, b, cases[i].tolerance);
    g_assert_cmpuint(out->len, ==, RUN_METRIC_COUNT);
    const CheckOutcome *o = g_ptr_array_index(out, RUN_AVAILABILITY);
    g_test_message("case %u: %s", i, o->detail);
    g_assert_cmpint(o->kind, ==, CHECK_BASELINE);
    g_assert_cmpint(o->passed, ==, cases[i].pass);
    /* The other metrics are 0 in both runs: never a regression. */
    for (guint m = 0; m < RUN_METRIC_COUNT; m++)
      if (m != RUN_AVAILABILITY)
        g_assert_true(((const CheckOutcome *) g_ptr_array_index(out, m))->passed);
    if (cases[i].values == worse) {
      g_assert_cmpfloat_with_epsilon(o->judged, 2e-5, 1e-12);
      g_assert_nonnull(strstr(o->detail, "worse by 0.0020 points, interval of the worsening "
                                         "[+0.0020 points, +0.0020 points] (paired)"));
    }
  }
  /* Unpaired (different replication counts): Welch's interval. A lower-is-better metric,
   * 10 replications at 100 s against 20 at 50 s, all equal: se 0, the difference 50 s is
   * significant and beyond a tolerance of 10 % of 50 s. */
  double hundred[N], fifty[2 * N];
  for (guint r = 0; r < N; r++)
    hundred[r] = 100;
  for (guint r = 0; r < 2 * N; r++)
    fifty[r] = 50;
  g_autoptr(RunResult) slow = result_with(sc, RUN_YEARLY_LONGEST_OUTAGE, hundred, N);
  g_autoptr(RunResult) fast = result_with(sc, RUN_YEARLY_LONGEST_OUTAGE, fifty, 2 * N);
  g_autoptr(GPtrArray) out = check_baseline(slow, fast, 0.1);
  const CheckOutcome *o = g_ptr_array_index(out, RUN_YEARLY_LONGEST_OUTAGE);
  g_test_message("%s", o->detail);
  g_assert_false(o->passed);
  g_assert_cmpfloat_with_epsilon(o->judged, 50, 1e-9);
  g_assert_cmpfloat_with_epsilon(o->threshold, 5, 1e-9);
  g_assert_nonnull(strstr(o->detail, "(Welch)"));
  /* ... and the other way round it is an improvement. */
  g_autoptr(GPtrArray) back = check_baseline(fast, slow, 0);
  g_assert_true(
      ((const CheckOutcome *) g_ptr_array_index(back, RUN_YEARLY_LONGEST_OUTAGE))->passed);
}

/* Only the longest outage differs, and check_baseline passes: longest_outage_s is one maximum
 * with no interval ([expect] max_outage bounds it), and the pooled mean and p95 are the same.
 * Ten replications of 20 outages each; the baseline's are 17 of 300 s and 3 of 330 s, the
 * run's 16 of 300 s, one of 30 s, 2 of 330 s and one of 600 s: both total 6090 s, so the
 * pooled mean is 6090 / 20 = 304.5 s in both and in every resample of the replications (each
 * pools 200 outages). The pooled p95 is the nearest rank ceil(0.95 * 200) = 190, the 11th
 * from the top: in the baseline among the 30 of 330 s at the top; in the run, below the 10
 * of 600 s (one per replication drawn), among the 20 of 330 s: 330 s in both, for every
 * resample too. The longest is 330 s against 600 s, in every replication: the paired t
 * interval of the replications' longest would be [270, 270] and fail. */
static void
test_baseline_longest(void)
{
  g_autoptr(Scenario) sc = load_text("[scenario]\nname = b\n[expect]\navailability = >= 99%\n",
                                     NULL);
  enum { N = 10, PER = 20 };
  const double before[PER] = { 300, 300, 300, 300, 300, 300, 300, 300, 300, 300,
                               300, 300, 300, 300, 300, 300, 300, 330, 330, 330 };
  const double after[PER] = { 300, 300, 300, 300, 300, 300, 300, 300, 300, 300,
                              300, 300, 300, 300, 300, 300, 30,  330, 330, 600 };
  const double *lengths[2] = { before, after };
  RunResult *runs[2];
  for (guint k = 0; k < 2; k++) {
    runs[k] = run_result_new(sc, N);
    for (guint rep = 0; rep < N; rep++) {
      gint64 t = 0;
      double longest = 0;
      for (guint i = 0; i < PER; i++) {
        gint64 length = (gint64) lengths[k][i] * G_USEC_PER_SEC;
        ModelInterval o = { t, t + length, CAUSE_CRASH };
        g_array_append_val(g_ptr_array_index(runs[k]->outages, rep), o);
        t += length + G_GINT64_CONSTANT(3600) * G_USEC_PER_SEC;
        longest = MAX(longest, lengths[k][i]);
      }
      runs[k]->values[(gsize) rep * RUN_METRIC_COUNT + RUN_LONGEST_OUTAGE] = longest;
    }
    run_result_summarize(runs[k]);
  }
  g_autoptr(RunResult) base = runs[0];
  g_autoptr(RunResult) r = runs[1];
  g_assert_cmpfloat_with_epsilon(r->summary[RUN_MEAN_OUTAGE].mean, 6090.0 / 20, 1e-9);
  g_assert_cmpfloat_with_epsilon(base->summary[RUN_MEAN_OUTAGE].mean, 6090.0 / 20, 1e-9);
  g_assert_cmpfloat_with_epsilon(r->summary[RUN_OUTAGE_P95].mean, 330, 1e-9);
  g_assert_cmpfloat_with_epsilon(base->summary[RUN_OUTAGE_P95].mean, 330, 1e-9);
  g_autoptr(GPtrArray) out = check_baseline(r, base, 0);
  for (guint m = 0; m < RUN_METRIC_COUNT; m++) {
    const CheckOutcome *o = g_ptr_array_index(out, m);
    g_test_message("%s: %s", o->label, o->detail);
    g_assert_true(o->passed);
  }
  const CheckOutcome *o = g_ptr_array_index(out, RUN_LONGEST_OUTAGE);
  g_assert_cmpfloat_with_epsilon(o->judged, 600 - 330, 1e-9);
  g_assert_cmpstr(o->detail, ==,
                  "mean 600.0 s vs baseline 330.0 s: worse by 270.0 s, no interval (one maximum; "
                  "[expect] max_outage bounds it): not judged");
}

/* `max_outage` judges longest_outage_s, the longest outage of any replication (README, JSON),
 * which has no interval: two replications, the first with outages of 10 s and 30 s, the
 * second with none, have a longest outage of 30 s, lo = hi = 30 s, so "<= 30s" passes and
 * "<= 29s" fails by 1 s; `longest_outage` is the same figure under its own name. */
static void
test_max_outage_is_longest(void)
{
  static const struct {
    const char *expect;
    gboolean pass;
    const char *detail;
  } cases[] = {
    { "max_outage = <= 30s", TRUE, "upper bound 30.0 s (mean 30.0 s, [30.0, 30.0])" },
    { "max_outage = <= 29s", FALSE,
      "upper bound 30.0 s is 1.0 s above 29s (mean 30.0 s, [30.0, 30.0])" },
    { "longest_outage = <= 29s", FALSE,
      "upper bound 30.0 s is 1.0 s above 29s (mean 30.0 s, [30.0, 30.0])" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *text = g_strdup_printf("[scenario]\nname = t\n[expect]\n%s\n",
                                            cases[i].expect);
    g_autoptr(Scenario) sc = load_text(text, NULL);
    g_autoptr(RunResult) r = run_result_new(sc, 2);
    const ModelInterval o[2] = {
      { 100 * G_USEC_PER_SEC, 110 * G_USEC_PER_SEC, CAUSE_CRASH },
      { 200 * G_USEC_PER_SEC, 230 * G_USEC_PER_SEC, CAUSE_CRASH },
    };
    g_array_append_vals(g_ptr_array_index(r->outages, 0), o, 2);
    run_result_summarize(r);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) out = check_expectations(r, &error);
    g_assert_no_error(error);
    const CheckOutcome *c = g_ptr_array_index(out, 0);
    g_test_message("%s: %s", cases[i].expect, c->detail);
    g_assert_cmpint(c->metric, ==, RUN_LONGEST_OUTAGE);
    g_assert_cmpint(c->passed, ==, cases[i].pass);
    g_assert_cmpstr(c->detail, ==, cases[i].detail);
  }
}

/* ---- JUnit ---- */

typedef struct {
  guint suites, cases, failures, errors;
  gboolean in_failure;
  GString *failure_text;
  GPtrArray *case_names;     /* of char* */
  GPtrArray *failed_names;   /* of char* */
  char *current;
} Junit;

static const char *
attr(const char **names, const char **values, const char *want)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_equal(names[i], want))
      return values[i];
  return NULL;
}

static void
junit_start(GMarkupParseContext *ctx, const char *element, const char **names,
            const char **values, gpointer data, GError **error)
{
  (void) ctx;
  (void) error;
  Junit *j = data;
  if (g_str_equal(element, "testsuite")) {
    j->suites++;
  } else if (g_str_equal(element, "testcase")) {
    j->cases++;
    g_free(j->current);
    j->current = g_strdup(attr(names, values, "name"));
    g_assert_nonnull(j->current);
    g_ptr_array_add(j->case_names, g_strdup(j->current));
  } else if (g_str_equal(element, "failure")) {
    j->failures++;
    j->in_failure = TRUE;
    g_assert_nonnull(attr(names, values, "message"));
    g_ptr_array_add(j->failed_names, g_strdup(j->current));
  } else if (g_str_equal(element, "error")) {
    j->errors++;
  }
}

static void
junit_end(GMarkupParseContext *ctx, const char *element, gpointer data, GError **error)
{
  (void) ctx;
  (void) error;
  Junit *j = data;
  if (g_str_equal(element, "failure"))
    j->in_failure = FALSE;
}

static void
junit_text(GMarkupParseContext *ctx, const char *text, gsize len, gpointer data,
           GError **error)
{
  (void) ctx;
  (void) error;
  Junit *j = data;
  if (j->in_failure)
    g_string_append_len(j->failure_text, text, (gssize) len);
}

static void
junit_init(Junit *j)
{
  memset(j, 0, sizeof *j);
  j->failure_text = g_string_new(NULL);
  j->case_names = g_ptr_array_new_with_free_func(g_free);
  j->failed_names = g_ptr_array_new_with_free_func(g_free);
}

static void
junit_clear(Junit *j)
{
  g_string_free(j->failure_text, TRUE);
  g_ptr_array_unref(j->case_names);
  g_ptr_array_unref(j->failed_names);
  g_free(j->current);
}

/* Parses @xml with GMarkup (a well-formedness check: mismatched tags, bad escapes and invalid
 * UTF-8 are errors) into @j. */
static void
junit_parse(const char *xml, Junit *j)
{
  static const GMarkupParser parser = { junit_start, junit_end, junit_text, NULL, NULL };
  g_autoptr(GMarkupParseContext) ctx = g_markup_parse_context_new(&parser, 0, j, NULL);
  g_autoptr(GError) error = NULL;
  /* GMarkup does not read the XML declaration; skip it. */
  const char *body = xml;
  if (g_str_has_prefix(body, "<?xml")) {
    body = strstr(body, "?>");
    g_assert_nonnull(body);
    body += 2;
  }
  g_markup_parse_context_parse(ctx, body, -1, &error);
  g_assert_no_error(error);
  g_markup_parse_context_end_parse(ctx, &error);
  g_assert_no_error(error);
}

/* Text from scenario files reaches the XML escaped: markup characters, quotes, a control
 * character and invalid UTF-8 all come out as well-formed XML that reads back. */
static void
test_junit_escaping(void)
{
  g_autoptr(GPtrArray) outcomes = g_ptr_array_new_with_free_func(
      (GDestroyNotify) check_outcome_free);
  CheckOutcome *o = g_new0(CheckOutcome, 1);
  o->kind = CHECK_EXPECTATION;
  o->scenario = g_strdup("a<b>&\"c'");
  o->path = g_strdup("dir/x&y.ini");
  o->label = g_strdup("max_outage <= 2m");
  o->metric = RUN_LONGEST_OUTAGE;
  o->passed = FALSE;
  o->detail = g_strdup("upper bound <3> & \x01 \xff\xfe ]]> done");
  g_ptr_array_add(outcomes, o);
  g_ptr_array_add(outcomes, check_outcome_new_error("bad <file>.ini", "line 3: \"oops\" & more"));

  g_autofree char *xml = check_junit(outcomes);
  g_test_message("%s", xml);
  g_assert_true(g_utf8_validate(xml, -1, NULL));
  Junit j;
  junit_init(&j);
  junit_parse(xml, &j);
  g_assert_cmpuint(j.suites, ==, 2);
  g_assert_cmpuint(j.cases, ==, 2);
  g_assert_cmpuint(j.failures, ==, 1);
  g_assert_cmpuint(j.errors, ==, 1);
  g_assert_cmpstr(g_ptr_array_index(j.case_names, 0), ==, "max_outage <= 2m");
  /* The failure text reads back as written, the control character and the invalid bytes
   * replaced by U+FFFD. */
  g_assert_nonnull(strstr(j.failure_text->str, "upper bound <3> & \xEF\xBF\xBD"));
  g_assert_nonnull(strstr(j.failure_text->str, "]]> done"));
  junit_clear(&j);
}

/* ---- the suite ---- */

/* One suite file: it loads, runs, and every expectation passes. */
static void
test_suite_file(gconstpointer data)
{
  const char *path = data;
  g_autoptr(Scenario) sc = load_file(path, NULL);
  g_autoptr(GError) error = NULL;
  g_assert_true(check_validate(sc, &error));
  RunOptions options = { .jobs = 1 };
  g_autoptr(RunResult) r = run_execute(sc, &options, &error);
  g_assert_no_error(error);
  g_autoptr(GPtrArray) out = check_expectations(r, &error);
  g_assert_no_error(error);
  for (guint i = 0; i < out->len; i++) {
    g_autofree char *line = check_outcome_line(g_ptr_array_index(out, i), 0, 0);
    g_test_message("%s", line);
  }
  for (guint i = 0; i < out->len; i++) {
    const CheckOutcome *o = g_ptr_array_index(out, i);
    if (!o->passed)
      g_test_message("%s:%d: %s failed: %s", path, o->line, o->label, o->detail);
    g_assert_true(o->passed);
  }
}

/* Every file of the suite opens with a comment saying what it pins (the convention of
 * scenarios/), and the suite holds the four policy properties of issue 6 at least. */
static void
test_suite_layout(void)
{
  g_autoptr(GPtrArray) files = suite_files();
  g_assert_cmpuint(files->len, >=, 4);
  for (guint i = 0; i < files->len; i++) {
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(g_ptr_array_index(files, i), &text, NULL, NULL));
    g_assert_true(g_str_has_prefix(text, "# Pins "));
  }
}

/* ---- the command ---- */

/* Exit codes: 0 when everything passes, 1 when an expectation fails, 2 on bad input (a missing
 * file, a scenario without [expect]) without running anything. full-foundation.ini is exact
 * up to the start's health-poll phase phi in [0, 2 s) and quick: its outages last 350 s + phi,
 * the replications' longest just under 352 s; a start of 30 s instead of 20 s makes them
 * 360 s + phi, longest just under 362 s. */
static void
test_cli_exit_codes(void)
{
  g_autofree char *out = NULL, *err = NULL;
  const char *const pass[] = { "--jobs", "1", SUITE "/full-foundation.ini", NULL };
  g_assert_cmpint(run_check_cli(pass, &out, &err), ==, CLI_OK);
  g_assert_cmpuint(count_lines_with_prefix(out, "PASS  full-foundation  "), ==, 4);
  g_assert_nonnull(strstr(out, "4 expectations in 1 scenario: 4 passed, 0 failed"));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  const char *const fail[] = { "--jobs", "1", "--set", "app.startup=30s",
                               SUITE "/full-foundation.ini", NULL };
  g_assert_cmpint(run_check_cli(fail, &out, &err), ==, CLI_FAILED);
  g_assert_true(has_verdict(out, "FAIL ", "full-foundation", "max_outage <= 353s"));
  g_assert_nonnull(strstr(out, "upper bound 362.0 s is 9.0 s above 353s"));
  g_assert_true(has_verdict(out, "PASS ", "full-foundation", "mean_outage >= 350s"));
  g_assert_nonnull(strstr(out, "failed: full-foundation: max_outage <= 353s"));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_autoptr(GError) error = NULL;
  g_autofree char *bare = NULL;
  int fd = g_file_open_tmp("zdsim-check-XXXXXX.ini", &bare, &error);
  g_assert_no_error(error);
  close(fd);
  g_assert_true(g_file_set_contents(bare, "[scenario]\nname = bare\n", -1, NULL));
  const char *const bad[] = { SUITE "/full-foundation.ini", bare, "no/such/file.ini", NULL };
  g_assert_cmpint(run_check_cli(bad, &out, &err), ==, CLI_USAGE);
  g_assert_nonnull(strstr(err, "no [expect] section"));
  g_assert_nonnull(strstr(err, "no/such/file.ini"));
  /* Nothing ran: no verdict at all. */
  g_assert_null(strstr(out, "PASS"));
  g_assert_nonnull(strstr(out, "2 scenarios not checked (bad input)"));
  g_assert_nonnull(strstr(err, "2 of 3 scenario files cannot be checked; nothing ran"));
  g_unlink(bare);
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  const char *const none[] = { NULL };
  g_assert_cmpint(run_check_cli(none, &out, &err), ==, CLI_USAGE);
}

/* Removes the files of an SQLite database in WAL mode, then its directory. */
static void
remove_db(const char *dir, const char *db)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
  for (guint i = 0; i < G_N_ELEMENTS(suffixes); i++) {
    g_autofree char *f = g_strconcat(db, suffixes[i], NULL);
    g_unlink(f);
  }
  g_rmdir(dir);
}

/* Stores a run of full-foundation.ini whose outages are all @better seconds shorter than the
 * model gives (so each replication's longest, and the run's, is @better shorter): a baseline
 * from a better version. Returns its id. */
static gint64
store_baseline(const char *db, double better)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Store) store = store_open(db, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error(error);
  g_autoptr(Scenario) sc = load_file(SUITE "/full-foundation.ini", NULL);
  RunOptions options = { .jobs = 1 };
  g_autoptr(RunResult) r = run_execute(sc, &options, &error);
  g_assert_no_error(error);
  for (guint rep = 0; rep < r->replications; rep++) {
    r->values[(gsize) rep * RUN_METRIC_COUNT + RUN_LONGEST_OUTAGE] -= better;
    GArray *list = g_ptr_array_index(r->outages, rep);
    for (guint i = 0; i < list->len; i++)
      g_array_index(list, ModelInterval, i).end -= (gint64) (better * G_USEC_PER_SEC);
  }
  run_result_summarize(r);
  gint64 id = store_save_run(store, r, &error);
  g_assert_no_error(error);
  g_assert_cmpint(id, >, 0);
  return id;
}

/* --baseline: without a stored run the comparison is skipped; against a run of the same input
 * that nothing changed, every metric passes; against a baseline whose outages were all 10 s
 * shorter, the pooled mean and p95 outage are 10 s shorter in every resample of the paired
 * bootstrap (the same replications of both runs), so mean_outage_s (about 351 s now) and
 * outage_p95_s are significantly worse and fail, unless --tolerance allows 10 / 341 = 2.9 %
 * of the baseline. longest_outage_s, 10 s longer too, is one maximum with no interval: not
 * judged, never failed. */
static void
test_cli_baseline(void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp("zdsim-check-XXXXXX", &error);
  g_assert_no_error(error);
  g_autofree char *db = g_build_filename(dir, "runs.db", NULL);
  g_autofree char *out = NULL, *err = NULL;
  const char *file = SUITE "/full-foundation.ini";

  /* No database at all: bad input, before anything runs. */
  const char *const missing[] = { "--baseline", "--db", db, file, NULL };
  g_assert_cmpint(run_check_cli(missing, &out, &err), ==, CLI_USAGE);
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  const char *const no_baseline[] = { "--tolerance", "5%", file, NULL };
  g_assert_cmpint(run_check_cli(no_baseline, &out, &err), ==, CLI_USAGE);
  g_assert_nonnull(strstr(err, "only apply with --baseline"));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  /* An empty database: skipped, not failed. */
  Store *empty = store_open(db, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error(error);
  store_close(empty);
  const char *const args[] = { "--jobs", "1", "--baseline", "--db", db, file, NULL };
  g_assert_cmpint(run_check_cli(args, &out, &err), ==, CLI_OK);
  g_assert_true(has_verdict(out, "SKIP ", "full-foundation", "baseline"));
  g_assert_nonnull(strstr(out, "4 passed, 0 failed, 1 without a baseline"));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  gint64 same = store_baseline(db, 0);
  g_assert_cmpint(run_check_cli(args, &out, &err), ==, CLI_OK);
  g_autofree char *same_text = g_strdup_printf("baseline: run %" G_GINT64_FORMAT " of ", same);
  g_assert_nonnull(strstr(out, same_text));
  /* Every metric of run.h is compared: 19 (capacity shortfall and tenant slot waiting
   * joined in store schema 3; business-hours downtime and the yearly longest outage, with
   * longest_outage_s for max_outage_s, in the pooled-outage schema). */
  g_assert_cmpint(RUN_METRIC_COUNT, ==, 19);
  g_assert_nonnull(strstr(out, "19 metrics compared, 0 significantly worse"));
  g_assert_nonnull(strstr(out, "4 expectations and 19 baseline comparisons in 1 scenario: "
                               "23 passed, 0 failed"));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  /* The last stored run is the baseline. */
  store_baseline(db, 10);
  g_assert_cmpint(run_check_cli(args, &out, &err), ==, CLI_FAILED);
  g_assert_true(has_verdict(out, "FAIL ", "full-foundation", "mean_outage_s vs baseline"));
  g_assert_true(has_verdict(out, "FAIL ", "full-foundation", "outage_p95_s vs baseline"));
  g_assert_nonnull(strstr(out, "mean 351.0 s vs baseline 341.0 s: worse by 10.0 s, interval of "
                               "the worsening [+10.0 s, +10.0 s] (paired bootstrap)"));
  g_assert_false(has_verdict(out, "FAIL ", "full-foundation", "longest_outage_s vs baseline"));
  g_assert_nonnull(strstr(out, "2 significantly worse"));
  g_assert_nonnull(strstr(out, "failed: full-foundation: mean_outage_s vs baseline, "
                               "outage_p95_s vs baseline"));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  const char *const tolerant[] = { "--jobs", "1", "--baseline", "--db", db, "--tolerance", "5%",
                                   file, NULL };
  g_assert_cmpint(run_check_cli(tolerant, &out, &err), ==, CLI_OK);
  const char *const strict[] = { "--jobs", "1", "--baseline", "--db", db, "--tolerance", "0.02",
                                 file, NULL };
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  g_assert_cmpint(run_check_cli(strict, &out, &err), ==, CLI_FAILED);
  g_assert_nonnull(strstr(out, "beyond the tolerance of 6.8 s"));
  remove_db(dir, db);
}

/* A copy of full-foundation.ini with @extra appended, in a temporary file. Returns its path. */
static char *
foundation_with(const char *extra)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_assert_true(g_file_get_contents(SUITE "/full-foundation.ini", &text, NULL, &error));
  g_autofree char *all = g_strconcat(text, extra, NULL);
  char *path = NULL;
  int fd = g_file_open_tmp("zdsim-check-XXXXXX.ini", &path, &error);
  g_assert_no_error(error);
  close(fd);
  g_assert_true(g_file_set_contents(path, all, -1, NULL));
  return path;
}

/* The occurrences of @needle in @text. */
static guint
count_in(const char *text, const char *needle)
{
  guint n = 0;
  for (const char *p = strstr(text, needle); p != NULL; p = strstr(p + 1, needle))
    n++;
  return n;
}

/* A [sweep] scenario is judged at every point: full-foundation.ini with app.startup = 20s, 30s
 * has 2 points x 4 expectations = 8 verdicts and 8 JUnit test cases. By the file's formula
 * the outages last 350 s + phi at 20 s and 360 s + phi at 30 s, so exactly one fails:
 * max_outage <= 353s at app.startup=30s; it is printed once and counted once. */
static void
test_cli_sweep_points(void)
{
  g_autofree char *ini = foundation_with("[sweep]\napp.startup = 20s, 30s\n");
  g_autoptr(GError) error = NULL;
  g_autofree char *xml_path = NULL;
  int fd = g_file_open_tmp("zdsim-check-XXXXXX.xml", &xml_path, &error);
  g_assert_no_error(error);
  close(fd);
  const char *const args[] = { "--jobs", "1", "--junit", xml_path, ini, NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_assert_cmpint(run_check_cli(args, &out, &err), ==, CLI_FAILED);
  g_assert_cmpuint(count_lines_with_prefix(out, "== full-foundation at app.startup="), ==, 2);
  g_assert_cmpuint(count_lines_with_prefix(out, "PASS "), ==, 7);
  g_assert_cmpuint(count_lines_with_prefix(out, "FAIL "), ==, 1);
  g_assert_true(has_verdict(out, "FAIL ", "full-foundation",
                            "max_outage <= 353s at app.startup=30s"));
  g_assert_nonnull(strstr(out, "8 expectations in 1 scenario: 7 passed, 1 failed"));

  g_autofree char *xml = NULL;
  g_assert_true(g_file_get_contents(xml_path, &xml, NULL, &error));
  g_assert_cmpuint(count_in(xml, "<testcase "), ==, 2 * 4);
  g_assert_cmpuint(count_in(xml, "<failure "), ==, 1);
  g_assert_nonnull(strstr(xml, "name=\"max_outage &lt;= 353s at app.startup=30s\""));
  g_assert_nonnull(strstr(xml, "name=\"max_outage &lt;= 353s at app.startup=20s\""));
  g_unlink(xml_path);
  g_unlink(ini);
}

/* Which stored run is the baseline: the same scenario text and the overrides that change the
 * model. --set scenario.replications and --replications change only the sample, so the run
 * stored with the file's 10 replications still matches (compared with Welch's t, since the
 * replications differ); database.multi_az changes the model (even where, with no maintenance,
 * it changes no figure), so nothing matches: a skip, or with --require-baseline a failure
 * (exit 1, said once). --baseline-run names the run instead of the newest. */
static void
test_cli_baseline_match(void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp("zdsim-check-XXXXXX", &error);
  g_assert_no_error(error);
  g_autofree char *db = g_build_filename(dir, "runs.db", NULL);
  const char *file = SUITE "/full-foundation.ini";
  gint64 good = store_baseline(db, 0);
  g_autofree char *good_text = g_strdup_printf("baseline: run %" G_GINT64_FORMAT " of ", good);
  g_autofree char *out = NULL, *err = NULL;

  const char *const fewer[] = { "--jobs", "1", "--baseline", "--db", db, "--set",
                                "scenario.replications=6", file, NULL };
  g_assert_cmpint(run_check_cli(fewer, &out, &err), ==, CLI_OK);
  g_assert_nonnull(strstr(out, good_text));
  g_assert_nonnull(strstr(out, "0 significantly worse"));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  const char *const fewer_r[] = { "--jobs", "1", "--baseline", "--db", db, "-r", "6", file,
                                  NULL };
  g_assert_cmpint(run_check_cli(fewer_r, &out, &err), ==, CLI_OK);
  g_assert_nonnull(strstr(out, good_text));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  const char *const other[] = { "--jobs", "1", "--baseline", "--db", db, "--set",
                                "database.multi_az=true", file, NULL };
  g_assert_cmpint(run_check_cli(other, &out, &err), ==, CLI_OK);
  g_assert_true(has_verdict(out, "SKIP ", "full-foundation", "baseline"));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  const char *const required[] = { "--jobs", "1", "--require-baseline", "--db", db, "--set",
                                   "database.multi_az=true", file, NULL };
  g_assert_cmpint(run_check_cli(required, &out, &err), ==, CLI_FAILED);
  g_assert_cmpuint(count_lines_with_prefix(out, "FAIL "), ==, 1);
  g_assert_true(has_verdict(out, "FAIL ", "full-foundation", "baseline"));
  g_assert_nonnull(strstr(out, "no stored run of full-foundation"));
  g_assert_nonnull(strstr(out, "4 passed, 1 failed"));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  /* A newer, better baseline makes this run a regression: one FAIL line per failure (the
   * pooled mean and p95 outage, test_cli_baseline), each counted once, and the line saying
   * what was compared carries no verdict. */
  gint64 better = store_baseline(db, 10);
  const char *const newest[] = { "--jobs", "1", "--baseline", "--db", db, file, NULL };
  g_assert_cmpint(run_check_cli(newest, &out, &err), ==, CLI_FAILED);
  g_assert_cmpuint(count_lines_with_prefix(out, "FAIL "), ==, 2);
  /* 4 expectations and one baseline comparison per metric, two of them failed. */
  g_autofree char *tally = g_strdup_printf("%u passed, 2 failed", 4 + RUN_METRIC_COUNT - 2);
  g_assert_nonnull(strstr(out, tally));
  g_autofree char *better_text =
      g_strdup_printf("baseline: run %" G_GINT64_FORMAT " of ", better);
  g_assert_nonnull(strstr(out, better_text));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  g_autofree char *good_id = g_strdup_printf("%" G_GINT64_FORMAT, good);
  const char *const named[] = { "--jobs", "1", "--baseline-run", good_id, "--db", db, file,
                                NULL };
  g_assert_cmpint(run_check_cli(named, &out, &err), ==, CLI_OK);
  g_assert_nonnull(strstr(out, good_text));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  const char *const unknown[] = { "--baseline-run", "999", "--db", db, file, NULL };
  g_assert_cmpint(run_check_cli(unknown, &out, &err), ==, CLI_USAGE);
  g_assert_nonnull(strstr(err, "999"));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  const char *const two[] = { "--baseline-run", good_id, "--db", db, file, file, NULL };
  g_assert_cmpint(run_check_cli(two, &out, &err), ==, CLI_USAGE);
  g_assert_nonnull(strstr(err, "give one scenario file"));
  remove_db(dir, db);
}

/* A [sweep] scenario's points find their baselines among a stored sweep's runs (`zdsim sweep
 * --db`): the run of the same point. full-foundation with app.startup = 20s, 21s passes every
 * expectation (outages of 350 s + phi and 351 s + phi, under 353 s) and, against the same
 * runs, every comparison. Required but absent (another model), each point fails once. */
static void
test_cli_sweep_baseline(void)
{
  g_autofree char *ini = foundation_with("[sweep]\napp.startup = 20s, 21s\n");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp("zdsim-check-XXXXXX", &error);
  g_assert_no_error(error);
  g_autofree char *db = g_build_filename(dir, "runs.db", NULL);
  {
    g_autoptr(Store) store = store_open(db, STORE_OPEN_DEFAULT, &error);
    g_assert_no_error(error);
    g_autoptr(Scenario) base = load_file(ini, NULL);
    RunOptions options = { .jobs = 1 };
    g_autoptr(SweepResult) sweep = sweep_run(base, &options, &error);
    g_assert_no_error(error);
    g_assert_cmpint(store_save_sweep(store, "sweep", base, sweep->axes, sweep->results,
                                     sweep->points, &error), >, 0);
    g_assert_no_error(error);
  }
  g_autofree char *out = NULL, *err = NULL;
  const char *const args[] = { "--jobs", "1", "--require-baseline", "--db", db, ini, NULL };
  g_assert_cmpint(run_check_cli(args, &out, &err), ==, CLI_OK);
  g_assert_cmpuint(count_lines_with_prefix(out, "PASS "), ==, 2 * 4 + 2);
  g_assert_nonnull(strstr(out, "baseline at app.startup=20s: run 1 "));
  g_assert_nonnull(strstr(out, "baseline at app.startup=21s: run 2 "));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);

  const char *const other[] = { "--jobs", "1", "--require-baseline", "--db", db, "--set",
                                "database.multi_az=true", ini, NULL };
  g_assert_cmpint(run_check_cli(other, &out, &err), ==, CLI_FAILED);
  g_assert_cmpuint(count_lines_with_prefix(out, "FAIL "), ==, 2);
  g_assert_true(has_verdict(out, "FAIL ", "full-foundation", "baseline at app.startup=21s"));
  g_assert_nonnull(strstr(out, "8 passed, 2 failed"));
  remove_db(dir, db);
  g_unlink(ini);
}

/* The rule behind the match, on its own: the last value of each key that changes the model,
 * in any order. */
static void
test_model_overrides(void)
{
  const char *const a[] = { "app.instances=2", "policy.evacuation=rolling", NULL };
  const char *const b[] = { "scenario.replications=50", "policy.evacuation=rolling",
                            "app.instances=2", "scenario.seed=3", NULL };
  const char *const c[] = { "app.instances=3", "policy.evacuation=rolling", NULL };
  const char *const d[] = { "app.instances=3", "policy.evacuation=rolling", "app.instances=2",
                            NULL };
  const char *const e[] = { "app.instances=2", NULL };
  const struct {
    const char *const *x, *const *y;
    gboolean same;
  } cases[] = {
    { a, b, TRUE }, { a, c, FALSE }, { a, d, TRUE }, { a, e, FALSE }, { NULL, NULL, TRUE },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_assert_cmpint(check_same_model_overrides(cases[i].x, cases[i].y), ==, cases[i].same);
    g_assert_cmpint(check_same_model_overrides(cases[i].y, cases[i].x), ==, cases[i].same);
  }
  g_assert_false(check_override_changes_model("scenario.replications=5"));
  g_assert_false(check_override_changes_model("scenario.seed=5"));
  g_assert_true(check_override_changes_model("scenario.horizon=5d"));
  g_assert_true(check_override_changes_model("app.instances=5"));
}

/* The proof that the suite catches a regression: the whole suite with the wrong policy forced
 * on every scenario exits 1, and names what got worse. What must fail follows from each
 * file's formula with a start instead of a routing gap:
 *   rolling-1-instance: each evacuation is down for a start (20-120 s): max_outage <= 1s and
 *     availability >= 99.9999% fail;
 *   recreate-2-instances: both instances share a cell and stop together, down for a start:
 *     both fail;
 *   stop-start-1-instance: the index is auctioned at once rather than once its container is
 *     gone, so each outage is the 20-22 s start alone, not 29-31 s: mean_outage >= 28s fails.
 * The JUnit file has one test case per expectation and exactly the FAIL lines as failures. */
static void
test_wrong_policy(void)
{
  g_autoptr(GPtrArray) files = suite_files();
  g_autoptr(GError) error = NULL;
  g_autofree char *junit = NULL;
  int fd = g_file_open_tmp("zdsim-check-XXXXXX.xml", &junit, &error);
  g_assert_no_error(error);
  close(fd);
  g_autoptr(GPtrArray) args = g_ptr_array_new();
  const char *const opts[] = { "--jobs", "1", "--set", "policy.evacuation=rolling-stop-first",
                               "--junit", junit };
  for (guint i = 0; i < G_N_ELEMENTS(opts); i++)
    g_ptr_array_add(args, (gpointer) opts[i]);
  for (guint i = 0; i < files->len; i++)
    g_ptr_array_add(args, g_ptr_array_index(files, i));
  g_ptr_array_add(args, NULL);

  g_autofree char *out = NULL, *err = NULL;
  int status = run_check_cli((const char *const *) args->pdata, &out, &err);
  g_assert_cmpint(status, ==, CLI_FAILED);

  static const struct {
    const char *scenario, *label;
  } must_fail[] = {
    { "rolling-1-instance", "max_outage <= 1s" },
    { "rolling-1-instance", "availability >= 99.9999%" },
    { "recreate-2-instances", "max_outage <= 1s" },
    { "recreate-2-instances", "availability >= 99.9999%" },
    { "stop-start-1-instance", "mean_outage >= 28s" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(must_fail); i++) {
    g_test_message("expecting FAIL %s %s", must_fail[i].scenario, must_fail[i].label);
    g_assert_true(has_verdict(out, "FAIL ", must_fail[i].scenario, must_fail[i].label));
  }
  /* What got worse and by how much: an availability in points below its bound, an outage in
   * seconds above or below it. */
  g_assert_nonnull(strstr(out, "points below 99.9999%"));
  g_assert_nonnull(strstr(out, "s above 1s"));
  g_assert_nonnull(strstr(out, "s below 28s"));
  g_assert_nonnull(strstr(out, "\nfailed: "));

  guint n_pass = count_lines_with_prefix(out, "PASS ");
  guint n_fail = count_lines_with_prefix(out, "FAIL ");
  g_assert_cmpuint(n_fail, >=, G_N_ELEMENTS(must_fail));

  /* The JUnit file: well-formed, one test case per expectation, the failures marked. */
  guint expectations = 0;
  for (guint i = 0; i < files->len; i++) {
    g_autoptr(Scenario) sc = load_file(g_ptr_array_index(files, i), NULL);
    expectations += sc->expects->len;
  }
  g_assert_cmpuint(n_pass + n_fail, ==, expectations);
  g_autofree char *xml = NULL;
  g_assert_true(g_file_get_contents(junit, &xml, NULL, NULL));
  Junit j;
  junit_init(&j);
  junit_parse(xml, &j);
  g_assert_cmpuint(j.suites, ==, files->len);
  g_assert_cmpuint(j.cases, ==, expectations);
  g_assert_cmpuint(j.failures, ==, n_fail);
  g_assert_cmpuint(j.errors, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS(must_fail); i++) {
    gboolean found = FALSE;
    for (guint k = 0; k < j.failed_names->len; k++)
      found |= g_str_equal(g_ptr_array_index(j.failed_names, k), must_fail[i].label);
    g_assert_true(found);
  }
  junit_clear(&j);
  g_unlink(junit);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  /* Before any run starts (policy.h). */
  policy_register_for_tests(&policy_stop_first);

  g_test_add_func("/zdsim/check/verdicts", test_verdicts);
  g_test_add_func("/zdsim/check/max-outage-is-longest", test_max_outage_is_longest);
  g_test_add_func("/zdsim/check/line-layout", test_line_layout);
  g_test_add_func("/zdsim/check/no-expectations", test_no_expectations);
  g_test_add_func("/zdsim/check/baseline", test_baseline);
  g_test_add_func("/zdsim/check/baseline-longest", test_baseline_longest);
  g_test_add_func("/zdsim/check/junit-escaping", test_junit_escaping);
  g_test_add_func("/zdsim/check/suite-layout", test_suite_layout);
  g_autoptr(GPtrArray) files = suite_files();
  for (guint i = 0; i < files->len; i++) {
    const char *path = g_ptr_array_index(files, i);
    g_autofree char *base = g_path_get_basename(path);
    g_autofree char *name = g_strdup_printf("/zdsim/check/suite/%.*s",
                                            (int) (strlen(base) - strlen(".ini")), base);
    g_test_add_data_func(name, path, test_suite_file);
  }
  g_test_add_func("/zdsim/check/cli-exit-codes", test_cli_exit_codes);
  g_test_add_func("/zdsim/check/cli-baseline", test_cli_baseline);
  g_test_add_func("/zdsim/check/cli-sweep-points", test_cli_sweep_points);
  g_test_add_func("/zdsim/check/cli-baseline-match", test_cli_baseline_match);
  g_test_add_func("/zdsim/check/model-overrides", test_model_overrides);
  g_test_add_func("/zdsim/check/cli-sweep-baseline", test_cli_sweep_baseline);
  g_test_add_func("/zdsim/check/wrong-policy", test_wrong_policy);
  return g_test_run();
}
