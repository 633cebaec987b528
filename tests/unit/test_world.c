/* test_world.c - snapshots merged into the world: histories, bands, preference between
 * sources, service views, recommendations at the HPA's cadence. */

#include <criterion/criterion.h>
#include <math.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

#include "forgetop/actuator.h"
#include "forgetop/world.h"

static int count_submit(void *ctx, const struct scale_request *req)
{
    (void)req;
    (*(int *)ctx)++;
    return 0;
}

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

static struct snapshot *snap_with_api(double t, int desired, int ready, double cpu, double mem)
{
    struct snapshot *s = snapshot_new();
    s->taken_at = t;
    struct service *svc = snapshot_add_service(s);
    snprintf(svc->name, sizeof(svc->name), "api");
    svc->desired = desired;
    svc->ready = ready;
    svc->cpu_pct = cpu;
    svc->mem_pct = mem;
    struct pod *p = service_add_pod(svc);
    snprintf(p->name, sizeof(p->name), "api-0");
    snapshot_add_reading(s, "cpu", "api", t, cpu);
    return s;
}

static struct source_status ok_status(const char *name, double t)
{
    struct source_status st = {0};
    snprintf(st.name, sizeof(st.name), "%s", name);
    st.state = SOURCE_OK;
    st.last_ok = st.last_try = t;
    return st;
}

TestSuite(world, .init = setup, .fini = teardown);

Test(world, readings_fill_the_metric_history_and_band)
{
    size_t i = world_add_source(&w, "demo");
    struct source_status st = ok_status("demo", 1000);
    world_set_status(&w, i, &st);
    world_apply(&w, i, snap_with_api(1000, 5, 5, 72, 40), 1000);
    world_evaluate(&w, 1000);
    const struct metric_view *m = world_metric(&w, "cpu");
    cr_assert_not_null(m);
    cr_assert(m->has_value);
    cr_assert_float_eq(m->value, 72, 1e-9);
    cr_assert_eq(m->band, BAND_WARNING, "72%% is over the runbook's 70%% warning");
    cr_assert_eq(history_len(&m->hist), 1);
    cr_assert_str_eq(m->from, "demo");
}

Test(world, a_value_older_than_five_minutes_has_no_band)
{
    size_t i = world_add_source(&w, "demo");
    world_apply(&w, i, snap_with_api(1000, 5, 5, 90, 40), 1000);
    world_evaluate(&w, 1000 + 301);
    cr_assert_eq(world_metric(&w, "cpu")->band, BAND_UNKNOWN);
}

Test(world, prometheus_wins_and_the_cluster_is_the_fallback)
{
    size_t kube = world_add_source(&w, "kube");
    size_t prom = world_add_source(&w, "prometheus");
    struct source_status sk = ok_status("kube", 1000), sp = ok_status("prometheus", 1000);
    world_set_status(&w, kube, &sk);
    world_set_status(&w, prom, &sp);
    struct snapshot *p = snapshot_new();
    snapshot_add_reading(p, "cpu", "api", 1000, 50);
    world_apply(&w, prom, p, 1000);
    world_apply(&w, kube, snap_with_api(1001, 5, 5, 95, 40), 1001);
    cr_assert_float_eq(world_metric(&w, "cpu")->value, 50, 1e-9, "cluster must not override");
    sp.state = SOURCE_STALE;
    world_set_status(&w, prom, &sp);
    world_apply(&w, kube, snap_with_api(1002, 5, 5, 95, 40), 1002);
    cr_assert_float_eq(world_metric(&w, "cpu")->value, 95, 1e-9, "fallback while stale");
    cr_assert_str_eq(world_metric(&w, "cpu")->from, "kube");
}

Test(world, services_are_merged_sorted_and_dropped_when_gone)
{
    size_t i = world_add_source(&w, "demo");
    struct snapshot *s = snap_with_api(1000, 5, 5, 50, 40);
    struct service *b = snapshot_add_service(s);
    snprintf(b->name, sizeof(b->name), "agent-worker");
    b->desired = 10;
    world_apply(&w, i, s, 1000);
    cr_assert_eq(w.n_services, 2);
    cr_assert_str_eq(w.services[0].svc.name, "agent-worker");
    cr_assert_str_eq(w.services[1].svc.name, "api");
    cr_assert_str_eq(w.services[1].svc.pods[0].name, "api-0");
    world_apply(&w, i, snap_with_api(1002, 5, 5, 50, 40), 1002);
    cr_assert_eq(w.n_services, 1, "agent-worker vanished from its source");
    cr_assert_str_eq(w.services[0].svc.pods[0].name, "api-0", "pods follow the new snapshot");
    cr_assert_eq(history_len(&w.services[0].cpu_hist), 2, "history survives the merge");
}

Test(world, api_gets_the_runbook_hpa_recommendation)
{
    size_t i = world_add_source(&w, "demo");
    world_apply(&w, i, snap_with_api(1000, 5, 5, 92, 40), 1000);
    world_evaluate(&w, 1000);
    const struct service_view *v = world_service(&w, "demo", "api");
    cr_assert_not_null(v);
    cr_assert(v->has_rule);
    cr_assert_eq(v->rec.replicas, 7, "ceil(5 x 92/70) = 7: %s", v->rec.reason);
    cr_assert(v->rec.changes);
    cr_assert_eq(v->min, 3);
    cr_assert_eq(v->max, 20);
    cr_assert(strstr(v->rec.reason, "70") != NULL, "%s", v->rec.reason);
}

Test(world, recommendations_follow_the_hpa_sync_period)
{
    size_t i = world_add_source(&w, "demo");
    world_apply(&w, i, snap_with_api(1000, 5, 5, 92, 40), 1000);
    world_evaluate(&w, 1000);
    world_apply(&w, i, snap_with_api(1005, 5, 5, 140, 40), 1005);
    world_evaluate(&w, 1005);
    cr_assert_eq(world_service(&w, NULL, "api")->rec.replicas, 7, "inside 15 s: unchanged");
    world_evaluate(&w, 1016);
    cr_assert_eq(world_service(&w, NULL, "api")->rec.replicas, 10, "ceil(5 x 1.4) = 10");
}

Test(world, agent_worker_follows_the_queue)
{
    size_t i = world_add_source(&w, "demo");
    struct snapshot *s = snapshot_new();
    s->taken_at = 1000;
    struct service *b = snapshot_add_service(s);
    snprintf(b->name, sizeof(b->name), "agent-worker");
    b->desired = b->ready = 1;
    snapshot_add_reading(s, "queue_depth", "agent-worker", 1000, 35);
    world_apply(&w, i, s, 1000);
    world_evaluate(&w, 1000);
    const struct service_view *v = world_service(&w, NULL, "agent-worker");
    cr_assert_eq(v->rec.replicas, 4, "ceil(35 / 10) = 4: %s", v->rec.reason);
}

Test(world, a_service_without_a_rule_keeps_its_count)
{
    size_t i = world_add_source(&w, "demo");
    struct snapshot *s = snapshot_new();
    struct service *b = snapshot_add_service(s);
    snprintf(b->name, sizeof(b->name), "dagster-run-worker");
    b->desired = b->ready = 5;
    world_apply(&w, i, s, 1000);
    world_evaluate(&w, 1000);
    const struct service_view *v = world_service(&w, NULL, "dagster-run-worker");
    cr_assert_not(v->has_rule);
    cr_assert_eq(v->rec.replicas, 5);
    cr_assert_not(v->rec.changes);
}

Test(world, prediction_spreads_load_over_the_new_count)
{
    size_t i = world_add_source(&w, "demo");
    world_apply(&w, i, snap_with_api(1000, 5, 5, 92, 60), 1000);
    world_evaluate(&w, 1000);
    char out[128];
    world_predict(&w, world_service(&w, NULL, "api"), 7, out, sizeof(out));
    cr_assert_str_eq(out, "cpu 92% -> ~66%, memory 60% -> ~43%");
}

Test(world, worst_band_is_unknown_when_a_source_fails)
{
    size_t i = world_add_source(&w, "demo");
    struct source_status st = ok_status("demo", 1000);
    world_set_status(&w, i, &st);
    world_apply(&w, i, snap_with_api(1000, 5, 5, 90, 40), 1000);
    world_evaluate(&w, 1000);
    cr_assert_eq(world_worst_band(&w), BAND_CRITICAL);
    st.state = SOURCE_FAILING;
    world_set_status(&w, i, &st);
    cr_assert_eq(world_worst_band(&w), BAND_UNKNOWN);
}

Test(world, header_takes_context_and_notices_from_snapshots)
{
    size_t a = world_add_source(&w, "kube");
    struct snapshot *s = snapshot_new();
    snprintf(s->context, sizeof(s->context), "prod-eu");
    snprintf(s->notice, sizeof(s->notice), "RBAC scale: no · HPA: yes");
    s->access = (struct access){PERM_DENIED, PERM_ALLOWED, 990};
    size_t b = world_add_source(&w, "compose");
    struct snapshot *c = snapshot_new(); /* never asked: unknown, which does not hide a no */
    world_apply(&w, a, s, 1000);
    world_apply(&w, b, c, 1000);
    cr_assert_str_eq(w.context, "prod-eu");
    cr_assert_str_eq(w.notice, "RBAC scale: no · HPA: yes");
    cr_assert_eq(w.access.scale, PERM_DENIED);
    cr_assert_eq(w.access.hpa_min, PERM_ALLOWED);
    cr_assert_eq(w.access.checked_at, 990);
    cr_assert_not(w.production, "production is the actuator's decision, not the world's");
}

Test(world, database_advice_uses_the_connection_counts)
{
    size_t i = world_add_source(&w, "postgres");
    struct snapshot *s = snapshot_new();
    snapshot_add_reading(s, "db_connections", "database", 1000, 86);
    snapshot_add_reading(s, "db_connections_used", "database", 1000, 172);
    snapshot_add_reading(s, "db_connections_max", "database", 1000, 200);
    world_apply(&w, i, s, 1000);
    world_evaluate(&w, 1000);
    cr_assert(strstr(w.db_advice, "172") != NULL, "%s", w.db_advice);
    cr_assert(strstr(w.db_advice, "200") != NULL, "%s", w.db_advice);
}

Test(world, no_database_advice_while_connections_are_ok)
{
    size_t i = world_add_source(&w, "postgres");
    struct snapshot *s = snapshot_new();
    snapshot_add_reading(s, "db_connections", "database", 1000, 40);
    world_apply(&w, i, s, 1000);
    world_evaluate(&w, 1000);
    cr_assert_str_eq(w.db_advice, "");
}

Test(world, an_untaken_snapshot_hands_its_backfill_to_the_next)
{
    struct snapshot *old = snapshot_new(), *new = snapshot_new();
    for (int k = 0; k < 10; k++)
        snapshot_add_reading(old, "cpu", "api", 1000 + k, 50 + k);
    snapshot_add_reading(new, "cpu", "api", 1011, 70);
    cr_assert_eq(snapshot_carry_readings(new, old), 0);
    cr_assert_eq(new->n_readings, 11);
    cr_assert_float_eq(new->readings[0].t, 1000, 1e-9, "older samples first");
    cr_assert_float_eq(new->readings[10].value, 70, 1e-9);
    snapshot_add_reading(new, "cpu", "api", 1012, 71); /* still grows after the carry */
    cr_assert_eq(new->n_readings, 12);
    size_t i = world_add_source(&w, "demo");
    world_apply(&w, i, new, 1012);
    cr_assert_eq(history_len(&world_metric(&w, "cpu")->hist), 12);
    snapshot_free(old);
}

Test(world, a_reading_for_another_service_gets_its_own_view)
{
    size_t i = world_add_source(&w, "pgbouncer");
    struct snapshot *s = snapshot_new();
    snapshot_add_reading(s, "db_connections", "pgbouncer", 1000, 90);
    world_apply(&w, i, s, 1000);
    world_evaluate(&w, 1000);
    cr_assert_eq(w.n_metrics, 6, "the five rules and pgbouncer's pool");
    const struct metric_view *m = &w.metrics[5];
    cr_assert_str_eq(m->rule.id, "db_connections");
    cr_assert_str_eq(m->service, "pgbouncer");
    cr_assert_eq(m->band, BAND_WARNING, "the pool's 90%% against the same 80/95 bands");
    cr_assert_eq(world_metric(&w, "db_connections")->band, BAND_UNKNOWN,
                 "postgres's own view is untouched");
}

Test(world, the_scale_target_carries_the_bounds_the_actuator_must_check)
{
    size_t i = world_add_source(&w, "demo");
    world_apply(&w, i, snap_with_api(1000, 5, 5, 50, 40), 1000);
    world_evaluate(&w, 1000);
    const struct service_view *v = world_service(&w, NULL, "api");
    cr_assert_eq(v->svc.max, 0, "the source's own copy says it knows no bounds");
    struct service target;
    world_scale_target(v, &target);
    cr_assert_eq(target.min, 3, "no autoscaler: the config's api-hpa bounds");
    cr_assert_eq(target.max, 20);
    struct actuator a;
    int calls = 0;
    char audit[] = "/tmp/forgetop-world-audit-XXXXXX";
    int fd = mkstemp(audit);
    cr_assert_geq(fd, 0);
    close(fd);
    actuator_init(&a, false, audit, count_submit, &calls);
    struct scale_request req = {.from = 5, .to = 21};
    snprintf(req.service, sizeof(req.service), "api");
    char why[256];
    cr_assert_eq(actuator_request(&a, &req, &target, NULL, 1000, why, sizeof(why)), ACT_REFUSED);
    cr_assert(strstr(why, "3..20") != NULL, "%s", why);
    cr_assert_eq(calls, 0);
    unlink(audit);
}
