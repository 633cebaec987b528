/* registry.c - build the sources the configuration asks for, in a fixed order.
 *
 * A row per source: when it is wanted and how it is made. The order is the order of
 * the header's health marks: clusters first, then data stores, then metrics. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forgetop/registry.h"
#include "forgetop/secret.h"
#include "forgetop/text.h"

struct row {
    bool (*wanted)(const struct config *cfg);
    struct source *(*make)(const struct config *cfg, char *err, size_t errlen);
};

static bool want_demo(const struct config *c)
{
    return c->demo;
}
static bool want_kube(const struct config *c)
{
    return c->kube;
}
static bool want_compose(const struct config *c)
{
    return c->compose;
}
static bool want_redis(const struct config *c)
{
    return c->redis_url[0] != '\0';
}
static bool want_postgres(const struct config *c)
{
    return c->postgres_dsn[0] != '\0' || c->postgres_enabled;
}
static bool want_pgbouncer(const struct config *c)
{
    return c->pgbouncer_dsn[0] != '\0';
}
static bool want_prometheus(const struct config *c)
{
    return c->prometheus_url[0] != '\0';
}
static bool want_health(const struct config *c)
{
    return c->n_health > 0;
}
static bool want_testsrc(const struct config *c)
{
    (void)c;
    return getenv("FORGETOP_TEST_SOURCE") != NULL || getenv("FORGETOP_TEST_SOURCE_FILE") != NULL;
}

static const struct row rows[] = {
    {want_demo, demo_source_new},
    {want_kube, kube_source_new},
    {want_compose, compose_source_new},
    {want_redis, redis_source_new},
    {want_postgres, postgres_source_new},
    {want_pgbouncer, pgbouncer_source_new},
    {want_prometheus, prometheus_source_new},
    {want_health, health_source_new},
    {want_testsrc, testsrc_source_new},
};

void registry_find_kubeconfig(char *out, size_t len)
{
    out[0] = '\0';
    const char *env = getenv("KUBECONFIG");
    if (env != NULL && env[0] != '\0') {
        snprintf(out, len, "%s", env);
        return;
    }
    const char *home = getenv("HOME");
    if (home == NULL)
        return;
    char path[4096];
    snprintf(path, sizeof(path), "%s/.kube/config", home);
    if (access(path, R_OK) == 0)
        snprintf(out, len, "%s", path);
}

int registry_build(struct config *cfg, struct source **out, size_t max, char *err, size_t errlen)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        if (!rows[i].wanted(cfg))
            continue;
        struct source *s = n < max ? rows[i].make(cfg, err, errlen) : NULL;
        if (s == NULL) {
            if (n >= max) {
                snprintf(err, errlen, "too many sources (at most %zu)", max);
            } else { /* a constructor's error may quote a URL or DSN with its password */
                char scrubbed[512];
                secret_scrub(scrubbed, sizeof(scrubbed), err);
                text_sanitize(err, errlen, scrubbed);
            }
            while (n > 0)
                source_destroy(out[--n]);
            return -1;
        }
        if (s->timeout_s <= 0)
            s->timeout_s = config_poll_timeout(cfg);
        out[n++] = s;
    }
    return (int)n;
}

void source_destroy(struct source *src)
{
    if (src != NULL && src->ops != NULL && src->ops->destroy != NULL)
        src->ops->destroy(src);
}
