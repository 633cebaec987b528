/* recording.c - reading a recording back (--replay): events in time order, and steps.
 *
 * Opened read-only, so a replay cannot change the file it shows; a frame that does not
 * parse is skipped and counted, so a damaged file still replays what is intact. */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "forgetop/framez.h"
#include "forgetop/grow.h"
#include "forgetop/recorder.h"
#include "forgetop/snapjson.h"

#define MAX_SOURCES 16

struct recording {
    sqlite3 *db;
    size_t n_sources;
    char names[MAX_SOURCES][FT_ID_MAX];
    /* each source's frame last unpacked: the dictionary of the one after it */
    char *last[MAX_SOURCES];
    size_t last_len[MAX_SOURCES];
    sqlite3_int64 last_id[MAX_SOURCES];
    /* format 2 (the meta table): binary frames in raw deflate carrying their poll times
     * (ok, try columns); a first-format file has JSON frames in zlib streams and no times */
    bool has_times;
    struct source_status cur[MAX_SOURCES]; /* the status in force as events are handed over */
};

static char *unpack(struct recording *r, size_t src, sqlite3_int64 id, sqlite3_int64 base,
                    const void *z, size_t zlen, size_t n, int depth);

/* A frame not just unpacked (the first after a seek): its chain back to the key frame. */
static char *fetch(struct recording *r, size_t src, sqlite3_int64 id, int depth)
{
    sqlite3_stmt *st;
    char *json = NULL;
    if (depth > 10000 || sqlite3_prepare_v2(r->db, "SELECT base, z, n FROM frames WHERE id = ?", -1,
                                            &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW)
        json = unpack(r, src, id, sqlite3_column_int64(st, 0), sqlite3_column_blob(st, 1),
                      (size_t)sqlite3_column_bytes(st, 1), (size_t)sqlite3_column_int64(st, 2),
                      depth + 1);
    sqlite3_finalize(st);
    return json;
}

/* The JSON of frame id (base 0: a key frame); remembered as the source's last. */
static char *unpack(struct recording *r, size_t src, sqlite3_int64 id, sqlite3_int64 base,
                    const void *z, size_t zlen, size_t n, int depth)
{
    char *dict = NULL;
    size_t dict_n = 0;
    if (base != 0) {
        if (r->last_id[src] != base || r->last[src] == NULL) {
            free(fetch(r, src, base, depth)); /* leaves it as the source's last */
            if (r->last_id[src] != base || r->last[src] == NULL)
                return NULL;
        }
        dict = r->last[src];
        dict_n = r->last_len[src];
    }
    char *data = framez_unpack(z, zlen, n, dict, dict_n, r->has_times);
    if (data == NULL)
        return NULL;
    char *keep = malloc(n + 1);
    if (keep == NULL) {
        free(data);
        return NULL;
    }
    memcpy(keep, data, n + 1);
    free(r->last[src]);
    r->last[src] = keep;
    r->last_len[src] = n;
    r->last_id[src] = id;
    return data;
}

static int load_sources(struct recording *r)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(r->db, "SELECT idx, name FROM sources ORDER BY idx", -1, &st, NULL) !=
        SQLITE_OK)
        return -1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        sqlite3_int64 i = sqlite3_column_int64(st, 0);
        const unsigned char *name = sqlite3_column_text(st, 1);
        if (i < 0 || i >= MAX_SOURCES || name == NULL)
            continue;
        snprintf(r->names[i], FT_ID_MAX, "%s", (const char *)name);
        if ((size_t)i + 1 > r->n_sources)
            r->n_sources = (size_t)i + 1;
    }
    sqlite3_finalize(st);
    return 0;
}

struct recording *recording_open(const char *path, char *err, size_t errlen)
{
    struct recording *r = calloc(1, sizeof *r);
    if (r == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    /* read-only, yet through the WAL: the last committed polls of a killed recorder are
     * in the -wal file beside it */
    if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        load_sources(r) < 0) {
        snprintf(err, errlen, "%s is not a forgetop recording: %s", path,
                 r->db ? sqlite3_errmsg(r->db) : "cannot open");
        recording_close(r);
        return NULL;
    }
    sqlite3_busy_timeout(r->db, 1000);
    sqlite3_stmt *probe;
    if (sqlite3_prepare_v2(r->db, "SELECT value FROM meta WHERE key = 'format'", -1, &probe,
                           NULL) == SQLITE_OK &&
        sqlite3_step(probe) == SQLITE_ROW)
        r->has_times = sqlite3_column_int(probe, 0) >= 2;
    sqlite3_finalize(probe);
    return r;
}

size_t recording_n_sources(const struct recording *r)
{
    return r->n_sources;
}

const char *recording_source(const struct recording *r, size_t i)
{
    return i < r->n_sources ? r->names[i] : "";
}

static double one_double(struct recording *r, const char *sql, double a, int n)
{
    sqlite3_stmt *st;
    double v = NAN;
    if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK)
        return NAN;
    if (n > 0)
        sqlite3_bind_double(st, 1, a);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return v;
}

int recording_span(struct recording *r, double *first, double *last)
{
    *first = one_double(r, "SELECT min(t) FROM frames", 0, 0);
    *last = one_double(r, "SELECT max(t) FROM frames", 0, 0);
    return isnan(*first) || isnan(*last) ? -1 : 0;
}

static void status_from(const char *json, struct source_status *st)
{
    memset(st, 0, sizeof *st);
    cJSON *o = cJSON_Parse(json);
    const cJSON *it;
#define NUM(k)                                                                                     \
    ((it = cJSON_GetObjectItemCaseSensitive(o, k)) && cJSON_IsNumber(it) ? it->valuedouble : 0)
#define STR(k, dst)                                                                                \
    if ((it = cJSON_GetObjectItemCaseSensitive(o, k)) && cJSON_IsString(it))                       \
    snprintf(dst, sizeof dst, "%s", it->valuestring)
    STR("name", st->name);
    STR("error", st->error);
    st->state = (enum source_state)NUM("state");
    st->last_ok = NUM("last_ok");
    st->last_try = NUM("last_try");
    st->interval_s = NUM("interval");
    st->failures = (int)NUM("failures");
    st->failing_since = NUM("failing_since");
#undef NUM
#undef STR
    cJSON_Delete(o);
}

/* Hand one row over; false when the frame could not be read. */
static bool deliver(struct recording *r, sqlite3_stmt *st, void (*fn)(void *, struct rec_event *),
                    void *ctx)
{
    struct rec_event ev = {0};
    ev.t = sqlite3_column_double(st, 0);
    ev.source = (size_t)sqlite3_column_int64(st, 1);
    ev.kind = sqlite3_column_int(st, 2) == 0 ? REC_FRAME : REC_STATUS;
    if (ev.source >= MAX_SOURCES)
        return false;
    if (ev.kind == REC_FRAME && sqlite3_column_type(st, 7) != SQLITE_NULL &&
        r->cur[ev.source].name[0] != '\0') {
        r->cur[ev.source].last_ok = sqlite3_column_double(st, 7);
        r->cur[ev.source].last_try = sqlite3_column_double(st, 8);
        ev.has_st = true;
        ev.st = r->cur[ev.source];
    }
    if (ev.kind == REC_FRAME) {
        char err[128];
        size_t n = (size_t)sqlite3_column_int64(st, 6);
        char *data = unpack(r, ev.source, sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 5),
                            sqlite3_column_blob(st, 3), (size_t)sqlite3_column_bytes(st, 3), n, 0);
        /* binary frames since the poll times moved onto the frame rows; JSON before */
        bool bin = data && n >= 2 && memcmp(data, SNAPJSON_BIN_MAGIC, 2) == 0;
        ev.snap = data == NULL ? NULL
                  : bin        ? snapjson_decode_bin(data, n, err, sizeof err)
                               : snapjson_decode(data, err, sizeof err);
        free(data);
        if (ev.snap == NULL)
            return false;
    } else {
        const char *json = (const char *)sqlite3_column_text(st, 3);
        if (json == NULL)
            return false;
        status_from(json, &ev.st);
        ev.has_st = true;
        r->cur[ev.source] = ev.st;
    }
    fn(ctx, &ev);
    return true;
}

long recording_each(struct recording *r, double from, double to,
                    void (*fn)(void *ctx, struct rec_event *ev), void *ctx, size_t *bad, char *err,
                    size_t errlen)
{
    sqlite3_stmt *st;
    char sql[400];
    snprintf(sql, sizeof sql,
             "SELECT t, source, 0 AS k, z, id, base, n, %s FROM frames WHERE t >= ?1 AND t <= ?2"
             " UNION ALL SELECT t, source, 1, json, id, NULL, 0, NULL, NULL FROM statuses"
             " WHERE t >= ?1 AND t <= ?2 ORDER BY 1, 3 DESC, 5",
             r->has_times ? "ok, try" : "NULL, NULL");
    for (size_t i = 0; i < r->n_sources; i++)
        if (recording_status_at(r, i, from, &r->cur[i]) < 0)
            memset(&r->cur[i], 0, sizeof r->cur[i]);
    if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "reading the recording: %s", sqlite3_errmsg(r->db));
        return -1;
    }
    sqlite3_bind_double(st, 1, from);
    sqlite3_bind_double(st, 2, to);
    long n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (deliver(r, st, fn, ctx))
            n++;
        else if (bad != NULL)
            (*bad)++;
    }
    if (rc != SQLITE_DONE) { /* a damaged page: what came before it has been shown */
        snprintf(err, errlen, "reading the recording: %s", sqlite3_errmsg(r->db));
        if (bad != NULL)
            (*bad)++;
    }
    sqlite3_finalize(st);
    return n;
}

/* The newest row of sql (?1 source, ?2 time) into st's times, or its status JSON. */
static bool newest(struct recording *r, const char *sql, size_t src, double t,
                   struct source_status *st, double *at)
{
    sqlite3_stmt *q;
    bool found = false;
    if (sqlite3_prepare_v2(r->db, sql, -1, &q, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_int64(q, 1, (sqlite3_int64)src);
    sqlite3_bind_double(q, 2, t);
    if (sqlite3_step(q) == SQLITE_ROW) {
        found = true;
        *at = sqlite3_column_double(q, 0);
        if (sqlite3_column_type(q, 1) == SQLITE_TEXT) {
            status_from((const char *)sqlite3_column_text(q, 1), st);
        } else if (sqlite3_column_type(q, 1) != SQLITE_NULL) {
            st->last_ok = sqlite3_column_double(q, 1);
            st->last_try = sqlite3_column_double(q, 2);
        }
    }
    sqlite3_finalize(q);
    return found;
}

int recording_status_at(struct recording *r, size_t src, double t, struct source_status *st)
{
    double at_status = 0, at_frame = 0;
    struct source_status times = {0};
    if (src >= MAX_SOURCES ||
        !newest(r,
                "SELECT t, json, NULL FROM statuses WHERE source = ?1 AND t < ?2"
                " ORDER BY t DESC LIMIT 1",
                src, t, st, &at_status))
        return -1;
    /* a later poll's times are on its frame, not on a status row */
    if (r->has_times &&
        newest(r,
               "SELECT t, ok, try FROM frames WHERE source = ?1 AND t < ?2 AND ok IS NOT NULL"
               " ORDER BY t DESC LIMIT 1",
               src, t, &times, &at_frame) &&
        at_frame >= at_status) {
        st->last_ok = times.last_ok;
        st->last_try = times.last_try;
    }
    return 0;
}

double recording_step(struct recording *r, double t, int n)
{
    const char *sql = n > 0 ? "SELECT t FROM frames WHERE t > ? GROUP BY t ORDER BY t LIMIT 1"
                            : "SELECT t FROM frames WHERE t < ? GROUP BY t ORDER BY t DESC LIMIT 1";
    for (int k = 0; k < abs(n); k++) {
        double v = one_double(r, sql, t, 1);
        if (isnan(v))
            break;
        t = v;
    }
    return t;
}

char *recording_config(struct recording *r, double t, double *when)
{
    sqlite3_stmt *st;
    char *text = NULL;
    if (sqlite3_prepare_v2(r->db,
                           "SELECT t, text FROM configs ORDER BY t <= ?1 DESC,"
                           " CASE WHEN t <= ?1 THEN -t ELSE t END LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return NULL; /* a first-format file: no configs table */
    sqlite3_bind_double(st, 1, t);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 1) != NULL) {
        *when = sqlite3_column_double(st, 0);
        text = strdup((const char *)sqlite3_column_text(st, 1));
    }
    sqlite3_finalize(st);
    return text;
}

static void attempt_from(const char *json, struct rec_attempt *a)
{
    cJSON *o = cJSON_Parse(json);
    const cJSON *it;
    if ((it = cJSON_GetObjectItemCaseSensitive(o, "target")) && cJSON_IsString(it))
        snprintf(a->target, sizeof a->target, "%s", it->valuestring);
    if ((it = cJSON_GetObjectItemCaseSensitive(o, "result")) && cJSON_IsString(it))
        snprintf(a->result, sizeof a->result, "%s", it->valuestring);
    if ((it = cJSON_GetObjectItemCaseSensitive(o, "from")) && cJSON_IsNumber(it))
        a->from = it->valueint;
    if ((it = cJSON_GetObjectItemCaseSensitive(o, "to")) && cJSON_IsNumber(it))
        a->to = it->valueint;
    cJSON_Delete(o);
}

long recording_attempts(struct recording *r, struct rec_attempt **out)
{
    sqlite3_stmt *st;
    *out = NULL;
    if (sqlite3_prepare_v2(r->db, "SELECT t, json FROM audits ORDER BY t", -1, &st, NULL) !=
        SQLITE_OK)
        return -1;
    size_t n = 0, cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        struct rec_attempt *a = grow_push((void **)out, &n, &cap, sizeof **out);
        if (a == NULL)
            break; /* out of memory: the attempts read so far */
        a->t = sqlite3_column_double(st, 0);
        if (sqlite3_column_text(st, 1) != NULL)
            attempt_from((const char *)sqlite3_column_text(st, 1), a);
    }
    sqlite3_finalize(st);
    return (long)n;
}

long recording_audits(struct recording *r, double from, double to)
{
    sqlite3_stmt *st;
    long n = -1;
    if (sqlite3_prepare_v2(r->db, "SELECT count(*) FROM audits WHERE t >= ? AND t <= ?", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_double(st, 1, from);
    sqlite3_bind_double(st, 2, to);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void utc(double t, char *out, size_t len)
{
    time_t s = (time_t)t;
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(out, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

int recording_summary(struct recording *r, FILE *out)
{
    double first, last;
    char a[40], b[40];
    if (recording_span(r, &first, &last) < 0)
        return -1;
    utc(first, a, sizeof a);
    utc(last, b, sizeof b);
    fprintf(out, "span: %s .. %s (%.0f s)\n", a, b, last - first);
    for (size_t i = 0; i < r->n_sources; i++)
        fprintf(out, "source %zu: %s\n", i, r->names[i]);
    fprintf(out, "frames: %.0f, statuses: %.0f\n",
            one_double(r, "SELECT count(*) FROM frames", 0, 0),
            one_double(r, "SELECT count(*) FROM statuses", 0, 0));
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(r->db, "SELECT t, json FROM audits ORDER BY t", -1, &st, NULL) !=
        SQLITE_OK)
        return 0;
    fprintf(out, "scale attempts: %.0f\n", one_double(r, "SELECT count(*) FROM audits", 0, 0));
    while (sqlite3_step(st) == SQLITE_ROW) {
        utc(sqlite3_column_double(st, 0), a, sizeof a);
        fprintf(out, "  %s %s\n", a, (const char *)sqlite3_column_text(st, 1));
    }
    sqlite3_finalize(st);
    return 0;
}

void recording_close(struct recording *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < MAX_SOURCES; i++)
        free(r->last[i]);
    sqlite3_close(r->db);
    free(r);
}
