/* test-calendar.c: tests of weekly windows, schedules, date-times, their expansion into
 * simulation time, the interval look-ups and Poisson arrivals (calendar.h).
 *
 * Expected values are worked out from the calendar by hand; the comments give the reasoning.
 * The fixed facts used throughout:
 *   - 2027-01-04 is a Monday (scenario.start's default); day d after it is weekday d % 7.
 *   - 2027 has 365 days, not a leap year (2027 is not divisible by 4).
 *   - Europe/Amsterdam is CET (UTC+1) in winter and CEST (UTC+2) in summer; the EU rule
 *     switches at 01:00 UTC on the last Sunday of March and of October: 2027-03-28 and
 *     2027-10-31. Counting from 2027-01-04: to 2027-03-28 is 27 (rest of January) + 28
 *     (February) + 28 = 83 days, and 83 = 11 * 7 + 6, a Sunday; to 2027-10-31 is
 *     27 + 28 + 31 + 30 + 31 + 30 + 31 + 31 + 30 + 31 = 300 days, 300 = 42 * 7 + 6, a Sunday. */
#include <math.h>
#include <string.h>

#include "zdsim/calendar.h"

#define MINUTE (G_GINT64_CONSTANT(60) * DIST_USEC_PER_SEC)
#define HOUR (60 * MINUTE)
#define DAY (24 * HOUR)
#define WEEK (7 * DAY)

#define MARCH_28 83  /* day index of the spring-forward Sunday, see the top */
#define OCTOBER_31 300 /* day index of the fall-back Sunday */

static GDateTime *
default_start(void)
{
  return g_date_time_new_utc(2027, 1, 4, 0, 0, 0);
}

static GArray *
expand_text(const char *text, gboolean schedule, GDateTime *start, gint64 horizon)
{
  g_auto(CalendarWindow) w = { .n_slots = 0 };
  g_autoptr(GError) error = NULL;
  gboolean ok = schedule ? calendar_parse_schedule(text, &w, &error)
                         : calendar_parse_window(text, &w, &error);
  g_assert_no_error(error);
  g_assert_true(ok);
  return calendar_expand(&w, start, horizon);
}

static void
assert_intervals(const GArray *got, const CalendarInterval *want, guint n)
{
  g_assert_cmpuint(got->len, ==, n);
  for (guint i = 0; i < n; i++) {
    g_assert_cmpint(g_array_index(got, CalendarInterval, i).start, ==, want[i].start);
    g_assert_cmpint(g_array_index(got, CalendarInterval, i).end, ==, want[i].end);
  }
}

/* The default RDS window over the default year. Sundays fall on days 6 + 7k; 365 days are
 * 52 weeks and a day, so k = 0..51 (day 363 is the last; day 370 is past the horizon). */
static void
test_expand_weekly_utc(void)
{
  g_autoptr(GDateTime) start = default_start();
  g_autoptr(GArray) got = expand_text("sun 05:00-05:30", FALSE, start, 365 * DAY);
  g_assert_cmpuint(got->len, ==, 52);
  for (guint k = 0; k < 52; k++) {
    CalendarInterval iv = g_array_index(got, CalendarInterval, k);
    g_assert_cmpint(iv.start, ==, 6 * DAY + 5 * HOUR + (gint64) k * WEEK);
    g_assert_cmpint(iv.end - iv.start, ==, 30 * MINUTE);
  }
  g_assert_cmpint(calendar_overlap(got, 0, 365 * DAY, NULL), ==, 52 * 30 * MINUTE);
}

/* Business hours in Amsterdam in a January week: 08:00 CET is 07:00 UTC, 18:00 CET is
 * 17:00 UTC, on days 0..4 (Monday to Friday). */
static void
test_expand_business_hours_winter(void)
{
  g_autoptr(GDateTime) start = default_start();
  g_autoptr(GArray) got =
      expand_text("mon-fri 08:00-18:00 Europe/Amsterdam", FALSE, start, WEEK);
  CalendarInterval want[5];
  for (int d = 0; d < 5; d++)
    want[d] = (CalendarInterval){ d * DAY + 7 * HOUR, d * DAY + 17 * HOUR };
  assert_intervals(got, want, 5);
  g_assert_cmpint(calendar_overlap(got, 0, WEEK, NULL), ==, 50 * HOUR);
}

/* The same in July: 2027-07-05 is day 182 = 26 weeks after 2027-01-04 (27 + 28 + 31 + 30 +
 * 31 + 30 + 5 = 182), a Monday. CEST is UTC+2, so 08:00 local is 06:00 UTC. */
static void
test_expand_business_hours_summer(void)
{
  g_autoptr(GDateTime) start = g_date_time_new_utc(2027, 7, 5, 0, 0, 0);
  g_autoptr(GArray) got =
      expand_text("mon-fri 08:00-18:00 Europe/Amsterdam", FALSE, start, WEEK);
  CalendarInterval want[5];
  for (int d = 0; d < 5; d++)
    want[d] = (CalendarInterval){ d * DAY + 6 * HOUR, d * DAY + 16 * HOUR };
  assert_intervals(got, want, 5);
  g_assert_cmpint(calendar_overlap(got, 0, WEEK, NULL), ==, 50 * HOUR);
}

/* Over 52 weeks of 2027: every weekday d has 08:00-18:00 local; it is in CEST when it lies
 * strictly between the two switching Sundays (days 83 and 300), so it starts at
 * (8 - 2) h UTC, else at (8 - 1) h UTC. Every week still holds 50 h. */
static void
test_expand_business_hours_year(void)
{
  g_autoptr(GDateTime) start = default_start();
  /* The day indices at the top, checked once more with GDate arithmetic. */
  GDate jan4, mar28, oct31;
  g_date_clear(&jan4, 1);
  g_date_clear(&mar28, 1);
  g_date_clear(&oct31, 1);
  g_date_set_dmy(&jan4, 4, G_DATE_JANUARY, 2027);
  g_date_set_dmy(&mar28, 28, G_DATE_MARCH, 2027);
  g_date_set_dmy(&oct31, 31, G_DATE_OCTOBER, 2027);
  g_assert_cmpint(g_date_days_between(&jan4, &mar28), ==, MARCH_28);
  g_assert_cmpint(g_date_days_between(&jan4, &oct31), ==, OCTOBER_31);

  g_autoptr(GArray) got =
      expand_text("mon-fri 08:00-18:00 Europe/Amsterdam", FALSE, start, 52 * WEEK);
  g_assert_cmpuint(got->len, ==, 52 * 5);
  for (guint j = 0; j < got->len; j++) {
    gint64 d = 7 * (j / 5) + j % 5;
    gint64 offset = d > MARCH_28 && d < OCTOBER_31 ? 2 : 1;
    CalendarInterval iv = g_array_index(got, CalendarInterval, j);
    g_assert_cmpint(iv.start, ==, d * DAY + (8 - offset) * HOUR);
    g_assert_cmpint(iv.end, ==, iv.start + 10 * HOUR);
  }
  for (gint64 w = 0; w < 52; w++)
    g_assert_cmpint(calendar_overlap(got, w * WEEK, (w + 1) * WEEK, NULL), ==, 50 * HOUR);
}

/* Local times that the switches skip or repeat (documented in calendar.h). Sundays are days
 * 6 + 7k. "sun 02:30-03:30 Europe/Amsterdam":
 *   - in CET (before day 83 and from day 300 on, except on day 300 itself): 01:30-02:30 UTC;
 *   - day 83: 02:30 does not exist, GLib moves it to 03:00 CEST = 01:00 UTC; 03:30 CEST is
 *     01:30 UTC: 30 min;
 *   - in CEST (days 84..299): 00:30-01:30 UTC;
 *   - day 300: 02:30 happens twice, GLib takes standard time (CET), 01:30 UTC; 03:30 CET is
 *     02:30 UTC: the CET times, 1 h.
 * "sun 02:00-02:45": on day 83 both ends move to 03:00 CEST, so that occurrence vanishes. */
static void
test_expand_dst_edges(void)
{
  g_autoptr(GDateTime) start = default_start();
  g_autoptr(GArray) got = expand_text("sun 02:30-03:30 Europe/Amsterdam", FALSE, start,
                                      52 * WEEK);
  g_assert_cmpuint(got->len, ==, 52);
  for (guint k = 0; k < 52; k++) {
    gint64 d = 6 + 7 * (gint64) k;
    CalendarInterval want;
    if (d == MARCH_28)
      want = (CalendarInterval){ d * DAY + 1 * HOUR, d * DAY + 1 * HOUR + 30 * MINUTE };
    else if (d > MARCH_28 && d < OCTOBER_31)
      want = (CalendarInterval){ d * DAY + 30 * MINUTE, d * DAY + 1 * HOUR + 30 * MINUTE };
    else
      want = (CalendarInterval){ d * DAY + 1 * HOUR + 30 * MINUTE, d * DAY + 2 * HOUR + 30 * MINUTE };
    g_assert_cmpint(g_array_index(got, CalendarInterval, k).start, ==, want.start);
    g_assert_cmpint(g_array_index(got, CalendarInterval, k).end, ==, want.end);
  }

  g_autoptr(GArray) gap = expand_text("sun 02:00-02:45 Europe/Amsterdam", FALSE, start,
                                      52 * WEEK);
  g_assert_cmpuint(gap->len, ==, 51);
  g_assert_cmpint(calendar_overlap(gap, MARCH_28 * DAY, (MARCH_28 + 1) * DAY, NULL), ==, 0);
}

/* Windows that cross midnight, end at 24:00, touch, overlap, wrap or are clipped. Days from
 * the Monday start: Friday 4, Saturday 5, Sunday 6. */
static void
test_expand_shapes(void)
{
  g_autoptr(GDateTime) start = default_start();
  {
    /* Saturday 23:30 to Sunday 00:30 on days 5 and 12. */
    g_autoptr(GArray) got = expand_text("sat 23:30-sun 00:30", FALSE, start, 2 * WEEK);
    const CalendarInterval want[] = {
      { 5 * DAY + 23 * HOUR + 30 * MINUTE, 6 * DAY + 30 * MINUTE },
      { 12 * DAY + 23 * HOUR + 30 * MINUTE, 13 * DAY + 30 * MINUTE },
    };
    assert_intervals(got, want, G_N_ELEMENTS(want));
  }
  {
    /* A weekend from Friday 22:00 to Monday 06:00: the one that began on Friday 2027-01-01
     * is still on at the start and is clipped to [0, 6 h); the last is clipped at the
     * horizon of 14 days. */
    g_autoptr(GArray) got = expand_text("fri 22:00-mon 06:00", FALSE, start, 2 * WEEK);
    const CalendarInterval want[] = {
      { 0, 6 * HOUR },
      { 4 * DAY + 22 * HOUR, 7 * DAY + 6 * HOUR },
      { 11 * DAY + 22 * HOUR, 14 * DAY },
    };
    assert_intervals(got, want, G_N_ELEMENTS(want));
  }
  {
    /* 24:00 is the next midnight; a window that starts there joins it. */
    g_autoptr(GArray) got = expand_text("mon 22:00-24:00, tue 00:00-02:00", FALSE, start, WEEK);
    const CalendarInterval want[] = { { 22 * HOUR, 26 * HOUR } };
    assert_intervals(got, want, G_N_ELEMENTS(want));
  }
  {
    /* Overlapping entries merge: Wednesday (day 2) runs 08:00-20:00. */
    g_autoptr(GArray) got =
        expand_text("mon-fri 08:00-18:00, wed 17:00-20:00", FALSE, start, WEEK);
    const CalendarInterval want[] = {
      { 0 * DAY + 8 * HOUR, 0 * DAY + 18 * HOUR }, { 1 * DAY + 8 * HOUR, 1 * DAY + 18 * HOUR },
      { 2 * DAY + 8 * HOUR, 2 * DAY + 20 * HOUR }, { 3 * DAY + 8 * HOUR, 3 * DAY + 18 * HOUR },
      { 4 * DAY + 8 * HOUR, 4 * DAY + 18 * HOUR },
    };
    assert_intervals(got, want, G_N_ELEMENTS(want));
  }
  {
    /* A wrapping range fri-mon is Friday, Saturday, Sunday and Monday: days 0, 4, 5, 6. */
    g_autoptr(GArray) got = expand_text("fri-mon 10:00-11:00", FALSE, start, WEEK);
    const CalendarInterval want[] = {
      { 10 * HOUR, 11 * HOUR },
      { 4 * DAY + 10 * HOUR, 4 * DAY + 11 * HOUR },
      { 5 * DAY + 10 * HOUR, 5 * DAY + 11 * HOUR },
      { 6 * DAY + 10 * HOUR, 6 * DAY + 11 * HOUR },
    };
    assert_intervals(got, want, G_N_ELEMENTS(want));
  }
  {
    /* The AWS form is the same window as the plain one, and crosses days the same way. */
    g_autoptr(GArray) aws = expand_text("sun:05:00-sun:05:30", FALSE, start, 4 * WEEK);
    g_autoptr(GArray) plain = expand_text("sun 05:00-05:30", FALSE, start, 4 * WEEK);
    g_assert_cmpuint(aws->len, ==, 4);
    assert_intervals(aws, (const CalendarInterval *) (void *) plain->data, plain->len);
    g_autoptr(GArray) cross = expand_text("sat:23:00-sun:01:00", FALSE, start, WEEK);
    const CalendarInterval want[] = { { 5 * DAY + 23 * HOUR, 6 * DAY + 1 * HOUR } };
    assert_intervals(cross, want, G_N_ELEMENTS(want));
  }
  {
    /* A start that is not a midnight: Wednesday 2027-01-06 12:34 UTC. The next Monday
     * 00:00 is 4 d 11 h 26 min later. */
    g_autoptr(GDateTime) wed = g_date_time_new_utc(2027, 1, 6, 12, 34, 0);
    g_autoptr(GArray) got = expand_text("mon 00:00-24:00", FALSE, wed, 2 * WEEK);
    gint64 first = 4 * DAY + 11 * HOUR + 26 * MINUTE;
    const CalendarInterval want[] = { { first, first + DAY }, { first + WEEK, first + WEEK + DAY } };
    assert_intervals(got, want, G_N_ELEMENTS(want));
  }
  {
    /* Nothing for an empty horizon. */
    g_autoptr(GArray) got = expand_text("mon-sun 00:00-24:00", FALSE, start, 0);
    g_assert_cmpuint(got->len, ==, 0);
  }
}

/* Schedules: Tuesday is day 1 and Thursday day 3; 02:00 CET is 01:00 UTC in January. */
static void
test_expand_instants(void)
{
  g_autoptr(GDateTime) start = default_start();
  {
    g_autoptr(GArray) got =
        expand_text("tue 02:00, thu 02:00 Europe/Amsterdam", TRUE, start, 2 * WEEK);
    const CalendarInterval want[] = {
      { 1 * DAY + HOUR, 1 * DAY + HOUR },
      { 3 * DAY + HOUR, 3 * DAY + HOUR },
      { 8 * DAY + HOUR, 8 * DAY + HOUR },
      { 10 * DAY + HOUR, 10 * DAY + HOUR },
    };
    assert_intervals(got, want, G_N_ELEMENTS(want));
    /* Instants have no length: nothing to overlap or contain. */
    g_assert_cmpint(calendar_overlap(got, 0, 2 * WEEK, NULL), ==, 0);
    guint hint = 0;
    g_assert_false(calendar_contains(got, DAY + HOUR, &hint));
  }
  {
    /* Duplicates are dropped, not merged: Monday to Wednesday once each, twice. */
    g_autoptr(GArray) got = expand_text("mon-wed 02:00, tue 02:00", TRUE, start, 2 * WEEK);
    const CalendarInterval want[] = {
      { 0 * DAY + 2 * HOUR, 0 * DAY + 2 * HOUR }, { 1 * DAY + 2 * HOUR, 1 * DAY + 2 * HOUR },
      { 2 * DAY + 2 * HOUR, 2 * DAY + 2 * HOUR }, { 7 * DAY + 2 * HOUR, 7 * DAY + 2 * HOUR },
      { 8 * DAY + 2 * HOUR, 8 * DAY + 2 * HOUR }, { 9 * DAY + 2 * HOUR, 9 * DAY + 2 * HOUR },
    };
    assert_intervals(got, want, G_N_ELEMENTS(want));
  }
  {
    /* [0, horizon): an instant at time 0 counts, one at the horizon does not. */
    g_autoptr(GArray) got = expand_text("mon 00:00", TRUE, start, WEEK);
    const CalendarInterval want[] = { { 0, 0 } };
    assert_intervals(got, want, G_N_ELEMENTS(want));
  }
}

/* calendar_overlap and calendar_contains against a per-microsecond reference on small random
 * interval lists (GRand with a fixed seed; the checks are exact, nothing statistical). */
static void
test_lookup_random(void)
{
  enum { SPAN = 400, LO = -20, HI = SPAN + 20 };
  g_autoptr(GRand) rand = g_rand_new_with_seed(20270104);
  for (int trial = 0; trial < 300; trial++) {
    /* Sorted distinct break points, paired into disjoint intervals. */
    gboolean mark[SPAN] = { FALSE };
    int n_points = 2 * g_rand_int_range(rand, 0, 40);
    for (int i = 0; i < n_points; i++)
      mark[g_rand_int_range(rand, 0, SPAN)] = TRUE;
    g_autoptr(GArray) ivs = g_array_new(FALSE, FALSE, sizeof(CalendarInterval));
    gint64 pending = -1;
    for (int t = 0; t < SPAN; t++) {
      if (!mark[t])
        continue;
      if (pending < 0) {
        pending = t;
      } else {
        CalendarInterval iv = { pending, t };
        g_array_append_val(ivs, iv);
        pending = -1;
      }
    }
    gboolean inside[HI - LO] = { FALSE };
    for (guint i = 0; i < ivs->len; i++) {
      CalendarInterval iv = g_array_index(ivs, CalendarInterval, i);
      for (gint64 t = iv.start; t < iv.end; t++)
        inside[t - LO] = TRUE;
    }

    /* Random [a, b), back and forth, with one shared hint and with none. */
    guint overlap_hint = 0;
    for (int q = 0; q < 50; q++) {
      gint64 a = g_rand_int_range(rand, LO, HI);
      gint64 b = g_rand_int_range(rand, LO, HI);
      gint64 want = 0;
      for (gint64 t = a; t < b; t++)
        want += inside[t - LO];
      g_assert_cmpint(calendar_overlap(ivs, a, b, NULL), ==, want);
      g_assert_cmpint(calendar_overlap(ivs, a, b, &overlap_hint), ==, want);
    }
    /* Consecutive pieces [a, b), [b, c), ... as the accounting asks for them: the pieces add up
     * to the whole. */
    overlap_hint = 0;
    gint64 sum = 0;
    for (gint64 a = LO; a < HI;) {
      gint64 b = MIN(a + g_rand_int_range(rand, 1, 4) * (g_rand_boolean(rand) ? 1 : 20), HI);
      sum += calendar_overlap(ivs, a, b, &overlap_hint);
      a = b;
    }
    g_assert_cmpint(sum, ==, calendar_overlap(ivs, LO, HI, NULL));

    /* A forward scan, with steps of 1 and jumps past many intervals. */
    guint hint = 0;
    for (gint64 t = LO; t < HI; t += g_rand_int_range(rand, 1, 4) * (g_rand_boolean(rand) ? 1 : 20))
      g_assert_cmpint(calendar_contains(ivs, t, &hint), ==, inside[t - LO]);
    /* Random times, back and forth, with one shared hint and with none. */
    hint = 0;
    for (int q = 0; q < 100; q++) {
      gint64 t = g_rand_int_range(rand, LO, HI);
      g_assert_cmpint(calendar_contains(ivs, t, &hint), ==, inside[t - LO]);
      g_assert_cmpint(calendar_contains(ivs, t, NULL), ==, inside[t - LO]);
    }
  }
}

typedef struct {
  const char *text;
  guint n_slots;
  CalendarSlot slots[3];
  const char *zone;
  gint minutes_per_week;
  const char *canonical; /* what calendar_window_to_string gives */
} GoodCase;

/* Days: mon 0x01 tue 0x02 wed 0x04 thu 0x08 fri 0x10 sat 0x20 sun 0x40. Minutes per week:
 * days times (offset * 1440 + end - start). */
static const GoodCase good_windows[] = {
  { "sun 05:00-05:30", 1, { { 0x40, 300, 330, 0 } }, NULL, 30, "sun 05:00-05:30" },
  { "mon-fri 08:00-18:00 Europe/Amsterdam", 1, { { 0x1f, 480, 1080, 0 } }, "Europe/Amsterdam",
    5 * 600, "mon-fri 08:00-18:00 Europe/Amsterdam" },
  { "mon,wed 01:00-02:00, sat 10:00-12:00", 2, { { 0x05, 60, 120, 0 }, { 0x20, 600, 720, 0 } },
    NULL, 2 * 60 + 120, "mon,wed 01:00-02:00, sat 10:00-12:00" },
  { "sat 23:30-sun 00:30", 1, { { 0x20, 1410, 30, 1 } }, NULL, 60, "sat 23:30-sun 00:30" },
  { "sun:05:00-sun:05:30", 1, { { 0x40, 300, 330, 0 } }, NULL, 30, "sun 05:00-05:30" },
  { "fri-mon 10:00-11:00", 1, { { 0x71, 600, 660, 0 } }, NULL, 4 * 60, "fri-mon 10:00-11:00" },
  { "mon 22:00-24:00", 1, { { 0x01, 1320, 1440, 0 } }, NULL, 120, "mon 22:00-24:00" },
  { "MON-Fri 8:00-18:00 UTC", 1, { { 0x1f, 480, 1080, 0 } }, NULL, 3000, "mon-fri 08:00-18:00" },
  { "fri 22:00 - mon 06:00", 1, { { 0x10, 1320, 360, 3 } }, NULL, 3 * 1440 + 360 - 1320,
    "fri 22:00-mon 06:00" },
  { "mon-sun 00:00-24:00", 1, { { 0x7f, 0, 1440, 0 } }, NULL, 7 * 1440, "mon-sun 00:00-24:00" },
  { "  tue 02:00-05:00   Europe/Amsterdam  ", 1, { { 0x02, 120, 300, 0 } }, "Europe/Amsterdam",
    180, "tue 02:00-05:00 Europe/Amsterdam" },
  { "mon,wed-fri 09:00-10:00", 1, { { 0x1d, 540, 600, 0 } }, NULL, 4 * 60,
    "mon,wed-fri 09:00-10:00" },
  { "sat,sun, mon 09:00-10:00", 1, { { 0x61, 540, 600, 0 } }, NULL, 3 * 60,
    "sat-mon 09:00-10:00" },
  { "sun 05:00-sun 05:30", 1, { { 0x40, 300, 330, 0 } }, NULL, 30, "sun 05:00-05:30" },
  { "mon - wed 09:00 - 10:00", 1, { { 0x07, 540, 600, 0 } }, NULL, 3 * 60, "mon-wed 09:00-10:00" },
};

static const GoodCase good_schedules[] = {
  { "tue 02:00, thu 02:00 Europe/Amsterdam", 2, { { 0x02, 120, 120, 0 }, { 0x08, 120, 120, 0 } },
    "Europe/Amsterdam", 0, "tue 02:00, thu 02:00 Europe/Amsterdam" },
  { "mon-fri 09:00", 1, { { 0x1f, 540, 540, 0 } }, NULL, 0, "mon-fri 09:00" },
  { "sun:23:59", 1, { { 0x40, 1439, 1439, 0 } }, NULL, 0, "sun 23:59" },
};

static void
assert_slots_equal(const CalendarWindow *w, guint n, const CalendarSlot *slots, const char *zone)
{
  g_assert_cmpuint(w->n_slots, ==, n);
  for (guint i = 0; i < n; i++) {
    g_assert_cmpuint(w->slots[i].days, ==, slots[i].days);
    g_assert_cmpint(w->slots[i].start_min, ==, slots[i].start_min);
    g_assert_cmpint(w->slots[i].end_min, ==, slots[i].end_min);
    g_assert_cmpint(w->slots[i].end_day_offset, ==, slots[i].end_day_offset);
  }
  g_assert_cmpstr(w->zone, ==, zone);
}

static void
check_good(const GoodCase *c, gboolean schedule)
{
  g_auto(CalendarWindow) w = { .n_slots = 0 };
  g_auto(CalendarWindow) back = { .n_slots = 0 };
  g_autoptr(GError) error = NULL;
  gboolean ok = schedule ? calendar_parse_schedule(c->text, &w, &error)
                         : calendar_parse_window(c->text, &w, &error);
  g_assert_no_error(error);
  g_assert_true(ok);
  g_assert_cmpint(w.instants, ==, schedule);
  assert_slots_equal(&w, c->n_slots, c->slots, c->zone);
  g_assert_cmpint(calendar_window_minutes_per_week(&w), ==, c->minutes_per_week);

  /* The text form reads back to the same slots and the same text. */
  g_autofree char *text = calendar_window_to_string(&w);
  g_assert_cmpstr(text, ==, c->canonical);
  ok = schedule ? calendar_parse_schedule(text, &back, &error)
                : calendar_parse_window(text, &back, &error);
  g_assert_no_error(error);
  g_assert_true(ok);
  assert_slots_equal(&back, w.n_slots, w.slots, w.zone);
  g_autofree char *again = calendar_window_to_string(&back);
  g_assert_cmpstr(again, ==, text);
}

static void
test_parse_good(void)
{
  for (guint i = 0; i < G_N_ELEMENTS(good_windows); i++) {
    g_test_message("window %s", good_windows[i].text);
    check_good(&good_windows[i], FALSE);
  }
  for (guint i = 0; i < G_N_ELEMENTS(good_schedules); i++) {
    g_test_message("schedule %s", good_schedules[i].text);
    check_good(&good_schedules[i], TRUE);
  }

  /* Exactly CALENDAR_MAX_SLOTS entries are fine. */
  g_autoptr(GString) many = g_string_new(NULL);
  for (int i = 0; i < CALENDAR_MAX_SLOTS; i++)
    g_string_append_printf(many, "%smon %02d:00-%02d:30", i > 0 ? ", " : "", i, i);
  g_auto(CalendarWindow) w = { .n_slots = 0 };
  g_autoptr(GError) error = NULL;
  g_assert_true(calendar_parse_window(many->str, &w, &error));
  g_assert_no_error(error);
  g_assert_cmpuint(w.n_slots, ==, CALENDAR_MAX_SLOTS);
  g_assert_cmpint(calendar_window_minutes_per_week(&w), ==, CALENDAR_MAX_SLOTS * 30);
}

typedef struct {
  const char *text;
  const char *fragment; /* must appear in the message */
} BadCase;

static const BadCase bad_windows[] = {
  { "sunday 05:00-05:30", "unknown day 'sunday' (expected mon, tue, wed, thu, fri, sat or sun" },
  { "sun 25:00-26:00", "hour 25 in '25:00' is out of range" },
  { "sun 06:00-05:00", "window end 05:00 is before its start 06:00" },
  { "sun 22:00-02:00", "is before its start 22:00 (to cross midnight, name the end day" },
  { "sun 06:00-sun 05:00", "window end 05:00 is before its start 06:00" },
  { "sun 05:00-05:00", "window end 05:00 equals its start" },
  { "sun 05:00-05:30 Europe/Amsterdm", "unknown time zone 'Europe/Amsterdm' (expected an IANA" },
  { "", "empty window (expected e.g. 'sun 05:00-05:30'" },
  { "   ", "empty window" },
  { "garbage", "unknown day 'garbage'" },
  { "sun", "missing time after 'sun' (expected a time range like 'sun 05:00-05:30')" },
  { "sun 05:60-06:00", "minute 60 in '05:60' is out of range (expected 00 to 59)" },
  { "sun 05:00", "missing end time in 'sun 05:00' (expected a range like" },
  { "sun 24:00-24:00", "hour 24 in '24:00' is out of range" },
  { "sun 23:00-24:30", "past the end of the day" },
  { "sun 5-6", "bad time '5' (expected HH:MM" },
  { "sun 05:00:00-06:00", "bad time '05:00:00'" },
  { "sun 05:00-05:30x", "bad time '05:30x'" },
  { "mon-fri 22:00-tue 02:00", "must start on one day" },
  { "sun 05:00-05:30,", "missing entry after the last ','" },
  { "mon 01:00-02:00 tue 03:00-04:00", "missing ',' before 'tue 03:00-04:00'" },
  { "sun 05:00-05:30 UTC, mon 01:00-02:00", "after the time zone 'UTC' (the zone comes last" },
  { "mon- 01:00-02:00", "missing day after 'mon-'" },
  { "05:00-05:30", "missing day before '05:00-05:30'" },
  { "mon,05:00-06:00", "missing day after 'mon,'" },
  { "mon-wed, 05:00-06:00", "missing day after 'mon-wed,'" },
  { "mon-fri08:00-18:00", "missing space between 'mon-fri' and the time '08:00-18:00'" },
  { "sun 05:00-xyz 06:00", "unknown day 'xyz'" },
  { "sun 05:00-", "missing end time after 'sun 05:00-'" },
  { "sun 05:00-05:30 Europe/Amsterdam extra", "unexpected 'extra' after the time zone" },
};

static const BadCase bad_schedules[] = {
  { "tue 02:00-03:00", "a schedule lists instants like 'tue 02:00', not time ranges" },
  { "", "empty schedule (expected e.g. 'tue 02:00, thu 02:00 Europe/Amsterdam')" },
  { "tue", "missing time after 'tue' (expected a time like 'tue 02:00')" },
  { "tue 24:00", "hour 24 in '24:00' is out of range" },
  { "tue 02:00 Mars/Olympus", "unknown time zone 'Mars/Olympus'" },
  { "tue 02:00 thu 02:00", "missing ',' before 'thu 02:00'" },
};

static void
assert_message(const char *input, const char *message, const char *fragment)
{
  if (strstr(message, fragment) == NULL)
    g_test_message("'%s': message '%s' lacks '%s'", input, message, fragment);
  g_assert_nonnull(strstr(message, fragment));
}

static void
check_bad(const BadCase *c, gboolean schedule)
{
  /* A failed parse leaves the window untouched. */
  CalendarWindow w = { .n_slots = 99, .zone = NULL };
  g_autoptr(GError) error = NULL;
  gboolean ok = schedule ? calendar_parse_schedule(c->text, &w, &error)
                         : calendar_parse_window(c->text, &w, &error);
  g_assert_false(ok);
  g_assert_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE);
  assert_message(c->text, error->message, c->fragment);
  g_assert_cmpuint(w.n_slots, ==, 99);
  g_assert_null(w.zone);
}

static void
test_parse_bad(void)
{
  for (guint i = 0; i < G_N_ELEMENTS(bad_windows); i++)
    check_bad(&bad_windows[i], FALSE);
  for (guint i = 0; i < G_N_ELEMENTS(bad_schedules); i++)
    check_bad(&bad_schedules[i], TRUE);

  /* One entry more than CALENDAR_MAX_SLOTS. */
  g_autoptr(GString) many = g_string_new(NULL);
  for (int i = 0; i <= CALENDAR_MAX_SLOTS; i++)
    g_string_append_printf(many, "%smon %02d:00-%02d:30", i > 0 ? ", " : "", i, i);
  BadCase too_many = { many->str, "too many entries (at most 16" };
  check_bad(&too_many, FALSE);
}

/* Copy, clear, and a hand-built slot with several days that ends on a later day (it has no
 * text form, so it is written one entry per day and expands to the same intervals). */
static void
test_copy_and_to_string(void)
{
  g_auto(CalendarWindow) w = { .n_slots = 0 };
  g_auto(CalendarWindow) copy = { .n_slots = 0 };
  g_assert_true(calendar_parse_window("mon-fri 08:00-18:00 Europe/Amsterdam", &w, NULL));
  calendar_window_copy(&copy, &w);
  g_assert_true(copy.zone != w.zone);
  calendar_window_clear(&w);
  g_assert_null(w.zone);
  g_assert_cmpuint(w.n_slots, ==, 0);
  g_assert_cmpstr(copy.zone, ==, "Europe/Amsterdam");
  g_assert_true(calendar_parse_window("sun 05:00-05:30", &w, NULL));
  g_assert_cmpuint(w.n_slots, ==, 1);

  CalendarWindow odd = { .n_slots = 1, .instants = FALSE, .zone = NULL };
  odd.slots[0] = (CalendarSlot){ .days = 0x03, .start_min = 23 * 60, .end_min = 60,
                                 .end_day_offset = 1 };
  g_autofree char *text = calendar_window_to_string(&odd);
  g_assert_cmpstr(text, ==, "mon 23:00-tue 01:00, tue 23:00-wed 01:00");
  g_auto(CalendarWindow) back = { .n_slots = 0 };
  g_assert_true(calendar_parse_window(text, &back, NULL));
  g_autoptr(GDateTime) start = default_start();
  g_autoptr(GArray) a = calendar_expand(&odd, start, 2 * WEEK);
  g_autoptr(GArray) b = calendar_expand(&back, start, 2 * WEEK);
  g_assert_cmpuint(a->len, ==, 4);
  assert_intervals(b, (const CalendarInterval *) (void *) a->data, a->len);
}

typedef struct {
  const char *text;
  int y, mo, d, h, mi;
  double s; /* the instant in UTC */
} DateCase;

static void
test_datetime(void)
{
  static const DateCase good[] = {
    { "2027-01-04T00:00:00Z", 2027, 1, 4, 0, 0, 0 },
    { "2027-01-04 00:00:00Z", 2027, 1, 4, 0, 0, 0 },
    /* ISO 8601 without seconds, which GLib alone does not read. */
    { "2027-01-04T00:00Z", 2027, 1, 4, 0, 0, 0 },
    { "2027-01-04T09:15+01:00", 2027, 1, 4, 8, 15, 0 },
    { "2027-01-04T09:15:30.5-0230", 2027, 1, 4, 11, 45, 30.5 },
    /* 02:30 at +02:00 is 00:30 UTC. */
    { "2027-03-28T02:30:00+02:00", 2027, 3, 28, 0, 30, 0 },
    /* After the 01:00 UTC switch that day Amsterdam is CEST: 09:00 - 2 h. */
    { "2027-03-28 09:00 Europe/Amsterdam", 2027, 3, 28, 7, 0, 0 },
    /* January: CET, 09:00:30 - 1 h. */
    { "2027-01-15T09:00:30 Europe/Amsterdam", 2027, 1, 15, 8, 0, 30 },
    { "2027-01-04", 2027, 1, 4, 0, 0, 0 },
    { "  2027-07-01 12:00 UTC  ", 2027, 7, 1, 12, 0, 0 },
    /* Repeated local time (EU summer time ends 2027-10-31 at 03:00 CEST, the clocks go back to
     * 02:00 CET): the first 02:30 is CEST, UTC+2, so 00:30 UTC (calendar.h). */
    { "2027-10-31 02:30 Europe/Amsterdam", 2027, 10, 31, 0, 30, 0 },
    /* New York in July is EDT, UTC-4. */
    { "2027-07-01 12:00 America/New_York", 2027, 7, 1, 16, 0, 0 },
  };
  for (guint i = 0; i < G_N_ELEMENTS(good); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(GDateTime) dt = calendar_parse_datetime(good[i].text, NULL, &error);
    g_assert_no_error(error);
    g_assert_nonnull(dt);
    g_autoptr(GDateTime) want =
        g_date_time_new_utc(good[i].y, good[i].mo, good[i].d, good[i].h, good[i].mi, good[i].s);
    g_assert_cmpint(g_date_time_difference(dt, want), ==, 0);
  }

  static const BadCase bad[] = {
    { "", "empty date-time (expected an ISO 8601 date-time" },
    { "2027-01-04T00:00:00", "missing time zone in '2027-01-04T00:00:00'" },
    { "2027-01-04 09:00", "missing time zone" },
    { "2027-02-30", "no such date 2027-02-30" },
    { "2027-02-30T00:00:00Z", "no such date 2027-02-30" },
    { "2027-01-04 09:00 Europe/Amsterdm", "unknown time zone 'Europe/Amsterdm'" },
    { "2027-01-04 25:00 Europe/Amsterdam", "no such time 25:00:00" },
    { "next tuesday", "'next tuesday' is not a date-time (expected" },
    { "04/01/2027", "is not a date-time" },
    /* EU summer time starts 2027-03-28 at 02:00 CET: the clocks jump to 03:00 CEST, so
     * 02:30 never happens that day. */
    { "2027-03-28 02:30 Europe/Amsterdam", "does not exist: the clocks skip that time" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(GDateTime) dt = calendar_parse_datetime(bad[i].text, NULL, &error);
    g_assert_null(dt);
    g_assert_error(error, CALENDAR_ERROR, CALENDAR_ERROR_PARSE);
    assert_message(bad[i].text, error->message, bad[i].fragment);
  }

  /* A repeated local time comes with a note naming the reading and the other offset; an
   * ordinary one has none. */
  {
    g_autofree char *note = NULL;
    g_autoptr(GDateTime) dt =
        calendar_parse_datetime("2027-10-31 02:30 Europe/Amsterdam", &note, NULL);
    g_assert_nonnull(dt);
    g_assert_nonnull(note);
    g_assert_nonnull(strstr(note, "happens twice"));
    g_assert_nonnull(strstr(note, "CEST (UTC+02:00)"));
    g_assert_nonnull(strstr(note, "UTC+01:00"));
    g_autofree char *none = NULL;
    g_autoptr(GDateTime) plain = calendar_parse_datetime("2027-10-31 09:30 Europe/Amsterdam",
                                                         &none, NULL);
    g_assert_nonnull(plain);
    g_assert_null(none);
  }

  /* Simulation time: 2027-03-28 09:00 CEST is 07:00 UTC on day 83; an hour before the start
   * is negative. */
  g_autoptr(GDateTime) start = default_start();
  g_autoptr(GDateTime) later =
      calendar_parse_datetime("2027-03-28 09:00 Europe/Amsterdam", NULL, NULL);
  g_autoptr(GDateTime) earlier = calendar_parse_datetime("2027-01-03T23:00Z", NULL, NULL);
  g_assert_cmpint(calendar_time_of(start, later), ==, MARCH_28 * DAY + 7 * HOUR);
  g_assert_cmpint(calendar_time_of(start, earlier), ==, -HOUR);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/zdsim/calendar/expand-weekly-utc", test_expand_weekly_utc);
  g_test_add_func("/zdsim/calendar/expand-business-hours-winter",
                  test_expand_business_hours_winter);
  g_test_add_func("/zdsim/calendar/expand-business-hours-summer",
                  test_expand_business_hours_summer);
  g_test_add_func("/zdsim/calendar/expand-business-hours-year", test_expand_business_hours_year);
  g_test_add_func("/zdsim/calendar/expand-dst-edges", test_expand_dst_edges);
  g_test_add_func("/zdsim/calendar/expand-shapes", test_expand_shapes);
  g_test_add_func("/zdsim/calendar/expand-instants", test_expand_instants);
  g_test_add_func("/zdsim/calendar/lookup-random", test_lookup_random);
  g_test_add_func("/zdsim/calendar/parse-good", test_parse_good);
  g_test_add_func("/zdsim/calendar/parse-bad", test_parse_bad);
  g_test_add_func("/zdsim/calendar/copy-and-to-string", test_copy_and_to_string);
  g_test_add_func("/zdsim/calendar/datetime", test_datetime);
  return g_test_run();
}
