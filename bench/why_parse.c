/* why_parse.c - what reading why services are not ready costs a poll: a namespace of
 * D deployments of P pods each (every pod in ImagePullBackOff), their ReplicaSets and E
 * Warning events, decoded as a poll decodes them (kube_parse_lists), with and without
 * the ReplicaSet and event lists. Prints the best of 5 in milliseconds; asserts nothing.
 * Usage: why_parse D P E */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "forgetop/kubeparse.h"

struct buf {
    char *s;
    size_t n, cap;
};

static void add(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct buf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
        va_end(ap);
        if (k >= 0 && (size_t)k < b->cap - b->n) {
            b->n += (size_t)k;
            return;
        }
        b->cap = b->cap ? b->cap * 2 : 1 << 20;
        b->s = realloc(b->s, b->cap);
        if (b->s == NULL)
            exit(1);
    }
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void lists(int d, int p, int e, struct buf *b)
{
    add(&b[KUBE_DEPLOYMENTS], "{\"items\":[");
    add(&b[KUBE_PODS], "{\"items\":[");
    add(&b[KUBE_REPLICASETS], "{\"items\":[");
    add(&b[KUBE_EVENTS], "{\"items\":[");
    for (int i = 0; i < d; i++) {
        add(&b[KUBE_DEPLOYMENTS],
            "%s{\"metadata\":{\"name\":\"svc-%03d\"},\"spec\":{\"replicas\":%d,\"selector\":{"
            "\"matchLabels\":{\"app\":\"svc-%03d\"}}},\"status\":{\"conditions\":[{\"type\":"
            "\"Progressing\",\"status\":\"False\",\"reason\":\"ProgressDeadlineExceeded\"}]}}",
            i ? "," : "", i, p, i);
        add(&b[KUBE_REPLICASETS],
            "%s{\"metadata\":{\"name\":\"svc-%03d-5d8f\",\"annotations\":{\"deployment."
            "kubernetes.io/revision\":\"3\"},\"ownerReferences\":[{\"kind\":\"Deployment\","
            "\"name\":\"svc-%03d\"}]},\"spec\":{\"replicas\":%d}}",
            i ? "," : "", i, i, p);
        for (int j = 0; j < p; j++)
            add(&b[KUBE_PODS],
                "%s{\"metadata\":{\"name\":\"svc-%03d-5d8f-%04d\",\"labels\":{\"app\":"
                "\"svc-%03d\",\"pod-template-hash\":\"5d8f\"},\"ownerReferences\":[{\"kind\":"
                "\"ReplicaSet\",\"name\":\"svc-%03d-5d8f\"}]},\"status\":{\"phase\":\"Pending\","
                "\"containerStatuses\":[{\"state\":{\"waiting\":{\"reason\":\"ImagePullBackOff\","
                "\"message\":\"Back-off pulling image\"}}}]}}",
                i || j ? "," : "", i, j, i, i);
    }
    for (int k = 0; k < e; k++)
        add(&b[KUBE_EVENTS],
            "%s{\"type\":\"Warning\",\"reason\":\"BackOff\",\"message\":\"Back-off pulling "
            "image x:%d\",\"count\":%d,\"involvedObject\":{\"kind\":\"Pod\",\"name\":"
            "\"svc-%03d-5d8f-%04d\"},\"lastTimestamp\":\"2026-12-01T10:%02d:%02dZ\"}",
            k ? "," : "", k, k % 50 + 1, k % d, (k / d) % p, (k / 60) % 60, k % 60);
    for (int i = 0; i < KUBE_LISTS; i++)
        if (b[i].s != NULL)
            add(&b[i], "]}");
}

/* The best of 5 decodes; with why, the ReplicaSet and event lists are answered too. */
static double best_ms(struct buf *b, int why, size_t *kept)
{
    long st[KUBE_LISTS] = {0};
    const char *body[KUBE_LISTS] = {NULL};
    size_t len[KUBE_LISTS] = {0};
    double best = 1e9;
    for (int i = 0; i < KUBE_LISTS; i++)
        if (b[i].s != NULL && (why || (i != KUBE_REPLICASETS && i != KUBE_EVENTS))) {
            st[i] = 200, body[i] = b[i].s, len[i] = b[i].n;
        }
    for (int r = 0; r < 5; r++) {
        struct snapshot *s = snapshot_new();
        char err[256];
        double t = now();
        if (s == NULL || kube_parse_lists(st, body, len, s, err, sizeof err) < 0)
            exit(1);
        t = now() - t;
        best = t < best ? t : best;
        *kept = 0;
        for (size_t i = 0; i < s->n_services; i++)
            *kept += s->services[i].n_events;
        snapshot_free(s);
    }
    return best * 1e3;
}

int main(int argc, char **argv)
{
    int d = argc > 1 ? atoi(argv[1]) : 200, p = argc > 2 ? atoi(argv[2]) : 10;
    int e = argc > 3 ? atoi(argv[3]) : 2000;
    struct buf b[KUBE_LISTS] = {{0}};
    size_t kept;
    if (d < 1 || p < 1 || e < 0)
        return 2;
    lists(d, p, e, b);
    double without = best_ms(b, 0, &kept), with = best_ms(b, 1, &kept);
    printf("   %d deployments x %d pods, %d warning events (%.1f MB): decode %.1f ms, "
           "%.1f ms with ReplicaSets and events (+%.1f ms), %zu events kept\n",
           d, p, e, b[KUBE_EVENTS].n / 1e6, without, with, with - without, kept);
    for (int i = 0; i < KUBE_LISTS; i++)
        free(b[i].s);
    return 0;
}
