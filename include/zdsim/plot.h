/* plot.h: pictures of runs and sweeps, drawn by gnuplot (README, Pictures).
 *
 * The module takes plain data in memory (PlotRun, PlotData), picks the template of a kind from
 * plots/<kind>.gp, and starts gnuplot as a child process: it writes the terminal, the
 * variables (every piece of text from a scenario file escaped into a gnuplot string literal),
 * the data as inline data blocks ($name << EOD) and then the template to gnuplot's standard
 * input, reads its standard error and checks its exit status. Not for the database (store.h),
 * which it only reads to turn a stored sweep into plot data (plot_data_load_sweep()), or for
 * the command line (cli_plot.c).
 *
 * Kinds:
 *   availability  availability vs instance count with 95 % bars, a line per series (sweep);
 *   cost          downtime per year and instance-hours per year vs instance count (sweep);
 *   timeline      serving and starting instances and database up/down across one platform
 *                 update, the 1- and 2-instance runs side by side (a sweep, or two runs);
 *   outages       distribution (CDF) of outage durations, per series or per cause;
 *   heatmap       downtime minutes by hour of the week (UTC), or business-hours downtime with
 *                 --metric business_hours_*, with the portal and RDS windows and the
 *                 business hours drawn.
 * A series is a group of runs that differ only in app.instances: the sweep points with the
 * same values of every other swept key, or for plain runs the runs with the same policy. */
#pragma once

#include <glib.h>

#include "zdsim/model.h"
#include "zdsim/run.h"
#include "zdsim/stats.h"
#include "zdsim/store.h"

G_BEGIN_DECLS

#define PLOT_ERROR (plot_error_quark())
GQuark plot_error_quark(void);

typedef enum {
  PLOT_ERROR_NO_GNUPLOT, /* gnuplot cannot be found on PATH or started */
  PLOT_ERROR_GNUPLOT,    /* gnuplot failed: the message holds its own error lines */
  PLOT_ERROR_TEMPLATE,   /* plots/<kind>.gp cannot be found or read */
  PLOT_ERROR_NOT_APPLICABLE, /* the data cannot make this kind (e.g. no instance counts to
                                compare); the message says what is needed */
  PLOT_ERROR_USAGE,      /* unknown kind or file type */
  PLOT_ERROR_TIMEOUT,    /* gnuplot did not finish within the time limit and was killed */
  PLOT_ERROR_OUTPUT,     /* gnuplot exited 0 but the picture is missing, empty or not a PNG
                            or SVG (a full disk, a broken gnuplot): the message names the file
                            and what is wrong */
} PlotError;

/* gnuplot's time limit for one picture when PlotOptions.timeout_s is 0 (README, Bad input,
 * interruptions and limits: a hung gnuplot is "killed after `--plot-timeout` seconds (default
 * 60)"). */
#define PLOT_DEFAULT_TIMEOUT_S 60

typedef enum {
  PLOT_AVAILABILITY,
  PLOT_COST,
  PLOT_TIMELINE,
  PLOT_OUTAGES,
  PLOT_HEATMAP,
  PLOT_KIND_COUNT
} PlotKind;

/* "availability", "cost", "timeline", "outages", "heatmap" (also the template's file name). */
const char *plot_kind_name(PlotKind kind);
/* The kind called @name, or -1. */
int plot_kind_lookup(const char *name);
/* The kind names, separated by '|', for messages ("availability|cost|..."). Static string. */
const char *plot_kind_names(void);

typedef enum {
  PLOT_FORMAT_PNG,  /* pngcairo */
  PLOT_FORMAT_SVG,  /* svg */
  PLOT_FORMAT_TEXT, /* dumb: a text plot */
} PlotFormat;

/* The format a file name asks for: ".png" or ".svg" (any case). FALSE with @error
 * (PLOT_ERROR_USAGE) for anything else. */
gboolean plot_format_for_path(const char *path, PlotFormat *format, GError **error);

/* A span of the week in hours after Monday 00:00 UTC, 0 <= from < to <= 168 (a window that
 * wraps past Sunday midnight is two spans). */
typedef struct {
  double from_h, to_h;
} PlotSpan;

/* One run as the plots see it. Everything is owned by the PlotRun (free with plot_run_free);
 * arrays may be shared by reference with a RunResult. */
typedef struct {
  char *scenario;            /* scenario.name */
  char *description;         /* scenario.description, may be empty */
  char *policy;              /* policy.evacuation */
  guint instances;           /* app.instances */
  guint replications;
  gint64 horizon;            /* µs per replication */
  GDateTime *start;          /* calendar instant of time 0 */
  char **swept;              /* this run's "section.key=value" in its sweep, NULL-terminated;
                                NULL for a run outside a sweep */
  StatsSummary summary[RUN_METRIC_COUNT];
  StatsSummary cause_summary[CAUSE_COUNT];
  GPtrArray *outages;        /* of GArray of ModelInterval, one per replication (may be
                                empty when outages were not kept) */
  GArray *timeline;          /* ModelSample of replication 0, or NULL */
  GArray *updates_spans;     /* ModelInterval: replication 0's platform updates, or NULL */
  GArray *portal_window;     /* PlotSpan: the portal maintenance window */
  GArray *db_window;         /* PlotSpan: the RDS window (inside the portal window when
                                database.align_to_portal) */
  char *portal_text;         /* the windows as text for legends: "sun 01:00-04:00 UTC" */
  char *db_text;
  GArray *business_window;   /* PlotSpan: traffic.business_hours of the run's first week, in
                                UTC (a daylight-saving change later moves it by an hour) */
  GArray *business_hours;    /* CalendarInterval: business hours in simulation time over the
                                horizon, for the heatmap's business-hours weighting */
  char *business_text;       /* "mon-fri 08:00-18:00 Europe/Amsterdam" */
} PlotRun;

/* An empty run; the caller fills it (a loader from the database). Returns: (transfer full). */
PlotRun *plot_run_new(void);

/* A run from @result and its scenario (result->scenario must be set): copies the figures,
 * references the outages, timeline and update spans, and expands the scenario's portal and
 * RDS windows into hour-of-week spans. @swept (may be NULL) is copied.
 * Returns: (transfer full). */
PlotRun *plot_run_new_from_result(const RunResult *result, const char *const *swept);

/* Sets the portal and RDS windows and the business hours of @run from @scenario (what
 * plot_run_new_from_result does for its windows), for loaders that have a scenario but no
 * RunResult. */
void plot_run_set_windows(PlotRun *run, const Scenario *scenario);

void plot_run_free(PlotRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PlotRun, plot_run_free)

/* What one picture is drawn from: one run, a sweep's points, or several runs. */
typedef struct {
  char *name;                /* the sweep's or the run's scenario name, for titles */
  char *description;         /* may be empty */
  gboolean sweep;            /* the points are one sweep's */
  GPtrArray *runs;           /* of PlotRun*, owned */
} PlotData;

/* An empty set named @name (may be NULL: the first run's scenario name is used).
 * Returns: (transfer full). */
PlotData *plot_data_new(const char *name, const char *description, gboolean sweep);
/* Appends @run; @data takes it over. */
void plot_data_add(PlotData *data, PlotRun *run);
void plot_data_free(PlotData *data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PlotData, plot_data_free)

/* The plot data of a stored sweep, as `zdsim plot --sweep` and the dashboard draw it: @sweep
 * (store_load_sweep()) and its @runs (StoreRunInfo*, store_list_runs() of the sweep, in point
 * order), each loaded from @store with its point. Named after the sweep's scenario and
 * described as the first run with a description. Returns: (transfer full) or NULL with
 * @error (STORE_ERROR) when a run cannot be loaded. */
PlotData *plot_data_load_sweep(Store *store, const StoreSweepInfo *sweep, const GPtrArray *runs,
                               GError **error);

/* Whether @kind can be drawn from @data; when not, FALSE with @error
 * (PLOT_ERROR_NOT_APPLICABLE) saying what the kind needs. availability and cost need at least
 * two instance counts, timeline a run with a timeline (two with 1 and 2 instances for the side
 * by side picture), outages at least one outage, heatmap at least one outage start. */
gboolean plot_applies(PlotKind kind, const PlotData *data, GError **error);

typedef struct {
  PlotKind kind;
  PlotFormat format;
  const char *output;        /* the file to write (PNG or SVG); ignored for PLOT_FORMAT_TEXT */
  const char *templates;     /* the directory of the .gp files; NULL = plot_templates_dir() */
  guint width, height;       /* pixels (characters for text); 0 = the kind's default */
  const char *metric;        /* the metric drawn, by a name recommend_parse_metric() reads;
                                NULL = the kind's own: availability draws an availability
                                (default "availability"), cost a downtime (default
                                "downtime_per_year_s"), heatmap all downtime or, with a
                                business_hours_* metric, business-hours downtime; the other
                                kinds take none */
  guint timeout_s;           /* gnuplot is killed after this many seconds (PLOT_ERROR_TIMEOUT);
                                0 = PLOT_DEFAULT_TIMEOUT_S */
} PlotOptions;

/* Hours in a week: the heatmap's cells, Monday 00-01 UTC first. */
#define PLOT_HOURS_PER_WEEK (7 * 24)

/* The heatmap's weighting: adds to @minutes the minutes of each of @outages (ModelInterval,
 * µs of simulation time) that fall in each hour of the week, times @weight; time 0 lies
 * @week_offset µs after Monday 00:00 UTC of its week. With @inside (CalendarInterval, sorted,
 * may be NULL) only the minutes inside those intervals count (business hours). An outage from
 * Monday 09:30 to 10:15 UTC adds 30 to minutes[9] and 15 to minutes[10]. */
void plot_heatmap_add(double minutes[PLOT_HOURS_PER_WEEK], const GArray *outages,
                      gint64 week_offset, const GArray *inside, double weight);

/* Draws @data as @options asks. For PLOT_FORMAT_TEXT, *text (may be NULL otherwise) receives
 * the text plot (transfer full). Returns FALSE with @error when the kind does not apply,
 * the template is missing, gnuplot is not on PATH (PLOT_ERROR_NO_GNUPLOT: "gnuplot not found
 * on PATH: install gnuplot-nox (make deps)"), gnuplot fails (PLOT_ERROR_GNUPLOT, with
 * gnuplot's own error lines), takes longer than options->timeout_s (PLOT_ERROR_TIMEOUT; the
 * child is killed and reaped before this returns) or exits 0 without writing a picture
 * (PLOT_ERROR_OUTPUT: the output is checked to exist, to be a non-empty regular file and to
 * start as a PNG or SVG does; a file already there is removed first, so it cannot pass for
 * the new picture). A failed picture may leave a partial output file behind.
 * Blocks for as long as gnuplot runs: the dashboard calls plot_render_script() from a worker
 * thread instead (serve.c). */
gboolean plot_render(const PlotData *data, const PlotOptions *options, char **text,
                     GError **error);

/* Runs gnuplot on @script (plot_script()'s text for @options) and checks its output as
 * plot_render() does; touches no PlotData, so it may run in any thread while the caller's
 * thread goes on. Returns FALSE with @error as plot_render(). */
gboolean plot_render_script(const char *script, const PlotOptions *options, char **text,
                            GError **error);

/* Checks that @path holds a whole picture of @format (PLOT_FORMAT_PNG or PLOT_FORMAT_SVG): a
 * regular, non-empty file that starts with the PNG signature and ends with the IEND chunk,
 * or holds "<svg" in its first 4 KiB and "</svg>" in its last. Returns FALSE with @error (PLOT_ERROR_OUTPUT) naming the file and what is
 * wrong. */
gboolean plot_check_output(const char *path, PlotFormat format, GError **error);

/* The gnuplot script plot_render() would write to gnuplot, for tests and debugging.
 * Returns: (transfer full) or NULL with @error as plot_render(). */
char *plot_script(const PlotData *data, const PlotOptions *options, GError **error);

/* The directory of the templates: $ZDSIM_PLOTS when set, else the first directory holding
 * availability.gp of: ../share/zdsim/plots relative to the running binary's directory (an
 * installed zdsim, whatever its prefix), a "plots" directory beside the binary or up to three
 * levels above it (build/zdsim and build/tests/... run from a checkout), the data directory
 * compiled in as ZDSIM_DATADIR (PREFIX/share/zdsim) + "/plots", and ./plots.
 * Returns: (transfer full) or NULL with @error (PLOT_ERROR_TEMPLATE). */
char *plot_templates_dir(GError **error);

/* @text made safe as the inside of a gnuplot double-quoted string: invalid UTF-8 repaired,
 * line breaks and tabs turned into spaces, other control characters dropped, '"' and '\'
 * escaped, and '`' (command substitution, which gnuplot performs even inside double quotes),
 * '@' (macros) and '$' (data blocks) written as octal escapes; cut to @max_chars characters with "..." when
 * longer (0 = no limit). Returns: (transfer full). */
char *plot_escape(const char *text, gsize max_chars);

/* ---- bar charts of decisions (zdsim explain: levers; zdsim sensitivity: tornado) ---- */

/* One bar: a value with its 95 % interval; @has_second adds a second bar beside it (the
 * tornado's high end beside its low end). */
typedef struct {
  char *label;               /* for the axis; escaped before it reaches gnuplot */
  double value, lo, hi;
  double value2, lo2, hi2;
} PlotBar;

/* A horizontal bar chart with interval whiskers, the first bar at the top. */
typedef struct {
  const char *kind;          /* the template: "levers" (plots/levers.gp) or "tornado" */
  const char *title;         /* escaped before it reaches gnuplot */
  const char *subtitle;
  const char *xlabel;
  const char *legend1, *legend2; /* the series' names; legend2 NULL for one series */
  GArray *bars;              /* PlotBar; the caller owns the labels */
} PlotBars;

/* The gnuplot script for @bars in @format to @output (ignored for PLOT_FORMAT_TEXT), from
 * @templates (NULL = plot_templates_dir()). Returns: (transfer full) or NULL with @error
 * (PLOT_ERROR_TEMPLATE, PLOT_ERROR_USAGE, PLOT_ERROR_NOT_APPLICABLE when there are no bars). */
char *plot_bars_script(const PlotBars *bars, PlotFormat format, const char *output,
                       const char *templates, GError **error);
/* Draws @bars as plot_render() draws a kind; *@text receives a text plot. */
gboolean plot_bars_render(const PlotBars *bars, PlotFormat format, const char *output,
                          const char *templates, char **text, GError **error);

G_END_DECLS
