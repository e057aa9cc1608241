/* model.h: one replication of the Cloud Foundry model, as the rest of zdsim sees it: the
 * causes of downtime, the calendars a run expands once, a replication's figures (ModelResult)
 * and its timeline, and model_new()/model_run(). What a replication is made of (cells,
 * containers, indexes, event kinds) is the model's own business: sim/model-internal.h, shared
 * by the model's modules only (as SQLite's btree.h stands to btreeInt.h). Not for SQLite,
 * gnuplot or HTTP. */
#pragma once

#include <glib.h>

#include "zdsim/dist.h"
#include "zdsim/policy.h"
#include "zdsim/scenario.h"

G_BEGIN_DECLS

/* Causes of downtime (README, JSON: downtime_by_cause_s); the order is the order of reports. Every
 * second of downtime has exactly one, so a replication's causes add up to its downtime.
 * Capacity shortfall (up, but routable capacity below demand) is not downtime and not a cause:
 * it is ModelResult.capacity_short_time. */
typedef enum {
  CAUSE_PLATFORM_UPDATE,         /* a Diego cell roll (evacuation) */
  CAUSE_PLATFORM_RESTART,        /* infrastructure maintenance: stop-first restart per index */
  CAUSE_CRASH,
  CAUSE_CELL_FAILURE,            /* a cell vanished without draining */
  CAUSE_DB_MAINTENANCE,
  CAUSE_DB_ENGINE_UPGRADE,
  CAUSE_DB_FAILURE,
  CAUSE_ENVIRONMENT_MAINTENANCE,
  CAUSE_DEPLOY,                  /* the team's own deploys (app.deploys) */
  CAUSE_ACTION,                  /* a scheduled [action] without a cause of its own */
  CAUSE_COUNT
} ModelCause;

/* The name of @cause as in JSON and the database ("platform-update"). */
const char *model_cause_name(ModelCause cause);

/* Calendar intervals expanded once per run and shared read-only by every replication. */
typedef struct {
  GArray *business_hours;  /* CalendarInterval */
  GArray *portal;          /* portal maintenance window */
  GArray *db_window;       /* RDS window (moved into the portal window when aligned); empty
                              for a `region NAME` not aligned: each replication draws its own
                              (model_db_window_expand) */
  gint64 week_offset;      /* µs from Monday 00:00 UTC of the start's week to the start */
  GArray *updates;         /* instants of a calendar update schedule */
  GArray *restarts;        /* instants of a calendar infrastructure restart schedule */
  GArray *deploys;         /* instants of a calendar deploy schedule */
} ModelCalendar;

typedef struct {
  gint64 start, end;
  ModelCause cause;
} ModelInterval;

/* The per-replication figures of README's JSON metric table, before they are scaled to a year. */
typedef struct {
  gint64 horizon;
  gint64 warmup;               /* metrics count only [warmup, horizon) (scenario.warmup) */
  gint64 up_time;              /* >= 1 serving instance and database up */
  gint64 db_down_time;
  gint64 zero_instance_time;   /* no serving instance while the database was up */
  gint64 capacity_ok_time;     /* database up and serving capacity >= demand */
  gint64 capacity_short_time;  /* up, but routable capacity below demand (not downtime) */
  gint64 tenant_slot_wait;     /* slot-microseconds other tenants' slots waited for a cell
                                  (README, The model in one page); a foundation figure.
                                  Booked up to the horizon when a slot starts waiting, so
                                  final only once the run is over */
  gint64 reported_up_time;     /* instance 0 serving and database up */
  gint64 business_time;        /* length of business hours within the horizon */
  gint64 business_up_time;
  gint64 down_outside_portal;
  double offered;              /* requests */
  double served;
  double container_us;         /* container-microseconds (cost) */
  gint64 down_by_cause[CAUSE_COUNT]; /* sums to horizon - warmup - up_time exactly */
  gint32 db_window_minute;     /* the RDS window drawn for a `region NAME`: its start in
                                  minutes from Monday 00:00 UTC (0..10079); -1 when none */
  guint64 evacuations;
  guint64 crashes;
  guint64 updates;             /* platform updates completed */
  guint64 events;
  GArray *outages;             /* ModelInterval, in time order */
  GArray *updates_spans;       /* ModelInterval: each piece of platform work on the app's
                                  instances, start, end and cause: a platform update
                                  (CAUSE_PLATFORM_UPDATE) or an infrastructure restart
                                  (CAUSE_PLATFORM_RESTART), in the order they ended */
} ModelResult;

void model_result_clear(ModelResult *result);

/* One sample of the timeline kept for plots (a state change). */
typedef struct {
  gint64 time;
  guint16 serving;
  guint16 starting;
  guint16 containers;
  gboolean db_up;
} ModelSample;


/* A model for replication @replication of @sc with calendars @cal; keep_timeline asks for a
 * state-change timeline (for plots). Returns: (transfer full). */
Model *model_new(const Scenario *sc, const ModelCalendar *cal, guint replication,
                 gboolean keep_timeline);
void model_free(Model *model);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Model, model_free)

/* Runs the replication to the horizon and fills its result (model_get_result()). */
void model_run(Model *model);
/* When @cancel is set and becomes non-zero, model_run() returns early (results invalid). */
void model_set_cancel(Model *model, const volatile gint *cancel);
/* Whether the last model_run() was cut short by the cancel flag. */
gboolean model_cancelled(const Model *model);
/* The figures of the last model_run(). Returns: (transfer none). */
const ModelResult *model_get_result(const Model *model);
/* The state-change timeline kept when model_new() was asked for one, or NULL. Returns:
 * (transfer full). */
GArray *model_steal_timeline(Model *model);

/* Expands the scenario's calendars for a run. Returns: (transfer full). */
ModelCalendar *model_calendar_new(const Scenario *sc);
void model_calendar_free(ModelCalendar *cal);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ModelCalendar, model_calendar_free)

/* Minutes in a week; a drawn RDS window's start is a minute of the UTC week (0 = Monday
 * 00:00 UTC). */
#define MODEL_WEEK_MINUTES (7 * 24 * 60)
/* The length of the default window RDS assigns (AWS RDS User Guide, "Amazon RDS maintenance
 * window": a 30-minute window). */
#define MODEL_RDS_DEFAULT_WINDOW_MINUTES 30

/* Draws AWS's default RDS window for @region: a uniformly random day (two draws from @rng:
 * the day, then the start), and a start uniform on the 1-minute grid such that the whole
 * 30-minute window lies inside the region's block on that day (451 starts for an 8-hour
 * block); the day is the day the block starts, so a block that runs past midnight puts the
 * window on the next day. Returns its start in minutes of the UTC week, 0..10079. */
gint32 model_db_window_draw(const ScenarioRdsRegion *region, DistRng *rng);

/* The window replication @replication of @sc draws for its `region NAME` (on a stream of its
 * own, seeded from (seed, replication) alone, so a stored run's windows can be drawn again
 * from its scenario), or -1 when the window is fixed. */
gint32 model_db_window_minute(const Scenario *sc, guint replication);

/* The intervals in [0, @horizon) of a weekly UTC window that starts at @minute of the UTC
 * week and lasts @length µs, for the run whose calendars are @cal (UTC needs no calendar:
 * pure arithmetic from cal->week_offset, microseconds per replication). Clipped to
 * [0, horizon) as calendar_expand() clips. Returns: (transfer full) a GArray of
 * CalendarInterval. */
GArray *model_db_window_expand(const ModelCalendar *cal, gint32 minute, gint64 length,
                               gint64 horizon);

G_END_DECLS
