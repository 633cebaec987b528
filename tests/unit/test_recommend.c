/* test_recommend.c - replica counts as the HPA controller and KEDA compute them
 * (../shared/autoscaling-rules.md), with the runbook's api HPA and agent-worker scaler,
 * and the runbook's sizing table and database advice. */

#include <criterion/criterion.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include "forgetop/recommend.h"

static struct hpa_state st;

static void setup(void)
{
    hpa_state_init(&st);
}

TestSuite(recommend, .init = setup);

/* One HPA sync: returns the recommendation, *rc the return code. */
static struct recommendation hpa(const struct hpa_rule *r, double now, int current, int ready,
                                 double cpu, double mem, int *rc)
{
    struct hpa_input in = {current, ready, cpu, mem};
    struct recommendation out;
    int got = recommend_hpa(r, &in, &st, now, &out);
    if (rc != NULL)
        *rc = got;
    return out;
}

static struct hpa_rule api(void)
{
    struct hpa_rule r;
    hpa_rule_runbook_api(&r);
    return r;
}

/* The api HPA with only its cpu metric, for sequences driven by one number. */
static struct hpa_rule api_cpu_only(void)
{
    struct hpa_rule r = api();
    r.memory_target = 0;
    return r;
}

#define expect_reason(rec, text)                                                                   \
    cr_expect(strstr((rec).reason, (text)) != NULL, "reason '%s' lacks '%s'", (rec).reason, (text))

/* ---- the runbook's rules ---- */

Test(recommend, runbook_api_hpa_has_the_runbooks_numbers)
{
    struct hpa_rule r = api();
    cr_expect_eq(r.min, 3);
    cr_expect_eq(r.max, 20);
    cr_expect_eq(r.cpu_target, 70);
    cr_expect_eq(r.memory_target, 80);
    cr_expect_eq(r.tolerance, 0.1);
    cr_expect(r.has_behavior);
    cr_expect_eq(r.up.window_s, 0);
    cr_expect_eq(r.up.n_policies, 1);
    cr_expect_eq(r.up.policies[0].type, POLICY_PERCENT);
    cr_expect_eq(r.up.policies[0].value, 100);
    cr_expect_eq(r.up.policies[0].period_s, 15);
    cr_expect_eq(r.down.window_s, 300);
    cr_expect_eq(r.down.policies[0].value, 10);
    cr_expect_eq(r.down.policies[0].period_s, 60);
}

Test(recommend, runbook_worker_scalers_have_the_runbooks_numbers)
{
    struct queue_rule q;
    queue_rule_runbook_worker(&q);
    cr_expect_eq(q.mode, QUEUE_KEDA_AVERAGE);
    cr_expect_eq(q.per_replica, 10);
    cr_expect_eq(q.min, 1);
    cr_expect_eq(q.max, 100);
    cr_expect_eq(q.activation, 0);
    cr_expect_eq(q.cooldown_s, 300);
    cr_expect_not(q.has_behavior, "KEDA generates an HPA without behavior");
    queue_rule_runbook_worker_hpa(&q);
    cr_expect_eq(q.mode, QUEUE_HPA_VALUE);
    cr_expect_eq(q.per_replica, 100);
    cr_expect_eq(q.min, 2);
    cr_expect_eq(q.max, 50);
}

/* ---- one metric, tolerance, several metrics (issue 2's cases) ---- */

Test(recommend, five_replicas_at_92_percent_cpu_want_7)
{
    struct hpa_rule r = api();
    int rc;
    struct recommendation rec = hpa(&r, 0, 5, 5, 92, 80, &rc);
    cr_expect_eq(rc, 0);
    cr_expect_eq(rec.replicas, 7);
    cr_expect(rec.changes);
    expect_reason(rec, "cpu 92% / target 70% -> ceil(5 x 1.31) = 7");
    expect_reason(rec, "memory 80% / target 80% within tolerance -> 5");
}

/* Memory as the HPA reads it, % of the request: the demo's api at 128 % of its 1Gi
 * request (64 % of its 2Gi limit) wants ceil(5 x 1.60) = 8 under the runbook's api-hpa. */
Test(recommend, memory_at_128_percent_of_request_wants_8)
{
    struct hpa_rule r = api();
    int rc;
    struct recommendation rec = hpa(&r, 0, 5, 5, 60, 128, &rc);
    cr_expect_eq(rc, 0);
    cr_expect_eq(rec.replicas, 8);
    expect_reason(rec, "memory 128% / target 80% -> ceil(5 x 1.60) = 8");
    expect_reason(rec, "max of cpu 5, memory 8 -> 8");
}

Test(recommend, keeps_count_inside_tolerance)
{
    /* 74 / 70 = 1.057: |ratio - 1| <= 0.1 */
    struct hpa_rule r = api();
    struct recommendation rec = hpa(&r, 0, 5, 5, 74, 80, NULL);
    cr_expect_eq(rec.replicas, 5);
    cr_expect_not(rec.changes);
    expect_reason(rec, "cpu 74% / target 70% within tolerance -> 5");
}

Test(recommend, tolerance_is_inclusive_at_the_lower_edge)
{
    /* 63 / 70 = 0.9 exactly the edge; 62 / 70 = 0.886 is outside */
    struct hpa_rule r = api_cpu_only();
    cr_expect_eq(hpa(&r, 0, 10, 10, 63, NAN, NULL).replicas, 10);
    hpa_state_init(&st);
    struct hpa_rule plain = r;
    plain.has_behavior = false; /* no window to hold the count */
    cr_expect_eq(hpa(&plain, 0, 10, 10, 62, NAN, NULL).replicas, 9, "ceil(10 x 0.886) = 9");
}

Test(recommend, utilisation_is_truncated_like_the_controllers)
{
    /* sum(usage) * 100 / sum(requests) is integer division: 76.9 % reads as 76 %,
     * 76 / 70 = 1.086, within tolerance */
    struct hpa_rule r = api_cpu_only();
    struct recommendation rec = hpa(&r, 0, 5, 5, 76.9, NAN, NULL);
    cr_expect_eq(rec.replicas, 5);
    expect_reason(rec, "cpu 76%");
}

Test(recommend, takes_the_largest_of_several_metrics)
{
    /* cpu 92 -> ceil(5 x 1.31) = 7; memory 130 -> ceil(5 x 1.625) = 9 */
    struct hpa_rule r = api();
    struct recommendation rec = hpa(&r, 0, 5, 5, 92, 130, NULL);
    cr_expect_eq(rec.replicas, 9);
    expect_reason(rec, "memory 130% / target 80% -> ceil(5 x 1.62) = 9");
    expect_reason(rec, "max of cpu 7, memory 9 -> 9");
}

Test(recommend, three_at_20_percent_with_min_3_stay_3)
{
    /* ceil(3 x 20/70) = 1, under min 3 */
    struct hpa_rule r = api_cpu_only();
    struct recommendation rec = hpa(&r, 0, 3, 3, 20, NAN, NULL);
    cr_expect_eq(rec.replicas, 3);
    cr_expect_not(rec.changes);
    expect_reason(rec, "ceil(3 x 0.29) = 1");
    expect_reason(rec, "clamped to 3..20: 1 -> 3");
}

Test(recommend, clamps_to_max)
{
    /* 18 at 100 % cpu: ceil(18 x 1.43) = 26, max 20 */
    struct hpa_rule r = api_cpu_only();
    struct recommendation rec = hpa(&r, 0, 18, 18, 100, NAN, NULL);
    cr_expect_eq(rec.replicas, 20);
    expect_reason(rec, "clamped to 3..20: 26 -> 20");
}

/* ---- missing metrics, unready pods, bounds before metrics ---- */

Test(recommend, zero_ready_pods_give_no_usable_metric)
{
    struct hpa_rule r = api();
    int rc;
    struct recommendation rec = hpa(&r, 0, 5, 0, 92, 80, &rc);
    cr_expect_eq(rc, -1);
    cr_expect_eq(rec.replicas, 5);
    cr_expect_not(rec.changes);
    expect_reason(rec, "no ready pod");
}

Test(recommend, no_reading_at_all_keeps_the_count)
{
    struct hpa_rule r = api();
    int rc;
    struct recommendation rec = hpa(&r, 0, 5, 5, NAN, NAN, &rc);
    cr_expect_eq(rc, -1);
    cr_expect_eq(rec.replicas, 5);
    expect_reason(rec, "cpu: no reading");
    expect_reason(rec, "memory: no reading");
}

Test(recommend, a_missing_metric_blocks_a_scale_down)
{
    /* cpu alone wants ceil(10 x 0.43) = 5, but memory failed: nothing changes */
    struct hpa_rule r = api();
    int rc;
    struct recommendation rec = hpa(&r, 0, 10, 10, 30, NAN, &rc);
    cr_expect_eq(rc, 0);
    cr_expect_eq(rec.replicas, 10);
    expect_reason(rec, "no scale-down");
    cr_expect_eq(st.n_recs, 0, "the controller records nothing on that sync");
}

Test(recommend, a_missing_metric_does_not_block_a_scale_up)
{
    struct hpa_rule r = api();
    struct recommendation rec = hpa(&r, 0, 5, 5, 92, NAN, NULL);
    cr_expect_eq(rec.replicas, 7);
}

Test(recommend, unready_pods_count_as_zero_when_scaling_up)
{
    /* 5 pods, 3 ready at 92 %: 92 x 3/5 / 70 = 0.79, flips direction: keep 5 (the
     * plain formula would say ceil(3 x 1.31) = 4, a scale-down) */
    struct hpa_rule r = api_cpu_only();
    struct recommendation rec = hpa(&r, 0, 5, 3, 92, NAN, NULL);
    cr_expect_eq(rec.replicas, 5);
    expect_reason(rec, "2 of 5 pods not ready count as 0%");
}

Test(recommend, unready_pods_do_not_hide_a_real_overload)
{
    /* 5 pods, 4 ready at 140 %: 140 x 4/5 / 70 = 1.6: ceil(4 x 2.0) = 8 */
    struct hpa_rule r = api_cpu_only();
    cr_expect_eq(hpa(&r, 0, 5, 4, 140, NAN, NULL).replicas, 8);
}

Test(recommend, current_zero_with_min_not_zero_means_scaling_disabled)
{
    struct hpa_rule r = api();
    int rc;
    struct recommendation rec = hpa(&r, 0, 0, 0, 92, 80, &rc);
    cr_expect_eq(rc, 0);
    cr_expect_eq(rec.replicas, 0);
    cr_expect_not(rec.changes);
    expect_reason(rec, "scaling disabled");
}

Test(recommend, outside_the_bounds_goes_to_the_bound_first)
{
    struct hpa_rule r = api();
    struct recommendation above = hpa(&r, 0, 25, 25, 10, 10, NULL);
    cr_expect_eq(above.replicas, 20);
    expect_reason(above, "current 25 above max 20 -> 20");
    struct recommendation below = hpa(&r, 0, 2, 2, 200, 200, NULL);
    cr_expect_eq(below.replicas, 3);
    expect_reason(below, "current 2 below min 3 -> 3");
}

Test(recommend, refuses_bounds_that_make_no_sense)
{
    struct hpa_rule r = api();
    r.min = 10;
    r.max = 5;
    int rc;
    struct recommendation rec = hpa(&r, 0, 7, 7, 92, 80, &rc);
    cr_expect_eq(rc, -1);
    cr_expect_eq(rec.replicas, 7);
}

Test(recommend, refuses_a_rule_without_metrics)
{
    struct hpa_rule r = api();
    r.cpu_target = r.memory_target = 0;
    int rc;
    struct recommendation rec = hpa(&r, 0, 7, 7, 92, 80, &rc);
    cr_expect_eq(rc, -1);
    expect_reason(rec, "no metric target configured");
}

/* ---- behavior: rate policies ---- */

Test(recommend, scale_down_from_20_is_limited_to_10_percent_per_60s)
{
    /* cpu 30: ceil(20 x 0.43) = 9; trunc(20 x 0.9) = 18 */
    struct hpa_rule r = api_cpu_only();
    struct recommendation rec = hpa(&r, 0, 20, 20, 30, NAN, NULL);
    cr_expect_eq(rec.replicas, 18);
    expect_reason(rec, "scale-down limited to 10% per 60s: 20 -> 18");
}

Test(recommend, scale_down_rate_counts_changes_inside_the_period)
{
    /* 20 -> 18 at t=0; at t=30 the period started at 20: trunc(20 x 0.9) = 18, no
     * further; at t=61 the period starts at 18: trunc(18 x 0.9) = 16 */
    struct hpa_rule r = api_cpu_only();
    cr_assert_eq(hpa(&r, 0, 20, 20, 30, NAN, NULL).replicas, 18);
    hpa_state_note_scale(&st, 0, 20, 18);
    struct recommendation mid = hpa(&r, 30, 18, 18, 30, NAN, NULL);
    cr_expect_eq(mid.replicas, 18);
    expect_reason(mid, "from 20 at the period's start");
    cr_expect_eq(hpa(&r, 61, 18, 18, 30, NAN, NULL).replicas, 16);
}

Test(recommend, scale_up_from_4_is_limited_to_100_percent_per_15s)
{
    /* cpu 200: ceil(4 x 2.86) = 12; ceil(4 x 2) = 8 */
    struct hpa_rule r = api_cpu_only();
    struct recommendation rec = hpa(&r, 0, 4, 4, 200, NAN, NULL);
    cr_expect_eq(rec.replicas, 8);
    expect_reason(rec, "ceil(4 x 2.86) = 12");
    expect_reason(rec, "scale-up limited to 100% per 15s: 4 -> 8");
}

Test(recommend, scale_up_rate_waits_for_the_period_to_pass)
{
    struct hpa_rule r = api_cpu_only();
    cr_assert_eq(hpa(&r, 0, 4, 4, 200, NAN, NULL).replicas, 8);
    hpa_state_note_scale(&st, 0, 4, 8);
    /* t=10: the period started at 4, ceil(4 x 2) = 8 is reached: stay */
    cr_expect_eq(hpa(&r, 10, 8, 8, 200, NAN, NULL).replicas, 8);
    /* t=16: the event is out of the 15 s period: ceil(8 x 2) = 16 */
    cr_expect_eq(hpa(&r, 16, 8, 8, 200, NAN, NULL).replicas, 16);
}

Test(recommend, pods_policy_adds_a_fixed_number)
{
    struct hpa_rule r = api_cpu_only();
    r.up.policies[0] = (struct scaling_policy){POLICY_PODS, 2, 60};
    struct recommendation rec = hpa(&r, 0, 4, 4, 200, NAN, NULL);
    cr_expect_eq(rec.replicas, 6);
    expect_reason(rec, "scale-up limited to 2 pods per 60s: 4 -> 6");
}

Test(recommend, pods_policy_removes_a_fixed_number)
{
    struct hpa_rule r = api_cpu_only();
    r.down.policies[0] = (struct scaling_policy){POLICY_PODS, 1, 60};
    r.down.window_s = 0;
    cr_expect_eq(hpa(&r, 0, 10, 10, 30, NAN, NULL).replicas, 9);
}

Test(recommend, select_policy_max_takes_the_most_permissive_and_min_the_least)
{
    /* the controller's default scale-up: 4 pods or 100 % per 15 s. From 3, wanting 12:
     * Pods allows 7, Percent allows 6. Max -> 7, Min -> 6. */
    struct hpa_rule r = api_cpu_only();
    hpa_rule_default_behavior(&r.up, &r.down);
    struct recommendation max = hpa(&r, 0, 3, 3, 280, NAN, NULL);
    cr_expect_eq(max.replicas, 7);
    expect_reason(max, "4 pods per 15s (selectPolicy Max)");
    hpa_state_init(&st);
    r.up.select = SELECT_MIN;
    struct recommendation min = hpa(&r, 0, 3, 3, 280, NAN, NULL);
    cr_expect_eq(min.replicas, 6);
    expect_reason(min, "100% per 15s (selectPolicy Min)");
}

Test(recommend, select_policy_min_on_scale_down_removes_the_least)
{
    /* from 10 wanting 3: Pods 4 allows 6, Percent 50 allows 5; Min keeps 6, Max 5 */
    struct hpa_rule r = api_cpu_only();
    r.down.window_s = 0;
    r.down.policies[0] = (struct scaling_policy){POLICY_PODS, 4, 60};
    r.down.policies[1] = (struct scaling_policy){POLICY_PERCENT, 50, 60};
    r.down.n_policies = 2;
    r.down.select = SELECT_MIN;
    cr_expect_eq(hpa(&r, 0, 10, 10, 20, NAN, NULL).replicas, 6);
    hpa_state_init(&st);
    r.down.select = SELECT_MAX;
    cr_expect_eq(hpa(&r, 0, 10, 10, 20, NAN, NULL).replicas, 5);
}

Test(recommend, select_policy_disabled_stops_that_direction)
{
    struct hpa_rule r = api_cpu_only();
    r.up.select = SELECT_DISABLED;
    struct recommendation up = hpa(&r, 0, 4, 4, 200, NAN, NULL);
    cr_expect_eq(up.replicas, 4);
    expect_reason(up, "scale-up disabled");
    r.down.select = SELECT_DISABLED;
    struct recommendation down = hpa(&r, 1000, 10, 10, 20, NAN, NULL);
    cr_expect_eq(down.replicas, 10);
    expect_reason(down, "scale-down disabled");
}

Test(recommend, absurd_policy_values_stay_within_the_bounds)
{
    /* values a config file could hold: no overflow, the bounds still apply */
    struct hpa_rule r = api_cpu_only();
    r.up.policies[0] = (struct scaling_policy){POLICY_PODS, INT_MAX, 15};
    r.down.window_s = 0;
    r.down.policies[0] = (struct scaling_policy){POLICY_PERCENT, INT_MAX, 60};
    cr_expect_eq(hpa(&r, 0, 4, 4, 700, NAN, NULL).replicas, 20);
    hpa_state_init(&st);
    cr_expect_eq(hpa(&r, 0, 10, 10, 7, NAN, NULL).replicas, 3);
}

Test(recommend, empty_policy_list_means_the_controllers_defaults)
{
    /* behavior given without scaleUp policies: 4 pods or 100 % per 15 s, Max: from 2,
     * 6 */
    struct hpa_rule r = api_cpu_only();
    r.min = 1;
    r.up.n_policies = 0;
    cr_expect_eq(hpa(&r, 0, 2, 2, 700, NAN, NULL).replicas, 6);
}

/* ---- behavior: stabilisation ---- */

Test(recommend, recommendations_12_9_8_in_a_300s_window_hold_12)
{
    /* cpu 70 -> 12 (tolerance), 52 -> ceil(12 x 0.74) = 9, 45 -> ceil(12 x 0.64) = 8 */
    struct hpa_rule r = api_cpu_only();
    cr_assert_eq(hpa(&r, 0, 12, 12, 70, NAN, NULL).replicas, 12);
    struct recommendation r9 = hpa(&r, 60, 12, 12, 52, NAN, NULL);
    expect_reason(r9, "= 9");
    cr_expect_eq(r9.replicas, 12);
    struct recommendation r8 = hpa(&r, 120, 12, 12, 45, NAN, NULL);
    expect_reason(r8, "= 8");
    cr_expect_eq(r8.replicas, 12);
    cr_expect_not(r8.changes);
    expect_reason(r8, "stabilised: highest of last 300s = 12");
}

Test(recommend, stabilisation_releases_when_the_high_one_leaves_the_window)
{
    /* at 301 the 12 of t=0 is out: highest of 9, 8, 8 = 9, then 10 % of 12: 10 */
    struct hpa_rule r = api_cpu_only();
    hpa(&r, 0, 12, 12, 70, NAN, NULL);
    hpa(&r, 60, 12, 12, 52, NAN, NULL);
    hpa(&r, 120, 12, 12, 45, NAN, NULL);
    struct recommendation rec = hpa(&r, 301, 12, 12, 45, NAN, NULL);
    cr_expect_eq(rec.replicas, 10);
    expect_reason(rec, "stabilised: highest of last 300s = 9");
    expect_reason(rec, "scale-down limited to 10% per 60s: 12 -> 10");
}

Test(recommend, scale_up_window_takes_the_lowest_recent_recommendation)
{
    struct hpa_rule r = api_cpu_only();
    r.up.window_s = 60;
    /* 5 at 84 %: ceil(5 x 1.2) = 6; then 5 at 140 %: ceil(5 x 2) = 10, but 6 is the
     * lowest of the last 60 s */
    hpa(&r, 0, 5, 5, 84, NAN, NULL);
    struct recommendation rec = hpa(&r, 30, 5, 5, 140, NAN, NULL);
    cr_expect_eq(rec.replicas, 6);
    expect_reason(rec, "stabilised: lowest of last 60s = 6");
}

Test(recommend, without_behavior_the_largest_of_5_minutes_stands)
{
    struct hpa_rule r = api_cpu_only();
    r.has_behavior = false;
    /* 10 at 70 % -> 10; then at 35 %: ceil(10 x 0.5) = 5, held at 10 for 300 s */
    hpa(&r, 0, 10, 10, 70, NAN, NULL);
    struct recommendation held = hpa(&r, 300, 10, 10, 35, NAN, NULL);
    cr_expect_eq(held.replicas, 10);
    expect_reason(held, "stabilised: highest of last 300s = 10");
    cr_expect_eq(hpa(&r, 301, 10, 10, 35, NAN, NULL).replicas, 5);
}

Test(recommend, without_behavior_scale_up_is_capped_at_twice_or_4)
{
    /* max(2 x current, 4) */
    struct hpa_rule r = api_cpu_only();
    r.has_behavior = false;
    r.min = 1;
    struct recommendation from5 = hpa(&r, 0, 5, 5, 350, NAN, NULL);
    cr_expect_eq(from5.replicas, 10, "ceil(5 x 5) = 25 capped at 10");
    expect_reason(from5, "max(2 x 5, 4)");
    hpa_state_init(&st);
    cr_expect_eq(hpa(&r, 0, 1, 1, 350, NAN, NULL).replicas, 4, "ceil(1 x 5) = 5 capped at 4");
}

Test(recommend, fast_syncs_keep_the_whole_window)
{
    /* 12 at t=0, then a sync every second wanting 4..9 (cpu 20..50 at 12 pods): 300
     * syncs in the window, far more than HPA_STATE_CAP, and 12 still stands at 299 */
    struct hpa_rule r = api_cpu_only();
    cr_assert_eq(hpa(&r, 0, 12, 12, 70, NAN, NULL).replicas, 12);
    for (int t = 1; t < 299; t++)
        cr_assert_eq(hpa(&r, t, 12, 12, 20 + (t % 4) * 10, NAN, NULL).replicas, 12, "t=%d", t);
    struct recommendation held = hpa(&r, 299, 12, 12, 20, NAN, NULL);
    cr_expect_eq(held.replicas, 12);
    expect_reason(held, "highest of last 300s = 12");
    cr_expect_leq(st.n_recs, 5, "one entry per distinct count");
    cr_expect_lt(hpa(&r, 300, 12, 12, 20, NAN, NULL).replicas, 12, "t=0 left the window");
}

Test(recommend, state_stays_bounded_with_fast_syncs)
{
    struct hpa_rule r = api_cpu_only();
    for (int i = 0; i < 3 * HPA_STATE_CAP; i++) {
        hpa(&r, i, 10, 10, 70 + (i % 3), NAN, NULL);
        hpa_state_note_scale(&st, i, 10, 11);
    }
    cr_expect_leq(st.n_recs, HPA_STATE_CAP);
    cr_expect_eq(st.n_scales, HPA_STATE_CAP);
    hpa_state_note_scale(&st, 1000, 5, 5);
    cr_expect_eq(st.n_scales, HPA_STATE_CAP, "no change is no event");
}

/* ---- queues ---- */

static struct recommendation queue(const struct queue_rule *q, double now, int current, int ready,
                                   double depth, int *rc)
{
    struct recommendation out;
    int got = recommend_queue(q, current, ready, depth, &st, now, &out);
    if (rc != NULL)
        *rc = got;
    return out;
}

Test(recommend, queue_of_2345_at_10_per_replica_is_capped_at_100)
{
    struct queue_rule q;
    queue_rule_runbook_worker(&q);
    struct recommendation rec = queue(&q, 0, 60, 60, 2345, NULL);
    cr_expect_eq(rec.replicas, 100);
    expect_reason(rec, "queue 2345 / 10 per replica -> ceil(234.50) = 235");
    expect_reason(rec, "clamped to 1..100: 235 -> 100");
}

Test(recommend, queue_of_35_wants_4)
{
    struct queue_rule q;
    queue_rule_runbook_worker(&q);
    struct recommendation rec = queue(&q, 0, 2, 2, 35, NULL);
    cr_expect_eq(rec.replicas, 4);
    expect_reason(rec, "ceil(3.50) = 4");
}

Test(recommend, queue_scale_up_without_behavior_doubles_at_most)
{
    /* KEDA's HPA has no behavior: from 10, at most max(2 x 10, 4) = 20 per sync */
    struct queue_rule q;
    queue_rule_runbook_worker(&q);
    struct recommendation rec = queue(&q, 0, 10, 10, 2345, NULL);
    cr_expect_eq(rec.replicas, 20);
    expect_reason(rec, "max(2 x 10, 4)");
}

Test(recommend, queue_tolerance_is_tested_per_replica)
{
    /* 48 / (10 x 5) = 0.96: keep 5, though ceil(48 / 10) = 5 anyway; 54 / 50 = 1.08:
     * keep 5 where ceil(5.4) would say 6 */
    struct queue_rule q;
    queue_rule_runbook_worker(&q);
    struct recommendation rec = queue(&q, 0, 5, 5, 54, NULL);
    cr_expect_eq(rec.replicas, 5);
    expect_reason(rec, "within tolerance");
}

Test(recommend, empty_queue_with_min_0_scales_to_zero_after_the_cooldown)
{
    /* KEDA cooldownPeriod 300 s: inactive from t=100, the HPA keeps working (down to its
     * min 1) until t=400, then KEDA takes the workers to 0 */
    struct queue_rule q;
    queue_rule_runbook_worker(&q);
    q.min = 0;
    cr_expect_eq(queue(&q, 0, 3, 3, 25, NULL).replicas, 3);
    struct recommendation waiting = queue(&q, 100, 3, 3, 0, NULL);
    cr_expect_eq(waiting.replicas, 3, "the HPA's 300 s window holds 3");
    expect_reason(waiting, "KEDA scales to 0 in 300s");
    cr_expect_eq(queue(&q, 399, 3, 3, 0, NULL).replicas, 1, "cooling down: the HPA's min");
    struct recommendation zero = queue(&q, 400, 3, 3, 0, NULL);
    cr_expect_eq(zero.replicas, 0);
    expect_reason(zero, "KEDA scales to 0");
    /* one item at t=401 makes it active again: at 402 the cooldown starts over, and the
     * HPA's own count (ceil(1 / 10) = 1) stands */
    cr_expect_eq(queue(&q, 401, 3, 3, 1, NULL).replicas, 1);
    struct recommendation again = queue(&q, 402, 3, 3, 0, NULL);
    cr_expect_eq(again.replicas, 1);
    expect_reason(again, "KEDA scales to 0 in 300s");
}

Test(recommend, activation_threshold_is_strict)
{
    /* activationListLength 10: 10 items is inactive, 11 active */
    struct queue_rule q;
    queue_rule_runbook_worker(&q);
    q.min = 0;
    q.activation = 10;
    q.cooldown_s = 0;
    cr_expect_eq(queue(&q, 0, 3, 3, 10, NULL).replicas, 0);
    struct recommendation rec = queue(&q, 0, 0, 0, 11, NULL);
    cr_expect_eq(rec.replicas, 1, "KEDA activates 0 -> max(1, min)");
    expect_reason(rec, "KEDA activates 0 -> 1");
}

Test(recommend, inactive_queue_with_min_1_leaves_it_to_the_hpa)
{
    /* min 1: KEDA never scales to 0; the HPA sees 5 / (10 x 3) and wants ceil(0.5) = 1 */
    struct queue_rule q;
    queue_rule_runbook_worker(&q);
    q.activation = 10;
    cr_expect_eq(queue(&q, 0, 3, 3, 5, NULL).replicas, 1);
    cr_expect_eq(queue(&q, 0, 0, 0, 5, NULL).replicas, 1, "KEDA raises 0 to its min");
}

Test(recommend, keda_min_0_gives_its_hpa_min_1)
{
    /* active with 3 items: ceil(0.3) = 1, and the generated HPA's min is max(1, 0) */
    struct queue_rule q;
    queue_rule_runbook_worker(&q);
    q.min = 0;
    struct recommendation rec = queue(&q, 0, 2, 2, 3, NULL);
    cr_expect_eq(rec.replicas, 1);
}

Test(recommend, hpa_value_queue_multiplies_by_ready_pods_and_says_so)
{
    /* worker-hpa: Value 100, 2..50. 300 items at 30 ready: ceil(30 x 3) = 90 -> max 50;
     * KEDA's AverageValue reading would be ceil(300 / 100) = 3 */
    struct queue_rule q;
    queue_rule_runbook_worker_hpa(&q);
    struct recommendation rec = queue(&q, 0, 30, 30, 300, NULL);
    cr_expect_eq(rec.replicas, 50);
    expect_reason(rec, "ceil(30 x 3.00) = 90");
    expect_reason(rec, "not per replica");
    expect_reason(rec, "clamped to 2..50: 90 -> 50");
    hpa_state_init(&st);
    cr_expect_eq(queue(&q, 0, 30, 10, 300, NULL).replicas, 30, "ceil(10 ready x 3)");
}

Test(recommend, hpa_value_queue_at_zero_with_min_2_is_disabled)
{
    struct queue_rule q;
    queue_rule_runbook_worker_hpa(&q);
    struct recommendation rec = queue(&q, 0, 0, 0, 500, NULL);
    cr_expect_eq(rec.replicas, 0);
    expect_reason(rec, "scaling disabled");
}

Test(recommend, queue_with_behavior_uses_its_rate_policies)
{
    /* the controller's default behavior: from 10, 4 pods or 100 % -> 20 */
    struct queue_rule q;
    queue_rule_runbook_worker(&q);
    q.has_behavior = true;
    hpa_rule_default_behavior(&q.up, &q.down);
    struct recommendation rec = queue(&q, 0, 10, 10, 2345, NULL);
    cr_expect_eq(rec.replicas, 20);
    expect_reason(rec, "scale-up limited to 100% per 15s");
}

Test(recommend, unknown_queue_depth_keeps_the_count)
{
    struct queue_rule q;
    queue_rule_runbook_worker(&q);
    int rc;
    struct recommendation rec = queue(&q, 0, 7, 7, NAN, &rc);
    cr_expect_eq(rc, -1);
    cr_expect_eq(rec.replicas, 7);
    expect_reason(rec, "queue depth unknown");
    queue(&q, 0, 7, 7, -3, &rc);
    cr_expect_eq(rc, -1);
}

Test(recommend, a_huge_queue_does_not_overflow)
{
    struct queue_rule q;
    queue_rule_runbook_worker(&q);
    cr_expect_eq(queue(&q, 0, 60, 60, 1e15, NULL).replicas, 100);
    cr_expect_eq(queue(&q, 15, 60, 60, INFINITY, NULL).replicas, 60, "not a depth");
}

/* ---- sizing table ---- */

Test(recommend, sizing_tier_at_the_runbooks_boundaries)
{
    size_t n;
    const struct sizing_tier *t = recommend_runbook_tiers(&n);
    cr_assert_eq(n, 4);
    const struct {
        int users;
        const char *tier;
        int api;
    } cases[] = {
        {0, "Small", 2},    {49, "Small", 2},   {50, "Medium", 5},        {199, "Medium", 5},
        {200, "Large", 10}, {999, "Large", 10}, {1000, "Enterprise", 20}, {50000, "Enterprise", 20},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct sizing_tier *got = recommend_tier(t, n, cases[i].users);
        cr_assert_not_null(got, "%d users", cases[i].users);
        cr_expect_str_eq(got->name, cases[i].tier, "%d users", cases[i].users);
        cr_expect_eq(got->api_replicas, cases[i].api, "%d users", cases[i].users);
    }
    cr_expect_null(recommend_tier(t, n, -1));
}

Test(recommend, sizing_tier_beyond_a_bounded_table_is_none)
{
    const struct sizing_tier t[] = {
        {"Medium", 50, 200, 5, 10, "4 CPU, 16GB", "4GB"},
        {"Small", 0, 50, 2, 2, "2 CPU, 4GB", "1GB"},
    };
    cr_expect_str_eq(recommend_tier(t, 2, 10)->name, "Small", "order does not matter");
    cr_expect_str_eq(recommend_tier(t, 2, 120)->name, "Medium");
    cr_expect_null(recommend_tier(t, 2, 201));
    cr_expect_null(recommend_tier(t, 0, 10));
}

/* ---- database ---- */

static int db(double used, double limit, bool pgbouncer, int replicas, int api, char *buf,
              size_t len)
{
    struct db_input in = {used, limit, pgbouncer, replicas, api, 0.80, 0.95};
    return recommend_database(&in, buf, len);
}

Test(recommend, database_under_80_percent_needs_nothing)
{
    char buf[512];
    cr_expect_eq(db(158, 200, false, 0, 4, buf, sizeof(buf)), 0);
    cr_expect(strstr(buf, "connections 158/200 (79%)") != NULL, "%s", buf);
    cr_expect(strstr(buf, "no action") != NULL, "%s", buf);
    cr_expect_eq(db(160, 200, false, 0, 4, buf, sizeof(buf)), 0, "exactly 80%% is not over");
}

Test(recommend, database_over_80_percent_advises_pooling_and_replicas)
{
    char buf[512];
    cr_expect_eq(db(162, 200, false, 0, 4, buf, sizeof(buf)), 1);
    const char *want[] = {"connections 162/200 (81%) > 80%",
                          "put PgBouncer in front",
                          "default_pool_size 100",
                          "max_client_conn 1000",
                          "add a read replica",
                          "4 api replicas hold ~40 each"};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        cr_expect(strstr(buf, want[i]) != NULL, "'%s' lacks '%s'", buf, want[i]);
}

Test(recommend, database_over_95_percent_is_critical)
{
    char buf[512];
    cr_expect_eq(db(192, 200, false, 0, 4, buf, sizeof(buf)), 2);
    cr_expect(strstr(buf, "(96%) > 95%") != NULL, "%s", buf);
    cr_expect(strstr(buf, "refused") != NULL, "%s", buf);
}

Test(recommend, database_advice_follows_what_is_already_there)
{
    /* PgBouncer pool of 100 at 86 %, two read replicas, max_connections 100 */
    char buf[512];
    cr_expect_eq(db(86, 100, true, 2, 2, buf, sizeof(buf)), 1);
    cr_expect(strstr(buf, "raise default_pool_size") != NULL, "%s", buf);
    cr_expect(strstr(buf, "the 2 read replicas") != NULL, "%s", buf);
    cr_expect(strstr(buf, "max_connections=200") != NULL, "%s", buf);
    cr_expect(strstr(buf, "+1000MB") != NULL, "100 more at ~10MB: %s", buf);
}

Test(recommend, database_advice_fits_a_small_buffer)
{
    char buf[24];
    memset(buf, 'x', sizeof(buf));
    cr_expect_eq(db(192, 200, false, 0, 4, buf, sizeof(buf)), 2);
    cr_expect_eq(strlen(buf), sizeof(buf) - 1);
}

Test(recommend, database_without_figures_gives_no_advice)
{
    char buf[128];
    cr_expect_eq(db(NAN, 200, false, 0, 4, buf, sizeof(buf)), 0);
    cr_expect(strstr(buf, "unknown") != NULL, "%s", buf);
    cr_expect_eq(db(50, 0, false, 0, 4, buf, sizeof(buf)), 0);
}
