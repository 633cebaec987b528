/* test_series.c - a service's drawn history: slots keep their highest sample, 0.1 % steps,
 * gaps and old slots read as no data, and it draws what the old full ring drew. */

#include <criterion/criterion.h>
#include <math.h>

#include "forgetop/history.h"
#include "forgetop/series.h"
#include "forgetop/tui.h"

static struct history h; /* 16 KiB: keep it off the stack */

Test(series, is_small_enough_for_thousands_of_services)
{
    cr_assert_leq(3 * sizeof(struct series), 1024, "three series per view fit in 1 KB");
}

Test(series, starts_empty)
{
    struct series s;
    series_init(&s, 10);
    cr_expect(isnan(series_at(&s, 1000)));
    double out[4];
    series_resample(&s, 1000, out, 4);
    for (int i = 0; i < 4; i++)
        cr_expect(isnan(out[i]));
}

Test(series, a_slot_keeps_its_highest_sample_in_tenths)
{
    struct series s;
    series_init(&s, 10);
    cr_expect(series_push(&s, 1000, 45.04));
    cr_expect(series_push(&s, 1002, 61.26));
    cr_expect(series_push(&s, 1004, 12));
    cr_expect(series_push(&s, 1006, NAN), "no data is accepted and stores nothing");
    cr_expect_float_eq(series_at(&s, 1009.9), 61.3, 1e-9);
    cr_expect(series_push(&s, 1010, 7));
    cr_expect_float_eq(series_at(&s, 1010), 7, 1e-9);
    cr_expect_float_eq(series_at(&s, 1001), 61.3, 1e-9, "the older slot stays");
}

Test(series, clamps_what_16_bits_cannot_hold)
{
    struct series s;
    series_init(&s, 10);
    series_push(&s, 1000, -3);
    series_push(&s, 1010, 1e9);
    series_push(&s, 1020, INFINITY);
    cr_expect_float_eq(series_at(&s, 1000), 0, 1e-9);
    cr_expect_float_eq(series_at(&s, 1010), 6553.4, 1e-9);
    cr_expect_float_eq(series_at(&s, 1020), 6553.4, 1e-9);
    cr_expect(!series_push(&s, INFINITY, 5));
}

Test(series, a_gap_reads_as_no_data_and_the_ring_forgets_old_slots)
{
    struct series s;
    series_init(&s, 1);
    series_push(&s, 1000, 3);
    series_push(&s, 1050, 4); /* four empty slots between */
    cr_expect(isnan(series_at(&s, 1020)));
    double later = 1050 + SERIES_STEP_S * SERIES_SLOTS;
    series_push(&s, later, 5);
    cr_expect(isnan(series_at(&s, 1050)), "a slot a ring's length ago is gone, not reused");
    cr_expect_float_eq(series_at(&s, later), 5, 1e-9);
    cr_expect(!series_push(&s, 1000, 9), "older than the ring: refused");
    cr_expect(isnan(series_at(&s, 1000)));
    /* a jump further than the ring empties all of it */
    series_push(&s, later + 10 * SERIES_STEP_S * SERIES_SLOTS, 1);
    cr_expect(isnan(series_at(&s, later)));
}

Test(series, draws_what_the_full_history_drew)
{
    struct series s;
    series_init(&s, 100); /* as the world keeps a percentage */
    history_init(&h);
    double t0 = 100000;
    for (int i = 0; i < 600; i++) { /* 20 minutes at 2 s, with a hole */
        double t = t0 + 2.0 * i, v = i >= 200 && i < 230 ? NAN : 50 + 40 * sin(i / 17.0);
        history_push(&h, t, v);
        series_push(&s, t, v);
    }
    double now = t0 + 1199, a[77], b[77];
    frame_resample(&h, now, SERIES_STEP_S, a, 77);
    series_resample(&s, now, b, 77);
    for (int i = 0; i < 77; i++) {
        cr_expect_eq(isnan(a[i]), isnan(b[i]), "cell %d", i);
        if (!isnan(a[i]))
            cr_expect_float_eq(a[i], b[i], 0.005 + 1e-9, "cell %d: %f vs %f", i, a[i], b[i]);
    }
}
