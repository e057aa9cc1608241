/* units.c: durations, rates and percentages as the text of scenario files and reports,
 * parsed and formatted exactly; not for random distributions (dist.c) or calendars
 * (calendar.c). */
#include "zdsim/units.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SECONDS_PER_WEEK (7.0 * 86400.0)

G_DEFINE_QUARK(units-error-quark, units_error)

/* --- Small text helpers ------------------------------------------------------------- */

static gboolean
same_double(double x, double y)
{
  return !(x < y) && !(x > y);
}

static const char *
skip_space(const char *p)
{
  while (g_ascii_isspace(*p))
    p++;
  return p;
}

/* A copy of @text without leading and trailing white space. */
static char *
trimmed(const char *text)
{
  return g_strstrip(g_strdup(text));
}

/* The shortest decimal text without an exponent that g_ascii_strtod() reads back as @x
 * (finite, >= 0): "1.5", "0.25", "120". The parsers here take no exponents, so "1e-05" is
 * spelled "0.00001". */
char *
units_format_number(double x)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char digits[32];
  const char *e;
  int exponent, ndigits = 0;
  GString *out;

  if (!(x > 0.0))
    return g_strdup("0");
  for (int precision = 0; precision <= 17; precision++) {
    char fmt[16];
    g_snprintf(fmt, sizeof fmt, "%%.%de", precision);
    g_ascii_formatd(buf, sizeof buf, fmt, x);
    if (same_double(g_ascii_strtod(buf, NULL), x))
      break;
  }
  /* buf is now "D.DDDDe+XX" or "De-XX": the digits, then the decimal exponent. */
  for (const char *p = buf; *p != 'e' && *p != '\0'; p++)
    if (g_ascii_isdigit(*p) && ndigits < (int) sizeof digits - 1)
      digits[ndigits++] = *p;
  digits[ndigits] = '\0';
  e = strchr(buf, 'e');
  exponent = e != NULL ? atoi(e + 1) : 0;

  /* The value is 0.DIGITS x 10^(exponent + 1). */
  out = g_string_new(NULL);
  if (exponent < 0) {
    g_string_append(out, "0.");
    for (int i = 0; i < -exponent - 1; i++)
      g_string_append_c(out, '0');
    g_string_append(out, digits);
  } else {
    for (int i = 0; i <= exponent || i < ndigits; i++) {
      if (i == exponent + 1)
        g_string_append_c(out, '.');
      g_string_append_c(out, i < ndigits ? digits[i] : '0');
    }
  }
  if (strchr(out->str, '.') != NULL) {
    while (out->str[out->len - 1] == '0')
      g_string_truncate(out, out->len - 1);
    if (out->str[out->len - 1] == '.')
      g_string_truncate(out, out->len - 1);
  }
  return g_string_free(out, FALSE);
}

/* Scans an unsigned decimal "D+" or "D+.D+" at *p; on success moves *p past it. */
static gboolean
scan_decimal(const char **p, const char **start, gsize *len)
{
  const char *q = *p;

  if (!g_ascii_isdigit(*q))
    return FALSE;
  while (g_ascii_isdigit(*q))
    q++;
  if (*q == '.') {
    if (!g_ascii_isdigit(q[1]))
      return FALSE;
    q++;
    while (g_ascii_isdigit(*q))
      q++;
  }
  *start = *p;
  *len = (gsize) (q - *p);
  *p = q;
  return TRUE;
}

/* Scans an unsigned decimal at *p as a double (correctly rounded). */
gboolean
units_scan_number(const char **p, double *out)
{
  const char *start;
  gsize len;
  g_autofree char *copy = NULL;

  if (!scan_decimal(p, &start, &len))
    return FALSE;
  copy = g_strndup(start, len);
  *out = g_ascii_strtod(copy, NULL);
  return isfinite(*out);
}

/* --- Durations ---------------------------------------------------------------------- */

typedef struct {
  const char *name;
  gint64 us;
} Unit;

/* Largest first: units_format_duration() takes the first unit that divides. */
static const Unit units[] = {
    {"w", G_GINT64_CONSTANT(604800000000)}, {"d", G_GINT64_CONSTANT(86400000000)},
    {"h", G_GINT64_CONSTANT(3600000000)},   {"m", G_GINT64_CONSTANT(60000000)},
    {"s", G_GINT64_CONSTANT(1000000)},      {"ms", G_GINT64_CONSTANT(1000)},
    {"us", G_GINT64_CONSTANT(1)},
};

#define DURATION_EXPECTED "expected a duration with a unit: 250ms, 10s, 5m, 2h, 3d or 1w"
#define UNIT_EXPECTED "expected one of the units us, ms, s, m, h, d, w"

/* Scans a unit name (letters) at *p; NULL when there is none or it is unknown, with *name
 * set to the letters found. */
static const Unit *
scan_unit(const char **p, char **name)
{
  const char *q = *p;

  while (g_ascii_isalpha(*q))
    q++;
  *name = g_strndup(*p, (gsize) (q - *p));
  *p = q;
  for (guint i = 0; i < G_N_ELEMENTS(units); i++)
    if (g_ascii_strcasecmp(*name, units[i].name) == 0)
      return &units[i];
  return NULL;
}

/* The duration in @text (trimmed), with a message that does not repeat @text. */
gboolean
units_parse_duration_part(const char *text, gint64 *out_us, GError **error)
{
  const char *p = text, *number;
  gsize number_len;
  guint64 whole = 0, frac_us = 0, total;
  gboolean is_zero = TRUE;
  g_autofree char *unit_name = NULL;
  const Unit *unit;

  if (*p == '\0') {
    g_set_error(error, UNITS_ERROR, UNITS_ERROR_PARSE, "empty; " DURATION_EXPECTED);
    return FALSE;
  }
  if (*p == '-') {
    g_set_error(error, UNITS_ERROR, UNITS_ERROR_PARSE,
                "a duration must not be negative; " DURATION_EXPECTED);
    return FALSE;
  }
  if (!scan_decimal(&p, &number, &number_len)) {
    g_set_error(error, UNITS_ERROR, UNITS_ERROR_PARSE, DURATION_EXPECTED);
    return FALSE;
  }
  for (gsize i = 0; i < number_len; i++)
    if (number[i] != '0' && number[i] != '.')
      is_zero = FALSE;
  p = skip_space(p);
  if (*p == '\0') {
    if (is_zero) {
      *out_us = 0;
      return TRUE;
    }
    g_set_error(error, UNITS_ERROR, UNITS_ERROR_PARSE, "the unit is missing; " DURATION_EXPECTED);
    return FALSE;
  }
  unit = scan_unit(&p, &unit_name);
  if (unit == NULL) {
    if (*unit_name == '\0')
      g_set_error(error, UNITS_ERROR, UNITS_ERROR_PARSE, DURATION_EXPECTED);
    else
      g_set_error(error, UNITS_ERROR, UNITS_ERROR_PARSE, "unknown unit “%s”; " UNIT_EXPECTED,
                  unit_name);
    return FALSE;
  }
  p = skip_space(p);
  if (*p != '\0') {
    g_set_error(error, UNITS_ERROR, UNITS_ERROR_PARSE,
                "unexpected “%s” after the unit; write one number and one unit, like 90m", p);
    return FALSE;
  }

  /* Exact integer arithmetic, whatever the number of decimals: whole * unit, plus
   * 0.d1d2...dk * unit rounded half up. The decimals go in by Horner's rule from the last
   * one, v_j = (d_j * unit + v_(j+1)) / 10, keeping only the integer part I of each v_j:
   * floor((T + f) / 10) = floor(T / 10) for an integer T and 0 <= f < 1, and the final
   * fraction is at least one half exactly when T mod 10 >= 5 for the first decimal. T stays
   * below 10 * unit < 2^64. */
  {
    const char *q = number, *end = number + number_len;
    const char *dot = memchr(number, '.', number_len);

    for (; q < (dot != NULL ? dot : end); q++) {
      if (!g_uint64_checked_mul(&whole, whole, 10) ||
          !g_uint64_checked_add(&whole, whole, (guint64) (*q - '0')))
        goto too_large;
    }
    if (dot != NULL) {
      guint64 t = 0;
      for (q = end - 1; q > dot; q--) {
        t = (guint64) (*q - '0') * (guint64) unit->us + frac_us;
        frac_us = t / 10;
      }
      if (t % 10 >= 5)
        frac_us++;
    }
  }
  if (!g_uint64_checked_mul(&total, whole, (guint64) unit->us) ||
      !g_uint64_checked_add(&total, total, frac_us) || total >= (guint64) G_MAXINT64)
    goto too_large;
  *out_us = (gint64) total;
  return TRUE;

too_large:
  g_set_error(error, UNITS_ERROR, UNITS_ERROR_PARSE,
              "too large; durations must be below %" G_GINT64_FORMAT "w (about 292000 years)",
              G_MAXINT64 / G_GINT64_CONSTANT(604800000000));
  return FALSE;
}

gboolean
units_parse_duration(const char *text, gint64 *out_us, GError **error)
{
  g_autofree char *t = NULL;

  g_return_val_if_fail(text != NULL, FALSE);
  g_return_val_if_fail(out_us != NULL, FALSE);
  t = trimmed(text);
  if (!units_parse_duration_part(t, out_us, error)) {
    /* The text read, so that a caller's "file:line: key: " prefix completes the story. */
    if (*t != '\0')
      g_prefix_error(error, "%s: ", t);
    return FALSE;
  }
  return TRUE;
}

char *
units_format_duration(gint64 us)
{
  if (us == 0)
    return g_strdup("0s");
  if (us < 0) {
    /* Not readable by units_parse_duration(), but printable (G_MININT64 has no positive). */
    g_autofree char *positive =
        us == G_MININT64 ? g_strdup_printf("%" G_GUINT64_FORMAT "us", (guint64) G_MAXINT64 + 1)
                         : units_format_duration(-us);
    return g_strconcat("-", positive, NULL);
  }
  for (guint i = 0; i < G_N_ELEMENTS(units); i++)
    if (us % units[i].us == 0)
      return g_strdup_printf("%" G_GINT64_FORMAT "%s", us / units[i].us, units[i].name);
  g_assert_not_reached();
  return NULL;
}

/* --- Rates -------------------------------------------------------------------------- */

#define RATE_EXPECTED "expected a rate like 3/w, 1/12w, 2/d, 0.5/h or 0 (events per period)"

static gboolean
parse_rate_body(const char *text, double *out_per_s, GError **error)
{
  const char *p = text;
  double count, periods = 1.0, per_s;
  g_autofree char *unit_name = NULL;
  const Unit *unit;

  if (*p == '\0') {
    g_set_error(error, UNITS_ERROR, UNITS_ERROR_PARSE, "empty; " RATE_EXPECTED);
    return FALSE;
  }
  if (*p == '-') {
    g_set_error(error, UNITS_ERROR, UNITS_ERROR_PARSE,
                "a rate must not be negative; " RATE_EXPECTED);
    return FALSE;
  }
  if (!units_scan_number(&p, &count)) {
    g_set_error(error, UNITS_ERROR, UNITS_ERROR_PARSE, RATE_EXPECTED);
    return FALSE;
  }
  p = skip_space(p);
  if (*p == '\0' && !(count > 0.0)) {
    *out_per_s = 0.0;
    return TRUE;
  }
  if (*p != '/') {
    g_set_error(error, UNITS_ERROR, UNITS_ERROR_PARSE,
                "the “/PERIOD” is missing; " RATE_EXPECTED);
    return FALSE;
  }
  p = skip_space(p + 1);
  if (g_ascii_isdigit(*p)) {
    if (!units_scan_number(&p, &periods)) {
      g_set_error(error, UNITS_ERROR, UNITS_ERROR_PARSE, RATE_EXPECTED);
      return FALSE;
    }
    if (!(periods > 0.0)) {
      g_set_error(error, UNITS_ERROR, UNITS_ERROR_PARSE,
                  "the period must be longer than 0; " RATE_EXPECTED);
      return FALSE;
    }
    p = skip_space(p);
  }
  unit = scan_unit(&p, &unit_name);
  if (unit == NULL) {
    if (*unit_name == '\0')
      g_set_error(error, UNITS_ERROR, UNITS_ERROR_PARSE,
                  "the period unit is missing; " RATE_EXPECTED);
    else
      g_set_error(error, UNITS_ERROR, UNITS_ERROR_PARSE,
                  "unknown period unit “%s”; " UNIT_EXPECTED ", as in 3/w", unit_name);
    return FALSE;
  }
  p = skip_space(p);
  if (*p != '\0') {
    g_set_error(error, UNITS_ERROR, UNITS_ERROR_PARSE,
                "unexpected “%s” after the unit; " RATE_EXPECTED, p);
    return FALSE;
  }
  /* In µs, where the units are exact integers: "1/12w" is 1e6 / 7257600e6, the correctly
   * rounded 1 / 7257600. */
  per_s = count * 1e6 / (periods * (double) unit->us);
  /* units_format_rate() writes the count per week, which this parser multiplies by 1e6
   * again: a rate whose weekly count times 1e6 overflows could not be read back. */
  if (!isfinite(per_s) || !isfinite(per_s * SECONDS_PER_WEEK * 1e6)) {
    g_set_error(error, UNITS_ERROR, UNITS_ERROR_PARSE, "too large; " RATE_EXPECTED);
    return FALSE;
  }
  *out_per_s = per_s;
  return TRUE;
}

gboolean
units_parse_rate(const char *text, double *out_per_s, GError **error)
{
  g_autofree char *t = NULL;

  g_return_val_if_fail(text != NULL, FALSE);
  g_return_val_if_fail(out_per_s != NULL, FALSE);
  t = trimmed(text);
  if (!parse_rate_body(t, out_per_s, error)) {
    /* The text read, so that a caller's "file:line: key: " prefix completes the story. */
    if (*t != '\0')
      g_prefix_error(error, "%s: ", t);
    return FALSE;
  }
  return TRUE;
}

/* Whether @x is within 1e-13 relative of a whole number from 1 to 2^53. */
static gboolean
near_whole(double x, double *whole)
{
  *whole = nearbyint(x);
  return *whole >= 1.0 && *whole <= 0x1p53 && fabs(x - *whole) <= 1e-13 * *whole;
}

char *
units_format_rate(double per_s)
{
  double per_week, weeks, whole;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *plain = NULL;

  if (same_double(per_s, 0.0))
    return g_strdup("0");
  if (!(per_s > 0.0) || !isfinite(per_s))
    /* Not a rate units_parse_rate() accepts; printed for diagnostics only. */
    return g_strdup(g_ascii_dtostr(buf, sizeof buf, per_s));
  /* Within 1e-13 of a whole number, the rounded text reads back within about 1e-13. */
  per_week = per_s * SECONDS_PER_WEEK;
  if (near_whole(per_week, &whole))
    return g_strconcat(g_ascii_formatd(buf, sizeof buf, "%.0f", whole), "/w", NULL);
  weeks = 1.0 / per_week;
  if (near_whole(weeks, &whole))
    return g_strconcat("1/", g_ascii_formatd(buf, sizeof buf, "%.0f", whole), "w", NULL);
  plain = units_format_number(per_week);
  return g_strconcat(plain, "/w", NULL);
}

/* --- Percentages -------------------------------------------------------------------- */

#define PERCENT_EXPECTED "expected a percentage from 0%% to 100%%, like 99.95%%"

static gboolean
parse_percent_body(const char *text, double *out_fraction, GError **error)
{
  const char *p = text, *number;
  gsize len;
  double fraction;
  g_autofree char *scaled = NULL;

  if (*p == '\0') {
    g_set_error(error, UNITS_ERROR, UNITS_ERROR_PARSE, "empty; " PERCENT_EXPECTED);
    return FALSE;
  }
  if (*p == '-') {
    g_set_error(error, UNITS_ERROR, UNITS_ERROR_PARSE,
                "a percentage must not be negative; " PERCENT_EXPECTED);
    return FALSE;
  }
  if (!scan_decimal(&p, &number, &len)) {
    g_set_error(error, UNITS_ERROR, UNITS_ERROR_PARSE, PERCENT_EXPECTED);
    return FALSE;
  }
  p = skip_space(p);
  if (*p != '%') {
    g_set_error(error, UNITS_ERROR, UNITS_ERROR_PARSE,
                "the %% sign is missing; " PERCENT_EXPECTED);
    return FALSE;
  }
  p = skip_space(p + 1);
  if (*p != '\0') {
    g_set_error(error, UNITS_ERROR, UNITS_ERROR_PARSE,
                "unexpected “%s” after the %% sign; " PERCENT_EXPECTED, p);
    return FALSE;
  }
  /* "99.95e-2" read in one step is the correctly rounded 0.9995; 99.95 / 100 is not. */
  scaled = g_strdup_printf("%.*se-2", (int) len, number);
  fraction = g_ascii_strtod(scaled, NULL);
  if (!(fraction <= 1.0)) {
    g_set_error(error, UNITS_ERROR, UNITS_ERROR_PARSE, "above 100%%; " PERCENT_EXPECTED);
    return FALSE;
  }
  *out_fraction = fraction;
  return TRUE;
}

gboolean
units_parse_percent(const char *text, double *out_fraction, GError **error)
{
  g_autofree char *t = NULL;

  g_return_val_if_fail(text != NULL, FALSE);
  g_return_val_if_fail(out_fraction != NULL, FALSE);
  t = trimmed(text);
  if (!parse_percent_body(t, out_fraction, error)) {
    /* The text read, so that a caller's "file:line: key: " prefix completes the story. */
    if (*t != '\0')
      g_prefix_error(error, "%s: ", t);
    return FALSE;
  }
  return TRUE;
}

