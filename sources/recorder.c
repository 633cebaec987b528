/* recorder.c - the recording file: SQLite in WAL mode, a transaction per poll.
 *
 * SQLite was chosen over an append-only file for crash safety (WAL: a SIGKILL keeps every
 * committed poll), seeking (an index on time) and ad-hoc queries with the sqlite3 shell. */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "forgetop/framez.h"
#include "forgetop/recorder.h"
#include "forgetop/snapjson.h"

#define MAX_SOURCES 16

struct recorder {
    sqlite3 *db;
    sqlite3_stmt *frame, *status, *audit;
    bool in_tx, failed;
    double max_bytes, max_age;
    double key_every; /* seconds: RECORDER_KEY_EVERY_S, or a quarter of a shorter max_age */
    /* each source's last status written, its poll times left out (status_json) */
    char last_status[MAX_SOURCES][512];
    struct source_status cur[MAX_SOURCES]; /* its latest, times and all: a frame's ok, try */
    /* each source's last frame: the next one is stored as its difference (framez.h) */
    unsigned char *prev[MAX_SOURCES];
    size_t prev_len[MAX_SOURCES];
    sqlite3_int64 prev_id[MAX_SOURCES];
    double prev_epoch[MAX_SOURCES];
    char error[256];
};

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "CREATE TABLE IF NOT EXISTS sources(idx INTEGER PRIMARY KEY, name TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS frames(id INTEGER PRIMARY KEY, t REAL NOT NULL,"
    " source INTEGER NOT NULL, n INTEGER NOT NULL, base INTEGER, z BLOB NOT NULL,"
    " ok REAL, try REAL);"
    "CREATE INDEX IF NOT EXISTS frames_t ON frames(t);"
    "CREATE TABLE IF NOT EXISTS statuses(id INTEGER PRIMARY KEY, t REAL NOT NULL,"
    " source INTEGER NOT NULL, json TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS statuses_t ON statuses(t);"
    "CREATE TABLE IF NOT EXISTS audits(id INTEGER PRIMARY KEY, t REAL NOT NULL,"
    " json TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS audits_t ON audits(t);"
    /* format 2: binary frames in raw deflate with their poll times (1: JSON, zlib) */
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
    "INSERT OR IGNORE INTO meta VALUES('format', '2');"
    /* the config each run judged by (config_print's text, secrets as <set>) */
    "CREATE TABLE IF NOT EXISTS configs(id INTEGER PRIMARY KEY, t REAL NOT NULL,"
    " text TEXT NOT NULL);";

static void fail(struct recorder *r, const char *what)
{
    if (!r->failed)
        snprintf(r->error, sizeof r->error, "recording: %s: %s", what, sqlite3_errmsg(r->db));
    r->failed = true;
}

static int prepare(struct recorder *r)
{
    return sqlite3_prepare_v2(
               r->db, "INSERT INTO frames(t, source, n, base, z, ok, try) VALUES(?,?,?,?,?,?,?)",
               -1, &r->frame, NULL) != SQLITE_OK ||
                   sqlite3_prepare_v2(r->db, "INSERT INTO statuses(t, source, json) VALUES(?,?,?)",
                                      -1, &r->status, NULL) != SQLITE_OK ||
                   sqlite3_prepare_v2(r->db, "INSERT INTO audits(t, json) VALUES(?,?)", -1,
                                      &r->audit, NULL) != SQLITE_OK
               ? -1
               : 0;
}

/* A frames table without the poll times: appending format-2 frames would corrupt it. */
static bool first_format(sqlite3 *db)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT ok FROM frames LIMIT 0", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_finalize(st);
        return false;
    }
    return strstr(sqlite3_errmsg(db), "no such column") != NULL;
}

struct recorder *recorder_open(const char *path, double max_mb, double max_hours, char *err,
                               size_t errlen)
{
    struct recorder *r = calloc(1, sizeof *r);
    if (r == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    r->max_bytes = max_mb * 1024 * 1024;
    r->max_age = max_hours * 3600;
    r->key_every = r->max_age > 0 && r->max_age / 4 < RECORDER_KEY_EVERY_S ? r->max_age / 4
                                                                           : RECORDER_KEY_EVERY_S;
    /* incremental vacuum must be chosen before the first table: dropped frames then
     * give their pages back to the file system */
    if (sqlite3_open(path, &r->db) == SQLITE_OK && first_format(r->db)) {
        snprintf(err, errlen,
                 "recording %s: a recording of the first format (JSON frames): "
                 "record into a new file",
                 path);
        recorder_close(r);
        return NULL;
    }
    if (r->db == NULL ||
        sqlite3_exec(r->db, "PRAGMA auto_vacuum=INCREMENTAL;", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(r->db, schema, NULL, NULL, NULL) != SQLITE_OK || prepare(r) < 0) {
        snprintf(err, errlen, "recording %s: %s", path,
                 r->db ? sqlite3_errmsg(r->db) : "cannot open");
        recorder_close(r);
        return NULL;
    }
    sqlite3_busy_timeout(r->db, 1000);
    return r;
}

static bool begin(struct recorder *r)
{
    if (r->failed)
        return false;
    if (!r->in_tx) {
        if (sqlite3_exec(r->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
            fail(r, "begin");
            return false;
        }
        r->in_tx = true;
    }
    return true;
}

int recorder_add_source(struct recorder *r, size_t i, const char *name)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(r->db, "INSERT OR REPLACE INTO sources(idx, name) VALUES(?,?)", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)i);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(st);
    return rc;
}

static void insert(struct recorder *r, sqlite3_stmt *st, double t, long source, const char *json)
{
    int k = 1;
    sqlite3_bind_double(st, k++, t);
    if (source >= 0)
        sqlite3_bind_int64(st, k++, source);
    sqlite3_bind_text(st, k, json, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        fail(r, "insert");
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

/* Forget every source's last frame: the next ones are key frames (after a drop). */
static void forget_prev(struct recorder *r)
{
    for (size_t i = 0; i < MAX_SOURCES; i++) {
        free(r->prev[i]);
        r->prev[i] = NULL;
    }
}

/* A key frame (deflated alone) opens each key_every seconds of the wall clock, for every source
 * at once, so dropping whole periods never leaves a frame without its base. */
void recorder_frame(struct recorder *r, size_t i, const struct snapshot *s, double now)
{
    if (r == NULL || i >= MAX_SOURCES || !begin(r))
        return;
    size_t n = 0;
    unsigned char *bin = snapjson_encode_bin(s, &n);
    unsigned char *z = NULL;
    size_t zlen = 0;
    double epoch = floor(now / r->key_every);
    bool key = r->prev[i] == NULL || epoch != r->prev_epoch[i];
    if (bin == NULL ||
        framez_pack(bin, n, key ? NULL : r->prev[i], r->prev_len[i], &z, &zlen) < 0) {
        free(bin);
        return;
    }
    sqlite3_stmt *st = r->frame;
    sqlite3_bind_double(st, 1, now);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)n);
    if (!key)
        sqlite3_bind_int64(st, 4, r->prev_id[i]);
    sqlite3_bind_blob(st, 5, z, (int)zlen, SQLITE_STATIC);
    if (r->cur[i].name[0] != '\0') { /* else no status given yet: NULL, no times to carry */
        sqlite3_bind_double(st, 6, r->cur[i].last_ok);
        sqlite3_bind_double(st, 7, r->cur[i].last_try);
    }
    if (sqlite3_step(st) != SQLITE_DONE)
        fail(r, "insert");
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    free(z);
    free(r->prev[i]);
    r->prev[i] = bin;
    r->prev_len[i] = n;
    r->prev_id[i] = sqlite3_last_insert_rowid(r->db);
    r->prev_epoch[i] = epoch;
}

/* times: with last_ok and last_try; without, it is what is compared, for those change at
 * every poll and each frame row carries them (the statuses would be half the file). */
static char *status_json(const struct source_status *st, bool times)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", st->name);
    cJSON_AddNumberToObject(o, "state", st->state);
    if (times) {
        cJSON_AddItemToObject(o, "last_ok", snapjson_number(st->last_ok));
        cJSON_AddItemToObject(o, "last_try", snapjson_number(st->last_try));
    }
    cJSON_AddStringToObject(o, "error", st->error);
    cJSON_AddItemToObject(o, "interval", snapjson_number(st->interval_s));
    cJSON_AddNumberToObject(o, "failures", st->failures);
    cJSON_AddItemToObject(o, "failing_since", snapjson_number(st->failing_since));
    char *out = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return out;
}

void recorder_status(struct recorder *r, size_t i, const struct source_status *st, double now)
{
    if (r == NULL || i >= MAX_SOURCES)
        return;
    r->cur[i] = *st;
    char *key = status_json(st, false);
    char *json = key && strcmp(key, r->last_status[i]) != 0 ? status_json(st, true) : NULL;
    if (json != NULL && begin(r)) {
        insert(r, r->status, now, (long)i, json);
        snprintf(r->last_status[i], sizeof r->last_status[i], "%s", key);
    }
    free(key);
    free(json);
}

int recorder_config(struct recorder *r, const char *text, double now)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(r->db, "SELECT text FROM configs ORDER BY id DESC LIMIT 1", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    bool same = sqlite3_step(st) == SQLITE_ROW &&
                strcmp((const char *)sqlite3_column_text(st, 0), text) == 0;
    sqlite3_finalize(st);
    if (same) /* a run with the config of the one before: nothing new to know */
        return 0;
    if (sqlite3_prepare_v2(r->db, "INSERT INTO configs(t, text) VALUES(?, ?)", -1, &st, NULL) !=
        SQLITE_OK)
        return -1;
    sqlite3_bind_double(st, 1, now);
    sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(st);
    return rc;
}

static void add_str(cJSON *o, const char *k, const char *v)
{
    if (v != NULL)
        cJSON_AddStringToObject(o, k, v);
}

void recorder_audit(struct recorder *r, const struct audit_entry *e, double now)
{
    if (r == NULL || e == NULL || e->req == NULL || !begin(r))
        return;
    cJSON *o = cJSON_CreateObject();
    add_str(o, "source", e->req->source);
    add_str(o, "target", e->req->service);
    add_str(o, "namespace", e->req->namespace_);
    cJSON_AddNumberToObject(o, "from", e->req->from);
    cJSON_AddNumberToObject(o, "to", e->req->to);
    add_str(o, "reason", e->req->reason);
    add_str(o, "result", e->result);
    add_str(o, "message", e->message);
    add_str(o, "object", e->req->object);
    cJSON_AddBoolToObject(o, "production", e->production);
    cJSON_AddBoolToObject(o, "read_only", e->read_only);
    char *json = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (json != NULL)
        insert(r, r->audit, now, -1, json);
    free(json);
    recorder_commit(r, now);
}

double recorder_bytes(struct recorder *r)
{
    sqlite3_stmt *st;
    double v = 0;
    if (sqlite3_prepare_v2(r->db,
                           "SELECT (SELECT page_count FROM pragma_page_count()) - (SELECT "
                           "freelist_count FROM pragma_freelist_count()),"
                           " (SELECT page_size FROM pragma_page_size())",
                           -1, &st, NULL) != SQLITE_OK)
        return 0;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = (double)sqlite3_column_int64(st, 0) * (double)sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
    return v;
}

/* Run a DELETE with ?1 = t; how many rows went. */
static int exec_t(struct recorder *r, const char *sql, double t)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK) {
        fail(r, "bound");
        return 0;
    }
    sqlite3_bind_double(st, 1, t);
    if (sqlite3_step(st) != SQLITE_DONE)
        fail(r, "bound");
    sqlite3_finalize(st);
    return sqlite3_changes(r->db);
}

/* Statuses are written only when they change: the one in force at the cut stays. */
static const char drop_statuses[] = "DELETE FROM statuses WHERE t < ?1 AND id NOT IN"
                                    " (SELECT max(id) FROM statuses WHERE t < ?1 GROUP BY source)";

static double oldest_frame(struct recorder *r)
{
    sqlite3_stmt *st;
    double v = NAN;
    if (sqlite3_prepare_v2(r->db, "SELECT min(t) FROM frames", -1, &st, NULL) != SQLITE_OK)
        return NAN;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* After each commit (the checks are an index range and two pragmas): frames older than
 * the age bound, then the oldest tenth at a time until what is in use fits; statuses
 * before the oldest frame left go with them. Only then are pages given back and the WAL
 * cut, so an ordinary poll costs no vacuum. */
static void enforce_bounds(struct recorder *r, double now)
{
    int gone = 0;
    if (r->max_age > 0) {
        /* whole periods only: what is kept is at most max_age and one period */
        double cut = floor((now - r->max_age) / r->key_every) * r->key_every;
        gone += exec_t(r, "DELETE FROM frames WHERE t < ?", cut);
        gone += exec_t(r, drop_statuses, now - r->max_age);
        gone += exec_t(r, "DELETE FROM audits WHERE t < ?", now - r->max_age);
    }
    for (int round = 0; r->max_bytes > 0 && round < 20 && recorder_bytes(r) > r->max_bytes;
         round++) {
        gone++;
        /* up to the key frames after the oldest tenth: no frame loses its base */
        exec_t(r,
               "DELETE FROM frames WHERE t < (SELECT (CAST(t / ?1 AS INTEGER) + 1) * ?1 FROM "
               "frames WHERE id >= (SELECT min(id) + (max(id) - min(id)) / 10 FROM frames) "
               "ORDER BY id LIMIT 1)",
               r->key_every);
        double oldest = oldest_frame(r);
        exec_t(r, drop_statuses, isnan(oldest) ? now : oldest);
    }
    if (gone == 0)
        return;
    forget_prev(r);
    sqlite3_exec(r->db, "PRAGMA incremental_vacuum;", NULL, NULL, NULL);
    sqlite3_wal_checkpoint_v2(r->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
}

int recorder_commit(struct recorder *r, double now)
{
    if (r == NULL)
        return 0;
    if (r->in_tx) {
        r->in_tx = false;
        if (sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
            bool first = !r->failed;
            fail(r, "commit");
            return first ? -1 : 0;
        }
    }
    if (!r->failed)
        enforce_bounds(r, now);
    return 0;
}

const char *recorder_error(const struct recorder *r)
{
    return r && r->failed ? r->error : "";
}

void recorder_close(struct recorder *r)
{
    if (r == NULL)
        return;
    if (r->in_tx)
        sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL);
    forget_prev(r);
    sqlite3_finalize(r->frame);
    sqlite3_finalize(r->status);
    sqlite3_finalize(r->audit);
    sqlite3_close(r->db);
    free(r);
}
