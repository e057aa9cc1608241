/* cli_serve.c: `zdsim serve`: the dashboard on a local address until Ctrl-C (serve.h does the
 * serving). Not for the pages or the routes themselves (serve.c, serve_html.c). */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "zdsim/cli.h"
#include "zdsim/serve.h"

/* One line per request on stderr (--verbose); the request line is escaped, since anyone who
 * can reach the port chooses it. */
static void
log_request(const char *method, const char *uri, int status, gsize bytes, void *user_data)
{
  (void) user_data;
  g_autofree char *shown = g_strescape(uri != NULL ? uri : "-", NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc();
  g_autofree char *when = g_date_time_format(now, "%H:%M:%S");
  fprintf(stderr, "%s %s %s %d %" G_GSIZE_FORMAT "\n", when, method, shown, status, bytes);
}

/* What the server reports without a request (accept() failing), always, on stderr. */
static void
log_warning(const char *message, void *user_data)
{
  (void) user_data;
  fprintf(stderr, "zdsim serve: %s\n", message);
}

static void
on_stop_signal(evutil_socket_t sig, short what, void *base)
{
  (void) what;
  fprintf(stderr, "\nzdsim serve: %s, stopping\n", sig == SIGINT ? "interrupted" : "terminated");
  event_base_loopexit(base, NULL);
}

int
cli_serve(const CliCommand *cmd, int argc, char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *bind = NULL;
  int port = SERVE_DEFAULT_PORT;
  gboolean verbose = FALSE;
  gint plot_timeout = PLOT_DEFAULT_TIMEOUT_S;
  gint max_connections = SERVE_MAX_CONNECTIONS;
  gint request_timeout = SERVE_REQUEST_TIMEOUT_S;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "Database (default: $ZDSIM_DB, else zdsim.db)",
      "FILE" },
    { "bind", 'b', 0, G_OPTION_ARG_STRING, &bind,
      "Address to listen on (default 127.0.0.1: this machine only)", "ADDRESS" },
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "Port (default 8642; 0: any free port)",
      "PORT" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Print one line per request on stderr",
      NULL },
    { "plot-timeout", 0, 0, G_OPTION_ARG_INT, &plot_timeout,
      "Kill gnuplot after S seconds; the picture gets 504 (default 60)", "S" },
    { "max-connections", 0, 0, G_OPTION_ARG_INT, &max_connections,
      "Serve at most N connections at once; more wait (default 256)", "N" },
    { "request-timeout", 0, 0, G_OPTION_ARG_INT, &request_timeout,
      "Close a connection that has not sent a whole request within S seconds (default 30)",
      "S" },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr(GOptionContext) ctx = cli_context(cmd, entries);
  g_option_context_set_description(
      ctx, "Serves the stored runs and sweeps as web pages with their plots, and as JSON under\n"
           "/api/. The database is only read, so runs and sweeps can be stored while it\n"
           "serves; reload a page to see them. Ctrl-C stops it.");
  CliOutput quiet = { 0 };
  cli_output_add_options(ctx, &quiet, CLI_OUTPUT_QUIET);
  if (!cli_parse(ctx, cmd, &argc, &argv) || !cli_output_check(cmd, &quiet))
    return CLI_USAGE;
  g_autoptr(GError) db_error = NULL;
  if (!cli_db_check(db, &db_error))
    return cli_error(cmd, db_error);
  if (argc != 1) {
    fprintf(stderr, "zdsim serve: expected no arguments, got '%s'\n", argv[1]);
    return CLI_USAGE;
  }
  if (port < 0 || port > 65535) {
    fprintf(stderr, "zdsim serve: --port must be from 0 to 65535, got %d\n", port);
    return CLI_USAGE;
  }
  if (plot_timeout < 1) {
    fprintf(stderr, "zdsim serve: --plot-timeout: expected a whole number of seconds of at "
                    "least 1, got %d\n", plot_timeout);
    return CLI_USAGE;
  }
  if (max_connections < 1 || max_connections > 1000000) {
    fprintf(stderr, "zdsim serve: --max-connections: expected a number from 1 to 1000000, got "
                    "%d\n", max_connections);
    return CLI_USAGE;
  }
  if (request_timeout < 1 || request_timeout > 86400) {
    fprintf(stderr, "zdsim serve: --request-timeout: expected a whole number of seconds from 1 "
                    "to 86400, got %d\n", request_timeout);
    return CLI_USAGE;
  }
  const char *path = cli_db_path(db);
  if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
    fprintf(stderr,
            "zdsim serve: no database at %s: zdsim run FILE and zdsim sweep FILE store runs "
            "there (or give --db FILE)\n",
            path);
    return CLI_USAGE;
  }

  /* A client that hangs up while its reply is written must not end the server. */
  struct sigaction ignore;
  memset(&ignore, 0, sizeof ignore);
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, NULL);

  g_autoptr(event_base) base = event_base_new();
  if (base == NULL) {
    fprintf(stderr, "zdsim serve: libevent cannot start an event loop\n");
    return CLI_INTERNAL;
  }
  g_autoptr(GError) error = NULL;
  ServeOptions options = {
    .db_path = path,
    .bind = bind,
    .port = (guint16) port,
    .log = verbose ? log_request : NULL,
    .plot_timeout_s = (guint) plot_timeout,
    .max_connections = (guint) max_connections,
    .request_timeout_s = (guint) request_timeout,
    .warn = log_warning,
  };
  g_autoptr(Serve) serve = serve_new(base, &options, &error);
  if (serve == NULL)
    return cli_error(cmd, error);
  g_autoptr(event) on_int = evsignal_new(base, SIGINT, on_stop_signal, base);
  g_autoptr(event) on_term = evsignal_new(base, SIGTERM, on_stop_signal, base);
  if (on_int == NULL || on_term == NULL || evsignal_add(on_int, NULL) != 0 ||
      evsignal_add(on_term, NULL) != 0) {
    fprintf(stderr, "zdsim serve: cannot watch for Ctrl-C\n");
    return CLI_INTERNAL;
  }

  g_autofree char *url = serve_get_url(serve);
  printf("Serving %s at %s (Ctrl-C stops)\n", path, url);
  const char *host = bind != NULL ? bind : SERVE_DEFAULT_BIND;
  if (!g_str_equal(host, "127.0.0.1") && !g_str_equal(host, "::1") &&
      !g_str_equal(host, "localhost"))
    fprintf(stderr, "zdsim serve: warning: the dashboard has no login; anyone who can reach "
                    "%s can read every stored run\n",
            host);
  fflush(stdout);
  if (event_base_dispatch(base) < 0) {
    fprintf(stderr, "zdsim serve: the event loop failed\n");
    return CLI_INTERNAL;
  }
  /* The server goes before its event base and the signal events (g_autoptr frees in reverse
   * order of declaration). */
  return CLI_OK;
}
