/* model.c: one replication of the Cloud Foundry model: its state, its start (every instance
 * RUNNING and routable), the event dispatch, scheduled actions, the team's deploys and
 * whole-app operations. Not for the lifecycle details (instance.c), updates (platform.c),
 * infrastructure restarts (restart.c) or accounting (metrics.c). */
#include "model-internal.h"

static const char *const cause_names[CAUSE_COUNT] = {
  [CAUSE_PLATFORM_UPDATE] = "platform-update",
  [CAUSE_PLATFORM_RESTART] = "platform-restart",
  [CAUSE_CRASH] = "crash",
  [CAUSE_CELL_FAILURE] = "cell-failure",
  [CAUSE_DB_MAINTENANCE] = "db-maintenance",
  [CAUSE_DB_ENGINE_UPGRADE] = "db-engine-upgrade",
  [CAUSE_DB_FAILURE] = "db-failure",
  [CAUSE_ENVIRONMENT_MAINTENANCE] = "environment-maintenance",
  [CAUSE_DEPLOY] = "deploy",
  [CAUSE_ACTION] = "action",
};

const char *
model_cause_name(ModelCause cause)
{
  g_assert(cause < CAUSE_COUNT);
  return cause_names[cause];
}

void
model_result_clear(ModelResult *result)
{
  if (result->outages != NULL)
    g_array_unref(result->outages);
  if (result->updates_spans != NULL)
    g_array_unref(result->updates_spans);
  memset(result, 0, sizeof *result);
}

gint64
model_now(const Model *model)
{
  return engine_now(model->engine);
}

EngineHandle
model_schedule(Model *model, gint64 time, guint8 priority, ModelEventKind kind, guint32 subject,
               gint64 data)
{
  /* A sum that saturated at ENGINE_NEVER (engine_time_add) lands here too. */
  if (time >= model->sc->horizon)
    return 0;
  return engine_schedule(model->engine, time, priority, kind, subject, data);
}

gint64
model_next_tick_after(const Model *model, gint64 t)
{
  /* Convergence ticks fall at k * interval from time 0 (README, The model in one page). */
  gint64 iv = model->sc->convergence_interval;
  return (t / iv + 1) * iv;
}

gint64
model_tick_at_or_after(const Model *model, gint64 t)
{
  gint64 iv = model->sc->convergence_interval;
  return ((t + iv - 1) / iv) * iv;
}

/* The instants of a calendar schedule inside the horizon; empty for a rate or none. */
static GArray *
schedule_instants(const ScenarioSchedule *schedule, const Scenario *sc)
{
  if (schedule->kind == SCENARIO_UPDATES_CALENDAR)
    return calendar_expand(&schedule->calendar, sc->start, sc->horizon);
  return g_array_new(FALSE, FALSE, sizeof(CalendarInterval));
}

ModelCalendar *
model_calendar_new(const Scenario *sc)
{
  ModelCalendar *cal = g_new0(ModelCalendar, 1);
  cal->business_hours = calendar_expand(&sc->business_hours, sc->start, sc->horizon);
  cal->portal = calendar_expand(&sc->portal_window, sc->start, sc->horizon);
  if (sc->align_to_portal) {
    /* What-if: the RDS window, with its own length, at the start of the portal window
     * (README, The model in one page). */
    gint64 minutes = sc->db_region != NULL
                         ? MODEL_RDS_DEFAULT_WINDOW_MINUTES
                         : calendar_window_minutes_per_week(&sc->db_maintenance_window);
    gint64 len = minutes * 60 * DIST_USEC_PER_SEC;
    cal->db_window = g_array_new(FALSE, FALSE, sizeof(CalendarInterval));
    for (guint i = 0; i < cal->portal->len; i++) {
      CalendarInterval iv = g_array_index(cal->portal, CalendarInterval, i);
      iv.end = MIN(iv.start + len, sc->horizon);
      g_array_append_val(cal->db_window, iv);
    }
  } else {
    /* Empty for a region: each replication draws and expands its own (model_new). */
    cal->db_window = calendar_expand(&sc->db_maintenance_window, sc->start, sc->horizon);
  }
  {
    /* Where time 0 lies in its UTC week, for the per-replication RDS windows: the only
     * calendar work they need, done once per run. */
    g_autoptr(GDateTime) utc = g_date_time_to_utc(sc->start);
    gint64 days = g_date_time_get_day_of_week(utc) - 1; /* 1 = Monday */
    gint64 minutes = (days * 24 + g_date_time_get_hour(utc)) * 60 + g_date_time_get_minute(utc);
    cal->week_offset = minutes * 60 * DIST_USEC_PER_SEC +
                       (gint64) g_date_time_get_second(utc) * DIST_USEC_PER_SEC +
                       g_date_time_get_microsecond(utc);
  }
  cal->updates = schedule_instants(&sc->updates, sc);
  cal->restarts = schedule_instants(&sc->restarts, sc);
  cal->deploys = schedule_instants(&sc->deploys, sc);
  return cal;
}

gint32
model_db_window_draw(const ScenarioRdsRegion *region, DistRng *rng)
{
  /* AWS RDS User Guide, "Amazon RDS maintenance window": a 30-minute window "selected at
   * random from an 8-hour block of time per region, occurring on a random day of the week".
   * The whole window lies inside the block: length - 30 + 1 starts on the minute grid. */
  g_assert(region->length_minutes >= MODEL_RDS_DEFAULT_WINDOW_MINUTES);
  guint64 day = dist_rng_below(rng, 7);
  guint64 starts = region->length_minutes - MODEL_RDS_DEFAULT_WINDOW_MINUTES + 1;
  guint64 offset = dist_rng_below(rng, starts);
  return (gint32) ((day * 24 * 60 + region->start_minute + offset) % MODEL_WEEK_MINUTES);
}

gint32
model_db_window_minute(const Scenario *sc, guint replication)
{
  if (sc->db_region == NULL)
    return -1;
  /* A stream of its own, apart from the block of four per replication that model_new seeds,
   * so drawing the window moves none of the other database draws. */
  DistRng rng;
  dist_rng_seed(&rng, sc->seed, ((guint64) 1 << 62) | replication);
  return model_db_window_draw(sc->db_region, &rng);
}

GArray *
model_db_window_expand(const ModelCalendar *cal, gint32 minute, gint64 length, gint64 horizon)
{
  const gint64 week = (gint64) MODEL_WEEK_MINUTES * 60 * DIST_USEC_PER_SEC;
  GArray *out = g_array_new(FALSE, FALSE, sizeof(CalendarInterval));
  /* The window's first start at or after time 0, then one week earlier, since a window that
   * began before time 0 may still be open at 0. */
  gint64 first = ((gint64) minute * 60 * DIST_USEC_PER_SEC - cal->week_offset) % week;
  if (first < 0)
    first += week;
  for (gint64 t = first - week; t < horizon; t += week) {
    CalendarInterval iv = { .start = MAX(t, 0), .end = MIN(engine_time_add(t, length), horizon) };
    if (iv.end > iv.start)
      g_array_append_val(out, iv);
  }
  return out;
}

void
model_calendar_free(ModelCalendar *cal)
{
  if (cal == NULL)
    return;
  g_array_unref(cal->business_hours);
  g_array_unref(cal->portal);
  g_array_unref(cal->db_window);
  g_array_unref(cal->updates);
  g_array_unref(cal->restarts);
  g_array_unref(cal->deploys);
  g_free(cal);
}

static void dispatch(void *ctx, const EngineEvent *event);

Model *
model_new(const Scenario *sc, const ModelCalendar *cal, guint replication,
          gboolean keep_timeline)
{
  Model *model = g_new0(Model, 1);
  model->sc = sc;
  model->cal = cal;
  model->policy = policy_lookup(sc->evacuation);
  g_assert(model->policy != NULL);
  model->engine = engine_new(dispatch, model);
  /* Separate streams per subsystem keep database outages and update arrivals the same across
   * sweep points that differ only in, say, the instance count (common random numbers). */
  dist_rng_seed(&model->rng, sc->seed, (guint64) replication * 4);
  dist_rng_seed(&model->rng_db, sc->seed, (guint64) replication * 4 + 1);
  dist_rng_seed(&model->rng_platform, sc->seed, (guint64) replication * 4 + 2);
  /* Model v2's streams live in a block of their own above 2^32 (eight per replication), so
   * the streams above keep their numbers and adding a mechanism shifts no other mechanism's
   * draws. */
  guint64 v2 = (G_GUINT64_CONSTANT(1) << 32) + (guint64) replication * 8;
  dist_rng_seed(&model->rng_restart, sc->seed, v2);
  dist_rng_seed(&model->rng_deploy, sc->seed, v2 + 1);
  dist_rng_seed(&model->rng_evac_poll, sc->seed, v2 + 2);
  dist_rng_seed(&model->rng_batch, sc->seed, v2 + 3);
  model->result.db_window_minute = model_db_window_minute(sc, replication);
  if (sc->db_region != NULL) {
    /* align_to_portal moves the drawn window, with its own 30 minutes, to the start of the
     * portal window: the run's calendar holds that already. */
    if (sc->align_to_portal)
      model->db_window = g_array_ref(cal->db_window);
    else
      model->db_window = model_db_window_expand(
          cal, model->result.db_window_minute,
          (gint64) MODEL_RDS_DEFAULT_WINDOW_MINUTES * 60 * DIST_USEC_PER_SEC, sc->horizon);
  } else {
    model->db_window = g_array_ref(cal->db_window);
  }

  model->n_cells = sc->cells;
  model->cells = g_new0(Cell, sc->cells);
  model->zone_load = g_new0(guint, sc->azs);
  model->scratch = g_new0(guint32, sc->cells);
  for (guint i = 0; i < sc->cells; i++) {
    model->cells[i] = (Cell){
      .state = CELL_UP,
      .zone = i % sc->azs,
      .head = MODEL_NONE,
    };
  }

  foundation_init(model);  /* also gives each cell its tenant slots */

  guint n = sc->instances;
  for (guint i = 0; i < sc->actions->len; i++) {
    const ScenarioAction *a = g_ptr_array_index(sc->actions, i);
    if (a->kind == SCENARIO_ACTION_SCALE)
      n = MAX(n, a->instances);
  }
  model->n_index = n;
  model->index = g_new0(Index, n);
  for (guint i = 0; i < n; i++)
    model->index[i] = (Index){
      .state = INDEX_ABSENT,
      .ordinary = MODEL_NONE,
      .evacuating = MODEL_NONE,
      .start_when_gone = MODEL_NONE,
    };
  model->free_containers = MODEL_NONE;
  model->desired = sc->instances;
  model->db_up = TRUE;
  model->rolling_next = MODEL_NONE;
  model->result.outages = g_array_new(FALSE, FALSE, sizeof(ModelInterval));
  model->result.updates_spans = g_array_new(FALSE, FALSE, sizeof(ModelInterval));
  if (keep_timeline)
    model->timeline = g_array_new(FALSE, FALSE, sizeof(ModelSample));
  return model;
}

void
model_free(Model *model)
{
  if (model == NULL)
    return;
  engine_free(model->engine);
  g_free(model->cells);
  foundation_clear(model);
  g_free(model->zone_load);
  g_free(model->scratch);
  g_free(model->index);
  g_free(model->containers);
  if (model->db_outages != NULL)
    g_array_unref(model->db_outages);
  if (model->db_window != NULL)
    g_array_unref(model->db_window);
  if (model->timeline != NULL)
    g_array_unref(model->timeline);
  model_result_clear(&model->result);
  g_free(model);
}

/* ---- whole-app operations ---- */

static void
start_all(Model *model)
{
  model->restarting = FALSE;
  for (guint i = 0; i < model->desired; i++) {
    Index *x = &model->index[i];
    if (x->state == INDEX_WAITING) {
      /* An app restart creates new ActualLRPs, so their crash counts start again. */
      x->crash_count = 0;
      instance_start_index(model, i);
    }
  }
}

void
model_restart_app(Model *model, ModelCause cause)
{
  /* Stop all, then start all: downtime whatever the instance count (Mendix docs, Maintenance
   * Windows; Deploy API: stop, then start). "Start all" is one auction per index at the
   * instant the last container, evacuating copies included, is gone. */
  model->restarting = TRUE;
  model->restart_cause = cause;
  model->rolling_next = MODEL_NONE;
  for (guint32 id = 0; id < model->n_containers; id++) {
    Container *k = &model->containers[id];
    if (k->state == CONTAINER_STARTING || k->state == CONTAINER_RUNNING)
      instance_stop(model, id, cause);
  }
  for (guint i = 0; i < model->n_index; i++) {
    Index *x = &model->index[i];
    /* Retries and crash back-offs of the old instances are void: the new ones start at
     * "start all". */
    instance_cancel_place(model, i);
    x->stop_old_when_running = FALSE;
    x->start_when_gone = MODEL_NONE;
    x->state = i < model->desired ? INDEX_WAITING : INDEX_ABSENT;
  }
  if (model->alive == 0)
    start_all(model);
}

void
model_set_desired(Model *model, guint desired, ModelCause cause)
{
  g_assert(desired <= model->n_index);
  guint before = model->desired;
  model->desired = desired;
  for (guint i = desired; i < before; i++) {
    Index *x = &model->index[i];
    if (x->ordinary != MODEL_NONE)
      instance_stop(model, x->ordinary, cause);
    if (x->evacuating != MODEL_NONE)
      instance_stop(model, x->evacuating, cause);
    x->state = INDEX_ABSENT;
  }
  for (guint i = before; i < desired; i++) {
    Index *x = &model->index[i];
    x->crash_count = 0;
    if (model->restarting)
      x->state = INDEX_WAITING;
    else
      instance_start_index(model, i);
  }
}

/* cf restart --strategy rolling: the next batch of indices gets a new instance each while
 * the old keeps serving; each old one stops when its new one runs. */
static void
rolling_restart_batch(Model *model)
{
  while (model->rolling_batch == 0 && model->rolling_next != MODEL_NONE) {
    if (model->rolling_next >= model->desired) {
      model->rolling_next = MODEL_NONE;
      return;
    }
    guint end = MIN(model->rolling_next + model->rolling_max, model->desired);
    for (guint i = model->rolling_next; i < end; i++) {
      Index *x = &model->index[i];
      if (x->state != INDEX_RUNNING || x->evacuating != MODEL_NONE)
        continue;
      Container *k = &model->containers[x->ordinary];
      k->evacuating = TRUE;
      x->evacuating = x->ordinary;
      x->ordinary = MODEL_NONE;
      x->stop_old_when_running = TRUE;
      model->rolling_batch++;
      instance_start_index(model, i);
    }
    model->rolling_next = end;
  }
}

void
model_index_running(Model *model, guint32 index)
{
  Index *x = &model->index[index];
  restart_index_settled(model, index);
  platform_index_settled(model, index);
  if (!x->stop_old_when_running)
    return;
  x->stop_old_when_running = FALSE;
  if (x->evacuating != MODEL_NONE)
    instance_stop(model, x->evacuating, CAUSE_ACTION);
  g_assert(model->rolling_batch > 0);
  model->rolling_batch--;
  rolling_restart_batch(model);
}

void
model_index_crashed(Model *model, guint32 index)
{
  restart_index_settled(model, index);
  platform_index_settled(model, index);
}

void
model_container_gone(Model *model, guint32 cell)
{
  if (cell != MODEL_NONE && model->cells[cell].state == CELL_DRAINING)
    platform_check_drained(model, cell);
  if (model->restarting && model->alive == 0)
    start_all(model);
}

/* The team's own deploys (app.deploys): stop all, database sync, start all, like a deploy
 * action. Drawn arrivals come from a stream of their own. */
static void
schedule_next_deploy(Model *model)
{
  gint64 t = dist_poisson_next(model->sc->deploys.rate, model_now(model), &model->rng_deploy);
  model_schedule(model, t, PRIO_NORMAL, EV_DEPLOY_ARRIVAL, 0, 0);
}

static void
deploys_init(Model *model)
{
  const Scenario *sc = model->sc;
  if (sc->deploys.kind == SCENARIO_UPDATES_RATE) {
    schedule_next_deploy(model);
  } else if (sc->deploys.kind == SCENARIO_UPDATES_CALENDAR) {
    for (guint i = 0; i < model->cal->deploys->len; i++) {
      const CalendarInterval *iv = &g_array_index(model->cal->deploys, CalendarInterval, i);
      model_schedule(model, iv->start, PRIO_NORMAL, EV_DEPLOY_ARRIVAL, 1, 0);
    }
  }
}

static void
run_action(Model *model, guint number)
{
  const Scenario *sc = model->sc;
  const ScenarioAction *a = g_ptr_array_index(sc->actions, number);
  gint64 now = model_now(model);
  switch (a->kind) {
  case SCENARIO_ACTION_SCALE:
    if (a->duration > 0)
      model_schedule(model, engine_time_add(now, a->duration), PRIO_NORMAL, EV_SCALE_BACK,
                     number, model->desired);
    model_set_desired(model, a->instances, CAUSE_ACTION);
    break;
  case SCENARIO_ACTION_RESTART:
    model_restart_app(model, CAUSE_ACTION);
    break;
  case SCENARIO_ACTION_DEPLOY:
    /* A Mendix deploy is stop all, database sync, start all; the sync runs in the leader's
     * startup, which app.startup (and the -t 180 start timeout) covers. An action takes the
     * cause of its kind where one exists. */
    model_restart_app(model, CAUSE_DEPLOY);
    break;
  case SCENARIO_ACTION_ROLLING_RESTART:
    if (model->restarting)
      break;
    model->rolling_next = 0;
    model->rolling_batch = 0;
    model->rolling_max = MAX(a->max_in_flight, 1u);
    rolling_restart_batch(model);
    break;
  case SCENARIO_ACTION_CELL_FAILURE:
    platform_fail_cell(model, a->cell, CAUSE_CELL_FAILURE,
                       dist_sample(&sc->cell_recreate, &model->rng_platform));
    break;
  case SCENARIO_ACTION_AZ_OUTAGE:
    for (guint c = a->zone; c < model->n_cells; c += sc->azs)
      platform_fail_cell(model, c, CAUSE_ACTION, a->duration);
    break;
  case SCENARIO_ACTION_DB_FAILOVER:
    /* Drawn up front with the other database outages (database.c). */
    break;
  case SCENARIO_ACTION_PLATFORM_UPDATE:
    platform_update_arrives(model);
    break;
  default:
    g_assert_not_reached();
  }
}

static void
dispatch(void *ctx, const EngineEvent *event)
{
  Model *model = ctx;
  switch ((ModelEventKind) event->kind) {
  case EV_PLACE:
  case EV_HEALTHY:
  case EV_START_CRASH:
  case EV_READY:
  case EV_ROUTE_REGISTER:
  case EV_ROUTE_UNREGISTER:
  case EV_CRASH:
  case EV_GONE:
    instance_handle(model, event);
    break;
  case EV_DB_DOWN:
  case EV_DB_UP:
  case EV_DB_LOSS_CRASH:
  case EV_ENV_MAINTENANCE:
    database_handle(model, event);
    break;
  case EV_UPDATE_ARRIVAL:
  case EV_BATCH_START:
  case EV_EVAC_POLL:
  case EV_EVAC_TIMEOUT:
  case EV_RECREATE_DONE:
  case EV_WATCH_DONE:
  case EV_CELL_FAILURE:
  case EV_CELL_BACK:
    platform_handle(model, event);
    break;
  case EV_ACTION:
    run_action(model, event->subject);
    break;
  case EV_SCALE_BACK:
    model_set_desired(model, (guint) event->data, CAUSE_ACTION);
    break;
  case EV_RESTART_ARRIVAL:
  case EV_RESTART_NEXT:
  case EV_RESTART_TIMEOUT:
    restart_handle(model, event);
    break;
  case EV_DEPLOY_ARRIVAL:
    if (event->subject == 0)
      schedule_next_deploy(model);
    model_restart_app(model, CAUSE_DEPLOY);
    break;
  case EV_KIND_COUNT:
  default:
    g_assert_not_reached();
  }
  metrics_after_event(model);
}

/* Time 0: the app in its steady state, every instance RUNNING and routable on a placed cell
 * with crash count 0 (README, The model in one page). */
static void
place_initial(Model *model)
{
  for (guint i = 0; i < model->desired; i++) {
    guint32 cell = foundation_place(model, i);
    if (cell == MODEL_NONE)
      instance_start_index(model, i);  /* a full foundation: it waits like any other */
    else
      instance_place_running(model, i, cell);
  }
}

void
model_start(Model *model)
{
  const Scenario *sc = model->sc;
  database_init(model);
  platform_init(model);
  restart_init(model);
  deploys_init(model);
  for (guint i = 0; i < sc->actions->len; i++) {
    const ScenarioAction *a = g_ptr_array_index(sc->actions, i);
    engine_schedule(model->engine, a->at, PRIO_NORMAL, EV_ACTION, i, 0);
  }
  place_initial(model);
  metrics_start(model);
}

/* How much simulated time runs between two looks at the cancel flag: small enough that a
 * signal is answered within a second even for the largest foundations, large enough to cost
 * nothing. */
#define CANCEL_SLICE (86400 * DIST_USEC_PER_SEC)

void
model_run(Model *model)
{
  gint64 horizon = model->sc->horizon;
  model_start(model);
  /* Each slice starts at the next pending event, so a stretch with nothing due (a foundation
   * gone quiet) costs no slices, and the run ends when nothing is due before the horizon.
   * Slicing never changes the order of events, only where the cancel flag is read. */
  for (gint64 next; (next = engine_next_time(model->engine)) < horizon;) {
    engine_run(model->engine, MIN(engine_time_add(next, CANCEL_SLICE), horizon));
    if (model_cancelled(model))
      return;
  }
  engine_run(model->engine, horizon); /* nothing left to dispatch: the clock to the horizon */
  metrics_finish(model);
}

gboolean
model_cancelled(const Model *model)
{
  return model->cancel != NULL && g_atomic_int_get(model->cancel);
}

void
model_set_cancel(Model *model, const volatile gint *cancel)
{
  model->cancel = cancel;
}

const ModelResult *
model_get_result(const Model *model)
{
  return &model->result;
}

GArray *
model_steal_timeline(Model *model)
{
  return g_steal_pointer(&model->timeline);
}
