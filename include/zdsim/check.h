/* check.h: judging a run against its scenario's [expect] lines and against an earlier run of the
 * same input (a baseline), and writing the verdicts as JUnit XML for CI (`zdsim check`; README,
 * Regression-testing a policy). An expectation ">= X" is judged on the lower end of the metric's
 * 95 % interval and "<= X" on the upper end, never on the mean, so a PASS means the run shows the
 * property with 95 % confidence. Not for running scenarios (run.h), for exit codes and text on a
 * terminal (sim/cli_check.c) or for finding a baseline in the store (store.h). */
#pragma once

#include <glib.h>

#include "zdsim/run.h"
#include "zdsim/scenario.h"
#include "zdsim/stats.h"

G_BEGIN_DECLS

#define CHECK_ERROR (check_error_quark())
GQuark check_error_quark(void);

typedef enum {
  CHECK_ERROR_NO_EXPECTATIONS, /* the scenario has no [expect] section: nothing to check */
  CHECK_ERROR_METRIC,          /* an [expect] line names a metric the run does not compute */
  CHECK_ERROR_IO,              /* the JUnit file cannot be written */
} CheckError;

typedef enum {
  CHECK_EXPECTATION,  /* one [expect] line against the run */
  CHECK_BASELINE,     /* one metric against the same metric of an earlier run */
  CHECK_INPUT_ERROR,  /* a scenario that could not be checked at all (bad file, no [expect]) */
  CHECK_NO_BASELINE,  /* --baseline found no earlier run to compare with: skipped */
} CheckKind;

/* One verdict: one JUnit test case. Every string is owned by the outcome. */
typedef struct {
  CheckKind kind;
  char *scenario;        /* the scenario's name (the file for an input error) */
  char *path;            /* the scenario file */
  char *label;           /* the test's name: "availability >= 99.99%" as written in [expect],
                            or "availability vs baseline" */
  gint line;             /* the [expect] line in @path, 0 when none */
  int metric;            /* a RunMetric, or -1 for an input error */
  gboolean passed;
  char *detail;          /* why, for people: the bound judged, the mean and the interval, and
                            on a failure what got worse and by how much; for an input error
                            the error message */
  double judged;         /* expectation: the bound judged (summary.lo for >=, .hi for <=);
                            baseline: the difference run - baseline, worse side positive */
  double threshold;      /* expectation: the value of the [expect] line in the metric's unit;
                            baseline: the tolerance in the metric's unit */
  StatsSummary summary;  /* the run's figures for the metric (zero for an input error) */
  double wall_s;         /* the run's wall time (JUnit time) */
} CheckOutcome;

void check_outcome_free(CheckOutcome *outcome);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CheckOutcome, check_outcome_free)

/* Refuses a scenario that `zdsim check` cannot judge: one without an [expect] section, or with
 * an [expect] metric the run does not compute. Returns: FALSE with @error (CHECK_ERROR) naming
 * the file and what to add. */
gboolean check_validate(const Scenario *scenario, GError **error);

/* Judges every [expect] line of @result's scenario against @result, in file order.
 * Returns: (transfer full) a GPtrArray of CheckOutcome (it frees them), or NULL with @error
 * when check_validate() refuses the scenario. */
GPtrArray *check_expectations(const RunResult *result, GError **error);

/* Compares every metric of @result with the same metric of @baseline, an earlier run of the
 * same scenario, and fails a metric only when both hold: its difference is significant (the
 * 95 % interval of the difference lies entirely on the worse side) and larger than the
 * tolerance. @tolerance is relative: for availabilities a fraction of the baseline's
 * unavailability (1 - a), for every other metric a fraction of the baseline's mean; 0 fails
 * on any significant worsening. The interval is `zdsim compare`'s (compare_runs()): paired
 * replication by replication when both runs share seed and replications (common random
 * numbers), Welch's otherwise, and for the pooled mean and p95 outage a bootstrap of the
 * difference of the pooled figures. A metric without an interval never fails: the longest
 * outage (one maximum, which [expect] max_outage bounds) or too few replications.
 * Returns: (transfer full) a GPtrArray of CheckOutcome, one per metric, in report order. */
GPtrArray *check_baseline(const RunResult *result, const RunResult *baseline, double tolerance);

/* An outcome for a scenario that could not be checked: @path with @message. Returns: (transfer
 * full). */
CheckOutcome *check_outcome_new_error(const char *path, const char *message);

/* A skipped outcome: @scenario (from @path) has no earlier run to compare with, as @message
 * says. Returns: (transfer full). */
CheckOutcome *check_outcome_new_no_baseline(const char *scenario, const char *path,
                                            const char *message);

/* The line `zdsim check` prints for @outcome, starting with PASS, FAIL, ERROR or SKIP:
 *   "PASS  rolling-2-instances  availability >= 99.99%   lower bound 99.9987 % (...)"
 * with the scenario name padded to @scenario_width and the label to @label_width (0: no
 * padding). Returns: (transfer full). */
char *check_outcome_line(const CheckOutcome *outcome, int scenario_width, int label_width);

/* Raises *@scenario_width and *@label_width to fit @scenario's name and the labels of its
 * expectations, so that the lines of several scenarios line up. */
void check_widths(const Scenario *scenario, int *scenario_width, int *label_width);

/* ---- sweep points and baselines ---- */

/* Marks @outcomes[@from..] as verdicts at the sweep point @point ("app.instances=2
 * policy.evacuation=rolling"; NULL or "" leaves them as they are): each label ends in
 * " at POINT", so every point x expectation is its own JUnit test case. */
void check_outcomes_at_point(GPtrArray *outcomes, guint from, const char *point);

/* check_widths() for the labels check_outcomes_at_point() gives at @point. */
void check_widths_at(const Scenario *scenario, const char *point, int *scenario_width,
                     int *label_width);

/* Whether the override "section.key=value" changes the model a baseline must share: every key
 * does except scenario.replications and scenario.seed (how many samples are drawn, and from
 * which streams: the comparison then is Welch's instead of paired) and scenario.description
 * (text). */
gboolean check_override_changes_model(const char *assignment);

/* Whether two override vectors (NULL-terminated, may be NULL) ask for the same model: the same
 * last value for every key that check_override_changes_model(), in any order. */
gboolean check_same_model_overrides(const char *const *a, const char *const *b);

/* A verdict for a baseline that was required (--require-baseline) and not found: a failed
 * comparison of @scenario (from @path) whose detail is @message. Returns: (transfer full). */
CheckOutcome *check_outcome_new_missing_baseline(const char *scenario, const char *path,
                                                 const char *message);

/* Counts @outcomes (CheckOutcome) by verdict: judged and passed, judged and failed, input
 * errors; a skipped comparison (CHECK_NO_BASELINE) is in none. Any count may be NULL. */
void check_tally(const GPtrArray *outcomes, guint *passed, guint *failed, guint *errors);
/* The skipped comparisons (CHECK_NO_BASELINE) among @outcomes. */
guint check_skipped(const GPtrArray *outcomes);

/* The closing line: "9 expectations in 4 scenarios: 8 passed, 1 failed" and, when any failed,
 * the failed ones by scenario. Returns: (transfer full). */
char *check_summary(const GPtrArray *outcomes);

/* JUnit XML for @outcomes: one <testsuite> per scenario (consecutive outcomes with the same
 * path) and one <testcase> per outcome, failures as <failure>, input errors as <error> and
 * missing baselines as <skipped>.
 * Every text from a scenario file is made valid UTF-8, stripped of characters XML cannot
 * carry and escaped. Returns: (transfer full). */
char *check_junit(const GPtrArray *outcomes);

/* Writes check_junit() to @path atomically. Returns: FALSE with @error (CHECK_ERROR_IO). */
gboolean check_junit_save(const GPtrArray *outcomes, const char *path, GError **error);

G_END_DECLS
