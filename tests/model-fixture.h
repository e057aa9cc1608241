/* model-fixture.h: what the tests of the model's modules share (test-model.c, test-policy.c,
 * test-restart.c, test-platform.c): a quiet base scenario with every mechanism not under test
 * switched off, loading it with overrides and [action] sections, and running it. Header-only;
 * the functions are static inline so that a test file uses what it needs. */
#pragma once

#include <string.h>

#include "zdsim/run.h"
#include "zdsim/scenario.h"

#define S(x) ((gint64) (x) * DIST_USEC_PER_SEC)

/* Everything that is not under test is off: no database work, no portal maintenance, no
 * updates unless the test asks, no start failures, route lags of 0. */
G_GNUC_UNUSED static const char *const model_fixture_quiet_base[] = {
  "scenario.seed=7",
  "app.start_failure=0",
  "app.startup=20s",
  "app.graceful_shutdown=4s",
  "platform.updates=none",
  "platform.restarts=none",
  "platform.registration_lag=0s",
  "platform.unregistration_lag=0s",
  "database.maintenance_rate=0",
  "portal.environment_maintenance_rate=0",
};

/* A scenario of the quiet base, then @sets (a space-separated list of overrides), then
 * @overrides; @sections adds [action NAME] sections. */
static inline Scenario *
load_full(const char *sets, const char *sections, const char *const *overrides)
{
  g_autofree char *text = g_strconcat("[scenario]\n", sections != NULL ? sections : "", NULL);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < G_N_ELEMENTS(model_fixture_quiet_base); i++)
    g_ptr_array_add(all, g_strdup(model_fixture_quiet_base[i]));
  g_auto(GStrv) words = g_strsplit_set(sets != NULL ? sets : "", " \n", -1);
  for (char **w = words; *w != NULL; w++)
    if (**w != '\0')
      g_ptr_array_add(all, g_strdup(*w));
  for (const char *const *o = overrides; o != NULL && *o != NULL; o++)
    g_ptr_array_add(all, g_strdup(*o));
  g_ptr_array_add(all, NULL);
  g_autoptr(GError) error = NULL;
  Scenario *sc = scenario_load_data(text, strlen(text), "test.ini",
                                    (const char *const *) all->pdata, &error);
  g_assert_no_error(error);
  g_assert_nonnull(sc);
  return sc;
}

static inline Scenario *
load(const char *sets, const char *const *overrides)
{
  return load_full(sets, NULL, overrides);
}

static inline RunResult *
run(const Scenario *sc, guint jobs)
{
  RunOptions options = { .jobs = jobs };
  g_autoptr(GError) error = NULL;
  RunResult *r = run_execute(sc, &options, &error);
  g_assert_no_error(error);
  return r;
}

static inline double
rep_value(const RunResult *r, guint rep, RunMetric m)
{
  return r->values[(gsize) rep * RUN_METRIC_COUNT + m];
}

/* The first convergence tick strictly after @t (ticks every 30 s from time 0). */
static inline gint64
tick_after(gint64 t)
{
  return (t / S(30) + 1) * S(30);
}

/* Pooled outages of a run: their count, total and, for each, a check. */
typedef void (*OutageCheck)(const ModelInterval *o, gpointer data);

static inline guint
each_outage(const RunResult *r, OutageCheck check, gpointer data, double *total_s)
{
  guint n = 0;
  double total = 0;
  for (guint rep = 0; rep < r->replications; rep++) {
    GArray *out = g_ptr_array_index(r->outages, rep);
    for (guint i = 0; i < out->len; i++) {
      const ModelInterval *o = &g_array_index(out, ModelInterval, i);
      check(o, data);
      total += (double) (o->end - o->start) / DIST_USEC_PER_SEC;
      n++;
    }
  }
  *total_s = total;
  return n;
}
