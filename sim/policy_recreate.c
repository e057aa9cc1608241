/* policy_recreate.c: Diego's opt-in RECREATE strategy: stop first, then start elsewhere, and
 * evacuate an instance only while every other index is RUNNING, so at most one index of the app is
 * away at a time (bbs models/desired_lrp.proto RECREATE strategy, UnclaimActualLRPIfAllRunning).
 * The index evacuated at drain start joins the drain's batch with the cell's tenant slots; one
 * evacuated at a later poll is auctioned alone (Diego auctions a drained cell's work together; what
 * joins a batch is the model's choice). */
#include "model-internal.h"

static gboolean
others_running(const Model *model, guint32 index)
{
  for (guint i = 0; i < model->desired; i++)
    if (i != index && model->index[i].state != INDEX_RUNNING)
      return FALSE;
  return TRUE;
}

static void
evacuate(Model *model, guint cell, gboolean force)
{
  for (guint32 id = model->cells[cell].head; id != MODEL_NONE;) {
    const Container *k = &model->containers[id];
    guint32 next = k->next;
    if (k->state == CONTAINER_STARTING) {
      instance_evacuate_claimed(model, id, CAUSE_PLATFORM_UPDATE);
    } else if (k->state == CONTAINER_RUNNING && (force || others_running(model, k->index))) {
      /* Its stop begins and its index is auctioned at the same moment. */
      instance_evacuate_claimed(model, id, CAUSE_PLATFORM_UPDATE);
    }
    id = next;
  }
}

static void
recreate_drain_start(Model *model, guint cell)
{
  evacuate(model, cell, FALSE);
}

static void
recreate_poll(Model *model, guint cell)
{
  evacuate(model, cell, FALSE);
}

static void
recreate_timeout(Model *model, guint cell)
{
  evacuate(model, cell, TRUE);
}

const Policy policy_recreate = {
  .name = "recreate",
  .summary = "stop first, then start elsewhere; one instance of the app away at a time",
  .drain_start = recreate_drain_start,
  .poll = recreate_poll,
  .timeout = recreate_timeout,
};
