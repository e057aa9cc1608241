/* sweep.h: many runs of one scenario, point by point: every point of [sweep], and the
 * machinery a search over points runs on (recommend.h). Every point runs with the same seed,
 * so replication r draws the same random numbers at every point (common random numbers: the
 * model seeds replication r's streams from (seed, r), with separate streams for the database
 * and the platform) and differences between points are sharper. Not for judging the points
 * (recommend.h, compare.h), storing (store.h) or the command line's tables (cli_store.c). */
#pragma once

#include <glib.h>

#include "zdsim/run.h"
#include "zdsim/scenario.h"

G_BEGIN_DECLS

/* The scenario of one point: @base's text, path and overrides, then @point (a NULL-terminated
 * vector of "section.key=value", may be NULL), so the point's overrides win.
 * Returns: (transfer full) or NULL with @error (SCENARIO_ERROR, prefixed with the point). */
Scenario *sweep_point_scenario(const Scenario *base, const char *const *point, GError **error);

/* "app.instances=2 policy.evacuation=rolling": a point for people. Returns: (transfer full). */
char *sweep_point_label(const char *const *point);

/* The axes of a sweep for people: "app.instances = 1, 2, 3 x policy.evacuation = rolling,
 * stop-start", with @times between the axes (" x " or " × "). Returns: (transfer full). */
char *sweep_axes_text(const GPtrArray *axes, const char *times);

/* The runs of a sweep or a recommendation, point by point. */
typedef struct {
  GPtrArray *axes;      /* ScenarioSweepAxis*: a reference to the base scenario's [sweep] for
                           a sweep; for a recommendation its one axis, app.instances, listing
                           the counts that ran */
  GPtrArray *points;    /* char ** override vectors, one per point */
  GPtrArray *scenarios; /* Scenario*, one per point */
  GPtrArray *results;   /* RunResult*, one per point (result->scenario is scenarios[i]); the
                           three arrays have the same length */
} SweepResult;

/* An empty sweep over @axes (ScenarioSweepAxis*; taken over). Returns: (transfer full). */
SweepResult *sweep_result_new(GPtrArray *axes);
void sweep_result_free(SweepResult *sweep);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SweepResult, sweep_result_free)

/* Loads the scenario of @point (sweep_point_scenario()) and appends the point and its
 * scenario to @sweep, to be run by sweep_run_points(). Returns: FALSE with @error as
 * sweep_point_scenario(), @sweep unchanged. */
gboolean sweep_add_point(SweepResult *sweep, const Scenario *base, const char *const *point,
                         GError **error);

/* Called after point @i of @sweep has run (its result is the last of sweep->results); TRUE
 * stops the sweep there. */
typedef gboolean (*SweepStopFunc)(const SweepResult *sweep, guint i, void *user_data);

/* Runs the points of @sweep added since the last result, in order, until @stop (may be
 * NULL: run them all) says to stop; the points that did not run are dropped, so points,
 * scenarios and results keep one length. @options->progress, when set, sees those points'
 * replications in all, and is told the work is over when @stop ends it early.
 * Returns: FALSE with @error (RUN_ERROR, prefixed with the point) when a point fails; @sweep
 * then holds the points that ran before it. */
gboolean sweep_run_points(SweepResult *sweep, const RunOptions *options, SweepStopFunc stop,
                          void *user_data, GError **error);

/* The work-item index of replication 0 of point @i of @sweep: the replications of the points
 * before it (points in sweep order, replications inside a point). With
 * RunOptions.shard_n set, sweep_run_points() and sweep_run() run each point's share of its
 * shard from there. */
guint64 sweep_point_first_item(const SweepResult *sweep, guint i);

/* Loads the scenario of every point of @base's [sweep] (scenario_sweep_points(); one point,
 * @base itself, when there is none), in order, and runs none: sweep_run_points() runs them.
 * Returns: (transfer full) or NULL with @error (SCENARIO_ERROR, prefixed with the point). */
SweepResult *sweep_load(const Scenario *base, GError **error);

/* Runs every point of @base's [sweep] (scenario_sweep_points(); one point, @base itself, when
 * there is none). Every point's scenario is loaded before anything runs, so a bad value fails
 * at once. @options->progress, when set, sees points x replications in all.
 * Returns: (transfer full) or NULL with @error (SCENARIO_ERROR or RUN_ERROR). */
SweepResult *sweep_run(const Scenario *base, const RunOptions *options, GError **error);

G_END_DECLS
