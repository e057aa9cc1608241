/* sweep.c: the points of a [sweep] run one after another with common random numbers, and
 * the running of points that a search (recommend.c) stops when it has its answer. Not for
 * judging points (recommend.c, compare.c), storing (store.c) or the command line
 * (cli_store.c). */
#include "zdsim/sweep.h"

Scenario *
sweep_point_scenario(const Scenario *base, const char *const *point, GError **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new();
  for (char **o = base->overrides; o != NULL && *o != NULL; o++)
    g_ptr_array_add(all, *o);
  for (const char *const *p = point; p != NULL && *p != NULL; p++)
    g_ptr_array_add(all, (gpointer) *p);
  g_ptr_array_add(all, NULL);
  /* The base checked every sweep value; a point's own load need not (see
   * scenario_load_sweep_point). */
  Scenario *sc = scenario_load_sweep_point(base, (const char *const *) all->pdata, error);
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

SweepResult *
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

guint64
sweep_point_first_item(const SweepResult *sweep, guint i)
{
  guint64 first = 0;
  for (guint j = 0; j < i; j++)
    first += ((const Scenario *) g_ptr_array_index(sweep->scenarios, j))->replications;
  return first;
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
  /* A shard's work items are numbered over the whole sweep, point by point. */
  if (options->shard_n > 0)
    point_options.shard_first = sweep_point_first_item(sweep, i);
  RunResult *r = run_execute(sc, &point_options, error);
  if (r == NULL) {
    g_autofree char *label = sweep_point_label(g_ptr_array_index(sweep->points, i));
    g_prefix_error(error, "sweep point %s: ", label);
    return FALSE;
  }
  g_ptr_array_add(sweep->results, r);
  return TRUE;
}

gboolean
sweep_add_point(SweepResult *sweep, const Scenario *base, const char *const *point,
                GError **error)
{
  Scenario *sc = sweep_point_scenario(base, point, error);
  if (sc == NULL)
    return FALSE;
  g_ptr_array_add(sweep->points, g_strdupv((char **) point));
  g_ptr_array_add(sweep->scenarios, sc);
  return TRUE;
}

gboolean
sweep_run_points(SweepResult *sweep, const RunOptions *options, SweepStopFunc stop,
                 void *user_data, GError **error)
{
  guint first = sweep->results->len;
  guint total = 0;
  for (guint i = first; i < sweep->scenarios->len; i++)
    total += ((const Scenario *) g_ptr_array_index(sweep->scenarios, i))->replications;
  guint offset = 0;
  gboolean ok = TRUE, stopped = FALSE;
  for (guint i = first; i < sweep->scenarios->len && ok && !stopped; i++) {
    ok = run_point(sweep, i, options, offset, total, error);
    if (ok) {
      offset += ((const Scenario *) g_ptr_array_index(sweep->scenarios, i))->replications;
      stopped = stop != NULL && stop(sweep, i, user_data);
    }
  }
  /* Tell the progress bar the work is over even when the search stopped early. */
  if (ok && options->progress != NULL && offset < total)
    options->progress(total, total, options->progress_data);
  /* Only the points that ran stay. */
  g_ptr_array_set_size(sweep->points, sweep->results->len);
  g_ptr_array_set_size(sweep->scenarios, sweep->results->len);
  return ok;
}

SweepResult *
sweep_load(const Scenario *base, GError **error)
{
  g_autoptr(SweepResult) sweep = sweep_result_new(g_ptr_array_ref(base->sweep));
  g_autoptr(GPtrArray) points = scenario_sweep_points(base);
  for (guint i = 0; i < points->len; i++) {
    const char *const *point = g_ptr_array_index(points, i);
    if (!sweep_add_point(sweep, base, point, error))
      return NULL;
  }
  return g_steal_pointer(&sweep);
}

SweepResult *
sweep_run(const Scenario *base, const RunOptions *options, GError **error)
{
  /* Every point is loaded first, so a bad value fails before anything runs. */
  g_autoptr(SweepResult) sweep = sweep_load(base, error);
  if (sweep == NULL || !sweep_run_points(sweep, options, NULL, NULL, error))
    return NULL;
  return g_steal_pointer(&sweep);
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
