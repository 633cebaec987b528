/* actions.c - the one action table and the one dispatcher.
 *
 * Every key of every mode is a row here; the help screen and the function bar read the
 * same rows. actions_dispatch() is the only place in the UI that knows about read-only
 * mode, and it refuses by default: a row runs in read-only mode only when it says it is
 * safe, so a new action cannot leak a write (k9s leaked them from ~15 views). */

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/actions.h"
#include "forgetop/audit.h"
#include "forgetop/judge.h"
#include "forgetop/text.h"

#define KEY_ANY   (-1) /* matches any key not listed in the mode */
#define KEY_DIGIT (-2) /* matches 0-9 */
#define KEY_ESC   27

const char actions_read_only_msg[] = "scaling is disabled in read-only mode";
const char actions_replay_msg[] = "a replay is read-only: a recording cannot be scaled";

/* ---- moving around ---------------------------------------------------------------- */

static void move_by(struct tui *t, long delta)
{
    if (t->screen != TUI_OVERVIEW) {
        /* End/G pass LONG_MAX; the other screens clamp what they are given to their text */
        long d = delta > 100000 ? 100000 : delta < -100000 ? -100000 : delta;
        long s = (long)t->scroll + d;
        t->scroll = s < 0 ? 0 : (size_t)s;
        return;
    }
    if (t->focus == FOCUS_METRICS) {
        long m = (long)t->metric_sel + delta, n = (long)t->world->n_metrics;
        t->metric_sel = n == 0 ? 0 : (size_t)(m < 0 ? 0 : m >= n ? n - 1 : m);
        return;
    }
    size_t n;
    const size_t *idx = tui_visible(t, &n);
    if (idx == NULL)
        return;
    size_t cur = tui_row_of_selected(t, idx, n);
    long p = delta < 0 && (size_t)-delta > cur       ? 0
             : delta > 0 && (size_t)delta >= n - cur ? (long)n - 1
                                                     : (long)cur + delta;
    tui_select(t, &t->world->services[idx[p]]);
}

static void act_up(struct tui *t, int key)
{
    move_by(t, key == KEY_PPAGE ? -10 : -1);
}
static void act_down(struct tui *t, int key)
{
    move_by(t, key == KEY_NPAGE ? 10 : 1);
}
static void act_home(struct tui *t, int key)
{
    move_by(t, key == KEY_END || key == 'G' ? LONG_MAX : -LONG_MAX);
}

static void act_open(struct tui *t, int key)
{
    (void)key;
    if (t->screen != TUI_OVERVIEW)
        return;
    if (t->focus == FOCUS_METRICS && t->metric_sel < t->world->n_metrics) {
        const struct service_view *sv =
            world_service(t->world, NULL, t->world->metrics[t->metric_sel].service);
        if (!sv) {
            tui_set_status(t, EL_STATUS_ERR, "no service behind this metric");
            return;
        }
        tui_select(t, sv);
    }
    if (!tui_selected(t))
        return;
    t->screen = TUI_DETAIL;
    t->scroll = 0;
}

static void act_back(struct tui *t, int key)
{
    (void)key;
    if (t->screen == TUI_OVERVIEW && t->n_follow > 0) { /* Esc dismisses a change's report */
        t->n_follow = 0;
        t->follow_text[0] = '\0';
        t->status[0] = '\0';
    }
    t->screen = TUI_OVERVIEW;
    t->scroll = 0;
}

static void act_focus(struct tui *t, int key)
{
    if (t->screen != TUI_OVERVIEW)
        return;
    t->focus = (t->focus + (key == KEY_BTAB ? FOCUS_COUNT - 1 : 1)) % FOCUS_COUNT;
}

static void act_help(struct tui *t, int key)
{
    (void)key;
    t->screen = t->screen == TUI_HELP ? TUI_OVERVIEW : TUI_HELP;
    t->scroll = 0;
}

static void act_alerts(struct tui *t, int key)
{
    (void)key;
    if (frame_alert_count(t) == 0) {
        tui_set_status(t, EL_STATUS_OK, "no alerts");
        return;
    }
    t->screen = TUI_ALERTS;
    t->scroll = 0;
}

static void act_sources(struct tui *t, int key)
{
    (void)key;
    t->screen = t->screen == TUI_SOURCES ? TUI_OVERVIEW : TUI_SOURCES;
    t->scroll = 0;
}

static void act_quit(struct tui *t, int key)
{
    if (t->screen != TUI_OVERVIEW && key == 'q') { /* q leaves a sub-screen first, as in htop */
        act_back(t, key);
        return;
    }
    t->quit = true;
}

static void act_redraw(struct tui *t, int key)
{
    (void)key;
    t->repaint = true;
}

static void act_theme(struct tui *t, int key)
{
    (void)key;
    char err[160];
    int next = (t->theme_index + 1) % (int)theme_count;
    if (tui_set_theme(t, theme_names[next], err, sizeof err) < 0) {
        tui_set_status(t, EL_STATUS_ERR, "%s", err);
        return;
    }
    tui_set_status(t, EL_STATUS_OK, "theme %s%s", theme_names[next],
                   t->colours ? "" : " (this terminal shows no colours: attributes only)");
}

/* ---- filter ----------------------------------------------------------------------- */

static void act_filter(struct tui *t, int key)
{
    (void)key;
    t->screen = TUI_OVERVIEW;
    t->mode = MODE_FILTER;
}

static void filter_input(struct tui *t, int key)
{
    size_t n = strlen(t->filter);
    if ((key == KEY_BACKSPACE || key == 127 || key == 8) && n > 0)
        t->filter[n - 1] = '\0';
    else if (key >= 0x20 && key < 0x7f && isprint(key) && n + 1 < sizeof t->filter)
        t->filter[n] = (char)key, t->filter[n + 1] = '\0';
}

static void filter_done(struct tui *t, int key)
{
    if (key == KEY_ESC)
        t->filter[0] = '\0';
    t->mode = MODE_NORMAL;
    t->top = 0;
}

/* ---- changes ---------------------------------------------------------------------- */

static const char *src_name(const struct tui *t, const struct service_view *sv)
{
    return t->world->sources[sv->source].name;
}

/* The RBAC answer of sv's source, NULL when it has given none. */
static const struct access *access_of(const struct tui *t, const struct service_view *sv)
{
    const struct snapshot *s =
        sv->source < t->world->n_sources ? t->world->snaps[sv->source] : NULL;
    return s != NULL ? &s->access : NULL;
}

/* The request a change of sv to `to` would send (to -1: no count typed yet). */
static void request_of(const struct tui *t, const struct service_view *sv, int to,
                       const char *reason, struct scale_request *req)
{
    memset(req, 0, sizeof *req);
    text_printf(req->source, sizeof req->source, "%s", src_name(t, sv));
    text_printf(req->service, sizeof req->service, "%s", sv->svc.name);
    text_printf(req->namespace_, sizeof req->namespace_, "%s", sv->svc.namespace_);
    req->from = sv->svc.desired;
    req->to = to;
    text_printf(req->reason, sizeof req->reason, "%s", reason);
}

/* Why sv cannot go to `to`, or NULL: the actuator's own judgement (read-only,
 * production, RBAC, bounds, preconditions) and a source that cannot scale. A refusal
 * here is audited as one, so no dialog opens that could never be applied. */
static const char *cannot(struct tui *t, const struct service_view *sv, int to, const char *reason,
                          char *buf, size_t len)
{
    struct scale_request req;
    struct service target;
    request_of(t, sv, to, reason, &req);
    world_scale_target(sv, &target);
    buf[0] = '\0';
    if (t->act)
        actuator_judge(t->act, &req, &target, access_of(t, sv), buf, len);
    if (!buf[0] && t->poller && !poller_can_scale(t->poller, src_name(t, sv)))
        text_printf(buf, len, "%s: source %s cannot scale", sv->svc.name, src_name(t, sv));
    if (!buf[0])
        return NULL;
    if (t->act)
        actuator_record(t->act, &req, "refused", buf, t->now);
    return buf;
}

/* Changes start where a service is in view: the overview or its detail. */
static bool in_view(struct tui *t)
{
    if (t->screen == TUI_OVERVIEW || t->screen == TUI_DETAIL)
        return true;
    tui_set_status(t, EL_DIM, "changes start from the dashboard or a service: Esc goes back");
    t->mode = MODE_NORMAL;
    return false;
}

static void target_reason(char *out, size_t len, const struct service_view *sv, int delta, int set,
                          int to)
{
    if (set < 0 && !delta)
        text_printf(out, len, "recommendation: %s", sv->rec.reason);
    else if (set >= 0)
        text_printf(out, len, "operator set the count to %d", to);
    else
        text_printf(out, len, "operator asked for %s replica",
                    delta > 0 ? "one more" : "one fewer");
}

static void add_skipped(struct tui *t, const char *why)
{
    size_t n = strlen(t->skipped);
    text_printf(t->skipped + n, sizeof t->skipped - n, "%s%s", n ? "; " : "", why);
}

/* sv, from -> to, becomes the next target of the dialog, frozen by name. */
static void freeze_target(struct tui *t, const struct service_view *sv, int from, int to,
                          const char *reason)
{
    struct tui_target *g = &t->targets[t->n_targets++];
    g->source = sv->source;
    text_printf(g->source_name, sizeof g->source_name, "%s", src_name(t, sv));
    text_printf(g->service, sizeof g->service, "%s", sv->svc.name);
    text_printf(g->namespace_, sizeof g->namespace_, "%s", sv->svc.namespace_);
    g->from = from;
    g->to = to;
    text_printf(g->reason, sizeof g->reason, "%s", reason);
}

static void act_set(struct tui *t, int key);
static void propose_hold(struct tui *t, int n);

/* Freeze the targets for kind ("+1", "-1", "set", "recommendation"), then confirm. A
 * count typed for several services is the same count for all (the prompt says so). */
static void propose(struct tui *t, const char *kind, int delta, int set)
{
    if (!in_view(t))
        return;
    const struct service_view *svs[TUI_MAX_TARGETS];
    size_t n = tui_targets(t, svs);
    char why[FT_TEXT_MAX] = "", reason[FT_TEXT_MAX];
    t->n_targets = 0;
    t->n_follow = 0; /* a new change: the last one's report has been read */
    t->follow_text[0] = '\0';
    t->skipped[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const struct service_view *sv = svs[i];
        int to = set >= 0 ? set : delta ? sv->svc.desired + delta : sv->rec.replicas;
        if (!delta && set < 0 && !sv->rec.changes) {
            text_printf(why, sizeof why, "%s: already at its recommendation (%d)", sv->svc.name,
                        sv->svc.desired);
            add_skipped(t, why);
            continue;
        }
        if (to == sv->svc.desired) {
            text_printf(why, sizeof why, "%s: already at %d", sv->svc.name, to);
            add_skipped(t, why);
            continue;
        }
        target_reason(reason, sizeof reason, sv, delta, set, to);
        if (cannot(t, sv, to, reason, why, sizeof why)) {
            add_skipped(t, why);
            continue;
        }
        freeze_target(t, sv, sv->svc.desired, to, reason);
    }
    if (t->n_targets == 0) {
        tui_set_status(t, EL_STATUS_ERR, "%s", t->skipped[0] ? t->skipped : "no service selected");
        t->mode = MODE_NORMAL;
        return;
    }
    text_printf(t->kind, sizeof t->kind, "%s", kind);
    t->op = OP_SCALE;
    t->mode = MODE_CONFIRM;
    t->moved_shown = false;
    t->second = false;
    t->status[0] = '\0';
}

/* The autoscaler's minimum for m: KEDA's minReplicaCount on the ScaledObject (never the
 * HPA it generates), else the HPA's minReplicas. */
static void min_request(const struct service_view *sv, struct scale_request *req)
{
    const struct autoscaler *a = &sv->svc.autoscaler;
    req->set_autoscaler_min = true;
    req->keda = strcmp(a->kind, "KEDA") == 0;
    req->from = req->keda ? autoscaler_keda(a)->min : a->min;
    text_printf(req->object, sizeof req->object, "%s",
                req->keda ? autoscaler_keda(a)->object : a->name);
}

bool actions_hold_request(const struct tui *t, const struct service_view *sv, int to,
                          struct scale_request *req, char *why, size_t len)
{
    const struct autoscaler *a = &sv->svc.autoscaler;
    bool keda = a->present && strcmp(a->kind, "KEDA") == 0;
    int prev = -1;
    request_of(t, sv, to,
               t->op == OP_RESUME ? "operator resumed the autoscaler" : "operator held the count",
               req);
    req->hold = t->op == OP_HOLD;
    req->resume = t->op == OP_RESUME;
    why[0] = '\0';
    if (!a->present || (!keda && strcmp(a->kind, "HPA") != 0)) {
        text_printf(why, len, "%s has no autoscaler to hold: nothing else changes its count",
                    sv->svc.name);
        return false;
    }
    if (keda) {
        req->keda = true;
        const struct keda_scaler *k = autoscaler_keda(a);
        text_printf(req->object, sizeof req->object, "%s", k->object);
        if (req->resume)
            req->from = k->held ? k->paused_at : -1, req->to = -1;
        else
            text_printf(req->reason, sizeof req->reason, "operator held the count at %d", to);
        return true;
    }
    min_request(sv, req); /* an HPA: the most it allows is a minimum */
    req->to = to;
    if (req->resume && (!t->act || audit_held_min(t->act->audit_path, a->name, &prev) < 0)) {
        text_printf(why, len, "%s: no hold of %s in the audit log to restore", sv->svc.name,
                    a->name);
        return false;
    }
    if (req->resume)
        req->to = prev;
    return true;
}

/* sv's hold or resume at n, judged by the actuator; false (audited as refused) with why. */
static bool hold_judged(struct tui *t, const struct service_view *sv, int n,
                        struct scale_request *req, char *why, size_t len)
{
    struct service target;
    if (actions_hold_request(t, sv, n, req, why, len)) {
        world_scale_target(sv, &target);
        if (t->act)
            actuator_judge(t->act, req, &target, access_of(t, sv), why, len);
    }
    if (!why[0])
        return true;
    if (t->act)
        actuator_record(t->act, req, "refused", why, t->now);
    return false;
}

/* H (after the count) and U: the marked services, else the selected one, as + and - do;
 * each judged by the actuator before the one dialog, the refused ones left out. */
static void propose_hold(struct tui *t, int n)
{
    const struct service_view *svs[TUI_MAX_TARGETS];
    size_t nt = in_view(t) ? tui_targets(t, svs) : 0;
    char why[FT_TEXT_MAX];
    t->mode = MODE_NORMAL;
    t->n_targets = 0;
    t->skipped[0] = '\0';
    for (size_t i = 0; i < nt; i++) {
        const struct service_view *sv = svs[i];
        struct scale_request req;
        why[0] = '\0';
        if (!hold_judged(t, sv, n, &req, why, sizeof why)) {
            add_skipped(t, why);
            continue;
        }
        freeze_target(t, sv, req.from, req.to, req.reason);
    }
    if (t->n_targets == 0) {
        if (t->skipped[0])
            tui_set_status(t, EL_STATUS_ERR, "%s", t->skipped);
        return;
    }
    text_printf(t->kind, sizeof t->kind, "%s", t->op == OP_HOLD ? "hold" : "resume");
    t->n_follow = 0;
    t->follow_text[0] = '\0';
    t->mode = MODE_CONFIRM;
    t->moved_shown = true; /* the actuator checks the count it was frozen with */
    t->second = false;
}

static void act_hold(struct tui *t, int key)
{
    act_set(t, key);
    t->op = OP_HOLD;
}

static void act_resume(struct tui *t, int key)
{
    (void)key;
    t->op = OP_RESUME;
    propose_hold(t, -1);
}

static void act_scale_up(struct tui *t, int key)
{
    (void)key;
    propose(t, "+1", 1, -1);
}
static void act_scale_down(struct tui *t, int key)
{
    (void)key;
    propose(t, "-1", -1, -1);
}
static void act_accept(struct tui *t, int key)
{
    (void)key;
    propose(t, "recommendation", 0, -1);
}

static void act_mark(struct tui *t, int key)
{
    (void)key;
    if (!in_view(t))
        return;
    const struct service_view *sv = tui_selected(t);
    if (!sv)
        return;
    if (!tui_mark_toggle(t, sv))
        tui_set_status(t, EL_STATUS_ERR, "%d services marked already: the most one change takes",
                       TUI_MAX_TARGETS);
    move_by(t, 1);
}

static void act_set(struct tui *t, int key)
{
    (void)key;
    t->op = OP_SCALE;
    if (!in_view(t))
        return;
    const struct service_view *sv = tui_selected(t);
    if (!sv)
        return;
    text_printf(t->count_text, sizeof t->count_text, "%d", sv->svc.desired);
    t->n_follow = 0;
    t->follow_text[0] = '\0';
    t->count_fresh = true;
    t->mode = MODE_COUNT;
}

static void count_digit(struct tui *t, int key)
{
    size_t n = t->count_fresh ? 0 : strlen(t->count_text);
    t->count_fresh = false;
    if (n + 1 < 5)
        t->count_text[n++] = (char)key;
    t->count_text[n] = '\0';
}

static void count_adjust(struct tui *t, int key)
{
    int v = 0;
    sscanf(t->count_text, "%d", &v);
    v += (key == '-' || key == KEY_DOWN) ? -1 : 1;
    text_printf(t->count_text, sizeof t->count_text, "%d", v < 0 ? 0 : v);
    t->count_fresh = false;
}

static void count_erase(struct tui *t, int key)
{
    (void)key;
    size_t n = strlen(t->count_text);
    if (n)
        t->count_text[n - 1] = '\0';
    t->count_fresh = false;
}

static void count_ok(struct tui *t, int key)
{
    (void)key;
    int v = -1;
    if (sscanf(t->count_text, "%d", &v) != 1 || v < 0) {
        tui_set_status(t, EL_STATUS_ERR, "type a replica count");
        return;
    }
    if (t->op == OP_HOLD)
        propose_hold(t, v);
    else
        propose(t, "set", 0, v);
}

/* What a confirmation that was not given records: each target, declined. */
static void record_declined(struct tui *t, bool set_min)
{
    char danger[FT_TEXT_MAX], why[FT_TEXT_MAX + 48];
    bool dangerous = confirm_dangers(t, danger, sizeof danger);
    if (t->second && dangerous)
        text_printf(why, sizeof why, "declined the second confirmation: %s", danger);
    else
        text_printf(why, sizeof why, "cancelled at the confirmation");
    for (size_t i = 0; i < t->n_targets && t->act; i++) {
        const struct tui_target *g = &t->targets[i];
        const struct service_view *sv =
            world_service_ns(t->world, g->source_name, g->namespace_, g->service);
        struct scale_request req;
        if (!sv)
            continue;
        char no[FT_TEXT_MAX];
        if (t->op != OP_SCALE && !actions_hold_request(t, sv, g->to, &req, no, sizeof no))
            continue;
        if (t->op == OP_SCALE) {
            request_of(t, sv, g->to, g->reason, &req);
            if (set_min)
                min_request(sv, &req);
            else
                req.from = g->from;
        }
        actuator_record(t->act, &req, "declined", why, t->now);
    }
}

static void cancel(struct tui *t, int key)
{
    (void)key;
    if (t->mode == MODE_CONFIRM) {
        record_declined(t, t->second && t->second_min);
        tui_set_status(t, EL_STATUS_OK, "cancelled: nothing changed");
    }
    t->mode = MODE_NORMAL;
    t->n_targets = 0;
    t->second = false;
}

/* The one target whose autoscaler minimum m would raise instead of the count, or NULL.
 * Only a single HPA-owned change upwards: below the minimum the HPA already keeps it. */
const struct tui_target *confirm_min_target(const struct tui *t)
{
    if (t->n_targets != 1)
        return NULL;
    const struct tui_target *g = &t->targets[0];
    const struct service_view *sv =
        world_service_ns(t->world, g->source_name, g->namespace_, g->service);
    const struct autoscaler *a = sv ? &sv->svc.autoscaler : NULL;
    bool keda = a && a->present && strcmp(a->kind, "KEDA") == 0;
    if (t->op != OP_SCALE || !a || !a->present || (!keda && strcmp(a->kind, "HPA") != 0))
        return NULL;
    const struct access *acc = access_of(t, sv);
    if (acc && (keda ? acc->keda : acc->hpa_min) == PERM_DENIED)
        return NULL; /* the dialog says why m is not offered */
    return g->to > (keda ? autoscaler_keda(a)->min : a->min) ? g : NULL;
}

bool confirm_dangers(const struct tui *t, char *out, size_t len)
{
    bool any = false;
    out[0] = '\0';
    for (size_t i = 0; i < t->n_targets && t->op == OP_SCALE; i++) {
        const struct tui_target *g = &t->targets[i];
        const struct service_view *sv =
            world_service_ns(t->world, g->source_name, g->namespace_, g->service);
        struct judgement j;
        if (!sv)
            continue;
        judge_change(t->world, sv, g->to, t->now, &j);
        if (!j.needs_second)
            continue;
        size_t n = strlen(out);
        text_printf(out + n, len - n, "%s%s: %s", n ? "; " : "", g->service, j.danger);
        any = true;
    }
    return any;
}

/* The request for target g; for m, the autoscaler's minimum is what changes. */
static void target_request(const struct tui *t, const struct tui_target *g,
                           const struct service_view *sv, bool set_min, const char *danger,
                           struct scale_request *req)
{
    request_of(t, sv, g->to, g->reason, req);
    text_printf(req->namespace_, sizeof req->namespace_, "%s", g->namespace_);
    req->from = g->from;
    text_printf(req->danger, sizeof req->danger, "%s", danger);
    if (set_min)
        min_request(sv, req);
}

static void follow_start(struct tui *t, const struct scale_request *req, bool sent, const char *why)
{
    if (t->n_follow >= TUI_MAX_TARGETS)
        return;
    struct tui_follow *f = &t->follow[t->n_follow++];
    memset(f, 0, sizeof *f);
    text_printf(f->source_name, sizeof f->source_name, "%s", req->source);
    text_printf(f->service, sizeof f->service, "%s", req->service);
    f->from = req->from;
    f->to = req->to;
    f->set_min = req->set_autoscaler_min || req->keda; /* no count to follow */
    f->hold = req->hold || req->resume;
    f->resume = req->resume;
    f->state = sent ? FOLLOW_PENDING : FOLLOW_REFUSED;
    text_printf(f->msg, sizeof f->msg, "%s", why); /* "scaling api 5 -> 6", or the refusal */
}

/* Hand each frozen target to the actuator, which decides; set_min asks the source to
 * raise the autoscaler's minReplicas instead of writing a count it would undo. A change
 * with a danger (judge.h) takes a second y, which names it. */
static void confirm_send(struct tui *t, bool set_min)
{
    char why[FT_TEXT_MAX], danger[FT_TEXT_MAX] = "";
    for (size_t i = 0; i < t->n_targets; i++) {
        const struct tui_target *g = &t->targets[i];
        const struct service_view *sv =
            world_service_ns(t->world, g->source_name, g->namespace_, g->service);
        if (sv && sv->svc.desired != g->from && !t->moved_shown)
            return; /* the dialog has not yet shown the move: this key does not count */
    }
    if (confirm_dangers(t, danger, sizeof danger) && !t->second) {
        t->second = true; /* the dialog now names the danger and asks again */
        t->second_min = set_min;
        return;
    }
    if (t->second)
        set_min = t->second_min; /* the second key confirms the first key's choice */
    t->mode = MODE_NORMAL;
    t->second = false;
    t->n_follow = 0;
    t->follow_text[0] = '\0';
    for (size_t i = 0; i < t->n_targets; i++) {
        const struct tui_target *g = &t->targets[i];
        const struct service_view *sv =
            world_service_ns(t->world, g->source_name, g->namespace_, g->service);
        struct scale_request req;
        if (!sv) {
            memset(&req, 0, sizeof req);
            text_printf(req.source, sizeof req.source, "%s", g->source_name);
            text_printf(req.service, sizeof req.service, "%s", g->service);
            req.from = g->from, req.to = g->to;
            text_printf(why, sizeof why, "%s is gone from %s", g->service, g->source_name);
            if (t->act)
                actuator_record(t->act, &req, "refused", why, t->now);
            follow_start(t, &req, false, why);
            continue;
        }
        char no[FT_TEXT_MAX];
        if (t->op != OP_SCALE && !actions_hold_request(t, sv, g->to, &req, no, sizeof no)) {
            follow_start(t, &req, false, no);
            continue;
        }
        if (t->op == OP_SCALE)
            target_request(t, g, sv, set_min, danger, &req);
        struct service target;
        world_scale_target(sv, &target);
        bool sent = actuator_request(t->act, &req, &target, access_of(t, sv), t->now, why,
                                     sizeof why) == ACT_SUBMITTED;
        follow_start(t, &req, sent, why);
    }
    tui_follow(t);
    t->n_marks = 0;
    t->n_targets = 0;
}

/* y: the count as shown. */
static void confirm_apply(struct tui *t, int key)
{
    (void)key;
    confirm_send(t, false);
}

/* m: the autoscaler's minimum instead, when the dialog offered it; else m cancels. */
static void confirm_apply_min(struct tui *t, int key)
{
    if (confirm_min_target(t) == NULL) {
        cancel(t, key);
        return;
    }
    confirm_send(t, true);
}

/* ---- the table's order ---------------------------------------------------------- */

static void act_sort_list(struct tui *t, int key)
{
    (void)key;
    if (t->screen != TUI_OVERVIEW)
        return;
    t->sort_pick = t->sort;
    t->mode = MODE_SORT;
}

/* < and > move the sort a column left or right; in a replay they are its speed keys. */
static void act_sort_move(struct tui *t, int key)
{
    if (t->replay != NULL) {
        tui_replay_key(t, key);
        return;
    }
    if (t->screen != TUI_OVERVIEW)
        return;
    int s = (int)t->sort + (key == '<' ? -1 : 1);
    tui_sort_set(t, (enum tui_sort)((s + SORT_N) % SORT_N));
}

static void act_sort_invert(struct tui *t, int key)
{
    (void)key;
    if (t->screen == TUI_OVERVIEW)
        t->sort_desc = !t->sort_desc;
}

static void sort_pick_move(struct tui *t, int key)
{
    int s = (int)t->sort_pick + (key == KEY_UP || key == 'k' ? -1 : 1);
    t->sort_pick = (enum tui_sort)((s + SORT_N) % SORT_N);
}

/* Enter sorts by the highlighted column (the one already sorted by keeps its direction);
 * I sorts by it the other way round. */
static void sort_pick_done(struct tui *t, int key)
{
    bool desc = t->sort_desc;
    if (t->sort_pick != t->sort)
        tui_sort_set(t, t->sort_pick);
    else
        t->sort_desc = desc;
    if (key == 'I')
        t->sort_desc = !t->sort_desc;
    t->mode = MODE_NORMAL;
}

static void sort_pick_cancel(struct tui *t, int key)
{
    (void)key;
    t->mode = MODE_NORMAL;
}

/* The replay's keys (tui/replay.c); outside a replay they say so. */
static void act_replay(struct tui *t, int key)
{
    tui_replay_key(t, key);
}

/* ---- the table -------------------------------------------------------------------- */

#define SAFE   ACT_READ_ONLY_SAFE
#define CHANGE (ACT_MUTATES | ACT_CONFIRMS)
#define ENTER  '\n', '\r', KEY_ENTER

static const struct action table[] = {
    {"help", "? F1", {'?', KEY_F(1)}, "keys and what they do", "Help", SAFE, MODE_NORMAL, act_help},
    {"up",
     "Up k PgUp",
     {KEY_UP, 'k', KEY_PPAGE},
     "select the row above",
     NULL,
     SAFE,
     MODE_NORMAL,
     act_up},
    {"down",
     "Down j PgDn",
     {KEY_DOWN, 'j', KEY_NPAGE},
     "select the row below",
     NULL,
     SAFE,
     MODE_NORMAL,
     act_down},
    {"first-last",
     "Home g End G",
     {KEY_HOME, 'g', KEY_END, 'G'},
     "first or last row",
     NULL,
     SAFE,
     MODE_NORMAL,
     act_home},
    {"detail",
     "Enter",
     {ENTER},
     "open the selected service",
     "Detail",
     SAFE,
     MODE_NORMAL,
     act_open},
    {"back",
     "Esc Left h",
     {KEY_ESC, KEY_LEFT, 'h'},
     "back to the overview",
     NULL,
     SAFE,
     MODE_NORMAL,
     act_back},
    {"scale-up",
     "+ =",
     {'+', '='},
     "one more replica (confirms first)",
     "More",
     CHANGE,
     MODE_NORMAL,
     act_scale_up},
    {"scale-down",
     "-",
     {'-'},
     "one fewer replica (confirms first)",
     "Less",
     CHANGE,
     MODE_NORMAL,
     act_scale_down},
    {"set-count",
     "s",
     {'s'},
     "type a replica count (confirms first)",
     "Set",
     CHANGE,
     MODE_NORMAL,
     act_set},
    {"accept",
     "a",
     {'a'},
     "apply the recommendation (confirms first)",
     "Accept",
     CHANGE,
     MODE_NORMAL,
     act_accept},
    {"hold",
     "H",
     {'H'},
     "hold at a count: KEDA's paused-replicas, or an HPA's minimum raised (confirms first)",
     NULL,
     CHANGE,
     MODE_NORMAL,
     act_hold},
    {"resume",
     "U",
     {'U'},
     "resume what H held: the pause lifted, or the HPA's old minimum (confirms first)",
     NULL,
     CHANGE,
     MODE_NORMAL,
     act_resume},
    {"mark",
     "Space",
     {' '},
     "mark services for one change together",
     "Mark",
     ACT_MUTATES,
     MODE_NORMAL,
     act_mark},
    {"filter",
     "/",
     {'/'},
     "show only services whose name has the text",
     "Filter",
     SAFE,
     MODE_NORMAL,
     act_filter},
    {"theme",
     "t",
     {'t'},
     "next theme: dark, light, mono, high-contrast",
     "Theme",
     SAFE,
     MODE_NORMAL,
     act_theme},
    {"redraw",
     "Ctrl-L",
     {TUI_KEY_CTRL('l')},
     "repaint the whole screen",
     NULL,
     SAFE,
     MODE_NORMAL,
     act_redraw},
    {"quit",
     "q F10",
     {'q', KEY_F(10)},
     "quit (q leaves a sub-screen first)",
     "Quit",
     SAFE,
     MODE_NORMAL,
     act_quit},
    {"panel",
     "Tab",
     {'\t', KEY_BTAB},
     "move between services and metrics",
     "Panel",
     SAFE,
     MODE_NORMAL,
     act_focus},
    {"alerts",
     "A",
     {'A'},
     "the alerts the sources report",
     "Alerts",
     SAFE,
     MODE_NORMAL,
     act_alerts},
    {"sources",
     "S",
     {'S'},
     "every source: state, age, interval, failed polls, its error whole",
     NULL,
     SAFE,
     MODE_NORMAL,
     act_sources},
    {"sort-by",
     "F6",
     {KEY_F(6)},
     "choose the column the services are sorted by",
     NULL,
     SAFE,
     MODE_NORMAL,
     act_sort_list},
    {"sort-move",
     "< >",
     {'<', '>'},
     "sort by the column left or right (a replay: its speed)",
     NULL,
     SAFE,
     MODE_NORMAL,
     act_sort_move},
    {"sort-invert",
     "I",
     {'I'},
     "invert the sort: highest or lowest first",
     NULL,
     SAFE,
     MODE_NORMAL,
     act_sort_invert},
    {"replay-pause", "p", {'p'}, "replay: pause or play", NULL, SAFE, MODE_NORMAL, act_replay},
    {"replay-step",
     ", .",
     {',', '.'},
     "replay: one poll back or forward",
     NULL,
     SAFE,
     MODE_NORMAL,
     act_replay},
    {"replay-jump",
     "[ ] { }",
     {'[', ']', '{', '}'},
     "replay: 1 minute back or forward; { } 10 minutes",
     NULL,
     SAFE,
     MODE_NORMAL,
     act_replay},
    {"replay-speed",
     "< >",
     {'<', '>'},
     "replay: slower or faster, x1 to x60",
     NULL,
     SAFE,
     MODE_NORMAL,
     act_replay},
    {"replay-attempt",
     "( )",
     {'(', ')'},
     "replay: the scale attempt before or after",
     NULL,
     SAFE,
     MODE_NORMAL,
     act_replay},
    {"command",
     ":",
     {':'},
     ":ctx NAME, :ns NAME, :ns all; :ctx or :ns alone picks (replay: go to a time)",
     NULL,
     SAFE,
     MODE_NORMAL,
     nav_open},

    {"filter-done",
     "Enter Esc",
     {ENTER, KEY_ESC},
     "keep the filter (Esc clears it)",
     NULL,
     SAFE,
     MODE_FILTER,
     filter_done},
    {"filter-type",
     "text",
     {KEY_ANY},
     "type to filter, Backspace erases",
     NULL,
     SAFE,
     MODE_FILTER,
     filter_input},

    {"count-digit",
     "0-9",
     {KEY_DIGIT},
     "the first digit replaces the count",
     NULL,
     ACT_MUTATES,
     MODE_COUNT,
     count_digit},
    {"count-adjust",
     "+ - Up Down",
     {'+', '=', '-', KEY_UP, KEY_DOWN},
     "adjust the count by one",
     NULL,
     ACT_MUTATES,
     MODE_COUNT,
     count_adjust},
    {"count-erase",
     "Backspace",
     {KEY_BACKSPACE, 127, 8},
     "erase a digit",
     NULL,
     ACT_MUTATES,
     MODE_COUNT,
     count_erase},
    {"count-ok", "Enter", {ENTER}, "confirm the count", NULL, CHANGE, MODE_COUNT, count_ok},
    {"count-cancel", "Esc", {KEY_ANY}, "any other key cancels", NULL, SAFE, MODE_COUNT, cancel},

    {"apply", "y", {'y'}, "apply the change shown", NULL, ACT_MUTATES, MODE_CONFIRM, confirm_apply},
    {"apply-min",
     "m",
     {'m'},
     "raise the autoscaler's minimum instead (KEDA: the ScaledObject's), when offered",
     NULL,
     ACT_MUTATES,
     MODE_CONFIRM,
     confirm_apply_min},
    {"cancel", "any other", {KEY_ANY}, "cancel: nothing changes", NULL, SAFE, MODE_CONFIRM, cancel},

    {"command-type",
     "text Tab",
     {KEY_ANY},
     "Tab completes; Enter runs, Esc gives up",
     NULL,
     SAFE,
     MODE_COMMAND,
     nav_command_key},
    {"pick",
     "Up Down Enter",
     {KEY_ANY},
     "move, Enter switches, type to filter or to name one, Esc cancels",
     NULL,
     SAFE,
     MODE_PICK,
     nav_pick_key},
    {"sort-choose",
     "Up Down",
     {KEY_UP, KEY_DOWN, 'k', 'j'},
     "choose a column",
     NULL,
     SAFE,
     MODE_SORT,
     sort_pick_move},
    {"sort-pick",
     "Enter I",
     {ENTER, 'I'},
     "sort by it (I: the other way round)",
     NULL,
     SAFE,
     MODE_SORT,
     sort_pick_done},
    {"sort-cancel",
     "Esc",
     {KEY_ANY},
     "any other key leaves the order as it was",
     NULL,
     SAFE,
     MODE_SORT,
     sort_pick_cancel},

    {"goto-type",
     "text",
     {KEY_ANY},
     "03:12, 03:12:40 (UTC), -15m; Enter goes, Esc gives up",
     NULL,
     SAFE,
     MODE_GOTO,
     act_replay},
};

const struct action *actions_table(size_t *n)
{
    *n = sizeof table / sizeof table[0];
    return table;
}

static const struct action *find(enum tui_mode mode, int key)
{
    const struct action *any = NULL;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        const struct action *a = &table[i];
        if (a->mode != mode)
            continue;
        for (size_t k = 0; k < ACTION_MAX_KEYS && a->codes[k]; k++) {
            if (a->codes[k] == key || (a->codes[k] == KEY_DIGIT && key >= '0' && key <= '9'))
                return a;
            if (a->codes[k] == KEY_ANY && !any)
                any = a;
        }
    }
    return any;
}

/* A change refused before it began (read-only): one audit line per service it named,
 * with the count the key would have asked for (none for s: no count was typed). */
static void record_refused_key(struct tui *t, const struct action *a, const char *why)
{
    const struct service_view *svs[TUI_MAX_TARGETS];
    size_t n = (t->screen == TUI_OVERVIEW || t->screen == TUI_DETAIL) ? tui_targets(t, svs) : 0;
    for (size_t i = 0; i < n && t->act; i++) {
        const struct service_view *sv = svs[i];
        int to = a->run == act_scale_up     ? sv->svc.desired + 1
                 : a->run == act_scale_down ? sv->svc.desired - 1
                 : a->run == act_accept     ? sv->rec.replicas
                                            : -1;
        char reason[FT_TEXT_MAX];
        text_printf(reason, sizeof reason, "key %s (%s)", a->keys, a->name);
        struct scale_request req;
        request_of(t, sv, to, reason, &req);
        req.hold = a->run == act_hold;
        req.resume = a->run == act_resume;
        actuator_record(t->act, &req, "refused", why, t->now);
    }
}

void actions_dispatch(struct tui *t, int key)
{
    const struct action *a = find(t->mode, key);
    if (!a)
        return;
    if (t->replay != NULL && !(a->flags & ACT_READ_ONLY_SAFE)) {
        /* a recording is shown, not a cluster: nothing is sent and nothing audited */
        tui_set_status(t, EL_STATUS_ERR, "%s", actions_replay_msg);
        t->mode = MODE_NORMAL;
        t->n_targets = 0;
        return;
    }
    if (t->read_only && !(a->flags & ACT_READ_ONLY_SAFE)) {
        char why[FT_TEXT_MAX] = "";
        if (t->act)
            actuator_read_only_why(t->act, why, sizeof why);
        if (a->flags & ACT_CONFIRMS)
            record_refused_key(t, a, why[0] ? why : actions_read_only_msg);
        tui_set_status(t, EL_STATUS_ERR, "%s", why[0] ? why : actions_read_only_msg);
        t->mode = MODE_NORMAL;
        t->n_targets = 0;
        return;
    }
    a->run(t, key);
}
