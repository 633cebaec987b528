/* audit.h - one JSON line per scale attempt, appended, fsync'd, mode 0600.
 *
 * Fields: time, user, host, source, target, namespace, from, to, reason, result, message.
 * No secret is ever written: only what the request names. */

#ifndef FORGETOP_AUDIT_H
#define FORGETOP_AUDIT_H

#include <stddef.h>

#include "forgetop/source.h"

/* The default path: $XDG_STATE_HOME/forgetop/audit.log, else ~/.local/state/... */
void audit_default_path(char *out, size_t len);
/* result: "requested", "refused", "applied", "failed". 0, or -1 with err. */
int audit_write(const char *path, const struct scale_request *req, const char *result,
                const char *message, double now, char *err, size_t errlen);

#endif
