/* test_poller.c - the poller's promises: snapshots arrive and wake the pipe, a failing
 * source goes stale with its error, a hung one never blocks the reader, --once and exit
 * keep their deadlines, and scale requests go through the scaler thread.
 *
 * The fake source below is steered by an atomic mode the test flips. */

#include <criterion/criterion.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "forgetop/config.h"
#include "forgetop/poller.h"
#include "forgetop/source.h"

enum fake_mode { FAKE_OK, FAKE_FAIL, FAKE_HANG };

struct fake {
    atomic_int mode;
    atomic_int polls;
    atomic_int scales;
    atomic_int scale_hang; /* the scale call waits while this is set */
    atomic_int destroyed;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void nap_ms(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int fake_poll(struct source *src, struct snapshot *out, char *err, size_t errlen)
{
    struct fake *f = src->priv;
    atomic_fetch_add(&f->polls, 1);
    /* a hung server: up to 30 s, long past every deadline in these tests */
    for (int i = 0; i < 3000 && atomic_load(&f->mode) == FAKE_HANG; i++)
        nap_ms(10);
    if (atomic_load(&f->mode) == FAKE_FAIL) {
        snprintf(err, errlen, "%s: connection refused", src->name);
        return -1;
    }
    out->taken_at = now_s();
    struct service *svc = snapshot_add_service(out);
    snprintf(svc->name, sizeof(svc->name), "%s-svc", src->name);
    svc->desired = svc->ready = 1;
    return 0;
}

static int fake_scale(struct source *src, const struct scale_request *req, char *msg, size_t len)
{
    struct fake *f = src->priv;
    atomic_fetch_add(&f->scales, 1);
    for (int i = 0; i < 500 && atomic_load(&f->scale_hang); i++)
        nap_ms(10);
    snprintf(msg, len, "scaled %s %d -> %d", req->service, req->from, req->to);
    return 0;
}

static void fake_destroy(struct source *src)
{
    atomic_fetch_add(&((struct fake *)src->priv)->destroyed, 1);
    free(src);
}

static const struct source_ops fake_ops = {"fake", fake_poll, fake_scale, fake_destroy};
static const struct source_ops fake_ro_ops = {"fake", fake_poll, NULL, fake_destroy};

/* The fakes' state outlives the poller: a detached thread may still read it. */
static struct fake fakes[4];

static struct source *fake_new(int i, const char *name, enum fake_mode mode, double interval)
{
    struct source *src = calloc(1, sizeof(*src));
    atomic_store(&fakes[i].mode, mode);
    src->ops = &fake_ops;
    snprintf(src->name, sizeof(src->name), "%s", name);
    src->interval_s = interval;
    src->priv = &fakes[i];
    return src;
}

static bool wait_readable(int fd, int ms)
{
    struct pollfd pfd = {fd, POLLIN, 0};
    return poll(&pfd, 1, ms) == 1 && (pfd.revents & POLLIN);
}

/* Wait until source i reaches a state, up to ms. */
static bool wait_state(struct poller *p, size_t i, enum source_state want, int ms,
                       struct source_status *st)
{
    for (int t = 0; t < ms; t += 10) {
        poller_status(p, i, now_s(), st);
        if (st->state == want)
            return true;
        nap_ms(10);
    }
    return false;
}

static struct snapshot *wait_snapshot(struct poller *p, size_t i, int ms)
{
    for (int t = 0; t < ms; t += 10) {
        struct snapshot *s = poller_take(p, i);
        if (s)
            return s;
        wait_readable(poller_wake_fd(p), 10);
        poller_drain_wake(p);
    }
    return NULL;
}

Test(poller, delivers_snapshots_and_wakes_the_pipe)
{
    struct source *src = fake_new(0, "one", FAKE_OK, 0.05);
    struct poller *p = poller_new(&src, 1);
    cr_assert_not_null(p);
    cr_assert_eq(poller_count(p), 1);
    cr_assert_eq(poller_start(p), 0);
    cr_assert(wait_readable(poller_wake_fd(p), 2000), "the wake pipe becomes readable");
    struct snapshot *s = wait_snapshot(p, 0, 2000);
    cr_assert_not_null(s);
    cr_assert_str_eq(s->services[0].name, "one-svc");
    snapshot_free(s);
    struct source_status st;
    poller_status(p, 0, now_s(), &st);
    cr_assert_eq(st.state, SOURCE_OK);
    cr_assert_str_eq(st.name, "one");
    cr_assert(st.last_ok > 0 && now_s() - st.last_ok < 2);
    s = wait_snapshot(p, 0, 2000);
    cr_assert_not_null(s, "polls keep coming at the interval");
    snapshot_free(s);
    poller_free(p);
}

Test(poller, a_failing_source_goes_stale_with_its_error_and_age)
{
    struct source *src = fake_new(0, "flaky", FAKE_OK, 0.05);
    struct poller *p = poller_new(&src, 1);
    poller_start(p);
    struct snapshot *s = wait_snapshot(p, 0, 2000);
    cr_assert_not_null(s);
    snapshot_free(s);
    atomic_store(&fakes[0].mode, FAKE_FAIL);
    struct source_status st;
    cr_assert(wait_state(p, 0, SOURCE_STALE, 2000, &st), "state %s", source_state_name(st.state));
    cr_assert_str_eq(st.error, "connection refused", "the source's name is not repeated: %s",
                     st.error);
    cr_assert(st.last_ok > 0, "the last good poll is kept");
    cr_assert(st.last_try >= st.last_ok);
    /* a failure brings no snapshot: the caller keeps the last one */
    snapshot_free(poller_take(p, 0));
    nap_ms(120);
    s = poller_take(p, 0);
    cr_assert_null(s, "no snapshot while failing");
    nap_ms(300);
    poller_status(p, 0, now_s(), &st);
    cr_assert(now_s() - st.last_ok >= 0.3, "its age grows: %g", now_s() - st.last_ok);
    cr_assert(wait_state(p, 0, SOURCE_FAILING, 2000, &st), "repeated failure turns failing");
    atomic_store(&fakes[0].mode, FAKE_OK);
    cr_assert(wait_state(p, 0, SOURCE_OK, 2000, &st), "and recovers");
    cr_assert_str_eq(st.error, "");
    poller_free(p);
}

Test(poller, a_source_that_never_answered_well_is_failing)
{
    struct source *src = fake_new(0, "down", FAKE_FAIL, 0.05);
    struct poller *p = poller_new(&src, 1);
    struct source_status st;
    poller_status(p, 0, now_s(), &st);
    cr_assert_eq(st.state, SOURCE_STARTING);
    poller_start(p);
    cr_assert(wait_state(p, 0, SOURCE_FAILING, 2000, &st));
    cr_assert_eq(st.last_ok, 0);
    cr_assert_str_eq(st.error, "connection refused");
    poller_free(p);
}

Test(poller, a_hung_poll_never_blocks_status_or_take)
{
    struct source *src = fake_new(0, "hung", FAKE_OK, 0.1);
    struct poller *p = poller_new(&src, 1);
    poller_start(p);
    snapshot_free(wait_snapshot(p, 0, 2000));
    atomic_store(&fakes[0].mode, FAKE_HANG);
    int polls = atomic_load(&fakes[0].polls);
    while (atomic_load(&fakes[0].polls) == polls)
        nap_ms(5); /* the next poll has started, and hangs */
    double worst = 0;
    for (int i = 0; i < 200; i++) {
        struct source_status st;
        double t = mono_s();
        poller_status(p, 0, now_s(), &st);
        snapshot_free(poller_take(p, 0));
        double took = mono_s() - t;
        worst = took > worst ? took : worst;
        nap_ms(1);
    }
    cr_assert(worst < 0.050, "status and take took %.3f s at worst", worst);
    struct source_status st;
    cr_assert(wait_state(p, 0, SOURCE_STALE, 3000, &st), "a hung poll ages into stale");
    cr_assert(strstr(st.error, "no answer for"), "%s", st.error);
    poller_free(p);
}

Test(poller, a_hung_poll_is_stale_at_its_first_missed_deadline)
{
    /* a 2 s interval and a 0.3 s timeout: stale 0.3 s into the hang, not after 5 s */
    struct source *src = fake_new(0, "hung", FAKE_OK, 2);
    src->timeout_s = 0.3;
    struct poller *p = poller_new(&src, 1);
    poller_start(p);
    snapshot_free(wait_snapshot(p, 0, 2000));
    atomic_store(&fakes[0].mode, FAKE_HANG);
    int polls = atomic_load(&fakes[0].polls);
    poller_poll_now(p);
    while (atomic_load(&fakes[0].polls) == polls)
        nap_ms(5);
    double t = mono_s();
    struct source_status st;
    cr_assert(wait_state(p, 0, SOURCE_STALE, 3000, &st), "state %s", source_state_name(st.state));
    double took = mono_s() - t;
    cr_assert(took >= 0.25 && took < 1.5, "stale after %.2f s of a hang with a 0.3 s timeout",
              took);
    cr_assert(strstr(st.error, "no answer for"), "%s", st.error);
    cr_assert(st.in_poll && st.timeout_s == 0.3);
    atomic_store(&fakes[0].mode, FAKE_OK);
    cr_assert(wait_state(p, 0, SOURCE_OK, 3000, &st), "it answers again");
    poller_free(p);
}

Test(poller, poll_once_returns_by_its_deadline_when_a_source_hangs)
{
    struct source *srcs[2] = {fake_new(0, "good", FAKE_OK, 5), fake_new(1, "hung", FAKE_HANG, 5)};
    struct poller *p = poller_new(srcs, 2);
    double t = mono_s();
    poller_poll_once(p, 0.5);
    double took = mono_s() - t;
    cr_assert(took >= 0.45 && took < 0.9, "poll_once took %.3f s", took);
    struct source_status st;
    poller_status(p, 0, now_s(), &st);
    cr_assert_eq(st.state, SOURCE_OK);
    struct snapshot *s = poller_take(p, 0);
    cr_assert_not_null(s, "the good source answered");
    snapshot_free(s);
    poller_status(p, 1, now_s(), &st);
    cr_assert_eq(st.state, SOURCE_FAILING);
    cr_assert_str_eq(st.error, "no answer within 0.5 s");
    cr_assert_null(poller_take(p, 1));
    t = mono_s();
    poller_free(p);
    cr_assert(mono_s() - t < 2.0, "exit does not wait for the hung poll");
}

Test(poller, poll_once_waits_for_every_answer_and_no_longer)
{
    struct source *srcs[2] = {fake_new(0, "a", FAKE_OK, 5), fake_new(1, "b", FAKE_FAIL, 5)};
    struct poller *p = poller_new(srcs, 2);
    double t = mono_s();
    poller_poll_once(p, 5);
    cr_assert(mono_s() - t < 1.0, "both answered at once");
    struct source_status st;
    poller_status(p, 1, now_s(), &st);
    cr_assert_eq(st.state, SOURCE_FAILING);
    cr_assert_str_eq(st.error, "connection refused");
    snapshot_free(poller_take(p, 0));
    poller_free(p);
}

Test(poller, poll_now_does_not_wait_out_the_interval)
{
    struct source *src = fake_new(0, "slowpoke", FAKE_OK, 60);
    struct poller *p = poller_new(&src, 1);
    poller_start(p);
    snapshot_free(wait_snapshot(p, 0, 2000));
    poller_poll_now(p);
    struct snapshot *s = wait_snapshot(p, 0, 1000);
    cr_assert_not_null(s, "a second poll well before the 60 s interval");
    snapshot_free(s);
    poller_free(p);
}

static struct scale_outcome wait_outcome(struct poller *p)
{
    struct scale_outcome o;
    for (int t = 0; t < 2000; t += 10) {
        if (poller_take_outcome(p, &o))
            return o;
        wait_readable(poller_wake_fd(p), 10);
        poller_drain_wake(p);
    }
    cr_assert_fail("no scale outcome within 2 s");
    return o;
}

static struct scale_request request(const char *source, const char *service, int from, int to)
{
    struct scale_request r;
    memset(&r, 0, sizeof(r));
    snprintf(r.source, sizeof(r.source), "%s", source);
    snprintf(r.service, sizeof(r.service), "%s", service);
    r.from = from;
    r.to = to;
    return r;
}

Test(poller, scale_requests_go_through_the_scaler_thread)
{
    struct source *srcs[2] = {fake_new(0, "kube", FAKE_OK, 5), fake_new(1, "ro", FAKE_OK, 5)};
    srcs[1]->ops = &fake_ro_ops;
    struct poller *p = poller_new(srcs, 2);
    cr_assert(poller_can_scale(p, "kube"));
    cr_assert(!poller_can_scale(p, "ro"));
    cr_assert(!poller_can_scale(p, "nowhere"));
    poller_start(p);

    struct scale_request r = request("kube", "api", 5, 7);
    cr_assert_eq(poller_submit_scale(p, &r), 0);
    struct scale_outcome o = wait_outcome(p);
    cr_assert_eq(o.status, 0);
    cr_assert_str_eq(o.message, "scaled api 5 -> 7");
    cr_assert_str_eq(o.req.service, "api");
    cr_assert_eq(atomic_load(&fakes[0].scales), 1);

    r = request("nowhere", "api", 5, 7);
    poller_submit_scale(p, &r);
    o = wait_outcome(p);
    cr_assert_eq(o.status, -1);
    cr_assert_str_eq(o.message, "no source named nowhere");

    r = request("ro", "api", 1, 2);
    poller_submit_scale(p, &r);
    o = wait_outcome(p);
    cr_assert_eq(o.status, -1);
    cr_assert(strstr(o.message, "cannot scale"), "%s", o.message);
    poller_free(p);
}

Test(poller, scaling_works_while_a_poll_of_the_same_source_hangs)
{
    struct source *src = fake_new(0, "kube", FAKE_HANG, 5);
    struct poller *p = poller_new(&src, 1);
    poller_start(p);
    struct scale_request r = request("kube", "agent-worker", 10, 20);
    poller_submit_scale(p, &r);
    struct scale_outcome o = wait_outcome(p);
    cr_assert_eq(o.status, 0, "%s", o.message);
    poller_free(p);
}

Test(poller, free_with_a_hung_source_returns_within_two_seconds)
{
    struct source *srcs[2] = {fake_new(0, "hung", FAKE_HANG, 0.1),
                              fake_new(1, "fine", FAKE_OK, 0.1)};
    struct poller *p = poller_new(srcs, 2);
    poller_start(p);
    nap_ms(100);
    double t = mono_s();
    poller_free(p);
    double took = mono_s() - t;
    cr_assert(took < 2.0, "poller_free took %.3f s", took);
    cr_assert(took >= 0.9, "it gave the hung thread its grace: %.3f s", took);
}

Test(poller, free_of_idle_threads_is_prompt)
{
    struct source *src = fake_new(0, "idle", FAKE_OK, 60);
    struct poller *p = poller_new(&src, 1);
    poller_start(p);
    snapshot_free(wait_snapshot(p, 0, 2000));
    double t = mono_s();
    poller_free(p);
    cr_assert(mono_s() - t < 0.2, "sleeping threads wake on stop");
}

/* ---- the test source forgetop's own suites use ---- */

static struct source *testsrc(void)
{
    struct config c;
    memset(&c, 0, sizeof(c));
    char err[256];
    struct source *src = testsrc_source_new(&c, err, sizeof(err));
    cr_assert_not_null(src, "%s", err);
    return src;
}

Test(poller, testsrc_follows_its_environment)
{
    struct source *src = testsrc();
    char err[256] = "";
    unsetenv("FORGETOP_TEST_SOURCE_FILE");
    setenv("FORGETOP_TEST_SOURCE", "fail", 1);
    struct snapshot *s = snapshot_new();
    cr_assert_eq(src->ops->poll(src, s, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "testsrc: refused on purpose");
    setenv("FORGETOP_TEST_SOURCE", "ok", 1);
    cr_assert_eq(src->ops->poll(src, s, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(s->n_services, 1);
    cr_assert_str_eq(s->services[0].name, "probe");
    cr_assert_eq(s->n_readings, 1);
    snapshot_free(s);
    setenv("FORGETOP_TEST_SOURCE", "slow 0.2", 1);
    s = snapshot_new();
    double t = mono_s();
    cr_assert_eq(src->ops->poll(src, s, err, sizeof(err)), 0);
    cr_assert(mono_s() - t >= 0.19, "slow 0.2 takes 0.2 s");
    snapshot_free(s);
    source_destroy(src);
}

Test(poller, testsrc_read_from_a_file_can_be_flipped_while_it_hangs)
{
    char path[] = "/tmp/forgetop-testsrc-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, "hang\n", 5), 5);
    close(fd);
    setenv("FORGETOP_TEST_SOURCE_FILE", path, 1);
    struct source *src = testsrc();
    struct poller *p = poller_new(&src, 1);
    poller_poll_once(p, 0.3);
    struct source_status st;
    poller_status(p, 0, now_s(), &st);
    cr_assert_eq(st.state, SOURCE_FAILING);
    cr_assert_str_eq(st.error, "no answer within 0.3 s");
    FILE *f = fopen(path, "w");
    fputs("ok\n", f);
    fclose(f);
    struct snapshot *s = wait_snapshot(p, 0, 2000);
    cr_assert_not_null(s, "the hang ends once the file says ok");
    snapshot_free(s);
    cr_assert(wait_state(p, 0, SOURCE_OK, 2000, &st));
    poller_free(p);
    unlink(path);
}

/* ---- a switch of target (:ctx, :ns): poller_replace ---- */

Test(poller, replace_stops_the_old_source_and_polls_the_new_one)
{
    memset(fakes, 0, sizeof fakes);
    struct source *src = fake_new(0, "kube", FAKE_OK, 0.05);
    struct poller *p = poller_new(&src, 1);
    poller_start(p);
    snapshot_free(wait_snapshot(p, 0, 2000));
    struct source *next = fake_new(1, "kube", FAKE_OK, 0.05);
    cr_assert_eq(poller_replace(p, 0, next), 0);
    cr_expect_eq(atomic_load(&fakes[0].destroyed), 1, "the old source is freed at once");
    cr_expect(poller_source(p, 0) == next);
    int before = atomic_load(&fakes[0].polls);
    struct snapshot *s = wait_snapshot(p, 0, 2000);
    cr_assert_not_null(s, "the new source delivers");
    cr_expect_gt(atomic_load(&fakes[1].polls), 0);
    nap_ms(200);
    cr_expect_eq(atomic_load(&fakes[0].polls), before, "the old one polls no more");
    snapshot_free(s);
    poller_free(p);
}

Test(poller, replace_does_not_wait_for_a_hung_poll)
{
    memset(fakes, 0, sizeof fakes);
    struct source *src = fake_new(0, "kube", FAKE_HANG, 5);
    struct poller *p = poller_new(&src, 1);
    poller_start(p);
    nap_ms(100);
    double t0 = mono_s();
    cr_assert_eq(poller_replace(p, 0, fake_new(1, "kube", FAKE_OK, 0.05)), 0);
    cr_expect_lt(mono_s() - t0, 1.0, "replace took %.2f s", mono_s() - t0);
    struct snapshot *s = wait_snapshot(p, 0, 2000);
    cr_expect_not_null(s, "the new source delivers while the old one hangs");
    snapshot_free(s);
    atomic_store(&fakes[0].mode, FAKE_OK); /* let the detached thread go and free its source */
    poller_free(p);
    for (int t = 0; t < 300 && atomic_load(&fakes[0].destroyed) == 0; t++)
        nap_ms(10);
    cr_expect_eq(atomic_load(&fakes[0].destroyed), 1, "the hung source is freed once it returns");
}

Test(poller, a_request_approved_for_the_old_target_is_not_sent_to_the_new)
{
    memset(fakes, 0, sizeof fakes);
    struct source *src = fake_new(0, "kube", FAKE_OK, 5);
    struct poller *p = poller_new(&src, 1);
    poller_start(p);
    atomic_store(&fakes[0].scale_hang, 1);
    struct scale_request r1 = request("kube", "api", 5, 6), r2 = request("kube", "api", 6, 7);
    cr_assert_eq(poller_submit_scale(p, &r1), 0);
    for (int t = 0; t < 200 && atomic_load(&fakes[0].scales) == 0; t++)
        nap_ms(10); /* r1 is in the old source's scale call */
    cr_assert_eq(poller_submit_scale(p, &r2), 0);
    cr_assert_eq(poller_replace(p, 0, fake_new(1, "kube", FAKE_OK, 5)), 0);
    atomic_store(&fakes[0].scale_hang, 0);
    struct scale_outcome a = wait_outcome(p), b = wait_outcome(p);
    cr_expect_eq(a.status, 0, "the call already under way finishes: %s", a.message);
    cr_expect_eq(b.status, -1);
    cr_expect(strstr(b.message, "switched") != NULL, "%s", b.message);
    cr_expect_eq(atomic_load(&fakes[1].scales), 0, "nothing reached the new target");
    poller_free(p);
}
