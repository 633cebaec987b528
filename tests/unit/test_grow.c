/* test_grow.c - the one growable-array idiom: elements kept across growth, each new one
 * zeroed, capacity doubling, and a size that would overflow refused without a realloc. */

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>

#include "forgetop/grow.h"

Test(grow, pushes_keep_the_elements_and_zero_the_new_one)
{
    int *v = NULL;
    size_t n = 0, cap = 0;
    for (int i = 0; i < 1000; i++) {
        int *el = grow_push((void **)&v, &n, &cap, sizeof *v);
        cr_assert_not_null(el);
        cr_expect_eq(*el, 0, "element %d comes zeroed", i);
        *el = i * 3;
    }
    cr_expect_eq(n, 1000);
    cr_expect_eq(cap, 1024, "capacity doubles from 4: %zu", cap);
    for (int i = 0; i < 1000; i++)
        cr_expect_eq(v[i], i * 3);
    free(v);
}

Test(grow, an_overflowing_size_is_refused_and_the_array_untouched)
{
    char *v = malloc(4);
    size_t cap = 4;
    cr_expect_eq(grow_array((void **)&v, &cap, SIZE_MAX / 2 + 2, 1), -1);
    cr_expect_eq(grow_array((void **)&v, &cap, 8, SIZE_MAX / 4), -1);
    cr_expect_eq(cap, 4, "the capacity is unchanged");
    cr_expect_eq(grow_array((void **)&v, &cap, 3, 1), 0, "what fits needs nothing");
    cr_expect_eq(cap, 4);
    free(v);
}
