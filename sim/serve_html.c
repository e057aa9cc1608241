/* serve_html.c: the dashboard's pages as HTML and its style sheet (serve.h): the index, a run,
 * a sweep, the stored explain and sensitivity results and the error page, built from what
 * the store returns. Every piece of text goes
 * through one escaping function; markup is only ever a literal in this file. Not for routing,
 * loading or JSON (serve.c). */
#include "zdsim/text.h"
#include "zdsim/serve.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "zdsim/check.h"
#include "zdsim/report.h"
#include "zdsim/units.h"
#include "zdsim/store_analysis.h"
#include "zdsim/version.h"

/* ---- escaping ---- */

static void
append_escaped(GString *out, const char *text)
{
  if (text == NULL)
    return;
  /* Control characters and bidirectional overrides have no business acting on a page (and
   * some break XML parsers): all but tab and newline are shown as visible escapes
   * (text_escape()) before GLib escapes the markup characters. */
  g_autofree char *shown = text_escape(text, TRUE);
  g_autofree char *escaped = g_markup_escape_text(shown, -1);
  g_string_append(out, escaped);
}

char *
serve_html_escape(const char *text)
{
  GString *out = g_string_new(NULL);
  append_escaped(out, text);
  return g_string_free(out, FALSE);
}

/* A name in the index table: at most 64 characters (names are refused above that on input;
 * an older database may hold longer ones), so the columns stay in view and the page small. */
static char *
text_ellipsize_for_index(const char *name)
{
  g_autofree char *valid = g_utf8_make_valid(name != NULL ? name : "", -1);
  return text_ellipsize(valid, 64);
}

/* Markup: a literal from this file, never data. */
static void
put(GString *out, const char *markup)
{
  g_string_append(out, markup);
}

/* Text: escaped. */
static void
text(GString *out, const char *t)
{
  append_escaped(out, t);
}

/* Formatted text: the whole result is escaped, so no argument can carry markup. */
static void G_GNUC_PRINTF(2, 3)
textf(GString *out, const char *format, ...)
{
  va_list ap;
  va_start(ap, format);
  g_autofree char *t = g_strdup_vprintf(format, ap);
  va_end(ap);
  append_escaped(out, t);
}

/* <td class="@cls">@t</td>; @cls may be NULL. */
static void
cell(GString *out, const char *cls, const char *t)
{
  if (cls != NULL) {
    put(out, "<td class=\"");
    text(out, cls);
    put(out, "\">");
  } else {
    put(out, "<td>");
  }
  text(out, t);
  put(out, "</td>");
}

/* ---- figures for people ---- */

typedef enum {
  SHOW_PERCENT,  /* a fraction as a percentage */
  SHOW_MINUTES,  /* seconds per year as minutes per year */
  SHOW_DURATION, /* seconds as "45.0 s", "12.3 min" */
  SHOW_COUNT,    /* per year */
  SHOW_HOURS,    /* instance-hours per year */
} Show;

static const struct {
  RunMetric metric;
  const char *label;
  Show show;
} metric_rows[] = {
  { RUN_AVAILABILITY, "Time up", SHOW_PERCENT },
  { RUN_REQUEST_AVAILABILITY, "Requests served", SHOW_PERCENT },
  { RUN_BUSINESS_HOURS_AVAILABILITY, "Business hours", SHOW_PERCENT },
  { RUN_CAPACITY_AVAILABILITY, "Capacity meets demand", SHOW_PERCENT },
  { RUN_REPORTED_AVAILABILITY, "Reported (instance 0 only)", SHOW_PERCENT },
  { RUN_DOWNTIME_PER_YEAR, "Downtime per year", SHOW_MINUTES },
  { RUN_DOWNTIME_OUTSIDE_PORTAL, "… outside the portal window", SHOW_MINUTES },
  { RUN_ZERO_INSTANCE_TIME, "… no instance, database up", SHOW_MINUTES },
  { RUN_BUSINESS_HOURS_DOWNTIME, "… inside business hours", SHOW_MINUTES },
  { RUN_OUTAGES_PER_YEAR, "Outages per year", SHOW_COUNT },
  { RUN_MEAN_OUTAGE, "Mean outage", SHOW_DURATION },
  { RUN_OUTAGE_P95, "95th percentile outage", SHOW_DURATION },
  { RUN_LONGEST_OUTAGE, "Longest outage", SHOW_DURATION },
  { RUN_YEARLY_LONGEST_OUTAGE, "Longest outage in a year", SHOW_DURATION },
  { RUN_EVACUATIONS_PER_YEAR, "Evacuations per year", SHOW_COUNT },
  { RUN_CRASHES_PER_YEAR, "Crashes per year", SHOW_COUNT },
  { RUN_INSTANCE_HOURS_PER_YEAR, "Instance-hours per year", SHOW_HOURS },
};

static char *
format_value(Show show, double v)
{
  switch (show) {
  case SHOW_PERCENT:
    return report_format_percent(MIN(v, 1.0));
  case SHOW_MINUTES:
    return g_strdup_printf("%.1f min", v / 60 + 0.0);
  case SHOW_DURATION:
    return report_format_seconds(v + 0.0);
  case SHOW_COUNT:
    return g_strdup_printf("%.2f", v + 0.0);
  case SHOW_HOURS:
    return g_strdup_printf("%.0f h", v + 0.0);
  default:
    g_assert_not_reached();
  }
}

/* "[lo, hi]": the 95 % interval, clipped to what the figure can be (a percentage stops at
 * 100, a time or a count at 0). */
static char *
format_interval(Show show, const StatsSummary *s)
{
  double lo = show == SHOW_PERCENT ? s->lo : MAX(s->lo, 0.0);
  g_autofree char *a = format_value(show, lo);
  g_autofree char *b = format_value(show, s->hi);
  return g_strdup_printf("[%s, %s]", a, b);
}

/* "2025-06-01 10:00 UTC" from an ISO 8601 time; the text itself when it does not parse. */
static char *
format_when(const char *iso)
{
  if (iso == NULL)
    return g_strdup("");
  g_autoptr(GDateTime) t = g_date_time_new_from_iso8601(iso, NULL);
  if (t == NULL)
    return g_strdup(iso);
  return g_date_time_format(t, "%Y-%m-%d %H:%M UTC");
}

static const char *
instances_word(guint n)
{
  return n == 1 ? "instance" : "instances";
}

/* ---- the page frame ---- */

static void
page_begin(GString *out, const char *title, const char *db_path)
{
  put(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<meta name=\"color-scheme\" content=\"light dark\">\n"
           "<link rel=\"icon\" href=\"data:,\">\n"
           "<link rel=\"stylesheet\" href=\"/style.css\">\n<title>");
  text(out, title);
  put(out, " · zdsim</title>\n</head>\n<body>\n<header class=\"top\"><a class=\"brand\" "
           "href=\"/\">zdsim</a><span class=\"tagline\">app availability under platform "
           "updates</span>");
  if (db_path != NULL) {
    put(out, "<span class=\"db\" title=\"the run store\">");
    text(out, db_path);
    put(out, "</span>");
  }
  put(out, "</header>\n<main>\n");
}

static char *
page_end(GString *out, const char *json_url)
{
  put(out, "</main>\n<footer>zdsim ");
  text(out, ZDSIM_VERSION);
  put(out, " · 95 % intervals are Student-t intervals over the replications");
  if (json_url != NULL) {
    put(out, " · <a href=\"");
    text(out, json_url);
    put(out, "\">this page as JSON</a>");
  }
  put(out, "</footer>\n</body>\n</html>\n");
  return g_string_free(out, FALSE);
}

/* The way back: the index, then @parent (a link to @parent_url; both NULL for none), then
 * @here. */
static void
crumbs_under(GString *out, const char *parent_url, const char *parent, const char *here)
{
  put(out, "<nav class=\"crumbs\"><a href=\"/\">Runs and sweeps</a> › ");
  if (parent != NULL) {
    put(out, "<a href=\"");
    text(out, parent_url);
    put(out, "\">");
    text(out, parent);
    put(out, "</a> › ");
  }
  text(out, here);
  put(out, "</nav>\n");
}

static void
crumbs(GString *out, const char *here)
{
  crumbs_under(out, NULL, NULL, here);
}

/* A table cell with a metric's mean and its 95 % interval, shown as @show says. */
static void
summary_cell(GString *out, Show show, const StatsSummary *s)
{
  g_autofree char *mean = format_value(show, s->mean);
  g_autofree char *ci = format_interval(show, s);
  put(out, "<td class=\"num\">");
  text(out, mean);
  put(out, " <span class=\"ci\">");
  text(out, ci);
  put(out, "</span></td>");
}

static void
link_cell(GString *out, const char *what, gint64 id)
{
  put(out, "<td class=\"num\"><a href=\"/");
  text(out, what);
  put(out, "/");
  textf(out, "%" G_GINT64_FORMAT, id);
  put(out, "\">");
  textf(out, "%" G_GINT64_FORMAT, id);
  put(out, "</a></td>");
}

static void
when_cell(GString *out, const char *iso)
{
  g_autofree char *when = format_when(iso);
  put(out, "<td class=\"when\"><time datetime=\"");
  text(out, iso);
  put(out, "\">");
  text(out, when);
  put(out, "</time></td>");
}


/* The value @point gives @key, or "". */
static const char *
point_value(char **point, const char *key)
{
  gsize len = strlen(key);
  for (char **p = point; p != NULL && *p != NULL; p++)
    if (strncmp(*p, key, len) == 0 && (*p)[len] == '=')
      return *p + len + 1;
  return "";
}

/* ---- the plots of a page ---- */

static const char *
plot_caption(PlotKind kind)
{
  switch (kind) {
  case PLOT_AVAILABILITY:
    return "Availability against the instance count, with 95 % intervals";
  case PLOT_COST:
    return "Downtime and instance-hours per year against the instance count";
  case PLOT_TIMELINE:
    return "Instances serving and starting, and the database, across one platform update "
           "(replication 0)";
  case PLOT_OUTAGES:
    return "How long outages last: the distribution of outage durations";
  case PLOT_HEATMAP:
    return "When outages start, by hour of the week (UTC), with the portal and RDS windows";
  case PLOT_KIND_COUNT:
  default:
    g_assert_not_reached();
  }
}

static void
plots_section(GString *out, const char *what, gint64 id, const ServePlots *plots)
{
  put(out, "<section>\n<h2>Plots</h2>\n");
  gboolean any = FALSE;
  for (guint k = 0; k < PLOT_KIND_COUNT; k++) {
    if (!(plots->applies & (1u << k)))
      continue;
    any = TRUE;
    const char *name = plot_kind_name((PlotKind) k);
    put(out, "<figure class=\"plot\"><a href=\"/");
    text(out, what);
    textf(out, "/%" G_GINT64_FORMAT "/plot/%s.svg", id, name);
    put(out, "\"><img src=\"/");
    text(out, what);
    textf(out, "/%" G_GINT64_FORMAT "/plot/%s.svg", id, name);
    put(out, "\" alt=\"");
    text(out, plot_caption((PlotKind) k));
    put(out, "\"></a><figcaption>");
    text(out, plot_caption((PlotKind) k));
    put(out, "</figcaption></figure>\n");
  }
  gboolean notes = FALSE;
  for (guint k = 0; k < PLOT_KIND_COUNT; k++) {
    if ((plots->applies & (1u << k)) || plots->why[k] == NULL)
      continue;
    if (!notes)
      put(out, "<ul class=\"notes\">\n");
    notes = TRUE;
    put(out, "<li>No ");
    text(out, plot_kind_name((PlotKind) k));
    put(out, " plot: ");
    text(out, plots->why[k]);
    put(out, "</li>\n");
  }
  if (notes)
    put(out, "</ul>\n");
  else if (!any)
    put(out, "<p class=\"muted\">No plots for this page.</p>\n");
  put(out, "</section>\n");
}

/* ---- explain and sensitivity results in a table ---- */

/* "Explain results", "Sensitivity results": how the index and the list page head them. */
static char *
analyses_heading(const char *kind)
{
  g_autofree char *up = g_strdup(kind);
  up[0] = g_ascii_toupper(up[0]);
  return g_strdup_printf("%s results", up);
}

/* The table of stored results of @kind (StoreAnalysis*, newest first), at most @max rows, each
 * linking to /@kind/ID; the index and the list page share it, so both look alike. More than
 * @max says how many are left out and where they all are. */
static void
analyses_table(GString *out, const char *kind, const GPtrArray *analyses, guint max)
{
  gboolean sensitivity = g_str_equal(kind, "sensitivity");
  put(out, "<div class=\"scroll\"><table>\n<thead><tr><th class=\"num\">");
  text(out, sensitivity ? "Sensitivity" : "Explain");
  put(out, "</th><th>When</th><th>Scenario</th><th>Metric</th>"
           "<th class=\"num\">Replications</th>");
  if (sensitivity)
    put(out, "<th class=\"num\">Target</th>");
  put(out, "</tr></thead>\n<tbody>\n");
  guint shown = MIN(analyses->len, max);
  for (guint i = 0; i < shown; i++) {
    const StoreAnalysis *a = g_ptr_array_index(analyses, i);
    put(out, "<tr>");
    link_cell(out, kind, a->id);
    when_cell(out, a->created);
    g_autofree char *name = text_ellipsize_for_index(a->scenario);
    cell(out, "name", name);
    cell(out, NULL, a->metric);
    g_autofree char *n = g_strdup_printf("%u", a->replications);
    cell(out, "num", n);
    if (sensitivity && isnan(a->target)) {
      cell(out, "num muted", "–");
    } else if (sensitivity) {
      g_autofree char *target = report_format_percent(a->target);
      cell(out, "num", target);
    }
    put(out, "</tr>\n");
  }
  put(out, "</tbody>\n</table></div>\n");
  if (analyses->len > shown) {
    put(out, "<p class=\"muted\">");
    textf(out, "The newest %u are shown; ", shown);
    put(out, "<a href=\"/");
    text(out, kind);
    put(out, "\">");
    textf(out, "/%s", kind);
    put(out, "</a>");
    text(out, " lists them all.");
    put(out, "</p>\n");
  }
}

/* The index's section on stored results of @kind; none is no section, as for sweeps. */
static void
analyses_section(GString *out, const char *kind, const GPtrArray *analyses)
{
  if (analyses->len == 0)
    return;
  g_autofree char *heading = analyses_heading(kind);
  put(out, "<section>\n<h2><a href=\"/");
  text(out, kind);
  put(out, "\">");
  text(out, heading);
  put(out, "</a></h2>\n");
  analyses_table(out, kind, analyses, SERVE_INDEX_RUNS);
  put(out, "</section>\n");
}

/* ---- the index ---- */

char *
serve_html_index(const char *db_path, const GPtrArray *runs, gboolean more_runs,
                 const GPtrArray *sweeps, const GPtrArray *explains,
                 const GPtrArray *sensitivities)
{
  GString *out = g_string_new(NULL);
  page_begin(out, "Runs and sweeps", db_path);
  put(out, "<h1>Runs and sweeps</h1>\n");
  if (runs->len == 0 && sweeps->len == 0 && explains->len == 0 && sensitivities->len == 0) {
    put(out, "<p class=\"empty\">Nothing is stored in ");
    text(out, db_path);
    put(out, " yet. <code>zdsim run FILE</code>, <code>zdsim sweep FILE</code>, "
             "<code>zdsim explain FILE</code> and <code>zdsim sensitivity FILE</code> store "
             "their results there; reload this page afterwards.</p>\n");
    return page_end(out, "/api/runs");
  }

  if (sweeps->len > 0) {
    put(out, "<section>\n<h2>Sweeps</h2>\n<div class=\"scroll\"><table>\n<thead><tr>"
             "<th class=\"num\">Sweep</th><th>When</th><th>Scenario</th><th>Kind</th>"
             "<th>Swept</th><th class=\"num\">Runs</th></tr></thead>\n<tbody>\n");
    for (guint i = 0; i < sweeps->len; i++) {
      const StoreSweepInfo *sw = g_ptr_array_index(sweeps, i);
      g_autofree char *axes = sweep_axes_text(sw->axes, " × ");
      put(out, "<tr>");
      link_cell(out, "sweeps", sw->id);
      when_cell(out, sw->created);
      cell(out, "name", sw->scenario);
      if (sw->partial != NULL) {
        /* A `zdsim merge --partial` lacks work items: say so wherever the sweep is named. */
        g_autofree char *kind = g_strdup_printf("%s (partial)", sw->kind);
        cell(out, NULL, kind);
      } else {
        cell(out, NULL, sw->kind);
      }
      cell(out, NULL, axes);
      g_autofree char *n = g_strdup_printf("%u", sw->runs);
      cell(out, "num", n);
      put(out, "</tr>\n");
    }
    put(out, "</tbody>\n</table></div>\n</section>\n");
  }
  /* Results are few, like sweeps: above the runs, whose table may run to hundreds of rows. */
  analyses_section(out, "explain", explains);
  analyses_section(out, "sensitivity", sensitivities);

  put(out, "<section>\n<h2>Runs</h2>\n");
  if (runs->len == 0) {
    put(out, "<p class=\"empty\">No runs stored.</p>\n");
  } else {
    put(out, "<div class=\"scroll\"><table>\n<thead><tr><th class=\"num\">Run</th>"
             "<th>When</th><th>Scenario</th><th class=\"num\">Instances</th><th>Policy</th>"
             "<th class=\"num\">Availability <span class=\"ci\">[95 %]</span></th>"
             "<th class=\"num\">Downtime / year</th><th class=\"num\">Sweep</th></tr>"
             "</thead>\n<tbody>\n");
    for (guint i = 0; i < runs->len; i++) {
      const StoreRunInfo *r = g_ptr_array_index(runs, i);
      put(out, "<tr>");
      link_cell(out, "runs", r->id);
      when_cell(out, r->created);
      g_autofree char *name = text_ellipsize_for_index(r->scenario);
      cell(out, "name", name);
      g_autofree char *n = g_strdup_printf("%u", r->instances);
      cell(out, "num", n);
      cell(out, NULL, r->policy);
      summary_cell(out, SHOW_PERCENT, &r->summary[RUN_AVAILABILITY]);
      summary_cell(out, SHOW_MINUTES, &r->summary[RUN_DOWNTIME_PER_YEAR]);
      if (r->sweep_id > 0)
        link_cell(out, "sweeps", r->sweep_id);
      else
        cell(out, "num muted", "–");
      put(out, "</tr>\n");
    }
    put(out, "</tbody>\n</table></div>\n");
    if (more_runs) {
      put(out, "<p class=\"muted\">");
      textf(out, "The newest %d runs are shown; /api/runs?limit=N lists more.",
            SERVE_INDEX_RUNS);
      put(out, "</p>\n");
    }
  }
  put(out, "</section>\n");
  return page_end(out, "/api/runs");
}

/* ---- a run ---- */

static void
card(GString *out, const char *label, const char *value, const char *detail)
{
  put(out, "<div class=\"card\"><div class=\"label\">");
  text(out, label);
  put(out, "</div><div class=\"value\">");
  text(out, value);
  put(out, "</div><div class=\"detail\">");
  text(out, detail);
  put(out, "</div></div>\n");
}

static void
fact(GString *out, const char *term, const char *value)
{
  put(out, "<dt>");
  text(out, term);
  put(out, "</dt><dd>");
  text(out, value);
  put(out, "</dd>\n");
}

static void
run_cards(GString *out, const StatsSummary *m)
{
  put(out, "<div class=\"cards\">\n");
  const StatsSummary *a = &m[RUN_AVAILABILITY];
  g_autofree char *av = format_value(SHOW_PERCENT, a->mean);
  g_autofree char *av_ci = format_interval(SHOW_PERCENT, a);
  double nines = stats_nines(a->mean);
  g_autofree char *av_detail = isfinite(nines)
                                   ? g_strdup_printf("%s · %.1f nines", av_ci, nines)
                                   : g_strdup_printf("%s · no downtime", av_ci);
  card(out, "Availability (time up)", av, av_detail);

  const StatsSummary *d = &m[RUN_DOWNTIME_PER_YEAR];
  g_autofree char *dv = format_value(SHOW_MINUTES, d->mean);
  g_autofree char *dv_ci = format_interval(SHOW_MINUTES, d);
  card(out, "Downtime per year", dv, dv_ci);

  const StatsSummary *o = &m[RUN_OUTAGES_PER_YEAR];
  g_autofree char *ov = format_value(SHOW_COUNT, o->mean);
  g_autofree char *longest = format_value(SHOW_DURATION, m[RUN_LONGEST_OUTAGE].mean);
  g_autofree char *ov_detail = g_strdup_printf("longest %s", longest);
  card(out, "Outages per year", ov, ov_detail);

  const StatsSummary *h = &m[RUN_INSTANCE_HOURS_PER_YEAR];
  g_autofree char *hv = format_value(SHOW_HOURS, h->mean);
  g_autofree char *hv_ci = format_interval(SHOW_HOURS, h);
  card(out, "Instance-hours per year", hv, hv_ci);
  put(out, "</div>\n");
}

static void
run_facts(GString *out, const StoreRun *run)
{
  const StoreRunInfo *info = run->info;
  const Scenario *sc = run->scenario;
  put(out, "<section>\n<h2>The run</h2>\n<dl class=\"facts\">\n");
  g_autofree char *inst = g_strdup_printf("%u", info->instances);
  fact(out, "Instances", inst);
  fact(out, "Evacuation policy", info->policy);
  fact(out, "Database", sc->multi_az ? "Multi-AZ" : "Single-AZ");
  g_autofree char *horizon = units_format_duration(sc->horizon);
  g_autofree char *reps = g_strdup_printf("%u × %s", info->replications, horizon);
  fact(out, "Replications", reps);
  g_autofree char *seed = g_strdup_printf("%" G_GUINT64_FORMAT, info->seed);
  fact(out, "Seed", seed);
  g_autofree char *when = format_when(info->created);
  fact(out, "Run at", when);
  fact(out, "Scenario file", info->path);
  if (info->overrides != NULL && info->overrides[0] != NULL) {
    g_autofree char *overrides = g_strjoinv(" ", info->overrides);
    fact(out, "Overrides", overrides);
  }
  if (info->sweep_id > 0) {
    g_autofree char *point = sweep_point_label((const char *const *) info->point);
    put(out, "<dt>Sweep</dt><dd><a href=\"/sweeps/");
    textf(out, "%" G_GINT64_FORMAT, info->sweep_id);
    put(out, "\">");
    textf(out, "sweep %" G_GINT64_FORMAT, info->sweep_id);
    put(out, "</a>, point ");
    text(out, point);
    put(out, "</dd>\n");
  }
  g_autofree char *engine =
      g_strdup_printf("%" G_GUINT64_FORMAT " events in %.2f s", info->events, info->wall_s);
  fact(out, "Engine", engine);
  fact(out, "zdsim version", info->version);
  put(out, "</dl>\n</section>\n");
}

static void
run_expectations(GString *out, const GPtrArray *outcomes, const char *note)
{
  put(out, "<section>\n<h2>Expectations</h2>\n");
  if (outcomes == NULL) {
    put(out, "<p class=\"muted\">");
    text(out, note != NULL ? note : "No expectations.");
    put(out, "</p>\n</section>\n");
    return;
  }
  guint passed = 0, failed = 0;
  for (guint i = 0; i < outcomes->len; i++) {
    const CheckOutcome *c = g_ptr_array_index(outcomes, i);
    if (c->passed)
      passed++;
    else
      failed++;
  }
  put(out, "<p>");
  textf(out, "%u passed, %u failed. A “>=” line is judged on the lower end of the 95 %% "
             "interval and a “<=” line on the upper end, never on the mean.",
        passed, failed);
  put(out, "</p>\n<div class=\"scroll\"><table>\n<thead><tr><th>Verdict</th><th>Expectation"
           "</th><th>Why</th></tr></thead>\n<tbody>\n");
  for (guint i = 0; i < outcomes->len; i++) {
    const CheckOutcome *c = g_ptr_array_index(outcomes, i);
    put(out, "<tr>");
    cell(out, c->passed ? "verdict pass" : "verdict fail", c->passed ? "PASS" : "FAIL");
    cell(out, "name", c->label);
    cell(out, NULL, c->detail);
    put(out, "</tr>\n");
  }
  put(out, "</tbody>\n</table></div>\n</section>\n");
}

static void
run_metrics(GString *out, const StatsSummary *m)
{
  put(out, "<section>\n<h2>Metrics</h2>\n<div class=\"scroll\"><table class=\"metrics\">\n"
           "<thead><tr><th>Metric</th><th class=\"num\">Mean</th><th class=\"num\">95 % "
           "interval</th><th class=\"num\">SD</th><th>JSON name</th></tr></thead>\n<tbody>\n");
  for (guint i = 0; i < G_N_ELEMENTS(metric_rows); i++) {
    const StatsSummary *s = &m[metric_rows[i].metric];
    Show show = metric_rows[i].show;
    g_autofree char *mean = format_value(show, s->mean);
    g_autofree char *ci = format_interval(show, s);
    g_autofree char *sd = show == SHOW_PERCENT ? g_strdup_printf("%.4f pp", 100 * s->sd)
                                               : format_value(show, s->sd);
    put(out, "<tr>");
    cell(out, NULL, metric_rows[i].label);
    cell(out, "num", mean);
    cell(out, "num ci", ci);
    cell(out, "num ci", sd);
    cell(out, "code", run_metric_name(metric_rows[i].metric));
    put(out, "</tr>\n");
  }
  put(out, "</tbody>\n</table></div>\n<p class=\"muted\">Downtime and times are per 365 days; "
           "“pp” are percentage points.</p>\n</section>\n");
}

static void
run_causes(GString *out, const StatsSummary *cause, const StatsSummary *m)
{
  put(out, "<section>\n<h2>Downtime by cause</h2>\n<p class=\"muted\">Every second of "
           "downtime has one cause: the database outage's while the database is down, "
           "otherwise what took the last serving instance away.</p>\n<div class=\"scroll\"><table>\n<thead><tr><th>Cause"
           "</th><th class=\"num\">Per year</th><th class=\"num\">95 % interval</th><th>Share"
           "</th></tr></thead>\n<tbody>\n");
  double total = 0;
  for (guint c = 0; c < CAUSE_COUNT; c++)
    total += MAX(cause[c].mean, 0.0);
  for (guint c = 0; c < CAUSE_COUNT; c++) {
    const StatsSummary *s = &cause[c];
    g_autofree char *mean = format_value(SHOW_MINUTES, s->mean);
    g_autofree char *ci = format_interval(SHOW_MINUTES, s);
    double share = total > 0 ? MAX(s->mean, 0.0) / total : 0.0;
    put(out, "<tr>");
    cell(out, "name", model_cause_name((ModelCause) c));
    cell(out, "num", mean);
    cell(out, "num ci", ci);
    put(out, "<td class=\"share\"><meter min=\"0\" max=\"1\" value=\"");
    textf(out, "%.4f", share);
    put(out, "\"></meter> ");
    textf(out, "%.0f %%", 100 * share);
    put(out, "</td></tr>\n");
  }
  g_autofree char *total_text = format_value(SHOW_MINUTES, m[RUN_DOWNTIME_PER_YEAR].mean);
  put(out, "<tr class=\"total\">");
  cell(out, NULL, "all causes");
  cell(out, "num", total_text);
  g_autofree char *total_ci = format_interval(SHOW_MINUTES, &m[RUN_DOWNTIME_PER_YEAR]);
  cell(out, "num ci", total_ci);
  cell(out, NULL, "");
  put(out, "</tr>\n</tbody>\n</table></div>\n");
  const StatsSummary *cap = &m[RUN_CAPACITY_SHORTFALL];
  g_autofree char *cap_text = format_value(SHOW_MINUTES, cap->mean);
  put(out, "<p class=\"muted\">");
  textf(out, "Up but short of capacity (not downtime): %s per year.", cap_text);
  put(out, "</p>\n</section>\n");
}

char *
serve_html_run(const char *db_path, const StoreRun *run, const GPtrArray *outcomes,
               const char *expect_note, const ServePlots *plots)
{
  const StoreRunInfo *info = run->info;
  const Scenario *sc = run->scenario;
  GString *out = g_string_new(NULL);
  g_autofree char *title = g_strdup_printf("Run %" G_GINT64_FORMAT ": %s", info->id, sc->name);
  page_begin(out, title, db_path);
  g_autofree char *here = g_strdup_printf("Run %" G_GINT64_FORMAT, info->id);
  crumbs(out, here);
  put(out, "<h1>");
  text(out, sc->name);
  put(out, " <small>");
  textf(out, "run %" G_GINT64_FORMAT " · %u %s · %s", info->id, info->instances,
        instances_word(info->instances), info->policy);
  put(out, "</small></h1>\n");
  if (sc->description != NULL && *sc->description != '\0') {
    put(out, "<p class=\"description\">");
    text(out, sc->description);
    put(out, "</p>\n");
  }
  run_cards(out, run->result->summary);
  run_expectations(out, outcomes, expect_note);
  run_metrics(out, run->result->summary);
  run_causes(out, run->result->cause_summary, run->result->summary);
  plots_section(out, "runs", info->id, plots);
  run_facts(out, run);
  g_autofree char *json = g_strdup_printf("/api/runs/%" G_GINT64_FORMAT, info->id);
  return page_end(out, json);
}

/* ---- a sweep ---- */

static void
sweep_form(GString *out, const ServeSweepPage *page)
{
  put(out, "<section>\n<h2>Recommend an instance count</h2>\n<form class=\"target\" "
           "method=\"get\" action=\"/sweeps/");
  textf(out, "%" G_GINT64_FORMAT, page->sweep->id);
  put(out, "\"><label for=\"target\">Target</label> <span class=\"field\"><input id=\"target\" "
           "name=\"target\" type=\"text\" inputmode=\"decimal\" size=\"8\" maxlength=\"32\" "
           "placeholder=\"99.95\" value=\"");
  text(out, page->target_text != NULL ? page->target_text : "");
  /* A downtime's target is a duration per year ("30m"), an availability's a percentage. */
  put(out, recommend_metric_kind(page->metric) == RECOMMEND_DOWNTIME ? "\"></span>"
                                                                      : "\"> %</span>");
  put(out, " <label for=\"metric\">of</label> <select id=\"metric\" name=\"metric\">");
  /* Every metric a target can be about (recommend.h), by its JSON name; a downtime's target
   * is a duration per year, typed in the same field ("30m"). */
  for (int m = 0; m < RUN_METRIC_COUNT; m++) {
    RecommendKind kind = recommend_metric_kind((RunMetric) m);
    if (kind == RECOMMEND_NOT_TARGETABLE)
      continue;
    g_autofree char *label = recommend_metric_label((RunMetric) m);
    put(out, "<option value=\"");
    text(out, run_metric_name((RunMetric) m));
    put(out, "\"");
    if ((RunMetric) m == page->metric)
      put(out, " selected");
    put(out, ">");
    text(out, label);
    if (kind == RECOMMEND_DOWNTIME)
      put(out, " (per year, e.g. 30m)");
    put(out, "</option>");
  }
  put(out, "</select> <button type=\"submit\">Recommend</button></form>\n");

  if (page->target_error != NULL) {
    put(out, "<p class=\"answer bad\" role=\"alert\">");
    text(out, page->target_error);
    put(out, "</p>\n");
  } else if (page->series == NULL) {
    put(out, "<p class=\"muted\">The smallest instance count whose lower 95 % bound meets the "
             "target (for a downtime: whose upper 95 % bound stays at or below it), among the "
             "points of this sweep (the rule of <code>zdsim recommend</code>).</p>\n");
  }
  for (guint k = 0; page->series != NULL && k < page->series->len; k++) {
    const RecommendSeries *series = g_ptr_array_index(page->series, k);
    g_autofree char *target = recommend_format_goal(page->metric, page->target);
    gboolean downtime = recommend_metric_kind(page->metric) == RECOMMEND_DOWNTIME;
    put(out, series->answer >= 0 ? "<p class=\"answer ok\">" : "<p class=\"answer bad\">");
    if (*series->key != '\0') {
      put(out, "<span class=\"series\">");
      text(out, series->key);
      put(out, ":</span> ");
    }
    if (series->answer < 0) {
      const StoreRunInfo *last = g_ptr_array_index(series->runs, series->runs->len - 1);
      g_autofree char *bound = recommend_format_goal(
          page->metric, recommend_judged_bound(page->metric, &last->summary[page->metric]));
      textf(out, "no instance count in this sweep meets %s; at %u %s the %s bound is %s.",
            target, last->instances, instances_word(last->instances),
            downtime ? "upper" : "lower", bound);
    } else {
      const StoreRunInfo *r = g_ptr_array_index(series->runs, (guint) series->answer);
      g_autofree char *bound = recommend_format_goal(
          page->metric, recommend_judged_bound(page->metric, &r->summary[page->metric]));
      g_autofree char *down = format_value(SHOW_MINUTES, r->summary[RUN_DOWNTIME_PER_YEAR].mean);
      put(out, "<strong>");
      textf(out, "%u %s", r->instances, instances_word(r->instances));
      put(out, "</strong> ");
      textf(out, "(run %" G_GINT64_FORMAT "): %s bound %s %s %s; downtime %s per year, "
                 "%.0f instance-hours per year.",
            r->id, downtime ? "upper" : "lower", bound, downtime ? "≤" : "≥", target, down,
            r->summary[RUN_INSTANCE_HOURS_PER_YEAR].mean);
    }
    put(out, "</p>\n");
  }
  put(out, "</section>\n");
}

/* Whether @r is a series' answer. */
static gboolean
is_answer(const ServeSweepPage *page, const StoreRunInfo *r)
{
  for (guint k = 0; page->series != NULL && k < page->series->len; k++) {
    const RecommendSeries *series = g_ptr_array_index(page->series, k);
    if (series->answer >= 0 && g_ptr_array_index(series->runs, (guint) series->answer) == r)
      return TRUE;
  }
  return FALSE;
}

static void
sweep_table(GString *out, const ServeSweepPage *page)
{
  const GPtrArray *axes = page->sweep->axes;
  put(out, "<section>\n<h2>Points</h2>\n<div class=\"scroll\"><table>\n<thead><tr>"
           "<th class=\"num\">Run</th>");
  for (guint a = 0; a < axes->len; a++) {
    const ScenarioSweepAxis *axis = g_ptr_array_index(axes, a);
    put(out, "<th>");
    text(out, axis->key);
    put(out, "</th>");
  }
  /* The chosen metric takes the column of its kind, named in the header. */
  gboolean downtime = recommend_metric_kind(page->metric) == RECOMMEND_DOWNTIME;
  RunMetric up = downtime ? RUN_AVAILABILITY : page->metric;
  RunMetric down = downtime ? page->metric : RUN_DOWNTIME_PER_YEAR;
  if (up == RUN_AVAILABILITY) {
    put(out, "<th class=\"num\">Availability <span class=\"ci\">[95 %]</span></th>");
  } else {
    g_autofree char *label = recommend_metric_label(up);
    put(out, "<th class=\"num\">");
    text(out, label);
    put(out, " <span class=\"ci\">[95 %]</span></th>");
  }
  if (down == RUN_DOWNTIME_PER_YEAR) {
    put(out, "<th class=\"num\">Downtime / year <span class=\"ci\">[95 %]</span></th>");
  } else {
    g_autofree char *label = recommend_metric_label(down);
    put(out, "<th class=\"num\">");
    text(out, label);
    put(out, " / year <span class=\"ci\">[95 %]</span></th>");
  }
  put(out, "<th class=\"num\">Outages / year</th><th class=\"num\">Instance-hours / year</th>"
           "</tr></thead>\n<tbody>\n");
  for (guint i = 0; i < page->runs->len; i++) {
    const StoreRunInfo *r = g_ptr_array_index(page->runs, i);
    gboolean answer = is_answer(page, r);
    gboolean meets =
        page->series != NULL &&
        recommend_meets(page->metric, &r->summary[page->metric], page->target);
    put(out, answer ? "<tr class=\"answer\">" : meets ? "<tr class=\"meets\">" : "<tr>");
    link_cell(out, "runs", r->id);
    for (guint a = 0; a < axes->len; a++) {
      const ScenarioSweepAxis *axis = g_ptr_array_index(axes, a);
      cell(out, NULL, point_value(r->point, axis->key));
    }
    summary_cell(out, SHOW_PERCENT, &r->summary[up]);
    summary_cell(out, SHOW_MINUTES, &r->summary[down]);
    g_autofree char *outages = format_value(SHOW_COUNT, r->summary[RUN_OUTAGES_PER_YEAR].mean);
    cell(out, "num", outages);
    g_autofree char *hours = format_value(SHOW_HOURS,
                                          r->summary[RUN_INSTANCE_HOURS_PER_YEAR].mean);
    cell(out, "num", hours);
    put(out, "</tr>\n");
  }
  put(out, "</tbody>\n</table></div>\n");
  if (page->series != NULL)
    put(out, "<p class=\"muted legend\"><span class=\"swatch answer\"></span> recommended "
             "<span class=\"swatch meets\"></span> also meets the target</p>\n");
  put(out, "</section>\n");
}

char *
serve_html_sweep(const char *db_path, const ServeSweepPage *page)
{
  const StoreSweepInfo *sw = page->sweep;
  GString *out = g_string_new(NULL);
  g_autofree char *title = g_strdup_printf("Sweep %" G_GINT64_FORMAT ": %s", sw->id,
                                           sw->scenario);
  page_begin(out, title, db_path);
  g_autofree char *here = g_strdup_printf("Sweep %" G_GINT64_FORMAT, sw->id);
  crumbs(out, here);
  put(out, "<h1>");
  text(out, sw->scenario);
  put(out, " <small>");
  textf(out, "%s %" G_GINT64_FORMAT " · %u points", sw->kind, sw->id, page->runs->len);
  put(out, "</small></h1>\n<dl class=\"facts\">\n");
  g_autofree char *axes = sweep_axes_text(sw->axes, " × ");
  fact(out, "Swept", axes);
  if (sw->partial != NULL)
    fact(out, "Partial", sw->partial);
  g_autofree char *when = format_when(sw->created);
  fact(out, "Run at", when);
  fact(out, "Scenario file", sw->path);
  if (sw->overrides != NULL && sw->overrides[0] != NULL) {
    g_autofree char *overrides = g_strjoinv(" ", sw->overrides);
    fact(out, "Overrides", overrides);
  }
  if (page->runs->len > 0) {
    const StoreRunInfo *first = g_ptr_array_index(page->runs, 0);
    g_autofree char *reps = g_strdup_printf("%u per point, seed %" G_GUINT64_FORMAT
                                            " at every point (common random numbers)",
                                            first->replications, first->seed);
    fact(out, "Replications", reps);
  }
  put(out, "</dl>\n");
  sweep_form(out, page);
  sweep_table(out, page);
  plots_section(out, "sweeps", sw->id, page->plots);
  g_autofree char *json = g_strdup_printf("/api/sweeps/%" G_GINT64_FORMAT, sw->id);
  return page_end(out, json);
}

/* ---- errors ---- */

char *
serve_html_error(int status, const char *reason, const char *message)
{
  GString *out = g_string_new(NULL);
  g_autofree char *title = g_strdup_printf("%d %s", status, reason);
  page_begin(out, title, NULL);
  put(out, "<h1>");
  text(out, title);
  put(out, "</h1>\n<p>");
  text(out, message);
  put(out, "</p>\n<p><a href=\"/\">Back to the runs and sweeps</a></p>\n");
  return page_end(out, NULL);
}

/* ---- explain and sensitivity results ---- */

char *
serve_html_analysis(const char *db_path, const char *kind, const char *title,
                    const char *fragment, const char *json_url)
{
  GString *out = g_string_new(NULL);
  page_begin(out, title, db_path);
  g_autofree char *list_url = g_strdup_printf("/%s", kind);
  g_autofree char *heading = analyses_heading(kind);
  crumbs_under(out, list_url, heading, title);
  put(out, "<h1>");
  text(out, title);
  put(out, "</h1>\n");
  put(out, fragment);
  return page_end(out, json_url);
}

char *
serve_html_analyses(const char *db_path, const char *kind, const GPtrArray *analyses)
{
  GString *out = g_string_new(NULL);
  g_autofree char *title = analyses_heading(kind);
  page_begin(out, title, db_path);
  crumbs(out, title);
  put(out, "<h1>");
  text(out, title);
  put(out, "</h1>\n");
  if (analyses->len == 0) {
    put(out, "<p class=\"empty\">");
    textf(out, "None stored yet: zdsim %s FILE stores one.", kind);
    put(out, "</p>\n");
  } else {
    analyses_table(out, kind, analyses, G_MAXUINT);
  }
  g_autofree char *json_url = g_strdup_printf("/api/%s", kind);
  return page_end(out, json_url);
}

/* ---- the style sheet ---- */

const char *
serve_html_css(void)
{
  /* System fonts, no external resources; one column that reflows on a phone, tables that
   * scroll sideways inside their box instead of widening the page. */
  return ":root{--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;"
         "--accent:#0969da;--ok:#1a7f37;--ok-bg:#dafbe1;--bad:#cf222e;--bad-bg:#ffebe9;"
         "--meets-bg:#eef8f0}\n"
         "@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;"
         "--line:#3d444d;--soft:#151b23;--accent:#4493f8;--ok:#3fb950;--ok-bg:#12261e;"
         "--bad:#f85149;--bad-bg:#2d1214;--meets-bg:#0f1f17}}\n"
         "*{box-sizing:border-box}\n"
         "html{-webkit-text-size-adjust:100%;text-size-adjust:100%}\n"
         "body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,"
         "-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}\n"
         "a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}\n"
         "header.top{display:flex;flex-wrap:wrap;align-items:baseline;gap:.4rem 1rem;"
         "padding:.7rem 1.2rem;border-bottom:1px solid var(--line);background:var(--soft)}\n"
         ".brand{font-weight:700;font-size:1.15rem;color:var(--fg)}\n"
         ".tagline{color:var(--muted);font-size:.9rem}\n"
         ".db{margin-left:auto;color:var(--muted);font:.85rem ui-monospace,SFMono-Regular,"
         "Menlo,Consolas,monospace;overflow-wrap:anywhere}\n"
         "main{max-width:76rem;margin:0 auto;padding:1rem 1.2rem 2rem}\n"
         "h1{font-size:1.6rem;line-height:1.25;margin:.6rem 0 .4rem}\n"
         "h1 small{display:block;font-size:.95rem;font-weight:400;color:var(--muted)}\n"
         "h2{font-size:1.2rem;margin:2rem 0 .6rem;padding-bottom:.3rem;"
         "border-bottom:1px solid var(--line)}\n"
         ".crumbs{font-size:.9rem;color:var(--muted)}\n"
         ".description{color:var(--muted);margin-top:0}\n"
         ".muted,.ci{color:var(--muted)}.ci{font-size:.85em;white-space:nowrap}\n"
         "td.num .ci{display:block}\n"
         "code,.code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;"
         "font-size:.85em}\n"
         ".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;border:1px solid "
         "var(--line);border-radius:6px}\n"
         "table{border-collapse:collapse;width:100%;font-size:.92rem}\n"
         "th,td{padding:.4rem .65rem;text-align:left;border-bottom:1px solid var(--line);"
         "vertical-align:top}\n"
         "thead th{background:var(--soft);font-weight:600}\n"
         "tbody tr:last-child td{border-bottom:0}\n"
         ".num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
         "td.when{white-space:nowrap;color:var(--muted)}\n"
         "td.name{font-weight:600}\n"
         "tr.total td{font-weight:600;border-top:2px solid var(--line)}\n"
         "tr.answer td{background:var(--ok-bg)}tr.meets td{background:var(--meets-bg)}\n"
         ".verdict{font-weight:700}.pass{color:var(--ok)}.fail{color:var(--bad)}\n"
         "td.share{white-space:nowrap}meter{width:6rem;vertical-align:middle}\n"
         ".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(13rem,1fr));"
         "gap:.8rem;margin:1rem 0}\n"
         ".card{border:1px solid var(--line);border-radius:8px;padding:.8rem 1rem;"
         "background:var(--soft)}\n"
         ".card .label{font-size:.85rem;color:var(--muted)}\n"
         ".card .value{font-size:1.6rem;font-weight:700;font-variant-numeric:tabular-nums}\n"
         ".card .detail{font-size:.85rem;color:var(--muted)}\n"
         "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;"
         "margin:.5rem 0}\n"
         "dl.facts dt{color:var(--muted)}dl.facts dd{margin:0;overflow-wrap:anywhere}\n"
         "figure.plot{margin:1rem 0 1.5rem}\n"
         "figure.plot img{display:block;width:100%;max-width:64rem;height:auto;"
         "background:#fff;border:1px solid var(--line);border-radius:6px}\n"
         "figcaption{font-size:.9rem;color:var(--muted);margin-top:.3rem}\n"
         "ul.notes{color:var(--muted);font-size:.9rem;padding-left:1.2rem}\n"
         "form.target{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;margin:.5rem 0}\n"
         "form.target input,form.target select,form.target button{font:inherit;padding:.35rem "
         ".55rem;border:1px solid var(--line);border-radius:6px;background:var(--bg);"
         "color:var(--fg)}\n"
         "form.target button{background:var(--accent);border-color:var(--accent);color:#fff;"
         "cursor:pointer}\n"
         ".answer{padding:.55rem .8rem;border-radius:6px;margin:.5rem 0}\n"
         "p.answer.ok{background:var(--ok-bg)}p.answer.bad{background:var(--bad-bg)}\n"
         ".series{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;"
         "font-size:.85em}\n"
         ".swatch{display:inline-block;width:.9em;height:.9em;border:1px solid var(--line);"
         "vertical-align:middle;margin-left:.6em}\n"
         ".swatch.answer{background:var(--ok-bg)}.swatch.meets{background:var(--meets-bg)}\n"
         ".empty{padding:1rem;border:1px dashed var(--line);border-radius:6px}\n"
         "footer{max-width:76rem;margin:0 auto;padding:1rem 1.2rem 2rem;color:var(--muted);"
         "font-size:.85rem;border-top:1px solid var(--line)}\n"
         "@media (max-width:40rem){body{font-size:15px}main{padding:.8rem}"
         "h1{font-size:1.35rem}.card .value{font-size:1.35rem}"
         "dl.facts{grid-template-columns:1fr}dl.facts dd{margin-bottom:.4rem}"
         ".db{margin-left:0}th,td{padding:.35rem .5rem}}\n";
}
