/* test_recorder.c - the recording file: what is written reads back in time order, the
 * size bound drops the oldest frames first, and typed times are read as the operator
 * means them. */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <sqlite3.h>

#include "forgetop/recorder.h"
#include "forgetop/replay.h"

static char dir[64];

static const char *tmp_path(const char *name)
{
    static char path[128];
    if (dir[0] == '\0') {
        strcpy(dir, "/tmp/forgetop-rec-XXXXXX");
        cr_assert_not_null(mkdtemp(dir));
    }
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

static struct snapshot *frame_with(double t, double v)
{
    struct snapshot *s = snapshot_new();
    s->taken_at = t;
    snapshot_add_reading(s, "cpu", "web", t, v);
    return s;
}

struct seen {
    double t[64];
    double v[64];
    int n, statuses;
};

static void collect(void *ctx, struct rec_event *ev)
{
    struct seen *s = ctx;
    if (ev->kind == REC_FRAME && s->n < 64) {
        s->t[s->n] = ev->t;
        s->v[s->n++] = ev->snap->readings[0].value;
    } else if (ev->kind == REC_STATUS) {
        s->statuses++;
    }
    snapshot_free(ev->snap);
}

Test(recorder, frames_read_back_in_time_order_and_statuses_only_on_change)
{
    char err[256];
    const char *path = tmp_path("order.db");
    struct recorder *r = recorder_open(path, 0, 0, err, sizeof err);
    cr_assert_not_null(r, "%s", err);
    cr_assert_eq(recorder_add_source(r, 0, "demo"), 0);
    struct source_status st = {.state = SOURCE_OK, .last_ok = 1};
    for (int i = 0; i < 10; i++) {
        struct snapshot *s = frame_with(100 + i, i * 1.5);
        recorder_frame(r, 0, s, 100 + i);
        recorder_status(r, 0, &st, 100 + i); /* the same status ten times: one row */
        cr_assert_eq(recorder_commit(r, 100 + i), 0);
        snapshot_free(s);
    }
    recorder_close(r);
    struct recording *rec = recording_open(path, err, sizeof err);
    cr_assert_not_null(rec, "%s", err);
    cr_expect_str_eq(recording_source(rec, 0), "demo");
    double first, last;
    cr_assert_eq(recording_span(rec, &first, &last), 0);
    cr_expect(first == 100 && last == 109);
    struct seen s = {0};
    size_t bad = 0;
    cr_expect_eq(recording_each(rec, 103, 106, collect, &s, &bad, err, sizeof err), 4);
    cr_expect_eq(s.n, 4);
    cr_expect(s.t[0] == 103 && s.t[3] == 106 && s.v[3] == 9);
    cr_expect_eq(s.statuses, 0, "the one status row is at 100");
    cr_expect_eq(recording_step(rec, 105, 2), 107);
    cr_expect_eq(recording_step(rec, 105, -10), 100, "a step stops at the first frame");
    recording_close(rec);
}

struct times {
    double ok[64];
    int n, statuses;
    int state[64];
};

static void collect_times(void *ctx, struct rec_event *ev)
{
    struct times *s = ctx;
    if (ev->kind == REC_STATUS)
        s->statuses++;
    if (ev->has_st && s->n < 64) {
        s->state[s->n] = ev->st.state;
        s->ok[s->n++] = ev->st.last_ok;
    }
    snapshot_free(ev->snap);
}

/* last_ok and last_try change at every poll: they ride on the frame rows, and a status
 * row is written only when something else changes; both read back as they were. */
Test(recorder, poll_times_ride_on_the_frames_and_a_status_row_only_on_change)
{
    char err[256];
    const char *path = tmp_path("times.db");
    struct recorder *r = recorder_open(path, 0, 0, err, sizeof err);
    cr_assert_not_null(r, "%s", err);
    recorder_add_source(r, 0, "demo");
    struct source_status st = {.name = "demo", .state = SOURCE_OK};
    for (int i = 0; i < 10; i++) {
        st.last_try = st.last_ok = 100 + i - 0.25; /* the poll ended before the loop took it */
        if (i == 6)
            st.state = SOURCE_STALE; /* one real change */
        recorder_status(r, 0, &st, 100 + i);
        struct snapshot *s = frame_with(100 + i, i);
        recorder_frame(r, 0, s, 100 + i);
        recorder_commit(r, 100 + i);
        snapshot_free(s);
    }
    recorder_close(r);
    struct recording *rec = recording_open(path, err, sizeof err);
    cr_assert_not_null(rec, "%s", err);
    struct times s = {0};
    size_t bad = 0;
    cr_expect_eq(recording_each(rec, 100, 109, collect_times, &s, &bad, err, sizeof err), 12);
    cr_expect_eq(s.statuses, 2, "two rows: the first status and the change to stale");
    cr_assert_eq(s.n, 12);
    cr_expect_eq(s.ok[1], 99.75, "each frame carries its poll's last_ok");
    cr_expect_eq(s.ok[11], 108.75);
    cr_expect(s.state[1] == SOURCE_OK && s.state[11] == SOURCE_STALE);
    struct source_status at;
    cr_assert_eq(recording_status_at(rec, 0, 104.5, &at), 0);
    cr_expect(at.state == SOURCE_OK && at.last_ok == 103.75 && at.last_try == 103.75,
              "the status in force at 104.5: the row of 100 with the times of the frame of 104");
    cr_expect_str_eq(at.name, "demo");
    cr_assert_eq(recording_status_at(rec, 0, 109.5, &at), 0);
    cr_expect(at.state == SOURCE_STALE && at.last_ok == 108.75);
    cr_expect_eq(recording_status_at(rec, 0, 100, &at), -1, "nothing before the first row");
    recording_close(rec);
}

Test(recorder, the_size_bound_drops_the_oldest_frames_first)
{
    char err[256];
    const char *path = tmp_path("bound.db");
    struct recorder *r = recorder_open(path, 0.25, 0, err, sizeof err);
    cr_assert_not_null(r, "%s", err);
    recorder_add_source(r, 0, "demo");
    for (int i = 0; i < 400; i++) {
        struct snapshot *s = frame_with(1000 + i, i);
        for (int k = 0; k < 40; k++) { /* random text: ~2 kB deflated, 0.25 MB holds ~120 */
            char *sum = snapshot_add_alert(s)->summary;
            for (int c = 0; c < 100; c++)
                sum[c] = "0123456789abcdef"[rand() % 16];
        }
        recorder_frame(r, 0, s, 1000 + i);
        recorder_commit(r, 1000 + i);
        snapshot_free(s);
    }
    cr_expect_leq(recorder_bytes(r), 0.25 * 1024 * 1024);
    recorder_close(r);
    struct recording *rec = recording_open(path, err, sizeof err);
    cr_assert_not_null(rec, "%s", err);
    double first, last;
    cr_assert_eq(recording_span(rec, &first, &last), 0);
    cr_expect_eq(last, 1399, "the newest frame is kept");
    cr_expect_gt(first, 1000, "the oldest frames were dropped");
    struct seen s = {0};
    size_t bad = 0;
    long n = recording_each(rec, first, last, collect, &s, &bad, err, sizeof err);
    cr_expect_eq(n, (long)(last - first) + 1, "what is left is contiguous: only the oldest went");
    recording_close(rec);
}

Test(recorder, not_a_recording_is_a_clear_error)
{
    char err[256] = "";
    const char *path = tmp_path("garbage.db");
    FILE *f = fopen(path, "w");
    fputs("this is not sqlite at all, but long enough to look like a header.......\n", f);
    fclose(f);
    cr_expect_null(recording_open(path, err, sizeof err));
    cr_expect(strstr(err, "is not a forgetop recording") != NULL, "%s", err);
}

static void zone(const char *tz)
{
    setenv("TZ", tz, 1);
    tzset();
}

Test(replay, typed_times)
{
    char err[256];
    double t, last = 1700000000; /* 2023-11-14 22:13:20 UTC */
    zone("UTC");
    cr_assert_eq(replay_parse_time("-15m", 0, last, &t, err, sizeof err), 0);
    cr_expect_eq(t, last - 900);
    cr_assert_eq(replay_parse_time("-2h", 0, last, &t, err, sizeof err), 0);
    cr_expect_eq(t, last - 7200);
    cr_assert_eq(replay_parse_time("22:10", 0, last, &t, err, sizeof err), 0);
    cr_expect_eq(t, last - 200, "earlier the same day");
    cr_assert_eq(replay_parse_time("23:00:30", 0, last, &t, err, sizeof err), 0);
    cr_expect_eq(t, last - 86400 + 2830, "after the end: the day before");
    cr_expect_eq(replay_parse_time("25:00", 0, last, &t, err, sizeof err), -1);
    cr_expect_eq(replay_parse_time("-15x", 0, last, &t, err, sizeof err), -1);
    cr_expect(strstr(err, "not a time") != NULL);
}

/* A clock time is the header clock's, local; a Z reads it as UTC. */
Test(replay, typed_clock_times_are_local_unless_z)
{
    char err[256];
    double t, last = 1700000000; /* 2023-11-15 03:43:20 in Kolkata (+05:30) */
    zone("Asia/Kolkata");
    cr_assert_eq(replay_parse_time("03:40", 0, last, &t, err, sizeof err), 0, "%s", err);
    cr_expect_eq(t, last - 200, "local: 03:40 IST is 200 s before the end");
    cr_assert_eq(replay_parse_time("22:10Z", 0, last, &t, err, sizeof err), 0, "%s", err);
    cr_expect_eq(t, last - 200, "Z: the same instant written in UTC");
    cr_assert_eq(replay_parse_time("22:10:00UTC", 0, last, &t, err, sizeof err), 0);
    cr_expect_eq(t, last - 200);
    cr_assert_eq(replay_parse_time("04:00", 0, last, &t, err, sizeof err), 0);
    cr_expect_eq(t, last - 86400 + 1000, "after the end: the day before, local");
    cr_expect_eq(replay_parse_time("03:40X", 0, last, &t, err, sizeof err), -1);
    cr_expect_eq(replay_parse_time("03:", 0, last, &t, err, sizeof err), -1);
    cr_expect(strstr(err, "local time") != NULL && strstr(err, "03:12Z") != NULL, "%s", err);
    /* the day before across a DST change: 12:00 on the 4th was EDT, the end is EST */
    zone("America/New_York");
    last = 1699200000; /* 2023-11-05 11:00 EST */
    cr_assert_eq(replay_parse_time("12:00", 0, last, &t, err, sizeof err), 0);
    cr_expect_eq(t, 1699113600, "2023-11-04 12:00 EDT = 16:00 UTC");
}

/* Appending format-2 frames to a first-format file would leave it unreadable: refused. */
Test(recorder, a_first_format_file_is_not_appended_to)
{
    char err[256] = "";
    const char *path = tmp_path("v1.db");
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db,
                              "CREATE TABLE frames(id INTEGER PRIMARY KEY, t REAL, source INTEGER,"
                              " n INTEGER, base INTEGER, z BLOB)",
                              NULL, NULL, NULL),
                 SQLITE_OK);
    sqlite3_close(db);
    cr_expect_null(recorder_open(path, 0, 0, err, sizeof err));
    cr_expect(strstr(err, "first format") != NULL, "%s", err);
}
