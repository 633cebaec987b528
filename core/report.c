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

#include "forgetop/facts.h"
#include "forgetop/report.h"
#include "forgetop/text.h"

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

/* {"cpu": x, "memory": y}, each null when unknown */
static void add_pair(cJSON *o, const char *k, double cpu, double mem)
{
    cJSON *p = cJSON_AddObjectToObject(o, k);
    add_num(p, "cpu", cpu);
    add_num(p, "memory", mem);
}

/* An External or Object metric and a ScaledObject's own parameters, when there are. */
static void keda_json(cJSON *o, const struct autoscaler *a)
{
    const struct keda_scaler *k = autoscaler_keda(a);
    if (a->ext_kind[0]) {
        cJSON *m = cJSON_AddObjectToObject(o, "external");
        cJSON_AddStringToObject(m, "kind", a->ext_kind);
        cJSON_AddStringToObject(m, "metric", a->ext_metric);
        cJSON_AddStringToObject(m, "target_type", a->ext_type);
        add_num(m, "current", a->ext_current);
        add_num(m, "target", a->ext_target);
    }
    if (strcmp(a->kind, "KEDA") != 0)
        return;
    cJSON *j = cJSON_AddObjectToObject(o, "keda");
    cJSON_AddStringToObject(j, "scaledobject", k->object);
    cJSON_AddStringToObject(j, "hpa", k->hpa);
    add_num(j, "paused_at", k->held ? k->paused_at : NAN);
    cJSON_AddStringToObject(j, "trigger", k->trigger);
    cJSON_AddStringToObject(j, "what", k->what);
    cJSON_AddStringToObject(j, "param", k->param);
    add_num(j, "target", k->target);
    add_num(j, "activation", k->activation);
    cJSON_AddStringToObject(j, "metric_type", k->metric_type);
    cJSON_AddStringToObject(j, "triggers", k->triggers);
    add_str_or_null(j, "ready", k->ready);
    add_str_or_null(j, "active", k->active);
    add_str_or_null(j, "paused", k->paused);
    add_str_or_null(j, "fallback", k->fallback);
}

/* The autoscaler as its source reports it: a count it could not compute is null, and
 * its own metric figures sit beside whether they agree with ours. */
static cJSON *autoscaler_json(const struct service_view *v)
{
    const struct autoscaler *a = &v->svc.autoscaler;
    if (!a->present)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", a->kind);
    cJSON_AddStringToObject(o, "name", a->name);
    cJSON_AddNumberToObject(o, "min", a->min);
    cJSON_AddNumberToObject(o, "max", a->max);
    add_num(o, "desired", a->desired_known ? a->desired : NAN);
    cJSON_AddBoolToObject(o, "scaling_active", a->inactive == NULL);
    add_str_or_null(o, "inactive", model_text(a->inactive));
    add_str_or_null(o, "conditions", model_text(a->conditions));
    add_pair(o, "current_metrics", a->cpu_current, a->mem_current);
    add_pair(o, "targets", a->cpu_target, a->mem_target);
    cJSON_AddBoolToObject(o, "agrees", v->hpa_agrees);
    add_str_or_null(o, "disagreement", v->hpa_note);
    keda_json(o, a);
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
    add_num(o, "mem_req_pct", s->mem_req_pct);
    cJSON_AddStringToObject(o, "cpu_of", s->cpu_of[0] ? s->cpu_of : "request");
    add_num(o, "cpu_cores", s->cpu_cores);
    add_num(o, "mem_bytes", s->mem_bytes);
    cJSON_AddStringToObject(o, "cpu_band", band_name(v->cpu_band));
    cJSON_AddStringToObject(o, "mem_band", band_name(v->mem_band));
    add_num(o, "recommended", v->has_rec ? v->rec.replicas : NAN);
    cJSON_AddBoolToObject(o, "changes", v->has_rec && v->rec.changes);
    cJSON_AddStringToObject(o, "reason", v->rec.reason);
    char after[128] = "";
    if (v->has_rec)
        world_predict(w, v, v->rec.replicas, after, sizeof after);
    add_str_or_null(o, "prediction", v->has_rec ? after : NULL);
    add_num(o, "rec_t", v->rec_t);
    cJSON_AddItemToObject(o, "autoscaler", autoscaler_json(v));
    add_str_or_null(o, "status", s->status); /* NULL: null, as "" was */
    add_str_or_null(o, "status_reason", s->reason);
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

/* "92.5%", "340 items": "%" and "ms" stick to the number; a word unit reads better apart. */
static void value_text(char *out, size_t len, const char *fmt, double v, const char *unit)
{
    bool apart = unit[0] != '\0' && strcmp(unit, "%") != 0 && strcmp(unit, "ms") != 0;
    char num[32];
    snprintf(num, sizeof num, fmt, v);
    text_printf(out, len, "%s%s%s", num, apart ? " " : "", unit);
}

/* One of forgetop's own pending or firing metrics, listed as the alerts screen lists it. */
static cJSON *own_alert_json(const struct metric_view *m, double now)
{
    cJSON *o = cJSON_CreateObject();
    double over = m->band == BAND_CRITICAL ? m->rule.critical : m->rule.warning;
    char text[FT_TEXT_MAX];
    cJSON_AddStringToObject(o, "name", m->rule.title[0] ? m->rule.title : m->rule.id);
    cJSON_AddStringToObject(o, "state", sustained_name(m->sustain.state));
    cJSON_AddStringToObject(o, "severity", band_name(m->band));
    add_num(o, "active_at", now - m->sustain.for_s);
    text_printf(text, sizeof text, "service=%s", m->service);
    cJSON_AddStringToObject(o, "labels", text);
    char v[48], thr[48];
    value_text(v, sizeof v, "%.1f", m->value, m->rule.unit);
    value_text(thr, sizeof thr, "%g", over, m->rule.unit);
    text_printf(text, sizeof text, "%s > %s, %s", v, thr, m->rule.action);
    cJSON_AddStringToObject(o, "summary", text);
    cJSON_AddStringToObject(o, "source", WORLD_OWN_ALERTS);
    cJSON_AddStringToObject(o, "metric", m->rule.id);
    return o;
}

static void add_alerts(const struct world *w, cJSON *alerts)
{
    for (size_t i = 0; i < w->n_metrics; i++) /* forgetop's own first, as on the screen */
        if (world_metric_alerting(&w->metrics[i]))
            cJSON_AddItemToArray(alerts, own_alert_json(&w->metrics[i], w->now));
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
    }
}

/* A panel's figure as the world judged it: the number (null when unknown) with its unit
 * and denominator, the typed text, the band, and its source's state and age. */
static void add_facts(const struct world *w, cJSON *facts)
{
    for (size_t i = 0; i < w->n_facts; i++) {
        const struct fact_view *v = &w->facts[i];
        const struct fact *f = &v->f;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "panel", f->panel);
        cJSON_AddStringToObject(o, "label", f->label);
        add_num(o, "value", f->unit == UNIT_TEXT ? NAN : f->value);
        add_num(o, "of", f->of);
        cJSON_AddStringToObject(o, "unit", facts_unit_name(f->unit));
        add_str_or_null(o, "text", f->text);
        cJSON_AddStringToObject(o, "display", v->text);
        cJSON_AddStringToObject(o, "band", band_name(v->band));
        add_str_or_null(o, "rule", f->rule);
        cJSON_AddStringToObject(o, "state", v->stale ? "stale" : "fresh");
        cJSON_AddNumberToObject(o, "age_s", floor(v->age));
        cJSON_AddStringToObject(o, "source", w->sources[v->source].name);
        cJSON_AddItemToArray(facts, o);
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

static void add_permission(cJSON *o, const char *name, enum permission p)
{
    if (p == PERM_UNKNOWN)
        cJSON_AddNullToObject(o, name);
    else
        cJSON_AddBoolToObject(o, name, p == PERM_ALLOWED);
}

/* What the cluster lets this user send, verb by verb: true, false, null (not asked). */
static cJSON *rbac_json(const struct world *w, double now)
{
    cJSON *o = cJSON_CreateObject();
    add_permission(o, "scale", w->access.scale);
    add_permission(o, "hpa", w->access.hpa_min);
    add_permission(o, "keda", w->access.keda);
    if (w->access.checked_at > 0)
        cJSON_AddNumberToObject(o, "checked_age_s", round((now - w->access.checked_at) * 10) / 10);
    else
        cJSON_AddNullToObject(o, "checked_age_s");
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
    add_str_or_null(root, "namespace", w->namespace_);
    cJSON_AddBoolToObject(root, "all_namespaces", w->all_namespaces);
    add_str_or_null(root, "notice", w->notice);
    cJSON_AddBoolToObject(root, "production", w->production);
    add_str_or_null(root, "read_only_reason", w->read_only_why);
    cJSON_AddItemToObject(root, "rbac", rbac_json(w, now));
    cJSON_AddItemToObject(root, "sources", sources_json(w, now));
    cJSON *svcs = cJSON_AddArrayToObject(root, "services");
    for (size_t i = 0; i < w->n_services; i++)
        cJSON_AddItemToArray(svcs, service_json(w, &w->services[i]));
    cJSON *metrics = cJSON_AddArrayToObject(root, "metrics");
    for (size_t i = 0; i < w->n_metrics; i++)
        cJSON_AddItemToArray(metrics, metric_json(&w->metrics[i]));
    cJSON *alerts = cJSON_AddArrayToObject(root, "alerts");
    cJSON *facts = cJSON_AddArrayToObject(root, "facts");
    add_alerts(w, alerts);
    add_facts(w, facts);
    cJSON_AddItemToObject(root, "advice", advice_json(w));
    char *out = cJSON_Print(root);
    cJSON_Delete(root);
    return out;
}

static const char *check_word(int code)
{
    static const char *const words[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};
    return code >= 0 && code < 4 ? words[code] : "UNKNOWN";
}

static bool metric_known(const struct metric_view *m)
{
    return m->has_value && !isnan(m->value) && m->band != BAND_UNKNOWN;
}

static void check_metric_line(const struct metric_view *m, double now, FILE *out)
{
    if (m->has_value && !isnan(m->value) && m->band == BAND_UNKNOWN) { /* too old to judge */
        fprintf(out, "UNKNOWN %s %s: no data: the last value is %.0fs old\n", m->rule.id,
                m->service, now - m->t);
        return;
    }
    if (!metric_known(m)) { /* never read, or read as "no number" */
        fprintf(out, "UNKNOWN %s %s: no data%s%s\n", m->rule.id, m->service, m->note[0] ? ": " : "",
                m->note);
        return;
    }
    char v[48];
    value_text(v, sizeof v, "%.1f", m->value, m->rule.unit);
    fprintf(out, "%s %s %s = %s (warning > %g, critical > %g) %s", check_word(m->band), m->rule.id,
            m->service, v, m->rule.warning, m->rule.critical, sustained_name(m->sustain.state));
    if (m->sustain.state != SUSTAINED_INACTIVE)
        fprintf(out, " %.0fs/%.0fs", m->sustain.for_s, m->rule.for_s);
    fputc('\n', out);
}

static enum band service_band(const struct service *s)
{
    return bands_ready(s->ready, s->desired);
}

static void check_service_line(const struct service *s, enum band b, FILE *out)
{
    fprintf(out, "%s ready %s = %d/%d", check_word(b), s->name, s->ready, s->desired);
    if (s->status != NULL)
        fprintf(out, ": %s", s->status);
    fputc('\n', out);
}

/* What the verdict is built from: every line's band, and what makes it unknown. */
struct check_tally {
    size_t count[4];
    size_t unreadable, known_metrics;
    const char *scope; /* the first source's "namespace ... does not exist" */
};

static void tally_band(struct check_tally *t, enum band b)
{
    t->count[(unsigned)b < 4 ? b : BAND_UNKNOWN]++;
}

static void tally(const struct world *w, struct check_tally *t)
{
    memset(t, 0, sizeof(*t));
    for (size_t i = 0; i < w->n_sources; i++) {
        t->unreadable += w->sources[i].state != SOURCE_OK;
        const struct snapshot *s = w->snaps[i];
        if (s != NULL && s->scope_error[0] && t->scope == NULL)
            t->scope = s->scope_error;
    }
    for (size_t i = 0; i < w->n_facts; i++)
        if (w->facts[i].f.probe)
            tally_band(t, w->facts[i].band);
    for (size_t i = 0; i < w->n_metrics; i++) {
        bool known = metric_known(&w->metrics[i]);
        t->known_metrics += known;
        tally_band(t, known ? w->metrics[i].band : BAND_UNKNOWN);
    }
    for (size_t i = 0; i < w->n_services; i++) {
        enum band b = service_band(&w->services[i].svc);
        if (b != BAND_OK) /* only a service short of replicas is a line */
            tally_band(t, b);
    }
}

/* Nagios's order of worst: a source that cannot be read, or a scope that names nothing,
 * makes every figure doubtful (UNKNOWN); then CRITICAL; then "no metric has data"
 * (UNKNOWN: silence is not health); then WARNING, OK. */
static int verdict(const struct check_tally *t)
{
    if (t->unreadable > 0 || t->scope != NULL)
        return 3;
    if (t->count[BAND_CRITICAL] > 0)
        return 2;
    if (t->known_metrics == 0)
        return 3;
    return t->count[BAND_WARNING] > 0 ? 1 : 0;
}

/* A perf data number: no exponent, no trailing zeros, "U" when unknown (Nagios). */
static void perf_number(char *out, size_t len, double v)
{
    if (!isfinite(v)) {
        snprintf(out, len, "U");
        return;
    }
    snprintf(out, len, "%.1f", v);
    char *e = out + strlen(out) - 1;
    while (e > out && *e == '0')
        *e-- = '\0';
    if (e > out && *e == '.')
        *e = '\0';
}

/* label=value[UOM];warn;crit, as the Nagios plugin guidelines write it. A label is the
 * metric's id, with its service when another view of the same id came first. */
static void perf_item(const struct world *w, size_t i, FILE *out)
{
    const struct metric_view *m = &w->metrics[i];
    char label[FT_ID_MAX + FT_NAME_MAX + 2], v[32], warn[32], crit[32];
    bool repeat = false;
    for (size_t j = 0; j < i; j++)
        repeat |= strcmp(w->metrics[j].rule.id, m->rule.id) == 0;
    snprintf(label, sizeof(label), "%s%s%s", m->rule.id, repeat ? "_" : "",
             repeat ? m->service : "");
    for (char *c = label; *c; c++) /* no quotes, '=' or blanks in a label */
        if (*c == '\'' || *c == '=' || *c == ' ' || *c == '|' || (unsigned char)*c < 0x20)
            *c = '_';
    /* a unit Nagios knows, else none ("items" is a count) */
    const char *uom = strcmp(m->rule.unit, "%") == 0 || strcmp(m->rule.unit, "ms") == 0 ||
                              strcmp(m->rule.unit, "s") == 0
                          ? m->rule.unit
                          : "";
    perf_number(v, sizeof(v), metric_known(m) ? m->value : NAN);
    perf_number(warn, sizeof(warn), m->rule.warning);
    perf_number(crit, sizeof(crit), m->rule.critical);
    fprintf(out, "%s%s=%s%s;%s;%s", i ? " " : "", label, v, strcmp(v, "U") ? uom : "", warn, crit);
}

static void check_summary(const struct world *w, const struct check_tally *t, int code, FILE *out)
{
    fprintf(out, "FORGETOP %s - %zu critical, %zu warning, %zu ok, %zu no data", check_word(code),
            t->count[BAND_CRITICAL], t->count[BAND_WARNING], t->count[BAND_OK],
            t->count[BAND_UNKNOWN]);
    if (t->unreadable > 0)
        fprintf(out, "; %zu source%s unreadable", t->unreadable, t->unreadable == 1 ? "" : "s");
    if (t->scope != NULL)
        fprintf(out, "; %s", t->scope);
    else if (t->known_metrics == 0)
        fprintf(out, "; no metric has data");
    if (w->n_metrics > 0)
        fputs(" | ", out);
    for (size_t i = 0; i < w->n_metrics; i++)
        perf_item(w, i, out);
    fputc('\n', out);
}

/* Nagios shows the first line as the status: it sums up, the detail lines follow. */
int report_check(const struct world *w, FILE *out)
{
    struct check_tally t;
    tally(w, &t);
    int code = verdict(&t);
    check_summary(w, &t, code, out);
    for (size_t i = 0; i < w->n_sources; i++) {
        const struct source_status *s = &w->sources[i];
        const struct snapshot *snap = w->snaps[i];
        if (s->state != SOURCE_OK)
            fprintf(out, "UNKNOWN source %s %s: %s\n", s->name,
                    s->state == SOURCE_STALE ? "stale" : "failing",
                    s->error[0] ? s->error : "no answer");
        if (snap != NULL && snap->scope_error[0])
            fprintf(out, "UNKNOWN source %s: %s\n", s->name, snap->scope_error);
    }
    for (size_t i = 0; i < w->n_services; i++) {
        enum band b = service_band(&w->services[i].svc);
        if (b != BAND_OK)
            check_service_line(&w->services[i].svc, b, out);
    }
    for (size_t i = 0; i < w->n_facts; i++) {
        const struct fact_view *v = &w->facts[i];
        if (v->f.probe)
            fprintf(out, "%s %s %s = %s\n", check_word(v->band), w->sources[v->source].name,
                    v->f.label, v->text);
    }
    for (size_t i = 0; i < w->n_metrics; i++)
        check_metric_line(&w->metrics[i], w->now, out);
    return code;
}
