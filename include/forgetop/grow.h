/* grow.h - arrays that double as they fill: one idiom for every growable array in core/,
 * tui/ and sources/, so the overflow check and the doubling are written once. */

#ifndef FORGETOP_GROW_H
#define FORGETOP_GROW_H

#include <stddef.h>

/* Make *arr (of *cap elements of size bytes) hold at least need: doubles from 4 and
 * updates *cap. 0, or -1 (arr untouched) out of memory or when the size overflows. */
int grow_array(void **arr, size_t *cap, size_t need, size_t size);
/* Append one zeroed element to *arr (*n used of *cap) and return it; NULL (nothing
 * changed) out of memory. */
void *grow_push(void **arr, size_t *n, size_t *cap, size_t size);

#endif
