/* restart.c: infrastructure maintenance (platform.restarts): region-wide restarts of every
 * app instance, one index at a time, stop first. Not for routine platform updates, which
 * evacuate cells (platform.c), nor for restarts of the whole app (model.c), nor for how one
 * index stops and starts (instance.c).
 *
 * Mendix docs, Maintenance Windows: infrastructure maintenance "uses rolling updates, so
 * multi-instance applications continue to be available. However, applications with a single
 * instance see brief downtime (~1-2 minutes) when their instance is restarted". Each index
 * gets what `cf restart-app-instance` does (cf CLI docs; BBS retires the ActualLRP and
 * convergence creates the missing index): indexes 0..N-1 in order; index i is retired (its
 * container stops; the index is auctioned on the first convergence tick strictly after, as a
 * new instance with crash count 0), and index i+1 begins when i's new instance is RUNNING,
 * or CRASHED in the BBS sense (count >= 3), or 10 min after i began. A restart that arrives
 * while one runs is queued. */
#include "model-internal.h"

/* How long one index may hold up the next: an assumption (Mendix documents only that
 * multi-instance apps stay available, i.e. that the platform waits for the new instance). */
#define INDEX_WAIT_MAX (600 * DIST_USEC_PER_SEC)

static void
schedule_next_arrival(Model *model)
{
  const Scenario *sc = model->sc;
  gint64 t = dist_poisson_next(sc->restarts.rate, model_now(model), &model->rng_restart);
  model_schedule(model, t, PRIO_NORMAL, EV_RESTART_ARRIVAL, 0, 0);
}

void
restart_init(Model *model)
{
  const Scenario *sc = model->sc;
  model->infra_index = MODEL_NONE;
  if (sc->restarts.kind == SCENARIO_UPDATES_RATE) {
    schedule_next_arrival(model);
  } else if (sc->restarts.kind == SCENARIO_UPDATES_CALENDAR) {
    for (guint i = 0; i < model->cal->restarts->len; i++) {
      const CalendarInterval *iv = &g_array_index(model->cal->restarts, CalendarInterval, i);
      model_schedule(model, iv->start, PRIO_NORMAL, EV_RESTART_ARRIVAL, 1, 0);
    }
  }
}

static void begin_restart(Model *model);

/* Index @index begins its restart now; past the last desired index the restart is over. */
static void
begin_index(Model *model, guint32 index)
{
  if (index >= model->desired) {
    /* Kept beside the platform updates' spans, so a timeline can show a restart. */
    ModelInterval span = {
      .start = model->infra_started,
      .end = model_now(model),
      .cause = CAUSE_PLATFORM_RESTART,
    };
    g_array_append_val(model->result.updates_spans, span);
    model->infra_running = FALSE;
    model->infra_index = MODEL_NONE;
    model->infra_waiting = FALSE;
    if (model->infra_queued > 0) {
      model->infra_queued--;
      begin_restart(model);
    }
    return;
  }
  model->infra_index = index;
  model->infra_waiting = TRUE;
  model->infra_timeout_ev =
      model_schedule(model, engine_time_add(model_now(model), INDEX_WAIT_MAX), PRIO_NORMAL,
                     EV_RESTART_TIMEOUT, index, 0);
  instance_retire(model, index, CAUSE_PLATFORM_RESTART);
}

static void
begin_restart(Model *model)
{
  model->infra_running = TRUE;
  model->infra_started = model_now(model);
  begin_index(model, 0);
}

void
restart_index_settled(Model *model, guint32 index)
{
  if (!model->infra_waiting || index != model->infra_index)
    return;
  model->infra_waiting = FALSE;
  engine_cancel(model->engine, model->infra_timeout_ev);
  model->infra_timeout_ev = 0;
  /* The next index begins at this instant, after what this one's change set in motion (its
   * route registration among it). */
  engine_schedule(model->engine, model_now(model), PRIO_NORMAL, EV_RESTART_NEXT, index + 1, 0);
}

void
restart_handle(Model *model, const EngineEvent *event)
{
  switch ((ModelEventKind) event->kind) {
  case EV_RESTART_ARRIVAL:
    if (event->subject == 0)
      schedule_next_arrival(model);
    if (model->infra_running)
      model->infra_queued++;
    else
      begin_restart(model);
    break;
  case EV_RESTART_NEXT:
    begin_index(model, event->subject);
    break;
  case EV_RESTART_TIMEOUT:
    model->infra_timeout_ev = 0;
    if (!model->infra_waiting || event->subject != model->infra_index)
      break;
    model->infra_waiting = FALSE;
    begin_index(model, event->subject + 1);
    break;
  default:
    g_assert_not_reached();
  }
}
