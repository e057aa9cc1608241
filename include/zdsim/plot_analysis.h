/* plot_analysis.h: the pictures of zdsim explain (kind "levers": what each lever buys, a bar
 * with its paired 95 % interval) and zdsim sensitivity (kind "tornado": each input's change at
 * either end of its range), drawn through plot.h's bar charts. Not for drawing runs or sweeps
 * (plot.h) or computing the results (explain.h, sensitivity.h). */
#pragma once

#include <glib.h>

#include "zdsim/explain.h"
#include "zdsim/plot.h"
#include "zdsim/sensitivity.h"

G_BEGIN_DECLS

/* The levers of @result as bars, in @format to @output (ignored for text; *@text receives a
 * text plot), templates from @templates (NULL: plot_templates_dir()). Returns: FALSE with
 * @error as plot_bars_render(). */
gboolean plot_levers_render(const ExplainResult *result, PlotFormat format, const char *output,
                            const char *templates, char **text, GError **error);
/* The script only, for tests. Returns: (transfer full) or NULL with @error. */
char *plot_levers_script(const ExplainResult *result, PlotFormat format, const char *output,
                         const char *templates, GError **error);

/* The inputs of @result as a tornado; as plot_levers_render(). */
gboolean plot_tornado_render(const SensitivityResult *result, PlotFormat format,
                             const char *output, const char *templates, char **text,
                             GError **error);
char *plot_tornado_script(const SensitivityResult *result, PlotFormat format,
                          const char *output, const char *templates, GError **error);

G_END_DECLS
