/* test_http.c - what the HTTP client shows an operator of a URL: never its password. */

#include <criterion/criterion.h>

#include "forgetop/http.h"

static const struct {
    const char *url, *shown;
} redactions[] = {
    {"http://prom:9090", "http://prom:9090"},
    {"http://admin:s3cret@prom:9090", "http://prom:9090"},
    {"https://admin:p@ss@prom:9090/api/v1/query", "https://prom:9090/api/v1/query"},
    {"http://token@prom:9090/", "http://prom:9090/"},
    {"http://prom:9090/a@b?x=@", "http://prom:9090/a@b?x=@"}, /* an '@' after the host stays */
    {"prom:9090", "prom:9090"},
};

Test(http, redacts_the_user_and_password_of_a_url)
{
    for (size_t i = 0; i < sizeof redactions / sizeof redactions[0]; i++) {
        char out[128];
        http_url_redact(out, sizeof out, redactions[i].url);
        cr_expect_str_eq(out, redactions[i].shown, "%s", redactions[i].url);
    }
}
