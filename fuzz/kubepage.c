/* kubepage.c (fuzz) - the item-wise list page reader (sources/kubepage.c) on any bytes:
 * every span it hands out lies inside the input, as many as it counted, and wherever
 * cJSON reads the whole input as one object the reader agrees with it item for item.
 *
 * The whole-input parse is the reference the reader replaces; where the two may rightly
 * differ (cJSON's laxer whitespace, keys written with \u escapes) no agreement is asked. */

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/kubepage.h"
#include "safe.h"

/* Whether cJSON and the reader read this input by the same rules: no byte below 0x20
 * outside JSON's whitespace (cJSON skips any such as whitespace) and no \u escape (a key
 * cJSON decodes to "items" the reader compares as written). */
static bool same_rules(const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)b[i];
        if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r')
            return false;
        if (ch == '\\' && i + 1 < n && b[i + 1] == 'u')
            return false;
    }
    return true;
}

/* The whole input as cJSON reads it, NULL unless one value with only whitespace after. */
static cJSON *whole(const char *b, size_t n)
{
    const char *end = NULL;
    cJSON *doc = cJSON_ParseWithLengthOpts(b, n, &end, false);
    if (doc == NULL)
        return NULL;
    for (; end < b + n; end++)
        if (*end != ' ' && *end != '\t' && *end != '\n' && *end != '\r') {
            cJSON_Delete(doc);
            return NULL;
        }
    return doc;
}

/* Whether two trees say the same, compared as printed: cJSON_Compare calls a number
 * that overflows to infinity unequal to itself. */
static bool same(const cJSON *a, const cJSON *b)
{
    char *pa = cJSON_PrintUnformatted(a), *pb = cJSON_PrintUnformatted(b);
    bool eq = pa != NULL && pb != NULL && strcmp(pa, pb) == 0;
    cJSON_free(pa);
    cJSON_free(pb);
    return eq;
}

/* The reader's items, each against cJSON's (ref NULL: only the spans are checked). */
static void check_items(struct kubepage *p, const char *b, size_t n, const cJSON *ref)
{
    const cJSON *want = ref != NULL ? ref->child : NULL;
    const char *s;
    size_t len, count = 0, total = p->n_items;
    while (kubepage_next_span(p, &s, &len)) {
        CHECK(s >= b && len > 0 && len <= n && (size_t)(s - b) <= n - len);
        count++;
        if (ref == NULL)
            continue;
        cJSON *got = cJSON_ParseWithLength(s, len);
        CHECK(got != NULL && want != NULL && same(got, want));
        cJSON_Delete(got);
        want = want->next;
    }
    CHECK(count == total);
    CHECK(ref == NULL || want == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *b = (const char *)data;
    struct kubepage p;
    int shape = kubepage_scan_list(&p, b, size);
    CHECK(shape == KUBEPAGE_LIST || shape == KUBEPAGE_NOT_OBJECT || shape == KUBEPAGE_NO_ITEMS);
    CHECK(shape == KUBEPAGE_LIST || p.n_items == 0);
    CHECK(p.meta == NULL ||
          (p.meta >= b && p.meta_len <= size && (size_t)(p.meta - b) <= size - p.meta_len));
    cJSON *doc = same_rules(b, size) ? whole(b, size) : NULL;
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(doc, "items");
    bool list = cJSON_IsObject(doc) && (cJSON_IsArray(items) || cJSON_IsNull(items));
    if (cJSON_IsObject(doc)) /* an object cJSON reads whole is one to the reader too */
        CHECK(shape == (list ? KUBEPAGE_LIST : KUBEPAGE_NO_ITEMS));
    if (list) {
        cJSON *md = kubepage_parse_metadata(&p);
        const cJSON *want = cJSON_GetObjectItemCaseSensitive(doc, "metadata");
        CHECK((md == NULL) == (want == NULL) && (md == NULL || same(md, want)));
        cJSON_Delete(md);
    }
    check_items(&p, b, size, list && cJSON_IsArray(items) ? items : NULL);
    cJSON_Delete(doc);
    return 0;
}
