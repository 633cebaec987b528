/* headless.c - the dashboard's stand-in until the screens land: one line per refresh.
 *
 * It drives the same loop the screens will: statuses and snapshots into the world, then
 * an evaluation, printed as plain text. */

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>

#include "forgetop/app.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void print_line(const struct world *w)
{
    printf("%.0f", w->now);
    for (size_t i = 0; i < w->n_services; i++) {
        const struct service_view *v = &w->services[i];
        printf(" | %s %d/%d -> %d", v->svc.name, v->svc.ready, v->svc.desired, v->rec.replicas);
    }
    for (size_t i = 0; i < w->n_metrics; i++) {
        const struct metric_view *m = &w->metrics[i];
        printf(" | %s %.1f%s %s", m->rule.id, m->value, m->rule.unit, band_name(m->band));
    }
    putchar('\n');
    fflush(stdout);
}

int tui_run(struct app *app)
{
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    struct pollfd pfd = {poller_wake_fd(app->poller), POLLIN, 0};
    while (!stop) {
        poll(&pfd, 1, (int)(app->cfg->delay_s * 1000));
        poller_drain_wake(app->poller);
        double now = now_s();
        for (size_t i = 0; i < poller_count(app->poller); i++) {
            struct source_status st;
            poller_status(app->poller, i, now, &st);
            world_set_status(app->world, i, &st);
            struct snapshot *s = poller_take(app->poller, i);
            if (s != NULL)
                world_apply(app->world, i, s, now);
        }
        world_evaluate(app->world, now);
        print_line(app->world);
    }
    return 0;
}
