/* merge.c: the shards of a run or sweep read back, checked against each other and rebuilt as
 * whole runs. Not for running shards (run.c, sweep.c), the store's tables (store.c) or the
 * command line (cli_merge.c). */
#include "zdsim/merge.h"

#include <string.h>

G_DEFINE_QUARK(zdsim-merge-error-quark, merge_error)

/* One shard and the file it came from. */
typedef struct {
  Store *store;              /* (transfer none): one of MergeSet.stores */
  const char *file;          /* (transfer none): the path as given */
  StoreShardInfo *info;
} Shard;

struct MergeSet {
  GPtrArray *stores;         /* Store*, one per file */
  GPtrArray *files;          /* char*, the files without any shard */
  GPtrArray *shards;         /* Shard*, in file order then id order */
};

static void
shard_free(Shard *s)
{
  store_shard_info_free(s->info);
  g_free(s);
}

void
merge_set_free(MergeSet *set)
{
  if (set == NULL)
    return;
  /* Shards point at their stores: free them first. */
  g_ptr_array_unref(set->shards);
  g_ptr_array_unref(set->files);
  g_ptr_array_unref(set->stores);
  g_free(set);
}

MergeSet *
merge_load(const char *const *paths, GError **error)
{
  g_return_val_if_fail(paths != NULL && paths[0] != NULL, NULL);
  g_autoptr(MergeSet) set = g_new0(MergeSet, 1);
  set->stores = g_ptr_array_new_with_free_func((GDestroyNotify) store_close);
  set->files = g_ptr_array_new_with_free_func(g_free);
  set->shards = g_ptr_array_new_with_free_func((GDestroyNotify) shard_free);
  for (const char *const *p = paths; *p != NULL; p++) {
    Store *store = store_open(*p, STORE_OPEN_READ_ONLY, error);
    if (store == NULL)
      return NULL;
    g_ptr_array_add(set->stores, store);
    g_autoptr(GPtrArray) infos = store_list_shards(store, error);
    if (infos == NULL)
      return NULL;
    if (infos->len == 0)
      g_ptr_array_add(set->files, g_strdup(*p));
    while (infos->len > 0) {
      Shard *s = g_new0(Shard, 1);
      s->store = store;
      s->file = store_get_path(store);
      s->info = g_ptr_array_steal_index(infos, 0);
      g_ptr_array_add(set->shards, s);
    }
  }
  if (set->shards->len == 0) {
    g_autofree char *names = g_strjoinv(", ", (char **) paths);
    g_set_error(error, MERGE_ERROR, MERGE_ERROR_NO_SHARD,
                "%s: no shard stored (a `zdsim sweep --shard K/N --db FILE` stores one there "
                "when it finishes; one killed before that stores nothing)",
                names);
    return NULL;
  }
  return g_steal_pointer(&set);
}

/* "K/N (FILE)" of a shard, for messages. Returns: (transfer full). */
static char *
shard_name(const Shard *s)
{
  return g_strdup_printf("shard %u/%u (%s)", s->info->k, s->info->n, s->file);
}

static char *
strv_text(char **v)
{
  if (v == NULL || v[0] == NULL)
    return g_strdup("none");
  return g_strjoinv(" ", v);
}

static gboolean
strv_equal(char **a, char **b)
{
  guint na = a != NULL ? g_strv_length(a) : 0, nb = b != NULL ? g_strv_length(b) : 0;
  if (na != nb)
    return FALSE;
  for (guint i = 0; i < na; i++)
    if (!g_str_equal(a[i], b[i]))
      return FALSE;
  return TRUE;
}

/* Names the first difference between shard @a and @b that keeps them from being shares of
 * one piece of work, or returns TRUE. */
static gboolean
same_work(const Shard *a, const Shard *b, GError **error)
{
  const StoreShardInfo *x = a->info, *y = b->info;
  g_autofree char *na = shard_name(a);
  g_autofree char *nb = shard_name(b);
  if (!g_str_equal(x->kind, y->kind)) {
    g_set_error(error, MERGE_ERROR, MERGE_ERROR_DIFFERENT,
                "%s is a %s, %s a %s: not shares of one piece of work", na, x->kind, nb,
                y->kind);
    return FALSE;
  }
  if (!g_str_equal(x->scenario_text, y->scenario_text)) {
    g_set_error(error, MERGE_ERROR, MERGE_ERROR_DIFFERENT,
                "different scenario text: %s ran %s (%s, sha256 %.12s), %s ran %s (%s, sha256 "
                "%.12s)",
                na, x->scenario, x->path, x->scenario_sha256, nb, y->scenario, y->path,
                y->scenario_sha256);
    return FALSE;
  }
  if (x->seed != y->seed) {
    g_set_error(error, MERGE_ERROR, MERGE_ERROR_DIFFERENT,
                "different seed: %s ran seed %" G_GUINT64_FORMAT ", %s seed %" G_GUINT64_FORMAT,
                na, x->seed, nb, y->seed);
    return FALSE;
  }
  if (!g_str_equal(x->version, y->version)) {
    g_set_error(error, MERGE_ERROR, MERGE_ERROR_DIFFERENT,
                "different program version: %s ran zdsim %s, %s zdsim %s (run every shard with "
                "one build)",
                na, x->version, nb, y->version);
    return FALSE;
  }
  if (x->n != y->n) {
    g_set_error(error, MERGE_ERROR, MERGE_ERROR_DIFFERENT,
                "different shard counts: %s is one of %u, %s one of %u", na, x->n, nb, y->n);
    return FALSE;
  }
  if (!strv_equal(x->overrides, y->overrides)) {
    g_autofree char *ox = strv_text(x->overrides);
    g_autofree char *oy = strv_text(y->overrides);
    g_set_error(error, MERGE_ERROR, MERGE_ERROR_DIFFERENT,
                "different overrides: %s has %s, %s has %s", na, ox, nb, oy);
    return FALSE;
  }
  if (x->points->len != y->points->len) {
    g_set_error(error, MERGE_ERROR, MERGE_ERROR_DIFFERENT,
                "different points: %s has %u, %s has %u", na, x->points->len, nb,
                y->points->len);
    return FALSE;
  }
  for (guint i = 0; i < x->points->len; i++) {
    const StoreShardPoint *p = g_ptr_array_index(x->points, i);
    const StoreShardPoint *q = g_ptr_array_index(y->points, i);
    if (!strv_equal(p->point, q->point) || p->replications != q->replications ||
        p->first_item != q->first_item) {
      g_autofree char *lp = sweep_point_label((const char *const *) p->point);
      g_autofree char *lq = sweep_point_label((const char *const *) q->point);
      g_set_error(error, MERGE_ERROR, MERGE_ERROR_DIFFERENT,
                  "different point %u: %s has %s with %u replications, %s has %s with %u", i + 1,
                  na, lp, p->replications, nb, lq, q->replications);
      return FALSE;
    }
  }
  return TRUE;
}

/* Whether shard @s holds exactly the work items its K names, point by point. */
static gboolean
holds_its_share(const Shard *s, GError **error)
{
  for (guint i = 0; i < s->info->points->len; i++) {
    const StoreShardPoint *p = g_ptr_array_index(s->info->points, i);
    guint expected = run_shard_count(s->info->k, s->info->n, p->first_item, p->replications);
    if (p->index != i || p->held != expected) {
      g_autofree char *name = shard_name(s);
      g_autofree char *label = sweep_point_label((const char *const *) p->point);
      g_set_error(error, MERGE_ERROR, MERGE_ERROR_FAILED,
                  "%s holds %u replications of point %s where its share is %u", name, p->held,
                  label, expected);
      return FALSE;
    }
  }
  return TRUE;
}

/* The shard of each K (NULL where absent), 1-based: [0] is unused. */
static const Shard **
shards_by_k(const MergeSet *set, guint n)
{
  const Shard **by_k = g_new0(const Shard *, n + 1);
  for (guint i = 0; i < set->shards->len; i++) {
    const Shard *s = g_ptr_array_index(set->shards, i);
    by_k[s->info->k] = s;
  }
  return by_k;
}

/* What is missing for people, or NULL when nothing is: the absent shards and, point by point,
 * the replications they hold. */
static char *
missing_text(const MergeSet *set)
{
  const Shard *first = g_ptr_array_index(set->shards, 0);
  guint n = first->info->n;
  g_autofree const Shard **by_k = shards_by_k(set, n);
  GString *out = g_string_new(NULL);
  guint absent = 0;
  for (guint k = 1; k <= n; k++) {
    if (by_k[k] != NULL)
      continue;
    g_string_append_printf(out, "%s%u", absent == 0 ? "missing shards " : ", ", k);
    absent++;
  }
  if (absent == 0)
    return g_string_free(out, TRUE);
  g_string_append_printf(out, " of %u", n);
  if (set->files->len > 0) {
    /* set->files is no NULL-terminated vector: joined by hand. */
    g_string_append(out, " (no shard stored in ");
    for (guint i = 0; i < set->files->len; i++)
      g_string_append_printf(out, "%s%s", i > 0 ? ", " : "",
                             (const char *) g_ptr_array_index(set->files, i));
    g_string_append(out, ": killed or failed before it finished?)");
  }
  g_string_append(out, "; their replications:");
  for (guint i = 0; i < first->info->points->len; i++) {
    const StoreShardPoint *p = g_ptr_array_index(first->info->points, i);
    g_autoptr(GString) reps = g_string_new(NULL);
    guint count = 0;
    for (guint r = 0; r < p->replications; r++) {
      guint64 item = p->first_item + r;
      if (by_k[item % n + 1] != NULL)
        continue;
      /* The first ten by number; the count says how many in all. */
      if (count < 10)
        g_string_append_printf(reps, "%s%u", count == 0 ? "" : ", ", r);
      count++;
    }
    if (count == 0)
      continue;
    g_autofree char *label = p->point != NULL
                                 ? sweep_point_label((const char *const *) p->point)
                                 : g_strdup("the run");
    g_string_append_printf(out, "\n  %s: %u of %u (%s%s)", label, count, p->replications,
                           reps->str, count > 10 ? ", ..." : "");
  }
  return g_string_free(out, FALSE);
}

gboolean
merge_check(const MergeSet *set, gboolean partial, GError **error)
{
  const Shard *first = g_ptr_array_index(set->shards, 0);
  guint n = first->info->n;
  g_autofree const Shard **by_k = g_new0(const Shard *, n + 1);
  for (guint i = 0; i < set->shards->len; i++) {
    const Shard *s = g_ptr_array_index(set->shards, i);
    if (i > 0 && !same_work(first, s, error))
      return FALSE;
    if (by_k[s->info->k] != NULL) {
      g_set_error(error, MERGE_ERROR, MERGE_ERROR_DUPLICATE,
                  "shard %u/%u twice: in %s and in %s (give each shard once)", s->info->k, n,
                  by_k[s->info->k]->file, s->file);
      return FALSE;
    }
    by_k[s->info->k] = s;
    if (!holds_its_share(s, error))
      return FALSE;
  }
  if (partial)
    return TRUE;
  g_autofree char *missing = missing_text(set);
  if (missing != NULL) {
    g_set_error(error, MERGE_ERROR, MERGE_ERROR_MISSING,
                "%s\n(run them, or merge what is there with --partial)", missing);
    return FALSE;
  }
  return TRUE;
}

char *
merge_status(const MergeSet *set)
{
  GString *out = g_string_new(NULL);
  for (guint i = 0; i < set->shards->len; i++) {
    const Shard *s = g_ptr_array_index(set->shards, i);
    guint held = 0, all = 0;
    for (guint p = 0; p < s->info->points->len; p++) {
      const StoreShardPoint *pt = g_ptr_array_index(s->info->points, p);
      held += pt->held;
      all += pt->replications;
    }
    g_string_append_printf(out,
                           "%s: shard %u of %u, %s %s (seed %" G_GUINT64_FORMAT
                           ", zdsim %s), %u point%s, %u of %u replications\n",
                           s->file, s->info->k, s->info->n, s->info->kind, s->info->scenario,
                           s->info->seed, s->info->version, s->info->points->len,
                           s->info->points->len == 1 ? "" : "s", held, all);
    for (guint p = 0; p < s->info->points->len; p++) {
      const StoreShardPoint *pt = g_ptr_array_index(s->info->points, p);
      if (pt->point == NULL)
        continue;
      g_autofree char *label = sweep_point_label((const char *const *) pt->point);
      g_string_append_printf(out, "  %s: %u of %u\n", label, pt->held, pt->replications);
    }
  }
  for (guint i = 0; i < set->files->len; i++)
    g_string_append_printf(out, "%s: no shard stored\n",
                           (const char *) g_ptr_array_index(set->files, i));
  g_autoptr(GError) error = NULL;
  if (!merge_check(set, TRUE, &error)) {
    g_string_append_printf(out, "cannot merge: %s\n", error->message);
    return g_string_free(out, FALSE);
  }
  g_autofree char *missing = missing_text(set);
  if (missing != NULL)
    g_string_append_printf(out, "%s\n(zdsim merge --partial merges what is there)\n", missing);
  else
    g_string_append(out, "complete: every shard is there once (zdsim merge --db OUT ... "
                         "stores it)\n");
  return g_string_free(out, FALSE);
}

void
merge_result_free(MergeResult *result)
{
  if (result == NULL)
    return;
  /* The sweep's results and scenarios do not point at the base. */
  sweep_result_free(result->sweep);
  scenario_free(result->base);
  g_free(result->partial);
  g_free(result);
}

/* @r with only the replications @filled marks, in order. Returns: (transfer full). */
static RunResult *
compact(const RunResult *r, const guint8 *filled, guint held)
{
  RunResult *out = run_result_new(r->scenario, held);
  guint to = 0;
  for (guint rep = 0; rep < r->replications; rep++) {
    if (!filled[rep])
      continue;
    memcpy(&out->values[(gsize) to * RUN_METRIC_COUNT],
           &r->values[(gsize) rep * RUN_METRIC_COUNT], RUN_METRIC_COUNT * sizeof(double));
    memcpy(&out->by_cause[(gsize) to * CAUSE_COUNT], &r->by_cause[(gsize) rep * CAUSE_COUNT],
           CAUSE_COUNT * sizeof(double));
    const GArray *from = g_ptr_array_index(r->outages, rep);
    g_array_append_vals(g_ptr_array_index(out->outages, to), from->data, from->len);
    to++;
  }
  /* The timeline is replication 0's: kept only when replication 0 is. */
  if (filled[0] && r->timeline != NULL) {
    out->timeline = g_array_ref(r->timeline);
    out->updates_spans = r->updates_spans != NULL ? g_array_ref(r->updates_spans) : NULL;
  }
  out->events = r->events;
  out->updates = r->updates;
  out->wall_s = r->wall_s;
  return out;
}

MergeResult *
merge_build(const MergeSet *set, gboolean partial, GError **error)
{
  const Shard *first = g_ptr_array_index(set->shards, 0);
  const StoreShardInfo *info = first->info;
  g_autoptr(MergeResult) m = g_new0(MergeResult, 1);
  g_autoptr(GError) why = NULL;
  m->base = scenario_load_data(info->scenario_text, strlen(info->scenario_text), info->path,
                               (const char *const *) info->overrides, &why);
  if (m->base == NULL) {
    g_set_error(error, MERGE_ERROR, MERGE_ERROR_FAILED,
                "%s: the stored scenario no longer loads: %s", first->file, why->message);
    return NULL;
  }
  m->is_sweep = g_str_equal(info->kind, "sweep");
  m->sweep = sweep_result_new(g_ptr_array_ref(m->base->sweep));
  g_autoptr(GPtrArray) points = NULL;
  if (m->is_sweep)
    points = scenario_sweep_points(m->base);
  guint n_points = m->is_sweep ? points->len : 1;
  if (n_points != info->points->len) {
    g_set_error(error, MERGE_ERROR, MERGE_ERROR_FAILED,
                "%s: the scenario has %u points, the shard %u", first->file, n_points,
                info->points->len);
    return NULL;
  }

  guint all = 0, held_all = 0;
  for (guint p = 0; p < n_points; p++) {
    const char *const *point = m->is_sweep ? g_ptr_array_index(points, p) : NULL;
    g_autoptr(Scenario) sc = sweep_point_scenario(m->base, point, error);
    if (sc == NULL)
      return NULL;
    const StoreShardPoint *sp = g_ptr_array_index(info->points, p);
    if (sc->replications != sp->replications) {
      g_set_error(error, MERGE_ERROR, MERGE_ERROR_FAILED,
                  "%s: point %u has %u replications, the shard says %u", first->file, p + 1,
                  sc->replications, sp->replications);
      return NULL;
    }
    g_autoptr(RunResult) r = run_result_new(sc, sc->replications);
    g_autofree guint8 *filled = g_new0(guint8, sc->replications);
    for (guint i = 0; i < set->shards->len; i++) {
      const Shard *s = g_ptr_array_index(set->shards, i);
      const StoreShardPoint *own = g_ptr_array_index(s->info->points, p);
      if (!store_load_shard_point(s->store, s->info->id, p, r, filled, error))
        return NULL;
      r->events += own->events;
      r->updates += own->updates;
      r->wall_s += own->wall_s;
    }
    guint held = 0;
    for (guint rep = 0; rep < sc->replications; rep++)
      held += filled[rep];
    all += sc->replications;
    held_all += held;
    if (held == 0)
      continue; /* only with partial: merge_check() refused it otherwise */
    g_assert(partial || held == sc->replications);
    if (held < sc->replications) {
      RunResult *c = compact(r, filled, held);
      run_result_free(g_steal_pointer(&r));
      r = c;
    }
    /* The same summaries as run_execute() computes: from the per-replication values. */
    run_result_summarize(r);
    g_ptr_array_add(m->sweep->points, g_strdupv((char **) point));
    g_ptr_array_add(m->sweep->scenarios, g_steal_pointer(&sc));
    g_ptr_array_add(m->sweep->results, g_steal_pointer(&r));
  }
  if (m->sweep->results->len == 0) {
    g_set_error(error, MERGE_ERROR, MERGE_ERROR_MISSING,
                "the shards hold no replication to merge");
    return NULL;
  }
  if (held_all < all) {
    g_autoptr(GString) ks = g_string_new(NULL);
    g_autofree const Shard **by_k = shards_by_k(set, info->n);
    for (guint k = 1; k <= info->n; k++)
      if (by_k[k] != NULL)
        g_string_append_printf(ks, "%s%u", ks->len > 0 ? ", " : "", k);
    m->partial = g_strdup_printf("merged from shards %s of %u: %u of %u replications", ks->str,
                                 info->n, held_all, all);
  }
  return g_steal_pointer(&m);
}

gint64
merge_save(Store *out, const MergeResult *m, GError **error)
{
  if (!m->is_sweep) {
    const RunResult *r = g_ptr_array_index(m->sweep->results, 0);
    return m->partial != NULL ? store_save_run_partial(out, r, m->partial, error)
                              : store_save_run(out, r, error);
  }
  if (m->partial != NULL)
    return store_save_sweep_partial(out, "sweep", m->base, m->sweep->axes, m->sweep->results,
                                    m->sweep->points, m->partial, error);
  return store_save_sweep(out, "sweep", m->base, m->sweep->axes, m->sweep->results,
                          m->sweep->points, error);
}
