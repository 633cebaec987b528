/* test_demo.c - the demo cluster: deterministic per seed, a 30-minute backfill, and a
 * simulation that answers scaling the way the runbook says a cluster does.
 *
 * Time is a fake clock the tests move by hand. */

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "forgetop/config.h"
#include "forgetop/demo.h"
#include "forgetop/poller.h"
#include "forgetop/source.h"

#define T0 1900000000.0

static double fake_now = T0;
static double fake_clock(void)
{
    return fake_now;
}

static struct source *demo_at(uint64_t seed, double speed)
{
    struct config c;
    memset(&c, 0, sizeof(c));
    c.seed = seed;
    c.demo_speed = speed;
    char err[256] = "";
    struct source *src = demo_source_new(&c, err, sizeof(err));
    cr_assert_not_null(src, "%s", err);
    demo_set_clock(src, fake_clock);
    return src;
}

static struct snapshot *poll_at(struct source *src, double t)
{
    fake_now = t;
    struct snapshot *s = snapshot_new();
    char err[256] = "";
    cr_assert_eq(src->ops->poll(src, s, err, sizeof(err)), 0, "%s", err);
    return s;
}

/* The newest value of a metric in a snapshot. */
static double latest(const struct snapshot *s, const char *metric)
{
    double v = NAN, t = -INFINITY;
    for (size_t i = 0; i < s->n_readings; i++)
        if (strcmp(s->readings[i].metric, metric) == 0 && s->readings[i].t >= t) {
            t = s->readings[i].t;
            v = s->readings[i].value;
        }
    return v;
}

static const struct service *service(const struct snapshot *s, const char *name)
{
    for (size_t i = 0; i < s->n_services; i++)
        if (strcmp(s->services[i].name, name) == 0)
            return &s->services[i];
    cr_assert_fail("no service %s", name);
    return NULL;
}

static int scale(struct source *src, const char *svc, int from, int to, char *msg, size_t len)
{
    struct scale_request req;
    memset(&req, 0, sizeof(req));
    snprintf(req.service, sizeof(req.service), "%s", svc);
    snprintf(req.namespace_, sizeof(req.namespace_), "open-forge");
    req.from = from;
    req.to = to;
    return src->ops->scale(src, &req, msg, len);
}

/* Everything a snapshot says, as text, so two can be compared whole. */
static char *render(const struct snapshot *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fprintf(f, "%.6f %s\n", s->taken_at, s->context);
    for (size_t i = 0; i < s->n_services; i++) {
        const struct service *v = &s->services[i];
        fprintf(f, "%s %d %d %d %d %.9g %.9g %.9g %.9g\n", v->name, v->desired, v->ready,
                v->updated, v->available, v->cpu_pct, v->mem_pct, v->cpu_cores, v->mem_bytes);
        for (size_t j = 0; j < v->n_pods; j++)
            fprintf(f, " %s %s %d %d %.3f %s %.9g\n", v->pods[j].name, v->pods[j].phase,
                    v->pods[j].ready, v->pods[j].restarts, v->pods[j].started_at, v->pods[j].node,
                    v->pods[j].cpu_cores);
    }
    for (size_t i = 0; i < s->n_readings; i++)
        fprintf(f, "%s %s %.3f %.9g\n", s->readings[i].metric, s->readings[i].service,
                s->readings[i].t, s->readings[i].value);
    for (size_t i = 0; i < s->n_facts; i++)
        fprintf(f, "%s %s %d %.9g %.9g %s %s\n", s->facts[i].panel, s->facts[i].label,
                (int)s->facts[i].unit, s->facts[i].value, s->facts[i].of, s->facts[i].text,
                s->facts[i].rule);
    fclose(f);
    return buf;
}

static char *first_poll(uint64_t seed)
{
    struct source *src = demo_at(seed, 1);
    struct snapshot *s = poll_at(src, T0);
    char *text = render(s);
    snapshot_free(s);
    source_destroy(src);
    return text;
}

Test(demo, same_seed_gives_an_identical_first_snapshot)
{
    char *a = first_poll(7), *b = first_poll(7);
    cr_assert_str_eq(a, b);
    free(a);
    free(b);
}

Test(demo, different_seeds_give_different_first_snapshots)
{
    char *a = first_poll(1), *b = first_poll(2);
    cr_assert_str_neq(a, b);
    free(a);
    free(b);
}

Test(demo, first_poll_backfills_thirty_minutes_every_fifteen_seconds)
{
    struct source *src = demo_at(1, 1);
    struct snapshot *s = poll_at(src, T0);
    size_t n = 0;
    double lo = INFINITY, hi = -INFINITY, prev = -INFINITY;
    for (size_t i = 0; i < s->n_readings; i++) {
        if (strcmp(s->readings[i].metric, "cpu") != 0)
            continue;
        double t = s->readings[i].t;
        if (n > 0)
            cr_assert_float_eq(t - prev, 15.0, 1e-6);
        prev = t;
        lo = fmin(lo, t);
        hi = fmax(hi, t);
        n++;
    }
    cr_assert_eq(n, 121);
    cr_assert_float_eq(lo, T0 - 1800, 1e-6);
    cr_assert_float_eq(hi, T0, 1e-6);
    snapshot_free(s);

    s = poll_at(src, T0 + 2);
    cr_assert_eq(s->n_readings, 5 + 5,
                 "later polls carry only the current sample (+3 database counts, +2 queue rates)");
    cr_assert_float_eq(s->readings[0].t, T0 + 2, 1e-6);
    snapshot_free(s);
    source_destroy(src);
}

Test(demo, readings_carry_the_five_runbook_metrics)
{
    static const struct {
        const char *metric, *service;
        double lo, hi;
    } want[] = {
        {"cpu", "api", 1, 200},
        {"memory", "api", 1, 100},
        {"latency_p99", "api", 20, 4000},
        {"queue_depth", "agent-worker", 0, 1e6},
        {"db_connections", "database", 1, 100},
    };
    struct source *src = demo_at(3, 1);
    struct snapshot *s = poll_at(src, T0);
    for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
        size_t n = 0;
        for (size_t i = 0; i < s->n_readings; i++) {
            const struct reading *r = &s->readings[i];
            if (strcmp(r->metric, want[k].metric) != 0)
                continue;
            cr_assert_str_eq(r->service, want[k].service, "%s", r->metric);
            cr_assert(r->value >= want[k].lo && r->value <= want[k].hi, "%s = %g", r->metric,
                      r->value);
            n++;
        }
        cr_assert_eq(n, 121, "%s has %zu samples", want[k].metric, n);
    }
    cr_assert_eq(s->n_readings, 5 * 121 + 5,
                 "no other metric but the database counts and the queue's two rates");
    snapshot_free(s);
    source_destroy(src);
}

Test(demo, starts_with_api_cpu_in_warning_and_the_queue_growing)
{
    struct source *src = demo_at(1, 1);
    struct snapshot *s = poll_at(src, T0);
    double cpu = latest(s, "cpu"), db = latest(s, "db_connections");
    cr_assert(cpu > 70 && cpu <= 85, "api cpu %g in the warning band", cpu);
    cr_assert(db >= 65 && db <= 85, "db connections %g%%", db);
    const struct service *api = service(s, "api");
    cr_assert_eq(api->desired, 5);
    cr_assert_eq(api->ready, 5);
    cr_assert_float_eq(api->res.cpu_request, 0.5, 1e-9);
    cr_assert_float_eq(api->res.mem_limit, 2.0 * 1024 * 1024 * 1024, 1);
    cr_assert_eq(service(s, "agent-worker")->desired, 10);
    cr_assert_eq(service(s, "dagster-run-worker")->desired, 5);
    cr_assert_eq(service(s, "postgres-replica")->desired, 2);
    cr_assert(service(s, "postgres-primary")->unscalable);
    cr_assert_eq(api->n_pods, 5);
    cr_assert_str_eq(api->pods[0].phase, "Running");
    cr_assert_eq(strncmp(api->pods[0].name, "api-", 4), 0, "%s", api->pods[0].name);
    cr_assert_eq(strlen(api->pods[0].name), strlen("api-7d9f8c-x2k4p"), "%s", api->pods[0].name);
    cr_assert(api->pods[0].started_at < T0);
    snapshot_free(s);
    source_destroy(src);
}

Test(demo, new_api_replicas_turn_ready_after_the_rollout_and_cpu_falls)
{
    struct source *src = demo_at(1, 1), *twin = demo_at(1, 1);
    snapshot_free(poll_at(src, T0));
    snapshot_free(poll_at(twin, T0));
    char msg[256] = "";
    cr_assert_eq(scale(src, "api", 5, 8, msg, sizeof(msg)), 0, "%s", msg);
    cr_assert_str_eq(msg, "scaled api 5 -> 8");

    struct snapshot *s = poll_at(src, T0 + 10);
    cr_assert_eq(service(s, "api")->desired, 8);
    cr_assert_eq(service(s, "api")->ready, 5, "not ready before the rollout delay");
    cr_assert_eq(service(s, "api")->n_pods, 8);
    cr_assert_neq(model_text(service(s, "api")->status)[0], '\0', "a rollout says so");
    snapshot_free(s);

    s = poll_at(src, T0 + DEMO_ROLLOUT_S + 5);
    cr_assert_eq(service(s, "api")->ready, 8);
    snapshot_free(s);

    s = poll_at(src, T0 + 120);
    struct snapshot *t = poll_at(twin, T0 + 120);
    double scaled = latest(s, "cpu"), alone = latest(t, "cpu");
    cr_assert(scaled < alone * 0.7, "cpu %g with 8 replicas, %g with 5", scaled, alone);
    cr_assert(scaled < 70, "cpu back in the ok band: %g", scaled);
    cr_assert(latest(s, "latency_p99") < latest(t, "latency_p99"));
    cr_assert(latest(s, "db_connections") > latest(t, "db_connections"),
              "each api replica holds a pool");
    snapshot_free(s);
    snapshot_free(t);
    source_destroy(src);
    source_destroy(twin);
}

Test(demo, scale_down_is_immediate)
{
    struct source *src = demo_at(1, 1);
    snapshot_free(poll_at(src, T0));
    char msg[256];
    cr_assert_eq(scale(src, "agent-worker", 10, 4, msg, sizeof(msg)), 0, "%s", msg);
    struct snapshot *s = poll_at(src, T0 + 1);
    cr_assert_eq(service(s, "agent-worker")->desired, 4);
    cr_assert_eq(service(s, "agent-worker")->ready, 4);
    snapshot_free(s);
    source_destroy(src);
}

Test(demo, queue_grows_with_too_few_workers_and_drains_after_scaling_them)
{
    struct source *src = demo_at(1, 1);
    struct snapshot *s = poll_at(src, T0);
    double q0 = latest(s, "queue_depth");
    snapshot_free(s);
    s = poll_at(src, T0 + 600);
    double q10 = latest(s, "queue_depth");
    snapshot_free(s);
    cr_assert(q10 > q0 + 100, "queue grows with 10 workers: %g -> %g", q0, q10);

    char msg[256];
    cr_assert_eq(scale(src, "agent-worker", 10, 30, msg, sizeof(msg)), 0, "%s", msg);
    s = poll_at(src, T0 + 1200);
    double q20 = latest(s, "queue_depth");
    cr_assert(q20 < q10 - 200, "queue drains with 30 workers: %g -> %g", q10, q20);
    snapshot_free(s);
    source_destroy(src);
}

Test(demo, refuses_a_count_that_moved_or_a_service_that_cannot_scale)
{
    static const struct {
        const char *service;
        int from, to;
        const char *says;
    } cases[] = {
        {"api", 4, 6, "has 5 replicas now, not 4"},
        {"postgres-primary", 1, 2, "cannot be scaled by replicas"},
        {"redis", 1, 3, "cannot be scaled by replicas"},
        {"api", 5, 51, "takes 0..50 replicas"},
        {"nginx", 1, 2, "no service named nginx"},
    };
    struct source *src = demo_at(1, 1);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char msg[256] = "";
        cr_assert_eq(scale(src, cases[i].service, cases[i].from, cases[i].to, msg, sizeof(msg)), -1,
                     "%s", cases[i].service);
        cr_assert(strstr(msg, cases[i].says), "%s", msg);
    }
    struct snapshot *s = poll_at(src, T0);
    cr_assert_eq(service(s, "api")->desired, 5, "nothing changed");
    snapshot_free(s);
    source_destroy(src);
}

Test(demo, speed_runs_simulated_time_faster)
{
    struct source *src = demo_at(1, 60);
    snapshot_free(poll_at(src, T0));
    cr_assert_float_eq(demo_sim_time(src), DEMO_SIM_START, 1e-6);
    snapshot_free(poll_at(src, T0 + 60));
    cr_assert_float_eq(demo_sim_time(src), DEMO_SIM_START + 3600, 1e-6);
    source_destroy(src);
}

Test(demo, load_follows_the_day_with_a_night_trough)
{
    struct source *src = demo_at(1, 3600); /* an hour a second */
    snapshot_free(poll_at(src, T0));
    struct snapshot *s = poll_at(src, T0 + 18); /* 03:00 the next night */
    double night = latest(s, "cpu");
    snapshot_free(s);
    s = poll_at(src, T0 + 29); /* 14:00 */
    double day = latest(s, "cpu");
    snapshot_free(s);
    cr_assert(night < 30, "night cpu %g", night);
    cr_assert(day > 85, "afternoon cpu %g with 5 replicas", day);
    source_destroy(src);
}

static struct snapshot *next_snapshot(struct poller *p)
{
    for (int i = 0; i < 300; i++) {
        struct snapshot *s = poller_take(p, 0);
        if (s)
            return s;
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    cr_assert_fail("no demo snapshot within 3 s");
    return NULL;
}

Test(demo, scales_through_the_poller_and_the_next_snapshot_shows_it)
{
    struct config c;
    memset(&c, 0, sizeof(c));
    c.seed = 1;
    c.demo_speed = 100; /* the 20 s rollout takes 0.2 s */
    c.poll_interval_s = 0.05;
    char err[256];
    struct source *src = demo_source_new(&c, err, sizeof(err));
    cr_assert_not_null(src, "%s", err);
    struct poller *p = poller_new(&src, 1);
    poller_poll_once(p, 2);
    struct snapshot *s = next_snapshot(p);
    cr_assert_eq(service(s, "api")->desired, 5);
    cr_assert_geq(s->n_readings, 5 * 121, "the backfill comes with the first snapshot");
    snapshot_free(s);

    struct scale_request req;
    memset(&req, 0, sizeof(req));
    snprintf(req.source, sizeof(req.source), "demo");
    snprintf(req.service, sizeof(req.service), "api");
    req.from = 5;
    req.to = 7;
    cr_assert_eq(poller_submit_scale(p, &req), 0);
    struct scale_outcome o;
    int waited = 0;
    while (!poller_take_outcome(p, &o) && waited++ < 300) {
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    cr_assert_eq(o.status, 0, "%s", o.message);
    cr_assert_str_eq(o.message, "scaled api 5 -> 7");
    int ready = 0;
    for (int i = 0; i < 100 && ready < 7; i++) {
        s = next_snapshot(p);
        /* a poll that got the lock before the scale may still be in the slot */
        if (service(s, "api")->desired == 7)
            ready = service(s, "api")->ready;
        snapshot_free(s);
    }
    cr_assert_eq(ready, 7, "the new replicas turn ready");
    poller_free(p);
}

/* The demo's snapshots carry its simulated clock, so the world's sustained timers and HPA
 * windows follow --demo-speed: 10 real seconds at speed 60 are 600 simulated ones. */
Test(demo, snapshots_carry_the_simulated_clock)
{
    struct source *src = demo_at(1, 60);
    struct snapshot *a = poll_at(src, T0), *b = poll_at(src, T0 + 10);
    cr_assert_float_eq(a->clock_rate, 60, 1e-9);
    cr_assert_float_eq(a->clock_from, T0, 1e-9, "from the first poll; the backfill is 1:1");
    cr_assert_float_eq(b->clock - a->clock, 600, 1e-6);
    cr_assert_float_eq(b->clock, demo_sim_time(src), 5.0, "within one 5 s step");
    snapshot_free(a);
    snapshot_free(b);
    source_destroy(src);
}

/* The api's memory as an HPA memory target reads it: % of the 1Gi request, twice its share
 * of the 2Gi limit, an integer as the HPA truncates it. */
Test(demo, api_memory_is_given_of_request_and_of_limit)
{
    struct source *src = demo_at(1, 1);
    struct snapshot *s = poll_at(src, T0);
    const struct service *api = service(s, "api");
    cr_assert(!isnan(api->mem_req_pct) && !isnan(api->mem_pct));
    cr_assert_float_eq(api->mem_req_pct, trunc(api->mem_pct * 2), 1e-6);
    cr_assert_float_eq(api->cpu_pct, trunc(api->cpu_pct), 0);
    snapshot_free(s);
    source_destroy(src);
}
