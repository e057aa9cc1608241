/* scenario.h: scenario files (GKeyFile) resolved into a struct the model reads.
 *
 * Every section and key (`zdsim help keys`, `man zdsim-scenario`) with its default; units,
 * distributions, windows, [action NAME], [sweep] and [expect]; --set overrides. Every bad input is
 * refused before anything runs, with errors naming the file, the line, the key and what was
 * expected, and for an unknown key or section the closest known one. Not for running anything. */
#pragma once

#include <glib.h>

#include "zdsim/calendar.h"
#include "zdsim/dist.h"

G_BEGIN_DECLS

#define SCENARIO_ERROR (scenario_error_quark())
GQuark scenario_error_quark(void);

typedef enum {
  SCENARIO_ERROR_INVALID, /* one or more bad keys, values or lines; the message lists all */
  SCENARIO_ERROR_IO,      /* the file cannot be read */
} ScenarioError;

typedef enum {
  SCENARIO_HEALTH_PORT,
  SCENARIO_HEALTH_PROCESS,
  SCENARIO_HEALTH_HTTP,
} ScenarioHealthCheck;

typedef enum {
  SCENARIO_UPDATES_NONE,
  SCENARIO_UPDATES_RATE,     /* Poisson arrivals at ScenarioSchedule.rate */
  SCENARIO_UPDATES_CALENDAR, /* the weekly instants of ScenarioSchedule.calendar */
} ScenarioUpdates;

/* When something recurs: none, a Poisson rate or weekly instants. Platform updates,
 * infrastructure restarts and the team's own deploys all take this form. */
typedef struct {
  ScenarioUpdates kind;
  double rate;               /* per second, when SCENARIO_UPDATES_RATE */
  CalendarWindow calendar;   /* instants (zero-length slots), when SCENARIO_UPDATES_CALENDAR */
} ScenarioSchedule;

typedef enum {
  SCENARIO_TRAFFIC_CONSTANT,       /* peak_rps all the time */
  SCENARIO_TRAFFIC_BUSINESS_HOURS, /* peak_rps inside business hours, offpeak_rps outside */
} ScenarioTraffic;

typedef enum {
  SCENARIO_ACTION_SCALE,
  SCENARIO_ACTION_RESTART,
  SCENARIO_ACTION_DEPLOY,
  SCENARIO_ACTION_ROLLING_RESTART,
  SCENARIO_ACTION_CELL_FAILURE,
  SCENARIO_ACTION_AZ_OUTAGE,
  SCENARIO_ACTION_DB_FAILOVER,
  SCENARIO_ACTION_PLATFORM_UPDATE,
} ScenarioActionKind;

typedef struct {
  char *name;              /* from [action NAME] */
  ScenarioActionKind kind;
  gint64 at;               /* simulation time (µs since scenario.start) */
  guint instances;         /* scale: target count */
  gint64 duration;         /* scale, az-outage: how long (0 = for good, for scale) */
  guint max_in_flight;     /* rolling-restart: instances restarted at once (default 1) */
  guint zone;              /* az-outage: zone index (default 0) */
  guint cell;              /* cell-failure: cell index (default 0) */
} ScenarioAction;

typedef enum {
  SCENARIO_EXPECT_AT_LEAST, /* ">= X": judged on the lower 95 % bound */
  SCENARIO_EXPECT_AT_MOST,  /* "<= X": judged on the upper 95 % bound */
} ScenarioExpectOp;

typedef struct {
  char *metric;            /* the JSON name (README, JSON), e.g. "availability",
                              "max_outage_s", "downtime_per_year_s" */
  char *key;               /* the key as written, e.g. "max_outage" */
  ScenarioExpectOp op;
  double value;            /* in the metric's unit: a fraction, seconds or a count */
  char *text;              /* the value as written, e.g. ">= 99.95%" */
  gint line;
} ScenarioExpect;

/* An AWS region's block of time from which RDS assigns a default maintenance window: a
 * 30-minute slot on a random day, starting at random inside the block (AWS RDS User Guide,
 * "Amazon RDS maintenance window"). */
typedef struct {
  const char *name;        /* "eu-west-1" */
  guint start_minute;      /* of the block, UTC, 0..1439 */
  guint length_minutes;    /* 480 */
  const char *source;      /* the edition of the User Guide that lists it */
} ScenarioRdsRegion;

/* The regions whose block has a source, in table order, and their count. */
const ScenarioRdsRegion *scenario_rds_regions(guint *n_regions);
/* The region called @name, or NULL. */
const ScenarioRdsRegion *scenario_rds_region(const char *name);

typedef struct {
  char *key;               /* "section.key" */
  GPtrArray *values;       /* of char*, in file order */
} ScenarioSweepAxis;

/* One line of [uncertain]: a key and the range zdsim sensitivity varies it over. Both ends
 * parse as values of the key (a distribution key's end may be a plain duration: its median or
 * mean, see scenario_key_info()'s range). */
typedef struct {
  char *key;               /* "section.key" */
  char *low;               /* the ends as written, e.g. "0.001" and "0.02" */
  char *high;
  gint line;               /* in the scenario file */
} ScenarioUncertain;

typedef struct {
  /* [scenario] */
  char *path;              /* the file it came from */
  char *text;              /* the file's text as read, for storage and hashing */
  char **overrides;        /* the --set overrides applied, NULL-terminated (may be empty) */
  char *name;
  char *description;
  GDateTime *start;
  gint64 horizon;
  gint64 warmup;           /* [0, warmup) runs but counts in no metric */
  guint replications;
  guint64 seed;

  /* [app] */
  guint instances;
  guint mendix_version;
  Dist startup;
  double start_failure;
  ScenarioHealthCheck health_check;
  gint64 health_check_timeout;
  Dist graceful_shutdown;
  Dist crash_mtbf;
  ScenarioSchedule deploys;    /* the team's own deploys (cause "deploy") */
  gboolean needs_db_to_start;
  gint64 db_loss_crash_after;  /* -1 = none */
  double capacity_rps;

  /* [platform] */
  guint cells;
  guint azs;
  guint cell_capacity;
  double cell_utilization;
  ScenarioSchedule updates;    /* routine updates that roll the Diego cells (evacuation) */
  ScenarioSchedule restarts;   /* infrastructure maintenance: every index restarted, stop
                                  first, one at a time (cause "platform-restart") */
  guint max_in_flight;
  guint canaries;
  Dist cell_recreate;
  gint64 watch_time;
  gint64 evacuation_timeout;
  gint64 evacuation_poll;
  gint64 convergence_interval;
  gint64 proxy_drain;
  Dist registration_lag;
  Dist unregistration_lag;
  guint router_attempts;
  Dist cell_failure_mtbf;
  gint64 max_health_check_timeout;

  /* [policy] */
  char *evacuation;            /* a policy name known to policy_lookup() */

  /* [database] */
  gboolean multi_az;
  CalendarWindow db_maintenance_window; /* a fixed window; empty when db_region is set */
  const ScenarioRdsRegion *db_region;   /* `region NAME`: each replication draws AWS's default
                                           window for the region; NULL for a fixed window */
  double maintenance_rate;     /* per second */
  Dist failover;
  Dist single_az_outage;
  double engine_upgrade_rate;  /* per second */
  Dist engine_upgrade_outage;
  Dist failure_mtbf;
  gboolean align_to_portal;

  /* [portal] */
  CalendarWindow portal_window;
  double environment_maintenance_rate; /* per second */

  /* [traffic] */
  ScenarioTraffic traffic;
  CalendarWindow business_hours;       /* zone = traffic.timezone */
  char *timezone;
  double peak_rps;
  double offpeak_rps;

  GPtrArray *actions;          /* of ScenarioAction*, sorted by time */
  GPtrArray *expects;          /* of ScenarioExpect*, in file order */
  GPtrArray *sweep;            /* of ScenarioSweepAxis*, in file order; empty when none */
  GPtrArray *notes;            /* of char*: how a value was read where it needs saying, placed
                                  like an error ("FILE:LINE: key: ..."); the CLI prints them */
  GPtrArray *uncertain;        /* of ScenarioUncertain*, in file order; empty when the file has
                                  no [uncertain] (only zdsim sensitivity reads it) */
  GPtrArray *zones;            /* of GTimeZone*: the zones the scenario names, held so that
                                  GLib reads each once while the scenario lives */
} Scenario;

/* Loads and validates @path, then applies @overrides ("section.key=value", may be NULL).
 * Returns: (transfer full) the scenario, or NULL with @error (SCENARIO_ERROR) whose message
 * lists every problem, one per line, as "FILE:LINE: section.key: expected ..., got '...'". */
Scenario *scenario_load(const char *path, const char *const *overrides, GError **error);

/* The same from text in memory; @path only names it in messages. */
Scenario *scenario_load_data(const char *text, gsize length, const char *path,
                             const char *const *overrides, GError **error);

/* The same for one point of @base's sweep: @base's text and path with @overrides (@base's
 * own and the point's). Each value of [sweep] was checked when @base loaded, so it is not
 * checked again (a sweep of N points would otherwise resolve N scenarios per point), and the
 * point shares @base's sweep axes instead of reading [sweep] again (which made loading a
 * sweep quadratic in its points). Returns: (transfer full) the scenario, or NULL with
 * @error. */
Scenario *scenario_load_sweep_point(const Scenario *base, const char *const *overrides,
                                    GError **error);

void scenario_free(Scenario *scenario);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Scenario, scenario_free)

/* The scenario resolved with every default, as a scenario file that scenario_load reads back
 * to the same values. Returns: (transfer full). */
char *scenario_to_string(const Scenario *scenario);

/* The points of [sweep]: the Cartesian product of its axes, the first axis varying slowest.
 * Returns: (transfer full) a GPtrArray of NULL-terminated override vectors (char **) holding
 * "section.key=value" strings; one empty vector when there is no sweep. */
GPtrArray *scenario_sweep_points(const Scenario *scenario);

/* The names of every known "section.key", for messages and completion. NULL-terminated. */
const char *const *scenario_known_keys(void);

/* Where a key's default comes from (README, Reference: `zdsim help keys` prints it). */
typedef enum {
  SCENARIO_SOURCE_DOCUMENT,   /* a platform document or source file, named in `source` */
  SCENARIO_SOURCE_ASSUMPTION, /* nobody documents it: uncertain over [low, high] */
  SCENARIO_SOURCE_SETTING,    /* the user's own choice about the app, platform size or run */
} ScenarioSourceKind;

/* How an assumption's range applies to its key. */
typedef enum {
  SCENARIO_RANGE_VALUE,  /* low and high are values of the key itself */
  SCENARIO_RANGE_SCALE,  /* a distribution, scaled so that its mean spans low..high */
  SCENARIO_RANGE_MEDIAN, /* a distribution, scaled so that its median spans low..high */
} ScenarioRangeKind;

/* Everything known about one key, for `zdsim help keys`, the man page and sensitivity. */
typedef struct {
  const char *key;          /* "section.key" */
  const char *default_text; /* the default as a scenario file writes it; NULL for
                               scenario.name (the file's base name) */
  const char *form;         /* what a value looks like, as error messages say it */
  const char *meaning;      /* one line */
  ScenarioSourceKind kind;
  const char *source;       /* DOCUMENT: the document and section; ASSUMPTION: why it is
                               uncertain; SETTING: whose choice it is */
  const char *low, *high;   /* ASSUMPTION: the range, in the key's own units; else NULL */
  ScenarioRangeKind range;
} ScenarioKeyInfo;

/* The number of keys, and key @i's information (0 <= @i < count), in the table's order. */
guint scenario_key_count(void);
const ScenarioKeyInfo *scenario_key_info_at(guint i);
/* The information of "section.key", or NULL for an unknown key. */
const ScenarioKeyInfo *scenario_key_info(const char *key);

/* The kinds of an [action NAME] section (its `action = KIND` line), in ScenarioActionKind
 * order: their count, and kind @kind's name ("scale"); NULL when @kind is out of range. */
guint scenario_action_count(void);
const char *scenario_action_name(guint kind);
/* The keys action @kind takes besides `at` and `action`: those it needs when @required,
 * else the optional ones. Returns: (transfer full) a NULL-terminated vector (g_strfreev). */
char **scenario_action_keys(guint kind, gboolean required);

/* The keys of [expect]: their count, and key @i ("max_outage"), with the metric it judges
 * ("max_outage_s") in *@metric and an example value (">= 99.95%", "<= 2m", "<= 4") in
 * *@example; both may be NULL. Returns: (transfer none) static strings; NULL when @i is out
 * of range. */
guint scenario_expect_count(void);
const char *scenario_expect_key(guint i, const char **metric, const char **example);

G_END_DECLS
