/* policy.h: the evacuation policy interface and the registry of policies.
 *
 * An evacuation policy decides what happens to the app's instances on a Diego cell that the
 * platform drains (README, The model in one page). Each policy is one file, sim/policy_<name>.c,
 * exporting one const Policy; a new policy is a new file plus its line in the registry. Not for the
 * lifecycle itself (instance.h), which the policies drive through the model's verbs. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct Model Model;

/* What a policy's poll depends on, so that the platform schedules only the polls that can act
 * (every poll that is left out would have changed nothing). */
typedef enum {
  POLICY_POLLS_ALL,      /* the default: every poll runs */
  POLICY_POLLS_SETTLED,  /* after the first, a poll acts only on an evacuating copy whose
                            index has become RUNNING or CRASHED since: only the first poll
                            at or after such a change runs */
  POLICY_POLLS_NONE,     /* a poll never acts */
} PolicyPolls;

typedef struct Policy {
  const char *name;     /* as written in policy.evacuation */
  const char *summary;  /* one line for `zdsim help` and reports */
  /* The cell stopped taking work and its drain starts now. */
  void (*drain_start)(Model *model, guint cell);
  /* An evacuation poll of a draining cell (every platform.evacuation_poll from drain start,
   * after every other event of the same instant). */
  void (*poll)(Model *model, guint cell);
  /* The evacuation timeout of a draining cell ended. */
  void (*timeout)(Model *model, guint cell);
  /* Which polls can be left out because they would find nothing to do (the platform then
   * never schedules them; the polls that run keep their times and their order). */
  PolicyPolls polls;
} Policy;

/* The built-in policies (README, The model in one page; each file names its sources). */
extern const Policy policy_rolling;    /* start-new-before-stop-old: Diego's default */
extern const Policy policy_recreate;   /* stop first, one index at a time */
extern const Policy policy_stop_start; /* stop everything on the cell, then start again */

/* The policy called @name, or NULL when none is. */
const Policy *policy_lookup(const char *name);

/* The names of the built-in policies in registry order, comma separated, for messages
 * ("rolling, recreate, stop-start"). Returns: (transfer none) a string that lives as long as
 * the process. */
const char *policy_names(void);

/* Makes @policy selectable by name for the rest of the process. For tests only (a deliberately
 * wrong policy that proves the regression suite catches it); call before any run starts. */
void policy_register_for_tests(const Policy *policy);

G_END_DECLS
