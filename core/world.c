/* world.c - merge the sources' snapshots into what the screens and the report read.
 *
 * Readings feed each metric's history; bands and sustained states are re-derived from
 * the history at every evaluation, but recommendations only every WORLD_SYNC_S, the way
 * the HPA controller syncs, so its stabilisation window sees the same cadence. */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/text.h"
#include "forgetop/world.h"

/* A sample older than this no longer gives a band: the panel says "no data". */
#define WORLD_MAX_AGE_S 300.0

void world_init(struct world *w, const struct config *cfg)
{
    memset(w, 0, sizeof(*w));
    w->cfg = cfg;
    /* the tier depends on the configured users only */
    w->tier = cfg->users > 0 ? recommend_tier(cfg->tiers, cfg->n_tiers, cfg->users) : NULL;
    for (size_t i = 0; i < cfg->n_metrics && i < WORLD_MAX_METRICS; i++) {
        struct metric_view *m = &w->metrics[w->n_metrics++];
        m->rule = cfg->metrics[i];
        memcpy(m->service, m->rule.service, sizeof(m->service));
        history_init(&m->hist);
        m->value = NAN;
        m->band = BAND_UNKNOWN;
    }
}

size_t world_add_source(struct world *w, const char *name)
{
    if (w->n_sources >= WORLD_MAX_SOURCES)
        return WORLD_MAX_SOURCES - 1;
    size_t i = w->n_sources++;
    text_sanitize(w->sources[i].name, sizeof(w->sources[i].name), name);
    w->sources[i].state = SOURCE_STARTING;
    return i;
}

void world_free(struct world *w)
{
    for (size_t i = 0; i < w->n_sources; i++)
        snapshot_free(w->snaps[i]);
    free(w->services);
    w->services = NULL;
    w->n_services = w->cap_services = 0;
}

void world_set_status(struct world *w, size_t i, const struct source_status *st)
{
    if (i < w->n_sources)
        w->sources[i] = *st;
}

static bool source_is_ok(const struct world *w, const char *name)
{
    for (size_t i = 0; i < w->n_sources; i++)
        if (strcmp(w->sources[i].name, name) == 0)
            return w->sources[i].state == SOURCE_OK;
    return false;
}

/* A metric takes a reading from its preferred kind of source, and from any other while
 * the one that supplied it last is not ok: Prometheus first, the cluster as fallback. */
static bool accepts(const struct world *w, const struct metric_view *m, const char *src)
{
    bool from_prom = strcmp(src, "prometheus") == 0;
    bool prefer_prom = strcmp(m->rule.prefer, "cluster") != 0;
    if (from_prom == prefer_prom || m->from[0] == '\0' || strcmp(m->from, src) == 0)
        return true;
    return !source_is_ok(w, m->from);
}

/* The view of a reading's metric for its service. A rule names one service; a reading of
 * the same metric for another (PgBouncer's pool beside PostgreSQL's max_connections)
 * gets a view of its own, with the same thresholds. */
static struct metric_view *metric_for(struct world *w, const struct reading *r)
{
    struct metric_view *same_id = NULL;
    for (size_t i = 0; i < w->n_metrics; i++) {
        struct metric_view *m = &w->metrics[i];
        if (strcmp(m->rule.id, r->metric) != 0)
            continue;
        if (r->service[0] == '\0' || m->service[0] == '\0' || strcmp(m->service, r->service) == 0)
            return m;
        if (same_id == NULL)
            same_id = m;
    }
    if (same_id == NULL || w->n_metrics >= WORLD_MAX_METRICS)
        return NULL;
    struct metric_view *m = &w->metrics[w->n_metrics++];
    memset(m, 0, sizeof(*m));
    m->rule = same_id->rule;
    memcpy(m->service, r->service, sizeof(m->service));
    history_init(&m->hist);
    m->value = NAN;
    m->band = BAND_UNKNOWN;
    return m;
}

static void apply_readings(struct world *w, size_t src, const struct snapshot *snap)
{
    for (size_t i = 0; i < snap->n_readings; i++) {
        const struct reading *r = &snap->readings[i];
        struct metric_view *m = metric_for(w, r);
        if (m == NULL || !accepts(w, m, w->sources[src].name))
            continue;
        if (m->has_value && r->t < m->t)
            continue; /* an older backfill sample: the history may still take it */
        history_push(&m->hist, r->t, r->value);
        m->has_value = true;
        m->value = r->value;
        m->t = r->t;
        snprintf(m->note, sizeof(m->note), "%s", r->note);
        snprintf(m->from, sizeof(m->from), "%s", w->sources[src].name);
    }
}

static struct service_view *find_view(struct world *w, size_t src, const char *name)
{
    for (size_t i = 0; i < w->n_services; i++)
        if (w->services[i].source == src && strcmp(w->services[i].svc.name, name) == 0)
            return &w->services[i];
    return NULL;
}

static struct service_view *add_view(struct world *w, size_t src, const struct service *svc)
{
    if (w->n_services == w->cap_services) {
        size_t cap = w->cap_services ? w->cap_services * 2 : 8;
        struct service_view *nv = realloc(w->services, cap * sizeof(*nv));
        if (nv == NULL)
            return NULL;
        w->services = nv;
        w->cap_services = cap;
    }
    struct service_view *v = &w->services[w->n_services++];
    memset(v, 0, sizeof(*v));
    v->source = src;
    v->svc = *svc;
    v->rec_t = -1e18;
    hpa_state_init(&v->hpa);
    history_init(&v->cpu_hist);
    history_init(&v->mem_hist);
    history_init(&v->ready_hist);
    return v;
}

static int view_cmp(const void *a, const void *b)
{
    const struct service_view *x = a, *y = b;
    if (x->source != y->source)
        return x->source < y->source ? -1 : 1;
    return strcmp(x->svc.name, y->svc.name);
}

/* Drop the views of src that its newest snapshot no longer has. */
static void drop_unseen(struct world *w, size_t src)
{
    size_t o = 0;
    for (size_t i = 0; i < w->n_services; i++) {
        if (w->services[i].source == src && !w->services[i].seen)
            continue;
        if (o != i)
            w->services[o] = w->services[i];
        o++;
    }
    w->n_services = o;
}

static void apply_services(struct world *w, size_t src, const struct snapshot *snap, double now)
{
    bool added = false;
    for (size_t i = 0; i < w->n_services; i++)
        if (w->services[i].source == src)
            w->services[i].seen = false;
    for (size_t i = 0; i < snap->n_services; i++) {
        const struct service *svc = &snap->services[i];
        struct service_view *v = find_view(w, src, svc->name);
        if (v == NULL) {
            v = add_view(w, src, svc);
            if (v == NULL)
                continue;
            added = true;
        } else if (v->svc.desired != svc->desired) {
            hpa_state_note_scale(&v->hpa, now, v->svc.desired, svc->desired);
            v->rec_t = -1e18; /* the count moved: recommend afresh */
        }
        v->svc = *svc;
        v->seen = true;
        history_push(&v->cpu_hist, snap->taken_at, svc->cpu_pct);
        history_push(&v->mem_hist, snap->taken_at, svc->mem_pct);
        history_push(&v->ready_hist, snap->taken_at, svc->ready);
    }
    drop_unseen(w, src);
    if (added)
        qsort(w->services, w->n_services, sizeof(*w->services), view_cmp);
}

/* A denial by any source wins over another's yes: the badge must not promise a write. */
static enum permission worst_permission(enum permission a, enum permission b)
{
    return a == PERM_DENIED || b == PERM_DENIED     ? PERM_DENIED
           : a == PERM_ALLOWED || b == PERM_ALLOWED ? PERM_ALLOWED
                                                    : PERM_UNKNOWN;
}

/* Context, notices and RBAC for the header. Production is not decided here: the
 * actuator holds that one decision (actuator_observe) and the world only mirrors it. */
static void apply_header(struct world *w)
{
    w->context[0] = w->notice[0] = '\0';
    memset(&w->access, 0, sizeof w->access);
    for (size_t i = 0; i < w->n_sources; i++) {
        const struct snapshot *s = w->snaps[i];
        if (s == NULL)
            continue;
        if (w->context[0] == '\0' && s->context[0] != '\0')
            snprintf(w->context, sizeof(w->context), "%s", s->context);
        if (s->notice[0] != '\0') {
            size_t n = strlen(w->notice);
            snprintf(w->notice + n, sizeof(w->notice) - n, "%s%s", n ? "; " : "", s->notice);
        }
        w->access.scale = worst_permission(w->access.scale, s->access.scale);
        w->access.hpa_min = worst_permission(w->access.hpa_min, s->access.hpa_min);
        if (s->access.checked_at > w->access.checked_at)
            w->access.checked_at = s->access.checked_at;
    }
}

void world_apply(struct world *w, size_t i, struct snapshot *snap, double now)
{
    if (i >= w->n_sources || snap == NULL) {
        snapshot_free(snap);
        return;
    }
    apply_readings(w, i, snap);
    apply_services(w, i, snap, now);
    snapshot_free(w->snaps[i]);
    w->snaps[i] = snap; /* after the copy: the views' pods point into it */
    apply_header(w);
}

void world_scale_target(const struct service_view *v, struct service *out)
{
    *out = v->svc;
    out->min = v->min;
    out->max = v->max;
}

const struct metric_view *world_metric(const struct world *w, const char *id)
{
    for (size_t i = 0; i < w->n_metrics; i++)
        if (strcmp(w->metrics[i].rule.id, id) == 0)
            return &w->metrics[i];
    return NULL;
}

const struct service_view *world_service(const struct world *w, const char *source,
                                         const char *name)
{
    for (size_t i = 0; i < w->n_services; i++) {
        const struct service_view *v = &w->services[i];
        if (strcmp(v->svc.name, name) == 0 &&
            (source == NULL || strcmp(w->sources[v->source].name, source) == 0))
            return v;
    }
    return NULL;
}

static void evaluate_metric(struct metric_view *m, double now)
{
    if (!m->has_value || now - m->t > WORLD_MAX_AGE_S) {
        m->band = BAND_UNKNOWN;
        m->sustain = (struct sustain){SUSTAINED_INACTIVE, 0, 0};
        return;
    }
    m->band = bands_classify(&m->rule, m->value);
    m->sustain = bands_sustained(&m->rule, &m->hist, now);
}

static enum band band_of(const struct world *w, const char *id, double v)
{
    const struct metric_view *m = world_metric(w, id);
    if (m == NULL || isnan(v))
        return BAND_UNKNOWN;
    return bands_classify(&m->rule, v);
}

/* The bounds a recommendation respects: the autoscaler's, else the config's. */
static void effective_bounds(const struct service_view *v, const struct service_rule *r, int *min,
                             int *max)
{
    *min = 0;
    *max = 0;
    if (v->svc.max > 0) {
        *min = v->svc.min;
        *max = v->svc.max;
    } else if (r != NULL && r->kind == RULE_HPA) {
        *min = r->hpa.min;
        *max = r->hpa.max;
    } else if (r != NULL && r->kind == RULE_QUEUE) {
        *min = r->queue.min;
        *max = r->queue.max;
    }
}

static void recommend_service(struct world *w, struct service_view *v, double now)
{
    const struct service_rule *r = config_service(w->cfg, v->svc.name);
    effective_bounds(v, r, &v->min, &v->max);
    if (r == NULL || r->kind == RULE_NONE) {
        v->has_rule = false;
        v->rec.replicas = v->svc.desired;
        v->rec.changes = false;
        snprintf(v->rec.reason, sizeof(v->rec.reason), "no rule for %s", v->svc.name);
        return;
    }
    if (now - v->rec_t < WORLD_SYNC_S)
        return;
    v->has_rule = true;
    v->rec_t = now;
    if (r->kind == RULE_HPA) {
        struct hpa_rule hr = r->hpa;
        hr.min = v->min;
        hr.max = v->max;
        struct hpa_input in = {v->svc.desired, v->svc.ready, v->svc.cpu_pct, v->svc.mem_pct};
        recommend_hpa(&hr, &in, &v->hpa, now, &v->rec);
        return;
    }
    struct queue_rule qr = r->queue;
    qr.min = v->min;
    qr.max = v->max;
    const struct metric_view *m = world_metric(w, r->queue_metric);
    double depth = (m != NULL && m->band != BAND_UNKNOWN) ? m->value : NAN;
    if (isnan(depth)) {
        v->rec.replicas = v->svc.desired;
        v->rec.changes = false;
        snprintf(v->rec.reason, sizeof(v->rec.reason), "no %s reading: no recommendation",
                 r->queue_metric);
        v->rec_t = -1e18;
        return;
    }
    recommend_queue(&qr, v->svc.desired, v->svc.ready, depth, &v->hpa, now, &v->rec);
}

void world_predict(const struct world *w, const struct service_view *v, int replicas, char *out,
                   size_t len)
{
    (void)w;
    out[0] = '\0';
    int base = v->svc.ready > 0 ? v->svc.ready : v->svc.desired;
    if (replicas <= 0 || base <= 0)
        return;
    /* Load spreads evenly over the ready replicas: per-replica use scales by base/new. The
     * current figure is truncated as the HPA truncates utilisation, so it matches the reason. */
    double f = (double)base / replicas;
    size_t n = 0;
    if (!isnan(v->svc.cpu_pct))
        n += snprintf(out + n, len - n, "cpu %.0f%% -> ~%.0f%%", floor(v->svc.cpu_pct),
                      round(v->svc.cpu_pct * f));
    if (!isnan(v->svc.mem_pct) && n < len)
        snprintf(out + n, len - n, "%smemory %.0f%% -> ~%.0f%%", n ? ", " : "",
                 floor(v->svc.mem_pct), round(v->svc.mem_pct * f));
}

/* The newest reading of a metric no rule tracks (counts that only the advice uses). */
static double latest_reading(const struct world *w, const char *metric)
{
    double t = -1, v = NAN;
    for (size_t i = 0; i < w->n_sources; i++) {
        const struct snapshot *s = w->snaps[i];
        for (size_t j = 0; s != NULL && j < s->n_readings; j++)
            if (strcmp(s->readings[j].metric, metric) == 0 && s->readings[j].t > t) {
                t = s->readings[j].t;
                v = s->readings[j].value;
            }
    }
    return v;
}

/* The runbook's database advice needs counts: sources report them as the readings
 * db_connections_used and db_connections_max (and db_replicas) beside the percentage. */
static void evaluate_database(struct world *w)
{
    w->db_advice[0] = '\0';
    const struct metric_view *m = world_metric(w, "db_connections");
    if (m == NULL || m->band == BAND_UNKNOWN || m->band == BAND_OK)
        return;
    struct db_input in = {0};
    in.used = latest_reading(w, "db_connections_used");
    in.limit = latest_reading(w, "db_connections_max");
    if (isnan(in.used) || isnan(in.limit) || in.limit <= 0) {
        in.used = m->value; /* only the percentage is known: advise on it as such */
        in.limit = 100.0;
    }
    double replicas = latest_reading(w, "db_replicas");
    in.replicas = isnan(replicas) ? 0 : (int)replicas;
    in.warning = m->rule.warning / 100.0;
    in.critical = m->rule.critical / 100.0;
    for (size_t i = 0; i < w->n_sources; i++)
        in.pgbouncer |= strcmp(w->sources[i].name, "pgbouncer") == 0;
    const struct service_view *api = world_service(w, NULL, "api");
    in.api_replicas = api ? api->svc.desired : 0;
    recommend_database(&in, w->db_advice, sizeof(w->db_advice));
}

void world_evaluate(struct world *w, double now)
{
    w->now = now;
    for (size_t i = 0; i < w->n_metrics; i++)
        evaluate_metric(&w->metrics[i], now);
    for (size_t i = 0; i < w->n_services; i++) {
        struct service_view *v = &w->services[i];
        v->cpu_band = band_of(w, "cpu", v->svc.cpu_pct);
        v->mem_band = band_of(w, "memory", v->svc.mem_pct);
        recommend_service(w, v, now);
        v->rec.changes = v->rec.replicas != v->svc.desired;
        world_predict(w, v, v->rec.replicas, v->prediction, sizeof(v->prediction));
    }
    evaluate_database(w);
}

enum band world_worst_band(const struct world *w)
{
    for (size_t i = 0; i < w->n_sources; i++)
        if (w->sources[i].state != SOURCE_OK)
            return BAND_UNKNOWN;
    enum band worst = BAND_OK;
    for (size_t i = 0; i < w->n_metrics; i++) {
        const struct metric_view *m = &w->metrics[i];
        if (m->has_value && m->band != BAND_UNKNOWN && m->band > worst)
            worst = m->band;
    }
    return worst;
}
