/* postgres.c (fuzz) - the postgres source's pure parts: a libpq error message made one
 * line, and the runbook's database advice from the figures a server reported.
 *
 * The first 64 bytes are the advice's figures (used, limit, waiting, max wait,
 * warning, critical, replicas, flags), the rest a server's error message. Both outputs
 * must come out terminated and safe; advice lines stay inside their width when the
 * figures are ones a server could report. */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/postgres.h"
#include "safe.h"

#define FIGURES 64

static double figure(const uint8_t *p)
{
    double d;
    memcpy(&d, p, sizeof d);
    return d;
}

/* A figure a server could report: a count or seconds, not 1e-114 connections. */
static int sane(double d)
{
    return isfinite(d) && (d == 0 || (d >= 0.01 && d < 1e9));
}

static void advice(const uint8_t *data)
{
    struct pg_advice_in in = {
        .used = figure(data),
        .limit = figure(data + 8),
        .waiting = figure(data + 16),
        .max_wait_s = figure(data + 24),
        .warning = figure(data + 32),
        .critical = figure(data + 40),
        .replicas = (int)(data[48] % 8),
        .pool = data[49] & 1,
        .pgbouncer_in_front = data[49] & 2,
    };
    char out[1024];
    size_t len = 64 + data[50] % (sizeof out - 64);
    enum band b = postgres_advice(&in, out, len);
    CHECK(b == BAND_OK || b == BAND_WARNING || b == BAND_CRITICAL || b == BAND_UNKNOWN);
    CHECK(strnlen(out, len) < len);
    bool all_sane = sane(in.used) && sane(in.limit) && sane(in.waiting) && sane(in.max_wait_s) &&
                    sane(in.warning) && sane(in.critical) && in.limit >= 1 && in.warning >= 1 &&
                    in.critical >= in.warning;
    for (char *line = out, *next; line != NULL; line = next) {
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        CHECK(fuzz_is_safe(line));
        if (all_sane)
            CHECK(strlen(line) <= POSTGRES_ADVICE_WIDTH);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < FIGURES)
        return 0;
    advice(data);
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
