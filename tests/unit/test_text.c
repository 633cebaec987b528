/* test_text.c - human figures stay human whatever number comes in. */

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "forgetop/text.h"

/* A queue that never drains, an age since the epoch: past what a long holds the cast
 * was undefined and printed "-9223372036854775808s". */
Test(text, a_huge_or_infinite_duration_is_not_negative)
{
    static const double huge[] = {1e19, 1e300, INFINITY};
    for (size_t i = 0; i < sizeof huge / sizeof huge[0]; i++) {
        char out[32];
        text_duration(out, sizeof out, huge[i]);
        cr_expect(out[0] != '-', "%g reads %s", huge[i], out);
    }
    char out[32];
    text_duration(out, sizeof out, 90061);
    cr_expect_str_eq(out, "1d1h");
}
