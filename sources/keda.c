/* keda.c - KEDA as the Kubernetes source sees it: a ScaledObject's target, bounds,
 * triggers, conditions and pause, the External/Object metrics its generated HPA carries,
 * and the merge patches that change the ScaledObject (KEDA owns the count, not the HPA).
 *
 * KEDA's trigger metadata values are strings ("10"); an absent one takes KEDA's default
 * (the scalers in pkg/scalers), so what is shown is what KEDA would use. */

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/keda.h"
#include "forgetop/kubeevents.h"
#include "forgetop/quantity.h"
#include "forgetop/text.h"

/* An integer spec field, range-checked; dflt when absent or absurd. */
static int jcount(const cJSON *o, const char *k, int dflt)
{
    return kubeevents_jint(o, k, 0, 1e7, dflt);
}

/* A metadata value: KEDA writes numbers as strings; NAN when absent or not a number. */
static double meta_num(const cJSON *meta, const char *k)
{
    const char *s = kubeevents_jstr(meta, k);
    double v;
    if (s == NULL || quantity_parse(s, &v) != 0 || !isfinite(v) || v < 0)
        return NAN;
    return v;
}

static void set_param(struct keda_scaler *o, const char *param, double v, double dflt,
                      const char *act, double act_v)
{
    text_printf(o->param, sizeof o->param, "%s", param);
    o->target = isnan(v) ? dflt : v;
    text_printf(o->activation_param, sizeof o->activation_param, "%s", act);
    o->activation = isnan(act_v) ? 0 : act_v;
}

/* The first trigger: what the recommendation follows. */
static void first_trigger(struct keda_scaler *o, const cJSON *t)
{
    const cJSON *meta = kubeevents_jget(t, "metadata");
    const char *type = kubeevents_jstr(t, "type"), *mt = kubeevents_jstr(t, "metricType");
    text_sanitize(o->trigger, sizeof o->trigger, type ? type : "");
    if (type != NULL && (strcmp(type, "redis") == 0 || strcmp(type, "redis-cluster") == 0)) {
        text_sanitize(o->what, sizeof o->what,
                      kubeevents_jstr(meta, "listName") ? kubeevents_jstr(meta, "listName") : "");
        set_param(o, "listLength", meta_num(meta, "listLength"), 5, "activationListLength",
                  meta_num(meta, "activationListLength"));
    } else if (type != NULL && strcmp(type, "prometheus") == 0) {
        text_sanitize(o->what, sizeof o->what,
                      kubeevents_jstr(meta, "query") ? kubeevents_jstr(meta, "query") : "");
        set_param(o, "threshold", meta_num(meta, "threshold"), NAN, "activationThreshold",
                  meta_num(meta, "activationThreshold"));
    } else if (type != NULL && (strcmp(type, "cpu") == 0 || strcmp(type, "memory") == 0)) {
        /* older KEDA put the metric type in metadata.type */
        if (mt == NULL)
            mt = kubeevents_jstr(meta, "type");
        set_param(o, "value", meta_num(meta, "value"), NAN, "", NAN);
        text_sanitize(o->metric_type, sizeof o->metric_type, mt ? mt : "Utilization");
        return;
    } else {
        set_param(o, "", NAN, NAN, "", NAN);
    }
    text_sanitize(o->metric_type, sizeof o->metric_type, mt ? mt : "AverageValue");
}

/* "redis agent:tasks:pending listLength 10" for the detail screen. */
static void describe_trigger(char *out, size_t len, const cJSON *t)
{
    struct keda_scaler one;
    memset(&one, 0, sizeof one);
    first_trigger(&one, t);
    text_printf(out, len, "%s%s%s", one.trigger[0] ? one.trigger : "?", one.what[0] ? " " : "",
                one.what);
    size_t n = strlen(out);
    if (one.param[0] && !isnan(one.target))
        text_printf(out + n, len - n, " %s %g", one.param, one.target);
    else if (one.param[0])
        text_printf(out + n, len - n, " %s ?", one.param);
}

static void triggers(struct keda_scaler *o, const cJSON *list)
{
    const cJSON *t;
    size_t n = 0;
    cJSON_ArrayForEach(t, list)
    {
        if (o->n_triggers == 0)
            first_trigger(o, t);
        o->n_triggers++;
        char one[FT_TEXT_MAX];
        describe_trigger(one, sizeof one, t);
        text_printf(o->triggers + n, sizeof o->triggers - n, "%s%s", n ? "; " : "", one);
        n = strlen(o->triggers);
    }
}

static void conditions(struct keda_scaler *o, const cJSON *conds)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, conds)
    {
        const char *type = kubeevents_jstr(c, "type"), *st = kubeevents_jstr(c, "status");
        if (type == NULL || st == NULL)
            continue;
        char *dst = strcmp(type, "Ready") == 0      ? o->ready
                    : strcmp(type, "Active") == 0   ? o->active
                    : strcmp(type, "Paused") == 0   ? o->paused
                    : strcmp(type, "Fallback") == 0 ? o->fallback
                                                    : NULL;
        if (dst != NULL)
            text_sanitize(dst, sizeof o->ready, st);
    }
}

static int paused_at(const cJSON *meta)
{
    const char *s = kubeevents_jstr(kubeevents_jget(meta, "annotations"), KEDA_PAUSED_ANNOTATION);
    char *end;
    if (s == NULL)
        return -1;
    long v = strtol(s, &end, 10);
    return end != s && *end == '\0' && v >= 0 && v <= 10000000 ? (int)v : -1;
}

int keda_parse_scaledobject(const cJSON *item, struct keda_scaler *out, char *target, size_t len)
{
    const cJSON *meta = kubeevents_jget(item, "metadata"), *spec = kubeevents_jget(item, "spec");
    const cJSON *st = kubeevents_jget(item, "status"),
                *ref = kubeevents_jget(spec, "scaleTargetRef");
    const char *kind = kubeevents_jstr(ref, "kind"), *name = kubeevents_jstr(ref, "name");
    /* KEDA's scaleTargetRef defaults to a Deployment (apps/v1) */
    if (name == NULL || (kind != NULL && strcmp(kind, "Deployment") != 0))
        return -1;
    memset(out, 0, sizeof *out);
    text_sanitize(target, len, name);
    text_sanitize(out->object, sizeof out->object,
                  kubeevents_jstr(meta, "name") ? kubeevents_jstr(meta, "name") : "");
    const char *hpa = kubeevents_jstr(st, "hpaName");
    const char *named = kubeevents_jstr(
        kubeevents_jget(kubeevents_jget(spec, "advanced"), "horizontalPodAutoscalerConfig"),
        "name");
    if (hpa == NULL)
        hpa = named;
    if (hpa != NULL)
        text_sanitize(out->hpa, sizeof out->hpa, hpa);
    else
        text_printf(out->hpa, sizeof out->hpa, "keda-hpa-%s", out->object);
    out->min = jcount(spec, "minReplicaCount", 0);
    out->max = jcount(spec, "maxReplicaCount", 100);
    out->cooldown_s = jcount(spec, "cooldownPeriod", 300);
    out->paused_at = paused_at(meta);
    out->held = out->paused_at >= 0;
    if (!out->held)
        out->paused_at = 0;
    out->target = out->activation = NAN;
    triggers(out, kubeevents_jget(spec, "triggers"));
    conditions(out, kubeevents_jget(st, "conditions"));
    return 0;
}

int keda_link(struct autoscaler *a, const struct keda_scaler *k)
{
    struct keda_scaler *own = autoscaler_add_keda(a);
    if (own == NULL)
        return -1;
    bool generated = a->present && strcmp(a->kind, "HPA") == 0 && strcmp(a->name, k->hpa) == 0;
    if (!generated) { /* no HPA of KEDA's here: nothing of it is known */
        a->desired = 0;
        a->desired_known = false;
        model_set_text(&a->conditions, NULL); /* frees: cannot fail */
        model_set_text(&a->inactive, NULL);
        a->ext_kind[0] = a->ext_type[0] = a->ext_metric[0] = '\0';
        a->ext_current = a->ext_target = NAN;
        a->cpu_current = a->mem_current = a->cpu_target = a->mem_target = NAN;
    }
    a->present = true;
    text_printf(a->kind, sizeof a->kind, "KEDA");
    text_printf(a->name, sizeof a->name, "%s", k->object);
    a->min = k->min;
    a->max = k->max;
    *own = *k;
    return 0;
}

/* A target or current value of the type named: averageValue or value, as a number. */
static double metric_value(const cJSON *v, const char *type)
{
    double d;
    const char *key = strcmp(type, "Value") == 0 ? "value" : "averageValue";
    if (quantity_parse(kubeevents_jstr(v, key), &d) != 0 || !isfinite(d))
        return NAN;
    return d;
}

/* The External or Object part of one metric entry and its kind, NULL when neither. */
static const cJSON *ext_part(const cJSON *m, const char **kind)
{
    const char *type = kubeevents_jstr(m, "type");
    if (type == NULL)
        return NULL;
    if (strcmp(type, "External") == 0) {
        *kind = "External";
        return kubeevents_jget(m, "external");
    }
    if (strcmp(type, "Object") == 0) {
        *kind = "Object";
        return kubeevents_jget(m, "object");
    }
    return NULL;
}

void keda_hpa_metrics(struct autoscaler *a, const cJSON *spec, const cJSON *status)
{
    const cJSON *m, *part = NULL;
    const char *kind = NULL;
    cJSON_ArrayForEach(m, kubeevents_jget(spec, "metrics"))
    {
        if ((part = ext_part(m, &kind)) != NULL)
            break;
    }
    if (part == NULL)
        return;
    const cJSON *target = kubeevents_jget(part, "target");
    const char *type = kubeevents_jstr(target, "type");
    const char *name = kubeevents_jstr(kubeevents_jget(part, "metric"), "name");
    if (type == NULL || (strcmp(type, "AverageValue") != 0 && strcmp(type, "Value") != 0))
        return;
    text_printf(a->ext_kind, sizeof a->ext_kind, "%s", kind);
    text_printf(a->ext_type, sizeof a->ext_type, "%s", type);
    text_sanitize(a->ext_metric, sizeof a->ext_metric, name ? name : "");
    a->ext_target = metric_value(target, type);
    cJSON_ArrayForEach(m, kubeevents_jget(status, "currentMetrics"))
    {
        const char *k2 = NULL;
        const cJSON *cur = ext_part(m, &k2);
        const char *n2 = kubeevents_jstr(kubeevents_jget(cur, "metric"), "name");
        if (cur == NULL || strcmp(k2, kind) != 0 || (name && n2 && strcmp(name, n2) != 0))
            continue;
        a->ext_current = metric_value(kubeevents_jget(cur, "current"), type);
        break;
    }
}

int keda_patch_body(const struct scale_request *req, const char *rv, char *body, size_t len)
{
    char meta[128] = "";
    if (!req->keda || (rv[0] && strchr(rv, '"') != NULL))
        return -1;
    if (rv[0]) /* resourceVersion in a merge patch is a precondition, as in a PUT */
        text_printf(meta, sizeof meta, "\"resourceVersion\":\"%s\"", rv);
    const char *sep = meta[0] ? "," : "";
    if (req->hold)
        text_printf(body, len, "{\"metadata\":{%s%s\"annotations\":{\"%s\":\"%d\"}}}", meta, sep,
                    KEDA_PAUSED_ANNOTATION, req->to);
    else if (req->resume)
        text_printf(body, len, "{\"metadata\":{%s%s\"annotations\":{\"%s\":null}}}", meta, sep,
                    KEDA_PAUSED_ANNOTATION);
    else if (req->set_autoscaler_min)
        text_printf(body, len, "{\"metadata\":{%s},\"spec\":{\"minReplicaCount\":%d}}", meta,
                    req->to);
    else
        return -1;
    return 0;
}
