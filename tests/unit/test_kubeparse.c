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
    "\"status\":{\"phase\":\"Running\"}}"
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
        len[i] = strlen(body[i]);
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
