/* cli_check.c: `zdsim check FILE...`: runs each scenario, judges its [expect] lines (and with
 * --baseline compares it with its last stored run), prints PASS or FAIL per verdict and
 * writes JUnit XML for CI; exit 1 when anything fails, 2 on bad input. Not for the verdicts
 * themselves (check.c). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "zdsim/check.h"
#include "zdsim/cli.h"
#include "zdsim/document.h"
#include "zdsim/run.h"
#include "zdsim/store.h"
#include "zdsim/sweep.h"
#include "zdsim/units.h"

/* "365 d", "12 h": a horizon for the header line of a scenario. */
static char *
format_horizon(gint64 horizon)
{
  double s = (double) horizon / DIST_USEC_PER_SEC;
  if (s >= 86400)
    return g_strdup_printf("%g d", s / 86400);
  return g_strdup_printf("%g h", s / 3600);
}

/* kind,scenario,path,line,label,metric,passed,judged,threshold: one line per outcome.
 * Returns: (transfer full). */
static char *
outcomes_csv(const GPtrArray *outcomes)
{
  static const char *const kinds[] = {
    [CHECK_EXPECTATION] = "expectation",
    [CHECK_BASELINE] = "baseline",
    [CHECK_INPUT_ERROR] = "input-error",
    [CHECK_NO_BASELINE] = "no-baseline",
  };
  GString *out = g_string_new("kind,scenario,path,line,label,metric,passed,judged,threshold\n");
  for (guint i = 0; i < outcomes->len; i++) {
    const CheckOutcome *o = g_ptr_array_index(outcomes, i);
    const char *fields[] = { o->scenario, o->path, o->label };
    g_string_append(out, kinds[o->kind]);
    for (guint f = 0; f < G_N_ELEMENTS(fields); f++) {
      const char *t = fields[f] != NULL ? fields[f] : "";
      g_string_append_c(out, ',');
      if (f == 2)
        g_string_append_printf(out, "%d,", o->line);
      /* RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
      if (strpbrk(t, ",\"\r\n") != NULL) {
        g_string_append_c(out, '"');
        for (const char *c = t; *c != '\0'; c++) {
          if (*c == '"')
            g_string_append_c(out, '"');
          g_string_append_c(out, *c);
        }
        g_string_append_c(out, '"');
      } else {
        g_string_append(out, t);
      }
    }
    g_string_append_printf(out, ",%s,%s,%.10g,%.10g\n",
                           o->metric >= 0 ? run_metric_name((RunMetric) o->metric) : "",
                           o->passed ? "yes" : "no", o->judged, o->threshold);
  }
  return g_string_free(out, FALSE);
}

/* The closing line for people, or the whole check as JSON (document_check()) or CSV. */
static int
print_outcomes(const CliCommand *cmd, const CliOutput *output, const GPtrArray *outcomes,
               double wall_s)
{
  if (output->json) {
    g_autoptr(JsonNode) doc = document_check(outcomes, wall_s, !output->no_timing);
    return cli_print_document(cmd, doc);
  }
  g_autofree char *text = NULL;
  if (output->csv) {
    text = outcomes_csv(outcomes);
  } else {
    g_autofree char *summary = check_summary(outcomes);
    text = g_strconcat(summary, "\n", NULL);
  }
  return cli_print_text(cmd, text);
}

/* The closing line and the JUnit file; the exit status follows the verdicts unless the JUnit
 * file cannot be written. */
static int
finish(const CliCommand *cmd, const GPtrArray *outcomes, const char *junit, int status,
       const CliOutput *output, double wall_s)
{
  int printed = print_outcomes(cmd, output, outcomes, wall_s);
  if (printed != CLI_OK)
    return printed;
  if (junit != NULL) {
    g_autoptr(GError) error = NULL;
    if (!check_junit_save(outcomes, junit, &error)) {
      fprintf(stderr, "zdsim %s: %s: %s\n", cmd->name, junit, error->message);
      return CLI_USAGE;
    }
  }
  return status;
}

/* Whether the JUnit file can be written where @path says, checked before anything runs: a
 * wrong path must not cost the whole suite's run. check_junit_save() writes a temporary file
 * beside it and renames it, so its directory must exist and take new files. FALSE with a
 * message on stderr. */
static gboolean
junit_writable(const CliCommand *cmd, const char *path)
{
  g_autofree char *dir = g_path_get_dirname(path);
  const char *why = NULL;
  if (g_file_test(path, G_FILE_TEST_IS_DIR))
    why = "it is a directory";
  else if (!g_file_test(dir, G_FILE_TEST_IS_DIR))
    why = "its directory does not exist";
  else if (access(dir, W_OK) != 0)
    why = g_strerror(errno);
  if (why == NULL)
    return TRUE;
  fprintf(stderr, "zdsim %s: --junit %s: cannot write the JUnit file there (%s); nothing ran\n",
          cmd->name, path, why);
  return FALSE;
}

/* --tolerance: "10%" or a fraction "0.1", at least 0. */
static gboolean
parse_tolerance(const char *text, double *out, GError **error)
{
  g_autofree char *t = g_strstrip(g_strdup(text));
  if (g_str_has_suffix(t, "%"))
    return units_parse_percent(t, out, error);
  char *end = NULL;
  double v = g_ascii_strtod(t, &end);
  if (*t == '\0' || end == NULL || *end != '\0' || !(v >= 0) || !isfinite(v)) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "--tolerance: expected a share of the baseline such as 10%% or 0.1, got '%s'",
                text);
    return FALSE;
  }
  *out = v;
  return TRUE;
}

/* One run `zdsim check` makes: a scenario, or one point of its [sweep]. */
typedef struct {
  Scenario *scenario;
  char *point; /* "app.instances=2 policy.evacuation=rolling", or NULL for a scenario without
                  [sweep] */
} CheckJob;

static void
check_job_free(CheckJob *job)
{
  if (job->scenario != NULL)
    scenario_free(job->scenario);
  g_free(job->point);
  g_free(job);
}

/* The last stored run a run of @sc is judged against: the newest run of the same scenario name
 * and text (by SHA-256) whose overrides ask for the same model (check_same_model_overrides():
 * --set scenario.replications=..., --replications, --seed and scenario.description do not
 * count); a run of a stored sweep qualifies when its point is the same. Returns: (transfer
 * full) the run; NULL with @error unset when there is none, NULL with @error when the store
 * fails. */
static StoreRun *
find_baseline(Store *store, const Scenario *sc, GError **error)
{
  g_autoptr(GPtrArray) runs = store_list_runs(store, 0, sc->name, 0, error);
  if (runs == NULL)
    return NULL;
  g_autofree char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, sc->text, -1);
  for (guint i = 0; i < runs->len; i++) {
    const StoreRunInfo *info = g_ptr_array_index(runs, i);
    if (g_strcmp0(info->scenario_sha256, hash) == 0 &&
        check_same_model_overrides((const char *const *) info->overrides,
                                   (const char *const *) sc->overrides))
      return store_load_run(store, info->id, error);
  }
  return NULL;
}

/* Compares @result with its baseline (@chosen, or the one found in @store) and adds the
 * verdicts to @outcomes, labelled at @point; prints every regression once, then one line
 * saying what was compared. A missing baseline is skipped, or with @require a failure.
 * Returns: FALSE with @error when the store fails. */
static gboolean
compare_with_baseline(Store *store, const StoreRun *chosen, gboolean require,
                      const RunResult *result, const char *point, double tolerance,
                      GPtrArray *outcomes, int scenario_width, int label_width, gboolean print,
                      GError **error)
{
  const Scenario *sc = result->scenario;
  g_autoptr(StoreRun) found = NULL;
  const StoreRun *base = chosen;
  if (base == NULL) {
    found = find_baseline(store, sc, error);
    if (found == NULL && error != NULL && *error != NULL)
      return FALSE;
    base = found;
  }
  guint first = outcomes->len;
  if (base == NULL) {
    g_autofree char *message = g_strdup_printf(
        "no stored run of %s with the same scenario text and model overrides in %s: nothing "
        "to compare with (store one with zdsim run --db, or zdsim sweep --db for a [sweep])",
        sc->name, store_get_path(store));
    CheckOutcome *o = require ? check_outcome_new_missing_baseline(sc->name, sc->path, message)
                              : check_outcome_new_no_baseline(sc->name, sc->path, message);
    g_ptr_array_add(outcomes, o);
    check_outcomes_at_point(outcomes, first, point);
    g_autofree char *line = check_outcome_line(o, scenario_width, label_width);
    if (print)
      printf("%s\n", line);
    return TRUE;
  }
  g_autoptr(GPtrArray) verdicts = check_baseline(result, base->result, tolerance);
  check_outcomes_at_point(verdicts, 0, point);
  guint failed = 0;
  for (guint i = 0; i < verdicts->len; i++) {
    const CheckOutcome *o = g_ptr_array_index(verdicts, i);
    if (o->passed)
      continue;
    failed++;
    g_autofree char *line = check_outcome_line(o, scenario_width, label_width);
    if (print)
      printf("%s\n", line);
  }
  /* What was compared: a PASS line when nothing got worse; after FAIL lines, a note without a
   * verdict, so that each failure is printed once and counted once. */
  const StoreRunInfo *info = base->info;
  if (print)
    printf("%s %s%*s  baseline%s%s: run %" G_GINT64_FORMAT " of %s (zdsim %s), %u metrics "
           "compared, %u significantly worse beyond the tolerance\n",
           failed > 0 ? "     " : "PASS ", sc->name,
           MAX(0, scenario_width - (int) g_utf8_strlen(sc->name, -1)), "",
           point != NULL ? " at " : "", point != NULL ? point : "", info->id, info->created,
           info->version, verdicts->len, failed);
  g_ptr_array_extend_and_steal(outcomes, g_steal_pointer(&verdicts));
  return TRUE;
}

int
cli_check(const CliCommand *cmd, int argc, char **argv)
{
  /* First of all: a SIGTERM or Ctrl-C that arrives while the files load or the store opens
   * must be handled like one during the work (stop, store nothing, 128 + signal). */
  cli_signals_install();
  int replications = 0, jobs = 0;
  g_autofree char *seed = NULL;
  g_autofree char *junit = NULL;
  g_autofree char *db = NULL;
  g_autofree char *tolerance_text = NULL;
  g_autofree char *baseline_run_text = NULL;
  g_auto(GStrv) sets = NULL;
  gboolean force = FALSE, baseline = FALSE, require_baseline = FALSE;
  GOptionEntry entries[] = {
    { "junit", 0, 0, G_OPTION_ARG_FILENAME, &junit,
      "Also write the verdicts as JUnit XML, one test case per expectation (per sweep point)",
      "FILE" },
    { "baseline", 0, 0, G_OPTION_ARG_NONE, &baseline,
      "Also compare every metric with the last stored run of the same scenario and model",
      NULL },
    { "baseline-run", 0, 0, G_OPTION_ARG_STRING, &baseline_run_text,
      "Compare with this stored run (an id from zdsim list) instead; one scenario file without "
      "[sweep]; implies --baseline",
      "ID" },
    { "require-baseline", 0, 0, G_OPTION_ARG_NONE, &require_baseline,
      "A missing baseline is a failure (exit 1) instead of a skip; implies --baseline", NULL },
    { "tolerance", 0, 0, G_OPTION_ARG_STRING, &tolerance_text,
      "With --baseline: ignore a significant worsening up to this share of the baseline "
      "(of the unavailability for availabilities); default 0",
      "X" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db,
      "With --baseline: the database (default: $ZDSIM_DB, else zdsim.db)", "FILE" },
    { "replications", 'r', 0, G_OPTION_ARG_INT, &replications,
      "Replications (overrides scenario.replications)", "N" },
    { "seed", 's', 0, G_OPTION_ARG_STRING, &seed, "Master seed (overrides scenario.seed)", "S" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Worker threads (default: one per core)", "J" },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets,
      "Override a key in every scenario, e.g. policy.evacuation=recreate", "SECTION.KEY=VALUE" },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, "Run even a scenario over the size limits",
      NULL },
    G_OPTION_ENTRY_NULL,
  };
  CliOutput output = { 0 };
  replications = CLI_UNSET;
  g_autoptr(GOptionContext) ctx = cli_context(cmd, entries);
  cli_output_add_options(ctx, &output, CLI_OUTPUT_ALL);
  g_option_context_set_description(
      ctx, "Each scenario needs an [expect] section, e.g.\n"
           "  [expect]\n  availability = >= 99.99%\n  max_outage = <= 2m\n"
           "'>= X' is judged on the lower end of the 95 % interval, '<= X' on the upper end.\n"
           "A scenario with a [sweep] section is judged at every point of it.\n"
           "--baseline fails a metric whose difference from the stored run is significant (its\n"
           "95 % interval lies entirely on the worse side) and beyond --tolerance. The baseline\n"
           "is the newest stored run of the same scenario name and text whose overrides set\n"
           "the same model: --set scenario.replications, --replications, --seed and\n"
           "scenario.description are ignored, every other override must match (in any\n"
           "order); a stored sweep's run counts for the same point. check reads the database\n"
           "and stores nothing (store baselines with zdsim run, or zdsim sweep for a [sweep]).\n"
           "Exit status: 0 all passed, 1 something failed, 2 bad input, 3 internal error.");
  if (!cli_parse(ctx, cmd, &argc, &argv))
    return CLI_USAGE;
  if (argc < 2) {
    fprintf(stderr, "zdsim %s: expected at least one scenario file\n", cmd->name);
    return CLI_USAGE;
  }
  if (junit != NULL && !junit_writable(cmd, junit))
    return CLI_USAGE;
  if (!cli_check_counts(cmd, replications, jobs) || !cli_output_check(cmd, &output))
    return CLI_USAGE;
  baseline = baseline || require_baseline || baseline_run_text != NULL;
  gint64 baseline_run = 0;
  if (baseline_run_text != NULL) {
    g_autoptr(GError) error = NULL;
    if (!store_parse_id(baseline_run_text, "run", &baseline_run, &error)) {
      fprintf(stderr, "zdsim %s: --baseline-run: %s\n", cmd->name, error->message);
      return CLI_USAGE;
    }
    if (argc != 2) {
      fprintf(stderr, "zdsim %s: --baseline-run names the baseline of one scenario: give one "
                      "scenario file, not %d\n", cmd->name, argc - 1);
      return CLI_USAGE;
    }
  }
  /* People read PASS and FAIL lines as the scenarios run; --json and --csv print it all at
   * the end, as one document. */
  gboolean print = !output.json && !output.csv;
  double wall_s = 0;
  double tolerance = 0;
  if (tolerance_text != NULL || db != NULL) {
    if (!baseline) {
      fprintf(stderr, "zdsim %s: --tolerance and --db only apply with --baseline\n", cmd->name);
      return CLI_USAGE;
    }
    g_autoptr(GError) error = NULL;
    if (tolerance_text != NULL && !parse_tolerance(tolerance_text, &tolerance, &error))
      return cli_error(cmd, error);
  }

  /* Every file is loaded and checked for an [expect] section, and every sweep point loaded,
   * before anything runs: a broken suite is reported at once and whole, not after the
   * scenarios before it have run. */
  g_autoptr(GPtrArray) outcomes = g_ptr_array_new_with_free_func(
      (GDestroyNotify) check_outcome_free);
  g_autoptr(GPtrArray) work = g_ptr_array_new_with_free_func((GDestroyNotify) check_job_free);
  int scenario_width = 0, label_width = 0;
  for (int i = 1; i < argc; i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(Scenario) sc = cli_load_scenario(argv[i], sets, replications, seed, &error);
    g_autoptr(GPtrArray) points = sc != NULL ? scenario_sweep_points(sc) : NULL;
    gboolean ok = sc != NULL && check_validate(sc, &error);
    if (ok && baseline_run > 0 && sc->sweep->len > 0) {
      g_set_error(&error, CHECK_ERROR, CHECK_ERROR_NO_EXPECTATIONS,
                  "%s: --baseline-run names one run, and this scenario's [sweep] makes %u; "
                  "use --baseline to find each point's own",
                  argv[i], points->len);
      ok = FALSE;
    }
    g_autoptr(GPtrArray) file_jobs =
        g_ptr_array_new_with_free_func((GDestroyNotify) check_job_free);
    if (ok && sc->sweep->len == 0) {
      CheckJob *job = g_new0(CheckJob, 1);
      job->scenario = g_steal_pointer(&sc);
      g_ptr_array_add(file_jobs, job);
      ok = force || run_check_limits(job->scenario, (guint) jobs, &error);
      if (ok)
        check_widths_at(job->scenario, NULL, &scenario_width, &label_width);
    }
    for (guint p = 0; ok && sc != NULL && p < points->len; p++) {
      const char *const *point = g_ptr_array_index(points, p);
      CheckJob *job = g_new0(CheckJob, 1);
      g_ptr_array_add(file_jobs, job);
      job->scenario = sweep_point_scenario(sc, point, &error);
      job->point = sweep_point_label(point);
      ok = job->scenario != NULL &&
           (force || run_check_limits(job->scenario, (guint) jobs, &error));
      if (ok)
        check_widths_at(job->scenario, job->point, &scenario_width, &label_width);
    }
    if (ok) {
      g_ptr_array_extend_and_steal(work, g_steal_pointer(&file_jobs));
      continue;
    }
    fprintf(stderr, "zdsim %s: %s\n", cmd->name, error->message);
    g_ptr_array_add(outcomes, check_outcome_new_error(argv[i], error->message));
  }
  if (outcomes->len > 0) {
    fprintf(stderr, "zdsim %s: %u of %d scenario files cannot be checked; nothing ran\n",
            cmd->name, outcomes->len, argc - 1);
    return finish(cmd, outcomes, junit, CLI_USAGE, &output, wall_s);
  }
  /* The baseline's store (and a named baseline run) is opened before the work, so that a bad
   * --db or --baseline-run fails at once. */
  g_autoptr(Store) store = NULL;
  g_autoptr(StoreRun) chosen = NULL;
  if (baseline) {
    g_autoptr(GError) error = NULL;
    if (!cli_db_check(db, &error))
      return cli_error(cmd, error);
    store = store_open(cli_db_path(db), STORE_OPEN_READ_ONLY, &error);
    if (store == NULL)
      return cli_error(cmd, error);
    if (baseline_run > 0) {
      chosen = store_load_run(store, baseline_run, &error);
      if (chosen == NULL)
        return cli_error(cmd, error);
    }
  }

  for (guint i = 0; i < work->len; i++) {
    const CheckJob *job = g_ptr_array_index(work, i);
    const Scenario *sc = job->scenario;
    CliProgress progress;
    cli_progress_init(&progress, sc->name);
    RunOptions options = {
      .jobs = (guint) jobs,
      .progress = cli_progress_func(),
      .progress_data = &progress,
      .cancel = cli_cancel_flag(),
    };
    g_autoptr(GError) error = NULL;
    g_autoptr(RunResult) result = run_execute(sc, &options, &error);
    if (result == NULL) {
      fprintf(stderr, "zdsim %s: %s: %s\n", cmd->name, sc->path, error->message);
      int code = cli_signal_exit_code();
      return code != 0 ? code : CLI_INTERNAL;
    }
    wall_s += result->wall_s;
    g_autofree char *horizon = format_horizon(sc->horizon);
    /* The wall time only with timing: --no-timing makes the same check print the same. */
    g_autofree char *took = output.no_timing ? g_strdup("")
                                             : g_strdup_printf(", %.2f s", result->wall_s);
    if (print)
      printf("== %s%s%s (%s): policy %s, %u replications of %s%s\n", sc->name,
             job->point != NULL ? " at " : "", job->point != NULL ? job->point : "", sc->path,
             sc->evacuation, sc->replications, horizon, took);
    g_autoptr(GPtrArray) verdicts = check_expectations(result, &error);
    g_assert(verdicts != NULL); /* check_validate() passed at load time */
    check_outcomes_at_point(verdicts, 0, job->point);
    for (guint k = 0; k < verdicts->len; k++) {
      g_autofree char *line = check_outcome_line(g_ptr_array_index(verdicts, k),
                                                 scenario_width, label_width);
      if (print)
        printf("%s\n", line);
    }
    g_ptr_array_extend_and_steal(outcomes, g_steal_pointer(&verdicts));
    if (store != NULL &&
        !compare_with_baseline(store, chosen, require_baseline, result, job->point, tolerance,
                               outcomes, scenario_width, label_width, print, &error)) {
      fprintf(stderr, "zdsim %s: %s\n", cmd->name, error->message);
      return finish(cmd, outcomes, junit, CLI_USAGE, &output, wall_s);
    }
    fflush(stdout);
  }

  guint failed;
  check_tally(outcomes, NULL, &failed, NULL);
  return finish(cmd, outcomes, junit, failed > 0 ? CLI_FAILED : CLI_OK, &output, wall_s);
}
