/* bands.c - decide ok / warning / critical for a metric, and whether it is sustained.
 *
 * A metric is sustained when every sample since it went over the warning threshold is
 * over it, the way a Prometheus rule with `for:` goes from pending to firing; a gap in
 * the samples counts as a missed evaluation and starts over. Pure: callers pass the
 * time in. */

#include <math.h>
#include <string.h>

#include "forgetop/bands.h"

/* Strict, like the runbook's `expr: ... > 0.7`; NAN is never over anything. */
static bool over(double v, double threshold)
{
    return v > threshold;
}

enum band bands_classify(const struct metric_rule *r, double value)
{
    if (isnan(value))
        return BAND_UNKNOWN;
    if (over(value, r->critical))
        return BAND_CRITICAL;
    if (over(value, r->warning))
        return BAND_WARNING;
    return BAND_OK;
}

enum band bands_ready(int ready, int desired)
{
    if (desired <= 0 || ready >= desired)
        return BAND_OK;
    return ready <= 0 ? BAND_CRITICAL : BAND_WARNING;
}

/* Index + 1 of the newest sample at or before now; 0 when there is none. */
static size_t newest_until(const struct history *h, double now)
{
    size_t n = history_len(h);
    while (n > 0 && history_at(h, n - 1)->t > now)
        n--;
    return n;
}

struct sustain bands_sustained(const struct metric_rule *r, const struct history *h, double now)
{
    return bands_sustained_at(r, h, now, 1.0, 0);
}

struct sustain bands_sustained_alert(const char *state, double active_at, double now)
{
    struct sustain st = {SUSTAINED_INACTIVE, 0, 0};
    bool firing = strcmp(state, "firing") == 0;
    if (!firing && strcmp(state, "pending") != 0)
        return st;
    st.state = firing ? SUSTAINED_FIRING : SUSTAINED_PENDING;
    if (active_at > 0 && active_at <= now) {
        st.since = active_at;
        st.for_s = now - active_at;
    }
    return st;
}

/* Seconds of the readings' clock between a and b (a <= b), see bands_sustained_at. */
static double clock_span(double a, double b, double rate, double from)
{
    if (b <= from)
        return b - a;
    if (a >= from)
        return (b - a) * rate;
    return (from - a) + (b - from) * rate;
}

struct sustain bands_sustained_at(const struct metric_rule *r, const struct history *h, double now,
                                  double rate, double rate_from)
{
    if (!(rate > 0))
        rate = 1.0;
    struct sustain st = {SUSTAINED_INACTIVE, 0, 0};
    size_t n = newest_until(h, now);
    if (n == 0)
        return st;
    const struct sample *s = history_at(h, n - 1);
    /* A series that stopped reporting is stale: Prometheus resolves the alert. */
    if (!over(s->v, r->warning) || now - s->t > BANDS_MAX_GAP_S)
        return st;
    double since = s->t;
    for (size_t i = n - 1; i > 0; i--) {
        const struct sample *prev = history_at(h, i - 1);
        if (since - prev->t > BANDS_MAX_GAP_S || !over(prev->v, r->warning))
            break;
        since = prev->t;
    }
    st.since = since;
    st.for_s = clock_span(since, now, rate, rate_from);
    st.state = st.for_s >= r->for_s ? SUSTAINED_FIRING : SUSTAINED_PENDING;
    return st;
}
