/* safe.h (fuzz) - the checks every harness shares: a string a terminal may see.
 *
 * CHECK traps, so libFuzzer (and the plain replay driver) stop on a broken promise the
 * same way they stop on a sanitizer report. */

#ifndef FORGETOP_FUZZ_SAFE_H
#define FORGETOP_FUZZ_SAFE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            __builtin_trap();                                                                      \
    } while (0)

/* Length of the strict UTF-8 sequence at s, or 0; its code point in *cp. */
static inline size_t fuzz_utf8_seq(const unsigned char *s, uint32_t *cp)
{
    static const unsigned char lead_mask[] = {0, 0x7f, 0x1f, 0x0f, 0x07};
    static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    size_t len = s[0] < 0x80                    ? 1
                 : s[0] >= 0xc2 && s[0] <= 0xdf ? 2
                 : s[0] >= 0xe0 && s[0] <= 0xef ? 3
                 : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4
                                                : 0;
    if (len == 0)
        return 0;
    uint32_t c = s[0] & lead_mask[len];
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3f);
    }
    if (c < min[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return len;
}

/* C0, DEL, C1, line and paragraph separators, bidi embeddings, overrides, isolates. */
static inline int fuzz_forbidden(uint32_t c)
{
    return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029 ||
           (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/* Is s (terminated) valid UTF-8 with nothing a terminal would act on? */
static inline int fuzz_is_safe(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; u[i] != '\0';) {
        uint32_t cp;
        size_t l = fuzz_utf8_seq(u + i, &cp);
        if (l == 0 || fuzz_forbidden(cp))
            return 0;
        i += l;
    }
    return 1;
}

/* A field of a fixed-size buffer: terminated inside it, and safe. */
#define CHECK_FIELD(buf) CHECK(strnlen((buf), sizeof(buf)) < sizeof(buf) && fuzz_is_safe(buf))
/* An owned string of the model (model_set_text): NULL, or bounded as a buffer was. */
#define CHECK_TEXT(p)                                                                              \
    CHECK((p) == NULL || (strnlen((p), FT_TEXT_MAX) < FT_TEXT_MAX && fuzz_is_safe(p)))

#endif
