/* text.c - make server text safe for a terminal, and measure it in columns.
 *
 * A pod name or an error body can carry ESC sequences that would repaint or retitle
 * the operator's terminal; every such byte becomes '?' before it is stored. */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "forgetop/text.h"

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
    size_t len;
    uint32_t c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        c &= 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        c &= 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        c &= 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
        (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return len;
}

static int is_control(uint32_t cp)
{
    /* C0, DEL, C1, the line and paragraph separators, and every bidi control: a mark can
     * reorder what an operator reads (a replica count, a name) without showing itself. */
    return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

char *text_sanitize_n(char *dst, size_t len, const char *src, size_t srclen)
{
    size_t o = 0;
    if (len == 0)
        return dst;
    const unsigned char *s = (const unsigned char *)(src ? src : "");
    for (size_t i = 0; i < srclen && s[i] != '\0';) {
        uint32_t cp;
        size_t n = utf8_len(s + i, srclen - i, &cp);
        if (n == 0 || is_control(cp)) {
            if (o + 1 >= len)
                break;
            dst[o++] = (n == 0 || cp != '\t') ? '?' : ' ';
            i += n ? n : 1;
            continue;
        }
        if (o + n >= len)
            break;
        memcpy(dst + o, s + i, n);
        o += n;
        i += n;
    }
    dst[o] = '\0';
    return dst;
}

char *text_sanitize(char *dst, size_t len, const char *src)
{
    return text_sanitize_n(dst, len, src, src ? strlen(src) : 0);
}

int text_width(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t n = strlen(str);
    int w = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t l = utf8_len(s + i, n - i, &cp);
        if (l == 0) {
            w++;
            i++;
            continue;
        }
        int cw = wcwidth((wchar_t)cp);
        w += cw < 0 ? 1 : cw;
        i += l;
    }
    return w;
}

/* Truncation may have cut a UTF-8 character at dst[end]: drop its leading bytes, so
 * sanitised text stays valid UTF-8 when it is joined into a longer message. */
static void drop_split_char(char *dst, size_t end)
{
    size_t lead = end;
    while (lead > 0 && end - lead < 3 && ((unsigned char)dst[lead - 1] & 0xc0) == 0x80)
        lead--;
    if (lead == 0)
        return;
    unsigned char c = (unsigned char)dst[lead - 1];
    size_t need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    if (end - (lead - 1) < need)
        dst[lead - 1] = '\0';
}

void text_printf(char *dst, size_t len, const char *fmt, ...)
{
    if (len == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(dst, len, fmt, ap);
    va_end(ap);
    if (n < 0)
        dst[0] = '\0';
    else if ((size_t)n >= len)
        drop_split_char(dst, len - 1);
}

void text_count(char *dst, size_t len, double v)
{
    if (v != v)
        text_printf(dst, len, "?");
    else if (v >= 1e9 || v <= -1e9)
        text_printf(dst, len, "%.1fG", v / 1e9);
    else if (v >= 1e6 || v <= -1e6)
        text_printf(dst, len, "%.1fM", v / 1e6);
    else if (v >= 1e4 || v <= -1e4)
        text_printf(dst, len, "%.1fk", v / 1e3);
    else
        text_printf(dst, len, "%.0f", v);
}

void text_bytes(char *dst, size_t len, double v)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    if (v != v) {
        text_printf(dst, len, "?");
        return;
    }
    while ((v >= 1024 || v <= -1024) && u < 4) {
        v /= 1024;
        u++;
    }
    text_printf(dst, len, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

void text_duration(char *dst, size_t len, double s)
{
    if (s != s || s < 0) {
        text_printf(dst, len, "?");
        return;
    }
    /* past ~3 centuries the days need not be exact; the cast to long must stay defined */
    long t = s < 1e10 ? (long)s : 10000000000L;
    if (t < 60)
        text_printf(dst, len, "%lds", t);
    else if (t < 3600)
        text_printf(dst, len, "%ldm", t / 60);
    else if (t < 86400)
        text_printf(dst, len, "%ldh%ldm", t / 3600, (t % 3600) / 60);
    else
        text_printf(dst, len, "%ldd%ldh", t / 86400, (t % 86400) / 3600);
}
