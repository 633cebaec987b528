/* poller.h - one thread per source, snapshots swapped under a mutex, a wake pipe.
 *
 * The UI thread never waits on the network: it poll()s poller_wake_fd() and takes
 * whatever snapshots are ready. Approved scale requests go to the one scaler thread;
 * their outcomes come back through the same pipe. */

#ifndef FORGETOP_POLLER_H
#define FORGETOP_POLLER_H

#include <stdbool.h>
#include <stddef.h>

#include "forgetop/model.h"
#include "forgetop/source.h"

struct poller;

struct scale_outcome {
    struct scale_request req;
    int status; /* 0 applied, -1 failed */
    char message[FT_TEXT_MAX];
};

/* Takes ownership of the sources. */
struct poller *poller_new(struct source **sources, size_t n);
int poller_start(struct poller *p);
/* Stops every thread; a thread hung in a poll is detached, never waited for. */
void poller_free(struct poller *p);

/* Source i now reads another target: src (owned from here) takes its place and its own
 * thread; the old source is stopped and freed, its thread given 0.2 s and detached if a
 * poll hangs. Queued scale requests approved for the old target are not sent. 0, or -1
 * when i is out of range or memory ran out (src is destroyed, the old source runs on) or
 * the new thread could not start (the slot then shows no poll, as a source that hangs). */
int poller_replace(struct poller *p, size_t i, struct source *src);
/* Source i as it is now (read its name, kind, context; never poll it). */
struct source *poller_source(struct poller *p, size_t i);
/* One byte down the wake pipe: another thread has news for the UI. */
void poller_wake(struct poller *p);
int poller_wake_fd(const struct poller *p);
/* Read and discard pending wake bytes. */
void poller_drain_wake(struct poller *p);

size_t poller_count(const struct poller *p);
/* Copy source i's status (state, ages, error) as of now. */
void poller_status(struct poller *p, size_t i, double now, struct source_status *out);
/* Take source i's newest snapshot if one arrived since the last take (caller frees),
 * NULL otherwise. */
struct snapshot *poller_take(struct poller *p, size_t i);
/* Ask every source to poll now instead of waiting out its interval. */
void poller_poll_now(struct poller *p);
/* Run one synchronous poll of every source, each with a deadline (for --once). */
void poller_poll_once(struct poller *p, double deadline_s);
/* From now on a source polls only when asked (poller_poll_once, poller_poll_now), never
 * because its interval passed: --once and --check, where a poll that outlasts the interval
 * would otherwise start a second one that only delays the exit. */
void poller_set_oneshot(struct poller *p);

/* Queue a scale request for the scaler thread (already approved by the actuator). */
int poller_submit_scale(struct poller *p, const struct scale_request *req);
/* Take one finished scale outcome; false when none. */
bool poller_take_outcome(struct poller *p, struct scale_outcome *out);
/* Does source `name` exist and can it scale? */
bool poller_can_scale(const struct poller *p, const char *source);

#endif
