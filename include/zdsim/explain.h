/* explain.h: `zdsim explain`: where a scenario's downtime comes from and what each lever an
 * app owner can pull would buy. The scenario runs beside its counterfactuals under common
 * random numbers (replication r draws from stream (seed, r) in every one of them, as every
 * point of a sweep does), so each difference has a paired 95 % interval (stats.h).
 *
 * Levers are what the owner can change: one and two more instances, each other evacuation
 * policy, Multi-AZ on or off, database.align_to_portal, and the team's deploys moved into the
 * portal window. Causes are what nobody can switch off; what each costs (the scenario with
 * that cause removed) is listed apart from the levers (a "causes" list, never inside
 * "levers": nobody can switch a cause off, so it is no lever).
 *
 * The result is plain data, filled either by a run (explain_execute()) or from its stored
 * JSON (explain_from_json()), so the text, the plot, the dashboard and the HTML report all
 * read the same thing. Not for running replications (run.h, sweep.h), storing (store.h) or
 * the command line (cli_explain.c). */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "zdsim/run.h"
#include "zdsim/scenario.h"
#include "zdsim/sweep.h"

G_BEGIN_DECLS

#define EXPLAIN_ERROR (explain_error_quark())
GQuark explain_error_quark(void);
typedef enum {
  EXPLAIN_ERROR_INVALID, /* a bad metric name, or stored JSON that is not an explanation */
} ExplainError;

/* The version of the JSON documents of explain and sensitivity ("schema" member). */
#define EXPLAIN_SCHEMA "zdsim.explain/1"

/* A metric as --metric names it (README, JSON): a JSON metric name of run.h ("availability",
 * "downtime_per_year_s", ...) or a version-1 alias ("request", "business-hours").
 * Returns: FALSE with @error (EXPLAIN_ERROR_INVALID) listing the names, for any other. */
gboolean explain_parse_metric(const char *name, RunMetric *out, GError **error);

/* A difference B - A of one figure with its paired 95 % interval. */
typedef struct {
  double diff, lo, hi;
} ExplainDifference;

/* The paired difference @b - @a of metric @m over the replications (both runs with the same
 * seed and replication count: common random numbers), with its 95 % interval; with one
 * replication the interval is the difference itself. Shared by explain and sensitivity. */
void explain_paired_difference(const RunResult *a, const RunResult *b, RunMetric m,
                               ExplainDifference *out);

/* One counterfactual: a lever, or a cause switched off. */
typedef struct {
  char *name;            /* "one more instance", "policy.evacuation = recreate", or for a
                            cause its name, "platform-update" */
  char **overrides;      /* what it changes: "section.key=value", NULL-terminated */
  StatsSummary value;    /* the metric in the counterfactual */
  ExplainDifference metric; /* counterfactual - scenario on the metric */
  double gain;           /* metric.diff signed so that better is positive: what it buys */
  ExplainDifference hours;  /* counterfactual - scenario in instance-hours per year */
} ExplainItem;

/* One cause's share of the scenario's downtime. */
typedef struct {
  char *cause;           /* model_cause_name() */
  StatsSummary seconds;  /* per year */
  double share;          /* of the mean downtime per year; 0 when there is none */
} ExplainShare;

typedef struct {
  char *scenario;        /* its name */
  RunMetric metric;
  guint replications;
  guint64 seed;
  guint instances;
  char *policy;
  StatsSummary base;     /* the metric in the scenario itself */
  StatsSummary downtime; /* downtime_per_year_s */
  StatsSummary hours;    /* instance_hours_per_year */
  GPtrArray *shares;     /* ExplainShare*, every cause with downtime, largest first */
  GPtrArray *levers;     /* ExplainItem*, largest gain first; gains equal to three
                            significant digits (as printed) cheaper first */
  GPtrArray *causes;     /* ExplainItem*, each cause the scenario has, switched off alone,
                            largest gain first */
} ExplainResult;

void explain_result_free(ExplainResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ExplainResult, explain_result_free)

/* The runs an explanation needs: the scenario first, then one point per lever, then one per
 * cause it has. */
typedef struct {
  SweepResult *sweep;    /* points and scenarios loaded, nothing run yet */
  GPtrArray *names;      /* char*, one per point (the scenario's is "scenario") */
  guint n_levers;        /* points 1..n_levers are levers, the rest causes */
} ExplainPlan;

void explain_plan_free(ExplainPlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ExplainPlan, explain_plan_free)

/* Loads every counterfactual of @base (each one's scenario through sweep_point_scenario(), so
 * a value the scenario refuses fails here, before anything runs). Check the cost with
 * run_check_limits_many() over plan->sweep->scenarios. Returns: (transfer full) or NULL with
 * @error (SCENARIO_ERROR). */
ExplainPlan *explain_plan(const Scenario *base, GError **error);

/* Runs @plan (every point with the scenario's seed: common random numbers) and judges each
 * counterfactual on @metric. @options as for sweep_run_points().
 * Returns: (transfer full) or NULL with @error (RUN_ERROR). */
ExplainResult *explain_execute(ExplainPlan *plan, RunMetric metric, const RunOptions *options,
                               GError **error);

/* The result as a JSON object: "schema", "scenario", "metric", "higher_is_better", "seed",
 * "replications", "instances", "policy", "base" {mean, sd, lo, hi}, "downtime_per_year_s",
 * "instance_hours_per_year", "downtime_by_cause" [{cause, mean, lo, hi, share}], "levers" and
 * "causes" [{name, overrides, value {…}, difference {mean, lo, hi}, gain,
 * instance_hours_difference {mean, lo, hi}}]. Returns: (transfer full). */
JsonNode *explain_json_node(const ExplainResult *result);
/* The same as pretty-printed text. Returns: (transfer full). */
char *explain_json(const ExplainResult *result);

/* The members every explain and sensitivity document opens with, in this order: "schema",
 * "kind" (@kind), "scenario", "metric", "higher_is_better", "seed", "replications",
 * "instances". */
void explain_json_add_head(JsonBuilder *b, const char *kind, const char *scenario,
                           RunMetric metric, guint64 seed, guint replications, guint instances);
/* Members of the explain and sensitivity documents, shared by both: @name as
 * {mean, sd, lo, hi} of a summary, and as {mean, lo, hi} of a paired difference. */
void explain_json_add_summary(JsonBuilder *b, const char *name, const StatsSummary *s);
void explain_json_add_difference(JsonBuilder *b, const char *name, const ExplainDifference *d);

/* Reads what explain_json() wrote. Returns: (transfer full) or NULL with @error
 * (EXPLAIN_ERROR_INVALID naming what is missing). */
ExplainResult *explain_from_json(const char *text, GError **error);

/* The report for people: downtime by cause with shares, the levers ranked, and the causes'
 * costs. Returns: (transfer full). */
char *explain_text(const ExplainResult *result);

/* A metric's value and a difference of it for people: percentages for availabilities
 * ("99.9950 %", "+0.0012 pp"), minutes for times ("12.3 min/year"), plain numbers for counts.
 * Returns: (transfer full). */
char *explain_format_value(RunMetric metric, double value);
char *explain_format_difference(RunMetric metric, double diff);

G_END_DECLS
