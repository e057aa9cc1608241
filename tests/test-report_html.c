/* test-report_html.c: zdsim report: the HTML refers to nothing outside itself, carries what a
 * reader needs (viewport, figures, the stored explain and sensitivity results, the plots as
 * inline SVG), and renders in headless Chromium when it is installed. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "zdsim/explain.h"
#include "zdsim/plot.h"
#include "zdsim/report_html.h"
#include "zdsim/sensitivity.h"
#include "zdsim/store_analysis.h"

typedef struct {
  char *dir;
  char *html;
} Fixture;

static const char scenario[] =
    "[scenario]\nname = report \"<&>\" test\ndescription = a <b>bold</b> claim\n"
    "replications = 4\nseed = 2\nhorizon = 120d\n"
    "[app]\ninstances = 1\n"
    "[database]\nmulti_az = false\nmaintenance_rate = 1/w\n"
    "[uncertain]\ndatabase.single_az_outage = 2m..15m\n";

static void
fixture_setup(Fixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr(GError) error = NULL;
  f->dir = g_dir_make_tmp("zdsim-report-XXXXXX", &error);
  g_assert_no_error(error);
  g_autofree char *path = g_build_filename(f->dir, "t.db", NULL);
  g_autoptr(Store) store = store_open(path, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error(error);
  g_autoptr(Scenario) sc = scenario_load_data(scenario, -1, "report.ini", NULL, &error);
  g_assert_no_error(error);
  RunOptions options = { .jobs = 2, .keep_timeline = TRUE };
  g_autoptr(RunResult) run = run_execute(sc, &options, &error);
  g_assert_no_error(error);
  ReportHtmlInput in = { 0 };
  in.run = store_save_run(store, run, &error);
  g_assert_no_error(error);

  g_autoptr(ExplainPlan) eplan = explain_plan(sc, &error);
  g_assert_no_error(error);
  g_autoptr(ExplainResult) ex = explain_execute(eplan, RUN_AVAILABILITY, &options, &error);
  g_assert_no_error(error);
  g_autofree char *ejson = explain_json(ex);
  in.explain = store_save_analysis(store, STORE_ANALYSIS_EXPLAIN, sc, "availability", NAN,
                                   ejson, &error);
  g_assert_no_error(error);

  g_autoptr(SensitivityPlan) splan = sensitivity_plan(sc, &error);
  g_assert_no_error(error);
  g_autoptr(SensitivityResult) se =
      sensitivity_execute(splan, RUN_AVAILABILITY, 0.999, 3, &options, &error);
  g_assert_no_error(error);
  g_autofree char *sjson = sensitivity_json(se);
  in.sensitivity = store_save_analysis(store, STORE_ANALYSIS_SENSITIVITY, sc, "availability",
                                       0.999, sjson, &error);
  g_assert_no_error(error);

  f->html = report_html(store, &in, NULL, &error);
  if (g_error_matches(error, PLOT_ERROR, PLOT_ERROR_NO_GNUPLOT))
    return; /* the tests skip */
  g_assert_no_error(error);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
  (void) data;
  g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", f->dir);
  g_assert_cmpint(system(cmd), ==, 0);
  g_free(f->dir);
  g_free(f->html);
}

/* Every occurrence of @attr (e.g. "href=") in @html, quoted or not, in any case, must be
 * followed by a value starting with '#' (an anchor in the file) or "data:" (a data URI holds
 * its content in place: gnuplot embeds small images so); returns the first that is not, or
 * NULL. */
static const char *
outside_reference(const char *html, const char *attr)
{
  g_autofree char *lower = g_ascii_strdown(html, -1);
  for (const char *p = strstr(lower, attr); p != NULL; p = strstr(p + 1, attr)) {
    const char *v = p + strlen(attr);
    while (*v == ' ')
      v++;
    if (*v == '"' || *v == '\'')
      v++;
    if (*v != '#' && !g_str_has_prefix(v, "data:"))
      return html + (p - lower);
  }
  return NULL;
}

/* The file is self-contained: scanned byte by byte, no src= at all, every href= and url( an
 * anchor inside the file, no <script, no @import, no <link, and no stylesheet or font from
 * outside; what it must carry for a reader is there, with scenario text escaped. */
static void
test_self_contained(Fixture *f, gconstpointer data)
{
  (void) data;
  if (f->html == NULL) {
    g_test_skip("gnuplot is not installed");
    return;
  }
  const char *html = f->html;
  const char *bad;
  g_assert_null(strstr(html, "src="));
  g_assert_null(strstr(html, "SRC="));
  if ((bad = outside_reference(html, "href=")) != NULL)
    g_error("a reference outside the file: %.80s", bad);
  if ((bad = outside_reference(html, "url(")) != NULL)
    g_error("a url outside the file: %.80s", bad);
  g_autofree char *lower = g_ascii_strdown(html, -1);
  g_assert_null(strstr(lower, "<script"));
  g_assert_null(strstr(lower, "@import"));
  g_assert_null(strstr(lower, "<link"));
  g_assert_null(strstr(lower, "<?xml"));
  g_assert_null(strstr(lower, "<!doctype svg"));

  g_assert_true(g_str_has_prefix(html, "<!DOCTYPE html>"));
  g_assert_nonnull(strstr(html, "<meta name=\"viewport\" content=\"width=device-width"));
  g_assert_nonnull(strstr(html, "report &quot;&lt;&amp;&gt;&quot; test"));
  g_assert_null(strstr(html, "<b>bold</b>"));
  g_assert_nonnull(strstr(html, "id=\"explain\""));
  g_assert_nonnull(strstr(html, "id=\"sensitivity\""));
  g_assert_nonnull(strstr(html, "[uncertain]\ndatabase.single_az_outage = 2m..15m"));
  /* levers, tornado, and at least the outages and heatmap of the run. */
  guint svgs = 0;
  for (const char *p = strstr(html, "<svg"); p != NULL; p = strstr(p + 1, "<svg"))
    svgs++;
  g_assert_cmpuint(svgs, >=, 4);
  /* Pictures never share an id: each one's are prefixed with its kind. */
  g_assert_nonnull(strstr(html, "id=\"p-levers-"));
  g_assert_nonnull(strstr(html, "id=\"p-tornado-"));
}

/* report_html_inline_svg() on a picture with every kind of outside reference. */
static void
test_inline_svg(void)
{
  const char *svg = "<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" "
                    "\"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n"
                    "<svg width=\"600\" height=\"400\" viewBox=\"0 0 600 400\">"
                    "<script>alert(1)</script><image href=\"http://x/y.png\"/>"
                    "<use xlink:href=\"#gpPt1\"/><g id=\"gpPt1\" clip-path=\"url(#c)\"/>"
                    "<image xlink:href='https://x/z.png'/><image xlink:href='data:image/png;"
                    "base64,AAAA'/>"
                    "<text font-family=\"Sans\">t</text><img src=\"x.png\"/></svg>";
  g_autofree char *out = report_html_inline_svg(svg, "p1");
  g_assert_true(g_str_has_prefix(out, "<svg viewBox=\"0 0 600 400\">"));
  g_assert_null(strstr(out, "script"));
  g_assert_null(strstr(out, "http://x"));
  g_assert_null(strstr(out, "https://x"));
  g_assert_nonnull(strstr(out, "xlink:href='data:image/png;base64,AAAA'"));
  g_assert_null(strstr(out, "src="));
  g_assert_nonnull(strstr(out, "xlink:href=\"#p1-gpPt1\""));
  g_assert_nonnull(strstr(out, "id=\"p1-gpPt1\""));
  g_assert_nonnull(strstr(out, "url(#p1-c)"));
  g_assert_nonnull(strstr(out, "font-family=\"sans-serif\""));
}

static const char *
chromium_path(void)
{
  static const char *const candidates[] = { "/usr/bin/chromium", "/usr/bin/chromium-browser" };
  for (guint i = 0; i < G_N_ELEMENTS(candidates); i++)
    if (g_file_test(candidates[i], G_FILE_TEST_IS_EXECUTABLE))
      return candidates[i];
  return NULL;
}

/* Runs headless Chromium on @file with @action, standard output to @out (may be NULL). */
static void
chromium(const Fixture *f, const char *browser, const char *file, const char *action,
         const char *out)
{
  g_autofree char *profile = g_build_filename(f->dir, "profile", NULL);
  g_autofree char *user_data = g_strdup_printf("--user-data-dir=%s", profile);
  g_autofree char *url = g_strdup_printf("file://%s", file);
  const char *argv[] = { "timeout", "60", browser, "--headless", "--no-sandbox",
                         "--disable-gpu", "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync",
                         user_data, "--window-size=1280,6000",
                         action, url, NULL };
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
      out != NULL ? G_SUBPROCESS_FLAGS_STDERR_SILENCE
                  : G_SUBPROCESS_FLAGS_STDERR_SILENCE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  if (out != NULL)
    g_subprocess_launcher_set_stdout_file_path(launcher, out);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) p = g_subprocess_launcher_spawnv(launcher, argv, &error);
  g_assert_no_error(error);
  g_subprocess_wait(p, NULL, &error);
  g_assert_no_error(error);
  g_assert_true(g_subprocess_get_if_exited(p));
  g_assert_cmpint(g_subprocess_get_exit_status(p), ==, 0);
}

/* Headless Chromium (as CI installs it) parses the report into a DOM that holds the inline
 * pictures with their drawing (SVG paths), and a screenshot of the whole page is far from
 * blank: on this machine a blank page's PNG is about 5 KB and a page of text alone about
 * 9 KB, while the report's pictures take it well past 60 KB. The screenshot is kept in
 * build/test-artifacts/report.png. */
static void
test_browser(Fixture *f, gconstpointer data)
{
  (void) data;
  const char *browser = chromium_path();
  if (browser == NULL || f->html == NULL) {
    g_test_skip("chromium or gnuplot is not installed (apt-get install chromium)");
    return;
  }
  g_autofree char *file = g_build_filename(f->dir, "report.html", NULL);
  g_assert_true(g_file_set_contents(file, f->html, -1, NULL));
  g_autofree char *dom_file = g_build_filename(f->dir, "dom.html", NULL);
  chromium(f, browser, file, "--dump-dom", dom_file);
  g_autofree char *dom = NULL;
  g_assert_true(g_file_get_contents(dom_file, &dom, NULL, NULL));
  guint svgs = 0;
  for (const char *p = strstr(dom, "<svg"); p != NULL; p = strstr(p + 1, "<svg"))
    svgs++;
  g_assert_cmpuint(svgs, >=, 4);
  g_assert_nonnull(strstr(dom, "<path"));
  g_assert_nonnull(strstr(dom, "What each lever buys"));

  g_autofree char *shot = g_build_filename(f->dir, "report.png", NULL);
  g_autofree char *shot_arg = g_strdup_printf("--screenshot=%s", shot);
  chromium(f, browser, file, shot_arg, NULL);
  GStatBuf st;
  g_assert_cmpint(g_stat(shot, &st), ==, 0);
  g_assert_cmpint(st.st_size, >, 60 * 1024);
  g_autofree char *png = NULL;
  gsize len = 0;
  g_assert_true(g_file_get_contents(shot, &png, &len, NULL));
  g_assert_true(len > 8 && memcmp(png, "\x89PNG", 4) == 0);
  g_mkdir_with_parents("build/test-artifacts", 0755);
  g_file_set_contents("build/test-artifacts/report.png", png, (gssize) len, NULL);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add("/zdsim/report_html/self-contained", Fixture, NULL, fixture_setup,
             test_self_contained, fixture_teardown);
  g_test_add_func("/zdsim/report_html/inline-svg", test_inline_svg);
  g_test_add("/zdsim/report_html/browser", Fixture, NULL, fixture_setup, test_browser,
             fixture_teardown);
  return g_test_run();
}
