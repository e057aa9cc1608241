/* test-plot.c: the gnuplot pictures: every kind as a PNG (signature, size) and an SVG
 * (well-formed, holds its title); a scenario name made of quotes, newlines, backslashes,
 * backquotes and system("...") shown as written and never run; gnuplot missing from PATH or
 * failing gives the clear error; and the numbers behind the pictures (hour-of-week windows,
 * heatmap rates, the update the timeline picks) against values worked out by hand.
 *
 * The runs are made by hand (plot.h takes plain data), so every expected value follows from
 * the data written here. Pictures go to a temporary directory. */
#include <string.h>
#include <errno.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "zdsim/plot.h"
#include "zdsim/sweep.h"

#define S(x) ((gint64) (x) * G_USEC_PER_SEC)
#define MIN_US(x) ((gint64) (x) * 60 * G_USEC_PER_SEC)
#define HOURS(x) ((gint64) (x) * 3600 * G_USEC_PER_SEC)

/* The scenario behind every run: the default start, Monday 2027-01-04 00:00 UTC (scenario.start),
 * and the windows of the demo: RDS Wednesday 09:00-09:30 UTC, portal Sunday 01:00-04:00 UTC. */
static const char scenario_text[] = "[scenario]\n"
                                    "name = plot-test\n"
                                    "horizon = 1w\n"
                                    "replications = 2\n"
                                    "[database]\n"
                                    "maintenance_window = wed 09:00-09:30\n"
                                    "[portal]\n"
                                    "maintenance_window = sun 01:00-04:00\n";

static Scenario *
load_scenario(const char *const *overrides)
{
  g_autoptr(GError) error = NULL;
  Scenario *sc = scenario_load_data(scenario_text, strlen(scenario_text), "plot-test.ini",
                                    overrides, &error);
  g_assert_no_error(error);
  g_assert_nonnull(sc);
  return sc;
}

static char *
tmp_dir(void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp("zdsim-plot-XXXXXX", &error);
  g_assert_no_error(error);
  return dir;
}

static void
rm_rf(const char *path)
{
  if (g_file_test(path, G_FILE_TEST_IS_DIR) && !g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
    GDir *dir = g_dir_open(path, 0, NULL);
    const char *name;
    while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
      g_autofree char *child = g_build_filename(path, name, NULL);
      rm_rf(child);
    }
    if (dir != NULL)
      g_dir_close(dir);
    g_rmdir(path);
  } else {
    g_unlink(path);
  }
}

static void
add_outage(GArray *o, gint64 start, gint64 len, ModelCause cause)
{
  ModelInterval iv = { start, start + len, cause };
  g_array_append_val(o, iv);
}

static void
add_sample(GArray *t, gint64 time, guint serving, guint starting, guint containers,
           gboolean db_up)
{
  ModelSample s = { time, (guint16) serving, (guint16) starting, (guint16) containers, db_up };
  g_array_append_val(t, s);
}

/* Two platform updates in replication 0: [1 h, 2 h) and [30 h, 31 h) (Tuesday 06:00 UTC).
 * The 1-instance app has a 0.2 s outage in the first (too short to see) and a 90 s one in the
 * second, from 30 h 20 min; the others ride both updates out. */
#define UPDATE2_START HOURS(30)
#define OUTAGE2_START (HOURS(30) + MIN_US(20))
#define OUTAGE2_LEN S(90)

/* A run with @instances instances under @policy, as a sweep point when @swept. Its figures
 * are made up but plausible: availability 1 - 1e-4 / instances (stop-start: 1e-3 / instances),
 * interval +-1e-5. */
static PlotRun *
make_run(const Scenario *sc, guint instances, const char *policy, gboolean swept)
{
  PlotRun *run = plot_run_new();
  g_free(run->scenario);
  run->scenario = g_strdup(sc->name);
  g_free(run->policy);
  run->policy = g_strdup(policy);
  run->instances = instances;
  run->replications = 2;
  run->horizon = sc->horizon;
  run->start = g_date_time_ref(sc->start);
  if (swept) {
    run->swept = g_new0(char *, 3);
    run->swept[0] = g_strdup_printf("app.instances=%u", instances);
    run->swept[1] = g_strdup_printf("policy.evacuation=%s", policy);
  }
  double miss = (g_str_equal(policy, "stop-start") ? 1e-3 : 1e-4) / instances;
  run->summary[RUN_AVAILABILITY] = (StatsSummary) { 1 - miss, 1e-5, 1 - miss - 1e-5,
                                                    1 - miss + 1e-5, 2, STATS_METHOD_T };
  double down = miss * RUN_YEAR_S;
  run->summary[RUN_DOWNTIME_PER_YEAR] = (StatsSummary) { down, 60, down - 60, down + 60, 2,
                                                         STATS_METHOD_T };
  run->summary[RUN_INSTANCE_HOURS_PER_YEAR] =
      (StatsSummary) { instances * 8760.0, 1, instances * 8760.0 - 1, instances * 8760.0 + 1,
                       2, STATS_METHOD_T };
  for (guint r = 0; r < 2; r++) {
    GArray *o = g_array_new(FALSE, FALSE, sizeof(ModelInterval));
    /* Wednesday 09:10 UTC: a database failover of 90 s in every replication. */
    add_outage(o, HOURS(2 * 24 + 9) + MIN_US(10), S(90), CAUSE_DB_MAINTENANCE);
    if (instances == 1 && r == 0) {
      add_outage(o, HOURS(1) + MIN_US(30), S(1) / 5, CAUSE_PLATFORM_UPDATE);
      add_outage(o, OUTAGE2_START, OUTAGE2_LEN, CAUSE_PLATFORM_UPDATE);
    }
    if (instances == 1 && r == 1)
      add_outage(o, HOURS(100), S(45), CAUSE_PLATFORM_UPDATE);
    /* Sunday 02:00 UTC, inside the portal window: environment maintenance. */
    add_outage(o, HOURS(6 * 24 + 2), S(150), CAUSE_ENVIRONMENT_MAINTENANCE);
    g_ptr_array_add(run->outages, o);
  }
  run->timeline = g_array_new(FALSE, FALSE, sizeof(ModelSample));
  run->updates_spans = g_array_new(FALSE, FALSE, sizeof(ModelInterval));
  ModelInterval u1 = { HOURS(1), HOURS(2), CAUSE_PLATFORM_UPDATE };
  ModelInterval u2 = { UPDATE2_START, HOURS(31), CAUSE_PLATFORM_UPDATE };
  g_array_append_val(run->updates_spans, u1);
  g_array_append_val(run->updates_spans, u2);
  GArray *t = run->timeline;
  guint n = instances;
  add_sample(t, 0, n, 0, n, TRUE);
  /* Each update moves one instance: a replacement starts, the old copy stops. */
  add_sample(t, HOURS(1) + MIN_US(29), n, 1, n + 1, TRUE);
  if (n == 1) {
    add_sample(t, HOURS(1) + MIN_US(30), 0, 0, 1, TRUE);
    add_sample(t, HOURS(1) + MIN_US(30) + S(1) / 5, 1, 0, 1, TRUE);
  } else {
    add_sample(t, HOURS(1) + MIN_US(30), n, 0, n, TRUE);
  }
  add_sample(t, OUTAGE2_START - MIN_US(1), n, 1, n + 1, TRUE);
  if (n == 1) {
    add_sample(t, OUTAGE2_START, 0, 1, 1, TRUE);
    add_sample(t, OUTAGE2_START + OUTAGE2_LEN, 1, 0, 1, TRUE);
  } else {
    add_sample(t, OUTAGE2_START, n, 0, n, TRUE);
  }
  plot_run_set_windows(run, sc);
  return run;
}

/* The demo's sweep in small: 1-3 instances x rolling, stop-start. */
static PlotData *
make_sweep(const char *name, const char *description)
{
  g_autoptr(Scenario) sc = load_scenario(NULL);
  PlotData *data = plot_data_new(name, description, TRUE);
  const char *policies[] = { "rolling", "stop-start" };
  for (guint n = 1; n <= 3; n++)
    for (guint p = 0; p < G_N_ELEMENTS(policies); p++)
      plot_data_add(data, make_run(sc, n, policies[p], TRUE));
  return data;
}

static const char *
run_at_name(const PlotData *data)
{
  return ((const PlotRun *) g_ptr_array_index(data->runs, 0))->scenario;
}

static PlotData *
make_single(void)
{
  g_autoptr(Scenario) sc = load_scenario(NULL);
  PlotData *data = plot_data_new(NULL, NULL, FALSE);
  plot_data_add(data, make_run(sc, 1, "rolling", FALSE));
  return data;
}

/* ---- checking pictures ---- */

static void
check_png(const char *path, guint width, guint height)
{
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;
  g_file_get_contents(path, &bytes, &len, &error);
  g_assert_no_error(error);
  /* PNG signature (RFC 2083 §3.1), then the IHDR chunk: width and height big-endian at
   * bytes 16 and 20. */
  static const guchar sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_assert_cmpuint(len, >, 24);
  g_assert_cmpmem(bytes, 8, sig, 8);
  g_assert_cmpmem(bytes + 12, 4, "IHDR", 4);
  const guchar *b = (const guchar *) bytes;
  guint w = (guint) b[16] << 24 | (guint) b[17] << 16 | (guint) b[18] << 8 | b[19];
  guint h = (guint) b[20] << 24 | (guint) b[21] << 16 | (guint) b[22] << 8 | b[23];
  g_assert_cmpuint(w, ==, width);
  g_assert_cmpuint(h, ==, height);
  /* An empty canvas of this size compresses to about 2 KB; axes, text and lines add more. */
  g_assert_cmpuint(len, >, 5000);
}

typedef struct {
  gboolean in_text;
  GString *current;
  GPtrArray *texts;   /* the text of every <text> element */
} SvgTexts;

static void
svg_start(GMarkupParseContext *ctx, const char *element, const char **names,
          const char **values, gpointer user_data, GError **error)
{
  (void) ctx, (void) names, (void) values, (void) error;
  SvgTexts *s = user_data;
  if (g_str_equal(element, "text")) {
    s->in_text = TRUE;
    g_string_truncate(s->current, 0);
  }
}

static void
svg_end(GMarkupParseContext *ctx, const char *element, gpointer user_data, GError **error)
{
  (void) ctx, (void) error;
  SvgTexts *s = user_data;
  if (g_str_equal(element, "text")) {
    s->in_text = FALSE;
    g_ptr_array_add(s->texts, g_strdup(s->current->str));
  }
}

static void
svg_text(GMarkupParseContext *ctx, const char *text, gsize len, gpointer user_data,
         GError **error)
{
  (void) ctx, (void) error;
  SvgTexts *s = user_data;
  if (s->in_text)
    g_string_append_len(s->current, text, (gssize) len);
}

/* Parses @path as XML (GMarkup refuses anything not well-formed) and returns the text of its
 * <text> elements. Returns: (transfer full). */
static GPtrArray *
svg_texts(const char *path)
{
  g_autofree char *xml = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;
  g_file_get_contents(path, &xml, &len, &error);
  g_assert_no_error(error);
  /* GMarkup reads no DOCTYPE: skip the prolog up to the root element. */
  const char *root = strstr(xml, "<svg");
  g_assert_nonnull(root);
  SvgTexts s = { FALSE, g_string_new(NULL), g_ptr_array_new_with_free_func(g_free) };
  GMarkupParser parser = { svg_start, svg_end, svg_text, NULL, NULL };
  GMarkupParseContext *ctx = g_markup_parse_context_new(&parser, 0, &s, NULL);
  gboolean ok = g_markup_parse_context_parse(ctx, root, (gssize) (len - (gsize) (root - xml)),
                                             &error) &&
                g_markup_parse_context_end_parse(ctx, &error);
  g_assert_no_error(error);
  g_assert_true(ok);
  g_markup_parse_context_free(ctx);
  g_string_free(s.current, TRUE);
  return s.texts;
}

static gboolean
texts_contain(GPtrArray *texts, const char *needle)
{
  for (guint i = 0; i < texts->len; i++)
    if (strstr(g_ptr_array_index(texts, i), needle) != NULL)
      return TRUE;
  return FALSE;
}

/* @templates: NULL to find them as zdsim does. */
static void
render_with(const PlotData *data, PlotKind kind, PlotFormat format, const char *path,
            guint width, guint height, const char *templates)
{
  PlotOptions o = { .kind = kind, .format = format, .output = path, .width = width,
                    .height = height, .templates = templates };
  g_autoptr(GError) error = NULL;
  gboolean ok = plot_render(data, &o, NULL, &error);
  g_assert_no_error(error);
  g_assert_true(ok);
}

static void
render(const PlotData *data, PlotKind kind, PlotFormat format, const char *path,
       guint width, guint height)
{
  render_with(data, kind, format, path, width, height, NULL);
}

/* ---- tests ---- */

/* The heading each template gives its kind, followed by the name. */
static const struct {
  PlotKind kind;
  const char *heading;
  gboolean single; /* drawn from one run (else from the sweep) */
} kinds[] = {
  { PLOT_AVAILABILITY, "Availability by number of instances: ", FALSE },
  { PLOT_COST, "Downtime and cost by number of instances: ", FALSE },
  { PLOT_TIMELINE, "Platform work, minute by minute: ", FALSE },
  { PLOT_OUTAGES, "How long outages last: ", FALSE },
  { PLOT_OUTAGES, "How long outages last: ", TRUE },
  { PLOT_HEATMAP, "When the app is down, by hour of the week (UTC): ", TRUE },
  { PLOT_TIMELINE, "Platform work, minute by minute: ", TRUE },
};

static void
test_every_kind(void)
{
  g_autofree char *dir = tmp_dir();
  g_autoptr(PlotData) sweep = make_sweep("sweep-test", "1-3 instances, two policies");
  g_autoptr(PlotData) single = make_single();
  for (guint i = 0; i < G_N_ELEMENTS(kinds); i++) {
    const PlotData *data = kinds[i].single ? single : sweep;
    const char *name = kinds[i].single ? "plot-test" : "sweep-test";
    g_autofree char *base = g_strdup_printf("%s-%u", plot_kind_name(kinds[i].kind), i);
    g_autofree char *png_name = g_strconcat(base, ".png", NULL);
    g_autofree char *svg_name = g_strconcat(base, ".svg", NULL);
    g_autofree char *png = g_build_filename(dir, png_name, NULL);
    g_autofree char *svg = g_build_filename(dir, svg_name, NULL);
    g_test_message("%s", png);
    render(data, kinds[i].kind, PLOT_FORMAT_PNG, png, 800, 500);
    check_png(png, 800, 500);
    render(data, kinds[i].kind, PLOT_FORMAT_SVG, svg, 0, 0);
    g_autoptr(GPtrArray) texts = svg_texts(svg);
    g_autofree char *title = g_strconcat(kinds[i].heading, name, NULL);
    g_assert_true(texts_contain(texts, title));
  }
  rm_rf(dir);
}

static void
test_text_terminal(void)
{
  g_autoptr(PlotData) sweep = make_sweep("text-test", NULL);
  PlotOptions o = { .kind = PLOT_AVAILABILITY, .format = PLOT_FORMAT_TEXT };
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_assert_true(plot_render(sweep, &o, &text, &error));
  g_assert_no_error(error);
  g_assert_nonnull(strstr(text, "Availability by number of instances: text-test"));
  g_assert_nonnull(strstr(text, "app instances"));
}

/* Quotes, line breaks, backslashes, backquotes (command substitution, which gnuplot performs
 * even inside double quotes), system("..."), a macro, enhanced-text markup and XML. */
static void
test_hostile_name(void)
{
  g_autofree char *dir = tmp_dir();
  /* gnuplot runs in our working directory: a command that got through would leave its file
   * in this temporary one. */
  g_autofree char *cwd = g_get_current_dir();
  g_autoptr(GError) error = NULL;
  g_autofree char *found = plot_templates_dir(&error);
  g_assert_no_error(error);
  g_autofree char *templates = g_canonicalize_filename(found, cwd);
  g_assert_cmpint(g_chdir(dir), ==, 0);
  const char *name = "x\";system(\"touch s\");\"\n`touch b`\\@a_b^{c}&<d>$e%s%n";
  const char *description = "line one\nline two \\\" system(\"touch s\")";
  /* What is shown: line breaks become spaces, everything else as written. */
  const char *shown = "x\";system(\"touch s\");\" `touch b`\\@a_b^{c}&<d>$e%s%n";
  const char *shown_desc = "line one line two \\\" system(\"touch s\")";

  g_autoptr(PlotData) sweep = make_sweep(name, description);
  /* The series labels come from the swept values: make one hostile too. */
  PlotRun *first = g_ptr_array_index(sweep->runs, 0);
  g_free(first->swept[1]);
  first->swept[1] = g_strdup("policy.evacuation=`touch b`");
  const PlotKind hostile_kinds[] = { PLOT_AVAILABILITY, PLOT_HEATMAP, PLOT_OUTAGES };
  for (guint i = 0; i < G_N_ELEMENTS(hostile_kinds); i++) {
    g_autofree char *file = g_strdup_printf("hostile-%u.svg", i);
    render_with(sweep, hostile_kinds[i], PLOT_FORMAT_SVG, file, 0, 0, templates);
    g_autoptr(GPtrArray) texts = svg_texts(file);
    g_assert_true(texts_contain(texts, shown));
    g_assert_true(texts_contain(texts, shown_desc));
  }
  g_autoptr(GPtrArray) texts = svg_texts("hostile-0.svg");
  g_assert_true(texts_contain(texts, "`touch b` evacuation"));
  g_assert_false(g_file_test("s", G_FILE_TEST_EXISTS));
  g_assert_false(g_file_test("b", G_FILE_TEST_EXISTS));
  g_assert_cmpint(g_chdir(cwd), ==, 0);
  rm_rf(dir);
}

static void
test_escape(void)
{
  static const struct {
    const char *in;
    gsize max;
    const char *out;
  } cases[] = {
    { "plain", 0, "plain" },
    { "a\"b", 0, "a\\\"b" },
    { "back\\slash", 0, "back\\\\slash" },
    { "two\nlines\r\tx", 0, "two lines  x" },
    { "`cmd`", 0, "\\140cmd\\140" },
    { "@macro $var", 0, "\\100macro \\044var" },
    { "bell\a nul-free \x7f", 0, "bell nul-free " },
    { "caf\xc3\xa9", 0, "caf\xc3\xa9" },
    { "bad \xff utf8", 0, "bad \xef\xbf\xbd utf8" },
    { "abcdef", 3, "abc..." },
    { "\xc3\xa9\xc3\xa9\xc3\xa9", 2, "\xc3\xa9\xc3\xa9..." },
    { "", 0, "" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *got = plot_escape(cases[i].in, cases[i].max);
    g_assert_cmpstr(got, ==, cases[i].out);
  }
}

/* The windows as hour-of-week spans: Monday 00:00 UTC = 0, so Wednesday 09:00-09:30 is
 * 2 * 24 + 9 = 57 to 57.5 and Sunday 01:00-04:00 is 6 * 24 + 1 = 145 to 148, whatever day the
 * run starts; a window across Sunday midnight is cut in two. */
static void
test_windows(void)
{
  static const struct {
    const char *start, *portal, *db;
    double portal_spans[4], db_spans[4]; /* from, to, from, to (0 0 when one span) */
  } cases[] = {
    { "2027-01-04T00:00:00Z", "sun 01:00-04:00", "wed 09:00-09:30", { 145, 148, 0, 0 },
      { 57, 57.5, 0, 0 } },
    { "2027-01-06T12:00:00Z", "sun 01:00-04:00", "wed 09:00-09:30", { 145, 148, 0, 0 },
      { 57, 57.5, 0, 0 } },
    { "2027-01-04T00:00:00Z", "sun 23:00-mon 02:00", "mon 00:00-00:30", { 0, 2, 167, 168 },
      { 0, 0.5, 0, 0 } },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *start = g_strdup_printf("scenario.start=%s", cases[i].start);
    g_autofree char *portal = g_strdup_printf("portal.maintenance_window=%s", cases[i].portal);
    g_autofree char *db = g_strdup_printf("database.maintenance_window=%s", cases[i].db);
    const char *overrides[] = { start, portal, db, NULL };
    g_autoptr(Scenario) sc = load_scenario(overrides);
    g_autoptr(PlotRun) run = plot_run_new();
    plot_run_set_windows(run, sc);
    GArray *sets[] = { run->portal_window, run->db_window };
    const double *want[] = { cases[i].portal_spans, cases[i].db_spans };
    for (guint k = 0; k < 2; k++) {
      /* Sorted by start for comparison; the order of spans carries no meaning. */
      guint n = want[k][3] > 0 ? 2 : 1;
      g_assert_cmpuint(sets[k]->len, ==, n);
      for (guint j = 0; j < n; j++) {
        gboolean found = FALSE;
        for (guint m = 0; m < sets[k]->len; m++) {
          const PlotSpan *sp = &g_array_index(sets[k], PlotSpan, m);
          if (G_APPROX_VALUE(sp->from_h, want[k][2 * j], 1e-9) &&
              G_APPROX_VALUE(sp->to_h, want[k][2 * j + 1], 1e-9))
            found = TRUE;
        }
        g_assert_true(found);
      }
    }
    if (i == 0) {
      /* Legends name the windows as written, in UTC. */
      g_assert_cmpstr(run->portal_text, ==, "sun 01:00-04:00 UTC");
      g_assert_cmpstr(run->db_text, ==, "wed 09:00-09:30 UTC");
    }
  }
}

/* The data block row of @block in @script that starts with @prefix, or NULL. */
static char *
find_row(const char *script, const char *block, const char *prefix)
{
  g_autofree char *head = g_strdup_printf("$%s << EOD\n", block);
  const char *p = strstr(script, head);
  g_assert_nonnull(p);
  p += strlen(head);
  const char *end = strstr(p, "\nEOD\n");
  g_assert_nonnull(end);
  g_autofree char *body = g_strndup(p, (gsize) (end - p));
  g_auto(GStrv) lines = g_strsplit(body, "\n", -1);
  for (char **l = lines; *l != NULL; l++)
    if (g_str_has_prefix(*l, prefix))
      return g_strdup(*l);
  return NULL;
}

static void
test_heatmap_rates(void)
{
  g_autoptr(PlotData) single = make_single();
  PlotOptions o = { .kind = PLOT_HEATMAP, .format = PLOT_FORMAT_SVG, .output = "unused.svg" };
  g_autoptr(GError) error = NULL;
  g_autofree char *script = plot_script(single, &o, &error);
  g_assert_no_error(error);
  /* A cell holds downtime minutes per year. Both replications have a 90 s outage from
   * Wednesday 09:10 UTC (column 9.5, row 2): 2 x 1.5 min / (2 replications x 7/365 years)
   * = 1.5 x 365/7 = 78.214... minutes per year. */
  g_autofree char *wed = find_row(script, "heat", "9.5 2 ");
  g_assert_nonnull(wed);
  double v = g_ascii_strtod(wed + strlen("9.5 2 "), NULL);
  g_assert_cmpfloat_with_epsilon(v, 1.5 * 365.0 / 7, 1e-6);
  /* Replication 0 alone has the 0.2 s outage at Monday 01:30: 0.2/60 min / (2 x 7/365). */
  g_autofree char *mon = find_row(script, "heat", "1.5 0 ");
  g_assert_nonnull(mon);
  g_assert_cmpfloat_with_epsilon(g_ascii_strtod(mon + strlen("1.5 0 "), NULL),
                                 0.2 / 60 * 365.0 / 14, 1e-9);
  /* The hour after it had none. */
  g_autofree char *none = find_row(script, "heat", "2.5 0 ");
  g_assert_cmpstr(none, ==, "2.5 0 0");
  /* The windows: portal Sunday (row 6) 01-04, RDS Wednesday (row 2) 09:00-09:30, and the
   * default business hours, mon-fri 08:00-18:00 Europe/Amsterdam, which in January (CET,
   * UTC+1) are 07:00-17:00 UTC, Monday (row 0) to Friday (row 4). */
  g_autofree char *portal = find_row(script, "portal", "1 4 6");
  g_assert_nonnull(portal);
  g_autofree char *rds = find_row(script, "rds", "9 9.5 2");
  g_assert_nonnull(rds);
  for (guint d = 0; d < 5; d++) {
    g_autofree char *want = g_strdup_printf("7 17 %u", d);
    g_autofree char *row = find_row(script, "business", want);
    g_assert_cmpstr(row, ==, want);
  }
  g_assert_nonnull(strstr(script, "NBUSINESS = 5\n"));
  g_assert_nonnull(strstr(script, "HEAT_WHAT = \"downtime\"\n"));

  /* --metric business_hours_availability: only business-hours minutes. Wednesday 09:10 UTC is
   * inside (10:10 CET), so its cell keeps 78.21; Monday 01:30 UTC (02:30 CET) and Sunday
   * 02:00 (the portal window) are outside and count nothing. */
  o.metric = "business_hours_availability";
  g_autofree char *bh = plot_script(single, &o, &error);
  g_assert_no_error(error);
  g_autofree char *bh_wed = find_row(bh, "heat", "9.5 2 ");
  g_assert_cmpfloat_with_epsilon(g_ascii_strtod(bh_wed + strlen("9.5 2 "), NULL),
                                 1.5 * 365.0 / 7, 1e-6);
  g_autofree char *bh_mon = find_row(bh, "heat", "1.5 0 ");
  g_assert_cmpstr(bh_mon, ==, "1.5 0 0");
  g_autofree char *bh_sun = find_row(bh, "heat", "2.5 6 ");
  g_assert_cmpstr(bh_sun, ==, "2.5 6 0");
  g_assert_nonnull(strstr(bh, "HEAT_WHAT = \"business-hours downtime\"\n"));
}

/* The weighting function on a hand-built outage list, time 0 being Monday 00:00 UTC:
 *   Monday 09:30-10:15: 30 min to Monday 09, 15 min to Monday 10;
 *   Sunday 23:50 to Monday 00:20 (a week later): 10 min to Sunday 23, 20 min to Monday 00
 *     (the week wraps);
 * with @weight 2 every minute counts twice. Restricted to business hours 10:00-18:00 on
 * Monday, the first outage gives only its 15 min in Monday 10. With time 0 on Monday 09:00
 * (week_offset 9 h), an outage from 0:30 to 1:15 of simulation time is the first again. */
static void
test_heatmap_weights(void)
{
  GArray *o = g_array_new(FALSE, FALSE, sizeof(ModelInterval));
  add_outage(o, HOURS(9) + MIN_US(30), MIN_US(45), CAUSE_CRASH);
  add_outage(o, HOURS(7 * 24 - 1) + MIN_US(50), MIN_US(30), CAUSE_CRASH);
  double minutes[PLOT_HOURS_PER_WEEK] = { 0 };
  plot_heatmap_add(minutes, o, 0, NULL, 1.0);
  g_assert_cmpfloat_with_epsilon(minutes[9], 30, 1e-12);
  g_assert_cmpfloat_with_epsilon(minutes[10], 15, 1e-12);
  g_assert_cmpfloat_with_epsilon(minutes[167], 10, 1e-12);
  g_assert_cmpfloat_with_epsilon(minutes[0], 20, 1e-12);
  double sum = 0;
  for (guint h = 0; h < PLOT_HOURS_PER_WEEK; h++)
    sum += minutes[h];
  g_assert_cmpfloat_with_epsilon(sum, 45 + 30, 1e-12);

  double twice[PLOT_HOURS_PER_WEEK] = { 0 };
  plot_heatmap_add(twice, o, 0, NULL, 2.0);
  g_assert_cmpfloat_with_epsilon(twice[9], 60, 1e-12);

  GArray *business = g_array_new(FALSE, FALSE, sizeof(CalendarInterval));
  CalendarInterval monday = { HOURS(10), HOURS(18) };
  g_array_append_val(business, monday);
  double inside[PLOT_HOURS_PER_WEEK] = { 0 };
  plot_heatmap_add(inside, o, 0, business, 1.0);
  g_assert_cmpfloat_with_epsilon(inside[9], 0, 1e-12);
  g_assert_cmpfloat_with_epsilon(inside[10], 15, 1e-12);
  g_assert_cmpfloat_with_epsilon(inside[167] + inside[0], 0, 1e-12);

  GArray *shifted = g_array_new(FALSE, FALSE, sizeof(ModelInterval));
  add_outage(shifted, MIN_US(30), MIN_US(45), CAUSE_CRASH);
  double later[PLOT_HOURS_PER_WEEK] = { 0 };
  plot_heatmap_add(later, shifted, HOURS(9), NULL, 1.0);
  g_assert_cmpfloat_with_epsilon(later[9], 30, 1e-12);
  g_assert_cmpfloat_with_epsilon(later[10], 15, 1e-12);
  g_array_unref(o);
  g_array_unref(business);
  g_array_unref(shifted);
}

/* --metric: the availability and cost plots draw the chosen metric and name it on the axis;
 * a kind that cannot draw it refuses with what can. */
static void
test_metric(void)
{
  g_autoptr(PlotData) sweep = make_sweep("metric-test", NULL);
  g_autoptr(GError) error = NULL;
  for (guint i = 0; i < sweep->runs->len; i++) {
    PlotRun *run = g_ptr_array_index(sweep->runs, i);
    /* A request availability one nine lower than the time figure, a downtime outside the
     * portal window of half the downtime: values the default metric does not have. */
    StatsSummary a = run->summary[RUN_AVAILABILITY];
    run->summary[RUN_REQUEST_AVAILABILITY] = (StatsSummary) { 1 - 10 * (1 - a.mean), a.sd,
                                                              1 - 10 * (1 - a.lo),
                                                              1 - 10 * (1 - a.hi), a.n,
                                                              STATS_METHOD_T };
    StatsSummary d = run->summary[RUN_DOWNTIME_PER_YEAR];
    run->summary[RUN_DOWNTIME_OUTSIDE_PORTAL] = (StatsSummary) { d.mean / 2, d.sd, d.lo / 2,
                                                                 d.hi / 2, d.n,
                                                                 STATS_METHOD_T };
  }
  PlotOptions o = { .kind = PLOT_AVAILABILITY, .format = PLOT_FORMAT_SVG, .output = "x.svg",
                    .metric = "request_availability" };
  g_autofree char *av = plot_script(sweep, &o, &error);
  g_assert_no_error(error);
  g_assert_nonnull(strstr(av, "METRIC_LABEL = \"request availability\"\n"));
  g_assert_nonnull(strstr(av, "HEAD_METRIC = \"Request availability\"\n"));
  /* 1 instance, rolling: availability 1 - 1e-4, so the request figure is 1 - 1e-3 = 99.9 %. */
  g_autofree char *row = find_row(av, "points", "1 ");
  g_assert_nonnull(row);
  g_assert_cmpfloat_with_epsilon(g_ascii_strtod(row + 2, NULL), 99.9, 1e-9);

  o.kind = PLOT_COST;
  o.metric = "downtime_outside_portal_window_per_year_s";
  g_autofree char *cost = plot_script(sweep, &o, &error);
  g_assert_no_error(error);
  g_assert_nonnull(strstr(cost, "METRIC_LABEL = \"downtime outside portal window\"\n"));
  /* 1 instance, rolling: downtime 1e-4 of a year in minutes, halved. */
  g_autofree char *crow = find_row(cost, "points", "1 ");
  g_assert_cmpfloat_with_epsilon(g_ascii_strtod(crow + 2, NULL), 1e-4 * RUN_YEAR_S / 60 / 2,
                                 1e-6);

  static const struct {
    PlotKind kind;
    const char *metric;
    const char *says;
  } refused[] = {
    { PLOT_AVAILABILITY, "downtime_per_year_s", "--kind cost" },
    { PLOT_COST, "availability", "--kind availability" },
    { PLOT_OUTAGES, "availability", "not to outages" },
    { PLOT_AVAILABILITY, "outages_per_year", "cannot be a target" },
    { PLOT_AVAILABILITY, "nines", "unknown metric 'nines'" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(refused); i++) {
    PlotOptions bad = { .kind = refused[i].kind, .format = PLOT_FORMAT_SVG, .output = "x.svg",
                        .metric = refused[i].metric };
    g_autofree char *none = plot_script(sweep, &bad, &error);
    g_assert_null(none);
    g_assert_error(error, PLOT_ERROR, PLOT_ERROR_USAGE);
    g_assert_nonnull(strstr(error->message, refused[i].says));
    g_clear_error(&error);
  }
}

/* The timeline shows the first update in which the 1-instance app was visibly down: the
 * second (Tuesday 2027-01-05 06:00 UTC), since the first only lost 0.2 s. The 2-instance panel
 * shows its update nearest that one, the same. */
static void
test_timeline_choice(void)
{
  g_autoptr(PlotData) sweep = make_sweep("choice", NULL);
  PlotOptions o = { .kind = PLOT_TIMELINE, .format = PLOT_FORMAT_SVG, .output = "unused.svg" };
  g_autoptr(GError) error = NULL;
  g_autofree char *script = plot_script(sweep, &o, &error);
  g_assert_no_error(error);
  g_assert_nonnull(strstr(script, "NPANELS = 2\n"));
  g_assert_nonnull(strstr(script, "PANEL[1] = \"1 instance, rolling evacuation\"\n"));
  g_assert_nonnull(strstr(script, "PANEL[2] = \"2 instances, rolling evacuation\"\n"));
  g_assert_nonnull(strstr(
      script, "NOTE[1] = \"update started Tue 2027-01-05 06:00 UTC; app down 90 s\"\n"));
  g_assert_nonnull(strstr(
      script, "NOTE[2] = \"update started Tue 2027-01-05 06:00 UTC; app never down\"\n"));
  /* The outage starts 20 min into the update; the 1-instance panel holds a row there with
   * nothing serving, one starting, one container, database up, app down. */
  g_autofree char *down = find_row(script, "timeline", "20 0 1 1 1 0");
  g_assert_nonnull(down);
}

/* Infrastructure restarts are platform work too: when the 1-instance app went visibly down
 * only during a restart (the updates' outage is taken away here), the timeline shows that
 * restart, says so, and the 2-instance panel shows its own restart rather than the update
 * that started nearer in time. Restart at 50 h (Wednesday 02:00 UTC) for 1 instance with a
 * 70 s outage; at 52 h for 2 instances; updates at 1 h and 30 h for both. */
static void
test_timeline_restart(void)
{
  g_autoptr(Scenario) sc = load_scenario(NULL);
  g_autoptr(PlotData) data = plot_data_new("restart", NULL, TRUE);
  for (guint n = 1; n <= 2; n++) {
    PlotRun *run = make_run(sc, n, "rolling", TRUE);
    GArray *o = g_ptr_array_index(run->outages, 0);
    g_array_set_size(o, 0);
    if (n == 1)
      add_outage(o, HOURS(50) + S(5), S(70), CAUSE_PLATFORM_RESTART);
    ModelInterval restart = { HOURS(n == 1 ? 50 : 52), HOURS(n == 1 ? 50 : 52) + MIN_US(3),
                              CAUSE_PLATFORM_RESTART };
    g_array_append_val(run->updates_spans, restart);
    plot_data_add(data, run);
  }
  PlotOptions o = { .kind = PLOT_TIMELINE, .format = PLOT_FORMAT_SVG, .output = "unused.svg" };
  g_autoptr(GError) error = NULL;
  g_autofree char *script = plot_script(data, &o, &error);
  g_assert_no_error(error);
  g_assert_nonnull(strstr(
      script,
      "NOTE[1] = \"infrastructure restart started Wed 2027-01-06 02:00 UTC; app down 70 s\"\n"));
  g_assert_nonnull(strstr(
      script,
      "NOTE[2] = \"infrastructure restart started Wed 2027-01-06 04:00 UTC; app never down\"\n"));
}

/* Runs straight from the model: a 1- and a 2-instance run of two weeks with a platform update
 * every day, replication 0's timeline kept; every kind that applies renders. */
static void
test_from_run(void)
{
  g_autofree char *dir = tmp_dir();
  g_autoptr(PlotData) data = plot_data_new(NULL, NULL, FALSE);
  for (guint n = 1; n <= 2; n++) {
    g_autofree char *instances = g_strdup_printf("app.instances=%u", n);
    const char *overrides[] = { instances, "scenario.horizon=2w", "platform.updates=1/d",
                                "database.maintenance_rate=1/w", NULL };
    g_autoptr(Scenario) sc = load_scenario(overrides);
    RunOptions options = { .jobs = 1, .keep_timeline = TRUE };
    g_autoptr(GError) error = NULL;
    g_autoptr(RunResult) result = run_execute(sc, &options, &error);
    g_assert_no_error(error);
    plot_data_add(data, plot_run_new_from_result(result, NULL));
    /* The run copied what it needs: the scenario and the result may go. */
  }
  g_assert_cmpstr(run_at_name(data), ==, "plot-test");
  for (int k = 0; k < PLOT_KIND_COUNT; k++) {
    g_autoptr(GError) error = NULL;
    if (!plot_applies((PlotKind) k, data, &error))
      continue;
    g_autofree char *file = g_strdup_printf("run-%s.svg", plot_kind_name((PlotKind) k));
    g_autofree char *svg = g_build_filename(dir, file, NULL);
    render(data, (PlotKind) k, PLOT_FORMAT_SVG, svg, 0, 0);
    g_autoptr(GPtrArray) texts = svg_texts(svg);
    g_assert_true(texts_contain(texts, "plot-test"));
  }
  rm_rf(dir);
}

/* A stored sweep loads into plot data as it was run: its points in order with their swept
 * values, named after the sweep's scenario; an unknown run is the store's error. */
static void
test_load_sweep(void)
{
  g_autofree char *dir = tmp_dir();
  g_autofree char *path = g_build_filename(dir, "plot.db", NULL);
  const char *overrides[] = { "scenario.horizon=2d", NULL };
  g_autoptr(Scenario) base = load_scenario(overrides);
  g_autoptr(GPtrArray) axes = g_ptr_array_new();
  g_autoptr(SweepResult) sweep = sweep_result_new(g_ptr_array_ref(axes));
  g_autoptr(GError) error = NULL;
  for (guint n = 1; n <= 2; n++) {
    g_autofree char *instances = g_strdup_printf("app.instances=%u", n);
    const char *const point[] = { instances, "policy.evacuation=rolling", NULL };
    g_assert_true(sweep_add_point(sweep, base, point, &error));
  }
  RunOptions options = { .jobs = 1 };
  g_assert_true(sweep_run_points(sweep, &options, NULL, NULL, &error));
  g_assert_no_error(error);
  g_autoptr(Store) store = store_open(path, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error(error);
  gint64 id = store_save_sweep(store, "sweep", base, sweep->axes, sweep->results, sweep->points,
                               &error);
  g_assert_no_error(error);
  g_autoptr(StoreSweepInfo) info = store_load_sweep(store, id, &error);
  g_assert_no_error(error);
  g_autoptr(GPtrArray) runs = store_list_runs(store, id, NULL, 0, &error);
  g_assert_no_error(error);

  g_autoptr(PlotData) data = plot_data_load_sweep(store, info, runs, &error);
  g_assert_no_error(error);
  g_assert_true(data->sweep);
  g_assert_cmpstr(data->name, ==, "plot-test");
  g_assert_cmpuint(data->runs->len, ==, 2);
  for (guint i = 0; i < 2; i++) {
    const PlotRun *run = g_ptr_array_index(data->runs, i);
    g_assert_cmpuint(run->instances, ==, i + 1);
    g_assert_true(g_strv_equal((const char *const *) run->swept,
                               g_ptr_array_index(sweep->points, i)));
  }

  /* A run that is not there: the store's error, no data. */
  StoreRunInfo *gone = g_new0(StoreRunInfo, 1);
  gone->id = 987654;
  g_ptr_array_add(runs, gone);
  g_assert_null(plot_data_load_sweep(store, info, runs, &error));
  g_assert_error(error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
  rm_rf(dir);
}

static void
test_not_applicable(void)
{
  g_autoptr(PlotData) single = make_single();
  PlotOptions o = { .kind = PLOT_AVAILABILITY, .format = PLOT_FORMAT_SVG, .output = "x.svg" };
  g_autoptr(GError) error = NULL;
  g_assert_false(plot_render(single, &o, NULL, &error));
  g_assert_error(error, PLOT_ERROR, PLOT_ERROR_NOT_APPLICABLE);
  g_assert_nonnull(strstr(error->message, "app.instances"));

  g_autoptr(PlotData) none = plot_data_new("quiet", NULL, FALSE);
  g_autoptr(Scenario) sc = load_scenario(NULL);
  PlotRun *run = make_run(sc, 2, "rolling", FALSE);
  for (guint r = 0; r < run->outages->len; r++)
    g_array_set_size(g_ptr_array_index(run->outages, r), 0);
  plot_data_add(none, run);
  g_clear_error(&error);
  g_assert_false(plot_applies(PLOT_HEATMAP, none, &error));
  g_assert_error(error, PLOT_ERROR, PLOT_ERROR_NOT_APPLICABLE);
  g_clear_error(&error);
  g_assert_true(plot_applies(PLOT_TIMELINE, none, &error));
  g_assert_no_error(error);
}

static void
test_format_for_path(void)
{
  static const struct {
    const char *path;
    gboolean ok;
    PlotFormat format;
  } cases[] = {
    { "a.png", TRUE, PLOT_FORMAT_PNG }, { "dir/B.PNG", TRUE, PLOT_FORMAT_PNG },
    { "c.svg", TRUE, PLOT_FORMAT_SVG }, { "d.pdf", FALSE, PLOT_FORMAT_PNG },
    { "png", FALSE, PLOT_FORMAT_PNG },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    PlotFormat f = PLOT_FORMAT_TEXT;
    g_autoptr(GError) error = NULL;
    gboolean ok = plot_format_for_path(cases[i].path, &f, &error);
    g_assert_cmpint(ok, ==, cases[i].ok);
    if (ok)
      g_assert_cmpint(f, ==, cases[i].format);
    else
      g_assert_error(error, PLOT_ERROR, PLOT_ERROR_USAGE);
  }
  for (int k = 0; k < PLOT_KIND_COUNT; k++)
    g_assert_cmpint(plot_kind_lookup(plot_kind_name(k)), ==, k);
  g_assert_cmpint(plot_kind_lookup("pie"), ==, -1);
}

/* gnuplot missing from PATH: the clear error, in a child process so that PATH stays as it
 * was for the other tests. */
static void
test_no_gnuplot(void)
{
  if (g_test_subprocess()) {
    g_autofree char *empty = tmp_dir();
    g_setenv("PATH", empty, TRUE);
    g_autoptr(PlotData) sweep = make_sweep("no-gnuplot", NULL);
    g_autofree char *out = g_build_filename(empty, "a.png", NULL);
    PlotOptions o = { .kind = PLOT_AVAILABILITY, .format = PLOT_FORMAT_PNG, .output = out };
    g_autoptr(GError) error = NULL;
    g_assert_false(plot_render(sweep, &o, NULL, &error));
    g_assert_error(error, PLOT_ERROR, PLOT_ERROR_NO_GNUPLOT);
    g_assert_cmpstr(error->message, ==,
                    "gnuplot not found on PATH: install gnuplot-nox (make deps)");
    g_assert_false(g_file_test(out, G_FILE_TEST_EXISTS));
    rm_rf(empty);
    return;
  }
  g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed();
}

/* An output file name with quotes, a backquote, a dollar and a backslash is written exactly
 * there; one with a line break is refused before gnuplot starts. */
static void
test_output_name(void)
{
  g_autofree char *dir = tmp_dir();
  g_autoptr(PlotData) single = make_single();
  g_autofree char *odd = g_build_filename(dir, "a\"`b`$c\\d @e.png", NULL);
  render(single, PLOT_OUTAGES, PLOT_FORMAT_PNG, odd, 640, 480);
  check_png(odd, 640, 480);
  g_autofree char *bad = g_build_filename(dir, "line\nbreak.png", NULL);
  PlotOptions o = { .kind = PLOT_OUTAGES, .format = PLOT_FORMAT_PNG, .output = bad };
  g_autoptr(GError) error = NULL;
  g_assert_false(plot_render(single, &o, NULL, &error));
  g_assert_error(error, PLOT_ERROR, PLOT_ERROR_USAGE);
  rm_rf(dir);
}

/* A template gnuplot cannot read: its own error line comes back. */
static void
test_gnuplot_fails(void)
{
  g_autofree char *dir = tmp_dir();
  g_autofree char *tpl = g_build_filename(dir, "availability.gp", NULL);
  g_assert_true(g_file_set_contents(tpl, "plot $points using 1:2 with nonsense\n", -1, NULL));
  g_autofree char *out = g_build_filename(dir, "a.png", NULL);
  g_autoptr(PlotData) sweep = make_sweep("fails", NULL);
  PlotOptions o = { .kind = PLOT_AVAILABILITY, .format = PLOT_FORMAT_PNG, .output = out,
                    .templates = dir };
  g_autoptr(GError) error = NULL;
  g_assert_false(plot_render(sweep, &o, NULL, &error));
  g_assert_error(error, PLOT_ERROR, PLOT_ERROR_GNUPLOT);
  g_assert_nonnull(strstr(error->message, "gnuplot failed"));
  g_assert_nonnull(strstr(error->message, "nonsense"));

  /* And a missing template. */
  g_autofree char *empty = g_build_filename(dir, "none", NULL);
  o.templates = empty;
  g_clear_error(&error);
  g_assert_false(plot_render(sweep, &o, NULL, &error));
  g_assert_error(error, PLOT_ERROR, PLOT_ERROR_TEMPLATE);
  rm_rf(dir);
}

/* A directory holding an executable "gnuplot" that runs @body (a shell script's lines), for
 * PATH in a subprocess; the script finds the usual commands where they were (it runs with that
 * directory alone on PATH). Returns: (transfer full) the directory. */
static char *
fake_gnuplot(const char *body)
{
  char *dir = tmp_dir();
  g_autofree char *sleep_path = g_find_program_in_path("sleep");
  g_autofree char *sleep_dir = g_path_get_dirname(sleep_path);
  g_autofree char *path = g_build_filename(dir, "gnuplot", NULL);
  g_autofree char *text = g_strdup_printf("#!/bin/sh\nPATH=%s:/usr/bin:/bin\n%s\n", sleep_dir,
                                          body);
  g_assert_true(g_file_set_contents(path, text, -1, NULL));
  g_assert_cmpint(g_chmod(path, 0755), ==, 0);
  return dir;
}

/* What plot_check_output() accepts: a PNG starts with its 8-byte signature and ends with the
 * 12-byte IEND chunk (PNG specification 5.2, 11.2.5); an SVG holds "<svg" near its start and
 * "</svg>" near its end. Anything else, an empty file or one that is not there, is refused
 * naming the file. */
static void
test_check_output(void)
{
  static const char png_start[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
  static const char png_end[] = "\0\0\0\0IEND\xae\x42\x60\x82";
  g_autoptr(GString) png = g_string_new_len(png_start, sizeof png_start - 1);
  g_autoptr(GString) cut = g_string_new_len(png_start, sizeof png_start - 1);
  g_string_append_len(png, png_end, sizeof png_end - 1);
  static const struct {
    const char *name;
    PlotFormat format;
    gboolean ok;
    const char *says;  /* in the message when refused */
  } cases[] = {
    { "whole.png", PLOT_FORMAT_PNG, TRUE, NULL },
    { "cut.png", PLOT_FORMAT_PNG, FALSE, "cut short" },
    { "text.png", PLOT_FORMAT_PNG, FALSE, "does not start as a PNG does" },
    { "empty.png", PLOT_FORMAT_PNG, FALSE, "empty" },
    { "missing.png", PLOT_FORMAT_PNG, FALSE, "without writing" },
    { "whole.svg", PLOT_FORMAT_SVG, TRUE, NULL },
    { "cut.svg", PLOT_FORMAT_SVG, FALSE, "cut short" },
    { "text.svg", PLOT_FORMAT_SVG, FALSE, "no <svg" },
  };
  g_autofree char *dir = tmp_dir();
  struct {
    const char *name;
    const char *bytes;
    gssize len;
  } files[] = {
    { "whole.png", png->str, (gssize) png->len }, { "cut.png", cut->str, (gssize) cut->len },
    { "text.png", "hello", -1 }, { "empty.png", "", 0 },
    { "whole.svg", "<?xml version=\"1.0\"?>\n<svg width=\"1\">\n</svg>\n", -1 },
    { "cut.svg", "<?xml version=\"1.0\"?>\n<svg width=\"1\">\n<g>", -1 },
    { "text.svg", "hello", -1 },
  };
  for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
    g_autofree char *path = g_build_filename(dir, files[i].name, NULL);
    g_assert_true(g_file_set_contents(path, files[i].bytes, files[i].len, NULL));
  }
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *path = g_build_filename(dir, cases[i].name, NULL);
    g_autoptr(GError) error = NULL;
    gboolean ok = plot_check_output(path, cases[i].format, &error);
    g_test_message("%s: %s", cases[i].name, error != NULL ? error->message : "ok");
    g_assert_cmpint(ok, ==, cases[i].ok);
    if (!ok) {
      g_assert_error(error, PLOT_ERROR, PLOT_ERROR_OUTPUT);
      g_assert_nonnull(strstr(error->message, path));
      g_assert_nonnull(strstr(error->message, cases[i].says));
    }
  }
  /* A device is no place for a picture, even one that takes writes. */
  g_autoptr(GError) error = NULL;
  g_assert_false(plot_check_output("/dev/null", PLOT_FORMAT_PNG, &error));
  g_assert_error(error, PLOT_ERROR, PLOT_ERROR_OUTPUT);
  g_assert_nonnull(strstr(error->message, "not a regular file"));
  rm_rf(dir);
}

/* A gnuplot that reads its script and exits 0 without writing anything: no success is
 * reported for a picture that is not there. */
static void
test_gnuplot_writes_nothing(void)
{
  if (g_test_subprocess()) {
    g_autofree char *dir = fake_gnuplot("cat >/dev/null\nexit 0");
    g_setenv("PATH", dir, TRUE);
    g_autoptr(PlotData) sweep = make_sweep("silent", NULL);
    g_autofree char *out = g_build_filename(dir, "a.png", NULL);
    PlotOptions o = { .kind = PLOT_AVAILABILITY, .format = PLOT_FORMAT_PNG, .output = out };
    g_autoptr(GError) error = NULL;
    g_assert_false(plot_render(sweep, &o, NULL, &error));
    g_assert_error(error, PLOT_ERROR, PLOT_ERROR_OUTPUT);
    g_assert_nonnull(strstr(error->message, "gnuplot exited without writing"));
    g_assert_nonnull(strstr(error->message, out));
    rm_rf(dir);
    return;
  }
  g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed();
}

/* A full disk, two ways: the output a link to /dev/full (every write fails with ENOSPC), and,
 * where this process may mount, a 16 KiB tmpfs that a filler file has already filled. The
 * real gnuplot draws; plot_render() must fail naming the file. */
static void
test_full_disk(void)
{
  g_autofree char *dir = tmp_dir();
  g_autoptr(PlotData) sweep = make_sweep("full", NULL);
  g_autofree char *link = g_build_filename(dir, "full.png", NULL);
  g_assert_cmpint(symlink("/dev/full", link), ==, 0);
  PlotOptions o = { .kind = PLOT_AVAILABILITY, .format = PLOT_FORMAT_PNG, .output = link };
  g_autoptr(GError) error = NULL;
  g_assert_false(plot_render(sweep, &o, NULL, &error));
  g_test_message("/dev/full: %s", error->message);
  g_assert_true(g_error_matches(error, PLOT_ERROR, PLOT_ERROR_OUTPUT) ||
                g_error_matches(error, PLOT_ERROR, PLOT_ERROR_GNUPLOT));
  g_assert_nonnull(strstr(error->message, "full.png"));
  g_clear_error(&error);

  g_autofree char *mnt = g_build_filename(dir, "tiny", NULL);
  g_assert_cmpint(g_mkdir(mnt, 0700), ==, 0);
  if (mount("zdsim-test", mnt, "tmpfs", 0, "size=16k") != 0) {
    g_test_message("a 16 KiB tmpfs cannot be mounted here (%s): /dev/full only",
                   g_strerror(errno));
  } else {
    /* Fill it: writes stop at ENOSPC. */
    g_autofree char *filler = g_build_filename(mnt, "filler", NULL);
    FILE *f = fopen(filler, "w");
    g_assert_nonnull(f);
    char block[1024] = { 0 };
    for (int i = 0; i < 64 && fwrite(block, 1, sizeof block, f) == sizeof block; i++)
      ;
    fclose(f);
    g_autofree char *out = g_build_filename(mnt, "a.png", NULL);
    o.output = out;
    g_assert_false(plot_render(sweep, &o, NULL, &error));
    g_test_message("tmpfs: %s", error->message);
    g_assert_error(error, PLOT_ERROR, PLOT_ERROR_OUTPUT);
    g_assert_nonnull(strstr(error->message, out));
    g_assert_cmpint(umount(mnt), ==, 0);
  }
  rm_rf(dir);
}

/* A gnuplot that never finishes: killed after options.timeout_s (1 s here), PLOT_ERROR_TIMEOUT,
 * well within 3 s (1 s plus the poll's millisecond and the reaping). */
static void
test_gnuplot_hangs(void)
{
  if (g_test_subprocess()) {
    g_autofree char *dir = fake_gnuplot("exec sleep 1000");
    g_setenv("PATH", dir, TRUE);
    g_autoptr(PlotData) sweep = make_sweep("hangs", NULL);
    g_autofree char *out = g_build_filename(dir, "a.svg", NULL);
    PlotOptions o = { .kind = PLOT_AVAILABILITY, .format = PLOT_FORMAT_SVG, .output = out,
                      .timeout_s = 1 };
    g_autoptr(GError) error = NULL;
    gint64 t0 = g_get_monotonic_time();
    g_assert_false(plot_render(sweep, &o, NULL, &error));
    gint64 took = g_get_monotonic_time() - t0;
    g_assert_error(error, PLOT_ERROR, PLOT_ERROR_TIMEOUT);
    g_assert_nonnull(strstr(error->message, "within 1 s"));
    g_assert_cmpint(took, >=, G_USEC_PER_SEC);
    g_assert_cmpint(took, <, 3 * G_USEC_PER_SEC);
    rm_rf(dir);
    return;
  }
  g_test_trap_subprocess(NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed();
}

/* ---- zdsim plot, the command ---- */

static const char *
zdsim_bin(void)
{
  const char *bin = g_getenv("ZDSIM_BIN");
  return bin != NULL ? bin : "build/zdsim";
}

/* Runs zdsim with @args and PATH @path (NULL: unchanged); the exit status, stderr in @err. */
static int
run_zdsim(const char *const *args, const char *path, char **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new();
  g_ptr_array_add(argv, (gpointer) zdsim_bin());
  for (const char *const *a = args; *a != NULL; a++)
    g_ptr_array_add(argv, (gpointer) *a);
  g_ptr_array_add(argv, NULL);
  g_auto(GStrv) env = g_get_environ();
  if (path != NULL)
    env = g_environ_setenv(env, "PATH", path, TRUE);
  int status = 0;
  g_autoptr(GError) error = NULL;
  g_assert_true(g_spawn_sync(NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL, NULL,
                             err, &status, &error));
  g_assert_no_error(error);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* A database in @dir with three small stored runs. Returns: (transfer full) its path. */
static char *
stored_runs(const char *dir)
{
  g_autofree char *ini = g_build_filename(dir, "s.ini", NULL);
  g_assert_true(g_file_set_contents(ini, scenario_text, -1, NULL));
  char *db = g_build_filename(dir, "z.db", NULL);
  for (int i = 0; i < 3; i++) {
    const char *args[] = { "run", "--db", db, ini, NULL };
    g_autofree char *err = NULL;
    g_autofree char *out = NULL;
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, (gpointer) zdsim_bin());
    for (const char **a = args; *a != NULL; a++)
      g_ptr_array_add(argv, (gpointer) *a);
    g_ptr_array_add(argv, NULL);
    int status = 0;
    g_assert_true(g_spawn_sync(NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, NULL));
    g_assert_true(g_spawn_check_wait_status(status, NULL));
  }
  return db;
}

/* zdsim plot: --plot-timeout 1 with a gnuplot that sleeps for ever exits 2 with the message
 * within about 2 s; a gnuplot that writes nothing exits 2, not "wrote"; a timeline of three
 * runs is refused (one run, or two side by side) before anything is drawn. */
static void
test_cli(void)
{
  g_autofree char *dir = tmp_dir();
  g_autofree char *db = stored_runs(dir);
  g_autofree char *out = g_build_filename(dir, "t.png", NULL);

  g_autofree char *hang = fake_gnuplot("exec sleep 1000");
  const char *timeout[] = { "plot", "--db", db, "1", "--kind", "outages", "-o", out,
                            "--plot-timeout", "1", NULL };
  g_autofree char *err = NULL;
  gint64 t0 = g_get_monotonic_time();
  g_assert_cmpint(run_zdsim(timeout, hang, &err), ==, 2);
  gint64 took = g_get_monotonic_time() - t0;
  g_test_message("%s", err);
  g_assert_nonnull(strstr(err, "gnuplot did not finish within 1 s and was killed"));
  g_assert_cmpint(took, <, 3 * G_USEC_PER_SEC);
  g_clear_pointer(&err, g_free);

  g_autofree char *silent = fake_gnuplot("cat >/dev/null\nexit 0");
  const char *nothing[] = { "plot", "--db", db, "1", "--kind", "outages", "-o", out, NULL };
  g_assert_cmpint(run_zdsim(nothing, silent, &err), ==, 2);
  g_test_message("%s", err);
  g_assert_nonnull(strstr(err, "gnuplot exited without writing"));
  g_assert_null(strstr(err, "wrote"));
  g_clear_pointer(&err, g_free);

  const char *three[] = { "plot", "--db", db, "1", "2", "3", "--kind", "timeline", "-o", out,
                          NULL };
  g_assert_cmpint(run_zdsim(three, NULL, &err), ==, 2);
  g_assert_nonnull(strstr(err, "--kind timeline takes one run, or two side by side; got 3"));
  g_clear_pointer(&err, g_free);

  const char *bad_timeout[] = { "plot", "--db", db, "1", "--kind", "outages", "-o", out,
                                "--plot-timeout", "0", NULL };
  g_assert_cmpint(run_zdsim(bad_timeout, NULL, &err), ==, 2);
  g_assert_nonnull(strstr(err, "--plot-timeout"));
  rm_rf(hang);
  rm_rf(silent);
  rm_rf(dir);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/zdsim/plot/every-kind", test_every_kind);
  g_test_add_func("/zdsim/plot/text-terminal", test_text_terminal);
  g_test_add_func("/zdsim/plot/hostile-name", test_hostile_name);
  g_test_add_func("/zdsim/plot/escape", test_escape);
  g_test_add_func("/zdsim/plot/windows", test_windows);
  g_test_add_func("/zdsim/plot/heatmap-rates", test_heatmap_rates);
  g_test_add_func("/zdsim/plot/heatmap-weights", test_heatmap_weights);
  g_test_add_func("/zdsim/plot/metric", test_metric);
  g_test_add_func("/zdsim/plot/timeline-choice", test_timeline_choice);
  g_test_add_func("/zdsim/plot/timeline-restart", test_timeline_restart);
  g_test_add_func("/zdsim/plot/from-run", test_from_run);
  g_test_add_func("/zdsim/plot/load-sweep", test_load_sweep);
  g_test_add_func("/zdsim/plot/not-applicable", test_not_applicable);
  g_test_add_func("/zdsim/plot/format-for-path", test_format_for_path);
  g_test_add_func("/zdsim/plot/output-name", test_output_name);
  g_test_add_func("/zdsim/plot/no-gnuplot", test_no_gnuplot);
  g_test_add_func("/zdsim/plot/gnuplot-fails", test_gnuplot_fails);
  g_test_add_func("/zdsim/plot/check-output", test_check_output);
  g_test_add_func("/zdsim/plot/gnuplot-writes-nothing", test_gnuplot_writes_nothing);
  g_test_add_func("/zdsim/plot/full-disk", test_full_disk);
  g_test_add_func("/zdsim/plot/gnuplot-hangs", test_gnuplot_hangs);
  g_test_add_func("/zdsim/plot/cli", test_cli);
  return g_test_run();
}
