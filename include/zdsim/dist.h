/* dist.h: random numbers and random distributions.
 *
 * Every replication owns one DistRng; nothing here touches global state, so replications
 * can run on any thread in any order and still draw the same numbers. Not for the units of
 * scenario files (units.h, whose parsers read a distribution's parameters), calendars
 * (calendar.h) or scenario keys (scenario.h).
 *
 * The generator is xoshiro256** (Blackman and Vigna, 2018), seeded through splitmix64 from
 * (seed, stream): integer arithmetic only, so the same seed gives the same raw draws on
 * every machine. Times are gint64 microseconds throughout.
 *
 * Every dist_sample() call consumes exactly one dist_rng_next() draw, whatever the
 * distribution (constants and "none" included): a scenario change that swaps one
 * distribution for another leaves the positions of all later draws unchanged. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DIST_USEC_PER_SEC G_GINT64_CONSTANT(1000000)
#define DIST_SECONDS_PER_WEEK (7.0 * 86400.0)

/* A value that a "none" distribution returns: later than any horizon. */
#define DIST_NEVER G_MAXINT64

/* The error domain of the parsers below. Messages say what was wrong and what was expected,
 * with an example, but name no file, line or key: the caller prefixes those. */
#define DIST_ERROR (dist_error_quark())

typedef enum {
  DIST_ERROR_PARSE, /* the text is not of the expected form or lies out of range */
} DistError;

GQuark dist_error_quark(void);

typedef struct {
  guint64 s[4];
} DistRng;

/* Seeds @rng for replication (or any other stream) @stream of master seed @seed.
 * Distinct (seed, stream) pairs give independent-looking sequences. The four state words are
 * the first four outputs of splitmix64 started from seed XOR m(stream), where m(k) is the
 * k-th output of splitmix64 started from 0 (m(0) = 0, so stream 0 is splitmix64 seeded with
 * @seed itself, as in Vigna's reference seeding). */
void dist_rng_seed(DistRng *rng, guint64 seed, guint64 stream);

/* The next raw 64-bit draw. */
guint64 dist_rng_next(DistRng *rng);

/* A double uniform on the open interval (0, 1): never 0, never 1, so log() is safe.
 * One draw x gives ((x >> 12) + 0.5) * 2^-52, the midpoint of one of 2^52 equal cells,
 * so u and 1 - u are equally likely and both exact. */
double dist_rng_double(DistRng *rng);

/* An integer uniform on [0, n) for n > 0, without modulo bias (rejection: one draw, more
 * with probability below n / 2^64). */
guint64 dist_rng_below(DistRng *rng, guint64 n);

/* The next arrival of a Poisson process of @rate_per_s events per second after @now:
 * now + an exponential draw rounded to the µs (one dist_rng_double() draw); DIST_NEVER when
 * the rate is 0 or less (or NaN) or when the arrival would lie beyond G_MAXINT64. */
gint64 dist_poisson_next(double rate_per_s, gint64 now, DistRng *rng);

typedef enum {
  DIST_NONE,      /* never happens: samples are DIST_NEVER */
  DIST_CONSTANT,  /* a = value (µs) */
  DIST_EXP,       /* a = mean (µs) */
  DIST_UNIFORM,   /* a = low, b = high (µs) */
  DIST_LOGNORMAL, /* a = mu, b = sigma of ln(value in µs); given as median and p95 */
  DIST_NORMAL,    /* a = mean, b = sd (µs); truncated at 0 (the law of a draw resampled
                   * while negative, drawn by the inverse CDF so it costs one draw) */
  DIST_WEIBULL,   /* a = shape k, b = scale (µs) */
} DistKind;

typedef struct {
  DistKind kind;
  double a;
  double b;
} Dist;

/* Parses "10s", "exp(30d)", "uniform(60s,120s)", "lognormal(median=75s,p95=180s)",
 * "normal(60s,10s)", "weibull(1.5,30d)" or "none". White space around tokens is allowed and
 * names are case-insensitive. Ranges: exp mean > 0; uniform LOW <= HIGH; lognormal
 * p95 > median > 0 (sigma = ln(p95/median) / z_0.95); normal SD >= 0; weibull SHAPE > 0 (a
 * plain number) and SCALE > 0. Returns FALSE with @error (DIST_ERROR_PARSE) saying what was
 * expected; @out is then untouched. */
gboolean dist_parse(const char *text, Dist *out, GError **error);

/* A draw in µs: dist_quantile(@dist, u) for one u = dist_rng_double(@rng), rounded to the
 * nearest µs, at least 0 and at most DIST_NEVER - 1; DIST_NEVER for DIST_NONE (which still
 * consumes its draw). */
gint64 dist_sample(const Dist *dist, DistRng *rng);

/* The mean in µs (the truncated mean for DIST_NORMAL); INFINITY for DIST_NONE. */
double dist_mean(const Dist *dist);

/* The p-quantile in µs, 0 < p < 1 (for DIST_NORMAL, of the truncated distribution);
 * INFINITY for DIST_NONE. p <= 0 and p >= 1 give the ends of the support. */
double dist_quantile(const Dist *dist, double p);

/* The median in µs: dist_quantile(@dist, 0.5); INFINITY for DIST_NONE. */
double dist_median(const Dist *dist);

/* @dist with every time multiplied by @factor (> 0, finite): its mean, median and every
 * quantile are @factor times @dist's, and its shape stays (a lognormal keeps its p95/median
 * ratio, a uniform its relative width). DIST_NONE stays DIST_NONE. Used to move an uncertain
 * distribution across a range (zdsim sensitivity). */
Dist dist_scale(const Dist *dist, double factor);

/* The text form that dist_parse reads back to the same distribution.
 * Returns: (transfer full) a string to free with g_free(). */
char *dist_to_string(const Dist *dist);

G_END_DECLS
