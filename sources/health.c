/* health.c - the API's own health probes (/health/ready): status, time taken, and each
 * component it reports (database, redis), as facts on the "health" panel.
 *
 * Every URL is fetched at once (http_get_many). An API that is down is a finding shown
 * in red, not a failure of this source: the poll fails only when nothing could be
 * asked at all. */

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "forgetop/config.h"
#include "forgetop/http.h"
#include "forgetop/source.h"
#include "forgetop/text.h"

#define HEALTH_MAX_BODY (1u << 20)

struct health {
    struct http_client *http;
    char urls[CONFIG_MAX_HEALTH][CONFIG_URL_MAX];
    size_t n;
};

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
    char label[40], what[96];
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
    /* the status word as the API said it; core's status rule judges it */
    text_printf(what, sizeof what, "%s%s%s", status[0] ? status : "?", error[0] ? ": " : "", error);
    snapshot_add_fact_text(out, "health", label, "status", what);
}

static void probe_facts(struct snapshot *out, const char *name, const char *prefix,
                        const struct http_response *r)
{
    cJSON *root = r->body ? cJSON_ParseWithLength(r->body, r->len) : NULL;
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(root, "status");
    const cJSON *parts = cJSON_GetObjectItemCaseSensitive(root, "components"), *c;
    char label[48];
    if (!parts)
        parts = cJSON_GetObjectItemCaseSensitive(root, "checks");
    /* valid JSON that is not an object (a list, a string) is no health document: say so
     * rather than show a bare 200 as if the API had said it was well (plain text is fine) */
    const char *said = cJSON_IsString(status) ? status->valuestring : "";
    if (root && !cJSON_IsObject(root))
        said = cJSON_IsArray(root)    ? "not a health document: a JSON list"
               : cJSON_IsString(root) ? "not a health document: a JSON string"
                                      : "not a health document: a JSON scalar";
    fact_set_text(snapshot_add_fact_num(out, "health", name, "http_status", UNIT_HTTP,
                                        (double)r->status, NAN),
                  said);
    text_printf(label, sizeof label, "%s time", name);
    snapshot_add_fact_num(out, "health", label, "probe_time", UNIT_SECONDS, r->seconds, NAN);
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
    out->taken_at = (double)time(NULL);
    http_get_many(h->http, urls, h->n, r, rc, errs);
    for (size_t i = 0; i < h->n; i++) {
        probe_name(urls[i], h->n > 1, name, sizeof name);
        if (rc[i] < 0) { /* no answer: core's http_status rule makes it critical */
            fact_set_text(
                snapshot_add_fact_num(out, "health", name, "http_status", UNIT_HTTP, NAN, NAN),
                errs[i]);
        } else {
            text_printf(prefix, sizeof prefix, "%s%s", h->n > 1 ? name : "", h->n > 1 ? " " : "");
            probe_facts(out, name, prefix, &r[i]);
        }
        http_response_free(&r[i]);
    }
    for (size_t i = 0; i < out->n_facts; i++)
        out->facts[i].probe = true; /* each is a check of its own: --check gives it a line */
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
