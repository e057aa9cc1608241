/* cli_merge.c: sharded work on the command line (README, "Sweeps across machines"):
 * `--shard K/N` of `zdsim run` and `zdsim sweep` (parsing it, from the option or from a
 * cluster's environment, and storing the share), and `zdsim merge`, which puts the shards
 * back together. Not for the rules of sharding (run.c), the shard tables (store.c) or the
 * checks of a merge (merge.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zdsim/cli.h"
#include "zdsim/merge.h"
#include "zdsim/store.h"
#include "zdsim/sweep.h"

/* More shards than this is a typing mistake, not a cluster. */
#define SHARDS_MAX 1000000u

/* A whole number from 0 to SHARDS_MAX written with digits only, or FALSE. */
static gboolean
parse_count(const char *text, guint *out)
{
  if (text == NULL || *text == '\0' || strlen(text) > 7)
    return FALSE;
  guint v = 0;
  for (const char *p = text; *p != '\0'; p++) {
    if (!g_ascii_isdigit(*p))
      return FALSE;
    v = v * 10 + (guint) (*p - '0');
  }
  if (v > SHARDS_MAX)
    return FALSE;
  *out = v;
  return TRUE;
}

/* K and N from the environment of a cluster's array job. */
static gboolean
shard_from_env(guint *k, guint *n, GError **error)
{
  const char *index = g_getenv("JOB_COMPLETION_INDEX");
  if (index != NULL) {
    /* Kubernetes Indexed Job: the index is 0 .. completions - 1; the Job does not tell the
     * pod its completions, so the manifest passes them as ZDSIM_SHARDS. */
    const char *count = g_getenv("ZDSIM_SHARDS");
    guint i;
    if (!parse_count(index, &i) || !parse_count(count, n) || *n < 1 || i >= *n) {
      g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                  "--shard env: JOB_COMPLETION_INDEX='%s' and ZDSIM_SHARDS='%s': expected an "
                  "index from 0 to ZDSIM_SHARDS - 1 (set ZDSIM_SHARDS to the Job's "
                  "spec.completions)",
                  index, count != NULL ? count : "(unset)");
      return FALSE;
    }
    *k = i + 1;
    return TRUE;
  }
  const char *id = g_getenv("SLURM_ARRAY_TASK_ID");
  if (id != NULL) {
    /* Slurm array job (#SBATCH --array=1-N, or 0-(N-1)): K counts from the array's first
     * index, N is the array's task count. */
    const char *min = g_getenv("SLURM_ARRAY_TASK_MIN");
    const char *count = g_getenv("SLURM_ARRAY_TASK_COUNT");
    guint i, lo = 1;
    if (!parse_count(id, &i) || (min != NULL && !parse_count(min, &lo)) ||
        !parse_count(count, n) || *n < 1 || i < lo || i - lo >= *n) {
      g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                  "--shard env: SLURM_ARRAY_TASK_ID='%s', SLURM_ARRAY_TASK_MIN='%s', "
                  "SLURM_ARRAY_TASK_COUNT='%s': expected a contiguous array such as "
                  "--array=1-N",
                  id, min != NULL ? min : "(unset)", count != NULL ? count : "(unset)");
      return FALSE;
    }
    *k = i - lo + 1;
    return TRUE;
  }
  g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
              "--shard env: neither JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) nor "
              "SLURM_ARRAY_TASK_ID (a Slurm array job) is set; give --shard K/N");
  return FALSE;
}

gboolean
cli_parse_shard(const char *text, guint *k, guint *n, GError **error)
{
  if (g_str_equal(text, "env"))
    return shard_from_env(k, n, error);
  const char *slash = strchr(text, '/');
  g_autofree char *kt = slash != NULL ? g_strndup(text, (gsize) (slash - text)) : NULL;
  if (slash == NULL || !parse_count(kt, k) || !parse_count(slash + 1, n) || *n < 1 || *k < 1 ||
      *k > *n) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "--shard: expected K/N with 1 <= K <= N <= %u (e.g. 3/8), or env, got '%s'",
                SHARDS_MAX, text);
    return FALSE;
  }
  return TRUE;
}

gboolean
cli_shard_options_ok(const CliCommand *cmd, const char *shard, gboolean report_options,
                     gboolean no_store, guint *k, guint *n)
{
  g_autoptr(GError) error = NULL;
  if (!cli_parse_shard(shard, k, n, &error)) {
    fprintf(stderr, "zdsim %s: %s\n", cmd->name, error->message);
    return FALSE;
  }
  if (no_store) {
    fprintf(stderr, "zdsim %s: --shard stores its share for zdsim merge; it cannot go with "
                    "--no-store\n", cmd->name);
    return FALSE;
  }
  if (report_options) {
    fprintf(stderr, "zdsim %s: --shard prints no report and draws no picture (a share says "
                    "nothing alone); --json, --csv and --plot apply to the merged result: "
                    "zdsim show, zdsim plot\n", cmd->name);
    return FALSE;
  }
  return TRUE;
}

/* Prints what a shard stored and where. */
static void
shard_done(const Scenario *base, guint k, guint n, const SweepResult *sweep, const Store *store,
           gint64 id)
{
  guint all = 0, held = 0;
  for (guint i = 0; i < sweep->results->len; i++) {
    const RunResult *r = g_ptr_array_index(sweep->results, i);
    all += r->replications;
    held += run_shard_count(k, n, sweep_point_first_item(sweep, i), r->replications);
  }
  printf("%s: shard %u of %u: %u of %u replications over %u point%s (seed %" G_GUINT64_FORMAT
         ")\n",
         base->name, k, n, held, all, sweep->results->len, sweep->results->len == 1 ? "" : "s",
         base->seed);
  fflush(stdout);
  fprintf(stderr,
          "stored shard %u of %u in %s (its shard %" G_GINT64_FORMAT "); zdsim merge --db OUT "
          "puts shards 1-%u together\n",
          k, n, store_get_path(store), id, n);
}

/* The run limits (run.h) applied to shard @k of @n of @sweep's points: the events and memory
 * of the replications it holds, plus the per-replication value arrays a shard keeps for all
 * of a point's replications (run_result_new()), held or not. */
static gboolean
share_within_limits(const SweepResult *sweep, guint k, guint n, guint jobs, GError **error)
{
  double events = 0, bytes = 0;
  for (guint i = 0; i < sweep->scenarios->len; i++) {
    const Scenario *sc = g_ptr_array_index(sweep->scenarios, i);
    RunEstimate e;
    run_estimate(sc, jobs, &e);
    guint held = run_shard_count(k, n, sweep_point_first_item(sweep, i), sc->replications);
    double share = (double) held / sc->replications;
    events += e.events * share;
    bytes += e.bytes * share +
             (sc->replications - held) * 8.0 * (RUN_METRIC_COUNT + CAUSE_COUNT);
  }
  if (events <= RUN_LIMIT_EVENTS && bytes <= RUN_LIMIT_BYTES)
    return TRUE;
  const Scenario *sc = g_ptr_array_index(sweep->scenarios, 0);
  g_set_error(error, RUN_ERROR, RUN_ERROR_LIMIT,
              "%s: shard %u of %u: about %.3g events (about %.0f core-hours) and %.1f GB of "
              "memory; the limits are %.0e events and %.0f GB: use more shards, lower "
              "scenario.replications or scenario.horizon, or run it anyway with --force",
              sc->name, k, n, events, events / RUN_ESTIMATE_EVENTS_PER_S / 3600, bytes / 1e9,
              RUN_LIMIT_EVENTS, RUN_LIMIT_BYTES / 1e9);
  return FALSE;
}

int
cli_shard_run(const CliCommand *cmd, const Scenario *base, gboolean is_sweep, guint k, guint n,
              guint jobs, gboolean force, Store *store)
{
  g_assert(store != NULL);
  CliProgress progress;
  cli_progress_init(&progress, "replications of this shard");
  cli_signals_install();
  RunOptions options = {
    .jobs = jobs,
    .keep_timeline = TRUE,
    .progress = cli_progress_func(),
    .progress_data = &progress,
    .cancel = cli_cancel_flag(),
    .shard_k = k,
    .shard_n = n,
  };
  g_autoptr(GError) error = NULL;
  /* A run is a sweep of one point, the scenario itself. Every point is loaded first, as
   * sweep_run() does, so a bad value fails before anything runs. */
  g_autoptr(SweepResult) sweep =
      sweep_result_new(is_sweep ? g_ptr_array_ref(base->sweep) : g_ptr_array_new());
  g_autoptr(GPtrArray) points = is_sweep ? scenario_sweep_points(base) : NULL;
  for (guint i = 0; i < (is_sweep ? points->len : 1); i++) {
    const char *const *point = is_sweep ? g_ptr_array_index(points, i) : NULL;
    if (!sweep_add_point(sweep, base, point, &error))
      return cli_error(cmd, error);
  }
  if (!force && !share_within_limits(sweep, k, n, jobs, &error))
    return cli_error(cmd, error);
  sweep_run_points(sweep, &options, NULL, NULL, &error);
  if (cli_signal_exit_code() != 0) {
    fprintf(stderr, "zdsim %s: interrupted; nothing was stored\n", cmd->name);
    return cli_signal_exit_code();
  }
  if (error != NULL) {
    if (g_error_matches(error, RUN_ERROR, RUN_ERROR_THREADS)) {
      fprintf(stderr, "zdsim %s: %s\n", cmd->name, error->message);
      return CLI_INTERNAL;
    }
    return cli_error(cmd, error);
  }
  gint64 id = store_save_shard(store, base, k, n, sweep->results,
                               is_sweep ? sweep->points : NULL, &error);
  if (id == 0)
    return cli_error(cmd, error);
  shard_done(base, k, n, sweep, store, id);
  return CLI_OK;
}

int
cli_merge(const CliCommand *cmd, int argc, char **argv)
{
  g_autofree char *db = NULL;
  gboolean status = FALSE, partial = FALSE;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db,
      "Store the merged run or sweep in this database (default: $ZDSIM_DB, else zdsim.db)",
      "FILE" },
    { "status", 0, 0, G_OPTION_ARG_NONE, &status,
      "Only list what the shard files hold and what is missing", NULL },
    { "partial", 0, 0, G_OPTION_ARG_NONE, &partial,
      "Merge the shards that are there and mark the result partial", NULL },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr(GOptionContext) ctx = cli_context(cmd, entries);
  g_option_context_set_description(
      ctx, "Puts the shards of `zdsim run|sweep FILE --shard K/N --db SHARD.db` back together\n"
           "and stores them as one run or sweep, as if one process had run it. Refused (exit 2)\n"
           "when the shards differ in scenario text, overrides, seed, zdsim version or N, when\n"
           "a K is given twice, when a file is not a zdsim database, and (without --partial)\n"
           "when a shard is missing.");
  if (!cli_parse(ctx, cmd, &argc, &argv))
    return CLI_USAGE;
  if (argc < 2) {
    fprintf(stderr, "zdsim merge: expected one or more shard databases\n"
                    "Run 'zdsim help merge' for usage.\n");
    return CLI_USAGE;
  }
  if (status && (partial || db != NULL)) {
    fprintf(stderr, "zdsim merge: --status only reads; it takes neither --db nor --partial\n");
    return CLI_USAGE;
  }
  g_autoptr(GError) error = NULL;
  g_autoptr(MergeSet) set = merge_load((const char *const *) argv + 1, &error);
  if (set == NULL)
    return cli_error(cmd, error);
  if (status) {
    g_autofree char *text = merge_status(set);
    fputs(text, stdout);
    return CLI_OK;
  }
  if (!merge_check(set, partial, &error))
    return cli_error(cmd, error);
  g_autoptr(MergeResult) merged = merge_build(set, partial, &error);
  if (merged == NULL)
    return cli_error(cmd, error);
  /* Opened only now: a refused merge writes nothing anywhere. */
  g_autoptr(Store) out = store_open(cli_db_path(db), STORE_OPEN_DEFAULT, &error);
  if (out == NULL)
    return cli_error(cmd, error);
  gint64 id = merge_save(out, merged, &error);
  if (id == 0)
    return cli_error(cmd, error);
  guint reps = 0;
  for (guint i = 0; i < merged->sweep->results->len; i++)
    reps += ((const RunResult *) g_ptr_array_index(merged->sweep->results, i))->replications;
  printf("%s: merged %u shard file%s: %u point%s, %u replications%s%s\n", merged->base->name,
         argc - 1, argc == 2 ? "" : "s", merged->sweep->results->len,
         merged->sweep->results->len == 1 ? "" : "s", reps,
         merged->partial != NULL ? "; partial: " : "",
         merged->partial != NULL ? merged->partial : "");
  fflush(stdout);
  if (!merged->is_sweep) {
    fprintf(stderr, "stored as run %" G_GINT64_FORMAT " in %s\n", id, store_get_path(out));
    return CLI_OK;
  }
  g_autoptr(GPtrArray) runs = store_list_runs(out, id, NULL, 0, &error);
  if (runs == NULL)
    return cli_error(cmd, error);
  const StoreRunInfo *first = g_ptr_array_index(runs, 0);
  const StoreRunInfo *last = g_ptr_array_index(runs, runs->len - 1);
  fprintf(stderr,
          "stored as sweep %" G_GINT64_FORMAT " (runs %" G_GINT64_FORMAT "-%" G_GINT64_FORMAT
          ") in %s\n",
          id, first->id, last->id, store_get_path(out));
  return CLI_OK;
}
