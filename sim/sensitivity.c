/* sensitivity.c: `zdsim sensitivity`: each uncertain input at either end of its range, one at
 * a time, under common random numbers, ranked by effect; and whether the recommended instance
 * count holds across the ranges. Not for running (sweep.c, recommend.c) or the command line
 * (cli_explain.c). */
#include <math.h>
#include <string.h>

#include "zdsim/recommend.h"
#include "zdsim/report.h"
#include "zdsim/sensitivity.h"
#include "zdsim/stats.h"
#include "zdsim/units.h"

static void
input_free(gpointer data)
{
  SensitivityInput *in = data;
  g_free(in->key);
  g_free(in->low);
  g_free(in->high);
  g_free(in->low_value);
  g_free(in->high_value);
  g_free(in);
}

void
sensitivity_plan_free(SensitivityPlan *plan)
{
  if (plan == NULL)
    return;
  sweep_result_free(plan->sweep);
  g_ptr_array_unref(plan->inputs);
  g_free(plan);
}

void
sensitivity_result_free(SensitivityResult *result)
{
  if (result == NULL)
    return;
  g_free(result->scenario);
  g_ptr_array_unref(result->inputs);
  g_free(result);
}

/* The value an end runs with: for a "scale" or "median" range whose end is a duration, the
 * key's current distribution (@resolved, the scenario written out) scaled so that its mean or
 * median is that duration; otherwise the end itself. */
static char *
end_value(GKeyFile *resolved, const char *key, const char *end, GError **error)
{
  const ScenarioKeyInfo *info = scenario_key_info(key);
  gint64 us;
  if (info == NULL || info->kind != SCENARIO_SOURCE_ASSUMPTION ||
      info->range == SCENARIO_RANGE_VALUE || !units_parse_duration(end, &us, NULL))
    return g_strdup(end);
  const char *dot = strchr(key, '.');
  g_autofree char *section = g_strndup(key, (gsize) (dot - key));
  g_autofree char *text = g_key_file_get_value(resolved, section, dot + 1, NULL);
  Dist current;
  if (text == NULL || !dist_parse(text, &current, NULL)) {
    g_set_error(error, EXPLAIN_ERROR, EXPLAIN_ERROR_INVALID,
                "%s: cannot scale '%s' to %s (expected a distribution)", key,
                text != NULL ? text : "", end);
    return NULL;
  }
  double now = info->range == SCENARIO_RANGE_MEDIAN ? dist_median(&current) : dist_mean(&current);
  if (!(now > 0) || !isfinite(now) || us <= 0) {
    g_set_error(error, EXPLAIN_ERROR, EXPLAIN_ERROR_INVALID,
                "%s: cannot scale '%s' so that its %s is %s (it has none, or the end is 0)",
                key, text, info->range == SCENARIO_RANGE_MEDIAN ? "median" : "mean", end);
    return NULL;
  }
  Dist scaled = dist_scale(&current, (double) us / now);
  return dist_to_string(&scaled);
}

static gboolean
add_input(SensitivityPlan *plan, const Scenario *base, GKeyFile *resolved, const char *key,
          const char *low, const char *high, GError **error)
{
  SensitivityInput *in = g_new0(SensitivityInput, 1);
  g_ptr_array_add(plan->inputs, in);
  in->key = g_strdup(key);
  in->low = g_strdup(low);
  in->high = g_strdup(high);
  in->low_value = end_value(resolved, key, low, error);
  if (in->low_value == NULL)
    return FALSE;
  in->high_value = end_value(resolved, key, high, error);
  if (in->high_value == NULL)
    return FALSE;
  const char *const values[] = { in->low_value, in->high_value };
  for (guint e = 0; e < 2; e++) {
    g_autofree char *override = g_strdup_printf("%s=%s", key, values[e]);
    const char *const point[] = { override, NULL };
    if (!sweep_add_point(plan->sweep, base, point, error)) {
      g_prefix_error(error, "%s end of %s: ", e == 0 ? "low" : "high", key);
      return FALSE;
    }
  }
  return TRUE;
}

SensitivityPlan *
sensitivity_plan(const Scenario *base, GError **error)
{
  g_autoptr(SensitivityPlan) plan = g_new0(SensitivityPlan, 1);
  plan->sweep = sweep_result_new(g_ptr_array_new());
  plan->inputs = g_ptr_array_new_with_free_func(input_free);
  plan->from_section = base->uncertain->len > 0;
  if (!sweep_add_point(plan->sweep, base, NULL, error))
    return NULL;
  g_autofree char *text = scenario_to_string(base);
  g_autoptr(GKeyFile) resolved = g_key_file_new();
  if (!g_key_file_load_from_data(resolved, text, (gsize) -1, G_KEY_FILE_NONE, error))
    return NULL;
  if (plan->from_section) {
    for (guint i = 0; i < base->uncertain->len; i++) {
      const ScenarioUncertain *u = g_ptr_array_index(base->uncertain, i);
      if (!add_input(plan, base, resolved, u->key, u->low, u->high, error))
        return NULL;
    }
  } else {
    for (guint i = 0; i < scenario_key_count(); i++) {
      const ScenarioKeyInfo *info = scenario_key_info_at(i);
      if (info->kind != SCENARIO_SOURCE_ASSUMPTION || info->low == NULL)
        continue;
      if (!add_input(plan, base, resolved, info->key, info->low, info->high, error))
        return NULL;
    }
  }
  return g_steal_pointer(&plan);
}

static gint
by_effect(gconstpointer a, gconstpointer b)
{
  const SensitivityInput *x = *(SensitivityInput *const *) a;
  const SensitivityInput *y = *(SensitivityInput *const *) b;
  return (x->effect < y->effect) - (x->effect > y->effect);
}

/* The recommended count for @sc, or -1 when none up to @max meets @target. */
static gboolean
recommended(const Scenario *sc, RunMetric metric, double target, guint max,
            const RunOptions *options, int *out, GError **error)
{
  RunOptions quiet = *options;
  quiet.progress = NULL;
  g_autoptr(RecommendResult) rec = recommend_run(sc, metric, target, max, &quiet, error);
  if (rec == NULL)
    return FALSE;
  /* The scenario's own combination: the first (and, without other [sweep] axes, only) one. */
  const RecommendSeries *series = g_ptr_array_index(rec->series, 0);
  *out = series->answer < 0
             ? -1
             : (int) ((const RunResult *) g_ptr_array_index(series->runs, (guint) series->answer))
                   ->scenario->instances;
  return TRUE;
}

SensitivityResult *
sensitivity_execute(SensitivityPlan *plan, RunMetric metric, double target, guint max_instances,
                    const RunOptions *options, GError **error)
{
  if (!sweep_run_points(plan->sweep, options, NULL, NULL, error))
    return NULL;
  const SweepResult *sweep = plan->sweep;
  const RunResult *base = g_ptr_array_index(sweep->results, 0);
  g_autoptr(SensitivityResult) r = g_new0(SensitivityResult, 1);
  r->inputs = g_ptr_array_new_with_free_func(input_free);
  r->scenario = g_strdup(base->scenario->name);
  r->metric = metric;
  r->replications = base->replications;
  r->seed = base->scenario->seed;
  r->instances = base->scenario->instances;
  r->from_section = plan->from_section;
  r->base = base->summary[metric];
  r->target = target;
  r->max_instances = max_instances;
  gboolean with_target = !isnan(target);
  if (with_target &&
      !recommended(base->scenario, metric, target, max_instances, options, &r->base_count, error))
    return NULL;
  guint n_inputs = plan->inputs->len;
  for (guint i = 0; i < n_inputs; i++) {
    /* The inputs move to the result, in plan order (the sweep's order). */
    SensitivityInput *in = g_ptr_array_steal_index(plan->inputs, 0);
    g_ptr_array_add(r->inputs, in);
    const RunResult *lo = g_ptr_array_index(sweep->results, 2 * i + 1);
    const RunResult *hi = g_ptr_array_index(sweep->results, 2 * i + 2);
    in->low_metric = lo->summary[metric];
    in->high_metric = hi->summary[metric];
    explain_paired_difference(base, lo, metric, &in->low_diff);
    explain_paired_difference(base, hi, metric, &in->high_diff);
    in->effect = MAX(fabs(in->low_diff.diff), fabs(in->high_diff.diff));
    in->significant = in->low_diff.lo > 0 || in->low_diff.hi < 0 || in->high_diff.lo > 0 ||
                      in->high_diff.hi < 0;
    if (with_target &&
        (!recommended(lo->scenario, metric, target, max_instances, options, &in->low_count,
                      error) ||
         !recommended(hi->scenario, metric, target, max_instances, options, &in->high_count,
                      error)))
      return NULL;
  }
  /* Stable: equal effects keep the order they were found in. */
  g_ptr_array_sort(r->inputs, by_effect);
  return g_steal_pointer(&r);
}

/* ---- the verdict on the target ---- */

static char *
count_text(int count, guint max)
{
  if (count < 0)
    return g_strdup_printf("no count up to %u", max);
  return g_strdup_printf("%d instance%s", count, count == 1 ? "" : "s");
}

char *
sensitivity_verdict(const SensitivityResult *r)
{
  if (isnan(r->target))
    return NULL;
  g_autofree char *target = g_strdup_printf("%.10g %%", 100 * r->target);
  g_autofree char *base = count_text(r->base_count, r->max_instances);
  for (guint i = 0; i < r->inputs->len; i++) {
    const SensitivityInput *in = g_ptr_array_index(r->inputs, i);
    const int counts[] = { in->low_count, in->high_count };
    const char *ends[] = { in->low, in->high };
    for (guint e = 0; e < 2; e++) {
      if (counts[e] == r->base_count)
        continue;
      g_autofree char *there = count_text(counts[e], r->max_instances);
      return g_strdup_printf("The recommendation changes: %s meet%s %s at every input's value, "
                             "but at %s = %s it takes %s", base,
                             r->base_count == 1 ? "s" : "", target, in->key, ends[e], there);
    }
  }
  if (r->base_count < 0)
    return g_strdup_printf("No instance count up to %u meets %s anywhere in the ranges",
                           r->max_instances, target);
  return g_strdup_printf("%s meet%s %s across every range", base, r->base_count == 1 ? "s" : "",
                         target);
}

/* ---- JSON ---- */

static void
add_end(JsonBuilder *b, const char *name, const StatsSummary *value, const ExplainDifference *d)
{
  json_builder_set_member_name(b, name);
  json_builder_begin_object(b);
  explain_json_add_summary(b, "value", value);
  explain_json_add_difference(b, "difference", d);
  json_builder_end_object(b);
}

JsonNode *
sensitivity_json_node(const SensitivityResult *r)
{
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  explain_json_add_head(b, "sensitivity", r->scenario, r->metric, r->seed, r->replications,
                        r->instances);
  json_builder_set_member_name(b, "from_uncertain_section");
  json_builder_add_boolean_value(b, r->from_section);
  explain_json_add_summary(b, "base", &r->base);
  json_builder_set_member_name(b, "inputs");
  json_builder_begin_array(b);
  for (guint i = 0; i < r->inputs->len; i++) {
    const SensitivityInput *in = g_ptr_array_index(r->inputs, i);
    json_builder_begin_object(b);
    const struct {
      const char *name, *value;
    } strings[] = {
      { "key", in->key }, { "low", in->low }, { "high", in->high },
      { "low_value", in->low_value }, { "high_value", in->high_value },
    };
    for (guint k = 0; k < G_N_ELEMENTS(strings); k++) {
      json_builder_set_member_name(b, strings[k].name);
      json_builder_add_string_value(b, strings[k].value);
    }
    add_end(b, "low_end", &in->low_metric, &in->low_diff);
    add_end(b, "high_end", &in->high_metric, &in->high_diff);
    json_builder_set_member_name(b, "effect");
    json_builder_add_double_value(b, in->effect);
    json_builder_set_member_name(b, "significant");
    json_builder_add_boolean_value(b, in->significant);
    if (!isnan(r->target)) {
      json_builder_set_member_name(b, "low_count");
      json_builder_add_int_value(b, in->low_count);
      json_builder_set_member_name(b, "high_count");
      json_builder_add_int_value(b, in->high_count);
    }
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  if (!isnan(r->target)) {
    g_autofree char *verdict = sensitivity_verdict(r);
    json_builder_set_member_name(b, "target");
    json_builder_add_double_value(b, r->target);
    json_builder_set_member_name(b, "max_instances");
    json_builder_add_int_value(b, r->max_instances);
    json_builder_set_member_name(b, "recommended");
    json_builder_add_int_value(b, r->base_count);
    json_builder_set_member_name(b, "verdict");
    json_builder_add_string_value(b, verdict);
  }
  json_builder_end_object(b);
  return json_builder_get_root(b);
}

char *
sensitivity_json(const SensitivityResult *r)
{
  g_autoptr(JsonNode) root = sensitivity_json_node(r);
  g_autoptr(JsonGenerator) gen = json_generator_new();
  json_generator_set_pretty(gen, TRUE);
  json_generator_set_root(gen, root);
  return json_generator_to_data(gen, NULL);
}

static void
read_summary(JsonObject *o, const char *name, StatsSummary *out)
{
  JsonNode *n = json_object_get_member(o, name);
  JsonObject *s = n != NULL && JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
  out->mean = s ? json_object_get_double_member_with_default(s, "mean", NAN) : NAN;
  out->sd = s ? json_object_get_double_member_with_default(s, "sd", NAN) : NAN;
  out->lo = s ? json_object_get_double_member_with_default(s, "lo", NAN) : NAN;
  out->hi = s ? json_object_get_double_member_with_default(s, "hi", NAN) : NAN;
}

static void
read_end(JsonObject *o, const char *name, StatsSummary *value, ExplainDifference *d)
{
  JsonNode *n = json_object_get_member(o, name);
  JsonObject *e = n != NULL && JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
  if (e == NULL) {
    *value = (StatsSummary){ NAN, NAN, NAN, NAN, 0, STATS_METHOD_T };
    *d = (ExplainDifference){ NAN, NAN, NAN };
    return;
  }
  read_summary(e, "value", value);
  StatsSummary diff;
  read_summary(e, "difference", &diff);
  *d = (ExplainDifference){ diff.mean, diff.lo, diff.hi };
}

SensitivityResult *
sensitivity_from_json(const char *text, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new();
  if (!json_parser_load_from_data(parser, text, -1, error)) {
    g_prefix_error(error, "not a sensitivity result: ");
    return NULL;
  }
  JsonNode *root = json_parser_get_root(parser);
  JsonObject *o = root != NULL && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root)
                                                               : NULL;
  const char *kind = o ? json_object_get_string_member_with_default(o, "kind", "") : "";
  int metric = o ? run_metric_lookup(json_object_get_string_member_with_default(o, "metric", ""))
                 : -1;
  JsonNode *inputs = o ? json_object_get_member(o, "inputs") : NULL;
  if (!g_str_equal(kind, "sensitivity") || metric < 0 || inputs == NULL ||
      !JSON_NODE_HOLDS_ARRAY(inputs)) {
    g_set_error(error, EXPLAIN_ERROR, EXPLAIN_ERROR_INVALID,
                "not a sensitivity result: expected \"kind\": \"sensitivity\", a \"metric\" "
                "and \"inputs\"");
    return NULL;
  }
  g_autoptr(SensitivityResult) r = g_new0(SensitivityResult, 1);
  r->inputs = g_ptr_array_new_with_free_func(input_free);
  r->scenario = g_strdup(json_object_get_string_member_with_default(o, "scenario", ""));
  r->metric = (RunMetric) metric;
  r->replications = (guint) json_object_get_int_member_with_default(o, "replications", 0);
  r->seed = (guint64) json_object_get_int_member_with_default(o, "seed", 0);
  r->instances = (guint) json_object_get_int_member_with_default(o, "instances", 0);
  r->from_section = json_object_get_boolean_member_with_default(o, "from_uncertain_section",
                                                                FALSE);
  read_summary(o, "base", &r->base);
  r->target = json_object_get_double_member_with_default(o, "target", NAN);
  r->max_instances = (guint) json_object_get_int_member_with_default(o, "max_instances", 0);
  r->base_count = (int) json_object_get_int_member_with_default(o, "recommended", 0);
  JsonArray *a = json_node_get_array(inputs);
  for (guint i = 0; i < json_array_get_length(a); i++) {
    JsonNode *n = json_array_get_element(a, i);
    if (!JSON_NODE_HOLDS_OBJECT(n))
      continue;
    JsonObject *io = json_node_get_object(n);
    SensitivityInput *in = g_new0(SensitivityInput, 1);
    in->key = g_strdup(json_object_get_string_member_with_default(io, "key", ""));
    in->low = g_strdup(json_object_get_string_member_with_default(io, "low", ""));
    in->high = g_strdup(json_object_get_string_member_with_default(io, "high", ""));
    in->low_value = g_strdup(json_object_get_string_member_with_default(io, "low_value", ""));
    in->high_value = g_strdup(json_object_get_string_member_with_default(io, "high_value", ""));
    read_end(io, "low_end", &in->low_metric, &in->low_diff);
    read_end(io, "high_end", &in->high_metric, &in->high_diff);
    in->effect = json_object_get_double_member_with_default(io, "effect", NAN);
    in->significant = json_object_get_boolean_member_with_default(io, "significant", FALSE);
    in->low_count = (int) json_object_get_int_member_with_default(io, "low_count", 0);
    in->high_count = (int) json_object_get_int_member_with_default(io, "high_count", 0);
    g_ptr_array_add(r->inputs, in);
  }
  return g_steal_pointer(&r);
}

/* ---- text ---- */

char *
sensitivity_text(const SensitivityResult *r)
{
  GString *out = g_string_new(NULL);
  g_autofree char *base = explain_format_value(r->metric, r->base.mean);
  g_string_append_printf(out,
                         "%s: %u replications, seed %" G_GUINT64_FORMAT " at every end (common "
                         "random numbers); %s %s at every input's value\n"
                         "Inputs: %s, one at a time at each end of its range\n\n",
                         r->scenario, r->replications, r->seed, run_metric_name(r->metric), base,
                         r->from_section ? "the keys of [uncertain]"
                                         : "every assumption of zdsim help keys");
  int width = (int) strlen("input");
  for (guint i = 0; i < r->inputs->len; i++) {
    const SensitivityInput *in = g_ptr_array_index(r->inputs, i);
    width = MAX(width, (int) g_utf8_strlen(in->key, -1));
  }
  g_string_append_printf(out, "  %-*s  %-22s  %-34s  %-34s\n", width, "input", "range",
                         "at the low end [95 % paired]", "at the high end [95 % paired]");
  guint significant = 0;
  for (guint i = 0; i < r->inputs->len; i++) {
    const SensitivityInput *in = g_ptr_array_index(r->inputs, i);
    significant += in->significant;
    g_autofree char *range = g_strdup_printf("%s..%s", in->low, in->high);
    const ExplainDifference *ds[] = { &in->low_diff, &in->high_diff };
    char *cells[2];
    for (guint e = 0; e < 2; e++) {
      g_autofree char *d = explain_format_difference(r->metric, ds[e]->diff);
      g_autofree char *lo = explain_format_difference(r->metric, ds[e]->lo);
      g_autofree char *hi = explain_format_difference(r->metric, ds[e]->hi);
      cells[e] = g_strdup_printf("%s [%s, %s]", d, lo, hi);
    }
    int pad = width - (int) g_utf8_strlen(in->key, -1);
    g_string_append_printf(out, "  %s%*s  %-22s  %-34s  %-34s\n", in->key, pad, "", range,
                           cells[0], cells[1]);
    g_free(cells[0]);
    g_free(cells[1]);
  }
  if (r->inputs->len == 0) {
    g_string_append(out, "  (no uncertain inputs)\n");
  } else if (significant == 0) {
    g_string_append_printf(out, "\nNo input moves %s significantly within its range.\n",
                           run_metric_name(r->metric));
  } else {
    const SensitivityInput *top = g_ptr_array_index(r->inputs, 0);
    if (significant == 1 && top->significant)
      g_string_append_printf(out, "\nOnly %s moves %s significantly within its range.\n",
                             top->key, run_metric_name(r->metric));
    else
      g_string_append_printf(out, "\n%u inputs move %s significantly; %s moves it most.\n",
                             significant, run_metric_name(r->metric), top->key);
  }
  g_autofree char *verdict = sensitivity_verdict(r);
  if (verdict != NULL)
    g_string_append_printf(out, "%s.\n", verdict);
  return g_string_free(out, FALSE);
}
