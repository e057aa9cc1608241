/* report_html.h: `zdsim report`: one self-contained HTML file to hand to a manager: the
 * scenario and its resolved keys, the headline metrics with their 95 % intervals, downtime by
 * cause, the plots, and stored explain and sensitivity results. Inline CSS and inline SVG
 * (gnuplot's svg terminal, stripped of its prolog and external references), no script, no
 * reference outside the file (only "#..." anchors and data: URIs, which hold their content); it prints to PDF from a browser and reads
 * on a phone (viewport, a bounded width, tables that scroll sideways). Not for the text
 * report (report.h) or the dashboard (serve_html.c). */
#pragma once

#include <glib.h>

#include "zdsim/explain.h"
#include "zdsim/sensitivity.h"
#include "zdsim/store.h"

G_BEGIN_DECLS

/* What goes into a report: a run or a sweep (exactly one > 0), and optionally an explain and a
 * sensitivity result (> 0 when wanted), all ids of @store. */
typedef struct {
  gint64 run;
  gint64 sweep;
  gint64 explain;
  gint64 sensitivity;
} ReportHtmlInput;

/* The report. Plots that do not apply are left out with a sentence saying why; gnuplot
 * missing or failing is an error. @templates: the plot templates' directory (NULL:
 * plot_templates_dir()). Returns: (transfer full) the HTML, or NULL with @error (STORE_ERROR
 * for an unknown id, EXPLAIN_ERROR for a stored result that does not read, PLOT_ERROR). */
char *report_html(Store *store, const ReportHtmlInput *input, const char *templates,
                  GError **error);

/* @svg (gnuplot's svg output) made fit to sit inside an HTML page: the XML prolog and DOCTYPE
 * removed, fixed width and height replaced by a width of 100 % (the viewBox keeps the
 * shape), every id and internal reference prefixed with @prefix so that several pictures
 * never share an id, fonts set to CSS generic families, and any attribute that points outside
 * the file (an href or src that is neither a "#..." anchor nor a data: URI) removed. Returns: (transfer full). */
char *report_html_inline_svg(const char *svg, const char *prefix);

/* The report's section on explain result @id (or sensitivity result @id) as an HTML fragment
 * for the dashboard: the same tables, the picture as an <img> data URI (the dashboard's
 * Content-Security-Policy allows images from data: but no inline styles).
 * Returns: (transfer full) or NULL with @error (PLOT_ERROR). */
char *report_html_explain_fragment(const ExplainResult *result, gint64 id,
                                   const char *templates, GError **error);
char *report_html_sensitivity_fragment(const SensitivityResult *result, gint64 id,
                                       const char *templates, GError **error);

G_END_DECLS
