/* series.c - a service's drawn history in 10-second slots of 16-bit values.
 *
 * A slot is addressed by its number (floor(t / step)) modulo the ring; moving the newest
 * slot forward empties the slots it passes, so an old value never reappears as new. */

#include <math.h>

#include "forgetop/series.h"

#define NONE  0xFFFFu
#define Q_MAX 0xFFFEu

void series_init(struct series *s, unsigned per_unit)
{
    s->newest = 0;
    s->per_unit = (uint16_t)(per_unit > 0 && per_unit < 1000 ? per_unit : 1);
    s->any = false;
    for (size_t i = 0; i < SERIES_SLOTS; i++)
        s->q[i] = NONE;
}

static size_t pos_of(int64_t slot)
{
    int64_t m = slot % SERIES_SLOTS;
    return (size_t)(m < 0 ? m + SERIES_SLOTS : m);
}

static uint16_t quantise(const struct series *s, double v)
{
    double q = round(v * s->per_unit);
    return q <= 0 ? 0 : q >= Q_MAX ? (uint16_t)Q_MAX : (uint16_t)q;
}

/* Make slot the newest, emptying every slot between the old newest and it. */
static void advance(struct series *s, int64_t slot)
{
    int64_t gap = s->any ? slot - s->newest : SERIES_SLOTS;
    if (gap > SERIES_SLOTS)
        gap = SERIES_SLOTS;
    for (int64_t k = 0; k < gap; k++)
        s->q[pos_of(slot - k)] = NONE;
    s->newest = slot;
    s->any = true;
}

bool series_push(struct series *s, double t, double v)
{
    if (!isfinite(t))
        return false;
    int64_t slot = (int64_t)floor(t / SERIES_STEP_S);
    if (!s->any || slot > s->newest)
        advance(s, slot);
    else if (slot <= s->newest - SERIES_SLOTS)
        return false;
    if (isnan(v))
        return true;
    uint16_t q = quantise(s, v);
    uint16_t *cell = &s->q[pos_of(slot)];
    if (*cell == NONE || q > *cell)
        *cell = q;
    return true;
}

static double value_of(const struct series *s, int64_t slot)
{
    if (!s->any || slot > s->newest || slot <= s->newest - SERIES_SLOTS)
        return NAN;
    uint16_t q = s->q[pos_of(slot)];
    return q == NONE ? NAN : (double)q / s->per_unit;
}

double series_at(const struct series *s, double t)
{
    return isfinite(t) ? value_of(s, (int64_t)floor(t / SERIES_STEP_S)) : NAN;
}

void series_resample(const struct series *s, double now, double *out, size_t n)
{
    int64_t end = isfinite(now) ? (int64_t)floor(now / SERIES_STEP_S) : 0;
    for (size_t i = 0; i < n; i++)
        out[i] = isfinite(now) ? value_of(s, end - (int64_t)(n - 1 - i)) : NAN;
}
