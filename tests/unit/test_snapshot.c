/* test_snapshot.c - a snapshot's arrays: growth, and the readings carried between polls. */

#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "forgetop/history.h"
#include "forgetop/model.h"
#include "forgetop/world.h"

/* Every history of the world full: more carried readings than that cannot be kept. */
#define MOST_USEFUL ((size_t)HISTORY_CAP * WORLD_MAX_METRICS)

/* While the UI thread cannot take snapshots (a terminal stopped with Ctrl-S blocks its
 * writes), each poll carries the untaken readings into the next: without a bound that is
 * memory and copying that grow with every poll, for samples no history can hold. */
Test(snapshot, carried_readings_are_bounded_and_the_newest_kept)
{
    struct snapshot *older = snapshot_new(), *dst = snapshot_new();
    cr_assert(older && dst);
    for (int i = 0; i < 200000; i++)
        cr_assert_not_null(snapshot_add_reading(older, "cpu", "api", i, i));
    cr_assert_not_null(snapshot_add_reading(dst, "cpu", "api", 200000, 1));
    cr_assert_eq(snapshot_carry_readings(dst, older), 0);
    cr_expect_leq(dst->n_readings, MOST_USEFUL + 1);
    cr_expect_eq(dst->readings[dst->n_readings - 1].t, 200000, "the new poll's own reading stays");
    cr_expect_eq(dst->readings[dst->n_readings - 2].t, 199999, "the newest carried one too");
    snapshot_free(older);
    snapshot_free(dst);
}

Test(snapshot, carrying_keeps_older_readings_first)
{
    struct snapshot *older = snapshot_new(), *dst = snapshot_new();
    cr_assert(older && dst);
    snapshot_add_reading(older, "cpu", "api", 1, 10);
    snapshot_add_reading(dst, "cpu", "api", 2, 20);
    cr_assert_eq(snapshot_carry_readings(dst, older), 0);
    cr_assert_eq(dst->n_readings, 2);
    cr_expect_eq(dst->readings[0].t, 1);
    cr_expect_eq(dst->readings[1].t, 2);
    snapshot_free(older);
    snapshot_free(dst);
}

/* A copy owns its arrays: freeing the original leaves it whole, and it still grows. */
Test(snapshot, copy_is_deep)
{
    struct snapshot *a = snapshot_new(), *b = snapshot_new();
    struct service *s = snapshot_add_service(a);
    snprintf(s->name, sizeof s->name, "api");
    for (int i = 0; i < 5; i++)
        snprintf(service_add_pod(s)->name, sizeof s->pods[0].name, "api-%d", i);
    cr_assert_eq(pod_set_message(&s->pods[2], "Back-off pulling image"), 0);
    snprintf(autoscaler_add_keda(&s->autoscaler)->object, FT_NAME_MAX, "api-scaler");
    cr_assert_eq(model_set_text(&s->autoscaler.conditions, "ScalingLimited: TooManyReplicas"), 0);
    snapshot_add_reading(a, "cpu", "api", 1, 42);
    struct condition *c = service_add_condition(s);
    snprintf(c->reason, sizeof c->reason, "ProgressDeadlineExceeded");
    cr_assert_eq(model_set_text(&c->message, "ReplicaSet \"api-7d9f\" has timed out"), 0);
    snprintf(service_add_rset(s)->name, FT_NAME_MAX, "api-7d9f");
    struct event ev = {.type = "Warning", .reason = "BackOff", .count = 3, .last_at = 9};
    service_keep_event(s, &ev);
    cr_assert_eq(snapshot_copy(b, a), 0);
    snapshot_free(a);
    cr_assert(b->services[0].n_conditions == 1 && b->services[0].n_rsets == 1 &&
              b->services[0].n_events == 1);
    cr_expect_str_eq(b->services[0].conditions[0].reason, "ProgressDeadlineExceeded",
                     "what explains readiness is the copy's own (ASan reads freed memory else)");
    cr_expect_str_eq(model_text(b->services[0].conditions[0].message),
                     "ReplicaSet \"api-7d9f\" has timed out", "a condition's message too");
    cr_expect_str_eq(b->services[0].rsets[0].name, "api-7d9f");
    cr_expect_str_eq(b->services[0].events[0].reason, "BackOff");
    cr_assert_eq(b->n_services, 1);
    cr_expect_str_eq(b->services[0].name, "api");
    cr_assert_eq(b->services[0].n_pods, 5);
    cr_expect_str_eq(b->services[0].pods[4].name, "api-4");
    cr_expect_str_eq(pod_message(&b->services[0].pods[2]), "Back-off pulling image",
                     "a pod's message is the copy's own (ASan reads freed memory else)");
    cr_expect_null(b->services[0].pods[1].message);
    cr_expect_str_eq(autoscaler_keda(&b->services[0].autoscaler)->object, "api-scaler",
                     "and so is its ScaledObject");
    cr_expect_str_eq(model_text(b->services[0].autoscaler.conditions),
                     "ScalingLimited: TooManyReplicas", "and its autoscaler's texts");
    cr_expect_null(b->services[0].autoscaler.inactive);
    cr_expect_eq(b->readings[0].value, 42);
    cr_assert_not_null(service_add_pod(&b->services[0])); /* grow() after the copy */
    cr_assert_not_null(snapshot_add_service(b));
    cr_expect_eq(b->services[0].n_pods, 6);
    snapshot_free(b);
}

/* A pod's message is held only when there is one, sanitised and cut like the inline
 * buffer it replaced; setting it again frees the old one (ASan's leak check). */
Test(snapshot, pod_message_is_owned_sanitised_and_bounded)
{
    struct snapshot *a = snapshot_new();
    struct pod *p = service_add_pod(snapshot_add_service(a));
    cr_expect_null(p->message);
    cr_expect_str_eq(pod_message(p), "");
    cr_assert_eq(pod_set_message(p, "pull \033[31mfailed"), 0);
    cr_assert_not_null(p->message);
    cr_expect_null(strchr(p->message, '\033'), "%s", p->message);
    char long_msg[1000];
    memset(long_msg, 'x', sizeof long_msg - 1);
    long_msg[sizeof long_msg - 1] = '\0';
    cr_assert_eq(pod_set_message(p, long_msg), 0);
    cr_expect_eq(strlen(p->message), FT_TEXT_MAX - 1);
    cr_assert_eq(pod_set_message(p, ""), 0);
    cr_expect_null(p->message, "an empty message holds nothing");
    cr_assert_eq(pod_set_message(p, "again"), 0);
    snapshot_free(a);
}

/* Slack is at most half the element count: one condition takes one slot, five pods six. */
Test(snapshot, arrays_grow_through_every_step)
{
    struct snapshot *a = snapshot_new();
    struct service *s = snapshot_add_service(a);
    for (int i = 0; i < 37; i++) {
        struct condition *c = service_add_condition(s);
        cr_assert_not_null(c);
        snprintf(c->type, sizeof c->type, "c%d", i);
    }
    cr_assert_eq(s->n_conditions, 37);
    for (int i = 0; i < 37; i++) {
        char want[16];
        snprintf(want, sizeof want, "c%d", i);
        cr_expect_str_eq(s->conditions[i].type, want, "moved whole at every doubling");
    }
    snapshot_free(a);
}
