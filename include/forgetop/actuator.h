/* actuator.h - the one path by which forgetop changes a cluster.
 *
 * It decides: refuses in read-only mode, in a production context with
 * production_read_only, when the cluster's RBAC denies the verb, outside the service's
 * bounds or when a precondition fails; writes the audit record (refusals too), and only
 * then hands the request to the submit callback (the scaler thread). It holds the one
 * decision of production and read-only that the header, the JSON and the audit show.
 * Pure of threads and I/O but the audit file: the callback and the clock come in. */

#ifndef FORGETOP_ACTUATOR_H
#define FORGETOP_ACTUATOR_H

#include <stdbool.h>
#include <stddef.h>

#include "forgetop/source.h"

struct world;
struct audit_entry;

enum actuator_verdict { ACT_SUBMITTED, ACT_REFUSED };

struct actuator {
    bool read_only; /* fixed at start: nothing inside the program can clear it */
    /* Set when a resolved context, namespace or project matches production_pattern, and
     * never cleared: a context that changes back does not lift a production guard. */
    bool production;
    bool production_read_only; /* the config's: a production target is watched only */
    char production_pattern[128];
    char production_name[FT_NAME_MAX]; /* the first name that matched */
    const char *audit_path;
    /* Hands an approved request on; returns 0 when queued. */
    int (*submit)(void *ctx, const struct scale_request *req);
    void *submit_ctx;
    /* Told every audit record as it is written (the recording, --record); NULL none. It
     * keeps core pure: the recorder is outside. */
    void (*audit_tap)(void *ctx, const struct audit_entry *e, double now);
    void *audit_tap_ctx;
    /* Counts how many requests were handed on; tests read it. */
    unsigned long submitted;
};

void actuator_init(struct actuator *a, bool read_only, const char *audit_path,
                   int (*submit)(void *, const struct scale_request *), void *ctx);
/* The config's production rule; "" pattern: nothing is production. */
void actuator_set_production_rule(struct actuator *a, const char *pattern, bool read_only);
/* A context, namespace or project a source resolved: production if it matches. */
void actuator_observe_name(struct actuator *a, const char *name);
/* The operator switched to another context or namespace: production is decided afresh
 * from the names observed after this (read_only, the flag's and the file's, stays). */
void actuator_retarget(struct actuator *a);
/* Every name the world now shows (contexts, namespaces), then mirror the decision into
 * w->production and w->read_only for the screens and the JSON. */
void actuator_observe(struct actuator *a, struct world *w);
/* Read-only by flag or config, or by production_read_only in a production context. */
bool actuator_read_only(const struct actuator *a);
/* The operator's words for why everything is refused; "" when it is not. */
void actuator_read_only_why(const struct actuator *a, char *why, size_t len);

/* Why req must not go out, or "" when it may. svc: the live service it targets (bounds
 * as the actuator must judge them); acc: the RBAC of svc's source, NULL unknown. */
void actuator_judge(const struct actuator *a, const struct scale_request *req,
                    const struct service *svc, const struct access *acc, char *why, size_t len);
/* Record an attempt that ended before it reached actuator_request: refused by the
 * dispatcher ("refused") or cancelled at a confirmation ("declined"). */
void actuator_record(struct actuator *a, const struct scale_request *req, const char *result,
                     const char *why, double now);
/* Judge, audit, submit. Returns ACT_SUBMITTED, or ACT_REFUSED with why filled for the
 * status line; nothing is sent unless the audit line is on disk first. */
enum actuator_verdict actuator_request(struct actuator *a, const struct scale_request *req,
                                       const struct service *svc, const struct access *acc,
                                       double now, char *why, size_t whylen);
/* Record what the scaler thread reported. */
void actuator_outcome(struct actuator *a, const struct scale_request *req, int status,
                      const char *message, double now);

#endif
