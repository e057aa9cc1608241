/* test-store.c: the run store (schema, migration from the version-1 fixture, a run saved and
 * read back equal, faults refused without touching the file), a sweep stored whole, and the
 * command line over one database: two writers at once, and a sweep killed with SIGKILL. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "zdsim/report.h"
#include "zdsim/run.h"
#include "zdsim/store.h"
#include "zdsim/sweep.h"

#include "store-fixture.h"

/* ---- helpers ---- */

/* A fresh temporary directory for one test's databases. */
/* g_ptr_array_sort comparator for arrays of strings. */
static gint
cmp_strings(gconstpointer a, gconstpointer b)
{
  return strcmp(*(const char *const *) a, *(const char *const *) b);
}

static char *
tmp_dir(void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp("zdsim-store-XXXXXX", &error);
  g_assert_no_error(error);
  return dir;
}

static void
rm_rf(const char *path)
{
  if (g_file_test(path, G_FILE_TEST_IS_DIR) && !g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
    g_chmod(path, 0700);
    GDir *dir = g_dir_open(path, 0, NULL);
    const char *name;
    while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
      g_autofree char *child = g_build_filename(path, name, NULL);
      rm_rf(child);
    }
    if (dir != NULL)
      g_dir_close(dir);
    g_rmdir(path);
  } else {
    g_unlink(path);
  }
}

static Scenario *
load_text(const char *text, const char *path, const char *const *overrides)
{
  g_autoptr(GError) error = NULL;
  Scenario *sc = scenario_load_data(text, strlen(text), path, overrides, &error);
  g_assert_no_error(error);
  g_assert_nonnull(sc);
  return sc;
}

static RunResult *
execute(const Scenario *sc, gboolean keep_timeline)
{
  RunOptions options = { .jobs = 2, .keep_timeline = keep_timeline };
  g_autoptr(GError) error = NULL;
  RunResult *r = run_execute(sc, &options, &error);
  g_assert_no_error(error);
  return r;
}

static Store *
open_store(const char *path)
{
  g_autoptr(GError) error = NULL;
  Store *store = store_open(path, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error(error);
  g_assert_nonnull(store);
  return store;
}

/* The schema as one string: every CREATE statement, whitespace removed (so that layout does
 * not matter), in name order. */
static char *
schema_of(const char *path)
{
  sqlite3 *db = raw_open(path);
  sqlite3_stmt *st = NULL;
  g_assert_cmpint(sqlite3_prepare_v2(db,
                                     "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL "
                                     "ORDER BY name",
                                     -1, &st, NULL),
                  ==, SQLITE_OK);
  GString *out = g_string_new(NULL);
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *sql = (const char *) sqlite3_column_text(st, 1);
    for (const char *p = sql; *p != '\0'; p++)
      if (!g_ascii_isspace(*p))
        g_string_append_c(out, *p);
    g_string_append_c(out, '\n');
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return g_string_free(out, FALSE);
}

static char *
read_file(const char *path)
{
  char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_file_get_contents(path, &text, NULL, &error);
  g_assert_no_error(error);
  return text;
}

static gboolean
same_doubles(const double *a, const double *b, gsize n)
{
  return memcmp(a, b, n * sizeof(double)) == 0;
}

/* mean, sd, lo and hi bit for bit, and n. */
static gboolean
same_summary(const StatsSummary *a, const StatsSummary *b)
{
  return same_doubles(&a->mean, &b->mean, 1) && same_doubles(&a->sd, &b->sd, 1) &&
         same_doubles(&a->lo, &b->lo, 1) && same_doubles(&a->hi, &b->hi, 1) && a->n == b->n &&
         a->method == b->method;
}

/* ---- the store itself ---- */

static void
test_schema(void)
{
  g_autofree char *dir = tmp_dir();
  g_autofree char *path = g_build_filename(dir, "new.db", NULL);
  {
    g_autoptr(Store) store = open_store(path);
    g_assert_cmpstr(store_get_path(store), ==, path);
  }
  sqlite3 *db = raw_open(path);
  g_assert_cmpint(raw_int(db, "PRAGMA user_version", -1), ==, STORE_SCHEMA_VERSION);
  g_assert_cmpint(raw_int(db, "PRAGMA application_id", -1), ==, STORE_APPLICATION_ID);
  g_autofree char *mode = raw_text(db, "PRAGMA journal_mode");
  g_assert_cmpstr(mode, ==, "wal");
  /* The tables and views of store.h, and nothing else. */
  static const struct {
    const char *name, *type;
  } objects[] = {
    { "runs", "table" },      { "sweeps", "table" },    { "replications", "table" },
    { "summaries", "table" }, { "outages", "table" },   { "timeline", "table" },
    { "update_spans", "table" }, { "metrics", "view" }, { "downtime_by_cause", "view" },
    /* store_analysis.h: explain and sensitivity results */
    { "explains", "table" },  { "sensitivities", "table" },
    /* the shards of `--shard K/N` until `zdsim merge` (schema version 7) */
    { "shards", "table" }, { "shard_points", "table" }, { "shard_replications", "table" },
    { "shard_outages", "table" }, { "shard_timeline", "table" },
    { "shard_update_spans", "table" },
  };
  sqlite3_stmt *st = NULL;
  g_assert_cmpint(sqlite3_prepare_v2(db, "SELECT type FROM sqlite_master WHERE name = ?1", -1,
                                     &st, NULL),
                  ==, SQLITE_OK);
  for (guint i = 0; i < G_N_ELEMENTS(objects); i++) {
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, objects[i].name, -1, SQLITE_STATIC);
    g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
    g_assert_cmpstr((const char *) sqlite3_column_text(st, 0), ==, objects[i].type);
  }
  sqlite3_finalize(st);
  g_assert_cmpint(raw_int(db,
                          "SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'view')",
                          -1),
                  ==, G_N_ELEMENTS(objects));

  /* replications has run, replication, then a column per metric under its JSON name and one
   * per cause under its summaries name. A migration adds columns at the end, so the causes
   * version 3 added come last: compare the names after the first two as sets. */
  g_assert_cmpint(sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info('replications') "
                                         "ORDER BY cid",
                                     -1, &st, NULL),
                  ==, SQLITE_OK);
  g_autoptr(GPtrArray) want = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(want, g_strdup("run"));
  g_ptr_array_add(want, g_strdup("replication"));
  for (guint m = 0; m < RUN_METRIC_COUNT; m++)
    g_ptr_array_add(want, g_strdup(run_metric_name(m)));
  for (guint c = 0; c < CAUSE_COUNT; c++)
    g_ptr_array_add(want, g_strconcat("downtime_by_cause_s.", model_cause_name(c), NULL));
  /* Schema 2's capacity "cause" keeps its column (runs stored before keep their values);
   * from schema 3 on it is no cause and nothing reads it. */
  g_ptr_array_add(want, g_strdup("downtime_by_cause_s.capacity"));
  /* Likewise max_outage_s, whose values moved to longest_outage_s when the outage figures
   * were pooled. */
  g_ptr_array_add(want, g_strdup("max_outage_s"));
  g_autoptr(GPtrArray) got = g_ptr_array_new_with_free_func(g_free);
  while (sqlite3_step(st) == SQLITE_ROW)
    g_ptr_array_add(got, g_strdup((const char *) sqlite3_column_text(st, 0)));
  g_assert_cmpuint(got->len, ==, want->len);
  g_ptr_array_sort(want, cmp_strings);
  g_ptr_array_sort(got, cmp_strings);
  for (guint n = 0; n < want->len; n++)
    g_assert_cmpstr(g_ptr_array_index(got, n), ==, g_ptr_array_index(want, n));
  sqlite3_finalize(st);
  sqlite3_close(db);

  /* Opening again changes nothing; read-only opens work; the store is empty. */
  g_autofree char *before = schema_of(path);
  g_autoptr(GError) error = NULL;
  g_autoptr(Store) again = store_open(path, STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error(error);
  g_autoptr(GPtrArray) runs = store_list_runs(again, 0, NULL, 0, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(runs->len, ==, 0);
  g_autofree char *after = schema_of(path);
  g_assert_cmpstr(before, ==, after);
  rm_rf(dir);
}

static void
assert_intervals_equal(const GArray *a, const GArray *b)
{
  g_assert_cmpuint(a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++) {
    const ModelInterval *x = &g_array_index(a, ModelInterval, i);
    const ModelInterval *y = &g_array_index(b, ModelInterval, i);
    g_assert_cmpint(x->start, ==, y->start);
    g_assert_cmpint(x->end, ==, y->end);
    g_assert_cmpint(x->cause, ==, y->cause);
  }
}

static void
assert_samples_equal(const GArray *a, const GArray *b)
{
  g_assert_cmpuint(a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++) {
    const ModelSample *x = &g_array_index(a, ModelSample, i);
    const ModelSample *y = &g_array_index(b, ModelSample, i);
    g_assert_cmpint(x->time, ==, y->time);
    g_assert_cmpuint(x->serving, ==, y->serving);
    g_assert_cmpuint(x->starting, ==, y->starting);
    g_assert_cmpuint(x->containers, ==, y->containers);
    g_assert_cmpint(!!x->db_up, ==, !!y->db_up);
  }
}

/* The per-replication values of a version-1 database, read with plain SQL before zdsim opens
 * it: v1_value(runs, run, rep, k) for metric k, then cause k - RUN_METRIC_COUNT, as stored;
 * NULL (a NaN) is NAN and `is_null` is set. */
typedef struct {
  guint runs, replications;
  double *value;
  gboolean *is_null;
} V1Values;

static gsize
v1_slot(const V1Values *v, guint run, guint rep, guint k)
{
  return (((gsize) (run - 1) * v->replications) + rep) * (RUN_METRIC_COUNT + CAUSE_COUNT) + k;
}

/* The causes schema versions 1 and 2 knew that are still causes (platform-update, crash,
 * db-maintenance, db-failure, environment-maintenance, action); version 3 added four, and
 * their "capacity" is no cause any more (its rows are skipped, as the store skips them). */
#define V1_CAUSES 6
/* The metrics schema versions 1 and 2 knew; version 3 added capacity_shortfall_per_year_s and
 * tenant_slot_wait_per_year_s. */
#define V1_METRICS 15

/* Reads the version-1 tables (or views) of @db: every value of @runs x @replications, of
 * which @metrics metrics and @causes causes have a row each. A value without a row reads as
 * NULL. */
static void
v1_values_read(sqlite3 *db, guint runs, guint replications, guint metrics, guint causes,
               V1Values *v)
{
  gsize n = (gsize) runs * replications * (RUN_METRIC_COUNT + CAUSE_COUNT);
  *v = (V1Values) { runs, replications, g_new(double, n), g_new(gboolean, n) };
  for (gsize i = 0; i < n; i++) {
    v->value[i] = NAN;
    v->is_null[i] = TRUE;
  }
  static const char *const sql[2] = {
    "SELECT run, replication, metric, value FROM metrics",
    "SELECT run, replication, cause, seconds_per_year FROM downtime_by_cause",
  };
  guint rows = 0;
  for (int table = 0; table < 2; table++) {
    sqlite3_stmt *st = NULL;
    g_assert_cmpint(sqlite3_prepare_v2(db, sql[table], -1, &st, NULL), ==, SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
      guint run = (guint) sqlite3_column_int(st, 0), rep = (guint) sqlite3_column_int(st, 1);
      const char *name = (const char *) sqlite3_column_text(st, 2);
      int k = table == 0 ? run_metric_lookup(name) : -1;
      if (table == 0 && g_str_equal(name, "max_outage_s")) {
        /* Version 1's max_outage_s is a replication's longest outage, longest_outage_s now;
         * the fixture's 14-day horizon is one 365-day block, so it is the yearly longest
         * too. One row, two slots. */
        gsize at = v1_slot(v, run, rep, RUN_LONGEST_OUTAGE);
        gsize yearly = v1_slot(v, run, rep, RUN_YEARLY_LONGEST_OUTAGE);
        v->is_null[at] = v->is_null[yearly] = sqlite3_column_type(st, 3) == SQLITE_NULL;
        v->value[at] = v->value[yearly] = v->is_null[at] ? NAN : sqlite3_column_double(st, 3);
        rows++;
        continue;
      }
      for (guint c = 0; table == 1 && c < CAUSE_COUNT; c++)
        if (g_str_equal(model_cause_name(c), name))
          k = RUN_METRIC_COUNT + (int) c;
      if (table == 1 && k < 0 && g_str_equal(name, "capacity"))
        continue;
      g_assert_cmpint(k, >=, 0);
      g_assert_cmpuint(run, >=, 1);
      g_assert_cmpuint(run, <=, runs);
      g_assert_cmpuint(rep, <, replications);
      gsize i = v1_slot(v, run, rep, (guint) k);
      v->is_null[i] = sqlite3_column_type(st, 3) == SQLITE_NULL;
      v->value[i] = v->is_null[i] ? NAN : sqlite3_column_double(st, 3);
      rows++;
    }
    sqlite3_finalize(st);
  }
  /* every value once */
  g_assert_cmpuint(rows, ==, (gsize) runs * replications * (metrics + causes));
}

static void
v1_values_clear(V1Values *v)
{
  g_free(v->value);
  g_free(v->is_null);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(V1Values, v1_values_clear)

/* Run @id of @store holds exactly the version-1 values: bit for bit, NULL as NaN. */
static void
assert_v1_values(Store *store, gint64 id, const V1Values *v)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreRun) run = store_load_run(store, id, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(run->result->replications, ==, v->replications);
  for (guint rep = 0; rep < v->replications; rep++)
    for (guint k = 0; k < RUN_METRIC_COUNT + CAUSE_COUNT; k++) {
      gsize i = v1_slot(v, (guint) id, rep, k);
      const double *got = k < RUN_METRIC_COUNT
                              ? &run->result->values[rep * RUN_METRIC_COUNT + k]
                              : &run->result->by_cause[rep * CAUSE_COUNT + k - RUN_METRIC_COUNT];
      if (v->is_null[i])
        g_assert_true(isnan(*got));
      else
        g_assert_true(same_doubles(got, &v->value[i], 1));
    }
}

/* A database made from tests/data/store-v1.sql, plus a second run copied from its run with
 * two values NULL (NaN): opened read-only it is read as version 1 and left byte for byte as
 * it was; opened for writing it is upgraded to the schema a new database has, and every value
 * of both runs reads back as the version-1 tables held it, through the store and through the
 * version-1 names (now views) with plain SQL. */
static void
test_migrate_v1(void)
{
  g_autofree char *dir = tmp_dir();
  g_autofree char *old = g_build_filename(dir, "v1.db", NULL);
  g_autofree char *fresh = g_build_filename(dir, "fresh.db", NULL);
  /* From $G_TEST_SRCDIR or this source file's directory (make test runs from the top). */
  const char *srcdir = g_getenv("G_TEST_SRCDIR");
  g_autofree char *tests = srcdir != NULL ? g_strdup(srcdir) : g_path_get_dirname(__FILE__);
  g_autofree char *fixture = g_build_filename(tests, "data", "store-v1.sql", NULL);
  g_autofree char *sql = read_file(fixture);
  sqlite3 *db = raw_open(old);
  raw_exec(db, sql);
  g_assert_cmpint(raw_int(db, "PRAGMA user_version", -1), ==, 1);
  raw_exec(db,
           "BEGIN;"
           "INSERT INTO runs SELECT 2, created, scenario, path, scenario_text, scenario_sha256,"
           "  overrides, seed, replications, policy, instances, horizon_s, version, events,"
           "  updates, wall_s, sweep_id, point FROM runs WHERE id = 1;"
           "INSERT INTO metrics SELECT 2, replication, metric,"
           "  CASE WHEN metric = 'mean_outage_s' AND replication = 1 THEN NULL ELSE value END"
           "  FROM metrics WHERE run = 1;"
           "INSERT INTO downtime_by_cause SELECT 2, replication, cause,"
           "  CASE WHEN cause = 'platform-update' AND replication = 0 THEN NULL"
           "  ELSE seconds_per_year END FROM downtime_by_cause WHERE run = 1;"
           "COMMIT");
  g_auto(V1Values) v1 = { 0 };
  v1_values_read(db, 2, 2, V1_METRICS, V1_CAUSES, &v1);
  g_assert_true(v1.is_null[v1_slot(&v1, 2, 1, RUN_MEAN_OUTAGE)]);
  g_assert_true(v1.is_null[v1_slot(&v1, 2, 0, RUN_METRIC_COUNT + CAUSE_PLATFORM_UPDATE)]);
  gint64 outages = raw_int(db, "SELECT count(*) FROM outages", -1);
  gint64 samples = raw_int(db, "SELECT count(*) FROM timeline", -1);
  gint64 spans = raw_int(db, "SELECT count(*) FROM update_spans", -1);
  gint64 summaries = raw_int(db, "SELECT count(*) FROM summaries", -1);
  g_assert_cmpint(outages, >, 0);
  g_assert_cmpint(samples, >, 0);
  g_assert_cmpint(spans, >, 0);
  sqlite3_close(db);

  /* Read-only: read as version 1, and never written. */
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_assert_true(g_file_get_contents(old, &bytes, &len, NULL));
  g_autoptr(StoreRun) before = NULL;
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(Store) ro = store_open(old, STORE_OPEN_READ_ONLY, &error);
    g_assert_no_error(error);
    assert_v1_values(ro, 1, &v1);
    assert_v1_values(ro, 2, &v1);
    g_autoptr(GPtrArray) runs = store_list_runs(ro, 0, NULL, 0, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(runs->len, ==, 2);
    before = store_load_run(ro, 1, &error);
    g_assert_no_error(error);
  }
  g_autofree char *after_ro = NULL;
  gsize after_len = 0;
  g_assert_true(g_file_get_contents(old, &after_ro, &after_len, NULL));
  g_assert_cmpmem(bytes, len, after_ro, after_len);

  /* For writing: upgraded to exactly a new database's schema. */
  g_autoptr(Store) store = open_store(old);
  store_close(open_store(fresh));
  g_autofree char *migrated = schema_of(old);
  g_autofree char *created = schema_of(fresh);
  g_assert_cmpstr(migrated, ==, created);

  g_autoptr(GError) error = NULL;
  assert_v1_values(store, 1, &v1);
  assert_v1_values(store, 2, &v1);
  g_autoptr(StoreRun) run = store_load_run(store, 1, &error);
  g_assert_no_error(error);
  g_assert_cmpstr(run->info->scenario, ==, "store-fixture");
  g_assert_cmpstr(run->scenario->evacuation, ==, "stop-start");
  g_assert_cmpuint(run->result->replications, ==, 2);
  g_assert_cmpstr(run->info->overrides[0], ==, "app.instances=1");
  g_assert_null(run->info->overrides[1]);
  /* The stored scenario's hash is the SHA-256 of its stored text. */
  g_autofree char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, run->scenario_text, -1);
  g_assert_cmpstr(hash, ==, run->info->scenario_sha256);
  /* The same run as read before the upgrade: summaries, outages, timeline, report. */
  for (guint m = 0; m < RUN_METRIC_COUNT; m++)
    g_assert_true(same_summary(&run->info->summary[m], &before->info->summary[m]));
  for (guint c = 0; c < CAUSE_COUNT; c++)
    g_assert_true(same_summary(&run->info->cause_summary[c], &before->info->cause_summary[c]));
  for (guint i = 0; i < 2; i++)
    assert_intervals_equal(g_ptr_array_index(run->result->outages, i),
                           g_ptr_array_index(before->result->outages, i));
  assert_samples_equal(run->result->timeline, before->result->timeline);
  assert_intervals_equal(run->result->updates_spans, before->result->updates_spans);
  g_autofree char *text_before = report_text(before->result, TRUE);
  g_autofree char *text = report_text(run->result, TRUE);
  g_assert_cmpstr(text, ==, text_before);
  g_assert_nonnull(strstr(text, "store-fixture: 1 instance, policy stop-start"));

  /* With plain SQL: one row per replication, the version-1 names give the version-1 rows, and
   * nothing else moved. */
  db = raw_open(old);
  g_assert_cmpint(raw_int(db, "PRAGMA user_version", -1), ==, STORE_SCHEMA_VERSION);
  g_assert_cmpint(raw_int(db, "SELECT count(*) FROM replications", -1), ==, 2 * 2);
  g_auto(V1Values) views = { 0 };
  v1_values_read(db, 2, 2, RUN_METRIC_COUNT, CAUSE_COUNT, &views);
  gsize n = (gsize) 2 * 2 * (RUN_METRIC_COUNT + CAUSE_COUNT);
  g_assert_cmpmem(views.is_null, n * sizeof(gboolean), v1.is_null, n * sizeof(gboolean));
  for (gsize i = 0; i < n; i++)
    g_assert_true(v1.is_null[i] || same_doubles(&views.value[i], &v1.value[i], 1));
  g_assert_cmpint(raw_int(db, "SELECT count(*) FROM outages", -1), ==, outages);
  g_assert_cmpint(raw_int(db, "SELECT count(*) FROM timeline", -1), ==, samples);
  g_assert_cmpint(raw_int(db, "SELECT count(*) FROM update_spans", -1), ==, spans);
  /* Run 1 had a summary per metric; its max_outage_s row became yearly_longest_outage_s
   * (14 days are one block), its mean and p95 rows were replaced by the pooled ones and a
   * longest_outage_s row was added: one more. Run 2 (copied without summaries) gains the
   * three pooled rows. */
  g_assert_cmpint(raw_int(db, "SELECT count(*) FROM summaries", -1), ==, summaries + 1 + 3);
  g_assert_cmpint(raw_int(db, "SELECT count(*) FROM summaries WHERE method <> 't'", -1), >, 0);
  sqlite3_close(db);

  /* A new run is stored beside them. */
  g_autoptr(RunResult) again = execute(run->scenario, FALSE);
  g_assert_cmpint(store_save_run(store, again, &error), ==, 3);
  g_assert_no_error(error);

  /* A version-1 value of a name version 2 has no column for is not dropped: the upgrade is
   * refused and the file stays at version 1, readable read-only. */
  g_autofree char *odd = g_build_filename(dir, "odd.db", NULL);
  db = raw_open(odd);
  raw_exec(db, sql);
  raw_exec(db, "INSERT INTO downtime_by_cause VALUES (1, 0, 'meteor', 12.5)");
  sqlite3_close(db);
  g_autoptr(Store) refused = store_open(odd, STORE_OPEN_DEFAULT, &error);
  g_assert_null(refused);
  g_assert_error(error, STORE_ERROR, STORE_ERROR_FAILED);
  g_test_message("%s", error->message);
  g_assert_nonnull(strstr(error->message, odd));
  g_assert_nonnull(strstr(error->message, "downtime_by_cause_s.meteor"));
  g_clear_error(&error);
  db = raw_open(odd);
  g_assert_cmpint(raw_int(db, "PRAGMA user_version", -1), ==, 1);
  g_assert_cmpint(raw_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'replications'",
                          -1),
                  ==, 0);
  sqlite3_close(db);
  g_autoptr(Store) odd_ro = store_open(odd, STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error(error);
  assert_v1_values(odd_ro, 1, &v1);
  rm_rf(dir);
}

/* Takes a database of this zdsim back to what version 3 stored, with plain SQL: no
 * business-hours downtime, longest or yearly-longest column (max_outage_s holding each
 * replication's longest outage, as version 3 wrote it), no summary method, the yearly
 * summary under version 3's max_outage_s name, the mean and p95 outage rows holding
 * something other than the pooled figures (version 3 stored means over replications
 * there), and a metrics view naming max_outage_s. */
static void
downgrade_to_v3(const char *path)
{
  sqlite3 *db = raw_open(path);
  raw_exec(db, "BEGIN;"
               "UPDATE replications SET max_outage_s = longest_outage_s;"
               "DROP VIEW metrics;"
               "ALTER TABLE replications DROP COLUMN business_hours_downtime_per_year_s;"
               "ALTER TABLE replications DROP COLUMN longest_outage_s;"
               "ALTER TABLE replications DROP COLUMN yearly_longest_outage_s;"
               "CREATE VIEW metrics (run, replication, metric, value) AS"
               "  SELECT run, replication, 'max_outage_s', max_outage_s FROM replications;"
               "DELETE FROM summaries WHERE metric IN ('longest_outage_s',"
               "  'business_hours_downtime_per_year_s');"
               "UPDATE summaries SET metric = 'max_outage_s'"
               "  WHERE metric = 'yearly_longest_outage_s';"
               "UPDATE summaries SET mean = -1 WHERE metric IN ('mean_outage_s', 'outage_p95_s');"
               "ALTER TABLE summaries DROP COLUMN method;"
               "ALTER TABLE update_spans DROP COLUMN cause;"
               "DROP TABLE explains;"
               "DROP TABLE sensitivities;"
               "DROP TABLE shard_update_spans; DROP TABLE shard_timeline;"
               "DROP TABLE shard_outages; DROP TABLE shard_replications;"
               "DROP TABLE shard_points; DROP TABLE shards;"
               "ALTER TABLE runs DROP COLUMN partial;"
               "ALTER TABLE sweeps DROP COLUMN partial;"
               "PRAGMA user_version = 3;"
               "COMMIT");
  sqlite3_close(db);
}

/* The figures of the pooled-outage version as a version-3 database gives them, read-only
 * and after the upgrade: run 1 (30 days, one 365-day block) has longest_outage_s and
 * yearly_longest_outage_s equal to each replication's longest outage (version 3's
 * max_outage_s), and its yearly summary is version 3's max_outage_s summary (the mean of the
 * replications' longest, a t interval); run 2 (400 days, two blocks) has no yearly figure
 * (NaN: the blocks start at a warm-up the runs table does not hold). Both have no
 * business-hours downtime (NaN: not stored), and the pooled mean, p95 and longest outage,
 * computed from the stored outages, are bit for bit those of the run as stored. */
static void
assert_v3_figures(Store *store, RunResult *const orig[2])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) infos = store_list_runs(store, 0, NULL, 0, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(infos->len, ==, 2);
  for (guint i = 0; i < 2; i++) {
    gint64 id = i + 1;
    const StoreRunInfo *info = g_ptr_array_index(infos, 1 - i); /* newest first */
    g_assert_cmpint(info->id, ==, id);
    g_autoptr(StoreRun) run = store_load_run(store, id, &error);
    g_assert_no_error(error);
    const RunResult *o = orig[i], *r = run->result;
    const RunMetric pooled[] = { RUN_MEAN_OUTAGE, RUN_OUTAGE_P95, RUN_LONGEST_OUTAGE };
    for (guint k = 0; k < G_N_ELEMENTS(pooled); k++) {
      g_assert_true(same_summary(&info->summary[pooled[k]], &o->summary[pooled[k]]));
      g_assert_true(same_summary(&r->summary[pooled[k]], &o->summary[pooled[k]]));
    }
    for (guint rep = 0; rep < r->replications; rep++) {
      const double *v = &r->values[rep * RUN_METRIC_COUNT];
      const double *w = &o->values[rep * RUN_METRIC_COUNT];
      g_assert_true(same_doubles(&v[RUN_LONGEST_OUTAGE], &w[RUN_LONGEST_OUTAGE], 1));
      if (i == 0)
        g_assert_true(same_doubles(&v[RUN_YEARLY_LONGEST_OUTAGE], &w[RUN_LONGEST_OUTAGE], 1));
      else
        g_assert_true(isnan(v[RUN_YEARLY_LONGEST_OUTAGE]));
      g_assert_true(isnan(v[RUN_BUSINESS_HOURS_DOWNTIME]));
      g_assert_true(same_doubles(&v[RUN_AVAILABILITY], &w[RUN_AVAILABILITY], 1));
    }
    const StatsSummary *yearly = &info->summary[RUN_YEARLY_LONGEST_OUTAGE];
    if (i == 0) {
      g_assert_true(same_doubles(&yearly->mean, &o->summary[RUN_YEARLY_LONGEST_OUTAGE].mean, 1));
      g_assert_cmpint(yearly->method, ==, STATS_METHOD_T);
    } else {
      g_assert_true(isnan(yearly->mean));
    }
    g_assert_true(isnan(info->summary[RUN_BUSINESS_HOURS_DOWNTIME].mean));
  }
}

/* A version-3 database (two runs stored by this zdsim, taken back to version 3 by
 * downgrade_to_v3()) is read as it is read-only, without a byte changing, and upgraded when
 * opened for writing; both give the figures of assert_v3_figures(). */
static void
test_migrate_v3(void)
{
  g_autofree char *dir = tmp_dir();
  g_autofree char *path = g_build_filename(dir, "v3.db", NULL);
  g_autoptr(Scenario) year = load_text("[scenario]\nname = v3\nreplications = 3\n"
                                       "horizon = 30d\nseed = 5\n"
                                       "[policy]\nevacuation = stop-start\n",
                                       "v3.ini", NULL);
  g_autoptr(Scenario) longer = load_text("[scenario]\nname = v3-long\nreplications = 2\n"
                                         "horizon = 400d\nseed = 6\n"
                                         "[policy]\nevacuation = stop-start\n",
                                         "v3-long.ini", NULL);
  g_autoptr(RunResult) a = execute(year, FALSE);
  g_autoptr(RunResult) b = execute(longer, FALSE);
  RunResult *const orig[2] = { a, b };
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(Store) store = open_store(path);
    g_assert_cmpint(store_save_run(store, a, &error), ==, 1);
    g_assert_cmpint(store_save_run(store, b, &error), ==, 2);
    g_assert_no_error(error);
  }
  downgrade_to_v3(path);

  g_autofree char *bytes = NULL, *after = NULL;
  gsize len = 0, after_len = 0;
  g_assert_true(g_file_get_contents(path, &bytes, &len, NULL));
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(Store) ro = store_open(path, STORE_OPEN_READ_ONLY, &error);
    g_assert_no_error(error);
    assert_v3_figures(ro, orig);
  }
  g_assert_true(g_file_get_contents(path, &after, &after_len, NULL));
  g_assert_cmpmem(bytes, len, after, after_len);

  g_autoptr(Store) store = open_store(path);
  assert_v3_figures(store, orig);
  sqlite3 *db = raw_open(path);
  g_assert_cmpint(raw_int(db, "PRAGMA user_version", -1), ==, STORE_SCHEMA_VERSION);
  /* The stored methods: version 3's rows are Student t; the pooled rows name theirs. */
  g_assert_cmpint(raw_int(db, "SELECT count(*) FROM summaries WHERE method = 't' AND "
                              "metric = 'availability'",
                          -1),
                  ==, 2);
  g_assert_cmpint(raw_int(db, "SELECT count(*) FROM summaries WHERE method = 'none' AND "
                              "metric = 'longest_outage_s'",
                          -1),
                  ==, 2);
  g_assert_cmpint(raw_int(db, "SELECT count(*) FROM metrics WHERE metric = 'max_outage_s'", -1),
                  ==, 0);
  g_assert_cmpint(raw_int(db, "SELECT count(*) FROM metrics WHERE metric = 'longest_outage_s'"
                              " AND value IS NOT NULL",
                          -1),
                  ==, 3 + 2);
  sqlite3_close(db);
  rm_rf(dir);
}

/* A run saved and loaded is the same run: every per-replication value bit for bit, every
 * outage to the microsecond, the timeline, and so the same report. */
static void
test_roundtrip(void)
{
  g_autofree char *dir = tmp_dir();
  g_autofree char *path = g_build_filename(dir, "round.db", NULL);
  const char *const overrides[] = { "app.instances=2", "platform.updates=5/w",
                                    "scenario.replications=5", NULL };
  g_autoptr(Scenario) sc = load_text(quick_ini, "quick.ini", overrides);
  g_autoptr(RunResult) r = execute(sc, TRUE);
  g_assert_nonnull(r->timeline);
  g_autoptr(Store) store = open_store(path);
  g_autoptr(GError) error = NULL;
  gint64 id = store_save_run(store, r, &error);
  g_assert_no_error(error);
  g_assert_cmpint(id, ==, 1);

  g_autoptr(StoreRun) back = store_load_run(store, id, &error);
  g_assert_no_error(error);
  const RunResult *b = back->result;
  g_assert_true(b->scenario == back->scenario);
  g_assert_cmpuint(b->replications, ==, r->replications);
  g_assert_true(same_doubles(b->values, r->values, (gsize) r->replications * RUN_METRIC_COUNT));
  g_assert_true(same_doubles(b->by_cause, r->by_cause, (gsize) r->replications * CAUSE_COUNT));
  guint total_outages = 0;
  for (guint i = 0; i < r->replications; i++) {
    assert_intervals_equal(g_ptr_array_index(b->outages, i), g_ptr_array_index(r->outages, i));
    total_outages += ((GArray *) g_ptr_array_index(r->outages, i))->len;
  }
  g_assert_cmpuint(total_outages, >, 0);
  assert_samples_equal(b->timeline, r->timeline);
  assert_intervals_equal(b->updates_spans, r->updates_spans);
  g_assert_cmpuint(b->events, ==, r->events);
  g_assert_true(same_doubles(&b->wall_s, &r->wall_s, 1));
  for (guint m = 0; m < RUN_METRIC_COUNT; m++)
    g_assert_true(same_summary(&b->summary[m], &r->summary[m]));
  for (guint c = 0; c < CAUSE_COUNT; c++)
    g_assert_true(same_summary(&b->cause_summary[c], &r->cause_summary[c]));

  /* The same report, text and JSON, and the scenario as it was. */
  g_autofree char *t1 = report_text(r, TRUE);
  g_autofree char *t2 = report_text(b, TRUE);
  g_assert_cmpstr(t1, ==, t2);
  g_autofree char *j1 = report_json(r);
  g_autofree char *j2 = report_json(b);
  g_assert_cmpstr(j1, ==, j2);
  g_assert_cmpstr(back->scenario_text, ==, quick_ini);
  g_assert_true(g_strv_equal((const char *const *) back->info->overrides, overrides));
  g_assert_cmpstr(back->info->path, ==, "quick.ini");
  g_assert_cmpuint(back->info->seed, ==, 4);
  g_assert_cmpuint(back->info->instances, ==, 2);
  g_assert_cmpstr(back->info->policy, ==, "stop-start");
  g_assert_cmpint(back->info->sweep_id, ==, 0);
  g_assert_null(back->info->point);

  /* The list gives the stored summaries, the same numbers. */
  g_autoptr(GPtrArray) list = store_list_runs(store, 0, "quick", 0, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(list->len, ==, 1);
  const StoreRunInfo *info = g_ptr_array_index(list, 0);
  for (guint m = 0; m < RUN_METRIC_COUNT; m++)
    g_assert_true(same_summary(&info->summary[m], &r->summary[m]));
  g_autoptr(GPtrArray) none = store_list_runs(store, 0, "other", 0, &error);
  g_assert_cmpuint(none->len, ==, 0);
  g_assert_cmpint(assert_whole(path), ==, 1);
  rm_rf(dir);
}

/* The first column of @sql with ?1 = @run and ?2 = @rep, as a double; NULL is NaN. */
static double
raw_double(sqlite3 *db, const char *sql, gint64 run, gint64 rep)
{
  sqlite3_stmt *st = NULL;
  g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &st, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64(st, 1, run);
  sqlite3_bind_int64(st, 2, rep);
  g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
  double v = sqlite3_column_type(st, 0) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 0);
  sqlite3_finalize(st);
  return v;
}

/* Made-up runs whose row counts fall on either side of any batch size a multi-row INSERT may
 * use (1, 31, 32, 33, 64, 65, 100 rows), stored and read back bit for bit, NaN included;
 * their values by name with plain SQL, in the table and through the views; and a run missing
 * a replication's row refused as incomplete. */
static void
test_rows(void)
{
  g_autofree char *dir = tmp_dir();
  g_autofree char *path = g_build_filename(dir, "rows.db", NULL);
  g_autoptr(Store) store = open_store(path);
  g_autoptr(Scenario) sc = load_text(quick_ini, "quick.ini", NULL);
  const struct {
    guint replications, outages_each, samples;
  } cases[] = {
    { 1, 0, 1 }, { 31, 1, 31 }, { 32, 1, 32 }, { 33, 2, 33 }, { 64, 1, 64 }, { 65, 1, 100 },
  };
  sqlite3 *db = raw_open(path);
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    guint n = cases[i].replications;
    g_autoptr(RunResult) r = run_result_new(sc, n);
    /* Sevenths and thirds have no short binary form: any rounding on the way would show. */
    for (guint j = 0; j < n * RUN_METRIC_COUNT; j++)
      r->values[j] = j % 11 == 5 ? NAN : (j + 1) / 7.0;
    for (guint rep = 0; rep < n && cases[i].outages_each == 0; rep++)
      r->values[rep * RUN_METRIC_COUNT + RUN_OUTAGES_PER_YEAR] = 0; /* as assert_whole wants */
    for (guint j = 0; j < n * CAUSE_COUNT; j++)
      r->by_cause[j] = j % 13 == 4 ? NAN : j / 3.0;
    for (guint rep = 0; rep < n; rep++)
      for (guint o = 0; o < cases[i].outages_each; o++) {
        ModelInterval x = { .start = 1000003 * (rep + 1) + 7 * o,
                            .end = 1000003 * (rep + 1) + 7 * o + 5,
                            .cause = (ModelCause) ((rep + o) % CAUSE_COUNT) };
        g_array_append_val(g_ptr_array_index(r->outages, rep), x);
      }
    r->timeline = g_array_new(FALSE, FALSE, sizeof(ModelSample));
    r->updates_spans = g_array_new(FALSE, FALSE, sizeof(ModelInterval));
    for (guint j = 0; j < cases[i].samples; j++) {
      ModelSample x = { .time = 999983 * (gint64) j, .serving = (guint16) (j % 3),
                        .starting = (guint16) (j % 2), .containers = (guint16) (j % 5),
                        .db_up = j % 4 != 0 };
      g_array_append_val(r->timeline, x);
      ModelInterval span = { .start = 60000000 * (gint64) j, .end = 60000000 * (gint64) j + 1,
                             .cause = CAUSE_PLATFORM_UPDATE };
      g_array_append_val(r->updates_spans, span);
    }
    r->events = 1000 + i;
    r->wall_s = 0.5 + i;
    run_result_summarize(r);

    g_autoptr(GError) error = NULL;
    gint64 id = store_save_run(store, r, &error);
    g_assert_no_error(error);
    g_assert_cmpint(id, ==, i + 1);
    g_autoptr(StoreRun) back = store_load_run(store, id, &error);
    g_assert_no_error(error);
    const RunResult *b = back->result;
    for (guint j = 0; j < n * RUN_METRIC_COUNT; j++)
      g_assert_true(isnan(r->values[j]) ? isnan(b->values[j])
                                        : same_doubles(&b->values[j], &r->values[j], 1));
    for (guint j = 0; j < n * CAUSE_COUNT; j++)
      g_assert_true(isnan(r->by_cause[j]) ? isnan(b->by_cause[j])
                                          : same_doubles(&b->by_cause[j], &r->by_cause[j], 1));
    for (guint rep = 0; rep < n; rep++)
      assert_intervals_equal(g_ptr_array_index(b->outages, rep),
                             g_ptr_array_index(r->outages, rep));
    assert_samples_equal(b->timeline, r->timeline);
    assert_intervals_equal(b->updates_spans, r->updates_spans);

    /* By name, as a user would: the last replication's downtime per year and platform-update
     * downtime, from the table and from the views. */
    gint64 last = n - 1;
    const double *want = &r->values[last * RUN_METRIC_COUNT + RUN_DOWNTIME_PER_YEAR];
    const double *cause = &r->by_cause[last * CAUSE_COUNT + CAUSE_PLATFORM_UPDATE];
    static const char *const metric_sql[] = {
      "SELECT downtime_per_year_s FROM replications WHERE run = ?1 AND replication = ?2",
      "SELECT value FROM metrics WHERE run = ?1 AND replication = ?2 "
      "AND metric = 'downtime_per_year_s'",
    };
    static const char *const cause_sql[] = {
      "SELECT \"downtime_by_cause_s.platform-update\" FROM replications "
      "WHERE run = ?1 AND replication = ?2",
      "SELECT seconds_per_year FROM downtime_by_cause WHERE run = ?1 AND replication = ?2 "
      "AND cause = 'platform-update'",
    };
    for (guint q = 0; q < 2; q++) {
      double got = raw_double(db, metric_sql[q], id, last);
      g_assert_true(isnan(*want) ? isnan(got) : same_doubles(&got, want, 1));
      got = raw_double(db, cause_sql[q], id, last);
      g_assert_true(isnan(*cause) ? isnan(got) : same_doubles(&got, cause, 1));
    }
  }
  g_assert_cmpint(assert_whole(path), ==, G_N_ELEMENTS(cases));

  /* A run with a replication's row gone is refused, not read with zeros. */
  raw_exec(db, "DELETE FROM replications WHERE run = 2 AND replication = 30");
  sqlite3_close(db);
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreRun) partial = store_load_run(store, 2, &error);
  g_assert_null(partial);
  g_assert_error(error, STORE_ERROR, STORE_ERROR_FAILED);
  g_assert_nonnull(strstr(error->message, "missing"));
  rm_rf(dir);
}

/* A file that is not a zdsim database is refused with its name in the message, and left as
 * it was, byte for byte, with no -wal or -shm beside it. */
static void
test_refused(void)
{
  g_autofree char *dir = tmp_dir();
  g_autofree char *text = g_build_filename(dir, "notes.txt", NULL);
  g_autofree char *newer = g_build_filename(dir, "newer.db", NULL);
  g_autofree char *foreign = g_build_filename(dir, "foreign.db", NULL);
  GString *junk = g_string_new(NULL);
  for (int i = 0; i < 200; i++)
    g_string_append_printf(junk, "line %d of something that is not a database\n", i);
  g_assert_true(g_file_set_contents(text, junk->str, (gssize) junk->len, NULL));
  g_string_free(junk, TRUE);

  sqlite3 *db = raw_open(newer);
  raw_exec(db, "PRAGMA application_id = 2053403497; PRAGMA user_version = 99;"
               "CREATE TABLE runs (id INTEGER PRIMARY KEY, future TEXT)");
  sqlite3_close(db);
  db = raw_open(foreign);
  raw_exec(db, "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL);"
               "INSERT INTO invoices VALUES (1, 12.5)");
  sqlite3_close(db);

  const struct {
    const char *path;
    StoreError code;
    const char *says;
  } cases[] = {
    { text, STORE_ERROR_NOT_DATABASE, "not a database" },
    { newer, STORE_ERROR_TOO_NEW, "newer zdsim (schema version 99" },
    { foreign, STORE_ERROR_NOT_DATABASE, "another program" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *before = NULL;
    gsize before_len = 0, after_len = 0;
    g_assert_true(g_file_get_contents(cases[i].path, &before, &before_len, NULL));
    for (int ro = 0; ro < 2; ro++) {
      g_autoptr(GError) error = NULL;
      g_autoptr(Store) store =
          store_open(cases[i].path, ro ? STORE_OPEN_READ_ONLY : STORE_OPEN_DEFAULT, &error);
      g_assert_null(store);
      g_assert_error(error, STORE_ERROR, (gint) cases[i].code);
      g_test_message("%s", error->message);
      g_assert_nonnull(strstr(error->message, cases[i].path));
      g_assert_nonnull(strstr(error->message, cases[i].says));
    }
    g_autofree char *after = NULL;
    g_assert_true(g_file_get_contents(cases[i].path, &after, &after_len, NULL));
    g_assert_cmpmem(before, before_len, after, after_len);
    g_autofree char *wal = g_strconcat(cases[i].path, "-wal", NULL);
    g_autofree char *shm = g_strconcat(cases[i].path, "-shm", NULL);
    g_assert_false(g_file_test(wal, G_FILE_TEST_EXISTS));
    g_assert_false(g_file_test(shm, G_FILE_TEST_EXISTS));
  }
  rm_rf(dir);
}

/* Places that cannot hold a database, and ids that are not there. */
static void
test_cannot_open(void)
{
  g_autofree char *dir = tmp_dir();
  g_autofree char *missing_dir = g_build_filename(dir, "no", "such", "dir", "x.db", NULL);
  g_autofree char *missing = g_build_filename(dir, "missing.db", NULL);
  const struct {
    const char *path;
    StoreOpenFlags flags;
  } cases[] = {
    { missing_dir, STORE_OPEN_DEFAULT },
    { dir, STORE_OPEN_DEFAULT },
    { missing, STORE_OPEN_READ_ONLY },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(Store) store = store_open(cases[i].path, cases[i].flags, &error);
    g_assert_null(store);
    g_assert_error(error, STORE_ERROR, STORE_ERROR_CANNOT_OPEN);
    g_test_message("%s", error->message);
    g_assert_nonnull(strstr(error->message, cases[i].path));
  }
  g_assert_false(g_file_test(missing, G_FILE_TEST_EXISTS));

  /* A directory without write permission (root may write anywhere, so only for others). */
  if (geteuid() != 0) {
    g_autofree char *locked = g_build_filename(dir, "ro", NULL);
    g_autofree char *inside = g_build_filename(locked, "x.db", NULL);
    g_assert_cmpint(g_mkdir(locked, 0555), ==, 0);
    g_autoptr(GError) error = NULL;
    g_autoptr(Store) store = store_open(inside, STORE_OPEN_DEFAULT, &error);
    g_assert_null(store);
    g_assert_error(error, STORE_ERROR, STORE_ERROR_CANNOT_OPEN);
    g_assert_nonnull(strstr(error->message, inside));
  } else {
    g_test_message("running as root: the unwritable-directory case is not testable");
  }

  /* Unknown ids. */
  g_autofree char *path = g_build_filename(dir, "ok.db", NULL);
  g_autoptr(Store) store = open_store(path);
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreRun) run = store_load_run(store, 99, &error);
  g_assert_null(run);
  g_assert_error(error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_assert_nonnull(strstr(error->message, path));
  g_clear_error(&error);
  g_autoptr(StoreSweepInfo) sweep = store_load_sweep(store, 7, &error);
  g_assert_null(sweep);
  g_assert_error(error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
  rm_rf(dir);
}

/* Another connection holds the write lock: a save waits out the busy timeout, then fails
 * with STORE_ERROR_BUSY and stores nothing; once the lock is gone it succeeds. */
static void
test_locked(void)
{
  g_autofree char *dir = tmp_dir();
  g_autofree char *path = g_build_filename(dir, "busy.db", NULL);
  g_autoptr(Store) store = open_store(path);
  store_set_busy_timeout(store, 200);
  const char *const o[] = { "scenario.replications=2", NULL };
  g_autoptr(Scenario) sc = load_text(quick_ini, "quick.ini", o);
  g_autoptr(RunResult) r = execute(sc, FALSE);

  sqlite3 *other = raw_open(path);
  raw_exec(other, "BEGIN IMMEDIATE");
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time();
  g_assert_cmpint(store_save_run(store, r, &error), ==, 0);
  gint64 waited = g_get_monotonic_time() - t0;
  g_assert_error(error, STORE_ERROR, STORE_ERROR_BUSY);
  g_test_message("%s (after %.2f s)", error->message, waited / 1e6);
  g_assert_nonnull(strstr(error->message, path));
  g_assert_cmpint(waited, >=, 150000);
  raw_exec(other, "COMMIT");
  sqlite3_close(other);

  g_clear_error(&error);
  g_assert_cmpint(store_save_run(store, r, &error), ==, 1);
  g_assert_no_error(error);
  g_assert_cmpint(assert_whole(path), ==, 1);
  rm_rf(dir);
}

/* Ids as people and URLs write them: digits only, 1 to G_MAXINT64; anything beyond is
 * refused as too large (never clamped to G_MAXINT64, which would name another run). */
static void
test_parse_id(void)
{
  static const struct {
    const char *text;
    gboolean ok;
    gint64 id;
    const char *says; /* part of the message when refused */
  } cases[] = {
    { "1", TRUE, 1, NULL },
    { "42", TRUE, 42, NULL },
    { "007", TRUE, 7, NULL },
    { "9223372036854775807", TRUE, G_MAXINT64, NULL },
    { "9223372036854775808", FALSE, 0, "run id '9223372036854775808' is too large" },
    { "99999999999999999999", FALSE, 0, "too large: ids go up to 9223372036854775807" },
    { "0", FALSE, 0, "expected a run id (a positive number, see zdsim list), got '0'" },
    { "000", FALSE, 0, "got '000'" },
    { "", FALSE, 0, "got ''" },
    { "-1", FALSE, 0, "got '-1'" },
    { "+1", FALSE, 0, "got '+1'" },
    { " 1", FALSE, 0, "got ' 1'" },
    { "1 ", FALSE, 0, "got '1 '" },
    { "1x", FALSE, 0, "got '1x'" },
    { "99999999999999999999x", FALSE, 0, "expected a run id" },
    { "0x10", FALSE, 0, "expected a run id" },
    { "1e3", FALSE, 0, "expected a run id" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GError) error = NULL;
    gint64 id = -5;
    gboolean ok = store_parse_id(cases[i].text, "run", &id, &error);
    g_test_message("'%s': %s", cases[i].text, error != NULL ? error->message : "ok");
    g_assert_cmpint(ok, ==, cases[i].ok);
    if (ok) {
      g_assert_no_error(error);
      g_assert_cmpint(id, ==, cases[i].id);
    } else {
      g_assert_error(error, STORE_ERROR, STORE_ERROR_BAD_ID);
      g_assert_nonnull(strstr(error->message, cases[i].says));
      g_assert_cmpint(id, ==, -5);
    }
  }
  /* The message names what the id is of. */
  g_autoptr(GError) error = NULL;
  gint64 id;
  g_assert_false(store_parse_id("x", "sweep", &id, &error));
  g_assert_nonnull(strstr(error->message, "expected a sweep id"));
}

/* The baseline of a scenario is its newest stored run with the same text and overrides that
 * is not part of a sweep: runs with other overrides, other text or inside a sweep never are. */
static void
test_find_baseline(void)
{
  g_autofree char *dir = tmp_dir();
  g_autofree char *path = g_build_filename(dir, "baseline.db", NULL);
  g_autoptr(Store) store = open_store(path);
  const char *const two[] = { "scenario.replications=2", NULL };
  const char *const three[] = { "scenario.replications=3", NULL };
  g_autoptr(Scenario) sc = load_text(quick_ini, "quick.ini", two);
  g_autoptr(Scenario) other_overrides = load_text(quick_ini, "quick.ini", three);
  g_autofree char *edited = g_strconcat(quick_ini, "# edited\n", NULL);
  g_autoptr(Scenario) other_text = load_text(edited, "quick.ini", two);
  g_autoptr(GError) error = NULL;

  /* Nothing stored: no baseline, and no error. */
  g_autoptr(StoreRun) none = store_find_baseline(store, sc, &error);
  g_assert_no_error(error);
  g_assert_null(none);

  g_autoptr(RunResult) r = execute(sc, FALSE);
  g_autoptr(RunResult) r3 = execute(other_overrides, FALSE);
  g_autoptr(RunResult) re = execute(other_text, FALSE);
  g_assert_cmpint(store_save_run(store, r, &error), ==, 1);
  g_assert_cmpint(store_save_run(store, r, &error), ==, 2);
  g_assert_cmpint(store_save_run(store, r3, &error), ==, 3);
  g_assert_cmpint(store_save_run(store, re, &error), ==, 4);
  /* A sweep of the same input: its run (5) is newer but never a baseline. */
  g_autoptr(GPtrArray) axes = g_ptr_array_new();
  g_autoptr(GPtrArray) results = g_ptr_array_new();
  g_autoptr(GPtrArray) points = g_ptr_array_new();
  const char *const no_point[] = { NULL };
  g_ptr_array_add(results, r);
  g_ptr_array_add(points, (gpointer) no_point);
  g_assert_cmpint(store_save_sweep(store, "sweep", sc, axes, results, points, &error), ==, 1);
  g_assert_no_error(error);

  const struct {
    const Scenario *sc;
    gint64 id;
  } cases[] = {
    { sc, 2 },
    { other_overrides, 3 },
    { other_text, 4 },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(StoreRun) base = store_find_baseline(store, cases[i].sc, &error);
    g_assert_no_error(error);
    g_assert_nonnull(base);
    g_assert_cmpint(base->info->id, ==, cases[i].id);
  }
  rm_rf(dir);
}



/* ---- sweeps ---- */

static const char sweep_ini[] = "[scenario]\n"
                                "name = sweep-test\n"
                                "horizon = 14d\n"
                                "replications = 3\n"
                                "seed = 9\n"
                                "\n"
                                "[platform]\n"
                                "updates = 5/w\n"
                                "\n"
                                "[sweep]\n"
                                "app.instances = 1,2\n"
                                "policy.evacuation = rolling,stop-start,recreate\n";

/* A sweep is stored whole: its runs in point order, each with its point, instance count and
 * policy, reloading to the same report; its axes and kind. (How a sweep expands into points
 * is tests/test-sweep.c's.) */
static void
test_sweep_saved(void)
{
  g_autofree char *dir = tmp_dir();
  g_autofree char *path = g_build_filename(dir, "sweep.db", NULL);
  g_autoptr(Scenario) base = load_text(sweep_ini, "sweep.ini", NULL);
  RunOptions options = { .jobs = 2, .keep_timeline = TRUE };
  g_autoptr(GError) error = NULL;
  g_autoptr(SweepResult) sweep = sweep_run(base, &options, &error);
  g_assert_no_error(error);
  guint n = sweep->results->len;
  g_assert_cmpuint(n, ==, 6);

  g_autoptr(Store) store = open_store(path);
  gint64 id = store_save_sweep(store, "sweep", base, sweep->axes, sweep->results, sweep->points,
                               &error);
  g_assert_no_error(error);
  g_assert_cmpint(id, ==, 1);
  g_autoptr(GPtrArray) runs = store_list_runs(store, id, NULL, 0, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(runs->len, ==, n);
  for (guint i = 0; i < runs->len; i++) {
    const StoreRunInfo *info = g_ptr_array_index(runs, i);
    const Scenario *sc = g_ptr_array_index(sweep->scenarios, i);
    g_assert_cmpint(info->sweep_id, ==, id);
    g_assert_true(g_strv_equal((const char *const *) info->point,
                               g_ptr_array_index(sweep->points, i)));
    g_assert_cmpuint(info->instances, ==, sc->instances);
    g_assert_cmpstr(info->policy, ==, sc->evacuation);
    /* A point reloads through its stored overrides to the same report. */
    g_autoptr(StoreRun) back = store_load_run(store, info->id, &error);
    g_assert_no_error(error);
    g_autofree char *t1 = report_text(g_ptr_array_index(sweep->results, i), FALSE);
    g_autofree char *t2 = report_text(back->result, FALSE);
    g_assert_cmpstr(t1, ==, t2);
  }
  g_autoptr(StoreSweepInfo) info = store_load_sweep(store, id, &error);
  g_assert_no_error(error);
  g_assert_cmpstr(info->kind, ==, "sweep");
  g_assert_cmpuint(info->runs, ==, n);
  g_assert_cmpuint(info->axes->len, ==, 2);
  const ScenarioSweepAxis *axis = g_ptr_array_index(info->axes, 1);
  g_assert_cmpstr(axis->key, ==, "policy.evacuation");
  g_assert_cmpuint(axis->values->len, ==, 3);
  g_assert_cmpstr(g_ptr_array_index(axis->values, 2), ==, "recreate");
  g_assert_cmpint(assert_whole(path), ==, n);
  rm_rf(dir);
}

/* ---- the command line over one database ---- */

/* build/zdsim (or $ZDSIM_BIN) as an absolute path, or NULL (the test is skipped). */
static char *
zdsim_bin(void)
{
  const char *bin = g_getenv("ZDSIM_BIN");
  g_autofree char *path = g_canonicalize_filename(bin != NULL ? bin : "build/zdsim", NULL);
  if (!g_file_test(path, G_FILE_TEST_IS_EXECUTABLE)) {
    g_test_skip("no zdsim binary (set ZDSIM_BIN)");
    return NULL;
  }
  return g_steal_pointer(&path);
}

typedef struct {
  int status;  /* exit code, or -signal */
  char *out;
  char *err;
} Spawned;

static void
spawned_clear(Spawned *s)
{
  g_free(s->out);
  g_free(s->err);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Spawned, spawned_clear)

static int
exit_code(int wait_status)
{
  if (WIFEXITED(wait_status))
    return WEXITSTATUS(wait_status);
  return WIFSIGNALED(wait_status) ? -WTERMSIG(wait_status) : -1000;
}

/* Runs zdsim in @dir with @args (a space-separated list, no quoting) and @env_db as ZDSIM_DB
 * (NULL: unset). */
static void
run_zdsim(const char *bin, const char *dir, const char *args, const char *env_db, Spawned *out)
{
  g_auto(GStrv) words = g_strsplit(args, " ", -1);
  g_autoptr(GPtrArray) argv = g_ptr_array_new();
  g_ptr_array_add(argv, (gpointer) bin);
  for (char **w = words; *w != NULL; w++)
    g_ptr_array_add(argv, *w);
  g_ptr_array_add(argv, NULL);
  g_auto(GStrv) envp = g_get_environ();
  envp = env_db != NULL ? g_environ_setenv(envp, "ZDSIM_DB", env_db, TRUE)
                        : g_environ_unsetenv(envp, "ZDSIM_DB");
  int status = 0;
  g_autoptr(GError) error = NULL;
  g_spawn_sync(dir, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL, &out->out,
               &out->err, &status, &error);
  g_assert_no_error(error);
  out->status = exit_code(status);
}

static GPid
spawn_zdsim(const char *bin, const char *dir, const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new();
  g_ptr_array_add(argv, (gpointer) bin);
  for (const char *const *a = args; *a != NULL; a++)
    g_ptr_array_add(argv, (gpointer) *a);
  g_ptr_array_add(argv, NULL);
  GPid pid = 0;
  g_autoptr(GError) error = NULL;
  g_spawn_async(dir, (char **) argv->pdata, NULL,
                G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                    G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &pid, &error);
  g_assert_no_error(error);
  return pid;
}

static int
wait_for(GPid pid)
{
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    g_assert_cmpint(errno, ==, EINTR);
  g_spawn_close_pid(pid);
  return exit_code(status);
}

/* Waits (up to 10 s) until process @pid catches SIGTERM: bit SIGTERM - 1 of the SigCgt mask
 * in /proc/PID/status (proc(5)). zdsim installs its handlers first thing in a command, so
 * from then on a SIGTERM is the command's to handle, however loaded the machine is. */
static void
wait_for_sigterm_handler(GPid pid)
{
  g_autofree char *path = g_strdup_printf("/proc/%d/status", (int) pid);
  gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
  while (g_get_monotonic_time() < deadline) {
    g_autofree char *status = NULL;
    if (g_file_get_contents(path, &status, NULL, NULL)) {
      const char *line = strstr(status, "\nSigCgt:");
      if (line != NULL) {
        guint64 mask = g_ascii_strtoull(line + strlen("\nSigCgt:"), NULL, 16);
        if (mask & (G_GUINT64_CONSTANT(1) << (SIGTERM - 1)))
          return;
      }
    }
    g_usleep(1000);
  }
  g_assert_not_reached();
}

static void
write_file(const char *dir, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename(dir, name, NULL);
  g_assert_true(g_file_set_contents(path, text, -1, NULL));
}

/* Issue 18: PRAGMA user_version is any 32-bit number, and a version zdsim does not know (below
 * 0, or above STORE_SCHEMA_VERSION) once made `run` index migrations[-1] and `list` read the
 * runs as version 1. Every way in refuses such a file, naming it and its version, and the
 * file keeps every byte. */
static void
test_unknown_version(void)
{
  g_autofree char *dir = tmp_dir();
  g_autofree char *path = g_build_filename(dir, "odd.db", NULL);
  write_file(dir, "quick.ini", quick_ini);
  g_autofree char *bin = zdsim_bin(); /* NULL: the command-line half is skipped */
  const struct {
    int version;
    StoreError code;
  } cases[] = {
    { -1, STORE_ERROR_NOT_DATABASE },
    { G_MININT32, STORE_ERROR_NOT_DATABASE },
    { STORE_SCHEMA_VERSION + 1, STORE_ERROR_TOO_NEW },
    { G_MAXINT32, STORE_ERROR_TOO_NEW },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    /* A real zdsim database with one run, then the version changed by another program. */
    g_unlink(path);
    {
      g_autoptr(Store) store = open_store(path);
      const char *const o[] = { "scenario.replications=2", NULL };
      g_autoptr(Scenario) sc = load_text(quick_ini, "quick.ini", o);
      g_autoptr(RunResult) r = execute(sc, FALSE);
      g_autoptr(GError) error = NULL;
      g_assert_cmpint(store_save_run(store, r, &error), ==, 1);
    }
    sqlite3 *db = raw_open(path);
    g_autofree char *set = g_strdup_printf("PRAGMA user_version = %d", cases[i].version);
    raw_exec(db, set);
    sqlite3_close(db);
    g_autofree char *says = g_strdup_printf("schema version %d", cases[i].version);
    g_autofree char *before = NULL;
    gsize before_len = 0;
    g_assert_true(g_file_get_contents(path, &before, &before_len, NULL));

    for (int ro = 0; ro < 2; ro++) {
      g_autoptr(GError) error = NULL;
      g_autoptr(Store) store =
          store_open(path, ro ? STORE_OPEN_READ_ONLY : STORE_OPEN_DEFAULT, &error);
      g_assert_null(store);
      g_assert_error(error, STORE_ERROR, (gint) cases[i].code);
      g_test_message("%s", error->message);
      g_assert_nonnull(strstr(error->message, path));
      g_assert_nonnull(strstr(error->message, says));
    }
    static const char *const commands[] = {
      "list --db odd.db",
      "run --jobs 2 --db odd.db quick.ini",
      "show --db odd.db 1",
    };
    for (guint c = 0; bin != NULL && c < G_N_ELEMENTS(commands); c++) {
      g_auto(Spawned) out = { 0 };
      run_zdsim(bin, dir, commands[c], NULL, &out);
      g_test_message("%s: %d %s", commands[c], out.status, out.err);
      g_assert_cmpint(out.status, ==, 2);
      g_assert_nonnull(strstr(out.err, "odd.db"));
      g_assert_nonnull(strstr(out.err, says));
      g_assert_cmpstr(out.out, ==, "");
    }

    g_autofree char *after = NULL;
    gsize after_len = 0;
    g_assert_true(g_file_get_contents(path, &after, &after_len, NULL));
    g_assert_cmpmem(before, before_len, after, after_len);
    /* A reader of a WAL database may leave an empty -wal beside it, but nothing in it. */
    g_autofree char *wal = g_strconcat(path, "-wal", NULL);
    GStatBuf st;
    if (g_stat(wal, &st) == 0)
      g_assert_cmpint(st.st_size, ==, 0);
  }
  rm_rf(dir);
}

/* Four processes store runs in one new database at the same moment: all succeed (WAL and the
 * busy timeout), and every run is whole. */
static void
test_two_writers(void)
{
  g_autofree char *bin = zdsim_bin();
  if (bin == NULL)
    return;
  g_autofree char *dir = tmp_dir();
  write_file(dir, "quick.ini", quick_ini);
  const char *const args[] = { "run", "--jobs", "1", "--db", "shared.db", "quick.ini", NULL };
  GPid pids[4];
  for (guint i = 0; i < G_N_ELEMENTS(pids); i++)
    pids[i] = spawn_zdsim(bin, dir, args);
  for (guint i = 0; i < G_N_ELEMENTS(pids); i++)
    g_assert_cmpint(wait_for(pids[i]), ==, 0);
  g_autofree char *path = g_build_filename(dir, "shared.db", NULL);
  g_assert_cmpint(assert_whole(path), ==, G_N_ELEMENTS(pids));
  rm_rf(dir);
}

static gint64
file_size(const char *path)
{
  GStatBuf st;
  return g_stat(path, &st) == 0 ? (gint64) st.st_size : 0;
}

/* A sweep killed with SIGKILL leaves the database sound and holding only whole runs: once
 * while it computes (0.3 s in), once while it writes (as soon as its write-ahead log grows;
 * the kill may land after the commit, and then the sweep is there whole, even though the
 * process died). SIGTERM in between stops it cleanly, storing nothing. */
static void
test_killed_sweep(void)
{
  g_autofree char *bin = zdsim_bin();
  if (bin == NULL)
    return;
  g_autofree char *dir = tmp_dir();
  write_file(dir, "quick.ini", quick_ini);
  /* Long to compute: 24 points of a year's replications. */
  write_file(dir, "big.ini",
             "[scenario]\nname = big\nreplications = 200\n"
             "[sweep]\napp.instances = 1,2,3,4,5,6,7,8\n"
             "policy.evacuation = rolling,stop-start,recreate\n");
  /* Quick to compute, long to write: many short replications. */
  write_file(dir, "wide.ini",
             "[scenario]\nname = wide\nhorizon = 7d\nreplications = 3000\n"
             "[sweep]\napp.instances = 1,2,3,4\n");
  g_autofree char *path = g_build_filename(dir, "k.db", NULL);
  g_autofree char *wal = g_build_filename(dir, "k.db-wal", NULL);
  g_auto(Spawned) first = { 0 };
  run_zdsim(bin, dir, "run --replications 3 --db k.db quick.ini", NULL, &first);
  g_assert_cmpint(first.status, ==, 0);

  const char *const big[] = { "sweep", "--db", "k.db", "big.ini", NULL };
  GPid pid = spawn_zdsim(bin, dir, big);
  g_usleep(300000);
  kill(pid, SIGKILL);
  int status = wait_for(pid);
  g_test_message("big sweep: status %d", status);
  g_assert_cmpint(status, ==, -SIGKILL);
  g_assert_cmpint(assert_whole(path), ==, 1);

  /* SIGTERM (or Ctrl-C) stops it within a second, with 128 + 15 and nothing stored. The
   * signal goes 300 ms after the start, and never before the handler is there: under load the
   * program may not even have reached main() by then (this test was flaky so). */
  gint64 started = g_get_monotonic_time();
  pid = spawn_zdsim(bin, dir, big);
  wait_for_sigterm_handler(pid);
  gint64 waited = g_get_monotonic_time() - started;
  if (waited < 300000)
    g_usleep((gulong) (300000 - waited));
  kill(pid, SIGTERM);
  status = wait_for(pid);
  g_assert_cmpint(status, ==, 128 + SIGTERM);
  g_assert_cmpint(assert_whole(path), ==, 1);

  /* The same the moment the handler is there, before the files are loaded, the limits
   * checked and the store opened: still handled, still nothing stored. */
  pid = spawn_zdsim(bin, dir, big);
  wait_for_sigterm_handler(pid);
  kill(pid, SIGTERM);
  g_assert_cmpint(wait_for(pid), ==, 128 + SIGTERM);
  g_assert_cmpint(assert_whole(path), ==, 1);

  gint64 base = file_size(wal);
  const char *const wide[] = { "sweep", "--jobs", "2", "--db", "k.db", "wide.ini", NULL };
  pid = spawn_zdsim(bin, dir, wide);
  gint64 deadline = g_get_monotonic_time() + 120 * G_USEC_PER_SEC;
  gboolean exited = FALSE;
  while (g_get_monotonic_time() < deadline) {
    int st;
    if (waitpid(pid, &st, WNOHANG) == pid) {
      exited = TRUE;
      status = exit_code(st);
      break;
    }
    /* The sweep's rows fit SQLite's page cache, so its log is written at the commit: kill
     * at its first pages. */
    if (file_size(wal) > base + 8192)
      break;
    g_usleep(1000);
  }
  if (!exited) {
    kill(pid, SIGKILL);
    status = wait_for(pid);
  } else {
    g_spawn_close_pid(pid);
  }
  gint64 runs = assert_whole(path);
  sqlite3 *db = raw_open(path);
  gint64 sweeps = raw_int(db, "SELECT count(*) FROM sweeps", -1);
  sqlite3_close(db);
  g_test_message("wide sweep: status %d (%s), %s", status,
                 exited ? "finished before the kill" : "killed while writing",
                 sweeps == 1 ? "stored whole" : "nothing stored");
  /* All of the sweep or none of it, whenever the kill came; all of it when it finished. */
  if (sweeps == 1)
    g_assert_cmpint(runs, ==, 1 + 4);
  else
    g_assert_cmpint(runs, ==, 1);
  g_assert_cmpint(sweeps, <=, 1);
  if (status == 0)
    g_assert_cmpint(sweeps, ==, 1);

  /* The database still takes runs. */
  g_auto(Spawned) after = { 0 };
  run_zdsim(bin, dir, "run --replications 3 --db k.db quick.ini", NULL, &after);
  g_assert_cmpint(after.status, ==, 0);
  g_assert_cmpint(assert_whole(path), ==, runs + 1);
  rm_rf(dir);
}

/* A database written before names were capped may hold a 1 MB name with control characters
 * and a bidi override: `list` keeps every row bounded (the name cut to 64 characters, so a
 * row stays under 1 KB) and shows the controls as escapes, never as the raw bytes a terminal
 * would obey. The name goes in by SQL, as an old zdsim could have written it. (`show` takes
 * the name from the stored scenario text, which the loader reads with today's rules.) */
static void
test_hostile_stored_name(void)
{
  g_autofree char *bin = zdsim_bin();
  if (bin == NULL)
    return;
  g_autofree char *dir = tmp_dir();
  write_file(dir, "quick.ini", quick_ini);
  g_autofree char *path = g_build_filename(dir, "h.db", NULL);
  g_auto(Spawned) first = { 0 };
  run_zdsim(bin, dir, "run --replications 2 --db h.db quick.ini", NULL, &first);
  g_assert_cmpint(first.status, ==, 0);

  sqlite3 *db = raw_open(path);
  g_autoptr(GString) name = g_string_new("\x1b[2J\xe2\x80\xae");
  while (name->len < 1024 * 1024)
    g_string_append_c(name, 'n');
  sqlite3_stmt *st = NULL;
  g_assert_cmpint(sqlite3_prepare_v2(db, "UPDATE runs SET scenario = ?", -1, &st, NULL), ==,
                  SQLITE_OK);
  sqlite3_bind_text(st, 1, name->str, (int) name->len, SQLITE_TRANSIENT);
  g_assert_cmpint(sqlite3_step(st), ==, SQLITE_DONE);
  sqlite3_finalize(st);
  sqlite3_close(db);

  g_auto(Spawned) list = { 0 };
  run_zdsim(bin, dir, "list --db h.db", NULL, &list);
  g_assert_cmpint(list.status, ==, 0);
  g_auto(GStrv) lines = g_strsplit(list.out, "\n", -1);
  for (char **l = lines; *l != NULL; l++)
    g_assert_cmpuint(strlen(*l), <, 1024);
  g_assert_null(strchr(list.out, '\x1b'));
  g_assert_null(strstr(list.out, "\xe2\x80\xae"));
  g_assert_nonnull(strstr(list.out, "\\x1b[2J\\u202ennn"));
  g_assert_nonnull(strstr(list.out, "nnn…"));

  rm_rf(dir);
}

/* Reading needs no writable directory: a WAL database on a read-only mount (a bind mount
 * remounted read-only, as root; skipped where mounting is not permitted, since root ignores
 * directory permissions) is read by store_open(READ_ONLY), list, show and compare, where
 * SQLite could not create the -shm file and every read failed. Writing there still fails,
 * with the message naming the file. */
static void
test_read_only_directory(void)
{
  g_autofree char *bin = zdsim_bin();
  if (bin == NULL)
    return;
  g_autofree char *dir = tmp_dir();
  write_file(dir, "quick.ini", quick_ini);
  for (int i = 0; i < 2; i++) {
    g_auto(Spawned) run = { 0 };
    run_zdsim(bin, dir, "run --replications 2 --db r.db quick.ini", NULL, &run);
    g_assert_cmpint(run.status, ==, 0);
  }
  g_autofree char *ro = g_build_filename(dir, "ro", NULL);
  g_assert_cmpint(g_mkdir(ro, 0700), ==, 0);
  if (mount(dir, ro, NULL, MS_BIND, NULL) != 0) {
    g_test_skip("cannot bind-mount here (not root, or no mount namespace): nothing to test");
    rm_rf(dir);
    return;
  }
  if (mount(NULL, ro, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) != 0) {
    umount(ro);
    g_test_skip("cannot remount read-only here: nothing to test");
    rm_rf(dir);
    return;
  }
  g_autofree char *path = g_build_filename(ro, "r.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(Store) store = store_open(path, STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error(error);
  g_autoptr(GPtrArray) runs = store_list_runs(store, 0, NULL, 0, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(runs->len, ==, 2);
  g_clear_pointer(&store, store_close);

  static const char *const reads[] = { "list --db ro/r.db", "show --db ro/r.db 1",
                                       "compare --db ro/r.db 1 2" };
  for (guint i = 0; i < G_N_ELEMENTS(reads); i++) {
    g_auto(Spawned) r = { 0 };
    run_zdsim(bin, dir, reads[i], NULL, &r);
    g_test_message("%s: %d %s", reads[i], r.status, r.err);
    g_assert_cmpint(r.status, ==, 0);
  }
  g_auto(Spawned) w = { 0 };
  run_zdsim(bin, dir, "run --replications 2 --db ro/r.db quick.ini", NULL, &w);
  g_assert_cmpint(w.status, ==, 2);
  g_assert_nonnull(strstr(w.err, "ro/r.db"));
  g_assert_cmpint(umount(ro), ==, 0);
  rm_rf(dir);
}

/* The number of runs in @path's database file alone: SQLite's "immutable" URI parameter
 * (SQLite docs, "URI filenames") reads the file without locking and without its -wal, so what
 * lives only in the write-ahead log is not seen. */
static gint64
runs_in_main_file(const char *path)
{
  g_autofree char *uri = g_strconcat("file:", path, "?immutable=1", NULL);
  sqlite3 *db = NULL;
  g_assert_cmpint(sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL), ==,
                  SQLITE_OK);
  gint64 n = raw_int(db, "SELECT count(*) FROM runs", -1);
  sqlite3_close(db);
  return n;
}

/* After each committed run and sweep the store checkpoints (PASSIVE), so the database file
 * itself holds them while the store is still open: a run of quick.ini is far below the 1000
 * pages at which SQLite checkpoints on its own, so without it the main file would show none.
 * One run, then a sweep of 6 points: 1, then 1 + 6 runs. */
static void
test_checkpoint(void)
{
  g_autofree char *dir = tmp_dir();
  g_autofree char *path = g_build_filename(dir, "ckpt.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(Store) store = open_store(path);
  g_autoptr(Scenario) sc = load_text(quick_ini, "quick.ini", NULL);
  g_autoptr(RunResult) r = execute(sc, TRUE);
  g_assert_cmpint(store_save_run(store, r, &error), >, 0);
  g_assert_no_error(error);
  g_assert_cmpint(runs_in_main_file(path), ==, 1);

  g_autoptr(Scenario) base = load_text(sweep_ini, "sweep.ini", NULL);
  RunOptions options = { .jobs = 2 };
  g_autoptr(SweepResult) sweep = sweep_run(base, &options, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(sweep->results->len, ==, 6);
  g_assert_cmpint(store_save_sweep(store, "sweep", base, sweep->axes, sweep->results,
                                   sweep->points, &error), >, 0);
  g_assert_no_error(error);
  g_assert_cmpint(runs_in_main_file(path), ==, 1 + 6);
  g_clear_pointer(&store, store_close);
  rm_rf(dir);
}

/* A commit that fails for want of room (RLIMIT_FSIZE in a subprocess: a write past the
 * limit fails with EFBIG, as on a full disk) says that nothing was stored and, since every
 * earlier run was checkpointed into the file, that the file holds them. The first run is
 * stored before the limit, which is then set to the files' sizes, so the second run's
 * frames cannot be written. */
static void
test_commit_full(void)
{
  if (!g_test_subprocess()) {
    g_test_trap_subprocess(NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
    g_test_trap_assert_passed();
    return;
  }
  signal(SIGXFSZ, SIG_IGN);
  g_autofree char *dir = tmp_dir();
  g_autofree char *path = g_build_filename(dir, "full.db", NULL);
  g_autofree char *wal = g_strconcat(path, "-wal", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(Store) store = open_store(path);
  g_autoptr(Scenario) sc = load_text(quick_ini, "quick.ini", NULL);
  g_autoptr(RunResult) r = execute(sc, TRUE);
  g_assert_cmpint(store_save_run(store, r, &error), >, 0);
  g_assert_no_error(error);
  GStatBuf db_st, wal_st;
  g_assert_cmpint(g_stat(path, &db_st), ==, 0);
  g_assert_cmpint(g_stat(wal, &wal_st), ==, 0);
  struct rlimit rl = { 0 };
  getrlimit(RLIMIT_FSIZE, &rl);
  rl.rlim_cur = (rlim_t) MAX(db_st.st_size, wal_st.st_size);
  g_assert_cmpint(setrlimit(RLIMIT_FSIZE, &rl), ==, 0);
  /* Ten times the replications: more pages than the first run wrote to the log. */
  const char *const more[] = { "scenario.replications=60", NULL };
  g_autoptr(Scenario) big = load_text(quick_ini, "quick.ini", more);
  g_autoptr(RunResult) r2 = execute(big, TRUE);
  gint64 id = store_save_run(store, r2, &error);
  g_assert_cmpint(id, ==, 0);
  g_assert_nonnull(error);
  g_test_message("%s", error->message);
  g_autofree char *expected = g_strdup_printf("nothing of it was stored, and %s holds every "
                                              "earlier commit", path);
  g_assert_nonnull(strstr(error->message, expected));
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_FSIZE, &rl);
  g_autoptr(GPtrArray) runs = store_list_runs(store, 0, NULL, 0, NULL);
  g_assert_cmpuint(runs->len, ==, 1);
  g_clear_pointer(&store, store_close);
  rm_rf(dir);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/zdsim/store/schema", test_schema);
  g_test_add_func("/zdsim/store/migrate-v1", test_migrate_v1);
  g_test_add_func("/zdsim/store/migrate-v3", test_migrate_v3);
  g_test_add_func("/zdsim/store/roundtrip", test_roundtrip);
  g_test_add_func("/zdsim/store/rows", test_rows);
  g_test_add_func("/zdsim/store/refused", test_refused);
  g_test_add_func("/zdsim/store/cannot-open", test_cannot_open);
  g_test_add_func("/zdsim/store/locked", test_locked);
  g_test_add_func("/zdsim/store/parse-id", test_parse_id);
  g_test_add_func("/zdsim/store/find-baseline", test_find_baseline);
  g_test_add_func("/zdsim/store/sweep-saved", test_sweep_saved);
  g_test_add_func("/zdsim/store/unknown-version", test_unknown_version);
  g_test_add_func("/zdsim/store/two-writers", test_two_writers);
  g_test_add_func("/zdsim/store/killed-sweep", test_killed_sweep);
  g_test_add_func("/zdsim/store/hostile-stored-name", test_hostile_stored_name);
  g_test_add_func("/zdsim/store/read-only-directory", test_read_only_directory);
  g_test_add_func("/zdsim/store/checkpoint", test_checkpoint);
  g_test_add_func("/zdsim/store/commit-full", test_commit_full);
  return g_test_run();
}
