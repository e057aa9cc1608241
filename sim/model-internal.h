/* model-internal.h: the state of one replication of the Cloud Foundry model, shared by the
 * model's modules (foundation, instance, platform, restart, policy_*, database, traffic,
 * metrics, model) and by the tests that step a model event by event; everything else sees
 * include/zdsim/model.h only.
 *
 * Vocabulary follows Diego's: an *index* is an ActualLRP instance index of the app (its crash
 * count lives there); a *container* is one running copy of an index on a cell. An index has at
 * most one ordinary container and, while a cell evacuates it, one evacuating copy
 * (bbs controllers/evacuation_controller.go). Not for the calendar: the run expands calendars
 * once into ModelCalendar before any replication starts. */
#pragma once

#include "zdsim/engine.h"
#include "zdsim/model.h"

G_BEGIN_DECLS

#define MODEL_NONE G_MAXUINT32

/* Event kinds of the model (the engine only carries them). */
typedef enum {
  EV_PLACE,            /* subject = index: auction it */
  EV_HEALTHY,          /* subject = container: first passing health check */
  EV_START_CRASH,      /* subject = container: start failed or timed out */
  EV_READY,            /* subject = container: process health check: the app can serve now */
  EV_ROUTE_REGISTER,   /* subject = container */
  EV_ROUTE_UNREGISTER, /* subject = container */
  EV_CRASH,            /* subject = container: a RUNNING container crashes (crash_mtbf) */
  EV_GONE,             /* subject = container: a stopping container has exited */
  EV_DB_DOWN,          /* subject = outage number */
  EV_DB_UP,            /* subject = outage number */
  EV_DB_LOSS_CRASH,    /* the database has been down app.db_loss_crash_after */
  EV_UPDATE_ARRIVAL,   /* a routine platform update arrives */
  EV_BATCH_START,      /* the next batch of the running update */
  EV_EVAC_POLL,        /* subject = cell */
  EV_EVAC_TIMEOUT,     /* subject = cell */
  EV_RECREATE_DONE,    /* subject = cell: VM recreated, now watching (takes work) */
  EV_WATCH_DONE,       /* subject = cell */
  EV_CELL_FAILURE,     /* subject = cell: vanishes without drain */
  EV_CELL_BACK,        /* subject = cell: failed cell recreated */
  EV_ENV_MAINTENANCE,  /* portal window: restart the whole app */
  EV_ACTION,           /* subject = action number */
  EV_SCALE_BACK,       /* data = the desired count to go back to */
  EV_RESTART_ARRIVAL,  /* infrastructure maintenance arrives (subject 0: drawn, 1: calendar) */
  EV_RESTART_NEXT,     /* subject = index: its restart begins */
  EV_RESTART_TIMEOUT,  /* subject = index: 10 min since its restart began */
  EV_DEPLOY_ARRIVAL,   /* the team deploys (subject 0: drawn, 1: calendar) */
  EV_KIND_COUNT
} ModelEventKind;

/* Event priorities: evacuation polls run after every other event of their instant
 * (README, The model in one page). */
enum { PRIO_NORMAL = 0, PRIO_LATE = 10 };

typedef enum {
  CONTAINER_FREE,
  CONTAINER_STARTING,
  CONTAINER_RUNNING,
  CONTAINER_STOPPING,
} ContainerState;

typedef struct {
  ContainerState state;
  guint32 index;          /* instance index it runs */
  guint32 cell;
  guint32 prev, next;     /* the cell's list of containers */
  gboolean evacuating;    /* an evacuating copy (old instance kept while its index moves) */
  gboolean routed;        /* route registered in the gorouter */
  gboolean ready;         /* the app answers requests (false while a process-checked app
                             is still starting) */
  gboolean dead;          /* the process is gone but the container's route may linger */
  gint64 placed_at;
  gint64 running_at;
  gint64 startup;         /* drawn startup time (process health check: ready after it) */
  gboolean doomed;        /* this start fails (app.start_failure) */
  EngineHandle pending;   /* health, start-crash, crash or gone event */
  EngineHandle ready_ev;  /* process health check: the moment the app can serve */
  EngineHandle route_ev;  /* registration or unregistration event */
  ModelCause stop_cause;  /* why it was stopped (for outage attribution) */
} Container;

typedef enum {
  INDEX_ABSENT,     /* not desired (scaled down) */
  INDEX_UNCLAIMED,  /* waiting for placement */
  INDEX_STARTING,
  INDEX_RUNNING,
  INDEX_CRASHED,    /* waiting for its restart, or for good at 200 crashes */
  INDEX_WAITING,    /* stopped until an app restart starts it again */
} IndexState;

typedef struct {
  IndexState state;
  guint crash_count;
  guint32 ordinary;       /* container, or MODEL_NONE */
  guint32 evacuating;     /* evacuating copy, or MODEL_NONE */
  gboolean place_pending; /* an EV_PLACE is scheduled */
  gboolean stop_old_when_running; /* rolling restart: stop the copy once this runs */
  guint32 start_when_gone;  /* stop-start: auction again when this container is gone */
  EngineHandle place_ev;    /* the pending EV_PLACE, when place_pending */
  gint64 place_at;          /* its time */
} Index;

typedef enum {
  CELL_UP,          /* takes work */
  CELL_DRAINING,    /* evacuating: takes no work */
  CELL_RECREATING,  /* VM being recreated: takes no work */
  CELL_WATCHING,    /* back and taking work, BOSH still watching */
  CELL_FAILED,      /* vanished */
} CellState;

typedef struct {
  CellState state;
  guint zone;
  guint tenants;          /* slots other tenants' work takes: round(capacity * utilization)
                             at time 0; they move when the cell drains or fails (README, The
                             model in one page) */
  guint app_containers;   /* this app's containers on the cell, STOPPING ones included */
  guint32 head;           /* first container on the cell, or MODEL_NONE */
  gboolean drain_timed_out;
  gboolean in_update;     /* part of the running update's batch */
  EngineHandle poll_ev, timeout_ev;
  gint64 poll_next;         /* while draining: the next instant on the cell's poll grid */
  gboolean poll_idle;       /* no poll scheduled: none would act (Policy.polls) */
  EngineHandle failure_ev;  /* the next random failure (platform.cell_failure_mtbf) */
  guint32 bucket_pos;       /* place in its zone's bucket, when it takes work and has room */
  gboolean indexed;         /* in its zone's bucket (takes work and has a free slot) */
  guint32 level;            /* the used slots it is filed under in the tenant levels, or
                               MODEL_NONE when it takes no work */
  guint32 timer_gen;        /* bumped when the cell vanishes: its recreate and watch events
                               (which carry it as data) go stale */
} Cell;

/* The auction's index of one zone: the cells that take work, bucketed by how many of the
 * app's containers they hold, so a placement finds the best cells without a scan. */
/* The cells that take work with one count of used slots: a bit per cell, and a bit per word
 * of those bits that is not 0, so the lowest-numbered is found in a few word reads. */
typedef struct {
  guint64 *bits;            /* level_words words; NULL until a cell first has this count */
  guint64 *summary;         /* level_words / 64 rounded up words */
  guint count;
} TenantLevel;

typedef struct {
  guint32 *cells;           /* in no order: a removal moves the last cell into the hole */
  guint len, cap;
  guint *by_tenants;        /* by_tenants[t]: how many of them hold t tenant slots */
  guint n_by;
  guint least;              /* none of them holds fewer tenant slots */
} CellBucket;

typedef struct {
  CellBucket *buckets;      /* buckets[n]: the cells holding n of the app's containers */
  guint n_buckets;
} ZoneIndex;

struct Model {
  const Scenario *sc;
  const ModelCalendar *cal;
  const Policy *policy;
  Engine *engine;
  DistRng rng;             /* lifecycle: startups, health-poll phases, crashes, lags,
                              placement ties */
  DistRng rng_db;          /* database outages and environment maintenance */
  DistRng rng_platform;    /* platform update arrivals, cell recreates and cell failures */
  DistRng rng_restart;     /* infrastructure restart arrivals */
  DistRng rng_deploy;      /* the team's deploy arrivals */
  DistRng rng_evac_poll;   /* each drain's evacuation poll phase */
  DistRng rng_batch;       /* the order of a drained cell's work (README, The model in one page) */

  guint desired;           /* desired instance count now */
  guint n_index;           /* size of index[] (the largest count ever desired) */
  Index *index;

  Container *containers;
  guint32 n_containers, cap_containers;
  guint32 free_containers; /* free list through Container.next */

  Cell *cells;
  guint n_cells;
  guint *zone_load;        /* app containers per zone on cells that take work */
  ZoneIndex *zones;        /* per zone: the auction's buckets */
  guint32 *zone_order;     /* azs places: zones sorted by load during an auction */
  guint32 *scratch;        /* n_cells places: the cells of an update batch */
  TenantLevel *levels;     /* levels[u]: the cells that take work and have u used slots;
                              the least u, lowest cell is where the next tenant slot goes */
  guint n_levels;
  guint64 *occupied;       /* a bit per level with a cell (n_levels bits) */
  guint n_filed;           /* cells in the levels: those that take work */
  guint level_words;       /* guint64 words of a level's bits (n_cells bits) */
  guint tenants_waiting;   /* tenant slots that fitted nowhere, waiting for a cell to come back */
  gboolean batch_open;     /* a drain collects the indexes it auctions now into batch */
  GArray *batch;           /* guint32: those indexes */
  GArray *batch_order;     /* guint32 scratch: the batch's places */

  /* Routing and serving counts, kept up to date by every state change. */
  guint serving;           /* routed, alive and ready containers */
  guint bad_routes;        /* routed but dead or not ready: requests there fail to dial */
  guint starting;
  guint alive;             /* containers that take a slot (STARTING, RUNNING, STOPPING) */
  guint index0_serving;

  /* Database. */
  GArray *db_window;       /* CalendarInterval: this replication's RDS windows (the run's
                              calendar's, or the ones drawn for a region); a reference */
  GArray *db_outages;      /* ModelInterval, merged, sorted */
  gboolean db_up;
  guint db_outage_now;     /* the outage in progress, when !db_up */

  /* Platform update in progress. */
  gboolean update_running;
  guint updates_queued;
  guint update_zone;
  guint update_pos;        /* next cell position within the zone */
  gboolean update_first_batch;
  guint batch_left;        /* cells of the batch not yet done watching */
  gint64 update_started;

  /* App restart in progress (environment maintenance, restart, deploy). */
  gboolean restarting;
  ModelCause restart_cause;

  /* Infrastructure maintenance restart in progress (restart.c). */
  gboolean infra_running;
  gint64 infra_started;    /* when the running one began */
  guint infra_queued;      /* arrivals waiting for the one running */
  guint32 infra_index;     /* the index being restarted */
  gboolean infra_waiting;  /* its new instance is not yet RUNNING or CRASHED */
  EngineHandle infra_timeout_ev;

  /* Rolling restart in progress. */
  guint rolling_next;      /* next index to roll, or MODEL_NONE */
  guint rolling_batch;     /* indices of the batch not yet RUNNING */
  guint rolling_max;

  ModelCause loss_cause;   /* why the last serving instance went away */

  /* Accounting. */
  gint64 acc_time;
  /* The counts the books were last brought up to date with (metrics.c): the figures are
   * integrated only when one of them changes, not at every event. */
  guint acc_serving, acc_bad_routes, acc_alive, acc_index0_serving, acc_starting;
  gboolean acc_db_up;
  ModelCause acc_cause;    /* the cause of downtime since the last accounting time */
  guint64 warm_evacuations, warm_crashes, warm_updates; /* the counters before the warm-up
                                                           ended (subtracted at the end) */
  gboolean was_up;
  gint64 outage_start;
  ModelCause outage_cause;
  guint bh_hint, portal_hint;  /* calendar_overlap() cursors into the business hours and
                                  the portal windows: the accounting only moves forward */
  ModelResult result;

  GArray *timeline;        /* ModelSample, or NULL when not kept */
  const volatile gint *cancel; /* when set, model_run() returns early (results invalid) */
};

/* Draws the database outages, schedules updates and actions, places every instance: the first
 * of model_run()'s three steps (then the engine to the horizon, then metrics_finish()); tests
 * take the steps themselves to watch the state between events. */
void model_start(Model *model);

/* ---- verbs the modules and the policies share ---- */

gint64 model_now(const Model *model);
/* Schedules an event at @time (>= now) unless @time lies at or beyond the horizon (ENGINE_NEVER
 * included), where nothing of it would be seen. Returns: its handle, or 0 when not scheduled. */
EngineHandle model_schedule(Model *model, gint64 time, guint8 priority, ModelEventKind kind,
                            guint32 subject, gint64 data);
/* The first convergence tick strictly after @t (ticks at k * convergence_interval). */
gint64 model_next_tick_after(const Model *model, gint64 t);
/* The first convergence tick at or after @t. */
gint64 model_tick_at_or_after(const Model *model, gint64 t);

/* foundation.c: placement. The cell the auction picks for @index, or MODEL_NONE when no
 * cell that takes work has a free slot. */
guint32 foundation_place(Model *model, guint32 index);
/* Adds or removes a container's slot on its cell and in its zone's load. */
void foundation_attach(Model *model, guint32 container, guint32 cell);
void foundation_detach(Model *model, guint32 container);
/* Sets up and frees the auction's index; foundation_init puts every cell that takes work in. */
void foundation_init(Model *model);
void foundation_clear(Model *model);
/* Whether a cell in @state takes work (counts toward zone balance). */
gboolean foundation_takes_work(CellState state);
/* Sets a cell's state, keeping the zone loads right. */
void foundation_set_cell_state(Model *model, guint32 cell, CellState state);
/* Used slots of @cell: its tenant slots plus this app's containers, STOPPING ones included
 * (README, The model in one page). */
guint foundation_used(const Model *model, guint32 cell);
/* Sets the tenant slots of @cell (tests build foundations with it). */
void foundation_set_tenants(Model *model, guint32 cell, guint tenants);
/* A drain starts collecting the indexes its policy auctions now: from here until
 * foundation_move_work(), an auction requested for now joins the batch instead. */
void foundation_batch_open(Model *model);
/* The hook of instance_request_place(): whether @index, auctioned at @at, joined the open
 * batch (then the batch, not an event, auctions it). */
gboolean foundation_batch_collect(Model *model, guint32 index, gint64 at);
/* Moves the work of @cell, which takes no work any more, now: its tenant slots and the
 * indexes collected since foundation_batch_open() (none when no batch is open), as one batch
 * in a uniformly random order drawn from rng_batch. Each tenant slot goes to the working cell
 * with the fewest used slots (ties: lowest cell number) or waits when none has room; each
 * index goes through the auction. Leaves @cell without tenant slots. */
void foundation_move_work(Model *model, guint32 cell);
/* @cell, back from a recreate and about to take work, takes as many waiting tenant slots as
 * fit. */
void foundation_take_waiting(Model *model, guint32 cell);

/* instance.c: the lifecycle. */
/* Auctions @index at @at: schedules an EV_PLACE there, unless one is pending no later; or,
 * while a drain collects its batch and @at is now, adds it to the batch. */
void instance_request_place(Model *model, guint32 index, gint64 at);
/* The auction of an EV_PLACE, run at once: a drain's batch places its indexes so. */
void instance_auction(Model *model, guint32 index);
/* Cancels a pending auction of @index (a retry or a crash back-off). */
void instance_cancel_place(Model *model, guint32 index);
/* Retires @index whatever its state (cf restart-app-instance): a STARTING or RUNNING
 * container stops, pending retries and back-offs are cancelled, and the index is auctioned
 * on the next convergence tick as a new instance with crash count 0 (waiting instead while
 * the whole app restarts). An evacuating copy of the index is left to its drain. */
void instance_retire(Model *model, guint32 index, ModelCause cause);
/* Stops a container: route removed after the unregistration lag, proxy drain, SIGTERM,
 * SIGKILL at 10 s. Detaches it from its index. */
void instance_stop(Model *model, guint32 container, ModelCause cause);
/* Kills a container at once (cell vanished): no drain; its route lingers until
 * @route_gone_at. */
void instance_kill(Model *model, guint32 container, gint64 route_gone_at, ModelCause cause);
/* Makes the RUNNING ordinary container of its index the evacuating copy and auctions the
 * index at once (BBS EvacuateRunningActualLRP). */
void instance_evacuate_running(Model *model, guint32 container);
/* Stops a container and auctions its index again once the container is gone (stop-start). */
void instance_stop_then_start(Model *model, guint32 container, ModelCause cause);
/* Stops a STARTING container and auctions its index at once (EvacuateClaimedActualLRP). */
void instance_evacuate_claimed(Model *model, guint32 container, ModelCause cause);
/* Dispatches the lifecycle events. */
void instance_handle(Model *model, const EngineEvent *event);
/* Time 0: @index RUNNING and routed on @cell already, crash count 0. */
void instance_place_running(Model *model, guint32 index, guint32 cell);
/* Index @index becomes desired (scale up, app start): state UNCLAIMED and auctioned now. */
void instance_start_index(Model *model, guint32 index);
/* A STARTING or RUNNING container crashes now: route removed at once, slot freed, and its
 * index follows the BBS crash-restart policy. */
void instance_crash(Model *model, guint32 container, ModelCause cause);

/* platform.c: routine updates, cell failures, zone outages. */
void platform_init(Model *model);
void platform_handle(Model *model, const EngineEvent *event);
/* A draining cell checks whether its drain is over (no app container left). */
void platform_check_drained(Model *model, guint32 cell);
/* Called when @index becomes RUNNING or CRASHED: the cell of its evacuating copy, if it
 * drains under a POLICY_POLLS_SETTLED policy, polls at the next instant of its poll grid. */
void platform_index_settled(Model *model, guint32 index);
/* Queues or starts a platform update now. */
void platform_update_arrives(Model *model);
/* A cell or a zone fails now (fault or action). */
void platform_fail_cell(Model *model, guint32 cell, ModelCause cause, gint64 back_after);

/* restart.c: infrastructure maintenance, one stop-first restart per index in turn. */
void restart_init(Model *model);
void restart_handle(Model *model, const EngineEvent *event);
/* Called when @index's ordinary container becomes RUNNING or the index becomes CRASHED. */
void restart_index_settled(Model *model, guint32 index);

/* database.c: outages drawn up front, portal environment maintenance. */
void database_init(Model *model);
void database_handle(Model *model, const EngineEvent *event);
/* Whether the database is up at @t, and the end of the outage covering @t. */
gboolean database_up_at(const Model *model, gint64 t, gint64 *outage_end);

/* model.c: whole-app operations used by actions and environment maintenance. */
void model_restart_app(Model *model, ModelCause cause);
void model_set_desired(Model *model, guint desired, ModelCause cause);
/* Called by the lifecycle when an index's ordinary container becomes RUNNING. */
void model_index_running(Model *model, guint32 index);
/* Called when a container is gone (slot freed), or killed with its cell (@cell MODEL_NONE). */
void model_container_gone(Model *model, guint32 cell);
/* Called when an index becomes CRASHED (count >= 3: waiting for its back-off, or for good). */
void model_index_crashed(Model *model, guint32 index);

/* metrics.c: accounting. */
/* Integrates the state of the last accounting time from then to now. */
void metrics_advance(Model *model, gint64 now);
/* After an event: when the counts changed, integrates up to now and notes an up/down change
 * (opens or closes outages); otherwise does nothing. */
void metrics_after_event(Model *model);
/* Opens the books at time 0, after the initial placement. */
void metrics_start(Model *model);
/* Closes the books at the horizon. */
void metrics_finish(Model *model);

/* traffic.c: demand. */
/* Requests offered in [a, b) and the length of [a, b) inside business hours. */
double traffic_offered(Model *model, gint64 a, gint64 b, gint64 *business_overlap);
/* Demand in requests per second inside and outside business hours. */
double traffic_peak_rps(const Model *model);
double traffic_offpeak_rps(const Model *model);

G_END_DECLS
