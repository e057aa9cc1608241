/* metrics.c: what a replication measures (README, Reading the report): the model's state is
 * piecewise constant between events, so each figure is integrated exactly from one event to the
 * next; outages are opened and closed as the up state changes. Only [warmup, horizon) counts
 * (README, Reading the report): the model runs through the warm-up, the books ignore it. Every
 * microsecond of downtime is booked to exactly one cause (README, Reading the report). Not for
 * statistics over replications (stats.c). */
#include "model-internal.h"

/* Probability that a request fails although @serving endpoints work: gorouter tries up to
 * @attempts distinct endpoints (router.backends.max_attempts) and retries only dial errors
 * (gorouter proxy/fails/classifier_group.go), so a request
 * fails when every endpoint it tries is bad: C(bad, a) / C(pool, a), a = min(attempts, pool). */
static double
all_attempts_bad(guint serving, guint bad, guint attempts)
{
  guint pool = serving + bad;
  if (bad == 0 || pool == 0)
    return 0.0;
  guint a = MIN(attempts, pool);
  double p = 1.0;
  for (guint j = 0; j < a; j++) {
    if (bad <= j)
      return 0.0;
    p *= (double) (bad - j) / (double) (pool - j);
  }
  return p;
}

static gboolean
is_up(const Model *model)
{
  return model->serving > 0 && model->db_up;
}

/* Whether the counts the figures depend on differ from those of the last accounting time. */
static gboolean
counts_changed(const Model *model)
{
  return model->serving != model->acc_serving || model->bad_routes != model->acc_bad_routes ||
         model->alive != model->acc_alive || model->db_up != model->acc_db_up ||
         model->index0_serving != model->acc_index0_serving ||
         model->starting != model->acc_starting;
}

/* The cause of downtime in the state the model is in now (README, The model in one page): while the
 * database is down, its outage's (merged outages keep the cause of the one that began first);
 * otherwise that of the stop or crash that removed the last route. A crash the database loss
 * caused (db_loss_crash_after) carries the outage's cause, so its downtime keeps it until the
 * app is up again. */
static ModelCause
cause_now(const Model *model)
{
  if (!model->db_up)
    return g_array_index(model->db_outages, ModelInterval, model->db_outage_now).cause;
  return model->loss_cause;
}

static void
remember_counts(Model *model)
{
  model->acc_serving = model->serving;
  model->acc_bad_routes = model->bad_routes;
  model->acc_alive = model->alive;
  model->acc_db_up = model->db_up;
  model->acc_index0_serving = model->index0_serving;
  model->acc_starting = model->starting;
  model->acc_cause = cause_now(model);
}

void
metrics_advance(Model *model, gint64 now)
{
  if (now <= model->acc_time)
    return;
  /* Only [warmup, horizon) counts: the part of [acc_time, now) before the warm-up ends is
   * skipped, so an outage straddling it is clipped. */
  gint64 a = MAX(model->acc_time, model->sc->warmup);
  model->acc_time = now;
  if (now <= a)
    return;
  /* The state has been constant since the last accounting time (metrics_after_event runs at
   * every change), so each figure is its rate times the elapsed time. */
  ModelResult *r = &model->result;
  gint64 dt = now - a;
  guint serving = model->acc_serving, bad_routes = model->acc_bad_routes;
  gboolean db_up = model->acc_db_up;
  gboolean up = serving > 0 && db_up;
  gint64 inside = 0;
  double offered = traffic_offered(model, a, now, &inside);
  double secs_in = (double) inside / (double) DIST_USEC_PER_SEC;
  double secs_out = (double) (dt - inside) / (double) DIST_USEC_PER_SEC;

  r->offered += offered;
  r->container_us += (double) model->acc_alive * (double) dt;
  if (up) {
    r->up_time += dt;
    r->business_up_time += inside;
  } else {
    gint64 in_portal = calendar_overlap(model->cal->portal, a, now, &model->portal_hint);
    r->down_outside_portal += dt - in_portal;
    r->down_by_cause[model->acc_cause] += dt;
  }
  if (!db_up)
    r->db_down_time += dt;
  else if (serving == 0)
    r->zero_instance_time += dt;
  if (db_up && model->acc_index0_serving > 0)
    r->reported_up_time += dt;

  if (up) {
    double capacity = serving * model->sc->capacity_rps;
    double ok = 1.0 - all_attempts_bad(serving, bad_routes, model->sc->router_attempts);
    double peak = traffic_peak_rps(model), off = traffic_offpeak_rps(model);
    r->served += secs_in * MIN(peak * ok, capacity) + secs_out * MIN(off * ok, capacity);
    gint64 cap_ok = (capacity >= peak ? inside : 0) + (capacity >= off ? dt - inside : 0);
    r->capacity_ok_time += cap_ok;
    /* Up, but short of capacity: its own figure, not downtime and never a cause. */
    r->capacity_short_time += dt - cap_ok;
  }
}

static void
sample(Model *model)
{
  if (model->timeline == NULL)
    return;
  ModelSample s = {
    .time = model->acc_time,
    .serving = (guint16) MIN(model->serving, G_MAXUINT16),
    .starting = (guint16) MIN(model->starting, G_MAXUINT16),
    .containers = (guint16) MIN(model->alive, G_MAXUINT16),
    .db_up = model->db_up,
  };
  GArray *t = model->timeline;
  if (t->len > 0) {
    ModelSample *last = &g_array_index(t, ModelSample, t->len - 1);
    if (last->serving == s.serving && last->starting == s.starting &&
        last->containers == s.containers && last->db_up == s.db_up)
      return;
    if (last->time == s.time) {
      *last = s;
      return;
    }
  }
  g_array_append_val(t, s);
}

/* Records the outage open since model->outage_start, clipped to the warm-up's end. Its cause
 * is the one it began with (for the outage lists and plots); the downtime by cause is booked
 * microsecond by microsecond in metrics_advance(), so an outage whose cause changes (the
 * database goes down during it) is booked to both. */
static void
close_outage(Model *model, gint64 end)
{
  gint64 start = MAX(model->outage_start, model->sc->warmup);
  /* Outages of zero length are not counted (README, The model in one page); nor those over before
   * the warm-up ended. */
  if (end <= start)
    return;
  ModelInterval iv = { .start = start, .end = end, .cause = model->outage_cause };
  g_array_append_val(model->result.outages, iv);
}

/* Notes the counters as they stand after the last event before the warm-up ends;
 * metrics_finish subtracts them, so only events in [warmup, horizon) count. */
static void
note_warm_counters(Model *model)
{
  if (model_now(model) < model->sc->warmup) {
    model->warm_evacuations = model->result.evacuations;
    model->warm_crashes = model->result.crashes;
    model->warm_updates = model->result.updates;
  }
}

void
metrics_start(Model *model)
{
  note_warm_counters(model);
  model->acc_time = 0;
  remember_counts(model);
  model->was_up = is_up(model);
  if (!model->was_up) {
    model->outage_start = 0;
    model->outage_cause = model->acc_cause;
  }
  sample(model);
}

void
metrics_after_event(Model *model)
{
  note_warm_counters(model);
  /* Most events (a cell without the app recreated, a poll with nothing to do) change none of
   * the counts, and then there is nothing to integrate, open or close (make bench). */
  if (!counts_changed(model))
    return;
  metrics_advance(model, model_now(model));
  remember_counts(model);
  gboolean up = is_up(model);
  if (model->was_up && !up) {
    model->outage_start = model->acc_time;
    /* An outage is listed under what started it (its seconds are booked in
     * metrics_advance). */
    model->outage_cause = model->acc_cause;
  } else if (!model->was_up && up) {
    close_outage(model, model->acc_time);
  }
  model->was_up = up;
  sample(model);
}

void
metrics_finish(Model *model)
{
  const Scenario *sc = model->sc;
  metrics_advance(model, sc->horizon);
  /* An outage open at the horizon is closed there and counted (README, The model in one page). */
  if (!model->was_up)
    close_outage(model, sc->horizon);
  ModelResult *r = &model->result;
  r->horizon = sc->horizon;
  r->warmup = sc->warmup;
  r->business_time = calendar_overlap(model->cal->business_hours, sc->warmup, sc->horizon, NULL);
  r->evacuations -= model->warm_evacuations;
  r->crashes -= model->warm_crashes;
  r->updates -= model->warm_updates;
  model->result.events = engine_events(model->engine);
  sample(model);
}
