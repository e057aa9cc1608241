/* calendar.h: weekly windows and calendar instants, turned into simulation time once.
 *
 * A window such as "sun 05:00-05:30", "mon-fri 08:00-18:00 Europe/Amsterdam" or a schedule of
 * instants "tue 02:00, thu 02:00 Europe/Amsterdam" is parsed once and expanded once, at run
 * start, into a sorted list of [start, end) intervals in simulation time (µs since the
 * scenario's start instant) with GDateTime/GTimeZone, so daylight-saving changes are exact and
 * nothing consults the calendar per event. Not for random draws, Poisson arrival times
 * included (dist.h). */
#pragma once

#include <glib.h>

#include "zdsim/dist.h"

G_BEGIN_DECLS

#define CALENDAR_MAX_SLOTS 16

/* Errors of the parsers below. Messages say what was wrong and what was expected, with an
 * example; they name no file, line or key (the caller, scenario.c, prefixes those). */
#define CALENDAR_ERROR calendar_error_quark()
GQuark calendar_error_quark(void);

typedef enum {
  CALENDAR_ERROR_PARSE, /* a window, schedule or date-time that cannot be read */
} CalendarError;

/* One weekly slot in local time. Days are bit 0 = Monday .. bit 6 = Sunday. A slot may end on
 * a later day only when its end names a day ("sat 23:30-sun 00:30"); end_day_offset counts
 * those days. An instant (a schedule entry) has end_min == start_min and end_day_offset 0. */
typedef struct {
  guint8 days;
  gint16 start_min;      /* minutes after local midnight, 0..1439 */
  gint16 end_min;        /* minutes after local midnight of the end day, 0..1440 */
  gint8 end_day_offset;  /* 0..6 */
} CalendarSlot;

typedef struct {
  CalendarSlot slots[CALENDAR_MAX_SLOTS];
  guint n_slots;
  gboolean instants;     /* a schedule of instants rather than windows */
  char *zone;            /* IANA name, or NULL for UTC */
} CalendarWindow;

typedef struct {
  gint64 start; /* µs since time 0, inclusive */
  gint64 end;   /* µs since time 0, exclusive; == start for an instant */
} CalendarInterval;

/* Parses a window list "sun 05:00-05:30", "mon-fri 08:00-18:00 Europe/Amsterdam",
 * "mon,wed 01:00-02:00, sat 10:00-12:00". The zone, if any, comes last and applies to all.
 * An end before its start, an unknown day or zone, or a bad time is an error.
 *
 * Grammar: entries separated by commas; an entry is DAYS START-END. DAYS is a day (mon, tue,
 * wed, thu, fri, sat, sun; any case), a range "mon-fri" (ranges may wrap: "fri-mon"), or a
 * list of those "mon,wed,fri". Times are HH:MM; 24:00 is allowed as an end. An end may name a
 * day to cross midnight, "sat 23:30-sun 00:30" (the start must then be one day). The AWS RDS
 * form "sun:05:00-sun:05:30" is read too. The zone is an IANA name such as Europe/Amsterdam
 * (anything g_time_zone_new_identifier() knows); "UTC" or no zone gives zone = NULL.
 * At most CALENDAR_MAX_SLOTS entries.
 *
 * On success *out owns a new zone string (free with calendar_window_clear()); *out is not
 * cleared first, so clear a window before parsing into it again. On failure returns FALSE
 * with @error (CALENDAR_ERROR_PARSE) and leaves *out untouched. */
gboolean calendar_parse_window(const char *text, CalendarWindow *out, GError **error);

/* Parses a schedule of instants "tue 02:00, thu 02:00 Europe/Amsterdam", "mon-fri 09:00":
 * the grammar of calendar_parse_window() with a time instead of a time range. Sets
 * instants = TRUE. Ownership and errors as for calendar_parse_window(). */
gboolean calendar_parse_schedule(const char *text, CalendarWindow *out, GError **error);

/* Whether @name has the form of an IANA zone name (ASCII letters, digits and "/_+-.",
 * starting with a letter, no ".."), which is all a zone in a scenario may be: GLib would
 * also read a file path or a POSIX TZ string. Says nothing about whether the zone exists. */
gboolean calendar_zone_name_is_valid(const char *name);

/* Frees what a parse allocated (the zone name) and empties the window; the struct may be
 * parsed into again. */
void calendar_window_clear(CalendarWindow *window);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(CalendarWindow, calendar_window_clear)

/* Deep copy. @dest is overwritten without being cleared first. */
void calendar_window_copy(CalendarWindow *dest, const CalendarWindow *src);

/* The text form the parser reads back to the same slots ("mon-fri 08:00-18:00
 * Europe/Amsterdam"). A hand-built slot that has several days and also ends on a later day
 * has no text form of its own; it is written as one entry per day (the same intervals, more
 * slots). Returns: (transfer full) a string to free with g_free(). */
char *calendar_window_to_string(const CalendarWindow *window);

/* Total length of one week of the window in minutes, ignoring daylight saving. */
gint calendar_window_minutes_per_week(const CalendarWindow *window);

/* Parses an ISO 8601 date-time with a zone ("2027-01-04T00:00:00Z",
 * "2027-03-28T02:30:00+02:00") or a date-time followed by an IANA zone
 * ("2027-03-28 09:00 Europe/Amsterdam", "2027-03-28T09:00:30 Europe/Amsterdam"), or a bare
 * date "2027-01-04" meaning 00:00 UTC. A local time that a daylight-saving change skips
 * ("2027-03-28 02:30 Europe/Amsterdam") does not exist and is refused; one that it repeats
 * ("2027-10-31 02:30 Europe/Amsterdam") is read as its first occurrence, and *@note (when
 * @note is not NULL) says so in a sentence for the user (transfer full; NULL when there is
 * nothing to say). Returns: (transfer full) or NULL with @error (CALENDAR_ERROR_PARSE). */
GDateTime *calendar_parse_datetime(const char *text, char **note, GError **error);

/* Expands @window into the sorted, merged intervals (overlaps joined) that intersect
 * [0, horizon) for a run whose time 0 is @start. Intervals are clipped to [0, horizon).
 * Instants give zero-length intervals. Returns: (transfer full) a GArray of
 * CalendarInterval.
 *
 * Windows that overlap or touch are joined into one interval; instants stay distinct, with
 * duplicates dropped. Each slot is placed in the window's zone on every local calendar day,
 * so a local-time window keeps its local hours across daylight-saving changes and moves in
 * UTC. Local times that do not exist or happen twice follow GLib (g_date_time_new()): a
 * time in the skipped hour moves to the end of the gap (02:30 Europe/Amsterdam on
 * 2027-03-28 becomes 03:00 CEST = 01:00 UTC, so "sun 02:30-03:30" lasts 30 min that day and
 * "sun 02:00-02:45" vanishes); a repeated time is taken in standard time, the second
 * occurrence (02:30 on 2027-10-31 is 02:30 CET = 01:30 UTC, so "sun 02:00-03:00" lasts 1 h,
 * not 2 h). */
GArray *calendar_expand(const CalendarWindow *window, GDateTime *start, gint64 horizon);

/* Microseconds of [a, b) that lie inside @intervals (sorted, disjoint); 0 when b <= a.
 * O(log n + k) for k intervals inside [a, b); with *@hint (start it at 0, keep one per list)
 * O(1 + k) amortised while a moves forward, as the simulation clock does. Any sequence of a
 * is allowed; @hint may be NULL. */
gint64 calendar_overlap(const GArray *intervals, gint64 a, gint64 b, guint *hint);

/* Whether @t lies in one of @intervals; *hint (start it at 0) makes a forward scan O(1)
 * amortised. Any sequence of t is allowed (a step back costs a binary search); @hint may be
 * NULL. An instant (zero-length interval) contains nothing. */
gboolean calendar_contains(const GArray *intervals, gint64 t, guint *hint);

/* Simulation time of a calendar instant for a run starting at @start (may be negative). */
gint64 calendar_time_of(GDateTime *start, GDateTime *instant);

G_END_DECLS
