/* instance.c: the Diego instance lifecycle: placement, start with health checks, RUNNING,
 * routes, crash and restart back-off, graceful stop. Not for deciding when instances move
 * (platform.c and the policies) or for counting downtime (metrics.c). */
#include "model-internal.h"

/* Diego's startup health check polls every 2 s (diego-release jobs/rep/spec,
 * executor unhealthy_monitoring_interval_in_seconds = 2). */
#define HEALTH_POLL (2 * DIST_USEC_PER_SEC)
/* SIGKILL follows SIGTERM after graceful_shutdown_interval_in_seconds = 10 s
 * (diego-release jobs/rep/spec; executor depot/steps/run_step.go). */
#define SIGKILL_AFTER (10 * DIST_USEC_PER_SEC)
/* BBS CrashResetTimeout: a crash after more than 5 min RUNNING resets the count (bbs
 * models/actual_lrp.go). */
#define CRASH_RESET (300 * DIST_USEC_PER_SEC)
/* BBS restart calculator (bbs models/restart_calculator.go). */
#define IMMEDIATE_RESTARTS 3
#define MAX_RESTARTS 200
#define BACKOFF_MIN (30 * DIST_USEC_PER_SEC)
#define BACKOFF_MAX (960 * DIST_USEC_PER_SEC)

static guint32
container_new(Model *model, guint32 index, guint32 cell)
{
  guint32 id;
  if (model->free_containers != MODEL_NONE) {
    id = model->free_containers;
    model->free_containers = model->containers[id].next;
  } else {
    if (model->n_containers == model->cap_containers) {
      model->cap_containers = model->cap_containers ? model->cap_containers * 2 : 16;
      model->containers = g_renew(Container, model->containers, model->cap_containers);
    }
    id = model->n_containers++;
  }
  model->containers[id] = (Container){
    .state = CONTAINER_STARTING,
    .index = index,
    .cell = cell,
    .prev = MODEL_NONE,
    .next = MODEL_NONE,
  };
  foundation_attach(model, id, cell);
  model->alive++;
  model->starting++;
  return id;
}

static void
container_release(Model *model, guint32 id)
{
  Container *k = &model->containers[id];
  k->state = CONTAINER_FREE;
  k->next = model->free_containers;
  model->free_containers = id;
}

/* What a container adds to the router's pool: nothing, a serving endpoint, or a bad one
 * (route registered, but the process is gone or the app does not answer yet: a dial error). */
static guint
route_role(const Container *k)
{
  if (!k->routed)
    return 0;
  return (!k->dead && k->ready) ? 1 : 2;
}

/* Changes a container's routing flags and keeps the pool counts right. */
static void
set_route(Model *model, guint32 id, gboolean routed, gboolean ready, gboolean dead,
          ModelCause cause)
{
  Container *k = &model->containers[id];
  guint before = route_role(k);
  k->routed = routed;
  k->ready = ready;
  k->dead = dead;
  guint after = route_role(k);
  if (before == after)
    return;
  if (before == 1) {
    model->serving--;
    if (k->index == 0)
      model->index0_serving--;
    model->loss_cause = cause;
  } else if (before == 2) {
    model->bad_routes--;
  }
  if (after == 1) {
    model->serving++;
    if (k->index == 0)
      model->index0_serving++;
  } else if (after == 2) {
    model->bad_routes++;
  }
}

void
instance_request_place(Model *model, guint32 index, gint64 at)
{
  Index *x = &model->index[index];
  if (x->place_pending) {
    if (x->place_at <= at)
      return;
    /* An earlier auction replaces a later retry or back-off (a new instance after an app
     * restart does not wait for the old one's back-off). */
    engine_cancel(model->engine, x->place_ev);
  }
  x->place_pending = TRUE;
  x->place_at = at;
  x->place_ev = 0;
  if (foundation_batch_collect(model, index, at))
    return;  /* a drain's batch auctions it (README, The model in one page) */
  x->place_ev = model_schedule(model, at, PRIO_NORMAL, EV_PLACE, index, 0);
}

void
instance_cancel_place(Model *model, guint32 index)
{
  Index *x = &model->index[index];
  if (!x->place_pending)
    return;
  engine_cancel(model->engine, x->place_ev);
  x->place_ev = 0;
  x->place_pending = FALSE;
}

void
instance_start_index(Model *model, guint32 index)
{
  Index *x = &model->index[index];
  x->state = INDEX_UNCLAIMED;
  instance_request_place(model, index, model_now(model));
}

/* The first health poll at or after @t of a start whose polls fall at @first + 2 s k, k >= 0
 * (@first = placement + the start's phase). Saturates at ENGINE_NEVER. */
static gint64
poll_at_or_after(gint64 first, gint64 t)
{
  if (t <= first)
    return first;
  /* ceil((t - first) / 2 s) polls after the first, written so that nothing overflows */
  gint64 whole = ((t - first - 1) / HEALTH_POLL) * HEALTH_POLL;
  return engine_time_add(first, engine_time_add(whole, HEALTH_POLL));
}

/* Starts a container: draws its startup time, whether the start fails and the phase of its
 * health polls, and schedules its first passing health check or its start crash. Polls fall
 * at placement + phi + 2 s k (k >= 0), phi uniform in [0, 2 s) drawn per start: the
 * executor's 2 s poll loop starts when the container does, in no step with anything else
 * (diego-release jobs/rep/spec unhealthy_monitoring_interval_in_seconds). The instance is
 * healthy at the first poll at or after its startup; one exactly at the timeout counts. */
static void
start_container(Model *model, guint32 id)
{
  const Scenario *sc = model->sc;
  Container *k = &model->containers[id];
  gint64 now = model_now(model);
  gint64 deadline = engine_time_add(now, sc->health_check_timeout);
  gint64 startup = dist_sample(&sc->startup, &model->rng);
  gboolean fails = dist_rng_double(&model->rng) < sc->start_failure;
  gint64 first_poll = now + (gint64) dist_rng_below(&model->rng, HEALTH_POLL);
  gint64 ready_at = engine_time_add(now, startup);
  k->placed_at = now;
  k->startup = startup;
  k->doomed = fails;

  if (sc->health_check == SCENARIO_HEALTH_PROCESS) {
    /* The process check passes at the first poll, before the app can serve (Cloud Foundry
     * docs, Health Checks); a start that fails ends the process when the app gives up. */
    if (fails && ready_at <= first_poll) {
      k->pending = model_schedule(model, ready_at, PRIO_NORMAL, EV_START_CRASH, id, 0);
      return;
    }
    k->pending = model_schedule(model, first_poll, PRIO_NORMAL, EV_HEALTHY, id, 0);
    return;
  }

  if (fails || ready_at > deadline) {
    k->pending = model_schedule(model, deadline, PRIO_NORMAL, EV_START_CRASH, id, 0);
    return;
  }
  gint64 healthy = poll_at_or_after(first_poll, ready_at);
  if (sc->needs_db_to_start) {
    /* The Mendix runtime needs its database before nginx binds the port (cf-mendix-buildpack
     * buildpack/start.py): only a poll with the database up passes. */
    gint64 outage_end;
    while (healthy <= deadline && !database_up_at(model, healthy, &outage_end))
      healthy = poll_at_or_after(first_poll, outage_end);
  }
  if (healthy > deadline)
    k->pending = model_schedule(model, deadline, PRIO_NORMAL, EV_START_CRASH, id, 0);
  else
    k->pending = model_schedule(model, healthy, PRIO_NORMAL, EV_HEALTHY, id, 0);
}

static void
schedule_crash(Model *model, guint32 id)
{
  const Scenario *sc = model->sc;
  gint64 ttf = dist_sample(&sc->crash_mtbf, &model->rng);
  model->containers[id].pending = model_schedule(
      model, engine_time_add(model_now(model), ttf), PRIO_NORMAL, EV_CRASH, id, 0);
}

void
instance_place_running(Model *model, guint32 index, guint32 cell)
{
  Index *x = &model->index[index];
  guint32 id = container_new(model, index, cell);
  Container *k = &model->containers[id];
  model->starting--;
  k->state = CONTAINER_RUNNING;
  x->ordinary = id;
  x->state = INDEX_RUNNING;
  set_route(model, id, TRUE, TRUE, FALSE, CAUSE_CRASH);
  schedule_crash(model, id);
}

static void
handle_place(Model *model, guint32 index)
{
  Index *x = &model->index[index];
  x->place_pending = FALSE;
  x->place_ev = 0;
  if (index >= model->desired || x->ordinary != MODEL_NONE)
    return;
  if (x->state != INDEX_UNCLAIMED && x->state != INDEX_CRASHED)
    return;
  x->state = INDEX_UNCLAIMED;
  guint32 cell = foundation_place(model, index);
  if (cell == MODEL_NONE) {
    /* Nothing fits: BBS convergence re-auctions unclaimed LRPs on its next tick (bbs
     * db/sqldb/lrp_convergence.go). */
    instance_request_place(model, index, model_next_tick_after(model, model_now(model)));
    return;
  }
  guint32 id = container_new(model, index, cell);
  x->ordinary = id;
  x->state = INDEX_STARTING;
  start_container(model, id);
}

void
instance_auction(Model *model, guint32 index)
{
  handle_place(model, index);
}

static void
handle_healthy(Model *model, guint32 id)
{
  const Scenario *sc = model->sc;
  Container *k = &model->containers[id];
  gint64 now = model_now(model);
  k->pending = 0;
  k->state = CONTAINER_RUNNING;
  k->running_at = now;
  model->starting--;
  /* A process-checked app is RUNNING before it can answer (it answers after its startup). */
  gboolean ready = sc->health_check != SCENARIO_HEALTH_PROCESS || now - k->placed_at >= k->startup;
  set_route(model, id, k->routed, ready, FALSE, CAUSE_CRASH);
  gint64 lag = dist_sample(&sc->registration_lag, &model->rng);
  k->route_ev =
      model_schedule(model, engine_time_add(now, lag), PRIO_NORMAL, EV_ROUTE_REGISTER, id, 0);
  gint64 ready_at = engine_time_add(k->placed_at, k->startup);
  if (!ready && k->doomed) {
    /* A process-checked app whose start fails runs until it gives up, then exits: a crash
     * of a RUNNING instance, after its startup time. */
    k->pending = model_schedule(model, ready_at, PRIO_NORMAL, EV_CRASH, id, 0);
  } else {
    if (!ready)
      k->ready_ev = model_schedule(model, ready_at, PRIO_NORMAL, EV_READY, id, 0);
    schedule_crash(model, id);
  }
  if (!k->evacuating && model->index[k->index].ordinary == id) {
    model->index[k->index].state = INDEX_RUNNING;
    model_index_running(model, k->index);
  }
}

/* The crash count and restart of an index whose ordinary container crashed (BBS restart
 * calculator and CrashActualLRP; README, The model in one page). */
static void
index_crashed(Model *model, guint32 index, gint64 running_for)
{
  Index *x = &model->index[index];
  gint64 now = model_now(model);
  x->ordinary = MODEL_NONE;
  x->crash_count = running_for > CRASH_RESET ? 1 : x->crash_count + 1;
  if (index >= model->desired) {
    x->state = INDEX_ABSENT;
    return;
  }
  if (model->restarting) {
    x->state = INDEX_WAITING;
    return;
  }
  if (x->crash_count < IMMEDIATE_RESTARTS) {
    instance_start_index(model, index);
    return;
  }
  x->state = INDEX_CRASHED;
  if (x->crash_count < MAX_RESTARTS) {
    guint shift = MIN(x->crash_count - IMMEDIATE_RESTARTS, 5u);
    gint64 backoff = MIN(BACKOFF_MIN << shift, BACKOFF_MAX);
    /* Delayed restarts are picked up by the next convergence tick (bbs
     * db/sqldb/lrp_convergence.go; diego-release jobs/bbs/spec). */
    instance_request_place(model, index,
                           model_tick_at_or_after(model, engine_time_add(now, backoff)));
  }
  model_index_crashed(model, index);
}

void
instance_crash(Model *model, guint32 id, ModelCause cause)
{
  Container *k = &model->containers[id];
  if (k->state != CONTAINER_STARTING && k->state != CONTAINER_RUNNING)
    return;
  gint64 now = model_now(model);
  engine_cancel(model->engine, k->pending);
  engine_cancel(model->engine, k->route_ev);
  engine_cancel(model->engine, k->ready_ev);
  if (k->state == CONTAINER_STARTING)
    model->starting--;
  /* A crash removes the route at once (README, The model in one page). */
  set_route(model, id, FALSE, k->ready, TRUE, cause);
  model->result.crashes++;
  model->alive--;
  guint32 index = k->index;
  gint64 running_for = k->state == CONTAINER_RUNNING ? now - k->running_at : 0;
  gboolean evacuating = k->evacuating;
  guint32 cell = k->cell;
  foundation_detach(model, id);
  container_release(model, id);
  Index *x = &model->index[index];
  if (evacuating) {
    /* EvacuateCrashedActualLRP removes the evacuating record; the index has its replacement
     * already (bbs controllers/evacuation_controller.go). */
    if (x->evacuating == id)
      x->evacuating = MODEL_NONE;
  } else if (x->ordinary == id) {
    index_crashed(model, index, running_for);
  }
  model_container_gone(model, cell);
}

void
instance_stop(Model *model, guint32 id, ModelCause cause)
{
  const Scenario *sc = model->sc;
  Container *k = &model->containers[id];
  if (k->state != CONTAINER_STARTING && k->state != CONTAINER_RUNNING)
    return;
  gint64 now = model_now(model);
  engine_cancel(model->engine, k->pending);
  k->pending = 0;
  if (k->state == CONTAINER_STARTING)
    model->starting--;
  k->state = CONTAINER_STOPPING;
  k->stop_cause = cause;
  /* A registration not yet done never happens; a registered route goes after the
   * unregistration lag (route-emitter routehandlers/handler.go, on the BBS event). */
  engine_cancel(model->engine, k->route_ev);
  k->route_ev = 0;
  if (k->routed) {
    gint64 lag = dist_sample(&sc->unregistration_lag, &model->rng);
    k->route_ev =
        model_schedule(model, engine_time_add(now, lag), PRIO_NORMAL, EV_ROUTE_UNREGISTER, id, 0);
  }
  /* Envoy drains for proxy_drain before the app gets SIGTERM, then SIGKILL at 10 s. */
  engine_cancel(model->engine, k->ready_ev);
  k->ready_ev = 0;
  /* One draw, then the cap: MIN() of the call itself would draw twice and return the second,
   * uncapped draw. */
  gint64 shutdown = dist_sample(&sc->graceful_shutdown, &model->rng);
  shutdown = MIN(shutdown, SIGKILL_AFTER);
  k->pending = model_schedule(model, engine_time_add(now, sc->proxy_drain + shutdown),
                              PRIO_NORMAL, EV_GONE, id, 0);
  Index *x = &model->index[k->index];
  if (x->ordinary == id)
    x->ordinary = MODEL_NONE;
  if (x->evacuating == id)
    x->evacuating = MODEL_NONE;
  k->evacuating = FALSE;
}

void
instance_kill(Model *model, guint32 id, gint64 route_gone_at, ModelCause cause)
{
  Container *k = &model->containers[id];
  if (k->state == CONTAINER_FREE || k->dead)
    return;
  /* A stopping container's route is being removed already (the stop's BBS event reached the
   * route-emitter); the cell's death does not bring that back. */
  gboolean unregistering = k->state == CONTAINER_STOPPING && k->route_ev != 0;
  engine_cancel(model->engine, k->pending);
  engine_cancel(model->engine, k->ready_ev);
  k->pending = 0;
  k->ready_ev = 0;
  if (!unregistering) {
    engine_cancel(model->engine, k->route_ev);
    k->route_ev = 0;
  }
  if (k->state == CONTAINER_STARTING)
    model->starting--;
  model->alive--;
  guint32 index = k->index;
  Index *x = &model->index[index];
  /* A stop-start index waiting for this container, or the index of a running one, is placed
   * again once BBS notices the cell is gone. */
  gboolean was_ordinary = x->ordinary == id || x->start_when_gone == id;
  if (x->start_when_gone == id)
    x->start_when_gone = MODEL_NONE;
  if (x->ordinary == id)
    x->ordinary = MODEL_NONE;
  if (x->evacuating == id)
    x->evacuating = MODEL_NONE;
  k->state = CONTAINER_STOPPING;
  k->stop_cause = cause;
  set_route(model, id, k->routed, k->ready, TRUE, cause);
  foundation_detach(model, id);
  k->cell = MODEL_NONE;
  if (!k->routed)
    container_release(model, id);
  else if (!unregistering)
    k->route_ev = model_schedule(model, route_gone_at, PRIO_NORMAL, EV_ROUTE_UNREGISTER, id, 0);
  /* BBS learns that the cell is gone when its presence expires and re-auctions its LRPs then
   * (no overlap); a vanished cell is not an evacuation. */
  if (was_ordinary && index < model->desired) {
    if (model->restarting) {
      x->state = INDEX_WAITING;
    } else {
      x->state = INDEX_UNCLAIMED;
      instance_request_place(model, index, route_gone_at);
    }
  }
  /* A killed container is gone at once: an app restart waiting for the last one starts all
   * now (else a restart whose stopping containers die with their cell never ends). */
  model_container_gone(model, MODEL_NONE);
}

void
instance_retire(Model *model, guint32 index, ModelCause cause)
{
  Index *x = &model->index[index];
  if (x->ordinary != MODEL_NONE)
    instance_stop(model, x->ordinary, cause);
  instance_cancel_place(model, index);
  x->start_when_gone = MODEL_NONE;
  /* A new ActualLRP: its crash count starts again (cf restart-app-instance; bbs
   * models/actual_lrp.go). */
  x->crash_count = 0;
  if (index >= model->desired)
    return;
  if (model->restarting) {
    x->state = INDEX_WAITING;  /* the app restart's "start all" creates it */
    return;
  }
  /* BBS convergence finds the missing index and auctions it on its next tick (bbs
   * db/sqldb/lrp_convergence.go). */
  x->state = INDEX_UNCLAIMED;
  instance_request_place(model, index, model_next_tick_after(model, model_now(model)));
}

void
instance_evacuate_running(Model *model, guint32 id)
{
  Container *k = &model->containers[id];
  guint32 index = k->index;
  Index *x = &model->index[index];
  g_assert(x->ordinary == id && k->state == CONTAINER_RUNNING);
  model->result.evacuations++;
  x->ordinary = MODEL_NONE;
  if (x->evacuating != MODEL_NONE) {
    /* Only one evacuating copy per index: BBS tells the second cell to delete its container
     * (bbs controllers/evacuation_controller.go). */
    instance_stop(model, id, CAUSE_PLATFORM_UPDATE);
  } else {
    k->evacuating = TRUE;
    x->evacuating = id;
  }
  if (index < model->desired)
    instance_start_index(model, index);
  else
    x->state = INDEX_ABSENT;
}

void
instance_evacuate_claimed(Model *model, guint32 id, ModelCause cause)
{
  guint32 index = model->containers[id].index;
  model->result.evacuations++;
  instance_stop(model, id, cause);
  if (index < model->desired)
    instance_start_index(model, index);
}

void
instance_stop_then_start(Model *model, guint32 id, ModelCause cause)
{
  guint32 index = model->containers[id].index;
  model->result.evacuations++;
  instance_stop(model, id, cause);
  if (index < model->desired && model->index[index].ordinary == MODEL_NONE) {
    model->index[index].state = INDEX_WAITING;
    model->index[index].start_when_gone = id;
  }
}

static void
handle_gone(Model *model, guint32 id)
{
  Container *k = &model->containers[id];
  guint32 cell = k->cell;
  Index *x = &model->index[k->index];
  k->pending = 0;
  if (x->start_when_gone == id) {
    x->start_when_gone = MODEL_NONE;
    if (x->state == INDEX_WAITING && !model->restarting && k->index < model->desired)
      instance_start_index(model, k->index);
  }
  model->alive--;
  set_route(model, id, k->routed, k->ready, TRUE, k->stop_cause);
  foundation_detach(model, id);
  k->cell = MODEL_NONE;
  /* A route still registered after the process died lingers until its unregistration. */
  if (!k->routed && k->route_ev == 0)
    container_release(model, id);
  model_container_gone(model, cell);
}

static void
handle_unregister(Model *model, guint32 id)
{
  Container *k = &model->containers[id];
  k->route_ev = 0;
  set_route(model, id, FALSE, k->ready, k->dead, k->stop_cause);
  if (k->dead)
    container_release(model, id);
}

static void
handle_register(Model *model, guint32 id)
{
  Container *k = &model->containers[id];
  k->route_ev = 0;
  if (k->state == CONTAINER_RUNNING)
    set_route(model, id, TRUE, k->ready, FALSE, CAUSE_CRASH);
}

static void
handle_ready(Model *model, guint32 id)
{
  Container *k = &model->containers[id];
  k->ready_ev = 0;
  if (k->state == CONTAINER_RUNNING && !k->dead && !k->ready) {
    gint64 outage_end;
    gint64 now = model_now(model);
    if (model->sc->needs_db_to_start && !database_up_at(model, now, &outage_end)) {
      k->ready_ev = model_schedule(model, outage_end, PRIO_NORMAL, EV_READY, id, 0);
      return;
    }
    set_route(model, id, k->routed, TRUE, FALSE, CAUSE_CRASH);
  }
}

void
instance_handle(Model *model, const EngineEvent *event)
{
  switch ((ModelEventKind) event->kind) {
  case EV_PLACE:
    handle_place(model, event->subject);
    break;
  case EV_HEALTHY:
    handle_healthy(model, event->subject);
    break;
  case EV_START_CRASH:
  case EV_CRASH:
    model->containers[event->subject].pending = 0;
    instance_crash(model, event->subject, CAUSE_CRASH);
    break;
  case EV_READY:
    handle_ready(model, event->subject);
    break;
  case EV_ROUTE_REGISTER:
    handle_register(model, event->subject);
    break;
  case EV_ROUTE_UNREGISTER:
    handle_unregister(model, event->subject);
    break;
  case EV_GONE:
    handle_gone(model, event->subject);
    break;
  default:
    g_assert_not_reached();
  }
}
