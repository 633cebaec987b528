/* world.h - everything the screens and the JSON report read: the sources' latest
 * snapshots merged, each metric's history, band and sustained state, and each
 * service's recommendation. Owned and updated by the UI thread only.
 *
 * Pure: snapshots and the time come in as arguments. */

#ifndef FORGETOP_WORLD_H
#define FORGETOP_WORLD_H

#include <stdbool.h>
#include <stddef.h>

#include "forgetop/bands.h"
#include "forgetop/config.h"
#include "forgetop/history.h"
#include "forgetop/model.h"
#include "forgetop/recommend.h"
#include "forgetop/series.h"

#define WORLD_MAX_SOURCES 12
#define WORLD_MAX_METRICS 32

struct metric_view {
    struct metric_rule rule;
    char service[FT_NAME_MAX];
    char from[FT_ID_MAX]; /* source that supplied the newest sample */
    struct history hist;
    bool has_value;
    double value, t;
    char note[64]; /* "empty result", "NaN", "" */
    enum band band;
    struct sustain sustain;
};

struct service_view {
    struct service svc; /* a copy; svc.pods points into the owning snapshot */
    size_t source;      /* index into world.sources */
    bool has_rule;
    bool has_rec; /* has_rule and the rule could compute a count (else rec.replicas = desired) */
    struct recommendation rec;
    /* Owned, made on first use (a change of count seen, a recommendation): 2 KB that a
     * service no rule or autoscaler judges, most of thousands, never needs. NULL before. */
    struct hpa_state *hpa;
    int min, max; /* effective bounds: source's, else the rule's */
    enum band cpu_band, mem_band;
    /* what the charts draw (series.h: ~0.6 KB for the three); judgements read metrics' */
    struct series cpu_hist, mem_hist, ready_hist;
    /* When the readings rec and its reason were computed from were taken (the source's
     * snapshot time): both come from one evaluation of the figures the table shows,
     * recomputed at every evaluation (and world_predict's text from them when drawn). */
    double rec_t;
    bool seen; /* present in its source's newest snapshot */
    /* The autoscaler's own figures against ours (same pods, same formula): false when
     * one differs by more than the HPA's tolerance of its target; hpa_note says which. */
    bool hpa_agrees;
    char hpa_note[160];
};

/* A panel's reading as the screens and the report see it: judged, formatted, and marked
 * with its source's freshness. Rebuilt from the snapshots at every evaluation. */
struct fact_view {
    struct fact f;
    size_t source;  /* index into world.sources */
    enum band band; /* by its rule; BAND_UNKNOWN when it has no data */
    bool stale;     /* its source is not ok: the figure is the last one it gave */
    double age;     /* seconds since its source's last good poll (or since f.t) */
    char text[128]; /* the value formatted by its unit */
};

struct world {
    const struct config *cfg;
    size_t n_sources;
    struct source_status sources[WORLD_MAX_SOURCES];
    struct snapshot *snaps[WORLD_MAX_SOURCES]; /* latest per source, owned */

    struct service_view *services; /* sorted by source then name */
    size_t n_services;
    size_t cap_services; /* grown by doubling */
    /* Changes whenever a view may have (apply, evaluate), unique over every world of the
     * process: what the screens may cache an order of thousands of rows by. */
    unsigned long revision;
    struct metric_view metrics[WORLD_MAX_METRICS];
    size_t n_metrics;

    struct fact_view *facts; /* in source order, each source's as it sent them */
    size_t n_facts, cap_facts;
    char classes[WORLD_MAX_SOURCES][16]; /* each source's reading_class, from its snapshot */

    char context[FT_NAME_MAX];
    /* Where the source that named the context reads: its namespace, or all of them. */
    char namespace_[FT_NAME_MAX];
    bool all_namespaces;
    char notice[FT_TEXT_MAX];
    struct access access; /* over every source: a denial by any wins */
    char db_advice[512];
    const struct sizing_tier *tier;
    double now;
    /* Mirrors of the actuator's one decision (actuator_observe), for the screens and the
     * JSON: the world never decides production or read-only itself. */
    bool production;
    bool read_only;
    char read_only_why[FT_TEXT_MAX]; /* the actuator's words for it, "" when writable */
};

void world_init(struct world *w, const struct config *cfg);
/* Register a source by name; returns its index. */
size_t world_add_source(struct world *w, const char *name);
/* Take ownership of source i's new snapshot; its readings go into the histories. */
void world_apply(struct world *w, size_t i, struct snapshot *snap, double now);
void world_set_status(struct world *w, size_t i, const struct source_status *st);
/* Forget everything source i said (services, its metrics' samples, its snapshot): it now
 * reads another target, and nothing of the old one may stay on screen. */
void world_clear_source(struct world *w, size_t i);
/* The one rule for a source's state: from its failures and its timing (last good poll,
 * the poll under way, interval and timeout), decide ok / stale / failing as of now and
 * word the lateness ("no answer for 12 s"). Late is past the first missed deadline: a
 * poll running longer than its timeout, or no good poll for one interval plus it. */
void world_judge_source(struct source_status *st, double now);
/* Bands, sustained states, recommendations, advice, as of now. */
void world_evaluate(struct world *w, double now);
/* world_evaluate less what each evaluation rebuilds from nothing (facts, advice,
 * predictions): for a replay's polls before the one it shows, which the sustained states
 * need one by one; a world_evaluate must follow before anything is read. */
void world_evaluate_clock(struct world *w, double now);
void world_free(struct world *w);

const struct service_view *world_service(const struct world *w, const char *source,
                                         const char *name);
/* The same within namespace ns (NULL: any): two namespaces may hold one name. */
const struct service_view *world_service_ns(const struct world *w, const char *source,
                                            const char *ns, const char *name);
const struct metric_view *world_metric(const struct world *w, const char *id);
/* The service as the actuator must judge a scale of it: the source's, with the bounds
 * the recommendation respects (the autoscaler's, else the config's). */
void world_scale_target(const struct service_view *v, struct service *out);
/* Predicted utilisation of a service at `replicas`, as text (`cpu 92% -> ~66%`). Made
 * where it is shown (one service's detail, --json), not at each evaluation: formatting it
 * for 2000 services every poll was a sixth of the live dashboard's CPU. */
void world_predict(const struct world *w, const struct service_view *sv, int replicas, char *out,
                   size_t len);
/* The first fact view of panel with label, NULL when none. */
const struct fact_view *world_fact(const struct world *w, const char *panel, const char *label);
/* Worst band over every metric (for --check), BAND_UNKNOWN when a source failed. */
enum band world_worst_band(const struct world *w);
/* The newest reading of a metric over every source's snapshot, rule or not (the counts
 * behind a percentage, a queue's throughput); NAN when none has one. */
double world_latest_reading(const struct world *w, const char *metric);
/* The source name forgetop's own pending and firing metrics are listed under, beside the
 * alerts a source reports; true for a metric that is one now. */
#define WORLD_OWN_ALERTS "forgetop"
bool world_metric_alerting(const struct metric_view *m);

#endif
