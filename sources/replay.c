/* replay.c - rebuild a world from a recording at a time, and read the times an operator
 * types (--at, the g key).
 *
 * The world is fed exactly what the live loop fed it: each status and snapshot at the
 * time the loop took it, then evaluated at that time, so sustained clocks run alike. */

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unistd.h>

#include "forgetop/replay.h"

struct feed {
    struct world *w;
    double last_t;
    /* called after each poll's evaluation (the breach summary), NULL: none */
    void (*after)(void *ctx, const struct world *w, double t);
    void *ctx;
};

static void apply(void *ctx, struct rec_event *ev)
{
    struct feed *f = ctx;
    if (ev->source >= f->w->n_sources) {
        snapshot_free(ev->snap);
        return;
    }
    if (f->last_t >= 0 && ev->t > f->last_t) {
        world_evaluate_clock(f->w, f->last_t); /* the loop evaluated after each poll */
        if (f->after != NULL)
            f->after(f->ctx, f->w, f->last_t);
    }
    if (ev->has_st)
        world_set_status(f->w, ev->source, &ev->st);
    if (ev->kind == REC_FRAME)
        world_apply(f->w, ev->source, ev->snap, ev->t);
    f->last_t = ev->t;
}

long replay_world_at(struct recording *r, struct world *w, double at, size_t *bad, char *err,
                     size_t errlen)
{
    struct feed f = {w, -1, NULL, NULL};
    for (size_t i = 0; i < w->n_sources; i++) { /* statuses are written when they change */
        struct source_status st;
        if (recording_status_at(r, i, at - REPLAY_LOOKBACK_S, &st) == 0)
            world_set_status(w, i, &st);
    }
    long n = recording_each(r, at - REPLAY_LOOKBACK_S, at, apply, &f, bad, err, errlen);
    world_evaluate(w, at);
    return n;
}

#define MAX_BREACHES 256

/* One metric's (or one service's cpu or memory) breaches over the recording. */
struct breach {
    char what[FT_ID_MAX + FT_NAME_MAX + 16];
    double first, last;
    enum band first_band, worst;
    long polls;
};

struct breaches {
    struct breach b[MAX_BREACHES];
    size_t n;
};

static void note_breach(struct breaches *bs, const char *what, enum band band, double t)
{
    if (band != BAND_WARNING && band != BAND_CRITICAL)
        return;
    size_t i = 0;
    while (i < bs->n && strcmp(bs->b[i].what, what) != 0)
        i++;
    if (i == bs->n) {
        if (bs->n == MAX_BREACHES)
            return;
        struct breach *nb = &bs->b[bs->n++];
        snprintf(nb->what, sizeof nb->what, "%s", what);
        nb->first = t, nb->first_band = band, nb->worst = band;
    }
    struct breach *b = &bs->b[i];
    b->last = t;
    b->polls++;
    if (band > b->worst)
        b->worst = band;
}

/* After each recorded poll: every band the live screen would have drawn that poll. */
static void scan_breaches(void *ctx, const struct world *w, double t)
{
    char what[sizeof((struct breach *)0)->what];
    for (size_t i = 0; i < w->n_metrics; i++) {
        const struct metric_view *m = &w->metrics[i];
        snprintf(what, sizeof what, "metric %s%s%s", m->rule.id, m->service[0] ? " of " : "",
                 m->service);
        if (m->has_value)
            note_breach(ctx, what, m->band, t);
    }
    for (size_t i = 0; i < w->n_services; i++) {
        const struct service_view *v = &w->services[i];
        snprintf(what, sizeof what, "service %s cpu", v->svc.name);
        note_breach(ctx, what, v->cpu_band, t);
        snprintf(what, sizeof what, "service %s memory", v->svc.name);
        note_breach(ctx, what, v->mem_band, t);
    }
}

static void local_clock(double t, char *out, size_t len)
{
    time_t s = (time_t)t;
    struct tm tm;
    localtime_r(&s, &tm);
    strftime(out, len, "%Y-%m-%d %H:%M:%S %Z", &tm);
}

long replay_breaches(struct recording *r, struct world *w, FILE *out, char *err, size_t errlen)
{
    static struct breaches bs; /* large: off the stack */
    double first, last;
    size_t bad = 0;
    bs.n = 0;
    if (recording_span(r, &first, &last) < 0)
        return 0;
    struct feed f = {w, -1, scan_breaches, &bs};
    long n = recording_each(r, first, last, apply, &f, &bad, err, errlen);
    if (f.last_t >= 0) { /* the last poll */
        world_evaluate_clock(w, f.last_t);
        scan_breaches(&bs, w, f.last_t);
    }
    fprintf(out, "breaches (warning or critical, judged as the live screen judged them): %zu\n",
            bs.n);
    for (size_t i = 0; i < bs.n; i++) {
        char a[40], b[40];
        local_clock(bs.b[i].first, a, sizeof a);
        local_clock(bs.b[i].last, b, sizeof b);
        fprintf(out, "  %s: first %s (%s), last %s, worst %s, in %ld polls\n", bs.b[i].what, a,
                band_name(bs.b[i].first_band), b, band_name(bs.b[i].worst), bs.b[i].polls);
    }
    return n < 0 ? -1 : (long)bs.n;
}

/* The recorded text read as a config file would be (config_load reads a path). */
static int load_text(struct config *c, const char *text, char *err, size_t errlen)
{
    const char *dir = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/forgetop-config-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        snprintf(err, errlen, "cannot write a temporary file in %s", dir && *dir ? dir : "/tmp");
        return -1;
    }
    size_t n = strlen(text);
    bool whole = write(fd, text, n) == (ssize_t)n;
    close(fd);
    int rc = whole ? config_load(c, path, err, errlen) : -1;
    if (!whole)
        snprintf(err, errlen, "cannot write a temporary file");
    unlink(path);
    return rc;
}

void replay_use_config(struct recording *r, double at, struct config *cfg, char *note, size_t len)
{
    static struct config rec; /* large: off the stack */
    char err[256];
    double when = 0;
    char *text = recording_config(r, at, &when);
    config_defaults(&rec);
    if (text == NULL) {
        snprintf(note, len, "this machine's config (the recording holds none)");
    } else if (load_text(&rec, text, err, sizeof err) < 0) {
        snprintf(note, len, "this machine's config (the recorded one does not read: %s)", err);
    } else {
        /* how this terminal draws stays this operator's */
        rec.delay_s = cfg->delay_s;
        rec.mouse = cfg->mouse;
        snprintf(rec.theme, sizeof rec.theme, "%s", cfg->theme);
        *cfg = rec;
        char clock[32];
        time_t s = (time_t)when;
        struct tm tm;
        localtime_r(&s, &tm);
        strftime(clock, sizeof clock, "%Y-%m-%d %H:%M:%S", &tm);
        snprintf(note, len, "the recorded config (of %s)", clock);
    }
    free(text);
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

/* One or two digits at *p, moved past; -1 when there are none. */
static int number(const char **p)
{
    int v = -1, n = 0;
    while (n < 2 && **p >= '0' && **p <= '9') {
        v = (v < 0 ? 0 : v * 10) + (**p - '0');
        (*p)++, n++;
    }
    return v;
}

/* "03:12[:40]" in local time (the header clock's), or UTC with a Z: that time of the
 * day of `last`, a day earlier if it is after last. mktime does the zone's arithmetic,
 * so a day across a DST change is still that clock time. */
static int clock_time(const char *text, double last, double *out)
{
    const char *p = text;
    int h = number(&p), m = -1, s = 0;
    if (*p == ':') {
        p++;
        m = number(&p);
    }
    if (m >= 0 && *p == ':') {
        p++;
        s = number(&p);
    }
    bool utc = strcmp(p, "Z") == 0 || strcmp(p, "z") == 0 || strcmp(p, "UTC") == 0;
    if ((*p != '\0' && !utc) || h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59)
        return -1;
    time_t end = (time_t)floor(last);
    struct tm tm;
    for (int back = 0; back < 2; back++) {
        if (utc) {
            double day = floor(last / 86400) * 86400 - back * 86400.0;
            *out = day + h * 3600 + m * 60 + s;
        } else {
            localtime_r(&end, &tm);
            tm.tm_mday -= back;
            tm.tm_hour = h, tm.tm_min = m, tm.tm_sec = s, tm.tm_isdst = -1;
            *out = (double)mktime(&tm);
        }
        if (*out <= last + 0.999)
            return 0;
    }
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
                 "\"%s\" is not a time: write 03:12, 03:12:40 (local time, as the header "
                 "clock), 03:12Z (UTC), -15m, -90s, -2h or unix seconds",
                 text);
    return rc;
}
