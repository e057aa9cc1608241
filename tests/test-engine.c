/* test-engine.c: the event engine against a sorted reference, with ties and cancellations. */
#include "zdsim/dist.h"
#include "zdsim/engine.h"

typedef struct {
  gint64 time;
  guint8 priority;
  guint64 seq;    /* scheduling order */
  guint32 id;
  gboolean cancelled;
} Ref;

typedef struct {
  GArray *seen;   /* of guint32 ids, in dispatch order */
  Engine *engine;
  guint reschedule;  /* events left to schedule from inside handlers */
  DistRng rng;
} Recorder;

static void
record(void *ctx, const EngineEvent *event)
{
  Recorder *r = ctx;
  g_assert_cmpint(event->time, ==, engine_now(r->engine));
  g_assert_cmpint(event->data, ==, event->time);  /* payload travels intact */
  g_array_append_val(r->seen, event->subject);
}

static int
ref_cmp(gconstpointer pa, gconstpointer pb)
{
  const Ref *a = pa, *b = pb;
  if (a->time != b->time)
    return a->time < b->time ? -1 : 1;
  if (a->priority != b->priority)
    return a->priority < b->priority ? -1 : 1;
  return a->seq < b->seq ? -1 : (a->seq > b->seq);
}

/* Large random schedules with many equal times (times drawn from a small range) and one in
 * five events cancelled, or four in five (which makes the engine rebuild its heap without the
 * cancelled entries): the dispatch order must be the reference sorted by
 * (time, priority, scheduling order), without the cancelled ones. Lazy deletion shows in the
 * observers: the next time is that of the earliest event not cancelled, and a run dispatches
 * exactly the events not cancelled. */
static void
test_against_reference(void)
{
  static const struct {
    guint n;
    gint64 time_range;
    gboolean cancel_most;
  } cases[] = {
    { 10, 3, FALSE },         { 1000, 50, FALSE },
    { 100000, 1000, FALSE },  { 100000, G_GINT64_CONSTANT(1) << 40, FALSE },
    { 1000, 50, TRUE },       { 100000, G_GINT64_CONSTANT(1) << 40, TRUE },
  };
  for (guint c = 0; c < G_N_ELEMENTS(cases); c++) {
    Recorder r = { .seen = g_array_new(FALSE, FALSE, sizeof(guint32)) };
    g_autoptr(Engine) engine = engine_new(record, &r);
    r.engine = engine;
    dist_rng_seed(&r.rng, 42, c);
    guint n = cases[c].n;
    g_autofree Ref *refs = g_new0(Ref, n);
    g_autofree EngineHandle *handles = g_new0(EngineHandle, n);
    for (guint i = 0; i < n; i++) {
      refs[i] = (Ref){
        .time = (gint64) dist_rng_below(&r.rng, (guint64) cases[c].time_range),
        .priority = (guint8) dist_rng_below(&r.rng, 3),
        .seq = i,
        .id = i,
      };
      handles[i] = engine_schedule(engine, refs[i].time, refs[i].priority, 7, i, refs[i].time);
      g_assert_cmpuint(handles[i], !=, 0);
    }
    guint cancelled = 0;
    for (guint i = 0; i < n; i++) {
      gboolean pick = dist_rng_below(&r.rng, 5) == 0;
      if (cases[c].cancel_most ? !pick : pick) {
        g_assert_true(engine_cancel(engine, handles[i]));
        g_assert_false(engine_cancel(engine, handles[i]));  /* a second cancel is stale */
        refs[i].cancelled = TRUE;
        cancelled++;
      }
    }
    gint64 earliest = ENGINE_NEVER;
    for (guint i = 0; i < n; i++)
      if (!refs[i].cancelled)
        earliest = MIN(earliest, refs[i].time);
    g_assert_cmpint(engine_next_time(engine), ==, earliest);
    guint64 ran = engine_run(engine, G_MAXINT64);
    g_assert_cmpuint(ran, ==, n - cancelled);
    g_assert_cmpuint(engine_events(engine), ==, n - cancelled);
    qsort(refs, n, sizeof(Ref), ref_cmp);
    guint k = 0;
    for (guint i = 0; i < n; i++) {
      if (refs[i].cancelled)
        continue;
      g_assert_cmpuint(g_array_index(r.seen, guint32, k), ==, refs[i].id);
      k++;
    }
    g_assert_cmpuint(k, ==, r.seen->len);
    /* Handles of events that ran are stale too. */
    for (guint i = 0; i < n; i++)
      g_assert_false(engine_cancel(engine, handles[i]));
    g_array_free(r.seen, TRUE);
  }
}

static void
chain(void *ctx, const EngineEvent *event)
{
  Recorder *r = ctx;
  g_array_append_val(r->seen, event->subject);
  if (r->reschedule > 0) {
    r->reschedule--;
    gint64 at = event->time + (gint64) dist_rng_below(&r->rng, 4);
    engine_schedule(r->engine, at, 0, 0, event->subject + 1, at);
  }
}

/* The hold model (each event schedules the next) keeps the pending count constant (16 chains
 * advancing 1.5 time units a hop on average reach about 9,000 before the budget of 100,000 hops
 * runs out, so at 1,000 each chain has exactly one event pending); after the
 * first round the arrays no longer grow, so the engine reuses its slots (checked through the
 * count of events run: the run after 1,000 dispatches the 16 pending and every hop still in
 * the budget, and then nothing is pending). */
static void
test_hold_and_horizon(void)
{
  Recorder r = { .seen = g_array_new(FALSE, FALSE, sizeof(guint32)), .reschedule = 100000 };
  g_autoptr(Engine) engine = engine_new(chain, &r);
  r.engine = engine;
  dist_rng_seed(&r.rng, 7, 0);
  for (guint i = 0; i < 16; i++)
    engine_schedule(engine, i, 0, 0, 0, i);
  guint64 ran = engine_run(engine, 1000);
  /* Everything before the horizon ran, nothing at or after it; the clock stops at it. */
  g_assert_cmpint(engine_now(engine), ==, 1000);
  g_assert_cmpint(engine_next_time(engine), >=, 1000);
  g_assert_cmpuint(ran, ==, r.seen->len);
  guint left = r.reschedule;
  g_assert_cmpuint(left, >, 0);
  g_assert_cmpuint(engine_run(engine, G_MAXINT64), ==, 16 + left);
  g_assert_cmpuint(r.seen->len, ==, 100000 + 16);
  g_assert_cmpint(engine_next_time(engine), ==, ENGINE_NEVER);
  g_array_free(r.seen, TRUE);
}

/* Runs in slices, as model_run() does: each run dispatches what lies before its time and not
 * what lies at it, leaves the clock at that time, never moves it back, and the next run goes
 * on from there (events at 0, 10, 20, 30 and 40). */
static void
test_slices(void)
{
  static const struct {
    gint64 until;
    guint64 ran;       /* dispatched by this run */
    gint64 now;        /* the clock after it */
    gint64 next_time;  /* the earliest pending event after it */
  } cases[] = {
    { 0, 0, 0, 0 },
    { 20, 2, 20, 20 },
    { 25, 1, 25, 30 },
    { 25, 0, 25, 30 },
    { 10, 0, 25, 30 },
    { 40, 1, 40, 40 },
    { 1000, 1, 1000, ENGINE_NEVER },
  };
  Recorder r = { .seen = g_array_new(FALSE, FALSE, sizeof(guint32)) };
  g_autoptr(Engine) engine = engine_new(record, &r);
  r.engine = engine;
  for (guint i = 0; i < 5; i++)
    engine_schedule(engine, 10 * i, 0, 0, i, 10 * i);
  guint64 total = 0;
  for (guint c = 0; c < G_N_ELEMENTS(cases); c++) {
    g_test_message("until %" G_GINT64_FORMAT, cases[c].until);
    g_assert_cmpuint(engine_run(engine, cases[c].until), ==, cases[c].ran);
    total += cases[c].ran;
    g_assert_cmpint(engine_now(engine), ==, cases[c].now);
    g_assert_cmpint(engine_next_time(engine), ==, cases[c].next_time);
    g_assert_cmpuint(r.seen->len, ==, total);
    g_assert_cmpuint(engine_events(engine), ==, total);
  }
  for (guint i = 0; i < 5; i++)
    g_assert_cmpuint(g_array_index(r.seen, guint32, i), ==, i);
  g_array_free(r.seen, TRUE);
}

/* Scheduling and cancelling from inside handlers, as a model does: each event schedules up
 * to three more (at its own instant or a little later, any priority, so many become the next
 * to run and many are displaced by one scheduled after them) and cancels a random pending
 * one. The reference is a plain list searched for its least (time, priority, scheduling
 * order) at every step; the engine must run the same events in the same order. */
typedef struct {
  Engine *engine;
  DistRng rng;
  GArray *pending;    /* Ref, unsorted; .id indexes handles */
  GArray *handles;    /* EngineHandle by id */
  guint64 seq;
  guint budget;       /* events left to schedule */
  guint ran;
  gboolean failed;
} Mirror;

static void
mirror_schedule(Mirror *m, gint64 time, guint8 priority)
{
  guint32 id = m->handles->len;
  EngineHandle h = engine_schedule(m->engine, time, priority, 0, id, time);
  g_array_append_val(m->handles, h);
  Ref ref = { .time = time, .priority = priority, .seq = m->seq++, .id = id };
  g_array_append_val(m->pending, ref);
}

/* The reference's next event, removed from it. */
static Ref
mirror_pop(Mirror *m)
{
  guint best = 0;
  for (guint i = 1; i < m->pending->len; i++)
    if (ref_cmp(&g_array_index(m->pending, Ref, i), &g_array_index(m->pending, Ref, best)) < 0)
      best = i;
  Ref ref = g_array_index(m->pending, Ref, best);
  g_array_remove_index_fast(m->pending, best);
  return ref;
}

static void
mirror_handle(void *ctx, const EngineEvent *event)
{
  Mirror *m = ctx;
  Ref want = mirror_pop(m);
  if (event->subject != want.id || event->time != want.time)
    m->failed = TRUE;
  m->ran++;
  guint n = (guint) dist_rng_below(&m->rng, 4);
  for (guint i = 0; i < n && m->budget > 0; i++, m->budget--) {
    gint64 at = event->time + (gint64) dist_rng_below(&m->rng, 3);
    mirror_schedule(m, at, (guint8) dist_rng_below(&m->rng, 3));
  }
  if (m->pending->len > 0 && dist_rng_below(&m->rng, 4) == 0) {
    guint victim = (guint) dist_rng_below(&m->rng, m->pending->len);
    Ref ref = g_array_index(m->pending, Ref, victim);
    if (!engine_cancel(m->engine, g_array_index(m->handles, EngineHandle, ref.id)))
      m->failed = TRUE;
    g_array_remove_index_fast(m->pending, victim);
  }
}

static void
test_schedule_in_handlers(void)
{
  Mirror m = {
    .pending = g_array_new(FALSE, FALSE, sizeof(Ref)),
    .handles = g_array_new(FALSE, FALSE, sizeof(EngineHandle)),
    .budget = 20000,
  };
  g_autoptr(Engine) engine = engine_new(mirror_handle, &m);
  m.engine = engine;
  dist_rng_seed(&m.rng, 11, 0);
  for (guint i = 0; i < 8; i++)
    mirror_schedule(&m, (gint64) dist_rng_below(&m.rng, 5), (guint8) dist_rng_below(&m.rng, 3));
  guint64 ran = engine_run(engine, G_MAXINT64);
  g_assert_false(m.failed);
  g_assert_cmpuint(m.pending->len, ==, 0);
  g_assert_cmpuint(ran, ==, m.ran);
  g_assert_cmpuint(m.budget, ==, 0);  /* the chains did not die out early */
  g_assert_cmpint(engine_next_time(engine), ==, G_MAXINT64);
  g_array_free(m.pending, TRUE);
  g_array_free(m.handles, TRUE);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/zdsim/engine/against-reference", test_against_reference);
  g_test_add_func("/zdsim/engine/hold-and-horizon", test_hold_and_horizon);
  g_test_add_func("/zdsim/engine/slices", test_slices);
  g_test_add_func("/zdsim/engine/schedule-in-handlers", test_schedule_in_handlers);
  return g_test_run();
}
