/* fixture.h - a fixed world for the screen tests, filled by hand: three services of the
 * runbook (api hot on cpu, agent-worker behind on its queue, dagster-run-worker rolling
 * out), the five runbook metrics with ten minutes of history, the panels' facts, one
 * alert, and a stale Prometheus. Nothing here polls or evaluates: what a golden file
 * shows depends on the screens alone. */

#ifndef FORGETOP_SCREEN_FIXTURE_H
#define FORGETOP_SCREEN_FIXTURE_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/actuator.h"
#include "forgetop/facts.h"
#include "forgetop/tui.h"
#include "forgetop/world.h"

#define FIX_NOW 1764115385.0 /* 2025-11-26 00:03:05 UTC */

static struct pod fix_pods[5];

static inline void fix_rule(struct metric_view *m, const char *id, const char *title,
                            const char *unit, const char *svc, double warn, double crit,
                            double for_s, const char *action)
{
    memset(m, 0, sizeof *m);
    strcpy(m->rule.id, id);
    strcpy(m->rule.title, title);
    strcpy(m->rule.unit, unit);
    strcpy(m->rule.service, svc);
    strcpy(m->service, svc);
    strcpy(m->from, "demo");
    m->rule.warning = warn;
    m->rule.critical = crit;
    m->rule.for_s = for_s;
    strcpy(m->rule.action, action);
}

/* 15 minutes of samples every 5 s: a slow wave around base, ending at last. */
static inline void fix_history(struct history *h, double base, double amp, double last)
{
    memset(h, 0, sizeof *h);
    for (int i = 0; i < 180; i++) {
        double t = FIX_NOW - 5.0 * (179 - i);
        double v =
            i == 179 ? last
                     : base + amp * sin(i / 9.0) + (i > 150 ? (last - base) * (i - 150) / 29.0 : 0);
        h->s[h->len++] = (struct sample){t, v};
    }
}

/* The same wave as a service's drawn series. */
static inline void fix_series(struct series *s, unsigned per_unit, double base, double amp,
                              double last)
{
    struct history h;
    fix_history(&h, base, amp, last);
    series_init(s, per_unit);
    for (size_t i = 0; i < h.len; i++)
        series_push(s, h.s[i].t, h.s[i].v);
}

static inline void fix_metric(struct metric_view *m, double value, enum band band, enum sustained s,
                              double for_s, double base, double amp)
{
    m->has_value = true;
    m->value = value;
    m->t = FIX_NOW - 1;
    m->band = band;
    m->sustain.state = s;
    m->sustain.for_s = for_s;
    fix_history(&m->hist, base, amp, value);
}

static inline struct service_view *fix_service(struct world *w, const char *name, int desired,
                                               int ready, int min, int max, double cpu, double mem)
{
    struct service_view *v = &w->services[w->n_services++];
    memset(v, 0, sizeof *v);
    strcpy(v->svc.name, name);
    strcpy(v->svc.source, "demo");
    strcpy(v->svc.namespace_, "open-forge");
    strcpy(v->svc.kind, "deployment");
    v->svc.desired = desired;
    v->svc.ready = v->svc.available = ready;
    v->svc.updated = desired;
    v->svc.min = v->min = min;
    v->svc.max = v->max = max;
    v->svc.cpu_pct = cpu;
    v->svc.mem_pct = mem;
    v->svc.mem_req_pct = NAN;
    v->svc.cpu_cores = v->svc.mem_bytes = NAN;
    v->cpu_band = cpu > 85 ? BAND_CRITICAL : cpu > 70 ? BAND_WARNING : BAND_OK;
    v->mem_band = mem > 90 ? BAND_CRITICAL : mem > 75 ? BAND_WARNING : BAND_OK;
    v->has_rule = v->has_rec = v->hpa_agrees = true;
    v->rec.replicas = desired;
    fix_series(&v->cpu_hist, 100, cpu - 10, 8, cpu);
    fix_series(&v->mem_hist, 100, mem, 3, mem);
    fix_series(&v->ready_hist, 1, ready, 0, ready);
    return v;
}

/* The panels' readings, judged and formatted by core as the world would, fresh. */
static inline void fix_views(struct world *w, const struct snapshot *s, size_t src)
{
    static struct config judge_cfg; /* the runbook's thresholds: the fixture's cfg is bare */
    config_defaults(&judge_cfg);
    w->facts = calloc(s->n_facts, sizeof *w->facts);
    for (size_t i = 0; i < s->n_facts; i++) {
        struct fact_view *v = &w->facts[w->n_facts++];
        v->f = s->facts[i];
        v->source = src;
        v->band = facts_judge(&judge_cfg, &s->facts[i]);
        v->age = 1;
        facts_format(&s->facts[i], v->text, sizeof v->text);
    }
}

static inline void fix_facts(struct world *w)
{
    struct snapshot *s = snapshot_new();
    s->taken_at = FIX_NOW - 1;
    snapshot_add_fact_num(s, "queue", "agent:tasks:pending", "queue_depth", UNIT_COUNT, 1240, NAN);
    snapshot_add_fact_num(s, "queue", "oldest item", "", UNIT_SECONDS, 192, NAN);
    snapshot_add_fact_num(s, "queue", "consumers", "", UNIT_COUNT, 3, NAN);
    snapshot_add_fact_num(s, "database", "connections", "db_connections", UNIT_COUNT, 64, 100);
    snapshot_add_fact_num(s, "database", "pool (pgbouncer)", "db_connections", UNIT_COUNT, 38, 50);
    snapshot_add_fact_num(s, "database", "replication lag", "replication_lag", UNIT_SECONDS, 0.4,
                          NAN);
    snapshot_add_fact_num(s, "redis", "memory", "redis_memory", UNIT_BYTES, 412.0 * 1048576,
                          2.0 * 1073741824);
    snapshot_add_fact_num(s, "redis", "clients", "", UNIT_COUNT, 37, NAN);
    snapshot_add_fact_num(s, "health", "api /health", "http_status", UNIT_HTTP, 200, NAN);
    fact_set_text(snapshot_add_fact_num(s, "health", "dagster", "http_status", UNIT_HTTP, 503, NAN),
                  "Service Unavailable");
    w->snaps[0] = s;
    fix_views(w, s, 0);
    struct snapshot *p = snapshot_new();
    struct alert *a = snapshot_add_alert(p);
    strcpy(a->name, "HighCPUUsage");
    strcpy(a->state, "firing");
    strcpy(a->severity, "critical");
    a->active_at = FIX_NOW - 720;
    strcpy(a->summary, "CPU usage above 85% for 10 minutes");
    strcpy(a->labels, "deployment=api namespace=open-forge");
    w->snaps[1] = p;
}

static inline struct autoscaler fix_autoscaler(const char *kind, const char *name, int min, int max,
                                               int desired, const char *conditions)
{
    struct autoscaler a = {.present = true, .min = min, .max = max, .desired = desired};
    a.desired_known = true;
    strcpy(a.kind, kind);
    strcpy(a.name, name);
    /* a view of no snapshot: nothing frees it, so a literal serves */
    a.conditions = conditions[0] ? (char *)conditions : NULL;
    a.cpu_current = a.mem_current = a.cpu_target = a.mem_target = NAN;
    return a;
}

static inline void fix_services(struct world *w)
{
    w->services = calloc(4, sizeof *w->services);
    struct service_view *v = fix_service(w, "agent-worker", 3, 3, 1, 100, 45, 38);
    v->svc.autoscaler = fix_autoscaler("KEDA", "agent-worker-scaler", 1, 100, 3, "");
    v->rec = (struct recommendation){100, true, ""};
    strcpy(v->rec.reason, "queue_depth 1240 / 10 per replica -> ceil(124) = 124 -> max 100");
    v = fix_service(w, "api", 5, 5, 3, 20, 92, 61);
    v->svc.autoscaler = fix_autoscaler("HPA", "api", 3, 20, 5, "ScalingActive: True");
    v->svc.res = (struct resources){2.5, 5, 2.5 * 1073741824.0, 5 * 1073741824.0};
    v->rec = (struct recommendation){7, true, ""};
    strcpy(v->rec.reason, "cpu 92% / target 70% -> ceil(5 x 1.31) = 7; memory 61% / 80% -> 5");
    for (int i = 0; i < 5; i++) {
        struct pod *p = &fix_pods[i];
        memset(p, 0, sizeof *p);
        snprintf(p->name, sizeof p->name, "api-7d9f8c6b5-%c%c4x%d", 'a' + i, 'k' + i, i);
        strcpy(p->phase, "Running");
        p->ready = true;
        p->restarts = i == 3 ? 2 : 0;
        p->started_at = FIX_NOW - 3600 * (i + 1);
        snprintf(p->node, sizeof p->node, "worker-%d", i % 2 + 1);
        p->cpu_cores = 0.46;
        p->mem_bytes = 640.0 * 1048576;
    }
    v->svc.pods = fix_pods;
    v->svc.n_pods = 5;
    v = fix_service(w, "dagster-run-worker", 2, 1, 1, 10, 30, 80);
    v->svc.max = 0; /* bounds from the rule, not the source */
    strcpy(v->rec.reason, "cpu 30% / target 70% -> ceil(1 x 0.43) = 1; held at 2 by the 300 s "
                          "scale-down window");
}

/* Fill w (and the config it points to) with the fixed world. */
static inline void fixture_build(struct world *w, struct config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->delay_s = 2;
    strcpy(cfg->namespace_, "open-forge");
    static unsigned long builds;
    memset(w, 0, sizeof *w);
    w->cfg = cfg;
    w->now = FIX_NOW;
    /* each build is new to the screens' caches (world_init hands out its own revisions);
     * a test that edits the views afterwards bumps it, as world_apply would */
    w->revision = (1UL << 30) + ++builds;
    strcpy(w->context, "demo");
    const char *names[] = {"demo", "prometheus", "postgres"};
    for (size_t i = 0; i < 3; i++) {
        strcpy(w->sources[i].name, names[i]);
        w->sources[i].state = i == 1 ? SOURCE_STALE : SOURCE_OK;
        w->sources[i].last_ok = FIX_NOW - (i == 1 ? 75 : 1 + (double)i);
        w->sources[i].last_try = FIX_NOW - 1;
    }
    strcpy(w->sources[1].error, "connect to 127.0.0.1:9090: Connection refused");
    w->n_sources = 3;
    struct metric_view *m = w->metrics;
    fix_rule(&m[0], "cpu", "CPU usage", "%", "api", 70, 85, 600, "horizontal scale");
    fix_metric(&m[0], 92, BAND_CRITICAL, SUSTAINED_FIRING, 720, 78, 10);
    fix_rule(&m[1], "memory", "Memory usage", "%", "api", 75, 90, 600, "vertical scale");
    fix_metric(&m[1], 61, BAND_OK, SUSTAINED_INACTIVE, 0, 58, 4);
    fix_rule(&m[2], "latency_p99", "API latency p99", "ms", "api", 500, 2000, 600,
             "scale API or DB");
    fix_metric(&m[2], 740, BAND_WARNING, SUSTAINED_PENDING, 180, 420, 150);
    fix_rule(&m[3], "queue_depth", "Queue depth", "", "agent-worker", 1000, 5000, 300,
             "scale workers");
    fix_metric(&m[3], 1240, BAND_WARNING, SUSTAINED_PENDING, 120, 600, 400);
    fix_rule(&m[4], "db_connections", "DB connections", "%", "", 80, 95, 0, "scale DB");
    strcpy(m[4].from, "postgres");
    fix_metric(&m[4], 64, BAND_OK, SUSTAINED_INACTIVE, 0, 55, 8);
    w->n_metrics = 5;
    fix_services(w);
    fix_facts(w);
}

static inline void fixture_free(struct world *w)
{
    for (size_t i = 0; i < WORLD_MAX_SOURCES; i++)
        snapshot_free(w->snaps[i]);
    free(w->services);
    free(w->facts);
}

/* The submit callback the actuator hands approved requests to: counts them. */
struct fix_scaler {
    unsigned long n;
    struct scale_request last;
    struct scale_request reqs[4]; /* the first four, in order */
};

static inline int fix_submit(void *ctx, const struct scale_request *req)
{
    struct fix_scaler *s = ctx;
    if (s->n < 4)
        s->reqs[s->n] = *req;
    s->n++;
    s->last = *req;
    return 0;
}

#endif
