/* http.h - the one HTTP client (the only libcurl user): timeouts, a size cap, TLS,
 * auth, unix sockets, proxies from the environment, errors worded for an operator.
 *
 * A client keeps one curl handle so a source reuses its connection poll after poll;
 * it belongs to one thread. http_get_many() runs several requests at once (curl multi)
 * so one slow peer does not delay the others. */

#ifndef FORGETOP_HTTP_H
#define FORGETOP_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_DEFAULT_MAX_BODY (64u << 20)

struct http_opts {
    double connect_timeout_s; /* 0: 5 s */
    double timeout_s;         /* whole request; 0: 10 s */
    size_t max_body;          /* 0: HTTP_DEFAULT_MAX_BODY */
    bool insecure;            /* skip TLS verification (kubeconfig insecure-skip-tls-verify) */
    const char *tls_server_name;
    /* CA, client certificate and key: a file path, or PEM bytes in memory (a blob). */
    const char *ca_file;
    const void *ca_pem;
    size_t ca_pem_len;
    const char *cert_file;
    const void *cert_pem;
    size_t cert_pem_len;
    const char *key_file;
    const void *key_pem;
    size_t key_pem_len;
    /* Auth: a bearer token, or user and password (basic). Never logged. */
    const char *bearer;
    const char *user;
    const char *password;
    const char *unix_socket; /* talk HTTP over this socket (Docker) */
};

struct http_response {
    long status; /* HTTP status, 0 when no response */
    char *body;  /* NUL-terminated, owned */
    size_t len;
    char content_type[128];
    double seconds; /* time taken */
};

struct http_client;

/* Initialise libcurl once, before any thread starts (main calls it first). Safe to call
 * again; http_client_new() calls it too. 0, or -1 when libcurl cannot start. */
int http_global_init(void);

/* Copies what it needs from opts (strings and blobs), so the caller may free them. */
struct http_client *http_client_new(const struct http_opts *opts, char *err, size_t errlen);
void http_client_free(struct http_client *c);
/* Replace the bearer token (an exec plugin refreshed it). */
int http_client_set_bearer(struct http_client *c, const char *token);

/* 0 when a response arrived (any status: check out->status), -1 with err for transport
 * failures ("connect to 127.0.0.1:6443: Connection refused", "timed out after 10 s",
 * "response larger than 64 MiB"). body may be NULL for no body. */
int http_request(struct http_client *c, const char *method, const char *url,
                 const char *content_type, const char *body, size_t body_len,
                 struct http_response *out, char *err, size_t errlen);
static inline int http_get(struct http_client *c, const char *url, struct http_response *out,
                           char *err, size_t errlen)
{
    return http_request(c, "GET", url, NULL, NULL, 0, out, err, errlen);
}

/* n GETs at once; each result's status in rc[i] (0 or -1), its error in errs[i]. The
 * bodies a batch holds stay near half a max_body beside the first unfinished one: past
 * that the others wait (paused, their timeouts running), so n answers cut at the cap cost
 * about 1.5 caps at once, not n; a failed answer's body is freed as soon as it fails. */
void http_get_many(struct http_client *c, const char *const *urls, size_t n,
                   struct http_response *out, int *rc, char (*errs)[256]);
/* The same in two halves, so the caller can parse one answer while these are on their
 * way: start sends the requests (on a live connection the server works on them at once),
 * finish waits for them and hands over the answers as http_get_many does, and frees the
 * batch. One batch of a client at a time; NULL from start (out of memory) is accepted by
 * finish, which then leaves out, rc and errs alone. */
struct http_batch;
struct http_batch *http_get_start(struct http_client *c, const char *const *urls, size_t n);
void http_get_finish(struct http_batch *b, struct http_response *out, int *rc, char (*errs)[256]);

void http_response_free(struct http_response *r);
/* "HTTP 401 Unauthorized", and after it the body's first line when it is short plain text
 * (an HTML page or a JSON document says nothing an operator reads). */
void http_status_words(char *out, size_t len, const struct http_response *r);
/* The URL as an operator may see it in an error or on a panel: a user:password@ in it
 * authenticates the request but is left out here. */
void http_url_redact(char *out, size_t len, const char *url);
/* Percent-encode s for a query string or form body. Caller frees. */
char *http_escape(const char *s);

/* A stream: one long GET whose body is handed to fn piece by piece as it arrives (a
 * Kubernetes watch), with the client's connection timeout but no deadline for the body.
 * fn returns 0, or -1 to abort the transfer. Belongs to one thread, as the client. */
struct http_stream;
typedef int (*http_chunk_fn)(const char *data, size_t len, void *arg);
struct http_stream *http_stream_open(struct http_client *c, const char *url, http_chunk_fn fn,
                                     void *arg, char *err, size_t errlen);
/* Hand what has arrived to fn, first waiting up to wait_s for something to arrive. 1 while
 * the transfer runs, 0 once it ended: err "" for a clean end, else the transport's error.
 * status is the HTTP status once the headers came, 0 before. */
int http_stream_step(struct http_stream *s, double wait_s, long *status, char *err, size_t errlen);
void http_stream_close(struct http_stream *s);

#endif
