/* text.h - text from servers made safe for a terminal, and measured in columns.
 *
 * Everything a server sent passes text_sanitize() before it is stored in a snapshot:
 * control characters and escape sequences never reach the operator's terminal. */

#ifndef FORGETOP_TEXT_H
#define FORGETOP_TEXT_H

#include <stddef.h>

/* Copy src into dst (size len, always terminated), replacing C0/C1 controls, DEL and
 * invalid UTF-8 with '?', and truncating on a character boundary. Returns dst. */
char *text_sanitize(char *dst, size_t len, const char *src);
/* Same, for a source that is not NUL-terminated. */
char *text_sanitize_n(char *dst, size_t len, const char *src, size_t srclen);
/* Display columns of a UTF-8 string (wcwidth per character; 1 for unknown). */
int text_width(const char *s);
/* snprintf that never fails loudly: truncates (never inside a UTF-8 character), always
 * terminates. */
void text_printf(char *dst, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Human figures: "1.2k", "3.4 GiB", "12m", "3h4m". */
void text_count(char *dst, size_t len, double v);
void text_bytes(char *dst, size_t len, double v);
void text_duration(char *dst, size_t len, double seconds);

#endif
