/* report.c: a run's figures as a readable report, JSON and CSV.
 * Not for computing them (run.c) or storing them (store.c). */
#include "zdsim/text.h"
#include "zdsim/report.h"

#include <math.h>

#include "zdsim/units.h"

char *
report_format_seconds(double s)
{
  if (fabs(s) < 120)
    return g_strdup_printf("%.1f s", s);
  if (fabs(s) < 7200)
    return g_strdup_printf("%.1f min", s / 60);
  return g_strdup_printf("%.1f h", s / 3600);
}

char *
report_format_percent(double f)
{
  return g_strdup_printf("%.4f %%", 100.0 * f);
}

static void
line_percent(GString *out, const char *label, const StatsSummary *s, gboolean nines)
{
  g_autofree char *v = report_format_percent(s->mean);
  g_autofree char *lo = report_format_percent(s->lo);
  g_autofree char *hi = report_format_percent(MIN(s->hi, 1.0));
  g_string_append_printf(out, "  %-28s %12s   [%s, %s]", label, v, lo, hi);
  if (nines) {
    double n = stats_nines(s->mean);
    if (isinf(n))
      g_string_append(out, "   no downtime");
    else
      g_string_append_printf(out, "   %.1f nines", n);
  }
  g_string_append_c(out, '\n');
}

static void
line_minutes(GString *out, const char *label, const StatsSummary *s)
{
  g_string_append_printf(out, "  %-28s %8.1f min   [%.1f, %.1f]\n", label, s->mean / 60,
                         MAX(s->lo, 0) / 60, s->hi / 60);
}

static void
line_count(GString *out, const char *label, const StatsSummary *s, const char *unit)
{
  g_string_append_printf(out, "  %-28s %8.2f%s   [%.2f, %.2f]\n", label, s->mean, unit,
                         MAX(s->lo, 0), s->hi);
}

static const char *const day_names[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

/* "tue 23:14" for a minute of the UTC week (0 = Monday 00:00). */
static void
append_week_minute(GString *out, gint64 minute)
{
  minute %= MODEL_WEEK_MINUTES;
  g_string_append_printf(out, "%s %02d:%02d", day_names[minute / 1440],
                         (int) (minute % 1440 / 60), (int) (minute % 60));
}

/* "sun 04:17-04:47" or "sun 23:50-mon 00:20": a drawn window of the UTC week. */
static void
append_drawn_window(GString *out, gint64 first)
{
  gint64 last = (first + MODEL_RDS_DEFAULT_WINDOW_MINUTES) % MODEL_WEEK_MINUTES;
  append_week_minute(out, first);
  g_string_append_c(out, '-');
  if (first / 1440 != last / 1440)
    append_week_minute(out, last);
  else
    g_string_append_printf(out, "%02d:%02d", (int) (last % 1440 / 60), (int) (last % 60));
}

/* "22:00-06:00": a region's block, UTC. */
static char *
block_text(const ScenarioRdsRegion *region)
{
  guint end = (region->start_minute + region->length_minutes) % 1440;
  return g_strdup_printf("%02u:%02u-%02u:%02u", region->start_minute / 60,
                         region->start_minute % 60, end / 60, end % 60);
}

/* The RDS window: a fixed one as written; for a region, its block and the windows the
 * replications drew (the owner did not choose it: AWS assigns it from the region's
 * 8-hour block, AWS RDS User Guide, Amazon RDS maintenance window). */
static void
append_db_window(GString *out, const RunResult *r)
{
  const Scenario *sc = r->scenario;
  const ScenarioRdsRegion *region = sc->db_region;
  if (region == NULL) {
    g_autofree char *w = calendar_window_to_string(&sc->db_maintenance_window);
    g_string_append_printf(out, "  RDS maintenance window %s UTC%s\n", w,
                           sc->align_to_portal ? ", moved to the start of the portal window"
                                               : "");
    return;
  }
  g_autofree char *block = block_text(region);
  g_string_append_printf(out,
                         "  RDS maintenance window: %s block %s UTC, a %d-min window drawn per "
                         "replication",
                         region->name, block, MODEL_RDS_DEFAULT_WINDOW_MINUTES);
  if (sc->align_to_portal) {
    g_string_append(out, ", moved to the start of the portal window\n");
    return;
  }
  /* The draws depend on the seed and the replication alone, so a stored run's are drawn
   * again here (two draws each). */
  gboolean day_drawn[7] = { FALSE };
  guint days = 0;
  for (guint i = 0; i < r->replications; i++) {
    gint32 minute = model_db_window_minute(sc, i);
    g_assert(minute >= 0);
    if (!day_drawn[minute / 1440]) {
      day_drawn[minute / 1440] = TRUE;
      days++;
    }
  }
  g_string_append(out, "\n    (replication 1: ");
  append_drawn_window(out, model_db_window_minute(sc, 0));
  g_string_append_printf(out, " UTC; the replications' windows fall on %u of the 7 days)\n",
                         days);
}

char *
report_text(const RunResult *r, gboolean timing)
{
  const Scenario *sc = r->scenario;
  const StatsSummary *m = r->summary;
  GString *out = g_string_new(NULL);
  g_autofree char *horizon = units_format_duration(sc->horizon);
  g_autofree char *start = g_date_time_format_iso8601(sc->start);

  /* A name from an older database may hold controls or bidi overrides: shown, not obeyed. */
  g_autofree char *shown_name = text_escape(sc->name, FALSE);
  g_string_append_printf(out, "%s: %u instance%s, policy %s, %s database\n", shown_name,
                         sc->instances, sc->instances == 1 ? "" : "s", sc->evacuation,
                         sc->multi_az ? "Multi-AZ" : "Single-AZ");
  if (sc->description != NULL && *sc->description != '\0')
    g_string_append_printf(out, "  %s\n", sc->description);
  g_string_append_printf(out,
                         "%u replications of %s from %s, seed %" G_GUINT64_FORMAT
                         "; 95 %% intervals in brackets\n",
                         r->replications, horizon, start, sc->seed);
  if (sc->warmup > 0) {
    g_autofree char *warmup = units_format_duration(sc->warmup);
    g_autofree char *rest = units_format_duration(sc->horizon - sc->warmup);
    g_string_append_printf(out, "  warm-up: the first %s of each replication counts in no metric; "
                                "per year is of the other %s\n",
                           warmup, rest);
  }
  append_db_window(out, r);
  g_string_append_c(out, '\n');

  g_string_append(out, "Availability\n");
  line_percent(out, "time up", &m[RUN_AVAILABILITY], TRUE);
  line_percent(out, "requests served", &m[RUN_REQUEST_AVAILABILITY], FALSE);
  line_percent(out, "business hours", &m[RUN_BUSINESS_HOURS_AVAILABILITY], FALSE);
  line_percent(out, "capacity meets demand", &m[RUN_CAPACITY_AVAILABILITY], FALSE);
  line_percent(out, "reported (instance 0 only)", &m[RUN_REPORTED_AVAILABILITY], FALSE);

  g_string_append(out, "\nDowntime per year\n");
  line_minutes(out, "total", &m[RUN_DOWNTIME_PER_YEAR]);
  line_minutes(out, "outside the portal window", &m[RUN_DOWNTIME_OUTSIDE_PORTAL]);
  line_minutes(out, "inside business hours", &m[RUN_BUSINESS_HOURS_DOWNTIME]);
  line_minutes(out, "no instance, database up", &m[RUN_ZERO_INSTANCE_TIME]);
  g_string_append(out, "  by cause:\n");
  for (guint c = 0; c < CAUSE_COUNT; c++) {
    const StatsSummary *s = &r->cause_summary[c];
    g_string_append_printf(out, "    %-26s %8.1f min   [%.1f, %.1f]\n", model_cause_name(c),
                           s->mean / 60, MAX(s->lo, 0) / 60, s->hi / 60);
  }
  /* Not downtime, so apart from the causes, which add up to the total above. */
  line_minutes(out, "up but short of capacity", &m[RUN_CAPACITY_SHORTFALL]);

  g_string_append(out, "\nOutages\n");
  line_count(out, "per year", &m[RUN_OUTAGES_PER_YEAR], "");
  g_autofree char *mean = report_format_seconds(m[RUN_MEAN_OUTAGE].mean);
  g_autofree char *p95 = report_format_seconds(m[RUN_OUTAGE_P95].mean);
  g_autofree char *longest = report_format_seconds(m[RUN_LONGEST_OUTAGE].mean);
  /* Pooled over every replication's outages (README, JSON), so no per-replication interval. */
  g_string_append_printf(out, "  %-28s %s / %s / %s\n", "mean / p95 / longest", mean, p95,
                         longest);
  const StatsSummary *yl = &m[RUN_YEARLY_LONGEST_OUTAGE];
  g_autofree char *yearly = report_format_seconds(yl->mean);
  g_autofree char *yearly_lo = report_format_seconds(yl->lo);
  g_autofree char *yearly_hi = report_format_seconds(yl->hi);
  g_string_append_printf(out, "  %-28s %s   [%s, %s]\n", "longest in a year", yearly,
                         yearly_lo, yearly_hi);

  g_string_append(out, "\nPlatform\n");
  line_count(out, "evacuations per year", &m[RUN_EVACUATIONS_PER_YEAR], "");
  line_count(out, "crashes per year", &m[RUN_CRASHES_PER_YEAR], "");
  g_autofree char *wait = report_format_seconds(m[RUN_TENANT_SLOT_WAIT].mean);
  g_string_append_printf(out, "  %-28s %s per year\n", "tenant slot waiting", wait);
  g_string_append(out, "\nCost\n");
  line_count(out, "instance-hours per year", &m[RUN_INSTANCE_HOURS_PER_YEAR], " h");

  if (timing) {
    g_string_append_printf(out,
                           "\nEngine: %" G_GUINT64_FORMAT " events in %.2f s (%.1f M events/s)\n",
                           r->events, r->wall_s,
                           r->wall_s > 0 ? r->events / r->wall_s / 1e6 : 0.0);
  }
  return g_string_free(out, FALSE);
}

static void
add_summary(JsonBuilder *b, const char *name, const StatsSummary *s)
{
  json_builder_set_member_name(b, name);
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "mean");
  json_builder_add_double_value(b, s->mean);
  json_builder_set_member_name(b, "sd");
  json_builder_add_double_value(b, s->sd);
  json_builder_set_member_name(b, "lo");
  json_builder_add_double_value(b, s->lo);
  json_builder_set_member_name(b, "hi");
  json_builder_add_double_value(b, s->hi);
  json_builder_set_member_name(b, "method");
  json_builder_add_string_value(b, stats_method_name(s->method));
  json_builder_end_object(b);
}

/* "rds_window": {"region", "block_utc", "replication_1"} for a drawn window (the rest follow
 * from the seed and the replication), {"window_utc"} for a fixed one; "aligned_to_portal"
 * when align_to_portal moved it. */
static void
add_db_window(JsonBuilder *b, const Scenario *sc)
{
  json_builder_set_member_name(b, "rds_window");
  json_builder_begin_object(b);
  if (sc->db_region != NULL) {
    g_autofree char *block = block_text(sc->db_region);
    g_autoptr(GString) first = g_string_new(NULL);
    append_drawn_window(first, model_db_window_minute(sc, 0));
    json_builder_set_member_name(b, "region");
    json_builder_add_string_value(b, sc->db_region->name);
    json_builder_set_member_name(b, "block_utc");
    json_builder_add_string_value(b, block);
    json_builder_set_member_name(b, "replication_1");
    json_builder_add_string_value(b, first->str);
  } else {
    g_autofree char *w = calendar_window_to_string(&sc->db_maintenance_window);
    json_builder_set_member_name(b, "window_utc");
    json_builder_add_string_value(b, w);
  }
  json_builder_set_member_name(b, "aligned_to_portal");
  json_builder_add_boolean_value(b, sc->align_to_portal);
  json_builder_end_object(b);
}

JsonNode *
report_json_node(const RunResult *r)
{
  const Scenario *sc = r->scenario;
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "scenario");
  json_builder_add_string_value(b, sc->name);
  json_builder_set_member_name(b, "policy");
  json_builder_add_string_value(b, sc->evacuation);
  json_builder_set_member_name(b, "instances");
  json_builder_add_int_value(b, sc->instances);
  json_builder_set_member_name(b, "seed");
  json_builder_add_int_value(b, (gint64) sc->seed);
  json_builder_set_member_name(b, "replications");
  json_builder_add_int_value(b, r->replications);
  json_builder_set_member_name(b, "horizon_s");
  json_builder_add_double_value(b, (double) sc->horizon / DIST_USEC_PER_SEC);
  json_builder_set_member_name(b, "warmup_s");
  json_builder_add_double_value(b, (double) sc->warmup / DIST_USEC_PER_SEC);
  add_db_window(b, sc);
  json_builder_set_member_name(b, "events");
  json_builder_add_int_value(b, (gint64) r->events);
  for (guint m = 0; m < RUN_METRIC_COUNT; m++)
    add_summary(b, run_metric_name(m), &r->summary[m]);
  json_builder_set_member_name(b, "downtime_by_cause_s");
  json_builder_begin_object(b);
  for (guint c = 0; c < CAUSE_COUNT; c++)
    add_summary(b, model_cause_name(c), &r->cause_summary[c]);
  json_builder_end_object(b);
  /* What depends on the clock, in one object that --no-timing leaves out (README, JSON). */
  json_builder_set_member_name(b, "timing");
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "wall_s");
  json_builder_add_double_value(b, r->wall_s);
  json_builder_set_member_name(b, "events_per_second");
  json_builder_add_double_value(b, r->wall_s > 0 ? r->events / r->wall_s : 0.0);
  json_builder_end_object(b);
  json_builder_end_object(b);
  return json_builder_get_root(b);
}

char *
report_json(const RunResult *r)
{
  g_autoptr(JsonNode) root = report_json_node(r);
  g_autoptr(JsonGenerator) gen = json_generator_new();
  json_generator_set_pretty(gen, TRUE);
  json_generator_set_root(gen, root);
  return json_generator_to_data(gen, NULL);
}

char *
report_csv(const RunResult *r)
{
  GString *out = g_string_new("metric,mean,sd,lo,hi,method\n");
  for (guint m = 0; m < RUN_METRIC_COUNT; m++) {
    const StatsSummary *s = &r->summary[m];
    g_string_append_printf(out, "%s,%.10g,%.10g,%.10g,%.10g,%s\n", run_metric_name(m), s->mean,
                           s->sd, s->lo, s->hi, stats_method_name(s->method));
  }
  for (guint c = 0; c < CAUSE_COUNT; c++) {
    const StatsSummary *s = &r->cause_summary[c];
    g_string_append_printf(out, "downtime_by_cause_s.%s,%.10g,%.10g,%.10g,%.10g,%s\n",
                           model_cause_name(c), s->mean, s->sd, s->lo, s->hi,
                           stats_method_name(s->method));
  }
  return g_string_free(out, FALSE);
}
