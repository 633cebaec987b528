/* source.h - what every data source is: a small vtable, as htop's Meter classes are.
 *
 * A source polls into a fresh snapshot and returns 0, or returns -1 with an operator's
 * error in err. It never touches the screen. Scale is optional; it is called only by
 * the scaler thread, after the actuator in core/ approved the request. */

#ifndef FORGETOP_SOURCE_H
#define FORGETOP_SOURCE_H

#include <stddef.h>

#include "forgetop/model.h"

struct config;
struct source;

struct scale_request {
    char source[FT_ID_MAX];
    char service[FT_NAME_MAX];
    char namespace_[FT_NAME_MAX];
    int from; /* the count the operator saw: the source refuses if it moved */
    int to;
    char reason[FT_TEXT_MAX];
    char version[64];        /* resourceVersion or the like the operator saw, "" none */
    bool set_autoscaler_min; /* raise the HPA's minReplicas instead of the count */
    /* With set_autoscaler_min: the autoscaler whose minimum changes; from is then its
     * minimum as the operator saw it, to the new one. The audit names it. */
    char object[FT_NAME_MAX];
    /* KEDA owns the count: object is the ScaledObject, and set_autoscaler_min patches its
     * spec.minReplicaCount (never the HPA KEDA generates, which KEDA would set back). */
    bool keda;
    /* hold at `to` (from: the count or minimum seen): with keda the paused-replicas
     * annotation, else the HPA's minReplicas raised from `from` (kept in the audit).
     * resume: keda removes the annotation (to -1); an HPA's minReplicas goes back to
     * `to`, the value its hold's audit line kept. */
    bool hold, resume;
    /* The danger the operator confirmed a second time ("cpu ~150% over its request"). */
    char danger[FT_TEXT_MAX];
};

struct source_ops {
    const char *kind;
    int (*poll)(struct source *src, struct snapshot *out, char *err, size_t errlen);
    /* NULL when the source cannot scale. Returns 0 and a message ("scaled api 5 -> 7")
     * or -1 and the server's error. It runs on the scaler thread, possibly while poll
     * runs on the source's own: whatever both touch (priv, an http client, whose curl
     * handle belongs to one thread) needs a lock, or scale gets its own. */
    int (*scale)(struct source *src, const struct scale_request *req, char *msg, size_t msglen);
    void (*destroy)(struct source *src);
};

struct source {
    const struct source_ops *ops;
    char name[FT_ID_MAX];
    double interval_s; /* seconds between polls */
    /* What one poll may take (connect plus request, unless the source knows better): the
     * source is late, so stale, past it. 0 here means the registry's default. */
    double timeout_s;
    void *priv;
    /* What the source resolved its target to when it was made (kubeconfig current-context
     * and namespace, compose project), so production is decided before the first poll. */
    char context[FT_NAME_MAX];
    char namespace_[FT_NAME_MAX];
};

/* Constructors; each returns NULL with err filled when its configuration is unusable. */
struct source *demo_source_new(const struct config *cfg, char *err, size_t errlen);
struct source *kube_source_new(const struct config *cfg, char *err, size_t errlen);
struct source *compose_source_new(const struct config *cfg, char *err, size_t errlen);
struct source *redis_source_new(const struct config *cfg, char *err, size_t errlen);
struct source *postgres_source_new(const struct config *cfg, char *err, size_t errlen);
struct source *pgbouncer_source_new(const struct config *cfg, char *err, size_t errlen);
struct source *prometheus_source_new(const struct config *cfg, char *err, size_t errlen);
struct source *health_source_new(const struct config *cfg, char *err, size_t errlen);
/* Test source: its behaviour is read from $FORGETOP_TEST_SOURCE ("ok", "fail", "hang"). */
struct source *testsrc_source_new(const struct config *cfg, char *err, size_t errlen);

void source_destroy(struct source *src);

#endif
