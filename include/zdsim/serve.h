/* serve.h: the dashboard, `zdsim serve` (README, The dashboard): an HTTP server on libevent's
 * evhttp that shows the run store's runs and sweeps as HTML pages, their plots as SVG drawn by
 * gnuplot, and their figures as JSON. Not for running anything (run.h, sweep.h), for the
 * store itself (store.h) or for the command line (sim/cli_serve.c).
 *
 * Pages and resources (GET and HEAD only; any other method is 405, any other path 404):
 *   /                              runs and sweeps, newest first
 *   /runs/ID                       a run: metrics, downtime by cause, [expect] verdicts, plots
 *   /sweeps/ID[?target=99.95&metric=availability]
 *                                  a sweep: its table, its plots, and the smallest instance
 *                                  count whose lower 95 % bound meets the target (per series)
 *   /runs/ID/plot/KIND.svg, /sweeps/ID/plot/KIND.svg
 *                                  plots (plot.h kinds), drawn on first request and cached;
 *                                  a run's page and JSON are cached too (SERVE_CACHE_*)
 *   /api/runs[?limit=N], /api/runs/ID, /api/sweeps, /api/sweeps/ID[?target=...]   JSON
 *   /style.css                     the one style sheet
 *
 * Safety. The database is opened read-only and only read through store.h (bound parameters).
 * Ids are 1 to SERVE_ID_MAX_DIGITS decimal digits and nothing else; routing looks at the raw
 * (still percent-encoded) path, so an encoded byte never reaches an id or a kind; the query
 * is split by evhttp_parse_query_str() (every parameter name=value; names are kept as sent,
 * values decoded) and refused when a name or value holds a NUL or invalid UTF-8, or when
 * there are too many or too long. No file name comes
 * from a request: plots are written to a private temporary directory under names the server
 * makes up. Every piece of text on a page goes through serve_html_escape(). Header and body
 * sizes are limited (SERVE_MAX_HEADERS_SIZE, SERVE_MAX_BODY_SIZE), idle connections time out
 * (SERVE_TIMEOUT_S).
 *
 * Connections. At most ServeOptions.max_connections are open at once: at the cap the server
 * stops accepting and further clients wait in the listen queue. Each must send a whole request
 * within request_timeout_s of connecting or of its last reply, or it is closed (a client that
 * trickles a header line every few seconds resets evhttp's idle timeout, not this). When
 * accept() fails (out of descriptors), accepting pauses for SERVE_ACCEPT_PAUSE_S or until a
 * connection closes, and ServeOptions.warn hears of it at most once per SERVE_WARN_INTERVAL_S:
 * no busy loop, no flood of messages. Every request gets exactly one reply: handlers only fill a reply and
 * one function sends it. Pages carry a Content-Security-Policy that allows nothing but the
 * server's own style sheet and images (the pages have no JavaScript).
 *
 * Without a socket. serve_respond() answers a method and a request target as the server
 * would, from a server that listens (serve_new()) or one that does not (serve_new_unbound()),
 * so tests and the fuzz target reach routing and every handler directly.
 *
 * Threads. A Serve lives on one event_base and is used from the thread that runs it. A
 * server from serve_new() draws a picture that is not cached off the loop: the loop's thread
 * writes the gnuplot script, one of SERVE_PLOT_THREADS workers runs gnuplot, and the finished
 * picture comes back to the loop through a pipe it watches, which sends the reply; other
 * requests are answered meanwhile, and a gnuplot that hangs is killed after
 * ServeOptions.plot_timeout_s and its picture answered 504. serve_respond() draws in the
 * caller's thread. The caller must ignore SIGPIPE (a client that goes away while its reply is
 * written would otherwise end the process). */
#pragma once

#include <glib.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "zdsim/plot.h"
#include "zdsim/recommend.h"
#include "zdsim/run.h"
#include "zdsim/store.h"
#include "zdsim/sweep.h"

G_BEGIN_DECLS

/* libevent's types under their own names, for g_autoptr (g_autoptr(evbuffer) buf = ...). */
typedef struct event_base event_base;
typedef struct event event;
typedef struct evbuffer evbuffer;
typedef struct evhttp_uri evhttp_uri;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(event_base, event_base_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(event, event_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(evbuffer, evbuffer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(evhttp_uri, evhttp_uri_free)

#define SERVE_DEFAULT_BIND "127.0.0.1"
#define SERVE_DEFAULT_PORT 8642
/* Request line plus headers; a browser sends about 1 KiB. Larger requests get 413. */
#define SERVE_MAX_HEADERS_SIZE (16 * 1024)
/* GET and HEAD carry no body; anything larger than this is refused before routing. */
#define SERVE_MAX_BODY_SIZE 1024
/* A connection idle (or too slow to send its request) this long is closed. */
#define SERVE_TIMEOUT_S 30
/* At most this many connections at once (ServeOptions.max_connections); at the cap the
 * server stops accepting, and a new connection waits in the kernel's queue until one closes. */
#define SERVE_MAX_CONNECTIONS 256
/* A connection must send a whole request within this many seconds of connecting or of its
 * last reply (ServeOptions.request_timeout_s), however often it sends a byte. */
#define SERVE_REQUEST_TIMEOUT_S 30
/* After accept() fails (out of descriptors: EMFILE, ENFILE), the server stops accepting for
 * this long or until a connection closes, and warns at most once per interval. */
#define SERVE_ACCEPT_PAUSE_S 1
#define SERVE_WARN_INTERVAL_S 10
/* Ids: positive decimal numbers of at most this many digits. */
#define SERVE_ID_MAX_DIGITS 12
/* The cache of what stored runs and sweeps make (they never change): at most this many runs
 * or sweeps with their plot data, pictures and pages, and at most this many bytes of pictures
 * and pages; the least recently used go first. */
#define SERVE_CACHE_ENTRIES 64
#define SERVE_CACHE_BYTES (64 * 1024 * 1024)
/* Pictures drawn at once (one gnuplot each, in a worker thread); more wait their turn. */
#define SERVE_PLOT_THREADS 2
/* Runs listed on the index page (the newest); /api/runs?limit=N goes up to the maximum. */
#define SERVE_INDEX_RUNS 200
#define SERVE_API_RUNS_DEFAULT 1000
#define SERVE_API_RUNS_MAX 100000

#define SERVE_ERROR (serve_error_quark())
GQuark serve_error_quark(void);

typedef enum {
  SERVE_ERROR_ADDRESS, /* the bind address does not resolve */
  SERVE_ERROR_BIND,    /* the port is taken or not allowed */
  SERVE_ERROR_FAILED,  /* libevent or the temporary directory failed */
} ServeError;

/* Called once per request after its reply was queued: @method ("GET"), @uri as sent,
 * @status, and @bytes of body (0 for HEAD). Runs in the server's thread. */
typedef void (*ServeLogFunc)(const char *method, const char *uri, int status, gsize bytes,
                             void *user_data);

/* Called with a warning for the operator (no request of its own: accept() failing), at most
 * once per SERVE_WARN_INTERVAL_S; @message has no newline. Runs in the server's thread. */
typedef void (*ServeWarnFunc)(const char *message, void *user_data);

typedef struct {
  const char *db_path;  /* the run store, opened read-only; must exist */
  const char *bind;     /* an address or host name; NULL = SERVE_DEFAULT_BIND */
  guint16 port;         /* 0 = a free port chosen by the system (serve_get_port() says which) */
  ServeLogFunc log;     /* may be NULL */
  void *log_data;
  gboolean no_plots;    /* never start gnuplot: every picture is 503 Service Unavailable
                           ("plots are turned off"), as when gnuplot is missing; pages still
                           link them. For the fuzz target, where gnuplot per input is too slow */
  guint cache_entries;  /* the cache's bounds; 0 = SERVE_CACHE_ENTRIES, SERVE_CACHE_BYTES. */
  gsize cache_bytes;    /* Tiny ones make the fuzz target reach eviction. */
  guint plot_timeout_s; /* gnuplot is killed after this many seconds and the picture answered
                           504 Gateway Timeout with the reason; 0 = PLOT_DEFAULT_TIMEOUT_S.
                           Other requests are answered meanwhile (see Threads above) */
  guint max_connections;   /* 0 = SERVE_MAX_CONNECTIONS */
  guint request_timeout_s; /* 0 = SERVE_REQUEST_TIMEOUT_S */
  ServeWarnFunc warn;      /* may be NULL (warnings are dropped); gets .log_data */
} ServeOptions;

typedef struct Serve Serve;

/* Opens the store read-only, listens on the address and registers the server on @base; the
 * caller runs @base (event_base_dispatch) and stops it (event_base_loopexit).
 * Returns: (transfer full) the server, or NULL with @error: STORE_ERROR when the database
 * cannot be opened, SERVE_ERROR_ADDRESS or SERVE_ERROR_BIND naming the address and port. */
Serve *serve_new(struct event_base *base, const ServeOptions *options, GError **error);
/* A server that listens nowhere and needs no event_base: the store opened read-only as by
 * serve_new() (options.bind, .port, .log and .log_data are not used), for serve_respond()
 * alone: tests and the fuzz target (tests/fuzz/fuzz-serve.c) ask it without a socket.
 * Returns: (transfer full) the server, or NULL with @error: STORE_ERROR when the database
 * cannot be opened, SERVE_ERROR_FAILED when the temporary plot directory cannot be made. */
Serve *serve_new_unbound(const ServeOptions *options, GError **error);
/* Stops listening, closes the store and removes the temporary plot directory. Open
 * connections are closed; pictures still queued are dropped, and one being drawn is waited
 * for (at most its time limit), its request left unanswered. NULL is allowed. Free it before
 * its event_base. */
void serve_free(Serve *serve);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Serve, serve_free)

/* The port the server listens on (the one chosen when options.port was 0); 0 for a server
 * from serve_new_unbound(). */
guint16 serve_get_port(const Serve *serve);
/* "http://127.0.0.1:8642/" ("http://[::1]:8642/" for IPv6). Returns: (transfer full), or NULL
 * for a server from serve_new_unbound(). */
char *serve_get_url(const Serve *serve);

/* ---- answering a request ---- */

/* An answer as the server sends it. Every string is static. On the wire the reply also
 * carries "X-Content-Type-Options: nosniff", "Referrer-Policy: no-referrer" and
 * Content-Length (the length of @body, for HEAD too), which never vary. */
typedef struct {
  int status;                /* 200, 400, 404, 405, 500 (a store failure), 501, 503, 504 (gnuplot
                                past its time limit) */
  const char *reason;        /* the reason phrase, libevent's own for @status: "Not Found" */
  const char *content_type;  /* "text/html; charset=utf-8", "application/json; ...", ... */
  const char *cache_control; /* "no-cache" unless the resource never changes */
  const char *csp;           /* Content-Security-Policy */
  const char *allow;         /* "GET, HEAD" with 405, else NULL (no Allow header) */
  GBytes *body;              /* never NULL, never empty for an error; for HEAD the body of
                                the GET, of which the wire carries only the length */
} ServeResponse;

/* Releases @response's body and zeroes it; a zeroed ServeResponse is allowed. */
void serve_response_clear(ServeResponse *response);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(ServeResponse, serve_response_clear)

/* Answers @method on the request target @target ("/runs/3?x=1", as it stands in the request
 * line) into @out (overwritten; clear it with serve_response_clear()) exactly as the server
 * answers that request line on the wire: @target is parsed as evhttp parses it (a CONNECT's
 * as an authority, any other with evhttp_uri_parse_with_flags(EVHTTP_URI_NONCONFORMANT)),
 * then the same query parsing, routing and handler run as for a request that arrives on the
 * socket (the server's request callback is this function without the parse). Where evhttp
 * itself refuses a request line before the server sees it, the status is evhttp's and the
 * body the dashboard's own error page: 400 when the request line "METHOD TARGET HTTP/1.1" is
 * longer than SERVE_MAX_HEADERS_SIZE (evhttp counts the request line and the header lines
 * against that limit together, so this is the answer to a request without headers; a method
 * libevent does not know counts as one character) or when evhttp's parser refuses the
 * target; else 501 for a method that is none of the nine libevent knows. What only headers
 * and a body decide (their size limits, the timeout) is not modelled.
 * Answers fill the server's cache as requests do, so a request may be answered from what an
 * earlier one built (the same answer). Works on a server from serve_new() (in its thread) or
 * serve_new_unbound(); needs no event loop and does not log. */
void serve_respond(Serve *serve, enum evhttp_cmd_type method, const char *target,
                   ServeResponse *out);

/* ---- parsing what a request says ---- */

/* A run or sweep id: 1 to SERVE_ID_MAX_DIGITS ASCII digits, value > 0; nothing else (no sign,
 * space or encoding). Returns: FALSE for anything else. */
gboolean serve_parse_id(const char *text, gint64 *out);

/* ---- HTML (sim/serve_html.c) ---- */

/* @text with & < > " ' written as character references (g_markup_escape_text()), invalid
 * UTF-8 replaced (U+FFFD), and control characters (C0, DEL and C1) other than tab and newline
 * and bidirectional overrides written as visible escapes ("\x1b", "\u202e": text_escape()),
 * safe inside an element or a quoted attribute. NULL gives "". Returns: (transfer full). */
char *serve_html_escape(const char *text);

/* Which plots a page shows: bit k of @applies for PlotKind k that can be drawn; @why[k] (may
 * be NULL) says why one cannot (plot_applies()'s message). */
typedef struct {
  guint applies;
  char *why[PLOT_KIND_COUNT];
} ServePlots;

/* A page of a stored explain or sensitivity result (@kind "explain" or "sensitivity"):
 * @title, and @fragment (HTML, from report_html_explain_fragment() or
 * report_html_sensitivity_fragment()) inside the dashboard's frame, with a way back to the
 * index and to /@kind, and a link to @json_url. Returns: (transfer full). */
char *serve_html_analysis(const char *db_path, const char *kind, const char *title,
                          const char *fragment, const char *json_url);
/* The list of stored results of @kind (StoreAnalysis*, newest first), each linking to
 * /@kind/ID, in the table the index shows them in. Returns: (transfer full). */
char *serve_html_analyses(const char *db_path, const char *kind, const GPtrArray *analyses);

/* The style sheet served at /style.css (a static string). */
const char *serve_html_css(void);

/* The index: @runs (StoreRunInfo*, newest first; @more_runs when older ones were left out),
 * @sweeps (StoreSweepInfo*, newest first), and the stored @explains and @sensitivities
 * (StoreAnalysis*, newest first) of the store at @db_path. Of each of the last two it shows
 * at most SERVE_INDEX_RUNS, and says where the rest are when given more; none is no section.
 * Returns: (transfer full) the page. */
char *serve_html_index(const char *db_path, const GPtrArray *runs, gboolean more_runs,
                       const GPtrArray *sweeps, const GPtrArray *explains,
                       const GPtrArray *sensitivities);

/* A run page: @run, its [expect] verdicts @outcomes (CheckOutcome*, may be NULL) or
 * @expect_note (why there are none, may be NULL), and the plots it can show.
 * Returns: (transfer full) the page. */
char *serve_html_run(const char *db_path, const StoreRun *run, const GPtrArray *outcomes,
                     const char *expect_note, const ServePlots *plots);

/* What a sweep page shows. */
typedef struct {
  const StoreSweepInfo *sweep;
  const GPtrArray *runs;       /* StoreRunInfo*, point order */
  const ServePlots *plots;
  const char *target_text;     /* the target as typed (NULL: no target asked for) */
  RunMetric metric;            /* the metric recommended on */
  const char *metric_name;     /* its name as asked (a JSON name or a v1 alias) */
  double target;               /* a fraction, when @series is set */
  const GPtrArray *series;     /* RecommendSeries* (recommend_stored()), or NULL */
  const char *target_error;    /* why the target was refused, or NULL */
} ServeSweepPage;

/* A sweep page. Returns: (transfer full) the page. */
char *serve_html_sweep(const char *db_path, const ServeSweepPage *page);

/* An error page for @status ("404 Not Found") with @message. Returns: (transfer full). */
char *serve_html_error(int status, const char *reason, const char *message);

G_END_DECLS
