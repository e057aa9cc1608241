/* main.c: the zdsim command line: the table of subcommands, `help` and `--version`.
 * The commands themselves live in sim/cli_<group>.c; only the CLI turns an error into text
 * for people and an exit code (0 ok, 1 expectation or regression failed, 2 usage, input or
 * environment error, 3 internal). The reference pages are generated in cli_help.c. */
#include <locale.h>
#include <stdio.h>
#include <string.h>

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
  { "explain", "FILE", "what each lever buys and what each cause costs, under common random "
    "numbers", cli_explain },
  { "sensitivity", "FILE", "each uncertain input at either end of its range, ranked by effect",
    cli_sensitivity },
  { "report", "RUN|--sweep ID", "one self-contained HTML file to hand on: scenario, figures, "
    "plots", cli_report },
  { "merge", "SHARD.db...", "put the shards of a run or sweep (--shard K/N) together and store "
    "them", cli_merge },
  { "check", "FILE...", "run scenarios and test their [expect] lines, for CI", cli_check },
  { "plot", "RUN...|--sweep ID", "draw stored runs or a sweep with gnuplot", cli_plot },
  { "serve", "", "the dashboard: stored runs, sweeps and plots in a browser", cli_serve },
  { "help", "[COMMAND|TOPIC]", "a command's options, the scenario keys or file format",
    cli_help },
};

static const CliCommand *
command_lookup(const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
    if (g_str_equal(commands[i].name, name))
      return &commands[i];
  return NULL;
}

/* The edit distance of @a and @b counting a swap of two neighbours as one edit (Damerau's
 * optimal string alignment), the typo people make most: "rnu" is one edit from "run". */
static guint
edit_distance(const char *a, const char *b)
{
  gsize la = strlen(a), lb = strlen(b);
  g_autofree guint *d = g_new(guint, (la + 1) * (lb + 1));
#define D(i, j) d[(i) * (lb + 1) + (j)]
  for (gsize i = 0; i <= la; i++)
    D(i, 0) = (guint) i;
  for (gsize j = 0; j <= lb; j++)
    D(0, j) = (guint) j;
  for (gsize i = 1; i <= la; i++) {
    for (gsize j = 1; j <= lb; j++) {
      guint cost = a[i - 1] == b[j - 1] ? 0 : 1;
      guint best = MIN(D(i - 1, j) + 1, MIN(D(i, j - 1) + 1, D(i - 1, j - 1) + cost));
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        best = MIN(best, D(i - 2, j - 2) + 1);
      D(i, j) = best;
    }
  }
  guint result = D(la, lb);
#undef D
  return result;
}

/* The name @word most likely meant: the only name it begins, else the closest within one
 * edit (two for words longer than four letters); NULL when none is close. */
static const char *
closest_name(const char *word, const char *const *names, guint n_names)
{
  const char *prefix_of = NULL;
  guint prefixes = 0;
  for (guint i = 0; i < n_names; i++) {
    if (word[0] != '\0' && g_str_has_prefix(names[i], word)) {
      prefix_of = names[i];
      prefixes++;
    }
  }
  if (prefixes == 1)
    return prefix_of;
  guint limit = strlen(word) > 4 ? 2 : 1;
  const char *best = NULL;
  guint best_distance = limit + 1;
  for (guint i = 0; i < n_names; i++) {
    guint distance = edit_distance(word, names[i]);
    if (distance < best_distance) {
      best = names[i];
      best_distance = distance;
    }
  }
  return best;
}

/* " (did you mean 'run'?)" for a mistyped command, or "" when nothing is close.
 * Returns: (transfer full). */
static char *
did_you_mean(const char *word, gboolean with_topics)
{
  const char *names[G_N_ELEMENTS(commands) + 2];
  guint n = 0;
  for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
    names[n++] = commands[i].name;
  if (with_topics) {
    names[n++] = "keys";
    names[n++] = "scenario";
  }
  const char *best = closest_name(word, names, n);
  return best != NULL ? g_strdup_printf(" (did you mean '%s'?)", best) : g_strdup("");
}

static void
print_usage(FILE *to)
{
  fprintf(to, "Usage: zdsim COMMAND [OPTION...] [ARG...]\n"
              "       zdsim --version\n\n"
              "zdsim simulates Cloud Foundry app instances under routine platform updates\n"
              "(Mendix Cloud v4) and reports availability with 95 %% confidence intervals.\n\n"
              "Commands:\n");
  int width = 0;
  for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
    width = MAX(width, (int) (strlen(commands[i].name) + 1 + strlen(commands[i].args)));
  for (guint i = 0; i < G_N_ELEMENTS(commands); i++) {
    g_autofree char *usage = g_strdup_printf("%s %s", commands[i].name, commands[i].args);
    fprintf(to, "  %-*s  %s\n", width, usage, commands[i].summary);
  }
  fprintf(to, "\nHelp topics:\n"
              "  zdsim help COMMAND   a command's options (also zdsim COMMAND --help)\n"
              "  zdsim help keys      every scenario key: default, form, meaning, source\n"
              "  zdsim help scenario  the scenario file format\n"
              "  man zdsim            all of it, once installed (man zdsim-scenario: the files)\n"
              "\nOptions:\n"
              "  -h, --help           this text\n"
              "  --version            the version\n"
              "\nExit status: 0 ok, 1 an expectation or regression failed, 2 a usage, input or\n"
              "environment error, 3 an internal error.\n"
              "\nzdsim %s\n", ZDSIM_VERSION);
}

/* Writes @text to stdout; a write that fails (a full disk, a closed pipe) is an environment
 * error, so that a build that generates a page from this output notices. */
static int
print_page(const CliCommand *cmd, char *text /* (transfer full) */)
{
  g_autofree char *owned = text;
  if (fputs(owned, stdout) == EOF || fflush(stdout) != 0) {
    fprintf(stderr, "zdsim %s: cannot write to standard output\n", cmd->name);
    return CLI_USAGE;
  }
  return CLI_OK;
}

static int
cli_help(const CliCommand *cmd, int argc, char **argv)
{
  int man = -1;  /* not asked for */
  g_autofree char *completion = NULL;
  GOptionEntry entries[] = {
    { "man", 0, 0, G_OPTION_ARG_INT, &man,
      "Write the man page zdsim(1) (SECTION 1) or zdsim-scenario(5) (SECTION 5) as roff",
      "SECTION" },
    { "completion", 0, 0, G_OPTION_ARG_STRING, &completion,
      "Write the completion script for SHELL (bash)", "SHELL" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) ctx = cli_context(cmd, entries);
  g_option_context_set_description(
      ctx, "Topics:\n"
           "  COMMAND   a command's usage and options, as zdsim COMMAND --help\n"
           "  keys      every scenario key, one a line: section.key = default | form |\n"
           "            meaning | source (or assumption: low..high)\n"
           "  scenario  the scenario file format: sections, units, distributions, windows,\n"
           "            schedules, [action NAME], [sweep], [expect], [uncertain], --set\n"
           "Without a topic: the list of commands. man zdsim and man zdsim-scenario have\n"
           "the same reference once zdsim is installed.");
  if (!cli_parse(ctx, cmd, &argc, &argv))
    return CLI_USAGE;
  gboolean generate = man != -1 || completion != NULL;
  if (argc > 2 || (generate && argc > 1) || (man != -1 && completion != NULL)) {
    fprintf(stderr, "zdsim help: expected one topic, or --man or --completion alone\n"
                    "Run 'zdsim help --help' for usage.\n");
    return CLI_USAGE;
  }
  g_autoptr(GError) error = NULL;
  if (generate) {
    char *text = man != -1 ? cli_help_man(commands, G_N_ELEMENTS(commands), man,
                                          ZDSIM_VERSION, &error)
                           : cli_help_completion(commands, G_N_ELEMENTS(commands), completion,
                                                 &error);
    if (text == NULL)
      return cli_error(cmd, error);
    return print_page(cmd, text);
  }
  if (argc < 2) {
    print_usage(stdout);
    return CLI_OK;
  }
  const char *topic = argv[1];
  if (g_str_equal(topic, "keys"))
    return print_page(cmd, cli_help_keys());
  if (g_str_equal(topic, "scenario"))
    return print_page(cmd, cli_help_scenario());
  const CliCommand *target = command_lookup(topic);
  if (target == NULL) {
    g_autofree char *hint = did_you_mean(topic, TRUE);
    fprintf(stderr, "zdsim help: unknown command or topic '%s'%s\n"
                    "Topics: keys, scenario, or a command; run 'zdsim --help' for the "
                    "commands.\n", topic, hint);
    return CLI_USAGE;
  }
  /* Each command prints its own help through GOptionContext's --help. */
  g_autofree char *prgname = g_strdup_printf("zdsim %s", target->name);
  g_set_prgname(prgname);
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
    g_autofree char *hint = did_you_mean(argv[1], FALSE);
    fprintf(stderr, "zdsim: unknown command '%s'%s\nRun 'zdsim --help' for the commands.\n",
            argv[1], hint);
    return CLI_USAGE;
  }
  /* GOptionContext's usage line starts with the program name: "zdsim run", not "run". */
  g_autofree char *prgname = g_strdup_printf("zdsim %s", cmd->name);
  g_set_prgname(prgname);
  return cmd->main(cmd, argc - 1, argv + 1);
}
