/* report_html.c: `zdsim report`: one self-contained HTML file (report_html.h): inline CSS,
 * inline SVG from gnuplot, no script and nothing outside the file. Not for the text report
 * (report.c) or the dashboard's pages (serve_html.c). */
#include <math.h>
#include <string.h>

#include <unistd.h>

#include <glib/gstdio.h>

#include "zdsim/explain.h"
#include "zdsim/model.h"
#include "zdsim/plot.h"
#include "zdsim/plot_analysis.h"
#include "zdsim/report.h"
#include "zdsim/report_html.h"
#include "zdsim/sensitivity.h"
#include "zdsim/store_analysis.h"
#include "zdsim/version.h"

/* Print to PDF: A4 margins, no navigation, sections kept whole where they fit. Phone: the
 * page is at most 60em wide, tables scroll sideways inside their box, pictures shrink. */
static const char css[] =
    "*{box-sizing:border-box}"
    "body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#1b1f24;"
    "background:#fff;line-height:1.45}"
    "main{max-width:60em;margin:0 auto;padding:1em}"
    "h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.25em;margin-top:1.6em;"
    "border-bottom:1px solid #ccd;padding-bottom:.2em}h3{font-size:1.05em}"
    "p.lead{color:#444}nav{display:flex;flex-wrap:wrap;gap:.3em 1em}"
    ".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}"
    "table{border-collapse:collapse;margin:.5em 0;font-variant-numeric:tabular-nums}"
    "th,td{padding:.25em .6em;border-bottom:1px solid #e2e4e8;text-align:left;"
    "white-space:nowrap}td.n,th.n{text-align:right}"
    "th{background:#f3f5f8}"
    ".verdict{background:#eef6ee;border-left:4px solid #3a8a3a;padding:.5em .8em}"
    ".note{color:#555;font-size:.92em}"
    "figure{margin:1em 0}figure svg{width:100%;height:auto;display:block}"
    "figcaption{font-size:.92em;color:#444}"
    "pre{background:#f6f8fa;padding:.8em;overflow-x:auto;font-family:ui-monospace,"
    "'DejaVu Sans Mono',monospace;font-size:.85em}"
    "@media print{nav{display:none}main{max-width:none;padding:0}"
    "figure,table{break-inside:avoid}h2{break-after:avoid}"
    ".scroll{overflow:visible}pre{white-space:pre-wrap}}"
    "@page{size:A4;margin:15mm}";

/* ---- SVG ---- */

/* Replaces every @from in @s by @to. */
static void
replace_all(GString *s, const char *from, const char *to)
{
  g_string_replace(s, from, to, 0);
}

/* Whether an attribute value points inside the file: an anchor, or a data: URI (which holds
 * what it names in place, as gnuplot's embedded images do). */
static gboolean
points_inside(const char *value)
{
  return value[0] == '#' || g_ascii_strncasecmp(value, "data:", 5) == 0;
}

/* Drops every attribute NAME="..." or NAME='...' whose value points outside the file. */
static void
drop_external(GString *s, const char *name)
{
  for (guint q = 0; q < 2; q++) {
    char quote = q == 0 ? '"' : '\'';
    g_autofree char *pattern = g_strdup_printf("%s=%c", name, quote);
    gsize from = 0;
    for (;;) {
      const char *hit = strstr(s->str + from, pattern);
      if (hit == NULL)
        break;
      gsize at = (gsize) (hit - s->str);
      /* Only a whole attribute name (xlink:href counts: its prefix goes with it). */
      gboolean whole = at == 0 || g_ascii_isspace(s->str[at - 1]) || s->str[at - 1] == ':';
      const char *value = hit + strlen(pattern);
      const char *end = strchr(value, quote);
      if (end == NULL)
        break;
      if (whole && !points_inside(value)) {
        gsize start = at;
        while (start > 0 && !g_ascii_isspace(s->str[start - 1]))
          start--;
        g_string_erase(s, (gssize) start, (gssize) ((gsize) (end - s->str) + 1 - start));
        from = start;
      } else {
        from = (gsize) (end - s->str) + 1;
      }
    }
  }
}

char *
report_html_inline_svg(const char *svg, const char *prefix)
{
  const char *open = strstr(svg, "<svg");
  g_autoptr(GString) s = g_string_new(open != NULL ? open : "");
  /* Scripts and foreign objects have no place in a picture of a report. */
  for (const char *tag = "<script"; tag != NULL; tag = NULL) {
    char *at;
    while ((at = strstr(s->str, tag)) != NULL) {
      const char *close = strstr(at, "</script>");
      gsize end = close != NULL ? (gsize) (close - s->str) + strlen("</script>") : s->len;
      g_string_erase(s, at - s->str, (gssize) (end - (gsize) (at - s->str)));
    }
  }
  /* The root's fixed size: the page decides the width, the viewBox the shape. */
  const char *root_end = strchr(s->str, '>');
  if (root_end != NULL) {
    g_autofree char *root = g_strndup(s->str, (gsize) (root_end - s->str));
    g_autoptr(GString) r = g_string_new(root);
    for (guint k = 0; k < 2; k++) {
      const char *attr = k == 0 ? " width=\"" : " height=\"";
      char *w = strstr(r->str, attr);
      if (w != NULL) {
        const char *q = strchr(w + strlen(attr), '"');
        if (q != NULL)
          g_string_erase(r, w - r->str, (gssize) ((q - w) + 1));
      }
    }
    g_string_erase(s, 0, root_end - s->str);
    g_string_prepend(s, r->str);
  }
  g_autofree char *id = g_strdup_printf("id=\"%s-", prefix);
  g_autofree char *href = g_strdup_printf("href=\"#%s-", prefix);
  g_autofree char *url = g_strdup_printf("url(#%s-", prefix);
  replace_all(s, "id=\"", id);
  replace_all(s, "href=\"#", href);
  g_autofree char *href1 = g_strdup_printf("href='#%s-", prefix);
  g_autofree char *id1 = g_strdup_printf("id='%s-", prefix);
  replace_all(s, "href='#", href1);
  replace_all(s, "id='", id1);
  replace_all(s, "url(#", url);
  drop_external(s, "href");
  drop_external(s, "src");
  replace_all(s, "font-family=\"Sans\"", "font-family=\"sans-serif\"");
  replace_all(s, "font-family:Sans", "font-family:sans-serif");
  return g_string_free(g_steal_pointer(&s), FALSE);
}

/* Renders with @draw into a temporary SVG file and returns it inlined. */
typedef gboolean (*DrawFunc)(const void *what, const char *output, const char *templates,
                             GError **error);

static char *
svg_via(DrawFunc draw, const void *what, const char *templates, const char *prefix,
        GError **error)
{
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp("zdsim-report-XXXXXX.svg", &path, error);
  if (fd < 0)
    return NULL;
  close(fd);
  gboolean ok = draw(what, path, templates, error);
  g_autofree char *svg = NULL;
  if (ok)
    ok = g_file_get_contents(path, &svg, NULL, error);
  g_unlink(path);
  if (!ok)
    return NULL;
  return report_html_inline_svg(svg, prefix);
}

typedef struct {
  const PlotData *data;
  PlotKind kind;
} KindDraw;

static gboolean
draw_kind(const void *what, const char *output, const char *templates, GError **error)
{
  const KindDraw *k = what;
  PlotOptions o = { .kind = k->kind, .format = PLOT_FORMAT_SVG, .output = output,
                    .templates = templates };
  return plot_render(k->data, &o, NULL, error);
}

static gboolean
draw_levers(const void *what, const char *output, const char *templates, GError **error)
{
  return plot_levers_render(what, PLOT_FORMAT_SVG, output, templates, NULL, error);
}

static gboolean
draw_tornado(const void *what, const char *output, const char *templates, GError **error)
{
  return plot_tornado_render(what, PLOT_FORMAT_SVG, output, templates, NULL, error);
}

/* ---- HTML helpers ---- */

static void
esc(GString *out, const char *text)
{
  g_autofree char *e = g_markup_escape_text(text != NULL ? text : "", -1);
  g_string_append(out, e);
}

static void
cell(GString *out, const char *text, gboolean number)
{
  g_string_append(out, number ? "<td class=\"n\">" : "<td>");
  esc(out, text);
  g_string_append(out, "</td>");
}

static void
cell_take(GString *out, char *text, gboolean number)
{
  cell(out, text, number);
  g_free(text);
}

static void
table_head(GString *out, const char *const *heads, guint n, guint32 numbers)
{
  g_string_append(out, "<div class=\"scroll\"><table><thead><tr>");
  for (guint i = 0; i < n; i++) {
    g_string_append(out, numbers & (1u << i) ? "<th class=\"n\">" : "<th>");
    esc(out, heads[i]);
    g_string_append(out, "</th>");
  }
  g_string_append(out, "</tr></thead><tbody>");
}

static void
table_end(GString *out)
{
  g_string_append(out, "</tbody></table></div>");
}

/* Whether pictures go in as inline SVG (the report file) or as <img> data URIs (the
 * dashboard, whose Content-Security-Policy forbids the inline styles gnuplot's SVG uses). */
typedef enum { FIGURE_INLINE, FIGURE_IMG } FigureMode;

static void
figure(GString *out, FigureMode mode, const char *svg, const char *caption)
{
  g_string_append(out, "<figure>");
  if (mode == FIGURE_IMG) {
    g_autofree char *b64 = g_base64_encode((const guchar *) svg, strlen(svg));
    g_string_append_printf(out, "<img alt=\"\" src=\"data:image/svg+xml;"
                                "base64,%s\">", b64);
  } else {
    g_string_append(out, svg);
  }
  g_string_append(out, "<figcaption>");
  esc(out, caption);
  g_string_append(out, "</figcaption></figure>");
}

static char *
interval(RunMetric m, const StatsSummary *s)
{
  g_autofree char *v = explain_format_value(m, s->mean);
  g_autofree char *lo = explain_format_value(m, s->lo);
  g_autofree char *hi = explain_format_value(m, s->hi);
  return g_strdup_printf("%s [%s, %s]", v, lo, hi);
}

static char *
difference(RunMetric m, const ExplainDifference *d)
{
  g_autofree char *v = explain_format_difference(m, d->diff);
  g_autofree char *lo = explain_format_difference(m, d->lo);
  g_autofree char *hi = explain_format_difference(m, d->hi);
  return g_strdup_printf("%s [%s, %s]", v, lo, hi);
}

/* ---- sections ---- */

static void
headline_run(GString *out, const RunResult *r)
{
  g_string_append(out, "<section id=\"headline\"><h2>Headline figures</h2>"
                       "<p class=\"note\">Means over the replications with their 95 % "
                       "intervals.</p>");
  const char *heads[] = { "metric", "mean [95 % interval]" };
  table_head(out, heads, 2, 1u << 1);
  const RunMetric shown[] = { RUN_AVAILABILITY, RUN_REQUEST_AVAILABILITY,
                              RUN_BUSINESS_HOURS_AVAILABILITY, RUN_DOWNTIME_PER_YEAR,
                              RUN_DOWNTIME_OUTSIDE_PORTAL, RUN_OUTAGES_PER_YEAR,
                              RUN_MEAN_OUTAGE, RUN_INSTANCE_HOURS_PER_YEAR };
  for (guint i = 0; i < G_N_ELEMENTS(shown); i++) {
    g_string_append(out, "<tr>");
    cell(out, run_metric_name(shown[i]), FALSE);
    cell_take(out, interval(shown[i], &r->summary[shown[i]]), TRUE);
    g_string_append(out, "</tr>");
  }
  table_end(out);
  g_string_append(out, "</section>");

  g_string_append(out, "<section id=\"causes\"><h2>Downtime by cause</h2>");
  const char *ch[] = { "cause", "min/year [95 % interval]", "share" };
  table_head(out, ch, 3, 1u << 1 | 1u << 2);
  double total = r->summary[RUN_DOWNTIME_PER_YEAR].mean;
  guint rows = 0;
  for (guint c = 0; c < CAUSE_COUNT; c++) {
    const StatsSummary *s = &r->cause_summary[c];
    if (!(s->mean > 0))
      continue;
    rows++;
    g_string_append(out, "<tr>");
    cell(out, model_cause_name(c), FALSE);
    cell_take(out, g_strdup_printf("%.1f [%.1f, %.1f]", s->mean / 60, s->lo / 60, s->hi / 60),
              TRUE);
    cell_take(out, g_strdup_printf("%.1f %%", total > 0 ? 100 * s->mean / total : 0.0), TRUE);
    g_string_append(out, "</tr>");
  }
  if (rows == 0)
    g_string_append(out, "<tr><td colspan=\"3\">no downtime</td></tr>");
  table_end(out);
  g_string_append(out, "</section>");
}

static void
headline_sweep(GString *out, const GPtrArray *runs)
{
  g_string_append(out, "<section id=\"headline\"><h2>Headline figures, point by point</h2>"
                       "<p class=\"note\">Every point ran with the same seed (common random "
                       "numbers); 95 % intervals in brackets.</p>");
  const char *heads[] = { "point", "instances", "policy", "availability",
                          "downtime min/year", "instance-hours/year" };
  table_head(out, heads, 6, 1u << 1 | 1u << 3 | 1u << 4 | 1u << 5);
  for (guint i = 0; i < runs->len; i++) {
    const StoreRunInfo *r = g_ptr_array_index(runs, i);
    const StatsSummary *d = &r->summary[RUN_DOWNTIME_PER_YEAR];
    g_string_append(out, "<tr>");
    cell_take(out, r->point != NULL ? g_strjoinv(" ", r->point) : g_strdup("-"), FALSE);
    cell_take(out, g_strdup_printf("%u", r->instances), TRUE);
    cell(out, r->policy, FALSE);
    cell_take(out, interval(RUN_AVAILABILITY, &r->summary[RUN_AVAILABILITY]), TRUE);
    cell_take(out, g_strdup_printf("%.1f [%.1f, %.1f]", d->mean / 60, d->lo / 60, d->hi / 60),
              TRUE);
    cell_take(out, g_strdup_printf("%.0f", r->summary[RUN_INSTANCE_HOURS_PER_YEAR].mean), TRUE);
    g_string_append(out, "</tr>");
  }
  table_end(out);
  g_string_append(out, "</section><section id=\"causes\"><h2>Downtime by cause</h2>");
  /* A column per cause that any point has. */
  gboolean used[CAUSE_COUNT] = { FALSE };
  for (guint i = 0; i < runs->len; i++) {
    const StoreRunInfo *r = g_ptr_array_index(runs, i);
    for (guint c = 0; c < CAUSE_COUNT; c++)
      used[c] = used[c] || r->cause_summary[c].mean > 0;
  }
  g_autoptr(GPtrArray) heads2 = g_ptr_array_new();
  g_ptr_array_add(heads2, (gpointer) "point (min/year)");
  guint32 numbers = 0;
  for (guint c = 0; c < CAUSE_COUNT; c++) {
    if (used[c]) {
      numbers |= 1u << heads2->len;
      g_ptr_array_add(heads2, (gpointer) model_cause_name(c));
    }
  }
  table_head(out, (const char *const *) heads2->pdata, heads2->len, numbers);
  for (guint i = 0; i < runs->len; i++) {
    const StoreRunInfo *r = g_ptr_array_index(runs, i);
    g_string_append(out, "<tr>");
    cell_take(out, r->point != NULL ? g_strjoinv(" ", r->point) : g_strdup("-"), FALSE);
    for (guint c = 0; c < CAUSE_COUNT; c++)
      if (used[c])
        cell_take(out, g_strdup_printf("%.1f", r->cause_summary[c].mean / 60), TRUE);
    g_string_append(out, "</tr>");
  }
  table_end(out);
  g_string_append(out, "</section>");
}

static gboolean
plots(GString *out, const PlotData *data, const char *templates, GError **error)
{
  static const char *const captions[PLOT_KIND_COUNT] = {
    "Availability against the instance count, with 95 % bars.",
    "Downtime (left axis) and instance-hours (right axis) against the instance count.",
    "One platform update minute by minute.",
    "How long outages last: the share of outages no longer than each duration.",
    "When in the week outages start, with the portal and RDS windows drawn.",
  };
  g_string_append(out, "<section id=\"plots\"><h2>Pictures</h2>");
  for (guint k = 0; k < PLOT_KIND_COUNT; k++) {
    g_autoptr(GError) why = NULL;
    if (!plot_applies(k, data, &why)) {
      g_string_append(out, "<p class=\"note\">No ");
      esc(out, plot_kind_name(k));
      g_string_append(out, " picture: ");
      esc(out, why->message);
      g_string_append(out, ".</p>");
      continue;
    }
    KindDraw kd = { data, k };
    g_autofree char *prefix = g_strdup_printf("p-%s", plot_kind_name(k));
    g_autofree char *svg = svg_via(draw_kind, &kd, templates, prefix, error);
    if (svg == NULL)
      return FALSE;
    figure(out, FIGURE_INLINE, svg, captions[k]);
  }
  g_string_append(out, "</section>");
  return TRUE;
}

static void
items_table(GString *out, const ExplainResult *r, const GPtrArray *items, const char *what)
{
  const char *heads[] = { what, "changes", run_metric_name(r->metric),
                          "change [95 % paired]", "instance-hours/year change" };
  table_head(out, heads, 5, 1u << 2 | 1u << 3 | 1u << 4);
  for (guint i = 0; i < items->len; i++) {
    const ExplainItem *item = g_ptr_array_index(items, i);
    g_string_append(out, "<tr>");
    cell(out, item->name, FALSE);
    cell_take(out, g_strjoinv(" ", item->overrides), FALSE);
    cell_take(out, explain_format_value(r->metric, item->value.mean), TRUE);
    cell_take(out, difference(r->metric, &item->metric), TRUE);
    cell_take(out, g_strdup_printf("%+.0f [%+.0f, %+.0f]", item->hours.diff, item->hours.lo,
                                   item->hours.hi), TRUE);
    g_string_append(out, "</tr>");
  }
  table_end(out);
}

static gboolean
explain_section(GString *out, const ExplainResult *r, gint64 id, FigureMode mode,
                const char *templates, GError **error)
{
  g_string_append_printf(out, "<section id=\"explain\"><h2>What each lever buys (explain %"
                              G_GINT64_FORMAT ")</h2>", id);
  g_string_append(out, "<p class=\"lead\">");
  esc(out, r->scenario);
  g_autofree char *base = interval(r->metric, &r->base);
  g_string_append_printf(out, ": %u instance%s, policy ", r->instances,
                         r->instances == 1 ? "" : "s");
  esc(out, r->policy);
  g_string_append(out, "; ");
  esc(out, run_metric_name(r->metric));
  g_string_append(out, " ");
  esc(out, base);
  g_string_append_printf(out, ". Every counterfactual ran the same %u replications with the "
                              "same seed, so each change has a paired 95 %% interval.</p>",
                         r->replications);
  if (r->levers->len > 0) {
    const ExplainItem *best = g_ptr_array_index(r->levers, 0);
    gboolean significant = best->gain > 0 && (best->metric.lo > 0 || best->metric.hi < 0);
    g_string_append(out, "<p class=\"verdict\">");
    if (significant) {
      g_autofree char *d = difference(r->metric, &best->metric);
      g_string_append(out, "Best lever: ");
      esc(out, best->name);
      g_string_append(out, " (");
      esc(out, d);
      g_string_append(out, ").");
    } else {
      g_string_append(out, "No lever makes a significant improvement.");
    }
    g_string_append(out, "</p>");
  }
  g_autofree char *svg = svg_via(draw_levers, r, templates, "p-levers", error);
  if (svg == NULL)
    return FALSE;
  figure(out, mode, svg, "Each lever's change against the scenario, with its paired 95 % interval.");
  g_string_append(out, "<h3>Levers</h3>");
  items_table(out, r, r->levers, "lever");
  g_string_append(out, "<h3>What each cause costs</h3><p class=\"note\">The scenario with "
                       "that cause switched off alone: not a lever, since nobody can switch "
                       "a cause off.</p>");
  items_table(out, r, r->causes, "cause");
  g_string_append(out, "</section>");
  return TRUE;
}

static gboolean
sensitivity_section(GString *out, const SensitivityResult *r, gint64 id, FigureMode mode,
                    const char *templates, GError **error)
{
  g_string_append_printf(out, "<section id=\"sensitivity\"><h2>Which assumptions matter "
                              "(sensitivity %" G_GINT64_FORMAT ")</h2>", id);
  g_string_append_printf(out, "<p class=\"lead\">Each uncertain input alone at either end of "
                              "its range, everything else at its value, %u replications with "
                              "the same seed at every end. Inputs: %s.</p>",
                         r->replications,
                         r->from_section ? "the scenario's [uncertain] section"
                                         : "every assumption zdsim help keys lists");
  g_autofree char *verdict = sensitivity_verdict(r);
  if (verdict != NULL) {
    g_string_append(out, "<p class=\"verdict\">");
    esc(out, verdict);
    g_string_append(out, ".</p>");
  }
  if (r->inputs->len > 0) {
    g_autofree char *svg = svg_via(draw_tornado, r, templates, "p-tornado", error);
    if (svg == NULL)
      return FALSE;
    figure(out, mode, svg, "Each input's change at the low and the high end of its range, with "
                     "paired 95 % intervals; the largest effect at the top.");
  }
  const char *heads[] = { "input", "range", "low end [95 % paired]",
                          "high end [95 % paired]", "significant" };
  table_head(out, heads, 5, 1u << 2 | 1u << 3);
  for (guint i = 0; i < r->inputs->len; i++) {
    const SensitivityInput *in = g_ptr_array_index(r->inputs, i);
    g_string_append(out, "<tr>");
    cell(out, in->key, FALSE);
    cell_take(out, g_strdup_printf("%s..%s", in->low, in->high), FALSE);
    cell_take(out, difference(r->metric, &in->low_diff), TRUE);
    cell_take(out, difference(r->metric, &in->high_diff), TRUE);
    cell(out, in->significant ? "yes" : "no", FALSE);
    g_string_append(out, "</tr>");
  }
  table_end(out);
  g_string_append(out, "</section>");
  return TRUE;
}

static void
scenario_section(GString *out, const Scenario *sc)
{
  g_string_append(out, "<section id=\"scenario\"><h2>The scenario, every key resolved</h2>"
                       "<p class=\"note\">Defaults included; zdsim validate prints the "
                       "same.</p><pre>");
  g_autofree char *text = scenario_to_string(sc);
  esc(out, text);
  g_string_append(out, "</pre></section>");
}

char *
report_html(Store *store, const ReportHtmlInput *in, const char *templates, GError **error)
{
  g_return_val_if_fail((in->run > 0) != (in->sweep > 0), NULL);
  g_autoptr(StoreRun) run = NULL;
  g_autoptr(StoreSweepInfo) sweep = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(PlotData) data = NULL;
  if (in->run > 0) {
    run = store_load_run(store, in->run, error);
    if (run == NULL)
      return NULL;
    data = plot_data_new(run->scenario->name, run->scenario->description, FALSE);
    plot_data_add(data, plot_run_new_from_result(run->result, NULL));
  } else {
    sweep = store_load_sweep(store, in->sweep, error);
    if (sweep == NULL)
      return NULL;
    runs = store_list_runs(store, in->sweep, NULL, 0, error);
    if (runs == NULL)
      return NULL;
    if (runs->len == 0) {
      g_set_error(error, STORE_ERROR, STORE_ERROR_NOT_FOUND, "sweep %" G_GINT64_FORMAT
                  " has no runs", in->sweep);
      return NULL;
    }
    const StoreRunInfo *first = g_ptr_array_index(runs, 0);
    run = store_load_run(store, first->id, error);
    if (run == NULL)
      return NULL;
    data = plot_data_load_sweep(store, sweep, runs, error);
    if (data == NULL)
      return NULL;
  }
  g_autoptr(ExplainResult) explain = NULL;
  if (in->explain > 0) {
    g_autoptr(StoreAnalysis) a = store_load_analysis(store, STORE_ANALYSIS_EXPLAIN, in->explain,
                                                     error);
    if (a == NULL || (explain = explain_from_json(a->result, error)) == NULL)
      return NULL;
  }
  g_autoptr(SensitivityResult) sens = NULL;
  if (in->sensitivity > 0) {
    g_autoptr(StoreAnalysis) a = store_load_analysis(store, STORE_ANALYSIS_SENSITIVITY,
                                                     in->sensitivity, error);
    if (a == NULL || (sens = sensitivity_from_json(a->result, error)) == NULL)
      return NULL;
  }

  const Scenario *sc = run->scenario;
  g_autoptr(GString) out = g_string_new(NULL);
  g_string_append(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                       "<meta name=\"viewport\" content=\"width=device-width, "
                       "initial-scale=1\"><title>zdsim report: ");
  esc(out, sc->name);
  g_string_append_printf(out, "</title><style>%s</style></head><body><main>", css);
  g_string_append(out, "<header><h1>");
  esc(out, sc->name);
  g_string_append(out, "</h1>");
  if (sc->description != NULL && sc->description[0] != '\0') {
    g_string_append(out, "<p class=\"lead\">");
    esc(out, sc->description);
    g_string_append(out, "</p>");
  }
  g_string_append(out, "<p class=\"note\">");
  if (sweep != NULL) {
    g_autofree char *axes = sweep_axes_text(sweep->axes, " × ");
    g_string_append_printf(out, "Sweep %" G_GINT64_FORMAT " (", sweep->id);
    esc(out, axes);
    g_string_append(out, ")");
  } else {
    g_string_append_printf(out, "Run %" G_GINT64_FORMAT, in->run);
  }
  g_string_append_printf(out, ": %u replications, seed %" G_GUINT64_FORMAT ", policy ",
                         run->result->replications, sc->seed);
  esc(out, sc->evacuation);
  g_string_append(out, ". Written by zdsim ");
  esc(out, ZDSIM_VERSION);
  g_string_append(out, ".</p></header><nav><a href=\"#headline\">Figures</a>"
                       "<a href=\"#causes\">Causes</a><a href=\"#plots\">Pictures</a>");
  if (explain != NULL)
    g_string_append(out, "<a href=\"#explain\">Levers</a>");
  if (sens != NULL)
    g_string_append(out, "<a href=\"#sensitivity\">Assumptions</a>");
  g_string_append(out, "<a href=\"#scenario\">Scenario</a></nav>");

  if (sweep != NULL)
    headline_sweep(out, runs);
  else
    headline_run(out, run->result);
  if (explain != NULL && !explain_section(out, explain, in->explain, FIGURE_INLINE, templates, error))
    return NULL;
  if (sens != NULL && !sensitivity_section(out, sens, in->sensitivity, FIGURE_INLINE, templates,
                                         error))
    return NULL;
  if (!plots(out, data, templates, error))
    return NULL;
  scenario_section(out, sc);
  g_string_append(out, "</main></body></html>\n");
  return g_string_free(g_steal_pointer(&out), FALSE);
}

char *
report_html_explain_fragment(const ExplainResult *result, gint64 id, const char *templates,
                             GError **error)
{
  g_autoptr(GString) out = g_string_new(NULL);
  gboolean ok = explain_section(out, result, id, FIGURE_IMG, templates, error);
  return ok ? g_string_free(g_steal_pointer(&out), FALSE) : NULL;
}

char *
report_html_sensitivity_fragment(const SensitivityResult *result, gint64 id,
                                 const char *templates, GError **error)
{
  g_autoptr(GString) out = g_string_new(NULL);
  gboolean ok = sensitivity_section(out, result, id, FIGURE_IMG, templates, error);
  return ok ? g_string_free(g_steal_pointer(&out), FALSE) : NULL;
}
