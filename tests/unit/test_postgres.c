/* test_postgres.c - the postgres source's pure parts: the runbook's database advice with
 * the numbers behind it, and libpq's messages made one line for the operator. */

#include <criterion/criterion.h>
#include <string.h>

#include "forgetop/postgres.h"

/* Bands from the runbook: DB Connections > 80 % pool warning, > 95 % critical. */
static const struct {
    struct pg_advice_in in;
    enum band band;
    const char *says[3];
} cases[] = {
    {{.used = 16, .limit = 20, .warning = 80, .critical = 95}, BAND_OK, {NULL}},
    {{.used = 17, .limit = 20, .warning = 80, .critical = 95},
     BAND_WARNING,
     {"connections 17/20 (85%) > 80%:", "put PgBouncer in front",
      "max_connections=200 (+1800MB at ~10MB each)"}},
    {{.used = 19, .limit = 20, .warning = 80, .critical = 95}, BAND_WARNING, {"(95%)"}},
    {{.used = 20, .limit = 20, .warning = 80, .critical = 95},
     BAND_CRITICAL,
     {"connections 20/20 (100%) > 95%", "add a read replica"}},
    {{.used = 90,
      .limit = 100,
      .pgbouncer_in_front = true,
      .replicas = 1,
      .warning = 80,
      .critical = 95},
     BAND_WARNING,
     {"PgBouncer is in front", "send reads to the 1 read replica"}},
    {{.used = 4,
      .limit = 4,
      .pool = true,
      .waiting = 4,
      .max_wait_s = 2.5,
      .warning = 80,
      .critical = 95},
     BAND_CRITICAL,
     {"pool 4/4 in use (100%), 4 clients waiting, max wait 2.5 s", "raise default_pool_size to 7",
      "more CPU and memory"}},
    {{.used = 85, .limit = 100, .pool = true, .warning = 80, .critical = 95},
     BAND_WARNING,
     {"default_pool_size to 133"}},
};

Test(postgres, advice_follows_the_band_with_its_numbers)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char out[512];
        enum band b = postgres_advice(&cases[i].in, out, sizeof(out));
        cr_expect_eq(b, cases[i].band, "case %zu: band %d", i, b);
        if (cases[i].says[0] == NULL)
            cr_expect_str_empty(out, "case %zu: ok needs no advice: %s", i, out);
        for (size_t j = 0; j < 3 && cases[i].says[j]; j++)
            cr_expect(strstr(out, cases[i].says[j]) != NULL, "case %zu: '%s' lacks '%s'", i, out,
                      cases[i].says[j]);
    }
}

Test(postgres, advice_lines_fit_a_panel_fact)
{
    char out[512];
    struct pg_advice_in in = {
        .used = 99999, .limit = 100000, .pgbouncer_in_front = true, .warning = 80, .critical = 95};
    postgres_advice(&in, out, sizeof(out));
    for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n"))
        cr_expect_leq(strlen(l), POSTGRES_ADVICE_WIDTH, "too long: %s", l);
}

Test(postgres, advice_is_unknown_without_a_limit)
{
    char out[64] = "x";
    struct pg_advice_in in = {.used = 3, .limit = 0, .warning = 80, .critical = 95};
    cr_expect_eq(postgres_advice(&in, out, sizeof(out)), BAND_UNKNOWN);
    cr_expect_str_empty(out);
}

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
