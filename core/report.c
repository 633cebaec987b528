/* report.c - the world as one JSON document (`--once --json`) and as Nagios-style
 * check lines (`--check`).
 *
 * Unknown numbers are JSON null, never 0: a script must be able to tell "no data"
 * from "idle". Times are unix seconds and ages in seconds. */

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "forgetop/report.h"

static void add_num(cJSON *o, const char *k, double v)
{
    if (isfinite(v))
        cJSON_AddNumberToObject(o, k, v);
    else if (isinf(v))
        cJSON_AddStringToObject(o, k, v > 0 ? "+Inf" : "-Inf");
    else
        cJSON_AddNullToObject(o, k);
}

static void add_str_or_null(cJSON *o, const char *k, const char *s)
{
    if (s != NULL && s[0] != '\0')
        cJSON_AddStringToObject(o, k, s);
    else
        cJSON_AddNullToObject(o, k);
}

static cJSON *sources_json(const struct world *w, double now)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < w->n_sources; i++) {
        const struct source_status *s = &w->sources[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", s->name);
        /* "starting" is internal: a source never read is failing to the outside. */
        cJSON_AddStringToObject(
            o, "state", s->state == SOURCE_STARTING ? "failing" : source_state_name(s->state));
        add_num(o, "age_s", s->last_ok > 0 ? now - s->last_ok : NAN);
        add_str_or_null(o, "error", s->error);
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

static cJSON *autoscaler_json(const struct autoscaler *a)
{
    if (!a->present)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", a->kind);
    cJSON_AddStringToObject(o, "name", a->name);
    cJSON_AddNumberToObject(o, "min", a->min);
    cJSON_AddNumberToObject(o, "max", a->max);
    cJSON_AddNumberToObject(o, "desired", a->desired);
    add_str_or_null(o, "conditions", a->conditions);
    return o;
}

static cJSON *service_json(const struct world *w, const struct service_view *v)
{
    const struct service *s = &v->svc;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", s->name);
    cJSON_AddStringToObject(o, "source", w->sources[v->source].name);
    cJSON_AddStringToObject(o, "namespace", s->namespace_);
    cJSON_AddStringToObject(o, "kind", s->kind);
    cJSON_AddNumberToObject(o, "desired", s->desired);
    cJSON_AddNumberToObject(o, "ready", s->ready);
    cJSON_AddNumberToObject(o, "updated", s->updated);
    cJSON_AddNumberToObject(o, "available", s->available);
    cJSON_AddNumberToObject(o, "min", v->min);
    cJSON_AddNumberToObject(o, "max", v->max);
    add_num(o, "cpu_pct", s->cpu_pct);
    add_num(o, "mem_pct", s->mem_pct);
    cJSON_AddStringToObject(o, "cpu_of", s->cpu_of[0] ? s->cpu_of : "request");
    add_num(o, "cpu_cores", s->cpu_cores);
    add_num(o, "mem_bytes", s->mem_bytes);
    cJSON_AddStringToObject(o, "cpu_band", band_name(v->cpu_band));
    cJSON_AddStringToObject(o, "mem_band", band_name(v->mem_band));
    cJSON_AddNumberToObject(o, "recommended", v->rec.replicas);
    cJSON_AddBoolToObject(o, "changes", v->rec.changes);
    cJSON_AddStringToObject(o, "reason", v->rec.reason);
    add_str_or_null(o, "prediction", v->prediction);
    cJSON_AddItemToObject(o, "autoscaler", autoscaler_json(&s->autoscaler));
    add_str_or_null(o, "status", s->status);
    cJSON_AddNumberToObject(o, "pods", (double)s->n_pods);
    double restarts = 0; /* of all its pods/containers: a loop shows as a growing count */
    for (size_t i = 0; i < s->n_pods; i++)
        restarts += s->pods[i].restarts;
    cJSON_AddNumberToObject(o, "restarts", restarts);
    return o;
}

static cJSON *metric_json(const struct metric_view *m)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", m->rule.id);
    cJSON_AddStringToObject(o, "title", m->rule.title);
    cJSON_AddStringToObject(o, "service", m->service);
    add_num(o, "value", m->has_value ? m->value : NAN);
    cJSON_AddStringToObject(o, "unit", m->rule.unit);
    cJSON_AddStringToObject(o, "band", band_name(m->band));
    cJSON_AddStringToObject(o, "sustained", sustained_name(m->sustain.state));
    cJSON_AddNumberToObject(o, "for_s", m->sustain.for_s);
    cJSON_AddNumberToObject(o, "window_s", m->rule.for_s);
    cJSON_AddNumberToObject(o, "warning", m->rule.warning);
    cJSON_AddNumberToObject(o, "critical", m->rule.critical);
    add_num(o, "t", m->has_value ? m->t : NAN);
    add_str_or_null(o, "from", m->from);
    add_str_or_null(o, "note", m->note);
    cJSON_AddStringToObject(o, "action", m->rule.action);
    cJSON_AddNumberToObject(o, "samples", (double)history_len(&m->hist));
    return o;
}

static void add_snapshot_lists(const struct world *w, cJSON *alerts, cJSON *facts)
{
    for (size_t i = 0; i < w->n_sources; i++) {
        const struct snapshot *s = w->snaps[i];
        if (s == NULL)
            continue;
        for (size_t j = 0; j < s->n_alerts; j++) {
            const struct alert *a = &s->alerts[j];
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "name", a->name);
            cJSON_AddStringToObject(o, "state", a->state);
            cJSON_AddStringToObject(o, "severity", a->severity);
            add_num(o, "active_at", a->active_at > 0 ? a->active_at : NAN);
            cJSON_AddStringToObject(o, "labels", a->labels);
            cJSON_AddStringToObject(o, "summary", a->summary);
            cJSON_AddStringToObject(o, "source", w->sources[i].name);
            cJSON_AddItemToArray(alerts, o);
        }
        for (size_t j = 0; j < s->n_facts; j++) {
            const struct fact *f = &s->facts[j];
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "panel", f->panel);
            cJSON_AddStringToObject(o, "label", f->label);
            cJSON_AddStringToObject(o, "value", f->value);
            cJSON_AddStringToObject(o, "band", band_name(f->band));
            cJSON_AddStringToObject(o, "source", w->sources[i].name);
            cJSON_AddItemToArray(facts, o);
        }
    }
}

static cJSON *advice_json(const struct world *w)
{
    cJSON *o = cJSON_CreateObject();
    add_str_or_null(o, "database", w->db_advice);
    if (w->tier == NULL) {
        cJSON_AddNullToObject(o, "tier");
        return o;
    }
    cJSON *t = cJSON_AddObjectToObject(o, "tier");
    cJSON_AddStringToObject(t, "name", w->tier->name);
    cJSON_AddNumberToObject(t, "api_replicas", w->tier->api_replicas);
    cJSON_AddNumberToObject(t, "workers", w->tier->workers);
    cJSON_AddStringToObject(t, "postgres", w->tier->postgres);
    cJSON_AddStringToObject(t, "redis", w->tier->redis);
    return o;
}

char *report_json(const struct world *w, bool read_only, double now)
{
    cJSON *root = cJSON_CreateObject();
    if (root == NULL)
        return NULL;
    cJSON_AddNumberToObject(root, "schema", REPORT_SCHEMA_VERSION);
    cJSON_AddNumberToObject(root, "generated_at", floor(now));
    cJSON_AddBoolToObject(root, "read_only", read_only);
    add_str_or_null(root, "context", w->context);
    add_str_or_null(root, "notice", w->notice);
    cJSON_AddBoolToObject(root, "production", w->production);
    cJSON_AddItemToObject(root, "sources", sources_json(w, now));
    cJSON *svcs = cJSON_AddArrayToObject(root, "services");
    for (size_t i = 0; i < w->n_services; i++)
        cJSON_AddItemToArray(svcs, service_json(w, &w->services[i]));
    cJSON *metrics = cJSON_AddArrayToObject(root, "metrics");
    for (size_t i = 0; i < w->n_metrics; i++)
        cJSON_AddItemToArray(metrics, metric_json(&w->metrics[i]));
    cJSON *alerts = cJSON_AddArrayToObject(root, "alerts");
    cJSON *facts = cJSON_AddArrayToObject(root, "facts");
    add_snapshot_lists(w, alerts, facts);
    cJSON_AddItemToObject(root, "advice", advice_json(w));
    char *out = cJSON_Print(root);
    cJSON_Delete(root);
    return out;
}

static const char *check_word(enum band b)
{
    static const char *const words[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};
    return (unsigned)b < 4 ? words[b] : "UNKNOWN";
}

static void check_metric_line(const struct metric_view *m, FILE *out)
{
    if (!m->has_value || isnan(m->value)) { /* never read, or read as "no number" */
        fprintf(out, "UNKNOWN %s %s: no data%s%s\n", m->rule.id, m->service, m->note[0] ? ": " : "",
                m->note);
        return;
    }
    /* "%" and "ms" stick to the number; a word unit ("items") reads better apart */
    bool apart = m->rule.unit[0] != '\0' && strcmp(m->rule.unit, "%") != 0 &&
                 strcmp(m->rule.unit, "ms") != 0;
    fprintf(out, "%s %s %s = %.1f%s%s (warning > %g, critical > %g) %s", check_word(m->band),
            m->rule.id, m->service, m->value, apart ? " " : "", m->rule.unit, m->rule.warning,
            m->rule.critical, sustained_name(m->sustain.state));
    if (m->sustain.state != SUSTAINED_INACTIVE)
        fprintf(out, " %.0fs/%.0fs", m->sustain.for_s, m->rule.for_s);
    fputc('\n', out);
}

/* Nagios shows the first line as the status: it sums up, the detail lines follow. */
int report_check(const struct world *w, FILE *out)
{
    int code = 0;
    size_t count[4] = {0}, unreadable = 0;
    for (size_t i = 0; i < w->n_sources; i++)
        unreadable += w->sources[i].state != SOURCE_OK;
    for (size_t i = 0; i < w->n_metrics; i++) {
        const struct metric_view *m = &w->metrics[i];
        enum band b = (!m->has_value || isnan(m->value)) ? BAND_UNKNOWN : m->band;
        count[b < 4 ? b : BAND_UNKNOWN]++;
        if (b != BAND_UNKNOWN && (int)b > code)
            code = (int)b;
    }
    if (unreadable > 0)
        code = 3;
    fprintf(out, "FORGETOP %s - %zu critical, %zu warning, %zu ok, %zu no data", check_word(code),
            count[BAND_CRITICAL], count[BAND_WARNING], count[BAND_OK], count[BAND_UNKNOWN]);
    if (unreadable > 0)
        fprintf(out, "; %zu source%s unreadable", unreadable, unreadable == 1 ? "" : "s");
    fputc('\n', out);
    for (size_t i = 0; i < w->n_sources; i++) {
        const struct source_status *s = &w->sources[i];
        if (s->state != SOURCE_OK)
            fprintf(out, "UNKNOWN source %s %s: %s\n", s->name,
                    s->state == SOURCE_STALE ? "stale" : "failing",
                    s->error[0] ? s->error : "no answer");
    }
    for (size_t i = 0; i < w->n_metrics; i++)
        check_metric_line(&w->metrics[i], out);
    return code;
}
