/* model.h - the plain data every layer shares: services, readings, alerts, panel facts,
 * and the snapshot a source fills on each poll.
 *
 * A snapshot is built by one source thread and then handed, whole, to the UI thread:
 * nothing in it points into the source, so it can be swapped under a mutex and freed
 * by whoever holds it last. Text in it is already sanitised (see text.h). */

#ifndef FORGETOP_MODEL_H
#define FORGETOP_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#define FT_NAME_MAX 64
#define FT_TEXT_MAX 256
#define FT_ID_MAX   32

enum band { BAND_OK, BAND_WARNING, BAND_CRITICAL, BAND_UNKNOWN };
enum sustained { SUSTAINED_INACTIVE, SUSTAINED_PENDING, SUSTAINED_FIRING };
enum source_state { SOURCE_STARTING, SOURCE_OK, SOURCE_STALE, SOURCE_FAILING };

/* Requests and limits summed over a service's containers: cores and bytes, 0 = unset. */
struct resources {
    double cpu_request, cpu_limit;
    double mem_request, mem_limit;
};

struct pod {
    char name[FT_NAME_MAX];
    char phase[16];
    bool ready;
    /* the Ready condition is reported, and when it last changed (unix seconds, 0 unknown):
     * the HPA's cpu readiness rules need both */
    bool ready_reported;
    double ready_changed_at;
    int restarts;
    double started_at; /* unix seconds, 0 unknown */
    char node[FT_NAME_MAX];
    double cpu_cores, mem_bytes; /* NAN when no metrics */
    /* Why it is not running or not ready, as its status says: a container's waiting or
     * terminated reason ("ImagePullBackOff", "CrashLoopBackOff", "OOMKilled") or its
     * PodScheduled=False reason ("Unschedulable"); "" none. message is that reason's,
     * sanitised, owned by the pod's snapshot and NULL when there is none (nearly every
     * pod: inline, its 256 bytes were half a pod, and pods are most of a snapshot); read
     * it through pod_message(). last_reason and exit_code: the last termination
     * ("OOMKilled", 137), for a container that keeps dying; "" and 0 when none. */
    char reason[48];
    char *message;
    char last_reason[32];
    int exit_code;
};

/* A condition of a workload (Available, Progressing, ReplicaFailure), sanitised. */
struct condition {
    char type[32];
    char status[8]; /* "True", "False", "Unknown" */
    char reason[48];
    /* owned by the snapshot (a record's points into the record), NULL for none: two of
     * every deployment's, inline they were most of what explains it. model_text() reads it. */
    char *message;
    double changed_at; /* lastTransitionTime, unix seconds; 0 unknown */
};

/* A ReplicaSet of a deployment: one revision of its pod template. */
struct replicaset {
    char name[FT_NAME_MAX];
    int desired, ready;
    int revision;      /* deployment.kubernetes.io/revision, 0 unknown */
    double created_at; /* unix seconds, 0 unknown */
};

/* An event about a service's objects (itself, its ReplicaSets, its pods), sanitised. */
struct event {
    char type[16];                 /* "Warning", "Normal" */
    char object[FT_NAME_MAX + 16]; /* "Pod/api-7d4f-x2x", as kubectl names it */
    char reason[48];
    char message[FT_TEXT_MAX];
    int count;      /* times seen, at least 1 */
    double last_at; /* unix seconds of the last time, 0 unknown */
};

/* KEDA 2.7+: a ScaledObject with this annotation holds its target at that count. */
#define KEDA_PAUSED_ANNOTATION "autoscaling.keda.sh/paused-replicas"

/* A KEDA ScaledObject that owns a service (autoscaler kind "KEDA"), with its own
 * parameters: what KEDA's arithmetic needs, read by sources/keda.c. Condition states are
 * "True", "False" or "" (not reported). */
struct keda_scaler {
    char object[FT_NAME_MAX]; /* the ScaledObject */
    char hpa[FT_NAME_MAX];    /* the HPA it generates: status.hpaName, else keda-hpa-NAME */
    int min, max;             /* minReplicaCount, maxReplicaCount (KEDA's defaults 0, 100) */
    bool held;                /* the paused-replicas annotation is set: KEDA holds... */
    int paused_at;            /* ...the count at this (its value) */
    double cooldown_s;        /* cooldownPeriod (300 when absent) */
    /* the first trigger, the one the recommendation follows */
    char trigger[16];          /* its type: "redis", "prometheus", "cpu", "memory", ... */
    char what[96];             /* listName, query, or "" */
    char param[24];            /* the target's name: "listLength", "threshold", "value" */
    double target;             /* its value (defaults applied: listLength 5); NAN unknown */
    char activation_param[32]; /* "activationListLength", "activationThreshold", "" */
    double activation;         /* active when the metric is strictly above it (0 default) */
    char metric_type[16];      /* "AverageValue", "Value", "Utilization" */
    int n_triggers;
    char triggers[FT_TEXT_MAX]; /* every trigger, "; "-joined, for the detail screen */
    char ready[8], active[8], paused[8], fallback[8];
};

/* The autoscaler that owns a service, as the source reports it (HPA, KEDA). */
struct autoscaler {
    bool present;
    char kind[16]; /* "HPA", "KEDA" */
    char name[FT_NAME_MAX];
    int min, max, desired;
    /* false when the autoscaler has no count of its own: status.desiredReplicas absent, or
     * ScalingActive=False (a real HPA that cannot compute leaves desiredReplicas 0) */
    bool desired_known;
    /* "ScalingActive=False: FailedGetResourceMetric" when it cannot compute, else "" */
    char *inactive;
    char *conditions; /* "ScalingLimited: TooManyReplicas", sanitised */
    /* Both owned by the snapshot (a record keeps its own, kuberec.h) and NULL for "", as
     * most services have no autoscaler: inline, they were 512 bytes of every service in
     * every snapshot and world view. Read them through model_text(). */
    /* its own status.currentMetrics and spec targets, utilisation % of request; NAN when
     * it reports none (targets: not used) */
    double cpu_current, mem_current;
    double cpu_target, mem_target;
    /* its first External or Object metric (a KEDA trigger's, for one): kind "External" or
     * "Object", target type "AverageValue" or "Value", both as the HPA reports them
     * (AverageValue: per current replica); NAN when not reported */
    char ext_kind[16], ext_type[16];
    char ext_metric[FT_NAME_MAX];
    double ext_current, ext_target;
    /* kind "KEDA" only: owned by the snapshot, NULL for every other autoscaler (648 bytes
     * in each of thousands of services, in every snapshot and world view, otherwise).
     * Read it through autoscaler_keda(), make it with autoscaler_add_keda(). */
    struct keda_scaler *keda;
};

struct service {
    char name[FT_NAME_MAX];
    char source[FT_ID_MAX];
    char namespace_[FT_NAME_MAX]; /* namespace, or compose project */
    char kind[16];                /* "deployment", "compose", "demo" */
    int desired, ready, updated, available;
    int min, max; /* bounds the source knows (HPA); 0 when it knows none */
    struct resources res;
    double cpu_pct, mem_pct; /* cpu of requests, memory of limits; NAN unknown */
    /* memory of requests over the pods the HPA counts (integer %, as the HPA truncates):
     * the figure an HPA memory target is compared with; NAN unknown */
    double mem_req_pct;
    double cpu_cores, mem_bytes; /* absolute usage; NAN unknown */
    struct autoscaler autoscaler;
    /* "rollout stuck: ProgressDeadlineExceeded"; NULL when fine (nearly every service), owned
     * by the snapshot like the autoscaler's texts: read it through model_text() */
    char *status;
    char reason[48];      /* most important reason pods are not ready ("ImagePullBackOff"), "" */
    bool unscalable;      /* e.g. compose container_name */
    char *unscalable_why; /* owned, NULL when it says nothing: read it through model_text() */
    struct pod *pods;     /* owned; detail screen */
    size_t n_pods;
    /* What cpu_pct is a share of: "" or "request" (as the HPA counts), "limit" (as docker
     * stats counts). The source says; the screens only print it. */
    char cpu_of[8];
    /* What namespace_ is to its source: "" or "namespace", "project" (Compose). The source
     * says; the dialogs print it. */
    char scope[16];
    /* What explains its readiness, where the source reads it (detail screen): the
     * workload's conditions, its ReplicaSets, and the newest events of it, its ReplicaSets
     * and pods (newest first, at most FT_EVENTS_MAX). Owned, like pods. */
    struct condition *conditions;
    size_t n_conditions;
    struct replicaset *rsets;
    size_t n_rsets;
    struct event *events;
    size_t n_events;
};

#define FT_EVENTS_MAX 8 /* events kept per service */

/* One sample of a runbook metric. A snapshot may carry many samples of one metric
 * (a backfill from a range query); the model keeps those newer than what it has. */
struct reading {
    char metric[FT_ID_MAX];    /* "cpu", "memory", "latency_p99", "queue_depth", ... */
    char service[FT_NAME_MAX]; /* which service it describes, "" for the deployment */
    double t;                  /* unix seconds */
    double value;              /* NAN: no data; +-INF kept as such */
    char note[64];             /* "empty result", "NaN from Prometheus", "" */
};

struct alert {
    char name[FT_NAME_MAX];
    char state[16]; /* "pending", "firing" */
    char severity[16];
    double active_at;
    char labels[FT_TEXT_MAX];
    char summary[FT_TEXT_MAX];
};

/* The unit of a panel reading; core formats each (core/facts.c), a source never does. */
enum unit {
    UNIT_TEXT,      /* no number: the fact's text is its value (a role, a policy) */
    UNIT_COUNT,     /* items, clients, replicas */
    UNIT_PERCENT,   /* 0..100 */
    UNIT_RATIO,     /* 0..1, drawn as a percentage */
    UNIT_BYTES,     /* bytes, drawn in binary units */
    UNIT_SECONDS,   /* a duration or a lag */
    UNIT_MS,        /* milliseconds */
    UNIT_PER_S,     /* events per second */
    UNIT_PER_MIN,   /* events per minute */
    UNIT_DELTA_MIN, /* a signed change per minute (a queue's growth) */
    UNIT_HTTP,      /* an HTTP status code */
    UNIT_TIME,      /* unix seconds, drawn as a UTC date and time */
    UNIT_FACTOR,    /* a multiplier (x60) */
    UNIT_N
};

/* A reading for a panel (queue, database, redis, health): what was measured, never how
 * it looks or how bad it is. core/ formats it by its unit and judges it by the rule it
 * names; the world marks it stale with its source. Sources add facts freely, so a new
 * figure needs no change in the UI. */
struct fact {
    char panel[16];
    char label[40];
    enum unit unit;
    double value;         /* NAN: no data (text says why when set) */
    double of;            /* the denominator ("64 of 100"), NAN when none */
    char text[96];        /* UNIT_TEXT: the value; otherwise a typed qualifier ("list") */
    char rule[FT_ID_MAX]; /* the judging rule's id (core/facts.c), "" = not judged */
    double t;             /* unix seconds it was measured */
    bool probe;           /* a check in its own right (a health probe): --check gives it a line */
};

/* What the cluster lets this user do, verb by verb, as a SelfSubjectAccessReview answered
 * it: unknown until asked (a source without RBAC never asks), then yes or no. */
enum permission { PERM_UNKNOWN, PERM_ALLOWED, PERM_DENIED };
struct access {
    enum permission scale;   /* update on deployments/scale: the PUT of a count */
    enum permission hpa_min; /* patch on horizontalpodautoscalers: m, the HPA's minimum */
    double checked_at;       /* unix seconds of the last answer, 0 never */
    enum permission keda;    /* patch on scaledobjects.keda.sh: m, hold, resume on KEDA */
};

struct snapshot {
    double taken_at;
    char context[FT_NAME_MAX]; /* cluster/context or project for the header */
    /* The namespace the source reads, for the header; "" none or all_namespaces. */
    char namespace_[FT_NAME_MAX];
    bool all_namespaces;
    char notice[FT_TEXT_MAX]; /* "RBAC: read-only", "TLS verification off" */
    /* What the source was told to watch is not there: `namespace "x" does not exist`,
     * `selector app=x matches no deployment in open-forge`. "" when it is. */
    char scope_error[FT_TEXT_MAX];
    /* The readings' own clock, for a source whose time runs faster than the wall's (the
     * demo at --demo-speed): at taken_at it read `clock`, and since the real time
     * clock_from it runs clock_rate of its seconds per real second (one to one before:
     * the demo's backfill). clock_rate 0 (the zero value): the wall clock. */
    double clock, clock_rate, clock_from;
    struct access access; /* the server's RBAC answer for each verb forgetop sends */
    struct service *services;
    size_t n_services;
    struct reading *readings;
    size_t n_readings;
    struct alert *alerts;
    size_t n_alerts;
    struct fact *facts;
    size_t n_facts;
    /* What kind of source measured the readings: "metrics" (a metrics store such as
     * Prometheus) or "" (the cluster or server itself). A metric rule's prefer names one. */
    char reading_class[16];
    bool measures_pool; /* the readings include a connection pooler's pool (PgBouncer) */
    /* How the source reads, for the sources screen: "watching: deployments, HPAs, pods";
     * "" when it has nothing to say. The notice repeats it when something is amiss. */
    char modes[FT_TEXT_MAX];
};

/* Status of one source as the UI sees it. */
struct source_status {
    char name[FT_ID_MAX];
    enum source_state state;
    double last_ok;  /* unix seconds of the last good poll, 0 never */
    double last_try; /* unix seconds of the last attempt */
    char error[FT_TEXT_MAX];
    double interval_s;    /* seconds between its polls */
    int failures;         /* polls failed in a row, 0 when the last one was good */
    double failing_since; /* unix seconds of the first of those failures, 0 none */
    /* What core judges lateness by (world_judge_source): what one poll may take, whether
     * one is under way (started at last_try), and how long --once waited in vain. */
    double timeout_s;
    bool in_poll;
    double no_answer_s;
};

struct snapshot *snapshot_new(void);
void snapshot_free(struct snapshot *s);
/* Append a zeroed element and return it (NULL on allocation failure). */
struct service *snapshot_add_service(struct snapshot *s);
struct reading *snapshot_add_reading(struct snapshot *s, const char *metric, const char *service,
                                     double t, double value);
struct alert *snapshot_add_alert(struct snapshot *s);
/* A numeric fact judged by rule ("" none); of is NAN when there is no denominator. */
struct fact *snapshot_add_fact_num(struct snapshot *s, const char *panel, const char *label,
                                   const char *rule, enum unit unit, double value, double of);
/* A typed text (a role, a policy, a status word); rule may judge its first word. */
struct fact *snapshot_add_fact_text(struct snapshot *s, const char *panel, const char *label,
                                    const char *rule, const char *text);
/* Set a fact's typed qualifier or, for a NAN, why there is no data (sanitised). */
void fact_set_text(struct fact *f, const char *text);
struct pod *service_add_pod(struct service *svc);
/* An owned string of the model (a pod's message, an autoscaler's conditions): "" for NULL. */
const char *model_text(const char *owned);
/* Set *dst to src, sanitised and cut to FT_TEXT_MAX - 1 bytes, freeing the old one; NULL or
 * "" holds nothing (NULL). 0, or -1 out of memory (*dst is kept then). */
int model_set_text(char **dst, const char *src);
/* A pod's message, "" when it has none. */
const char *pod_message(const struct pod *p);
/* Set it to msg, sanitised and cut to FT_TEXT_MAX - 1 bytes (NULL or "" clears it): 0, or
 * -1 out of memory (the old one is kept then). */
int pod_set_message(struct pod *p, const char *msg);
struct condition *service_add_condition(struct service *svc);
struct replicaset *service_add_rset(struct service *svc);
/* a's ScaledObject, or a zeroed one (target NAN) when it has none: never NULL. */
const struct keda_scaler *autoscaler_keda(const struct autoscaler *a);
/* a's ScaledObject, made zeroed (target NAN) when it has none; NULL out of memory. Freed
 * with the snapshot that holds a. */
struct keda_scaler *autoscaler_add_keda(struct autoscaler *a);
/* Keep ev among the service's newest FT_EVENTS_MAX events, newest first (copied). */
void service_keep_event(struct service *svc, const struct event *ev);
/* Put older's readings in front of dst's: a snapshot nobody took is replaced by a newer
 * one, but its samples (a backfill) must still reach the histories. 0 or -1. */
int snapshot_carry_readings(struct snapshot *dst, const struct snapshot *older);
void service_init(struct service *svc);
/* A deep copy of src into the empty dst (every array its own; a pointer added to a
 * service or a snapshot must be copied here too). 0, or -1 out of memory (dst untouched). */
int snapshot_copy(struct snapshot *dst, const struct snapshot *src);

const char *band_name(enum band b);           /* "ok", "warning", "critical", "unknown" */
const char *sustained_name(enum sustained s); /* "inactive", "pending", "firing" */
const char *source_state_name(enum source_state s);
const char *permission_name(enum permission p); /* "unknown", "yes", "no" */

#endif
