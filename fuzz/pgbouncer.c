/* pgbouncer.c (fuzz) - the pgbouncer source's reading of SHOW POOLS and SHOW STATS, on
 * results of any shape: columns present or not, in any order, values of any bytes.
 *
 * The input builds two results with libpq's own result API, as a server's answer would
 * arrive: a byte of column count, a byte per column naming it (from PgBouncer's names or
 * none of them), a byte of row count, then NUL-separated values. Facts come out safe for
 * the terminal, and once core has admitted them no count is negative. */

#include <libpq-fe.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/facts.h"
#include "forgetop/postgres.h"
#include "safe.h"

static const char *const names[] = {
    "database", "user",       "cl_active", "cl_waiting",      "sv_active",     "sv_idle", "sv_used",
    "maxwait",  "maxwait_us", "pool_mode", "avg_query_count", "avg_wait_time", "bogus",   "",
};
#define N_NAMES (sizeof names / sizeof names[0])

struct in {
    const uint8_t *p;
    size_t left;
};

static int byte(struct in *in)
{
    if (in->left == 0)
        return 0;
    in->left--;
    return *in->p++;
}

/* The next value: bytes up to a NUL (a NULL when it starts with 0xff). */
static void value(struct in *in, char *out, size_t len, int *vlen)
{
    size_t n = 0;
    bool null = in->left > 0 && in->p[0] == 0xff;
    while (in->left > 0 && *in->p != 0 && n + 1 < len) {
        out[n++] = (char)*in->p++;
        in->left--;
    }
    if (in->left > 0) { /* the NUL */
        in->p++;
        in->left--;
    }
    out[n] = '\0';
    *vlen = null ? -1 : (int)n;
}

static PGresult *build(struct in *in)
{
    PGresult *r = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    if (r == NULL)
        return NULL;
    int nf = byte(in) % 16;
    PGresAttDesc att[16];
    memset(att, 0, sizeof att);
    for (int i = 0; i < nf; i++) {
        att[i].name = (char *)names[byte(in) % N_NAMES];
        att[i].format = 0;
        att[i].typid = 25; /* text */
        att[i].typlen = -1;
        att[i].atttypmod = -1;
    }
    if (nf > 0 && !PQsetResultAttrs(r, nf, att)) {
        PQclear(r);
        return NULL;
    }
    int rows = byte(in) % 80; /* past the source's 64 */
    for (int row = 0; row < rows && nf > 0; row++)
        for (int c = 0; c < nf; c++) {
            char v[256];
            int vl;
            value(in, v, sizeof v, &vl);
            PQsetvalue(r, row, c, vl < 0 ? NULL : v, vl);
        }
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct in in = {data, size};
    int pool_size = byte(&in) % 4 == 0 ? 0 : byte(&in) * 7;
    PGresult *pools = build(&in), *stats = build(&in);
    struct snapshot *out = snapshot_new();
    char why[256];
    memset(why, 0x5a, sizeof why);
    if (pools && stats && out) {
        if (postgres_bouncer_facts(pools, stats, pool_size, out, why, sizeof why) < 0) {
            CHECK(strnlen(why, sizeof why) < sizeof why && fuzz_is_safe(why));
            CHECK(out->n_facts == 0); /* a wrong shape gives no figure at all */
        }
        for (size_t i = 0; i < out->n_facts; i++) {
            struct fact f = out->facts[i];
            char text[256];
            facts_admit(&f);
            facts_format(&f, text, sizeof text);
            CHECK(fuzz_is_safe(f.text) && fuzz_is_safe(text));
            CHECK(isnan(f.value) || f.value >= 0 || f.unit == UNIT_DELTA_MIN);
        }
    }
    snapshot_free(out);
    PQclear(pools);
    PQclear(stats);
    return 0;
}
