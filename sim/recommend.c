/* recommend.c: the smallest instance count that meets a target: the rule, the target and
 * metric parsers, series, and the live and stored searches (recommend.h). Not for running
 * points (sweep.c) or for printing the answer (cli_store.c, serve_html.c). */
#include "zdsim/recommend.h"

#include <string.h>

#include "zdsim/units.h"

G_DEFINE_QUARK(zdsim-recommend-error-quark, recommend_error)

gboolean
recommend_meets(const StatsSummary *summary, double target)
{
  return summary->lo >= target;
}

gboolean
recommend_parse_target(const char *text, double *fraction, GError **error)
{
  g_autofree char *t = g_strstrip(g_strdup(text));
  gboolean has_sign = g_str_has_suffix(t, "%");
  g_autofree char *percent = has_sign ? g_strdup(t) : g_strconcat(t, "%", NULL);
  /* One reading for both forms: units_parse_percent() rounds the decimal text correctly, where
   * dividing the number by 100 can land one unit in the last place off (99.9 / 100 is above
   * 0.999), and a lower bound exactly at the target would meet it in one place and not in
   * another. */
  double v = 0;
  if (!units_parse_percent(percent, &v, NULL) || !(v > 0)) {
    g_set_error(error, RECOMMEND_ERROR, RECOMMEND_ERROR_INVALID,
                "the target is a percentage above 0 and at most 100, such as 99.95 or 99.95%%");
    return FALSE;
  }
  if (!has_sign && v <= 0.01) {
    g_set_error(error, RECOMMEND_ERROR, RECOMMEND_ERROR_INVALID,
                "the target is a percentage: %s reads as %s %%, so write 99.95 for 99.95 %% "
                "(or %s%% if a target that low is meant)",
                t, t, t);
    return FALSE;
  }
  *fraction = v;
  return TRUE;
}

gboolean
recommend_parse_metric(const char *name, RunMetric *out, GError **error)
{
  static const struct {
    const char *name;
    RunMetric metric;
  } metrics[] = {
    { "availability", RUN_AVAILABILITY },
    { "request", RUN_REQUEST_AVAILABILITY },
    { "business-hours", RUN_BUSINESS_HOURS_AVAILABILITY },
  };
  for (guint i = 0; i < G_N_ELEMENTS(metrics); i++) {
    if (g_str_equal(name, metrics[i].name)) {
      *out = metrics[i].metric;
      return TRUE;
    }
  }
  g_set_error(error, RECOMMEND_ERROR, RECOMMEND_ERROR_INVALID,
              "unknown metric '%s' (expected availability, request or business-hours)", name);
  return FALSE;
}

/* ---- series ---- */

char *
recommend_series_key(const char *const *point)
{
  g_autoptr(GPtrArray) rest = g_ptr_array_new();
  for (const char *const *p = point; p != NULL && *p != NULL; p++)
    if (!g_str_has_prefix(*p, "app.instances="))
      g_ptr_array_add(rest, (gpointer) *p);
  g_ptr_array_add(rest, NULL);
  return g_strjoinv(" ", (char **) rest->pdata);
}

void
recommend_series_free(RecommendSeries *series)
{
  if (series == NULL)
    return;
  g_free(series->key);
  g_ptr_array_unref(series->runs);
  g_free(series);
}

/* Orders items by instance count; @user_data points at the RecommendInstancesFunc. */
static gint
by_instances(gconstpointer a, gconstpointer b, gpointer user_data)
{
  const RecommendInstancesFunc *instances_of = user_data;
  guint na = (*instances_of)(*(const gconstpointer *) a);
  guint nb = (*instances_of)(*(const gconstpointer *) b);
  return (na > nb) - (na < nb);
}

GPtrArray *
recommend_group(const GPtrArray *items, RecommendKeyFunc key_of,
                RecommendInstancesFunc instances_of)
{
  GPtrArray *all = g_ptr_array_new_with_free_func((GDestroyNotify) recommend_series_free);
  for (guint i = 0; i < items->len; i++) {
    gpointer item = g_ptr_array_index(items, i);
    g_autofree char *key = key_of(item);
    RecommendSeries *series = NULL;
    for (guint k = 0; k < all->len && series == NULL; k++) {
      RecommendSeries *candidate = g_ptr_array_index(all, k);
      if (g_str_equal(candidate->key, key))
        series = candidate;
    }
    if (series == NULL) {
      series = g_new0(RecommendSeries, 1);
      series->key = g_steal_pointer(&key);
      series->runs = g_ptr_array_new();
      series->answer = -1;
      g_ptr_array_add(all, series);
    }
    g_ptr_array_add(series->runs, item);
  }
  for (guint k = 0; k < all->len; k++) {
    RecommendSeries *series = g_ptr_array_index(all, k);
    /* A stable sort (a merge sort): equal counts keep the items' order. */
    g_ptr_array_sort_with_data(series->runs, by_instances, &instances_of);
  }
  return all;
}

/* ---- the search among a stored sweep's runs ---- */

static char *
stored_key(gconstpointer item)
{
  return recommend_series_key((const char *const *) ((const StoreRunInfo *) item)->point);
}

static guint
stored_instances(gconstpointer item)
{
  return ((const StoreRunInfo *) item)->instances;
}

GPtrArray *
recommend_stored(const GPtrArray *runs, RunMetric metric, double target)
{
  GPtrArray *all = recommend_group(runs, stored_key, stored_instances);
  for (guint k = 0; k < all->len; k++) {
    RecommendSeries *series = g_ptr_array_index(all, k);
    for (guint i = 0; i < series->runs->len && series->answer < 0; i++) {
      const StoreRunInfo *r = g_ptr_array_index(series->runs, i);
      if (recommend_meets(&r->summary[metric], target))
        series->answer = (int) i;
    }
  }
  return all;
}

/* ---- the live search ---- */

void
recommend_result_free(RecommendResult *rec)
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

/* After count @i has run: the first count that meets the target is the answer, and the
 * search stops once the count after it has run too (for comparison). */
static gboolean
stop_after_answer(const SweepResult *sweep, guint i, void *user_data)
{
  RecommendResult *rec = user_data;
  const RunResult *r = g_ptr_array_index(sweep->results, i);
  if (rec->answer < 0 && recommend_meets(&r->summary[rec->metric], rec->target)) {
    rec->answer = (int) i;
    return FALSE;
  }
  return rec->answer >= 0;
}

RecommendResult *
recommend_run(const Scenario *base, RunMetric metric, double target, guint max_instances,
              const RunOptions *options, GError **error)
{
  if (!(target > 0 && target <= 1)) {
    g_set_error(error, RECOMMEND_ERROR, RECOMMEND_ERROR_INVALID,
                "the target must be a percentage above 0 and at most 100 %%, got %g %%",
                100 * target);
    return NULL;
  }
  if (max_instances == 0) {
    g_set_error(error, RECOMMEND_ERROR, RECOMMEND_ERROR_INVALID,
                "the largest instance count to try must be at least 1");
    return NULL;
  }
  GPtrArray *axes = g_ptr_array_new_with_free_func((GDestroyNotify) axis_free);
  ScenarioSweepAxis *axis = g_new0(ScenarioSweepAxis, 1);
  axis->key = g_strdup("app.instances");
  axis->values = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(axes, axis);

  g_autoptr(RecommendResult) rec = g_new0(RecommendResult, 1);
  rec->sweep = sweep_result_new(axes);
  rec->metric = metric;
  rec->target = target;
  rec->max_instances = max_instances;
  rec->answer = -1;

  /* Every count is loaded first, so a scenario that refuses one (say, more than one instance
   * before Mendix 7) fails before anything runs. */
  for (guint n = 1; n <= max_instances; n++) {
    g_autofree char *assignment = g_strdup_printf("app.instances=%u", n);
    const char *const point[] = { assignment, NULL };
    if (!sweep_add_point(rec->sweep, base, point, error))
      return NULL;
    g_ptr_array_add(axis->values, g_strdup_printf("%u", n));
  }
  if (!sweep_run_points(rec->sweep, options, stop_after_answer, rec, error))
    return NULL;
  /* The axis lists only the counts that ran. */
  g_ptr_array_set_size(axis->values, rec->sweep->results->len);
  return g_steal_pointer(&rec);
}
