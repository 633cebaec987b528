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
    snapshot_add_fact(s, "queue", "depth", BAND_OK, "%d", 12);
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
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(root, "facts")), 1);
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
    cr_assert_eq(check_code(86, SOURCE_OK, out, sizeof(out)), 2, "%s", out);
    cr_assert(strncmp(out, "FORGETOP CRITICAL - 1 critical, 0 warning, 0 ok, 4 no data\n",
                      strlen("FORGETOP CRITICAL - 1 critical, 0 warning, 0 ok, 4 no data\n")) == 0,
              "%s", out);
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
    w.access = (struct access){PERM_ALLOWED, PERM_DENIED, 988};
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
