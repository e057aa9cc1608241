/* store_analysis.c: the stored results of explain and sensitivity (store_analysis.h): one row
 * each, the result kept as its JSON document. Not for runs or sweeps (store.c) or the schema
 * (store_migrate.c). */
#include <math.h>

#include <json-glib/json-glib.h>

#include "store-internal.h"
#include "zdsim/store_analysis.h"
#include "zdsim/version.h"

/* The first schema version with these tables. */
#define ANALYSIS_SINCE_VERSION 6 /* the version that made the explains and sensitivities tables */

static const char *const kind_names[] = { "explain", "sensitivity" };
/* Table names are this program's constants, never input. */
static const char *const tables[] = { "explains", "sensitivities" };

const char *
store_analysis_kind_name(StoreAnalysisKind kind)
{
  g_return_val_if_fail((guint) kind < G_N_ELEMENTS(kind_names), NULL);
  return kind_names[kind];
}

void
store_analysis_free(StoreAnalysis *a)
{
  if (a == NULL)
    return;
  g_free(a->created);
  g_free(a->scenario);
  g_free(a->path);
  g_free(a->scenario_text);
  g_strfreev(a->overrides);
  g_free(a->metric);
  g_free(a->version);
  g_free(a->result);
  g_free(a);
}

static char *
overrides_to_json(const char *const *strv)
{
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_array(b);
  for (const char *const *p = strv; p != NULL && *p != NULL; p++)
    json_builder_add_string_value(b, *p);
  json_builder_end_array(b);
  g_autoptr(JsonNode) root = json_builder_get_root(b);
  g_autoptr(JsonGenerator) gen = json_generator_new();
  json_generator_set_root(gen, root);
  return json_generator_to_data(gen, NULL);
}

static char **
overrides_from_json(const char *text)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new();
  g_autoptr(JsonParser) parser = json_parser_new();
  if (text != NULL && json_parser_load_from_data(parser, text, -1, NULL)) {
    JsonNode *root = json_parser_get_root(parser);
    if (root != NULL && JSON_NODE_HOLDS_ARRAY(root)) {
      JsonArray *a = json_node_get_array(root);
      for (guint i = 0; i < json_array_get_length(a); i++) {
        const char *s = json_array_get_string_element(a, i);
        if (s != NULL)
          g_ptr_array_add(out, g_strdup(s));
      }
    }
  }
  g_ptr_array_add(out, NULL);
  return (char **) g_ptr_array_free(g_steal_pointer(&out), FALSE);
}

gint64
store_save_analysis(Store *store, StoreAnalysisKind kind, const Scenario *sc,
                    const char *metric, double target, const char *result_json, GError **error)
{
  g_return_val_if_fail((guint) kind < G_N_ELEMENTS(tables), 0);
  if (store->read_only) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_CANNOT_OPEN, "%s: opened read-only",
                store->path);
    return 0;
  }
  g_autofree char *sql = g_strdup_printf(
      "INSERT INTO %s (created, scenario, path, scenario_text, scenario_sha256, overrides, "
      "seed, replications, metric, target, version, result) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      tables[kind]);
  g_autoptr(sqlite3_stmt) st = store_prepare(store, sql, error);
  if (st == NULL)
    return 0;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc();
  g_autofree char *created = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, sc->text, -1);
  g_autofree char *overrides = overrides_to_json((const char *const *) sc->overrides);
  sqlite3_bind_text(st, 1, created, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, sc->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 3, sc->path != NULL ? sc->path : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 4, sc->text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 5, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 6, overrides, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 7, (sqlite3_int64) sc->seed);
  sqlite3_bind_int64(st, 8, sc->replications);
  sqlite3_bind_text(st, 9, metric, -1, SQLITE_TRANSIENT);
  if (isnan(target))
    sqlite3_bind_null(st, 10);
  else
    sqlite3_bind_double(st, 10, target);
  sqlite3_bind_text(st, 11, ZDSIM_VERSION, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 12, result_json, -1, SQLITE_TRANSIENT);
  g_autofree char *what = g_strdup_printf("cannot store the %s result", kind_names[kind]);
  if (store_step(store, st, what, error) != SQLITE_DONE)
    return 0;
  return sqlite3_last_insert_rowid(store->db);
}

#define ANALYSIS_COLUMNS \
  "id, created, scenario, path, %s, overrides, seed, replications, metric, target, version, " \
  "result"

static StoreAnalysis *
read_row(sqlite3_stmt *st, StoreAnalysisKind kind)
{
  StoreAnalysis *a = g_new0(StoreAnalysis, 1);
  a->id = sqlite3_column_int64(st, 0);
  a->kind = kind;
  a->created = g_strdup((const char *) sqlite3_column_text(st, 1));
  a->scenario = g_strdup((const char *) sqlite3_column_text(st, 2));
  a->path = g_strdup((const char *) sqlite3_column_text(st, 3));
  a->scenario_text = g_strdup((const char *) sqlite3_column_text(st, 4));
  a->overrides = overrides_from_json((const char *) sqlite3_column_text(st, 5));
  a->seed = (guint64) sqlite3_column_int64(st, 6);
  a->replications = (guint) sqlite3_column_int64(st, 7);
  a->metric = g_strdup((const char *) sqlite3_column_text(st, 8));
  a->target = sqlite3_column_type(st, 9) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 9);
  a->version = g_strdup((const char *) sqlite3_column_text(st, 10));
  a->result = g_strdup((const char *) sqlite3_column_text(st, 11));
  return a;
}

StoreAnalysis *
store_load_analysis(Store *store, StoreAnalysisKind kind, gint64 id, GError **error)
{
  g_return_val_if_fail((guint) kind < G_N_ELEMENTS(tables), NULL);
  if (store->version >= ANALYSIS_SINCE_VERSION) {
    g_autofree char *columns = g_strdup_printf(ANALYSIS_COLUMNS, "scenario_text");
    g_autofree char *sql = g_strdup_printf("SELECT %s FROM %s WHERE id = ?", columns,
                                           tables[kind]);
    g_autoptr(sqlite3_stmt) st = store_prepare(store, sql, error);
    if (st == NULL)
      return NULL;
    sqlite3_bind_int64(st, 1, id);
    int rc = store_step(store, st, "cannot read a stored result", error);
    if (rc < 0)
      return NULL;
    if (rc == SQLITE_ROW)
      return read_row(st, kind);
  }
  g_set_error(error, STORE_ERROR, STORE_ERROR_NOT_FOUND,
              "%s: no %s result %" G_GINT64_FORMAT " (zdsim list shows what is stored)",
              store->path, kind_names[kind], id);
  return NULL;
}

GPtrArray *
store_list_analyses(Store *store, StoreAnalysisKind kind, guint limit, GError **error)
{
  g_return_val_if_fail((guint) kind < G_N_ELEMENTS(tables), NULL);
  g_autoptr(GPtrArray) out =
      g_ptr_array_new_with_free_func((GDestroyNotify) store_analysis_free);
  if (store->version < ANALYSIS_SINCE_VERSION)
    return g_steal_pointer(&out);
  g_autofree char *columns = g_strdup_printf(ANALYSIS_COLUMNS, "NULL");
  g_autofree char *sql = g_strdup_printf("SELECT %s FROM %s ORDER BY id DESC LIMIT ?", columns,
                                         tables[kind]);
  g_autoptr(sqlite3_stmt) st = store_prepare(store, sql, error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64(st, 1, limit > 0 ? (sqlite3_int64) limit : -1);
  int rc;
  while ((rc = store_step(store, st, "cannot list stored results", error)) == SQLITE_ROW)
    g_ptr_array_add(out, read_row(st, kind));
  if (rc < 0)
    return NULL;
  return g_steal_pointer(&out);
}
