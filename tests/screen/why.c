/* why.c - the detail of a service that is not ready: its reason with the message, its
 * conditions, ReplicaSets, newest events and each pod's reason, at 80x24 (cut visibly)
 * and 160x48, against golden files. */

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "fixture.h"
#include "forgetop/why.h"

static int no_submit(void *ctx, const struct scale_request *req)
{
    (void)ctx, (void)req;
    return -1;
}

static struct condition conds[3];
static struct replicaset rsets[2];
static struct event evs[5];

static void cond(struct condition *c, const char *type, const char *st, const char *reason,
                 const char *msg)
{
    snprintf(c->type, sizeof c->type, "%s", type);
    snprintf(c->status, sizeof c->status, "%s", st);
    snprintf(c->reason, sizeof c->reason, "%s", reason);
    c->message = msg[0] ? (char *)msg : NULL; /* literals: a view of no snapshot frees none */
}

static void ev(struct event *e, const char *obj, const char *reason, const char *msg, int count,
               double age)
{
    snprintf(e->type, sizeof e->type, "Warning");
    snprintf(e->object, sizeof e->object, "%s", obj);
    snprintf(e->reason, sizeof e->reason, "%s", reason);
    snprintf(e->message, sizeof e->message, "%s", msg);
    e->count = count;
    e->last_at = FIX_NOW - age;
}

/* api rolling out a new image that does not pull: 3 of 5 ready, one pod in
 * ImagePullBackOff, one in a crash loop after an OOMKilled. */
static void break_api(struct service_view *v)
{
    struct service *s = &v->svc;
    s->ready = s->available = 3;
    s->updated = 2;
    static char stuck[] = "rollout stuck: ProgressDeadlineExceeded"; /* the view's own */
    s->status = stuck;
    for (int i = 0; i < 3; i += 2) {
        struct pod *p = &s->pods[i];
        p->ready = false;
        snprintf(p->phase, sizeof p->phase, i == 2 ? "Running" : "Pending");
        p->cpu_cores = p->mem_bytes = NAN;
    }
    snprintf(s->pods[0].reason, sizeof s->pods[0].reason, "ImagePullBackOff");
    static char pulling[] = "Back-off pulling image \"ghcr.io/18bravo/open-forge-api:2.0\"";
    s->pods[0].message = pulling; /* the fixture's static pods: nothing frees them */
    snprintf(s->pods[2].reason, sizeof s->pods[2].reason, "CrashLoopBackOff");
    snprintf(s->pods[2].last_reason, sizeof s->pods[2].last_reason, "OOMKilled");
    s->pods[2].exit_code = 137;
    cond(&conds[0], "Available", "False", "MinimumReplicasUnavailable",
         "Deployment does not have minimum availability.");
    cond(&conds[1], "Progressing", "False", "ProgressDeadlineExceeded",
         "ReplicaSet \"api-7d9f8c6b5\" has timed out progressing.");
    cond(&conds[2], "ReplicaFailure", "False", "", "");
    s->conditions = conds;
    s->n_conditions = 3;
    rsets[0] = (struct replicaset){"api-7d9f8c6b5", 5, 3, 2, FIX_NOW - 600};
    rsets[1] = (struct replicaset){"api-5c8d7b9f4", 0, 0, 1, FIX_NOW - 86400};
    s->rsets = rsets;
    s->n_rsets = 2;
    ev(&evs[0], "Pod/api-7d9f8c6b5-ak4x0", "Failed",
       "Error: ImagePullBackOff: Back-off pulling image \"ghcr.io/18bravo/open-forge-api:2.0\"", 14,
       20);
    ev(&evs[1], "Pod/api-7d9f8c6b5-dn4x3", "FailedScheduling",
       "0/3 nodes are available: 3 Insufficient cpu.", 6, 45);
    ev(&evs[2], "Pod/api-7d9f8c6b5-cm4x2", "BackOff", "Back-off restarting failed container", 9,
       70);
    ev(&evs[3], "Pod/api-7d9f8c6b5-ak4x0", "Failed", "Failed to pull image: manifest unknown", 3,
       300);
    ev(&evs[4], "Deployment/api", "ProgressDeadlineExceeded", "rollout timed out", 1, 900);
    s->events = evs;
    s->n_events = 5;
    why_fill(s);
}

int main(void)
{
    static char audit_dir[] = "/tmp/forgetop-screen-why.XXXXXX";
    char audit[160];
    struct config cfg;
    struct world w;
    struct actuator act;
    struct tui t;
    if (!mkdtemp(audit_dir))
        return 1;
    snprintf(audit, sizeof audit, "%s/audit.log", audit_dir);
    int sizes[2][2] = {{24, 80}, {48, 160}};
    const char *golden[2] = {"detail-why-80x24", "detail-why-160x48"};
    for (int k = 0; k < 2; k++) {
        fixture_build(&w, &cfg);
        break_api(&w.services[1]);
        actuator_init(&act, false, audit, no_submit, NULL);
        hx_start("xterm-256color", sizes[k][0], sizes[k][1], 1);
        tui_init(&t, &w, &act, NULL, &cfg, stdscr);
        t.now = FIX_NOW;
        tui_key(&t, 'j');
        tui_key(&t, '\n');
        t.now = FIX_NOW;
        tui_draw(&t);
        hx_golden(stdscr, golden[k], "detail of api stuck on an image that does not pull");
        tap(hx_has(stdscr, "ImagePullBackOff on 1 of 5 pods: Back-off pulling image"),
            "%dx%d: the reason names how many pods it holds and its message", sizes[k][1],
            sizes[k][0]);
        tap(hx_has(stdscr, "Progressing=False ProgressDeadlineExceeded"),
            "%dx%d: the conditions are listed", sizes[k][1], sizes[k][0]);
        tap(hx_has(stdscr, "rev 2 api-7d9f8c6b5 3/5"), "%dx%d: the ReplicaSets with revisions",
            sizes[k][1], sizes[k][0]);
        tap(hx_has(stdscr, "FailedScheduling") && hx_has(stdscr, "events"),
            "%dx%d: the newest events, and how many of them are shown", sizes[k][1], sizes[k][0]);
        tap(hx_has(stdscr, k == 0 ? "newest 2 of 5 events" : "newest 5 of 5 events"),
            "%dx%d: the events cut to the room are said to be cut", sizes[k][1], sizes[k][0]);
        if (k == 1)
            tap(hx_has(stdscr, "CrashLoopBackOff (last OOMKilled 137)"),
                "160x48: each pod's reason, a crash loop with its last termination");
        tui_free(&t);
        hx_stop();
        fixture_free(&w);
    }
    /* an Unschedulable pod outranks the image: it is what to fix first */
    fixture_build(&w, &cfg);
    break_api(&w.services[1]);
    struct pod *p = &w.services[1].svc.pods[3];
    p->ready = false;
    snprintf(p->reason, sizeof p->reason, "Unschedulable");
    w.services[1].svc.reason[0] = '\0';
    why_fill(&w.services[1].svc);
    tap(strcmp(w.services[1].svc.reason, "Unschedulable") == 0,
        "the service's reason is its most important one: %s", w.services[1].svc.reason);
    fixture_free(&w);
    unlink(audit);
    rmdir(audit_dir);
    printf("1..%d\n", tap_n);
    return tap_failed;
}
