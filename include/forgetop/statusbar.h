/* statusbar.h - the status line (one message, ok or error) and the function bar of
 * keys, which screens build from the action table. */

#ifndef FORGETOP_STATUSBAR_H
#define FORGETOP_STATUSBAR_H

#include <stdbool.h>
#include <stddef.h>

#include "forgetop/theme.h"

struct fbar_item {
    const char *key;   /* "+/-" */
    const char *label; /* "Scale" */
    bool disabled;     /* refused in this mode: greyed */
};

void statusbar_draw_keys(WINDOW *win, const struct style *st, int y, int x, int w,
                         const struct fbar_item *items, size_t n);
void statusbar_draw_message(WINDOW *win, const struct style *st, int y, int x, int w,
                            const char *msg, enum element el);

#endif
