/* grow.c - growable arrays: capacity doubles (from 4), so appending n elements costs
 * O(n) copies in all; the size is checked for overflow before realloc sees it. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/grow.h"

int grow_array(void **arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 4;
    while (c < need) {
        if (c > SIZE_MAX / 2)
            return -1;
        c *= 2;
    }
    if (size != 0 && c > SIZE_MAX / size)
        return -1;
    void *p = realloc(*arr, c * size);
    if (p == NULL)
        return -1;
    *arr = p;
    *cap = c;
    return 0;
}

void *grow_push(void **arr, size_t *n, size_t *cap, size_t size)
{
    if (grow_array(arr, cap, *n + 1, size) < 0)
        return NULL;
    char *el = (char *)*arr + *n * size;
    memset(el, 0, size);
    (*n)++;
    return el;
}
