/* health.c - the API's own health probes (/health/ready): status, time taken, and each
 * component it reports (database, redis), as facts on the "health" panel.
 *
 * Every URL is fetched at once (http_get_many). An API that is down is a finding shown
 * in red, not a failure of this source: the poll fails only when nothing could be
 * asked at all. */

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "forgetop/config.h"
#include "forgetop/http.h"
#include "forgetop/source.h"
#include "forgetop/text.h"

#define HEALTH_MAX_BODY (1u << 20)
#define HEALTH_SLOW_S   2.0 /* the runbook's p99 target: a probe slower than that is news */

struct health {
    struct http_client *http;
    char urls[CONFIG_MAX_HEALTH][CONFIG_URL_MAX];
    size_t n;
};

/* Words health endpoints use, and the band each means. */
static const struct {
    const char *word;
    enum band band;
} status_words[] = {
    {"ok", BAND_OK},
    {"healthy", BAND_OK},
    {"up", BAND_OK},
    {"pass", BAND_OK},
    {"ready", BAND_OK},
    {"degraded", BAND_WARNING},
    {"warn", BAND_WARNING},
    {"warning", BAND_WARNING},
    {"unhealthy", BAND_CRITICAL},
    {"down", BAND_CRITICAL},
    {"fail", BAND_CRITICAL},
    {"error", BAND_CRITICAL},
    {"critical", BAND_CRITICAL},
};

static enum band status_band(const char *s)
{
    for (size_t i = 0; i < sizeof status_words / sizeof status_words[0]; i++)
        if (strcasecmp(status_words[i].word, s) == 0)
            return status_words[i].band;
    return BAND_UNKNOWN;
}

/* What names a probe on the panel: its path, or host and path when there are several. */
static void probe_name(const char *full, bool with_host, char *out, size_t len)
{
    char url[CONFIG_URL_MAX];
    http_url_redact(url, sizeof url, full); /* the host, never its user:password@ */
    const char *host = strstr(url, "://");
    host = host ? host + 3 : url;
    const char *path = strchr(host, '/');
    if (with_host || !path)
        text_sanitize(out, len, host);
    else
        text_sanitize(out, len, path);
}

static void component_fact(struct snapshot *out, const char *prefix, const cJSON *c)
{
    char label[40];
    const char *status = "", *error = "";
    if (cJSON_IsString(c)) {
        status = c->valuestring;
    } else if (cJSON_IsObject(c)) {
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(c, "status");
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(c, "error");
        if (!cJSON_IsString(e))
            e = cJSON_GetObjectItemCaseSensitive(c, "message");
        status = cJSON_IsString(s) ? s->valuestring : "";
        error = cJSON_IsString(e) ? e->valuestring : "";
    } else if (cJSON_IsBool(c)) {
        status = cJSON_IsTrue(c) ? "ok" : "fail";
    }
    text_printf(label, sizeof label, "%s%s", prefix, c->string);
    snapshot_add_fact(out, "health", label, status_band(status), "%s%s%s", status[0] ? status : "?",
                      error[0] ? ": " : "", error);
}

static void probe_facts(struct snapshot *out, const char *name, const char *prefix,
                        const struct http_response *r)
{
    cJSON *root = r->body ? cJSON_ParseWithLength(r->body, r->len) : NULL;
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(root, "status");
    const cJSON *parts = cJSON_GetObjectItemCaseSensitive(root, "components"), *c;
    enum band band = r->status >= 200 && r->status < 300 ? BAND_OK : BAND_CRITICAL;
    if (!parts)
        parts = cJSON_GetObjectItemCaseSensitive(root, "checks");
    if (band == BAND_OK && r->seconds > HEALTH_SLOW_S)
        band = BAND_WARNING;
    snapshot_add_fact(out, "health", name, band, "%ld%s%s in %.0f ms", r->status,
                      cJSON_IsString(status) ? " " : "",
                      cJSON_IsString(status) ? status->valuestring : "", r->seconds * 1000);
    if (cJSON_IsObject(parts))
        cJSON_ArrayForEach(c, parts) component_fact(out, prefix, c);
    cJSON_Delete(root);
}

static int health_poll(struct source *src, struct snapshot *out, char *err, size_t errlen)
{
    struct health *h = src->priv;
    struct http_response r[CONFIG_MAX_HEALTH];
    const char *urls[CONFIG_MAX_HEALTH];
    int rc[CONFIG_MAX_HEALTH];
    char errs[CONFIG_MAX_HEALTH][256], name[40], prefix[40];
    for (size_t i = 0; i < h->n; i++)
        urls[i] = h->urls[i];
    http_get_many(h->http, urls, h->n, r, rc, errs);
    for (size_t i = 0; i < h->n; i++) {
        probe_name(urls[i], h->n > 1, name, sizeof name);
        if (rc[i] < 0) {
            snapshot_add_fact(out, "health", name, BAND_CRITICAL, "%s", errs[i]);
        } else {
            text_printf(prefix, sizeof prefix, "%s%s", h->n > 1 ? name : "", h->n > 1 ? " " : "");
            probe_facts(out, name, prefix, &r[i]);
        }
        http_response_free(&r[i]);
    }
    out->taken_at = (double)time(NULL);
    (void)err; /* an unreachable API is a finding (a red fact), not a failed poll */
    (void)errlen;
    return 0;
}

static void health_destroy(struct source *src)
{
    struct health *h = src->priv;
    if (h) {
        http_client_free(h->http);
        free(h);
    }
    free(src);
}

static const struct source_ops health_ops = {
    .kind = "health",
    .poll = health_poll,
    .scale = NULL,
    .destroy = health_destroy,
};

struct source *health_source_new(const struct config *cfg, char *err, size_t errlen)
{
    struct source *src = calloc(1, sizeof *src);
    struct health *h = calloc(1, sizeof *h);
    struct http_opts o = {0};
    char why[256];
    if (!src || !h) {
        text_printf(err, errlen, "health: out of memory");
        goto fail;
    }
    for (size_t i = 0; i < cfg->n_health && i < CONFIG_MAX_HEALTH; i++)
        if (cfg->health_urls[i][0])
            text_printf(h->urls[h->n++], CONFIG_URL_MAX, "%s", cfg->health_urls[i]);
    if (h->n == 0) {
        text_printf(err, errlen, "health: no URL configured ([health] url)");
        goto fail;
    }
    o.connect_timeout_s = cfg->connect_timeout_s;
    o.timeout_s = cfg->request_timeout_s;
    o.max_body = HEALTH_MAX_BODY;
    h->http = http_client_new(&o, why, sizeof why);
    if (!h->http) {
        text_printf(err, errlen, "health: %s", why);
        goto fail;
    }
    src->ops = &health_ops;
    text_printf(src->name, sizeof src->name, "health");
    src->interval_s = config_poll_interval(cfg);
    src->priv = h;
    return src;
fail:
    free(h);
    free(src);
    return NULL;
}
