/* loop.c - the event loop: poll() the terminal, the poller's wake pipe and a timer.
 *
 * Nothing here waits on the network: snapshots are taken when the wake pipe says they
 * are ready. The screen is redrawn on a key, on a scale outcome and at each refresh
 * tick (-d), into the same window every time; curses then sends only the cells that
 * changed (never clear() per frame), so an idle dashboard costs few bytes over SSH. */

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "forgetop/app.h"
#include "forgetop/keys.h"
#include "forgetop/text.h"
#include "forgetop/tui.h"

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Take what the sources produced. True when the screen should not wait for the next
 * tick: a scale outcome, a snapshot, or a source changing state (a stale badge is news). */
static bool ingest(struct tui *t, double now, bool tick)
{
    struct poller *p = t->poller;
    struct world *w = t->world;
    bool outcome = false, news = false, got = false;
    t->now = now;
    if (t->replay != NULL)
        return tui_replay_advance(t, now);
    if (!p)
        return false;
    for (size_t i = 0; i < poller_count(p) && i < w->n_sources; i++) {
        struct source_status st;
        poller_status(p, i, now, &st);
        news |= st.state != w->sources[i].state;
        struct snapshot *snap = poller_take(p, i);
        recorder_status(t->rec, i, &st, now); /* first: a frame row carries its poll times */
        if (snap)
            recorder_frame(t->rec, i, snap, now);
        world_set_status(w, i, &st);
        if (snap) {
            news |= w->snaps[i] == NULL;
            world_apply(w, i, snap, now);
        }
        got |= snap != NULL;
    }
    /* A wake that brought no snapshot and no new state (a scale outcome, a poll that found
     * nothing) costs no evaluation: the tick re-ages everything anyway. */
    if (tick || got || news) {
        recorder_commit(t->rec, now); /* one transaction per poll: a SIGKILL keeps it */
        world_evaluate(w, now);
    }
    if (t->act) { /* a context that changed may have turned out to be production */
        actuator_observe(t->act, w);
        /* only ever added, but for a switch of target (nav_switch decides afresh) */
        t->read_only = t->read_only || w->read_only;
    }
    tui_follow(t);
    news |= nav_ingest(t);
    struct scale_outcome o;
    while (poller_take_outcome(p, &o)) {
        tui_outcome(t, &o.req, o.status, o.message);
        outcome = true;
    }
    if (outcome)
        poller_poll_now(p);        /* show the new count without waiting out the interval */
    return outcome || news || got; /* a change is on screen within one poll, not a tick later */
}

static void start_curses(void)
{
    initscr();
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    keys_define(); /* both escape forms of every key, whatever terminfo lists */
    nodelay(stdscr, TRUE);
    curs_set(0);
    set_escdelay(25); /* Escape is instant over SSH */
    if (has_colors()) {
        start_color();
        use_default_colors();
    }
}

static bool title_saved; /* one terminal per process: its title is pushed at most once */

/* The window title through the terminal's own status-line capability when terminfo has
 * one (tmux, screen), else xterm's OSC 2 when terminfo says the terminal takes it (XT),
 * ended by ST, not BEL, so no bell rings by accident. The text is sanitised: a service
 * name from a server never writes an escape sequence. */
static void set_title(const char *text)
{
    char safe[FT_TEXT_MAX];
    text_sanitize(safe, sizeof safe, text);
    char *tsl = tigetstr("tsl"), *fsl = tigetstr("fsl");
    if (tsl != NULL && tsl != (char *)-1 && fsl != NULL && fsl != (char *)-1) {
        putp(tparm(tsl, 0));
        fputs(safe, stdout);
        putp(fsl);
    } else if (tigetflag("XT") > 0) {
        if (!title_saved) /* xterm's title stack: the operator's title comes back at exit */
            fputs("\033[22;2t", stdout);
        title_saved = true;
        printf("\033]2;%s\033\\", safe);
    }
    fflush(stdout);
}

/* Give the terminal its own title back, once curses has let go of the screen. */
static void restore_title(void)
{
    if (!title_saved)
        return;
    fputs("\033[23;2t", stdout);
    fflush(stdout);
    title_saved = false;
}

/* A new critical rings the bell and/or names itself in the title (alert_bell,
 * alert_title): once when it appears, and the title back when none is left. */
static void announce(struct tui *t)
{
    if (t->cfg == NULL || (!t->cfg->alert_bell && !t->cfg->alert_title))
        return;
    char what[FT_TEXT_MAX], title[FT_TEXT_MAX + 16];
    bool had = t->crit_any;
    if (alerts_new_critical(t, what, sizeof what)) {
        if (t->cfg->alert_bell)
            beep();
        text_printf(title, sizeof title, "forgetop: %s", what);
        if (t->cfg->alert_title)
            set_title(title);
    } else if (had && !t->crit_any && t->cfg->alert_title) {
        set_title("forgetop");
    }
}

static void frame(struct tui *t)
{
    if (t->repaint) {
        clearok(curscr, TRUE); /* Ctrl-L or a new theme: repaint every cell once */
        t->repaint = false;
    }
    tui_draw(t);
    wnoutrefresh(t->win);
    doupdate();
    announce(t);
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop; /* no SA_RESTART: poll() returns and the loop ends */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

static int run(struct app *app, double replay_at);

/* A replay that plays redraws four times a second, whatever -d: at x60 a tick of 2 s
 * would jump two minutes of the recording at once. */
#define PLAY_TICK_S 0.25

static double tick_s(const struct tui *t)
{
    return t->replay && !t->replay->paused && t->delay_s > PLAY_TICK_S ? PLAY_TICK_S : t->delay_s;
}

int tui_run(struct app *app)
{
    return run(app, 0);
}

/* The dashboard over a recording (app->replay), its world rebuilt at `at`. */
int tui_run_replay(struct app *app, double at)
{
    return run(app, at);
}

static int run(struct app *app, double replay_at)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr,
                "forgetop: the dashboard needs a terminal; for scripts use --once --json\n");
        return 2;
    }
    setlocale(LC_ALL, "");
    start_curses();
    install_signals();
    struct tui t;
    tui_init(&t, app->world, app->act, app->poller, app->cfg, stdscr);
    t.rec = app->rec;
    t.nav.ops = app->nav;
    t.replay = app->replay;
    if (t.replay != NULL) {
        t.read_only = true; /* nothing can be sent: there is no scaler at all */
        t.replay->wall = wall_now();
        tui_replay_seek(&t, replay_at);
        if (t.replay->config_note[0] != '\0')
            tui_set_status(&t, EL_STATUS_OK, "replay: judged by %s (S)", t.replay->config_note);
    }
    keys_mouse_enable(app->cfg->mouse);
    double now = wall_now(), step = tick_s(&t);
    double next = (floor(now / step) + 1) * step; /* ticks on the second: a steady clock */
    ingest(&t, now, true);
    frame(&t);
    int wake = app->poller ? poller_wake_fd(app->poller) : -1;
    while (!t.quit && !stop_requested) {
        struct pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {wake, POLLIN, 0}};
        now = wall_now();
        int ms = next > now ? (int)ceil((next - now) * 1000) : 0;
        int rc = poll(fds, wake >= 0 ? 2 : 1, ms);
        if (rc < 0 && errno != EINTR)
            break;
        bool dirty = false, keyed = false;
        now = wall_now();
        int ch;
        while ((ch = wgetch(stdscr)) != ERR) { /* KEY_RESIZE arrives here after SIGWINCH */
            t.now = t.replay ? t.replay->at : now;
            if (ch != KEY_RESIZE)
                tui_key(&t, ch);
            keyed = true;
        }
        if (keyed) /* answer the key before taking in any snapshot */
            frame(&t);
        if (tick_s(&t) != step) { /* a replay started or stopped playing */
            step = tick_s(&t);
            next = (floor(now / step) + 1) * step;
        }
        if (rc > 0 && wake >= 0 && (fds[1].revents & POLLIN)) {
            poller_drain_wake(app->poller);
            dirty |= ingest(&t, now, false);
        }
        if (now >= next) {
            ingest(&t, now, true);
            next = now - next > step ? (floor(now / step) + 1) * step : next + step;
            dirty = true;
        }
        if (dirty)
            frame(&t);
    }
    keys_mouse_enable(false); /* the terminal's mouse is the shell's again */
    endwin();
    restore_title();
    nav_free(&t);
    tui_free(&t);
    return 0;
}
