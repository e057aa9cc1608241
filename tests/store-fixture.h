/* store-fixture.h: what the tests of a database's contents share (test-store.c, test-cli.c): a
 * small scenario to store, SQLite opened directly (around the store, so that a test sees what
 * is really in the file), and the check that every stored run is whole. Header-only; the
 * functions are static inline so that a test file uses what it needs. */
#pragma once

#include <sqlite3.h>

#include "zdsim/run.h"

/* A small scenario: a month of the default Mendix app. */
G_GNUC_UNUSED static const char quick_ini[] = "[scenario]\n"
                                              "name = quick\n"
                                              "horizon = 30d\n"
                                              "replications = 6\n"
                                              "seed = 4\n"
                                              "\n"
                                              "[app]\n"
                                              "instances = 1\n"
                                              "\n"
                                              "[policy]\n"
                                              "evacuation = stop-start\n";

static inline sqlite3 *
raw_open(const char *path)
{
  sqlite3 *db = NULL;
  g_assert_cmpint(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
                  ==, SQLITE_OK);
  sqlite3_busy_timeout(db, 10000);
  return db;
}

static inline void
raw_exec(sqlite3 *db, const char *sql)
{
  int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    g_test_message("%s: %s", sql, sqlite3_errmsg(db));
  g_assert_cmpint(rc, ==, SQLITE_OK);
}

/* The first column of the first row of @sql (with ?1 bound to @arg when @arg >= 0). */
static inline gint64
raw_int(sqlite3 *db, const char *sql, gint64 arg)
{
  sqlite3_stmt *st = NULL;
  g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &st, NULL), ==, SQLITE_OK);
  if (arg >= 0)
    sqlite3_bind_int64(st, 1, arg);
  g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
  gint64 v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

static inline char *
raw_text(sqlite3 *db, const char *sql)
{
  sqlite3_stmt *st = NULL;
  g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &st, NULL), ==, SQLITE_OK);
  g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
  char *v = g_strdup((const char *) sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  return v;
}

/* Every stored run is whole: all its per-replication values and summaries; and the database
 * passes SQLite's integrity check. Returns the number of runs. */
static inline gint64
assert_whole(const char *path)
{
  sqlite3 *db = raw_open(path);
  g_autofree char *check = raw_text(db, "PRAGMA integrity_check");
  g_assert_cmpstr(check, ==, "ok");
  g_assert_cmpint(raw_int(db, "SELECT count(*) FROM pragma_foreign_key_check", -1), ==, 0);
  gint64 runs = raw_int(db, "SELECT count(*) FROM runs", -1);
  g_autofree char *sql = g_strdup_printf(
      "SELECT count(*) FROM runs r WHERE "
      "(SELECT count(*) FROM metrics m WHERE m.run = r.id) != r.replications * %d "
      "OR (SELECT count(*) FROM downtime_by_cause c WHERE c.run = r.id) != r.replications * %d "
      "OR (SELECT count(*) FROM summaries s WHERE s.run = r.id) != %d "
      "OR (SELECT count(*) FROM outages o WHERE o.run = r.id) = 0 "
      "   AND (SELECT sum(value) FROM metrics m WHERE m.run = r.id "
      "        AND m.metric = 'outages_per_year') > 0",
      RUN_METRIC_COUNT, CAUSE_COUNT, RUN_METRIC_COUNT + CAUSE_COUNT);
  g_assert_cmpint(raw_int(db, sql, -1), ==, 0);
  sqlite3_close(db);
  return runs;
}
