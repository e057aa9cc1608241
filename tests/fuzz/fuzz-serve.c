/* fuzz-serve.c: libFuzzer target for the dashboard's request routing (sim/serve.c's
 * serve_respond(): target parsing, query parsing, routing, every handler, the cache); not a
 * unit test.
 *
 * LLVMFuzzerInitialize (or, in tests/test-fuzz-regressions.c, the first input) builds a
 * small store in a temporary directory (removed at exit): two runs
 * (one with an [expect] section and a description full of markup) and a sweep of four points
 * in two series, 2 replications of a week each, so that every page has content. Each input
 * then opens its own server on it with serve_new_unbound() (no socket, no event loop),
 * ServeOptions.no_plots and a tiny cache (FUZZ_SERVE_CACHE_*): a fresh cache per input, so
 * an input does what it did when it was found, whatever ran before it.
 *
 * One input is up to FUZZ_SERVE_MAX_REQUESTS requests, one per line. The first byte of a line
 * picks the method (G GET, H HEAD, P POST, U PUT, D DELETE, O OPTIONS, T TRACE, C CONNECT,
 * A PATCH, X one libevent does not know; any other byte is GET, so that any text is a request)
 * and the rest is the request target as it stands in a request line, up to a NUL (a request
 * line cannot carry one past the parser: evhttp reads it as a C string). Each request is asked
 * twice, GET then HEAD (or HEAD then GET, or the same method twice), so that the second answer
 * may come from the cache the first one filled. The target aborts (a finding) when:
 * - a status is not one of 200, 400, 404, 405, 501, or 503 for a plot (500 means a healthy
 *   store failed); 405 is the answer to every known method other than GET and HEAD whose
 *   target parses, with "Allow: GET, HEAD", and 501 to an unknown one (400 where the target
 *   does not parse, as evhttp answers); GET and HEAD get neither;
 * - a header serve.h promises is missing, or the body is empty;
 * - GET and HEAD, or the first and the cached answer, differ in anything;
 * - an error is not a page (HTML) or, under /api/, JSON with the same "status";
 * - a page is not valid UTF-8, or holds markup the dashboard does not write: every tag and
 *   attribute name is one of serve_html.c's, every attribute value is quoted, no '<' or '>'
 *   appears outside a tag and no '&' outside a character reference, so text from the request
 *   (or the store) that escaped unescaped shows up; "<script" in any case never appears (the
 *   pages have no JavaScript);
 * - a JSON body does not parse;
 * - a run or sweep route answers 200 (or 503 for its plot) for an id that does not exist, or
 *   not 200 for GET of one that does (/runs/ID, /api/runs/ID, /sweeps/ID, /api/sweeps/ID with
 *   no query), or the page or JSON is about another id.
 * A GLib warning or critical aborts too (LLVMFuzzerInitialize).
 *
 * Not covered: drawing plots. gnuplot per input would make the fuzzer crawl, so the server
 * has no_plots and every picture is 503 after the same routing, kind check, cache and
 * plot_applies() a drawn one goes through; cache_svg()'s drawing and plot.c are left to
 * tests/test-serve.c and tests/test-plot.c. Nor the socket: listening, sending a reply and
 * what only headers and a body decide (evhttp's size limits, timeouts) are outside
 * serve_respond() and tested over a socket in tests/test-serve.c. Store failures other than
 * an unknown id (a locked or broken database: 500, 503) cannot happen on this healthy store,
 * and the index's cut at SERVE_INDEX_RUNS needs more runs than it holds.
 *
 * tests/test-fuzz-regressions.c includes this file with ZDSIM_FUZZ_NO_MAIN defined and calls
 * fuzz_serve_one() on the corpus and on every input a fuzzer found. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "zdsim/run.h"
#include "zdsim/serve.h"
#include "zdsim/store.h"
#include "zdsim/sweep.h"

/* Requests per input: enough for a page, its JSON and a plot of the same run to meet in the
 * cache, few enough to keep an input fast. */
#define FUZZ_SERVE_MAX_REQUESTS 8
/* A cache this small evicts within one input: a third run or sweep pushes one out, and one
 * run's page and JSON (about 8 and 3 KB here) are more bytes than it holds, so an entry in
 * use must survive being over the bound alone. The default bounds (64 entries, 64 MiB) are
 * never reached by a store this small. */
#define FUZZ_SERVE_CACHE_ENTRIES 2
#define FUZZ_SERVE_CACHE_BYTES 10000

/* The store. A week with three platform updates that stop the one instance has outages (so
 * run one's outage and heatmap plots apply, run two's do not); two replications give
 * intervals. */
static const char fuzz_serve_one_ini[] =
    "[scenario]\n"
    "name = fuzz-one\n"
    "description = One <b>instance</b> & \"quotes\" 'single' <script>alert(1)</script>\n"
    "horizon = 7d\nreplications = 2\nseed = 7\n"
    "[app]\ninstances = 1\n[policy]\nevacuation = stop-start\n"
    "[expect]\navailability = >= 90%\nmax_outage = <= 1m\n";
static const char fuzz_serve_two_ini[] =
    "[scenario]\nname = fuzz-two <i>\nhorizon = 7d\nreplications = 2\nseed = 7\n"
    "[app]\ninstances = 2\n";
static const char fuzz_serve_sweep_ini[] =
    "[scenario]\nname = fuzz-sweep\nhorizon = 7d\nreplications = 2\nseed = 3\n"
    "[sweep]\napp.instances = 1,2\npolicy.evacuation = rolling, stop-start\n";

/* What the store holds, built once per process. */
typedef struct {
  char *dir;
  char *db;
  GHashTable *runs;   /* run ids (gint64 *) */
  GHashTable *sweeps; /* sweep ids */
  GTimeZone *zone;
} FuzzServeStore;

static void G_GNUC_NORETURN
fuzz_serve_fail(const char *what, const char *target, const char *detail)
{
  fprintf(stderr, "fuzz-serve: %s\n--- request target ---\n%s\n--- detail ---\n%s\n---\n",
          what, target != NULL ? target : "(null)", detail != NULL ? detail : "");
  fflush(stderr);
  abort();
}

static Scenario *
fuzz_serve_load(const char *text, const char *name)
{
  g_autoptr(GError) error = NULL;
  Scenario *sc = scenario_load_data(text, strlen(text), name, NULL, &error);
  if (sc == NULL)
    fuzz_serve_fail("cannot load the store's scenario", name, error->message);
  return sc;
}

static void
fuzz_serve_add_id(GHashTable *set, gint64 id)
{
  gint64 *key = g_new(gint64, 1);
  *key = id;
  g_hash_table_add(set, key);
}

static FuzzServeStore *fuzz_serve_store_get(void);

/* Removes the store's directory at exit (the only files in it are SQLite's). */
static void
fuzz_serve_store_remove(void)
{
  FuzzServeStore *st = fuzz_serve_store_get();
  g_autoptr(GDir) dir = g_dir_open(st->dir, 0, NULL);
  const char *name;
  while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
    g_autofree char *path = g_build_filename(st->dir, name, NULL);
    g_unlink(path);
  }
  g_rmdir(st->dir);
}

static void
fuzz_serve_store_build(FuzzServeStore *st)
{
  g_autoptr(GError) error = NULL;
  /* GLib keeps a time zone in its cache only while a reference lives; every run a page loads
   * reloads its scenario, which resolves the default traffic.timezone, and reading its file
   * again each time was half the work. The reference is kept for the life of the process on
   * purpose. */
  st->zone = g_time_zone_new_identifier("Europe/Amsterdam");
  st->dir = g_dir_make_tmp("zdsim-fuzz-serve-XXXXXX", &error);
  if (st->dir == NULL)
    fuzz_serve_fail("cannot make the store's directory", NULL, error->message);
  st->db = g_build_filename(st->dir, "runs.db", NULL);
  st->runs = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
  st->sweeps = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);

  g_autoptr(Scenario) one = fuzz_serve_load(fuzz_serve_one_ini, "fuzz-one.ini");
  g_autoptr(Scenario) two = fuzz_serve_load(fuzz_serve_two_ini, "fuzz-two.ini");
  g_autoptr(Scenario) base = fuzz_serve_load(fuzz_serve_sweep_ini, "fuzz-sweep.ini");
  RunOptions options = { .jobs = 1, .keep_timeline = TRUE };
  g_autoptr(Store) store = store_open(st->db, STORE_OPEN_DEFAULT, &error);
  if (store == NULL)
    fuzz_serve_fail("cannot make the store", st->db, error->message);
  const Scenario *runs[] = { one, two };
  for (gsize i = 0; i < G_N_ELEMENTS(runs); i++) {
    g_autoptr(RunResult) result = run_execute(runs[i], &options, &error);
    if (result == NULL)
      fuzz_serve_fail("cannot run the store's scenario", runs[i]->name, error->message);
    gint64 id = store_save_run(store, result, &error);
    if (id <= 0)
      fuzz_serve_fail("cannot store a run", runs[i]->name, error->message);
  }
  g_autoptr(SweepResult) sweep = sweep_run(base, &options, &error);
  if (sweep == NULL)
    fuzz_serve_fail("cannot run the store's sweep", base->name, error->message);
  gint64 sweep_id = store_save_sweep(store, "sweep", base, sweep->axes, sweep->results,
                                     sweep->points, &error);
  if (sweep_id <= 0)
    fuzz_serve_fail("cannot store the sweep", base->name, error->message);
  fuzz_serve_add_id(st->sweeps, sweep_id);
  g_autoptr(GPtrArray) all = store_list_runs(store, 0, NULL, 0, &error);
  if (all == NULL)
    fuzz_serve_fail("cannot list the store's runs", st->db, error->message);
  for (guint i = 0; i < all->len; i++)
    fuzz_serve_add_id(st->runs, ((const StoreRunInfo *) g_ptr_array_index(all, i))->id);
  atexit(fuzz_serve_store_remove);
}

/* The store, built at the first call. A fuzz target is one process with one store; the
 * GOnce makes the first call safe should anything call it from two threads. */
static FuzzServeStore *
fuzz_serve_store_get(void)
{
  static FuzzServeStore store;
  static gsize built = 0;
  if (g_once_init_enter(&built)) {
    fuzz_serve_store_build(&store);
    g_once_init_leave(&built, 1);
  }
  return &store;
}

/* ---- what an answer must look like ---- */

#define FUZZ_SERVE_HTML "text/html; charset=utf-8"
#define FUZZ_SERVE_JSON "application/json; charset=utf-8"
#define FUZZ_SERVE_CSS "text/css; charset=utf-8"

/* Every element and attribute serve_html.c writes. */
static const char *const fuzz_serve_tags[] = {
  "a",      "body",   "button",  "code",   "dd",    "div",   "dl",         "dt",
  "figcaption", "figure", "footer", "form", "h1",   "h2",    "head",       "header",
  "html",   "img",    "input",   "label",  "li",    "link",  "main",       "meta",
  "meter",  "nav",    "option",  "p",      "section", "select", "small",   "span",
  "strong", "table",  "tbody",   "td",     "th",    "thead", "time",       "title",
  "tr",     "ul",
};
static const char *const fuzz_serve_attributes[] = {
  "action",  "alt",   "charset", "class",     "content", "datetime", "for",
  "href",    "id",    "inputmode", "lang",    "max",     "maxlength", "method",
  "min",     "name",  "placeholder", "rel",   "role",    "selected", "size",
  "src",     "title", "type",    "value",
};
/* The character references escaping writes (serve_html_escape(), by g_markup_escape_text(),
 * which writes "'" as &apos; or &#39; depending on the GLib version). */
static const char *const fuzz_serve_references[] = { "&amp;", "&lt;", "&gt;", "&quot;",
                                                     "&apos;", "&#39;" };

static gboolean
fuzz_serve_in(const char *const *names, gsize n, const char *name, gsize len)
{
  for (gsize i = 0; i < n; i++)
    if (strlen(names[i]) == len && strncmp(names[i], name, len) == 0)
      return TRUE;
  return FALSE;
}

/* Where @html breaks the markup rules of the header comment, or NULL. */
static char *
fuzz_serve_markup_error(const char *html)
{
  static const char doctype[] = "<!DOCTYPE html>";
  if (!g_str_has_prefix(html, doctype))
    return g_strdup("the page does not start with <!DOCTYPE html>");
  const char *p = html + strlen(doctype);
  while (*p != '\0') {
    if (*p == '>')
      return g_strdup_printf("a '>' outside a tag at byte %td", p - html);
    if (*p == '&') {
      gboolean known = FALSE;
      for (gsize i = 0; i < G_N_ELEMENTS(fuzz_serve_references) && !known; i++)
        known = g_str_has_prefix(p, fuzz_serve_references[i]);
      if (!known)
        return g_strdup_printf("a '&' that starts no reference at byte %td", p - html);
      p++;
      continue;
    }
    if (*p != '<') {
      p++;
      continue;
    }
    const char *tag = p++;
    gboolean closing = *p == '/';
    if (closing)
      p++;
    const char *name = p;
    while (g_ascii_isalnum(*p))
      p++;
    if (!fuzz_serve_in(fuzz_serve_tags, G_N_ELEMENTS(fuzz_serve_tags), name,
                       (gsize) (p - name)))
      return g_strdup_printf("an element the dashboard does not write at byte %td: %.20s",
                             tag - html, tag);
    for (;;) {
      while (*p == ' ')
        p++;
      if (*p == '>') {
        p++;
        break;
      }
      if (closing)
        return g_strdup_printf("a closing tag with more in it at byte %td", tag - html);
      const char *attr = p;
      while (g_ascii_islower(*p) || *p == '-')
        p++;
      if (!fuzz_serve_in(fuzz_serve_attributes, G_N_ELEMENTS(fuzz_serve_attributes), attr,
                         (gsize) (p - attr)))
        return g_strdup_printf("an attribute the dashboard does not write at byte %td: %.20s",
                               attr - html, attr);
      if (*p != '=')
        continue; /* a bare attribute: selected */
      if (p[1] != '"')
        return g_strdup_printf("an unquoted attribute value at byte %td", attr - html);
      const char *end = strchr(p + 2, '"');
      if (end == NULL)
        return g_strdup_printf("an attribute value without its end at byte %td", attr - html);
      for (const char *v = p + 2; v < end; v++)
        if (*v == '<' || *v == '>')
          return g_strdup_printf("a '%c' inside an attribute value at byte %td", *v, v - html);
      p = end + 1;
    }
  }
  return NULL;
}

/* The id in @text when it is one (1 to SERVE_ID_MAX_DIGITS digits, value > 0), else 0;
 * written here again rather than with serve_parse_id(), which is under test. */
static gint64
fuzz_serve_id(const char *text)
{
  gsize n = strlen(text);
  if (n == 0 || n > SERVE_ID_MAX_DIGITS || strspn(text, "0123456789") != n)
    return 0;
  return g_ascii_strtoll(text, NULL, 10);
}

/* What the target names, parsed with evhttp as the server does (serve.h) and read without
 * the routing code: the path's run or sweep id and what follows it. */
typedef struct {
  gboolean parsed;
  gboolean api;        /* the path is /api or under /api/ */
  gboolean has_query;
  gboolean sweep;      /* /sweeps/... rather than /runs/... */
  const char *id_text; /* the id segment, or NULL when the path is no id route */
  gboolean plain;      /* exactly /runs/ID, /api/runs/ID (or sweeps) */
  gboolean plot;       /* /runs/ID/plot/X */
} FuzzServeRoute;

static void
fuzz_serve_route(enum evhttp_cmd_type method, const char *method_name, const char *target,
                 char ***segments, FuzzServeRoute *route)
{
  *route = (FuzzServeRoute){ 0 };
  *segments = NULL;
  /* The request line "METHOD TARGET HTTP/1.1" must fit evhttp's limit (serve.h). */
  gsize line = strlen(method_name) + 1 + strlen(target) + strlen(" HTTP/1.1");
  if (method == EVHTTP_REQ_CONNECT || line > SERVE_MAX_HEADERS_SIZE)
    return;
  g_autoptr(evhttp_uri) uri = evhttp_uri_parse_with_flags(target, EVHTTP_URI_NONCONFORMANT);
  if (uri == NULL)
    return;
  route->parsed = TRUE;
  const char *path = evhttp_uri_get_path(uri);
  if (path == NULL || *path == '\0')
    path = "/";
  route->api = g_str_equal(path, "/api") || g_str_has_prefix(path, "/api/");
  route->has_query = evhttp_uri_get_query(uri) != NULL;
  if (path[0] != '/')
    return;
  *segments = g_strsplit(path + 1, "/", -1);
  char **seg = *segments;
  guint n = g_strv_length(seg);
  guint first = route->api ? 1 : 0;
  if (n < first + 2 || (!g_str_equal(seg[first], "runs") && !g_str_equal(seg[first], "sweeps")))
    return;
  route->sweep = seg[first][0] == 's';
  route->id_text = seg[first + 1];
  route->plain = n == first + 2;
  route->plot = !route->api && n == 4 && g_str_equal(seg[2], "plot");
}

static gboolean
fuzz_serve_same(const ServeResponse *a, const ServeResponse *b)
{
  return a->status == b->status && g_strcmp0(a->reason, b->reason) == 0 &&
         g_strcmp0(a->content_type, b->content_type) == 0 &&
         g_strcmp0(a->cache_control, b->cache_control) == 0 && g_strcmp0(a->csp, b->csp) == 0 &&
         g_strcmp0(a->allow, b->allow) == 0 && g_bytes_equal(a->body, b->body);
}

static void
fuzz_serve_check(const FuzzServeStore *st, enum evhttp_cmd_type method, const char *name,
                 const char *target, const ServeResponse *r)
{
  gboolean known = name != NULL;
  g_autofree char *status = g_strdup_printf("status %d", r->status);
  if (r->reason == NULL || *r->reason == '\0' || r->content_type == NULL ||
      r->cache_control == NULL || r->csp == NULL || r->body == NULL)
    fuzz_serve_fail("a header or the body is missing", target, status);
  gsize len = 0;
  const char *body = g_bytes_get_data(r->body, &len);
  if (len == 0)
    fuzz_serve_fail("the body is empty", target, status);
  g_autofree char *text = g_strndup(body, len);
  if (strlen(text) != len)
    fuzz_serve_fail("the body holds a NUL", target, status);

  gboolean get = method == EVHTTP_REQ_GET || method == EVHTTP_REQ_HEAD;
  g_auto(GStrv) segments = NULL;
  FuzzServeRoute route;
  fuzz_serve_route(method, known ? name : "?", target, &segments, &route);

  /* The status. */
  switch (r->status) {
  case 200:
  case 400:
  case 404:
    if (!get && r->status != 400)
      fuzz_serve_fail("a method other than GET and HEAD was served", target, status);
    break;
  case 405:
    if (get || !known)
      fuzz_serve_fail("405 for GET, HEAD or an unknown method", target, status);
    break;
  case 501:
    if (known)
      fuzz_serve_fail("501 for a method libevent knows", target, status);
    break;
  case 503:
    if (!route.plot)
      fuzz_serve_fail("503 for a resource that is no plot", target, text);
    break;
  default:
    fuzz_serve_fail("a status the dashboard must not answer", target, text);
  }
  if (!known && r->status != (route.parsed ? 501 : 400))
    fuzz_serve_fail("an unknown method was not 501 (or 400 for a bad target)", target,
                    status);
  if (known && !get && route.parsed && r->status != 405)
    fuzz_serve_fail("a method other than GET and HEAD was not 405", target, status);
  if ((r->status == 405) != (r->allow != NULL) ||
      (r->allow != NULL && !g_str_equal(r->allow, "GET, HEAD")))
    fuzz_serve_fail("Allow: GET, HEAD goes with 405 and only with it", target, status);

  /* The type, and what the body must be. */
  gboolean html = g_str_equal(r->content_type, FUZZ_SERVE_HTML);
  gboolean json = g_str_equal(r->content_type, FUZZ_SERVE_JSON);
  gboolean css = g_str_equal(r->content_type, FUZZ_SERVE_CSS);
  if (!html && !json && !css)
    fuzz_serve_fail("a content type the dashboard does not serve without plots", target,
                    r->content_type);
  if (css && (r->status != 200 || !route.parsed))
    fuzz_serve_fail("the style sheet for something else", target, status);
  if (r->status != 200 && !(html || json))
    fuzz_serve_fail("an error that is neither a page nor JSON", target, status);
  /* evhttp's own refusals (501, a target it cannot parse) and CONNECT's 405 (its target is
   * an authority, not a path) come before the path is looked at: pages. */
  if (r->status != 200 && json != (route.parsed && route.api && known))
    fuzz_serve_fail("an error in the wrong form (JSON is for /api/ only)", target, status);
  if (!g_utf8_validate(text, (gssize) len, NULL))
    fuzz_serve_fail("the body is not UTF-8", target, status);
  if (html) {
    g_autofree char *lower = g_ascii_strdown(text, (gssize) len);
    if (strstr(lower, "<script") != NULL)
      fuzz_serve_fail("a page holds a <script", target, text);
    g_autofree char *bad = fuzz_serve_markup_error(text);
    if (bad != NULL)
      fuzz_serve_fail("a page holds markup the dashboard does not write", target, bad);
  }
  JsonObject *object = NULL;
  g_autoptr(JsonParser) parser = json_parser_new();
  if (json) {
    g_autoptr(GError) error = NULL;
    if (!json_parser_load_from_data(parser, text, (gssize) len, &error))
      fuzz_serve_fail("the JSON does not parse", target, error->message);
    JsonNode *root = json_parser_get_root(parser);
    if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root))
      fuzz_serve_fail("the JSON is no object", target, text);
    object = json_node_get_object(root);
    if (r->status != 200 &&
        (!json_object_has_member(object, "status") ||
         json_object_get_int_member(object, "status") != r->status ||
         !json_object_has_member(object, "error")))
      fuzz_serve_fail("a JSON error without its status and message", target, text);
  }

  /* Ids: only those that exist are served, and those that exist are. */
  if (route.id_text == NULL || !get || !(route.plain || route.plot))
    return;
  gint64 id = fuzz_serve_id(route.id_text);
  GHashTable *ids = route.sweep ? st->sweeps : st->runs;
  gboolean exists = id > 0 && g_hash_table_contains(ids, &id);
  if ((r->status == 200 || r->status == 503) && !exists)
    fuzz_serve_fail("an id that does not exist was served", target, status);
  if (exists && route.plain && !route.has_query && r->status != 200)
    fuzz_serve_fail("an id that exists was not served", target, status);
  if (r->status != 200 || !route.plain)
    return;
  if (object != NULL) {
    if (!json_object_has_member(object, "id") || json_object_get_int_member(object, "id") != id)
      fuzz_serve_fail("the JSON is about another id", target, status);
  } else {
    /* The page links its own JSON. */
    g_autofree char *link = g_strdup_printf("href=\"/api/%s/%" G_GINT64_FORMAT "\"",
                                            route.sweep ? "sweeps" : "runs", id);
    if (strstr(text, link) == NULL)
      fuzz_serve_fail("the page is about another id", target, link);
  }
}

/* The methods a line's first byte picks (the header comment); any other byte is GET. */
static const struct {
  char byte;
  const char *name; /* NULL: one libevent does not know */
  enum evhttp_cmd_type method;
} fuzz_serve_methods[] = {
  { 'G', "GET", EVHTTP_REQ_GET },       { 'H', "HEAD", EVHTTP_REQ_HEAD },
  { 'P', "POST", EVHTTP_REQ_POST },     { 'U', "PUT", EVHTTP_REQ_PUT },
  { 'D', "DELETE", EVHTTP_REQ_DELETE }, { 'O', "OPTIONS", EVHTTP_REQ_OPTIONS },
  { 'T', "TRACE", EVHTTP_REQ_TRACE },   { 'C', "CONNECT", EVHTTP_REQ_CONNECT },
  { 'A', "PATCH", EVHTTP_REQ_PATCH },
  /* No method of libevent's enum is 0: it stands for one the parser does not know. */
  { 'X', NULL, (enum evhttp_cmd_type) 0 },
};

static int
fuzz_serve_one(const uint8_t *data, size_t size)
{
  FuzzServeStore *st = fuzz_serve_store_get();
  ServeOptions options = {
    .db_path = st->db,
    .no_plots = TRUE,
    .cache_entries = FUZZ_SERVE_CACHE_ENTRIES,
    .cache_bytes = FUZZ_SERVE_CACHE_BYTES,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(Serve) s = serve_new_unbound(&options, &error);
  if (s == NULL)
    fuzz_serve_fail("cannot open the store", st->db, error->message);

  const char *p = (const char *) data;
  const char *end = p + size;
  for (guint n = 0; p < end && n < FUZZ_SERVE_MAX_REQUESTS; n++) {
    const char *nl = memchr(p, '\n', (size_t) (end - p));
    const char *line_end = nl != NULL ? nl : end;
    if (line_end > p) {
      enum evhttp_cmd_type method = EVHTTP_REQ_GET;
      const char *name = "GET";
      for (gsize i = 0; i < G_N_ELEMENTS(fuzz_serve_methods); i++) {
        if (fuzz_serve_methods[i].byte == *p) {
          method = fuzz_serve_methods[i].method;
          name = fuzz_serve_methods[i].name;
        }
      }
      /* Up to a NUL, as the request line's parser reads it. */
      g_autofree char *target = g_strndup(p + 1, (gsize) (line_end - p - 1));
      enum evhttp_cmd_type again = method == EVHTTP_REQ_GET    ? EVHTTP_REQ_HEAD
                                   : method == EVHTTP_REQ_HEAD ? EVHTTP_REQ_GET
                                                               : method;
      g_auto(ServeResponse) first = { 0 };
      g_auto(ServeResponse) second = { 0 };
      serve_respond(s, method, target, &first);
      fuzz_serve_check(st, method, name, target, &first);
      serve_respond(s, again, target, &second);
      if (!fuzz_serve_same(&first, &second)) {
        g_autofree char *detail = g_strdup_printf("status %d, then %d", first.status,
                                                  second.status);
        fuzz_serve_fail("asked again (GET and HEAD, or from the cache), the answer differs",
                        target, detail);
      }
    }
    p = line_end + 1;
  }
  return 0;
}

#ifndef ZDSIM_FUZZ_NO_MAIN
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A GLib warning or critical (a failed g_return_if_fail) is a finding too. GLib would stop
 * a fatal message with SIGTRAP, which libFuzzer does not catch (no input saved, no stack),
 * so abort() here instead. */
static void
fuzz_serve_log(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data)
{
  (void) data;
  fprintf(stderr, "%s: %s\n", domain != NULL ? domain : "(no domain)", message);
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void) argc;
  (void) argv;
  g_log_set_default_handler(fuzz_serve_log, NULL);
  /* The store is built here, not in the first input, so that its time is not taken for a
   * slow input. */
  (void) fuzz_serve_store_get();
  return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  return fuzz_serve_one(data, size);
}
#endif
