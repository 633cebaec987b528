/* theme.h - semantic screen elements and the themes that colour them.
 *
 * Widgets ask for an element (EL_BAND_WARN), never a colour. A theme is an INI file of
 * `element = fg bg attrs`; the four shipped themes are also built in, so forgetop draws
 * the same with no file installed. Monochrome terminals and NO_COLOR use attributes only. */

#ifndef FORGETOP_THEME_H
#define FORGETOP_THEME_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "forgetop/glyphs.h"

enum element {
    EL_NORMAL,
    EL_DIM,
    EL_TITLE,
    EL_HEADER,
    EL_HEADER_FOCUS,
    EL_BORDER,
    EL_SELECTION,
    EL_MARKED,
    EL_BAND_OK,
    EL_BAND_WARN,
    EL_BAND_CRIT,
    EL_BAND_UNKNOWN,
    EL_STALE,
    EL_BADGE_RO,
    EL_BADGE_RW,
    EL_BADGE_PROD,
    EL_GAUGE_EMPTY,
    EL_SPARK,
    EL_FKEY,
    EL_FLABEL,
    EL_DISABLED,
    EL_STATUS_OK,
    EL_STATUS_ERR,
    EL_DIALOG,
    EL_DIALOG_BORDER,
    EL_REC_CHANGE,
    EL_COUNT
};

#define THEME_NO_COLOR (-1) /* the terminal's default colour */

struct theme_style {
    short fg, bg;   /* colour numbers, THEME_NO_COLOR for default */
    short fg8, bg8; /* the same on an 8-colour terminal */
    unsigned attrs; /* A_BOLD, A_REVERSE, ... */
};

struct theme {
    char name[32];
    struct theme_style el[EL_COUNT];
};

/* What a widget is handed: the attribute of each element and the glyph table. */
struct style {
    attr_t attr[EL_COUNT];
    const struct glyphs *g;
};

/* The names of the shipped themes, in the order `t` cycles them. */
extern const char *const theme_names[];
extern const size_t theme_count;

/* Element name as written in a theme file ("band_warn"), NULL when out of range. */
const char *theme_element_name(enum element el);
/* Parse theme text (INI). 0, or -1 with err = "NAME:LINE: what". */
int theme_parse(struct theme *t, const char *name, const char *text, char *err, size_t errlen);
/* Load NAME: NAME.theme from $FORGETOP_THEME_DIR, ./themes, the installed share folder,
 * else the built-in copy. -1 with err when no such theme exists or the file is bad. */
int theme_load(struct theme *t, const char *name, char *err, size_t errlen);
/* Index of NAME in theme_names, or -1. */
int theme_index(const char *name);
/* Turn the theme into attributes for this terminal (after initscr/start_color). With
 * colours false, only attributes are used, taken from `mono`. */
void theme_apply(const struct theme *t, const struct theme *mono, bool colours, struct style *out);

#endif
