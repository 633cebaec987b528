/* snapjson.h - a snapshot as compact JSON or binary and back, for the recorder and the replay.
 *
 * Every field of struct snapshot round-trips (services with pods, readings, alerts,
 * facts, notice, context, access): NAN is null, +-INF the strings "inf" and "-inf". */

#ifndef FORGETOP_SNAPJSON_H
#define FORGETOP_SNAPJSON_H

#include <stddef.h>

#include "forgetop/model.h"

/* The snapshot as one line of JSON; caller frees. NULL on allocation failure. */
char *snapjson_encode(const struct snapshot *s);
/* A JSON number that reads back as exactly v (null for NAN, "inf"/"-inf"). */
struct cJSON *snapjson_number(double v);
/* A new snapshot from what snapjson_encode wrote; NULL with err when it is not one. */
struct snapshot *snapjson_decode(const char *json, char *err, size_t errlen);

/* The binary form the recorder stores (snapjson.c: keyed entries, numbers as their 8
 * bytes): exact, and decoded several times faster than the JSON. It opens with the magic. */
#define SNAPJSON_BIN_MAGIC "\xf7\x01"
/* The snapshot in the binary form, *len bytes; caller frees. NULL on allocation failure. */
unsigned char *snapjson_encode_bin(const struct snapshot *s, size_t *len);
/* A new snapshot from what snapjson_encode_bin wrote; NULL with err when it is damaged. */
struct snapshot *snapjson_decode_bin(const void *data, size_t len, char *err, size_t errlen);

#endif
