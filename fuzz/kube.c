/* kube.c (fuzz) - the Kubernetes source's decoding of list answers (deployments, HPAs,
 * pods, pod metrics) and of error answers (meta/v1 Status), on anything a server or a
 * proxy in front of it could send.
 *
 * The first 4 bytes pick the HTTP status of the first 4 lists (200 mostly, 401, 403, 404,
 * 500, 503); the rest, split at NUL bytes, are the bodies of every list, the later ones
 * (ReplicaSets, events) answered 200 when a body is there, so an older corpus keeps its
 * meaning. Whatever is accepted lands in the
 * snapshot as text safe for the terminal, and every error is terminated and safe. */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/kubeparse.h"
#include "safe.h"

static const long statuses[] = {200, 200, 200, 200, 401, 403, 404, 500, 503, 200, 200, 429};

static void check_service(const struct service *s)
{
    CHECK_FIELD(s->name);
    CHECK_FIELD(s->source);
    CHECK_FIELD(s->namespace_);
    CHECK_FIELD(s->kind);
    CHECK_TEXT(s->status);
    CHECK_TEXT(s->unscalable_why);
    CHECK_FIELD(s->autoscaler.kind);
    CHECK_FIELD(s->autoscaler.name);
    CHECK_TEXT(s->autoscaler.conditions);
    CHECK(isnan(s->cpu_pct) || s->cpu_pct >= 0);
    CHECK(isnan(s->mem_pct) || s->mem_pct >= 0);
    CHECK(isnan(s->mem_req_pct) || s->mem_req_pct >= 0);
    CHECK_TEXT(s->autoscaler.inactive);
    /* an HPA that cannot compute has no count, whatever desiredReplicas said */
    CHECK(s->autoscaler.inactive == NULL || !s->autoscaler.desired_known);
    CHECK_FIELD(s->reason);
    for (size_t i = 0; i < s->n_pods; i++) {
        CHECK_FIELD(s->pods[i].name);
        CHECK_FIELD(s->pods[i].phase);
        CHECK_FIELD(s->pods[i].node);
        CHECK_FIELD(s->pods[i].reason);
        CHECK_TEXT(s->pods[i].message);
        CHECK_FIELD(s->pods[i].last_reason);
    }
    for (size_t i = 0; i < s->n_conditions; i++) {
        CHECK_FIELD(s->conditions[i].type);
        CHECK_FIELD(s->conditions[i].reason);
        CHECK_TEXT(s->conditions[i].message);
    }
    for (size_t i = 0; i < s->n_rsets; i++)
        CHECK_FIELD(s->rsets[i].name);
    CHECK(s->n_events <= FT_EVENTS_MAX);
    for (size_t i = 0; i < s->n_events; i++) {
        CHECK_FIELD(s->events[i].object);
        CHECK_FIELD(s->events[i].reason);
        CHECK_FIELD(s->events[i].message);
        CHECK(i == 0 || s->events[i - 1].last_at >= s->events[i].last_at);
    }
}

#define STATUS_BYTES 4 /* the lists before ReplicaSets and events */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    long status[KUBE_LISTS];
    const char *body[KUBE_LISTS] = {NULL};
    size_t len[KUBE_LISTS] = {0};
    char err[512];
    if (size < STATUS_BYTES)
        return 0;
    for (size_t i = 0; i < KUBE_LISTS; i++)
        status[i] =
            i < STATUS_BYTES ? statuses[data[i] % (sizeof statuses / sizeof statuses[0])] : 0;
    const char *p = (const char *)data + STATUS_BYTES, *end = (const char *)data + size;
    for (size_t i = 0; i < KUBE_LISTS && p < end; i++) {
        const char *nul = memchr(p, '\0', (size_t)(end - p));
        body[i] = p;
        len[i] = (size_t)((nul ? nul : end) - p);
        p = nul ? nul + 1 : end;
        if (i >= STATUS_BYTES)
            status[i] = 200;
    }

    struct snapshot *snap = snapshot_new();
    if (snap == NULL)
        return 0;
    memset(err, 0x5a, sizeof err);
    if (kube_parse_lists(status, body, len, snap, err, sizeof err) < 0) {
        CHECK(strnlen(err, sizeof err) < sizeof err && fuzz_is_safe(err));
    } else {
        CHECK_FIELD(snap->notice);
        for (size_t i = 0; i < snap->n_services; i++)
            check_service(&snap->services[i]);
        for (size_t i = 0; i < snap->n_readings; i++)
            CHECK_FIELD(snap->readings[i].note);
    }
    snapshot_free(snap);

    memset(err, 0x5a, sizeof err);
    kube_parse_error("GET", "/apis/apps/v1/namespaces/open-forge/deployments", status[0], body[0],
                     len[0], err, sizeof err);
    CHECK(strnlen(err, sizeof err) < sizeof err && fuzz_is_safe(err));
    return 0;
}
