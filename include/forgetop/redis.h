/* redis.h - the pure parts of the redis source, exposed for unit tests: the URL forgetop
 * accepts (`redis://[user:password@]host:port/db`, `unix:///path`), INFO fields, the
 * cluster key slot, and a queue's trend (growth per minute, time to drain).
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

/* A queue's recent depths, oldest first, for its trend. */
#define REDIS_TREND_CAP      64
#define REDIS_TREND_WINDOW_S 300.0
struct redis_trend {
    double t[REDIS_TREND_CAP];
    double depth[REDIS_TREND_CAP];
    size_t n;
};

/* Record a depth at time t (drops samples older than the window). */
void redis_trend_push(struct redis_trend *tr, double t, double depth);
/* Growth in items per minute over the window (NAN with fewer than two samples or less
 * than one second between them) and time to drain in seconds at that rate: 0 when
 * empty, INFINITY when not shrinking, NAN when the rate is unknown. */
void redis_trend_rate(const struct redis_trend *tr, double *per_min, double *drain_s);

struct source;
/* Redis round trips the source's last poll took (for the benchmark). */
long redis_source_round_trips(const struct source *src);

#endif
