/* actuator.c - the one gate every scale passes: decide, record, and only then hand on.
 *
 * The checks run in a fixed order and the first that fails refuses; a refusal is
 * audited like an approval, so the log shows what was tried as well as what was done.
 * read_only is written once, by actuator_init(), and by nothing after it: there is no
 * function to clear it, and the UI's dispatcher refusing first does not excuse this
 * file from refusing again. */

#include <stdio.h>
#include <string.h>

#include "forgetop/actuator.h"
#include "forgetop/audit.h"
#include "forgetop/text.h"

void actuator_init(struct actuator *a, bool read_only, const char *audit_path,
                   int (*submit)(void *, const struct scale_request *), void *ctx)
{
    memset(a, 0, sizeof *a);
    a->read_only = read_only;
    a->audit_path = audit_path;
    a->submit = submit;
    a->submit_ctx = ctx;
}

/* Why this request must not go out, or "" when it may. */
static void judge(const struct actuator *a, const struct scale_request *req,
                  const struct service *svc, bool scale_denied, char *why, size_t len)
{
    int lo = 0, hi = 0;
    why[0] = '\0';
    if (a->read_only) {
        text_printf(why, len, "scaling is disabled in read-only mode");
    } else if (svc == NULL) {
        text_printf(why, len, "%s is no longer there: nothing was scaled", req->service);
    } else if (scale_denied) {
        text_printf(why, len, "RBAC: the cluster denies scaling deployments in %s",
                    req->namespace_[0] ? req->namespace_ : svc->namespace_);
    } else if (svc->unscalable) {
        text_printf(why, len, "%s cannot be scaled: %s", svc->name,
                    svc->unscalable_why[0] ? svc->unscalable_why : "its source does not scale");
    } else if (a->submit == NULL) {
        text_printf(why, len, "scaling is not available: no scaler is running");
    } else {
        if (svc->max > 0) {
            lo = svc->min;
            hi = svc->max;
        }
        if (req->to < 0)
            text_printf(why, len, "%s: %d is not a replica count", svc->name, req->to);
        else if (hi > 0 && (req->to < lo || req->to > hi))
            text_printf(why, len, "%s: %d is outside its bounds %d..%d", svc->name, req->to, lo,
                        hi);
        else if (req->to == req->from)
            text_printf(why, len, "%s already has %d replicas: nothing to change", svc->name,
                        req->to);
    }
}

enum actuator_verdict actuator_request(struct actuator *a, const struct scale_request *req,
                                       const struct service *svc, bool scale_denied, double now,
                                       char *why, size_t whylen)
{
    char audit_err[256];
    judge(a, req, svc, scale_denied, why, whylen);
    if (why[0] != '\0') {
        /* A refusal that cannot be recorded is still a refusal. */
        (void)audit_write(a->audit_path, req, "refused", why, now, audit_err, sizeof audit_err);
        return ACT_REFUSED;
    }
    /* An attempt that cannot be recorded does not go out: the log must never miss a
     * change the program made. */
    if (audit_write(a->audit_path, req, "requested", "", now, audit_err, sizeof audit_err) < 0) {
        text_printf(why, whylen, "not scaled: %s", audit_err);
        return ACT_REFUSED;
    }
    if (a->submit(a->submit_ctx, req) != 0) {
        text_printf(why, whylen, "not scaled: the scaler could not take the request");
        (void)audit_write(a->audit_path, req, "failed", why, now, audit_err, sizeof audit_err);
        return ACT_REFUSED;
    }
    a->submitted++;
    text_printf(why, whylen, "scaling %s %d -> %d", req->service, req->from, req->to);
    return ACT_SUBMITTED;
}

void actuator_outcome(struct actuator *a, const struct scale_request *req, int status,
                      const char *message, double now)
{
    char audit_err[256];
    (void)audit_write(a->audit_path, req, status == 0 ? "applied" : "failed", message, now,
                      audit_err, sizeof audit_err);
}
