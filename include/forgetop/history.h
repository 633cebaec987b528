/* history.h - a bounded ring of timestamped samples for one metric.
 *
 * Fixed capacity, oldest overwritten; samples are pushed in time order (an older or
 * equal timestamp than the newest is ignored, so a backfill can be replayed safely). */

#ifndef FORGETOP_HISTORY_H
#define FORGETOP_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

#define HISTORY_CAP 1024

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
 * covers a slot); for sparklines. Returns the number written. */
size_t history_resample(const struct history *h, double from, double to, double *out, size_t n);

#endif
