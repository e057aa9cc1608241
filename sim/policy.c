/* policy.c: the registry of evacuation policies (one file each: policy_<name>.c).
 * Not for any policy's behaviour. */
#include "zdsim/policy.h"

static const Policy *const builtin[] = {
  &policy_rolling,
  &policy_recreate,
  &policy_stop_start,
};

/* Written once by a test before any run starts and only read afterwards, so the thread pool
 * needs no lock for it. */
static const Policy *test_policy;

const Policy *
policy_lookup(const char *name)
{
  if (name == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS(builtin); i++)
    if (g_str_equal(builtin[i]->name, name))
      return builtin[i];
  if (test_policy != NULL && g_str_equal(test_policy->name, name))
    return test_policy;
  return NULL;
}

const char *
policy_names(void)
{
  /* Built from builtin[] on first use, so that a new policy needs its line there only; the
   * once-init makes the first call safe from any thread, and the string is never written
   * again (nor freed: it lives as long as the table). */
  static gsize names;
  if (g_once_init_enter(&names)) {
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < G_N_ELEMENTS(builtin); i++)
      g_string_append_printf(s, "%s%s", i > 0 ? ", " : "", builtin[i]->name);
    g_once_init_leave(&names, (gsize) g_string_free(s, FALSE));
  }
  return (const char *) names;
}

void
policy_register_for_tests(const Policy *policy)
{
  test_policy = policy;
}
