/* recommend.c: the smallest instance count that meets a target: the rule, the target and
 * metric parsers, series, and the live and stored searches (recommend.h). Not for running
 * points (sweep.c) or for printing the answer (cli_store.c, serve_html.c). */
#include "zdsim/recommend.h"

#include <string.h>

#include "zdsim/report.h"
#include "zdsim/units.h"

G_DEFINE_QUARK(zdsim-recommend-error-quark, recommend_error)

RecommendKind
recommend_metric_kind(RunMetric metric)
{
  const char *name = run_metric_name(metric);
  if (run_metric_higher_is_better(metric) && g_str_has_suffix(name, "availability"))
    return RECOMMEND_AVAILABILITY;
  if (!run_metric_higher_is_better(metric) && strstr(name, "downtime") != NULL &&
      g_str_has_suffix(name, "_per_year_s"))
    return RECOMMEND_DOWNTIME;
  return RECOMMEND_NOT_TARGETABLE;
}

char *
recommend_metric_label(RunMetric metric)
{
  g_autofree char *name = g_strdup(run_metric_name(metric));
  if (g_str_has_suffix(name, "_per_year_s"))
    name[strlen(name) - strlen("_per_year_s")] = '\0';
  g_strdelimit(name, "_", ' ');
  return g_steal_pointer(&name);
}

/* The names of version 1, kept as aliases (README, Explain, sensitivity and a report). */
static const struct {
  const char *alias;
  RunMetric metric;
} aliases[] = {
  { "request", RUN_REQUEST_AVAILABILITY },
  { "business-hours", RUN_BUSINESS_HOURS_AVAILABILITY },
};

char *
recommend_metric_names(const char *separator)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new();
  for (int m = 0; m < RUN_METRIC_COUNT; m++)
    if (recommend_metric_kind((RunMetric) m) != RECOMMEND_NOT_TARGETABLE)
      g_ptr_array_add(names, (gpointer) run_metric_name((RunMetric) m));
  for (guint i = 0; i < G_N_ELEMENTS(aliases); i++)
    g_ptr_array_add(names, (gpointer) aliases[i].alias);
  g_ptr_array_add(names, NULL);
  return g_strjoinv(separator, (char **) names->pdata);
}

gboolean
recommend_meets(RunMetric metric, const StatsSummary *summary, double target)
{
  if (recommend_metric_kind(metric) == RECOMMEND_DOWNTIME)
    return summary->hi <= target;
  return summary->lo >= target;
}

double
recommend_judged_bound(RunMetric metric, const StatsSummary *summary)
{
  return recommend_metric_kind(metric) == RECOMMEND_DOWNTIME ? summary->hi : summary->lo;
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
  int m = run_metric_lookup(name);
  if (m >= 0 && recommend_metric_kind((RunMetric) m) != RECOMMEND_NOT_TARGETABLE) {
    *out = (RunMetric) m;
    return TRUE;
  }
  for (guint i = 0; i < G_N_ELEMENTS(aliases); i++) {
    if (g_str_equal(name, aliases[i].alias)) {
      *out = aliases[i].metric;
      return TRUE;
    }
  }
  g_autofree char *names = recommend_metric_names(", ");
  if (m >= 0)
    g_set_error(error, RECOMMEND_ERROR, RECOMMEND_ERROR_INVALID,
                "metric '%s' cannot be a target: a target is an availability or a downtime per "
                "year (expected one of %s)",
                name, names);
  else
    g_set_error(error, RECOMMEND_ERROR, RECOMMEND_ERROR_INVALID,
                "unknown metric '%s' (expected one of %s)", name, names);
  return FALSE;
}

gboolean
recommend_parse_goal(RunMetric metric, const char *text, double *value, GError **error)
{
  RecommendKind kind = recommend_metric_kind(metric);
  if (kind == RECOMMEND_AVAILABILITY)
    return recommend_parse_target(text, value, error);
  if (kind != RECOMMEND_DOWNTIME) {
    g_set_error(error, RECOMMEND_ERROR, RECOMMEND_ERROR_INVALID,
                "metric '%s' cannot be a target", run_metric_name(metric));
    return FALSE;
  }
  g_autofree char *t = g_strstrip(g_strdup(text));
  /* "30m/y" and "30m/year" say what the bare "30m" means: per year. */
  static const char *const per_year[] = { "/year", "/y" };
  for (guint i = 0; i < G_N_ELEMENTS(per_year); i++) {
    if (g_str_has_suffix(t, per_year[i])) {
      t[strlen(t) - strlen(per_year[i])] = '\0';
      g_strchomp(t);
      break;
    }
  }
  gint64 us = 0;
  if (!units_parse_duration(t, &us, NULL) || us > (gint64) RUN_YEAR_S * G_USEC_PER_SEC) {
    g_set_error(error, RECOMMEND_ERROR, RECOMMEND_ERROR_INVALID,
                "%s is a downtime per year: the target is the most downtime a year allows, a "
                "duration up to 365d such as 30m, 1800s or 30m/y, got '%s'",
                run_metric_name(metric), text);
    return FALSE;
  }
  *value = (double) us / G_USEC_PER_SEC;
  return TRUE;
}

char *
recommend_format_goal(RunMetric metric, double value)
{
  if (recommend_metric_kind(metric) == RECOMMEND_DOWNTIME)
    return g_strdup_printf("%.1f min/year", value / 60);
  return report_format_percent(value);
}

ModelCause
recommend_dominant_cause(const RunResult *result)
{
  ModelCause best = 0;
  for (int c = 1; c < CAUSE_COUNT; c++)
    if (result->cause_summary[c].mean > result->cause_summary[best].mean)
      best = (ModelCause) c;
  return best;
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
      if (recommend_meets(metric, &r->summary[metric], target))
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
  /* The series borrow the sweep's results: free them first. */
  if (rec->series != NULL)
    g_ptr_array_unref(rec->series);
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

GPtrArray *
recommend_combinations(const Scenario *base)
{
  GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify) g_strfreev);
  g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) points = scenario_sweep_points(base);
  for (guint i = 0; i < points->len; i++) {
    const char *const *point = g_ptr_array_index(points, i);
    g_autoptr(GStrvBuilder) rest = g_strv_builder_new();
    for (const char *const *p = point; p != NULL && *p != NULL; p++)
      if (!g_str_has_prefix(*p, "app.instances="))
        g_strv_builder_add(rest, *p);
    g_auto(GStrv) combination = g_strv_builder_end(rest);
    char *key = recommend_series_key((const char *const *) combination);
    if (!g_hash_table_add(seen, key))
      continue;
    g_ptr_array_add(out, g_steal_pointer(&combination));
  }
  if (out->len == 0)
    g_ptr_array_add(out, g_new0(char *, 1));
  return out;
}

/* One combination's search while it runs. */
typedef struct {
  RunMetric metric;
  double target;
  int answer;
} Search;

/* After count @i has run: the first count that meets the target is the answer, and the
 * search stops once the count after it has run too (for comparison). */
static gboolean
stop_after_answer(const SweepResult *sweep, guint i, void *user_data)
{
  Search *search = user_data;
  const RunResult *r = g_ptr_array_index(sweep->results, i);
  if (search->answer < 0 && recommend_meets(search->metric, &r->summary[search->metric],
                                            search->target)) {
    search->answer = (int) i;
    return FALSE;
  }
  return search->answer >= 0;
}

/* A copy of @axis (ScenarioSweepAxis). */
static ScenarioSweepAxis *
axis_copy(const ScenarioSweepAxis *axis)
{
  ScenarioSweepAxis *copy = g_new0(ScenarioSweepAxis, 1);
  copy->key = g_strdup(axis->key);
  copy->values = g_ptr_array_new_with_free_func(g_free);
  for (guint v = 0; v < axis->values->len; v++)
    g_ptr_array_add(copy->values, g_strdup(g_ptr_array_index(axis->values, v)));
  return copy;
}

RecommendResult *
recommend_run(const Scenario *base, RunMetric metric, double target, guint max_instances,
              const RunOptions *options, GError **error)
{
  RecommendKind kind = recommend_metric_kind(metric);
  if (kind == RECOMMEND_NOT_TARGETABLE) {
    g_set_error(error, RECOMMEND_ERROR, RECOMMEND_ERROR_INVALID,
                "metric '%s' cannot be a target", run_metric_name(metric));
    return NULL;
  }
  if (kind == RECOMMEND_AVAILABILITY && !(target > 0 && target <= 1)) {
    g_set_error(error, RECOMMEND_ERROR, RECOMMEND_ERROR_INVALID,
                "the target must be a percentage above 0 and at most 100 %%, got %g %%",
                100 * target);
    return NULL;
  }
  if (kind == RECOMMEND_DOWNTIME && !(target >= 0 && target <= RUN_YEAR_S)) {
    g_set_error(error, RECOMMEND_ERROR, RECOMMEND_ERROR_INVALID,
                "the target must be a downtime from 0 to a year per year, got %g s", target);
    return NULL;
  }
  if (max_instances == 0) {
    g_set_error(error, RECOMMEND_ERROR, RECOMMEND_ERROR_INVALID,
                "the largest instance count to try must be at least 1");
    return NULL;
  }
  /* The axes: the scenario's own, but app.instances, then app.instances as searched. */
  GPtrArray *axes = g_ptr_array_new_with_free_func((GDestroyNotify) axis_free);
  for (guint a = 0; a < base->sweep->len; a++) {
    const ScenarioSweepAxis *axis = g_ptr_array_index(base->sweep, a);
    if (!g_str_equal(axis->key, "app.instances"))
      g_ptr_array_add(axes, axis_copy(axis));
  }
  ScenarioSweepAxis *instances_axis = g_new0(ScenarioSweepAxis, 1);
  instances_axis->key = g_strdup("app.instances");
  instances_axis->values = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(axes, instances_axis);

  g_autoptr(RecommendResult) rec = g_new0(RecommendResult, 1);
  rec->sweep = sweep_result_new(axes);
  rec->series = g_ptr_array_new_with_free_func((GDestroyNotify) recommend_series_free);
  rec->metric = metric;
  rec->target = target;
  rec->max_instances = max_instances;

  /* Every point of every combination is loaded first, so a scenario that refuses one (say,
   * more than one instance before Mendix 7) fails before anything runs. */
  g_autoptr(GPtrArray) combinations = recommend_combinations(base);
  g_autoptr(GPtrArray) searches = g_ptr_array_new_with_free_func(
      (GDestroyNotify) sweep_result_free);
  for (guint c = 0; c < combinations->len; c++) {
    char **combination = g_ptr_array_index(combinations, c);
    GPtrArray *one_axis = g_ptr_array_new_with_free_func((GDestroyNotify) axis_free);
    SweepResult *search = sweep_result_new(one_axis);
    g_ptr_array_add(searches, search);
    for (guint n = 1; n <= max_instances; n++) {
      g_autoptr(GStrvBuilder) b = g_strv_builder_new();
      g_strv_builder_addv(b, (const char **) combination);
      g_autofree char *assignment = g_strdup_printf("app.instances=%u", n);
      g_strv_builder_add(b, assignment);
      g_auto(GStrv) point = g_strv_builder_end(b);
      if (!sweep_add_point(search, base, (const char *const *) point, error))
        return NULL;
    }
  }
  guint most = 0;
  for (guint c = 0; c < combinations->len; c++) {
    SweepResult *search = g_ptr_array_index(searches, c);
    Search state = { metric, target, -1 };
    if (!sweep_run_points(search, options, stop_after_answer, &state, error))
      return NULL;
    RecommendSeries *series = g_new0(RecommendSeries, 1);
    series->key = recommend_series_key(g_ptr_array_index(combinations, c));
    series->runs = g_ptr_array_new();
    series->answer = state.answer;
    g_ptr_array_add(rec->series, series);
    /* The points move into the one sweep that is stored. */
    for (guint i = 0; i < search->results->len; i++) {
      g_ptr_array_add(rec->sweep->points, g_ptr_array_index(search->points, i));
      g_ptr_array_add(rec->sweep->scenarios, g_ptr_array_index(search->scenarios, i));
      g_ptr_array_add(rec->sweep->results, g_ptr_array_index(search->results, i));
      g_ptr_array_add(series->runs, g_ptr_array_index(search->results, i));
    }
    g_ptr_array_set_free_func(search->points, NULL);
    g_ptr_array_set_free_func(search->scenarios, NULL);
    g_ptr_array_set_free_func(search->results, NULL);
    most = MAX(most, search->results->len);
  }
  for (guint n = 1; n <= most; n++)
    g_ptr_array_add(instances_axis->values, g_strdup_printf("%u", n));
  return g_steal_pointer(&rec);
}
