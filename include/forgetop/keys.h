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

/* What wgetch returns for ESC [ <, the start of an SGR mouse report (bound by keys_define
 * instead of ncurses' KEY_MOUSE, whose decoder can block); keys_mouse_read reads the rest. */
#define KEYS_SGR_MOUSE (KEY_MAX + 1)

/* Bind every escape form of arrows, Home/End, PgUp/PgDn and F1..F12 and the mouse
 * report's prefix (after initscr and keypad). */
void keys_define(void);
/* Ask the terminal for clicks and the wheel (mouse = true, the default), or, at exit,
 * stop asking; nothing is sent when it is already so. */
void keys_mouse_enable(bool on);
/* After KEYS_SGR_MOUSE: read the rest of the report from w (each byte waited for briefly,
 * w left in nodelay) into ev as a press of button 1 or a wheel step; false for a release,
 * another button, or a report cut short or malformed (dropped; a byte that is not the
 * report's is given back to curses). */
bool keys_mouse_read(WINDOW *w, MEVENT *ev);
/* Turn a press or wheel step (from keys_mouse_read) into what a key would do. */
void keys_mouse_event(struct tui *t, const MEVENT *ev);

#endif
