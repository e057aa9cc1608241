/* dist.c: the random number generator, the random distributions and their text form; not
 * for the units inside that text (units.c), calendars or scenario keys. */
#include "zdsim/dist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "zdsim/units.h"

/* z_0.95, the 95th percentile of the standard normal: lognormal(median=M,p95=P) has
 * sigma = ln(P/M) / z_0.95. */
#define Z95 1.6448536269514722

/* The golden-ratio increment of splitmix64 (Steele, Lea and Flood, 2014; Vigna's
 * splitmix64.c). */
#define GOLDEN_GAMMA G_GUINT64_CONSTANT(0x9e3779b97f4a7c15)

GQuark
dist_error_quark(void)
{
  /* No cached static: GLib's quark table is already thread-safe. */
  return g_quark_from_static_string("zdsim-dist-error-quark");
}

/* --- Generator ------------------------------------------------------------------------ */

/* splitmix64's output function (Vigna, splitmix64.c): a bijection of 64-bit words. */
static guint64
splitmix64_mix(guint64 z)
{
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static guint64
splitmix64_next(guint64 *state)
{
  *state += GOLDEN_GAMMA;
  return splitmix64_mix(*state);
}

void
dist_rng_seed(DistRng *rng, guint64 seed, guint64 stream)
{
  /* The stream-th output of splitmix64 started at 0 is mix(stream * gamma), computed here
   * without iterating. It is a bijection of the stream, so distinct streams of one seed get
   * distinct splitmix64 starting points; mix(0) = 0 keeps stream 0 on the reference seeding.
   * XOR (not +) so that stream k is not merely stream 0 shifted by k splitmix64 steps. */
  guint64 state = seed ^ splitmix64_mix(stream * GOLDEN_GAMMA);

  g_return_if_fail(rng != NULL);
  /* Four consecutive splitmix64 outputs come from four distinct states through a bijection,
   * so at most one is zero and the xoshiro state is never all zero. */
  for (guint i = 0; i < G_N_ELEMENTS(rng->s); i++)
    rng->s[i] = splitmix64_next(&state);
}

static inline guint64
rotl64(guint64 x, int k)
{
  return (x << k) | (x >> (64 - k));
}

guint64
dist_rng_next(DistRng *rng)
{
  /* xoshiro256** 1.0 (Blackman and Vigna, "Scrambled linear pseudorandom number
   * generators", 2018; reference code xoshiro256starstar.c). */
  guint64 *s = rng->s;
  const guint64 result = rotl64(s[1] * 5, 7) * 9;
  const guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl64(s[3], 45);
  return result;
}

double
dist_rng_double(DistRng *rng)
{
  /* 52 bits, not 53: k + 0.5 is exact for k < 2^52, whereas with 53 bits (2^53 - 1) + 0.5
   * rounds to 2^53 and the result would be exactly 1.0. */
  return ((double) (dist_rng_next(rng) >> 12) + 0.5) * 0x1p-52;
}

guint64
dist_rng_below(DistRng *rng, guint64 n)
{
  guint64 threshold;

  g_return_val_if_fail(n > 0, 0);
  /* Accept draws in [2^64 mod n, 2^64): a whole number of copies of [0, n), so r % n is
   * exactly uniform (the method of OpenBSD's arc4random_uniform). */
  threshold = (0 - n) % n;
  for (;;) {
    guint64 r = dist_rng_next(rng);
    if (r >= threshold)
      return r % n;
  }
}

/* --- The standard normal ------------------------------------------------------------ */

/* Phi(x), the standard normal CDF, accurate in the lower tail through erfc. */
static double
normal_cdf(double x)
{
  return 0.5 * erfc(-x / G_SQRT2);
}

static double
normal_pdf(double x)
{
  /* 1 / sqrt(2 pi) */
  return 0.39894228040143267794 * exp(-0.5 * x * x);
}

static double
poly7(const double c[8], double x)
{
  return ((((((c[7] * x + c[6]) * x + c[5]) * x + c[4]) * x + c[3]) * x + c[2]) * x + c[1]) *
             x +
         c[0];
}

/* Phi^-1(p): Wichura's algorithm AS 241 (PPND16), Applied Statistics 37 (1988) 477-484,
 * relative accuracy about 1e-16. p <= 0 gives -INFINITY, p >= 1 gives INFINITY. */
static double
normal_quantile(double p)
{
  static const double a[8] = {3.3871328727963666080e0, 1.3314166789178437745e+2,
                              1.9715909503065514427e+3, 1.3731693765509461125e+4,
                              4.5921953931549871457e+4, 6.7265770927008700853e+4,
                              3.3430575583588128105e+4, 2.5090809287301226727e+3};
  static const double b[8] = {1.0,
                              4.2313330701600911252e+1,
                              6.8718700749205790830e+2,
                              5.3941960214247511077e+3,
                              2.1213794301586595867e+4,
                              3.9307895800092710610e+4,
                              2.8729085735721942674e+4,
                              5.2264952788528545610e+3};
  static const double c[8] = {1.42343711074968357734e0, 4.63033784615654529590e0,
                              5.76949722146069140550e0, 3.64784832476320460504e0,
                              1.27045825245236838258e0, 2.41780725177450611770e-1,
                              2.27238449892691845833e-2, 7.74545014278341407640e-4};
  static const double d[8] = {1.0,
                              2.05319162663775882187e0,
                              1.67638483018380384940e0,
                              6.89767334985100004550e-1,
                              1.48103976427480074590e-1,
                              1.51986665636164571966e-2,
                              5.47593808499534494600e-4,
                              1.05075007164441684324e-9};
  static const double e[8] = {6.65790464350110377720e0, 5.46378491116411436990e0,
                              1.78482653991729133580e0, 2.96560571828504891230e-1,
                              2.65321895265761230930e-2, 1.24266094738807843860e-3,
                              2.71155556874348757815e-5, 2.01033439929228813265e-7};
  static const double f[8] = {1.0,
                              5.99832206555887937690e-1,
                              1.36929880922735805310e-1,
                              1.48753612908506148525e-2,
                              7.86869131145613259100e-4,
                              1.84631831751005468180e-5,
                              1.42151175831644588870e-7,
                              2.04426310338993978564e-15};
  double q, r, val;

  if (!(p > 0.0))
    return -INFINITY;
  if (!(p < 1.0))
    return INFINITY;
  q = p - 0.5;
  if (fabs(q) <= 0.425) {
    r = 0.180625 - q * q;
    return q * poly7(a, r) / poly7(b, r);
  }
  r = sqrt(-log(q < 0.0 ? p : 1.0 - p));
  if (r <= 5.0) {
    r -= 1.6;
    val = poly7(c, r) / poly7(d, r);
  } else {
    r -= 5.0;
    val = poly7(e, r) / poly7(f, r);
  }
  return q < 0.0 ? -val : val;
}

/* --- Distributions ------------------------------------------------------------------ */

/* The p-quantile of a normal(mu, sd) truncated to [0, inf). With alpha = -mu/sd the
 * truncated CDF is (Phi(z) - Phi(alpha)) / (1 - Phi(alpha)), so z solves either
 * Phi(z) = Phi(alpha) + p (1 - Phi(alpha)) or 1 - Phi(z) = (1 - p) (1 - Phi(alpha));
 * the smaller of the two probabilities is handed to Phi^-1 so that neither tail loses
 * digits to 1 - x. */
static double
truncated_normal_quantile(double mu, double sd, double p)
{
  double alpha, kept, lower, upper, z;

  if (!(sd > 0.0))
    return MAX(mu, 0.0);
  alpha = -mu / sd;
  kept = normal_cdf(-alpha); /* 1 - Phi(alpha) */
  lower = normal_cdf(alpha) + p * kept;
  upper = (1.0 - p) * kept;
  z = lower <= 0.5 ? normal_quantile(lower) : -normal_quantile(upper);
  return MAX(mu + sd * z, 0.0);
}

double
dist_quantile(const Dist *dist, double p)
{
  g_return_val_if_fail(dist != NULL, NAN);

  switch (dist->kind) {
  case DIST_NONE:
    return INFINITY;
  case DIST_CONSTANT:
    return dist->a;
  case DIST_EXP:
    /* F(x) = 1 - exp(-x/mean) */
    return -dist->a * log1p(-p);
  case DIST_UNIFORM:
    if (!(p > 0.0))
      return dist->a;
    if (!(p < 1.0))
      return dist->b;
    return dist->a + p * (dist->b - dist->a);
  case DIST_LOGNORMAL:
    return exp(dist->a + dist->b * normal_quantile(p));
  case DIST_NORMAL:
    return truncated_normal_quantile(dist->a, dist->b, p);
  case DIST_WEIBULL:
    /* F(x) = 1 - exp(-(x/scale)^k) */
    return dist->b * pow(-log1p(-p), 1.0 / dist->a);
  default:
    g_assert_not_reached();
  }
  return NAN;
}

gint64
dist_sample(const Dist *dist, DistRng *rng)
{
  /* One draw for every kind (see dist.h), even when the value does not depend on it. */
  double u = dist_rng_double(rng);
  double x;

  if (dist->kind == DIST_NONE)
    return DIST_NEVER;
  /* The inverse CDF of one uniform: deterministic in u and increasing in u, so a larger
   * parameter gives a larger draw from the same u. */
  x = dist_quantile(dist, u);
  /* 2^63 itself is not a gint64; everything below it is (the largest double below 2^63 is
   * 2^63 - 1024). NaN lands here too. */
  if (!(x < 0x1p63))
    return DIST_NEVER - 1;
  if (!(x >= 0.5))
    return 0;
  /* llround(x), half away from zero, without the library call (a draw per event, make
   * bench): truncation is exact below 2^63, and so is x - r, since r <= x < r + 1 and, from
   * 2^52 on, every double is a whole number. */
  gint64 r = (gint64) x;
  r += x - (double) r >= 0.5;
  return MIN(r, DIST_NEVER - 1);
}

double
dist_mean(const Dist *dist)
{
  g_return_val_if_fail(dist != NULL, NAN);

  switch (dist->kind) {
  case DIST_NONE:
    return INFINITY;
  case DIST_CONSTANT:
  case DIST_EXP:
    return dist->a;
  case DIST_UNIFORM:
    return 0.5 * (dist->a + dist->b);
  case DIST_LOGNORMAL:
    return exp(dist->a + 0.5 * dist->b * dist->b);
  case DIST_NORMAL: {
    /* Truncated at 0 (Johnson, Kotz and Balakrishnan, Continuous Univariate Distributions
     * vol. 1, 13.10.1): mu + sd phi(alpha) / (1 - Phi(alpha)) with alpha = -mu/sd. */
    double alpha;
    if (!(dist->b > 0.0))
      return MAX(dist->a, 0.0);
    alpha = -dist->a / dist->b;
    return dist->a + dist->b * normal_pdf(alpha) / normal_cdf(-alpha);
  }
  case DIST_WEIBULL:
    return dist->b * tgamma(1.0 + 1.0 / dist->a);
  default:
    g_assert_not_reached();
  }
  return NAN;
}

double
dist_median(const Dist *dist)
{
  g_return_val_if_fail(dist != NULL, NAN);
  return dist_quantile(dist, 0.5);
}

Dist
dist_scale(const Dist *dist, double factor)
{
  g_return_val_if_fail(dist != NULL && factor > 0.0 && isfinite(factor), *dist);
  Dist out = *dist;
  /* Every kind here is a scale family: multiplying its time parameters by the factor
   * multiplies every quantile, and so the mean and the median, by it. The truncated normal
   * too, since truncation at 0 is unchanged by scaling. */
  switch (dist->kind) {
  case DIST_NONE:
    break;
  case DIST_CONSTANT:
  case DIST_EXP:
    out.a = dist->a * factor;
    break;
  case DIST_UNIFORM:
  case DIST_NORMAL:
    out.a = dist->a * factor;
    out.b = dist->b * factor;
    break;
  case DIST_LOGNORMAL:
    /* ln(f X) = ln f + ln X: mu moves, sigma (so the p95/median ratio) stays. */
    out.a = dist->a + log(factor);
    break;
  case DIST_WEIBULL:
    out.b = dist->b * factor;
    break;
  default:
    g_assert_not_reached();
  }
  return out;
}

/* --- Poisson arrivals ---------------------------------------------------------------- */

gint64
dist_poisson_next(double rate_per_s, gint64 now, DistRng *rng)
{
  if (!(rate_per_s > 0.0) || now == DIST_NEVER)
    return DIST_NEVER;
  /* Inverse transform: -ln(U)/rate is exponential with mean 1/rate; U in (0, 1). */
  double delta = -log(dist_rng_double(rng)) / rate_per_s * (double) DIST_USEC_PER_SEC;
  /* 9e18 < G_MAXINT64 ~ 9.22e18 leaves room for llround(); beyond that it is never. */
  if (!(delta < 9.0e18))
    return DIST_NEVER;
  gint64 step = (gint64) llround(delta);
  if (now > 0 && step > G_MAXINT64 - now)
    return DIST_NEVER;
  return now + step;
}

/* --- Small text helpers ------------------------------------------------------------- */

static const char *
skip_space(const char *p)
{
  while (g_ascii_isspace(*p))
    p++;
  return p;
}

/* A duration inside a distribution. dist_parse() promises DIST_ERROR_PARSE whatever part
 * failed, so the units parser's message is carried over into this module's domain. */
static gboolean
parse_duration_part(const char *text, gint64 *out_us, GError **error)
{
  g_autoptr(GError) local = NULL;

  if (units_parse_duration_part(text, out_us, &local))
    return TRUE;
  g_set_error_literal(error, DIST_ERROR, DIST_ERROR_PARSE, local->message);
  return FALSE;
}

/* --- Distribution text -------------------------------------------------------------- */

#define DIST_EXPECTED                                                                      \
  "expected a distribution: a duration like 10s, exp(MEAN), uniform(LOW,HIGH), "           \
  "lognormal(median=M,p95=P), normal(MEAN,SD), weibull(SHAPE,SCALE) or none"

typedef struct {
  const char *name;
  DistKind kind;
  guint nargs;
  const char *usage; /* the form and an example, for messages */
} Form;

static const Form forms[] = {
    {"exp", DIST_EXP, 1, "exp(MEAN), e.g. exp(30d)"},
    {"uniform", DIST_UNIFORM, 2, "uniform(LOW,HIGH), e.g. uniform(60s,120s)"},
    {"lognormal", DIST_LOGNORMAL, 2,
     "lognormal(median=M,p95=P), e.g. lognormal(median=75s,p95=180s)"},
    {"normal", DIST_NORMAL, 2, "normal(MEAN,SD), e.g. normal(60s,10s)"},
    {"weibull", DIST_WEIBULL, 2, "weibull(SHAPE,SCALE), e.g. weibull(1.5,30d)"},
};

/* Parses argument @arg (trimmed) named @what as a duration; the message names the part. */
static gboolean
parse_arg_duration(const char *arg, const char *what, gint64 *out, GError **error)
{
  if (!parse_duration_part(arg, out, error)) {
    g_prefix_error(error, "%s “%s”: ", what, arg);
    return FALSE;
  }
  return TRUE;
}

/* Splits "key=value" when @arg starts with @key (any case); NULL otherwise. */
static const char *
keyed_value(const char *arg, const char *key)
{
  gsize n = strlen(key);
  const char *p;

  if (g_ascii_strncasecmp(arg, key, n) != 0)
    return NULL;
  p = skip_space(arg + n);
  if (*p != '=')
    return NULL;
  return skip_space(p + 1);
}

static gboolean
parse_form(const Form *form, char **args, Dist *out, GError **error)
{
  gint64 x = 0, y = 0;

  switch (form->kind) {
  case DIST_EXP:
    if (!parse_arg_duration(args[0], "MEAN", &x, error))
      return FALSE;
    if (x <= 0) {
      g_set_error(error, DIST_ERROR, DIST_ERROR_PARSE,
                  "MEAN must be longer than 0 (use 0s for always 0); expected %s", form->usage);
      return FALSE;
    }
    *out = (Dist) {DIST_EXP, (double) x, 0.0};
    return TRUE;
  case DIST_UNIFORM:
    if (!parse_arg_duration(args[0], "LOW", &x, error) ||
        !parse_arg_duration(args[1], "HIGH", &y, error))
      return FALSE;
    if (x > y) {
      g_set_error(error, DIST_ERROR, DIST_ERROR_PARSE, "LOW must not exceed HIGH; expected %s",
                  form->usage);
      return FALSE;
    }
    *out = (Dist) {DIST_UNIFORM, (double) x, (double) y};
    return TRUE;
  case DIST_LOGNORMAL: {
    const char *median = NULL, *p95 = NULL;
    for (guint i = 0; i < 2; i++) {
      const char *v;
      if ((v = keyed_value(args[i], "median")) != NULL && median == NULL)
        median = v;
      else if ((v = keyed_value(args[i], "p95")) != NULL && p95 == NULL)
        p95 = v;
    }
    if (median == NULL || p95 == NULL) {
      g_set_error(error, DIST_ERROR, DIST_ERROR_PARSE,
                  "name both parameters, median= and p95=; expected %s", form->usage);
      return FALSE;
    }
    if (!parse_arg_duration(median, "median", &x, error) ||
        !parse_arg_duration(p95, "p95", &y, error))
      return FALSE;
    if (x <= 0) {
      g_set_error(error, DIST_ERROR, DIST_ERROR_PARSE,
                  "the median must be longer than 0; expected %s", form->usage);
      return FALSE;
    }
    if (y <= x) {
      g_set_error(error, DIST_ERROR, DIST_ERROR_PARSE,
                  "p95 must be longer than the median; expected %s", form->usage);
      return FALSE;
    }
    /* ln X ~ N(mu, sigma): the median is exp(mu), the 95th percentile exp(mu + z95 sigma). */
    *out = (Dist) {DIST_LOGNORMAL, log((double) x), log((double) y / (double) x) / Z95};
    return TRUE;
  }
  case DIST_NORMAL:
    if (!parse_arg_duration(args[0], "MEAN", &x, error) ||
        !parse_arg_duration(args[1], "SD", &y, error))
      return FALSE;
    *out = (Dist) {DIST_NORMAL, (double) x, (double) y};
    return TRUE;
  case DIST_WEIBULL: {
    const char *p = args[0];
    double shape = 0.0;
    if (!units_scan_number(&p, &shape) || *skip_space(p) != '\0' || !(shape > 0.0)) {
      g_set_error(error, DIST_ERROR, DIST_ERROR_PARSE,
                  "SHAPE “%s” must be a number above 0, like 1.5; expected %s", args[0],
                  form->usage);
      return FALSE;
    }
    if (!parse_arg_duration(args[1], "SCALE", &y, error))
      return FALSE;
    if (y <= 0) {
      g_set_error(error, DIST_ERROR, DIST_ERROR_PARSE,
                  "SCALE must be longer than 0; expected %s", form->usage);
      return FALSE;
    }
    *out = (Dist) {DIST_WEIBULL, shape, (double) y};
    return TRUE;
  }
  case DIST_NONE:
  case DIST_CONSTANT:
  default:
    g_assert_not_reached();
  }
  return FALSE;
}

static gboolean
parse_dist_body(const char *text, Dist *out, GError **error)
{
  const char *open, *close, *p;
  g_autofree char *name = NULL;
  g_autofree char *inner = NULL;
  g_auto(GStrv) args = NULL;
  const Form *form = NULL;

  if (*text == '\0') {
    g_set_error(error, DIST_ERROR, DIST_ERROR_PARSE, "empty; " DIST_EXPECTED);
    return FALSE;
  }
  if (g_ascii_strcasecmp(text, "none") == 0) {
    *out = (Dist) {DIST_NONE, 0.0, 0.0};
    return TRUE;
  }
  open = strchr(text, '(');
  if (open == NULL) {
    gint64 us;
    /* Something that starts like a number is meant as a duration: its own message is
     * the more useful one. */
    if (!g_ascii_isdigit(*text) && *text != '-' && *text != '.') {
      g_set_error(error, DIST_ERROR, DIST_ERROR_PARSE, DIST_EXPECTED);
      return FALSE;
    }
    if (!parse_duration_part(text, &us, error))
      return FALSE;
    *out = (Dist) {DIST_CONSTANT, (double) us, 0.0};
    return TRUE;
  }
  name = g_strstrip(g_strndup(text, (gsize) (open - text)));
  for (guint i = 0; i < G_N_ELEMENTS(forms); i++)
    if (g_ascii_strcasecmp(name, forms[i].name) == 0)
      form = &forms[i];
  if (form == NULL) {
    g_set_error(error, DIST_ERROR, DIST_ERROR_PARSE,
                "unknown distribution “%s”; " DIST_EXPECTED, name);
    return FALSE;
  }
  close = strchr(open, ')');
  if (close == NULL) {
    g_set_error(error, DIST_ERROR, DIST_ERROR_PARSE, "the closing “)” is missing; expected %s",
                form->usage);
    return FALSE;
  }
  p = skip_space(close + 1);
  if (*p != '\0') {
    g_set_error(error, DIST_ERROR, DIST_ERROR_PARSE,
                "unexpected “%s” after “)”; expected %s", p, form->usage);
    return FALSE;
  }
  inner = g_strndup(open + 1, (gsize) (close - open - 1));
  args = g_strsplit(inner, ",", -1);
  if (g_strv_length(args) != form->nargs) {
    g_set_error(error, DIST_ERROR, DIST_ERROR_PARSE, "%s takes %u parameter%s; expected %s",
                form->name, form->nargs, form->nargs == 1 ? "" : "s", form->usage);
    return FALSE;
  }
  for (guint i = 0; args[i] != NULL; i++)
    g_strstrip(args[i]);
  return parse_form(form, args, out, error);
}

gboolean
dist_parse(const char *text, Dist *out, GError **error)
{
  g_autofree char *t = NULL;
  Dist parsed;

  g_return_val_if_fail(text != NULL, FALSE);
  g_return_val_if_fail(out != NULL, FALSE);
  t = g_strstrip(g_strdup(text));
  if (!parse_dist_body(t, &parsed, error)) {
    /* The text read, so that a caller's "file:line: key: " prefix completes the story. */
    if (*t != '\0')
      g_prefix_error(error, "%s: ", t);
    return FALSE;
  }
  *out = parsed;
  return TRUE;
}

/* A duration parameter held as a double, rounded to the µs for printing. */
static char *
format_param(double us)
{
  if (!(us < 0x1p63))
    return units_format_duration(DIST_NEVER - 1);
  return units_format_duration(us > 0.0 ? llround(us) : 0);
}

char *
dist_to_string(const Dist *dist)
{
  g_autofree char *x = NULL;
  g_autofree char *y = NULL;

  g_return_val_if_fail(dist != NULL, NULL);

  switch (dist->kind) {
  case DIST_NONE:
    return g_strdup("none");
  case DIST_CONSTANT:
    return format_param(dist->a);
  case DIST_EXP:
    x = format_param(dist->a);
    return g_strdup_printf("exp(%s)", x);
  case DIST_UNIFORM:
    x = format_param(dist->a);
    y = format_param(dist->b);
    return g_strdup_printf("uniform(%s,%s)", x, y);
  case DIST_LOGNORMAL:
    /* Back to the parameters the user wrote; each rounded to the nearest µs. */
    x = format_param(exp(dist->a));
    y = format_param(exp(dist->a + Z95 * dist->b));
    return g_strdup_printf("lognormal(median=%s,p95=%s)", x, y);
  case DIST_NORMAL:
    x = format_param(dist->a);
    y = format_param(dist->b);
    return g_strdup_printf("normal(%s,%s)", x, y);
  case DIST_WEIBULL:
    x = units_format_number(dist->a);
    y = format_param(dist->b);
    return g_strdup_printf("weibull(%s,%s)", x, y);
  default:
    g_assert_not_reached();
  }
  return NULL;
}
