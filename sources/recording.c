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
#include "forgetop/recorder.h"
#include "forgetop/snapjson.h"

#define MAX_SOURCES 16

struct recording {
    sqlite3 *db;
    size_t n_sources;
    char names[MAX_SOURCES][FT_ID_MAX];
    /* each source's frame last unpacked: the dictionary of the one after it */
    char *last[MAX_SOURCES];
    sqlite3_int64 last_id[MAX_SOURCES];
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
    if (base != 0) {
        dict = r->last_id[src] == base && r->last[src] ? strdup(r->last[src])
                                                       : fetch(r, src, base, depth);
        if (dict == NULL)
            return NULL;
    }
    char *json = framez_unpack(z, zlen, n, dict);
    free(dict);
    if (json != NULL) {
        free(r->last[src]);
        r->last[src] = strdup(json);
        r->last_id[src] = id;
    }
    return json;
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
    if (ev.kind == REC_FRAME) {
        char err[128];
        char *json = unpack(r, ev.source, sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 5),
                            sqlite3_column_blob(st, 3), (size_t)sqlite3_column_bytes(st, 3),
                            (size_t)sqlite3_column_int64(st, 6), 0);
        ev.snap = json ? snapjson_decode(json, err, sizeof err) : NULL;
        free(json);
        if (ev.snap == NULL)
            return false;
    } else {
        const char *json = (const char *)sqlite3_column_text(st, 3);
        if (json == NULL)
            return false;
        status_from(json, &ev.st);
    }
    fn(ctx, &ev);
    return true;
}

long recording_each(struct recording *r, double from, double to,
                    void (*fn)(void *ctx, struct rec_event *ev), void *ctx, size_t *bad, char *err,
                    size_t errlen)
{
    sqlite3_stmt *st;
    const char *sql = "SELECT t, source, 0 AS k, z, id, base, n FROM frames"
                      " WHERE t >= ?1 AND t <= ?2"
                      " UNION ALL SELECT t, source, 1, json, id, NULL, 0 FROM statuses"
                      " WHERE t >= ?1 AND t <= ?2 ORDER BY 1, 3, 5";
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
