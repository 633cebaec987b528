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

const cJSON *kubeevents_jget(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

const char *kubeevents_jstr(const cJSON *o, const char *k)
{
    const cJSON *v = kubeevents_jget(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

int kubeevents_jint(const cJSON *o, const char *k, double lo, double hi, int dflt)
{
    const cJSON *v = kubeevents_jget(o, k);
    if (!cJSON_IsNumber(v) || v->valuedouble < lo || v->valuedouble > hi)
        return dflt;
    return (int)v->valuedouble;
}

void kubeevents_jcopy(char *dst, size_t len, const cJSON *o, const char *k)
{
    const char *s = kubeevents_jstr(o, k);
    text_sanitize(dst, len, s ? s : "");
}

/* A count in a sane range (a server's counts are range-checked), else dflt. */
static int num(const cJSON *o, const char *k, int lo, int dflt)
{
    return kubeevents_jint(o, k, lo, 1e9, dflt);
}

static double when(const cJSON *o, const char *k)
{
    double t;
    const char *s = kubeevents_jstr(o, k);
    return s != NULL && quantity_parse_time(s, &t) == 0 ? t : 0;
}

/* One container's state: a waiting or terminated reason replaces the pod's when it
 * ranks higher (why.c's order), so the pod row names what blocks it most. */
static void container_state(struct pod_why *p, const cJSON *cs)
{
    const cJSON *state = kubeevents_jget(cs, "state"),
                *last = kubeevents_jget(kubeevents_jget(cs, "lastState"), "terminated");
    const cJSON *w = kubeevents_jget(state, "waiting"), *t = kubeevents_jget(state, "terminated");
    const cJSON *which = w != NULL ? w : t;
    const char *reason = kubeevents_jstr(which, "reason");
    char r[sizeof(p->reason)];
    text_sanitize(r, sizeof(r), reason ? reason : "");
    if (t != NULL && r[0] == '\0' && num(t, "exitCode", -1000, 0) != 0)
        text_printf(r, sizeof(r), "Error"); /* a container that died without a word */
    int rank = why_rank(r);
    if (rank > 0 && (why_rank(p->reason) == 0 || rank < why_rank(p->reason))) {
        text_printf(p->reason, sizeof(p->reason), "%s", r);
        kubeevents_jcopy(p->message, sizeof(p->message), which, "message");
        if (t != NULL)
            p->exit_code = num(t, "exitCode", -1000, 0);
    }
    if (last != NULL && kubeevents_jstr(last, "reason") != NULL && p->last_reason[0] == '\0') {
        kubeevents_jcopy(p->last_reason, sizeof(p->last_reason), last, "reason");
        if (t == NULL)
            p->exit_code = num(last, "exitCode", -1000, 0);
    }
}

void kubeevents_pod_reason(struct pod_why *p, const cJSON *status)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, kubeevents_jget(status, "conditions"))
    {
        const char *type = kubeevents_jstr(c, "type"), *st = kubeevents_jstr(c, "status");
        if (type && st && strcmp(type, "PodScheduled") == 0 && strcmp(st, "False") == 0) {
            kubeevents_jcopy(p->reason, sizeof(p->reason), c, "reason");
            if (p->reason[0] == '\0')
                text_printf(p->reason, sizeof(p->reason), "Unschedulable");
            kubeevents_jcopy(p->message, sizeof(p->message), c, "message");
            return; /* not scheduled: no container has a state yet */
        }
    }
    cJSON_ArrayForEach(c, kubeevents_jget(status, "initContainerStatuses"))
    {
        container_state(p, c);
    }
    cJSON_ArrayForEach(c, kubeevents_jget(status, "containerStatuses"))
    {
        container_state(p, c);
    }
    if (p->reason[0] == '\0' &&
        kubeevents_jstr(status, "reason") != NULL) /* Evicted, as a pod's own */
        kubeevents_jcopy(p->reason, sizeof(p->reason), status, "reason");
}

int kubeevents_conditions(struct service *svc, const cJSON *conds)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, conds)
    {
        if (kubeevents_jstr(c, "type") == NULL || kubeevents_jstr(c, "status") == NULL)
            continue;
        struct condition *k = service_add_condition(svc);
        if (k == NULL)
            return -1;
        kubeevents_jcopy(k->type, sizeof(k->type), c, "type");
        kubeevents_jcopy(k->status, sizeof(k->status), c, "status");
        kubeevents_jcopy(k->reason, sizeof(k->reason), c, "reason");
        char msg[FT_TEXT_MAX];
        kubeevents_jcopy(msg, sizeof(msg), c, "message");
        if (model_set_text(&k->message, msg) < 0)
            return -1;
        k->changed_at = when(c, "lastTransitionTime");
    }
    return 0;
}

void kubeevents_replicaset(const cJSON *item, struct replicaset *rs, char *owner, size_t ownerlen)
{
    const cJSON *meta = kubeevents_jget(item, "metadata"), *o;
    const char *rev =
        kubeevents_jstr(kubeevents_jget(meta, "annotations"), "deployment.kubernetes.io/revision");
    memset(rs, 0, sizeof(*rs));
    kubeevents_jcopy(rs->name, sizeof(rs->name), meta, "name");
    rs->desired =
        num(kubeevents_jget(item, "spec"), "replicas", 0, 1); /* absent: the API's default 1 */
    rs->ready = num(kubeevents_jget(item, "status"), "readyReplicas", 0, 0);
    rs->created_at = when(meta, "creationTimestamp");
    if (rev != NULL) {
        char *end;
        long v = strtol(rev, &end, 10);
        rs->revision = *end == '\0' && v > 0 && v < 1000000000 ? (int)v : 0;
    }
    owner[0] = '\0';
    cJSON_ArrayForEach(o, kubeevents_jget(meta, "ownerReferences"))
    {
        const char *kind = kubeevents_jstr(o, "kind");
        if (kind != NULL && strcmp(kind, "Deployment") == 0 && kubeevents_jstr(o, "name") != NULL) {
            kubeevents_jcopy(owner, ownerlen, o, "name");
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
    const cJSON *obj = kubeevents_jget(item, "involvedObject");
    kubeevents_jcopy(kind, kindlen, obj, "kind");
    kubeevents_jcopy(name, namelen, obj, "name");
}

void kubeevents_event(const cJSON *item, struct event *ev, const char *kind, const char *name)
{
    const cJSON *series = kubeevents_jget(item, "series");
    memset(ev, 0, sizeof(*ev));
    kubeevents_jcopy(ev->type, sizeof(ev->type), item, "type");
    kubeevents_jcopy(ev->reason, sizeof(ev->reason), item, "reason");
    kubeevents_jcopy(ev->message, sizeof(ev->message), item, "message");
    text_printf(ev->object, sizeof(ev->object), "%s/%s", kind, name);
    ev->count = num(item, "count", 1, 1);
    if (num(series, "count", 1, 0) > ev->count)
        ev->count = num(series, "count", 1, 0);
    /* the newest of the times an event may carry: a series' last, the deprecated
     * lastTimestamp, the new eventTime, and its creation as the last resort */
    double t[] = {when(series, "lastObservedTime"), when(item, "lastTimestamp"),
                  when(item, "eventTime"),
                  when(kubeevents_jget(item, "metadata"), "creationTimestamp")};
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        if (t[i] > ev->last_at)
            ev->last_at = t[i];
}
