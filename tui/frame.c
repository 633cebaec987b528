/* frame.c - what every screen shares: the two header lines (context, mode badge,
 * refresh, clock, each source's health and age), the status line, the function bar
 * generated from the action table, and value formatting. */

#include <math.h>
#include <string.h>
#include <time.h>

#include "forgetop/actions.h"
#include "forgetop/gauge.h"
#include "forgetop/paint.h"
#include "forgetop/statusbar.h"
#include "forgetop/text.h"
#include "forgetop/tui.h"

enum element frame_band_el(enum band b)
{
    return b == BAND_OK         ? EL_BAND_OK
           : b == BAND_WARNING  ? EL_BAND_WARN
           : b == BAND_CRITICAL ? EL_BAND_CRIT
                                : EL_BAND_UNKNOWN;
}

void frame_value(char *out, size_t len, const char *unit, double v)
{
    if (isnan(v))
        text_printf(out, len, "n/a");
    else if (isinf(v))
        text_printf(out, len, v > 0 ? "inf" : "-inf");
    else if (strcmp(unit, "%") == 0)
        text_printf(out, len, "%.0f%%", v);
    else if (strcmp(unit, "ms") == 0)
        text_printf(out, len, v >= 1000 ? "%.2fs" : "%.0fms", v >= 1000 ? v / 1000 : v);
    else if (strcmp(unit, "s") == 0)
        text_printf(out, len, "%.1fs", v);
    else
        text_count(out, len, v);
}

/* Buckets aligned to multiples of the step, so the line shifts once a step, not at
 * every sample: an idle dashboard repaints its sparklines rarely. A bucket shows its
 * largest sample, so a spike is never averaged away. */
void frame_resample(const struct history *h, double now, double step, double *out, size_t n)
{
    double end = (floor(now / step) + 1) * step, start = end - step * (double)n;
    for (size_t i = 0; i < n; i++)
        out[i] = NAN;
    for (size_t i = 0; i < h->len; i++) {
        const struct sample *s = &h->s[(h->head + i) % HISTORY_CAP];
        if (s->t < start || s->t >= end || isnan(s->v))
            continue;
        size_t k = (size_t)((s->t - start) / step);
        if (k < n && (isnan(out[k]) || s->v > out[k]))
            out[k] = s->v;
    }
}

size_t frame_alert_count(const struct tui *t)
{
    return alerts_count(t);
}

/* Where the header says you are: the namespace the cluster source reads (or all of
 * them), else a compose project, else what the services say. */
static const char *namespace_of(const struct tui *t)
{
    if (t->world->all_namespaces)
        return "all namespaces";
    if (t->world->namespace_[0])
        return t->world->namespace_;
    if (t->cfg && t->cfg->compose_project[0])
        return t->cfg->compose_project;
    return t->world->n_services ? t->world->services[0].svc.namespace_ : "";
}

/* " REPLAY 03:12:40 x10 " (local time like the header clock, as --at and `:` read
 * times), "||" when paused. */
static const char *replay_badge(const struct tui_replay *rp, char *out, size_t len)
{
    char hms[16];
    time_t at = (time_t)rp->at;
    struct tm tm;
    localtime_r(&at, &tm);
    strftime(hms, sizeof hms, "%H:%M:%S", &tm);
    if (rp->paused)
        text_printf(out, len, " REPLAY %s || ", hms);
    else
        text_printf(out, len, " REPLAY %s x%d ", hms, rp->speed);
    return out;
}

/* Right side of line 0: [PROD] [READ-ONLY] every 2s 17:23:05; returns where it starts. */
static int header_right(struct tui *t, int y, int w)
{
    const struct style *st = &t->style;
    char clock[16], every[24], tbuf[32];
    time_t now = (time_t)t->now;
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(clock, sizeof clock, "%H:%M:%S", &tm);
    text_duration(tbuf, sizeof tbuf, t->delay_s);
    if (t->delay_s < 60 && t->delay_s != floor(t->delay_s))
        text_printf(tbuf, sizeof tbuf, "%.1fs", t->delay_s);
    text_printf(every, sizeof every, "every %s", tbuf);
    /* The actuator's decision (mirrored in t->read_only and the world), then the cluster's
     * RBAC for a count; the HPA's verb is in the notice ("RBAC scale: yes · HPA: no"). */
    bool denied = t->world->access.scale == PERM_DENIED;
    const char *badge = t->read_only ? " READ-ONLY "
                        : denied     ? " READ-ONLY (RBAC) "
                                     : " READ-WRITE ";
    char replay[48];
    if (t->replay != NULL) /* what is shown is the recording's time, not now */
        badge = replay_badge(t->replay, replay, sizeof replay);
    enum element bel = t->read_only || denied ? EL_BADGE_RO : EL_BADGE_RW;
    int x = w - (int)strlen(clock);
    paint_text(t->win, st, y, x, (int)strlen(clock), clock, st->attr[EL_TITLE]);
    x -= (int)strlen(every) + 2;
    paint_text(t->win, st, y, x, (int)strlen(every), every, st->attr[EL_DIM]);
    x -= paint_width(st, badge) + 2;
    paint_text(t->win, st, y, x, paint_width(st, badge), badge, st->attr[bel]);
    if (t->world->production) { /* the actuator's decision, mirrored in the world */
        x -= 8;
        paint_text(t->win, st, y, x, 6, " PROD ", st->attr[EL_BADGE_PROD]);
    }
    return x;
}

/* One source's mark, words and element: "✓ 3s", "~ 1m stale", "✗ 40s" (failing keeps the
 * age of its last good poll: how old every figure it gave is), "✗ never ok". */
static enum element source_item(const struct tui *t, const struct source_status *s,
                                const char **mark, char *age, size_t len)
{
    const struct glyphs *g = t->style.g;
    age[0] = '\0';
    if (s->last_ok > 0)
        text_duration(age, len, t->now - s->last_ok);
    switch (s->state) {
    case SOURCE_OK:
        *mark = g->src_ok;
        return EL_BAND_OK;
    case SOURCE_STALE:
        *mark = g->src_stale;
        text_printf(age + strlen(age), len - strlen(age), " stale");
        return EL_BAND_WARN;
    case SOURCE_FAILING:
        *mark = g->src_fail;
        if (s->last_ok <= 0)
            text_printf(age, len, "never ok");
        return EL_BAND_CRIT;
    default:
        *mark = g->src_start;
        text_printf(age, len, "starting");
        return EL_DIM;
    }
}

static int item_width(const struct tui *t, size_t i, const struct source_status *s)
{
    const char *mark;
    char age[32], item[128];
    source_item(t, s, &mark, age, sizeof age);
    text_printf(item, sizeof item, "%s%s %s %s", i ? t->style.g->sep : "", s->name, mark, age);
    return paint_width(&t->style, item);
}

/* Columns the items after source i need, so an error drawn inline leaves them room. */
static int rest_width(const struct tui *t, size_t i)
{
    int n = 0;
    for (size_t k = i + 1; k < t->world->n_sources; k++)
        n += item_width(t, k, &t->world->sources[k]);
    return n;
}

/* ": error" in w columns. When it does not fit, its cause goes first: an error reads
 * "what: where: why", so the leading parts are dropped (`: …Connection refused`) rather
 * than the end cut off (`GET /apis/apps/v1/namespaces/…`). */
static void error_fit(const struct style *st, const char *err, int w, char *out, size_t len)
{
    text_printf(out, len, ": %s", err);
    if (paint_width(st, out) <= w)
        return;
    const char *tail = err;
    for (const char *p = strstr(err, ": "); p != NULL; p = strstr(p + 2, ": ")) {
        tail = p + 2;
        text_printf(out, len, ": %s%s", st->g->ellipsis, tail);
        if (paint_width(st, out) <= w)
            return;
    }
    text_printf(out, len, ": %s%s", tail == err ? "" : st->g->ellipsis, tail);
}

/* Line 1: each source with its mark and age; the first failing source's error follows
 * its age ("kube ✗ 40s: connection refused") in the room the others leave, and the
 * alerts screen has it whole. Then the alerts count or the sources' notice. */
static void header_sources(struct tui *t, int y, int w)
{
    const struct style *st = &t->style;
    const struct world *wd = t->world;
    size_t alerts = frame_alert_count(t);
    char tail[FT_TEXT_MAX + 64] = "";
    if (alerts)
        text_printf(tail, sizeof tail, "%zu alert%s (A)", alerts, alerts == 1 ? "" : "s");
    /* the alerts count keeps its room; the notice after it gives way to an error */
    int keep = alerts ? paint_width(st, st->g->sep) + paint_width(st, tail) : 0;
    int x = 0;
    bool err_shown = false;
    for (size_t i = 0; i < wd->n_sources && x < w; i++) {
        const struct source_status *s = &wd->sources[i];
        const char *mark;
        char age[32], item[96];
        enum element el = source_item(t, s, &mark, age, sizeof age);
        text_printf(item, sizeof item, "%s%s %s", i ? st->g->sep : "", s->name, mark);
        x += paint_text(t->win, st, y, x, w - x, item, st->attr[EL_NORMAL]);
        x += paint_text(t->win, st, y, x, w - x, " ", 0);
        x += paint_text(t->win, st, y, x, w - x, age, st->attr[el]);
        int room = w - x - rest_width(t, i) - keep;
        if (s->state != SOURCE_OK && s->error[0] && !err_shown && room >= 12) {
            char msg[FT_TEXT_MAX + 8];
            bool cut = paint_width(st, s->error) + 2 > room; /* the alerts screen has it whole */
            int hint = cut && !alerts ? 4 : 0;
            error_fit(st, s->error, room - hint, msg, sizeof msg);
            x += paint_text(t->win, st, y, x, room - hint, msg, st->attr[EL_STATUS_ERR]);
            if (hint)
                x += paint_text(t->win, st, y, x, 4, " (A)", st->attr[EL_DIM]);
            err_shown = true;
        }
    }
    if (wd->n_sources == 0)
        x += paint_text(t->win, st, y, x, w, "no sources", st->attr[EL_BAND_UNKNOWN]);
    if (tail[0] && x + 4 < w) {
        x += paint_text(t->win, st, y, x, w - x, st->g->sep, 0);
        x += paint_text(t->win, st, y, x, w - x, tail, st->attr[EL_STATUS_ERR]);
    }
    if (wd->notice[0] && x + 8 < w) {
        x += paint_text(t->win, st, y, x, w - x, st->g->sep, 0);
        paint_text(t->win, st, y, x, w - x, wd->notice, st->attr[EL_DIM]);
    }
}

int frame_header(struct tui *t, int y)
{
    const struct style *st = &t->style;
    int w = t->cols > TUI_MAX_COLS ? TUI_MAX_COLS : t->cols;
    char ctx[2 * FT_NAME_MAX + 8];
    const char *ns = namespace_of(t);
    const char *c = t->world->context[0] ? t->world->context : "-";
    bool has_ns = ns[0] && strstr(c, ns) == NULL; /* "demo: open-forge" names it already */
    text_printf(ctx, sizeof ctx, "%s%s%s", c, has_ns ? " / " : "", has_ns ? ns : "");
    int right = header_right(t, y, w);
    int x = paint_text(t->win, st, y, 0, w, "forgetop ", st->attr[EL_TITLE]);
    paint_text(t->win, st, y, x, right - x - 1, ctx, st->attr[EL_NORMAL]);
    header_sources(t, y + 1, w);
    if (t->replay != NULL) /* a replay: where its time is in the recording, and the scales */
        return 2 + tui_replay_timeline(t, y + 2, w);
    return 2;
}

static void mode_hint(struct tui *t, char *out, size_t len)
{
    if (t->mode == MODE_FILTER)
        text_printf(out, len, "filter: %s_   (Enter keeps, Esc clears)", t->filter);
    else if (t->n_marks)
        text_printf(out, len, "%zu marked: + - s a H U apply to all of them, Space unmarks",
                    t->n_marks);
    else if (t->filter[0])
        text_printf(out, len, "filter: %s   (/ to change)", t->filter);
    else
        out[0] = '\0';
}

/* The cells of each function bar item, laid out as statusbar_draw_keys lays them. */
static void bar_hits(struct tui *t, const struct fbar_item *items, size_t n, int w)
{
    int c = 0;
    t->hits.bar_y = t->lines - 1;
    t->hits.n_bar = 0;
    for (size_t i = 0; i < n; i++) {
        int kw = paint_width(&t->style, items[i].key);
        int need = kw + (kw > 1) + paint_width(&t->style, items[i].label) + 1;
        if (c + need > w)
            break;
        t->hits.bar_x[i] = c;
        t->hits.bar_w[i] = need;
        t->hits.n_bar = i + 1;
        c += need;
    }
}

void frame_footer(struct tui *t)
{
    const struct style *st = &t->style;
    int w = t->cols > TUI_MAX_COLS ? TUI_MAX_COLS : t->cols;
    char hint[128];
    mode_hint(t, hint, sizeof hint);
    if (t->status[0] && t->mode != MODE_FILTER)
        statusbar_draw_message(t->win, st, t->lines - 2, 0, w, t->status, t->status_el);
    else
        statusbar_draw_message(t->win, st, t->lines - 2, 0, w, hint, EL_DIM);

    size_t n;
    const struct action *a = actions_table(&n);
    struct fbar_item items[32];
    char keys[32][16];
    size_t k = 0;
    for (size_t i = 0; i < n && k < 32; i++) {
        if (!a[i].bar || a[i].mode != MODE_NORMAL)
            continue;
        size_t l = strcspn(a[i].keys, " ");
        text_printf(keys[k], sizeof keys[k], "%.*s", (int)l, a[i].keys);
        items[k] = (struct fbar_item){keys[k], a[i].bar,
                                      t->read_only && !(a[i].flags & ACT_READ_ONLY_SAFE)};
        t->hits.bar_key[k] = a[i].codes[0];
        k++;
    }
    statusbar_draw_keys(t->win, st, t->lines - 1, 0, w, items, k);
    bar_hits(t, items, k, w);
}
