/* engine.h: the discrete-event engine: a clock and a pending-event list, nothing else.
 *
 * The model.
 *   Time is a gint64 count of microseconds. An event is a small value (time, priority, kind,
 *   subject, data) that the engine hands back to one dispatch function when its time comes;
 *   what kinds and subjects mean is the caller's business, so the engine knows nothing of
 *   Cloud Foundry. Events of the same instant run in priority order (0 first), then in the
 *   order they were scheduled, so a run is a pure function of its inputs.
 *
 * The data structure.
 *   The pending events live in an array-based binary heap of 24-byte entries ordered by
 *   (time, priority, sequence); the payloads live in a slot table with a free list. Cancelling
 *   marks the slot and leaves its entry in the heap until the entry reaches the top, where it
 *   is dropped (lazy deletion), so sifting moves heap entries only and never writes into the
 *   slot table, and the earliest entry is always a pending event. Arrays only grow, so once
 *   warm (after the largest number of entries has been seen) scheduling, cancelling and
 *   dispatching allocate nothing. An event scheduled before everything pending waits in a
 *   register beside the heap instead (a handler's next event usually is the next to run), so
 *   running it costs no sifting; the order of events is the same.
 *
 * Errors.
 *   Scheduling in the past or cancelling with a stale handle are programming errors: the first
 *   is a g_assert, the second returns FALSE (a handle of an event already run or cancelled is
 *   stale, and handles carry a generation so a reused slot does not answer to an old one). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gint64 time;
  guint32 kind;
  guint32 subject;
  gint64 data;
} EngineEvent;

/* "Never": the time of something that does not happen. */
#define ENGINE_NEVER G_MAXINT64

/* @t + @dt for @dt >= 0, saturating at ENGINE_NEVER instead of overflowing: a sample from a
 * heavy-tailed distribution added to the clock means "never", not a time in the past. */
static inline gint64
engine_time_add(gint64 t, gint64 dt)
{
  if (dt < 0)
    return t;
  return t > ENGINE_NEVER - dt ? ENGINE_NEVER : t + dt;
}

/* A handle to a pending event; 0 is never a valid handle. */
typedef guint64 EngineHandle;

typedef void (*EngineDispatch)(void *ctx, const EngineEvent *event);

typedef struct Engine Engine;

/* A new engine whose events are dispatched to @dispatch with @ctx, at time 0.
 * Returns: (transfer full) free with engine_free(). */
Engine *engine_new(EngineDispatch dispatch, void *ctx);
void engine_free(Engine *engine);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Engine, engine_free)

/* Schedules an event at @time (>= now) with @priority (0..255, lower first within an instant).
 * Returns: a handle for engine_cancel(). */
EngineHandle engine_schedule(Engine *engine, gint64 time, guint8 priority, guint32 kind,
                             guint32 subject, gint64 data);

/* Removes a pending event. Returns: FALSE when @handle is 0, already ran or was cancelled. */
gboolean engine_cancel(Engine *engine, EngineHandle handle);

/* Dispatches events in order while their time is before @until, then sets the clock to
 * @until (when that is later). Returns: the events dispatched. */
guint64 engine_run(Engine *engine, gint64 until);

gint64 engine_now(const Engine *engine);
guint64 engine_events(const Engine *engine);  /* dispatched since engine_new() */

/* The time of the earliest pending event, or ENGINE_NEVER when none is pending: where a caller
 * that runs in slices starts the next one (model_run() skips quiet stretches so; tests step a
 * model instant by instant with it). */
gint64 engine_next_time(const Engine *engine);

G_END_DECLS
