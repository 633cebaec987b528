/* prometheus.h - reading Prometheus's HTTP API answers (queries and alerts) into the
 * model; the source itself is prometheus_source_new() in source.h.
 *
 * The parsers take the body as text so they are tested without a server. */

#ifndef FORGETOP_PROMETHEUS_H
#define FORGETOP_PROMETHEUS_H

#include <stddef.h>

#include "forgetop/model.h"

/* Parse results: a value (maybe NAN with a note), Prometheus refused the query (its
 * errorType and error in err), or the body is not a Prometheus answer. */
enum prom_parse { PROM_OK = 0, PROM_QUERY_ERROR = 1, PROM_GARBAGE = -1 };

/* One /api/v1/query answer as one reading: value x scale at its sample time. Vector:
 * the first sample (a note says when there were more); scalar; matrix: the last point.
 * NaN, +Inf, -Inf, an empty result and warnings are notes, never 0. metric and service
 * of out are left to the caller. */
enum prom_parse prometheus_parse_instant(const char *body, double scale, struct reading *out,
                                         char *err, size_t errlen);

/* An /api/v1/query_range answer: each point of the first series (its newest HISTORY_CAP)
 * becomes a reading of metric for service in snap. Returns the number of points, or -1
 * with err. */
int prometheus_parse_range(const char *body, double scale, const char *metric, const char *service,
                           struct snapshot *snap, char *err, size_t errlen);

/* /api/v1/alerts: every alert into snap, plus facts with the firing and pending counts.
 * 0, or -1 with err. */
int prometheus_parse_alerts(const char *body, struct snapshot *snap, char *err, size_t errlen);

/* RFC 3339 ("2026-11-26T17:30:01.5Z", "+02:00" offsets) to unix seconds; 0 if unreadable. */
double prometheus_parse_time(const char *s);

/* How a metric's PromQL result becomes the unit the runbook shows it in. */
double prometheus_default_scale(const char *metric);

#endif
