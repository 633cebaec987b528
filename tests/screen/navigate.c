/* navigate.c - the command line (`:`) and the context and namespace pickers at 80x24:
 * what is typed shows at the bottom, Tab completes, Enter switches through the nav ops
 * (a fake here; tests/integration/envtest-nav.sh drives the real one), the switched
 * source's rows leave at once, a namespace that cannot be listed is typed, and in a
 * replay `:` is still the go-to-time field. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "harness.h"

struct fake {
    int switches;
    char context[FT_NAME_MAX], ns[FT_NAME_MAX];
    bool all;
    int list_rc; /* what the namespace listing answers: 1 names, -1 refused */
    int starts;
};

static int fake_switch(void *ctx, const char *context, const char *ns, bool all, char *err,
                       size_t errlen)
{
    struct fake *f = ctx;
    if (context != NULL && strcmp(context, "missing") == 0) {
        snprintf(err, errlen, "context \"missing\" not found in /k/config");
        return -1;
    }
    f->switches++;
    snprintf(f->context, sizeof f->context, "%s", context ? context : "");
    snprintf(f->ns, sizeof f->ns, "%s", ns ? ns : "");
    f->all = all;
    return 0; /* the fixture's services are all source 0's */
}

static int fake_contexts(void *ctx, struct cmdline_names *out, char *err, size_t errlen)
{
    (void)ctx, (void)err, (void)errlen;
    cmdline_names_add(out, "demo");
    cmdline_names_add(out, "prod-eu-1");
    cmdline_names_add(out, "staging");
    return 0;
}

static void fake_start(void *ctx)
{
    ((struct fake *)ctx)->starts++;
}

static int fake_take(void *ctx, struct cmdline_names *out, char *err, size_t errlen)
{
    struct fake *f = ctx;
    if (f->list_rc < 0) {
        snprintf(err, errlen, "namespaces: HTTP 403");
        return -1;
    }
    cmdline_names_add(out, "open-forge");
    cmdline_names_add(out, "team-a");
    cmdline_names_add(out, "team-b");
    return 1;
}

static void type(struct tui *t, const char *s)
{
    for (; *s; s++)
        tui_key(t, (unsigned char)*s);
}

static void command_line(void)
{
    struct config cfg;
    struct world w;
    struct tui t;
    struct fake f = {.list_rc = 1};
    struct tui_nav_ops ops = {fake_switch, fake_contexts, fake_start, fake_take, &f};
    fixture_build(&w, &cfg);
    hx_start("xterm-256color", 24, 80, 1);
    tui_init(&t, &w, NULL, NULL, &cfg, stdscr);
    t.nav.ops = &ops;
    t.now = FIX_NOW;
    tui_key(&t, ':');
    tap(t.mode == MODE_COMMAND && f.starts == 1,
        ": opens the command line and starts listing namespaces for Tab");
    nav_ingest(&t);
    type(&t, "ns tea");
    tui_draw(&t);
    hx_golden(stdscr, "command-80x24", "the command line at the bottom, at 80x24");
    tap(hx_has(stdscr, ":ns tea_"), "what was typed shows after the colon");
    tui_key(&t, '\t');
    tap(strcmp(t.nav.line, "ns team-") == 0, "Tab completes to the common prefix (%s)", t.nav.line);
    type(&t, "b");
    tui_key(&t, '\t');
    tap(strcmp(t.nav.line, "ns team-b") == 0, "Tab completes the one name left (%s)", t.nav.line);
    tui_key(&t, '\n');
    tap(f.switches == 1 && strcmp(f.ns, "team-b") == 0 && !f.all && f.context[0] == '\0',
        "Enter switches the namespace, keeping the context");
    tap(w.n_services == 0 && t.mode == MODE_NORMAL,
        "the switched source's rows leave at once (%zu left)", w.n_services);
    tui_draw(&t);
    tap(!hx_has(stdscr, "agent-worker"), "nothing of the old target is drawn");

    type(&t, ":ns all\n");
    tap(f.switches == 2 && f.all, ":ns all asks for every namespace");
    type(&t, ":nss x\n");
    tui_draw(&t);
    tap(f.switches == 2 && hx_has(stdscr, "unknown command \"nss\""),
        "an unknown command switches nothing and says so");
    type(&t, ":ctx missing\n");
    tui_draw(&t);
    tap(f.switches == 2 && hx_has(stdscr, "context \"missing\" not found"),
        "a context the kubeconfig lacks is refused in words");
    tui_key(&t, ':');
    tui_key(&t, 27);
    tap(t.mode == MODE_NORMAL && f.switches == 2, "Escape leaves the command line, nothing run");
    cmdline_names_free(&t.nav.nss);
    type(&t, ":ctx staging\n"); /* : started a listing for the old context */
    nav_ingest(&t);
    tap(f.switches == 3 && t.nav.nss.n == 0 && !t.nav.listing,
        "namespaces listed for the context before a switch are dropped");
    tui_free(&t);
    hx_stop();
    nav_free(&t);
    fixture_free(&w);
}

static void pickers(void)
{
    struct config cfg;
    struct world w;
    struct tui t;
    struct fake f = {.list_rc = -1};
    struct tui_nav_ops ops = {fake_switch, fake_contexts, fake_start, fake_take, &f};
    fixture_build(&w, &cfg);
    hx_start("xterm-256color", 24, 80, 1);
    tui_init(&t, &w, NULL, NULL, &cfg, stdscr);
    t.nav.ops = &ops;
    t.now = FIX_NOW;
    type(&t, ":ctx\n");
    tui_draw(&t);
    hx_golden(stdscr, "picker-80x24", "the context picker at 80x24");
    tap(t.mode == MODE_PICK && hx_has(stdscr, "demo  (current)") && hx_has(stdscr, "prod-eu-1") &&
            hx_has(stdscr, "staging"),
        "the picker lists every context and marks the current one");
    tui_key(&t, 'j');
    tui_key(&t, '\n');
    tap(f.switches == 1 && strcmp(f.context, "prod-eu-1") == 0,
        "j then Enter switches to the next context (%s)", f.context);

    type(&t, ":ns\n");
    nav_ingest(&t); /* the listing for demo, before the switch: dropped, asked again */
    tap(f.starts == 2 && t.nav.listing, "the picker asks the new context for its namespaces");
    nav_ingest(&t); /* the listing answers 403 */
    tui_draw(&t);
    tap(t.mode == MODE_PICK && hx_has(stdscr, "cannot list namespaces (namespaces: HTTP 403)"),
        "a namespace picker that cannot list says so");
    type(&t, "team-x");
    tui_draw(&t);
    tap(hx_has(stdscr, "name one: team-x_"), "and takes a typed name");
    tui_key(&t, '\n');
    tap(f.switches == 2 && strcmp(f.ns, "team-x") == 0, "Enter switches to the typed namespace");
    type(&t, ":ns\nBAD\n");
    tap(f.switches == 2, "a typed name that is no namespace name switches nothing");
    tui_free(&t);
    hx_stop();
    nav_free(&t);
    fixture_free(&w);
}

static void replay_keeps_goto(void)
{
    struct config cfg;
    struct world w;
    struct tui t;
    struct fake f = {.list_rc = 1};
    struct tui_nav_ops ops = {fake_switch, fake_contexts, fake_start, fake_take, &f};
    fixture_build(&w, &cfg);
    hx_start("xterm-256color", 24, 80, 1);
    tui_init(&t, &w, NULL, NULL, &cfg, stdscr);
    struct tui_replay rp = {.first = FIX_NOW - 600, .last = FIX_NOW, .at = FIX_NOW, .speed = 1};
    rp.paused = true;
    t.replay = &rp;
    t.nav.ops = &ops;
    tui_key(&t, ':');
    tap(t.mode == MODE_GOTO && strcmp(rp.go, ":") == 0 && f.starts == 0,
        "in a replay : is the go-to-time field, not the command line");
    tui_free(&t);
    hx_stop();
    fixture_free(&w);
}

/* -A: a mark names the namespace: marking team-a's web leaves team-b's unmarked, and +
 * on both marked sends one request to each namespace. */
static void marks_by_namespace(struct tui *t, struct world *w, struct fix_scaler *sc)
{
    const struct service_view *a = &w->services[0], *b = &w->services[1];
    unsigned long before = sc->n;
    type(t, "g ");
    tui_draw(t);
    tap(t->n_marks == 1 && tui_is_marked(t, a) && !tui_is_marked(t, b),
        "Space on team-a's web marks it and not team-b's web of the same name");
    type(t, " ");
    tap(t->n_marks == 2 && tui_is_marked(t, a) && tui_is_marked(t, b),
        "Space on team-b's web marks it too: two marks, one per namespace");
    type(t, "+");
    tui_draw(t);
    tap(t->mode == MODE_CONFIRM && t->n_targets == 2 &&
            strcmp(t->targets[0].namespace_, t->targets[1].namespace_) != 0,
        "+ on the two marks: one confirmation with both webs (%zu targets)", t->n_targets);
    tap(hx_has(stdscr, "team-a/web 2 -> 3") && hx_has(stdscr, "team-b/web 3 -> 4") &&
            hx_has(stdscr, "several namespaces"),
        "...each line names its namespace, and the dialog does not claim one");
    type(t, "y");
    tap(sc->n == before + 2 && strcmp(sc->reqs[before].namespace_, "team-a") == 0 &&
            strcmp(sc->reqs[before + 1].namespace_, "team-b") == 0,
        "y sends one request to team-a's web and one to team-b's (%lu sent)", sc->n - before);
}

/* -A: one name in two namespaces is two rows, and + on the second scales the second. */
static void all_namespaces(void)
{
    struct config cfg;
    struct world w;
    struct tui t;
    struct actuator act;
    struct fix_scaler sc = {0};
    char audit[] = "/tmp/forgetop-screen-nav-audit.XXXXXX";
    int fd = mkstemp(audit);
    if (fd >= 0)
        close(fd);
    fixture_build(&w, &cfg);
    w.all_namespaces = true;
    w.n_services = 0;
    struct service_view *a = fix_service(&w, "web", 2, 2, 1, 10, 40, 40);
    strcpy(a->svc.namespace_, "team-a");
    struct service_view *b = fix_service(&w, "web", 3, 3, 1, 10, 40, 40);
    strcpy(b->svc.namespace_, "team-b");
    actuator_init(&act, false, audit, fix_submit, &sc);
    hx_start("xterm-256color", 24, 80, 1);
    tui_init(&t, &w, &act, NULL, &cfg, stdscr);
    t.now = FIX_NOW;
    tui_draw(&t);
    tap(hx_has(stdscr, "NAMESPACE") && hx_has(stdscr, "team-a") && hx_has(stdscr, "team-b"),
        "all namespaces at 80 columns: a NAMESPACE column names each row's");
    tap(hx_has(stdscr, "all namespaces"), "the header says all namespaces");
    type(&t, "j+y");
    tap(sc.n == 1 && strcmp(sc.last.namespace_, "team-b") == 0 && sc.last.from == 3 &&
            sc.last.to == 4,
        "+ y on the second web scales team-b's, 3 -> 4 (%s %d -> %d)", sc.last.namespace_,
        sc.last.from, sc.last.to);
    marks_by_namespace(&t, &w, &sc);
    tui_free(&t);
    hx_stop();
    unlink(audit);
    fixture_free(&w);
}

int main(void)
{
    command_line();
    pickers();
    replay_keeps_goto();
    all_namespaces();
    printf("1..%d\n", tap_n);
    return tap_failed;
}
