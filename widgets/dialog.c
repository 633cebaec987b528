/* dialog.c - a framed box centred in a rectangle, sized to its longest line and never
 * larger than the rectangle; labels line up in a left column, and a text too long for
 * the box wraps under its label instead of losing its end (the arithmetic is there). */

#include <string.h>

#include "forgetop/dialog.h"
#include "forgetop/paint.h"
#include "forgetop/text.h"

#define WRAP_MAX 4 /* rows one line may take */

/* Where each row of text starts when wrapped at w columns (one column per character:
 * dialog text is ours or already sanitised). Returns the rows. */
static int wrap(const char *text, int w, const char **starts, int *lens)
{
    const char *p = text;
    int rows = 0;
    if (w < 8)
        w = 8;
    while (*p && rows < WRAP_MAX) {
        starts[rows] = p;
        if (rows == WRAP_MAX - 1) { /* the last row takes the rest; paint_text cuts it */
            lens[rows++] = (int)strlen(p);
            break;
        }
        const char *q = p, *cut = NULL;
        for (int cols = 0; *q && cols < w; cols++) {
            if (*q == ' ')
                cut = q;
            q++;
            while ((*q & 0xc0) == 0x80)
                q++;
        }
        if (!*q) {
            lens[rows++] = (int)(q - p);
            break;
        }
        if (*q == ' ')
            cut = q;
        if (!cut || cut == p)
            cut = q; /* no space to break at: break inside the word */
        lens[rows++] = (int)(cut - p);
        for (p = cut; *p == ' '; p++)
            ;
    }
    if (rows == 0) {
        starts[0] = text;
        lens[rows++] = 0;
    }
    return rows;
}

static void measure(const struct style *st, const struct dialog_view *d, int *lw, int *tw)
{
    *lw = 0;
    *tw = 0;
    for (size_t i = 0; i < d->n; i++) {
        int a = d->lines[i].label ? paint_width(st, d->lines[i].label) : 0;
        *lw = a > *lw ? a : *lw;
    }
    for (size_t i = 0; i < d->n; i++) {
        const struct dialog_line *l = &d->lines[i];
        int t = (l->label ? *lw + 2 : 0) + paint_width(st, l->text ? l->text : "");
        *tw = t > *tw ? t : *tw;
    }
    if (d->footer && paint_width(st, d->footer) > *tw)
        *tw = paint_width(st, d->footer);
    if (d->title && paint_width(st, d->title) + 4 > *tw)
        *tw = paint_width(st, d->title) + 4;
    if (*tw < d->min_w)
        *tw = d->min_w;
}

void dialog_draw(WINDOW *win, const struct style *st, int y, int x, int h, int w,
                 const struct dialog_view *d)
{
    int lw, tw;
    measure(st, d, &lw, &tw);
    int bw = tw + 4 > w ? w : tw + 4, inner = bw - 4;
    const char *starts[DIALOG_MAX_LINES][WRAP_MAX];
    int lens[DIALOG_MAX_LINES][WRAP_MAX], rows[DIALOG_MAX_LINES], total = 0;
    for (size_t i = 0; i < d->n; i++) {
        const struct dialog_line *l = &d->lines[i];
        rows[i] = wrap(l->text ? l->text : "", inner - (l->label ? lw + 2 : 0), starts[i], lens[i]);
        total += rows[i];
    }
    int bh = total + 4 > h ? h : total + 4;
    int by = y + (h - bh) / 2, bx = x + (w - bw) / 2;
    for (int r = 0; r < bh; r++)
        paint_repeat(win, by + r, bx, bw, " ", st->attr[EL_DIALOG]);
    paint_box(win, st, by, bx, bh, bw, d->title, st->attr[EL_DIALOG_BORDER],
              st->attr[EL_DIALOG_BORDER]);
    int row = by + 1;
    for (size_t i = 0; i < d->n && row < by + bh - 2; i++) {
        const struct dialog_line *l = &d->lines[i];
        int cx = bx + 2, cw = inner;
        if (l->label) {
            paint_text(win, st, row, cx, lw, l->label, st->attr[EL_DIM]);
            cx += lw + 2;
            cw -= lw + 2;
        }
        for (int k = 0; k < rows[i] && row < by + bh - 2; k++) {
            char buf[512];
            text_printf(buf, sizeof buf, "%.*s", lens[i][k], starts[i][k]);
            paint_text(win, st, row++, cx, cw, buf, st->attr[l->el]);
        }
    }
    if (d->footer)
        paint_field(win, st, by + bh - 2, bx + 2, inner, d->footer, st->attr[EL_TITLE],
                    PAINT_CENTER);
}
