/* prometheus.c - the runbook's metrics and alerts as Prometheus itself computes them, so
 * the dashboard shows the numbers the operator's alerts see.
 *
 * Each poll POSTs one instant query per configured metric and reads /api/v1/alerts; the
 * first poll also backfills 30 minutes of history with range queries. A value Prometheus
 * cannot give (NaN, +-Inf, an empty result) is a reading of NAN or INF with a note,
 * never a 0. Prometheus down, hung, 5xx or garbage fails the whole poll with the reason;
 * a query Prometheus refuses (bad_data, execution) is a note on that metric alone plus
 * the snapshot's notice, so one typo in a config does not blank the other metrics. */

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "forgetop/config.h"
#include "forgetop/history.h"
#include "forgetop/http.h"
#include "forgetop/prometheus.h"
#include "forgetop/source.h"
#include "forgetop/text.h"

#define PROM_BACKFILL_S 1800.0
#define PROM_STEP_S     15.0
#define PROM_MAX_BODY   (4u << 20) /* a 15 MiB answer parsed cost 642 MB */

/* PromQL answers in the unit of its series; the runbook shows percent and ms. cpu is
 * cores per container (a rate of cpu seconds) and the runbook's HighCPU compares it to
 * 0.7, a fraction of one core: x 100 gives % of one core, 70 on the same threshold.
 * `scale` in [metric ID] overrides these (cpu as % of a 0.5-core request: 200). */
static const struct {
    const char *metric;
    double scale;
} default_scales[] = {
    {"cpu", 100.0},            /* cores -> % of one core */
    {"memory", 100.0},         /* working set / limit -> % of limit */
    {"latency_p99", 1000.0},   /* seconds -> ms */
    {"db_connections", 100.0}, /* fraction of max_connections -> % */
    {"queue_depth", 1.0},      /* items */
};

double prometheus_default_scale(const char *metric)
{
    for (size_t i = 0; i < sizeof default_scales / sizeof default_scales[0]; i++)
        if (strcmp(default_scales[i].metric, metric) == 0)
            return default_scales[i].scale;
    return 1.0;
}

/* ---- parsing ---------------------------------------------------------------------- */

static void add_note(struct reading *r, const char *fmt, const char *what)
{
    char raw[128], clean[sizeof r->note];
    snprintf(raw, sizeof raw, fmt, what);
    text_sanitize(clean, sizeof clean, raw);
    if (r->note[0]) {
        size_t used = strlen(r->note);
        text_printf(r->note + used, sizeof r->note - used, "; %s", clean);
    } else {
        text_printf(r->note, sizeof r->note, "%s", clean);
    }
}

/* A [time, "value"] pair into r: scaled, or NAN/INF with a note. -1 when malformed. */
static int read_pair(const cJSON *pair, double scale, struct reading *r)
{
    const cJSON *t = cJSON_GetArrayItem(pair, 0), *v = cJSON_GetArrayItem(pair, 1);
    char *end;
    if (!cJSON_IsArray(pair) || !cJSON_IsNumber(t) || !cJSON_IsString(v))
        return -1;
    double x = strtod(v->valuestring, &end);
    if (end == v->valuestring || *end)
        return -1;
    r->t = t->valuedouble;
    if (isnan(x)) {
        r->value = NAN;
        add_note(r, "%s", "NaN from Prometheus");
    } else if (isinf(x)) {
        r->value = x;
        add_note(r, "%s from Prometheus", x > 0 ? "+Inf" : "-Inf");
    } else {
        r->value = x * scale;
    }
    return 0;
}

/* The envelope every API answer shares: {"status": "success", "data": ...} or
 * {"status": "error", "errorType": ..., "error": ...}. */
static enum prom_parse envelope(const char *body, cJSON **root, const cJSON **data, char *err,
                                size_t errlen)
{
    const cJSON *status, *type, *msg;
    *root = body ? cJSON_Parse(body) : NULL;
    if (!*root || !cJSON_IsObject(*root)) {
        text_printf(err, errlen, "not a Prometheus API answer");
        return PROM_GARBAGE;
    }
    status = cJSON_GetObjectItemCaseSensitive(*root, "status");
    if (cJSON_IsString(status) && strcmp(status->valuestring, "error") == 0) {
        char t[64], m[200];
        type = cJSON_GetObjectItemCaseSensitive(*root, "errorType");
        msg = cJSON_GetObjectItemCaseSensitive(*root, "error");
        text_sanitize(t, sizeof t, cJSON_IsString(type) ? type->valuestring : "error");
        text_sanitize(m, sizeof m, cJSON_IsString(msg) ? msg->valuestring : "(no message)");
        text_printf(err, errlen, "%s: %s", t, m);
        return PROM_QUERY_ERROR;
    }
    *data = cJSON_GetObjectItemCaseSensitive(*root, "data");
    if (!cJSON_IsString(status) || strcmp(status->valuestring, "success") != 0 || !*data) {
        text_printf(err, errlen, "not a Prometheus API answer");
        return PROM_GARBAGE;
    }
    return PROM_OK;
}

static void add_warnings(const cJSON *root, struct reading *r)
{
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(root, "warnings");
    const cJSON *first = cJSON_GetArrayItem(w, 0);
    if (cJSON_IsString(first))
        add_note(r, "warning: %s", first->valuestring);
}

enum prom_parse prometheus_parse_instant(const char *body, double scale, struct reading *out,
                                         char *err, size_t errlen)
{
    cJSON *root = NULL;
    const cJSON *data = NULL, *type, *result, *first;
    char more[48], kind[17];
    enum prom_parse rc = envelope(body, &root, &data, err, errlen);
    out->value = NAN;
    out->note[0] = 0;
    if (rc != PROM_OK)
        goto out;
    rc = PROM_GARBAGE;
    type = cJSON_GetObjectItemCaseSensitive(data, "resultType");
    result = cJSON_GetObjectItemCaseSensitive(data, "result");
    if (!cJSON_IsString(type) || !result) {
        text_printf(err, errlen, "query answer without resultType or result");
        goto out;
    }
    text_sanitize(kind, sizeof kind, type->valuestring); /* it is quoted in errors */
    if (strcmp(type->valuestring, "scalar") == 0) {
        if (read_pair(result, scale, out) < 0)
            goto bad;
    } else if (strcmp(type->valuestring, "vector") == 0 ||
               strcmp(type->valuestring, "matrix") == 0) {
        bool vector = type->valuestring[0] == 'v';
        int n = cJSON_GetArraySize(result);
        if (!cJSON_IsArray(result))
            goto bad;
        if (n == 0) {
            add_note(out, "%s", "empty result");
        } else {
            first = cJSON_GetArrayItem(result, 0);
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(first, vector ? "value" : "values");
            if (!vector)
                v = cJSON_GetArrayItem(v, cJSON_GetArraySize(v) - 1);
            if (read_pair(v, scale, out) < 0)
                goto bad;
            if (n > 1) {
                snprintf(more, sizeof more, "%d series, showing the first", n);
                add_note(out, "%s", more);
            }
        }
    } else {
        text_printf(err, errlen, "a %s result is not a number", kind);
        goto out;
    }
    add_warnings(root, out);
    rc = PROM_OK;
    goto out;
bad:
    text_printf(err, errlen, "malformed %s result", kind);
out:
    cJSON_Delete(root);
    return rc;
}

int prometheus_parse_range(const char *body, double scale, const char *metric, const char *service,
                           struct snapshot *snap, char *err, size_t errlen)
{
    cJSON *root = NULL;
    const cJSON *data = NULL, *result, *values, *pair;
    int n = -1;
    if (envelope(body, &root, &data, err, errlen) != PROM_OK)
        goto out;
    result = cJSON_GetObjectItemCaseSensitive(data, "result");
    if (!cJSON_IsArray(result)) {
        text_printf(err, errlen, "range answer without a result");
        goto out;
    }
    n = 0;
    values = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(result, 0), "values");
    /* The history keeps HISTORY_CAP samples: older points than that are not worth a
     * reading each, however many a server sends. */
    int skip = cJSON_GetArraySize(values) - HISTORY_CAP;
    cJSON_ArrayForEach(pair, values)
    {
        struct reading tmp = {0}, *r;
        if (skip-- > 0 || read_pair(pair, scale, &tmp) < 0)
            continue;
        r = snapshot_add_reading(snap, metric, service, tmp.t, tmp.value);
        if (!r)
            break;
        memcpy(r->note, tmp.note, sizeof r->note);
        n++;
    }
out:
    cJSON_Delete(root);
    return n;
}

double prometheus_parse_time(const char *s)
{
    struct tm tm = {0};
    char *end;
    double frac = 0;
    int off = 0, used = 0;
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                     &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) != 6)
        return 0;
    if (tm.tm_year < 1970)
        return 0; /* Go's zero time: "0001-01-01T00:00:00Z" */
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    end = (char *)s + used; /* "%2d" takes one digit too: not always 19 characters */
    if (*end == '.')
        frac = strtod(end, &end);
    if (*end == '+' || *end == '-') {
        int h = 0, m = 0;
        if (sscanf(end + 1, "%2d:%2d", &h, &m) == 2)
            off = (h * 3600 + m * 60) * (*end == '-' ? -1 : 1);
    }
    return (double)timegm(&tm) + frac - off;
}

static const char *label(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static void join_labels(const cJSON *labels, char *out, size_t len)
{
    char raw[FT_TEXT_MAX * 2] = "";
    size_t used = 0;
    const cJSON *l;
    cJSON_ArrayForEach(l, labels)
    {
        if (!cJSON_IsString(l) || strcmp(l->string, "alertname") == 0 ||
            strcmp(l->string, "severity") == 0 || used >= sizeof raw - 1)
            continue;
        used += (size_t)snprintf(raw + used, sizeof raw - used, "%s%s=%s", used ? " " : "",
                                 l->string, l->valuestring);
    }
    text_sanitize(out, len, raw);
}

int prometheus_parse_alerts(const char *body, struct snapshot *snap, char *err, size_t errlen)
{
    cJSON *root = NULL;
    const cJSON *data = NULL, *alerts, *a;
    int firing = 0, pending = 0, rc = -1;
    int critical = 0;
    if (envelope(body, &root, &data, err, errlen) != PROM_OK)
        goto out;
    alerts = cJSON_GetObjectItemCaseSensitive(data, "alerts");
    if (!cJSON_IsArray(alerts)) {
        text_printf(err, errlen, "alerts answer without alerts");
        goto out;
    }
    cJSON_ArrayForEach(a, alerts)
    {
        const cJSON *labels = cJSON_GetObjectItemCaseSensitive(a, "labels");
        const cJSON *notes = cJSON_GetObjectItemCaseSensitive(a, "annotations");
        struct alert *al = snapshot_add_alert(snap);
        if (!al)
            break;
        text_sanitize(al->name, sizeof al->name, label(labels, "alertname"));
        text_sanitize(al->state, sizeof al->state, label(a, "state"));
        text_sanitize(al->severity, sizeof al->severity, label(labels, "severity"));
        text_sanitize(al->summary, sizeof al->summary, label(notes, "summary"));
        al->active_at = prometheus_parse_time(label(a, "activeAt"));
        join_labels(labels, al->labels, sizeof al->labels);
        if (strcmp(al->state, "firing") == 0) {
            firing++;
            critical += strcmp(al->severity, "critical") == 0;
        } else if (strcmp(al->state, "pending") == 0) {
            pending++;
        }
    }
    snapshot_add_fact_num(snap, "alerts", "firing", "alerts_firing", UNIT_COUNT, firing, NAN);
    snapshot_add_fact_num(snap, "alerts", "firing critical", "alerts_critical", UNIT_COUNT,
                          critical, NAN);
    snapshot_add_fact_num(snap, "alerts", "pending", "", UNIT_COUNT, pending, NAN);
    rc = 0;
out:
    cJSON_Delete(root);
    return rc;
}

/* ---- the source ------------------------------------------------------------------- */

struct prom_metric {
    char id[FT_ID_MAX];
    char service[FT_NAME_MAX];
    char query[512];
    double scale;
};

struct prom {
    struct http_client *http;
    char base[CONFIG_URL_MAX];
    char shown[CONFIG_URL_MAX]; /* base without its user:password@, for messages */
    char token_file[PATH_MAX];
    struct prom_metric m[CONFIG_MAX_METRICS];
    size_t n;
    bool insecure;
    bool backfilled;
};

/* A small secret file (token, password), trailing whitespace trimmed. */
static int read_secret(const char *path, char *out, size_t len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "re"); /* read on a poll thread while another may fork */
    size_t n;
    if (!f) {
        text_printf(err, errlen, "prometheus: %s: %s", path, strerror(errno));
        return -1;
    }
    n = fread(out, 1, len - 1, f);
    fclose(f);
    out[n] = 0;
    while (n && (out[n - 1] == '\n' || out[n - 1] == '\r' || out[n - 1] == ' '))
        out[--n] = 0;
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One API call. 0 with a 2xx answer, 1 with a Prometheus error JSON a query alone
 * caused (400 bad_data, 422 execution; message in err), -1 when Prometheus itself
 * failed (no answer, 5xx, garbage). */
static int call(struct prom *p, const char *path, const char *form, struct http_response *r,
                char *err, size_t errlen)
{
    char url[CONFIG_URL_MAX + 64], why[256], snippet[160];
    cJSON *root = NULL;
    const cJSON *data;
    const char *method = form ? "POST" : "GET";
    snprintf(url, sizeof url, "%s%s", p->base, path);
    if (http_request(p->http, method, url, form ? "application/x-www-form-urlencoded" : NULL, form,
                     form ? strlen(form) : 0, r, why, sizeof why) < 0) {
        text_printf(err, errlen, "prometheus: %s %s%s: %s", method, p->shown, path, why);
        return -1;
    }
    if (r->status >= 200 && r->status < 300)
        return 0;
    /* An error Prometheus explains: its own words. */
    if (envelope(r->body, &root, &data, why, sizeof why) == PROM_QUERY_ERROR) {
        cJSON_Delete(root);
        text_printf(err, errlen, "prometheus: %s", why);
        return r->status == 400 || r->status == 422 ? 1 : -1;
    }
    cJSON_Delete(root);
    http_status_words(snippet, sizeof snippet, r);
    text_printf(err, errlen, "prometheus: %s %s%s: %s", method, p->shown, path, snippet);
    return -1;
}

static char *query_form(const char *query, double start, double end)
{
    char *q = http_escape(query), *form;
    size_t len;
    if (!q)
        return NULL;
    len = strlen(q) + 128;
    form = malloc(len);
    if (form && start > 0)
        snprintf(form, len, "query=%s&start=%.3f&end=%.3f&step=%g", q, start, end, PROM_STEP_S);
    else if (form)
        snprintf(form, len, "query=%s", q);
    free(q);
    return form;
}

static void garbage(const struct prom *p, const char *path, const struct http_response *r,
                    const char *why, char *err, size_t errlen)
{
    char snippet[64];
    text_sanitize_n(snippet, sizeof snippet, r->body ? r->body : "", r->len < 60 ? r->len : 60);
    text_printf(err, errlen, "prometheus: %s%s: %s (%s): %s", p->shown, path, why,
                r->content_type[0] ? r->content_type : "no type", snippet);
}

/* History for the first frame; a query Prometheus refuses is left to the instant one. */
static int backfill(struct prom *p, struct snapshot *out, double now, char *err, size_t errlen)
{
    for (size_t i = 0; i < p->n; i++) {
        struct http_response r = {0};
        char why[256];
        char *form = query_form(p->m[i].query, now - PROM_BACKFILL_S, now);
        int rc = form ? call(p, "/api/v1/query_range", form, &r, err, errlen) : -1;
        free(form);
        if (rc < 0) {
            http_response_free(&r);
            return -1;
        }
        if (rc == 0 && prometheus_parse_range(r.body, p->m[i].scale, p->m[i].id, p->m[i].service,
                                              out, why, sizeof why) < 0) {
            garbage(p, "/api/v1/query_range", &r, why, err, errlen);
            http_response_free(&r);
            return -1;
        }
        http_response_free(&r);
    }
    return 0;
}

static int query_metric(struct prom *p, const struct prom_metric *m, struct snapshot *out,
                        int *refused, char *err, size_t errlen)
{
    struct http_response r = {0};
    struct reading tmp = {0}, *rd;
    char why[256] = "";
    char *form = query_form(m->query, 0, 0);
    int rc = form ? call(p, "/api/v1/query", form, &r, why, sizeof why) : -1;
    free(form);
    if (rc < 0) {
        text_printf(err, errlen, "%s", why[0] ? why : "prometheus: out of memory");
        goto out;
    }
    if (rc == 1) {
        /* Prometheus refused this query: a note on the metric, the whole message above. */
        tmp.value = NAN;
        text_sanitize(tmp.note, sizeof tmp.note, why + strlen("prometheus: "));
        if ((*refused)++ == 0)
            text_printf(out->notice, sizeof out->notice, "%s (query for %s)", why, m->id);
    } else if (prometheus_parse_instant(r.body, m->scale, &tmp, why, sizeof why) != PROM_OK) {
        garbage(p, "/api/v1/query", &r, why, err, errlen);
        rc = -1;
        goto out;
    }
    rc = 0;
    rd = snapshot_add_reading(out, m->id, m->service, tmp.t > 0 ? tmp.t : now_s(), tmp.value);
    if (rd)
        memcpy(rd->note, tmp.note, sizeof rd->note);
out:
    http_response_free(&r);
    return rc;
}

static int fetch_alerts(struct prom *p, struct snapshot *out, char *err, size_t errlen)
{
    struct http_response r = {0};
    char why[256];
    int rc = call(p, "/api/v1/alerts", NULL, &r, err, errlen);
    if (rc == 0 && prometheus_parse_alerts(r.body, out, why, sizeof why) < 0) {
        garbage(p, "/api/v1/alerts", &r, why, err, errlen);
        rc = -1;
    }
    http_response_free(&r);
    return rc < 0 ? -1 : 0;
}

static int prom_poll(struct source *src, struct snapshot *out, char *err, size_t errlen)
{
    struct prom *p = src->priv;
    int refused = 0;
    double now = now_s();
    if (p->token_file[0]) {
        char token[8192];
        int rc = read_secret(p->token_file, token, sizeof token, err, errlen);
        if (rc == 0)
            rc = http_client_set_bearer(p->http, token);
        memset(token, 0, sizeof token);
        if (rc < 0)
            return -1;
    }
    out->taken_at = now;
    /* a metrics store: a [metric] with prefer = metrics takes its readings first */
    text_printf(out->reading_class, sizeof out->reading_class, "metrics");
    if (!p->backfilled && backfill(p, out, now, err, errlen) < 0)
        return -1;
    for (size_t i = 0; i < p->n; i++)
        if (query_metric(p, &p->m[i], out, &refused, err, errlen) < 0)
            return -1;
    if (refused > 1) {
        size_t used = strlen(out->notice);
        text_printf(out->notice + used, sizeof out->notice - used, " and %d more", refused - 1);
    }
    if (fetch_alerts(p, out, err, errlen) < 0)
        return -1;
    if (p->insecure && !out->notice[0])
        text_printf(out->notice, sizeof out->notice, "prometheus: TLS verification off");
    /* only now: a failed poll's snapshot is thrown away, and its backfill with it */
    p->backfilled = true;
    return 0;
}

static void prom_destroy(struct source *src)
{
    struct prom *p = src->priv;
    if (p) {
        http_client_free(p->http);
        free(p);
    }
    free(src);
}

static const struct source_ops prom_ops = {
    .kind = "prometheus",
    .poll = prom_poll,
    .scale = NULL,
    .destroy = prom_destroy,
};

static void take_metrics(struct prom *p, const struct config *cfg)
{
    for (size_t i = 0; i < cfg->n_metrics && p->n < CONFIG_MAX_METRICS; i++) {
        const struct metric_rule *r = &cfg->metrics[i];
        struct prom_metric *m;
        if (!r->query[0])
            continue;
        m = &p->m[p->n++];
        text_printf(m->id, sizeof m->id, "%s", r->id);
        text_printf(m->service, sizeof m->service, "%s", r->service);
        text_printf(m->query, sizeof m->query, "%s", r->query);
        m->scale = r->scale != 0 ? r->scale : prometheus_default_scale(r->id);
    }
}

struct source *prometheus_source_new(const struct config *cfg, char *err, size_t errlen)
{
    struct source *src = calloc(1, sizeof *src);
    struct prom *p = calloc(1, sizeof *p);
    char password[1024] = "", why[256];
    struct http_opts o = {0};
    size_t n;
    if (!src || !p) {
        text_printf(err, errlen, "prometheus: out of memory");
        goto fail;
    }
    if (!cfg->prometheus_url[0]) {
        text_printf(err, errlen, "prometheus: no URL configured (--prometheus URL)");
        goto fail;
    }
    text_printf(p->base, sizeof p->base, "%s", cfg->prometheus_url);
    n = strlen(p->base);
    while (n && p->base[n - 1] == '/')
        p->base[--n] = 0;
    http_url_redact(p->shown, sizeof p->shown, p->base);
    text_printf(p->token_file, sizeof p->token_file, "%s", cfg->prometheus_token_file);
    if (cfg->prometheus_password_file[0] &&
        read_secret(cfg->prometheus_password_file, password, sizeof password, err, errlen) < 0)
        goto fail;
    o.connect_timeout_s = cfg->connect_timeout_s;
    o.timeout_s = cfg->request_timeout_s;
    o.max_body = PROM_MAX_BODY;
    o.insecure = cfg->prometheus_insecure;
    o.ca_file = cfg->prometheus_ca[0] ? cfg->prometheus_ca : NULL;
    o.user = cfg->prometheus_user[0] ? cfg->prometheus_user : NULL;
    o.password = o.user ? password : NULL;
    p->http = http_client_new(&o, why, sizeof why);
    memset(password, 0, sizeof password);
    if (!p->http) {
        text_printf(err, errlen, "prometheus: %s", why);
        goto fail;
    }
    p->insecure = cfg->prometheus_insecure;
    take_metrics(p, cfg);
    src->ops = &prom_ops;
    text_printf(src->name, sizeof src->name, "prometheus");
    src->interval_s = config_poll_interval(cfg);
    src->priv = p;
    return src;
fail:
    if (p)
        http_client_free(p->http);
    free(p);
    free(src);
    return NULL;
}
