/* alerts.c - the alerts the sources report (Prometheus' /api/v1/alerts), newest
 * first as the sources list them, with their state, severity and age. */

#include <string.h>

#include "forgetop/paint.h"
#include "forgetop/table.h"
#include "forgetop/text.h"
#include "forgetop/tui.h"

void alerts_draw(struct tui *t)
{
    static const struct table_col cols[] = {
        {"ALERT", 16, 32, 90, PAINT_LEFT},    {"STATE", 8, 8, 85, PAINT_LEFT},
        {"SEVERITY", 8, 10, 80, PAINT_LEFT},  {"FOR", 6, 6, 70, PAINT_RIGHT},
        {"SUMMARY", 20, 120, 60, PAINT_LEFT}, {"LABELS", 20, 80, 10, PAINT_LEFT},
    };
    const struct style *st = &t->style;
    int w = t->cols > TUI_MAX_COLS ? TUI_MAX_COLS : t->cols;
    int y = frame_header(t, 0);
    struct table_layout l;
    table_fit(cols, 6, w, &l);
    table_draw_header(t->win, st, y++, 0, w, cols, &l, st->attr[EL_HEADER_FOCUS]);
    size_t row = 0, total = frame_alert_count(t);
    if (t->scroll >= total) /* j past the last alert stays on it */
        t->scroll = total ? total - 1 : 0;
    for (size_t s = 0; s < t->world->n_sources; s++) {
        const struct snapshot *snap = t->world->snaps[s];
        for (size_t i = 0; snap && i < snap->n_alerts; i++, row++) {
            if (row < t->scroll || y >= t->lines - 2)
                continue;
            const struct alert *a = &snap->alerts[i];
            char age[16];
            text_duration(age, sizeof age, a->active_at > 0 ? t->now - a->active_at : -1);
            const char *cells[] = {a->name, a->state, a->severity, age, a->summary, a->labels};
            attr_t ca[6] = {0};
            bool firing = strcmp(a->state, "firing") == 0;
            ca[1] = st->attr[firing ? EL_BAND_CRIT : EL_BAND_WARN];
            table_draw_row(t->win, st, y++, 0, w, cols, &l, cells, ca, 0);
        }
    }
    if (row == 0)
        paint_text(t->win, st, y, 1, w - 1, "no alerts", st->attr[EL_DIM]);
    frame_footer(t);
}
