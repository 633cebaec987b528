/* prometheus.c (fuzz) - the Prometheus API parsers on any body a server could answer.
 *
 * One body goes through all three parsers (instant query, range query, alerts) and its
 * text through the RFC 3339 reader. Whatever they accept, every string they store in
 * the snapshot must be safe for the terminal, and every error terminated and safe. */

#include <stdlib.h>
#include <string.h>

#include "forgetop/prometheus.h"
#include "safe.h"

static void check_snapshot(const struct snapshot *s)
{
    for (size_t i = 0; i < s->n_readings; i++) {
        CHECK_FIELD(s->readings[i].note);
        CHECK_FIELD(s->readings[i].metric);
    }
    for (size_t i = 0; i < s->n_alerts; i++) {
        const struct alert *a = &s->alerts[i];
        CHECK_FIELD(a->name);
        CHECK_FIELD(a->state);
        CHECK_FIELD(a->severity);
        CHECK_FIELD(a->labels);
        CHECK_FIELD(a->summary);
    }
    for (size_t i = 0; i < s->n_facts; i++) {
        CHECK_FIELD(s->facts[i].label);
        CHECK_FIELD(s->facts[i].text);
        CHECK(s->facts[i].value >= 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    struct reading r;
    struct snapshot *snap = NULL;
    char *body = malloc(size + 1);
    if (body == NULL)
        return 0;
    memcpy(body, data, size);
    body[size] = '\0';

    memset(&r, 0, sizeof r);
    err[0] = '\0';
    enum prom_parse rc = prometheus_parse_instant(body, 100.0, &r, err, sizeof err);
    CHECK(rc == PROM_OK || rc == PROM_QUERY_ERROR || rc == PROM_GARBAGE);
    CHECK_FIELD(err);
    CHECK_FIELD(r.note);

    snap = snapshot_new();
    if (snap == NULL)
        goto out;
    err[0] = '\0';
    int n = prometheus_parse_range(body, 1000.0, "latency_p99", "api", snap, err, sizeof err);
    CHECK(n == -1 || (size_t)n == snap->n_readings);
    CHECK_FIELD(err);
    err[0] = '\0';
    if (prometheus_parse_alerts(body, snap, err, sizeof err) == 0)
        CHECK(snap->n_facts == 3);
    CHECK_FIELD(err);
    check_snapshot(snap);

    double t = prometheus_parse_time(body);
    CHECK(t == t);
out:
    snapshot_free(snap);
    free(body);
    return 0;
}
