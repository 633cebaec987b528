/* test_prometheus.c - Prometheus API answers into readings and alerts: every result
 * shape, the values that are not numbers, errors in Prometheus's words. */

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "forgetop/config.h"
#include "forgetop/history.h"
#include "forgetop/http.h"
#include "forgetop/prometheus.h"

/* Shapes from the Prometheus HTTP API documentation (docs/querying/api.md). */
static const struct instant_case {
    const char *what;
    const char *body;
    double scale;
    enum prom_parse rc;
    double value; /* NAN: expect NAN */
    double t;
    const char *note;
} instant_cases[] = {
    {"a vector sample",
     "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
     "[{\"metric\":{},\"value\":[1700000000.5,\"0.42\"]}]}}",
     100, PROM_OK, 42, 1700000000.5, ""},
    {"a scalar",
     "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":"
     "[1700000001,\"2.5\"]}}",
     1000, PROM_OK, 2500, 1700000001, ""},
    {"the last point of a matrix",
     "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\","
     "\"result\":[{\"metric\":{},\"values\":[[1,\"1\"],[2,\"7\"]]}]}}",
     1, PROM_OK, 7, 2, ""},
    {"an empty vector",
     "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}", 1, PROM_OK, NAN,
     0, "empty result"},
    {"NaN",
     "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
     "[{\"metric\":{},\"value\":[5,\"NaN\"]}]}}",
     100, PROM_OK, NAN, 5, "NaN from Prometheus"},
    {"+Inf",
     "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[5,\"+Inf\"]}}", 100,
     PROM_OK, INFINITY, 5, "+Inf from Prometheus"},
    {"-Inf",
     "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[5,\"-Inf\"]}}", 1,
     PROM_OK, -INFINITY, 5, "-Inf from Prometheus"},
    {"several series",
     "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
     "{\"metric\":{\"a\":\"1\"},\"value\":[5,\"3\"]},"
     "{\"metric\":{\"a\":\"2\"},\"value\":[5,\"4\"]}]}}",
     1, PROM_OK, 3, 5, "2 series, showing the first"},
    {"a warning",
     "{\"status\":\"success\",\"warnings\":[\"PromQL info: metric might not be a "
     "counter\"],\"data\":{\"resultType\":\"scalar\",\"result\":[5,\"1\"]}}",
     1, PROM_OK, 1, 5, "warning: PromQL info: metric might not be a counter"},
    {"a warning on an empty result",
     "{\"status\":\"success\",\"warnings\":[\"partial\"],"
     "\"data\":{\"resultType\":\"vector\",\"result\":[]}}",
     1, PROM_OK, NAN, 0, "empty result; warning: partial"},
    {"a refused query",
     "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"1:5: parse "
     "error: unexpected end of input\"}",
     1, PROM_QUERY_ERROR, NAN, 0, ""},
    {"an HTML page", "<html>nginx</html>", 1, PROM_GARBAGE, NAN, 0, ""},
    {"JSON that is not Prometheus's", "{\"hello\":1}", 1, PROM_GARBAGE, NAN, 0, ""},
    {"a value that is not a number",
     "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\","
     "\"result\":[5,\"lots\"]}}",
     1, PROM_GARBAGE, NAN, 0, ""},
};

Test(prometheus, reads_every_result_shape_and_never_turns_no_data_into_zero)
{
    for (size_t i = 0; i < sizeof instant_cases / sizeof instant_cases[0]; i++) {
        const struct instant_case *c = &instant_cases[i];
        struct reading r = {0};
        char err[256] = "";
        enum prom_parse rc = prometheus_parse_instant(c->body, c->scale, &r, err, sizeof err);
        cr_assert_eq(rc, c->rc, "%s: rc %d, want %d (%s)", c->what, rc, c->rc, err);
        if (rc != PROM_OK)
            continue;
        if (isnan(c->value))
            cr_assert(isnan(r.value), "%s: %g, want NaN", c->what, r.value);
        else if (isinf(c->value))
            cr_assert(r.value == c->value, "%s: %g, want %g", c->what, r.value, c->value);
        else
            cr_assert_float_eq(r.value, c->value, 1e-9, "%s: %g, want %g", c->what, r.value,
                               c->value);
        cr_assert_float_eq(r.t, c->t, 1e-9, "%s: t", c->what);
        cr_assert_str_eq(r.note, c->note, "%s", c->what);
    }
}

Test(prometheus, a_refused_query_keeps_prometheus_words)
{
    struct reading r;
    char err[256];
    prometheus_parse_instant("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":"
                             "\"1:5: parse error: unexpected \\u001b[31m\"}",
                             1, &r, err, sizeof err);
    cr_assert_str_eq(err, "bad_data: 1:5: parse error: unexpected ?[31m");
}

Test(prometheus, a_range_answer_becomes_history)
{
    struct snapshot *s = snapshot_new();
    char err[256];
    int n = prometheus_parse_range("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\","
                                   "\"result\":[{\"metric\":{},\"values\":"
                                   "[[100,\"0.5\"],[115,\"NaN\"],[130,\"0.75\"]]}]}}",
                                   100, "cpu", "api", s, err, sizeof err);
    cr_assert_eq(n, 3);
    cr_assert_eq(s->n_readings, 3);
    cr_assert_str_eq(s->readings[0].metric, "cpu");
    cr_assert_str_eq(s->readings[0].service, "api");
    cr_assert_float_eq(s->readings[0].value, 50, 1e-9);
    cr_assert(isnan(s->readings[1].value));
    cr_assert_str_eq(s->readings[1].note, "NaN from Prometheus");
    cr_assert_float_eq(s->readings[2].t, 130, 1e-9);
    snapshot_free(s);
}

Test(prometheus, alerts_carry_state_severity_labels_and_summary)
{
    struct snapshot *s = snapshot_new();
    char err[256];
    const char *body =
        "{\"status\":\"success\",\"data\":{\"alerts\":["
        "{\"labels\":{\"alertname\":\"HighQueueDepth\",\"queue\":\"agent_tasks_pending\","
        "\"severity\":\"warning\"},\"annotations\":{\"summary\":\"Task queue backing up\"},"
        "\"state\":\"firing\",\"activeAt\":\"2026-11-26T17:30:01.5Z\",\"value\":\"1.5e+03\"},"
        "{\"labels\":{\"alertname\":\"HighAPILatency\",\"severity\":\"critical\"},"
        "\"annotations\":{},\"state\":\"pending\",\"activeAt\":\"2026-11-26T19:30:00+02:00\"}]}}";
    cr_assert_eq(prometheus_parse_alerts(body, s, err, sizeof err), 0, "%s", err);
    cr_assert_eq(s->n_alerts, 2);
    cr_assert_str_eq(s->alerts[0].name, "HighQueueDepth");
    cr_assert_str_eq(s->alerts[0].state, "firing");
    cr_assert_str_eq(s->alerts[0].severity, "warning");
    cr_assert_str_eq(s->alerts[0].labels, "queue=agent_tasks_pending");
    cr_assert_str_eq(s->alerts[0].summary, "Task queue backing up");
    cr_assert_float_eq(s->alerts[0].active_at, 1795714201.5, 1e-6);
    cr_assert_float_eq(s->alerts[1].active_at, 1795714200.0, 1e-6);
    /* counts only: core's alerts_firing / alerts_critical rules judge them */
    cr_assert_eq(s->n_facts, 3);
    cr_assert_str_eq(s->facts[0].label, "firing");
    cr_assert_float_eq(s->facts[0].value, 1, 1e-9);
    cr_assert_str_eq(s->facts[0].rule, "alerts_firing");
    cr_assert_str_eq(s->facts[1].label, "firing critical");
    cr_assert_float_eq(s->facts[1].value, 0, 1e-9);
    cr_assert_str_eq(s->facts[2].label, "pending");
    cr_assert_float_eq(s->facts[2].value, 1, 1e-9);
    snapshot_free(s);
}

Test(prometheus, go_zero_time_is_no_time)
{
    cr_assert_float_eq(prometheus_parse_time("0001-01-01T00:00:00Z"), 0, 1e-9);
    cr_assert_float_eq(prometheus_parse_time("garbage"), 0, 1e-9);
    cr_assert_float_eq(prometheus_parse_time("1970-01-01T00:01:00Z"), 60, 1e-9);
}

/* The runbook's units: its alert thresholds (0.7 core, 0.8 of limit, 2 s) become the
 * dashboard's (70 %, 80 %, 2000 ms). */
Test(prometheus, scales_runbook_units_to_the_dashboard)
{
    cr_assert_float_eq(prometheus_default_scale("cpu") * 0.7, 70, 1e-9);
    cr_assert_float_eq(prometheus_default_scale("memory") * 0.8, 80, 1e-9);
    cr_assert_float_eq(prometheus_default_scale("latency_p99") * 2, 2000, 1e-9);
    cr_assert_float_eq(prometheus_default_scale("queue_depth"), 1, 1e-9);
    cr_assert_float_eq(prometheus_default_scale("db_connections"), 100, 1e-9);
    cr_assert_float_eq(prometheus_default_scale("something_else"), 1, 1e-9);
}

Test(http, escape_keeps_unreserved_and_encodes_the_rest)
{
    char *e = http_escape("sum by (le) (rate(x{a=\"b\"}[5m])) ~ é");
    cr_assert_str_eq(
        e, "sum%20by%20%28le%29%20%28rate%28x%7Ba%3D%22b%22%7D%5B5m%5D%29%29%20~%20%C3%A9");
    free(e);
}

Test(prometheus, scale_comes_from_the_config_file)
{
    static struct config c;
    char path[] = "/tmp/forgetop-scale-XXXXXX", err[256];
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    dprintf(fd, "[metric cpu]\nscale = 200\n");
    close(fd);
    config_defaults(&c);
    cr_assert_float_eq(config_metric(&c, "cpu")->scale, 100, 1e-9);
    cr_assert_float_eq(config_metric(&c, "latency_p99")->scale, 1000, 1e-9);
    cr_assert_eq(config_load(&c, path, err, sizeof err), 0, "%s", err);
    unlink(path);
    cr_assert_float_eq(config_metric(&c, "cpu")->scale, 200, 1e-9);
}

/* Found by fuzz/prometheus.c: an unknown resultType was quoted raw into the error. */
Test(prometheus, an_unknown_result_type_is_quoted_sanitised)
{
    struct reading r;
    char err[256];
    cr_assert_eq(prometheus_parse_instant("{\"status\":\"success\",\"data\":{\"resultType\":"
                                          "\"\\u001b]0;x\\u0007vec\",\"result\":[]}}",
                                          1, &r, err, sizeof err),
                 PROM_GARBAGE);
    cr_assert_str_eq(err, "a ?]0;x?vec result is not a number");
}

/* Found by fuzz/prometheus.c: a time shorter than 19 characters was read past its end. */
/* A range answer may hold far more points than the backfill asked for (a server that is
 * not Prometheus, a step ignored): the history keeps HISTORY_CAP, so the parse takes no
 * more than that, the newest, instead of ~180 bytes a point for every point sent. */
Test(prometheus, a_range_answer_is_cut_to_what_a_history_holds)
{
    const int points = 3 * HISTORY_CAP;
    size_t cap = 128 + (size_t)points * 24, used = 0;
    char *body = malloc(cap);
    cr_assert_not_null(body);
    used += (size_t)snprintf(body, cap,
                             "{\"status\":\"success\",\"data\":{\"resultType\":"
                             "\"matrix\",\"result\":[{\"metric\":{},\"values\":[");
    for (int i = 0; i < points; i++)
        used += (size_t)snprintf(body + used, cap - used, "%s[%d,\"1\"]", i ? "," : "", i);
    snprintf(body + used, cap - used, "]}]}}");
    struct snapshot *s = snapshot_new();
    char err[256];
    int n = prometheus_parse_range(body, 1, "cpu", "api", s, err, sizeof err);
    cr_expect_eq(n, HISTORY_CAP, "%s", err);
    cr_assert_eq(s->n_readings, (size_t)HISTORY_CAP);
    cr_expect_float_eq(s->readings[HISTORY_CAP - 1].t, points - 1, 1e-9, "the newest is kept");
    snapshot_free(s);
    free(body);
}

/* activeAt comes from the server. "%2d" also reads one digit, so a short time like
 * "1970-1-1T0:1:0" parses; the fraction and offset must then be looked for after what
 * was read, not at a fixed offset 19 that lies past the end of the string. The string
 * ends right at a page nobody may read, so a read past it crashes the test. */
Test(prometheus, a_short_time_is_not_read_past_its_end)
{
    const char *t = "1970-1-1T0:1:0";
    long page = sysconf(_SC_PAGESIZE);
    char *m =
        mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    cr_assert(m != MAP_FAILED);
    cr_assert_eq(mprotect(m + page, (size_t)page, PROT_NONE), 0);
    char *s = m + page - (strlen(t) + 1);
    memcpy(s, t, strlen(t) + 1);
    cr_expect_float_eq(prometheus_parse_time(s), 60, 1e-9);
    munmap(m, 2 * (size_t)page);
}
