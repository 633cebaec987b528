/* tui.c - the dashboard's state: selection kept by name across polls, marks, the
 * status line, the theme, and the one draw entry point every frame goes through. */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "forgetop/actions.h"
#include "forgetop/grow.h"
#include "forgetop/keys.h"
#include "forgetop/paint.h"
#include "forgetop/text.h"
#include "forgetop/tui.h"

void tui_init(struct tui *t, struct world *w, struct actuator *act, struct poller *p,
              const struct config *cfg, WINDOW *win)
{
    char err[160];
    memset(t, 0, sizeof *t);
    t->world = w;
    t->act = act;
    t->poller = p;
    t->cfg = cfg;
    t->read_only = (act && actuator_read_only(act)) || (cfg && cfg->read_only);
    t->delay_s = cfg && cfg->delay_s > 0 ? cfg->delay_s : 2.0;
    t->win = win;
    t->rows = calloc(1, sizeof *t->rows); /* NULL: tui_visible shows none */
    tui_sort_set(t, SORT_SOURCE);
    t->style.g = glyphs_get(glyphs_locale_is_utf8());
    const char *nc = getenv("NO_COLOR");
    t->colours = has_colors() && !(nc && *nc);
    if (theme_load(&t->mono, "mono", err, sizeof err) < 0)
        theme_parse(&t->mono, "mono", "", err, sizeof err);
    const char *name = cfg && cfg->theme[0] ? cfg->theme : "dark";
    if (nc && *nc && !(cfg && cfg->theme[0]))
        name = "mono";
    if (tui_set_theme(t, name, err, sizeof err) < 0) {
        tui_set_theme(t, "dark", NULL, 0);
        tui_set_status(t, EL_STATUS_ERR, "%s; using dark", err);
    }
}

int tui_set_theme(struct tui *t, const char *name, char *err, size_t errlen)
{
    struct theme th;
    char e[160];
    if (theme_load(&th, name, err ? err : e, err ? errlen : sizeof e) < 0)
        return -1;
    t->theme = th;
    int i = theme_index(name);
    t->theme_index = i < 0 ? 0 : i;
    theme_apply(&t->theme, &t->mono, t->colours, &t->style);
    t->repaint = true;
    return 0;
}

/* The status line carries its time: at 3 a.m. "scaled api 5 -> 7" must say when. */
void tui_set_status(struct tui *t, enum element el, const char *fmt, ...)
{
    char buf[sizeof t->status];
    time_t now = (time_t)t->now;
    struct tm tm;
    localtime_r(&now, &tm);
    size_t n = t->now > 0 ? strftime(buf, sizeof buf, "%H:%M:%S ", &tm) : 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + n, sizeof buf - n, fmt, ap);
    va_end(ap);
    text_sanitize(t->status, sizeof t->status, buf); /* messages quote servers */
    t->status_el = el;
}

static bool matches_filter(const struct tui *t, const struct service_view *sv)
{
    if (!t->filter[0])
        return true;
    size_t n = strlen(t->filter);
    for (const char *p = sv->svc.name; *p; p++)
        if (strncasecmp(p, t->filter, n) == 0)
            return true;
    return false;
}

void tui_free(struct tui *t)
{
    if (t->rows)
        free(t->rows->idx);
    free(t->rows);
    t->rows = NULL;
}

/* The kept order still answers: a key (j, k) and its redraw ask for it several times, and
 * filtering and sorting thousands of rows each time costs more than the frame. */
static bool rows_fresh(const struct tui *t, const struct tui_rows *r)
{
    const struct world *w = t->world;
    return r->valid && r->services == w->services && r->n_services == w->n_services &&
           r->revision == w->revision && r->sort == t->sort && r->desc == t->sort_desc &&
           strcmp(r->filter, t->filter) == 0;
}

static void rows_stamp(const struct tui *t, struct tui_rows *r)
{
    r->valid = true;
    r->services = t->world->services;
    r->n_services = t->world->n_services;
    r->revision = t->world->revision;
    r->sort = t->sort;
    r->desc = t->sort_desc;
    text_printf(r->filter, sizeof r->filter, "%s", t->filter);
}

const size_t *tui_visible(const struct tui *t, size_t *n)
{
    struct tui_rows *r = t->rows;
    size_t all = t->world->n_services;
    *n = 0;
    if (r == NULL || all == 0)
        return NULL;
    bool sorted = t->sort != SORT_SOURCE || t->sort_desc; /* else filtering is all it costs */
    if (!sorted || !rows_fresh(t, r)) {
        r->valid = false;
        r->n = 0;
        if (all > r->cap && grow_array((void **)&r->idx, &r->cap, all, sizeof *r->idx) < 0)
            return NULL;
        for (size_t i = 0; i < all; i++)
            if (matches_filter(t, &t->world->services[i]))
                r->idx[r->n++] = i;
        if (tui_sort_rows(t, r->idx, r->n) < 0)
            return NULL;
        rows_stamp(t, r);
    }
    *n = r->n;
    return r->n ? r->idx : NULL;
}

bool tui_pick_is(const struct tui *t, const struct tui_pick *p, const struct service_view *sv)
{
    return strcmp(sv->svc.name, p->name) == 0 &&
           strcmp(t->world->sources[sv->source].name, p->source) == 0 &&
           (p->ns[0] == '\0' || strcmp(sv->svc.namespace_, p->ns) == 0);
}

static void pick_of(const struct tui *t, const struct service_view *sv, struct tui_pick *p)
{
    text_printf(p->source, sizeof p->source, "%s", t->world->sources[sv->source].name);
    text_printf(p->ns, sizeof p->ns, "%s", sv->svc.namespace_);
    text_printf(p->name, sizeof p->name, "%s", sv->svc.name);
}

void tui_select(struct tui *t, const struct service_view *sv)
{
    if (sv == NULL)
        memset(&t->sel, 0, sizeof t->sel);
    else
        pick_of(t, sv, &t->sel);
}

/* Index of the selected view in the world (filter or not), n_services when none. */
static size_t selected_index(const struct tui *t)
{
    const struct world *w = t->world;
    size_t *hint = t->rows ? &t->rows->hint : NULL;
    if (hint && *hint < w->n_services && tui_pick_is(t, &t->sel, &w->services[*hint]))
        return *hint;
    for (size_t i = 0; i < w->n_services; i++)
        if (tui_pick_is(t, &t->sel, &w->services[i])) {
            if (hint)
                *hint = i;
            return i;
        }
    return w->n_services;
}

/* The selection, or when it is not shown, the first row in the table's order. */
const struct service_view *tui_selected(const struct tui *t)
{
    size_t i = selected_index(t);
    if (i < t->world->n_services && matches_filter(t, &t->world->services[i]))
        return &t->world->services[i];
    size_t n;
    const size_t *idx = tui_visible(t, &n);
    return idx ? &t->world->services[idx[0]] : NULL;
}

size_t tui_row_of_selected(const struct tui *t, const size_t *idx, size_t n)
{
    size_t si = selected_index(t);
    for (size_t i = 0; i < n; i++)
        if (idx[i] == si)
            return i;
    return 0;
}

/* Marks are keyed by source, namespace and name: with -A one name may be in two. */
bool tui_is_marked(const struct tui *t, const struct service_view *sv)
{
    for (size_t i = 0; i < t->n_marks; i++)
        if (tui_pick_is(t, &t->marks[i], sv))
            return true;
    return false;
}

/* Space: mark sv, or unmark it when it is marked; false when the marks are full. */
bool tui_mark_toggle(struct tui *t, const struct service_view *sv)
{
    for (size_t i = 0; i < t->n_marks; i++)
        if (tui_pick_is(t, &t->marks[i], sv)) {
            memmove(&t->marks[i], &t->marks[i + 1], (t->n_marks - i - 1) * sizeof t->marks[0]);
            t->n_marks--;
            return true;
        }
    if (t->n_marks >= TUI_MAX_TARGETS)
        return false;
    pick_of(t, sv, &t->marks[t->n_marks++]);
    return true;
}

void tui_key(struct tui *t, int key)
{
    MEVENT ev;
    if (key == KEYS_SGR_MOUSE) { /* a click or the wheel, as the key that does the same */
        if (keys_mouse_read(t->win, &ev))
            keys_mouse_event(t, &ev);
        return;
    }
    actions_dispatch(t, key);
}

void tui_outcome(struct tui *t, const struct scale_request *req, int status, const char *msg)
{
    if (t->act)
        actuator_outcome(t->act, req, status, msg, t->now);
    for (size_t i = 0; i < t->n_follow; i++) {
        struct tui_follow *f = &t->follow[i];
        if (f->state != FOLLOW_PENDING || strcmp(f->service, req->service) != 0 ||
            strcmp(f->source_name, req->source) != 0)
            continue;
        f->state = status == 0 ? FOLLOW_APPLIED : FOLLOW_FAILED;
        f->applied_at = t->now;
        text_printf(f->msg, sizeof f->msg, "%s",
                    msg && *msg   ? msg
                    : status == 0 ? ""
                                  : "no reason given");
        tui_follow(t);
        return;
    }
    /* not one this session is following (a test, or a follow list already replaced) */
    if (status == 0)
        tui_set_status(t, EL_STATUS_OK, "%s", msg && *msg ? msg : "scaled");
    else
        tui_set_status(t, EL_STATUS_ERR, "scale %s %d -> %d failed: %s", req->service, req->from,
                       req->to, msg && *msg ? msg : "no reason given");
}

/* Where an applied count change is now: the rollout, or the autoscaler setting it back. */
static void follow_rollout(struct tui *t, struct tui_follow *f, char *out, size_t len)
{
    const struct service_view *sv = world_service(t->world, f->source_name, f->service);
    char took[24];
    text_duration(took, sizeof took, t->now - f->applied_at);
    if (!sv) {
        text_printf(out, len, "scaled %s %d -> %d", f->service, f->from, f->to);
        return;
    }
    const struct service *s = &sv->svc;
    const struct snapshot *snap =
        sv->source < t->world->n_sources ? t->world->snaps[sv->source] : NULL;
    bool newer = snap != NULL && snap->taken_at > f->applied_at; /* polled since it applied */
    if (s->desired != f->to && !newer) {
        text_printf(out, len, "scaled %s %d -> %d: waiting for the next poll", f->service, f->from,
                    f->to);
    } else if (s->desired != f->to && s->autoscaler.present) {
        text_printf(out, len, "%s set %s back to %d within %s", s->autoscaler.name, f->service,
                    s->desired, took);
        f->state = FOLLOW_DONE;
    } else if (s->desired != f->to) {
        text_printf(out, len, "%s %d -> %d, then moved to %d by someone else", f->service, f->from,
                    f->to, s->desired);
        f->state = FOLLOW_DONE;
    } else if (s->ready >= f->to && s->updated >= f->to) {
        text_printf(out, len, "scaled %s %d -> %d: %d/%d ready", f->service, f->from, f->to,
                    s->ready, f->to);
    } else {
        size_t waiting = 0, starting = 0; /* Pending (not yet placed), then not ready */
        const char *why = model_text(s->status);
        for (size_t i = 0; i < s->n_pods && s->pods; i++) {
            waiting += strcmp(s->pods[i].phase, "Pending") == 0;
            starting += !s->pods[i].ready && strcmp(s->pods[i].phase, "Pending") != 0;
        }
        text_printf(out, len, "scaled %s %d -> %d: %d/%d ready, %zu Pending, %zu starting%s%s",
                    f->service, f->from, f->to, s->ready, f->to, waiting, starting,
                    why[0] ? ": " : "", why);
    }
}

/* For the summary of several targets: from the HTTP status on ("404 Not Found: ..."),
 * when the message has one after its request line; the whole text is in the audit. */
static const char *from_status(const char *msg)
{
    for (const char *p = strstr(msg, ": "); p != NULL; p = strstr(p + 1, ": "))
        if (p[2] >= '1' && p[2] <= '5' && p[3] >= '0' && p[3] <= '9' && p[4] >= '0' &&
            p[4] <= '9' && p[5] == ' ')
            return p + 2;
    return msg;
}

static void follow_one(struct tui *t, struct tui_follow *f, char *out, size_t len)
{
    switch (f->state) {
    case FOLLOW_PENDING:
        text_printf(out, len, "%s: sent, waiting for the source", f->msg);
        break;
    case FOLLOW_FAILED:
        text_printf(out, len, "%s: %s", f->service, t->n_follow > 1 ? from_status(f->msg) : f->msg);
        break;
    case FOLLOW_REFUSED: /* the actuator's words name the service already */
        text_printf(out, len, "%s", f->msg);
        break;
    default:
        if (f->hold)
            text_printf(out, len, "%s", f->msg);
        else if (f->set_min)
            text_printf(out, len, "%s: permanent (previous minimum %d), outlives the incident",
                        f->msg[0] ? f->msg : "minimum raised", f->from);
        else if (f->state == FOLLOW_DONE)
            text_printf(out, len, "%s", f->msg);
        else
            follow_rollout(t, f, out, len);
        if (f->state == FOLLOW_DONE && !f->set_min)
            text_printf(f->msg, sizeof f->msg, "%s", out);
        break;
    }
}

void tui_follow(struct tui *t)
{
    if (t->n_follow == 0)
        return;
    char msg[sizeof t->status] = "", one[FT_TEXT_MAX + 64];
    size_t ok = 0, bad = 0;
    for (size_t i = 0; i < t->n_follow; i++) {
        const struct tui_follow *f = &t->follow[i];
        ok += f->state == FOLLOW_APPLIED || f->state == FOLLOW_DONE;
        bad += f->state == FOLLOW_FAILED || f->state == FOLLOW_REFUSED;
    }
    if (t->n_follow > 1)
        text_printf(msg, sizeof msg, "%zu of %zu %s", ok, t->n_follow,
                    !t->follow[0].hold    ? "scaled"
                    : t->follow[0].resume ? "resumed"
                                          : "held");
    for (size_t i = 0; i < t->n_follow; i++) {
        struct tui_follow *f = &t->follow[i];
        /* several: the summary names each failure; one: say where it is */
        if (t->n_follow > 1 && f->state != FOLLOW_FAILED && f->state != FOLLOW_REFUSED)
            continue;
        follow_one(t, f, one, sizeof one);
        size_t n = strlen(msg);
        text_printf(msg + n, sizeof msg - n, "%s%s", n ? "; " : "", one);
    }
    if (strcmp(msg, t->follow_text) == 0 && t->status[0])
        return; /* unchanged: keep the time it was first said */
    text_printf(t->follow_text, sizeof t->follow_text, "%s", msg);
    tui_set_status(t, bad ? EL_STATUS_ERR : EL_STATUS_OK, "%s", msg);
}

static void draw_too_small(struct tui *t)
{
    const char *msg = "terminal too small: needs 80x24";
    char now[48];
    text_printf(now, sizeof now, "(this one is %dx%d)", t->cols, t->lines);
    int y = t->lines / 2 - 1;
    if (y < 0)
        y = 0;
    paint_field(t->win, &t->style, y, 0, t->cols, msg, t->style.attr[EL_STATUS_ERR], PAINT_CENTER);
    paint_field(t->win, &t->style, y + 1, 0, t->cols, now, t->style.attr[EL_DIM], PAINT_CENTER);
    if (t->read_only) /* the badge is on every screen, this one too */
        paint_field(t->win, &t->style, y + 2, 0, t->cols, "READ-ONLY", t->style.attr[EL_BADGE_RO],
                    PAINT_CENTER);
}

void tui_draw(struct tui *t)
{
    getmaxyx(t->win, t->lines, t->cols);
    werase(t->win);
    t->hits.svc_rows = t->hits.met_rows = 0; /* only what this frame draws can be clicked */
    t->hits.n_bar = 0;
    if (t->lines < TUI_MIN_LINES || t->cols < TUI_MIN_COLS) {
        draw_too_small(t);
        return;
    }
    switch (t->screen) {
    case TUI_DETAIL:
        detail_draw(t);
        break;
    case TUI_HELP:
        help_draw(t);
        break;
    case TUI_ALERTS:
        alerts_draw(t);
        break;
    case TUI_SOURCES:
        sources_draw(t);
        break;
    default:
        overview_draw(t);
        break;
    }
    if (t->mode == MODE_COUNT || t->mode == MODE_CONFIRM)
        confirm_draw(t);
    else if (t->mode == MODE_SORT)
        sort_draw(t);
    nav_draw(t);
}

size_t tui_targets(const struct tui *t, const struct service_view **out)
{
    size_t n = 0;
    for (size_t i = 0; i < t->world->n_services && n < TUI_MAX_TARGETS; i++)
        if (tui_is_marked(t, &t->world->services[i]))
            out[n++] = &t->world->services[i];
    if (n == 0 && tui_selected(t))
        out[n++] = tui_selected(t);
    return n;
}
