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

void
foundation_set_cell_state(Model *model, guint32 cell, CellState state)
{
  Cell *c = &model->cells[cell];
  gboolean before = foundation_takes_work(c->state);
  gboolean after = foundation_takes_work(state);
  /* Containers on cells that take no work do not count toward zone balance (DESIGN §10.4). */
  if (before && !after)
    model->zone_load[c->zone] -= c->app_containers;
  else if (!before && after)
    model->zone_load[c->zone] += c->app_containers;
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
  c->app_containers++;
  if (foundation_takes_work(c->state))
    model->zone_load[c->zone]++;
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
  c->app_containers--;
  if (foundation_takes_work(c->state))
    model->zone_load[c->zone]--;
}

/* The auction of DESIGN.md §10.4 (auction scheduler.go, cell.go; domain-facts §7):
 * zones with the fewest of this app's instances first, all tied zones scored together;
 * within them the cell with the lowest score
 *   1000 * (this app's instances on the cell) + (used slots + 1) / capacity,
 * where used slots are other tenants' share plus this app's containers. Because the second
 * term never exceeds 1, the score orders cells exactly as the integer pair
 * (instances, used slots) does, which keeps floating point out of the comparison. Equal
 * scores are broken uniformly at random with the replication's generator. */
guint32
foundation_place(Model *model, guint32 index)
{
  const Scenario *sc = model->sc;
  guint azs = sc->azs;
  guint level = 0;  /* the zone load being scored */
  (void) index;

  for (;;) {
    /* The smallest zone load at or above the current level. */
    guint best_load = G_MAXUINT;
    for (guint z = 0; z < azs; z++)
      if (model->zone_load[z] >= level && model->zone_load[z] < best_load)
        best_load = model->zone_load[z];
    if (best_load == G_MAXUINT)
      return MODEL_NONE;

    guint64 best_key = G_MAXUINT64;
    guint ties = 0;
    guint32 chosen = MODEL_NONE;
    for (guint32 i = 0; i < model->n_cells; i++) {
      const Cell *c = &model->cells[i];
      if (!foundation_takes_work(c->state) || model->zone_load[c->zone] != best_load)
        continue;
      guint used = c->base_used + c->app_containers;
      if (used >= sc->cell_capacity)
        continue;
      guint64 key = (guint64) c->app_containers * (sc->cell_capacity + 1) + used;
      if (key < best_key) {
        best_key = key;
        chosen = i;
        ties = 1;
      } else if (key == best_key) {
        /* Reservoir sampling: the k-th tie replaces the choice with probability 1/k. */
        ties++;
        if (dist_rng_below(&model->rng, ties) == 0)
          chosen = i;
      }
    }
    if (chosen != MODEL_NONE)
      return chosen;
    if (best_load == G_MAXUINT - 1)
      return MODEL_NONE;
    level = best_load + 1;
  }
}
