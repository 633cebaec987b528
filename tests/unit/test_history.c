/* test_history.c - the bounded ring: order, wrap-around, backfill replays, resampling. */

#include <criterion/criterion.h>
#include <math.h>

#include "forgetop/history.h"

static struct history h; /* 16 KiB: keep it off the stack */

Test(history, starts_empty)
{
    history_init(&h);
    cr_expect_eq(history_len(&h), 0);
    cr_expect_null(history_last(&h));
    cr_expect_null(history_at(&h, 0));
}

Test(history, keeps_samples_oldest_first)
{
    history_init(&h);
    cr_expect(history_push(&h, 100, 1));
    cr_expect(history_push(&h, 115, 2));
    cr_expect(history_push(&h, 130, 3));
    cr_assert_eq(history_len(&h), 3);
    cr_expect_eq(history_at(&h, 0)->t, 100);
    cr_expect_eq(history_at(&h, 2)->v, 3);
    cr_expect_eq(history_last(&h)->t, 130);
    cr_expect_null(history_at(&h, 3));
}

Test(history, ignores_older_and_equal_timestamps_so_a_backfill_can_replay)
{
    history_init(&h);
    history_push(&h, 100, 1);
    history_push(&h, 115, 2);
    cr_expect_not(history_push(&h, 115, 99), "equal timestamp is a replay");
    cr_expect_not(history_push(&h, 50, 99), "older timestamp is out of order");
    cr_expect_eq(history_len(&h), 2);
    cr_expect_eq(history_last(&h)->v, 2, "the first sample of a time wins");
    cr_expect(history_push(&h, 116, 3));
}

Test(history, rejects_a_time_that_is_not_finite_but_keeps_nan_values)
{
    history_init(&h);
    cr_expect_not(history_push(&h, NAN, 1));
    cr_expect_not(history_push(&h, INFINITY, 1));
    cr_expect(history_push(&h, 10, NAN), "NAN is 'no data', a real sample");
    cr_expect(isnan(history_last(&h)->v));
}

Test(history, wraps_around_dropping_the_oldest)
{
    history_init(&h);
    for (int i = 0; i < HISTORY_CAP + 10; i++)
        cr_assert(history_push(&h, i, i * 2));
    cr_expect_eq(history_len(&h), HISTORY_CAP);
    cr_expect_eq(history_at(&h, 0)->t, 10, "the 10 oldest were overwritten");
    cr_expect_eq(history_at(&h, HISTORY_CAP - 1)->t, HISTORY_CAP + 9);
    cr_expect_eq(history_last(&h)->v, (HISTORY_CAP + 9) * 2);
    cr_expect_null(history_at(&h, HISTORY_CAP));
    for (size_t i = 1; i < HISTORY_CAP; i++)
        cr_assert_gt(history_at(&h, i)->t, history_at(&h, i - 1)->t, "sorted at %zu", i);
    cr_expect_not(history_push(&h, 5, 0), "still refuses an old time after wrapping");
}

Test(history, resamples_one_slot_per_poll)
{
    /* polls every 15 s, 40 slots over 600 s: one sample in each slot */
    double out[40];
    history_init(&h);
    for (int i = 0; i < 40; i++)
        history_push(&h, 1000 + 15 * i, i);
    cr_assert_eq(history_resample(&h, 1000, 1600, out, 40), 40);
    for (int i = 0; i < 40; i++)
        cr_expect_eq(out[i], i, "slot %d", i);
}

Test(history, resample_keeps_the_peak_of_a_coarse_slot)
{
    double out[2];
    history_init(&h);
    const double v[] = {10, 95, 20, 30, 40, 35};
    for (int i = 0; i < 6; i++)
        history_push(&h, 15 * i, v[i]);
    cr_assert_eq(history_resample(&h, 0, 90, out, 2), 2);
    cr_expect_eq(out[0], 95, "a burst stays visible");
    cr_expect_eq(out[1], 40);
}

Test(history, resample_holds_a_sample_across_finer_slots)
{
    /* 5 s slots, 15 s polls: the slots between polls hold the last value */
    double out[12];
    history_init(&h);
    for (int i = 0; i < 4; i++)
        history_push(&h, 15 * i, 10 * (i + 1));
    cr_assert_eq(history_resample(&h, 0, 60, out, 12), 12);
    const double want[] = {10, 10, 10, 20, 20, 20, 30, 30, 30, 40, 40, 40};
    for (int i = 0; i < 12; i++)
        cr_expect_eq(out[i], want[i], "slot %d", i);
}

Test(history, resample_is_nan_where_no_sample_covers_a_slot)
{
    double out[10];
    history_init(&h);
    history_push(&h, 300, 5);
    history_push(&h, 310, NAN);
    history_push(&h, 320, 3);
    cr_assert_eq(history_resample(&h, 0, 1000, out, 10), 10);
    cr_expect(isnan(out[0]), "before the first sample");
    cr_expect(isnan(out[2]));
    cr_expect_eq(out[3], 5, "the highest value; the NAN among them is skipped");
    cr_expect_eq(out[4], 3, "320 + %g s hold reaches the slot starting at 400", HISTORY_HOLD_S);
    cr_expect(isnan(out[5]), "nothing covers the slot starting at 500");
    cr_expect(isnan(out[9]));
}

Test(history, resample_of_a_nan_only_slot_is_nan)
{
    double out[1];
    history_init(&h);
    history_push(&h, 10, NAN);
    history_push(&h, 20, NAN);
    cr_assert_eq(history_resample(&h, 0, 30, out, 1), 1);
    cr_expect(isnan(out[0]));
}

Test(history, resample_refuses_an_empty_range)
{
    double out[4];
    history_init(&h);
    history_push(&h, 10, 1);
    cr_expect_eq(history_resample(&h, 0, 100, out, 0), 0);
    cr_expect_eq(history_resample(&h, 100, 100, out, 4), 0);
    cr_expect_eq(history_resample(&h, 100, 50, out, 4), 0);
    cr_expect_eq(history_resample(&h, NAN, 50, out, 4), 0);
}

Test(history, resample_after_wrap_around_finds_the_window)
{
    double out[4];
    history_init(&h);
    for (int i = 0; i < HISTORY_CAP + 500; i++)
        history_push(&h, i, i);
    double last = HISTORY_CAP + 499;
    cr_assert_eq(history_resample(&h, last - 3, last + 1, out, 4), 4);
    for (int i = 0; i < 4; i++)
        cr_expect_eq(out[i], last - 3 + i, "slot %d", i);
}
