/* cli_check.c: `zdsim check FILE...`: runs each scenario, judges its [expect] lines (and with
 * --baseline compares it with its last stored run), prints PASS or FAIL per verdict and
 * writes JUnit XML for CI; exit 1 when anything fails, 2 on bad input. Not for the verdicts
 * themselves (check.c). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "zdsim/check.h"
#include "zdsim/cli.h"
#include "zdsim/run.h"
#include "zdsim/store.h"
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

/* The closing line and the JUnit file; the exit status follows the verdicts unless the JUnit
 * file cannot be written. */
static int
finish(const CliCommand *cmd, const GPtrArray *outcomes, const char *junit, int status)
{
  g_autofree char *summary = check_summary(outcomes);
  printf("%s\n", summary);
  fflush(stdout);
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

/* Compares @result with its baseline in @store and adds the verdicts to @outcomes; prints
 * every regression, or one line when there is none. Returns: FALSE with @error when the store
 * fails. */
static gboolean
compare_with_baseline(Store *store, const RunResult *result, double tolerance,
                      GPtrArray *outcomes, int scenario_width, int label_width, GError **error)
{
  const Scenario *sc = result->scenario;
  g_autoptr(StoreRun) base = store_find_baseline(store, sc, error);
  if (base == NULL && error != NULL && *error != NULL)
    return FALSE;
  if (base == NULL) {
    g_autofree char *message = g_strdup_printf(
        "no stored run of %s with the same scenario text and overrides in %s: nothing to "
        "compare with (store one with zdsim run --db)",
        sc->name, store_get_path(store));
    CheckOutcome *o = check_outcome_new_no_baseline(sc->name, sc->path, message);
    g_autofree char *line = check_outcome_line(o, scenario_width, label_width);
    printf("%s\n", line);
    g_ptr_array_add(outcomes, o);
    return TRUE;
  }
  g_autoptr(GPtrArray) verdicts = check_baseline(result, base->result, tolerance);
  guint failed = 0;
  for (guint i = 0; i < verdicts->len; i++) {
    const CheckOutcome *o = g_ptr_array_index(verdicts, i);
    if (o->passed)
      continue;
    failed++;
    g_autofree char *line = check_outcome_line(o, scenario_width, label_width);
    printf("%s\n", line);
  }
  const StoreRunInfo *info = base->info;
  printf("%s %s%*s  baseline: run %" G_GINT64_FORMAT " of %s (zdsim %s), %u metrics compared, "
         "%u significantly worse beyond the tolerance\n",
         failed > 0 ? "FAIL " : "PASS ", sc->name,
         MAX(0, scenario_width - (int) g_utf8_strlen(sc->name, -1)), "", info->id,
         info->created, info->version, verdicts->len, failed);
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
  g_auto(GStrv) sets = NULL;
  gboolean force = FALSE, baseline = FALSE;
  GOptionEntry entries[] = {
    { "junit", 0, 0, G_OPTION_ARG_FILENAME, &junit,
      "Also write the verdicts as JUnit XML, one test case per expectation", "FILE" },
    { "baseline", 0, 0, G_OPTION_ARG_NONE, &baseline,
      "Also compare every metric with the last stored run of the same scenario and input",
      NULL },
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
  g_autoptr(GOptionContext) ctx = cli_context(cmd, entries);
  g_option_context_set_description(
      ctx, "Each scenario needs an [expect] section, e.g.\n"
           "  [expect]\n  availability = >= 99.99%\n  max_outage = <= 2m\n"
           "'>= X' is judged on the lower end of the 95 % interval, '<= X' on the upper end.\n"
           "--baseline fails a metric whose difference from the stored run is significant (its\n"
           "95 % interval lies entirely on the worse side) and beyond --tolerance; it reads the\n"
           "database and stores nothing (store baselines with zdsim run).\n"
           "Exit status: 0 all passed, 1 something failed, 2 bad input, 3 internal error.");
  if (!cli_parse(ctx, cmd, &argc, &argv))
    return CLI_USAGE;
  if (argc < 2) {
    fprintf(stderr, "zdsim %s: expected at least one scenario file\n", cmd->name);
    return CLI_USAGE;
  }
  if (junit != NULL && !junit_writable(cmd, junit))
    return CLI_USAGE;
  if (jobs < 0 || replications < 0) {
    fprintf(stderr, "zdsim %s: --jobs and --replications must be positive\n", cmd->name);
    return CLI_USAGE;
  }
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

  /* Every file is loaded and checked for an [expect] section before anything runs: a broken
   * suite is reported at once and whole, not after the scenarios before it have run. */
  g_autoptr(GPtrArray) outcomes = g_ptr_array_new_with_free_func(
      (GDestroyNotify) check_outcome_free);
  g_autoptr(GPtrArray) scenarios = g_ptr_array_new_with_free_func((GDestroyNotify) scenario_free);
  int scenario_width = 0, label_width = 0;
  for (int i = 1; i < argc; i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(Scenario) sc = cli_load_scenario(argv[i], sets, replications, seed, &error);
    if (sc != NULL && check_validate(sc, &error) &&
        (force || run_check_limits(sc, (guint) jobs, &error))) {
      check_widths(sc, &scenario_width, &label_width);
      g_ptr_array_add(scenarios, g_steal_pointer(&sc));
      continue;
    }
    fprintf(stderr, "zdsim %s: %s\n", cmd->name, error->message);
    g_ptr_array_add(outcomes, check_outcome_new_error(argv[i], error->message));
  }
  if (outcomes->len > 0) {
    fprintf(stderr, "zdsim %s: %u of %d scenario files cannot be checked; nothing ran\n",
            cmd->name, outcomes->len, argc - 1);
    return finish(cmd, outcomes, junit, CLI_USAGE);
  }
  /* The baseline's store is opened before the work, so that a bad --db fails at once. */
  g_autoptr(Store) store = NULL;
  if (baseline) {
    g_autoptr(GError) error = NULL;
    store = store_open(cli_db_path(db), STORE_OPEN_READ_ONLY, &error);
    if (store == NULL)
      return cli_error(cmd, error);
  }

  for (guint i = 0; i < scenarios->len; i++) {
    const Scenario *sc = g_ptr_array_index(scenarios, i);
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
    g_autofree char *horizon = format_horizon(sc->horizon);
    printf("== %s (%s): policy %s, %u replications of %s, %.2f s\n", sc->name, sc->path,
           sc->evacuation, sc->replications, horizon, result->wall_s);
    g_autoptr(GPtrArray) verdicts = check_expectations(result, &error);
    g_assert(verdicts != NULL); /* check_validate() passed at load time */
    for (guint k = 0; k < verdicts->len; k++) {
      g_autofree char *line = check_outcome_line(g_ptr_array_index(verdicts, k),
                                                 scenario_width, label_width);
      printf("%s\n", line);
    }
    g_ptr_array_extend_and_steal(outcomes, g_steal_pointer(&verdicts));
    if (store != NULL && !compare_with_baseline(store, result, tolerance, outcomes,
                                                scenario_width, label_width, &error)) {
      fprintf(stderr, "zdsim %s: %s\n", cmd->name, error->message);
      return finish(cmd, outcomes, junit, CLI_USAGE);
    }
    fflush(stdout);
  }

  guint failed;
  check_tally(outcomes, NULL, &failed, NULL);
  return finish(cmd, outcomes, junit, failed > 0 ? CLI_FAILED : CLI_OK);
}
