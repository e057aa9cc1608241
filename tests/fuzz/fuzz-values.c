/* fuzz-values.c: libFuzzer target for the value parsers of scenario files (sim/dist.c,
 * sim/units.c, sim/calendar.c); not a unit test.
 *
 * One input is fed, whole, to every parser: dist_parse, units_parse_duration,
 * units_parse_rate, units_parse_percent, calendar_parse_window, calendar_parse_schedule and
 * calendar_parse_datetime. When it holds a newline, the part after the first one is also read
 * as a date-time and used as the start of a run for expanding the part before it as a window
 * or a schedule. The first eight bytes, read as numbers, feed the formatters directly. The
 * target aborts (a finding) when a promise of dist.h, units.h or calendar.h is broken:
 * - a parser returns TRUE and no error, or FALSE and an error of its own domain;
 * - dist_to_string, units_format_duration, units_format_rate and calendar_window_to_string give
 *   text that the parser reads back to the same value (rates within 1e-12, distributions to
 *   the µs their text is written in);
 * - a parsed date-time has a UTC form, whose ISO 8601 text reads back to the same instant;
 * - calendar_expand gives sorted, disjoint intervals inside [0, horizon) (instants: distinct
 *   and zero-length), a UTC window the same time every week, and calendar_overlap and
 *   calendar_contains agree with them;
 * - an accepted distribution has numeric, increasing quantiles and samples in range.
 * A GLib warning or critical aborts too (LLVMFuzzerInitialize).
 *
 * tests/test-fuzz-regressions.c includes this file with ZDSIM_FUZZ_NO_MAIN defined and calls
 * fuzz_values_one() on the corpus and on every input a fuzzer found. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zdsim/calendar.h"
#include "zdsim/dist.h"
#include "zdsim/units.h"

/* Short enough that one input stays well under a millisecond of expansion, long enough to
 * cover a week boundary and, from the starts below, a daylight-saving change. */
#define FUZZ_VALUES_HORIZON (G_GINT64_CONSTANT(15) * 86400 * DIST_USEC_PER_SEC)
/* units_format_rate reads back within 1e-12 relative (units.h). */
#define FUZZ_VALUES_RATE_TOL 1e-12

static void G_GNUC_NORETURN
fuzz_values_fail(const char *what, const char *text, const char *detail)
{
  fprintf(stderr, "fuzz-values: %s\n--- input ---\n%s\n--- detail ---\n%s\n---\n", what,
          text != NULL ? text : "(null)", detail != NULL ? detail : "");
  fflush(stderr);
  abort();
}

/* The result/error contract of every parser here. */
static void
fuzz_values_check_result(const char *parser, gboolean ok, GError *error, GQuark domain,
                         const char *text)
{
  if (ok != (error == NULL)) {
    g_autofree char *detail = g_strdup_printf("%s returned %s with%s an error", parser,
                                              ok ? "TRUE" : "FALSE", error ? "" : "out");
    fuzz_values_fail("parser result and error disagree", text, detail);
  }
  if (error != NULL && (error->domain != domain || error->message == NULL ||
                        *error->message == '\0'))
    fuzz_values_fail("parser error outside its domain or without a message", text,
                     error->message);
}

/* Whether @x and @y agree within @rel relative or @abs absolute. */
static gboolean
fuzz_values_close(double x, double y, double rel, double abs_tol)
{
  double diff = fabs(x - y);
  return diff <= abs_tol || diff <= rel * fmax(fabs(x), fabs(y));
}

/* ---- durations and rates -------------------------------------------------------------- */

static void
fuzz_values_duration_round_trip(gint64 us, const char *text)
{
  g_autofree char *formatted = units_format_duration(us);
  g_autoptr(GError) error = NULL;
  gint64 back = -1;
  gboolean ok = units_parse_duration(formatted, &back, &error);
  fuzz_values_check_result("units_parse_duration", ok, error, UNITS_ERROR, formatted);
  if (!ok || back != us) {
    g_autofree char *detail = g_strdup_printf(
        "%" G_GINT64_FORMAT " us -> '%s' -> %s (%" G_GINT64_FORMAT ")", us, formatted,
        ok ? "read" : error->message, back);
    fuzz_values_fail("units_format_duration does not read back", text, detail);
  }
}

static void
fuzz_values_rate_round_trip(double per_s, const char *text)
{
  g_autofree char *formatted = units_format_rate(per_s);
  g_autoptr(GError) error = NULL;
  double back = -1.0;
  gboolean ok = units_parse_rate(formatted, &back, &error);
  fuzz_values_check_result("units_parse_rate", ok, error, UNITS_ERROR, formatted);
  if (!ok || !fuzz_values_close(back, per_s, FUZZ_VALUES_RATE_TOL, 0.0)) {
    g_autofree char *detail = g_strdup_printf("%.17g /s -> '%s' -> %s (%.17g)", per_s,
                                              formatted, ok ? "read" : error->message, back);
    fuzz_values_fail("units_format_rate does not read back", text, detail);
  }
}

static void
fuzz_values_durations(const char *text)
{
  g_autoptr(GError) error = NULL;
  gint64 us = -1;
  gboolean ok = units_parse_duration(text, &us, &error);
  fuzz_values_check_result("units_parse_duration", ok, error, UNITS_ERROR, text);
  if (!ok)
    return;
  if (us < 0 || us >= DIST_NEVER) {
    g_autofree char *detail = g_strdup_printf("%" G_GINT64_FORMAT " us", us);
    fuzz_values_fail("units_parse_duration accepted a value out of range", text, detail);
  }
  fuzz_values_duration_round_trip(us, text);
}

static void
fuzz_values_rates(const char *text)
{
  g_autoptr(GError) error = NULL;
  double per_s = -1.0;
  gboolean ok = units_parse_rate(text, &per_s, &error);
  fuzz_values_check_result("units_parse_rate", ok, error, UNITS_ERROR, text);
  if (!ok)
    return;
  if (!(per_s >= 0.0) || !isfinite(per_s)) {
    g_autofree char *detail = g_strdup_printf("%.17g /s", per_s);
    fuzz_values_fail("units_parse_rate accepted a negative or non-finite rate", text, detail);
  }
  fuzz_values_rate_round_trip(per_s, text);
}

static void
fuzz_values_percent(const char *text)
{
  g_autoptr(GError) error = NULL;
  double fraction = -1.0;
  gboolean ok = units_parse_percent(text, &fraction, &error);
  fuzz_values_check_result("units_parse_percent", ok, error, UNITS_ERROR, text);
  if (ok && !(fraction >= 0.0 && fraction <= 1.0)) {
    g_autofree char *detail = g_strdup_printf("%.17g", fraction);
    fuzz_values_fail("units_parse_percent accepted a value outside [0, 1]", text, detail);
  }
}

/* ---- distributions -------------------------------------------------------------------- */

/* The parameters a distribution's text is written in, in µs (weibull's shape as is): what
 * dist_to_string rounds to the µs, so what a round trip must keep. */
static void
fuzz_values_dist_text_params(const Dist *d, double *x, double *y)
{
  switch (d->kind) {
  case DIST_LOGNORMAL:
    /* dist.h: median and p95; sigma = ln(p95/median) / z_0.95. */
    *x = exp(d->a);
    *y = exp(d->a + 1.6448536269514722 * d->b);
    break;
  case DIST_NONE:
  case DIST_CONSTANT:
  case DIST_EXP:
  case DIST_UNIFORM:
  case DIST_NORMAL:
  case DIST_WEIBULL:
  default:
    *x = d->a;
    *y = d->b;
    break;
  }
}

static void
fuzz_values_dist(const char *text)
{
  g_autoptr(GError) error = NULL;
  Dist d = { DIST_NONE, -1.0, -1.0 };
  gboolean ok = dist_parse(text, &d, &error);
  fuzz_values_check_result("dist_parse", ok, error, DIST_ERROR, text);
  if (!ok)
    return;

  g_autofree char *formatted = dist_to_string(&d);
  g_autoptr(GError) back_error = NULL;
  Dist back = { DIST_NONE, -1.0, -1.0 };
  ok = dist_parse(formatted, &back, &back_error);
  fuzz_values_check_result("dist_parse", ok, back_error, DIST_ERROR, formatted);
  if (!ok) {
    g_autofree char *detail = g_strdup_printf("'%s': %s", formatted, back_error->message);
    fuzz_values_fail("dist_to_string text does not parse", text, detail);
  }
  double x, y, bx, by;
  fuzz_values_dist_text_params(&d, &x, &y);
  fuzz_values_dist_text_params(&back, &bx, &by);
  /* The text is exact to the µs (0.5 µs of rounding, plus the rounding of exp/log in the
   * lognormal's parameters, about 1e-15 relative); weibull's shape is written exactly. */
  if (back.kind != d.kind || !fuzz_values_close(x, bx, 1e-12, 0.5 + 1e-9) ||
      !fuzz_values_close(y, by, 1e-12, 0.5 + 1e-9)) {
    g_autofree char *detail = g_strdup_printf(
        "kind %d (%.17g, %.17g) -> '%s' -> kind %d (%.17g, %.17g)", d.kind, d.a, d.b,
        formatted, back.kind, back.a, back.b);
    fuzz_values_fail("dist_to_string text parses to a different distribution", text, detail);
  }

  /* The quantiles and the mean of an accepted distribution are numbers, not NaN. */
  double mean = dist_mean(&d);
  double q_low = dist_quantile(&d, 1e-9), q_mid = dist_quantile(&d, 0.5);
  double q_high = dist_quantile(&d, 1.0 - 1e-9);
  if (isnan(mean) || isnan(q_low) || isnan(q_mid) || isnan(q_high) || q_low > q_mid ||
      q_mid > q_high || q_low < 0.0) {
    g_autofree char *detail = g_strdup_printf("mean %g, quantiles %g %g %g", mean, q_low,
                                              q_mid, q_high);
    fuzz_values_fail("an accepted distribution has a NaN, negative or decreasing quantile",
                     text, detail);
  }
  DistRng rng;
  dist_rng_seed(&rng, 1, 0);
  for (int i = 0; i < 4; i++) {
    gint64 v = dist_sample(&d, &rng);
    if (v < 0 || (d.kind != DIST_NONE && v >= DIST_NEVER)) {
      g_autofree char *detail = g_strdup_printf("sample %" G_GINT64_FORMAT, v);
      fuzz_values_fail("dist_sample outside [0, DIST_NEVER)", text, detail);
    }
  }
}

/* ---- windows, schedules, date-times --------------------------------------------------- */

static void
fuzz_values_check_intervals(const GArray *iv, gboolean instants, gint64 horizon,
                            const char *text, guint64 probe)
{
  gint64 total = 0;
  for (guint i = 0; i < iv->len; i++) {
    const CalendarInterval *x = &g_array_index(iv, CalendarInterval, i);
    gboolean bad = x->start < 0 || x->start >= horizon || x->end > horizon;
    if (instants)
      bad = bad || x->end != x->start ||
            (i > 0 && g_array_index(iv, CalendarInterval, i - 1).start >= x->start);
    else
      bad = bad || x->end <= x->start ||
            (i > 0 && g_array_index(iv, CalendarInterval, i - 1).end >= x->start);
    if (bad) {
      g_autofree char *detail = g_strdup_printf(
          "interval %u of %u: [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "), horizon %"
          G_GINT64_FORMAT, i, iv->len, x->start, x->end, horizon);
      fuzz_values_fail("calendar_expand: intervals not sorted, disjoint and inside the "
                       "horizon", text, detail);
    }
    total += x->end - x->start;
  }
  if (calendar_overlap(iv, 0, horizon, NULL) != total)
    fuzz_values_fail("calendar_overlap over the horizon is not the total length", text, NULL);

  /* calendar_contains against a plain scan, at a few probe times moving forward and back. */
  guint hint = 0;
  for (int k = 0; k < 8; k++) {
    gint64 t = (gint64) ((probe >> (k * 8)) % (guint64) horizon);
    if (k == 3 && iv->len > 0)
      t = g_array_index(iv, CalendarInterval, (probe >> 16) % iv->len).start;
    gboolean expected = FALSE;
    for (guint i = 0; i < iv->len; i++) {
      const CalendarInterval *x = &g_array_index(iv, CalendarInterval, i);
      expected = expected || (x->start <= t && t < x->end);
    }
    if (calendar_contains(iv, t, &hint) != expected || calendar_contains(iv, t, NULL) != expected) {
      g_autofree char *detail = g_strdup_printf("t = %" G_GINT64_FORMAT, t);
      fuzz_values_fail("calendar_contains disagrees with the intervals", text, detail);
    }
  }
}

/* Whether two parsed windows have the same slots and zone. */
static gboolean
fuzz_values_same_window(const CalendarWindow *a, const CalendarWindow *b)
{
  if (a->n_slots != b->n_slots || a->instants != b->instants ||
      g_strcmp0(a->zone, b->zone) != 0)
    return FALSE;
  for (guint i = 0; i < a->n_slots; i++) {
    const CalendarSlot *x = &a->slots[i], *y = &b->slots[i];
    if (x->days != y->days || x->start_min != y->start_min || x->end_min != y->end_min ||
        x->end_day_offset != y->end_day_offset)
      return FALSE;
  }
  return TRUE;
}

/* Parses @text as a window or a schedule, and expands it from @start (NULL: a fixed start
 * picked by @probe); @shown is the whole input, for a report. */
static void
fuzz_values_window(const char *text, const char *shown, gboolean instants, GDateTime *start,
                   guint64 probe)
{
  g_auto(CalendarWindow) w = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean ok = instants ? calendar_parse_schedule(text, &w, &error)
                         : calendar_parse_window(text, &w, &error);
  const char *parser = instants ? "calendar_parse_schedule" : "calendar_parse_window";
  fuzz_values_check_result(parser, ok, error, CALENDAR_ERROR, shown);
  if (!ok)
    return;
  if (w.n_slots == 0 || w.n_slots > CALENDAR_MAX_SLOTS || w.instants != instants)
    fuzz_values_fail("a parsed window with no slots, too many, or the wrong kind", shown, NULL);
  for (guint i = 0; i < w.n_slots; i++) {
    const CalendarSlot *s = &w.slots[i];
    if (s->days == 0 || s->days > 0x7f || s->start_min < 0 || s->start_min > 1439 ||
        s->end_min < 0 || s->end_min > 1440 || s->end_day_offset < 0 ||
        s->end_day_offset > 6 ||
        (!instants && s->end_day_offset * 1440 + s->end_min <= s->start_min))
      fuzz_values_fail("a parsed slot out of range", shown, NULL);
  }

  g_autofree char *formatted = calendar_window_to_string(&w);
  g_auto(CalendarWindow) back = { 0 };
  g_autoptr(GError) back_error = NULL;
  ok = instants ? calendar_parse_schedule(formatted, &back, &back_error)
                : calendar_parse_window(formatted, &back, &back_error);
  fuzz_values_check_result(parser, ok, back_error, CALENDAR_ERROR, formatted);
  if (!ok) {
    g_autofree char *detail = g_strdup_printf("'%s': %s", formatted, back_error->message);
    fuzz_values_fail("calendar_window_to_string text does not parse", shown, detail);
  }
  if (!fuzz_values_same_window(&w, &back)) {
    g_autofree char *detail = g_strdup_printf("'%s'", formatted);
    fuzz_values_fail("calendar_window_to_string text parses to other slots", shown, detail);
  }

  g_auto(CalendarWindow) copy = { 0 };
  calendar_window_copy(&copy, &w);
  if (!fuzz_values_same_window(&w, &copy))
    fuzz_values_fail("calendar_window_copy differs", shown, NULL);

  gint minutes = calendar_window_minutes_per_week(&w);
  if (minutes < 0 || (instants && minutes != 0))
    fuzz_values_fail("calendar_window_minutes_per_week out of range", shown, NULL);

  /* A short horizon, from @start or from a week start that spans a daylight-saving change
   * in Europe (2027-03-28) picked by the input. */
  g_autoptr(GDateTime) fixed = NULL;
  if (start == NULL) {
    static const int days[] = { 4, 22, 25 };
    fixed = g_date_time_new_utc(2027, probe % 2 == 0 ? 1 : 3, days[probe % 3], 0, 0, 0);
    start = fixed;
  }
  g_autoptr(GArray) iv = calendar_expand(&w, start, FUZZ_VALUES_HORIZON);
  fuzz_values_check_intervals(iv, instants, FUZZ_VALUES_HORIZON, shown, probe);
  /* A UTC window repeats exactly: one week holds at most its minutes (overlaps merge). */
  if (!instants && w.zone == NULL && fixed != NULL) {
    gint64 week = G_GINT64_CONSTANT(7) * 86400 * DIST_USEC_PER_SEC;
    gint64 in_week = calendar_overlap(iv, 0, week, NULL);
    if (in_week > (gint64) minutes * 60 * DIST_USEC_PER_SEC) {
      g_autofree char *detail = g_strdup_printf("%" G_GINT64_FORMAT " us in a week, %d min",
                                                in_week, minutes);
      fuzz_values_fail("a UTC window covers more of a week than its minutes", shown, detail);
    }
  }
  /* A UTC window repeats every week: the first two weeks of the horizon hold the same time
   * (instants: as many), unless GDateTime's range (to 9999-12-31) ends inside them. */
  gint64 two_weeks = G_GINT64_CONSTANT(14) * 86400 * DIST_USEC_PER_SEC;
  g_autoptr(GDateTime) last = g_date_time_add(start, two_weeks - 1);
  if (w.zone == NULL && last != NULL) {
    gint64 week = G_GINT64_CONSTANT(7) * 86400 * DIST_USEC_PER_SEC;
    gint64 first = 0, second = 0;
    for (guint i = 0; i < iv->len; i++) {
      const CalendarInterval *x = &g_array_index(iv, CalendarInterval, i);
      if (instants) {
        first += x->start < week;
        second += x->start >= week && x->start < 2 * week;
      }
    }
    if (!instants) {
      first = calendar_overlap(iv, 0, week, NULL);
      second = calendar_overlap(iv, week, 2 * week, NULL);
    }
    if (first != second) {
      g_autofree char *detail = g_strdup_printf(
          "week 1: %" G_GINT64_FORMAT ", week 2: %" G_GINT64_FORMAT " (%s)", first, second,
          instants ? "instants" : "us");
      fuzz_values_fail("a UTC window differs from one week to the next", shown, detail);
    }
  }
  g_autoptr(GArray) tiny = calendar_expand(&w, start, 1);
  fuzz_values_check_intervals(tiny, instants, 1, shown, probe);
}

static GDateTime *
fuzz_values_datetime(const char *text)
{
  g_autoptr(GError) error = NULL;
  GDateTime *dt = calendar_parse_datetime(text, NULL, &error);
  fuzz_values_check_result("calendar_parse_datetime", dt != NULL, error, CALENDAR_ERROR, text);
  if (dt == NULL)
    return NULL;
  /* The ISO 8601 text of the same instant in UTC (what scenario_to_string writes) reads
   * back to it. */
  g_autoptr(GDateTime) utc = g_date_time_to_utc(dt);
  if (utc == NULL)
    fuzz_values_fail("a parsed date-time has no UTC form (its instant lies outside the "
                     "years 1 to 9999 in UTC)", text, NULL);
  g_autofree char *iso = g_date_time_format_iso8601(utc);
  g_autoptr(GError) back_error = NULL;
  g_autoptr(GDateTime) back = iso != NULL ? calendar_parse_datetime(iso, NULL, &back_error) : NULL;
  if (back == NULL || !g_date_time_equal(back, dt)) {
    g_autofree char *detail = g_strdup_printf("'%s': %s", iso ? iso : "(null)",
                                              back_error ? back_error->message : "differs");
    fuzz_values_fail("the ISO 8601 text of a parsed date-time does not read back", text,
                     detail);
  }
  g_autoptr(GDateTime) epoch = g_date_time_new_utc(2027, 1, 4, 0, 0, 0);
  gint64 t = calendar_time_of(epoch, dt);
  if (calendar_time_of(dt, epoch) != -t)
    fuzz_values_fail("calendar_time_of is not antisymmetric", text, NULL);
  return dt;
}

static int
fuzz_values_one(const guint8 *data, gsize size)
{
  g_autofree char *text = g_strndup((const char *) data, size);
  guint64 probe = 0;
  memcpy(&probe, data, MIN(size, sizeof probe));

  fuzz_values_dist(text);
  fuzz_values_durations(text);
  fuzz_values_rates(text);
  fuzz_values_percent(text);
  GDateTime *whole = fuzz_values_datetime(text);
  g_clear_pointer(&whole, g_date_time_unref);
  fuzz_values_window(text, text, FALSE, NULL, probe);
  fuzz_values_window(text, text, TRUE, NULL, probe);

  /* "WINDOW\nDATETIME": the window expanded from that start. */
  const char *newline = strchr(text, '\n');
  if (newline != NULL) {
    g_autofree char *head = g_strndup(text, (gsize) (newline - text));
    g_autoptr(GDateTime) start = fuzz_values_datetime(newline + 1);
    if (start != NULL) {
      fuzz_values_window(head, text, FALSE, start, probe);
      fuzz_values_window(head, text, TRUE, start, probe);
    }
  }

  /* The formatters on numbers straight from the input bytes. */
  fuzz_values_duration_round_trip((gint64) (probe & (guint64) G_MAXINT64) % DIST_NEVER, text);
  double per_s;
  memcpy(&per_s, &probe, sizeof per_s);
  per_s = fabs(per_s);
  /* Rates whose per-week count still reads back as a finite rate (units_parse_rate refuses
   * COUNT * 1e6 beyond DBL_MAX, that is above about 3e296 per second) and does not
   * underflow. Parsed rates, above, are not limited. */
  if (per_s < 1e290 && per_s > 1e-290)
    fuzz_values_rate_round_trip(per_s, text);
  return 0;
}

#ifndef ZDSIM_FUZZ_NO_MAIN
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A GLib warning or critical (a failed g_return_if_fail) is a finding too. GLib would stop
 * a fatal message with SIGTRAP, which libFuzzer does not catch (no input saved, no stack),
 * so abort() here instead. */
static void
fuzz_values_log(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data)
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
  g_log_set_default_handler(fuzz_values_log, NULL);
  return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  return fuzz_values_one(data, size);
}
#endif
