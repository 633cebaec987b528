/* help.c - every key, generated from the action table, mode by mode; what read-only
 * mode refuses is greyed and says so in words, and the glyph legend closes the page. */

#include <string.h>

#include "forgetop/actions.h"
#include "forgetop/paint.h"
#include "forgetop/text.h"
#include "forgetop/tui.h"

static const char *const mode_titles[] = {
    [MODE_NORMAL] = "On the dashboard",
    [MODE_FILTER] = "In the filter field (/)",
    [MODE_COUNT] = "In the count field (s)",
    [MODE_CONFIRM] = "In the confirmation",
    [MODE_GOTO] = "In a replay's go-to field (:)",
    [MODE_COMMAND] = "On the command line (:)",
    [MODE_PICK] = "In the context or namespace picker (:ctx, :ns)",
    [MODE_SORT] = "In the sort-by list (F6)",
};

void help_draw(struct tui *t)
{
    const struct style *st = &t->style;
    int w = t->cols > TUI_MAX_COLS ? TUI_MAX_COLS : t->cols;
    int y = frame_header(t, 0);
    int bottom = t->lines - 2;
    paint_field(t->win, st, y++, 0, w,
                t->read_only ? "Keys. Read-only mode: the greyed keys are refused."
                             : "Keys. Every change opens a confirmation; y applies it.",
                st->attr[EL_HEADER_FOCUS], PAINT_LEFT);
    char lines[64][200];
    attr_t attrs[64];
    size_t n = 0, na;
    const struct action *a = actions_table(&na);
    for (int mode = MODE_NORMAL; mode <= MODE_LAST; mode++) {
        if (n < 64) {
            text_printf(lines[n], sizeof lines[n], "%s", mode_titles[mode]);
            attrs[n++] = st->attr[EL_TITLE];
        }
        for (size_t i = 0; i < na && n < 64; i++) {
            if ((int)a[i].mode != mode)
                continue;
            bool refused = t->read_only && !(a[i].flags & ACT_READ_ONLY_SAFE);
            text_printf(lines[n], sizeof lines[n], "  %-13s %-12s %s%s", a[i].keys, a[i].name,
                        refused ? "refused in read-only mode: " : "", a[i].help);
            attrs[n++] = refused ? st->attr[EL_DISABLED] : 0;
        }
    }
    if (n + 2 < 64) {
        text_printf(lines[n], sizeof lines[n], "Marks");
        attrs[n++] = st->attr[EL_TITLE];
        text_printf(lines[n], sizeof lines[n],
                    "  severity  ! warning  !! critical  ? no data (WARN/CRIT when wide)%s"
                    "sources %s ok  %s stale  %s failing",
                    st->g->sep, st->g->src_ok, st->g->src_stale, st->g->src_fail);
        attrs[n++] = 0;
    }
    size_t rows = (size_t)(bottom - y);
    if (t->scroll + rows > n)
        t->scroll = n > rows ? n - rows : 0;
    for (size_t i = t->scroll; i < n && (int)(i - t->scroll) < (int)rows; i++)
        paint_text(t->win, st, y + (int)(i - t->scroll), 0, w, lines[i], attrs[i]);
    if (t->scroll + rows < n)
        paint_text(t->win, st, bottom - 1, w - 16, 16, " more: j, PgDn ", st->attr[EL_HEADER]);
    frame_footer(t);
}
