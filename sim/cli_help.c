/* cli_help.c: the reference that ships with zdsim, generated from the tables the program runs
 * on: `zdsim help keys` and `zdsim help scenario` from the scenario key, action and [expect]
 * tables (scenario.h), the man pages zdsim(1) and zdsim-scenario(5) and the bash completion
 * from those and the command table (sim/main.c). Nothing here is written twice: a new key,
 * action, metric, command or option shows up in every page at the next build.
 *
 * A page is built once as a list of blocks (headings, paragraphs, items, examples) and then
 * rendered as text for a terminal or as roff for man. Not for dispatching commands (main.c). */
#include <string.h>

#include "zdsim/cli.h"
#include "zdsim/policy.h"

#ifndef ZDSIM_DATADIR
#define ZDSIM_DATADIR "/usr/local/share/zdsim"
#endif

/* ---- pages as blocks ---- */

typedef enum {
  BLOCK_HEADING,  /* a section title */
  BLOCK_PARA,     /* filled text */
  BLOCK_ITEM,     /* a term and its filled text */
  BLOCK_EXAMPLE,  /* lines shown as they are */
} BlockKind;

typedef struct {
  BlockKind kind;
  char *term;     /* BLOCK_ITEM */
  char *text;
} Block;

static void
block_free(gpointer data)
{
  Block *b = data;
  g_free(b->term);
  g_free(b->text);
  g_free(b);
}

static GPtrArray *
page_new(void)
{
  return g_ptr_array_new_with_free_func(block_free);
}

static void
page_add(GPtrArray *page, BlockKind kind, const char *term, char *text /* (transfer full) */)
{
  Block *b = g_new0(Block, 1);
  b->kind = kind;
  b->term = g_strdup(term);
  b->text = text;
  g_ptr_array_add(page, b);
}

static void page_para(GPtrArray *page, const char *format, ...) G_GNUC_PRINTF(2, 3);
static void page_item(GPtrArray *page, const char *term, const char *format, ...)
    G_GNUC_PRINTF(3, 4);

static void
page_heading(GPtrArray *page, const char *title)
{
  page_add(page, BLOCK_HEADING, NULL, g_strdup(title));
}

static void
page_para(GPtrArray *page, const char *format, ...)
{
  va_list args;
  va_start(args, format);
  page_add(page, BLOCK_PARA, NULL, g_strdup_vprintf(format, args));
  va_end(args);
}

static void
page_item(GPtrArray *page, const char *term, const char *format, ...)
{
  va_list args;
  va_start(args, format);
  page_add(page, BLOCK_ITEM, term, g_strdup_vprintf(format, args));
  va_end(args);
}

static void
page_example(GPtrArray *page, const char *lines)
{
  page_add(page, BLOCK_EXAMPLE, NULL, g_strdup(lines));
}

/* A space that a line is never broken at, for examples inside filled text. */
#define NBSP "\xc2\xa0"

/* ---- rendering as text ---- */

enum {
  TEXT_WIDTH = 79,
  TEXT_INDENT = 2,  /* paragraphs and terms */
  TEXT_HANG = 20,   /* an item's text */
};

/* Appends @text filled to TEXT_WIDTH: the first line continues at column @column of the
 * current line, the others start at @indent. Words are never split. */
static void
fill(GString *out, const char *text, guint column, guint indent)
{
  g_auto(GStrv) words = g_strsplit(text, " ", -1);
  gboolean first = TRUE;
  for (char **w = words; *w != NULL; w++) {
    if (**w == '\0')
      continue;
    guint len = (guint) g_utf8_strlen(*w, -1);
    if (!first && column + 1 + len > TEXT_WIDTH) {
      g_string_append_printf(out, "\n%*s", (int) indent, "");
      column = indent;
      first = TRUE;
    }
    if (!first) {
      g_string_append_c(out, ' ');
      column++;
    }
    for (const char *c = *w; *c != '\0'; c++) {
      if (g_str_has_prefix(c, NBSP)) {
        g_string_append_c(out, ' ');
        c++;
      } else {
        g_string_append_c(out, *c);
      }
    }
    column += len;
    first = FALSE;
  }
  g_string_append_c(out, '\n');
}

static char *
page_to_text(const GPtrArray *page)
{
  GString *out = g_string_new(NULL);
  for (guint i = 0; i < page->len; i++) {
    const Block *b = g_ptr_array_index(page, i);
    switch (b->kind) {
      case BLOCK_HEADING: {
        g_autofree char *upper = g_ascii_strup(b->text, -1);
        g_string_append_printf(out, "%s%s\n", i > 0 ? "\n" : "", upper);
        break;
      }
      case BLOCK_PARA:
        g_string_append_printf(out, "%*s", TEXT_INDENT, "");
        fill(out, b->text, TEXT_INDENT, TEXT_INDENT);
        break;
      case BLOCK_ITEM: {
        guint len = (guint) g_utf8_strlen(b->term, -1);
        g_string_append_printf(out, "%*s%s", TEXT_INDENT, "", b->term);
        if (TEXT_INDENT + len + 2 <= TEXT_HANG) {
          g_string_append_printf(out, "%*s", (int) (TEXT_HANG - TEXT_INDENT - len), "");
        } else {
          g_string_append_printf(out, "\n%*s", TEXT_HANG, "");
        }
        fill(out, b->text, TEXT_HANG, TEXT_HANG);
        break;
      }
      case BLOCK_EXAMPLE: {
        /* Set apart by blank lines, except where a heading already starts with one. */
        g_auto(GStrv) lines = g_strsplit(b->text, "\n", -1);
        g_string_append_c(out, '\n');
        for (char **l = lines; *l != NULL; l++)
          g_string_append_printf(out, "%*s%s\n", **l != '\0' ? TEXT_INDENT + 4 : 0, "", *l);
        const Block *next = i + 1 < page->len ? g_ptr_array_index(page, i + 1) : NULL;
        if (next != NULL && next->kind != BLOCK_HEADING)
          g_string_append_c(out, '\n');
        break;
      }
      default:
        g_assert_not_reached();
    }
  }
  return g_string_free(out, FALSE);
}

/* ---- rendering as roff (man(7)) ---- */

/* @text as roff input text: backslashes and hyphens escaped (so that options and keys can be
 * copied from the page), a leading '.' or '\'' made literal, anything outside ASCII as a
 * \[uXXXX] escape so that the page reads the same whatever the input encoding groff assumes. */
static void
roff_escape(GString *out, const char *text)
{
  gboolean line_start = TRUE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (line_start && (c == '.' || c == '\''))
      g_string_append(out, "\\&");
    if (c == '\\')
      g_string_append(out, "\\e");
    else if (c == '-')
      g_string_append(out, "\\-");
    else if (c == 0xa0)
      g_string_append(out, "\\ ");
    else if (c >= 0x80)
      g_string_append_printf(out, "\\[u%04X]", c);
    else
      g_string_append_c(out, (char) c);
    line_start = c == '\n';
  }
}

static void
roff_line(GString *out, const char *text)
{
  roff_escape(out, text);
  g_string_append_c(out, '\n');
}

static void
page_to_roff(GString *out, const GPtrArray *page)
{
  for (guint i = 0; i < page->len; i++) {
    const Block *b = g_ptr_array_index(page, i);
    switch (b->kind) {
      case BLOCK_HEADING: {
        g_autofree char *upper = g_ascii_strup(b->text, -1);
        g_string_append(out, ".SH \"");
        roff_escape(out, upper);
        g_string_append(out, "\"\n");
        break;
      }
      case BLOCK_PARA:
        g_string_append(out, ".PP\n");
        roff_line(out, b->text);
        break;
      case BLOCK_ITEM:
        g_string_append(out, ".TP\n.B ");
        roff_line(out, b->term);
        roff_line(out, b->text);
        break;
      case BLOCK_EXAMPLE: {
        g_string_append(out, ".PP\n.RS 4\n.nf\n");
        g_auto(GStrv) lines = g_strsplit(b->text, "\n", -1);
        for (char **l = lines; *l != NULL; l++) {
          if (**l == '\0')
            g_string_append(out, "\\&\n");
          else
            roff_line(out, *l);
        }
        g_string_append(out, ".fi\n.RE\n");
        break;
      }
      default:
        g_assert_not_reached();
    }
  }
}

/* ---- help keys ---- */

static const char *
key_default(const ScenarioKeyInfo *info)
{
  if (info->default_text == NULL)
    return "(the file's base name)";
  if (info->default_text[0] == '\0')
    return "(empty)";
  return info->default_text;
}

/* "source: ...", "setting: ..." or "assumption: LOW..HIGH (why)". Returns: (transfer full). */
static char *
key_source(const ScenarioKeyInfo *info)
{
  switch (info->kind) {
    case SCENARIO_SOURCE_DOCUMENT:
      return g_strdup_printf("source: %s", info->source);
    case SCENARIO_SOURCE_ASSUMPTION: {
      const char *of = info->range == SCENARIO_RANGE_SCALE    ? " (of the mean)"
                       : info->range == SCENARIO_RANGE_MEDIAN ? " (of the median)"
                                                              : "";
      return g_strdup_printf("assumption: %s..%s%s; %s", info->low, info->high, of,
                             info->source);
    }
    case SCENARIO_SOURCE_SETTING:
      return g_strdup_printf("setting: %s", info->source);
    default:
      g_assert_not_reached();
  }
}

char *
cli_help_keys(void)
{
  GString *out = g_string_new("# section.key = default | form | meaning | source, setting, or "
                              "assumption: low..high; why\n");
  for (guint i = 0; i < scenario_key_count(); i++) {
    const ScenarioKeyInfo *info = scenario_key_info_at(i);
    g_autofree char *source = key_source(info);
    g_string_append_printf(out, "%s = %s | %s | %s | %s\n", info->key, key_default(info),
                           info->form, info->meaning, source);
  }
  return g_string_free(out, FALSE);
}

/* ---- help scenario ---- */

/* A line about a name: a section, an action or an action's key. */
typedef struct {
  const char *name;
  const char *about;
} About;

/* What each fixed section is for; a section missing here still gets its keys. */
static const About section_about[] = {
  { "scenario", "the run itself: its name, the calendar instant of time 0, the simulated time "
                "per replication, the warm-up that no metric counts, replications and seed" },
  { "app", "the app: instance count, Mendix version, start-up, health check, shutdown, crashes, "
           "the team's own deploys, its dependence on the database, capacity" },
  { "platform", "the Cloud Foundry foundation: Diego cells and zones, routine updates that "
                "roll the cells, infrastructure restarts, evacuation, routing" },
  { "policy", "what a draining cell does with the app's instances" },
  { "database", "the AWS RDS PostgreSQL database: Multi-AZ or not, its maintenance window and "
                "outages" },
  { "portal", "the maintenance window chosen in the Mendix Developer Portal" },
  { "traffic", "demand over the week, for request-weighted availability and capacity" },
};

/* What each action does and what its keys mean; the action table itself (scenario.c) says
 * which keys an action takes. */
static const About action_about[] = {
  { "scale", "set the desired instance count to `instances`; with `duration`, scale back "
             "after that long (e.g. down to 1 for a debugging session)" },
  { "restart", "stop every instance, then start them all" },
  { "deploy", "a Mendix deploy: stop every instance, synchronise the database, start them all" },
  { "rolling-restart", "restart the instances `max_in_flight` at a time (default 1), each "
                       "batch once the previous one runs, as cf restart --strategy rolling" },
  { "cell-failure", "cell number `cell` (default 0) vanishes without draining and comes back "
                    "empty after platform.cell_recreate" },
  { "az-outage", "every cell of zone number `zone` (default 0) is lost for `duration`" },
  { "db-failover", "a Multi-AZ failover of the database (database.failover long)" },
  { "platform-update", "a routine platform update starts rolling the Diego cells" },
};

static const About action_key_about[] = {
  { "at", "when: a date-time with a zone, such as 2027-01-05T10:00:00Z, inside the run" },
  { "action", "what: one of the kinds below" },
  { "instances", "an instance count from 1" },
  { "duration", "a duration such as 2h" },
  { "max_in_flight", "instances restarted at once, from 1" },
  { "zone", "a zone index from 0 to platform.azs - 1" },
  { "cell", "a cell index from 0 to platform.cells - 1" },
};

/* The line about @name in @table, or NULL. */
static const char *
lookup_about(const char *name, const About *table, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (g_str_equal(table[i].name, name))
      return table[i].about;
  return NULL;
}
#define ABOUT(name, table) lookup_about((name), (table), G_N_ELEMENTS(table))

/* The sections of the key table, in table order. Returns: (transfer container). */
static GPtrArray *
key_sections(void)
{
  GPtrArray *sections = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < scenario_key_count(); i++) {
    const char *key = scenario_key_info_at(i)->key;
    g_autofree char *section = g_strndup(key, (gsize) (strchr(key, '.') - key));
    gboolean seen = FALSE;
    for (guint j = 0; j < sections->len && !seen; j++)
      seen = g_str_equal(g_ptr_array_index(sections, j), section);
    if (!seen)
      g_ptr_array_add(sections, g_steal_pointer(&section));
  }
  return sections;
}

static char *
section_keys(const char *section)
{
  GString *keys = g_string_new(NULL);
  gsize len = strlen(section);
  for (guint i = 0; i < scenario_key_count(); i++) {
    const char *key = scenario_key_info_at(i)->key;
    if (strncmp(key, section, len) == 0 && key[len] == '.')
      g_string_append_printf(keys, "%s%s", keys->len > 0 ? ", " : "", key + len + 1);
  }
  return g_string_free(keys, FALSE);
}

static void
scenario_sections(GPtrArray *page)
{
  page_heading(page, "Sections");
  g_autoptr(GPtrArray) sections = key_sections();
  for (guint i = 0; i < sections->len; i++) {
    const char *section = g_ptr_array_index(sections, i);
    g_autofree char *term = g_strdup_printf("[%s]", section);
    g_autofree char *keys = section_keys(section);
    const char *about = ABOUT(section, section_about);
    page_item(page, term, "%s%skeys: %s.", about != NULL ? about : "", about != NULL ? "; " : "",
              keys);
  }
  page_item(page, "[action NAME]", "one scheduled action or fault; see ACTIONS.");
  page_item(page, "[sweep]", "parameters to vary; see SWEEPS.");
  page_item(page, "[expect]", "what a run must achieve, for zdsim check; see EXPECTATIONS.");
  page_item(page, "[uncertain]", "ranges of assumptions, for zdsim sensitivity; see "
            "UNCERTAINTY.");
  page_para(page, "Every key's default, form, meaning and source: zdsim help keys.");
}

static void
scenario_values(GPtrArray *page)
{
  page_heading(page, "Values");
  page_item(page, "durations", "a number and a unit: us, ms, s, m, h, d or w, as in "
            "250ms" NBSP "10s" NBSP "5m" NBSP "2h" NBSP "3d" NBSP "1w; decimals are allowed "
            "(1.5h); 0 needs no unit.");
  page_item(page, "rates", "COUNT/[N]UNIT: 3/w is three a week, 1/12w one every twelve weeks, "
            "2/d two a day; 0 is never.");
  page_item(page, "percentages", "99.95%%; a probability or fraction is written either way, "
            "0.005 or 0.5%%.");
  page_item(page, "booleans", "true or false (also yes/no, 1/0).");
  page_item(page, "date-times", "with a zone: 2027-01-04T00:00:00Z or 2027-01-04 09:00 "
            "Europe/Amsterdam.");
  page_item(page, "none", "switches a mechanism off, as a rate or probability of 0 does, so a "
            "scenario can reduce the model to one with a closed-form answer.");

  page_heading(page, "Distributions");
  page_para(page, "Random durations (start-up, shutdown, outages, times between failures) take "
            "one of these forms; names are case-insensitive:");
  page_item(page, "10s", "a constant.");
  page_item(page, "exp(30d)", "exponential with that mean.");
  page_item(page, "uniform(60s,120s)", "uniform between the two.");
  page_item(page, "lognormal(median=75s,p95=180s)", "log-normal with that median and 95th "
            "percentile (p95 above the median).");
  page_item(page, "normal(60s,10s)", "normal with that mean and standard deviation, truncated "
            "at 0.");
  page_item(page, "weibull(shape,scale)", "Weibull with a plain-number shape and a duration "
            "scale, e.g. weibull(1.5,30d).");
  page_item(page, "none", "never (only where the form says so, e.g. app.crash_mtbf).");

  page_heading(page, "Windows");
  page_para(page, "Weekly windows are DAYS START-END, several separated by commas, with an "
            "optional IANA time zone at the end that applies to all (none means UTC). DAYS is "
            "a day (mon tue wed thu fri sat sun), a range (mon-fri; fri-mon wraps) or a list "
            "(mon,wed,fri); times are HH:MM, 24:00 allowed as an end; an end may name a later "
            "day to cross midnight (sat 23:30-sun 00:30). AWS's form sun:05:00-sun:05:30 is "
            "read too. Daylight-saving changes are exact.");
  page_example(page, "sun 05:00-05:30\ntue 02:00-05:00 Europe/Amsterdam\n"
               "mon-fri 08:00-18:00");

  guint n_regions = 0;
  const ScenarioRdsRegion *regions = scenario_rds_regions(&n_regions);
  g_autoptr(GString) list = g_string_new(NULL);
  for (guint i = 0; i < n_regions; i++)
    g_string_append_printf(list, "%s%s (%02u:%02u UTC + %uh)", i > 0 ? ", " : "",
                           regions[i].name, regions[i].start_minute / 60,
                           regions[i].start_minute % 60, regions[i].length_minutes / 60);
  page_para(page, "database.maintenance_window also takes region" NBSP "NAME: the app owner does not "
            "choose the RDS window, so each replication draws AWS's default for the region, a "
            "30-minute slot starting at a uniformly random time inside the region's block, on a "
            "uniformly random day. Regions and their blocks: %s.", list->str);
  /* One line per distinct source, so that each block can be checked. */
  for (guint i = 0; i < n_regions; i++) {
    gboolean seen = FALSE;
    for (guint j = 0; j < i && !seen; j++)
      seen = g_str_equal(regions[j].source, regions[i].source);
    if (seen)
      continue;
    g_autoptr(GString) names = g_string_new(NULL);
    for (guint j = i; j < n_regions; j++)
      if (g_str_equal(regions[j].source, regions[i].source))
        g_string_append_printf(names, "%s%s", names->len > 0 ? ", " : "", regions[j].name);
    page_para(page, "Blocks of %s: %s.", names->str, regions[i].source);
  }

  page_heading(page, "Schedules");
  page_para(page, "Things that recur (platform.updates, platform.restarts, app.deploys) are "
            "none; a rate, whose events arrive at random (Poisson), e.g. 3/w; or weekly "
            "instants DAYS HH:MM, several separated by commas, with an optional zone at the "
            "end, e.g. tue 02:00, thu 02:00 UTC or tue 20:00 Europe/Amsterdam.");

  page_heading(page, "Policies");
  page_para(page, "policy.evacuation is one of:");
  g_auto(GStrv) names = g_strsplit(policy_names(), ", ", -1);
  for (char **n = names; *n != NULL; n++) {
    const Policy *policy = policy_lookup(*n);
    page_item(page, *n, "%s.", policy != NULL ? policy->summary : "");
  }
}

static void
scenario_actions(GPtrArray *page)
{
  page_heading(page, "Actions");
  page_para(page, "A section [action NAME] (NAME is free text) schedules one action or fault. "
            "Its keys:");
  page_item(page, "at", "%s.", ABOUT("at", action_key_about));
  page_item(page, "action", "%s.", ABOUT("action", action_key_about));
  for (guint k = 0; k < scenario_action_count(); k++) {
    const char *name = scenario_action_name(k);
    g_auto(GStrv) required = scenario_action_keys(k, TRUE);
    g_auto(GStrv) optional = scenario_action_keys(k, FALSE);
    g_autoptr(GString) keys = g_string_new(NULL);
    for (int pass = 0; pass < 2; pass++) {
      for (char **key = pass == 0 ? required : optional; *key != NULL; key++) {
        const char *about = ABOUT(*key, action_key_about);
        g_string_append_printf(keys, " %s" NBSP "(%s)%s%s.", *key, pass == 0 ? "needed" : "optional",
                               about != NULL ? ": " : "", about != NULL ? about : "");
      }
    }
    const char *about = ABOUT(name, action_about);
    page_item(page, name, "%s%s%s", about != NULL ? about : "", about != NULL ? "." : "",
              keys->str);
  }
  page_example(page, "[action debug-session]\nat = 2027-03-01T09:00:00Z\naction = scale\n"
               "instances = 1\nduration = 4h");
}

static void
scenario_sweeps(GPtrArray *page)
{
  page_heading(page, "Sweeps");
  page_para(page, "In [sweep] each key is a parameter section.key and each value a list "
            "separated by commas (by | when the values contain commas, as windows do). The runs "
            "are the Cartesian product, the first key varying slowest, all with the same seed "
            "so that their differences are paired (zdsim sweep, zdsim recommend, plots).");
  page_example(page, "[sweep]\napp.instances = 1, 2, 3\npolicy.evacuation = rolling, stop-start\n"
               "portal.maintenance_window = sun 01:00-04:00 | wed 01:00-04:00");
}

static void
scenario_expectations(GPtrArray *page)
{
  page_heading(page, "Expectations");
  page_para(page, "In [expect] each key is a metric and each value '>= X' or '<= X'. zdsim check "
            "judges '>= X' on the lower end of the metric's 95 %% interval and '<= X' on the "
            "upper end, never on the mean, and exits 1 when one fails. The keys, with the "
            "metric each judges (its name in JSON output) and an example:");
  for (guint i = 0; i < scenario_expect_count(); i++) {
    const char *metric = NULL, *example = NULL;
    const char *key = scenario_expect_key(i, &metric, &example);
    if (g_str_equal(key, metric))
      page_item(page, key, "e.g. %s = %s", key, example);
    else
      page_item(page, key, "e.g. %s = %s (metric %s, in seconds)", key, example, metric);
  }
}

static void
scenario_uncertainty(GPtrArray *page)
{
  page_heading(page, "Uncertainty");
  page_para(page, "In [uncertain] each key is a parameter section.key and each value a range "
            "LOW..HIGH in the key's own units. zdsim sensitivity varies each such key to either "
            "end of its range, everything else at its value, and ranks them by effect; without "
            "the section it varies the assumptions that zdsim help keys lists with a range. "
            "The other commands ignore it.");
  page_example(page, "[uncertain]\napp.start_failure = 0.001..0.02\n"
               "platform.restarts = 1/26w..1/w");
}

static void
scenario_overrides(GPtrArray *page)
{
  page_heading(page, "Overrides");
  g_autoptr(GPtrArray) sections = key_sections();
  g_autoptr(GString) names = g_string_new(NULL);
  for (guint i = 0; i < sections->len; i++)
    g_string_append_printf(names, "%s[%s]", i == 0 ? "" : i + 1 < sections->len ? ", " : " or ",
                           (const char *) g_ptr_array_index(sections, i));
  page_para(page, "--set section.key=value, given to run, validate, sweep, recommend or check "
            "and repeatable, overrides a key of %s before anything is checked, so an override "
            "is held to the same rules as the file. zdsim validate FILE prints a scenario "
            "resolved with every default.", names->str);
  page_example(page, "zdsim run --set app.instances=2 --set policy.evacuation=stop-start FILE");
}

static void
scenario_page(GPtrArray *page)
{
  page_para(page, "A scenario is an INI file: [section] headers, key = value lines and # "
            "comments. Every key has a default, so a file names only what differs. Unknown "
            "sections or keys, bad units and out-of-range values are errors naming the file, "
            "the line, the key, what was expected and the closest known key; every problem of "
            "a file is reported at once.");
  page_example(page, "[scenario]\nname = two-instances\nreplications = 200\n\n[app]\n"
               "instances = 2\nstartup = lognormal(median=75s,p95=180s)\n\n[database]\n"
               "maintenance_window = wed 09:00-09:30\n\n[expect]\navailability = >= 99.95%\n"
               "max_outage = <= 2m");
  scenario_sections(page);
  scenario_values(page);
  scenario_actions(page);
  scenario_sweeps(page);
  scenario_expectations(page);
  scenario_uncertainty(page);
  scenario_overrides(page);
}

char *
cli_help_scenario(void)
{
  g_autoptr(GPtrArray) page = page_new();
  page_heading(page, "zdsim scenario files");
  scenario_page(page);
  return page_to_text(page);
}

/* ---- what each command takes, read from its own --help ---- */

typedef struct {
  char *name;   /* "--replications" */
  char *short_name; /* "-r", or NULL */
  char *arg;    /* "N", or NULL for a flag */
  char *text;
} CommandOption;

typedef struct {
  const CliCommand *cmd;
  GPtrArray *options;  /* of CommandOption*, --help excluded */
  char *description;   /* the text after the options, or NULL */
} CommandHelp;

static void
command_option_free(gpointer data)
{
  CommandOption *o = data;
  g_free(o->name);
  g_free(o->short_name);
  g_free(o->arg);
  g_free(o->text);
  g_free(o);
}

static void
command_help_free(gpointer data)
{
  CommandHelp *h = data;
  g_ptr_array_unref(h->options);
  g_free(h->description);
  g_free(h);
}

/* One line of GOptionContext's option list, "  -r, --replications=N   Replications ...".
 * Returns NULL for a line of another form. */
static CommandOption *
parse_option_line(const char *line)
{
  const char *p = line;
  while (*p == ' ')
    p++;
  g_autofree char *short_name = NULL;
  if (p[0] == '-' && p[1] != '-' && p[1] != '\0' && p[2] == ',') {
    short_name = g_strndup(p, 2);
    p += 3;
    while (*p == ' ')
      p++;
  }
  if (!g_str_has_prefix(p, "--"))
    return NULL;
  const char *end = p;
  while (*end != '\0' && *end != ' ')
    end++;
  CommandOption *o = g_new0(CommandOption, 1);
  const char *equals = memchr(p, '=', (gsize) (end - p));
  o->name = g_strndup(p, (gsize) ((equals != NULL ? equals : end) - p));
  o->arg = equals != NULL ? g_strndup(equals + 1, (gsize) (end - equals - 1)) : NULL;
  o->short_name = g_steal_pointer(&short_name);
  o->text = g_strstrip(g_strdup(end));
  return o;
}

/* Runs `zdsim CMD --help` (this very binary, in the C locale so that the headings are
 * GLib's English ones) and reads its options and closing description: each command's
 * GOptionEntry table stays the one place its options are written. */
static CommandHelp *
command_help_read(const char *exe, const CliCommand *cmd, GError **error)
{
  const char *argv[] = { exe, cmd->name, "--help", NULL };
  g_auto(GStrv) env = g_environ_setenv(g_get_environ(), "LC_ALL", "C", TRUE);
  g_autofree char *out = NULL;
  gint status = 0;
  if (!g_spawn_sync(NULL, (char **) argv, env, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                    NULL, &status, error)) {
    g_prefix_error(error, "%s --help: ", cmd->name);
    return NULL;
  }
  if (!g_spawn_check_wait_status(status, error)) {
    g_prefix_error(error, "%s --help: ", cmd->name);
    return NULL;
  }
  CommandHelp *help = g_new0(CommandHelp, 1);
  help->cmd = cmd;
  help->options = g_ptr_array_new_with_free_func(command_option_free);
  g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
  enum { BEFORE, OPTIONS, AFTER } where = BEFORE;
  g_autoptr(GString) description = g_string_new(NULL);
  for (char **l = lines; *l != NULL; l++) {
    if (where == BEFORE) {
      if (g_str_equal(*l, "Application Options:"))
        where = OPTIONS;
    } else if (where == OPTIONS) {
      if (**l == '\0') {
        where = AFTER;
        continue;
      }
      CommandOption *o = parse_option_line(*l);
      if (o != NULL)
        g_ptr_array_add(help->options, o);
    } else {
      g_string_append_printf(description, "%s\n", *l);
    }
  }
  while (description->len > 0 && description->str[description->len - 1] == '\n')
    g_string_truncate(description, description->len - 1);
  help->description = description->len > 0 ? g_strdup(description->str) : NULL;
  return help;
}

/* Every command's help, in table order. Returns: (transfer full) or NULL with @error. */
static GPtrArray *
commands_help(const CliCommand *commands, guint n_commands, GError **error)
{
  g_autofree char *exe = g_file_read_link("/proc/self/exe", error);
  if (exe == NULL) {
    g_prefix_error(error, "cannot find the zdsim binary to read its commands' options: ");
    return NULL;
  }
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func(command_help_free);
  for (guint i = 0; i < n_commands; i++) {
    CommandHelp *help = command_help_read(exe, &commands[i], error);
    if (help == NULL)
      return NULL;
    g_ptr_array_add(all, help);
  }
  return g_steal_pointer(&all);
}

/* ---- man pages ---- */

static void
roff_title(GString *out, const char *name, guint section, const char *version,
           const char *what)
{
  g_string_append_printf(out, ".\\\" Generated by `zdsim help --man %u`; do not edit.\n",
                         section);
  g_string_append_printf(out, ".TH %s %u \"\" \"zdsim ", name, section);
  roff_escape(out, version);
  g_string_append_printf(out, "\" \"%s\"\n.nh\n.ad l\n", what);
}

static void
man_command(GString *out, const CommandHelp *help)
{
  const CliCommand *cmd = help->cmd;
  g_string_append(out, ".SS \"zdsim ");
  roff_escape(out, cmd->name);
  g_string_append(out, " [OPTION...]");
  if (cmd->args[0] != '\0') {
    g_string_append_c(out, ' ');
    roff_escape(out, cmd->args);
  }
  g_string_append(out, "\"\n");
  g_autofree char *summary = g_strdup_printf("%c%s.", g_ascii_toupper(cmd->summary[0]),
                                             cmd->summary + 1);
  roff_line(out, summary);
  for (guint i = 0; i < help->options->len; i++) {
    const CommandOption *o = g_ptr_array_index(help->options, i);
    g_string_append(out, ".TP\n");
    if (o->short_name != NULL) {
      g_string_append(out, "\\fB");
      roff_escape(out, o->short_name);
      g_string_append(out, "\\fR, ");
    }
    g_string_append(out, "\\fB");
    roff_escape(out, o->name);
    g_string_append(out, "\\fR");
    if (o->arg != NULL) {
      g_string_append(out, "=\\fI");
      roff_escape(out, o->arg);
      g_string_append(out, "\\fR");
    }
    g_string_append_c(out, '\n');
    roff_line(out, o->text);
  }
  if (help->description != NULL) {
    g_string_append(out, ".PP\n.nf\n");
    g_auto(GStrv) lines = g_strsplit(help->description, "\n", -1);
    for (char **l = lines; *l != NULL; l++) {
      if (**l == '\0')
        g_string_append(out, "\\&\n");
      else
        roff_line(out, *l);
    }
    g_string_append(out, ".fi\n");
  }
}

static char *
man_zdsim(const GPtrArray *helps, const char *version)
{
  GString *out = g_string_new(NULL);
  roff_title(out, "ZDSIM", 1, version, "User Commands");
  g_string_append(out, ".SH NAME\nzdsim \\- availability of Cloud Foundry apps under routine "
                       "platform updates, by simulation\n");
  g_string_append(out, ".SH SYNOPSIS\n.B zdsim\n.I COMMAND\n[\\fIOPTION\\fR...]\n"
                       "[\\fIARG\\fR...]\n.br\n.B zdsim help\n"
                       "[\\fICOMMAND\\fR|\\fBkeys\\fR|\\fBscenario\\fR]\n.br\n"
                       ".B zdsim \\-\\-version\n");
  g_autoptr(GPtrArray) page = page_new();
  page_heading(page, "Description");
  page_para(page, "zdsim is a discrete-event simulator of Cloud Foundry app-instance "
            "lifecycles as Mendix Cloud v4 runs them. It answers how available an app is while "
            "the platform restarts its instances for routine updates, and what instance count, "
            "evacuation policy and maintenance windows reach a target. A scenario file "
            "(zdsim-scenario(5)) describes the app and the platform; each run is a set of "
            "independent replications whose results are reported with 95 %% confidence "
            "intervals, stored in an SQLite database and drawn with gnuplot.");
  page_para(page, "Every command takes -h, --help. zdsim help keys lists every scenario key "
            "with its default, form, meaning and source; zdsim help scenario describes the "
            "file format.");
  page_heading(page, "Commands");
  page_to_roff(out, page);
  for (guint i = 0; i < helps->len; i++)
    man_command(out, g_ptr_array_index(helps, i));

  g_autoptr(GPtrArray) tail = page_new();
  page_heading(tail, "Exit status");
  page_item(tail, "0", "success.");
  page_item(tail, "1", "an expectation ([expect], zdsim check) or a regression check "
            "(check --baseline) failed.");
  page_item(tail, "2", "a usage, input or environment error: a bad option or scenario, a "
            "database that cannot be opened, a file that cannot be written, gnuplot missing or "
            "failing. Nothing is stored.");
  page_item(tail, "3", "an internal error (a bug).");
  page_item(tail, "130, 143", "interrupted by SIGINT or SIGTERM (128 + the signal); the run in "
            "progress is not stored.");
  page_heading(tail, "Environment");
  page_item(tail, "ZDSIM_DB", "the database when --db is not given (default zdsim.db in the "
            "working directory).");
  page_item(tail, "ZDSIM_PLOTS", "the directory of the gnuplot templates, instead of the "
            "installed ones.");
  page_heading(tail, "Files");
  page_item(tail, "zdsim.db", "the run store in the working directory, unless --db or "
            "ZDSIM_DB names another: runs, sweeps, their metrics and outages (SQLite).");
  page_item(tail, ZDSIM_DATADIR "/plots/*.gp", "the gnuplot templates; a zdsim binary also "
            "finds them in ../share/zdsim/plots beside its own directory.");
  page_item(tail, ZDSIM_DATADIR "/scenarios/", "example scenarios, and regression/ the policy "
            "regression suite for zdsim check.");
  page_heading(tail, "See also");
  page_para(tail, "zdsim-scenario(5), gnuplot(1), sqlite3(1)");
  page_to_roff(out, tail);
  return g_string_free(out, FALSE);
}

static char *
man_scenario(const char *version)
{
  GString *out = g_string_new(NULL);
  roff_title(out, "ZDSIM-SCENARIO", 5, version, "File Formats");
  g_string_append(out, ".SH NAME\nzdsim-scenario \\- scenario files of zdsim(1)\n");
  g_autoptr(GPtrArray) page = page_new();
  page_heading(page, "Description");
  scenario_page(page);
  page_heading(page, "Keys");
  page_para(page, "Every key with its default, the form of its value, its meaning and where "
            "the default comes from: a document (source), the user's own choice (setting), or "
            "an assumption nobody documents, with the range zdsim sensitivity varies it over.");
  for (guint i = 0; i < scenario_key_count(); i++) {
    const ScenarioKeyInfo *info = scenario_key_info_at(i);
    g_autofree char *source = key_source(info);
    source[0] = g_ascii_toupper(source[0]);
    page_item(page, info->key, "%c%s. Default: %s. Form: %s. %s.",
              g_ascii_toupper(info->meaning[0]), info->meaning + 1, key_default(info),
              info->form, source);
  }
  page_heading(page, "See also");
  page_para(page, "zdsim(1); zdsim help keys and zdsim help scenario print this reference on a "
            "terminal.");
  page_to_roff(out, page);
  return g_string_free(out, FALSE);
}

char *
cli_help_man(const CliCommand *commands, guint n_commands, int section, const char *version,
             GError **error)
{
  if (section == 1) {
    g_autoptr(GPtrArray) helps = commands_help(commands, n_commands, error);
    if (helps == NULL)
      return NULL;
    return man_zdsim(helps, version);
  }
  if (section == 5)
    return man_scenario(version);
  g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
              "--man: expected 1 (zdsim) or 5 (zdsim-scenario), got %d", section);
  return NULL;
}

/* ---- bash completion ---- */

/* "a|b|c" in an option's text, the values it takes; NULL when there is none. */
static char *
option_choices(const char *text)
{
  g_auto(GStrv) words = g_strsplit(text, " ", -1);
  for (char **w = words; *w != NULL; w++) {
    if (strchr(*w, '|') == NULL)
      continue;
    gboolean plain = TRUE;
    for (const char *c = *w; *c != '\0' && plain; c++)
      plain = g_ascii_islower(*c) || *c == '-' || *c == '|';
    if (plain)
      return g_strdelimit(g_strdup(*w), "|", ' ');
  }
  return NULL;
}

/* What bash completes after an option that takes @arg: files, directories, keys, fixed
 * values, or nothing. */
static void
completion_arg(GString *out, const CommandOption *o)
{
  g_autofree char *names = o->short_name != NULL
                               ? g_strdup_printf("%s|%s", o->name, o->short_name)
                               : g_strdup(o->name);
  g_autofree char *choices = option_choices(o->text);
  if (g_str_equal(o->name, "--set"))
    g_string_append_printf(out, "        %s) _zdsim_keys; return ;;\n", names);
  else if (g_str_equal(o->arg, "FILE"))
    g_string_append_printf(out, "        %s) _zdsim_files; return ;;\n", names);
  else if (g_str_equal(o->arg, "DIR"))
    g_string_append_printf(out, "        %s) _zdsim_dirs; return ;;\n", names);
  else if (choices != NULL)
    g_string_append_printf(out, "        %s) COMPREPLY=($(compgen -W \"%s\" -- \"$cur\")); "
                           "return ;;\n", names, choices);
  else
    g_string_append_printf(out, "        %s) return ;;\n", names);
}

static char *
completion_bash(const GPtrArray *helps)
{
  GString *out = g_string_new("# bash completion for zdsim(1); generated by "
                              "`zdsim help --completion bash`, do not edit.\n\n");
  g_string_append(out, "_zdsim_keys() {\n  local keys=\"");
  const char *const *keys = scenario_known_keys();
  for (guint i = 0; keys[i] != NULL; i++)
    g_string_append_printf(out, "%s%s=", i > 0 ? " " : "", keys[i]);
  g_string_append(out, "\"\n  compopt -o nospace 2>/dev/null\n"
                       "  COMPREPLY=($(compgen -W \"$keys\" -- \"$cur\"))\n}\n\n"
                       "_zdsim_files() {\n  compopt -o filenames 2>/dev/null\n"
                       "  COMPREPLY=($(compgen -f -- \"$cur\"))\n}\n\n"
                       "_zdsim_dirs() {\n  compopt -o filenames 2>/dev/null\n"
                       "  COMPREPLY=($(compgen -d -- \"$cur\"))\n}\n\n");
  g_string_append(out, "_zdsim() {\n"
                       "  local cur=${COMP_WORDS[COMP_CWORD]}\n"
                       "  local prev=${COMP_WORDS[COMP_CWORD-1]}\n"
                       "  COMPREPLY=()\n"
                       "  # --opt=value: bash splits at '=' (COMP_WORDBREAKS).\n"
                       "  if [[ $cur == = ]]; then cur=; elif [[ $prev == = ]]; then\n"
                       "    prev=${COMP_WORDS[COMP_CWORD-2]}\n  fi\n"
                       "  if [[ $COMP_CWORD -eq 1 ]]; then\n"
                       "    COMPREPLY=($(compgen -W \"");
  for (guint i = 0; i < helps->len; i++) {
    const CommandHelp *h = g_ptr_array_index(helps, i);
    g_string_append_printf(out, "%s ", h->cmd->name);
  }
  g_string_append(out, "--help --version\" -- \"$cur\"))\n    return\n  fi\n"
                       "  local cmd=${COMP_WORDS[1]} opts=\"--help\" args=\"\"\n"
                       "  case $cmd in\n");
  for (guint i = 0; i < helps->len; i++) {
    const CommandHelp *h = g_ptr_array_index(helps, i);
    g_string_append_printf(out, "    %s)\n      case $prev in\n", h->cmd->name);
    for (guint j = 0; j < h->options->len; j++) {
      const CommandOption *o = g_ptr_array_index(h->options, j);
      if (o->arg != NULL)
        completion_arg(out, o);
    }
    g_string_append(out, "      esac\n      opts=\"--help");
    for (guint j = 0; j < h->options->len; j++)
      g_string_append_printf(out, " %s",
                             ((const CommandOption *) g_ptr_array_index(h->options, j))->name);
    g_string_append_c(out, '"');
    if (g_str_equal(h->cmd->name, "help")) {
      g_string_append(out, "\n      args=\"keys scenario");
      for (guint j = 0; j < helps->len; j++)
        g_string_append_printf(out, " %s",
                               ((const CommandHelp *) g_ptr_array_index(helps, j))->cmd->name);
      g_string_append_c(out, '"');
    } else if (strstr(h->cmd->args, "FILE") != NULL) {
      g_string_append(out, "\n      args=@files");
    }
    g_string_append(out, "\n      ;;\n");
  }
  g_string_append(out, "  esac\n"
                       "  if [[ $cur == -* ]]; then\n"
                       "    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
                       "  elif [[ $args == @files ]]; then\n"
                       "    _zdsim_files\n"
                       "  else\n"
                       "    COMPREPLY=($(compgen -W \"$args\" -- \"$cur\"))\n"
                       "  fi\n"
                       "}\n\ncomplete -F _zdsim zdsim\n");
  return g_string_free(out, FALSE);
}

char *
cli_help_completion(const CliCommand *commands, guint n_commands, const char *shell,
                    GError **error)
{
  if (!g_str_equal(shell, "bash")) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "--completion: expected bash, got '%s'", shell);
    return NULL;
  }
  g_autoptr(GPtrArray) helps = commands_help(commands, n_commands, error);
  if (helps == NULL)
    return NULL;
  return completion_bash(helps);
}
