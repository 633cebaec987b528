/* test_text.c - human figures stay human whatever number comes in; server text made safe,
 * and joined text cut between characters. */

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
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

/* A bidi mark reorders what is read without showing itself: "api 3 -> 30" can be made to
 * read otherwise. Every one of them goes, the explicit embeddings as well as the marks. */
Test(text, every_bidi_control_is_dropped)
{
    static const char *const marks[] = {"\u061c", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c",
                                        "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"};
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
        char in[32], out[32];
        snprintf(in, sizeof in, "a%sb", marks[i]);
        text_sanitize(out, sizeof out, in);
        cr_expect_str_eq(out, "a?b", "mark %zu passed: %s", i, out);
    }
}
