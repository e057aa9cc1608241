/* bench-http.c: requests per second of the dashboard (make bench): keeps a few keep-alive
 * connections to a running `zdsim serve` busy with GET requests for one path, one request in
 * flight on each, and counts the complete 200 replies. Not a test and never part of make
 * test; tests/bench/bench.sh starts the server and stops it.
 *
 *   bench-http [--seconds S] [--connections C] [--repeat R] [--id ID] [--label TEXT] URL PATH
 *
 * URL is what `zdsim serve` printed (http://127.0.0.1:PORT/). Prints one row, tab-separated
 * as bench.sh collects them (id, label, value, unit, note): the median over the repeats of
 * the replies per wall second. The client runs on the same machine, so on a 2-core machine
 * the figure is what the server does while sharing the machine with one client. */
#include <event2/event.h>
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

typedef struct event_base BenchBase;
typedef struct evhttp_uri BenchUri;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(BenchBase, event_base_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(BenchUri, evhttp_uri_free)

#define MAX_CONNECTIONS 64
#define MAX_REPEATS 20

typedef struct Bench Bench;

typedef struct {
  Bench *bench;
  struct evhttp_connection *conn;
} Conn;

struct Bench {
  struct event_base *base;
  const char *host;
  const char *path;
  gint64 deadline;
  guint64 ok;
  guint64 failed;
  guint outstanding;
  Conn conns[MAX_CONNECTIONS];
};

static void send_request(Conn *c);

static void
on_reply(struct evhttp_request *req, void *arg)
{
  Conn *c = arg;
  Bench *b = c->bench;
  if (req != NULL && evhttp_request_get_response_code(req) == 200)
    b->ok++;
  else
    b->failed++;
  /* A server that refuses everything would make this spin: give up after a few failures. */
  if (g_get_monotonic_time() < b->deadline && b->failed < 10) {
    send_request(c);
  } else if (--b->outstanding == 0) {
    event_base_loopbreak(b->base);
  }
}

static void
send_request(Conn *c)
{
  Bench *b = c->bench;
  struct evhttp_request *req = evhttp_request_new(on_reply, c);
  evhttp_add_header(evhttp_request_get_output_headers(req), "Host", b->host);
  /* libevent owns the request from here, also when making it fails. */
  if (evhttp_make_request(c->conn, req, EVHTTP_REQ_GET, b->path) != 0) {
    b->failed++;
    if (--b->outstanding == 0)
      event_base_loopbreak(b->base);
  }
}

static int
double_cmp(const void *pa, const void *pb)
{
  double a = *(const double *) pa, b = *(const double *) pb;
  return a < b ? -1 : (a > b);
}

int
main(int argc, char **argv)
{
  double seconds = 1.0;
  int connections = 4, repeat = 3;
  g_autofree char *id = NULL, *label = NULL;
  GOptionEntry entries[] = {
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds, "Length of one measurement", "S" },
    { "connections", 'c', 0, G_OPTION_ARG_INT, &connections, "Connections at once", "C" },
    { "repeat", 'n', 0, G_OPTION_ARG_INT, &repeat, "Measurements", "R" },
    { "id", 0, 0, G_OPTION_ARG_STRING, &id, "Row id", "ID" },
    { "label", 0, 0, G_OPTION_ARG_STRING, &label, "Row label", "TEXT" },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("URL PATH");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 3 || seconds <= 0 ||
      connections < 1 || connections > MAX_CONNECTIONS || repeat < 1 || repeat > MAX_REPEATS) {
    fprintf(stderr, "bench-http: %s\n",
            error != NULL ? error->message : "expected URL and PATH and sane numbers");
    return 2;
  }
  g_autoptr(BenchUri) uri = evhttp_uri_parse(argv[1]);
  if (uri == NULL || evhttp_uri_get_host(uri) == NULL || evhttp_uri_get_port(uri) <= 0) {
    fprintf(stderr, "bench-http: '%s' is no http://HOST:PORT/ address\n", argv[1]);
    return 2;
  }
  g_autoptr(BenchBase) base = event_base_new();
  if (base == NULL) {
    fprintf(stderr, "bench-http: libevent cannot start an event loop\n");
    return 3;
  }

  double rates[MAX_REPEATS];
  guint64 failed = 0;
  for (int r = 0; r < repeat; r++) {
    Bench b = {
      .base = base,
      .host = evhttp_uri_get_host(uri),
      .path = argv[2],
      .outstanding = (guint) connections,
    };
    for (int i = 0; i < connections; i++) {
      b.conns[i].bench = &b;
      b.conns[i].conn = evhttp_connection_base_new(base, NULL, b.host,
                                                   (ev_uint16_t) evhttp_uri_get_port(uri));
    }
    gint64 t0 = g_get_monotonic_time();
    b.deadline = t0 + (gint64) (seconds * 1e6);
    for (int i = 0; i < connections; i++)
      send_request(&b.conns[i]);
    event_base_dispatch(base);
    gint64 t1 = g_get_monotonic_time();
    for (int i = 0; i < connections; i++)
      evhttp_connection_free(b.conns[i].conn);
    rates[r] = (double) b.ok / ((double) (t1 - t0) / 1e6);
    failed += b.failed;
  }
  qsort(rates, (size_t) repeat, sizeof *rates, double_cmp);
  double median =
      repeat % 2 ? rates[repeat / 2] : (rates[repeat / 2 - 1] + rates[repeat / 2]) / 2;
  if (failed > 0)
    printf("%s\t%s\tn/a (%" G_GUINT64_FORMAT " requests failed)\treq/s\t\n",
           id != NULL ? id : "serve", label != NULL ? label : argv[2], failed);
  else
    printf("%s\t%s\t%.6g\treq/s\tmedian of %d x %.2g s, %d connections\n",
           id != NULL ? id : "serve", label != NULL ? label : argv[2], median, repeat, seconds,
           connections);
  return 0;
}
