/* bands.h - ok / warning / critical for a value, and whether it is sustained.
 *
 * Thresholds are strict, as the runbook's alert rules are (`> 0.7`): a value exactly on
 * a threshold is in the band below it. Sustained follows a Prometheus rule with `for:`. */

#ifndef FORGETOP_BANDS_H
#define FORGETOP_BANDS_H

#include "forgetop/history.h"
#include "forgetop/model.h"

struct metric_rule {
    char id[FT_ID_MAX];        /* "cpu" */
    char title[48];            /* "CPU usage" */
    char unit[8];              /* "%", "ms", "", "s" */
    char service[FT_NAME_MAX]; /* the service it describes ("api") */
    double warning, critical;  /* strict: value > threshold */
    double for_s;              /* sustained window; 0 = none */
    char action[48];           /* "horizontal scale" */
    char query[512];           /* PromQL, "" = not from Prometheus */
    char prefer[16];           /* "metrics" or "cluster": the class of source that wins */
    double scale;              /* query result x scale = the unit above; 0: the prometheus source's
                                  default for the id (cpu, memory, db 100; latency_p99 1000) */
    char alert[FT_NAME_MAX];   /* the alert rule that watches it ("HighCPU"); "" none: while a
                                  source reports that alert, its state and activeAt are used */
};

struct sustain {
    enum sustained state;
    double for_s; /* how long it has been over the warning threshold */
    double since; /* unix seconds it went over, 0 when inactive */
};

enum band bands_classify(const struct metric_rule *r, double value);
/* A service's readiness: none of N > 0 ready is critical (nothing serves), fewer than
 * desired a warning; scaled to zero on purpose, or all ready, is ok. */
enum band bands_ready(int ready, int desired);

/* The longest gap between two samples that still counts as continuous; a longer gap
 * resets pending, as a missed evaluation resets a Prometheus rule. */
#define BANDS_MAX_GAP_S 90.0

/* Sustained state of the warning threshold at time now, from the history: samples after
 * now are ignored; inactive when the newest is at or under the threshold, NAN, or older
 * than BANDS_MAX_GAP_S (the series went stale); otherwise since = the first sample of
 * the unbroken run over the threshold, for_s = now - since, and firing once for_s >=
 * r->for_s (at once when r->for_s is 0), pending before. */
struct sustain bands_sustained(const struct metric_rule *r, const struct history *h, double now);
/* The same on the readings' own clock: since the time rate_from it runs rate of its
 * seconds per second of now (a demo at --demo-speed 60: 60, from its first poll; one to
 * one before, as its backfill), so for_s counts their seconds; the gap that breaks a run
 * stays in seconds of now, as it stands for missed polls. */
struct sustain bands_sustained_at(const struct metric_rule *r, const struct history *h, double now,
                                  double rate, double rate_from);
/* The state an alert rule's own engine reports (Prometheus: "pending" or "firing" since
 * activeAt), as of now on the same clock. */
struct sustain bands_sustained_alert(const char *state, double active_at, double now);

#endif
