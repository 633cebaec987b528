/* keys.c - make every terminal's keys work: define_key() for each escape form of the
 * cursor, editing and function keys (terminfo describes one form; a terminal not in
 * application-cursor mode sends the other), as htop's CRT.c does; mouse events too.
 *
 * The mouse is not ncurses': its SGR decoder (6.4, lib_mouse.c read_SGR) read()s the rest
 * of a report straight from the terminal, blocking, past nodelay, so a report it thinks
 * has begun but whose bytes never come froze the dashboard for good after one click. We
 * turn the terminal's reporting on and off ourselves, bind the report's prefix ESC [ < to
 * a code of our own and read the rest through wgetch with a short wait per byte: a report
 * cut short is dropped, and nothing ever blocks.
 *
 * A click or a wheel step becomes the key that does the same, run by actions_dispatch,
 * so read-only and the confirmation hold for the mouse exactly as for the keyboard. */

#include <ctype.h>
#include <curses.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "forgetop/actions.h"
#include "forgetop/keys.h"

static const struct {
    const char *seq;
    int code;
} forms[] = {
    {"\033[A", KEY_UP},      {"\033OA", KEY_UP},      {"\033[B", KEY_DOWN},
    {"\033OB", KEY_DOWN},    {"\033[C", KEY_RIGHT},   {"\033OC", KEY_RIGHT},
    {"\033[D", KEY_LEFT},    {"\033OD", KEY_LEFT},    {"\033[H", KEY_HOME},
    {"\033OH", KEY_HOME},    {"\033[1~", KEY_HOME},   {"\033[7~", KEY_HOME},
    {"\033[F", KEY_END},     {"\033OF", KEY_END},     {"\033[4~", KEY_END},
    {"\033[8~", KEY_END},    {"\033[5~", KEY_PPAGE},  {"\033[6~", KEY_NPAGE},
    {"\033[Z", KEY_BTAB},    {"\033OP", KEY_F(1)},    {"\033OQ", KEY_F(2)},
    {"\033OR", KEY_F(3)},    {"\033OS", KEY_F(4)},    {"\033[11~", KEY_F(1)},
    {"\033[12~", KEY_F(2)},  {"\033[13~", KEY_F(3)},  {"\033[14~", KEY_F(4)},
    {"\033[[A", KEY_F(1)},   {"\033[[B", KEY_F(2)},   {"\033[[C", KEY_F(3)},
    {"\033[[D", KEY_F(4)},   {"\033[[E", KEY_F(5)},   {"\033[15~", KEY_F(5)},
    {"\033[17~", KEY_F(6)},  {"\033[18~", KEY_F(7)},  {"\033[19~", KEY_F(8)},
    {"\033[20~", KEY_F(9)},  {"\033[21~", KEY_F(10)}, {"\033[23~", KEY_F(11)},
    {"\033[24~", KEY_F(12)},
};

void keys_define(void)
{
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        define_key(forms[i].seq, forms[i].code);
    keyok(KEY_MOUSE, FALSE); /* terminfo's kmous (ESC [ <) must not start ncurses' decoder */
    define_key("\033[<", KEYS_SGR_MOUSE);
}

/* button presses and releases (1000, wheel included) as SGR reports (1006) */
#define MOUSE_ON  "\033[?1000h\033[?1006h"
#define MOUSE_OFF "\033[?1006l\033[?1000l"

static volatile sig_atomic_t mouse_on; /* asked of the terminal: to be turned off at exit */
static void (*curses_tstp)(int);       /* ncurses' SIGTSTP handler, which on_tstp wraps */

/* Ctrl-Z: ncurses' handler gives the screen back, stops, and redraws on SIGCONT, but the
 * mouse reporting is ours, so the shell would receive the reports while we are stopped.
 * It is turned off around the stop and on again after, with write(2) alone (a signal
 * handler may call it; ncurses' own handler restores this one as it resumes). */
static void on_tstp(int sig)
{
    if (mouse_on)
        (void)!write(STDOUT_FILENO, MOUSE_OFF, sizeof MOUSE_OFF - 1);
    curses_tstp(sig);
    if (mouse_on)
        (void)!write(STDOUT_FILENO, MOUSE_ON, sizeof MOUSE_ON - 1);
}

/* Wrap the handler initscr installed, once; none (SIGTSTP ignored, a shell without job
 * control) leaves nothing to wrap. */
static void wrap_tstp(void)
{
    struct sigaction sa;
    if (curses_tstp != NULL || sigaction(SIGTSTP, NULL, &sa) < 0 || (sa.sa_flags & SA_SIGINFO) ||
        sa.sa_handler == SIG_DFL || sa.sa_handler == SIG_IGN || sa.sa_handler == on_tstp)
        return;
    curses_tstp = sa.sa_handler;
    sa.sa_handler = on_tstp;
    sigaction(SIGTSTP, &sa, NULL);
}

void keys_mouse_enable(bool on)
{
    if (on == mouse_on)
        return; /* mouse = false never sends a thing: the terminal keeps its mouse */
    if (on)
        wrap_tstp();
    putp(on ? MOUSE_ON : MOUSE_OFF);
    fflush(stdout);
    mouse_on = on;
}

/* Wait per byte of a report: the terminal sends it in one write, so only a report cut
 * short ever waits this out, once, and is then dropped. */
#define REPORT_BYTE_MS  50
#define REPORT_MAX      16  /* "Cb;Cx;Cy" and M or m: longer is not a report */
#define REPORT_TAIL_MAX 256 /* what is dropped of one: a terminal's longest, with room */

/* Cb's bits 4, 8 and 16 are Shift, Meta and Control: a click is a click with them too */
#define SGR_MODIFIERS 28

/* The rest of a report that is none (too long, too many fields), up to its final M or m:
 * dropped with it, not read as keys; a byte that is not the report's is given back. */
static void drop_tail(WINDOW *w)
{
    int ch = ERR;
    for (int j = 0; j < REPORT_TAIL_MAX && (ch = wgetch(w)) != ERR; j++)
        if (ch == 'M' || ch == 'm' || !(isdigit(ch) || ch == ';'))
            break;
    if (ch != ERR && ch != 'M' && ch != 'm')
        ungetch(ch);
}

bool keys_mouse_read(WINDOW *w, MEVENT *ev)
{
    int v[3] = {0, 0, 0}, n = 0, ch = ERR, i = 0;
    wtimeout(w, REPORT_BYTE_MS);
    for (; i < REPORT_MAX; i++) {
        ch = wgetch(w);
        if (ch >= '0' && ch <= '9')
            v[n] = v[n] < 100000 ? v[n] * 10 + (ch - '0') : v[n]; /* no overflow: off screen */
        else if (ch == ';' && n < 2)
            n++;
        else
            break;
    }
    if (i == REPORT_MAX || ch == ';') { /* too long, or a fourth field: not a report */
        drop_tail(w);
        nodelay(w, TRUE);
        return false;
    }
    nodelay(w, TRUE); /* the main loop's own reads never wait */
    if (ch != 'M' && ch != 'm') {
        if (ch != ERR)
            ungetch(ch); /* not the report's: a key typed after one cut short still acts */
        return false;
    }
    if (ch == 'm' || n != 2 || v[1] < 1 || v[2] < 1)
        return false; /* a release (the press already acted: a click at once, as htop), or
                       * a field missing */
    int b = v[0] & ~SGR_MODIFIERS;
    mmask_t what = b == 0    ? BUTTON1_PRESSED
                   : b == 64 ? BUTTON4_PRESSED
                   : b == 65 ? BUTTON5_PRESSED
                             : 0;
    if (what == 0)
        return false; /* the middle or right button, or motion: nothing of ours */
    *ev = (MEVENT){.x = v[1] - 1, .y = v[2] - 1, .bstate = what};
    return true;
}

/* Move the selection of the focused table to row `want` through the dispatcher. */
static void select_row(struct tui *t, enum tui_focus focus, size_t want)
{
    if (t->focus != focus)
        actions_dispatch(t, '\t'); /* two tables: Tab is the other one */
    size_t cur = t->metric_sel;
    if (focus == FOCUS_SERVICES) {
        size_t n;
        const size_t *idx = tui_visible(t, &n);
        cur = tui_row_of_selected(t, idx, n);
    }
    for (; cur < want; cur++)
        actions_dispatch(t, KEY_DOWN);
    for (; cur > want; cur--)
        actions_dispatch(t, KEY_UP);
}

static bool in_rows(int y, int y0, int rows)
{
    return rows > 0 && y >= y0 && y < y0 + rows;
}

static void click(struct tui *t, int y, int x)
{
    const struct tui_hits *h = &t->hits;
    if (y == h->bar_y) {
        for (size_t i = 0; i < h->n_bar; i++)
            if (x >= h->bar_x[i] && x < h->bar_x[i] + h->bar_w[i] && t->mode == MODE_NORMAL)
                actions_dispatch(t, h->bar_key[i]);
        return;
    }
    if (t->screen != TUI_OVERVIEW || t->mode != MODE_NORMAL)
        return;
    if (y == h->svc_y - 1 && h->svc_rows > 0) {
        if (t->focus != FOCUS_SERVICES)
            actions_dispatch(t, '\t');   /* a table's header selects the table */
        for (int s = 0; s < SORT_N; s++) /* ...and a column's title sorts by it, as htop */
            if (h->col_w[s] > 0 && x >= h->col_x[s] && x < h->col_x[s] + h->col_w[s])
                tui_sort_click(t, (enum tui_sort)s);
    } else if (y == h->met_y - 1 && h->met_rows > 0 && t->focus != FOCUS_METRICS)
        actions_dispatch(t, '\t');
    else if (in_rows(y, h->svc_y, h->svc_rows))
        select_row(t, FOCUS_SERVICES, h->svc_top + (size_t)(y - h->svc_y));
    else if (in_rows(y, h->met_y, h->met_rows))
        select_row(t, FOCUS_METRICS, h->met_top + (size_t)(y - h->met_y));
}

void keys_mouse_event(struct tui *t, const MEVENT *ev)
{
    if (ev->bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) {
        click(t, ev->y, ev->x);
        return;
    }
    if (t->mode != MODE_NORMAL)
        return;
    /* the wheel scrolls the table under the pointer, or the screen */
    const struct tui_hits *h = &t->hits;
    if (t->screen == TUI_OVERVIEW) {
        bool svc = in_rows(ev->y, h->svc_y - 1, h->svc_rows + 1);
        bool met = in_rows(ev->y, h->met_y - 1, h->met_rows + 1);
        if ((svc && t->focus != FOCUS_SERVICES) || (met && t->focus != FOCUS_METRICS))
            actions_dispatch(t, '\t');
    }
    if (ev->bstate & BUTTON4_PRESSED)
        actions_dispatch(t, KEY_UP);
    else if (ev->bstate & BUTTON5_PRESSED)
        actions_dispatch(t, KEY_DOWN);
}
