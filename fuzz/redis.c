/* redis.c (fuzz) - the redis source's parsers: the URL an operator gives, and the INFO
 * and CLUSTER INFO text a server answers.
 *
 * The first line of the input is a URL, the whole input an INFO reply. A URL parses
 * into terminated fields in range or fails with a terminated error; every INFO field
 * the source reads comes out terminated and safe for the terminal. */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/facts.h"
#include "forgetop/redis.h"
#include "safe.h"

/* Every key sources/redis.c reads from INFO or CLUSTER INFO. */
static const char *const keys[] = {
    "cluster_state",
    "master_host",
    "master_link_status",
    "master_port",
    "role",
    "cluster_known_nodes",
    "cluster_slots_fail",
    "cluster_slots_ok",
    "cluster_slots_pfail",
    "blocked_clients",
    "connected_clients",
    "connected_slaves",
    "evicted_keys",
    "instantaneous_ops_per_sec",
    "maxmemory",
    "used_memory",
};

static void url(const char *line)
{
    struct redis_url u;
    char err[256];
    memset(err, 0x5a, sizeof err);
    if (redis_url_parse(line, &u, err, sizeof err) < 0) {
        CHECK(strnlen(err, sizeof err) < sizeof err);
        return;
    }
    CHECK(strnlen(u.host, sizeof u.host) < sizeof u.host && u.host[0] != '\0');
    CHECK(strnlen(u.user, sizeof u.user) < sizeof u.user);
    CHECK(strnlen(u.password, sizeof u.password) < sizeof u.password);
    CHECK(u.unix_socket ? u.host[0] == '/' : (u.port >= 1 && u.port <= 65535));
    CHECK(u.db >= 0 && u.db <= 1 << 20);
}

/* The queue trend core works out from a depth history: any samples, any order. */
static void trend(const uint8_t *data, size_t size)
{
    static struct history h;
    double per_min, drain;
    history_init(&h);
    for (size_t i = 0; i + 2 * sizeof(double) <= size && i < 4096; i += 2 * sizeof(double)) {
        double t, depth;
        memcpy(&t, data + i, sizeof t);
        memcpy(&depth, data + i + sizeof t, sizeof depth);
        history_push(&h, t, depth);
        CHECK(history_len(&h) <= HISTORY_CAP);
    }
    facts_trend(&h, &per_min, &drain);
    CHECK(isnan(drain) || drain >= 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    char *nl = strchr(text, '\n');
    if (nl != NULL)
        *nl = '\0';
    url(text);
    if (nl != NULL)
        *nl = '\n';

    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        char v[64];
        if (redis_info_field(text, keys[i], v, sizeof v) == 0)
            CHECK_FIELD(v);
        (void)redis_info_number(text, keys[i]);
    }
    CHECK(redis_key_slot(text, size) < 16384);
    trend(data, size);
    free(text);
    return 0;
}
