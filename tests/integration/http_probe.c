/* http_probe.c - drive the HTTP client from a shell test: one line per request with the
 * status, length, time and error, so tests/integration/http.sh can check each case.
 *
 * Usage: http_probe [options] URL...   (options: see usage() below). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/http.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)n + 1);
        if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
            buf[n] = 0;
            *len = (size_t)n;
        } else {
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    return buf;
}

static void print(const struct http_response *r, int rc, const char *err)
{
    if (rc < 0) {
        printf("error=%s seconds=%.2f\n", err, r->seconds);
        return;
    }
    printf("status=%ld len=%zu seconds=%.2f type=%s body=%.60s\n", r->status, r->len, r->seconds,
           r->content_type, r->body);
}

static void usage(void)
{
    fprintf(stderr, "usage: http_probe [--ca F] [--ca-blob F] [--cert F] [--key F]\n"
                    "  [--cert-blob F] [--key-blob F] [--insecure] [--sni NAME] [--bearer T]\n"
                    "  [--user U] [--password P] [--unix PATH] [--timeout S] [--connect S]\n"
                    "  [--max BYTES] [--method M] [--data D] [--type T] [--repeat N]\n"
                    "  [--many] [--escape S] URL...\n");
    exit(2);
}

int main(int argc, char **argv)
{
    struct http_opts o = {0};
    const char *method = "GET", *data = NULL, *type = NULL;
    char *blobs[3] = {0};
    int repeat = 1, many = 0, i;
    char err[256];

    for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--insecure")) {
            o.insecure = true;
            continue;
        }
        if (!strcmp(a, "--many")) {
            many = 1;
            continue;
        }
        if (!v)
            usage();
        i++;
        if (!strcmp(a, "--ca"))
            o.ca_file = v;
        else if (!strcmp(a, "--ca-blob"))
            o.ca_pem = blobs[0] = slurp(v, &o.ca_pem_len);
        else if (!strcmp(a, "--cert"))
            o.cert_file = v;
        else if (!strcmp(a, "--key"))
            o.key_file = v;
        else if (!strcmp(a, "--cert-blob"))
            o.cert_pem = blobs[1] = slurp(v, &o.cert_pem_len);
        else if (!strcmp(a, "--key-blob"))
            o.key_pem = blobs[2] = slurp(v, &o.key_pem_len);
        else if (!strcmp(a, "--sni"))
            o.tls_server_name = v;
        else if (!strcmp(a, "--bearer"))
            o.bearer = v;
        else if (!strcmp(a, "--user"))
            o.user = v;
        else if (!strcmp(a, "--password"))
            o.password = v;
        else if (!strcmp(a, "--unix"))
            o.unix_socket = v;
        else if (!strcmp(a, "--timeout"))
            o.timeout_s = atof(v);
        else if (!strcmp(a, "--connect"))
            o.connect_timeout_s = atof(v);
        else if (!strcmp(a, "--max"))
            o.max_body = strtoull(v, NULL, 10);
        else if (!strcmp(a, "--method"))
            method = v;
        else if (!strcmp(a, "--data"))
            data = v;
        else if (!strcmp(a, "--type"))
            type = v;
        else if (!strcmp(a, "--repeat"))
            repeat = atoi(v);
        else if (!strcmp(a, "--escape")) {
            char *e = http_escape(v);
            printf("escaped=%s\n", e);
            free(e);
            return 0;
        } else
            usage();
    }
    if (i >= argc)
        usage();
    if (http_global_init() < 0)
        return 1;
    struct http_client *c = http_client_new(&o, err, sizeof err);
    for (int b = 0; b < 3; b++)
        free(blobs[b]); /* the client keeps its own copy */
    if (!c) {
        printf("error=%s\n", err);
        return 1;
    }
    if (many) {
        size_t n = (size_t)(argc - i);
        struct http_response *r = calloc(n, sizeof *r);
        int *rc = calloc(n, sizeof *rc);
        char(*errs)[256] = calloc(n, sizeof *errs);
        for (int k = 0; k < repeat; k++) {
            http_get_many(c, (const char *const *)argv + i, n, r, rc, errs);
            for (size_t j = 0; j < n; j++) {
                print(&r[j], rc[j], errs[j]);
                http_response_free(&r[j]);
            }
        }
        free(r);
        free(rc);
        free(errs);
    } else {
        for (; i < argc; i++) {
            for (int k = 0; k < repeat; k++) {
                struct http_response r;
                int rc = http_request(c, method, argv[i], type, data, data ? strlen(data) : 0, &r,
                                      err, sizeof err);
                print(&r, rc, err);
                http_response_free(&r);
            }
        }
    }
    http_client_free(c);
    return 0;
}
