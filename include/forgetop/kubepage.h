/* kubepage.h - a Kubernetes list page read item by item: the answer's bytes are scanned in
 * place for the top-level object's items array and metadata, and each item is handed to
 * cJSON alone, so a page never exists as one tree (~8-10x its text) but one item at a time.
 *
 * Only the page's own structure is checked here (strings, escapes, nesting, commas); each
 * item is checked by cJSON as it is parsed, and metadata when it is. */

#ifndef FORGETOP_KUBEPAGE_H
#define FORGETOP_KUBEPAGE_H

#include <stdbool.h>
#include <stddef.h>

struct cJSON;

/* What kubepage_scan_list found. */
enum kubepage_shape {
    KUBEPAGE_LIST = 0,        /* an object with items: an array, or null (no item) */
    KUBEPAGE_NOT_OBJECT = -1, /* not one JSON object: garbage, truncated, a list, empty */
    KUBEPAGE_NO_ITEMS = -2,   /* an object whose items is absent or neither array nor null */
};

struct kubepage {
    const char *buf;
    size_t len;
    const char *meta; /* the top-level metadata's value as written; NULL: the page has none */
    size_t meta_len;
    size_t n_items; /* the items array's elements (0 for items: null) */
    size_t next;    /* the iterator: where the next element's text starts */
    size_t left;    /* elements not yet handed out */
};

/* Scan buf[0, len) (not copied: it must outlive p) as a list page. Keys are compared as
 * written (the first "items" and "metadata" count, as cJSON's lookup does); whitespace may
 * follow the object, nothing else. A KUBEPAGE_* shape. */
int kubepage_scan_list(struct kubepage *p, const char *buf, size_t len);

/* The next item's text in *item, *len (inside buf): true, or false when none is left. */
bool kubepage_next_span(struct kubepage *p, const char **item, size_t *len);

/* The next item parsed (the caller cJSON_Deletes it): 1 with *item, 0 none left, -1 an
 * item cJSON refuses (the page is malformed) or out of memory. */
int kubepage_next_item(struct kubepage *p, struct cJSON **item);

/* The top-level metadata parsed (the caller cJSON_Deletes it); NULL when there is none or
 * it does not parse. */
struct cJSON *kubepage_parse_metadata(const struct kubepage *p);

#endif
