/* secret.c - passwords and tokens replaced by a mark in text that is about to be kept.
 *
 * A scan, not a parser: the text is often the very input a parser refused (a URI with an
 * unclosed bracket), so nothing here may rely on it being well formed. */

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "forgetop/secret.h"

struct out {
    char *buf;
    size_t len, n;
};

static void put(struct out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n && o->n + 1 < o->len; i++)
        o->buf[o->n++] = s[i];
}

static bool ends_value(char c)
{
    return c == '\0' || isspace((unsigned char)c) || c == '&' || c == ';' || c == ',' || c == '"' ||
           c == '\'';
}

/* Keys whose value is a secret, in a conninfo (`password=x`) or a query (`?password=x`). */
static size_t secret_key_len(const char *s)
{
    static const char *const keys[] = {
        "password=", "passwd=", "pass=", "token=", "auth=", "secret=", "pwd="};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        size_t k = strlen(keys[i]);
        if (strncasecmp(s, keys[i], k) == 0)
            return k;
    }
    return 0;
}

/* Length of a value: quoted ('x y', with \' escapes, as libpq allows) or up to a separator. */
static size_t value_len(const char *s)
{
    size_t i = 0;
    if (s[0] == '\'' || s[0] == '"') {
        char q = s[0];
        for (i = 1; s[i] && s[i] != q; i++)
            if (s[i] == '\\' && s[i + 1])
                i++;
        return s[i] ? i + 1 : i;
    }
    while (!ends_value(s[i]))
        i++;
    return i;
}

/* After "://": the userinfo up to '@', if one comes before the host part ends. */
static size_t userinfo_len(const char *s, size_t *colon)
{
    *colon = 0;
    for (size_t i = 0; s[i] && !isspace((unsigned char)s[i]) && s[i] != '/' && s[i] != '?' &&
                       s[i] != '#' && s[i] != '"' && s[i] != '\'';
         i++) {
        if (s[i] == ':' && *colon == 0)
            *colon = i;
        if (s[i] == '@') {
            /* the last '@' of the authority ends the userinfo: a password may hold '@' */
            size_t last = i;
            for (size_t j = i + 1;
                 s[j] && !isspace((unsigned char)s[j]) && s[j] != '/' && s[j] != '?' && s[j] != '#';
                 j++)
                if (s[j] == '@')
                    last = j;
            return last;
        }
    }
    return 0;
}

static bool at_word_start(const char *src, size_t i)
{
    return i == 0 || !isalnum((unsigned char)src[i - 1]);
}

/* The next secret in src at or after *i: its bytes are [*start, *end). */
static bool next_secret(const char *src, size_t *i, size_t *start, size_t *end)
{
    for (; src[*i]; (*i)++) {
        size_t k, colon;
        if (strncmp(src + *i, "://", 3) == 0 && (k = userinfo_len(src + *i + 3, &colon)) > 0) {
            *start = *i + 3 + (colon ? colon + 1 : 0);
            *end = *i + 3 + k;
        } else if (at_word_start(src, *i) && (k = secret_key_len(src + *i)) > 0) {
            *start = *i + k;
            *end = *start + value_len(src + *start);
        } else if (strncasecmp(src + *i, "Bearer ", 7) == 0) {
            *start = *i + 7;
            *end = *start + value_len(src + *start);
        } else {
            continue;
        }
        *i = *end;
        return true;
    }
    return false;
}

char *secret_scrub(char *dst, size_t len, const char *src)
{
    struct out o = {dst, len, 0};
    if (len == 0)
        return dst;
    size_t i = 0, from = 0, start, end;
    while (src != NULL && next_secret(src, &i, &start, &end)) {
        put(&o, src + from, start - from);
        put(&o, SECRET_MARK, strlen(SECRET_MARK));
        from = end;
    }
    if (src != NULL)
        put(&o, src + from, strlen(src + from));
    dst[o.n] = '\0';
    return dst;
}

void secret_mask(char *s)
{
    size_t i = 0, start, end;
    while (s != NULL && next_secret(s, &i, &start, &end))
        memset(s + start, 'x', end - start);
}
