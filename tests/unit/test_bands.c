/* test_bands.c - the runbook's bands (DESIGN.md's metric table) and the sustained
 * state, checked against how a Prometheus rule with `for:` behaves. */

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "forgetop/bands.h"

static struct history h;

/* DESIGN.md "The runbook's metrics": warning, critical, for: */
static struct metric_rule rule(const char *id, double warning, double critical, double for_s)
{
    struct metric_rule r;
    memset(&r, 0, sizeof(r));
    strncpy(r.id, id, sizeof(r.id) - 1);
    r.warning = warning;
    r.critical = critical;
    r.for_s = for_s;
    return r;
}

#define CPU     rule("cpu", 70, 85, 600)
#define MEMORY  rule("memory", 75, 90, 600)
#define LATENCY rule("latency_p99", 500, 2000, 600)
#define QUEUE   rule("queue_depth", 1000, 5000, 300)
#define DB      rule("db_connections", 80, 95, 0)

Test(bands, classifies_the_runbook_metrics)
{
    const struct {
        struct metric_rule r;
        double v;
        enum band want;
    } cases[] = {
        {CPU, 12, BAND_OK},
        {CPU, 70.01, BAND_WARNING},
        {CPU, 85.5, BAND_CRITICAL},
        {MEMORY, 74.9, BAND_OK},
        {MEMORY, 80, BAND_WARNING},
        {MEMORY, 91, BAND_CRITICAL},
        {LATENCY, 480, BAND_OK},
        {LATENCY, 501, BAND_WARNING},
        {LATENCY, 2001, BAND_CRITICAL},
        {QUEUE, 0, BAND_OK},
        {QUEUE, 1001, BAND_WARNING},
        {QUEUE, 2345, BAND_WARNING},
        {QUEUE, 5001, BAND_CRITICAL},
        {DB, 79, BAND_OK},
        {DB, 86, BAND_WARNING},
        {DB, 96, BAND_CRITICAL},
        {CPU, -INFINITY, BAND_OK},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        cr_expect_eq(bands_classify(&cases[i].r, cases[i].v), cases[i].want, "%s at %g",
                     cases[i].r.id, cases[i].v);
}

Test(bands, value_exactly_on_a_threshold_is_in_the_band_below)
{
    /* runbook alert rules are strict: `> 0.7`, `> 1000` */
    struct metric_rule cpu = CPU, queue = QUEUE, db = DB, lat = LATENCY;
    cr_expect_eq(bands_classify(&cpu, 70), BAND_OK);
    cr_expect_eq(bands_classify(&cpu, 85), BAND_WARNING);
    cr_expect_eq(bands_classify(&queue, 1000), BAND_OK);
    cr_expect_eq(bands_classify(&queue, 5000), BAND_WARNING);
    cr_expect_eq(bands_classify(&db, 95), BAND_WARNING);
    cr_expect_eq(bands_classify(&lat, 2000), BAND_WARNING);
}

Test(bands, nan_is_unknown_and_infinity_is_critical)
{
    struct metric_rule cpu = CPU;
    cr_expect_eq(bands_classify(&cpu, NAN), BAND_UNKNOWN);
    cr_expect_eq(bands_classify(&cpu, INFINITY), BAND_CRITICAL);
}

/* Samples every 15 s (the HPA's sync period) from t0 with value v, count n. */
static void fill(double t0, int n, double v)
{
    for (int i = 0; i < n; i++)
        history_push(&h, t0 + 15 * i, v);
}

Test(bands, empty_history_is_inactive)
{
    struct metric_rule cpu = CPU;
    history_init(&h);
    struct sustain s = bands_sustained(&cpu, &h, 1000);
    cr_expect_eq(s.state, SUSTAINED_INACTIVE);
    cr_expect_eq(s.since, 0);
}

Test(bands, under_the_threshold_is_inactive)
{
    struct metric_rule cpu = CPU;
    history_init(&h);
    fill(0, 50, 65);
    cr_expect_eq(bands_sustained(&cpu, &h, 735).state, SUSTAINED_INACTIVE);
}

Test(bands, over_for_less_than_the_window_is_pending_with_its_age)
{
    struct metric_rule cpu = CPU;
    history_init(&h);
    fill(0, 10, 60);
    fill(150, 9, 92); /* over from 150 to 270 */
    struct sustain s = bands_sustained(&cpu, &h, 270);
    cr_expect_eq(s.state, SUSTAINED_PENDING);
    cr_expect_eq(s.since, 150);
    cr_expect_eq(s.for_s, 120);
}

Test(bands, pending_becomes_firing_after_the_window)
{
    /* HighCPU: for: 10m. Over from t=1000; pending until 1600, firing from then. */
    struct metric_rule cpu = CPU;
    history_init(&h);
    fill(1000, 41, 92); /* 1000 .. 1600 */
    struct sustain early = bands_sustained(&cpu, &h, 1585);
    cr_expect_eq(early.state, SUSTAINED_PENDING);
    cr_expect_eq(early.for_s, 585);
    struct sustain at = bands_sustained(&cpu, &h, 1600);
    cr_expect_eq(at.state, SUSTAINED_FIRING, "600 s over a 600 s window fires");
    cr_expect_eq(at.for_s, 600);
    cr_expect_eq(at.since, 1000);
}

Test(bands, queue_fires_after_five_minutes)
{
    struct metric_rule q = QUEUE;
    history_init(&h);
    fill(0, 21, 2345); /* 0 .. 300 */
    cr_expect_eq(bands_sustained(&q, &h, 285).state, SUSTAINED_PENDING);
    cr_expect_eq(bands_sustained(&q, &h, 300).state, SUSTAINED_FIRING);
}

Test(bands, a_sample_on_the_threshold_restarts_the_window)
{
    struct metric_rule cpu = CPU;
    history_init(&h);
    fill(0, 30, 92);
    history_push(&h, 450, 70); /* exactly on the threshold: not over */
    fill(465, 30, 92);
    struct sustain s = bands_sustained(&cpu, &h, 900);
    cr_expect_eq(s.state, SUSTAINED_PENDING);
    cr_expect_eq(s.since, 465);
}

Test(bands, a_gap_in_the_samples_resets_pending)
{
    /* A missed evaluation resets a Prometheus rule: a gap > BANDS_MAX_GAP_S starts over. */
    struct metric_rule cpu = CPU;
    history_init(&h);
    fill(0, 30, 92);   /* 0 .. 435 */
    fill(600, 20, 92); /* 165 s gap, then 600 .. 885 */
    struct sustain s = bands_sustained(&cpu, &h, 885);
    cr_expect_eq(s.state, SUSTAINED_PENDING, "would fire at 885 without the gap");
    cr_expect_eq(s.since, 600);
    cr_expect_eq(s.for_s, 285);
}

Test(bands, a_gap_of_exactly_the_limit_is_still_continuous)
{
    struct metric_rule cpu = CPU;
    history_init(&h);
    history_push(&h, 0, 92);
    history_push(&h, BANDS_MAX_GAP_S, 92);
    history_push(&h, 2 * BANDS_MAX_GAP_S, 92);
    struct sustain s = bands_sustained(&cpu, &h, 2 * BANDS_MAX_GAP_S);
    cr_expect_eq(s.since, 0);
}

Test(bands, a_series_that_stopped_reporting_is_inactive)
{
    struct metric_rule cpu = CPU;
    history_init(&h);
    fill(0, 50, 92); /* last sample at 735 */
    cr_expect_eq(bands_sustained(&cpu, &h, 735 + BANDS_MAX_GAP_S).state, SUSTAINED_FIRING);
    cr_expect_eq(bands_sustained(&cpu, &h, 735 + BANDS_MAX_GAP_S + 1).state, SUSTAINED_INACTIVE);
}

Test(bands, no_data_breaks_the_run)
{
    struct metric_rule cpu = CPU;
    history_init(&h);
    fill(0, 20, 92);
    history_push(&h, 300, NAN);
    cr_expect_eq(bands_sustained(&cpu, &h, 300).state, SUSTAINED_INACTIVE);
    fill(315, 4, 92);
    cr_expect_eq(bands_sustained(&cpu, &h, 360).since, 315);
}

Test(bands, without_a_for_window_over_is_firing_at_once)
{
    /* db_connections has no `for:` in the runbook */
    struct metric_rule db = DB;
    history_init(&h);
    history_push(&h, 100, 86);
    struct sustain s = bands_sustained(&db, &h, 100);
    cr_expect_eq(s.state, SUSTAINED_FIRING);
    cr_expect_eq(s.for_s, 0);
}

Test(bands, infinity_counts_as_over)
{
    struct metric_rule lat = LATENCY;
    history_init(&h);
    fill(0, 5, INFINITY);
    cr_expect_eq(bands_sustained(&lat, &h, 60).state, SUSTAINED_PENDING);
}

Test(bands, samples_after_now_are_not_seen)
{
    struct metric_rule cpu = CPU;
    history_init(&h);
    fill(0, 10, 50);
    fill(150, 10, 92);
    cr_expect_eq(bands_sustained(&cpu, &h, 140).state, SUSTAINED_INACTIVE);
    cr_expect_eq(bands_sustained(&cpu, &h, 160).since, 150);
}

Test(bands, a_run_longer_than_the_ring_starts_at_its_oldest_sample)
{
    struct metric_rule cpu = CPU;
    history_init(&h);
    fill(0, HISTORY_CAP + 100, 92);
    double now = 15.0 * (HISTORY_CAP + 99);
    struct sustain s = bands_sustained(&cpu, &h, now);
    cr_expect_eq(s.state, SUSTAINED_FIRING);
    cr_expect_eq(s.since, 15.0 * 100);
}

/* READY: nothing serving is critical, short of desired a warning, zero on purpose ok. */
Test(bands, readiness_none_of_n_is_critical_fewer_a_warning)
{
    cr_expect_eq(bands_ready(0, 5), BAND_CRITICAL);
    cr_expect_eq(bands_ready(3, 5), BAND_WARNING);
    cr_expect_eq(bands_ready(5, 5), BAND_OK);
    cr_expect_eq(bands_ready(6, 5), BAND_OK, "surge during a rollout");
    cr_expect_eq(bands_ready(0, 0), BAND_OK, "scaled to zero on purpose");
}

/* On the readings' clock: 60 of their seconds per second since t=1000, one to one before
 * (the demo's backfill), so a run from 900 to 1005 is 100 + 5 x 60 = 400 s. */
Test(bands, sustained_counts_the_readings_own_seconds)
{
    struct metric_rule r = {.warning = 70, .critical = 85, .for_s = 600};
    struct history h;
    history_init(&h);
    for (double t = 900; t <= 1005; t += 5)
        history_push(&h, t, 80);
    struct sustain s = bands_sustained_at(&r, &h, 1005, 60, 1000);
    cr_assert_eq(s.state, SUSTAINED_PENDING);
    cr_assert_float_eq(s.for_s, 400, 1e-9);
    s = bands_sustained_at(&r, &h, 1010, 60, 1000);
    cr_assert_float_eq(s.for_s, 700, 1e-9, "the newest sample 5 s ago is still continuous");
    cr_assert_eq(s.state, SUSTAINED_FIRING);
    cr_assert_float_eq(bands_sustained(&r, &h, 1005).for_s, 105, 1e-9, "the wall clock");
}

Test(bands, an_alert_engines_state_and_start_are_taken_as_given)
{
    struct sustain s = bands_sustained_alert("firing", 400, 1000);
    cr_assert_eq(s.state, SUSTAINED_FIRING);
    cr_assert_float_eq(s.for_s, 600, 1e-9);
    cr_assert_eq(bands_sustained_alert("pending", 990, 1000).state, SUSTAINED_PENDING);
    cr_assert_eq(bands_sustained_alert("inactive", 990, 1000).state, SUSTAINED_INACTIVE);
}
