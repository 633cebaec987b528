/* snapshot.c - growing the arrays of a snapshot, and freeing one whole.
 *
 * Arrays grow by a half or a third as they fill; an element comes back zeroed with its
 * numbers that mean "unknown" set to NAN, so a source fills only what it knows. */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/model.h"
#include "forgetop/text.h"
#include "forgetop/world.h"

/* Untaken readings carried from poll to poll: at most what every history of the world
 * can hold, the newest first to stay. */
#define MAX_CARRIED ((size_t)HISTORY_CAP * WORLD_MAX_METRICS)

/* The capacity of a snapshot array is implicit: the first of 1, 2, 3, 4, 6, 8, 12, 16,
 * 24, ... (powers of two and one and a half times them) at or above n, so an array copied
 * by dup_array() grows as one grown here. Most services hold two conditions and five
 * pods, and two or three snapshots of thousands of them are live at once: rounded up to
 * a power of two from 4, the slack was megabytes (a deployment's 5 pods took 8 slots). */
static size_t implicit_cap(size_t n)
{
    if (n <= 2)
        return n;
    for (size_t p = 2;; p *= 2) {
        if (p >= n)
            return p;
        if (p + p / 2 >= n)
            return p + p / 2;
        if (p > SIZE_MAX / 4)
            return n; /* no room to round up: exact */
    }
}

/* Append a zeroed element, growing the block when n reaches its implicit capacity. */
static void *grow(void **arr, size_t *n, size_t size)
{
    if (*n == implicit_cap(*n)) {
        size_t cap = implicit_cap(*n + 1);
        if (cap < *n || (size != 0 && cap > SIZE_MAX / size))
            return NULL;
        void *p = realloc(*arr, cap * size);
        if (p == NULL)
            return NULL;
        *arr = p;
    }
    char *el = (char *)*arr + *n * size;
    memset(el, 0, size);
    (*n)++;
    return el;
}

struct snapshot *snapshot_new(void)
{
    return calloc(1, sizeof(struct snapshot));
}

void snapshot_free(struct snapshot *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n_services; i++) {
        for (size_t k = 0; s->services[i].pods != NULL && k < s->services[i].n_pods; k++)
            free(s->services[i].pods[k].message);
        free(s->services[i].pods);
        for (size_t k = 0; s->services[i].conditions != NULL && k < s->services[i].n_conditions;
             k++)
            free(s->services[i].conditions[k].message);
        free(s->services[i].autoscaler.keda);
        free(s->services[i].autoscaler.inactive);
        free(s->services[i].autoscaler.conditions);
        free(s->services[i].status);
        free(s->services[i].unscalable_why);
        free(s->services[i].conditions);
        free(s->services[i].rsets);
        free(s->services[i].events);
    }
    free(s->services);
    free(s->readings);
    free(s->alerts);
    free(s->facts);
    free(s);
}

/* n elements of size at arr, in a block of grow()'s implicit capacity. */
static void *dup_array(const void *arr, size_t n, size_t size)
{
    void *p = n ? malloc(implicit_cap(n) * size) : NULL;
    if (p != NULL)
        memcpy(p, arr, n * size);
    return p;
}

/* The pods of from, with messages of their own, into to. Every message is NULL until
 * copied, so a failure part way leaves to freeable and src's untouched. */
static int copy_pods(struct service *to, const struct service *from)
{
    if (from->n_pods == 0)
        return 0;
    if ((to->pods = dup_array(from->pods, from->n_pods, sizeof(*from->pods))) == NULL)
        return -1;
    for (size_t i = 0; i < from->n_pods; i++)
        to->pods[i].message = NULL;
    for (size_t i = 0; i < from->n_pods; i++)
        if (pod_set_message(&to->pods[i], from->pods[i].message) < 0)
            return -1;
    return 0;
}

/* A service's own arrays (pods, what explains its readiness) and ScaledObject, copied
 * into to. */
static int copy_owned(struct service *to, const struct service *from)
{
    if (copy_pods(to, from) < 0)
        return -1;
    if (model_set_text(&to->status, from->status) < 0 ||
        model_set_text(&to->unscalable_why, from->unscalable_why) < 0 ||
        model_set_text(&to->autoscaler.inactive, from->autoscaler.inactive) < 0 ||
        model_set_text(&to->autoscaler.conditions, from->autoscaler.conditions) < 0)
        return -1;
    if (from->autoscaler.keda != NULL) {
        struct keda_scaler *k = autoscaler_add_keda(&to->autoscaler);
        if (k == NULL)
            return -1;
        *k = *from->autoscaler.keda;
    }
    if (from->n_conditions > 0 && (to->conditions = dup_array(from->conditions, from->n_conditions,
                                                              sizeof(*from->conditions))) == NULL)
        return -1;
    for (size_t i = 0; i < from->n_conditions; i++) /* NULL first: freeable part way */
        to->conditions[i].message = NULL;
    for (size_t i = 0; i < from->n_conditions; i++)
        if (model_set_text(&to->conditions[i].message, from->conditions[i].message) < 0)
            return -1;
    if (from->n_rsets > 0 &&
        (to->rsets = dup_array(from->rsets, from->n_rsets, sizeof(*from->rsets))) == NULL)
        return -1;
    if (from->n_events > 0 &&
        (to->events = dup_array(from->events, from->n_events, sizeof(*from->events))) == NULL)
        return -1;
    return 0;
}

int snapshot_copy(struct snapshot *dst, const struct snapshot *src)
{
    struct snapshot s = *src;
    s.services = dup_array(src->services, src->n_services, sizeof(*s.services));
    s.readings = dup_array(src->readings, src->n_readings, sizeof(*s.readings));
    s.alerts = dup_array(src->alerts, src->n_alerts, sizeof(*s.alerts));
    s.facts = dup_array(src->facts, src->n_facts, sizeof(*s.facts));
    bool ok = (s.services || !s.n_services) && (s.readings || !s.n_readings) &&
              (s.alerts || !s.n_alerts) && (s.facts || !s.n_facts);
    for (size_t i = 0; s.services != NULL && i < s.n_services; i++) { /* never src's own */
        struct service *to = &s.services[i];
        to->pods = NULL, to->conditions = NULL, to->rsets = NULL, to->events = NULL;
        to->autoscaler.keda = NULL;
        to->autoscaler.inactive = to->autoscaler.conditions = to->status = NULL;
        to->unscalable_why = NULL;
    }
    for (size_t i = 0; ok && i < s.n_services; i++)
        ok = copy_owned(&s.services[i], &src->services[i]) == 0;
    if (!ok) {
        struct snapshot *tmp = snapshot_new();
        if (tmp != NULL) {
            *tmp = s;
            snapshot_free(tmp);
        }
        return -1;
    }
    *dst = s;
    return 0;
}

void service_init(struct service *svc)
{
    memset(svc, 0, sizeof(*svc));
    svc->cpu_pct = svc->mem_pct = svc->mem_req_pct = NAN;
    svc->autoscaler.cpu_current = svc->autoscaler.mem_current = NAN;
    svc->autoscaler.cpu_target = svc->autoscaler.mem_target = NAN;
    svc->autoscaler.ext_current = svc->autoscaler.ext_target = NAN;
    svc->cpu_cores = svc->mem_bytes = NAN;
}

struct service *snapshot_add_service(struct snapshot *s)
{
    struct service *svc = grow((void **)&s->services, &s->n_services, sizeof(*svc));
    if (svc != NULL)
        service_init(svc);
    return svc;
}

struct pod *service_add_pod(struct service *svc)
{
    struct pod *p = grow((void **)&svc->pods, &svc->n_pods, sizeof(*p));
    if (p != NULL)
        p->cpu_cores = p->mem_bytes = NAN;
    return p;
}

const struct keda_scaler *autoscaler_keda(const struct autoscaler *a)
{
    static const struct keda_scaler none = {.target = NAN};
    return a->keda != NULL ? a->keda : &none;
}

struct keda_scaler *autoscaler_add_keda(struct autoscaler *a)
{
    if (a->keda == NULL && (a->keda = calloc(1, sizeof(*a->keda))) != NULL)
        a->keda->target = NAN;
    return a->keda;
}

const char *model_text(const char *owned)
{
    return owned != NULL ? owned : "";
}

int model_set_text(char **dst, const char *src)
{
    char clean[FT_TEXT_MAX];
    text_sanitize(clean, sizeof clean, src != NULL ? src : "");
    char *own = NULL;
    if (clean[0] != '\0' && (own = strdup(clean)) == NULL)
        return -1;
    free(*dst);
    *dst = own;
    return 0;
}

const char *pod_message(const struct pod *p)
{
    return model_text(p->message);
}

int pod_set_message(struct pod *p, const char *msg)
{
    return model_set_text(&p->message, msg);
}

struct condition *service_add_condition(struct service *svc)
{
    return grow((void **)&svc->conditions, &svc->n_conditions, sizeof(struct condition));
}

struct replicaset *service_add_rset(struct service *svc)
{
    return grow((void **)&svc->rsets, &svc->n_rsets, sizeof(struct replicaset));
}

/* Insertion into a short sorted array: FT_EVENTS_MAX is small, a poll's events are many,
 * so each costs at most FT_EVENTS_MAX moves and memory stays bounded per service. */
void service_keep_event(struct service *svc, const struct event *ev)
{
    size_t at = 0;
    while (at < svc->n_events && svc->events[at].last_at >= ev->last_at)
        at++;
    if (at >= FT_EVENTS_MAX)
        return; /* older than every one kept */
    if (svc->n_events < FT_EVENTS_MAX &&
        grow((void **)&svc->events, &svc->n_events, sizeof(struct event)) == NULL)
        return;
    memmove(&svc->events[at + 1], &svc->events[at],
            (svc->n_events - 1 - at) * sizeof(struct event));
    svc->events[at] = *ev;
}

struct reading *snapshot_add_reading(struct snapshot *s, const char *metric, const char *service,
                                     double t, double value)
{
    struct reading *r = grow((void **)&s->readings, &s->n_readings, sizeof(*r));
    if (r == NULL)
        return NULL;
    text_sanitize(r->metric, sizeof(r->metric), metric);
    text_sanitize(r->service, sizeof(r->service), service ? service : "");
    r->t = t;
    r->value = value;
    return r;
}

struct alert *snapshot_add_alert(struct snapshot *s)
{
    return grow((void **)&s->alerts, &s->n_alerts, sizeof(struct alert));
}

static struct fact *add_fact(struct snapshot *s, const char *panel, const char *label,
                             const char *rule, enum unit unit)
{
    struct fact *f = grow((void **)&s->facts, &s->n_facts, sizeof(*f));
    if (f == NULL)
        return NULL;
    text_sanitize(f->panel, sizeof(f->panel), panel);
    text_sanitize(f->label, sizeof(f->label), label);
    text_sanitize(f->rule, sizeof(f->rule), rule ? rule : "");
    f->unit = unit;
    f->value = f->of = NAN;
    f->t = s->taken_at;
    return f;
}

struct fact *snapshot_add_fact_num(struct snapshot *s, const char *panel, const char *label,
                                   const char *rule, enum unit unit, double value, double of)
{
    struct fact *f = add_fact(s, panel, label, rule, unit);
    if (f != NULL) {
        f->value = value;
        f->of = of;
    }
    return f;
}

struct fact *snapshot_add_fact_text(struct snapshot *s, const char *panel, const char *label,
                                    const char *rule, const char *text)
{
    struct fact *f = add_fact(s, panel, label, rule, UNIT_TEXT);
    if (f != NULL)
        fact_set_text(f, text);
    return f;
}

void fact_set_text(struct fact *f, const char *text)
{
    if (f != NULL)
        text_sanitize(f->text, sizeof(f->text), text ? text : "");
}

const char *band_name(enum band b)
{
    static const char *const names[] = {"ok", "warning", "critical", "unknown"};
    return (unsigned)b < 4 ? names[b] : "unknown";
}

const char *sustained_name(enum sustained s)
{
    static const char *const names[] = {"inactive", "pending", "firing"};
    return (unsigned)s < 3 ? names[s] : "inactive";
}

const char *source_state_name(enum source_state s)
{
    static const char *const names[] = {"starting", "ok", "stale", "failing"};
    return (unsigned)s < 4 ? names[s] : "failing";
}

const char *permission_name(enum permission p)
{
    static const char *const names[] = {"unknown", "yes", "no"};
    return (unsigned)p < 3 ? names[p] : "unknown";
}

int snapshot_carry_readings(struct snapshot *dst, const struct snapshot *older)
{
    if (older == NULL || older->n_readings == 0)
        return 0;
    /* The UI thread may not take snapshots for hours (a terminal stopped with Ctrl-S):
     * without a bound each poll would copy more than the last. */
    size_t skip = older->n_readings > MAX_CARRIED ? older->n_readings - MAX_CARRIED : 0;
    size_t keep = older->n_readings - skip;
    size_t n = keep + dst->n_readings;
    struct reading *r = malloc(implicit_cap(n) * sizeof(*r));
    if (r == NULL)
        return -1;
    memcpy(r, older->readings + skip, keep * sizeof(*r));
    if (dst->n_readings > 0)
        memcpy(r + keep, dst->readings, dst->n_readings * sizeof(*r));
    free(dst->readings);
    dst->readings = r;
    dst->n_readings = n;
    return 0;
}
