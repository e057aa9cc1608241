/* store_migrate.c: the run store's schema versions: the migration of each version, the
 * check of what a file says it is before anything touches it, and the upgrade of a file in
 * one transaction. Not for reading or writing runs (store.c). */
#include "store-internal.h"
#include "zdsim/version.h"

/* Version 1. tests/data/store-v1.sql holds what a version-1 database contains; a change here
 * is a new version with its own migration, never an edit of this one. */
static gboolean
migrate_to_v1(Store *s, GError **error)
{
  static const char sql[] =
      "CREATE TABLE sweeps ("
      "  id INTEGER PRIMARY KEY,"
      "  kind TEXT NOT NULL CHECK (kind IN ('sweep', 'recommend')),"
      "  scenario TEXT NOT NULL,"
      "  path TEXT NOT NULL,"
      "  scenario_text TEXT NOT NULL,"
      "  scenario_sha256 TEXT NOT NULL,"
      "  overrides TEXT NOT NULL,"
      "  axes TEXT NOT NULL,"
      "  created TEXT NOT NULL,"
      "  version TEXT NOT NULL"
      ");"
      "CREATE TABLE runs ("
      "  id INTEGER PRIMARY KEY,"
      "  created TEXT NOT NULL,"
      "  scenario TEXT NOT NULL,"
      "  path TEXT NOT NULL,"
      "  scenario_text TEXT NOT NULL,"
      "  scenario_sha256 TEXT NOT NULL,"
      "  overrides TEXT NOT NULL,"
      "  seed INTEGER NOT NULL,"
      "  replications INTEGER NOT NULL CHECK (replications >= 1),"
      "  policy TEXT NOT NULL,"
      "  instances INTEGER NOT NULL,"
      "  horizon_s REAL NOT NULL,"
      "  version TEXT NOT NULL,"
      "  events INTEGER NOT NULL,"
      "  updates INTEGER NOT NULL,"
      "  wall_s REAL NOT NULL,"
      "  sweep_id INTEGER REFERENCES sweeps (id) ON DELETE CASCADE,"
      "  point TEXT"
      ");"
      "CREATE INDEX runs_by_scenario ON runs (scenario, id);"
      "CREATE INDEX runs_by_sweep ON runs (sweep_id, id);"
      "CREATE TABLE metrics ("
      "  run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
      "  replication INTEGER NOT NULL,"
      "  metric TEXT NOT NULL,"
      "  value REAL,"
      "  PRIMARY KEY (run, metric, replication)"
      ") WITHOUT ROWID;"
      "CREATE TABLE downtime_by_cause ("
      "  run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
      "  replication INTEGER NOT NULL,"
      "  cause TEXT NOT NULL,"
      "  seconds_per_year REAL,"
      "  PRIMARY KEY (run, cause, replication)"
      ") WITHOUT ROWID;"
      "CREATE TABLE summaries ("
      "  run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
      "  metric TEXT NOT NULL,"
      "  mean REAL,"
      "  sd REAL,"
      "  lo REAL,"
      "  hi REAL,"
      "  PRIMARY KEY (run, metric)"
      ") WITHOUT ROWID;"
      "CREATE TABLE outages ("
      "  run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
      "  replication INTEGER NOT NULL,"
      "  seq INTEGER NOT NULL,"
      "  start_s REAL NOT NULL,"
      "  end_s REAL NOT NULL,"
      "  cause TEXT NOT NULL,"
      "  PRIMARY KEY (run, replication, seq)"
      ") WITHOUT ROWID;"
      "CREATE TABLE timeline ("
      "  run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
      "  seq INTEGER NOT NULL,"
      "  t_s REAL NOT NULL,"
      "  serving INTEGER NOT NULL,"
      "  starting INTEGER NOT NULL,"
      "  containers INTEGER NOT NULL,"
      "  db_up INTEGER NOT NULL,"
      "  PRIMARY KEY (run, seq)"
      ") WITHOUT ROWID;"
      "CREATE TABLE update_spans ("
      "  run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
      "  seq INTEGER NOT NULL,"
      "  start_s REAL NOT NULL,"
      "  end_s REAL NOT NULL,"
      "  PRIMARY KEY (run, seq)"
      ") WITHOUT ROWID;";
  return store_exec(s, sql, "cannot create the version-1 tables", error);
}

/* Version 2 (issue 8: storing took 14 % of a 1,000-replication run, most of it spent on
 * 22,000 one-value rows): one row per replication in `replications`, a column per metric named
 * as in the JSON, and one per cause named "downtime_by_cause_s.CAUSE" as in `summaries` and
 * --csv; the values of version 1's `metrics` and `downtime_by_cause` move there. Those two
 * names become views with version 1's columns, so that queries written for version 1 still
 * work. Like migrate_to_v1 this is the record of its version: a change is a version 3 with
 * its own migration, never an edit here. */
static gboolean
migrate_to_v2(Store *s, GError **error)
{
  static const char create[] =
      "CREATE TABLE replications ("
      "  run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
      "  replication INTEGER NOT NULL,"
      "  availability REAL,"
      "  request_availability REAL,"
      "  business_hours_availability REAL,"
      "  capacity_availability REAL,"
      "  reported_availability REAL,"
      "  downtime_per_year_s REAL,"
      "  downtime_outside_portal_window_per_year_s REAL,"
      "  outages_per_year REAL,"
      "  mean_outage_s REAL,"
      "  max_outage_s REAL,"
      "  outage_p95_s REAL,"
      "  zero_instance_time_per_year_s REAL,"
      "  evacuations_per_year REAL,"
      "  crashes_per_year REAL,"
      "  instance_hours_per_year REAL,"
      "  \"downtime_by_cause_s.platform-update\" REAL,"
      "  \"downtime_by_cause_s.crash\" REAL,"
      "  \"downtime_by_cause_s.db-maintenance\" REAL,"
      "  \"downtime_by_cause_s.db-failure\" REAL,"
      "  \"downtime_by_cause_s.environment-maintenance\" REAL,"
      "  \"downtime_by_cause_s.action\" REAL,"
      "  \"downtime_by_cause_s.capacity\" REAL,"
      "  PRIMARY KEY (run, replication)"
      ") WITHOUT ROWID;";
  /* Version 1 took rows of any name (a load skipped the ones it did not know); the new table
   * has columns for this version's names only. Refuse rather than lose a value. */
  static const char unknown[] =
      "SELECT name FROM (SELECT metric AS name FROM metrics"
      "  UNION SELECT 'downtime_by_cause_s.' || cause FROM downtime_by_cause)"
      " WHERE name NOT IN (SELECT name FROM pragma_table_info('replications') WHERE cid >= 2)"
      " LIMIT 1";
  static const char move[] =
      /* Every (run, replication) of either version-1 table; a value it lacked stays NULL (read
       * back as NaN, as NULL always was). Each subquery is one seek in the primary key. */
      "INSERT INTO replications SELECT k.run, k.replication,"
      "  (SELECT value FROM metrics v WHERE v.run = k.run AND v.replication = k.replication"
      "   AND v.metric = 'availability'),"
      "  (SELECT value FROM metrics v WHERE v.run = k.run AND v.replication = k.replication"
      "   AND v.metric = 'request_availability'),"
      "  (SELECT value FROM metrics v WHERE v.run = k.run AND v.replication = k.replication"
      "   AND v.metric = 'business_hours_availability'),"
      "  (SELECT value FROM metrics v WHERE v.run = k.run AND v.replication = k.replication"
      "   AND v.metric = 'capacity_availability'),"
      "  (SELECT value FROM metrics v WHERE v.run = k.run AND v.replication = k.replication"
      "   AND v.metric = 'reported_availability'),"
      "  (SELECT value FROM metrics v WHERE v.run = k.run AND v.replication = k.replication"
      "   AND v.metric = 'downtime_per_year_s'),"
      "  (SELECT value FROM metrics v WHERE v.run = k.run AND v.replication = k.replication"
      "   AND v.metric = 'downtime_outside_portal_window_per_year_s'),"
      "  (SELECT value FROM metrics v WHERE v.run = k.run AND v.replication = k.replication"
      "   AND v.metric = 'outages_per_year'),"
      "  (SELECT value FROM metrics v WHERE v.run = k.run AND v.replication = k.replication"
      "   AND v.metric = 'mean_outage_s'),"
      "  (SELECT value FROM metrics v WHERE v.run = k.run AND v.replication = k.replication"
      "   AND v.metric = 'max_outage_s'),"
      "  (SELECT value FROM metrics v WHERE v.run = k.run AND v.replication = k.replication"
      "   AND v.metric = 'outage_p95_s'),"
      "  (SELECT value FROM metrics v WHERE v.run = k.run AND v.replication = k.replication"
      "   AND v.metric = 'zero_instance_time_per_year_s'),"
      "  (SELECT value FROM metrics v WHERE v.run = k.run AND v.replication = k.replication"
      "   AND v.metric = 'evacuations_per_year'),"
      "  (SELECT value FROM metrics v WHERE v.run = k.run AND v.replication = k.replication"
      "   AND v.metric = 'crashes_per_year'),"
      "  (SELECT value FROM metrics v WHERE v.run = k.run AND v.replication = k.replication"
      "   AND v.metric = 'instance_hours_per_year'),"
      "  (SELECT seconds_per_year FROM downtime_by_cause v WHERE v.run = k.run"
      "   AND v.replication = k.replication AND v.cause = 'platform-update'),"
      "  (SELECT seconds_per_year FROM downtime_by_cause v WHERE v.run = k.run"
      "   AND v.replication = k.replication AND v.cause = 'crash'),"
      "  (SELECT seconds_per_year FROM downtime_by_cause v WHERE v.run = k.run"
      "   AND v.replication = k.replication AND v.cause = 'db-maintenance'),"
      "  (SELECT seconds_per_year FROM downtime_by_cause v WHERE v.run = k.run"
      "   AND v.replication = k.replication AND v.cause = 'db-failure'),"
      "  (SELECT seconds_per_year FROM downtime_by_cause v WHERE v.run = k.run"
      "   AND v.replication = k.replication AND v.cause = 'environment-maintenance'),"
      "  (SELECT seconds_per_year FROM downtime_by_cause v WHERE v.run = k.run"
      "   AND v.replication = k.replication AND v.cause = 'action'),"
      "  (SELECT seconds_per_year FROM downtime_by_cause v WHERE v.run = k.run"
      "   AND v.replication = k.replication AND v.cause = 'capacity')"
      "  FROM (SELECT run, replication FROM metrics"
      "        UNION SELECT run, replication FROM downtime_by_cause) k"
      "  ORDER BY k.run, k.replication;"
      "DROP TABLE metrics;"
      "DROP TABLE downtime_by_cause;"
      "CREATE VIEW metrics (run, replication, metric, value) AS"
      "  SELECT run, replication, 'availability',"
      "    availability FROM replications UNION ALL"
      "  SELECT run, replication, 'request_availability',"
      "    request_availability FROM replications UNION ALL"
      "  SELECT run, replication, 'business_hours_availability',"
      "    business_hours_availability FROM replications UNION ALL"
      "  SELECT run, replication, 'capacity_availability',"
      "    capacity_availability FROM replications UNION ALL"
      "  SELECT run, replication, 'reported_availability',"
      "    reported_availability FROM replications UNION ALL"
      "  SELECT run, replication, 'downtime_per_year_s',"
      "    downtime_per_year_s FROM replications UNION ALL"
      "  SELECT run, replication, 'downtime_outside_portal_window_per_year_s',"
      "    downtime_outside_portal_window_per_year_s FROM replications UNION ALL"
      "  SELECT run, replication, 'outages_per_year',"
      "    outages_per_year FROM replications UNION ALL"
      "  SELECT run, replication, 'mean_outage_s',"
      "    mean_outage_s FROM replications UNION ALL"
      "  SELECT run, replication, 'max_outage_s',"
      "    max_outage_s FROM replications UNION ALL"
      "  SELECT run, replication, 'outage_p95_s', outage_p95_s FROM replications UNION ALL"
      "  SELECT run, replication, 'zero_instance_time_per_year_s',"
      "    zero_instance_time_per_year_s FROM replications UNION ALL"
      "  SELECT run, replication, 'evacuations_per_year',"
      "    evacuations_per_year FROM replications UNION ALL"
      "  SELECT run, replication, 'crashes_per_year',"
      "    crashes_per_year FROM replications UNION ALL"
      "  SELECT run, replication, 'instance_hours_per_year',"
      "    instance_hours_per_year FROM replications;"
      "CREATE VIEW downtime_by_cause (run, replication, cause, seconds_per_year) AS"
      "  SELECT run, replication, 'platform-update',"
      "    \"downtime_by_cause_s.platform-update\" FROM replications UNION ALL"
      "  SELECT run, replication, 'crash',"
      "    \"downtime_by_cause_s.crash\" FROM replications UNION ALL"
      "  SELECT run, replication, 'db-maintenance',"
      "    \"downtime_by_cause_s.db-maintenance\" FROM replications UNION ALL"
      "  SELECT run, replication, 'db-failure',"
      "    \"downtime_by_cause_s.db-failure\" FROM replications UNION ALL"
      "  SELECT run, replication, 'environment-maintenance',"
      "    \"downtime_by_cause_s.environment-maintenance\" FROM replications UNION ALL"
      "  SELECT run, replication, 'action',"
      "    \"downtime_by_cause_s.action\" FROM replications UNION ALL"
      "  SELECT run, replication, 'capacity',"
      "    \"downtime_by_cause_s.capacity\" FROM replications;";
  if (!store_exec(s, create, "cannot create the version-2 table", error))
    return FALSE;
  g_autoptr(sqlite3_stmt) st = store_prepare(s, unknown, error);
  if (st == NULL)
    return FALSE;
  int rc = store_step(s, st, "cannot read the version-1 values", error);
  if (rc < 0)
    return FALSE;
  if (rc == SQLITE_ROW) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_FAILED,
                "%s: holds per-replication values named \"%s\", which this zdsim does not "
                "know and could not keep; the file stays at version 1 (use the zdsim that "
                "wrote them, or another file with --db or ZDSIM_DB)",
                s->path, (const char *) sqlite3_column_text(st, 0));
    return FALSE;
  }
  g_clear_pointer(&st, sqlite3_finalize); /* no statement may read a table being dropped */
  return store_exec(s, move, "cannot move the per-replication values to the version-2 table",
                    error);
}

/* Version 3 (model v2): every downtime second has exactly one cause, and four
 * causes are new: platform-restart (infrastructure maintenance), cell-failure,
 * db-engine-upgrade and deploy. Capacity shortfall is no longer a cause but a metric of its
 * own, capacity_shortfall_per_year_s, beside tenant_slot_wait_per_year_s. Runs
 * stored before have NULL in the new columns (read back as NaN: those runs did not tell the
 * causes apart); their "downtime_by_cause_s.capacity" column stays, unread by this zdsim and
 * out of the causes' view. The version-1 views list the new names too. */
static gboolean
migrate_to_v3(Store *s, GError **error)
{
  static const char sql[] =
      "ALTER TABLE replications ADD COLUMN \"downtime_by_cause_s.platform-restart\" REAL;"
      "ALTER TABLE replications ADD COLUMN \"downtime_by_cause_s.cell-failure\" REAL;"
      "ALTER TABLE replications ADD COLUMN \"downtime_by_cause_s.db-engine-upgrade\" REAL;"
      "ALTER TABLE replications ADD COLUMN \"downtime_by_cause_s.deploy\" REAL;"
      "ALTER TABLE replications ADD COLUMN capacity_shortfall_per_year_s REAL;"
      "ALTER TABLE replications ADD COLUMN tenant_slot_wait_per_year_s REAL;"
      "DROP VIEW metrics;"
      "CREATE VIEW metrics (run, replication, metric, value) AS"
      "  SELECT run, replication, 'availability',"
      "    availability FROM replications UNION ALL"
      "  SELECT run, replication, 'request_availability',"
      "    request_availability FROM replications UNION ALL"
      "  SELECT run, replication, 'business_hours_availability',"
      "    business_hours_availability FROM replications UNION ALL"
      "  SELECT run, replication, 'capacity_availability',"
      "    capacity_availability FROM replications UNION ALL"
      "  SELECT run, replication, 'reported_availability',"
      "    reported_availability FROM replications UNION ALL"
      "  SELECT run, replication, 'downtime_per_year_s',"
      "    downtime_per_year_s FROM replications UNION ALL"
      "  SELECT run, replication, 'downtime_outside_portal_window_per_year_s',"
      "    downtime_outside_portal_window_per_year_s FROM replications UNION ALL"
      "  SELECT run, replication, 'outages_per_year',"
      "    outages_per_year FROM replications UNION ALL"
      "  SELECT run, replication, 'mean_outage_s',"
      "    mean_outage_s FROM replications UNION ALL"
      "  SELECT run, replication, 'max_outage_s',"
      "    max_outage_s FROM replications UNION ALL"
      "  SELECT run, replication, 'outage_p95_s', outage_p95_s FROM replications UNION ALL"
      "  SELECT run, replication, 'zero_instance_time_per_year_s',"
      "    zero_instance_time_per_year_s FROM replications UNION ALL"
      "  SELECT run, replication, 'evacuations_per_year',"
      "    evacuations_per_year FROM replications UNION ALL"
      "  SELECT run, replication, 'crashes_per_year',"
      "    crashes_per_year FROM replications UNION ALL"
      "  SELECT run, replication, 'instance_hours_per_year',"
      "    instance_hours_per_year FROM replications UNION ALL"
      "  SELECT run, replication, 'capacity_shortfall_per_year_s',"
      "    capacity_shortfall_per_year_s FROM replications UNION ALL"
      "  SELECT run, replication, 'tenant_slot_wait_per_year_s',"
      "    tenant_slot_wait_per_year_s FROM replications;"
      "DROP VIEW downtime_by_cause;"
      "CREATE VIEW downtime_by_cause (run, replication, cause, seconds_per_year) AS"
      "  SELECT run, replication, 'platform-update',"
      "    \"downtime_by_cause_s.platform-update\" FROM replications UNION ALL"
      "  SELECT run, replication, 'platform-restart',"
      "    \"downtime_by_cause_s.platform-restart\" FROM replications UNION ALL"
      "  SELECT run, replication, 'crash',"
      "    \"downtime_by_cause_s.crash\" FROM replications UNION ALL"
      "  SELECT run, replication, 'cell-failure',"
      "    \"downtime_by_cause_s.cell-failure\" FROM replications UNION ALL"
      "  SELECT run, replication, 'db-maintenance',"
      "    \"downtime_by_cause_s.db-maintenance\" FROM replications UNION ALL"
      "  SELECT run, replication, 'db-engine-upgrade',"
      "    \"downtime_by_cause_s.db-engine-upgrade\" FROM replications UNION ALL"
      "  SELECT run, replication, 'db-failure',"
      "    \"downtime_by_cause_s.db-failure\" FROM replications UNION ALL"
      "  SELECT run, replication, 'environment-maintenance',"
      "    \"downtime_by_cause_s.environment-maintenance\" FROM replications UNION ALL"
      "  SELECT run, replication, 'deploy',"
      "    \"downtime_by_cause_s.deploy\" FROM replications UNION ALL"
      "  SELECT run, replication, 'action',"
      "    \"downtime_by_cause_s.action\" FROM replications;";
  return store_exec(s, sql, "cannot add the version-3 causes and metrics", error);
}

/* Version 4 (model v2): the spans of platform work hold infrastructure restarts beside the
 * platform updates, so each says which it is; the spans stored before were all updates. */
static gboolean
migrate_to_v4(Store *s, GError **error)
{
  static const char sql[] =
      "ALTER TABLE update_spans ADD COLUMN cause TEXT NOT NULL DEFAULT 'platform-update';";
  return store_exec(s, sql, "cannot add the version-4 column", error);
}

/* Version 5 (README, JSON): outage lengths are pooled over the replications, every
 * interval names its method, and business-hours downtime is a metric.
 * - replications: business_hours_downtime_per_year_s (NULL for runs stored before: their
 *   business time was not stored, so it reads as NaN), longest_outage_s (a replication's
 *   longest outage: max_outage_s under its new name, copied) and yearly_longest_outage_s
 *   (the mean over 365-day blocks of each block's longest: max_outage_s when the run's
 *   horizon is at most 365 days, since its measured time is then one block; NULL, read as
 *   NaN, otherwise, since the blocks start at a warm-up the runs table does not hold). The
 *   max_outage_s column stays, unread, as version 3's capacity column does.
 * - summaries: a method column; the rows stored before were all Student t ("t"). The rows
 *   of mean_outage_s and outage_p95_s (means over replications before) are replaced by the
 *   pooled figures computed from the run's outages, longest_outage_s is added likewise, and
 *   max_outage_s's row becomes yearly_longest_outage_s's where the horizon is one block (it
 *   was the mean over replications of their longest) and goes otherwise.
 * - the metrics view lists the metrics of this version. */
static gboolean
migrate_pooled_outages(Store *s, GError **error)
{
  g_autofree char *sql = g_strdup_printf(
      "ALTER TABLE replications ADD COLUMN business_hours_downtime_per_year_s REAL;"
      "ALTER TABLE replications ADD COLUMN longest_outage_s REAL;"
      "ALTER TABLE replications ADD COLUMN yearly_longest_outage_s REAL;"
      "UPDATE replications SET longest_outage_s = max_outage_s,"
      "  yearly_longest_outage_s = CASE WHEN"
      "    (SELECT horizon_s FROM runs WHERE runs.id = replications.run) <= %.1f"
      "    THEN max_outage_s END;"
      "ALTER TABLE summaries ADD COLUMN method TEXT NOT NULL DEFAULT 't';"
      "UPDATE summaries SET metric = 'yearly_longest_outage_s' WHERE metric = 'max_outage_s'"
      "  AND (SELECT horizon_s FROM runs WHERE runs.id = summaries.run) <= %.1f;"
      "DELETE FROM summaries"
      "  WHERE metric IN ('max_outage_s', 'mean_outage_s', 'outage_p95_s');"
      "DROP VIEW metrics;"
      "CREATE VIEW metrics (run, replication, metric, value) AS"
      "  SELECT run, replication, 'availability',"
      "    availability FROM replications UNION ALL"
      "  SELECT run, replication, 'request_availability',"
      "    request_availability FROM replications UNION ALL"
      "  SELECT run, replication, 'business_hours_availability',"
      "    business_hours_availability FROM replications UNION ALL"
      "  SELECT run, replication, 'capacity_availability',"
      "    capacity_availability FROM replications UNION ALL"
      "  SELECT run, replication, 'reported_availability',"
      "    reported_availability FROM replications UNION ALL"
      "  SELECT run, replication, 'downtime_per_year_s',"
      "    downtime_per_year_s FROM replications UNION ALL"
      "  SELECT run, replication, 'downtime_outside_portal_window_per_year_s',"
      "    downtime_outside_portal_window_per_year_s FROM replications UNION ALL"
      "  SELECT run, replication, 'business_hours_downtime_per_year_s',"
      "    business_hours_downtime_per_year_s FROM replications UNION ALL"
      "  SELECT run, replication, 'outages_per_year',"
      "    outages_per_year FROM replications UNION ALL"
      "  SELECT run, replication, 'mean_outage_s',"
      "    mean_outage_s FROM replications UNION ALL"
      "  SELECT run, replication, 'longest_outage_s',"
      "    longest_outage_s FROM replications UNION ALL"
      "  SELECT run, replication, 'yearly_longest_outage_s',"
      "    yearly_longest_outage_s FROM replications UNION ALL"
      "  SELECT run, replication, 'outage_p95_s',"
      "    outage_p95_s FROM replications UNION ALL"
      "  SELECT run, replication, 'zero_instance_time_per_year_s',"
      "    zero_instance_time_per_year_s FROM replications UNION ALL"
      "  SELECT run, replication, 'evacuations_per_year',"
      "    evacuations_per_year FROM replications UNION ALL"
      "  SELECT run, replication, 'crashes_per_year',"
      "    crashes_per_year FROM replications UNION ALL"
      "  SELECT run, replication, 'instance_hours_per_year',"
      "    instance_hours_per_year FROM replications UNION ALL"
      "  SELECT run, replication, 'capacity_shortfall_per_year_s',"
      "    capacity_shortfall_per_year_s FROM replications UNION ALL"
      "  SELECT run, replication, 'tenant_slot_wait_per_year_s',"
      "    tenant_slot_wait_per_year_s FROM replications;"
      , RUN_YEAR_S, RUN_YEAR_S);
  if (!store_exec(s, sql, "cannot add the version-5 metrics", error))
    return FALSE;

  /* The pooled figures of every stored run, computed as a loaded run's are. */
  g_autoptr(sqlite3_stmt) runs =
      store_prepare(s, "SELECT id, seed, replications FROM runs ORDER BY id", error);
  g_autoptr(sqlite3_stmt) ins = store_prepare(
      s,
      "INSERT INTO summaries (run, metric, mean, sd, lo, hi, method) VALUES "
      "(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
      error);
  if (runs == NULL || ins == NULL)
    return FALSE;
  int rc;
  while ((rc = store_step(s, runs, "cannot read the runs", error)) == SQLITE_ROW) {
    gint64 id = sqlite3_column_int64(runs, 0);
    guint64 seed = (guint64) sqlite3_column_int64(runs, 1);
    guint replications = (guint) sqlite3_column_int64(runs, 2);
    StatsSummary sum[3];
    if (!store_pool_run_outages(s, id, seed, replications, &sum[0], &sum[1], &sum[2], error))
      return FALSE;
    const RunMetric metric[3] = { RUN_MEAN_OUTAGE, RUN_OUTAGE_P95, RUN_LONGEST_OUTAGE };
    for (guint i = 0; i < 3; i++) {
      sqlite3_reset(ins);
      int b = sqlite3_bind_int64(ins, 1, id);
      if (b == SQLITE_OK)
        b = sqlite3_bind_text(ins, 2, run_metric_name(metric[i]), -1, SQLITE_STATIC);
      if (b == SQLITE_OK)
        b = sqlite3_bind_double(ins, 3, sum[i].mean);
      if (b == SQLITE_OK)
        b = sqlite3_bind_double(ins, 4, sum[i].sd);
      if (b == SQLITE_OK)
        b = sqlite3_bind_double(ins, 5, sum[i].lo);
      if (b == SQLITE_OK)
        b = sqlite3_bind_double(ins, 6, sum[i].hi);
      if (b == SQLITE_OK)
        b = sqlite3_bind_text(ins, 7, stats_method_name(sum[i].method), -1, SQLITE_STATIC);
      if (b != SQLITE_OK)
        return store_fail(s, error, "cannot store a pooled outage summary");
      if (store_step(s, ins, "cannot store a pooled outage summary", error) < 0)
        return FALSE;
    }
  }
  return rc == SQLITE_DONE;
}

/* Version 6: the results of zdsim explain and zdsim sensitivity (store_analysis.h), each the
 * JSON document the command prints, with the scenario it ran. New tables only: nothing that
 * was stored changes. */
static gboolean
migrate_analyses(Store *s, GError **error)
{
  static const char sql[] =
      "CREATE TABLE explains ("
      "  id INTEGER PRIMARY KEY,"
      "  created TEXT NOT NULL,"
      "  scenario TEXT NOT NULL,"
      "  path TEXT NOT NULL,"
      "  scenario_text TEXT NOT NULL,"
      "  scenario_sha256 TEXT NOT NULL,"
      "  overrides TEXT NOT NULL,"
      "  seed INTEGER NOT NULL,"
      "  replications INTEGER NOT NULL CHECK (replications >= 1),"
      "  metric TEXT NOT NULL,"
      "  target REAL,"
      "  version TEXT NOT NULL,"
      "  result TEXT NOT NULL"
      ");"
      "CREATE TABLE sensitivities ("
      "  id INTEGER PRIMARY KEY,"
      "  created TEXT NOT NULL,"
      "  scenario TEXT NOT NULL,"
      "  path TEXT NOT NULL,"
      "  scenario_text TEXT NOT NULL,"
      "  scenario_sha256 TEXT NOT NULL,"
      "  overrides TEXT NOT NULL,"
      "  seed INTEGER NOT NULL,"
      "  replications INTEGER NOT NULL CHECK (replications >= 1),"
      "  metric TEXT NOT NULL,"
      "  target REAL,"
      "  version TEXT NOT NULL,"
      "  result TEXT NOT NULL"
      ");";
  return store_exec(s, sql, "cannot add the explain and sensitivity tables", error);
}

/* Version 7 (issue 17, sharded sweeps; README, "Sweeps across machines"): a shard database
 * holds one share of a run's or a sweep's work items (`zdsim sweep --shard K/N`), to be put
 * together by `zdsim merge`. `shards` records what must agree between the shards (scenario text,
 * overrides, seed, program version, N) and which K this one is; `shard_points` each point it
 * saw, with its first work item and how many of its replications the shard holds;
 * `shard_replications`, `shard_outages`, `shard_timeline` and `shard_update_spans` hold them,
 * in the columns of `replications`, `outages`, `timeline` and `update_spans`. A shard is
 * written in one transaction, so a killed shard leaves no row and the merge names it missing.
 * `partial` on sweeps and runs says what a `zdsim merge --partial` stored lacks (NULL when
 * whole). Self-contained: the lead may renumber it at a merge of branches. */
static gboolean
migrate_shards(Store *s, GError **error)
{
  static const char sql[] =
      "ALTER TABLE sweeps ADD COLUMN partial TEXT;"
      "ALTER TABLE runs ADD COLUMN partial TEXT;"
      "CREATE TABLE shards ("
      "  id INTEGER PRIMARY KEY,"
      "  kind TEXT NOT NULL CHECK (kind IN ('run', 'sweep')),"
      "  scenario TEXT NOT NULL,"
      "  path TEXT NOT NULL,"
      "  scenario_text TEXT NOT NULL,"
      "  scenario_sha256 TEXT NOT NULL,"
      "  overrides TEXT NOT NULL,"
      "  seed INTEGER NOT NULL,"
      "  version TEXT NOT NULL,"
      "  k INTEGER NOT NULL,"
      "  n INTEGER NOT NULL,"
      "  created TEXT NOT NULL,"
      "  CHECK (n >= 1 AND k >= 1 AND k <= n)"
      ");"
      "CREATE TABLE shard_points ("
      "  shard INTEGER NOT NULL REFERENCES shards (id) ON DELETE CASCADE,"
      "  point INTEGER NOT NULL,"
      "  overrides TEXT,"
      "  first_item INTEGER NOT NULL,"
      "  replications INTEGER NOT NULL,"
      "  held INTEGER NOT NULL,"
      "  events INTEGER NOT NULL,"
      "  updates INTEGER NOT NULL,"
      "  wall_s REAL NOT NULL,"
      "  PRIMARY KEY (shard, point)"
      ") WITHOUT ROWID;"
      "CREATE TABLE shard_replications ("
      "  shard INTEGER NOT NULL REFERENCES shards (id) ON DELETE CASCADE,"
      "  point INTEGER NOT NULL,"
      "  replication INTEGER NOT NULL,"
      "  availability REAL,"
      "  request_availability REAL,"
      "  business_hours_availability REAL,"
      "  capacity_availability REAL,"
      "  reported_availability REAL,"
      "  downtime_per_year_s REAL,"
      "  downtime_outside_portal_window_per_year_s REAL,"
      "  business_hours_downtime_per_year_s REAL,"
      "  outages_per_year REAL,"
      "  mean_outage_s REAL,"
      "  longest_outage_s REAL,"
      "  yearly_longest_outage_s REAL,"
      "  outage_p95_s REAL,"
      "  zero_instance_time_per_year_s REAL,"
      "  evacuations_per_year REAL,"
      "  crashes_per_year REAL,"
      "  instance_hours_per_year REAL,"
      "  capacity_shortfall_per_year_s REAL,"
      "  tenant_slot_wait_per_year_s REAL,"
      "  \"downtime_by_cause_s.platform-update\" REAL,"
      "  \"downtime_by_cause_s.platform-restart\" REAL,"
      "  \"downtime_by_cause_s.crash\" REAL,"
      "  \"downtime_by_cause_s.cell-failure\" REAL,"
      "  \"downtime_by_cause_s.db-maintenance\" REAL,"
      "  \"downtime_by_cause_s.db-engine-upgrade\" REAL,"
      "  \"downtime_by_cause_s.db-failure\" REAL,"
      "  \"downtime_by_cause_s.environment-maintenance\" REAL,"
      "  \"downtime_by_cause_s.deploy\" REAL,"
      "  \"downtime_by_cause_s.action\" REAL,"
      "  PRIMARY KEY (shard, point, replication)"
      ") WITHOUT ROWID;"
      "CREATE TABLE shard_outages ("
      "  shard INTEGER NOT NULL REFERENCES shards (id) ON DELETE CASCADE,"
      "  point INTEGER NOT NULL,"
      "  replication INTEGER NOT NULL,"
      "  seq INTEGER NOT NULL,"
      "  start_s REAL NOT NULL,"
      "  end_s REAL NOT NULL,"
      "  cause TEXT NOT NULL,"
      "  PRIMARY KEY (shard, point, replication, seq)"
      ") WITHOUT ROWID;"
      "CREATE TABLE shard_timeline ("
      "  shard INTEGER NOT NULL REFERENCES shards (id) ON DELETE CASCADE,"
      "  point INTEGER NOT NULL,"
      "  seq INTEGER NOT NULL,"
      "  t_s REAL NOT NULL,"
      "  serving INTEGER NOT NULL,"
      "  starting INTEGER NOT NULL,"
      "  containers INTEGER NOT NULL,"
      "  db_up INTEGER NOT NULL,"
      "  PRIMARY KEY (shard, point, seq)"
      ") WITHOUT ROWID;"
      "CREATE TABLE shard_update_spans ("
      "  shard INTEGER NOT NULL REFERENCES shards (id) ON DELETE CASCADE,"
      "  point INTEGER NOT NULL,"
      "  seq INTEGER NOT NULL,"
      "  start_s REAL NOT NULL,"
      "  end_s REAL NOT NULL,"
      "  cause TEXT NOT NULL DEFAULT 'platform-update',"
      "  PRIMARY KEY (shard, point, seq)"
      ") WITHOUT ROWID;";
  return store_exec(s, sql, "cannot create the shard tables", error);
}

typedef gboolean (*Migration)(Store *s, GError **error);

/* migrations[v] takes a database from version v to v + 1; a new database runs them all, so it
 * ends with exactly the schema of an upgraded one. */
static const Migration migrations[] = {
  migrate_to_v1,
  migrate_to_v2,
  migrate_to_v3,
  migrate_to_v4,
  migrate_pooled_outages,
  migrate_analyses,
  migrate_shards,
};
G_STATIC_ASSERT(G_N_ELEMENTS(migrations) == STORE_SCHEMA_VERSION);

static gboolean
too_new(const Store *s, int version, GError **error)
{
  g_set_error(error, STORE_ERROR, STORE_ERROR_TOO_NEW,
              "%s: written by a newer zdsim (schema version %d; this zdsim %s knows versions up "
              "to %d); use that zdsim, or another file with --db or ZDSIM_DB",
              s->path, version, ZDSIM_VERSION, STORE_SCHEMA_VERSION);
  return FALSE;
}

/* What the file says it is. */
typedef struct {
  int version;  /* PRAGMA user_version */
  int app_id;   /* PRAGMA application_id */
  int tables;   /* entries in sqlite_master */
} Header;

/* Reads the header in one statement, so the three agree even while another process creates
 * the schema. A file that is not a database fails here, before anything is written. */
static gboolean
read_header(const Store *s, Header *h, GError **error)
{
  g_autoptr(sqlite3_stmt) st = store_prepare(
      s,
      "SELECT (SELECT user_version FROM pragma_user_version), "
      "(SELECT application_id FROM pragma_application_id), "
      "(SELECT count(*) FROM sqlite_master)",
      error);
  if (st == NULL)
    return FALSE;
  if (store_step(s, st, "cannot read the schema version", error) != SQLITE_ROW)
    return FALSE;
  h->version = sqlite3_column_int(st, 0);
  h->app_id = sqlite3_column_int(st, 1);
  h->tables = sqlite3_column_int(st, 2);
  return TRUE;
}

/* Refuses what zdsim must not touch: another program's database, a newer zdsim's, or a
 * version no zdsim writes (below 0: PRAGMA user_version takes any 32-bit number, and
 * migrations[] has no entry for it). */
static gboolean
check_header(const Store *s, const Header *h, GError **error)
{
  if (h->version != 0 && h->app_id != STORE_APPLICATION_ID) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_NOT_DATABASE,
                "%s: an SQLite database of another program (application_id %d, not zdsim's); "
                "choose another file with --db or ZDSIM_DB",
                s->path, h->app_id);
    return FALSE;
  }
  if (h->version == 0 && h->tables > 0) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_NOT_DATABASE,
                "%s: an SQLite database of another program (it has tables but no zdsim schema "
                "version); choose another file with --db or ZDSIM_DB",
                s->path);
    return FALSE;
  }
  if (h->version > STORE_SCHEMA_VERSION)
    return too_new(s, h->version, error);
  if (h->version < 0) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_NOT_DATABASE,
                "%s: unknown zdsim schema version %d (this zdsim %s knows versions 1 to %d, and "
                "no zdsim writes a version below 0); the file is left as it is: choose another "
                "file with --db or ZDSIM_DB",
                s->path, h->version, ZDSIM_VERSION, STORE_SCHEMA_VERSION);
    return FALSE;
  }
  return TRUE;
}

gboolean
store_migrate_upgrade(Store *s, GError **error)
{
  if (!store_exec(s, "BEGIN IMMEDIATE", "cannot start the schema upgrade", error))
    return FALSE;
  /* Read again under the write lock: another process may have created or upgraded the
   * schema since we looked. */
  Header h;
  if (!read_header(s, &h, error) || !check_header(s, &h, error)) {
    store_rollback(s);
    return FALSE;
  }
  int version = h.version;
  g_assert(version >= 0 && version <= STORE_SCHEMA_VERSION); /* check_header() */
  if (version < STORE_SCHEMA_VERSION) {
    for (int v = version; v < STORE_SCHEMA_VERSION; v++) {
      if (!migrations[v](s, error)) {
        store_rollback(s);
        g_prefix_error(error, "cannot upgrade the schema from version %d to %d: ", v, v + 1);
        return FALSE;
      }
    }
    /* PRAGMA takes no parameters; both numbers are this program's constants. */
    g_autofree char *set = g_strdup_printf("PRAGMA application_id = %d; PRAGMA user_version = %d",
                                           STORE_APPLICATION_ID, STORE_SCHEMA_VERSION);
    if (!store_exec(s, set, "cannot record the schema version", error)) {
      store_rollback(s);
      return FALSE;
    }
  }
  if (!store_exec(s, "COMMIT", "cannot commit the schema upgrade", error)) {
    store_rollback(s);
    return FALSE;
  }
  return TRUE;
}

gboolean
store_migrate_check(const Store *s, int *out_version, GError **error)
{
  Header h;
  if (!read_header(s, &h, error) || !check_header(s, &h, error))
    return FALSE;
  *out_version = h.version;
  return TRUE;
}
