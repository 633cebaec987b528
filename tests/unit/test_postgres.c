/* test_postgres.c - the postgres source's pure part: libpq's messages made one line for
 * the operator; PgBouncer's SHOW answers read into facts. (The database advice is core's:
 * test_world.c, test_recommend.c.) */

#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <math.h>
#include <string.h>

#include "forgetop/model.h"
#include "forgetop/postgres.h"

static const struct {
    const char *msg, *want;
} errors[] = {
    {"connection to server at \"127.0.0.1\", port 5433 failed: Connection refused\n\tIs the "
     "server running on that host and accepting TCP/IP connections?\n",
     "connection refused"},
    {"connection to server at \"db\" (10.0.0.2), port 5432 failed: FATAL:  password "
     "authentication failed for user \"app\"\n",
     "FATAL: password authentication failed for user \"app\""},
    {"ERROR:  canceling statement due to statement timeout\n",
     "ERROR: canceling statement due to statement timeout"},
    {"  server closed the connection unexpectedly\n\tThis probably means",
     "server closed the connection unexpectedly"},
    {"", "unknown error"},
    {NULL, "unknown error"},
};

Test(postgres, libpq_messages_become_one_line)
{
    for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
        char out[256];
        postgres_clean_error(out, sizeof(out), errors[i].msg);
        cr_expect_str_eq(out, errors[i].want, "case %zu", i);
    }
}

Test(postgres, server_text_in_an_error_is_sanitised)
{
    char out[256];
    postgres_clean_error(out, sizeof(out), "ERROR:  relation \"\x1b]0;pwned\x07\" does not exist");
    cr_expect(strchr(out, '\x1b') == NULL && strchr(out, '\x07') == NULL, "%s", out);
}

/* A result as libpq would hand it over: text columns, one row of values. */
static PGresult *result(const char *const *cols, const char *const *vals, int n)
{
    PGresult *r = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    PGresAttDesc att[16];
    memset(att, 0, sizeof att);
    for (int i = 0; i < n; i++) {
        att[i].name = (char *)cols[i];
        att[i].typid = 25; /* text */
        att[i].typlen = -1;
        att[i].atttypmod = -1;
    }
    cr_assert(r != NULL && (n == 0 || PQsetResultAttrs(r, n, att)));
    for (int i = 0; i < n; i++)
        PQsetvalue(r, 0, i, (char *)vals[i], (int)strlen(vals[i]));
    return r;
}

static const struct fact *fact_named(const struct snapshot *s, const char *label)
{
    for (size_t i = 0; i < s->n_facts; i++)
        if (strcmp(s->facts[i].label, label) == 0)
            return &s->facts[i];
    return NULL;
}

/* An older PgBouncer (no sv_used, no maxwait, SHOW STATS without the 1.8 averages): what
 * it does not send is no data, never a 0 that reads as "nobody waits". */
Test(postgres, a_column_pgbouncer_does_not_send_is_no_data)
{
    const char *pc[] = {"database", "user", "cl_active", "cl_waiting", "sv_active", "sv_idle"};
    const char *pv[] = {"openforge", "forge", "12", "3", "5", "2"};
    const char *sc[] = {"database", "total_query_count"};
    const char *sv[] = {"openforge", "900"};
    PGresult *pools = result(pc, pv, 6), *stats = result(sc, sv, 2);
    struct snapshot *s = snapshot_new();
    char why[128] = "";
    cr_assert_eq(postgres_bouncer_facts(pools, stats, 20, s, why, sizeof why), 0, "%s", why);
    const struct fact *waiting = fact_named(s, "pgbouncer waiting");
    cr_assert(waiting != NULL && waiting->value == 3, "what it sends is read");
    const char *unknown[] = {"pgbouncer servers used", "pgbouncer max wait", "pgbouncer queries",
                             "pgbouncer average wait"};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        const struct fact *f = fact_named(s, unknown[i]);
        cr_assert(f != NULL, "%s is listed", unknown[i]);
        cr_expect(isnan(f->value), "%s: no data, not %g", unknown[i], f->value);
    }
    snapshot_free(s);
    PQclear(pools);
    PQclear(stats);
}
