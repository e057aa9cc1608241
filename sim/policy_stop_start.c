/* policy_stop_start.c: what a plain stop and start does (Mendix Deploy API v1: stop, then start):
 * every instance on the draining cell stops, and each index is placed again once its container is
 * gone, so a drain's batch holds its tenant slots only and the indexes follow them. */
#include "model-internal.h"

static void
stop_start_all(Model *model, guint cell)
{
  for (guint32 id = model->cells[cell].head; id != MODEL_NONE;) {
    const Container *k = &model->containers[id];
    guint32 next = k->next;
    if (k->state == CONTAINER_RUNNING || k->state == CONTAINER_STARTING)
      instance_stop_then_start(model, id, CAUSE_PLATFORM_UPDATE);
    id = next;
  }
}

static void
stop_start_poll(Model *model, guint cell)
{
  (void) model;
  (void) cell;  /* nothing to wait for: everything stopped at the drain's start */
}

const Policy policy_stop_start = {
  .name = "stop-start",
  .summary = "stop every instance on the cell, start each again once it is gone",
  .drain_start = stop_start_all,
  .poll = stop_start_poll,
  .timeout = stop_start_all,
  .polls = POLICY_POLLS_NONE,
};
