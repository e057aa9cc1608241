/* plot.c: pictures of runs and sweeps through gnuplot: the data of each kind as inline data
 * blocks, the template of plots/<kind>.gp, and gnuplot as a child process fed on its standard
 * input. Not for the database (store.c), which it only reads to turn a stored sweep into
 * plot data, or for the command line (cli_plot.c).
 *
 * Safety of text: every piece of text from a scenario file reaches gnuplot only inside a
 * double-quoted string literal assigned to a variable, escaped by plot_escape(); data blocks
 * hold numbers only, so no text can end a data block or a string and start a command. The
 * terminals run in noenhanced mode, so '_', '^', '@', '&' and braces in names are shown as
 * written instead of being read as enhanced-text markup. */
#include "zdsim/plot.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zdsim/recommend.h"
#include "zdsim/units.h"

G_DEFINE_QUARK(zdsim-plot-error-quark, plot_error)

static const char *const kind_names[PLOT_KIND_COUNT] = {
  [PLOT_AVAILABILITY] = "availability",
  [PLOT_COST] = "cost",
  [PLOT_TIMELINE] = "timeline",
  [PLOT_OUTAGES] = "outages",
  [PLOT_HEATMAP] = "heatmap",
};

/* Default sizes in pixels (characters for the text terminal). */
static const struct {
  guint width, height;
} kind_sizes[PLOT_KIND_COUNT] = {
  [PLOT_AVAILABILITY] = { 1000, 650 },
  [PLOT_COST] = { 1000, 650 },
  [PLOT_TIMELINE] = { 1400, 720 },
  [PLOT_OUTAGES] = { 1000, 650 },
  [PLOT_HEATMAP] = { 1100, 560 },
};

/* Line colours, distinct for most kinds of colour blindness (Okabe and Ito's palette). */
static const char *const palette[] = {
  "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
};

/* Longest user text shown in a title or legend, in characters. */
enum { NAME_MAX_CHARS = 60, DESCRIPTION_MAX_CHARS = 110, LABEL_MAX_CHARS = 60 };

#define WEEK_US ((gint64) 7 * 24 * 3600 * G_USEC_PER_SEC)
#define HOUR_US ((gint64) 3600 * G_USEC_PER_SEC)
#define MINUTE_US ((gint64) 60 * G_USEC_PER_SEC)

/* Timeline: an outage this long or longer is visible in a picture of a platform update; the
 * window shown starts this long before the update and ends this long after it. */
#define VISIBLE_OUTAGE_US ((gint64) 5 * G_USEC_PER_SEC)
#define TIMELINE_PAD_US ((gint64) 3 * MINUTE_US)


/* A line of the outage CDF is cut to about this many points (quantiles), which keeps SVG
 * files small without a visible change. */
enum { CDF_MAX_POINTS = 400 };

const char *
plot_kind_name(PlotKind kind)
{
  g_assert(kind < PLOT_KIND_COUNT);
  return kind_names[kind];
}

int
plot_kind_lookup(const char *name)
{
  for (int k = 0; k < PLOT_KIND_COUNT; k++)
    if (g_str_equal(kind_names[k], name))
      return k;
  return -1;
}

const char *
plot_kind_names(void)
{
  return "availability|cost|timeline|outages|heatmap";
}

gboolean
plot_format_for_path(const char *path, PlotFormat *format, GError **error)
{
  g_autofree char *lower = g_ascii_strdown(path, -1);
  if (g_str_has_suffix(lower, ".png")) {
    *format = PLOT_FORMAT_PNG;
    return TRUE;
  }
  if (g_str_has_suffix(lower, ".svg")) {
    *format = PLOT_FORMAT_SVG;
    return TRUE;
  }
  g_set_error(error, PLOT_ERROR, PLOT_ERROR_USAGE,
              "cannot tell the picture format of '%s': name the file .png or .svg", path);
  return FALSE;
}

/* ---- text ---- */

char *
plot_escape(const char *text, gsize max_chars)
{
  g_autofree char *valid = g_utf8_make_valid(text != NULL ? text : "", -1);
  GString *out = g_string_new(NULL);
  gsize chars = 0;
  gboolean cut = FALSE;
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (max_chars > 0 && chars >= max_chars) {
      cut = TRUE;
      break;
    }
    chars++;
    if (c == '\n' || c == '\r' || c == '\t' || c == 0x2028 || c == 0x2029) {
      g_string_append_c(out, ' ');
    } else if (g_unichar_iscntrl(c) || c == 0xFEFF) {
      chars--;
    } else if (c == '"' || c == '\\') {
      g_string_append_c(out, '\\');
      g_string_append_c(out, (char) c);
    } else if (c == '`') {
      /* gnuplot substitutes `command` even inside double quotes: never let one through. */
      g_string_append(out, "\\140");
    } else if (c == '@') {
      /* '@name' is a macro outside quotes; escaped too so no reading of the line can
       * expand it. */
      g_string_append(out, "\\100");
    } else if (c == '$') {
      /* '$name' is a data block outside quotes: escaped on the same principle. */
      g_string_append(out, "\\044");
    } else {
      g_string_append_unichar(out, c);
    }
  }
  if (cut)
    g_string_append(out, "...");
  return g_string_free(out, FALSE);
}

/* NAME = "text" */
static void
put_text(GString *s, const char *name, const char *text, gsize max_chars)
{
  g_autofree char *esc = plot_escape(text, max_chars);
  g_string_append_printf(s, "%s = \"%s\"\n", name, esc);
}

static void
append_number(GString *s, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  /* Data blocks must never hold text: anything not finite becomes 0. */
  if (!isfinite(v))
    v = 0;
  g_string_append(s, g_ascii_formatd(buf, sizeof buf, "%.10g", v));
}

/* NAME = number */
static void
put_number(GString *s, const char *name, double v)
{
  g_string_append_printf(s, "%s = ", name);
  append_number(s, v);
  g_string_append_c(s, '\n');
}

/* array NAME[n] with text elements (gnuplot arrays start at 1 and cannot be empty). */
static void
put_text_array(GString *s, const char *name, GPtrArray *texts, gsize max_chars)
{
  g_string_append_printf(s, "array %s[%u]\n", name, MAX(texts->len, 1u));
  for (guint i = 0; i < texts->len; i++) {
    g_autofree char *esc = plot_escape(g_ptr_array_index(texts, i), max_chars);
    g_string_append_printf(s, "%s[%u] = \"%s\"\n", name, i + 1, esc);
  }
}

static void
put_number_array(GString *s, const char *name, GArray *values)
{
  g_string_append_printf(s, "array %s[%u]\n", name, MAX(values->len, 1u));
  for (guint i = 0; i < values->len; i++) {
    g_string_append_printf(s, "%s[%u] = ", name, i + 1);
    append_number(s, g_array_index(values, double, i));
    g_string_append_c(s, '\n');
  }
}

/* A data block row of @n numbers. */
static void
put_row(GString *s, guint n, const double *v)
{
  for (guint i = 0; i < n; i++) {
    if (i > 0)
      g_string_append_c(s, ' ');
    append_number(s, v[i]);
  }
  g_string_append_c(s, '\n');
}

static void
block_begin(GString *s, const char *name)
{
  g_string_append_printf(s, "$%s << EOD\n", name);
}

static void
block_end(GString *s)
{
  g_string_append(s, "EOD\n");
}

/* Blocks within a data block are told apart by two blank lines (gnuplot's "index"). */
static void
block_next_index(GString *s)
{
  g_string_append(s, "\n\n");
}

/* "45 s", "3.5 min", "2.0 h" */
static char *
format_duration_s(double s)
{
  if (s < 10)
    return g_strdup_printf("%.1f s", s);
  if (s < 100)
    return g_strdup_printf("%.0f s", s);
  if (s < 7200)
    return g_strdup_printf("%.1f min", s / 60);
  return g_strdup_printf("%.1f h", s / 3600);
}

/* ---- runs and data ---- */

PlotRun *
plot_run_new(void)
{
  PlotRun *run = g_new0(PlotRun, 1);
  run->scenario = g_strdup("");
  run->description = g_strdup("");
  run->policy = g_strdup("");
  run->outages = g_ptr_array_new_with_free_func((GDestroyNotify) g_array_unref);
  run->portal_window = g_array_new(FALSE, FALSE, sizeof(PlotSpan));
  run->db_window = g_array_new(FALSE, FALSE, sizeof(PlotSpan));
  run->portal_text = g_strdup("");
  run->db_text = g_strdup("");
  run->business_window = g_array_new(FALSE, FALSE, sizeof(PlotSpan));
  run->business_hours = g_array_new(FALSE, FALSE, sizeof(CalendarInterval));
  run->business_text = g_strdup("");
  return run;
}

void
plot_run_free(PlotRun *run)
{
  if (run == NULL)
    return;
  g_free(run->scenario);
  g_free(run->description);
  g_free(run->policy);
  if (run->start != NULL)
    g_date_time_unref(run->start);
  g_strfreev(run->swept);
  g_ptr_array_unref(run->outages);
  if (run->timeline != NULL)
    g_array_unref(run->timeline);
  if (run->updates_spans != NULL)
    g_array_unref(run->updates_spans);
  g_array_unref(run->portal_window);
  g_array_unref(run->db_window);
  g_array_unref(run->business_window);
  g_array_unref(run->business_hours);
  g_free(run->business_text);
  g_free(run->portal_text);
  g_free(run->db_text);
  g_free(run);
}

/* Microseconds from Monday 00:00 UTC of its week to @t. */
static gint64
week_offset_us(GDateTime *t)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc(t);
  gint64 days = g_date_time_get_day_of_week(utc) - 1; /* 1 = Monday */
  gint64 minutes = (days * 24 + g_date_time_get_hour(utc)) * 60 + g_date_time_get_minute(utc);
  return minutes * MINUTE_US + (gint64) g_date_time_get_second(utc) * G_USEC_PER_SEC +
         g_date_time_get_microsecond(utc);
}

/* Appends the hour-of-week spans of the intervals of @iv that start in the first week of the
 * run (a weekly window repeats, so one week of it is the whole window). */
static void
spans_from_intervals(GArray *spans, const GArray *iv, GDateTime *start)
{
  gint64 offset = week_offset_us(start);
  for (guint i = 0; i < iv->len; i++) {
    const CalendarInterval *ci = &g_array_index(iv, CalendarInterval, i);
    if (ci->start >= WEEK_US)
      break;
    gint64 a = (offset + ci->start) % WEEK_US;
    gint64 len = MIN(ci->end - ci->start, WEEK_US);
    while (len > 0) {
      gint64 piece = MIN(len, WEEK_US - a);
      PlotSpan span = { (double) a / HOUR_US, (double) (a + piece) / HOUR_US };
      g_array_append_val(spans, span);
      len -= piece;
      a = 0;
    }
  }
}

static char *
window_text(const CalendarWindow *w)
{
  g_autofree char *text = calendar_window_to_string(w);
  return w->zone == NULL ? g_strdup_printf("%s UTC", text) : g_steal_pointer(&text);
}

void
plot_run_set_windows(PlotRun *run, const Scenario *sc)
{
  g_autoptr(ModelCalendar) cal = model_calendar_new(sc);
  g_array_set_size(run->portal_window, 0);
  g_array_set_size(run->db_window, 0);
  spans_from_intervals(run->portal_window, cal->portal, sc->start);
  if (sc->db_region != NULL && !sc->align_to_portal) {
    /* Each replication draws its window from the region's block (AWS RDS User Guide, "Amazon
     * RDS maintenance window": a default window is picked at random from the block), so the
     * heatmap draws the block on every day: where the drawn windows can lie. */
    for (gint64 day = 0; day < 7; day++) {
      gint64 a = (day * 24 * 60 + sc->db_region->start_minute) * MINUTE_US;
      gint64 len = (gint64) sc->db_region->length_minutes * MINUTE_US;
      while (len > 0) {
        gint64 piece = MIN(len, WEEK_US - a);
        PlotSpan span = { (double) a / HOUR_US, (double) (a + piece) / HOUR_US };
        g_array_append_val(run->db_window, span);
        len -= piece;
        a = 0;
      }
    }
  } else {
    spans_from_intervals(run->db_window, cal->db_window, sc->start);
  }
  g_free(run->portal_text);
  g_free(run->db_text);
  run->portal_text = window_text(&sc->portal_window);
  if (sc->align_to_portal)
    run->db_text = g_strdup("moved to the start of the portal window");
  else if (sc->db_region != NULL) {
    guint a = sc->db_region->start_minute;
    guint b = (a + sc->db_region->length_minutes) % 1440;
    run->db_text = g_strdup_printf("%s block %02u:%02u-%02u:%02u UTC, drawn per replication",
                                   sc->db_region->name, a / 60, a % 60, b / 60, b % 60);
  } else
    run->db_text = window_text(&sc->db_maintenance_window);

  /* Business hours: the first week's spans in UTC for the boxes, every interval for the
   * weighting. */
  g_array_set_size(run->business_window, 0);
  g_array_set_size(run->business_hours, 0);
  spans_from_intervals(run->business_window, cal->business_hours, sc->start);
  g_array_append_vals(run->business_hours, cal->business_hours->data,
                      cal->business_hours->len);
  g_free(run->business_text);
  run->business_text = window_text(&sc->business_hours);
}

PlotRun *
plot_run_new_from_result(const RunResult *result, const char *const *swept)
{
  const Scenario *sc = result->scenario;
  g_assert(sc != NULL);
  PlotRun *run = plot_run_new();
  g_free(run->scenario);
  g_free(run->description);
  g_free(run->policy);
  run->scenario = g_strdup(sc->name != NULL ? sc->name : "");
  run->description = g_strdup(sc->description != NULL ? sc->description : "");
  run->policy = g_strdup(sc->evacuation != NULL ? sc->evacuation : "");
  run->instances = sc->instances;
  run->replications = result->replications;
  run->horizon = sc->horizon;
  run->start = g_date_time_ref(sc->start);
  run->swept = swept != NULL ? g_strdupv((char **) swept) : NULL;
  memcpy(run->summary, result->summary, sizeof run->summary);
  memcpy(run->cause_summary, result->cause_summary, sizeof run->cause_summary);
  for (guint r = 0; r < result->outages->len; r++)
    g_ptr_array_add(run->outages, g_array_ref(g_ptr_array_index(result->outages, r)));
  if (result->timeline != NULL)
    run->timeline = g_array_ref(result->timeline);
  if (result->updates_spans != NULL)
    run->updates_spans = g_array_ref(result->updates_spans);
  plot_run_set_windows(run, sc);
  return run;
}

PlotData *
plot_data_new(const char *name, const char *description, gboolean sweep)
{
  PlotData *data = g_new0(PlotData, 1);
  data->name = g_strdup(name);
  data->description = g_strdup(description != NULL ? description : "");
  data->sweep = sweep;
  data->runs = g_ptr_array_new_with_free_func((GDestroyNotify) plot_run_free);
  return data;
}

void
plot_data_add(PlotData *data, PlotRun *run)
{
  g_ptr_array_add(data->runs, run);
}

PlotData *
plot_data_load_sweep(Store *store, const StoreSweepInfo *sweep, const GPtrArray *runs,
                     GError **error)
{
  g_autoptr(PlotData) data = plot_data_new(sweep->scenario, NULL, TRUE);
  for (guint i = 0; i < runs->len; i++) {
    const StoreRunInfo *info = g_ptr_array_index(runs, i);
    g_autoptr(StoreRun) run = store_load_run(store, info->id, error);
    if (run == NULL)
      return NULL;
    plot_data_add(data, plot_run_new_from_result(run->result,
                                                 (const char *const *) run->info->point));
    if (data->description[0] == '\0') {
      g_free(data->description);
      data->description = g_strdup(run->scenario->description != NULL
                                       ? run->scenario->description : "");
    }
  }
  return g_steal_pointer(&data);
}

void
plot_data_free(PlotData *data)
{
  if (data == NULL)
    return;
  g_free(data->name);
  g_free(data->description);
  g_ptr_array_unref(data->runs);
  g_free(data);
}

static const PlotRun *
run_at(const PlotData *data, guint i)
{
  return g_ptr_array_index(data->runs, i);
}

static const char *
data_name(const PlotData *data)
{
  if (data->name != NULL && data->name[0] != '\0')
    return data->name;
  return data->runs->len > 0 ? run_at(data, 0)->scenario : "";
}

static guint
run_outage_count(const PlotRun *run)
{
  guint n = 0;
  for (guint r = 0; r < run->outages->len; r++)
    n += ((GArray *) g_ptr_array_index(run->outages, r))->len;
  return n;
}

/* ---- series: runs that differ only in app.instances (recommend.h groups them) ---- */

typedef struct {
  char *label;       /* for legends: "rolling evacuation" */
  GPtrArray *runs;   /* of const PlotRun*, by instance count */
} Series;

static void
series_free(Series *series)
{
  g_free(series->label);
  g_ptr_array_unref(series->runs);
  g_free(series);
}

/* "policy.evacuation=rolling" -> "rolling evacuation"; "database.multi_az=false" ->
 * "database.multi_az = false". */
static void
append_swept_label(GString *label, const char *assignment)
{
  const char *eq = strchr(assignment, '=');
  if (eq == NULL) {
    g_string_append(label, assignment);
    return;
  }
  g_autofree char *key = g_strndup(assignment, (gsize) (eq - assignment));
  if (g_str_equal(key, "policy.evacuation"))
    g_string_append_printf(label, "%s evacuation", eq + 1);
  else
    g_string_append_printf(label, "%s = %s", key, eq + 1);
}

static gboolean
policy_swept(const PlotRun *run)
{
  for (char **s = run->swept; s != NULL && *s != NULL; s++)
    if (g_str_has_prefix(*s, "policy.evacuation="))
      return TRUE;
  return FALSE;
}

/* What tells @run's series apart: its point without app.instances (recommend_series_key()),
 * and its policy when the policy was not swept. */
static char *
series_key(gconstpointer item)
{
  const PlotRun *run = item;
  g_autofree char *key = recommend_series_key((const char *const *) run->swept);
  if (policy_swept(run))
    return g_steal_pointer(&key);
  /* The policy always names the series, swept or not, since it is what the plots compare. */
  return g_strdup_printf("%s\n%s", run->policy, key);
}

/* The series of @run for legends: "rolling evacuation, database.multi_az = false".
 * Returns: (transfer full). */
static char *
series_label(const PlotRun *run)
{
  GString *l = g_string_new(NULL);
  if (!policy_swept(run))
    g_string_append_printf(l, "%s evacuation", run->policy);
  for (char **s = run->swept; s != NULL && *s != NULL; s++) {
    if (g_str_has_prefix(*s, "app.instances="))
      continue;
    if (l->len > 0)
      g_string_append(l, ", ");
    append_swept_label(l, *s);
  }
  return g_string_free(l, FALSE);
}

static guint
run_instances(gconstpointer item)
{
  return ((const PlotRun *) item)->instances;
}

/* The series of @data, in order of first appearance. Returns: (transfer full). */
static GPtrArray *
group_series(const PlotData *data)
{
  g_autoptr(GPtrArray) groups = recommend_group(data->runs, series_key, run_instances);
  GPtrArray *all = g_ptr_array_new_with_free_func((GDestroyNotify) series_free);
  for (guint j = 0; j < groups->len; j++) {
    const RecommendSeries *group = g_ptr_array_index(groups, j);
    Series *s = g_new0(Series, 1);
    s->runs = g_ptr_array_ref(group->runs);
    /* Every run of a series has the same label: take the first. */
    s->label = series_label(g_ptr_array_index(s->runs, 0));
    g_ptr_array_add(all, s);
  }
  return all;
}

static char *
instances_text(guint n)
{
  return g_strdup_printf("%u instance%s", n, n == 1 ? "" : "s");
}

/* ---- applicability ---- */

static guint
distinct_instance_counts(const PlotData *data)
{
  g_autoptr(GHashTable) seen = g_hash_table_new(g_direct_hash, g_direct_equal);
  for (guint i = 0; i < data->runs->len; i++)
    g_hash_table_add(seen, GUINT_TO_POINTER(run_at(data, i)->instances + 1));
  return g_hash_table_size(seen);
}

static gboolean
has_timeline(const PlotRun *run)
{
  return run->timeline != NULL && run->timeline->len > 0 && run->updates_spans != NULL &&
         run->updates_spans->len > 0;
}

gboolean
plot_applies(PlotKind kind, const PlotData *data, GError **error)
{
  g_assert(kind < PLOT_KIND_COUNT);
  if (data->runs->len == 0) {
    g_set_error(error, PLOT_ERROR, PLOT_ERROR_NOT_APPLICABLE, "nothing to plot: no runs");
    return FALSE;
  }
  guint outages = 0;
  for (guint i = 0; i < data->runs->len; i++)
    outages += run_outage_count(run_at(data, i));
  switch (kind) {
  case PLOT_AVAILABILITY:
  case PLOT_COST:
    if (distinct_instance_counts(data) < 2) {
      g_set_error(error, PLOT_ERROR, PLOT_ERROR_NOT_APPLICABLE,
                  "the %s plot compares instance counts: it needs a sweep over app.instances "
                  "(e.g. [sweep] app.instances = 1, 2, 3)",
                  kind_names[kind]);
      return FALSE;
    }
    return TRUE;
  case PLOT_TIMELINE:
    for (guint i = 0; i < data->runs->len; i++)
      if (has_timeline(run_at(data, i)))
        return TRUE;
    g_set_error(error, PLOT_ERROR, PLOT_ERROR_NOT_APPLICABLE,
                "the timeline plot needs a run whose first replication kept its timeline and "
                "saw at least one platform update");
    return FALSE;
  case PLOT_OUTAGES:
  case PLOT_HEATMAP:
    if (outages == 0) {
      g_set_error(error, PLOT_ERROR, PLOT_ERROR_NOT_APPLICABLE,
                  "the %s plot shows outages, and %s had none", kind_names[kind],
                  data->runs->len == 1 ? "this run" : "these runs");
      return FALSE;
    }
    return TRUE;
  case PLOT_KIND_COUNT:
  default:
    g_assert_not_reached();
  }
  return FALSE;
}

/* ---- the kinds ---- */

/* Common variables: NAME, DESCRIPTION, INFO, TEXT_TERMINAL. */
static void
put_common(GString *s, const PlotData *data, const PlotOptions *o)
{
  put_text(s, "NAME", data_name(data), NAME_MAX_CHARS);
  const char *desc = data->description;
  if ((desc == NULL || desc[0] == '\0') && data->runs->len == 1)
    desc = run_at(data, 0)->description;
  put_text(s, "DESCRIPTION", desc != NULL ? desc : "", DESCRIPTION_MAX_CHARS);
  const PlotRun *first = run_at(data, 0);
  const gint64 day = 24 * HOUR_US;
  g_autofree char *horizon = first->horizon % day == 0
                                 ? g_strdup_printf("%" G_GINT64_FORMAT " days",
                                                   first->horizon / day)
                                 : units_format_duration(first->horizon);
  g_autofree char *info =
      data->runs->len == 1
          ? g_strdup_printf("%u replications of %s", first->replications, horizon)
          : g_strdup_printf("%u runs, %u replications of %s each", data->runs->len,
                            first->replications, horizon);
  put_text(s, "INFO", info, 0);
  put_number(s, "TEXT_TERMINAL", o->format == PLOT_FORMAT_TEXT);
}

/* Series names, colours and the x range shared by availability and cost. */
static void
put_series_vars(GString *s, GPtrArray *series)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new();
  g_autoptr(GPtrArray) colours = g_ptr_array_new();
  guint lo = G_MAXUINT, hi = 0;
  for (guint j = 0; j < series->len; j++) {
    Series *se = g_ptr_array_index(series, j);
    g_ptr_array_add(labels, se->label);
    g_ptr_array_add(colours, (gpointer) palette[j % G_N_ELEMENTS(palette)]);
    for (guint i = 0; i < se->runs->len; i++) {
      const PlotRun *run = g_ptr_array_index(se->runs, i);
      lo = MIN(lo, run->instances);
      hi = MAX(hi, run->instances);
    }
  }
  put_number(s, "NSERIES", series->len);
  put_text_array(s, "SERIES", labels, LABEL_MAX_CHARS);
  put_text_array(s, "COLOUR", colours, 0);
  put_number(s, "XMIN", lo);
  put_number(s, "XMAX", hi);
}

/* The availability axis is spaced by nines: it plots -log10(100 % - a), so the unavailable
 * share must stay above 0; this floor (in %) is 0.3 s a year, far below anything shown. */
#define MIN_UNAVAILABLE_PCT 1e-6

static double
availability_pct(double fraction)
{
  return MIN(100 * fraction, 100 - MIN_UNAVAILABLE_PCT);
}

/* The metric drawn, named for a heading and an axis: HEAD_METRIC ("Availability",
 * "Request availability") and METRIC_LABEL ("availability", "downtime outside portal
 * window"). */
static void
put_metric_names(GString *s, RunMetric metric)
{
  g_autofree char *label = recommend_metric_label(metric);
  g_autofree char *head = g_strdup(label);
  head[0] = g_ascii_toupper(head[0]);
  put_text(s, "HEAD_METRIC", head, 0);
  put_text(s, "METRIC_LABEL", label, 0);
}

static void
kind_availability(GString *s, const PlotData *data, RunMetric metric)
{
  g_autoptr(GPtrArray) series = group_series(data);
  put_series_vars(s, series);
  put_metric_names(s, metric);
  double ulo = G_MAXDOUBLE, uhi = 0;
  /* Columns: instances, availability %, 95 % low, 95 % high (below 100 %). */
  block_begin(s, "points");
  for (guint j = 0; j < series->len; j++) {
    Series *se = g_ptr_array_index(series, j);
    if (j > 0)
      block_next_index(s);
    for (guint i = 0; i < se->runs->len; i++) {
      const PlotRun *run = g_ptr_array_index(se->runs, i);
      const StatsSummary *a = &run->summary[metric];
      double row[] = { run->instances, availability_pct(a->mean),
                       availability_pct(MAX(a->lo, 0)), availability_pct(a->hi) };
      put_row(s, G_N_ELEMENTS(row), row);
      ulo = MIN(ulo, 100 - row[3]);
      uhi = MAX(uhi, 100 - row[2]);
    }
  }
  block_end(s);
  /* The unavailable share shown (in %, log scale): the points with a margin, at least one
   * decade (one nine), at most 100 %. */
  ulo /= 1.6;
  uhi *= 1.6;
  if (uhi < ulo * 10) {
    double mid = sqrt(ulo * uhi);
    ulo = mid / sqrt(10);
    uhi = mid * sqrt(10);
  }
  put_number(s, "ULO", MAX(ulo, MIN_UNAVAILABLE_PCT / 2));
  put_number(s, "UHI", MIN(uhi, 100));
}

static void
kind_cost(GString *s, const PlotData *data, RunMetric metric)
{
  g_autoptr(GPtrArray) series = group_series(data);
  put_series_vars(s, series);
  put_metric_names(s, metric);
  /* Columns: instances, downtime min/year, 95 % low (>= 0), high, instance-hours/year. */
  block_begin(s, "points");
  for (guint j = 0; j < series->len; j++) {
    Series *se = g_ptr_array_index(series, j);
    if (j > 0)
      block_next_index(s);
    for (guint i = 0; i < se->runs->len; i++) {
      const PlotRun *run = g_ptr_array_index(se->runs, i);
      const StatsSummary *d = &run->summary[metric];
      double row[] = { run->instances, d->mean / 60, MAX(d->lo, 0) / 60, d->hi / 60,
                       run->summary[RUN_INSTANCE_HOURS_PER_YEAR].mean };
      put_row(s, G_N_ELEMENTS(row), row);
    }
  }
  block_end(s);
}

/* ---- outages ---- */

static int
double_cmp(gconstpointer pa, gconstpointer pb)
{
  double a = *(const double *) pa, b = *(const double *) pb;
  return a < b ? -1 : (a > b);
}

/* Durations in seconds of @run's outages (of @cause, or all when cause < 0), sorted. */
static GArray *
outage_durations(const PlotRun *run, int cause)
{
  GArray *d = g_array_new(FALSE, FALSE, sizeof(double));
  for (guint r = 0; r < run->outages->len; r++) {
    GArray *o = g_ptr_array_index(run->outages, r);
    for (guint i = 0; i < o->len; i++) {
      const ModelInterval *iv = &g_array_index(o, ModelInterval, i);
      if (cause >= 0 && (int) iv->cause != cause)
        continue;
      double len = (double) (iv->end - iv->start) / G_USEC_PER_SEC;
      g_array_append_val(d, len);
    }
  }
  g_array_sort(d, double_cmp);
  return d;
}

/* One CDF line: (duration, % of outages no longer than it), at most about CDF_MAX_POINTS
 * points, always the first and the last. */
static void
put_cdf(GString *s, GArray *d)
{
  guint n = d->len;
  guint step = n > CDF_MAX_POINTS ? n / CDF_MAX_POINTS : 1;
  for (guint i = 0; i < n; i++) {
    if (i % step != 0 && i != n - 1)
      continue;
    /* Ties: the CDF at a value counts every outage of that length. */
    guint k = i;
    while (k + 1 < n && !(g_array_index(d, double, k + 1) > g_array_index(d, double, i)))
      k++;
    double row[] = { MAX(g_array_index(d, double, i), 1e-3), 100.0 * (k + 1) / n };
    put_row(s, 2, row);
  }
}

static void
kind_outages(GString *s, const PlotData *data)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GPtrArray) colours = g_ptr_array_new();
  g_autoptr(GArray) dashes = g_array_new(FALSE, FALSE, sizeof(double));
  g_autoptr(GArray) widths = g_array_new(FALSE, FALSE, sizeof(double));
  GString *block = g_string_new(NULL);
  guint lines = 0;
  double shortest = G_MAXDOUBLE;

  if (data->runs->len == 1) {
    /* One run: all its outages, then one line per cause that had any. */
    const PlotRun *run = run_at(data, 0);
    for (int c = -1; c < CAUSE_COUNT; c++) {
      g_autoptr(GArray) d = outage_durations(run, c);
      if (d->len == 0)
        continue;
      if (lines++ > 0)
        block_next_index(block);
      put_cdf(block, d);
      shortest = MIN(shortest, g_array_index(d, double, 0));
      g_autofree char *cause = g_strdup(c < 0 ? "all outages" : model_cause_name(c));
      g_strdelimit(cause, "-", ' ');
      g_ptr_array_add(labels, g_strdup_printf("%s (%u)", cause, d->len));
      g_ptr_array_add(colours, (gpointer) (c < 0 ? "#000000" : palette[c % 6]));
      double dash = c < 0 ? 1 : 2, width = c < 0 ? 3 : 2;
      g_array_append_val(dashes, dash);
      g_array_append_val(widths, width);
    }
  } else {
    /* Several runs: a line per run, the colour for its instance count and the dash for its
     * series, so "1 instance" lines share a colour across policies. */
    g_autoptr(GPtrArray) series = group_series(data);
    g_autoptr(GArray) counts = g_array_new(FALSE, FALSE, sizeof(guint));
    for (guint j = 0; j < series->len; j++) {
      Series *se = g_ptr_array_index(series, j);
      for (guint i = 0; i < se->runs->len; i++) {
        const PlotRun *run = g_ptr_array_index(se->runs, i);
        g_autoptr(GArray) d = outage_durations(run, -1);
        if (d->len == 0)
          continue;
        guint ci = 0;
        while (ci < counts->len && g_array_index(counts, guint, ci) != run->instances)
          ci++;
        if (ci == counts->len)
          g_array_append_val(counts, run->instances);
        if (lines++ > 0)
          block_next_index(block);
        put_cdf(block, d);
        shortest = MIN(shortest, g_array_index(d, double, 0));
        g_autofree char *inst = instances_text(run->instances);
        g_ptr_array_add(labels, g_strdup_printf("%s, %s (%u)", inst, se->label, d->len));
        g_ptr_array_add(colours, (gpointer) palette[ci % G_N_ELEMENTS(palette)]);
        double dash = 1 + j % 5, width = 2;
        g_array_append_val(dashes, dash);
        g_array_append_val(widths, width);
      }
    }
  }
  /* The log axis starts at the decade of the shortest outage, not below 1 ms: shorter ones
   * (a route flapping for microseconds) are drawn at its left edge. */
  double xmin = pow(10, floor(log10(MAX(shortest, 1e-3))));
  put_number(s, "NLINES", lines);
  put_number(s, "XMIN", xmin);
  put_text_array(s, "LINE", labels, LABEL_MAX_CHARS + 30);
  put_text_array(s, "COLOUR", colours, 0);
  put_number_array(s, "DASH", dashes);
  put_number_array(s, "WIDTH", widths);
  block_begin(s, "cdf");
  g_string_append_len(s, block->str, (gssize) block->len);
  block_end(s);
  g_string_free(block, TRUE);
}

/* ---- heatmap ---- */

static void
put_spans(GString *s, const char *name, const char *count_name, GArray *spans)
{
  /* Columns: hour-of-day from, to, day row (0 = Monday); a span is cut at midnights. */
  guint rows = 0;
  block_begin(s, name);
  for (guint i = 0; i < spans->len; i++) {
    const PlotSpan *sp = &g_array_index(spans, PlotSpan, i);
    double a = sp->from_h;
    while (a < sp->to_h - 1e-9) {
      double day = floor(a / 24);
      double b = MIN(sp->to_h, (day + 1) * 24);
      double row[] = { a - day * 24, b - day * 24, day };
      put_row(s, 3, row);
      rows++;
      a = b;
    }
  }
  block_end(s);
  put_number(s, count_name, rows);
}

void
plot_heatmap_add(double minutes[PLOT_HOURS_PER_WEEK], const GArray *outages,
                 gint64 week_offset, const GArray *inside, double weight)
{
  guint from = 0; /* the first interval of @inside that can still overlap (both sorted) */
  for (guint k = 0; k < outages->len; k++) {
    const ModelInterval *o = &g_array_index(outages, ModelInterval, k);
    /* The pieces of the outage to count: all of it, or its overlaps with @inside. */
    guint n = inside != NULL ? inside->len : 1;
    for (guint i = inside != NULL ? from : 0; i < n; i++) {
      gint64 a = o->start, b = o->end;
      if (inside != NULL) {
        const CalendarInterval *ci = &g_array_index(inside, CalendarInterval, i);
        if (ci->end <= a) {
          if (i == from)
            from++;
          continue;
        }
        if (ci->start >= b)
          break;
        a = MAX(a, ci->start);
        b = MIN(b, ci->end);
      }
      /* Cut the piece at the hours of the week. */
      while (a < b) {
        gint64 w = (week_offset + a) % WEEK_US;
        gint64 next = a + (HOUR_US - w % HOUR_US);
        gint64 end = MIN(b, next);
        minutes[w / HOUR_US] += weight * (double) (end - a) / MINUTE_US;
        a = end;
      }
    }
  }
}

static void
kind_heatmap(GString *s, const PlotData *data, RunMetric metric)
{
  /* business_hours_availability, business_hours_downtime_...: weigh only the minutes inside
   * business hours; any other metric: all downtime. */
  gboolean business = g_str_has_prefix(run_metric_name(metric), "business_hours");
  double per_hour[PLOT_HOURS_PER_WEEK] = { 0 };
  guint total = 0;
  for (guint i = 0; i < data->runs->len; i++) {
    const PlotRun *run = run_at(data, i);
    gint64 offset = week_offset_us(run->start);
    double years = (double) run->horizon / G_USEC_PER_SEC / RUN_YEAR_S;
    guint reps = MAX(run->outages->len, 1u);
    /* Downtime minutes per year in each hour, averaged over replications and runs. */
    double weight = 1.0 / (reps * years * data->runs->len);
    for (guint r = 0; r < run->outages->len; r++) {
      GArray *o = g_ptr_array_index(run->outages, r);
      plot_heatmap_add(per_hour, o, offset, business ? run->business_hours : NULL, weight);
      total += o->len;
    }
  }
  double max = 0, min = G_MAXDOUBLE;
  for (guint h = 0; h < PLOT_HOURS_PER_WEEK; h++) {
    max = MAX(max, per_hour[h]);
    if (per_hour[h] > 0)
      min = MIN(min, per_hour[h]);
  }
  /* Columns: hour of day (cell centre), day row (0 = Monday), downtime minutes per year. */
  block_begin(s, "heat");
  for (guint d = 0; d < 7; d++) {
    for (guint h = 0; h < 24; h++) {
      double row[] = { h + 0.5, d, per_hour[d * 24 + h] };
      put_row(s, 3, row);
    }
    g_string_append_c(s, '\n');
  }
  block_end(s);
  /* The colour scale is logarithmic (a hot window next to downtime spread thinly over the
   * week): it starts at the decade below the lightest hour that had any. */
  put_number(s, "HEAT_MAX", max > 0 ? max : 1);
  put_number(s, "HEAT_MIN", max > 0 ? pow(10, floor(log10(min))) : 0.1);
  put_number(s, "OUTAGES", total);
  put_text(s, "HEAT_WHAT", business ? "business-hours downtime" : "downtime", 0);

  /* The windows of the first run: a sweep's points share them unless the sweep moves them. */
  const PlotRun *first = run_at(data, 0);
  put_spans(s, "portal", "NPORTAL", first->portal_window);
  put_spans(s, "rds", "NRDS", first->db_window);
  put_spans(s, "business", "NBUSINESS", first->business_window);
  put_text(s, "PORTAL_TEXT", first->portal_text, LABEL_MAX_CHARS);
  put_text(s, "RDS_TEXT", first->db_text, LABEL_MAX_CHARS);
  put_text(s, "BUSINESS_TEXT", first->business_text, LABEL_MAX_CHARS);
}

/* ---- timeline ---- */

typedef struct {
  const PlotRun *run;
  const ModelInterval *update;   /* the update shown */
  const ModelInterval *outage;   /* the first outage during it, or NULL */
} Panel;

/* The earliest outage of replication 0 that overlaps @u or begins within the pad after it,
 * at least @min_len long (outages are in time order from the model, but a loader need not
 * keep them so). */
static const ModelInterval *
outage_during(const PlotRun *run, const ModelInterval *u, gint64 min_len)
{
  if (run->outages->len == 0)
    return NULL;
  GArray *o = g_ptr_array_index(run->outages, 0);
  const ModelInterval *best = NULL;
  for (guint i = 0; i < o->len; i++) {
    const ModelInterval *iv = &g_array_index(o, ModelInterval, i);
    if (iv->end > u->start && iv->start < u->end + TIMELINE_PAD_US &&
        iv->end - iv->start >= min_len && (best == NULL || iv->start < best->start))
      best = iv;
  }
  return best;
}

/* The first update of @run during which it had an outage of at least @min_len. */
static gboolean
find_update_with_outage(const PlotRun *run, gint64 min_len, Panel *panel)
{
  for (guint i = 0; i < run->updates_spans->len; i++) {
    const ModelInterval *u = &g_array_index(run->updates_spans, ModelInterval, i);
    const ModelInterval *o = outage_during(run, u, min_len);
    if (o != NULL) {
      *panel = (Panel) { run, u, o };
      return TRUE;
    }
  }
  return FALSE;
}

/* The platform work of @run of the kind @cause (an update or an infrastructure restart) that
 * started closest to @t; of any kind when @run had none of that kind. */
static void
nearest_update(const PlotRun *run, gint64 t, ModelCause cause, Panel *panel)
{
  const ModelInterval *best = NULL;
  for (guint i = 0; i < run->updates_spans->len; i++) {
    const ModelInterval *u = &g_array_index(run->updates_spans, ModelInterval, i);
    gboolean better_kind = best != NULL && best->cause != cause && u->cause == cause;
    gboolean same_kind = best == NULL || (best->cause == cause) == (u->cause == cause);
    if (best == NULL || better_kind || (same_kind && ABS(u->start - t) < ABS(best->start - t)))
      best = u;
  }
  *panel = (Panel) { run, best, best != NULL ? outage_during(run, best, 1) : NULL };
}

/* Picks one or two panels: the 1- and 2-instance runs of the first series that has both,
 * preferring a series whose 1-instance run went visibly dark during an update; otherwise the
 * first two runs with a timeline. The first panel shows the first update with a visible
 * outage (else any outage, else the first update); the second the update nearest it. */
static guint
choose_panels(const PlotData *data, Panel panels[2])
{
  g_autoptr(GPtrArray) series = group_series(data);
  const PlotRun *pair[2] = { NULL, NULL };
  gboolean found = FALSE;
  const gint64 min_lens[] = { VISIBLE_OUTAGE_US, 1 };
  for (guint l = 0; l < G_N_ELEMENTS(min_lens) && !found; l++) {
    gint64 min_len = min_lens[l];
    for (guint j = 0; j < series->len && !found; j++) {
      Series *se = g_ptr_array_index(series, j);
      const PlotRun *one = NULL, *two = NULL;
      for (guint i = 0; i < se->runs->len; i++) {
        const PlotRun *run = g_ptr_array_index(se->runs, i);
        if (!has_timeline(run))
          continue;
        if (run->instances == 1 && one == NULL)
          one = run;
        if (run->instances == 2 && two == NULL)
          two = run;
      }
      if (one == NULL || two == NULL)
        continue;
      if (pair[0] == NULL) {
        pair[0] = one;
        pair[1] = two;
      }
      if (find_update_with_outage(one, min_len, &panels[0])) {
        nearest_update(two, panels[0].update->start, panels[0].update->cause, &panels[1]);
        found = TRUE;
      }
    }
  }
  if (found)
    return 2;
  if (pair[0] != NULL) {
    const PlotRun *one = pair[0];
    panels[0] = (Panel) { one, &g_array_index(one->updates_spans, ModelInterval, 0), NULL };
    nearest_update(pair[1], panels[0].update->start, panels[0].update->cause, &panels[1]);
    return 2;
  }

  /* No 1-and-2 pair: the first (up to) two runs with a timeline, each on its own. */
  guint n = 0;
  for (guint i = 0; i < data->runs->len && n < 2; i++) {
    const PlotRun *run = run_at(data, i);
    if (!has_timeline(run))
      continue;
    if (n == 1) {
      nearest_update(run, panels[0].update->start, panels[0].update->cause, &panels[1]);
    } else if (!find_update_with_outage(run, VISIBLE_OUTAGE_US, &panels[0]) &&
               !find_update_with_outage(run, 1, &panels[0])) {
      panels[0] = (Panel) { run, &g_array_index(run->updates_spans, ModelInterval, 0), NULL };
    }
    n++;
  }
  return n;
}

static char *
format_instant(const PlotRun *run, gint64 t)
{
  g_autoptr(GDateTime) at = g_date_time_add(run->start, t);
  g_autoptr(GDateTime) utc = g_date_time_to_utc(at);
  return g_date_time_format(utc, "%a %Y-%m-%d %H:%M UTC");
}

/* One panel's rows (minutes since the update's start, serving, starting, containers,
 * database up, app up) over [w0, w1], as steps: each row holds until the next. */
static void
put_panel_rows(GString *s, const Panel *p, gint64 w0, gint64 w1)
{
  GArray *tl = p->run->timeline;
  gint64 origin = p->update->start;
  /* The state at w0 is that of the last sample at or before it. */
  guint i = 0;
  while (i + 1 < tl->len && g_array_index(tl, ModelSample, i + 1).time <= w0)
    i++;
  const ModelSample *last = &g_array_index(tl, ModelSample, i);
  for (; i < tl->len && g_array_index(tl, ModelSample, i).time <= w1; i++) {
    const ModelSample *m = &g_array_index(tl, ModelSample, i);
    last = m;
    gint64 t = MAX(m->time, w0);
    double row[] = { (double) (t - origin) / MINUTE_US, m->serving, m->starting, m->containers,
                     m->db_up, m->db_up && m->serving > 0 };
    put_row(s, G_N_ELEMENTS(row), row);
  }
  double row[] = { (double) (w1 - origin) / MINUTE_US, last->serving, last->starting,
                   last->containers, last->db_up, last->db_up && last->serving > 0 };
  put_row(s, G_N_ELEMENTS(row), row);
}

static void
kind_timeline(GString *s, const PlotData *data)
{
  Panel panels[2];
  guint n = choose_panels(data, panels);
  g_assert(n >= 1);

  /* The same minutes on both panels: the longer update, padded, and any outage running past
   * its end. */
  gint64 before = TIMELINE_PAD_US, after = 0;
  double ymax = 1;
  for (guint p = 0; p < n; p++) {
    const Panel *pa = &panels[p];
    gint64 len = pa->update->end - pa->update->start;
    after = MAX(after, len + TIMELINE_PAD_US);
    if (pa->outage != NULL)
      after = MAX(after, pa->outage->end - pa->update->start + TIMELINE_PAD_US);
    GArray *tl = pa->run->timeline;
    for (guint i = 0; i < tl->len; i++) {
      const ModelSample *m = &g_array_index(tl, ModelSample, i);
      if (m->time >= pa->update->start - before && m->time <= pa->update->start + after)
        ymax = MAX(ymax, MAX(m->containers, MAX(m->serving, m->starting)));
    }
  }

  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GArray) update_len = g_array_new(FALSE, FALSE, sizeof(double));
  block_begin(s, "timeline");
  for (guint p = 0; p < n; p++) {
    const Panel *pa = &panels[p];
    const PlotRun *run = pa->run;
    g_autofree char *label = series_label(run);
    g_autofree char *inst = instances_text(run->instances);
    g_autofree char *when = format_instant(run, pa->update->start);
    g_ptr_array_add(titles, g_strdup_printf("%s, %s", inst, label));
    /* What happened to the app in the window shown, for the panel's subtitle. */
    gint64 w0 = pa->update->start - before, w1 = pa->update->start + after;
    gint64 down = 0;
    gboolean any = FALSE;
    if (run->outages->len > 0) {
      GArray *o = g_ptr_array_index(run->outages, 0);
      for (guint i = 0; i < o->len; i++) {
        const ModelInterval *iv = &g_array_index(o, ModelInterval, i);
        gint64 a = MAX(iv->start, w0), b = MIN(iv->end, w1);
        if (b <= a)
          continue;
        down += b - a;
        any = TRUE;
      }
    }
    g_autofree char *down_text = format_duration_s((double) down / G_USEC_PER_SEC);
    const char *what =
        pa->update->cause == CAUSE_PLATFORM_RESTART ? "infrastructure restart" : "update";
    g_ptr_array_add(notes, any ? g_strdup_printf("%s started %s; app down %s", what, when,
                                                 down_text)
                               : g_strdup_printf("%s started %s; app never down", what, when));
    double len = (double) (pa->update->end - pa->update->start) / MINUTE_US;
    g_array_append_val(update_len, len);
    if (p > 0)
      block_next_index(s);
    put_panel_rows(s, pa, w0, w1);
  }
  block_end(s);
  put_number(s, "NPANELS", n);
  put_text_array(s, "PANEL", titles, LABEL_MAX_CHARS + 30);
  put_text_array(s, "NOTE", notes, 0);
  put_number_array(s, "UPDATE_LEN", update_len);
  put_number(s, "XFROM", -(double) before / MINUTE_US);
  put_number(s, "XTO", (double) after / MINUTE_US);
  put_number(s, "YMAX", ymax);
}

/* ---- the script ---- */

static gboolean
read_template(const PlotOptions *o, GString *s, GError **error)
{
  g_autofree char *dir = o->templates != NULL ? g_strdup(o->templates)
                                              : plot_templates_dir(error);
  if (dir == NULL)
    return FALSE;
  g_autofree char *file = g_strdup_printf("%s.gp", kind_names[o->kind]);
  g_autofree char *path = g_build_filename(dir, file, NULL);
  g_autofree char *text = NULL;
  gsize len = 0;
  g_autoptr(GError) local = NULL;
  if (!g_file_get_contents(path, &text, &len, &local)) {
    g_set_error(error, PLOT_ERROR, PLOT_ERROR_TEMPLATE, "cannot read the plot template: %s",
                local->message);
    return FALSE;
  }
  g_string_append_printf(s, "# ---- %s ----\n", file);
  g_string_append_len(s, text, (gssize) len);
  if (len > 0 && text[len - 1] != '\n')
    g_string_append_c(s, '\n');
  return TRUE;
}

static gboolean
put_terminal(GString *s, const PlotOptions *o, GError **error)
{
  guint w = o->width > 0 ? o->width : kind_sizes[o->kind].width;
  guint h = o->height > 0 ? o->height : kind_sizes[o->kind].height;
  g_string_append(s, "set encoding utf8\n");
  switch (o->format) {
  case PLOT_FORMAT_PNG:
    g_string_append_printf(s, "set terminal pngcairo size %u,%u noenhanced font \"Sans,11\" "
                              "background rgb \"white\"\n", w, h);
    break;
  case PLOT_FORMAT_SVG:
    g_string_append_printf(s, "set terminal svg size %u,%u noenhanced font \"Sans,11\" "
                              "background rgb \"white\"\n", w, h);
    break;
  case PLOT_FORMAT_TEXT:
    /* Characters: a terminal line is about 8 pixels wide and 16 high. */
    w = o->width > 0 ? o->width : MIN(w / 8, 160u);
    h = o->height > 0 ? o->height : MIN(h / 16, 50u);
    g_string_append_printf(s, "set terminal dumb size %u,%u noenhanced\n", w, h);
    return TRUE;
  default:
    g_assert_not_reached();
  }
  if (o->output == NULL || o->output[0] == '\0') {
    g_set_error(error, PLOT_ERROR, PLOT_ERROR_USAGE, "no output file given");
    return FALSE;
  }
  /* The name reaches gnuplot as a string literal: it must survive plot_escape() unchanged. */
  if (!g_utf8_validate(o->output, -1, NULL)) {
    g_set_error(error, PLOT_ERROR, PLOT_ERROR_USAGE, "the output file name is not UTF-8");
    return FALSE;
  }
  for (const char *p = o->output; *p != '\0'; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (g_unichar_iscntrl(c) || c == 0x2028 || c == 0x2029 || c == 0xFEFF) {
      g_set_error(error, PLOT_ERROR, PLOT_ERROR_USAGE,
                  "the output file name holds a control character");
      return FALSE;
    }
  }
  put_text(s, "OUTPUT", o->output, 0);
  g_string_append(s, "set output OUTPUT\n");
  return TRUE;
}

/* The metric @o asks the kind to draw (PlotOptions.metric), or FALSE with @error
 * (PLOT_ERROR_USAGE) when the name is unknown or the kind cannot draw it. */
static gboolean
plot_metric(const PlotOptions *o, RunMetric *out, GError **error)
{
  *out = o->kind == PLOT_AVAILABILITY ? RUN_AVAILABILITY : RUN_DOWNTIME_PER_YEAR;
  if (o->metric == NULL)
    return TRUE;
  g_autoptr(GError) local = NULL;
  if (!recommend_parse_metric(o->metric, out, &local)) {
    g_set_error(error, PLOT_ERROR, PLOT_ERROR_USAGE, "--metric: %s", local->message);
    return FALSE;
  }
  RecommendKind kind = recommend_metric_kind(*out);
  switch (o->kind) {
  case PLOT_AVAILABILITY:
    if (kind == RECOMMEND_AVAILABILITY)
      return TRUE;
    g_set_error(error, PLOT_ERROR, PLOT_ERROR_USAGE,
                "--metric %s: the availability plot draws an availability; a downtime is "
                "drawn by --kind cost",
                o->metric);
    return FALSE;
  case PLOT_COST:
    if (kind == RECOMMEND_DOWNTIME)
      return TRUE;
    g_set_error(error, PLOT_ERROR, PLOT_ERROR_USAGE,
                "--metric %s: the cost plot draws a downtime per year; an availability is "
                "drawn by --kind availability",
                o->metric);
    return FALSE;
  case PLOT_HEATMAP:
    return TRUE;
  case PLOT_TIMELINE:
  case PLOT_OUTAGES:
    g_set_error(error, PLOT_ERROR, PLOT_ERROR_USAGE,
                "--metric applies to the availability, cost and heatmap plots, not to %s",
                kind_names[o->kind]);
    return FALSE;
  case PLOT_KIND_COUNT:
  default:
    g_assert_not_reached();
  }
  return FALSE;
}

char *
plot_script(const PlotData *data, const PlotOptions *o, GError **error)
{
  if (o->kind >= PLOT_KIND_COUNT) {
    g_set_error(error, PLOT_ERROR, PLOT_ERROR_USAGE, "unknown plot kind");
    return NULL;
  }
  RunMetric metric;
  if (!plot_metric(o, &metric, error))
    return NULL;
  if (!plot_applies(o->kind, data, error))
    return NULL;
  g_autoptr(GString) s = g_string_new("# zdsim: data, then the template\n");
  if (!put_terminal(s, o, error))
    return NULL;
  put_common(s, data, o);
  switch (o->kind) {
  case PLOT_AVAILABILITY:
    kind_availability(s, data, metric);
    break;
  case PLOT_COST:
    kind_cost(s, data, metric);
    break;
  case PLOT_TIMELINE:
    kind_timeline(s, data);
    break;
  case PLOT_OUTAGES:
    kind_outages(s, data);
    break;
  case PLOT_HEATMAP:
    kind_heatmap(s, data, metric);
    break;
  case PLOT_KIND_COUNT:
  default:
    g_assert_not_reached();
  }
  if (!read_template(o, s, error))
    return NULL;
  /* Closes the output file so that it is complete when gnuplot exits. */
  g_string_append(s, "set output\n");
  return g_string_free(g_steal_pointer(&s), FALSE);
}

char *
plot_templates_dir(GError **error)
{
  const char *env = g_getenv("ZDSIM_PLOTS");
  if (env != NULL && env[0] != '\0')
    return g_strdup(env);
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func(g_free);
  g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
  if (exe != NULL) {
    g_autofree char *dir = g_path_get_dirname(exe);
    /* Installed: PREFIX/bin/zdsim beside PREFIX/share/zdsim/plots. Relative to the binary,
     * so that it holds for any PREFIX, and for a tree staged with DESTDIR or moved since. */
    g_autofree char *installed = g_build_filename(dir, "..", "share", "zdsim", "plots", NULL);
    g_ptr_array_add(candidates, g_canonicalize_filename(installed, NULL));
    /* In the source tree: build/zdsim (or build/san/zdsim, build/tests/...) below plots/. */
    for (int up = 0; up <= 3; up++) {
      g_ptr_array_add(candidates, g_build_filename(dir, "plots", NULL));
      char *parent = g_path_get_dirname(dir);
      g_free(dir);
      dir = parent;
    }
  }
#ifdef ZDSIM_DATADIR
  /* Where `make install` put them (PREFIX/share/zdsim), for a binary copied elsewhere. */
  g_ptr_array_add(candidates, g_strdup(ZDSIM_DATADIR "/plots"));
#endif
  g_ptr_array_add(candidates, g_strdup("plots"));
  for (guint i = 0; i < candidates->len; i++) {
    const char *cand = g_ptr_array_index(candidates, i);
    g_autofree char *probe = g_build_filename(cand, "availability.gp", NULL);
    if (g_file_test(probe, G_FILE_TEST_IS_REGULAR))
      return g_strdup(cand);
  }
  g_set_error(error, PLOT_ERROR, PLOT_ERROR_TEMPLATE,
              "cannot find the plot templates (plots/*.gp) in ../share/zdsim/plots beside the "
              "zdsim binary, in the source tree"
#ifdef ZDSIM_DATADIR
              ", in " ZDSIM_DATADIR "/plots"
#endif
              " or in the working directory; set ZDSIM_PLOTS to their directory");
  return NULL;
}

/* ---- gnuplot, the child process ---- */

/* The error lines of gnuplot's standard error (its last 20 non-empty lines). */
static char *
gnuplot_errors(const GString *err)
{
  g_auto(GStrv) lines = g_strsplit(err->str, "\n", -1);
  guint n = g_strv_length(lines);
  GString *out = g_string_new(NULL);
  guint kept = 0;
  for (guint i = n; i > 0 && kept < 20; i--) {
    g_strstrip(lines[i - 1]);
    if (lines[i - 1][0] == '\0')
      continue;
    g_string_prepend(out, lines[i - 1]);
    g_string_prepend_c(out, '\n');
    kept++;
  }
  if (out->len == 0)
    g_string_append(out, "\n(no message)");
  return g_string_free(out, FALSE);
}

static void
close_fd(int *fd)
{
  if (*fd >= 0) {
    close(*fd);
    *fd = -1;
  }
}

/* Reads what is there on *fd into @into; closes it at its end. */
static void
drain_fd(int *fd, GString *into)
{
  char buf[8192];
  for (;;) {
    ssize_t r = read(*fd, buf, sizeof buf);
    if (r > 0) {
      g_string_append_len(into, buf, r);
      continue;
    }
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return;
    close_fd(fd);
    return;
  }
}

static gboolean
run_gnuplot(const char *script, guint timeout_s, char **text, GError **error)
{
  /* gnuplot's standard input is a socket rather than a pipe so that writing to a gnuplot that
   * died gives EPIPE (MSG_NOSIGNAL) instead of a SIGPIPE that would end this process. */
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    g_set_error(error, PLOT_ERROR, PLOT_ERROR_NO_GNUPLOT, "cannot start gnuplot: %s",
                g_strerror(errno));
    return FALSE;
  }
  /* -d: the user's ~/.gnuplot must not change the pictures. */
  const char *argv[] = { "gnuplot", "-d", NULL };
  GPid pid = 0;
  int out_fd = -1, err_fd = -1;
  g_autoptr(GError) spawn_error = NULL;
  gboolean ok = g_spawn_async_with_pipes_and_fds(
      NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_CLOEXEC_PIPES,
      NULL, NULL, sv[1], -1, -1, NULL, NULL, 0, &pid, NULL, &out_fd, &err_fd, &spawn_error);
  close(sv[1]);
  if (!ok) {
    close(sv[0]);
    if (g_error_matches(spawn_error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT))
      g_set_error(error, PLOT_ERROR, PLOT_ERROR_NO_GNUPLOT,
                  "gnuplot not found on PATH: install gnuplot-nox (make deps)");
    else
      g_set_error(error, PLOT_ERROR, PLOT_ERROR_NO_GNUPLOT, "cannot start gnuplot: %s",
                  spawn_error->message);
    return FALSE;
  }

  int in_fd = sv[0];
  g_unix_set_fd_nonblocking(in_fd, TRUE, NULL);
  g_unix_set_fd_nonblocking(out_fd, TRUE, NULL);
  g_unix_set_fd_nonblocking(err_fd, TRUE, NULL);
  gsize len = strlen(script), written = 0;
  g_autoptr(GString) out = g_string_new(NULL);
  g_autoptr(GString) err = g_string_new(NULL);
  gint64 deadline = g_get_monotonic_time() + (gint64) timeout_s * G_USEC_PER_SEC;
  gboolean timed_out = FALSE;

  /* Write and read at once: gnuplot may fill its error pipe before it has read everything. */
  while (in_fd >= 0 || out_fd >= 0 || err_fd >= 0) {
    GPollFD fds[3];
    guint n = 0;
    int in_slot = -1, out_slot = -1, err_slot = -1;
    if (in_fd >= 0) {
      in_slot = (int) n;
      fds[n++] = (GPollFD) { in_fd, G_IO_OUT, 0 };
    }
    if (out_fd >= 0) {
      out_slot = (int) n;
      fds[n++] = (GPollFD) { out_fd, G_IO_IN | G_IO_HUP, 0 };
    }
    if (err_fd >= 0) {
      err_slot = (int) n;
      fds[n++] = (GPollFD) { err_fd, G_IO_IN | G_IO_HUP, 0 };
    }
    gint64 left = deadline - g_get_monotonic_time();
    if (left <= 0) {
      timed_out = TRUE;
      kill(pid, SIGKILL);
      break;
    }
    int r = g_poll(fds, n, (int) MIN(left / 1000 + 1, G_MAXINT));
    if (r < 0 && errno != EINTR)
      break;
    if (r <= 0)
      continue;
    if (in_slot >= 0 && fds[in_slot].revents != 0) {
      ssize_t w = send(in_fd, script + written, len - written, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (w > 0)
        written += (gsize) w;
      if ((w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) ||
          written == len)
        close_fd(&in_fd); /* done, or gnuplot stopped reading: its stderr says why */
    }
    if (out_slot >= 0 && fds[out_slot].revents != 0)
      drain_fd(&out_fd, out);
    if (err_slot >= 0 && fds[err_slot].revents != 0)
      drain_fd(&err_fd, err);
  }
  close_fd(&in_fd);
  close_fd(&out_fd);
  close_fd(&err_fd);

  int status = 0;
  pid_t waited;
  while ((waited = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
    ;
  int wait_errno = errno;
  g_spawn_close_pid(pid);
  if (waited < 0) {
    g_set_error(error, PLOT_ERROR, PLOT_ERROR_GNUPLOT, "cannot wait for gnuplot: %s",
                g_strerror(wait_errno));
    return FALSE;
  }
  if (timed_out) {
    g_set_error(error, PLOT_ERROR, PLOT_ERROR_TIMEOUT,
                "gnuplot did not finish within %u s and was killed (--plot-timeout)",
                timeout_s);
    return FALSE;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    g_autofree char *lines = gnuplot_errors(err);
    if (WIFEXITED(status))
      g_set_error(error, PLOT_ERROR, PLOT_ERROR_GNUPLOT, "gnuplot failed (exit status %d):%s",
                  WEXITSTATUS(status), lines);
    else
      g_set_error(error, PLOT_ERROR, PLOT_ERROR_GNUPLOT, "gnuplot was killed by signal %d:%s",
                  WIFSIGNALED(status) ? WTERMSIG(status) : 0, lines);
    return FALSE;
  }
  if (text != NULL)
    *text = g_string_free(g_steal_pointer(&out), FALSE);
  return TRUE;
}

/* The PNG file signature, and the IEND chunk every PNG ends with (length 0, type, CRC)
 * (PNG specification, sections 5.2 and 11.2.5): a file cut short by a full disk has the first
 * and lacks the second. */
static const guint8 png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
static const guint8 png_iend[12] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82 };

/* Reads up to @size bytes at @offset of @fd into @buf. Returns: the count read. */
static gsize
read_at(int fd, char *buf, gsize size, off_t offset)
{
  ssize_t got;
  while ((got = pread(fd, buf, size, offset)) < 0 && errno == EINTR)
    ;
  return got > 0 ? (gsize) got : 0;
}

gboolean
plot_check_output(const char *path, PlotFormat format, GError **error)
{
  /* stat() follows a symbolic link, so an output that points at a device (/dev/full) is seen
   * as the device it is. */
  GStatBuf st;
  if (g_stat(path, &st) != 0) {
    int e = errno;
    g_set_error(error, PLOT_ERROR, PLOT_ERROR_OUTPUT,
                "gnuplot exited without writing %s: %s", path, g_strerror(e));
    return FALSE;
  }
  if (!S_ISREG(st.st_mode)) {
    g_set_error(error, PLOT_ERROR, PLOT_ERROR_OUTPUT,
                "%s is not a regular file, so no picture could be kept there", path);
    return FALSE;
  }
  if (st.st_size == 0) {
    g_set_error(error, PLOT_ERROR, PLOT_ERROR_OUTPUT,
                "gnuplot exited without writing %s: the file is empty (is the disk full?)",
                path);
    return FALSE;
  }
  int fd = g_open(path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0) {
    int e = errno;
    g_set_error(error, PLOT_ERROR, PLOT_ERROR_OUTPUT, "cannot read %s back: %s", path,
                g_strerror(e));
    return FALSE;
  }
  enum { PEEK = 4096 };
  char head[PEEK + 1], tail[PEEK + 1];
  gsize nh = read_at(fd, head, PEEK, 0);
  off_t from = st.st_size > PEEK ? st.st_size - PEEK : 0;
  gsize nt = read_at(fd, tail, PEEK, from);
  close(fd);
  head[nh] = '\0';
  tail[nt] = '\0';
  const char *what = NULL;
  if (format == PLOT_FORMAT_PNG) {
    if (nh < sizeof png_signature || memcmp(head, png_signature, sizeof png_signature) != 0)
      what = "it does not start as a PNG does";
    else if (nt < sizeof png_iend ||
             memcmp(tail + nt - sizeof png_iend, png_iend, sizeof png_iend) != 0)
      what = "the PNG is cut short (no IEND chunk at its end: is the disk full?)";
  } else {
    if (g_strstr_len(head, (gssize) nh, "<svg") == NULL)
      what = "it holds no <svg element";
    else if (g_strstr_len(tail, (gssize) nt, "</svg>") == NULL)
      what = "the SVG is cut short (no </svg> at its end: is the disk full?)";
  }
  if (what != NULL) {
    g_set_error(error, PLOT_ERROR, PLOT_ERROR_OUTPUT, "gnuplot wrote %s, but %s (%" G_GINT64_FORMAT
                " bytes)", path, what, (gint64) st.st_size);
    return FALSE;
  }
  return TRUE;
}

gboolean
plot_render_script(const char *script, const PlotOptions *options, char **text,
                   GError **error)
{
  guint timeout_s = options->timeout_s > 0 ? options->timeout_s : PLOT_DEFAULT_TIMEOUT_S;
  /* A picture left there from before must not pass for the new one when gnuplot writes
   * nothing; anything but a regular file (a device, a link to one) is left alone. */
  GStatBuf st;
  if (options->format != PLOT_FORMAT_TEXT && g_lstat(options->output, &st) == 0 &&
      S_ISREG(st.st_mode))
    g_unlink(options->output);
  g_autofree char *out = NULL;
  if (!run_gnuplot(script, timeout_s, &out, error))
    return FALSE;
  if (options->format != PLOT_FORMAT_TEXT &&
      !plot_check_output(options->output, options->format, error))
    return FALSE;
  if (text != NULL)
    *text = options->format == PLOT_FORMAT_TEXT ? g_steal_pointer(&out) : NULL;
  return TRUE;
}

gboolean
plot_render(const PlotData *data, const PlotOptions *options, char **text, GError **error)
{
  g_autofree char *script = plot_script(data, options, error);
  if (script == NULL)
    return FALSE;
  return plot_render_script(script, options, text, error);
}

/* ---- bar charts of decisions ---- */

char *
plot_bars_script(const PlotBars *bars, PlotFormat format, const char *output,
                 const char *templates, GError **error)
{
  if (bars->bars->len == 0) {
    g_set_error(error, PLOT_ERROR, PLOT_ERROR_NOT_APPLICABLE, "nothing to draw: no %s",
                g_str_equal(bars->kind, "tornado") ? "inputs" : "levers");
    return NULL;
  }
  if (!g_str_equal(bars->kind, "levers") && !g_str_equal(bars->kind, "tornado")) {
    g_set_error(error, PLOT_ERROR, PLOT_ERROR_USAGE, "unknown bar chart '%s'", bars->kind);
    return NULL;
  }
  g_autoptr(GString) s = g_string_new("# zdsim: data, then the template\n");
  /* The height grows with the bars, so that long lists stay legible. */
  guint w = 900, h = 160 + 34 * bars->bars->len * (bars->legend2 != NULL ? 2 : 1);
  PlotOptions o = { .kind = PLOT_AVAILABILITY, .format = format, .output = output,
                    .templates = templates, .width = format == PLOT_FORMAT_TEXT ? 0 : w,
                    .height = format == PLOT_FORMAT_TEXT ? 0 : h };
  if (format == PLOT_FORMAT_TEXT) {
    o.width = 120;
    o.height = MIN(12 + 2 * bars->bars->len, 60u);
  }
  if (!put_terminal(s, &o, error))
    return NULL;
  put_text(s, "TITLE", bars->title, 120);
  put_text(s, "SUBTITLE", bars->subtitle != NULL ? bars->subtitle : "", 200);
  put_text(s, "XLABEL", bars->xlabel, 120);
  put_text(s, "LEGEND1", bars->legend1 != NULL ? bars->legend1 : "", 80);
  put_text(s, "LEGEND2", bars->legend2 != NULL ? bars->legend2 : "", 80);
  put_number(s, "TWO", bars->legend2 != NULL ? 1 : 0);
  put_number(s, "TEXT_TERMINAL", format == PLOT_FORMAT_TEXT ? 1 : 0);
  g_autoptr(GPtrArray) labels = g_ptr_array_new();
  for (guint i = 0; i < bars->bars->len; i++)
    g_ptr_array_add(labels, g_array_index(bars->bars, PlotBar, i).label);
  put_number(s, "N", bars->bars->len);
  put_text_array(s, "LABEL", labels, 60);
  /* Row i: the bar's position (the first at the top), then value, lo, hi of each series. */
  block_begin(s, "bars");
  for (guint i = 0; i < bars->bars->len; i++) {
    const PlotBar *b = &g_array_index(bars->bars, PlotBar, i);
    double row[] = { (double) (bars->bars->len - 1 - i), b->value, b->lo, b->hi,
                     b->value2, b->lo2, b->hi2 };
    put_row(s, G_N_ELEMENTS(row), row);
  }
  block_end(s);
  g_autofree char *dir = templates != NULL ? g_strdup(templates) : plot_templates_dir(error);
  if (dir == NULL)
    return NULL;
  g_autofree char *file = g_strdup_printf("%s.gp", bars->kind);
  g_autofree char *path = g_build_filename(dir, file, NULL);
  g_autofree char *text = NULL;
  gsize len = 0;
  g_autoptr(GError) local = NULL;
  if (!g_file_get_contents(path, &text, &len, &local)) {
    g_set_error(error, PLOT_ERROR, PLOT_ERROR_TEMPLATE, "cannot read the plot template: %s",
                local->message);
    return NULL;
  }
  g_string_append_printf(s, "# ---- %s ----\n", file);
  g_string_append_len(s, text, (gssize) len);
  if (len > 0 && text[len - 1] != '\n')
    g_string_append_c(s, '\n');
  g_string_append(s, "set output\n");
  return g_string_free(g_steal_pointer(&s), FALSE);
}

gboolean
plot_bars_render(const PlotBars *bars, PlotFormat format, const char *output,
                 const char *templates, char **text, GError **error)
{
  g_autofree char *script = plot_bars_script(bars, format, output, templates, error);
  if (script == NULL)
    return FALSE;
  g_autofree char *out = NULL;
  if (!run_gnuplot(script, PLOT_DEFAULT_TIMEOUT_S, &out, error))
    return FALSE;
  /* As plot_render(): success only for a picture that is there, whole. */
  if (format != PLOT_FORMAT_TEXT && !plot_check_output(output, format, error))
    return FALSE;
  if (text != NULL)
    *text = format == PLOT_FORMAT_TEXT ? g_steal_pointer(&out) : NULL;
  return TRUE;
}
