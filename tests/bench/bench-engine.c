/* bench-engine.c: the classic hold test of the event engine (make bench): with n events
 * pending, pop the earliest and schedule one at now + an exponential draw, over and over, and
 * report hold operations (one pop plus one schedule each) per second. Not a test: it checks
 * nothing and is never part of make test.
 *
 * Every dispatch schedules the next, so n stay pending for good; a measurement runs the
 * engine for a stretch of simulated time (n events pending at mean 1 s each complete about
 * n holds a simulated second) and counts the holds engine_run() dispatched.
 *
 * The hold model is Vaucher and Duval's (CACM 18(4), 1975) as Jones used it to compare
 * pending-event sets (CACM 29(4), 1986): the queue size stays at n, so the cost per operation
 * is the steady-state cost at that size. The exponential increments (mean 1 s) are drawn
 * before the clock starts, into a table the handler cycles through, so the figure is the
 * engine's and not the logarithm's.
 *
 * Output: one row per size, tab-separated as tests/bench/bench.sh collects them:
 *   id  label  value  unit  note
 * where value is the median over the repeats of the rate per CPU-second of this thread, and
 * the note gives the median wall-clock rate beside it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "zdsim/dist.h"
#include "zdsim/engine.h"

/* 2^16 draws: far more than the cache lines a hold touches, so the cycle adds no pattern the
 * heap could profit from. */
#define DRAWS_BITS 16
#define DRAWS (1u << DRAWS_BITS)
#define MEAN_US 1e6

typedef struct {
  Engine *engine;
  const gint64 *draws;
  guint32 next;
  guint pending;  /* events kept pending: sizes the stretch of time a measurement runs */
} Hold;

static void
hold(void *ctx, const EngineEvent *event)
{
  Hold *h = ctx;
  engine_schedule(h->engine, event->time + h->draws[h->next++ & (DRAWS - 1)], 0, 0, 0, 0);
}

static double
cpu_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static int
double_cmp(const void *pa, const void *pb)
{
  double a = *(const double *) pa, b = *(const double *) pb;
  return a < b ? -1 : (a > b);
}

static double
median(double *v, guint n)
{
  qsort(v, n, sizeof *v, double_cmp);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Runs about @ops hold operations on @h (the simulated time in which the pending events
 * complete that many) and stores the rates per CPU-second and per wall second. Returns: the
 * operations run. */
static guint64
measure(Hold *h, guint64 ops, double *cpu_rate, double *wall_rate)
{
  gint64 until = engine_now(h->engine) + (gint64) ((double) ops / h->pending * MEAN_US);
  gint64 w0 = g_get_monotonic_time();
  double c0 = cpu_seconds();
  guint64 done = engine_run(h->engine, until);
  double c1 = cpu_seconds();
  gint64 w1 = g_get_monotonic_time();
  g_assert(done > 0);
  *cpu_rate = (double) done / MAX(c1 - c0, 1e-9);
  *wall_rate = (double) done / MAX((double) (w1 - w0) / 1e6, 1e-9);
  return done;
}

typedef struct {
  guint pending;
  const char *id;
  const char *label;
} Case;

int
main(int argc, char **argv)
{
  /* Seconds one measurement should last; repeats per size. */
  double seconds = argc > 1 ? g_ascii_strtod(argv[1], NULL) : 0.4;
  guint repeats = argc > 2 ? (guint) atoi(argv[2]) : 5;
  if (seconds <= 0 || repeats == 0 || repeats > 100) {
    fprintf(stderr, "usage: bench-engine [SECONDS-PER-MEASUREMENT [REPEATS]]\n");
    return 2;
  }
  static const Case cases[] = {
    { 10, "engine.hold_10", "10 pending: pop + schedule pairs per CPU-second" },
    { 10000, "engine.hold_1e4", "10^4 pending: pop + schedule pairs per CPU-second" },
    { 1000000, "engine.hold_1e6", "10^6 pending: pop + schedule pairs per CPU-second" },
  };

  g_autofree gint64 *draws = g_new(gint64, DRAWS);
  DistRng rng;
  dist_rng_seed(&rng, 8, 0);
  for (guint i = 0; i < DRAWS; i++)
    draws[i] = (gint64) llround(-MEAN_US * log(dist_rng_double(&rng)));

  for (guint c = 0; c < G_N_ELEMENTS(cases); c++) {
    Hold h = { .draws = draws, .pending = cases[c].pending };
    g_autoptr(Engine) engine = engine_new(hold, &h);
    h.engine = engine;
    /* Fill to n pending, then as many holds as there are events, so that the heap's times
     * have the steady-state spread of the hold model, not the initial one. */
    for (guint i = 0; i < cases[c].pending; i++)
      engine_schedule(engine, draws[h.next++ & (DRAWS - 1)], 0, 0, 0, 0);
    double cpu_rate, wall_rate;
    measure(&h, MAX(cases[c].pending, 100000u), &cpu_rate, &wall_rate);
    /* One short measurement sizes the real ones. */
    guint64 ops = (guint64) MAX(cpu_rate * seconds, 1e5);
    double cpu[100], wall[100];
    guint64 done = 0;
    for (guint r = 0; r < repeats; r++)
      done += measure(&h, ops, &cpu[r], &wall[r]);
    printf("%s\t%s\t%.6g\tops/s\tmedian of %u x %.3g M pairs; wall %.1f M/s\n",
           cases[c].id, cases[c].label, median(cpu, repeats), repeats,
           (double) done / repeats / 1e6, median(wall, repeats) / 1e6);
    fflush(stdout);
  }
  return 0;
}
