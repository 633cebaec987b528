/* gauge.h - a value drawn against its warning and critical marks, with the severity as
 * a glyph or word (`!`, `!!`, WARN, CRIT) so it reads the same without colour. */

#ifndef FORGETOP_GAUGE_H
#define FORGETOP_GAUGE_H

#include <stdbool.h>

#include "forgetop/model.h"
#include "forgetop/theme.h"

struct gauge_view {
    bool has_value;
    double value;
    double max;               /* the value of a full bar */
    double warning, critical; /* marks; NAN or <= 0 for none */
    enum band band;
    bool stale;
    const char *text; /* the value as the operator reads it: "92%" */
    int text_w;       /* columns for text; 0 = its own width */
    bool words;       /* WARN/CRIT instead of !/!! */
};

/* The severity marker for a band: "", "!", "!!", "?" (or the words). */
const char *gauge_severity(enum band b, bool words);
/* The bar scale for a metric: 100 for a percentage, else room above the critical mark. */
double gauge_scale(const char *unit, double critical, double value);
void gauge_draw(WINDOW *win, const struct style *st, int y, int x, int w,
                const struct gauge_view *g);

#endif
