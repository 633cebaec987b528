/* redisreply.c (fuzz) - what a redis server sends, through hiredis's reply reader as the
 * source reads it, then forgetop's readers of it: INFO fields, a queue key's depth and a
 * stream's groups.
 *
 * The first byte picks the key's type as TYPE answered it; the rest is fed to the reader
 * in chunks of the second byte's size, as a socket would hand them over. Every reply the
 * reader makes is read as INFO text (when a string) and as a key's replies; facts come
 * out safe, and once core has admitted them no count is negative. */

#include <hiredis/hiredis.h>
#include <math.h>
#include <string.h>

#include "forgetop/facts.h"
#include "forgetop/redis.h"
#include "safe.h"

static const char *const types[] = {"list", "zset", "stream", "none", "hash", "\x1b[2J"};
static const char *const keys[] = {
    "connected_clients",         "used_memory",  "role", "master_host",
    "instantaneous_ops_per_sec", "cluster_state"};
#define MAX_REPLIES 8

static void info(const redisReply *r)
{
    if (r->type != REDIS_REPLY_STRING && r->type != REDIS_REPLY_STATUS)
        return;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        char v[128];
        memset(v, 0x5a, sizeof v);
        if (redis_info_field(r->str, keys[i], v, sizeof v) == 0)
            CHECK(strnlen(v, sizeof v) < sizeof v && fuzz_is_safe(v));
        (void)redis_info_number(r->str, keys[i]);
    }
}

static void facts(redisReply **rep, size_t n, const char *type)
{
    struct snapshot *out = snapshot_new();
    if (out == NULL)
        return;
    redis_key_facts("agent:tasks:pending", type, rep, n, out);
    for (size_t i = 0; i < out->n_facts; i++) {
        struct fact f = out->facts[i];
        char text[256];
        CHECK(fuzz_is_safe(f.label) && fuzz_is_safe(f.text));
        facts_admit(&f);
        facts_format(&f, text, sizeof text);
        CHECK(fuzz_is_safe(text));
        CHECK(isnan(f.value) || f.value >= 0);
    }
    snapshot_free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const char *type = types[data[0] % (sizeof types / sizeof types[0])];
    size_t chunk = 1 + data[1] % 64;
    redisReader *rd = redisReaderCreate();
    if (rd == NULL)
        return 0;
    redisReply *rep[MAX_REPLIES];
    size_t n = 0;
    bool broken = false;
    for (size_t at = 2; at < size && !broken && n < MAX_REPLIES; at += chunk) {
        size_t len = size - at < chunk ? size - at : chunk;
        if (redisReaderFeed(rd, (const char *)data + at, len) != REDIS_OK)
            break;
        void *r = NULL;
        while (n < MAX_REPLIES && !broken) {
            if (redisReaderGetReply(rd, &r) != REDIS_OK) {
                broken = true; /* a protocol error: the source drops the connection */
                break;
            }
            if (r == NULL)
                break;
            rep[n++] = r;
        }
    }
    for (size_t i = 0; i < n; i++)
        info(rep[i]);
    for (size_t i = 0; i < n; i++)
        facts(rep + i, n - i, type);
    for (size_t i = 0; i < n; i++)
        freeReplyObject(rep[i]);
    redisReaderFree(rd);
    return 0;
}
