/* report.h: a run's figures for people (text) and programs (JSON, CSV). JSON is built with
 * json-glib, never by hand. Not for storage (store.h) or pictures (plot.h). */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "zdsim/run.h"

G_BEGIN_DECLS

/* The readable report (README, Reading the report). @timing adds the engine's wall time and speed
 * (left out of golden files because it differs per machine). Returns: (transfer full). */
char *report_text(const RunResult *result, gboolean timing);

/* The JSON object (README, JSON): every metric as {"mean", "sd", "lo", "hi"}, downtime by cause,
 * and scenario, seed, replications, horizon_s, events, and last "timing" {"wall_s",
 * "events_per_second"}. The members of document_run() (document.h), which adds "schema".
 * Returns: (transfer full). */
JsonNode *report_json_node(const RunResult *result);
/* The same as text, pretty-printed. Returns: (transfer full). */
char *report_json(const RunResult *result);

/* One header line and one line per metric: metric,mean,sd,lo,hi. Returns: (transfer full). */
char *report_csv(const RunResult *result);

/* "12.3 min", "45 s", "2.5 h": a duration in seconds for people. Returns: (transfer full). */
char *report_format_seconds(double seconds);

/* An availability as a percentage with enough digits to tell nines apart ("99.9912 %").
 * Returns: (transfer full). */
char *report_format_percent(double fraction);

G_END_DECLS
