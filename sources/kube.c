/* kube.c - the Kubernetes source: deployments, their HPAs, pod metrics and pods read
 * from the API each poll; scaling through the deployment's scale subresource.
 *
 * Lists are read in pages (limit/continue) and each page is reduced to plain C data
 * item by item (kubepage.h: one item's cJSON tree at a time, never the page's), so a
 * namespace of thousands of pods costs one page's text and one item's tree. A scale
 * writes back the resourceVersion it read, so a count someone else changed in between
 * comes back as 409 instead of being overwritten. */

#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "forgetop/config.h"
#include "forgetop/http.h"
#include "forgetop/keda.h"
#include "forgetop/kubeconfig.h"
#include "forgetop/kubens.h"
#include "forgetop/kubepage.h"
#include "forgetop/kubeevents.h"
#include "forgetop/kubeparse.h"
#include "forgetop/kuberec.h"
#include "forgetop/kubewatch.h"
#include "forgetop/quantity.h"
#include "forgetop/source.h"
#include "forgetop/strmap.h"
#include "forgetop/text.h"

#define PAGE_LIMIT 500
/* What one page may weigh: 500 pods with their managedFields are a few MiB. Past it the
 * transfer stops before anything is parsed; a page is parsed an item at a time, so the
 * page's text is what it costs, several at once while a poll's lists are in flight. */
#define PAGE_MAX_BODY        (16u << 20)
#define MAX_PAGES            200
#define MAX_READING_SERVICES 8
#define POD_UNOWNED          LONG_MAX /* by_pod: listed, but of no deployment shown */

struct kube {
    pthread_mutex_t lock; /* kc (credentials) and the flags below, shared with the scaler */
    struct kubeconfig kc;
    struct http_client *http;  /* the poll thread's */
    struct http_client *shttp; /* the scaler thread's */
    char selector[256];
    char ns[FT_NAME_MAX];
    double connect_timeout_s, timeout_s;
    /* RBAC for each verb forgetop sends, asked by SelfSubjectAccessReview: again when
     * probe_at passes (every probe_every_s) and at once after any 401 or 403. */
    struct access access;
    double probe_at, probe_every_s;
    double hpa_cpu_init_s, hpa_ready_delay_s; /* the HPA controller's, from the config */
    /* which deployments carry the runbook's cpu / memory readings */
    char cpu_services[MAX_READING_SERVICES][FT_NAME_MAX];
    char mem_services[MAX_READING_SERVICES][FT_NAME_MAX];
    size_t n_cpu, n_mem;
    /* autoscaling/v2 answered 404 (a cluster before 1.23): HPAs are read and patched
     * through autoscaling/v1 from then on (kubehpa, under lock: the scaler reads it) */
    bool hpa_v1;
    /* the informers of the lists the table marks watch (kubewatch.c), made at the first
     * poll; NULL for the polled ones */
    bool watch;
    double watch_timeout_s, relist_s, metrics_s;
    int max_items; /* an informer's item cap ([kube] max_items); 0: the list's default */
    struct kubewatch *watches[KUBE_LISTS];
    /* the list's last answer was 404: not served here (KEDA's CRD not installed), so its
     * informer's relisting is no news for the notice */
    bool absent[KUBE_LISTS];
};

/* What a poll keeps per deployment besides its struct service. */
struct kdep {
    /* its record: selector and per-pod requests (an informer's, or held by the poll) */
    const struct kuberec_dep *rec;
    int64_t use_cpu_m;
    double use_mem;
    int n_metrics; /* pods with metrics */
    /* what the HPA counts: cpu over ready pods, memory over running ones (not pending,
     * failed or terminating), each pod with a metric */
    int64_t hpa_cpu_m;
    double hpa_mem;
    int n_hpa_cpu, n_hpa_mem;
    /* the requests of the pods counted, each its own (the template's for a pod listed
     * without containers); a counted pod without one makes the figure unknown */
    double req_cpu_m, req_mem;
    bool req_cpu_missing, req_mem_missing;
    struct podreq *preq; /* parallel to the service's pods */
};

/* A pod's own requests (kuberec_pod), kept beside its struct pod for its metrics. */
struct podreq {
    int64_t cpu_m; /* -1 none */
    double mem;    /* -1 none */
};

struct pollctx {
    struct kube *k;
    struct snapshot *snap;
    struct kdep *deps; /* parallel to snap->services */
    size_t cap;
    /* joins without a scan per item: deployment name and pod name -> service index;
     * by_name covers services [0, n_named) */
    struct strmap by_name, by_pod;
    struct strmap by_rs, by_hpa; /* ReplicaSet, HPA name -> service, for their events */
    size_t n_named;
    bool metrics_missing;
    char metrics_why[64]; /* "no permission to read metrics.k8s.io", ... */
    char notes[FT_TEXT_MAX];
    size_t n_keda;            /* services a ScaledObject owns */
    char own_ns[FT_NAME_MAX]; /* the source's namespace, for items that name none */
    /* records of polled lists the join points into (deployments'), freed with the poll */
    void **held;
    size_t n_held, cap_held;
    /* a polled list past its item cap (as an informer's): items joined, items not, and
     * whether that count is a floor (pages left unread without a remainingItemCount) */
    size_t kept[KUBE_LISTS], over[KUBE_LISTS];
    bool over_floor[KUBE_LISTS];
};

static double now_s(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return tv.tv_sec + tv.tv_usec / 1e6;
}

static void add_note(char *notes, size_t len, const char *note)
{
    if (strstr(notes, note) != NULL)
        return;
    size_t n = strlen(notes);
    text_printf(notes + n, len - n, "%s%s", n ? "; " : "", note);
}

/* ---- JSON helpers ---- */

/* kubeevents.c's readers, shared by the kube source's files; an integer from a server is
 * range-checked (0..1e7, else dflt). */
#define jget             kubeevents_jget
#define jstr             kubeevents_jstr
#define jcopy            kubeevents_jcopy
#define jint(o, k, dflt) kubeevents_jint((o), (k), 0, 1e7, (dflt))

/* ---- errors ---- */

static const char *reason_phrase(long code)
{
    switch (code) {
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 409:
        return "Conflict";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Entity";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return "error";
    }
}

/* "kube: GET /apis/...: 403 Forbidden: <the Status message>" */
static void api_error(const char *method, const char *path, const struct http_response *r,
                      char *err, size_t errlen)
{
    char msg[FT_TEXT_MAX] = "";
    cJSON *st = r->body != NULL ? cJSON_ParseWithLength(r->body, r->len) : NULL;
    const char *m = jstr(st, "message");
    if (m != NULL && jstr(st, "kind") != NULL && strcmp(jstr(st, "kind"), "Status") == 0)
        text_sanitize(msg, sizeof(msg), m);
    cJSON_Delete(st);
    text_printf(err, errlen, "kube: %s %s: %ld %s%s%s", method, path, r->status,
                reason_phrase(r->status), msg[0] ? ": " : "", msg[0] ? msg : "");
}

/* Millicores summed over containers and pods: a server's absurd quantities saturate
 * instead of overflowing. */
static int64_t add_milli(int64_t a, int64_t b)
{
    int64_t sum;
    if (__builtin_add_overflow(a, b, &sum))
        return b > 0 ? INT64_MAX : INT64_MIN;
    return sum;
}

/* ---- joining records (kuberec.c parses them) to services ---- */

/* A record's string (sanitised, sized for its field) into a field: a join copies tens of
 * thousands a rebuild, and vsnprintf was most of its cost. */
static void put_str(char *dst, size_t len, const char *src)
{
    size_t n = strlen(src);
    if (n < len)
        memcpy(dst, src, n + 1);
    else
        text_printf(dst, len, "%s", src); /* cut on a character boundary */
}

/* Index of the deployment whose selector matches these labels, -1 none: a scan, kept
 * for pods no ReplicaSet of a deployment owns and metrics of pods not listed. */
static long dep_for(const struct pollctx *pc, const char *ns, const char *labels)
{
    for (size_t i = 0; i < pc->snap->n_services; i++)
        if (strcmp(pc->snap->services[i].namespace_, ns) == 0 &&
            kuberec_selects(pc->deps[i].rec->selector, labels))
            return (long)i;
    return -1;
}

/* A record's namespace; the source's own when the item said none. */
static const char *rec_ns(const struct pollctx *pc, const char *ns)
{
    return ns[0] ? ns : pc->own_ns;
}

/* The service named want (sanitised, as stored) in namespace ns, -1 none; indexes new
 * services first (-2 out of memory). */
static long dep_find(struct pollctx *pc, const char *ns, const char *want)
{
    char key[KUBENS_KEY_MAX];
    for (; pc->n_named < pc->snap->n_services; pc->n_named++) {
        const struct service *svc = &pc->snap->services[pc->n_named];
        size_t kl = kubens_key(key, sizeof key, svc->namespace_, svc->name, strlen(svc->name));
        if (strmap_put(&pc->by_name, key, kl, (long)pc->n_named) < 0)
            return -2; /* out of memory */
    }
    size_t kl = kubens_key(key, sizeof key, ns, want, strlen(want));
    return strmap_get(&pc->by_name, key, kl);
}

/* As dep_find, for a name as the server sent it. */
static long dep_named(struct pollctx *pc, const char *ns, const char *name)
{
    char want[FT_NAME_MAX];
    text_sanitize(want, sizeof(want), name);
    return dep_find(pc, ns, want);
}

static void pollctx_free(struct pollctx *pc)
{
    for (size_t i = 0; pc->deps != NULL && i < pc->snap->n_services; i++)
        free(pc->deps[i].preq);
    free(pc->deps);
    strmap_free(&pc->by_name);
    strmap_free(&pc->by_pod);
    strmap_free(&pc->by_rs);
    strmap_free(&pc->by_hpa);
    for (size_t i = 0; i < pc->n_held; i++)
        free(pc->held[i]);
    free(pc->held);
}

/* ---- HTTP with credentials ---- */

static struct http_client *client_new(struct kube *k, char *err, size_t errlen)
{
    struct kubeconfig *kc = &k->kc;
    struct http_opts o = {0};
    o.connect_timeout_s = k->connect_timeout_s;
    o.timeout_s = k->timeout_s;
    kubeconfig_http_opts(kc, &o);
    o.max_body = PAGE_MAX_BODY;
    return http_client_new(&o, err, errlen);
}

/* Bring credentials up to date and (re)build the client when they changed. */
static int creds_ready(struct kube *k, struct http_client **c, bool force, char *err, size_t errlen)
{
    bool changed = false;
    int rc = 0;
    pthread_mutex_lock(&k->lock);
    if (kubeconfig_refresh(&k->kc, now_s(), force, &changed, err, errlen) < 0) {
        rc = -1;
    } else if (*c == NULL || changed) {
        struct http_client *n = client_new(k, err, errlen);
        if (n == NULL) {
            rc = -1;
        } else {
            http_client_free(*c);
            *c = n;
        }
    }
    pthread_mutex_unlock(&k->lock);
    return rc;
}

static bool can_refresh(struct kube *k)
{
    return k->kc.has_exec || k->kc.token_file != NULL;
}

/* One request; a 401 with a refreshable credential runs the plugin again and retries. */
static void access_changed(struct kube *k, long status);

static int request(struct kube *k, struct http_client **c, const char *method, const char *path,
                   const char *ctype, const char *body, struct http_response *r, char *err,
                   size_t errlen)
{
    char url[2048], terr[256];
    text_printf(url, sizeof(url), "%s%s", k->kc.server, path);
    for (int attempt = 0;; attempt++) {
        memset(r, 0, sizeof(*r));
        if (http_request(*c, method, url, ctype, body, body ? strlen(body) : 0, r, terr,
                         sizeof(terr)) < 0) {
            text_printf(err, errlen, "kube: %s %s: %s", method, path, terr);
            return -1;
        }
        if (r->status != 401 || attempt > 0 || !can_refresh(k)) {
            access_changed(k, r->status);
            return 0;
        }
        http_response_free(r);
        if (creds_ready(k, c, true, err, errlen) < 0)
            return -1;
    }
}

static cJSON *parse_body(const char *method, const char *path, const struct http_response *r,
                         char *err, size_t errlen)
{
    cJSON *doc = r->body ? cJSON_ParseWithLength(r->body, r->len) : NULL;
    if (doc == NULL || !cJSON_IsObject(doc)) {
        text_printf(err, errlen, "kube: %s %s: malformed response (%zu bytes, not a JSON object)",
                    method, path, r->len);
        cJSON_Delete(doc);
        return NULL;
    }
    return doc;
}

/* ---- deployments, HPAs, ScaledObjects ---- */

static int on_deployment(struct pollctx *pc, const void *rec)
{
    const struct kuberec_dep *r = rec;
    if (pc->snap->n_services == pc->cap) {
        size_t cap = pc->cap ? pc->cap * 2 : 64;
        struct kdep *d = realloc(pc->deps, cap * sizeof(*d));
        if (d == NULL)
            return -1;
        pc->deps = d;
        pc->cap = cap;
    }
    struct service *svc = snapshot_add_service(pc->snap);
    if (svc == NULL)
        return -1;
    struct kdep *d = &pc->deps[pc->snap->n_services - 1];
    memset(d, 0, sizeof(*d));
    d->rec = r;
    put_str(svc->name, sizeof(svc->name), r->name);
    put_str(svc->source, sizeof(svc->source), "kube");
    put_str(svc->namespace_, sizeof(svc->namespace_), rec_ns(pc, r->ns));
    put_str(svc->kind, sizeof(svc->kind), "deployment");
    svc->desired = r->desired;
    svc->ready = r->ready;
    svc->updated = r->updated;
    svc->available = r->available;
    svc->res = r->res;
    if (model_set_text(&svc->status, r->status) < 0)
        return -1;
    for (size_t i = 0; i < r->n_conds; i++) {
        struct condition *c = service_add_condition(svc);
        if (c == NULL)
            return -1;
        *c = r->conds[i];
        c->message = NULL; /* the record's: the snapshot takes a copy */
        if (model_set_text(&c->message, r->conds[i].message) < 0)
            return -1;
    }
    return 0;
}

static int on_hpa(struct pollctx *pc, const void *rec)
{
    const struct kuberec_hpa *r = rec;
    if (!r->target[0])
        return 0; /* not a Deployment's */
    const char *ns = rec_ns(pc, r->ns);
    long i = dep_find(pc, ns, r->target);
    if (i < 0)
        return i == -2 ? -1 : 0;
    struct service *svc = &pc->snap->services[i];
    struct autoscaler *a = &svc->autoscaler;
    /* what the service owns stays its own (a second HPA of one Deployment replaces the
     * first's texts, never leaks them); the texts are copies of the record's */
    char *inactive = a->inactive, *conditions = a->conditions;
    struct keda_scaler *keda = a->keda;
    *a = r->a;
    a->inactive = inactive, a->conditions = conditions, a->keda = keda;
    if (model_set_text(&a->inactive, r->inactive) < 0 ||
        model_set_text(&a->conditions, r->conditions) < 0)
        return -1;
    char key[KUBENS_KEY_MAX];
    if (strmap_put(&pc->by_hpa, key, kubens_key(key, sizeof key, ns, a->name, strlen(a->name)), i) <
        0)
        return -1;
    svc->min = a->min;
    svc->max = a->max;
    return 0;
}

/* A ScaledObject: its Deployment's autoscaler becomes KEDA, the HPA it generates (read
 * before, in the HPA list) shown as KEDA's rather than as an owner of its own. */
static int on_scaledobject(struct pollctx *pc, const void *rec)
{
    const struct kuberec_scaledobject *r = rec;
    if (!r->target[0])
        return 0;
    long i = dep_named(pc, rec_ns(pc, r->ns), r->target);
    if (i < 0)
        return i == -2 ? -1 : 0;
    struct service *svc = &pc->snap->services[i];
    if (keda_link(&svc->autoscaler, &r->k) < 0)
        return -1;
    svc->min = r->k.min;
    svc->max = r->k.max;
    pc->n_keda++;
    return 0;
}

/* ---- pods and their metrics ---- */

/* The deployment owning a pod through its ReplicaSet "<deployment>-<pod-template-hash>":
 * the index, -1 when that deployment is not listed (or its selector disowns the pod),
 * -2 when the pod has no such owner and only its labels can tell, -3 out of memory. */
static long dep_by_owner(struct pollctx *pc, const char *ns, const struct kuberec_pod *r)
{
    if (r->owner == NULL)
        return -2;
    long i = dep_find(pc, ns, r->owner);
    if (i == -2)
        return -3;
    return i >= 0 && kuberec_selects(pc->deps[i].rec->selector, r->labels) ? i : -1;
}

static int on_pod(struct pollctx *pc, const void *rec)
{
    const struct kuberec_pod *r = rec;
    char key[KUBENS_KEY_MAX];
    const char *ns = rec_ns(pc, r->ns);
    size_t kl = kubens_key(key, sizeof key, ns, r->name, strlen(r->name));
    long i = dep_by_owner(pc, ns, r);
    if (i == -2)
        i = dep_for(pc, ns, r->labels);
    if (i == -3)
        return -1;
    if (i < 0) /* no deployment of ours: nor are its metrics */
        return strmap_put(&pc->by_pod, key, kl, POD_UNOWNED);
    struct service *svc = &pc->snap->services[i];
    struct kdep *d = &pc->deps[i];
    /* grown as the pods are: a power of two at least 4 */
    if (svc->n_pods >= 4 && (svc->n_pods & (svc->n_pods - 1)) == 0) {
        struct podreq *q = realloc(d->preq, svc->n_pods * 2 * sizeof(*q));
        if (q == NULL)
            return -1;
        d->preq = q;
    } else if (d->preq == NULL && (d->preq = malloc(4 * sizeof(*d->preq))) == NULL) {
        return -1;
    }
    d->preq[svc->n_pods] = r->own_requests ? (struct podreq){r->cpu_req_m, r->mem_req}
                                           : (struct podreq){d->rec->cpu_req_m, d->rec->mem_req};
    struct pod *p = service_add_pod(svc);
    if (p == NULL)
        return -1;
    if (strmap_put(&pc->by_pod, key, kl, i) < 0)
        return -1; /* its metrics find it by name */
    put_str(p->name, sizeof(p->name), r->name);
    put_str(p->phase, sizeof(p->phase), r->phase);
    put_str(p->node, sizeof(p->node), r->node);
    p->ready = r->ready;
    p->ready_reported = r->ready_reported;
    p->ready_changed_at = r->ready_changed_at;
    p->restarts = r->restarts;
    p->started_at = r->started_at;
    put_str(p->reason, sizeof(p->reason), r->reason);
    if (pod_set_message(p, r->message) < 0)
        return -1;
    put_str(p->last_reason, sizeof(p->last_reason), r->last_reason);
    p->exit_code = r->exit_code;
    return 0;
}

/* ---- what explains readiness: ReplicaSets and events (kubeevents.c reads them) ---- */

static int on_replicaset(struct pollctx *pc, const void *rec)
{
    const struct kuberec_replicaset *r = rec;
    char key[KUBENS_KEY_MAX];
    const char *ns = rec_ns(pc, r->ns);
    long i = r->owner[0] ? dep_named(pc, ns, r->owner) : -1;
    if (i == -2)
        return -1;
    if (i < 0)
        return 0;
    if (strmap_put(&pc->by_rs, key, kubens_key(key, sizeof key, ns, r->rs.name, strlen(r->rs.name)),
                   i) < 0)
        return -1;
    return kubeevents_keep_rset(&pc->snap->services[i], &r->rs);
}

/* An event about a deployment shown, one of its ReplicaSets, its pods or its HPA. */
static int on_event(struct pollctx *pc, const void *rec)
{
    const struct kuberec_event *r = rec;
    char key[KUBENS_KEY_MAX];
    long i = -1;
    const char *ns = rec_ns(pc, r->ns), *kind = r->kind;
    size_t kl = kubens_key(key, sizeof key, ns, r->name, strlen(r->name));
    if (strcmp(kind, "Deployment") == 0)
        i = dep_named(pc, ns, r->name);
    else if (strcmp(kind, "ReplicaSet") == 0)
        i = strmap_get(&pc->by_rs, key, kl);
    else if (strcmp(kind, "Pod") == 0)
        i = strmap_get(&pc->by_pod, key, kl);
    else if (strcmp(kind, "HorizontalPodAutoscaler") == 0)
        i = strmap_get(&pc->by_hpa, key, kl);
    if (i == -2 && strcmp(kind, "Deployment") == 0)
        return -1;
    if (i < 0 || i == POD_UNOWNED)
        return 0;
    service_keep_event(&pc->snap->services[i], &r->ev);
    return 0;
}

/* Whether the HPA leaves this pod's cpu out as unready (groupPods): without a Ready
 * condition or a start time, yes; inside the cpu initialisation period, when not ready
 * or when the metric's window began before readiness last changed; after it, only a
 * pod that has never been ready since it started. */
static bool cpu_unready(const struct kube *k, const struct pod *p, double metric_t, double window,
                        double now)
{
    if (!p->ready_reported || p->started_at <= 0)
        return true;
    if (p->started_at + k->hpa_cpu_init_s > now)
        return !p->ready || (metric_t > 0 && metric_t < p->ready_changed_at + window);
    return !p->ready && p->started_at + k->hpa_ready_delay_s > p->ready_changed_at;
}

/* Add one pod's use to the sums the HPA would take (groupPods in replica_calculator.go):
 * pending, failed and terminating pods are left out; for cpu, unready ones too. Without a
 * pod list (refused) every pod with a metric counts, as nothing says otherwise. */
static void hpa_count(struct kdep *d, const struct pod *p, const struct podreq *q, bool have_pods,
                      int64_t cpu_m, double mem, bool unready)
{
    if (have_pods && p == NULL)
        return; /* not a pod the HPA lists: it has no request to divide by */
    if (p != NULL && (strcmp(p->phase, "Pending") == 0 || strcmp(p->phase, "Failed") == 0 ||
                      strcmp(p->phase, "Terminating") == 0))
        return;
    /* without a pod list, each pod is taken to have the template's requests */
    struct podreq tpl = {d->rec->cpu_req_m, d->rec->mem_req};
    if (q == NULL)
        q = &tpl;
    d->hpa_mem += mem;
    d->n_hpa_mem++;
    d->req_mem_missing |= q->mem < 0;
    d->req_mem += q->mem > 0 ? q->mem : 0;
    if (unready)
        return;
    d->hpa_cpu_m = add_milli(d->hpa_cpu_m, cpu_m);
    d->n_hpa_cpu++;
    d->req_cpu_missing |= q->cpu_m < 0;
    d->req_cpu_m += q->cpu_m > 0 ? (double)q->cpu_m : 0;
}

static int on_pod_metrics(struct pollctx *pc, const void *rec)
{
    const struct kuberec_metrics *r = rec;
    char key[KUBENS_KEY_MAX];
    const char *ns = rec_ns(pc, r->ns);
    long i =
        strmap_get(&pc->by_pod, key, kubens_key(key, sizeof key, ns, r->name, strlen(r->name)));
    if (i < 0) /* a pod the pod list did not show (or no pod list): its labels tell */
        i = dep_for(pc, ns, r->labels);
    if (i < 0 || i == POD_UNOWNED)
        return 0;
    struct kdep *d = &pc->deps[i];
    d->use_cpu_m = add_milli(d->use_cpu_m, r->cpu_m);
    d->use_mem += r->mem;
    d->n_metrics++;
    struct service *svc = &pc->snap->services[i];
    const struct pod *pod = NULL;
    const struct podreq *q = NULL;
    for (size_t j = 0; j < svc->n_pods; j++)
        if (strcmp(svc->pods[j].name, r->name) == 0) {
            svc->pods[j].cpu_cores = r->cores;
            svc->pods[j].mem_bytes = r->mem;
            pod = &svc->pods[j];
            q = &d->preq[j];
        }
    bool unready = pod != NULL && cpu_unready(pc->k, pod, r->t, r->window_s, pc->snap->taken_at);
    hpa_count(d, pod, q, svc->n_pods > 0, r->cpu_m, r->mem, unready);
    return 0;
}

/* ---- lists ---- */

typedef int (*join_fn)(struct pollctx *pc, const void *rec);

/* A polled item: parsed into its record, joined, then freed, or held to the poll's end
 * when the join points into it (a deployment's selector and requests). */
static int join_item(struct pollctx *pc, enum kube_list list, join_fn fn, const cJSON *item)
{
    void *rec;
    if (kuberec_parse(list, item, &rec) < 0)
        return -1;
    if (rec == NULL)
        return 0;
    if (list == KUBE_DEPLOYMENTS && pc->n_held == pc->cap_held) {
        size_t cap = pc->cap_held ? pc->cap_held * 2 : 64;
        void **h = realloc(pc->held, cap * sizeof(*h));
        if (h == NULL) {
            free(rec);
            return -1;
        }
        pc->held = h;
        pc->cap_held = cap;
    }
    int rc = fn(pc, rec);
    if (list == KUBE_DEPLOYMENTS)
        pc->held[pc->n_held++] = rec;
    else
        free(rec);
    return rc;
}

/* The most items of list i kept, polled or watched: [kube] max_items, else enough for a
 * big cluster's pods (and their metrics) and deployments. */
static size_t list_cap(const struct kube *k, enum kube_list i)
{
    if (k->max_items > 0)
        return (size_t)k->max_items;
    return i == KUBE_PODS || i == KUBE_POD_METRICS ? 20000 : 5000;
}

/* Past the cap, the items of this page not joined and those of the pages not read. */
static void count_over(struct pollctx *pc, enum kube_list list, const cJSON *md, char **cont)
{
    const cJSON *rest = jget(md, "remainingItemCount");
    if (pc->over[list] == 0 || !**cont)
        return;
    if (cJSON_IsNumber(rest) && rest->valuedouble > 0 && rest->valuedouble < 1e9)
        pc->over[list] += (size_t)rest->valuedouble;
    else
        pc->over_floor[list] = true;
    **cont = '\0'; /* full: no further page is read */
}

/* The page's shape as its error, as a whole-page parse said it: 0 a list, -1 with err. */
static int page_shape(const char *path, const struct http_response *r, struct kubepage *pg,
                      char *err, size_t errlen)
{
    int shape = kubepage_scan_list(pg, r->body, r->body != NULL ? r->len : 0);
    if (shape == KUBEPAGE_NOT_OBJECT)
        text_printf(err, errlen, "kube: GET %s: malformed response (%zu bytes, not a JSON object)",
                    path, r->len);
    else if (shape == KUBEPAGE_NO_ITEMS)
        text_printf(err, errlen, "kube: GET %s: response has no items list", path);
    return shape == KUBEPAGE_LIST ? 0 : -1;
}

/* Each item of the page parsed alone, joined as far as the cap admits, and freed before
 * the next: the page is never one tree (kubepage.h). */
static int join_items(struct pollctx *pc, const char *path, const struct http_response *r,
                      struct kubepage *pg, enum kube_list list, join_fn fn, char *err,
                      size_t errlen)
{
    size_t cap = list_cap(pc->k, list);
    cJSON *it;
    int got;
    while ((got = kubepage_next_item(pg, &it)) == 1) {
        if (pc->kept[list] >= cap) { /* parsed all the same: a broken item fails the page */
            pc->over[list]++;
            cJSON_Delete(it);
            continue;
        }
        int rc = join_item(pc, list, fn, it);
        cJSON_Delete(it);
        if (rc < 0) {
            text_printf(err, errlen, "kube: out of memory reading %s", path);
            return -1;
        }
        pc->kept[list]++;
    }
    if (got < 0)
        text_printf(err, errlen, "kube: GET %s: malformed response (%zu bytes, not a JSON object)",
                    path, r->len);
    return got;
}

/* Reduce one page and return its continue token (caller frees), "" at the end. */
static int list_page(struct pollctx *pc, const char *path, const struct http_response *r,
                     enum kube_list list, join_fn fn, int max_items, char **cont, char *err,
                     size_t errlen)
{
    struct kubepage pg;
    if (page_shape(path, r, &pg, err, errlen) < 0)
        return -1;
    /* a server that ignores limit would have every item of a huge list reduced at once */
    if (pg.n_items > (size_t)max_items) {
        text_printf(err, errlen, "kube: GET %s: %zu items in a page of at most %d: refused", path,
                    pg.n_items, max_items);
        return -1;
    }
    if (join_items(pc, path, r, &pg, list, fn, err, errlen) < 0)
        return -1;
    cJSON *md = kubepage_parse_metadata(&pg);
    const char *c = jstr(md, "continue");
    *cont = strdup(c ? c : "");
    int rc = *cont ? 0 : -1;
    if (rc == 0)
        count_over(pc, list, md, cont);
    cJSON_Delete(md);
    return rc;
}

static void list_path(char *out, size_t len, const char *base, const char *selector, bool page,
                      const char *cont)
{
    char *sel = selector && *selector ? http_escape(selector) : NULL;
    char *c = cont && *cont ? http_escape(cont) : NULL;
    size_t n;
    char sep = strchr(base, '?') != NULL ? '&' : '?'; /* a base with its own fieldSelector */
    text_printf(out, len, "%s", base);
    if (page) {
        n = strlen(out);
        text_printf(out + n, len - n, "%climit=%d", sep, PAGE_LIMIT);
        sep = '&';
    }
    if (sel) {
        n = strlen(out);
        text_printf(out + n, len - n, "%clabelSelector=%s", sep, sel);
        sep = '&';
    }
    if (c) {
        n = strlen(out);
        text_printf(out + n, len - n, "%ccontinue=%s", sep, c);
    }
    free(sel);
    free(c);
}

/* One list a poll reads; soft lists (pods, metrics, HPAs) may be refused without failing it. */
struct listspec {
    const char *what;
    const char *fmt; /* path with %s for the namespace */
    bool use_selector, page, soft;
    join_fn fn; /* joins one record of the list (kuberec.c parses it) */
    char base[512], first[2048];
    bool watch; /* listed once then followed by watch (kubewatch.c); false: every poll */
    enum kube_list list;
};

/* ---- the next page's token, read off the bytes ---- */

/* Index just past the string opening at b[i], 0 when it does not end. */
static size_t skip_string(const char *b, size_t len, size_t i)
{
    for (i++; i < len; i++) {
        if (b[i] == '\\')
            i++;
        else if (b[i] == '"')
            return i + 1;
    }
    return 0;
}

static size_t skip_ws(const char *b, size_t len, size_t i)
{
    while (i < len && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t'))
        i++;
    return i;
}

/* The string value of key at b[k] (its ':'): 1 with it in out, 0 empty, -1 cannot tell. */
static int peek_value(const char *b, size_t len, size_t k, char *out, size_t outlen)
{
    size_t v = skip_ws(b, len, k + 1), e;
    if (v >= len || b[v] != '"' || (e = skip_string(b, len, v)) == 0)
        return -1;
    size_t n = e - v - 2;
    if (n + 1 > outlen || memchr(b + v + 1, '\\', n) != NULL)
        return -1; /* an escaped token is left to the parser */
    memcpy(out, b + v + 1, n);
    out[n] = '\0';
    return n > 0;
}

/* A list page's continue token (the top-level metadata's), found before the page is
 * parsed so the next page can be asked for while this one is: 1 with the token, 0 the
 * page has none, -1 cannot tell (the parse decides then). The API server writes metadata
 * before items, so this reads a few hundred bytes; it is a hint, never trusted alone. */
static int peek_continue(const char *b, size_t len, char *out, size_t outlen)
{
    int depth = 0, meta = -1; /* the depth inside metadata's object, -1 outside */
    bool want_meta = false;
    for (size_t i = 0; b != NULL && i < len; i++) {
        char ch = b[i];
        if (ch == '"') {
            size_t e = skip_string(b, len, i), k;
            if (e == 0)
                return -1;
            k = skip_ws(b, len, e);
            bool key = k < len && b[k] == ':';
            size_t n = e - i - 2;
            if (key && depth == 1 && n == 8 && memcmp(b + i + 1, "metadata", 8) == 0)
                want_meta = true;
            else if (key && depth == meta && n == 8 && memcmp(b + i + 1, "continue", 8) == 0)
                return peek_value(b, len, k, out, outlen);
            i = (key ? k : e) - (key ? 0 : 1);
        } else if (ch == '{' || ch == '[') {
            depth++;
            if (want_meta && ch == '{' && depth == 2)
                meta = depth;
            want_meta = false;
        } else if (ch == '}' || ch == ']') {
            if (depth == meta)
                return 0; /* metadata without a token: the last page */
            depth--;
        } else if (ch != ' ' && ch != '\n' && ch != '\r' && ch != '\t') {
            want_meta = false; /* metadata that is not an object */
        }
    }
    return -1;
}

/* The page after this one, asked for at once when its token is on the page's bytes. */
static struct http_batch *prefetch(struct kube *k, const struct listspec *ls,
                                   const struct http_response *page, char *token, size_t len)
{
    char path[2048], url[2600];
    if (peek_continue(page->body, page->len, token, len) != 1)
        return NULL;
    list_path(path, sizeof(path), ls->base, ls->use_selector ? k->selector : NULL, ls->page, token);
    text_printf(url, sizeof(url), "%s%s", k->kc.server, path);
    const char *urls[1] = {url};
    return http_get_start(k->http, urls, 1);
}

/* The page at path: the prefetched answer when it was for this token and needs no fresh
 * credential, else asked for now as any request. 0 with next, -1 with err. */
static int next_page(struct kube *k, const char *path, bool same, struct http_response *pre,
                     int prc, const char *perr, struct http_response *next, char *err,
                     size_t errlen)
{
    if (same && prc < 0) {
        text_printf(err, errlen, "kube: GET %s: %s", path, perr);
        return -1;
    }
    if (same && (pre->status != 401 || !can_refresh(k))) {
        *next = *pre;
        access_changed(k, next->status);
        return 0;
    }
    http_response_free(pre);
    return request(k, &k->http, "GET", path, NULL, NULL, next, err, errlen);
}

/* Read the remaining pages of a list whose first page is r (the caller frees r). Each
 * next page is asked for before this one is parsed, so the server and the network work
 * while the reducers do; the parse's own token decides which page comes next. */
static int list_rest(struct pollctx *pc, const struct listspec *ls, struct http_response *r,
                     char *err, size_t errlen)
{
    char path[2048], token[1024], perr[1][256], *cont = NULL;
    const char *sel = ls->use_selector ? pc->k->selector : NULL;
    int max = ls->page ? PAGE_LIMIT : PAGE_LIMIT * MAX_PAGES, rc;
    struct http_response page = *r, pre;
    text_printf(path, sizeof(path), "%s", ls->first);
    for (int pages = 1;; pages++) {
        struct http_batch *b =
            pages < MAX_PAGES && ls->page ? prefetch(pc->k, ls, &page, token, sizeof(token)) : NULL;
        int prc = -1;
        rc = list_page(pc, path, &page, ls->list, ls->fn, max, &cont, err, errlen);
        if (page.body != r->body)
            http_response_free(&page);
        memset(&pre, 0, sizeof(pre));
        perr[0][0] = '\0';
        http_get_finish(b, &pre, &prc, perr);
        if (rc == 0 && cont[0] != '\0' && pages >= MAX_PAGES) {
            text_printf(err, errlen, "kube: GET %s: more than %d pages", ls->base, MAX_PAGES);
            rc = -1;
        }
        if (rc != 0 || cont[0] == '\0') {
            http_response_free(&pre);
            break;
        }
        list_path(path, sizeof(path), ls->base, sel, ls->page, cont);
        rc = next_page(pc->k, path, b != NULL && strcmp(cont, token) == 0, &pre, prc, perr[0],
                       &page, err, errlen);
        free(cont);
        cont = NULL;
        if (rc == 0 && page.status != 200) {
            api_error("GET", path, &page, err, errlen);
            http_response_free(&page);
            rc = -1;
        }
        if (rc != 0)
            break;
    }
    free(cont);
    if (rc == 0 && pc->over[ls->list] > 0) { /* as kubewatch_capped says it of an informer */
        char note[192];
        text_printf(note, sizeof(note), "showing %zu of %s%zu %s (max_items %zu)",
                    pc->kept[ls->list], pc->over_floor[ls->list] ? "at least " : "",
                    pc->kept[ls->list] + pc->over[ls->list], ls->what, list_cap(pc->k, ls->list));
        add_note(pc->notes, sizeof(pc->notes), note);
    }
    return rc;
}

/* ---- the poll ---- */

/* One SelfSubjectAccessReview: the server's yes or no, or PERM_UNKNOWN when it gave
 * none (starting, unreachable, an answer that is not a review). */
static enum permission ssar(struct kube *k, struct http_client **c, const char *verb,
                            const char *group, const char *resource, const char *sub)
{
    char body[512], err[256], path[] = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
    struct http_response r;
    enum permission p = PERM_UNKNOWN;
    text_printf(body, sizeof(body),
                "{\"kind\":\"SelfSubjectAccessReview\",\"apiVersion\":\"authorization.k8s.io/"
                "v1\",\"spec\":{\"resourceAttributes\":{\"namespace\":\"%s\",\"verb\":\"%s\","
                "\"group\":\"%s\",\"resource\":\"%s\",\"subresource\":\"%s\"}}}",
                k->ns, verb, group, resource, sub); /* k->ns was checked as a DNS label */
    if (request(k, c, "POST", path, "application/json", body, &r, err, sizeof(err)) < 0)
        return PERM_UNKNOWN;
    cJSON *doc = (r.status == 201 || r.status == 200) && r.body
                     ? cJSON_ParseWithLength(r.body, r.len)
                     : NULL;
    const cJSON *allowed = jget(jget(doc, "status"), "allowed");
    if (cJSON_IsBool(allowed))
        p = cJSON_IsTrue(allowed) ? PERM_ALLOWED : PERM_DENIED;
    cJSON_Delete(doc);
    http_response_free(&r);
    return p;
}

/* Ask what is sent: the count is a PUT of deployments/scale (update, kept over a patch
 * because the PUT carries the resourceVersion the operator saw as a precondition), and m
 * is a merge PATCH of the HPA. An unanswered probe keeps the last answer and is asked
 * again next poll, so a server that was starting never leaves the session read-only. */
static void check_access(struct kube *k, struct http_client **c, bool force)
{
    double now = now_s();
    pthread_mutex_lock(&k->lock);
    bool due = force || now >= k->probe_at;
    pthread_mutex_unlock(&k->lock);
    if (!due)
        return;
    /* a server that did not answer the first will not answer the others in time: each
     * would cost a whole request timeout of the poll */
    enum permission scale = ssar(k, c, "update", "apps", "deployments", "scale");
    enum permission hpa = scale == PERM_UNKNOWN
                              ? PERM_UNKNOWN
                              : ssar(k, c, "patch", "autoscaling", "horizontalpodautoscalers", "");
    enum permission keda =
        hpa == PERM_UNKNOWN ? PERM_UNKNOWN : ssar(k, c, "patch", "keda.sh", "scaledobjects", "");
    pthread_mutex_lock(&k->lock);
    if (scale != PERM_UNKNOWN)
        k->access.scale = scale;
    if (hpa != PERM_UNKNOWN)
        k->access.hpa_min = hpa;
    if (keda != PERM_UNKNOWN)
        k->access.keda = keda;
    if (scale != PERM_UNKNOWN && hpa != PERM_UNKNOWN && keda != PERM_UNKNOWN) {
        k->access.checked_at = now;
        k->probe_at = now + k->probe_every_s;
    } else {
        k->probe_at = 0;
    }
    pthread_mutex_unlock(&k->lock);
}

/* A 401 or 403 anywhere: rights may have changed, ask again at the next chance. */
static void access_changed(struct kube *k, long status)
{
    if (status != 401 && status != 403)
        return;
    pthread_mutex_lock(&k->lock);
    k->probe_at = 0;
    pthread_mutex_unlock(&k->lock);
}

static struct access access_now(struct kube *k)
{
    pthread_mutex_lock(&k->lock);
    struct access a = k->access;
    pthread_mutex_unlock(&k->lock);
    return a;
}

static bool listed(char (*names)[FT_NAME_MAX], size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return true;
    return false;
}

/* Utilisation as the HPA computes it (integer percent of requests) and memory of limits. */
static void finish_service(struct pollctx *pc, size_t i, double t)
{
    struct service *svc = &pc->snap->services[i];
    struct kdep *d = &pc->deps[i];
    const char *note = pc->metrics_missing ? pc->metrics_why : "no pod metrics";
    if (!pc->metrics_missing && d->n_metrics > 0) {
        svc->cpu_cores = d->use_cpu_m / 1000.0;
        svc->mem_bytes = d->use_mem;
        /* in doubles: a server's "9P" request times the pods overflows an int64; truncated
         * to an integer percent as GetResourceUtilizationRatio's integer division is */
        if (!d->req_cpu_missing && d->req_cpu_m > 0 && d->n_hpa_cpu > 0)
            svc->cpu_pct = trunc((double)d->hpa_cpu_m * 100 / d->req_cpu_m);
        if (!d->req_mem_missing && d->req_mem > 0 && d->n_hpa_mem > 0)
            svc->mem_req_pct = trunc(d->hpa_mem * 100.0 / d->req_mem);
        if (d->rec->mem_limit > 0)
            svc->mem_pct = d->use_mem * 100.0 / (d->rec->mem_limit * d->n_metrics);
    }
    struct kube *k = pc->k;
    struct reading *r;
    if (listed(k->cpu_services, k->n_cpu, svc->name) &&
        (r = snapshot_add_reading(pc->snap, "cpu", svc->name, t, svc->cpu_pct)) != NULL &&
        isnan(svc->cpu_pct))
        text_printf(
            r->note, sizeof(r->note), "%s",
            d->n_metrics == 0 ? note
            : (d->n_hpa_cpu > 0 ? d->req_cpu_missing || d->req_cpu_m <= 0 : d->rec->cpu_req_m <= 0)
                ? "no cpu request"
                : "no ready pod with metrics");
    if (listed(k->mem_services, k->n_mem, svc->name) &&
        (r = snapshot_add_reading(pc->snap, "memory", svc->name, t, svc->mem_pct)) != NULL &&
        isnan(svc->mem_pct))
        text_printf(r->note, sizeof(r->note), "%s",
                    d->n_metrics > 0 && d->rec->mem_limit <= 0 ? "no memory limit" : note);
}

static void fill_specs(struct kube *k, struct listspec *ls, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        kubens_list_base(ls[i].base, sizeof(ls[i].base), ls[i].fmt, k->ns);
        list_path(ls[i].first, sizeof(ls[i].first), ls[i].base,
                  ls[i].use_selector ? k->selector : NULL, ls[i].page, NULL);
    }
}

/* The first page of every list at once; once more after a 401 with fresh credentials. */
static void first_pages(struct kube *k, struct listspec *ls, size_t n, struct http_response *r,
                        int *rc, char (*errs)[256])
{
    char url[KUBE_LISTS][2600];
    const char *urls[KUBE_LISTS];
    for (size_t i = 0; i < n; i++) {
        text_printf(url[i], sizeof(url[i]), "%s%s", k->kc.server, ls[i].first);
        urls[i] = url[i];
    }
    http_get_many(k->http, urls, n, r, rc, errs);
    if (n == 0 || rc[0] != 0 || r[0].status != 401 || !can_refresh(k))
        return;
    for (size_t i = 0; i < n; i++)
        http_response_free(&r[i]);
    char e[256];
    if (creds_ready(k, &k->http, true, e, sizeof(e)) < 0) {
        for (size_t i = 0; i < n; i++) {
            memset(&r[i], 0, sizeof(r[i]));
            rc[i] = -1;
            text_printf(errs[i], 256, "%s", e);
        }
        return;
    }
    http_get_many(k->http, urls, n, r, rc, errs);
}

/* The lists one poll reads, in the order kubeparse.h numbers them. */
static void list_specs(struct listspec ls[KUBE_LISTS])
{
    const struct listspec specs[KUBE_LISTS] = {
        {"deployments", "/apis/apps/v1/namespaces/%s/deployments", true, true, false, on_deployment,
         "", "", true, KUBE_DEPLOYMENTS},
        {"HPAs", "/apis/autoscaling/v2/namespaces/%s/horizontalpodautoscalers", false, true, true,
         on_hpa, "", "", true, KUBE_HPAS},
        {"pods", "/api/v1/namespaces/%s/pods", false, true, true, on_pod, "", "", true, KUBE_PODS},
        {"pod metrics", "/apis/metrics.k8s.io/v1beta1/namespaces/%s/pods", false, false, true,
         on_pod_metrics, "", "", false, KUBE_POD_METRICS}, /* metrics.k8s.io has no watch */
        {"ScaledObjects", "/apis/keda.sh/v1alpha1/namespaces/%s/scaledobjects", false, true, true,
         on_scaledobject, "", "", true, KUBE_SCALEDOBJECTS},
        {"ReplicaSets", "/apis/apps/v1/namespaces/%s/replicasets", false, true, true, on_replicaset,
         "", "", true, KUBE_REPLICASETS},
        /* Warnings only: what explains a pod that is not ready (BackOff, FailedScheduling,
         * FailedCreate, Unhealthy) without the Normal chatter that is most of a busy
         * namespace's events; after pods and ReplicaSets, which they are joined to. */
        {"events", "/api/v1/namespaces/%s/events?fieldSelector=type%%3DWarning", false, true, true,
         on_event, "", "", true, KUBE_EVENTS},
    };
    memcpy(ls, specs, sizeof(specs));
}

#define HPA_V1_LIST "/apis/autoscaling/v1/namespaces/%s/horizontalpodautoscalers"
#define HPA_V1_NOTE "HPAs read through autoscaling/v1 (v2 not served)"

static bool hpa_v1(struct kube *k)
{
    pthread_mutex_lock(&k->lock);
    bool v1 = k->hpa_v1;
    pthread_mutex_unlock(&k->lock);
    return v1;
}

static void hpa_v1_set(struct kube *k, bool v1)
{
    pthread_mutex_lock(&k->lock);
    k->hpa_v1 = v1;
    pthread_mutex_unlock(&k->lock);
}

/* autoscaling/v2 is not served (404): read the same HPAs through autoscaling/v1, and keep
 * to it. A 404 there too is what the operator sees: no HPA API at all. */
static int hpa_fallback(struct pollctx *pc, struct listspec *ls, char *err, size_t errlen)
{
    struct http_response r;
    char note[96];
    ls->fmt = HPA_V1_LIST;
    fill_specs(pc->k, ls, 1);
    if (request(pc->k, &pc->k->http, "GET", ls->first, NULL, NULL, &r, err, errlen) < 0)
        return -1;
    int ret = 0;
    if (r.status == 200) {
        hpa_v1_set(pc->k, true);
        add_note(pc->notes, sizeof(pc->notes), HPA_V1_NOTE);
        ret = list_rest(pc, ls, &r, err, errlen);
    } else {
        text_printf(note, sizeof(note), "HPAs unreadable (v2: 404, v1: %ld)", r.status);
        add_note(pc->notes, sizeof(pc->notes), note);
    }
    http_response_free(&r);
    return ret;
}

/* ---- informers (kubewatch.c) ---- */

/* A watched list from its cache: the same join as a page's, on records kept between polls. */
static int reduce_cache(struct pollctx *pc, const struct listspec *ls, struct kubewatch *w,
                        char *err, size_t errlen)
{
    size_t n = kubewatch_count(w);
    for (size_t j = 0; j < n; j++)
        if (ls->fn(pc, kubewatch_item(w, j)) < 0) {
            text_printf(err, errlen, "kube: out of memory reading %s", ls->base);
            return -1;
        }
    return 0;
}

/* An informer's parse: list arg's record of the item (kuberec.c). */
static int parse_record(const cJSON *item, void **rec, void *arg)
{
    return kuberec_parse((enum kube_list)(intptr_t)arg, item, rec);
}

/* The informer of list i when the table marks it watch and the config allows, made once. */
static struct kubewatch *watcher(struct kube *k, const struct listspec *ls, size_t i)
{
    /* pod metrics cannot be watched, but need not be read faster than metrics-server
     * measures (its resolution): kept between reads as a watched list's items are */
    bool metrics = i == KUBE_POD_METRICS && k->metrics_s > 0;
    if (i == KUBE_HPAS && hpa_v1(k)) { /* v2 not served: v1 HPAs are polled (hpa_fallback) */
        kubewatch_free(k->watches[i]);
        k->watches[i] = NULL;
        return NULL;
    }
    if (!(ls->watch && k->watch) && !metrics)
        return NULL;
    if (k->watches[i] == NULL) {
        struct kubewatch_opts o = {
            .what = ls->what,
            .base = ls->base,
            .selector = ls->use_selector ? k->selector : NULL,
            .watch = ls->watch && k->watch,
            .page_limit = PAGE_LIMIT,
            .max_pages = MAX_PAGES,
            .watch_timeout_s = k->watch_timeout_s,
            .relist_s = k->relist_s,
            .max_items = (int)list_cap(k, (enum kube_list)i),
            .answer_s = k->timeout_s,
            .poll_s = metrics ? k->metrics_s : 0,
            .parse = parse_record,
            .arg = (void *)(intptr_t)i,
        };
        k->watches[i] = kubewatch_new(&o); /* NULL (out of memory): polled as before */
    }
    return k->watches[i];
}

/* Sync one informer; after a 401 with a refreshable credential, once more. */
static void sync_list(struct kube *k, struct kubewatch *w, const struct http_response *first,
                      struct http_response *r, int *rc, char *err)
{
    for (int attempt = 0;; attempt++) {
        long st;
        int ret = kubewatch_sync(w, k->http, k->kc.server, now_s(), attempt ? NULL : first, &st, r,
                                 err, 256);
        *rc = ret;
        if (ret == 0 && st == 200)
            r->status = 200;
        if (ret < 0 || st != 401 || attempt > 0 || !can_refresh(k))
            return;
        http_response_free(r);
        if (creds_ready(k, &k->http, true, err, 256) < 0) {
            *rc = -1;
            return;
        }
    }
}

/* The first page of every list that needs one, at once (polled lists, and informers about
 * to list); then each informer syncs, from its page when it had one. */
static void fetch_lists(struct kube *k, struct listspec *ls, struct http_response *r, int *rc,
                        char (*errs)[256])
{
    struct listspec fetch[KUBE_LISTS];
    struct http_response pr[KUBE_LISTS];
    struct kubewatch *ws[KUBE_LISTS];
    int prc[KUBE_LISTS];
    char perrs[KUBE_LISTS][256], path[2048];
    long page[KUBE_LISTS]; /* list i's answer in pr, -1 none */
    size_t n = 0;
    double now = now_s();
    for (size_t i = 0; i < KUBE_LISTS; i++) {
        ws[i] = watcher(k, &ls[i], i);
        memset(&r[i], 0, sizeof(r[i]));
        rc[i] = 0;
        errs[i][0] = '\0';
        page[i] = -1;
        if (ws[i] != NULL && !kubewatch_lists_next(ws[i], "", now, path, sizeof(path)))
            continue;
        fetch[n] = ls[i];
        if (ws[i] != NULL)
            text_printf(fetch[n].first, sizeof(fetch[n].first), "%s", path);
        page[i] = (long)n++;
    }
    first_pages(k, fetch, n, pr, prc, perrs);
    for (size_t i = 0; i < KUBE_LISTS; i++) {
        long j = page[i];
        if (ws[i] == NULL) { /* polled as before: its answer is reduced page by page */
            r[i] = pr[j];
            rc[i] = prc[j];
            memcpy(errs[i], perrs[j], sizeof(perrs[j]));
            k->absent[i] = rc[i] == 0 && r[i].status == 404;
            continue;
        }
        if (j >= 0 && prc[j] != 0) { /* unreachable: as a polled list, not asked twice */
            rc[i] = prc[j];
            memcpy(errs[i], perrs[j], sizeof(perrs[j]));
        } else {
            sync_list(k, ws[i], j >= 0 ? &pr[j] : NULL, &r[i], &rc[i], errs[i]);
        }
        k->absent[i] = rc[i] == 0 && r[i].status == 404;
        if (j >= 0)
            http_response_free(&pr[j]);
    }
}

/* Each list's mode, lists of one mode together: "watching: deployments, HPAs, pods;
 * polling (watch refused: 405): ..." into out (the sources screen), and into the notice
 * (the header) only when some list is not simply watching. Lists never watched are not
 * named. */
static void watch_notice(struct kube *k, char *out, size_t outlen, char *notice, size_t len)
{
    bool odd = false;
    char modes[KUBE_LISTS][96], line[FT_TEXT_MAX] = "";
    struct listspec ls[KUBE_LISTS];
    list_specs(ls);
    for (size_t i = 0; i < KUBE_LISTS; i++) {
        modes[i][0] = '\0';
        if (k->absent[i])
            continue; /* not served: nothing to watch, nothing to say */
        if (ls[i].watch && k->watches[i] != NULL)
            kubewatch_mode(k->watches[i], modes[i], sizeof(modes[i]));
        else if (ls[i].watch)
            text_printf(modes[i], sizeof(modes[i]), "polling");
        odd |= modes[i][0] && strcmp(modes[i], "watching") != 0 && k->watch;
    }
    for (size_t i = 0; i < KUBE_LISTS; i++) {
        size_t n = strlen(line);
        if (!modes[i][0])
            continue;
        text_printf(line + n, sizeof(line) - n, "%s%s: %s", n ? "; " : "", modes[i], ls[i].what);
        for (size_t j = i + 1; j < KUBE_LISTS; j++)
            if (strcmp(modes[j], modes[i]) == 0) {
                n = strlen(line);
                text_printf(line + n, sizeof(line) - n, ", %s", ls[j].what);
                modes[j][0] = '\0';
            }
    }
    text_sanitize(out, outlen, line);
    if (line[0] && odd)
        add_note(notice, len, line);
    for (size_t i = 0; i < KUBE_LISTS; i++) { /* a list past its item cap: always said */
        char capped[160];
        if (k->watches[i] != NULL && kubewatch_capped(k->watches[i], capped, sizeof(capped)))
            add_note(notice, len, capped);
    }
}

/* Reduce the first answer of each list (rc, errs: how fetching it went) into pc, and with
 * follow the pages after it too. Frees each body once it is read. */
static int reduce_lists(struct pollctx *pc, struct listspec *ls, struct http_response *r,
                        const int *rc, char (*errs)[256], bool follow, char *err, size_t errlen)
{
    int ret = 0;
    for (size_t i = 0; i < KUBE_LISTS && ret == 0; i++) {
        long st = r[i].status;
        if (rc[i] > 0)
            continue; /* not read (kube_parse_lists without that answer) */
        access_changed(pc->k, st);
        if (rc[i] == -2) { /* an informer that cannot be trusted says why whole */
            text_printf(err, errlen, "kube: %s", errs[i]);
            ret = -1;
        } else if (rc[i] < 0) {
            text_printf(err, errlen, "kube: GET %s: %s", ls[i].first, errs[i]);
            ret = -1;
        } else if (i == KUBE_HPAS && st == 404 && follow && !hpa_v1(pc->k)) {
            ret = hpa_fallback(pc, &ls[i], err, errlen);
        } else if (st != 200 && ls[i].soft && (st == 403 || st == 404 || st == 503)) {
            char note[96];
            if (i == KUBE_POD_METRICS) {
                pc->metrics_missing = true;
                /* a 403 is RBAC, not an absent metrics-server: the fix differs */
                text_printf(pc->metrics_why, sizeof(pc->metrics_why), "%s",
                            st == 403   ? "no permission to read metrics.k8s.io"
                            : st == 404 ? "metrics.k8s.io not served"
                                        : "metrics.k8s.io unavailable (503)");
                text_printf(note, sizeof(note), "%s", pc->metrics_why);
            } else if (i == KUBE_SCALEDOBJECTS && st == 404) {
                continue; /* no KEDA CRD: no KEDA, nothing to say */
            } else {
                text_printf(note, sizeof(note), "%s unreadable (%ld)", ls[i].what, st);
            }
            add_note(pc->notes, sizeof(pc->notes), note);
        } else if (st != 200) {
            api_error("GET", ls[i].first, &r[i], err, errlen);
            ret = -1;
        } else if (follow && pc->k->watches[i] != NULL) {
            ret = reduce_cache(pc, &ls[i], pc->k->watches[i], err, errlen);
        } else if (follow) {
            ret = list_rest(pc, &ls[i], &r[i], err, errlen);
        } else {
            char *cont = NULL;
            ret = list_page(pc, ls[i].first, &r[i], ls[i].list, ls[i].fn,
                            ls[i].page ? PAGE_LIMIT : PAGE_LIMIT * MAX_PAGES, &cont, err, errlen);
            free(cont);
        }
        http_response_free(&r[i]); /* a page's body goes before the next is parsed */
    }
    for (size_t i = 0; i < KUBE_LISTS; i++)
        http_response_free(&r[i]);
    return ret;
}

/* Every poll joins the informers' records afresh: with compact records that costs about
 * what copying the last build did, without holding a second snapshot (~16 MB at 10 000
 * pods). 0, or -1 failed. */
static int read_lists(struct pollctx *pc, char *err, size_t errlen)
{
    struct listspec ls[KUBE_LISTS];
    struct http_response r[KUBE_LISTS];
    int rc[KUBE_LISTS];
    char errs[KUBE_LISTS][256];
    list_specs(ls);
    if (hpa_v1(pc->k)) {
        ls[KUBE_HPAS].fmt = HPA_V1_LIST;
        add_note(pc->notes, sizeof(pc->notes), HPA_V1_NOTE);
    }
    fill_specs(pc->k, ls, KUBE_LISTS);
    fetch_lists(pc->k, ls, r, rc, errs);
    return reduce_lists(pc, ls, r, rc, errs, true, err, errlen);
}

/* An empty deployment list is either an empty namespace, one that does not exist (the
 * API server lists nothing in either), or a selector that matches nothing: the namespace
 * itself says which. A 403 on namespaces leaves it open, and the words say so. */
static void check_scope(struct kube *k, struct snapshot *out)
{
    char path[128], err[256];
    struct http_response r;
    if (k->ns[0] == '\0') { /* every namespace: there is no one namespace to ask about */
        text_printf(out->scope_error, sizeof(out->scope_error), "no deployment in any namespace");
        return;
    }
    text_printf(path, sizeof(path), "/api/v1/namespaces/%s", k->ns);
    if (request(k, &k->http, "GET", path, NULL, NULL, &r, err, sizeof(err)) < 0)
        return; /* the lists answered: a failure here says nothing about the scope */
    if (r.status == 404)
        text_printf(out->scope_error, sizeof(out->scope_error), "namespace \"%s\" does not exist",
                    k->ns);
    else if (k->selector[0])
        text_printf(out->scope_error, sizeof(out->scope_error),
                    "selector %s matches no deployment in namespace %s", k->selector, k->ns);
    else
        text_printf(out->scope_error, sizeof(out->scope_error), "no deployment in namespace %s%s",
                    k->ns, r.status == 403 ? " (no permission to read the namespace)" : "");
    http_response_free(&r);
}

static int kube_poll(struct source *src, struct snapshot *out, char *err, size_t errlen)
{
    struct kube *k = src->priv;
    struct pollctx pc = {.k = k, .snap = out};
    int rc = -1;
    text_sanitize(pc.own_ns, sizeof(pc.own_ns), k->ns);
    if (creds_ready(k, &k->http, false, err, errlen) < 0)
        return -1;
    check_access(k, &k->http, false);
    out->taken_at = now_s();
    if (read_lists(&pc, err, errlen) < 0)
        goto out;
    for (size_t i = 0; i < out->n_services; i++)
        finish_service(&pc, i, out->taken_at);
    if (out->n_services == 0)
        check_scope(k, out);
    text_sanitize(out->context, sizeof(out->context), k->kc.context);
    text_sanitize(out->namespace_, sizeof(out->namespace_), k->ns);
    out->all_namespaces = k->ns[0] == '\0';
    out->access = access_now(k);
    char notice[FT_TEXT_MAX] = "";
    bool keda_no = pc.n_keda > 0 && out->access.keda == PERM_DENIED;
    if (out->access.scale == PERM_DENIED || out->access.hpa_min == PERM_DENIED || keda_no) {
        char rbac[80];
        text_printf(rbac, sizeof(rbac), "RBAC scale: %s · HPA: %s%s%s",
                    permission_name(out->access.scale), permission_name(out->access.hpa_min),
                    pc.n_keda > 0 ? " · KEDA: " : "",
                    pc.n_keda > 0 ? permission_name(out->access.keda) : "");
        add_note(notice, sizeof(notice), rbac);
    }
    if (k->kc.insecure)
        add_note(notice, sizeof(notice), "TLS verification off (insecure-skip-tls-verify)");
    watch_notice(k, out->modes, sizeof(out->modes), notice, sizeof(notice));
    if (pc.notes[0])
        add_note(notice, sizeof(notice), pc.notes);
    if (out->scope_error[0])
        add_note(notice, sizeof(notice), out->scope_error);
    text_sanitize(out->notice, sizeof(out->notice), notice);
    rc = 0;
out:
    pollctx_free(&pc);
    return rc;
}

/* ---- scaling ---- */

static bool valid_name(const char *s)
{
    if (*s == '\0' || strlen(s) > 253)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '.'))
            return false;
    return true;
}

/* GET the scale subresource: its document, count and resourceVersion. */
static cJSON *scale_get(struct kube *k, const char *path, int *count, char *msg, size_t msglen)
{
    struct http_response r;
    cJSON *doc = NULL;
    if (request(k, &k->shttp, "GET", path, NULL, NULL, &r, msg, msglen) < 0)
        return NULL;
    if (r.status != 200)
        api_error("GET", path, &r, msg, msglen);
    else if ((doc = parse_body("GET", path, &r, msg, msglen)) != NULL)
        *count = jint(jget(doc, "spec"), "replicas", 0); /* omitempty: absent is 0 */
    http_response_free(&r);
    return doc;
}

/* PUT the scale back with spec.replicas = to and the resourceVersion given. 0 applied,
 * 1 conflict (409), -1 error. */
static int scale_put(struct kube *k, const char *path, cJSON *doc, int to, const char *rv,
                     char *msg, size_t msglen)
{
    struct http_response r;
    cJSON *spec = cJSON_GetObjectItemCaseSensitive(doc, "spec");
    cJSON *meta = cJSON_GetObjectItemCaseSensitive(doc, "metadata");
    if (spec == NULL)
        spec = cJSON_AddObjectToObject(doc, "spec");
    if (meta == NULL)
        meta = cJSON_AddObjectToObject(doc, "metadata");
    cJSON_DeleteItemFromObjectCaseSensitive(spec, "replicas");
    cJSON_AddNumberToObject(spec, "replicas", to);
    if (rv != NULL && *rv) {
        cJSON_DeleteItemFromObjectCaseSensitive(meta, "resourceVersion");
        cJSON_AddStringToObject(meta, "resourceVersion", rv);
    }
    char *body = cJSON_PrintUnformatted(doc);
    int rc = -1;
    if (body == NULL) {
        text_printf(msg, msglen, "kube: out of memory");
        return -1;
    }
    if (request(k, &k->shttp, "PUT", path, "application/json", body, &r, msg, msglen) == 0) {
        if (r.status == 200 || r.status == 201)
            rc = 0;
        else if (r.status == 409)
            rc = 1;
        else
            api_error("PUT", path, &r, msg, msglen);
        http_response_free(&r);
    }
    cJSON_free(body);
    return rc;
}

static int scale_count(struct kube *k, const struct scale_request *req, const char *path, char *msg,
                       size_t msglen)
{
    int now = -1;
    for (int attempt = 0; attempt < 2; attempt++) {
        cJSON *doc = scale_get(k, path, &now, msg, msglen);
        if (doc == NULL)
            return -1;
        if (now != req->from) {
            cJSON_Delete(doc);
            text_printf(msg, msglen, "%s changed since you looked: now %d", req->service, now);
            return -1;
        }
        /* First the version the operator saw; after a 409 with the count unchanged (a status
         * update moved the version), the fresh one. */
        const char *rv = attempt == 0 && req->version[0] ? req->version : NULL;
        int rc = scale_put(k, path, doc, req->to, rv, msg, msglen);
        cJSON_Delete(doc);
        if (rc <= 0) {
            if (rc == 0)
                text_printf(msg, msglen, "scaled %s %d -> %d", req->service, req->from, req->to);
            return rc;
        }
    }
    cJSON *doc = scale_get(k, path, &now, msg, msglen);
    if (doc != NULL)
        text_printf(msg, msglen, "%s changed since you looked: now %d", req->service, now);
    cJSON_Delete(doc);
    return -1;
}

/* Whether the HPA item targets Deployment dep: 0 with its name, bounds and version. */
static int hpa_targets(const cJSON *it, const char *dep, char *name, size_t namelen, int *min,
                       int *max, char *rv, size_t rvlen)
{
    const cJSON *spec = jget(it, "spec"), *ref = jget(spec, "scaleTargetRef");
    if (!jstr(ref, "name") || strcmp(jstr(ref, "name"), dep) != 0 || !jstr(ref, "kind") ||
        strcmp(jstr(ref, "kind"), "Deployment") != 0)
        return -1;
    jcopy(name, namelen, jget(it, "metadata"), "name");
    jcopy(rv, rvlen, jget(it, "metadata"), "resourceVersion");
    *min = jint(spec, "minReplicas", 1);
    *max = jint(spec, "maxReplicas", 0);
    return 0;
}

/* The HPA that targets the deployment: its name, bounds and resourceVersion. The list is
 * read an item at a time (kubepage.h), and no further than the one that matches. */
static int hpa_find(struct kube *k, const char *ns, const char *dep, char *name, size_t namelen,
                    int *min, int *max, char *rv, size_t rvlen, char *msg, size_t msglen)
{
    char path[512];
    struct http_response r;
    cJSON *it;
    int rc = -1;
    text_printf(path, sizeof(path),
                "/apis/autoscaling/%s/namespaces/%s/horizontalpodautoscalers?limit=%d",
                hpa_v1(k) ? "v1" : "v2", ns, PAGE_LIMIT);
    if (request(k, &k->shttp, "GET", path, NULL, NULL, &r, msg, msglen) < 0)
        return -1;
    if (r.status == 404 && !hpa_v1(k)) { /* v2 not served: the poll may not have seen it yet */
        http_response_free(&r);
        text_printf(path, sizeof(path),
                    "/apis/autoscaling/v1/namespaces/%s/horizontalpodautoscalers?limit=%d", ns,
                    PAGE_LIMIT);
        if (request(k, &k->shttp, "GET", path, NULL, NULL, &r, msg, msglen) < 0)
            return -1;
        if (r.status == 200)
            hpa_v1_set(k, true);
    }
    struct kubepage pg;
    bool list = r.status == 200 && page_shape(path, &r, &pg, msg, msglen) == 0;
    if (r.status != 200)
        api_error("GET", path, &r, msg, msglen);
    int got = 0;
    while (list && rc < 0 && (got = kubepage_next_item(&pg, &it)) == 1) {
        rc = hpa_targets(it, dep, name, namelen, min, max, rv, rvlen);
        cJSON_Delete(it);
    }
    if (got < 0)
        text_printf(msg, msglen, "kube: GET %s: malformed response (%zu bytes, not a JSON object)",
                    path, r.len);
    else if (rc < 0 && list)
        text_printf(msg, msglen, "no HorizontalPodAutoscaler targets %s in %s", dep, ns);
    http_response_free(&r);
    return rc;
}

/* Raise (or lower) the HPA's minReplicas instead of a count the HPA would undo. */
static int scale_hpa_min(struct kube *k, const struct scale_request *req, const char *ns, char *msg,
                         size_t msglen)
{
    char name[FT_NAME_MAX], rv[64], path[512], body[160];
    int min, max;
    struct http_response r;
    if (hpa_find(k, ns, req->service, name, sizeof(name), &min, &max, rv, sizeof(rv), msg, msglen) <
        0)
        return -1;
    if (req->to < 1 || req->to > max) {
        text_printf(msg, msglen, "%s: minReplicas %d is outside 1..maxReplicas %d", name, req->to,
                    max);
        return -1;
    }
    /* minReplicas is the same field in v1 and v2: the version the list answered in */
    text_printf(path, sizeof(path),
                "/apis/autoscaling/%s/namespaces/%s/horizontalpodautoscalers/%s",
                hpa_v1(k) ? "v1" : "v2", ns, name);
    /* resourceVersion in a merge patch is a precondition, as in a PUT. */
    text_printf(body, sizeof(body),
                "{\"metadata\":{\"resourceVersion\":\"%s\"},\"spec\":{"
                "\"minReplicas\":%d}}",
                rv, req->to);
    if (request(k, &k->shttp, "PATCH", path, "application/merge-patch+json", body, &r, msg,
                msglen) < 0)
        return -1;
    int rc = -1;
    if (r.status == 200) {
        text_printf(msg, msglen, "set %s minReplicas %d -> %d", name, min, req->to);
        rc = 0;
    } else if (r.status == 409) {
        text_printf(msg, msglen, "%s changed since you looked; nothing was written", name);
    } else {
        api_error("PATCH", path, &r, msg, msglen);
    }
    http_response_free(&r);
    return rc;
}

/* The ScaledObject as it is now: its resourceVersion, and whether what the operator saw
 * (req->from: minReplicaCount for m, the count or pause for hold/resume) still holds. */
static int keda_get(struct kube *k, const struct scale_request *req, const char *path, char *rv,
                    size_t rvlen, char *msg, size_t msglen)
{
    struct http_response r;
    struct keda_scaler ks;
    char target[FT_NAME_MAX];
    if (request(k, &k->shttp, "GET", path, NULL, NULL, &r, msg, msglen) < 0)
        return -1;
    cJSON *doc = r.status == 200 ? parse_body("GET", path, &r, msg, msglen) : NULL;
    int rc = -1;
    if (r.status != 200)
        api_error("GET", path, &r, msg, msglen);
    else if (doc != NULL && keda_parse_scaledobject(doc, &ks, target, sizeof target) < 0)
        text_printf(msg, msglen, "%s scales no Deployment", req->object);
    else if (doc != NULL && req->set_autoscaler_min && !req->hold && !req->resume &&
             ks.min != req->from)
        text_printf(msg, msglen, "%s changed since you looked: minReplicaCount now %d", req->object,
                    ks.min);
    else if (doc != NULL && req->resume && !ks.held)
        text_printf(msg, msglen, "%s is not paused; nothing was written", req->object);
    else if (doc != NULL) {
        jcopy(rv, rvlen, jget(doc, "metadata"), "resourceVersion");
        rc = 0;
    }
    cJSON_Delete(doc);
    http_response_free(&r);
    return rc;
}

/* KEDA owns the count: m, hold and resume patch the ScaledObject, never its HPA. */
static int scale_keda(struct kube *k, const struct scale_request *req, const char *ns, char *msg,
                      size_t msglen)
{
    char path[512], body[400], rv[64];
    struct http_response r;
    if (!valid_name(req->object) || keda_patch_body(req, "", body, sizeof body) < 0) {
        text_printf(msg, msglen, "kube: not a ScaledObject change: %s", req->object);
        return -1;
    }
    text_printf(path, sizeof(path), "/apis/keda.sh/v1alpha1/namespaces/%s/scaledobjects/%s", ns,
                req->object);
    if (keda_get(k, req, path, rv, sizeof rv, msg, msglen) < 0)
        return -1;
    keda_patch_body(req, rv, body, sizeof body); /* the version read: a precondition */
    if (request(k, &k->shttp, "PATCH", path, "application/merge-patch+json", body, &r, msg,
                msglen) < 0)
        return -1;
    int rc = -1;
    if (r.status == 200) {
        if (req->hold)
            text_printf(msg, msglen, "paused %s at %d (%s)", req->object, req->to,
                        KEDA_PAUSED_ANNOTATION);
        else if (req->resume)
            text_printf(msg, msglen, "resumed %s: KEDA scales again", req->object);
        else
            text_printf(msg, msglen, "set %s minReplicaCount %d -> %d", req->object, req->from,
                        req->to);
        rc = 0;
    } else if (r.status == 409) {
        text_printf(msg, msglen, "%s changed since you looked; nothing was written", req->object);
    } else {
        api_error("PATCH", path, &r, msg, msglen);
    }
    http_response_free(&r);
    return rc;
}

static const char *verb_words(const struct scale_request *req)
{
    return req->keda                 ? "patch on scaledobjects.keda.sh"
           : req->set_autoscaler_min ? "patch on horizontalpodautoscalers"
                                     : "update on deployments/scale";
}

static int kube_scale(struct source *src, const struct scale_request *req, char *msg, size_t msglen)
{
    struct kube *k = src->priv;
    const char *ns = req->namespace_[0] ? req->namespace_ : k->ns;
    char path[512];
    if (creds_ready(k, &k->shttp, false, msg, msglen) < 0)
        return -1;
    /* The answer the actuator judged by may be a probe interval old: one that is unknown
     * or says no is asked again now, so a right granted since is used at once. */
    struct access a = access_now(k);
    enum permission *p = req->keda ? &a.keda : req->set_autoscaler_min ? &a.hpa_min : &a.scale;
    if (*p != PERM_ALLOWED) {
        check_access(k, &k->shttp, true);
        a = access_now(k);
    }
    if (*p == PERM_DENIED) {
        text_printf(msg, msglen, "RBAC: %s in %s is denied; nothing sent", verb_words(req), ns);
        return -1;
    }
    if (!valid_name(ns) || !valid_name(req->service)) {
        text_printf(msg, msglen, "kube: not a Kubernetes name: %s/%s", ns, req->service);
        return -1;
    }
    if (req->keda)
        return scale_keda(k, req, ns, msg, msglen);
    if (req->to < 0) {
        text_printf(msg, msglen, "kube: cannot scale %s to %d", req->service, req->to);
        return -1;
    }
    if (req->set_autoscaler_min)
        return scale_hpa_min(k, req, ns, msg, msglen);
    text_printf(path, sizeof(path), "/apis/apps/v1/namespaces/%s/deployments/%s/scale", ns,
                req->service);
    return scale_count(k, req, path, msg, msglen);
}

/* ---- construction ---- */

static void kube_destroy(struct source *src)
{
    struct kube *k = src->priv;
    if (k != NULL) {
        for (size_t i = 0; i < KUBE_LISTS; i++)
            kubewatch_free(k->watches[i]);
        http_client_free(k->http);
        http_client_free(k->shttp);
        kubeconfig_free(&k->kc);
        pthread_mutex_destroy(&k->lock);
        free(k);
    }
    free(src);
}

static const struct source_ops kube_ops = {"kube", kube_poll, kube_scale, kube_destroy};

static void reading_services(struct kube *k, const struct config *cfg)
{
    for (size_t i = 0; i < cfg->n_metrics; i++) {
        const struct metric_rule *m = &cfg->metrics[i];
        if (m->service[0] == '\0')
            continue;
        if (strcmp(m->id, "cpu") == 0 && k->n_cpu < MAX_READING_SERVICES)
            text_printf(k->cpu_services[k->n_cpu++], FT_NAME_MAX, "%s", m->service);
        else if (strcmp(m->id, "memory") == 0 && k->n_mem < MAX_READING_SERVICES)
            text_printf(k->mem_services[k->n_mem++], FT_NAME_MAX, "%s", m->service);
    }
}

struct source *kube_source_new(const struct config *cfg, char *err, size_t errlen)
{
    struct source *src = calloc(1, sizeof(*src));
    struct kube *k = calloc(1, sizeof(*k));
    char e[512];
    if (src == NULL || k == NULL) {
        free(src);
        free(k);
        text_printf(err, errlen, "kube: out of memory");
        return NULL;
    }
    pthread_mutex_init(&k->lock, NULL);
    src->ops = &kube_ops;
    src->priv = k;
    text_printf(src->name, sizeof(src->name), "kube");
    if (kubeconfig_load(&k->kc, cfg->kubeconfig, cfg->context, cfg->namespace_, e, sizeof(e)) < 0) {
        text_printf(err, errlen, "kube: %s", e);
        kube_destroy(src);
        return NULL;
    }
    kubens_choose(k->ns, sizeof(k->ns), cfg, &k->kc);
    text_sanitize(src->context, sizeof(src->context), k->kc.context);
    text_printf(src->namespace_, sizeof(src->namespace_), "%s", k->ns);
    k->probe_every_s = cfg->access_probe_s > 0 ? cfg->access_probe_s : 120;
    k->hpa_cpu_init_s = cfg->hpa_cpu_init_s;
    k->hpa_ready_delay_s = cfg->hpa_ready_delay_s;
    if (k->ns[0] != '\0' && !valid_name(k->ns)) {
        text_printf(err, errlen, "kube: namespace \"%s\" is not a Kubernetes name", k->ns);
        kube_destroy(src);
        return NULL;
    }
    text_printf(k->selector, sizeof(k->selector), "%s", cfg->label_selector);
    k->connect_timeout_s = cfg->connect_timeout_s > 0 ? cfg->connect_timeout_s : 5;
    k->timeout_s = cfg->request_timeout_s > 0 ? cfg->request_timeout_s : 10;
    src->interval_s = config_poll_interval(cfg);
    k->watch = cfg->kube_watch;
    k->watch_timeout_s = cfg->kube_watch_timeout_s;
    k->relist_s = cfg->kube_relist_s;
    k->max_items = cfg->kube_max_items;
    k->metrics_s = cfg->kube_metrics_s;
    reading_services(k, cfg);
    return src;
}

/* ---- decoding without a server (kubeparse.h) ---- */

int kube_parse_lists(const long status[KUBE_LISTS], const char *const body[KUBE_LISTS],
                     const size_t len[KUBE_LISTS], struct snapshot *out, char *err, size_t errlen)
{
    struct kube k = {.lock = PTHREAD_MUTEX_INITIALIZER};
    struct config cfg;
    struct pollctx pc = {.k = &k, .snap = out};
    struct listspec ls[KUBE_LISTS];
    struct http_response r[KUBE_LISTS];
    int rc[KUBE_LISTS];
    char errs[KUBE_LISTS][256] = {""};
    int ret = -1;
    config_defaults(&cfg);
    reading_services(&k, &cfg);
    text_printf(k.ns, sizeof(k.ns), "%s", config_kube_namespace(&cfg, NULL));
    text_sanitize(pc.own_ns, sizeof(pc.own_ns), k.ns);
    k.hpa_cpu_init_s = cfg.hpa_cpu_init_s;
    k.hpa_ready_delay_s = cfg.hpa_ready_delay_s;
    list_specs(ls);
    fill_specs(&k, ls, KUBE_LISTS);
    memset(r, 0, sizeof(r));
    for (size_t i = 0; i < KUBE_LISTS; i++) {
        /* the poll owns (and frees) its bodies, NUL-terminated as http.c returns them */
        r[i].status = status[i] == 0 && body[i] == NULL ? 404 : status[i];
        r[i].len = body[i] != NULL ? len[i] : 0;
        r[i].body = body[i] != NULL ? malloc(len[i] + 1) : NULL;
        rc[i] = body[i] != NULL && r[i].body == NULL ? -1 : 0;
        if (status[i] == 0 && body[i] == NULL)
            rc[i] = 1; /* no answer given: that list was not read */
        if (r[i].body != NULL) {
            memcpy(r[i].body, body[i], len[i]);
            r[i].body[len[i]] = '\0';
        }
    }
    out->taken_at = 1e9;
    if (reduce_lists(&pc, ls, r, rc, errs, false, err, errlen) == 0) {
        for (size_t i = 0; i < out->n_services; i++)
            finish_service(&pc, i, out->taken_at);
        text_sanitize(out->notice, sizeof(out->notice), pc.notes);
        ret = 0;
    }
    pollctx_free(&pc);
    return ret;
}

void kube_parse_error(const char *method, const char *path, long status, const char *body,
                      size_t len, char *err, size_t errlen)
{
    struct http_response r = {.status = status, .body = (char *)body, .len = len};
    api_error(method, path, &r, err, errlen);
}
