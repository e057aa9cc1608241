/* sensitivity.h: `zdsim sensitivity`: which uncertain inputs move the answer. One input at a
 * time goes to the low and to the high end of its range, everything else at its value, under
 * common random numbers (replication r draws from stream (seed, r) at every end), and the
 * inputs are ranked by the larger of their two effects (README, Explain,
 * sensitivity and a report).
 *
 * The inputs: the keys a scenario's [uncertain] section names, with its ranges; without the
 * section, every key whose default is an assumption, with the range of the key table
 * (scenario_key_info()). A range of a distribution key either lists two values of the key, or
 * (for the key table's "scale" and "median" ranges) two durations: the distribution is then
 * scaled (dist_scale()) so that its mean, or its median, is that duration and its shape stays.
 *
 * With a target, each end is also searched for the smallest instance count that meets it
 * (recommend_run(), recommend_meets()), to say whether the recommendation holds across every
 * range. Not for running (sweep.h), storing (store_analysis.h) or the command line. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "zdsim/explain.h"
#include "zdsim/run.h"
#include "zdsim/scenario.h"
#include "zdsim/sweep.h"

G_BEGIN_DECLS

typedef struct {
  char *key;              /* "section.key" */
  char *low, *high;       /* the range's ends as written ("1/26w", "20s") */
  char *low_value;        /* the value each end runs with: the end itself, or the scaled */
  char *high_value;       /* distribution ("lognormal(median=20s,p95=53.3s)") */
  StatsSummary low_metric, high_metric; /* the metric at each end */
  ExplainDifference low_diff, high_diff; /* end - scenario, paired 95 % intervals */
  double effect;          /* max(|low_diff.diff|, |high_diff.diff|) */
  gboolean significant;   /* an end's interval excludes 0 */
  int low_count, high_count; /* with a target: the recommended count at each end, -1 when
                                none up to the limit meets it; 0 without a target */
} SensitivityInput;

typedef struct {
  char *scenario;
  RunMetric metric;
  guint replications;
  guint64 seed;
  guint instances;
  gboolean from_section;  /* the inputs came from [uncertain] */
  StatsSummary base;      /* the metric in the scenario itself */
  GPtrArray *inputs;      /* SensitivityInput*, largest effect first */
  double target;          /* a fraction; NaN without --target */
  guint max_instances;
  int base_count;         /* the recommended count at every input's value; -1 none; 0 no
                             target */
} SensitivityResult;

void sensitivity_result_free(SensitivityResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SensitivityResult, sensitivity_result_free)

typedef struct {
  SweepResult *sweep;     /* point 0 the scenario; 2i+1 and 2i+2 input i's low and high end */
  GPtrArray *inputs;      /* SensitivityInput*, in the order they were found */
  gboolean from_section;
} SensitivityPlan;

void sensitivity_plan_free(SensitivityPlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SensitivityPlan, sensitivity_plan_free)

/* Resolves the inputs of @base and loads the scenario of every end (a value the scenario
 * refuses fails here, naming the key and the end). Returns: (transfer full) or NULL with
 * @error (SCENARIO_ERROR, or EXPLAIN_ERROR_INVALID when a distribution cannot be scaled, e.g.
 * "none"). */
SensitivityPlan *sensitivity_plan(const Scenario *base, GError **error);

/* Runs @plan and ranks the inputs by effect on @metric. With @target a fraction (not NaN),
 * also searches each end for its recommended instance count, up to @max_instances.
 * Returns: (transfer full) or NULL with @error (RUN_ERROR, RECOMMEND_ERROR). */
SensitivityResult *sensitivity_execute(SensitivityPlan *plan, RunMetric metric, double target,
                                       guint max_instances, const RunOptions *options,
                                       GError **error);

/* JSON: "schema", "kind": "sensitivity", "scenario", "metric", "higher_is_better", "seed",
 * "replications", "instances", "from_uncertain_section", "base" {mean, sd, lo, hi}, "inputs"
 * [{key, low, high, low_value, high_value, low {value {…}, difference {mean, lo, hi}},
 * high {…}, effect, significant, low_count, high_count}], and with a target "target",
 * "max_instances", "recommended" and "verdict". Returns: (transfer full). */
JsonNode *sensitivity_json_node(const SensitivityResult *result);
char *sensitivity_json(const SensitivityResult *result);
/* Reads what sensitivity_json() wrote. Returns: (transfer full) or NULL with @error. */
SensitivityResult *sensitivity_from_json(const char *text, GError **error);

/* One sentence on the target: "2 instances meet 99.95 % across every range", or the first
 * input and end where the count changes. NULL without a target. Returns: (transfer full). */
char *sensitivity_verdict(const SensitivityResult *result);

/* The ranking for people. Returns: (transfer full). */
char *sensitivity_text(const SensitivityResult *result);

G_END_DECLS
