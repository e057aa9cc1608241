/* test-policy.c: the evacuation policies (sim/policy.c and sim/policy_<name>.c): the registry
 * (lookup by name, policy_names built from the table) and each policy's rule, checked against
 * a closed form or instant by instant: stop-start's evacuations and outages per update,
 * rolling's routing gap and its cost under the process health check, and recreate's
 * one-index-at-a-time rule (with rolling and a deliberately wrong policy showing that the
 * watch has teeth). Tests run from the repository root. */
#include <math.h>
#include <string.h>

#include "zdsim/policy.h"
#include "zdsim/run.h"

#include "model-fixture.h"
#include "policy-stop-first.h"

#define SUITE "scenarios/regression"

/* ---- helpers ---- */

static Scenario *
load_file(const char *path, const char *const *overrides)
{
  g_autoptr(GError) error = NULL;
  Scenario *sc = scenario_load(path, overrides, &error);
  g_assert_no_error(error);
  g_assert_nonnull(sc);
  return sc;
}

/* ---- the registry ---- */

/* Every built-in policy answers to its name and nothing else does; the test policy only once
 * registered (main() registers it before anything runs). */
static void
test_lookup(void)
{
  static const struct {
    const char *name;
    const Policy *policy;
  } cases[] = {
    { "rolling", &policy_rolling },
    { "recreate", &policy_recreate },
    { "stop-start", &policy_stop_start },
    { "rolling-stop-first", &policy_stop_first },
    { "Rolling", NULL },
    { "rolling ", NULL },
    { "stop_start", NULL },
    { "", NULL },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_test_message("'%s'", cases[i].name);
    g_assert_true(policy_lookup(cases[i].name) == cases[i].policy);
  }
  g_assert_null(policy_lookup(NULL));
  for (guint i = 0; i < 3; i++) {
    g_assert_nonnull(cases[i].policy->summary);
    g_assert_nonnull(cases[i].policy->drain_start);
    g_assert_nonnull(cases[i].policy->poll);
    g_assert_nonnull(cases[i].policy->timeout);
  }
}

/* policy_names lists the table: the built-in policies in registry order, each one a name
 * policy_lookup knows, and never the policy registered for tests. */
static void
test_names(void)
{
  const char *names = policy_names();
  g_assert_cmpstr(names, ==, "rolling, recreate, stop-start");
  g_assert_true(policy_names() == names); /* built once */
  g_auto(GStrv) each = g_strsplit(names, ", ", -1);
  for (char **n = each; *n != NULL; n++)
    g_assert_nonnull(policy_lookup(*n));
  g_assert_null(strstr(names, policy_stop_first.name));
}

/* ---- stop-start and rolling against closed forms ---- */

/* The expected evacuations per update of one instance on three cells in three zones when the
 * update walks cells 0, 1, 2 and a moved instance lands on either other cell with
 * probability 1/2 (all zones hold none of the app's instances once its cell drains, and equal
 * scores are a uniform pick). @pi is the distribution of the instance's cell when the update
 * starts; it is advanced to the distribution at the update's end. */
static double
walk_evacuations(double pi[3])
{
  double evac = 0;
  for (int k = 0; k < 3; k++) {
    double moved = pi[k];
    evac += moved;
    pi[k] = 0;
    for (int j = 0; j < 3; j++)
      if (j != k)
        pi[j] += moved / 2;
  }
  return evac;
}

/* stop-start under Poisson updates (3/w), one instance, one cell per zone, and no other
 * tenants (cell_utilization = 0): every cell without the app then has 0 used slots, so the
 * auction's pick among them is uniform, as the walk assumes. (With tenant slots the cell
 * recreated just before is the emptiest and takes the instance: see test-foundation.c.)
 * Each evacuation is
 * an outage of proxy drain (5 s) + shutdown (4 s) + startup (20 s) rounded up to the start's
 * health-poll grid (polls at placement + phi + 2 s k, k >= 0, phi uniform in [0, 2 s): the
 * first poll at or after 20 s is 20 s + phi) = 29 s + phi, since the index is auctioned the
 * moment its container is gone and placed at once. Mean 30 s.
 * The walk above gives 1/3 + 1/2 + 3/4 evacuations for the first update (time 0 places the
 * instance uniformly) and exactly 2 per update in the stationary regime (pi = (2/3, 1/3, 0)
 * at each update's start). */
static void
test_stop_start_walk(void)
{
  const char *extra = "platform.cells=3 platform.azs=3 platform.updates=3/w "
                      "platform.cell_recreate=5m platform.watch_time=30s "
                      "platform.cell_utilization=0 policy.evacuation=stop-start";
  const char *const o[] = { "scenario.replications=300", NULL };
  g_autoptr(Scenario) sc = load(extra, o);
  g_autoptr(RunResult) r = run(sc, 2);

  double pi[3] = { 1.0 / 3, 1.0 / 3, 1.0 / 3 };
  double first = walk_evacuations(pi);
  g_assert_cmpfloat_with_epsilon(first, 1.0 / 3 + 0.5 + 0.75, 1e-12);
  for (int i = 0; i < 200; i++)
    walk_evacuations(pi);
  double stationary = walk_evacuations(pi);
  g_assert_cmpfloat_with_epsilon(stationary, 2.0, 1e-9);
  g_assert_cmpfloat_with_epsilon(pi[0], 2.0 / 3, 1e-9);

  double updates_per_year = 3.0 * 365.0 / 7.0;
  double expected = stationary * updates_per_year - (stationary - first);
  const StatsSummary *e = &r->summary[RUN_EVACUATIONS_PER_YEAR];
  g_test_message("evacuations/year %.2f [%.2f, %.2f], walk %.2f", e->mean, e->lo, e->hi,
                 expected);
  g_assert_cmpfloat(e->lo, <=, expected);
  g_assert_cmpfloat(expected, <=, e->hi);

  /* Per replication, downtime lies in [29 s, 31 s) per evacuation, but for an outage the
   * horizon may cut short (at most one, at most 31 s); pooled, the phases average 1 s
   * (standard error 0.58 s / sqrt(~90,000 evacuations) = 0.002 s). */
  double excess = 0, evacs = 0;
  for (guint rep = 0; rep < r->replications; rep++) {
    double down = rep_value(r, rep, RUN_DOWNTIME_PER_YEAR);
    double evac = rep_value(r, rep, RUN_EVACUATIONS_PER_YEAR);
    g_assert_cmpfloat(down - 29.0 * evac, >=, -31.0 - 1e-6);
    g_assert_cmpfloat(down - 29.0 * evac, <, 2.0 * evac + 1e-6);
    g_assert_cmpfloat(rep_value(r, rep, RUN_LONGEST_OUTAGE), <, 31.0);
    excess += down - 29.0 * evac;
    evacs += evac;
  }
  g_test_message("mean health-poll phase %.4f s, expected 1 s", excess / evacs);
  g_assert_cmpfloat(fabs(excess / evacs - 1.0), <, 0.02);
  /* All of it is the platform update's. */
  g_assert_cmpfloat_with_epsilon(r->cause_summary[CAUSE_PLATFORM_UPDATE].mean,
                                 r->summary[RUN_DOWNTIME_PER_YEAR].mean, 1e-6);
}

/* Other tenants at 0.5: 3 x 20 tenant slots fit on the two cells that work during a drain
 * (80 slots), so no replacement ever lacks room and only the routing gap is left. (At the
 * default 0.7, 84 slots overflow them and a replacement may wait until the timeout.)
 * rolling with a replacement that always becomes healthy (startup 20 s, no failures): the old
 * instance serves until the evacuation poll that sees the replacement RUNNING. The
 * replacement is placed at drain start D and RUNNING at R = D + 20 s + phi (its health polls
 * at D + phi + 2 s k); the drain's polls fall at D + psi + 10 s k (k >= 1, after every other
 * event of the instant), so the old copy stops at the first poll P >= R, and U = P - R =
 * (psi - phi) mod 10 s is uniform on [0, 10 s) since psi is. The only gap is routing: new
 * route at R + reg, old route gone at P + unreg, so an evacuation costs
 * gap = max(0, reg - unreg - U): an outage with probability p = d / 10 s (d = reg - unreg > 0)
 * and a mean gap of d^2 / 20 s, at most d. For d = 0.9 s: p = 0.09, mean 0.0405 s, and
 * E[gap^2] = d^3 / 30 s, so the gap's sd is 0.1505 s. */
static void
test_rolling_routing_gap(void)
{
  const char *extra = "platform.cells=3 platform.azs=3 platform.updates=3/w "
                      "platform.cell_recreate=5m platform.cell_utilization=0.5";
  static const struct {
    const char *reg, *unreg;
    double d;
  } cases[] = {
    { "1s", "100ms", 0.9 },
    { "500ms", "500ms", 0.0 },
    { "0s", "1s", 0.0 },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *reg = g_strdup_printf("platform.registration_lag=%s", cases[i].reg);
    g_autofree char *unreg = g_strdup_printf("platform.unregistration_lag=%s", cases[i].unreg);
    const char *const o[] = { "scenario.replications=50", reg, unreg, NULL };
    g_autoptr(Scenario) sc = load(extra, o);
    g_autoptr(RunResult) r = run(sc, 2);
    double d = cases[i].d, down = 0, evacs = 0, outages = 0;
    for (guint rep = 0; rep < r->replications; rep++) {
      double rd = rep_value(r, rep, RUN_DOWNTIME_PER_YEAR);
      double evac = rep_value(r, rep, RUN_EVACUATIONS_PER_YEAR);
      g_assert_cmpfloat(evac, >, 0);
      g_assert_cmpfloat(rd, <=, d * evac + 1e-6);
      down += rd;
      evacs += evac;
      outages += rep_value(r, rep, RUN_OUTAGES_PER_YEAR);
    }
    double mean_gap = d * d / 20.0, p = d / 10.0;
    double sd_gap = sqrt(d * d * d / 30.0 - mean_gap * mean_gap);
    g_test_message("d=%.1f s: gap per evacuation %.4f s (formula %.4f), outages per "
                   "evacuation %.4f (formula %.4f)", d, down / evacs, mean_gap,
                   outages / evacs, p);
    /* Within 4 standard errors of the formula (the horizon cuts nothing here: the yearly
     * figures are per 365 days of a 365-day horizon). */
    g_assert_cmpfloat(fabs(down / evacs - mean_gap), <=, 4 * sd_gap / sqrt(evacs) + 1e-9);
    g_assert_cmpfloat(fabs(outages / evacs - p), <=, 4 * sqrt(p * (1 - p) / evacs) + 1e-9);
  }
}

/* Tenants at 0.5 as above, so that every replacement finds room.
 * health_check = process makes the replacement RUNNING at its first health poll, D + phi
 * (phi < 2 s), long before the app answers (startup 20 s, at D + 20 s). The drain's first
 * poll, at D + psi + 10 s, sees it RUNNING and stops the old instance, so every evacuation
 * costs 20 s - 10 s - psi = 10 s - psi of no serving instance (the new route is there, but the
 * app refuses connections: a dial error on every attempt): in (0, 10 s], mean 5 s, sd
 * 10 s / sqrt(12) = 2.89 s. */
static void
test_rolling_process_health_check(void)
{
  const char *extra = "platform.cells=3 platform.azs=3 platform.updates=3/w "
                      "platform.cell_recreate=5m platform.cell_utilization=0.5 "
                      "app.health_check=process";
  const char *const o[] = { "scenario.replications=50", NULL };
  g_autoptr(Scenario) sc = load(extra, o);
  g_autoptr(RunResult) r = run(sc, 2);
  double down = 0, evacs = 0;
  for (guint rep = 0; rep < r->replications; rep++) {
    double rd = rep_value(r, rep, RUN_DOWNTIME_PER_YEAR);
    double evac = rep_value(r, rep, RUN_EVACUATIONS_PER_YEAR);
    g_assert_cmpfloat(evac, >, 0);
    g_assert_cmpfloat(rd, <=, 10.0 * evac + 1e-6);
    down += rd;
    evacs += evac;
  }
  g_test_message("process check: %.3f s per evacuation, formula 5 s", down / evacs);
  g_assert_cmpfloat(fabs(down / evacs - 5.0), <=, 4 * (10.0 / sqrt(12.0)) / sqrt(evacs));
  /* With the port check the same updates cost nothing (routing lags are 0 here). */
  const char *const port[] = { "scenario.replications=50", "app.health_check=port", NULL };
  g_autoptr(Scenario) sc2 = load(extra, port);
  g_autoptr(RunResult) r2 = run(sc2, 2);
  g_assert_cmpfloat(r2->summary[RUN_DOWNTIME_PER_YEAR].mean, <=, 0.0);
}

/* ---- recreate's rule, event by event ---- */

typedef struct {
  guint two_copies;   /* instants with an index running two copies */
  guint evacuating;   /* instants with an index holding an evacuating copy */
  guint two_away;     /* instants with more than one index away */
} Violations;

/* Steps @model instant by instant to its horizon and counts the instants that break recreate's
 * promise: an index never has an evacuating copy beside its ordinary container, never two
 * copies STARTING or RUNNING at once (the old one is stopping before the new one is
 * placed), and at most one index is away (no copy RUNNING) at a time. */
static void
step_and_watch(Model *model, Violations *v)
{
  model_start(model);
  gint64 horizon = model->sc->horizon;
  g_autofree guint *copies = g_new0(guint, model->n_index);
  g_autofree guint *running = g_new0(guint, model->n_index);
  while (engine_next_time(model->engine) < horizon) {
    engine_run(model->engine, engine_next_time(model->engine) + 1);
    memset(copies, 0, model->n_index * sizeof(guint));
    memset(running, 0, model->n_index * sizeof(guint));
    for (guint32 c = 0; c < model->n_containers; c++) {
      const Container *k = &model->containers[c];
      if (k->state == CONTAINER_FREE)
        continue;
      copies[k->index] += k->state == CONTAINER_STARTING || k->state == CONTAINER_RUNNING;
      running[k->index] += k->state == CONTAINER_RUNNING;
    }
    guint away = 0, two = 0, evac = 0;
    for (guint i = 0; i < model->desired; i++) {
      /* Away: no copy of the index RUNNING, neither its ordinary container nor an evacuating
       * one (under rolling the old copy runs while the index is STARTING elsewhere). */
      away += running[i] == 0;
      two += copies[i] > 1;
      evac += model->index[i].evacuating != MODEL_NONE;
    }
    v->two_copies += two > 0;
    v->evacuating += evac > 0;
    v->two_away += away > 1;
  }
}

/* The suite's recreate scenario stepped under three policies: recreate keeps its rule at every
 * instant; rolling (start-new-before-stop-old) runs two copies of an index by design; the
 * wrong policy takes both instances away together. The last two show the watch has teeth. */
static void
test_recreate_rule(void)
{
  static const struct {
    const char *policy;
    gboolean two_copies, two_away;
  } cases[] = {
    { "recreate", FALSE, FALSE },
    { "rolling", TRUE, FALSE },
    { "rolling-stop-first", FALSE, TRUE },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *set = g_strdup_printf("policy.evacuation=%s", cases[i].policy);
    /* Ten weeks hold 30 updates on average: every one moves both instances twice. */
    const char *const o[] = { set, "scenario.horizon=10w", NULL };
    g_autoptr(Scenario) sc = load_file(SUITE "/recreate-2-instances.ini", o);
    g_autoptr(ModelCalendar) cal = model_calendar_new(sc);
    Violations v = { 0 };
    guint64 evacuations = 0;
    for (guint rep = 0; rep < 3; rep++) {
      g_autoptr(Model) model = model_new(sc, cal, rep, FALSE);
      step_and_watch(model, &v);
      evacuations += model->result.evacuations;
    }
    g_test_message("%s: %" G_GUINT64_FORMAT " evacuations; instants with two copies %u, "
                   "an evacuating copy %u, two away %u",
                   cases[i].policy, evacuations, v.two_copies, v.evacuating, v.two_away);
    g_assert_cmpuint(evacuations, >, 0);
    g_assert_cmpint(v.two_copies > 0, ==, cases[i].two_copies);
    g_assert_cmpint(v.evacuating > 0, ==, cases[i].two_copies);
    g_assert_cmpint(v.two_away > 0, ==, cases[i].two_away);
  }
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  /* Before any run starts (policy.h). */
  policy_register_for_tests(&policy_stop_first);
  g_test_add_func("/zdsim/policy/lookup", test_lookup);
  g_test_add_func("/zdsim/policy/names", test_names);
  g_test_add_func("/zdsim/policy/stop-start-walk", test_stop_start_walk);
  g_test_add_func("/zdsim/policy/rolling-routing-gap", test_rolling_routing_gap);
  g_test_add_func("/zdsim/policy/rolling-process-health-check",
                  test_rolling_process_health_check);
  g_test_add_func("/zdsim/policy/recreate-rule", test_recreate_rule);
  return g_test_run();
}
