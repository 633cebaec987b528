/* redis.h - the pure parts of the redis source, exposed for unit tests: the URL forgetop
 * accepts (`redis://[user:password@]host:port/db`, `unix:///path`), INFO fields, and the
 * cluster key slot. A queue's trend is core's (facts_trend in facts.h).
 *
 * The source itself is redis_source_new() in source.h. */

#ifndef FORGETOP_REDIS_H
#define FORGETOP_REDIS_H

#include <stdbool.h>
#include <stddef.h>

struct redis_url {
    bool unix_socket;
    char host[256]; /* or the socket path when unix_socket */
    int port;
    char user[128]; /* ACL user, "" = default */
    char password[256];
    int db;
};

/* Parse url into out. 0, or -1 with err saying what is wrong. Percent-escapes in the
 * user and password are decoded; `unix:///path?db=N&password=P` takes a query. */
int redis_url_parse(const char *url, struct redis_url *out, char *err, size_t errlen);

/* The value of `key:` in an INFO reply, copied into out (sanitised); -1 when absent. */
int redis_info_field(const char *info, const char *key, char *out, size_t len);
/* The same as a number; NAN when absent or not a number. */
double redis_info_number(const char *info, const char *key);

/* Cluster hash slot of a key (CRC16 mod 16384, honouring {hash tags}). */
unsigned redis_key_slot(const char *key, size_t len);

struct redisReply;
struct snapshot;
/* The queue panel's facts for one key of a type ("list", "zset", "stream", anything)
 * from the n replies a poll reads for it (LLEN or ZCARD; XLEN and XINFO GROUPS): how
 * many it used, 0 when it needs more than n. For the fuzzer. */
size_t redis_key_facts(const char *name, const char *type, struct redisReply **rep, size_t n,
                       struct snapshot *out);

struct source;
/* Redis round trips the source's last poll took (for the benchmark). */
long redis_source_round_trips(const struct source *src);

#endif
