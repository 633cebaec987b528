/* actuator.c - the one gate every scale passes: decide, record, and only then hand on.
 *
 * The checks run in a fixed order and the first that fails refuses; a refusal is
 * audited like an approval, so the log shows what was tried as well as what was done.
 * read_only is written once, by actuator_init(), and by nothing after it; production can
 * only be added (actuator_observe_name), never taken away while the target stays; only an
 * operator's switch to another target (actuator_retarget) decides it afresh. The UI's dispatcher
 * refusing first does not excuse this file from refusing again. */

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "forgetop/actuator.h"
#include "forgetop/audit.h"
#include "forgetop/secret.h"
#include "forgetop/text.h"
#include "forgetop/world.h"

void actuator_init(struct actuator *a, bool read_only, const char *audit_path,
                   int (*submit)(void *, const struct scale_request *), void *ctx)
{
    memset(a, 0, sizeof *a);
    a->read_only = read_only;
    a->audit_path = audit_path;
    a->submit = submit;
    a->submit_ctx = ctx;
}

void actuator_set_production_rule(struct actuator *a, const char *pattern, bool read_only)
{
    text_printf(a->production_pattern, sizeof a->production_pattern, "%s",
                pattern != NULL ? pattern : "");
    a->production_read_only = read_only;
}

void actuator_observe_name(struct actuator *a, const char *name)
{
    if (a->production || !a->production_pattern[0] || name == NULL || !name[0])
        return;
    if (fnmatch(a->production_pattern, name, 0) != 0)
        return;
    a->production = true;
    text_printf(a->production_name, sizeof a->production_name, "%s", name);
}

void actuator_retarget(struct actuator *a)
{
    a->production = false;
    a->production_name[0] = '\0';
}

void actuator_observe(struct actuator *a, struct world *w)
{
    actuator_observe_name(a, w->context);
    for (size_t i = 0; i < w->n_sources; i++)
        if (w->snaps[i] != NULL)
            actuator_observe_name(a, w->snaps[i]->context);
    for (size_t i = 0; i < w->n_services; i++)
        actuator_observe_name(a, w->services[i].svc.namespace_);
    w->production = a->production;
    w->read_only = actuator_read_only(a);
    actuator_read_only_why(a, w->read_only_why, sizeof w->read_only_why);
}

bool actuator_read_only(const struct actuator *a)
{
    return a->read_only || (a->production && a->production_read_only);
}

void actuator_read_only_why(const struct actuator *a, char *why, size_t len)
{
    if (a->read_only)
        text_printf(why, len, "scaling is disabled in read-only mode");
    else if (a->production && a->production_read_only)
        text_printf(why, len,
                    "scaling is disabled: %s is production and production_read_only is set",
                    a->production_name);
    else
        text_printf(why, len, "%s", "");
}

/* RBAC for the verb req sends: the PUT of a count, or the PATCH of the HPA for m. */
static bool denied(const struct scale_request *req, const struct access *acc)
{
    if (acc == NULL)
        return false;
    return (req->keda                 ? acc->keda
            : req->set_autoscaler_min ? acc->hpa_min
                                      : acc->scale) == PERM_DENIED;
}

static const char *verb_words(const struct scale_request *req)
{
    return req->keda                 ? "patch on scaledobjects.keda.sh"
           : req->set_autoscaler_min ? "patch on horizontalpodautoscalers"
                                     : "update on deployments/scale";
}

/* KEDA owns the count: m moves minReplicaCount within 0..max, hold pauses at a count
 * within it, resume needs a pause to lift. */
static void judge_keda(const struct scale_request *req, const struct service *svc, char *why,
                       size_t len)
{
    const struct keda_scaler *k = autoscaler_keda(&svc->autoscaler);
    if (!svc->autoscaler.present || strcmp(svc->autoscaler.kind, "KEDA") != 0)
        text_printf(why, len, "%s is not scaled by a ScaledObject", svc->name);
    else if (req->resume && !k->held)
        text_printf(why, len, "%s is not paused: nothing to resume", k->object);
    else if (req->resume)
        return;
    else if (req->to < 0 || req->to > k->max)
        text_printf(why, len, "%s: %d is outside %s's bounds 0..%d", svc->name, req->to, k->object,
                    k->max);
    else if (req->hold && k->held && k->paused_at == req->to)
        text_printf(why, len, "%s is already paused at %d", k->object, req->to);
    else if (req->hold && svc->desired != req->from)
        text_printf(why, len, "%s moved to %d since you looked (%d): nothing was sent", svc->name,
                    svc->desired, req->from);
    else if (!req->hold && k->min != req->from)
        text_printf(why, len,
                    "%s's minReplicaCount moved to %d since you looked (%d): nothing was sent",
                    k->object, k->min, req->from);
    else if (!req->hold && req->to == req->from)
        text_printf(why, len, "%s already has minReplicaCount %d: nothing to change", k->object,
                    req->to);
}

/* Bounds and preconditions, once the service may be scaled at all. */
static void judge_count(const struct scale_request *req, const struct service *svc, char *why,
                        size_t len)
{
    int lo = svc->max > 0 ? svc->min : 0, hi = svc->max > 0 ? svc->max : 0;
    const char *what = req->set_autoscaler_min ? "minimum" : "replicas";
    if (req->set_autoscaler_min) {
        if (!svc->autoscaler.present)
            text_printf(why, len, "%s has no autoscaler whose minimum could change", svc->name);
        lo = 1, hi = svc->autoscaler.max;
    }
    if (why[0])
        return;
    if (req->to < 0)
        text_printf(why, len, "%s: %d is not a replica count", svc->name, req->to);
    else if (hi > 0 && (req->to < lo || req->to > hi))
        text_printf(why, len, "%s: %d is outside its bounds %d..%d", svc->name, req->to, lo, hi);
    else if (!req->set_autoscaler_min && svc->desired != req->from)
        text_printf(why, len, "%s moved to %d since you looked (%d): nothing was sent", svc->name,
                    svc->desired, req->from);
    else if (req->set_autoscaler_min && svc->autoscaler.min != req->from)
        text_printf(why, len, "%s's minimum moved to %d since you looked (%d): nothing was sent",
                    svc->autoscaler.name, svc->autoscaler.min, req->from);
    else if (req->to == req->from)
        text_printf(why, len, "%s already has %d %s: nothing to change", svc->name, req->to, what);
}

void actuator_judge(const struct actuator *a, const struct scale_request *req,
                    const struct service *svc, const struct access *acc, char *why, size_t len)
{
    why[0] = '\0';
    if (actuator_read_only(a))
        actuator_read_only_why(a, why, len);
    else if (svc == NULL)
        text_printf(why, len, "%s is no longer there: nothing was scaled", req->service);
    else if (denied(req, acc))
        text_printf(why, len, "RBAC: the cluster denies %s in %s", verb_words(req),
                    req->namespace_[0] ? req->namespace_ : svc->namespace_);
    else if (svc->unscalable)
        text_printf(why, len, "%s cannot be scaled: %s", svc->name,
                    svc->unscalable_why ? svc->unscalable_why : "its source does not scale");
    else if (a->submit == NULL)
        text_printf(why, len, "scaling is not available: no scaler is running");
    else if (req->keda)
        judge_keda(req, svc, why, len);
    else
        judge_count(req, svc, why, len);
}

static int record(struct actuator *a, const struct scale_request *req, const char *result,
                  const char *message, double now, char *err, size_t errlen)
{
    /* The poller scrubs what a source says; a refusal quotes what a source reported too,
     * and the log outlives the screen, so every message passes the scrubber here as well. */
    char clean[2 * FT_TEXT_MAX];
    secret_scrub(clean, sizeof clean, message);
    struct audit_entry e = {.req = req,
                            .result = result,
                            .message = clean,
                            .production = a->production,
                            .read_only = actuator_read_only(a)};
    int rc = audit_record(a->audit_path, &e, now, err, errlen);
    if (a->audit_tap != NULL)
        a->audit_tap(a->audit_tap_ctx, &e, now);
    return rc;
}

void actuator_record(struct actuator *a, const struct scale_request *req, const char *result,
                     const char *why, double now)
{
    char audit_err[256];
    (void)record(a, req, result, why, now, audit_err, sizeof audit_err);
}

enum actuator_verdict actuator_request(struct actuator *a, const struct scale_request *req,
                                       const struct service *svc, const struct access *acc,
                                       double now, char *why, size_t whylen)
{
    char audit_err[256];
    actuator_judge(a, req, svc, acc, why, whylen);
    if (why[0] != '\0') {
        /* A refusal that cannot be recorded is still a refusal. */
        (void)record(a, req, "refused", why, now, audit_err, sizeof audit_err);
        return ACT_REFUSED;
    }
    /* An attempt that cannot be recorded does not go out: the log must never miss a
     * change the program made. */
    if (record(a, req, "requested", "", now, audit_err, sizeof audit_err) < 0) {
        text_printf(why, whylen, "not scaled: %s", audit_err);
        return ACT_REFUSED;
    }
    if (a->submit(a->submit_ctx, req) != 0) {
        text_printf(why, whylen, "not scaled: the scaler could not take the request");
        (void)record(a, req, "failed", why, now, audit_err, sizeof audit_err);
        return ACT_REFUSED;
    }
    a->submitted++;
    if (req->keda && req->hold)
        text_printf(why, whylen, "pausing %s at %d", req->object, req->to);
    else if (req->keda && req->resume)
        text_printf(why, whylen, "resuming %s", req->object);
    else if (req->keda)
        text_printf(why, whylen, "setting %s's minReplicaCount %d -> %d", req->object, req->from,
                    req->to);
    else if (req->resume)
        text_printf(why, whylen, "restoring %s's minimum %d -> %d", req->object, req->from,
                    req->to);
    else if (req->set_autoscaler_min)
        text_printf(why, whylen, "raising %s's minimum %d -> %d", req->object, req->from, req->to);
    else
        text_printf(why, whylen, "scaling %s %d -> %d", req->service, req->from, req->to);
    return ACT_SUBMITTED;
}

void actuator_outcome(struct actuator *a, const struct scale_request *req, int status,
                      const char *message, double now)
{
    char audit_err[256];
    (void)record(a, req, status == 0 ? "applied" : "failed", message, now, audit_err,
                 sizeof audit_err);
}
