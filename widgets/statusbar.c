/* statusbar.c - the status line and the function bar (htop's F-key bar): key in the
 * fkey element, label after it; a key refused in this mode is greyed. */

#include "forgetop/paint.h"
#include "forgetop/statusbar.h"

void statusbar_draw_keys(WINDOW *win, const struct style *st, int y, int x, int w,
                         const struct fbar_item *items, size_t n)
{
    int c = 0;
    paint_repeat(win, y, x, w, " ", st->attr[EL_FLABEL]);
    for (size_t i = 0; i < n; i++) {
        const struct fbar_item *it = &items[i];
        int kw = paint_width(st, it->key);
        int need = kw + (kw > 1) + paint_width(st, it->label) + 1;
        if (c + need > w)
            break;
        attr_t ka = it->disabled ? st->attr[EL_DISABLED] : st->attr[EL_FKEY];
        attr_t la = it->disabled ? st->attr[EL_DISABLED] : st->attr[EL_FLABEL];
        c += paint_text(win, st, y, x + c, w - c, it->key, ka);
        if (paint_width(st, it->key) > 1) /* "EnterDetail" would read as one word */
            c += paint_text(win, st, y, x + c, w - c, " ", st->attr[EL_FLABEL]);
        c += paint_text(win, st, y, x + c, w - c, it->label, la);
        c += paint_text(win, st, y, x + c, w - c, " ", st->attr[EL_FLABEL]);
    }
}

void statusbar_draw_message(WINDOW *win, const struct style *st, int y, int x, int w,
                            const char *msg, enum element el)
{
    paint_field(win, st, y, x, w, msg ? msg : "", st->attr[el], PAINT_LEFT);
}
