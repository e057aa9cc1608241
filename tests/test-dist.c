/* test-dist.c: tests of the generator and the distributions of dist.c.
 *
 * Statistical tests use fixed seeds, so they cannot flake; their tolerances are 5 standard
 * errors (a correct implementation fails such a check with probability below 1e-6), so a
 * failure means a wrong formula, not bad luck. Expected values come from published test
 * vectors, closed forms or the definitions in dist.h, never from program output. */
#include "zdsim/dist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "numeric-fixture.h"

#define US_PER_S 1e6

/* --- Helpers ------------------------------------------------------------------------ */

static double
phi_cdf(double x)
{
  return 0.5 * erfc(-x / G_SQRT2);
}

static double
phi_pdf(double x)
{
  return exp(-0.5 * x * x) / sqrt(2.0 * G_PI);
}

static Dist
parse_ok(const char *text)
{
  g_autoptr(GError) error = NULL;
  Dist d;

  if (!dist_parse(text, &d, &error))
    g_error("dist_parse(\"%s\"): %s", text, error->message);
  return d;
}

/* --- Generator ---------------------------------------------------------------------- */

/* splitmix64 and xoshiro256** written out from their published definitions (Vigna,
 * splitmix64.c and xoshiro256starstar.c, prng.di.unimi.it), independent of dist.c. */
static guint64
ref_splitmix64(guint64 *x)
{
  guint64 z = (*x += G_GUINT64_CONSTANT(0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static guint64
ref_rotl(guint64 x, int k)
{
  return (x << k) | (x >> (64 - k));
}

static guint64
ref_xoshiro(guint64 s[4])
{
  guint64 result = ref_rotl(s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = ref_rotl(s[3], 45);
  return result;
}

static void
test_rng_reference(void)
{
  /* Rosetta Code, "Pseudo-random numbers/Splitmix64": the first five outputs for seed
   * 1234567 (the first, 6457827717110365317, is the widely quoted reference value). */
  static const guint64 published[] = {
      G_GUINT64_CONSTANT(6457827717110365317), G_GUINT64_CONSTANT(3203168211198807973),
      G_GUINT64_CONSTANT(9817491932198370423), G_GUINT64_CONSTANT(4593380528125082431),
      G_GUINT64_CONSTANT(16408922859458223821),
  };
  guint64 x = 1234567, s[4];
  DistRng rng;

  for (guint i = 0; i < G_N_ELEMENTS(published); i++)
    g_assert_cmpuint(ref_splitmix64(&x), ==, published[i]);

  /* dist.h: stream 0 is splitmix64 seeded with the seed itself, its first four outputs
   * being the xoshiro state. */
  dist_rng_seed(&rng, 1234567, 0);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint(rng.s[i], ==, published[i]);

  memcpy(s, published, sizeof s);
  for (guint i = 0; i < 16; i++)
    g_assert_cmphex(dist_rng_next(&rng), ==, ref_xoshiro(s));
}

static void
test_rng_streams(void)
{
  DistRng a, b;
  guint64 first[100];
  guint64 x = 0, m = 0, start;

  /* The documented derivation: state = seed XOR (the stream-th splitmix64 output from 0). */
  for (guint i = 0; i < 3; i++)
    m = ref_splitmix64(&x);
  start = G_GUINT64_CONSTANT(7) ^ m;
  dist_rng_seed(&a, 7, 3);
  for (guint i = 0; i < 4; i++)
    g_assert_cmphex(a.s[i], ==, ref_splitmix64(&start));

  /* Same (seed, stream), same draws. */
  dist_rng_seed(&a, 42, 5);
  dist_rng_seed(&b, 42, 5);
  for (guint i = 0; i < 1000; i++)
    g_assert_cmphex(dist_rng_next(&a), ==, dist_rng_next(&b));

  /* Distinct streams of one seed differ (a 64-bit collision among 100 has chance 3e-16). */
  for (guint k = 0; k < G_N_ELEMENTS(first); k++) {
    dist_rng_seed(&a, 1, k);
    first[k] = dist_rng_next(&a);
    for (guint j = 0; j < k; j++)
      g_assert_cmphex(first[j], !=, first[k]);
  }
  /* Seed and stream are not interchangeable, and seeds differ. */
  dist_rng_seed(&a, 1, 2);
  dist_rng_seed(&b, 2, 1);
  g_assert_cmphex(dist_rng_next(&a), !=, dist_rng_next(&b));
  dist_rng_seed(&a, 1, 0);
  dist_rng_seed(&b, 2, 0);
  g_assert_cmphex(dist_rng_next(&a), !=, dist_rng_next(&b));
}

/* The inverse of an odd number modulo 2^64 by Newton's iteration x <- x (2 - a x), which
 * doubles the correct low bits each step (a itself is right to 3 bits). */
static guint64
inverse_mod64(guint64 a)
{
  guint64 x = a;
  for (guint i = 0; i < 5; i++)
    x *= 2 - a * x;
  return x;
}

/* Sets the state so that the next xoshiro256** output is @out: the output is
 * rotl(s1 * 5, 7) * 9, which is invertible in s1. */
static void
force_next_output(DistRng *rng, guint64 out)
{
  guint64 y = out * inverse_mod64(9);
  y = (y >> 7) | (y << 57);
  rng->s[0] = 1;
  rng->s[1] = y * inverse_mod64(5);
  rng->s[2] = 2;
  rng->s[3] = 3;
}

static void
test_rng_double(void)
{
  const guint n = 100000;
  DistRng rng;
  double sum = 0.0;

  /* The ends of the range: ((x >> 12) + 0.5) 2^-52 for x = 0 and x = 2^64 - 1. */
  force_next_output(&rng, 0);
  assert_same_double(dist_rng_double(&rng), ldexp(1.0, -53));
  force_next_output(&rng, 0xfff);
  assert_same_double(dist_rng_double(&rng), ldexp(1.0, -53));
  force_next_output(&rng, G_MAXUINT64);
  assert_same_double(dist_rng_double(&rng), 1.0 - ldexp(1.0, -53));
  force_next_output(&rng, G_GUINT64_CONSTANT(1) << 63);
  assert_same_double(dist_rng_double(&rng), 0.5 + ldexp(1.0, -53));

  dist_rng_seed(&rng, 2027, 1);
  for (guint i = 0; i < n; i++) {
    double u = dist_rng_double(&rng);
    g_assert_cmpfloat(u, >, 0.0);
    g_assert_cmpfloat(u, <, 1.0);
    sum += u;
  }
  /* Mean 1/2, standard error sqrt(1/12 / n) = 9.1e-4. */
  g_assert_cmpfloat(fabs(sum / n - 0.5), <, 5.0 * sqrt(1.0 / 12.0 / n));
}

static void
test_rng_below(void)
{
  enum { BINS = 7, PER_BIN = 10000 };
  guint64 counts[BINS] = {0};
  const guint64 big = G_GUINT64_CONSTANT(3) << 62;
  const guint n_big = 30000;
  guint top = 0;
  double chi2 = 0.0;
  DistRng rng;

  dist_rng_seed(&rng, 2027, 2);
  for (guint i = 0; i < BINS * PER_BIN; i++) {
    guint64 k = dist_rng_below(&rng, BINS);
    g_assert_cmpuint(k, <, BINS);
    counts[k]++;
  }
  for (guint k = 0; k < BINS; k++)
    chi2 += (counts[k] - (double) PER_BIN) * (counts[k] - (double) PER_BIN) / PER_BIN;
  /* Chi-square with 6 degrees of freedom: its 0.999 quantile is 22.458 (standard tables,
   * e.g. NIST/SEMATECH e-Handbook 1.3.6.7.4). */
  g_assert_cmpfloat(chi2, <, 22.458);

  /* n = 3 2^62: a plain r % n would map [n, 2^64) onto [0, 2^62) and put only 1/4 of the
   * draws at or above 2^63 instead of 1/3; the binomial standard error of the fraction is
   * sqrt((1/3)(2/3)/30000) = 0.0027, and 1/3 - 1/4 is 30 of them. */
  for (guint i = 0; i < n_big; i++) {
    guint64 k = dist_rng_below(&rng, big);
    g_assert_cmpuint(k, <, big);
    top += k >= (G_GUINT64_CONSTANT(1) << 63);
  }
  g_assert_cmpfloat(fabs(top / (double) n_big - 1.0 / 3.0), <,
                    5.0 * sqrt((1.0 / 3.0) * (2.0 / 3.0) / n_big));

  for (guint i = 0; i < 100; i++) {
    g_assert_cmpuint(dist_rng_below(&rng, 1), ==, 0);
    g_assert_cmpuint(dist_rng_below(&rng, G_MAXUINT64), <, G_MAXUINT64);
  }
}

/* --- Distributions: closed forms ---------------------------------------------------- */

static void
test_normal_quantile(void)
{
  /* lognormal with mu = 0, sigma = 1 makes ln(quantile) the standard normal quantile. */
  const Dist std = {DIST_LOGNORMAL, 0.0, 1.0};
  static const double ps[] = {1e-300, 1e-12, 1e-6, 0.001, 0.02425, 0.1, 0.3, 0.425,
                              0.5,    0.6,   0.9,  0.95,  0.975,   0.999, 1.0 - 1e-9};

  g_assert_cmpfloat(fabs(log(dist_quantile(&std, 0.5))), <, 1e-15);
  /* Standard normal table values: z_0.95 = 1.6448536269514722, z_0.975 = 1.959963984540054,
   * z_0.75 = 0.6744897501960817. */
  assert_rel(log(dist_quantile(&std, 0.95)), 1.6448536269514722, 1e-14);
  assert_rel(log(dist_quantile(&std, 0.975)), 1.959963984540054, 1e-14);
  assert_rel(log(dist_quantile(&std, 0.75)), 0.6744897501960817, 1e-14);
  assert_rel(log(dist_quantile(&std, 0.25)), -0.6744897501960817, 1e-14);

  /* Phi(Phi^-1(p)) = p, with Phi from erfc; the upper tail is compared as 1 - p. */
  for (guint i = 0; i < G_N_ELEMENTS(ps); i++) {
    double z = log(dist_quantile(&std, ps[i]));
    if (ps[i] < 0.5)
      assert_rel(phi_cdf(z), ps[i], 1e-12);
    else if (ps[i] > 0.5)
      assert_rel(0.5 * erfc(z / G_SQRT2), 1.0 - ps[i], 1e-12);
  }
}

/* Mean and standard deviation from the textbook formulas (Johnson, Kotz and Balakrishnan,
 * Continuous Univariate Distributions), in µs. */
static void
moments(const Dist *d, double *mean, double *sd)
{
  switch (d->kind) {
  case DIST_CONSTANT:
    *mean = d->a;
    *sd = 0.0;
    break;
  case DIST_EXP:
    *mean = d->a;
    *sd = d->a;
    break;
  case DIST_UNIFORM:
    *mean = (d->a + d->b) / 2.0;
    *sd = (d->b - d->a) / sqrt(12.0);
    break;
  case DIST_LOGNORMAL:
    *mean = exp(d->a + d->b * d->b / 2.0);
    *sd = *mean * sqrt(expm1(d->b * d->b));
    break;
  case DIST_NORMAL: {
    /* X = mu + sd Z with Z > alpha = -mu/sd: E Z = lambda = phi(alpha) / (1 - Phi(alpha)),
     * Var Z = 1 + alpha lambda - lambda^2. */
    double alpha = -d->a / d->b;
    double lambda = phi_pdf(alpha) / (1.0 - phi_cdf(alpha));
    *mean = d->a + d->b * lambda;
    *sd = d->b * sqrt(1.0 + alpha * lambda - lambda * lambda);
    break;
  }
  case DIST_WEIBULL: {
    double g1 = tgamma(1.0 + 1.0 / d->a), g2 = tgamma(1.0 + 2.0 / d->a);
    *mean = d->b * g1;
    *sd = d->b * sqrt(g2 - g1 * g1);
    break;
  }
  case DIST_NONE:
  default:
    g_assert_not_reached();
  }
}

static void
test_closed_forms(void)
{
  const double s = US_PER_S;
  const double sigma = log(180.0 / 75.0) / 1.6448536269514722;
  const double ln2 = log(2.0);
  Dist d;

  d = parse_ok("10s");
  assert_rel(dist_mean(&d), 10 * s, 0);
  assert_rel(dist_quantile(&d, 0.3), 10 * s, 0);

  d = parse_ok("none");
  g_assert_true(isinf(dist_mean(&d)));
  g_assert_true(isinf(dist_quantile(&d, 0.5)));

  /* exp: F(x) = 1 - exp(-x/m), so the median is m ln 2. */
  d = parse_ok("exp(30d)");
  assert_rel(dist_mean(&d), 30 * 86400 * s, 1e-15);
  assert_rel(dist_quantile(&d, 0.5), 30 * 86400 * s * ln2, 1e-14);

  d = parse_ok("uniform(60s,120s)");
  assert_rel(dist_mean(&d), 90 * s, 1e-15);
  assert_rel(dist_quantile(&d, 0.25), 75 * s, 1e-15);

  /* lognormal: the quantiles it was given, and mean = median exp(sigma^2 / 2). */
  d = parse_ok("lognormal(median=75s,p95=180s)");
  assert_rel(dist_quantile(&d, 0.5), 75 * s, 1e-13);
  assert_rel(dist_quantile(&d, 0.95), 180 * s, 1e-13);
  assert_rel(dist_mean(&d), 75 * s * exp(sigma * sigma / 2.0), 1e-13);

  /* weibull: F(scale) = 1 - 1/e; mean scale Gamma(1 + 1/k); Gamma(5/3) = 0.9027452929509336
   * (Abramowitz and Stegun table 6.1); shape 1 is the exponential. */
  d = parse_ok("weibull(1.5,30d)");
  assert_rel(dist_quantile(&d, 1.0 - exp(-1.0)), 30 * 86400 * s, 1e-13);
  assert_rel(dist_mean(&d), 30 * 86400 * s * 0.9027452929509336, 1e-13);
  d = parse_ok("weibull(1,10s)");
  assert_rel(dist_mean(&d), 10 * s, 1e-15);
  assert_rel(dist_quantile(&d, 0.5), 10 * s * ln2, 1e-14);

  /* normal(60s,10s): truncation at 6 sd below the mean moves the mean by
   * sd phi(6) / Phi(6) = 0.06 µs, and the median by even less. */
  d = parse_ok("normal(60s,10s)");
  g_assert_cmpfloat(fabs(dist_mean(&d) - 60 * s), <, 0.1);
  g_assert_cmpfloat(fabs(dist_quantile(&d, 0.5) - 60 * s), <, 0.1);

  /* normal(0s,10s) is the half-normal: mean sd sqrt(2/pi), p-quantile sd z_((1+p)/2). */
  d = parse_ok("normal(0s,10s)");
  assert_rel(dist_mean(&d), 10 * s * sqrt(2.0 / G_PI), 1e-13);
  assert_rel(dist_quantile(&d, 0.5), 10 * s * 0.6744897501960817, 1e-13);
  g_assert_cmpfloat(dist_quantile(&d, 1e-300), >=, 0.0);

  /* normal(10s,10s): alpha = -1; mean mu + sd phi(1) / Phi(1); the truncated CDF at the
   * mean is (1/2 - Phi(-1)) / (1 - Phi(-1)). */
  d = parse_ok("normal(10s,10s)");
  assert_rel(dist_mean(&d), 10 * s + 10 * s * phi_pdf(1.0) / phi_cdf(1.0), 1e-13);
  assert_rel(dist_quantile(&d, (0.5 - phi_cdf(-1.0)) / (1.0 - phi_cdf(-1.0))), 10 * s, 1e-12);

  /* Degenerate normal: sd 0 is the constant mean. */
  d = parse_ok("normal(1m,0s)");
  assert_rel(dist_mean(&d), 60 * s, 0);
  assert_rel(dist_quantile(&d, 0.9), 60 * s, 0);
}

/* --- Distributions: sampling -------------------------------------------------------- */

typedef struct {
  const char *path;
  const char *text;
} SampleCase;

static const SampleCase sample_cases[] = {
    {"/zdsim/dist/sample/exp", "exp(30d)"},
    {"/zdsim/dist/sample/uniform", "uniform(60s,120s)"},
    {"/zdsim/dist/sample/lognormal", "lognormal(median=75s,p95=180s)"},
    {"/zdsim/dist/sample/normal", "normal(60s,10s)"},
    {"/zdsim/dist/sample/normal-truncated", "normal(10s,10s)"},
    {"/zdsim/dist/sample/weibull", "weibull(1.5,30d)"},
    {"/zdsim/dist/sample/weibull-heavy", "weibull(0.7,1h)"},
};

static int
compare_gint64(const void *a, const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

static void
test_sample(gconstpointer data)
{
  const SampleCase *c = data;
  const guint n = 200000;
  const double ps[] = {0.5, 0.95};
  Dist d = parse_ok(c->text);
  g_autofree gint64 *x = g_new(gint64, n);
  double mean, sd, sum = 0.0;
  DistRng rng;

  moments(&d, &mean, &sd);
  assert_rel(dist_mean(&d), mean, 1e-12);

  dist_rng_seed(&rng, 1, (guint64) (c - sample_cases) + 100);
  for (guint i = 0; i < n; i++) {
    x[i] = dist_sample(&d, &rng);
    g_assert_cmpint(x[i], >=, 0);
    sum += (double) x[i];
  }
  /* The sample mean within 5 standard errors sd / sqrt(n); rounding to the µs moves it by
   * at most 0.5 µs, far below that. */
  g_assert_cmpfloat(fabs(sum / n - mean), <, 5.0 * sd / sqrt(n) + 0.5);

  /* The empirical p-quantile, the order statistic X_(ceil(p n)), lies between the true
   * quantiles at p -/+ 5 binomial standard errors sqrt(p (1 - p) / n): the number of draws
   * below Q(p + e) is Binomial(n, p + e), 5 standard errors above ceil(p n). */
  qsort(x, n, sizeof *x, compare_gint64);
  for (guint i = 0; i < G_N_ELEMENTS(ps); i++) {
    double p = ps[i], e = 5.0 * sqrt(p * (1.0 - p) / n);
    gint64 q = x[(gsize) ceil(p * n) - 1];
    g_assert_cmpfloat((double) q, >=, dist_quantile(&d, p - e) - 1.0);
    g_assert_cmpfloat((double) q, <=, dist_quantile(&d, p + e) + 1.0);
  }
}

static void
test_truncated_normal(void)
{
  /* normal(10s,10s) keeps Z > -1. P(X < mu) = (Phi(0) - Phi(-1)) / (1 - Phi(-1)) = 0.4057;
   * binomial standard error sqrt(p (1 - p) / n). */
  const guint n = 200000;
  Dist d = parse_ok("normal(10s,10s)");
  double p = (0.5 - phi_cdf(-1.0)) / (1.0 - phi_cdf(-1.0));
  guint below = 0;
  DistRng rng;

  dist_rng_seed(&rng, 1, 7);
  for (guint i = 0; i < n; i++) {
    gint64 x = dist_sample(&d, &rng);
    g_assert_cmpint(x, >=, 0);
    below += x < 10 * SECOND;
  }
  g_assert_cmpfloat(fabs(below / (double) n - p), <, 5.0 * sqrt(p * (1.0 - p) / n));

  /* Mean 0: the half-normal, half of whose draws would have been negative. */
  d = parse_ok("normal(0s,1s)");
  for (guint i = 0; i < 1000; i++)
    g_assert_cmpint(dist_sample(&d, &rng), >=, 0);
}

static void
test_sample_draws(void)
{
  /* dist.h: every dist_sample() consumes exactly one draw, and is Q(u) rounded. */
  static const char *texts[] = {"none", "10s", "exp(1h)", "uniform(1s,2s)",
                                "lognormal(median=1s,p95=3s)", "normal(0s,10s)",
                                "weibull(2,1h)"};
  DistRng rng, copy;

  dist_rng_seed(&rng, 3, 0);
  for (guint i = 0; i < G_N_ELEMENTS(texts); i++) {
    Dist d = parse_ok(texts[i]);
    for (guint j = 0; j < 100; j++) {
      gint64 x;
      double u;
      copy = rng;
      u = dist_rng_double(&copy);
      x = dist_sample(&d, &rng);
      g_assert_cmpmem(&rng, sizeof rng, &copy, sizeof copy);
      if (d.kind == DIST_NONE)
        g_assert_cmpint(x, ==, DIST_NEVER);
      else
        g_assert_cmpint(x, ==, llround(dist_quantile(&d, u)));
    }
  }

  /* Common random numbers: from the same state, exp(20s) draws twice exp(10s), +-1 µs. */
  {
    Dist d10 = parse_ok("exp(10s)"), d20 = parse_ok("exp(20s)");
    for (guint j = 0; j < 100; j++) {
      gint64 x10, x20;
      copy = rng;
      x10 = dist_sample(&d10, &rng);
      x20 = dist_sample(&d20, &copy);
      g_assert_cmpint(llabs(x20 - 2 * x10), <=, 1);
    }
  }
}

static void
test_sample_clamp(void)
{
  /* exp with a mean of 1e30 µs draws beyond G_MAXINT64 about all the time; a lognormal
   * with median e^50 = 5e21 µs too. They clamp to DIST_NEVER - 1, not overflow. */
  const Dist huge[] = {{DIST_EXP, 1e30, 0.0}, {DIST_LOGNORMAL, 50.0, 1.0}};
  DistRng rng;

  dist_rng_seed(&rng, 4, 0);
  for (guint i = 0; i < G_N_ELEMENTS(huge); i++) {
    guint clamped = 0;
    for (guint j = 0; j < 1000; j++) {
      gint64 x = dist_sample(&huge[i], &rng);
      g_assert_cmpint(x, >=, 0);
      g_assert_cmpint(x, <=, DIST_NEVER - 1);
      clamped += x == DIST_NEVER - 1;
    }
    g_assert_cmpuint(clamped, >, 900);
  }
}

/* --- Parsing distributions ---------------------------------------------------------- */

static void
test_parse_good(void)
{
  /* For DIST_LOGNORMAL, a and b hold the median and p95 in µs; mu and sigma follow from
   * them as dist.h says. */
  static const struct {
    const char *text;
    DistKind kind;
    double a, b;
  } cases[] = {
      {"10s", DIST_CONSTANT, 10e6, 0},
      {"0", DIST_CONSTANT, 0, 0},
      {" 250ms ", DIST_CONSTANT, 250e3, 0},
      {"exp(30d)", DIST_EXP, 30 * 86400e6, 0},
      {"EXP( 1.5h )", DIST_EXP, 5400e6, 0},
      {"uniform(60s,120s)", DIST_UNIFORM, 60e6, 120e6},
      {"Uniform ( 1m , 1m )", DIST_UNIFORM, 60e6, 60e6},
      {"lognormal(median=75s,p95=180s)", DIST_LOGNORMAL, 75e6, 180e6},
      {"LogNormal( P95 = 2m , Median = 45s )", DIST_LOGNORMAL, 45e6, 120e6},
      {"normal(60s,10s)", DIST_NORMAL, 60e6, 10e6},
      {"normal(1m,0s)", DIST_NORMAL, 60e6, 0},
      {"weibull(1.5,30d)", DIST_WEIBULL, 1.5, 30 * 86400e6},
      {"WEIBULL( 2 , 1w )", DIST_WEIBULL, 2, 604800e6},
      {"none", DIST_NONE, 0, 0},
      {" NONE ", DIST_NONE, 0, 0},
  };

  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    Dist d = parse_ok(cases[i].text);
    double a = cases[i].a, b = cases[i].b;

    g_test_message("%s", cases[i].text);
    g_assert_cmpint(d.kind, ==, cases[i].kind);
    if (d.kind == DIST_LOGNORMAL) {
      double mu = log(a), sigma = log(b / a) / 1.6448536269514722;
      assert_rel(d.a, mu, 1e-15);
      assert_rel(d.b, sigma, 1e-15);
    } else if (d.kind != DIST_NONE) {
      assert_rel(d.a, a, 0);
      assert_rel(d.b, b, 0);
    }
  }
}

static void
test_parse_bad(void)
{
  static const struct {
    const char *text;
    const char *fragment;
  } cases[] = {
      {"", "empty; expected a distribution"},
      {"abc", "abc: expected a distribution: a duration like 10s, exp(MEAN)"},
      {"nan", "expected a distribution"},
      {"inf", "expected a distribution"},
      {"10", "10: the unit is missing; expected a duration with a unit"},
      {"10x", "unknown unit “x”"},
      {"-5s", "must not be negative"},
      {"gamma(2,1s)", "unknown distribution “gamma”"},
      {"exp(30d", "closing “)” is missing; expected exp(MEAN), e.g. exp(30d)"},
      {"exp(30d) x", "unexpected “x” after “)”"},
      {"exp(0s)", "MEAN must be longer than 0"},
      {"exp(1s,2s)", "exp takes 1 parameter;"},
      {"uniform(60s)", "uniform takes 2 parameters; expected uniform(LOW,HIGH)"},
      {"uniform(120s,60s)", "uniform(120s,60s): LOW must not exceed HIGH"},
      {"uniform(60s,12x)", "uniform(60s,12x): HIGH “12x”: unknown unit “x”"},
      {"uniform(,60s)", "LOW “”: empty"},
      {"lognormal(75s,180s)", "name both parameters, median= and p95="},
      {"lognormal(median=75s,median=80s)", "name both parameters"},
      {"lognormal(median=180s,p95=75s)", "p95 must be longer than the median"},
      {"lognormal(median=0s,p95=75s)", "the median must be longer than 0"},
      {"normal(-1s,1s)", "MEAN “-1s”: a duration must not be negative"},
      {"normal(1s,5)", "SD “5”: the unit is missing"},
      {"weibull(0,30d)", "SHAPE “0” must be a number above 0"},
      {"weibull(abc,30d)", "SHAPE “abc” must be a number above 0"},
      {"weibull(1.5s,30d)", "SHAPE “1.5s”"},
      {"weibull(1.5,0s)", "SCALE must be longer than 0"},
  };

  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GError) error = NULL;
    Dist d = {DIST_WEIBULL, 123.0, 456.0}, before = d;

    g_test_message("%s", cases[i].text);
    g_assert_false(dist_parse(cases[i].text, &d, &error));
    g_assert_error(error, DIST_ERROR, DIST_ERROR_PARSE);
    if (strstr(error->message, cases[i].fragment) == NULL)
      g_error("dist_parse(\"%s\"): message “%s” lacks “%s”", cases[i].text, error->message,
              cases[i].fragment);
    /* Field by field: the struct has padding that memcmp would read. */
    g_assert_cmpint(d.kind, ==, before.kind);
    assert_same_double(d.a, before.a);
    assert_same_double(d.b, before.b);
  }
}

static void
test_to_string(void)
{
  /* Canonical texts come back unchanged; others come back in canonical form. */
  static const struct {
    const char *text;
    const char *canonical;
  } cases[] = {
      {"none", "none"},
      {"10s", "10s"},
      {"0", "0s"},
      {"250ms", "250ms"},
      {"exp(30d)", "exp(30d)"},
      {"EXP( 720h )", "exp(30d)"},
      {"uniform(60s,120s)", "uniform(1m,2m)"},
      {"Uniform(1m, 90000ms)", "uniform(1m,90s)"},
      {"lognormal(median=75s,p95=180s)", "lognormal(median=75s,p95=3m)"},
      {"lognormal(p95=120s,median=45s)", "lognormal(median=45s,p95=2m)"},
      {"normal(60s,10s)", "normal(1m,10s)"},
      {"normal(1m,0s)", "normal(1m,0s)"},
      {"weibull(1.5,30d)", "weibull(1.5,30d)"},
      {"weibull(0.70,1h)", "weibull(0.7,1h)"},
      {"weibull(0.00001,1h)", "weibull(0.00001,1h)"},
      {"weibull(123456789.5,1h)", "weibull(123456789.5,1h)"},
  };
  /* Hand-made values that are not whole µs or short decimals. */
  const Dist odd[] = {
      {DIST_LOGNORMAL, log(12345.678), 0.37},
      {DIST_NORMAL, 1234.4, 99.6},
      {DIST_WEIBULL, 1.0 / 3.0, 7e9},
      {DIST_WEIBULL, 1.1, 1e6},
      {DIST_UNIFORM, 0.4, 2.6},
  };

  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    Dist d = parse_ok(cases[i].text);
    g_autofree char *s = dist_to_string(&d);
    g_assert_cmpstr(s, ==, cases[i].canonical);
  }

  for (guint i = 0; i < G_N_ELEMENTS(odd); i++) {
    g_autofree char *s = dist_to_string(&odd[i]);
    Dist d = parse_ok(s);

    g_test_message("%s", s);
    g_assert_cmpint(d.kind, ==, odd[i].kind);
    if (d.kind == DIST_LOGNORMAL) {
      /* Median and p95 each rounded to the µs: 1 µs at most after the round trip. */
      g_assert_cmpfloat(fabs(exp(d.a) - exp(odd[i].a)), <=, 1.0);
      g_assert_cmpfloat(fabs(dist_quantile(&d, 0.95) - dist_quantile(&odd[i], 0.95)), <=, 1.0);
    } else if (d.kind == DIST_WEIBULL) {
      assert_same_double(d.a, odd[i].a); /* the shape is printed in full */
      g_assert_cmpfloat(fabs(d.b - odd[i].b), <=, 0.5);
    } else {
      g_assert_cmpfloat(fabs(d.a - odd[i].a), <=, 0.5);
      g_assert_cmpfloat(fabs(d.b - odd[i].b), <=, 0.5);
    }
  }
}

/* Inter-arrival times of a Poisson process are exponential with mean 1/rate = 3600 s and
 * standard deviation 3600 s; the mean of N = 100000 has standard error 3600 / sqrt(N) =
 * 11.4 s, and the test allows 5 standard errors (57 s). The rounding to whole µs is at most
 * 0.5 µs per draw. Fixed seed, so the result never changes between runs. */
static void
test_poisson(void)
{
  const double rate = 1.0 / 3600.0;
  const int n = 100000;
  DistRng rng;
  dist_rng_seed(&rng, 42, 7);
  gint64 now = 0;
  for (int i = 0; i < n; i++) {
    gint64 next = dist_poisson_next(rate, now, &rng);
    g_assert_cmpint(next, >=, now);
    now = next;
  }
  double mean_s = (double) now / (double) DIST_USEC_PER_SEC / n;
  double se = 3600.0 / sqrt((double) n);
  g_assert_cmpfloat(fabs(mean_s - 3600.0), <, 5 * se);

  g_assert_cmpint(dist_poisson_next(0.0, 5, &rng), ==, DIST_NEVER);
  g_assert_cmpint(dist_poisson_next(-1.0, 5, &rng), ==, DIST_NEVER);
  g_assert_cmpint(dist_poisson_next(NAN, 5, &rng), ==, DIST_NEVER);
  g_assert_cmpint(dist_poisson_next(1.0, DIST_NEVER, &rng), ==, DIST_NEVER);
  /* A mean of 1e300 s overflows any clock. */
  g_assert_cmpint(dist_poisson_next(1e-300, 0, &rng), ==, DIST_NEVER);
  /* A mean of 1000 s from 10 µs before the end of time: overflow unless the draw is under
   * 10 µs, which has probability 1e-8 (and the seed is fixed). */
  g_assert_cmpint(dist_poisson_next(1e-3, G_MAXINT64 - 10, &rng), ==, DIST_NEVER);
}

/* Scaling by f multiplies the mean, the median and every quantile by f and keeps the shape:
 * for each kind, mean(scale(d, f)) = f mean(d), median(scale(d, f)) = f median(d), and the
 * p95/median ratio stays; the medians stated here come from the closed forms: uniform (a+b)/2,
 * exp mean ln 2, lognormal the median it was given, weibull scale (ln 2)^(1/k). */
static void
test_scale(void)
{
  const double s = 1e6;
  struct {
    const char *text;
    double median; /* µs, closed form */
  } cases[] = {
    { "10s", 10 * s },
    { "exp(30s)", 30 * s * G_LN2 },
    { "uniform(3m,8m)", 0.5 * (180 + 480) * s },
    { "lognormal(median=45s,p95=2m)", 45 * s },
    { "normal(60s,10s)", 60 * s },
    { "weibull(1.5,30d)", 30 * 86400 * s * pow(G_LN2, 1 / 1.5) },
  };
  const double factors[] = { 0.25, 2.0 / 3.0, 1.0, 4.0 };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    Dist d;
    g_assert_true(dist_parse(cases[i].text, &d, NULL));
    assert_rel(dist_median(&d), cases[i].median, 1e-6);
    for (guint j = 0; j < G_N_ELEMENTS(factors); j++) {
      double f = factors[j];
      Dist scaled = dist_scale(&d, f);
      g_assert_cmpint(scaled.kind, ==, d.kind);
      assert_rel(dist_mean(&scaled), f * dist_mean(&d), 1e-12);
      assert_rel(dist_median(&scaled), f * cases[i].median, 1e-6);
      assert_rel(dist_quantile(&scaled, 0.95) / dist_median(&scaled),
                 dist_quantile(&d, 0.95) / dist_median(&d), 1e-9);
      /* The text form reads back to the scaled distribution (what an override carries). */
      g_autofree char *text = dist_to_string(&scaled);
      Dist back;
      g_assert_true(dist_parse(text, &back, NULL));
      assert_rel(dist_median(&back), dist_median(&scaled), 1e-6);
    }
  }
  /* "none" has neither mean nor median and stays none. */
  Dist none;
  g_assert_true(dist_parse("none", &none, NULL));
  Dist scaled = dist_scale(&none, 3.0);
  g_assert_cmpint(scaled.kind, ==, DIST_NONE);
  g_assert_true(isinf(dist_median(&scaled)));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);

  g_test_add_func("/zdsim/dist/rng-reference", test_rng_reference);
  g_test_add_func("/zdsim/dist/rng-streams", test_rng_streams);
  g_test_add_func("/zdsim/dist/rng-double", test_rng_double);
  g_test_add_func("/zdsim/dist/rng-below", test_rng_below);
  g_test_add_func("/zdsim/dist/normal-quantile", test_normal_quantile);
  g_test_add_func("/zdsim/dist/closed-forms", test_closed_forms);
  for (guint i = 0; i < G_N_ELEMENTS(sample_cases); i++)
    g_test_add_data_func(sample_cases[i].path, &sample_cases[i], test_sample);
  g_test_add_func("/zdsim/dist/truncated-normal", test_truncated_normal);
  g_test_add_func("/zdsim/dist/sample-draws", test_sample_draws);
  g_test_add_func("/zdsim/dist/sample-clamp", test_sample_clamp);
  g_test_add_func("/zdsim/dist/poisson-next", test_poisson);
  g_test_add_func("/zdsim/dist/parse-good", test_parse_good);
  g_test_add_func("/zdsim/dist/parse-bad", test_parse_bad);
  g_test_add_func("/zdsim/dist/to-string", test_to_string);
  g_test_add_func("/zdsim/dist/scale", test_scale);

  return g_test_run();
}
