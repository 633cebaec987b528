/* navigate.c - the k9s-style command line (`:ctx NAME`, `:ns NAME`, `:ns all`) and the
 * context and namespace pickers, and what a switch does to the screen.
 *
 * A switch empties the switched source's rows at once (nothing of the old target stays
 * on screen), lets the actuator decide production afresh from the new target's names,
 * and drops marks and the selection, which named services of the old one. */

#include <string.h>

#include "forgetop/paint.h"
#include "forgetop/text.h"
#include "forgetop/tui.h"

#define KEY_ESC 27

static bool is_enter(int key)
{
    return key == '\n' || key == '\r' || key == KEY_ENTER;
}

static bool is_erase(int key)
{
    return key == KEY_BACKSPACE || key == 127 || key == 8;
}

static void append(char *buf, size_t len, int key)
{
    size_t n = strlen(buf);
    if (key > 32 && key < 127 && n + 1 < len) {
        buf[n] = (char)key;
        buf[n + 1] = '\0';
    }
}

void nav_free(struct tui *t)
{
    cmdline_names_free(&t->nav.names);
    cmdline_names_free(&t->nav.nss);
}

void nav_open(struct tui *t, int key)
{
    if (t->replay != NULL) { /* a recording has no target to switch: `:` is go-to-time */
        tui_replay_key(t, key);
        return;
    }
    t->nav.line[0] = '\0';
    t->mode = MODE_COMMAND;
    if (t->nav.ops != NULL && t->nav.nss.n == 0 && !t->nav.listing) {
        t->nav.listing = true; /* so Tab can complete a namespace */
        t->nav.ops->namespaces_start(t->nav.ops->ctx);
    }
}

/* Production is decided afresh for the new target: the names every source now reads. */
static void redecide(struct tui *t)
{
    if (t->act == NULL)
        return;
    actuator_retarget(t->act);
    if (t->cfg != NULL)
        actuator_observe_name(t->act, t->cfg->compose_project);
    for (size_t i = 0; t->poller != NULL && i < poller_count(t->poller); i++) {
        const struct source *s = poller_source(t->poller, i);
        actuator_observe_name(t->act, s->context);
        actuator_observe_name(t->act, s->namespace_);
    }
    actuator_observe(t->act, t->world);
    t->read_only = actuator_read_only(t->act);
}

void nav_switch(struct tui *t, const char *context, const char *ns, bool all)
{
    char err[FT_TEXT_MAX];
    t->mode = MODE_NORMAL;
    if (t->nav.ops == NULL) {
        tui_set_status(t, EL_STATUS_ERR, "no Kubernetes source to switch (this session has none)");
        return;
    }
    int i = t->nav.ops->switch_to(t->nav.ops->ctx, context, ns, all, err, sizeof err);
    if (i < 0) {
        tui_set_status(t, EL_STATUS_ERR, "%s", err);
        return;
    }
    world_clear_source(t->world, (size_t)i);
    t->n_marks = t->n_targets = t->n_follow = 0;
    tui_select(t, NULL);
    t->top = t->scroll = 0;
    if (t->screen == TUI_DETAIL)
        t->screen = TUI_OVERVIEW;
    if (context != NULL) { /* the namespaces listed were the old context's */
        cmdline_names_free(&t->nav.nss);
        t->nav.discard = t->nav.listing;
    }
    redecide(t);
    tui_set_status(t, EL_STATUS_OK, "switched to %s%s%s: waiting for its first poll",
                   context ? context : "", context && (ns || all) ? " / " : "",
                   all  ? "all namespaces"
                   : ns ? ns
                        : "");
}

static void pick_open(struct tui *t, enum nav_pick kind)
{
    struct tui_nav *n = &t->nav;
    char err[FT_TEXT_MAX];
    cmdline_names_free(&n->names);
    n->pick = kind;
    n->sel = n->top = 0;
    n->typed[0] = n->note[0] = '\0';
    t->mode = MODE_PICK;
    if (n->ops == NULL) {
        text_printf(n->note, sizeof n->note, "no Kubernetes source: nothing to switch");
    } else if (kind == PICK_CONTEXT) {
        if (n->ops->contexts(n->ops->ctx, &n->names, err, sizeof err) < 0)
            text_printf(n->note, sizeof n->note, "cannot read the contexts: %s", err);
    } else {
        cmdline_names_add(&n->names, "all");
        for (size_t i = 0; i < n->nss.n; i++)
            cmdline_names_add(&n->names, n->nss.v[i]);
        if (n->nss.n == 0 && !n->listing) {
            n->listing = true;
            n->ops->namespaces_start(n->ops->ctx);
        }
        if (n->listing)
            text_printf(n->note, sizeof n->note, "listing namespaces...");
    }
}

static void run_line(struct tui *t)
{
    struct cmdline_cmd c;
    char err[FT_TEXT_MAX];
    t->mode = MODE_NORMAL;
    if (cmdline_parse(t->nav.line, &c, err, sizeof err) < 0) {
        tui_set_status(t, EL_STATUS_ERR, "%s", err);
        return;
    }
    switch (c.verb) {
    case CMD_PICK_CONTEXT:
        pick_open(t, PICK_CONTEXT);
        break;
    case CMD_PICK_NAMESPACE:
        pick_open(t, PICK_NAMESPACE);
        break;
    case CMD_CONTEXT:
        nav_switch(t, c.arg, NULL, false);
        break;
    case CMD_NAMESPACE:
        nav_switch(t, NULL, c.arg, false);
        break;
    case CMD_ALL_NAMESPACES:
        nav_switch(t, NULL, NULL, true);
        break;
    }
}

static void complete(struct tui *t)
{
    struct cmdline_names ctx = {0};
    char out[sizeof t->nav.line], err[FT_TEXT_MAX];
    if (t->nav.ops != NULL)
        t->nav.ops->contexts(t->nav.ops->ctx, &ctx, err, sizeof err);
    size_t n = cmdline_complete(t->nav.line, &ctx, &t->nav.nss, out, sizeof out);
    cmdline_names_free(&ctx);
    text_printf(t->nav.line, sizeof t->nav.line, "%s", out);
    if (n > 1)
        tui_set_status(t, EL_STATUS_OK, "%zu names match: type more, Tab again", n);
    else if (n == 0 && strchr(out, ' ') != NULL)
        tui_set_status(t, EL_STATUS_OK, "%s",
                       t->nav.listing ? "no match yet: still listing namespaces" : "no match");
}

void nav_command_key(struct tui *t, int key)
{
    char *line = t->nav.line;
    size_t n = strlen(line);
    t->status[0] = '\0';
    if (is_enter(key))
        run_line(t);
    else if (key == KEY_ESC || (is_erase(key) && n == 0))
        t->mode = MODE_NORMAL;
    else if (is_erase(key))
        line[n - 1] = '\0';
    else if (key == '\t')
        complete(t);
    else if (key == ' ' && n > 0 && line[n - 1] != ' ' && n + 1 < sizeof t->nav.line)
        strcat(line, " ");
    else
        append(line, sizeof t->nav.line, key);
}

/* Rows the picker shows: the names holding what was typed. */
static size_t pick_rows(const struct tui_nav *n, size_t *rows, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n->names.n && k < cap; i++)
        if (n->typed[0] == '\0' || strstr(n->names.v[i], n->typed) != NULL)
            rows[k++] = i;
    return k;
}

static void pick_choose(struct tui *t, const size_t *rows, size_t k)
{
    struct tui_nav *n = &t->nav;
    char name[FT_NAME_MAX];
    if (k > 0)
        text_printf(name, sizeof name, "%s", n->names.v[rows[n->sel < k ? n->sel : 0]]);
    else
        text_printf(name, sizeof name, "%s", n->typed);
    if (name[0] == '\0') {
        t->mode = MODE_NORMAL;
        return;
    }
    if (n->pick == PICK_CONTEXT)
        nav_switch(t, name, NULL, false);
    else if (strcmp(name, "all") == 0)
        nav_switch(t, NULL, NULL, true);
    else if (!cmdline_valid_namespace(name)) {
        tui_set_status(t, EL_STATUS_ERR, "\"%s\" is not a namespace name", name);
        t->mode = MODE_NORMAL;
    } else
        nav_switch(t, NULL, name, false);
}

void nav_pick_key(struct tui *t, int key)
{
    struct tui_nav *n = &t->nav;
    size_t rows[512], k = pick_rows(n, rows, 512);
    bool moving = n->typed[0] == '\0'; /* j and k move until something is typed */
    if (is_enter(key))
        pick_choose(t, rows, k);
    else if (key == KEY_ESC)
        t->mode = MODE_NORMAL;
    else if (key == KEY_UP || (moving && key == 'k'))
        n->sel = n->sel > 0 ? n->sel - 1 : 0;
    else if (key == KEY_DOWN || (moving && key == 'j'))
        n->sel = n->sel + 1 < k ? n->sel + 1 : n->sel;
    else if (key == KEY_HOME)
        n->sel = 0;
    else if (key == KEY_END)
        n->sel = k ? k - 1 : 0;
    else if (is_erase(key) && n->typed[0]) {
        n->typed[strlen(n->typed) - 1] = '\0';
        n->sel = 0;
    } else if (key > 32 && key < 127) {
        append(n->typed, sizeof n->typed, key);
        n->sel = 0;
    }
}

bool nav_ingest(struct tui *t)
{
    struct tui_nav *n = &t->nav;
    struct cmdline_names got = {0};
    char err[FT_TEXT_MAX];
    if (n->ops == NULL || !n->listing)
        return false;
    int r = n->ops->namespaces_take(n->ops->ctx, &got, err, sizeof err);
    if (r == 0)
        return false;
    n->listing = false;
    bool open = t->mode == MODE_PICK && n->pick == PICK_NAMESPACE;
    if (n->discard) { /* listed for the context before the switch: ask the new one */
        n->discard = false;
        cmdline_names_free(&got);
        if (open) {
            n->listing = true;
            n->ops->namespaces_start(n->ops->ctx);
        }
        return false;
    }
    cmdline_names_free(&n->nss);
    n->nss = got;
    if (r < 0 && open)
        text_printf(n->note, sizeof n->note, "cannot list namespaces (%s): type one, Enter", err);
    else if (open) {
        n->note[0] = '\0';
        cmdline_names_free(&n->names);
        cmdline_names_add(&n->names, "all");
        for (size_t i = 0; i < n->nss.n; i++)
            cmdline_names_add(&n->names, n->nss.v[i]);
    }
    return true;
}

/* The command line over the status row, a cursor after what was typed. */
static void draw_line(struct tui *t)
{
    const struct style *st = &t->style;
    char text[sizeof t->nav.line + 4];
    text_printf(text, sizeof text, ":%s_", t->nav.line);
    paint_field(t->win, st, t->lines - 2, 0, t->cols, text, st->attr[EL_NORMAL], PAINT_LEFT);
}

static bool is_current(const struct tui *t, const char *name)
{
    const struct world *w = t->world;
    if (t->nav.pick == PICK_CONTEXT)
        return strcmp(w->context, name) == 0;
    return w->all_namespaces ? strcmp(name, "all") == 0 : strcmp(w->namespace_, name) == 0;
}

static void draw_pick(struct tui *t)
{
    const struct style *st = &t->style;
    struct tui_nav *n = &t->nav;
    size_t rows[512], k = pick_rows(n, rows, 512);
    int w = t->cols < 60 ? t->cols : 60, h = t->lines - 6;
    int x = (t->cols - w) / 2, y = 3, list = h - 5; /* rows of names inside the box */
    char title[96], line[FT_NAME_MAX + 16];
    text_printf(title, sizeof title, " %s%s%s ",
                n->pick == PICK_CONTEXT ? "contexts" : "namespaces",
                n->pick == PICK_NAMESPACE && t->world->context[0] ? " of " : "",
                n->pick == PICK_NAMESPACE ? t->world->context : "");
    for (int r = 0; r < h; r++)
        paint_field(t->win, st, y + r, x, w, "", st->attr[EL_DIALOG], PAINT_LEFT);
    paint_box(t->win, st, y, x, h, w, title, st->attr[EL_DIALOG_BORDER], st->attr[EL_TITLE]);
    if (n->sel >= k)
        n->sel = k ? k - 1 : 0;
    if (n->sel < n->top)
        n->top = n->sel;
    if (list > 0 && n->sel >= n->top + (size_t)list)
        n->top = n->sel - (size_t)list + 1;
    for (int r = 0; r < list && n->top + (size_t)r < k; r++) {
        size_t i = n->top + (size_t)r;
        const char *name = n->names.v[rows[i]];
        bool sel = i == n->sel;
        text_printf(line, sizeof line, "%s %s%s", sel ? st->g->select : " ", name,
                    is_current(t, name) ? "  (current)" : "");
        paint_field(t->win, st, y + 1 + r, x + 1, w - 2, line,
                    sel ? st->attr[EL_SELECTION] : st->attr[EL_DIALOG], PAINT_LEFT);
    }
    if (k == 0 && !n->note[0])
        paint_text(t->win, st, y + 1, x + 2, w - 4,
                   n->typed[0] ? "no name matches: Enter takes it as typed" : "nothing to pick",
                   st->attr[EL_DIM]);
    if (n->note[0])
        paint_text(t->win, st, y + h - 4, x + 2, w - 4, n->note, st->attr[EL_STATUS_ERR]);
    text_printf(line, sizeof line, "type to filter or name one: %s_", n->typed);
    paint_text(t->win, st, y + h - 3, x + 2, w - 4, line, st->attr[EL_DIALOG]);
    paint_text(t->win, st, y + h - 2, x + 2, w - 4, "Up/Down j/k move, Enter switches, Esc cancels",
               st->attr[EL_DIM]);
}

void nav_draw(struct tui *t)
{
    if (t->mode == MODE_COMMAND)
        draw_line(t);
    else if (t->mode == MODE_PICK)
        draw_pick(t);
}
