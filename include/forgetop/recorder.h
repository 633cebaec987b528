/* recorder.h - the recording (--record) and its reading (--replay): a SQLite file.
 *
 * Tables: sources (index, name), frames (t, source, the snapshot's JSON deflated against
 * the source's previous frame, framez.h, and the poll's last_ok and last_try), statuses
 * (t, source, JSON of the status, written only when more than those times changed), configs
 * (t, the config_print text each run judged by), audits (t, JSON
 * of the attempt); an index on each time. WAL and a commit per poll: a process killed at any point
 * leaves every committed poll. Called from the UI thread only; core never sees SQLite, only the
 * callbacks it is given. */

#ifndef FORGETOP_RECORDER_H
#define FORGETOP_RECORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "forgetop/audit.h"
#include "forgetop/model.h"

struct recorder;

/* A key frame for every source opens each such period (a quarter of record_max_hours when
 * that is shorter); the others are differences from the frame before. */
#define RECORDER_KEY_EVERY_S 120.0

/* Open (create) path for appending; max_mb/max_hours bound it (0: no bound). */
struct recorder *recorder_open(const char *path, double max_mb, double max_hours, char *err,
                               size_t errlen);
/* Source i's name; the replay builds its world with the same indexes. */
int recorder_add_source(struct recorder *r, size_t i, const char *name);
/* The config in force (config_print's text) from now on; written when it differs from the
 * last one recorded. 0 or -1. */
int recorder_config(struct recorder *r, const char *text, double now);
/* One source's snapshot taken at now (the time the world applies it). */
void recorder_frame(struct recorder *r, size_t i, const struct snapshot *s, double now);
/* One source's status at now; only a change from the last one recorded is written. */
void recorder_status(struct recorder *r, size_t i, const struct source_status *st, double now);
/* A scale attempt as the audit log got it; committed at once. */
void recorder_audit(struct recorder *r, const struct audit_entry *e, double now);
/* End the poll: commit, then drop what the bounds exclude. 0, or -1 once with the error. */
int recorder_commit(struct recorder *r, double now);
/* Bytes in use (pages not free), for the bench and the tests. */
double recorder_bytes(struct recorder *r);
const char *recorder_error(const struct recorder *r);
void recorder_close(struct recorder *r);

/* --- reading --- */
struct recording;
enum rec_kind { REC_FRAME, REC_STATUS };
struct rec_event {
    enum rec_kind kind;
    size_t source;
    double t;
    struct snapshot *snap;   /* REC_FRAME: the caller owns it */
    bool has_st;             /* st holds the source's status at t (set it before the frame) */
    struct source_status st; /* REC_STATUS, and a REC_FRAME's status with its poll times */
};

/* Open read-only; a file that is not a recording is an error naming why. */
struct recording *recording_open(const char *path, char *err, size_t errlen);
size_t recording_n_sources(const struct recording *r);
const char *recording_source(const struct recording *r, size_t i);
/* The first and last event's time; -1 when the recording holds none. */
int recording_span(struct recording *r, double *first, double *last);
/* Every event with from <= t <= to in time order (statuses before frames of one time, as the
 * live loop set them).
 * Returns how many were handed over, or -1 with err; a frame that cannot be read is
 * counted in *bad and skipped, so what is intact still replays. */
long recording_each(struct recording *r, double from, double to,
                    void (*fn)(void *ctx, struct rec_event *ev), void *ctx, size_t *bad, char *err,
                    size_t errlen);
/* The status of source src in force just before t: the newest status row, with the poll
 * times of a newer frame. 0, or -1 when none was recorded before t. */
int recording_status_at(struct recording *r, size_t src, double t, struct source_status *st);
/* The time of the event n steps after (n > 0) or before (n < 0) t. */
double recording_step(struct recording *r, double t, int n);
/* The config text recorded in force at t (the newest at or before it, else the first),
 * *when its time; caller frees. NULL when the file records none (its first format). */
char *recording_config(struct recording *r, double t, double *when);
/* A scale attempt as recorded (the audits table), for the replay's timeline and detail. */
struct rec_attempt {
    double t;
    char target[FT_NAME_MAX];
    char result[32]; /* "ok", "declined", "failed", ... as the audit log wrote it */
    int from, to;
};
/* Every scale attempt in time order into *out (caller frees); how many, or -1. */
long recording_attempts(struct recording *r, struct rec_attempt **out);
/* How many audit records with from <= t <= to. */
long recording_audits(struct recording *r, double from, double to);
/* --summary: the span, the sources, how many frames and statuses, and every scale
 * attempt one a line (UTC time, then its audit JSON). 0, or -1 when nothing is recorded. */
int recording_summary(struct recording *r, FILE *out);
void recording_close(struct recording *r);

#endif
