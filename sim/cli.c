/* cli.c: helpers every subcommand shares: options, errors, scenario loading, the database's
 * path, progress. Not for any one command. */
#include "zdsim/cli.h"

#include "zdsim/store.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

GOptionContext *
cli_context(const CliCommand *cmd, GOptionEntry *entries)
{
  /* GOptionContext prints the program name ("zdsim CMD", set by main) before this. */
  GOptionContext *ctx = g_option_context_new(cmd->args);
  g_option_context_set_summary(ctx, cmd->summary);
  if (entries != NULL)
    g_option_context_add_main_entries(ctx, entries, NULL);
  return ctx;
}

gboolean
cli_parse(GOptionContext *ctx, const CliCommand *cmd, int *argc, char ***argv)
{
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, argc, argv, &error)) {
    fprintf(stderr, "zdsim %s: %s\nRun 'zdsim help %s' for usage.\n", cmd->name,
            error->message, cmd->name);
    return FALSE;
  }
  return TRUE;
}

int
cli_error(const CliCommand *cmd, const GError *error)
{
  fprintf(stderr, "zdsim %s: %s\n", cmd->name, error->message);
  return CLI_USAGE;
}

Scenario *
cli_load_scenario(const char *path, char **sets, int replications, const char *seed,
                  GError **error)
{
  g_autoptr(GPtrArray) overrides = g_ptr_array_new_with_free_func(g_free);
  for (char **s = sets; s != NULL && *s != NULL; s++)
    g_ptr_array_add(overrides, g_strdup(*s));
  if (replications > 0)
    g_ptr_array_add(overrides, g_strdup_printf("scenario.replications=%d", replications));
  if (seed != NULL)
    g_ptr_array_add(overrides, g_strdup_printf("scenario.seed=%s", seed));
  g_ptr_array_add(overrides, NULL);
  Scenario *sc = scenario_load(path, (const char *const *) overrides->pdata, error);
  if (sc != NULL)
    cli_print_notes(sc);
  return sc;
}

const char *
cli_db_path(const char *option)
{
  if (option != NULL && *option != '\0')
    return option;
  const char *env = g_getenv("ZDSIM_DB");
  if (env != NULL && *env != '\0')
    return env;
  return "zdsim.db";
}

gboolean
cli_db_check(const char *option, GError **error)
{
  if (option != NULL && *option == '\0') {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "--db: expected a database file, got an empty name");
    return FALSE;
  }
  const char *env = g_getenv("ZDSIM_DB");
  if (option == NULL && env != NULL && *env == '\0') {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "ZDSIM_DB is set but empty: name a database file, or unset it for zdsim.db");
    return FALSE;
  }
  return TRUE;
}

gboolean
cli_parse_run(const char *text, gint64 *id, GError **error)
{
  if (g_str_equal(text, "latest")) {
    *id = 0;
    return TRUE;
  }
  g_autoptr(GError) inner = NULL;
  if (!store_parse_id(text, "run", id, &inner)) {
    g_set_error(error, inner->domain, inner->code, "%s (or latest)", inner->message);
    return FALSE;
  }
  return TRUE;
}

gboolean
cli_resolve_run(Store *store, gint64 *id, GError **error)
{
  if (*id != 0)
    return TRUE;
  g_autoptr(GPtrArray) newest = store_list_runs(store, 0, NULL, 1, error);
  if (newest == NULL)
    return FALSE;
  if (newest->len == 0) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_NOT_FOUND, "%s: no runs stored yet",
                store_get_path(store));
    return FALSE;
  }
  *id = ((const StoreRunInfo *) g_ptr_array_index(newest, 0))->id;
  return TRUE;
}

gboolean
cli_check_counts(const CliCommand *cmd, int replications, int jobs)
{
  if (replications != CLI_UNSET && replications < 1) {
    fprintf(stderr, "zdsim %s: --replications: expected at least 1, got %d\n", cmd->name,
            replications);
    return FALSE;
  }
  if (jobs < 0) {
    fprintf(stderr, "zdsim %s: --jobs: expected 0 (one per core) or more, got %d\n",
            cmd->name, jobs);
    return FALSE;
  }
  return TRUE;
}

/* -q for the whole process: set once by the command after parsing, read by the printing
 * helpers. The CLI's own state, never the model's. */
static gboolean quiet;

void
cli_set_quiet(gboolean q)
{
  quiet = q;
}

gboolean
cli_is_quiet(void)
{
  return quiet;
}

void
cli_note(const char *format, ...)
{
  if (quiet)
    return;
  va_list args;
  va_start(args, format);
  vfprintf(stderr, format, args);
  va_end(args);
  fputc('\n', stderr);
}

void
cli_print_notes(const Scenario *sc)
{
  for (guint i = 0; sc->notes != NULL && i < sc->notes->len; i++)
    cli_note("%s", (const char *) g_ptr_array_index(sc->notes, i));
}

void
cli_output_add_options(GOptionContext *ctx, CliOutput *out, CliOutputFlags flags)
{
  GOptionEntry formats[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &out->json,
      "Print the results as one JSON document (its \"schema\" names its type)", NULL },
    { "csv", 0, 0, G_OPTION_ARG_NONE, &out->csv, "Print the results as CSV", NULL },
    G_OPTION_ENTRY_NULL,
  };
  GOptionEntry timing[] = {
    { "no-timing", 0, 0, G_OPTION_ARG_NONE, &out->no_timing,
      "Leave out what depends on the clock (wall time, speed, when stored)", NULL },
    G_OPTION_ENTRY_NULL,
  };
  GOptionEntry quiet_entry[] = {
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &out->quiet,
      "No progress bar and no informational lines on stderr", NULL },
    G_OPTION_ENTRY_NULL,
  };
  if (flags & CLI_OUTPUT_FORMATS)
    g_option_context_add_main_entries(ctx, formats, NULL);
  if (flags & CLI_OUTPUT_TIMING)
    g_option_context_add_main_entries(ctx, timing, NULL);
  if (flags & CLI_OUTPUT_QUIET)
    g_option_context_add_main_entries(ctx, quiet_entry, NULL);
}

gboolean
cli_output_check(const CliCommand *cmd, const CliOutput *out)
{
  if (out->json && out->csv) {
    fprintf(stderr, "zdsim %s: choose one of --json and --csv\n", cmd->name);
    return FALSE;
  }
  cli_set_quiet(out->quiet);
  return TRUE;
}

int
cli_print_text(const CliCommand *cmd, const char *text)
{
  if (fputs(text, stdout) == EOF || fflush(stdout) != 0) {
    fprintf(stderr, "zdsim %s: cannot write to standard output\n", cmd->name);
    return CLI_USAGE;
  }
  return CLI_OK;
}

int
cli_print_document(const CliCommand *cmd, JsonNode *root)
{
  g_autoptr(JsonGenerator) gen = json_generator_new();
  json_generator_set_pretty(gen, TRUE);
  json_generator_set_root(gen, root);
  g_autofree char *text = json_generator_to_data(gen, NULL);
  g_autofree char *line = g_strconcat(text, "\n", NULL);
  return cli_print_text(cmd, line);
}

void
cli_progress_init(CliProgress *progress, const char *label)
{
  progress->clock = g_get_monotonic_time;
  progress->to = stderr;
  progress->started = progress->clock();
  progress->drawn = -1;
  progress->shown = FALSE;
  progress->redraws = 0;
  progress->label = label != NULL ? label : "replications";
}

/* "0:42", "1:02:03": the time left for people. */
static void
append_time_left(GString *out, gint64 usec)
{
  gint64 s = (usec + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
  if (s >= 3600)
    g_string_append_printf(out, "%" G_GINT64_FORMAT ":%02d:%02d", s / 3600, (int) (s / 60 % 60),
                           (int) (s % 60));
  else
    g_string_append_printf(out, "%d:%02d", (int) (s / 60), (int) (s % 60));
}

void
cli_progress_update(CliProgress *p, guint done, guint total)
{
  enum { WIDTH = 40 };
  gint64 now = p->clock();
  gint64 elapsed = now - p->started;
  if (!p->shown && elapsed < G_USEC_PER_SEC)
    return;
  if (done == total) {
    /* The last call clears the line, whatever the throttle says. */
    if (p->shown) {
      fprintf(p->to, "\r%*s\r", WIDTH + 70, "");
      fflush(p->to);
    }
    return;
  }
  if (p->drawn >= 0 && now - p->drawn < G_USEC_PER_SEC / CLI_PROGRESS_REDRAWS_PER_SECOND)
    return;
  guint filled = total > 0 ? done * WIDTH / total : WIDTH;
  char bar[WIDTH + 1];
  for (guint i = 0; i < WIDTH; i++)
    bar[i] = i < filled ? '#' : '.';
  bar[WIDTH] = '\0';
  g_autoptr(GString) line = g_string_new(NULL);
  g_string_append_printf(line, "\r[%s] %u/%u %s", bar, done, total, p->label);
  if (done > 0) {
    /* The rate so far: elapsed / done per unit of work. */
    g_string_append(line, ", ");
    append_time_left(line, (gint64) ((double) elapsed * (total - done) / done));
    g_string_append(line, " left");
  }
  /* Padding wipes what a longer previous line left. */
  g_string_append(line, "   ");
  fputs(line->str, p->to);
  fflush(p->to);
  p->shown = TRUE;
  p->drawn = now;
  p->redraws++;
}

static void
show_progress(guint done, guint total, void *user_data)
{
  cli_progress_update(user_data, done, total);
}

void (*cli_progress_func(void))(guint done, guint total, void *user_data)
{
  return !quiet && isatty(STDERR_FILENO) ? show_progress : NULL;
}

/* Signal handlers can only reach file-scope state; these two are written by the handler and
 * read by the workers (through RunOptions.cancel), nothing else. */
static volatile sig_atomic_t caught_signal;
static volatile gint cancel_flag;

static void
on_signal(int sig)
{
  caught_signal = sig;
  g_atomic_int_set(&cancel_flag, 1);
}

void
cli_signals_install(void)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}

const volatile gint *
cli_cancel_flag(void)
{
  return &cancel_flag;
}

int
cli_signal_exit_code(void)
{
  return caught_signal != 0 ? 128 + caught_signal : 0;
}
