/* http.c - the one HTTP client: libcurl with timeouts, a body cap, TLS, auth, unix
 * sockets and errors worded for an operator.
 *
 * A client keeps one easy handle (and one multi handle for http_get_many) so its
 * connections are reused poll after poll. Before each request the handle is reset and
 * every option applied again from the client's own copy, so no request inherits a
 * method or a body from the one before. Proxies come from the environment
 * (HTTPS_PROXY, NO_PROXY), which is curl's default: nothing here turns that off. */

#include <curl/curl.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "forgetop/http.h"
#include "forgetop/text.h"

#define HTTP_USER_AGENT "forgetop/0.1"
#define HTTP_TRIM_BYTES (1u << 20) /* a buffer past this is given back to the system when freed */

struct blob {
    void *data;
    size_t len;
};

struct http_client {
    CURL *easy;
    CURLM *multi;
    double connect_timeout_s, timeout_s;
    size_t max_body;
    bool insecure;
    char *tls_server_name;
    char *ca_file, *cert_file, *key_file;
    struct blob ca, cert, key;
    char *bearer, *user, *password;
    char *unix_socket;
};

/* One transfer's state: its body, its headers, and what went wrong. */
struct xfer {
    const struct http_client *c;
    struct http_batch *batch; /* the batch it is one of; NULL alone */
    char *buf;
    size_t len, cap;
    bool too_big;
    bool paused, done; /* in a batch: held back by its budget (batch_room), ended */
    char errbuf[CURL_ERROR_SIZE];
    struct curl_slist *headers;
    struct curl_slist *connect_to;
    char *url; /* the URL handed to curl (rewritten for tls_server_name) */
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static int global_rc = -1;

static void global_init_once(void)
{
    global_rc = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

int http_global_init(void)
{
    pthread_once(&global_once, global_init_once);
    return global_rc;
}

static char *dup_or_null(const char *s)
{
    return s && *s ? strdup(s) : NULL;
}

static int dup_blob(struct blob *b, const void *data, size_t len)
{
    if (!data || !len)
        return 0;
    b->data = malloc(len);
    if (!b->data)
        return -1;
    memcpy(b->data, data, len);
    b->len = len;
    return 0;
}

/* Secrets are wiped before they are freed, so a core dump holds fewer of them. */
static void free_secret(char *s)
{
    if (s) {
        volatile char *p = s;
        while (*p)
            *p++ = 0;
        free(s);
    }
}

struct http_client *http_client_new(const struct http_opts *o, char *err, size_t errlen)
{
    struct http_client *c = NULL;
    if (http_global_init() < 0) {
        text_printf(err, errlen, "http: libcurl failed to initialise");
        return NULL;
    }
    c = calloc(1, sizeof *c);
    if (!c)
        goto nomem;
    c->connect_timeout_s = o->connect_timeout_s > 0 ? o->connect_timeout_s : 5;
    c->timeout_s = o->timeout_s > 0 ? o->timeout_s : 10;
    c->max_body = o->max_body ? o->max_body : HTTP_DEFAULT_MAX_BODY;
    c->insecure = o->insecure;
    c->tls_server_name = dup_or_null(o->tls_server_name);
    c->ca_file = dup_or_null(o->ca_file);
    c->cert_file = dup_or_null(o->cert_file);
    c->key_file = dup_or_null(o->key_file);
    c->bearer = dup_or_null(o->bearer);
    c->user = dup_or_null(o->user);
    c->password = o->password ? strdup(o->password) : NULL;
    c->unix_socket = dup_or_null(o->unix_socket);
    if ((o->tls_server_name && *o->tls_server_name && !c->tls_server_name) ||
        (o->ca_file && *o->ca_file && !c->ca_file) ||
        (o->cert_file && *o->cert_file && !c->cert_file) ||
        (o->key_file && *o->key_file && !c->key_file) || (o->bearer && *o->bearer && !c->bearer) ||
        (o->user && *o->user && !c->user) || (o->password && !c->password) ||
        (o->unix_socket && *o->unix_socket && !c->unix_socket))
        goto nomem;
    if (dup_blob(&c->ca, o->ca_pem, o->ca_pem_len) < 0 ||
        dup_blob(&c->cert, o->cert_pem, o->cert_pem_len) < 0 ||
        dup_blob(&c->key, o->key_pem, o->key_pem_len) < 0)
        goto nomem;
    c->easy = curl_easy_init();
    c->multi = curl_multi_init();
    if (!c->easy || !c->multi) {
        text_printf(err, errlen, "http: libcurl could not create a handle");
        http_client_free(c);
        return NULL;
    }
    return c;
nomem:
    text_printf(err, errlen, "http: out of memory");
    http_client_free(c);
    return NULL;
}

void http_client_free(struct http_client *c)
{
    if (!c)
        return;
    if (c->easy)
        curl_easy_cleanup(c->easy);
    if (c->multi)
        curl_multi_cleanup(c->multi);
    free(c->tls_server_name);
    free(c->ca_file);
    free(c->cert_file);
    free(c->key_file);
    free(c->ca.data);
    free(c->cert.data);
    if (c->key.data) {
        memset(c->key.data, 0, c->key.len);
        free(c->key.data);
    }
    free_secret(c->bearer);
    free(c->user);
    free_secret(c->password);
    free(c->unix_socket);
    free(c);
}

int http_client_set_bearer(struct http_client *c, const char *token)
{
    char *t = dup_or_null(token);
    if (token && *token && !t)
        return -1;
    free_secret(c->bearer);
    c->bearer = t;
    return 0;
}

static bool batch_room(struct http_batch *b, const struct xfer *x, size_t add);
static void batch_hold(struct http_batch *b, size_t add);
static void batch_drop(struct http_batch *b, struct xfer *x);

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
    struct xfer *x = arg;
    size_t add = size * n;
    if (add > x->c->max_body - x->len) {
        x->too_big = true;
        return 0; /* curl aborts with CURLE_WRITE_ERROR */
    }
    if (x->batch != NULL && !batch_room(x->batch, x, add)) {
        x->paused = true;
        return CURL_WRITEFUNC_PAUSE; /* curl keeps the chunk and hands it again on resume */
    }
    if (x->len + add + 1 > x->cap) {
        size_t cap = x->cap ? x->cap : 16384;
        while (cap < x->len + add + 1)
            cap *= 2;
        char *buf = realloc(x->buf, cap);
        if (!buf)
            return 0;
        x->buf = buf;
        x->cap = cap;
    }
    memcpy(x->buf + x->len, data, add);
    x->len += add;
    x->buf[x->len] = 0;
    if (x->batch != NULL)
        batch_hold(x->batch, add);
    return add;
}

/* libcurl 7.88 cannot set SNI apart from the URL's host. To verify a certificate for
 * tls_server_name while connecting to the URL's host (kubeconfig tls-server-name), the
 * URL is rewritten to name tls_server_name, and CURLOPT_CONNECT_TO sends the connection
 * to the real host and port. Side effect: the Host header carries tls_server_name,
 * which API servers accept (they do not route on Host). */
static int map_server_name(struct xfer *x, const char *url)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL, *port = NULL, *out = NULL, entry[600];
    int rc = -1;
    if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
        goto out;
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
        goto out;
    if (strcmp(scheme, "https") != 0) {
        rc = 0; /* nothing to verify over plain HTTP */
        goto out;
    }
    if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK)
        goto out;
    snprintf(entry, sizeof entry, "%s:%s:%s:%s", x->c->tls_server_name, port, host, port);
    if (curl_url_set(u, CURLUPART_HOST, x->c->tls_server_name, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_URL, &out, 0) != CURLUE_OK)
        goto out;
    x->connect_to = curl_slist_append(NULL, entry);
    x->url = strdup(out);
    rc = x->connect_to && x->url ? 0 : -1;
out:
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_free(out);
    curl_url_cleanup(u);
    return rc;
}

/* Every socket curl opens is close-on-exec from birth: the compose source and kubeconfig
 * exec plugins run children, and an API connection must not live on in them. */
static curl_socket_t open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
    (void)arg;
    (void)purpose;
    return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

static void set_blob(CURL *h, CURLoption opt, const struct blob *b)
{
    struct curl_blob cb = {.data = b->data, .len = b->len, .flags = CURL_BLOB_COPY};
    curl_easy_setopt(h, opt, &cb);
}

static void setup_tls(CURL *h, const struct http_client *c)
{
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, c->insecure ? 0L : 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, c->insecure ? 0L : 2L);
    if (c->ca.data)
        set_blob(h, CURLOPT_CAINFO_BLOB, &c->ca);
    else if (c->ca_file)
        curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
    if (c->cert.data) {
        set_blob(h, CURLOPT_SSLCERT_BLOB, &c->cert);
        curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
    } else if (c->cert_file) {
        curl_easy_setopt(h, CURLOPT_SSLCERT, c->cert_file);
    }
    if (c->key.data) {
        set_blob(h, CURLOPT_SSLKEY_BLOB, &c->key);
        curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
    } else if (c->key_file) {
        curl_easy_setopt(h, CURLOPT_SSLKEY, c->key_file);
    }
}

/* Apply every option of one request to a freshly reset handle. */
static int setup(CURL *h, struct xfer *x, const char *method, const char *url,
                 const char *content_type, const char *body, size_t body_len)
{
    const struct http_client *c = x->c;
    char line[64 + 4096];

    if (c->tls_server_name && map_server_name(x, url) < 0)
        return -1;
    curl_easy_setopt(h, CURLOPT_URL, x->url ? x->url : url);
    if (x->connect_to)
        curl_easy_setopt(h, CURLOPT_CONNECT_TO, x->connect_to);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L); /* signals and threads do not mix */
    curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_socket);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)(c->connect_timeout_s * 1000));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(c->timeout_s * 1000));
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->max_body);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, ""); /* every encoding curl knows */
    curl_easy_setopt(h, CURLOPT_USERAGENT, HTTP_USER_AGENT);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->errbuf);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
    setup_tls(h, c);
    if (c->unix_socket) {
        curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, c->unix_socket);
        curl_easy_setopt(h, CURLOPT_NOPROXY, "*"); /* a local socket is never proxied */
    }
    if (c->user) {
        curl_easy_setopt(h, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(h, CURLOPT_USERNAME, c->user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, c->password ? c->password : "");
    }
    /* A header, not CURLAUTH_BEARER: sent on the first request without a 401 first. */
    if (c->bearer && strlen(c->bearer) < 4096) {
        snprintf(line, sizeof line, "Authorization: Bearer %s", c->bearer);
        x->headers = curl_slist_append(x->headers, line);
        memset(line, 0, sizeof line);
    }
    if (content_type) {
        snprintf(line, sizeof line, "Content-Type: %s", content_type);
        x->headers = curl_slist_append(x->headers, line);
    }
    x->headers = curl_slist_append(x->headers, "Expect:"); /* no 100-continue wait */
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, x->headers);

    if (!method || strcmp(method, "GET") == 0) {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else {
        if (strcmp(method, "POST") != 0)
            curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
        if (body || strcmp(method, "POST") == 0) {
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, body ? body : "");
        }
    }
    return 0;
}

static void xfer_free(struct xfer *x)
{
    bool big = x->cap > HTTP_TRIM_BYTES;
    free(x->buf);
    /* A huge answer's buffer (up to the cap) comes from the heap once glibc's mmap
     * threshold has risen, and would be kept after it is freed: 50 MB held for good after
     * a kube server answered every list huge. Given back; a small one is not worth it. */
    if (big)
        malloc_trim(0);
    curl_slist_free_all(x->headers);
    curl_slist_free_all(x->connect_to);
    free(x->url);
    memset(x, 0, sizeof *x);
}

void http_url_redact(char *out, size_t len, const char *url)
{
    const char *host = strstr(url, "://");
    host = host ? host + 3 : url;
    const char *at = NULL;
    for (const char *p = host; *p && *p != '/' && *p != '?' && *p != '#'; p++)
        if (*p == '@')
            at = p; /* the last one: a password may hold an '@' of its own */
    if (at == NULL)
        text_printf(out, len, "%s", url);
    else
        text_printf(out, len, "%.*s%s", (int)(host - url), url, at + 1);
}

/* "127.0.0.1:9090" from the URL, or the socket path: where a connection went. */
static void describe_peer(const struct http_client *c, const char *url, char *out, size_t len)
{
    CURLU *u = curl_url();
    char *host = NULL, *port = NULL;
    if (c->unix_socket) {
        text_printf(out, len, "%s", c->unix_socket);
    } else if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
               curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
               curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
        text_printf(out, len, "%s:%s", host, port);
    } else {
        http_url_redact(out, len, url);
    }
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(u);
}

static void size_text(char *out, size_t len, size_t n)
{
    if (n >= (1u << 20) && n % (1u << 20) == 0)
        text_printf(out, len, "%zu MiB", n >> 20);
    else if (n >= 1024 && n % 1024 == 0)
        text_printf(out, len, "%zu KiB", n >> 10);
    else
        text_printf(out, len, "%zu bytes", n);
}

/* OpenSSL's reasons as an operator reads them; `file` names the file at fault. */
enum tls_file { TLS_PEER, TLS_CA, TLS_CERT, TLS_KEY };
static const struct {
    const char *curl_says, *operator_reads;
    enum tls_file file;
} tls_reasons[] = {
    {"unable to get local issuer certificate", "certificate verify failed (unknown CA)", TLS_PEER},
    {"self-signed certificate", "certificate verify failed (self-signed, unknown CA)", TLS_PEER},
    {"self signed certificate", "certificate verify failed (self-signed, unknown CA)", TLS_PEER},
    {"certificate has expired", "certificate verify failed (expired)", TLS_PEER},
    {"certificate is not yet valid", "certificate verify failed (not yet valid)", TLS_PEER},
    {"no alternative certificate subject name matches", "certificate is for another host",
     TLS_PEER},
    {"does not match target host name", "certificate is for another host", TLS_PEER},
    {"alert certificate required", "the server wants a client certificate", TLS_PEER},
    {"alert unknown ca", "the server does not trust the client certificate", TLS_PEER},
    {"alert bad certificate", "the server refused the client certificate", TLS_PEER},
    {"alert certificate expired", "the client certificate has expired", TLS_PEER},
    {"unable to set private key file", "client key unusable", TLS_KEY},
    {"could not load PEM client certificate", "client certificate unusable", TLS_CERT},
    {"unable to use client certificate", "client certificate unusable", TLS_CERT},
    {"error setting certificate file", "CA file unusable", TLS_CA},
    {"error adding trust anchors", "CA unusable", TLS_CA},
};

static void describe_tls(const struct xfer *x, char *err, size_t errlen)
{
    const struct http_client *c = x->c;
    for (size_t i = 0; i < sizeof tls_reasons / sizeof tls_reasons[0]; i++) {
        const char *file = NULL;
        if (!strstr(x->errbuf, tls_reasons[i].curl_says))
            continue;
        switch (tls_reasons[i].file) {
        case TLS_CA:
            file = c->ca.data ? "(in memory)" : c->ca_file;
            break;
        case TLS_CERT:
            file = c->cert.data ? "(in memory)" : c->cert_file;
            break;
        case TLS_KEY:
            file = c->key.data ? "(in memory)" : c->key_file;
            break;
        case TLS_PEER:
            break;
        }
        text_printf(err, errlen, "TLS: %s%s%s", tls_reasons[i].operator_reads, file ? ": " : "",
                    file ? file : "");
        return;
    }
    text_printf(err, errlen, "TLS: %s", x->errbuf);
}

static void describe_error(CURL *h, CURLcode rc, const struct xfer *x, const char *url, char *err,
                           size_t errlen)
{
    const struct http_client *c = x->c;
    char peer[300], size[32];
    long os_errno = 0, code = 0;
    double connected = 0, sent = 0;
    describe_peer(c, url, peer, sizeof peer);
    curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
    switch (rc) {
    case CURLE_WRITE_ERROR:
    case CURLE_FILESIZE_EXCEEDED:
        if (x->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
            size_text(size, sizeof size, c->max_body);
            text_printf(err, errlen, "response larger than %s", size);
        } else {
            text_printf(err, errlen, "out of memory reading the response");
        }
        break;
    case CURLE_OPERATION_TIMEDOUT:
        /* No connect time: the time ran out before the connection was made. A reused
         * connection has no connect time either, nor needed one: a request that was sent
         * (a pre-transfer time) or an answer that began (a status) timed out reading. */
        curl_easy_getinfo(h, CURLINFO_CONNECT_TIME, &connected);
        curl_easy_getinfo(h, CURLINFO_PRETRANSFER_TIME, &sent);
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
        if (connected <= 0 && sent <= 0 && code == 0)
            text_printf(err, errlen, "connect to %s: timed out after %g s", peer,
                        c->connect_timeout_s < c->timeout_s ? c->connect_timeout_s : c->timeout_s);
        else
            text_printf(err, errlen, "timed out after %g s", c->timeout_s);
        break;
    case CURLE_COULDNT_CONNECT:
        text_printf(err, errlen, "connect to %s: %s", peer,
                    os_errno ? strerror((int)os_errno) : x->errbuf);
        break;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        text_printf(err, errlen, "%s", x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc));
        break;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
        describe_tls(x, err, errlen);
        break;
    case CURLE_GOT_NOTHING:
        text_printf(err, errlen, "%s closed the connection without a response", peer);
        break;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
        text_printf(err, errlen, "connection to %s broken: %s", peer,
                    os_errno ? strerror((int)os_errno) : x->errbuf);
        break;
    default:
        text_printf(err, errlen, "%s", x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc));
        break;
    }
}

/* Move a finished transfer's result into out; 0, or -1 with err. */
static int finish(CURL *h, CURLcode rc, struct xfer *x, const char *url, struct http_response *out,
                  char *err, size_t errlen)
{
    char *ct = NULL;
    memset(out, 0, sizeof *out);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
    curl_easy_getinfo(h, CURLINFO_TOTAL_TIME, &out->seconds);
    if (rc != CURLE_OK) {
        describe_error(h, rc, x, url, err, errlen);
        return -1;
    }
    if (curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
        text_sanitize(out->content_type, sizeof out->content_type, ct);
    if (!x->buf) {
        x->buf = calloc(1, 1);
        if (!x->buf) {
            text_printf(err, errlen, "out of memory reading the response");
            return -1;
        }
    }
    out->body = x->buf;
    out->len = x->len;
    x->buf = NULL;
    return 0;
}

int http_request(struct http_client *c, const char *method, const char *url,
                 const char *content_type, const char *body, size_t body_len,
                 struct http_response *out, char *err, size_t errlen)
{
    struct xfer x = {.c = c};
    int rc = -1;
    memset(out, 0, sizeof *out);
    curl_easy_reset(c->easy); /* keeps the live connections */
    if (setup(c->easy, &x, method, url, content_type, body, body_len) < 0) {
        char shown[512];
        http_url_redact(shown, sizeof shown, url);
        text_printf(err, errlen, "bad URL %s", shown);
        goto out;
    }
    rc = finish(c->easy, curl_easy_perform(c->easy), &x, url, out, err, errlen);
out:
    xfer_free(&x);
    return rc;
}

/* Transfers in flight at once: curl's multi walks every handle it holds on each call, so
 * thousands added together cost the square of their number (4000 Compose requests); and
 * each holds a descriptor (a default limit is 1024). A Docker Engine holds a stats request
 * about a second, so 512 at once still stats 500 containers in one wave. */
#define HTTP_MANY_INFLIGHT 512

/* Add the next transfers that were set up, up to HTTP_MANY_INFLIGHT in flight. */
static void many_feed(struct http_client *c, CURL **hs, const bool *ready, size_t n, size_t *next,
                      size_t *active)
{
    for (; *next < n && *active < HTTP_MANY_INFLIGHT; (*next)++)
        if (ready[*next] && curl_multi_add_handle(c->multi, hs[*next]) == CURLM_OK)
            (*active)++;
}

/* Finish what the multi says is done, each found by its private pointer, and take it out. */
static void many_reap(struct http_client *c, CURL **hs, struct xfer *xs, const char *const *urls,
                      size_t n, struct http_response *out, int *rc, char (*errs)[256],
                      size_t *active)
{
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(c->multi, &left))) {
        struct xfer *x = NULL;
        if (m->msg != CURLMSG_DONE ||
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x) != CURLE_OK ||
            x < xs || x >= xs + n)
            continue;
        size_t i = (size_t)(x - xs);
        rc[i] = finish(hs[i], m->data.result, &xs[i], urls[i], &out[i], errs[i], 256);
        curl_multi_remove_handle(c->multi, hs[i]);
        (*active)--;
        xs[i].done = true;
        if (rc[i] < 0 && xs[i].batch != NULL)
            batch_drop(xs[i].batch, &xs[i]);
    }
}

/* Requests in flight on a client's multi handle: started by http_get_start, driven to
 * their end and handed over by http_get_finish. */
struct http_batch {
    struct http_client *c;
    size_t n, next, active;
    CURL **hs;
    struct xfer *xs;
    bool *ready;
    char **urls; /* copies: the caller's may go before the finish */
    struct http_response *out;
    int *rc;
    char (*errs)[256];
    /* The bodies the batch holds, growing and finished: past half a max_body, every
     * transfer but the lead (the first not ended) waits, so a server that answers every
     * request huge costs about one and a half caps, not one per request. Half: a lead
     * growing on the heap holds its old buffer and its doubled one while it copies. */
    size_t held, lead;
};

static bool batch_room(struct http_batch *b, const struct xfer *x, size_t add)
{
    return x == &b->xs[b->lead] || b->held + add <= b->c->max_body / 2;
}

static void batch_hold(struct http_batch *b, size_t add)
{
    b->held += add;
}

/* A failed transfer's body goes at once, not with the batch: its room is the others'. */
static void batch_drop(struct http_batch *b, struct xfer *x)
{
    bool big = x->cap > HTTP_TRIM_BYTES;
    b->held -= x->len;
    free(x->buf);
    x->buf = NULL;
    x->len = x->cap = 0;
    if (big)
        malloc_trim(0); /* as xfer_free: a heap-served cap would stay resident */
}

/* After something ended: the lead moves on, and the waiting are resumed (each pauses
 * itself again in on_body while there is no room). */
static void batch_resume(struct http_batch *b)
{
    while (b->lead + 1 < b->n && (b->xs[b->lead].done || !b->ready[b->lead]))
        b->lead++; /* one never started (a bad URL) never ends either */
    for (size_t i = 0; i < b->n; i++)
        if (b->xs[i].paused && !b->xs[i].done) {
            b->xs[i].paused = false;
            curl_easy_pause(b->hs[i], CURLPAUSE_CONT);
        }
}

static void batch_free(struct http_batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        if (b->hs && b->hs[i]) {
            curl_multi_remove_handle(b->c->multi, b->hs[i]);
            curl_easy_cleanup(b->hs[i]);
        }
        if (b->xs)
            xfer_free(&b->xs[i]);
        if (b->urls)
            free(b->urls[i]);
    }
    free(b->hs);
    free(b->xs);
    free(b->ready);
    free(b->urls);
    free(b->out);
    free(b->rc);
    free(b->errs);
    free(b);
}

static struct http_batch *batch_new(struct http_client *c, size_t n)
{
    struct http_batch *b = calloc(1, sizeof *b);
    size_t m = n ? n : 1;
    if (b == NULL)
        return NULL;
    b->c = c;
    b->n = n;
    b->hs = calloc(m, sizeof *b->hs);
    b->xs = calloc(m, sizeof *b->xs);
    b->ready = calloc(m, sizeof *b->ready);
    b->urls = calloc(m, sizeof *b->urls);
    b->out = calloc(m, sizeof *b->out);
    b->rc = calloc(m, sizeof *b->rc);
    b->errs = calloc(m, sizeof *b->errs);
    if (!b->hs || !b->xs || !b->ready || !b->urls || !b->out || !b->rc || !b->errs) {
        b->n = 0;
        batch_free(b);
        return NULL;
    }
    return b;
}

/* Set up transfer i; a bad URL is its error, the others still go. */
static void batch_setup(struct http_batch *b, size_t i, const char *url)
{
    b->rc[i] = -1;
    b->xs[i].c = b->c;
    b->xs[i].batch = b;
    b->urls[i] = strdup(url);
    b->hs[i] = curl_easy_init();
    if (!b->urls[i] || !b->hs[i] || setup(b->hs[i], &b->xs[i], "GET", url, NULL, NULL, 0) < 0) {
        char shown[200];
        http_url_redact(shown, sizeof shown, url);
        text_printf(b->errs[i], 256, "bad URL %s", shown);
        return;
    }
    curl_easy_setopt(b->hs[i], CURLOPT_PRIVATE, (void *)&b->xs[i]);
    b->ready[i] = true;
}

/* One round of the multi: perform, take what ended, add what waits. */
static bool batch_step(struct http_batch *b, int *running)
{
    size_t active = b->active;
    if (curl_multi_perform(b->c->multi, running) != CURLM_OK)
        return false;
    many_reap(b->c, b->hs, b->xs, (const char *const *)b->urls, b->n, b->out, b->rc, b->errs,
              &b->active);
    if (b->active != active)
        batch_resume(b);
    many_feed(b->c, b->hs, b->ready, b->n, &b->next, &b->active);
    return true;
}

struct http_batch *http_get_start(struct http_client *c, const char *const *urls, size_t n)
{
    struct http_batch *b = batch_new(c, n);
    int running = 0;
    if (b == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        batch_setup(b, i, urls[i]);
    batch_resume(b); /* the lead: the first that started */
    many_feed(c, b->hs, b->ready, n, &b->next, &b->active);
    /* on a live connection the requests leave now, and the server works on them while
     * the caller does something else; a new connection's handshake waits for the finish */
    batch_step(b, &running);
    return b;
}

void http_get_finish(struct http_batch *b, struct http_response *out, int *rc, char (*errs)[256])
{
    int running = 0;
    if (b == NULL)
        return;
    while (b->active > 0) {
        if (!batch_step(b, &running))
            break;
        if (running)
            curl_multi_poll(b->c->multi, NULL, 0, 1000, NULL);
    }
    for (size_t i = 0; i < b->n; i++) {
        out[i] = b->out[i]; /* the bodies change hands, not copied */
        rc[i] = b->rc[i];
        memcpy(errs[i], b->errs[i], sizeof(errs[i]));
    }
    batch_free(b);
}

void http_get_many(struct http_client *c, const char *const *urls, size_t n,
                   struct http_response *out, int *rc, char (*errs)[256])
{
    struct http_batch *b = http_get_start(c, urls, n);
    if (b == NULL) {
        for (size_t i = 0; i < n; i++) {
            memset(&out[i], 0, sizeof out[i]);
            rc[i] = -1;
            text_printf(errs[i], 256, "http: out of memory");
        }
        return;
    }
    http_get_finish(b, out, rc, errs);
}

void http_response_free(struct http_response *r)
{
    if (!r)
        return;
    free(r->body);
    r->body = NULL;
    r->len = 0;
}

char *http_escape(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = malloc(n * 3 + 1), *p = out;
    if (!out)
        return NULL;
    for (const unsigned char *q = (const unsigned char *)s; *q; q++) {
        if ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') ||
            *q == '-' || *q == '.' || *q == '_' || *q == '~') {
            *p++ = (char)*q;
        } else {
            *p++ = '%';
            *p++ = hex[*q >> 4];
            *p++ = hex[*q & 15];
        }
    }
    *p = 0;
    return out;
}

static const char *reason_phrase(long status)
{
    static const struct {
        long status;
        const char *words;
    } phrases[] = {
        {400, "Bad Request"},
        {401, "Unauthorized"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {408, "Request Timeout"},
        {409, "Conflict"},
        {410, "Gone"},
        {413, "Content Too Large"},
        {422, "Unprocessable Content"},
        {429, "Too Many Requests"},
        {500, "Internal Server Error"},
        {501, "Not Implemented"},
        {502, "Bad Gateway"},
        {503, "Service Unavailable"},
        {504, "Gateway Timeout"},
    };
    for (size_t i = 0; i < sizeof phrases / sizeof phrases[0]; i++)
        if (phrases[i].status == status)
            return phrases[i].words;
    return "";
}

void http_status_words(char *out, size_t len, const struct http_response *r)
{
    char first[100] = "";
    const char *b = r->body;
    size_t n = 0;
    while (b != NULL && n < r->len && (b[n] == ' ' || b[n] == '\n' || b[n] == '\r'))
        b++, n++; /* leading blank lines */
    if (b != NULL && n < r->len && b[0] != '{' && b[0] != '[' && b[0] != '<') {
        size_t l = 0;
        while (n + l < r->len && b[l] != '\n' && b[l] != '\r' && l < 80)
            l++;
        text_sanitize_n(first, sizeof first, b, l);
    }
    const char *phrase = reason_phrase(r->status);
    if (strcasecmp(first, phrase) == 0) /* "HTTP 401 Unauthorized: Unauthorized" */
        first[0] = '\0';
    text_printf(out, len, "HTTP %ld%s%s%s%s", r->status, phrase[0] ? " " : "", phrase,
                first[0] ? ": " : "", first);
}

/* ---- streams: one long GET read as it arrives (a Kubernetes watch) ---- */

struct http_stream {
    CURLM *multi;
    CURL *easy;
    struct xfer x;
    char *url;
    http_chunk_fn fn;
    void *arg;
    bool done;
    CURLcode result;
};

static size_t on_stream(char *data, size_t size, size_t n, void *arg)
{
    struct http_stream *s = arg;
    return s->fn(data, size * n, s->arg) == 0 ? size * n : 0;
}

struct http_stream *http_stream_open(struct http_client *c, const char *url, http_chunk_fn fn,
                                     void *arg, char *err, size_t errlen)
{
    struct http_stream *s = calloc(1, sizeof *s);
    if (!s || !(s->multi = curl_multi_init()) || !(s->easy = curl_easy_init()) ||
        !(s->url = strdup(url))) {
        text_printf(err, errlen, "out of memory");
        http_stream_close(s);
        return NULL;
    }
    s->x.c = c;
    s->fn = fn;
    s->arg = arg;
    if (setup(s->easy, &s->x, "GET", url, NULL, NULL, 0) < 0) {
        char shown[512];
        http_url_redact(shown, sizeof shown, url);
        text_printf(err, errlen, "bad URL %s", shown);
        http_stream_close(s);
        return NULL;
    }
    /* no deadline for the whole body: it ends when the server ends it (or is closed) */
    curl_easy_setopt(s->easy, CURLOPT_TIMEOUT_MS, 0L);
    curl_easy_setopt(s->easy, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)0);
    curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, on_stream);
    curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, s);
    curl_multi_add_handle(s->multi, s->easy);
    return s;
}

int http_stream_step(struct http_stream *s, double wait_s, long *status, char *err, size_t errlen)
{
    int running = 0;
    err[0] = '\0';
    if (!s->done) {
        if (wait_s > 0)
            curl_multi_poll(s->multi, NULL, 0, (int)(wait_s * 1000), NULL);
        if (curl_multi_perform(s->multi, &running) != CURLM_OK) {
            s->done = true;
            s->result = CURLE_FAILED_INIT;
        }
        CURLMsg *m;
        int left;
        while ((m = curl_multi_info_read(s->multi, &left)))
            if (m->msg == CURLMSG_DONE) {
                s->done = true;
                s->result = m->data.result;
            }
    }
    *status = 0;
    curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, status);
    if (!s->done)
        return 1;
    if (s->result != CURLE_OK)
        describe_error(s->easy, s->result, &s->x, s->url, err, errlen);
    return 0;
}

void http_stream_close(struct http_stream *s)
{
    if (!s)
        return;
    if (s->multi && s->easy)
        curl_multi_remove_handle(s->multi, s->easy);
    if (s->easy)
        curl_easy_cleanup(s->easy);
    if (s->multi)
        curl_multi_cleanup(s->multi);
    xfer_free(&s->x);
    free(s->url);
    free(s);
}
