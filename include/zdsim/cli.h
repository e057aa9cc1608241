/* cli.h: what the subcommands of zdsim share: their table entry, option parsing, scenario
 * loading with --set, the progress bar and exit codes. Each command group lives in its own
 * sim/cli_<group>.c and is listed once in sim/main.c's table. Only the CLI turns errors into
 * text for people and exit codes. */
#pragma once

#include <stdio.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "zdsim/scenario.h"

G_BEGIN_DECLS

enum {
  CLI_OK = 0,       /* done */
  CLI_FAILED = 1,   /* an expectation or a regression check failed */
  CLI_USAGE = 2,    /* bad usage or bad input (scenario, database, file) */
  CLI_INTERNAL = 3, /* a bug or an environment failure (threads) */
};

typedef struct CliCommand CliCommand;
struct CliCommand {
  const char *name;
  const char *args;     /* "FILE", "RUN RUN", ... for the usage line */
  const char *summary;  /* one line */
  int (*main)(const CliCommand *cmd, int argc, char **argv);
};

/* A GOptionContext for @cmd with @entries (may be NULL). Returns: (transfer full). */
GOptionContext *cli_context(const CliCommand *cmd, GOptionEntry *entries);

/* Parses a command's options; on a usage error prints it with a hint and returns FALSE
 * (the caller returns CLI_USAGE). */
gboolean cli_parse(GOptionContext *ctx, const CliCommand *cmd, int *argc, char ***argv);

/* Prints "zdsim CMD: message" to stderr and returns CLI_USAGE. */
int cli_error(const CliCommand *cmd, const GError *error);

/* Loads a scenario with --set overrides @sets (may be NULL), plus --replications (when > 0)
 * and --seed (when non-NULL), and prints its notes on stderr (unless quiet).
 * Returns: (transfer full) or NULL with @error. */
Scenario *cli_load_scenario(const char *path, char **sets, int replications, const char *seed,
                            GError **error);

/* The database to use: @option (--db) when set, else $ZDSIM_DB, else "zdsim.db" in the working
 * directory. Returns: (transfer none) @option, the environment's string or a literal. */
const char *cli_db_path(const char *option);

/* The progress bar on stderr for run_execute(): only on a terminal, only once the work has
 * taken more than a second, at most CLI_PROGRESS_REDRAWS_PER_SECOND redraws a second, with
 * the time left estimated from the rate so far; never with -q. */
enum { CLI_PROGRESS_REDRAWS_PER_SECOND = 10 };
typedef struct {
  gint64 started;
  gint64 drawn;             /* when the bar was last drawn (clock time), or -1 */
  gboolean shown;
  const char *label;
  gint64 (*clock)(void);    /* microseconds; g_get_monotonic_time() unless a test sets it */
  FILE *to;                 /* stderr unless a test sets it */
  guint redraws;            /* how many times the bar was drawn */
} CliProgress;
void cli_progress_init(CliProgress *progress, const char *label);
/* Draws @progress for @done of @total when the throttle allows it (the first second and
 * redraws closer than 1/CLI_PROGRESS_REDRAWS_PER_SECOND s apart are skipped; the last one,
 * done == total, always clears the line). A RunProgress callback's body, for tests. */
void cli_progress_update(CliProgress *progress, guint done, guint total);
/* A RunProgress callback; @user_data is a CliProgress. NULL when stderr is no terminal or
 * -q was given (cli_set_quiet()). */
void (*cli_progress_func(void))(guint done, guint total, void *user_data);

/* -q/--quiet: no progress and no informational lines on stderr ("stored as run 7", a
 * scenario's notes); errors are still printed. */
void cli_set_quiet(gboolean quiet);
gboolean cli_is_quiet(void);
/* Prints an informational line (with its newline) on stderr unless quiet. */
void cli_note(const char *format, ...) G_GNUC_PRINTF(1, 2);
/* Prints @sc's notes (how a value was read where it needs saying) on stderr unless quiet. */
void cli_print_notes(const Scenario *sc);

/* The database's path is refused when --db or $ZDSIM_DB is given but empty (rather than
 * falling back to zdsim.db in silence). FALSE with @error (G_OPTION_ERROR) saying which. */
gboolean cli_db_check(const char *option, GError **error);

/* "latest" or a run id: 0 for latest, which cli_resolve_run() turns into the newest run. FALSE
 * with @error (STORE_ERROR_BAD_ID) for anything else. The one reading of RUN in show,
 * compare and plot. */
gboolean cli_parse_run(const char *text, gint64 *id, GError **error);
struct Store;
/* @id, or the newest stored run when @id is 0. FALSE with @error (STORE_ERROR_NOT_FOUND when
 * nothing is stored). */
gboolean cli_resolve_run(struct Store *store, gint64 *id, GError **error);

/* --replications given as "not set" until parsed, so that 0 can be refused. */
#define CLI_UNSET G_MININT
/* FALSE with a message on stderr when --replications @replications was given and is not at
 * least 1, or --jobs @jobs is negative. */
gboolean cli_check_counts(const CliCommand *cmd, int replications, int jobs);

/* --json, --csv, --no-timing and -q/--quiet, the same for every command that prints results.
 * Documents are json-glib nodes whose first member is "schema" ("zdsim.run/1", one name per
 * document type, document.h); what depends on the clock sits in one "timing" object that
 * --no-timing leaves out, so identical work prints identical bytes. */
typedef struct {
  gboolean json;
  gboolean csv;
  gboolean no_timing;
  gboolean quiet;
} CliOutput;
typedef enum {
  CLI_OUTPUT_FORMATS = 1 << 0, /* --json and --csv */
  CLI_OUTPUT_TIMING = 1 << 1,  /* --no-timing */
  CLI_OUTPUT_QUIET = 1 << 2,   /* -q/--quiet */
  CLI_OUTPUT_ALL = 7,
} CliOutputFlags;
/* Adds the options of @flags to @ctx's main group, writing into @out (zeroed by the caller). */
void cli_output_add_options(GOptionContext *ctx, CliOutput *out, CliOutputFlags flags);
/* After parsing: refuses --json with --csv (message on stderr, FALSE) and applies --quiet. */
gboolean cli_output_check(const CliCommand *cmd, const CliOutput *out);
/* Prints @root pretty-printed with a closing newline, or @text as it is, on stdout; a failed
 * write is an environment error (message, CLI_USAGE). Returns CLI_OK. */
int cli_print_document(const CliCommand *cmd, JsonNode *root);
int cli_print_text(const CliCommand *cmd, const char *text);

/* SIGINT and SIGTERM stop long work: the first one sets the flag that run_execute() watches
 * (RunOptions.cancel) and restores the default action, so a second one ends the process at
 * once. Call before starting work. */
void cli_signals_install(void);
const volatile gint *cli_cancel_flag(void);
/* 128 + the signal caught (130 for SIGINT, 143 for SIGTERM), or 0 when none was. */
int cli_signal_exit_code(void);

/* The commands (sim/cli_*.c). */
int cli_run(const CliCommand *cmd, int argc, char **argv);
int cli_validate(const CliCommand *cmd, int argc, char **argv);
/* sim/cli_store.c: the run store's commands. */
int cli_list(const CliCommand *cmd, int argc, char **argv);
int cli_show(const CliCommand *cmd, int argc, char **argv);
int cli_compare(const CliCommand *cmd, int argc, char **argv);
int cli_sweep(const CliCommand *cmd, int argc, char **argv);
int cli_recommend(const CliCommand *cmd, int argc, char **argv);
int cli_check(const CliCommand *cmd, int argc, char **argv);
/* sim/cli_explain.c: decisions on top of runs (README, Explain, sensitivity and a
 * report). */
int cli_explain(const CliCommand *cmd, int argc, char **argv);
int cli_sensitivity(const CliCommand *cmd, int argc, char **argv);
int cli_report(const CliCommand *cmd, int argc, char **argv);
/* The stored explain and sensitivity results of @path for `zdsim list`, newest first, at most
 * @limit of each (0 = all); nothing when there are none. Returns: CLI_OK, or CLI_USAGE with
 * a message when the store fails. */
int cli_list_analyses(const CliCommand *cmd, const char *path, guint limit);
/* sim/cli_merge.c: sharded work (README, "Sweeps across machines"). */
/* Parses --shard: "K/N" (1 <= K <= N), or "env": K and N from a Kubernetes Indexed Job
 * (JOB_COMPLETION_INDEX + 1 of ZDSIM_SHARDS) or a Slurm array job (SLURM_ARRAY_TASK_ID -
 * SLURM_ARRAY_TASK_MIN + 1 of SLURM_ARRAY_TASK_COUNT). Returns: FALSE with @error
 * (G_OPTION_ERROR) naming the option or the variables and what was expected. */
gboolean cli_parse_shard(const char *text, guint *k, guint *n, GError **error);
/* Checks --shard @shard of `run` or `sweep`: parses it into @k and @n, and refuses it with
 * --no-store or with options that print or draw a report (@report_options), printing why.
 * Returns: FALSE after printing (the caller returns CLI_USAGE). */
gboolean cli_shard_options_ok(const CliCommand *cmd, const char *shard,
                              gboolean report_options, gboolean no_store, guint *k, guint *n);
/* Runs shard @k of @n of @base (a sweep of its [sweep] when @is_sweep, else one run) and
 * stores the share in @store (store_save_shard()). Unless @force, refuses a share whose
 * estimated events exceed the run limits (the share's, not the whole sweep's: sharding is
 * how a sweep too big for one machine gets run). Returns: the exit code. */
typedef struct Store Store;
int cli_shard_run(const CliCommand *cmd, const Scenario *base, gboolean is_sweep, guint k,
                  guint n, guint jobs, gboolean force, Store *store);
int cli_merge(const CliCommand *cmd, int argc, char **argv);
/* sim/cli_serve.c: the dashboard. */
int cli_serve(const CliCommand *cmd, int argc, char **argv);

/* sim/cli_plot.c: `zdsim plot RUN...|--sweep ID --kind K -o FILE.png|.svg|--terminal`, and
 * the pictures of --plot DIR (sweep.h declares RunResult and SweepResult). */
#include "zdsim/sweep.h"
int cli_plot(const CliCommand *cmd, int argc, char **argv);
/* --plot DIR of `run`: every kind that applies to @result (its scenario set; the timeline
 * needs RunOptions.keep_timeline) written as DIR/<kind>.png, DIR created if missing; one
 * "wrote PATH" line per picture and one "no KIND plot: why" line per kind that does not apply,
 * on stderr. FALSE with @error (PLOT_ERROR: gnuplot missing or failing; G_FILE_ERROR: the
 * directory) when a picture cannot be written: the caller exits with CLI_USAGE (2). */
gboolean cli_plot_run_all(const RunResult *result, const char *dir, GError **error);
/* The same for `sweep --plot DIR`: every point of @sweep, with its swept values. */
gboolean cli_plot_sweep_all(const SweepResult *sweep, const char *dir, GError **error);

/* sim/cli_help.c: the reference generated from the scenario tables (scenario.h) and the
 * command table, so that no page can fall behind the program. */
/* `zdsim help keys`: one line per key, "section.key = default | form | meaning | source",
 * the source being "source: DOCUMENT", "setting: WHOSE" or "assumption: LOW..HIGH; WHY".
 * Returns: (transfer full). */
char *cli_help_keys(void);
/* `zdsim help scenario`: the scenario file format as text for a terminal. Returns: (transfer
 * full). */
char *cli_help_scenario(void);
/* The man page zdsim(1) (@section 1) or zdsim-scenario(5) (@section 5) as roff. Section 1
 * lists @commands with the options each prints for --help, read by running this binary
 * (/proc/self/exe) once per command. Returns: (transfer full) or NULL with @error
 * (G_OPTION_ERROR for another section, G_SPAWN_ERROR when a command's --help fails). */
char *cli_help_man(const CliCommand *commands, guint n_commands, int section,
                   const char *version, GError **error);
/* A completion script for @shell ("bash" only): @commands, each one's options, --set
 * completing every "section.key=", files where a FILE is expected. Returns: (transfer full)
 * or NULL with @error, as cli_help_man(). */
char *cli_help_completion(const CliCommand *commands, guint n_commands, const char *shell,
                          GError **error);

G_END_DECLS
