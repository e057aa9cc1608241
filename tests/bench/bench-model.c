/* bench-model.c: the speed of the model (make bench): runs a scenario's replications with
 * run_execute() as `zdsim run` does, without the report or the store, and prints events per
 * second, replication-years per second, time per event and the process's peak memory as rows
 * for tests/bench/bench.sh. Not a test: it checks nothing and is never part of make test.
 *
 *   bench-model [--id ID] [--label TEXT] [--jobs 1,2] [--repeat K] [--min-seconds S]
 *               [--replications R] [--set section.key=value]... [--rows WHAT] FILE
 *
 * The first --jobs value sizes the run: one warm-up run with the scenario's replications (or
 * --replications) measures the CPU time of a replication, and the replications are raised so
 * that a measured run at that jobs count takes about --min-seconds. Every jobs value then runs
 * --repeat times with that many replications, taken in turn (1, 2, 1, 2, ...) so that a change
 * in the machine's load falls on all of them alike; each figure is the median of the repeats.
 * --repeat 0 measures the warm-up run alone (one run_execute() in all, for callgrind). Jobs 0
 * means one thread per core, as `zdsim run` without --jobs.
 *
 * Rows (tab-separated: id, label, value, unit, note) with @ID as prefix:
 *   ID.jJ.events_per_s   events per second: per CPU-second of the process at one job (what
 *                        one core does), per wall second at more than one (the throughput)
 *   ID.jJ.rep_years_per_s  replication-years per wall second
 *   ID.speedup           wall-clock throughput of the last jobs value over the first
 *   ID.ns_per_event      CPU nanoseconds per event at the first jobs value
 *   ID.ms_per_rep_year   CPU milliseconds per replication-year at the first jobs value
 *   ID.peak_mb           the process's peak resident memory (VmHWM), MiB
 *   ID.events            the events of one measured run
 *   ID.events_per_rep_year  those events per replication-year (what the model does, apart
 *                        from how fast it does it)
 *   ID.ms_per_rep_year_min  the least CPU milliseconds per replication-year of the repeats
 * --rows picks some of them by name, comma-separated (default: all). With a single jobs value
 * the ".jJ" part is left out. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zdsim/run.h"
#include "zdsim/scenario.h"

#define MAX_REPEATS 50

static double
cpu_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static int
double_cmp(const void *pa, const void *pb)
{
  double a = *(const double *) pa, b = *(const double *) pb;
  return a < b ? -1 : (a > b);
}

static double
median(const double *v, guint n)
{
  double s[MAX_REPEATS];
  memcpy(s, v, n * sizeof *v);
  qsort(s, n, sizeof *s, double_cmp);
  return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/* The peak resident set of this process in MiB, from /proc/self/status (VmHWM, in kB), or NAN
 * where there is no /proc. */
static double
peak_mib(void)
{
  g_autofree char *status = NULL;
  if (!g_file_get_contents("/proc/self/status", &status, NULL, NULL))
    return NAN;
  const char *line = strstr(status, "VmHWM:");
  if (line == NULL)
    return NAN;
  return g_ascii_strtod(line + strlen("VmHWM:"), NULL) / 1024.0;
}

typedef struct {
  double wall_s;
  double cpu_s;
  guint64 events;
} Measure;

static gboolean
run_once(const Scenario *sc, guint jobs, Measure *m, GError **error)
{
  RunOptions options = { .jobs = jobs };
  gint64 w0 = g_get_monotonic_time();
  double c0 = cpu_seconds();
  g_autoptr(RunResult) result = run_execute(sc, &options, error);
  double c1 = cpu_seconds();
  gint64 w1 = g_get_monotonic_time();
  if (result == NULL)
    return FALSE;
  m->wall_s = (double) (w1 - w0) / 1e6;
  m->cpu_s = c1 - c0;
  m->events = result->events;
  return TRUE;
}

/* Whether row @name was asked for (@names NULL: every row). */
static gboolean
wanted(char **names, const char *name)
{
  return names == NULL || g_strv_contains((const char *const *) names, name);
}

int
main(int argc, char **argv)
{
  g_autofree char *id = NULL, *label = NULL, *jobs_text = NULL, *rows_text = NULL;
  g_auto(GStrv) sets = NULL;
  int repeat = 3, replications = 0;
  double min_seconds = 1.0;
  GOptionEntry entries[] = {
    { "id", 0, 0, G_OPTION_ARG_STRING, &id, "Row id prefix", "ID" },
    { "label", 0, 0, G_OPTION_ARG_STRING, &label, "Row label prefix", "TEXT" },
    { "jobs", 'j', 0, G_OPTION_ARG_STRING, &jobs_text, "Worker threads, comma-separated",
      "1,2" },
    { "repeat", 'n', 0, G_OPTION_ARG_INT, &repeat, "Measured runs per jobs value", "K" },
    { "min-seconds", 0, 0, G_OPTION_ARG_DOUBLE, &min_seconds,
      "CPU seconds a measured run should take at the first jobs value", "S" },
    { "replications", 'r', 0, G_OPTION_ARG_INT, &replications,
      "Replications of the warm-up run (default: the scenario's)", "R" },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Override a key", "SECTION.KEY=VALUE" },
    { "rows", 0, 0, G_OPTION_ARG_STRING, &rows_text, "Rows to print, comma-separated", "WHAT" },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("FILE");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 2 || repeat < 0 ||
      repeat > MAX_REPEATS || replications < 0 || min_seconds < 0) {
    fprintf(stderr, "bench-model: %s\n",
            error != NULL ? error->message : "expected one scenario file and sane numbers");
    return 2;
  }

  g_auto(GStrv) jobs_v = g_strsplit(jobs_text != NULL ? jobs_text : "1", ",", -1);
  guint n_jobs = g_strv_length(jobs_v);
  guint jobs[8];
  if (n_jobs == 0 || n_jobs > G_N_ELEMENTS(jobs)) {
    fprintf(stderr, "bench-model: --jobs takes 1 to 8 values\n");
    return 2;
  }
  for (guint j = 0; j < n_jobs; j++) {
    guint64 v;
    if (!g_ascii_string_to_unsigned(jobs_v[j], 10, 0, 256, &v, &error)) {
      fprintf(stderr, "bench-model: --jobs: %s\n", error->message);
      return 2;
    }
    jobs[j] = (guint) v;
  }
  g_auto(GStrv) names = rows_text != NULL ? g_strsplit(rows_text, ",", -1) : NULL;

  g_autoptr(Scenario) sc = scenario_load(argv[1], (const char *const *) sets, &error);
  if (sc == NULL) {
    fprintf(stderr, "bench-model: %s\n", error->message);
    return 2;
  }
  if (id == NULL)
    id = g_strdup(sc->name);
  if (label == NULL)
    label = g_strdup(sc->name);
  if (replications > 0)
    sc->replications = (guint) replications;

  /* Warm-up and sizing: CPU time is what a replication costs whatever the machine's load. */
  Measure warm;
  if (!run_once(sc, jobs[0], &warm, &error)) {
    fprintf(stderr, "bench-model: %s\n", error->message);
    return 3;
  }
  double per_rep = warm.cpu_s / sc->replications;
  double wanted_reps = ceil(min_seconds * MAX(jobs[0], 1u) / MAX(per_rep, 1e-9));
  if (repeat > 0)
    sc->replications = (guint) CLAMP(wanted_reps, (double) sc->replications, 1e7);
  double years = (double) sc->horizon / DIST_USEC_PER_SEC / RUN_YEAR_S * sc->replications;

  double wall_rate[8][MAX_REPEATS], cpu_rate[8][MAX_REPEATS], years_rate[8][MAX_REPEATS];
  double cores_used[8][MAX_REPEATS];
  double ns_event[MAX_REPEATS], ms_year[MAX_REPEATS];
  guint64 events = 0;
  gboolean warm_only = repeat == 0;
  if (warm_only) {
    repeat = 1;
    n_jobs = 1;
  }
  for (int r = 0; r < repeat; r++) {
    for (guint j = 0; j < n_jobs; j++) {
      Measure m = warm;
      if (!warm_only && !run_once(sc, jobs[j], &m, &error)) {
        fprintf(stderr, "bench-model: %s\n", error->message);
            return 3;
      }
      events = m.events;
      wall_rate[j][r] = (double) m.events / m.wall_s;
      cpu_rate[j][r] = (double) m.events / m.cpu_s;
      years_rate[j][r] = years / m.wall_s;
      cores_used[j][r] = m.cpu_s / m.wall_s;
      if (j == 0) {
        ns_event[r] = m.cpu_s * 1e9 / (double) m.events;
        ms_year[r] = m.cpu_s * 1e3 / years;
      }
    }
  }

  g_autofree char *runs = g_strdup_printf("median of %d runs of %u replications (%.3g M events)",
                                          repeat, sc->replications, (double) events / 1e6);
  for (guint j = 0; j < n_jobs; j++) {
    g_autofree char *jid = n_jobs > 1 ? g_strdup_printf("%s.j%u", id, jobs[j]) : g_strdup(id);
    g_autofree char *jlabel = jobs[j] > 0 ? g_strdup_printf("%s, --jobs %u", label, jobs[j])
                                          : g_strdup_printf("%s, all cores", label);
    double wall = median(wall_rate[j], (guint) repeat);
    double cpu = median(cpu_rate[j], (guint) repeat);
    if (wanted(names, "events_per_s")) {
      /* One job: what one core does, free of the other processes' share of the machine;
       * more jobs: the throughput the user waits for. */
      if (jobs[j] == 1)
        printf("%s.events_per_s\t%s: events per CPU-second\t%.6g\tevents/s\t"
               "%s; wall %.2f M/s\n",
               jid, jlabel, cpu, runs, wall / 1e6);
      else
        printf("%s.events_per_s\t%s: events per wall second\t%.6g\tevents/s\t"
               "%s; %.2f M per CPU-second\n",
               jid, jlabel, wall, runs, cpu / 1e6);
    }
    if (wanted(names, "rep_years_per_s"))
      printf("%s.rep_years_per_s\t%s: replication-years per wall second\t%.6g\trep-years/s\t\n",
             jid, jlabel, median(years_rate[j], (guint) repeat));
  }
  if (n_jobs > 1 && wanted(names, "speedup")) {
    double first = median(wall_rate[0], (guint) repeat);
    double last = median(wall_rate[n_jobs - 1], (guint) repeat);
    double cpu_first = median(cpu_rate[0], (guint) repeat);
    double cpu_last = median(cpu_rate[n_jobs - 1], (guint) repeat);
    /* CPU time over wall time says how many cores the run got: on a busy machine fewer than
     * its threads, and then the speedup says more about the machine than about zdsim. */
    printf("%s.speedup\t%s, --jobs %u over --jobs %u (wall)\t%.4g\tx\tthe run got %.2f "
           "cores' worth of CPU at --jobs %u; its events per CPU-second are %.0f %% of those "
           "at --jobs %u\n",
           id, label, jobs[n_jobs - 1], jobs[0], last / first,
           median(cores_used[n_jobs - 1], (guint) repeat), jobs[n_jobs - 1],
           100 * cpu_last / cpu_first, jobs[0]);
  }
  if (wanted(names, "ns_per_event"))
    printf("%s.ns_per_event\t%s: CPU time per event\t%.6g\tns\t%s at --jobs %u\n", id, label,
           median(ns_event, (guint) repeat), runs, jobs[0]);
  if (wanted(names, "ms_per_rep_year"))
    printf("%s.ms_per_rep_year\t%s: CPU time per replication-year\t%.6g\tms\t\n", id, label,
           median(ms_year, (guint) repeat));
  if (wanted(names, "ms_per_rep_year_min") && repeat > 0) {
    /* On a machine shared with other work the least CPU time is the least disturbed one. */
    double least = ms_year[0];
    for (int i = 1; i < repeat; i++)
      least = MIN(least, ms_year[i]);
    printf("%s.ms_per_rep_year_min\t%s: CPU time per replication-year, least of %d\t%.6g\tms\t"
           "%s at --jobs %u\n", id, label, repeat, least, runs, jobs[0]);
  }
  if (wanted(names, "events_per_rep_year"))
    printf("%s.events_per_rep_year\t%s: events per replication-year\t%.6g\tevents\t%u "
           "replications of %.3g years\n", id, label,
           (double) events / ((double) sc->horizon / DIST_USEC_PER_SEC / RUN_YEAR_S *
                              sc->replications),
           sc->replications, (double) sc->horizon / DIST_USEC_PER_SEC / RUN_YEAR_S);
  if (wanted(names, "peak_mb")) {
    g_autofree char *how = jobs[n_jobs - 1] > 0 ? g_strdup_printf("--jobs %u", jobs[n_jobs - 1])
                                                : g_strdup("all cores");
    printf("%s.peak_mb\t%s: peak memory (VmHWM), %s\t%.4g\tMiB\t%u replications\n", id,
           label, how, peak_mib(), sc->replications);
  }
  if (wanted(names, "events"))
    printf("%s.events\t%s: events of one run\t%" G_GUINT64_FORMAT "\tevents\t%u replications\n",
           id, label, events, sc->replications);
  return 0;
}
