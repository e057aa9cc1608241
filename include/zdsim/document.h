/* document.h: the JSON documents zdsim prints with --json and the dashboard serves under
 * /api/: one builder per document type, shared by the command line and the server, so that
 * the same thing has the same shape everywhere. Not for the report's metrics themselves
 * (report.h builds those members) or for printing (cli.h).
 *
 * Every document is an object whose first member is "schema", "zdsim.TYPE/N": TYPE names the
 * document type and N its version, raised when a member changes meaning or goes away (new
 * members do not raise it). What depends on the clock (wall time, events per second, when a
 * run was stored) sits in one "timing" object; with @timing FALSE it is left out, so that the
 * same work gives the same bytes. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "zdsim/check.h"
#include "zdsim/compare.h"
#include "zdsim/recommend.h"
#include "zdsim/run.h"
#include "zdsim/store.h"
#include "zdsim/sweep.h"

G_BEGIN_DECLS

/* The document types' schema names. */
#define DOCUMENT_RUN "zdsim.run/1"             /* run, show, /api/runs/ID */
#define DOCUMENT_LIST "zdsim.list/1"           /* list, /api/runs, /api/sweeps */
#define DOCUMENT_SWEEP "zdsim.sweep/1"         /* sweep, /api/sweeps/ID */
#define DOCUMENT_RECOMMEND "zdsim.recommend/1" /* recommend */
#define DOCUMENT_COMPARE "zdsim.compare/1"     /* compare */
#define DOCUMENT_CHECK "zdsim.check/1"         /* check */

/* A run's document: "schema", "version" (the zdsim that ran it), report_json_node()'s members
 * with their "timing" moved last, and "expectations" (the [expect] verdicts, null when the
 * scenario has none). For a stored run (@stored non-NULL) also "id", "path",
 * "scenario_sha256", "overrides", "sweep_id", "point" and "timing.stored_at".
 * Returns: (transfer full). */
JsonNode *document_run(const RunResult *result, const StoreRunInfo *stored, gboolean timing);

/* What a run is without its replications, as lists and sweeps hold it: filled from a run
 * that was not stored (id 0, created NULL), @point its sweep point (may be NULL).
 * Returns: (transfer full). */
StoreRunInfo *document_run_info_new(const RunResult *result, char **point);

/* One run of a list or sweep: "id" (stored runs), "scenario", "path", "policy", "instances",
 * "replications", "seed", "horizon_s", "version", "events", "overrides", "sweep_id", "point",
 * every metric, "downtime_by_cause_s", and "timing" ("stored_at", "wall_s"). Adds an object
 * to @b, which must be in an array or at a member name. */
void document_add_run_info(JsonBuilder *b, const StoreRunInfo *info, gboolean timing);

/* The list document: "runs" (@runs, StoreRunInfo*, may be NULL: left out) with "truncated"
 * (@more_runs), and "sweeps" (@sweeps, StoreSweepInfo*, may be NULL) with
 * "sweeps_truncated". Returns: (transfer full). */
JsonNode *document_list(const GPtrArray *runs, gboolean more_runs, const GPtrArray *sweeps,
                        gboolean more_sweeps, gboolean timing);

/* The members of a sweep: "id" (stored sweeps), "kind", "scenario", "path", "overrides",
 * "runs", "version", "axes" [{"key", "values"}], and "timing" ("stored_at"). */
void document_add_sweep_info(JsonBuilder *b, const StoreSweepInfo *sweep, gboolean timing);

/* A sweep from its parts: @sweep (its id 0 when not stored) and its points (@runs,
 * StoreRunInfo* in point order). Returns: (transfer full). */
JsonNode *document_sweep(const StoreSweepInfo *sweep, const GPtrArray *runs, gboolean timing);

/* The sweep of a run that was not stored: @base and @result as sweep_run() made them, @kind
 * "sweep" or "recommend". Returns: (transfer full). */
StoreSweepInfo *document_sweep_info_new(const Scenario *base, const SweepResult *result,
                                        const char *kind);
/* Its points, StoreRunInfo* in point order. Returns: (transfer full). */
GPtrArray *document_sweep_runs_new(const SweepResult *result);

/* The recommendation: "scenario", "policy", "metric", "target", "replications", "seed",
 * "max_instances", "points" (one per count tried, each with "meets"), "answer" (the
 * recommended point's "instances", null when none meets). Returns: (transfer full). */
JsonNode *document_recommend(const Scenario *base, const RecommendResult *rec, gboolean timing);

/* B - A: "a" and "b" (the runs, as in a list), "method" ("paired" or "welch"), "overall",
 * "metrics" and "downtime_by_cause_s", each difference {"a", "b", "diff", "lo", "hi",
 * "method", "verdict"}: "lo" and "hi" null without an interval, "method" how they were made
 * (CompareDifference.method: "t", "bootstrap" or "none"). Returns: (transfer full). */
JsonNode *document_compare(const StoreRunInfo *a, const StoreRunInfo *b, const CompareResult *c,
                           gboolean timing);

/* One [expect] verdict or baseline comparison (CheckOutcome, check.h) as an object added to @b:
 * "kind", "scenario", "path", "label", "line", "metric", "passed", "judged", "threshold",
 * "detail". */
void document_add_outcome(JsonBuilder *b, const CheckOutcome *outcome);

/* The check: "passed", "failed", "outcomes" (@outcomes, CheckOutcome*), and "timing"
 * ("wall_s", over the scenarios). Returns: (transfer full). */
JsonNode *document_check(const GPtrArray *outcomes, double wall_s, gboolean timing);

G_END_DECLS
