/* world_memory.c - what the world costs per service, kube parsing aside: N services of P
 * pods each (BENCH args), applied as a source would for a number of polls, then the
 * resident memory the world added, per service and in all, as one line of key=value.
 *
 * Usage: world_memory [SERVICES] [PODS_PER_SERVICE] [POLLS] */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/config.h"
#include "forgetop/world.h"

static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, "VmRSS:", 6) == 0)
            kib = strtol(line + 6, NULL, 10);
    if (f != NULL)
        fclose(f);
    return kib;
}

/* One poll's snapshot: every service with its pods, cpu moving so every slot fills. */
static struct snapshot *poll_of(int n, int pods, int poll, double t)
{
    struct snapshot *s = snapshot_new();
    if (s == NULL)
        return NULL;
    s->taken_at = t;
    for (int i = 0; i < n; i++) {
        struct service *svc = snapshot_add_service(s);
        if (svc == NULL)
            break;
        snprintf(svc->name, sizeof svc->name, "deploy-%05d", i);
        snprintf(svc->namespace_, sizeof svc->namespace_, "open-forge");
        snprintf(svc->kind, sizeof svc->kind, "deployment");
        svc->desired = svc->ready = svc->available = svc->updated = pods;
        svc->cpu_pct = (double)((i * 7 + poll) % 100);
        svc->mem_pct = (double)((i * 3 + poll) % 100);
        svc->mem_req_pct = svc->cpu_cores = svc->mem_bytes = NAN;
        for (int p = 0; p < pods; p++) {
            struct pod *pod = service_add_pod(svc);
            if (pod == NULL)
                break;
            snprintf(pod->name, sizeof pod->name, "deploy-%05d-abc-%d", i, p);
            pod->cpu_cores = pod->mem_bytes = NAN;
        }
    }
    return s;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 2000, pods = argc > 2 ? atoi(argv[2]) : 5;
    int polls = argc > 3 ? atoi(argv[3]) : 120;
    static struct config cfg;
    static struct world w;
    config_defaults(&cfg);
    long before = rss_kib();
    world_init(&w, &cfg);
    size_t src = world_add_source(&w, "bench");
    double t0 = 1.8e9;
    for (int p = 0; p < polls; p++) { /* 2 s apart: 4 minutes at 120 */
        struct snapshot *s = poll_of(n, pods, p, t0 + 2.0 * p);
        if (s == NULL)
            return 1;
        world_apply(&w, src, s, t0 + 2.0 * p);
        world_evaluate(&w, t0 + 2.0 * p);
    }
    long after = rss_kib();
    /* the newest snapshot (services and pods) is the source's, not the world's views */
    printf("services=%zu polls=%d view_bytes=%zu rss_added_kib=%ld per_service_bytes=%.0f\n",
           w.n_services, polls, sizeof(struct service_view), after - before,
           w.n_services ? (after - before) * 1024.0 / (double)w.n_services : 0);
    world_free(&w);
    return 0;
}
