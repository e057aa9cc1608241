/* test-platform.c: routine platform updates and cell failures (sim/platform.c): the BOSH
 * cell roll, batch by batch, and cells that vanish and come back. The test states the
 * timeline it checks. */
#include <string.h>

#include "zdsim/run.h"

/* These tests step a model event by event and read its state. */
#include "model-internal.h"
#include "model-fixture.h"

/* A cell that vanishes during its watch time and comes back watches again from the start:
 * the old watch must not end the new one. Update at T = 1 h on three cells, one per zone;
 * cell 0 recreates in 5 min and watches 10 min; zone 0 fails at T + 6 min for 2 min, so cell
 * 0 is back at T + 8 min and watches until T + 18 min, when zone 1's cell starts draining.
 * (Had the first watch counted, it would have ended at T + 15 min.) */
static void
test_watch_restarts_after_failure(void)
{
  const char *sets = "platform.cells=3 platform.azs=3 platform.cell_recreate=5m "
                     "platform.watch_time=10m scenario.horizon=1d";
  const char *sections = "[action update]\nat = 2027-01-04T01:00:00Z\naction = platform-update\n"
                         "[action outage]\nat = 2027-01-04T01:06:00Z\naction = az-outage\n"
                         "zone = 0\nduration = 2m\n";
  g_autoptr(Scenario) sc = load_full(sets, sections, NULL);
  g_autoptr(ModelCalendar) cal = model_calendar_new(sc);
  g_autoptr(Model) model = model_new(sc, cal, 0, FALSE);
  model_start(model);
  gint64 t = S(3600);
  engine_run(model->engine, t + S(17 * 60));
  g_assert_cmpint(model->cells[0].state, ==, CELL_WATCHING);
  g_assert_cmpint(model->cells[1].state, ==, CELL_UP);
  engine_run(model->engine, t + S(18 * 60) + 1);
  g_assert_cmpint(model->cells[0].state, ==, CELL_UP);
  g_assert_cmpint(model->cells[1].state, !=, CELL_UP);  /* zone 1's turn */
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/zdsim/platform/watch-restarts-after-failure",
                  test_watch_restarts_after_failure);
  return g_test_run();
}
