/* overview.c - the overview at 80x24, 160x48 and in ASCII, the read-only badge, the
 * too-small message and the way back from it, against golden files. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forgetop/keys.h"
#include "harness.h"
#include "fixture.h"

static char audit_dir[] = "/tmp/forgetop-screen.XXXXXX";
static char audit_path[128];

static void frame(struct tui *t)
{
    t->now = FIX_NOW;
    tui_draw(t);
}

/* One dashboard over the fixture on a terminal of lines x cols. */
struct rig {
    struct config cfg;
    struct world w;
    struct actuator act;
    struct fix_scaler sc;
    struct tui t;
};

static void rig_start(struct rig *r, int lines, int cols, int utf8, bool ro)
{
    memset(r, 0, sizeof *r);
    fixture_build(&r->w, &r->cfg);
    actuator_init(&r->act, ro, audit_path, fix_submit, &r->sc);
    hx_start("xterm-256color", lines, cols, utf8);
    tui_init(&r->t, &r->w, &r->act, NULL, &r->cfg, stdscr);
}

static void rig_stop(struct rig *r)
{
    tui_free(&r->t);
    hx_stop();
    fixture_free(&r->w);
}

static void run(const char *name, const char *what, int lines, int cols, int utf8, bool ro)
{
    struct rig r;
    rig_start(&r, lines, cols, utf8, ro);
    struct tui *t = &r.t;
    frame(t);
    hx_golden(stdscr, name, what);
    if (cols >= 160 && !ro)
        tap(hx_has(stdscr, "KEDA agent-worker-scaler") && hx_has(stdscr, "HPA api"),
            "%dx%d: the AUTOSCALER column is as wide as its longest cell, no name cut", cols,
            lines);
    if (ro) {
        tui_key(t, '+');
        frame(t);
        tap(hx_has(stdscr, "scaling is disabled in read-only mode") && t->mode == MODE_NORMAL,
            "read-only: + leaves the refusal in the status line and opens no dialog");
        hx_golden(stdscr, "overview-readonly-refused", "read-only refusal");
    }
    rig_stop(&r);
}

static void too_small(void)
{
    struct config cfg;
    struct world w;
    struct actuator act;
    struct fix_scaler sc = {0};
    struct tui t;
    fixture_build(&w, &cfg);
    actuator_init(&act, false, audit_path, fix_submit, &sc);
    hx_start("vt100", 24, 80, 0);
    tui_init(&t, &w, &act, NULL, &cfg, stdscr);
    hx_resize(20, 70);
    frame(&t);
    hx_golden(stdscr, "too-small", "70x20 says the terminal is too small");
    tap(hx_has(stdscr, "terminal too small: needs 80x24"), "too-small message names 80x24");
    hx_resize(24, 79);
    frame(&t);
    tap(hx_has(stdscr, "terminal too small"), "79 columns is still too small");
    hx_resize(24, 80);
    frame(&t);
    tap(!hx_has(stdscr, "too small") && hx_has(stdscr, "SERVICE"),
        "growing back to 80x24 brings the overview back");
    tui_free(&t);
    hx_stop();
    fixture_free(&w);
}

/* A source that stops answering: its rows and metrics say stale in words and glyphs. */
static void stale(void)
{
    struct config cfg;
    struct world w;
    struct actuator act;
    struct fix_scaler sc = {0};
    struct tui t;
    fixture_build(&w, &cfg);
    w.sources[0].state = SOURCE_STALE;
    w.sources[0].last_ok = FIX_NOW - 95;
    strcpy(w.sources[0].error, "poll timed out after 10 s");
    for (size_t i = 0; i < w.n_facts; i++) /* as world_evaluate marks a stale source's facts */
        if (w.facts[i].source == 0) {
            w.facts[i].stale = true;
            w.facts[i].age = 95;
        }
    actuator_init(&act, false, audit_path, fix_submit, &sc);
    hx_start("xterm-256color", 24, 80, 1);
    tui_init(&t, &w, &act, NULL, &cfg, stdscr);
    frame(&t);
    tap(hx_has(stdscr, "demo ~ 1m stale"), "the header marks the stale source with its age");
    tap(hx_has(stdscr, "dagster-run-w… ~") && hx_has(stdscr, "api            ~"),
        "a stale source's services carry the stale glyph, cut names too");
    tap(hx_has(stdscr, "stale 1s"), "a stale source's metrics say stale with their age");
    tap(hx_has(stdscr, "QUEUE ~ stale 1m") && hx_has(stdscr, "REDIS ~ stale 1m"),
        "a stale source's panels say stale with their age");
    hx_golden(stdscr, "overview-stale", "overview with the demo source stale");
    tui_key(&t, '\n');
    frame(&t);
    tap(hx_has(stdscr, "source       stale 1m: poll timed out after 10 s"),
        "the detail of a stale source's service says why, whole");
    tui_free(&t);
    hx_stop();
    fixture_free(&w);
}

/* Under NO_COLOR a degraded row still reads as one: READY carries the band's glyph
 * (`0/5 !!` none ready, `1/2 !` short), and a failing source keeps its age and says why
 * in the header (`prometheus ✗ 40s: connect …`). */
static void degraded_mono(void)
{
    struct config cfg;
    struct world w;
    struct actuator act;
    struct fix_scaler sc = {0};
    struct tui t;
    setenv("NO_COLOR", "1", 1);
    fixture_build(&w, &cfg);
    w.services[1].svc.ready = w.services[1].svc.available = 0;
    w.sources[1].state = SOURCE_FAILING;
    w.sources[1].last_ok = FIX_NOW - 40;
    actuator_init(&act, false, audit_path, fix_submit, &sc);
    hx_start("xterm-256color", 24, 80, 1);
    tui_init(&t, &w, &act, NULL, &cfg, stdscr);
    frame(&t);
    tap(hx_has(stdscr, "api               0/5 !!"),
        "none of N ready reads `0/5 !!` without colour");
    tap(hx_has(stdscr, "dagster-run-wor…   1/2 !"), "short of desired reads `1/2 !`");
    tap(hx_has(stdscr, "agent-worker         3/3 "), "a healthy row has no glyph");
    tap(PAIR_NUMBER(hx_attr_at(stdscr, "0/5 !!")) == 0, "NO_COLOR: no colour pair on it");
    tap(hx_has(stdscr, "prometheus ✗ 40s: …Connection refused ·"),
        "a failing source keeps its age and the cause of its error, named once");
    hx_golden(stdscr, "overview-degraded-mono", "NO_COLOR overview with a degraded service");
    tui_key(&t, 'j');
    tui_key(&t, '\n');
    frame(&t);
    tap(hx_has(stdscr, "ready 0 !!"), "the detail says `ready 0 !!` too");
    tui_free(&t);
    hx_stop();
    fixture_free(&w);
    unsetenv("NO_COLOR");
}

/* Severity must survive a terminal without colours, and use colours where there are. */
static void terminals(void)
{
    static const struct {
        const char *term;
        const char *no_color;
        int colours; /* expected: 0 none, 8, 256 */
    } cases[] = {
        {"vt100", NULL, 0},
        {"xterm", NULL, 8},
        {"xterm-256color", NULL, 256},
        {"xterm-256color", "1", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct config cfg;
        struct world w;
        struct actuator act;
        struct fix_scaler sc = {0};
        struct tui t;
        if (cases[i].no_color)
            setenv("NO_COLOR", cases[i].no_color, 1);
        else
            unsetenv("NO_COLOR");
        fixture_build(&w, &cfg);
        actuator_init(&act, false, audit_path, fix_submit, &sc);
        hx_start(cases[i].term, 24, 80, 1);
        tui_init(&t, &w, &act, NULL, &cfg, stdscr);
        frame(&t);
        attr_t crit = hx_attr_at(stdscr, "!!"), ok = hx_attr_at(stdscr, "61%");
        bool coloured = PAIR_NUMBER(crit) != 0;
        tap(cases[i].colours ? coloured && (COLORS >= cases[i].colours)
                             : !coloured && (crit & A_BOLD),
            "%s%s: %s", cases[i].term, cases[i].no_color ? " NO_COLOR=1" : "",
            cases[i].colours ? "critical is drawn in a colour pair"
                             : "critical is bold, no colour");
        tap(crit != ok, "%s: critical and ok cells are drawn differently", cases[i].term);
        tap(hx_has(stdscr, "!!") && hx_has(stdscr, "FIRING"),
            "%s: the severity is also in words and glyphs", cases[i].term);
        tui_free(&t);
        hx_stop();
        fixture_free(&w);
    }
    unsetenv("NO_COLOR");
}

/* STATUS at 120 columns: the why engineer's reason with ready/desired, else the status;
 * the namespace, the source and the kind the rows share are in the caption instead. */
static void status_column(void)
{
    struct config cfg;
    struct world w;
    struct actuator act;
    struct fix_scaler sc = {0};
    struct tui t;
    fixture_build(&w, &cfg);
    static char stuck[] = "rollout stuck: ProgressDeadlineExceeded";
    for (size_t i = 0; i < w.n_services; i++) {
        struct service *s = &w.services[i].svc;
        if (strcmp(s->name, "dagster-run-worker") == 0)
            strcpy(s->reason, "ImagePullBackOff");
        if (strcmp(s->name, "api") == 0)
            s->status = stuck; /* a view of no snapshot: nothing frees it */
    }
    w.revision++; /* the views changed, as world_apply would say */
    actuator_init(&act, false, audit_path, fix_submit, &sc);
    hx_start("xterm-256color", 30, 120, 1);
    tui_init(&t, &w, &act, NULL, &cfg, stdscr);
    frame(&t);
    tap(hx_has(stdscr, "STATUS") && hx_has(stdscr, "ImagePullBackOff 1/2") &&
            hx_has(stdscr, "rollout stuck: Prog"),
        "120 columns show STATUS: a reason with ready/desired, else the status");
    tap(hx_has(stdscr, "dagster-run-worker ") && hx_has(stdscr, "ns open-forge · deployment") &&
            !hx_has(stdscr, "NAMESPACE") && !hx_has(stdscr, "SOURCE"),
        "names are whole; the namespace and kind every row shares are in the caption");
    hx_golden(stdscr, "overview-120x30", "overview at 120x30 with a reason and a status");
    tui_free(&t);
    hx_stop();
    hx_start("xterm-256color", 24, 80, 1);
    tui_init(&t, &w, &act, NULL, &cfg, stdscr);
    frame(&t);
    tap(!hx_has(stdscr, "STATUS") && !hx_has(stdscr, "ImagePull"),
        "80 columns leave STATUS out for the gauges");
    tui_free(&t);
    hx_stop();
    fixture_free(&w);
}

/* A click on each column title shown sorts by that column, a second click inverts, at
 * every width (hidden columns move the titles); a click between titles does nothing. */
static void click_titles(int lines, int cols)
{
    struct rig r;
    rig_start(&r, lines, cols, 1, false);
    struct tui *t = &r.t;
    frame(t);
    int shown = 0, bad = 0;
    for (int s = 0; s < SORT_N; s++) {
        if (t->hits.col_w[s] == 0)
            continue;
        shown++;
        MEVENT ev = {.x = t->hits.col_x[s] + t->hits.col_w[s] / 2,
                     .y = t->hits.svc_y - 1,
                     .bstate = BUTTON1_PRESSED};
        enum tui_sort was = t->sort;
        bool desc = t->sort_desc;
        keys_mouse_event(t, &ev);
        frame(t);
        char want[64];
        snprintf(want, sizeof want, "sort: %s %s", tui_sort_name((enum tui_sort)s),
                 t->sort_desc ? "▼" : "▲");
        bad += t->sort != (enum tui_sort)s || (was == t->sort && desc == t->sort_desc) ||
               !hx_has(stdscr, want);
        bool first = t->sort_desc;
        /* where the title is now: at 24 lines a sort gives the caption its row */
        ev.x = t->hits.col_x[s] + t->hits.col_w[s] / 2, ev.y = t->hits.svc_y - 1;
        keys_mouse_event(t, &ev);
        frame(t);
        bad += t->sort != (enum tui_sort)s || t->sort_desc == first;
    }
    tap(shown >= 5 && bad == 0,
        "%dx%d: a click on each of the %d titles shown sorts by it (the caption says so), a "
        "second inverts (%d wrong)",
        cols, lines, shown, bad);
    enum tui_sort was = t->sort;
    bool desc = t->sort_desc;
    MEVENT gap = {
        .x = t->hits.col_x[SORT_NAME] - 1, .y = t->hits.svc_y - 1, .bstate = BUTTON1_PRESSED};
    keys_mouse_event(t, &gap);
    tap(t->sort == was && t->sort_desc == desc, "%dx%d: a click left of the titles sorts nothing",
        cols, lines);
    rig_stop(&r);
}

/* Give curses the bytes after ESC [ < as the terminal would, then read them as a report. */
static bool report(const char *rest, MEVENT *ev)
{
    for (size_t i = strlen(rest); i-- > 0;)
        ungetch((unsigned char)rest[i]);
    *ev = (MEVENT){.x = -1, .y = -1};
    return keys_mouse_read(stdscr, ev);
}

/* An SGR report read after its prefix (KEYS_SGR_MOUSE): a press and the wheel become
 * events, a release, another button or a report cut short nothing, and what is not the
 * report's is left for the next key; the window is in nodelay after, whatever came. */
static void mouse_reports(void)
{
    struct rig r;
    rig_start(&r, 24, 80, 1, false);
    MEVENT ev;
    bool press = report("0;21;30M", &ev);
    tap(press && ev.x == 20 && ev.y == 29 && ev.bstate == BUTTON1_PRESSED,
        "0;21;30M is a press of button 1 at column 20, row 29 (0-based)");
    tap(report("4;3;2M", &ev) && ev.bstate == BUTTON1_PRESSED, "...with Shift too");
    tap(!report("0;21;30m", &ev), "0;21;30m (a release) is no event: the press acted");
    tap(report("64;3;2M", &ev) && ev.bstate == BUTTON4_PRESSED, "64 is the wheel up");
    tap(report("65;3;2M", &ev) && ev.bstate == BUTTON5_PRESSED, "65 is the wheel down");
    tap(!report("2;3;2M", &ev) && !report("32;3;2M", &ev), "the right button and motion: none");
    tap(!report("0;21", &ev) && is_nodelay(stdscr), "0;21 and no more is dropped, nodelay kept");
    bool cut = report("0;21?", &ev);
    tap(!cut && wgetch(stdscr) == '?', "0;21? is dropped and ? is the next key");
    tap(!report("0;1;2;3M", &ev) && !report("123456789012345678901234M", &ev),
        "a fourth field or a run of digits is no report");
    tap(wgetch(stdscr) == ERR, "...and the long one's tail is dropped with it, not read as keys");
    tap(!report("00000000000000000000;1;1M?", &ev) && wgetch(stdscr) == '?',
        "a key after a long one is the next key");
    frame(&r.t);
    struct tui_hits *h = &r.t.hits;
    char click[32];
    snprintf(click, sizeof click, "0;%d;%dM", 5, h->svc_y + 3); /* the third row */
    for (size_t i = strlen(click); i-- > 0;)
        ungetch((unsigned char)click[i]);
    tui_key(&r.t, KEYS_SGR_MOUSE);
    size_t n;
    const size_t *idx = tui_visible(&r.t, &n);
    tap(tui_row_of_selected(&r.t, idx, n) == h->svc_top + 2,
        "tui_key(KEYS_SGR_MOUSE) with a press on the third row selects it");
    rig_stop(&r);
}

int main(void)
{
    if (!mkdtemp(audit_dir))
        return 1;
    snprintf(audit_path, sizeof audit_path, "%s/audit.log", audit_dir);
    run("overview-80x24", "overview at 80x24", 24, 80, 1, false);
    run("overview-160x48", "overview at 160x48", 48, 160, 1, false);
    run("overview-250x30", "overview at 250x30", 30, 250, 1, false);
    run("overview-ascii", "overview in an ASCII locale", 24, 80, 0, false);
    run("overview-readonly", "overview in read-only mode", 24, 80, 1, true);
    too_small();
    click_titles(24, 80);
    click_titles(48, 160);
    mouse_reports();
    terminals();
    stale();
    degraded_mono();
    status_column();
    unlink(audit_path);
    rmdir(audit_dir);
    printf("1..%d\n", tap_n);
    return tap_failed;
}
