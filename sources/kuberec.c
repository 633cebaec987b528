/* kuberec.c - the parse half of the Kubernetes source's reducers: one list item into a
 * compact record (kuberec.h) holding only what kube.c's join reads, in one allocation.
 *
 * An informer keeps 10 000 pods as ~200-byte records rather than as cJSON trees (~9 KB
 * each), and a watch event costs one parse, not one per poll. */

#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/keda.h"
#include "forgetop/kubeevents.h"
#include "forgetop/kuberec.h"
#include "forgetop/quantity.h"
#include "forgetop/text.h"

/* ---- JSON helpers ---- */

/* kubeevents.c's readers, shared by the kube source's files; an integer from a server is
 * range-checked (0..1e7, else dflt). */
#define jget             kubeevents_jget
#define jstr             kubeevents_jstr
#define jcopy            kubeevents_jcopy
#define jint(o, k, dflt) kubeevents_jint((o), (k), 0, 1e7, (dflt))

static void item_ns(const cJSON *item, char *out, size_t len)
{
    jcopy(out, len, jget(item, "metadata"), "namespace");
}

static int64_t add_milli(int64_t a, int64_t b)
{
    int64_t sum;
    if (__builtin_add_overflow(a, b, &sum))
        return b > 0 ? INT64_MAX : INT64_MIN;
    return sum;
}

/* ---- packing: a growing buffer, then one allocation ---- */

struct buf {
    char *p;
    size_t len, cap;
    bool oom;
};

static void buf_add(struct buf *b, const void *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 128;
        while (cap < b->len + n)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (p == NULL) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void buf_str(struct buf *b, const char *s)
{
    buf_add(b, s, strlen(s) + 1);
}

/* Copy n bytes to *at and move it on; returns where they went. */
static const char *put(char **at, const void *s, size_t n)
{
    char *p = *at;
    memcpy(p, s, n);
    *at += n;
    return p;
}

static const char *put_str(char **at, const char *s)
{
    return put(at, s, strlen(s) + 1);
}

/* A record of head bytes with room for extra more: one allocation, zeroed head. */
static void *rec_alloc(size_t head, size_t extra, char **tail)
{
    char *r = malloc(head + extra);
    if (r != NULL) {
        memset(r, 0, head);
        *tail = r + head;
    }
    return r;
}

/* ---- labels and selectors ---- */

static void pack_labels(struct buf *b, const cJSON *labels)
{
    const cJSON *kv;
    cJSON_ArrayForEach(kv, labels)
    {
        if (cJSON_IsString(kv) && kv->string != NULL && kv->string[0]) {
            buf_str(b, kv->string);
            buf_str(b, kv->valuestring);
        }
    }
    buf_add(b, "", 1);
}

const char *kuberec_label(const char *labels, const char *key)
{
    for (const char *p = labels; p != NULL && *p;) {
        const char *v = p + strlen(p) + 1;
        if (strcmp(p, key) == 0)
            return v;
        p = v + strlen(v) + 1;
    }
    return NULL;
}

static void pack_selector(struct buf *b, const cJSON *selector)
{
    const cJSON *kv, *e, *v;
    cJSON_ArrayForEach(kv, jget(selector, "matchLabels"))
    {
        if (!cJSON_IsString(kv) || kv->string == NULL)
            continue;
        buf_add(b, "=", 1);
        buf_str(b, kv->string);
        buf_str(b, kv->valuestring);
        buf_add(b, "", 1);
    }
    cJSON_ArrayForEach(e, jget(selector, "matchExpressions"))
    {
        const char *key = jstr(e, "key"), *op = jstr(e, "operator");
        if (key == NULL || op == NULL)
            continue;
        buf_add(b,
                strcmp(op, "In") == 0       ? "="
                : strcmp(op, "NotIn") == 0  ? "!"
                : strcmp(op, "Exists") == 0 ? "+"
                                            : "-",
                1);
        buf_str(b, key);
        cJSON_ArrayForEach(v, jget(e, "values"))
        {
            if (cJSON_IsString(v))
                buf_str(b, v->valuestring);
        }
        buf_add(b, "", 1);
    }
    buf_add(b, "", 1);
}

bool kuberec_selects(const char *sel, const char *labels)
{
    if (sel == NULL || *sel == '\0')
        return false; /* an empty selector would claim every pod */
    while (*sel) {
        char op = *sel++;
        const char *key = sel, *have = kuberec_label(labels, key);
        bool in = false;
        for (sel += strlen(sel) + 1; *sel; sel += strlen(sel) + 1)
            in |= have != NULL && strcmp(have, sel) == 0;
        sel++; /* the values' end */
        if ((op == '=' && !in) || (op == '!' && in) || (op == '+' && have == NULL) ||
            (op == '-' && have != NULL))
            return false;
    }
    return true;
}

/* ---- deployments ---- */

static void sum_resources(struct kuberec_dep *d, const cJSON *containers)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, containers)
    {
        const cJSON *res = jget(c, "resources");
        const cJSON *req = jget(res, "requests"), *lim = jget(res, "limits");
        double v;
        int64_t m;
        if (quantity_parse(jstr(req, "cpu"), &v) == 0)
            d->res.cpu_request += v;
        if (quantity_parse(jstr(lim, "cpu"), &v) == 0)
            d->res.cpu_limit += v;
        if (quantity_parse(jstr(req, "memory"), &v) == 0) {
            d->res.mem_request += v;
            d->mem_req = d->mem_req >= 0 ? d->mem_req + v : -1;
        } else {
            d->mem_req = -1;
        }
        /* A container without a limit (request) makes the pod's percentage unknown, as it
         * makes the HPA's: -1 sticks. */
        if (quantity_parse(jstr(lim, "memory"), &v) == 0) {
            d->res.mem_limit += v;
            d->mem_limit = d->mem_limit >= 0 ? d->mem_limit + v : -1;
        } else {
            d->mem_limit = -1;
        }
        if (quantity_parse_milli(jstr(req, "cpu"), &m) == 0)
            d->cpu_req_m = d->cpu_req_m >= 0 ? add_milli(d->cpu_req_m, m) : -1;
        else
            d->cpu_req_m = -1;
    }
}

/* A stuck rollout or a failure, from the deployment's conditions; "" when fine. */
static void rollout_status(char *out, size_t len, const cJSON *conds)
{
    const cJSON *c;
    out[0] = '\0';
    cJSON_ArrayForEach(c, conds)
    {
        const char *type = jstr(c, "type"), *st = jstr(c, "status"), *reason = jstr(c, "reason");
        char r[64];
        text_sanitize(r, sizeof(r), reason ? reason : "unknown");
        if (type == NULL || st == NULL)
            continue;
        if (strcmp(type, "Progressing") == 0 && strcmp(st, "False") == 0)
            text_printf(out, len, "rollout stuck: %s", r);
        else if (strcmp(type, "ReplicaFailure") == 0 && strcmp(st, "True") == 0)
            text_printf(out, len, "replica failure: %s", r);
        else if (strcmp(type, "Available") == 0 && strcmp(st, "False") == 0 && !out[0])
            text_printf(out, len, "unavailable: %s", r);
    }
}

static int parse_deployment(const cJSON *item, void **rec)
{
    const cJSON *meta = jget(item, "metadata"), *spec = jget(item, "spec");
    const cJSON *st = jget(item, "status");
    char name[FT_NAME_MAX], ns[FT_NAME_MAX], status[FT_TEXT_MAX];
    struct kuberec_dep d = {0};
    struct service tmp; /* kubeevents_conditions' way of growing an array */
    struct buf sel = {0};
    int rc = -1;
    service_init(&tmp);
    jcopy(name, sizeof(name), meta, "name");
    item_ns(item, ns, sizeof ns);
    d.desired = jint(spec, "replicas", 1); /* the API defaults an absent count to 1 */
    d.ready = jint(st, "readyReplicas", 0);
    d.updated = jint(st, "updatedReplicas", 0);
    d.available = jint(st, "availableReplicas", 0);
    sum_resources(&d, jget(jget(jget(spec, "template"), "spec"), "containers"));
    rollout_status(status, sizeof status, jget(st, "conditions"));
    pack_selector(&sel, jget(spec, "selector"));
    if (kubeevents_conditions(&tmp, jget(st, "conditions")) < 0 || sel.oom)
        goto out;
    size_t conds = tmp.n_conditions * sizeof(struct condition), texts = 0;
    for (size_t i = 0; i < tmp.n_conditions; i++)
        texts += strlen(model_text(tmp.conditions[i].message)) + 1;
    char *at;
    struct kuberec_dep *r = rec_alloc(
        sizeof d, conds + texts + strlen(name) + strlen(ns) + strlen(status) + 3 + sel.len, &at);
    if (r == NULL)
        goto out;
    *r = d;
    r->n_conds = tmp.n_conditions;
    r->conds = tmp.n_conditions ? (struct condition *)put(&at, tmp.conditions, conds) : NULL;
    for (size_t i = 0; i < r->n_conds; i++) /* the record's own copies: tmp's are freed */
        r->conds[i].message = (char *)put_str(&at, model_text(tmp.conditions[i].message));
    r->name = put_str(&at, name);
    r->ns = put_str(&at, ns);
    r->status = put_str(&at, status);
    r->selector = put(&at, sel.p, sel.len);
    *rec = r;
    rc = 0;
out:
    for (size_t i = 0; i < tmp.n_conditions; i++)
        free(tmp.conditions[i].message);
    free(tmp.conditions);
    free(sel.p);
    return rc;
}

/* ---- HPAs ---- */

/* A Resource metric's utilisation (target or current), NAN when it has none. */
static double utilisation(const cJSON *v)
{
    int pct = jint(v, "averageUtilization", -1);
    return pct >= 0 ? pct : NAN;
}

/* spec.metrics targets and status.currentMetrics of the cpu and memory Resource metrics:
 * what the HPA itself computed, kept as numbers so core can hold them beside ours. */
static void hpa_metrics(struct autoscaler *a, const cJSON *spec, const cJSON *status)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, jget(spec, "metrics"))
    {
        const cJSON *res = jget(m, "resource");
        const char *name = jstr(res, "name");
        if (name != NULL && strcmp(name, "cpu") == 0)
            a->cpu_target = utilisation(jget(res, "target"));
        else if (name != NULL && strcmp(name, "memory") == 0)
            a->mem_target = utilisation(jget(res, "target"));
    }
    cJSON_ArrayForEach(m, jget(status, "currentMetrics"))
    {
        const cJSON *res = jget(m, "resource");
        const char *name = jstr(res, "name");
        if (name != NULL && strcmp(name, "cpu") == 0)
            a->cpu_current = utilisation(jget(res, "current"));
        else if (name != NULL && strcmp(name, "memory") == 0)
            a->mem_current = utilisation(jget(res, "current"));
    }
}

static void hpa_conditions(struct kuberec_hpa *h, const cJSON *conds)
{
    struct autoscaler *a = &h->a;
    const cJSON *c;
    size_t n = 0;
    cJSON_ArrayForEach(c, conds)
    {
        const char *type = jstr(c, "type"), *st = jstr(c, "status"), *reason = jstr(c, "reason");
        char t[32], r[64];
        if (type == NULL || st == NULL)
            continue;
        text_sanitize(t, sizeof(t), type);
        text_sanitize(r, sizeof(r), reason ? reason : "");
        if (strcmp(type, "ScalingActive") == 0 && strcmp(st, "False") == 0) {
            /* it cannot compute: its desiredReplicas (often 0) is no count at all */
            text_printf(h->inactive, sizeof(h->inactive), "ScalingActive=False: %s",
                        r[0] ? r : "no reason given");
            a->desired_known = false;
        }
        bool notable = (strcmp(type, "ScalingLimited") == 0 && strcmp(st, "True") == 0) ||
                       (strcmp(type, "AbleToScale") == 0 && strcmp(st, "False") == 0) ||
                       (strcmp(type, "ScalingActive") == 0 && strcmp(st, "False") == 0);
        if (!notable)
            continue;
        text_printf(h->conditions + n, sizeof(h->conditions) - n, "%s%s%s: %s", n ? "; " : "", t,
                    strcmp(st, "False") == 0 ? "=False" : "", r);
        n = strlen(h->conditions);
    }
}

/* An autoscaling/v1 HPA's shape: one cpu target and figure, and its conditions kept
 * in an annotation as a JSON string. A v2 item has none of these, so both are read. */
static void hpa_v1_fields(struct kuberec_hpa *h, const cJSON *item)
{
    struct autoscaler *a = &h->a;
    const cJSON *spec = jget(item, "spec"), *st = jget(item, "status");
    const char *conds = jstr(jget(jget(item, "metadata"), "annotations"),
                             "autoscaling.alpha.kubernetes.io/conditions");
    int target = jint(spec, "targetCPUUtilizationPercentage", -1);
    int current = jint(st, "currentCPUUtilizationPercentage", -1);
    if (target >= 0)
        a->cpu_target = target;
    if (current >= 0)
        a->cpu_current = current;
    if (conds != NULL && h->conditions[0] == '\0') {
        cJSON *c = cJSON_Parse(conds);
        hpa_conditions(h, c);
        cJSON_Delete(c);
    }
}

/* A new HPA reads desiredReplicas 0 (the field is not optional) until the controller's
 * first pass writes its status, conditions always among it: a 0 with no condition is a
 * count nobody computed yet, not a count of zero. */
static bool hpa_unreconciled(const cJSON *item)
{
    const cJSON *st = jget(item, "status"), *conds = jget(st, "conditions");
    const char *v1 = jstr(jget(jget(item, "metadata"), "annotations"),
                          "autoscaling.alpha.kubernetes.io/conditions");
    return jint(st, "desiredReplicas", -1) == 0 && cJSON_GetArraySize(conds) == 0 && v1 == NULL;
}

static int parse_hpa(const cJSON *item, void **rec)
{
    const cJSON *spec = jget(item, "spec"), *st = jget(item, "status");
    const cJSON *ref = jget(spec, "scaleTargetRef");
    const char *kind = jstr(ref, "kind"), *name = jstr(ref, "name");
    struct kuberec_hpa *r = malloc(sizeof(*r));
    struct service tmp; /* an autoscaler as a new service starts it */
    if (r == NULL)
        return -1;
    service_init(&tmp);
    r->a = tmp.autoscaler;
    r->inactive[0] = r->conditions[0] = '\0';
    item_ns(item, r->ns, sizeof r->ns);
    r->target[0] = '\0';
    *rec = r;
    if (kind == NULL || name == NULL || strcmp(kind, "Deployment") != 0)
        return 0;
    text_sanitize(r->target, sizeof r->target, name);
    struct autoscaler *a = &r->a;
    a->present = true;
    text_printf(a->kind, sizeof(a->kind), "HPA");
    jcopy(a->name, sizeof(a->name), jget(item, "metadata"), "name");
    a->min = jint(spec, "minReplicas", 1);
    a->max = jint(spec, "maxReplicas", 0);
    a->desired = jint(st, "desiredReplicas", -1);
    a->desired_known = a->desired >= 0;
    hpa_metrics(a, spec, st);
    keda_hpa_metrics(a, spec, st);
    hpa_conditions(r, jget(st, "conditions"));
    hpa_v1_fields(r, item);
    if (hpa_unreconciled(item)) {
        text_printf(r->inactive, sizeof(r->inactive), "no status from the HPA controller yet");
        a->desired_known = false;
    }
    if (!a->desired_known)
        a->desired = 0;
    return 0;
}

static int parse_scaledobject(const cJSON *item, void **rec)
{
    struct kuberec_scaledobject *r = calloc(1, sizeof(*r));
    if (r == NULL)
        return -1;
    if (keda_parse_scaledobject(item, &r->k, r->target, sizeof r->target) < 0)
        r->target[0] = '\0';
    item_ns(item, r->ns, sizeof r->ns);
    *rec = r;
    return 0;
}

/* ---- pods and their metrics ---- */

/* The deployment named by the pod's ReplicaSet owner "<deployment>-<pod-template-hash>"
 * into out (sanitised); false when no owner is named so. */
static bool pod_owner(const cJSON *meta, char *out, size_t len)
{
    const cJSON *o;
    const char *hash = jstr(jget(meta, "labels"), "pod-template-hash");
    size_t hl = hash ? strlen(hash) : 0;
    cJSON_ArrayForEach(o, jget(meta, "ownerReferences"))
    {
        const char *kind = jstr(o, "kind"), *name = jstr(o, "name");
        size_t nl = name ? strlen(name) : 0;
        if (hl == 0 || kind == NULL || strcmp(kind, "ReplicaSet") != 0 || nl <= hl + 1 ||
            name[nl - hl - 1] != '-' || strcmp(name + nl - hl, hash) != 0)
            continue;
        char raw[FT_NAME_MAX];
        size_t dl = nl - hl - 1;
        text_printf(raw, sizeof(raw), "%.*s", (int)(dl < sizeof(raw) ? dl : sizeof(raw) - 1), name);
        text_sanitize(out, len, raw);
        return true;
    }
    return false;
}

/* The fields of a pod's status the join copies, into p (zeroed first). */
static void pod_status(struct kuberec_pod *p, struct pod_why *why, const cJSON *item)
{
    const cJSON *meta = jget(item, "metadata"), *st = jget(item, "status"), *c;
    jcopy(p->phase, sizeof(p->phase), st, "phase");
    if (jget(meta, "deletionTimestamp") != NULL && !cJSON_IsNull(jget(meta, "deletionTimestamp")))
        text_printf(p->phase, sizeof(p->phase), "Terminating"); /* as kubectl shows it */
    cJSON_ArrayForEach(c, jget(st, "conditions"))
    {
        if (jstr(c, "type") && strcmp(jstr(c, "type"), "Ready") == 0) {
            p->ready = jstr(c, "status") && strcmp(jstr(c, "status"), "True") == 0;
            p->ready_reported = true;
            const char *lt = jstr(c, "lastTransitionTime");
            if (lt == NULL || quantity_parse_time(lt, &p->ready_changed_at) != 0)
                p->ready_changed_at = 0;
        }
    }
    cJSON_ArrayForEach(c, jget(st, "containerStatuses"))
    {
        p->restarts += jint(c, "restartCount", 0);
    }
    if (jstr(st, "startTime") == NULL || quantity_parse_time(jstr(st, "startTime"), &p->started_at))
        p->started_at = 0;
    memset(why, 0, sizeof(*why));
    kubeevents_pod_reason(why, st);
    p->exit_code = why->exit_code;
}

/* The pod's own requests, summed over its containers as the HPA sums them. */
static void pod_requests(struct kuberec_pod *p, const cJSON *containers)
{
    const cJSON *c;
    p->own_requests = cJSON_GetArraySize(containers) > 0;
    cJSON_ArrayForEach(c, containers)
    {
        const cJSON *req = jget(jget(c, "resources"), "requests");
        double v;
        int64_t m;
        if (quantity_parse(jstr(req, "memory"), &v) == 0)
            p->mem_req = p->mem_req >= 0 ? p->mem_req + v : -1;
        else
            p->mem_req = -1;
        if (quantity_parse_milli(jstr(req, "cpu"), &m) == 0)
            p->cpu_req_m = p->cpu_req_m >= 0 ? add_milli(p->cpu_req_m, m) : -1;
        else
            p->cpu_req_m = -1;
    }
}

static int parse_pod(const cJSON *item, void **rec)
{
    const cJSON *meta = jget(item, "metadata");
    char name[FT_NAME_MAX], ns[FT_NAME_MAX], node[FT_NAME_MAX], owner[FT_NAME_MAX];
    struct kuberec_pod p = {0};
    struct pod_why why;
    struct buf labels = {0};
    jcopy(name, sizeof(name), meta, "name");
    item_ns(item, ns, sizeof ns);
    jcopy(node, sizeof(node), jget(item, "spec"), "nodeName");
    bool owned = pod_owner(meta, owner, sizeof owner);
    pod_status(&p, &why, item);
    pod_requests(&p, jget(jget(item, "spec"), "containers"));
    pack_labels(&labels, jget(meta, "labels"));
    if (labels.oom)
        return -1;
    char *at;
    size_t extra = strlen(name) + strlen(ns) + strlen(node) + (owned ? strlen(owner) + 1 : 0) +
                   strlen(why.reason) + strlen(why.message) + strlen(why.last_reason) + 6 +
                   labels.len;
    struct kuberec_pod *r = rec_alloc(sizeof p, extra, &at);
    if (r == NULL) {
        free(labels.p);
        return -1;
    }
    *r = p;
    r->name = put_str(&at, name);
    r->ns = put_str(&at, ns);
    r->node = put_str(&at, node);
    r->owner = owned ? put_str(&at, owner) : NULL;
    r->reason = put_str(&at, why.reason);
    r->message = put_str(&at, why.message);
    r->last_reason = put_str(&at, why.last_reason);
    r->labels = put(&at, labels.p, labels.len);
    free(labels.p);
    *rec = r;
    return 0;
}

double kuberec_go_duration(const char *s)
{
    double total = 0;
    while (s != NULL && *s) {
        char *end;
        double v = strtod(s, &end);
        if (end == s)
            return 0;
        double unit = *end == 'h' ? 3600 : *end == 'm' && end[1] != 's' ? 60 : *end == 's' ? 1 : 0;
        if (*end == 'm' && end[1] == 's')
            unit = 1e-3, end++;
        if (unit == 0)
            return 0;
        total += v * unit;
        s = end + 1;
    }
    return total;
}

static int parse_metrics(const cJSON *item, void **rec)
{
    const cJSON *meta = jget(item, "metadata"), *c;
    char name[FT_NAME_MAX], ns[FT_NAME_MAX];
    struct kuberec_metrics m = {0};
    struct buf labels = {0};
    jcopy(name, sizeof(name), meta, "name");
    item_ns(item, ns, sizeof ns);
    cJSON_ArrayForEach(c, jget(item, "containers"))
    {
        const cJSON *u = jget(c, "usage");
        int64_t milli;
        double v;
        if (quantity_parse_milli(jstr(u, "cpu"), &milli) == 0)
            m.cpu_m = add_milli(m.cpu_m, milli);
        if (quantity_parse(jstr(u, "cpu"), &v) == 0)
            m.cores += v;
        if (quantity_parse(jstr(u, "memory"), &v) == 0)
            m.mem += v;
    }
    const char *ts = jstr(item, "timestamp");
    if (ts == NULL || quantity_parse_time(ts, &m.t) != 0)
        m.t = 0;
    m.window_s = kuberec_go_duration(jstr(item, "window"));
    pack_labels(&labels, jget(meta, "labels"));
    char *at;
    struct kuberec_metrics *r =
        labels.oom ? NULL : rec_alloc(sizeof m, strlen(name) + strlen(ns) + 2 + labels.len, &at);
    if (r != NULL) {
        *r = m;
        r->name = put_str(&at, name);
        r->ns = put_str(&at, ns);
        r->labels = put(&at, labels.p, labels.len);
        *rec = r;
    }
    free(labels.p);
    return r != NULL ? 0 : -1;
}

/* ---- what explains readiness ---- */

static int parse_replicaset(const cJSON *item, void **rec)
{
    struct kuberec_replicaset *r = malloc(sizeof(*r));
    if (r == NULL)
        return -1;
    kubeevents_replicaset(item, &r->rs, r->owner, sizeof(r->owner));
    item_ns(item, r->ns, sizeof r->ns);
    *rec = r;
    return 0;
}

static int parse_event(const cJSON *item, void **rec)
{
    struct kuberec_event *r = malloc(sizeof(*r));
    if (r == NULL)
        return -1;
    kubeevents_event_object(item, r->kind, sizeof(r->kind), r->name, sizeof(r->name));
    item_ns(item, r->ns, sizeof r->ns); /* an event lives beside its object */
    kubeevents_event(item, &r->ev, r->kind, r->name);
    *rec = r;
    return 0;
}

int kuberec_parse(enum kube_list list, const cJSON *item, void **rec)
{
    static int (*const parse[KUBE_LISTS])(const cJSON *, void **) = {
        [KUBE_DEPLOYMENTS] = parse_deployment,
        [KUBE_HPAS] = parse_hpa,
        [KUBE_PODS] = parse_pod,
        [KUBE_POD_METRICS] = parse_metrics,
        [KUBE_SCALEDOBJECTS] = parse_scaledobject,
        [KUBE_REPLICASETS] = parse_replicaset,
        [KUBE_EVENTS] = parse_event,
    };
    *rec = NULL;
    if ((unsigned)list >= KUBE_LISTS || !cJSON_IsObject(item))
        return 0;
    return parse[list](item, rec);
}
