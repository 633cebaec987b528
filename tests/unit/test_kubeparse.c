/* test_kubeparse.c - the Kubernetes list and Status answers decoded without a server, as
 * a poll decodes them (kubeparse.h). */

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "forgetop/kubeparse.h"

#define DEPLOY(req)                                                                                \
    "{\"kind\":\"DeploymentList\",\"items\":[{\"metadata\":{\"name\":\"api\"},"                    \
    "\"spec\":{\"replicas\":2,\"selector\":{\"matchLabels\":{\"app\":\"api\"}},"                   \
    "\"template\":{\"spec\":{\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"" req "\"},"  \
    "\"limits\":{\"memory\":\"1Gi\"}}}]}}},\"status\":{\"readyReplicas\":2}}]}"
#define POD(n)                                                                                     \
    "{\"metadata\":{\"name\":\"api-" n "\",\"labels\":{\"app\":\"api\"}},"                         \
    "\"status\":{\"phase\":\"Running\",\"startTime\":\"2000-01-01T00:00:00Z\","                    \
    "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}"
#define METRIC(n, cpu)                                                                             \
    "{\"metadata\":{\"name\":\"api-" n "\",\"labels\":{\"app\":\"api\"}},"                         \
    "\"containers\":[{\"usage\":{\"cpu\":\"" cpu "\",\"memory\":\"512Mi\"}}]}"

static int parse(const char *deploy, struct snapshot *s, char *err)
{
    const long status[KUBE_LISTS] = {200, 200, 200, 200};
    const char *body[KUBE_LISTS] = {
        deploy, "{\"items\":[]}", "{\"items\":[" POD("a") "," POD("b") "]}",
        "{\"items\":[" METRIC("a", "900m") "," METRIC("b", "500m") "]}"};
    size_t len[KUBE_LISTS];
    for (size_t i = 0; i < KUBE_LISTS; i++)
        len[i] = body[i] ? strlen(body[i]) : 0;
    return kube_parse_lists(status, body, len, s, err, 256);
}

Test(kubeparse, utilisation_is_the_hpa_integer_percent_of_requests)
{
    struct snapshot *s = snapshot_new();
    char err[256] = "";
    cr_assert_eq(parse(DEPLOY("500m"), s, err), 0, "%s", err);
    cr_assert_eq(s->n_services, 1);
    /* (900m + 500m) / (2 x 500m) = 140 % */
    cr_assert_float_eq(s->services[0].cpu_pct, 140, 1e-9);
    cr_assert_float_eq(s->services[0].mem_pct, 50, 1e-9);
    snapshot_free(s);
}

/* Found by fuzz/kube.c: a "9P" request (9e18 millicores) times the pods overflowed an
 * int64 (undefined; UBSan in make asan). */
Test(kubeparse, an_absurd_request_does_not_overflow)
{
    struct snapshot *s = snapshot_new();
    char err[256] = "";
    cr_assert_eq(parse(DEPLOY("9P"), s, err), 0, "%s", err);
    cr_assert_eq(s->n_services, 1);
    cr_assert_float_eq(s->services[0].cpu_pct, 0, 1e-9);
    snapshot_free(s);
}

Test(kubeparse, a_status_answer_is_worded_with_its_message_sanitised)
{
    const char *body = "{\"kind\":\"Status\",\"message\":\"deployments is forbidden:\\u001b[2J\"}";
    char err[256];
    kube_parse_error("GET", "/apis/apps/v1/namespaces/x/deployments", 403, body, strlen(body), err,
                     sizeof err);
    cr_assert_str_eq(err, "kube: GET /apis/apps/v1/namespaces/x/deployments: 403 Forbidden: "
                          "deployments is forbidden:?[2J");
}

/* ---- memory as the HPA reads it: % of the request, over the pods it counts ---- */

/* The runbook's api: request 1Gi, limit 2Gi, 500m cpu. */
#define API_DEPLOY                                                                                 \
    "{\"items\":[{\"metadata\":{\"name\":\"api\"},"                                                \
    "\"spec\":{\"replicas\":4,\"selector\":{\"matchLabels\":{\"app\":\"api\"}},"                   \
    "\"template\":{\"spec\":{\"containers\":[{\"resources\":{"                                     \
    "\"requests\":{\"cpu\":\"500m\",\"memory\":\"1Gi\"},\"limits\":{\"memory\":\"2Gi\"}}}]}}},"    \
    "\"status\":{\"readyReplicas\":2}}]}"
#define APOD(n, phase, ready)                                                                      \
    "{\"metadata\":{\"name\":\"api-" n "\",\"labels\":{\"app\":\"api\"}},"                         \
    "\"status\":{\"phase\":\"" phase "\",\"startTime\":\"2020-01-01T00:00:00Z\","                  \
    "\"conditions\":[{\"type\":\"Ready\",\"status\":\"" ready "\"}]}}"
#define AMETRIC(n, cpu, mem)                                                                       \
    "{\"metadata\":{\"name\":\"api-" n "\",\"labels\":{\"app\":\"api\"}},"                         \
    "\"containers\":[{\"usage\":{\"cpu\":\"" cpu "\",\"memory\":\"" mem "\"}}]}"

static int parse4(const char *const body[KUBE_LISTS], const long st[KUBE_LISTS], struct snapshot *s,
                  char *err)
{
    size_t len[KUBE_LISTS];
    for (size_t i = 0; i < KUBE_LISTS; i++)
        len[i] = body[i] ? strlen(body[i]) : 0;
    return kube_parse_lists(st, body, len, s, err, 256);
}

/* Pods of a 1Gi request, 2Gi limit: two ready (1280Mi, 1408Mi), one running but not ready
 * (1152Mi), one pending. A running pod that is not ready counts for memory (the HPA's
 * readiness rules are cpu's only), not for cpu; a pending pod counts for neither. */
Test(kubeparse, memory_is_the_hpa_percent_of_requests_over_the_pods_it_counts)
{
    const long st[KUBE_LISTS] = {200, 200, 200, 200};
    const char *pods =
        "{\"items\":[" APOD("a", "Running", "True") "," APOD("b", "Running", "True") "," APOD(
            "c", "Running", "False") "," APOD("d", "Pending", "False") "]}";
    const char *metrics = "{\"items\":[" AMETRIC("a", "400m", "1280Mi") "," AMETRIC(
        "b", "600m", "1408Mi") "," AMETRIC("c", "100m", "1152Mi") "," AMETRIC("d", "900m",
                                                                              "4Gi") "]}";
    const char *body[KUBE_LISTS] = {API_DEPLOY, "{\"items\":[]}", pods, metrics};
    struct snapshot *s = snapshot_new();
    char err[256] = "";
    cr_assert_eq(parse4(body, st, s, err), 0, "%s", err);
    const struct service *svc = &s->services[0];
    /* cpu: ready pods a and b only, (400m + 600m) / (2 x 500m) = 100 % */
    cr_assert_float_eq(svc->cpu_pct, 100, 1e-9);
    /* memory: a, b and c, (1280 + 1408 + 1152) Mi / (3 x 1Gi) = 125 % */
    cr_assert_float_eq(svc->mem_req_pct, 125, 1e-9);
    /* the limit-based figure stays for the runbook's alert, over every pod with metrics:
     * (1280 + 1408 + 1152 + 4096) Mi / (4 x 2Gi) = 96.9 % */
    cr_assert_float_eq(svc->mem_pct, 7936.0 * 100 / 8192, 1e-9);
    snapshot_free(s);
}

#define HPA(status)                                                                                \
    "{\"items\":[{\"metadata\":{\"name\":\"api-hpa\"},\"spec\":{\"scaleTargetRef\":{"              \
    "\"kind\":\"Deployment\",\"name\":\"api\"},\"minReplicas\":3,\"maxReplicas\":20,"              \
    "\"metrics\":[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":{"              \
    "\"type\":\"Utilization\",\"averageUtilization\":70}}},{\"type\":\"Resource\",\"resource\":{"  \
    "\"name\":\"memory\",\"target\":{\"type\":\"Utilization\",\"averageUtilization\":80}}}]},"     \
    "\"status\":" status "}]}"

static const char *const two_pods =
    "{\"items\":[" APOD("a", "Running", "True") "," APOD("b", "Running", "True") "]}";
static const char *const two_metrics =
    "{\"items\":[" AMETRIC("a", "400m", "1258291Ki") "," AMETRIC("b", "600m", "1468006Ki") "]}";

Test(kubeparse, an_hpa_reports_its_own_current_metrics_and_targets)
{
    const long st[KUBE_LISTS] = {200, 200, 200, 200};
    const char *body[KUBE_LISTS] = {
        API_DEPLOY,
        HPA("{\"desiredReplicas\":7,\"currentMetrics\":[{\"type\":\"Resource\",\"resource\":{"
            "\"name\":\"cpu\",\"current\":{\"averageUtilization\":100}}},{\"type\":\"Resource\","
            "\"resource\":{\"name\":\"memory\",\"current\":{\"averageUtilization\":130}}}]}"),
        two_pods, two_metrics};
    struct snapshot *s = snapshot_new();
    char err[256] = "";
    cr_assert_eq(parse4(body, st, s, err), 0, "%s", err);
    const struct autoscaler *a = &s->services[0].autoscaler;
    cr_assert(a->present && a->desired_known);
    cr_assert_eq(a->desired, 7);
    cr_assert_float_eq(a->cpu_current, 100, 1e-9);
    cr_assert_float_eq(a->mem_current, 130, 1e-9);
    cr_assert_float_eq(a->cpu_target, 70, 1e-9);
    cr_assert_float_eq(a->mem_target, 80, 1e-9);
    cr_assert_null(a->inactive, "none: nothing held");
    snapshot_free(s);
}

/* What a real HPA writes when it cannot read its metrics: desiredReplicas 0, no
 * currentMetrics, ScalingActive=False. 0 is no count. */
Test(kubeparse, an_hpa_that_cannot_compute_has_no_desired_count)
{
    const long st[KUBE_LISTS] = {200, 200, 200, 200};
    const char *body[KUBE_LISTS] = {
        API_DEPLOY,
        HPA("{\"currentReplicas\":4,\"desiredReplicas\":0,\"conditions\":[{\"type\":"
            "\"AbleToScale\",\"status\":\"True\",\"reason\":\"SucceededGetScale\"},{\"type\":"
            "\"ScalingActive\",\"status\":\"False\",\"reason\":\"FailedGetResourceMetric\"}]}"),
        two_pods, two_metrics};
    struct snapshot *s = snapshot_new();
    char err[256] = "";
    cr_assert_eq(parse4(body, st, s, err), 0, "%s", err);
    const struct autoscaler *a = &s->services[0].autoscaler;
    cr_assert(a->present);
    cr_assert(!a->desired_known, "desiredReplicas 0 of an HPA that cannot compute is no count");
    cr_assert_str_eq(model_text(a->inactive), "ScalingActive=False: FailedGetResourceMetric");
    cr_assert(isnan(a->cpu_current) && isnan(a->mem_current));
    snapshot_free(s);
}

/* What the API server holds for an HPA the controller has not reached yet (desiredReplicas
 * is not optional, so it reads 0): no count, and the panel says why. */
Test(kubeparse, an_hpa_the_controller_has_not_reached_has_no_desired_count)
{
    const long st[KUBE_LISTS] = {200, 200, 200, 200};
    const char *body[KUBE_LISTS] = {API_DEPLOY, HPA("{\"desiredReplicas\":0}"), two_pods,
                                    two_metrics};
    struct snapshot *s = snapshot_new();
    char err[256] = "";
    cr_assert_eq(parse4(body, st, s, err), 0, "%s", err);
    const struct autoscaler *a = &s->services[0].autoscaler;
    cr_assert(a->present);
    cr_assert(!a->desired_known, "a 0 nobody computed is no count");
    cr_assert_str_eq(model_text(a->inactive), "no status from the HPA controller yet");
    snapshot_free(s);
}

/* A 403 on metrics.k8s.io is RBAC; a 404 is no metrics-server: each says which. */
Test(kubeparse, metrics_forbidden_and_not_served_are_told_apart)
{
    const char *forbidden = "{\"kind\":\"Status\",\"code\":403,\"message\":\"forbidden\"}";
    const char *body[KUBE_LISTS] = {API_DEPLOY, "{\"items\":[]}", two_pods, forbidden};
    const long st403[KUBE_LISTS] = {200, 200, 200, 403};
    const long st404[KUBE_LISTS] = {200, 200, 200, 404};
    struct snapshot *s = snapshot_new();
    char err[256] = "";
    cr_assert_eq(parse4(body, st403, s, err), 0, "%s", err);
    cr_assert_str_eq(s->notice, "no permission to read metrics.k8s.io");
    cr_assert(isnan(s->services[0].cpu_pct) && isnan(s->services[0].mem_req_pct));
    cr_assert(s->n_readings > 0);
    cr_assert_str_eq(s->readings[0].note, "no permission to read metrics.k8s.io");
    snapshot_free(s);
    s = snapshot_new();
    cr_assert_eq(parse4(body, st404, s, err), 0, "%s", err);
    cr_assert_str_eq(s->notice, "metrics.k8s.io not served");
    cr_assert_str_eq(s->readings[0].note, "metrics.k8s.io not served");
    snapshot_free(s);
}

/* The HPA's cpu readiness rules (groupPods): a pod started long ago that was ready and is
 * now not still counts (it has been ready), one that has never been ready since it
 * started does not, and inside the 300 s initialisation period a metric whose window
 * began before readiness changed is left out. The parse's clock is 1e9 (2001-09-09). */
#define RPOD(n, start, ready, changed)                                                             \
    "{\"metadata\":{\"name\":\"api-" n "\",\"labels\":{\"app\":\"api\"}},"                         \
    "\"status\":{\"phase\":\"Running\",\"startTime\":\"" start "\",\"conditions\":[{"              \
    "\"type\":\"Ready\",\"status\":\"" ready "\",\"lastTransitionTime\":\"" changed "\"}]}}"
#define TMETRIC(n, cpu, ts)                                                                        \
    "{\"metadata\":{\"name\":\"api-" n "\",\"labels\":{\"app\":\"api\"}},\"timestamp\":\"" ts      \
    "\",\"window\":\"30s\",\"containers\":[{\"usage\":{\"cpu\":\"" cpu "\",\"memory\":\"1Gi\"}}]}"

static double cpu_of(const char *pods, const char *metrics)
{
    const long st[KUBE_LISTS] = {200, 200, 200, 200};
    const char *body[KUBE_LISTS] = {API_DEPLOY, "{\"items\":[]}", pods, metrics};
    struct snapshot *s = snapshot_new();
    char err[256] = "";
    cr_assert_eq(parse4(body, st, s, err), 0, "%s", err);
    double pct = s->services[0].cpu_pct;
    snapshot_free(s);
    return pct;
}

Test(kubeparse, cpu_readiness_follows_the_hpas_rules)
{
    /* a: ready; b: started an hour before, ready then, unready since: counted */
    double both = cpu_of(
        "{\"items\":[" RPOD("a", "2001-09-09T00:00:00Z", "True", "2001-09-09T00:01:00Z") "," RPOD(
            "b", "2001-09-09T00:00:00Z", "False", "2001-09-09T01:00:00Z") "]}",
        "{\"items\":[" TMETRIC("a", "200m", "2001-09-09T01:46:00Z") "," TMETRIC(
            "b", "800m", "2001-09-09T01:46:00Z") "]}");
    cr_assert_float_eq(both, 100, 1e-9, "(200m + 800m) / (2 x 500m)");
    /* b never ready: its unready status changed within 30 s of its start */
    double only_a = cpu_of(
        "{\"items\":[" RPOD("a", "2001-09-09T00:00:00Z", "True", "2001-09-09T00:01:00Z") "," RPOD(
            "b", "2001-09-09T00:00:00Z", "False", "2001-09-09T00:00:10Z") "]}",
        "{\"items\":[" TMETRIC("a", "200m", "2001-09-09T01:46:00Z") "," TMETRIC(
            "b", "800m", "2001-09-09T01:46:00Z") "]}");
    cr_assert_float_eq(only_a, 40, 1e-9, "200m / 500m");
    /* b started 100 s ago, ready 10 s ago: its metric's 30 s window began before that */
    only_a = cpu_of(
        "{\"items\":[" RPOD("a", "2001-09-09T00:00:00Z", "True", "2001-09-09T00:01:00Z") "," RPOD(
            "b", "2001-09-09T01:45:00Z", "True", "2001-09-09T01:46:30Z") "]}",
        "{\"items\":[" TMETRIC("a", "200m", "2001-09-09T01:46:35Z") "," TMETRIC(
            "b", "800m", "2001-09-09T01:46:35Z") "]}");
    cr_assert_float_eq(only_a, 40, 1e-9, "inside the initialisation period");
}

/* Metrics only from pods the HPA does not count for cpu: no figure, and the reading says
 * why (not "no pod metrics", which would send the operator to metrics-server). */
Test(kubeparse, cpu_of_no_ready_pod_is_unknown_and_says_why)
{
    const long st[KUBE_LISTS] = {200, 200, 200, 200};
    const char *body[KUBE_LISTS] = {API_DEPLOY, "{\"items\":[]}",
                                    "{\"items\":[" APOD("a", "Running", "False") "]}",
                                    "{\"items\":[" AMETRIC("a", "400m", "1Gi") "]}"};
    struct snapshot *s = snapshot_new();
    char err[256] = "";
    cr_assert_eq(parse4(body, st, s, err), 0, "%s", err);
    cr_assert(isnan(s->services[0].cpu_pct));
    cr_assert_float_eq(s->services[0].mem_req_pct, 100, 1e-9, "memory still counts it");
    cr_assert_str_eq(s->readings[0].metric, "cpu");
    cr_assert_str_eq(s->readings[0].note, "no ready pod with metrics");
    snapshot_free(s);
}

/* Two deployments whose selectors overlap (api's app=api also matches the canary's
 * pods), as a canary beside its service has them: the pods' owner ReplicaSet
 * "<deployment>-<pod-template-hash>" says whose each is. */
#define JDEP(name, sel)                                                                            \
    "{\"metadata\":{\"name\":\"" name "\"},\"spec\":{\"replicas\":1,\"selector\":{"                \
    "\"matchLabels\":{" sel "}},\"template\":{\"spec\":{\"containers\":[{\"resources\":{"          \
    "\"requests\":{\"cpu\":\"100m\"}}}]}}},\"status\":{\"readyReplicas\":1}}"
#define JPOD(name, labels, owner)                                                                  \
    "{\"metadata\":{\"name\":\"" name "\",\"labels\":{" labels "}" owner "},"                      \
    "\"status\":{\"phase\":\"Running\",\"startTime\":\"2000-01-01T00:00:00Z\","                    \
    "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}"
#define JOWNER(rs) ",\"ownerReferences\":[{\"kind\":\"ReplicaSet\",\"name\":\"" rs "\"}]"
#define JMETRIC(name, cpu)                                                                         \
    "{\"metadata\":{\"name\":\"" name "\",\"labels\":{\"app\":\"api\"}},"                          \
    "\"containers\":[{\"usage\":{\"cpu\":\"" cpu "\",\"memory\":\"1Mi\"}}]}"

static const struct service *named(const struct snapshot *s, const char *name)
{
    for (size_t i = 0; i < s->n_services; i++)
        if (strcmp(s->services[i].name, name) == 0)
            return &s->services[i];
    return NULL;
}

static bool has_pod(const struct service *svc, const char *pod)
{
    for (size_t i = 0; i < svc->n_pods; i++)
        if (strcmp(svc->pods[i].name, pod) == 0)
            return true;
    return false;
}

static int parse_owned(struct snapshot *s, char *err)
{
    const long st[KUBE_LISTS] = {200, 200, 200, 200};
    const char *body[KUBE_LISTS] = {
        "{\"items\":[" JDEP("api", "\"app\":\"api\"") "," JDEP(
            "api-canary", "\"app\":\"api\",\"track\":\"canary\"") "]}",
        "{\"items\":[{\"metadata\":{\"name\":\"canary-hpa\"},\"spec\":{\"scaleTargetRef\":{"
        "\"kind\":\"Deployment\",\"name\":\"api-canary\"},\"minReplicas\":1,\"maxReplicas\":3},"
        "\"status\":{\"desiredReplicas\":1}}]}",
        "{\"items\":[" JPOD("api-7d4-a", "\"app\":\"api\",\"pod-template-hash\":\"7d4\"",
                            JOWNER("api-7d4")) ","
        /* api's selector matches it, but the canary's ReplicaSet owns it */
        JPOD("api-canary-5f6-b",
             "\"app\":\"api\",\"track\":\"canary\",\"pod-template-hash\":\"5f6\"",
             JOWNER("api-canary-5f6")) ","
        /* no owner (a bare pod): the selector scan still places it */
        JPOD("api-bare", "\"app\":\"api\"", "") ","
        /* another deployment's, not listed here: nobody's, nor are its metrics */
        JPOD("other-9z-c", "\"app\":\"api\",\"pod-template-hash\":\"9z\"", JOWNER("other-9z")) "]}",
        "{\"items\":[" JMETRIC("api-7d4-a", "20m") "," JMETRIC("api-bare", "10m") "," JMETRIC(
            "api-canary-5f6-b", "50m") "," JMETRIC("other-9z-c", "70m") "]}"};
    return parse4(body, st, s, err);
}

Test(kubeparse, pods_join_their_deployment_through_the_owner_replicaset)
{
    struct snapshot *s = snapshot_new();
    char err[256] = "";
    cr_assert_eq(parse_owned(s, err), 0, "%s", err);
    const struct service *api = named(s, "api"), *canary = named(s, "api-canary");
    cr_assert(api != NULL && canary != NULL);
    cr_assert_eq(canary->n_pods, 1);
    cr_assert(has_pod(canary, "api-canary-5f6-b"));
    cr_assert(!has_pod(api, "api-canary-5f6-b"), "the canary's pod is not counted for api");
    cr_assert(!has_pod(api, "other-9z-c"), "an unlisted deployment's pod is nobody's");
    cr_assert_eq(api->n_pods, 2);
    /* metrics follow their pod: 20m + 10m for api, 50m for the canary, 70m for nobody */
    cr_assert_float_eq(api->cpu_cores, 0.030, 1e-9);
    cr_assert_float_eq(canary->cpu_cores, 0.050, 1e-9);
    cr_assert(canary->autoscaler.present, "the HPA found its deployment by name");
    cr_assert(!api->autoscaler.present);
    snapshot_free(s);
}

Test(kubeparse, a_pod_without_an_owner_is_placed_by_the_selector)
{
    struct snapshot *s = snapshot_new();
    char err[256] = "";
    cr_assert_eq(parse_owned(s, err), 0, "%s", err);
    const struct service *api = named(s, "api");
    cr_assert(api != NULL);
    cr_assert(has_pod(api, "api-bare"));
    cr_assert(has_pod(api, "api-7d4-a"));
    snapshot_free(s);
}

#define POD_REQ(n, cpu)                                                                            \
    "{\"metadata\":{\"name\":\"api-" n "\",\"labels\":{\"app\":\"api\"}},"                         \
    "\"spec\":{\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"" cpu "\"}}}]},"            \
    "\"status\":{\"phase\":\"Running\",\"startTime\":\"2000-01-01T00:00:00Z\","                    \
    "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}"

/* Mid-rollout a pod of the older template keeps its own request: the HPA
 * divides by the requests of the pods it counts (GetResourceUtilizationRatio),
 * not the new template's. */
Test(kubeparse, utilisation_divides_by_each_pods_own_request)
{
    const long status[KUBE_LISTS] = {200, 200, 200, 200};
    const char *body[KUBE_LISTS] = {
        DEPLOY("500m"), "{\"items\":[]}",
        "{\"items\":[" POD_REQ("a", "1") "," POD_REQ("b", "500m") "]}",
        "{\"items\":[" METRIC("a", "900m") "," METRIC("b", "500m") "]}"};
    size_t len[KUBE_LISTS];
    for (size_t i = 0; i < KUBE_LISTS; i++)
        len[i] = body[i] ? strlen(body[i]) : 0;
    struct snapshot *s = snapshot_new();
    char err[256] = "";
    cr_assert_eq(kube_parse_lists(status, body, len, s, err, sizeof err), 0, "%s", err);
    cr_assert_eq(s->n_services, 1);
    /* (900m + 500m) / (1000m + 500m) = 93 %, where the template's 2 x 500m would
     * say 140 */
    cr_assert_float_eq(s->services[0].cpu_pct, 93, 1e-9);
    snapshot_free(s);
}

Test(kubeparse, a_counted_pod_without_a_request_leaves_utilisation_unknown)
{
    const long status[KUBE_LISTS] = {200, 200, 200, 200};
    const char *body[KUBE_LISTS] = {
        DEPLOY("500m"), "{\"items\":[]}",
        "{\"items\":[" POD_REQ("a", "") "," POD_REQ("b", "500m") "]}",
        "{\"items\":[" METRIC("a", "900m") "," METRIC("b", "500m") "]}"};
    size_t len[KUBE_LISTS];
    for (size_t i = 0; i < KUBE_LISTS; i++)
        len[i] = body[i] ? strlen(body[i]) : 0;
    struct snapshot *s = snapshot_new();
    char err[256] = "";
    cr_assert_eq(kube_parse_lists(status, body, len, s, err, sizeof err), 0, "%s", err);
    cr_assert(isnan(s->services[0].cpu_pct), "the HPA cannot compute it either: %f",
              s->services[0].cpu_pct);
    snapshot_free(s);
}
