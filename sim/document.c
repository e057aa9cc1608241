/* document.c: the JSON documents of --json and /api/, one builder per document type for the
 * command line and the dashboard alike. Not for the report's metric members (report.c) or
 * for printing and serving them (cli.c, serve.c). */
#include "zdsim/document.h"

#include <math.h>
#include <string.h>

#include "zdsim/report.h"
#include "zdsim/version.h"

static void
add_schema(JsonBuilder *b, const char *schema)
{
  json_builder_set_member_name(b, "schema");
  json_builder_add_string_value(b, schema);
}

static void
add_string(JsonBuilder *b, const char *name, const char *v)
{
  json_builder_set_member_name(b, name);
  if (v != NULL)
    json_builder_add_string_value(b, v);
  else
    json_builder_add_null_value(b);
}

static void
add_int(JsonBuilder *b, const char *name, gint64 v)
{
  json_builder_set_member_name(b, name);
  json_builder_add_int_value(b, v);
}

/* A double, or null when it is not finite (JSON has no NaN). */
static void
add_double(JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name(b, name);
  if (isfinite(v))
    json_builder_add_double_value(b, v);
  else
    json_builder_add_null_value(b);
}

static void
add_boolean(JsonBuilder *b, const char *name, gboolean v)
{
  json_builder_set_member_name(b, name);
  json_builder_add_boolean_value(b, v);
}

static void
add_strv(JsonBuilder *b, const char *name, char **strv)
{
  json_builder_set_member_name(b, name);
  if (strv == NULL) {
    json_builder_add_null_value(b);
    return;
  }
  json_builder_begin_array(b);
  for (char **p = strv; *p != NULL; p++)
    json_builder_add_string_value(b, *p);
  json_builder_end_array(b);
}

static void
add_summary(JsonBuilder *b, const char *name, const StatsSummary *s)
{
  json_builder_set_member_name(b, name);
  json_builder_begin_object(b);
  add_double(b, "mean", s->mean);
  add_double(b, "sd", s->sd);
  add_double(b, "lo", s->lo);
  add_double(b, "hi", s->hi);
  add_string(b, "method", stats_method_name(s->method));
  json_builder_end_object(b);
}

static void
add_metrics(JsonBuilder *b, const StatsSummary *summary, const StatsSummary *cause_summary)
{
  for (guint m = 0; m < RUN_METRIC_COUNT; m++)
    add_summary(b, run_metric_name((RunMetric) m), &summary[m]);
  json_builder_set_member_name(b, "downtime_by_cause_s");
  json_builder_begin_object(b);
  for (guint c = 0; c < CAUSE_COUNT; c++)
    add_summary(b, model_cause_name((ModelCause) c), &cause_summary[c]);
  json_builder_end_object(b);
}

void
document_add_outcome(JsonBuilder *b, const CheckOutcome *c)
{
  static const char *const kinds[] = {
    [CHECK_EXPECTATION] = "expectation",
    [CHECK_BASELINE] = "baseline",
    [CHECK_INPUT_ERROR] = "input-error",
    [CHECK_NO_BASELINE] = "no-baseline",
  };
  json_builder_begin_object(b);
  add_string(b, "kind", kinds[c->kind]);
  add_string(b, "scenario", c->scenario);
  add_string(b, "path", c->path);
  add_string(b, "label", c->label);
  add_int(b, "line", c->line);
  add_string(b, "metric", c->metric >= 0 ? run_metric_name((RunMetric) c->metric) : NULL);
  add_boolean(b, "passed", c->passed);
  add_double(b, "judged", c->judged);
  add_double(b, "threshold", c->threshold);
  add_string(b, "detail", c->detail);
  json_builder_end_object(b);
}

JsonNode *
document_run(const RunResult *r, const StoreRunInfo *stored, gboolean timing)
{
  g_autoptr(JsonNode) report = report_json_node(r);
  JsonObject *ro = json_node_get_object(report);
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  add_schema(b, DOCUMENT_RUN);
  add_string(b, "version", stored != NULL ? stored->version : ZDSIM_VERSION);
  if (stored != NULL) {
    add_int(b, "id", stored->id);
    add_string(b, "path", stored->path);
    add_string(b, "scenario_sha256", stored->scenario_sha256);
    add_strv(b, "overrides", stored->overrides);
    json_builder_set_member_name(b, "sweep_id");
    if (stored->sweep_id > 0)
      json_builder_add_int_value(b, stored->sweep_id);
    else
      json_builder_add_null_value(b);
    add_strv(b, "point", stored->point);
  }
  json_builder_end_object(b);
  g_autoptr(JsonNode) root = json_builder_get_root(b);
  JsonObject *o = json_node_get_object(root);

  /* The report's members in its order, its timing kept for last. */
  g_autoptr(GList) names = json_object_get_members(ro);
  for (GList *l = names; l != NULL; l = l->next)
    if (!g_str_equal(l->data, "timing"))
      json_object_set_member(o, l->data, json_object_dup_member(ro, l->data));

  g_autoptr(JsonBuilder) e = json_builder_new();
  json_builder_begin_object(e);
  json_builder_set_member_name(e, "expectations");
  g_autoptr(GPtrArray) outcomes = NULL;
  if (r->scenario->expects->len > 0)
    outcomes = check_expectations(r, NULL);
  if (outcomes == NULL) {
    json_builder_add_null_value(e);
  } else {
    json_builder_begin_array(e);
    for (guint i = 0; i < outcomes->len; i++)
      document_add_outcome(e, g_ptr_array_index(outcomes, i));
    json_builder_end_array(e);
  }
  json_builder_end_object(e);
  g_autoptr(JsonNode) extra = json_builder_get_root(e);
  JsonObject *eo = json_node_get_object(extra);
  json_object_set_member(o, "expectations", json_object_dup_member(eo, "expectations"));

  if (timing) {
    JsonNode *t = json_object_has_member(ro, "timing")
                      ? json_object_dup_member(ro, "timing")
                      : json_node_init_object(json_node_alloc(), json_object_new());
    if (stored != NULL && stored->created != NULL)
      json_object_set_string_member(json_node_get_object(t), "stored_at", stored->created);
    json_object_set_member(o, "timing", t);
  }
  return g_steal_pointer(&root);
}

StoreRunInfo *
document_run_info_new(const RunResult *r, char **point)
{
  const Scenario *sc = r->scenario;
  StoreRunInfo *info = g_new0(StoreRunInfo, 1);
  info->scenario = g_strdup(sc->name);
  info->path = g_strdup(sc->path);
  info->overrides = g_strdupv(sc->overrides);
  info->seed = sc->seed;
  info->replications = r->replications;
  info->policy = g_strdup(sc->evacuation);
  info->instances = sc->instances;
  info->horizon_s = (double) sc->horizon / G_USEC_PER_SEC;
  info->version = g_strdup(ZDSIM_VERSION);
  info->events = r->events;
  info->updates = r->updates;
  info->wall_s = r->wall_s;
  info->point = g_strdupv(point);
  memcpy(info->summary, r->summary, sizeof info->summary);
  memcpy(info->cause_summary, r->cause_summary, sizeof info->cause_summary);
  return info;
}

void
document_add_run_info(JsonBuilder *b, const StoreRunInfo *r, gboolean timing)
{
  json_builder_begin_object(b);
  if (r->id > 0)
    add_int(b, "id", r->id);
  add_string(b, "scenario", r->scenario);
  add_string(b, "path", r->path);
  add_string(b, "policy", r->policy);
  add_int(b, "instances", r->instances);
  add_int(b, "replications", r->replications);
  /* As report_json_node() writes it: the seed's bit pattern. */
  add_int(b, "seed", (gint64) r->seed);
  add_double(b, "horizon_s", r->horizon_s);
  add_string(b, "version", r->version);
  add_int(b, "events", (gint64) r->events);
  add_strv(b, "overrides", r->overrides);
  json_builder_set_member_name(b, "sweep_id");
  if (r->sweep_id > 0)
    json_builder_add_int_value(b, r->sweep_id);
  else
    json_builder_add_null_value(b);
  add_strv(b, "point", r->point);
  add_metrics(b, r->summary, r->cause_summary);
  if (timing) {
    json_builder_set_member_name(b, "timing");
    json_builder_begin_object(b);
    if (r->created != NULL)
      add_string(b, "stored_at", r->created);
    add_double(b, "wall_s", r->wall_s);
    json_builder_end_object(b);
  }
  json_builder_end_object(b);
}

void
document_add_sweep_info(JsonBuilder *b, const StoreSweepInfo *sw, gboolean timing)
{
  if (sw->id > 0)
    add_int(b, "id", sw->id);
  add_string(b, "kind", sw->kind);
  add_string(b, "scenario", sw->scenario);
  add_string(b, "path", sw->path);
  add_strv(b, "overrides", sw->overrides);
  add_int(b, "runs", sw->runs);
  add_string(b, "version", sw->version);
  /* Only a `zdsim merge --partial` has it, so a whole sweep's document is as before. */
  if (sw->partial != NULL)
    add_string(b, "partial", sw->partial);
  json_builder_set_member_name(b, "axes");
  json_builder_begin_array(b);
  for (guint a = 0; sw->axes != NULL && a < sw->axes->len; a++) {
    const ScenarioSweepAxis *axis = g_ptr_array_index(sw->axes, a);
    json_builder_begin_object(b);
    add_string(b, "key", axis->key);
    json_builder_set_member_name(b, "values");
    json_builder_begin_array(b);
    for (guint v = 0; v < axis->values->len; v++)
      json_builder_add_string_value(b, g_ptr_array_index(axis->values, v));
    json_builder_end_array(b);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  if (timing && sw->created != NULL) {
    json_builder_set_member_name(b, "timing");
    json_builder_begin_object(b);
    add_string(b, "stored_at", sw->created);
    json_builder_end_object(b);
  }
}

JsonNode *
document_list(const GPtrArray *runs, gboolean more_runs, const GPtrArray *sweeps,
              gboolean more_sweeps, gboolean timing)
{
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  add_schema(b, DOCUMENT_LIST);
  if (runs != NULL) {
    json_builder_set_member_name(b, "runs");
    json_builder_begin_array(b);
    for (guint i = 0; i < runs->len; i++)
      document_add_run_info(b, g_ptr_array_index(runs, i), timing);
    json_builder_end_array(b);
    add_boolean(b, "truncated", more_runs);
  }
  if (sweeps != NULL) {
    json_builder_set_member_name(b, "sweeps");
    json_builder_begin_array(b);
    for (guint i = 0; i < sweeps->len; i++) {
      json_builder_begin_object(b);
      document_add_sweep_info(b, g_ptr_array_index(sweeps, i), timing);
      json_builder_end_object(b);
    }
    json_builder_end_array(b);
    add_boolean(b, "sweeps_truncated", more_sweeps);
  }
  json_builder_end_object(b);
  return json_builder_get_root(b);
}

JsonNode *
document_sweep(const StoreSweepInfo *sweep, const GPtrArray *runs, gboolean timing)
{
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  add_schema(b, DOCUMENT_SWEEP);
  document_add_sweep_info(b, sweep, timing);
  json_builder_set_member_name(b, "points");
  json_builder_begin_array(b);
  for (guint i = 0; i < runs->len; i++)
    document_add_run_info(b, g_ptr_array_index(runs, i), timing);
  json_builder_end_array(b);
  json_builder_end_object(b);
  return json_builder_get_root(b);
}

static gpointer
string_copy(gconstpointer src, gpointer data)
{
  (void) data;
  return g_strdup(src);
}

static gpointer
axis_copy(gconstpointer src, gpointer data)
{
  (void) data;
  const ScenarioSweepAxis *a = src;
  ScenarioSweepAxis *copy = g_new0(ScenarioSweepAxis, 1);
  copy->key = g_strdup(a->key);
  copy->values = g_ptr_array_copy(a->values, string_copy, NULL);
  g_ptr_array_set_free_func(copy->values, g_free);
  return copy;
}

static void
axis_free(gpointer p)
{
  ScenarioSweepAxis *a = p;
  g_free(a->key);
  g_ptr_array_unref(a->values);
  g_free(a);
}

StoreSweepInfo *
document_sweep_info_new(const Scenario *base, const SweepResult *result, const char *kind)
{
  StoreSweepInfo *info = g_new0(StoreSweepInfo, 1);
  info->kind = g_strdup(kind);
  info->scenario = g_strdup(base->name);
  info->path = g_strdup(base->path);
  info->overrides = g_strdupv(base->overrides);
  info->axes = g_ptr_array_copy(result->axes, axis_copy, NULL);
  g_ptr_array_set_free_func(info->axes, axis_free);
  info->runs = result->results->len;
  info->version = g_strdup(ZDSIM_VERSION);
  return info;
}

GPtrArray *
document_sweep_runs_new(const SweepResult *result)
{
  GPtrArray *runs = g_ptr_array_new_with_free_func((GDestroyNotify) store_run_info_free);
  for (guint i = 0; i < result->results->len; i++)
    g_ptr_array_add(runs, document_run_info_new(g_ptr_array_index(result->results, i),
                                                g_ptr_array_index(result->points, i)));
  return runs;
}

JsonNode *
document_recommend(const Scenario *base, const RecommendResult *rec, gboolean timing)
{
  const SweepResult *sweep = rec->sweep;
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  add_schema(b, DOCUMENT_RECOMMEND);
  add_string(b, "version", ZDSIM_VERSION);
  add_string(b, "scenario", base->name);
  add_string(b, "path", base->path);
  add_string(b, "policy", base->evacuation);
  add_string(b, "metric", run_metric_name(rec->metric));
  add_double(b, "target", rec->target);
  add_int(b, "replications", base->replications);
  add_int(b, "seed", (gint64) base->seed);
  add_int(b, "max_instances", rec->max_instances);
  /* One answer per combination of the scenario's other [sweep] axes ("" when none). */
  json_builder_set_member_name(b, "answers");
  json_builder_begin_array(b);
  for (guint c = 0; c < rec->series->len; c++) {
    const RecommendSeries *series = g_ptr_array_index(rec->series, c);
    json_builder_begin_object(b);
    add_string(b, "combination", series->key);
    json_builder_set_member_name(b, "answer");
    if (series->answer < 0) {
      json_builder_add_null_value(b);
    } else {
      const RunResult *r = g_ptr_array_index(series->runs, (guint) series->answer);
      json_builder_begin_object(b);
      add_int(b, "instances", r->scenario->instances);
      add_double(b, recommend_metric_kind(rec->metric) == RECOMMEND_DOWNTIME ? "upper_bound"
                                                                              : "lower_bound",
                 recommend_judged_bound(rec->metric, &r->summary[rec->metric]));
      json_builder_end_object(b);
    }
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  json_builder_set_member_name(b, "points");
  json_builder_begin_array(b);
  g_autoptr(GPtrArray) runs = document_sweep_runs_new(sweep);
  for (guint i = 0; i < runs->len; i++)
    document_add_run_info(b, g_ptr_array_index(runs, i), timing);
  json_builder_end_array(b);
  json_builder_end_object(b);
  g_autoptr(JsonNode) root = json_builder_get_root(b);
  /* "meets" beside each point's figures. */
  JsonArray *points = json_object_get_array_member(json_node_get_object(root), "points");
  for (guint i = 0; i < json_array_get_length(points); i++) {
    const RunResult *r = g_ptr_array_index(sweep->results, i);
    json_object_set_boolean_member(json_array_get_object_element(points, i), "meets",
                                   recommend_meets(rec->metric, &r->summary[rec->metric],
                                                   rec->target));
  }
  return g_steal_pointer(&root);
}

static void
add_difference(JsonBuilder *b, const char *name, const CompareDifference *d)
{
  json_builder_set_member_name(b, name);
  json_builder_begin_object(b);
  add_double(b, "a", d->a);
  add_double(b, "b", d->b);
  add_double(b, "diff", d->diff);
  if (d->has_interval) {
    add_double(b, "lo", d->lo);
    add_double(b, "hi", d->hi);
  } else {
    json_builder_set_member_name(b, "lo");
    json_builder_add_null_value(b);
    json_builder_set_member_name(b, "hi");
    json_builder_add_null_value(b);
  }
  add_string(b, "method", stats_method_name(d->method));
  add_string(b, "verdict", compare_verdict_name(d->verdict));
  json_builder_end_object(b);
}

JsonNode *
document_compare(const StoreRunInfo *a, const StoreRunInfo *b_info, const CompareResult *c,
                 gboolean timing)
{
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  add_schema(b, DOCUMENT_COMPARE);
  json_builder_set_member_name(b, "a");
  document_add_run_info(b, a, timing);
  json_builder_set_member_name(b, "b");
  document_add_run_info(b, b_info, timing);
  add_string(b, "method", c->paired ? "paired" : "welch");
  add_string(b, "overall", compare_verdict_name(c->overall));
  add_int(b, "better", c->better);
  add_int(b, "worse", c->worse);
  add_int(b, "judged", c->judged);
  json_builder_set_member_name(b, "metrics");
  json_builder_begin_object(b);
  for (guint m = 0; m < RUN_METRIC_COUNT; m++)
    add_difference(b, run_metric_name((RunMetric) m), &c->metric[m]);
  json_builder_end_object(b);
  json_builder_set_member_name(b, "downtime_by_cause_s");
  json_builder_begin_object(b);
  for (guint k = 0; k < CAUSE_COUNT; k++)
    add_difference(b, model_cause_name((ModelCause) k), &c->cause[k]);
  json_builder_end_object(b);
  json_builder_end_object(b);
  return json_builder_get_root(b);
}

JsonNode *
document_check(const GPtrArray *outcomes, double wall_s, gboolean timing)
{
  guint passed = 0, failed = 0, errors = 0;
  check_tally(outcomes, &passed, &failed, &errors);
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  add_schema(b, DOCUMENT_CHECK);
  add_string(b, "version", ZDSIM_VERSION);
  add_int(b, "passed", passed);
  add_int(b, "failed", failed);
  add_int(b, "errors", errors);
  add_int(b, "skipped", check_skipped(outcomes));
  json_builder_set_member_name(b, "outcomes");
  json_builder_begin_array(b);
  for (guint i = 0; i < outcomes->len; i++)
    document_add_outcome(b, g_ptr_array_index(outcomes, i));
  json_builder_end_array(b);
  if (timing) {
    json_builder_set_member_name(b, "timing");
    json_builder_begin_object(b);
    add_double(b, "wall_s", wall_s);
    json_builder_end_object(b);
  }
  json_builder_end_object(b);
  return json_builder_get_root(b);
}
