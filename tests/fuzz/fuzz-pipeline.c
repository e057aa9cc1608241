/* fuzz-pipeline.c: libFuzzer target for the whole pipeline a scenario file goes through
 * (sim/scenario.c, sim/run.c, the model); not a unit test.
 *
 * One input is the text of a scenario file, "#set section.key=value" lines becoming
 * --set overrides as in fuzz-scenario.c. A scenario the loader accepts must also be
 * estimated (run_estimate) and run without a crash, an assertion or a sanitizer report:
 * an accepted scenario that aborts at run time is a finding. To keep one input near a
 * millisecond the run is bounded by reloading the file with overrides (so the loader still
 * checks every rule): the horizon at most FUZZ_PIPELINE_MAX_HORIZON, the warm-up below it,
 * at most FUZZ_PIPELINE_MAX_REPLICATIONS replications on one thread. Inputs the bounded
 * reload refuses, or whose estimate exceeds FUZZ_PIPELINE_MAX_EVENTS, are skipped (they
 * are not findings: the CLI refuses them too, or they are merely slow).
 *
 * What a run must give (run.h; README, JSON), checked after the run:
 * - every availability in [0, 1], every time and count finite and not negative;
 * - the causes of a replication add up to its downtime per year (to rounding);
 * - every summary finite, its interval holding its mean (lo <= mean <= hi). Whether the
 *   interval stays inside the metric's range (README, JSON) is not checked: the Student-t
 *   interval of two replications leaves it by design until that rule is implemented.
 *
 * tests/test-fuzz-regressions.c includes this file with ZDSIM_FUZZ_NO_MAIN defined and calls
 * fuzz_pipeline_one() on the corpus and on every input a fuzzer found. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zdsim/run.h"
#include "zdsim/scenario.h"

#define FUZZ_PIPELINE_PATH "fuzz.ini"
#define FUZZ_PIPELINE_MAX_SETS 4
#define FUZZ_PIPELINE_MAX_HORIZON (7 * G_TIME_SPAN_DAY)
#define FUZZ_PIPELINE_MAX_REPLICATIONS 2
/* Bounds on the foundation: larger ones are valid but only slow the fuzzer down. */
#define FUZZ_PIPELINE_MAX_CELLS 64
#define FUZZ_PIPELINE_MAX_INSTANCES 16
/* About 10 ms of model time at the speeds make bench measures (under ASan, about 0.1 s). */
#define FUZZ_PIPELINE_MAX_EVENTS 2e5

static void G_GNUC_NORETURN
fuzz_pipeline_fail(const char *what, const char *text, const char *detail)
{
  fprintf(stderr, "fuzz-pipeline: %s\n--- input ---\n%s\n--- detail ---\n%s\n---\n", what,
          text != NULL ? text : "(null)", detail != NULL ? detail : "");
  fflush(stderr);
  abort();
}

/* The "#set" lines of @text, then @extra (NULL-terminated, may be NULL), as an override
 * vector. */
static char **
fuzz_pipeline_overrides(const char *text, const char *const *extra)
{
  GPtrArray *sets = g_ptr_array_new();
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  guint n = 0;
  for (char **line = lines; *line != NULL && n < FUZZ_PIPELINE_MAX_SETS; line++) {
    if (g_str_has_prefix(*line, "#set ")) {
      g_ptr_array_add(sets, g_strdup(*line + 5));
      n++;
    }
  }
  for (const char *const *e = extra; e != NULL && *e != NULL; e++)
    g_ptr_array_add(sets, g_strdup(*e));
  g_ptr_array_add(sets, NULL);
  return (char **) g_ptr_array_free(sets, FALSE);
}

static gboolean
fuzz_pipeline_is_availability(RunMetric m)
{
  return m <= RUN_REPORTED_AVAILABILITY;
}

/* Checks one result against run.h's promises; aborts with what broke. */
static void
fuzz_pipeline_check(const RunResult *r, const char *text)
{
  for (guint rep = 0; rep < r->replications; rep++) {
    const double *v = r->values + (gsize) rep * RUN_METRIC_COUNT;
    for (int m = 0; m < RUN_METRIC_COUNT; m++) {
      gboolean bad = !isfinite(v[m]) || v[m] < 0.0 ||
                     (fuzz_pipeline_is_availability((RunMetric) m) && v[m] > 1.0);
      if (bad) {
        g_autofree char *detail = g_strdup_printf("replication %u: %s = %.17g", rep,
                                                  run_metric_name((RunMetric) m), v[m]);
        fuzz_pipeline_fail("a metric outside its range", text, detail);
      }
    }
    /* README, JSON: the causes of a replication add up to its downtime exactly; both are
     * per-year doubles from the same integer microseconds, so only rounding may differ. */
    double sum = 0.0;
    for (int c = 0; c < CAUSE_COUNT; c++)
      sum += r->by_cause[(gsize) rep * CAUSE_COUNT + c];
    double down = v[RUN_DOWNTIME_PER_YEAR];
    if (fabs(sum - down) > 1e-6 * fmax(1.0, down)) {
      g_autofree char *detail = g_strdup_printf("replication %u: causes %.17g s, downtime "
                                                "%.17g s", rep, sum, down);
      fuzz_pipeline_fail("causes do not add up to the downtime", text, detail);
    }
  }
  for (int m = 0; m < RUN_METRIC_COUNT; m++) {
    const StatsSummary *s = &r->summary[m];
    gboolean bad = !isfinite(s->mean) || !isfinite(s->lo) || !isfinite(s->hi) ||
                   s->lo > s->mean + 1e-9 * fmax(1.0, fabs(s->mean)) ||
                   s->hi < s->mean - 1e-9 * fmax(1.0, fabs(s->mean));
    if (bad) {
      g_autofree char *detail = g_strdup_printf("%s: mean %.17g [%.17g, %.17g]",
                                                run_metric_name((RunMetric) m), s->mean,
                                                s->lo, s->hi);
      fuzz_pipeline_fail("a summary interval that does not hold its mean", text, detail);
    }
  }
}

static int
fuzz_pipeline_one(const guint8 *data, gsize size)
{
  g_autofree char *text = g_strndup((const char *) data, size);
  g_auto(GStrv) overrides = fuzz_pipeline_overrides(text, NULL);
  g_autoptr(Scenario) first = scenario_load_data((const char *) data, size, FUZZ_PIPELINE_PATH,
                                                 (const char *const *) overrides, NULL);
  if (first == NULL)
    return 0;
  if (first->cells > FUZZ_PIPELINE_MAX_CELLS || first->instances > FUZZ_PIPELINE_MAX_INSTANCES)
    return 0;

  /* The bounds go through the loader, which checks them with every other rule. */
  g_autoptr(GPtrArray) bounds = g_ptr_array_new_with_free_func(g_free);
  gint64 horizon = MIN(first->horizon, FUZZ_PIPELINE_MAX_HORIZON);
  if (first->horizon > FUZZ_PIPELINE_MAX_HORIZON)
    g_ptr_array_add(bounds, g_strdup_printf("scenario.horizon=%" G_GINT64_FORMAT "s",
                                            horizon / G_TIME_SPAN_SECOND));
  if (first->warmup >= horizon)
    g_ptr_array_add(bounds, g_strdup("scenario.warmup=0s"));
  if (first->replications > FUZZ_PIPELINE_MAX_REPLICATIONS)
    g_ptr_array_add(bounds, g_strdup_printf("scenario.replications=%d",
                                            FUZZ_PIPELINE_MAX_REPLICATIONS));
  g_ptr_array_add(bounds, NULL);
  g_auto(GStrv) bounded_sets = fuzz_pipeline_overrides(text,
                                                       (const char *const *) bounds->pdata);
  g_autoptr(GError) error = NULL;
  g_autoptr(Scenario) sc = scenario_load_data((const char *) data, size, FUZZ_PIPELINE_PATH,
                                              (const char *const *) bounded_sets, &error);
  if (sc == NULL)
    return 0;

  RunEstimate estimate;
  run_estimate(sc, 1, &estimate);
  if (!isfinite(estimate.events) || !isfinite(estimate.bytes) || estimate.events < 0.0 ||
      estimate.bytes < 0.0) {
    g_autofree char *detail = g_strdup_printf("events %g, bytes %g", estimate.events,
                                              estimate.bytes);
    fuzz_pipeline_fail("run_estimate gave a value that is not a finite count", text, detail);
  }
  if (estimate.events > FUZZ_PIPELINE_MAX_EVENTS || !run_check_limits(sc, 1, NULL))
    return 0;

  RunOptions options = { .jobs = 1, .keep_timeline = TRUE };
  g_autoptr(RunResult) result = run_execute(sc, &options, &error);
  if (result == NULL)
    fuzz_pipeline_fail("run_execute refused an accepted scenario", text, error->message);
  if (result->replications != sc->replications)
    fuzz_pipeline_fail("run_execute returned another number of replications", text, NULL);
  fuzz_pipeline_check(result, text);
  return 0;
}

#ifndef ZDSIM_FUZZ_NO_MAIN
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A GLib warning or critical is a finding too (see fuzz-scenario.c). */
static void
fuzz_pipeline_log(const gchar *domain, GLogLevelFlags level, const gchar *message,
                  gpointer data)
{
  (void) data;
  fprintf(stderr, "%s: %s\n", domain != NULL ? domain : "(no domain)", message);
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void) argc;
  (void) argv;
  g_log_set_default_handler(fuzz_pipeline_log, NULL);
  /* Kept for the life of the process on purpose, as in fuzz-scenario.c. */
  (void) g_time_zone_new_identifier("Europe/Amsterdam");
  return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  return fuzz_pipeline_one(data, size);
}
#endif
