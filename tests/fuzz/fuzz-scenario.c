/* fuzz-scenario.c: libFuzzer target for scenario files (sim/scenario.c); not a unit test.
 *
 * One input is the text of a scenario file. Lines "#set section.key=value" (comments to the
 * parser) become --set overrides, so the fuzzer controls the overrides too. The target checks
 * what scenario.h promises, and aborts (a finding) when a promise is broken:
 * - a load returns a scenario or an error, never both or neither, and the error is
 *   SCENARIO_ERROR with a message, never GKeyFile's own (the scan must catch what GKeyFile
 *   refuses, with a line number);
 * - scenario_to_string() of a loaded scenario loads again and prints the same text (it
 *   "reads back to the same values"), with the same [sweep], [action NAME] and [expect]
 *   lists field by field (text alone could hide a sweep value split differently);
 * - a --set override that sets a key of the file to the value written in the file changes
 *   nothing;
 * - scenario_sweep_points() gives the product of the axis lengths, each point one
 *   "section.key=value" per axis (only when the product is small, to keep runs fast).
 * A GLib warning or critical aborts too (LLVMFuzzerInitialize).
 *
 * tests/test-fuzz-regressions.c includes this file with ZDSIM_FUZZ_NO_MAIN defined and calls
 * fuzz_scenario_one() on the corpus and on every input a fuzzer found. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zdsim/scenario.h"

#define FUZZ_SCENARIO_PATH "fuzz.ini"
/* Overrides from "#set" lines, at most; more only slow every run down. */
#define FUZZ_SCENARIO_MAX_SETS 4
/* Sweeps with more points are skipped: scenario.c refuses only above 100000, and building
 * that many vectors per input would make the fuzzer crawl. */
#define FUZZ_SCENARIO_MAX_POINTS 512

/* Prints what broke, with the input, and aborts so that libFuzzer (or the GTest program)
 * reports the input. */
static void G_GNUC_NORETURN
fuzz_scenario_fail(const char *what, const char *text, const char *detail)
{
  fprintf(stderr, "fuzz-scenario: %s\n--- input ---\n%s\n--- detail ---\n%s\n---\n", what,
          text != NULL ? text : "(null)", detail != NULL ? detail : "");
  fflush(stderr);
  abort();
}

/* Loads @length bytes at @data and checks the result/error contract; @text is the input
 * as shown in a report (NUL-terminated). Returns: (transfer full) or NULL. */
static Scenario *
fuzz_scenario_load(const char *data, gsize length, const char *text,
                   const char *const *overrides, char **message)
{
  GError *error = NULL;
  Scenario *s = scenario_load_data(data, length, FUZZ_SCENARIO_PATH, overrides, &error);
  if ((s == NULL) == (error == NULL))
    fuzz_scenario_fail("scenario_load_data returned a scenario and an error, or neither",
                       text, error != NULL ? error->message : NULL);
  if (error != NULL) {
    if (error->domain != SCENARIO_ERROR || error->message == NULL || *error->message == '\0')
      fuzz_scenario_fail("error outside SCENARIO_ERROR or without a message", text,
                         error->message);
    /* scenario.c's scan passes GKeyFile only lines it reads; GKeyFile's refusal comes out
     * as a line "PATH: not a scenario file: ...", without a line number, and means the scan
     * let something through. */
    if (g_str_has_prefix(error->message, FUZZ_SCENARIO_PATH ": not a scenario file: ") ||
        strstr(error->message, "\n" FUZZ_SCENARIO_PATH ": not a scenario file: ") != NULL)
      fuzz_scenario_fail("GKeyFile refused what the scan passed", text, error->message);
    if (message != NULL)
      *message = g_strdup(error->message);
    g_error_free(error);
  }
  return s;
}

/* The "#set" lines of @text as a NULL-terminated override vector (may be empty), with
 * @first (may be NULL) in front of them. */
static char **
fuzz_scenario_overrides(const char *text, const char *first)
{
  GPtrArray *sets = g_ptr_array_new();
  if (first != NULL)
    g_ptr_array_add(sets, g_strdup(first));
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  guint n = 0;
  for (char **line = lines; *line != NULL && n < FUZZ_SCENARIO_MAX_SETS; line++) {
    if (g_str_has_prefix(*line, "#set ")) {
      g_ptr_array_add(sets, g_strdup(*line + 5));
      n++;
    }
  }
  g_ptr_array_add(sets, NULL);
  return (char **) g_ptr_array_free(sets, FALSE);
}

/* "section.key=value" for the @pick-th "key = value" line of @text that lies in one of the
 * fixed sections, or NULL when there is none. */
static char *
fuzz_scenario_same_value_override(const char *text, guint pick)
{
  static const char *const fixed[] = {
    "scenario", "app", "platform", "policy", "database", "portal", "traffic",
  };
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func(g_free);
  g_autofree char *section = NULL;
  for (char **l = lines; *l != NULL; l++) {
    g_autofree char *line = g_strstrip(g_strdup(*l));
    if (*line == '[') {
      const char *close = strchr(line, ']');
      g_free(section);
      section = close != NULL ? g_strstrip(g_strndup(line + 1, (gsize) (close - line - 1)))
                              : NULL;
      continue;
    }
    const char *equals = strchr(line, '=');
    if (section == NULL || *line == '#' || equals == NULL)
      continue;
    gboolean is_fixed = FALSE;
    for (gsize i = 0; i < G_N_ELEMENTS(fixed); i++)
      is_fixed = is_fixed || g_str_equal(section, fixed[i]);
    if (!is_fixed)
      continue;
    g_autofree char *key = g_strstrip(g_strndup(line, (gsize) (equals - line)));
    g_ptr_array_add(candidates, g_strdup_printf("%s.%s=%s", section, key, equals + 1));
  }
  if (candidates->len == 0)
    return NULL;
  return g_strdup(g_ptr_array_index(candidates, pick % candidates->len));
}

/* What scenario_to_string() text might print alike for different values: the lists of
 * [sweep], [action NAME] and [expect], compared field by field. NULL when they agree, else
 * what differs. */
static char *
fuzz_scenario_lists_differ(const Scenario *a, const Scenario *b)
{
  if (a->sweep->len != b->sweep->len)
    return g_strdup_printf("%u sweep axes, then %u", a->sweep->len, b->sweep->len);
  for (guint i = 0; i < a->sweep->len; i++) {
    const ScenarioSweepAxis *x = g_ptr_array_index(a->sweep, i);
    const ScenarioSweepAxis *y = g_ptr_array_index(b->sweep, i);
    if (!g_str_equal(x->key, y->key) || x->values->len != y->values->len)
      return g_strdup_printf("sweep axis %s has %u values, then %s has %u", x->key,
                             x->values->len, y->key, y->values->len);
    for (guint v = 0; v < x->values->len; v++) {
      const char *xv = g_ptr_array_index(x->values, v), *yv = g_ptr_array_index(y->values, v);
      if (!g_str_equal(xv, yv))
        return g_strdup_printf("sweep %s value %u: '%s', then '%s'", x->key, v, xv, yv);
    }
  }
  if (a->actions->len != b->actions->len)
    return g_strdup_printf("%u actions, then %u", a->actions->len, b->actions->len);
  for (guint i = 0; i < a->actions->len; i++) {
    const ScenarioAction *x = g_ptr_array_index(a->actions, i);
    const ScenarioAction *y = g_ptr_array_index(b->actions, i);
    if (!g_str_equal(x->name, y->name) || x->kind != y->kind || x->at != y->at ||
        x->instances != y->instances || x->duration != y->duration ||
        x->max_in_flight != y->max_in_flight || x->zone != y->zone || x->cell != y->cell)
      return g_strdup_printf("action %u ('%s', then '%s') differs", i, x->name, y->name);
  }
  if (a->expects->len != b->expects->len)
    return g_strdup_printf("%u expectations, then %u", a->expects->len, b->expects->len);
  for (guint i = 0; i < a->expects->len; i++) {
    const ScenarioExpect *x = g_ptr_array_index(a->expects, i);
    const ScenarioExpect *y = g_ptr_array_index(b->expects, i);
    if (!g_str_equal(x->metric, y->metric) || x->op != y->op ||
        x->value < y->value || x->value > y->value)
      return g_strdup_printf("expectation %s: %.17g, then %s: %.17g", x->metric, x->value,
                             y->metric, y->value);
  }
  return NULL;
}

static void
fuzz_scenario_check_sweep(const Scenario *s, const char *text)
{
  guint64 expected = 1;
  for (guint a = 0; a < s->sweep->len; a++) {
    const ScenarioSweepAxis *axis = g_ptr_array_index(s->sweep, a);
    if (axis->values->len == 0)
      fuzz_scenario_fail("a sweep axis without values", text, axis->key);
    expected *= axis->values->len;
    if (expected > FUZZ_SCENARIO_MAX_POINTS)
      return;
  }
  g_autoptr(GPtrArray) points = scenario_sweep_points(s);
  if (points->len != expected) {
    g_autofree char *detail = g_strdup_printf("%u points, expected %" G_GUINT64_FORMAT,
                                              points->len, expected);
    fuzz_scenario_fail("scenario_sweep_points: wrong number of points", text, detail);
  }
  for (guint p = 0; p < points->len; p++) {
    char **vector = g_ptr_array_index(points, p);
    if (g_strv_length(vector) != s->sweep->len)
      fuzz_scenario_fail("scenario_sweep_points: a point without one value per axis", text,
                         NULL);
    for (guint a = 0; a < s->sweep->len; a++) {
      const ScenarioSweepAxis *axis = g_ptr_array_index(s->sweep, a);
      if (!g_str_has_prefix(vector[a], axis->key) || vector[a][strlen(axis->key)] != '=')
        fuzz_scenario_fail("scenario_sweep_points: a value not of the form key=value", text,
                           vector[a]);
    }
  }
}

static int
fuzz_scenario_one(const guint8 *data, gsize size)
{
  /* NUL-terminated for the line helpers; the loader gets the exact bytes and length. */
  g_autofree char *text = g_strndup((const char *) data, size);
  g_auto(GStrv) overrides = fuzz_scenario_overrides(text, NULL);

  g_autoptr(Scenario) s = fuzz_scenario_load((const char *) data, size, text,
                                             (const char *const *) overrides, NULL);
  if (s == NULL)
    return 0;

  /* The round trip: the resolved text loads again to the same text. */
  g_autofree char *resolved = scenario_to_string(s);
  g_autofree char *message = NULL;
  g_autoptr(Scenario) again = fuzz_scenario_load(resolved, strlen(resolved), text, NULL,
                                                 &message);
  if (again == NULL) {
    g_autofree char *detail = g_strdup_printf("%s\n--- error ---\n%s", resolved, message);
    fuzz_scenario_fail("scenario_to_string() text does not load again", text, detail);
  }
  g_autofree char *resolved_again = scenario_to_string(again);
  if (!g_str_equal(resolved, resolved_again)) {
    g_autofree char *detail = g_strdup_printf("%s\n--- then ---\n%s", resolved, resolved_again);
    fuzz_scenario_fail("scenario_to_string() text loads to a different scenario", text, detail);
  }
  g_autofree char *lists = fuzz_scenario_lists_differ(s, again);
  if (lists != NULL) {
    g_autofree char *detail = g_strdup_printf("%s\n--- differs ---\n%s", resolved, lists);
    fuzz_scenario_fail("scenario_to_string() text loads to a different scenario", text, detail);
  }

  /* Setting a key to the value the file already gives it changes nothing. */
  g_autofree char *same = fuzz_scenario_same_value_override(text, size > 0 ? data[0] : 0);
  if (same != NULL) {
    g_auto(GStrv) with_same = fuzz_scenario_overrides(text, same);
    g_autofree char *same_message = NULL;
    g_autoptr(Scenario) overridden = fuzz_scenario_load(
        (const char *) data, size, text, (const char *const *) with_same, &same_message);
    if (overridden == NULL) {
      g_autofree char *detail = g_strdup_printf("--set %s\n%s", same, same_message);
      fuzz_scenario_fail("setting a key to its own value makes the scenario fail", text,
                         detail);
    }
    g_autofree char *resolved_same = scenario_to_string(overridden);
    if (!g_str_equal(resolved, resolved_same)) {
      g_autofree char *detail = g_strdup_printf("--set %s\n%s\n--- then ---\n%s", same,
                                                resolved, resolved_same);
      fuzz_scenario_fail("setting a key to its own value changes the scenario", text, detail);
    }
    g_autofree char *same_lists = fuzz_scenario_lists_differ(s, overridden);
    if (same_lists != NULL)
      fuzz_scenario_fail("setting a key to its own value changes the scenario", text,
                         same_lists);
  }

  fuzz_scenario_check_sweep(s, text);
  return 0;
}

#ifndef ZDSIM_FUZZ_NO_MAIN
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A GLib warning or critical (a failed g_return_if_fail) is a finding too. GLib would stop
 * a fatal message with SIGTRAP, which libFuzzer does not catch (no input saved, no stack),
 * so abort() here instead. */
static void
fuzz_scenario_log(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data)
{
  (void) data;
  fprintf(stderr, "%s: %s\n", domain != NULL ? domain : "(no domain)", message);
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void) argc;
  (void) argv;
  g_log_set_default_handler(fuzz_scenario_log, NULL);
  /* GLib keeps a time zone in its cache only while a reference lives; every load resolves
   * the default traffic.timezone, and reading its file again each time would be most of the
   * work. The reference is kept for the life of the process on purpose. */
  (void) g_time_zone_new_identifier("Europe/Amsterdam");
  return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  return fuzz_scenario_one(data, size);
}
#endif
