/* poller.c - a thread per source, its newest snapshot swapped in under its own mutex,
 * one byte down a wake pipe; and the one scaler thread.
 *
 * Nothing the UI calls ever waits for a poll: it takes a mutex that a thread holds only
 * to swap a pointer or copy a status. A thread stuck in a hung poll is not waited for at
 * exit either: poller_free gives every thread about a second, then detaches the ones
 * still stuck. What such a thread touches (its slot and source) is reference-counted
 * and freed by whichever side lets go last, so a detached thread may keep its source
 * alive, or leak it if the poll never returns; it never writes to the closed pipe. */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "forgetop/poller.h"
#include "forgetop/secret.h"
#include "forgetop/text.h"
#include "forgetop/world.h"

#define SCALE_QUEUE   16
#define OUTCOME_QUEUE 16
#define STOP_GRACE_S  1.0 /* what poller_free waits for threads to finish */

struct slot {
    pthread_mutex_t mu;
    pthread_cond_t cond; /* kick, stop, a poll finished, the thread ended */
    struct source *src;
    int refs; /* the poller, the thread, the scaler while it calls scale */
    int wake_fd;
    bool has_thread, stop, kick, done;
    bool oneshot; /* polls only when kicked, never by the interval (poller_set_oneshot) */
    pthread_t thread;

    struct snapshot *fresh; /* newest, not taken yet */
    bool in_poll;
    unsigned long gen_started, gen_done;
    double poll_started, last_ok, last_try; /* unix seconds */
    int failures;                           /* consecutive */
    double failing_since;                   /* when the first of them failed */
    char error[FT_TEXT_MAX];
    double no_answer_s;   /* poller_poll_once gave up on it after this long; 0 not */
    unsigned long target; /* which target of its index it reads (poller_replace counts) */
};

struct scaler {
    pthread_mutex_t mu;
    pthread_cond_t cond;
    int refs;
    int wake_fd;
    bool has_thread, stop, done;
    pthread_t thread;
    struct slot **slots; /* own copy: used only while not stopped */
    size_t n;
    struct scale_request q[SCALE_QUEUE];
    unsigned long q_target[SCALE_QUEUE]; /* the slot's target when each was approved */
    size_t q_head, q_len;
    struct scale_outcome out[OUTCOME_QUEUE];
    size_t o_head, o_len;
};

struct poller {
    struct slot **slots;
    size_t n;
    struct scaler *scaler;
    int wake[2];
    bool started;
    unsigned long targets; /* slots made so far: each new one reads a new target */
};

/* ---- clocks ---- */

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct timespec mono_at(double t)
{
    struct timespec ts;
    ts.tv_sec = (time_t)t;
    ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

/* Wait on cond until signalled or the monotonic time `until`; false once it has passed. */
static bool wait_until(pthread_cond_t *cond, pthread_mutex_t *mu, double until)
{
    if (mono_now() >= until)
        return false;
    struct timespec ts = mono_at(until);
    pthread_cond_timedwait(cond, mu, &ts);
    return true;
}

static int sync_init(pthread_mutex_t *mu, pthread_cond_t *cond)
{
    pthread_condattr_t attr;
    if (pthread_condattr_init(&attr) != 0)
        return -1;
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(cond, &attr);
    pthread_condattr_destroy(&attr);
    if (rc != 0)
        return -1;
    if (pthread_mutex_init(mu, NULL) != 0) {
        pthread_cond_destroy(cond);
        return -1;
    }
    return 0;
}

/* One byte down the pipe; a full pipe already says "wake up". Callers hold the lock of
 * the thing that decided it is not stopped, so the pipe is still open. */
static void wake(int fd)
{
    char b = 1;
    ssize_t w = write(fd, &b, 1);
    (void)w;
}

/* ---- slots ---- */

static struct slot *slot_new(struct source *src, int wake_fd)
{
    struct slot *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return NULL;
    if (sync_init(&s->mu, &s->cond) < 0) {
        free(s);
        return NULL;
    }
    s->src = src;
    s->refs = 1;
    s->wake_fd = wake_fd;
    return s;
}

static void slot_free(struct slot *s)
{
    source_destroy(s->src);
    snapshot_free(s->fresh);
    pthread_cond_destroy(&s->cond);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

static void slot_ref(struct slot *s)
{
    pthread_mutex_lock(&s->mu);
    s->refs++;
    pthread_mutex_unlock(&s->mu);
}

static void slot_unref(struct slot *s)
{
    pthread_mutex_lock(&s->mu);
    bool last = --s->refs == 0;
    pthread_mutex_unlock(&s->mu);
    if (last)
        slot_free(s);
}

static double slot_interval(const struct slot *s)
{
    return s->src->interval_s > 0 ? s->src->interval_s : 1.0;
}

/* A source words its errors for a log ("kube: GET ...: refused"); everything that shows a
 * source's error already names the source, so the name is dropped here, once. */
static const char *unprefixed(const char *name, const char *err)
{
    size_t n = strlen(name);
    if (n > 0 && strncmp(err, name, n) == 0 && err[n] == ':' && err[n + 1] == ' ')
        return err + n + 2;
    return err;
}

/* An error from outside, as it is kept (shown, audited): its secrets out first, while the
 * text is still as the tool wrote it, then its control characters. */
static void keep_error(char *dst, size_t len, const char *err)
{
    char scrubbed[FT_TEXT_MAX];
    secret_scrub(scrubbed, sizeof(scrubbed), err);
    text_sanitize(dst, len, scrubbed);
}

/* Called with the lock held after a poll; returns the snapshot the caller must free. */
static struct snapshot *slot_record(struct slot *s, int rc, struct snapshot *snap, const char *err,
                                    unsigned long gen)
{
    struct snapshot *old = NULL;
    s->in_poll = false;
    s->gen_done = gen;
    s->last_try = wall_now();
    s->no_answer_s = 0;
    if (rc == 0) {
        old = s->fresh;
        /* nobody took the previous one: keep its samples (a backfill) in the new one */
        snapshot_carry_readings(snap, old);
        s->fresh = snap;
        s->last_ok = s->last_try;
        s->failures = 0;
        s->error[0] = '\0';
    } else {
        old = snap;
        if (s->failures++ == 0)
            s->failing_since = s->last_try;
        keep_error(s->error, sizeof(s->error),
                   unprefixed(s->src->name, err)); /* whatever library wrote it */
    }
    return old;
}

static struct snapshot *slot_poll(struct slot *s, char *err, size_t errlen)
{
    struct snapshot *snap = snapshot_new();
    if (snap == NULL) {
        text_printf(err, errlen, "%s: out of memory for a snapshot", s->src->name);
        return NULL;
    }
    err[0] = '\0';
    if (s->src->ops->poll(s->src, snap, err, errlen) == 0)
        return snap;
    if (err[0] == '\0')
        text_printf(err, errlen, "%s: poll failed without saying why", s->src->name);
    snapshot_free(snap);
    return NULL;
}

/* Wait for a kick, the stop or (unless oneshot) the next poll's time; false once due. */
static bool idle(struct slot *s, double next)
{
    if (!s->oneshot)
        return wait_until(&s->cond, &s->mu, next);
    pthread_cond_wait(&s->cond, &s->mu);
    return true;
}

static void *slot_main(void *arg)
{
    struct slot *s = arg;
    char err[FT_TEXT_MAX];
    pthread_mutex_lock(&s->mu);
    while (!s->stop) {
        unsigned long gen = ++s->gen_started;
        s->in_poll = true;
        s->kick = false;
        s->poll_started = wall_now();
        double next = mono_now() + slot_interval(s);
        pthread_mutex_unlock(&s->mu);

        struct snapshot *snap = slot_poll(s, err, sizeof(err));

        pthread_mutex_lock(&s->mu);
        if (s->stop) {
            snapshot_free(snap);
            break;
        }
        struct snapshot *old = slot_record(s, snap ? 0 : -1, snap, err, gen);
        wake(s->wake_fd);
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->mu);
        snapshot_free(old);
        pthread_mutex_lock(&s->mu);
        while (!s->stop && !s->kick && idle(s, next))
            ;
    }
    s->in_poll = false;
    s->done = true;
    pthread_cond_broadcast(&s->cond);
    bool last = --s->refs == 0;
    pthread_mutex_unlock(&s->mu);
    if (last)
        slot_free(s);
    return NULL;
}

/* ---- the scaler ---- */

static void scaler_free(struct scaler *sc)
{
    pthread_cond_destroy(&sc->cond);
    pthread_mutex_destroy(&sc->mu);
    free(sc->slots);
    free(sc);
}

static void scaler_unref(struct scaler *sc)
{
    pthread_mutex_lock(&sc->mu);
    bool last = --sc->refs == 0;
    pthread_mutex_unlock(&sc->mu);
    if (last)
        scaler_free(sc);
}

static struct slot *scaler_find(struct scaler *sc, const char *source)
{
    for (size_t i = 0; i < sc->n; i++)
        if (strcmp(sc->slots[i]->src->name, source) == 0)
            return sc->slots[i];
    return NULL;
}

static void scaler_run(struct slot *s, struct scale_outcome *o)
{
    char msg[FT_TEXT_MAX] = "";
    if (s == NULL) {
        text_printf(o->message, sizeof(o->message), "no source named %s", o->req.source);
        o->status = -1;
        return;
    }
    if (s->src->ops->scale == NULL) {
        text_printf(o->message, sizeof(o->message), "%s: this source cannot scale", s->src->name);
        o->status = -1;
        return;
    }
    o->status = s->src->ops->scale(s->src, &o->req, msg, sizeof(msg)) == 0 ? 0 : -1;
    if (msg[0] == '\0')
        text_printf(msg, sizeof(msg),
                    o->status == 0 ? "scaled %s %d -> %d" : "scaling %s %d -> %d failed",
                    o->req.service, o->req.from, o->req.to);
    /* the audit log keeps it: a failing tool quotes its DOCKER_HOST or URL, password and all */
    keep_error(o->message, sizeof(o->message), msg);
}

static void scaler_push(struct scaler *sc, const struct scale_outcome *o)
{
    if (sc->o_len == OUTCOME_QUEUE) { /* nobody reads: keep the newest */
        sc->o_head = (sc->o_head + 1) % OUTCOME_QUEUE;
        sc->o_len--;
    }
    sc->out[(sc->o_head + sc->o_len++) % OUTCOME_QUEUE] = *o;
}

static void *scaler_main(void *arg)
{
    struct scaler *sc = arg;
    pthread_mutex_lock(&sc->mu);
    while (!sc->stop) {
        if (sc->q_len == 0) {
            pthread_cond_wait(&sc->cond, &sc->mu);
            continue;
        }
        struct scale_outcome o;
        memset(&o, 0, sizeof(o));
        o.req = sc->q[sc->q_head];
        unsigned long target = sc->q_target[sc->q_head];
        sc->q_head = (sc->q_head + 1) % SCALE_QUEUE;
        sc->q_len--;
        struct slot *s = scaler_find(sc, o.req.source);
        bool moved = s != NULL && s->target != target;
        if (s && !moved)
            slot_ref(s); /* not stopped yet, so the poller still holds it */
        pthread_mutex_unlock(&sc->mu);

        if (moved) { /* approved for the old context or namespace: not for this one */
            text_printf(o.message, sizeof(o.message),
                        "%s: the target was switched before it was sent; nothing sent",
                        o.req.service);
            o.status = -1;
            s = NULL;
        } else {
            scaler_run(s, &o);
        }
        if (s)
            slot_unref(s);

        pthread_mutex_lock(&sc->mu);
        if (sc->stop)
            break;
        scaler_push(sc, &o);
        wake(sc->wake_fd);
    }
    sc->done = true;
    pthread_cond_broadcast(&sc->cond);
    bool last = --sc->refs == 0;
    pthread_mutex_unlock(&sc->mu);
    if (last)
        scaler_free(sc);
    return NULL;
}

static struct scaler *scaler_new(struct slot **slots, size_t n, int wake_fd)
{
    struct scaler *sc = calloc(1, sizeof(*sc));
    if (sc == NULL)
        return NULL;
    sc->slots = calloc(n ? n : 1, sizeof(*sc->slots));
    if (sc->slots == NULL || sync_init(&sc->mu, &sc->cond) < 0) {
        free(sc->slots);
        free(sc);
        return NULL;
    }
    memcpy(sc->slots, slots, n * sizeof(*slots));
    sc->n = n;
    sc->refs = 1;
    sc->wake_fd = wake_fd;
    return sc;
}

/* ---- the poller ---- */

static int pipe_open(int fds[2])
{
    if (pipe(fds) < 0)
        return -1;
    for (int i = 0; i < 2; i++) {
        int fl = fcntl(fds[i], F_GETFL);
        if (fl < 0 || fcntl(fds[i], F_SETFL, fl | O_NONBLOCK) < 0 ||
            fcntl(fds[i], F_SETFD, FD_CLOEXEC) < 0) {
            close(fds[0]);
            close(fds[1]);
            return -1;
        }
    }
    return 0;
}

struct poller *poller_new(struct source **sources, size_t n)
{
    struct poller *p = calloc(1, sizeof(*p));
    if (p == NULL)
        goto fail;
    p->wake[0] = p->wake[1] = -1;
    p->slots = calloc(n ? n : 1, sizeof(*p->slots));
    if (p->slots == NULL || pipe_open(p->wake) < 0)
        goto fail;
    for (; p->n < n; p->n++) {
        p->slots[p->n] = slot_new(sources[p->n], p->wake[1]);
        if (p->slots[p->n] == NULL)
            goto fail;
        p->slots[p->n]->target = ++p->targets;
    }
    p->scaler = scaler_new(p->slots, n, p->wake[1]);
    if (p->scaler == NULL)
        goto fail;
    return p;
fail:
    /* we own the sources: those already in a slot go with poller_free, the rest here */
    for (size_t i = p ? p->n : 0; i < n; i++)
        source_destroy(sources[i]);
    poller_free(p);
    return NULL;
}

/* Threads that poll must not take the UI's signals (SIGWINCH, SIGINT). */
static int spawn(pthread_t *t, void *(*fn)(void *), void *arg)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(t, NULL, fn, arg);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc == 0 ? 0 : -1;
}

static int slot_start(struct slot *s)
{
    pthread_mutex_lock(&s->mu);
    s->refs++;
    s->has_thread = spawn(&s->thread, slot_main, s) == 0;
    if (!s->has_thread)
        s->refs--;
    bool ok = s->has_thread;
    pthread_mutex_unlock(&s->mu);
    return ok ? 0 : -1;
}

int poller_start(struct poller *p)
{
    if (p->started)
        return 0;
    p->started = true;
    int rc = 0;
    for (size_t i = 0; i < p->n; i++)
        if (slot_start(p->slots[i]) < 0)
            rc = -1;
    struct scaler *sc = p->scaler;
    pthread_mutex_lock(&sc->mu);
    sc->refs++;
    sc->has_thread = spawn(&sc->thread, scaler_main, sc) == 0;
    if (!sc->has_thread) {
        sc->refs--;
        rc = -1;
    }
    pthread_mutex_unlock(&sc->mu);
    return rc;
}

/* Wait (until the shared deadline) for a thread to end; join it if it did, detach it if
 * it is stuck. */
static void finish_thread(pthread_mutex_t *mu, pthread_cond_t *cond, bool has_thread,
                          const bool *done, pthread_t t, double until)
{
    if (!has_thread)
        return;
    pthread_mutex_lock(mu);
    while (!*done && wait_until(cond, mu, until))
        ;
    bool ended = *done;
    pthread_mutex_unlock(mu);
    if (ended)
        pthread_join(t, NULL);
    else
        pthread_detach(t);
}

static void poller_stop(struct poller *p)
{
    struct scaler *sc = p->scaler;
    if (sc) {
        pthread_mutex_lock(&sc->mu);
        sc->stop = true;
        pthread_cond_broadcast(&sc->cond);
        pthread_mutex_unlock(&sc->mu);
    }
    for (size_t i = 0; i < p->n; i++) {
        struct slot *s = p->slots[i];
        pthread_mutex_lock(&s->mu);
        s->stop = true;
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->mu);
    }
}

void poller_free(struct poller *p)
{
    if (p == NULL)
        return;
    poller_stop(p);
    double until = mono_now() + STOP_GRACE_S;
    for (size_t i = 0; i < p->n; i++) {
        struct slot *s = p->slots[i];
        finish_thread(&s->mu, &s->cond, s->has_thread, &s->done, s->thread, until);
    }
    struct scaler *sc = p->scaler;
    if (sc) {
        finish_thread(&sc->mu, &sc->cond, sc->has_thread, &sc->done, sc->thread, until);
        scaler_unref(sc);
    }
    for (size_t i = 0; i < p->n; i++)
        slot_unref(p->slots[i]);
    /* every thread saw stop under its lock, so none writes to the pipe any more */
    if (p->wake[0] >= 0) {
        close(p->wake[0]);
        close(p->wake[1]);
    }
    free(p->slots);
    free(p);
}

/* Stop slot s without waiting for a poll under way longer than the grace: a hung server
 * must not freeze the switch. A thread still in its poll is detached; it lets go of the
 * slot (and its source, connections and snapshot) when the poll returns. */
static void slot_retire(struct slot *s, double grace_s)
{
    pthread_mutex_lock(&s->mu);
    s->stop = true;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->mu);
    finish_thread(&s->mu, &s->cond, s->has_thread, &s->done, s->thread, mono_now() + grace_s);
    slot_unref(s);
}

int poller_replace(struct poller *p, size_t i, struct source *src)
{
    if (i >= p->n) {
        source_destroy(src);
        return -1;
    }
    struct slot *fresh = slot_new(src, p->wake[1]);
    if (fresh == NULL) {
        source_destroy(src);
        return -1;
    }
    struct scaler *sc = p->scaler;
    pthread_mutex_lock(&sc->mu); /* the scaler looks slots up under this lock */
    struct slot *old = p->slots[i];
    fresh->target = ++p->targets;
    p->slots[i] = fresh;
    sc->slots[i] = fresh;
    pthread_mutex_unlock(&sc->mu);
    slot_retire(old, 0.2);
    return p->started ? slot_start(fresh) : 0;
}

void poller_wake(struct poller *p)
{
    wake(p->wake[1]);
}

struct source *poller_source(struct poller *p, size_t i)
{
    return i < p->n ? p->slots[i]->src : NULL;
}

int poller_wake_fd(const struct poller *p)
{
    return p->wake[0];
}

void poller_drain_wake(struct poller *p)
{
    char buf[256];
    while (read(p->wake[0], buf, sizeof(buf)) > 0)
        ;
}

size_t poller_count(const struct poller *p)
{
    return p->n;
}

/* ---- what the UI reads ---- */

void poller_status(struct poller *p, size_t i, double now, struct source_status *out)
{
    memset(out, 0, sizeof(*out));
    if (i >= p->n)
        return;
    struct slot *s = p->slots[i];
    text_sanitize(out->name, sizeof(out->name), s->src->name);
    pthread_mutex_lock(&s->mu);
    out->last_ok = s->last_ok;
    out->last_try = s->in_poll ? s->poll_started : s->last_try;
    out->interval_s = slot_interval(s);
    out->failures = s->failures;
    out->failing_since = s->failures > 0 ? s->failing_since : 0;
    out->timeout_s = s->src->timeout_s > 0 ? s->src->timeout_s : slot_interval(s);
    out->in_poll = s->in_poll;
    out->no_answer_s = s->no_answer_s;
    text_sanitize(out->error, sizeof(out->error), s->error);
    pthread_mutex_unlock(&s->mu);
    world_judge_source(out, now); /* core says what these figures mean */
}

struct snapshot *poller_take(struct poller *p, size_t i)
{
    if (i >= p->n)
        return NULL;
    struct slot *s = p->slots[i];
    pthread_mutex_lock(&s->mu);
    struct snapshot *snap = s->fresh;
    s->fresh = NULL;
    pthread_mutex_unlock(&s->mu);
    return snap;
}

void poller_poll_now(struct poller *p)
{
    for (size_t i = 0; i < p->n; i++) {
        struct slot *s = p->slots[i];
        pthread_mutex_lock(&s->mu);
        s->kick = true;
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->mu);
    }
}

void poller_set_oneshot(struct poller *p)
{
    for (size_t i = 0; i < p->n; i++) {
        struct slot *s = p->slots[i];
        pthread_mutex_lock(&s->mu);
        s->oneshot = true;
        pthread_mutex_unlock(&s->mu);
    }
}

/* Every source polls at once on its own thread; a poll already under way counts. Those
 * that have not answered by the deadline are marked as such, and not waited for. */
void poller_poll_once(struct poller *p, double deadline_s)
{
    unsigned long *want = calloc(p->n ? p->n : 1, sizeof(*want));
    if (want == NULL)
        return;
    poller_start(p);
    for (size_t i = 0; i < p->n; i++) {
        struct slot *s = p->slots[i];
        pthread_mutex_lock(&s->mu);
        want[i] = s->in_poll ? s->gen_started : s->gen_started + 1;
        /* a kick during a poll would start a second one the moment it ends, which the
         * caller neither waits for nor wants (--once read every list twice) */
        if (!s->in_poll)
            s->kick = true;
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->mu);
    }
    double until = mono_now() + deadline_s;
    for (size_t i = 0; i < p->n; i++) {
        struct slot *s = p->slots[i];
        pthread_mutex_lock(&s->mu);
        while (s->has_thread && !s->done && s->gen_done < want[i] &&
               wait_until(&s->cond, &s->mu, until))
            ;
        if (s->gen_done < want[i])
            s->no_answer_s = deadline_s;
        pthread_mutex_unlock(&s->mu);
    }
    free(want);
}

/* ---- scaling ---- */

int poller_submit_scale(struct poller *p, const struct scale_request *req)
{
    struct scaler *sc = p->scaler;
    pthread_mutex_lock(&sc->mu);
    int rc = -1;
    if (!sc->stop && sc->q_len < SCALE_QUEUE) {
        struct slot *s = scaler_find(sc, req->source);
        sc->q_target[(sc->q_head + sc->q_len) % SCALE_QUEUE] = s ? s->target : 0;
        sc->q[(sc->q_head + sc->q_len++) % SCALE_QUEUE] = *req;
        pthread_cond_signal(&sc->cond);
        rc = 0;
    }
    pthread_mutex_unlock(&sc->mu);
    return rc;
}

bool poller_take_outcome(struct poller *p, struct scale_outcome *out)
{
    struct scaler *sc = p->scaler;
    pthread_mutex_lock(&sc->mu);
    bool any = sc->o_len > 0;
    if (any) {
        *out = sc->out[sc->o_head];
        sc->o_head = (sc->o_head + 1) % OUTCOME_QUEUE;
        sc->o_len--;
    }
    pthread_mutex_unlock(&sc->mu);
    return any;
}

bool poller_can_scale(const struct poller *p, const char *source)
{
    for (size_t i = 0; i < p->n; i++) {
        const struct source *src = p->slots[i]->src;
        if (strcmp(src->name, source) == 0)
            return src->ops->scale != NULL;
    }
    return false;
}
