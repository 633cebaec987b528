/* source_probe.c - poll the prometheus or health source from a shell test and print the
 * snapshot one item per line, until `forgetop --once --json` can do it.
 *
 * Usage: source_probe prometheus|health [--url U]... [--metric ID=SERVICE=PROMQL]...
 *   [--token-file F] [--user U] [--password-file F] [--ca F] [--insecure]
 *   [--timeout S] [--polls N] [--every S]
 * Without --metric the runbook's built-in metrics and queries (config_defaults) run. */

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "forgetop/config.h"
#include "forgetop/facts.h"
#include "forgetop/http.h"
#include "forgetop/source.h"

static void copy(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%s", src);
}

static void add_metric(struct config *c, char *spec)
{
    char *svc = strchr(spec, '='), *q = svc ? strchr(svc + 1, '=') : NULL;
    struct metric_rule *m = &c->metrics[c->n_metrics++];
    if (!q) {
        fprintf(stderr, "--metric ID=SERVICE=PROMQL\n");
        exit(2);
    }
    memset(m, 0, sizeof *m);
    *svc++ = 0;
    *q++ = 0;
    copy(m->id, sizeof m->id, spec);
    copy(m->service, sizeof m->service, svc);
    copy(m->query, sizeof m->query, q);
}

static const struct config *judge_cfg;

/* The newest reading of each metric (the instant query); older ones are backfill. */
static void print(const struct snapshot *s, int poll)
{
    size_t shown = 0;
    for (size_t i = 0; i < s->n_readings; i++) {
        const struct reading *r = &s->readings[i];
        bool newest = true;
        for (size_t j = i + 1; j < s->n_readings && newest; j++)
            newest = strcmp(s->readings[j].metric, r->metric) != 0;
        if (!newest)
            continue;
        shown++;
        printf("%d reading %s %s %.6g note=%s\n", poll, r->metric, r->service[0] ? r->service : "-",
               r->value, r->note);
        printf("%d time %s %.3f\n", poll, r->metric, r->t);
    }
    printf("%d points %zu\n", poll, s->n_readings - shown);
    for (size_t i = 0; i < s->n_alerts; i++) {
        const struct alert *a = &s->alerts[i];
        printf("%d alert %s %s %s active=%.0f labels=%s summary=%s\n", poll, a->name, a->state,
               a->severity, a->active_at, a->labels, a->summary);
    }
    for (size_t i = 0; i < s->n_facts; i++) { /* judged and formatted as core does */
        char text[128];
        facts_format(&s->facts[i], text, sizeof text);
        printf("%d fact %s/%s %s %s\n", poll, s->facts[i].panel, s->facts[i].label,
               band_name(facts_judge(judge_cfg, &s->facts[i])), text);
    }
    if (s->notice[0])
        printf("%d notice %s\n", poll, s->notice);
}

int main(int argc, char **argv)
{
    static struct config c;
    char err[256];
    int polls = 1;
    double every = 1;
    if (argc < 2)
        return 2;
    bool own_metrics = false;
    config_defaults(&c); /* the runbook's metrics and queries, unless --metric replaces them */
    judge_cfg = &c;
    c.connect_timeout_s = 2;
    c.request_timeout_s = 3;
    for (int i = 2; i + 1 < argc || (i < argc && !strcmp(argv[i], "--insecure")); i += 2) {
        const char *a = argv[i], *v = argv[i + 1];
        if (!strcmp(a, "--insecure")) {
            c.prometheus_insecure = true;
            i--;
        } else if (!strcmp(a, "--url")) {
            copy(c.prometheus_url, sizeof c.prometheus_url, v);
            if (c.n_health < CONFIG_MAX_HEALTH)
                copy(c.health_urls[c.n_health++], CONFIG_URL_MAX, v);
        } else if (!strcmp(a, "--metric")) {
            if (!own_metrics)
                c.n_metrics = 0;
            own_metrics = true;
            add_metric(&c, argv[i + 1]);
        } else if (!strcmp(a, "--token-file"))
            copy(c.prometheus_token_file, sizeof c.prometheus_token_file, v);
        else if (!strcmp(a, "--user"))
            copy(c.prometheus_user, sizeof c.prometheus_user, v);
        else if (!strcmp(a, "--password-file"))
            copy(c.prometheus_password_file, sizeof c.prometheus_password_file, v);
        else if (!strcmp(a, "--ca"))
            copy(c.prometheus_ca, sizeof c.prometheus_ca, v);
        else if (!strcmp(a, "--timeout"))
            c.request_timeout_s = atof(v);
        else if (!strcmp(a, "--polls"))
            polls = atoi(v);
        else if (!strcmp(a, "--every"))
            every = atof(v);
        else {
            fprintf(stderr, "unknown option %s\n", a);
            return 2;
        }
    }
    http_global_init();
    struct source *src = !strcmp(argv[1], "health") ? health_source_new(&c, err, sizeof err)
                                                    : prometheus_source_new(&c, err, sizeof err);
    if (!src) {
        printf("new-error %s\n", err);
        return 1;
    }
    for (int p = 1; p <= polls; p++) {
        struct snapshot *s = snapshot_new();
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int rc = src->ops->poll(src, s, err, sizeof err);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (rc < 0)
            printf("%d error %s\n", p, err);
        else
            print(s, p);
        printf("%d took %.3f ms\n", p,
               (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
        fflush(stdout);
        snapshot_free(s);
        if (p < polls)
            usleep((useconds_t)(every * 1e6));
    }
    src->ops->destroy(src);
    return 0;
}
