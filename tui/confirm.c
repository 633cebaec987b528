/* confirm.c - the count field (s) and the confirmation every change goes through.
 *
 * The confirmation names every target, its namespace or project, from -> to, the reason,
 * each predicted figure with its band as core's judge.c judged it, and the autoscaler
 * that will undo it (or cannot). Its targets were frozen when it opened; if a live count
 * has moved since, it says so, and the y that follows is the one that counts. A danger
 * makes it ask a second time, naming the danger (see confirm_send in actions.c). */

#include <math.h>
#include <string.h>

#include "forgetop/dialog.h"
#include "forgetop/gauge.h"
#include "forgetop/judge.h"
#include "forgetop/text.h"
#include "forgetop/tui.h"

#define DLG_TEXT 200

static void duration(char *out, size_t len, double s)
{
    if (isinf(s))
        text_printf(out, len, "never");
    else
        text_duration(out, len, s);
}

/* "cpu 92% -> ~150% !!, memory 60% -> ~43%": each figure with its band's glyph. */
static void judged_text(const struct tui *t, const struct service_view *sv, int to, char *out,
                        size_t len, struct judgement *j)
{
    judge_change(t->world, sv, to, t->now, j);
    out[0] = '\0';
    for (size_t i = 0; i < j->n; i++) {
        const struct judged_figure *g = &j->fig[i];
        const char *mark = gauge_severity(g->band, false);
        char a[32], b[32];
        size_t n = strlen(out);
        if (strcmp(g->unit, "s") == 0) { /* a time: "12m", or never */
            duration(a, sizeof a, g->now);
            duration(b, sizeof b, g->after);
        } else {
            text_printf(a, sizeof a, "%.0f%s", g->now, g->unit);
            text_printf(b, sizeof b, "%.0f%s", g->after, g->unit);
        }
        text_printf(out + n, len - n, "%s%s %s%s%s -> ~%s%s%s", i ? ", " : "", g->label, a,
                    g->of[0] ? " of " : "", g->of, b, mark[0] ? " " : "", mark);
    }
}

static void count_dialog(struct tui *t, int h, int w)
{
    const struct service_view *svs[TUI_MAX_TARGETS];
    size_t n = tui_targets(t, svs);
    if (n == 0)
        return;
    static char cur[DIALOG_MAX_LINES][DLG_TEXT], field[DLG_TEXT], title[DLG_TEXT];
    struct dialog_view d = {.title = title,
                            .min_w = 44,
                            .footer = "digits, + - Up Down adjust; Enter: next, Esc: cancel"};
    if (t->op == OP_HOLD && n == 1)
        text_printf(title, sizeof title, "Hold %s at", svs[0]->svc.name);
    else if (t->op == OP_HOLD)
        text_printf(title, sizeof title, "Hold %zu services at: same count for all", n);
    else if (n == 1)
        text_printf(title, sizeof title, "Set replicas of %s", svs[0]->svc.name);
    else
        text_printf(title, sizeof title, "Set replicas of %zu services: same count for all", n);
    for (size_t i = 0; i < n && d.n < DIALOG_MAX_LINES - 2; i++) {
        const struct service_view *sv = svs[i];
        char bounds[48] = "bounds none known";
        if (sv->max > 0)
            text_printf(bounds, sizeof bounds, "bounds %d..%d", sv->min, sv->max);
        text_printf(cur[i], DLG_TEXT, "%s%s%d (%d ready)%s%s", n > 1 ? sv->svc.name : "",
                    n > 1 ? " " : "", sv->svc.desired, sv->svc.ready, t->style.g->sep, bounds);
        d.lines[d.n++] = (struct dialog_line){"current", cur[i], EL_DIALOG};
    }
    text_printf(field, sizeof field, "[ %-4s]%s", t->count_text,
                t->count_fresh ? "  typing replaces it" : "");
    d.lines[d.n++] = (struct dialog_line){n > 1 ? "each gets" : "new count", field, EL_REC_CHANGE};
    dialog_draw(t->win, &t->style, 2, 0, h - 4, w, &d);
}

/* The autoscaler's part: it undoes the change, or cannot compute and keeps it. */
static void autoscaler_line(struct tui *t, struct dialog_view *d, const struct service *s,
                            const struct tui_target *g, char (*buf)[DLG_TEXT], size_t *k)
{
    if (!s || !s->autoscaler.present) {
        d->lines[d->n++] = (struct dialog_line){"autoscaler", "none", EL_DIALOG};
        return;
    }
    const struct autoscaler *as = &s->autoscaler;
    bool keda = strcmp(as->kind, "KEDA") == 0;
    /* an autoscaler that cannot compute (the source says why: ScalingActive=False) leaves
     * whatever count it finds: the change stays */
    if (as->inactive != NULL)
        text_printf(buf[*k], DLG_TEXT, "%s %s cannot compute, so it keeps %d (%s)", as->kind,
                    as->name, g->to, as->inactive);
    else if (keda)
        text_printf(buf[*k], DLG_TEXT,
                    "KEDA owns the count: ScaledObject %s (%d..%d, through its HPA %s) will undo "
                    "this",
                    autoscaler_keda(as)->object, as->min, as->max, autoscaler_keda(as)->hpa);
    else
        text_printf(buf[*k], DLG_TEXT, "%s %s (%d..%d) owns the count and will undo this", as->kind,
                    as->name, as->min, as->max);
    d->lines[d->n++] = (struct dialog_line){"autoscaler", buf[(*k)++], EL_BAND_WARN};
    int min = keda ? autoscaler_keda(as)->min : as->min;
    if (confirm_min_target(t) != NULL && keda) {
        text_printf(buf[*k], DLG_TEXT,
                    "m sets %s's minReplicaCount %d -> %d instead, for good (not its HPA)",
                    autoscaler_keda(as)->object, min, g->to);
        d->lines[d->n++] = (struct dialog_line){"instead", buf[(*k)++], EL_DIALOG};
    } else if (confirm_min_target(t) != NULL) {
        text_printf(buf[*k], DLG_TEXT, "m raises its minimum %d -> %d instead, for good", as->min,
                    g->to);
        d->lines[d->n++] = (struct dialog_line){"instead", buf[(*k)++], EL_DIALOG};
    } else if (t->n_targets == 1 && g->to > min) {
        d->lines[d->n++] = (struct dialog_line){
            "instead",
            keda ? "m is not offered: RBAC denies patch on scaledobjects.keda.sh"
                 : "m is not offered: RBAC denies patch on horizontalpodautoscalers",
            EL_DIM};
    }
}

static void one_target(struct tui *t, struct dialog_view *d, const struct tui_target *g,
                       char (*buf)[DLG_TEXT], size_t *k)
{
    const struct service_view *sv =
        world_service_ns(t->world, g->source_name, g->namespace_, g->service);
    const struct service *s = sv ? &sv->svc : NULL;
    struct judgement j = {0};
    text_printf(buf[*k], DLG_TEXT, "%s (%s)", g->service, s && s->kind[0] ? s->kind : "service");
    d->lines[d->n++] = (struct dialog_line){"service", buf[(*k)++], EL_DIALOG};
    text_printf(buf[*k], DLG_TEXT, "%s%ssource %s", g->namespace_[0] ? g->namespace_ : "-",
                t->style.g->sep, g->source_name);
    d->lines[d->n++] =
        (struct dialog_line){s && s->scope[0] ? s->scope : "namespace", buf[(*k)++], EL_DIALOG};
    text_printf(buf[*k], DLG_TEXT, "%d -> %d", g->from, g->to);
    d->lines[d->n++] = (struct dialog_line){"replicas", buf[(*k)++], EL_REC_CHANGE};
    text_printf(buf[*k], DLG_TEXT, "%s", g->reason);
    d->lines[d->n++] = (struct dialog_line){"reason", buf[(*k)++], EL_DIALOG};
    if (sv)
        judged_text(t, sv, g->to, buf[*k], DLG_TEXT, &j);
    if (!sv || !buf[*k][0])
        text_printf(buf[*k], DLG_TEXT, "no utilisation figures to predict from");
    d->lines[d->n++] =
        (struct dialog_line){"after", buf[(*k)++], j.needs_second ? EL_BAND_CRIT : EL_DIALOG};
    autoscaler_line(t, d, s, g, buf, k);
}

static void many_targets(struct tui *t, struct dialog_view *d, char (*buf)[DLG_TEXT], size_t *k)
{
    bool one_ns = true; /* -A: marks in several namespaces each say which */
    for (size_t i = 1; i < t->n_targets; i++)
        one_ns &= strcmp(t->targets[i].namespace_, t->targets[0].namespace_) == 0;
    for (size_t i = 0; i < t->n_targets && d->n < DIALOG_MAX_LINES - 6; i++) {
        const struct tui_target *g = &t->targets[i];
        const struct service_view *sv =
            world_service_ns(t->world, g->source_name, g->namespace_, g->service);
        struct judgement j = {0};
        char pred[DLG_TEXT] = "", undo[48] = "";
        if (sv)
            judged_text(t, sv, g->to, pred, sizeof pred, &j);
        if (sv && sv->svc.autoscaler.present)
            text_printf(undo, sizeof undo, "%s%s undoes it", t->style.g->sep,
                        sv->svc.autoscaler.kind);
        text_printf(buf[*k], DLG_TEXT, "%s%s%s %d -> %d%s%s%s", one_ns ? "" : g->namespace_,
                    one_ns ? "" : "/", g->service, g->from, g->to, pred[0] ? t->style.g->sep : "",
                    pred, undo);
        d->lines[d->n++] =
            (struct dialog_line){NULL, buf[(*k)++], j.needs_second ? EL_BAND_CRIT : EL_DIALOG};
    }
    text_printf(buf[*k], DLG_TEXT, "%s%s%ssource %s%sreason: %s",
                one_ns ? "namespace " : "several namespaces",
                one_ns ? t->targets[0].namespace_ : "", t->style.g->sep, t->targets[0].source_name,
                t->style.g->sep, t->targets[0].reason);
    d->lines[d->n++] = (struct dialog_line){NULL, buf[(*k)++], EL_DIM};
    if (t->skipped[0]) {
        text_printf(buf[*k], DLG_TEXT, "left out: %s", t->skipped);
        d->lines[d->n++] = (struct dialog_line){NULL, buf[(*k)++], EL_DIM};
    }
}

/* A target whose live count moved since the dialog opened. */
static void moved_lines(struct tui *t, struct dialog_view *d, char (*buf)[DLG_TEXT], size_t *k)
{
    for (size_t i = 0; i < t->n_targets && d->n < DIALOG_MAX_LINES; i++) {
        const struct tui_target *g = &t->targets[i];
        const struct service_view *sv =
            world_service_ns(t->world, g->source_name, g->namespace_, g->service);
        if (sv && sv->svc.desired != g->from && *k < DIALOG_MAX_LINES) {
            text_printf(buf[*k], DLG_TEXT,
                        "! %s moved to %d since this opened: y sends %d -> %d, which is refused",
                        g->service, sv->svc.desired, g->from, g->to);
            d->lines[d->n++] = (struct dialog_line){NULL, buf[(*k)++], EL_STATUS_ERR};
            t->moved_shown = true;
        }
    }
}

/* What a hold or resume of g writes: KEDA's annotation, or the HPA's minReplicas. */
static void hold_writes(const struct tui *t, const struct tui_target *g,
                        const struct autoscaler *as, char *out, size_t len)
{
    bool keda = strcmp(as->kind, "KEDA") == 0;
    if (keda && t->op == OP_HOLD)
        text_printf(out, len, "ScaledObject %s: annotation %s: \"%d\"", autoscaler_keda(as)->object,
                    KEDA_PAUSED_ANNOTATION, g->to);
    else if (keda)
        text_printf(out, len, "ScaledObject %s: remove annotation %s (paused at %d)",
                    autoscaler_keda(as)->object, KEDA_PAUSED_ANNOTATION, g->from);
    else
        text_printf(out, len, "HPA %s: minReplicas %d -> %d", as->name, g->from, g->to);
}

/* H and U on one service: what the hold or resume writes, and who owns the count. */
static void hold_dialog(struct tui *t, int h, int w)
{
    static char buf[6][DLG_TEXT], title[DLG_TEXT];
    const struct tui_target *g = &t->targets[0];
    const struct service_view *sv =
        world_service_ns(t->world, g->source_name, g->namespace_, g->service);
    struct dialog_view d = {
        .title = title, .min_w = 50, .footer = "y: apply   any other key: cancel"};
    if (sv == NULL)
        return;
    const struct autoscaler *as = &sv->svc.autoscaler;
    bool keda = strcmp(as->kind, "KEDA") == 0, hold = t->op == OP_HOLD;
    if (hold)
        text_printf(title, sizeof title, "Hold %s at %d?", g->service, g->to);
    else
        text_printf(title, sizeof title, "Resume %s?", g->service);
    text_printf(buf[0], DLG_TEXT, "%s (%s)%s%s", g->service, sv->svc.kind, t->style.g->sep,
                g->namespace_);
    d.lines[d.n++] = (struct dialog_line){"service", buf[0], EL_DIALOG};
    hold_writes(t, g, as, buf[1], DLG_TEXT);
    d.lines[d.n++] = (struct dialog_line){"writes", buf[1], EL_REC_CHANGE};
    if (keda)
        text_printf(buf[2], DLG_TEXT, "%s",
                    hold ? "KEDA owns the count: it scales to this and stops scaling until U "
                           "resumes it"
                         : "KEDA owns the count: its triggers decide again");
    else
        text_printf(buf[2], DLG_TEXT, "%s",
                    hold ? "the HPA still scales above it; the old minimum is kept in the audit "
                           "for U"
                         : "the minimum the hold's audit line kept");
    d.lines[d.n++] = (struct dialog_line){"owner", buf[2], EL_BAND_WARN};
    if (t->skipped[0]) {
        text_printf(buf[3], DLG_TEXT, "%s", t->skipped);
        d.lines[d.n++] = (struct dialog_line){"left out", buf[3], EL_DIM};
    }
    dialog_draw(t->win, &t->style, 2, 0, h - 4, w, &d);
}

/* H and U on the marked services: one line each with what it writes, one y for all. */
static void holds_dialog(struct tui *t, int h, int w)
{
    static char buf[DIALOG_MAX_LINES][DLG_TEXT], title[DLG_TEXT];
    struct dialog_view d = {
        .title = title, .min_w = 50, .footer = "y: apply to all   any other key: cancel"};
    if (t->op == OP_HOLD)
        text_printf(title, sizeof title, "Hold %zu services at %d?", t->n_targets,
                    t->targets[0].to);
    else
        text_printf(title, sizeof title, "Resume %zu services?", t->n_targets);
    size_t k = 0;
    for (size_t i = 0; i < t->n_targets && k < DIALOG_MAX_LINES - 2; i++) {
        const struct tui_target *g = &t->targets[i];
        const struct service_view *sv =
            world_service_ns(t->world, g->source_name, g->namespace_, g->service);
        char writes[DLG_TEXT] = "gone from the source";
        if (sv)
            hold_writes(t, g, &sv->svc.autoscaler, writes, sizeof writes);
        text_printf(buf[k], DLG_TEXT, "%s%s%s: %s", g->namespace_, g->namespace_[0] ? "/" : "",
                    g->service, writes);
        d.lines[d.n++] = (struct dialog_line){NULL, buf[k++], EL_REC_CHANGE};
    }
    text_printf(buf[k], DLG_TEXT, "%s",
                t->op == OP_HOLD
                    ? "until U: KEDA stops scaling at this count, an HPA scales above it"
                    : "each autoscaler decides the count again");
    d.lines[d.n++] = (struct dialog_line){NULL, buf[k++], EL_BAND_WARN};
    if (t->skipped[0]) {
        text_printf(buf[k], DLG_TEXT, "left out: %s", t->skipped);
        d.lines[d.n++] = (struct dialog_line){NULL, buf[k++], EL_DIM};
    }
    dialog_draw(t->win, &t->style, 2, 0, h - 4, w, &d);
}

static void confirm_dialog(struct tui *t, int h, int w)
{
    if (t->op != OP_SCALE) {
        (t->n_targets == 1 ? hold_dialog : holds_dialog)(t, h, w);
        return;
    }
    static char buf[DIALOG_MAX_LINES][DLG_TEXT], title[DLG_TEXT], danger[DLG_TEXT * 2];
    size_t k = 0;
    bool dangerous = confirm_dangers(t, danger, sizeof danger);
    const char *footer = confirm_min_target(t)
                             ? "y: apply   m: raise minimum   any other key: cancel"
                             : "y: apply   any other key: cancel";
    if (dangerous)
        footer = t->second ? "y again: apply despite the danger   any other key: cancel"
                           : "y: go on to a second confirmation   any other key: cancel";
    struct dialog_view d = {.title = title, .min_w = 50, .footer = footer};
    if (t->n_targets == 1) {
        text_printf(title, sizeof title, "%sScale %s?", t->second ? "SECOND CONFIRMATION: " : "",
                    t->targets[0].service);
        one_target(t, &d, &t->targets[0], buf, &k);
    } else {
        text_printf(title, sizeof title, "%sScale %zu services?",
                    t->second ? "SECOND CONFIRMATION: " : "", t->n_targets);
        many_targets(t, &d, buf, &k);
    }
    if (dangerous && d.n < DIALOG_MAX_LINES)
        d.lines[d.n++] = (struct dialog_line){"DANGER", danger, EL_BAND_CRIT};
    moved_lines(t, &d, buf, &k);
    dialog_draw(t->win, &t->style, 2, 0, h - 4, w, &d);
}

void confirm_draw(struct tui *t)
{
    int w = t->cols > TUI_MAX_COLS ? TUI_MAX_COLS : t->cols;
    if (t->mode == MODE_COUNT)
        count_dialog(t, t->lines, w);
    else
        confirm_dialog(t, t->lines, w);
}
