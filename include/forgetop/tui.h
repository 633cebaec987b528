/* tui.h - the dashboard's state and the pieces of tui/ that share it: screens, the
 * action table and its dispatcher, the event loop.
 *
 * The state is plain data over the world, so the screen tests drive it with fixed
 * worlds and scripted keys through real ncurses without a poller or a network. */

#ifndef FORGETOP_TUI_H
#define FORGETOP_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "forgetop/actuator.h"
#include "forgetop/cmdline.h"
#include "forgetop/config.h"
#include "forgetop/poller.h"
#include "forgetop/theme.h"
#include "forgetop/world.h"

#define TUI_MIN_COLS    80
#define TUI_MIN_LINES   24
#define TUI_MAX_COLS    250 /* wider terminals get margins, not longer lines */
#define TUI_MAX_TARGETS 16
#define TUI_KEY_CTRL(c) ((c)&0x1f)

enum tui_screen { TUI_OVERVIEW, TUI_DETAIL, TUI_HELP, TUI_ALERTS, TUI_SOURCES };
enum tui_focus { FOCUS_SERVICES, FOCUS_METRICS, FOCUS_COUNT };
/* What the keys are talking to: the screen, a text field, or an open dialog. */
enum tui_mode {
    MODE_NORMAL,
    MODE_FILTER,
    MODE_COUNT,
    MODE_CONFIRM,
    MODE_GOTO,
    MODE_COMMAND, /* typing after `:` (live) */
    MODE_PICK,    /* the context or namespace picker */
    MODE_SORT,    /* the sort-by list (F6) */
    MODE_LAST = MODE_SORT
};

/* Who switches the cluster source and lists names for the pickers (main wires sources/
 * target.c; a screen test its own). Each returns as target.h's functions do. */
struct tui_nav_ops {
    int (*switch_to)(void *ctx, const char *context, const char *ns, bool all, char *err,
                     size_t errlen);
    int (*contexts)(void *ctx, struct cmdline_names *out, char *err, size_t errlen);
    void (*namespaces_start)(void *ctx);
    int (*namespaces_take)(void *ctx, struct cmdline_names *out, char *err, size_t errlen);
    void *ctx;
};

enum nav_pick { PICK_CONTEXT, PICK_NAMESPACE };

/* The command line and the picker. */
struct tui_nav {
    const struct tui_nav_ops *ops; /* NULL: nothing to switch (no cluster source) */
    char line[96];                 /* what was typed after `:` */
    enum nav_pick pick;
    struct cmdline_names names; /* the picker's rows */
    struct cmdline_names nss;   /* the current context's namespaces, once listed */
    size_t sel, top;
    char typed[FT_NAME_MAX]; /* picker: filters the rows, or is the name when none match */
    bool listing;            /* a namespace listing is under way */
    bool discard;            /* ...for the context before a switch: its answer is dropped */
    char note[FT_TEXT_MAX];  /* "cannot list namespaces (HTTP 403): type one" */
};

/* What a pending change does: a count (+ - s a, or m for the minimum), a hold at a count
 * (H: KEDA's paused-replicas, or an HPA's minReplicas raised), or a resume (U). */
enum tui_op { OP_SCALE, OP_HOLD, OP_RESUME };
/* What the services table is sorted by (tui/sort.c), in the columns' order, left to right;
 * SORT_SOURCE is the world's own order (source, then name) and the default. */
enum tui_sort {
    SORT_NAME,
    SORT_READY,
    SORT_BOUNDS,
    SORT_CPU,
    SORT_MEM,
    SORT_REC,
    SORT_AUTO,
    SORT_SOURCE,
    SORT_NS,
    SORT_STATUS,
    SORT_N
};

/* One service by name, kept across polls: the selection and each mark. The namespace
 * tells apart one name in two namespaces (-A); "" matches any. */
struct tui_pick {
    char source[FT_ID_MAX];
    char ns[FT_NAME_MAX];
    char name[FT_NAME_MAX];
};

/* The rows shown, in the table's order, kept while nothing they depend on changed (the
 * world's revision, the sort, the filter): one buffer, grown, never allocated per call. */
struct tui_rows {
    size_t *idx, n, cap;
    bool valid;
    const struct service_view *services; /* the world's array and revision they index */
    size_t n_services;
    unsigned long revision;
    enum tui_sort sort;
    bool desc;
    char filter[48];
    size_t hint; /* where the selection was last found: a frame asks several times */
};

/* One service of a pending change, frozen when the dialog opened. */
struct tui_target {
    size_t source;
    char source_name[FT_ID_MAX];
    char service[FT_NAME_MAX];
    char namespace_[FT_NAME_MAX];
    int from, to;
    char reason[FT_TEXT_MAX];
};

/* One target of the change last sent, followed until it settles: its outcome, then
 * the rollout (ready of to, a stuck pod's reason), or the autoscaler setting it back. */
enum follow_state { FOLLOW_PENDING, FOLLOW_APPLIED, FOLLOW_FAILED, FOLLOW_REFUSED, FOLLOW_DONE };
struct tui_follow {
    char source_name[FT_ID_MAX];
    char service[FT_NAME_MAX];
    int from, to;
    bool set_min;
    bool hold;   /* a hold or resume: the source's words are the whole report */
    bool resume; /* ...a resume ("2 of 2 resumed") */
    enum follow_state state;
    double applied_at;
    char msg[FT_TEXT_MAX]; /* the refusal, the failure, or where the rollout is */
};

struct tui {
    struct world *world;
    struct actuator *act;
    struct poller *poller;     /* NULL in the screen tests */
    struct recorder *rec;      /* --record, NULL when off: each snapshot before the world */
    struct tui_replay *replay; /* --replay: the recording and its clock; NULL when live */
    const struct config *cfg;
    bool read_only;
    double delay_s;
    double now;

    WINDOW *win;
    int lines, cols;
    struct theme theme;
    struct theme mono;
    struct style style;
    int theme_index;
    bool colours; /* the terminal has colours and NO_COLOR is unset */

    enum tui_screen screen;
    enum tui_focus focus;
    enum tui_mode mode;
    struct tui_pick sel; /* the selection ("" name: none yet, the first row) */
    size_t top;          /* first service row shown */
    size_t metric_sel;
    size_t scroll; /* help, detail and alerts */
    struct tui_pick marks[TUI_MAX_TARGETS];
    size_t n_marks;
    struct tui_rows *rows; /* tui_visible's order (owned: tui_free); a cache, so const-safe */
    char filter[48];
    enum tui_sort sort;      /* the table's order; ties keep the world's */
    bool sort_desc;          /* highest first (unknown values stay last either way) */
    enum tui_sort sort_pick; /* the row highlighted in the sort-by list (F6) */

    /* the change being asked for or confirmed */
    struct tui_target targets[TUI_MAX_TARGETS];
    size_t n_targets;
    char count_text[8];
    bool count_fresh;          /* the next digit replaces the field */
    bool moved_shown;          /* the dialog has shown that a live count moved */
    char kind[32];             /* "+1", "-1", "set", "recommendation", "hold", "resume" */
    enum tui_op op;            /* what the dialog (and the count field) is for */
    bool second;               /* the dialog asks the second confirmation its dangers need */
    bool second_min;           /* ...for m (the HPA's minimum), not for the count */
    char skipped[FT_TEXT_MAX]; /* marked services left out of the change, and why */

    /* the change last sent, each target reported until the next change */
    struct tui_follow follow[TUI_MAX_TARGETS];
    size_t n_follow;
    char follow_text[FT_TEXT_MAX + 64]; /* the report last set: its time is when it changed */

    /* what the audit log says a plain HPA's hold kept (detail screen), read again only
     * when the log or the HPA shown changes: the draw loop must not reread the file */
    struct tui_held {
        char hpa[FT_NAME_MAX];
        long long size, mtime_s;
        long mtime_ns;
        int rc, prev;
    } held;

    char status[FT_TEXT_MAX + 64];
    enum element status_el;
    bool quit;
    bool repaint; /* Ctrl-L: the next frame repaints every cell */

    /* criticals already announced (bell, title): metric views by index, firing alerts */
    uint32_t crit_mask;
    size_t crit_alerts;
    bool crit_any;
    /* Where the last frame drew what a click can hit (tui/keys.c reads it). */
    struct tui_nav nav;
    struct tui_hits {
        int svc_y, svc_rows;              /* first service row, rows drawn (0: none) */
        int col_x[SORT_N], col_w[SORT_N]; /* each sortable column's title (0 wide: hidden) */
        size_t svc_top;
        int met_y, met_rows;
        size_t met_top;
        int bar_y;                             /* the function bar's row */
        int bar_x[32], bar_w[32], bar_key[32]; /* each item's cells and first key */
        size_t n_bar;
    } hits;
};

/* --replay: a virtual clock over a recording. `at` is the time the world shows; playing,
 * it runs `speed` recorded seconds per real second from the real time `wall`. */
struct tui_replay {
    struct recording *rec;
    double first, last, at;
    bool paused;
    int speed; /* 1, 2, 5, 10, 30, 60 */
    double wall;
    char go[24];                   /* the time being typed after `:` */
    size_t bad;                    /* frames that could not be read */
    char config_note[FT_TEXT_MAX]; /* which config it judges by: the recorded or this one */
    struct rec_attempt *attempts;  /* every scale attempt recorded, in time order (owned) */
    size_t n_attempts;
};

/* Rebuild the world as it was at `target` (clamped to the recording); a seek. */
void tui_replay_seek(struct tui *t, double target);
/* Playing: feed the events up to the clock's new time. True when the world moved. */
bool tui_replay_advance(struct tui *t, double wall);
/* The strip under the header: the recording's span, a mark at each scale attempt, the
 * replay's time; the rows it used. */
int tui_replay_timeline(struct tui *t, int y, int w);
/* In the detail screen: sv's scale attempts up to the replay's time, newest first, at most
 * max rows; the rows used (0 outside a replay). */
int tui_replay_attempts(struct tui *t, const struct service_view *sv, int y, int w, int max);
/* The replay keys, through the action table: pause, step, jump, speed, go to. */
void tui_replay_key(struct tui *t, int key);

/* The command line and picker (tui/navigate.c): `:` opens it (a replay's go-to instead),
 * keys in MODE_COMMAND and MODE_PICK, the drawing over the screen, and the namespace
 * listing's answer when the wake pipe brings it (true: redraw). */
void nav_open(struct tui *t, int key);
void nav_command_key(struct tui *t, int key);
void nav_pick_key(struct tui *t, int key);
void nav_draw(struct tui *t);
bool nav_ingest(struct tui *t);
void nav_free(struct tui *t);
/* Switch to context (NULL keep) / namespace (NULL keep) / all, as `:ctx`/`:ns` do. */
void nav_switch(struct tui *t, const char *context, const char *ns, bool all);

/* Set up the state over a world; the caller has already started curses on win. */
void tui_init(struct tui *t, struct world *w, struct actuator *act, struct poller *p,
              const struct config *cfg, WINDOW *win);
/* Load theme NAME and apply it to the terminal; -1 with err when there is no such theme. */
int tui_set_theme(struct tui *t, const char *name, char *err, size_t errlen);
/* Draw the current screen into t->win (no refresh). */
void tui_draw(struct tui *t);
/* Run one key through the dispatcher. */
void tui_key(struct tui *t, int key);
/* Record a scale outcome the poller reported (actuator, then the status line). */
void tui_outcome(struct tui *t, const struct scale_request *req, int status, const char *msg);
/* Follow the last change through the world: the status line says where each target is
 * (2 of 3 scaled; svc-200: 404 not found; api 6/7 ready; api-hpa set api back to 8). */
void tui_follow(struct tui *t);

/* Free what tui_init took. */
void tui_free(struct tui *t);
/* Services shown (the filter applied, in the sort's order): *n indexes into
 * world->services, in t's own buffer, valid until the next call (any count: the table is
 * a window over it). NULL with *n 0 when none or out of memory. */
const size_t *tui_visible(const struct tui *t, size_t *n);
/* sv becomes the selection (NULL: none, the first row shown). */
void tui_select(struct tui *t, const struct service_view *sv);
/* p names sv: its source, namespace and name. */
bool tui_pick_is(const struct tui *t, const struct tui_pick *p, const struct service_view *sv);
/* A click on a column title: sort by it, or, when it is the sort already, the other way. */
void tui_sort_click(struct tui *t, enum tui_sort s);
/* The column t's table is sorted by, as the header names it ("cpu"). */
const char *tui_sort_name(enum tui_sort s);
/* Choose the sort column: a number starts highest first, a text A to Z. */
void tui_sort_set(struct tui *t, enum tui_sort s);
/* Sort idx (n indexes into world->services) by t's sort, stably. 0, or -1 out of memory. */
int tui_sort_rows(const struct tui *t, size_t *idx, size_t n);
/* The STATUS cell of a service: "ImagePullBackOff 3/5" when the source gave a reason,
 * else its status (or why it cannot be scaled); "" when fine. */
void tui_status_text(const struct service_view *sv, char *out, size_t len);
/* The sort-by list (F6) over the current screen. */
void sort_draw(struct tui *t);
/* Row of the selected service in idx (n rows), 0 when it is not there. */
size_t tui_row_of_selected(const struct tui *t, const size_t *idx, size_t n);
/* The selected service, NULL when none. */
const struct service_view *tui_selected(const struct tui *t);
bool tui_is_marked(const struct tui *t, const struct service_view *sv);
/* Space: mark sv, or unmark it when marked; false when TUI_MAX_TARGETS are marked. */
bool tui_mark_toggle(struct tui *t, const struct service_view *sv);
/* The services a change applies to: the marked ones, else the selected one (at most
 * TUI_MAX_TARGETS); their count. */
size_t tui_targets(const struct tui *t, const struct service_view **out);
void tui_set_status(struct tui *t, enum element el, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Screens (tui/overview.c, detail.c, help.c, alerts.c, confirm.c, frame.c). */
void overview_draw(struct tui *t);
void detail_draw(struct tui *t);
/* cpu, memory (and, 120 columns up, ready) charts of sv, h rows with their titles. */
void detail_charts(struct tui *t, const struct service_view *sv, int y, int h, int w);
void help_draw(struct tui *t);
void alerts_draw(struct tui *t);
void sources_draw(struct tui *t);
void confirm_draw(struct tui *t);
/* The request a hold or resume (t->op) of sv at `to` sends: KEDA's annotation, else the
 * HPA's minReplicas; false with why when sv has nothing to hold with. */
bool actions_hold_request(const struct tui *t, const struct service_view *sv, int to,
                          struct scale_request *req, char *why, size_t len);
/* The single target whose HPA minimum `m` would raise instead of the count, or NULL. */
const struct tui_target *confirm_min_target(const struct tui *t);
/* The dangers of every frozen target, "; "-joined; true when any needs a second y. */
bool confirm_dangers(const struct tui *t, char *out, size_t len);
/* The two header lines; returns the rows used. */
int frame_header(struct tui *t, int y);
/* Status line and function bar on the last two rows. */
void frame_footer(struct tui *t);
size_t frame_alert_count(const struct tui *t);
/* Entries of the alerts screen: forgetop's own pending and firing metrics and the
 * sources' alerts. */
size_t alerts_count(const struct tui *t);
/* True when a metric entered its critical band or a critical alert started firing
 * since the last call (what names the first, for the title); remembers what it saw. */
bool alerts_new_critical(struct tui *t, char *what, size_t len);
/* "92%", "1.23s", "1.2k" for a metric value in its unit. */
void frame_value(char *out, size_t len, const char *unit, double v);
/* Resample a history into n aligned buckets ending at now (NAN where empty). */
void frame_resample(const struct history *h, double now, double span_s, double *out, size_t n);
enum element frame_band_el(enum band b);

#endif
