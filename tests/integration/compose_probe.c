/* compose_probe.c - drive the compose source from a shell test or a benchmark: each
 * command polls or scales once and prints what the source returned, one fact per line.
 *
 * Usage: compose_probe [-p PROJECT] [-f FILE] [-H DOCKER_HOST] [-t SECONDS]
 *                      [-m METRIC:SERVICE]... COMMAND...
 * -m adds a metric rule to the runbook's defaults.
 * COMMAND: poll | scale SERVICE FROM TO | scale-min SERVICE FROM TO (the HPA minimum) | sh 'SHELL
 * COMMAND' (run between two polls).  Ends with `rss_kb=N` (peak resident set). */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "forgetop/config.h"
#include "forgetop/http.h"
#include "forgetop/source.h"

static struct config cfg;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void print_snapshot(const struct snapshot *s)
{
    for (size_t i = 0; i < s->n_services; i++) {
        const struct service *v = &s->services[i];
        printf("service %s kind=%s project=%s desired=%d ready=%d available=%d cpu_pct=%.2f "
               "mem_pct=%.2f cpu_cores=%.3f mem_bytes=%.0f cpu_limit=%.3f mem_limit=%.0f "
               "unscalable=%d why=\"%s\" status=\"%s\"\n",
               v->name, v->kind, v->namespace_, v->desired, v->ready, v->available, v->cpu_pct,
               v->mem_pct, v->cpu_cores, v->mem_bytes, v->res.cpu_limit, v->res.mem_limit,
               v->unscalable, model_text(v->unscalable_why), model_text(v->status));
        for (size_t j = 0; j < v->n_pods; j++) {
            const struct pod *p = &v->pods[j];
            printf("pod %s service=%s phase=%s ready=%d restarts=%d cpu_cores=%.3f "
                   "mem_bytes=%.0f\n",
                   p->name, v->name, p->phase, p->ready, p->restarts, p->cpu_cores, p->mem_bytes);
        }
    }
    for (size_t i = 0; i < s->n_readings; i++)
        printf("reading %s %s %.2f note=\"%s\"\n", s->readings[i].metric, s->readings[i].service,
               s->readings[i].value, s->readings[i].note);
}

static void poll_once(struct source *src)
{
    char err[FT_TEXT_MAX] = "";
    struct snapshot *s = snapshot_new();
    double t0 = now_s();
    int rc = src->ops->poll(src, s, err, sizeof(err));
    double dt = now_s() - t0;
    if (rc == 0) {
        printf("poll ok seconds=%.3f services=%zu context=%s notice=\"%s\"\n", dt, s->n_services,
               s->context, s->notice);
        print_snapshot(s);
    } else {
        printf("poll error seconds=%.3f: %s\n", dt, err);
    }
    snapshot_free(s);
}

static void scale_once(struct source *src, const char *service, int from, int to, bool min)
{
    struct scale_request req = {.from = from, .to = to, .set_autoscaler_min = min};
    char msg[FT_TEXT_MAX] = "";
    snprintf(req.service, sizeof(req.service), "%s", service);
    snprintf(req.namespace_, sizeof(req.namespace_), "%s", cfg.compose_project);
    int rc = src->ops->scale(src, &req, msg, sizeof(msg));
    printf("scale %s: %s\n", rc == 0 ? "ok" : "failed", msg);
}

static void add_metric(const char *spec)
{
    struct metric_rule *r = &cfg.metrics[cfg.n_metrics++];
    const char *colon = strchr(spec, ':');
    snprintf(r->id, sizeof(r->id), "%.*s", colon ? (int)(colon - spec) : 0, spec);
    snprintf(r->service, sizeof(r->service), "%s", colon ? colon + 1 : "");
}

int main(int argc, char **argv)
{
    int opt;
    char err[FT_TEXT_MAX];
    config_defaults(&cfg); /* the runbook's metric rules: cpu and memory of api */
    cfg.compose = true;
    cfg.connect_timeout_s = 2;
    cfg.request_timeout_s = 5;
    snprintf(cfg.compose_project, sizeof(cfg.compose_project), "forge");
    while ((opt = getopt(argc, argv, "p:f:H:t:m:")) != -1) {
        switch (opt) {
        case 'p':
            snprintf(cfg.compose_project, sizeof(cfg.compose_project), "%s", optarg);
            break;
        case 'f':
            snprintf(cfg.compose_file, sizeof(cfg.compose_file), "%s", optarg);
            break;
        case 'H':
            snprintf(cfg.docker_host, sizeof(cfg.docker_host), "%s", optarg);
            break;
        case 't':
            cfg.request_timeout_s = atof(optarg);
            break;
        case 'm':
            add_metric(optarg);
            break;
        default:
            fprintf(stderr, "usage: see compose_probe.c\n");
            return 2;
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    http_global_init();
    struct source *src = compose_source_new(&cfg, err, sizeof(err));
    if (src == NULL) {
        printf("new error: %s\n", err);
        return 1;
    }
    for (int i = optind; i < argc; i++) {
        if (strcmp(argv[i], "poll") == 0) {
            poll_once(src);
        } else if (strcmp(argv[i], "sh") == 0 && i + 1 < argc) {
            if (system(argv[++i]) != 0)
                printf("sh failed: %s\n", argv[i]);
        } else if ((strcmp(argv[i], "scale") == 0 || strcmp(argv[i], "scale-min") == 0) &&
                   i + 3 < argc) {
            scale_once(src, argv[i + 1], atoi(argv[i + 2]), atoi(argv[i + 3]),
                       strcmp(argv[i], "scale-min") == 0);
            i += 3;
        } else {
            fprintf(stderr, "compose_probe: unknown command %s\n", argv[i]);
            return 2;
        }
    }
    src->ops->destroy(src);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("rss_kb=%ld\n", ru.ru_maxrss);
    return 0;
}
