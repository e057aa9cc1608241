/* policy_rolling.c: Diego's default evacuation, start-new-before-stop-old (bbs
 * controllers/evacuation_controller.go EvacuateRunningActualLRP).
 * Every RUNNING instance on the draining cell becomes an evacuating copy that keeps serving
 * while its index is placed elsewhere; it stops once the replacement is RUNNING or CRASHED
 * (bbs controllers/evacuation_controller.go replacementLRPIsRunning). The indexes auctioned
 * at drain start, RUNNING and STARTING ones alike, join the drain's batch with the cell's
 * tenant slots (Diego auctions a drained cell's work together; the model's reading). */
#include "model-internal.h"

static void
rolling_drain_start(Model *model, guint cell)
{
  for (guint32 id = model->cells[cell].head; id != MODEL_NONE;) {
    const Container *k = &model->containers[id];
    guint32 next = k->next;
    if (k->state == CONTAINER_RUNNING && !k->evacuating)
      instance_evacuate_running(model, id);
    else if (k->state == CONTAINER_STARTING)
      /* A claimed (STARTING) instance is unclaimed and its container deleted: no overlap
       * (EvacuateClaimedActualLRP). */
      instance_evacuate_claimed(model, id, CAUSE_PLATFORM_UPDATE);
    id = next;
  }
}

static void
rolling_poll(Model *model, guint cell)
{
  for (guint32 id = model->cells[cell].head; id != MODEL_NONE;) {
    const Container *k = &model->containers[id];
    guint32 next = k->next;
    if (k->evacuating && k->state == CONTAINER_RUNNING) {
      const Index *x = &model->index[k->index];
      if (k->index >= model->desired || x->state == INDEX_RUNNING || x->state == INDEX_CRASHED)
        instance_stop(model, id, CAUSE_PLATFORM_UPDATE);
    }
    id = next;
  }
}

static void
rolling_timeout(Model *model, guint cell)
{
  /* At the timeout every remaining copy stops; its index keeps waiting for a place. */
  for (guint32 id = model->cells[cell].head; id != MODEL_NONE;) {
    const Container *k = &model->containers[id];
    guint32 next = k->next;
    if (k->state == CONTAINER_RUNNING || k->state == CONTAINER_STARTING)
      instance_stop(model, id, CAUSE_PLATFORM_UPDATE);
    id = next;
  }
}

const Policy policy_rolling = {
  .name = "rolling",
  .summary = "start the replacement elsewhere, stop the old instance once it runs (Diego default)",
  .drain_start = rolling_drain_start,
  .poll = rolling_poll,
  .timeout = rolling_timeout,
  .polls = POLICY_POLLS_SETTLED,
};
