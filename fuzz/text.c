/* text.c (fuzz) - text_sanitize and text_width on any bytes a server could send.
 *
 * The promise checked is the one the terminal depends on: whatever goes in, what comes
 * out is valid UTF-8 with no C0 or C1 control, no DEL and no bidi override, fits its
 * buffer, and sanitising it again changes nothing. The human figures ride along. */

#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/text.h"
#include "safe.h"

static void figures(const uint8_t *data, size_t size)
{
    double v;
    char out[16];
    if (size < sizeof v)
        return;
    memcpy(&v, data, sizeof v);
    size_t len = 1 + data[0] % sizeof out;
    text_count(out, len, v);
    CHECK(strnlen(out, len) < len);
    text_bytes(out, len, v);
    CHECK(strnlen(out, len) < len);
    text_duration(out, len, v);
    CHECK(strnlen(out, len) < len);
    CHECK(out[0] != '-'); /* a duration is never negative: "?" when unknown */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    if (!init) {
        /* As the dashboard runs: wcwidth answers for the whole of Unicode. */
        setlocale(LC_CTYPE, "C.UTF-8");
        init = 1;
    }
    if (size < 1)
        return 0;
    /* The first byte picks the destination size (1..256), so truncation is exercised
     * at every boundary, inside multi-byte characters too. */
    size_t len = 1 + data[0];
    const char *src = (const char *)data + 1;
    size_t srclen = size - 1;
    char *out = malloc(len), *again = malloc(len), *z = malloc(srclen + 1);
    if (out == NULL || again == NULL || z == NULL)
        goto out;
    memcpy(z, src, srclen);
    z[srclen] = '\0';

    text_sanitize_n(out, len, src, srclen);
    CHECK(strnlen(out, len) < len && fuzz_is_safe(out));
    /* Sanitised text is a fixed point. */
    text_sanitize(again, len, out);
    CHECK(strcmp(again, out) == 0);
    /* The NUL-terminated entry point stops at the first NUL, as the _n one does. */
    text_sanitize(again, len, z);
    CHECK(strcmp(again, out) == 0);
    /* Text that was already safe and fits comes through unchanged. */
    if (strlen(z) < len && fuzz_is_safe(z))
        CHECK(strcmp(out, z) == 0);

    /* Safe parts joined and truncated by text_printf stay safe. */
    text_printf(again, len, "%s; %s", out, out);
    CHECK(strnlen(again, len) < len && fuzz_is_safe(again));

    CHECK(text_width(z) >= 0);
    int w = text_width(out);
    CHECK(w >= 0 && (size_t)w <= 2 * strlen(out));

    figures(data + 1, srclen);
out:
    free(out);
    free(again);
    free(z);
    return 0;
}
