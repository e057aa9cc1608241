/* main.c: the zdsim command line: the table of subcommands, `help` and `--version`.
 * The commands themselves live in sim/cli_<group>.c; only the CLI turns an error into text
 * for people and an exit code (0 ok, 1 expectation or regression failed, 2 usage or input
 * error, 3 internal). */
#include <locale.h>
#include <stdio.h>

#include "zdsim/cli.h"
#include "zdsim/version.h"

static int cli_help(const CliCommand *cmd, int argc, char **argv);

static const CliCommand commands[] = {
  { "run", "FILE", "run the replications of a scenario and print the availability report",
    cli_run },
  { "validate", "FILE...", "check scenarios and print them resolved with every default",
    cli_validate },
  { "sweep", "FILE", "run every point of a scenario's [sweep], print one table, store it",
    cli_sweep },
  { "recommend", "FILE", "the smallest instance count whose lower 95 % bound meets --target",
    cli_recommend },
  { "list", "", "the stored runs and sweeps, newest first", cli_list },
  { "show", "RUN", "print a stored run's report again", cli_show },
  { "compare", "RUN RUN", "each metric's difference B - A with its 95 % interval and a verdict",
    cli_compare },
  { "check", "FILE...", "run scenarios and test their [expect] lines, for CI", cli_check },
  { "plot", "RUN...|--sweep ID", "draw stored runs or a sweep with gnuplot", cli_plot },
  { "serve", "", "the dashboard: stored runs, sweeps and plots in a browser", cli_serve },
  { "help", "[COMMAND]", "show the help of a command", cli_help },
};

static const CliCommand *
command_lookup(const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
    if (g_str_equal(commands[i].name, name))
      return &commands[i];
  return NULL;
}

static void
print_usage(FILE *to)
{
  fprintf(to, "Usage: zdsim COMMAND [OPTION...]\n\n"
              "zdsim simulates Cloud Foundry app instances under routine platform updates\n"
              "(Mendix Cloud v4) and reports availability with 95 %% confidence intervals.\n\n"
              "Commands:\n");
  for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
    fprintf(to, "  %-10s %-16s %s\n", commands[i].name, commands[i].args, commands[i].summary);
  fprintf(to, "\nRun 'zdsim help COMMAND' for a command's options.\n");
}

static int
cli_help(const CliCommand *cmd, int argc, char **argv)
{
  (void) cmd;
  if (argc < 2) {
    print_usage(stdout);
    return CLI_OK;
  }
  const CliCommand *target = command_lookup(argv[1]);
  if (target == NULL) {
    fprintf(stderr, "zdsim help: unknown command '%s'\n", argv[1]);
    print_usage(stderr);
    return CLI_USAGE;
  }
  /* Each command prints its own help through GOptionContext's --help. */
  char *help_argv[] = { (char *) target->name, (char *) "--help", NULL };
  return target->main(target, 2, help_argv);
}

int
main(int argc, char **argv)
{
  setlocale(LC_ALL, "");
  /* Reports use '.' as the decimal separator whatever the locale, so numbers stay parseable. */
  setlocale(LC_NUMERIC, "C");
  if (argc < 2) {
    print_usage(stderr);
    return CLI_USAGE;
  }
  if (g_str_equal(argv[1], "--version") || g_str_equal(argv[1], "version")) {
    printf("zdsim %s\n", ZDSIM_VERSION);
    return CLI_OK;
  }
  if (g_str_equal(argv[1], "--help") || g_str_equal(argv[1], "-h")) {
    print_usage(stdout);
    return CLI_OK;
  }
  const CliCommand *cmd = command_lookup(argv[1]);
  if (cmd == NULL) {
    fprintf(stderr, "zdsim: unknown command '%s'\n\n", argv[1]);
    print_usage(stderr);
    return CLI_USAGE;
  }
  return cmd->main(cmd, argc - 1, argv + 1);
}
