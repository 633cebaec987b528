/* sources.c - the sources screen: every source with its state, the age of its last good
 * poll, its interval, how many polls in a row failed and since when, and its last error
 * whole. The header has room for a word of each; this is where the rest is read.
 *
 * Nothing here judges: the states and ages are the poller's, copied by the world. */

#include <stdio.h>
#include <string.h>

#include "forgetop/paint.h"
#include "forgetop/table.h"
#include "forgetop/text.h"
#include "forgetop/tui.h"

enum { SC_NAME, SC_STATE, SC_AGE, SC_EVERY, SC_FAILED, SC_SINCE, SC_N };

static const struct table_col cols[SC_N] = {
    [SC_NAME] = {"SOURCE", 10, 16, 90, PAINT_LEFT},
    [SC_STATE] = {"STATE", 8, 9, 85, PAINT_LEFT},
    [SC_AGE] = {"LAST OK", 8, 10, 80, PAINT_RIGHT},
    [SC_EVERY] = {"EVERY", 5, 6, 70, PAINT_RIGHT},
    [SC_FAILED] = {"FAILED", 6, 7, 75, PAINT_RIGHT},
    [SC_SINCE] = {"FAILING FOR", 11, 12, 60, PAINT_RIGHT},
};

static enum element state_el(enum source_state s)
{
    return s == SOURCE_OK ? EL_BAND_OK : s == SOURCE_STALE ? EL_BAND_WARN : EL_BAND_CRIT;
}

static void ago(char *out, size_t len, double now, double t, const char *never)
{
    if (t > 0)
        text_duration(out, len, now - t);
    else
        text_printf(out, len, "%s", never);
}

/* One source: its row, how it reads ("watching: deployments, ..."), then its error over
 * as many lines as it takes. The rows used. */
static int draw_source(struct tui *t, const struct source_status *s, const char *notice, int y,
                       int w, const struct table_layout *l, int bottom)
{
    const struct style *st = &t->style;
    char age[16], every[16], failed[16], since[16];
    ago(age, sizeof age, t->now, s->last_ok, "never");
    text_duration(every, sizeof every, s->interval_s);
    text_printf(failed, sizeof failed, "%d", s->failures);
    ago(since, sizeof since, t->now, s->failing_since, "-");
    const char *cells[SC_N] = {s->name, source_state_name(s->state), age, every, failed, since};
    attr_t ca[SC_N] = {st->attr[EL_TITLE], st->attr[state_el(s->state)] | A_BOLD, 0, 0, 0, 0};
    table_draw_row(t->win, st, y, 0, w, cols, l, cells, ca, 0);
    int used = 1;
    if (notice[0] && y + used < bottom)
        used +=
            paint_wrap(t->win, st, y + used, 2, w - 2, notice, bottom - y - used, st->attr[EL_DIM]);
    if (!s->error[0] || y + used >= bottom)
        return used;
    return used + paint_wrap(t->win, st, y + used, 2, w - 2, s->error, bottom - y - used,
                             st->attr[EL_STATUS_ERR]);
}

void sources_draw(struct tui *t)
{
    const struct style *st = &t->style;
    const struct world *wd = t->world;
    int w = t->cols > TUI_MAX_COLS ? TUI_MAX_COLS : t->cols;
    int y = frame_header(t, 0), bottom = t->lines - 2;
    struct table_layout l;
    table_fit(cols, SC_N, w, &l);
    table_draw_header(t->win, st, y++, 0, w, cols, &l, st->attr[EL_HEADER_FOCUS]);
    if (t->scroll >= wd->n_sources) /* j past the last source stays on it */
        t->scroll = wd->n_sources ? wd->n_sources - 1 : 0;
    for (size_t i = t->scroll; i < wd->n_sources && y < bottom; i++)
        y += draw_source(t, &wd->sources[i], wd->snaps[i] ? wd->snaps[i]->modes : "", y, w, &l,
                         bottom);
    if (t->replay != NULL && t->replay->config_note[0] != '\0' && y + 1 < bottom) {
        char line[FT_TEXT_MAX + 64];
        snprintf(line, sizeof line, "Replay: judged by %s", t->replay->config_note);
        paint_text(t->win, st, y + 1, 0, w, line, st->attr[EL_DIM]);
    }
    frame_footer(t);
}
