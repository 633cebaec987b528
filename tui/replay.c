/* replay.c - the dashboard's clock over a recording (--replay): seek, step, play.
 *
 * A step forward feeds the next events to the world as the live loop did; anything that
 * goes back in time rebuilds the world from REPLAY_LOOKBACK_S before the target, so the
 * bands, sustained states and recommendations are the core's own, recomputed. */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "forgetop/paint.h"
#include "forgetop/replay.h"
#include "forgetop/text.h"
#include "forgetop/tui.h"

static const int speeds[] = {1, 2, 5, 10, 30, 60};
#define N_SPEEDS (sizeof speeds / sizeof speeds[0])

void tui_replay_seek(struct tui *t, double target)
{
    struct tui_replay *rp = t->replay;
    char err[256];
    if (target < rp->first)
        target = rp->first;
    if (target > rp->last)
        target = rp->last;
    world_free(t->world);
    world_init(t->world, t->cfg);
    for (size_t i = 0; i < recording_n_sources(rp->rec); i++)
        world_add_source(t->world, recording_source(rp->rec, i));
    if (replay_world_at(rp->rec, t->world, target, &rp->bad, err, sizeof err) < 0)
        tui_set_status(t, EL_STATUS_ERR, "%s", err);
    rp->at = target;
    t->now = target;
}

static void feed(void *ctx, struct rec_event *ev)
{
    struct world *w = ctx;
    if (ev->source >= w->n_sources) {
        snapshot_free(ev->snap);
        return;
    }
    if (ev->has_st)
        world_set_status(w, ev->source, &ev->st);
    if (ev->kind == REC_FRAME)
        world_apply(w, ev->source, ev->snap, ev->t);
    world_evaluate_clock(w, ev->t); /* forward() evaluates in full at its end */
}

/* Forward from at to to: only the new events, no rebuild. */
static void forward(struct tui *t, double to)
{
    struct tui_replay *rp = t->replay;
    char err[256];
    if (to > rp->last)
        to = rp->last;
    if (to > rp->at && recording_each(rp->rec, nextafter(rp->at, INFINITY), to, feed, t->world,
                                      &rp->bad, err, sizeof err) < 0)
        tui_set_status(t, EL_STATUS_ERR, "%s", err);
    world_evaluate(t->world, to);
    rp->at = to;
    t->now = to;
}

bool tui_replay_advance(struct tui *t, double wall)
{
    struct tui_replay *rp = t->replay;
    double was = rp->at;
    if (!rp->paused) {
        forward(t, rp->at + (wall - rp->wall) * rp->speed);
        if (rp->at >= rp->last)
            rp->paused = true; /* the end of the recording: nothing more to play */
    }
    rp->wall = wall;
    t->now = rp->at;
    return rp->at != was;
}

static void go(struct tui *t, double target)
{
    if (target >= t->replay->at)
        forward(t, target);
    else
        tui_replay_seek(t, target);
}

static void set_speed(struct tui *t, int dir)
{
    struct tui_replay *rp = t->replay;
    size_t i = 0;
    while (i + 1 < N_SPEEDS && speeds[i] < rp->speed)
        i++;
    if (dir > 0 && i + 1 < N_SPEEDS)
        i++;
    else if (dir < 0 && i > 0)
        i--;
    rp->speed = speeds[i];
    tui_set_status(t, EL_STATUS_OK, "replay speed x%d", rp->speed);
}

/* After `:`: digits, ':', '-', 'h', 'm', 's', 'Z' (UTC); Enter goes, Escape gives up. */
static void go_type(struct tui *t, int key)
{
    struct tui_replay *rp = t->replay;
    size_t n = strlen(rp->go);
    if (key == '\n' || key == '\r' || key == KEY_ENTER) {
        double target;
        char err[160];
        if (replay_parse_time(rp->go + 1, rp->first, rp->last, &target, err, sizeof err) < 0)
            tui_set_status(t, EL_STATUS_ERR, "%s", err);
        else
            go(t, target);
        rp->go[0] = '\0';
        t->mode = MODE_NORMAL;
    } else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
        if (n > 1)
            rp->go[n - 1] = '\0';
    } else if (key == 27) { /* Escape */
        rp->go[0] = '\0';
        t->mode = MODE_NORMAL;
    } else if (key > 0 && key < 128 && strchr("0123456789:-hmsZ", key) && n + 1 < sizeof rp->go) {
        rp->go[n] = (char)key;
        rp->go[n + 1] = '\0';
    }
    if (rp->go[0] != '\0')
        tui_set_status(t, EL_STATUS_OK, "go to (03:12 local, 03:12Z, -15m): %s", rp->go + 1);
}

static void clock_of(double t, char *out, size_t len)
{
    time_t s = (time_t)t;
    struct tm tm;
    localtime_r(&s, &tm); /* the badge's and the header clock's: local */
    strftime(out, len, "%H:%M:%S", &tm);
}

static bool failed(const struct rec_attempt *a)
{
    return strcmp(a->result, "ok") != 0;
}

/* The column of time tm on a bar of bw cells from x over the recording. */
static int col(const struct tui_replay *rp, int x, int bw, double tm)
{
    double span = rp->last > rp->first ? rp->last - rp->first : 1;
    return x + (int)((tm - rp->first) / span * (bw - 1) + 0.5);
}

int tui_replay_timeline(struct tui *t, int y, int w)
{
    const struct tui_replay *rp = t->replay;
    const struct style *st = &t->style;
    char a[16], b[16], tail[64];
    clock_of(rp->first, a, sizeof a);
    clock_of(rp->last, b, sizeof b);
    text_printf(tail, sizeof tail, " %s  %zu scale attempt%s%s", b, rp->n_attempts,
                rp->n_attempts == 1 ? "" : "s", rp->n_attempts ? ", ( ) go to one" : "");
    int x = paint_text(t->win, st, y, 0, w, a, st->attr[EL_DIM]) + 1;
    int bw = w - x - (int)strlen(tail);
    if (bw < 10) /* narrow: the bar keeps its room, the words go */
        bw = w - x - 10;
    if (bw < 3)
        return 1;
    paint_repeat(t->win, y, x, bw, "-", st->attr[EL_DIM]);
    for (size_t i = 0; i < rp->n_attempts; i++)
        paint_text(t->win, st, y, col(rp, x, bw, rp->attempts[i].t), 1, "*",
                   st->attr[failed(&rp->attempts[i]) ? EL_BAND_WARN : EL_REC_CHANGE]);
    paint_text(t->win, st, y, col(rp, x, bw, rp->at), 1, "|", st->attr[EL_HEADER_FOCUS]);
    paint_text(t->win, st, y, x + bw, w - x - bw, tail, st->attr[EL_DIM]);
    return 1;
}

int tui_replay_attempts(struct tui *t, const struct service_view *sv, int y, int w, int max)
{
    const struct tui_replay *rp = t->replay;
    const struct style *st = &t->style;
    if (rp == NULL || max < 1)
        return 0;
    int used = 0;
    for (size_t k = rp->n_attempts; k-- > 0 && used < max;) {
        const struct rec_attempt *a = &rp->attempts[k];
        if (a->t > rp->at || strcmp(a->target, sv->svc.name) != 0)
            continue;
        char c[16], row[160];
        clock_of(a->t, c, sizeof c);
        text_printf(row, sizeof row, "%s  %d -> %d  %s", c, a->from, a->to, a->result);
        paint_text(t->win, st, y + used, 0, 12, used ? "" : "scaled", st->attr[EL_DIM]);
        paint_text(t->win, st, y + used, 13, w - 13, row,
                   st->attr[failed(a) ? EL_BAND_WARN : EL_NORMAL]);
        used++;
    }
    return used;
}

/* ( ) the scale attempt before or after the replay's time. */
static void to_attempt(struct tui *t, int dir)
{
    struct tui_replay *rp = t->replay;
    const struct rec_attempt *hit = NULL;
    for (size_t i = 0; i < rp->n_attempts; i++) {
        const struct rec_attempt *a = &rp->attempts[i];
        if (dir > 0 && a->t > rp->at + 0.5) {
            hit = a;
            break;
        }
        if (dir < 0 && a->t < rp->at - 0.5)
            hit = a;
    }
    if (hit == NULL) {
        tui_set_status(t, EL_STATUS_OK, "no scale attempt %s", dir > 0 ? "after" : "before");
        return;
    }
    rp->paused = true;
    go(t, hit->t);
    tui_set_status(t, EL_STATUS_OK, "scale attempt: %s %d -> %d, %s", hit->target, hit->from,
                   hit->to, hit->result);
}

void tui_replay_key(struct tui *t, int key)
{
    struct tui_replay *rp = t->replay;
    if (rp == NULL) {
        tui_set_status(t, EL_STATUS_ERR, "only in a replay (forgetop --replay FILE)");
        return;
    }
    if (t->mode == MODE_GOTO) {
        go_type(t, key);
        return;
    }
    switch (key) {
    case 'p':
        rp->paused = !rp->paused;
        tui_set_status(t, EL_STATUS_OK, rp->paused ? "replay paused" : "replay playing");
        break;
    case ',':
    case '.':
        rp->paused = true;
        go(t, recording_step(rp->rec, rp->at, key == '.' ? 1 : -1));
        break;
    case '[':
    case ']':
    case '{':
    case '}':
        go(t, rp->at + (key == '[' ? -60 : key == ']' ? 60 : key == '{' ? -600 : 600));
        break;
    case '<':
    case '>':
        set_speed(t, key == '>' ? 1 : -1);
        break;
    case '(':
    case ')':
        to_attempt(t, key == ')' ? 1 : -1);
        break;
    case ':':
        t->mode = MODE_GOTO;
        snprintf(rp->go, sizeof rp->go, ":");
        tui_set_status(t, EL_STATUS_OK, "go to (03:12 local, 03:12Z, -15m): ");
        break;
    }
}
