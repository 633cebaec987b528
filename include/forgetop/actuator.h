/* actuator.h - the one path by which forgetop changes a cluster.
 *
 * It decides: refuses in read-only mode, refuses counts outside the service's bounds or
 * for a source that cannot scale, writes the audit record, and only then hands the
 * request to the submit callback (the scaler thread). Outcomes are audited too. Pure
 * of threads and I/O but the audit file: the callback and the clock come in. */

#ifndef FORGETOP_ACTUATOR_H
#define FORGETOP_ACTUATOR_H

#include <stdbool.h>
#include <stddef.h>

#include "forgetop/source.h"

enum actuator_verdict { ACT_SUBMITTED, ACT_REFUSED };

struct actuator {
    bool read_only; /* fixed at start: nothing inside the program can clear it */
    const char *audit_path;
    /* Hands an approved request on; returns 0 when queued. */
    int (*submit)(void *ctx, const struct scale_request *req);
    void *submit_ctx;
    /* Counts how many requests were handed on; tests read it. */
    unsigned long submitted;
};

void actuator_init(struct actuator *a, bool read_only, const char *audit_path,
                   int (*submit)(void *, const struct scale_request *), void *ctx);
/* svc: the live service the request targets; scale_denied: the source said RBAC denies.
 * Returns ACT_SUBMITTED, or ACT_REFUSED with why filled for the status line. */
enum actuator_verdict actuator_request(struct actuator *a, const struct scale_request *req,
                                       const struct service *svc, bool scale_denied, double now,
                                       char *why, size_t whylen);
/* Record what the scaler thread reported. */
void actuator_outcome(struct actuator *a, const struct scale_request *req, int status,
                      const char *message, double now);

#endif
