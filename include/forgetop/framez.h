/* framez.h - a recording's frame compressed, with the previous frame as the dictionary.
 *
 * Two polls of a source differ in a few numbers: deflate given the last frame's JSON as
 * its dictionary stores mostly references to it (~1 kB for the demo's ~10 kB). */

#ifndef FORGETOP_FRAMEZ_H
#define FORGETOP_FRAMEZ_H

#include <stddef.h>

/* json deflated against dict (NULL: a key frame, alone); caller frees *out. 0 or -1. */
int framez_pack(const char *json, const char *dict, unsigned char **out, size_t *outlen);
/* The JSON back (raw_len bytes and a NUL); caller frees. NULL when z is damaged. */
char *framez_unpack(const void *z, size_t zlen, size_t raw_len, const char *dict);

#endif
