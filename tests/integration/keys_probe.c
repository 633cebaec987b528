/* keys_probe.c - what curses hands forgetop for each byte sequence a terminal sends:
 * starts curses as the dashboard does (keypad, the same escape delay, keys_define()),
 * then writes one keyname() a line to the file given until it reads 'q'.
 *
 * Usage: keys_probe OUT [--terminfo-only]   (--terminfo-only: skip keys_define, the
 * control that shows what terminfo alone would give). */

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "forgetop/keys.h"

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    FILE *out = fopen(argv[1], "w");
    if (out == NULL)
        return 1;
    initscr();
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    if (argc < 3 || strcmp(argv[2], "--terminfo-only") != 0)
        keys_define();
    mvaddstr(0, 0, "ready");
    refresh();
    int ch;
    while ((ch = getch()) != 'q') {
        const char *name = keyname(ch);
        fprintf(out, "%s\n", name != NULL ? name : "?");
        fflush(out);
    }
    endwin();
    fclose(out);
    return 0;
}
