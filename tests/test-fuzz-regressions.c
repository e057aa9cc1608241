/* test-fuzz-regressions.c: replays the fuzzers' corpus and every input they found a bug
 * with through the fuzz targets' own code (tests/fuzz/fuzz-*.c), so `make test` and the
 * sanitizer and valgrind runs check them; not a fuzzer itself (tests/fuzz/fuzz.mk is).
 *
 * The targets' checks abort on a broken promise, printing the input and what broke. The
 * corpus is replayed in this process (so valgrind sees it); each regression case runs in a
 * subprocess and fails on its own when it aborts, crashes or takes more than CASE_SECONDS.
 * Each case names the finding and its input, minimised (or a generator, for inputs of
 * megabytes). */
#include <string.h>
#include <sys/stat.h>

#include <glib.h>
#include <glib/gstdio.h>

#define ZDSIM_FUZZ_NO_MAIN
#include "fuzz/fuzz-pipeline.c"
#include "fuzz/fuzz-scenario.c"
#include "fuzz/fuzz-serve.c"
#include "fuzz/fuzz-values.c"

typedef int (*FuzzTarget)(const guint8 *data, gsize size);

/* The corpus directory of each target, tests/fuzz/corpus/<name>/. */
static const struct {
  const char *name;
  FuzzTarget run;
} targets[] = {
  { "pipeline", fuzz_pipeline_one },
  { "scenario", fuzz_scenario_one },
  { "serve", fuzz_serve_one },
  { "values", fuzz_values_one },
};

/* A regression case must finish within this many seconds: the fixed code takes
 * milliseconds (under ASan too), the hangs it guards against took seconds to for ever. */
#define CASE_SECONDS 3.0

typedef struct {
  const char *name;   /* the test case: /zdsim/fuzz-regressions/<target>/<name> */
  const char *target; /* a name of targets[] */
  const char *input;  /* the input, or NULL when build() makes it */
  gsize length;       /* 0: strlen(input) */
  GString *(*build)(void);
} FuzzCase;

/* An 8 MB key nobody knows: the "did you mean" search compared it with every known key by
 * a full edit-distance table of (8M + 1) x (name length + 1) integers, some 800 MB and
 * seconds per line. */
static GString *
build_long_unknown_key(void)
{
  GString *text = g_string_new("[app]\n");
  for (int i = 0; i < 8 * 1024 * 1024; i++)
    g_string_append_c(text, 'x');
  g_string_append(text, " = 1\n");
  return text;
}

/* A sweep of 10000 values of one key (60 KB): every value was checked by resolving the
 * whole scenario again, [sweep] included, so the check grew with the square of the number
 * of values (8 s here, about 10 minutes at the 100000 points allowed). */
static GString *
build_long_sweep(void)
{
  GString *text = g_string_new("[sweep]\napp.instances = 1");
  for (int i = 2; i <= 10000; i++)
    g_string_append_printf(text, ", %d", i);
  g_string_append_c(text, '\n');
  return text;
}

/* Every finding of the fuzzing work, minimised: inputs the fuzzers reported, and inputs
 * found while reading the code they ran (the report of issue 9 has the details). */
static const FuzzCase cases[] = {
  /* units_parse_rate accepted a count of 1e299 per µs (1e305 /s); units_format_rate printed it
   * as "0/w" because the count per week overflows to infinity, so the rate did not read
   * back (and scenario_to_string turned such a rate into 0). */
  { "rate-too-large-to-print", "values",
    "1000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000/us", 0, NULL },
  /* scenario_to_string joined these sweep values with ", " (no value has a comma outside
   * parentheses), which reads back as "a), (b" and "c". */
  { "sweep-values-split-differently", "scenario",
    "[sweep]\nscenario.description = a) | (b, c\n", 0, NULL },
  /* A date-time in year 1 with a positive offset lies in year 0 in UTC, which GDateTime
   * cannot hold: calendar_parse_datetime accepted it, g_date_time_to_utc() then returned
   * NULL and scenario_to_string passed that to g_date_time_format_iso8601 (a GLib critical,
   * and "(null)" in the text). */
  { "datetime-before-year-1-in-utc", "values", "0001-01-01T00:00:00+01:00", 0, NULL },
  { "start-before-year-1-in-utc", "scenario",
    "[scenario]\nstart = 0001-01-01T00:00:00+01:00\nhorizon = 1d\n", 0, NULL },
  /* calendar_expand from a start whose local time in the window's zone lies outside
   * GDateTime's years 1 to 9999 (New York is behind UTC on 0001-01-01, Tokyo ahead on
   * 9999-12-31): g_date_time_to_timezone() returned NULL and g_date_time_get_ymd() was
   * called on it (a GLib critical, then a day made of uninitialised y, m, d). A scenario
   * with start = 0001-01-01T00:00:00Z and traffic.timezone = America/New_York loads and
   * then does this at run start. */
  { "expand-local-start-before-year-1", "values",
    "mon 01:00-02:00 America/New_York\n0001-01-01T00:00:00Z", 0, NULL },
  { "expand-local-start-after-year-9999", "values",
    "mon 01:00-02:00 Asia/Tokyo\n9999-12-31T20:00:00Z", 0, NULL },
  /* A tab inside [action NAME]: the scan allows tabs in names, GKeyFile does not, so the
   * message was GKeyFile's "Invalid group name", without a line. */
  { "tab-in-action-name", "scenario",
    "[scenario]\n[action a\tb]\nat = 2027-01-05T00:00:00Z\naction = restart\n", 0, NULL },
  /* calendar_expand stopped one day short of GDateTime's last day (its count of days from
   * a week before the start to 9999-12-31 missed the last one), so a daily window had no
   * interval on 9999-12-31: the second week of this run held an hour less than the first. */
  { "expand-last-day-of-9999", "values", "mon-sun 12:00-13:00\n9999-12-18T00:00:00Z", 0,
    NULL },
  { "long-unknown-key", "scenario", NULL, 0, build_long_unknown_key },
  /* fuzz-pipeline, its first minute: request availability came out 1.0000000000000002 for a
   * one-instance Multi-AZ app whose two one-week replications lost no request: served and
   * offered are summed apart in doubles, and served ended an ulp above offered. run.c now
   * keeps the share at most 1. */
  { "request-availability-above-1", "pipeline",
    "[scenario]\nname = db-multi\nreplications = 100\nseed = 22\n[app]\ninstances = 1\n"
    "[database]\nmulti_az = true\nmaintenance_rate = 1/4w\n", 0, NULL },
  { "long-sweep", "scenario", NULL, 0, build_long_sweep },
};

static FuzzTarget
target_find(const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS(targets); i++)
    if (g_str_equal(targets[i].name, name))
      return targets[i].run;
  return NULL;
}

/* tests/fuzz/corpus, found from $ZDSIM_FUZZ_CORPUS, $G_TEST_SRCDIR or this source file's
 * directory (the Makefile compiles tests/test-*.c from the top, where make test runs). */
static char *
corpus_root(void)
{
  const char *env = g_getenv("ZDSIM_FUZZ_CORPUS");
  if (env != NULL)
    return g_strdup(env);
  const char *srcdir = g_getenv("G_TEST_SRCDIR");
  g_autofree char *dir = srcdir != NULL ? g_strdup(srcdir) : g_path_get_dirname(__FILE__);
  return g_build_filename(dir, "fuzz", "corpus", NULL);
}

/* For g_ptr_array_sort, which passes pointers to the elements. */
static gint
name_compare(gconstpointer a, gconstpointer b)
{
  return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* make valgrind sets $VALGRIND. The child watch behind g_test_trap_subprocess() leaves a
 * GLib thread that valgrind reports as possibly lost, and valgrind does not follow the
 * subprocess anyway, so there the cases run in this process, without a time limit. */
static gboolean
under_valgrind(void)
{
  return g_getenv("VALGRIND") != NULL;
}

static void
run_case(const FuzzCase *c)
{
  FuzzTarget run = target_find(c->target);
  g_assert_nonnull(run);
  g_autoptr(GString) built = c->build != NULL ? c->build() : NULL;
  const char *input = built != NULL ? built->str : c->input;
  gsize length = built != NULL ? built->len : c->length > 0 ? c->length : strlen(c->input);
  g_assert_cmpint(run((const guint8 *) input, length), ==, 0);
}

/* Each case runs in a subprocess with a time limit, so that a crash, an abort or a hang
 * fails that case alone and the others still run. */
static void
test_case(gconstpointer data)
{
  const FuzzCase *c = data;
  if (under_valgrind()) {
    run_case(c);
    return;
  }
  if (g_test_subprocess()) {
    run_case(c);
    return;
  }
  g_test_trap_subprocess(NULL, (guint64) (CASE_SECONDS * G_USEC_PER_SEC),
                         G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed();
}

static void
test_corpus(gconstpointer data)
{
  const char *name = data;
  FuzzTarget run = target_find(name);
  g_autofree char *root = corpus_root();
  g_autofree char *path = g_build_filename(root, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open(path, 0, &error);
  g_assert_no_error(error);

  /* Sorted, so that a failure names the same file every time. */
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
  for (const char *f = g_dir_read_name(dir); f != NULL; f = g_dir_read_name(dir))
    g_ptr_array_add(files, g_strdup(f));
  g_ptr_array_sort(files, name_compare);
  g_assert_cmpuint(files->len, >, 0);

  for (guint i = 0; i < files->len; i++) {
    g_autofree char *file = g_build_filename(path, g_ptr_array_index(files, i), NULL);
    g_autofree char *contents = NULL;
    gsize length = 0;
    g_file_get_contents(file, &contents, &length, &error);
    g_assert_no_error(error);
    g_test_message("%s", file);
    g_assert_cmpint(run((const guint8 *) contents, length), ==, 0);
  }
}

/* A zone named by a path is opened by GLib as a time zone file; a FIFO there blocked the
 * parse for ever (calendar.c's parse_zone, scenario.c's KEY_ZONE). Run in a subprocess with
 * a time limit, so that a regression fails instead of hanging the suite. The FIFO's path
 * reaches the subprocess in $ZDSIM_TEST_FIFO. */
static void
test_zone_fifo(gconstpointer data)
{
  const char *target = data;
  if (under_valgrind()) {
    /* Unbounded in this process if the bug came back; make test covers it. */
    g_test_skip("needs a subprocess with a time limit");
    return;
  }
  if (g_test_subprocess()) {
    const char *fifo = g_getenv("ZDSIM_TEST_FIFO");
    g_assert_nonnull(fifo);
    g_autofree char *input = g_str_equal(target, "values")
                                 ? g_strdup_printf("mon 01:00-02:00 %s", fifo)
                                 : g_strdup_printf("[traffic]\ntimezone = %s\n", fifo);
    target_find(target)((const guint8 *) input, strlen(input));
    return;
  }
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp("zdsim-fuzz-XXXXXX", &error);
  g_assert_no_error(error);
  g_autofree char *fifo = g_build_filename(dir, "zone", NULL);
  g_assert_cmpint(mkfifo(fifo, 0600), ==, 0);
  g_setenv("ZDSIM_TEST_FIFO", fifo, TRUE);
  g_test_trap_subprocess(NULL, (guint64) (CASE_SECONDS * G_USEC_PER_SEC),
                         G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_unsetenv("ZDSIM_TEST_FIFO");
  g_remove(fifo);
  g_rmdir(dir);
  g_test_trap_assert_passed();
}

/* Every directory of the corpus has a target here, so a new target cannot go unreplayed. */
static void
test_corpus_targets(void)
{
  g_autofree char *root = corpus_root();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open(root, 0, &error);
  g_assert_no_error(error);
  guint n = 0;
  for (const char *f = g_dir_read_name(dir); f != NULL; f = g_dir_read_name(dir), n++) {
    if (target_find(f) == NULL) {
      g_test_message("tests/fuzz/corpus/%s has no target in test-fuzz-regressions.c", f);
      g_test_fail();
    }
  }
  g_assert_cmpuint(n, ==, G_N_ELEMENTS(targets));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  /* A failed case is reported and the next one runs. */
  g_test_set_nonfatal_assertions();
  g_test_add_func("/zdsim/fuzz-regressions/corpus-targets", test_corpus_targets);
  for (gsize i = 0; i < G_N_ELEMENTS(targets); i++) {
    g_autofree char *path = g_strdup_printf("/zdsim/fuzz-regressions/corpus/%s",
                                            targets[i].name);
    g_test_add_data_func(path, targets[i].name, test_corpus);
  }
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *path = g_strdup_printf("/zdsim/fuzz-regressions/%s/%s", cases[i].target,
                                            cases[i].name);
    g_test_add_data_func(path, &cases[i], test_case);
  }
  g_test_add_data_func("/zdsim/fuzz-regressions/values/zone-names-a-fifo", "values",
                       test_zone_fifo);
  g_test_add_data_func("/zdsim/fuzz-regressions/scenario/zone-names-a-fifo", "scenario",
                       test_zone_fifo);
  return g_test_run();
}
