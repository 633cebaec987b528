/* sparkline.h - recent history as one row of level glyphs, or as a taller chart. */

#ifndef FORGETOP_SPARKLINE_H
#define FORGETOP_SPARKLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "forgetop/theme.h"

struct spark_view {
    const double *v;          /* oldest first; NAN = no sample */
    size_t n;                 /* drawn right-aligned when fewer than the width */
    double min, max;          /* scale; max <= min: from the data */
    double warning, critical; /* cells over them take the band's element; NAN none */
    bool stale;
};

void sparkline_draw(WINDOW *win, const struct style *st, int y, int x, int w,
                    const struct spark_view *s);
/* A chart h rows tall, w columns wide. */
void sparkline_draw_tall(WINDOW *win, const struct style *st, int y, int x, int h, int w,
                         const struct spark_view *s);

#endif
