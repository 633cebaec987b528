/* test_secret.c - passwords and tokens never survive into text forgetop keeps: the cases
 * are the messages libpq, the URL parsers and HTTP servers really produce. */

#include <criterion/criterion.h>
#include <string.h>

#include "forgetop/secret.h"

static const char *scrub(const char *in)
{
    static char out[512];
    return secret_scrub(out, sizeof out, in);
}

Test(secret, a_uri_password_is_replaced_and_the_user_kept)
{
    /* libpq's answer to an unclosed IPv6 bracket quotes the URI whole */
    const char *s = scrub("missing \"]\" in IPv6 host address in URI: "
                          "\"postgresql://forgetop:ftpw-Zq81@[::1/openforge\"");
    cr_expect(strstr(s, "ftpw-Zq81") == NULL, "%s", s);
    cr_expect(strstr(s, "postgresql://forgetop:***@[::1/openforge") != NULL, "%s", s);
}

Test(secret, a_lone_userinfo_field_is_a_redis_password)
{
    const char *s = scrub("redis URL 'Redis://hunter2@10.0.0.1:6379/0'");
    cr_expect(strstr(s, "hunter2") == NULL, "%s", s);
    cr_expect(strstr(s, "Redis://***@10.0.0.1:6379/0") != NULL, "%s", s);
}

Test(secret, a_password_with_an_at_sign_goes_whole)
{
    const char *s = scrub("redis://u:p@ss@host/0");
    cr_expect_str_eq(s, "redis://u:***@host/0");
}

Test(secret, conninfo_and_query_fields_are_replaced)
{
    cr_expect_str_eq(scrub("host=db password=s3cret dbname=x"), "host=db password=*** dbname=x");
    cr_expect_str_eq(scrub("host=db password='a b\\' c' dbname=x"),
                     "host=db password=*** dbname=x");
    cr_expect_str_eq(scrub("unix:///run/r.sock?db=1&password=pw&user=u"),
                     "unix:///run/r.sock?db=1&password=***&user=u");
    cr_expect_str_eq(scrub("PASSWORD=x;TOKEN=y"), "PASSWORD=***;TOKEN=***");
}

Test(secret, a_bearer_token_is_replaced)
{
    cr_expect_str_eq(scrub("401: Authorization: Bearer eyJhbGciOi.x.y rejected"),
                     "401: Authorization: Bearer *** rejected");
}

Test(secret, text_without_secrets_is_unchanged)
{
    static const char *same[] = {
        "connect to 127.0.0.1:6379: connection refused",
        "GET https://10.0.0.1:6443/apis/apps/v1/namespaces/open-forge/deployments?limit=500: 403",
        "bypass=1 compass=2", /* 'pass=' inside a word is not a key */
        "http://host:9090/api/v1/query",
        "",
    };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
        cr_expect_str_eq(scrub(same[i]), same[i]);
}

Test(secret, a_small_buffer_is_still_terminated_and_leaks_nothing)
{
    char out[12];
    secret_scrub(out, sizeof out, "redis://u:longpassword@h");
    cr_expect(strlen(out) < sizeof out);
    cr_expect(strstr(out, "longpass") == NULL, "%s", out);
}

Test(secret, masking_in_place_keeps_the_length_and_hides_the_password)
{
    char arg[] = "redis://ops:hunter2@10.0.0.1:6379/0";
    size_t n = strlen(arg);
    secret_mask(arg);
    cr_expect_eq(strlen(arg), n);
    cr_expect_str_eq(arg, "redis://ops:xxxxxxx@10.0.0.1:6379/0");
    char dsn[] = "host=db password=s3cret dbname=x";
    secret_mask(dsn);
    cr_expect_str_eq(dsn, "host=db password=xxxxxx dbname=x");
}
