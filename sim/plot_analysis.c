/* plot_analysis.c: explain's levers and sensitivity's tornado as bar charts (plot.h). Not for
 * running gnuplot (plot.c) or computing the results (explain.c, sensitivity.c). */
#include "zdsim/plot_analysis.h"

/* A difference of @metric in the unit the axis shows: percentage points for availabilities,
 * minutes for times, the metric's own unit otherwise. */
static double
axis_value(RunMetric metric, double diff)
{
  if (metric <= RUN_REPORTED_AVAILABILITY)
    return 100.0 * diff;
  if (g_str_has_suffix(run_metric_name(metric), "_s"))
    return diff / 60.0;
  return diff;
}

static char *
axis_label(RunMetric metric, const char *what)
{
  const char *unit = metric <= RUN_REPORTED_AVAILABILITY ? "percentage points"
                     : g_str_has_suffix(run_metric_name(metric), "_s") ? "minutes"
                                                                        : "its unit";
  return g_strdup_printf("%s in %s (%s)", what, run_metric_name(metric), unit);
}

static void
clear_bars(GArray *bars)
{
  for (guint i = 0; i < bars->len; i++)
    g_free(g_array_index(bars, PlotBar, i).label);
  g_array_unref(bars);
}


static GArray *
levers_bars(const ExplainResult *r)
{
  GArray *bars = g_array_new(FALSE, TRUE, sizeof(PlotBar));
  for (guint i = 0; i < r->levers->len; i++) {
    const ExplainItem *item = g_ptr_array_index(r->levers, i);
    PlotBar b = {
      .label = g_strdup(item->name),
      .value = axis_value(r->metric, item->metric.diff),
      .lo = axis_value(r->metric, item->metric.lo),
      .hi = axis_value(r->metric, item->metric.hi),
    };
    g_array_append_val(bars, b);
  }
  return bars;
}

static char *
levers(const ExplainResult *r, PlotFormat format, const char *output, const char *templates,
       gboolean render, char **text, GError **error)
{
  GArray *bars = levers_bars(r);
  g_autofree char *title = g_strdup_printf("What each lever buys: %s", r->scenario);
  g_autofree char *subtitle = g_strdup_printf(
      "%u instance%s, %s; %u replications, common random numbers", r->instances,
      r->instances == 1 ? "" : "s", r->policy, r->replications);
  g_autofree char *xlabel = axis_label(r->metric, "change");
  PlotBars pb = { .kind = "levers", .title = title, .subtitle = subtitle, .xlabel = xlabel,
                  .legend1 = "change (mean)", .bars = bars };
  char *out = !render ? plot_bars_script(&pb, format, output, templates, error)
              : plot_bars_render(&pb, format, output, templates, text, error) ? g_strdup("")
                                                                               : NULL;
  clear_bars(bars);
  return out;
}

char *
plot_levers_script(const ExplainResult *r, PlotFormat format, const char *output,
                   const char *templates, GError **error)
{
  return levers(r, format, output, templates, FALSE, NULL, error);
}

gboolean
plot_levers_render(const ExplainResult *r, PlotFormat format, const char *output,
                   const char *templates, char **text, GError **error)
{
  g_autofree char *done = levers(r, format, output, templates, TRUE, text, error);
  return done != NULL;
}

static char *
tornado(const SensitivityResult *r, PlotFormat format, const char *output,
        const char *templates, gboolean render, char **text, GError **error)
{
  GArray *bars = g_array_new(FALSE, TRUE, sizeof(PlotBar));
  for (guint i = 0; i < r->inputs->len; i++) {
    const SensitivityInput *in = g_ptr_array_index(r->inputs, i);
    PlotBar b = {
      .label = g_strdup_printf("%s (%s..%s)", in->key, in->low, in->high),
      .value = axis_value(r->metric, in->low_diff.diff),
      .lo = axis_value(r->metric, in->low_diff.lo),
      .hi = axis_value(r->metric, in->low_diff.hi),
      .value2 = axis_value(r->metric, in->high_diff.diff),
      .lo2 = axis_value(r->metric, in->high_diff.lo),
      .hi2 = axis_value(r->metric, in->high_diff.hi),
    };
    g_array_append_val(bars, b);
  }
  g_autofree char *title = g_strdup_printf("Which uncertain inputs matter: %s", r->scenario);
  g_autofree char *subtitle = g_strdup_printf(
      "each input alone at either end of its range; %u replications", r->replications);
  g_autofree char *xlabel = axis_label(r->metric, "change");
  PlotBars pb = { .kind = "tornado", .title = title, .subtitle = subtitle, .xlabel = xlabel,
                  .legend1 = "low end", .legend2 = "high end", .bars = bars };
  char *out = !render ? plot_bars_script(&pb, format, output, templates, error)
              : plot_bars_render(&pb, format, output, templates, text, error) ? g_strdup("")
                                                                               : NULL;
  clear_bars(bars);
  return out;
}

char *
plot_tornado_script(const SensitivityResult *r, PlotFormat format, const char *output,
                    const char *templates, GError **error)
{
  return tornado(r, format, output, templates, FALSE, NULL, error);
}

gboolean
plot_tornado_render(const SensitivityResult *r, PlotFormat format, const char *output,
                    const char *templates, char **text, GError **error)
{
  g_autofree char *done = tornado(r, format, output, templates, TRUE, text, error);
  return done != NULL;
}
