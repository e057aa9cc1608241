/* traffic.c: the demand on the app: a constant rate, or a business-hours profile in the traffic
 * zone (traffic.profile; README, The model in one page). Not for what the app serves
 * (metrics.c). */
#include "model-internal.h"

double
traffic_peak_rps(const Model *model)
{
  return model->sc->peak_rps;
}

double
traffic_offpeak_rps(const Model *model)
{
  const Scenario *sc = model->sc;
  return sc->traffic == SCENARIO_TRAFFIC_CONSTANT ? sc->peak_rps : sc->offpeak_rps;
}

double
traffic_offered(Model *model, gint64 a, gint64 b, gint64 *business_overlap)
{
  gint64 inside = calendar_overlap(model->cal->business_hours, a, b, &model->bh_hint);
  if (business_overlap != NULL)
    *business_overlap = inside;
  double peak = traffic_peak_rps(model), off = traffic_offpeak_rps(model);
  return (peak * (double) inside + off * (double) (b - a - inside)) / (double) DIST_USEC_PER_SEC;
}
