/* secret.h - passwords and tokens taken out of text before it is stored, drawn, printed
 * or audited.
 *
 * Library messages quote what they were given: libpq repeats a mistyped URI whole, a URL
 * parser its input. Every error from outside passes secret_scrub() on its way in. */

#ifndef FORGETOP_SECRET_H
#define FORGETOP_SECRET_H

#include <stddef.h>

/* The mark put where a secret was. */
#define SECRET_MARK "***"

/* Copy src into dst (size len, always terminated) with the secrets replaced by SECRET_MARK:
 * the password of a URL userinfo (user:***@ after the scheme, and a lone ***@ for redis), the
 * value of a password=, passwd=, token=, auth= or secret= field (conninfo or query string,
 * quoted or not), and the token after `Bearer `. dst may not overlap src. Returns dst. */
char *secret_scrub(char *dst, size_t len, const char *src);
/* The same secrets overwritten with 'x' in place, length kept: for argv, which is what
 * `ps -o args` shows every local user (as psql and mysql do with their passwords). */
void secret_mask(char *s);

#endif
