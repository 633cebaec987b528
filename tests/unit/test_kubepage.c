/* test_kubepage.c - the item-wise list page reader (kubepage.h): which pages are lists,
 * which are not, and that each item's span and the metadata come out whole whatever
 * strings, escapes and nesting surround them. */

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/kubepage.h"

static int scan(struct kubepage *p, const char *json)
{
    return kubepage_scan_list(p, json, strlen(json));
}

/* The n-th item's text (0-based) as a string the caller frees; NULL past the last. */
static char *span_at(const char *json, size_t n)
{
    struct kubepage p;
    const char *s = NULL;
    size_t len = 0;
    cr_assert_eq(scan(&p, json), KUBEPAGE_LIST, "not a list: %s", json);
    for (size_t i = 0; i <= n; i++)
        if (!kubepage_next_span(&p, &s, &len))
            return NULL;
    return strndup(s, len);
}

static char *meta_continue(const struct kubepage *p)
{
    cJSON *md = kubepage_parse_metadata(p);
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(md, "continue");
    char *out = cJSON_IsString(c) ? strdup(c->valuestring) : NULL;
    cJSON_Delete(md);
    return out;
}

Test(kubepage, a_list_hands_out_each_item_and_its_metadata)
{
    const char *j = "{\"kind\":\"PodList\",\"metadata\":{\"resourceVersion\":\"42\","
                    "\"continue\":\"tok\",\"remainingItemCount\":7},"
                    "\"items\":[{\"metadata\":{\"name\":\"a\"}}, {\"metadata\":{\"name\":\"b\"}}]}";
    struct kubepage p;
    cJSON *it;
    cr_assert_eq(scan(&p, j), KUBEPAGE_LIST);
    cr_assert_eq(p.n_items, 2);
    char *c = meta_continue(&p);
    cr_assert_str_eq(c, "tok");
    free(c);
    const char *names[] = {"a", "b"};
    for (int i = 0; i < 2; i++) {
        cr_assert_eq(kubepage_next_item(&p, &it), 1);
        const cJSON *md = cJSON_GetObjectItemCaseSensitive(it, "metadata");
        cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(md, "name")->valuestring, names[i]);
        cJSON_Delete(it);
    }
    cr_assert_eq(kubepage_next_item(&p, &it), 0, "two items, no third");
    cr_assert_null(it);
}

Test(kubepage, items_before_metadata_and_after_it_read_alike)
{
    const char *before = "{\"items\":[{\"x\":1}],\"metadata\":{\"continue\":\"after\"}}";
    const char *after = "{\"metadata\":{\"continue\":\"after\"},\"items\":[{\"x\":1}]}";
    const char *pages[] = {before, after};
    for (int i = 0; i < 2; i++) {
        struct kubepage p;
        cr_assert_eq(scan(&p, pages[i]), KUBEPAGE_LIST);
        cr_assert_eq(p.n_items, 1);
        char *c = meta_continue(&p);
        cr_assert_str_eq(c, "after", "%s", pages[i]);
        free(c);
        char *s = span_at(pages[i], 0);
        cr_assert_str_eq(s, "{\"x\":1}");
        free(s);
    }
}

Test(kubepage, escapes_and_brackets_inside_strings_do_not_end_an_item)
{
    /* a quote, a backslash before the closing quote, brackets and braces in strings, and
     * a key that spells items inside an item: none of them is structure */
    const char *j = "{\"items\":[{\"a\":\"x\\\"]}\",\"b\":\"c:\\\\\",\"items\":\"[[{\"},"
                    "{\"n\":\"\\u005d\\\\\\\"\"}],\"metadata\":{\"continue\":\"t\\\"q\"}}";
    struct kubepage p;
    cr_assert_eq(scan(&p, j), KUBEPAGE_LIST);
    cr_assert_eq(p.n_items, 2);
    char *s0 = span_at(j, 0), *s1 = span_at(j, 1);
    cr_assert_str_eq(s0, "{\"a\":\"x\\\"]}\",\"b\":\"c:\\\\\",\"items\":\"[[{\"}");
    cr_assert_str_eq(s1, "{\"n\":\"\\u005d\\\\\\\"\"}");
    free(s0);
    free(s1);
    char *c = meta_continue(&p);
    cr_assert_str_eq(c, "t\"q", "the token is cJSON's decoding of the escape");
    free(c);
}

Test(kubepage, nested_arrays_and_objects_are_one_item_each)
{
    const char *j = "{ \"items\" : [ [1,[2,[3]]] , {\"a\":[{\"b\":[]}]} , \"s\" , 5 , null ] }";
    struct kubepage p;
    cr_assert_eq(scan(&p, j), KUBEPAGE_LIST);
    cr_assert_eq(p.n_items, 5);
    const char *want[] = {"[1,[2,[3]]]", "{\"a\":[{\"b\":[]}]}", "\"s\"", "5", "null"};
    for (size_t i = 0; i < 5; i++) {
        char *s = span_at(j, i);
        cr_assert_str_eq(s, want[i]);
        free(s);
    }
    cr_assert_null(span_at(j, 5));
    cr_assert_null(p.meta, "no metadata member");
}

Test(kubepage, empty_and_null_items_are_a_list_of_none)
{
    const char *pages[] = {"{\"items\":[]}", "{\"items\":[ \n ]}", "{\"items\":null}",
                           "\xEF\xBB\xBF {\"items\" : null } \n"};
    for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
        struct kubepage p;
        const char *s;
        size_t n;
        cr_assert_eq(scan(&p, pages[i]), KUBEPAGE_LIST, "%s", pages[i]);
        cr_assert_eq(p.n_items, 0);
        cr_assert(!kubepage_next_span(&p, &s, &n));
    }
}

Test(kubepage, an_object_without_an_items_array_is_no_list)
{
    const char *pages[] = {"{}",
                           "{\"metadata\":{}}",
                           "{\"items\":{}}",
                           "{\"items\":\"[]\"}",
                           "{\"items\":nullx}",
                           "{\"items\":5}",
                           "{\"Items\":[]}",
                           "{\"items\":true,\"items\":[]}"}; /* the first counts, as in cJSON */
    for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
        struct kubepage p;
        cr_assert_eq(scan(&p, pages[i]), KUBEPAGE_NO_ITEMS, "%s", pages[i]);
    }
}

Test(kubepage, what_is_not_one_object_is_refused_and_hands_out_nothing)
{
    const char *pages[] = {"",
                           "   ",
                           "[]",
                           "[{\"items\":[]}]",
                           "null",
                           "\"items\"",
                           "garbage",
                           "{\"items\":[{\"a\":1}]",            /* truncated: no closing brace */
                           "{\"items\":[{\"a\":1},",            /* truncated in the array */
                           "{\"items\":[{\"a\":\"unterminated", /* truncated in a string */
                           "{\"items\":[{\"a\":\"x\\",          /* truncated after an escape */
                           "{\"items\":[{\"a\":1}]} trailing",
                           "{\"items\":[{\"a\":1}]}{}",
                           "{\"items\":[{\"a\":1]}]}", /* brackets that do not pair */
                           "{\"items\":[1 2]}",
                           "{\"items\":[1,]}",
                           "{\"items\":[,1]}",
                           "{\"items\" [1]}",
                           "{items:[]}",
                           "{\"items\":[],}",
                           "{\"a\":}"};
    for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
        struct kubepage p;
        const char *s;
        size_t n;
        cr_assert_eq(scan(&p, pages[i]), KUBEPAGE_NOT_OBJECT, "%s", pages[i]);
        cr_assert(!kubepage_next_span(&p, &s, &n), "%s", pages[i]);
        cr_assert_null(p.meta);
    }
    struct kubepage p;
    cr_assert_eq(kubepage_scan_list(&p, NULL, 0), KUBEPAGE_NOT_OBJECT);
    /* a length short of the text: the bytes past it are not read */
    cr_assert_eq(kubepage_scan_list(&p, "{\"items\":[]}", 11), KUBEPAGE_NOT_OBJECT);
}

Test(kubepage, an_item_cjson_refuses_is_an_error_not_a_stop)
{
    const char *j = "{\"items\":[{\"a\":1},{\"a\":tru},{\"a\":3}]}";
    struct kubepage p;
    cJSON *it;
    cr_assert_eq(scan(&p, j), KUBEPAGE_LIST, "the page's own structure holds");
    cr_assert_eq(kubepage_next_item(&p, &it), 1);
    cJSON_Delete(it);
    cr_assert_eq(kubepage_next_item(&p, &it), -1, "tru is no literal: cJSON says so");
    cr_assert_null(it);
}

Test(kubepage, nesting_deeper_than_cjsons_limit_is_refused)
{
    size_t deep = 1200;
    char *j = malloc(deep * 2 + 32);
    size_t n = (size_t)sprintf(j, "{\"items\":[");
    for (size_t i = 0; i < deep; i++)
        j[n++] = '[';
    for (size_t i = 0; i < deep; i++)
        j[n++] = ']';
    n += (size_t)sprintf(j + n, "]}");
    struct kubepage p;
    cr_assert_eq(kubepage_scan_list(&p, j, n), KUBEPAGE_NOT_OBJECT);
    free(j);
}

Test(kubepage, a_huge_page_counts_every_item_and_hands_out_the_last)
{
    size_t count = 200000, cap = count * 32 + 64, n;
    char *j = malloc(cap);
    n = (size_t)sprintf(j, "{\"metadata\":{\"remainingItemCount\":3},\"items\":[");
    for (size_t i = 0; i < count; i++)
        n += (size_t)snprintf(j + n, cap - n, "%s{\"i\":%zu,\"s\":\"]\\\"\"}", i ? "," : "", i);
    n += (size_t)snprintf(j + n, cap - n, "]}");
    struct kubepage p;
    const char *s = NULL;
    size_t len = 0, seen = 0;
    cr_assert_eq(kubepage_scan_list(&p, j, n), KUBEPAGE_LIST);
    cr_assert_eq(p.n_items, count);
    char last[64];
    while (kubepage_next_span(&p, &s, &len))
        seen++;
    cr_assert_eq(seen, count);
    snprintf(last, sizeof(last), "{\"i\":%zu,\"s\":\"]\\\"\"}", count - 1);
    cr_assert_eq(len, strlen(last));
    cr_assert(memcmp(s, last, len) == 0, "the last item is whole");
    cJSON *md = kubepage_parse_metadata(&p);
    cr_assert_eq(cJSON_GetObjectItemCaseSensitive(md, "remainingItemCount")->valueint, 3);
    cJSON_Delete(md);
    free(j);
}
