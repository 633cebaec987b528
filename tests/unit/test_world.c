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

Test(world, the_metrics_class_wins_and_the_cluster_is_the_fallback)
{
    size_t kube = world_add_source(&w, "kube");
    size_t prom = world_add_source(&w, "m");
    struct source_status sk = ok_status("kube", 1000), sp = ok_status("m", 1000);
    world_set_status(&w, kube, &sk);
    world_set_status(&w, prom, &sp);
    struct snapshot *p = snapshot_new();
    snprintf(p->reading_class, sizeof(p->reading_class), "metrics");
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
    cr_assert_float_eq(series_at(&w.services[0].cpu_hist, 1000), 50, 1e-9,
                       "history survives the merge");
    cr_assert_float_eq(series_at(&w.services[0].cpu_hist, 1002), 50, 1e-9);
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

/* The table, the reason and the prediction come from one evaluation of the same figures:
 * a new cpu figure moves the recommendation at once (issue 10: the table said 129% while
 * the reason, 15 s older, said 89%). */
Test(world, a_recommendation_follows_the_figures_it_is_shown_beside)
{
    size_t i = world_add_source(&w, "demo");
    world_apply(&w, i, snap_with_api(1000, 5, 5, 92, 40), 1000);
    world_evaluate(&w, 1000);
    cr_assert_eq(world_service(&w, NULL, "api")->rec.replicas, 7, "ceil(5 x 1.31) = 7");
    world_apply(&w, i, snap_with_api(1005, 5, 5, 140, 40), 1005);
    world_evaluate(&w, 1005);
    const struct service_view *v = world_service(&w, NULL, "api");
    cr_assert_eq(v->rec.replicas, 10, "ceil(5 x 2.00) = 10: %s", v->rec.reason);
    cr_assert(strstr(v->rec.reason, "cpu 140% / target 70%") != NULL, "%s", v->rec.reason);
    char after[128];
    world_predict(&w, v, v->rec.replicas, after, sizeof after);
    cr_assert(strncmp(after, "cpu 140% -> ~70%", 16) == 0, "%s", after);
    cr_assert_float_eq(v->rec_t, 1005, 1e-9);
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
    cr_assert_str_eq(out, "cpu 92% -> ~66%, memory 60% of limit -> ~43%");
}

/* ---- memory as the HPA counts it: % of the request ---- */

static struct snapshot *snap_api_memory(double t, double mem_of_limit, double mem_of_request)
{
    struct snapshot *s = snap_with_api(t, 5, 5, 60, mem_of_limit);
    s->services[0].mem_req_pct = mem_of_request;
    return s;
}

/* The demo's api at 64 % of its 2Gi limit is at 128 % of its 1Gi request: the runbook's
 * api-hpa (memory target 80) wants ceil(5 x 1.60) = 8, not the 5 the limit's 64 % gave. */
Test(world, the_hpa_memory_target_compares_the_request_share)
{
    size_t i = world_add_source(&w, "demo");
    world_apply(&w, i, snap_api_memory(1000, 64, 128), 1000);
    world_evaluate(&w, 1000);
    const struct service_view *v = world_service(&w, NULL, "api");
    cr_assert(v->has_rec);
    cr_assert_eq(v->rec.replicas, 8, "%s", v->rec.reason);
    cr_assert(strstr(v->rec.reason, "memory 128% / target 80% -> ceil(5 x 1.60) = 8") != NULL, "%s",
              v->rec.reason);
    char after[128];
    world_predict(&w, v, v->rec.replicas, after, sizeof after);
    cr_assert_str_eq(after, "cpu 60% -> ~38%, memory 128% of request -> ~80%");
}

/* The HPA's own status figure beside ours: equal is agreement; a gap past the HPA's
 * tolerance of its target is said, naming both. */
Test(world, the_autoscalers_own_figures_are_checked_against_ours)
{
    size_t i = world_add_source(&w, "kube");
    struct snapshot *s = snap_api_memory(1000, 58, 116);
    struct autoscaler *a = &s->services[0].autoscaler;
    a->present = a->desired_known = true;
    snprintf(a->kind, sizeof(a->kind), "HPA");
    snprintf(a->name, sizeof(a->name), "api-hpa");
    a->min = 3, a->max = 20, a->desired = 8;
    a->cpu_target = 70, a->mem_target = 80;
    a->cpu_current = 60, a->mem_current = 116;
    world_apply(&w, i, s, 1000);
    world_evaluate(&w, 1000);
    const struct service_view *v = world_service(&w, NULL, "api");
    cr_assert(v->hpa_agrees, "%s", v->hpa_note);
    s = snap_api_memory(1005, 58, 116);
    s->services[0].autoscaler = *a;
    s->services[0].autoscaler.mem_current = 58; /* % of limit, as forgetop once had it */
    world_apply(&w, i, s, 1005);
    world_evaluate(&w, 1005);
    v = world_service(&w, NULL, "api");
    cr_assert_not(v->hpa_agrees);
    cr_assert_str_eq(v->hpa_note, "api-hpa reads memory 58%, forgetop 116% of request");
}

/* ---- sustained state on the readings' clock ---- */

static struct snapshot *snap_cpu(double t, double cpu, double clock, double rate)
{
    struct snapshot *s = snap_with_api(t, 5, 5, cpu, 40);
    s->clock = clock;
    s->clock_rate = rate;
    return s;
}

/* A demo at --demo-speed 60: 11 real seconds over the threshold are 11 simulated minutes,
 * past the cpu rule's 10 m, so it fires; on the wall clock it would still be pending.
 * (clock_from 0: the rate holds over the whole run.) */
Test(world, sustained_follows_the_readings_clock)
{
    size_t i = world_add_source(&w, "demo");
    struct source_status st = ok_status("demo", 1000);
    world_set_status(&w, i, &st);
    world_apply(&w, i, snap_cpu(1000, 90, 5000, 60), 1000);
    world_apply(&w, i, snap_cpu(1005, 90, 5300, 60), 1005);
    world_apply(&w, i, snap_cpu(1011, 90, 5660, 60), 1011);
    world_evaluate(&w, 1011);
    const struct metric_view *m = world_metric(&w, "cpu");
    cr_assert_eq(m->sustain.state, SUSTAINED_FIRING, "for %gs", m->sustain.for_s);
    cr_assert_float_eq(m->sustain.for_s, 660, 1e-6);

    struct world w2;
    world_init(&w2, &cfg);
    i = world_add_source(&w2, "demo");
    world_set_status(&w2, i, &st);
    world_apply(&w2, i, snap_cpu(1000, 90, 0, 0), 1000);
    world_apply(&w2, i, snap_cpu(1011, 90, 0, 0), 1011);
    world_evaluate(&w2, 1011);
    cr_assert_eq(world_metric(&w2, "cpu")->sustain.state, SUSTAINED_PENDING);
    world_free(&w2);
}

/* The HPA's windows run on the same clock: at speed 60 the 300 s scale-down window is
 * 5 real seconds, so a fall from 10 is held at first and released once it has passed. */
static struct snapshot *snap_ten(double t, double cpu, double clock)
{
    struct snapshot *s = snap_cpu(t, cpu, clock, 60);
    s->services[0].desired = s->services[0].ready = 10;
    s->services[0].mem_req_pct = 40;
    return s;
}

Test(world, hpa_windows_follow_the_readings_clock)
{
    size_t i = world_add_source(&w, "demo");
    world_apply(&w, i, snap_ten(1000, 70, 5000), 1000);
    world_evaluate(&w, 1000);
    cr_assert_eq(world_service(&w, NULL, "api")->rec.replicas, 10);
    world_apply(&w, i, snap_ten(1001, 35, 5060), 1001);
    world_evaluate(&w, 1001);
    const struct service_view *v = world_service(&w, NULL, "api");
    cr_assert_eq(v->rec.replicas, 10, "held by the 300 s window: %s", v->rec.reason);
    cr_assert(strstr(v->rec.reason, "stabilised: highest of last 300s = 10") != NULL, "%s",
              v->rec.reason);
    world_apply(&w, i, snap_ten(1006, 35, 5360), 1006);
    world_evaluate(&w, 1006);
    v = world_service(&w, NULL, "api");
    cr_assert_eq(v->rec.replicas, 9, "the window has passed in simulated time, 10%%/60s: %s",
                 v->rec.reason);
}

/* When a source reports the alert rule watching a metric, its state and activeAt are
 * used: a restart of forgetop (a fresh world, one sample) does not reset a firing alert. */
Test(world, an_alert_rules_own_state_and_start_are_used)
{
    size_t d = world_add_source(&w, "demo"), p = world_add_source(&w, "alerts");
    struct source_status st = ok_status("demo", 1000), sp = ok_status("alerts", 1000);
    world_set_status(&w, d, &st);
    world_set_status(&w, p, &sp);
    world_apply(&w, d, snap_cpu(1000, 90, 0, 0), 1000);
    struct snapshot *s = snapshot_new();
    s->taken_at = 1000;
    struct alert *a = snapshot_add_alert(s);
    snprintf(a->name, sizeof(a->name), "%s", cfg.metrics[0].alert);
    snprintf(a->state, sizeof(a->state), "firing");
    a->active_at = 200;
    world_apply(&w, p, s, 1000);
    world_evaluate(&w, 1000);
    const struct metric_view *m = world_metric(&w, "cpu");
    cr_assert_eq(m->sustain.state, SUSTAINED_FIRING);
    cr_assert_float_eq(m->sustain.since, 200, 1e-9);
    cr_assert_float_eq(m->sustain.for_s, 800, 1e-9);
    /* a failing alert source is not believed: forgetop's own timer (one sample) again */
    sp.state = SOURCE_FAILING;
    world_set_status(&w, p, &sp);
    world_evaluate(&w, 1000);
    cr_assert_eq(world_metric(&w, "cpu")->sustain.state, SUSTAINED_PENDING);
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
    s->access = (struct access){PERM_DENIED, PERM_ALLOWED, 990, PERM_UNKNOWN};
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

/* A source that measures every share against the limit (Compose's docker stats) has no
 * request: its limit share stands in for memory as for cpu. Any other source without a
 * request share gives the HPA no memory figure, which holds a scale-down. */
Test(world, without_a_request_share_only_a_limit_measuring_source_stands_in)
{
    size_t i = world_add_source(&w, "compose");
    struct snapshot *s = snap_with_api(1000, 5, 5, 60, 128);
    snprintf(s->services[0].cpu_of, sizeof(s->services[0].cpu_of), "limit");
    world_apply(&w, i, s, 1000);
    world_evaluate(&w, 1000);
    const struct service_view *v = world_service(&w, NULL, "api");
    cr_assert_eq(v->rec.replicas, 8, "%s", v->rec.reason);
    char after[128];
    world_predict(&w, v, v->rec.replicas, after, sizeof after);
    cr_assert_str_eq(after, "cpu 60% -> ~38%, memory 128% of limit -> ~80%");
    world_apply(&w, i, snap_with_api(1005, 5, 5, 30, 20), 1005);
    world_evaluate(&w, 1005);
    v = world_service(&w, NULL, "api");
    cr_assert_eq(v->rec.replicas, 5, "no memory figure: no scale-down, %s", v->rec.reason);
    cr_assert(strstr(v->rec.reason, "memory: no reading") != NULL, "%s", v->rec.reason);
}

Test(world, a_switched_source_leaves_nothing_behind)
{
    size_t k = world_add_source(&w, "kube"), o = world_add_source(&w, "other");
    struct snapshot *s = snap_with_api(1000, 5, 5, 50, 40);
    snprintf(s->context, sizeof s->context, "staging");
    snprintf(s->namespace_, sizeof s->namespace_, "team-a");
    world_apply(&w, k, s, 1000);
    struct snapshot *t = snapshot_new();
    t->taken_at = 1000;
    snprintf(snapshot_add_service(t)->name, FT_NAME_MAX, "worker");
    world_apply(&w, o, t, 1000);
    world_set_status(&w, k,
                     &(struct source_status){.name = "kube",
                                             .state = SOURCE_OK,
                                             .last_ok = 1000,
                                             .last_try = 1000,
                                             .interval_s = 1});
    world_evaluate(&w, 1000);
    const struct metric_view *cpu = world_metric(&w, "cpu");
    cr_assert(cpu != NULL && cpu->has_value, "the cpu reading came from kube");
    cr_assert_str_eq(w.namespace_, "team-a");

    world_clear_source(&w, k);
    cr_expect_eq(w.n_services, 1, "only the other source's service stays");
    cr_expect_str_eq(w.services[0].svc.name, "worker");
    cr_expect(!cpu->has_value && history_len(&cpu->hist) == 0, "its metric samples are gone");
    cr_expect(w.snaps[k] == NULL && w.snaps[o] != NULL);
    cr_expect_eq(w.sources[k].state, SOURCE_STARTING);
    cr_expect_str_eq(w.sources[k].name, "kube");
    cr_expect_str_eq(w.context, "", "the header forgets the old context");
    cr_expect_str_eq(w.namespace_, "");
}

Test(world, one_name_in_two_namespaces_is_two_rows)
{
    size_t i = world_add_source(&w, "kube");
    struct snapshot *s = snapshot_new();
    s->taken_at = 1000;
    const char *ns[] = {"team-b", "team-a"};
    for (int k = 0; k < 2; k++) {
        struct service *svc = snapshot_add_service(s);
        snprintf(svc->name, sizeof svc->name, "web");
        snprintf(svc->namespace_, sizeof svc->namespace_, "%s", ns[k]);
        svc->desired = k + 1;
    }
    world_apply(&w, i, s, 1000);
    cr_assert_eq(w.n_services, 2);
    cr_expect_str_eq(w.services[0].svc.namespace_, "team-a", "sorted by namespace, then name");
    const struct service_view *b = world_service_ns(&w, NULL, "team-b", "web");
    cr_assert_not_null(b);
    cr_expect_eq(b->svc.desired, 1, "the lookup takes the namespace into account");
}

/* The source-state rule, at the times around its deadline: a source polling every 2 s
 * with a 3 s timeout whose last good poll ended at t=100. */
static struct source_status timed(bool in_poll, double started, int failures)
{
    struct source_status st = {.last_ok = 100, .interval_s = 2, .timeout_s = 3};
    st.in_poll = in_poll;
    st.last_try = in_poll ? started : 100;
    st.failures = failures;
    return st;
}

Test(world, a_hung_poll_is_stale_once_it_outlives_its_timeout)
{
    struct source_status st = timed(true, 101.5, 0);
    world_judge_source(&st, 104.4); /* 2.9 s into a poll that may take 3 */
    cr_assert_eq(st.state, SOURCE_OK);
    cr_assert_str_eq(st.error, "");
    st = timed(true, 101.5, 0);
    world_judge_source(&st, 113.6); /* 12.1 s, not 2 intervals + 1 s later */
    cr_assert_eq(st.state, SOURCE_STALE);
    cr_assert_str_eq(st.error, "no answer for 12 s");
    st = timed(true, 101.5, 2); /* two failures before it, this hang is the third */
    world_judge_source(&st, 105);
    cr_assert_eq(st.state, SOURCE_FAILING);
}

Test(world, no_poll_at_all_is_stale_past_one_interval_plus_the_timeout)
{
    struct source_status st = timed(false, 0, 0);
    world_judge_source(&st, 104.9);
    cr_assert_eq(st.state, SOURCE_OK, "2 + 3 s have not passed yet");
    world_judge_source(&st, 105.2);
    cr_assert_eq(st.state, SOURCE_STALE);
    cr_assert_str_eq(st.error, "no poll for 5 s");
}

Test(world, a_failure_keeps_its_words_and_a_source_never_ok_is_failing)
{
    struct source_status st = timed(false, 0, 1);
    snprintf(st.error, sizeof st.error, "connection refused");
    world_judge_source(&st, 101);
    cr_assert_eq(st.state, SOURCE_STALE);
    cr_assert_str_eq(st.error, "connection refused");
    st.last_ok = 0;
    world_judge_source(&st, 101);
    cr_assert_eq(st.state, SOURCE_FAILING);
    struct source_status fresh = {
        .interval_s = 2, .timeout_s = 3, .in_poll = true, .last_try = 100};
    world_judge_source(&fresh, 102);
    cr_assert_eq(fresh.state, SOURCE_STARTING);
    world_judge_source(&fresh, 103.5);
    cr_assert_eq(fresh.state, SOURCE_FAILING, "a first poll that hangs past its timeout");
    cr_assert_str_eq(fresh.error, "no answer for 4 s");
}

/* The autoscaling state (2 KB a view) is made only for a service that needs it: one a rule
 * judges (the runbook's api) or whose count changed; never for the thousands nothing
 * judges. Freed with its view when the source stops showing it (ASan's leak check). */
Test(world, autoscaling_state_is_made_only_where_it_is_used)
{
    size_t i = world_add_source(&w, "demo");
    struct snapshot *s = snap_with_api(1000, 5, 5, 50, 40);
    snprintf(snapshot_add_service(s)->name, FT_NAME_MAX, "plain");
    world_apply(&w, i, s, 1000);
    world_evaluate(&w, 1000);
    const struct service_view *api = world_service(&w, NULL, "api");
    const struct service_view *plain = world_service(&w, NULL, "plain");
    cr_assert(api != NULL && plain != NULL);
    cr_expect_not_null(api->hpa, "the runbook's api rule recommends from it");
    cr_expect_null(plain->hpa, "no rule, no autoscaler, no change of count: none");
    s = snap_with_api(1030, 5, 5, 50, 40);
    struct service *p = snapshot_add_service(s);
    snprintf(p->name, FT_NAME_MAX, "plain");
    p->desired = 2;
    world_apply(&w, i, s, 1030);
    plain = world_service(&w, NULL, "plain");
    cr_assert_not_null(plain);
    cr_expect_not_null(plain->hpa, "a change of count is recorded for the rate policies");
    cr_expect_eq(plain->hpa->n_scales, 1);
    world_apply(&w, i, snap_with_api(1060, 5, 5, 50, 40), 1060);
    cr_expect_null(world_service(&w, NULL, "plain"), "gone, and its state freed with it");
}
