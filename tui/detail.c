/* detail.c - one service (Enter): replicas and bounds, the autoscaler that owns it,
 * resources and use, the full recommendation reasoning and what it predicts, larger
 * charts of cpu, memory and ready replicas, and its pods where the source gives them.
 * A service that is not ready trades the charts for why: its reason, conditions,
 * ReplicaSets and newest events. */

#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include "forgetop/audit.h"
#include "forgetop/gauge.h"
#include "forgetop/paint.h"
#include "forgetop/sparkline.h"
#include "forgetop/table.h"
#include "forgetop/text.h"
#include "forgetop/tui.h"
#include "forgetop/why.h"

#define CHART_STEP_S SERIES_STEP_S /* a cell is a slot of the service's series */
#define AXIS_W       5             /* "100 " left of a chart */

static int line(struct tui *t, int y, int x, int w, const char *label, const char *text, attr_t a)
{
    const struct style *st = &t->style;
    paint_text(t->win, st, y, x, 12, label, st->attr[EL_DIM]);
    paint_text(t->win, st, y, x + 13, w - 13, text, a);
    return 1;
}

/* Wrap text over at most max rows of width w; returns the rows used. */
static int wrapped(struct tui *t, int y, int x, int w, const char *text, int max, attr_t a)
{
    const char *p = text;
    int rows = 0;
    while (*p && rows < max && w > 4) {
        size_t len = strlen(p), take = len;
        if ((int)len > w) {
            take = (size_t)w;
            while (take > (size_t)w / 2 && p[take] != ' ' && p[take] != ';')
                take--;
        }
        char buf[512];
        text_printf(buf, sizeof buf, "%.*s", (int)take, p);
        paint_text(t->win, &t->style, y + rows++, x, w, buf, a);
        p += take;
        while (*p == ' ')
            p++;
    }
    return rows;
}

/* " · its cpu 92%/70%, memory 116%/80%": the autoscaler's own figures, as it reports them */
static void autoscaler_metrics(const struct autoscaler *a, char *b, size_t len)
{
    const char *names[2] = {"cpu", "memory"};
    const double cur[2] = {a->cpu_current, a->mem_current};
    const double target[2] = {a->cpu_target, a->mem_target};
    size_t n = 0;
    for (int i = 0; i < 2; i++) {
        if (!(target[i] > 0))
            continue;
        char c[16] = "?";
        if (!isnan(cur[i]))
            text_printf(c, sizeof c, "%.0f%%", cur[i]);
        text_printf(b + n, len - n, "%s%s %s/%.0f%%", n ? ", " : "its ", names[i], c, target[i]);
        n = strlen(b);
    }
}

static void autoscaler_line(const struct style *st, const struct autoscaler *a, char *b, size_t len)
{
    char wants[FT_TEXT_MAX + 16], m[96] = "";
    /* an HPA that cannot compute leaves desiredReplicas 0: that is no count */
    const char *inactive = model_text(a->inactive);
    if (inactive[0])
        text_printf(wants, sizeof wants, "%s: cannot compute, leaves the count", inactive);
    else if (a->desired_known)
        text_printf(wants, sizeof wants, "wants %d", a->desired);
    else
        text_printf(wants, sizeof wants, "no count yet");
    if (!inactive[0]) /* it has no current figures then */
        autoscaler_metrics(a, m, sizeof m);
    /* ScalingActive is already in `wants`; other conditions follow */
    const char *cond = inactive[0] ? "" : model_text(a->conditions);
    text_printf(b, len, "%s %s, %d..%d, %s%s%s%s%s", a->kind, a->name, a->min, a->max, wants,
                m[0] ? st->g->sep : "", m, cond[0] ? st->g->sep : "", cond);
}

/* audit_held_min for hpa, from the cache while the log is unchanged (size, mtime). */
static int held_min(struct tui *t, const char *hpa, int *prev)
{
    struct stat sb;
    struct tui_held *h = &t->held;
    if (!t->act || !t->act->audit_path || stat(t->act->audit_path, &sb) != 0)
        return -1;
    if (strcmp(h->hpa, hpa) != 0 || h->size != (long long)sb.st_size ||
        h->mtime_s != (long long)sb.st_mtim.tv_sec || h->mtime_ns != sb.st_mtim.tv_nsec) {
        text_printf(h->hpa, sizeof h->hpa, "%s", hpa);
        h->size = (long long)sb.st_size;
        h->mtime_s = (long long)sb.st_mtim.tv_sec;
        h->mtime_ns = sb.st_mtim.tv_nsec;
        h->rc = audit_held_min(t->act->audit_path, hpa, &h->prev);
    }
    *prev = h->prev;
    return h->rc;
}

/* KEDA's own lines: the ScaledObject, its triggers, conditions and pause; an External or
 * Object metric the HPA reports; a plain HPA that H held, with what U restores. */
static int keda_lines(struct tui *t, const struct autoscaler *a, int y, int w)
{
    const struct style *st = &t->style;
    const struct keda_scaler *k = autoscaler_keda(a);
    char b[FT_TEXT_MAX * 2], cur[32] = "no data", tgt[32] = "?";
    int y0 = y, prev;
    if (a->ext_kind[0]) {
        if (!isnan(a->ext_current))
            text_printf(cur, sizeof cur, "%g", a->ext_current);
        if (!isnan(a->ext_target))
            text_printf(tgt, sizeof tgt, "%g", a->ext_target);
        text_printf(b, sizeof b, "%s %s %s (%s target %s%s)", a->ext_kind, a->ext_metric, cur,
                    a->ext_type, tgt,
                    strcmp(a->ext_type, "Value") == 0 ? ", of the total" : " per replica");
        y += line(t, y, 0, w, "metric", b, 0);
    }
    if (strcmp(a->kind, "KEDA") == 0) {
        text_printf(b, sizeof b,
                    "ScaledObject %s%sHPA %s (KEDA's)%sReady %s%sActive %s%sPaused %s%sFallback %s",
                    k->object, st->g->sep, k->hpa, st->g->sep, k->ready[0] ? k->ready : "?",
                    st->g->sep, k->active[0] ? k->active : "?", st->g->sep,
                    k->paused[0] ? k->paused : "?", st->g->sep, k->fallback[0] ? k->fallback : "?");
        y += line(t, y, 0, w, "keda", b, 0);
        text_printf(b, sizeof b, "%s", k->n_triggers ? k->triggers : "none");
        y += line(t, y, 0, w, "triggers", b, 0);
        if (k->held) {
            text_printf(b, sizeof b, "PAUSED at %d (%s)%sU resumes", k->paused_at,
                        KEDA_PAUSED_ANNOTATION, st->g->sep);
            y += line(t, y, 0, w, "paused", b, st->attr[EL_BAND_WARN]);
        }
    } else if (held_min(t, a->name, &prev) == 0) {
        text_printf(b, sizeof b, "minReplicas %d by forgetop's H, was %d%sU restores %d", a->min,
                    prev, st->g->sep, prev);
        y += line(t, y, 0, w, "held", b, st->attr[EL_BAND_WARN]);
    }
    return y - y0;
}

/* "cpu 92% of request · memory 58% of limit, 116% of request" */
static void use_line(const struct style *st, const struct service *s, char *b, size_t len)
{
    char cpu[48] = "cpu no data", ml[32] = "", mr[32] = "";
    if (!isnan(s->cpu_pct))
        text_printf(cpu, sizeof cpu, "cpu %.0f%% of %s", floor(s->cpu_pct),
                    s->cpu_of[0] ? s->cpu_of : "request");
    if (!isnan(s->mem_pct))
        text_printf(ml, sizeof ml, "%.0f%% of limit", s->mem_pct);
    if (!isnan(s->mem_req_pct))
        text_printf(mr, sizeof mr, "%.0f%% of request", floor(s->mem_req_pct));
    text_printf(b, len, "%s%smemory %s%s%s", cpu, st->g->sep, ml[0] || mr[0] ? ml : "no data",
                ml[0] && mr[0] ? ", " : "", mr);
}

static int facts(struct tui *t, const struct service_view *sv, int y, int w)
{
    const struct style *st = &t->style;
    const struct service *s = &sv->svc;
    char b[FT_TEXT_MAX + 64], c1[32], c2[32], m1[32], m2[32];
    int y0 = y;
    enum band rb = bands_ready(s->ready, s->desired); /* a glyph too, for NO_COLOR */
    const char *rg = gauge_severity(rb, false);
    text_printf(b, sizeof b, "desired %d%sready %d%s%s%supdated %d%savailable %d", s->desired,
                st->g->sep, s->ready, rg[0] ? " " : "", rg, st->g->sep, s->updated, st->g->sep,
                s->available);
    y += line(t, y, 0, w, "replicas", b, rb != BAND_OK ? st->attr[frame_band_el(rb)] : 0);
    if (sv->max > 0)
        text_printf(b, sizeof b, "%d..%d (%s)", sv->min, sv->max,
                    s->max > 0 ? "from the source" : "from the rule in the config");
    else
        text_printf(b, sizeof b, "none known");
    y += line(t, y, 0, w, "bounds", b, 0);
    if (s->autoscaler.present)
        autoscaler_line(st, &s->autoscaler, b, sizeof b);
    else
        text_printf(b, sizeof b, "none: only forgetop and operators change this count");
    /* two rows at most: a condition the HPA reports must reach the operator whole */
    paint_text(t->win, st, y, 0, 12, "autoscaler", st->attr[EL_DIM]);
    y += wrapped(t, y, 13, w - 13, b, 2, st->attr[s->autoscaler.inactive ? EL_BAND_WARN : 0]);
    if (s->autoscaler.present)
        y += keda_lines(t, &s->autoscaler, y, w);
    if (!sv->hpa_agrees)
        y += line(t, y, 0, w, "disagrees", sv->hpa_note, st->attr[EL_BAND_WARN]);
    text_printf(c1, sizeof c1, "%.2f", s->res.cpu_request);
    text_printf(c2, sizeof c2, "%.2f", s->res.cpu_limit);
    text_bytes(m1, sizeof m1, s->res.mem_request);
    text_bytes(m2, sizeof m2, s->res.mem_limit);
    text_printf(b, sizeof b, "cpu %s / %s cores%smemory %s / %s (request / limit)",
                s->res.cpu_request > 0 ? c1 : "-", s->res.cpu_limit > 0 ? c2 : "-", st->g->sep,
                s->res.mem_request > 0 ? m1 : "-", s->res.mem_limit > 0 ? m2 : "-");
    y += line(t, y, 0, w, "resources", b, 0);
    use_line(st, s, b, sizeof b);
    y += line(t, y, 0, w, "use", b, 0);
    if (s->status != NULL || s->unscalable)
        y += line(t, y, 0, w, "status", model_text(s->unscalable ? s->unscalable_why : s->status),
                  st->attr[EL_STATUS_ERR]);
    if (sv->has_rule) {
        if (sv->has_rec)
            text_printf(b, sizeof b, "%s%d%s", sv->rec.changes ? "-> " : "", sv->rec.replicas,
                        sv->rec.changes ? "  (a applies it)" : "  (no change)");
        else
            text_printf(b, sizeof b, "no count: the rule cannot compute one now");
        if (t->world->sources[sv->source].state != SOURCE_OK && sv->rec_t > 0) {
            /* the count is as old as the figures it came from: say so */
            char age[16];
            size_t n = strlen(b);
            text_duration(age, sizeof age, t->now - sv->rec_t);
            text_printf(b + n, sizeof b - n, "%sfrom figures %s old", st->g->sep, age);
        }
        y += line(t, y, 0, w, "recommends", b, st->attr[sv->rec.changes ? EL_REC_CHANGE : 0]);
        paint_text(t->win, st, y, 0, 12, "because", st->attr[EL_DIM]);
        y += wrapped(t, y, 13, w - 13, sv->rec.reason, 3, 0);
        char after[128] = "";
        if (sv->rec.changes)
            world_predict(t->world, sv, sv->rec.replicas, after, sizeof after);
        if (after[0])
            y += line(t, y, 0, w, "after", after, 0);
    } else {
        y += line(t, y, 0, w, "recommends", "nothing: no [service] rule in the config", 0);
    }
    return y - y0;
}

/* The scale of a chart: tens around the data, inside 0..cap (cap 0: no cap). */
static void chart_scale(const double *v, size_t n, double cap, double *lo, double *hi)
{
    double mn = INFINITY, mx = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i])) {
            mn = v[i] < mn ? v[i] : mn;
            mx = v[i] > mx ? v[i] : mx;
        }
    if (mn > mx)
        mn = 0, mx = cap > 0 ? cap : 1;
    double unit = cap == 100 ? 10 : 1;
    *lo = floor((mn - unit / 2) / unit) * unit;
    *hi = ceil((mx + unit / 2) / unit) * unit;
    if (*lo < 0)
        *lo = 0;
    if (cap > 0 && *hi > cap)
        *hi = cap;
    if (*hi <= *lo)
        *hi = *lo + unit;
}

static void chart(struct tui *t, int y, int x, int h, int w, const char *title,
                  const struct series *hist, double cap, double warn, double crit)
{
    const struct style *st = &t->style;
    double v[TUI_MAX_COLS], lo, hi;
    char head[96], span[16], axis[16];
    if (w > TUI_MAX_COLS)
        w = TUI_MAX_COLS;
    int cw = w - AXIS_W;
    text_duration(span, sizeof span, CHART_STEP_S * cw);
    text_printf(head, sizeof head, "%s, last %s", title, span);
    paint_field(t->win, st, y, x, w, head, st->attr[EL_HEADER], PAINT_LEFT);
    if (cw < 4 || h < 1)
        return;
    series_resample(hist, t->now, v, (size_t)cw);
    chart_scale(v, (size_t)cw, cap, &lo, &hi);
    text_printf(axis, sizeof axis, "%4.0f", hi);
    paint_text(t->win, st, y + 1, x, AXIS_W, axis, st->attr[EL_DIM]);
    text_printf(axis, sizeof axis, "%4.0f", lo);
    if (h > 1)
        paint_text(t->win, st, y + h, x, AXIS_W, axis, st->attr[EL_DIM]);
    struct spark_view s = {v, (size_t)cw, lo, hi, warn, crit, false};
    sparkline_draw_tall(t->win, st, y + 1, x + AXIS_W, h, cw, &s);
}

void detail_charts(struct tui *t, const struct service_view *sv, int y, int h, int w)
{
    double warn, crit;
    char title[FT_NAME_MAX + 32];
    const struct metric_view *c = world_metric(t->world, "cpu");
    const struct metric_view *m = world_metric(t->world, "memory");
    int cw = w >= 120 ? (w - 2) / 3 : (w - 1) / 2;
    warn = c ? c->rule.warning : NAN, crit = c ? c->rule.critical : NAN;
    text_printf(title, sizeof title, "%s cpu %% of %s", sv->svc.name,
                sv->svc.cpu_of[0] ? sv->svc.cpu_of : "request");
    chart(t, y, 0, h - 1, cw, title, &sv->cpu_hist, 100, warn, crit);
    warn = m ? m->rule.warning : NAN, crit = m ? m->rule.critical : NAN;
    text_printf(title, sizeof title, "%s memory %% of limit", sv->svc.name);
    chart(t, y, cw + 1, h - 1, cw, title, &sv->mem_hist, 100, warn, crit);
    if (w >= 120) {
        text_printf(title, sizeof title, "%s ready replicas", sv->svc.name);
        chart(t, y, 2 * (cw + 1), h - 1, cw, title, &sv->ready_hist, 0, NAN, NAN);
    }
}

/* Something to explain: a reason or a warning event (a scale-up's pods that are merely
 * starting keep the charts). */
static bool explaining(const struct service *s)
{
    return s->reason[0] || s->n_events > 0;
}

/* "ImagePullBackOff on 2 of 5 pods: Back-off pulling image ...": the reason the overview
 * shows, how many pods it holds back and the first one's message (or the condition's). */
static void reason_text(const struct service *s, char *b, size_t len)
{
    const char *msg = "";
    size_t n = 0;
    for (size_t i = 0; i < s->n_pods && s->pods; i++) {
        const struct pod *p = &s->pods[i];
        if (p->ready ||
            (strcmp(p->reason, s->reason) != 0 && strcmp(p->last_reason, s->reason) != 0))
            continue;
        if (n++ == 0)
            msg = pod_message(p);
    }
    for (size_t i = 0; n == 0 && i < s->n_conditions && s->conditions; i++)
        if (strcmp(s->conditions[i].reason, s->reason) == 0) {
            text_printf(b, len, "%s (%s=%s): %s", s->reason, s->conditions[i].type,
                        s->conditions[i].status, model_text(s->conditions[i].message));
            return;
        }
    if (n > 0)
        text_printf(b, len, "%s on %zu of %zu pods%s%s", s->reason, n, s->n_pods,
                    msg[0] ? ": " : "", msg);
    else if (s->reason[0])
        text_printf(b, len, "%s", s->reason);
    else
        text_printf(b, len, "%d of %d ready; no pod or condition says why%s", s->ready, s->desired,
                    s->n_events ? " (the events below may)" : "");
}

/* "Progressing=False ProgressDeadlineExceeded · Available=False MinimumReplicas...": the
 * conditions whose reason explains something (why.h) first, so a cut row keeps them. */
static void conditions_text(const struct style *st, const struct service *s, char *b, size_t len)
{
    size_t n = 0;
    b[0] = '\0';
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < s->n_conditions && s->conditions; i++) {
            const struct condition *c = &s->conditions[i];
            if ((why_rank(c->reason) > 0) != (pass == 0))
                continue;
            text_printf(b + n, len - n, "%s%s=%s%s%s", n ? st->g->sep : "", c->type, c->status,
                        c->reason[0] ? " " : "", c->reason);
            n = strlen(b);
        }
}

/* "rev 2 api-7d9f8c6b5 0/2 · rev 1 api-6b8f 3/3 1h": newest first, empty old ones left out */
static void rsets_text(struct tui *t, const struct service *s, char *b, size_t len)
{
    size_t n = 0;
    b[0] = '\0';
    for (size_t i = 0; i < s->n_rsets && s->rsets; i++) {
        const struct replicaset *r = &s->rsets[i];
        char age[16];
        if (i > 0 && r->desired == 0 && r->ready == 0)
            continue;
        text_duration(age, sizeof age, r->created_at > 0 ? t->now - r->created_at : NAN);
        text_printf(b + n, len - n, "%srev %d %s %d/%d %s", n ? t->style.g->sep : "", r->revision,
                    r->name, r->ready, r->desired, age);
        n = strlen(b);
    }
}

/* Why the service is not ready, above its events and pods; the rows used. */
static int why_lines(struct tui *t, const struct service *s, int y, int w)
{
    const struct style *st = &t->style;
    char b[FT_TEXT_MAX * 2];
    int y0 = y;
    if (s->reason[0] || s->ready < s->desired) {
        reason_text(s, b, sizeof b);
        paint_text(t->win, st, y, 0, 12, "not ready", st->attr[EL_DIM]);
        y += wrapped(t, y, 13, w - 13, b, 2, st->attr[s->reason[0] ? EL_STATUS_ERR : 0]);
    }
    if (s->n_conditions > 0) {
        conditions_text(st, s, b, sizeof b);
        y += line(t, y, 0, w, "conditions", b, 0);
    }
    if (s->n_rsets > 0) {
        rsets_text(t, s, b, sizeof b);
        y += line(t, y, 0, w, "replicasets", b, 0);
    }
    return y - y0;
}

/* The newest events, newest first, cut to rows (the header says how many are shown). */
static int events(struct tui *t, const struct service *s, int y, int rows, int w)
{
    struct table_col cols[] = {
        {"AGE", 5, 6, 80, PAINT_RIGHT},       {"REASON", 12, 24, 90, PAINT_LEFT},
        {"OBJECT", 12, 36, 70, PAINT_LEFT},   {"COUNT", 5, 5, 60, PAINT_RIGHT},
        {"MESSAGE", 20, 200, 85, PAINT_LEFT},
    };
    if (w < 120) /* the message explains; the object's name can be cut first */
        cols[1].max = 16, cols[2].max = cols[2].min;
    const struct style *st = &t->style;
    struct table_layout l;
    if (rows < 2 || s->n_events == 0)
        return 0;
    table_fit(cols, 5, w, &l);
    table_draw_header(t->win, st, y, 0, w, cols, &l, st->attr[EL_HEADER]);
    int r;
    for (r = 0; r < rows - 1 && (size_t)r < s->n_events; r++) {
        const struct event *e = &s->events[r];
        char age[16], count[16];
        text_duration(age, sizeof age, e->last_at > 0 ? t->now - e->last_at : NAN);
        text_printf(count, sizeof count, "x%d", e->count);
        const char *cells[] = {age, e->reason, e->object, count, e->message};
        attr_t ca[5] = {0};
        ca[1] = strcmp(e->type, "Warning") == 0 ? st->attr[EL_BAND_WARN] : 0;
        table_draw_row(t->win, st, y + 1 + r, 0, w, cols, &l, cells, ca, 0);
    }
    char more[48];
    text_printf(more, sizeof more, " newest %d of %zu events ", r, s->n_events);
    int mw = (int)strlen(more);
    if (mw < w)
        paint_text(t->win, st, y, w - mw, mw, more, st->attr[EL_HEADER_FOCUS]);
    return 1 + r;
}

/* "ImagePullBackOff", "CrashLoopBackOff (last OOMKilled 137)": a pod's REASON cell */
static void pod_reason(const struct pod *p, char *b, size_t len)
{
    char code[16] = "";
    if (p->exit_code != 0)
        text_printf(code, sizeof code, " %d", p->exit_code);
    if (p->last_reason[0] && strcmp(p->last_reason, p->reason) != 0)
        text_printf(b, len, "%s%slast %s%s%s", p->reason, p->reason[0] ? " (" : "(", p->last_reason,
                    code, ")");
    else
        text_printf(b, len, "%s%s", p->reason[0] ? p->reason : "-", p->reason[0] ? code : "");
}

static int pods(struct tui *t, const struct service_view *sv, int y, int rows, int w)
{
    static const struct table_col cols[] = {
        {"POD", 22, 48, 90, PAINT_LEFT},     {"PHASE", 9, 10, 80, PAINT_LEFT},
        {"READY", 5, 5, 85, PAINT_LEFT},     {"RESTARTS", 8, 8, 70, PAINT_RIGHT},
        {"AGE", 6, 6, 60, PAINT_RIGHT},      {"CPU", 6, 8, 50, PAINT_RIGHT},
        {"MEMORY", 10, 10, 40, PAINT_RIGHT}, {"NODE", 12, 32, 30, PAINT_LEFT},
        {"REASON", 16, 40, 75, PAINT_LEFT},
    };
    const struct style *st = &t->style;
    struct table_layout l;
    bool reasons = false; /* the column only when a pod has one: width is for what differs */
    for (size_t i = 0; i < sv->svc.n_pods && sv->svc.pods; i++)
        reasons |= sv->svc.pods[i].reason[0] || sv->svc.pods[i].last_reason[0];
    table_fit(cols, reasons ? 9 : 8, w, &l);
    table_draw_header(t->win, st, y, 0, w, cols, &l, st->attr[EL_HEADER]);
    const struct service *s = &sv->svc;
    if (s->n_pods == 0 || !s->pods) {
        paint_text(t->win, st, y + 1, 1, w - 1, "the source reports no pods for this service",
                   st->attr[EL_DIM]);
        return 2;
    }
    size_t show = rows > 1 ? (size_t)rows - 1 : 0;
    if (t->scroll + show > s->n_pods) /* j past the end stays at the end */
        t->scroll = s->n_pods > show ? s->n_pods - show : 0;
    size_t first = t->scroll;
    int r;
    for (r = 0; r < rows - 1 && first + (size_t)r < s->n_pods; r++) {
        const struct pod *p = &s->pods[first + (size_t)r];
        char restarts[16], age[16], cpu[16], mem[24];
        text_printf(restarts, sizeof restarts, "%d", p->restarts);
        text_duration(age, sizeof age, p->started_at > 0 ? t->now - p->started_at : NAN);
        text_printf(cpu, sizeof cpu, isnan(p->cpu_cores) ? "-" : "%.2f", p->cpu_cores);
        text_bytes(mem, sizeof mem, p->mem_bytes);
        char why[96];
        pod_reason(p, why, sizeof why);
        const char *cells[] = {p->name, p->phase, p->ready ? "yes" : "NO",         restarts,
                               age,     cpu,      isnan(p->mem_bytes) ? "-" : mem, p->node,
                               why};
        attr_t ca[9] = {0};
        ca[2] = p->ready ? 0 : st->attr[EL_BAND_WARN];
        ca[8] = p->reason[0] ? st->attr[EL_STATUS_ERR] : 0;
        table_draw_row(t->win, st, y + 1 + r, 0, w, cols, &l, cells, ca, 0);
    }
    if (first + (size_t)r < s->n_pods || first > 0) {
        char more[64];
        text_printf(more, sizeof more, " %zu-%zu of %zu, j/k scroll ", first + 1, first + (size_t)r,
                    s->n_pods);
        int mw = (int)strlen(more);
        paint_text(t->win, st, y, w - mw, mw, more, st->attr[EL_HEADER_FOCUS]);
    }
    return 1 + r;
}

/* Reason, conditions and ReplicaSets, then events and pods sharing what is left: the
 * events at most half unless the pods need less. */
static void why_block(struct tui *t, const struct service_view *sv, int y, int bottom, int w)
{
    y += why_lines(t, &sv->svc, y, w);
    int pod_rows = (int)sv->svc.n_pods + 1, ev = (bottom - y) / 2;
    if (pod_rows < 2)
        pod_rows = 2;
    if (ev < bottom - y - pod_rows)
        ev = bottom - y - pod_rows;
    if (ev > (int)sv->svc.n_events + 1)
        ev = (int)sv->svc.n_events + 1;
    y += events(t, &sv->svc, y, ev, w);
    if (bottom - y >= 2)
        pods(t, sv, y, bottom - y, w);
}

void detail_draw(struct tui *t)
{
    const struct style *st = &t->style;
    int w = t->cols > TUI_MAX_COLS ? TUI_MAX_COLS : t->cols;
    int y = frame_header(t, 0);
    const struct service_view *sv = tui_selected(t);
    if (!sv) {
        paint_text(t->win, st, y + 1, 1, w, "the service is gone (Esc goes back)",
                   st->attr[EL_STATUS_ERR]);
        frame_footer(t);
        return;
    }
    char title[256];
    text_printf(title, sizeof title, "%s%s%s in %s%ssource %s", sv->svc.name, st->g->sep,
                sv->svc.kind[0] ? sv->svc.kind : "service",
                sv->svc.namespace_[0] ? sv->svc.namespace_ : "-", st->g->sep,
                t->world->sources[sv->source].name);
    paint_field(t->win, st, y++, 0, w, title, st->attr[EL_HEADER_FOCUS], PAINT_LEFT);
    const struct source_status *ss = &t->world->sources[sv->source];
    if (ss->state != SOURCE_OK && ss->error[0]) { /* why these figures are old, whole */
        char age[16] = "never ok", why[FT_TEXT_MAX + 48];
        if (ss->last_ok > 0)
            text_duration(age, sizeof age, t->now - ss->last_ok);
        text_printf(why, sizeof why, "%s %s: %s", source_state_name(ss->state), age, ss->error);
        paint_text(t->win, st, y, 0, 12, "source", st->attr[EL_DIM]);
        y += wrapped(t, y, 13, w - 13, why, 3, st->attr[EL_STATUS_ERR]);
    }
    y += facts(t, sv, y, w);
    y += tui_replay_attempts(t, sv, y, w, 4); /* a replay: this service's scales so far */
    int bottom = t->lines - 2;
    if (explaining(&sv->svc)) { /* why first: the charts of a broken service can wait */
        why_block(t, sv, y, bottom, w);
        frame_footer(t);
        return;
    }
    int room = bottom - y;
    int pod_rows = (int)sv->svc.n_pods + 1;
    if (pod_rows < 2)
        pod_rows = 2;
    if (pod_rows > room / 2)
        pod_rows = room / 2 > 2 ? room / 2 : 2;
    int ch = room - pod_rows - 1; /* chart rows, title included */
    if (ch >= 3) {
        detail_charts(t, sv, y, ch, w);
        y += ch + 1;
    }
    pods(t, sv, y, bottom - y, w);
    frame_footer(t);
}
