/* test_facts.c - the panels' readings judged and formatted in core: the judging table
 * with thresholds from the config, one format per unit, the queue's trend from its
 * history, and the world's fact views (stale marks, preference by capability). */

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "forgetop/facts.h"
#include "forgetop/world.h"

static struct config cfg;

static void setup(void)
{
    config_defaults(&cfg);
}

TestSuite(facts, .init = setup);

static struct fact num(const char *rule, enum unit u, double v, double of)
{
    struct fact f;
    memset(&f, 0, sizeof f);
    snprintf(f.rule, sizeof f.rule, "%s", rule);
    f.unit = u;
    f.value = v;
    f.of = of;
    return f;
}

static struct fact text(const char *rule, const char *t)
{
    struct fact f = num(rule, UNIT_TEXT, NAN, NAN);
    snprintf(f.text, sizeof f.text, "%s", t);
    return f;
}

/* The runbook: queue_depth warning > 1000, critical > 5000 (strict, as its alert rules). */
Test(facts, queue_depth_is_judged_by_the_queue_depth_metrics_thresholds)
{
    static const struct {
        double v;
        enum band b;
    } cases[] = {{0, BAND_OK},
                 {1000, BAND_OK},
                 {1001, BAND_WARNING},
                 {5000, BAND_WARNING},
                 {5001, BAND_CRITICAL}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fact f = num("queue_depth", UNIT_COUNT, cases[i].v, NAN);
        cr_expect_eq(facts_judge(&cfg, &f), cases[i].b, "%g", cases[i].v);
    }
    /* the same rule follows the config: [metric queue_depth] warning = 100 */
    cfg.metrics[3].warning = 100;
    struct fact f = num("queue_depth", UNIT_COUNT, 150, NAN);
    cr_expect_eq(facts_judge(&cfg, &f), BAND_WARNING);
}

Test(facts, a_denominator_is_judged_as_a_percentage)
{
    struct fact ok = num("db_connections", UNIT_COUNT, 64, 100);
    struct fact warn = num("db_connections", UNIT_COUNT, 170, 200); /* 85 % */
    struct fact crit = num("db_connections", UNIT_COUNT, 96, 100);
    cr_expect_eq(facts_judge(&cfg, &ok), BAND_OK);
    cr_expect_eq(facts_judge(&cfg, &warn), BAND_WARNING);
    cr_expect_eq(facts_judge(&cfg, &crit), BAND_CRITICAL);
    struct fact mem = num("redis_memory", UNIT_BYTES, 2.8e9, 3e9); /* 93 % > 90 */
    cr_expect_eq(facts_judge(&cfg, &mem), BAND_CRITICAL);
    cfg.thr.redis_memory.critical = 95;
    cr_expect_eq(facts_judge(&cfg, &mem), BAND_WARNING, "[thresholds] redis_memory_critical");
}

Test(facts, a_cache_hit_ratio_is_bad_below_its_thresholds)
{
    struct fact f = num("cache_hit", UNIT_RATIO, 0.99, NAN);
    cr_expect_eq(facts_judge(&cfg, &f), BAND_OK);
    f.value = 0.93;
    cr_expect_eq(facts_judge(&cfg, &f), BAND_WARNING);
    f.value = 0.85;
    cr_expect_eq(facts_judge(&cfg, &f), BAND_CRITICAL);
}

Test(facts, durations_use_the_configured_lag_and_wait_thresholds)
{
    struct fact lag = num("replication_lag", UNIT_SECONDS, 30, NAN);
    cr_expect_eq(facts_judge(&cfg, &lag), BAND_WARNING);
    lag.value = 61;
    cr_expect_eq(facts_judge(&cfg, &lag), BAND_CRITICAL);
    struct fact wait = num("pool_wait", UNIT_SECONDS, 0.5, NAN);
    cr_expect_eq(facts_judge(&cfg, &wait), BAND_OK);
    struct fact probe = num("probe_time", UNIT_SECONDS, 2.5, NAN);
    cr_expect_eq(facts_judge(&cfg, &probe), BAND_WARNING);
}

Test(facts, status_words_and_http_codes)
{
    static const struct {
        const char *t;
        enum band b;
    } words[] = {{"up", BAND_OK},
                 {"ok", BAND_OK},
                 {"streaming from 10.0.0.2 (async)", BAND_OK},
                 {"degraded", BAND_WARNING},
                 {"down", BAND_CRITICAL},
                 {"fail: connection refused", BAND_CRITICAL},
                 {"banana", BAND_UNKNOWN}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        struct fact f = text("status", words[i].t);
        cr_expect_eq(facts_judge(&cfg, &f), words[i].b, "%s", words[i].t);
    }
    struct fact h = num("http_status", UNIT_HTTP, 200, NAN);
    cr_expect_eq(facts_judge(&cfg, &h), BAND_OK);
    h.value = 503;
    cr_expect_eq(facts_judge(&cfg, &h), BAND_CRITICAL);
    h.value = NAN; /* no answer at all */
    cr_expect_eq(facts_judge(&cfg, &h), BAND_CRITICAL);
}

Test(facts, unknown_is_unknown_and_unjudged_is_ok)
{
    struct fact nan = num("queue_depth", UNIT_COUNT, NAN, NAN);
    cr_expect_eq(facts_judge(&cfg, &nan), BAND_UNKNOWN);
    struct fact plain = num("", UNIT_COUNT, 12, NAN);
    cr_expect_eq(facts_judge(&cfg, &plain), BAND_OK);
    struct fact none = num("", UNIT_COUNT, NAN, NAN);
    cr_expect_eq(facts_judge(&cfg, &none), BAND_UNKNOWN);
    cr_expect(facts_rule_known("replication_lag"));
    cr_expect(!facts_rule_known("no_such_rule"));
}

Test(facts, each_unit_has_one_format)
{
    static const struct {
        enum unit u;
        double v, of;
        const char *text, *want;
    } cases[] = {
        {UNIT_COUNT, 64, 100, "", "64 / 100 (64%)"},
        {UNIT_COUNT, 1500, NAN, "list", "1500 (list)"},
        {UNIT_COUNT, NAN, NAN, "", "no data"},
        {UNIT_COUNT, NAN, NAN, "type hash: not a queue", "type hash: not a queue"},
        {UNIT_RATIO, 0.994, NAN, "", "99.4%"},
        {UNIT_PERCENT, 64.4, NAN, "", "64%"},
        {UNIT_SECONDS, 0.4, NAN, "", "400 ms"},
        {UNIT_SECONDS, 2.5, NAN, "", "2.5 s"},
        {UNIT_SECONDS, 192, NAN, "", "3m12s"},
        {UNIT_MS, 38.2, NAN, "", "38 ms"},
        {UNIT_DELTA_MIN, 12, NAN, "", "+12.0/min"},
        {UNIT_DELTA_MIN, -3.25, NAN, "", "-3.2/min"},
        {UNIT_PER_MIN, 120, NAN, "", "120/min"},
        {UNIT_HTTP, 503, NAN, "", "503"},
        {UNIT_TIME, 1767258000, NAN, "", "2026-01-01 09:00:00 UTC"},
        {UNIT_FACTOR, 60, NAN, "", "x60"},
        {UNIT_TEXT, NAN, NAN, "allkeys-lru", "allkeys-lru"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fact f = num("", cases[i].u, cases[i].v, cases[i].of);
        snprintf(f.text, sizeof f.text, "%s", cases[i].text);
        char out[128];
        facts_format(&f, out, sizeof out);
        cr_expect_str_eq(out, cases[i].want, "case %zu", i);
    }
}

/* ---- the queue's trend, from core's history ---- */

Test(facts, growth_rate_is_items_per_minute_over_the_window)
{
    struct history h;
    double rate, drain;
    history_init(&h);
    history_push(&h, 1000, 100);
    facts_trend(&h, &rate, &drain);
    cr_expect(isnan(rate), "one sample has no rate");
    cr_expect(isnan(drain));
    history_push(&h, 1030, 130);
    history_push(&h, 1060, 160);
    facts_trend(&h, &rate, &drain);
    cr_expect_float_eq(rate, 60, 1e-9);
    cr_expect(isinf(drain), "a growing queue never drains");
}

Test(facts, time_to_drain_follows_a_shrinking_queue)
{
    struct history h;
    double rate, drain;
    history_init(&h);
    history_push(&h, 0, 1000);
    history_push(&h, 120, 800); /* -100 per minute */
    facts_trend(&h, &rate, &drain);
    cr_expect_float_eq(rate, -100, 1e-9);
    cr_expect_float_eq(drain, 8 * 60, 1e-9);
    history_push(&h, 180, 0);
    facts_trend(&h, &rate, &drain);
    cr_expect_eq(drain, 0, "an empty queue is drained");
}

Test(facts, trend_forgets_samples_older_than_the_window_and_skips_gaps)
{
    struct history h;
    double rate, drain;
    history_init(&h);
    history_push(&h, 0, 5000);
    history_push(&h, 100, 100);
    history_push(&h, 100 + FACTS_TREND_WINDOW_S, 100); /* the 5000 is out of the window */
    facts_trend(&h, &rate, &drain);
    cr_expect_float_eq(rate, 0, 1e-9);
    history_push(&h, 500, NAN); /* a poll with no data is not a depth of 0 */
    facts_trend(&h, &rate, &drain);
    cr_expect_float_eq(rate, 0, 1e-9);
}

/* ---- the world's fact views ---- */

static struct source_status status(const char *name, enum source_state st, double last_ok)
{
    struct source_status s = {0};
    snprintf(s.name, sizeof s.name, "%s", name);
    s.state = st;
    s.last_ok = last_ok;
    s.last_try = last_ok;
    return s;
}

static struct snapshot *queue_snap(double t, double depth)
{
    struct snapshot *s = snapshot_new();
    s->taken_at = t;
    fact_set_text(snapshot_add_fact_num(s, "queue", "q", "queue_depth", UNIT_COUNT, depth, NAN),
                  "list");
    snapshot_add_fact_num(s, "redis", "memory", "redis_memory", UNIT_BYTES, 1e9, 2e9);
    snapshot_add_reading(s, "queue_depth", "agent-worker", t, depth);
    return s;
}

Test(facts, a_failing_sources_figures_are_stale_with_their_age_and_fresh_again)
{
    struct world w;
    world_init(&w, &cfg);
    size_t i = world_add_source(&w, "q1");
    struct source_status st = status("q1", SOURCE_OK, 1000);
    world_set_status(&w, i, &st);
    world_apply(&w, i, queue_snap(1000, 1500), 1000);
    world_apply(&w, i, queue_snap(1060, 1560), 1060);
    world_evaluate(&w, 1060);
    const struct fact_view *q = world_fact(&w, "queue", "q");
    cr_assert_not_null(q);
    cr_expect(!q->stale);
    cr_expect_eq(q->band, BAND_WARNING);
    cr_expect_str_eq(q->text, "1560 (list)");
    const struct fact_view *g = world_fact(&w, "queue", "  growth");
    cr_assert_not_null(g, "core adds the queue's growth");
    cr_expect_str_eq(g->text, "+60.0/min");
    cr_expect_str_eq(world_fact(&w, "queue", "  time to drain")->text, "not draining");

    st = status("q1", SOURCE_FAILING, 1060);
    world_set_status(&w, i, &st);
    world_evaluate(&w, 1100);
    for (size_t k = 0; k < w.n_facts; k++) {
        cr_expect(w.facts[k].stale, "%s/%s is stale", w.facts[k].f.panel, w.facts[k].f.label);
        cr_expect_float_eq(w.facts[k].age, 40, 1e-9);
    }
    st = status("q1", SOURCE_OK, 1102);
    world_set_status(&w, i, &st);
    world_apply(&w, i, queue_snap(1102, 900), 1102);
    world_evaluate(&w, 1102);
    for (size_t k = 0; k < w.n_facts; k++)
        cr_expect(!w.facts[k].stale, "%s fresh after the source answers", w.facts[k].f.label);
    world_free(&w);
}

/* Prometheus without the series: a NaN from the preferred class never displaces the
 * cluster's real value; a real value from it does. Names play no part. */
Test(facts, a_nan_reading_never_displaces_a_real_one)
{
    struct world w;
    world_init(&w, &cfg);
    size_t c = world_add_source(&w, "c1"), m = world_add_source(&w, "m1");
    struct source_status sc = status("c1", SOURCE_OK, 1000), sm = status("m1", SOURCE_OK, 1000);
    world_set_status(&w, c, &sc);
    world_set_status(&w, m, &sm);
    world_apply(&w, c, queue_snap(1000, 1500), 1000);
    struct snapshot *p = snapshot_new();
    snprintf(p->reading_class, sizeof p->reading_class, "metrics");
    struct reading *r = snapshot_add_reading(p, "queue_depth", "agent-worker", 1001, NAN);
    snprintf(r->note, sizeof r->note, "empty result");
    world_apply(&w, m, p, 1001);
    world_evaluate(&w, 1001);
    const struct metric_view *q = world_metric(&w, "queue_depth");
    cr_expect_float_eq(q->value, 1500, 1e-9, "the empty result left the real value");
    cr_expect_str_eq(q->from, "c1");
    cr_expect_eq(q->band, BAND_WARNING);
    p = snapshot_new();
    snprintf(p->reading_class, sizeof p->reading_class, "metrics");
    snapshot_add_reading(p, "queue_depth", "agent-worker", 1002, 1600);
    world_apply(&w, m, p, 1002);
    cr_expect_float_eq(q->value, 1600, 1e-9, "a real value of the preferred class wins");
    world_apply(&w, c, queue_snap(1003, 1700), 1003);
    cr_expect_float_eq(q->value, 1600, 1e-9, "and keeps the metric while it is real");
    world_free(&w);
}

/* The database advice counts the configured service's replicas, and knows of a pooler
 * from the snapshot that measured a pool, not from a source's name. */
Test(facts, database_advice_counts_the_configured_pool_service)
{
    struct world w;
    snprintf(cfg.db_pool_service, sizeof cfg.db_pool_service, "web");
    world_init(&w, &cfg);
    size_t d = world_add_source(&w, "db1"), k = world_add_source(&w, "k1");
    struct snapshot *s = snapshot_new();
    snapshot_add_reading(s, "db_connections", "database", 1000, 90);
    snapshot_add_reading(s, "db_connections_used", "database", 1000, 180);
    snapshot_add_reading(s, "db_connections_max", "database", 1000, 200);
    s->measures_pool = true;
    world_apply(&w, d, s, 1000);
    struct snapshot *ks = snapshot_new();
    ks->taken_at = 1000;
    struct service *svc = snapshot_add_service(ks);
    snprintf(svc->name, sizeof svc->name, "web");
    svc->desired = svc->ready = 7;
    world_apply(&w, k, ks, 1000);
    world_evaluate(&w, 1000);
    cr_expect(strstr(w.db_advice, "7 api replicas hold ~26") != NULL, "%s", w.db_advice);
    cr_expect(strstr(w.db_advice, "PgBouncer is in front") != NULL,
              "a pooler measured: not told to put one in: %s", w.db_advice);
    world_free(&w);
}

/* The advice is core's, once: on the database panel, a clause a line, in the band of the
 * connections it answers, and stale with them. */
Test(facts, the_database_advice_is_a_panel_figure_in_the_connections_band)
{
    struct world w;
    world_init(&w, &cfg);
    size_t d = world_add_source(&w, "db1");
    struct source_status st = status("db1", SOURCE_OK, 1000);
    world_set_status(&w, d, &st);
    struct snapshot *s = snapshot_new();
    s->taken_at = 1000;
    snapshot_add_reading(s, "db_connections", "database", 1000, 85);
    snapshot_add_reading(s, "db_connections_used", "database", 1000, 17);
    snapshot_add_reading(s, "db_connections_max", "database", 1000, 20);
    world_apply(&w, d, s, 1000);
    world_evaluate(&w, 1000);
    const struct fact_view *a = world_fact(&w, "database", "advice");
    cr_assert_not_null(a, "warning connections carry advice");
    cr_expect_str_eq(a->text, "connections 17/20 (85%) > 80%:");
    cr_expect_eq(a->band, BAND_WARNING);
    size_t lines = 0;
    for (size_t i = 0; i < w.n_facts; i++)
        lines += strcmp(w.facts[i].f.label, "advice") == 0;
    cr_expect_geq(lines, 3, "head, pooling, reads, vertical: %zu lines", lines);
    st = status("db1", SOURCE_STALE, 1000);
    world_set_status(&w, d, &st);
    world_evaluate(&w, 1030);
    cr_expect(world_fact(&w, "database", "advice")->stale, "stale with its source");
    world_free(&w);
}

/* Numbers a broken or hostile server sent that their unit cannot hold: no data, why. */
Test(facts, nonsense_from_a_server_is_no_data_with_the_reason)
{
    struct {
        enum unit u;
        double v, of;
        const char *shown;
    } cases[] = {
        {UNIT_COUNT, -5, NAN, "no data: server sent -5"},
        {UNIT_COUNT, INFINITY, NAN, "no data: server sent infinity"},
        {UNIT_RATIO, 2.5, NAN, "no data: server sent 2.5"},
        {UNIT_RATIO, -0.1, NAN, "no data: server sent -0.1"},
        {UNIT_PERCENT, 1e300, NAN, "no data: server sent 1e+300"},
        {UNIT_BYTES, -1, NAN, "no data: server sent -1"},
        {UNIT_BYTES, 100, -1, "no data: server sent a limit of -1"},
        {UNIT_PER_S, -INFINITY, NAN, "no data: server sent -infinity"},
        {UNIT_SECONDS, -3, NAN, "no data: server sent -3"},
        {UNIT_HTTP, 42, NAN, "no data: server sent 42"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fact f = num("", cases[i].u, cases[i].v, cases[i].of);
        cr_assert_not(facts_admit(&f), "case %zu", i);
        cr_assert(isnan(f.value) && isnan(f.of));
        char out[128];
        facts_format(&f, out, sizeof out);
        cr_assert_str_eq(out, cases[i].shown, "case %zu", i);
        cr_assert_eq(facts_judge(&cfg, &f), BAND_UNKNOWN, "case %zu judged as a number", i);
    }
}

Test(facts, what_a_unit_holds_is_admitted)
{
    struct fact ok[] = {
        num("", UNIT_COUNT, 0, NAN),          num("", UNIT_COUNT, 37, 100),
        num("", UNIT_DELTA_MIN, -24.5, NAN),  /* a queue shrinking: the one signed unit */
        num("", UNIT_SECONDS, INFINITY, NAN), /* never drains */
        num("", UNIT_PERCENT, 150, NAN),      /* cpu over its request */
        num("", UNIT_RATIO, 1, NAN),          num("", UNIT_HTTP, 503, NAN),
        num("", UNIT_COUNT, NAN, NAN), /* the source's own no data stays its own */
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        struct fact f = ok[i];
        cr_assert(facts_admit(&f), "case %zu", i);
        cr_assert(memcmp(&f, &ok[i], sizeof f) == 0, "case %zu unchanged", i);
    }
}

Test(facts, a_readings_unit_decides_what_is_nonsense)
{
    char note[64] = "";
    double v = -5;
    cr_assert_not(facts_admit_reading("%", &v, note, sizeof note));
    cr_assert(isnan(v));
    cr_assert_str_eq(note, "server sent -5", "shown after \"no data\"");
    v = INFINITY; /* a p99 past the histogram's last bucket */
    cr_assert(facts_admit_reading("ms", &v, note, sizeof note));
    v = -3;
    cr_assert(facts_admit_reading("delta", &v, note, sizeof note), "a unit of the user's own");
    cr_assert_eq(v, -3);
}

/* Through the world: a -5 queue from one source is no data on its panel and in the
 * metric, and displaces nobody's real figure. */
Test(facts, a_negative_count_reaches_neither_panel_nor_metric_as_a_number)
{
    struct world w;
    world_init(&w, &cfg);
    size_t c = world_add_source(&w, "c1"), m = world_add_source(&w, "m1");
    struct source_status sc = status("c1", SOURCE_OK, 1000), sm = status("m1", SOURCE_OK, 1000);
    world_set_status(&w, c, &sc);
    world_set_status(&w, m, &sm);
    world_apply(&w, c, queue_snap(1000, 1500), 1000);
    struct snapshot *p = snapshot_new();
    snprintf(p->reading_class, sizeof p->reading_class, "metrics");
    snapshot_add_reading(p, "queue_depth", "agent-worker", 1001, -5);
    snapshot_add_fact_num(p, "redis", "clients", "", UNIT_COUNT, -5, NAN);
    world_apply(&w, m, p, 1001);
    world_evaluate(&w, 1001);
    const struct metric_view *q = world_metric(&w, "queue_depth");
    cr_expect_float_eq(q->value, 1500, 1e-9, "-5 did not displace the real 1500");
    const struct fact_view *f = world_fact(&w, "redis", "clients");
    cr_assert_not_null(f);
    cr_expect_str_eq(f->text, "no data: server sent -5");
    cr_expect_eq(f->band, BAND_UNKNOWN);
    cr_expect(isnan(f->f.value), "the JSON report says null");
    world_free(&w);
}
