/* sweep.h: many runs of one scenario judged against each other: every point of [sweep] and
 * recommend's search for the smallest instance count that meets a target. Every point runs with the same seed, so replication r
 * draws the same random numbers at every point (common random numbers: the model seeds
 * replication r's streams from (seed, r), with separate streams for the database and the
 * platform) and differences between points are sharper. Not for storing (store.h) or for the
 * command line's tables (cli_store.c). */
#pragma once

#include <glib.h>

#include "zdsim/run.h"
#include "zdsim/scenario.h"

G_BEGIN_DECLS

#define SWEEP_ERROR (sweep_error_quark())
GQuark sweep_error_quark(void);
typedef enum {
  SWEEP_ERROR_INVALID, /* a bad target, metric or instance limit */
} SweepError;

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

void sweep_result_free(SweepResult *sweep);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SweepResult, sweep_result_free)

/* Runs every point of @base's [sweep] (scenario_sweep_points(); one point, @base itself, when
 * there is none). Every point's scenario is loaded before anything runs, so a bad value fails
 * at once. @options->progress, when set, sees points x replications in all.
 * Returns: (transfer full) or NULL with @error (SCENARIO_ERROR or RUN_ERROR). */
SweepResult *sweep_run(const Scenario *base, const RunOptions *options, GError **error);

/* The metrics recommend can target. */
typedef enum {
  SWEEP_TARGET_AVAILABILITY,   /* "availability": time up */
  SWEEP_TARGET_REQUEST,        /* "request": requests served */
  SWEEP_TARGET_BUSINESS_HOURS, /* "business-hours": time up inside business hours */
} SweepTarget;

/* The target metric called @name ("availability", "request", "business-hours"); FALSE with
 * @error (SWEEP_ERROR_INVALID) for any other. */
gboolean sweep_target_parse(const char *name, SweepTarget *out, GError **error);
/* The RunMetric a target reads. */
RunMetric sweep_target_metric(SweepTarget target);

typedef struct {
  SweepResult *sweep;  /* app.instances = 1, 2, ... as far as the search went */
  RunMetric metric;
  double target;       /* a fraction */
  guint max_instances;
  int answer;          /* index in sweep->results of the smallest count whose lower 95 % bound
                          meets the target; -1 when no count up to max_instances does */
} SweepRecommendation;

void sweep_recommendation_free(SweepRecommendation *rec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SweepRecommendation, sweep_recommendation_free)

/* Runs @base with app.instances = 1, 2, ..., @max_instances, stopping after the first count
 * whose lower 95 % bound of @metric is at least @target and the count after it (for
 * comparison). Returns: (transfer full) or NULL with @error (SWEEP_ERROR_INVALID for a target
 * outside (0, 1] or max_instances 0; SCENARIO_ERROR; RUN_ERROR). */
SweepRecommendation *sweep_recommend(const Scenario *base, RunMetric metric, double target,
                                     guint max_instances, const RunOptions *options,
                                     GError **error);

G_END_DECLS
