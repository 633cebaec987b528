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

/* Found by fuzz/prometheus.c: a message joined from sanitised parts was cut inside a
 * character when it did not fit, and stopped being valid UTF-8. */
Test(text, printf_truncates_between_characters)
{
    static const struct {
        size_t len;
        const char *want;
    } cases[] = {
        {5, "ab"},
        {6, "ab\xe6\x97\xa5"},
        {8, "ab\xe6\x97\xa5"},
        {9, "ab\xe6\x97\xa5\xe6\x9c\xac"},
        {3, "ab"},
        {1, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[16];
        text_printf(out, cases[i].len, "ab%s!", "\xe6\x97\xa5\xe6\x9c\xac");
        cr_assert_str_eq(out, cases[i].want, "len %zu", cases[i].len);
    }
    char out[4];
    text_printf(out, sizeof out, "x%s", "\xf0\x9f\x98\x80"); /* a 4-byte emoji cut at 3 */
    cr_assert_str_eq(out, "x");
}
