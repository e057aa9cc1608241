/* bench-cpu.c: the CPU time of a command (make bench): runs it N times and prints the least
 * user + system time of the runs, in seconds to the microsecond, as the kernel counts it for
 * the child (wait4()'s rusage). /usr/bin/time prints hundredths, too coarse for a command of a
 * few tens of milliseconds such as a 40-point sweep. Not a test: it checks nothing but the
 * command's exit status, and is never part of make test.
 *
 *   bench-cpu N COMMAND [ARG]...
 *
 * The command's standard output goes to /dev/null; its standard error is bench-cpu's. On a
 * machine shared with other work the least CPU time is the least disturbed one. Exits 1 when
 * a run fails (its status is told on standard error), 2 on bad arguments. */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs @argv once; its CPU seconds in *@cpu_s. FALSE (and a message) when it did not exit 0. */
static gboolean
run_once(char **argv, double *cpu_s)
{
  pid_t pid = fork();
  if (pid < 0) {
    fprintf(stderr, "bench-cpu: fork: %s\n", g_strerror(errno));
    return FALSE;
  }
  if (pid == 0) {
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null < 0 || dup2(null, STDOUT_FILENO) < 0)
      _exit(127);
    execvp(argv[0], argv);
    fprintf(stderr, "bench-cpu: %s: %s\n", argv[0], g_strerror(errno));
    _exit(127);
  }
  int status;
  struct rusage usage;
  pid_t got;
  do
    got = wait4(pid, &status, 0, &usage);
  while (got < 0 && errno == EINTR);
  if (got < 0) {
    fprintf(stderr, "bench-cpu: wait4: %s\n", g_strerror(errno));
    return FALSE;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    if (WIFSIGNALED(status))
      fprintf(stderr, "bench-cpu: %s: killed by signal %d\n", argv[0], WTERMSIG(status));
    else
      fprintf(stderr, "bench-cpu: %s: exit status %d\n", argv[0], WEXITSTATUS(status));
    return FALSE;
  }
  *cpu_s = (double) usage.ru_utime.tv_sec + (double) usage.ru_utime.tv_usec / 1e6 +
           (double) usage.ru_stime.tv_sec + (double) usage.ru_stime.tv_usec / 1e6;
  return TRUE;
}

int
main(int argc, char **argv)
{
  guint64 n;
  if (argc < 3 || !g_ascii_string_to_unsigned(argv[1], 10, 1, 1000, &n, NULL)) {
    fprintf(stderr, "usage: bench-cpu N COMMAND [ARG]...  (N from 1 to 1000)\n");
    return 2;
  }
  double least = G_MAXDOUBLE;
  for (guint64 i = 0; i < n; i++) {
    double cpu_s;
    if (!run_once(argv + 2, &cpu_s))
      return 1;
    least = MIN(least, cpu_s);
  }
  printf("%.6f\n", least);
  return 0;
}
