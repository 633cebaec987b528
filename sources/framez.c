/* framez.c - deflate a frame against the previous one (zlib's preset dictionary).
 *
 * Only the dictionary's last 32 kB count (deflate's window): a frame larger than that
 * still compresses, only less. */

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "forgetop/framez.h"

#define WINDOW 32768

static void set_dict(z_stream *zs, const char *dict, bool deflating)
{
    size_t n = strlen(dict);
    const char *from = n > WINDOW ? dict + n - WINDOW : dict;
    uInt len = (uInt)(n > WINDOW ? WINDOW : n);
    if (deflating)
        deflateSetDictionary(zs, (const Bytef *)from, len);
    else
        inflateSetDictionary(zs, (const Bytef *)from, len);
}

int framez_pack(const char *json, const char *dict, unsigned char **out, size_t *outlen)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (deflateInit(&zs, 6) != Z_OK)
        return -1;
    if (dict != NULL)
        set_dict(&zs, dict, true);
    size_t n = strlen(json), cap = deflateBound(&zs, (uLong)n);
    unsigned char *buf = malloc(cap);
    int rc = -1;
    if (buf != NULL) {
        zs.next_in = (Bytef *)json;
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

char *framez_unpack(const void *z, size_t zlen, size_t raw_len, const char *dict)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    char *out = malloc(raw_len + 1);
    if (out == NULL || inflateInit(&zs) != Z_OK) {
        free(out);
        return NULL;
    }
    zs.next_in = (Bytef *)z;
    zs.avail_in = (uInt)zlen;
    zs.next_out = (Bytef *)out;
    zs.avail_out = (uInt)raw_len;
    int rc = inflate(&zs, Z_FINISH);
    if (rc == Z_NEED_DICT && dict != NULL) {
        set_dict(&zs, dict, false);
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
