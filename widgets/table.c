/* table.c - fit columns to the width at hand and draw header and rows.
 *
 * Like htop's column list and k9s' wide mode: at 80 columns the low-priority columns
 * go, at 250 they all show and the flexible ones grow up to their maximum. */

#include "forgetop/table.h"

#define TABLE_GROW_FIRST 60 /* columns of this priority and above grow first */

static int used_width(const struct table_col *cols, size_t n, const bool *shown)
{
    int w = 0, k = 0;
    for (size_t i = 0; i < n; i++)
        if (shown[i]) {
            w += cols[i].min;
            k++;
        }
    return w + (k > 0 ? k - 1 : 0);
}

void table_fit(const struct table_col *cols, size_t n, int width, struct table_layout *out)
{
    bool shown[TABLE_MAX_COLS];
    if (n > TABLE_MAX_COLS)
        n = TABLE_MAX_COLS;
    out->n = n;
    for (size_t i = 0; i < n; i++)
        shown[i] = cols[i].max > 0;
    while (used_width(cols, n, shown) > width) { /* drop the lowest priority, rightmost */
        int drop = -1;
        for (size_t i = 0; i < n; i++)
            if (shown[i] && (drop < 0 || cols[i].priority <= cols[drop].priority))
                drop = (int)i;
        if (drop < 0)
            break;
        shown[drop] = false;
    }
    int w[TABLE_MAX_COLS], spare = width - used_width(cols, n, shown);
    for (size_t i = 0; i < n; i++)
        w[i] = shown[i] ? cols[i].min : 0;
    for (size_t i = 0; i < n && spare > 0; i++) /* a name before anything else */
        if (shown[i] && cols[i].priority >= TABLE_PRIO_FIRST && w[i] < cols[i].max) {
            int g = cols[i].max - w[i] < spare ? cols[i].max - w[i] : spare;
            w[i] += g;
            spare -= g;
        }
    /* Spare room goes round robin, first to the important columns (name, gauges), and
     * only then to the ones wide terminals add, so a wide screen never cuts a name. */
    for (int floor_prio = TABLE_GROW_FIRST; floor_prio >= 0 && spare > 0;
         floor_prio -= TABLE_GROW_FIRST) {
        bool grew = true;
        while (spare > 0 && grew) {
            grew = false;
            for (size_t i = 0; i < n && spare > 0; i++)
                if (shown[i] && cols[i].priority >= floor_prio && w[i] < cols[i].max) {
                    w[i]++;
                    spare--;
                    grew = true;
                }
        }
    }
    int x = 0;
    for (size_t i = 0; i < n; i++) {
        out->x[i] = x;
        out->w[i] = w[i];
        if (shown[i])
            x += w[i] + 1;
    }
}

void table_draw_header(WINDOW *win, const struct style *st, int y, int x, int width,
                       const struct table_col *cols, const struct table_layout *l, attr_t attr)
{
    paint_repeat(win, y, x, width, " ", attr);
    for (size_t i = 0; i < l->n; i++)
        if (l->w[i] > 0)
            paint_field(win, st, y, x + l->x[i], l->w[i], cols[i].title, attr, cols[i].align);
}

void table_draw_row(WINDOW *win, const struct style *st, int y, int x, int width,
                    const struct table_col *cols, const struct table_layout *l,
                    const char *const *cells, const attr_t *cell_attr, attr_t row_attr)
{
    paint_repeat(win, y, x, width, " ", row_attr);
    for (size_t i = 0; i < l->n; i++) {
        if (l->w[i] <= 0 || !cells[i])
            continue;
        attr_t a = cell_attr && cell_attr[i] ? cell_attr[i] : row_attr;
        paint_field(win, st, y, x + l->x[i], l->w[i], cells[i], a, cols[i].align);
    }
}

size_t table_scroll(size_t sel, size_t top, size_t rows, size_t n)
{
    if (rows == 0 || n <= rows)
        return 0;
    if (sel < top)
        top = sel;
    if (sel >= top + rows)
        top = sel - rows + 1;
    if (top + rows > n)
        top = n - rows;
    return top;
}
