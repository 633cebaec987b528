/* kubeevents.h - what explains a deployment's readiness, read from the Kubernetes API's
 * objects: a pod's waiting/terminated reasons, a deployment's conditions, a ReplicaSet,
 * an Event. Plain readers of one decoded item each; the source (kube.c) joins them to
 * its services. */

#ifndef FORGETOP_KUBEEVENTS_H
#define FORGETOP_KUBEEVENTS_H

#include <stddef.h>

#include "forgetop/model.h"

struct cJSON;

/* The JSON access every Kubernetes reader shares (kube.c, keda.c, this module): a member
 * (NULL when absent), a string member (NULL when absent or not a string), an integer
 * member within lo..hi (dflt otherwise: numbers from a server are range-checked), and a
 * string member sanitised into dst ("" when absent). */
const struct cJSON *kubeevents_jget(const struct cJSON *o, const char *k);
const char *kubeevents_jstr(const struct cJSON *o, const char *k);
int kubeevents_jint(const struct cJSON *o, const char *k, double lo, double hi, int dflt);
void kubeevents_jcopy(char *dst, size_t len, const struct cJSON *o, const char *k);

/* Why a pod is not running or not ready, as struct pod's fields of that name say; the
 * message is read into a buffer here, so the pod keeps one only when there is one. */
struct pod_why {
    char reason[48];
    char message[FT_TEXT_MAX];
    char last_reason[32];
    int exit_code;
};

/* A pod's status: its most important container waiting/terminated reason, or its
 * PodScheduled=False reason, with message, last termination and exit code. */
void kubeevents_pod_reason(struct pod_why *p, const struct cJSON *status);

/* A deployment's status.conditions into svc->conditions, each message svc's own (freed as
 * a snapshot's are). 0, or -1 out of memory. */
int kubeevents_conditions(struct service *svc, const struct cJSON *conds);

/* A ReplicaSet item: its row, and the name of the Deployment that owns it ("" none). */
void kubeevents_replicaset(const struct cJSON *item, struct replicaset *rs, char *owner,
                           size_t ownerlen);

/* Keep rs among the service's ReplicaSets: the newest revisions, at most
 * KUBEEVENTS_RSETS_MAX. 0, or -1 out of memory. */
#define KUBEEVENTS_RSETS_MAX 6
int kubeevents_keep_rset(struct service *svc, const struct replicaset *rs);

/* The kind and name of the object an Event item (core/v1) is about: read first, so an
 * event about nothing shown costs no more. */
void kubeevents_event_object(const struct cJSON *item, char *kind, size_t kindlen, char *name,
                             size_t namelen);
/* The Event item's row, about the object kind/name (as kubeevents_event_object read it). */
void kubeevents_event(const struct cJSON *item, struct event *ev, const char *kind,
                      const char *name);

#endif
