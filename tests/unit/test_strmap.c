/* test_strmap.c - the string -> index table the sources join with (strmap.h): found
 * after growing, absent keys absent, a key's first value kept, keys by length. */

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "forgetop/strmap.h"

Test(strmap, ten_thousand_keys_are_all_found_after_growing)
{
    struct strmap m = {0};
    char k[32];
    for (long i = 0; i < 10000; i++) {
        snprintf(k, sizeof(k), "pod-%05ld", i);
        cr_assert_eq(strmap_put(&m, k, strlen(k), i), 0);
    }
    cr_assert_eq(m.n, 10000);
    for (long i = 0; i < 10000; i++) {
        snprintf(k, sizeof(k), "pod-%05ld", i);
        cr_assert_eq(strmap_get(&m, k, strlen(k)), i, "%s", k);
    }
    cr_assert_eq(strmap_get(&m, "pod-10000", 9), -1);
    strmap_free(&m);
    cr_assert_eq(strmap_get(&m, "pod-00001", 9), -1, "a freed map is empty");
}

Test(strmap, a_key_keeps_its_first_value_and_prefixes_are_keys_of_their_own)
{
    struct strmap m = {0};
    cr_assert_eq(strmap_get(&m, "x", 1), -1, "an empty map finds nothing");
    cr_assert_eq(strmap_put(&m, "api", 3, 1), 0);
    cr_assert_eq(strmap_put(&m, "api", 3, 2), 0);
    cr_assert_eq(strmap_put(&m, "", 0, 3), 0);
    cr_assert_eq(strmap_get(&m, "api", 3), 1);
    cr_assert_eq(strmap_get(&m, "api-canary-5f6", 3), 1, "the first 3 bytes are the key");
    cr_assert_eq(strmap_get(&m, "ap", 2), -1);
    cr_assert_eq(strmap_get(&m, "", 0), 3);
    cr_assert_eq(m.n, 2);
    strmap_free(&m);
}
