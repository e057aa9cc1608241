/* policy-stop-first.h: a deliberately wrong evacuation policy for tests, shared by
 * test-policy.c (recreate's rule must catch it) and test-check.c (the regression suite must
 * catch it). Register it with policy_register_for_tests() before any run starts. */
#pragma once

#include "model-internal.h"

/* Rolling that forgot to start the new instance before stopping the old: at the drain's start
 * every instance on the cell stops and its index is auctioned at once, with nothing kept
 * serving meanwhile (recreate without its one-index-at-a-time rule). It costs a single
 * instance a whole start per evacuation and takes instances that share a cell away together:
 * the regression the suite exists to catch. Selectable only in tests
 * (policy_register_for_tests). */
static void
stop_first_all(Model *model, guint cell)
{
  for (guint32 id = model->cells[cell].head; id != MODEL_NONE;) {
    const Container *k = &model->containers[id];
    guint32 next = k->next;
    if (k->state == CONTAINER_RUNNING || k->state == CONTAINER_STARTING)
      instance_evacuate_claimed(model, id, CAUSE_PLATFORM_UPDATE);
    id = next;
  }
}

static void
stop_first_poll(Model *model, guint cell)
{
  (void) model;
  (void) cell; /* everything stopped at the drain's start */
}

static const Policy policy_stop_first = {
  .name = "rolling-stop-first",
  .summary = "a broken rolling: stops the old instance before starting the new one (tests only)",
  .drain_start = stop_first_all,
  .poll = stop_first_poll,
  .timeout = stop_first_all,
};
