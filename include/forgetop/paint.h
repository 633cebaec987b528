/* paint.h - the few primitives every widget draws with: clipped text measured in
 * columns, fills, lines and boxes. Nothing is drawn outside the width given. */

#ifndef FORGETOP_PAINT_H
#define FORGETOP_PAINT_H

#include <stdbool.h>

#include <curses.h>

#include "forgetop/theme.h"

enum paint_align { PAINT_LEFT, PAINT_RIGHT, PAINT_CENTER };

/* Draw s in at most w columns at (y, x) with attr, truncating with an ellipsis; in an
 * ASCII locale every non-ASCII character becomes '?'. Returns the columns used. */
int paint_text(WINDOW *win, const struct style *st, int y, int x, int w, const char *s,
               attr_t attr);
/* Same, padded with blanks to exactly w columns, aligned as asked. */
void paint_field(WINDOW *win, const struct style *st, int y, int x, int w, const char *s,
                 attr_t attr, enum paint_align align);
/* n copies of glyph g from (y, x). */
void paint_repeat(WINDOW *win, int y, int x, int n, const char *g, attr_t attr);
/* A box border on the rectangle, with an optional title in its top edge. */
void paint_box(WINDOW *win, const struct style *st, int y, int x, int h, int w, const char *title,
               attr_t border, attr_t title_attr);
/* Columns that paint_text would use for s (ellipsis excluded). */
int paint_width(const struct style *st, const char *s);
/* text from column x over at most max rows of width w, broken between words; the rows
 * used. */
int paint_wrap(WINDOW *win, const struct style *st, int y, int x, int w, const char *text, int max,
               attr_t a);

#endif
