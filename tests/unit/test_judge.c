/* test_judge.c - a proposed count judged before it is confirmed: every predicted figure
 * banded by the config's thresholds; over 100 % of a request, a critical band, DB
 * connections pushed past their threshold by the per-replica pool, a queue that would
 * stay over its threshold past the alert window, and stale data each need a second
 * confirmation that names the danger; a harmless change needs none. */

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "forgetop/judge.h"

static struct config cfg;
static struct world w;

static void setup(void)
{
    config_defaults(&cfg); /* api: db_pool 20, cpu 70/85; agent-worker: queue_depth */
    world_init(&w, &cfg);
}

static void teardown(void)
{
    world_free(&w);
}

TestSuite(judge, .init = setup, .fini = teardown);

#define NOW 1000.0

static struct service *add_service(struct snapshot *s, const char *name, int n, double cpu,
                                   double mem)
{
    struct service *svc = snapshot_add_service(s);
    snprintf(svc->name, sizeof svc->name, "%s", name);
    svc->desired = svc->ready = n;
    svc->cpu_pct = cpu;
    svc->mem_pct = mem;
    return svc;
}

/* One source, fresh (or stale for stale_s), with api at 5 and agent-worker at 10. */
static void world_with(double used_conns, double depth, double served, double arrivals,
                       double stale_s)
{
    size_t i = world_add_source(&w, "demo");
    struct snapshot *s = snapshot_new();
    s->taken_at = NOW - stale_s;
    add_service(s, "api", 5, 74, 60);
    add_service(s, "agent-worker", 10, 30, 30);
    snapshot_add_reading(s, "db_connections", "database", NOW - stale_s, used_conns / 2);
    snapshot_add_reading(s, "db_connections_used", "database", NOW - stale_s, used_conns);
    snapshot_add_reading(s, "db_connections_max", "database", NOW - stale_s, 200);
    snapshot_add_reading(s, "queue_depth", "agent-worker", NOW - stale_s, depth);
    snapshot_add_reading(s, "queue_throughput", "agent-worker", NOW - stale_s, served);
    snapshot_add_reading(s, "queue_arrivals", "agent-worker", NOW - stale_s, arrivals);
    world_apply(&w, i, s, NOW);
    struct source_status st = {
        .state = stale_s > 0 ? SOURCE_STALE : SOURCE_OK, .last_ok = NOW - stale_s, .last_try = NOW};
    snprintf(st.name, sizeof st.name, "demo");
    world_set_status(&w, i, &st);
    world_evaluate(&w, NOW);
}

static struct judgement judge(const char *name, int to)
{
    struct judgement j;
    const struct service_view *sv = world_service(&w, NULL, name);
    cr_assert_not_null(sv);
    judge_change(&w, sv, to, NOW, &j);
    return j;
}

Test(judge, a_harmless_change_needs_one_confirmation_and_bands_each_figure)
{
    world_with(100, 500, 10, 5, 0); /* DB 50%, queue under its warning */
    struct judgement j = judge("api", 6);
    cr_expect_not(j.needs_second, "%s", j.danger);
    cr_assert_geq(j.n, 3);
    cr_expect_str_eq(j.fig[0].label, "cpu");
    cr_expect_float_eq(j.fig[0].after, 62, 0.01);
    cr_expect_eq(j.fig[0].band, BAND_OK);
    cr_expect_str_eq(j.fig[2].label, "DB connections");
    cr_expect_float_eq(j.fig[2].after, 60, 0.01, "100 + 20 of 200");
}

Test(judge, over_100_percent_of_a_request_is_a_danger)
{
    world_with(100, 500, 10, 5, 0);
    struct judgement j = judge("api", 3); /* 74% x 5/3 = 123% */
    cr_expect(j.needs_second);
    cr_expect_eq(j.fig[0].band, BAND_CRITICAL);
    cr_expect(j.fig[0].over_limit);
    cr_expect_not_null(strstr(j.danger, "cpu ~123% is over 100% of its request"), "%s", j.danger);
    j = judge("api", 4); /* 92.5 -> 93%: critical, not over */
    cr_expect(j.needs_second);
    cr_expect_not_null(strstr(j.danger, "cpu ~93% is critical (over 85%)"), "%s", j.danger);
}

Test(judge, db_connections_pushed_past_their_threshold_by_the_pool)
{
    world_with(154, 500, 10, 5, 0);       /* 77 % */
    struct judgement j = judge("api", 6); /* + 20 -> 87 % */
    cr_expect(j.needs_second);
    cr_expect_not_null(strstr(j.danger, "DB connections ~87% pass the 80% threshold (20 per api "
                                        "replica)"),
                       "%s", j.danger);
    j = judge("api", 8); /* + 60 -> 214 of 200 */
    cr_expect_not_null(strstr(j.danger, "clients will wait"), "%s", j.danger);
    j = judge("api", 4); /* fewer: frees connections, no danger from the database */
    cr_expect_null(strstr(j.danger, "DB connections"), "%s", j.danger);
}

Test(judge, a_queue_that_would_outlast_its_alert_window_is_a_danger)
{
    world_with(20, 3000, 10, 8, 0);                /* 2000 over the warning, draining 2/s: 1000 s */
    struct judgement j = judge("agent-worker", 5); /* 5/s against 8/s arriving: never */
    cr_expect(j.needs_second);
    cr_expect_not_null(strstr(j.danger, "queue 3000 never drains with 5 workers"), "%s", j.danger);
    j = judge("agent-worker", 40); /* 40/s: 2000 / 32 = 63 s, inside the 5 m window */
    cr_expect_not(j.needs_second, "%s", j.danger);
    size_t q = 0;
    while (q < j.n && strncmp(j.fig[q].label, "queue", 5) != 0)
        q++;
    cr_assert_lt(q, j.n, "a queue figure for the workers");
    cr_expect_float_eq(j.fig[q].after, 2000.0 / 32, 0.01);
}

Test(judge, stale_data_says_its_age_and_needs_the_second_confirmation)
{
    world_with(100, 500, 10, 5, 40);
    struct judgement j = judge("api", 6);
    cr_expect(j.needs_second);
    cr_expect_float_eq(j.stale_s, 40, 0.01);
    cr_expect_not_null(strstr(j.danger, "demo's data is 40s old (stale)"), "%s", j.danger);
}
