/* database.c: the app's AWS RDS PostgreSQL database and the Mendix portal window.
 * Every database outage of a replication is drawn up front (maintenance in the weekly RDS
 * window, engine upgrades, random failures, failover actions) and merged, so that a start can
 * ask whether the database will be up at a given health poll; environment maintenance in the
 * portal window restarts the whole app. Not for the instances (instance.c). */
#include "model-internal.h"

static void
add_outage(GArray *outages, gint64 start, gint64 length, ModelCause cause)
{
  ModelInterval iv = { .start = start, .end = engine_time_add(start, length), .cause = cause };
  if (iv.end > iv.start)
    g_array_append_val(outages, iv);
}

static int
outage_cmp(gconstpointer pa, gconstpointer pb)
{
  const ModelInterval *a = pa, *b = pb;
  return a->start < b->start ? -1 : (a->start > b->start);
}

/* The chance that a given week's window is used: min(1, rate x 1 week): the model's reading of
 * a rate of weekly windows. */
static double
weekly_chance(double rate_per_s)
{
  return MIN(1.0, rate_per_s * DIST_SECONDS_PER_WEEK);
}

/* A uniform instant inside [start, end). */
static gint64
uniform_in(DistRng *rng, gint64 start, gint64 end)
{
  return start + (gint64) (dist_rng_double(rng) * (double) (end - start));
}

void
database_init(Model *model)
{
  const Scenario *sc = model->sc;
  DistRng *rng = &model->rng_db;
  GArray *raw = g_array_new(FALSE, FALSE, sizeof(ModelInterval));
  double p_maint = weekly_chance(sc->maintenance_rate);
  double p_engine = weekly_chance(sc->engine_upgrade_rate);

  /* Required patching: Multi-AZ patches the standby, fails over ("typically 60-120 s": AWS
   * RDS User Guide, Multi-AZ failover), patches the old primary; Single-AZ is offline for the
   * patch (AWS re:Post knowledge center, rds-required-maintenance). Engine upgrades take both
   * copies of a Multi-AZ DB instance down together for several minutes (AWS RDS User Guide,
   * Upgrading the PostgreSQL DB engine). Whether the database is Multi-AZ matters here and
   * for failures below; database.multi_az defaults to false because Mendix Cloud's standard
   * plans run one copy and "Premium plans add the multi-AZ fallback" (Mendix docs, Mendix
   * Cloud). Each draw below happens whatever the outcome, so the streams stay aligned across
   * scenarios. The windows are this replication's: a region's drawn window, or the fixed one. */
  const GArray *windows = model->db_window;
  for (guint i = 0; i < windows->len; i++) {
    const CalendarInterval *w = &g_array_index(windows, CalendarInterval, i);
    gboolean maint = dist_rng_double(rng) < p_maint;
    gint64 maint_at = uniform_in(rng, w->start, w->end);
    gint64 maint_len = dist_sample(sc->multi_az ? &sc->failover : &sc->single_az_outage, rng);
    gboolean engine = dist_rng_double(rng) < p_engine;
    gint64 engine_at = uniform_in(rng, w->start, w->end);
    gint64 engine_len = dist_sample(&sc->engine_upgrade_outage, rng);
    if (maint)
      add_outage(raw, maint_at, maint_len, CAUSE_DB_MAINTENANCE);
    if (engine)
      add_outage(raw, engine_at, engine_len, CAUSE_DB_ENGINE_UPGRADE);
  }

  /* Random failures (the model's assumption): failure_mtbf is measured in up time, so the up-time
   * clock starts at 0 and again at the end of each failure (maintenance outages do not pause
   * it). A failure is recovered by a failover when Multi-AZ; a Single-AZ instance has no
   * standby (AWS RDS User Guide, Multi-AZ deployments), so it is down as long as for its
   * maintenance, single_az_outage. */
  for (gint64 t = dist_sample(&sc->failure_mtbf, rng); t < sc->horizon;) {
    gint64 len = dist_sample(sc->multi_az ? &sc->failover : &sc->single_az_outage, rng);
    add_outage(raw, t, len, CAUSE_DB_FAILURE);
    t = engine_time_add(engine_time_add(t, len), dist_sample(&sc->failure_mtbf, rng));
  }

  /* A scheduled failover takes the cause that matches it, db-failure (the model's rule:
   * a scheduled action takes the matching cause where one exists, else "action"). */
  for (guint i = 0; i < sc->actions->len; i++) {
    const ScenarioAction *a = g_ptr_array_index(sc->actions, i);
    if (a->kind == SCENARIO_ACTION_DB_FAILOVER)
      add_outage(raw, a->at, dist_sample(&sc->failover, rng), CAUSE_DB_FAILURE);
  }

  /* Overlapping outages merge; the merged one keeps the cause of the first. */
  g_array_sort(raw, outage_cmp);
  GArray *merged = g_array_new(FALSE, FALSE, sizeof(ModelInterval));
  for (guint i = 0; i < raw->len; i++) {
    ModelInterval iv = g_array_index(raw, ModelInterval, i);
    iv.end = MIN(iv.end, sc->horizon);
    if (iv.start >= iv.end)
      continue;
    if (merged->len > 0) {
      ModelInterval *last = &g_array_index(merged, ModelInterval, merged->len - 1);
      if (iv.start <= last->end) {
        last->end = MAX(last->end, iv.end);
        continue;
      }
    }
    g_array_append_val(merged, iv);
  }
  g_array_unref(raw);
  model->db_outages = merged;

  for (guint i = 0; i < merged->len; i++) {
    const ModelInterval *iv = &g_array_index(merged, ModelInterval, i);
    engine_schedule(model->engine, iv->start, PRIO_NORMAL, EV_DB_DOWN, i, 0);
    if (iv->end < sc->horizon)
      engine_schedule(model->engine, iv->end, PRIO_NORMAL, EV_DB_UP, i, 0);
    gint64 loss_at = engine_time_add(iv->start, sc->db_loss_crash_after);
    if (sc->db_loss_crash_after >= 0 && loss_at < iv->end)
      engine_schedule(model->engine, loss_at, PRIO_NORMAL, EV_DB_LOSS_CRASH, i, 0);
  }

  /* Scheduled environment maintenance inside the portal window restarts the app (Mendix
   * docs, Maintenance Windows). */
  double p_env = weekly_chance(sc->environment_maintenance_rate);
  const GArray *portal = model->cal->portal;
  for (guint i = 0; i < portal->len; i++) {
    const CalendarInterval *w = &g_array_index(portal, CalendarInterval, i);
    gboolean used = dist_rng_double(rng) < p_env;
    gint64 at = uniform_in(rng, w->start, w->end);
    if (used && w->end > w->start)
      engine_schedule(model->engine, at, PRIO_NORMAL, EV_ENV_MAINTENANCE, i, 0);
  }
}

gboolean
database_up_at(const Model *model, gint64 t, gint64 *outage_end)
{
  const GArray *o = model->db_outages;
  /* The last outage starting at or before t. */
  guint lo = 0, hi = o->len;
  while (lo < hi) {
    guint mid = lo + (hi - lo) / 2;
    if (g_array_index(o, ModelInterval, mid).start <= t)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo > 0) {
    const ModelInterval *iv = &g_array_index(o, ModelInterval, lo - 1);
    /* An outage [a, b) is over at b. */
    if (t < iv->end) {
      if (outage_end != NULL)
        *outage_end = iv->end;
      return FALSE;
    }
  }
  return TRUE;
}

void
database_handle(Model *model, const EngineEvent *event)
{
  switch ((ModelEventKind) event->kind) {
  case EV_DB_DOWN:
    model->db_up = FALSE;
    model->db_outage_now = event->subject;
    break;
  case EV_DB_UP:
    model->db_up = TRUE;
    break;
  case EV_DB_LOSS_CRASH: {
    /* Every RUNNING container crashes once the database has been down this long; the crash
     * carries the outage's cause, so the downtime after it keeps that cause until the app is
     * up again. */
    ModelCause cause = g_array_index(model->db_outages, ModelInterval, event->subject).cause;
    for (guint32 id = 0; id < model->n_containers; id++)
      if (model->containers[id].state == CONTAINER_RUNNING)
        instance_crash(model, id, cause);
    break;
  }
  case EV_ENV_MAINTENANCE:
    model_restart_app(model, CAUSE_ENVIRONMENT_MAINTENANCE);
    break;
  default:
    g_assert_not_reached();
  }
}
