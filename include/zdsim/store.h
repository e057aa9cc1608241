/* store.h: the run store: every run and sweep kept in one SQLite database (README, Storing and
 * comparing runs), so that a run can be shown again, two runs compared, a sweep plotted and a
 * regression caught later. Not for running anything (run.h, sweep.h) or printing (report.h).
 *
 * The database.
 *   Plain SQLite, readable with the sqlite3 shell. The schema is versioned with
 *   PRAGMA user_version (STORE_SCHEMA_VERSION) and marked as zdsim's with PRAGMA
 *   application_id; opening a database for writing migrates it, one function per version
 *   (all in one transaction). Opened read-only, an older version is read as it is (version 1
 *   through its own tables) and never written.
 *   Tables (times in seconds; "per year" figures per 365 days):
 *     sweeps (id, kind, scenario, path, scenario_text, scenario_sha256, overrides, axes,
 *             created, version)
 *     runs (id, created, scenario, path, scenario_text, scenario_sha256, overrides, seed,
 *           replications, policy, instances, horizon_s, version, events, updates, wall_s,
 *           sweep_id, point)
 *     replications (run, replication, then a column per metric of run.h named as in the
 *           JSON, "availability" ... "instance_hours_per_year", and one per cause named
 *           "downtime_by_cause_s.CAUSE"): one row per replication (version 2)
 *     summaries (run, metric, mean, sd, lo, hi, method): the 95 % intervals over the
 *           replications and how each was made (StatsMethod's name; "t" for every row stored
 *           before the method was), metric "downtime_by_cause_s.CAUSE" for the causes
 *           (derived; kept for queries; the pooled outage figures from the outages)
 *     outages (run, replication, seq, start_s, end_s, cause)
 *     timeline (run, seq, t_s, serving, starting, containers, db_up): replication 0 only
 *     update_spans (run, seq, start_s, end_s): replication 0's platform updates
 *     explains, sensitivities: results of zdsim explain and sensitivity (store_analysis.h)
 *   Views (version 1's tables, one value per row, derived from replications):
 *     metrics (run, replication, metric, value)
 *     downtime_by_cause (run, replication, cause, seconds_per_year)
 *   overrides and point are JSON arrays of "section.key=value"; axes is a JSON array of
 *   {"key", "values"}; created is ISO 8601 UTC; seed is the guint64 seed's bit pattern.
 *   NaN is stored as NULL.
 *
 * Concurrency and failures.
 *   WAL mode, a busy timeout (STORE_BUSY_TIMEOUT_MS) and foreign keys. A run is written in one
 *   transaction, a sweep with all its runs in one transaction, so a process killed in the
 *   middle leaves only whole runs. No stored value is ever deleted (an upgrade moves values
 *   inside its transaction); a file that is not a zdsim database, or one written by a newer
 *   zdsim, is refused and left as it was. Every SQLite failure becomes a GError in STORE_ERROR
 *   whose message names the file and carries sqlite3_errmsg(). A Store is one connection,
 *   opened without SQLite's own locking (SQLITE_OPEN_NOMUTEX): use it from one thread at a
 *   time. */
#pragma once

#include <glib.h>

#include "zdsim/run.h"
#include "zdsim/scenario.h"
#include "zdsim/stats.h"

G_BEGIN_DECLS

/* The schema version this program writes (PRAGMA user_version). */
#define STORE_SCHEMA_VERSION 7
/* PRAGMA application_id of a zdsim database: "zdsi" in ASCII. */
#define STORE_APPLICATION_ID 0x7a647369
/* How long a write waits for another process's write to finish. */
#define STORE_BUSY_TIMEOUT_MS 10000

#define STORE_ERROR (store_error_quark())
GQuark store_error_quark(void);

typedef enum {
  STORE_ERROR_CANNOT_OPEN,  /* missing, unreadable or unwritable file or directory */
  STORE_ERROR_NOT_DATABASE, /* not an SQLite database, a corrupt one, or not zdsim's */
  STORE_ERROR_TOO_NEW,      /* written by a newer zdsim (user_version > STORE_SCHEMA_VERSION) */
  STORE_ERROR_TOO_OLD,      /* opened read-only before any zdsim has written to it */
  STORE_ERROR_BUSY,         /* locked by another process beyond the busy timeout */
  STORE_ERROR_NOT_FOUND,    /* no run or sweep with that id */
  STORE_ERROR_FAILED,       /* any other SQLite failure, or a stored scenario that no longer
                               loads */
  STORE_ERROR_BAD_ID,       /* text that is not a run or sweep id (store_parse_id) */
} StoreError;

typedef enum {
  STORE_OPEN_DEFAULT = 0,        /* read-write; creates the file and migrates the schema */
  STORE_OPEN_READ_ONLY = 1 << 0, /* never writes; a missing file is an error */
} StoreOpenFlags;

typedef struct Store Store;

/* Opens (and unless read-only, creates and migrates) the database at @path.
 * Returns: (transfer full) the store, or NULL with @error (STORE_ERROR). */
Store *store_open(const char *path, StoreOpenFlags flags, GError **error);
/* Closes the connection; NULL is allowed. */
void store_close(Store *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Store, store_close)

/* The path the store was opened with (owned by the store). */
const char *store_get_path(const Store *store);
/* The busy timeout in milliseconds (default STORE_BUSY_TIMEOUT_MS; tests shorten it). */
void store_set_busy_timeout(Store *store, guint ms);

/* Stores @result (its scenario, every replication's values, by-cause downtime and outages,
 * the summaries, and the timeline and update spans when present) in one transaction.
 * Returns: the new run id (> 0), or 0 with @error. */
gint64 store_save_run(Store *store, const RunResult *result, GError **error);

/* Stores a sweep: one sweeps row for @base (the scenario as loaded, without any point) with
 * @kind ("sweep" or "recommend") and @axes (ScenarioSweepAxis*), and one run per element of
 * @results (RunResult*) with the point of the same index in @points (NULL-terminated
 * "section.key=value" vectors), all in one transaction.
 * Returns: the new sweep id (> 0), or 0 with @error; nothing is stored on failure. */
gint64 store_save_sweep(Store *store, const char *kind, const Scenario *base,
                        const GPtrArray *axes, const GPtrArray *results,
                        const GPtrArray *points, GError **error);

/* What a stored run is, without its per-replication data. */
typedef struct {
  gint64 id;
  char *created;          /* ISO 8601 UTC, "2027-01-04T10:00:00Z" */
  char *scenario;         /* scenario name */
  char *path;             /* the file it came from, as given on the command line */
  char *scenario_sha256;  /* of the scenario text as read */
  char **overrides;       /* --set overrides (with sweep points last), NULL-terminated */
  guint64 seed;
  guint replications;
  char *policy;
  guint instances;
  double horizon_s;
  char *version;          /* the zdsim that ran it */
  guint64 events;
  guint64 updates;
  double wall_s;
  gint64 sweep_id;        /* 0 when not part of a sweep */
  char **point;           /* the sweep point's overrides; NULL when not part of a sweep */
  StatsSummary summary[RUN_METRIC_COUNT];
  StatsSummary cause_summary[CAUSE_COUNT];
  char *partial;          /* what a `zdsim merge --partial` lacked; NULL when whole */
} StoreRunInfo;

void store_run_info_free(StoreRunInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StoreRunInfo, store_run_info_free)

/* Stored runs as StoreRunInfo*. @sweep_id > 0: that sweep's runs in point order; otherwise
 * every run, newest first. @scenario (may be NULL): only runs of that scenario name.
 * @limit: at most that many (0 = all). Returns: (transfer full) an array that frees its
 * elements, possibly empty; NULL with @error. */
GPtrArray *store_list_runs(Store *store, gint64 sweep_id, const char *scenario, guint limit,
                           GError **error);

/* A stored run brought back to life: its scenario reloaded from the stored text and
 * overrides through scenario_load_data() (with the stored path), and a RunResult refilled
 * from the stored per-replication values, outages, timeline and update spans, summarised with
 * run_result_summarize(), with the stored events and wall time. result->scenario is
 * scenario. */
typedef struct {
  StoreRunInfo *info;
  char *scenario_text;
  Scenario *scenario;
  RunResult *result;
} StoreRun;

/* Loads run @id. Returns: (transfer full) or NULL with @error (STORE_ERROR_NOT_FOUND for an
 * unknown id; STORE_ERROR_FAILED when the stored scenario no longer loads). */
StoreRun *store_load_run(Store *store, gint64 id, GError **error);
void store_run_free(StoreRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StoreRun, store_run_free)

/* The run a new run of @sc is judged against (`zdsim check --baseline`): the last stored run
 * of @sc's name with the same input — the same scenario text (by its SHA-256, as the store
 * keeps it) and the same overrides (--set, --replications, --seed) — that is not part of a
 * sweep. Returns: (transfer full) the run; NULL with @error unset when there is none, NULL
 * with @error when the store fails. */
StoreRun *store_find_baseline(Store *store, const Scenario *sc, GError **error);

/* What a stored sweep is; its runs come from store_list_runs(store, id, NULL, 0, ...). */
typedef struct {
  gint64 id;
  char *kind;             /* "sweep" or "recommend" */
  char *created;
  char *scenario;
  char *path;
  char *scenario_sha256;
  char **overrides;       /* the base's overrides, NULL-terminated */
  GPtrArray *axes;        /* ScenarioSweepAxis* (key, values), in file order */
  guint runs;             /* runs stored with it */
  char *version;
  char *partial;          /* what a `zdsim merge --partial` lacked; NULL when whole */
} StoreSweepInfo;

void store_sweep_info_free(StoreSweepInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StoreSweepInfo, store_sweep_info_free)

/* Stored sweeps as StoreSweepInfo*, newest first, at most @limit (0 = all).
 * Returns: (transfer full), possibly empty; NULL with @error. */
GPtrArray *store_list_sweeps(Store *store, guint limit, GError **error);
/* Sweep @id. Returns: (transfer full) or NULL with @error (STORE_ERROR_NOT_FOUND). */
StoreSweepInfo *store_load_sweep(Store *store, gint64 id, GError **error);

/* ---- shards (README, "Sweeps across machines"; schema version 4) ----
 * A shard is one share of a run's or a sweep's work items (`--shard K/N`, run_shard_holds()),
 * kept in its own tables (shards, shard_points, shard_replications, shard_outages,
 * shard_timeline, shard_update_spans) until `zdsim merge` (merge.h) stores the whole as runs
 * and a sweep. */

/* Stores shard @k of @n of @base: a run when @points is NULL (@results then holds one
 * RunResult), else a sweep (@points as store_save_sweep(), one per result). For every point,
 * the replications the shard holds (from the point's first work item,
 * sweep_point_first_item()), their outages, and replication 0's timeline and update spans
 * when the shard holds replication 0; the scenario's text, overrides, seed and this
 * program's version. One transaction: a shard is stored whole or not at all.
 * Returns: the shard's id (> 0), or 0 with @error. */
gint64 store_save_shard(Store *store, const Scenario *base, guint k, guint n,
                        const GPtrArray *results, const GPtrArray *points, GError **error);

/* One point of a stored shard. */
typedef struct {
  guint index;            /* in sweep order; 0 for a run */
  char **point;           /* its overrides, NULL-terminated; NULL for a run */
  guint64 first_item;     /* the work-item index of its replication 0 */
  guint replications;     /* the point's replications in all */
  guint held;             /* how many of them the shard holds */
  guint64 events;         /* over the replications held */
  guint64 updates;
  double wall_s;          /* the shard's time on the point */
} StoreShardPoint;

/* What a stored shard is, without its per-replication values. */
typedef struct {
  gint64 id;              /* in its file */
  char *kind;             /* "run" or "sweep" */
  char *scenario;
  char *path;
  char *scenario_text;
  char *scenario_sha256;
  char **overrides;       /* NULL-terminated */
  guint64 seed;
  char *version;          /* the zdsim that ran it */
  guint k;
  guint n;
  char *created;
  GPtrArray *points;      /* StoreShardPoint*, in sweep order */
} StoreShardInfo;

void store_shard_info_free(StoreShardInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StoreShardInfo, store_shard_info_free)

/* The shards stored in @store, in id order. A database older than schema version 4 has none.
 * Returns: (transfer full) an array that frees its elements, possibly empty; NULL with
 * @error. */
GPtrArray *store_list_shards(Store *store, GError **error);

/* Copies what shard @shard holds of point @point into @result, a result of that point with
 * all its replications: the values and downtime by cause of each replication held, in its
 * own slot, its outages, and the timeline and update spans when the shard has them. Sets
 * @filled[r] to 1 for each replication r copied. Returns: FALSE with @error (STORE_ERROR)
 * when the store fails, or when a replication is beyond the point's or already filled (the
 * message names it). */
gboolean store_load_shard_point(Store *store, gint64 shard, guint point, RunResult *result,
                                guint8 *filled, GError **error);

/* store_save_run() and store_save_sweep() for a merge that lacks some work items
 * (`zdsim merge --partial`): @partial (not NULL) says what is missing, and is stored with the
 * run, or with the sweep and each of its runs (StoreRunInfo.partial, StoreSweepInfo.partial). */
gint64 store_save_run_partial(Store *store, const RunResult *result, const char *partial,
                              GError **error);
gint64 store_save_sweep_partial(Store *store, const char *kind, const Scenario *base,
                                const GPtrArray *axes, const GPtrArray *results,
                                const GPtrArray *points, const char *partial, GError **error);

/* Parses a run or sweep id as people and URLs write it: ASCII digits only (no sign, space or
 * other text, leading zeros allowed), value from 1 to G_MAXINT64. @what ("run", "sweep")
 * names the id in the message. Returns: TRUE with *@out set; FALSE with @error
 * (STORE_ERROR_BAD_ID) otherwise, a value beyond G_MAXINT64 refused as too large rather
 * than clamped, and *@out untouched. */
gboolean store_parse_id(const char *text, const char *what, gint64 *out, GError **error);

G_END_DECLS
