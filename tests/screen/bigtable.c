/* bigtable.c - the services table over 5000 services: no cap on the rows it lists
 * (it was 2048, the rest silently gone), End / G reach the last, Home the first, and the
 * filter (/) still narrows and moves over rows past the old cap. */

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "fixture.h"

#define N_BIG 5000

static char audit_dir[] = "/tmp/forgetop-screen.XXXXXX";
static char audit_path[128];

static void frame(struct tui *t)
{
    t->now = FIX_NOW;
    tui_draw(t);
}

/* Replace the fixture's services with svc-0001 .. svc-5000 (calloc: histories empty). */
static void big_world(struct world *w)
{
    free(w->services);
    w->services = calloc(N_BIG, sizeof *w->services);
    if (w->services == NULL) {
        printf("Bail out! no memory for %d services\n", N_BIG);
        exit(1);
    }
    w->n_services = w->cap_services = N_BIG;
    for (int i = 0; i < N_BIG; i++) {
        struct service_view *v = &w->services[i];
        snprintf(v->svc.name, sizeof v->svc.name, "svc-%04d", i + 1);
        strcpy(v->svc.source, "demo");
        strcpy(v->svc.kind, "deployment");
        v->svc.desired = v->svc.ready = v->svc.available = v->svc.updated = 2;
        v->svc.cpu_pct = v->svc.mem_pct = v->svc.mem_req_pct = NAN;
        v->svc.cpu_cores = v->svc.mem_bytes = NAN;
    }
}

static size_t n_visible(const struct tui *t)
{
    size_t n;
    free(tui_visible(t, &n));
    return n;
}

static bool selected_is(const struct tui *t, const char *name)
{
    const struct service_view *sv = tui_selected(t);
    return sv != NULL && strcmp(sv->svc.name, name) == 0;
}

static void keys(struct tui *t, const char *s)
{
    for (; *s; s++)
        tui_key(t, (unsigned char)*s);
    frame(t);
}

static void ends(struct tui *t)
{
    tap(n_visible(t) == N_BIG, "all %d services are listed (%zu)", N_BIG, n_visible(t));
    keys(t, "G");
    tap(selected_is(t, "svc-5000") && hx_has(stdscr, "svc-5000"), "G selects and shows row 5000");
    tui_key(t, KEY_HOME);
    frame(t);
    tap(selected_is(t, "svc-0001") && hx_has(stdscr, "svc-0001") && !hx_has(stdscr, "svc-5000"),
        "Home goes back to the first row");
    tui_key(t, KEY_END);
    frame(t);
    tap(selected_is(t, "svc-5000") && hx_has(stdscr, "svc-5000"), "End shows row 5000 too");
    tui_key(t, KEY_UP);
    frame(t);
    tap(selected_is(t, "svc-4999") && hx_has(stdscr, "svc-5000"),
        "Up from the end moves one row within the window");
}

static void filtering(struct tui *t)
{
    keys(t, "/4999\n");
    tap(n_visible(t) == 1 && hx_has(stdscr, "svc-4999") && !hx_has(stdscr, "svc-4998"),
        "/4999 lists the one service past the old cap (%zu rows)", n_visible(t));
    keys(t, "/");
    tui_key(t, 27 /* Esc: clears the filter */);
    keys(t, "/-3\n");
    tap(n_visible(t) == 1000, "/-3 lists svc-3000 .. svc-3999 (%zu rows)", n_visible(t));
    keys(t, "G");
    tap(selected_is(t, "svc-3999") && hx_has(stdscr, "svc-3999") && !hx_has(stdscr, "svc-5000"),
        "G in the filtered table goes to its last row");
    keys(t, "/");
    tui_key(t, 27 /* Esc */);
    frame(t);
    tap(n_visible(t) == N_BIG && selected_is(t, "svc-3999") && hx_has(stdscr, "svc-3999"),
        "clearing the filter keeps the selection in view");
}

int main(void)
{
    struct config cfg;
    struct world w;
    struct actuator act;
    struct fix_scaler sc = {0};
    struct tui t;
    if (!mkdtemp(audit_dir))
        return 1;
    snprintf(audit_path, sizeof audit_path, "%s/audit.log", audit_dir);
    fixture_build(&w, &cfg);
    big_world(&w);
    actuator_init(&act, false, audit_path, fix_submit, &sc);
    hx_start("xterm-256color", 40, 120, 1);
    tui_init(&t, &w, &act, NULL, &cfg, stdscr);
    frame(&t);
    ends(&t);
    filtering(&t);
    hx_stop();
    fixture_free(&w);
    unlink(audit_path);
    rmdir(audit_dir);
    printf("1..%d\n", tap_n);
    return tap_failed;
}
