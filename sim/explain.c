/* explain.c: `zdsim explain`: the scenario against its counterfactuals (levers an owner can
 * pull, causes nobody can switch off) under common random numbers, each difference with its
 * paired 95 % interval. Not for running replications (run.c, sweep.c) or the command line
 * (cli_explain.c). */
#include <math.h>
#include <string.h>

#include "zdsim/explain.h"
#include "zdsim/model.h"
#include "zdsim/policy.h"
#include "zdsim/report.h"
#include "zdsim/stats.h"

G_DEFINE_QUARK(zdsim-explain-error-quark, explain_error)

gboolean
explain_parse_metric(const char *name, RunMetric *out, GError **error)
{
  /* The short forms of version 1 stay as aliases (README, Explain, sensitivity and a report). */
  static const struct {
    const char *alias;
    RunMetric metric;
  } aliases[] = {
    { "request", RUN_REQUEST_AVAILABILITY },
    { "business-hours", RUN_BUSINESS_HOURS_AVAILABILITY },
  };
  int m = run_metric_lookup(name);
  if (m >= 0) {
    *out = (RunMetric) m;
    return TRUE;
  }
  for (guint i = 0; i < G_N_ELEMENTS(aliases); i++) {
    if (g_str_equal(name, aliases[i].alias)) {
      *out = aliases[i].metric;
      return TRUE;
    }
  }
  g_autoptr(GString) names = g_string_new(NULL);
  for (guint k = 0; k < RUN_METRIC_COUNT; k++)
    g_string_append_printf(names, "%s%s", k > 0 ? ", " : "", run_metric_name(k));
  g_set_error(error, EXPLAIN_ERROR, EXPLAIN_ERROR_INVALID,
              "unknown metric '%s' (expected one of %s, or request, business-hours)", name,
              names->str);
  return FALSE;
}

/* ---- formatting ---- */

static gboolean
is_fraction(RunMetric metric)
{
  return metric <= RUN_REPORTED_AVAILABILITY;
}

static gboolean
is_time(RunMetric metric)
{
  return g_str_has_suffix(run_metric_name(metric), "_s");
}

char *
explain_format_value(RunMetric metric, double value)
{
  if (is_fraction(metric))
    return report_format_percent(value);
  if (is_time(metric))
    return g_strdup_printf("%.1f min", value / 60.0);
  return g_strdup_printf("%.2f", value);
}

char *
explain_format_difference(RunMetric metric, double diff)
{
  /* Percentage points: a difference of availabilities is not a percentage of either. */
  if (is_fraction(metric))
    return g_strdup_printf("%+.4f pp", 100.0 * diff);
  if (is_time(metric))
    return g_strdup_printf("%+.1f min", diff / 60.0);
  return g_strdup_printf("%+.2f", diff);
}

/* ---- the plan ---- */

void
explain_plan_free(ExplainPlan *plan)
{
  if (plan == NULL)
    return;
  sweep_result_free(plan->sweep);
  g_ptr_array_unref(plan->names);
  g_free(plan);
}

/* Adds the point @name = @overrides (NULL-terminated) to @plan. */
static gboolean
plan_add(ExplainPlan *plan, const Scenario *base, char *name /* (transfer full) */,
         const char *const *overrides, GError **error)
{
  g_autofree char *owned = name;
  if (!sweep_add_point(plan->sweep, base, overrides, error)) {
    g_prefix_error(error, "%s: ", owned);
    return FALSE;
  }
  g_ptr_array_add(plan->names, g_steal_pointer(&owned));
  return TRUE;
}

static gboolean
plan_add1(ExplainPlan *plan, const Scenario *base, char *name, char *override /* (transfer
                                                                                full) */,
          GError **error)
{
  g_autofree char *owned = override;
  const char *const point[] = { owned, NULL };
  return plan_add(plan, base, name, point, error);
}

/* A weekly schedule of instants at the start of every slot of @window: the team's deploys at
 * the opening of the portal window. */
static char *
window_starts(const CalendarWindow *window)
{
  static const char *const days[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
  g_autoptr(GString) out = g_string_new(NULL);
  for (guint i = 0; i < window->n_slots; i++) {
    const CalendarSlot *slot = &window->slots[i];
    for (guint d = 0; d < 7; d++) {
      if (slot->days & (1u << d))
        g_string_append_printf(out, "%s%s %02d:%02d", out->len > 0 ? ", " : "", days[d],
                               slot->start_min / 60, slot->start_min % 60);
    }
  }
  if (window->zone != NULL)
    g_string_append_printf(out, " %s", window->zone);
  return g_string_free(g_steal_pointer(&out), FALSE);
}

/* The overrides that remove each cause (README, Explain, sensitivity and a report), and whether
 * @s has the cause at all. */
static gboolean
has_schedule(const ScenarioSchedule *schedule)
{
  return schedule->kind != SCENARIO_UPDATES_NONE;
}

static gboolean
has_dist(const Dist *dist)
{
  return dist->kind != DIST_NONE;
}

ExplainPlan *
explain_plan(const Scenario *base, GError **error)
{
  g_autoptr(ExplainPlan) plan = g_new0(ExplainPlan, 1);
  plan->sweep = sweep_result_new(g_ptr_array_new());
  plan->names = g_ptr_array_new_with_free_func(g_free);
  if (!plan_add(plan, base, g_strdup("scenario"), NULL, error))
    return NULL;

  /* Levers. */
  if (!plan_add1(plan, base, g_strdup("one more instance"),
                 g_strdup_printf("app.instances=%u", base->instances + 1), error) ||
      !plan_add1(plan, base, g_strdup("two more instances"),
                 g_strdup_printf("app.instances=%u", base->instances + 2), error))
    return NULL;
  g_auto(GStrv) policies = g_strsplit(policy_names(), ", ", -1);
  for (char **p = policies; *p != NULL; p++) {
    if (g_str_equal(*p, base->evacuation))
      continue;
    if (!plan_add1(plan, base, g_strdup_printf("policy.evacuation = %s", *p),
                   g_strdup_printf("policy.evacuation=%s", *p), error))
      return NULL;
  }
  if (!plan_add1(plan, base, g_strdup(base->multi_az ? "Single-AZ database" : "Multi-AZ database"),
                 g_strdup_printf("database.multi_az=%s", base->multi_az ? "false" : "true"),
                 error))
    return NULL;
  if (!plan_add1(plan, base,
                 g_strdup(base->align_to_portal ? "RDS window not aligned to the portal window"
                                                : "RDS window aligned to the portal window"),
                 g_strdup_printf("database.align_to_portal=%s",
                                 base->align_to_portal ? "false" : "true"),
                 error))
    return NULL;
  if (has_schedule(&base->deploys) && base->portal_window.n_slots > 0) {
    g_autofree char *starts = window_starts(&base->portal_window);
    if (!plan_add1(plan, base, g_strdup("deploys at the portal window's start"),
                   g_strdup_printf("app.deploys=%s", starts), error))
      return NULL;
  }
  plan->n_levers = plan->names->len - 1;

  /* Causes, each switched off alone, when the scenario has it. */
  const struct {
    ModelCause cause;
    gboolean present;
    const char *override;
  } causes[] = {
    { CAUSE_PLATFORM_UPDATE, has_schedule(&base->updates), "platform.updates=none" },
    { CAUSE_PLATFORM_RESTART, has_schedule(&base->restarts), "platform.restarts=none" },
    { CAUSE_CRASH, has_dist(&base->crash_mtbf), "app.crash_mtbf=none" },
    { CAUSE_CELL_FAILURE, has_dist(&base->cell_failure_mtbf),
      "platform.cell_failure_mtbf=none" },
    { CAUSE_DB_MAINTENANCE, base->maintenance_rate > 0, "database.maintenance_rate=0" },
    { CAUSE_DB_ENGINE_UPGRADE, base->engine_upgrade_rate > 0,
      "database.engine_upgrade_rate=0" },
    { CAUSE_DB_FAILURE, has_dist(&base->failure_mtbf), "database.failure_mtbf=none" },
    { CAUSE_ENVIRONMENT_MAINTENANCE, base->environment_maintenance_rate > 0,
      "portal.environment_maintenance_rate=0" },
    { CAUSE_DEPLOY, has_schedule(&base->deploys), "app.deploys=none" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(causes); i++) {
    if (!causes[i].present)
      continue;
    if (!plan_add1(plan, base, g_strdup(model_cause_name(causes[i].cause)),
                   g_strdup(causes[i].override), error))
      return NULL;
  }
  return g_steal_pointer(&plan);
}

/* ---- running and judging ---- */

static void
item_free(gpointer data)
{
  ExplainItem *item = data;
  g_free(item->name);
  g_strfreev(item->overrides);
  g_free(item);
}

static void
share_free(gpointer data)
{
  ExplainShare *share = data;
  g_free(share->cause);
  g_free(share);
}

void
explain_result_free(ExplainResult *result)
{
  if (result == NULL)
    return;
  g_free(result->scenario);
  g_free(result->policy);
  g_ptr_array_unref(result->shares);
  g_ptr_array_unref(result->levers);
  g_ptr_array_unref(result->causes);
  g_free(result);
}

static ExplainResult *
result_new(void)
{
  ExplainResult *r = g_new0(ExplainResult, 1);
  r->shares = g_ptr_array_new_with_free_func(share_free);
  r->levers = g_ptr_array_new_with_free_func(item_free);
  r->causes = g_ptr_array_new_with_free_func(item_free);
  return r;
}

void
explain_paired_difference(const RunResult *a, const RunResult *b, RunMetric m,
                          ExplainDifference *out)
{
  guint n = a->replications;
  g_assert(b->replications == n);
  g_autofree double *va = g_new(double, n);
  g_autofree double *vb = g_new(double, n);
  for (guint r = 0; r < n; r++) {
    va[r] = a->values[r * RUN_METRIC_COUNT + m];
    vb[r] = b->values[r * RUN_METRIC_COUNT + m];
  }
  if (n < 2) {
    out->diff = out->lo = out->hi = vb[0] - va[0];
    return;
  }
  StatsDifference d;
  stats_paired_interval(va, vb, n, &d);
  out->diff = d.diff;
  out->lo = d.lo;
  out->hi = d.hi;
}

/* @gain to three significant digits: the precision the tables print. */
static double
gain_key(double gain)
{
  if (!(fabs(gain) > 0) || !isfinite(gain))
    return isfinite(gain) ? 0.0 : gain;
  double unit = pow(10.0, floor(log10(fabs(gain))) - 2);
  return round(gain / unit) * unit;
}

/* Largest gain first; gains that agree to three significant digits (they print the same) go
 * cheaper first, so that two more instances, which buy what one more buys and a few
 * milliseconds of routing gap besides, do not rank above it. */
static gint
by_gain(gconstpointer a, gconstpointer b)
{
  const ExplainItem *x = *(ExplainItem *const *) a;
  const ExplainItem *y = *(ExplainItem *const *) b;
  double kx = gain_key(x->gain), ky = gain_key(y->gain);
  if (kx < ky || kx > ky)
    return (kx < ky) - (kx > ky);
  return (x->hours.diff > y->hours.diff) - (x->hours.diff < y->hours.diff);
}

static gint
by_seconds(gconstpointer a, gconstpointer b)
{
  const ExplainShare *x = *(ExplainShare *const *) a;
  const ExplainShare *y = *(ExplainShare *const *) b;
  return (x->seconds.mean < y->seconds.mean) - (x->seconds.mean > y->seconds.mean);
}

ExplainResult *
explain_execute(ExplainPlan *plan, RunMetric metric, const RunOptions *options, GError **error)
{
  if (!sweep_run_points(plan->sweep, options, NULL, NULL, error))
    return NULL;
  const SweepResult *sweep = plan->sweep;
  const RunResult *base = g_ptr_array_index(sweep->results, 0);
  const Scenario *sc = base->scenario;
  g_autoptr(ExplainResult) r = result_new();
  r->scenario = g_strdup(sc->name);
  r->metric = metric;
  r->replications = base->replications;
  r->seed = sc->seed;
  r->instances = sc->instances;
  r->policy = g_strdup(sc->evacuation);
  r->base = base->summary[metric];
  r->downtime = base->summary[RUN_DOWNTIME_PER_YEAR];
  r->hours = base->summary[RUN_INSTANCE_HOURS_PER_YEAR];
  for (guint c = 0; c < CAUSE_COUNT; c++) {
    if (!(base->cause_summary[c].mean > 0))
      continue;
    ExplainShare *share = g_new0(ExplainShare, 1);
    share->cause = g_strdup(model_cause_name(c));
    share->seconds = base->cause_summary[c];
    share->share = r->downtime.mean > 0 ? share->seconds.mean / r->downtime.mean : 0.0;
    g_ptr_array_add(r->shares, share);
  }
  g_ptr_array_sort(r->shares, by_seconds);

  gboolean higher = run_metric_higher_is_better(metric);
  for (guint i = 1; i < sweep->results->len; i++) {
    const RunResult *cf = g_ptr_array_index(sweep->results, i);
    ExplainItem *item = g_new0(ExplainItem, 1);
    item->name = g_strdup(g_ptr_array_index(plan->names, i));
    item->overrides = g_strdupv(g_ptr_array_index(sweep->points, i));
    item->value = cf->summary[metric];
    explain_paired_difference(base, cf, metric, &item->metric);
    item->gain = higher ? item->metric.diff : -item->metric.diff;
    explain_paired_difference(base, cf, RUN_INSTANCE_HOURS_PER_YEAR, &item->hours);
    g_ptr_array_add(i <= plan->n_levers ? r->levers : r->causes, item);
  }
  g_ptr_array_sort(r->levers, by_gain);
  g_ptr_array_sort(r->causes, by_gain);
  return g_steal_pointer(&r);
}

/* ---- JSON ---- */

void
explain_json_add_head(JsonBuilder *b, const char *kind, const char *scenario, RunMetric metric,
                      guint64 seed, guint replications, guint instances)
{
  json_builder_set_member_name(b, "schema");
  json_builder_add_string_value(b, EXPLAIN_SCHEMA);
  json_builder_set_member_name(b, "kind");
  json_builder_add_string_value(b, kind);
  json_builder_set_member_name(b, "scenario");
  json_builder_add_string_value(b, scenario);
  json_builder_set_member_name(b, "metric");
  json_builder_add_string_value(b, run_metric_name(metric));
  json_builder_set_member_name(b, "higher_is_better");
  json_builder_add_boolean_value(b, run_metric_higher_is_better(metric));
  json_builder_set_member_name(b, "seed");
  json_builder_add_int_value(b, (gint64) seed);
  json_builder_set_member_name(b, "replications");
  json_builder_add_int_value(b, replications);
  json_builder_set_member_name(b, "instances");
  json_builder_add_int_value(b, instances);
}

void
explain_json_add_summary(JsonBuilder *b, const char *name, const StatsSummary *s)
{
  json_builder_set_member_name(b, name);
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "mean");
  json_builder_add_double_value(b, s->mean);
  json_builder_set_member_name(b, "sd");
  json_builder_add_double_value(b, s->sd);
  json_builder_set_member_name(b, "lo");
  json_builder_add_double_value(b, s->lo);
  json_builder_set_member_name(b, "hi");
  json_builder_add_double_value(b, s->hi);
  json_builder_end_object(b);
}

void
explain_json_add_difference(JsonBuilder *b, const char *name, const ExplainDifference *d)
{
  json_builder_set_member_name(b, name);
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "mean");
  json_builder_add_double_value(b, d->diff);
  json_builder_set_member_name(b, "lo");
  json_builder_add_double_value(b, d->lo);
  json_builder_set_member_name(b, "hi");
  json_builder_add_double_value(b, d->hi);
  json_builder_end_object(b);
}

static void
add_items(JsonBuilder *b, const char *name, const GPtrArray *items)
{
  json_builder_set_member_name(b, name);
  json_builder_begin_array(b);
  for (guint i = 0; i < items->len; i++) {
    const ExplainItem *item = g_ptr_array_index(items, i);
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "name");
    json_builder_add_string_value(b, item->name);
    json_builder_set_member_name(b, "overrides");
    json_builder_begin_array(b);
    for (char **o = item->overrides; o != NULL && *o != NULL; o++)
      json_builder_add_string_value(b, *o);
    json_builder_end_array(b);
    explain_json_add_summary(b, "value", &item->value);
    explain_json_add_difference(b, "difference", &item->metric);
    json_builder_set_member_name(b, "gain");
    json_builder_add_double_value(b, item->gain);
    explain_json_add_difference(b, "instance_hours_difference", &item->hours);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
}

JsonNode *
explain_json_node(const ExplainResult *r)
{
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  explain_json_add_head(b, "explain", r->scenario, r->metric, r->seed, r->replications,
                        r->instances);
  json_builder_set_member_name(b, "policy");
  json_builder_add_string_value(b, r->policy);
  explain_json_add_summary(b, "base", &r->base);
  explain_json_add_summary(b, "downtime_per_year_s", &r->downtime);
  explain_json_add_summary(b, "instance_hours_per_year", &r->hours);
  json_builder_set_member_name(b, "downtime_by_cause");
  json_builder_begin_array(b);
  for (guint i = 0; i < r->shares->len; i++) {
    const ExplainShare *s = g_ptr_array_index(r->shares, i);
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "cause");
    json_builder_add_string_value(b, s->cause);
    explain_json_add_summary(b, "seconds_per_year", &s->seconds);
    json_builder_set_member_name(b, "share");
    json_builder_add_double_value(b, s->share);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  add_items(b, "levers", r->levers);
  add_items(b, "causes", r->causes);
  json_builder_end_object(b);
  return json_builder_get_root(b);
}

char *
explain_json(const ExplainResult *r)
{
  g_autoptr(JsonNode) root = explain_json_node(r);
  g_autoptr(JsonGenerator) gen = json_generator_new();
  json_generator_set_pretty(gen, TRUE);
  json_generator_set_root(gen, root);
  return json_generator_to_data(gen, NULL);
}

/* Reading back: each getter checks the member's type and says which is missing. */
typedef struct {
  const char *what; /* the first member that was missing or of the wrong type */
} Reader;

static JsonObject *
get_object(Reader *rd, JsonObject *o, const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member(o, name) : NULL;
  if (n == NULL || !JSON_NODE_HOLDS_OBJECT(n)) {
    rd->what = rd->what != NULL ? rd->what : name;
    return NULL;
  }
  return json_node_get_object(n);
}

static JsonArray *
get_array(Reader *rd, JsonObject *o, const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member(o, name) : NULL;
  if (n == NULL || !JSON_NODE_HOLDS_ARRAY(n)) {
    rd->what = rd->what != NULL ? rd->what : name;
    return NULL;
  }
  return json_node_get_array(n);
}

static double
get_double(Reader *rd, JsonObject *o, const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member(o, name) : NULL;
  if (n == NULL || !JSON_NODE_HOLDS_VALUE(n)) {
    rd->what = rd->what != NULL ? rd->what : name;
    return NAN;
  }
  return json_node_get_double(n);
}

static gint64
get_int(Reader *rd, JsonObject *o, const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member(o, name) : NULL;
  if (n == NULL || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_INT64) {
    rd->what = rd->what != NULL ? rd->what : name;
    return 0;
  }
  return json_node_get_int(n);
}

static const char *
get_string(Reader *rd, JsonObject *o, const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member(o, name) : NULL;
  if (n == NULL || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING) {
    rd->what = rd->what != NULL ? rd->what : name;
    return "";
  }
  return json_node_get_string(n);
}

static void
get_summary(Reader *rd, JsonObject *o, const char *name, StatsSummary *out)
{
  JsonObject *s = get_object(rd, o, name);
  out->mean = get_double(rd, s, "mean");
  out->sd = get_double(rd, s, "sd");
  out->lo = get_double(rd, s, "lo");
  out->hi = get_double(rd, s, "hi");
}

static void
get_difference(Reader *rd, JsonObject *o, const char *name, ExplainDifference *out)
{
  JsonObject *d = get_object(rd, o, name);
  out->diff = get_double(rd, d, "mean");
  out->lo = get_double(rd, d, "lo");
  out->hi = get_double(rd, d, "hi");
}

static void
get_items(Reader *rd, JsonObject *o, const char *name, GPtrArray *out)
{
  JsonArray *a = get_array(rd, o, name);
  for (guint i = 0; a != NULL && i < json_array_get_length(a); i++) {
    JsonObject *io = json_array_get_object_element(a, i);
    ExplainItem *item = g_new0(ExplainItem, 1);
    item->name = g_strdup(get_string(rd, io, "name"));
    JsonArray *ov = get_array(rd, io, "overrides");
    guint n = ov != NULL ? json_array_get_length(ov) : 0;
    item->overrides = g_new0(char *, n + 1);
    for (guint k = 0; k < n; k++)
      item->overrides[k] = g_strdup(json_array_get_string_element(ov, k));
    get_summary(rd, io, "value", &item->value);
    get_difference(rd, io, "difference", &item->metric);
    item->gain = get_double(rd, io, "gain");
    get_difference(rd, io, "instance_hours_difference", &item->hours);
    g_ptr_array_add(out, item);
  }
}

ExplainResult *
explain_from_json(const char *text, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new();
  if (!json_parser_load_from_data(parser, text, -1, error)) {
    g_prefix_error(error, "not an explanation: ");
    return NULL;
  }
  JsonNode *root = json_parser_get_root(parser);
  JsonObject *o = root != NULL && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root)
                                                               : NULL;
  Reader rd = { NULL };
  g_autoptr(ExplainResult) r = result_new();
  if (o == NULL || !g_str_equal(get_string(&rd, o, "kind"), "explain")) {
    g_set_error(error, EXPLAIN_ERROR, EXPLAIN_ERROR_INVALID,
                "not an explanation: expected an object with \"kind\": \"explain\"");
    return NULL;
  }
  r->scenario = g_strdup(get_string(&rd, o, "scenario"));
  int m = run_metric_lookup(get_string(&rd, o, "metric"));
  r->metric = m >= 0 ? (RunMetric) m : RUN_AVAILABILITY;
  if (m < 0)
    rd.what = rd.what != NULL ? rd.what : "metric";
  r->seed = (guint64) get_int(&rd, o, "seed");
  r->replications = (guint) get_int(&rd, o, "replications");
  r->instances = (guint) get_int(&rd, o, "instances");
  r->policy = g_strdup(get_string(&rd, o, "policy"));
  get_summary(&rd, o, "base", &r->base);
  get_summary(&rd, o, "downtime_per_year_s", &r->downtime);
  get_summary(&rd, o, "instance_hours_per_year", &r->hours);
  JsonArray *shares = get_array(&rd, o, "downtime_by_cause");
  for (guint i = 0; shares != NULL && i < json_array_get_length(shares); i++) {
    JsonObject *so = json_array_get_object_element(shares, i);
    ExplainShare *s = g_new0(ExplainShare, 1);
    s->cause = g_strdup(get_string(&rd, so, "cause"));
    get_summary(&rd, so, "seconds_per_year", &s->seconds);
    s->share = get_double(&rd, so, "share");
    g_ptr_array_add(r->shares, s);
  }
  get_items(&rd, o, "levers", r->levers);
  get_items(&rd, o, "causes", r->causes);
  if (rd.what != NULL) {
    g_set_error(error, EXPLAIN_ERROR, EXPLAIN_ERROR_INVALID,
                "not an explanation: \"%s\" is missing or of the wrong type", rd.what);
    return NULL;
  }
  return g_steal_pointer(&r);
}

/* ---- text ---- */

/* The change of @item on the metric with its interval, for people. Returns: (transfer full). */
static char *
change_text(const ExplainResult *r, const ExplainItem *item)
{
  g_autofree char *diff = explain_format_difference(r->metric, item->metric.diff);
  g_autofree char *lo = explain_format_difference(r->metric, item->metric.lo);
  g_autofree char *hi = explain_format_difference(r->metric, item->metric.hi);
  return g_strdup_printf("%s [%s, %s]", diff, lo, hi);
}

/* Appends the rows of @items as a table, each column as wide as its widest cell. */
static void
append_items(GString *out, const ExplainResult *r, const GPtrArray *items, const char *head)
{
  const char *metric = run_metric_name(r->metric);
  const char *change_head = "change [95 % paired]";
  int width = (int) strlen(head);
  int value_width = (int) strlen(metric);
  int change_width = (int) strlen(change_head);
  for (guint i = 0; i < items->len; i++) {
    const ExplainItem *item = g_ptr_array_index(items, i);
    g_autofree char *value = explain_format_value(r->metric, item->value.mean);
    g_autofree char *change = change_text(r, item);
    width = MAX(width, (int) g_utf8_strlen(item->name, -1));
    value_width = MAX(value_width, (int) strlen(value));
    change_width = MAX(change_width, (int) strlen(change));
  }
  g_string_append_printf(out, "  %-*s  %*s  %-*s  %s\n", width, head, value_width, metric,
                         change_width, change_head, "instance-hours/year");
  for (guint i = 0; i < items->len; i++) {
    const ExplainItem *item = g_ptr_array_index(items, i);
    g_autofree char *value = explain_format_value(r->metric, item->value.mean);
    g_autofree char *change = change_text(r, item);
    /* %-*s pads bytes; names from a scenario may not be ASCII, so pad by characters. Adding
     * 0.0 turns a -0 into 0. */
    int pad = width - (int) g_utf8_strlen(item->name, -1);
    g_string_append_printf(out, "  %s%*s  %*s  %-*s  %+.0f [%+.0f, %+.0f]\n", item->name, pad,
                           "", value_width, value, change_width, change,
                           item->hours.diff + 0.0, item->hours.lo + 0.0, item->hours.hi + 0.0);
  }
}

char *
explain_text(const ExplainResult *r)
{
  GString *out = g_string_new(NULL);
  g_autofree char *base = explain_format_value(r->metric, r->base.mean);
  g_autofree char *base_lo = explain_format_value(r->metric, r->base.lo);
  g_autofree char *base_hi = explain_format_value(r->metric, r->base.hi);
  g_string_append_printf(out,
                         "%s: %u instance%s, policy %s, %u replications, seed %" G_GUINT64_FORMAT
                         " in every counterfactual (common random numbers)\n"
                         "%s: %s [%s, %s]; downtime %.1f min/year [%.1f, %.1f]; "
                         "%.0f instance-hours/year\n\n",
                         r->scenario, r->instances, r->instances == 1 ? "" : "s", r->policy,
                         r->replications, r->seed, run_metric_name(r->metric), base, base_lo,
                         base_hi, r->downtime.mean / 60, r->downtime.lo / 60,
                         r->downtime.hi / 60, r->hours.mean);

  g_string_append(out, "Downtime by cause\n");
  if (r->shares->len == 0)
    g_string_append(out, "  none: the app was never down\n");
  for (guint i = 0; i < r->shares->len; i++) {
    const ExplainShare *s = g_ptr_array_index(r->shares, i);
    g_string_append_printf(out, "  %-24s %8.1f min/year [%.1f, %.1f]  %5.1f %%\n", s->cause,
                           s->seconds.mean / 60, s->seconds.lo / 60, s->seconds.hi / 60,
                           100 * s->share);
  }

  g_string_append_printf(out, "\nLevers, by what each buys on %s (counterfactual - scenario)\n",
                         run_metric_name(r->metric));
  append_items(out, r, r->levers, "lever");
  if (r->levers->len > 0) {
    const ExplainItem *best = g_ptr_array_index(r->levers, 0);
    gboolean significant = best->gain > 0 && (best->metric.lo > 0 || best->metric.hi < 0);
    if (significant)
      g_string_append_printf(out, "  Best lever: %s (%s).\n", best->name, best->overrides[0]);
    else
      g_string_append(out, "  No lever makes a significant improvement.\n");
  }

  g_string_append(out, "\nWhat each cause costs (that cause switched off alone; not a lever)\n");
  if (r->causes->len == 0)
    g_string_append(out, "  the scenario has no cause of downtime that can be switched off\n");
  else
    append_items(out, r, r->causes, "cause");
  return g_string_free(out, FALSE);
}
