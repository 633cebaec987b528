/* seek.c - how long a replay takes to seek in a recording, inside the process: the world
 * rebuilt at a minute (replay_world_at, what the replay dashboard does before it redraws)
 * for N minutes spread over the file. Prints min, median, p90 and max; asserts nothing.
 *
 * usage: seek FILE [N] */

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "forgetop/config.h"
#include "forgetop/replay.h"
#include "forgetop/world.h"

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* One seek to at: a new world, as tui_replay_seek builds it; its milliseconds, and in
 * *cpu_ms the CPU it took (on a loaded machine the wall time is mostly waiting). */
static double seek_ms(struct recording *r, const struct config *cfg, double at, double *cpu_ms)
{
    static struct world w;
    char err[256];
    size_t bad = 0;
    double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    world_init(&w, cfg);
    for (size_t i = 0; i < recording_n_sources(r); i++)
        world_add_source(&w, recording_source(r, i));
    if (replay_world_at(r, &w, at, &bad, err, sizeof err) < 0)
        fprintf(stderr, "seek: %s\n", err);
    double ms = (clock_s(CLOCK_MONOTONIC) - t0) * 1000;
    *cpu_ms = (clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0) * 1000;
    world_free(&w);
    return ms;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: seek FILE [N]\n");
        return 2;
    }
    int n = argc > 2 ? atoi(argv[2]) : 24;
    char err[256];
    static struct config cfg;
    config_defaults(&cfg);
    struct recording *r = recording_open(argv[1], err, sizeof err);
    double first, last;
    if (r == NULL || recording_span(r, &first, &last) < 0 || n < 1) {
        fprintf(stderr, "seek: %s\n", r ? "empty recording" : err);
        recording_close(r);
        return 1;
    }
    double *ms = calloc((size_t)n, sizeof *ms), *cpu = calloc((size_t)n, sizeof *cpu);
    for (int i = 0; ms != NULL && cpu != NULL && i < n; i++) { /* whole minutes, first to last */
        double at = first + 60 * (int)((last - first) / 60 * i / (n > 1 ? n - 1 : 1));
        ms[i] = seek_ms(r, &cfg, at, &cpu[i]);
    }
    if (ms != NULL && cpu != NULL) {
        qsort(ms, (size_t)n, sizeof *ms, cmp);
        qsort(cpu, (size_t)n, sizeof *cpu, cmp);
        int p90 = (n * 9) / 10 < n ? (n * 9) / 10 : n - 1;
        printf("seeks=%d min_ms=%.1f median_ms=%.1f p90_ms=%.1f max_ms=%.1f cpu_median_ms=%.1f "
               "cpu_max_ms=%.1f\n",
               n, ms[0], ms[n / 2], ms[p90], ms[n - 1], cpu[n / 2], cpu[n - 1]);
    }
    free(ms);
    free(cpu);
    recording_close(r);
    return 0;
}
