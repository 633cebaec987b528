/* table_keys.c - what a key costs at thousands of rows: a key (j or k) and the redraw it
 * causes, through real ncurses off-screen, over N services in the world's order and
 * sorted by cpu and by name; p50, p99 and max in ms, as one line per order.
 *
 * Usage: table_keys [SERVICES] [KEYS] */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../tests/screen/harness.h"
#include "../tests/screen/fixture.h"

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU time of this thread: what a key costs when the machine is busy and the wall clock
 * counts the time other processes held the CPU. */
static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void many(struct world *w, int n)
{
    free(w->services);
    w->services = calloc((size_t)n, sizeof *w->services);
    if (w->services == NULL)
        exit(1);
    w->n_services = w->cap_services = (size_t)n;
    for (int i = 0; i < n; i++) {
        struct service_view *v = &w->services[i];
        snprintf(v->svc.name, sizeof v->svc.name, "deploy-%05d", (i * 7919) % n);
        strcpy(v->svc.source, "demo");
        strcpy(v->svc.namespace_, "open-forge");
        strcpy(v->svc.kind, "deployment");
        v->svc.desired = v->svc.ready = 5;
        v->svc.cpu_pct = i % 10 == 9 ? NAN : (i * 37) % 97;
        v->svc.mem_pct = i % 89;
        v->svc.mem_req_pct = v->svc.cpu_cores = v->svc.mem_bytes = NAN;
    }
}

static void run(struct tui *t, enum tui_sort s, int keys, int n)
{
    double *d = malloc((size_t)keys * sizeof *d), *c = malloc((size_t)keys * sizeof *c);
    if (d == NULL || c == NULL) {
        free(d);
        free(c);
        return;
    }
    tui_sort_set(t, s);
    t->now = FIX_NOW;
    tui_draw(t);
    for (int k = 0; k < keys; k++) {
        double a = mono(), ca = cpu();
        tui_key(t, k % 2 ? 'k' : 'j');
        tui_draw(t);
        d[k] = (mono() - a) * 1e3;
        c[k] = (cpu() - ca) * 1e3;
    }
    qsort(d, (size_t)keys, sizeof *d, by_value);
    qsort(c, (size_t)keys, sizeof *c, by_value);
    printf("services=%d sort=%s keys=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f"
           "  cpu p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
           n, tui_sort_name(s), keys, d[keys / 2], d[(keys * 99) / 100], d[keys - 1], c[keys / 2],
           c[(keys * 99) / 100], c[keys - 1]);
    free(d);
    free(c);
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 2000, keys = argc > 2 ? atoi(argv[2]) : 200;
    struct config cfg;
    struct world w;
    struct actuator act;
    struct fix_scaler sc = {0};
    struct tui t;
    if (n < 1 || keys < 1)
        return 1;
    fixture_build(&w, &cfg);
    many(&w, n);
    actuator_init(&act, false, "/dev/null", fix_submit, &sc);
    hx_start("xterm-256color", 40, 120, 1);
    tui_init(&t, &w, &act, NULL, &cfg, stdscr);
    run(&t, SORT_SOURCE, keys, n);
    run(&t, SORT_CPU, keys, n);
    run(&t, SORT_NAME, keys, n);
    hx_stop();
    fixture_free(&w);
    return 0;
}
