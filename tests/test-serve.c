/* test-serve.c: the dashboard (serve.h) end to end: a temporary store with two runs and a
 * sweep, the server on a free port in a thread of this process, and a raw-socket HTTP client
 * (every call with a timeout) that fetches every page and API, checks the JSON against the
 * runs as they were computed here, sends hostile requests, and has headless Chromium render
 * the pages. Plus the parsing, escaping and recommending helpers on their own. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <sqlite3.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "zdsim/check.h"
#include "zdsim/explain.h"
#include "zdsim/report.h"
#include "zdsim/sensitivity.h"
#include "zdsim/serve.h"
#include "zdsim/store.h"
#include "zdsim/store_analysis.h"
#include "zdsim/sweep.h"

/* Every socket call gives up after this long: a hung server fails the test, never hangs it. */
#define CLIENT_TIMEOUT_S 20

/* ---- the fixture: a store, a server thread and its request log ---- */

typedef struct {
  char *method;
  char *uri;
  int status;
} LogEntry;

typedef struct {
  char *dir;
  char *db;
  Scenario *one, *two, *base;
  RunResult *one_result, *two_result;
  SweepResult *sweep;
  gint64 one_id, two_id, sweep_id;
  struct event_base *base_loop;
  Serve *serve;
  guint16 port;
  struct event *stop_event;
  int stop_pipe[2];
  GThread *thread;
  GMutex lock;
  GPtrArray *log; /* LogEntry*, under @lock: the server thread appends */
} Fixture;

/* A one-instance app with [expect] lines and a description full of markup, to see it escaped;
 * 60 days x 4 replications keep it fast, and three updates a week give it outages. */
static const char one_ini[] =
    "[scenario]\n"
    "name = serve-one\n"
    "description = One <b>instance</b> & \"quotes\" <script>alert(1)</script>\n"
    "horizon = 60d\nreplications = 4\nseed = 7\n"
    "[app]\ninstances = 1\n"
    "[expect]\navailability = >= 90%\nmax_outage = <= 1m\n";
static const char two_ini[] = "[scenario]\nname = serve-two\nhorizon = 60d\nreplications = 4\n"
                              "seed = 7\n[app]\ninstances = 2\n";
static const char sweep_ini[] = "[scenario]\nname = serve-sweep\nhorizon = 60d\n"
                                "replications = 3\nseed = 3\n[sweep]\napp.instances = 1,2\n";

static void
log_entry_free(LogEntry *e)
{
  g_free(e->method);
  g_free(e->uri);
  g_free(e);
}

static void
on_log(const char *method, const char *uri, int status, gsize bytes, void *user_data)
{
  (void) bytes;
  Fixture *f = user_data;
  LogEntry *e = g_new0(LogEntry, 1);
  e->method = g_strdup(method);
  e->uri = g_strdup(uri);
  e->status = status;
  g_mutex_lock(&f->lock);
  g_ptr_array_add(f->log, e);
  g_mutex_unlock(&f->lock);
}

static void
log_clear(Fixture *f)
{
  g_mutex_lock(&f->lock);
  g_ptr_array_set_size(f->log, 0);
  g_mutex_unlock(&f->lock);
}

static guint
log_count(Fixture *f)
{
  g_mutex_lock(&f->lock);
  guint n = f->log->len;
  g_mutex_unlock(&f->lock);
  return n;
}

/* The status the server logged for GET @uri since the last log_clear(), or 0. */
static int
log_status(Fixture *f, const char *uri)
{
  int status = 0;
  g_mutex_lock(&f->lock);
  for (guint i = 0; i < f->log->len; i++) {
    const LogEntry *e = g_ptr_array_index(f->log, i);
    if (g_str_equal(e->method, "GET") && g_str_equal(e->uri, uri))
      status = e->status;
  }
  g_mutex_unlock(&f->lock);
  return status;
}

static void
on_stop(evutil_socket_t fd, short what, void *base)
{
  (void) fd;
  (void) what;
  event_base_loopbreak(base);
}

static gpointer
server_thread(gpointer data)
{
  Fixture *f = data;
  event_base_dispatch(f->base_loop);
  return NULL;
}

static Scenario *
load(const char *text, const char *name)
{
  g_autoptr(GError) error = NULL;
  Scenario *sc = scenario_load_data(text, strlen(text), name, NULL, &error);
  g_assert_no_error(error);
  return sc;
}

static void
fixture_init(Fixture *f)
{
  g_autoptr(GError) error = NULL;
  f->dir = g_dir_make_tmp("zdsim-test-serve-XXXXXX", &error);
  g_assert_no_error(error);
  f->db = g_build_filename(f->dir, "runs.db", NULL);
  f->one = load(one_ini, "serve-one.ini");
  f->two = load(two_ini, "serve-two.ini");
  f->base = load(sweep_ini, "serve-sweep.ini");

  RunOptions options = { .jobs = 2, .keep_timeline = TRUE };
  f->one_result = run_execute(f->one, &options, &error);
  g_assert_no_error(error);
  f->two_result = run_execute(f->two, &options, &error);
  g_assert_no_error(error);
  f->sweep = sweep_run(f->base, &options, &error);
  g_assert_no_error(error);

  g_autoptr(Store) store = store_open(f->db, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error(error);
  f->one_id = store_save_run(store, f->one_result, &error);
  g_assert_no_error(error);
  f->two_id = store_save_run(store, f->two_result, &error);
  g_assert_no_error(error);
  f->sweep_id = store_save_sweep(store, "sweep", f->base, f->sweep->axes, f->sweep->results,
                                 f->sweep->points, &error);
  g_assert_no_error(error);
  g_clear_pointer(&store, store_close);

  g_mutex_init(&f->lock);
  f->log = g_ptr_array_new_with_free_func((GDestroyNotify) log_entry_free);
  f->base_loop = event_base_new();
  g_assert_nonnull(f->base_loop);
  ServeOptions so = { .db_path = f->db, .port = 0, .log = on_log, .log_data = f };
  f->serve = serve_new(f->base_loop, &so, &error);
  g_assert_no_error(error);
  f->port = serve_get_port(f->serve);
  g_assert_cmpuint(f->port, >, 0);
  /* The stop signal crosses threads through a pipe: libevent here has no thread locks. */
  g_assert_cmpint(pipe(f->stop_pipe), ==, 0);
  f->stop_event = event_new(f->base_loop, f->stop_pipe[0], EV_READ, on_stop, f->base_loop);
  event_add(f->stop_event, NULL);
  /* The socket listens already (serve_new): requests queue until the loop runs. */
  f->thread = g_thread_new("serve", server_thread, f);
}

/* Removes @path and, for a directory, everything under it (the browsers' profiles). */
static void
remove_tree(const char *path)
{
  if (g_file_test(path, G_FILE_TEST_IS_DIR) && !g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    const char *name;
    while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
      g_autofree char *child = g_build_filename(path, name, NULL);
      remove_tree(child);
    }
    g_rmdir(path);
  } else {
    g_unlink(path);
  }
}

static void
fixture_clear(Fixture *f)
{
  g_assert_cmpint(write(f->stop_pipe[1], "x", 1), ==, 1);
  g_thread_join(f->thread);
  event_free(f->stop_event);
  close(f->stop_pipe[0]);
  close(f->stop_pipe[1]);
  serve_free(f->serve);
  event_base_free(f->base_loop);
  g_ptr_array_unref(f->log);
  g_mutex_clear(&f->lock);
  sweep_result_free(f->sweep);
  run_result_free(f->one_result);
  run_result_free(f->two_result);
  scenario_free(f->one);
  scenario_free(f->two);
  scenario_free(f->base);
  remove_tree(f->dir);
  g_free(f->dir);
  g_free(f->db);
}

/* ---- a raw HTTP/1.1 client ---- */

typedef struct {
  int status;            /* -1 when the reply could not be read or parsed */
  GHashTable *headers;   /* lower-case name -> value */
  GBytes *body;
} Response;

static void
response_free(Response *r)
{
  if (r->headers != NULL)
    g_hash_table_unref(r->headers);
  if (r->body != NULL)
    g_bytes_unref(r->body);
  g_free(r);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Response, response_free)

/* Whether @in holds a whole reply: its headers and as many body bytes as Content-Length
 * says. */
static gboolean
reply_complete(const GByteArray *in)
{
  const char *data = (const char *) in->data;
  const char *end = g_strstr_len(data, in->len, "\r\n\r\n");
  if (end == NULL)
    return FALSE;
  g_autofree char *head = g_ascii_strdown(data, end - data);
  const char *cl = strstr(head, "\r\ncontent-length:");
  if (cl == NULL)
    return FALSE;
  guint64 length = g_ascii_strtoull(cl + strlen("\r\ncontent-length:"), NULL, 10);
  return in->len >= (gsize) (end + 4 - data) + length;
}

/* Sends @len bytes of @request as they are and reads the reply until it is complete or the
 * server closes. */
static Response *
http_raw(guint16 port, const char *request, gsize len)
{
  /* A reply to HEAD announces a length it does not send. */
  gboolean head_only = g_str_has_prefix(request, "HEAD ");
  Response *r = g_new0(Response, 1);
  r->status = -1;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint(fd, >=, 0);
  struct timeval tv = { CLIENT_TIMEOUT_S, 0 };
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port) };
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *) &addr, sizeof addr) != 0) {
    close(fd);
    return r;
  }
  /* The server may answer and close before a hostile request is all sent: stop sending then
   * and read what it said. */
  for (gsize sent = 0; sent < len;) {
    ssize_t w = send(fd, request + sent, len - sent, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      break;
    sent += (gsize) w;
  }
  g_autoptr(GByteArray) in = g_byte_array_new();
  for (;;) {
    guint8 buf[16384];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break; /* closed, reset after the reply, or the timeout */
    g_byte_array_append(in, buf, (guint) n);
    if (!head_only && reply_complete(in))
      break; /* the server may keep the connection (it does after CONNECT) */
  }
  close(fd);

  const char *data = (const char *) in->data;
  const char *end = g_strstr_len(data, in->len, "\r\n\r\n");
  if (end == NULL)
    return r;
  g_autofree char *head = g_strndup(data, (gsize) (end - data));
  g_auto(GStrv) lines = g_strsplit(head, "\r\n", -1);
  if (!g_str_has_prefix(lines[0], "HTTP/1.") || strlen(lines[0]) < 12)
    return r;
  r->status = atoi(lines[0] + 9);
  r->headers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  for (char **l = lines + 1; *l != NULL; l++) {
    char *colon = strchr(*l, ':');
    if (colon == NULL)
      continue;
    g_hash_table_insert(r->headers, g_ascii_strdown(*l, colon - *l),
                        g_strstrip(g_strdup(colon + 1)));
  }
  const char *body = end + 4;
  r->body = g_bytes_new(body, in->len - (gsize) (body - data));
  return r;
}

static Response *
http_request(guint16 port, const char *method, const char *path)
{
  g_autofree char *request = g_strdup_printf("%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                                             "Connection: close\r\n\r\n",
                                             method, path, port);
  return http_raw(port, request, strlen(request));
}

static Response *
http_get(Fixture *f, const char *path)
{
  return http_request(f->port, "GET", path);
}

static const char *
header(const Response *r, const char *name)
{
  return r->headers != NULL ? g_hash_table_lookup(r->headers, name) : NULL;
}

/* The body as a string (bodies here are text). Returns: (transfer full). */
static char *
body_text(const Response *r)
{
  gsize len = 0;
  const char *data = g_bytes_get_data(r->body, &len);
  return g_strndup(data, len);
}

/* A GET that must succeed with @type (a prefix of Content-Type); the body's text. */
static char *
get_ok(Fixture *f, const char *path, const char *type)
{
  g_autoptr(Response) r = http_get(f, path);
  if (r->status != 200)
    g_test_message("GET %s: status %d", path, r->status);
  g_assert_cmpint(r->status, ==, 200);
  g_assert_true(g_str_has_prefix(header(r, "content-type"), type));
  /* Every reply says how long it is, so keep-alive clients (browsers, wrk) can reuse it. */
  gsize len = g_bytes_get_size(r->body);
  g_assert_cmpuint(g_ascii_strtoull(header(r, "content-length"), NULL, 10), ==, len);
  return body_text(r);
}

static JsonNode *
get_json(Fixture *f, const char *path)
{
  g_autofree char *text = get_ok(f, path, "application/json");
  g_autoptr(JsonParser) parser = json_parser_new();
  g_autoptr(GError) error = NULL;
  json_parser_load_from_data(parser, text, -1, &error);
  g_assert_no_error(error);
  return json_node_copy(json_parser_get_root(parser));
}

/* Every <img src="..."> of @html, in order. */
static GPtrArray *
image_sources(const char *html)
{
  GPtrArray *srcs = g_ptr_array_new_with_free_func(g_free);
  for (const char *p = strstr(html, "<img "); p != NULL; p = strstr(p + 1, "<img ")) {
    const char *src = strstr(p, "src=\"");
    const char *close = strchr(p, '>');
    if (src == NULL || close == NULL || src > close)
      continue;
    src += 5;
    const char *q = strchr(src, '"');
    g_ptr_array_add(srcs, g_strndup(src, (gsize) (q - src)));
  }
  return srcs;
}

/* ---- helpers on their own ---- */

static void
test_parse_id(void)
{
  static const struct {
    const char *text;
    gboolean ok;
    gint64 id;
  } cases[] = {
    { "1", TRUE, 1 },
    { "42", TRUE, 42 },
    { "007", TRUE, 7 },
    { "999999999999", TRUE, G_GINT64_CONSTANT(999999999999) }, /* SERVE_ID_MAX_DIGITS nines */
    { "1000000000000", FALSE, 0 },                            /* one digit too many */
    { "99999999999999999999999", FALSE, 0 },
    { "0", FALSE, 0 },
    { "000", FALSE, 0 },
    { "", FALSE, 0 },
    { "-1", FALSE, 0 },
    { "+1", FALSE, 0 },
    { " 1", FALSE, 0 },
    { "1 ", FALSE, 0 },
    { "1;DROP", FALSE, 0 },
    { "1%3B", FALSE, 0 },
    { "%31", FALSE, 0 },
    { "0x10", FALSE, 0 },
    { "1e3", FALSE, 0 },
    { "..", FALSE, 0 },
    { "\xef\xbc\x91", FALSE, 0 }, /* a full-width digit one */
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    gint64 id = -5;
    gboolean ok = serve_parse_id(cases[i].text, &id);
    g_assert_cmpint(ok, ==, cases[i].ok);
    if (ok)
      g_assert_cmpint(id, ==, cases[i].id);
    else
      g_assert_cmpint(id, ==, -5);
  }
}

static void
test_escape(void)
{
  static const struct {
    const char *text, *html;
  } cases[] = {
    { "plain", "plain" },
    { "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;" },
    { "a & b", "a &amp; b" },
    { "\"double\" 'single'", "&quot;double&quot; &apos;single&apos;" },
    { "&amp;", "&amp;amp;" },
    { "tab\tline\nend", "tab\tline\nend" },
    /* Controls and bidi overrides shown as visible escapes (text.h), never obeyed. */
    { "bell\x07 del\x7f esc\x1b", "bell\\x07 del\\x7f esc\\x1b" },
    { "cr\r nel\xc2\x85 csi\xc2\x9b", "cr\\x0d nel\\x85 csi\\x9b" }, /* CR, C1 U+0085, U+009B */
    { "rlo\xe2\x80\xae lri\xe2\x81\xa6", "rlo\\u202e lri\\u2066" }, /* U+202E, U+2066 */
    { "bad \xff byte", "bad \xef\xbf\xbd byte" }, /* U+FFFD replaces invalid UTF-8 */
    { "99.95 % ≥ 99.9 %", "99.95 % ≥ 99.9 %" },
    { "", "" },
  };
  /* g_markup_escape_text() writes "'" as &apos; or, in other GLib versions, &#39;: both are
   * HTML character references. */
  g_autofree char *apostrophe = g_markup_escape_text("'", -1);
  g_assert_true(g_str_equal(apostrophe, "&apos;") || g_str_equal(apostrophe, "&#39;"));
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *html = serve_html_escape(cases[i].text);
    g_auto(GStrv) parts = g_strsplit(cases[i].html, "&apos;", -1);
    g_autofree char *want = g_strjoinv(apostrophe, parts);
    g_assert_cmpstr(html, ==, want);
  }
  g_autofree char *null_html = serve_html_escape(NULL);
  g_assert_cmpstr(null_html, ==, "");
}

/* ---- the server ---- */

static void
test_bind_errors(gconstpointer data)
{
  const Fixture *f = data;
  g_autoptr(event_base) base = event_base_new();
  g_autoptr(GError) error = NULL;
  /* The fixture's server holds its port. */
  ServeOptions taken = { .db_path = f->db, .port = f->port };
  g_autoptr(Serve) s1 = serve_new(base, &taken, &error);
  g_assert_null(s1);
  g_assert_error(error, SERVE_ERROR, SERVE_ERROR_BIND);
  g_clear_error(&error);

  g_autofree char *missing = g_build_filename(f->dir, "missing.db", NULL);
  ServeOptions nodb = { .db_path = missing };
  g_autoptr(Serve) s2 = serve_new(base, &nodb, &error);
  g_assert_null(s2);
  g_assert_error(error, STORE_ERROR, STORE_ERROR_CANNOT_OPEN);
  /* Read-only means read-only: a missing database is not created. */
  g_assert_false(g_file_test(missing, G_FILE_TEST_EXISTS));
  g_clear_error(&error);

  ServeOptions bad = { .db_path = f->db, .bind = "no such host.invalid" };
  g_autoptr(Serve) s3 = serve_new(base, &bad, &error);
  g_assert_null(s3);
  g_assert_error(error, SERVE_ERROR, SERVE_ERROR_ADDRESS);
}

/* The figures a page must show for a run: its availability as the report prints it. */
static void
assert_shows_run(const char *html, const RunResult *r)
{
  g_autofree char *availability = report_format_percent(r->summary[RUN_AVAILABILITY].mean);
  g_assert_nonnull(strstr(html, availability));
  g_autofree char *escaped = serve_html_escape(r->scenario->name);
  g_assert_nonnull(strstr(html, escaped));
}

static void
test_index(gconstpointer data)
{
  Fixture *f = (Fixture *) data;
  g_autofree char *html = get_ok(f, "/", "text/html");
  g_assert_true(g_str_has_prefix(html, "<!DOCTYPE html>"));
  g_assert_nonnull(strstr(html, "name=\"viewport\""));
  assert_shows_run(html, f->one_result);
  assert_shows_run(html, f->two_result);
  for (guint i = 0; i < f->sweep->results->len; i++)
    assert_shows_run(html, g_ptr_array_index(f->sweep->results, i));
  g_autofree char *run_link = g_strdup_printf("href=\"/runs/%" G_GINT64_FORMAT "\"", f->one_id);
  g_autofree char *sweep_link = g_strdup_printf("href=\"/sweeps/%" G_GINT64_FORMAT "\"",
                                                f->sweep_id);
  g_assert_nonnull(strstr(html, run_link));
  g_assert_nonnull(strstr(html, sweep_link));
  /* Newest first: run two was stored after run one. */
  g_autofree char *two_link = g_strdup_printf("href=\"/runs/%" G_GINT64_FORMAT "\"", f->two_id);
  g_assert_true(strstr(html, two_link) < strstr(html, run_link));
  /* No explain or sensitivity result is stored here: no section for them, as for sweeps. */
  g_assert_null(strstr(html, "href=\"/explain"));
  g_assert_null(strstr(html, "href=\"/sensitivity"));

  g_autofree char *css = get_ok(f, "/style.css", "text/css");
  g_assert_nonnull(strstr(css, "@media"));
}

static void
test_run_page(gconstpointer data)
{
  Fixture *f = (Fixture *) data;
  g_autofree char *path = g_strdup_printf("/runs/%" G_GINT64_FORMAT, f->one_id);
  g_autofree char *html = get_ok(f, path, "text/html");
  assert_shows_run(html, f->one_result);
  /* The description's markup arrives as text. */
  g_assert_null(strstr(html, "<script>"));
  g_assert_null(strstr(html, "<b>instance"));
  g_assert_nonnull(strstr(html, "One &lt;b&gt;instance&lt;/b&gt; &amp; &quot;quotes&quot; "
                                "&lt;script&gt;"));
  for (guint c = 0; c < CAUSE_COUNT; c++)
    g_assert_nonnull(strstr(html, model_cause_name((ModelCause) c)));

  /* The verdicts are check_expectations()'s on the run as computed here. */
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) outcomes = check_expectations(f->one_result, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(outcomes->len, ==, 2);
  for (guint i = 0; i < outcomes->len; i++) {
    const CheckOutcome *c = g_ptr_array_index(outcomes, i);
    g_autofree char *label = serve_html_escape(c->label);
    g_autofree char *row = g_strdup_printf("%s</td><td class=\"name\">%s</td>",
                                           c->passed ? "PASS" : "FAIL", label);
    g_assert_nonnull(strstr(html, row));
  }

  /* Run two has no [expect]. */
  g_autofree char *path2 = g_strdup_printf("/runs/%" G_GINT64_FORMAT, f->two_id);
  g_autofree char *html2 = get_ok(f, path2, "text/html");
  assert_shows_run(html2, f->two_result);
  g_assert_nonnull(strstr(html2, "no [expect] section"));
}

static void
test_sweep_page(gconstpointer data)
{
  Fixture *f = (Fixture *) data;
  g_autofree char *path = g_strdup_printf("/sweeps/%" G_GINT64_FORMAT, f->sweep_id);
  g_autofree char *html = get_ok(f, path, "text/html");
  for (guint i = 0; i < f->sweep->results->len; i++)
    assert_shows_run(html, g_ptr_array_index(f->sweep->results, i));
  g_assert_nonnull(strstr(html, "<form"));
  g_assert_nonnull(strstr(html, "name=\"target\""));
  g_autofree char *availability = g_strdup_printf("/sweeps/%" G_GINT64_FORMAT
                                                  "/plot/availability.svg", f->sweep_id);
  g_autofree char *cost = g_strdup_printf("/sweeps/%" G_GINT64_FORMAT "/plot/cost.svg",
                                          f->sweep_id);
  g_assert_nonnull(strstr(html, availability));
  g_assert_nonnull(strstr(html, cost));

  /* The recommendation for targets just below each point's lower bound and above them all:
   * the smallest instance count whose lower 95 % bound meets the target (README,
   * Recommending an instance count), on the runs as computed here. 1e-9 keeps the target off the bound itself. */
  guint n = f->sweep->results->len;
  g_autoptr(GArray) targets = g_array_new(FALSE, FALSE, sizeof(double));
  double highest = 0;
  for (guint i = 0; i < n; i++) {
    const RunResult *r = g_ptr_array_index(f->sweep->results, i);
    double t = r->summary[RUN_AVAILABILITY].lo - 1e-9;
    g_array_append_val(targets, t);
    highest = MAX(highest, r->summary[RUN_AVAILABILITY].lo);
  }
  double above = MIN(1.0, highest + 1e-7);
  g_array_append_val(targets, above);
  for (guint k = 0; k < targets->len; k++) {
    double target = g_array_index(targets, double, k);
    guint want = 0;
    for (guint i = 0; i < n && want == 0; i++) {
      const RunResult *r = g_ptr_array_index(f->sweep->results, i);
      if (r->summary[RUN_AVAILABILITY].lo >= target)
        want = r->scenario->instances;
    }
    g_autofree char *q = g_strdup_printf("%s?target=%.9f&metric=availability", path,
                                         100 * target);
    g_autofree char *page = get_ok(f, q, "text/html");
    g_autofree char *answer =
        want > 0 ? g_strdup_printf("<strong>%u %s</strong>", want,
                                   want == 1 ? "instance" : "instances")
                 : g_strdup("no instance count in this sweep meets");
    g_assert_nonnull(strstr(page, answer));
    g_autofree char *api = g_strdup_printf("/api/sweeps/%" G_GINT64_FORMAT "?target=%.9f",
                                           f->sweep_id, 100 * target);
    g_autoptr(JsonNode) root = get_json(f, api);
    JsonObject *rec = json_object_get_object_member(json_node_get_object(root),
                                                    "recommendation");
    JsonArray *series = json_object_get_array_member(rec, "series");
    g_assert_cmpuint(json_array_get_length(series), ==, 1);
    JsonObject *s0 = json_array_get_object_element(series, 0);
    if (want > 0)
      g_assert_cmpint(json_object_get_int_member(s0, "instances"), ==, want);
    else
      g_assert_true(json_object_get_null_member(s0, "run"));
  }

  /* ?metric=downtime_per_year_s: the target is a most-per-year duration, met by the smallest
   * count whose UPPER bound is at or below it (recommend_meets()); targets just at or above
   * each point's upper bound, here in seconds ("123.456789s"). The table's downtime column
   * names the metric, and the API gives the bound judged as "upper_bound". */
  for (guint k = 0; k < n; k++) {
    const RunResult *rk = g_ptr_array_index(f->sweep->results, k);
    double target = rk->summary[RUN_DOWNTIME_PER_YEAR].hi + 1e-3;
    guint want = 0;
    double bound = 0;
    for (guint i = 0; i < n && want == 0; i++) {
      const RunResult *r = g_ptr_array_index(f->sweep->results, i);
      if (r->summary[RUN_DOWNTIME_PER_YEAR].hi <= target) {
        want = r->scenario->instances;
        bound = r->summary[RUN_DOWNTIME_PER_YEAR].hi;
      }
    }
    g_assert_cmpuint(want, >, 0);
    g_autofree char *q = g_strdup_printf("%s?target=%.6fs&metric=downtime_per_year_s", path,
                                         target);
    g_autofree char *page = get_ok(f, q, "text/html");
    g_autofree char *answer = g_strdup_printf("<strong>%u %s</strong>", want,
                                              want == 1 ? "instance" : "instances");
    g_assert_nonnull(strstr(page, answer));
    g_assert_nonnull(strstr(page, "upper bound"));
    g_assert_nonnull(strstr(page, "<option value=\"downtime_per_year_s\" selected>"));
    g_autofree char *api = g_strdup_printf("/api/sweeps/%" G_GINT64_FORMAT
                                           "?target=%.6fs&metric=downtime_per_year_s",
                                           f->sweep_id, target);
    g_autoptr(JsonNode) root = get_json(f, api);
    JsonObject *rec = json_object_get_object_member(json_node_get_object(root),
                                                    "recommendation");
    g_assert_cmpstr(json_object_get_string_member(rec, "metric"), ==, "downtime_per_year_s");
    JsonObject *s0 = json_array_get_object_element(json_object_get_array_member(rec, "series"),
                                                   0);
    g_assert_cmpint(json_object_get_int_member(s0, "instances"), ==, want);
    g_assert_cmpfloat_with_epsilon(json_object_get_double_member(s0, "upper_bound"), bound,
                                   1e-9 * MAX(1.0, bound));
  }
  /* Every targetable metric is offered, by its JSON name, from the one list; a metric that is
   * no target is refused with that list. */
  g_autofree char *names = recommend_metric_names(" ");
  g_auto(GStrv) listed = g_strsplit(names, " ", -1);
  for (char **m = listed; *m != NULL; m++) {
    RunMetric metric;
    g_assert_true(recommend_parse_metric(*m, &metric, NULL));
    if (!g_str_equal(*m, run_metric_name(metric)))
      continue; /* an alias */
    g_autofree char *option = g_strdup_printf("<option value=\"%s\"", *m);
    g_assert_nonnull(strstr(html, option));
  }
  g_autofree char *counts = g_strdup_printf("%s?target=2&metric=outages_per_year", path);
  g_autoptr(Response) refused = http_get(f, counts);
  g_assert_cmpint(refused->status, ==, 400);
  g_autofree char *refused_html = body_text(refused);
  g_assert_nonnull(strstr(refused_html, "downtime_outside_portal_window_per_year_s"));

  /* A target that is no percentage is refused on the page, which still shows the sweep. */
  g_autofree char *bad = g_strdup_printf("%s?target=lots", path);
  g_autoptr(Response) r = http_get(f, bad);
  g_assert_cmpint(r->status, ==, 400);
  g_autofree char *bad_html = body_text(r);
  g_assert_nonnull(strstr(bad_html, "the target is a percentage"));
  g_assert_nonnull(strstr(bad_html, "value=\"lots\""));
}

/* A stored run's JSON carries the figures of the run as computed before it was stored. */
static void
assert_json_run(JsonObject *o, const RunResult *r)
{
  g_assert_cmpstr(json_object_get_string_member(o, "scenario"), ==, r->scenario->name);
  g_assert_cmpint(json_object_get_int_member(o, "instances"), ==, r->scenario->instances);
  g_assert_cmpint(json_object_get_int_member(o, "replications"), ==, r->replications);
  for (int m = 0; m < RUN_METRIC_COUNT; m++) {
    JsonObject *s = json_object_get_object_member(o, run_metric_name((RunMetric) m));
    g_assert_nonnull(s);
    /* Stored as doubles and summarised again from the same values: equal to rounding. */
    double tol = 1e-9 * (1 + fabs(r->summary[m].mean));
    g_assert_cmpfloat_with_epsilon(json_object_get_double_member(s, "mean"),
                                   r->summary[m].mean, tol);
    g_assert_cmpfloat_with_epsilon(json_object_get_double_member(s, "lo"), r->summary[m].lo,
                                   1e-9 * (1 + fabs(r->summary[m].lo)));
  }
  JsonObject *causes = json_object_get_object_member(o, "downtime_by_cause_s");
  for (int c = 0; c < CAUSE_COUNT; c++) {
    JsonObject *s = json_object_get_object_member(causes, model_cause_name((ModelCause) c));
    g_assert_cmpfloat_with_epsilon(json_object_get_double_member(s, "mean"),
                                   r->cause_summary[c].mean,
                                   1e-9 * (1 + fabs(r->cause_summary[c].mean)));
  }
}

static void
test_api(gconstpointer data)
{
  Fixture *f = (Fixture *) data;
  g_autoptr(JsonNode) list = get_json(f, "/api/runs");
  JsonArray *runs = json_object_get_array_member(json_node_get_object(list), "runs");
  guint stored = 2 + f->sweep->results->len;
  g_assert_cmpuint(json_array_get_length(runs), ==, stored);
  g_assert_false(json_object_get_boolean_member(json_node_get_object(list), "truncated"));
  /* Newest first: the sweep's runs, then run two, then run one. */
  JsonObject *last = json_array_get_object_element(runs, stored - 1);
  g_assert_cmpint(json_object_get_int_member(last, "id"), ==, f->one_id);
  assert_json_run(last, f->one_result);
  assert_json_run(json_array_get_object_element(runs, stored - 2), f->two_result);

  g_autoptr(JsonNode) limited = get_json(f, "/api/runs?limit=1");
  g_assert_cmpuint(json_array_get_length(json_object_get_array_member(
                       json_node_get_object(limited), "runs")),
                   ==, 1);
  g_assert_true(json_object_get_boolean_member(json_node_get_object(limited), "truncated"));

  g_autofree char *path = g_strdup_printf("/api/runs/%" G_GINT64_FORMAT, f->one_id);
  g_autoptr(JsonNode) one = get_json(f, path);
  JsonObject *o = json_node_get_object(one);
  assert_json_run(o, f->one_result);
  g_assert_cmpint(json_object_get_int_member(o, "id"), ==, f->one_id);
  g_assert_cmpint(json_object_get_int_member(o, "seed"), ==, 7);
  JsonArray *expectations = json_object_get_array_member(o, "expectations");
  g_assert_cmpuint(json_array_get_length(expectations), ==, f->one->expects->len);
  JsonArray *plots = json_object_get_array_member(o, "plots");
  g_assert_cmpuint(json_array_get_length(plots), >=, 1);

  g_autofree char *path2 = g_strdup_printf("/api/runs/%" G_GINT64_FORMAT, f->two_id);
  g_autoptr(JsonNode) two = get_json(f, path2);
  assert_json_run(json_node_get_object(two), f->two_result);
  g_assert_true(json_object_get_null_member(json_node_get_object(two), "expectations"));

  g_autofree char *sweep_path = g_strdup_printf("/api/sweeps/%" G_GINT64_FORMAT, f->sweep_id);
  g_autoptr(JsonNode) sweep = get_json(f, sweep_path);
  JsonObject *so = json_node_get_object(sweep);
  g_assert_cmpstr(json_object_get_string_member(so, "scenario"), ==, "serve-sweep");
  JsonArray *axes = json_object_get_array_member(so, "axes");
  g_assert_cmpuint(json_array_get_length(axes), ==, 1);
  g_assert_cmpstr(json_object_get_string_member(json_array_get_object_element(axes, 0), "key"),
                  ==, "app.instances");
  JsonArray *points = json_object_get_array_member(so, "points");
  g_assert_cmpuint(json_array_get_length(points), ==, f->sweep->results->len);
  for (guint i = 0; i < f->sweep->results->len; i++)
    assert_json_run(json_array_get_object_element(points, i),
                    g_ptr_array_index(f->sweep->results, i));
  g_assert_true(json_object_get_null_member(so, "recommendation"));

  g_autoptr(JsonNode) sweeps = get_json(f, "/api/sweeps");
  JsonArray *sl = json_object_get_array_member(json_node_get_object(sweeps), "sweeps");
  g_assert_cmpuint(json_array_get_length(sl), ==, 1);
  g_assert_cmpint(json_object_get_int_member(json_array_get_object_element(sl, 0), "id"), ==,
                  f->sweep_id);

  /* Errors under /api/ are JSON too. */
  g_autoptr(Response) missing = http_get(f, "/api/runs/999999");
  g_assert_cmpint(missing->status, ==, 404);
  g_assert_true(g_str_has_prefix(header(missing, "content-type"), "application/json"));
  /* An address the API does not have names every collection it does have. */
  g_autoptr(Response) nowhere = http_get(f, "/api/nowhere");
  g_assert_cmpint(nowhere->status, ==, 404);
  g_autofree char *nowhere_text = body_text(nowhere);
  for (guint i = 0; i < 4; i++) {
    static const char *const collections[] = { "/api/runs", "/api/sweeps", "/api/explain",
                                               "/api/sensitivity" };
    g_assert_nonnull(strstr(nowhere_text, collections[i]));
  }
}

/* Every plot a page shows is served as SVG, the same bytes twice (the cache). */
static void
assert_images_load(Fixture *f, const char *page)
{
  g_autofree char *html = get_ok(f, page, "text/html");
  g_autoptr(GPtrArray) srcs = image_sources(html);
  g_assert_cmpuint(srcs->len, >=, 1);
  for (guint i = 0; i < srcs->len; i++) {
    const char *src = g_ptr_array_index(srcs, i);
    g_autoptr(Response) a = http_get(f, src);
    g_assert_cmpint(a->status, ==, 200);
    g_assert_cmpstr(header(a, "content-type"), ==, "image/svg+xml");
    g_autofree char *svg = body_text(a);
    g_assert_nonnull(strstr(svg, "<svg"));
    g_assert_nonnull(strstr(svg, "</svg>"));
    g_autoptr(Response) b = http_get(f, src);
    g_assert_true(g_bytes_equal(a->body, b->body));
  }
}

static void
test_plots(gconstpointer data)
{
  Fixture *f = (Fixture *) data;
  g_autofree char *run = g_strdup_printf("/runs/%" G_GINT64_FORMAT, f->one_id);
  g_autofree char *sweep = g_strdup_printf("/sweeps/%" G_GINT64_FORMAT, f->sweep_id);
  assert_images_load(f, run);
  assert_images_load(f, sweep);
  /* Kinds a page does not offer, or that are no kinds, are 404. */
  static const char *const absent[] = { "availability.svg", "timeline.png", "timeline",
                                        "nope.svg", "timeline.svg.svg" };
  for (guint i = 0; i < G_N_ELEMENTS(absent); i++) {
    g_autofree char *url = g_strdup_printf("%s/plot/%s", run, absent[i]);
    g_autoptr(Response) r = http_get(f, url);
    g_assert_cmpint(r->status, ==, 404);
  }
}

/* HEAD: the headers of the GET, no body. */
static void
test_head(gconstpointer data)
{
  Fixture *f = (Fixture *) data;
  g_autofree char *path = g_strdup_printf("/runs/%" G_GINT64_FORMAT, f->one_id);
  g_autoptr(Response) get = http_get(f, path);
  g_autoptr(Response) head = http_request(f->port, "HEAD", path);
  g_assert_cmpint(head->status, ==, 200);
  g_assert_cmpuint(g_bytes_get_size(head->body), ==, 0);
  g_assert_cmpuint(g_ascii_strtoull(header(head, "content-length"), NULL, 10), ==,
                   g_bytes_get_size(get->body));
  g_assert_cmpstr(header(head, "content-type"), ==, header(get, "content-type"));
}

/* Each request the handler saw got exactly one reply: one log line per request. */
static void
test_one_reply_each(gconstpointer data)
{
  Fixture *f = (Fixture *) data;
  static const char *const paths[] = { "/", "/nope", "/runs/1;DROP", "/api/runs/0",
                                       "/sweeps/424242", "/runs/1/plot/x.svg", "/style.css" };
  log_clear(f);
  for (guint i = 0; i < G_N_ELEMENTS(paths); i++) {
    g_autoptr(Response) r = http_get(f, paths[i]);
    g_assert_cmpint(r->status, >, 0);
  }
  g_assert_cmpuint(log_count(f), ==, G_N_ELEMENTS(paths));
}

static void
test_hostile(gconstpointer data)
{
  Fixture *f = (Fixture *) data;
  g_autoptr(GString) big_header = g_string_new("GET / HTTP/1.1\r\nHost: x\r\nX-Big: ");
  for (int i = 0; i < 100 * 1024; i++)
    g_string_append_c(big_header, 'A');
  g_string_append(big_header, "\r\nConnection: close\r\n\r\n");
  g_autoptr(GString) big_line = g_string_new("GET /");
  for (int i = 0; i < 100 * 1024; i++)
    g_string_append_c(big_line, 'a');
  g_string_append(big_line, " HTTP/1.1\r\nConnection: close\r\n\r\n");
  g_autoptr(GString) many = g_string_new("GET /sweeps/1?");
  for (int i = 0; i < 100; i++)
    g_string_append(many, "a=1&");
  g_string_append(many, " HTTP/1.1\r\nConnection: close\r\n\r\n");

#define REQ(line) line " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
  const struct {
    const char *name;
    const char *request; /* NULL: one of the built ones above */
    const GString *built;
    int lo, hi;          /* the status expected */
  } cases[] = {
    { "id with SQL", REQ("GET /runs/1;DROP%20TABLE%20runs"), NULL, 400, 400 },
    { "id with SQL, encoded", REQ("GET /runs/1%3BDROP"), NULL, 400, 400 },
    { "API id with SQL", REQ("GET /api/runs/1'%20OR%20'1'='1"), NULL, 400, 400 },
    { "sweep id with quote", REQ("GET /sweeps/1'"), NULL, 400, 400 },
    { "id zero", REQ("GET /runs/0"), NULL, 400, 400 },
    { "negative id", REQ("GET /api/runs/-1"), NULL, 400, 400 },
    { "id too long", REQ("GET /runs/12345678901234567890"), NULL, 400, 400 },
    { "unknown id", REQ("GET /runs/987654"), NULL, 404, 404 },
    { "dot-dot", REQ("GET /runs/../../etc/passwd"), NULL, 404, 404 },
    { "dot-dot encoded", REQ("GET /%2e%2e/%2e%2e/etc/passwd"), NULL, 404, 404 },
    { "plot path", REQ("GET /runs/1/plot/..%2F..%2Fetc%2Fpasswd.svg"), NULL, 404, 404 },
    { "plot dot-dot", REQ("GET /runs/1/plot/../../../../etc/passwd"), NULL, 404, 404 },
    { "NUL in id", REQ("GET /runs/%00"), NULL, 400, 400 },
    { "NUL after id", REQ("GET /runs/1%00.html"), NULL, 400, 400 },
    { "NUL in plot", REQ("GET /runs/1/plot/timeline.svg%00.png"), NULL, 404, 404 },
    { "NUL in query", REQ("GET /sweeps/1?target=%00"), NULL, 400, 400 },
    { "NUL in query name", REQ("GET /sweeps/1?tar%00get=99"), NULL, 400, 400 },
    { "bad UTF-8 in query", REQ("GET /sweeps/1?target=%ff%fe"), NULL, 400, 400 },
    { "bad target", REQ("GET /sweeps/1?target=1e400"), NULL, 400, 400 },
    { "bad metric", REQ("GET /sweeps/1?target=99&metric=evil"), NULL, 400, 400 },
    { "bad limit", REQ("GET /api/runs?limit=abc"), NULL, 400, 400 },
    { "query without '='", REQ("GET /api/runs?limit"), NULL, 400, 400 },
    { "query without a name", REQ("GET /api/runs?=5"), NULL, 400, 400 },
    { "empty query pair", REQ("GET /api/runs?limit=5&&scenario=x"), NULL, 400, 400 },
    { "NUL after a literal %", REQ("GET /api/runs?limit=%%00"), NULL, 400, 400 },
    { "long query value", REQ("GET /api/runs?scenario="
                              "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                              "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                              "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                              "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
      NULL, 400, 400 },
    { "encoded name, unknown", REQ("GET /api/runs?lim%69t=abc"), NULL, 200, 200 },
    { "too many parameters", NULL, many, 400, 400 },
    { "deep path", REQ("GET /runs/1/plot/a/b/c/d/e/f/g"), NULL, 404, 404 },
    { "unknown path", REQ("GET /admin"), NULL, 404, 404 },
    { "100 KB header", NULL, big_header, 400, 431 },
    { "100 KB request line", NULL, big_line, 400, 431 },
    { "GET with a large body",
      "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n",
      NULL, 413, 413 },
    { "POST", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\n"
              "a=b", NULL, 405, 405 },
    { "PUT", REQ("PUT /runs/1"), NULL, 405, 405 },
    { "DELETE", REQ("DELETE /runs/1"), NULL, 405, 405 },
    { "PATCH", REQ("PATCH /api/runs/1"), NULL, 405, 405 },
    { "OPTIONS", REQ("OPTIONS *"), NULL, 405, 405 },
    { "TRACE", REQ("TRACE /"), NULL, 405, 405 },
    { "CONNECT", REQ("CONNECT example.com:443"), NULL, 400, 405 },
    /* A method nobody defined: libevent answers 501 itself, as RFC 9110 §15.6.2 says a server
     * does for a method it does not recognise. */
    { "made-up method", REQ("BREW /"), NULL, 501, 501 },
    { "header without colon", "GET / HTTP/1.1\r\nNoColon\r\nConnection: close\r\n\r\n", NULL,
      400, 400 },
    { "binary garbage", "\x01\x02\x03\xff\r\n\r\n", NULL, 400, 400 },
    { "bad version", "GET / HTTP/9.9\r\nConnection: close\r\n\r\n", NULL, 400, 505 },
  };
#undef REQ
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    const char *req = cases[i].request != NULL ? cases[i].request : cases[i].built->str;
    gsize len = cases[i].request != NULL ? strlen(req) : cases[i].built->len;
    g_autoptr(Response) r = http_raw(f->port, req, len);
    if (r->status < cases[i].lo || r->status > cases[i].hi)
      g_test_fail_printf("%s: status %d, expected %d..%d", cases[i].name, r->status,
                         cases[i].lo, cases[i].hi);
    /* ... and the server goes on serving. */
    g_autoptr(Response) next = http_get(f, "/");
    if (next->status != 200)
      g_test_fail_printf("after '%s' the next request got %d", cases[i].name, next->status);
  }

  /* A request cut off in the middle, and a connection that sends nothing. */
  static const char *const cut[] = { "GET /runs/1 HT", "" };
  for (guint i = 0; i < G_N_ELEMENTS(cut); i++) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(f->port) };
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    g_assert_cmpint(connect(fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
    g_assert_cmpint(send(fd, cut[i], strlen(cut[i]), MSG_NOSIGNAL), ==, (int) strlen(cut[i]));
    close(fd);
    g_autoptr(Response) next = http_get(f, "/");
    g_assert_cmpint(next->status, ==, 200);
  }
}

/* The pages carry the security headers, the plots their own type. */
static void
test_headers(gconstpointer data)
{
  Fixture *f = (Fixture *) data;
  g_autoptr(Response) r = http_get(f, "/");
  g_assert_nonnull(strstr(header(r, "content-security-policy"), "default-src 'none'"));
  g_assert_cmpstr(header(r, "x-content-type-options"), ==, "nosniff");
  g_autoptr(Response) del = http_request(f->port, "DELETE", "/");
  g_assert_cmpint(del->status, ==, 405);
  g_assert_cmpstr(header(del, "allow"), ==, "GET, HEAD");
}

/* ---- a real browser ---- */

static const char *
chromium_path(void)
{
  static const char *const candidates[] = { "/usr/bin/chromium", "/usr/bin/chromium-browser" };
  for (guint i = 0; i < G_N_ELEMENTS(candidates); i++)
    if (g_file_test(candidates[i], G_FILE_TEST_IS_EXECUTABLE))
      return candidates[i];
  return NULL;
}

/* Starts headless Chromium on @url with @action ("--dump-dom" or "--screenshot=FILE"), its
 * standard output to @out (may be NULL), in its own profile directory. */
static GSubprocess *
chromium_start(Fixture *f, const char *chromium, const char *url, const char *action,
               const char *out, guint n)
{
  g_autofree char *profile_name = g_strdup_printf("chromium-%u", n);
  g_autofree char *profile = g_build_filename(f->dir, profile_name, NULL);
  g_autofree char *user_data = g_strdup_printf("--user-data-dir=%s", profile);
  /* timeout(1) bounds a browser that hangs; the test fails instead of hanging. */
  const char *argv[] = { "timeout", "60", chromium, "--headless", "--no-sandbox",
                         "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update",
                         "--disable-sync", user_data, "--window-size=1280,900", action, url,
                         NULL };
  g_autoptr(GSubprocessLauncher) launcher =
      g_subprocess_launcher_new(out != NULL ? G_SUBPROCESS_FLAGS_STDERR_SILENCE
                                            : G_SUBPROCESS_FLAGS_STDERR_SILENCE |
                                                  G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  if (out != NULL)
    g_subprocess_launcher_set_stdout_file_path(launcher, out);
  g_autoptr(GError) error = NULL;
  GSubprocess *p = g_subprocess_launcher_spawnv(launcher, argv, &error);
  g_assert_no_error(error);
  return p;
}

static void
chromium_wait(GSubprocess *p, const char *what)
{
  g_autoptr(GError) error = NULL;
  g_subprocess_wait(p, NULL, &error);
  g_assert_no_error(error);
  int status = g_subprocess_get_if_exited(p) ? g_subprocess_get_exit_status(p) : -1;
  if (status != 0)
    g_test_message("chromium (%s) failed: exit status %d (124: timed out)", what, status);
  g_assert_cmpint(status, ==, 0);
}

/* Headless Chromium renders the index and a run page: the rendered DOM shows the metrics,
 * every plot image in it was fetched by the browser with status 200 (the server's log says
 * so), and a screenshot of the run page is kept in build/test-artifacts/dashboard.png. */
static void
test_browser(gconstpointer data)
{
  Fixture *f = (Fixture *) data;
  const char *chromium = chromium_path();
  if (chromium == NULL) {
    g_test_skip("chromium is not installed (apt-get install chromium; CI installs it)");
    return;
  }
  /* Drawn in the test's own directory, then copied: test runs side by side do not race. */
  g_autofree char *shot = g_build_filename(f->dir, "dashboard.png", NULL);
  g_autofree char *shot_arg = g_strdup_printf("--screenshot=%s", shot);

  g_autofree char *base = serve_get_url(f->serve);
  g_autofree char *run_path = g_strdup_printf("/runs/%" G_GINT64_FORMAT, f->one_id);
  g_autofree char *run_url = g_strdup_printf("%sruns/%" G_GINT64_FORMAT, base, f->one_id);
  g_autofree char *index_dom = g_build_filename(f->dir, "index.html", NULL);
  g_autofree char *run_dom = g_build_filename(f->dir, "run.html", NULL);

  log_clear(f);
  /* The three browsers run at once: each takes a second or two to start. */
  g_autoptr(GSubprocess) p1 = chromium_start(f, chromium, base, "--dump-dom", index_dom, 1);
  g_autoptr(GSubprocess) p2 = chromium_start(f, chromium, run_url, "--dump-dom", run_dom, 2);
  g_autoptr(GSubprocess) p3 = chromium_start(f, chromium, run_url, shot_arg, NULL, 3);
  chromium_wait(p1, "index");
  chromium_wait(p2, "run page");
  chromium_wait(p3, "screenshot");

  g_autofree char *index = NULL, *run = NULL;
  g_assert_true(g_file_get_contents(index_dom, &index, NULL, NULL));
  g_assert_true(g_file_get_contents(run_dom, &run, NULL, NULL));
  assert_shows_run(index, f->one_result);
  assert_shows_run(index, f->two_result);
  assert_shows_run(run, f->one_result);
  g_assert_nonnull(strstr(run, "Downtime by cause"));
  g_assert_cmpint(log_status(f, "/style.css"), ==, 200);
  g_assert_cmpint(log_status(f, run_path), ==, 200);

  g_autoptr(GPtrArray) srcs = image_sources(run);
  g_assert_cmpuint(srcs->len, >=, 1);
  for (guint i = 0; i < srcs->len; i++) {
    const char *src = g_ptr_array_index(srcs, i);
    if (log_status(f, src) != 200)
      g_test_fail_printf("the browser did not load %s (status %d)", src, log_status(f, src));
  }

  /* A PNG (its signature) of some size. */
  g_autofree char *png = NULL;
  gsize len = 0;
  g_assert_true(g_file_get_contents(shot, &png, &len, NULL));
  g_assert_cmpuint(len, >, 10000);
  g_assert_cmpmem(png, 8, "\x89PNG\r\n\x1a\n", 8);
  if (g_file_test("build", G_FILE_TEST_IS_DIR)) {
    g_autoptr(GError) error = NULL;
    g_assert_cmpint(g_mkdir_with_parents("build/test-artifacts", 0755), ==, 0);
    g_file_set_contents("build/test-artifacts/dashboard.png", png, (gssize) len, &error);
    g_assert_no_error(error);
    g_test_message("screenshot: build/test-artifacts/dashboard.png");
  }
}

/* ---- the command: `zdsim serve` prints its address and stops on SIGTERM ---- */

/* Reads one line from @fd within @timeout_s. Returns: (transfer full) or NULL. */
static char *
read_line(int fd, int timeout_s)
{
  GString *line = g_string_new(NULL);
  gint64 deadline = g_get_monotonic_time() + (gint64) timeout_s * G_USEC_PER_SEC;
  for (;;) {
    gint64 left = deadline - g_get_monotonic_time();
    GPollFD pfd = { fd, G_IO_IN | G_IO_HUP, 0 };
    if (left <= 0 || g_poll(&pfd, 1, (int) (left / 1000) + 1) <= 0)
      break;
    char c;
    if (read(fd, &c, 1) != 1)
      break;
    if (c == '\n')
      return g_string_free(line, FALSE);
    g_string_append_c(line, c);
  }
  g_string_free(line, TRUE);
  return NULL;
}

static void
test_command(gconstpointer data)
{
  Fixture *f = (Fixture *) data;
  const char *bin = g_getenv("ZDSIM_BIN");
  if (bin == NULL || !g_file_test(bin, G_FILE_TEST_IS_EXECUTABLE)) {
    g_test_skip("ZDSIM_BIN is not set to the zdsim binary (make test sets it)");
    return;
  }
  const char *argv[] = { bin, "serve", "--db", f->db, "--port", "0", NULL };
  GPid pid;
  int out = -1;
  g_autoptr(GError) error = NULL;
  g_spawn_async_with_pipes(NULL, (char **) argv, NULL,
                           G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                           &pid, NULL, &out, NULL, &error);
  g_assert_no_error(error);
  g_autofree char *line = read_line(out, CLIENT_TIMEOUT_S);
  g_assert_nonnull(line);
  /* "Serving DB at http://127.0.0.1:PORT/ (Ctrl-C stops)" */
  const char *url = strstr(line, "http://127.0.0.1:");
  g_assert_nonnull(url);
  guint port = (guint) atoi(url + strlen("http://127.0.0.1:"));
  g_assert_cmpuint(port, >, 0);
  g_autoptr(Response) r = http_request((guint16) port, "GET", "/");
  g_assert_cmpint(r->status, ==, 200);

  kill(pid, SIGTERM);
  int status = -1;
  gint64 deadline = g_get_monotonic_time() + CLIENT_TIMEOUT_S * G_USEC_PER_SEC;
  while (waitpid(pid, &status, WNOHANG) == 0 && g_get_monotonic_time() < deadline)
    g_usleep(10000);
  if (!WIFEXITED(status))
    kill(pid, SIGKILL);
  g_assert_true(WIFEXITED(status));
  g_assert_cmpint(WEXITSTATUS(status), ==, 0);
  g_spawn_close_pid(pid);
  close(out);
}


/* ---- connections: out of descriptors, slow clients, the connection cap ---- */

/* What the spawned server's child does before exec: stderr to a file, and at most @nofile
 * descriptors (0: the limit it inherits). Only async-signal-safe calls. */
typedef struct {
  const char *err_path;
  rlim_t nofile;
} ChildSetup;

static void
child_setup(gpointer data)
{
  const ChildSetup *c = data;
  int fd = open(c->err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd >= 0) {
    dup2(fd, 2);
    close(fd);
  }
  if (c->nofile > 0) {
    struct rlimit rl = { c->nofile, c->nofile };
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

/* `zdsim serve --db DB --port 0 EXTRA...` in a child (stderr in @err_path); *@port is where
 * it listens. Returns: its pid, or 0 when ZDSIM_BIN is not set (the test is skipped). */
static GPid
spawn_server(Fixture *f, const char *const *extra, rlim_t nofile, const char *err_path,
             guint16 *port, int *out)
{
  const char *bin = g_getenv("ZDSIM_BIN");
  if (bin == NULL || !g_file_test(bin, G_FILE_TEST_IS_EXECUTABLE)) {
    g_test_skip("ZDSIM_BIN is not set to the zdsim binary (make test sets it)");
    return 0;
  }
  g_autoptr(GPtrArray) argv = g_ptr_array_new();
  const char *base[] = { bin, "serve", "--db", f->db, "--port", "0" };
  for (guint i = 0; i < G_N_ELEMENTS(base); i++)
    g_ptr_array_add(argv, (gpointer) base[i]);
  for (const char *const *e = extra; e != NULL && *e != NULL; e++)
    g_ptr_array_add(argv, (gpointer) *e);
  g_ptr_array_add(argv, NULL);
  ChildSetup setup = { err_path, nofile };
  GPid pid;
  g_autoptr(GError) error = NULL;
  g_spawn_async_with_pipes(NULL, (char **) argv->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                           child_setup, &setup, &pid, NULL, out, NULL, &error);
  g_assert_no_error(error);
  g_autofree char *line = read_line(*out, CLIENT_TIMEOUT_S);
  g_assert_nonnull(line);
  const char *url = strstr(line, "http://127.0.0.1:");
  g_assert_nonnull(url);
  *port = (guint16) atoi(url + strlen("http://127.0.0.1:"));
  g_assert_cmpuint(*port, >, 0);
  return pid;
}

/* SIGTERM, then the exit within CLIENT_TIMEOUT_S (SIGKILL and a failure otherwise). */
static void
stop_server(GPid pid, int out)
{
  kill(pid, SIGTERM);
  int status = -1;
  gint64 deadline = g_get_monotonic_time() + CLIENT_TIMEOUT_S * G_USEC_PER_SEC;
  while (waitpid(pid, &status, WNOHANG) == 0 && g_get_monotonic_time() < deadline)
    g_usleep(10000);
  if (!WIFEXITED(status))
    kill(pid, SIGKILL);
  g_assert_true(WIFEXITED(status));
  g_assert_cmpint(WEXITSTATUS(status), ==, 0);
  g_spawn_close_pid(pid);
  close(out);
}

/* A connected socket to the server that sends nothing yet; the kernel completes the
 * handshake whether or not the server has accepted it. */
static int
connect_idle(guint16 port)
{
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint(fd, >=, 0);
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port) };
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  g_assert_cmpint(connect(fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  return fd;
}

/* The CPU time (user + system) @pid has used, in seconds, from /proc/PID/stat: utime and
 * stime are fields 14 and 15, in clock ticks (proc(5)), counted after the ')' that ends the
 * command name. */
static double
cpu_seconds(GPid pid)
{
  g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int) pid);
  g_autofree char *stat = NULL;
  g_assert_true(g_file_get_contents(path, &stat, NULL, NULL));
  const char *rest = strrchr(stat, ')');
  g_assert_nonnull(rest);
  g_auto(GStrv) fields = g_strsplit(rest + 2, " ", -1);
  /* fields[0] is field 3 (state): field N is fields[N - 3]. */
  g_assert_cmpuint(g_strv_length(fields), >, 13);
  double ticks = g_ascii_strtod(fields[11], NULL) + g_ascii_strtod(fields[12], NULL);
  return ticks / (double) sysconf(_SC_CLK_TCK);
}

/* Lines of @path holding @needle (NULL: all lines). */
static guint
count_lines(const char *path, const char *needle)
{
  g_autofree char *text = NULL;
  g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  guint n = 0;
  for (char **l = lines; *l != NULL; l++)
    if (**l != '\0' && (needle == NULL || strstr(*l, needle) != NULL))
      n++;
  return n;
}

/* Out of descriptors: with RLIMIT_NOFILE at 32 and 48 idle connections, accept() fails with
 * EMFILE once the server's 32 are used (the store, the listener and epoll take some, the
 * connections the rest). libevent alone would retry at once, forever, and print each failure
 * (a core at 99 % and megabytes a second); the server pauses accepting for 1 s instead, so
 * over 2 s it uses well under 0.5 s of CPU, and warns once (the warning comes at most every
 * 10 s). Once the idle clients hang up, it serves again. */
static void
test_out_of_descriptors(gconstpointer data)
{
  Fixture *f = (Fixture *) data;
  g_autofree char *err = g_build_filename(f->dir, "emfile.err", NULL);
  guint16 port = 0;
  int out = -1;
  GPid pid = spawn_server(f, NULL, 32, err, &port, &out);
  if (pid == 0)
    return;
  int idle[48];
  for (guint i = 0; i < G_N_ELEMENTS(idle); i++)
    idle[i] = connect_idle(port);
  g_usleep(G_USEC_PER_SEC / 2); /* the server takes what it can and hits EMFILE */
  double before = cpu_seconds(pid);
  g_usleep(2 * G_USEC_PER_SEC);
  double used = cpu_seconds(pid) - before;
  g_test_message("CPU over 2 s out of descriptors: %.2f s", used);
  g_assert_cmpfloat(used, <, 0.5);
  for (guint i = 0; i < G_N_ELEMENTS(idle); i++)
    close(idle[i]);
  g_autoptr(Response) r = http_request(port, "GET", "/");
  g_assert_cmpint(r->status, ==, 200);
  stop_server(pid, out);
  g_assert_cmpuint(count_lines(err, "cannot accept a connection: Too many open files"), ==, 1);
  /* That warning, and the two of stopping ("terminated, stopping" after a blank line). */
  g_assert_cmpuint(count_lines(err, NULL), <=, 3);
}

/* A slowloris client: a request line, then one header line a second, never the blank line
 * that ends the headers. Each line resets evhttp's idle timeout (30 s); the request deadline
 * (--request-timeout 3) closes it 3 s after it connected: the close is seen after 3 s and
 * before 5 s (3 s and a second of polling, and a second of slack). */
static void
test_slow_client(gconstpointer data)
{
  Fixture *f = (Fixture *) data;
  g_autofree char *err = g_build_filename(f->dir, "slow.err", NULL);
  const char *extra[] = { "--request-timeout", "3", NULL };
  guint16 port = 0;
  int out = -1;
  GPid pid = spawn_server(f, extra, 0, err, &port, &out);
  if (pid == 0)
    return;
  int fd = connect_idle(port);
  gint64 t0 = g_get_monotonic_time();
  const char line[] = "GET / HTTP/1.1\r\n";
  g_assert_cmpint(send(fd, line, strlen(line), MSG_NOSIGNAL), ==, (ssize_t) strlen(line));
  gint64 closed_after = -1;
  for (guint i = 0; i < 10 && closed_after < 0; i++) {
    struct pollfd pfd = { fd, POLLIN, 0 };
    if (poll(&pfd, 1, 1000) > 0) {
      char c;
      if (recv(fd, &c, 1, 0) <= 0)
        closed_after = g_get_monotonic_time() - t0;
      break; /* a reply (there must be none) or the close */
    }
    const char header[] = "X-Slow: 1\r\n";
    if (send(fd, header, strlen(header), MSG_NOSIGNAL) < 0)
      closed_after = g_get_monotonic_time() - t0;
  }
  close(fd);
  g_test_message("the slow client was closed after %.2f s", closed_after / 1e6);
  g_assert_cmpint(closed_after, >=, 3 * G_USEC_PER_SEC - G_USEC_PER_SEC / 10);
  g_assert_cmpint(closed_after, <, 5 * G_USEC_PER_SEC);
  g_autoptr(Response) r = http_request(port, "GET", "/");
  g_assert_cmpint(r->status, ==, 200);
  stop_server(pid, out);
}

/* --max-connections 4: four idle connections fill the server; a fifth that sends a request
 * waits in the listen queue unanswered (1 s here); when one idle client hangs up the server
 * accepts again and the fifth gets its 200. */
static void
test_max_connections(gconstpointer data)
{
  Fixture *f = (Fixture *) data;
  g_autofree char *err = g_build_filename(f->dir, "max.err", NULL);
  const char *extra[] = { "--max-connections", "4", NULL };
  guint16 port = 0;
  int out = -1;
  GPid pid = spawn_server(f, extra, 0, err, &port, &out);
  if (pid == 0)
    return;
  int idle[4];
  for (guint i = 0; i < G_N_ELEMENTS(idle); i++)
    idle[i] = connect_idle(port);
  g_usleep(G_USEC_PER_SEC / 5); /* accepted, in this order */
  int fifth = connect_idle(port);
  g_autofree char *request = g_strdup_printf("GET / HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                                             "Connection: close\r\n\r\n", port);
  g_assert_cmpint(send(fifth, request, strlen(request), MSG_NOSIGNAL), ==,
                  (ssize_t) strlen(request));
  struct pollfd pfd = { fifth, POLLIN, 0 };
  g_assert_cmpint(poll(&pfd, 1, 1000), ==, 0);
  close(idle[0]);
  g_assert_cmpint(poll(&pfd, 1, CLIENT_TIMEOUT_S * 1000), ==, 1);
  char head[16] = { 0 };
  g_assert_cmpint(recv(fifth, head, 12, 0), ==, 12);
  g_assert_cmpstr(head, ==, "HTTP/1.1 200");
  close(fifth);
  for (guint i = 1; i < G_N_ELEMENTS(idle); i++)
    close(idle[i]);
  stop_server(pid, out);
}

/* The body of serve_respond()'s answer to GET @target, which must be 200. */
static char *
respond_ok(Serve *serve, const char *target)
{
  g_auto(ServeResponse) r = { 0 };
  serve_respond(serve, EVHTTP_REQ_GET, target, &r);
  g_assert_cmpint(r.status, ==, 200);
  gsize len = 0;
  const char *data = g_bytes_get_data(r.body, &len);
  return g_strndup(data, len);
}

/* A sweep stored by `zdsim merge --partial` (store_save_sweep_partial) says so on the index
 * ("sweep (partial)"), on its page (a Partial fact with what is missing) and in its JSON
 * (a "partial" member); a whole sweep has none of the three, so its pages are as before. */
static void
test_partial_sweep(void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp("zdsim-test-serve-XXXXXX", &error);
  g_assert_no_error(error);
  g_autofree char *db = g_build_filename(dir, "partial.db", NULL);
  static const char ini[] = "[scenario]\nname = merged\nhorizon = 7d\nreplications = 2\n"
                            "[sweep]\napp.instances = 1,2\n";
  g_autoptr(Scenario) base = load(ini, "merged.ini");
  RunOptions options = { .jobs = 1 };
  g_autoptr(SweepResult) sweep = sweep_run(base, &options, &error);
  g_assert_no_error(error);
  const char *missing = "merged from shards 1 of 2: 2 of 4 replications";
  {
    g_autoptr(Store) store = store_open(db, STORE_OPEN_DEFAULT, &error);
    g_assert_no_error(error);
    g_assert_cmpint(store_save_sweep(store, "sweep", base, sweep->axes, sweep->results,
                                     sweep->points, &error), ==, 1);
    g_assert_cmpint(store_save_sweep_partial(store, "sweep", base, sweep->axes,
                                             sweep->results, sweep->points, missing, &error),
                    ==, 2);
    g_assert_no_error(error);
  }
  ServeOptions so = { .db_path = db, .no_plots = TRUE };
  g_autoptr(Serve) serve = serve_new_unbound(&so, &error);
  g_assert_no_error(error);

  g_autofree char *index = respond_ok(serve, "/");
  g_assert_nonnull(strstr(index, "sweep (partial)"));
  g_autofree char *page = respond_ok(serve, "/sweeps/2");
  g_assert_nonnull(strstr(page, "Partial"));
  g_assert_nonnull(strstr(page, missing));
  g_autofree char *json = respond_ok(serve, "/api/sweeps/2");
  g_autofree char *member = g_strdup_printf("\"partial\" : \"%s\"", missing);
  g_autofree char *compact = g_strdup_printf("\"partial\":\"%s\"", missing);
  g_assert_true(strstr(json, member) != NULL || strstr(json, compact) != NULL);

  g_autofree char *whole_page = respond_ok(serve, "/sweeps/1");
  g_assert_null(strstr(whole_page, "Partial"));
  g_autofree char *whole_json = respond_ok(serve, "/api/sweeps/1");
  g_assert_null(strstr(whole_json, "\"partial\""));
  g_clear_pointer(&serve, serve_free);
  remove_tree(dir);
}

/* The status of serve_respond()'s answer to GET @target. */
static int
respond_status(Serve *serve, const char *target)
{
  g_auto(ServeResponse) r = { 0 };
  serve_respond(serve, EVHTTP_REQ_GET, target, &r);
  return r.status;
}

/* A scenario for `zdsim explain` and `zdsim sensitivity` that runs in well under a second (30
 * days, 2 replications, one uncertain input), named in markup to see the name escaped. */
static const char analysis_ini[] =
    "[scenario]\nname = <b>bold</b> & \"quoted\"\nhorizon = 30d\nreplications = 2\n"
    "seed = 5\n[app]\ninstances = 1\n[uncertain]\napp.startup = 20s..90s\n";
#define ANALYSIS_NAME_HTML "&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;"

/* Stored explain and sensitivity results are reachable from the index as runs and sweeps are:
 * a store of its own holds one explain (on downtime_per_year_s) and one sensitivity (on
 * availability, target 99.9 %), run here as the commands run them; the index links to both,
 * the lists and the pages answer with the metric and the input stored, each page leads back
 * to the index and to its list, unknown ids are 404, and the name is escaped everywhere. A
 * store with nothing but results is not "nothing stored". */
static void
test_analyses(void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp("zdsim-test-serve-XXXXXX", &error);
  g_assert_no_error(error);
  g_autofree char *db = g_build_filename(dir, "analyses.db", NULL);
  g_autoptr(Scenario) sc = load(analysis_ini, "analysis.ini");
  RunOptions options = { .jobs = 2 };
  gint64 explain_id, sensitivity_id;
  {
    g_autoptr(Store) store = store_open(db, STORE_OPEN_DEFAULT, &error);
    g_assert_no_error(error);
    g_autoptr(ExplainPlan) eplan = explain_plan(sc, &error);
    g_assert_no_error(error);
    g_autoptr(ExplainResult) ex = explain_execute(eplan, RUN_DOWNTIME_PER_YEAR, &options,
                                                  &error);
    g_assert_no_error(error);
    g_autofree char *ejson = explain_json(ex);
    explain_id = store_save_analysis(store, STORE_ANALYSIS_EXPLAIN, sc, "downtime_per_year_s",
                                     NAN, ejson, &error);
    g_assert_no_error(error);
    g_autoptr(SensitivityPlan) splan = sensitivity_plan(sc, &error);
    g_assert_no_error(error);
    g_autoptr(SensitivityResult) se =
        sensitivity_execute(splan, RUN_AVAILABILITY, 0.999, 2, &options, &error);
    g_assert_no_error(error);
    g_autofree char *sjson = sensitivity_json(se);
    sensitivity_id = store_save_analysis(store, STORE_ANALYSIS_SENSITIVITY, sc,
                                         "availability", 0.999, sjson, &error);
    g_assert_no_error(error);
  }
  ServeOptions so = { .db_path = db, .no_plots = TRUE };
  g_autoptr(Serve) serve = serve_new_unbound(&so, &error);
  g_assert_no_error(error);

  g_autofree char *explain_page = g_strdup_printf("/explain/%" G_GINT64_FORMAT, explain_id);
  g_autofree char *sensitivity_page = g_strdup_printf("/sensitivity/%" G_GINT64_FORMAT,
                                                      sensitivity_id);
  g_autofree char *explain_link = g_strdup_printf("href=\"%s\"", explain_page);
  g_autofree char *sensitivity_link = g_strdup_printf("href=\"%s\"", sensitivity_page);

  g_autofree char *index = respond_ok(serve, "/");
  g_assert_nonnull(strstr(index, explain_link));
  g_assert_nonnull(strstr(index, sensitivity_link));
  g_assert_nonnull(strstr(index, "href=\"/explain\""));
  g_assert_nonnull(strstr(index, "href=\"/sensitivity\""));
  g_assert_nonnull(strstr(index, "downtime_per_year_s"));
  g_assert_nonnull(strstr(index, "99.9000 %")); /* the target, as the runs show a percentage */
  g_assert_null(strstr(index, "Nothing is stored"));
  g_assert_nonnull(strstr(index, "No runs stored."));

  static const struct {
    const char *path; /* NULL: the explain page, "" the sensitivity page */
    const char *shows[3];
  } cases[] = {
    { "/explain", { "downtime_per_year_s", "Explain results" } },
    { "/sensitivity", { "availability", "Sensitivity results", "99.9000 %" } },
    { NULL, { "downtime_per_year_s", "href=\"/explain\"" } },
    { "", { "app.startup", "20s..90s", "href=\"/sensitivity\"" } },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    const char *path = cases[i].path == NULL    ? explain_page
                       : cases[i].path[0] == 0 ? sensitivity_page
                                               : cases[i].path;
    g_autofree char *html = respond_ok(serve, path);
    g_test_message("%s", path);
    for (guint k = 0; k < G_N_ELEMENTS(cases[i].shows) && cases[i].shows[k] != NULL; k++)
      g_assert_nonnull(strstr(html, cases[i].shows[k]));
    if (cases[i].path != NULL && cases[i].path[0] != 0)
      g_assert_nonnull(strstr(html, i == 0 ? explain_link : sensitivity_link));
    g_assert_nonnull(strstr(html, "<a href=\"/\">"));
    g_assert_nonnull(strstr(html, ANALYSIS_NAME_HTML));
    g_assert_null(strstr(html, "<b>bold</b>"));
  }
  g_assert_null(strstr(index, "<b>bold</b>"));
  g_assert_nonnull(strstr(index, ANALYSIS_NAME_HTML));

  static const char *const unknown[] = { "/explain/999999", "/sensitivity/999999",
                                         "/api/explain/999999", "/api/sensitivity/999999" };
  for (guint i = 0; i < G_N_ELEMENTS(unknown); i++)
    g_assert_cmpint(respond_status(serve, unknown[i]), ==, 404);

  /* A 1 MB name written by SQL (an older zdsim could store one) is cut to 64 characters in
   * the index and the list, as a run's is. */
  g_clear_pointer(&serve, serve_free);
  sqlite3 *sql = NULL;
  g_assert_cmpint(sqlite3_open_v2(db, &sql, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_autofree char *name = g_strnfill(1024 * 1024, 'n');
  sqlite3_stmt *st = NULL;
  g_assert_cmpint(sqlite3_prepare_v2(sql, "UPDATE explains SET scenario = ?", -1, &st, NULL),
                  ==, SQLITE_OK);
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  g_assert_cmpint(sqlite3_step(st), ==, SQLITE_DONE);
  sqlite3_finalize(st);
  sqlite3_close(sql);
  serve = serve_new_unbound(&so, &error);
  g_assert_no_error(error);
  g_autofree char *cut = g_strdup_printf("%.*s…", 63, name);
  static const char *const lists[] = { "/", "/explain" };
  for (guint i = 0; i < G_N_ELEMENTS(lists); i++) {
    g_autofree char *html = respond_ok(serve, lists[i]);
    g_assert_cmpuint(strlen(html), <, 100 * 1024);
    g_assert_nonnull(strstr(html, cut));
  }
  g_clear_pointer(&serve, serve_free);
  remove_tree(dir);
}

/* The database is shown by its base name only: the index's header, a page's header (a run's,
 * the explain and sensitivity lists) and a 404 from the store (JSON or HTML) name "runs.db"
 * and never the directory it lies in (the fixture opens it by an absolute path under /tmp). */
static void
test_db_base_name(gconstpointer data)
{
  Fixture *f = (Fixture *) data;
  static const struct {
    const char *path;
    int status;
  } cases[] = {
    { "/", 200 }, { "/api/runs/999999", 404 }, { "/runs/999999", 404 },
    { "/api/sweeps/999999", 404 }, { "/explain", 200 }, { "/sensitivity", 200 },
    { "/explain/999999", 404 }, { "/api/sensitivity/999999", 404 },
  };
  g_autofree char *run = g_strdup_printf("/runs/%" G_GINT64_FORMAT, f->one_id);
  for (guint i = 0; i <= G_N_ELEMENTS(cases); i++) {
    const char *path = i < G_N_ELEMENTS(cases) ? cases[i].path : run;
    g_autoptr(Response) r = http_get(f, path);
    g_assert_cmpint(r->status, ==, i < G_N_ELEMENTS(cases) ? cases[i].status : 200);
    g_autofree char *body = body_text(r);
    g_test_message("%s: %.200s", path, body);
    g_assert_null(strstr(body, f->dir));
    if (i == G_N_ELEMENTS(cases) || cases[i].status == 200)
      g_assert_nonnull(strstr(body, "runs.db"));
  }
}

/* A gnuplot that hangs: with plot_timeout_s = 1 the picture is answered 504 with the reason
 * within 3 s (1 s and the reaping), and the server answers pages afterwards. In a subprocess
 * with PATH set to a fake gnuplot that sleeps, through serve_respond() on its own server. */
static void
test_plot_timeout(gconstpointer data)
{
  Fixture *f = (Fixture *) data;
  if (g_test_subprocess()) {
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("zdsim-test-serve-XXXXXX", &error);
    g_assert_no_error(error);
    g_autofree char *fake = g_build_filename(dir, "gnuplot", NULL);
    g_autofree char *sleep_path = g_find_program_in_path("sleep");
    g_autofree char *script = g_strdup_printf("#!/bin/sh\nexec %s 1000\n", sleep_path);
    g_assert_true(g_file_set_contents(fake, script, -1, NULL));
    g_assert_cmpint(g_chmod(fake, 0755), ==, 0);
    g_setenv("PATH", dir, TRUE);
    ServeOptions so = { .db_path = f->db, .plot_timeout_s = 1 };
    g_autoptr(Serve) s = serve_new_unbound(&so, &error);
    g_assert_no_error(error);
    g_autofree char *plot = g_strdup_printf("/runs/%" G_GINT64_FORMAT "/plot/outages.svg",
                                            f->one_id);
    g_auto(ServeResponse) r = { 0 };
    gint64 t0 = g_get_monotonic_time();
    serve_respond(s, EVHTTP_REQ_GET, plot, &r);
    gint64 took = g_get_monotonic_time() - t0;
    g_assert_cmpint(r.status, ==, 504);
    g_assert_cmpstr(r.reason, ==, "Gateway Timeout");
    g_autofree char *body = g_strndup(g_bytes_get_data(r.body, NULL), g_bytes_get_size(r.body));
    g_assert_nonnull(strstr(body, "gnuplot did not finish within 1 s"));
    g_assert_cmpint(took, <, 3 * G_USEC_PER_SEC);
    g_auto(ServeResponse) page = { 0 };
    serve_respond(s, EVHTTP_REQ_GET, "/", &page);
    g_assert_cmpint(page.status, ==, 200);
    g_unlink(fake);
    g_rmdir(dir);
    return;
  }
  g_test_trap_subprocess(NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed();
}

/* A gnuplot that hangs does not hold the dashboard: with plot_timeout_s = 2, a picture
 * request is sent first, then the index page is answered in under 1 s (half the time limit:
 * the loop did not wait for gnuplot), and the picture then gets its 504 after the 2 s limit
 * and before 5 s (the kill, the reaping and slack). In a subprocess with PATH set to a fake
 * gnuplot that sleeps, on a server of its own with its loop in a thread. */
static void
test_plot_off_loop(gconstpointer data)
{
  Fixture *f = (Fixture *) data;
  if (!g_test_subprocess()) {
    g_test_trap_subprocess(NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
    g_test_trap_assert_passed();
    return;
  }
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp("zdsim-test-serve-XXXXXX", &error);
  g_assert_no_error(error);
  g_autofree char *fake = g_build_filename(dir, "gnuplot", NULL);
  g_autofree char *sleep_path = g_find_program_in_path("sleep");
  g_autofree char *script = g_strdup_printf("#!/bin/sh\nexec %s 1000\n", sleep_path);
  g_assert_true(g_file_set_contents(fake, script, -1, NULL));
  g_assert_cmpint(g_chmod(fake, 0755), ==, 0);
  g_setenv("PATH", dir, TRUE);

  Fixture own = { 0 };
  own.base_loop = event_base_new();
  ServeOptions so = { .db_path = f->db, .plot_timeout_s = 2 };
  own.serve = serve_new(own.base_loop, &so, &error);
  g_assert_no_error(error);
  guint16 port = serve_get_port(own.serve);
  g_assert_cmpint(pipe(own.stop_pipe), ==, 0);
  own.stop_event = event_new(own.base_loop, own.stop_pipe[0], EV_READ, on_stop, own.base_loop);
  event_add(own.stop_event, NULL);
  own.thread = g_thread_new("serve", server_thread, &own);

  int plot = connect_idle(port);
  struct timeval tv = { CLIENT_TIMEOUT_S, 0 };
  setsockopt(plot, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  g_autofree char *request = g_strdup_printf(
      "GET /runs/%" G_GINT64_FORMAT "/plot/outages.svg HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
      "Connection: close\r\n\r\n", f->one_id, port);
  gint64 t0 = g_get_monotonic_time();
  g_assert_cmpint(send(plot, request, strlen(request), MSG_NOSIGNAL), ==,
                  (ssize_t) strlen(request));
  g_usleep(G_USEC_PER_SEC / 5); /* the picture request is in gnuplot's hands */
  gint64 t1 = g_get_monotonic_time();
  g_autoptr(Response) index = http_request(port, "GET", "/");
  gint64 index_took = g_get_monotonic_time() - t1;
  g_assert_cmpint(index->status, ==, 200);
  g_test_message("the index took %.3f s while gnuplot hung", index_took / 1e6);
  g_assert_cmpint(index_took, <, G_USEC_PER_SEC);

  char head[16] = { 0 };
  g_assert_cmpint(recv(plot, head, 12, MSG_WAITALL), ==, 12);
  gint64 plot_took = g_get_monotonic_time() - t0;
  g_assert_cmpstr(head, ==, "HTTP/1.1 504");
  g_assert_cmpint(plot_took, >=, 2 * G_USEC_PER_SEC);
  g_assert_cmpint(plot_took, <, 5 * G_USEC_PER_SEC);
  close(plot);

  g_assert_cmpint(write(own.stop_pipe[1], "x", 1), ==, 1);
  g_thread_join(own.thread);
  event_free(own.stop_event);
  close(own.stop_pipe[0]);
  close(own.stop_pipe[1]);
  serve_free(own.serve);
  event_base_free(own.base_loop);
  g_unlink(fake);
  g_rmdir(dir);
}

/* A 1 MB scenario name written by SQL (an older zdsim could store one): the index page shows
 * it cut to 64 characters, so the page stays small (under 100 KB: the fixture's handful of
 * rows take a few KB) and its columns in view. Runs last: it changes the fixture's store. */
static void
test_long_stored_name(gconstpointer data)
{
  Fixture *f = (Fixture *) data;
  sqlite3 *db = NULL;
  g_assert_cmpint(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout(db, 10000);
  g_autofree char *name = g_strnfill(1024 * 1024, 'n');
  sqlite3_stmt *st = NULL;
  g_assert_cmpint(sqlite3_prepare_v2(db, "UPDATE runs SET scenario = ? WHERE id = ?", -1, &st,
                                     NULL), ==, SQLITE_OK);
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, f->one_id);
  g_assert_cmpint(sqlite3_step(st), ==, SQLITE_DONE);
  sqlite3_finalize(st);
  sqlite3_close(db);

  g_autoptr(Response) r = http_get(f, "/");
  g_assert_cmpint(r->status, ==, 200);
  g_assert_cmpuint(g_bytes_get_size(r->body), <, 100 * 1024);
  g_autofree char *html = body_text(r);
  g_autofree char *cut = g_strdup_printf("%.*s…", 63, name);
  g_assert_nonnull(strstr(html, cut));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  /* A client that goes away mid-reply must not end the test process (serve.h). */
  signal(SIGPIPE, SIG_IGN);
  g_test_add_func("/zdsim/serve/parse-id", test_parse_id);
  g_test_add_func("/zdsim/serve/escape", test_escape);
  g_test_add_func("/zdsim/serve/partial-sweep", test_partial_sweep);
  g_test_add_func("/zdsim/serve/analyses", test_analyses);

  Fixture f = { 0 };
  fixture_init(&f);
  g_test_add_data_func("/zdsim/serve/bind-errors", &f, test_bind_errors);
  g_test_add_data_func("/zdsim/serve/index", &f, test_index);
  g_test_add_data_func("/zdsim/serve/db-base-name", &f, test_db_base_name);
  g_test_add_data_func("/zdsim/serve/run-page", &f, test_run_page);
  g_test_add_data_func("/zdsim/serve/sweep-page", &f, test_sweep_page);
  g_test_add_data_func("/zdsim/serve/api", &f, test_api);
  g_test_add_data_func("/zdsim/serve/plots", &f, test_plots);
  g_test_add_data_func("/zdsim/serve/plot-timeout", &f, test_plot_timeout);
  g_test_add_data_func("/zdsim/serve/plot-off-loop", &f, test_plot_off_loop);
  g_test_add_data_func("/zdsim/serve/head", &f, test_head);
  g_test_add_data_func("/zdsim/serve/headers", &f, test_headers);
  g_test_add_data_func("/zdsim/serve/one-reply-each", &f, test_one_reply_each);
  g_test_add_data_func("/zdsim/serve/hostile", &f, test_hostile);
  g_test_add_data_func("/zdsim/serve/browser", &f, test_browser);
  g_test_add_data_func("/zdsim/serve/command", &f, test_command);
  g_test_add_data_func("/zdsim/serve/out-of-descriptors", &f, test_out_of_descriptors);
  g_test_add_data_func("/zdsim/serve/slow-client", &f, test_slow_client);
  g_test_add_data_func("/zdsim/serve/max-connections", &f, test_max_connections);
  g_test_add_data_func("/zdsim/serve/long-stored-name", &f, test_long_stored_name);
  int status = g_test_run();
  fixture_clear(&f);
  return status;
}
