/* world.c - merge the sources' snapshots into what the screens and the report read.
 *
 * Readings feed each metric's history; bands, sustained states and recommendations are
 * re-derived at every evaluation from the figures the screens show, so a count, its
 * reason and its prediction never disagree with the table (recommend_hpa keeps one
 * recommendation per distinct count, so its windows do not mind how often it runs).
 * Windows and timers run on the readings' own clock (a demo at --demo-speed). */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/facts.h"
#include "forgetop/grow.h"
#include "forgetop/text.h"
#include "forgetop/why.h"
#include "forgetop/world.h"

/* A sample older than this no longer gives a band: the panel says "no data". */
#define WORLD_MAX_AGE_S 300.0

/* The last revision handed out: the UI thread is the only one that touches worlds. */
static unsigned long revisions;

void world_init(struct world *w, const struct config *cfg)
{
    memset(w, 0, sizeof(*w));
    w->cfg = cfg;
    w->revision = ++revisions;
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
    for (size_t i = 0; i < w->n_services; i++)
        free(w->services[i].hpa);
    free(w->services);
    w->services = NULL;
    w->n_services = w->cap_services = 0;
    free(w->facts);
    w->facts = NULL;
    w->n_facts = w->cap_facts = 0;
}

void world_set_status(struct world *w, size_t i, const struct source_status *st)
{
    if (i < w->n_sources)
        w->sources[i] = *st;
}

/* Failed polls in a row that turn stale into failing. */
#define WORLD_FAILING_AFTER 3

static bool source_late(const struct source_status *st, double now, double *for_s)
{
    double timeout = st->timeout_s > 0 ? st->timeout_s : st->interval_s;
    if (st->in_poll && st->last_try > 0 && now - st->last_try > timeout) {
        *for_s = now - st->last_try;
        return true;
    }
    double since = st->last_ok > 0 ? st->last_ok : 0;
    if (!st->in_poll && since > 0 && now - since > st->interval_s + timeout) {
        *for_s = -(now - since); /* no poll at all, not a poll that hangs */
        return true;
    }
    return false;
}

void world_judge_source(struct source_status *st, double now)
{
    double late_s = 0;
    bool late = source_late(st, now, &late_s);
    bool ever = st->last_ok > 0;
    st->state = SOURCE_OK;
    if (st->no_answer_s > 0) {
        st->state = ever ? SOURCE_STALE : SOURCE_FAILING;
        text_printf(st->error, sizeof(st->error), "no answer within %g s", st->no_answer_s);
    } else if (late) {
        /* a hung poll is one more failure in a row, whatever the ones before said */
        st->state = ever && st->failures + 1 < WORLD_FAILING_AFTER ? SOURCE_STALE : SOURCE_FAILING;
        if (late_s > 0)
            text_printf(st->error, sizeof(st->error), "no answer for %.0f s", late_s);
        else
            text_printf(st->error, sizeof(st->error), "no poll for %.0f s", -late_s);
    } else if (st->failures > 0) {
        st->state = ever && st->failures < WORLD_FAILING_AFTER ? SOURCE_STALE : SOURCE_FAILING;
    } else if (!ever) {
        st->state = SOURCE_STARTING;
    }
    if (st->state == SOURCE_OK || st->state == SOURCE_STARTING)
        st->error[0] = '\0';
}

static bool source_is_ok(const struct world *w, const char *name)
{
    for (size_t i = 0; i < w->n_sources; i++)
        if (strcmp(w->sources[i].name, name) == 0)
            return w->sources[i].state == SOURCE_OK;
    return false;
}

/* The class of source i's readings, as its snapshot said: "" is the servers themselves. */
static const char *class_at(const struct world *w, size_t i)
{
    return i < w->n_sources && w->classes[i][0] ? w->classes[i] : "cluster";
}

static const char *source_class(const struct world *w, const char *name)
{
    for (size_t i = 0; i < w->n_sources; i++)
        if (strcmp(w->sources[i].name, name) == 0)
            return class_at(w, i);
    return class_at(w, w->n_sources);
}

/* Does m hold a real value that a reading from another source must respect: a number,
 * recent, from a source that is ok? */
static bool holds_real(const struct world *w, const struct metric_view *m, double t)
{
    return m->has_value && !isnan(m->value) && m->from[0] != '\0' && t - m->t <= WORLD_MAX_AGE_S &&
           source_is_ok(w, m->from);
}

/* Which source a metric takes a reading from is a property of the reading and of the
 * source's class, never of a name: the source that supplied it last keeps it; a missing
 * or NaN reading never displaces a real one; a real reading from the class the rule
 * prefers displaces one from another class, and any real reading fills a gap. */
static bool accepts(const struct world *w, const struct metric_view *m, size_t src,
                    const struct reading *r)
{
    const char *name = w->sources[src].name;
    if (m->from[0] == '\0' || strcmp(m->from, name) == 0 || !holds_real(w, m, r->t))
        return true;
    if (isnan(r->value))
        return false;
    const char *mine = class_at(w, src);
    return strcmp(mine, m->rule.prefer) == 0 && strcmp(source_class(w, m->from), mine) != 0;
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
        struct metric_view *m = metric_for(w, &snap->readings[i]);
        if (m == NULL)
            continue;
        struct reading r = snap->readings[i];
        /* -5 % or a negative latency is no data: it displaces nothing real either */
        facts_admit_reading(m->rule.unit, &r.value, r.note, sizeof r.note);
        if (!accepts(w, m, src, &r))
            continue;
        if (m->has_value && r.t < m->t)
            continue; /* an older backfill sample: the history may still take it */
        history_push(&m->hist, r.t, r.value);
        m->has_value = true;
        m->value = r.value;
        m->t = r.t;
        snprintf(m->note, sizeof(m->note), "%s", r.note);
        snprintf(m->from, sizeof(m->from), "%s", w->sources[src].name);
    }
}

/* A snapshot's own clock at now (see model.h): the wall clock unless it says otherwise. */
static double snap_clock(const struct snapshot *s, double now)
{
    if (s == NULL || !(s->clock_rate > 0))
        return now;
    return s->clock + (now - s->taken_at) * s->clock_rate;
}

static double snap_rate(const struct snapshot *s)
{
    return s != NULL && s->clock_rate > 0 ? s->clock_rate : 1.0;
}

static double snap_rate_from(const struct snapshot *s)
{
    return s != NULL && s->clock_rate > 0 ? s->clock_from : 0;
}

/* One source may show the same name in two namespaces (all namespaces): both part it.
 * Views [0, sorted) are in view_cmp's order (sorted after each poll that added one), so
 * they are searched by halves; the ones added since, at the end, one by one. */
static int view_key_cmp(size_t src, const struct service *svc, const struct service_view *v)
{
    if (src != v->source)
        return src < v->source ? -1 : 1;
    int c = strcmp(svc->namespace_, v->svc.namespace_);
    return c != 0 ? c : strcmp(svc->name, v->svc.name);
}

static struct service_view *find_view(struct world *w, size_t sorted, size_t src,
                                      const struct service *svc)
{
    size_t lo = 0, hi = sorted;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = view_key_cmp(src, svc, &w->services[mid]);
        if (c == 0)
            return &w->services[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    for (size_t i = sorted; i < w->n_services; i++)
        if (view_key_cmp(src, svc, &w->services[i]) == 0)
            return &w->services[i];
    return NULL;
}

static struct service_view *add_view(struct world *w, size_t src, const struct service *svc)
{
    struct service_view *v =
        grow_push((void **)&w->services, &w->n_services, &w->cap_services, sizeof(*v));
    if (v == NULL)
        return NULL;
    v->source = src;
    v->svc = *svc;
    v->hpa = NULL;
    series_init(&v->cpu_hist, 100);
    series_init(&v->mem_hist, 100);
    series_init(&v->ready_hist, 1);
    return v;
}

static int view_cmp(const void *a, const void *b)
{
    const struct service_view *x = a, *y = b;
    if (x->source != y->source)
        return x->source < y->source ? -1 : 1;
    int c = strcmp(x->svc.namespace_, y->svc.namespace_);
    return c != 0 ? c : strcmp(x->svc.name, y->svc.name);
}

/* Drop the views of src that its newest snapshot no longer has. */
static void drop_unseen(struct world *w, size_t src)
{
    size_t o = 0;
    for (size_t i = 0; i < w->n_services; i++) {
        if (w->services[i].source == src && !w->services[i].seen) {
            free(w->services[i].hpa);
            continue;
        }
        if (o != i)
            w->services[o] = w->services[i];
        o++;
    }
    w->n_services = o;
}

/* v's autoscaling state, made on first use; NULL out of memory. */
static struct hpa_state *view_hpa(struct service_view *v)
{
    if (v->hpa == NULL && (v->hpa = malloc(sizeof(*v->hpa))) != NULL)
        hpa_state_init(v->hpa);
    return v->hpa;
}

/* Out of memory for it, the change is not counted: the rate policies see one less. */
static void note_scale(struct service_view *v, double t, int to)
{
    struct hpa_state *st = view_hpa(v);
    if (st != NULL)
        hpa_state_note_scale(st, t, v->svc.desired, to);
}

static void apply_services(struct world *w, size_t src, const struct snapshot *snap, double now)
{
    bool added = false;
    size_t sorted = w->n_services;
    for (size_t i = 0; i < w->n_services; i++)
        if (w->services[i].source == src)
            w->services[i].seen = false;
    for (size_t i = 0; i < snap->n_services; i++) {
        const struct service *svc = &snap->services[i];
        struct service_view *v = find_view(w, sorted, src, svc);
        if (v == NULL) {
            v = add_view(w, src, svc);
            if (v == NULL)
                continue;
            added = true;
        } else if (v->svc.desired != svc->desired) {
            note_scale(v, snap_clock(snap, now), svc->desired);
        }
        v->svc = *svc;
        why_fill(&v->svc); /* the overview's one word, judged here for every source */
        v->seen = true;
        series_push(&v->cpu_hist, snap->taken_at, svc->cpu_pct);
        series_push(&v->mem_hist, snap->taken_at, svc->mem_pct);
        series_push(&v->ready_hist, snap->taken_at, svc->ready);
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
    w->context[0] = w->notice[0] = w->namespace_[0] = '\0';
    w->all_namespaces = false;
    memset(&w->access, 0, sizeof w->access);
    for (size_t i = 0; i < w->n_sources; i++) {
        const struct snapshot *s = w->snaps[i];
        if (s == NULL)
            continue;
        if (w->context[0] == '\0' && s->context[0] != '\0') {
            snprintf(w->context, sizeof(w->context), "%s", s->context);
            snprintf(w->namespace_, sizeof(w->namespace_), "%s", s->namespace_);
            w->all_namespaces = s->all_namespaces;
        }
        if (s->notice[0] != '\0') {
            size_t n = strlen(w->notice);
            snprintf(w->notice + n, sizeof(w->notice) - n, "%s%s", n ? "; " : "", s->notice);
        }
        w->access.scale = worst_permission(w->access.scale, s->access.scale);
        w->access.hpa_min = worst_permission(w->access.hpa_min, s->access.hpa_min);
        w->access.keda = worst_permission(w->access.keda, s->access.keda);
        if (s->access.checked_at > w->access.checked_at)
            w->access.checked_at = s->access.checked_at;
    }
}

void world_apply(struct world *w, size_t i, struct snapshot *snap, double now)
{
    w->revision = ++revisions;
    if (i >= w->n_sources || snap == NULL) {
        snapshot_free(snap);
        return;
    }
    snprintf(w->classes[i], sizeof(w->classes[i]), "%s", snap->reading_class);
    apply_readings(w, i, snap);
    apply_services(w, i, snap, now);
    snapshot_free(w->snaps[i]);
    w->snaps[i] = snap; /* after the copy: the views' pods point into it */
    apply_header(w);
}

void world_clear_source(struct world *w, size_t i)
{
    if (i >= w->n_sources)
        return;
    for (size_t k = 0; k < w->n_services; k++)
        if (w->services[k].source == i)
            w->services[k].seen = false;
    drop_unseen(w, i);
    for (size_t k = 0; k < w->n_metrics; k++) { /* its samples described the old target */
        struct metric_view *m = &w->metrics[k];
        if (strcmp(m->from, w->sources[i].name) != 0)
            continue;
        history_init(&m->hist);
        m->has_value = false;
        m->value = NAN;
        m->t = 0;
        m->band = BAND_UNKNOWN;
        m->note[0] = m->from[0] = '\0';
        memset(&m->sustain, 0, sizeof m->sustain);
    }
    snapshot_free(w->snaps[i]);
    w->snaps[i] = NULL;
    w->classes[i][0] = '\0';
    char name[FT_ID_MAX];
    snprintf(name, sizeof name, "%s", w->sources[i].name);
    memset(&w->sources[i], 0, sizeof w->sources[i]);
    snprintf(w->sources[i].name, sizeof w->sources[i].name, "%s", name);
    w->sources[i].state = SOURCE_STARTING;
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

const struct service_view *world_service_ns(const struct world *w, const char *source,
                                            const char *ns, const char *name)
{
    for (size_t i = 0; i < w->n_services; i++) {
        const struct service_view *v = &w->services[i];
        if (strcmp(v->svc.name, name) == 0 && (ns == NULL || strcmp(v->svc.namespace_, ns) == 0) &&
            (source == NULL || strcmp(w->sources[v->source].name, source) == 0))
            return v;
    }
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

static size_t source_index(const struct world *w, const char *name)
{
    for (size_t i = 0; i < w->n_sources; i++)
        if (strcmp(w->sources[i].name, name) == 0)
            return i;
    return w->n_sources; /* none: an index no source has */
}

/* The alert rule watching m, as a source that is ok reports it now: its engine has kept
 * the pending/firing state and activeAt across our restarts. NULL when none does. */
static const struct alert *watching_alert(const struct world *w, const struct metric_view *m,
                                          size_t *src)
{
    if (m->rule.alert[0] == '\0')
        return NULL;
    for (size_t i = 0; i < w->n_sources; i++) {
        const struct snapshot *s = w->snaps[i];
        if (s == NULL || w->sources[i].state != SOURCE_OK)
            continue;
        for (size_t j = 0; j < s->n_alerts; j++)
            if (strcmp(s->alerts[j].name, m->rule.alert) == 0) {
                *src = i;
                return &s->alerts[j];
            }
    }
    return NULL;
}

static void evaluate_metric(const struct world *w, struct metric_view *m, double now)
{
    if (!m->has_value || now - m->t > WORLD_MAX_AGE_S) {
        m->band = BAND_UNKNOWN;
        m->sustain = (struct sustain){SUSTAINED_INACTIVE, 0, 0};
        return;
    }
    m->band = bands_classify(&m->rule, m->value);
    size_t as = 0;
    const struct alert *a = watching_alert(w, m, &as);
    if (a != NULL) { /* activeAt is on the alerting source's clock */
        m->sustain = bands_sustained_alert(a->state, a->active_at, snap_clock(w->snaps[as], now));
        return;
    }
    size_t from = source_index(w, m->from);
    const struct snapshot *s = from < w->n_sources ? w->snaps[from] : NULL;
    m->sustain = bands_sustained_at(&m->rule, &m->hist, now, snap_rate(s), snap_rate_from(s));
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

/* No count: the current one stands in rec.replicas, the caller writes the reason. */
static void no_recommendation(struct service_view *v)
{
    v->has_rec = false;
    v->rec.replicas = v->svc.desired;
    v->rec.changes = false;
}

/* The state a recommendation for v reads and records, or NULL (out of memory) with v
 * left without one, saying why. */
static struct hpa_state *rec_state(struct service_view *v)
{
    struct hpa_state *st = view_hpa(v);
    if (st == NULL) {
        no_recommendation(v);
        snprintf(v->rec.reason, sizeof(v->rec.reason), "out of memory: no recommendation");
    }
    return st;
}

/* The memory figure an HPA memory target is compared with: % of the request. A source
 * that measures every share against the limit (docker stats: cpu_of "limit") has no
 * request to divide by; its limit share stands in, as its cpu figure does. */
static double hpa_memory(const struct service *s)
{
    if (!isnan(s->mem_req_pct))
        return s->mem_req_pct;
    return strcmp(s->cpu_of, "limit") == 0 ? s->mem_pct : NAN;
}

/* The first trigger's metric as KEDA sees it: the configured queue reading where the
 * rule names one and it has data (forgetop measured it itself), else what the generated
 * HPA reports (AverageValue is per current replica, so times the count); NAN unknown. */
static double keda_total(const struct world *w, const struct service_view *v,
                         const struct service_rule *r)
{
    const struct autoscaler *a = &v->svc.autoscaler;
    if (r != NULL && r->kind == RULE_QUEUE &&
        strcmp(autoscaler_keda(a)->param, "listLength") == 0) {
        const struct metric_view *m = world_metric(w, r->queue_metric);
        if (m != NULL && m->band != BAND_UNKNOWN && !isnan(m->value))
            return m->value;
    }
    if (isnan(a->ext_current) || !a->ext_kind[0])
        return NAN;
    if (strcmp(a->ext_type, "AverageValue") == 0)
        return a->ext_current * (v->svc.desired > 0 ? v->svc.desired : 1);
    return a->ext_current;
}

/* KEDA owns the count: its arithmetic with the ScaledObject's own parameters. */
static void recommend_keda_service(struct world *w, struct service_view *v,
                                   const struct service_rule *r, double clock)
{
    struct keda_input in = {v->svc.desired, v->svc.ready, keda_total(w, v, r), v->svc.cpu_pct,
                            hpa_memory(&v->svc)};
    v->has_rule = true;
    struct hpa_state *st = rec_state(v);
    if (st == NULL)
        return;
    v->has_rec = recommend_keda(autoscaler_keda(&v->svc.autoscaler), &in, st, clock, &v->rec) == 0;
    if (!v->has_rec)
        v->rec.replicas = v->svc.desired;
}

/* One evaluation of the figures the table shows: cpu and memory as % of the ready pods'
 * requests, as the HPA computes them (the limit-based memory % is the alert's, not the
 * HPA's), on the source's clock. */
static void recommend_service(struct world *w, struct service_view *v, double now)
{
    const struct service_rule *r = config_service(w->cfg, v->svc.name);
    const struct snapshot *snap = w->snaps[v->source];
    double clock = snap_clock(snap, now);
    effective_bounds(v, r, &v->min, &v->max);
    v->rec_t = snap != NULL ? snap->taken_at : now;
    v->has_rule = r != NULL && r->kind != RULE_NONE;
    if (v->svc.autoscaler.present && strcmp(v->svc.autoscaler.kind, "KEDA") == 0) {
        recommend_keda_service(w, v, r, clock);
        return;
    }
    if (!v->has_rule) {
        no_recommendation(v);
        snprintf(v->rec.reason, sizeof(v->rec.reason), "no rule for %s", v->svc.name);
        return;
    }
    if (r->kind == RULE_HPA) {
        struct hpa_rule hr = r->hpa;
        hr.min = v->min;
        hr.max = v->max;
        struct hpa_input in = {v->svc.desired, v->svc.ready, v->svc.cpu_pct, hpa_memory(&v->svc)};
        struct hpa_state *st = rec_state(v);
        if (st != NULL)
            v->has_rec = recommend_hpa(&hr, &in, st, clock, &v->rec) == 0;
        return;
    }
    struct queue_rule qr = r->queue;
    qr.min = v->min;
    qr.max = v->max;
    const struct metric_view *m = world_metric(w, r->queue_metric);
    double depth = (m != NULL && m->band != BAND_UNKNOWN) ? m->value : NAN;
    if (isnan(depth)) {
        no_recommendation(v);
        snprintf(v->rec.reason, sizeof(v->rec.reason), "no %s reading: no recommendation",
                 r->queue_metric);
        return;
    }
    struct hpa_state *st = rec_state(v);
    if (st != NULL)
        v->has_rec =
            recommend_queue(&qr, v->svc.desired, v->svc.ready, depth, st, clock, &v->rec) == 0;
}

/* One "NAME X% -> ~Y%" clause: per-replica use scales by f (the HPA truncates the
 * current figure, so it matches the reason). */
static size_t predict_one(char *out, size_t len, const char *name, double pct, double f,
                          const char *of)
{
    if (isnan(pct) || len == 0)
        return 0;
    int n =
        snprintf(out, len, "%s %.0f%%%s -> ~%.0f%%", name, floor(pct), of, round(floor(pct) * f));
    return n < 0 ? 0 : (size_t)n >= len ? len - 1 : (size_t)n;
}

void world_predict(const struct world *w, const struct service_view *v, int replicas, char *out,
                   size_t len)
{
    (void)w;
    out[0] = '\0';
    int base = v->svc.ready > 0 ? v->svc.ready : v->svc.desired;
    if (replicas <= 0 || base <= 0 || len < 2)
        return;
    /* Load spreads evenly over the ready replicas: per-replica use scales by base/new. The
     * figures are the reason's: memory of request where the source knows it. */
    double f = (double)base / replicas;
    size_t n = predict_one(out, len, "cpu", v->svc.cpu_pct, f, "");
    const char *sep = n ? ", " : "";
    char mem[64];
    if (!isnan(v->svc.mem_req_pct))
        predict_one(mem, sizeof(mem), "memory", v->svc.mem_req_pct, f, " of request");
    else
        predict_one(mem, sizeof(mem), "memory", v->svc.mem_pct, f, " of limit");
    if (!isnan(v->svc.mem_req_pct) || !isnan(v->svc.mem_pct))
        snprintf(out + n, len - n, "%s%s", sep, mem);
}

/* Whether the autoscaler's own current figure matches ours: the same pods and formula
 * give the same number, so a gap past the HPA's tolerance of its target (what would
 * change its decision) means different moments or different pods, and is said. */
static void hpa_agreement(struct service_view *v)
{
    const struct autoscaler *a = &v->svc.autoscaler;
    const char *names[2] = {"cpu", "memory"};
    const double theirs[2] = {a->cpu_current, a->mem_current};
    const double ours[2] = {v->svc.cpu_pct, v->svc.mem_req_pct};
    const double target[2] = {a->cpu_target, a->mem_target};
    v->hpa_agrees = true;
    v->hpa_note[0] = '\0';
    for (int i = 0; a->present && i < 2; i++) {
        if (isnan(theirs[i]) || isnan(ours[i]) || !(target[i] > 0))
            continue;
        if (fabs(floor(ours[i]) - theirs[i]) / target[i] <= 0.1)
            continue;
        v->hpa_agrees = false;
        size_t n = strlen(v->hpa_note);
        snprintf(v->hpa_note + n, sizeof(v->hpa_note) - n,
                 "%s%s reads %s %.0f%%, forgetop %.0f%% of request", n ? "; " : "", a->name,
                 names[i], theirs[i], floor(ours[i]));
    }
}

double world_latest_reading(const struct world *w, const char *metric)
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
    in.used = world_latest_reading(w, "db_connections_used");
    in.limit = world_latest_reading(w, "db_connections_max");
    if (isnan(in.used) || isnan(in.limit) || in.limit <= 0) {
        in.used = m->value; /* only the percentage is known: advise on it as such */
        in.limit = 100.0;
    }
    double replicas = world_latest_reading(w, "db_replicas");
    in.replicas = isnan(replicas) ? 0 : (int)replicas;
    in.warning = m->rule.warning / 100.0;
    in.critical = m->rule.critical / 100.0;
    for (size_t i = 0; i < w->n_sources; i++) /* a source that measured a pooler's pool */
        in.pgbouncer |= w->snaps[i] != NULL && w->snaps[i]->measures_pool;
    const struct service_view *pool = world_service(w, NULL, w->cfg->db_pool_service);
    in.api_replicas = pool ? pool->svc.desired : 0;
    recommend_database(&in, w->db_advice, sizeof(w->db_advice));
}

static struct fact_view *add_fact_view(struct world *w)
{
    return grow_push((void **)&w->facts, &w->n_facts, &w->cap_facts, sizeof(struct fact_view));
}

static void view_fact(struct world *w, size_t src, const struct fact *f, double t, double now)
{
    struct fact_view *v = add_fact_view(w);
    if (v == NULL)
        return;
    const struct source_status *st = &w->sources[src];
    v->f = *f;
    facts_admit(&v->f); /* a server's -5 clients or NaN ratio is no data, with why */
    v->source = src;
    v->band = facts_judge(w->cfg, &v->f);
    v->stale = st->state != SOURCE_OK;
    v->age = now - (v->stale && st->last_ok > 0 ? st->last_ok : (f->t > 0 ? f->t : t));
    if (v->age < 0)
        v->age = 0;
    facts_format(&v->f, v->text, sizeof(v->text));
}

/* The queue's growth and time to drain, from the history core keeps of its depth, shown
 * under the figure they describe. */
static void view_trend(struct world *w, size_t src, const struct fact *depth, double t, double now)
{
    const struct metric_view *m = world_metric(w, depth->rule);
    if (m == NULL || !m->has_value || isnan(depth->value))
        return;
    double per_min, drain_s;
    facts_trend(&m->hist, &per_min, &drain_s);
    struct fact g = *depth, d = *depth;
    snprintf(g.label, sizeof(g.label), "  growth");
    snprintf(g.rule, sizeof(g.rule), "growth");
    g.unit = UNIT_DELTA_MIN;
    g.value = per_min;
    g.of = NAN;
    snprintf(g.text, sizeof(g.text), "%s", isnan(per_min) ? "no trend yet" : "");
    view_fact(w, src, &g, t, now);
    snprintf(d.label, sizeof(d.label), "  time to drain");
    d.rule[0] = '\0';
    d.unit = isnan(drain_s) || drain_s == 0 || isinf(drain_s) ? UNIT_TEXT : UNIT_SECONDS;
    d.value = drain_s;
    d.of = NAN;
    snprintf(d.text, sizeof(d.text), "%s",
             d.unit == UNIT_SECONDS ? ""
             : drain_s == 0         ? "empty"
             : isinf(drain_s)       ? "not draining"
                                    : "no trend yet");
    view_fact(w, src, &d, t, now);
}

/* The database advice (evaluate_database, the runbook's words) on the database panel, a
 * clause a line, banded and stale as the connections it answers. */
static void view_advice(struct world *w, double now)
{
    const struct metric_view *m = world_metric(w, "db_connections");
    size_t src = m ? source_index(w, m->from) : w->n_sources;
    if (w->db_advice[0] == '\0' || src >= w->n_sources)
        return;
    char buf[sizeof(w->db_advice)];
    snprintf(buf, sizeof(buf), "%s", w->db_advice);
    char *rest = strstr(buf, ": ");
    if (rest != NULL) {
        rest[1] = '\0'; /* the head keeps its colon */
        rest += 2;
    }
    struct fact f = {.unit = UNIT_TEXT, .value = NAN, .of = NAN, .t = m->t};
    snprintf(f.panel, sizeof(f.panel), "database");
    snprintf(f.label, sizeof(f.label), "advice");
    char *save = NULL, *line = buf;
    for (bool head = true; line != NULL; head = false) {
        while (*line == ' ')
            line++;
        text_printf(f.text, sizeof(f.text), "%s", line);
        size_t at = w->n_facts;
        view_fact(w, src, &f, m->t, now);
        if (at < w->n_facts)
            w->facts[at].band = m->band;
        line = head && rest == NULL ? NULL : strtok_r(head ? rest : NULL, ";", &save);
    }
}

/* Is id the metric a queue rule scales a service by ([service] queue_metric)? Its
 * first figure on a panel gets the queue's trend. */
static bool drives_queue(const struct config *cfg, const char *id)
{
    for (size_t i = 0; id[0] != '\0' && i < cfg->n_services; i++)
        if (cfg->services[i].kind == RULE_QUEUE && strcmp(cfg->services[i].queue_metric, id) == 0)
            return true;
    return false;
}

static void evaluate_facts(struct world *w, double now)
{
    w->n_facts = 0;
    bool trend = false;
    for (size_t i = 0; i < w->n_sources; i++) {
        const struct snapshot *s = w->snaps[i];
        for (size_t j = 0; s != NULL && j < s->n_facts; j++) {
            const struct fact *f = &s->facts[j];
            view_fact(w, i, f, s->taken_at, now);
            if (!trend && f->unit == UNIT_COUNT && drives_queue(w->cfg, f->rule)) {
                trend = true;
                view_trend(w, i, f, s->taken_at, now);
            }
        }
    }
    view_advice(w, now);
}

const struct fact_view *world_fact(const struct world *w, const char *panel, const char *label)
{
    for (size_t i = 0; i < w->n_facts; i++)
        if (strcmp(w->facts[i].f.panel, panel) == 0 && strcmp(w->facts[i].f.label, label) == 0)
            return &w->facts[i];
    return NULL;
}

/* full: also what every evaluation rebuilds from nothing (facts, advice). */
static void evaluate(struct world *w, double now, bool full)
{
    w->revision = ++revisions;
    w->now = now;
    for (size_t i = 0; i < w->n_metrics; i++)
        evaluate_metric(w, &w->metrics[i], now);
    for (size_t i = 0; i < w->n_services; i++) {
        struct service_view *v = &w->services[i];
        v->cpu_band = band_of(w, "cpu", v->svc.cpu_pct);
        v->mem_band = band_of(w, "memory", v->svc.mem_pct);
        recommend_service(w, v, now);
        v->rec.changes = v->rec.replicas != v->svc.desired;
        hpa_agreement(v);
    }
    if (!full)
        return;
    evaluate_database(w);
    evaluate_facts(w, now);
}

void world_evaluate(struct world *w, double now)
{
    evaluate(w, now, true);
}

void world_evaluate_clock(struct world *w, double now)
{
    evaluate(w, now, false);
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

bool world_metric_alerting(const struct metric_view *m)
{
    return m->band != BAND_UNKNOWN && m->sustain.state != SUSTAINED_INACTIVE;
}
