/* dockerstats.c - cpu and memory from Docker's stats documents, as `docker stats` does it.
 *
 * cpu % = (total_usage - precpu total_usage) / (system_cpu_usage - precpu system) x
 * online cpus x 100; memory = usage minus the page cache the kernel can drop. A figure
 * the document cannot support (no previous sample, no limit) is NAN, not a false 0. */

#include <math.h>
#include <string.h>

#include "forgetop/dockerstats.h"

/* A non-negative number at obj.key, or NAN when it is absent or not a number. */
static double num(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0)
        return NAN;
    return v->valuedouble;
}

static const cJSON *obj(const cJSON *parent, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(parent, key);
    return cJSON_IsObject(v) ? v : NULL;
}

static int online_cpus(const cJSON *cpu)
{
    double n = num(cpu, "online_cpus");
    if (!isnan(n) && n >= 1 && n < 1e6)
        return (int)n;
    /* Engines before API 1.27 (and cgroup v1 hosts) report only the per-cpu array. */
    const cJSON *usage = obj(cpu, "cpu_usage");
    const cJSON *per = cJSON_GetObjectItemCaseSensitive(usage, "percpu_usage");
    return cJSON_IsArray(per) ? cJSON_GetArraySize(per) : 0;
}

static void cpu_usage(const cJSON *stats, struct dockerstats_usage *u)
{
    const cJSON *cpu = obj(stats, "cpu_stats");
    const cJSON *pre = obj(stats, "precpu_stats");
    u->online_cpus = cpu != NULL ? online_cpus(cpu) : 0;
    if (cpu == NULL || pre == NULL || u->online_cpus == 0)
        return;
    double total = num(obj(cpu, "cpu_usage"), "total_usage");
    double pre_total = num(obj(pre, "cpu_usage"), "total_usage");
    double system = num(cpu, "system_cpu_usage");
    double pre_system = num(pre, "system_cpu_usage");
    /* The first sample (one-shot, or a container just started) has an empty precpu: no
     * delta, so no rate. A zero system delta means two reads in the same tick. */
    if (isnan(total) || isnan(pre_total) || isnan(system) || isnan(pre_system) || pre_system == 0)
        return;
    double cpu_delta = total - pre_total, system_delta = system - pre_system;
    if (system_delta <= 0 || cpu_delta < 0)
        return;
    u->cpu_cores = cpu_delta / system_delta * u->online_cpus;
    u->cpu_pct = u->cpu_cores * 100.0;
}

/* The page cache the kernel can reclaim: docker stats leaves it out of usage. */
static double reclaimable(const cJSON *mem, bool *v1)
{
    const cJSON *st = obj(mem, "stats");
    double v = num(st, "total_inactive_file"); /* cgroup v1 */
    if (!isnan(v)) {
        *v1 = true;
        return v;
    }
    v = num(st, "inactive_file"); /* cgroup v2 */
    if (!isnan(v))
        return v;
    v = num(st, "cache"); /* cgroup v1, as engines before 19.03 were read */
    if (!isnan(v)) {
        *v1 = true;
        return v;
    }
    return 0;
}

static void mem_usage(const cJSON *stats, struct dockerstats_usage *u)
{
    const cJSON *mem = obj(stats, "memory_stats");
    double usage = num(mem, "usage");
    if (isnan(usage))
        return;
    double cache = reclaimable(mem, &u->cgroup_v1);
    u->mem_bytes = cache < usage ? usage - cache : usage;
    double limit = num(mem, "limit");
    if (isnan(limit) || limit <= 0)
        return;
    u->mem_limit = limit;
    u->mem_pct = u->mem_bytes / limit * 100.0;
}

int dockerstats_usage(const cJSON *stats, struct dockerstats_usage *u)
{
    memset(u, 0, sizeof(*u));
    u->cpu_cores = u->cpu_pct = u->mem_bytes = u->mem_pct = NAN;
    if (obj(stats, "cpu_stats") == NULL && obj(stats, "memory_stats") == NULL)
        return -1;
    cpu_usage(stats, u);
    mem_usage(stats, u);
    return 0;
}

void dockerstats_limits(const cJSON *inspect, struct dockerstats_limits *l)
{
    const cJSON *hc = obj(inspect, "HostConfig");
    memset(l, 0, sizeof(*l));
    double nano = num(hc, "NanoCpus"), quota = num(hc, "CpuQuota"), period = num(hc, "CpuPeriod");
    if (!isnan(nano) && nano > 0)
        l->cpu_cores = nano / 1e9;
    else if (!isnan(quota) && quota > 0)
        /* The kernel's default CFS period is 100 ms when the container sets none. */
        l->cpu_cores = quota / (!isnan(period) && period > 0 ? period : 100000.0);
    double mem = num(hc, "Memory");
    if (!isnan(mem) && mem > 0)
        l->mem_bytes = mem;
}

void dockerstats_total_init(struct dockerstats_total *t)
{
    memset(t, 0, sizeof(*t));
    t->cpu_cores = t->mem_bytes = t->cpu_pct = t->mem_pct = NAN;
}

void dockerstats_total_add(struct dockerstats_total *t, const struct dockerstats_usage *u,
                           const struct dockerstats_limits *l)
{
    t->containers++;
    if (l->cpu_cores > 0)
        t->cpu_limit += l->cpu_cores;
    else
        t->cpu_unlimited++;
    if (l->mem_bytes > 0)
        t->mem_limit += l->mem_bytes;
    else
        t->mem_unlimited++;
    if (u == NULL || isnan(u->cpu_cores)) {
        t->cpu_unknown++;
    } else {
        t->known_cpu += u->cpu_cores;
        t->known_cpu_limit += l->cpu_cores;
    }
    if (u == NULL || isnan(u->mem_bytes)) {
        t->mem_unknown++;
    } else {
        t->known_mem += u->mem_bytes;
        t->known_mem_limit += l->mem_bytes;
    }
}

void dockerstats_total_finish(struct dockerstats_total *t)
{
    int n = t->containers;
    /* A sum missing a container would read as a drop in load: unknown instead. */
    t->cpu_cores = n > 0 && t->cpu_unknown == 0 ? t->known_cpu : NAN;
    t->mem_bytes = n > 0 && t->mem_unknown == 0 ? t->known_mem : NAN;
    if (t->cpu_unlimited > 0)
        t->cpu_limit = 0;
    if (t->mem_unlimited > 0)
        t->mem_limit = 0;
    /* A percentage is of the containers measured, and only when every one has a limit:
     * otherwise the figure would be of a limit that does not exist. */
    t->cpu_pct = t->cpu_unlimited == 0 && t->cpu_unknown < n && t->known_cpu_limit > 0
                     ? t->known_cpu / t->known_cpu_limit * 100.0
                     : NAN;
    t->mem_pct = t->mem_unlimited == 0 && t->mem_unknown < n && t->known_mem_limit > 0
                     ? t->known_mem / t->known_mem_limit * 100.0
                     : NAN;
}
