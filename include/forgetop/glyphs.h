/* glyphs.h - the characters widgets draw with: UTF-8 lines and blocks when the locale
 * is UTF-8, a parallel ASCII table otherwise (htop's way, not ACS guesses). */

#ifndef FORGETOP_GLYPHS_H
#define FORGETOP_GLYPHS_H

#include <stdbool.h>

struct glyphs {
    bool utf8;
    const char *hline, *vline, *tl, *tr, *bl, *br;
    const char *fill;     /* a full gauge cell */
    const char *part[8];  /* part[k]: k eighths of a cell, part[0] = "" */
    const char *empty;    /* an empty gauge cell */
    const char *mark;     /* a threshold mark in an empty cell */
    const char *spark[8]; /* sparkline levels, lowest first */
    const char *vpart[9]; /* vpart[k]: k eighths of a cell from the bottom, tall charts */
    const char *gap;      /* no data */
    const char *src_ok, *src_stale, *src_fail, *src_start;
    const char *up, *down; /* recommendation direction */
    const char *select, *marked;
    const char *ellipsis;
    const char *sep; /* between items on one line */
};

const struct glyphs *glyphs_get(bool utf8);
/* Does the current locale (after setlocale) encode UTF-8? */
bool glyphs_locale_is_utf8(void);

#endif
