/* history.h - a bounded ring of timestamped samples for one metric.
 *
 * Fixed capacity, oldest overwritten; samples are pushed in time order (an older or
 * equal timestamp than the newest is ignored, so a backfill can be replayed safely). */

#ifndef FORGETOP_HISTORY_H
#define FORGETOP_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

#define HISTORY_CAP 1024

/* In history_resample, a sample stands for its slot and those after it for this long,
 * so slots finer than the poll interval do not read as gaps. */
#define HISTORY_HOLD_S 90.0

struct sample {
    double t;
    double v;
};

struct history {
    struct sample s[HISTORY_CAP];
    size_t head; /* index of the oldest */
    size_t len;
};

void history_init(struct history *h);
/* Returns true when the sample was stored. */
bool history_push(struct history *h, double t, double v);
size_t history_len(const struct history *h);
/* i = 0 is the oldest; i = len-1 the newest. */
const struct sample *history_at(const struct history *h, size_t i);
const struct sample *history_last(const struct history *h);
/* Copy up to n values evenly resampled over [from, to] into out (NAN where no sample
 * covers a slot); for sparklines. Slot i covers [from + i*w, from + (i+1)*w) with
 * w = (to - from) / n, the last one closed at to. A slot holding samples takes the
 * highest (NAN if all are NAN); an empty one takes the newest earlier sample when that
 * is at most HISTORY_HOLD_S older than the slot's start. Returns the number written:
 * n, or 0 when n is 0 or the range is empty or not finite. */
size_t history_resample(const struct history *h, double from, double to, double *out, size_t n);

#endif
