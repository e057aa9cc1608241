/* recommend.h: the smallest instance count that meets an availability target, for
 * `zdsim recommend` and the dashboard alike. One home for each piece of that decision: the
 * rule (the lower 95 % bound at least the target, never the mean), the reading of a target
 * ("99.95%" or "99.95"), the metrics that can be targeted, the series a sweep's runs fall
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

/* The rule: TRUE when the lower 95 % bound of @summary is at least @target (a fraction). A
 * count is judged on its lower bound, never its mean, as [expect] judges (DESIGN.md §3). */
gboolean recommend_meets(const StatsSummary *summary, double target);

/* A target availability as people write it: "99.95%", "99.95 %" or "99.95" (the sign may be
 * left out, as in the dashboard's form, which prints it beside the field), above 0 % and at
 * most 100 %. Both forms give the same fraction, correctly rounded from the decimal text
 * (units_parse_percent()), so "99.9" is exactly the double 0.999 and a lower bound of 0.999
 * meets it wherever it is asked. Without the sign a number of at most 1 is refused: "0.9995"
 * is more likely a fraction meaning 99.95 % than a target of 0.9995 %, and reading it either
 * way would recommend silently for the wrong target; "0.9995%" is accepted.
 * Returns: FALSE with @error (RECOMMEND_ERROR_INVALID) saying what is expected. */
gboolean recommend_parse_target(const char *text, double *fraction, GError **error);

/* The metric a target is about: "availability" (time up), "request" (requests served) or
 * "business-hours" (time up inside business hours). Returns: FALSE with @error
 * (RECOMMEND_ERROR_INVALID) for any other name. */
gboolean recommend_parse_metric(const char *name, RunMetric *out, GError **error);

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
  SweepResult *sweep;  /* app.instances = 1, 2, ... as far as the search went; its one axis,
                          app.instances, lists the counts that ran */
  RunMetric metric;
  double target;       /* a fraction */
  guint max_instances;
  int answer;          /* index in sweep->results of the smallest count that meets the target;
                          -1 when no count up to max_instances does */
} RecommendResult;

void recommend_result_free(RecommendResult *rec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(RecommendResult, recommend_result_free)

/* Runs @base with app.instances = 1, 2, ..., @max_instances, every count with the same seed,
 * stopping after the first count that meets @target on @metric and the count after it (for
 * comparison). Every count's scenario is loaded before anything runs, so a scenario that
 * refuses one fails at once. @options->progress sees 1..max_instances counts' replications
 * in all and is told the work is over when the search stops early.
 * Returns: (transfer full) or NULL with @error (RECOMMEND_ERROR_INVALID for a target outside
 * (0, 1] or max_instances 0; SCENARIO_ERROR; RUN_ERROR). */
RecommendResult *recommend_run(const Scenario *base, RunMetric metric, double target,
                               guint max_instances, const RunOptions *options,
                               GError **error);

G_END_DECLS
