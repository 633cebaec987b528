/* strmap.h - a small open-addressing hash table from strings to indices, so a source
 * joins thousands of items (pods to deployments, metrics to pods) in linear time.
 *
 * Keys are copied into one arena the map owns; a zeroed struct strmap is an empty map. */

#ifndef FORGETOP_STRMAP_H
#define FORGETOP_STRMAP_H

#include <stddef.h>

struct strmap_slot;

struct strmap {
    struct strmap_slot *slots;
    size_t cap, n; /* cap is a power of two, 0 before the first put */
    char *arena;   /* keys, back to back */
    size_t alen, acap;
};

/* Map key (len bytes, need not be terminated) to val >= 0; a key already there keeps
 * its first value. 0, or -1 when out of memory (the map is left as it was). */
int strmap_put(struct strmap *m, const char *key, size_t len, long val);

/* The value of key (len bytes), -1 when absent. */
long strmap_get(const struct strmap *m, const char *key, size_t len);

/* Free what the map holds and leave it empty. */
void strmap_free(struct strmap *m);

#endif
