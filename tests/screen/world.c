/* world.c - the overview rendered through the world, not a hand-built view: the demo
 * source polled on a fixed clock, its snapshots applied and evaluated as the program
 * does, then the source stops answering. Every panel figure must turn stale with its
 * age, and nothing the demo never measured may read as a number. Then the demo's
 * agent-worker as KEDA's (keda_demo). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "forgetop/actuator.h"
#include "forgetop/demo.h"
#include "forgetop/source.h"
#include "forgetop/tui.h"
#include "forgetop/world.h"

#define T0 1767258000.0 /* the demo's own start: 2026-01-01 09:00:00 UTC */

static double clock_now = T0;
static double fixed_clock(void)
{
    return clock_now;
}

static int no_submit(void *ctx, const struct scale_request *req)
{
    (void)ctx;
    (void)req;
    return 0;
}

/* One poll at time t, applied and evaluated, the source reported ok. */
static int poll_at(struct world *w, struct source *src, size_t i, double t)
{
    char err[256] = "";
    struct snapshot *s = snapshot_new();
    clock_now = t;
    if (src->ops->poll(src, s, err, sizeof err) < 0) {
        printf("# demo poll: %s\n", err);
        snapshot_free(s);
        return -1;
    }
    struct source_status st = {.state = SOURCE_OK, .last_ok = t, .last_try = t};
    snprintf(st.name, sizeof st.name, "%s", src->name);
    world_set_status(w, i, &st);
    world_apply(w, i, s, t);
    world_evaluate(w, t);
    return 0;
}

static size_t count_stale(const struct world *w, const char *panel, double age)
{
    size_t n = 0;
    for (size_t i = 0; i < w->n_facts; i++)
        if (strcmp(w->facts[i].f.panel, panel) == 0 && w->facts[i].stale && w->facts[i].age == age)
            n++;
    return n;
}

static size_t count_panel(const struct world *w, const char *panel)
{
    size_t n = 0;
    for (size_t i = 0; i < w->n_facts; i++)
        n += strcmp(w->facts[i].f.panel, panel) == 0;
    return n;
}

static void keys(struct tui *t, const char *k)
{
    for (; *k; k++)
        tui_key(t, *k);
    tui_draw(t);
}

static size_t count_of(const char *text, const char *s)
{
    size_t n = 0;
    for (const char *p = text; p && (p = strstr(p, s)) != NULL; p++)
        n++;
    return n;
}

/* H and U with marks: the marked services, one dialog listing each, one audit line each. */
static void hold_marked(struct tui *t, const char *audit)
{
    struct service_view *api = (struct service_view *)world_service(t->world, NULL, "api");
    if (api == NULL) {
        tap(0, "the demo has an api");
        return;
    }
    /* what a poll of an HPA-scaled api shows: two services, two kinds of hold */
    struct autoscaler *as = &api->svc.autoscaler;
    as->present = true;
    strcpy(as->kind, "HPA");
    strcpy(as->name, "api");
    as->min = 3, as->max = 20;
    char *log = hx_read_file(audit);
    size_t holds = count_of(log, "\"action\":\"hold\"");
    free(log);
    keys(t, "g  "); /* agent-worker (KEDA), then api (HPA) */
    tap(t->n_marks == 2, "Space marks agent-worker and api");
    keys(t, "H");
    tap(hx_has(stdscr, "Hold 2 services at: same count for all"),
        "H with two marks asks one count for both");
    keys(t, "12\n");
    tap(hx_has(stdscr, "Hold 2 services at 12?") &&
            hx_has(stdscr, "agent-worker: ScaledObject agent-worker-scaler: annotation "
                           "autoscaling.keda.sh/paused-replicas: \"12\"") &&
            hx_has(stdscr, "/api: HPA api") && hx_has(stdscr, "minReplicas 3 -> 12"),
        "one confirmation lists both: KEDA's annotation and the HPA's minimum");
    hx_golden(stdscr, "confirm-hold-marked", "H on two marked services: one dialog, both writes");
    keys(t, "y");
    log = hx_read_file(audit);
    tap(log != NULL && count_of(log, "\"action\":\"hold\"") == holds + 2 &&
            count_of(log, "\"to\":12") == 2 &&
            count_of(log, "\"object\":\"scaledobject/agent-worker-scaler\"") >= 2 &&
            count_of(log, "\"object\":\"horizontalpodautoscaler/api\"") == 1,
        "y: one audit line per marked service (%zu hold lines more)",
        log ? count_of(log, "\"action\":\"hold\"") - holds : 0);
    free(log);
    tap(t->n_marks == 0, "the change sent, the marks are cleared as after +");
    tap(hx_has(stdscr, " of 2 held"), "the status line counts the holds, not scalings");
    keys(t, "g  U");
    tap(hx_has(stdscr, "Resume agent-worker?") &&
            hx_has(stdscr, "remove annotation autoscaling.keda.sh/paused-replicas"),
        "U with two marks: one confirmation, resuming the paused ScaledObject");
    tap(hx_has(stdscr, "left out  api: no hold of api in the audit log to restore"),
        "...and it says why the marked api is left out (its hold was never applied)");
    keys(t, "n");
}

static struct service_view *worker(struct world *w)
{
    for (size_t i = 0; i < w->n_services; i++)
        if (strcmp(w->services[i].svc.autoscaler.kind, "KEDA") == 0)
            return &w->services[i];
    return NULL;
}

/* The demo's agent-worker as the runbook scales it: KEDA's agent-worker-scaler owns the
 * count, its arithmetic is in the object's own words, the dialogs say KEDA owns the count,
 * H asks for the paused-replicas annotation and a paused object shows its badge. */
static void keda_demo(void)
{
    static struct config cfg;
    static struct world w;
    struct actuator act;
    struct tui t;
    char err[256] = "", dir[] = "/tmp/forgetop-screen-keda.XXXXXX", audit[128];
    if (!mkdtemp(dir)) {
        tap(0, "a scratch folder for the KEDA screens");
        return;
    }
    snprintf(audit, sizeof audit, "%s/audit.log", dir);
    config_defaults(&cfg);
    cfg.demo = true;
    cfg.seed = 1;
    cfg.demo_speed = 1;
    struct source *src = demo_source_new(&cfg, err, sizeof err);
    if (src == NULL) {
        tap(0, "the demo source for the KEDA screens: %s", err);
        return;
    }
    demo_set_clock(src, fixed_clock);
    world_init(&w, &cfg);
    size_t i = world_add_source(&w, src->name);
    int bad = 0;
    for (int k = 0; k < 3; k++)
        bad |= poll_at(&w, src, i, T0 + 2.0 * k) < 0;
    tap(!bad, "KEDA: three demo polls on the fixed clock reach the world");
    struct service_view *sv = worker(&w);
    tap(sv != NULL && strcmp(sv->svc.name, "agent-worker") == 0 &&
            strcmp(sv->svc.autoscaler.name, "agent-worker-scaler") == 0,
        "the demo's agent-worker is owned by KEDA's agent-worker-scaler");
    tap(sv != NULL && strstr(sv->rec.reason, "/ listLength 10)") != NULL &&
            strstr(sv->rec.reason, "within 1..100") != NULL,
        "its recommendation is KEDA's arithmetic with listLength 10 and 1..100: %s",
        sv ? sv->rec.reason : "");

    actuator_init(&act, false, audit, no_submit, NULL);
    hx_start("xterm-256color", 48, 160, 1);
    tui_init(&t, &w, &act, NULL, &cfg, stdscr);
    t.now = T0 + 4;
    tui_draw(&t);
    tap(hx_has(stdscr, "agent-worker-") && hx_has(stdscr, "autoscaler KEDA"),
        "the overview names KEDA's object, its kind in the caption (the only one)");
    hx_golden(stdscr, "overview-keda-demo", "the demo's agent-worker, KEDA-scaled");
    keys(&t, "\n");
    tap(hx_has(stdscr, "redis agent:tasks:pending listLength 10") &&
            hx_has(stdscr, "HPA keda-hpa-agent-worker-scaler (KEDA's)"),
        "the detail shows the trigger and the generated HPA as KEDA's");
    hx_golden(stdscr, "detail-keda-demo", "the detail of a KEDA-scaled service");
    keys(&t, "+");
    tap(hx_has(stdscr, "KEDA owns the count") && hx_has(stdscr, "minReplicaCount 1 -> 11"),
        "the + dialog says KEDA owns the count and m sets minReplicaCount");
    keys(&t, "x");
    keys(&t, "H");
    tap(hx_has(stdscr, "Hold agent-worker at"), "H asks for the count to hold at");
    keys(&t, "\n");
    tap(hx_has(stdscr, "autoscaling.keda.sh/paused-replicas: \"10\"") &&
            hx_has(stdscr, "KEDA owns the count"),
        "the hold dialog names the annotation and says KEDA owns the count");
    hx_golden(stdscr, "confirm-keda-hold", "hold a KEDA target at its count");
    keys(&t, "y");
    char *log = hx_read_file(audit);
    tap(log != NULL && strstr(log, "\"object\":\"scaledobject/agent-worker-scaler\"") != NULL &&
            strstr(log, "\"action\":\"hold\"") != NULL && strstr(log, "\"to\":10") != NULL,
        "y hands the hold to the actuator, audited against the ScaledObject");
    free(log);

    /* what the next poll of a paused object shows */
    sv->svc.autoscaler.keda->held = true; /* the demo snapshot's own ScaledObject */
    sv->svc.autoscaler.keda->paused_at = 3;
    keys(&t, "h");
    tap(hx_has(stdscr, "PAUSED at 3"), "a paused object's row says so, first");
    keys(&t, "U");
    tap(hx_has(stdscr, "Resume agent-worker?") &&
            hx_has(stdscr, "remove annotation autoscaling.keda.sh/paused-replicas (paused at 3)"),
        "U offers to remove the annotation");
    keys(&t, "n");
    log = hx_read_file(audit);
    tap(log != NULL && strstr(log, "\"action\":\"resume\"") != NULL &&
            strstr(log, "\"declined\"") != NULL,
        "a resume declined is audited as one");
    free(log);
    hold_marked(&t, audit);
    tui_free(&t);
    hx_stop();
    world_free(&w);
    source_destroy(src);
    unlink(audit);
    rmdir(dir);
}

int main(void)
{
    static struct config cfg;
    static struct world w;
    struct actuator act;
    struct tui t;
    char err[256] = "", dir[] = "/tmp/forgetop-screen-world.XXXXXX", audit[128];
    if (!mkdtemp(dir))
        return 1;
    snprintf(audit, sizeof audit, "%s/audit.log", dir);
    config_defaults(&cfg);
    cfg.demo = true;
    cfg.seed = 1;
    cfg.demo_speed = 1;
    struct source *src = demo_source_new(&cfg, err, sizeof err);
    if (src == NULL) {
        printf("Bail out! demo: %s\n", err);
        return 1;
    }
    demo_set_clock(src, fixed_clock);
    world_init(&w, &cfg);
    size_t i = world_add_source(&w, src->name);
    int bad = 0;
    for (int k = 0; k < 3; k++)
        bad |= poll_at(&w, src, i, T0 + 2.0 * k) < 0;
    tap(!bad, "three demo polls on the fixed clock reach the world");
    tap(count_panel(&w, "queue") > 0 && count_stale(&w, "queue", 0) == 0,
        "while the demo answers its queue figures are fresh");

    /* the source stops answering: the poller reports it failing, 40 s after its last poll */
    struct source_status st = w.sources[i];
    st.state = SOURCE_FAILING;
    st.last_try = T0 + 44;
    snprintf(st.error, sizeof st.error, "demo: stopped for the test");
    world_set_status(&w, i, &st);
    world_evaluate(&w, T0 + 44);
    tap(count_stale(&w, "queue", 40) == count_panel(&w, "queue") &&
            count_stale(&w, "database", 40) == count_panel(&w, "database") &&
            count_stale(&w, "redis", 40) == count_panel(&w, "redis"),
        "every queue, database and redis figure is stale, 40 s old");

    actuator_init(&act, false, audit, no_submit, NULL);
    hx_start("xterm-256color", 24, 80, 1);
    tui_init(&t, &w, &act, NULL, &cfg, stdscr);
    t.now = T0 + 44;
    tui_draw(&t);
    tap(hx_has(stdscr, "QUEUE ~ stale 40s") && hx_has(stdscr, "DATABASE ~ stale 40s"),
        "the panels say stale with the age, drawn from the world's views");
    tap(!hx_has(stdscr, "never ok"), "a source that was ok is not drawn as never seen");
    hx_golden(stdscr, "overview-world-stale", "the demo through the world, its source failing");
    tui_free(&t);
    hx_stop();
    world_free(&w);
    source_destroy(src);
    unlink(audit);
    rmdir(dir);
    keda_demo();
    printf("1..%d\n", tap_n);
    return tap_failed;
}
