/* sparkline.c - recent history in level glyphs, one row or a taller chart.
 *
 * Cells over the warning or critical mark take that band's element, so a spike shows
 * in the history as it did in the gauge; gaps (no sample) stay blank. */

#include <math.h>

#include "forgetop/paint.h"
#include "forgetop/sparkline.h"

static void scale_of(const struct spark_view *s, double *lo, double *hi)
{
    *lo = s->min;
    *hi = s->max;
    if (*hi > *lo)
        return;
    *lo = 0;
    *hi = 0;
    for (size_t i = 0; i < s->n; i++)
        if (!isnan(s->v[i]) && s->v[i] > *hi)
            *hi = s->v[i];
    if (*hi <= *lo)
        *hi = *lo + 1;
}

static attr_t cell_attr(const struct style *st, const struct spark_view *s, double v)
{
    if (s->stale)
        return st->attr[EL_STALE];
    if (!isnan(s->critical) && v > s->critical)
        return st->attr[EL_BAND_CRIT];
    if (!isnan(s->warning) && v > s->warning)
        return st->attr[EL_BAND_WARN];
    return st->attr[EL_SPARK];
}

static double frac_of(double v, double lo, double hi)
{
    double f = (v - lo) / (hi - lo);
    return f < 0 ? 0 : f > 1 ? 1 : f;
}

void sparkline_draw(WINDOW *win, const struct style *st, int y, int x, int w,
                    const struct spark_view *s)
{
    if (w <= 0)
        return;
    double lo, hi;
    scale_of(s, &lo, &hi);
    size_t n = s->n > (size_t)w ? (size_t)w : s->n;
    size_t first = s->n - n;
    int pad = w - (int)n;
    paint_repeat(win, y, x, pad, st->g->gap, A_NORMAL);
    for (size_t i = 0; i < n; i++) {
        double v = s->v[first + i];
        if (isnan(v)) {
            paint_repeat(win, y, x + pad + (int)i, 1, st->g->gap, A_NORMAL);
            continue;
        }
        int lvl = (int)lround(frac_of(v, lo, hi) * 7);
        paint_repeat(win, y, x + pad + (int)i, 1, st->g->spark[lvl], cell_attr(st, s, v));
    }
}

void sparkline_draw_tall(WINDOW *win, const struct style *st, int y, int x, int h, int w,
                         const struct spark_view *s)
{
    if (w <= 0 || h <= 0)
        return;
    double lo, hi;
    scale_of(s, &lo, &hi);
    size_t n = s->n > (size_t)w ? (size_t)w : s->n;
    size_t first = s->n - n;
    int pad = w - (int)n;
    for (int r = 0; r < h; r++)
        paint_repeat(win, y + r, x, w, " ", A_NORMAL);
    for (size_t i = 0; i < n; i++) {
        double v = s->v[first + i];
        if (isnan(v))
            continue;
        int eighths = (int)lround(frac_of(v, lo, hi) * h * 8);
        if (eighths == 0)
            eighths = 1; /* a sample, however low, is not a gap */
        attr_t a = cell_attr(st, s, v);
        for (int r = 0; r < h && eighths > 0; r++, eighths -= 8) {
            int k = eighths >= 8 ? 8 : eighths;
            paint_repeat(win, y + h - 1 - r, x + pad + (int)i, 1, st->g->vpart[k], a);
        }
    }
}
