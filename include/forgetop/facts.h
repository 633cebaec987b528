/* facts.h - the panels' readings judged and formatted, once, for every source: one table
 * of judging rules (id -> thresholds from the config), one format per unit, and a
 * queue's trend (growth per minute, time to drain) from its depth history.
 *
 * Pure: the time and the config come in as arguments. */

#ifndef FORGETOP_FACTS_H
#define FORGETOP_FACTS_H

#include <stddef.h>

#include "forgetop/config.h"
#include "forgetop/history.h"
#include "forgetop/model.h"

/* The window a queue's growth is measured over. */
#define FACTS_TREND_WINDOW_S 300.0

/* The band of f by the rule it names: BAND_OK for "" (not judged) and for a rule this
 * table does not know, BAND_UNKNOWN for a number with no data (except where the rule
 * says a missing answer is itself bad: an unreachable health probe). */
enum band facts_judge(const struct config *cfg, const struct fact *f);
/* Does the table know this rule id? */
bool facts_rule_known(const char *id);
/* f's value as the panels draw it: "64 / 100 (64%)", "412.0M", "0.40 s", "no data". */
void facts_format(const struct fact *f, char *out, size_t len);
/* A figure a server sent that its unit cannot hold (-5 clients, a NaN or a 250 % hit
 * ratio, an infinite count) is no data, never drawn as a number: f's value becomes NAN
 * and its text the reason ("server sent -5"). False when f was changed. */
bool facts_admit(struct fact *f);
/* The same for a metric's reading, by the metric's unit ("%", "ms", "s", "" or "items": none
 * is negative; a unit this table does not know admits any number): false, value NAN and
 * note the reason when it was nonsense. */
bool facts_admit_reading(const char *unit, double *value, char *note, size_t len);
/* The unit's name in the JSON report: "count", "percent", ... */
const char *facts_unit_name(enum unit u);
/* Growth per minute over the FACTS_TREND_WINDOW_S before the newest sample (NAN with
 * fewer than two samples or less than a second between them), and time to drain in
 * seconds at that rate: 0 when empty, INFINITY when not shrinking, NAN when unknown. */
void facts_trend(const struct history *h, double *per_min, double *drain_s);

#endif
