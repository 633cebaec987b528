/* postgres.c (fuzz) - the postgres source's pure part: a libpq error message made one
 * line. The first 64 bytes are kept for the corpus's layout (they held the figures of
 * the advice, which is core's now; byte 51 still picks the output size), the rest is a
 * server's error message. It must come out terminated, safe and never silent. */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/postgres.h"
#include "safe.h"

#define FIGURES 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < FIGURES)
        return 0;
    char *msg = malloc(size - FIGURES + 1);
    if (msg == NULL)
        return 0;
    memcpy(msg, data + FIGURES, size - FIGURES);
    msg[size - FIGURES] = '\0';
    char out[FT_TEXT_MAX];
    size_t len = 1 + data[51] % sizeof out;
    postgres_clean_error(out, len, msg);
    CHECK(strnlen(out, len) < len && fuzz_is_safe(out));
    CHECK(len < 5 || out[0] != '\0'); /* never silent where a character fits */
    free(msg);
    return 0;
}
