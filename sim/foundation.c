/* foundation.c: Diego cells in availability zones and the auction that places an instance.
 * Not for what happens to an instance once placed (instance.c) or to a cell under an update
 * (platform.c). */
#include "zdsim/model.h"

gboolean
foundation_takes_work(CellState state)
{
  /* Evacuating, recreating and vanished cells take no work (auction zone_builder.go skips
   * cells whose state says Evacuating; domain-facts §1 and §7). */
  return state == CELL_UP || state == CELL_WATCHING;
}

/* ---- the auction's index: per zone, the cells that take work bucketed by app count ---- */

static GArray *
bucket_of(Model *model, guint zone, guint count)
{
  ZoneIndex *z = &model->zones[zone];
  while (count >= z->n_buckets) {
    z->buckets = g_renew(GArray *, z->buckets, z->n_buckets + 1);
    z->buckets[z->n_buckets++] = g_array_new(FALSE, FALSE, sizeof(guint32));
  }
  return z->buckets[count];
}

static void
index_add(Model *model, guint32 cell)
{
  Cell *c = &model->cells[cell];
  GArray *b = bucket_of(model, c->zone, c->app_containers);
  c->bucket_pos = b->len;
  g_array_append_val(b, cell);
}

static void
index_remove(Model *model, guint32 cell)
{
  Cell *c = &model->cells[cell];
  GArray *b = bucket_of(model, c->zone, c->app_containers);
  guint32 last = g_array_index(b, guint32, b->len - 1);
  g_assert(g_array_index(b, guint32, c->bucket_pos) == cell);
  g_array_index(b, guint32, c->bucket_pos) = last;
  model->cells[last].bucket_pos = c->bucket_pos;
  g_array_set_size(b, b->len - 1);
}

void
foundation_init(Model *model)
{
  model->zones = g_new0(ZoneIndex, model->sc->azs);
  model->zone_order = g_new0(guint32, model->sc->azs);
  for (guint32 i = 0; i < model->n_cells; i++)
    if (foundation_takes_work(model->cells[i].state))
      index_add(model, i);
}

void
foundation_clear(Model *model)
{
  if (model->zones == NULL)
    return;
  for (guint z = 0; z < model->sc->azs; z++) {
    for (guint b = 0; b < model->zones[z].n_buckets; b++)
      g_array_unref(model->zones[z].buckets[b]);
    g_free(model->zones[z].buckets);
  }
  g_free(model->zones);
  g_free(model->zone_order);
  model->zones = NULL;
}

void
foundation_set_cell_state(Model *model, guint32 cell, CellState state)
{
  Cell *c = &model->cells[cell];
  gboolean before = foundation_takes_work(c->state);
  gboolean after = foundation_takes_work(state);
  /* Containers on cells that take no work do not count toward zone balance (DESIGN §10.4). */
  if (before && !after) {
    model->zone_load[c->zone] -= c->app_containers;
    index_remove(model, cell);
  } else if (!before && after) {
    model->zone_load[c->zone] += c->app_containers;
    c->state = state;
    index_add(model, cell);
  }
  c->state = state;
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
  gboolean working = foundation_takes_work(c->state);
  if (working)
    index_remove(model, cell);
  c->app_containers++;
  if (working) {
    index_add(model, cell);
    model->zone_load[c->zone]++;
  }
}

void
foundation_detach(Model *model, guint32 container)
{
  Container *k = &model->containers[container];
  Cell *c = &model->cells[k->cell];
  if (k->prev != MODEL_NONE)
    model->containers[k->prev].next = k->next;
  else
    c->head = k->next;
  if (k->next != MODEL_NONE)
    model->containers[k->next].prev = k->prev;
  g_assert(c->app_containers > 0);
  gboolean working = foundation_takes_work(c->state);
  if (working)
    index_remove(model, k->cell);
  c->app_containers--;
  if (working) {
    index_add(model, k->cell);
    model->zone_load[c->zone]--;
  }
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

/* The auction of DESIGN.md §10.4 (auction scheduler.go, cell.go; domain-facts §7):
 * zones with the fewest of this app's instances first, all tied zones scored together;
 * within them the cell with the lowest score
 *   1000 * (this app's instances on the cell) + (used slots + 1) / capacity,
 * where used slots are other tenants' share plus this app's containers. Every cell carries
 * the same share of other tenants' work, so the score orders cells exactly as their count of
 * the app's containers does, and a cell fits while that count is below capacity minus the
 * share. The index buckets cells by that count, so the best cells of a level are one bucket
 * per zone; equal scores are broken uniformly at random with the replication's generator. */
guint32
foundation_place(Model *model, guint32 index)
{
  const Scenario *sc = model->sc;
  guint azs = sc->azs;
  guint share = model->n_cells > 0 ? model->cells[0].base_used : 0;
  guint fits_below = sc->cell_capacity > share ? sc->cell_capacity - share : 0;
  (void) index;

  sort_zones(model);
  for (guint first = 0; first < azs;) {
    guint load = model->zone_load[model->zone_order[first]];
    guint last = first;
    while (last + 1 < azs && model->zone_load[model->zone_order[last + 1]] == load)
      last++;
    /* The lowest count any tied zone offers, and how many cells have it. */
    guint best = G_MAXUINT, ties = 0;
    for (guint i = first; i <= last; i++) {
      const ZoneIndex *z = &model->zones[model->zone_order[i]];
      guint limit = MIN(z->n_buckets, fits_below);
      if (best != G_MAXUINT)
        limit = MIN(limit, best + 1);
      for (guint n = 0; n < limit; n++) {
        guint len = z->buckets[n]->len;
        if (len == 0)
          continue;
        if (n < best) {
          best = n;
          ties = 0;
        }
        ties += len;
        break;
      }
    }
    if (ties > 0) {
      guint64 pick = dist_rng_below(&model->rng, ties);
      for (guint i = first; i <= last; i++) {
        const ZoneIndex *z = &model->zones[model->zone_order[i]];
        if (best >= z->n_buckets)
          continue;
        GArray *b = z->buckets[best];
        if (pick < b->len)
          return g_array_index(b, guint32, pick);
        pick -= b->len;
      }
      g_assert_not_reached();
    }
    first = last + 1;
  }
  return MODEL_NONE;
}
