/* paint.c - clipped, width-aware text and the lines and boxes widgets share.
 *
 * Every string is measured in display columns, not bytes, and cut on a character
 * boundary with an ellipsis, so a long pod name never spills into the next column. In
 * an ASCII locale non-ASCII characters are drawn as '?', never as raw bytes. */

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "forgetop/paint.h"
#include "forgetop/text.h"

#define PAINT_MAX 1024

/* Decode s into wide characters with their widths; returns the count. */
static size_t decode(const struct style *st, const char *s, wchar_t *out, int *wid, size_t cap)
{
    size_t n = 0, len = strlen(s);
    mbstate_t ps;
    memset(&ps, 0, sizeof ps);
    for (size_t i = 0; i < len && n < cap;) {
        unsigned char c = (unsigned char)s[i];
        wchar_t wc = L'?';
        size_t step = 1;
        if (c < 0x80) {
            wc = (c < 0x20 || c == 0x7f) ? L'?' : (wchar_t)c;
        } else if (st->g->utf8) {
            size_t r = mbrtowc(&wc, s + i, len - i, &ps);
            if (r == (size_t)-1 || r == (size_t)-2 || r == 0) {
                memset(&ps, 0, sizeof ps);
                wc = L'?';
            } else {
                step = r;
            }
        } else {
            while (i + step < len && ((unsigned char)s[i + step] & 0xc0) == 0x80)
                step++;
        }
        int w = wcwidth(wc);
        if (w < 0) {
            wc = L'?';
            w = 1;
        }
        out[n] = wc;
        wid[n++] = w;
        i += step;
    }
    return n;
}

int paint_width(const struct style *st, const char *s)
{
    wchar_t buf[PAINT_MAX];
    int wid[PAINT_MAX], total = 0;
    size_t n = decode(st, s, buf, wid, PAINT_MAX);
    for (size_t i = 0; i < n; i++)
        total += wid[i];
    return total;
}

int paint_text(WINDOW *win, const struct style *st, int y, int x, int w, const char *s, attr_t attr)
{
    int maxx = getmaxx(win), maxy = getmaxy(win);
    if (x + w > maxx)
        w = maxx - x;
    if (w <= 0 || y < 0 || y >= maxy || x < 0 || !s)
        return 0;
    wchar_t buf[PAINT_MAX + 1];
    int wid[PAINT_MAX], total = 0;
    size_t n = decode(st, s, buf, wid, PAINT_MAX);
    for (size_t i = 0; i < n; i++)
        total += wid[i];
    size_t keep = n;
    int used = total;
    bool cut = total > w;
    if (cut) {
        used = 0;
        for (keep = 0; keep < n && used + wid[keep] <= w - 1; keep++)
            used += wid[keep];
    }
    wattrset(win, attr);
    if (keep)
        mvwaddnwstr(win, y, x, buf, (int)keep);
    if (cut) {
        mvwaddstr(win, y, x + used, st->g->ellipsis);
        used++;
    }
    wattrset(win, A_NORMAL);
    return used;
}

void paint_repeat(WINDOW *win, int y, int x, int n, const char *g, attr_t attr)
{
    int maxx = getmaxx(win);
    if (y < 0 || y >= getmaxy(win))
        return;
    wattrset(win, attr);
    for (int i = 0; i < n && x + i < maxx; i++)
        mvwaddstr(win, y, x + i, g);
    wattrset(win, A_NORMAL);
}

void paint_field(WINDOW *win, const struct style *st, int y, int x, int w, const char *s,
                 attr_t attr, enum paint_align align)
{
    if (w <= 0)
        return;
    int tw = paint_width(st, s);
    int pad = tw >= w ? 0
                      : (align == PAINT_RIGHT    ? w - tw
                         : align == PAINT_CENTER ? (w - tw) / 2
                                                 : 0);
    paint_repeat(win, y, x, pad, " ", attr);
    int used = paint_text(win, st, y, x + pad, w - pad, s, attr);
    paint_repeat(win, y, x + pad + used, w - pad - used, " ", attr);
}

void paint_box(WINDOW *win, const struct style *st, int y, int x, int h, int w, const char *title,
               attr_t border, attr_t title_attr)
{
    const struct glyphs *g = st->g;
    if (h < 2 || w < 2)
        return;
    paint_repeat(win, y, x, 1, g->tl, border);
    paint_repeat(win, y, x + 1, w - 2, g->hline, border);
    paint_repeat(win, y, x + w - 1, 1, g->tr, border);
    for (int r = 1; r < h - 1; r++) {
        paint_repeat(win, y + r, x, 1, g->vline, border);
        paint_repeat(win, y + r, x + w - 1, 1, g->vline, border);
    }
    paint_repeat(win, y + h - 1, x, 1, g->bl, border);
    paint_repeat(win, y + h - 1, x + 1, w - 2, g->hline, border);
    paint_repeat(win, y + h - 1, x + w - 1, 1, g->br, border);
    if (title && *title && w > 6) {
        paint_repeat(win, y, x + 1, 1, " ", border);
        int used = paint_text(win, st, y, x + 2, w - 5, title, title_attr);
        paint_repeat(win, y, x + 2 + used, 1, " ", border);
    }
}

int paint_wrap(WINDOW *win, const struct style *st, int y, int x, int w, const char *text, int max,
               attr_t a)
{
    const char *p = text;
    int rows = 0;
    while (*p && rows < max && w > 8) {
        size_t len = strlen(p), take = len;
        if ((int)len > w) { /* break at the last space in the second half of the line */
            take = (size_t)w;
            while (take > (size_t)w / 2 && p[take] != ' ')
                take--;
        }
        char buf[512];
        text_printf(buf, sizeof buf, "%.*s", (int)take, p);
        paint_text(win, st, y + rows++, x, w, buf, a);
        p += take;
        while (*p == ' ')
            p++;
    }
    return rows;
}
