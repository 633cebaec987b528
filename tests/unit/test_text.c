/* test_text.c - server text made safe, and the human figures, at their edges. */

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "forgetop/text.h"

/* Found by fuzz/text.c: a duration past LONG_MAX seconds was cast to long (undefined). */
Test(text, a_duration_too_long_to_count_is_unknown)
{
    static const double cases[] = {1e19, 1.6e265, INFINITY, NAN, -1};
    char out[16];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        text_duration(out, sizeof out, cases[i]);
        cr_assert_str_eq(out, "?", "%g", cases[i]);
    }
    text_duration(out, sizeof out, 90061);
    cr_assert_str_eq(out, "1d1h");
}

Test(text, escapes_and_c1_controls_become_question_marks)
{
    char out[64];
    text_sanitize(out, sizeof out,
                  "pod\x1b]0;owned\x07-\xc2\x9b"
                  "2J\tok");
    cr_assert_str_eq(out, "pod?]0;owned?-?2J ok");
}
