/* engine.c: the discrete-event engine (binary heap of pending events, slot table of payloads).
 * See include/zdsim/engine.h for the model; nothing here knows what an event means.
 *
 * Beside the heap, one register holds an event scheduled earlier than everything pending:
 * most events a handler schedules are the next to run (three in four in the 2-instance
 * example: a cell's recreate after its drain, its watch after its recreate), and such an
 * event is then run without a sift up to the root and a sift down after. */
#include "zdsim/engine.h"

typedef struct {
  gint64 time;
  guint64 order;  /* priority << 56 | sequence: ties in time run by priority, then FIFO */
  guint32 slot;
} HeapEntry;

typedef struct {
  guint32 kind;
  guint32 subject;
  gint64 data;
  gboolean live;     /* pending and not cancelled */
  guint32 gen;       /* bumped whenever the event runs or is cancelled: old handles go stale */
} Slot;

#define SLOT_NONE G_MAXUINT32
#define SEQ_BITS 56
#define SEQ_MASK ((G_GUINT64_CONSTANT(1) << SEQ_BITS) - 1)

struct Engine {
  EngineDispatch dispatch;
  void *ctx;
  gint64 now;
  guint64 seq;
  guint64 events;
  HeapEntry *heap;
  guint32 n_heap;      /* entries, cancelled ones included */
  guint32 n_live;      /* pending events, the front one included */
  HeapEntry front;     /* when has_front: a pending event earlier than every heap entry */
  gboolean has_front;
  guint32 cap_heap;
  Slot *slots;
  guint32 n_slots;
  guint32 free_head;   /* free list threaded through Slot.kind */
};

static inline gboolean
entry_before(const HeapEntry *a, const HeapEntry *b)
{
  return a->time < b->time || (a->time == b->time && a->order < b->order);
}

static void
sift_up(Engine *engine, guint32 pos)
{
  HeapEntry entry = engine->heap[pos];
  while (pos > 0) {
    guint32 parent = (pos - 1) / 2;
    if (!entry_before(&entry, &engine->heap[parent]))
      break;
    engine->heap[pos] = engine->heap[parent];
    pos = parent;
  }
  engine->heap[pos] = entry;
}

static void
sift_down(Engine *engine, guint32 pos)
{
  HeapEntry entry = engine->heap[pos];
  guint32 n = engine->n_heap;
  for (;;) {
    guint32 child = 2 * pos + 1;
    if (child >= n)
      break;
    if (child + 1 < n && entry_before(&engine->heap[child + 1], &engine->heap[child]))
      child++;
    if (!entry_before(&engine->heap[child], &entry))
      break;
    engine->heap[pos] = engine->heap[child];
    pos = child;
  }
  engine->heap[pos] = entry;
}

static void
slot_release(Engine *engine, guint32 slot)
{
  engine->slots[slot].kind = engine->free_head;
  engine->free_head = slot;
}

static void
heap_push(Engine *engine, HeapEntry entry)
{
  guint32 pos = engine->n_heap++;
  engine->heap[pos] = entry;
  sift_up(engine, pos);
}

/* Removes the earliest entry; its slot goes back to the free list. */
static void
heap_pop(Engine *engine)
{
  guint32 slot = engine->heap[0].slot;
  guint32 last = --engine->n_heap;
  if (last > 0) {
    engine->heap[0] = engine->heap[last];
    sift_down(engine, 0);
  }
  slot_release(engine, slot);
}

/* Cancelled entries stay in the heap until they reach the top; drop them there, so that the
 * top is always a pending event. */
static void
drop_cancelled(Engine *engine)
{
  while (engine->n_heap > 0 && !engine->slots[engine->heap[0].slot].live)
    heap_pop(engine);
}

/* Drops every cancelled entry and restores the heap bottom-up (Floyd): O(n). The order of
 * events does not change, since it is the order of their (time, order) keys. */
static void
compact(Engine *engine)
{
  guint32 n = 0;
  for (guint32 i = 0; i < engine->n_heap; i++) {
    HeapEntry e = engine->heap[i];
    if (engine->slots[e.slot].live)
      engine->heap[n++] = e;
    else
      slot_release(engine, e.slot);
  }
  engine->n_heap = n;
  for (guint32 i = n / 2; i-- > 0;)
    sift_down(engine, i);
}

Engine *
engine_new(EngineDispatch dispatch, void *ctx)
{
  Engine *engine = g_new0(Engine, 1);
  engine->dispatch = dispatch;
  engine->ctx = ctx;
  engine->free_head = SLOT_NONE;
  return engine;
}

void
engine_free(Engine *engine)
{
  if (engine == NULL)
    return;
  g_free(engine->heap);
  g_free(engine->slots);
  g_free(engine);
}

static guint32
slot_take(Engine *engine)
{
  if (engine->free_head != SLOT_NONE) {
    guint32 slot = engine->free_head;
    engine->free_head = engine->slots[slot].kind;
    return slot;
  }
  if (engine->n_slots == engine->cap_heap) {
    guint32 cap = engine->cap_heap ? engine->cap_heap * 2 : 64;
    g_assert(cap > engine->cap_heap);
    engine->heap = g_renew(HeapEntry, engine->heap, cap);
    engine->slots = g_renew(Slot, engine->slots, cap);
    engine->cap_heap = cap;
  }
  engine->slots[engine->n_slots].gen = 1;
  return engine->n_slots++;
}

EngineHandle
engine_schedule(Engine *engine, gint64 time, guint8 priority, guint32 kind, guint32 subject,
                gint64 data)
{
  g_assert(time >= engine->now);
  g_assert(engine->seq < SEQ_MASK);
  guint32 slot = slot_take(engine);
  Slot *s = &engine->slots[slot];
  s->kind = kind;
  s->subject = subject;
  s->data = data;
  s->live = TRUE;
  HeapEntry entry = {
    .time = time,
    .order = ((guint64) priority << SEQ_BITS) | engine->seq++,
    .slot = slot,
  };
  /* The heap's top is pending (drop_cancelled), so "before the top" is "before everything". */
  if (engine->has_front) {
    if (entry_before(&entry, &engine->front)) {
      heap_push(engine, engine->front);
      engine->front = entry;
    } else {
      heap_push(engine, entry);
    }
  } else if (engine->n_heap == 0 || entry_before(&entry, &engine->heap[0])) {
    engine->front = entry;
    engine->has_front = TRUE;
  } else {
    heap_push(engine, entry);
  }
  engine->n_live++;
  return ((guint64) s->gen << 32) | slot;
}

gboolean
engine_cancel(Engine *engine, EngineHandle handle)
{
  guint32 slot = (guint32) (handle & G_MAXUINT32);
  guint32 gen = (guint32) (handle >> 32);
  if (handle == 0 || slot >= engine->n_slots)
    return FALSE;
  Slot *s = &engine->slots[slot];
  if (s->gen != gen || !s->live)
    return FALSE;
  s->live = FALSE;
  s->gen++;
  engine->n_live--;
  if (engine->has_front && engine->front.slot == slot) {
    engine->has_front = FALSE;  /* not in the heap: its slot is free at once */
    slot_release(engine, slot);
    return TRUE;
  }
  drop_cancelled(engine);
  /* Cancelled entries deep in the heap wait for their time; when they outnumber the pending
   * events, rebuild the heap without them, so memory stays within twice what is pending.
   * (n_live counts the front event, which is not in the heap.) */
  guint32 live_in_heap = engine->n_live - (engine->has_front ? 1 : 0);
  if (engine->n_heap - live_in_heap > live_in_heap + 64)
    compact(engine);
  return TRUE;
}

guint64
engine_run(Engine *engine, gint64 until)
{
  guint64 before = engine->events;
  for (;;) {
    gboolean front = engine->has_front;
    HeapEntry top;
    if (front)
      top = engine->front;
    else if (engine->n_heap > 0)
      top = engine->heap[0];
    else
      break;
    if (top.time >= until)
      break;
    Slot *s = &engine->slots[top.slot];
    EngineEvent event = {
      .time = top.time,
      .kind = s->kind,
      .subject = s->subject,
      .data = s->data,
    };
    s->live = FALSE;
    s->gen++;
    engine->n_live--;
    if (front) {
      engine->has_front = FALSE;
      slot_release(engine, top.slot);
    } else {
      heap_pop(engine);
      drop_cancelled(engine);
    }
    engine->now = event.time;
    engine->events++;
    engine->dispatch(engine->ctx, &event);
  }
  if (until > engine->now)
    engine->now = until;
  return engine->events - before;
}

gint64
engine_now(const Engine *engine)
{
  return engine->now;
}

guint64
engine_events(const Engine *engine)
{
  return engine->events;
}

gint64
engine_next_time(const Engine *engine)
{
  if (engine->has_front)
    return engine->front.time;
  return engine->n_heap > 0 ? engine->heap[0].time : ENGINE_NEVER;
}
