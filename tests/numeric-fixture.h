/* numeric-fixture.h: what test-dist.c and test-units.c share: time in microseconds, exact
 * comparison of doubles, and a relative tolerance. Header-only; the functions are static
 * inline so that a test file uses what it needs. */
#pragma once

#include <glib.h>
#include <math.h>
#include <string.h>

#define SECOND G_GINT64_CONSTANT(1000000)
#define MINUTE (60 * SECOND)
#define HOUR (60 * MINUTE)
#define DAY (24 * HOUR)
#define WEEK (7 * DAY)

static inline guint64
bits_of(double x)
{
  guint64 b;
  memcpy(&b, &x, sizeof b);
  return b;
}

/* Exact equality of doubles without ==, which -Wfloat-equal forbids. */
#define assert_same_double(x, y) g_assert_cmphex(bits_of(x), ==, bits_of(y))

static inline void
assert_rel(double got, double want, double rel)
{
  if (!(fabs(got - want) <= rel * fabs(want)))
    g_error("got %.17g, want %.17g within %g relative", got, want, rel);
}
