/* test_kuberec.c - the compact records the Kubernetes informers keep (kuberec.h): what one
 * item of each list keeps, and a watch event replacing or removing a record by key. */

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/kuberec.h"
#include "forgetop/kubewatch.h"

static void *rec_of(enum kube_list list, const char *json)
{
    cJSON *item = cJSON_Parse(json);
    void *rec = NULL;
    cr_assert_not_null(item, "test JSON does not parse: %s", json);
    cr_assert_eq(kuberec_parse(list, item, &rec), 0);
    cJSON_Delete(item);
    cr_assert_not_null(rec);
    return rec;
}

#define POD_JSON(name, phase)                                                                      \
    "{\"metadata\":{\"name\":\"" name "\",\"namespace\":\"team-a\",\"labels\":{\"app\":\"api\","   \
    "\"pod-template-hash\":\"7d4f\"},\"ownerReferences\":[{\"kind\":\"ReplicaSet\",\"name\":"      \
    "\"api-7d4f\"}],\"managedFields\":[{\"manager\":\"kubelet\"}]},"                               \
    "\"spec\":{\"nodeName\":\"node-1\",\"containers\":[{\"image\":\"api:1\"}]},"                   \
    "\"status\":{\"phase\":\"" phase "\",\"startTime\":\"2026-01-01T00:00:00Z\","                  \
    "\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\","                                    \
    "\"lastTransitionTime\":\"2026-01-01T00:01:00Z\"}],"                                           \
    "\"containerStatuses\":[{\"restartCount\":3,\"state\":{\"waiting\":{\"reason\":"               \
    "\"CrashLoopBackOff\",\"message\":\"back-off \\u001b[31m10s\"}},\"lastState\":{\"terminated\"" \
    ":{\"reason\":\"OOMKilled\",\"exitCode\":137}}}]}}"

Test(kuberec, a_pod_keeps_its_owner_labels_readiness_and_reason)
{
    struct kuberec_pod *p = rec_of(KUBE_PODS, POD_JSON("api-7d4f-x1", "Running"));
    cr_assert_str_eq(p->name, "api-7d4f-x1");
    cr_assert_str_eq(p->ns, "team-a");
    cr_assert_str_eq(p->node, "node-1");
    cr_assert_str_eq(p->owner, "api"); /* the ReplicaSet's name less its template hash */
    cr_assert_str_eq(kuberec_label(p->labels, "app"), "api");
    cr_assert_str_eq(kuberec_label(p->labels, "pod-template-hash"), "7d4f");
    cr_assert_null(kuberec_label(p->labels, "tier"));
    cr_assert_str_eq(p->phase, "Running");
    cr_assert(p->ready_reported);
    cr_assert(!p->ready);
    cr_assert_float_eq(p->ready_changed_at, 1767225660, 1e-6);
    cr_assert_float_eq(p->started_at, 1767225600, 1e-6);
    cr_assert_eq(p->restarts, 3);
    cr_assert_str_eq(p->reason, "CrashLoopBackOff");
    cr_assert_null(strchr(p->message, '\x1b'), "the message is sanitised: %s", p->message);
    cr_assert_not_null(strstr(p->message, "back-off"));
    cr_assert_str_eq(p->last_reason, "OOMKilled");
    cr_assert_eq(p->exit_code, 137);
    cr_assert(p->own_requests, "it lists its containers");
    cr_assert_eq(p->cpu_req_m, -1, "a container without a cpu request: the HPA has none");
    free(p);
}

Test(kuberec, a_pod_being_deleted_is_terminating_and_one_without_owner_has_none)
{
    struct kuberec_pod *p = rec_of(
        KUBE_PODS, "{\"metadata\":{\"name\":\"solo\",\"deletionTimestamp\":\"2026-01-01T00:00:00Z\""
                   ",\"labels\":{\"app\":\"api\"}},\"status\":{\"phase\":\"Running\"}}");
    cr_assert_str_eq(p->phase, "Terminating");
    cr_assert_null(p->owner);
    cr_assert_str_eq(p->ns, ""); /* the join gives it the source's own */
    cr_assert(!p->ready_reported);
    free(p);
}

Test(kuberec, a_deployment_keeps_counts_selector_requests_and_conditions)
{
    struct kuberec_dep *d = rec_of(
        KUBE_DEPLOYMENTS,
        "{\"metadata\":{\"name\":\"api\",\"namespace\":\"team-a\"},\"spec\":{\"replicas\":4,"
        "\"selector\":{\"matchLabels\":{\"app\":\"api\"},\"matchExpressions\":[{\"key\":\"tier\","
        "\"operator\":\"NotIn\",\"values\":[\"db\",\"cache\"]}]},\"template\":{\"spec\":"
        "{\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"250m\",\"memory\":\"256Mi\"},"
        "\"limits\":{\"memory\":\"512Mi\"}}},{\"resources\":{\"requests\":{\"cpu\":\"250m\","
        "\"memory\":\"256Mi\"},\"limits\":{\"memory\":\"512Mi\"}}}]}}},\"status\":{"
        "\"readyReplicas\":3,\"updatedReplicas\":4,\"availableReplicas\":3,\"conditions\":["
        "{\"type\":\"Progressing\",\"status\":\"False\",\"reason\":\"ProgressDeadlineExceeded\"},"
        "{\"type\":\"Available\",\"status\":\"True\",\"reason\":\"MinimumReplicasAvailable\"}]}}");
    cr_assert_str_eq(d->name, "api");
    cr_assert_str_eq(d->ns, "team-a");
    cr_assert_eq(d->desired, 4);
    cr_assert_eq(d->ready, 3);
    cr_assert_eq(d->updated, 4);
    cr_assert_eq(d->available, 3);
    cr_assert_eq(d->cpu_req_m, 500);
    cr_assert_float_eq(d->mem_req, 512.0 * 1024 * 1024, 1);
    cr_assert_float_eq(d->mem_limit, 1024.0 * 1024 * 1024, 1);
    cr_assert_float_eq(d->res.cpu_request, 0.5, 1e-9);
    cr_assert_str_eq(d->status, "rollout stuck: ProgressDeadlineExceeded");
    cr_assert_eq(d->n_conds, 2);
    cr_assert_str_eq(d->conds[0].type, "Progressing");
    cr_assert_str_eq(d->conds[1].reason, "MinimumReplicasAvailable");
    /* app=api, tier notin (db, cache) */
    cr_assert(kuberec_selects(d->selector, "app\0api\0\0"));
    cr_assert(kuberec_selects(d->selector, "app\0api\0tier\0web\0\0"));
    cr_assert(!kuberec_selects(d->selector, "app\0api\0tier\0db\0\0"));
    cr_assert(!kuberec_selects(d->selector, "app\0web\0\0"));
    cr_assert(!kuberec_selects(d->selector, "\0"));
    free(d);
}

Test(kuberec, an_empty_selector_selects_nothing)
{
    struct kuberec_dep *d =
        rec_of(KUBE_DEPLOYMENTS, "{\"metadata\":{\"name\":\"x\"},\"spec\":{\"selector\":{}}}");
    cr_assert_eq(d->desired, 1); /* the API's default */
    cr_assert(!kuberec_selects(d->selector, "app\0api\0\0"));
    free(d);
}

Test(kuberec, an_hpa_keeps_its_target_bounds_and_figures)
{
    struct kuberec_hpa *h = rec_of(
        KUBE_HPAS,
        "{\"metadata\":{\"name\":\"api-hpa\",\"namespace\":\"team-a\"},\"spec\":{\"scaleTargetRef\""
        ":{\"kind\":\"Deployment\",\"name\":\"api\"},\"minReplicas\":2,\"maxReplicas\":10,"
        "\"metrics\":[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":{\"type\":"
        "\"Utilization\",\"averageUtilization\":70}}}]},\"status\":{\"desiredReplicas\":5,"
        "\"currentMetrics\":[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"current\":"
        "{\"averageUtilization\":91}}}],\"conditions\":[{\"type\":\"ScalingLimited\","
        "\"status\":\"True\",\"reason\":\"TooManyReplicas\"}]}}");
    cr_assert_str_eq(h->target, "api");
    cr_assert_str_eq(h->ns, "team-a");
    cr_assert(h->a.present);
    cr_assert_str_eq(h->a.kind, "HPA");
    cr_assert_str_eq(h->a.name, "api-hpa");
    cr_assert_eq(h->a.min, 2);
    cr_assert_eq(h->a.max, 10);
    cr_assert_eq(h->a.desired, 5);
    cr_assert(h->a.desired_known);
    cr_assert_float_eq(h->a.cpu_target, 70, 1e-9);
    cr_assert_float_eq(h->a.cpu_current, 91, 1e-9);
    cr_assert(isnan(h->a.mem_target));
    cr_assert_str_eq(h->conditions, "ScalingLimited: TooManyReplicas");
    free(h);
    h = rec_of(KUBE_HPAS, "{\"metadata\":{\"name\":\"db\"},\"spec\":{\"scaleTargetRef\":"
                          "{\"kind\":\"StatefulSet\",\"name\":\"db\"}}}");
    cr_assert_str_eq(h->target, "", "an HPA of a StatefulSet is not joined");
    free(h);
}

Test(kuberec, a_scaledobject_keeps_its_target_and_scaler)
{
    struct kuberec_scaledobject *s = rec_of(
        KUBE_SCALEDOBJECTS,
        "{\"metadata\":{\"name\":\"worker-scaler\",\"namespace\":\"team-a\"},\"spec\":{"
        "\"scaleTargetRef\":{\"name\":\"worker\"},\"minReplicaCount\":1,\"maxReplicaCount\":50,"
        "\"triggers\":[{\"type\":\"redis\",\"metadata\":{\"listName\":\"q\",\"listLength\":\"10\"}}"
        "]}}");
    cr_assert_str_eq(s->target, "worker");
    cr_assert_str_eq(s->ns, "team-a");
    cr_assert_str_eq(s->k.object, "worker-scaler");
    cr_assert_str_eq(s->k.hpa, "keda-hpa-worker-scaler");
    cr_assert_eq(s->k.min, 1);
    cr_assert_eq(s->k.max, 50);
    cr_assert_str_eq(s->k.trigger, "redis");
    cr_assert_float_eq(s->k.target, 10, 1e-9);
    free(s);
}

Test(kuberec, a_replicaset_keeps_its_owner_revision_and_counts)
{
    struct kuberec_replicaset *r =
        rec_of(KUBE_REPLICASETS,
               "{\"metadata\":{\"name\":\"api-7d4f\",\"namespace\":\"team-a\",\"annotations\":"
               "{\"deployment.kubernetes.io/revision\":\"7\"},\"ownerReferences\":[{\"kind\":"
               "\"Deployment\",\"name\":\"api\"}]},\"spec\":{\"replicas\":3},\"status\":"
               "{\"readyReplicas\":2}}");
    cr_assert_str_eq(r->owner, "api");
    cr_assert_str_eq(r->ns, "team-a");
    cr_assert_str_eq(r->rs.name, "api-7d4f");
    cr_assert_eq(r->rs.revision, 7);
    cr_assert_eq(r->rs.desired, 3);
    cr_assert_eq(r->rs.ready, 2);
    free(r);
}

Test(kuberec, an_event_keeps_its_object_reason_and_count)
{
    struct kuberec_event *e = rec_of(
        KUBE_EVENTS,
        "{\"metadata\":{\"name\":\"api-x1.17\",\"namespace\":\"team-a\"},\"type\":\"Warning\","
        "\"reason\":\"BackOff\",\"message\":\"Back-off restarting\",\"count\":4,"
        "\"lastTimestamp\":\"2026-01-01T00:00:10Z\",\"involvedObject\":{\"kind\":\"Pod\","
        "\"name\":\"api-x1\"}}");
    cr_assert_str_eq(e->kind, "Pod");
    cr_assert_str_eq(e->name, "api-x1");
    cr_assert_str_eq(e->ns, "team-a");
    cr_assert_str_eq(e->ev.reason, "BackOff");
    cr_assert_str_eq(e->ev.object, "Pod/api-x1");
    cr_assert_eq(e->ev.count, 4);
    cr_assert_float_eq(e->ev.last_at, 1767225610, 1e-6);
    free(e);
}

Test(kuberec, pod_metrics_keep_usage_summed_and_the_window)
{
    struct kuberec_metrics *m =
        rec_of(KUBE_POD_METRICS,
               "{\"metadata\":{\"name\":\"api-x1\",\"labels\":{\"app\":\"api\"}},\"timestamp\":"
               "\"2026-01-01T00:00:00Z\",\"window\":\"1m0.5s\",\"containers\":[{\"usage\":{\"cpu\":"
               "\"250m\",\"memory\":\"100Mi\"}},{\"usage\":{\"cpu\":\"1\",\"memory\":\"28Mi\"}}]}");
    cr_assert_str_eq(m->name, "api-x1");
    cr_assert_eq(m->cpu_m, 1250);
    cr_assert_float_eq(m->cores, 1.25, 1e-9);
    cr_assert_float_eq(m->mem, 128.0 * 1024 * 1024, 1);
    cr_assert_float_eq(m->window_s, 60.5, 1e-9);
    cr_assert_float_eq(m->t, 1767225600, 1e-6);
    cr_assert_str_eq(kuberec_label(m->labels, "app"), "api");
    free(m);
}

/* ---- an informer's cache, driven by watch event lines ---- */

static int parse_pod_rec(const cJSON *item, void **rec, void *arg)
{
    (void)arg;
    return kuberec_parse(KUBE_PODS, item, rec);
}

static int apply(struct kubewatch *w, const char *type, const char *obj)
{
    char line[4096];
    snprintf(line, sizeof line, "{\"type\":\"%s\",\"object\":%s}", type, obj);
    return kubewatch_apply_event(w, line, strlen(line));
}

Test(kuberec, a_watch_modified_replaces_the_record_and_deleted_removes_it)
{
    struct kubewatch_opts o = {.what = "pods",
                               .base = "/api/v1/namespaces/team-a/pods",
                               .watch = true,
                               .parse = parse_pod_rec};
    struct kubewatch *w = kubewatch_new(&o);
    cr_assert_not_null(w);
    cr_assert_eq(apply(w, "ADDED", POD_JSON("api-7d4f-b", "Pending")), 0);
    cr_assert_eq(apply(w, "ADDED", POD_JSON("api-7d4f-a", "Pending")), 0);
    cr_assert_eq(kubewatch_count(w), 2);
    const struct kuberec_pod *p = kubewatch_item(w, 0);
    cr_assert_str_eq(p->name, "api-7d4f-a", "records come in namespace/name order");
    cr_assert_str_eq(p->phase, "Pending");

    unsigned long before = kubewatch_changes(w);
    cr_assert_eq(apply(w, "MODIFIED", POD_JSON("api-7d4f-a", "Running")), 0);
    cr_assert_eq(kubewatch_count(w), 2, "a modified pod is replaced, not added");
    p = kubewatch_item(w, 0);
    cr_assert_str_eq(p->name, "api-7d4f-a");
    cr_assert_str_eq(p->phase, "Running");
    cr_assert_neq(kubewatch_changes(w), before);

    cr_assert_eq(apply(w, "DELETED", POD_JSON("api-7d4f-a", "Running")), 0);
    cr_assert_eq(kubewatch_count(w), 1);
    p = kubewatch_item(w, 0);
    cr_assert_str_eq(p->name, "api-7d4f-b");
    cr_assert_eq(apply(w, "ADDED", POD_JSON("api-7d4f-a", "Failed")), 0);
    cr_assert_eq(kubewatch_count(w), 2, "a deleted key may come back");
    cr_assert_str_eq(((const struct kuberec_pod *)kubewatch_item(w, 0))->phase, "Failed");

    before = kubewatch_changes(w);
    cr_assert_eq(apply(w, "BOOKMARK", "{\"metadata\":{\"resourceVersion\":\"99\"}}"), 0);
    cr_assert_eq(kubewatch_changes(w), before, "a bookmark changes no record");
    cr_assert_eq(apply(w, "ERROR", "{\"code\":410,\"message\":\"too old\"}"), 1);
    kubewatch_free(w);
}
