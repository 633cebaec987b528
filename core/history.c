/* history.c - a bounded ring of timestamped samples for one metric.
 *
 * Pushes only move forward in time, so the ring is always sorted: the oldest at head,
 * the newest at head + len - 1, and lookups by time can bisect. */

#include <math.h>

#include "forgetop/history.h"

void history_init(struct history *h)
{
    h->head = 0;
    h->len = 0;
}

bool history_push(struct history *h, double t, double v)
{
    if (!isfinite(t))
        return false;
    /* A replayed backfill repeats samples we hold: keep the first, stay sorted. */
    if (h->len > 0 && t <= history_last(h)->t)
        return false;
    struct sample *s = &h->s[(h->head + h->len) % HISTORY_CAP];
    s->t = t;
    s->v = v;
    if (h->len < HISTORY_CAP)
        h->len++;
    else
        h->head = (h->head + 1) % HISTORY_CAP;
    return true;
}

size_t history_len(const struct history *h)
{
    return h->len;
}

const struct sample *history_at(const struct history *h, size_t i)
{
    if (i >= h->len)
        return NULL;
    return &h->s[(h->head + i) % HISTORY_CAP];
}

const struct sample *history_last(const struct history *h)
{
    return h->len == 0 ? NULL : history_at(h, h->len - 1);
}

/* Index of the first sample with time >= t (len when there is none). */
static size_t first_at_or_after(const struct history *h, double t)
{
    size_t lo = 0, hi = h->len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (history_at(h, mid)->t < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* One slot [a, b): the highest sample inside it, so a short burst stays visible when
 * the slots are coarser than the polls; NAN when its samples are all "no data". When
 * the slot holds no sample, the newest earlier one stands in if it is recent enough. */
static double slot_value(const struct history *h, size_t *cur, double a, double b, bool last)
{
    double best = NAN;
    bool any = false;
    while (*cur < h->len) {
        const struct sample *s = history_at(h, *cur);
        if (s->t > b || (s->t == b && !last))
            break;
        any = true;
        if (!isnan(s->v) && (isnan(best) || s->v > best))
            best = s->v;
        (*cur)++;
    }
    if (any || *cur == 0)
        return best;
    const struct sample *prev = history_at(h, *cur - 1);
    return prev->t + HISTORY_HOLD_S >= a ? prev->v : NAN;
}

size_t history_resample(const struct history *h, double from, double to, double *out, size_t n)
{
    if (n == 0 || !isfinite(from) || !isfinite(to) || to <= from)
        return 0;
    double w = (to - from) / (double)n;
    size_t cur = first_at_or_after(h, from);
    for (size_t i = 0; i < n; i++) {
        double a = from + w * (double)i;
        double b = i + 1 == n ? to : from + w * (double)(i + 1);
        out[i] = slot_value(h, &cur, a, b, i + 1 == n);
    }
    return n;
}
