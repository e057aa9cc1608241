/* sweep.c: the points of a [sweep] run one after another with common random numbers,
 * recommend's instance search. Not for storing (store.c) or the command line (cli_store.c). */
#include "zdsim/sweep.h"

#include <string.h>


G_DEFINE_QUARK(zdsim-sweep-error-quark, sweep_error)

Scenario *
sweep_point_scenario(const Scenario *base, const char *const *point, GError **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new();
  for (char **o = base->overrides; o != NULL && *o != NULL; o++)
    g_ptr_array_add(all, *o);
  for (const char *const *p = point; p != NULL && *p != NULL; p++)
    g_ptr_array_add(all, (gpointer) *p);
  g_ptr_array_add(all, NULL);
  Scenario *sc = scenario_load_data(base->text, strlen(base->text), base->path,
                                    (const char *const *) all->pdata, error);
  if (sc == NULL && point != NULL && *point != NULL) {
    g_autofree char *label = sweep_point_label(point);
    g_prefix_error(error, "sweep point %s: ", label);
  }
  return sc;
}

char *
sweep_point_label(const char *const *point)
{
  if (point == NULL || *point == NULL)
    return g_strdup("(base)");
  return g_strjoinv(" ", (char **) point);
}

void
sweep_result_free(SweepResult *sweep)
{
  if (sweep == NULL)
    return;
  /* Results point at their scenarios: free them first. */
  g_ptr_array_unref(sweep->results);
  g_ptr_array_unref(sweep->scenarios);
  g_ptr_array_unref(sweep->points);
  g_ptr_array_unref(sweep->axes);
  g_free(sweep);
}

static SweepResult *
sweep_result_new(GPtrArray *axes)
{
  SweepResult *sweep = g_new0(SweepResult, 1);
  sweep->axes = axes;
  sweep->points = g_ptr_array_new_with_free_func((GDestroyNotify) g_strfreev);
  sweep->scenarios = g_ptr_array_new_with_free_func((GDestroyNotify) scenario_free);
  sweep->results = g_ptr_array_new_with_free_func((GDestroyNotify) run_result_free);
  return sweep;
}

/* Progress over a whole sweep: point @offset / @total of the replications. */
typedef struct {
  const RunOptions *outer;
  guint offset;
  guint total;
} Progress;

static void
point_progress(guint done, guint total, void *user_data)
{
  (void) total;
  const Progress *p = user_data;
  p->outer->progress(MIN(p->offset + done, p->total), p->total, p->outer->progress_data);
}

/* Runs point @i of @sweep with @options, reporting progress from @offset out of @total. */
static gboolean
run_point(SweepResult *sweep, guint i, const RunOptions *options, guint offset, guint total,
          GError **error)
{
  Progress progress = { options, offset, total };
  RunOptions point_options = *options;
  if (options->progress != NULL) {
    point_options.progress = point_progress;
    point_options.progress_data = &progress;
  }
  const Scenario *sc = g_ptr_array_index(sweep->scenarios, i);
  RunResult *r = run_execute(sc, &point_options, error);
  if (r == NULL) {
    g_autofree char *label = sweep_point_label(g_ptr_array_index(sweep->points, i));
    g_prefix_error(error, "sweep point %s: ", label);
    return FALSE;
  }
  g_ptr_array_add(sweep->results, r);
  return TRUE;
}

SweepResult *
sweep_run(const Scenario *base, const RunOptions *options, GError **error)
{
  g_autoptr(SweepResult) sweep = sweep_result_new(g_ptr_array_ref(base->sweep));
  g_autoptr(GPtrArray) points = scenario_sweep_points(base);
  guint total = 0;
  /* Every point is loaded first, so a bad value fails before anything runs. */
  for (guint i = 0; i < points->len; i++) {
    char **point = g_ptr_array_index(points, i);
    Scenario *sc = sweep_point_scenario(base, (const char *const *) point, error);
    if (sc == NULL)
      return NULL;
    g_ptr_array_add(sweep->points, g_strdupv(point));
    g_ptr_array_add(sweep->scenarios, sc);
    total += sc->replications;
  }
  guint offset = 0;
  for (guint i = 0; i < sweep->scenarios->len; i++) {
    if (!run_point(sweep, i, options, offset, total, error))
      return NULL;
    offset += ((const Scenario *) g_ptr_array_index(sweep->scenarios, i))->replications;
  }
  return g_steal_pointer(&sweep);
}

/* ---- recommend ---- */

gboolean
sweep_target_parse(const char *name, SweepTarget *out, GError **error)
{
  static const char *const names[] = { "availability", "request", "business-hours" };
  for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
    if (g_str_equal(name, names[i])) {
      *out = (SweepTarget) i;
      return TRUE;
    }
  }
  g_set_error(error, SWEEP_ERROR, SWEEP_ERROR_INVALID,
              "unknown metric '%s' (expected availability, request or business-hours)", name);
  return FALSE;
}

RunMetric
sweep_target_metric(SweepTarget target)
{
  switch (target) {
  case SWEEP_TARGET_REQUEST:
    return RUN_REQUEST_AVAILABILITY;
  case SWEEP_TARGET_BUSINESS_HOURS:
    return RUN_BUSINESS_HOURS_AVAILABILITY;
  case SWEEP_TARGET_AVAILABILITY:
  default:
    return RUN_AVAILABILITY;
  }
}

void
sweep_recommendation_free(SweepRecommendation *rec)
{
  if (rec == NULL)
    return;
  sweep_result_free(rec->sweep);
  g_free(rec);
}

static void
axis_free(ScenarioSweepAxis *axis)
{
  g_free(axis->key);
  g_ptr_array_unref(axis->values);
  g_free(axis);
}

SweepRecommendation *
sweep_recommend(const Scenario *base, RunMetric metric, double target, guint max_instances,
                const RunOptions *options, GError **error)
{
  if (!(target > 0 && target <= 1)) {
    g_set_error(error, SWEEP_ERROR, SWEEP_ERROR_INVALID,
                "the target must be a percentage above 0 and at most 100 %%, got %g %%",
                100 * target);
    return NULL;
  }
  if (max_instances == 0) {
    g_set_error(error, SWEEP_ERROR, SWEEP_ERROR_INVALID,
                "the largest instance count to try must be at least 1");
    return NULL;
  }
  GPtrArray *axes = g_ptr_array_new_with_free_func((GDestroyNotify) axis_free);
  ScenarioSweepAxis *axis = g_new0(ScenarioSweepAxis, 1);
  axis->key = g_strdup("app.instances");
  axis->values = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(axes, axis);

  g_autoptr(SweepRecommendation) rec = g_new0(SweepRecommendation, 1);
  rec->sweep = sweep_result_new(axes);
  rec->metric = metric;
  rec->target = target;
  rec->max_instances = max_instances;
  rec->answer = -1;
  SweepResult *sweep = rec->sweep;

  /* Every count is loaded first, so a scenario that refuses one (say, more than one instance
   * before Mendix 7) fails before anything runs. */
  guint total = 0;
  for (guint n = 1; n <= max_instances; n++) {
    char *point[] = { g_strdup_printf("app.instances=%u", n), NULL };
    Scenario *sc = sweep_point_scenario(base, (const char *const *) point, error);
    if (sc == NULL) {
      g_free(point[0]);
      return NULL;
    }
    g_ptr_array_add(sweep->points, g_strdupv(point));
    g_ptr_array_add(sweep->scenarios, sc);
    g_ptr_array_add(axis->values, g_strdup_printf("%u", n));
    g_free(point[0]);
    total += sc->replications;
  }

  guint offset = 0;
  for (guint i = 0; i < sweep->scenarios->len; i++) {
    if (!run_point(sweep, i, options, offset, total, error))
      return NULL;
    offset += ((const Scenario *) g_ptr_array_index(sweep->scenarios, i))->replications;
    const RunResult *r = g_ptr_array_index(sweep->results, i);
    /* Judged on the lower 95 % bound, never the mean (DESIGN.md §3 [expect]). */
    if (rec->answer < 0 && r->summary[metric].lo >= target)
      rec->answer = (int) i;
    else if (rec->answer >= 0)
      break; /* the count after the answer has run, for comparison */
  }
  /* Tell the progress bar the work is over even when the search stopped early. */
  if (options->progress != NULL && offset < total)
    options->progress(total, total, options->progress_data);
  /* The axis lists only the counts that ran. */
  g_ptr_array_set_size(axis->values, sweep->results->len);
  g_ptr_array_set_size(sweep->points, sweep->results->len);
  g_ptr_array_set_size(sweep->scenarios, sweep->results->len);
  return g_steal_pointer(&rec);
}

char *
sweep_axes_text(const GPtrArray *axes, const char *times)
{
  GString *out = g_string_new(NULL);
  for (guint a = 0; a < axes->len; a++) {
    const ScenarioSweepAxis *axis = g_ptr_array_index(axes, a);
    if (a > 0)
      g_string_append(out, times);
    g_string_append_printf(out, "%s = ", axis->key);
    for (guint v = 0; v < axis->values->len; v++)
      g_string_append_printf(out, "%s%s", v > 0 ? ", " : "",
                             (const char *) g_ptr_array_index(axis->values, v));
  }
  return g_string_free(out, FALSE);
}
