/* dataprobe.c - drive one data source (redis, postgres, pgbouncer) outside the dashboard:
 * poll it N times and print each snapshot as lines, or time the polls for the benchmark.
 *
 * The integration suites read its lines (`poll`, `reading`, `fact`) the way scripts read
 * `forgetop --once --json`, but across many polls, so a server can die and return. */

#include <math.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "forgetop/config.h"
#include "forgetop/world.h"
#include "forgetop/redis.h"
#include "forgetop/source.h"

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(void)
{
    fprintf(stderr, "usage: dataprobe redis|postgres|pgbouncer URL-or-DSN [--queue KEY]...\n"
                    "  [--sentinel MASTER HOST:PORT,...] [--cluster] [--polls N] [--interval S]\n"
                    "  [--connect-timeout S] [--timeout S] [--pool-size N] [--bench]\n");
    exit(2);
}

/* The snapshot's readings, then its facts as the world judges and formats them (with
 * core's trend of the queue from the polls so far). */
static void print_snapshot(const struct snapshot *s, const struct world *w)
{
    printf("context %s\n", s->context);
    for (size_t i = 0; i < s->n_readings; i++)
        printf("reading %s %s %g %s\n", s->readings[i].metric, s->readings[i].service,
               s->readings[i].value, s->readings[i].note);
    for (size_t i = 0; i < w->n_facts; i++)
        printf("fact %s|%s|%s|%s\n", w->facts[i].f.panel, w->facts[i].f.label, w->facts[i].text,
               band_name(w->facts[i].band));
}

int main(int argc, char **argv)
{
    static struct config cfg;
    int polls = 1;
    double interval = 1;
    bool bench = false;
    if (argc < 3)
        usage();
    config_defaults(&cfg); /* the runbook's thresholds judge the facts */
    cfg.connect_timeout_s = 3;
    cfg.request_timeout_s = 3;
    const char *kind = argv[1];
    if (strcmp(kind, "redis") == 0)
        snprintf(cfg.redis_url, sizeof(cfg.redis_url), "%s", argv[2]);
    else if (strcmp(kind, "postgres") == 0)
        snprintf(cfg.postgres_dsn, sizeof(cfg.postgres_dsn), "%s", argv[2]);
    else if (strcmp(kind, "pgbouncer") == 0)
        snprintf(cfg.pgbouncer_dsn, sizeof(cfg.pgbouncer_dsn), "%s", argv[2]);
    else
        usage();
    for (int i = 3; i < argc; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        if (strcmp(a, "--queue") == 0 && more && cfg.n_queues < CONFIG_MAX_QUEUES)
            snprintf(cfg.queues[cfg.n_queues++], sizeof(cfg.queues[0]), "%s", argv[++i]);
        else if (strcmp(a, "--sentinel") == 0 && i + 2 < argc) {
            snprintf(cfg.redis_sentinel_master, sizeof(cfg.redis_sentinel_master), "%s", argv[++i]);
            snprintf(cfg.redis_sentinels, sizeof(cfg.redis_sentinels), "%s", argv[++i]);
        } else if (strcmp(a, "--cluster") == 0)
            cfg.redis_cluster = true;
        else if (strcmp(a, "--polls") == 0 && more)
            polls = atoi(argv[++i]);
        else if (strcmp(a, "--interval") == 0 && more)
            interval = atof(argv[++i]);
        else if (strcmp(a, "--connect-timeout") == 0 && more)
            cfg.connect_timeout_s = atof(argv[++i]);
        else if (strcmp(a, "--timeout") == 0 && more)
            cfg.request_timeout_s = atof(argv[++i]);
        else if (strcmp(a, "--pool-size") == 0 && more)
            cfg.pool_size = atoi(argv[++i]);
        else if (strcmp(a, "--bench") == 0)
            bench = true;
        else
            usage();
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    char err[FT_TEXT_MAX] = "";
    struct source *src = strcmp(kind, "redis") == 0 ? redis_source_new(&cfg, err, sizeof(err))
                         : strcmp(kind, "postgres") == 0
                             ? postgres_source_new(&cfg, err, sizeof(err))
                             : pgbouncer_source_new(&cfg, err, sizeof(err));
    if (src == NULL) {
        printf("new error: %s\n", err);
        return 1;
    }
    static struct world w;
    world_init(&w, &cfg);
    size_t wi = world_add_source(&w, src->name);
    double total = 0, rt = 0, start = mono();
    int failed = 0;
    for (int n = 1; n <= polls; n++) {
        struct snapshot *s = snapshot_new();
        double t0 = mono();
        int rc = src->ops->poll(src, s, err, sizeof(err));
        double dt = mono() - t0;
        long trips = strcmp(kind, "redis") == 0 ? redis_source_round_trips(src) : -1;
        if (n > 1 || polls == 1) { /* the first poll connects; the steady state is the rest */
            total += dt;
            rt += (double)trips;
        }
        failed += rc != 0;
        if (!bench) {
            if (rc == 0)
                printf("poll %d ok %.2f ms rt=%ld\n", n, dt * 1e3, trips);
            else
                printf("poll %d error %.0f ms: %s\n", n, dt * 1e3, err);
            if (rc == 0) {
                struct source_status st = {.state = SOURCE_OK, .last_ok = s->taken_at};
                snprintf(st.name, sizeof(st.name), "%s", src->name);
                st.last_try = s->taken_at;
                world_set_status(&w, wi, &st);
                world_apply(&w, wi, s, s->taken_at);
                world_evaluate(&w, s->taken_at);
                print_snapshot(s, &w);
                s = NULL; /* the world holds it */
            }
        }
        snapshot_free(s);
        if (n < polls && interval > 0)
            usleep((useconds_t)(interval * 1e6));
    }
    if (bench) {
        int steady = polls > 1 ? polls - 1 : 1;
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        double cpu = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
                     (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
        printf("polls %d failed %d mean_ms %.3f round_trips %.2f cpu_s %.6f wall_s %.3f\n", polls,
               failed, total / steady * 1e3, rt / steady, cpu, mono() - start);
    }
    world_free(&w);
    src->ops->destroy(src);
    return 0;
}
