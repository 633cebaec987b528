/* kubepage.c - a Kubernetes list page read item by item (kubepage.h): one pass over the
 * bytes finds the top-level members and counts the items, skipping every other value by
 * its strings and brackets; then each item's span goes to cJSON on its own.
 *
 * The scan builds nothing: a 16 MiB page costs its buffer and one item's tree. */

#include <cjson/cJSON.h>
#include <string.h>

#include "forgetop/kubepage.h"

/* cJSON's own nesting limit: an item deeper than this would not parse anyway, and the
 * bracket stack stays a fixed array on the stack. */
#define MAX_DEPTH 1000

static size_t skip_ws(const char *b, size_t len, size_t i)
{
    while (i < len && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t'))
        i++;
    return i;
}

/* Index just past the string opening at b[i], 0 when it does not end. An escape's next
 * byte is never its end: "a\"b" and "a\\" both end where JSON says. */
static size_t skip_string(const char *b, size_t len, size_t i)
{
    for (i++; i < len; i++) {
        const char *q = memchr(b + i, '"', len - i);
        const char *e = memchr(b + i, '\\', (q != NULL ? (size_t)(q - b) : len) - i);
        if (e == NULL)
            return q != NULL ? (size_t)(q - b) + 1 : 0;
        i = (size_t)(e - b) + 1; /* the loop's i++ steps over the escaped byte */
    }
    return 0;
}

/* Index just past a number or literal at b[i], 0 when there is none. Its exact grammar is
 * cJSON's to check where it matters (inside items); here it only must not be empty. */
static size_t skip_scalar(const char *b, size_t len, size_t i)
{
    size_t s = i;
    while (i < len && (b[i] == '-' || b[i] == '+' || b[i] == '.' || (b[i] >= '0' && b[i] <= '9') ||
                       (b[i] >= 'a' && b[i] <= 'z') || (b[i] >= 'A' && b[i] <= 'Z')))
        i++;
    return i > s ? i : 0;
}

/* Index just past the value at b[i], 0 when it is not one: brackets must pair and nest
 * at most MAX_DEPTH deep, strings must end. */
static size_t skip_value(const char *b, size_t len, size_t i)
{
    char open[MAX_DEPTH];
    size_t depth = 0;
    if (i >= len)
        return 0;
    if (b[i] == '"')
        return skip_string(b, len, i);
    if (b[i] != '{' && b[i] != '[')
        return skip_scalar(b, len, i);
    for (; i < len; i++) {
        char ch = b[i];
        if (ch == '"') {
            size_t e = skip_string(b, len, i);
            if (e == 0)
                return 0;
            i = e - 1;
        } else if (ch == '{' || ch == '[') {
            if (depth == MAX_DEPTH)
                return 0;
            open[depth++] = ch;
        } else if (ch == '}' || ch == ']') {
            if (open[--depth] != (ch == '}' ? '{' : '['))
                return 0;
            if (depth == 0)
                return i + 1;
        }
    }
    return 0;
}

/* The items array opening at b[i]: its elements counted, the iterator set at the first.
 * Index just past its ']', 0 when it is malformed. */
static size_t scan_items(struct kubepage *p, size_t i)
{
    const char *b = p->buf;
    size_t len = p->len, n = 0;
    p->next = i = skip_ws(b, len, i + 1);
    if (i < len && b[i] == ']') {
        p->n_items = p->left = 0;
        return i + 1;
    }
    for (;;) {
        size_t e = skip_value(b, len, i);
        if (e == 0)
            return 0;
        n++;
        i = skip_ws(b, len, e);
        if (i < len && b[i] == ']')
            break;
        if (i >= len || b[i] != ',')
            return 0;
        i = skip_ws(b, len, i + 1);
    }
    p->n_items = p->left = n;
    return i + 1;
}

static bool key_is(const char *b, size_t at, size_t end, const char *want)
{
    size_t n = strlen(want);
    return end - at == n + 2 && memcmp(b + at + 1, want, n) == 0;
}

/* One member at b[i] (its key's '"'): metadata noted, items scanned, anything else
 * skipped. Index past its value, 0 when malformed; *items says what items was. */
static size_t scan_member(struct kubepage *p, size_t i, int *items)
{
    const char *b = p->buf;
    size_t len = p->len, k = i, ke = skip_string(b, len, i), v, e;
    if (ke == 0 || (i = skip_ws(b, len, ke)) >= len || b[i] != ':')
        return 0;
    v = skip_ws(b, len, i + 1);
    if (*items == 0 && key_is(b, k, ke, "items")) {
        if (v < len && b[v] == '[') {
            *items = 1;
            return scan_items(p, v);
        }
        e = skip_value(b, len, v);
        *items = e == v + 4 && memcmp(b + v, "null", 4) == 0 ? 1 : -1;
        return e;
    }
    e = skip_value(b, len, v);
    if (e != 0 && p->meta == NULL && key_is(b, k, ke, "metadata")) {
        p->meta = b + v;
        p->meta_len = e - v;
    }
    return e;
}

int kubepage_scan_list(struct kubepage *p, const char *buf, size_t len)
{
    int items = 0; /* 0 not seen, 1 an array or null, -1 something else */
    memset(p, 0, sizeof(*p));
    p->buf = buf;
    p->len = len;
    if (buf == NULL)
        return KUBEPAGE_NOT_OBJECT;
    size_t i = len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0; /* cJSON skips a BOM */
    i = skip_ws(buf, len, i);
    if (i >= len || buf[i] != '{')
        return KUBEPAGE_NOT_OBJECT;
    i = skip_ws(buf, len, i + 1);
    if (i < len && buf[i] == '}')
        i++;
    else
        for (;;) {
            if (i >= len || buf[i] != '"' || (i = scan_member(p, i, &items)) == 0)
                goto bad;
            i = skip_ws(buf, len, i);
            if (i < len && buf[i] == '}') {
                i++;
                break;
            }
            if (i >= len || buf[i] != ',')
                goto bad;
            i = skip_ws(buf, len, i + 1);
        }
    if (skip_ws(buf, len, i) != len)
        goto bad;
    return items == 1 ? KUBEPAGE_LIST : KUBEPAGE_NO_ITEMS;
bad:
    p->n_items = p->left = 0; /* nothing is handed out of a page that is not one */
    p->meta = NULL;
    return KUBEPAGE_NOT_OBJECT;
}

bool kubepage_next_span(struct kubepage *p, const char **item, size_t *len)
{
    if (p->left == 0)
        return false;
    size_t i = skip_ws(p->buf, p->len, p->next), e = skip_value(p->buf, p->len, i);
    *item = p->buf + i;
    *len = e - i; /* the scan saw every element end */
    e = skip_ws(p->buf, p->len, e);
    p->next = e + 1; /* past its ',' (or the array's ']' after the last) */
    p->left--;
    return true;
}

int kubepage_next_item(struct kubepage *p, cJSON **item)
{
    const char *s;
    size_t n;
    *item = NULL;
    if (!kubepage_next_span(p, &s, &n))
        return 0;
    *item = cJSON_ParseWithLength(s, n);
    return *item != NULL ? 1 : -1;
}

cJSON *kubepage_parse_metadata(const struct kubepage *p)
{
    return p->meta != NULL ? cJSON_ParseWithLength(p->meta, p->meta_len) : NULL;
}
