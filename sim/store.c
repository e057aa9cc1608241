/* store.c: the run store over sqlite3: opening it, saving runs and sweeps in one transaction
 * each, and loading them back. Not for the schema's versions (store_migrate.c), running
 * (run.c, sweep.c) or printing. */
#include "zdsim/store.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "store-internal.h"
#include "zdsim/version.h"

G_DEFINE_QUARK(zdsim-store-error-quark, store_error)

/* ---- errors ---- */

/* Turns the connection's last failure into a GError naming the file: "FILE: WHAT: errmsg",
 * with a hint at what to do. */
gboolean
store_fail(const Store *s, GError **error, const char *what)
{
  /* sqlite3_open_v2() leaves no handle only when it cannot allocate one. */
  int code = s->db != NULL ? sqlite3_extended_errcode(s->db) & 0xff : SQLITE_NOMEM;
  const char *msg = s->db != NULL ? sqlite3_errmsg(s->db) : "out of memory";
  StoreError kind = STORE_ERROR_FAILED;
  g_autofree char *hint = NULL;
  switch (code) {
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    kind = STORE_ERROR_BUSY;
    hint = g_strdup_printf(" (another process kept it locked for %.1f s; try again when it is "
                           "done)",
                           s->busy_ms / 1000.0);
    break;
  case SQLITE_NOTADB:
  case SQLITE_CORRUPT:
    kind = STORE_ERROR_NOT_DATABASE;
    hint = g_strdup(" (not a zdsim database; choose another file with --db or ZDSIM_DB)");
    break;
  case SQLITE_CANTOPEN:
  case SQLITE_READONLY:
  case SQLITE_PERM:
  case SQLITE_AUTH:
    kind = STORE_ERROR_CANNOT_OPEN;
    hint = g_strdup(" (check that the file's directory exists and that the file and the "
                    "directory are writable)");
    break;
  default:
    break;
  }
  g_set_error(error, STORE_ERROR, kind, "%s: %s: %s%s", s->path, what, msg,
              hint != NULL ? hint : "");
  return FALSE;
}

/* ---- small helpers over sqlite3 ---- */

sqlite3_stmt *
store_prepare(const Store *s, const char *sql, GError **error)
{
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
    store_fail(s, error, "cannot prepare a statement");
    sqlite3_finalize(st);
    return NULL;
  }
  return st;
}

/* Steps @st; SQLITE_ROW or SQLITE_DONE, or -1 with @error. */
int
store_step(const Store *s, sqlite3_stmt *st, const char *what, GError **error)
{
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return rc;
  store_fail(s, error, what);
  return -1;
}

/* Runs one statement that needs no binding (fixed SQL only, never built from input). */
gboolean
store_exec(const Store *s, const char *sql, const char *what, GError **error)
{
  if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return store_fail(s, error, what);
  return TRUE;
}

void
store_rollback(const Store *s)
{
  /* After a failure the transaction may already be gone; nothing more to report. */
  if (!sqlite3_get_autocommit(s->db))
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* NaN has no SQLite value: it is stored as NULL and read back as NaN. */
static int
bind_double(sqlite3_stmt *st, int i, double v)
{
  return isnan(v) ? sqlite3_bind_null(st, i) : sqlite3_bind_double(st, i, v);
}

static double
column_double(sqlite3_stmt *st, int i)
{
  return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

static char *
column_strdup(sqlite3_stmt *st, int i)
{
  return g_strdup((const char *) sqlite3_column_text(st, i));
}

static double
to_seconds(gint64 us)
{
  return (double) us / G_USEC_PER_SEC;
}

/* Exact for any time below 2^53 µs: the error of us / 1e6 * 1e6 is far below 0.5 µs. */
static gint64
to_us(double s)
{
  return (gint64) llround(s * G_USEC_PER_SEC);
}

static char *
now_iso8601(void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc();
  return g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
}

/* ---- JSON columns ---- */

static char *
json_to_text(JsonNode *root)
{
  g_autoptr(JsonGenerator) gen = json_generator_new();
  json_generator_set_root(gen, root);
  return json_generator_to_data(gen, NULL);
}

static char *
strv_to_json(const char *const *strv)
{
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_array(b);
  for (const char *const *p = strv; p != NULL && *p != NULL; p++)
    json_builder_add_string_value(b, *p);
  json_builder_end_array(b);
  g_autoptr(JsonNode) root = json_builder_get_root(b);
  return json_to_text(root);
}

static JsonNode *
parse_json(const char *text, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new();
  if (!json_parser_load_from_data(parser, text != NULL ? text : "", -1, error))
    return NULL;
  return json_node_copy(json_parser_get_root(parser));
}

/* A JSON array of strings back into a NULL-terminated vector. */
static char **
json_to_strv(const char *text, GError **error)
{
  g_autoptr(JsonNode) root = parse_json(text, error);
  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY(root)) {
    g_set_error(error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA, "not an array");
    return NULL;
  }
  JsonArray *a = json_node_get_array(root);
  GStrvBuilder *b = g_strv_builder_new();
  for (guint i = 0; i < json_array_get_length(a); i++) {
    const char *v = json_array_get_string_element(a, i);
    g_strv_builder_add(b, v != NULL ? v : "");
  }
  char **out = g_strv_builder_end(b);
  g_strv_builder_unref(b);
  return out;
}

static void
axis_free(ScenarioSweepAxis *axis)
{
  g_free(axis->key);
  g_ptr_array_unref(axis->values);
  g_free(axis);
}

static char *
axes_to_json(const GPtrArray *axes)
{
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_array(b);
  for (guint i = 0; axes != NULL && i < axes->len; i++) {
    const ScenarioSweepAxis *axis = g_ptr_array_index(axes, i);
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "key");
    json_builder_add_string_value(b, axis->key);
    json_builder_set_member_name(b, "values");
    json_builder_begin_array(b);
    for (guint v = 0; v < axis->values->len; v++)
      json_builder_add_string_value(b, g_ptr_array_index(axis->values, v));
    json_builder_end_array(b);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  g_autoptr(JsonNode) root = json_builder_get_root(b);
  return json_to_text(root);
}

static GPtrArray *
json_to_axes(const char *text, GError **error)
{
  g_autoptr(JsonNode) root = parse_json(text, error);
  if (root == NULL)
    return NULL;
  g_autoptr(GPtrArray) axes = g_ptr_array_new_with_free_func((GDestroyNotify) axis_free);
  if (!JSON_NODE_HOLDS_ARRAY(root)) {
    g_set_error(error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA, "not an array");
    return NULL;
  }
  JsonArray *a = json_node_get_array(root);
  for (guint i = 0; i < json_array_get_length(a); i++) {
    JsonObject *o = json_array_get_object_element(a, i);
    if (o == NULL || !json_object_has_member(o, "key") || !json_object_has_member(o, "values")) {
      g_set_error(error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                  "axis %u has no key or values", i);
      return NULL;
    }
    ScenarioSweepAxis *axis = g_new0(ScenarioSweepAxis, 1);
    axis->key = g_strdup(json_object_get_string_member(o, "key"));
    axis->values = g_ptr_array_new_with_free_func(g_free);
    JsonArray *values = json_object_get_array_member(o, "values");
    for (guint v = 0; values != NULL && v < json_array_get_length(values); v++)
      g_ptr_array_add(axis->values, g_strdup(json_array_get_string_element(values, v)));
    g_ptr_array_add(axes, axis);
  }
  return g_steal_pointer(&axes);
}

/* ---- opening ---- */

/* Switches the file to WAL. SQLite returns SQLITE_BUSY at once, without its busy handler,
 * when waiting could deadlock (two processes creating the same new database, each switching
 * it), so this waits and tries again itself, up to the busy timeout. */
static gboolean
set_wal(const Store *s, GError **error)
{
  gint64 deadline = g_get_monotonic_time() + (gint64) s->busy_ms * 1000;
  for (;;) {
    int rc = sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
      return TRUE;
    if ((rc & 0xff) != SQLITE_BUSY || g_get_monotonic_time() > deadline)
      return store_fail(s, error, "cannot switch to WAL mode");
    g_usleep(5000);
  }
}

void
store_close(Store *store)
{
  if (store == NULL)
    return;
  sqlite3_close(store->db);
  g_free(store->path);
  g_free(store);
}

const char *
store_get_path(const Store *store)
{
  return store->path;
}

void
store_set_busy_timeout(Store *store, guint ms)
{
  store->busy_ms = ms;
  sqlite3_busy_timeout(store->db, (int) MIN(ms, (guint) G_MAXINT));
}

/* A reader of a WAL database needs its -shm file, which SQLite creates beside the database:
 * in a directory the user cannot write (or on a read-only mount) even a read fails, "unable
 * to open database file" or "attempt to write a readonly database". When no -wal file with
 * content is there, every committed run is in the database file itself, and SQLite's
 * "immutable" URI parameter (SQLite docs, "URI filenames": no locking, no change detection)
 * reads it without the -shm. Nobody can be writing: writing needs that directory too.
 * Returns: TRUE when @s now reads @path so; FALSE leaves @s's handle as it was. */
static gboolean
reopen_immutable(Store *s, const char *path)
{
  int code = sqlite3_extended_errcode(s->db) & 0xff;
  if (code != SQLITE_CANTOPEN && code != SQLITE_READONLY)
    return FALSE;
  g_autofree char *wal = g_strconcat(path, "-wal", NULL);
  GStatBuf st;
  if (g_stat(wal, &st) == 0 && st.st_size > 0)
    return FALSE;
  g_autofree char *absolute = g_canonicalize_filename(path, NULL);
  g_autofree char *uri = g_filename_to_uri(absolute, NULL, NULL);
  if (uri == NULL)
    return FALSE;
  g_autofree char *immutable = g_strconcat(uri, "?immutable=1", NULL);
  sqlite3 *db = NULL;
  if (sqlite3_open_v2(immutable, &db, SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_READONLY |
                                          SQLITE_OPEN_URI, NULL) != SQLITE_OK) {
    sqlite3_close(db);
    return FALSE;
  }
  sqlite3_close(s->db);
  s->db = db;
  sqlite3_extended_result_codes(s->db, 1);
  sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
  return TRUE;
}

Store *
store_open(const char *path, StoreOpenFlags flags, GError **error)
{
  g_return_val_if_fail(path != NULL && *path != '\0', NULL);
  gboolean read_only = (flags & STORE_OPEN_READ_ONLY) != 0;
  if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_CANNOT_OPEN,
                "%s: is a directory, not a database file", path);
    return NULL;
  }
  if (read_only && !g_file_test(path, G_FILE_TEST_EXISTS)) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_CANNOT_OPEN,
                "%s: no such database (nothing has been stored there yet)", path);
    return NULL;
  }

  g_autoptr(Store) s = g_new0(Store, 1);
  s->path = g_strdup(path);
  s->read_only = read_only;
  s->busy_ms = STORE_BUSY_TIMEOUT_MS;
  /* No mutex: a Store is used from one thread at a time (store.h), and SQLite's serialised
   * mode would lock and unlock around every bind and step of a save. */
  int open_flags = SQLITE_OPEN_NOMUTEX |
                   (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path, &s->db, open_flags, NULL);
  if (rc != SQLITE_OK) {
    store_fail(s, error,
               read_only ? "cannot open the database" : "cannot open or create the database");
    return NULL;
  }
  sqlite3_extended_result_codes(s->db, 1);
  sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);

  /* Read before anything is written: a file that is not a database, or not one zdsim may
   * write, is refused here and stays exactly as it was. */
  int version;
  g_autoptr(GError) first = NULL;
  if (!store_migrate_check(s, &version, &first)) {
    if (!read_only || !reopen_immutable(s, path)) {
      g_propagate_error(error, g_steal_pointer(&first));
      return NULL;
    }
    if (!store_migrate_check(s, &version, error))
      return NULL;
  }
  if (read_only && version == 0) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_TOO_OLD,
                "%s: holds no zdsim data yet (nothing has been stored there)", path);
    return NULL;
  }
  /* Read-only, an older version is read as it is (load_values() knows version 1), since
   * upgrading means writing: list, show, check and serve work on it unchanged, and the first
   * command that stores upgrades it. */
  s->version = version;

  if (!read_only) {
    /* WAL lets readers and one writer work at once; it is a property of the file and a no-op
     * when already set. NORMAL synchronisation is safe with WAL (a power cut may lose the
     * last commits but never corrupts). */
    if (!set_wal(s, error) ||
        !store_exec(s, "PRAGMA synchronous = NORMAL", "cannot set synchronous mode", error))
      return NULL;
    if (version < STORE_SCHEMA_VERSION && !store_migrate_upgrade(s, error))
      return NULL;
    s->version = STORE_SCHEMA_VERSION;
  }
  if (!store_exec(s, "PRAGMA foreign_keys = ON", "cannot enable foreign keys", error))
    return NULL;
  return g_steal_pointer(&s);
}

/* ---- saving ---- */

static const char *
cause_name(guint c)
{
  return model_cause_name((ModelCause) c);
}

static int
cause_lookup(const char *name)
{
  for (guint c = 0; c < CAUSE_COUNT; c++)
    if (g_str_equal(cause_name(c), name))
      return (int) c;
  return -1;
}

/* The version-2 column of value @k of a replication (replications): the metrics by their
 * JSON names, then the causes as "downtime_by_cause_s.CAUSE". Quoted, since cause names hold
 * '-'; the names are this program's constants, never input. */
static void
append_value_column(GString *sql, guint k)
{
  if (k < RUN_METRIC_COUNT)
    g_string_append_printf(sql, "\"%s\"", run_metric_name((RunMetric) k));
  else
    g_string_append_printf(sql, "\"downtime_by_cause_s.%s\"", cause_name(k - RUN_METRIC_COUNT));
}

/* Values per replication: the metrics, then the causes. */
#define VALUE_COLUMNS (RUN_METRIC_COUNT + CAUSE_COUNT)

/* The schema version that first stored value @k of a replication: a run stored before has
 * no value there (it reads as NaN, as NULL always did). */
static int
value_since_version(guint k)
{
  if (k < RUN_METRIC_COUNT) {
    switch ((RunMetric) k) {
      case RUN_CAPACITY_SHORTFALL:
      case RUN_TENANT_SLOT_WAIT:
        return 3;
      case RUN_BUSINESS_HOURS_DOWNTIME:
      case RUN_LONGEST_OUTAGE:
      case RUN_YEARLY_LONGEST_OUTAGE:
        return STORE_VERSION_POOLED_OUTAGES;
      default:
        return 1;
    }
  }
  switch ((ModelCause) (k - RUN_METRIC_COUNT)) {
    case CAUSE_PLATFORM_RESTART:
    case CAUSE_CELL_FAILURE:
    case CAUSE_DB_ENGINE_UPGRADE:
    case CAUSE_DEPLOY:
      return 3;
    default:
      return 1;
  }
}

/* How many values of a replication a database of @version holds. */
static guint
value_columns_in(int version)
{
  guint n = 0;
  for (guint k = 0; k < VALUE_COLUMNS; k++)
    n += value_since_version(k) <= version;
  return n;
}

/* Rows per INSERT statement. Past a few dozen the per-statement work is paid off; more only
 * makes the statement longer to prepare. */
#define INSERT_BATCH_ROWS 32

/* Writes the rows of one table with multi-row INSERTs ("VALUES (?, ?), (?, ?), ..."): one
 * statement step per INSERT_BATCH_ROWS rows instead of per row saves SQLite's per-statement
 * work (reset, halt, statement journal) on each of the thousands of rows of a run. Every value
 * is a bound parameter. Use: inserter_init(), then per row ins_begin(), one ins_*() per
 * column and ins_end(); exactly the announced number of rows. */
typedef struct {
  const Store *s;
  const char *head;   /* "INSERT INTO t (a, b) VALUES " */
  const char *what;   /* for errors: "cannot store an outage" */
  guint cols;
  guint batch;        /* rows of a full statement */
  guint left;         /* rows announced and not yet ended */
  sqlite3_stmt *full; /* the statement of @batch rows, prepared once and reused */
  sqlite3_stmt *tail; /* the last, shorter one */
  sqlite3_stmt *st;   /* the statement being filled (full or tail), or NULL */
  guint rows;         /* rows @st takes */
  guint row;          /* rows of @st ended so far */
  int param;          /* @st's next parameter */
  int rc;             /* the first bind failure of the row */
} Inserter;

static void
inserter_clear(Inserter *in)
{
  sqlite3_finalize(in->full);
  sqlite3_finalize(in->tail);
  in->full = in->tail = in->st = NULL;
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Inserter, inserter_clear)

static void
inserter_init(Inserter *in, const Store *s, const char *head, guint cols, guint rows,
              const char *what)
{
  *in = (Inserter) { .s = s, .head = head, .what = what, .cols = cols, .left = rows };
  /* SQLite allows at most this many parameters per statement (32766 by default). */
  int limit = sqlite3_limit(s->db, SQLITE_LIMIT_VARIABLE_NUMBER, -1);
  in->batch = CLAMP((guint) MAX(limit, 1) / cols, 1, INSERT_BATCH_ROWS);
}

static sqlite3_stmt *
prepare_insert(const Inserter *in, guint rows, GError **error)
{
  g_autoptr(GString) sql = g_string_new(in->head);
  for (guint r = 0; r < rows; r++) {
    g_string_append(sql, r == 0 ? "(?" : ", (?");
    for (guint c = 1; c < in->cols; c++)
      g_string_append(sql, ", ?");
    g_string_append_c(sql, ')');
  }
  return store_prepare(in->s, sql->str, error);
}

static gboolean
ins_begin(Inserter *in, GError **error)
{
  g_assert(in->left > 0);
  if (in->st == NULL) {
    in->rows = MIN(in->batch, in->left);
    if (in->rows == in->batch) {
      if (in->full == NULL && (in->full = prepare_insert(in, in->rows, error)) == NULL)
        return FALSE;
      in->st = in->full;
    } else {
      sqlite3_finalize(in->tail);
      if ((in->tail = prepare_insert(in, in->rows, error)) == NULL)
        return FALSE;
      in->st = in->tail;
    }
    in->row = 0;
    in->param = 1;
  }
  in->rc = SQLITE_OK;
  return TRUE;
}

static void
ins_int(Inserter *in, gint64 v)
{
  int rc = sqlite3_bind_int64(in->st, in->param++, v);
  if (in->rc == SQLITE_OK)
    in->rc = rc;
}

static void
ins_double(Inserter *in, double v)
{
  int rc = bind_double(in->st, in->param++, v);
  if (in->rc == SQLITE_OK)
    in->rc = rc;
}

/* @v must live until the row's statement has run (SQLITE_STATIC): a constant. */
static void
ins_text(Inserter *in, const char *v)
{
  int rc = sqlite3_bind_text(in->st, in->param++, v, -1, SQLITE_STATIC);
  if (in->rc == SQLITE_OK)
    in->rc = rc;
}

/* Ends a row; runs the statement once it is full. */
static gboolean
ins_end(Inserter *in, GError **error)
{
  g_assert(in->param == (int) ((in->row + 1) * in->cols + 1));
  if (in->rc != SQLITE_OK)
    return store_fail(in->s, error, in->what);
  in->left--;
  if (++in->row < in->rows)
    return TRUE;
  int rc = store_step(in->s, in->st, in->what, error);
  sqlite3_reset(in->st);
  in->st = NULL;
  return rc >= 0;
}

/* The rows of one run, inside the caller's transaction. Returns the run id or 0. */
static gint64
save_run_rows(const Store *s, const RunResult *r, gint64 sweep_id, const char *const *point,
              GError **error)
{
  const Scenario *sc = r->scenario;
  g_autofree char *created = now_iso8601();
  g_autofree char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, sc->text, -1);
  g_autofree char *overrides = strv_to_json((const char *const *) sc->overrides);
  g_autofree char *point_json = point != NULL ? strv_to_json(point) : NULL;

  g_autoptr(sqlite3_stmt) st = store_prepare(
      s,
      "INSERT INTO runs (created, scenario, path, scenario_text, scenario_sha256, overrides, "
      "seed, replications, policy, instances, horizon_s, version, events, updates, wall_s, "
      "sweep_id, point) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
      "?15, ?16, ?17)",
      error);
  if (st == NULL)
    return 0;
  int rc = sqlite3_bind_text(st, 1, created, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text(st, 2, sc->name, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text(st, 3, sc->path, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text(st, 4, sc->text, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text(st, 5, hash, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text(st, 6, overrides, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK) /* the guint64's bit pattern; read back with the same cast */
    rc = sqlite3_bind_int64(st, 7, (sqlite3_int64) sc->seed);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_int64(st, 8, r->replications);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text(st, 9, sc->evacuation, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_int64(st, 10, sc->instances);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_double(st, 11, to_seconds(sc->horizon));
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text(st, 12, ZDSIM_VERSION, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_int64(st, 13, (sqlite3_int64) r->events);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_int64(st, 14, (sqlite3_int64) r->updates);
  if (rc == SQLITE_OK)
    rc = bind_double(st, 15, r->wall_s);
  if (rc == SQLITE_OK)
    rc = sweep_id > 0 ? sqlite3_bind_int64(st, 16, sweep_id) : sqlite3_bind_null(st, 16);
  if (rc == SQLITE_OK)
    rc = point_json != NULL ? sqlite3_bind_text(st, 17, point_json, -1, SQLITE_STATIC)
                            : sqlite3_bind_null(st, 17);
  if (rc != SQLITE_OK) {
    store_fail(s, error, "cannot store the run");
    return 0;
  }
  if (store_step(s, st, "cannot store the run", error) < 0)
    return 0;
  gint64 run = sqlite3_last_insert_rowid(s->db);

  /* Every table is written in primary-key order, so each row lands at the end of its b-tree:
   * the cheapest insert SQLite has. */
  g_autoptr(GString) head = g_string_new("INSERT INTO replications (run, replication");
  for (guint k = 0; k < VALUE_COLUMNS; k++) {
    g_string_append(head, ", ");
    append_value_column(head, k);
  }
  g_string_append(head, ") VALUES ");
  g_auto(Inserter) values = { 0 };
  inserter_init(&values, s, head->str, 2 + VALUE_COLUMNS, r->replications,
                "cannot store the per-replication values");
  for (guint rep = 0; rep < r->replications; rep++) {
    if (!ins_begin(&values, error))
      return 0;
    ins_int(&values, run);
    ins_int(&values, rep);
    for (guint m = 0; m < RUN_METRIC_COUNT; m++)
      ins_double(&values, r->values[(gsize) rep * RUN_METRIC_COUNT + m]);
    for (guint c = 0; c < CAUSE_COUNT; c++)
      ins_double(&values, r->by_cause[(gsize) rep * CAUSE_COUNT + c]);
    if (!ins_end(&values, error))
      return 0;
  }

  guint outages = 0;
  for (guint rep = 0; rep < r->replications; rep++)
    outages += ((const GArray *) g_ptr_array_index(r->outages, rep))->len;
  g_auto(Inserter) outage = { 0 };
  inserter_init(&outage, s,
                "INSERT INTO outages (run, replication, seq, start_s, end_s, cause) VALUES ", 6,
                outages, "cannot store an outage");
  for (guint rep = 0; rep < r->replications; rep++) {
    const GArray *list = g_ptr_array_index(r->outages, rep);
    for (guint i = 0; i < list->len; i++) {
      const ModelInterval *o = &g_array_index(list, ModelInterval, i);
      if (!ins_begin(&outage, error))
        return 0;
      ins_int(&outage, run);
      ins_int(&outage, rep);
      ins_int(&outage, i);
      ins_double(&outage, to_seconds(o->start));
      ins_double(&outage, to_seconds(o->end));
      ins_text(&outage, cause_name(o->cause));
      if (!ins_end(&outage, error))
        return 0;
    }
  }

  /* The summaries' names for the causes, alive until their statement has run. */
  g_autoptr(GPtrArray) cause_metric = g_ptr_array_new_with_free_func(g_free);
  for (guint c = 0; c < CAUSE_COUNT; c++)
    g_ptr_array_add(cause_metric, g_strconcat("downtime_by_cause_s.", cause_name(c), NULL));
  g_auto(Inserter) summary = { 0 };
  inserter_init(&summary, s,
                "INSERT INTO summaries (run, metric, mean, sd, lo, hi, method) VALUES ", 7,
                VALUE_COLUMNS, "cannot store a summary");
  for (guint k = 0; k < VALUE_COLUMNS; k++) {
    const StatsSummary *sum = k < RUN_METRIC_COUNT ? &r->summary[k]
                                                   : &r->cause_summary[k - RUN_METRIC_COUNT];
    if (!ins_begin(&summary, error))
      return 0;
    ins_int(&summary, run);
    ins_text(&summary, k < RUN_METRIC_COUNT ? run_metric_name((RunMetric) k)
                                            : g_ptr_array_index(cause_metric,
                                                                k - RUN_METRIC_COUNT));
    ins_double(&summary, sum->mean);
    ins_double(&summary, sum->sd);
    ins_double(&summary, sum->lo);
    ins_double(&summary, sum->hi);
    ins_text(&summary, stats_method_name(sum->method));
    if (!ins_end(&summary, error))
      return 0;
  }

  if (r->timeline != NULL) {
    g_auto(Inserter) sample = { 0 };
    inserter_init(&sample, s,
                  "INSERT INTO timeline (run, seq, t_s, serving, starting, containers, db_up) "
                  "VALUES ",
                  7, r->timeline->len, "cannot store the timeline");
    for (guint i = 0; i < r->timeline->len; i++) {
      const ModelSample *x = &g_array_index(r->timeline, ModelSample, i);
      if (!ins_begin(&sample, error))
        return 0;
      ins_int(&sample, run);
      ins_int(&sample, i);
      ins_double(&sample, to_seconds(x->time));
      ins_int(&sample, x->serving);
      ins_int(&sample, x->starting);
      ins_int(&sample, x->containers);
      ins_int(&sample, x->db_up ? 1 : 0);
      if (!ins_end(&sample, error))
        return 0;
    }
  }
  if (r->updates_spans != NULL) {
    g_auto(Inserter) span = { 0 };
    inserter_init(&span, s, "INSERT INTO update_spans (run, seq, start_s, end_s, cause) VALUES ",
                  5, r->updates_spans->len, "cannot store the platform work");
    for (guint i = 0; i < r->updates_spans->len; i++) {
      const ModelInterval *x = &g_array_index(r->updates_spans, ModelInterval, i);
      if (!ins_begin(&span, error))
        return 0;
      ins_int(&span, run);
      ins_int(&span, i);
      ins_double(&span, to_seconds(x->start));
      ins_double(&span, to_seconds(x->end));
      ins_text(&span, cause_name(x->cause));
      if (!ins_end(&span, error))
        return 0;
    }
  }
  return run;
}

/* Commits the open transaction; then a PASSIVE checkpoint (SQLite's "Checkpoint a database",
 * sqlite3_wal_checkpoint_v2()) copies what the write-ahead log holds into the database file
 * itself, without waiting for readers, so that a committed run does not live only in FILE-wal
 * until SQLite's automatic checkpoint at 1000 pages: a FILE copied or read without its -wal
 * (SQLite's "immutable" URI, reopen_immutable()) holds it. When the commit fails, SQLite has
 * rolled the transaction back, and the error says so and whether FILE-wal still holds
 * earlier commits not yet in FILE (a checkpoint that failed for a full disk). */
static gboolean
commit(Store *s, const char *what, GError **error)
{
  if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK) {
    /* A checkpoint that cannot finish (a reader, a full disk) leaves the frames in the log,
     * where SQLite still finds them: the run is stored either way. */
    sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    return TRUE;
  }
  store_fail(s, error, what);
  store_rollback(s);
  int log = -1, done = -1;
  int rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
  gboolean pending;
  if (rc == SQLITE_OK && log >= 0 && done >= 0) {
    pending = log > done;
  } else {
    /* The counts are unknown: a -wal file with content may hold commits not yet copied. */
    g_autofree char *wal = g_strconcat(s->path, "-wal", NULL);
    GStatBuf st;
    pending = g_stat(wal, &st) == 0 && st.st_size > 0;
  }
  if (error != NULL && *error != NULL) {
    char *message = (*error)->message;
    (*error)->message =
        pending ? g_strdup_printf("%s; nothing of it was stored, and %s-wal holds earlier "
                                  "commits not yet copied into %s: keep it beside %s (SQLite "
                                  "copies them in when the database is next written with room "
                                  "to spare)", message, s->path, s->path, s->path)
                : g_strdup_printf("%s; nothing of it was stored, and %s holds every earlier "
                                  "commit", message, s->path);
    g_free(message);
  }
  return FALSE;
}

static gboolean
writable(const Store *s, GError **error)
{
  if (!s->read_only)
    return TRUE;
  g_set_error(error, STORE_ERROR, STORE_ERROR_CANNOT_OPEN, "%s: opened read-only", s->path);
  return FALSE;
}

gint64
store_save_run(Store *store, const RunResult *result, GError **error)
{
  if (!writable(store, error))
    return 0;
  if (!store_exec(store, "BEGIN IMMEDIATE", "cannot start storing the run", error))
    return 0;
  gint64 id = save_run_rows(store, result, 0, NULL, error);
  if (id == 0) {
    store_rollback(store);
    return 0;
  }
  if (!commit(store, "cannot commit the run", error))
    return 0;
  return id;
}

/* Marks what a partial merge stored (schema version 4), inside the caller's transaction:
 * the run @run, or the sweep @sweep and every run of it. */
static gboolean
mark_partial(const Store *s, const char *table, gint64 id, const char *partial, GError **error)
{
  g_autoptr(sqlite3_stmt) st = store_prepare(
      s,
      g_str_equal(table, "runs")
          ? "UPDATE runs SET partial = ?1 WHERE id = ?2"
          : "UPDATE sweeps SET partial = ?1 WHERE id = ?2",
      error);
  if (st == NULL)
    return FALSE;
  if (sqlite3_bind_text(st, 1, partial, -1, SQLITE_STATIC) != SQLITE_OK ||
      sqlite3_bind_int64(st, 2, id) != SQLITE_OK)
    return store_fail(s, error, "cannot mark the merge partial");
  if (store_step(s, st, "cannot mark the merge partial", error) < 0)
    return FALSE;
  if (g_str_equal(table, "runs"))
    return TRUE;
  g_autoptr(sqlite3_stmt) runs =
      store_prepare(s, "UPDATE runs SET partial = ?1 WHERE sweep_id = ?2", error);
  if (runs == NULL)
    return FALSE;
  if (sqlite3_bind_text(runs, 1, partial, -1, SQLITE_STATIC) != SQLITE_OK ||
      sqlite3_bind_int64(runs, 2, id) != SQLITE_OK)
    return store_fail(s, error, "cannot mark the merge partial");
  return store_step(s, runs, "cannot mark the merge partial", error) >= 0;
}

static gint64 save_sweep(Store *store, const char *kind, const Scenario *base,
                         const GPtrArray *axes, const GPtrArray *results,
                         const GPtrArray *points, const char *partial, GError **error);

gint64
store_save_sweep(Store *store, const char *kind, const Scenario *base, const GPtrArray *axes,
                 const GPtrArray *results, const GPtrArray *points, GError **error)
{
  return save_sweep(store, kind, base, axes, results, points, NULL, error);
}

gint64
store_save_sweep_partial(Store *store, const char *kind, const Scenario *base,
                         const GPtrArray *axes, const GPtrArray *results,
                         const GPtrArray *points, const char *partial, GError **error)
{
  g_return_val_if_fail(partial != NULL, 0);
  return save_sweep(store, kind, base, axes, results, points, partial, error);
}

gint64
store_save_run_partial(Store *store, const RunResult *result, const char *partial,
                       GError **error)
{
  g_return_val_if_fail(partial != NULL, 0);
  if (!writable(store, error))
    return 0;
  if (!store_exec(store, "BEGIN IMMEDIATE", "cannot start storing the run", error))
    return 0;
  gint64 id = save_run_rows(store, result, 0, NULL, error);
  if (id == 0 || !mark_partial(store, "runs", id, partial, error)) {
    store_rollback(store);
    return 0;
  }
  if (!commit(store, "cannot commit the run", error))
    return 0;
  return id;
}

static gint64
save_sweep(Store *store, const char *kind, const Scenario *base, const GPtrArray *axes,
           const GPtrArray *results, const GPtrArray *points, const char *partial,
           GError **error)
{
  g_return_val_if_fail(results->len == points->len, 0);
  if (!writable(store, error))
    return 0;
  g_autofree char *created = now_iso8601();
  g_autofree char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, base->text, -1);
  g_autofree char *overrides = strv_to_json((const char *const *) base->overrides);
  g_autofree char *axes_json = axes_to_json(axes);

  g_autoptr(sqlite3_stmt) st = store_prepare(
      store,
      "INSERT INTO sweeps (kind, scenario, path, scenario_text, scenario_sha256, overrides, "
      "axes, created, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
      error);
  if (st == NULL)
    return 0;
  int rc = sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text(st, 2, base->name, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text(st, 3, base->path, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text(st, 4, base->text, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text(st, 5, hash, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text(st, 6, overrides, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text(st, 7, axes_json, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text(st, 8, created, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text(st, 9, ZDSIM_VERSION, -1, SQLITE_STATIC);
  if (rc != SQLITE_OK) {
    store_fail(store, error, "cannot store the sweep");
    return 0;
  }
  /* One transaction for the sweep and all its runs: a kill leaves none of it. */
  if (!store_exec(store, "BEGIN IMMEDIATE", "cannot start storing the sweep", error))
    return 0;
  if (store_step(store, st, "cannot store the sweep", error) < 0) {
    store_rollback(store);
    return 0;
  }
  gint64 sweep = sqlite3_last_insert_rowid(store->db);
  for (guint i = 0; i < results->len; i++) {
    if (save_run_rows(store, g_ptr_array_index(results, i), sweep,
                      g_ptr_array_index(points, i), error) == 0) {
      store_rollback(store);
      return 0;
    }
  }
  if (partial != NULL && !mark_partial(store, "sweeps", sweep, partial, error)) {
    store_rollback(store);
    return 0;
  }
  if (!commit(store, "cannot commit the sweep", error))
    return 0;
  return sweep;
}

/* ---- loading ---- */

void
store_run_info_free(StoreRunInfo *info)
{
  if (info == NULL)
    return;
  g_free(info->created);
  g_free(info->scenario);
  g_free(info->path);
  g_free(info->scenario_sha256);
  g_strfreev(info->overrides);
  g_free(info->policy);
  g_free(info->version);
  g_strfreev(info->point);
  g_free(info->partial);
  g_free(info);
}

void
store_run_free(StoreRun *run)
{
  if (run == NULL)
    return;
  /* The result points at the scenario: free it first. */
  run_result_free(run->result);
  scenario_free(run->scenario);
  g_free(run->scenario_text);
  store_run_info_free(run->info);
  g_free(run);
}

void
store_sweep_info_free(StoreSweepInfo *info)
{
  if (info == NULL)
    return;
  g_free(info->kind);
  g_free(info->created);
  g_free(info->scenario);
  g_free(info->path);
  g_free(info->scenario_sha256);
  g_strfreev(info->overrides);
  if (info->axes != NULL)
    g_ptr_array_unref(info->axes);
  g_free(info->version);
  g_free(info->partial);
  g_free(info);
}

#define RUN_COLUMNS                                                                              \
  "id, created, scenario, path, scenario_sha256, overrides, seed, replications, policy, "       \
  "instances, horizon_s, version, events, updates, wall_s, sweep_id, point"

static gboolean
corrupt(const Store *s, GError **error, const char *what, gint64 id, const GError *why)
{
  g_set_error(error, STORE_ERROR, STORE_ERROR_FAILED, "%s: run %" G_GINT64_FORMAT ": %s%s%s",
              s->path, id, what, why != NULL ? ": " : "", why != NULL ? why->message : "");
  return FALSE;
}

/* Whether a stored run of @horizon_s seconds measured at most one 365-day block, so that each
 * replication's longest outage is its yearly longest (README, Reading the report): what lets a
 * database older than STORE_VERSION_POOLED_OUTAGES give yearly_longest_outage_s from
 * max_outage_s. */
static gboolean
one_block(double horizon_s)
{
  return horizon_s <= RUN_YEAR_S;
}

/* What a partial merge lacked (schema version STORE_VERSION_SHARDS; NULL before, and when
 * whole). */
static gboolean
load_partial(const Store *s, const char *table, gint64 id, char **out, GError **error)
{
  *out = NULL;
  if (s->version < STORE_VERSION_SHARDS)
    return TRUE;
  g_autoptr(sqlite3_stmt) st = store_prepare(
      s,
      g_str_equal(table, "runs") ? "SELECT partial FROM runs WHERE id = ?1"
                                 : "SELECT partial FROM sweeps WHERE id = ?1",
      error);
  if (st == NULL)
    return FALSE;
  if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK)
    return store_fail(s, error, "cannot read whether a merge was partial");
  int rc = store_step(s, st, "cannot read whether a merge was partial", error);
  if (rc < 0)
    return FALSE;
  if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
    *out = column_strdup(st, 0);
  return TRUE;
}

static gboolean
load_summaries(const Store *s, StoreRunInfo *info, GError **error)
{
  for (guint m = 0; m < RUN_METRIC_COUNT; m++)
    info->summary[m] = (StatsSummary) { NAN, NAN, NAN, NAN, info->replications, STATS_METHOD_T };
  for (guint c = 0; c < CAUSE_COUNT; c++)
    info->cause_summary[c] = (StatsSummary) { NAN, NAN, NAN, NAN, info->replications, STATS_METHOD_T };
  /* Before STORE_VERSION_POOLED_OUTAGES every interval was Student t. */
  gboolean old = s->version < STORE_VERSION_POOLED_OUTAGES;
  g_autoptr(sqlite3_stmt) st = store_prepare(
      s,
      old ? "SELECT metric, mean, sd, lo, hi, 't' FROM summaries WHERE run = ?1"
          : "SELECT metric, mean, sd, lo, hi, method FROM summaries WHERE run = ?1",
      error);
  if (st == NULL)
    return FALSE;
  if (sqlite3_bind_int64(st, 1, info->id) != SQLITE_OK)
    return store_fail(s, error, "cannot read the summaries");
  int rc;
  while ((rc = store_step(s, st, "cannot read the summaries", error)) == SQLITE_ROW) {
    const char *name = (const char *) sqlite3_column_text(st, 0);
    StatsSummary *to = NULL;
    int m = run_metric_lookup(name);
    if (m >= 0)
      to = &info->summary[m];
    else if (g_str_has_prefix(name, "downtime_by_cause_s.")) {
      int c = cause_lookup(name + strlen("downtime_by_cause_s."));
      if (c >= 0)
        to = &info->cause_summary[c];
    } else if (old && g_str_equal(name, "max_outage_s") && one_block(info->horizon_s))
      to = &info->summary[RUN_YEARLY_LONGEST_OUTAGE]; /* the mean of the replications' longest */
    if (to == NULL)
      continue; /* a figure this zdsim does not know */
    to->mean = column_double(st, 1);
    to->sd = column_double(st, 2);
    to->lo = column_double(st, 3);
    to->hi = column_double(st, 4);
    int method = stats_method_lookup((const char *) sqlite3_column_text(st, 5));
    if (method < 0)
      return corrupt(s, error, "a summary of an unknown interval method", info->id, NULL);
    to->method = (StatsMethod) method;
  }
  if (rc != SQLITE_DONE)
    return FALSE;
  /* An older database's mean and p95 outage were means over the replications; the pooled
   * figures are computed from its outages, as the upgrade stores them. */
  if (old)
    return store_pool_run_outages(s, info->id, info->seed, info->replications,
                                  &info->summary[RUN_MEAN_OUTAGE],
                                  &info->summary[RUN_OUTAGE_P95],
                                  &info->summary[RUN_LONGEST_OUTAGE], error);
  return TRUE;
}

gint64
store_seconds_to_us(double seconds)
{
  return to_us(seconds);
}

gboolean
store_pool_run_outages(const Store *s, gint64 run, guint64 seed, guint replications,
                       StatsSummary *mean, StatsSummary *p95, StatsSummary *longest,
                       GError **error)
{
  g_autoptr(GPtrArray) outages = g_ptr_array_new_with_free_func((GDestroyNotify) g_array_unref);
  for (guint i = 0; i < replications; i++)
    g_ptr_array_add(outages, g_array_new(FALSE, FALSE, sizeof(ModelInterval)));
  g_autoptr(sqlite3_stmt) st = store_prepare(
      s,
      "SELECT replication, start_s, end_s FROM outages WHERE run = ?1 ORDER BY replication, seq",
      error);
  if (st == NULL)
    return FALSE;
  if (sqlite3_bind_int64(st, 1, run) != SQLITE_OK)
    return store_fail(s, error, "cannot read the outages");
  int rc;
  while ((rc = store_step(s, st, "cannot read the outages", error)) == SQLITE_ROW) {
    sqlite3_int64 rep = sqlite3_column_int64(st, 0);
    if (rep < 0 || rep >= replications)
      return corrupt(s, error, "an outage of an unknown replication", run, NULL);
    ModelInterval o = {
      .start = to_us(sqlite3_column_double(st, 1)),
      .end = to_us(sqlite3_column_double(st, 2)),
    };
    g_array_append_val(g_ptr_array_index(outages, rep), o);
  }
  if (rc != SQLITE_DONE)
    return FALSE;
  run_pool_outages(outages, replications, seed, mean, p95, longest);
  return TRUE;
}

/* The info of the row @st is on (selected with RUN_COLUMNS). */
static StoreRunInfo *
read_info(const Store *s, sqlite3_stmt *st, GError **error)
{
  g_autoptr(StoreRunInfo) info = g_new0(StoreRunInfo, 1);
  info->id = sqlite3_column_int64(st, 0);
  info->created = column_strdup(st, 1);
  info->scenario = column_strdup(st, 2);
  info->path = column_strdup(st, 3);
  info->scenario_sha256 = column_strdup(st, 4);
  g_autoptr(GError) why = NULL;
  info->overrides = json_to_strv((const char *) sqlite3_column_text(st, 5), &why);
  if (info->overrides == NULL) {
    corrupt(s, error, "its overrides are not a JSON array of strings", info->id, why);
    return NULL;
  }
  info->seed = (guint64) sqlite3_column_int64(st, 6);
  info->replications = (guint) sqlite3_column_int64(st, 7);
  info->policy = column_strdup(st, 8);
  info->instances = (guint) sqlite3_column_int64(st, 9);
  info->horizon_s = sqlite3_column_double(st, 10);
  info->version = column_strdup(st, 11);
  info->events = (guint64) sqlite3_column_int64(st, 12);
  info->updates = (guint64) sqlite3_column_int64(st, 13);
  info->wall_s = column_double(st, 14);
  info->sweep_id = sqlite3_column_type(st, 15) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 15);
  if (sqlite3_column_type(st, 16) != SQLITE_NULL) {
    info->point = json_to_strv((const char *) sqlite3_column_text(st, 16), &why);
    if (info->point == NULL) {
      corrupt(s, error, "its sweep point is not a JSON array of strings", info->id, why);
      return NULL;
    }
  }
  if (info->replications < 1) {
    corrupt(s, error, "it has no replications", info->id, NULL);
    return NULL;
  }
  if (!load_summaries(s, info, error))
    return NULL;
  if (!load_partial(s, "runs", info->id, &info->partial, error))
    return NULL;
  return g_steal_pointer(&info);
}

GPtrArray *
store_list_runs(Store *store, gint64 sweep_id, const char *scenario, guint limit, GError **error)
{
  g_autoptr(sqlite3_stmt) st = store_prepare(
      store,
      sweep_id > 0 ? "SELECT " RUN_COLUMNS " FROM runs WHERE sweep_id = ?1 "
                     "AND (?2 IS NULL OR scenario = ?2) ORDER BY id LIMIT ?3"
                   : "SELECT " RUN_COLUMNS " FROM runs WHERE ?1 = 0 "
                     "AND (?2 IS NULL OR scenario = ?2) ORDER BY id DESC LIMIT ?3",
      error);
  if (st == NULL)
    return NULL;
  int rc = sqlite3_bind_int64(st, 1, MAX(sweep_id, 0));
  if (rc == SQLITE_OK)
    rc = scenario != NULL ? sqlite3_bind_text(st, 2, scenario, -1, SQLITE_STATIC)
                          : sqlite3_bind_null(st, 2);
  if (rc == SQLITE_OK) /* a negative LIMIT is none */
    rc = sqlite3_bind_int64(st, 3, limit > 0 ? (sqlite3_int64) limit : -1);
  if (rc != SQLITE_OK) {
    store_fail(store, error, "cannot list the runs");
    return NULL;
  }
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify) store_run_info_free);
  while ((rc = store_step(store, st, "cannot list the runs", error)) == SQLITE_ROW) {
    StoreRunInfo *info = read_info(store, st, error);
    if (info == NULL)
      return NULL;
    g_ptr_array_add(out, info);
  }
  if (rc < 0)
    return NULL;
  return g_steal_pointer(&out);
}

static gboolean
not_found(const Store *s, const char *what, gint64 id, GError **error)
{
  g_set_error(error, STORE_ERROR, STORE_ERROR_NOT_FOUND,
              "%s: no %s %" G_GINT64_FORMAT " (zdsim list shows what is stored)", s->path, what,
              id);
  return FALSE;
}

static StoreRunInfo *
load_info(Store *s, gint64 id, char **scenario_text, GError **error)
{
  g_autoptr(sqlite3_stmt) st = store_prepare(
      s, "SELECT " RUN_COLUMNS ", scenario_text FROM runs WHERE id = ?1", error);
  if (st == NULL)
    return NULL;
  if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK) {
    store_fail(s, error, "cannot read the run");
    return NULL;
  }
  int rc = store_step(s, st, "cannot read the run", error);
  if (rc < 0)
    return NULL;
  if (rc == SQLITE_DONE) {
    not_found(s, "run", id, error);
    return NULL;
  }
  StoreRunInfo *info = read_info(s, st, error);
  if (info != NULL)
    *scenario_text = column_strdup(st, 17);
  return info;
}

/* Version 1's per-replication values, one per row in `metrics` and `downtime_by_cause` (a
 * version-1 database opened read-only). Every one must be there. */
static gboolean
load_values_v1(Store *s, gint64 id, RunResult *r, GError **error)
{
  guint n = r->replications;
  g_autofree guint8 *seen = g_new0(guint8, (gsize) n * VALUE_COLUMNS);
  for (guint rep = 0; rep < n; rep++) {
    for (guint m = 0; m < RUN_METRIC_COUNT; m++)
      if (value_since_version(m) > s->version)
        r->values[(gsize) rep * RUN_METRIC_COUNT + m] = NAN;
    for (guint c = 0; c < CAUSE_COUNT; c++)
      if (value_since_version(RUN_METRIC_COUNT + c) > s->version)
        r->by_cause[(gsize) rep * CAUSE_COUNT + c] = NAN;
  }
  static const char *const sql[2] = {
    "SELECT replication, metric, value FROM metrics WHERE run = ?1",
    "SELECT replication, cause, seconds_per_year FROM downtime_by_cause WHERE run = ?1",
  };
  guint found = 0;
  for (int table = 0; table < 2; table++) {
    g_autoptr(sqlite3_stmt) st = store_prepare(s, sql[table], error);
    if (st == NULL)
      return FALSE;
    if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK)
      return store_fail(s, error, "cannot read the run's values");
    int rc;
    while ((rc = store_step(s, st, "cannot read the run's values", error)) == SQLITE_ROW) {
      sqlite3_int64 rep = sqlite3_column_int64(st, 0);
      const char *name = (const char *) sqlite3_column_text(st, 1);
      int k = table == 0 ? run_metric_lookup(name) : cause_lookup(name);
      if (table == 0 && k < 0 && g_str_equal(name, "max_outage_s")) {
        /* A replication's longest outage, and its yearly longest when the run measured one
         * 365-day block at most (as in load_values()); not counted as found, since version 1
         * has no longest_outage_s. */
        if (rep < 0 || rep >= n)
          return corrupt(s, error, "a value of a replication it does not have", id, NULL);
        double v = column_double(st, 2);
        r->values[(gsize) rep * RUN_METRIC_COUNT + RUN_LONGEST_OUTAGE] = v;
        if (one_block((double) r->scenario->horizon / DIST_USEC_PER_SEC))
          r->values[(gsize) rep * RUN_METRIC_COUNT + RUN_YEARLY_LONGEST_OUTAGE] = v;
        continue;
      }
      if (k < 0)
        continue; /* a figure this zdsim does not know */
      if (rep < 0 || rep >= n)
        return corrupt(s, error, "a value of a replication it does not have", id, NULL);
      gsize slot = (gsize) rep * VALUE_COLUMNS +
                   (table == 0 ? (gsize) k : RUN_METRIC_COUNT + (gsize) k);
      if (!seen[slot]) {
        seen[slot] = 1;
        found++;
      }
      if (table == 0)
        r->values[(gsize) rep * RUN_METRIC_COUNT + k] = column_double(st, 2);
      else
        r->by_cause[(gsize) rep * CAUSE_COUNT + k] = column_double(st, 2);
    }
    if (rc < 0)
      return FALSE;
  }
  if (found != n * value_columns_in(s->version))
    return corrupt(s, error, "some of its per-replication values are missing", id, NULL);
  return TRUE;
}

/* Reads the per-replication values of a run into @r: one row per replication, every one
 * there. */
static gboolean
load_values(Store *s, gint64 id, RunResult *r, GError **error)
{
  if (s->version < 2)
    return load_values_v1(s, id, r, error);
  g_autoptr(GString) sql = g_string_new("SELECT replication");
  for (guint k = 0; k < VALUE_COLUMNS; k++) {
    g_string_append(sql, ", ");
    if (value_since_version(k) <= s->version)
      append_value_column(sql, k);
    else if (k == RUN_LONGEST_OUTAGE)
      g_string_append(sql, "max_outage_s"); /* a replication's longest outage, renamed */
    else if (k == RUN_YEARLY_LONGEST_OUTAGE) /* the same within one block (one_block()) */
      g_string_append_printf(sql,
                             "CASE WHEN (SELECT horizon_s FROM runs WHERE id = ?1) <= %.1f "
                             "THEN max_outage_s END",
                             RUN_YEAR_S);
    else
      g_string_append(sql, "NULL");
  }
  g_string_append(sql, " FROM replications WHERE run = ?1 ORDER BY replication");
  g_autoptr(sqlite3_stmt) st = store_prepare(s, sql->str, error);
  if (st == NULL)
    return FALSE;
  if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK)
    return store_fail(s, error, "cannot read the run's values");
  guint n = r->replications, found = 0;
  int rc;
  while ((rc = store_step(s, st, "cannot read the run's values", error)) == SQLITE_ROW) {
    sqlite3_int64 rep = sqlite3_column_int64(st, 0);
    /* Rows come in replication order and (run, replication) is the primary key, so a whole
     * run is replications 0, 1, ..., n - 1 exactly. */
    if (rep < 0 || rep >= n)
      return corrupt(s, error, "a value of a replication it does not have", id, NULL);
    if (rep != (sqlite3_int64) found)
      break; /* a replication is missing */
    for (guint m = 0; m < RUN_METRIC_COUNT; m++)
      r->values[(gsize) rep * RUN_METRIC_COUNT + m] = column_double(st, 1 + (int) m);
    for (guint c = 0; c < CAUSE_COUNT; c++)
      r->by_cause[(gsize) rep * CAUSE_COUNT + c] =
          column_double(st, 1 + RUN_METRIC_COUNT + (int) c);
    found++;
  }
  if (rc < 0)
    return FALSE;
  if (found != n)
    return corrupt(s, error, "some of its per-replication values are missing", id, NULL);
  return TRUE;
}

static gboolean
load_outages(Store *s, gint64 id, RunResult *r, GError **error)
{
  g_autoptr(sqlite3_stmt) st = store_prepare(
      s,
      "SELECT replication, start_s, end_s, cause FROM outages WHERE run = ?1 "
      "ORDER BY replication, seq",
      error);
  if (st == NULL)
    return FALSE;
  if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK)
    return store_fail(s, error, "cannot read the outages");
  int rc;
  while ((rc = store_step(s, st, "cannot read the outages", error)) == SQLITE_ROW) {
    sqlite3_int64 rep = sqlite3_column_int64(st, 0);
    int c = cause_lookup((const char *) sqlite3_column_text(st, 3));
    if (rep < 0 || rep >= r->replications || c < 0)
      return corrupt(s, error, "an outage of an unknown replication or cause", id, NULL);
    ModelInterval o = {
      .start = to_us(sqlite3_column_double(st, 1)),
      .end = to_us(sqlite3_column_double(st, 2)),
      .cause = (ModelCause) c,
    };
    g_array_append_val(g_ptr_array_index(r->outages, rep), o);
  }
  return rc == SQLITE_DONE;
}

static gboolean
load_timeline(Store *s, gint64 id, RunResult *r, GError **error)
{
  g_autoptr(sqlite3_stmt) st = store_prepare(
      s,
      "SELECT t_s, serving, starting, containers, db_up FROM timeline WHERE run = ?1 "
      "ORDER BY seq",
      error);
  if (st == NULL)
    return FALSE;
  if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK)
    return store_fail(s, error, "cannot read the timeline");
  g_autoptr(GArray) timeline = g_array_new(FALSE, FALSE, sizeof(ModelSample));
  int rc;
  while ((rc = store_step(s, st, "cannot read the timeline", error)) == SQLITE_ROW) {
    ModelSample x = {
      .time = to_us(sqlite3_column_double(st, 0)),
      .serving = (guint16) CLAMP(sqlite3_column_int(st, 1), 0, G_MAXUINT16),
      .starting = (guint16) CLAMP(sqlite3_column_int(st, 2), 0, G_MAXUINT16),
      .containers = (guint16) CLAMP(sqlite3_column_int(st, 3), 0, G_MAXUINT16),
      .db_up = sqlite3_column_int(st, 4) != 0,
    };
    g_array_append_val(timeline, x);
  }
  if (rc < 0)
    return FALSE;
  if (timeline->len == 0)
    return TRUE; /* stored without a timeline */

  /* Before version 4 every span was a platform update. */
  g_autoptr(sqlite3_stmt) sp = store_prepare(
      s,
      s->version >= STORE_VERSION_SPAN_CAUSE
          ? "SELECT start_s, end_s, cause FROM update_spans WHERE run = ?1 ORDER BY seq"
          : "SELECT start_s, end_s, 'platform-update' FROM update_spans WHERE run = ?1 "
            "ORDER BY seq",
      error);
  if (sp == NULL)
    return FALSE;
  if (sqlite3_bind_int64(sp, 1, id) != SQLITE_OK)
    return store_fail(s, error, "cannot read the platform updates");
  g_autoptr(GArray) spans = g_array_new(FALSE, FALSE, sizeof(ModelInterval));
  while ((rc = store_step(s, sp, "cannot read the platform updates", error)) == SQLITE_ROW) {
    int cause = cause_lookup((const char *) sqlite3_column_text(sp, 2));
    if (cause != CAUSE_PLATFORM_UPDATE && cause != CAUSE_PLATFORM_RESTART)
      return corrupt(s, error, "platform work of an unknown kind", id, NULL);
    ModelInterval x = {
      .start = to_us(sqlite3_column_double(sp, 0)),
      .end = to_us(sqlite3_column_double(sp, 1)),
      .cause = (ModelCause) cause,
    };
    g_array_append_val(spans, x);
  }
  if (rc < 0)
    return FALSE;
  r->timeline = g_steal_pointer(&timeline);
  r->updates_spans = g_steal_pointer(&spans);
  return TRUE;
}

StoreRun *
store_load_run(Store *store, gint64 id, GError **error)
{
  g_autoptr(StoreRun) run = g_new0(StoreRun, 1);
  /* One read transaction, so the run is read as of one moment. */
  if (!store_exec(store, "BEGIN", "cannot start reading", error))
    return NULL;
  run->info = load_info(store, id, &run->scenario_text, error);
  gboolean ok = run->info != NULL;
  if (ok) {
    g_autoptr(GError) why = NULL;
    const char *text = run->scenario_text != NULL ? run->scenario_text : "";
    run->scenario = scenario_load_data(text, strlen(text), run->info->path,
                                       (const char *const *) run->info->overrides, &why);
    if (run->scenario == NULL)
      ok = corrupt(store, error, "its stored scenario no longer loads", id, why);
  }
  if (ok) {
    run->result = run_result_new(run->scenario, run->info->replications);
    ok = load_values(store, id, run->result, error) &&
         load_outages(store, id, run->result, error) &&
         load_timeline(store, id, run->result, error);
  }
  store_rollback(store); /* ends the read transaction */
  if (!ok)
    return NULL;
  run->result->events = run->info->events;
  run->result->updates = run->info->updates;
  run->result->wall_s = run->info->wall_s;
  run_result_summarize(run->result);
  return g_steal_pointer(&run);
}

#define SWEEP_COLUMNS                                                                            \
  "s.id, s.kind, s.created, s.scenario, s.path, s.scenario_sha256, s.overrides, s.axes, "       \
  "s.version, (SELECT count(*) FROM runs r WHERE r.sweep_id = s.id)"

static StoreSweepInfo *
read_sweep(const Store *s, sqlite3_stmt *st, GError **error)
{
  g_autoptr(StoreSweepInfo) info = g_new0(StoreSweepInfo, 1);
  info->id = sqlite3_column_int64(st, 0);
  info->kind = column_strdup(st, 1);
  info->created = column_strdup(st, 2);
  info->scenario = column_strdup(st, 3);
  info->path = column_strdup(st, 4);
  info->scenario_sha256 = column_strdup(st, 5);
  g_autoptr(GError) why = NULL;
  info->overrides = json_to_strv((const char *) sqlite3_column_text(st, 6), &why);
  if (info->overrides != NULL)
    info->axes = json_to_axes((const char *) sqlite3_column_text(st, 7), &why);
  if (info->axes == NULL) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_FAILED,
                "%s: sweep %" G_GINT64_FORMAT ": its overrides or axes are not valid JSON: %s",
                s->path, info->id, why->message);
    return NULL;
  }
  info->version = column_strdup(st, 8);
  info->runs = (guint) sqlite3_column_int64(st, 9);
  if (!load_partial(s, "sweeps", info->id, &info->partial, error))
    return NULL;
  return g_steal_pointer(&info);
}

GPtrArray *
store_list_sweeps(Store *store, guint limit, GError **error)
{
  g_autoptr(sqlite3_stmt) st =
      store_prepare(store, "SELECT " SWEEP_COLUMNS " FROM sweeps s ORDER BY s.id DESC LIMIT ?1",
                    error);
  if (st == NULL)
    return NULL;
  if (sqlite3_bind_int64(st, 1, limit > 0 ? (sqlite3_int64) limit : -1) != SQLITE_OK) {
    store_fail(store, error, "cannot list the sweeps");
    return NULL;
  }
  g_autoptr(GPtrArray) out =
      g_ptr_array_new_with_free_func((GDestroyNotify) store_sweep_info_free);
  int rc;
  while ((rc = store_step(store, st, "cannot list the sweeps", error)) == SQLITE_ROW) {
    StoreSweepInfo *info = read_sweep(store, st, error);
    if (info == NULL)
      return NULL;
    g_ptr_array_add(out, info);
  }
  if (rc < 0)
    return NULL;
  return g_steal_pointer(&out);
}

StoreSweepInfo *
store_load_sweep(Store *store, gint64 id, GError **error)
{
  g_autoptr(sqlite3_stmt) st =
      store_prepare(store, "SELECT " SWEEP_COLUMNS " FROM sweeps s WHERE s.id = ?1", error);
  if (st == NULL)
    return NULL;
  if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK) {
    store_fail(store, error, "cannot read the sweep");
    return NULL;
  }
  int rc = store_step(store, st, "cannot read the sweep", error);
  if (rc < 0)
    return NULL;
  if (rc == SQLITE_DONE) {
    not_found(store, "sweep", id, error);
    return NULL;
  }
  return read_sweep(store, st, error);
}

/* ---- finding and naming runs ---- */

static gboolean
strv_same(const char *const *a, const char *const *b)
{
  guint na = a != NULL ? g_strv_length((char **) a) : 0;
  guint nb = b != NULL ? g_strv_length((char **) b) : 0;
  if (na != nb)
    return FALSE;
  for (guint i = 0; i < na; i++)
    if (!g_str_equal(a[i], b[i]))
      return FALSE;
  return TRUE;
}

StoreRun *
store_find_baseline(Store *store, const Scenario *sc, GError **error)
{
  g_autoptr(GPtrArray) runs = store_list_runs(store, 0, sc->name, 0, error);
  if (runs == NULL)
    return NULL;
  g_autofree char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, sc->text, -1);
  for (guint i = 0; i < runs->len; i++) {
    const StoreRunInfo *info = g_ptr_array_index(runs, i);
    if (info->sweep_id == 0 && g_strcmp0(info->scenario_sha256, hash) == 0 &&
        strv_same((const char *const *) info->overrides, (const char *const *) sc->overrides))
      return store_load_run(store, info->id, error);
  }
  return NULL;
}

gboolean
store_parse_id(const char *text, const char *what, gint64 *out, GError **error)
{
  gint64 v = 0;
  gboolean too_large = FALSE;

  for (const char *p = text; *p != '\0'; p++) {
    if (!g_ascii_isdigit(*p)) {
      v = 0;
      too_large = FALSE;
      break;
    }
    int digit = *p - '0';
    /* Every digit is still read, so that "99…9x" is reported as not a number. */
    if (too_large || v > (G_MAXINT64 - digit) / 10)
      too_large = TRUE;
    else
      v = v * 10 + digit;
  }
  if (too_large) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_BAD_ID,
                "%s id '%s' is too large: ids go up to %" G_GINT64_FORMAT " (see zdsim list)",
                what, text, G_MAXINT64);
    return FALSE;
  }
  if (v <= 0) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_BAD_ID,
                "expected a %s id (a positive number, see zdsim list), got '%s'", what, text);
    return FALSE;
  }
  *out = v;
  return TRUE;
}

/* ---- shards (schema version 4) ---- */

void
store_shard_info_free(StoreShardInfo *info)
{
  if (info == NULL)
    return;
  g_free(info->kind);
  g_free(info->scenario);
  g_free(info->path);
  g_free(info->scenario_text);
  g_free(info->scenario_sha256);
  g_strfreev(info->overrides);
  g_free(info->version);
  g_free(info->created);
  if (info->points != NULL)
    g_ptr_array_unref(info->points);
  g_free(info);
}

static void
shard_point_free(StoreShardPoint *p)
{
  g_strfreev(p->point);
  g_free(p);
}

/* The rows of point @index of shard @shard, inside the caller's transaction: what the shard
 * holds of @r, whose replication 0 is work item @first. */
static gboolean
save_shard_point(const Store *s, gint64 shard, guint index, const char *const *point,
                 guint64 first, guint k, guint n, const RunResult *r, GError **error)
{
  guint held = run_shard_count(k, n, first, r->replications);
  g_autofree char *point_json = point != NULL ? strv_to_json(point) : NULL;
  g_autoptr(sqlite3_stmt) st = store_prepare(
      s,
      "INSERT INTO shard_points (shard, point, overrides, first_item, replications, held, "
      "events, updates, wall_s) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
      error);
  if (st == NULL)
    return FALSE;
  int rc = sqlite3_bind_int64(st, 1, shard);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_int64(st, 2, index);
  if (rc == SQLITE_OK)
    rc = point_json != NULL ? sqlite3_bind_text(st, 3, point_json, -1, SQLITE_STATIC)
                            : sqlite3_bind_null(st, 3);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_int64(st, 4, (sqlite3_int64) first);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_int64(st, 5, r->replications);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_int64(st, 6, held);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_int64(st, 7, (sqlite3_int64) r->events);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_int64(st, 8, (sqlite3_int64) r->updates);
  if (rc == SQLITE_OK)
    rc = bind_double(st, 9, r->wall_s);
  if (rc != SQLITE_OK)
    return store_fail(s, error, "cannot store the shard's point");
  if (store_step(s, st, "cannot store the shard's point", error) < 0)
    return FALSE;

  g_autoptr(GString) head =
      g_string_new("INSERT INTO shard_replications (shard, point, replication");
  for (guint c = 0; c < VALUE_COLUMNS; c++) {
    g_string_append(head, ", ");
    append_value_column(head, c);
  }
  g_string_append(head, ") VALUES ");
  g_auto(Inserter) values = { 0 };
  inserter_init(&values, s, head->str, 3 + VALUE_COLUMNS, held,
                "cannot store the shard's per-replication values");
  guint outages = 0;
  for (guint rep = 0; rep < r->replications; rep++) {
    if (!run_shard_holds(k, n, first + rep))
      continue;
    outages += ((const GArray *) g_ptr_array_index(r->outages, rep))->len;
    if (!ins_begin(&values, error))
      return FALSE;
    ins_int(&values, shard);
    ins_int(&values, index);
    ins_int(&values, rep);
    for (guint m = 0; m < RUN_METRIC_COUNT; m++)
      ins_double(&values, r->values[(gsize) rep * RUN_METRIC_COUNT + m]);
    for (guint c = 0; c < CAUSE_COUNT; c++)
      ins_double(&values, r->by_cause[(gsize) rep * CAUSE_COUNT + c]);
    if (!ins_end(&values, error))
      return FALSE;
  }

  g_auto(Inserter) outage = { 0 };
  inserter_init(&outage, s,
                "INSERT INTO shard_outages (shard, point, replication, seq, start_s, end_s, "
                "cause) VALUES ",
                7, outages, "cannot store a shard's outage");
  for (guint rep = 0; rep < r->replications; rep++) {
    if (!run_shard_holds(k, n, first + rep))
      continue;
    const GArray *list = g_ptr_array_index(r->outages, rep);
    for (guint i = 0; i < list->len; i++) {
      const ModelInterval *o = &g_array_index(list, ModelInterval, i);
      if (!ins_begin(&outage, error))
        return FALSE;
      ins_int(&outage, shard);
      ins_int(&outage, index);
      ins_int(&outage, rep);
      ins_int(&outage, i);
      ins_double(&outage, to_seconds(o->start));
      ins_double(&outage, to_seconds(o->end));
      ins_text(&outage, cause_name(o->cause));
      if (!ins_end(&outage, error))
        return FALSE;
    }
  }

  /* Replication 0's timeline, kept by the shard that ran it. */
  if (r->timeline != NULL && run_shard_holds(k, n, first)) {
    g_auto(Inserter) sample = { 0 };
    inserter_init(&sample, s,
                  "INSERT INTO shard_timeline (shard, point, seq, t_s, serving, starting, "
                  "containers, db_up) VALUES ",
                  8, r->timeline->len, "cannot store the shard's timeline");
    for (guint i = 0; i < r->timeline->len; i++) {
      const ModelSample *x = &g_array_index(r->timeline, ModelSample, i);
      if (!ins_begin(&sample, error))
        return FALSE;
      ins_int(&sample, shard);
      ins_int(&sample, index);
      ins_int(&sample, i);
      ins_double(&sample, to_seconds(x->time));
      ins_int(&sample, x->serving);
      ins_int(&sample, x->starting);
      ins_int(&sample, x->containers);
      ins_int(&sample, x->db_up ? 1 : 0);
      if (!ins_end(&sample, error))
        return FALSE;
    }
    if (r->updates_spans != NULL) {
      g_auto(Inserter) span = { 0 };
      inserter_init(&span, s,
                    "INSERT INTO shard_update_spans (shard, point, seq, start_s, end_s, cause) "
                    "VALUES ",
                    6, r->updates_spans->len, "cannot store the shard's platform work");
      for (guint i = 0; i < r->updates_spans->len; i++) {
        const ModelInterval *x = &g_array_index(r->updates_spans, ModelInterval, i);
        if (!ins_begin(&span, error))
          return FALSE;
        ins_int(&span, shard);
        ins_int(&span, index);
        ins_int(&span, i);
        ins_double(&span, to_seconds(x->start));
        ins_double(&span, to_seconds(x->end));
        ins_text(&span, cause_name(x->cause));
        if (!ins_end(&span, error))
          return FALSE;
      }
    }
  }
  return TRUE;
}

gint64
store_save_shard(Store *store, const Scenario *base, guint k, guint n,
                 const GPtrArray *results, const GPtrArray *points, GError **error)
{
  g_return_val_if_fail(n >= 1 && k >= 1 && k <= n, 0);
  g_return_val_if_fail(points == NULL ? results->len == 1 : results->len == points->len, 0);
  if (!writable(store, error))
    return 0;
  g_autofree char *created = now_iso8601();
  g_autofree char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, base->text, -1);
  g_autofree char *overrides = strv_to_json((const char *const *) base->overrides);
  g_autoptr(sqlite3_stmt) st = store_prepare(
      store,
      "INSERT INTO shards (kind, scenario, path, scenario_text, scenario_sha256, overrides, "
      "seed, version, k, n, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
      error);
  if (st == NULL)
    return 0;
  int rc = sqlite3_bind_text(st, 1, points == NULL ? "run" : "sweep", -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text(st, 2, base->name, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text(st, 3, base->path, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text(st, 4, base->text, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text(st, 5, hash, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text(st, 6, overrides, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK) /* the guint64's bit pattern, as runs.seed */
    rc = sqlite3_bind_int64(st, 7, (sqlite3_int64) base->seed);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text(st, 8, ZDSIM_VERSION, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_int64(st, 9, k);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_int64(st, 10, n);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text(st, 11, created, -1, SQLITE_STATIC);
  if (rc != SQLITE_OK) {
    store_fail(store, error, "cannot store the shard");
    return 0;
  }
  /* One transaction for the shard and all its points: a kill leaves none of it. */
  if (!store_exec(store, "BEGIN IMMEDIATE", "cannot start storing the shard", error))
    return 0;
  if (store_step(store, st, "cannot store the shard", error) < 0) {
    store_rollback(store);
    return 0;
  }
  gint64 shard = sqlite3_last_insert_rowid(store->db);
  guint64 first = 0;
  for (guint i = 0; i < results->len; i++) {
    const RunResult *r = g_ptr_array_index(results, i);
    const char *const *point = points != NULL ? g_ptr_array_index(points, i) : NULL;
    if (!save_shard_point(store, shard, i, point, first, k, n, r, error)) {
      store_rollback(store);
      return 0;
    }
    first += r->replications;
  }
  if (!commit(store, "cannot commit the shard", error))
    return 0;
  return shard;
}

static gboolean
load_shard_points(Store *s, StoreShardInfo *info, GError **error)
{
  g_autoptr(sqlite3_stmt) st = store_prepare(
      s,
      "SELECT point, overrides, first_item, replications, held, events, updates, wall_s "
      "FROM shard_points WHERE shard = ?1 ORDER BY point",
      error);
  if (st == NULL)
    return FALSE;
  if (sqlite3_bind_int64(st, 1, info->id) != SQLITE_OK)
    return store_fail(s, error, "cannot read the shard's points");
  info->points = g_ptr_array_new_with_free_func((GDestroyNotify) shard_point_free);
  int rc;
  while ((rc = store_step(s, st, "cannot read the shard's points", error)) == SQLITE_ROW) {
    StoreShardPoint *p = g_new0(StoreShardPoint, 1);
    g_ptr_array_add(info->points, p);
    p->index = (guint) sqlite3_column_int64(st, 0);
    if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
      g_autoptr(GError) why = NULL;
      p->point = json_to_strv((const char *) sqlite3_column_text(st, 1), &why);
      if (p->point == NULL) {
        g_set_error(error, STORE_ERROR, STORE_ERROR_FAILED,
                    "%s: shard %" G_GINT64_FORMAT ": a point is not a JSON array of strings: "
                    "%s",
                    s->path, info->id, why->message);
        return FALSE;
      }
    }
    p->first_item = (guint64) sqlite3_column_int64(st, 2);
    p->replications = (guint) sqlite3_column_int64(st, 3);
    p->held = (guint) sqlite3_column_int64(st, 4);
    p->events = (guint64) sqlite3_column_int64(st, 5);
    p->updates = (guint64) sqlite3_column_int64(st, 6);
    p->wall_s = column_double(st, 7);
  }
  return rc == SQLITE_DONE;
}

GPtrArray *
store_list_shards(Store *store, GError **error)
{
  g_autoptr(GPtrArray) out =
      g_ptr_array_new_with_free_func((GDestroyNotify) store_shard_info_free);
  if (store->version < STORE_VERSION_SHARDS)
    return g_steal_pointer(&out);
  g_autoptr(sqlite3_stmt) st = store_prepare(
      store,
      "SELECT id, kind, scenario, path, scenario_text, scenario_sha256, overrides, seed, "
      "version, k, n, created FROM shards ORDER BY id",
      error);
  if (st == NULL)
    return NULL;
  int rc;
  while ((rc = store_step(store, st, "cannot list the shards", error)) == SQLITE_ROW) {
    g_autoptr(StoreShardInfo) info = g_new0(StoreShardInfo, 1);
    info->id = sqlite3_column_int64(st, 0);
    info->kind = column_strdup(st, 1);
    info->scenario = column_strdup(st, 2);
    info->path = column_strdup(st, 3);
    info->scenario_text = column_strdup(st, 4);
    info->scenario_sha256 = column_strdup(st, 5);
    g_autoptr(GError) why = NULL;
    info->overrides = json_to_strv((const char *) sqlite3_column_text(st, 6), &why);
    if (info->overrides == NULL) {
      g_set_error(error, STORE_ERROR, STORE_ERROR_FAILED,
                  "%s: shard %" G_GINT64_FORMAT ": its overrides are not a JSON array of "
                  "strings: %s",
                  store->path, info->id, why->message);
      return NULL;
    }
    info->seed = (guint64) sqlite3_column_int64(st, 7);
    info->version = column_strdup(st, 8);
    info->k = (guint) sqlite3_column_int64(st, 9);
    info->n = (guint) sqlite3_column_int64(st, 10);
    info->created = column_strdup(st, 11);
    if (!load_shard_points(store, info, error))
      return NULL;
    g_ptr_array_add(out, g_steal_pointer(&info));
  }
  if (rc < 0)
    return NULL;
  return g_steal_pointer(&out);
}

static gboolean
shard_corrupt(const Store *s, gint64 shard, guint point, const char *what, gint64 rep,
              GError **error)
{
  g_set_error(error, STORE_ERROR, STORE_ERROR_FAILED,
              "%s: shard %" G_GINT64_FORMAT ", point %u: %s (replication %" G_GINT64_FORMAT
              ")",
              s->path, shard, point + 1, what, rep);
  return FALSE;
}

gboolean
store_load_shard_point(Store *store, gint64 shard, guint point, RunResult *r, guint8 *filled,
                       GError **error)
{
  g_autoptr(GString) sql = g_string_new("SELECT replication");
  for (guint k = 0; k < VALUE_COLUMNS; k++) {
    g_string_append(sql, ", ");
    append_value_column(sql, k);
  }
  g_string_append(sql, " FROM shard_replications WHERE shard = ?1 AND point = ?2 "
                       "ORDER BY replication");
  g_autoptr(sqlite3_stmt) st = store_prepare(store, sql->str, error);
  if (st == NULL)
    return FALSE;
  if (sqlite3_bind_int64(st, 1, shard) != SQLITE_OK ||
      sqlite3_bind_int64(st, 2, point) != SQLITE_OK)
    return store_fail(store, error, "cannot read the shard's values");
  guint n = r->replications;
  g_autofree guint8 *mine = g_new0(guint8, n);
  int rc;
  while ((rc = store_step(store, st, "cannot read the shard's values", error)) == SQLITE_ROW) {
    sqlite3_int64 rep = sqlite3_column_int64(st, 0);
    if (rep < 0 || rep >= n)
      return shard_corrupt(store, shard, point, "a replication beyond the point's", rep, error);
    if (filled[rep])
      return shard_corrupt(store, shard, point, "a replication another shard holds too", rep,
                           error);
    filled[rep] = mine[rep] = 1;
    for (guint m = 0; m < RUN_METRIC_COUNT; m++)
      r->values[(gsize) rep * RUN_METRIC_COUNT + m] = column_double(st, 1 + (int) m);
    for (guint c = 0; c < CAUSE_COUNT; c++)
      r->by_cause[(gsize) rep * CAUSE_COUNT + c] =
          column_double(st, 1 + RUN_METRIC_COUNT + (int) c);
  }
  if (rc < 0)
    return FALSE;

  g_autoptr(sqlite3_stmt) ot = store_prepare(
      store,
      "SELECT replication, start_s, end_s, cause FROM shard_outages WHERE shard = ?1 AND "
      "point = ?2 ORDER BY replication, seq",
      error);
  if (ot == NULL)
    return FALSE;
  if (sqlite3_bind_int64(ot, 1, shard) != SQLITE_OK ||
      sqlite3_bind_int64(ot, 2, point) != SQLITE_OK)
    return store_fail(store, error, "cannot read the shard's outages");
  while ((rc = store_step(store, ot, "cannot read the shard's outages", error)) == SQLITE_ROW) {
    sqlite3_int64 rep = sqlite3_column_int64(ot, 0);
    int c = cause_lookup((const char *) sqlite3_column_text(ot, 3));
    if (rep < 0 || rep >= n || !mine[rep] || c < 0)
      return shard_corrupt(store, shard, point, "an outage of a replication it does not hold",
                           rep, error);
    ModelInterval o = {
      .start = to_us(sqlite3_column_double(ot, 1)),
      .end = to_us(sqlite3_column_double(ot, 2)),
      .cause = (ModelCause) c,
    };
    g_array_append_val(g_ptr_array_index(r->outages, rep), o);
  }
  if (rc < 0)
    return FALSE;

  g_autoptr(sqlite3_stmt) tt = store_prepare(
      store,
      "SELECT t_s, serving, starting, containers, db_up FROM shard_timeline WHERE shard = ?1 "
      "AND point = ?2 ORDER BY seq",
      error);
  if (tt == NULL)
    return FALSE;
  if (sqlite3_bind_int64(tt, 1, shard) != SQLITE_OK ||
      sqlite3_bind_int64(tt, 2, point) != SQLITE_OK)
    return store_fail(store, error, "cannot read the shard's timeline");
  g_autoptr(GArray) timeline = g_array_new(FALSE, FALSE, sizeof(ModelSample));
  while ((rc = store_step(store, tt, "cannot read the shard's timeline", error)) == SQLITE_ROW) {
    ModelSample x = {
      .time = to_us(sqlite3_column_double(tt, 0)),
      .serving = (guint16) CLAMP(sqlite3_column_int(tt, 1), 0, G_MAXUINT16),
      .starting = (guint16) CLAMP(sqlite3_column_int(tt, 2), 0, G_MAXUINT16),
      .containers = (guint16) CLAMP(sqlite3_column_int(tt, 3), 0, G_MAXUINT16),
      .db_up = sqlite3_column_int(tt, 4) != 0,
    };
    g_array_append_val(timeline, x);
  }
  if (rc < 0)
    return FALSE;
  if (timeline->len == 0)
    return TRUE;

  g_autoptr(sqlite3_stmt) sp = store_prepare(
      store,
      "SELECT start_s, end_s, cause FROM shard_update_spans WHERE shard = ?1 AND point = ?2 "
      "ORDER BY seq",
      error);
  if (sp == NULL)
    return FALSE;
  if (sqlite3_bind_int64(sp, 1, shard) != SQLITE_OK ||
      sqlite3_bind_int64(sp, 2, point) != SQLITE_OK)
    return store_fail(store, error, "cannot read the shard's platform updates");
  g_autoptr(GArray) spans = g_array_new(FALSE, FALSE, sizeof(ModelInterval));
  while ((rc = store_step(store, sp, "cannot read the shard's platform updates", error)) ==
         SQLITE_ROW) {
    int cause = cause_lookup((const char *) sqlite3_column_text(sp, 2));
    if (cause != CAUSE_PLATFORM_UPDATE && cause != CAUSE_PLATFORM_RESTART)
      return store_fail(store, error, "a shard's platform work of an unknown kind");
    ModelInterval x = {
      .start = to_us(sqlite3_column_double(sp, 0)),
      .end = to_us(sqlite3_column_double(sp, 1)),
      .cause = (ModelCause) cause,
    };
    g_array_append_val(spans, x);
  }
  if (rc < 0)
    return FALSE;
  if (r->timeline != NULL)
    g_array_unref(r->timeline);
  if (r->updates_spans != NULL)
    g_array_unref(r->updates_spans);
  r->timeline = g_steal_pointer(&timeline);
  r->updates_spans = g_steal_pointer(&spans);
  return TRUE;
}
