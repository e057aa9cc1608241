/* calendar.c: parses weekly windows, schedules and date-times, and expands them once into
 * sorted intervals of simulation time; not for anything done per event except the interval
 * look-ups (calendar_overlap, calendar_contains). */
#include "zdsim/calendar.h"

#include <stdlib.h>
#include <math.h>
#include <string.h>

G_DEFINE_QUARK(calendar-error-quark, calendar_error)

#define MIN_PER_DAY 1440
#define USEC_PER_DAY (G_GINT64_CONSTANT(86400) * DIST_USEC_PER_SEC)
#define ALL_DAYS 0x7f

/* Bit 0 = Monday, as CalendarSlot.days; GDateWeekday is 1 = Monday .. 7 = Sunday. */
static const char *const day_names[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

#define DAYS_EXPECTED "expected mon, tue, wed, thu, fri, sat or sun, or a range like mon-fri"
#define WINDOW_EXAMPLE "e.g. 'sun 05:00-05:30' or 'mon-fri 08:00-18:00 Europe/Amsterdam'"
#define SCHEDULE_EXAMPLE "e.g. 'tue 02:00, thu 02:00 Europe/Amsterdam'"
#define ZONE_EXPECTED "expected an IANA name such as Europe/Amsterdam, or UTC"
#define DATETIME_EXPECTED                                                                   \
  "expected an ISO 8601 date-time with a zone such as 2027-01-04T00:00:00Z or "             \
  "2027-03-28T02:30:00+02:00, a local time and an IANA zone such as "                      \
  "'2027-03-28 09:00 Europe/Amsterdam', or a date such as 2027-01-04 (00:00 UTC)"

/* ---- Parsing windows and schedules ---------------------------------------------------- */

typedef struct {
  const char *p;     /* next character to read */
  gboolean instants; /* a schedule: times, not time ranges */
} Parser;

static gboolean
is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void
skip_space(Parser *ps)
{
  while (is_space(*ps->p))
    ps->p++;
}

/* Length of the run of letters at @s. */
static gsize
alpha_len(const char *s)
{
  gsize n = 0;
  while (g_ascii_isalpha(s[n]))
    n++;
  return n;
}

/* The day index (0 = Monday) of the @len letters at @s, or -1. */
static int
day_lookup(const char *s, gsize len)
{
  if (len != 3)
    return -1;
  for (int i = 0; i < 7; i++)
    if (g_ascii_strncasecmp(s, day_names[i], 3) == 0)
      return i;
  return -1;
}

/* Reads one day name. */
static gboolean
parse_day(Parser *ps, int *out, GError **error)
{
  gsize len = alpha_len(ps->p);
  int day = day_lookup(ps->p, len);
  if (day < 0) {
    /* Show the whole word the user wrote, up to the next separator. */
    gsize wlen = len;
    while (ps->p[wlen] != '\0' && !is_space(ps->p[wlen]) && ps->p[wlen] != ','
           && ps->p[wlen] != '-' && ps->p[wlen] != ':')
      wlen++;
    if (wlen == 0)
      g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE, "missing day before '%s' (%s)",
                  ps->p, DAYS_EXPECTED);
    else
      g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE, "unknown day '%.*s' (%s)",
                  (int) wlen, ps->p, DAYS_EXPECTED);
    return FALSE;
  }
  ps->p += len;
  *out = day;
  return TRUE;
}

/* Reads DAYS: a day, a range "mon-fri" (wrapping "fri-mon" allowed), or a comma list of
 * those "mon,wed-fri". */
static gboolean
parse_days(Parser *ps, guint8 *out, GError **error)
{
  const char *begin = ps->p;
  guint8 days = 0;
  for (;;) {
    int first, last;
    if (!parse_day(ps, &first, error))
      return FALSE;
    last = first;
    /* A range, "mon-fri" (spaces around the '-' allowed). */
    const char *q = ps->p;
    while (is_space(*q))
      q++;
    if (*q == '-') {
      q++;
      while (is_space(*q))
        q++;
      if (g_ascii_isalpha(*q)) {
        ps->p = q;
        if (!parse_day(ps, &last, error))
          return FALSE;
      } else {
        g_autofree char *seen = g_strndup(begin, (gsize) (q - begin));
        g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
                    "missing day after '%s' (expected a range like mon-fri)", g_strstrip(seen));
        return FALSE;
      }
    }
    for (int d = first;; d = (d + 1) % 7) {
      days |= (guint8) (1u << d);
      if (d == last)
        break;
    }
    /* A comma directly followed (after optional space) by a letter continues the list;
     * entries are separated by a comma too, but they come after a time, not a day. */
    q = ps->p;
    if (*q != ',')
      break;
    q++;
    while (is_space(*q))
      q++;
    if (!g_ascii_isalpha(*q)) {
      g_autofree char *seen = g_strndup(begin, (gsize) (q - begin));
      g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
                  "missing day after '%s' (expected a list like mon,wed,fri)", g_strstrip(seen));
      return FALSE;
    }
    ps->p = q;
  }
  *out = days;
  return TRUE;
}

/* Reads HH:MM (or H:MM) into minutes after midnight; 24:00 only when @is_end. */
static gboolean
parse_time(Parser *ps, gboolean is_end, int *out, GError **error)
{
  const char *s = ps->p;
  gsize len = 0;
  while (s[len] != '\0' && !is_space(s[len]) && s[len] != ',' && s[len] != '-')
    len++;
  g_autofree char *tok = g_strndup(s, len);
  gsize hlen = 0;
  while (g_ascii_isdigit(tok[hlen]))
    hlen++;
  if (hlen < 1 || hlen > 2 || tok[hlen] != ':' || !g_ascii_isdigit(tok[hlen + 1])
      || !g_ascii_isdigit(tok[hlen + 2]) || tok[hlen + 3] != '\0') {
    g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
                "bad time '%s' (expected HH:MM, e.g. 05:30)", tok);
    return FALSE;
  }
  int hour = hlen == 1 ? tok[0] - '0' : (tok[0] - '0') * 10 + (tok[1] - '0');
  int minute = (tok[hlen + 1] - '0') * 10 + (tok[hlen + 2] - '0');
  if (hour > 24 || (hour == 24 && !is_end)) {
    g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
                "hour %d in '%s' is out of range (expected 00 to 23, or 24:00 as an end)", hour,
                tok);
    return FALSE;
  }
  if (minute > 59) {
    g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
                "minute %d in '%s' is out of range (expected 00 to 59)", minute, tok);
    return FALSE;
  }
  if (hour == 24 && minute != 0) {
    g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
                "time '%s' is past the end of the day (the latest end is 24:00)", tok);
    return FALSE;
  }
  ps->p += len;
  *out = hour * 60 + minute;
  return TRUE;
}

/* After a day, a time follows after white space, or after ':' in the AWS RDS form
 * "sun:05:00". */
static gboolean
parse_day_time_separator(Parser *ps, const char *entry, GError **error)
{
  if (*ps->p == ':') {
    ps->p++;
  } else if (is_space(*ps->p)) {
    skip_space(ps);
  } else if (g_ascii_isdigit(*ps->p)) {
    g_autofree char *seen = g_strndup(entry, (gsize) (ps->p - entry));
    g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
                "missing space between '%s' and the time '%s' (expected e.g. "
                "'sun 05:00-05:30')",
                seen, ps->p);
    return FALSE;
  }
  if (!g_ascii_isdigit(*ps->p)) {
    g_autofree char *seen = g_strstrip(g_strndup(entry, (gsize) (ps->p - entry)));
    g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
                "missing time after '%s' (expected %s)", seen,
                ps->instants ? "a time like 'tue 02:00'" : "a time range like 'sun 05:00-05:30'");
    return FALSE;
  }
  return TRUE;
}

static int
popcount7(guint8 days)
{
  int n = 0;
  for (int d = 0; d < 7; d++)
    n += (days >> d) & 1;
  return n;
}

static int
first_day(guint8 days)
{
  for (int d = 0; d < 7; d++)
    if (days & (1u << d))
      return d;
  return -1;
}

/* Reads one entry, DAYS HH:MM-[DAY ]HH:MM (or DAYS HH:MM for a schedule). */
static gboolean
parse_entry(Parser *ps, CalendarSlot *slot, GError **error)
{
  const char *entry = ps->p;
  guint8 days;
  int start, end, end_day = -1, offset = 0;

  if (!g_ascii_isalpha(*ps->p)) {
    g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
                "missing day before '%s' (an entry starts with a day, %s)", ps->p,
                ps->instants ? SCHEDULE_EXAMPLE : WINDOW_EXAMPLE);
    return FALSE;
  }
  if (!parse_days(ps, &days, error) || !parse_day_time_separator(ps, entry, error)
      || !parse_time(ps, FALSE, &start, error))
    return FALSE;

  if (ps->instants) {
    const char *q = ps->p;
    while (is_space(*q))
      q++;
    if (*q == '-') {
      g_autofree char *seen = g_strndup(entry, (gsize) (ps->p - entry));
      g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
                  "a schedule lists instants like 'tue 02:00', not time ranges "
                  "(found '-' after '%s')",
                  seen);
      return FALSE;
    }
    *slot = (CalendarSlot){ .days = days, .start_min = (gint16) start,
                            .end_min = (gint16) start, .end_day_offset = 0 };
    return TRUE;
  }

  skip_space(ps);
  if (*ps->p != '-') {
    g_autofree char *seen = g_strstrip(g_strndup(entry, (gsize) (ps->p - entry)));
    g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
                "missing end time in '%s' (expected a range like 'sun 05:00-05:30')", seen);
    return FALSE;
  }
  ps->p++;
  skip_space(ps);
  if (g_ascii_isalpha(*ps->p)) {
    const char *day_at = ps->p;
    if (!parse_day(ps, &end_day, error))
      return FALSE;
    if (!parse_day_time_separator(ps, day_at, error))
      return FALSE;
  } else if (!g_ascii_isdigit(*ps->p)) {
    g_autofree char *seen = g_strstrip(g_strndup(entry, (gsize) (ps->p - entry)));
    g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
                "missing end time after '%s' (expected a range like 'sun 05:00-05:30')", seen);
    return FALSE;
  }
  if (!parse_time(ps, TRUE, &end, error))
    return FALSE;

  if (end_day >= 0) {
    if (popcount7(days) != 1) {
      g_autofree char *seen = g_strndup(entry, (gsize) (ps->p - entry));
      g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
                  "a window whose end names a day must start on one day, as in "
                  "'sat 23:30-sun 00:30' (got '%s')",
                  seen);
      return FALSE;
    }
    offset = (end_day - first_day(days) + 7) % 7;
  }
  if (offset * MIN_PER_DAY + end <= start) {
    if (end == start && offset == 0)
      g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
                  "window end %02d:%02d equals its start (a window needs a length, "
                  "e.g. 'sun 05:00-05:30')",
                  end / 60, end % 60);
    else
      g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
                  "window end %02d:%02d is before its start %02d:%02d (to cross midnight, "
                  "name the end day, e.g. 'sat 23:30-sun 00:30')",
                  end / 60, end % 60, start / 60, start % 60);
    return FALSE;
  }
  *slot = (CalendarSlot){ .days = days, .start_min = (gint16) start, .end_min = (gint16) end,
                          .end_day_offset = (gint8) offset };
  return TRUE;
}

/* A zone name, or NULL for UTC (and for "UTC" itself). */
static GTimeZone *
zone_new(const char *name)
{
  if (name == NULL)
    return g_time_zone_new_utc();
  return g_time_zone_new_identifier(name);
}

gboolean
calendar_zone_name_is_valid(const char *name)
{
  /* IANA names are ASCII words joined by '/' ("America/Argentina/Buenos_Aires", "Etc/GMT+5").
   * GLib also takes a file path or a POSIX TZ string; a path would let a scenario open any
   * file (a FIFO blocks for ever), so neither is accepted. */
  if (name == NULL || !g_ascii_isalpha(name[0]) || strlen(name) > 64 ||
      strstr(name, "..") != NULL)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum(*p) && strchr("/_+-.", *p) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
parse_zone(const char *tok, char **out, GError **error)
{
  if (g_ascii_strcasecmp(tok, "UTC") == 0) {
    *out = NULL;
    return TRUE;
  }
  if (!calendar_zone_name_is_valid(tok)) {
    g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
                "unknown time zone '%s' (" ZONE_EXPECTED ")", tok);
    return FALSE;
  }
  /* g_time_zone_new_identifier() returns NULL for unknown names since GLib 2.68. */
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier(tok);
  if (tz == NULL) {
    g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
                "unknown time zone '%s' (" ZONE_EXPECTED ")", tok);
    return FALSE;
  }
  *out = g_strdup(tok);
  return TRUE;
}

/* Whether @s starts like an entry ("tue 03:00", "sun:05:00", "mon-fri ..."), so that a
 * missing comma can be told apart from a misspelt zone. */
static gboolean
looks_like_entry(const char *s)
{
  gsize len = alpha_len(s);
  if (day_lookup(s, len) < 0)
    return FALSE;
  char c = s[len];
  return c == '\0' || is_space(c) || c == ':' || c == '-' || c == ',';
}

static gboolean
parse_slots(const char *text, gboolean instants, CalendarWindow *out, GError **error)
{
  Parser ps = { .p = text != NULL ? text : "", .instants = instants };
  CalendarWindow w = { .n_slots = 0, .instants = instants, .zone = NULL };
  const char *example = instants ? SCHEDULE_EXAMPLE : WINDOW_EXAMPLE;

  skip_space(&ps);
  if (*ps.p == '\0') {
    g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE, "empty %s (expected %s)",
                instants ? "schedule" : "window", example);
    return FALSE;
  }
  for (;;) {
    if (w.n_slots == CALENDAR_MAX_SLOTS) {
      g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
                  "too many entries (at most %d; join days into a list or a range, "
                  "e.g. 'mon-fri 08:00-18:00')",
                  CALENDAR_MAX_SLOTS);
      return FALSE;
    }
    if (!parse_entry(&ps, &w.slots[w.n_slots], error))
      return FALSE;
    w.n_slots++;
    skip_space(&ps);
    if (*ps.p == '\0')
      break;
    if (*ps.p == ',') {
      ps.p++;
      skip_space(&ps);
      if (*ps.p == '\0') {
        g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
                    "missing entry after the last ',' (expected %s)", example);
        return FALSE;
      }
      continue;
    }
    /* Anything else is the zone, which must be the last word. */
    if (looks_like_entry(ps.p)) {
      g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
                  "missing ',' before '%s' (entries are separated by commas, e.g. "
                  "'mon 01:00-02:00, tue 03:00-04:00')",
                  ps.p);
      return FALSE;
    }
    gsize len = 0;
    while (ps.p[len] != '\0' && !is_space(ps.p[len]) && ps.p[len] != ',')
      len++;
    g_autofree char *tok = g_strndup(ps.p, len);
    const char *rest = ps.p + len;
    while (is_space(*rest))
      rest++;
    if (*rest != '\0') {
      g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
                  "unexpected '%s' after the time zone '%s' (the zone comes last and applies "
                  "to every entry, %s)",
                  rest, tok, example);
      return FALSE;
    }
    if (!parse_zone(tok, &w.zone, error))
      return FALSE;
    break;
  }
  *out = w;
  return TRUE;
}

gboolean
calendar_parse_window(const char *text, CalendarWindow *out, GError **error)
{
  return parse_slots(text, FALSE, out, error);
}

gboolean
calendar_parse_schedule(const char *text, CalendarWindow *out, GError **error)
{
  return parse_slots(text, TRUE, out, error);
}

void
calendar_window_clear(CalendarWindow *window)
{
  g_clear_pointer(&window->zone, g_free);
  window->n_slots = 0;
  window->instants = FALSE;
}

void
calendar_window_copy(CalendarWindow *dest, const CalendarWindow *src)
{
  *dest = *src;
  dest->zone = g_strdup(src->zone);
}

/* ---- Text form ------------------------------------------------------------------------ */

/* Writes @days as ranges of consecutive days ("mon-fri", "fri-mon", "mon,wed-fri"). */
static void
append_days(GString *s, guint8 days)
{
  days &= ALL_DAYS;
  if (days == ALL_DAYS) {
    g_string_append(s, "mon-sun");
    return;
  }
  gboolean first_run = TRUE;
  for (int d = 0; d < 7; d++) {
    /* A run starts at a set day whose predecessor (cyclically) is unset. */
    if (!(days & (1u << d)) || (days & (1u << ((d + 6) % 7))))
      continue;
    int last = d;
    while (days & (1u << ((last + 1) % 7)))
      last = (last + 1) % 7;
    g_string_append_printf(s, "%s%s", first_run ? "" : ",", day_names[d]);
    if (last != d)
      g_string_append_printf(s, "-%s", day_names[last]);
    first_run = FALSE;
  }
}

static void
append_slot(GString *s, guint8 days, const CalendarSlot *slot, gboolean instants)
{
  append_days(s, days);
  g_string_append_printf(s, " %02d:%02d", slot->start_min / 60, slot->start_min % 60);
  if (instants)
    return;
  g_string_append_c(s, '-');
  if (slot->end_day_offset > 0)
    g_string_append_printf(s, "%s ", day_names[(first_day(days) + slot->end_day_offset) % 7]);
  g_string_append_printf(s, "%02d:%02d", slot->end_min / 60, slot->end_min % 60);
}

char *
calendar_window_to_string(const CalendarWindow *window)
{
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < window->n_slots; i++) {
    const CalendarSlot *slot = &window->slots[i];
    if (!window->instants && slot->end_day_offset > 0 && popcount7(slot->days) > 1) {
      /* Several days ending on a later day: no text form, so one entry per day. */
      for (int d = 0; d < 7; d++) {
        if (!(slot->days & (1u << d)))
          continue;
        if (s->len > 0)
          g_string_append(s, ", ");
        append_slot(s, (guint8) (1u << d), slot, FALSE);
      }
      continue;
    }
    if (s->len > 0)
      g_string_append(s, ", ");
    append_slot(s, slot->days, slot, window->instants);
  }
  if (window->zone != NULL)
    g_string_append_printf(s, " %s", window->zone);
  return g_string_free(s, FALSE);
}

gint
calendar_window_minutes_per_week(const CalendarWindow *window)
{
  if (window->instants)
    return 0;
  gint total = 0;
  for (guint i = 0; i < window->n_slots; i++) {
    const CalendarSlot *slot = &window->slots[i];
    total += popcount7(slot->days)
             * (slot->end_day_offset * MIN_PER_DAY + slot->end_min - slot->start_min);
  }
  return total;
}

/* ---- Date-times ----------------------------------------------------------------------- */

static gboolean
digits(const char *s, int n, int *out)
{
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (!g_ascii_isdigit(s[i]))
      return FALSE;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return TRUE;
}

typedef struct {
  int year, month, day, hour, minute, second;
} LocalTime;

/* Matches YYYY-MM-DD at @s (fields unchecked). */
static gboolean
match_date(const char *s, LocalTime *t)
{
  return digits(s, 4, &t->year) && s[4] == '-' && digits(s + 5, 2, &t->month) && s[7] == '-'
         && digits(s + 8, 2, &t->day);
}

/* Matches "YYYY-MM-DD HH:MM[:SS]" or "YYYY-MM-DDTHH:MM[:SS]" at the start of @s (fields
 * unchecked). Returns what follows, or NULL; *has_seconds says whether :SS was there. */
static const char *
match_local_prefix(const char *s, LocalTime *t, gboolean *has_seconds)
{
  if (!match_date(s, t))
    return NULL;
  s += 10;
  if (*s == 'T') {
    s++;
  } else if (is_space(*s)) {
    while (is_space(*s))
      s++;
  } else {
    return NULL;
  }
  if (!digits(s, 2, &t->hour) || s[2] != ':' || !digits(s + 3, 2, &t->minute))
    return NULL;
  s += 5;
  t->second = 0;
  *has_seconds = FALSE;
  if (*s == ':') {
    if (!digits(s + 1, 2, &t->second))
      return NULL;
    s += 3;
    *has_seconds = TRUE;
  }
  return s;
}

/* Matches the whole of a local date-time without a zone. */
static gboolean
match_local(const char *s, LocalTime *t)
{
  gboolean has_seconds;
  const char *rest = match_local_prefix(s, t, &has_seconds);
  return rest != NULL && *rest == '\0';
}

static gboolean
check_date(const LocalTime *t, const char *text, GError **error)
{
  if (t->month < 1 || t->month > 12 || t->day < 1 || t->year < 1
      || !g_date_valid_dmy((GDateDay) t->day, (GDateMonth) t->month, (GDateYear) t->year)) {
    g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
                "no such date %04d-%02d-%02d in '%s' (" DATETIME_EXPECTED ")", t->year, t->month,
                t->day, text);
    return FALSE;
  }
  return TRUE;
}

static gboolean
check_time(const LocalTime *t, const char *text, GError **error)
{
  if (t->hour > 23 || t->minute > 59 || t->second > 59) {
    g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
                "no such time %02d:%02d:%02d in '%s' (expected 00:00:00 to 23:59:59)", t->hour,
                t->minute, t->second, text);
    return FALSE;
  }
  return TRUE;
}

static GDateTime *parse_datetime(const char *text, char **note, GError **error);

GDateTime *
calendar_parse_datetime(const char *text, char **note, GError **error)
{
  if (note != NULL)
    *note = NULL;
  GDateTime *dt = parse_datetime(text, note, error);
  if (dt == NULL)
    return NULL;
  /* GDateTime holds years 1 to 9999 in local time; the same instant in UTC can fall outside
   * them ("0001-01-01T00:00:00+01:00"), and then nothing can print or compare it in UTC. */
  g_autoptr(GDateTime) utc = g_date_time_to_utc(dt);
  if (utc == NULL) {
    g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
                "date-time '%s' is out of range (years 1 to 9999 in UTC)", text);
    g_date_time_unref(dt);
    return NULL;
  }
  return dt;
}

/* The instant local time @t means in @tz: refused when a daylight-saving change skips it,
 * the first of the two when a change repeats it (with a note). GLib's g_date_time_new()
 * would move a skipped time silently and pick the second of a repeated one. */
static GDateTime *
local_in_zone(GTimeZone *tz, const LocalTime *t, const char *text, char **note, GError **error)
{
  g_autoptr(GDateTime) wall = g_date_time_new_utc(t->year, t->month, t->day, t->hour,
                                                  t->minute, t->second);
  if (wall == NULL) {
    g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
                "date-time '%s' is out of range (years 1 to 9999)", text);
    return NULL;
  }
  gint64 local = g_date_time_to_unix(wall);
  gint dst = g_time_zone_find_interval(tz, G_TIME_TYPE_DAYLIGHT, local);
  gint std = g_time_zone_find_interval(tz, G_TIME_TYPE_STANDARD, local);
  if (dst < 0 && std < 0) {
    g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
                "'%s' does not exist: the clocks skip that time for daylight saving (write a "
                "time after the change, or give an offset such as +01:00)", text);
    return NULL;
  }
  gint first = dst >= 0 ? dst : std;
  if (dst >= 0 && std >= 0 && dst != std) {
    /* Repeated: the earlier instant is the one with the larger offset (summer time). */
    gint32 off_d = g_time_zone_get_offset(tz, dst);
    gint32 off_s = g_time_zone_get_offset(tz, std);
    first = off_d >= off_s ? dst : std;
    gint other = first == dst ? std : dst;
    if (note != NULL) {
      gint32 off = g_time_zone_get_offset(tz, first), off2 = g_time_zone_get_offset(tz, other);
      *note = g_strdup_printf(
          "'%s' happens twice (a daylight-saving change repeats it); read as the first, "
          "%s (UTC%+03d:%02d); write UTC%+03d:%02d as an offset for the second", text,
          g_time_zone_get_abbreviation(tz, first), off / 3600, abs(off % 3600) / 60,
          off2 / 3600, abs(off2 % 3600) / 60);
    }
  }
  gint32 offset = g_time_zone_get_offset(tz, first);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc(local - offset);
  GDateTime *dt = utc != NULL ? g_date_time_to_timezone(utc, tz) : NULL;
  if (dt == NULL)
    g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
                "date-time '%s' is out of range (years 1 to 9999)", text);
  return dt;
}

static GDateTime *
parse_datetime(const char *text, char **note, GError **error)
{
  g_autofree char *s = g_strstrip(g_strdup(text != NULL ? text : ""));
  LocalTime t;

  if (*s == '\0') {
    g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
                "empty date-time (" DATETIME_EXPECTED ")");
    return NULL;
  }
  GDateTime *dt = g_date_time_new_from_iso8601(s, NULL);
  if (dt != NULL)
    return dt;
  /* ISO 8601 allows HH:MM without seconds ("2027-01-04T00:00Z"); GLib 2.74 wants seconds,
   * so add them. */
  gboolean has_seconds;
  const char *rest = match_local_prefix(s, &t, &has_seconds);
  if (rest != NULL && !has_seconds && (*rest == 'Z' || *rest == '+' || *rest == '-')) {
    g_autofree char *head = g_strndup(s, (gsize) (rest - s));
    g_autofree char *full = g_strconcat(head, ":00", rest, NULL);
    dt = g_date_time_new_from_iso8601(full, NULL);
    if (dt != NULL)
      return dt;
  }

  if (strlen(s) == 10 && match_date(s, &t)) {
    if (!check_date(&t, s, error))
      return NULL;
    return g_date_time_new_utc(t.year, t.month, t.day, 0, 0, 0);
  }
  if (match_local(s, &t)) {
    g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
                "missing time zone in '%s' (add Z, an offset such as +01:00, or an IANA zone, "
                "e.g. '2027-03-28 09:00 Europe/Amsterdam')",
                s);
    return NULL;
  }
  /* A local time followed by a zone name: the zone is the last word. */
  char *sp = s + strlen(s);
  while (sp > s && !is_space(sp[-1]))
    sp--;
  if (sp > s) {
    g_autofree char *local = g_strstrip(g_strndup(s, (gsize) (sp - s)));
    if (match_local(local, &t)) {
      if (!check_date(&t, s, error) || !check_time(&t, s, error))
        return NULL;
      if (g_ascii_strcasecmp(sp, "UTC") == 0)
        return g_date_time_new_utc(t.year, t.month, t.day, t.hour, t.minute, t.second);
      g_autoptr(GTimeZone) tz =
          calendar_zone_name_is_valid(sp) ? g_time_zone_new_identifier(sp) : NULL;
      if (tz == NULL) {
        g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
                    "unknown time zone '%s' (" ZONE_EXPECTED ")", sp);
        return NULL;
      }
      return local_in_zone(tz, &t, s, note, error);
    }
  }
  /* Say which part is wrong when the date itself is impossible. */
  if (match_date(s, &t) && !check_date(&t, s, error))
    return NULL;
  g_set_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE,
              "'%s' is not a date-time (" DATETIME_EXPECTED ")", s);
  return NULL;
}

gint64
calendar_time_of(GDateTime *start, GDateTime *instant)
{
  return g_date_time_difference(instant, start);
}

/* ---- Expansion ------------------------------------------------------------------------ */

static gint
interval_compare(gconstpointer a, gconstpointer b)
{
  const CalendarInterval *x = a, *y = b;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (x->end != y->end)
    return x->end < y->end ? -1 : 1;
  return 0;
}

/* Simulation time of local @minute (may be 1440, the next midnight) on @day + @day_offset,
 * or FALSE when the date lies outside GDateTime's range. */
static gboolean
local_time(GTimeZone *tz, const GDate *day, int day_offset, int minute, GDateTime *start,
           gint64 *out)
{
  GDate d = *day;
  day_offset += minute / MIN_PER_DAY;
  minute %= MIN_PER_DAY;
  if (day_offset > 0)
    g_date_add_days(&d, (guint) day_offset);
  /* g_date_time_new() moves a local time in a spring-forward gap to the end of the gap and
   * takes a repeated (fall-back) time in standard time; see calendar.h. */
  g_autoptr(GDateTime) dt = g_date_time_new(tz, g_date_get_year(&d), g_date_get_month(&d),
                                            g_date_get_day(&d), minute / 60, minute % 60, 0);
  if (dt == NULL)
    return FALSE;
  *out = g_date_time_difference(dt, start);
  return TRUE;
}

GArray *
calendar_expand(const CalendarWindow *window, GDateTime *start, gint64 horizon)
{
  GArray *out = g_array_new(FALSE, FALSE, sizeof(CalendarInterval));
  if (horizon <= 0 || window->n_slots == 0)
    return out;

  g_autoptr(GTimeZone) tz = zone_new(window->zone);
  /* The zone was checked when the window was parsed. */
  g_assert(tz != NULL);
  g_autoptr(GDateTime) local = g_date_time_to_timezone(start, tz);
  /* The start's local day can lie outside GDateTime's years 1 to 9999 (0001-01-01T00:00Z in
   * New York); the start's own day is at most a day off, which the week before covers. */
  if (local == NULL)
    local = g_date_time_ref(start);
  int y, m, d;
  g_date_time_get_ymd(local, &y, &m, &d);

  /* From one week before the start's local day: a slot lasts at most 7 days, so an
   * occurrence that began earlier has ended by the start. To one week past the horizon,
   * which covers any zone offset. GDateTime stops at 9999-12-31. */
  GDate day;
  g_date_clear(&day, 1);
  g_date_set_dmy(&day, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
  GDate last_day;
  g_date_clear(&last_day, 1);
  g_date_set_dmy(&last_day, 31, G_DATE_DECEMBER, 9999);
  gint64 n_days = horizon / USEC_PER_DAY + 1 + 2 * 7;
  /* Days from a week before the start's day to 9999-12-31, both included. */
  gint64 room = (gint64) g_date_get_julian(&last_day) - (gint64) g_date_get_julian(&day) + 8;
  n_days = MIN(n_days, room);
  if (g_date_get_julian(&day) > 7)
    g_date_subtract_days(&day, 7);
  else
    n_days -= 7; /* a start in the first week of year 1: begin there */

  g_autoptr(GArray) raw = g_array_new(FALSE, FALSE, sizeof(CalendarInterval));
  for (gint64 i = 0; i < n_days; i++) {
    guint bit = 1u << (g_date_get_weekday(&day) - G_DATE_MONDAY);
    for (guint k = 0; k < window->n_slots; k++) {
      const CalendarSlot *slot = &window->slots[k];
      CalendarInterval iv;
      if (!(slot->days & bit))
        continue;
      if (!local_time(tz, &day, 0, slot->start_min, start, &iv.start))
        continue;
      if (window->instants)
        iv.end = iv.start;
      else if (!local_time(tz, &day, slot->end_day_offset, slot->end_min, start, &iv.end))
        continue;
      g_array_append_val(raw, iv);
    }
    if (i + 1 < n_days)
      g_date_add_days(&day, 1);
  }
  g_array_sort(raw, interval_compare);

  for (guint i = 0; i < raw->len; i++) {
    CalendarInterval iv = g_array_index(raw, CalendarInterval, i);
    if (window->instants) {
      if (iv.start < 0 || iv.start >= horizon)
        continue;
      if (out->len > 0 && g_array_index(out, CalendarInterval, out->len - 1).start == iv.start)
        continue;
      g_array_append_val(out, iv);
      continue;
    }
    iv.start = MAX(iv.start, 0);
    iv.end = MIN(iv.end, horizon);
    /* Empty after clipping, or swallowed by a spring-forward gap. */
    if (iv.end <= iv.start)
      continue;
    if (out->len > 0) {
      CalendarInterval *last = &g_array_index(out, CalendarInterval, out->len - 1);
      if (iv.start <= last->end) {
        last->end = MAX(last->end, iv.end);
        continue;
      }
    }
    g_array_append_val(out, iv);
  }
  return out;
}

/* ---- Look-ups ------------------------------------------------------------------------- */

/* The first index >= @lo whose interval ends after @t (ends increase in a sorted, disjoint
 * list), or the length. */
static guint
first_ending_after(const GArray *intervals, guint lo, gint64 t)
{
  guint hi = intervals->len;
  while (lo < hi) {
    guint mid = lo + (hi - lo) / 2;
    if (g_array_index(intervals, CalendarInterval, mid).end <= t)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* first_ending_after(@intervals, 0, @t), starting from *@hint when there is one: a few steps
 * forward cover the usual case of a clock moving on, a search the long jumps and any step
 * back. Leaves the answer in *@hint. */
static guint
seek(const GArray *intervals, gint64 t, guint *hint)
{
  if (hint == NULL)
    return first_ending_after(intervals, 0, t);
  guint len = intervals->len;
  guint i = MIN(*hint, len);
  if (i > 0 && g_array_index(intervals, CalendarInterval, i - 1).end > t) {
    i = first_ending_after(intervals, 0, t);  /* t went back */
  } else {
    for (int steps = 0; i < len && g_array_index(intervals, CalendarInterval, i).end <= t;
         steps++) {
      if (steps == 8) {
        i = first_ending_after(intervals, i, t);
        break;
      }
      i++;
    }
  }
  *hint = i;
  return i;
}

gint64
calendar_overlap(const GArray *intervals, gint64 a, gint64 b, guint *hint)
{
  if (intervals == NULL || b <= a)
    return 0;
  gint64 total = 0;
  for (guint i = seek(intervals, a, hint); i < intervals->len; i++) {
    const CalendarInterval *iv = &g_array_index(intervals, CalendarInterval, i);
    if (iv->start >= b)
      break;
    gint64 part = MIN(iv->end, b) - MAX(iv->start, a);
    if (part > 0)
      total += part;
  }
  return total;
}

gboolean
calendar_contains(const GArray *intervals, gint64 t, guint *hint)
{
  if (intervals == NULL)
    return FALSE;
  guint i = seek(intervals, t, hint);
  return i < intervals->len && g_array_index(intervals, CalendarInterval, i).start <= t;
}
