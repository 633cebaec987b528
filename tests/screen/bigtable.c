/* bigtable.c - the services table over 5000 services: no cap on the rows it lists
 * (it was 2048, the rest silently gone), End / G reach the last, Home the first, and the
 * filter (/) still narrows and moves over rows past the old cap. Then 3000 services
 * sorted by any column (F6, < >, I), stably, no data last either way, the order and the
 * filter and `n of N` in the caption, and the selection kept by name across a poll that
 * reorders the rows. */

#include <math.h>
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
    w->revision++;
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
    tui_visible(t, &n);
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

#define N_SORT 3000

/* cpu for service i at poll p: a spread with ties, every 10th without data */
static double cpu_of(int i, int p)
{
    return i % 10 == 9 ? NAN : (double)((i * (p ? 53 : 37)) % 97);
}

static void sort_world(struct world *w, int poll)
{
    if (poll == 0) {
        free(w->services);
        w->services = calloc(N_SORT, sizeof *w->services);
        if (w->services == NULL) {
            printf("Bail out! no memory for %d services\n", N_SORT);
            exit(1);
        }
        w->n_services = w->cap_services = N_SORT;
    }
    for (int i = 0; i < N_SORT; i++) {
        struct service_view *v = &w->services[i];
        snprintf(v->svc.name, sizeof v->svc.name, "svc-%04d", i + 1);
        strcpy(v->svc.source, "demo");
        strcpy(v->svc.namespace_, "open-forge");
        strcpy(v->svc.kind, "deployment");
        v->svc.desired = 4;
        v->svc.ready = v->svc.available = v->svc.updated = i % 5 == 0 ? 2 : 4;
        v->svc.cpu_pct = cpu_of(i, poll);
        v->svc.mem_pct = (double)((i * 11) % 89);
        v->svc.mem_req_pct = v->svc.cpu_cores = v->svc.mem_bytes = NAN;
    }
    w->revision++; /* as world_apply does: the views changed */
}

/* The visible rows in order: sorted by cpu (desc when hi_first), stable, NAN last. */
static bool cpu_order_ok(const struct tui *t, bool hi_first)
{
    size_t n;
    const size_t *idx = tui_visible(t, &n);
    bool ok = idx != NULL, seen_nan = false;
    for (size_t i = 0; ok && i < n; i++) {
        double v = t->world->services[idx[i]].svc.cpu_pct;
        if (isnan(v)) {
            seen_nan = true;
            continue;
        }
        if (seen_nan) /* a number after a no-data row */
            ok = false;
        if (i == 0 || isnan(t->world->services[idx[i - 1]].svc.cpu_pct))
            continue;
        double p = t->world->services[idx[i - 1]].svc.cpu_pct;
        if (hi_first ? v > p : v < p)
            ok = false;
        if (v == p && idx[i] < idx[i - 1]) /* a tie keeps the world's order */
            ok = false;
    }
    return ok && seen_nan;
}

static const char *first_name(const struct tui *t)
{
    static char name[FT_NAME_MAX];
    size_t n;
    const size_t *idx = tui_visible(t, &n);
    snprintf(name, sizeof name, "%s", idx ? t->world->services[idx[0]].svc.name : "");
    return name;
}

/* The service with the highest cpu, the first of equals in the world's order. */
static const char *highest(void)
{
    static char name[FT_NAME_MAX];
    double best = -1;
    for (int i = 0; i < N_SORT; i++)
        if (!isnan(cpu_of(i, 0)) && cpu_of(i, 0) > best) {
            best = cpu_of(i, 0);
            snprintf(name, sizeof name, "svc-%04d", i + 1);
        }
    return name;
}

static void sorting(struct tui *t)
{
    frame(t);
    tap(hx_has(stdscr, "sort: source ▲") && hx_has(stdscr, "rows 1-") && hx_has(stdscr, "of 3000"),
        "the caption says the order and which rows of 3000 are shown");
    tui_key(t, KEY_F(6));
    frame(t);
    tap(t->mode == MODE_SORT && hx_has(stdscr, "Sort by") && hx_has(stdscr, "memory"),
        "F6 opens the sort-by list");
    hx_golden(stdscr, "bigtable-sort-list", "the sort-by list over 3000 services");
    for (int i = 0; i < 4; i++) /* source -> autoscaler -> rec -> memory -> cpu */
        tui_key(t, KEY_UP);
    tui_key(t, '\n');
    frame(t);
    tap(t->mode == MODE_NORMAL && t->sort == SORT_CPU && t->sort_desc &&
            hx_has(stdscr, "sort: cpu ▼"),
        "Enter sorts by cpu, highest first, and the caption says so");
    tap(cpu_order_ok(t, true), "highest cpu first, ties in the world's order, no data last");
    tap(strcmp(first_name(t), highest()) == 0, "the top row is the highest cpu (%s)", highest());
    tap(selected_is(t, "svc-0001") && hx_has(stdscr, "svc-0001"),
        "the resort keeps svc-0001 selected and scrolls to it");
    keys(t, "I");
    tap(!t->sort_desc && cpu_order_ok(t, false) && hx_has(stdscr, "sort: cpu ▲"),
        "I inverts: lowest first, no data still last");
    keys(t, "I>");
    tap(t->sort == SORT_MEM && hx_has(stdscr, "sort: memory ▼"), "> sorts by the next column");
    keys(t, "<");
    tap(t->sort == SORT_CPU && t->sort_desc, "< goes back to cpu");
}

static void sort_ends_and_filter(struct tui *t)
{
    keys(t, "gG");
    size_t n1, n2;
    const size_t *a = tui_visible(t, &n1), *b = tui_visible(t, &n2);
    tap(a != NULL && a == b && n1 == n2 && n1 == 3000,
        "the rows shown come from the tui's one buffer: no allocation per call");
    size_t n;
    const size_t *idx = tui_visible(t, &n);
    const char *last = idx ? t->world->services[idx[n - 1]].svc.name : "";
    tap(selected_is(t, last) && hx_has(stdscr, last) && isnan(tui_selected(t)->svc.cpu_pct),
        "G goes to the last row of the order: a no-data row (%s)", last);
    tap(hx_has(stdscr, "rows 2981-3000 of 3000") || hx_has(stdscr, "-3000 of 3000"),
        "the caption says the last rows are shown");
    keys(t, "g");
    tap(selected_is(t, highest()) && hx_has(stdscr, highest()), "Home/g goes back to the first");
    keys(t, "/-29\n");
    tap(n_visible(t) == 100 && hx_has(stdscr, "filter: -29") && hx_has(stdscr, "100 of 3000"),
        "the filter narrows to svc-29xx and the caption says `100 of 3000`");
    tap(cpu_order_ok(t, true), "the filtered rows keep the order");
    hx_golden(stdscr, "bigtable-sorted-filtered", "3000 services sorted by cpu and filtered");
    keys(t, "/");
    tui_key(t, 27);
    frame(t);
}

/* A poll that reorders every row: the selected service stays selected and in view. */
static void poll_keeps_selection(struct tui *t)
{
    keys(t, "g");
    for (int i = 0; i < 25; i++)
        tui_key(t, KEY_DOWN);
    frame(t);
    char name[FT_NAME_MAX];
    snprintf(name, sizeof name, "%s", tui_selected(t)->svc.name);
    size_t n;
    const size_t *idx = tui_visible(t, &n);
    size_t before = tui_row_of_selected(t, idx, n);
    sort_world(t->world, 1);
    frame(t);
    idx = tui_visible(t, &n);
    size_t after = tui_row_of_selected(t, idx, n);
    tap(selected_is(t, name) && hx_has(stdscr, name) && before != after && cpu_order_ok(t, true),
        "a poll that moves %s from row %zu to row %zu keeps it selected and shown", name,
        before + 1, after + 1);
    keys(t, "j");
    idx = tui_visible(t, &n);
    tap(tui_row_of_selected(t, idx, n) == after + 1, "j moves from where it is now");
}

/* In a replay < and > are its speed keys, not the sort's. */
static void replay_keys(struct tui *t)
{
    struct tui_replay rp = {.speed = 1, .paused = true};
    t->replay = &rp;
    enum tui_sort was = t->sort;
    keys(t, ">");
    tap(t->sort == was && rp.speed == 2, "in a replay > is the speed (x%d), the sort stays",
        rp.speed);
    t->replay = NULL;
}

static void ascii_arrow(struct world *w, struct config *cfg, struct actuator *act)
{
    struct tui t;
    hx_start("vt100", 24, 80, 0);
    tui_init(&t, w, act, NULL, cfg, stdscr);
    tui_sort_set(&t, SORT_CPU);
    frame(&t);
    tap(hx_has(stdscr, "sort: cpu v | rows 1-"), "ASCII: the caption's arrow is a v");
    hx_golden(stdscr, "bigtable-ascii", "3000 services sorted by cpu, ASCII");
    tui_free(&t);
    hx_stop();
}

static void sorted(struct world *w, struct config *cfg, struct actuator *act)
{
    struct tui t;
    sort_world(w, 0);
    hx_start("xterm-256color", 24, 80, 1);
    tui_init(&t, w, act, NULL, cfg, stdscr);
    sorting(&t);
    sort_ends_and_filter(&t);
    poll_keeps_selection(&t);
    replay_keys(&t);
    tui_free(&t);
    hx_stop();
    sort_world(w, 0);
    ascii_arrow(w, cfg, act);
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
    tui_free(&t);
    hx_stop();
    sorted(&w, &cfg, &act);
    fixture_free(&w);
    unlink(audit_path);
    rmdir(audit_dir);
    printf("1..%d\n", tap_n);
    return tap_failed;
}
