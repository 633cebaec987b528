/* table.h - columns that fit the width they get: each has a minimum, a maximum and a
 * priority; the lowest priority goes first when there is no room, spare room goes to
 * the flexible ones. Rows are text cells; a screen may draw a gauge into a cell. */

#ifndef FORGETOP_TABLE_H
#define FORGETOP_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "forgetop/paint.h"

#define TABLE_MAX_COLS 16

struct table_col {
    const char *title;
    int min, max; /* columns; max == min for a fixed column */
    int priority; /* higher stays longer */
    enum paint_align align;
};

/* A column of this priority takes spare room, up to its max, before any other grows. */
#define TABLE_PRIO_FIRST 100

struct table_layout {
    size_t n;
    int x[TABLE_MAX_COLS]; /* relative to the table's x */
    int w[TABLE_MAX_COLS]; /* 0: column hidden */
};

/* Lay out n columns in width, one blank between visible columns; a column whose max is 0
 * is not shown (its values are the same on every row, say: the caller says so elsewhere). */
void table_fit(const struct table_col *cols, size_t n, int width, struct table_layout *out);
void table_draw_header(WINDOW *win, const struct style *st, int y, int x, int width,
                       const struct table_col *cols, const struct table_layout *l, attr_t attr);
/* Draw one row of text cells (NULL = leave the cell blank for the caller). */
void table_draw_row(WINDOW *win, const struct style *st, int y, int x, int width,
                    const struct table_col *cols, const struct table_layout *l,
                    const char *const *cells, const attr_t *cell_attr, attr_t row_attr);
/* First row to show so that sel is visible in `rows` lines, given the previous top. */
size_t table_scroll(size_t sel, size_t top, size_t rows, size_t n);

#endif
