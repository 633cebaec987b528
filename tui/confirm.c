/* confirm.c - the count field (s) and the confirmation every change goes through.
 *
 * The confirmation names service, namespace or project, from -> to, the reason, the
 * predicted utilisation after the change, and the autoscaler that will undo it. Its
 * targets were frozen when it opened; if a live count has moved since, it says so, and
 * the y that follows is the one that counts (see confirm_apply in actions.c). */

#include <string.h>

#include "forgetop/dialog.h"
#include "forgetop/text.h"
#include "forgetop/tui.h"

#define DLG_TEXT 160

static void count_dialog(struct tui *t, int h, int w)
{
    const struct service_view *sv = tui_selected(t);
    if (!sv)
        return;
    static char cur[DLG_TEXT], bounds[DLG_TEXT], field[DLG_TEXT], title[DLG_TEXT];
    text_printf(title, sizeof title, "Set replicas of %s", sv->svc.name);
    text_printf(cur, sizeof cur, "%d (%d ready)", sv->svc.desired, sv->svc.ready);
    if (sv->max > 0)
        text_printf(bounds, sizeof bounds, "%d..%d", sv->min, sv->max);
    else
        text_printf(bounds, sizeof bounds, "none known");
    text_printf(field, sizeof field, "[ %-4s]%s", t->count_text,
                t->count_fresh ? "  typing replaces it" : "");
    struct dialog_view d = {.title = title,
                            .min_w = 44,
                            .footer = "digits, + - Up Down adjust; Enter: next, Esc: cancel"};
    d.lines[d.n++] = (struct dialog_line){"current", cur, EL_DIALOG};
    d.lines[d.n++] = (struct dialog_line){"bounds", bounds, EL_DIALOG};
    d.lines[d.n++] = (struct dialog_line){"new count", field, EL_REC_CHANGE};
    dialog_draw(t->win, &t->style, 2, 0, h - 4, w, &d);
}

static void one_target(struct tui *t, struct dialog_view *d, const struct tui_target *g,
                       char (*buf)[DLG_TEXT], size_t *k)
{
    const struct service_view *sv = world_service(t->world, g->source_name, g->service);
    const struct service *s = sv ? &sv->svc : NULL;
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
        world_predict(t->world, sv, g->to, buf[*k], DLG_TEXT);
    if (!sv || !buf[*k][0])
        text_printf(buf[*k], DLG_TEXT, "no utilisation figures to predict from");
    d->lines[d->n++] = (struct dialog_line){"after", buf[(*k)++], EL_DIALOG};
    if (s && s->autoscaler.present) {
        text_printf(buf[*k], DLG_TEXT, "%s %s (%d..%d) owns the count and will undo this",
                    s->autoscaler.kind, s->autoscaler.name, s->autoscaler.min, s->autoscaler.max);
        d->lines[d->n++] = (struct dialog_line){"autoscaler", buf[(*k)++], EL_BAND_WARN};
        if (confirm_min_target(t) != NULL) {
            text_printf(buf[*k], DLG_TEXT, "m raises its minimum %d -> %d instead, which it keeps",
                        s->autoscaler.min, g->to);
            d->lines[d->n++] = (struct dialog_line){"instead", buf[(*k)++], EL_DIALOG};
        }
    } else {
        d->lines[d->n++] = (struct dialog_line){"autoscaler", "none", EL_DIALOG};
    }
}

static void confirm_dialog(struct tui *t, int h, int w)
{
    static char buf[DIALOG_MAX_LINES][DLG_TEXT];
    static char title[DLG_TEXT];
    size_t k = 0;
    struct dialog_view d = {.title = title,
                            .min_w = 50,
                            .footer = confirm_min_target(t) ? "y: apply   m: raise minimum   "
                                                              "any other key: cancel"
                                                            : "y: apply   any other key: cancel"};
    if (t->n_targets == 1) {
        text_printf(title, sizeof title, "Scale %s?", t->targets[0].service);
        one_target(t, &d, &t->targets[0], buf, &k);
    } else {
        text_printf(title, sizeof title, "Scale %zu services?", t->n_targets);
        for (size_t i = 0; i < t->n_targets && d.n < DIALOG_MAX_LINES - 4; i++) {
            const struct tui_target *g = &t->targets[i];
            const struct service_view *sv = world_service(t->world, g->source_name, g->service);
            char pred[DLG_TEXT] = "";
            if (sv)
                world_predict(t->world, sv, g->to, pred, sizeof pred);
            char undo[48] = "";
            if (sv && sv->svc.autoscaler.present)
                text_printf(undo, sizeof undo, "%s%s undoes it", t->style.g->sep,
                            sv->svc.autoscaler.kind);
            text_printf(buf[k], DLG_TEXT, "%s %d -> %d%s%s%s", g->service, g->from, g->to,
                        pred[0] ? t->style.g->sep : "", pred, undo);
            d.lines[d.n++] = (struct dialog_line){NULL, buf[k++], EL_DIALOG};
        }
        text_printf(buf[k], DLG_TEXT, "namespace %s%ssource %s%sreason: %s",
                    t->targets[0].namespace_, t->style.g->sep, t->targets[0].source_name,
                    t->style.g->sep, t->targets[0].reason);
        d.lines[d.n++] = (struct dialog_line){NULL, buf[k++], EL_DIM};
    }
    for (size_t i = 0; i < t->n_targets && d.n < DIALOG_MAX_LINES; i++) {
        const struct tui_target *g = &t->targets[i];
        const struct service_view *sv = world_service(t->world, g->source_name, g->service);
        if (sv && sv->svc.desired != g->from && k < DIALOG_MAX_LINES) {
            text_printf(
                buf[k], DLG_TEXT,
                "! %s moved to %d since this opened: y sends %d -> %d, which the source refuses",
                g->service, sv->svc.desired, g->from, g->to);
            d.lines[d.n++] = (struct dialog_line){NULL, buf[k++], EL_STATUS_ERR};
            t->moved_shown = true;
        }
    }
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
