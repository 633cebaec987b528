/* dialog.h - a framed box centred in a rectangle: a title, lines, a footer prompt. */

#ifndef FORGETOP_DIALOG_H
#define FORGETOP_DIALOG_H

#include <stddef.h>

#include "forgetop/theme.h"

#define DIALOG_MAX_LINES 24

struct dialog_line {
    const char *label; /* left column, may be NULL */
    const char *text;
    enum element el;
};

struct dialog_view {
    const char *title;
    struct dialog_line lines[DIALOG_MAX_LINES];
    size_t n;
    const char *footer;
    int min_w; /* at least this wide */
};

/* Draw d centred in the rectangle (y, x, h, w). */
void dialog_draw(WINDOW *win, const struct style *st, int y, int x, int h, int w,
                 const struct dialog_view *d);

#endif
