/* replay.c - rebuild a world from a recording at a time, and read the times an operator
 * types (--at, the g key).
 *
 * The world is fed exactly what the live loop fed it: each status and snapshot at the
 * time the loop took it, then evaluated at that time, so sustained clocks run alike. */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/replay.h"

struct feed {
    struct world *w;
    double last_t;
};

static void apply(void *ctx, struct rec_event *ev)
{
    struct feed *f = ctx;
    if (ev->source >= f->w->n_sources) {
        snapshot_free(ev->snap);
        return;
    }
    if (f->last_t >= 0 && ev->t > f->last_t)
        world_evaluate_clock(f->w, f->last_t); /* the loop evaluated after each poll */
    if (ev->has_st)
        world_set_status(f->w, ev->source, &ev->st);
    if (ev->kind == REC_FRAME)
        world_apply(f->w, ev->source, ev->snap, ev->t);
    f->last_t = ev->t;
}

long replay_world_at(struct recording *r, struct world *w, double at, size_t *bad, char *err,
                     size_t errlen)
{
    struct feed f = {w, -1};
    for (size_t i = 0; i < w->n_sources; i++) { /* statuses are written when they change */
        struct source_status st;
        if (recording_status_at(r, i, at - REPLAY_LOOKBACK_S, &st) == 0)
            world_set_status(w, i, &st);
    }
    long n = recording_each(r, at - REPLAY_LOOKBACK_S, at, apply, &f, bad, err, errlen);
    world_evaluate(w, at);
    return n;
}

/* "-15m", "-90s", "-2h": seconds before the end. */
static int relative(const char *text, double last, double *out)
{
    char *end;
    double v = strtod(text + 1, &end);
    double unit = *end == 'h' ? 3600 : *end == 'm' ? 60 : *end == 's' || *end == '\0' ? 1 : 0;
    if (end == text + 1 || unit == 0 || (*end != '\0' && end[1] != '\0') || !(v >= 0))
        return -1;
    *out = last - v * unit;
    return 0;
}

/* "03:12[:40]" UTC: that time of the day of `last`, a day earlier if it is after last. */
static int clock_time(const char *text, double last, double *out)
{
    int h, m, s = 0;
    char tail;
    int n = sscanf(text, "%d:%d:%d%c", &h, &m, &s, &tail);
    if (n != 2 && n != 3)
        return -1;
    if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59)
        return -1;
    double day = floor(last / 86400) * 86400, t = day + h * 3600 + m * 60 + s;
    *out = t > last + 0.999 ? t - 86400 : t;
    return 0;
}

int replay_parse_time(const char *text, double first, double last, double *out, char *err,
                      size_t errlen)
{
    (void)first;
    char *end;
    int rc;
    if (text[0] == '-')
        rc = relative(text, last, out);
    else if (strchr(text, ':') != NULL)
        rc = clock_time(text, last, out);
    else
        rc = (*out = strtod(text, &end), end == text || *end != '\0') ? -1 : 0;
    if (rc < 0)
        snprintf(err, errlen,
                 "\"%s\" is not a time: write 03:12, 03:12:40 (UTC), -15m, -90s, -2h or "
                 "unix seconds",
                 text);
    return rc;
}
