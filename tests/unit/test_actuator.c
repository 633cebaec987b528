/* test_actuator.c - the one gate of every scale: read-only mode refuses everything and
 * nothing reaches the scaler; bounds, vanished services, RBAC (per verb), preconditions
 * and unscalable services refuse; a production context with production_read_only makes
 * it read-only, whatever path the request took, and nothing takes that back; a good
 * request reaches the scaler once; every attempt is in the audit log. */

#include <cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forgetop/actuator.h"
#include "forgetop/world.h"

static const struct access deny_all = {PERM_DENIED, PERM_DENIED, 1, PERM_DENIED};

static char dir[64];
static char log_path[128];

static void make_dir(void)
{
    strcpy(dir, "/tmp/forgetop-actuator-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(log_path, sizeof log_path, "%s/audit.log", dir);
}

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(actuator, .init = make_dir, .fini = remove_dir);

/* The scaler thread, as the tests see it: counts what reaches it. */
struct fake_scaler {
    int calls;
    int fail; /* return -1: the queue is full */
    struct scale_request last;
};

static int fake_submit(void *ctx, const struct scale_request *req)
{
    struct fake_scaler *s = ctx;
    s->calls++;
    s->last = *req;
    return s->fail ? -1 : 0;
}

static struct service api_service(void)
{
    struct service s;
    memset(&s, 0, sizeof s);
    strcpy(s.name, "api");
    strcpy(s.source, "kube");
    strcpy(s.namespace_, "open-forge");
    s.desired = s.ready = 5;
    s.min = 3;
    s.max = 20;
    return s;
}

static struct scale_request request(int from, int to)
{
    struct scale_request r;
    memset(&r, 0, sizeof r);
    strcpy(r.source, "kube");
    strcpy(r.service, "api");
    strcpy(r.namespace_, "open-forge");
    r.from = from;
    r.to = to;
    strcpy(r.reason, "operator: +");
    return r;
}

/* The results of the audit log, in order; returns how many lines. */
static size_t audit_results(char results[][16], size_t max)
{
    FILE *f = fopen(log_path, "r");
    if (f == NULL)
        return 0;
    char line[4096];
    size_t n = 0;
    while (fgets(line, sizeof line, f) != NULL && n < max) {
        cJSON *o = cJSON_Parse(line);
        cr_assert_not_null(o, "not JSON: %s", line);
        const cJSON *r = cJSON_GetObjectItemCaseSensitive(o, "result");
        cr_assert(cJSON_IsString(r));
        snprintf(results[n++], 16, "%s", r->valuestring);
        cJSON_Delete(o);
    }
    fclose(f);
    return n;
}

Test(actuator, read_only_refuses_every_count_and_never_submits)
{
    struct fake_scaler sc = {0};
    struct actuator a;
    actuator_init(&a, true, log_path, fake_submit, &sc);
    struct service svc = api_service();
    char why[256];
    int attempts = 0;
    for (int to = -1; to <= 30; to++) {
        struct scale_request r = request(5, to);
        for (int denied = 0; denied <= 1; denied++) {
            why[0] = '\0';
            cr_expect_eq(
                actuator_request(&a, &r, &svc, denied ? &deny_all : NULL, 1, why, sizeof why),
                ACT_REFUSED, "to %d", to);
            cr_expect_str_eq(why, "scaling is disabled in read-only mode");
            attempts++;
        }
        r.set_autoscaler_min = true;
        cr_expect_eq(actuator_request(&a, &r, &svc, NULL, 1, why, sizeof why), ACT_REFUSED);
        cr_expect_eq(actuator_request(&a, &r, NULL, NULL, 1, why, sizeof why), ACT_REFUSED);
        attempts += 2;
    }
    cr_expect_eq(sc.calls, 0, "a request reached the scaler in read-only mode");
    cr_expect_eq(a.submitted, 0);
    cr_expect(a.read_only, "nothing cleared read-only");
    static char results[256][16];
    size_t n = audit_results(results, 256);
    cr_expect_eq(n, (size_t)attempts, "every refusal is audited");
    for (size_t i = 0; i < n; i++)
        cr_expect_str_eq(results[i], "refused");
}

Test(actuator, a_good_request_reaches_the_scaler_once_and_is_audited)
{
    struct fake_scaler sc = {0};
    struct actuator a;
    actuator_init(&a, false, log_path, fake_submit, &sc);
    struct service svc = api_service();
    struct scale_request r = request(5, 7);
    char why[256];
    cr_assert_eq(actuator_request(&a, &r, &svc, NULL, 1, why, sizeof why), ACT_SUBMITTED, "%s",
                 why);
    cr_expect_str_eq(why, "scaling api 5 -> 7");
    cr_expect_eq(sc.calls, 1);
    cr_expect_eq(a.submitted, 1);
    cr_expect_str_eq(sc.last.service, "api");
    cr_expect_eq(sc.last.from, 5);
    cr_expect_eq(sc.last.to, 7);
    actuator_outcome(&a, &r, 0, "scaled api 5 -> 7", 2);
    actuator_outcome(&a, &r, -1, "409 Conflict", 3);
    char results[8][16];
    cr_assert_eq(audit_results(results, 8), 3);
    cr_expect_str_eq(results[0], "requested");
    cr_expect_str_eq(results[1], "applied");
    cr_expect_str_eq(results[2], "failed");
}

Test(actuator, refuses_counts_outside_the_bounds)
{
    static const struct {
        int min, max, to;
        bool ok;
        const char *why;
    } cases[] = {
        {3, 20, 2, false, "api: 2 is outside its bounds 3..20"},
        {3, 20, 21, false, "api: 21 is outside its bounds 3..20"},
        {3, 20, 0, false, "api: 0 is outside its bounds 3..20"},
        {3, 20, 3, true, "scaling api 5 -> 3"},
        {3, 20, 20, true, "scaling api 5 -> 20"},
        {0, 0, -1, false, "api: -1 is not a replica count"},
        {0, 0, 0, true, "scaling api 5 -> 0"},
        {0, 0, 400, true, "scaling api 5 -> 400"},
        {3, 0, 1, true, "scaling api 5 -> 1"}, /* no max known: no bounds */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fake_scaler sc = {0};
        struct actuator a;
        actuator_init(&a, false, log_path, fake_submit, &sc);
        struct service svc = api_service();
        svc.min = cases[i].min;
        svc.max = cases[i].max;
        struct scale_request r = request(5, cases[i].to);
        char why[256];
        enum actuator_verdict v = actuator_request(&a, &r, &svc, NULL, 1, why, sizeof why);
        cr_expect_eq(v, cases[i].ok ? ACT_SUBMITTED : ACT_REFUSED, "case %zu", i);
        cr_expect_str_eq(why, cases[i].why, "case %zu", i);
        cr_expect_eq(sc.calls, cases[i].ok ? 1 : 0, "case %zu", i);
    }
}

Test(actuator, refuses_what_cannot_or_need_not_change)
{
    struct {
        struct service svc;
        const struct service *target;
        bool denied;
        int to;
        const char *why;
    } cases[5];
    for (size_t i = 0; i < 5; i++) {
        cases[i].svc = api_service();
        cases[i].target = &cases[i].svc;
        cases[i].denied = false;
        cases[i].to = 7;
    }
    cases[0].target = NULL;
    cases[0].why = "api is no longer there: nothing was scaled";
    cases[1].denied = true;
    cases[1].why = "RBAC: the cluster denies update on deployments/scale in open-forge";
    cases[2].svc.unscalable = true;
    static char fixed[] = "compose service sets container_name"; /* no snapshot frees it */
    cases[2].svc.unscalable_why = fixed;
    cases[2].why = "api cannot be scaled: compose service sets container_name";
    cases[3].to = 5;
    cases[3].why = "api already has 5 replicas: nothing to change";
    cases[4].svc.unscalable = true;
    cases[4].why = "api cannot be scaled: its source does not scale";
    for (size_t i = 0; i < 5; i++) {
        struct fake_scaler sc = {0};
        struct actuator a;
        actuator_init(&a, false, log_path, fake_submit, &sc);
        struct scale_request r = request(5, cases[i].to);
        char why[256];
        cr_expect_eq(actuator_request(&a, &r, cases[i].target, cases[i].denied ? &deny_all : NULL,
                                      1, why, sizeof why),
                     ACT_REFUSED, "case %zu", i);
        cr_expect_str_eq(why, cases[i].why, "case %zu", i);
        cr_expect_eq(sc.calls, 0, "case %zu", i);
    }
    char results[16][16];
    cr_assert_eq(audit_results(results, 16), 5);
    for (size_t i = 0; i < 5; i++)
        cr_expect_str_eq(results[i], "refused");
}

Test(actuator, an_attempt_it_cannot_audit_does_not_go_out)
{
    struct fake_scaler sc = {0};
    struct actuator a;
    char bad[160], why[512];
    snprintf(bad, sizeof bad, "%s/file", dir);
    FILE *f = fopen(bad, "w");
    fclose(f);
    strcat(bad, "/audit.log"); /* under a plain file: cannot be created */
    actuator_init(&a, false, bad, fake_submit, &sc);
    struct service svc = api_service();
    struct scale_request r = request(5, 7);
    cr_expect_eq(actuator_request(&a, &r, &svc, NULL, 1, why, sizeof why), ACT_REFUSED);
    cr_expect_eq(sc.calls, 0);
    cr_expect_not_null(strstr(why, "not scaled: audit: cannot open"), "%s", why);
}

Test(actuator, a_scaler_that_cannot_take_the_request_is_a_failure)
{
    struct fake_scaler sc = {.fail = 1};
    struct actuator a;
    actuator_init(&a, false, log_path, fake_submit, &sc);
    struct service svc = api_service();
    struct scale_request r = request(5, 7);
    char why[256];
    cr_expect_eq(actuator_request(&a, &r, &svc, NULL, 1, why, sizeof why), ACT_REFUSED);
    cr_expect_str_eq(why, "not scaled: the scaler could not take the request");
    cr_expect_eq(sc.calls, 1);
    cr_expect_eq(a.submitted, 0);
    char results[8][16];
    cr_assert_eq(audit_results(results, 8), 2);
    cr_expect_str_eq(results[0], "requested");
    cr_expect_str_eq(results[1], "failed");

    actuator_init(&a, false, log_path, NULL, NULL);
    cr_expect_eq(actuator_request(&a, &r, &svc, NULL, 1, why, sizeof why), ACT_REFUSED);
    cr_expect_str_eq(why, "scaling is not available: no scaler is running");
}

/* One field of the audit line number n (0-based), as JSON text ("null" when absent). */
static void audit_field(size_t n, const char *name, char *out, size_t len)
{
    FILE *f = fopen(log_path, "r");
    char line[4096];
    snprintf(out, len, "null");
    for (size_t i = 0; f != NULL && fgets(line, sizeof line, f) != NULL; i++) {
        if (i != n)
            continue;
        cJSON *o = cJSON_Parse(line);
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
        char *text = v != NULL ? cJSON_PrintUnformatted(v) : NULL;
        if (text != NULL)
            snprintf(out, len, "%s", text);
        cJSON_free(text);
        cJSON_Delete(o);
    }
    if (f != NULL)
        fclose(f);
}

Test(actuator, a_production_context_with_production_read_only_refuses_and_stays_refused)
{
    struct fake_scaler sc = {0};
    struct actuator a;
    actuator_init(&a, false, log_path, fake_submit, &sc);
    actuator_set_production_rule(&a, "*prod*", true);
    struct service svc = api_service();
    struct scale_request r = request(5, 7);
    char why[256], field[64];
    actuator_observe_name(&a, "staging-eu-1");
    cr_expect_not(actuator_read_only(&a));
    cr_expect_not(a.production);
    actuator_observe_name(&a, "prod-eu-1"); /* the kubeconfig's current-context */
    cr_expect(a.production);
    cr_expect(actuator_read_only(&a));
    cr_expect_eq(actuator_request(&a, &r, &svc, NULL, 1, why, sizeof why), ACT_REFUSED);
    cr_expect_str_eq(why, "scaling is disabled: prod-eu-1 is production and production_read_only "
                          "is set");
    r.set_autoscaler_min = true; /* m takes another path to the cluster: refused the same */
    strcpy(r.object, "api-hpa");
    cr_expect_eq(actuator_request(&a, &r, &svc, NULL, 1, why, sizeof why), ACT_REFUSED);
    actuator_observe_name(&a, "staging-eu-1"); /* a context that changes back lifts nothing */
    cr_expect(actuator_read_only(&a));
    cr_expect_eq(sc.calls, 0, "a write left in a production read-only session");
    audit_field(0, "production", field, sizeof field);
    cr_expect_str_eq(field, "true");
    audit_field(0, "read_only", field, sizeof field);
    cr_expect_str_eq(field, "true");
    audit_field(0, "result", field, sizeof field);
    cr_expect_str_eq(field, "\"refused\"");
}

Test(actuator, production_without_production_read_only_is_marked_but_may_scale)
{
    struct fake_scaler sc = {0};
    struct actuator a;
    actuator_init(&a, false, log_path, fake_submit, &sc);
    actuator_set_production_rule(&a, "*prod*", false);
    actuator_observe_name(&a, "open-forge-prod");
    cr_expect(a.production);
    cr_expect_not(actuator_read_only(&a));
    struct service svc = api_service();
    struct scale_request r = request(5, 7);
    char why[256], field[64];
    cr_expect_eq(actuator_request(&a, &r, &svc, NULL, 1, why, sizeof why), ACT_SUBMITTED, "%s",
                 why);
    audit_field(0, "production", field, sizeof field);
    cr_expect_str_eq(field, "true");
    /* no pattern: nothing is production */
    actuator_init(&a, false, log_path, fake_submit, &sc);
    actuator_set_production_rule(&a, "", true);
    actuator_observe_name(&a, "prod");
    cr_expect_not(a.production);
}

Test(actuator, the_world_mirrors_the_one_decision_from_the_resolved_context)
{
    static struct world w;
    struct config cfg;
    config_defaults(&cfg);
    world_init(&w, &cfg);
    size_t i = world_add_source(&w, "kube");
    struct snapshot *s = snapshot_new();
    cr_assert_not_null(s);
    s->taken_at = 100;
    strcpy(s->context, "prod-eu-1"); /* from the kubeconfig, no --context given */
    world_apply(&w, i, s, 100);
    cr_expect_not(w.production, "the world does not decide production itself");
    struct actuator a;
    actuator_init(&a, false, log_path, fake_submit, NULL);
    actuator_set_production_rule(&a, "*prod*", true);
    actuator_observe(&a, &w);
    cr_expect(w.production);
    cr_expect(w.read_only);
    world_free(&w);
}

Test(actuator, rbac_is_judged_per_verb)
{
    struct fake_scaler sc = {0};
    struct actuator a;
    actuator_init(&a, false, log_path, fake_submit, &sc);
    struct service svc = api_service();
    svc.autoscaler.present = true;
    strcpy(svc.autoscaler.kind, "HPA");
    strcpy(svc.autoscaler.name, "api-hpa");
    svc.autoscaler.min = 3;
    svc.autoscaler.max = 20;
    struct access only_update = {PERM_ALLOWED, PERM_DENIED, 1, PERM_DENIED};
    struct access only_patch = {PERM_DENIED, PERM_ALLOWED, 1, PERM_DENIED};
    struct scale_request count = request(5, 7), min = request(3, 7);
    min.set_autoscaler_min = true;
    strcpy(min.object, "api-hpa");
    char why[256];
    cr_expect_eq(actuator_request(&a, &count, &svc, &only_update, 1, why, sizeof why),
                 ACT_SUBMITTED, "%s", why);
    cr_expect_eq(actuator_request(&a, &min, &svc, &only_update, 1, why, sizeof why), ACT_REFUSED);
    cr_expect_str_eq(why, "RBAC: the cluster denies patch on horizontalpodautoscalers in "
                          "open-forge");
    cr_expect_eq(actuator_request(&a, &count, &svc, &only_patch, 1, why, sizeof why), ACT_REFUSED);
    cr_expect_str_eq(why, "RBAC: the cluster denies update on deployments/scale in open-forge");
    cr_expect_eq(actuator_request(&a, &min, &svc, &only_patch, 1, why, sizeof why), ACT_SUBMITTED,
                 "%s", why);
    cr_expect_str_eq(why, "raising api-hpa's minimum 3 -> 7");
    cr_expect_eq(sc.calls, 2);
}

Test(actuator, m_is_recorded_as_the_autoscalers_minimum_changing)
{
    struct fake_scaler sc = {0};
    struct actuator a;
    actuator_init(&a, false, log_path, fake_submit, &sc);
    struct service svc = api_service();
    svc.autoscaler.present = true;
    strcpy(svc.autoscaler.name, "api-hpa");
    svc.autoscaler.min = 3;
    svc.autoscaler.max = 20;
    struct scale_request r = request(3, 7);
    r.set_autoscaler_min = true;
    strcpy(r.object, "api-hpa");
    char why[256], field[96];
    cr_assert_eq(actuator_request(&a, &r, &svc, NULL, 1, why, sizeof why), ACT_SUBMITTED, "%s",
                 why);
    audit_field(0, "object", field, sizeof field);
    cr_expect_str_eq(field, "\"horizontalpodautoscaler/api-hpa\"");
    audit_field(0, "field", field, sizeof field);
    cr_expect_str_eq(field, "\"spec.minReplicas\"");
    audit_field(0, "from", field, sizeof field);
    cr_expect_str_eq(field, "3");
    audit_field(0, "to", field, sizeof field);
    cr_expect_str_eq(field, "7");
    r.to = 21; /* above the HPA's max: the bounds of a minimum are 1..max */
    cr_expect_eq(actuator_request(&a, &r, &svc, NULL, 1, why, sizeof why), ACT_REFUSED);
    cr_expect_str_eq(why, "api: 21 is outside its bounds 1..20");
    svc.autoscaler.present = false;
    r.to = 7;
    cr_expect_eq(actuator_request(&a, &r, &svc, NULL, 1, why, sizeof why), ACT_REFUSED);
    cr_expect_str_eq(why, "api has no autoscaler whose minimum could change");
}

Test(actuator, a_count_that_moved_since_the_operator_looked_is_refused)
{
    struct fake_scaler sc = {0};
    struct actuator a;
    actuator_init(&a, false, log_path, fake_submit, &sc);
    struct service svc = api_service();
    svc.desired = 8; /* the HPA moved it */
    struct scale_request r = request(5, 7);
    char why[256];
    cr_expect_eq(actuator_request(&a, &r, &svc, NULL, 1, why, sizeof why), ACT_REFUSED);
    cr_expect_str_eq(why, "api moved to 8 since you looked (5): nothing was sent");
    cr_expect_eq(sc.calls, 0);
}

Test(actuator, declines_and_dispatcher_refusals_are_recorded_with_a_null_count)
{
    struct actuator a;
    actuator_init(&a, true, log_path, fake_submit, NULL);
    struct scale_request r = request(5, -1); /* s refused before a count was typed */
    actuator_record(&a, &r, "refused", "scaling is disabled in read-only mode", 1);
    r.to = 9;
    strcpy(r.danger, "cpu ~150% is over 100% of its request");
    actuator_record(&a, &r, "declined", "declined the second confirmation", 2);
    char results[4][16], field[96];
    cr_assert_eq(audit_results(results, 4), 2);
    cr_expect_str_eq(results[0], "refused");
    cr_expect_str_eq(results[1], "declined");
    audit_field(0, "to", field, sizeof field);
    cr_expect_str_eq(field, "null");
    audit_field(1, "danger", field, sizeof field);
    cr_expect_str_eq(field, "\"cpu ~150% is over 100% of its request\"");
}

Test(actuator, a_switch_of_target_decides_production_afresh)
{
    struct actuator a;
    actuator_init(&a, false, log_path, fake_submit, NULL);
    actuator_set_production_rule(&a, "*prod*", true);
    actuator_observe_name(&a, "prod-eu-1");
    cr_assert(a.production && actuator_read_only(&a));
    actuator_observe_name(&a, "staging");
    cr_expect(a.production, "a poll naming another context never lifts the guard");
    actuator_retarget(&a);
    actuator_observe_name(&a, "staging");
    cr_expect_not(a.production, "the operator switched to staging: not production");
    cr_expect_not(actuator_read_only(&a), "and not read-only: the old guard is not inherited");
    actuator_retarget(&a);
    actuator_observe_name(&a, "prod-us-1");
    cr_expect(a.production && actuator_read_only(&a), "back to a production target: guarded");
    cr_expect_str_eq(a.production_name, "prod-us-1");

    struct actuator r;
    actuator_init(&r, true, log_path, fake_submit, NULL); /* -R */
    actuator_set_production_rule(&r, "*prod*", true);
    actuator_retarget(&r);
    actuator_observe_name(&r, "staging");
    cr_expect(actuator_read_only(&r), "-R stays whatever the target");
}

/* The whole audit log, as one string (caller frees). */
static char *audit_text(void)
{
    FILE *f = fopen(log_path, "r");
    cr_assert_not_null(f);
    char buf[16384];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return strdup(buf);
}

Test(actuator, a_refusal_or_failure_quoting_a_secret_is_audited_with_it_masked)
{
    struct fake_scaler sc = {0};
    struct actuator a;
    actuator_init(&a, false, log_path, fake_submit, &sc);
    struct service svc = api_service();
    svc.unscalable = true;
    char why_not[] = "its engine tcp://ops:Pw-7q@10.0.0.1:2375 refused";
    svc.unscalable_why = why_not; /* the service's own, not the snapshot's: nothing frees it */
    struct scale_request r = request(5, 6);
    char why[256];
    cr_assert_eq(actuator_request(&a, &r, &svc, NULL, 1, why, sizeof why), ACT_REFUSED);
    actuator_outcome(&a, &r, -1, "docker compose exited 1: password=Pw-7q rejected", 2);
    char *log = audit_text();
    cr_expect_null(strstr(log, "Pw-7q"), "a secret reached the audit log: %s", log);
    cr_expect_not_null(strstr(log, "tcp://ops:***@10.0.0.1:2375 refused"), "%s", log);
    cr_expect_not_null(strstr(log, "password=*** rejected"), "%s", log);
    free(log);
}
