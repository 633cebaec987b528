/* kubeparse.h - the Kubernetes source's reading of API answers, without a server: the
 * first pages of the lists one poll reads, reduced into a snapshot as a poll reduces
 * them, and an error answer (a meta/v1 Status) worded for the operator.
 *
 * For the fuzz harnesses and tests; the source itself is kube_source_new() in source.h. */

#ifndef FORGETOP_KUBEPARSE_H
#define FORGETOP_KUBEPARSE_H

#include <stddef.h>

#include "forgetop/model.h"

/* The lists a poll reads, in this order. */
enum kube_list {
    KUBE_DEPLOYMENTS,
    KUBE_HPAS, /* autoscaling/v2, or v1 where v2 is not served; either shape parses */
    KUBE_PODS,
    KUBE_POD_METRICS,
    KUBE_SCALEDOBJECTS, /* keda.sh/v1alpha1: after the HPAs, whose generated ones it claims */
    KUBE_REPLICASETS,
    KUBE_EVENTS, /* core/v1 events of type Warning */
    KUBE_LISTS
};

/* status[i] and body[i] (len[i] bytes, not NUL-terminated; NULL for no body) answer list
 * i of namespace open-forge; status 0 with no body: that list was not read (a caller that
 * gives fewer lists, or a CRD not installed: read as a 404). Pages after
 * the first are not followed. 0 with the
 * services, pods and readings in out, or -1 with err as the poll would fail. */
int kube_parse_lists(const long status[KUBE_LISTS], const char *const body[KUBE_LISTS],
                     const size_t len[KUBE_LISTS], struct snapshot *out, char *err, size_t errlen);

/* An answer that is not a success, as the poll words it: "kube: GET PATH: 403 Forbidden:
 * MESSAGE" with the Status document's message, sanitised. body may be NULL. */
void kube_parse_error(const char *method, const char *path, long status, const char *body,
                      size_t len, char *err, size_t errlen);

#endif
