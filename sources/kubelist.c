/* kubelist.c - list a cluster's namespaces for shell completion: one GET of
 * /api/v1/namespaces with the kubeconfig's credentials and a deadline of about a second.
 *
 * A completion that waits is worse than none, so any failure prints nothing. */

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "forgetop/http.h"
#include "forgetop/kubeconfig.h"
#include "forgetop/kubelist.h"
#include "forgetop/kubepage.h"
#include "forgetop/text.h"

static struct http_client *client_for(struct kubeconfig *kc, double timeout_s, char *err,
                                      size_t errlen)
{
    struct http_opts o = {0};
    o.connect_timeout_s = timeout_s;
    o.timeout_s = timeout_s;
    o.max_body = 8u << 20;
    kubeconfig_http_opts(kc, &o);
    return http_client_new(&o, err, errlen);
}

/* One item's metadata.name onto out when it has one. */
static void put_name(const cJSON *it, FILE *out)
{
    const cJSON *md = cJSON_GetObjectItemCaseSensitive(it, "metadata");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(md, "name");
    if (cJSON_IsString(name) && name->valuestring[0] != '\0')
        fprintf(out, "%s\n", name->valuestring);
}

/* The items' metadata.name, printed only once the whole list has parsed: each item is
 * parsed alone (kubepage.h) and its name kept in memory until the last. */
static int print_names(const char *body, size_t len, FILE *out, char *err, size_t errlen)
{
    struct kubepage pg;
    char *names = NULL;
    size_t n = 0;
    cJSON *it;
    int got = 0;
    FILE *mem =
        kubepage_scan_list(&pg, body, len) == KUBEPAGE_LIST ? open_memstream(&names, &n) : NULL;
    while (mem != NULL && (got = kubepage_next_item(&pg, &it)) == 1) {
        put_name(it, mem);
        cJSON_Delete(it);
    }
    if (mem == NULL || fclose(mem) != 0 || got < 0) {
        text_printf(err, errlen, "namespaces: the answer is not a list");
        free(names);
        return -1;
    }
    fwrite(names, 1, n, out);
    free(names);
    return 0;
}

int kubelist_namespaces(const char *kubeconfig, const char *context, double timeout_s, FILE *out,
                        char *err, size_t errlen)
{
    struct kubeconfig kc;
    bool changed;
    if (kubeconfig_load(&kc, kubeconfig, context, NULL, err, errlen) < 0)
        return -1;
    kc.exec_timeout_s = timeout_s; /* a credential plugin gets the same short deadline */
    int rc = -1;
    struct http_client *c = NULL;
    struct http_response r = {0};
    char url[1024];
    if (kubeconfig_refresh(&kc, (double)time(NULL), false, &changed, err, errlen) < 0 ||
        (c = client_for(&kc, timeout_s, err, errlen)) == NULL)
        goto out;
    text_printf(url, sizeof url, "%s/api/v1/namespaces", kc.server);
    if (http_get(c, url, &r, err, errlen) < 0)
        goto out;
    if (r.status != 200) {
        text_printf(err, errlen, "namespaces: HTTP %ld", r.status);
        goto out;
    }
    rc = print_names(r.body, r.body != NULL ? r.len : 0, out, err, errlen);
out:
    http_response_free(&r);
    http_client_free(c);
    kubeconfig_free(&kc);
    return rc;
}
