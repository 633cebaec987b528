/* test_report.c - `--once --json` parses back with the documented fields, unknowns are
 * null, and `--check` exits with the Nagios code of the worst band. */

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "forgetop/report.h"

static struct config cfg;
static struct world w;

static void setup(void)
{
    config_defaults(&cfg);
    world_init(&w, &cfg);
}

static void teardown(void)
{
    world_free(&w);
}

TestSuite(report, .init = setup, .fini = teardown);

/* One demo-like source with api at the given cpu. */
static void feed(double cpu, enum source_state state)
{
    size_t i = world_add_source(&w, "demo");
    struct source_status st = {.state = state, .last_ok = 990, .last_try = 1000};
    snprintf(st.name, sizeof(st.name), "demo");
    if (state != SOURCE_OK)
        snprintf(st.error, sizeof(st.error), "demo: refused");
    world_set_status(&w, i, &st);
    struct snapshot *s = snapshot_new();
    s->taken_at = 1000;
    struct service *svc = snapshot_add_service(s);
    snprintf(svc->name, sizeof(svc->name), "api");
    svc->desired = svc->ready = 5;
    svc->cpu_pct = cpu;
    snapshot_add_reading(s, "cpu", "api", 1000, cpu);
    snapshot_add_fact_num(s, "queue", "depth", "queue_depth", UNIT_COUNT, 12, NAN);
    snapshot_add_fact_num(s, "redis", "evictions", "", UNIT_PER_S, NAN, NAN);
    world_apply(&w, i, s, 1000);
    world_evaluate(&w, 1000);
}

Test(report, json_has_the_documented_fields)
{
    feed(92, SOURCE_OK);
    char *doc = report_json(&w, true, 1000);
    cJSON *root = cJSON_Parse(doc);
    cr_assert_not_null(root, "not JSON: %s", doc);
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(root, "read_only")));
    cJSON *src = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "sources"), 0);
    cr_assert_str_eq(cJSON_GetObjectItem(src, "state")->valuestring, "ok");
    cr_assert_float_eq(cJSON_GetObjectItem(src, "age_s")->valuedouble, 10, 1e-9);
    cJSON *svc = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "services"), 0);
    cr_assert_str_eq(cJSON_GetObjectItem(svc, "name")->valuestring, "api");
    cr_assert_eq(cJSON_GetObjectItem(svc, "recommended")->valueint, 7);
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(svc, "mem_pct")), "unknown is null, not 0");
    cr_assert(cJSON_IsString(cJSON_GetObjectItem(svc, "reason")));
    cJSON *metrics = cJSON_GetObjectItem(root, "metrics");
    cr_assert_eq(cJSON_GetArraySize(metrics), 5, "the runbook's five metrics");
    cJSON *m = cJSON_GetArrayItem(metrics, 0);
    cr_assert_str_eq(cJSON_GetObjectItem(m, "id")->valuestring, "cpu");
    cr_assert_str_eq(cJSON_GetObjectItem(m, "band")->valuestring, "critical");
    cr_assert_str_eq(cJSON_GetObjectItem(m, "sustained")->valuestring, "pending");
    cJSON *q = cJSON_GetArrayItem(metrics, 3);
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(q, "value")), "no queue reading: null");
    cJSON *facts = cJSON_GetObjectItem(root, "facts");
    cr_assert_eq(cJSON_GetArraySize(facts), 2);
    cJSON *f = cJSON_GetArrayItem(facts, 0);
    cr_assert_float_eq(cJSON_GetObjectItem(f, "value")->valuedouble, 12, 1e-9);
    cr_assert_str_eq(cJSON_GetObjectItem(f, "unit")->valuestring, "count");
    cr_assert_str_eq(cJSON_GetObjectItem(f, "band")->valuestring, "ok");
    cr_assert_str_eq(cJSON_GetObjectItem(f, "state")->valuestring, "fresh");
    cr_assert_str_eq(cJSON_GetObjectItem(f, "display")->valuestring, "12");
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(f, "of")), "no denominator: null");
    f = cJSON_GetArrayItem(facts, 1);
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(f, "value")), "never measured: null, not 0");
    cr_assert_str_eq(cJSON_GetObjectItem(f, "band")->valuestring, "unknown");
    cr_assert(cJSON_IsArray(cJSON_GetObjectItem(root, "alerts")));
    cJSON_Delete(root);
    free(doc);
}

static int check_code(double cpu, enum source_state state, char *out, size_t len)
{
    feed(cpu, state);
    FILE *f = fmemopen(out, len, "w");
    int code = report_check(&w, f);
    fclose(f);
    return code;
}

Test(report, check_is_zero_when_everything_is_ok)
{
    char out[4096];
    cr_assert_eq(check_code(50, SOURCE_OK, out, sizeof(out)), 0, "%s", out);
    cr_assert(strstr(out, "OK cpu api = 50.0%") != NULL, "%s", out);
}

Test(report, check_is_one_on_a_warning)
{
    char out[4096];
    cr_assert_eq(check_code(75, SOURCE_OK, out, sizeof(out)), 1, "%s", out);
    cr_assert(strstr(out, "WARNING cpu") != NULL, "%s", out);
}

Test(report, check_is_two_on_a_critical)
{
    char out[4096];
    cr_assert_eq(check_code(86, SOURCE_OK, out, sizeof(out)), 2, "%s", out);
}

Test(report, check_on_the_threshold_is_the_lower_band)
{
    char out[4096];
    cr_assert_eq(check_code(70, SOURCE_OK, out, sizeof(out)), 0, "> 70 is warning: %s", out);
}

Test(report, check_is_three_when_a_source_cannot_be_read)
{
    char out[4096];
    cr_assert_eq(check_code(86, SOURCE_FAILING, out, sizeof(out)), 3, "%s", out);
    cr_assert(strstr(out, "UNKNOWN source demo failing: demo: refused") != NULL, "%s", out);
}

/* Prometheus answered, but with no number (an empty result): the line says so with the
 * note, as for a metric never read, instead of printing "= nan%". */
Test(report, check_says_no_data_for_a_reading_without_a_number)
{
    char out[4096];
    size_t i = world_add_source(&w, "prometheus");
    struct source_status st = {.state = SOURCE_OK, .last_ok = 1000, .last_try = 1000};
    snprintf(st.name, sizeof(st.name), "prometheus");
    world_set_status(&w, i, &st);
    struct snapshot *s = snapshot_new();
    s->taken_at = 1000;
    struct reading *r = snapshot_add_reading(s, "cpu", "api", 1000, NAN);
    snprintf(r->note, sizeof(r->note), "empty result");
    world_apply(&w, i, s, 1000);
    world_evaluate(&w, 1000);
    FILE *f = fmemopen(out, sizeof(out), "w");
    report_check(&w, f);
    fclose(f);
    cr_expect(strstr(out, "nan") == NULL, "%s", out);
    cr_expect(strstr(out, "UNKNOWN cpu api: no data: empty result") != NULL, "%s", out);
}

Test(report, check_first_line_sums_up_for_nagios)
{
    char out[4096];
    const char *want = "FORGETOP CRITICAL - 1 critical, 0 warning, 0 ok, 4 no data | cpu=86%;70;85 "
                       "memory=U;75;90 latency_p99=U;500;2000 queue_depth=U;1000;5000 "
                       "db_connections=U;80;95\n";
    cr_assert_eq(check_code(86, SOURCE_OK, out, sizeof(out)), 2, "%s", out);
    cr_assert(strncmp(out, want, strlen(want)) == 0, "%s", out);
}

/* ---- services, probes, scope, perf data ---- */

/* A source named src whose snapshot has one service at ready/desired, and readings of
 * cpu (NAN: an empty result) and of queue_depth. */
static struct snapshot *source_with(const char *src, int ready, int desired, double cpu,
                                    double queue)
{
    size_t i = world_add_source(&w, src);
    struct source_status st = {.state = SOURCE_OK, .last_ok = 1000, .last_try = 1000};
    snprintf(st.name, sizeof(st.name), "%s", src);
    world_set_status(&w, i, &st);
    struct snapshot *s = snapshot_new();
    s->taken_at = 1000;
    if (desired >= 0) {
        struct service *svc = snapshot_add_service(s);
        snprintf(svc->name, sizeof(svc->name), "api");
        svc->desired = desired;
        svc->ready = ready;
    }
    struct reading *r = snapshot_add_reading(s, "cpu", "api", 1000, cpu);
    if (isnan(cpu))
        snprintf(r->note, sizeof(r->note), "empty result");
    if (!isnan(queue))
        snapshot_add_reading(s, "queue_depth", "", 1000, queue);
    return s;
}

static int run_check(struct snapshot *s, char *out, size_t len)
{
    world_apply(&w, w.n_sources - 1, s, 1000);
    world_evaluate(&w, 1000);
    FILE *f = fmemopen(out, len, "w");
    int code = report_check(&w, f);
    fclose(f);
    return code;
}

/* Prometheus answered every query with an empty result: silence is not health. */
Test(report, check_is_unknown_when_no_metric_has_data)
{
    char out[4096];
    int code = run_check(source_with("prometheus", 0, -1, NAN, NAN), out, sizeof(out));
    cr_assert_eq(code, 3, "%s", out);
    cr_assert(strstr(out, "FORGETOP UNKNOWN - 0 critical, 0 warning, 0 ok, 5 no data; no metric "
                          "has data |") == out,
              "%s", out);
    cr_assert(strstr(out, "cpu=U;70;85") != NULL, "no data is U in the perf data: %s", out);
}

/* Every deployment 0/N ready, metrics-server absent: critical, with the rollout's words. */
Test(report, check_is_critical_when_no_replica_of_a_service_is_ready)
{
    char out[4096];
    struct snapshot *s = source_with("kube", 0, 5, NAN, NAN);
    cr_assert_eq(model_set_text(&s->services[0].status, "rollout stuck: ProgressDeadlineExceeded"),
                 0);
    cr_assert_eq(run_check(s, out, sizeof(out)), 2, "a critical outranks no data: %s", out);
    cr_assert(strstr(out, "\nCRITICAL ready api = 0/5: rollout stuck: ProgressDeadlineExceeded\n"),
              "%s", out);
    cr_assert(strstr(out, "FORGETOP CRITICAL - 1 critical, 0 warning, 0 ok, 5 no data") == out,
              "%s", out);
}

Test(report, check_warns_when_a_service_is_short_of_ready_replicas)
{
    char out[4096];
    cr_assert_eq(run_check(source_with("kube", 3, 5, 50, NAN), out, sizeof(out)), 1, "%s", out);
    cr_assert(strstr(out, "\nWARNING ready api = 3/5\n"), "%s", out);
}

Test(report, check_is_ok_for_a_service_scaled_to_zero_or_all_ready)
{
    char out[4096];
    cr_assert_eq(run_check(source_with("kube", 0, 0, 50, NAN), out, sizeof(out)), 0, "%s", out);
    cr_assert(strstr(out, "ready api") == NULL, "no line for a healthy service: %s", out);
}

/* A namespace that does not exist: unknown with that reason, whatever else is known. */
Test(report, check_is_unknown_with_the_reason_when_the_scope_names_nothing)
{
    char out[4096];
    struct snapshot *s = source_with("kube", 0, -1, 90, NAN);
    snprintf(s->scope_error, sizeof(s->scope_error), "namespace \"nope\" does not exist");
    cr_assert_eq(run_check(s, out, sizeof(out)), 3, "%s", out);
    cr_assert(strstr(out, "; namespace \"nope\" does not exist |"), "in the summary: %s", out);
    cr_assert(strstr(out, "\nUNKNOWN source kube: namespace \"nope\" does not exist\n"), "%s", out);
}

/* A health probe is a line of its own; a /health answering 404 is critical. */
Test(report, check_gives_each_probe_a_line_and_a_404_is_critical)
{
    char out[4096];
    struct snapshot *s = source_with("health", 0, -1, 50, NAN);
    struct fact *f =
        snapshot_add_fact_num(s, "health", "/health", "http_status", UNIT_HTTP, 404, NAN);
    f->probe = true;
    f = snapshot_add_fact_text(s, "health", "database", "status", "healthy");
    f->probe = true;
    snapshot_add_fact_text(s, "queue", "growth", "status", "down"); /* not a probe */
    cr_assert_eq(run_check(s, out, sizeof(out)), 2, "%s", out);
    cr_assert(strstr(out, "\nCRITICAL health /health = 404\n"), "%s", out);
    cr_assert(strstr(out, "\nOK health database = healthy\n"), "%s", out);
    cr_assert(strstr(out, "growth") == NULL, "a panel figure is not a check line: %s", out);
    cr_assert(strstr(out, "FORGETOP CRITICAL - 1 critical, 0 warning, 2 ok, 4 no data") == out,
              "%s", out);
}

Test(report, check_a_panel_fact_alone_does_not_change_the_verdict)
{
    char out[4096];
    struct snapshot *s = source_with("redis", 0, -1, 50, NAN);
    snapshot_add_fact_text(s, "queue", "growth", "status", "down");
    cr_assert_eq(run_check(s, out, sizeof(out)), 0, "%s", out);
}

/* label=value[UOM];warn;crit: a count has no unit Nagios knows, a second view of the same
 * metric is labelled with its service. */
Test(report, check_perf_data_follows_the_plugin_format)
{
    char out[4096];
    struct snapshot *s = source_with("demo", 5, 5, 76.25, 1240);
    snapshot_add_reading(s, "db_connections", "database", 1000, 64);
    snapshot_add_reading(s, "db_connections", "pgbouncer", 1000, 76);
    cr_assert_eq(run_check(s, out, sizeof(out)), 1, "%s", out);
    char *bar = strchr(out, '|'), *nl = strchr(out, '\n');
    cr_assert(bar != NULL && bar < nl, "perf data on the first line: %s", out);
    *nl = '\0';
    cr_assert_str_eq(bar, "| cpu=76.2%;70;85 memory=U;75;90 latency_p99=U;500;2000 "
                          "queue_depth=1240;1000;5000 db_connections=64%;80;95 "
                          "db_connections_pgbouncer=76%;80;95");
}

/* A value older than the world keeps is no data, and the line says how old it is. */
Test(report, check_says_how_old_a_value_too_old_to_judge_is)
{
    char out[4096];
    struct snapshot *s = source_with("demo", 5, 5, 50, NAN);
    world_apply(&w, w.n_sources - 1, s, 1000);
    world_evaluate(&w, 1400);
    FILE *f = fmemopen(out, sizeof(out), "w");
    int code = report_check(&w, f);
    fclose(f);
    cr_assert_eq(code, 3, "no metric can be judged: %s", out);
    cr_assert(strstr(out, "\nUNKNOWN cpu api: no data: the last value is 400s old\n"), "%s", out);
}

/* Unknown is null: an HPA that cannot compute (ScalingActive=False) has no desired count,
 * and a service without a rule no recommendation; the HPA's own figures and ours sit
 * side by side for a script (or the envtest suite) to compare. */
Test(report, unknown_counts_are_null_and_the_hpas_figures_are_beside_ours)
{
    size_t i = world_add_source(&w, "kube");
    struct snapshot *s = snapshot_new();
    s->taken_at = 1000;
    struct service *api = snapshot_add_service(s);
    snprintf(api->name, sizeof(api->name), "api");
    api->desired = api->ready = 4;
    api->cpu_pct = 50;
    api->mem_req_pct = 116;
    struct autoscaler *a = &api->autoscaler;
    a->present = true; /* desired_known false: it wrote desiredReplicas 0 */
    snprintf(a->kind, sizeof(a->kind), "HPA");
    snprintf(a->name, sizeof(a->name), "api-hpa");
    cr_assert_eq(model_set_text(&a->inactive, "ScalingActive=False: FailedGetResourceMetric"), 0);
    a->min = 3, a->max = 20, a->cpu_target = 70, a->mem_target = 80, a->mem_current = 116;
    struct service *other = snapshot_add_service(s);
    snprintf(other->name, sizeof(other->name), "dagster-run-worker");
    other->desired = other->ready = 2;
    world_apply(&w, i, s, 1000);
    world_evaluate(&w, 1000);
    char *doc = report_json(&w, false, 1000);
    cJSON *root = cJSON_Parse(doc);
    cr_assert_not_null(root);
    cJSON *svcs = cJSON_GetObjectItem(root, "services");
    cJSON *j = cJSON_GetArrayItem(svcs, 0), *k = cJSON_GetArrayItem(svcs, 1);
    cr_assert_str_eq(cJSON_GetObjectItem(j, "name")->valuestring, "api");
    cr_assert_float_eq(cJSON_GetObjectItem(j, "mem_req_pct")->valuedouble, 116, 1e-9);
    cr_assert_eq(cJSON_GetObjectItem(j, "recommended")->valueint, 6, "ceil(4 x 1.45) = 6");
    const cJSON *after = cJSON_GetObjectItem(j, "prediction");
    cr_assert(cJSON_IsString(after) &&
                  strstr(after->valuestring, "memory 116% of request -> ~") != NULL,
              "the prediction is made for the JSON, at 6: %s", cJSON_Print(after));
    cJSON *as = cJSON_GetObjectItem(j, "autoscaler");
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(as, "desired")), "no count, not 0");
    cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(as, "scaling_active")));
    cr_assert_str_eq(cJSON_GetObjectItem(as, "inactive")->valuestring,
                     "ScalingActive=False: FailedGetResourceMetric");
    cJSON *cm = cJSON_GetObjectItem(as, "current_metrics");
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(cm, "cpu")));
    cr_assert_float_eq(cJSON_GetObjectItem(cm, "memory")->valuedouble, 116, 1e-9);
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(as, "agrees")));
    cr_assert_str_eq(cJSON_GetObjectItem(k, "name")->valuestring, "dagster-run-worker");
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(k, "recommended")), "no rule: null");
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(k, "prediction")));
    cJSON_Delete(root);
    free(doc);
}

Test(report, json_gives_rbac_per_verb_and_the_actuators_read_only_reason)
{
    feed(50, SOURCE_OK);
    char *doc = report_json(&w, false, 1000);
    cJSON *root = cJSON_Parse(doc);
    cJSON *rbac = cJSON_GetObjectItem(root, "rbac");
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(rbac, "scale")), "not asked: null, not false");
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(rbac, "hpa")));
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(root, "read_only_reason")));
    cJSON_Delete(root);
    free(doc);
    w.access = (struct access){PERM_ALLOWED, PERM_DENIED, 988, PERM_UNKNOWN};
    w.production = w.read_only = true;
    snprintf(w.read_only_why, sizeof w.read_only_why, "scaling is disabled: prod is production");
    doc = report_json(&w, true, 1000);
    root = cJSON_Parse(doc);
    rbac = cJSON_GetObjectItem(root, "rbac");
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(rbac, "scale")));
    cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(rbac, "hpa")));
    cr_assert_float_eq(cJSON_GetObjectItem(rbac, "checked_age_s")->valuedouble, 12, 1e-9);
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(root, "production")));
    cr_assert_str_eq(cJSON_GetObjectItem(root, "read_only_reason")->valuestring,
                     "scaling is disabled: prod is production");
    cJSON_Delete(root);
    free(doc);
}
