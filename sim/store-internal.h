/* store-internal.h: what the run store's own files (store.c, store_migrate.c) share: the
 * Store itself and the helpers over sqlite3. Not for anyone else: users of the store include
 * zdsim/store.h only. */
#pragma once

#include <sqlite3.h>

#include "zdsim/store.h"

G_BEGIN_DECLS

/* The cleanups for SQLite's types, defined once (STYLE.md). sqlite3_close() returns a code a
 * cleanup cannot act on; statements are finalized first (g_autoptr runs in reverse order of
 * declaration, and a Store outlives every statement made on it). */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(sqlite3, sqlite3_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(sqlite3_stmt, sqlite3_finalize)

struct Store {
  sqlite3 *db;
  char *path;
  gboolean read_only;
  int version; /* the schema version being read and written */
  guint busy_ms;
};

/* Turns the connection's last failure into a GError (STORE_ERROR) naming the file:
 * "FILE: WHAT: errmsg", with a hint at what to do. Returns: FALSE, always. */
gboolean store_fail(const Store *s, GError **error, const char *what);

/* A prepared statement for @sql. Returns: (transfer full) or NULL with @error. */
sqlite3_stmt *store_prepare(const Store *s, const char *sql, GError **error);

/* Steps @st. Returns: SQLITE_ROW or SQLITE_DONE, or -1 with @error ("FILE: @what: ..."). */
int store_step(const Store *s, sqlite3_stmt *st, const char *what, GError **error);

/* Runs @sql, which needs no binding (fixed SQL only, never built from input). Returns: FALSE
 * with @error ("FILE: @what: ...") on failure. */
gboolean store_exec(const Store *s, const char *sql, const char *what, GError **error);

/* Rolls back the open transaction, if a failure has left one. */
void store_rollback(const Store *s);

/* The schema version that added business_hours_downtime_per_year_s, longest_outage_s and
 * yearly_longest_outage_s (replications) and the interval's method (summaries), with the
 * pooled outage figures (README, JSON). It was the newest when written; if versions
 * are renumbered, this is the version migrate_pooled_outages() leads to. */
/* The schema versions that brought a change readers of older files must know about. */
#define STORE_VERSION_SPAN_CAUSE 4     /* update_spans.cause */
#define STORE_VERSION_POOLED_OUTAGES 5 /* pooled outage figures, summaries.method */
#define STORE_VERSION_SHARDS 7         /* shard tables, runs.partial and sweeps.partial */

/* The microseconds of a stored time in seconds, as every loader reads them. */
gint64 store_seconds_to_us(double seconds);

/* The pooled outage summaries (run_pool_outages) of stored run @run, from its rows in
 * `outages`: what run_result_summarize() gives that run once loaded, so a database that
 * predates them reads (and is upgraded to) the same figures. Returns: FALSE with @error. */
gboolean store_pool_run_outages(const Store *s, gint64 run, guint64 seed, guint replications,
                                StatsSummary *mean, StatsSummary *p95, StatsSummary *longest,
                                GError **error);

/* sim/store_migrate.c: the schema's versions. */

/* Reads the file's schema version (PRAGMA user_version) without writing anything, and
 * refuses what zdsim must not touch: another program's database, or a version this zdsim
 * does not know. Returns: TRUE with *@out_version (0 for an empty new file, else 1 to
 * STORE_SCHEMA_VERSION); FALSE with @error (STORE_ERROR) naming the file. */
gboolean store_migrate_check(const Store *s, int *out_version, GError **error);

/* Brings the file up to STORE_SCHEMA_VERSION in one transaction, checking the version again
 * under the write lock (another process may have moved it). Returns: FALSE with @error, the
 * file then unchanged. */
gboolean store_migrate_upgrade(Store *s, GError **error);

G_END_DECLS
