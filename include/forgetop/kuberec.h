/* kuberec.h - the Kubernetes source's compact records: one list item (a pod, a
 * deployment, an HPA, ...) parsed once into the few fields the join reads, in a single
 * allocation (free() it). The informers keep these between polls instead of the JSON.
 *
 * Strings are sanitised (labels and selectors excepted: they are matched, never drawn);
 * a namespace is "" when the item names none (the join uses the source's own). */

#ifndef FORGETOP_KUBEREC_H
#define FORGETOP_KUBEREC_H

#include <stdbool.h>
#include <stdint.h>

#include "forgetop/kubeparse.h"
#include "forgetop/model.h"

struct cJSON;

/* Labels and selectors, packed. labels: "key\0value\0...key\0value\0\0". A selector: per
 * requirement an operator byte ('=' In, '!' NotIn, '+' Exists, '-' DoesNotExist), its
 * key, its values each NUL-ended and one more NUL; a 0 operator byte ends it. */
const char *kuberec_label(const char *labels, const char *key);
/* Whether the selector selects these labels; an empty selector selects nothing (it would
 * claim every pod). */
bool kuberec_selects(const char *selector, const char *labels);

struct kuberec_dep {
    const char *ns, *name;
    const char *status; /* "rollout stuck: ...", "" fine */
    const char *selector;
    int desired, ready, updated, available;
    struct resources res; /* summed over the template's containers */
    int64_t cpu_req_m;    /* per pod, millicores; -1 when a container has none */
    double mem_limit;     /* per pod, bytes; -1 when a container has none */
    double mem_req;       /* per pod, bytes; -1 when a container has none */
    struct condition *conds;
    size_t n_conds;
};

struct kuberec_hpa {
    char ns[FT_NAME_MAX];
    char target[FT_NAME_MAX]; /* its Deployment, raw; "" when it scales another kind */
    struct autoscaler a;      /* as on_hpa filled it: kind, name, bounds, figures */
    /* a's texts, the record's own (a.inactive and a.conditions are NULL here): a joined
     * service takes copies, so no snapshot points into the informer's cache */
    char inactive[FT_TEXT_MAX];
    char conditions[FT_TEXT_MAX];
};

struct kuberec_scaledobject {
    char ns[FT_NAME_MAX];
    char target[FT_NAME_MAX]; /* "" when it scales no Deployment */
    struct keda_scaler k;
};

struct kuberec_pod {
    const char *ns, *name, *node, *labels;
    /* the Deployment named by its ReplicaSet owner "<deployment>-<pod-template-hash>", cut
     * to FT_NAME_MAX - 1 bytes; NULL when it has no such owner (its labels must tell) */
    const char *owner;
    const char *reason, *message, *last_reason;
    char phase[16]; /* "Terminating" when it is being deleted, as kubectl shows it */
    /* its own containers' requests, as the HPA divides by them (a pod of an older
     * template keeps its own): millicores and bytes, -1 when a container has none;
     * own_requests false when the item lists no containers (the template's stand) */
    bool own_requests;
    int64_t cpu_req_m;
    double mem_req;
    bool ready, ready_reported;
    int restarts, exit_code;
    double ready_changed_at, started_at;
};

struct kuberec_metrics {
    const char *ns, *name, *labels;
    int64_t cpu_m; /* summed over containers */
    double cores, mem;
    double t, window_s; /* its timestamp (0 unknown) and window (0 unreadable) */
};

struct kuberec_replicaset {
    char ns[FT_NAME_MAX], owner[FT_NAME_MAX]; /* owner: its Deployment, "" none */
    struct replicaset rs;
};

struct kuberec_event {
    char ns[FT_NAME_MAX];
    char kind[32], name[FT_NAME_MAX]; /* the object it is about */
    struct event ev;
};

/* One item of list into *rec (one allocation, free()); *rec NULL when the item has
 * nothing to keep. 0, or -1 out of memory. */
int kuberec_parse(enum kube_list list, const struct cJSON *item, void **rec);

/* A Go duration ("30s", "1m0.5s") in seconds; 0 when unreadable. */
double kuberec_go_duration(const char *s);

#endif
