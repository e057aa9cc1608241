/* foundation.c: Diego cells in availability zones, the slots other tenants' work takes on
 * them, and the auction that places an instance. Not for what happens to an instance once
 * placed (instance.c) or to a cell under an update (platform.c).
 *
 * Two indexes are kept up to date at every change of a cell, so that neither a placement nor
 * a tenant slot ever scans all cells:
 *   - per zone, the cells that take work and have a free slot, bucketed by how many of the
 *     app's containers they hold (the auction's first criterion after zone balance);
 *   - a binary min-heap of the cells that take work on (used slots, cell number), whose top
 *     is where the next tenant slot goes. */
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
}

/* ---- the tenant heap: cells that take work, least used first, then lowest number ---- */

/* A cell's place in the heap as one integer, (used slots, cell number) in that order: a
 * comparison is one instruction and reads no cell (make bench: the heap was a tenth of the
 * run while each comparison looked both cells up). Every change of a cell's used slots sifts
 * it at once, so the keys in the heap are always current. */
static inline guint64
heap_key(const Model *model, guint32 cell)
{
  return (guint64) foundation_used(model, cell) << 32 | cell;
}

static inline guint32
key_cell(guint64 key)
{
  return (guint32) key;
}

static inline guint
key_used(guint64 key)
{
  return (guint) (key >> 32);
}

static inline void
heap_put(Model *model, guint pos, guint64 key)
{
  model->tenant_heap[pos] = key;
  model->cells[key_cell(key)].heap_pos = pos;
}

/* Moves the cell at @pos to its place after its used slots changed. */
static void
heap_sift(Model *model, guint pos)
{
  guint64 *h = model->tenant_heap;
  guint64 key = heap_key(model, key_cell(h[pos]));
  while (pos > 0 && key < h[(pos - 1) / 2]) {
    heap_put(model, pos, h[(pos - 1) / 2]);
    pos = (pos - 1) / 2;
  }
  for (;;) {
    guint l = 2 * pos + 1, best = pos;
    guint64 best_key = key;
    if (l < model->tenant_heap_len && h[l] < best_key) {
      best = l;
      best_key = h[l];
    }
    if (l + 1 < model->tenant_heap_len && h[l + 1] < best_key) {
      best = l + 1;
      best_key = h[l + 1];
    }
    if (best == pos)
      break;
    heap_put(model, pos, best_key);
    pos = best;
  }
  heap_put(model, pos, key);
}

static void
heap_insert(Model *model, guint32 cell)
{
  guint pos = model->tenant_heap_len++;
  heap_put(model, pos, heap_key(model, cell));
  heap_sift(model, pos);
}

static void
heap_remove(Model *model, guint32 cell)
{
  guint pos = model->cells[cell].heap_pos;
  guint64 last = model->tenant_heap[--model->tenant_heap_len];
  model->cells[cell].heap_pos = MODEL_NONE;
  if (key_cell(last) != cell) {
    heap_put(model, pos, last);
    heap_sift(model, pos);
  }
}

/* Every change of a cell's state, app count or tenant slots is bracketed by cell_leave() and
 * cell_enter(), which take it out of the auction's bucket and put it back where it now
 * belongs, and move it in the tenant heap. */
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
  if (working && c->heap_pos == MODEL_NONE)
    heap_insert(model, cell);
  else if (!working && c->heap_pos != MODEL_NONE)
    heap_remove(model, cell);
  else if (working)
    heap_sift(model, c->heap_pos);
}

void
foundation_init(Model *model)
{
  const Scenario *sc = model->sc;
  model->zones = g_new0(ZoneIndex, sc->azs);
  model->zone_order = g_new0(guint32, sc->azs);
  model->tenant_heap = g_new0(guint64, MAX(model->n_cells, 1u));
  model->batch = g_array_new(FALSE, FALSE, sizeof(guint32));
  model->batch_order = g_array_new(FALSE, FALSE, sizeof(guint32));
  /* Each cell starts with round(capacity x utilization) tenant slots, half away from zero
   * (C's round()) (README, The model in one page). */
  guint tenants = (guint) round((double) sc->cell_capacity * sc->cell_utilization);
  for (guint32 i = 0; i < model->n_cells; i++) {
    model->cells[i].tenants = tenants;
    model->cells[i].heap_pos = MODEL_NONE;
    cell_enter(model, i);
  }
}

void
foundation_clear(Model *model)
{
  if (model->zones == NULL)
    return;
  for (guint z = 0; z < model->sc->azs; z++) {
    for (guint b = 0; b < model->zones[z].n_buckets; b++)
      g_free(model->zones[z].buckets[b].cells);
    g_free(model->zones[z].buckets);
  }
  g_free(model->zones);
  g_free(model->zone_order);
  g_free(model->tenant_heap);
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
    /* The bucket and the heap place depend on whether it takes work, not on the state (a
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
   * or out of it (room) and along the heap: the cheap path, since tenant slots move by the
   * thousand on large foundations. */
  Cell *c = &model->cells[cell];
  c->tenants = tenants;
  gboolean belongs = foundation_takes_work(c->state) && has_room(model, cell);
  if (c->indexed && !belongs)
    index_remove(model, cell);
  else if (!c->indexed && belongs)
    index_add(model, cell);
  if (c->heap_pos != MODEL_NONE)
    heap_sift(model, c->heap_pos);
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
        const ZoneIndex *z = &model->zones[model->zone_order[i]];
        if (best >= z->n_buckets)
          continue;
        const CellBucket *b = &z->buckets[best];
        for (guint j = 0; j < b->len; j++) {
          guint t = model->cells[b->cells[j]].tenants;
          if (t < fewest) {
            fewest = t;
            ties = 0;
          }
          ties += t == fewest;
        }
      }
      guint64 pick = dist_rng_below(&model->rng, ties);
      for (guint i = first; i <= last; i++) {
        const ZoneIndex *z = &model->zones[model->zone_order[i]];
        if (best >= z->n_buckets)
          continue;
        const CellBucket *b = &z->buckets[best];
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
 * used slots (lowest number on ties). The top of the heap keeps taking slots for as long as
 * it stays the least cell, i.e. until it passes the smaller of its children, so a run costs
 * one heap update per cell it fills rather than one per slot. Returns: how many found no
 * room. */
static guint
place_tenants(Model *model, guint count)
{
  guint cap = model->sc->cell_capacity;
  const guint64 *h = model->tenant_heap;
  while (count > 0 && model->tenant_heap_len > 0) {
    guint32 top = key_cell(h[0]);
    guint used = key_used(h[0]);
    if (used >= cap)
      break;  /* the least used cell is full, so every cell is */
    guint take = MIN(count, cap - used);
    if (model->tenant_heap_len > 1) {
      guint64 next = h[1];
      if (model->tenant_heap_len > 2 && h[2] < next)
        next = h[2];
      /* (used', top) < (used of next, next) holds for used' up to that used, and one more
       * when top has the lower number. */
      guint until = key_used(next) - used + (top < key_cell(next) ? 1 : 0);
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
