/* foundation.c: Diego cells in availability zones, the slots other tenants' work takes on
 * them, and the auction that places an instance. Not for what happens to an instance once
 * placed (instance.c) or to a cell under an update (platform.c).
 *
 * Two indexes are kept up to date at every change of a cell, so that neither a placement nor
 * a tenant slot ever scans all cells:
 *   - per zone, the cells that take work and have a free slot, bucketed by how many of the
 *     app's containers they hold (the auction's first criterion after zone balance);
 *   - the cells that take work filed by used slots, each level a bitmap by cell number, so
 *     that the least used, lowest-numbered cell (where the next tenant slot goes) is found
 *     in a few word reads whatever the foundation's size.
 * Each auction bucket also counts its cells by tenant slots, so that an auction reads the
 * fewest and their number instead of scanning the bucket. */
#include <math.h>
#include <string.h>

#include "model-internal.h"

gboolean
foundation_takes_work(CellState state)
{
  /* Evacuating, recreating and vanished cells take no work (auction
   * auctionrunner/zone_builder.go skips cells whose state says Evacuating); a cell takes work
   * again during its watch time (README, The model in one page). */
  return state == CELL_UP || state == CELL_WATCHING;
}

guint
foundation_used(const Model *model, guint32 cell)
{
  const Cell *c = &model->cells[cell];
  return c->tenants + c->app_containers;
}

static gboolean
has_room(const Model *model, guint32 cell)
{
  return foundation_used(model, cell) < model->sc->cell_capacity;
}

/* ---- the auction's index: per zone, the cells with room bucketed by app count ---- */

/* A plain array per bucket rather than a GArray: a bucket changes at every change of a cell,
 * and the library calls were a twentieth of the run (make bench). */
static CellBucket *
bucket_of(Model *model, guint zone, guint count)
{
  ZoneIndex *z = &model->zones[zone];
  if (count >= z->n_buckets) {
    z->buckets = g_renew(CellBucket, z->buckets, count + 1);
    memset(z->buckets + z->n_buckets, 0, (count + 1 - z->n_buckets) * sizeof(CellBucket));
    z->n_buckets = count + 1;
  }
  return &z->buckets[count];
}

/* Counts a cell of @b with @tenants tenant slots in (@delta 1) or out (-1): the auction reads
 * the fewest tenant slots of a bucket, and how many cells hold them, from these counts
 * instead of a scan of the bucket (12,000 cells at 1,000 instances, make bench). */
static void
bucket_count(CellBucket *b, guint tenants, int delta)
{
  if (tenants >= b->n_by) {
    guint n = MAX(tenants + 1, 2 * b->n_by);
    b->by_tenants = g_renew(guint, b->by_tenants, n);
    memset(b->by_tenants + b->n_by, 0, (n - b->n_by) * sizeof(guint));
    b->n_by = n;
  }
  b->by_tenants[tenants] = (guint) ((int) b->by_tenants[tenants] + delta);
  if (delta > 0 && (b->len == 1 || tenants < b->least))
    b->least = tenants;  /* b->len counts the cell already */
}

/* The fewest tenant slots a cell of @b (not empty) holds. */
static guint
bucket_least(CellBucket *b)
{
  while (b->by_tenants[b->least] == 0)
    b->least++;
  return b->least;
}

static void
index_add(Model *model, guint32 cell)
{
  Cell *c = &model->cells[cell];
  CellBucket *b = bucket_of(model, c->zone, c->app_containers);
  if (b->len == b->cap) {
    b->cap = MAX(2 * b->cap, 8u);
    b->cells = g_renew(guint32, b->cells, b->cap);
  }
  c->bucket_pos = b->len;
  c->indexed = TRUE;
  b->cells[b->len++] = cell;
  bucket_count(b, c->tenants, 1);
}

static void
index_remove(Model *model, guint32 cell)
{
  Cell *c = &model->cells[cell];
  CellBucket *b = bucket_of(model, c->zone, c->app_containers);
  guint pos = c->bucket_pos;
  g_assert(pos < b->len && b->cells[pos] == cell);
  guint32 last = b->cells[--b->len];
  b->cells[pos] = last;
  model->cells[last].bucket_pos = pos;
  c->indexed = FALSE;
  bucket_count(b, c->tenants, -1);
}

/* ---- the tenant levels: cells that take work, least used first, then lowest number ---- */

/* A binary heap did this before: at 1,000 instances (12,000 cells) a drained cell's slots go
 * one per cell, each a sift through 14 levels, which was half the run (make bench). Filed
 * by used slots, a cell moves with two bit operations, and the order (used, cell number) is
 * the same, so every slot goes where it went before. */

static TenantLevel *
level_at(Model *model, guint u)
{
  if (u >= model->n_levels) {
    /* Whole words of levels, so that the occupied bits cover every level. */
    guint n = MAX(u + 1, 2 * model->n_levels);
    n = (n + 63) / 64 * 64;
    model->levels = g_renew(TenantLevel, model->levels, n);
    memset(model->levels + model->n_levels, 0, (n - model->n_levels) * sizeof(TenantLevel));
    model->occupied = g_renew(guint64, model->occupied, n / 64);
    memset(model->occupied + model->n_levels / 64, 0, (n - model->n_levels) / 64 * sizeof(guint64));
    model->n_levels = n;
  }
  TenantLevel *l = &model->levels[u];
  if (l->bits == NULL) {
    l->bits = g_new0(guint64, model->level_words);
    l->summary = g_new0(guint64, (model->level_words + 63) / 64);
  }
  return l;
}

static void
level_add(Model *model, guint32 cell)
{
  guint u = foundation_used(model, cell);
  TenantLevel *l = level_at(model, u);
  guint w = cell / 64;
  if (l->bits[w] == 0)
    l->summary[w / 64] |= G_GUINT64_CONSTANT(1) << (w % 64);
  l->bits[w] |= G_GUINT64_CONSTANT(1) << (cell % 64);
  if (l->count++ == 0)
    model->occupied[u / 64] |= G_GUINT64_CONSTANT(1) << (u % 64);
  model->cells[cell].level = u;
  model->n_filed++;
}

static void
level_remove(Model *model, guint32 cell)
{
  Cell *c = &model->cells[cell];
  TenantLevel *l = &model->levels[c->level];
  guint w = cell / 64;
  l->bits[w] &= ~(G_GUINT64_CONSTANT(1) << (cell % 64));
  if (l->bits[w] == 0)
    l->summary[w / 64] &= ~(G_GUINT64_CONSTANT(1) << (w % 64));
  if (--l->count == 0)
    model->occupied[c->level / 64] &= ~(G_GUINT64_CONSTANT(1) << (c->level % 64));
  c->level = MODEL_NONE;
  model->n_filed--;
}

/* The lowest level at or above @u with a cell, or MODEL_NONE. */
static guint
level_occupied_from(const Model *model, guint u)
{
  guint n_words = model->n_levels / 64;
  guint w = u / 64;
  if (w >= n_words)
    return MODEL_NONE;
  guint64 bits = model->occupied[w] & (G_MAXUINT64 << (u % 64));
  while (bits == 0) {
    if (++w >= n_words)
      return MODEL_NONE;
    bits = model->occupied[w];
  }
  return w * 64 + (guint) __builtin_ctzll(bits);
}

/* Files @cell again after its used slots changed. */
static void
level_move(Model *model, guint32 cell)
{
  if (model->cells[cell].level != foundation_used(model, cell)) {
    level_remove(model, cell);
    level_add(model, cell);
  }
}

/* The lowest-numbered cell of level @u at or after @from, or MODEL_NONE. */
static guint32
level_first(const Model *model, guint u, guint32 from)
{
  const TenantLevel *l = &model->levels[u];
  if (l->count == 0 || from >= model->n_cells)
    return MODEL_NONE;
  guint w = from / 64;
  guint64 bits = l->bits[w] & (G_MAXUINT64 << (from % 64));
  if (bits == 0) {
    /* The next word with a bit, from the summary. */
    guint n_summary = (model->level_words + 63) / 64;
    w++;
    guint s = w / 64;
    guint64 words = s < n_summary ? l->summary[s] & (G_MAXUINT64 << (w % 64)) : 0;
    while (words == 0) {
      if (++s >= n_summary)
        return MODEL_NONE;
      words = l->summary[s];
    }
    w = s * 64 + (guint) __builtin_ctzll(words);
    bits = l->bits[w];
  }
  return w * 64 + (guint32) __builtin_ctzll(bits);
}

/* The least used cell that takes work, lowest number first: FALSE when none does. */
static gboolean
level_least(const Model *model, guint *used, guint32 *cell)
{
  if (model->n_filed == 0)
    return FALSE;
  *used = level_occupied_from(model, 0);
  *cell = level_first(model, *used, 0);
  return TRUE;
}

/* The cell after @cell (at level @u) in the order (used, cell number): FALSE when none. */
static gboolean
level_next(const Model *model, guint u, guint32 cell, guint *next_used, guint32 *next)
{
  guint32 c = level_first(model, u, cell + 1);
  if (c == MODEL_NONE) {
    u = level_occupied_from(model, u + 1);
    if (u == MODEL_NONE)
      return FALSE;
    c = level_first(model, u, 0);
  }
  *next_used = u;
  *next = c;
  return TRUE;
}

/* Every change of a cell's state, app count or tenant slots is bracketed by cell_leave() and
 * cell_enter(), which take it out of the auction's bucket and put it back where it now
 * belongs, and file it under its used slots. */
static void
cell_leave(Model *model, guint32 cell)
{
  if (model->cells[cell].indexed)
    index_remove(model, cell);
}

static void
cell_enter(Model *model, guint32 cell)
{
  Cell *c = &model->cells[cell];
  gboolean working = foundation_takes_work(c->state);
  if (working && has_room(model, cell))
    index_add(model, cell);
  if (working && c->level == MODEL_NONE)
    level_add(model, cell);
  else if (!working && c->level != MODEL_NONE)
    level_remove(model, cell);
  else if (working)
    level_move(model, cell);
}

void
foundation_init(Model *model)
{
  const Scenario *sc = model->sc;
  model->zones = g_new0(ZoneIndex, sc->azs);
  model->zone_order = g_new0(guint32, sc->azs);
  model->level_words = MAX((model->n_cells + 63) / 64, 1u);
  model->batch = g_array_new(FALSE, FALSE, sizeof(guint32));
  model->batch_order = g_array_new(FALSE, FALSE, sizeof(guint32));
  /* Each cell starts with round(capacity x utilization) tenant slots, half away from zero
   * (C's round()) (README, The model in one page). */
  guint tenants = (guint) round((double) sc->cell_capacity * sc->cell_utilization);
  for (guint32 i = 0; i < model->n_cells; i++) {
    model->cells[i].tenants = tenants;
    model->cells[i].level = MODEL_NONE;
    cell_enter(model, i);
  }
}

void
foundation_clear(Model *model)
{
  if (model->zones == NULL)
    return;
  for (guint z = 0; z < model->sc->azs; z++) {
    for (guint b = 0; b < model->zones[z].n_buckets; b++) {
      g_free(model->zones[z].buckets[b].cells);
      g_free(model->zones[z].buckets[b].by_tenants);
    }
    g_free(model->zones[z].buckets);
  }
  g_free(model->zones);
  g_free(model->zone_order);
  for (guint u = 0; u < model->n_levels; u++) {
    g_free(model->levels[u].bits);
    g_free(model->levels[u].summary);
  }
  g_free(model->levels);
  g_free(model->occupied);
  g_array_unref(model->batch);
  g_array_unref(model->batch_order);
  model->zones = NULL;
}

void
foundation_set_cell_state(Model *model, guint32 cell, CellState state)
{
  Cell *c = &model->cells[cell];
  gboolean before = foundation_takes_work(c->state);
  gboolean after = foundation_takes_work(state);
  if (before == after) {
    /* The bucket and the level depend on whether it takes work, not on the state (a
     * watched cell turning UP, a draining one starting to recreate): nothing to move. */
    c->state = state;
    return;
  }
  /* Containers on cells that take no work do not count toward zone balance (README, The model in
   * one page). */
  if (before && !after)
    model->zone_load[c->zone] -= c->app_containers;
  else if (!before && after)
    model->zone_load[c->zone] += c->app_containers;
  cell_leave(model, cell);
  c->state = state;
  cell_enter(model, cell);
}

void
foundation_set_tenants(Model *model, guint32 cell, guint tenants)
{
  /* The bucket depends on the app count only, so a tenant change at most moves the cell in
   * or out of it (room) and to another level: the cheap path, since tenant slots move by the
   * thousand on large foundations. */
  Cell *c = &model->cells[cell];
  gboolean belongs = foundation_takes_work(c->state) &&
                     tenants + c->app_containers < model->sc->cell_capacity;
  if (c->indexed && !belongs) {
    index_remove(model, cell);  /* counted out with the tenant slots it had */
  } else if (c->indexed) {
    CellBucket *b = bucket_of(model, c->zone, c->app_containers);
    bucket_count(b, c->tenants, -1);
    bucket_count(b, tenants, 1);
  }
  c->tenants = tenants;
  if (!c->indexed && belongs)
    index_add(model, cell);
  if (c->level != MODEL_NONE)
    level_move(model, cell);
}

void
foundation_attach(Model *model, guint32 container, guint32 cell)
{
  Container *k = &model->containers[container];
  Cell *c = &model->cells[cell];
  k->cell = cell;
  k->prev = MODEL_NONE;
  k->next = c->head;
  if (c->head != MODEL_NONE)
    model->containers[c->head].prev = container;
  c->head = container;
  cell_leave(model, cell);
  c->app_containers++;
  cell_enter(model, cell);
  if (foundation_takes_work(c->state))
    model->zone_load[c->zone]++;
}

void
foundation_detach(Model *model, guint32 container)
{
  Container *k = &model->containers[container];
  guint32 cell = k->cell;
  Cell *c = &model->cells[cell];
  if (k->prev != MODEL_NONE)
    model->containers[k->prev].next = k->next;
  else
    c->head = k->next;
  if (k->next != MODEL_NONE)
    model->containers[k->next].prev = k->prev;
  g_assert(c->app_containers > 0);
  cell_leave(model, cell);
  c->app_containers--;
  cell_enter(model, cell);
  if (foundation_takes_work(c->state))
    model->zone_load[c->zone]--;
}

/* Zones by load, ascending (insertion sort: there are a handful). */
static void
sort_zones(Model *model)
{
  guint azs = model->sc->azs;
  guint32 *order = model->zone_order;
  for (guint i = 0; i < azs; i++) {
    guint32 z = i;
    guint j = i;
    while (j > 0 && model->zone_load[order[j - 1]] > model->zone_load[z]) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = z;
  }
}

/* Diego's auction with the used slots of other tenants (README, The model in one page; auction
 * auctionrunner/scheduler.go, zone_sorter.go, cell.go): zones with the fewest of this app's
 * instances first, all tied zones scored together; within them the cell with the lowest score
 *   1000 * (this app's instances on the cell) + (used slots + 1) / capacity,
 * used slots = tenant slots + this app's containers (STOPPING ones included), among the cells
 * with a free slot. The second term stays below 1000, so the score orders cells by app count
 * first and used slots second. The buckets hold only cells with room, so a level's best cells
 * lie in its lowest non-empty bucket of each tied zone; among them the fewest tenant slots
 * win (app count being equal), and equal scores are broken uniformly at random with the
 * replication's generator. Work: the cells of those buckets. */
guint32
foundation_place(Model *model, guint32 index)
{
  guint azs = model->sc->azs;
  (void) index;

  sort_zones(model);
  for (guint first = 0; first < azs;) {
    guint load = model->zone_load[model->zone_order[first]];
    guint last = first;
    while (last + 1 < azs && model->zone_load[model->zone_order[last + 1]] == load)
      last++;
    /* The lowest app count any tied zone offers. */
    guint best = G_MAXUINT;
    for (guint i = first; i <= last; i++) {
      const ZoneIndex *z = &model->zones[model->zone_order[i]];
      guint limit = MIN(z->n_buckets, best);
      for (guint n = 0; n < limit; n++)
        if (z->buckets[n].len > 0) {
          best = n;
          break;
        }
    }
    if (best != G_MAXUINT) {
      /* The fewest tenant slots in those buckets, and how many cells have them. */
      guint fewest = G_MAXUINT, ties = 0;
      for (guint i = first; i <= last; i++) {
        ZoneIndex *z = &model->zones[model->zone_order[i]];
        if (best >= z->n_buckets || z->buckets[best].len == 0)
          continue;
        CellBucket *b = &z->buckets[best];
        guint t = bucket_least(b);
        if (t < fewest) {
          fewest = t;
          ties = 0;
        }
        if (t == fewest)
          ties += b->by_tenants[t];
      }
      /* The pick-th of them, zone by zone in the bucket's order. */
      guint64 pick = dist_rng_below(&model->rng, ties);
      for (guint i = first; i <= last; i++) {
        const ZoneIndex *z = &model->zones[model->zone_order[i]];
        if (best >= z->n_buckets)
          continue;
        const CellBucket *b = &z->buckets[best];
        guint here = fewest < b->n_by ? b->by_tenants[fewest] : 0;
        if (pick >= here) {
          pick -= here;
          continue;
        }
        for (guint j = 0; j < b->len; j++) {
          guint32 cell = b->cells[j];
          if (model->cells[cell].tenants == fewest && pick-- == 0)
            return cell;
        }
      }
      g_assert_not_reached();
    }
    first = last + 1;
  }
  return MODEL_NONE;
}

/* ---- other tenants' work: batches and waiting slots (README, The model in one page) ---- */

/* @delta slots start (> 0) or stop (< 0) waiting now. Slot waiting counts only inside
 * [warmup, horizon), so a slot that starts waiting is booked up to the horizon at once and
 * the part after the instant it stops is taken back: the figure is right at the horizon
 * without a closing step, and no event or per-slot record is needed. */
static void
tenants_wait(Model *model, gint64 delta)
{
  const Scenario *sc = model->sc;
  gint64 from = MAX(model_now(model), sc->warmup);
  gint64 rest = MAX(sc->horizon - from, 0);
  model->result.tenant_slot_wait += delta * rest;
  model->tenants_waiting = (guint) ((gint64) model->tenants_waiting + delta);
}

/* Places @count tenant slots one after another, each to the working cell with the fewest
 * used slots (lowest number on ties). The least cell keeps taking slots for as long as it
 * stays the least, i.e. until it passes the next in that order, so a run costs one move per
 * cell it fills rather than one per slot. Returns: how many found no room. */
static guint
place_tenants(Model *model, guint count)
{
  guint cap = model->sc->cell_capacity;
  guint used;
  guint32 top;
  while (count > 0 && level_least(model, &used, &top)) {
    if (used >= cap)
      break;  /* the least used cell is full, so every cell is */
    guint at_level = model->levels[used].count;
    if (at_level > 1) {
      /* Each cell of the level but its last has another of the level after it, so it takes
       * one slot and is then above them all: the lowest-numbered take one each, in order,
       * without looking for the least again (at 10 instances and more a drained batch's
       * slots go so, one per cell). */
      guint k = MIN(count, at_level - 1);
      for (guint32 cell = top, i = 0; i < k; i++) {
        foundation_set_tenants(model, cell, model->cells[cell].tenants + 1);
        if (i + 1 < k)
          cell = level_first(model, used, cell + 1);
      }
      count -= k;
      continue;
    }
    guint take = MIN(count, cap - used);
    guint next_used;
    guint32 next;
    if (level_next(model, used, top, &next_used, &next)) {
      /* (used', top) < (used of next, next) holds for used' up to that used, and one more
       * when top has the lower number. */
      guint until = next_used - used + (top < next ? 1 : 0);
      take = MIN(take, until);
    }
    foundation_set_tenants(model, top, model->cells[top].tenants + take);
    count -= take;
  }
  return count;
}

void
foundation_batch_open(Model *model)
{
  g_assert(!model->batch_open);
  g_array_set_size(model->batch, 0);
  model->batch_open = TRUE;
}

gboolean
foundation_batch_collect(Model *model, guint32 index, gint64 at)
{
  if (!model->batch_open || at != model_now(model))
    return FALSE;
  g_array_append_val(model->batch, index);
  return TRUE;
}

void
foundation_move_work(Model *model, guint32 cell)
{
  Cell *c = &model->cells[cell];
  g_assert(!foundation_takes_work(c->state));
  guint k = c->tenants;
  guint n = model->batch_open ? model->batch->len : 0;
  model->batch_open = FALSE;
  foundation_set_tenants(model, cell, 0);
  /* Diego auctions a drained cell's work together; the order inside a batch is not
   * documented, so it is uniformly random: index j (in the order the policy auctioned them)
   * takes a uniformly random place among the n + k - j still free, the tenant slots the rest.
   * No draw when the batch has no index. The places taken are kept sorted, with their
   * indexes: (place, index) pairs in batch_order. */
  GArray *taken = model->batch_order;
  g_array_set_size(taken, 0);
  for (guint j = 0; j < n; j++) {
    guint32 place = (guint32) dist_rng_below(&model->rng_batch, (guint64) n + k - j);
    guint at = 0;
    /* The place-th free place: step over the places taken before it. */
    while (at < taken->len && g_array_index(taken, guint32, at) <= place) {
      place++;
      at += 2;
    }
    guint32 pair[2] = { place, g_array_index(model->batch, guint32, j) };
    g_array_insert_vals(taken, at, pair, 2);
  }
  /* Walk the places: the slots before each index's place, the index, and so on. */
  guint waiting = 0, done = 0;
  for (guint at = 0; at < taken->len; at += 2) {
    guint slots_before = g_array_index(taken, guint32, at) - at / 2;
    waiting += place_tenants(model, slots_before - done);
    done = slots_before;
    instance_auction(model, g_array_index(taken, guint32, at + 1));
  }
  waiting += place_tenants(model, k - done);
  if (waiting > 0)
    tenants_wait(model, waiting);  /* fits nowhere: waits for the next cell that comes back */
}

void
foundation_take_waiting(Model *model, guint32 cell)
{
  Cell *c = &model->cells[cell];
  /* A recreated cell comes back empty apart from the waiting slots, as many as fit; waiting
   * slots go to no other cell, wherever room frees (README, The model in one page). */
  g_assert(c->app_containers == 0 && c->tenants == 0);
  guint take = MIN(model->tenants_waiting, model->sc->cell_capacity);
  if (take == 0)
    return;
  foundation_set_tenants(model, cell, take);
  tenants_wait(model, -(gint64) take);
}
