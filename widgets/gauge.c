/* gauge.c - a horizontal bar of a value against its warning and critical marks.
 *
 * Layout in w columns: [bar] [value] [severity]. The marks show where the bands start;
 * the severity marker (`!`, `!!`, WARN, CRIT) says the band in a glyph, so the gauge
 * reads the same on a monochrome terminal. A stale value is drawn in the stale element. */

#include <math.h>
#include <string.h>

#include "forgetop/gauge.h"
#include "forgetop/paint.h"

const char *gauge_severity(enum band b, bool words)
{
    switch (b) {
    case BAND_WARNING:
        return words ? "WARN" : "!";
    case BAND_CRITICAL:
        return words ? "CRIT" : "!!";
    case BAND_UNKNOWN:
        return words ? "n/a" : "?";
    default:
        return "";
    }
}

double gauge_scale(const char *unit, double critical, double value)
{
    if (unit && strcmp(unit, "%") == 0)
        return 100.0;
    double top = critical > 0 ? critical * 1.25 : 0;
    if (!(top > 0))
        top = value > 0 ? value * 1.25 : 1.0;
    return top;
}

static enum element band_element(enum band b)
{
    switch (b) {
    case BAND_OK:
        return EL_BAND_OK;
    case BAND_WARNING:
        return EL_BAND_WARN;
    case BAND_CRITICAL:
        return EL_BAND_CRIT;
    default:
        return EL_BAND_UNKNOWN;
    }
}

static int mark_col(double mark, double max, int bw)
{
    if (!(mark > 0) || !(max > 0) || mark >= max)
        return -1;
    int c = (int)floor(mark / max * bw);
    return c >= bw ? bw - 1 : c;
}

static void draw_bar(WINDOW *win, const struct style *st, int y, int x, int bw,
                     const struct gauge_view *g, attr_t fill_attr)
{
    const struct glyphs *gl = st->g;
    double frac = g->has_value && g->max > 0 ? g->value / g->max : 0;
    if (!(frac > 0))
        frac = 0;
    if (frac > 1)
        frac = 1;
    int eighths = (int)lround(frac * bw * 8);
    int full = eighths / 8, part = gl->utf8 ? eighths % 8 : 0;
    if (!gl->utf8 && eighths % 8 >= 4)
        full++;
    if (full > bw)
        full = bw;
    int wcol = mark_col(g->warning, g->max, bw), ccol = mark_col(g->critical, g->max, bw);
    paint_repeat(win, y, x, full, gl->fill, fill_attr);
    int c = full;
    if (part && c < bw)
        paint_repeat(win, y, x + c++, 1, gl->part[part], fill_attr);
    for (; c < bw; c++) {
        if (c == ccol)
            paint_repeat(win, y, x + c, 1, gl->mark, st->attr[EL_BAND_CRIT]);
        else if (c == wcol)
            paint_repeat(win, y, x + c, 1, gl->mark, st->attr[EL_BAND_WARN]);
        else
            paint_repeat(win, y, x + c, 1, gl->empty, st->attr[EL_GAUGE_EMPTY]);
    }
}

void gauge_draw(WINDOW *win, const struct style *st, int y, int x, int w,
                const struct gauge_view *g)
{
    if (w <= 0)
        return;
    enum band band = g->has_value ? g->band : BAND_UNKNOWN;
    const char *text = g->has_value ? (g->text ? g->text : "") : "n/a";
    const char *sev = g->has_value ? gauge_severity(band, g->words) : "";
    int tw = g->text_w > 0 ? g->text_w : paint_width(st, text);
    int sw = g->words ? 5 : 3;
    attr_t val_attr = g->stale ? st->attr[EL_STALE] : st->attr[band_element(band)];
    attr_t fill_attr = g->stale ? st->attr[EL_STALE] : st->attr[band_element(band)];
    int bw = w - tw - 1 - sw;
    if (bw < 3) { /* no room for a bar: the value and its marker still say it all */
        paint_field(win, st, y, x, w - sw, text, val_attr, PAINT_RIGHT);
        paint_field(win, st, y, x + w - sw, sw, sev, val_attr, PAINT_RIGHT);
        return;
    }
    draw_bar(win, st, y, x, bw, g, fill_attr);
    paint_repeat(win, y, x + bw, 1, " ", A_NORMAL);
    paint_field(win, st, y, x + bw + 1, tw, text, val_attr, PAINT_RIGHT);
    paint_field(win, st, y, x + bw + 1 + tw, sw, sev, val_attr | A_BOLD, PAINT_RIGHT);
}
