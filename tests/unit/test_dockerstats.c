/* test_dockerstats.c - docker stats arithmetic, checked against figures worked by hand.
 *
 * The fixtures are recorded stats documents (tests/fixtures/docker-stats-v2.json, -v1.json);
 * each expected figure below shows the arithmetic that produced it. */

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "forgetop/dockerstats.h"

#define MiB (1024.0 * 1024.0)

static cJSON *load(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s (run from the repository root)", path);
    static char buf[64 * 1024];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    cJSON *doc = cJSON_Parse(buf);
    cr_assert_not_null(doc, "%s is not JSON", path);
    return doc;
}

static struct dockerstats_usage usage_of(const char *json)
{
    struct dockerstats_usage u;
    cJSON *doc = cJSON_Parse(json);
    cr_assert_not_null(doc, "bad JSON in test: %s", json);
    cr_assert_eq(dockerstats_usage(doc, &u), 0);
    cJSON_Delete(doc);
    return u;
}

#define near(a, b) cr_assert(fabs((a) - (b)) < 1e-9, "%s = %.12g, want %.12g", #a, (a), (b))

Test(dockerstats, reads_cgroup_v2_document_as_docker_stats_does)
{
    cJSON *doc = load("tests/fixtures/docker-stats-v2.json");
    struct dockerstats_usage u;
    cr_assert_eq(dockerstats_usage(doc, &u), 0);
    cJSON_Delete(doc);
    cr_assert_eq(u.online_cpus, 4);
    /* cpu: (218734291000 - 218234291000) / (1864231190000000 - 1864227190000000)
     *    = 500000000 / 4000000000 = 0.125 of the host, x 4 cpus = 0.5 cores = 50 % */
    near(u.cpu_cores, 0.5);
    near(u.cpu_pct, 50.0);
    /* memory: usage 268435456 - inactive_file 67108864 = 201326592 (192 MiB),
     * of limit 536870912 (512 MiB) = 37.5 % */
    cr_assert(!u.cgroup_v1);
    near(u.mem_bytes, 192 * MiB);
    near(u.mem_limit, 512 * MiB);
    near(u.mem_pct, 37.5);
}

Test(dockerstats, reads_cgroup_v1_document_with_percpu_array)
{
    cJSON *doc = load("tests/fixtures/docker-stats-v1.json");
    struct dockerstats_usage u;
    cr_assert_eq(dockerstats_usage(doc, &u), 0);
    cJSON_Delete(doc);
    /* no online_cpus: len(percpu_usage) = 2 */
    cr_assert_eq(u.online_cpus, 2);
    /* cpu: (9000000000 - 8700000000) / (50002000000000 - 50000000000000)
     *    = 300000000 / 2000000000 = 0.15, x 2 = 0.3 cores = 30 % */
    near(u.cpu_cores, 0.3);
    near(u.cpu_pct, 30.0);
    /* memory: usage 157286400 - total_inactive_file 52428800 = 104857600 (100 MiB),
     * of limit 209715200 (200 MiB) = 50 % */
    cr_assert(u.cgroup_v1);
    near(u.mem_bytes, 100 * MiB);
    near(u.mem_pct, 50.0);
}

Test(dockerstats, subtracts_cache_from_engines_without_total_inactive_file)
{
    /* 150 MiB used, 60 MiB cache -> 90 MiB, of 200 MiB = 45 % */
    struct dockerstats_usage u = usage_of(
        "{\"memory_stats\":{\"usage\":157286400,\"stats\":{\"cache\":62914560,\"rss\":94371840},"
        "\"limit\":209715200}}");
    cr_assert(u.cgroup_v1);
    near(u.mem_bytes, 90 * MiB);
    near(u.mem_pct, 45.0);
}

struct cpu_case {
    const char *name;
    const char *json;
    double want_cores; /* NAN: unknown */
};

static const struct cpu_case cpu_cases[] = {
    {"first sample: precpu empty, as a one-shot read returns it",
     "{\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":5000},\"system_cpu_usage\":90000,"
     "\"online_cpus\":2},\"precpu_stats\":{\"cpu_usage\":{\"total_usage\":0},"
     "\"throttling_data\":{\"periods\":0}}}",
     NAN},
    {"zero system delta: two reads in the same tick",
     "{\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":5000},\"system_cpu_usage\":90000,"
     "\"online_cpus\":2},\"precpu_stats\":{\"cpu_usage\":{\"total_usage\":4000},"
     "\"system_cpu_usage\":90000}}",
     NAN},
    {"usage counter went backwards: the container restarted",
     "{\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":100},\"system_cpu_usage\":90000,"
     "\"online_cpus\":2},\"precpu_stats\":{\"cpu_usage\":{\"total_usage\":4000},"
     "\"system_cpu_usage\":80000}}",
     NAN},
    {"neither online_cpus nor percpu_usage",
     "{\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":5000},\"system_cpu_usage\":90000},"
     "\"precpu_stats\":{\"cpu_usage\":{\"total_usage\":4000},\"system_cpu_usage\":80000}}",
     NAN},
    /* idle is a real 0: 0 / 10000 x 2 */
    {"idle container reads 0, not unknown",
     "{\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":4000},\"system_cpu_usage\":90000,"
     "\"online_cpus\":2},\"precpu_stats\":{\"cpu_usage\":{\"total_usage\":4000},"
     "\"system_cpu_usage\":80000}}",
     0.0},
    /* 1000 / 10000 x 8 = 0.8 cores */
    {"eight cpus",
     "{\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":5000},\"system_cpu_usage\":90000,"
     "\"online_cpus\":8},\"precpu_stats\":{\"cpu_usage\":{\"total_usage\":4000},"
     "\"system_cpu_usage\":80000}}",
     0.8},
};

Test(dockerstats, cpu_is_unknown_rather_than_zero_when_there_is_no_rate)
{
    for (size_t i = 0; i < sizeof(cpu_cases) / sizeof(cpu_cases[0]); i++) {
        const struct cpu_case *c = &cpu_cases[i];
        struct dockerstats_usage u = usage_of(c->json);
        if (isnan(c->want_cores)) {
            cr_expect(isnan(u.cpu_cores) && isnan(u.cpu_pct), "%s: got %g cores", c->name,
                      u.cpu_cores);
        } else {
            cr_expect(fabs(u.cpu_cores - c->want_cores) < 1e-9, "%s: got %g cores, want %g",
                      c->name, u.cpu_cores, c->want_cores);
            cr_expect(fabs(u.cpu_pct - c->want_cores * 100) < 1e-9, "%s: pct", c->name);
        }
    }
}

Test(dockerstats, memory_without_limit_is_absolute_with_no_percentage)
{
    struct dockerstats_usage u =
        usage_of("{\"memory_stats\":{\"usage\":104857600,\"stats\":{\"inactive_file\":4194304}}}");
    near(u.mem_bytes, 96 * MiB);
    cr_assert_eq(u.mem_limit, 0);
    cr_assert(isnan(u.mem_pct));
}

Test(dockerstats, memory_cache_larger_than_usage_leaves_usage)
{
    struct dockerstats_usage u = usage_of("{\"memory_stats\":{\"usage\":1000,"
                                          "\"stats\":{\"inactive_file\":5000},\"limit\":4000}}");
    near(u.mem_bytes, 1000.0);
    near(u.mem_pct, 25.0);
}

Test(dockerstats, memory_of_a_stopped_container_is_unknown)
{
    /* A stopped container's stats carry an empty memory_stats object. */
    struct dockerstats_usage u = usage_of("{\"memory_stats\":{},\"cpu_stats\":{}}");
    cr_assert(isnan(u.mem_bytes) && isnan(u.mem_pct) && isnan(u.cpu_cores));
}

Test(dockerstats, refuses_a_document_that_is_not_stats)
{
    struct dockerstats_usage u;
    cJSON *doc = cJSON_Parse("{\"message\":\"No such container: abc\"}");
    cr_assert_eq(dockerstats_usage(doc, &u), -1);
    cJSON_Delete(doc);
    cr_assert_eq(dockerstats_usage(NULL, &u), -1);
}

struct limit_case {
    const char *json;
    double cpu, mem;
};

static const struct limit_case limit_cases[] = {
    /* deploy.resources.limits.cpus: "1.5" becomes NanoCpus */
    {"{\"HostConfig\":{\"NanoCpus\":1500000000,\"Memory\":536870912}}", 1.5, 512 * MiB},
    /* cpu_quota / cpu_period: 50000 / 100000 */
    {"{\"HostConfig\":{\"NanoCpus\":0,\"CpuQuota\":50000,\"CpuPeriod\":100000,\"Memory\":0}}", 0.5,
     0},
    /* a quota without a period runs on the kernel's 100 ms period */
    {"{\"HostConfig\":{\"CpuQuota\":200000,\"CpuPeriod\":0}}", 2.0, 0},
    {"{\"HostConfig\":{\"NanoCpus\":0,\"CpuQuota\":0,\"Memory\":0}}", 0, 0},
    {"{}", 0, 0},
};

Test(dockerstats, reads_limits_from_host_config)
{
    for (size_t i = 0; i < sizeof(limit_cases) / sizeof(limit_cases[0]); i++) {
        struct dockerstats_limits l;
        cJSON *doc = cJSON_Parse(limit_cases[i].json);
        dockerstats_limits(doc, &l);
        cJSON_Delete(doc);
        cr_expect(fabs(l.cpu_cores - limit_cases[i].cpu) < 1e-9, "%s: cpu %g", limit_cases[i].json,
                  l.cpu_cores);
        cr_expect(fabs(l.mem_bytes - limit_cases[i].mem) < 1e-9, "%s: mem %g", limit_cases[i].json,
                  l.mem_bytes);
    }
}

static struct dockerstats_usage fixture_v2(void)
{
    cJSON *doc = load("tests/fixtures/docker-stats-v2.json");
    struct dockerstats_usage u;
    dockerstats_usage(doc, &u);
    cJSON_Delete(doc);
    return u;
}

Test(dockerstats, sums_a_service_against_its_limits)
{
    struct dockerstats_usage u = fixture_v2();
    struct dockerstats_limits l = {.cpu_cores = 1.0, .mem_bytes = 512 * MiB};
    struct dockerstats_total t;
    dockerstats_total_init(&t);
    dockerstats_total_add(&t, &u, &l);
    dockerstats_total_add(&t, &u, &l);
    dockerstats_total_finish(&t);
    /* 2 x 0.5 cores of 2 x 1 core = 50 %; 2 x 192 MiB of 2 x 512 MiB = 37.5 % */
    near(t.cpu_cores, 1.0);
    near(t.cpu_limit, 2.0);
    near(t.cpu_pct, 50.0);
    near(t.mem_bytes, 384 * MiB);
    near(t.mem_limit, 1024 * MiB);
    near(t.mem_pct, 37.5);
}

Test(dockerstats, service_without_limits_shows_absolute_figures_only)
{
    /* The engine reports the host's memory as the limit of an unlimited container; the
     * service has no limit, so no percentage of it. */
    struct dockerstats_usage u = fixture_v2();
    struct dockerstats_limits none = {0, 0};
    struct dockerstats_total t;
    dockerstats_total_init(&t);
    dockerstats_total_add(&t, &u, &none);
    dockerstats_total_add(&t, &u, &none);
    dockerstats_total_finish(&t);
    near(t.cpu_cores, 1.0);
    near(t.mem_bytes, 384 * MiB);
    cr_assert(isnan(t.cpu_pct) && isnan(t.mem_pct));
    cr_assert_eq(t.cpu_limit, 0);
    cr_assert_eq(t.mem_limit, 0);
}

Test(dockerstats, one_unlimited_container_voids_the_percentage)
{
    struct dockerstats_usage u = fixture_v2();
    struct dockerstats_limits l = {.cpu_cores = 1.0, .mem_bytes = 512 * MiB};
    struct dockerstats_limits none = {0, 0};
    struct dockerstats_total t;
    dockerstats_total_init(&t);
    dockerstats_total_add(&t, &u, &l);
    dockerstats_total_add(&t, &u, &none);
    dockerstats_total_finish(&t);
    cr_assert(isnan(t.cpu_pct) && isnan(t.mem_pct));
    near(t.cpu_cores, 1.0);
}

Test(dockerstats, timed_out_container_is_unknown_not_zero)
{
    struct dockerstats_usage u = fixture_v2();
    struct dockerstats_limits l = {.cpu_cores = 1.0, .mem_bytes = 512 * MiB};
    struct dockerstats_total t;
    dockerstats_total_init(&t);
    dockerstats_total_add(&t, &u, &l);
    dockerstats_total_add(&t, NULL, &l);
    dockerstats_total_finish(&t);
    /* The sum would miss a container: unknown. The percentage is of the one measured:
     * 0.5 of 1 core = 50 %, 192 of 512 MiB = 37.5 %. */
    cr_assert(isnan(t.cpu_cores) && isnan(t.mem_bytes));
    cr_assert_eq(t.cpu_unknown, 1);
    near(t.cpu_pct, 50.0);
    near(t.mem_pct, 37.5);
    near(t.cpu_limit, 2.0);
}

Test(dockerstats, service_with_no_measured_container_is_unknown)
{
    struct dockerstats_limits l = {.cpu_cores = 1.0, .mem_bytes = 512 * MiB};
    struct dockerstats_total t;
    dockerstats_total_init(&t);
    dockerstats_total_add(&t, NULL, &l);
    dockerstats_total_finish(&t);
    cr_assert(isnan(t.cpu_cores) && isnan(t.cpu_pct) && isnan(t.mem_bytes) && isnan(t.mem_pct));
    dockerstats_total_init(&t);
    dockerstats_total_finish(&t);
    cr_assert(isnan(t.cpu_cores) && isnan(t.cpu_pct));
}
