/* units.h: durations, rates and percentages as text — the parsers that read them from
 * scenario files and command lines, and the formatters that write them back exactly.
 *
 * Not for random distributions (dist.h, which reads its parameters with these parsers) or
 * for calendars (calendar.h). Durations are gint64 microseconds, as everywhere in zdsim;
 * rates are events per second; percentages are fractions. Nothing here keeps state. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The error domain of the parsers below. Messages say what was wrong and what was expected,
 * with an example, but name no file, line or key: the caller prefixes those. */
#define UNITS_ERROR (units_error_quark())

typedef enum {
  UNITS_ERROR_PARSE, /* the text is not of the expected form or lies out of range */
} UnitsError;

GQuark units_error_quark(void);

/* Parses a duration: a number with a unit, "250ms 10s 5m 2h 3d 1w" (also "us"), or "0".
 * The number may have decimals ("1.5h"); the value is converted exactly and rounded to the
 * nearest µs, halves up. Negative, unitless non-zero and too large (>= G_MAXINT64, the
 * "never" of dist.h) values are errors (UNITS_ERROR_PARSE), whose message starts with the
 * text read; @out_us is then untouched. Result in µs. */
gboolean units_parse_duration(const char *text, gint64 *out_us, GError **error);

/* As units_parse_duration(), for a duration that is one part of a larger text (a
 * distribution's parameter): @text must already be trimmed, and the message does not
 * repeat it, since the caller names the part itself. */
gboolean units_parse_duration_part(const char *text, gint64 *out_us, GError **error);

/* The exact text for a duration in µs, in the largest unit that divides it ("1w", "90s",
 * "5m", "250ms", "1500ms", "100us", "0s"); units_parse_duration() reads it back exactly
 * (for @us >= 0). Returns: (transfer full). */
char *units_format_duration(gint64 us);

/* Parses a rate "3/w", "1/12w", "2/d", "0.5/h", "1/30s" or "0" into events per second:
 * COUNT/[N]UNIT, COUNT >= 0, N > 0, UNIT one of us ms s m h d w. Errors: UNITS_ERROR_PARSE,
 * the message starting with the text read. */
gboolean units_parse_rate(const char *text, double *out_per_s, GError **error);

/* The text form of a rate in events per second, as "3/w", "1/12w" or "2.5/w"; it reads back
 * (units_parse_rate) within 1e-12 relative. "0" for 0. Returns: (transfer full). */
char *units_format_rate(double per_s);

/* Parses a percentage "99.95%" into a fraction (0.9995, correctly rounded). The % sign is
 * required; the value must lie in [0 %, 100 %]. Errors: UNITS_ERROR_PARSE, the message
 * starting with the text read. */
gboolean units_parse_percent(const char *text, double *out_fraction, GError **error);

/* Scans an unsigned decimal "D+" or "D+.D+" (no sign, no exponent) at *@p as a double,
 * correctly rounded, and moves *@p past it. FALSE when there is none (*@p unchanged) or
 * when it is not finite. */
gboolean units_scan_number(const char **p, double *out);

/* The shortest decimal text without an exponent that units_scan_number() reads back as @x
 * (finite, >= 0): "1.5", "0.25", "120", "0.00001"; "0" for 0 or less.
 * Returns: (transfer full). */
char *units_format_number(double x);

G_END_DECLS
