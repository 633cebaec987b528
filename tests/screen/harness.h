/* harness.h - render screens through real ncurses into an off-screen terminal and
 * compare the text read back with golden files (pg_activity's and tmux's model).
 *
 * newterm() on /dev/null with a fixed TERM and size; the virtual screen is read with
 * mvwinnwstr(), so what is compared is what curses would send, not what we meant to
 * draw. FORGETOP_GOLDEN_UPDATE=1 rewrites the golden files instead (make golden). */

#ifndef FORGETOP_SCREEN_HARNESS_H
#define FORGETOP_SCREEN_HARNESS_H

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <wchar.h>

#include <curses.h>

static int tap_n, tap_failed;
static SCREEN *hx_screen;
static FILE *hx_out, *hx_in;

static inline void tap(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void tap(int ok, const char *fmt, ...)
{
    va_list ap;
    printf("%sok %d - ", ok ? "" : "not ", ++tap_n);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
    if (!ok)
        tap_failed = 1;
}

/* Start curses on an off-screen terminal of the given size. */
static inline void hx_start(const char *term, int lines, int cols, int utf8)
{
    char buf[16];
    setenv("TZ", "UTC", 1);
    tzset();
    setlocale(LC_ALL, utf8 ? "C.UTF-8" : "C");
    snprintf(buf, sizeof buf, "%d", lines);
    setenv("LINES", buf, 1);
    snprintf(buf, sizeof buf, "%d", cols);
    setenv("COLUMNS", buf, 1);
    setenv("TERM", term, 1);
    hx_out = fopen("/dev/null", "w");
    hx_in = fopen("/dev/null", "r");
    hx_screen = newterm(term, hx_out, hx_in);
    if (!hx_screen) {
        printf("Bail out! newterm(%s) failed\n", term);
        exit(1);
    }
    set_term(hx_screen);
    if (has_colors()) {
        start_color();
        use_default_colors();
    }
}

static inline void hx_stop(void)
{
    endwin();
    delscreen(hx_screen);
    fclose(hx_out);
    fclose(hx_in);
}

static inline void hx_resize(int lines, int cols)
{
    resizeterm(lines, cols);
}

/* The window's text, rows joined by newlines, trailing blanks trimmed. */
static inline char *hx_text(WINDOW *win)
{
    int rows, cols;
    getmaxyx(win, rows, cols);
    size_t cap = (size_t)rows * ((size_t)cols * 4 + 2) + 1, o = 0;
    char *out = malloc(cap);
    wchar_t *line = malloc(sizeof(wchar_t) * ((size_t)cols + 1));
    for (int y = 0; y < rows; y++) {
        int n = mvwinnwstr(win, y, 0, line, cols);
        if (n < 0)
            n = 0;
        line[n] = L'\0';
        size_t start = o;
        mbstate_t ps;
        memset(&ps, 0, sizeof ps);
        for (int i = 0; i < n; i++) {
            size_t k = wcrtomb(out + o, line[i], &ps);
            if (k == (size_t)-1)
                out[o] = '?', k = 1;
            o += k;
        }
        while (o > start && out[o - 1] == ' ')
            o--;
        out[o++] = '\n';
    }
    out[o] = '\0';
    free(line);
    return out;
}

static inline char *hx_read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, f);
    buf[got] = '\0';
    fclose(f);
    return buf;
}

/* Compare the window's text with tests/golden/NAME.txt (or rewrite it). */
static inline void hx_golden(WINDOW *win, const char *name, const char *what)
{
    char path[256], actual[256];
    snprintf(path, sizeof path, "tests/golden/%s.txt", name);
    char *got = hx_text(win);
    const char *upd = getenv("FORGETOP_GOLDEN_UPDATE");
    if (upd && *upd && strcmp(upd, "0") != 0) {
        FILE *f = fopen(path, "w");
        if (f) {
            fputs(got, f);
            fclose(f);
        }
        tap(f != NULL, "%s (golden %s rewritten)", what, name);
        free(got);
        return;
    }
    char *want = hx_read_file(path);
    int same = want && strcmp(want, got) == 0;
    tap(same, "%s matches tests/golden/%s.txt", what, name);
    if (!same) {
        mkdir("build", 0755);
        mkdir("build/tests", 0755);
        mkdir("build/tests/screen", 0755);
        snprintf(actual, sizeof actual, "build/tests/screen/%s.actual", name);
        FILE *f = fopen(actual, "w");
        if (f) {
            fputs(got, f);
            fclose(f);
        }
        printf("# %s; got (also in %s):\n", want ? "differs" : "no golden file", actual);
        for (char *p = got, *nl; p && *p; p = nl ? nl + 1 : NULL) {
            nl = strchr(p, '\n');
            printf("#  |%.*s\n", nl ? (int)(nl - p) : (int)strlen(p), p);
        }
    }
    free(want);
    free(got);
}

/* Does the window show s anywhere? */
static inline int hx_has(WINDOW *win, const char *s)
{
    char *text = hx_text(win);
    int found = strstr(text, s) != NULL;
    free(text);
    return found;
}

/* Attributes (colour pair included) of the first cell of s on the window, 0 if absent. */
static inline attr_t hx_attr_at(WINDOW *win, const char *s)
{
    char *text = hx_text(win), *at = strstr(text, s);
    attr_t a = 0;
    if (at) {
        int y = 0, x = 0;
        mbstate_t ps;
        memset(&ps, 0, sizeof ps);
        for (char *p = text; p < at;) {
            if (*p == '\n') {
                y++, x = 0, p++;
                continue;
            }
            wchar_t wc;
            size_t k = mbrtowc(&wc, p, (size_t)(at - p), &ps);
            p += (k == (size_t)-1 || k == (size_t)-2 || k == 0) ? 1 : k;
            x++;
        }
        cchar_t cc;
        if (mvwin_wch(win, y, x, &cc) != ERR) {
            wchar_t wch[CCHARW_MAX + 1];
            short pair;
            getcchar(&cc, wch, &a, &pair, NULL);
            a |= COLOR_PAIR(pair);
        }
    }
    free(text);
    return a;
}

#endif
