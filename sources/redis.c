/* redis.c - the queue and redis panels from a real Redis, through hiredis.
 *
 * One poll is one pipelined round trip in the steady state: INFO, then for each queue key
 * its TYPE and the reads the type it had last time calls for (LLEN; XLEN and XINFO GROUPS;
 * ZCARD). Only a key whose type changed costs a second round. Sentinel and cluster add
 * their own rounds. A failed poll drops every connection; the next poll starts afresh. */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <hiredis/hiredis.h>

#include "forgetop/config.h"
#include "forgetop/redis.h"
#include "forgetop/secret.h"
#include "forgetop/source.h"
#include "forgetop/text.h"

#define MAX_GROUPS 8
#define MAX_NODES  16
#define MAX_BATCH  64
#define INFO_CAP   (256 * 1024) /* a reply larger than this is refused */

enum ktype { KT_UNKNOWN, KT_NONE, KT_LIST, KT_STREAM, KT_ZSET, KT_OTHER };

struct group {
    char name[64];
    double pending, lag; /* lag NAN when the server cannot tell */
};

struct rkey {
    char name[128];
    enum ktype type; /* as of the last poll: decides what round one reads */
    char type_name[16];
    double depth; /* NAN unknown */
    struct group groups[MAX_GROUPS];
    size_t n_groups;
    char err[128];
};

struct rnode {
    char host[256];
    int port;
    bool unix_socket;
    redisContext *c;
    /* cluster: what CLUSTER NODES says of it */
    char flags[64];
    char slots[64];
    bool master, seen;
    double used_memory;
    char err[FT_TEXT_MAX]; /* why this poll could not read it, "" when it could */
};

struct rsrc {
    struct redis_url url;
    char sentinel_master[FT_NAME_MAX];
    char sentinels[CONFIG_URL_MAX];
    bool cluster_cfg, cluster;
    double connect_s, request_s;
    struct rkey keys[CONFIG_MAX_QUEUES];
    size_t n_keys;
    char worker[FT_NAME_MAX];
    struct rnode main;
    struct rnode nodes[MAX_NODES]; /* cluster members, main's peers included */
    size_t n_nodes;
    double prev_evicted, prev_t;
    long round_trips; /* in the last poll */
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct timeval tv_of(double s)
{
    struct timeval tv = {(time_t)s, (suseconds_t)((s - (time_t)s) * 1e6)};
    return tv;
}

static void node_name(const struct rnode *n, char *out, size_t len)
{
    if (n->unix_socket)
        text_printf(out, len, "%s", n->host);
    else
        text_printf(out, len, "%s:%d", n->host, n->port);
}

/* The context's error in an operator's words. */
static void node_err(const struct rsrc *r, const struct rnode *n, const char *what, char *err,
                     size_t errlen)
{
    char name[300], why[160];
    node_name(n, name, sizeof(name));
    const char *e = n->c ? n->c->errstr : "out of memory";
    if (strstr(e, "temporarily unavailable") || strstr(e, "timed out"))
        text_printf(why, sizeof(why), "timed out after %g s",
                    strstr(e, "Connection") ? r->connect_s : r->request_s);
    else if (n->c && n->c->err == REDIS_ERR_EOF)
        text_printf(why, sizeof(why), "connection closed by the server");
    else
        text_sanitize(why, sizeof(why), e);
    if (why[0] >= 'A' && why[0] <= 'Z' && why[1] >= 'a' && why[1] <= 'z')
        why[0] = (char)(why[0] - 'A' + 'a');
    snprintf(err, errlen, "redis %s: %s%s%s", name, what ? what : "", what ? ": " : "", why);
}

/* A reply's type in words: "unexpected reply type 4" told an operator nothing. */
static const char *reply_kind(int type)
{
    switch (type) {
    case REDIS_REPLY_STRING:
        return "a string";
    case REDIS_REPLY_ARRAY:
        return "an array";
    case REDIS_REPLY_INTEGER:
        return "an integer";
    case REDIS_REPLY_NIL:
        return "nil";
    case REDIS_REPLY_STATUS:
        return "a status";
    case REDIS_REPLY_ERROR:
        return "an error";
    default:
        return "of an unknown type";
    }
}

static void reply_err(const struct rnode *n, const char *what, const redisReply *rep, char *err,
                      size_t errlen)
{
    char name[300], why[160];
    node_name(n, name, sizeof(name));
    if (rep == NULL)
        text_printf(why, sizeof(why), "no reply");
    else if (rep->type == REDIS_REPLY_ERROR)
        text_sanitize_n(why, sizeof(why), rep->str, rep->len);
    else
        text_printf(why, sizeof(why), "the reply was %s, not what %s answers",
                    reply_kind(rep->type), what);
    snprintf(err, errlen, "redis %s: %s: %s", name, what, why);
}

static void node_close(struct rnode *n)
{
    if (n->c)
        redisFree(n->c);
    n->c = NULL;
}

/* No reply forgetop asks for comes near this (INFO is a few KiB): a server that sends more
 * is refused before its answer costs more memory than the dashboard itself. */
#define REDIS_MAX_REPLY (8u << 20)

/* One reply, read with a total deadline and a byte cap: hiredis's own redisGetReply would
 * wait one socket timeout per read, so a server that trickles a byte at a time held a poll
 * forever, and buffer whatever length a reply announced. 0, or -1 with err. */
static int reply_read(struct rsrc *r, struct rnode *n, const char *what, double deadline,
                      void **out, char *err, size_t errlen)
{
    redisContext *c = n->c;
    int done = 0;
    if (redisGetReplyFromReader(c, out) != REDIS_OK)
        goto bad;
    while (*out == NULL && !done)
        if (redisBufferWrite(c, &done) != REDIS_OK)
            goto bad;
    while (*out == NULL) {
        double left = deadline - now_s();
        char name[300];
        if (left <= 0 || c->reader->len > REDIS_MAX_REPLY) {
            node_name(n, name, sizeof(name));
            if (left <= 0)
                snprintf(err, errlen, "redis %s: %s%sno whole reply within %g s", name,
                         what ? what : "", what ? ": " : "", r->request_s);
            else
                snprintf(err, errlen, "redis %s: %s%sa reply larger than %u MiB: refused", name,
                         what ? what : "", what ? ": " : "", REDIS_MAX_REPLY >> 20);
            return -1;
        }
        redisSetTimeout(c, tv_of(left));
        if (redisBufferRead(c) != REDIS_OK || redisGetReplyFromReader(c, out) != REDIS_OK)
            goto bad;
    }
    return 0;
bad:
    node_err(r, n, what, err, errlen);
    return -1;
}

/* Read the replies of n commands already appended: one round trip, one deadline. */
static int batch_run(struct rsrc *r, struct rnode *n, const char *what, size_t count,
                     redisReply **rep, char *err, size_t errlen)
{
    double deadline = now_s() + r->request_s;
    r->round_trips++;
    for (size_t i = 0; i < count; i++) {
        void *p = NULL;
        if (reply_read(r, n, what, deadline, &p, err, errlen) < 0) {
            for (size_t j = 0; j < i; j++)
                freeReplyObject(rep[j]);
            /* the stream is mid-reply: only a new connection can be read again */
            node_close(n);
            return -1;
        }
        rep[i] = p;
    }
    return 0;
}

static void batch_free(redisReply **rep, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (rep[i])
            freeReplyObject(rep[i]);
}

/* Connect, authenticate and (outside cluster mode) select the database. */
static int node_connect(struct rsrc *r, struct rnode *n, char *err, size_t errlen)
{
    redisReply *rep[2] = {0};
    size_t count = 0;
    int rc = -1;
    node_close(n);
    n->c = n->unix_socket ? redisConnectUnixWithTimeout(n->host, tv_of(r->connect_s))
                          : redisConnectWithTimeout(n->host, n->port, tv_of(r->connect_s));
    if (n->c == NULL || n->c->err) {
        node_err(r, n, NULL, err, errlen);
        goto out;
    }
    redisSetTimeout(n->c, tv_of(r->request_s));
    if (!n->unix_socket)
        redisEnableKeepAlive(n->c);
    if (r->url.password[0] && r->url.user[0])
        count += redisAppendCommand(n->c, "AUTH %s %s", r->url.user, r->url.password) == REDIS_OK;
    else if (r->url.password[0])
        count += redisAppendCommand(n->c, "AUTH %s", r->url.password) == REDIS_OK;
    if (r->url.db > 0 && !r->cluster)
        count += redisAppendCommand(n->c, "SELECT %d", r->url.db) == REDIS_OK;
    if (count && batch_run(r, n, NULL, count, rep, err, errlen) < 0)
        goto out;
    for (size_t i = 0; i < count; i++)
        if (rep[i]->type == REDIS_REPLY_ERROR) {
            reply_err(n, i == 0 && r->url.password[0] ? "AUTH" : "SELECT", rep[i], err, errlen);
            goto out;
        }
    rc = 0;
out:
    batch_free(rep, count);
    if (rc < 0)
        node_close(n);
    return rc;
}

/* "host:port" into its parts; IPv6 as [addr]:port. */
static int split_hostport(const char *s, char *host, size_t hostlen, int *port)
{
    const char *colon = strrchr(s, ':');
    if (colon == NULL || colon == s)
        return -1;
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if (*end || p <= 0 || p > 65535)
        return -1;
    size_t hl = (size_t)(colon - s);
    if (s[0] == '[' && colon[-1] == ']') {
        s++;
        hl -= 2;
    }
    if (hl >= hostlen)
        return -1;
    memcpy(host, s, hl);
    host[hl] = '\0';
    *port = (int)p;
    return 0;
}

static int ask_one_sentinel(struct rsrc *r, const char *addr, char *err, size_t errlen)
{
    struct rnode s = {0};
    redisReply *rep = NULL;
    int rc = -1;
    if (split_hostport(addr, s.host, sizeof(s.host), &s.port) < 0) {
        snprintf(err, errlen, "redis sentinel '%.100s': not host:port", addr);
        return -1;
    }
    s.c = redisConnectWithTimeout(s.host, s.port, tv_of(r->connect_s));
    if (s.c == NULL || s.c->err) {
        node_err(r, &s, "sentinel", err, errlen);
        goto out;
    }
    redisSetTimeout(s.c, tv_of(r->request_s));
    if (redisAppendCommand(s.c, "SENTINEL get-master-addr-by-name %s", r->sentinel_master) !=
        REDIS_OK) {
        node_err(r, &s, "sentinel", err, errlen);
        goto out;
    }
    if (batch_run(r, &s, "sentinel", 1, &rep, err, errlen) < 0)
        goto out;
    if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 2 ||
        rep->element[0]->type != REDIS_REPLY_STRING) {
        if (rep->type == REDIS_REPLY_NIL)
            snprintf(err, errlen, "redis sentinel %s:%d: does not know master '%s'", s.host, s.port,
                     r->sentinel_master);
        else
            reply_err(&s, "SENTINEL get-master-addr-by-name", rep, err, errlen);
        goto out;
    }
    text_sanitize(r->main.host, sizeof(r->main.host), rep->element[0]->str);
    r->main.port = atoi(rep->element[1]->str);
    rc = r->main.port > 0 ? 0 : -1;
    if (rc < 0)
        snprintf(err, errlen, "redis sentinel %s:%d: bad port for master", s.host, s.port);
out:
    if (rep)
        freeReplyObject(rep);
    node_close(&s);
    return rc;
}

/* The master's address from the first sentinel that knows it. */
static int ask_sentinels(struct rsrc *r, char *err, size_t errlen)
{
    char list[CONFIG_URL_MAX], *save = NULL;
    text_printf(list, sizeof(list), "%s", r->sentinels);
    snprintf(err, errlen, "redis: no sentinel configured for master '%s'", r->sentinel_master);
    for (char *a = strtok_r(list, ", ", &save); a; a = strtok_r(NULL, ", ", &save))
        if (ask_one_sentinel(r, a, err, errlen) == 0)
            return 0;
    return -1;
}

static void drop_all(struct rsrc *r)
{
    node_close(&r->main);
    for (size_t i = 0; i < r->n_nodes; i++)
        node_close(&r->nodes[i]);
    r->n_nodes = 0;
}

/* Connect to the master (through the sentinels when configured) and detect cluster mode. */
static int connect_main(struct rsrc *r, char *err, size_t errlen)
{
    redisReply *rep = NULL;
    int rc = -1;
    r->main.unix_socket = r->url.unix_socket;
    if (r->sentinel_master[0]) {
        if (ask_sentinels(r, err, errlen) < 0)
            return -1;
    } else {
        text_printf(r->main.host, sizeof(r->main.host), "%s", r->url.host);
        r->main.port = r->url.port;
    }
    r->cluster = r->cluster_cfg;
    if (node_connect(r, &r->main, err, errlen) < 0)
        return -1;
    if (!r->cluster) {
        if (redisAppendCommand(r->main.c, "INFO cluster") != REDIS_OK) {
            node_err(r, &r->main, "INFO", err, errlen);
            goto out;
        }
        if (batch_run(r, &r->main, "INFO", 1, &rep, err, errlen) < 0)
            goto out;
        if (rep->type == REDIS_REPLY_STRING)
            r->cluster = redis_info_number(rep->str, "cluster_enabled") == 1;
    }
    rc = 0;
out:
    if (rep)
        freeReplyObject(rep);
    if (rc < 0)
        node_close(&r->main);
    return rc;
}

static enum ktype ktype_of(const char *s)
{
    static const struct {
        const char *name;
        enum ktype t;
    } types[] = {{"none", KT_NONE}, {"list", KT_LIST}, {"stream", KT_STREAM}, {"zset", KT_ZSET}};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(s, types[i].name) == 0)
            return types[i].t;
    return KT_OTHER;
}

/* Append the reads a key of type t needs; returns how many. */
static size_t key_append(redisContext *c, const struct rkey *k, enum ktype t)
{
    size_t len = strlen(k->name);
    switch (t) {
    case KT_LIST:
        return redisAppendCommand(c, "LLEN %b", k->name, len) == REDIS_OK;
    case KT_ZSET:
        return redisAppendCommand(c, "ZCARD %b", k->name, len) == REDIS_OK;
    case KT_STREAM:
        return (redisAppendCommand(c, "XLEN %b", k->name, len) == REDIS_OK) +
               (redisAppendCommand(c, "XINFO GROUPS %b", k->name, len) == REDIS_OK);
    default:
        return 0;
    }
}

static double field_number(const redisReply *r)
{
    if (r->type == REDIS_REPLY_INTEGER)
        return (double)r->integer;
    if (r->type == REDIS_REPLY_STRING)
        return strtod(r->str, NULL);
    return NAN;
}

static void take_groups(struct rkey *k, const redisReply *rep)
{
    k->n_groups = 0;
    if (rep->type != REDIS_REPLY_ARRAY)
        return;
    for (size_t i = 0; i < rep->elements && k->n_groups < MAX_GROUPS; i++) {
        const redisReply *g = rep->element[i];
        struct group *gr = &k->groups[k->n_groups];
        if (g->type != REDIS_REPLY_ARRAY)
            continue;
        gr->name[0] = '\0';
        gr->pending = gr->lag = NAN;
        for (size_t j = 0; j + 1 < g->elements; j += 2) {
            const redisReply *f = g->element[j], *v = g->element[j + 1];
            if (f->type != REDIS_REPLY_STRING)
                continue;
            if (strcmp(f->str, "name") == 0 && v->type == REDIS_REPLY_STRING)
                text_sanitize_n(gr->name, sizeof(gr->name), v->str, v->len);
            else if (strcmp(f->str, "pending") == 0)
                gr->pending = field_number(v);
            else if (strcmp(f->str, "lag") == 0)
                gr->lag = field_number(v);
        }
        k->n_groups++;
    }
}

/* Store the replies of the reads for type t; returns how many replies it used. */
static size_t key_take(struct rkey *k, enum ktype t, redisReply **rep)
{
    size_t used = t == KT_STREAM ? 2 : (t == KT_LIST || t == KT_ZSET) ? 1 : 0;
    k->n_groups = 0;
    k->depth = t == KT_NONE ? 0 : NAN;
    if (used == 0)
        return 0;
    if (rep[0]->type == REDIS_REPLY_INTEGER) {
        k->depth = (double)rep[0]->integer;
    } else {
        text_printf(k->err, sizeof(k->err), "%s: ", t == KT_LIST ? "LLEN" : "read");
        size_t l = strlen(k->err);
        if (rep[0]->type == REDIS_REPLY_ERROR)
            text_sanitize_n(k->err + l, sizeof(k->err) - l, rep[0]->str, rep[0]->len);
        else /* a count that is not one: say what came, never an empty "LLEN: " */
            text_printf(k->err + l, sizeof(k->err) - l, "the reply was %s, not a count",
                        reply_kind(rep[0]->type));
    }
    if (t == KT_STREAM)
        take_groups(k, rep[1]);
    return used;
}

/* One round on node n: an optional leading command (INFO), then each key's TYPE and reads
 * by its cached type; a second round for keys whose type changed. */
static int read_keys(struct rsrc *r, struct rnode *n, const char *lead, redisReply **lead_out,
                     struct rkey **keys, size_t nk, char *err, size_t errlen)
{
    redisReply *rep[MAX_BATCH] = {0};
    size_t count = 0, pos = 0;
    bool again[CONFIG_MAX_QUEUES] = {0}, any = false;
    if (lead)
        count += redisAppendCommand(n->c, lead) == REDIS_OK;
    for (size_t i = 0; i < nk; i++) {
        keys[i]->err[0] = '\0';
        count +=
            redisAppendCommand(n->c, "TYPE %b", keys[i]->name, strlen(keys[i]->name)) == REDIS_OK;
        count += key_append(n->c, keys[i], keys[i]->type);
    }
    if (batch_run(r, n, NULL, count, rep, err, errlen) < 0)
        return -1;
    if (lead) {
        *lead_out = rep[pos];
        rep[pos++] = NULL;
    }
    for (size_t i = 0; i < nk; i++) {
        struct rkey *k = keys[i];
        const redisReply *t = rep[pos++];
        enum ktype was = k->type;
        if (t->type == REDIS_REPLY_STATUS || t->type == REDIS_REPLY_STRING) {
            k->type = ktype_of(t->str);
            text_sanitize_n(k->type_name, sizeof(k->type_name), t->str, t->len);
        } else {
            k->type = KT_UNKNOWN;
            text_printf(k->type_name, sizeof(k->type_name), "?");
            text_printf(k->err, sizeof(k->err), "TYPE: ");
            size_t l = strlen(k->err);
            if (t->type == REDIS_REPLY_ERROR)
                text_sanitize_n(k->err + l, sizeof(k->err) - l, t->str, t->len);
            else /* the key's type unknown: its depth is no data, and this says why */
                text_printf(k->err + l, sizeof(k->err) - l, "the reply was %s, not a type",
                            reply_kind(t->type));
        }
        if (k->type == was) {
            pos += key_take(k, was, rep + pos);
        } else {
            pos += was == KT_STREAM ? 2 : (was == KT_LIST || was == KT_ZSET) ? 1 : 0;
            again[i] = any = true;
        }
    }
    batch_free(rep, count);
    if (!any)
        return 0;
    memset(rep, 0, sizeof(rep));
    count = pos = 0;
    for (size_t i = 0; i < nk; i++)
        if (again[i])
            count += key_append(n->c, keys[i], keys[i]->type);
    if (count && batch_run(r, n, NULL, count, rep, err, errlen) < 0)
        return -1;
    for (size_t i = 0; i < nk; i++)
        if (again[i])
            pos += key_take(keys[i], keys[i]->type, rep + pos);
    batch_free(rep, count);
    return 0;
}

static struct fact *fact_num(struct snapshot *out, const char *label, const char *rule,
                             enum unit unit, double v, double of, const char *text)
{
    struct fact *f = snapshot_add_fact_num(out, "redis", label, rule, unit, v, of);
    if (text != NULL)
        fact_set_text(f, text);
    return f;
}

/* A figure read from INFO: a field that is there but no number ("-nan", "nan") says what
 * the server sent, one that is missing says so; core judges the numbers (-5 clients). */
static void fact_info(struct snapshot *out, const char *info, const char *key, const char *label,
                      enum unit unit)
{
    char v[64], why[96];
    double d = redis_info_number(info, key);
    if (!isnan(d)) {
        fact_num(out, label, "", unit, d, NAN, NULL);
        return;
    }
    if (redis_info_field(info, key, v, sizeof v) < 0 || v[0] == '\0')
        text_printf(why, sizeof why, "no %s in INFO", key);
    else
        text_printf(why, sizeof why, "no data: server sent %s", v);
    fact_num(out, label, "", unit, NAN, NAN, why);
}

/* A queue key's depth (and its stream groups'): judged by the queue_depth rule in core,
 * which keeps its history and works out growth and time to drain. */
static void fact_key(struct snapshot *out, const struct rkey *k)
{
    char why[200];
    struct fact *f = snapshot_add_fact_num(out, "queue", k->name, "queue_depth", UNIT_COUNT,
                                           k->err[0] || k->type == KT_OTHER ? NAN : k->depth, NAN);
    if (k->err[0] && k->type == KT_UNKNOWN)
        text_printf(why, sizeof(why), "%s", k->err); /* no type to name: "?: TYPE: ..." */
    else if (k->err[0])
        text_printf(why, sizeof(why), "%s: %s", k->type_name, k->err);
    else if (k->type == KT_OTHER)
        text_printf(why, sizeof(why), "type %s: not a queue (list, stream or sorted set)",
                    k->type_name);
    else
        text_printf(why, sizeof(why), "%s", k->type_name);
    fact_set_text(f, why);
    if (k->err[0] || k->type == KT_OTHER)
        return;
    for (size_t g = 0; g < k->n_groups; g++) {
        char label[40];
        text_printf(label, sizeof(label), "  group %s pending", k->groups[g].name);
        snapshot_add_fact_num(out, "queue", label, "", UNIT_COUNT, k->groups[g].pending, NAN);
        text_printf(label, sizeof(label), "  group %s lag", k->groups[g].name);
        snapshot_add_fact_num(out, "queue", label, "queue_depth", UNIT_COUNT, k->groups[g].lag,
                              NAN);
    }
}

static void facts_role(struct snapshot *out, const char *info)
{
    char role[16] = "?", v[64];
    redis_info_field(info, "role", role, sizeof(role));
    if (strcmp(role, "master") == 0) {
        double n = redis_info_number(info, "connected_slaves");
        snapshot_add_fact_text(out, "redis", "role", "", "master");
        fact_num(out, "replicas", "", UNIT_COUNT, n, NAN, NULL);
        for (int i = 0; i < 8 && i < n; i++) {
            char key[24], label[40];
            snprintf(key, sizeof(key), "slave%d", i);
            if (redis_info_field(info, key, v, sizeof(v)) == 0) {
                text_printf(label, sizeof(label), "  replica %d", i);
                snapshot_add_fact_text(out, "redis", label, "", v);
            }
        }
        return;
    }
    char host[64] = "?", port[8] = "?", link[8] = "?", of[96];
    redis_info_field(info, "master_host", host, sizeof(host));
    redis_info_field(info, "master_port", port, sizeof(port));
    redis_info_field(info, "master_link_status", link, sizeof(link));
    text_printf(of, sizeof(of), "%s of %s:%s", role, host, port);
    snapshot_add_fact_text(out, "redis", "role", "", of);
    snapshot_add_fact_text(out, "redis", "master link", "status", link);
}

/* The redis panel from an INFO reply. */
static void facts_server(struct rsrc *r, struct snapshot *out, const char *info, double t)
{
    double used = redis_info_number(info, "used_memory");
    double max = redis_info_number(info, "maxmemory");
    if (max > 0)
        fact_num(out, "memory", "redis_memory", UNIT_BYTES, used, max, NULL);
    else
        fact_num(out, "memory", "", UNIT_BYTES, used, NAN, "no maxmemory");
    /* evicted_keys is a counter: the rate between two polls is what was measured */
    double ev = redis_info_number(info, "evicted_keys");
    if (r->prev_t > 0 && t > r->prev_t && ev >= r->prev_evicted)
        fact_num(out, "evictions", "evictions", UNIT_PER_S,
                 (ev - r->prev_evicted) / (t - r->prev_t), NAN, NULL);
    else
        fact_num(out, "evictions", "evictions", UNIT_PER_S, NAN, NAN, "first poll");
    r->prev_evicted = ev;
    r->prev_t = t;
    fact_info(out, info, "connected_clients", "clients", UNIT_COUNT);
    fact_info(out, info, "blocked_clients", "blocked clients", UNIT_COUNT);
    fact_info(out, info, "instantaneous_ops_per_sec", "ops", UNIT_PER_S);
    facts_role(out, info);
}

static struct rnode *node_find(struct rsrc *r, const char *host, int port)
{
    for (size_t i = 0; i < r->n_nodes; i++)
        if (r->nodes[i].port == port && strcmp(r->nodes[i].host, host) == 0)
            return &r->nodes[i];
    if (r->n_nodes == MAX_NODES)
        return NULL;
    struct rnode *n = &r->nodes[r->n_nodes++];
    memset(n, 0, sizeof(*n));
    text_printf(n->host, sizeof(n->host), "%s", host);
    n->port = port;
    return n;
}

static bool slot_in(const char *slots, unsigned slot)
{
    char buf[64], *save = NULL;
    text_printf(buf, sizeof(buf), "%s", slots);
    for (char *s = strtok_r(buf, " ", &save); s; s = strtok_r(NULL, " ", &save)) {
        unsigned a, b;
        int n = sscanf(s, "%u-%u", &a, &b);
        if ((n == 2 && slot >= a && slot <= b) || (n == 1 && slot == a))
            return true;
    }
    return false;
}

/* Parse CLUSTER NODES into r->nodes (marking which are present now). */
static void parse_nodes(struct rsrc *r, const char *text)
{
    for (size_t i = 0; i < r->n_nodes; i++)
        r->nodes[i].seen = false;
    const char *line = text;
    while (line && *line) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        char buf[512], *save = NULL, *f[9] = {0};
        text_sanitize_n(buf, sizeof(buf), line, len);
        size_t nf = 0;
        for (char *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
            f[nf++] = tok;
            if (nf == 8)
                break; /* the rest of the line is the slot ranges */
        }
        char *rest = save; /* the slot ranges */
        line = nl ? nl + 1 : NULL;
        if (nf < 8)
            continue;
        char host[256];
        int port;
        char *at = strchr(f[1], '@');
        if (at)
            *at = '\0';
        if (split_hostport(f[1], host, sizeof(host), &port) < 0)
            continue;
        if (strstr(f[2], "myself") && host[0] == '\0')
            text_printf(host, sizeof(host), "%s", r->main.host);
        struct rnode *n = node_find(r, host, port);
        if (n == NULL)
            continue;
        n->seen = true;
        n->master = strstr(f[2], "master") != NULL;
        text_printf(n->flags, sizeof(n->flags), "%s", f[2]);
        text_printf(n->slots, sizeof(n->slots), "%s", rest ? rest : "");
        n->used_memory = NAN;
    }
}

static void facts_cluster(struct snapshot *out, const char *cinfo, struct rsrc *r)
{
    char state[16] = "?";
    redis_info_field(cinfo, "cluster_state", state, sizeof(state));
    snapshot_add_fact_text(out, "redis", "cluster", "status", state);
    fact_num(out, "slots ok", "", UNIT_COUNT, redis_info_number(cinfo, "cluster_slots_ok"), 16384,
             NULL);
    fact_num(out, "slots failing", "", UNIT_COUNT,
             redis_info_number(cinfo, "cluster_slots_fail") +
                 redis_info_number(cinfo, "cluster_slots_pfail"),
             NAN, NULL);
    fact_num(out, "nodes", "", UNIT_COUNT, redis_info_number(cinfo, "cluster_known_nodes"), NAN,
             NULL);
    for (size_t i = 0; i < r->n_nodes; i++) {
        struct rnode *n = &r->nodes[i];
        char label[40], what[160];
        if (!n->seen)
            continue;
        text_printf(label, sizeof(label), "  node %s:%d", n->host, n->port);
        text_printf(what, sizeof(what), "%s %s", n->master ? "master" : "replica",
                    n->slots[0] ? n->slots : "-");
        fact_num(out, label, "", UNIT_BYTES, n->err[0] ? NAN : n->used_memory, NAN, what);
        bool failed = strstr(n->flags, "fail") != NULL || n->err[0];
        if (failed) {
            text_printf(label, sizeof(label), "  node %s:%d state", n->host, n->port);
            text_printf(what, sizeof(what), "%s: %s", n->err[0] ? "unreachable" : "fail",
                        n->err[0] ? n->err : n->flags);
            snapshot_add_fact_text(out, "redis", label, "status", what);
        }
    }
}

/* Cluster round: CLUSTER INFO and NODES on main, then each node its memory and its keys. */
static int poll_cluster(struct rsrc *r, const char *info, struct snapshot *out, char *err,
                        size_t errlen)
{
    redisReply *rep[2] = {0};
    size_t count = 0;
    count += redisAppendCommand(r->main.c, "CLUSTER INFO") == REDIS_OK;
    count += redisAppendCommand(r->main.c, "CLUSTER NODES") == REDIS_OK;
    if (batch_run(r, &r->main, NULL, count, rep, err, errlen) < 0)
        return -1;
    if (rep[0]->type != REDIS_REPLY_STRING || rep[1]->type != REDIS_REPLY_STRING) {
        reply_err(&r->main, "CLUSTER NODES", rep[1]->type == REDIS_REPLY_STRING ? rep[0] : rep[1],
                  err, errlen);
        batch_free(rep, count);
        return -1;
    }
    parse_nodes(r, rep[1]->str);
    for (size_t k = 0; k < r->n_keys; k++) {
        struct rkey *key = &r->keys[k];
        key->depth = NAN;
        text_printf(key->err, sizeof(key->err), "slot %u: no master serves it",
                    redis_key_slot(key->name, strlen(key->name)));
    }
    for (size_t i = 0; i < r->n_nodes; i++) {
        struct rnode *n = &r->nodes[i];
        struct rkey *keys[CONFIG_MAX_QUEUES];
        size_t nk = 0;
        char nerr[FT_TEXT_MAX];
        redisReply *mem = NULL;
        if (!n->seen) {
            node_close(n);
            continue;
        }
        for (size_t k = 0; n->master && k < r->n_keys; k++)
            if (slot_in(n->slots, redis_key_slot(r->keys[k].name, strlen(r->keys[k].name))))
                keys[nk++] = &r->keys[k];
        if ((n->c == NULL && node_connect(r, n, nerr, sizeof(nerr)) < 0) ||
            read_keys(r, n, "INFO memory", &mem, keys, nk, nerr, sizeof(nerr)) < 0) {
            node_close(n);
            text_printf(n->err, sizeof(n->err), "%s", nerr);
            for (size_t k = 0; k < nk; k++)
                text_printf(keys[k]->err, sizeof(keys[k]->err), "%s", nerr);
            continue;
        }
        n->err[0] = '\0';
        if (mem && mem->type == REDIS_REPLY_STRING)
            n->used_memory = redis_info_number(mem->str, "used_memory");
        if (mem)
            freeReplyObject(mem);
    }
    (void)info;
    facts_cluster(out, rep[0]->str, r);
    batch_free(rep, count);
    return 0;
}

static void emit_keys(struct rsrc *r, struct snapshot *out, double t)
{
    double first = NAN;
    for (size_t i = 0; i < r->n_keys; i++) {
        fact_key(out, &r->keys[i]);
        if (i == 0)
            first = r->keys[i].err[0] ? NAN : r->keys[i].depth;
    }
    struct reading *rd = snapshot_add_reading(out, "queue_depth", r->worker, t, first);
    if (rd && isnan(first))
        text_printf(rd->note, sizeof(rd->note), "%s",
                    r->n_keys ? r->keys[0].err : "no queue configured");
}

/* 0 done, 1 the master became a replica (retry after asking the sentinels), -1 failed. */
static int poll_once(struct rsrc *r, struct snapshot *out, char *err, size_t errlen)
{
    struct rkey *keys[CONFIG_MAX_QUEUES];
    redisReply *info = NULL;
    int rc = -1;
    double t = now_s();
    for (size_t i = 0; i < r->n_keys; i++)
        keys[i] = &r->keys[i];
    if (read_keys(r, &r->main, "INFO", &info, keys, r->cluster ? 0 : r->n_keys, err, errlen) < 0)
        return -1;
    if (info->type != REDIS_REPLY_STRING || info->len > INFO_CAP) {
        reply_err(&r->main, "INFO", info, err, errlen);
        goto out;
    }
    char role[16] = "";
    redis_info_field(info->str, "role", role, sizeof(role));
    if (r->sentinel_master[0] && strcmp(role, "master") != 0) {
        snprintf(err, errlen,
                 "redis %s:%d: is a %s now, not the master; asking the sentinels again",
                 r->main.host, r->main.port, role);
        rc = 1;
        goto out;
    }
    out->taken_at = t;
    char name[300];
    node_name(&r->main, name, sizeof(name));
    text_printf(out->context, sizeof(out->context), "redis %s", name);
    facts_server(r, out, info->str, t);
    if (r->cluster && poll_cluster(r, info->str, out, err, errlen) < 0)
        goto out;
    emit_keys(r, out, t);
    rc = 0;
out:
    freeReplyObject(info);
    return rc;
}

static int redis_poll(struct source *src, struct snapshot *out, char *err, size_t errlen)
{
    struct rsrc *r = src->priv;
    r->round_trips = 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (r->main.c == NULL && connect_main(r, err, errlen) < 0) {
            drop_all(r);
            return -1;
        }
        int rc = poll_once(r, out, err, errlen);
        if (rc == 0)
            return 0;
        drop_all(r);
        if (rc < 0)
            return -1;
    }
    return -1;
}

static void redis_destroy(struct source *src)
{
    struct rsrc *r = src->priv;
    if (r)
        drop_all(r);
    free(r);
    free(src);
}

static const struct source_ops redis_ops = {"redis", redis_poll, NULL, redis_destroy};

/* Which service the queue drives: the first queue rule's, else the runbook's worker. */
static void worker_of(const struct config *cfg, char *out, size_t len)
{
    for (size_t i = 0; i < cfg->n_services; i++)
        if (cfg->services[i].kind == RULE_QUEUE &&
            (cfg->services[i].queue_metric[0] == '\0' ||
             strcmp(cfg->services[i].queue_metric, "queue_depth") == 0)) {
            text_printf(out, len, "%s", cfg->services[i].name);
            return;
        }
    text_printf(out, len, "agent-worker");
}

struct source *redis_source_new(const struct config *cfg, char *err, size_t errlen)
{
    struct source *src = calloc(1, sizeof(*src));
    struct rsrc *r = calloc(1, sizeof(*r));
    if (src == NULL || r == NULL) {
        snprintf(err, errlen, "redis: out of memory");
        goto fail;
    }
    const char *url = cfg->redis_url[0] ? cfg->redis_url : "redis://127.0.0.1:6379";
    if (redis_url_parse(url, &r->url, err, errlen) < 0)
        goto fail;
    /* redis-cli's convention: a password kept out of argv, where every local user sees it */
    const char *auth = getenv("REDISCLI_AUTH");
    if (r->url.password[0] == '\0' && auth != NULL && auth[0] != '\0')
        text_printf(r->url.password, sizeof(r->url.password), "%s", auth);
    text_printf(r->sentinel_master, sizeof(r->sentinel_master), "%s", cfg->redis_sentinel_master);
    text_printf(r->sentinels, sizeof(r->sentinels), "%s", cfg->redis_sentinels);
    if (r->sentinel_master[0] && r->sentinels[0] == '\0') {
        snprintf(err, errlen, "redis: sentinel master '%s' given without sentinels (host:port,...)",
                 r->sentinel_master);
        goto fail;
    }
    r->cluster_cfg = cfg->redis_cluster;
    r->connect_s = cfg->connect_timeout_s > 0 ? cfg->connect_timeout_s : 3;
    r->request_s = cfg->request_timeout_s > 0 ? cfg->request_timeout_s : 5;
    for (size_t i = 0; i < cfg->n_queues && i < CONFIG_MAX_QUEUES; i++)
        if (cfg->queues[i][0])
            text_printf(r->keys[r->n_keys++].name, sizeof(r->keys[0].name), "%s", cfg->queues[i]);
    if (r->n_keys == 0)
        text_printf(r->keys[r->n_keys++].name, sizeof(r->keys[0].name), "agent:tasks:pending");
    worker_of(cfg, r->worker, sizeof(r->worker));
    src->ops = &redis_ops;
    text_printf(src->name, sizeof(src->name), "redis");
    src->interval_s = config_poll_interval(cfg);
    src->priv = r;
    return src;
fail:
    free(r);
    free(src);
    return NULL;
}

long redis_source_round_trips(const struct source *src)
{
    const struct rsrc *r = src->priv;
    return r->round_trips;
}

/* ---- pure parts ---- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decode [s, s+n) into out; -1 when too long or a bad escape. */
static int decode(const char *s, size_t n, char *out, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (c == '%') {
            if (i + 2 >= n || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0)
                return -1;
            c = hexval(s[i + 1]) * 16 + hexval(s[i + 2]);
            i += 2;
        }
        if (o + 1 >= len || c == 0)
            return -1;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return 0;
}

static int parse_int(const char *s, size_t n, int lo, int hi, int *out)
{
    char buf[16];
    if (n == 0 || n >= sizeof(buf))
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *end;
    long v = strtol(buf, &end, 10);
    if (*end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

/* unix:///path[?db=N&password=P&user=U] */
static int parse_unix(const char *p, struct redis_url *out, char *err, size_t errlen)
{
    const char *q = strchr(p, '?');
    size_t plen = q ? (size_t)(q - p) : strlen(p);
    if (plen == 0 || p[0] != '/' || decode(p, plen, out->host, sizeof(out->host)) < 0) {
        snprintf(err, errlen, "redis URL: unix:// needs an absolute socket path");
        return -1;
    }
    out->unix_socket = true;
    while (q && *q) {
        const char *kv = q + 1, *amp = strchr(kv, '&'), *eq = strchr(kv, '=');
        size_t len = amp ? (size_t)(amp - kv) : strlen(kv);
        q = amp;
        if (len == 0)
            continue;
        if (eq == NULL || eq > kv + len) {
            /* not quoted: a mistyped "password" parameter would be the password */
            snprintf(err, errlen, "redis URL: a parameter is not key=value");
            return -1;
        }
        size_t kl = (size_t)(eq - kv), vl = len - kl - 1;
        int bad = 0;
        if (kl == 2 && strncmp(kv, "db", 2) == 0)
            bad = parse_int(eq + 1, vl, 0, 1 << 20, &out->db);
        else if (kl == 8 && strncmp(kv, "password", 8) == 0)
            bad = decode(eq + 1, vl, out->password, sizeof(out->password));
        else if (kl == 4 && strncmp(kv, "user", 4) == 0)
            bad = decode(eq + 1, vl, out->user, sizeof(out->user));
        else
            bad = -1;
        if (bad) { /* the key only: its value may be a secret */
            snprintf(err, errlen, "redis URL: bad or unknown parameter '%.*s'", (int)kl, kv);
            return -1;
        }
    }
    return 0;
}

static int parse_userinfo(const char *s, size_t n, struct redis_url *out, char *err, size_t errlen)
{
    const char *colon = memchr(s, ':', n);
    size_t ul = colon ? (size_t)(colon - s) : n;
    if (decode(s, ul, out->user, sizeof(out->user)) < 0 ||
        (colon && decode(colon + 1, n - ul - 1, out->password, sizeof(out->password)) < 0)) {
        snprintf(err, errlen, "redis URL: bad user or password (too long or a bad %%-escape)");
        return -1;
    }
    if (colon == NULL) { /* redis://password@host is how redis-cli reads a lone field */
        text_printf(out->password, sizeof(out->password), "%s", out->user);
        out->user[0] = '\0';
    }
    return 0;
}

/* host[:port] or [v6]:port, the alen bytes at p. */
static int parse_host_port(const char *p, size_t alen, struct redis_url *out, char *err,
                           size_t errlen)
{
    const char *hend = p + alen, *colon = NULL;
    if (p < hend && *p == '[') {
        const char *rb = memchr(p, ']', alen);
        if (rb == NULL) {
            snprintf(err, errlen, "redis URL: unclosed [ in the host");
            return -1;
        }
        colon = rb + 1 < hend && rb[1] == ':' ? rb + 1 : NULL;
        if (rb + 1 < hend && rb[1] != ':') {
            snprintf(err, errlen, "redis URL: junk after ]");
            return -1;
        }
        text_printf(out->host, sizeof(out->host), "%.*s", (int)(rb - p - 1), p + 1);
    } else {
        colon = memchr(p, ':', alen);
        size_t hl = colon ? (size_t)(colon - p) : alen;
        if (hl >= sizeof(out->host)) {
            snprintf(err, errlen, "redis URL: host name too long");
            return -1;
        }
        memcpy(out->host, p, hl);
        out->host[hl] = '\0';
    }
    if (out->host[0] == '\0') {
        snprintf(err, errlen, "redis URL: no host");
        return -1;
    }
    if (colon && parse_int(colon + 1, (size_t)(hend - colon - 1), 1, 65535, &out->port) < 0) {
        snprintf(err, errlen, "redis URL: port must be 1..65535");
        return -1;
    }
    return 0;
}

int redis_url_parse(const char *url, struct redis_url *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    out->port = 6379;
    if (strncmp(url, "unix://", 7) == 0)
        return parse_unix(url + 7, out, err, errlen);
    if (strncmp(url, "rediss://", 9) == 0) {
        snprintf(err, errlen, "redis URL: rediss:// (TLS) is not supported by this build");
        return -1;
    }
    if (strncmp(url, "redis://", 8) != 0) {
        char shown[128];
        secret_scrub(shown, sizeof(shown), url); /* a mistyped scheme still has its password */
        snprintf(err, errlen,
                 "redis URL '%.100s': expected redis://[user:password@]host:port/db or "
                 "unix:///path",
                 shown);
        return -1;
    }
    const char *p = url + 8, *slash = strchr(p, '/');
    size_t alen = slash ? (size_t)(slash - p) : strlen(p);
    const char *at = NULL;
    for (size_t i = 0; i < alen; i++)
        if (p[i] == '@')
            at = p + i; /* the last @: a password may hold one unescaped */
    if (at) {
        if (parse_userinfo(p, (size_t)(at - p), out, err, errlen) < 0)
            return -1;
        alen -= (size_t)(at + 1 - p);
        p = at + 1;
    }
    if (parse_host_port(p, alen, out, err, errlen) < 0)
        return -1;
    if (slash && slash[1] && parse_int(slash + 1, strlen(slash + 1), 0, 1 << 20, &out->db) < 0) {
        snprintf(err, errlen, "redis URL: database must be a number, got '%.40s'", slash + 1);
        return -1;
    }
    return 0;
}

int redis_info_field(const char *info, const char *key, char *out, size_t len)
{
    size_t kl = strlen(key);
    for (const char *p = info; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t ll = nl ? (size_t)(nl - p) : strlen(p);
        if (ll > kl && strncmp(p, key, kl) == 0 && p[kl] == ':') {
            size_t vl = ll - kl - 1;
            if (vl > 0 && p[kl + vl] == '\r')
                vl--;
            text_sanitize_n(out, len, p + kl + 1, vl);
            return 0;
        }
        p = nl ? nl + 1 : NULL;
    }
    return -1;
}

double redis_info_number(const char *info, const char *key)
{
    char v[64], *end;
    if (redis_info_field(info, key, v, sizeof(v)) < 0 || v[0] == '\0')
        return NAN;
    double d = strtod(v, &end);
    return *end == '\0' ? d : NAN;
}

static unsigned crc16(const char *buf, size_t len)
{
    unsigned crc = 0;
    for (size_t i = 0; i < len; i++) {
        crc ^= (unsigned)(unsigned char)buf[i] << 8;
        for (int b = 0; b < 8; b++)
            crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
        crc &= 0xffff;
    }
    return crc;
}

unsigned redis_key_slot(const char *key, size_t len)
{
    const char *open = memchr(key, '{', len);
    if (open) {
        size_t rest = len - (size_t)(open - key) - 1;
        const char *close = memchr(open + 1, '}', rest);
        if (close && close > open + 1)
            return crc16(open + 1, (size_t)(close - open - 1)) & 16383;
    }
    return crc16(key, len) & 16383;
}

/* One queue key's facts from the replies a poll reads for its type, as fact_key makes
 * them: the path a poll takes, outside a poll, for the fuzzer. */
size_t redis_key_facts(const char *name, const char *type, struct redisReply **rep, size_t n,
                       struct snapshot *out)
{
    struct rkey *k = calloc(1, sizeof(*k));
    if (k == NULL)
        return 0;
    text_sanitize(k->name, sizeof(k->name), name);
    text_sanitize(k->type_name, sizeof(k->type_name), type);
    k->type = ktype_of(type);
    size_t need = k->type == KT_STREAM ? 2 : (k->type == KT_LIST || k->type == KT_ZSET) ? 1 : 0;
    size_t used = 0;
    if (n >= need) {
        used = key_take(k, k->type, rep);
        fact_key(out, k);
    }
    free(k);
    return used;
}
