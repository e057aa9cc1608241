/* store_analysis.h: the stored results of `zdsim explain` and `zdsim sensitivity`, one row
 * each in the run store (store.h): the scenario they ran (text, overrides, seed,
 * replications), the metric, and the result as the JSON document the command prints with
 * --json, which explain_from_json() and sensitivity_from_json() read back. Not for runs or
 * sweeps (store.h) or for computing anything (explain.h, sensitivity.h).
 *
 * Tables (schema version 4 on this branch; see store_migrate.c):
 *   explains (id, created, scenario, path, scenario_text, scenario_sha256, overrides, seed,
 *             replications, metric, version, result)
 *   sensitivities (the same columns, and target: the --target fraction or NULL)
 * result is JSON: query it with SQLite's json_each()/json_extract(), e.g.
 *   SELECT json_extract(value, '$.name') FROM explains, json_each(result, '$.levers')
 * One row is written in one statement, so a killed process leaves none or all of it. */
#pragma once

#include <glib.h>

#include "zdsim/scenario.h"
#include "zdsim/store.h"

G_BEGIN_DECLS

typedef enum {
  STORE_ANALYSIS_EXPLAIN,
  STORE_ANALYSIS_SENSITIVITY,
} StoreAnalysisKind;

/* "explain", "sensitivity". */
const char *store_analysis_kind_name(StoreAnalysisKind kind);

typedef struct {
  gint64 id;
  StoreAnalysisKind kind;
  char *created;        /* ISO 8601 UTC */
  char *scenario;       /* its name */
  char *path;
  char *scenario_text;
  char **overrides;     /* NULL-terminated */
  guint64 seed;
  guint replications;
  char *metric;         /* the JSON metric name */
  double target;        /* sensitivity --target as a fraction; NaN when none */
  char *version;        /* the zdsim that ran it */
  char *result;         /* the JSON document */
} StoreAnalysis;

void store_analysis_free(StoreAnalysis *analysis);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StoreAnalysis, store_analysis_free)

/* Stores one result of @kind for scenario @sc (as loaded, with its overrides) on @metric,
 * with @target (NaN for none) and @result_json. Returns: the new id (> 0), or 0 with @error
 * (STORE_ERROR). */
gint64 store_save_analysis(Store *store, StoreAnalysisKind kind, const Scenario *sc,
                           const char *metric, double target, const char *result_json,
                           GError **error);

/* Result @id of @kind. Returns: (transfer full) or NULL with @error (STORE_ERROR_NOT_FOUND
 * for an unknown id, or for any id in a database older than the tables). */
StoreAnalysis *store_load_analysis(Store *store, StoreAnalysisKind kind, gint64 id,
                                   GError **error);

/* The stored results of @kind, newest first, at most @limit (0 = all), without their
 * scenario text (NULL) but with their result. Returns: (transfer full) a GPtrArray of
 * StoreAnalysis* (empty for a database older than the tables), or NULL with @error. */
GPtrArray *store_list_analyses(Store *store, StoreAnalysisKind kind, guint limit,
                               GError **error);

G_END_DECLS
