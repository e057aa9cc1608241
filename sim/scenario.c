/* scenario.c: scenario files (GKeyFile) checked and resolved into a Scenario; not for running.
 *
 * One table, SCENARIO_KEYS, describes every key (`zdsim help keys`): its section, type, default
 * text, field in Scenario and allowed range. Parsing, defaults, scenario_to_string,
 * scenario_known_keys and the "did you mean" hints are all driven by it. A default is text
 * parsed by the same code as a value from a file, so a default can never skip a check.
 *
 * GKeyFile keeps no line numbers and silently keeps the last of two equal keys, so the text is
 * scanned first: the scan maps every section and key to its line, reports what GKeyFile would
 * reject or misread, and hands GKeyFile a clean copy holding only known sections and keys.
 * --set overrides go into that GKeyFile, so every check runs on the final values. Every
 * problem is collected and the caller gets them all at once, one per line, in line order. */
#include "zdsim/scenario.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "zdsim/policy.h"
#include "zdsim/units.h"

G_DEFINE_QUARK(scenario-error-quark, scenario_error)

/* Bounds that only protect memory and run time; no platform documents such limits. */
#define MAX_COUNT 100000
#define MAX_SWEEP_POINTS 100000
#define MAX_SWEEP_VALUES 1000
#define MAX_REPORTED 100
#define NO_LIMIT G_MAXDOUBLE
/* Names and descriptions are shown in tables, plot titles and pages: long enough to say what a
 * scenario is, short enough to leave the table's other columns in view. */
#define MAX_NAME_CHARS 64
/* A scenario file is a few kilobytes; this bounds what a wrong path can make us read. */
#define MAX_FILE_BYTES (16 << 20)
#define MAX_DESCRIPTION_CHARS 500

/* Horizontal scaling needs Mendix 7 or later on Mendix Cloud v4 (Mendix docs, Scale
 * Environment). */
#define MENDIX_SCALING_VERSION 7

typedef enum {
  KEY_TEXT,             /* char *; one line of text */
  KEY_DATETIME,         /* GDateTime * */
  KEY_DURATION,         /* gint64 µs; lo/hi in µs */
  KEY_DURATION_OR_NONE, /* gint64 µs, -1 for "none" */
  KEY_DIST,             /* Dist of durations; "none" only with FLAG_MAY_BE_NONE */
  KEY_RATE,             /* double, events per second */
  KEY_FRACTION,         /* double, a plain decimal or a percentage */
  KEY_BOOL,             /* gboolean */
  KEY_UINT,             /* guint */
  KEY_UINT64,           /* guint64 */
  KEY_NUMBER,           /* double */
  KEY_HEALTH_CHECK,     /* ScenarioHealthCheck */
  KEY_PROFILE,          /* ScenarioTraffic */
  KEY_WINDOW,           /* CalendarWindow; lo/hi in minutes with FLAG_UTC_ONE_SLOT */
  KEY_SCHEDULE,         /* ScenarioSchedule: none, a rate or weekly instants */
  KEY_DB_WINDOW,        /* database.maintenance_window: `region NAME` or a KEY_WINDOW */
  KEY_POLICY,           /* char *, a name policy_lookup() knows */
  KEY_ZONE,             /* char *, an IANA zone GTimeZone knows */
} KeyType;

enum {
  FLAG_LOW_OPEN = 1 << 0,     /* value > lo rather than >= lo */
  FLAG_HIGH_OPEN = 1 << 1,    /* value < hi rather than <= hi */
  FLAG_MAY_BE_EMPTY = 1 << 2, /* text */
  FLAG_MAY_BE_NONE = 1 << 3,  /* distributions */
  FLAG_UTC_ONE_SLOT = 1 << 4, /* windows: UTC, one slot on one day, lo..hi minutes long */
  FLAG_NO_ZONE = 1 << 5,      /* windows: the zone comes from traffic.timezone */
};

typedef struct {
  const char *section;
  const char *key;
  const char *full;     /* "section.key" */
  KeyType type;
  const char *def;      /* the default as text; NULL: the file's base name (scenario.name) */
  gsize offset;         /* of the field in Scenario */
  double lo, hi;        /* the allowed range (see KeyType for units) */
  guint flags;
  const char *expected; /* what a message says is expected; NULL: built at run time */
} KeySpec;

/* Every key with its default. Where each default comes from — a document,
 * an assumption with its range, or the user's own setting — is the table key_sources below,
 * one row per key, which `zdsim help keys` prints.
 *
 * X(section, key, type, default, field, lo, hi, flags, expected) */
#define SCENARIO_KEYS(X) \
  X(scenario, name, TEXT, NULL, name, 0, MAX_NAME_CHARS, 0, \
    "a non-empty name on one line of at most 64 characters") \
  X(scenario, description, TEXT, "", description, 0, MAX_DESCRIPTION_CHARS, FLAG_MAY_BE_EMPTY, \
    "one line of text of at most 500 characters") \
  X(scenario, start, DATETIME, "2027-01-04T00:00:00Z", start, 0, 0, 0, \
    "a date-time with a zone such as 2027-01-04T00:00:00Z or 2027-01-04 09:00 Europe/Amsterdam") \
  X(scenario, horizon, DURATION, "365d", horizon, 0, NO_LIMIT, FLAG_LOW_OPEN, \
    "a positive duration such as 365d") \
  X(scenario, warmup, DURATION, "0s", warmup, 0, NO_LIMIT, 0, \
    "a duration of 0 or more, shorter than scenario.horizon, such as 7d") \
  X(scenario, replications, UINT, "100", replications, 1, 1000000, 0, \
    "an integer from 1 to 1000000 (at least 1)") \
  X(scenario, seed, UINT64, "1", seed, 0, 0, 0, "a non-negative 64-bit integer such as 1") \
  X(app, instances, UINT, "1", instances, 1, MAX_COUNT, 0, \
    "an instance count from 1 to 100000 (at least 1)") \
  X(app, mendix_version, UINT, "10", mendix_version, 1, 99, 0, \
    "a Mendix major version from 1 to 99, such as 10") \
  X(app, startup, DIST, "lognormal(median=45s,p95=120s)", startup, 0, 0, 0, \
    "a distribution of durations such as 45s or lognormal(median=45s,p95=120s)") \
  X(app, start_failure, FRACTION, "0.005", start_failure, 0, 1, 0, \
    "a probability from 0 to 1 such as 0.005 or 0.5%") \
  X(app, health_check, HEALTH_CHECK, "port", health_check, 0, 0, 0, \
    "one of port, process, http") \
  X(app, health_check_timeout, DURATION, "180s", health_check_timeout, 0, NO_LIMIT, \
    FLAG_LOW_OPEN, "a positive duration such as 180s") \
  X(app, graceful_shutdown, DIST, "uniform(2s,10s)", graceful_shutdown, 0, 0, 0, \
    "a distribution of durations such as uniform(2s,10s)") \
  X(app, crash_mtbf, DIST, "none", crash_mtbf, 0, 0, FLAG_MAY_BE_NONE, \
    "none or a distribution of durations such as exp(30d)") \
  X(app, deploys, SCHEDULE, "none", deploys, 0, NO_LIMIT, 0, \
    "none, a rate such as 1/w, or weekly instants such as 'tue 20:00 Europe/Amsterdam'") \
  X(app, needs_db_to_start, BOOL, "true", needs_db_to_start, 0, 0, 0, "true or false") \
  X(app, db_loss_crash_after, DURATION_OR_NONE, "none", db_loss_crash_after, 0, NO_LIMIT, 0, \
    "none or a duration such as 5m") \
  X(app, capacity_rps, NUMBER, "50", capacity_rps, 0, NO_LIMIT, FLAG_LOW_OPEN, \
    "a positive number of requests per second such as 50") \
  X(platform, cells, UINT, "12", cells, 1, MAX_COUNT, 0, "a cell count from 1 to 100000") \
  X(platform, azs, UINT, "3", azs, 1, MAX_COUNT, 0, \
    "a zone count from 1 to platform.cells") \
  X(platform, cell_capacity, UINT, "40", cell_capacity, 1, MAX_COUNT, 0, \
    "a slot count from 1 to 100000") \
  X(platform, cell_utilization, FRACTION, "0.7", cell_utilization, 0, 1, FLAG_HIGH_OPEN, \
    "a fraction in [0, 1) such as 0.7 or 70%") \
  X(platform, updates, SCHEDULE, "3/w", updates, 0, NO_LIMIT, 0, \
    "none, a rate such as 3/w, or weekly instants such as 'tue 02:00, thu 02:00 UTC'") \
  X(platform, restarts, SCHEDULE, "1/4w", restarts, 0, NO_LIMIT, 0, \
    "none, a rate such as 1/4w, or weekly instants such as 'sat 22:00 UTC'") \
  X(platform, max_in_flight, UINT, "1", max_in_flight, 1, MAX_COUNT, 0, \
    "a cell count from 1 to 100000 (at least 1)") \
  X(platform, canaries, UINT, "1", canaries, 0, MAX_COUNT, 0, "a cell count from 0 to 100000") \
  X(platform, cell_recreate, DIST, "uniform(3m,8m)", cell_recreate, 0, 0, 0, \
    "a distribution of durations such as uniform(3m,8m)") \
  X(platform, watch_time, DURATION, "30s", watch_time, 0, NO_LIMIT, 0, \
    "a duration of 0 or more such as 30s") \
  X(platform, evacuation_timeout, DURATION, "600s", evacuation_timeout, 0, NO_LIMIT, \
    FLAG_LOW_OPEN, "a positive duration such as 600s") \
  X(platform, evacuation_poll, DURATION, "10s", evacuation_poll, 0, NO_LIMIT, FLAG_LOW_OPEN, \
    "a positive duration such as 10s") \
  X(platform, convergence_interval, DURATION, "30s", convergence_interval, 0, NO_LIMIT, \
    FLAG_LOW_OPEN, "a positive duration such as 30s") \
  X(platform, proxy_drain, DURATION, "5s", proxy_drain, 0, NO_LIMIT, 0, \
    "a duration of 0 or more such as 5s") \
  X(platform, registration_lag, DIST, "uniform(0.1s,1s)", registration_lag, 0, 0, 0, \
    "a distribution of durations such as uniform(0.1s,1s)") \
  X(platform, unregistration_lag, DIST, "uniform(0.1s,1s)", unregistration_lag, 0, 0, 0, \
    "a distribution of durations such as uniform(0.1s,1s)") \
  X(platform, router_attempts, UINT, "3", router_attempts, 1, 100, 0, \
    "an attempt count from 1 to 100") \
  X(platform, cell_failure_mtbf, DIST, "none", cell_failure_mtbf, 0, 0, FLAG_MAY_BE_NONE, \
    "none or a distribution of durations such as exp(90d)") \
  X(platform, max_health_check_timeout, DURATION, "180s", max_health_check_timeout, 0, \
    NO_LIMIT, FLAG_LOW_OPEN, "a positive duration such as 180s") \
  X(policy, evacuation, POLICY, "rolling", evacuation, 0, 0, 0, NULL) \
  X(database, multi_az, BOOL, "false", multi_az, 0, 0, 0, "true or false") \
  X(database, maintenance_window, DB_WINDOW, "region eu-west-1", db_maintenance_window, 30, \
    NO_LIMIT, FLAG_UTC_ONE_SLOT, \
    "region NAME, or one weekly slot in UTC of at least 30 minutes such as " \
    "sun 05:00-05:30 (RDS windows are UTC and 30 min or longer: AWS RDS API, " \
    "PreferredMaintenanceWindow)") \
  X(database, maintenance_rate, RATE, "1/12w", maintenance_rate, 0, NO_LIMIT, 0, \
    "a rate such as 1/12w") \
  X(database, failover, DIST, "uniform(60s,120s)", failover, 0, 0, 0, \
    "a distribution of durations such as uniform(60s,120s)") \
  X(database, single_az_outage, DIST, "uniform(3m,10m)", single_az_outage, 0, 0, 0, \
    "a distribution of durations such as uniform(3m,10m)") \
  X(database, engine_upgrade_rate, RATE, "0", engine_upgrade_rate, 0, NO_LIMIT, 0, \
    "a rate such as 1/52w, or 0") \
  X(database, engine_upgrade_outage, DIST, "uniform(5m,15m)", engine_upgrade_outage, 0, 0, 0, \
    "a distribution of durations such as uniform(5m,15m)") \
  X(database, failure_mtbf, DIST, "none", failure_mtbf, 0, 0, FLAG_MAY_BE_NONE, \
    "none or a distribution of durations such as exp(365d)") \
  X(database, align_to_portal, BOOL, "false", align_to_portal, 0, 0, 0, "true or false") \
  X(portal, maintenance_window, WINDOW, "sun 01:00-04:00", portal_window, 180, 180, \
    FLAG_UTC_ONE_SLOT, \
    "one weekly slot in UTC of exactly 3 hours such as sun 01:00-04:00 " \
    "(Mendix's preferred maintenance window is a 3-hour range: Mendix docs, Maintenance Windows)") \
  X(portal, environment_maintenance_rate, RATE, "1/26w", environment_maintenance_rate, 0, \
    NO_LIMIT, 0, "a rate such as 1/26w") \
  X(traffic, profile, PROFILE, "business-hours", traffic, 0, 0, 0, \
    "one of constant, business-hours") \
  X(traffic, business_hours, WINDOW, "mon-fri 08:00-18:00", business_hours, 0, NO_LIMIT, \
    FLAG_NO_ZONE, "weekly slots without a zone such as mon-fri 08:00-18:00") \
  X(traffic, timezone, ZONE, "Europe/Amsterdam", timezone, 0, 0, 0, \
    "an IANA time zone such as Europe/Amsterdam or UTC") \
  X(traffic, peak_rps, NUMBER, "20", peak_rps, 0, NO_LIMIT, 0, \
    "a number of requests per second of 0 or more") \
  X(traffic, offpeak_rps, NUMBER, "2", offpeak_rps, 0, NO_LIMIT, 0, \
    "a number of requests per second of 0 or more")

#define KEY_SPEC(sec, k, type, def, field, lo, hi, flags, expected) \
  { #sec, #k, #sec "." #k, KEY_##type, def, offsetof(Scenario, field), lo, hi, flags, expected },
#define KEY_FULL_NAME(sec, k, ...) #sec "." #k,

static const KeySpec key_specs[] = { SCENARIO_KEYS(KEY_SPEC) };

/* The sections whose keys are in the table, in the order scenario_to_string writes them. */
static const char *const fixed_sections[] = {
  "scenario", "app", "platform", "policy", "database", "portal", "traffic",
};

/* Every section name, for "did you mean"; [action NAME] is matched on its first word. */
static const char *const all_sections[] = {
  "scenario", "app", "platform", "policy", "database", "portal", "traffic",
  "action", "sweep", "expect", "uncertain",
};

static const char *const health_check_names[] = {
  [SCENARIO_HEALTH_PORT] = "port",
  [SCENARIO_HEALTH_PROCESS] = "process",
  [SCENARIO_HEALTH_HTTP] = "http",
};

static const char *const profile_names[] = {
  [SCENARIO_TRAFFIC_CONSTANT] = "constant",
  [SCENARIO_TRAFFIC_BUSINESS_HOURS] = "business-hours",
};

/* [action NAME] keys; bit i of a mask stands for action_keys[i]. */
enum {
  AK_AT = 1 << 0,
  AK_ACTION = 1 << 1,
  AK_INSTANCES = 1 << 2,
  AK_DURATION = 1 << 3,
  AK_MAX_IN_FLIGHT = 1 << 4,
  AK_ZONE = 1 << 5,
  AK_CELL = 1 << 6,
};

static const char *const action_keys[] = {
  "at", "action", "instances", "duration", "max_in_flight", "zone", "cell",
};

static const struct {
  const char *name;
  guint keys;     /* optional keys besides at and action */
  guint required; /* of those, the ones that must be there */
} action_kinds[] = {
  [SCENARIO_ACTION_SCALE] = { "scale", AK_INSTANCES | AK_DURATION, AK_INSTANCES },
  [SCENARIO_ACTION_RESTART] = { "restart", 0, 0 },
  [SCENARIO_ACTION_DEPLOY] = { "deploy", 0, 0 },
  [SCENARIO_ACTION_ROLLING_RESTART] = { "rolling-restart", AK_MAX_IN_FLIGHT, 0 },
  [SCENARIO_ACTION_CELL_FAILURE] = { "cell-failure", AK_CELL, 0 },
  [SCENARIO_ACTION_AZ_OUTAGE] = { "az-outage", AK_ZONE | AK_DURATION, AK_DURATION },
  [SCENARIO_ACTION_DB_FAILOVER] = { "db-failover", 0, 0 },
  [SCENARIO_ACTION_PLATFORM_UPDATE] = { "platform-update", 0, 0 },
};

typedef enum {
  EXPECT_FRACTION, /* written as a percentage */
  EXPECT_SECONDS,  /* written as a duration, stored in seconds */
  EXPECT_COUNT,    /* a plain number */
} ExpectUnit;

/* [expect] keys and the JSON metric (README, JSON) each one judges; times get the "_s" suffix. */
static const struct {
  const char *key;
  const char *metric;
  ExpectUnit unit;
} expect_metrics[] = {
  { "availability", "availability", EXPECT_FRACTION },
  { "request_availability", "request_availability", EXPECT_FRACTION },
  { "business_hours_availability", "business_hours_availability", EXPECT_FRACTION },
  { "capacity_availability", "capacity_availability", EXPECT_FRACTION },
  { "reported_availability", "reported_availability", EXPECT_FRACTION },
  { "downtime_per_year", "downtime_per_year_s", EXPECT_SECONDS },
  /* The name users write since version 1; it judges the longest outage of the run
   * (longest_outage_s, README, JSON). */
  { "max_outage", "longest_outage_s", EXPECT_SECONDS },
  { "longest_outage", "longest_outage_s", EXPECT_SECONDS },
  { "yearly_longest_outage", "yearly_longest_outage_s", EXPECT_SECONDS },
  { "business_hours_downtime_per_year", "business_hours_downtime_per_year_s", EXPECT_SECONDS },
  { "mean_outage", "mean_outage_s", EXPECT_SECONDS },
  { "outage_p95", "outage_p95_s", EXPECT_SECONDS },
  { "zero_instance_time_per_year", "zero_instance_time_per_year_s", EXPECT_SECONDS },
  { "downtime_outside_portal_window_per_year", "downtime_outside_portal_window_per_year_s",
    EXPECT_SECONDS },
  { "outages_per_year", "outages_per_year", EXPECT_COUNT },
  { "evacuations_per_year", "evacuations_per_year", EXPECT_COUNT },
  { "crashes_per_year", "crashes_per_year", EXPECT_COUNT },
  { "instance_hours_per_year", "instance_hours_per_year", EXPECT_COUNT },
};

/* Where a value came from: a line of the file, a --set override, or nowhere (a default). */
typedef struct {
  gint line;
  char *set;
} Origin;

typedef struct {
  gint line;  /* for sorting; G_MAXINT for --set */
  guint seq;  /* report order, for a stable sort */
  char *text;
} Problem;

typedef struct {
  const char *path;     /* as shown in messages */
  GPtrArray *problems;  /* of Problem* */
  GHashTable *origins;  /* "group\037key" (key "" for the section header) -> Origin* */
  gboolean point;       /* a sweep point: its base read the same text and its [sweep] */
} Ctx;

/* ---- small helpers ---- */

static Origin *
origin_new(gint line, const char *set)
{
  Origin *origin = g_new0(Origin, 1);
  origin->line = line;
  origin->set = g_strdup(set);
  return origin;
}

static void
origin_free(gpointer data)
{
  Origin *origin = data;
  g_free(origin->set);
  g_free(origin);
}

static void
problem_free(gpointer data)
{
  Problem *problem = data;
  g_free(problem->text);
  g_free(problem);
}

static char *
origin_key(const char *group, const char *key)
{
  return g_strconcat(group, "\037", key, NULL);
}

static const Origin *
origin_get(const Ctx *ctx, const char *group, const char *key)
{
  g_autofree char *k = origin_key(group, key);
  return g_hash_table_lookup(ctx->origins, k);
}

static void report(Ctx *ctx, const Origin *origin, const char *format, ...) G_GNUC_PRINTF(3, 4);

/* @text shortened to @max_chars characters for a message. */
static char *
excerpt_chars(const char *text, glong max_chars)
{
  if (g_utf8_strlen(text, -1) <= max_chars)
    return g_strdup(text);
  const char *cut = g_utf8_offset_to_pointer(text, max_chars);
  g_autofree char *head = g_strndup(text, (gsize) (cut - text));
  return g_strconcat(head, "...", NULL);
}

/* A line or value shortened for a message. */
static char *
excerpt(const char *text)
{
  return excerpt_chars(text, 60);
}

/* Records one problem, prefixed with "FILE:LINE: " or "--set OVERRIDE: ". */
static void
report(Ctx *ctx, const Origin *origin, const char *format, ...)
{
  va_list args;
  va_start(args, format);
  g_autofree char *what = g_strdup_vprintf(format, args);
  va_end(args);

  Problem *problem = g_new0(Problem, 1);
  problem->seq = ctx->problems->len;
  if (origin != NULL && origin->set != NULL) {
    problem->line = G_MAXINT;
    /* The override holds the value, which the message may quote again: keep it short. */
    g_autofree char *shown = excerpt(origin->set);
    problem->text = g_strdup_printf("--set %s: %s", shown, what);
  } else if (origin != NULL && origin->line > 0) {
    problem->line = origin->line;
    problem->text = g_strdup_printf("%s:%d: %s", ctx->path, origin->line, what);
  } else {
    problem->line = 0;
    problem->text = g_strdup_printf("%s: %s", ctx->path, what);
  }
  g_ptr_array_add(ctx->problems, problem);
}

static gint
problem_compare(gconstpointer a, gconstpointer b)
{
  const Problem *pa = *(const Problem *const *) a;
  const Problem *pb = *(const Problem *const *) b;
  if (pa->line != pb->line)
    return pa->line < pb->line ? -1 : 1;
  return pa->seq < pb->seq ? -1 : pa->seq > pb->seq;
}

/* All problems in line order (--set ones last), duplicates dropped, one per line. */
static char *
problems_to_string(Ctx *ctx)
{
  g_ptr_array_sort(ctx->problems, problem_compare);
  g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
  GString *out = g_string_new(NULL);
  guint shown = 0, hidden = 0;
  for (guint i = 0; i < ctx->problems->len; i++) {
    const Problem *problem = g_ptr_array_index(ctx->problems, i);
    if (!g_hash_table_add(seen, problem->text))
      continue;
    if (shown == MAX_REPORTED) {
      hidden++;
      continue;
    }
    if (out->len > 0)
      g_string_append_c(out, '\n');
    g_string_append(out, problem->text);
    shown++;
  }
  if (hidden > 0)
    g_string_append_printf(out, "\n(%u more problems not shown)", hidden);
  return g_string_free(out, FALSE);
}

/* Control characters, and the Unicode bidirectional overrides and isolates (U+202A-U+202E,
 * U+2066-U+2069), which would make a name read differently on a terminal or a web page from
 * what it is. */
static gboolean
has_control(const char *text)
{
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++) {
    if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
      return TRUE;
    if (p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae)
      return TRUE;
    if (p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9)
      return TRUE;
  }
  return FALSE;
}


/* Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
static guint
edit_distance(const char *a, const char *b)
{
  gsize n = strlen(a), m = strlen(b);
  g_autofree guint *d = g_new(guint, (n + 1) * (m + 1));
#define D(i, j) d[(i) * (m + 1) + (j)]
  for (gsize i = 0; i <= n; i++)
    D(i, 0) = (guint) i;
  for (gsize j = 0; j <= m; j++)
    D(0, j) = (guint) j;
  for (gsize i = 1; i <= n; i++) {
    for (gsize j = 1; j <= m; j++) {
      guint cost = a[i - 1] == b[j - 1] ? 0 : 1;
      guint best = MIN(D(i - 1, j) + 1, D(i, j - 1) + 1);
      best = MIN(best, D(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        best = MIN(best, D(i - 2, j - 2) + 1);
      D(i, j) = best;
    }
  }
  guint result = D(n, m);
#undef D
  return result;
}

/* The name nearest to @word, or NULL when none is within max(2, len/3) edits. */
static const char *
closest(const char *word, const char *const *names, gsize n_names)
{
  guint limit = MAX(2, (guint) strlen(word) / 3);
  const char *best = NULL;
  guint best_distance = G_MAXUINT;
  gsize n = strlen(word);
  for (gsize i = 0; i < n_names; i++) {
    /* The distance is at least the difference in length: skip the table when that alone
     * is over the limit (a long unknown word would cost n x m integers per name). */
    gsize m = strlen(names[i]);
    if ((n > m ? n - m : m - n) > limit)
      continue;
    guint distance = edit_distance(word, names[i]);
    if (distance <= limit && distance < best_distance) {
      best = names[i];
      best_distance = distance;
    }
  }
  return best;
}

static char *
join(const char *const *names, gsize n_names, const char *separator)
{
  GString *out = g_string_new(NULL);
  for (gsize i = 0; i < n_names; i++) {
    if (i > 0)
      g_string_append(out, separator);
    g_string_append(out, names[i]);
  }
  return g_string_free(out, FALSE);
}

static gboolean
is_fixed_section(const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS(fixed_sections); i++)
    if (g_str_equal(name, fixed_sections[i]))
      return TRUE;
  return FALSE;
}

static gboolean
is_action_group(const char *group)
{
  return g_str_has_prefix(group, "action ");
}

static const KeySpec *
spec_find(const char *section, const char *key)
{
  for (gsize i = 0; i < G_N_ELEMENTS(key_specs); i++)
    if (g_str_equal(key_specs[i].section, section) && g_str_equal(key_specs[i].key, key))
      return &key_specs[i];
  return NULL;
}

static const KeySpec *
spec_find_full(const char *full)
{
  for (gsize i = 0; i < G_N_ELEMENTS(key_specs); i++)
    if (g_str_equal(key_specs[i].full, full))
      return &key_specs[i];
  return NULL;
}

static gssize
expect_find(const char *key)
{
  for (gsize i = 0; i < G_N_ELEMENTS(expect_metrics); i++)
    if (g_str_equal(expect_metrics[i].key, key))
      return (gssize) i;
  return -1;
}

static gssize
action_key_find(const char *key)
{
  for (gsize i = 0; i < G_N_ELEMENTS(action_keys); i++)
    if (g_str_equal(action_keys[i], key))
      return (gssize) i;
  return -1;
}

static gssize
action_kind_find(const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS(action_kinds); i++)
    if (g_str_equal(action_kinds[i].name, name))
      return (gssize) i;
  return -1;
}

static gboolean
key_is_known(const char *group, const char *key)
{
  if (is_fixed_section(group))
    return spec_find(group, key) != NULL;
  if (g_str_equal(group, "sweep") || g_str_equal(group, "uncertain"))
    return spec_find_full(key) != NULL;
  if (g_str_equal(group, "expect"))
    return expect_find(key) >= 0;
  if (is_action_group(group))
    return action_key_find(key) >= 0;
  return FALSE;
}

/* The known keys of @group, for "did you mean" (a GPtrArray of static strings). */
static GPtrArray *
known_keys_of(const char *group)
{
  GPtrArray *names = g_ptr_array_new();
  if (is_fixed_section(group)) {
    for (gsize i = 0; i < G_N_ELEMENTS(key_specs); i++)
      if (g_str_equal(key_specs[i].section, group))
        g_ptr_array_add(names, (gpointer) key_specs[i].key);
  } else if (g_str_equal(group, "sweep") || g_str_equal(group, "uncertain")) {
    for (gsize i = 0; i < G_N_ELEMENTS(key_specs); i++)
      g_ptr_array_add(names, (gpointer) key_specs[i].full);
  } else if (g_str_equal(group, "expect")) {
    for (gsize i = 0; i < G_N_ELEMENTS(expect_metrics); i++)
      g_ptr_array_add(names, (gpointer) expect_metrics[i].key);
  } else {
    for (gsize i = 0; i < G_N_ELEMENTS(action_keys); i++)
      g_ptr_array_add(names, (gpointer) action_keys[i]);
  }
  return names;
}

static void
report_unknown_key(Ctx *ctx, const Origin *origin, const char *group, const char *key)
{
  g_autoptr(GPtrArray) names = known_keys_of(group);
  const char *best = closest(key, (const char *const *) names->pdata, names->len);
  if (best != NULL) {
    report(ctx, origin, "unknown key %s.%s (did you mean '%s'?)", group, key, best);
    return;
  }
  if (is_fixed_section(group)) {
    /* A key of another section written in the wrong one: say where it belongs. */
    g_autoptr(GString) homes = g_string_new(NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(key_specs); i++) {
      if (g_str_equal(key_specs[i].key, key)) {
        g_string_append_printf(homes, "%s[%s]", homes->len > 0 ? " or " : "",
                               key_specs[i].section);
      }
    }
    if (homes->len > 0) {
      report(ctx, origin, "unknown key %s.%s (%s belongs in %s)", group, key, key, homes->str);
      return;
    }
  }
  if (g_str_equal(group, "sweep") || g_str_equal(group, "uncertain")) {
    report(ctx, origin, "unknown key %s.%s (expected a parameter section.key such as "
           "app.instances)", group, key);
    return;
  }
  g_autofree char *list = join((const char *const *) names->pdata, names->len, ", ");
  report(ctx, origin, "unknown key %s.%s (known keys: %s)", group, key, list);
}

static void
report_unknown_section(Ctx *ctx, const Origin *origin, const char *name)
{
  const char *space = strpbrk(name, " \t");
  if (space != NULL) {
    /* "[actoin up]": compare the first word with "action" and keep the rest. */
    g_autofree char *word = g_strndup(name, (gsize) (space - name));
    const char *rest = space;
    while (*rest == ' ' || *rest == '\t')
      rest++;
    const char *const action[] = { "action" };
    if (closest(word, action, 1) != NULL) {
      report(ctx, origin, "unknown section [%s] (did you mean [action %s]?)", name, rest);
      return;
    }
  } else {
    const char *best = closest(name, all_sections, G_N_ELEMENTS(all_sections));
    if (best != NULL && g_str_equal(best, "action")) {
      report(ctx, origin, "unknown section [%s] (did you mean [action NAME]?)", name);
      return;
    }
    if (best != NULL) {
      report(ctx, origin, "unknown section [%s] (did you mean [%s]?)", name, best);
      return;
    }
  }
  report(ctx, origin, "unknown section [%s] (known sections: [scenario], [app], [platform], "
         "[policy], [database], [portal], [traffic], [action NAME], [sweep], [expect])", name);
}

/* ---- values ---- */

static gboolean
parse_number(const char *text, double *out)
{
  char *end = NULL;
  if (*text == '\0' || g_ascii_isspace(*text))
    return FALSE;
  double value = g_ascii_strtod(text, &end);
  if (end == text || *end != '\0' || !isfinite(value))
    return FALSE;
  *out = value;
  return TRUE;
}

static gboolean
parse_uint64(const char *text, guint64 *out)
{
  /* g_ascii_string_to_unsigned refuses signs, spaces and trailing junk. */
  return *text != '+' && g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT64, out, NULL);
}

static gboolean
parse_bool(const char *text, gboolean *out)
{
  static const char *const yes[] = { "true", "yes", "1" };
  static const char *const no[] = { "false", "no", "0" };
  for (gsize i = 0; i < G_N_ELEMENTS(yes); i++) {
    if (g_ascii_strcasecmp(text, yes[i]) == 0) {
      *out = TRUE;
      return TRUE;
    }
    if (g_ascii_strcasecmp(text, no[i]) == 0) {
      *out = FALSE;
      return TRUE;
    }
  }
  return FALSE;
}

static gssize
name_index(const char *text, const char *const *names, gsize n_names)
{
  for (gsize i = 0; i < n_names; i++)
    if (g_str_equal(text, names[i]))
      return (gssize) i;
  return -1;
}

static gboolean
in_range(const KeySpec *spec, double value)
{
  gboolean low_ok = (spec->flags & FLAG_LOW_OPEN) ? value > spec->lo : value >= spec->lo;
  gboolean high_ok = (spec->flags & FLAG_HIGH_OPEN) ? value < spec->hi : value <= spec->hi;
  return low_ok && high_ok;
}

static gboolean
fail_with(char **detail, const GError *error)
{
  *detail = g_strdup(error->message);
  return FALSE;
}

static gboolean
is_utc_zone(const char *zone)
{
  return zone == NULL || g_str_equal(zone, "UTC") || g_str_equal(zone, "Etc/UTC") ||
         g_str_equal(zone, "Z");
}

/* The calendar reads a trailing "UTC" as no zone at all, so look at the text itself. */
static gboolean
ends_with_utc(const char *text)
{
  const char *last = strrchr(text, ' ');
  const char *tab = strrchr(text, '\t');
  if (tab != NULL && (last == NULL || tab > last))
    last = tab;
  return last != NULL && g_ascii_strcasecmp(last + 1, "UTC") == 0;
}

static gboolean
parse_window(const KeySpec *spec, const char *raw, CalendarWindow *out, char **detail)
{
  g_autoptr(GError) local = NULL;
  CalendarWindow window = { 0 };
  if (!calendar_parse_window(raw, &window, &local))
    return fail_with(detail, local);

  if ((spec->flags & FLAG_NO_ZONE) && (window.zone != NULL || ends_with_utc(raw))) {
    *detail = g_strdup("put the zone in traffic.timezone");
    calendar_window_clear(&window);
    return FALSE;
  }
  if (spec->flags & FLAG_UTC_ONE_SLOT) {
    if (!is_utc_zone(window.zone)) {
      *detail = g_strdup_printf("it names the zone %s; write it in UTC, without a zone",
                                window.zone);
    } else if (window.n_slots != 1 || !window.slots[0].days ||
               (window.slots[0].days & (window.slots[0].days - 1)) != 0) {
      *detail = g_strdup("write a single slot on a single day");
    } else {
      gint minutes = calendar_window_minutes_per_week(&window);
      if (!in_range(spec, minutes))
        *detail = g_strdup_printf("it is %d minutes long", minutes);
    }
    if (*detail != NULL) {
      calendar_window_clear(&window);
      return FALSE;
    }
  }
  calendar_window_clear(out);
  *out = window;
  return TRUE;
}

static gboolean
parse_schedule(const char *raw, ScenarioSchedule *out, char **detail)
{
  g_autoptr(GError) local = NULL;
  ScenarioSchedule parsed = { .kind = SCENARIO_UPDATES_NONE };
  if (g_str_equal(raw, "none") || g_str_equal(raw, "0")) {
    /* off */
  } else if (g_ascii_isdigit(*raw) || *raw == '.' || *raw == '-' || *raw == '+') {
    /* A rate starts with its count ("3/w"); a schedule starts with a day and may end in a
     * zone that contains '/' too ("tue 02:00 Europe/Amsterdam"). */
    double rate;
    if (!units_parse_rate(raw, &rate, &local))
      return fail_with(detail, local);
    if (!(rate >= 0)) {
      *detail = g_strdup("a rate cannot be negative");
      return FALSE;
    }
    /* A rate of 0 switches the mechanism off (man zdsim-scenario), and is written back as
     * "none". */
    parsed.kind = rate > 0 ? SCENARIO_UPDATES_RATE : SCENARIO_UPDATES_NONE;
    parsed.rate = rate;
  } else {
    if (!calendar_parse_schedule(raw, &parsed.calendar, &local))
      return fail_with(detail, local);
    parsed.kind = SCENARIO_UPDATES_CALENDAR;
  }
  calendar_window_clear(&out->calendar);
  *out = parsed;
  return TRUE;
}

/* Keeps the zone @name (NULL: UTC) loaded for as long as @s lives. GLib shares a loaded zone
 * among all who hold it; once the last lets go, it reads the tz database again and expands
 * the rules year by year: 2.2 M instructions for Europe/Amsterdam, four times for each point
 * of a sweep, 86 % of a one-week point (issue 19). Held by the scenario, a zone is read once
 * for a sweep's base; its points, their checks and calendar_expand() find it loaded. */
static void
hold_zone(Scenario *s, const char *name)
{
  if (name == NULL || g_ascii_strcasecmp(name, "UTC") == 0)
    return;
  GTimeZone *zone = g_time_zone_new_identifier(name);
  if (zone != NULL)
    g_ptr_array_add(s->zones, zone);
}

/* AWS assigns a default RDS maintenance window from an 8-hour UTC block per region. Each row
 * names the edition of the AWS RDS User Guide that lists it: the current page "Amazon RDS
 * maintenance window" (Concepts.DBMaintenance), or the older "Adjusting the Preferred
 * Maintenance Window" (AdjustingTheMaintenanceWindow), which alone lists eu-west-1,
 * ap-southeast-1 and ap-northeast-1. Regions of the current page whose rows could not be read
 * are left out rather than guessed; ElastiCache's and MemoryDB's tables differ from RDS's and
 * are not used. */
#define RDS_CURRENT "AWS RDS User Guide, Amazon RDS maintenance window (Concepts.DBMaintenance)"
#define RDS_OLDER "AWS RDS User Guide, Adjusting the Preferred Maintenance Window (older edition)"
static const ScenarioRdsRegion rds_regions[] = {
  { "us-east-1", 3 * 60, 480, RDS_CURRENT },
  { "us-east-2", 3 * 60, 480, RDS_CURRENT },
  { "us-west-1", 6 * 60, 480, RDS_CURRENT },
  { "us-west-2", 6 * 60, 480, RDS_CURRENT },
  { "af-south-1", 3 * 60, 480, RDS_CURRENT },
  { "ap-east-1", 6 * 60, 480, RDS_CURRENT },
  { "ap-south-2", 6 * 60 + 30, 480, RDS_CURRENT },
  { "ap-southeast-3", 8 * 60, 480, RDS_CURRENT },
  { "ap-southeast-4", 11 * 60, 480, RDS_CURRENT },
  { "ap-southeast-5", 9 * 60, 480, RDS_CURRENT },
  { "eu-west-1", 22 * 60, 480, RDS_OLDER },
  { "ap-southeast-1", 14 * 60, 480, RDS_OLDER },
  { "ap-northeast-1", 17 * 60, 480, RDS_OLDER },
};

const ScenarioRdsRegion *
scenario_rds_regions(guint *n_regions)
{
  *n_regions = G_N_ELEMENTS(rds_regions);
  return rds_regions;
}

const ScenarioRdsRegion *
scenario_rds_region(const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS(rds_regions); i++)
    if (g_str_equal(rds_regions[i].name, name))
      return &rds_regions[i];
  return NULL;
}

static char *
rds_region_list(void)
{
  GString *list = g_string_new(NULL);
  for (gsize i = 0; i < G_N_ELEMENTS(rds_regions); i++)
    g_string_append_printf(list, "%s%s", i > 0 ? ", " : "", rds_regions[i].name);
  return g_string_free(list, FALSE);
}

/* database.maintenance_window: `region NAME`, or a fixed weekly UTC window. */
static gboolean
parse_db_window(const KeySpec *spec, const char *raw, Scenario *s, char **detail)
{
  if (g_str_has_prefix(raw, "region")) {
    const char *name = raw + strlen("region");
    if (!g_ascii_isspace(*name)) {
      *detail = g_strdup("write `region NAME`, such as region eu-west-1");
      return FALSE;
    }
    while (g_ascii_isspace(*name))
      name++;
    const ScenarioRdsRegion *region = scenario_rds_region(name);
    if (region == NULL) {
      g_autofree char *list = rds_region_list();
      *detail = g_strdup_printf("the regions with a known RDS block are %s", list);
      return FALSE;
    }
    calendar_window_clear(&s->db_maintenance_window);
    s->db_region = region;
    return TRUE;
  }
  if (!parse_window(spec, raw, &s->db_maintenance_window, detail))
    return FALSE;
  s->db_region = NULL;
  return TRUE;
}

/* Parses @raw for @spec into its field of @s. Returns FALSE when it does not fit, with
 * *detail set to what went wrong when spec->expected alone does not say it. */
static gboolean
spec_parse(const KeySpec *spec, const char *raw, Scenario *s, char **detail)
{
  void *field = (char *) s + spec->offset;
  g_autoptr(GError) local = NULL;

  switch (spec->type) {
    case KEY_TEXT: {
      if ((*raw == '\0' && !(spec->flags & FLAG_MAY_BE_EMPTY)) || has_control(raw))
        return FALSE;
      glong chars = g_utf8_strlen(raw, -1);
      if (spec->hi > 0 && chars > spec->hi) {
        *detail = g_strdup_printf("it is %ld characters long", chars);
        return FALSE;
      }
      char **out = field;
      g_free(*out);
      *out = g_strdup(raw);
      return TRUE;
    }
    case KEY_DATETIME: {
      char *note = NULL;
      GDateTime *when = calendar_parse_datetime(raw, &note, &local);
      if (when == NULL)
        return fail_with(detail, local);
      if (note != NULL)
        g_ptr_array_add(s->notes, g_strdup_printf("%s: %s", spec->full, note));
      g_free(note);
      GDateTime **out = field;
      g_clear_pointer(out, g_date_time_unref);
      *out = when;
      return TRUE;
    }
    case KEY_DURATION:
    case KEY_DURATION_OR_NONE: {
      gint64 us;
      if (spec->type == KEY_DURATION_OR_NONE && g_str_equal(raw, "none")) {
        us = -1;
      } else {
        if (!units_parse_duration(raw, &us, &local))
          return fail_with(detail, local);
        if (!in_range(spec, (double) us))
          return FALSE;
      }
      *(gint64 *) field = us;
      return TRUE;
    }
    case KEY_DIST: {
      Dist dist;
      if (!dist_parse(raw, &dist, &local))
        return fail_with(detail, local);
      if (dist.kind == DIST_NONE && !(spec->flags & FLAG_MAY_BE_NONE)) {
        *detail = g_strdup("none is not allowed here");
        return FALSE;
      }
      *(Dist *) field = dist;
      return TRUE;
    }
    case KEY_RATE: {
      double rate;
      if (!units_parse_rate(raw, &rate, &local))
        return fail_with(detail, local);
      if (!in_range(spec, rate))
        return FALSE;
      *(double *) field = rate;
      return TRUE;
    }
    case KEY_FRACTION: {
      double value;
      if (g_str_has_suffix(raw, "%")) {
        if (!units_parse_percent(raw, &value, &local))
          return fail_with(detail, local);
      } else if (!parse_number(raw, &value)) {
        return FALSE;
      }
      if (!in_range(spec, value))
        return FALSE;
      *(double *) field = value;
      return TRUE;
    }
    case KEY_BOOL:
      return parse_bool(raw, field);
    case KEY_UINT: {
      guint64 value;
      if (!parse_uint64(raw, &value) || !in_range(spec, (double) value))
        return FALSE;
      *(guint *) field = (guint) value;
      return TRUE;
    }
    case KEY_UINT64:
      return parse_uint64(raw, field);
    case KEY_NUMBER: {
      double value;
      if (!parse_number(raw, &value) || !in_range(spec, value))
        return FALSE;
      *(double *) field = value;
      return TRUE;
    }
    case KEY_HEALTH_CHECK: {
      gssize i = name_index(raw, health_check_names, G_N_ELEMENTS(health_check_names));
      if (i < 0)
        return FALSE;
      *(ScenarioHealthCheck *) field = (ScenarioHealthCheck) i;
      return TRUE;
    }
    case KEY_PROFILE: {
      gssize i = name_index(raw, profile_names, G_N_ELEMENTS(profile_names));
      if (i < 0)
        return FALSE;
      *(ScenarioTraffic *) field = (ScenarioTraffic) i;
      return TRUE;
    }
    case KEY_WINDOW:
      if (!parse_window(spec, raw, field, detail))
        return FALSE;
      hold_zone(s, ((const CalendarWindow *) field)->zone);
      return TRUE;
    case KEY_SCHEDULE:
      if (!parse_schedule(raw, field, detail))
        return FALSE;
      hold_zone(s, ((const ScenarioSchedule *) field)->calendar.zone);
      return TRUE;
    case KEY_DB_WINDOW:
      if (!parse_db_window(spec, raw, s, detail))
        return FALSE;
      hold_zone(s, s->db_maintenance_window.zone);
      return TRUE;
    case KEY_POLICY: {
      if (policy_lookup(raw) == NULL)
        return FALSE;
      char **out = field;
      g_free(*out);
      *out = g_strdup(raw);
      return TRUE;
    }
    case KEY_ZONE: {
      if (!calendar_zone_name_is_valid(raw) && g_ascii_strcasecmp(raw, "UTC") != 0)
        return FALSE;
      GTimeZone *zone = g_time_zone_new_identifier(raw);
      if (zone == NULL)
        return FALSE;
      g_ptr_array_add(s->zones, zone);
      char **out = field;
      g_free(*out);
      *out = g_strdup(raw);
      return TRUE;
    }
    default:
      g_assert_not_reached();
  }
}

static char *
spec_expected(const KeySpec *spec)
{
  if (spec->expected != NULL)
    return g_strdup(spec->expected);
  return g_strdup_printf("one of %s", policy_names());
}

/* The shortest decimal text that reads back to exactly @value. */
static char *
format_double(double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  for (int digits = 15; digits <= 17; digits++) {
    char format[8];
    g_snprintf(format, sizeof format, "%%.%dg", digits);
    g_ascii_formatd(buffer, sizeof buffer, format, value);
    double back = g_ascii_strtod(buffer, NULL);
    /* An exact round trip is the point here, so compare without a tolerance. */
    if (!(back < value) && !(back > value))
      break;
  }
  return g_strdup(buffer);
}

static char *
datetime_to_string(GDateTime *when)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc(when);
  return g_date_time_format_iso8601(utc);
}

static char *
spec_to_string(const KeySpec *spec, const Scenario *s)
{
  const void *field = (const char *) s + spec->offset;
  switch (spec->type) {
    case KEY_TEXT:
    case KEY_POLICY:
    case KEY_ZONE: {
      const char *const *text = field;
      return g_strdup(*text != NULL ? *text : "");
    }
    case KEY_DATETIME: {
      GDateTime *const *when = field;
      return *when != NULL ? datetime_to_string(*when) : g_strdup("");
    }
    case KEY_DURATION:
      return units_format_duration(*(const gint64 *) field);
    case KEY_DURATION_OR_NONE: {
      gint64 us = *(const gint64 *) field;
      return us < 0 ? g_strdup("none") : units_format_duration(us);
    }
    case KEY_DIST:
      return dist_to_string(field);
    case KEY_RATE:
      return units_format_rate(*(const double *) field);
    case KEY_FRACTION:
    case KEY_NUMBER:
      return format_double(*(const double *) field);
    case KEY_BOOL:
      return g_strdup(*(const gboolean *) field ? "true" : "false");
    case KEY_UINT:
      return g_strdup_printf("%u", *(const guint *) field);
    case KEY_UINT64:
      return g_strdup_printf("%" G_GUINT64_FORMAT, *(const guint64 *) field);
    case KEY_HEALTH_CHECK:
      return g_strdup(health_check_names[*(const ScenarioHealthCheck *) field]);
    case KEY_PROFILE:
      return g_strdup(profile_names[*(const ScenarioTraffic *) field]);
    case KEY_WINDOW: {
      if (!(spec->flags & FLAG_NO_ZONE))
        return calendar_window_to_string(field);
      /* The zone lives in traffic.timezone; written here it would be an error. */
      CalendarWindow copy;
      calendar_window_copy(&copy, field);
      g_clear_pointer(&copy.zone, g_free);
      char *text = calendar_window_to_string(&copy);
      calendar_window_clear(&copy);
      return text;
    }
    case KEY_SCHEDULE: {
      const ScenarioSchedule *schedule = field;
      switch (schedule->kind) {
        case SCENARIO_UPDATES_RATE:
          return units_format_rate(schedule->rate);
        case SCENARIO_UPDATES_CALENDAR:
          return calendar_window_to_string(&schedule->calendar);
        case SCENARIO_UPDATES_NONE:
        default:
          return g_strdup("none");
      }
    }
    case KEY_DB_WINDOW:
      if (s->db_region != NULL)
        return g_strdup_printf("region %s", s->db_region->name);
      return calendar_window_to_string(field);
    default:
      g_assert_not_reached();
  }
}

static char *
default_name(const char *path)
{
  if (path == NULL)
    return g_strdup("scenario");
  char *base = g_path_get_basename(path);
  if (g_str_has_suffix(base, ".ini"))
    base[strlen(base) - strlen(".ini")] = '\0';
  if (*base == '\0' || g_str_equal(base, ".") || g_str_equal(base, G_DIR_SEPARATOR_S)) {
    g_free(base);
    return g_strdup("scenario");
  }
  return base;
}

/* The raw, trimmed value of a key, or NULL when it is not there. */
static char *
get_value(GKeyFile *kf, const char *group, const char *key)
{
  /* Asked first, since GLib 2.74 translates the message of the error it would set for a
   * missing key or group even when no error is asked for: gettext was a third of loading a
   * scenario, most keys being left to their defaults. */
  if (!g_key_file_has_group(kf, group) || !g_key_file_has_key(kf, group, key, NULL))
    return NULL;
  char *value = g_key_file_get_value(kf, group, key, NULL);
  return value != NULL ? g_strstrip(value) : NULL;
}

/* ---- splitting lists (sweep values) ---- */

/* Splits a sweep list: on '|' when there is one (windows contain commas), else on the
 * commas outside parentheses ("uniform(1s,2s), exp(5s)" is two values). Returns NULL when a
 * value is empty. */
static GPtrArray *
split_list(const char *text)
{
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func(g_free);
  if (strchr(text, '|') != NULL) {
    g_auto(GStrv) parts = g_strsplit(text, "|", -1);
    for (char **part = parts; *part != NULL; part++)
      g_ptr_array_add(values, g_strstrip(g_strdup(*part)));
  } else {
    int depth = 0;
    const char *begin = text;
    for (const char *p = text;; p++) {
      if (*p == '(') {
        depth++;
      } else if (*p == ')') {
        depth--;
      } else if (*p == '\0' || (*p == ',' && depth == 0)) {
        g_ptr_array_add(values, g_strstrip(g_strndup(begin, (gsize) (p - begin))));
        if (*p == '\0')
          break;
        begin = p + 1;
      }
    }
  }
  for (guint i = 0; i < values->len; i++)
    if (*(const char *) g_ptr_array_index(values, i) == '\0')
      return NULL;
  return g_steal_pointer(&values);
}

/* ---- scanning the text ---- */

/* Normalises a section name: trimmed, "action  NAME" with one space. Returns NULL (and
 * reports) for a header GKeyFile would refuse. */
static char *
section_name(Ctx *ctx, const Origin *origin, const char *line)
{
  const char *close = strchr(line, ']');
  const char *rest = close != NULL ? close + 1 : NULL;
  while (rest != NULL && (*rest == ' ' || *rest == '\t'))
    rest++;
  if (close == NULL || *rest != '\0' || memchr(line + 1, '[', (gsize) (close - line - 1))) {
    g_autofree char *shown = excerpt(line);
    report(ctx, origin, "expected a section header such as [app], got '%s'", shown);
    return NULL;
  }
  g_autofree char *name = g_strstrip(g_strndup(line + 1, (gsize) (close - line - 1)));
  /* GKeyFile refuses every control character in a group name, tabs included. */
  if (*name == '\0' || has_control(name) || strchr(name, '\t') != NULL) {
    report(ctx, origin, "expected a section name between [ and ], got '%s'", line);
    return NULL;
  }
  if (g_str_has_prefix(name, "action") && (name[6] == ' ' || name[6] == '\t')) {
    const char *action = g_strstrip(name + 6);
    if (g_utf8_strlen(action, -1) > MAX_NAME_CHARS) {
      g_autofree char *shown = excerpt(action);
      report(ctx, origin, "expected an action name of at most %d characters, got '%s' (%ld "
             "characters)", MAX_NAME_CHARS, shown, g_utf8_strlen(action, -1));
      return NULL;
    }
    return g_strconcat("action ", action, NULL);
  }
  return g_steal_pointer(&name);
}

/* Reports what GKeyFile would refuse or misread, records the line of every section and key in
 * ctx->origins, and writes the known sections and keys to @clean. Returns FALSE when the text
 * is not a scenario at all (binary, or no sections), which makes every other message noise. */
static gboolean
scan_text(Ctx *ctx, const char *text, gsize length, GString *clean)
{
  const char *bad = NULL;
  if (!ctx->point && !g_utf8_validate_len(text, length, &bad)) {
    gint line = 1;
    for (const char *p = text; p < bad; p++)
      line += *p == '\n';
    Origin origin = { line, NULL };
    if (*bad == '\0')
      report(ctx, &origin, "not a scenario file: it contains a NUL byte");
    else
      report(ctx, &origin, "not a scenario file: invalid UTF-8 (byte 0x%02x)", (guchar) *bad);
    return FALSE;
  }

  g_autofree char *copy = g_strndup(text, length);
  char *p = copy;
  if (g_str_has_prefix(p, "\xEF\xBB\xBF"))
    p += 3; /* a UTF-8 byte order mark, as some editors write */

  g_autofree char *group = NULL; /* the current section; NULL before the first, after a bad one */
  gboolean in_bad_section = FALSE;
  gboolean in_sweep = FALSE;
  guint n_sections = 0;
  for (gint line_no = 1; p != NULL; line_no++) {
    char *line = p;
    char *newline = strchr(p, '\n');
    if (newline != NULL) {
      *newline = '\0';
      p = newline + 1;
    } else {
      p = NULL;
    }
    /* A point shares its base's sweep axes: the lines of [sweep], whose values are as many as
     * the points, are not read again for every point. */
    if (ctx->point && in_sweep) {
      const char *q = line;
      while (*q == ' ' || *q == '\t')
        q++;
      if (*q != '[')
        continue;
    }
    g_strstrip(line);
    Origin here = { line_no, NULL };

    if (*line == '\0' || *line == '#')
      continue;

    if (*line == '[') {
      n_sections++;
      g_autofree char *name = section_name(ctx, &here, line);
      g_clear_pointer(&group, g_free);
      in_bad_section = TRUE;
      in_sweep = name != NULL && g_str_equal(name, "sweep");
      if (name == NULL)
        continue;
      if (g_str_equal(name, "action")) {
        report(ctx, &here, "[action] needs a name, as in [action scale-down]");
        continue;
      }
      if (!is_fixed_section(name) && !g_str_equal(name, "sweep") &&
          !g_str_equal(name, "expect") && !g_str_equal(name, "uncertain") &&
          !is_action_group(name)) {
        report_unknown_section(ctx, &here, name);
        continue;
      }
      const Origin *first = origin_get(ctx, name, "");
      if (first != NULL) {
        /* GKeyFile would merge the two quietly; make the writer choose. */
        report(ctx, &here, "duplicate section [%s] (first at line %d)", name, first->line);
        continue;
      }
      g_hash_table_insert(ctx->origins, origin_key(name, ""), origin_new(line_no, NULL));
      g_string_append_printf(clean, "[%s]\n", name);
      group = g_steal_pointer(&name);
      in_bad_section = FALSE;
      continue;
    }

    char *equals = strchr(line, '=');
    if (equals == NULL) {
      g_autofree char *shown = excerpt(line);
      report(ctx, &here, "expected a [section], a key = value line or a # comment, got '%s'",
             shown);
      continue;
    }
    *equals = '\0';
    const char *key = g_strstrip(line);
    const char *value = g_strstrip(equals + 1);
    if (in_bad_section)
      continue; /* the section is reported already */
    if (group == NULL) {
      report(ctx, &here, "key '%s' outside any section: put it under its section, such as "
             "[app]", key);
      continue;
    }
    if (*key == '\0') {
      g_autofree char *shown = excerpt(value);
      report(ctx, &here, "expected key = value, got '= %s'", shown);
      continue;
    }
    if (!key_is_known(group, key)) {
      report_unknown_key(ctx, &here, group, key);
      continue;
    }
    const Origin *first = origin_get(ctx, group, key);
    if (first != NULL) {
      report(ctx, &here, "duplicate key %s.%s (first at line %d; GKeyFile would silently keep "
             "the last)", group, key, first->line);
      continue;
    }
    g_hash_table_insert(ctx->origins, origin_key(group, key), origin_new(line_no, NULL));
    g_string_append_printf(clean, "%s=%s\n", key, value);
  }

  if (n_sections == 0) {
    Origin first_line = { 1, NULL };
    report(ctx, &first_line, "not a scenario: no sections (a scenario file needs at least "
           "[scenario])");
    return FALSE;
  }
  return TRUE;
}

/* ---- --set overrides ---- */

static void
apply_overrides(Ctx *ctx, GKeyFile *kf, const char *const *overrides)
{
  for (; overrides != NULL && *overrides != NULL; overrides++) {
    const char *override = *overrides;
    Origin origin = { 0, (char *) override };
    const char *equals = strchr(override, '=');
    if (equals == NULL) {
      report(ctx, &origin, "expected section.key=value, got no '='");
      continue;
    }
    g_autofree char *name = g_strstrip(g_strndup(override, (gsize) (equals - override)));
    g_autofree char *value = g_strstrip(g_strdup(equals + 1));
    const char *dot = strchr(name, '.');
    if (dot == NULL) {
      report(ctx, &origin, "expected section.key=value, got '%s' without a section", name);
      continue;
    }
    g_autofree char *section = g_strndup(name, (gsize) (dot - name));
    const char *key = dot + 1;
    if (!is_fixed_section(section)) {
      if (g_str_equal(section, "sweep") || g_str_equal(section, "expect") ||
          g_str_equal(section, "uncertain") || g_str_has_prefix(section, "action")) {
        report(ctx, &origin, "only keys of [scenario], [app], [platform], [policy], "
               "[database], [portal] and [traffic] can be set");
      } else {
        report_unknown_section(ctx, &origin, section);
      }
      continue;
    }
    if (spec_find(section, key) == NULL) {
      report_unknown_key(ctx, &origin, section, key);
      continue;
    }
    if (has_control(value)) {
      report(ctx, &origin, "%s: expected a value on one line", name);
      continue;
    }
    g_key_file_set_value(kf, section, key, value);
    g_hash_table_insert(ctx->origins, origin_key(section, key), origin_new(0, override));
  }
}

/* ---- resolving ---- */

static void
action_free(gpointer data)
{
  ScenarioAction *action = data;
  g_free(action->name);
  g_free(action);
}

static void
expect_free(gpointer data)
{
  ScenarioExpect *expect = data;
  g_free(expect->metric);
  g_free(expect->key);
  g_free(expect->text);
  g_free(expect);
}

static void
axis_free(gpointer data)
{
  ScenarioSweepAxis *axis = data;
  g_free(axis->key);
  g_clear_pointer(&axis->values, g_ptr_array_unref);
  g_free(axis);
}

static void
uncertain_free(gpointer data)
{
  ScenarioUncertain *u = data;
  g_free(u->key);
  g_free(u->low);
  g_free(u->high);
  g_free(u);
}

static Scenario *
scenario_new_empty(void)
{
  Scenario *s = g_new0(Scenario, 1);
  s->actions = g_ptr_array_new_with_free_func(action_free);
  s->expects = g_ptr_array_new_with_free_func(expect_free);
  s->sweep = g_ptr_array_new_with_free_func(axis_free);
  s->notes = g_ptr_array_new_with_free_func(g_free);
  s->uncertain = g_ptr_array_new_with_free_func(uncertain_free);
  s->zones = g_ptr_array_new_with_free_func((GDestroyNotify) g_time_zone_unref);
  return s;
}

/* Adds @what (transfer full) to the scenario's notes, placed like a problem report. */
static void
add_note(Ctx *ctx, Scenario *s, const Origin *origin, char *what)
{
  char *text;
  g_autofree char *set = origin != NULL && origin->set != NULL ? excerpt(origin->set) : NULL;
  if (set != NULL)
    text = g_strdup_printf("--set %s: %s", set, what);
  else if (origin != NULL && origin->line > 0)
    text = g_strdup_printf("%s:%d: %s", ctx->path, origin->line, what);
  else
    text = g_strdup_printf("%s: %s", ctx->path, what);
  g_free(what);
  g_ptr_array_add(s->notes, text);
}

static gboolean
key_ok(const gboolean *ok, const char *section, const char *key)
{
  const KeySpec *spec = spec_find(section, key);
  g_assert(spec != NULL);
  return ok[spec - key_specs];
}

/* The origin a cross-key problem is reported at: the first of the two keys that was written
 * (in the file or with --set), since a default alone cannot be wrong. */
static const Origin *
blame(const Ctx *ctx, const char *section_a, const char *key_a, const char *section_b,
      const char *key_b)
{
  const Origin *origin = origin_get(ctx, section_a, key_a);
  return origin != NULL ? origin : origin_get(ctx, section_b, key_b);
}

static void
check_across_keys(Ctx *ctx, Scenario *s, const gboolean *ok)
{
  if (key_ok(ok, "app", "instances") && key_ok(ok, "app", "mendix_version") &&
      s->instances > 1 && s->mendix_version < MENDIX_SCALING_VERSION) {
    report(ctx, blame(ctx, "app", "instances", "app", "mendix_version"),
           "app.instances: expected 1 with app.mendix_version = %u: horizontal scaling needs "
           "Mendix 7 or later (Mendix docs, Scale Environment), got '%u'", s->mendix_version,
           s->instances);
  }
  if (key_ok(ok, "app", "health_check_timeout") &&
      key_ok(ok, "platform", "max_health_check_timeout") &&
      s->health_check_timeout > s->max_health_check_timeout) {
    g_autofree char *max = units_format_duration(s->max_health_check_timeout);
    g_autofree char *got = units_format_duration(s->health_check_timeout);
    report(ctx, blame(ctx, "app", "health_check_timeout", "platform", "max_health_check_timeout"),
           "app.health_check_timeout: expected at most platform.max_health_check_timeout = %s "
           "(operators may raise platform.max_health_check_timeout), got '%s'", max, got);
  }
  if (key_ok(ok, "platform", "azs") && key_ok(ok, "platform", "cells") && s->azs > s->cells) {
    report(ctx, blame(ctx, "platform", "azs", "platform", "cells"),
           "platform.azs: expected 1 <= azs <= platform.cells = %u, got '%u'", s->cells, s->azs);
  }
  if (key_ok(ok, "scenario", "warmup") && key_ok(ok, "scenario", "horizon") &&
      s->warmup >= s->horizon) {
    g_autofree char *horizon = units_format_duration(s->horizon);
    g_autofree char *got = units_format_duration(s->warmup);
    report(ctx, blame(ctx, "scenario", "warmup", "scenario", "horizon"),
           "scenario.warmup: expected less than scenario.horizon = %s (metrics count only "
           "after the warm-up), got '%s'", horizon, got);
  }
  if (key_ok(ok, "scenario", "start") && key_ok(ok, "scenario", "horizon")) {
    g_autoptr(GDateTime) end = g_date_time_add(s->start, s->horizon);
    if (end == NULL) {
      g_autofree char *got = units_format_duration(s->horizon);
      report(ctx, blame(ctx, "scenario", "horizon", "scenario", "start"),
             "scenario.horizon: expected a horizon that ends before the year 10000, got '%s'",
             got);
    }
  }
  if (key_ok(ok, "traffic", "business_hours") && key_ok(ok, "traffic", "timezone")) {
    g_free(s->business_hours.zone);
    s->business_hours.zone = g_strdup(s->timezone);
  }
}

static gboolean
parse_count(const char *text, guint lo, guint *out)
{
  guint64 value;
  if (!parse_uint64(text, &value) || value < lo || value > MAX_COUNT)
    return FALSE;
  *out = (guint) value;
  return TRUE;
}

/* One [action NAME] section into an action; NULL after reporting its problems. */
static ScenarioAction *
resolve_action(Ctx *ctx, GKeyFile *kf, const char *group, Scenario *s,
               const gboolean *ok)
{
  const Origin *header = origin_get(ctx, group, "");
  g_autoptr(GPtrArray) kind_names = g_ptr_array_new();
  for (gsize i = 0; i < G_N_ELEMENTS(action_kinds); i++)
    g_ptr_array_add(kind_names, (gpointer) action_kinds[i].name);
  g_autofree char *kinds = join((const char *const *) kind_names->pdata, kind_names->len, ", ");

  ScenarioAction *action = g_new0(ScenarioAction, 1);
  action->name = g_strdup(group + strlen("action "));
  action->max_in_flight = 1;
  gboolean good = TRUE;
  gssize kind = -1;

  g_autofree char *kind_text = get_value(kf, group, "action");
  if (kind_text == NULL) {
    report(ctx, header, "[%s]: missing key 'action' (one of %s)", group, kinds);
    good = FALSE;
  } else {
    kind = action_kind_find(kind_text);
    if (kind < 0) {
      const char *best = closest(kind_text, (const char *const *) kind_names->pdata,
                                 kind_names->len);
      g_autofree char *hint = best ? g_strdup_printf(" (did you mean '%s'?)", best) : NULL;
      report(ctx, origin_get(ctx, group, "action"), "%s.action: expected one of %s, got '%s'%s",
             group, kinds, kind_text, hint ? hint : "");
      good = FALSE;
    } else {
      action->kind = (ScenarioActionKind) kind;
    }
  }

  g_autofree char *at_text = get_value(kf, group, "at");
  if (at_text == NULL) {
    report(ctx, header, "[%s]: missing key 'at' (a date-time such as 2027-01-05T10:00:00Z)",
           group);
    good = FALSE;
  } else {
    const Origin *origin = origin_get(ctx, group, "at");
    g_autoptr(GError) local = NULL;
    g_autofree char *note = NULL;
    g_autoptr(GDateTime) at = calendar_parse_datetime(at_text, &note, &local);
    if (note != NULL)
      add_note(ctx, s, origin, g_strdup_printf("%s.at: %s", group, note));
    if (at == NULL) {
      report(ctx, origin, "%s.at: expected a date-time with a zone such as "
             "2027-01-05T10:00:00Z (%s), got '%s'", group, local->message, at_text);
      good = FALSE;
    } else if (key_ok(ok, "scenario", "start") && key_ok(ok, "scenario", "horizon")) {
      gint64 t = calendar_time_of(s->start, at);
      if (t < 0 || t >= s->horizon) {
        g_autofree char *from = datetime_to_string(s->start);
        g_autoptr(GDateTime) end_time = g_date_time_add(s->start, s->horizon);
        g_autofree char *to = end_time ? datetime_to_string(end_time) : g_strdup("?");
        report(ctx, origin, "%s.at: expected a time in [%s, %s), the run from scenario.start "
               "to start + horizon, got '%s'", group, from, to, at_text);
        good = FALSE;
      } else {
        action->at = t;
      }
    }
  }

  guint present = 0;
  for (gsize i = 2; i < G_N_ELEMENTS(action_keys); i++) {
    const char *key = action_keys[i];
    guint bit = 1u << i;
    g_autofree char *value = get_value(kf, group, key);
    if (value == NULL)
      continue;
    present |= bit;
    const Origin *origin = origin_get(ctx, group, key);
    if (kind >= 0 && !(action_kinds[kind].keys & bit)) {
      report(ctx, origin, "%s.%s: not used by action '%s'", group, key, action_kinds[kind].name);
      good = FALSE;
      continue;
    }
    switch (bit) {
      case AK_INSTANCES:
        if (!parse_count(value, 1, &action->instances)) {
          report(ctx, origin, "%s.instances: expected an instance count from 1 to 100000, "
                 "got '%s'", group, value);
          good = FALSE;
        } else if (action->instances > 1 && key_ok(ok, "app", "mendix_version") &&
                   s->mendix_version < MENDIX_SCALING_VERSION) {
          report(ctx, origin, "%s.instances: expected 1 with app.mendix_version = %u: "
                 "horizontal scaling needs Mendix 7 or later (Mendix docs, Scale Environment), "
                 "got '%s'",
                 group, s->mendix_version, value);
          good = FALSE;
        }
        break;
      case AK_DURATION: {
        g_autoptr(GError) local = NULL;
        gboolean positive = kind == SCENARIO_ACTION_AZ_OUTAGE;
        if (!units_parse_duration(value, &action->duration, &local)) {
          report(ctx, origin, "%s.duration: expected a duration such as 2h (%s), got '%s'",
                 group, local->message, value);
          good = FALSE;
        } else if (positive && action->duration <= 0) {
          report(ctx, origin, "%s.duration: expected a positive duration such as 2h, got '%s'",
                 group, value);
          good = FALSE;
        }
        break;
      }
      case AK_MAX_IN_FLIGHT:
        if (!parse_count(value, 1, &action->max_in_flight)) {
          report(ctx, origin, "%s.max_in_flight: expected an instance count from 1 to 100000, "
                 "got '%s'", group, value);
          good = FALSE;
        }
        break;
      case AK_ZONE:
        if (!parse_count(value, 0, &action->zone) ||
            (key_ok(ok, "platform", "azs") && action->zone >= s->azs)) {
          report(ctx, origin, "%s.zone: expected a zone index from 0 to platform.azs - 1 = %d, "
                 "got '%s'", group, (gint) s->azs - 1, value);
          good = FALSE;
        }
        break;
      case AK_CELL:
        if (!parse_count(value, 0, &action->cell) ||
            (key_ok(ok, "platform", "cells") && action->cell >= s->cells)) {
          report(ctx, origin, "%s.cell: expected a cell index from 0 to platform.cells - 1 = %d, "
                 "got '%s'", group, (gint) s->cells - 1, value);
          good = FALSE;
        }
        break;
      default:
        g_assert_not_reached();
    }
  }

  if (kind >= 0) {
    guint missing = action_kinds[kind].required & ~present;
    for (gsize i = 0; i < G_N_ELEMENTS(action_keys); i++) {
      if (missing & (1u << i)) {
        report(ctx, header, "[%s]: action '%s' needs the key '%s'", group,
               action_kinds[kind].name, action_keys[i]);
        good = FALSE;
      }
    }
  }

  if (!good) {
    action_free(action);
    return NULL;
  }
  return action;
}

static gint
action_compare(gconstpointer a, gconstpointer b)
{
  const ScenarioAction *aa = *(const ScenarioAction *const *) a;
  const ScenarioAction *ab = *(const ScenarioAction *const *) b;
  return aa->at < ab->at ? -1 : aa->at > ab->at;
}

static void
resolve_expects(Ctx *ctx, GKeyFile *kf, Scenario *s)
{
  g_auto(GStrv) keys = g_key_file_get_keys(kf, "expect", NULL, NULL);
  for (char **key = keys; key != NULL && *key != NULL; key++) {
    gssize m = expect_find(*key);
    g_assert(m >= 0); /* the scan lets only known keys through */
    g_autofree char *raw = get_value(kf, "expect", *key);
    const Origin *origin = origin_get(ctx, "expect", *key);
    static const char *const what[] = {
      [EXPECT_FRACTION] = "a percentage such as 99.95%",
      [EXPECT_SECONDS] = "a duration such as 2m",
      [EXPECT_COUNT] = "a number of 0 or more such as 4",
    };
    ExpectUnit unit = expect_metrics[m].unit;

    ScenarioExpectOp op;
    if (g_str_has_prefix(raw, ">=")) {
      op = SCENARIO_EXPECT_AT_LEAST;
    } else if (g_str_has_prefix(raw, "<=")) {
      op = SCENARIO_EXPECT_AT_MOST;
    } else {
      report(ctx, origin, "expect.%s: expected '>= X' or '<= X' with X %s, got '%s'", *key,
             what[unit], raw);
      continue;
    }
    g_autofree char *number = g_strstrip(g_strdup(raw + 2));
    g_autoptr(GError) local = NULL;
    double value = 0;
    gboolean parsed = FALSE;
    switch (unit) {
      case EXPECT_FRACTION:
        parsed = units_parse_percent(number, &value, &local);
        break;
      case EXPECT_SECONDS: {
        gint64 us;
        parsed = units_parse_duration(number, &us, &local);
        value = (double) us / (double) DIST_USEC_PER_SEC;
        break;
      }
      case EXPECT_COUNT:
        parsed = parse_number(number, &value) && value >= 0;
        break;
      default:
        g_assert_not_reached();
    }
    if (!parsed) {
      g_autofree char *detail = local ? g_strdup_printf(" (%s)", local->message) : NULL;
      report(ctx, origin, "expect.%s: expected '>= X' or '<= X' with X %s%s, got '%s'", *key,
             what[unit], detail ? detail : "", raw);
      continue;
    }
    ScenarioExpect *expect = g_new0(ScenarioExpect, 1);
    expect->metric = g_strdup(expect_metrics[m].metric);
    expect->key = g_strdup(*key);
    expect->op = op;
    expect->value = value;
    expect->text = g_strdup(raw);
    expect->line = origin != NULL ? origin->line : 0;
    g_ptr_array_add(s->expects, expect);
  }
}

static void
resolve_sweep(Ctx *ctx, GKeyFile *kf, Scenario *s)
{
  g_auto(GStrv) keys = g_key_file_get_keys(kf, "sweep", NULL, NULL);
  double points = 1;
  guint n_values = 0;
  for (char **key = keys; key != NULL && *key != NULL; key++) {
    g_autofree char *raw = get_value(kf, "sweep", *key);
    const Origin *origin = origin_get(ctx, "sweep", *key);
    GPtrArray *values = split_list(raw);
    if (values == NULL) {
      g_autofree char *shown = excerpt(raw);
      report(ctx, origin, "sweep.%s: expected a list of values separated by commas (or by | "
             "for windows, which contain commas), got '%s'", *key, shown);
      continue;
    }
    /* A value twice would run the same point twice and list it twice. */
    const char *twice = NULL;
    /* The first value seen before, found with a set: every point of a sweep resolves this
     * list again, so a pairwise check made a sweep cubic in its values. */
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < values->len && twice == NULL; i++)
      if (!g_hash_table_add(seen, g_ptr_array_index(values, i)))
        twice = g_ptr_array_index(values, i);
    if (twice != NULL) {
      g_autofree char *shown = excerpt(twice);
      report(ctx, origin, "sweep.%s: expected each value once, got '%s' twice", *key, shown);
    }
    points *= values->len;
    n_values += values->len;
    ScenarioSweepAxis *axis = g_new0(ScenarioSweepAxis, 1);
    axis->key = g_strdup(*key);
    axis->values = values;
    g_ptr_array_add(s->sweep, axis);
  }
  /* Each value is checked by resolving the whole scenario once. */
  if (n_values > MAX_SWEEP_VALUES) {
    report(ctx, origin_get(ctx, "sweep", ""), "[sweep]: expected at most %d values in all, "
           "got %u", MAX_SWEEP_VALUES, n_values);
  }
  if (points > MAX_SWEEP_POINTS) {
    report(ctx, origin_get(ctx, "sweep", ""), "[sweep]: expected at most %d points, got %.0f",
           MAX_SWEEP_POINTS, points);
  }
}

/* Whether @raw reads as a value of @spec, by itself (the checks across keys are not the
 * range's business); FALSE with @detail as spec_parse() leaves it. */
static gboolean
value_parses(const KeySpec *spec, const char *raw, char **detail)
{
  Scenario *scratch = scenario_new_empty();
  gboolean ok = spec_parse(spec, raw, scratch, detail);
  scenario_free(scratch);
  return ok;
}

/* [uncertain]: each key a known section.key, each value LOW..HIGH with both ends values of
 * that key. Only zdsim sensitivity uses the ranges; every other command ignores them. */
static void
resolve_uncertain(Ctx *ctx, GKeyFile *kf, Scenario *s)
{
  g_auto(GStrv) keys = g_key_file_get_keys(kf, "uncertain", NULL, NULL);
  for (char **key = keys; key != NULL && *key != NULL; key++) {
    g_autofree char *raw = get_value(kf, "uncertain", *key);
    const Origin *origin = origin_get(ctx, "uncertain", *key);
    const KeySpec *spec = spec_find_full(*key);
    g_assert(spec != NULL); /* scan_text() let only known keys through */
    const char *dots = strstr(raw, "..");
    g_autofree char *shown = excerpt(raw);
    if (dots == NULL || strstr(dots + 2, "..") != NULL) {
      const ScenarioKeyInfo *info = scenario_key_info(*key);
      g_autofree char *example = info != NULL && info->low != NULL
                                     ? g_strdup_printf(" such as %s..%s", info->low, info->high)
                                     : g_strdup("");
      report(ctx, origin, "uncertain.%s: expected a range LOW..HIGH of two values of %s%s, "
             "got '%s'", *key, *key, example, shown);
      continue;
    }
    g_autofree char *low = g_strstrip(g_strndup(raw, (gsize) (dots - raw)));
    g_autofree char *high = g_strstrip(g_strdup(dots + 2));
    gboolean ends_ok = TRUE;
    const char *const ends[] = { low, high };
    const char *const names[] = { "low", "high" };
    for (guint e = 0; e < 2; e++) {
      g_autofree char *detail = NULL;
      if (*ends[e] == '\0' || !value_parses(spec, ends[e], &detail)) {
        g_autofree char *expected = spec_expected(spec);
        g_autofree char *end_shown = excerpt(ends[e]);
        g_autofree char *short_detail = detail ? excerpt_chars(detail, 200) : NULL;
        report(ctx, origin, "uncertain.%s: expected the %s end of the range to be %s%s%s%s, "
               "got '%s'", *key, names[e], expected, short_detail ? " (" : "",
               short_detail ? short_detail : "", short_detail ? ")" : "", end_shown);
        ends_ok = FALSE;
      }
    }
    if (!ends_ok)
      continue;
    ScenarioUncertain *u = g_new0(ScenarioUncertain, 1);
    u->key = g_strdup(*key);
    u->low = g_steal_pointer(&low);
    u->high = g_steal_pointer(&high);
    u->line = origin != NULL ? origin->line : 0;
    g_ptr_array_add(s->uncertain, u);
  }
}

/* Every key with its value or default, then the checks across keys, the actions, [expect]
 * and [sweep]. Always returns a scenario; ctx->problems says whether it is any good. */
static Scenario *
resolve(Ctx *ctx, GKeyFile *kf, gboolean with_sweep)
{
  Scenario *s = scenario_new_empty();
  gboolean ok[G_N_ELEMENTS(key_specs)];

  for (gsize i = 0; i < G_N_ELEMENTS(key_specs); i++) {
    const KeySpec *spec = &key_specs[i];
    g_autofree char *raw = get_value(kf, spec->section, spec->key);
    if (raw == NULL)
      raw = spec->def != NULL ? g_strdup(spec->def) : default_name(ctx->path);
    g_autofree char *detail = NULL;
    guint notes = s->notes->len;
    ok[i] = spec_parse(spec, raw, s, &detail);
    /* A note spec_parse left says what a value means: place it like a problem. */
    if (s->notes->len > notes) {
      char *what = g_ptr_array_steal_index(s->notes, notes);
      add_note(ctx, s, origin_get(ctx, spec->section, spec->key), what);
    }
    if (!ok[i]) {
      g_autofree char *expected = spec_expected(spec);
      /* A detail may quote the value again: keep both short, whatever the value's size. */
      g_autofree char *short_detail = detail ? excerpt_chars(detail, 200) : NULL;
      g_autofree char *note = detail ? g_strdup_printf(" (%s)", short_detail) : NULL;
      g_autofree char *shown = excerpt(raw);
      report(ctx, origin_get(ctx, spec->section, spec->key), "%s: expected %s%s, got '%s'",
             spec->full, expected, note ? note : "", shown);
    }
  }
  check_across_keys(ctx, s, ok);

  g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);
  for (char **group = groups; *group != NULL; group++) {
    if (!is_action_group(*group))
      continue;
    ScenarioAction *action = resolve_action(ctx, kf, *group, s, ok);
    if (action != NULL)
      g_ptr_array_add(s->actions, action);
  }
  /* GLib's sort is stable: actions at the same instant stay in file order. */
  g_ptr_array_sort(s->actions, action_compare);

  resolve_expects(ctx, kf, s);
  resolve_uncertain(ctx, kf, s);
  /* A sweep value is checked by resolving everything but the sweep itself, which would
   * make the check grow with the square of the number of values. */
  if (with_sweep)
    resolve_sweep(ctx, kf, s);
  return s;
}

/* Checks every sweep value by applying it to the key file and resolving the whole scenario,
 * so a value is refused for the same reasons as in the file; problems point at the sweep's
 * line. Each value is checked on its own, not every combination. */
static void
check_sweep_values(Ctx *ctx, GKeyFile *kf, const Scenario *s)
{
  for (guint a = 0; a < s->sweep->len; a++) {
    const ScenarioSweepAxis *axis = g_ptr_array_index(s->sweep, a);
    const KeySpec *spec = spec_find_full(axis->key);
    g_assert(spec != NULL);
    const Origin *sweep_origin = origin_get(ctx, "sweep", axis->key);
    gint line = sweep_origin != NULL ? sweep_origin->line : 0;

    g_autofree char *okey = origin_key(spec->section, spec->key);
    g_autofree char *old_value = g_key_file_get_value(kf, spec->section, spec->key, NULL);
    const Origin *old = g_hash_table_lookup(ctx->origins, okey);
    Origin *saved = old != NULL ? origin_new(old->line, old->set) : NULL;

    for (guint v = 0; v < axis->values->len; v++) {
      g_key_file_set_value(kf, spec->section, spec->key, g_ptr_array_index(axis->values, v));
      g_hash_table_insert(ctx->origins, g_strdup(okey), origin_new(line, NULL));
      scenario_free(resolve(ctx, kf, FALSE));
    }

    if (old_value != NULL)
      g_key_file_set_value(kf, spec->section, spec->key, old_value);
    else
      g_key_file_remove_key(kf, spec->section, spec->key, NULL);
    if (saved != NULL)
      g_hash_table_insert(ctx->origins, g_strdup(okey), saved);
    else
      g_hash_table_remove(ctx->origins, okey);
  }
}

static Scenario *load_data(const char *text, gsize length, const char *path,
                           const char *const *overrides, const Scenario *base, GError **error);

Scenario *
scenario_load_data(const char *text, gsize length, const char *path,
                   const char *const *overrides, GError **error)
{
  return load_data(text, length, path, overrides, NULL, error);
}

Scenario *
scenario_load_sweep_point(const Scenario *base, const char *const *overrides, GError **error)
{
  return load_data(base->text, strlen(base->text), base->path, overrides, base, error);
}

/* Loads a scenario; for a point of @base's sweep (@base not NULL), neither the sweep values
 * nor the [sweep] section itself are checked or read again: the point shares @base's axes. */
static Scenario *
load_data(const char *text, gsize length, const char *path, const char *const *overrides,
          const Scenario *base, GError **error)
{
  g_return_val_if_fail(text != NULL, NULL);
  if (length == (gsize) -1)
    length = strlen(text);

  Ctx ctx = {
    .path = path != NULL ? path : "(scenario)",
    .problems = g_ptr_array_new_with_free_func(problem_free),
    .origins = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, origin_free),
    .point = base != NULL,
  };
  g_autoptr(GString) clean = g_string_new(NULL);
  Scenario *s = NULL;

  if (scan_text(&ctx, text, length, clean)) {
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) local = NULL;
    if (!g_key_file_load_from_data(kf, clean->str, clean->len, G_KEY_FILE_NONE, &local)) {
      /* The scan passes only lines GKeyFile reads; reaching this is a bug in the scan. */
      report(&ctx, NULL, "not a scenario file: %s", local->message);
    } else {
      apply_overrides(&ctx, kf, overrides);
      /* The [sweep] section of a point is its base's: read again by every point, its values
       * made a sweep's loading quadratic in its points. */
      s = resolve(&ctx, kf, base == NULL);
      if (base != NULL) {
        g_ptr_array_unref(s->sweep);
        s->sweep = g_ptr_array_ref(base->sweep);
      } else if (ctx.problems->len == 0) {
        check_sweep_values(&ctx, kf, s);
      }
    }
  }

  if (ctx.problems->len > 0) {
    g_autofree char *message = problems_to_string(&ctx);
    g_set_error_literal(error, SCENARIO_ERROR, SCENARIO_ERROR_INVALID, message);
    scenario_free(s);
    s = NULL;
  } else {
    s->path = g_strdup(path);
    s->text = g_strndup(text, length);
    s->overrides = overrides != NULL ? g_strdupv((char **) overrides) : g_new0(char *, 1);
  }
  g_ptr_array_unref(ctx.problems);
  g_hash_table_unref(ctx.origins);
  return s;
}

/* Reads all of @fd (at most MAX_FILE_BYTES). */
static gboolean
read_all(int fd, const char *name, GString *out, GError **error)
{
  char buffer[65536];
  for (;;) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      int saved = errno;
      g_set_error(error, SCENARIO_ERROR, SCENARIO_ERROR_IO, "cannot read %s: %s", name,
                  g_strerror(saved));
      return FALSE;
    }
    if (n == 0)
      return TRUE;
    if (out->len + (gsize) n > MAX_FILE_BYTES) {
      g_set_error(error, SCENARIO_ERROR, SCENARIO_ERROR_IO,
                  "cannot read %s: larger than %d MiB, which no scenario needs", name,
                  MAX_FILE_BYTES >> 20);
      return FALSE;
    }
    g_string_append_len(out, buffer, n);
  }
}

Scenario *
scenario_load(const char *path, const char *const *overrides, GError **error)
{
  g_autoptr(GString) text = g_string_new(NULL);
  if (g_str_equal(path, "-")) {
    if (!read_all(STDIN_FILENO, "standard input", text, error))
      return NULL;
    return scenario_load_data(text->str, text->len, "<stdin>", overrides, error);
  }
  /* Opened without blocking and checked before reading: a FIFO without a writer, a device or
   * a directory would hang or fail oddly, and none of them is a scenario file. */
  int fd = g_open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0);
  if (fd < 0) {
    int saved = errno;
    g_set_error(error, SCENARIO_ERROR, SCENARIO_ERROR_IO, "cannot read %s: %s", path,
                g_strerror(saved));
    return NULL;
  }
  struct stat st;
  gboolean ok = fstat(fd, &st) == 0;
  if (ok && !S_ISREG(st.st_mode)) {
    g_set_error(error, SCENARIO_ERROR, SCENARIO_ERROR_IO,
                "cannot read %s: not a regular file (a scenario is a file, or - for standard "
                "input)", path);
    ok = FALSE;
  } else if (!ok) {
    int saved = errno;
    g_set_error(error, SCENARIO_ERROR, SCENARIO_ERROR_IO, "cannot read %s: %s", path,
                g_strerror(saved));
  } else {
    ok = read_all(fd, path, text, error); /* O_NONBLOCK does not apply to regular files */
  }
  close(fd);
  if (!ok)
    return NULL;
  return scenario_load_data(text->str, text->len, path, overrides, error);
}

void
scenario_free(Scenario *scenario)
{
  if (scenario == NULL)
    return;
  g_free(scenario->path);
  g_free(scenario->text);
  g_strfreev(scenario->overrides);
  g_free(scenario->name);
  g_free(scenario->description);
  g_clear_pointer(&scenario->start, g_date_time_unref);
  calendar_window_clear(&scenario->updates.calendar);
  calendar_window_clear(&scenario->restarts.calendar);
  calendar_window_clear(&scenario->deploys.calendar);
  g_free(scenario->evacuation);
  g_clear_pointer(&scenario->notes, g_ptr_array_unref);
  calendar_window_clear(&scenario->db_maintenance_window);
  calendar_window_clear(&scenario->portal_window);
  calendar_window_clear(&scenario->business_hours);
  g_free(scenario->timezone);
  g_clear_pointer(&scenario->actions, g_ptr_array_unref);
  g_clear_pointer(&scenario->expects, g_ptr_array_unref);
  g_clear_pointer(&scenario->sweep, g_ptr_array_unref);
  g_clear_pointer(&scenario->uncertain, g_ptr_array_unref);
  g_clear_pointer(&scenario->zones, g_ptr_array_unref);
  g_free(scenario);
}

char *
scenario_to_string(const Scenario *scenario)
{
  const Scenario *s = scenario;
  GString *out = g_string_new(NULL);
  g_string_append_printf(out, "# %s, every key resolved (defaults included)\n", s->name);

  const char *section = NULL;
  for (gsize i = 0; i < G_N_ELEMENTS(key_specs); i++) {
    const KeySpec *spec = &key_specs[i];
    if (section == NULL || !g_str_equal(section, spec->section)) {
      section = spec->section;
      g_string_append_printf(out, "\n[%s]\n", section);
    }
    g_autofree char *value = spec_to_string(spec, s);
    g_string_append_printf(out, "%s = %s\n", spec->key, value);
  }

  for (guint i = 0; i < s->actions->len; i++) {
    const ScenarioAction *action = g_ptr_array_index(s->actions, i);
    g_autoptr(GDateTime) at = g_date_time_add(s->start, action->at);
    g_autofree char *when = datetime_to_string(at);
    guint keys = action_kinds[action->kind].keys;
    g_string_append_printf(out, "\n[action %s]\nat = %s\naction = %s\n", action->name, when,
                           action_kinds[action->kind].name);
    if (keys & AK_INSTANCES)
      g_string_append_printf(out, "instances = %u\n", action->instances);
    if (keys & AK_DURATION) {
      g_autofree char *duration = units_format_duration(action->duration);
      g_string_append_printf(out, "duration = %s\n", duration);
    }
    if (keys & AK_MAX_IN_FLIGHT)
      g_string_append_printf(out, "max_in_flight = %u\n", action->max_in_flight);
    if (keys & AK_ZONE)
      g_string_append_printf(out, "zone = %u\n", action->zone);
    if (keys & AK_CELL)
      g_string_append_printf(out, "cell = %u\n", action->cell);
  }

  if (s->sweep->len > 0)
    g_string_append(out, "\n[sweep]\n");
  for (guint i = 0; i < s->sweep->len; i++) {
    const ScenarioSweepAxis *axis = g_ptr_array_index(s->sweep, i);
    /* Commas when they split back into the same values, else bars ("a) | (b, c" joined by
     * commas would read back as "a), (b" and "c"). Values never contain '|'. */
    g_autofree char *commas = join((const char *const *) axis->values->pdata, axis->values->len,
                                   ", ");
    g_autoptr(GPtrArray) back = split_list(commas);
    gboolean bars = back == NULL || back->len != axis->values->len;
    for (guint v = 0; !bars && v < back->len; v++)
      bars = !g_str_equal(g_ptr_array_index(back, v), g_ptr_array_index(axis->values, v));
    g_autofree char *values = bars ? join((const char *const *) axis->values->pdata,
                                          axis->values->len, " | ")
                                   : g_steal_pointer(&commas);
    g_string_append_printf(out, "%s = %s\n", axis->key, values);
  }

  if (s->expects->len > 0)
    g_string_append(out, "\n[expect]\n");
  for (guint i = 0; i < s->expects->len; i++) {
    const ScenarioExpect *expect = g_ptr_array_index(s->expects, i);
    g_string_append_printf(out, "%s = %s\n", expect->key, expect->text);
  }

  if (s->uncertain->len > 0)
    g_string_append(out, "\n[uncertain]\n");
  for (guint i = 0; i < s->uncertain->len; i++) {
    const ScenarioUncertain *u = g_ptr_array_index(s->uncertain, i);
    g_string_append_printf(out, "%s = %s..%s\n", u->key, u->low, u->high);
  }
  return g_string_free(out, FALSE);
}

GPtrArray *
scenario_sweep_points(const Scenario *scenario)
{
  GPtrArray *points = g_ptr_array_new_with_free_func((GDestroyNotify) g_strfreev);
  guint n_axes = scenario->sweep->len;
  guint64 total = 1;
  for (guint a = 0; a < n_axes; a++)
    total *= ((const ScenarioSweepAxis *) g_ptr_array_index(scenario->sweep, a))->values->len;

  for (guint64 point = 0; point < total; point++) {
    char **vector = g_new0(char *, n_axes + 1);
    guint64 rest = point;
    /* The last axis varies fastest, the first slowest. */
    for (guint a = n_axes; a-- > 0;) {
      const ScenarioSweepAxis *axis = g_ptr_array_index(scenario->sweep, a);
      guint64 index = rest % axis->values->len;
      rest /= axis->values->len;
      vector[a] = g_strdup_printf("%s=%s", axis->key,
                                  (const char *) g_ptr_array_index(axis->values, index));
    }
    g_ptr_array_add(points, vector);
  }
  return points;
}

const char *const *
scenario_known_keys(void)
{
  static const char *const keys[] = { SCENARIO_KEYS(KEY_FULL_NAME) NULL };
  return keys;
}
/* ---- where each default comes from ---- */

#define DOC SCENARIO_SOURCE_DOCUMENT
#define ASSUME SCENARIO_SOURCE_ASSUMPTION
#define SETTING SCENARIO_SOURCE_SETTING

typedef struct {
  const char *key;
  const char *meaning;
  ScenarioSourceKind kind;
  const char *source;
  const char *low, *high;
  ScenarioRangeKind range;
} KeySource;

/* One row per key of SCENARIO_KEYS, in its order (a test checks both). The assumptions and
 * their ranges are what `zdsim sensitivity` varies by default; change one only with a reason in
 * the commit. */
static const KeySource key_sources[] = {
  { "scenario.name", "shown in reports and plots", SETTING,
    "yours: the file's base name by default",
    NULL, NULL, SCENARIO_RANGE_VALUE },
  { "scenario.description", "one line shown under the name", SETTING, "yours",
    NULL, NULL, SCENARIO_RANGE_VALUE },
  { "scenario.start", "the calendar instant of simulated time 0", SETTING,
    "yours: a Monday at midnight UTC by default, so weeks line up with the windows",
    NULL, NULL, SCENARIO_RANGE_VALUE },
  { "scenario.horizon", "simulated time per replication", SETTING, "yours: a year by default",
    NULL, NULL, SCENARIO_RANGE_VALUE },
  { "scenario.warmup", "simulated time at the start of each replication that no metric counts",
    SETTING, "yours: the model starts in its steady state, so none is needed by default",
    NULL, NULL, SCENARIO_RANGE_VALUE },
  { "scenario.replications", "independent replications (more narrow the intervals)", SETTING,
    "yours", NULL, NULL, SCENARIO_RANGE_VALUE },
  { "scenario.seed", "master seed: replication r draws from stream (seed, r)", SETTING, "yours",
    NULL, NULL, SCENARIO_RANGE_VALUE },
  { "app.instances", "desired instance count", SETTING,
    "yours (Mendix docs, Scale Environment: more than one needs Mendix 7 or later)",
    NULL, NULL, SCENARIO_RANGE_VALUE },
  { "app.mendix_version", "the app's Mendix major version", SETTING, "yours",
    NULL, NULL, SCENARIO_RANGE_VALUE },
  { "app.startup", "time from container start to a healthy runtime", ASSUME,
    "app-specific; Mendix documents only point figures (cf-mendix-buildpack README: pushed "
    "with -t 180 for the database sync)", "20s", "90s", SCENARIO_RANGE_MEDIAN },
  { "app.start_failure", "probability that a start never becomes healthy", ASSUME,
    "Mendix docs, Behavior of Your App: new-before-old works \"in the majority of cases\"",
    "0.001", "0.02", SCENARIO_RANGE_VALUE },
  { "app.health_check", "port, process or http", DOC,
    "Cloud Foundry docs, Using App Health Checks: port is the default type",
    NULL, NULL, SCENARIO_RANGE_VALUE },
  { "app.health_check_timeout", "a start not healthy by then crashes", ASSUME,
    "Mendix Cloud's per-app setting is not documented; the cf-mendix-buildpack README pushes "
    "with -t 180, Cloud Foundry's default is 60 s (capi-release cloud_controller_ng spec)",
    "1m", "3m", SCENARIO_RANGE_VALUE },
  { "app.graceful_shutdown", "time the app needs after SIGTERM", SETTING,
    "the app's own; Diego sends SIGKILL at 10 s (diego-release rep spec, "
    "graceful_shutdown_interval_in_seconds)", NULL, NULL, SCENARIO_RANGE_VALUE },
  { "app.crash_mtbf", "time RUNNING until a crash", SETTING,
    "the app's own: none by default; measure it from your logs", NULL, NULL, SCENARIO_RANGE_VALUE },
  { "app.deploys", "the team's own deploys: stop all, database sync, start all", SETTING,
    "yours: none by default", NULL, NULL, SCENARIO_RANGE_VALUE },
  { "app.needs_db_to_start", "a start cannot become healthy while the database is down", DOC,
    "cf-mendix-buildpack buildpack/start.py: nginx binds $PORT only once the runtime is up, "
    "and the runtime needs its database", NULL, NULL, SCENARIO_RANGE_VALUE },
  { "app.db_loss_crash_after", "a RUNNING instance crashes after the database is down this long",
    SETTING, "the app's own: none by default", NULL, NULL, SCENARIO_RANGE_VALUE },
  { "app.capacity_rps", "requests per second one instance serves", SETTING, "the app's own",
    NULL, NULL, SCENARIO_RANGE_VALUE },
  { "platform.cells", "Diego cells", SETTING,
    "your foundation's size; Mendix does not publish Mendix Cloud's",
    NULL, NULL, SCENARIO_RANGE_VALUE },
  { "platform.azs", "availability zones the cells spread over", SETTING,
    "your foundation's; AWS regions have three or more", NULL, NULL, SCENARIO_RANGE_VALUE },
  { "platform.cell_capacity", "instance slots per cell", SETTING,
    "your foundation's; diego-release rep spec caps a cell at 250 containers",
    NULL, NULL, SCENARIO_RANGE_VALUE },
  { "platform.cell_utilization", "share of the slots other tenants take", ASSUME,
    "other tenants' load is unknown to the app owner", "0.5", "0.9", SCENARIO_RANGE_VALUE },
  { "platform.updates", "routine updates that roll the Diego cells (evacuation)", ASSUME,
    "Mendix docs, Behavior of Your App: \"several times a week\" is a maximum", "1/w", "5/w",
    SCENARIO_RANGE_VALUE },
  { "platform.restarts", "infrastructure maintenance: each instance restarted, stop first",
    ASSUME, "Mendix docs, Maintenance Windows: it \"may occur outside your preferred window\"; "
    "no frequency is given", "1/26w", "1/w", SCENARIO_RANGE_VALUE },
  { "platform.max_in_flight", "cells updated at once per zone", DOC,
    "cf-deployment.yml update block: max_in_flight 1", NULL, NULL, SCENARIO_RANGE_VALUE },
  { "platform.canaries", "canary cells updated first", DOC,
    "cf-deployment.yml update block: canaries 1", NULL, NULL, SCENARIO_RANGE_VALUE },
  { "platform.cell_recreate", "VM recreate after the drain", ASSUME,
    "foundation-specific VM times", "2m", "15m", SCENARIO_RANGE_SCALE },
  { "platform.watch_time", "wait after a cell is back", DOC,
    "cf-deployment.yml update block: canary_watch_time from 30000 ms",
    NULL, NULL, SCENARIO_RANGE_VALUE },
  { "platform.evacuation_timeout", "a drain ends here whatever is left", DOC,
    "diego-release rep spec: evacuation_timeout_in_seconds 600", NULL, NULL, SCENARIO_RANGE_VALUE },
  { "platform.evacuation_poll", "a draining cell sees its replacements at this interval", DOC,
    "diego-release rep spec: evacuation_polling_interval_in_seconds 10",
    NULL, NULL, SCENARIO_RANGE_VALUE },
  { "platform.convergence_interval", "delayed restarts and placement retries", DOC,
    "diego-release bbs spec: convergence repeat_interval_in_seconds 30",
    NULL, NULL, SCENARIO_RANGE_VALUE },
  { "platform.proxy_drain", "route gone, app not yet signalled", DOC,
    "diego-release rep spec: containers.proxy.configuration_reload_duration 5 s",
    NULL, NULL, SCENARIO_RANGE_VALUE },
  { "platform.registration_lag", "route table update after RUNNING", ASSUME,
    "inferred from route-emitter behaviour (emits on the BBS event)", "0.05s", "3s",
    SCENARIO_RANGE_SCALE },
  { "platform.unregistration_lag", "route table update after a stop", ASSUME,
    "inferred from route-emitter behaviour (emits on the BBS event)", "0.05s", "3s",
    SCENARIO_RANGE_SCALE },
  { "platform.router_attempts", "attempts per request across instances", DOC,
    "routing-release gorouter spec: router.backends.max_attempts 3",
    NULL, NULL, SCENARIO_RANGE_VALUE },
  { "platform.cell_failure_mtbf", "cells that vanish without draining", SETTING,
    "your foundation's: none by default", NULL, NULL, SCENARIO_RANGE_VALUE },
  { "platform.max_health_check_timeout", "the largest start timeout allowed", DOC,
    "capi-release cloud_controller_ng spec: maximum_health_check_timeout 180",
    NULL, NULL, SCENARIO_RANGE_VALUE },
  { "policy.evacuation", "how a draining cell moves the app: rolling, recreate, stop-start", DOC,
    "bbs models/desired_lrp.proto: ROLLING is the default update strategy",
    NULL, NULL, SCENARIO_RANGE_VALUE },
  { "database.multi_az", "a standby in a second zone (failover instead of an outage)", DOC,
    "Mendix docs, Mendix Cloud: standard plans run a Single-AZ database, Premium adds the "
    "Multi-AZ fallback", NULL, NULL, SCENARIO_RANGE_VALUE },
  { "database.maintenance_window", "the RDS window, UTC: fixed, or AWS's default for a region",
    DOC, "AWS RDS User Guide, Amazon RDS maintenance window: a 30-minute slot at random in the "
    "region's 8-hour block, on a random day", NULL, NULL, SCENARIO_RANGE_VALUE },
  { "database.maintenance_rate", "chance a given week's RDS window is used", ASSUME,
    "AWS RDS User Guide, Maintaining a DB instance: \"once every few months\"", "1/26w",
    "1/4w", SCENARIO_RANGE_VALUE },
  { "database.failover", "outage of a Multi-AZ failover", ASSUME,
    "AWS RDS User Guide, Multi-AZ failover: \"typically 60-120 seconds\"", "30s", "3m",
    SCENARIO_RANGE_SCALE },
  { "database.single_az_outage", "outage of Single-AZ maintenance or failure", ASSUME,
    "AWS re:Post, RDS required maintenance: \"a few minutes\"", "2m", "15m",
    SCENARIO_RANGE_SCALE },
  { "database.engine_upgrade_rate", "chance a given week brings an engine upgrade", SETTING,
    "yours: 0 by default (Mendix schedules PostgreSQL upgrades as environment maintenance)",
    NULL, NULL, SCENARIO_RANGE_VALUE },
  { "database.engine_upgrade_outage", "outage of an engine upgrade, Multi-AZ too", DOC,
    "AWS RDS User Guide, Upgrading the PostgreSQL DB engine: both copies, \"several minutes\"",
    NULL, NULL, SCENARIO_RANGE_VALUE },
  { "database.failure_mtbf", "up time between random database failures", SETTING,
    "yours: none by default", NULL, NULL, SCENARIO_RANGE_VALUE },
  { "database.align_to_portal", "what-if: move the RDS work into the portal window", SETTING,
    "a what-if: false is how Mendix Cloud runs (the two windows are set independently)",
    NULL, NULL, SCENARIO_RANGE_VALUE },
  { "portal.maintenance_window", "the weekly 3-hour window chosen in the Developer Portal, UTC",
    SETTING, "yours (Mendix docs, Maintenance Windows: a 3-hour range)",
    NULL, NULL, SCENARIO_RANGE_VALUE },
  { "portal.environment_maintenance_rate", "chance a given week's portal window is used",
    ASSUME, "Mendix gives no figure", "1/52w", "1/4w", SCENARIO_RANGE_VALUE },
  { "traffic.profile", "constant or business-hours demand", SETTING, "yours",
    NULL, NULL, SCENARIO_RANGE_VALUE },
  { "traffic.business_hours", "weekly business hours, in traffic.timezone", SETTING, "yours",
    NULL, NULL, SCENARIO_RANGE_VALUE },
  { "traffic.timezone", "the zone of the business hours", SETTING, "yours",
    NULL, NULL, SCENARIO_RANGE_VALUE },
  { "traffic.peak_rps", "demand inside business hours", SETTING, "yours",
    NULL, NULL, SCENARIO_RANGE_VALUE },
  { "traffic.offpeak_rps", "demand outside business hours", SETTING, "yours",
    NULL, NULL, SCENARIO_RANGE_VALUE },
};
G_STATIC_ASSERT(G_N_ELEMENTS(key_sources) == G_N_ELEMENTS(key_specs));

#undef DOC
#undef ASSUME
#undef SETTING

static ScenarioKeyInfo *key_infos;

static void
key_infos_init(void)
{
  static gsize once = 0;
  if (g_once_init_enter(&once)) {
    ScenarioKeyInfo *infos = g_new0(ScenarioKeyInfo, G_N_ELEMENTS(key_specs));
    for (gsize i = 0; i < G_N_ELEMENTS(key_specs); i++) {
      const KeySpec *spec = &key_specs[i];
      const KeySource *src = &key_sources[i];
      g_assert(g_str_equal(spec->full, src->key));
      infos[i] = (ScenarioKeyInfo) {
        .key = spec->full,
        .default_text = spec->def,
        /* Built once and kept for the life of the program, like the table itself. */
        .form = spec->expected != NULL ? spec->expected : spec_expected(spec),
        .meaning = src->meaning,
        .kind = src->kind,
        .source = src->source,
        .low = src->low,
        .high = src->high,
        .range = src->range,
      };
    }
    key_infos = infos;
    g_once_init_leave(&once, 1);
  }
}

guint
scenario_key_count(void)
{
  return G_N_ELEMENTS(key_specs);
}

const ScenarioKeyInfo *
scenario_key_info_at(guint i)
{
  g_return_val_if_fail(i < G_N_ELEMENTS(key_specs), NULL);
  key_infos_init();
  return &key_infos[i];
}

const ScenarioKeyInfo *
scenario_key_info(const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS(key_specs); i++)
    if (g_str_equal(key_specs[i].full, key))
      return scenario_key_info_at(i);
  return NULL;
}

/* ---- the [action NAME] and [expect] tables, for help pages ---- */

guint
scenario_action_count(void)
{
  return G_N_ELEMENTS(action_kinds);
}

const char *
scenario_action_name(guint kind)
{
  g_return_val_if_fail(kind < G_N_ELEMENTS(action_kinds), NULL);
  return action_kinds[kind].name;
}

char **
scenario_action_keys(guint kind, gboolean required)
{
  g_return_val_if_fail(kind < G_N_ELEMENTS(action_kinds), NULL);
  GPtrArray *keys = g_ptr_array_new();
  for (gsize i = 0; i < G_N_ELEMENTS(action_keys); i++) {
    guint bit = 1u << i;
    if ((action_kinds[kind].keys & bit) &&
        !(action_kinds[kind].required & bit) == !required)
      g_ptr_array_add(keys, g_strdup(action_keys[i]));
  }
  g_ptr_array_add(keys, NULL);
  return (char **) g_ptr_array_free(keys, FALSE);
}

guint
scenario_expect_count(void)
{
  return G_N_ELEMENTS(expect_metrics);
}

const char *
scenario_expect_key(guint i, const char **metric, const char **example)
{
  g_return_val_if_fail(i < G_N_ELEMENTS(expect_metrics), NULL);
  static const char *const examples[] = {
    [EXPECT_FRACTION] = ">= 99.95%",
    [EXPECT_SECONDS] = "<= 2m",
    [EXPECT_COUNT] = "<= 4",
  };
  if (metric != NULL)
    *metric = expect_metrics[i].metric;
  if (example != NULL)
    *example = examples[expect_metrics[i].unit];
  return expect_metrics[i].key;
}
