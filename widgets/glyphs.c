/* glyphs.c - the UTF-8 and ASCII glyph tables, side by side as htop keeps them, and the
 * locale test that picks one. */

#include <langinfo.h>
#include <string.h>
#include <strings.h>

#include "forgetop/glyphs.h"

static const struct glyphs utf8 = {
    .utf8 = true,
    .hline = "─",
    .vline = "│",
    .tl = "┌",
    .tr = "┐",
    .bl = "└",
    .br = "┘",
    .fill = "█",
    .part = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"},
    .empty = "·",
    .mark = "┊",
    .spark = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"},
    .vpart = {" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"},
    .gap = " ",
    .src_ok = "✓",
    .src_stale = "~",
    .src_fail = "✗",
    .src_start = "…",
    .up = "▲",
    .down = "▼",
    .select = "▶",
    .marked = "●",
    .ellipsis = "…",
    .sep = " · ",
};

static const struct glyphs ascii = {
    .utf8 = false,
    .hline = "-",
    .vline = "|",
    .tl = "+",
    .tr = "+",
    .bl = "+",
    .br = "+",
    .fill = "#",
    .part = {"", "", "", "", "", "", "", ""},
    .empty = ".",
    .mark = "|",
    .spark = {"_", ".", "-", "~", "=", "+", "*", "#"},
    .vpart = {" ", " ", " ", " ", "#", "#", "#", "#", "#"},
    .gap = " ",
    .src_ok = "+",
    .src_stale = "~",
    .src_fail = "x",
    .src_start = ".",
    .up = "^",
    .down = "v",
    .select = ">",
    .marked = "*",
    .ellipsis = "~",
    .sep = " | ",
};

const struct glyphs *glyphs_get(bool want_utf8)
{
    return want_utf8 ? &utf8 : &ascii;
}

bool glyphs_locale_is_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}
