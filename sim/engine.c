/* engine.c: the discrete-event engine (binary heap of pending events, slot table of payloads).
 * See include/zdsim/engine.h for the model; nothing here knows what an event means. */
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
  guint32 heap_pos;  /* position in the heap, or SLOT_FREE */
  guint32 gen;       /* bumped whenever the slot is freed, so old handles go stale */
} Slot;

#define SLOT_FREE G_MAXUINT32
#define SEQ_BITS 56
#define SEQ_MASK ((G_GUINT64_CONSTANT(1) << SEQ_BITS) - 1)

struct Engine {
  EngineDispatch dispatch;
  void *ctx;
  gint64 now;
  guint64 seq;
  guint64 events;
  gboolean stopped;
  HeapEntry *heap;
  guint32 n_heap;
  guint32 cap_heap;
  Slot *slots;
  guint32 n_slots;     /* slots ever handed out */
  guint32 free_head;   /* free list threaded through Slot.kind, SLOT_FREE at the end */
};

static inline gboolean
entry_before(const HeapEntry *a, const HeapEntry *b)
{
  return a->time < b->time || (a->time == b->time && a->order < b->order);
}

static inline void
heap_put(Engine *engine, guint32 pos, HeapEntry entry)
{
  engine->heap[pos] = entry;
  engine->slots[entry.slot].heap_pos = pos;
}

static void
sift_up(Engine *engine, guint32 pos)
{
  HeapEntry entry = engine->heap[pos];
  while (pos > 0) {
    guint32 parent = (pos - 1) / 2;
    if (!entry_before(&entry, &engine->heap[parent]))
      break;
    heap_put(engine, pos, engine->heap[parent]);
    pos = parent;
  }
  heap_put(engine, pos, entry);
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
    heap_put(engine, pos, engine->heap[child]);
    pos = child;
  }
  heap_put(engine, pos, entry);
}

/* Removes the heap entry at @pos and returns its slot to the free list. */
static void
heap_remove(Engine *engine, guint32 pos)
{
  guint32 slot = engine->heap[pos].slot;
  guint32 last = --engine->n_heap;
  if (pos != last) {
    HeapEntry moved = engine->heap[last];
    heap_put(engine, pos, moved);
    if (pos > 0 && entry_before(&moved, &engine->heap[(pos - 1) / 2]))
      sift_up(engine, pos);
    else
      sift_down(engine, pos);
  }
  engine->slots[slot].heap_pos = SLOT_FREE;
  engine->slots[slot].gen++;
  engine->slots[slot].kind = engine->free_head;
  engine->free_head = slot;
}

Engine *
engine_new(EngineDispatch dispatch, void *ctx)
{
  Engine *engine = g_new0(Engine, 1);
  engine->dispatch = dispatch;
  engine->ctx = ctx;
  engine->free_head = SLOT_FREE;
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

void
engine_reset(Engine *engine)
{
  /* Every slot goes back to the free list with a new generation, so handles from the previous
   * replication are stale in this one. */
  engine->free_head = SLOT_FREE;
  for (guint32 i = engine->n_slots; i-- > 0;) {
    engine->slots[i].heap_pos = SLOT_FREE;
    engine->slots[i].gen++;
    engine->slots[i].kind = engine->free_head;
    engine->free_head = i;
  }
  engine->n_heap = 0;
  engine->now = 0;
  engine->seq = 0;
  engine->events = 0;
  engine->stopped = FALSE;
}

static guint32
slot_take(Engine *engine)
{
  if (engine->free_head != SLOT_FREE) {
    guint32 slot = engine->free_head;
    engine->free_head = engine->slots[slot].kind;
    return slot;
  }
  if (engine->n_slots == engine->cap_heap) {
    /* Heap and slot table grow together: there are never more slots than heap places. */
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
  HeapEntry entry = {
    .time = time,
    .order = ((guint64) priority << SEQ_BITS) | engine->seq++,
    .slot = slot,
  };
  guint32 pos = engine->n_heap++;
  heap_put(engine, pos, entry);
  sift_up(engine, pos);
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
  if (s->gen != gen || s->heap_pos == SLOT_FREE)
    return FALSE;
  heap_remove(engine, s->heap_pos);
  return TRUE;
}

guint64
engine_run(Engine *engine, gint64 until)
{
  guint64 before = engine->events;
  engine->stopped = FALSE;
  while (engine->n_heap > 0 && engine->heap[0].time < until && !engine->stopped) {
    const HeapEntry top = engine->heap[0];
    const Slot *s = &engine->slots[top.slot];
    EngineEvent event = {
      .time = top.time,
      .kind = s->kind,
      .subject = s->subject,
      .data = s->data,
    };
    /* Remove before dispatching: the handler may schedule into the freed slot. */
    heap_remove(engine, 0);
    engine->now = event.time;
    engine->events++;
    engine->dispatch(engine->ctx, &event);
  }
  if (!engine->stopped && until > engine->now)
    engine->now = until;
  return engine->events - before;
}

void
engine_stop(Engine *engine)
{
  engine->stopped = TRUE;
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

guint
engine_pending(const Engine *engine)
{
  return engine->n_heap;
}

gint64
engine_next_time(const Engine *engine)
{
  return engine->n_heap > 0 ? engine->heap[0].time : G_MAXINT64;
}
