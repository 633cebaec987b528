/* framez.c - deflate a frame against the previous one (zlib's preset dictionary), at
 * level 9: a frame is small, and the bytes stay on disk for hours. Raw deflate: no header
 * and no checksum to compute over the dictionary at every frame (the frames of a first-
 * format recording are zlib streams, read with raw false).
 *
 * Only the dictionary's last 32 kB count (deflate's window): a frame larger than that
 * still compresses, only less. */

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "forgetop/framez.h"

#define WINDOW 32768

static void set_dict(z_stream *zs, const char *dict, size_t n, bool deflating)
{
    const char *from = n > WINDOW ? dict + n - WINDOW : dict;
    uInt len = (uInt)(n > WINDOW ? WINDOW : n);
    if (deflating)
        deflateSetDictionary(zs, (const Bytef *)from, len);
    else
        inflateSetDictionary(zs, (const Bytef *)from, len);
}

int framez_pack(const void *data, size_t n, const void *dict, size_t dict_n, unsigned char **out,
                size_t *outlen)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    if (dict != NULL)
        set_dict(&zs, dict, dict_n, true);
    size_t cap = deflateBound(&zs, (uLong)n);
    unsigned char *buf = malloc(cap);
    int rc = -1;
    if (buf != NULL) {
        zs.next_in = (Bytef *)data;
        zs.avail_in = (uInt)n;
        zs.next_out = buf;
        zs.avail_out = (uInt)cap;
        if (deflate(&zs, Z_FINISH) == Z_STREAM_END) {
            *out = buf;
            *outlen = cap - zs.avail_out;
            rc = 0;
        } else {
            free(buf);
        }
    }
    deflateEnd(&zs);
    return rc;
}

char *framez_unpack(const void *z, size_t zlen, size_t raw_len, const void *dict, size_t dict_n,
                    bool raw)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    char *out = malloc(raw_len + 1);
    if (out == NULL || inflateInit2(&zs, raw ? -15 : 15) != Z_OK) {
        free(out);
        return NULL;
    }
    zs.next_in = (Bytef *)z;
    zs.avail_in = (uInt)zlen;
    zs.next_out = (Bytef *)out;
    zs.avail_out = (uInt)raw_len;
    if (raw && dict != NULL)
        set_dict(&zs, dict, dict_n, false); /* raw: no header asks for it */
    int rc = inflate(&zs, Z_FINISH);
    if (!raw && rc == Z_NEED_DICT && dict != NULL) {
        set_dict(&zs, dict, dict_n, false);
        rc = inflate(&zs, Z_FINISH);
    }
    bool whole = rc == Z_STREAM_END && zs.avail_out == 0;
    inflateEnd(&zs);
    if (!whole) {
        free(out);
        return NULL;
    }
    out[raw_len] = '\0';
    return out;
}
