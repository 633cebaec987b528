/* keda.h - the Kubernetes source's reading of KEDA: ScaledObjects (keda.sh/v1alpha1) with
 * their triggers, bounds, conditions and paused-replicas annotation; the External and
 * Object metrics of an HPA (what a KEDA trigger becomes); and the bodies of the patches
 * that change a ScaledObject rather than the HPA KEDA would set back.
 *
 * Pure of I/O: sources/kube.c fetches and sends. */

#ifndef FORGETOP_KEDA_H
#define FORGETOP_KEDA_H

#include <stddef.h>

#include "forgetop/model.h"
#include "forgetop/source.h"

struct cJSON;

/* One ScaledObject item: its scaler in out (sanitised, KEDA's defaults filled in) and the
 * Deployment it scales in target. 0, or -1 when it scales no Deployment (a StatefulSet,
 * no scaleTargetRef): not ours to show. */
int keda_parse_scaledobject(const struct cJSON *item, struct keda_scaler *out, char *target,
                            size_t len);

/* Make a's owner the ScaledObject k: kind "KEDA", its name, its bounds. The generated
 * HPA's figures (desired, conditions, metrics) stay when a names that HPA; otherwise the
 * count is not known (KEDA paused, or the HPA not yet made). 0, or -1 out of memory (a
 * unchanged). */
int keda_link(struct autoscaler *a, const struct keda_scaler *k);

/* The first External or Object metric of an HPA's spec.metrics and its value in
 * status.currentMetrics, into a's ext_* fields (AverageValue or Value targets). */
void keda_hpa_metrics(struct autoscaler *a, const struct cJSON *spec, const struct cJSON *status);

/* The merge patch a KEDA request sends to the ScaledObject: minReplicaCount (m), the
 * paused-replicas annotation set (hold) or removed (resume), with resourceVersion rv as
 * its precondition ("" none). 0, or -1 when req is none of those. */
int keda_patch_body(const struct scale_request *req, const char *rv, char *body, size_t len);

#endif
