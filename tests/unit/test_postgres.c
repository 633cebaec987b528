/* test_postgres.c - the postgres source's pure part: libpq's messages made one line for
 * the operator. (The database advice is core's: test_world.c, test_recommend.c.) */

#include <criterion/criterion.h>
#include <string.h>

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
