/* audit.h - one JSON line per scale attempt, appended, fsync'd, mode 0600.
 *
 * Fields: time, user, host, source, target, namespace, from, to (null: no count was
 * typed), reason, result, message, production, read_only; for m, hold and resume also
 * action ("min", "hold", "resume"), object (horizontalpodautoscaler/NAME or, KEDA,
 * scaledobject/NAME) and field (spec.minReplicas, spec.minReplicaCount or the
 * paused-replicas annotation, whose from -> to it is); danger when a second
 * confirmation was given. No secret is ever written: only what the request names. */

#ifndef FORGETOP_AUDIT_H
#define FORGETOP_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "forgetop/source.h"

/* The default path: $XDG_STATE_HOME/forgetop/audit.log, else ~/.local/state/... */
void audit_default_path(char *out, size_t len);
/* result: "requested", "refused", "declined", "applied", "failed". 0, or -1 with err. */
int audit_write(const char *path, const struct scale_request *req, const char *result,
                const char *message, double now, char *err, size_t errlen);

/* The same line with the guard the actuator held when it decided. */
struct audit_entry {
    const struct scale_request *req;
    const char *result, *message;
    bool production, read_only;
};
int audit_record(const char *path, const struct audit_entry *e, double now, char *err,
                 size_t errlen);

/* A plain HPA held by forgetop (hold raised its minReplicas): the minimum it had before,
 * from the newest applied hold line with no applied resume after it. 0 with *prev, or
 * -1 when the log holds none. */
int audit_held_min(const char *path, const char *hpa, int *prev);

#endif
