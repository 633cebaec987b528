/* test_redis.c - the redis source's pure parts: the URL forgetop accepts, INFO fields,
 * cluster key slots. (A queue's trend is core's: test_facts.c.) */

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "forgetop/redis.h"

struct url_case {
    const char *url;
    bool unix_socket;
    const char *host;
    int port;
    const char *user, *password;
    int db;
};

/* The forms DESIGN.md names for --redis, and what redis-cli -u accepts. */
static const struct url_case good[] = {
    {"redis://127.0.0.1:6390", false, "127.0.0.1", 6390, "", "", 0},
    {"redis://localhost", false, "localhost", 6379, "", "", 0},
    {"redis://cache.internal:6379/3", false, "cache.internal", 6379, "", "", 3},
    {"redis://worker:s3cret@10.0.0.5:6380/1", false, "10.0.0.5", 6380, "worker", "s3cret", 1},
    {"redis://:onlypass@host:1", false, "host", 1, "", "onlypass", 0},
    {"redis://lonepass@host", false, "host", 6379, "", "lonepass", 0},
    {"redis://u:p%40ss%3Aw0rd@host:7000/", false, "host", 7000, "u", "p@ss:w0rd", 0},
    {"redis://u:p@ss@host", false, "host", 6379, "u", "p@ss", 0},
    {"redis://[::1]:6390/2", false, "::1", 6390, "", "", 2},
    {"unix:///run/redis/redis.sock", true, "/run/redis/redis.sock", 6379, "", "", 0},
    {"unix:///tmp/r.sock?db=4&password=pw&user=me", true, "/tmp/r.sock", 6379, "me", "pw", 4},
};

Test(redis, parses_every_url_form_the_design_names)
{
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        struct redis_url u;
        char err[256] = "";
        cr_assert_eq(redis_url_parse(good[i].url, &u, err, sizeof(err)), 0, "%s: %s", good[i].url,
                     err);
        cr_expect_eq(u.unix_socket, good[i].unix_socket, "%s", good[i].url);
        cr_expect_str_eq(u.host, good[i].host, "%s", good[i].url);
        cr_expect_eq(u.port, good[i].port, "%s", good[i].url);
        cr_expect_str_eq(u.user, good[i].user, "%s", good[i].url);
        cr_expect_str_eq(u.password, good[i].password, "%s", good[i].url);
        cr_expect_eq(u.db, good[i].db, "%s", good[i].url);
    }
}

static const struct {
    const char *url, *why;
} bad[] = {
    {"127.0.0.1:6379", "expected redis://"},
    {"http://host", "expected redis://"},
    {"rediss://host", "TLS"},
    {"redis://", "no host"},
    {"redis://host:0", "port must be 1..65535"},
    {"redis://host:70000", "port must be 1..65535"},
    {"redis://host:12ab", "port must be"},
    {"redis://host/zero", "database must be a number"},
    {"redis://u:p%4@host", "bad user or password"},
    {"redis://[::1", "unclosed ["},
    {"unix://relative.sock", "absolute socket path"},
    {"unix:///tmp/s?db=x", "bad or unknown parameter"},
    {"unix:///tmp/s?colour=red", "bad or unknown parameter"},
};

Test(redis, refuses_malformed_urls_saying_why)
{
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct redis_url u;
        char err[256] = "";
        cr_expect_eq(redis_url_parse(bad[i].url, &u, err, sizeof(err)), -1, "%s", bad[i].url);
        cr_expect(strstr(err, bad[i].why) != NULL, "%s: '%s' lacks '%s'", bad[i].url, err,
                  bad[i].why);
    }
}

Test(redis, never_quotes_a_password_parameter_in_its_error)
{
    static const char *const urls[] = {"unix:///tmp/s?password=s3cr%zz", "unix:///tmp/s?s3cret",
                                       "unix:///tmp/s?user=x%&password"};
    for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
        struct redis_url u;
        char err[256] = "";
        cr_expect_eq(redis_url_parse(urls[i], &u, err, sizeof(err)), -1, "%s", urls[i]);
        cr_expect(strstr(err, "s3cr") == NULL, "%s leaks into '%s'", urls[i], err);
    }
}

Test(redis, refuses_a_password_longer_than_its_buffer)
{
    char url[600] = "redis://u:";
    memset(url + strlen(url), 'x', 300);
    strcat(url, "@host");
    struct redis_url u;
    char err[256];
    cr_expect_eq(redis_url_parse(url, &u, err, sizeof(err)), -1);
}

/* An INFO reply as redis-server 7 sends it: CRLF lines, # section headers. */
static const char info[] = "# Server\r\nredis_version:7.0.15\r\n\r\n# Memory\r\n"
                           "used_memory:1048576\r\nused_memory_human:1.00M\r\nmaxmemory:0\r\n"
                           "# Replication\r\nrole:master\r\nconnected_slaves:1\r\n"
                           "slave0:ip=127.0.0.1,port=6381,state=online,offset=42,lag=0\r\n"
                           "evil:\x1b[2Jcleared\r\n";

Test(redis, reads_info_fields_without_their_line_endings)
{
    char v[128];
    cr_assert_eq(redis_info_field(info, "role", v, sizeof(v)), 0);
    cr_expect_str_eq(v, "master");
    cr_assert_eq(redis_info_field(info, "slave0", v, sizeof(v)), 0);
    cr_expect_str_eq(v, "ip=127.0.0.1,port=6381,state=online,offset=42,lag=0");
    cr_expect_eq(redis_info_field(info, "used_memory_peak", v, sizeof(v)), -1);
    cr_expect_eq(redis_info_number(info, "used_memory"), 1048576);
    cr_expect_eq(redis_info_number(info, "maxmemory"), 0);
    cr_expect(isnan(redis_info_number(info, "used_memory_human")), "1.00M is not a number");
    cr_expect(isnan(redis_info_number(info, "absent")));
}

Test(redis, sanitises_info_values_from_the_server)
{
    char v[64];
    cr_assert_eq(redis_info_field(info, "evil", v, sizeof(v)), 0);
    cr_expect(strchr(v, '\x1b') == NULL, "escape reached the value: %s", v);
}

/* Slots from the Redis cluster specification and `CLUSTER KEYSLOT`. */
Test(redis, computes_cluster_slots_with_hash_tags)
{
    cr_expect_eq(redis_key_slot("foo", 3), 12182);
    cr_expect_eq(redis_key_slot("somekey", 7), 11058);
    cr_expect_eq(redis_key_slot("123456789", 9), 0x31C3 & 16383);
    unsigned a = redis_key_slot("{user1000}.following", 20);
    cr_expect_eq(a, redis_key_slot("{user1000}.followers", 20));
    cr_expect_eq(a, redis_key_slot("user1000", 8));
    /* an empty tag does not count: the whole key is hashed */
    cr_expect_neq(redis_key_slot("{}abc", 5), redis_key_slot("", 0));
}
