/* test_snapjson.c - a snapshot survives the recording's JSON and its binary frames
 * unchanged, field by field; a damaged binary frame is an error, never a crash. */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "forgetop/snapjson.h"

static struct snapshot *sample(void)
{
    struct snapshot *s = snapshot_new();
    s->taken_at = 1700000000.25;
    snprintf(s->context, sizeof s->context, "prod-eu/open-forge");
    snprintf(s->notice, sizeof s->notice, "TLS verification off");
    s->clock = 1700000100, s->clock_rate = 60, s->clock_from = 1699999999;
    s->access.scale = PERM_DENIED, s->access.hpa_min = PERM_ALLOWED, s->access.checked_at = 3;
    snprintf(s->reading_class, sizeof s->reading_class, "metrics");
    s->measures_pool = true;
    struct service *v = snapshot_add_service(s);
    service_init(v);
    snprintf(v->name, sizeof v->name, "web");
    v->desired = 3, v->ready = 2, v->res.mem_limit = 512e6, v->cpu_pct = 73.5;
    v->autoscaler.present = true, v->autoscaler.desired_known = false, v->autoscaler.max = 8;
    v->autoscaler.cpu_target = 80;
    struct pod *p = service_add_pod(v);
    snprintf(p->name, sizeof p->name, "web-1");
    p->ready = true, p->restarts = 4, p->cpu_cores = NAN, p->mem_bytes = -0.0;
    snprintf(p->reason, sizeof p->reason, "ImagePullBackOff");
    pod_set_message(p, "Back-off pulling image \"web:2\"");
    snprintf(service_add_pod(v)->name, FT_NAME_MAX, "web-2"); /* no message: NULL */
    snprintf(v->reason, sizeof v->reason, "ImagePullBackOff");
    struct condition *c = service_add_condition(v);
    snprintf(c->type, sizeof c->type, "Progressing");
    snprintf(c->reason, sizeof c->reason, "ProgressDeadlineExceeded");
    c->changed_at = 1699999000;
    struct replicaset *rs = service_add_rset(v);
    snprintf(rs->name, sizeof rs->name, "web-7d9f");
    rs->desired = 3, rs->revision = 2;
    struct event ev = {.type = "Warning", .reason = "Failed", .count = 7, .last_at = 1699999500};
    snprintf(ev.message, sizeof ev.message, "Back-off pulling image");
    service_keep_event(v, &ev);
    ev.last_at = 1699999600, ev.count = 1;
    service_keep_event(v, &ev);
    struct service *w = snapshot_add_service(s);
    snprintf(w->name, sizeof w->name, "worker");
    snprintf(w->autoscaler.kind, sizeof w->autoscaler.kind, "KEDA");
    struct keda_scaler *k = autoscaler_add_keda(&w->autoscaler);
    snprintf(k->object, sizeof k->object, "worker-scaler");
    k->held = true, k->paused_at = 3, k->max = 40, k->activation = 0;
    snapshot_add_reading(s, "latency_p99", "web", 1700000000, INFINITY);
    snapshot_add_reading(s, "queue_depth", "", 1700000001, NAN);
    snprintf(snapshot_add_alert(s)->summary, FT_TEXT_MAX, "high \"latency\"\n");
    struct fact *f = snapshot_add_fact_num(s, "db", "conns", "pool", UNIT_RATIO, 0.5, 100);
    f->probe = true;
    snapshot_add_fact_text(s, "db", "role", "", "primary");
    return s;
}

static bool same_num(double a, double b)
{
    return (isnan(a) && isnan(b)) || (a == b && signbit(a) == signbit(b));
}

static void expect_sample(const struct snapshot *d, const struct snapshot *s)
{
    cr_expect_eq(d->taken_at, s->taken_at);
    cr_expect_str_eq(d->context, s->context);
    cr_expect_str_eq(d->notice, s->notice);
    cr_expect(d->clock == s->clock && d->clock_rate == 60 && d->clock_from == s->clock_from);
    cr_expect(d->access.scale == PERM_DENIED && d->access.hpa_min == PERM_ALLOWED);
    cr_expect_str_eq(d->reading_class, "metrics");
    cr_expect(d->measures_pool);
    cr_assert_eq(d->n_services, 2);
    struct service *v = &d->services[0];
    cr_expect_null(v->autoscaler.keda, "only a KEDA service holds a ScaledObject");
    cr_expect(isnan(autoscaler_keda(&v->autoscaler)->target));
    const struct keda_scaler *k = d->services[1].autoscaler.keda;
    cr_assert_not_null(k);
    cr_expect(k != s->services[1].autoscaler.keda, "the decoded service owns its own");
    cr_expect_str_eq(k->object, "worker-scaler");
    cr_expect(k->held && k->paused_at == 3 && k->max == 40 && isnan(k->target));
    cr_expect(v->desired == 3 && v->ready == 2 && v->res.mem_limit == 512e6);
    cr_expect(v->cpu_pct == 73.5 && isnan(v->mem_pct), "NAN stays unknown, never 0");
    cr_expect(v->autoscaler.present && !v->autoscaler.desired_known && v->autoscaler.max == 8);
    cr_expect(isnan(v->autoscaler.cpu_current) && v->autoscaler.cpu_target == 80);
    cr_assert_eq(v->n_pods, 2);
    cr_expect_str_eq(pod_message(&v->pods[0]), "Back-off pulling image \"web:2\"");
    cr_expect(v->pods[0].message != s->services[0].pods[0].message, "the decoded pod owns it");
    cr_expect_null(v->pods[1].message, "no message reads back as none, not as \"\"");
    cr_expect(v->pods[0].ready && v->pods[0].restarts == 4 && isnan(v->pods[0].cpu_cores));
    cr_expect(same_num(v->pods[0].mem_bytes, -0.0));
    cr_expect_str_eq(v->pods[0].reason, "ImagePullBackOff");
    cr_expect_str_eq(v->reason, "ImagePullBackOff");
    cr_assert(v->n_conditions == 1 && v->n_rsets == 1 && v->n_events == 2);
    cr_expect_str_eq(v->conditions[0].reason, "ProgressDeadlineExceeded");
    cr_expect(v->conditions[0].changed_at == 1699999000);
    cr_expect(strcmp(v->rsets[0].name, "web-7d9f") == 0 && v->rsets[0].revision == 2);
    cr_expect(v->events[0].last_at == 1699999600 && v->events[1].count == 7,
              "the events keep their order, newest first");
    cr_expect_str_eq(v->events[1].message, "Back-off pulling image");
    cr_assert_eq(d->n_readings, 2);
    cr_expect(isinf(d->readings[0].value) && d->readings[0].value > 0);
    cr_expect(isnan(d->readings[1].value) && d->readings[1].t == 1700000001);
    cr_expect_str_eq(d->readings[0].service, "web");
    cr_assert_eq(d->n_alerts, 1);
    cr_expect_str_eq(d->alerts[0].summary, s->alerts[0].summary);
    cr_assert_eq(d->n_facts, 2);
    cr_expect(d->facts[0].unit == UNIT_RATIO && d->facts[0].of == 100 && d->facts[0].probe);
    cr_expect(same_num(d->facts[1].value, s->facts[1].value) && isnan(d->facts[1].of));
    cr_expect_str_eq(d->facts[1].text, "primary");
}

Test(snapjson, every_field_round_trips)
{
    struct snapshot *s = sample();
    char *json = snapjson_encode(s), err[128] = "";
    cr_assert_not_null(json);
    struct snapshot *d = snapjson_decode(json, err, sizeof err);
    cr_assert_not_null(d, "%s", err);
    expect_sample(d, s);
    char *again = snapjson_encode(d);
    cr_expect_str_eq(again, json, "a decoded frame encodes to the same bytes");
    free(again);
    free(json);
    snapshot_free(d);
    snapshot_free(s);
}

/* cJSON alone prints 15 digits when they are within an epsilon: a unix time then loses
 * its last bit, and a replayed age differs from the live one. */
Test(snapjson, times_round_trip_to_the_last_bit)
{
    struct snapshot *s = snapshot_new();
    char err[128];
    for (int i = 0; i < 1000; i++) {
        s->taken_at = 1764612345.0 + i * 0.000123456789;
        char *json = snapjson_encode(s);
        struct snapshot *d = snapjson_decode(json, err, sizeof err);
        cr_assert_not_null(d, "%s", err);
        cr_assert_eq(d->taken_at, s->taken_at, "%s", json);
        snapshot_free(d);
        free(json);
    }
    snapshot_free(s);
}

Test(snapjson, a_broken_frame_is_an_error_not_a_snapshot)
{
    char err[128] = "";
    cr_expect_null(snapjson_decode("{\"taken_at\": 1, \"serv", err, sizeof err));
    cr_expect(strstr(err, "not a JSON object") != NULL, "%s", err);
    cr_expect_null(snapjson_decode("[1,2]", err, sizeof err));
}

Test(snapjson, every_field_round_trips_in_the_binary_form)
{
    struct snapshot *s = sample();
    char err[128] = "";
    size_t n = 0, n2 = 0;
    unsigned char *bin = snapjson_encode_bin(s, &n);
    cr_assert_not_null(bin);
    struct snapshot *d = snapjson_decode_bin(bin, n, err, sizeof err);
    cr_assert_not_null(d, "%s", err);
    expect_sample(d, s);
    unsigned char *again = snapjson_encode_bin(d, &n2);
    cr_expect(n2 == n && memcmp(again, bin, n) == 0, "a decoded frame encodes to the same bytes");
    free(again);
    free(bin);
    snapshot_free(d);
    snapshot_free(s);
}

Test(snapjson, a_damaged_binary_frame_is_an_error_at_every_length)
{
    struct snapshot *s = sample();
    char err[128] = "";
    size_t n = 0;
    unsigned char *bin = snapjson_encode_bin(s, &n);
    for (size_t k = 0; k < n; k++) { /* every truncation: read within its bytes, refused */
        unsigned char *cut = malloc(k ? k : 1);
        memcpy(cut, bin, k);
        cr_expect_null(snapjson_decode_bin(cut, k, err, sizeof err), "%zu of %zu bytes", k, n);
        free(cut);
    }
    cr_expect(strstr(err, "damaged or truncated") != NULL, "%s", err);
    bin[0] = '{';
    cr_expect_null(snapjson_decode_bin(bin, n, err, sizeof err), "no magic: not a frame");
    free(bin);
    snapshot_free(s);
}

/* A field this build does not know (a newer recorder's) is skipped by its type. */
Test(snapjson, an_unknown_key_in_a_binary_frame_is_skipped)
{
    static const unsigned char frame[] = {
        0xf7, 0x01,                                                  /* magic */
        5,    'f',  'u', 't', 'u', 'r', 2,   1,   2, 3, 4,           /* "futur": an int, unknown */
        7,    'c',  'o', 'n', 't', 'e', 'x', 't', 0, 2, 'e', 'u', 0, /* context "eu", end */
        0,    0,    0,   0,                                          /* no arrays */
    };
    char err[128] = "";
    struct snapshot *d = snapjson_decode_bin(frame, sizeof frame, err, sizeof err);
    cr_assert_not_null(d, "%s", err);
    cr_expect_str_eq(d->context, "eu");
    snapshot_free(d);
}

/* The JSON leaves out a reading's time when it is the snapshot's; 0 is still written. */
Test(snapjson, a_reading_at_the_snapshot_time_and_one_at_zero_round_trip)
{
    struct snapshot *s = snapshot_new();
    s->taken_at = 1700000000.5;
    snapshot_add_reading(s, "cpu", "web", s->taken_at, 1);
    snapshot_add_reading(s, "cpu", "db", 0, 2);
    snapshot_add_fact_num(s, "db", "conns", "", UNIT_COUNT, 3, NAN)->t = s->taken_at;
    char *json = snapjson_encode(s), err[128];
    cr_expect(strstr(json, "\"t\":1700000000.5") == NULL, "%s", json);
    struct snapshot *d = snapjson_decode(json, err, sizeof err);
    cr_assert_not_null(d, "%s", err);
    cr_expect_eq(d->readings[0].t, s->taken_at);
    cr_expect_eq(d->readings[1].t, 0);
    cr_expect_eq(d->facts[0].t, s->taken_at);
    free(json);
    snapshot_free(d);
    snapshot_free(s);
}
