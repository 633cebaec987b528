/* dockerstats.h - cpu and memory of a container the way `docker stats` computes them, and
 * their sum over a compose service against its limits.
 *
 * Pure: a parsed stats document (GET /containers/{id}/stats?stream=false) and a parsed
 * inspect document come in, figures come out. Unknown is NAN, never 0. */

#ifndef FORGETOP_DOCKERSTATS_H
#define FORGETOP_DOCKERSTATS_H

#include <cJSON.h>
#include <stdbool.h>

/* One container's usage from one stats document. */
struct dockerstats_usage {
    double cpu_cores; /* cpu delta / system delta x online cpus; NAN when unknown */
    double cpu_pct;   /* as `docker stats` prints it: 100 per core; NAN when unknown */
    double mem_bytes; /* usage minus inactive_file (v2) or total_inactive_file/cache (v1) */
    double mem_limit; /* the limit the stats report, bytes; 0 when none */
    double mem_pct;   /* mem_bytes of mem_limit; NAN when there is no limit */
    int online_cpus;  /* online_cpus, or len(percpu_usage); 0 when neither */
    bool cgroup_v1;   /* the memory stats carry cgroup v1 keys */
};

/* Limits a container runs under (HostConfig): 0 means none. */
struct dockerstats_limits {
    double cpu_cores; /* NanoCpus / 1e9, or CpuQuota / CpuPeriod */
    double mem_bytes; /* Memory */
};

/* Fill u from a stats document. Returns 0, or -1 when the document is not a stats
 * document at all (no cpu_stats and no memory_stats object). */
int dockerstats_usage(const cJSON *stats, struct dockerstats_usage *u);

/* Read the limits from an inspect document's HostConfig. */
void dockerstats_limits(const cJSON *inspect, struct dockerstats_limits *l);

/* A service's figures, summed over its running containers. */
struct dockerstats_total {
    int containers;          /* added so far */
    int cpu_unknown;         /* containers whose cpu is unknown (timed out, first sample) */
    int mem_unknown;         /* containers whose memory is unknown */
    int cpu_unlimited;       /* containers without a cpu limit */
    int mem_unlimited;       /* containers without a memory limit */
    double cpu_cores;        /* sum; NAN when any container's figure is unknown */
    double mem_bytes;        /* sum; NAN when any container's figure is unknown */
    double cpu_limit;        /* sum of limits, cores; 0 when any container has none */
    double mem_limit;        /* sum of limits, bytes; 0 when any container has none */
    double cpu_pct, mem_pct; /* usage of limits over the containers measured; NAN when
                                a container has no limit or none was measured */
    double known_cpu, known_cpu_limit, known_mem, known_mem_limit; /* running sums */
};

void dockerstats_total_init(struct dockerstats_total *t);
/* u NULL: the container's stats are unknown (timed out, failed). */
void dockerstats_total_add(struct dockerstats_total *t, const struct dockerstats_usage *u,
                           const struct dockerstats_limits *l);
/* Compute the sums and percentages from what was added. */
void dockerstats_total_finish(struct dockerstats_total *t);

#endif
