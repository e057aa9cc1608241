/* serve.c: the dashboard's server: listening, routing, the handlers, the JSON API and the plot
 * cache (serve.h). Not for the HTML of the pages (serve_html.c) or the command line
 * (cli_serve.c). */
#include "zdsim/serve.h"

#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>

#include <event2/bufferevent.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "zdsim/document.h"

#include "zdsim/check.h"
#include "zdsim/recommend.h"
#include "zdsim/report.h"
#include "zdsim/report_html.h"
#include "zdsim/store_analysis.h"

G_DEFINE_QUARK(zdsim-serve-error-quark, serve_error)

/* The methods libevent passes on to the handler; everything but GET and HEAD is answered 405
 * by the handler itself, since libevent's own refusal would be "501 Not Implemented". */
#define KNOWN_METHODS                                                                          \
  (EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |   \
   EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH)

/* At most this many query parameters, each at most this long; a form sends two. */
enum { QUERY_MAX_PARAMS = 16, QUERY_MAX_LENGTH = 256 };

/* The pages allow the server's own style sheet and images and nothing else: no script, no
 * frame, no form posting elsewhere. A plot opened on its own gets the same. */
#define PAGE_CSP                                                                               \
  "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "          \
  "base-uri 'none'; frame-ancestors 'none'"
#define SVG_CSP "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"

/* The plots each page can show; other kinds under its URL are 404. */
static const PlotKind run_kinds[] = { PLOT_TIMELINE, PLOT_OUTAGES, PLOT_HEATMAP };
static const PlotKind sweep_kinds[] = { PLOT_AVAILABILITY, PLOT_COST, PLOT_TIMELINE,
                                        PLOT_OUTAGES };

/* A stored run never changes (store.h: nothing is rewritten), so what is made from it can be
 * kept: one run's or sweep's plot data, the pictures drawn from it so far, and a run's page
 * and JSON once built. */
enum { PAGE_HTML, PAGE_JSON, PAGE_COUNT };
typedef struct {
  PlotData *data;
  ServePlots plots;
  GBytes *svg[PLOT_KIND_COUNT];
  GBytes *page[PAGE_COUNT];
  gsize bytes;
  guint64 used; /* the server's tick at the last use, for least-recently-used eviction */
} CacheEntry;

struct Serve {
  struct event_base *base;
  struct evhttp *http;
  Store *store;
  char *db_path;
  char *db_name;  /* db_path's base name: what pages and errors show of it */
  char *host;     /* numeric, as bound */
  gboolean ipv6;
  guint16 port;
  char *tmpdir;   /* gnuplot writes here; the server names every file (NULL with no_plots) */
  gboolean no_plots;
  guint plot_timeout_s; /* ServeOptions.plot_timeout_s; 0 = PLOT_DEFAULT_TIMEOUT_S */
  guint64 files;
  ServeLogFunc log;
  void *log_data;
  GHashTable *cache; /* "run/ID" or "sweep/ID" -> CacheEntry* */
  gsize cache_bytes;
  guint cache_max_entries; /* ServeOptions.cache_entries and .cache_bytes, 0 replaced */
  gsize cache_max_bytes;
  guint64 tick;
  /* Connections (serve.h, Connections): each accepted one has a Conn in @conns, keyed by its
   * bufferevent; accepting pauses at @max_conns and, after an accept error, for
   * SERVE_ACCEPT_PAUSE_S (@paused, @resume). */
  struct evconnlistener *listener;
  GHashTable *conns; /* struct bufferevent* -> Conn* (owned) */
  guint n_conns;
  guint max_conns;
  guint request_timeout_s;
  gboolean paused;
  struct event *resume;
  ServeWarnFunc warn;
  gint64 warned_at; /* monotonic time of the last accept warning, 0 = none yet */
  guint64 suppressed; /* accept warnings left out since then */
  /* Pictures drawn off the loop (serve.h, Threads): workers run gnuplot, push the finished
   * PlotJob on @done and write a byte to @done_pipe, which @done_event watches. */
  GThreadPool *pool;
  GAsyncQueue *done;
  int done_pipe[2];
  struct event *done_event;
  GHashTable *jobs; /* every PlotJob not yet answered (owned) */
};

/* ---- parsing ---- */

gboolean
serve_parse_id(const char *text, gint64 *out)
{
  if (strlen(text) > SERVE_ID_MAX_DIGITS)
    return FALSE;
  return store_parse_id(text, "run", out, NULL);
}

/* ---- the cache ---- */

static void
cache_entry_free(CacheEntry *e)
{
  plot_data_free(e->data);
  for (guint k = 0; k < PLOT_KIND_COUNT; k++) {
    g_free(e->plots.why[k]);
    if (e->svg[k] != NULL)
      g_bytes_unref(e->svg[k]);
  }
  for (guint p = 0; p < PAGE_COUNT; p++)
    if (e->page[p] != NULL)
      g_bytes_unref(e->page[p]);
  g_free(e);
}

static CacheEntry *
cache_entry_new(PlotData *data, const PlotKind *kinds, guint n_kinds)
{
  CacheEntry *e = g_new0(CacheEntry, 1);
  e->data = data;
  for (guint i = 0; i < n_kinds; i++) {
    g_autoptr(GError) error = NULL;
    if (plot_applies(kinds[i], data, &error))
      e->plots.applies |= 1u << kinds[i];
    else
      e->plots.why[kinds[i]] = g_strdup(error->message);
  }
  return e;
}

/* Drops the least recently used entries other than @keep until the cache is within its
 * bounds. */
static void
cache_trim(Serve *s, const CacheEntry *keep)
{
  while (g_hash_table_size(s->cache) > s->cache_max_entries ||
         s->cache_bytes > s->cache_max_bytes) {
    GHashTableIter it;
    gpointer key, value;
    const char *oldest_key = NULL;
    CacheEntry *oldest = NULL;
    g_hash_table_iter_init(&it, s->cache);
    while (g_hash_table_iter_next(&it, &key, &value)) {
      CacheEntry *e = value;
      if (e != keep && (oldest == NULL || e->used < oldest->used)) {
        oldest = e;
        oldest_key = key;
      }
    }
    if (oldest == NULL)
      return; /* only @keep is left: it may exceed the byte bound alone */
    s->cache_bytes -= oldest->bytes;
    g_hash_table_remove(s->cache, oldest_key);
  }
}

static CacheEntry *
cache_lookup(Serve *s, const char *key)
{
  CacheEntry *e = g_hash_table_lookup(s->cache, key);
  if (e != NULL)
    e->used = ++s->tick;
  return e;
}

static CacheEntry *
cache_insert(Serve *s, const char *key, CacheEntry *e)
{
  e->used = ++s->tick;
  g_hash_table_insert(s->cache, g_strdup(key), e);
  cache_trim(s, e);
  return e;
}

/* The plot data of run @id; @loaded (may be NULL) saves loading it again. */
static CacheEntry *
cache_for_run(Serve *s, gint64 id, const StoreRun *loaded, GError **error)
{
  g_autofree char *key = g_strdup_printf("run/%" G_GINT64_FORMAT, id);
  CacheEntry *e = cache_lookup(s, key);
  if (e != NULL)
    return e;
  g_autoptr(StoreRun) own = NULL;
  if (loaded == NULL) {
    own = store_load_run(s->store, id, error);
    if (own == NULL)
      return NULL;
    loaded = own;
  }
  const Scenario *sc = loaded->scenario;
  PlotData *data = plot_data_new(sc->name, sc->description, FALSE);
  plot_data_add(data, plot_run_new_from_result(loaded->result,
                                               (const char *const *) loaded->info->point));
  return cache_insert(s, key, cache_entry_new(data, run_kinds, G_N_ELEMENTS(run_kinds)));
}

static CacheEntry *
cache_for_sweep(Serve *s, const StoreSweepInfo *sweep, const GPtrArray *runs, GError **error)
{
  g_autofree char *key = g_strdup_printf("sweep/%" G_GINT64_FORMAT, sweep->id);
  CacheEntry *e = cache_lookup(s, key);
  if (e != NULL)
    return e;
  PlotData *data = plot_data_load_sweep(s->store, sweep, runs, error);
  if (data == NULL)
    return NULL;
  return cache_insert(s, key, cache_entry_new(data, sweep_kinds, G_N_ELEMENTS(sweep_kinds)));
}

/* The plot data of sweep @id, loaded from the store only when it is not cached. */
static CacheEntry *
cache_for_sweep_id(Serve *s, gint64 id, GError **error)
{
  g_autofree char *key = g_strdup_printf("sweep/%" G_GINT64_FORMAT, id);
  CacheEntry *e = cache_lookup(s, key);
  if (e != NULL)
    return e;
  g_autoptr(StoreSweepInfo) sweep = store_load_sweep(s->store, id, error);
  if (sweep == NULL)
    return NULL;
  g_autoptr(GPtrArray) runs = store_list_runs(s->store, id, NULL, 0, error);
  if (runs == NULL)
    return NULL;
  return cache_for_sweep(s, sweep, runs, error);
}

/* The picture of @kind from @e, drawn now unless cached. Returns: (transfer full) or NULL with
 * @error (PLOT_ERROR). */
static GBytes *
cache_svg(Serve *s, CacheEntry *e, PlotKind kind, GError **error)
{
  if (e->svg[kind] != NULL)
    return g_bytes_ref(e->svg[kind]);
  if (s->no_plots) {
    /* Answered as a missing gnuplot is: 503, the page itself still works. */
    g_set_error(error, PLOT_ERROR, PLOT_ERROR_NO_GNUPLOT,
                "plots are turned off on this server");
    return NULL;
  }
  /* The file name is the server's own: nothing from the request reaches it. */
  g_autofree char *path = g_strdup_printf("%s/plot-%" G_GUINT64_FORMAT ".svg", s->tmpdir,
                                          ++s->files);
  PlotOptions options = { .kind = kind, .format = PLOT_FORMAT_SVG, .output = path,
                          .timeout_s = s->plot_timeout_s };
  gboolean ok = plot_render(e->data, &options, NULL, error);
  char *contents = NULL;
  gsize len = 0;
  if (ok)
    ok = g_file_get_contents(path, &contents, &len, error);
  g_unlink(path);
  if (!ok)
    return NULL;
  e->svg[kind] = g_bytes_new_take(contents, len);
  e->bytes += len;
  s->cache_bytes += len;
  cache_trim(s, e);
  return g_bytes_ref(e->svg[kind]);
}

/* ---- connections: a cap, a whole-request deadline, and a pause after accept errors ---- */

/* One accepted connection. libevent 2.1 tells the server of a new connection only through
 * the bufferevent callback (evhttp_set_bevcb()), before the evhttp_connection exists: @evcon
 * is filled in by conn_setup() right after, and the close callback (set there) frees this. */
typedef struct {
  Serve *s;
  struct bufferevent *bev;
  struct evhttp_connection *evcon; /* NULL until conn_setup() ran */
  struct event *setup;
  struct event *deadline; /* armed while a request is awaited, off while one is answered */
} Conn;

static void
conn_free(Conn *c)
{
  event_free(c->setup);
  event_free(c->deadline);
  g_free(c);
}

/* Servers by their evhttp: libevent 2.1 calls a listener's error callback with the evhttp
 * as its argument (evhttp_bind_listener() owns the listener's argument) and an evhttp holds
 * no pointer of its own, so the error callback finds its server here. */
G_LOCK_DEFINE_STATIC(servers);
static GSList *servers;

static Serve *
server_of(const struct evhttp *http)
{
  Serve *found = NULL;
  G_LOCK(servers);
  for (GSList *l = servers; l != NULL && found == NULL; l = l->next)
    if (((Serve *) l->data)->http == http)
      found = l->data;
  G_UNLOCK(servers);
  return found;
}

/* Accepts again unless the server is at its connection cap or pausing after an error. */
static void
accept_update(Serve *s)
{
  if (s->listener == NULL)
    return;
  if (!s->paused && s->n_conns < s->max_conns)
    evconnlistener_enable(s->listener);
  else
    evconnlistener_disable(s->listener);
}

static void
on_resume(evutil_socket_t fd, short what, void *data)
{
  (void) fd;
  (void) what;
  Serve *s = data;
  s->paused = FALSE;
  accept_update(s);
}

/* accept() failed with something other than "try again": EMFILE or ENFILE when the server
 * is out of descriptors. The socket stays readable, so libevent would call accept() again at
 * once, forever, and print each failure: instead stop accepting for SERVE_ACCEPT_PAUSE_S (or
 * until a connection closes and frees a descriptor) and say so at most once every
 * SERVE_WARN_INTERVAL_S, with the count of what was left out. */
static void
on_accept_error(struct evconnlistener *listener, void *http)
{
  int err = EVUTIL_SOCKET_ERROR();
  evconnlistener_disable(listener);
  Serve *s = server_of(http);
  if (s == NULL)
    return;
  s->paused = TRUE;
  struct timeval pause = { SERVE_ACCEPT_PAUSE_S, 0 };
  evtimer_add(s->resume, &pause);
  gint64 now = g_get_monotonic_time();
  if (s->warned_at != 0 && now - s->warned_at < SERVE_WARN_INTERVAL_S * G_USEC_PER_SEC) {
    s->suppressed++;
    return;
  }
  g_autofree char *more =
      s->suppressed > 0 ? g_strdup_printf(" (%" G_GUINT64_FORMAT " more since the last such "
                                          "message)", s->suppressed)
                        : g_strdup("");
  g_autofree char *message = g_strdup_printf(
      "cannot accept a connection: %s%s; %u open; not accepting for %d s or until one "
      "closes%s",
      g_strerror(err), err == EMFILE || err == ENFILE ? " (raise ulimit -n or lower "
                                                        "--max-connections)" : "",
      s->n_conns, SERVE_ACCEPT_PAUSE_S, more);
  s->warned_at = now;
  s->suppressed = 0;
  if (s->warn != NULL)
    s->warn(message, s->log_data);
}

/* The whole-request deadline: a client that has not finished its request within
 * request_timeout_s of connecting (or of its last reply) is cut off, however often it sends a
 * byte; evhttp's own timeout only bounds the time between two reads. */
static void
on_deadline(evutil_socket_t fd, short what, void *data)
{
  (void) fd;
  (void) what;
  Conn *c = data;
  if (c->evcon != NULL)
    evhttp_connection_free(c->evcon); /* calls on_conn_close(), which frees @c */
}

static void
conn_arm(Conn *c)
{
  struct timeval t = { c->s->request_timeout_s, 0 };
  evtimer_add(c->deadline, &t);
}

static void
on_conn_close(struct evhttp_connection *evcon, void *data)
{
  (void) evcon;
  Conn *c = data;
  Serve *s = c->s;
  g_assert(s->n_conns > 0);
  s->n_conns--;
  /* A descriptor is free again: worth trying accept() before the pause is over. */
  if (s->paused) {
    s->paused = FALSE;
    evtimer_del(s->resume);
  }
  g_hash_table_remove(s->conns, c->bev);
  accept_update(s);
}

/* Runs right after the accept callback that made @c's bufferevent: by now evhttp has made
 * the connection and set itself as the bufferevent's callback argument. Nothing can have
 * freed it in between: its socket is first read in a later turn of the loop. */
static void
conn_setup(evutil_socket_t fd, short what, void *data)
{
  (void) fd;
  (void) what;
  Conn *c = data;
  void *arg = NULL;
  bufferevent_getcb(c->bev, NULL, NULL, NULL, &arg);
  c->evcon = arg;
  g_assert(c->evcon != NULL && evhttp_connection_get_bufferevent(c->evcon) == c->bev);
  evhttp_connection_set_closecb(c->evcon, on_conn_close, c);
}

/* evhttp's bufferevent callback: called once for each accepted connection. */
static struct bufferevent *
on_new_connection(struct event_base *base, void *data)
{
  Serve *s = data;
  /* As evhttp makes it itself: evhttp_connection_free() closes the socket. */
  struct bufferevent *bev = bufferevent_socket_new(base, -1, 0);
  if (bev == NULL)
    return NULL; /* evhttp tries itself; such a connection is not counted */
  Conn *c = g_new0(Conn, 1);
  c->s = s;
  c->bev = bev;
  c->setup = event_new(base, -1, 0, conn_setup, c);
  c->deadline = evtimer_new(base, on_deadline, c);
  g_assert(c->setup != NULL && c->deadline != NULL);
  g_hash_table_insert(s->conns, bev, c);
  event_active(c->setup, EV_TIMEOUT, 1);
  conn_arm(c);
  s->n_conns++;
  accept_update(s);
  return bev;
}

/* The Conn of @req's connection, or NULL (the client has gone, or it was never counted). */
static Conn *
conn_of(Serve *s, struct evhttp_request *req)
{
  struct evhttp_connection *evcon = evhttp_request_get_connection(req);
  if (evcon == NULL || s->conns == NULL)
    return NULL;
  return g_hash_table_lookup(s->conns, evhttp_connection_get_bufferevent(evcon));
}

/* A request has arrived whole: no deadline while it is answered. */
static void
conn_request_started(Serve *s, struct evhttp_request *req)
{
  Conn *c = conn_of(s, req);
  if (c != NULL)
    evtimer_del(c->deadline);
}

/* Its reply is queued: the next request on the connection has a deadline again. Call it
 * before evhttp_send_reply(), after which @req is libevent's. */
static void
conn_request_done(Serve *s, struct evhttp_request *req)
{
  Conn *c = conn_of(s, req);
  if (c != NULL)
    conn_arm(c);
}

/* ---- requests and replies ---- */

typedef struct {
  enum evhttp_cmd_type method;
  char **seg;         /* the raw path's segments after the first '/' */
  guint n;
  gboolean api;       /* under /api/: errors are JSON */
  GHashTable *query;  /* name (as sent) -> decoded value; the first of a repeated name wins */
  const char *db_path; /* the store as opened, and its base name: only the base name is shown */
  const char *db_name;
  struct PlotJob **defer; /* where handle_plot() leaves a picture to draw off the loop; NULL:
                             draw it now (serve_respond()) */
} Request;

void
serve_response_clear(ServeResponse *response)
{
  if (response->body != NULL)
    g_bytes_unref(response->body);
  *response = (ServeResponse){ 0 };
}

/* The phrase libevent sends with @status (evhttp_send_reply() with a NULL reason), for the
 * error page's title and ServeResponse.reason. */
static const char *
reason_phrase(int status)
{
  switch (status) {
  case 200:
    return "OK";
  case 400:
    return "Bad Request";
  case 404:
    return "Not Found";
  case 405:
    return "Method Not Allowed";
  case 500:
    return "Internal Server Error";
  case 501:
    return "Not Implemented";
  case 503:
    return "Service Unavailable";
  case 504:
    return "Gateway Timeout";
  default:
    return "Error";
  }
}

static const char *
method_name(enum evhttp_cmd_type method)
{
  switch (method) {
  case EVHTTP_REQ_GET:
    return "GET";
  case EVHTTP_REQ_POST:
    return "POST";
  case EVHTTP_REQ_HEAD:
    return "HEAD";
  case EVHTTP_REQ_PUT:
    return "PUT";
  case EVHTTP_REQ_DELETE:
    return "DELETE";
  case EVHTTP_REQ_OPTIONS:
    return "OPTIONS";
  case EVHTTP_REQ_TRACE:
    return "TRACE";
  case EVHTTP_REQ_CONNECT:
    return "CONNECT";
  case EVHTTP_REQ_PATCH:
    return "PATCH";
  default:
    return "?";
  }
}

static void
reply_set(ServeResponse *out, int status, const char *type, GBytes *body)
{
  if (out->body != NULL)
    g_bytes_unref(out->body);
  out->status = status;
  out->content_type = type;
  out->body = body;
  out->csp = PAGE_CSP;
}

static void
reply_html(ServeResponse *out, int status, char *page)
{
  reply_set(out, status, "text/html; charset=utf-8",
            g_bytes_new_take(page, strlen(page)));
}

static void
reply_json(ServeResponse *out, int status, JsonNode *root)
{
  g_autoptr(JsonGenerator) gen = json_generator_new();
  json_generator_set_pretty(gen, TRUE);
  json_generator_set_root(gen, root);
  gsize len = 0;
  char *text = json_generator_to_data(gen, &len);
  reply_set(out, status, "application/json; charset=utf-8", g_bytes_new_take(text, len));
}

/* An error in the form the request's part of the site speaks: JSON under /api/, else a
 * page. */
static void G_GNUC_PRINTF(4, 5)
reply_error(const Request *rq, ServeResponse *out, int status, const char *format, ...)
{
  va_list ap;
  va_start(ap, format);
  g_autofree char *message = g_strdup_vprintf(format, ap);
  va_end(ap);
  if (rq != NULL && rq->api) {
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "status");
    json_builder_add_int_value(b, status);
    json_builder_set_member_name(b, "error");
    json_builder_add_string_value(b, message);
    json_builder_end_object(b);
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    reply_json(out, status, root);
  } else {
    reply_html(out, status, serve_html_error(status, reason_phrase(status), message));
  }
}

/* A store failure: an unknown id is 404, a locked database 503, anything else 500. */
static void
reply_store_error(const Request *rq, ServeResponse *out, const GError *error)
{
  int status = 500;
  if (g_error_matches(error, STORE_ERROR, STORE_ERROR_NOT_FOUND))
    status = 404;
  else if (g_error_matches(error, STORE_ERROR, STORE_ERROR_BUSY))
    status = 503;
  /* A store message names the database by the path it was opened with, which may be
   * absolute: the pages show only its base name, so this does too. */
  g_autoptr(GString) message = g_string_new(error->message);
  if (rq != NULL && rq->db_path != NULL && rq->db_path[0] != '\0')
    g_string_replace(message, rq->db_path, rq->db_name, 0);
  reply_error(rq, out, status, "%s", message->str);
}

/* Releases the GBytes a reply's buffer referenced, once libevent has written it. */
static void
unref_bytes(const void *data, size_t len, void *bytes)
{
  (void) data;
  (void) len;
  g_bytes_unref(bytes);
}

/* The one place a reply is sent: exactly once per request, with the headers of @r (complete:
 * respond_to() fills them all). */
static void
send_reply(Serve *s, struct evhttp_request *req, const ServeResponse *r)
{
  struct evkeyvalq *h = evhttp_request_get_output_headers(req);
  evhttp_add_header(h, "Content-Type", r->content_type);
  evhttp_add_header(h, "Cache-Control", r->cache_control);
  evhttp_add_header(h, "Content-Security-Policy", r->csp);
  evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
  evhttp_add_header(h, "Referrer-Policy", "no-referrer");
  if (r->allow != NULL)
    evhttp_add_header(h, "Allow", r->allow);
  gsize len = 0;
  const void *data = g_bytes_get_data(r->body, &len);
  g_autoptr(evbuffer) buf = evbuffer_new();
  enum evhttp_cmd_type method = evhttp_request_get_command(req);
  /* The length always, since libevent leaves it out for HEAD and CONNECT: a client that
   * sent CONNECT would otherwise not know where the reply ends (libevent also keeps such a
   * connection open, as a tunnel). For HEAD, the length of the GET and no body: libevent
   * would send any body it is given. */
  g_autofree char *length = g_strdup_printf("%" G_GSIZE_FORMAT, len);
  evhttp_add_header(h, "Content-Length", length);
  if (method != EVHTTP_REQ_HEAD && len > 0)
    evbuffer_add_reference(buf, data, len, unref_bytes, g_bytes_ref(r->body));
  /* The request is freed by libevent once its reply is out: log first. */
  if (s->log != NULL)
    s->log(method_name(method), evhttp_request_get_uri(req), r->status,
           method == EVHTTP_REQ_HEAD ? 0 : len, s->log_data);
  /* NULL: libevent's own phrase for the status, the one r->reason holds. */
  evhttp_send_reply(req, r->status, NULL, buf);
}

/* Decodes the query string into @rq->query with evhttp_parse_query_str(), which splits it at
 * '&' into name=value pairs and decodes the values (a '+' is a space) but not the names.
 * Returns FALSE with a message for a query longer than QUERY_MAX_PARAMS * QUERY_MAX_LENGTH,
 * more than QUERY_MAX_PARAMS pairs, a pair libevent refuses (no '=', or no name), or a name
 * or value that is not UTF-8 text without NUL bytes of at most QUERY_MAX_LENGTH bytes. */
static gboolean
parse_query(const char *query, Request *rq, char **message)
{
  rq->query = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  if (query == NULL || *query == '\0')
    return TRUE;
  if (strlen(query) > QUERY_MAX_PARAMS * QUERY_MAX_LENGTH) {
    *message = g_strdup("the query string is too long");
    return FALSE;
  }
  const char *not_text = "a query parameter is not text (a NUL byte, invalid UTF-8, or longer "
                         "than 256 bytes)";
  /* libevent decodes "%00" to a NUL that ends the value early, and leaves it in a name as
   * sent: refuse it in either rather than read a shortened value. */
  for (const char *p = strchr(query, '%'); p != NULL; p = strchr(p + 1, '%')) {
    if (p[1] == '0' && p[2] == '0') {
      *message = g_strdup(not_text);
      return FALSE;
    }
  }
  struct evkeyvalq pairs;
  if (evhttp_parse_query_str(query, &pairs) != 0) {
    *message = g_strdup("a query parameter is not of the form name=value");
    return FALSE;
  }
  guint n = 0;
  gboolean ok = TRUE;
  /* keyvalq_struct.h has the list's fields but not sys/queue.h's macros: walked by hand, as
   * libevent's own sample does. */
  for (struct evkeyval *kv = pairs.tqh_first; kv != NULL && ok; kv = kv->next.tqe_next) {
    if (++n > QUERY_MAX_PARAMS) {
      *message = g_strdup("too many query parameters");
      ok = FALSE;
    } else if (strlen(kv->key) > QUERY_MAX_LENGTH || strlen(kv->value) > QUERY_MAX_LENGTH ||
               !g_utf8_validate(kv->key, -1, NULL) || !g_utf8_validate(kv->value, -1, NULL)) {
      *message = g_strdup(not_text);
      ok = FALSE;
    } else if (!g_hash_table_contains(rq->query, kv->key)) {
      /* The first of a repeated name wins. */
      g_hash_table_insert(rq->query, g_strdup(kv->key), g_strdup(kv->value));
    }
  }
  evhttp_clear_headers(&pairs);
  return ok;
}

static const char *
query_get(const Request *rq, const char *name)
{
  return g_hash_table_lookup(rq->query, name);
}

/* ---- JSON ---- */

static void
json_add_double(JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name(b, name);
  if (isfinite(v))
    json_builder_add_double_value(b, v);
  else
    json_builder_add_null_value(b);
}

static void
json_add_string(JsonBuilder *b, const char *name, const char *v)
{
  json_builder_set_member_name(b, name);
  if (v != NULL)
    json_builder_add_string_value(b, v);
  else
    json_builder_add_null_value(b);
}

static void
json_add_int(JsonBuilder *b, const char *name, gint64 v)
{
  json_builder_set_member_name(b, name);
  json_builder_add_int_value(b, v);
}

/* "url" on every object of @array (a list's runs or sweeps): the dashboard's page of each,
 * the one member the API adds to the command line's documents. */
static void
add_urls(JsonArray *array, const char *what)
{
  for (guint i = 0; array != NULL && i < json_array_get_length(array); i++) {
    JsonObject *o = json_array_get_object_element(array, i);
    g_autofree char *url = g_strdup_printf("/%s/%" G_GINT64_FORMAT, what,
                                           json_object_get_int_member(o, "id"));
    json_object_set_string_member(o, "url", url);
  }
}

/* The plot URLs of a page, for the API. */
static void
json_add_plots(JsonBuilder *b, const char *what, gint64 id, const CacheEntry *e)
{
  json_builder_set_member_name(b, "plots");
  json_builder_begin_array(b);
  for (guint k = 0; e != NULL && k < PLOT_KIND_COUNT; k++) {
    if (!(e->plots.applies & (1u << k)))
      continue;
    g_autofree char *url = g_strdup_printf("/%s/%" G_GINT64_FORMAT "/plot/%s.svg", what, id,
                                           plot_kind_name((PlotKind) k));
    json_builder_add_string_value(b, url);
  }
  json_builder_end_array(b);
}

/* ---- handlers: each fills *out once; send_reply() sends it ---- */

static void
handle_css(ServeResponse *out)
{
  const char *css = serve_html_css();
  reply_set(out, 200, "text/css; charset=utf-8", g_bytes_new_static(css, strlen(css)));
  out->cache_control = "max-age=3600";
}

static void
handle_index(Serve *s, const Request *rq, ServeResponse *out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = store_list_runs(s->store, 0, NULL, SERVE_INDEX_RUNS + 1, &error);
  if (runs == NULL) {
    reply_store_error(rq, out, error);
    return;
  }
  gboolean more = runs->len > SERVE_INDEX_RUNS;
  if (more)
    g_ptr_array_set_size(runs, SERVE_INDEX_RUNS);
  g_autoptr(GPtrArray) sweeps = store_list_sweeps(s->store, SERVE_INDEX_RUNS, &error);
  if (sweeps == NULL) {
    reply_store_error(rq, out, error);
    return;
  }
  /* One more than the index shows, so that it can say there are more. */
  g_autoptr(GPtrArray) explains = store_list_analyses(s->store, STORE_ANALYSIS_EXPLAIN,
                                                      SERVE_INDEX_RUNS + 1, &error);
  if (explains == NULL) {
    reply_store_error(rq, out, error);
    return;
  }
  g_autoptr(GPtrArray) sensitivities = store_list_analyses(s->store, STORE_ANALYSIS_SENSITIVITY,
                                                           SERVE_INDEX_RUNS + 1, &error);
  if (sensitivities == NULL) {
    reply_store_error(rq, out, error);
    return;
  }
  reply_html(out, 200, serve_html_index(s->db_name, runs, more, sweeps, explains,
                                        sensitivities));
}

/* The [expect] verdicts of @run, or a note saying why there are none. */
static GPtrArray *
run_outcomes(const StoreRun *run, char **note)
{
  if (run->scenario->expects->len == 0) {
    *note = g_strdup("The scenario has no [expect] section.");
    return NULL;
  }
  g_autoptr(GError) error = NULL;
  GPtrArray *outcomes = check_expectations(run->result, &error);
  if (outcomes == NULL)
    *note = g_strdup(error->message);
  return outcomes;
}

/* A run's page or JSON, made from the loaded @run. */
static void
run_reply(Serve *s, const Request *rq, const StoreRun *run, const CacheEntry *e,
          ServeResponse *out)
{
  gint64 id = run->info->id;
  g_autofree char *note = NULL;
  g_autoptr(GPtrArray) outcomes = run_outcomes(run, &note);
  if (!rq->api) {
    reply_html(out, 200, serve_html_run(s->db_name, run, outcomes, note, &e->plots));
    return;
  }
  /* The document of zdsim show --json, plus the plots' URLs. */
  g_autoptr(JsonNode) root = document_run(run->result, run->info, TRUE);
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  json_add_plots(b, "runs", id, e);
  json_builder_end_object(b);
  g_autoptr(JsonNode) extra = json_builder_get_root(b);
  json_object_set_member(json_node_get_object(root), "plots",
                         json_object_dup_member(json_node_get_object(extra), "plots"));
  reply_json(out, 200, root);
}

static void
handle_run(Serve *s, const Request *rq, gint64 id, ServeResponse *out)
{
  int which = rq->api ? PAGE_JSON : PAGE_HTML;
  const char *type = rq->api ? "application/json; charset=utf-8" : "text/html; charset=utf-8";
  g_autofree char *key = g_strdup_printf("run/%" G_GINT64_FORMAT, id);
  CacheEntry *e = cache_lookup(s, key);
  if (e != NULL && e->page[which] != NULL) {
    reply_set(out, 200, type, g_bytes_ref(e->page[which]));
    return;
  }
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreRun) run = store_load_run(s->store, id, &error);
  if (run == NULL) {
    reply_store_error(rq, out, error);
    return;
  }
  e = cache_for_run(s, id, run, &error);
  g_assert(e != NULL); /* the run is loaded: nothing left to fail */
  run_reply(s, rq, run, e, out);
  e->page[which] = g_bytes_ref(out->body);
  e->bytes += g_bytes_get_size(out->body);
  s->cache_bytes += g_bytes_get_size(out->body);
  cache_trim(s, e);
}

static void
handle_api_runs(Serve *s, const Request *rq, ServeResponse *out)
{
  gint64 limit = SERVE_API_RUNS_DEFAULT;
  const char *limit_text = query_get(rq, "limit");
  if (limit_text != NULL &&
      (!serve_parse_id(limit_text, &limit) || limit > SERVE_API_RUNS_MAX)) {
    reply_error(rq, out, 400, "limit is a number from 1 to %d", SERVE_API_RUNS_MAX);
    return;
  }
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = store_list_runs(s->store, 0, query_get(rq, "scenario"),
                                              (guint) limit + 1, &error);
  if (runs == NULL) {
    reply_store_error(rq, out, error);
    return;
  }
  gboolean more = runs->len > (guint) limit;
  if (more)
    g_ptr_array_set_size(runs, (guint) limit);
  /* zdsim list --json's document, runs only, with each run's page. */
  g_autoptr(JsonNode) root = document_list(runs, more, NULL, FALSE, TRUE);
  add_urls(json_object_get_array_member(json_node_get_object(root), "runs"), "runs");
  reply_json(out, 200, root);
}

static void
handle_api_sweeps(Serve *s, const Request *rq, ServeResponse *out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sweeps = store_list_sweeps(s->store, 0, &error);
  if (sweeps == NULL) {
    reply_store_error(rq, out, error);
    return;
  }
  /* zdsim list --json's document, sweeps only, with each sweep's page. */
  g_autoptr(JsonNode) root = document_list(NULL, FALSE, sweeps, FALSE, TRUE);
  add_urls(json_object_get_array_member(json_node_get_object(root), "sweeps"), "sweeps");
  reply_json(out, 200, root);
}

/* What a sweep page was asked to recommend: ?target=99.95&metric=availability. */
typedef struct {
  const char *text;        /* the target as typed; NULL when none was asked for */
  const char *metric_name; /* the form's value */
  RunMetric metric;
  double target;           /* a fraction */
  char *error;             /* why the query was refused, or NULL */
} TargetQuery;

static void
target_query_clear(TargetQuery *q)
{
  g_clear_pointer(&q->error, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(TargetQuery, target_query_clear)

static void
target_query_parse(const Request *rq, TargetQuery *q)
{
  g_autoptr(GError) error = NULL;
  q->text = query_get(rq, "target");
  g_autofree char *stripped = g_strstrip(g_strdup(q->text != NULL ? q->text : ""));
  if (stripped[0] == '\0')
    q->text = NULL;
  q->metric_name = query_get(rq, "metric");
  if (q->metric_name == NULL || *q->metric_name == '\0')
    q->metric_name = "availability";
  q->metric = RUN_AVAILABILITY;
  if (!recommend_parse_metric(q->metric_name, &q->metric, &error)) {
    q->error = g_strdup(error->message);
    q->metric_name = "availability";
  } else if (q->text != NULL && !recommend_parse_goal(q->metric, q->text, &q->target, &error)) {
    q->error = g_strdup(error->message);
  }
}

static void
json_add_recommendation(JsonBuilder *b, const TargetQuery *q, const GPtrArray *series)
{
  json_builder_set_member_name(b, "recommendation");
  if (series == NULL) {
    json_builder_add_null_value(b);
    return;
  }
  json_builder_begin_object(b);
  json_add_string(b, "metric", run_metric_name(q->metric));
  json_add_double(b, "target", q->target);
  json_builder_set_member_name(b, "series");
  json_builder_begin_array(b);
  for (guint k = 0; k < series->len; k++) {
    const RecommendSeries *ser = g_ptr_array_index(series, k);
    json_builder_begin_object(b);
    json_add_string(b, "series", ser->key);
    json_builder_set_member_name(b, "run");
    if (ser->answer < 0) {
      json_builder_add_null_value(b);
    } else {
      const StoreRunInfo *r = g_ptr_array_index(ser->runs, (guint) ser->answer);
      json_builder_add_int_value(b, r->id);
      json_add_int(b, "instances", r->instances);
      json_add_double(b, recommend_metric_kind(q->metric) == RECOMMEND_DOWNTIME ? "upper_bound"
                                                                                : "lower_bound",
                      recommend_judged_bound(q->metric, &r->summary[q->metric]));
    }
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  json_builder_end_object(b);
}

static void
handle_sweep(Serve *s, const Request *rq, gint64 id, ServeResponse *out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreSweepInfo) sweep = store_load_sweep(s->store, id, &error);
  if (sweep == NULL) {
    reply_store_error(rq, out, error);
    return;
  }
  g_autoptr(GPtrArray) runs = store_list_runs(s->store, id, NULL, 0, &error);
  if (runs == NULL) {
    reply_store_error(rq, out, error);
    return;
  }
  g_auto(TargetQuery) q = { 0 };
  target_query_parse(rq, &q);
  g_autoptr(GPtrArray) series = NULL;
  if (q.text != NULL && q.error == NULL)
    series = recommend_stored(runs, q.metric, q.target);

  if (rq->api) {
    if (q.error != NULL) {
      reply_error(rq, out, 400, "%s", q.error);
      return;
    }
    /* zdsim sweep --json's document (with the ids the store gave), plus the pages' and
     * plots' URLs and the recommendation asked for. */
    g_autoptr(JsonNode) root = document_sweep(sweep, runs, TRUE);
    JsonObject *o = json_node_get_object(root);
    g_autofree char *url = g_strdup_printf("/sweeps/%" G_GINT64_FORMAT, id);
    json_object_set_string_member(o, "url", url);
    add_urls(json_object_get_array_member(o, "points"), "runs");
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    /* Loading every run for the plots may fail for an old run; the figures do not need it. */
    json_add_plots(b, "sweeps", id, cache_for_sweep(s, sweep, runs, NULL));
    json_add_recommendation(b, &q, series);
    json_builder_end_object(b);
    g_autoptr(JsonNode) extra = json_builder_get_root(b);
    JsonObject *eo = json_node_get_object(extra);
    json_object_set_member(o, "plots", json_object_dup_member(eo, "plots"));
    json_object_set_member(o, "recommendation", json_object_dup_member(eo, "recommendation"));
    reply_json(out, 200, root);
    return;
  }

  ServePlots failed = { 0 };
  CacheEntry *e = cache_for_sweep(s, sweep, runs, &error);
  if (e == NULL) {
    /* The table still shows what the store holds; the plots say why they are missing. */
    for (guint i = 0; i < G_N_ELEMENTS(sweep_kinds); i++)
      failed.why[sweep_kinds[i]] = g_strdup(error->message);
  }
  ServeSweepPage page = {
    .sweep = sweep,
    .runs = runs,
    .plots = e != NULL ? &e->plots : &failed,
    .target_text = q.text,
    .metric = q.metric,
    .metric_name = q.metric_name,
    .target = q.target,
    .series = series,
    .target_error = q.error,
  };
  /* A refused target is the user's to correct: the page says why, with the form. */
  reply_html(out, q.error != NULL ? 400 : 200, serve_html_sweep(s->db_name, &page));
  for (guint k = 0; k < PLOT_KIND_COUNT; k++)
    g_free(failed.why[k]);
}

/* ---- pictures drawn off the loop ---- */

/* One picture for one request, drawn by a worker: the script is made in the loop's thread
 * (the plot data belongs to the cache, which only that thread touches), the worker runs
 * gnuplot on it and reads the picture, and plot_job_finish() answers in the loop's thread. */
typedef struct PlotJob {
  struct evhttp_request *req;
  char *key;     /* the cache entry's key: it may be evicted meanwhile */
  PlotKind kind;
  char *script;
  char *path;
  guint timeout_s;
  GBytes *svg;   /* the worker's result, or NULL with @error */
  GError *error;
} PlotJob;

static void
plot_job_free(PlotJob *job)
{
  g_free(job->key);
  g_free(job->script);
  g_free(job->path);
  if (job->svg != NULL)
    g_bytes_unref(job->svg);
  g_clear_error(&job->error);
  g_free(job);
}

static PlotJob *
plot_job_new(Serve *s, CacheEntry *e, PlotKind kind, GError **error)
{
  PlotJob *job = g_new0(PlotJob, 1);
  job->kind = kind;
  job->timeout_s = s->plot_timeout_s;
  /* The file name is the server's own: nothing from the request reaches it. */
  job->path = g_strdup_printf("%s/plot-%" G_GUINT64_FORMAT ".svg", s->tmpdir, ++s->files);
  PlotOptions options = { .kind = kind, .format = PLOT_FORMAT_SVG, .output = job->path,
                          .timeout_s = s->plot_timeout_s };
  job->script = plot_script(e->data, &options, error);
  if (job->script == NULL) {
    plot_job_free(job);
    return NULL;
  }
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init(&it, s->cache);
  while (job->key == NULL && g_hash_table_iter_next(&it, &key, &value))
    if (value == e)
      job->key = g_strdup(key);
  g_assert(job->key != NULL);
  return job;
}

/* In a worker thread: gnuplot, bounded by the job's time limit. */
static void
plot_job_run(gpointer data, gpointer user_data)
{
  PlotJob *job = data;
  Serve *s = user_data;
  PlotOptions options = { .kind = job->kind, .format = PLOT_FORMAT_SVG, .output = job->path,
                          .timeout_s = job->timeout_s };
  char *contents = NULL;
  gsize len = 0;
  if (plot_render_script(job->script, &options, NULL, &job->error) &&
      g_file_get_contents(job->path, &contents, &len, &job->error))
    job->svg = g_bytes_new_take(contents, len);
  g_unlink(job->path);
  g_async_queue_push(s->done, job);
  /* Wakes the loop; a full pipe has a wake-up pending already. */
  ssize_t w;
  while ((w = write(s->done_pipe[1], "x", 1)) < 0 && errno == EINTR)
    ;
}

static void
reply_plot_error(const Request *rq, ServeResponse *out, const GError *error)
{
  int status = g_error_matches(error, PLOT_ERROR, PLOT_ERROR_NO_GNUPLOT) ? 503
               : g_error_matches(error, PLOT_ERROR, PLOT_ERROR_TIMEOUT)  ? 504
                                                                         : 500;
  reply_error(rq, out, status, "%s", error->message);
}

static void
reply_svg(ServeResponse *out, GBytes *svg)
{
  reply_set(out, 200, "image/svg+xml", svg);
  out->csp = SVG_CSP;
  out->cache_control = "max-age=300";
}

static void reply_finish(ServeResponse *out);

/* In the loop's thread: keeps the picture (if its entry is still cached) and answers. */
static void
plot_job_finish(Serve *s, PlotJob *job)
{
  g_auto(ServeResponse) out = { 0 };
  Request rq = { .db_path = s->db_path, .db_name = s->db_name };
  if (job->svg != NULL) {
    CacheEntry *e = g_hash_table_lookup(s->cache, job->key);
    if (e != NULL && e->svg[job->kind] == NULL) {
      e->svg[job->kind] = g_bytes_ref(job->svg);
      e->bytes += g_bytes_get_size(job->svg);
      s->cache_bytes += g_bytes_get_size(job->svg);
      cache_trim(s, e);
    }
    reply_svg(&out, g_bytes_ref(job->svg));
  } else {
    reply_plot_error(&rq, &out, job->error);
  }
  reply_finish(&out);
  conn_request_done(s, job->req);
  send_reply(s, job->req, &out);
  g_hash_table_remove(s->jobs, job);
}

static void
on_jobs_done(evutil_socket_t fd, short what, void *data)
{
  (void) what;
  Serve *s = data;
  char buf[64];
  while (read(fd, buf, sizeof buf) > 0)
    ;
  PlotJob *job;
  while ((job = g_async_queue_try_pop(s->done)) != NULL)
    plot_job_finish(s, job);
}

static void
handle_plot(Serve *s, const Request *rq, gboolean sweep, gint64 id, const char *file,
            ServeResponse *out)
{
  int kind = -1;
  if (g_str_has_suffix(file, ".svg")) {
    g_autofree char *name = g_strndup(file, strlen(file) - 4);
    kind = plot_kind_lookup(name);
  }
  const PlotKind *kinds = sweep ? sweep_kinds : run_kinds;
  guint n_kinds = sweep ? G_N_ELEMENTS(sweep_kinds) : G_N_ELEMENTS(run_kinds);
  gboolean offered = FALSE;
  for (guint i = 0; i < n_kinds; i++)
    offered = offered || (int) kinds[i] == kind;
  if (!offered) {
    reply_error(rq, out, 404, "no such plot; a %s has %s", sweep ? "sweep" : "run",
                sweep ? "availability.svg, cost.svg, timeline.svg and outages.svg"
                      : "timeline.svg, outages.svg and heatmap.svg");
    return;
  }

  g_autoptr(GError) error = NULL;
  CacheEntry *e = sweep ? cache_for_sweep_id(s, id, &error) : cache_for_run(s, id, NULL, &error);
  if (e == NULL) {
    reply_store_error(rq, out, error);
    return;
  }
  if (!(e->plots.applies & (1u << kind))) {
    reply_error(rq, out, 404, "%s", e->plots.why[kind]);
    return;
  }
  if (rq->defer != NULL && e->svg[kind] == NULL && !s->no_plots) {
    *rq->defer = plot_job_new(s, e, (PlotKind) kind, &error);
    if (*rq->defer != NULL)
      return; /* answered by plot_job_finish() */
    reply_plot_error(rq, out, error);
    return;
  }
  g_autoptr(GBytes) svg = cache_svg(s, e, (PlotKind) kind, &error);
  if (svg == NULL) {
    reply_plot_error(rq, out, error);
    return;
  }
  reply_svg(out, g_steal_pointer(&svg));
}

/* Routes on the raw path: ids and kinds must be plain text as sent, never decoded. */
/* /explain, /sensitivity: the stored results of that kind; /explain/ID, /sensitivity/ID: one
 * of them as a page; under /api/ the same as JSON (a result is the document the command
 * printed with --json). */
static void
handle_analysis(Serve *s, const Request *rq, StoreAnalysisKind kind, const char *id_text,
                ServeResponse *out)
{
  const char *name = store_analysis_kind_name(kind);
  g_autoptr(GError) error = NULL;
  if (id_text == NULL) {
    g_autoptr(GPtrArray) list = store_list_analyses(s->store, kind, 0, &error);
    if (list == NULL) {
      reply_store_error(rq, out, error);
      return;
    }
    if (!rq->api) {
      reply_html(out, 200, serve_html_analyses(s->db_name, name, list));
      return;
    }
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_array(b);
    for (guint i = 0; i < list->len; i++) {
      const StoreAnalysis *a = g_ptr_array_index(list, i);
      json_builder_begin_object(b);
      json_add_int(b, "id", a->id);
      json_add_string(b, "created", a->created);
      json_add_string(b, "scenario", a->scenario);
      json_add_string(b, "metric", a->metric);
      json_add_int(b, "replications", a->replications);
      g_autofree char *url = g_strdup_printf("/api/%s/%" G_GINT64_FORMAT, name, a->id);
      json_add_string(b, "url", url);
      json_builder_end_object(b);
    }
    json_builder_end_array(b);
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    reply_json(out, 200, root);
    return;
  }
  gint64 id;
  if (id_text[0] == '\0' || !serve_parse_id(id_text, &id)) {
    g_autofree char *shown = g_utf8_make_valid(id_text, MIN(strlen(id_text), 40));
    reply_error(rq, out, 400, "'%s' is not a %s id: an id is a positive number of at most %d "
                "digits", shown, name, SERVE_ID_MAX_DIGITS);
    return;
  }
  g_autoptr(StoreAnalysis) a = store_load_analysis(s->store, kind, id, &error);
  if (a == NULL) {
    reply_store_error(rq, out, error);
    return;
  }
  if (rq->api) {
    g_autoptr(JsonParser) parser = json_parser_new();
    if (!json_parser_load_from_data(parser, a->result, -1, &error)) {
      reply_error(rq, out, 500, "the stored %s result %" G_GINT64_FORMAT " does not read: %s",
                  name, id, error->message);
      return;
    }
    reply_json(out, 200, json_parser_get_root(parser));
    return;
  }
  g_autofree char *fragment = NULL;
  if (kind == STORE_ANALYSIS_EXPLAIN) {
    g_autoptr(ExplainResult) r = explain_from_json(a->result, &error);
    if (r != NULL)
      fragment = report_html_explain_fragment(r, id, NULL, &error);
  } else {
    g_autoptr(SensitivityResult) r = sensitivity_from_json(a->result, &error);
    if (r != NULL)
      fragment = report_html_sensitivity_fragment(r, id, NULL, &error);
  }
  if (fragment == NULL) {
    reply_error(rq, out, 500, "cannot show %s %" G_GINT64_FORMAT ": %s", name, id,
                error->message);
    return;
  }
  g_autofree char *title = g_strdup_printf("%s %" G_GINT64_FORMAT ": %s", name, id,
                                           a->scenario);
  g_autofree char *json_url = g_strdup_printf("/api/%s/%" G_GINT64_FORMAT, name, id);
  reply_html(out, 200, serve_html_analysis(s->db_name, name, title, fragment, json_url));
}

static void
route(Serve *s, const Request *rq, ServeResponse *out)
{
  char **seg = rq->seg;
  guint n = rq->n;
  gint64 id = 0;
  if (n == 0) {
    handle_index(s, rq, out);
    return;
  }
  if (n == 1 && g_str_equal(seg[0], "style.css")) {
    handle_css(out);
    return;
  }

  gboolean api = rq->api;
  char **rest = api ? seg + 1 : seg;
  guint m = api ? n - 1 : n;
  if (m >= 1 && (g_str_equal(rest[0], "runs") || g_str_equal(rest[0], "sweeps"))) {
    gboolean sweep = rest[0][0] == 's';
    if (api && m == 1) {
      if (sweep)
        handle_api_sweeps(s, rq, out);
      else
        handle_api_runs(s, rq, out);
      return;
    }
    /* "/runs/" (an empty id) is no page, like any other unknown path. */
    if ((m == 2 || (!api && m == 4 && g_str_equal(rest[2], "plot"))) && rest[1][0] != '\0') {
      if (!serve_parse_id(rest[1], &id)) {
        g_autofree char *shown = g_utf8_make_valid(rest[1], MIN(strlen(rest[1]), 40));
        reply_error(rq, out, 400,
                    "'%s' is not a %s id: an id is a positive number of at most %d digits",
                    shown, sweep ? "sweep" : "run", SERVE_ID_MAX_DIGITS);
        return;
      }
      if (m == 4) {
        handle_plot(s, rq, sweep, id, rest[3], out);
        return;
      }
      if (sweep)
        handle_sweep(s, rq, id, out);
      else
        handle_run(s, rq, id, out);
      return;
    }
  }
  if (m >= 1 && m <= 2 &&
      (g_str_equal(rest[0], "explain") || g_str_equal(rest[0], "sensitivity"))) {
    handle_analysis(s, rq, rest[0][0] == 'e' ? STORE_ANALYSIS_EXPLAIN : STORE_ANALYSIS_SENSITIVITY,
                    m == 2 ? rest[1] : NULL, out);
    return;
  }
  reply_error(rq, out, 404, "There is nothing at this address. The dashboard starts at /%s.",
              api ? "; the API has /api/runs, /api/sweeps, /api/explain and /api/sensitivity, "
                    "each with /ID"
                  : "");
}

/* Fills the parts of @out that every reply has: the reason phrase and, where a handler left
 * them out, Cache-Control and the Content-Security-Policy. */
static void
reply_finish(ServeResponse *out)
{
  g_assert(out->body != NULL && out->content_type != NULL);
  out->reason = reason_phrase(out->status);
  if (out->cache_control == NULL)
    out->cache_control = "no-cache";
  if (out->csp == NULL)
    out->csp = PAGE_CSP;
}

/* The answer to @method on @uri as evhttp parsed it (NULL is taken as the path "/"): what
 * on_request() sends and serve_respond() returns. */
static void
respond_to(Serve *s, enum evhttp_cmd_type method, const struct evhttp_uri *uri,
           ServeResponse *out, PlotJob **defer)
{
  Request rq = { 0 };
  rq.defer = defer;
  g_autofree char *message = NULL;
  const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
  if (path == NULL || *path == '\0')
    path = "/";
  rq.method = method;
  rq.db_path = s->db_path;
  rq.db_name = s->db_name;
  rq.api = g_str_has_prefix(path, "/api/") || g_str_equal(path, "/api");

  if (rq.method != EVHTTP_REQ_GET && rq.method != EVHTTP_REQ_HEAD) {
    reply_error(&rq, out, 405, "Only GET and HEAD are served here: the dashboard is read-only.");
    out->allow = "GET, HEAD";
  } else if (path[0] != '/') {
    reply_error(&rq, out, 400, "The request's path must start with '/'.");
  } else if (!parse_query(uri != NULL ? evhttp_uri_get_query(uri) : NULL, &rq, &message)) {
    reply_error(&rq, out, 400, "Bad query: %s.", message);
  } else {
    /* At most 6 pieces: anything deeper ends in the last one and matches no route. */
    rq.seg = g_strsplit(path + 1, "/", 6);
    rq.n = g_strv_length(rq.seg);
    route(s, &rq, out);
  }
  if (defer == NULL || *defer == NULL)
    reply_finish(out);
  g_strfreev(rq.seg);
  if (rq.query != NULL)
    g_hash_table_unref(rq.query);
}

static void
on_request(struct evhttp_request *req, void *user_data)
{
  Serve *s = user_data;
  g_auto(ServeResponse) reply = { 0 };
  conn_request_started(s, req);
  PlotJob *job = NULL;
  respond_to(s, evhttp_request_get_command(req), evhttp_request_get_evhttp_uri(req), &reply,
             s->pool != NULL ? &job : NULL);
  if (job != NULL) {
    job->req = req;
    g_hash_table_add(s->jobs, job);
    g_thread_pool_push(s->pool, job, NULL);
    return;
  }
  conn_request_done(s, req);
  send_reply(s, req, &reply);
}

/* Whether libevent parses @method and passes it on (KNOWN_METHODS, one of them). */
static gboolean
method_known(enum evhttp_cmd_type method)
{
  return !g_str_equal(method_name(method), "?");
}

/* @target parsed as evhttp_parse_request_line() parses a request line's target (libevent
 * 2.1.12, http.c): a CONNECT's with evhttp_uri_parse_authority(), which reads an authority up to
 * the first '/', '?' or '#', ignores the rest and leaves the path empty; any other with
 * evhttp_uri_parse_with_flags(EVHTTP_URI_NONCONFORMANT). The former is libevent's own (not
 * exported); an authority after "//" with nothing behind it takes the same parse_authority()
 * path in evhttp_uri_parse_with_flags(), and its path is empty too. Returns: (transfer full)
 * or NULL where evhttp refuses the request line. */
static struct evhttp_uri *
parse_target(enum evhttp_cmd_type method, const char *target)
{
  if (method != EVHTTP_REQ_CONNECT)
    return evhttp_uri_parse_with_flags(target, EVHTTP_URI_NONCONFORMANT);
  g_autofree char *authority = g_strdup_printf("//%.*s", (int) strcspn(target, "/?#"), target);
  return evhttp_uri_parse_with_flags(authority, EVHTTP_URI_NONCONFORMANT);
}

void
serve_respond(Serve *s, enum evhttp_cmd_type method, const char *target, ServeResponse *out)
{
  *out = (ServeResponse){ 0 };
  g_autoptr(evhttp_uri) uri = NULL;
  /* What evhttp answers itself, before on_request() would see the request, in its order:
   * evhttp_parse_firstline_() refuses a line longer than the header limit, then
   * evhttp_parse_request_line() a target it cannot parse (whatever the method), then
   * evhttp_handle_request() a method that is not allowed with 501. */
  gsize line = strlen(method_name(method)) + 1 + strlen(target) + strlen(" HTTP/1.1");
  if (line > SERVE_MAX_HEADERS_SIZE) {
    reply_error(NULL, out, 400, "The request line is too long.");
  } else if ((uri = parse_target(method, target)) == NULL) {
    reply_error(NULL, out, 400, "The request target is not a URI.");
  } else if (!method_known(method)) {
    reply_error(NULL, out, 501, "The server does not know this method.");
  } else {
    respond_to(s, method, uri, out, NULL);
    return;
  }
  reply_finish(out);
}

/* ---- the server ---- */

/* A listening socket on @host:@port. Returns: the socket, or -1 with @error. */
static evutil_socket_t
listen_on(Serve *s, const char *host, guint16 port, GError **error)
{
  struct addrinfo hints = { 0 };
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  char service[8];
  g_snprintf(service, sizeof service, "%u", port);
  struct addrinfo *res = NULL;
  int rc = getaddrinfo(host, service, &hints, &res);
  if (rc != 0) {
    g_set_error(error, SERVE_ERROR, SERVE_ERROR_ADDRESS, "cannot use the address '%s': %s",
                host, gai_strerror(rc));
    return -1;
  }
  int saved = 0;
  evutil_socket_t fd = -1;
  for (struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
      saved = errno;
      continue;
    }
    /* A restarted server can take its port back while old connections linger in TIME_WAIT. */
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    /* Headers and body leave in separate writes; without this, Nagle's algorithm holds the
     * body's last segment until the client's delayed ACK, 40 ms later. Linux hands the option
     * on to the accepted connections. */
    if (ai->ai_family == AF_INET || ai->ai_family == AF_INET6)
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 128) != 0) {
      saved = errno;
      close(fd);
      fd = -1;
      continue;
    }
    struct sockaddr_storage addr;
    socklen_t len = sizeof addr;
    char name[NI_MAXHOST], serv[NI_MAXSERV];
    if (getsockname(fd, (struct sockaddr *) &addr, &len) == 0 &&
        getnameinfo((struct sockaddr *) &addr, len, name, sizeof name, serv, sizeof serv,
                    NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
      s->host = g_strdup(name);
      s->port = (guint16) atoi(serv);
      s->ipv6 = addr.ss_family == AF_INET6;
    } else {
      s->host = g_strdup(host);
      s->port = port;
    }
  }
  freeaddrinfo(res);
  if (fd < 0) {
    g_set_error(error, SERVE_ERROR, SERVE_ERROR_BIND, "cannot listen on %s port %u: %s%s",
                host, port, g_strerror(saved),
                saved == EADDRINUSE ? " (another server uses it: choose another with --port)"
                                    : "");
  }
  return fd;
}

Serve *
serve_new_unbound(const ServeOptions *options, GError **error)
{
  g_autoptr(Store) store = store_open(options->db_path, STORE_OPEN_READ_ONLY, error);
  if (store == NULL)
    return NULL;
  g_autoptr(Serve) s = g_new0(Serve, 1);
  s->store = g_steal_pointer(&store);
  s->db_path = g_strdup(options->db_path);
  s->db_name = g_path_get_basename(options->db_path);
  s->no_plots = options->no_plots;
  s->plot_timeout_s = options->plot_timeout_s;
  s->cache_max_entries = options->cache_entries > 0 ? options->cache_entries
                                                    : SERVE_CACHE_ENTRIES;
  s->cache_max_bytes = options->cache_bytes > 0 ? options->cache_bytes : SERVE_CACHE_BYTES;
  s->cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                   (GDestroyNotify) cache_entry_free);
  if (s->no_plots)
    return g_steal_pointer(&s);
  g_autoptr(GError) local = NULL;
  s->tmpdir = g_dir_make_tmp("zdsim-serve-XXXXXX", &local);
  if (s->tmpdir == NULL) {
    g_set_error(error, SERVE_ERROR, SERVE_ERROR_FAILED,
                "cannot make a temporary directory for plots: %s", local->message);
    return NULL;
  }
  return g_steal_pointer(&s);
}

Serve *
serve_new(struct event_base *base, const ServeOptions *options, GError **error)
{
  g_autoptr(Serve) s = serve_new_unbound(options, error);
  if (s == NULL)
    return NULL;
  s->base = base;
  s->log = options->log;
  s->log_data = options->log_data;
  s->http = evhttp_new(base);
  if (s->http == NULL) {
    g_set_error(error, SERVE_ERROR, SERVE_ERROR_FAILED, "libevent cannot start an HTTP server");
    return NULL;
  }
  evhttp_set_allowed_methods(s->http, KNOWN_METHODS);
  evhttp_set_max_headers_size(s->http, SERVE_MAX_HEADERS_SIZE);
  evhttp_set_max_body_size(s->http, SERVE_MAX_BODY_SIZE);
  evhttp_set_timeout(s->http, SERVE_TIMEOUT_S);
  evhttp_set_gencb(s->http, on_request, s);
  s->warn = options->warn;
  s->max_conns = options->max_connections > 0 ? options->max_connections
                                              : SERVE_MAX_CONNECTIONS;
  s->request_timeout_s = options->request_timeout_s > 0 ? options->request_timeout_s
                                                        : SERVE_REQUEST_TIMEOUT_S;
  s->conns = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                   (GDestroyNotify) conn_free);
  s->resume = evtimer_new(base, on_resume, s);
  if (s->resume == NULL) {
    g_set_error(error, SERVE_ERROR, SERVE_ERROR_FAILED, "libevent cannot make a timer");
    return NULL;
  }
  evhttp_set_bevcb(s->http, on_new_connection, s);
  if (!s->no_plots) {
    s->jobs = g_hash_table_new_full(g_direct_hash, g_direct_equal,
                                    (GDestroyNotify) plot_job_free, NULL);
    s->done = g_async_queue_new();
    s->done_pipe[0] = s->done_pipe[1] = -1;
    g_autoptr(GError) local = NULL;
    if (!g_unix_open_pipe(s->done_pipe, FD_CLOEXEC, &local) ||
        !g_unix_set_fd_nonblocking(s->done_pipe[0], TRUE, &local) ||
        !g_unix_set_fd_nonblocking(s->done_pipe[1], TRUE, &local)) {
      g_set_error(error, SERVE_ERROR, SERVE_ERROR_FAILED, "cannot make a pipe for plots: %s",
                  local->message);
      return NULL;
    }
    s->done_event = event_new(base, s->done_pipe[0], EV_READ | EV_PERSIST, on_jobs_done, s);
    if (s->done_event == NULL || event_add(s->done_event, NULL) != 0) {
      g_set_error(error, SERVE_ERROR, SERVE_ERROR_FAILED, "libevent cannot watch a pipe");
      return NULL;
    }
    /* Each worker waits on one gnuplot, a process of its own. */
    s->pool = g_thread_pool_new(plot_job_run, s, SERVE_PLOT_THREADS, FALSE, &local);
    if (s->pool == NULL) {
      g_set_error(error, SERVE_ERROR, SERVE_ERROR_FAILED, "cannot start plot threads: %s",
                  local->message);
      return NULL;
    }
  }

  const char *host = options->bind != NULL ? options->bind : SERVE_DEFAULT_BIND;
  evutil_socket_t fd = listen_on(s, host, options->port, error);
  if (fd < 0)
    return NULL;
  struct evhttp_bound_socket *bound = evhttp_accept_socket_with_handle(s->http, fd);
  if (bound == NULL) {
    close(fd);
    g_set_error(error, SERVE_ERROR, SERVE_ERROR_FAILED,
                "libevent cannot accept connections on %s port %u", host, s->port);
    return NULL;
  }
  s->listener = evhttp_bound_socket_get_listener(bound);
  G_LOCK(servers);
  servers = g_slist_prepend(servers, s);
  G_UNLOCK(servers);
  evconnlistener_set_error_cb(s->listener, on_accept_error);
  return g_steal_pointer(&s);
}

void
serve_free(Serve *s)
{
  if (s == NULL)
    return;
  G_LOCK(servers);
  servers = g_slist_remove(servers, s);
  G_UNLOCK(servers);
  /* Drawing stops first: queued pictures are dropped, running ones (at most their time
   * limit) finish; their requests go with their connections below, unanswered. */
  if (s->pool != NULL)
    g_thread_pool_free(s->pool, TRUE, TRUE);
  if (s->done_event != NULL)
    event_free(s->done_event);
  if (s->done != NULL)
    g_async_queue_unref(s->done);
  if (s->jobs != NULL)
    g_hash_table_unref(s->jobs);
  for (guint i = 0; i < 2; i++)
    if (s->done_pipe[i] > 0)
      close(s->done_pipe[i]);
  /* evhttp_free() closes the connections, which calls on_conn_close() for each: the table
   * and the timer go after it. */
  s->listener = NULL;
  if (s->http != NULL)
    evhttp_free(s->http);
  if (s->conns != NULL)
    g_hash_table_unref(s->conns);
  if (s->resume != NULL)
    event_free(s->resume);
  store_close(s->store);
  if (s->cache != NULL)
    g_hash_table_unref(s->cache);
  if (s->tmpdir != NULL) {
    /* Only the server's own plot-N.svg files can be there (left by a failed gnuplot). */
    g_autoptr(GDir) dir = g_dir_open(s->tmpdir, 0, NULL);
    const char *name;
    while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
      g_autofree char *path = g_build_filename(s->tmpdir, name, NULL);
      g_unlink(path);
    }
    g_rmdir(s->tmpdir);
  }
  g_free(s->tmpdir);
  g_free(s->db_path);
  g_free(s->db_name);
  g_free(s->host);
  g_free(s);
}

guint16
serve_get_port(const Serve *s)
{
  return s->port;
}

char *
serve_get_url(const Serve *s)
{
  if (s->host == NULL)
    return NULL;
  return s->ipv6 ? g_strdup_printf("http://[%s]:%u/", s->host, s->port)
                 : g_strdup_printf("http://%s:%u/", s->host, s->port);
}
