/* postgres.c - the database panel from PostgreSQL and PgBouncer's admin console (libpq).
 *
 * Nothing here waits without a deadline: the connection is made with PQconnectStart /
 * PQconnectPoll and queries are sent with PQsendQuery, each step poll()ed against the
 * configured timeouts, because a hung (stopped) server still accepts TCP and never answers,
 * which no server-side statement_timeout can bound. A failed poll drops the connection;
 * the next one reconnects. */

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "forgetop/config.h"
#include "forgetop/pgwire.h"
#include "forgetop/postgres.h"
#include "forgetop/secret.h"
#include "forgetop/source.h"
#include "forgetop/text.h"

#define MAX_RESULTS 8
#define MAX_ROWS    64 /* replicas: anything beyond is not read */
/* What one reply (or a connection's start-up) may cost, counted in libpq's own reads
 * (pgwire.c): past either, the result is freed and the connection dropped, so libpq's input
 * buffer, sized for a whole message but filled no further, goes with it. A poll's replies
 * are a few KiB. */
#define REPLY_MAX_BYTES (8u << 20)
#define REPLY_MAX_ROWS  10000

struct pgsrc {
    bool bouncer;
    char dsn[CONFIG_URL_MAX];
    double connect_s, request_s;
    PGconn *conn;
    int pool_size_cfg, pool_size;
    /* Server notices (NOTICE, WARNING, DEBUG, and libpq's own complaints), which libpq would
     * otherwise print on stderr, that is, over the panels: the newest, cleaned, and counts. */
    char notice[FT_TEXT_MAX];
    unsigned long notices, notices_shown;
    double notice_t;
};

/* How long the newest server notice stays on the source's line after it came. */
#define NOTICE_SHOW_S 60.0

/* One poll's queries, sent as one simple-protocol string: one round trip. */
static const char pg_query[] =
    "SELECT current_setting('max_connections')::int,"
    " count(*) FILTER (WHERE state = 'active'),"
    " count(*) FILTER (WHERE state = 'idle'),"
    " count(*) FILTER (WHERE state LIKE 'idle in transaction%'),"
    " count(*) FILTER (WHERE wait_event_type = 'Lock'),"
    " count(*)"
    " FROM pg_stat_activity WHERE backend_type = 'client backend';"
    "SELECT extract(epoch FROM now() - xact_start)::float8, pid, coalesce(datname, ''),"
    " coalesce(state, ''), left(regexp_replace(query, '\\s+', ' ', 'g'), 60)"
    " FROM pg_stat_activity WHERE xact_start IS NOT NULL AND backend_type = 'client backend'"
    " AND pid <> pg_backend_pid() ORDER BY xact_start LIMIT 1;"
    "SELECT (SELECT sum(blks_hit)::float8 / nullif(sum(blks_hit) + sum(blks_read), 0)"
    " FROM pg_stat_database), pg_database_size(current_database()), pg_is_in_recovery(),"
    " CASE WHEN pg_is_in_recovery() THEN CASE WHEN pg_last_wal_receive_lsn() ="
    " pg_last_wal_replay_lsn() THEN 0 ELSE extract(epoch FROM now() -"
    " pg_last_xact_replay_timestamp()) END END,"
    " CASE WHEN pg_is_in_recovery() THEN pg_wal_lsn_diff(pg_last_wal_receive_lsn(),"
    " pg_last_wal_replay_lsn()) END;"
    "SELECT coalesce(application_name, ''), coalesce(host(client_addr), 'local'),"
    " coalesce(state, ''), CASE WHEN pg_is_in_recovery() THEN NULL ELSE"
    " pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) END, extract(epoch FROM replay_lag),"
    " coalesce(sync_state, '') FROM pg_stat_replication LIMIT 16;";

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *kind_of(const struct pgsrc *p)
{
    return p->bouncer ? "pgbouncer" : "postgres";
}

/* "postgres 127.0.0.1:5432/app: " */
static void where(const struct pgsrc *p, char *out, size_t len)
{
    const char *h = p->conn ? PQhost(p->conn) : NULL, *port = p->conn ? PQport(p->conn) : NULL;
    const char *db = p->conn ? PQdb(p->conn) : NULL;
    char raw[256];
    snprintf(raw, sizeof(raw), "%s %s%s%s%s%s", kind_of(p), h && *h ? h : "?",
             port && *port ? ":" : "", port ? port : "", db && *db ? "/" : "", db ? db : "");
    text_sanitize(out, len, raw);
}

static void fail(struct pgsrc *p, char *err, size_t errlen, const char *what, const char *why)
{
    char w[256], c[FT_TEXT_MAX];
    where(p, w, sizeof(w));
    postgres_clean_error(c, sizeof(c), why);
    snprintf(err, errlen, "%s: %s%s%s", w, what ? what : "", what ? ": " : "", c);
}

static void drop(struct pgsrc *p)
{
    if (p->conn)
        PQfinish(p->conn);
    p->conn = NULL;
}

/* Wait until the socket is ready for ev or the deadline passes: 1 ready, 0 timed out. */
static int wait_socket(PGconn *c, short ev, double deadline)
{
    struct pollfd pfd = {PQsocket(c), ev, 0};
    for (;;) {
        double left = deadline - now_s();
        if (left <= 0)
            return 0;
        int rc = poll(&pfd, 1, (int)(left * 1000) + 1);
        if (rc > 0)
            return 1;
        if (rc == 0)
            return 0;
        if (errno != EINTR)
            return 1; /* let libpq find and report the error */
    }
}

static void too_big(struct pgsrc *p, char *err, size_t errlen, const char *what)
{
    char why[64];
    text_printf(why, sizeof(why), "reply over %u MiB: refused", REPLY_MAX_BYTES >> 20);
    fail(p, err, errlen, what, why);
}

/* libpq calls this for every notice of the connection and of its results, on the source's
 * own thread, inside a libpq call: keep the newest, never print it. */
static void on_notice(void *arg, const char *message)
{
    struct pgsrc *p = arg;
    p->notices++;
    p->notice_t = wall_s();
    postgres_clean_error(p->notice, sizeof(p->notice), message);
}

/* The newest notice on the source's line for a while, with how many came since the last
 * poll: a role at client_min_messages = debug5 sends dozens a query. */
static void report_notices(struct pgsrc *p, struct snapshot *out)
{
    unsigned long fresh = p->notices - p->notices_shown;
    if (p->notices == 0 || wall_s() - p->notice_t > NOTICE_SHOW_S)
        return;
    if (fresh > 1)
        text_printf(out->notice, sizeof(out->notice), "%s: %lu server notices, newest: %s",
                    kind_of(p), fresh, p->notice);
    else
        text_printf(out->notice, sizeof(out->notice), "%s notice: %s", kind_of(p), p->notice);
    p->notices_shown = p->notices;
}

static int pg_connect(struct pgsrc *p, char *err, size_t errlen)
{
    char ct[16];
    snprintf(ct, sizeof(ct), "%d", (int)ceil(p->connect_s) < 2 ? 2 : (int)ceil(p->connect_s));
    /* Keyword arrays, never string concatenation: a DSN with quotes stays intact. Keepalives
     * come before dbname (the DSN may override them), the timeout after it (config wins). */
    const char *kw[] = {
        "keepalives",       "keepalives_idle", "keepalives_interval", "keepalives_count",
        "application_name", "dbname",          "connect_timeout",     NULL};
    const char *val[] = {"1", "10", "5", "3", "forgetop", p->dsn, ct, NULL};
    p->conn = PQconnectStartParams(kw, val, 1);
    if (p->conn == NULL) {
        snprintf(err, errlen, "%s: out of memory", kind_of(p));
        return -1;
    }
    /* Before the first PQconnectPoll: a setting the server cannot apply is a WARNING sent
     * during start-up, with whatever bytes the database owner put in it. */
    PQsetNoticeProcessor(p->conn, on_notice, p);
    double deadline = now_s() + p->connect_s;
    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    int held = -1; /* a start-up WARNING quoting a huge setting is a reply too */
    while (PQstatus(p->conn) != CONNECTION_BAD && st != PGRES_POLLING_OK) {
        if (st == PGRES_POLLING_FAILED)
            break;
        if (!wait_socket(p->conn, st == PGRES_POLLING_READING ? POLLIN : POLLOUT, deadline)) {
            char why[64];
            snprintf(why, sizeof(why), "timed out after %g s", p->connect_s);
            fail(p, err, errlen, "connect", why);
            break;
        }
        if (PQsocket(p->conn) != held) /* libpq may retry on another socket: each held anew */
            pgwire_set_budget(held = PQsocket(p->conn), REPLY_MAX_BYTES);
        if (pgwire_budget_spent()) {
            too_big(p, err, errlen, "connect");
            break;
        }
        st = PQconnectPoll(p->conn);
    }
    pgwire_set_budget(-1, 0);
    if (PQstatus(p->conn) == CONNECTION_OK && st == PGRES_POLLING_OK)
        return 0;
    if (PQstatus(p->conn) == CONNECTION_BAD)
        fail(p, err, errlen, NULL, PQerrorMessage(p->conn));
    drop(p);
    return -1;
}

static void clear_all(PGresult **res, size_t n)
{
    for (size_t i = 0; i < n; i++)
        PQclear(res[i]);
}

/* One row of single-row mode into the statement's result: the first keep kept, the rest
 * only counted. 0, or -1 out of memory. */
static int keep_row(PGresult **acc, int *rows, PGresult *row, int keep)
{
    if (*acc == NULL && (*acc = PQcopyResult(row, PG_COPYRES_ATTRS)) == NULL)
        return -1;
    int at = PQntuples(*acc);
    (*rows)++;
    if (at >= keep)
        return 0;
    for (int c = 0; c < PQnfields(row); c++) {
        bool null = PQgetisnull(row, 0, c);
        if (!PQsetvalue(*acc, at, c, null ? NULL : PQgetvalue(row, 0, c),
                        null ? -1 : PQgetlength(row, 0, c)))
            return -1;
    }
    return 0;
}

/* Wait for libpq to have a result, within what the reply's cap lets it read. */
static int await_result(struct pgsrc *p, double deadline, char *err, size_t errlen)
{
    while (PQisBusy(p->conn)) {
        if (!wait_socket(p->conn, POLLIN, deadline)) {
            char why[64];
            snprintf(why, sizeof(why), "timed out after %g s", p->request_s);
            fail(p, err, errlen, "query", why);
            return -1;
        }
        if (pgwire_budget_spent()) { /* libpq wants more than the cap left it */
            too_big(p, err, errlen, "query");
            return -1;
        }
        if (!PQconsumeInput(p->conn)) {
            fail(p, err, errlen, "query", PQerrorMessage(p->conn));
            return -1;
        }
    }
    return 0;
}

/* Send sql and collect its results within the request timeout, a row at a time (single-
 * row mode), within REPLY_MAX_BYTES and REPLY_MAX_ROWS. On -1 the caller drops the
 * connection: libpq's buffers and whatever the server still sends go with it. */
static int pg_exec(struct pgsrc *p, const char *sql, PGresult **res, size_t max, size_t *n,
                   char *err, size_t errlen)
{
    double deadline = now_s() + p->request_s;
    PGresult *acc = NULL;
    int rows = 0;
    *n = 0;
    if (!PQsendQuery(p->conn, sql)) {
        fail(p, err, errlen, "query", PQerrorMessage(p->conn));
        return -1;
    }
    PQsetSingleRowMode(p->conn); /* refused only when not right after a send: harmless */
    pgwire_set_budget(PQsocket(p->conn), REPLY_MAX_BYTES);
    for (;;) {
        if (await_result(p, deadline, err, errlen) < 0)
            goto bad;
        PGresult *r = PQgetResult(p->conn);
        if (r == NULL)
            break;
        ExecStatusType s = PQresultStatus(r);
        if (s == PGRES_SINGLE_TUPLE) {
            /* PgBouncer's pools are summed, every one of them (within the row cap); a
             * PostgreSQL panel reads no more than MAX_ROWS replicas */
            int kept = keep_row(&acc, &rows, r, p->bouncer ? REPLY_MAX_ROWS : MAX_ROWS);
            PQclear(r);
            if (kept < 0 || rows > REPLY_MAX_ROWS) {
                char why[64];
                text_printf(why, sizeof(why),
                            kept < 0 ? "out of memory" : "reply over %d rows: refused",
                            REPLY_MAX_ROWS);
                fail(p, err, errlen, "query", why);
                goto bad;
            }
            continue;
        }
        if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
            fail(p, err, errlen, "query", PQresultErrorMessage(r));
            PQclear(r);
            goto bad;
        }
        if (acc != NULL) { /* the end of a statement's rows: its result is the one kept */
            PQclear(r);
            r = acc;
            acc = NULL;
            rows = 0;
        }
        if (*n < max)
            res[(*n)++] = r;
        else
            PQclear(r);
    }
    pgwire_set_budget(-1, 0);
    return 0;
bad:
    pgwire_set_budget(-1, 0);
    PQclear(acc);
    clear_all(res, *n);
    *n = 0;
    return -1;
}

/* A numeric cell; NAN when NULL, missing, or not a number at all (a look-alike server, or a
 * role's own function shadowing the catalogue's): strtod would read "lots" as 0. What was
 * sent instead goes to bad, when given, for the fact to say. */
static double cell(const PGresult *r, int row, int col, char *bad, size_t badlen)
{
    if (col < 0 || row >= PQntuples(r) || col >= PQnfields(r) || PQgetisnull(r, row, col))
        return NAN;
    const char *s = PQgetvalue(r, row, col);
    char *end;
    double v = strtod(s, &end);
    if (end != s && *end == '\0')
        return v;
    if (bad != NULL)
        text_sanitize(bad, badlen, s);
    return NAN;
}

static double num(const PGresult *r, int row, int col)
{
    return cell(r, row, col, NULL, 0);
}

/* A column of a SHOW result by name; 0 when this PgBouncer version lacks it or it is NULL,
 * so one missing column cannot turn a sum into NaN. */
static double num_named(const PGresult *r, int row, const char *col)
{
    int c = PQfnumber(r, col);
    double v = c < 0 ? NAN : num(r, row, c);
    return isnan(v) ? 0 : v;
}

static void str(const PGresult *r, int row, int col, char *out, size_t len)
{
    if (col < 0 || row >= PQntuples(r) || col >= PQnfields(r) || PQgetisnull(r, row, col))
        text_printf(out, len, "?");
    else
        text_sanitize(out, len, PQgetvalue(r, row, col));
}

static struct fact *fact(struct snapshot *out, const char *label, const char *rule, enum unit unit,
                         double v, double of)
{
    return snapshot_add_fact_num(out, "database", label, rule, unit, v, of);
}

/* A fact of one numeric cell; one that is not a number is no data, saying what came. */
static struct fact *fact_cell(struct snapshot *out, const char *label, const char *rule,
                              enum unit unit, const PGresult *r, int row, int col)
{
    char bad[32] = "", why[96];
    struct fact *f = fact(out, label, rule, unit, cell(r, row, col, bad, sizeof bad), NAN);
    if (bad[0]) {
        text_printf(why, sizeof why, "no data: server sent '%s', not a number", bad);
        fact_set_text(f, why);
    }
    return f;
}

static void facts_xact(struct snapshot *out, const PGresult *r)
{
    if (PQntuples(r) == 0) {
        snapshot_add_fact_text(out, "database", "longest xact", "", "none open");
        return;
    }
    char db[64], state[32], q[96], what[96];
    str(r, 0, 2, db, sizeof(db));
    str(r, 0, 3, state, sizeof(state));
    str(r, 0, 4, q, sizeof(q));
    text_printf(what, sizeof(what), "%s, %s: %s", db, state, q);
    struct fact *f = fact_cell(out, "longest xact", "xact_age", UNIT_SECONDS, r, 0, 0);
    if (f != NULL && f->text[0] == '\0') /* not when it says the age was not a number */
        fact_set_text(f, what);
}

static void facts_replicas(struct snapshot *out, const PGresult *reps)
{
    for (int i = 0; i < PQntuples(reps) && i < MAX_ROWS; i++) {
        char name[40], label[40], addr[64], state[24], sync[16], what[96];
        str(reps, i, 0, name, sizeof(name));
        str(reps, i, 1, addr, sizeof(addr));
        str(reps, i, 2, state, sizeof(state));
        str(reps, i, 5, sync, sizeof(sync));
        text_printf(label, sizeof(label), "  replica %s", name[0] ? name : addr);
        text_printf(what, sizeof(what), "%s from %s (%s)", state, addr, sync);
        snapshot_add_fact_text(out, "database", label, "status", what);
        text_printf(label, sizeof(label), "  replica %s lag", name[0] ? name : addr);
        fact_cell(out, label, "replication_lag", UNIT_SECONDS, reps, i, 4);
        text_printf(label, sizeof(label), "  replica %s behind", name[0] ? name : addr);
        fact_cell(out, label, "", UNIT_BYTES, reps, i, 3);
    }
}

static void facts_role(struct snapshot *out, const PGresult *st, const PGresult *reps)
{
    struct fact *hit = fact_cell(out, "cache hit", "cache_hit", UNIT_RATIO, st, 0, 0);
    if (PQgetisnull(st, 0, 0))
        fact_set_text(hit, "no reads yet");
    fact_cell(out, "size", "", UNIT_BYTES, st, 0, 1);
    bool replica = PQntuples(st) > 0 && PQgetvalue(st, 0, 2)[0] == 't';
    if (replica) {
        snapshot_add_fact_text(out, "database", "role", "", "replica");
        struct fact *lag = fact_cell(out, "replay lag", "replication_lag", UNIT_SECONDS, st, 0, 3);
        if (PQgetisnull(st, 0, 3))
            fact_set_text(lag, "nothing replayed yet");
        fact_cell(out, "received not replayed", "", UNIT_BYTES, st, 0, 4);
    } else {
        snapshot_add_fact_text(out, "database", "role", "", "primary");
        fact(out, "replicas", "", UNIT_COUNT, PQntuples(reps), NAN);
    }
    facts_replicas(out, reps);
}

static int pg_poll_postgres(struct pgsrc *p, struct snapshot *out, char *err, size_t errlen)
{
    PGresult *res[MAX_RESULTS];
    size_t n = 0;
    if (pg_exec(p, pg_query, res, MAX_RESULTS, &n, err, errlen) < 0)
        return -1;
    if (n != 4 || PQntuples(res[0]) != 1) {
        fail(p, err, errlen, "query", "unexpected result shape");
        clear_all(res, n);
        return -1;
    }
    double t = wall_s(), max = num(res[0], 0, 0), used = num(res[0], 0, 5);
    double pct = max > 0 ? 100 * used / max : NAN;
    out->taken_at = t;
    int replicas = PQntuples(res[3]);
    snapshot_add_reading(out, "db_connections", "database", t, pct);
    /* The counts behind the percentage, for the world's database advice. */
    snapshot_add_reading(out, "db_connections_used", "database", t, used);
    snapshot_add_reading(out, "db_connections_max", "database", t, max);
    snapshot_add_reading(out, "db_replicas", "database", t, replicas);
    fact(out, "connections", "db_connections", UNIT_COUNT, used, max);
    fact_cell(out, "active", "", UNIT_COUNT, res[0], 0, 1);
    fact_cell(out, "idle", "", UNIT_COUNT, res[0], 0, 2);
    fact_cell(out, "idle in transaction", "", UNIT_COUNT, res[0], 0, 3);
    fact_cell(out, "waiting on locks", "lock_waits", UNIT_COUNT, res[0], 0, 4);
    facts_xact(out, res[1]);
    facts_role(out, res[2], res[3]);
    clear_all(res, n);
    return 0;
}

/* Rows of a SHOW result whose database is not the admin console itself. */
static bool real_pool(const PGresult *r, int row)
{
    int c = PQfnumber(r, "database");
    return c < 0 || strcmp(PQgetvalue(r, row, c), "pgbouncer") != 0;
}

static int bouncer_pool_size(struct pgsrc *p, char *err, size_t errlen)
{
    PGresult *res[1];
    size_t n = 0;
    p->pool_size = p->pool_size_cfg;
    if (pg_exec(p, "SHOW CONFIG", res, 1, &n, err, errlen) < 0)
        return -1;
    int k = PQfnumber(res[0], "key"), v = PQfnumber(res[0], "value");
    for (int i = 0; k >= 0 && v >= 0 && i < PQntuples(res[0]); i++)
        if (strcmp(PQgetvalue(res[0], i, k), "default_pool_size") == 0 &&
            atoi(PQgetvalue(res[0], i, v)) > 0)
            p->pool_size = atoi(PQgetvalue(res[0], i, v));
    clear_all(res, n);
    return 0;
}

static bool has_col(const PGresult *r, const char *name)
{
    return r != NULL && PQfnumber(r, name) >= 0;
}

static void facts_bouncer(int pool_size, struct snapshot *out, const PGresult *pools,
                          const PGresult *stats, double t)
{
    double cl_active = 0, cl_waiting = 0, sv_active = 0, sv_idle = 0, sv_used = 0, maxwait = 0;
    double worst = 0, worst_active = 0;
    char worst_pool[96] = "-";
    for (int i = 0; i < PQntuples(pools); i++) {
        if (!real_pool(pools, i))
            continue;
        double a = num_named(pools, i, "sv_active");
        cl_active += num_named(pools, i, "cl_active");
        cl_waiting += num_named(pools, i, "cl_waiting");
        sv_active += a;
        sv_idle += num_named(pools, i, "sv_idle");
        sv_used += num_named(pools, i, "sv_used");
        double w = num_named(pools, i, "maxwait") + num_named(pools, i, "maxwait_us") / 1e6;
        if (w > maxwait)
            maxwait = w;
        if (a >= worst_active) {
            worst_active = a;
            char db[48], user[48];
            str(pools, i, PQfnumber(pools, "database"), db, sizeof(db));
            str(pools, i, PQfnumber(pools, "user"), user, sizeof(user));
            text_printf(worst_pool, sizeof(worst_pool), "%s/%s", db, user);
        }
    }
    worst = pool_size > 0 ? 100 * worst_active / pool_size : NAN;
    snapshot_add_reading(out, "db_connections", "pgbouncer", t, worst);
    out->measures_pool = true;
    fact_set_text(fact(out, "pgbouncer pool", "db_connections", UNIT_COUNT, worst_active,
                       pool_size > 0 ? pool_size : NAN),
                  worst_pool);
    fact(out, "pgbouncer clients", "", UNIT_COUNT, cl_active, NAN);
    fact(out, "pgbouncer waiting", "waiting_clients", UNIT_COUNT, cl_waiting, NAN);
    fact(out, "pgbouncer servers active", "", UNIT_COUNT, sv_active, NAN);
    fact(out, "pgbouncer servers idle", "", UNIT_COUNT, sv_idle, NAN);
    /* a column this PgBouncer does not send is no data, never 0 (older versions lack
     * sv_used or maxwait_us; SHOW STATS' averages were renamed in 1.8) */
    fact(out, "pgbouncer servers used", "", UNIT_COUNT, has_col(pools, "sv_used") ? sv_used : NAN,
         NAN);
    fact(out, "pgbouncer max wait", "pool_wait", UNIT_SECONDS,
         has_col(pools, "maxwait") ? maxwait : NAN, NAN);
    double qps = 0, wait_us = 0;
    for (int i = 0; i < PQntuples(stats); i++)
        if (real_pool(stats, i)) {
            qps += num_named(stats, i, "avg_query_count");
            double w = num_named(stats, i, "avg_wait_time");
            if (w > wait_us)
                wait_us = w;
        }
    fact(out, "pgbouncer queries", "", UNIT_PER_S, has_col(stats, "avg_query_count") ? qps : NAN,
         NAN);
    fact(out, "pgbouncer average wait", "", UNIT_MS,
         has_col(stats, "avg_wait_time") ? wait_us / 1e3 : NAN, NAN);
}

/* Every PgBouncer since 1.x answers SHOW POOLS with these: an answer without one is not an
 * admin console (a proxy, a PostgreSQL with a SHOW of its own), so nothing in it is read. */
static int check_pools_shape(const PGresult *r, char *why, size_t len)
{
    static const char *const need[] = {"database", "cl_active", "cl_waiting", "sv_active",
                                       "sv_idle"};
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        if (PQfnumber(r, need[i]) < 0) {
            text_printf(why, len, "the answer has no %s column: not PgBouncer's SHOW POOLS",
                        need[i]);
            return -1;
        }
    return 0;
}

int postgres_bouncer_facts(const PGresult *pools, const PGresult *stats, int pool_size,
                           struct snapshot *out, char *why, size_t len)
{
    if (check_pools_shape(pools, why, len) < 0)
        return -1;
    out->taken_at = wall_s();
    facts_bouncer(pool_size, out, pools, stats, out->taken_at);
    return 0;
}

static int pg_poll_bouncer(struct pgsrc *p, struct snapshot *out, char *err, size_t errlen)
{
    PGresult *pools[1], *stats[1];
    size_t np = 0, ns = 0;
    /* The admin console takes one command per query. */
    if (pg_exec(p, "SHOW POOLS", pools, 1, &np, err, errlen) < 0)
        return -1;
    if (np != 1) {
        fail(p, err, errlen, "SHOW POOLS", "no result");
        clear_all(pools, np);
        return -1;
    }
    if (pg_exec(p, "SHOW STATS", stats, 1, &ns, err, errlen) < 0) {
        clear_all(pools, np);
        return -1;
    }
    char why[FT_TEXT_MAX];
    int rc = ns == 1
                 ? postgres_bouncer_facts(pools[0], stats[0], p->pool_size, out, why, sizeof why)
                 : (text_printf(why, sizeof why, "SHOW STATS gave no result"), -1);
    if (rc < 0) /* the caller drops the connection, and libpq's buffer with it */
        fail(p, err, errlen, "SHOW POOLS", why);
    clear_all(pools, np);
    clear_all(stats, ns);
    return rc;
}

static int pg_poll(struct source *src, struct snapshot *out, char *err, size_t errlen)
{
    struct pgsrc *p = src->priv;
    int rc = -1;
    if (p->conn == NULL) {
        if (pg_connect(p, err, errlen) < 0)
            return -1;
        char set[64];
        PGresult *res[1];
        size_t n = 0;
        snprintf(set, sizeof(set), "SET statement_timeout = %ld", (long)(p->request_s * 1000));
        if (p->bouncer ? bouncer_pool_size(p, err, errlen)
                       : pg_exec(p, set, res, 1, &n, err, errlen)) {
            drop(p);
            return -1;
        }
        clear_all(res, n);
    }
    rc = p->bouncer ? pg_poll_bouncer(p, out, err, errlen) : pg_poll_postgres(p, out, err, errlen);
    if (rc < 0) {
        drop(p);
        return rc;
    }
    text_printf(out->context, sizeof(out->context), "%s %s:%s", kind_of(p), PQhost(p->conn),
                PQport(p->conn));
    report_notices(p, out);
    return rc;
}

static void pg_destroy(struct source *src)
{
    struct pgsrc *p = src->priv;
    if (p)
        drop(p);
    free(p);
    free(src);
}

static const struct source_ops postgres_ops = {"postgres", pg_poll, NULL, pg_destroy};
static const struct source_ops pgbouncer_ops = {"pgbouncer", pg_poll, NULL, pg_destroy};

static struct source *pg_new(const struct config *cfg, bool bouncer, char *err, size_t errlen)
{
    struct source *src = calloc(1, sizeof(*src));
    struct pgsrc *p = calloc(1, sizeof(*p));
    if (src == NULL || p == NULL) {
        snprintf(err, errlen, "%s: out of memory", bouncer ? "pgbouncer" : "postgres");
        free(src);
        free(p);
        return NULL;
    }
    p->bouncer = bouncer;
    /* "" leaves libpq to the PG* variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, ...). */
    text_printf(p->dsn, sizeof(p->dsn), "%s", bouncer ? cfg->pgbouncer_dsn : cfg->postgres_dsn);
    p->connect_s = cfg->connect_timeout_s > 0 ? cfg->connect_timeout_s : 3;
    p->request_s = cfg->request_timeout_s > 0 ? cfg->request_timeout_s : 5;
    p->pool_size_cfg = p->pool_size = cfg->pool_size;
    src->ops = bouncer ? &pgbouncer_ops : &postgres_ops;
    text_printf(src->name, sizeof(src->name), "%s", bouncer ? "pgbouncer" : "postgres");
    src->interval_s = config_poll_interval(cfg);
    src->priv = p;
    return src;
}

struct source *postgres_source_new(const struct config *cfg, char *err, size_t errlen)
{
    return pg_new(cfg, false, err, errlen);
}

struct source *pgbouncer_source_new(const struct config *cfg, char *err, size_t errlen)
{
    if (cfg->pgbouncer_dsn[0] == '\0') {
        snprintf(err, errlen,
                 "pgbouncer: no DSN (the admin console, e.g. "
                 "'host=127.0.0.1 port=6432 dbname=pgbouncer user=pgbouncer')");
        return NULL;
    }
    return pg_new(cfg, true, err, errlen);
}

/* ---- pure parts ---- */

void postgres_clean_error(char *out, size_t len, const char *msg)
{
    char buf[FT_TEXT_MAX];
    size_t o = 0;
    bool space = false;
    msg = msg ? msg : "unknown error";
    /* The caller already says where: drop libpq's own "connection to server at ... failed: " */
    const char *failed = strstr(msg, " failed: ");
    if (strncmp(msg, "connection to server ", 21) == 0 && failed &&
        !memchr(msg, '\n', (size_t)(failed - msg)))
        msg = failed + 9;
    for (const char *s = msg; *s && *s != '\n' && o + 1 < sizeof(buf); s++) {
        if (*s == ' ' || *s == '\t' || *s == '\r') {
            space = o > 0;
            continue;
        }
        if (space && o + 2 < sizeof(buf))
            buf[o++] = ' ';
        space = false;
        buf[o++] = *s;
    }
    buf[o] = '\0';
    if (buf[0] >= 'A' && buf[0] <= 'Z' && buf[1] >= 'a' && buf[1] <= 'z')
        buf[0] = (char)(buf[0] - 'A' + 'a');
    char scrubbed[FT_TEXT_MAX];
    secret_scrub(scrubbed, sizeof(scrubbed), o ? buf : "unknown error");
    text_sanitize(out, len, scrubbed);
}
