/* test-scenario.c: tests of scenario files (sim/scenario.c): defaults, values, overrides, every
 * kind of bad input with its message and line, actions, [expect], [sweep] and the
 * scenario_to_string round trip. Expected values come from the key table (man zdsim-scenario), not
 * from output. */
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "zdsim/scenario.h"
#include "zdsim/units.h"

#define PATH "dir/test.ini"
#define USEC DIST_USEC_PER_SEC
#define SECONDS_PER_WEEK (7.0 * 86400.0)
/* z_0.95, the standard normal 95th percentile (lognormal p95 = median * exp(z * sigma)). */
#define Z95 1.6448536269514722

/* Relative tolerances. Rates: units_format_rate reads back within 1e-12 (units.h). Parameters
 * of distributions and fractions parsed from text: exact to a few ulps. Distributions after
 * a text round trip: their text is exact to the µs, which for the smallest parameter used
 * here (50 ms) is a relative 1e-5 at worst, so 1e-5. */
#define RATE_TOL 1e-12
#define PARSE_TOL 1e-12
#define ROUND_TRIP_TOL 1e-5

static Scenario *
load(const char *text, const char *const *overrides, GError **error)
{
  return scenario_load_data(text, strlen(text), PATH, overrides, error);
}

static Scenario *
load_ok(const char *text, const char *const *overrides)
{
  g_autoptr(GError) error = NULL;
  Scenario *s = load(text, overrides, &error);
  if (s == NULL)
    g_test_message("unexpected error:\n%s", error->message);
  g_assert_no_error(error);
  g_assert_nonnull(s);
  return s;
}

static void
assert_close(double got, double want, double rel)
{
  if (fabs(got - want) > rel * fabs(want) + 1e-300) {
    g_test_message("got %.17g, want %.17g (relative tolerance %g)", got, want, rel);
    g_assert_cmpfloat_with_epsilon(got, want, rel * fabs(want));
  }
}

static void
assert_dist(const Dist *d, DistKind kind, double a, double b, double rel)
{
  g_assert_cmpint(d->kind, ==, kind);
  assert_close(d->a, a, rel);
  assert_close(d->b, b, rel);
}

static void
assert_slot(const CalendarWindow *w, guint i, guint8 days, gint start_min, gint end_min,
            gint end_day_offset)
{
  g_assert_cmpuint(i, <, w->n_slots);
  g_assert_cmpuint(w->slots[i].days, ==, days);
  g_assert_cmpint(w->slots[i].start_min, ==, start_min);
  g_assert_cmpint(w->slots[i].end_min, ==, end_min);
  g_assert_cmpint(w->slots[i].end_day_offset, ==, end_day_offset);
}

/* Days bits of calendar.h: bit 0 = Monday .. bit 6 = Sunday. */
#define MON (1u << 0)
#define FRI (1u << 4)
#define SUN (1u << 6)

/* ---- defaults ---- */

static void
test_defaults(void)
{
  g_autoptr(Scenario) s = load_ok("[scenario]\n", NULL);

  /* [scenario]: name from the file name, start Monday 2027-01-04 00:00 UTC, 365 d, 100, 1 */
  g_assert_cmpstr(s->path, ==, PATH);
  g_assert_cmpstr(s->text, ==, "[scenario]\n");
  g_assert_nonnull(s->overrides);
  g_assert_null(s->overrides[0]);
  g_assert_cmpstr(s->name, ==, "test");
  g_assert_cmpstr(s->description, ==, "");
  g_autoptr(GDateTime) start = g_date_time_new_utc(2027, 1, 4, 0, 0, 0);
  g_assert_true(g_date_time_equal(s->start, start));
  g_assert_cmpint(g_date_time_get_day_of_week(s->start), ==, G_DATE_MONDAY);
  g_assert_cmpint(s->horizon, ==, 365 * 86400 * USEC);
  g_assert_cmpuint(s->replications, ==, 100);
  g_assert_cmpuint(s->seed, ==, 1);

  /* [app] */
  g_assert_cmpuint(s->instances, ==, 1);
  g_assert_cmpuint(s->mendix_version, ==, 10);
  /* lognormal(median=45s,p95=120s): mu = ln 45e6 µs, sigma = ln(120/45) / z_0.95 */
  assert_dist(&s->startup, DIST_LOGNORMAL, log(45e6), log(120.0 / 45.0) / Z95, PARSE_TOL);
  assert_close(s->start_failure, 0.005, PARSE_TOL);
  g_assert_cmpint(s->health_check, ==, SCENARIO_HEALTH_PORT);
  g_assert_cmpint(s->health_check_timeout, ==, 180 * USEC);
  assert_dist(&s->graceful_shutdown, DIST_UNIFORM, 2e6, 10e6, PARSE_TOL);
  g_assert_cmpint(s->crash_mtbf.kind, ==, DIST_NONE);
  g_assert_true(s->needs_db_to_start);
  g_assert_cmpint(s->db_loss_crash_after, ==, -1);
  assert_close(s->capacity_rps, 50, PARSE_TOL);

  /* [platform] */
  g_assert_cmpuint(s->cells, ==, 12);
  g_assert_cmpuint(s->azs, ==, 3);
  g_assert_cmpuint(s->cell_capacity, ==, 40);
  assert_close(s->cell_utilization, 0.7, PARSE_TOL);
  g_assert_cmpint(s->updates.kind, ==, SCENARIO_UPDATES_RATE);
  assert_close(s->updates.rate, 3.0 / SECONDS_PER_WEEK, RATE_TOL);
  g_assert_cmpuint(s->max_in_flight, ==, 1);
  g_assert_cmpuint(s->canaries, ==, 1);
  assert_dist(&s->cell_recreate, DIST_UNIFORM, 180e6, 480e6, PARSE_TOL);
  g_assert_cmpint(s->watch_time, ==, 30 * USEC);
  g_assert_cmpint(s->evacuation_timeout, ==, 600 * USEC);
  g_assert_cmpint(s->evacuation_poll, ==, 10 * USEC);
  g_assert_cmpint(s->convergence_interval, ==, 30 * USEC);
  g_assert_cmpint(s->proxy_drain, ==, 5 * USEC);
  assert_dist(&s->registration_lag, DIST_UNIFORM, 0.1e6, 1e6, PARSE_TOL);
  assert_dist(&s->unregistration_lag, DIST_UNIFORM, 0.1e6, 1e6, PARSE_TOL);
  g_assert_cmpuint(s->router_attempts, ==, 3);
  g_assert_cmpint(s->cell_failure_mtbf.kind, ==, DIST_NONE);
  g_assert_cmpint(s->max_health_check_timeout, ==, 180 * USEC);

  /* [policy] */
  g_assert_cmpstr(s->evacuation, ==, "rolling");

  /* [database]: Single-AZ (Mendix standard plans), AWS's default window for eu-west-1
   * (22:00-06:00 UTC block), 1/12w, uniform(60s,120s), uniform(3m,10m) */
  g_assert_false(s->multi_az);
  g_assert_nonnull(s->db_region);
  g_assert_cmpstr(s->db_region->name, ==, "eu-west-1");
  g_assert_cmpuint(s->db_region->start_minute, ==, 22 * 60);
  g_assert_cmpuint(s->db_region->length_minutes, ==, 8 * 60);
  g_assert_cmpuint(s->db_maintenance_window.n_slots, ==, 0);
  assert_close(s->maintenance_rate, 1.0 / (12 * SECONDS_PER_WEEK), RATE_TOL);
  assert_dist(&s->failover, DIST_UNIFORM, 60e6, 120e6, PARSE_TOL);
  assert_dist(&s->single_az_outage, DIST_UNIFORM, 180e6, 600e6, PARSE_TOL);
  g_assert_cmpfloat(s->engine_upgrade_rate, <=, 0);
  g_assert_cmpfloat(s->engine_upgrade_rate, >=, 0);
  assert_dist(&s->engine_upgrade_outage, DIST_UNIFORM, 300e6, 900e6, PARSE_TOL);
  g_assert_cmpint(s->failure_mtbf.kind, ==, DIST_NONE);
  g_assert_false(s->align_to_portal);

  /* [portal]: sun 01:00-04:00 UTC, 1/26w */
  g_assert_cmpuint(s->portal_window.n_slots, ==, 1);
  assert_slot(&s->portal_window, 0, SUN, 60, 240, 0);
  g_assert_null(s->portal_window.zone);
  assert_close(s->environment_maintenance_rate, 1.0 / (26 * SECONDS_PER_WEEK), RATE_TOL);

  /* [traffic]: business-hours, mon-fri 08:00-18:00 in Europe/Amsterdam, 20 and 2 rps */
  g_assert_cmpint(s->traffic, ==, SCENARIO_TRAFFIC_BUSINESS_HOURS);
  g_assert_cmpuint(s->business_hours.n_slots, ==, 1);
  assert_slot(&s->business_hours, 0, 0x1f, 8 * 60, 18 * 60, 0);
  g_assert_cmpstr(s->business_hours.zone, ==, "Europe/Amsterdam");
  g_assert_cmpstr(s->timezone, ==, "Europe/Amsterdam");
  assert_close(s->peak_rps, 20, PARSE_TOL);
  assert_close(s->offpeak_rps, 2, PARSE_TOL);

  g_assert_cmpuint(s->actions->len, ==, 0);
  g_assert_cmpuint(s->expects->len, ==, 0);
  g_assert_cmpuint(s->sweep->len, ==, 0);
}

/* ---- values that are fine ---- */

static void
test_values(void)
{
  g_autoptr(Scenario) a = load_ok("[app]\n"
                                  "start_failure = 0.5%\n"
                                  "needs_db_to_start = no\n"
                                  "db_loss_crash_after = 5m\n"
                                  "[scenario]\n"
                                  "description = a; b # c\n"
                                  "seed = 18446744073709551615\n"
                                  "start = 2027-03-01 09:00 Europe/Amsterdam\n"
                                  "[platform]\n"
                                  "updates = tue 02:00, thu 02:00 Europe/Amsterdam\n"
                                  "cell_utilization = 0\n"
                                  "[database]\n"
                                  "maintenance_window = sat 23:45-sun 00:15\n"
                                  "align_to_portal = 1\n"
                                  "[traffic]\n"
                                  "timezone = UTC\n",
                                  NULL);
  assert_close(a->start_failure, 0.005, PARSE_TOL);
  g_assert_false(a->needs_db_to_start);
  g_assert_cmpint(a->db_loss_crash_after, ==, 300 * USEC);
  /* GKeyFile would split at ';' with its list readers and '#' only starts a comment line. */
  g_assert_cmpstr(a->description, ==, "a; b # c");
  g_assert_cmpuint(a->seed, ==, G_MAXUINT64);
  /* 09:00 CET (UTC+1 in March before the switch on the 28th) is 08:00 UTC. */
  g_autoptr(GDateTime) start = g_date_time_new_utc(2027, 3, 1, 8, 0, 0);
  g_assert_true(g_date_time_equal(a->start, start));
  g_assert_cmpint(a->updates.kind, ==, SCENARIO_UPDATES_CALENDAR);
  g_assert_true(a->updates.calendar.instants);
  g_assert_cmpuint(a->updates.calendar.n_slots, ==, 2);
  g_assert_cmpstr(a->updates.calendar.zone, ==, "Europe/Amsterdam");
  g_assert_cmpfloat(a->cell_utilization, <=, 0);
  /* A window crossing midnight: one slot starting on one day, 30 minutes. */
  assert_slot(&a->db_maintenance_window, 0, 1u << 5, 23 * 60 + 45, 15, 1);
  g_assert_true(a->align_to_portal);
  g_assert_cmpstr(a->timezone, ==, "UTC");
  g_assert_cmpstr(a->business_hours.zone, ==, "UTC");

  g_autoptr(Scenario) b = load_ok("[platform]\nupdates = 2/d\n[app]\nneeds_db_to_start = yes\n"
                                  "[database]\nmulti_az = 0\n", NULL);
  g_assert_cmpint(b->updates.kind, ==, SCENARIO_UPDATES_RATE);
  assert_close(b->updates.rate, 2.0 / 86400.0, RATE_TOL);
  g_assert_true(b->needs_db_to_start);
  g_assert_false(b->multi_az);

  g_autoptr(Scenario) c = load_ok("[platform]\nupdates = none\n", NULL);
  g_assert_cmpint(c->updates.kind, ==, SCENARIO_UPDATES_NONE);
  /* A rate of 0 switches updates off like none (man zdsim-scenario). */
  g_autoptr(Scenario) c0 = load_ok("[platform]\nupdates = 0/w\n", NULL);
  g_assert_cmpint(c0->updates.kind, ==, SCENARIO_UPDATES_NONE);

  /* Comments, blank lines, indentation, CRLF line ends and spaces around '=' are fine. */
  g_autoptr(Scenario) d = load_ok("# a scenario\r\n\r\n  [app]  \r\n\tinstances=4\r\n"
                                  "  # indented comment\r\n[scenario]\r\nname =  spaced name  \r\n",
                                  NULL);
  g_assert_cmpuint(d->instances, ==, 4);
  g_assert_cmpstr(d->name, ==, "spaced name");
}

static void
test_name_from_path(void)
{
  static const struct {
    const char *path;
    const char *name;
  } cases[] = {
    { "scenarios/two-instances.ini", "two-instances" },
    { "plain", "plain" },
    { "/abs/path/x.y.ini", "x.y" },
    { "noext.conf", "noext.conf" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(Scenario) s = scenario_load_data("[app]\n", 6, cases[i].path, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(s->name, ==, cases[i].name);
  }
  g_autoptr(Scenario) named = load_ok("[scenario]\nname = chosen\n", NULL);
  g_assert_cmpstr(named->name, ==, "chosen");
}

/* ---- overrides ---- */

static void
test_overrides(void)
{
  /* --set beats the file; a key absent from the file, in an absent section, can be set. */
  const char *const set[] = { "app.instances=3", "traffic.peak_rps = 100", NULL };
  g_autoptr(Scenario) a = load_ok("[app]\ninstances = 2\n", set);
  g_assert_cmpuint(a->instances, ==, 3);
  assert_close(a->peak_rps, 100, PARSE_TOL);
  g_assert_cmpuint(g_strv_length(a->overrides), ==, 2);
  g_assert_cmpstr(a->overrides[0], ==, "app.instances=3");
  g_assert_cmpstr(a->overrides[1], ==, "traffic.peak_rps = 100");
  g_assert_cmpstr(a->text, ==, "[app]\ninstances = 2\n");

  /* The last of two overrides of one key wins. */
  const char *const twice[] = { "app.instances=3", "app.instances=5", NULL };
  g_autoptr(Scenario) b = load_ok("[app]\n", twice);
  g_assert_cmpuint(b->instances, ==, 5);

  /* Checks run on the final values: a bad file value replaced by --set is no problem, and a
   * file value that is fine alone can conflict with an override, reported at the override. */
  const char *const fix[] = { "app.instances=2", NULL };
  g_autoptr(Scenario) c = load_ok("[app]\ninstances = 0\n", fix);
  g_assert_cmpuint(c->instances, ==, 2);

  g_autoptr(GError) error = NULL;
  g_autoptr(Scenario) d = load("[app]\nmendix_version = 6\n", fix, &error);
  g_assert_null(d);
  g_assert_error(error, SCENARIO_ERROR, SCENARIO_ERROR_INVALID);
  g_assert_true(g_str_has_prefix(error->message, "--set app.instances=2: app.instances"));
  g_assert_nonnull(strstr(error->message, "horizontal scaling needs Mendix 7 or later"));
}

/* Every known key can be set and swept with its own default text. */
static void
test_known_keys(void)
{
  const char *const *keys = scenario_known_keys();
  g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
  g_autoptr(Scenario) defaults = load_ok("[scenario]\n", NULL);
  g_autofree char *text = scenario_to_string(defaults);
  g_autoptr(GKeyFile) kf = g_key_file_new();
  g_assert_true(g_key_file_load_from_data(kf, text, strlen(text), G_KEY_FILE_NONE, NULL));

  guint n = 0;
  for (; keys[n] != NULL; n++) {
    const char *full = keys[n];
    g_assert_true(g_hash_table_add(seen, (gpointer) full));
    const char *dot = strchr(full, '.');
    g_assert_nonnull(dot);
    g_assert_null(strchr(dot + 1, '.'));
    g_autofree char *section = g_strndup(full, (gsize) (dot - full));
    g_autofree char *value = g_key_file_get_value(kf, section, dot + 1, NULL);
    g_assert_nonnull(value);

    g_autofree char *override = g_strdup_printf("%s=%s", full, g_strstrip(value));
    const char *const set[] = { override, NULL };
    g_autoptr(Scenario) s = load_ok("[scenario]\n", set);
    g_assert_cmpstr(s->overrides[0], ==, override);
    if (*value == '\0')
      continue; /* an empty sweep value is refused on purpose (scenario.description) */
    g_autofree char *swept = g_strdup_printf("[sweep]\n%s = %s\n", full, value);
    g_autoptr(Scenario) t = load_ok(swept, NULL);
    g_assert_cmpuint(t->sweep->len, ==, 1);
  }
  /* The key table: scenario 7 (warmup), app 12 (deploys), platform 19 (restarts),
   * policy 1, database 9, portal 2, traffic 5 keys. */
  g_assert_cmpuint(n, ==, 7 + 12 + 19 + 1 + 9 + 2 + 5);
  g_assert_true(g_hash_table_contains(seen, "app.instances"));
  g_assert_true(g_hash_table_contains(seen, "platform.max_health_check_timeout"));
  g_assert_true(g_hash_table_contains(seen, "traffic.offpeak_rps"));
}

/* ---- bad input ---- */

typedef struct {
  const char *text;
  gsize length;         /* 0: strlen(text) */
  const char *set;      /* one --set override, or NULL */
  gint line;            /* the line the problem is reported at; 0: at the --set */
  const char *fragment; /* a piece of that problem's message */
} BadCase;

#define BINARY "[app]\ninstances = 2\n\x89PNG\r\n\x1a\n\0\0\0\rIHDR"
#define NUL_BYTE "[app]\n\0instances = 2\n"
#define AT "at = 2027-01-05T00:00:00Z\n"

static const BadCase bad_cases[] = {
  /* unknown sections and keys, with the closest known name */
  { "[app]\ninstanses = 2\n", 0, NULL, 2,
    "unknown key app.instanses (did you mean 'instances'?)" },
  { "[app]\ncells = 3\n", 0, NULL, 2, "unknown key app.cells (cells belongs in [platform])" },
  { "[portal]\nfoo = 1\n", 0, NULL, 2,
    "unknown key portal.foo (known keys: maintenance_window, environment_maintenance_rate)" },
  { "[scenario]\n[aap]\ninstances = 2\n", 0, NULL, 2,
    "unknown section [aap] (did you mean [app]?)" },
  { "[scenario]\n\n[databse]\n", 0, NULL, 3, "unknown section [databse] (did you mean [database]?)" },
  { "[actoin up]\n" AT, 0, NULL, 1, "unknown section [actoin up] (did you mean [action up]?)" },
  { "[action]\n", 0, NULL, 1, "[action] needs a name" },
  { "[app]\n[wibble]\n", 0, NULL, 2, "unknown section [wibble] (known sections:" },
  /* units, ranges and types */
  { "[scenario]\nhorizon = 365x\n", 0, NULL, 2, "scenario.horizon: expected a positive duration" },
  { "[platform]\nwatch_time = -5s\n", 0, NULL, 2,
    "platform.watch_time: expected a duration of 0 or more" },
  { "[scenario]\nhorizon = 0\n", 0, NULL, 2, "scenario.horizon: expected a positive duration" },
  { "[platform]\nevacuation_poll = 0s\n", 0, NULL, 2, "platform.evacuation_poll: expected a positive" },
  { "[app]\nstart_failure = 1.5\n", 0, NULL, 2,
    "app.start_failure: expected a probability from 0 to 1 such as 0.005 or 0.5%, got '1.5'" },
  { "[app]\nstart_failure = 150%\n", 0, NULL, 2, "app.start_failure: expected a probability" },
  { "[app]\nstart_failure = -0.1\n", 0, NULL, 2, "app.start_failure: expected a probability" },
  { "[platform]\ncell_utilization = 1\n", 0, NULL, 2, "platform.cell_utilization: expected a fraction in [0, 1)" },
  { "[app]\nstartup = gamma(2,3s)\n", 0, NULL, 2,
    "app.startup: expected a distribution of durations" },
  { "[app]\ngraceful_shutdown = none\n", 0, NULL, 2, "none is not allowed here" },
  { "[scenario]\nreplications = 0\n", 0, NULL, 2, "scenario.replications: expected an integer from 1 to 1000000 (at least 1), got '0'" },
  { "[scenario]\nreplications = 1000001\n", 0, NULL, 2, "from 1 to 1000000" },
  { "[scenario]\nseed = -1\n", 0, NULL, 2, "scenario.seed: expected a non-negative 64-bit integer" },
  { "[scenario]\nseed = 18446744073709551616\n", 0, NULL, 2, "scenario.seed: expected" },
  { "[app]\ninstances = 2.5\n", 0, NULL, 2, "app.instances: expected an instance count" },
  { "[app]\nneeds_db_to_start = maybe\n", 0, NULL, 2, "app.needs_db_to_start: expected true or false, got 'maybe'" },
  { "[app]\nhealth_check = tcp\n", 0, NULL, 2, "app.health_check: expected one of port, process, http, got 'tcp'" },
  { "[app]\ncapacity_rps = 0\n", 0, NULL, 2, "app.capacity_rps: expected a positive number" },
  { "[traffic]\npeak_rps = -1\n", 0, NULL, 2, "traffic.peak_rps: expected a number" },
  { "[traffic]\nprofile = weekdays\n", 0, NULL, 2, "traffic.profile: expected one of constant, business-hours" },
  { "[policy]\nevacuation = blue-green\n", 0, NULL, 2, "policy.evacuation: expected one of" },
  { "[scenario]\nstart = 2027-13-01T00:00:00Z\n", 0, NULL, 2, "scenario.start: expected a date-time" },
  { "[scenario]\nstart = 2027-01-04T00:00:00\n", 0, NULL, 2, "scenario.start: expected a date-time" },
  { "[database]\nmaintenance_rate = 3/x\n", 0, NULL, 2, "database.maintenance_rate: expected a rate" },
  { "[platform]\nupdates = often\n", 0, NULL, 2, "platform.updates: expected none, a rate" },
  { "[scenario]\nname =\n", 0, NULL, 2, "scenario.name: expected a non-empty name" },
  /* windows and zones */
  { "[database]\nmaintenance_window = sun 06:00-05:30\n", 0, NULL, 2,
    "database.maintenance_window: expected region NAME, or one weekly slot in UTC" },
  { "[traffic]\ntimezone = Europe/Atlantis\n", 0, NULL, 2,
    "traffic.timezone: expected an IANA time zone" },
  { "[platform]\nupdates = tue 02:00 Mars/Olympus\n", 0, NULL, 2,
    "platform.updates: expected none, a rate" },
  { "[database]\nmaintenance_window = sun 05:00-05:20\n", 0, NULL, 2,
    "at least 30 minutes such as sun 05:00-05:30 (RDS windows are UTC and 30 min or longer: "
    "AWS RDS API, PreferredMaintenanceWindow) (it is 20 minutes long)" },
  /* Names fit a table column: 64 characters at most (65 here); descriptions 500. */
  { "[scenario]\nname = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 0,
    NULL, 2, "scenario.name: expected a non-empty name on one line of at most 64 characters "
    "(it is 65 characters long)" },
  { "[action aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\n"
    "action = restart\nat = 2027-01-05T10:00:00Z\n", 0, NULL, 1,
    "expected an action name of at most 64 characters" },
  /* A right-to-left override (U+202E) would make the name read backwards on a terminal. */
  { "[scenario]\nname = abc\xe2\x80\xaetxt.exe\n", 0, NULL, 2, "scenario.name: expected" },
  { "[scenario]\nname = abc\xe2\x81\xa6x\n", 0, NULL, 2, "scenario.name: expected" },
  /* A sweep value twice would run and list the same point twice. */
  { "[sweep]\napp.instances = 1, 2, 1\n", 0, NULL, 2,
    "sweep.app.instances: expected each value once, got '1' twice" },
  /* EU summer time starts 2027-03-28 at 02:00 CET: 02:30 does not exist that day. */
  { "[scenario]\nstart = 2027-03-28 02:30 Europe/Amsterdam\n", 0, NULL, 2,
    "does not exist: the clocks skip that time" },
  { "[database]\nmaintenance_window = sun 05:00-05:30 Europe/Amsterdam\n", 0, NULL, 2,
    "(it names the zone Europe/Amsterdam; write it in UTC, without a zone)" },
  { "[database]\nmaintenance_window = sun 05:00-05:30, wed 05:00-05:30\n", 0, NULL, 2,
    "write a single slot on a single day" },
  { "[database]\nmaintenance_window = mon-fri 05:00-05:30\n", 0, NULL, 2,
    "write a single slot on a single day" },
  { "[portal]\nmaintenance_window = sun 01:00-03:00\n", 0, NULL, 2,
    "portal.maintenance_window: expected one weekly slot in UTC of exactly 3 hours" },
  { "[portal]\nmaintenance_window = sun 01:00-05:00\n", 0, NULL, 2, "(it is 240 minutes long)" },
  { "[traffic]\nbusiness_hours = mon-fri 08:00-18:00 Europe/London\n", 0, NULL, 2,
    "put the zone in traffic.timezone" },
  { "[traffic]\nbusiness_hours = mon-fri 08:00-18:00 UTC\n", 0, NULL, 2,
    "put the zone in traffic.timezone" },
  /* checks across keys */
  { "[app]\nhealth_check_timeout = 600s\n", 0, NULL, 2,
    "app.health_check_timeout: expected at most platform.max_health_check_timeout = 3m "
    "(operators may raise platform.max_health_check_timeout), got '10m'" },
  { "[platform]\nmax_health_check_timeout = 60s\n", 0, NULL, 2,
    "expected at most platform.max_health_check_timeout = 1m" },
  { "[app]\nmendix_version = 6\ninstances = 2\n", 0, NULL, 3,
    "horizontal scaling needs Mendix 7 or later (Mendix docs, Scale Environment)" },
  { "[platform]\ncells = 2\nazs = 3\n", 0, NULL, 3,
    "platform.azs: expected 1 <= azs <= platform.cells = 2, got '3'" },
  { "[platform]\nazs = 0\n", 0, NULL, 2, "platform.azs: expected a zone count" },
  /* the text itself */
  { "", 0, NULL, 1, "no sections" },
  { "# only a comment\n\n", 0, NULL, 1, "no sections" },
  { BINARY, sizeof(BINARY) - 1, NULL, 3, "not a scenario file: invalid UTF-8" },
  { NUL_BYTE, sizeof(NUL_BYTE) - 1, NULL, 2, "not a scenario file: it contains a NUL byte" },
  { "[scenario]\nname = caf\xe9\n", 0, NULL, 2, "invalid UTF-8 (byte 0xe9)" },
  { "[app]\ninstances 2\n", 0, NULL, 2,
    "expected a [section], a key = value line or a # comment, got 'instances 2'" },
  { "; ini comment\n[app]\n", 0, NULL, 1, "expected a [section], a key = value line" },
  { "instances = 2\n[app]\n", 0, NULL, 1, "key 'instances' outside any section" },
  { "[app\n", 0, NULL, 1, "expected a section header such as [app], got '[app'" },
  { "[app] x\n", 0, NULL, 1, "expected a section header" },
  { "[app]\n= 2\n", 0, NULL, 2, "expected key = value, got '= 2'" },
  { "[app]\ninstances = 2\ninstances = 3\n", 0, NULL, 3,
    "duplicate key app.instances (first at line 2; GKeyFile would silently keep the last)" },
  { "[app]\n[policy]\n[app]\n", 0, NULL, 3, "duplicate section [app] (first at line 1)" },
  /* [expect] */
  { "[expect]\navailability = > 99.9%\n", 0, NULL, 2,
    "expect.availability: expected '>= X' or '<= X' with X a percentage such as 99.95%, "
    "got '> 99.9%'" },
  { "[expect]\navailability = 99.9%\n", 0, NULL, 2, "expected '>= X' or '<= X'" },
  { "[expect]\navailability = >= 0.999\n", 0, NULL, 2, "expect.availability: expected" },
  { "[expect]\nmax_outage = <= 2q\n", 0, NULL, 2, "expect.max_outage: expected '>= X' or '<= X' with X a duration" },
  { "[expect]\noutages_per_year = <= many\n", 0, NULL, 2, "expect.outages_per_year: expected" },
  { "[expect]\navailabilty = >= 99%\n", 0, NULL, 2,
    "unknown key expect.availabilty (did you mean 'availability'?)" },
  /* [action NAME] */
  { "[action a]\nat = 2027-01-03T23:59:59Z\naction = restart\n", 0, NULL, 2,
    "action a.at: expected a time in [2027-01-04T00:00:00Z, 2028-01-04T00:00:00Z)" },
  { "[scenario]\nhorizon = 1d\n[action a]\nat = 2027-01-05T00:00:00Z\naction = restart\n", 0,
    NULL, 4, "action a.at: expected a time in [2027-01-04T00:00:00Z, 2027-01-05T00:00:00Z)" },
  { "[action a]\nat = next tuesday\naction = restart\n", 0, NULL, 2, "action a.at: expected a date-time" },
  { "[action a]\n" AT, 0, NULL, 1, "[action a]: missing key 'action'" },
  { "[action a]\naction = restart\n", 0, NULL, 1, "[action a]: missing key 'at'" },
  { "[action a]\n" AT "action = scael\n", 0, NULL, 3, "got 'scael' (did you mean 'scale'?)" },
  { "[action a]\n" AT "action = restart\ninstances = 2\n", 0, NULL, 4,
    "action a.instances: not used by action 'restart'" },
  { "[action a]\n" AT "action = scale\n", 0, NULL, 1, "action 'scale' needs the key 'instances'" },
  { "[action a]\n" AT "action = scale\ninstances = 0\n", 0, NULL, 4, "action a.instances: expected" },
  { "[app]\nmendix_version = 6\n[action a]\n" AT "action = scale\ninstances = 3\n", 0, NULL, 6,
    "horizontal scaling needs Mendix 7 or later" },
  { "[action a]\n" AT "action = az-outage\nzone = 3\nduration = 1h\n", 0, NULL, 4,
    "action a.zone: expected a zone index from 0 to platform.azs - 1 = 2, got '3'" },
  { "[action a]\n" AT "action = az-outage\n", 0, NULL, 1, "action 'az-outage' needs the key 'duration'" },
  { "[action a]\n" AT "action = az-outage\nduration = 0\n", 0, NULL, 4, "action a.duration: expected a positive duration" },
  { "[action a]\n" AT "action = cell-failure\ncell = 12\n", 0, NULL, 4,
    "action a.cell: expected a cell index from 0 to platform.cells - 1 = 11" },
  { "[action a]\n" AT "action = rolling-restart\nmax_in_flight = 0\n", 0, NULL, 4, "action a.max_in_flight: expected" },
  { "[action a]\n" AT "action = restart\nwhen = 1h\n", 0, NULL, 4, "unknown key action a.when" },
  { "[action a]\n" AT "action = restart\ndurration = 1h\n", 0, NULL, 4, "(did you mean 'duration'?)" },
  /* --set */
  { "[scenario]\n", 0, "app.instances", 0, "expected section.key=value, got no '='" },
  { "[scenario]\n", 0, "instances=2", 0, "without a section" },
  { "[scenario]\n", 0, "app.instanses=3", 0, "unknown key app.instanses (did you mean 'instances'?)" },
  { "[scenario]\n", 0, "aap.instances=3", 0, "unknown section [aap] (did you mean [app]?)" },
  { "[scenario]\n", 0, "app.instances=x", 0, "app.instances: expected an instance count" },
  { "[scenario]\n", 0, "expect.availability=>= 99%", 0, "can be set" },
  /* [sweep] */
  { "[sweep]\napp.instances = 1, 0, 3\n", 0, NULL, 2,
    "app.instances: expected an instance count from 1 to 100000 (at least 1), got '0'" },
  { "[sweep]\napp.startup = uniform(1s,2s), gamma(1,2)\n", 0, NULL, 2, "got 'gamma(1,2)'" },
  { "[app]\nmendix_version = 6\n[sweep]\napp.instances = 1, 2\n", 0, NULL, 4,
    "horizontal scaling needs Mendix 7 or later" },
  { "[sweep]\napp.instanses = 1, 2\n", 0, NULL, 2,
    "unknown key sweep.app.instanses (did you mean 'app.instances'?)" },
  { "[sweep]\napp.instances = 1,,2\n", 0, NULL, 2, "sweep.app.instances: expected a list of values" },
  { "[sweep]\nexpect.availability = 1, 2\n", 0, NULL, 2, "unknown key sweep.expect.availability" },
};

/* Whether one line of @message is at @line (or the --set @set) and contains @fragment. */
static gboolean
has_problem(const char *message, gint line, const char *set, const char *fragment)
{
  g_autofree char *prefix = line > 0 ? g_strdup_printf("%s:%d: ", PATH, line)
                                     : g_strdup_printf("--set %s: ", set);
  g_auto(GStrv) lines = g_strsplit(message, "\n", -1);
  for (char **l = lines; *l != NULL; l++)
    if (g_str_has_prefix(*l, prefix) && strstr(*l, fragment) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_errors(void)
{
  for (gsize i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
    const BadCase *c = &bad_cases[i];
    const char *const set[] = { c->set, NULL };
    gsize length = c->length > 0 ? c->length : strlen(c->text);
    g_autoptr(GError) error = NULL;
    g_autoptr(Scenario) s = scenario_load_data(c->text, length, PATH, set, &error);
    g_assert_null(s);
    g_assert_error(error, SCENARIO_ERROR, SCENARIO_ERROR_INVALID);
    if (!has_problem(error->message, c->line, c->set, c->fragment)) {
      g_test_message("case %" G_GSIZE_FORMAT ": want line %d with \"%s\" in:\n%s", i, c->line,
                     c->fragment, error->message);
      g_test_fail();
    }
  }
  g_assert_cmpuint(G_N_ELEMENTS(bad_cases), >=, 30);
}

/* Every problem of a file is reported, one per line, in line order, --set ones last. */
static void
test_many_errors(void)
{
  const char *text = "[app]\n"
                     "instances = 0\n"
                     "startup = 5x\n"
                     "[platform]\n"
                     "cellz = 3\n"
                     "[traffic]\n"
                     "peak_rps = -1\n";
  const char *const set[] = { "app.mendix_version=x", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(Scenario) s = load(text, set, &error);
  g_assert_null(s);
  g_auto(GStrv) lines = g_strsplit(error->message, "\n", -1);
  g_assert_cmpuint(g_strv_length(lines), ==, 5);
  g_assert_true(g_str_has_prefix(lines[0], PATH ":2: app.instances: "));
  g_assert_true(g_str_has_prefix(lines[1], PATH ":3: app.startup: "));
  g_assert_true(g_str_has_prefix(lines[2], PATH ":5: unknown key platform.cellz (did you mean "
                                           "'cells'?)"));
  g_assert_true(g_str_has_prefix(lines[3], PATH ":7: traffic.peak_rps: "));
  g_assert_true(g_str_has_prefix(lines[4], "--set app.mendix_version=x: app.mendix_version: "));
}

/* platform.max_health_check_timeout is what operators raise to allow longer starts. */
static void
test_max_health_check_timeout(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Scenario) refused = load("[app]\nhealth_check_timeout = 600s\n", NULL, &error);
  g_assert_null(refused);
  g_assert_nonnull(strstr(error->message, "platform.max_health_check_timeout"));

  g_autoptr(Scenario) raised = load_ok("[app]\nhealth_check_timeout = 600s\n"
                                       "[platform]\nmax_health_check_timeout = 600s\n", NULL);
  g_assert_cmpint(raised->health_check_timeout, ==, 600 * USEC);
  g_assert_cmpint(raised->max_health_check_timeout, ==, 600 * USEC);

  const char *const set[] = { "platform.max_health_check_timeout=10m", NULL };
  g_autoptr(Scenario) by_set = load_ok("[app]\nhealth_check_timeout = 600s\n", set);
  g_assert_cmpint(by_set->health_check_timeout, ==, 600 * USEC);
}

/* ---- actions, expect, sweep ---- */

static void
test_actions(void)
{
  g_autoptr(Scenario) s = load_ok("[scenario]\n"
                                  "horizon = 7d\n"
                                  "[app]\n"
                                  "instances = 2\n"
                                  "[action late]\n"
                                  "at = 2027-01-06T12:00:00Z\n"
                                  "action = rolling-restart\n"
                                  "max_in_flight = 2\n"
                                  "[action early]\n"
                                  "at = 2027-01-04 09:00 Europe/Amsterdam\n"
                                  "action = scale\n"
                                  "instances = 1\n"
                                  "duration = 1h\n"
                                  "[action outage]\n"
                                  "at = 2027-01-05T00:00:00Z\n"
                                  "action = az-outage\n"
                                  "zone = 2\n"
                                  "duration = 30m\n"
                                  "[action cellfail]\n"
                                  "at = 2027-01-05T00:00:00Z\n"
                                  "action = cell-failure\n"
                                  "cell = 11\n"
                                  "[action plain]\n"
                                  "at = 2027-01-04T00:00:00Z\n"
                                  "action = restart\n",
                                  NULL);
  g_assert_cmpuint(s->actions->len, ==, 5);
  static const struct {
    const char *name;
    ScenarioActionKind kind;
    gint64 at;
  } want[] = {
    { "plain", SCENARIO_ACTION_RESTART, 0 },
    /* 09:00 CET = 08:00 UTC */
    { "early", SCENARIO_ACTION_SCALE, 8 * 3600 * USEC },
    /* same instant: file order kept */
    { "outage", SCENARIO_ACTION_AZ_OUTAGE, 24 * 3600 * USEC },
    { "cellfail", SCENARIO_ACTION_CELL_FAILURE, 24 * 3600 * USEC },
    { "late", SCENARIO_ACTION_ROLLING_RESTART, 60 * 3600 * USEC },
  };
  for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
    const ScenarioAction *a = g_ptr_array_index(s->actions, i);
    g_assert_cmpstr(a->name, ==, want[i].name);
    g_assert_cmpint(a->kind, ==, want[i].kind);
    g_assert_cmpint(a->at, ==, want[i].at);
  }
  const ScenarioAction *early = g_ptr_array_index(s->actions, 1);
  g_assert_cmpuint(early->instances, ==, 1);
  g_assert_cmpint(early->duration, ==, 3600 * USEC);
  const ScenarioAction *outage = g_ptr_array_index(s->actions, 2);
  g_assert_cmpuint(outage->zone, ==, 2);
  g_assert_cmpint(outage->duration, ==, 30 * 60 * USEC);
  const ScenarioAction *cellfail = g_ptr_array_index(s->actions, 3);
  g_assert_cmpuint(cellfail->cell, ==, 11);
  g_assert_cmpuint(cellfail->max_in_flight, ==, 1);
  const ScenarioAction *late = g_ptr_array_index(s->actions, 4);
  g_assert_cmpuint(late->max_in_flight, ==, 2);

  /* scale without a duration is for good (0). */
  g_autoptr(Scenario) t = load_ok("[action up]\n" AT "action = scale\ninstances = 1\n", NULL);
  g_assert_cmpint(((const ScenarioAction *) g_ptr_array_index(t->actions, 0))->duration, ==, 0);
}

static void
test_expect(void)
{
  g_autoptr(Scenario) s = load_ok("[expect]\n"
                                  "availability = >= 99.95%\n"
                                  "max_outage = <= 2m\n"
                                  "outages_per_year = <=4\n"
                                  "downtime_outside_portal_window_per_year = <= 1h\n"
                                  "instance_hours_per_year = >= 8760\n",
                                  NULL);
  static const struct {
    const char *key;
    const char *metric;
    ScenarioExpectOp op;
    double value;
    const char *text;
  } want[] = {
    { "availability", "availability", SCENARIO_EXPECT_AT_LEAST, 0.9995, ">= 99.95%" },
    /* the name users write for the run's longest outage (README, JSON) */
    { "max_outage", "longest_outage_s", SCENARIO_EXPECT_AT_MOST, 120, "<= 2m" },
    { "outages_per_year", "outages_per_year", SCENARIO_EXPECT_AT_MOST, 4, "<=4" },
    { "downtime_outside_portal_window_per_year", "downtime_outside_portal_window_per_year_s",
      SCENARIO_EXPECT_AT_MOST, 3600, "<= 1h" },
    { "instance_hours_per_year", "instance_hours_per_year", SCENARIO_EXPECT_AT_LEAST, 8760,
      ">= 8760" },
  };
  g_assert_cmpuint(s->expects->len, ==, G_N_ELEMENTS(want));
  for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
    const ScenarioExpect *e = g_ptr_array_index(s->expects, i);
    g_assert_cmpstr(e->key, ==, want[i].key);
    g_assert_cmpstr(e->metric, ==, want[i].metric);
    g_assert_cmpint(e->op, ==, want[i].op);
    assert_close(e->value, want[i].value, PARSE_TOL);
    g_assert_cmpstr(e->text, ==, want[i].text);
    g_assert_cmpint(e->line, ==, (gint) i + 2);
  }
}

static void
test_sweep(void)
{
  g_autoptr(Scenario) none = load_ok("[scenario]\n", NULL);
  g_autoptr(GPtrArray) one = scenario_sweep_points(none);
  g_assert_cmpuint(one->len, ==, 1);
  g_assert_null(((char **) g_ptr_array_index(one, 0))[0]);

  const char *text = "[app]\nmendix_version = 10\n"
                     "[sweep]\n"
                     "app.instances = 1, 2, 3\n"
                     "app.startup = uniform(1s,2s), exp(5s)\n"
                     "portal.maintenance_window = sun 01:00-04:00 | sat 22:00-sun 01:00\n";
  g_autoptr(Scenario) s = load_ok(text, NULL);
  g_assert_cmpuint(s->sweep->len, ==, 3);
  const char *const instances[] = { "1", "2", "3" };
  const char *const startups[] = { "uniform(1s,2s)", "exp(5s)" };
  const char *const windows[] = { "sun 01:00-04:00", "sat 22:00-sun 01:00" };
  const ScenarioSweepAxis *axis = g_ptr_array_index(s->sweep, 2);
  g_assert_cmpstr(axis->key, ==, "portal.maintenance_window");
  g_assert_cmpuint(axis->values->len, ==, 2);
  g_assert_cmpstr(g_ptr_array_index(axis->values, 1), ==, windows[1]);

  g_autoptr(GPtrArray) points = scenario_sweep_points(s);
  g_assert_cmpuint(points->len, ==, 3 * 2 * 2);
  for (guint p = 0; p < points->len; p++) {
    /* The first axis varies slowest: p = 4 i + 2 j + k. */
    char **v = g_ptr_array_index(points, p);
    g_assert_cmpuint(g_strv_length(v), ==, 3);
    g_autofree char *a = g_strdup_printf("app.instances=%s", instances[p / 4]);
    g_autofree char *b = g_strdup_printf("app.startup=%s", startups[(p / 2) % 2]);
    g_autofree char *c = g_strdup_printf("portal.maintenance_window=%s", windows[p % 2]);
    g_assert_cmpstr(v[0], ==, a);
    g_assert_cmpstr(v[1], ==, b);
    g_assert_cmpstr(v[2], ==, c);

    /* Each point is a valid override vector for the same file. */
    g_autoptr(Scenario) at = load_ok(text, (const char *const *) v);
    g_assert_cmpuint(at->instances, ==, p / 4 + 1);
    g_assert_cmpint(at->startup.kind, ==, (p / 2) % 2 == 0 ? DIST_UNIFORM : DIST_EXP);
    g_assert_cmpint(at->portal_window.slots[0].start_min, ==, p % 2 == 0 ? 60 : 22 * 60);
  }
}

/* ---- round trip ---- */

static void
assert_window_equal(const CalendarWindow *a, const CalendarWindow *b)
{
  g_assert_cmpuint(a->n_slots, ==, b->n_slots);
  g_assert_cmpint(a->instants, ==, b->instants);
  g_assert_cmpstr(a->zone, ==, b->zone);
  for (guint i = 0; i < a->n_slots; i++)
    assert_slot(b, i, a->slots[i].days, a->slots[i].start_min, a->slots[i].end_min,
                a->slots[i].end_day_offset);
}

static void
assert_dist_equal(const Dist *a, const Dist *b)
{
  assert_dist(b, a->kind, a->a, a->b, ROUND_TRIP_TOL);
}

static void
assert_scenarios_equal(const Scenario *a, const Scenario *b)
{
  g_assert_cmpstr(a->name, ==, b->name);
  g_assert_cmpstr(a->description, ==, b->description);
  g_assert_true(g_date_time_equal(a->start, b->start));
  g_assert_cmpint(a->horizon, ==, b->horizon);
  g_assert_cmpuint(a->replications, ==, b->replications);
  g_assert_cmpuint(a->seed, ==, b->seed);

  g_assert_cmpuint(a->instances, ==, b->instances);
  g_assert_cmpuint(a->mendix_version, ==, b->mendix_version);
  assert_dist_equal(&a->startup, &b->startup);
  assert_close(b->start_failure, a->start_failure, PARSE_TOL);
  g_assert_cmpint(a->health_check, ==, b->health_check);
  g_assert_cmpint(a->health_check_timeout, ==, b->health_check_timeout);
  assert_dist_equal(&a->graceful_shutdown, &b->graceful_shutdown);
  assert_dist_equal(&a->crash_mtbf, &b->crash_mtbf);
  g_assert_cmpint(a->needs_db_to_start, ==, b->needs_db_to_start);
  g_assert_cmpint(a->db_loss_crash_after, ==, b->db_loss_crash_after);
  assert_close(b->capacity_rps, a->capacity_rps, PARSE_TOL);

  g_assert_cmpuint(a->cells, ==, b->cells);
  g_assert_cmpuint(a->azs, ==, b->azs);
  g_assert_cmpuint(a->cell_capacity, ==, b->cell_capacity);
  assert_close(b->cell_utilization, a->cell_utilization, PARSE_TOL);
  g_assert_cmpint(a->updates.kind, ==, b->updates.kind);
  assert_close(b->updates.rate, a->updates.rate, RATE_TOL);
  assert_window_equal(&a->updates.calendar, &b->updates.calendar);
  g_assert_cmpuint(a->max_in_flight, ==, b->max_in_flight);
  g_assert_cmpuint(a->canaries, ==, b->canaries);
  assert_dist_equal(&a->cell_recreate, &b->cell_recreate);
  g_assert_cmpint(a->watch_time, ==, b->watch_time);
  g_assert_cmpint(a->evacuation_timeout, ==, b->evacuation_timeout);
  g_assert_cmpint(a->evacuation_poll, ==, b->evacuation_poll);
  g_assert_cmpint(a->convergence_interval, ==, b->convergence_interval);
  g_assert_cmpint(a->proxy_drain, ==, b->proxy_drain);
  assert_dist_equal(&a->registration_lag, &b->registration_lag);
  assert_dist_equal(&a->unregistration_lag, &b->unregistration_lag);
  g_assert_cmpuint(a->router_attempts, ==, b->router_attempts);
  assert_dist_equal(&a->cell_failure_mtbf, &b->cell_failure_mtbf);
  g_assert_cmpint(a->max_health_check_timeout, ==, b->max_health_check_timeout);

  g_assert_cmpstr(a->evacuation, ==, b->evacuation);

  g_assert_cmpint(a->multi_az, ==, b->multi_az);
  assert_window_equal(&a->db_maintenance_window, &b->db_maintenance_window);
  assert_close(b->maintenance_rate, a->maintenance_rate, RATE_TOL);
  assert_dist_equal(&a->failover, &b->failover);
  assert_dist_equal(&a->single_az_outage, &b->single_az_outage);
  assert_close(b->engine_upgrade_rate, a->engine_upgrade_rate, RATE_TOL);
  assert_dist_equal(&a->engine_upgrade_outage, &b->engine_upgrade_outage);
  assert_dist_equal(&a->failure_mtbf, &b->failure_mtbf);
  g_assert_cmpint(a->align_to_portal, ==, b->align_to_portal);

  assert_window_equal(&a->portal_window, &b->portal_window);
  assert_close(b->environment_maintenance_rate, a->environment_maintenance_rate, RATE_TOL);

  g_assert_cmpint(a->traffic, ==, b->traffic);
  assert_window_equal(&a->business_hours, &b->business_hours);
  g_assert_cmpstr(a->timezone, ==, b->timezone);
  assert_close(b->peak_rps, a->peak_rps, PARSE_TOL);
  assert_close(b->offpeak_rps, a->offpeak_rps, PARSE_TOL);

  g_assert_cmpuint(a->actions->len, ==, b->actions->len);
  for (guint i = 0; i < a->actions->len; i++) {
    const ScenarioAction *x = g_ptr_array_index(a->actions, i);
    const ScenarioAction *y = g_ptr_array_index(b->actions, i);
    g_assert_cmpstr(x->name, ==, y->name);
    g_assert_cmpint(x->kind, ==, y->kind);
    g_assert_cmpint(x->at, ==, y->at);
    g_assert_cmpuint(x->instances, ==, y->instances);
    g_assert_cmpint(x->duration, ==, y->duration);
    g_assert_cmpuint(x->max_in_flight, ==, y->max_in_flight);
    g_assert_cmpuint(x->zone, ==, y->zone);
    g_assert_cmpuint(x->cell, ==, y->cell);
  }
  g_assert_cmpuint(a->expects->len, ==, b->expects->len);
  for (guint i = 0; i < a->expects->len; i++) {
    const ScenarioExpect *x = g_ptr_array_index(a->expects, i);
    const ScenarioExpect *y = g_ptr_array_index(b->expects, i);
    g_assert_cmpstr(x->metric, ==, y->metric);
    g_assert_cmpstr(x->key, ==, y->key);
    g_assert_cmpint(x->op, ==, y->op);
    assert_close(y->value, x->value, PARSE_TOL);
    g_assert_cmpstr(x->text, ==, y->text);
  }
  g_assert_cmpuint(a->sweep->len, ==, b->sweep->len);
  for (guint i = 0; i < a->sweep->len; i++) {
    const ScenarioSweepAxis *x = g_ptr_array_index(a->sweep, i);
    const ScenarioSweepAxis *y = g_ptr_array_index(b->sweep, i);
    g_assert_cmpstr(x->key, ==, y->key);
    g_assert_cmpuint(x->values->len, ==, y->values->len);
    for (guint v = 0; v < x->values->len; v++)
      g_assert_cmpstr(g_ptr_array_index(x->values, v), ==, g_ptr_array_index(y->values, v));
  }
}

/* Every key away from its default, every action kind, a sweep and expectations. */
static const char full_scenario[] =
  "# every feature\n"
  "[scenario]\n"
  "name = full\n"
  "description = every feature; with a semicolon\n"
  "start = 2027-03-01 09:00 Europe/Amsterdam\n"
  "horizon = 30d\n"
  "replications = 20\n"
  "seed = 12345678901234\n"
  "[app]\n"
  "instances = 3\n"
  "mendix_version = 9\n"
  "startup = normal(60s,10s)\n"
  "start_failure = 0.5%\n"
  "health_check = http\n"
  "health_check_timeout = 5m\n"
  "graceful_shutdown = 4s\n"
  "crash_mtbf = exp(30d)\n"
  "needs_db_to_start = no\n"
  "db_loss_crash_after = 2m\n"
  "capacity_rps = 12.5\n"
  "[platform]\n"
  "cells = 6\n"
  "azs = 2\n"
  "cell_capacity = 20\n"
  "cell_utilization = 55%\n"
  "updates = tue 02:00, thu 02:00 Europe/Amsterdam\n"
  "max_in_flight = 2\n"
  "canaries = 0\n"
  "cell_recreate = weibull(1.5,5m)\n"
  "watch_time = 0\n"
  "evacuation_timeout = 15m\n"
  "evacuation_poll = 5s\n"
  "convergence_interval = 20s\n"
  "proxy_drain = 2500ms\n"
  "registration_lag = uniform(50ms,2s)\n"
  "unregistration_lag = 300ms\n"
  "router_attempts = 2\n"
  "cell_failure_mtbf = exp(90d)\n"
  "max_health_check_timeout = 10m\n"
  "[policy]\n"
  "evacuation = recreate\n"
  "[database]\n"
  "multi_az = false\n"
  "maintenance_window = sat 23:45-sun 00:45\n"
  "maintenance_rate = 1/4w\n"
  "failover = uniform(30s,90s)\n"
  "single_az_outage = lognormal(median=4m,p95=9m)\n"
  "engine_upgrade_rate = 1/52w\n"
  "engine_upgrade_outage = 10m\n"
  "failure_mtbf = exp(365d)\n"
  "align_to_portal = yes\n"
  "[portal]\n"
  "maintenance_window = fri 12:00-15:00\n"
  "environment_maintenance_rate = 0\n"
  "[traffic]\n"
  "profile = constant\n"
  "business_hours = mon-thu 07:30-17:00, fri 07:30-12:00\n"
  "timezone = America/New_York\n"
  "peak_rps = 120\n"
  "offpeak_rps = 0.5\n"
  "[action forever]\n"
  "at = 2027-03-10T00:00:00Z\n"
  "action = scale\n"
  "instances = 2\n"
  "[action debug]\n"
  "at = 2027-03-02T10:00:00Z\n"
  "action = scale\n"
  "instances = 1\n"
  "duration = 2h\n"
  "[action restart]\n"
  "at = 2027-03-03 02:00 Europe/Amsterdam\n"
  "action = restart\n"
  "[action deploy]\n"
  "at = 2027-03-04T12:00:00Z\n"
  "action = deploy\n"
  "[action rolling]\n"
  "at = 2027-03-05T12:00:00Z\n"
  "action = rolling-restart\n"
  "max_in_flight = 2\n"
  "[action cell]\n"
  "at = 2027-03-06T12:00:00Z\n"
  "action = cell-failure\n"
  "cell = 5\n"
  "[action az]\n"
  "at = 2027-03-07T12:00:00Z\n"
  "action = az-outage\n"
  "zone = 1\n"
  "duration = 45m\n"
  "[action db]\n"
  "at = 2027-03-08T12:00:00Z\n"
  "action = db-failover\n"
  "[action update]\n"
  "at = 2027-03-09T12:00:00.5Z\n"
  "action = platform-update\n"
  "[sweep]\n"
  "app.instances = 1, 2, 3\n"
  "policy.evacuation = rolling, recreate\n"
  "database.maintenance_window = sun 05:00-05:30 | mon 05:00-06:00\n"
  "[expect]\n"
  "availability = >= 99.9%\n"
  "max_outage = <= 2m\n"
  "outages_per_year = <= 4\n"
  "reported_availability = >= 99%\n";

static void
test_round_trip(void)
{
  g_autoptr(Scenario) a = load_ok(full_scenario, NULL);
  g_assert_cmpuint(a->actions->len, ==, 9);
  g_assert_cmpuint(a->sweep->len, ==, 3);
  g_assert_cmpuint(a->expects->len, ==, 4);
  /* Sub-second action times survive: 12:00:00.5 UTC is 8 d 4 h 0.5 s after 08:00 UTC. */
  const ScenarioAction *last = g_ptr_array_index(a->actions, 7);
  g_assert_cmpstr(last->name, ==, "update");
  g_assert_cmpint(last->at, ==, (8 * 86400 + 4 * 3600) * USEC + USEC / 2);

  g_autofree char *text = scenario_to_string(a);
  g_autoptr(GError) error = NULL;
  g_autoptr(Scenario) b = scenario_load_data(text, strlen(text), "again.ini", NULL, &error);
  if (b == NULL)
    g_test_message("to_string output does not load:\n%s\n%s", text, error->message);
  g_assert_no_error(error);
  assert_scenarios_equal(a, b);
  /* The text form is a fixed point. */
  g_autofree char *again = scenario_to_string(b);
  g_assert_cmpstr(text, ==, again);

  /* And the defaults, whose name comes from the file name, survive too. */
  g_autoptr(Scenario) d = load_ok("[scenario]\n", NULL);
  g_autofree char *dtext = scenario_to_string(d);
  g_autoptr(Scenario) e = scenario_load_data(dtext, strlen(dtext), "other.ini", NULL, &error);
  g_assert_no_error(error);
  assert_scenarios_equal(d, e);
}

/* ---- files ---- */

static void
test_load_file(void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp("zdsim-scenario-XXXXXX", &error);
  g_assert_no_error(error);
  g_autofree char *path = g_build_filename(dir, "two-instances.ini", NULL);
  const char *text = "[app]\ninstances = 2\n";
  g_assert_true(g_file_set_contents(path, text, -1, &error));

  g_autoptr(Scenario) s = scenario_load(path, NULL, &error);
  g_assert_no_error(error);
  g_assert_cmpstr(s->name, ==, "two-instances");
  g_assert_cmpstr(s->path, ==, path);
  g_assert_cmpstr(s->text, ==, text);
  g_assert_cmpuint(s->instances, ==, 2);

  g_autofree char *missing = g_build_filename(dir, "missing.ini", NULL);
  g_autoptr(Scenario) none = scenario_load(missing, NULL, &error);
  g_assert_null(none);
  g_assert_error(error, SCENARIO_ERROR, SCENARIO_ERROR_IO);
  g_assert_nonnull(strstr(error->message, missing));
  g_clear_error(&error);

  /* A problem in a file names the file itself. */
  g_assert_true(g_file_set_contents(path, "[app]\ninstances = x\n", -1, &error));
  g_autoptr(Scenario) bad = scenario_load(path, NULL, &error);
  g_assert_null(bad);
  g_autofree char *prefix = g_strdup_printf("%s:2: app.instances", path);
  g_assert_true(g_str_has_prefix(error->message, prefix));
  g_clear_error(&error);

  g_assert_cmpint(g_remove(path), ==, 0);
  g_assert_cmpint(g_rmdir(dir), ==, 0);
}

/* Every key names where its default comes from (README, Reference): a document, an assumption
 * with a range, or the user's own setting. The assumptions are exactly these twelve: the
 * thirteen keys below, the two route lags counted as one, and each end of each range is a
 * value the key accepts: the value itself, or for a "(scale)" or median range a duration. */
static void
test_key_sources(void)
{
  static const char *const assumptions[] = {
    "platform.restarts", "platform.updates", "platform.cell_recreate",
    "platform.cell_utilization", "platform.registration_lag", "platform.unregistration_lag",
    "app.start_failure", "app.startup", "app.health_check_timeout",
    "database.maintenance_rate", "database.single_az_outage", "database.failover",
    "portal.environment_maintenance_rate",
  };
  guint n_assumptions = 0;
  g_assert_cmpuint(scenario_key_count(), ==, g_strv_length((char **) scenario_known_keys()));
  for (guint i = 0; i < scenario_key_count(); i++) {
    const ScenarioKeyInfo *info = scenario_key_info_at(i);
    g_assert_cmpstr(info->key, ==, scenario_known_keys()[i]);
    g_assert_true(scenario_key_info(info->key) == info);
    g_assert_nonnull(info->form);
    g_assert_cmpstr(info->meaning, !=, "");
    g_assert_cmpstr(info->source, !=, "");
    /* Sources are primary documents, never the design notes the project was built from. */
    g_assert_null(strstr(info->source, "DESIGN"));
    gboolean listed = g_strv_contains(assumptions, info->key);
    g_assert_cmpint(info->kind == SCENARIO_SOURCE_ASSUMPTION, ==, listed);
    if (info->kind != SCENARIO_SOURCE_ASSUMPTION) {
      g_assert_null(info->low);
      g_assert_null(info->high);
      continue;
    }
    n_assumptions++;
    const char *ends[2] = { info->low, info->high };
    for (int e = 0; e < 2; e++) {
      g_assert_nonnull(ends[e]);
      if (info->range == SCENARIO_RANGE_VALUE) {
        g_autofree char *set = g_strdup_printf("%s=%s", info->key, ends[e]);
        const char *const overrides[] = { set, NULL };
        g_autoptr(Scenario) sc = load_ok("[scenario]\n", overrides);
        g_assert_nonnull(sc);
      } else {
        gint64 us = 0;
        g_autoptr(GError) error = NULL;
        g_assert_true(units_parse_duration(ends[e], &us, &error));
        g_assert_cmpint(us, >, 0);
      }
    }
  }
  g_assert_cmpuint(n_assumptions, ==, G_N_ELEMENTS(assumptions));
  g_assert_null(scenario_key_info("app.no_such_key"));
}

/* database.maintenance_window = region NAME: the regions with a sourced block, and the error
 * for one without (it lists the known ones). */
static void
test_rds_regions(void)
{
  guint n = 0;
  const ScenarioRdsRegion *regions = scenario_rds_regions(&n);
  g_assert_cmpuint(n, >=, 13);
  for (guint i = 0; i < n; i++) {
    /* Every block AWS documents for RDS is 8 hours (AWS RDS User Guide). */
    g_assert_cmpuint(regions[i].length_minutes, ==, 480);
    g_assert_cmpuint(regions[i].start_minute, <, 1440);
    g_assert_nonnull(strstr(regions[i].source, "AWS RDS User Guide"));
    g_autofree char *text = g_strdup_printf("[database]\nmaintenance_window = region %s\n",
                                            regions[i].name);
    g_autoptr(Scenario) sc = load_ok(text, NULL);
    g_assert_true(sc->db_region == &regions[i]);
    g_autofree char *round = scenario_to_string(sc);
    g_autofree char *want = g_strdup_printf("maintenance_window = region %s\n", regions[i].name);
    g_assert_nonnull(strstr(round, want));
  }
  const ScenarioRdsRegion *us = scenario_rds_region("us-east-1");
  g_assert_nonnull(us);
  g_assert_cmpuint(us->start_minute, ==, 3 * 60);
  g_assert_null(scenario_rds_region("mars-north-1"));
}

/* A bad value of any size is quoted short: a 1 MB value gives a message of a few hundred
 * bytes, whether it comes from the file or from --set. */
static void
test_huge_value(void)
{
  g_autofree char *big = g_strnfill(1 << 20, 'x');
  g_autofree char *text = g_strdup_printf("[app]\nstartup = %s\n", big);
  g_autoptr(GError) error = NULL;
  g_autoptr(Scenario) s = load(text, NULL, &error);
  g_assert_null(s);
  g_assert_error(error, SCENARIO_ERROR, SCENARIO_ERROR_INVALID);
  g_assert_cmpuint(strlen(error->message), <, 1000);
  g_autofree char *set = g_strdup_printf("app.startup=%s", big);
  const char *const overrides[] = { set, NULL };
  g_autoptr(GError) error2 = NULL;
  g_autoptr(Scenario) s2 = load("[scenario]\n", overrides, &error2);
  g_assert_null(s2);
  g_assert_cmpuint(strlen(error2->message), <, 1000);
}

/* A FIFO (or anything not a regular file) is refused at once instead of waiting for a writer;
 * a 64-character name and a repeated local time are accepted, the latter with a note that
 * names its line. */
static void
test_files_and_notes(void)
{
  g_autofree char *dir = g_dir_make_tmp("zdsim-scenario-XXXXXX", NULL);
  g_autofree char *fifo = g_build_filename(dir, "s.ini", NULL);
  g_assert_cmpint(mkfifo(fifo, 0600), ==, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(Scenario) none = scenario_load(fifo, NULL, &error);
  g_assert_null(none);
  g_assert_error(error, SCENARIO_ERROR, SCENARIO_ERROR_IO);
  g_assert_nonnull(strstr(error->message, "not a regular file"));
  g_autoptr(GError) dir_error = NULL;
  g_autoptr(Scenario) none2 = scenario_load(dir, NULL, &dir_error);
  g_assert_null(none2);
  g_assert_error(dir_error, SCENARIO_ERROR, SCENARIO_ERROR_IO);
  g_unlink(fifo);
  g_rmdir(dir);

  g_autoptr(Scenario) named = load_ok(
      "[scenario]\nname = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", NULL);
  g_assert_cmpuint(strlen(named->name), ==, 64);
  g_assert_cmpuint(named->notes->len, ==, 0);

  /* EU summer time ends 2027-10-31 at 03:00 CEST: 02:30 happens twice; the first is CEST. */
  g_autoptr(Scenario) twice =
      load_ok("[scenario]\nstart = 2027-10-31 02:30 Europe/Amsterdam\n", NULL);
  g_assert_cmpuint(twice->notes->len, ==, 1);
  const char *note = g_ptr_array_index(twice->notes, 0);
  g_assert_true(g_str_has_prefix(note, PATH ":2: scenario.start: "));
  g_assert_nonnull(strstr(note, "happens twice"));
  g_autoptr(GDateTime) want = g_date_time_new_utc(2027, 10, 31, 0, 30, 0);
  g_assert_cmpint(g_date_time_difference(twice->start, want), ==, 0);
}

/* [uncertain] (zdsim help scenario, "Uncertainty"): each key a known section.key, each value
 * LOW..HIGH whose ends both parse as values of that key; errors name the file, the line and
 * the key; the ranges survive scenario_to_string() and other commands are unaffected. */
static void
test_uncertain(void)
{
  g_autoptr(Scenario) s = load_ok("[scenario]\nname = u\n[uncertain]\n"
                                  "app.start_failure = 0.001..0.02\n"
                                  "platform.restarts = 1/26w .. 1/w\n"
                                  "app.startup = 20s..90s\n", NULL);
  g_assert_cmpuint(s->uncertain->len, ==, 3);
  const ScenarioUncertain *u = g_ptr_array_index(s->uncertain, 1);
  g_assert_cmpstr(u->key, ==, "platform.restarts");
  g_assert_cmpstr(u->low, ==, "1/26w");
  g_assert_cmpstr(u->high, ==, "1/w");
  g_assert_cmpint(u->line, ==, 5);
  /* The section changes no value of the scenario itself. */
  g_assert_cmpfloat_with_epsilon(s->start_failure, 0.005, 1e-15);
  g_autofree char *text = scenario_to_string(s);
  g_assert_nonnull(strstr(text, "\n[uncertain]\napp.start_failure = 0.001..0.02\n"));
  g_autoptr(Scenario) back = load_ok(text, NULL);
  g_assert_cmpuint(back->uncertain->len, ==, 3);

  struct {
    const char *line;
    const char *message; /* a part of the error */
  } bad[] = {
    { "app.instaces = 1..2", PATH ":4: unknown key uncertain.app.instaces" },
    { "database.failover = 1m", PATH ":4: uncertain.database.failover: expected a range LOW..HIGH" },
    { "app.start_failure = 0.001..2", PATH ":4: uncertain.app.start_failure: expected the high end" },
    { "app.start_failure = ..0.2", PATH ":4: uncertain.app.start_failure: expected the low end" },
    { "platform.restarts = 1/w..2/w..3/w", PATH ":4: uncertain.platform.restarts: expected a range" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autofree char *file = g_strdup_printf("[scenario]\nname = u\n[uncertain]\n%s\n",
                                            bad[i].line);
    g_autoptr(GError) error = NULL;
    g_autoptr(Scenario) none = load(file, NULL, &error);
    g_assert_null(none);
    g_assert_error(error, SCENARIO_ERROR, SCENARIO_ERROR_INVALID);
    if (strstr(error->message, bad[i].message) == NULL)
      g_error("%s: got '%s'", bad[i].line, error->message);
  }
  /* --set cannot reach the section. */
  const char *const set[] = { "uncertain.app.start_failure=0..1", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(Scenario) none = load("[scenario]\nname = u\n", set, &error);
  g_assert_null(none);
  g_assert_error(error, SCENARIO_ERROR, SCENARIO_ERROR_INVALID);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/zdsim/scenario/defaults", test_defaults);
  g_test_add_func("/zdsim/scenario/values", test_values);
  g_test_add_func("/zdsim/scenario/name-from-path", test_name_from_path);
  g_test_add_func("/zdsim/scenario/overrides", test_overrides);
  g_test_add_func("/zdsim/scenario/known-keys", test_known_keys);
  g_test_add_func("/zdsim/scenario/errors", test_errors);
  g_test_add_func("/zdsim/scenario/many-errors", test_many_errors);
  g_test_add_func("/zdsim/scenario/max-health-check-timeout", test_max_health_check_timeout);
  g_test_add_func("/zdsim/scenario/actions", test_actions);
  g_test_add_func("/zdsim/scenario/expect", test_expect);
  g_test_add_func("/zdsim/scenario/sweep", test_sweep);
  g_test_add_func("/zdsim/scenario/round-trip", test_round_trip);
  g_test_add_func("/zdsim/scenario/load-file", test_load_file);
  g_test_add_func("/zdsim/scenario/key-sources", test_key_sources);
  g_test_add_func("/zdsim/scenario/rds-regions", test_rds_regions);
  g_test_add_func("/zdsim/scenario/huge-value", test_huge_value);
  g_test_add_func("/zdsim/scenario/files-and-notes", test_files_and_notes);
  g_test_add_func("/zdsim/scenario/uncertain", test_uncertain);
  return g_test_run();
}
