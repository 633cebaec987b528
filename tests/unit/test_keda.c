/* test_keda.c - KEDA as forgetop reads and judges it: ScaledObjects decoded from a list
 * answer and linked to their generated HPA, External/Object metrics, KEDA's arithmetic
 * with the object's own parameters, the patches, the actuator's judgement and the audit. */

#include <cJSON.h>
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forgetop/actuator.h"
#include "forgetop/audit.h"
#include "forgetop/keda.h"
#include "forgetop/kubeparse.h"
#include "forgetop/recommend.h"

#define DEPLOY                                                                                     \
    "{\"items\":[{\"metadata\":{\"name\":\"agent-worker\"},\"spec\":{\"replicas\":4,"              \
    "\"selector\":{\"matchLabels\":{\"app\":\"agent-worker\"}}},\"status\":{\"readyReplicas\":4}}" \
    "]}"
#define HPA(metrics, current)                                                                      \
    "{\"items\":[{\"metadata\":{\"name\":\"keda-hpa-agent-worker-scaler\"},\"spec\":{"             \
    "\"scaleTargetRef\":{\"kind\":\"Deployment\",\"name\":\"agent-worker\"},\"minReplicas\":1,"    \
    "\"maxReplicas\":100,\"metrics\":[" metrics "]},\"status\":{\"desiredReplicas\":34,"           \
    "\"currentMetrics\":[" current "]}}]}"
#define EXT_AVG                                                                                    \
    "{\"type\":\"External\",\"external\":{\"metric\":{\"name\":\"s0-redis-agent-tasks-pending\"}," \
    "\"target\":{\"type\":\"AverageValue\",\"averageValue\":\"10\"}}}"
#define EXT_AVG_NOW                                                                                \
    "{\"type\":\"External\",\"external\":{\"metric\":{\"name\":\"s0-redis-agent-tasks-pending\"}," \
    "\"current\":{\"averageValue\":\"85\"}}}"
#define SO(annotations, spec)                                                                      \
    "{\"items\":[{\"metadata\":{\"name\":\"agent-worker-scaler\"" annotations "},\"spec\":{"       \
    "\"scaleTargetRef\":{\"name\":\"agent-worker\"}" spec "},\"status\":{"                         \
    "\"hpaName\":\"keda-hpa-agent-worker-scaler\",\"conditions\":[{\"type\":\"Ready\","            \
    "\"status\":\"True\"},{\"type\":\"Active\",\"status\":\"True\"},{\"type\":\"Paused\","         \
    "\"status\":\"False\"}]}}]}"
#define REDIS_TRIGGER                                                                              \
    ",\"triggers\":[{\"type\":\"redis\",\"metadata\":{\"listName\":\"agent:tasks:pending\","       \
    "\"listLength\":\"10\",\"activationListLength\":\"2\"}},{\"type\":\"cpu\",\"metricType\":"     \
    "\"Utilization\",\"metadata\":{\"value\":\"70\"}}]"

static int parse(const char *hpa, long so_status, const char *so, struct snapshot *s, char *err)
{
    long st[KUBE_LISTS] = {200, 200, 200, 200, so_status};
    const char *body[KUBE_LISTS] = {DEPLOY, hpa, "{\"items\":[]}", "{\"items\":[]}", so};
    size_t len[KUBE_LISTS];
    for (size_t i = 0; i < KUBE_LISTS; i++)
        len[i] = body[i] ? strlen(body[i]) : 0;
    return kube_parse_lists(st, body, len, s, err, 256);
}

Test(keda, a_scaledobject_owns_its_deployment_and_its_hpa_is_keda_s)
{
    struct snapshot *s = snapshot_new();
    char err[256] = "";
    const char *so = SO("", ",\"minReplicaCount\":1,\"maxReplicaCount\":100" REDIS_TRIGGER);
    cr_assert_eq(parse(HPA(EXT_AVG, EXT_AVG_NOW), 200, so, s, err), 0, "%s", err);
    cr_assert_eq(s->n_services, 1);
    const struct autoscaler *a = &s->services[0].autoscaler;
    cr_assert(a->present);
    cr_assert_str_eq(a->kind, "KEDA");
    cr_assert_str_eq(a->name, "agent-worker-scaler");
    cr_assert_str_eq(autoscaler_keda(a)->hpa, "keda-hpa-agent-worker-scaler");
    cr_assert_eq(a->min, 1);
    cr_assert_eq(a->max, 100);
    cr_assert_eq(s->services[0].max, 100);
    cr_assert_eq(a->desired, 34, "the generated HPA's count stays KEDA's");
    cr_assert(a->desired_known);
    cr_assert_str_eq(autoscaler_keda(a)->trigger, "redis");
    cr_assert_str_eq(autoscaler_keda(a)->what, "agent:tasks:pending");
    cr_assert_str_eq(autoscaler_keda(a)->param, "listLength");
    cr_assert_float_eq(autoscaler_keda(a)->target, 10, 1e-9);
    cr_assert_float_eq(autoscaler_keda(a)->activation, 2, 1e-9);
    cr_assert_str_eq(autoscaler_keda(a)->activation_param, "activationListLength");
    cr_assert_str_eq(autoscaler_keda(a)->metric_type, "AverageValue");
    cr_assert_eq(autoscaler_keda(a)->n_triggers, 2);
    cr_assert_str_eq(autoscaler_keda(a)->triggers,
                     "redis agent:tasks:pending listLength 10; cpu value 70");
    cr_assert_str_eq(autoscaler_keda(a)->ready, "True");
    cr_assert_str_eq(autoscaler_keda(a)->active, "True");
    cr_assert_str_eq(autoscaler_keda(a)->paused, "False");
    cr_assert_str_eq(autoscaler_keda(a)->fallback, "");
    cr_assert(!autoscaler_keda(a)->held);
    cr_assert_str_eq(a->ext_kind, "External");
    cr_assert_str_eq(a->ext_type, "AverageValue");
    cr_assert_str_eq(a->ext_metric, "s0-redis-agent-tasks-pending");
    cr_assert_float_eq(a->ext_target, 10, 1e-9);
    cr_assert_float_eq(a->ext_current, 85, 1e-9);
    snapshot_free(s);
}

Test(keda, keda_defaults_fill_what_the_object_leaves_out_and_the_pause_is_read)
{
    struct snapshot *s = snapshot_new();
    char err[256] = "";
    const char *so = SO(",\"annotations\":{\"autoscaling.keda.sh/paused-replicas\":\"3\"}",
                        ",\"triggers\":[{\"type\":\"redis\",\"metadata\":{\"listName\":\"q\"}}]");
    /* no HPA at all (KEDA removes it while paused): no count is known */
    cr_assert_eq(parse("{\"items\":[]}", 200, so, s, err), 0, "%s", err);
    const struct autoscaler *a = &s->services[0].autoscaler;
    cr_assert_str_eq(a->kind, "KEDA");
    cr_assert_eq(a->min, 0, "minReplicaCount defaults to 0");
    cr_assert_eq(a->max, 100, "maxReplicaCount defaults to 100");
    cr_assert_float_eq(autoscaler_keda(a)->target, 5, 1e-9, "listLength defaults to 5");
    cr_assert_float_eq(autoscaler_keda(a)->activation, 0, 1e-9);
    cr_assert_float_eq(autoscaler_keda(a)->cooldown_s, 300, 1e-9);
    cr_assert(autoscaler_keda(a)->held);
    cr_assert_eq(autoscaler_keda(a)->paused_at, 3);
    cr_assert(!a->desired_known);
    snapshot_free(s);
}

Test(keda, a_missing_crd_is_silent_and_a_refusal_is_a_note)
{
    struct snapshot *s = snapshot_new();
    char err[256] = "";
    cr_assert_eq(parse("{\"items\":[]}", 404, NULL, s, err), 0, "%s", err);
    cr_assert_str_eq(s->notice, "", "no KEDA installed is nothing to report");
    cr_assert(!s->services[0].autoscaler.present);
    snapshot_free(s);
    s = snapshot_new();
    cr_assert_eq(parse("{\"items\":[]}", 403, "{\"kind\":\"Status\"}", s, err), 0, "%s", err);
    cr_assert_str_eq(s->notice, "ScaledObjects unreadable (403)");
    snapshot_free(s);
    s = snapshot_new();
    /* a caller that gives no answer for the list (an older harness): as absent */
    long st[KUBE_LISTS] = {200, 200, 200, 200};
    const char *body[KUBE_LISTS] = {DEPLOY, "{\"items\":[]}", "{\"items\":[]}", "{\"items\":[]}"};
    size_t len[KUBE_LISTS] = {strlen(DEPLOY), 12, 12, 12, 0};
    cr_assert_eq(kube_parse_lists(st, body, len, s, err, 256), 0, "%s", err);
    cr_assert_str_eq(s->notice, "");
    snapshot_free(s);
}

Test(keda, a_scaledobject_of_a_statefulset_or_an_unknown_deployment_claims_nothing)
{
    struct snapshot *s = snapshot_new();
    char err[256] = "";
    const char *so = "{\"items\":[{\"metadata\":{\"name\":\"x\"},\"spec\":{\"scaleTargetRef\":{"
                     "\"kind\":\"StatefulSet\",\"name\":\"agent-worker\"}}},{\"metadata\":{"
                     "\"name\":\"y\"},\"spec\":{\"scaleTargetRef\":{\"name\":\"nobody\"}}}]}";
    cr_assert_eq(parse("{\"items\":[]}", 200, so, s, err), 0, "%s", err);
    cr_assert(!s->services[0].autoscaler.present);
    snapshot_free(s);
}

/* An HPA (KEDA's or not) with a Value External target and an Object metric. */
Test(keda, external_value_and_object_average_targets_are_decoded)
{
    struct autoscaler a;
    memset(&a, 0, sizeof a);
    a.ext_current = a.ext_target = NAN;
    cJSON *spec = cJSON_Parse("{\"metrics\":[{\"type\":\"Resource\",\"resource\":{\"name\":"
                              "\"cpu\"}},{\"type\":\"External\",\"external\":{\"metric\":{"
                              "\"name\":\"redis_queue_length\"},\"target\":{\"type\":\"Value\","
                              "\"value\":\"100\"}}}]}");
    cJSON *st = cJSON_Parse("{\"currentMetrics\":[{\"type\":\"External\",\"external\":{"
                            "\"metric\":{\"name\":\"redis_queue_length\"},\"current\":{\"value\":"
                            "\"1500m\"}}}]}");
    keda_hpa_metrics(&a, spec, st);
    cr_assert_str_eq(a.ext_kind, "External");
    cr_assert_str_eq(a.ext_type, "Value");
    cr_assert_float_eq(a.ext_target, 100, 1e-9);
    cr_assert_float_eq(a.ext_current, 1.5, 1e-9);
    cJSON_Delete(spec);
    cJSON_Delete(st);
    memset(&a, 0, sizeof a);
    a.ext_current = a.ext_target = NAN;
    spec = cJSON_Parse("{\"metrics\":[{\"type\":\"Object\",\"object\":{\"metric\":{\"name\":"
                       "\"requests\"},\"target\":{\"type\":\"AverageValue\",\"averageValue\":"
                       "\"2k\"}}}]}");
    st = cJSON_Parse("{}");
    keda_hpa_metrics(&a, spec, st);
    cr_assert_str_eq(a.ext_kind, "Object");
    cr_assert_str_eq(a.ext_type, "AverageValue");
    cr_assert_float_eq(a.ext_target, 2000, 1e-9);
    cr_assert(isnan(a.ext_current), "no current metric reported: no data, not 0");
    cJSON_Delete(spec);
    cJSON_Delete(st);
}

static struct keda_scaler runbook_scaler(void)
{
    struct keda_scaler k;
    memset(&k, 0, sizeof k);
    strcpy(k.object, "agent-worker-scaler");
    strcpy(k.trigger, "redis");
    strcpy(k.param, "listLength");
    strcpy(k.activation_param, "activationListLength");
    strcpy(k.metric_type, "AverageValue");
    k.target = 10;
    k.min = 1;
    k.max = 100;
    k.cooldown_s = 300;
    return k;
}

Test(keda, the_recommendation_is_keda_s_arithmetic_in_its_own_words)
{
    struct keda_scaler k = runbook_scaler();
    struct hpa_state st;
    struct recommendation r;
    hpa_state_init(&st);
    struct keda_input in = {
        .current = 30, .ready = 30, .total = 340, .cpu_pct = NAN, .memory_pct = NAN};
    cr_assert_eq(recommend_keda(&k, &in, &st, 1000, &r), 0, "%s", r.reason);
    cr_assert_eq(r.replicas, 34, "%s", r.reason);
    cr_assert(strstr(r.reason, "ceil(queue 340 / listLength 10) = 34, within 1..100") != NULL, "%s",
              r.reason);
    /* the bounds are the object's: 2000 tasks want 200, KEDA's max is 100 */
    hpa_state_init(&st);
    in.current = in.ready = 90;
    in.total = 2000;
    cr_assert_eq(recommend_keda(&k, &in, &st, 1000, &r), 0);
    cr_assert_eq(r.replicas, 100, "%s", r.reason);
}

Test(keda, activation_and_the_scale_to_zero_are_keda_s)
{
    struct keda_scaler k = runbook_scaler();
    struct hpa_state st;
    struct recommendation r;
    k.min = 0;
    k.activation = 5;
    hpa_state_init(&st);
    struct keda_input in = {
        .current = 0, .ready = 0, .total = 6, .cpu_pct = NAN, .memory_pct = NAN};
    cr_assert_eq(recommend_keda(&k, &in, &st, 1000, &r), 0);
    cr_assert_eq(r.replicas, 1, "%s", r.reason);
    cr_assert(strstr(r.reason, "queue 6 > activationListLength 5: KEDA activates 0 -> 1") != NULL,
              "%s", r.reason);
    in.current = in.ready = 1;
    in.total = 5; /* not above activation: inactive, then the cooldown runs */
    cr_assert_eq(recommend_keda(&k, &in, &st, 1000, &r), 0);
    cr_assert_eq(r.replicas, 1, "%s", r.reason);
    cr_assert_eq(recommend_keda(&k, &in, &st, 1301, &r), 0);
    cr_assert_eq(r.replicas, 0, "after cooldownPeriod 300 s: %s", r.reason);
}

Test(keda, a_paused_object_holds_its_count_and_an_unknown_metric_gives_none)
{
    struct keda_scaler k = runbook_scaler();
    struct hpa_state st;
    struct recommendation r;
    hpa_state_init(&st);
    k.held = true;
    k.paused_at = 7;
    struct keda_input in = {
        .current = 30, .ready = 30, .total = 900, .cpu_pct = NAN, .memory_pct = NAN};
    cr_assert_eq(recommend_keda(&k, &in, &st, 1000, &r), 0);
    cr_assert_eq(r.replicas, 7);
    cr_assert(strstr(r.reason, "paused at 7") != NULL, "%s", r.reason);
    k.held = false;
    in.total = NAN;
    cr_assert_eq(recommend_keda(&k, &in, &st, 1000, &r), -1);
    cr_assert_eq(r.replicas, 30, "no reading: the count stays");
}

Test(keda, a_cpu_trigger_is_the_hpa_utilisation_rule_within_keda_s_bounds)
{
    struct keda_scaler k = runbook_scaler();
    struct hpa_state st;
    struct recommendation r;
    hpa_state_init(&st);
    strcpy(k.trigger, "cpu");
    strcpy(k.param, "value");
    strcpy(k.metric_type, "Utilization");
    k.target = 50;
    k.max = 6;
    struct keda_input in = {
        .current = 4, .ready = 4, .total = NAN, .cpu_pct = 100, .memory_pct = NAN};
    cr_assert_eq(recommend_keda(&k, &in, &st, 1000, &r), 0, "%s", r.reason);
    cr_assert_eq(r.replicas, 6, "ceil(4 x 2) = 8, KEDA's max 6: %s", r.reason);
}

Test(keda, the_patches_change_the_scaledobject_with_its_version)
{
    struct scale_request req;
    char body[400];
    memset(&req, 0, sizeof req);
    cr_assert_eq(keda_patch_body(&req, "", body, sizeof body), -1, "not a KEDA request");
    req.keda = true;
    req.set_autoscaler_min = true;
    req.to = 4;
    cr_assert_eq(keda_patch_body(&req, "123", body, sizeof body), 0);
    cr_assert_str_eq(body, "{\"metadata\":{\"resourceVersion\":\"123\"},\"spec\":{"
                           "\"minReplicaCount\":4}}");
    req.set_autoscaler_min = false;
    req.hold = true;
    req.to = 6;
    cr_assert_eq(keda_patch_body(&req, "9", body, sizeof body), 0);
    cr_assert_str_eq(body, "{\"metadata\":{\"resourceVersion\":\"9\",\"annotations\":{"
                           "\"autoscaling.keda.sh/paused-replicas\":\"6\"}}}");
    req.hold = false;
    req.resume = true;
    cr_assert_eq(keda_patch_body(&req, "", body, sizeof body), 0);
    cr_assert_str_eq(
        body, "{\"metadata\":{\"annotations\":{\"autoscaling.keda.sh/paused-replicas\":null}}}");
    cr_assert_eq(keda_patch_body(&req, "a\"b", body, sizeof body), -1, "a quote never goes in");
}

static int submitted;
static int submit(void *ctx, const struct scale_request *req)
{
    (void)ctx;
    (void)req;
    submitted++;
    return 0;
}

/* The service's ScaledObject: a test's own, as a snapshot's would be. */
static struct keda_scaler the_scaler;

static struct service keda_service(void)
{
    struct service s;
    service_init(&s);
    strcpy(s.name, "agent-worker");
    s.desired = 4;
    s.min = 1;
    s.max = 100;
    s.autoscaler.present = true;
    strcpy(s.autoscaler.kind, "KEDA");
    strcpy(s.autoscaler.name, "agent-worker-scaler");
    the_scaler = runbook_scaler();
    s.autoscaler.keda = &the_scaler;
    s.autoscaler.min = 1;
    s.autoscaler.max = 100;
    return s;
}

static struct scale_request keda_request(bool hold, bool resume, int from, int to)
{
    struct scale_request r;
    memset(&r, 0, sizeof r);
    strcpy(r.source, "kube");
    strcpy(r.service, "agent-worker");
    strcpy(r.namespace_, "open-forge");
    strcpy(r.object, "agent-worker-scaler");
    r.keda = true;
    r.hold = hold;
    r.resume = resume;
    r.set_autoscaler_min = !hold && !resume;
    r.from = from;
    r.to = to;
    return r;
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "r");
    static char buf[8192];
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    return buf;
}

Test(keda, the_actuator_judges_keda_s_verbs_and_the_audit_names_the_scaledobject)
{
    char path[] = "/tmp/forgetop-keda-audit-XXXXXX", why[256];
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    close(fd);
    struct actuator a;
    actuator_init(&a, false, path, submit, NULL);
    struct service s = keda_service();
    struct access deny = {PERM_ALLOWED, PERM_ALLOWED, 1, PERM_DENIED};
    struct access allow = {PERM_ALLOWED, PERM_ALLOWED, 1, PERM_ALLOWED};
    struct scale_request m = keda_request(false, false, 1, 5);
    submitted = 0;
    cr_assert_eq(actuator_request(&a, &m, &s, &deny, 10, why, sizeof why), ACT_REFUSED);
    cr_assert_str_eq(why, "RBAC: the cluster denies patch on scaledobjects.keda.sh in open-forge");
    struct scale_request resume = keda_request(false, true, -1, -1);
    actuator_judge(&a, &resume, &s, &allow, why, sizeof why);
    cr_assert_str_eq(why, "agent-worker-scaler is not paused: nothing to resume");
    struct scale_request stale = keda_request(false, false, 3, 5);
    actuator_judge(&a, &stale, &s, &allow, why, sizeof why);
    cr_assert(strstr(why, "minReplicaCount moved to 1") != NULL, "%s", why);
    cr_assert_eq(submitted, 0);
    struct scale_request hold = keda_request(true, false, 4, 4);
    cr_assert_eq(actuator_request(&a, &hold, &s, &allow, 11, why, sizeof why), ACT_SUBMITTED, "%s",
                 why);
    cr_assert_str_eq(why, "pausing agent-worker-scaler at 4");
    cr_assert_eq(actuator_request(&a, &m, &s, &allow, 12, why, sizeof why), ACT_SUBMITTED, "%s",
                 why);
    cr_assert_eq(submitted, 2);
    const char *log = read_all(path);
    cr_assert(strstr(log, "\"object\":\"scaledobject/agent-worker-scaler\"") != NULL, "%s", log);
    cr_assert(strstr(log, "\"field\":\"spec.minReplicaCount\"") != NULL, "%s", log);
    cr_assert(
        strstr(log, "\"field\":\"metadata.annotations.autoscaling.keda.sh/paused-replicas\"") !=
            NULL,
        "%s", log);
    cr_assert(strstr(log, "horizontalpodautoscaler") == NULL, "KEDA's HPA is never the object");
    actuator_init(&a, true, path, submit, NULL);
    cr_assert_eq(actuator_request(&a, &hold, &s, &allow, 13, why, sizeof why), ACT_REFUSED);
    cr_assert_eq(submitted, 2, "read-only sends nothing");
    unlink(path);
}

Test(keda, a_plain_hpa_hold_keeps_the_old_minimum_for_its_restore)
{
    char path[] = "/tmp/forgetop-hold-audit-XXXXXX", err[128];
    int fd = mkstemp(path), prev = -1;
    cr_assert(fd >= 0);
    close(fd);
    struct scale_request r;
    memset(&r, 0, sizeof r);
    strcpy(r.service, "api");
    strcpy(r.object, "api-hpa");
    r.set_autoscaler_min = true;
    r.hold = true;
    r.from = 3;
    r.to = 8;
    cr_assert_eq(audit_held_min(path, "api-hpa", &prev), -1, "an empty log holds nothing");
    cr_assert_eq(audit_write(path, &r, "requested", "", 1, err, sizeof err), 0);
    cr_assert_eq(audit_held_min(path, "api-hpa", &prev), -1, "only an applied hold counts");
    cr_assert_eq(audit_write(path, &r, "applied", "set", 2, err, sizeof err), 0);
    cr_assert_eq(audit_held_min(path, "api-hpa", &prev), 0);
    cr_assert_eq(prev, 3, "the minimum before the hold");
    cr_assert_eq(audit_held_min(path, "other-hpa", &prev), -1);
    cr_assert(strstr(read_all(path), "\"action\":\"hold\"") != NULL);
    r.hold = false;
    r.resume = true;
    r.from = 8;
    r.to = 3;
    cr_assert_eq(audit_write(path, &r, "applied", "restored", 3, err, sizeof err), 0);
    cr_assert_eq(audit_held_min(path, "api-hpa", &prev), -1, "resumed: nothing left to restore");
    unlink(path);
}
