/* merge.h: putting the shards of a run or a sweep back together (README, "Sweeps across
 * machines"): reading the shard databases `zdsim sweep --shard K/N` wrote, checking that they
 * are shares of one piece of work (the same scenario text, overrides, seed, program version
 * and N, every K once), and rebuilding the runs as if one process had run them, summarised
 * with run_result_summarize(). Not for running shards (run.h, sweep.h) or for the command line
 * (cli_merge.c).
 *
 * Why the numbers agree: replication r of every point draws from streams seeded from
 * (seed, r) alone, so a work item's figures are the same in whichever shard, and for any N,
 * it ran; the merge copies them bit for bit (SQLite keeps a double exactly) and recomputes
 * every summary from them. Events and updates add up over the shards; wall time is the sum
 * of the shards' times, not the elapsed time of any one process. */
#pragma once

#include <glib.h>

#include "zdsim/store.h"
#include "zdsim/sweep.h"

G_BEGIN_DECLS

#define MERGE_ERROR (merge_error_quark())
GQuark merge_error_quark(void);

typedef enum {
  MERGE_ERROR_NO_SHARD,   /* a file holds no shard (a shard killed before it stored) */
  MERGE_ERROR_DIFFERENT,  /* two shards are not shares of one run or sweep */
  MERGE_ERROR_DUPLICATE,  /* the same K twice */
  MERGE_ERROR_MISSING,    /* some shards or work items are absent (without --partial) */
  MERGE_ERROR_FAILED,     /* a stored scenario that no longer loads, or a shard that does not
                             hold what its K says */
} MergeError;

/* The shards read from a set of files, each file kept open read-only. */
typedef struct MergeSet MergeSet;

/* Reads every shard in the files @paths (NULL-terminated, at least one), opened read-only and
 * left unchanged. Returns: (transfer full) or NULL with @error: STORE_ERROR for a file that
 * cannot be opened or is not a zdsim database, MERGE_ERROR_NO_SHARD when no file holds a
 * shard. A file without shards is kept and named by merge_check(). */
MergeSet *merge_load(const char *const *paths, GError **error);
void merge_set_free(MergeSet *set);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MergeSet, merge_set_free)

/* Checks that the shards are shares of one run or sweep: the same kind, scenario text,
 * overrides, seed, program version and N (the first difference named, with both files),
 * each K at most once, and each shard holding exactly the work items its K names; then,
 * unless @partial, that every K of 1..N and every work item is there. Returns: FALSE with
 * @error (MERGE_ERROR) naming what differs, the duplicate K and both files, or the missing
 * shards and, point by point, the missing replications. */
gboolean merge_check(const MergeSet *set, gboolean partial, GError **error);

/* What is in @set, for people (`zdsim merge --status`): a line per shard (file, K of N,
 * scenario, points, replications held), then what is missing, or that the set is whole.
 * Returns: (transfer full). */
char *merge_status(const MergeSet *set);

/* The work put back together. */
typedef struct {
  Scenario *base;      /* the scenario as the shards loaded it (text, path, overrides) */
  gboolean is_sweep;   /* a sweep, else a run (sweep then holds one point, with a NULL
                          point) */
  SweepResult *sweep;  /* the points that have replications, with their results */
  char *partial;       /* NULL when whole; else what is missing, for people */
} MergeResult;

void merge_result_free(MergeResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MergeResult, merge_result_free)

/* Rebuilds the runs of @set (checked with merge_check() for the same @partial). With
 * @partial, a point keeps the replications that are there, in order (renumbered from 0), and
 * a point without any is left out. Returns: (transfer full) or NULL with @error (STORE_ERROR,
 * MERGE_ERROR_FAILED). */
MergeResult *merge_build(const MergeSet *set, gboolean partial, GError **error);

/* Stores @result in @out as `zdsim run` or `zdsim sweep` would have, marked partial when it
 * is, in one transaction. Returns: the run id (a run) or the sweep id (a sweep), or 0 with
 * @error. */
gint64 merge_save(Store *out, const MergeResult *result, GError **error);

G_END_DECLS
