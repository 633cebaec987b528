/* keys.h - the terminal's keys and mouse as curses codes, whatever terminfo says: both
 * the CSI (ESC [ A) and SS3 (ESC O A) forms of the cursor and function keys, bound the
 * way htop's CRT.c binds them, and mouse clicks and the wheel turned into actions.
 *
 * Mouse events are hit-tested against the screen's layout and then go through the one
 * dispatcher (actions_dispatch) as the key that does the same thing. */

#ifndef FORGETOP_KEYS_H
#define FORGETOP_KEYS_H

#include <stdbool.h>

#include "forgetop/tui.h"

/* Bind every escape form of arrows, Home/End, PgUp/PgDn and F1..F12 (after initscr). */
void keys_define(void);
/* Ask the terminal for clicks and the wheel (mouse = true, the default), or not. */
void keys_mouse_enable(bool on);
/* Turn a KEY_MOUSE (already read with getmouse) into what a key would do. */
void keys_mouse_event(struct tui *t, const MEVENT *ev);

#endif
