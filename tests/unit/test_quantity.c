/* test_quantity.c - Kubernetes quantities and timestamps, cases from the
 * resource.Quantity documentation and the API documents in ../shared/k8s-api. */

#include <criterion/criterion.h>
#include <math.h>

#include "forgetop/quantity.h"

struct qcase {
    const char *in;
    double want;
};

Test(quantity, parses_every_suffix_the_api_sends)
{
    static const struct qcase cases[] = {
        {"500m", 0.5},
        {"1Gi", 1073741824.0},
        {"2", 2.0},
        {"1e3", 1000.0},
        {"128974848", 128974848.0},
        {"129e6", 129e6},
        {"123Mi", 128974848.0},
        {"22244Ki", 22244.0 * 1024},
        {"9559630n", 0.00955963},
        {"1.5", 1.5},
        {"100k", 1e5},
        {"1E", 1e18},
        {"0", 0},
        {"250u", 0.00025},
        {"2.5Gi", 2.5 * 1073741824.0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        double v = -1;
        cr_expect_eq(quantity_parse(cases[i].in, &v), 0, "%s parses", cases[i].in);
        cr_expect(fabs(v - cases[i].want) <= fabs(cases[i].want) * 1e-12, "%s = %g, got %g",
                  cases[i].in, cases[i].want, v);
    }
}

Test(quantity, refuses_malformed_quantities)
{
    static const char *bad[] = {"", "m", "1x", "1Gib", "abc", "1..2", "--1", "1e", "1 Gi"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        double v;
        cr_expect_eq(quantity_parse(bad[i], &v), -1, "'%s' refused", bad[i]);
    }
}

Test(quantity, rounds_millis_up_as_milli_value_does)
{
    int64_t m;
    cr_assert_eq(quantity_parse_milli("500m", &m), 0);
    cr_expect_eq(m, 500);
    cr_assert_eq(quantity_parse_milli("2", &m), 0);
    cr_expect_eq(m, 2000);
    cr_assert_eq(quantity_parse_milli("9559630n", &m), 0);
    cr_expect_eq(m, 10);
    cr_assert_eq(quantity_parse_milli("0.1", &m), 0);
    cr_expect_eq(m, 100);
}

Test(quantity, reads_rfc3339_with_offsets_and_fractions)
{
    double t;
    cr_assert_eq(quantity_parse_time("2021-06-23T17:01:10Z", &t), 0);
    cr_expect_eq(t, 1624467670.0);
    cr_assert_eq(quantity_parse_time("2018-03-05T17:30:20-08:00", &t), 0);
    cr_expect_eq(t, 1520299820.0);
    cr_assert_eq(quantity_parse_time("2022-01-27T19:24:31.5Z", &t), 0);
    cr_expect_eq(t, 1643311471.5);
    cr_expect_eq(quantity_parse_time("2021-06-23 17:01:10", &t), -1);
    cr_expect_eq(quantity_parse_time("2021-13-23T17:01:10Z", &t), -1);
    cr_expect_eq(quantity_parse_time("2021-06-23T17:01:10Zjunk", &t), -1);
}
