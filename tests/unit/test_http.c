/* test_http.c - what the HTTP client shows an operator of a URL: never its password. */

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "forgetop/http.h"

static const struct {
    const char *url, *shown;
} redactions[] = {
    {"http://prom:9090", "http://prom:9090"},
    {"http://admin:s3cret@prom:9090", "http://prom:9090"},
    {"https://admin:p@ss@prom:9090/api/v1/query", "https://prom:9090/api/v1/query"},
    {"http://token@prom:9090/", "http://prom:9090/"},
    {"http://prom:9090/a@b?x=@", "http://prom:9090/a@b?x=@"}, /* an '@' after the host stays */
    {"prom:9090", "prom:9090"},
};

Test(http, redacts_the_user_and_password_of_a_url)
{
    for (size_t i = 0; i < sizeof redactions / sizeof redactions[0]; i++) {
        char out[128];
        http_url_redact(out, sizeof out, redactions[i].url);
        cr_expect_str_eq(out, redactions[i].shown, "%s", redactions[i].url);
    }
}

/* A one-shot server: answers one request and keeps the connection open, as a keep-alive
 * server does, so the client's socket is still there to be looked at. */
static int listener;

static void *serve_once(void *arg)
{
    (void)arg;
    int c = accept(listener, NULL, NULL);
    char buf[1024];
    if (c < 0 || read(c, buf, sizeof buf) <= 0)
        return NULL;
    const char *ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    if (write(c, ok, strlen(ok)) < 0)
        return NULL;
    while (read(c, buf, sizeof buf) > 0) /* up until the client lets go */
        ;
    close(c);
    return NULL;
}

/* Sockets of this process connected to port: how many, and how many are close-on-exec. */
static void count_sockets(int port, int *n, int *cloexec)
{
    *n = *cloexec = 0;
    for (int fd = 3; fd < 1024; fd++) {
        struct sockaddr_in peer;
        socklen_t len = sizeof peer;
        if (getpeername(fd, (struct sockaddr *)&peer, &len) < 0 || peer.sin_family != AF_INET ||
            ntohs(peer.sin_port) != port)
            continue;
        (*n)++;
        if (fcntl(fd, F_GETFD) & FD_CLOEXEC)
            (*cloexec)++;
    }
}

/* compose and kube exec plugins run children: a connection must not leak into them. */
Test(http, connections_are_closed_on_exec)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    listener = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(listener >= 0 && bind(listener, (struct sockaddr *)&a, sizeof a) == 0);
    cr_assert(listen(listener, 1) == 0 && getsockname(listener, (struct sockaddr *)&a, &alen) == 0);
    pthread_t t;
    cr_assert(pthread_create(&t, NULL, serve_once, NULL) == 0);

    char url[64], err[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", ntohs(a.sin_port));
    struct http_opts o = {.timeout_s = 2};
    struct http_client *c = http_client_new(&o, err, sizeof err);
    cr_assert_not_null(c, "%s", err);
    struct http_response r;
    cr_assert_eq(http_get(c, url, &r, err, sizeof err), 0, "%s", err);
    cr_expect_eq(r.status, 200);
    http_response_free(&r);

    int n, cloexec;
    count_sockets(ntohs(a.sin_port), &n, &cloexec);
    cr_expect_eq(n, 1, "the kept-alive connection is open");
    cr_expect_eq(cloexec, n, "and marked close-on-exec");
    http_client_free(c);
    pthread_join(t, NULL);
    close(listener);
}

/* An operator reads the status in words, and a body only when it is a short line of text. */
Test(http, a_status_is_said_in_words_with_a_plain_body_only)
{
    char out[160];
    struct http_response r = {.status = 401, .body = (char *)"Unauthorized\n", .len = 13};
    http_status_words(out, sizeof out, &r);
    cr_expect_str_eq(out, "HTTP 401 Unauthorized");
    r = (struct http_response){.status = 500, .body = (char *)"{\"a\":1}", .len = 7};
    http_status_words(out, sizeof out, &r);
    cr_expect_str_eq(out, "HTTP 500 Internal Server Error");
    r = (struct http_response){.status = 502, .body = (char *)"<html><body>x", .len = 13};
    http_status_words(out, sizeof out, &r);
    cr_expect_str_eq(out, "HTTP 502 Bad Gateway");
    r = (struct http_response){.status = 503, .body = (char *)"\nover capacity\nmore", .len = 19};
    http_status_words(out, sizeof out, &r);
    cr_expect_str_eq(out, "HTTP 503 Service Unavailable: over capacity");
    r = (struct http_response){.status = 599, .body = NULL, .len = 0};
    http_status_words(out, sizeof out, &r);
    cr_expect_str_eq(out, "HTTP 599");
}
