/* platform.c: routine platform updates (a BOSH deploy of the Diego cells) and cells that
 * vanish. An update walks the zones one after another and, inside a zone, drains, recreates
 * and watches the cells in batches (cf-deployment.yml update block; docs-bosh
 * manifest-v2.md). What a drain does to the app's instances is the evacuation policy's
 * business (policy_*.c); where a drained or failed cell's work goes, foundation.c's. */
#include "model-internal.h"

/* The rep's presence (lock_ttl) expires 15 s after a cell vanishes; BBS convergence then
 * re-auctions its LRPs on its next tick: about 15-45 s in all (inferred from diego-release
 * jobs/rep/templates/rep.json.erb lock_ttl and jobs/bbs/spec convergence interval). */
#define PRESENCE_TTL (15 * DIST_USEC_PER_SEC)

static void next_batch(Model *model);

static void
schedule_cell_failure(Model *model, guint32 cell)
{
  const Scenario *sc = model->sc;
  Cell *c = &model->cells[cell];
  if (c->failure_ev != 0)
    return;  /* one pending failure per cell, whatever brought it back */
  gint64 ttf = dist_sample(&sc->cell_failure_mtbf, &model->rng_platform);
  c->failure_ev = model_schedule(model, engine_time_add(model_now(model), ttf), PRIO_NORMAL,
                                 EV_CELL_FAILURE, cell, 0);
}

static void
schedule_next_arrival(Model *model)
{
  const Scenario *sc = model->sc;
  gint64 t = dist_poisson_next(sc->updates.rate, model_now(model), &model->rng_platform);
  if (t < sc->horizon)
    engine_schedule(model->engine, t, PRIO_NORMAL, EV_UPDATE_ARRIVAL, 0, 0);
}

void
platform_init(Model *model)
{
  const Scenario *sc = model->sc;
  if (sc->updates.kind == SCENARIO_UPDATES_RATE) {
    schedule_next_arrival(model);
  } else if (sc->updates.kind == SCENARIO_UPDATES_CALENDAR) {
    for (guint i = 0; i < model->cal->updates->len; i++) {
      const CalendarInterval *iv = &g_array_index(model->cal->updates, CalendarInterval, i);
      engine_schedule(model->engine, iv->start, PRIO_NORMAL, EV_UPDATE_ARRIVAL, 1, 0);
    }
  }
  for (guint32 c = 0; c < model->n_cells; c++)
    schedule_cell_failure(model, c);
}

static void
start_update(Model *model)
{
  model->update_running = TRUE;
  model->update_started = model_now(model);
  model->update_zone = 0;
  model->update_pos = 0;
  model->update_first_batch = TRUE;
  next_batch(model);
}

void
platform_update_arrives(Model *model)
{
  /* An update that arrives while one runs waits for it (README, The model in one page). */
  if (model->update_running)
    model->updates_queued++;
  else
    start_update(model);
}

static void
drain_start(Model *model, guint32 cell)
{
  const Scenario *sc = model->sc;
  Cell *c = &model->cells[cell];
  gint64 now = model_now(model);
  foundation_set_cell_state(model, cell, CELL_DRAINING);
  c->drain_timed_out = FALSE;
  if (c->app_containers == 0) {
    /* A cell without the app drains in 0 s (README, The model in one page): no poll or timeout to
     * schedule and cancel at once (a quarter of the heap operations of the 2-instance example, make
     * bench). Its tenant slots still move. */
    foundation_move_work(model, cell);
    platform_check_drained(model, cell);
    return;
  }
  /* The rep polls every evacuation_polling_interval (10 s) once evacuating and gives up at
   * evacuation_timeout (600 s) from the drain's start (diego-release jobs/rep/spec; rep
   * harmonizer/bulker.go). The polls' phase against the drain's start is not documented and
   * nothing keeps it in step with the health checks: the assumption is polls at drain start
   * + psi + 10 s k (k >= 1), psi uniform in [0, 10 s) drawn per drain, from a stream of its
   * own so that no other draw moves with the number of drains. */
  gint64 psi = (gint64) dist_rng_below(&model->rng_evac_poll, (guint64) sc->evacuation_poll);
  /* Only the polls that can act are scheduled (Policy.polls): the first always, unless the
   * policy's polls never act; the grid, and so the time of every poll that runs, is the
   * same either way. */
  c->poll_next = engine_time_add(now, psi + sc->evacuation_poll);
  c->poll_idle = model->policy->polls == POLICY_POLLS_NONE;
  if (!c->poll_idle)
    c->poll_ev = model_schedule(model, c->poll_next, PRIO_LATE, EV_EVAC_POLL, cell, 0);
  c->timeout_ev = model_schedule(model, engine_time_add(now, sc->evacuation_timeout), PRIO_LATE,
                                 EV_EVAC_TIMEOUT, cell, 0);
  /* The indexes the policy auctions now and the cell's tenant slots are placed together, as
   * one batch (README, The model in one page): Diego auctions a drained cell's work at once. */
  foundation_batch_open(model);
  model->policy->drain_start(model, cell);
  foundation_move_work(model, cell);
  platform_check_drained(model, cell);
}

/* Starts the next batch of the running update, moving to the next zone when this one is done
 * (BOSH: max_in_flight counts per zone, the next zone starts when the current is done). */
static void
next_batch(Model *model)
{
  const Scenario *sc = model->sc;
  for (;;) {
    if (model->update_zone >= sc->azs) {
      model->update_running = FALSE;
      model->result.updates++;
      ModelInterval span = {
        .start = model->update_started,
        .end = model_now(model),
        .cause = CAUSE_PLATFORM_UPDATE,
      };
      g_array_append_val(model->result.updates_spans, span);
      if (model->updates_queued > 0) {
        model->updates_queued--;
        start_update(model);
      }
      return;
    }
    guint size = model->update_first_batch && sc->canaries > 0 ? sc->canaries : sc->max_in_flight;
    guint32 *batch = model->scratch;
    guint n = 0;
    /* Cells of zone z are z, z + azs, z + 2 azs, ... (round-robin placement of cells). */
    while (n < size) {
      guint32 cell = model->update_zone + model->update_pos * sc->azs;
      if (cell >= model->n_cells)
        break;
      model->update_pos++;
      if (model->cells[cell].state == CELL_FAILED)
        continue;  /* being recreated already */
      batch[n++] = cell;
    }
    if (n == 0) {
      model->update_zone++;
      model->update_pos = 0;
      continue;
    }
    model->update_first_batch = FALSE;
    model->batch_left = n;
    for (guint i = 0; i < n; i++)
      model->cells[batch[i]].in_update = TRUE;
    /* The cells of a batch stop taking work together (README, The model in one page), then each
     * drains. */
    for (guint i = 0; i < n; i++)
      foundation_set_cell_state(model, batch[i], CELL_DRAINING);
    for (guint i = 0; i < n; i++)
      drain_start(model, batch[i]);
    return;
  }
}

void
platform_check_drained(Model *model, guint32 cell)
{
  Cell *c = &model->cells[cell];
  if (c->state != CELL_DRAINING || c->app_containers > 0)
    return;
  engine_cancel(model->engine, c->poll_ev);
  engine_cancel(model->engine, c->timeout_ev);
  c->poll_ev = c->timeout_ev = 0;
  foundation_set_cell_state(model, cell, CELL_RECREATING);
  gint64 recreate = dist_sample(&model->sc->cell_recreate, &model->rng_platform);
  model_schedule(model, engine_time_add(model_now(model), recreate), PRIO_NORMAL,
                 EV_RECREATE_DONE, cell, c->timer_gen);
}

static void
cell_watch(Model *model, guint32 cell)
{
  /* Back and taking work during the watch time (README, The model in one page). */
  foundation_set_cell_state(model, cell, CELL_WATCHING);
  model_schedule(model, engine_time_add(model_now(model), model->sc->watch_time), PRIO_NORMAL,
                 EV_WATCH_DONE, cell, model->cells[cell].timer_gen);
}

/* A recreated or failed cell comes back empty and takes the waiting tenant slots first, at
 * the instant it comes back, before any auction can use it (README, The model in one page). */
static void
cell_back(Model *model, guint32 cell)
{
  foundation_take_waiting(model, cell);
  if (model->cells[cell].in_update)
    cell_watch(model, cell);
  else
    foundation_set_cell_state(model, cell, CELL_UP);
}

void
platform_fail_cell(Model *model, guint32 cell, ModelCause cause, gint64 back_after)
{
  Cell *c = &model->cells[cell];
  if (c->state == CELL_FAILED)
    return;
  gint64 now = model_now(model);
  engine_cancel(model->engine, c->poll_ev);
  engine_cancel(model->engine, c->timeout_ev);
  c->poll_ev = c->timeout_ev = 0;
  /* A recreate or watch under way is void: a watch that started again after the cell came
   * back must not end at the old watch's time. */
  c->timer_gen++;
  foundation_set_cell_state(model, cell, CELL_FAILED);
  gint64 detected = model_tick_at_or_after(model, engine_time_add(now, PRESENCE_TTL));
  for (guint32 id = c->head; id != MODEL_NONE;) {
    guint32 next = model->containers[id].next;
    instance_kill(model, id, detected, cause);
    id = next;
  }
  /* Its tenant slots move as a drained cell's do, now, and it comes back empty (README, The model
   * in one page); the app's indexes are auctioned when BBS notices (instance_kill). */
  foundation_move_work(model, cell);
  model_schedule(model, engine_time_add(now, MAX(back_after, 0)), PRIO_NORMAL, EV_CELL_BACK,
                 cell, 0);
}

void
platform_index_settled(Model *model, guint32 index)
{
  if (model->policy->polls != POLICY_POLLS_SETTLED)
    return;
  guint32 id = model->index[index].evacuating;
  if (id == MODEL_NONE || model->containers[id].cell == MODEL_NONE)
    return;
  guint32 cell = model->containers[id].cell;
  Cell *c = &model->cells[cell];
  if (c->state != CELL_DRAINING || c->drain_timed_out || !c->poll_idle)
    return;
  /* The polls since the last one would have found nothing: skip them on the grid to the
   * first instant at or after now (a poll at now runs after this instant's other events, as
   * PRIO_LATE puts it). */
  gint64 now = model_now(model);
  gint64 step = model->sc->evacuation_poll;
  if (c->poll_next < now)
    c->poll_next = engine_time_add(c->poll_next, ((now - c->poll_next + step - 1) / step) * step);
  c->poll_idle = FALSE;
  c->poll_ev = model_schedule(model, c->poll_next, PRIO_LATE, EV_EVAC_POLL, cell, 0);
}

void
platform_handle(Model *model, const EngineEvent *event)
{
  guint32 cell = event->subject;
  Cell *c = cell < model->n_cells ? &model->cells[cell] : NULL;
  switch ((ModelEventKind) event->kind) {
  case EV_UPDATE_ARRIVAL:
    if (event->subject == 0)
      schedule_next_arrival(model);
    platform_update_arrives(model);
    break;
  case EV_BATCH_START:
    next_batch(model);
    break;
  case EV_EVAC_POLL:
    c->poll_ev = 0;
    if (c->state != CELL_DRAINING)
      break;
    model->policy->poll(model, cell);
    if (c->state == CELL_DRAINING && !c->drain_timed_out) {
      c->poll_next = engine_time_add(event->time, model->sc->evacuation_poll);
      /* A settled-only policy's poll has done all it can: the next that can act is the first
       * after one of the copies' indexes settles (platform_index_settled). */
      if (model->policy->polls == POLICY_POLLS_ALL)
        c->poll_ev = model_schedule(model, c->poll_next, PRIO_LATE, EV_EVAC_POLL, cell, 0);
      else
        c->poll_idle = TRUE;
    }
    break;
  case EV_EVAC_TIMEOUT:
    c->timeout_ev = 0;
    if (c->state != CELL_DRAINING)
      break;
    /* The evacuator gives up and the cleanup deletes what is left (rep
     * evacuation/evacuation.go, evacuation/cleanup.go). */
    c->drain_timed_out = TRUE;
    engine_cancel(model->engine, c->poll_ev);
    c->poll_ev = 0;
    model->policy->timeout(model, cell);
    platform_check_drained(model, cell);
    break;
  case EV_RECREATE_DONE:
    if (c->state == CELL_RECREATING && event->data == c->timer_gen)
      cell_back(model, cell);
    break;
  case EV_WATCH_DONE:
    if (c->state != CELL_WATCHING || event->data != c->timer_gen)
      break;
    foundation_set_cell_state(model, cell, CELL_UP);
    if (c->in_update) {
      c->in_update = FALSE;
      g_assert(model->batch_left > 0);
      if (--model->batch_left == 0)
        next_batch(model);
    }
    break;
  case EV_CELL_FAILURE:
    c->failure_ev = 0;
    platform_fail_cell(model, cell, CAUSE_CELL_FAILURE,
                       dist_sample(&model->sc->cell_recreate, &model->rng_platform));
    break;
  case EV_CELL_BACK:
    if (c->state != CELL_FAILED)
      break;
    cell_back(model, cell);
    schedule_cell_failure(model, cell);
    break;
  default:
    g_assert_not_reached();
  }
}
