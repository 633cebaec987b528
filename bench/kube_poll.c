/* kube_poll.c - drive the kube source outside the dashboard: poll once (or N times), or
 * scale once, and print what came back as one JSON document.
 *
 * The benchmark times its polls and reads its peak RSS; the integration suite checks the
 * snapshot it prints. Usage:
 *   kube_poll [--kubeconfig F] [--context C] [-n NS] [--selector S] [--times N] [--quiet]
 *             [--every S] [--no-watch] [--watch-timeout S] [--relist S] [--metrics-interval S]
 *             [--scale SERVICE FROM TO [--version RV] [--hpa-min]]
 * --every waits S seconds between polls (as the dashboard's interval); a failed poll
 * prints its error and the probe goes on, as the poller would. */

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

#include "forgetop/config.h"
#include "forgetop/http.h"
#include "forgetop/source.h"

static double now_s(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return tv.tv_sec + tv.tv_usec / 1e6;
}

static void num(cJSON *o, const char *k, double v)
{
    if (isnan(v))
        cJSON_AddNullToObject(o, k);
    else
        cJSON_AddNumberToObject(o, k, v);
}

static cJSON *service_json(const struct service *s)
{
    cJSON *o = cJSON_CreateObject(), *pods = cJSON_CreateArray();
    cJSON_AddStringToObject(o, "name", s->name);
    cJSON_AddStringToObject(o, "namespace", s->namespace_);
    cJSON_AddNumberToObject(o, "desired", s->desired);
    cJSON_AddNumberToObject(o, "ready", s->ready);
    cJSON_AddNumberToObject(o, "updated", s->updated);
    cJSON_AddNumberToObject(o, "available", s->available);
    cJSON_AddNumberToObject(o, "min", s->min);
    cJSON_AddNumberToObject(o, "max", s->max);
    num(o, "cpu_pct", s->cpu_pct);
    num(o, "mem_pct", s->mem_pct);
    num(o, "mem_req_pct", s->mem_req_pct);
    num(o, "cpu_cores", s->cpu_cores);
    num(o, "mem_bytes", s->mem_bytes);
    num(o, "cpu_request", s->res.cpu_request);
    num(o, "mem_limit", s->res.mem_limit);
    cJSON_AddStringToObject(o, "status", model_text(s->status));
    if (s->autoscaler.present) {
        cJSON *a = cJSON_AddObjectToObject(o, "autoscaler");
        cJSON_AddStringToObject(a, "kind", s->autoscaler.kind);
        cJSON_AddStringToObject(a, "name", s->autoscaler.name);
        cJSON_AddNumberToObject(a, "min", s->autoscaler.min);
        cJSON_AddNumberToObject(a, "max", s->autoscaler.max);
        num(a, "desired", s->autoscaler.desired_known ? s->autoscaler.desired : NAN);
        cJSON_AddStringToObject(a, "inactive", model_text(s->autoscaler.inactive));
        cJSON_AddStringToObject(a, "conditions", model_text(s->autoscaler.conditions));
        num(a, "cpu_current", s->autoscaler.cpu_current);
        num(a, "mem_current", s->autoscaler.mem_current);
        num(a, "cpu_target", s->autoscaler.cpu_target);
        num(a, "mem_target", s->autoscaler.mem_target);
    }
    for (size_t i = 0; i < s->n_pods; i++) {
        const struct pod *p = &s->pods[i];
        cJSON *po = cJSON_CreateObject();
        cJSON_AddStringToObject(po, "name", p->name);
        cJSON_AddStringToObject(po, "phase", p->phase);
        cJSON_AddBoolToObject(po, "ready", p->ready);
        cJSON_AddNumberToObject(po, "restarts", p->restarts);
        cJSON_AddNumberToObject(po, "started_at", p->started_at);
        cJSON_AddStringToObject(po, "node", p->node);
        num(po, "cpu_cores", p->cpu_cores);
        num(po, "mem_bytes", p->mem_bytes);
        cJSON_AddItemToArray(pods, po);
    }
    cJSON_AddItemToObject(o, "pods", pods);
    return o;
}

static cJSON *snapshot_json(const struct snapshot *s)
{
    cJSON *o = cJSON_CreateObject(), *svcs = cJSON_CreateArray(), *rd = cJSON_CreateArray();
    cJSON_AddStringToObject(o, "context", s->context);
    cJSON_AddStringToObject(o, "notice", s->notice);
    cJSON_AddStringToObject(o, "modes", s->modes);
    cJSON_AddStringToObject(o, "rbac_scale", permission_name(s->access.scale));
    cJSON_AddStringToObject(o, "rbac_hpa", permission_name(s->access.hpa_min));
    for (size_t i = 0; i < s->n_services; i++)
        cJSON_AddItemToArray(svcs, service_json(&s->services[i]));
    for (size_t i = 0; i < s->n_readings; i++) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "metric", s->readings[i].metric);
        cJSON_AddStringToObject(r, "service", s->readings[i].service);
        num(r, "value", s->readings[i].value);
        cJSON_AddStringToObject(r, "note", s->readings[i].note);
        cJSON_AddItemToArray(rd, r);
    }
    cJSON_AddItemToObject(o, "services", svcs);
    cJSON_AddItemToObject(o, "readings", rd);
    return o;
}

struct args {
    int times;
    int quiet;
    const char *scale_svc, *version;
    int from, to, hpa_min;
    double every;
};

static int parse(int argc, char **argv, struct config *cfg, struct args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(o, "--quiet") == 0) {
            a->quiet = 1;
        } else if (strcmp(o, "--hpa-min") == 0) {
            a->hpa_min = 1;
        } else if (strcmp(o, "--no-watch") == 0) {
            cfg->kube_watch = false;
        } else if (v == NULL) {
            fprintf(stderr, "kube_poll: %s needs a value\n", o);
            return -1;
        } else if (strcmp(o, "--kubeconfig") == 0) {
            snprintf(cfg->kubeconfig, sizeof(cfg->kubeconfig), "%s", argv[++i]);
        } else if (strcmp(o, "--context") == 0) {
            snprintf(cfg->context, sizeof(cfg->context), "%s", argv[++i]);
        } else if (strcmp(o, "-n") == 0) {
            snprintf(cfg->namespace_, sizeof(cfg->namespace_), "%s", argv[++i]);
        } else if (strcmp(o, "--selector") == 0) {
            snprintf(cfg->label_selector, sizeof(cfg->label_selector), "%s", argv[++i]);
        } else if (strcmp(o, "--timeout") == 0) {
            cfg->request_timeout_s = atof(argv[++i]);
        } else if (strcmp(o, "--every") == 0 && v) {
            a->every = atof(argv[++i]);
        } else if (strcmp(o, "--watch-timeout") == 0 && v) {
            cfg->kube_watch_timeout_s = atof(argv[++i]);
        } else if (strcmp(o, "--metrics-interval") == 0 && v) {
            cfg->kube_metrics_s = atof(argv[++i]);
        } else if (strcmp(o, "--relist") == 0 && v) {
            cfg->kube_relist_s = atof(argv[++i]);
        } else if (strcmp(o, "--times") == 0) {
            a->times = atoi(argv[++i]);
        } else if (strcmp(o, "--version") == 0) {
            a->version = argv[++i];
        } else if (strcmp(o, "--scale") == 0 && i + 3 < argc) {
            a->scale_svc = argv[i + 1];
            a->from = atoi(argv[i + 2]);
            a->to = atoi(argv[i + 3]);
            i += 3;
        } else {
            fprintf(stderr, "kube_poll: unknown option %s\n", o);
            return -1;
        }
    }
    return 0;
}

static int do_scale(struct source *src, const struct args *a)
{
    struct scale_request req = {0};
    char msg[FT_TEXT_MAX];
    snprintf(req.source, sizeof(req.source), "kube");
    snprintf(req.service, sizeof(req.service), "%s", a->scale_svc);
    snprintf(req.version, sizeof(req.version), "%s", a->version ? a->version : "");
    req.from = a->from;
    req.to = a->to;
    req.set_autoscaler_min = a->hpa_min;
    int rc = src->ops->scale(src, &req, msg, sizeof(msg));
    printf("{\"status\":%d,\"message\":", rc);
    cJSON *m = cJSON_CreateString(msg);
    char *s = cJSON_PrintUnformatted(m);
    printf("%s}\n", s);
    cJSON_free(s);
    cJSON_Delete(m);
    return rc == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    static struct config cfg;
    struct args a = {.times = 1};
    char err[512];
    config_defaults(&cfg); /* the runbook's metrics: cpu and memory of api */
    cfg.kube = true;
    cfg.request_timeout_s = 5;
    if (parse(argc, argv, &cfg, &a) < 0)
        return 2;
    http_global_init();
    struct source *src = kube_source_new(&cfg, err, sizeof(err));
    if (src == NULL) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "error", err);
        char *txt = cJSON_PrintUnformatted(o);
        puts(txt);
        cJSON_free(txt);
        cJSON_Delete(o);
        return 1;
    }
    if (a.scale_svc != NULL) {
        int rc = do_scale(src, &a);
        src->ops->destroy(src);
        return rc;
    }
    int rc = 0;
    for (int i = 0; i < a.times; i++) {
        struct snapshot *s = snapshot_new();
        double t0 = now_s();
        err[0] = '\0';
        int r = src->ops->poll(src, s, err, sizeof(err));
        double dt = now_s() - t0;
        cJSON *o = r == 0 ? snapshot_json(s) : cJSON_CreateObject();
        if (r != 0)
            cJSON_AddStringToObject(o, "error", err);
        cJSON_AddNumberToObject(o, "poll_seconds", dt);
        cJSON_AddNumberToObject(o, "t", t0);
        if (!a.quiet || r != 0) {
            char *txt = cJSON_PrintUnformatted(o);
            puts(txt);
            cJSON_free(txt);
        } else {
            struct rusage ru;
            getrusage(RUSAGE_SELF, &ru);
            cJSON *q = cJSON_CreateObject();
            cJSON_AddNumberToObject(q, "t", t0);
            cJSON_AddNumberToObject(q, "poll_seconds", dt);
            cJSON_AddNumberToObject(q, "services", (double)s->n_services);
            cJSON_AddNumberToObject(q, "cpu_s",
                                    ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
                                        ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
            cJSON_AddNumberToObject(q, "maxrss_kb", (double)ru.ru_maxrss);
            cJSON_AddStringToObject(q, "notice", s->notice);
            cJSON_AddStringToObject(q, "modes", s->modes);
            char *txt = cJSON_PrintUnformatted(q);
            puts(txt);
            cJSON_free(txt);
            cJSON_Delete(q);
        }
        fflush(stdout);
        cJSON_Delete(o);
        snapshot_free(s);
        rc |= r != 0;
        if (a.every > 0 && i + 1 < a.times)
            usleep((useconds_t)(a.every * 1e6));
    }
    src->ops->destroy(src);
    return rc;
}
