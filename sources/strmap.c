/* strmap.c - open-addressing (linear probing) string -> index table with FNV-1a hashes,
 * keys in one arena so a poll's ten thousand pod names cost a handful of allocations. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/strmap.h"

struct strmap_slot {
    uint64_t hash;
    size_t off, len; /* the key in the arena */
    long val;        /* -1: empty slot */
};

static uint64_t fnv1a(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

/* The slot holding key, or the empty one where it would go. */
static struct strmap_slot *find(const struct strmap *m, const char *key, size_t len, uint64_t h)
{
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        struct strmap_slot *s = &m->slots[i];
        if (s->val < 0 || (s->hash == h && s->len == len &&
                           (len == 0 || memcmp(m->arena + s->off, key, len) == 0)))
            return s;
    }
}

/* Double the table (kept at most half full so probes stay short). */
static int grow(struct strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    struct strmap_slot *slots = malloc(cap * sizeof(*slots));
    if (slots == NULL)
        return -1;
    for (size_t i = 0; i < cap; i++)
        slots[i].val = -1;
    for (size_t i = 0; i < m->cap; i++) {
        const struct strmap_slot *o = &m->slots[i];
        if (o->val < 0)
            continue;
        size_t j = o->hash & (cap - 1);
        while (slots[j].val >= 0)
            j = (j + 1) & (cap - 1);
        slots[j] = *o;
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return 0;
}

static int arena_add(struct strmap *m, const char *key, size_t len, size_t *off)
{
    *off = m->alen;
    if (len == 0)
        return 0;
    if (m->alen + len > m->acap) {
        size_t cap = m->acap ? m->acap : 1024;
        while (cap < m->alen + len)
            cap *= 2;
        char *a = realloc(m->arena, cap);
        if (a == NULL)
            return -1;
        m->arena = a;
        m->acap = cap;
    }
    memcpy(m->arena + m->alen, key, len);
    m->alen += len;
    return 0;
}

int strmap_put(struct strmap *m, const char *key, size_t len, long val)
{
    if (val < 0)
        return -1;
    if ((m->n + 1) * 2 > m->cap && grow(m) < 0)
        return -1;
    uint64_t h = fnv1a(key, len);
    struct strmap_slot *s = find(m, key, len, h);
    if (s->val >= 0)
        return 0; /* the first value stays */
    size_t off;
    if (arena_add(m, key, len, &off) < 0)
        return -1;
    *s = (struct strmap_slot){.hash = h, .off = off, .len = len, .val = val};
    m->n++;
    return 0;
}

long strmap_get(const struct strmap *m, const char *key, size_t len)
{
    if (m->cap == 0 || key == NULL)
        return -1;
    return find(m, key, len, fnv1a(key, len))->val;
}

void strmap_free(struct strmap *m)
{
    free(m->slots);
    free(m->arena);
    memset(m, 0, sizeof(*m));
}
