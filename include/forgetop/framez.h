/* framez.h - a recording's frame compressed, with the previous frame as the dictionary.
 *
 * Two polls of a source differ in a few numbers: deflate given the last frame as
 * its dictionary stores mostly references to it (~0.6 kB for the demo's ~10 kB). */

#ifndef FORGETOP_FRAMEZ_H
#define FORGETOP_FRAMEZ_H

#include <stdbool.h>
#include <stddef.h>

/* n bytes of data deflated against dict (NULL: a key frame, alone); caller frees *out.
 * 0 or -1. */
int framez_pack(const void *data, size_t n, const void *dict, size_t dict_n, unsigned char **out,
                size_t *outlen);
/* The data back (raw_len bytes and a NUL); caller frees. NULL when z is damaged. raw:
 * z is raw deflate as framez_pack writes it (false: a zlib stream, the first format). */
char *framez_unpack(const void *z, size_t zlen, size_t raw_len, const void *dict, size_t dict_n,
                    bool raw);

#endif
