/* test-units.c: tests of the parsers and formatters of durations, rates and percentages
 * (units.c).
 *
 * Expected values come from the definitions in units.h and exact arithmetic, never from
 * program output. Read-back checks draw their values from a fixed seed, so they cannot
 * flake. */
#include "zdsim/units.h"

#include <math.h>
#include <string.h>

#include "zdsim/dist.h"
#include "numeric-fixture.h"

/* --- Durations ---------------------------------------------------------------------- */

static void
test_duration_parse(void)
{
  static const struct {
    const char *text;
    gint64 us;
  } good[] = {
      {"0", 0},
      {"0s", 0},
      {"0.0", 0},
      {"1w", 7 * 24 * 3600 * SECOND}, /* 604800000000 */
      {"250ms", 250000},
      {"10s", 10 * SECOND},
      {"5m", 5 * 60 * SECOND},
      {"2h", 2 * 3600 * SECOND},
      {"3d", 3 * 86400 * SECOND},
      {"100us", 100},
      {"10S", 10 * SECOND},
      {" 7 d ", 7 * DAY},
      {"1.5h", 3 * HOUR / 2},
      {"0.1w", WEEK / 10},
      {"1.25s", 1250000},
      {"0.0000005s", 1},  /* half a µs rounds up */
      {"0.00000049s", 0}, /* just below half */
      {"2.5us", 3},
      {"1.000000000000000000000001s", SECOND},
      {"0.3333333333333333333333333w", WEEK / 3}, /* 201600000000 exactly divisible */
      {"15250284w", G_GINT64_CONSTANT(15250284) * WEEK},
      {"9223372036854775806us", G_MAXINT64 - 1},
  };
  static const struct {
    const char *text;
    const char *fragment;
  } bad[] = {
      {"", "empty; expected a duration with a unit: 250ms, 10s, 5m, 2h, 3d or 1w"},
      {"   ", "empty"},
      {"5", "5: the unit is missing; expected a duration with a unit"},
      {"-5s", "-5s: a duration must not be negative"},
      {"5x", "unknown unit “x”; expected one of the units us, ms, s, m, h, d, w"},
      {"5 parsecs", "unknown unit “parsecs”"},
      {"1h30m", "unexpected “30m” after the unit"},
      {"9223372036854775807us", "too large"},
      {"15250285w", "too large"},
      {"99999999999999999999s", "too large"},
      {"nan", "expected a duration with a unit"},
      {"inf", "expected a duration with a unit"},
      {"1e3s", "unknown unit “e”"},
      {".5s", "expected a duration with a unit"},
      {"5.s", "expected a duration with a unit"},
      {"+5s", "expected a duration with a unit"},
  };

  for (guint i = 0; i < G_N_ELEMENTS(good); i++) {
    g_autoptr(GError) error = NULL;
    gint64 us = -1;

    g_test_message("%s", good[i].text);
    g_assert_true(units_parse_duration(good[i].text, &us, &error));
    g_assert_no_error(error);
    g_assert_cmpint(us, ==, good[i].us);
  }
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GError) error = NULL;
    gint64 us = -1;

    g_assert_false(units_parse_duration(bad[i].text, &us, &error));
    g_assert_error(error, UNITS_ERROR, UNITS_ERROR_PARSE);
    if (strstr(error->message, bad[i].fragment) == NULL)
      g_error("units_parse_duration(\"%s\"): message “%s” lacks “%s”", bad[i].text,
              error->message, bad[i].fragment);
    g_assert_cmpint(us, ==, -1);
  }
}

static void
test_duration_format(void)
{
  static const struct {
    gint64 us;
    const char *text;
  } cases[] = {
      {WEEK, "1w"},
      {90 * SECOND, "90s"},
      {5 * MINUTE, "5m"},
      {250000, "250ms"},
      {1500000, "1500ms"},
      {0, "0s"},
      {100, "100us"},
      {1, "1us"},
      {DAY, "1d"},
      {8 * DAY, "8d"},
      {HOUR, "1h"},
      {90 * MINUTE, "90m"},
      {2 * WEEK, "2w"},
      {G_MAXINT64 - 1, "9223372036854775806us"},
  };
  static const gint64 unit_us[] = {1, 1000, SECOND, MINUTE, HOUR, DAY, WEEK};
  DistRng rng;

  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *s = units_format_duration(cases[i].us);
    g_assert_cmpstr(s, ==, cases[i].text);
  }

  /* Everything written reads back exactly: arbitrary values and whole multiples of each
   * unit. */
  dist_rng_seed(&rng, 5, 0);
  for (guint i = 0; i < 2000; i++) {
    gint64 x = i % 2 == 0 ? (gint64) dist_rng_below(&rng, (guint64) G_MAXINT64)
                          : (gint64) dist_rng_below(&rng, 1000000) *
                                unit_us[dist_rng_below(&rng, G_N_ELEMENTS(unit_us))];
    g_autofree char *s = units_format_duration(x);
    g_autoptr(GError) error = NULL;
    gint64 y = -1;

    g_assert_true(units_parse_duration(s, &y, &error));
    g_assert_no_error(error);
    g_assert_cmpint(y, ==, x);
  }
}

/* --- Rates and percentages ---------------------------------------------------------- */

static void
test_rate_parse(void)
{
  const double week = 604800.0;
  const struct {
    const char *text;
    double per_s;
  } good[] = {
      {"3/w", 3.0 / week},
      {"1/12w", 1.0 / (12.0 * week)},
      {"2/d", 2.0 / 86400.0},
      {"0.5/h", 0.5 / 3600.0},
      {"1/30s", 1.0 / 30.0},
      {"0", 0.0},
      {"0/w", 0.0},
      {" 3 / W ", 3.0 / week},
      {"1/1.5h", 1.0 / 5400.0},
      {"10/s", 10.0},
      {"1/250ms", 4.0},
      {"0.1/w", 0.1 / week},
      {"1/26w", 1.0 / (26.0 * week)},
  };
  static const struct {
    const char *text;
    const char *fragment;
  } bad[] = {
      {"", "empty; expected a rate like 3/w, 1/12w, 2/d, 0.5/h or 0"},
      {"-3/w", "a rate must not be negative"},
      {"3", "3: the “/PERIOD” is missing"},
      {"3w", "the “/PERIOD” is missing"},
      {"3/y", "unknown period unit “y”"},
      {"3/", "the period unit is missing"},
      {"3/12", "the period unit is missing"},
      {"3/0w", "the period must be longer than 0"},
      {"x/w", "x/w: expected a rate"},
      {"nan/w", "expected a rate"},
      {"3/w extra", "unexpected “extra” after the unit"},
      {"3/-1w", "the period unit is missing"},
  };

  for (guint i = 0; i < G_N_ELEMENTS(good); i++) {
    g_autoptr(GError) error = NULL;
    double r = -1.0;

    g_test_message("%s", good[i].text);
    g_assert_true(units_parse_rate(good[i].text, &r, &error));
    g_assert_no_error(error);
    assert_rel(r, good[i].per_s, 1e-15);
  }
  /* Both sides are the correctly rounded 1 / 7257600, so exactly equal. */
  {
    double r = 0.0;
    g_assert_true(units_parse_rate("1/12w", &r, NULL));
    assert_same_double(r, 1.0 / (12.0 * 604800.0));
  }
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GError) error = NULL;
    double r = -1.0;

    g_assert_false(units_parse_rate(bad[i].text, &r, &error));
    g_assert_error(error, UNITS_ERROR, UNITS_ERROR_PARSE);
    if (strstr(error->message, bad[i].fragment) == NULL)
      g_error("units_parse_rate(\"%s\"): message “%s” lacks “%s”", bad[i].text,
              error->message, bad[i].fragment);
  }
}

static void
test_rate_format(void)
{
  const double week = 604800.0;
  const struct {
    double per_s;
    const char *text;
  } cases[] = {
      {3.0 / week, "3/w"},
      {1.0 / (12.0 * week), "1/12w"},
      {1.0 / (26.0 * week), "1/26w"},
      {0.0, "0"},
      {2.0 / 86400.0, "14/w"},
      {1.0 / 30.0, "20160/w"},
      {0.25 / week, "1/4w"},
      {0.3 / week, "0.3/w"},
      {0.1 / week, "1/10w"},
      {2.5 / week, "2.5/w"},
      {1e-5 / week, "1/100000w"},
      {3e-5 / week, "0.00003/w"},
      {1234.5 / week, "1234.5/w"},
  };
  DistRng rng;

  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *s = units_format_rate(cases[i].per_s);
    g_assert_cmpstr(s, ==, cases[i].text);
  }

  /* units.h: the text reads back within 1e-12 relative, over rates from 1e-12 to 1e3 per
   * second, including near-whole per-week counts and near-whole periods. */
  dist_rng_seed(&rng, 6, 0);
  for (guint i = 0; i < 3000; i++) {
    double r;
    switch (i % 3) {
    case 0:
      r = pow(10.0, -12.0 + 15.0 * dist_rng_double(&rng));
      break;
    case 1:
      r = (double) (1 + dist_rng_below(&rng, 1000)) / week * (1.0 + 1e-14);
      break;
    default:
      r = 1.0 / ((double) (1 + dist_rng_below(&rng, 1000)) * week) * (1.0 - 1e-14);
      break;
    }
    {
      g_autofree char *s = units_format_rate(r);
      g_autoptr(GError) error = NULL;
      double back = -1.0;

      if (!units_parse_rate(s, &back, &error))
        g_error("units_format_rate(%.17g) = “%s”: %s", r, s, error->message);
      assert_rel(back, r, 1e-12);
    }
  }
}

static void
test_percent(void)
{
  static const struct {
    const char *text;
    double fraction;
  } good[] = {
      {"99.95%", 0.9995}, {"100%", 1.0},    {"0%", 0.0},
      {"50 %", 0.5},      {" 99.999% ", 0.99999}, {"12.5%", 0.125},
      {"100.000%", 1.0},
  };
  static const struct {
    const char *text;
    const char *fragment;
  } bad[] = {
      {"99.95", "99.95: the % sign is missing; expected a percentage from 0% to 100%, like 99.95%"},
      {"101%", "above 100%"},
      {"100.01%", "above 100%"},
      {"-1%", "must not be negative"},
      {"%", "expected a percentage"},
      {"abc%", "expected a percentage"},
      {"5%%", "unexpected “%” after the % sign"},
      {"0.9995", "the % sign is missing"},
      {"", "empty; expected a percentage"},
  };

  for (guint i = 0; i < G_N_ELEMENTS(good); i++) {
    g_autoptr(GError) error = NULL;
    double f = -1.0;

    g_assert_true(units_parse_percent(good[i].text, &f, &error));
    g_assert_no_error(error);
    /* Correctly rounded: the same double as the C literal. */
    assert_same_double(f, good[i].fraction);
  }
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GError) error = NULL;
    double f = -1.0;

    g_assert_false(units_parse_percent(bad[i].text, &f, &error));
    g_assert_error(error, UNITS_ERROR, UNITS_ERROR_PARSE);
    if (strstr(error->message, bad[i].fragment) == NULL)
      g_error("units_parse_percent(\"%s\"): message “%s” lacks “%s”", bad[i].text,
              error->message, bad[i].fragment);
  }
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);

  g_test_add_func("/zdsim/units/duration-parse", test_duration_parse);
  g_test_add_func("/zdsim/units/duration-format", test_duration_format);
  g_test_add_func("/zdsim/units/rate-parse", test_rate_parse);
  g_test_add_func("/zdsim/units/rate-format", test_rate_format);
  g_test_add_func("/zdsim/units/percent", test_percent);

  return g_test_run();
}
