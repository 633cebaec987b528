/* dialog.c - a framed box centred in a rectangle, sized to its longest line and never
 * larger than the rectangle; labels line up in a left column. */

#include <string.h>

#include "forgetop/dialog.h"
#include "forgetop/paint.h"

void dialog_draw(WINDOW *win, const struct style *st, int y, int x, int h, int w,
                 const struct dialog_view *d)
{
    int lw = 0, tw = 0;
    for (size_t i = 0; i < d->n; i++) {
        const struct dialog_line *l = &d->lines[i];
        int a = l->label ? paint_width(st, l->label) : 0;
        if (a > lw)
            lw = a;
    }
    for (size_t i = 0; i < d->n; i++) {
        const struct dialog_line *l = &d->lines[i];
        int t = (l->label ? lw + 2 : 0) + paint_width(st, l->text ? l->text : "");
        if (t > tw)
            tw = t;
    }
    if (d->footer && paint_width(st, d->footer) > tw)
        tw = paint_width(st, d->footer);
    if (d->title && paint_width(st, d->title) + 4 > tw)
        tw = paint_width(st, d->title) + 4;
    if (tw < d->min_w)
        tw = d->min_w;
    int bw = tw + 4, bh = (int)d->n + 4;
    if (bw > w)
        bw = w;
    if (bh > h)
        bh = h;
    int by = y + (h - bh) / 2, bx = x + (w - bw) / 2;
    attr_t body = st->attr[EL_DIALOG];
    for (int r = 0; r < bh; r++)
        paint_repeat(win, by + r, bx, bw, " ", body);
    paint_box(win, st, by, bx, bh, bw, d->title, st->attr[EL_DIALOG_BORDER],
              st->attr[EL_DIALOG_BORDER]);
    int inner = bw - 4;
    for (size_t i = 0; i < d->n && (int)i < bh - 4; i++) {
        const struct dialog_line *l = &d->lines[i];
        int cx = bx + 2, cw = inner;
        attr_t a = st->attr[l->el];
        if (l->label) {
            paint_text(win, st, by + 1 + (int)i, cx, lw, l->label, st->attr[EL_DIM]);
            cx += lw + 2;
            cw -= lw + 2;
        }
        paint_text(win, st, by + 1 + (int)i, cx, cw, l->text ? l->text : "", a);
    }
    if (d->footer)
        paint_field(win, st, by + bh - 2, bx + 2, inner, d->footer, st->attr[EL_TITLE],
                    PAINT_CENTER);
}
