/* recommend.h: the smallest instance count that meets an availability or downtime target, for
 * `zdsim recommend`, `zdsim sweep --metric`, `zdsim plot --metric` and the dashboard alike.
 * One home for each piece of that decision: the rule (the conservative 95 % bound against the
 * target, never the mean), the reading of a target ("99.95%", "99.95" or "30m"), the metrics
 * that can be targeted and their names, the series a sweep's runs fall
 * into (the runs that differ only in app.instances), and the two searches: live, running
 * app.instances = 1, 2, ... with common random numbers, and among the runs of a stored sweep.
 * Not for running sweeps in general (sweep.h), for storing (store.h) or for the tables people
 * read (cli_store.c, serve_html.c). */
#pragma once

#include <glib.h>

#include "zdsim/run.h"
#include "zdsim/scenario.h"
#include "zdsim/stats.h"
#include "zdsim/store.h"
#include "zdsim/sweep.h"

G_BEGIN_DECLS

#define RECOMMEND_ERROR (recommend_error_quark())
GQuark recommend_error_quark(void);
typedef enum {
  RECOMMEND_ERROR_INVALID, /* a bad target, metric or instance limit */
} RecommendError;

/* ---- the metrics a target can be about ---- */

/* What a target on @metric means. Every availability (a fraction, larger is better, JSON name
 * ending in "availability") and every downtime per year (seconds per year, smaller is better,
 * JSON name containing "downtime" and ending in "_per_year_s") can be targeted; the kind
 * follows from run.h's table (run_metric_name(), run_metric_higher_is_better()), so a metric
 * added there is targetable without being named here. */
typedef enum {
  RECOMMEND_NOT_TARGETABLE,
  RECOMMEND_AVAILABILITY, /* the target is a minimum: the lower 95 % bound must reach it */
  RECOMMEND_DOWNTIME,     /* the target is a maximum (seconds per year): the upper 95 % bound
                             must stay at or below it */
} RecommendKind;

RecommendKind recommend_metric_kind(RunMetric metric);

/* The metric as a table header or a sentence names it: its JSON name without the unit suffix
 * ("_per_year_s") and with spaces: "availability", "request availability", "downtime",
 * "downtime outside portal window". Returns: (transfer full). */
char *recommend_metric_label(RunMetric metric);

/* Every name recommend_parse_metric() accepts, the JSON names of the targetable metrics in
 * report order then the version-1 aliases, separated by @separator.
 * Returns: (transfer full). */
char *recommend_metric_names(const char *separator);

/* The rule, in one place: for an availability, TRUE when the lower 95 % bound of @summary is
 * at least @target (a fraction); for a downtime, TRUE when the upper 95 % bound is at most
 * @target (seconds per year). A count is judged on the conservative end of its interval,
 * never its mean, as [expect] judges (README, Regression-testing a policy). */
gboolean recommend_meets(RunMetric metric, const StatsSummary *summary, double target);

/* The bound recommend_meets() judges: summary->lo for an availability, summary->hi for a
 * downtime. */
double recommend_judged_bound(RunMetric metric, const StatsSummary *summary);

/* A target availability as people write it: "99.95%", "99.95 %" or "99.95" (the sign may be
 * left out, as in the dashboard's form, which prints it beside the field), above 0 % and at
 * most 100 %. Both forms give the same fraction, correctly rounded from the decimal text
 * (units_parse_percent()), so "99.9" is exactly the double 0.999 and a lower bound of 0.999
 * meets it wherever it is asked. Without the sign a number of at most 1 is refused: "0.9995"
 * is more likely a fraction meaning 99.95 % than a target of 0.9995 %, and reading it either
 * way would recommend silently for the wrong target; "0.9995%" is accepted.
 * Returns: FALSE with @error (RECOMMEND_ERROR_INVALID) saying what is expected. */
gboolean recommend_parse_target(const char *text, double *fraction, GError **error);

/* The metric a target is about, by its JSON name (README, JSON: "availability",
 * "request_availability", "business_hours_availability", "downtime_per_year_s",
 * "downtime_outside_portal_window_per_year_s", ...: every metric recommend_metric_kind()
 * accepts), or the aliases of version 1, "request" and "business-hours".
 * Returns: FALSE with @error (RECOMMEND_ERROR_INVALID) listing every accepted name. */
gboolean recommend_parse_metric(const char *name, RunMetric *out, GError **error);

/* A target for @metric as people write it: for an availability what recommend_parse_target()
 * reads (a fraction comes back); for a downtime a duration per year, "30m", "1800s", "2h",
 * optionally followed by "/y" or "/year" ("30m/y"), at most a year (seconds per year come
 * back). Returns: FALSE with @error (RECOMMEND_ERROR_INVALID) saying what the metric takes. */
gboolean recommend_parse_goal(RunMetric metric, const char *text, double *value,
                              GError **error);

/* @value (from recommend_parse_goal()) for people: "99.95 %" or "30.0 min/year".
 * Returns: (transfer full). */
char *recommend_format_goal(RunMetric metric, double value);

/* The cause with the most downtime per year in @result (cause_summary means), the one a
 * recommendation that found no count names as what remains. */
ModelCause recommend_dominant_cause(const RunResult *result);

/* ---- series ---- */

/* What the runs of one series share: @point ("section.key=value", NULL-terminated; may be
 * NULL) without its app.instances, joined by " ": "policy.evacuation=rolling", or "" when
 * only app.instances varies. Returns: (transfer full). */
char *recommend_series_key(const char *const *point);

/* A series: runs that differ only in app.instances. */
typedef struct {
  char *key;       /* what its runs share (for a stored sweep, recommend_series_key()) */
  GPtrArray *runs; /* the caller's items, borrowed, fewest instances first; equal counts keep
                      the caller's order */
  int answer;      /* index in @runs of the smallest count that meets the target; -1 when
                      none does or when nothing was searched (recommend_group()) */
} RecommendSeries;

void recommend_series_free(RecommendSeries *series);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(RecommendSeries, recommend_series_free)

/* An item's series key (transfer full) and its instance count, for recommend_group(). */
typedef char *(*RecommendKeyFunc)(gconstpointer item);
typedef guint (*RecommendInstancesFunc)(gconstpointer item);

/* Groups @items (any type; they must outlive the result) by @key_of into series, in the order
 * of each series' first item, each sorted by @instances_of. Returns: (transfer full) a
 * GPtrArray of RecommendSeries that frees them (answer -1). */
GPtrArray *recommend_group(const GPtrArray *items, RecommendKeyFunc key_of,
                           RecommendInstancesFunc instances_of);

/* ---- the searches ---- */

/* Among a stored sweep's @runs (StoreRunInfo*, store_list_runs(); they must outlive the
 * result): groups them into series by recommend_series_key() of their points and finds each
 * series' smallest instance count whose summary of @metric meets @target (recommend_meets()).
 * Returns: (transfer full) a GPtrArray of RecommendSeries that frees them. */
GPtrArray *recommend_stored(const GPtrArray *runs, RunMetric metric, double target);

/* A live search and what it ran. */
typedef struct {
  SweepResult *sweep;  /* every point that ran, combination by combination, fewest instances
                          first; its axes are the scenario's other [sweep] axes, then
                          app.instances listing every count that ran somewhere */
  GPtrArray *series;   /* RecommendSeries*, one per combination of the other [sweep] axes (one,
                          with key "", when [sweep] varies nothing else), in the order of
                          scenario_sweep_points(); runs are RunResult* borrowed from @sweep;
                          answer as in RecommendSeries */
  RunMetric metric;
  double target;       /* a fraction for an availability, seconds per year for a downtime */
  guint max_instances;
} RecommendResult;

void recommend_result_free(RecommendResult *rec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(RecommendResult, recommend_result_free)

/* The combinations a live search answers for: every point of @base's [sweep]
 * (scenario_sweep_points()) without its app.instances, each once, in sweep order; one empty
 * combination when [sweep] varies nothing else. Returns: (transfer full) a GPtrArray of
 * NULL-terminated "section.key=value" vectors (g_strfreev). */
GPtrArray *recommend_combinations(const Scenario *base);

/* For every combination (recommend_combinations()), runs @base with the combination and
 * app.instances = 1, 2, ..., @max_instances, every count with the same seed, stopping after
 * the first count that meets @target on @metric (recommend_meets()) and the count after it
 * (for comparison). Every point's scenario is loaded before anything runs, so a scenario that
 * refuses one fails at once. @options->progress sees each combination's work in turn.
 * Returns: (transfer full) or NULL with @error (RECOMMEND_ERROR_INVALID for a metric that
 * cannot be targeted, a target out of its range or max_instances 0; SCENARIO_ERROR;
 * RUN_ERROR). */
RecommendResult *recommend_run(const Scenario *base, RunMetric metric, double target,
                               guint max_instances, const RunOptions *options,
                               GError **error);

G_END_DECLS
