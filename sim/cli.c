/* cli.c: helpers every subcommand shares: options, errors, scenario loading, the database's
 * path, progress. Not for any one command. */
#include "zdsim/cli.h"

#include <signal.h>
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
  return scenario_load(path, (const char *const *) overrides->pdata, error);
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

void
cli_progress_init(CliProgress *progress, const char *label)
{
  progress->started = g_get_monotonic_time();
  progress->shown = FALSE;
  progress->label = label != NULL ? label : "replications";
}

static void
show_progress(guint done, guint total, void *user_data)
{
  CliProgress *p = user_data;
  if (!p->shown && g_get_monotonic_time() - p->started < G_USEC_PER_SEC)
    return;
  enum { WIDTH = 40 };
  guint filled = total > 0 ? done * WIDTH / total : WIDTH;
  char bar[WIDTH + 1];
  for (guint i = 0; i < WIDTH; i++)
    bar[i] = i < filled ? '#' : '.';
  bar[WIDTH] = '\0';
  fprintf(stderr, "\r[%s] %u/%u %s", bar, done, total, p->label);
  p->shown = TRUE;
  if (done == total)
    fprintf(stderr, "\r%*s\r", WIDTH + 60, "");
  fflush(stderr);
}

void (*cli_progress_func(void))(guint done, guint total, void *user_data)
{
  return isatty(STDERR_FILENO) ? show_progress : NULL;
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
