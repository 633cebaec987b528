/* kubeevents.c - the Kubernetes objects that say why a deployment is not ready: pods'
 * container states and scheduling, deployment conditions, ReplicaSets and Events, each
 * read from one decoded item into the model's plain, sanitised rows. */

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/kubeevents.h"
#include "forgetop/quantity.h"
#include "forgetop/text.h"
#include "forgetop/why.h"

static const cJSON *get(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *v = get(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void copy(char *dst, size_t len, const cJSON *o, const char *k)
{
    const char *s = str(o, k);
    text_sanitize(dst, len, s ? s : "");
}

/* A number in a sane range (a server's counts are range-checked), else dflt. */
static int num(const cJSON *o, const char *k, int lo, int dflt)
{
    const cJSON *v = get(o, k);
    if (!cJSON_IsNumber(v) || v->valuedouble < lo || v->valuedouble > 1e9)
        return dflt;
    return (int)v->valuedouble;
}

static double when(const cJSON *o, const char *k)
{
    double t;
    const char *s = str(o, k);
    return s != NULL && quantity_parse_time(s, &t) == 0 ? t : 0;
}

/* One container's state: a waiting or terminated reason replaces the pod's when it
 * ranks higher (why.c's order), so the pod row names what blocks it most. */
static void container_state(struct pod *p, const cJSON *cs)
{
    const cJSON *state = get(cs, "state"), *last = get(get(cs, "lastState"), "terminated");
    const cJSON *w = get(state, "waiting"), *t = get(state, "terminated");
    const cJSON *which = w != NULL ? w : t;
    const char *reason = str(which, "reason");
    char r[sizeof(p->reason)];
    text_sanitize(r, sizeof(r), reason ? reason : "");
    if (t != NULL && r[0] == '\0' && num(t, "exitCode", -1000, 0) != 0)
        text_printf(r, sizeof(r), "Error"); /* a container that died without a word */
    int rank = why_rank(r);
    if (rank > 0 && (why_rank(p->reason) == 0 || rank < why_rank(p->reason))) {
        text_printf(p->reason, sizeof(p->reason), "%s", r);
        copy(p->message, sizeof(p->message), which, "message");
        if (t != NULL)
            p->exit_code = num(t, "exitCode", -1000, 0);
    }
    if (last != NULL && str(last, "reason") != NULL && p->last_reason[0] == '\0') {
        copy(p->last_reason, sizeof(p->last_reason), last, "reason");
        if (t == NULL)
            p->exit_code = num(last, "exitCode", -1000, 0);
    }
}

void kubeevents_pod_reason(struct pod *p, const cJSON *status)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, get(status, "conditions"))
    {
        const char *type = str(c, "type"), *st = str(c, "status");
        if (type && st && strcmp(type, "PodScheduled") == 0 && strcmp(st, "False") == 0) {
            copy(p->reason, sizeof(p->reason), c, "reason");
            if (p->reason[0] == '\0')
                text_printf(p->reason, sizeof(p->reason), "Unschedulable");
            copy(p->message, sizeof(p->message), c, "message");
            return; /* not scheduled: no container has a state yet */
        }
    }
    cJSON_ArrayForEach(c, get(status, "initContainerStatuses"))
    {
        container_state(p, c);
    }
    cJSON_ArrayForEach(c, get(status, "containerStatuses"))
    {
        container_state(p, c);
    }
    if (p->reason[0] == '\0' && str(status, "reason") != NULL) /* Evicted, as a pod's own */
        copy(p->reason, sizeof(p->reason), status, "reason");
}

int kubeevents_conditions(struct service *svc, const cJSON *conds)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, conds)
    {
        if (str(c, "type") == NULL || str(c, "status") == NULL)
            continue;
        struct condition *k = service_add_condition(svc);
        if (k == NULL)
            return -1;
        copy(k->type, sizeof(k->type), c, "type");
        copy(k->status, sizeof(k->status), c, "status");
        copy(k->reason, sizeof(k->reason), c, "reason");
        copy(k->message, sizeof(k->message), c, "message");
        k->changed_at = when(c, "lastTransitionTime");
    }
    return 0;
}

void kubeevents_replicaset(const cJSON *item, struct replicaset *rs, char *owner, size_t ownerlen)
{
    const cJSON *meta = get(item, "metadata"), *o;
    const char *rev = str(get(meta, "annotations"), "deployment.kubernetes.io/revision");
    memset(rs, 0, sizeof(*rs));
    copy(rs->name, sizeof(rs->name), meta, "name");
    rs->desired = num(get(item, "spec"), "replicas", 0, 1); /* absent: the API's default 1 */
    rs->ready = num(get(item, "status"), "readyReplicas", 0, 0);
    rs->created_at = when(meta, "creationTimestamp");
    if (rev != NULL) {
        char *end;
        long v = strtol(rev, &end, 10);
        rs->revision = *end == '\0' && v > 0 && v < 1000000000 ? (int)v : 0;
    }
    owner[0] = '\0';
    cJSON_ArrayForEach(o, get(meta, "ownerReferences"))
    {
        const char *kind = str(o, "kind");
        if (kind != NULL && strcmp(kind, "Deployment") == 0 && str(o, "name") != NULL) {
            copy(owner, ownerlen, o, "name");
            break;
        }
    }
}

int kubeevents_keep_rset(struct service *svc, const struct replicaset *rs)
{
    if (svc->n_rsets < KUBEEVENTS_RSETS_MAX) {
        struct replicaset *n = service_add_rset(svc);
        if (n == NULL)
            return -1;
        *n = *rs;
    } else {
        size_t oldest = 0; /* full: the lowest revision makes room for a newer one */
        for (size_t i = 1; i < svc->n_rsets; i++)
            if (svc->rsets[i].revision < svc->rsets[oldest].revision)
                oldest = i;
        if (svc->rsets[oldest].revision >= rs->revision)
            return 0;
        svc->rsets[oldest] = *rs;
    }
    /* newest revision first, as the detail screen lists them */
    for (size_t i = svc->n_rsets - 1; i > 0 && svc->rsets[i].revision > svc->rsets[i - 1].revision;
         i--) {
        struct replicaset t = svc->rsets[i];
        svc->rsets[i] = svc->rsets[i - 1];
        svc->rsets[i - 1] = t;
    }
    return 0;
}

void kubeevents_event_object(const cJSON *item, char *kind, size_t kindlen, char *name,
                             size_t namelen)
{
    const cJSON *obj = get(item, "involvedObject");
    copy(kind, kindlen, obj, "kind");
    copy(name, namelen, obj, "name");
}

void kubeevents_event(const cJSON *item, struct event *ev, const char *kind, const char *name)
{
    const cJSON *series = get(item, "series");
    memset(ev, 0, sizeof(*ev));
    copy(ev->type, sizeof(ev->type), item, "type");
    copy(ev->reason, sizeof(ev->reason), item, "reason");
    copy(ev->message, sizeof(ev->message), item, "message");
    text_printf(ev->object, sizeof(ev->object), "%s/%s", kind, name);
    ev->count = num(item, "count", 1, 1);
    if (num(series, "count", 1, 0) > ev->count)
        ev->count = num(series, "count", 1, 0);
    /* the newest of the times an event may carry: a series' last, the deprecated
     * lastTimestamp, the new eventTime, and its creation as the last resort */
    double t[] = {when(series, "lastObservedTime"), when(item, "lastTimestamp"),
                  when(item, "eventTime"), when(get(item, "metadata"), "creationTimestamp")};
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        if (t[i] > ev->last_at)
            ev->last_at = t[i];
}
