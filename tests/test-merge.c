/* test-merge.c: shards and their merge (sim/merge.c): the same numbers
 * for any shard count, what a merge refuses and how it names it, a shard killed mid-run, and
 * --shard's forms (K/N, and env from Slurm or Kubernetes). */
#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "zdsim/cli.h"
#include "zdsim/merge.h"
#include "zdsim/report.h"
#include "zdsim/store.h"
#include "zdsim/sweep.h"

/* ---- helpers ---- */

static char *
tmp_dir(void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp("zdsim-merge-XXXXXX", &error);
  g_assert_no_error(error);
  return dir;
}

static void
rm_rf(const char *path)
{
  if (g_file_test(path, G_FILE_TEST_IS_DIR) && !g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
    GDir *dir = g_dir_open(path, 0, NULL);
    const char *name;
    while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
      g_autofree char *child = g_build_filename(path, name, NULL);
      rm_rf(child);
    }
    if (dir != NULL)
      g_dir_close(dir);
    g_rmdir(path);
  } else {
    g_unlink(path);
  }
}

static void
write_file(const char *dir, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename(dir, name, NULL);
  g_assert_true(g_file_set_contents(path, text, -1, NULL));
}

static Scenario *
load_text(const char *text, const char *path, const char *const *overrides)
{
  g_autoptr(GError) error = NULL;
  Scenario *sc = scenario_load_data(text, strlen(text), path, overrides, &error);
  g_assert_no_error(error);
  return sc;
}

/* Bit for bit: doubles compared as bytes, so that -0.0, NaN and every last bit count. */
static void
assert_same_doubles(const double *a, const double *b, gsize n)
{
  g_assert_cmpint(memcmp(a, b, n * sizeof(double)), ==, 0);
}

static void
assert_same_summary(const StatsSummary *a, const StatsSummary *b)
{
  const double x[4] = { a->mean, a->sd, a->lo, a->hi };
  const double y[4] = { b->mean, b->sd, b->lo, b->hi };
  assert_same_doubles(x, y, 4);
  g_assert_cmpuint(a->n, ==, b->n);
}

/* Every per-replication figure, outage, summary and count of @b is @a's. */
static void
assert_same_result(const RunResult *a, const RunResult *b)
{
  g_assert_cmpuint(a->replications, ==, b->replications);
  assert_same_doubles(a->values, b->values, (gsize) a->replications * RUN_METRIC_COUNT);
  assert_same_doubles(a->by_cause, b->by_cause, (gsize) a->replications * CAUSE_COUNT);
  for (guint r = 0; r < a->replications; r++) {
    const GArray *x = g_ptr_array_index(a->outages, r);
    const GArray *y = g_ptr_array_index(b->outages, r);
    g_assert_cmpuint(x->len, ==, y->len);
    for (guint i = 0; i < x->len; i++) {
      const ModelInterval *p = &g_array_index(x, ModelInterval, i);
      const ModelInterval *q = &g_array_index(y, ModelInterval, i);
      g_assert_cmpint(p->start, ==, q->start);
      g_assert_cmpint(p->end, ==, q->end);
      g_assert_cmpint(p->cause, ==, q->cause);
    }
  }
  for (guint m = 0; m < RUN_METRIC_COUNT; m++)
    assert_same_summary(&a->summary[m], &b->summary[m]);
  for (guint c = 0; c < CAUSE_COUNT; c++)
    assert_same_summary(&a->cause_summary[c], &b->cause_summary[c]);
  g_assert_cmpuint(a->events, ==, b->events);
  g_assert_cmpuint(a->updates, ==, b->updates);
  g_assert_cmpint(a->timeline != NULL, ==, b->timeline != NULL);
  if (a->timeline != NULL) {
    g_assert_cmpuint(a->timeline->len, ==, b->timeline->len);
    for (guint i = 0; i < a->timeline->len; i++) {
      const ModelSample *p = &g_array_index(a->timeline, ModelSample, i);
      const ModelSample *q = &g_array_index(b->timeline, ModelSample, i);
      g_assert_cmpint(p->time, ==, q->time);
      g_assert_cmpuint(p->serving, ==, q->serving);
      g_assert_cmpuint(p->starting, ==, q->starting);
      g_assert_cmpuint(p->containers, ==, q->containers);
      g_assert_cmpint(p->db_up, ==, q->db_up);
    }
    g_assert_cmpuint(a->updates_spans->len, ==, b->updates_spans->len);
  }
}

/* Four points of five replications: 20 work items; five updates a week so that every
 * replication has outages to carry. */
static const char sweep_ini[] = "[scenario]\n"
                                "name = merge-test\n"
                                "horizon = 14d\n"
                                "replications = 5\n"
                                "seed = 11\n"
                                "[platform]\n"
                                "updates = 5/w\n"
                                "[sweep]\n"
                                "app.instances = 1,2\n"
                                "policy.evacuation = rolling,stop-start\n";

/* ---- the same numbers for any N ---- */

/* A shard count N splits the T = 20 work items so that shard K holds the items i < T with
 * i mod N = K - 1: floor((T - K) / N) + 1 of them. Since replication r of every point draws
 * from streams seeded from (seed, r) alone, each item's figures are the same in any shard,
 * so the merge of shards 1..N is the unsharded sweep bit for bit — per-replication values,
 * outages, replication 0's timeline, events — and its summaries, recomputed from those
 * values by run_result_summarize(), are identical too; stored and shown again, the reports
 * are byte-identical. Checked for N = 1, 2, 3 and 7 (7 does not divide 20 or 5, so shards
 * straddle points). */
static void
test_identical(void)
{
  g_autofree char *dir = tmp_dir();
  g_autoptr(Scenario) base = load_text(sweep_ini, "merge.ini", NULL);
  RunOptions whole = { .jobs = 2, .keep_timeline = TRUE };
  g_autoptr(GError) error = NULL;
  g_autoptr(SweepResult) reference = sweep_run(base, &whole, &error);
  g_assert_no_error(error);
  const guint total = 20;
  g_assert_cmpuint(reference->results->len * base->replications, ==, total);

  g_autofree char *ref_path = g_build_filename(dir, "reference.db", NULL);
  g_autoptr(Store) ref_store = store_open(ref_path, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error(error);
  gint64 ref_sweep = store_save_sweep(ref_store, "sweep", base, reference->axes,
                                      reference->results, reference->points, &error);
  g_assert_no_error(error);
  g_autoptr(GPtrArray) ref_runs = store_list_runs(ref_store, ref_sweep, NULL, 0, &error);
  g_assert_no_error(error);

  static const guint counts[] = { 1, 2, 3, 7 };
  for (guint c = 0; c < G_N_ELEMENTS(counts); c++) {
    guint n = counts[c];
    g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
    for (guint k = 1; k <= n; k++) {
      RunOptions options = { .jobs = 2, .keep_timeline = TRUE, .shard_k = k, .shard_n = n };
      g_autoptr(SweepResult) share = sweep_run(base, &options, &error);
      g_assert_no_error(error);
      char *path = g_strdup_printf("%s/n%u-k%u.db", dir, n, k);
      g_ptr_array_add(paths, path);
      g_autoptr(Store) store = store_open(path, STORE_OPEN_DEFAULT, &error);
      g_assert_no_error(error);
      g_assert_cmpint(store_save_shard(store, base, k, n, share->results, share->points,
                                       &error), >, 0);
      g_assert_no_error(error);
      g_autoptr(GPtrArray) shards = store_list_shards(store, &error);
      g_assert_no_error(error);
      g_assert_cmpuint(shards->len, ==, 1);
      const StoreShardInfo *info = g_ptr_array_index(shards, 0);
      guint held = 0;
      for (guint p = 0; p < info->points->len; p++)
        held += ((const StoreShardPoint *) g_ptr_array_index(info->points, p))->held;
      g_assert_cmpuint(held, ==, (total - k) / n + 1);
    }
    g_ptr_array_add(paths, NULL);
    g_autoptr(MergeSet) set = merge_load((const char *const *) paths->pdata, &error);
    g_assert_no_error(error);
    g_assert_true(merge_check(set, FALSE, &error));
    g_assert_no_error(error);
    g_autoptr(MergeResult) merged = merge_build(set, FALSE, &error);
    g_assert_no_error(error);
    g_assert_null(merged->partial);
    g_assert_true(merged->is_sweep);
    g_assert_cmpuint(merged->sweep->results->len, ==, reference->results->len);
    for (guint p = 0; p < reference->results->len; p++)
      assert_same_result(g_ptr_array_index(reference->results, p),
                         g_ptr_array_index(merged->sweep->results, p));

    /* Stored and read back as `zdsim show` does: the same report, without the wall time
     * (the merge's is the sum of the shards' times). */
    g_autofree char *out_path = g_strdup_printf("%s/merged-%u.db", dir, n);
    g_autoptr(Store) out = store_open(out_path, STORE_OPEN_DEFAULT, &error);
    g_assert_no_error(error);
    gint64 sweep_id = merge_save(out, merged, &error);
    g_assert_cmpint(sweep_id, >, 0);
    g_autoptr(GPtrArray) runs = store_list_runs(out, sweep_id, NULL, 0, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(runs->len, ==, ref_runs->len);
    for (guint i = 0; i < runs->len; i++) {
      const StoreRunInfo *a = g_ptr_array_index(ref_runs, i);
      const StoreRunInfo *b = g_ptr_array_index(runs, i);
      g_assert_null(b->partial);
      g_autoptr(StoreRun) ra = store_load_run(ref_store, a->id, &error);
      g_assert_no_error(error);
      g_autoptr(StoreRun) rb = store_load_run(out, b->id, &error);
      g_assert_no_error(error);
      assert_same_result(ra->result, rb->result);
      g_autofree char *ta = report_text(ra->result, FALSE);
      g_autofree char *tb = report_text(rb->result, FALSE);
      g_assert_cmpstr(ta, ==, tb);
      g_autofree char *pa = sweep_point_label((const char *const *) a->point);
      g_autofree char *pb = sweep_point_label((const char *const *) b->point);
      g_assert_cmpstr(pa, ==, pb);
    }
    g_autoptr(StoreSweepInfo) sw = store_load_sweep(out, sweep_id, &error);
    g_assert_no_error(error);
    g_assert_null(sw->partial);
    g_assert_cmpstr(sw->kind, ==, "sweep");
  }
  rm_rf(dir);
}

/* ---- the command line ---- */

/* build/zdsim (or $ZDSIM_BIN) as an absolute path, or NULL (the test is skipped). */
static char *
zdsim_bin(void)
{
  const char *bin = g_getenv("ZDSIM_BIN");
  g_autofree char *path = g_canonicalize_filename(bin != NULL ? bin : "build/zdsim", NULL);
  if (!g_file_test(path, G_FILE_TEST_IS_EXECUTABLE)) {
    g_test_skip("no zdsim binary (set ZDSIM_BIN)");
    return NULL;
  }
  return g_steal_pointer(&path);
}

static int
exit_code(int wait_status)
{
  if (WIFEXITED(wait_status))
    return WEXITSTATUS(wait_status);
  return WIFSIGNALED(wait_status) ? -WTERMSIG(wait_status) : -1000;
}

typedef struct {
  int status; /* exit code, or -signal */
  char *out;
  char *err;
} Spawned;

static void
spawned_clear(Spawned *s)
{
  g_free(s->out);
  g_free(s->err);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Spawned, spawned_clear)

/* Runs zdsim in @dir with @args (space-separated, no quoting), without ZDSIM_DB. */
static void
run_zdsim(const char *bin, const char *dir, const char *args, Spawned *out)
{
  g_auto(GStrv) words = g_strsplit(args, " ", -1);
  g_autoptr(GPtrArray) argv = g_ptr_array_new();
  g_ptr_array_add(argv, (gpointer) bin);
  for (char **w = words; *w != NULL; w++)
    g_ptr_array_add(argv, *w);
  g_ptr_array_add(argv, NULL);
  g_auto(GStrv) envp = g_environ_unsetenv(g_get_environ(), "ZDSIM_DB");
  int status = 0;
  g_autoptr(GError) error = NULL;
  g_spawn_sync(dir, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL, &out->out,
               &out->err, &status, &error);
  g_assert_no_error(error);
  out->status = exit_code(status);
}

/* Runs zdsim and asserts it exits 0. */
static void
zdsim_ok(const char *bin, const char *dir, const char *args)
{
  g_auto(Spawned) s = { 0 };
  run_zdsim(bin, dir, args, &s);
  if (s.status != 0)
    g_test_message("zdsim %s: %s", args, s.err);
  g_assert_cmpint(s.status, ==, 0);
}

static const char small_ini[] = "[scenario]\nname = small\nhorizon = 7d\nreplications = 4\n"
                                "[sweep]\napp.instances = 1,2\n";

/* What a merge refuses, each with exit status 2, the difference or the shard named in the
 * message, and nothing written: the output database is not even created. Shards of
 * small.ini (2 points x 4 replications) are made with the command line; each case merges a
 * set of them. */
static void
test_refusals(void)
{
  g_autofree char *bin = zdsim_bin();
  if (bin == NULL)
    return;
  g_autofree char *dir = tmp_dir();
  write_file(dir, "small.ini", small_ini);
  /* The same scenario with a comment added: another text, the same figures. */
  g_autofree char *other = g_strconcat(small_ini, "# another text\n", NULL);
  write_file(dir, "other.ini", other);
  write_file(dir, "notes.txt", "not a database at all\n");
  for (guint k = 1; k <= 3; k++) {
    g_autofree char *args = g_strdup_printf("sweep small.ini --shard %u/3 --db s%u.db", k, k);
    zdsim_ok(bin, dir, args);
  }
  zdsim_ok(bin, dir, "sweep small.ini --shard 1/3 --db again1.db");
  zdsim_ok(bin, dir, "sweep other.ini --shard 2/3 --db other2.db");
  zdsim_ok(bin, dir, "sweep small.ini --shard 2/3 --seed 7 --db seed2.db");
  zdsim_ok(bin, dir, "sweep small.ini --shard 2/2 --db n2.db");
  {
    /* An SQLite database of another program. */
    g_autofree char *path = g_build_filename(dir, "foreign.db", NULL);
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_exec(db, "CREATE TABLE t (x)", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close(db);
  }
  /* The complete set merges (exit 0): the refusals below are the pieces that differ. */
  zdsim_ok(bin, dir, "merge --db whole.db s1.db s2.db s3.db");

  static const struct {
    const char *shards;
    const char *message;
  } cases[] = {
    { "s1.db other2.db s3.db", "different scenario text" },
    { "s1.db seed2.db s3.db", "different seed: shard 1/3 (s1.db) ran seed 1, shard 2/3 "
                              "(seed2.db) seed 7" },
    { "s1.db s3.db", "missing shards 2 of 3" },
    { "s1.db s2.db again1.db s3.db", "shard 1/3 twice: in s1.db and in again1.db" },
    { "s1.db s2.db s3.db notes.txt", "notes.txt" },
    { "s1.db s2.db s3.db foreign.db", "foreign.db: an SQLite database of another program" },
    { "s1.db n2.db s3.db", "different shard counts" },
    { "missing.db s1.db", "missing.db" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *args = g_strdup_printf("merge --db out.db %s", cases[i].shards);
    g_auto(Spawned) s = { 0 };
    run_zdsim(bin, dir, args, &s);
    g_test_message("%s: %s", cases[i].shards, s.err);
    g_assert_cmpint(s.status, ==, 2);
    g_assert_nonnull(strstr(s.err, cases[i].message));
    g_autofree char *out = g_build_filename(dir, "out.db", NULL);
    g_assert_false(g_file_test(out, G_FILE_TEST_EXISTS));
  }

  /* A shard is held to the run limits for its own share: a million ten-year replications
   * (about 9.3e10 events by run_estimate(), over the 2e10 limit) are refused in 2 shards
   * (4.6e10 each), naming the shard and its estimate. */
  g_auto(Spawned) big = { 0 };
  run_zdsim(bin, dir,
            "run small.ini --replications 1000000 --set scenario.horizon=3650d --shard 1/2 "
            "--db big.db",
            &big);
  g_assert_cmpint(big.status, ==, 2);
  g_assert_nonnull(strstr(big.err, "shard 1 of 2: about 4."));
  g_assert_nonnull(strstr(big.err, "use more shards"));

  /* The missing shard's replications are named point by point: shard 2 of 3 holds the items
   * i with i mod 3 = 1, so replications 1 of the first point (item 1) and 0, 3 of the
   * second (items 4 and 7). */
  g_auto(Spawned) s = { 0 };
  run_zdsim(bin, dir, "merge --db out.db s1.db s3.db", &s);
  g_assert_nonnull(strstr(s.err, "app.instances=1: 1 of 4 (1)"));
  g_assert_nonnull(strstr(s.err, "app.instances=2: 2 of 4 (0, 3)"));
  rm_rf(dir);
}

static GPid
spawn_zdsim(const char *bin, const char *dir, const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new();
  g_ptr_array_add(argv, (gpointer) bin);
  for (const char *const *a = args; *a != NULL; a++)
    g_ptr_array_add(argv, (gpointer) *a);
  g_ptr_array_add(argv, NULL);
  GPid pid = 0;
  g_autoptr(GError) error = NULL;
  g_spawn_async(dir, (char **) argv->pdata, NULL,
                G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                    G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &pid, &error);
  g_assert_no_error(error);
  return pid;
}

static int
wait_for(GPid pid)
{
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    g_assert_cmpint(errno, ==, EINTR);
  g_spawn_close_pid(pid);
  return exit_code(status);
}

/* A shard killed with SIGKILL in the middle of its run stores nothing (its share is written
 * in one transaction at the end), so its database is sound and holds no shard; the merge
 * names it missing and refuses, --status lists what is there, and --partial merges shards 1
 * and 3 and marks the sweep partial in list and show. The killed shard has 2,000
 * replication-years to run on one thread (3,000 replications of a year at two points, a
 * third of them): about 1 s of CPU at the model's 0.5 ms per replication-year (README,
 * Performance), so the kill at 0.3 s lands mid-run even on an idle machine; shards 1 and 3
 * run to the end. */
static void
test_killed_shard(void)
{
  g_autofree char *bin = zdsim_bin();
  if (bin == NULL)
    return;
  g_autofree char *dir = tmp_dir();
  write_file(dir, "long.ini", "[scenario]\nname = long\nreplications = 3000\n"
                              "[sweep]\napp.instances = 1,2\n");
  g_autofree char *path = g_build_filename(dir, "k2.db", NULL);
  const char *const killed[] = { "sweep", "long.ini", "--shard", "2/3", "--jobs", "1",
                                 "--db", "k2.db", NULL };
  GPid pid = spawn_zdsim(bin, dir, killed);
  /* The database is opened before the work starts: wait for it, then let the work begin. */
  for (int i = 0; i < 1000 && !g_file_test(path, G_FILE_TEST_EXISTS); i++)
    g_usleep(10000);
  g_usleep(300000);
  kill(pid, SIGKILL);
  g_assert_cmpint(wait_for(pid), ==, -SIGKILL);

  sqlite3 *db = NULL;
  g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
  sqlite3_stmt *st = NULL;
  g_assert_cmpint(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), ==,
                  SQLITE_OK);
  g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
  g_assert_cmpstr((const char *) sqlite3_column_text(st, 0), ==, "ok");
  sqlite3_finalize(st);
  g_assert_cmpint(sqlite3_prepare_v2(db,
                                     "SELECT (SELECT count(*) FROM shards) + "
                                     "(SELECT count(*) FROM shard_replications)",
                                     -1, &st, NULL),
                  ==, SQLITE_OK);
  g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
  g_assert_cmpint(sqlite3_column_int(st, 0), ==, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);

  zdsim_ok(bin, dir, "sweep long.ini --shard 1/3 --jobs 2 --db k1.db");
  zdsim_ok(bin, dir, "sweep long.ini --shard 3/3 --jobs 2 --db k3.db");
  g_auto(Spawned) merge = { 0 };
  run_zdsim(bin, dir, "merge --db out.db k1.db k2.db k3.db", &merge);
  g_test_message("%s", merge.err);
  g_assert_cmpint(merge.status, ==, 2);
  g_assert_nonnull(strstr(merge.err, "missing shards 2 of 3"));
  g_assert_nonnull(strstr(merge.err, "no shard stored in k2.db"));

  g_auto(Spawned) status = { 0 };
  run_zdsim(bin, dir, "merge --status k1.db k2.db k3.db", &status);
  g_assert_cmpint(status.status, ==, 0);
  g_assert_nonnull(strstr(status.out, "k1.db: shard 1 of 3, sweep long"));
  /* Items 0..5999; shard 1 holds i mod 3 = 0: 2000 of them. */
  g_assert_nonnull(strstr(status.out, "2000 of 6000 replications"));
  g_assert_nonnull(strstr(status.out, "k2.db: no shard stored"));
  g_assert_nonnull(strstr(status.out, "missing shards 2 of 3"));

  zdsim_ok(bin, dir, "merge --partial --db out.db k1.db k2.db k3.db");
  g_auto(Spawned) list = { 0 };
  run_zdsim(bin, dir, "list --db out.db", &list);
  g_assert_nonnull(strstr(list.out, "sweep (partial)"));
  g_auto(Spawned) show = { 0 };
  run_zdsim(bin, dir, "show --db out.db 1", &show);
  g_assert_true(g_str_has_prefix(show.out, "Partial: merged from shards 1, 3 of 3: 4000 of "
                                           "6000 replications\n"));
  rm_rf(dir);
}

/* ---- --shard ---- */

static const char *const shard_env[] = {
  "JOB_COMPLETION_INDEX", "ZDSIM_SHARDS", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN",
  "SLURM_ARRAY_TASK_COUNT",
};

/* --shard K/N, and env: a Kubernetes Indexed Job's pod with completion index i is shard
 * i + 1 (the index runs from 0, Kubernetes Job docs, "Completion mode"), of ZDSIM_SHARDS; a
 * Slurm array task is shard SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN + 1 of
 * SLURM_ARRAY_TASK_COUNT (sbatch docs, "OUTPUT ENVIRONMENT VARIABLES"). */
static void
test_shard_option(void)
{
  static const struct {
    const char *text;
    const char *env[G_N_ELEMENTS(shard_env)]; /* values, NULL: unset */
    guint k, n;                               /* 0: refused */
  } cases[] = {
    { "1/1", { NULL }, 1, 1 },
    { "3/8", { NULL }, 3, 8 },
    { "8/8", { NULL }, 8, 8 },
    { "0/8", { NULL }, 0, 0 },
    { "9/8", { NULL }, 0, 0 },
    { "3/0", { NULL }, 0, 0 },
    { "3", { NULL }, 0, 0 },
    { "a/b", { NULL }, 0, 0 },
    { "-1/3", { NULL }, 0, 0 },
    { "1/3x", { NULL }, 0, 0 },
    { "/3", { NULL }, 0, 0 },
    { "1/99999999", { NULL }, 0, 0 },
    { "env", { NULL }, 0, 0 },
    { "env", { "0", "8", NULL, NULL, NULL }, 1, 8 },
    { "env", { "7", "8", NULL, NULL, NULL }, 8, 8 },
    { "env", { "8", "8", NULL, NULL, NULL }, 0, 0 },
    { "env", { "0", NULL, NULL, NULL, NULL }, 0, 0 },
    { "env", { NULL, NULL, "3", "1", "8" }, 3, 8 },
    { "env", { NULL, NULL, "0", "0", "8" }, 1, 8 },
    { "env", { NULL, NULL, "3", NULL, "8" }, 3, 8 },
    { "env", { NULL, NULL, "9", "1", "8" }, 0, 0 },
    { "env", { NULL, NULL, "3", "1", NULL }, 0, 0 },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    for (guint e = 0; e < G_N_ELEMENTS(shard_env); e++) {
      if (cases[i].env[e] != NULL)
        g_setenv(shard_env[e], cases[i].env[e], TRUE);
      else
        g_unsetenv(shard_env[e]);
    }
    guint k = 0, n = 0;
    g_autoptr(GError) error = NULL;
    gboolean ok = cli_parse_shard(cases[i].text, &k, &n, &error);
    g_test_message("case %u: %s -> %s", i, cases[i].text, ok ? "ok" : error->message);
    g_assert_cmpint(ok, ==, cases[i].k > 0);
    if (ok) {
      g_assert_cmpuint(k, ==, cases[i].k);
      g_assert_cmpuint(n, ==, cases[i].n);
    } else {
      g_assert_nonnull(strstr(error->message, "--shard"));
    }
  }
  for (guint e = 0; e < G_N_ELEMENTS(shard_env); e++)
    g_unsetenv(shard_env[e]);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  /* First: it sets environment variables, which is safe only before any thread exists. */
  g_test_add_func("/zdsim/merge/shard-option", test_shard_option);
  g_test_add_func("/zdsim/merge/identical", test_identical);
  g_test_add_func("/zdsim/merge/refusals", test_refusals);
  g_test_add_func("/zdsim/merge/killed-shard", test_killed_shard);
  return g_test_run();
}
