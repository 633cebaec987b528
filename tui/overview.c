/* overview.c - the main screen: services with their gauges and recommendations, every
 * runbook metric against its bands with its history and sustained state, the queue /
 * database / redis / health panels, the selected service's arithmetic, the keys.
 *
 * Rows are shared out so that 80x24 shows everything the demo has, and columns grow or
 * appear up to 250 wide (table.c decides which). */

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/gauge.h"
#include "forgetop/paint.h"
#include "forgetop/sparkline.h"
#include "forgetop/table.h"
#include "forgetop/text.h"
#include "forgetop/tui.h"

#define SPARK_STEP_S 20.0 /* one sparkline cell: aligned, so it shifts every 20 s */
#define MAX_PANELS   8
#define MAX_FACTS    16

/* The columns after the selection's, in tui_sort's order: SC_NAME + SORT_x is its column. */
enum {
    SC_SEL,
    SC_NAME,
    SC_READY,
    SC_BOUNDS,
    SC_CPU,
    SC_MEM,
    SC_REC,
    SC_AUTO,
    SC_SRC,
    SC_NS,
    SC_STATUS,
    SC_N
};
_Static_assert(SC_N - SC_NAME == SORT_N, "one sort per column");
_Static_assert(SC_STATUS - SC_NAME == SORT_STATUS, "the columns in the sort's order");
static const struct table_col svc_cols[SC_N] = {
    [SC_SEL] = {"", 2, 2, 100, PAINT_LEFT},
    [SC_NAME] = {"SERVICE", 10, 28, 95, PAINT_LEFT},
    [SC_READY] = {"READY", 7, 8, 90, PAINT_RIGHT},
    [SC_BOUNDS] = {"MIN..MAX", 8, 8, 70, PAINT_RIGHT},
    [SC_CPU] = {"CPU % of request", 16, 44, 80, PAINT_LEFT},
    [SC_MEM] = {"MEMORY % of limit", 17, 44, 75, PAINT_LEFT},
    [SC_REC] = {"REC", 8, 8, 85, PAINT_RIGHT},
    [SC_AUTO] = {"AUTOSCALER", 14, 34, 30, PAINT_LEFT},
    [SC_SRC] = {"SOURCE", 8, 12, 20, PAINT_LEFT},
    [SC_NS] = {"NAMESPACE", 10, 24, 15, PAINT_LEFT},
    [SC_STATUS] = {"STATUS", 20, 60, 35, PAINT_LEFT}, /* "ImagePullBackOff 3/5" */
};

enum { MC_SEL, MC_TITLE, MC_GAUGE, MC_SPARK, MC_STATE, MC_SVC, MC_ACTION, MC_N };
static struct table_col met_cols[MC_N] = {
    [MC_SEL] = {"", 2, 2, 100, PAINT_LEFT},
    [MC_TITLE] = {"METRIC", 15, 22, 95, PAINT_LEFT},
    [MC_GAUGE] = {"VALUE vs WARN/CRIT", 24, 52, 90, PAINT_LEFT},
    [MC_SPARK] = {"HISTORY", 12, 72, 70, PAINT_RIGHT},
    [MC_STATE] = {"STATE", 14, 16, 85, PAINT_LEFT},
    [MC_SVC] = {"SERVICE", 12, 20, 20, PAINT_LEFT},
    [MC_ACTION] = {"ACTION", 16, 22, 10, PAINT_LEFT},
};

static bool source_ok(const struct world *w, size_t src)
{
    return src < w->n_sources && w->sources[src].state == SOURCE_OK;
}

static bool metric_stale(const struct world *w, const struct metric_view *m)
{
    for (size_t i = 0; i < w->n_sources; i++)
        if (strcmp(w->sources[i].name, m->from) == 0)
            return w->sources[i].state != SOURCE_OK;
    return false;
}

static void rule_marks(const struct world *w, const char *id, double *warn, double *crit)
{
    const struct metric_view *m = world_metric(w, id);
    *warn = m ? m->rule.warning : NAN;
    *crit = m ? m->rule.critical : NAN;
}

static void draw_pct_gauge(struct tui *t, int y, int x, int w, double v, enum band b,
                           const char *metric, bool stale)
{
    char text[16];
    struct gauge_view g = {.has_value = !isnan(v),
                           .value = v,
                           .max = 100,
                           .band = b,
                           .stale = stale,
                           .text = text,
                           .text_w = 4};
    rule_marks(t->world, metric, &g.warning, &g.critical);
    frame_value(text, sizeof text, "%", v);
    gauge_draw(t->win, &t->style, y, x, w, &g);
}

/* What every row shown has in common: it goes into the caption, not into a column, so
 * the width goes to what differs (names first). */
struct common {
    bool one_source, one_ns, one_kind, no_bounds, no_status;
    bool any_auto;
    const char *ns, *scope, *kind;
    const char *auto_kind; /* the autoscalers' one kind, NULL when they differ or none */
    int name_w;            /* the widest name, its stale glyph included */
    int auto_w;            /* the widest AUTOSCALER cell */
};

static void autoscaler_cell(const struct service_view *sv, const struct common *c, char *out,
                            size_t len);

static void common_of(const struct tui *t, const size_t *idx, size_t n, struct common *c)
{
    const struct world *w = t->world;
    const struct service *first = &w->services[idx[0]].svc;
    *c = (struct common){true,         true,        true, true, true, false, first->namespace_,
                         first->scope, first->kind, NULL, 0,    0};
    bool mixed_auto = false;
    for (size_t i = 0; i < n; i++) {
        const struct service_view *sv = &w->services[idx[i]];
        const struct service *s = &sv->svc;
        c->one_source &= sv->source == w->services[idx[0]].source;
        c->one_ns &= strcmp(s->namespace_, c->ns) == 0;
        c->one_kind &= strcmp(s->kind, c->kind) == 0;
        c->no_bounds &= sv->max <= 0;
        c->no_status &=
            !s->reason[0] && !model_text(s->unscalable ? s->unscalable_why : s->status)[0];
        if (s->autoscaler.present) {
            if (!c->any_auto)
                c->auto_kind = s->autoscaler.kind;
            else if (c->auto_kind && strcmp(c->auto_kind, s->autoscaler.kind) != 0)
                mixed_auto = true;
            c->any_auto = true;
        }
        int extra = source_ok(w, sv->source) ? 0 : 2;   /* the stale glyph */
        if ((int)strlen(s->name) + extra > c->name_w) { /* never narrower than its bytes */
            int nw = paint_width(&t->style, s->name) + extra;
            c->name_w = nw > c->name_w ? nw : c->name_w;
        }
    }
    if (mixed_auto)
        c->auto_kind = NULL;
    for (size_t i = 0; i < n && c->any_auto; i++) { /* the cells as the rows will draw them */
        char cell[96];
        autoscaler_cell(&w->services[idx[i]], c, cell, sizeof cell);
        int cw = paint_width(&t->style, cell);
        c->auto_w = cw > c->auto_w ? cw : c->auto_w;
    }
}

/* What the rows share, kept while the world's revision, the filter and the order are the
 * same: every key redraws, and comparing every row's texts each time is most of a frame
 * at thousands of rows. Its pointers point into the views of that revision. */
static void common_kept(const struct tui *t, const size_t *idx, size_t n, struct common *c)
{
    static struct {
        const struct world *w;
        const struct service_view *services;
        size_t n_services, n;
        unsigned long revision;
        char filter[sizeof((struct tui *)0)->filter];
        bool valid;
        struct common c;
    } kept;
    const struct world *w = t->world;
    if (kept.valid && kept.w == w && kept.services == w->services &&
        kept.n_services == w->n_services && kept.revision == w->revision && kept.n == n &&
        strcmp(kept.filter, t->filter) == 0) {
        *c = kept.c;
        return;
    }
    common_of(t, idx, n, c);
    kept.w = w;
    kept.services = w->services;
    kept.n_services = w->n_services;
    kept.revision = w->revision;
    kept.n = n;
    text_printf(kept.filter, sizeof kept.filter, "%s", t->filter);
    kept.c = *c;
    kept.valid = true;
}

/* "HPA api-hpa 3..20": the kind when the rows' autoscalers differ in it, the bounds when
 * they differ from the row's MIN..MAX. */
static void autoscaler_cell(const struct service_view *sv, const struct common *c, char *out,
                            size_t len)
{
    const struct autoscaler *a = &sv->svc.autoscaler;
    if (!a->present) {
        text_printf(out, len, "-");
        return;
    }
    bool kind = c->auto_kind == NULL, bounds = a->min != sv->min || a->max != sv->max;
    bool held = autoscaler_keda(a)->held && strcmp(a->kind, "KEDA") == 0; /* badge first */
    char badge[32] = "";
    if (held)
        text_printf(badge, sizeof badge, "PAUSED at %d ", autoscaler_keda(a)->paused_at);
    text_printf(out, len, "%s%s%s%s", badge, kind ? a->kind : "", kind ? " " : "", a->name);
    if (bounds)
        text_printf(out + strlen(out), len - strlen(out), " %d..%d", a->min, a->max);
}

static void service_row(struct tui *t, int y, int width, const struct table_layout *l,
                        const struct service_view *sv, const struct common *c, bool selected)
{
    const struct style *st = &t->style;
    const struct service *s = &sv->svc;
    bool stale = !source_ok(t->world, sv->source);
    char sel[16], ready[24], bounds[24], rec[32], autos[96], status[FT_TEXT_MAX];
    text_printf(sel, sizeof sel, "%s%s", selected ? st->g->select : " ",
                tui_is_marked(t, sv) ? st->g->marked : " ");
    /* a degraded row says so in a glyph too (`0/5 !!`), so NO_COLOR and mono read it */
    enum band rb = bands_ready(s->ready, s->desired);
    const char *rg = gauge_severity(rb, false);
    text_printf(ready, sizeof ready, "%d/%d%s%s", s->ready, s->desired, rg[0] ? " " : "", rg);
    if (l->w[SC_READY] > 0 && (int)strlen(ready) > l->w[SC_READY]) /* "100/120!" */
        text_printf(ready, sizeof ready, "%d/%d%s", s->ready, s->desired, rg);
    if (sv->max > 0)
        text_printf(bounds, sizeof bounds, "%d..%d", sv->min, sv->max);
    else
        text_printf(bounds, sizeof bounds, "-");
    if (!sv->has_rec) /* no rule, or it cannot compute: no count, not the current one */
        text_printf(rec, sizeof rec, "-");
    else if (sv->rec.changes)
        text_printf(rec, sizeof rec, "-> %d %s", sv->rec.replicas,
                    sv->rec.replicas > s->desired ? st->g->up : st->g->down);
    else
        text_printf(rec, sizeof rec, "%d", sv->rec.replicas);
    autoscaler_cell(sv, c, autos, sizeof autos);
    tui_status_text(sv, status, sizeof status);
    const char *cells[SC_N] = {sel,
                               stale ? NULL : s->name,
                               ready,
                               bounds,
                               NULL,
                               NULL,
                               rec,
                               autos,
                               t->world->sources[sv->source].name,
                               s->namespace_,
                               status};
    attr_t row = selected ? st->attr[EL_SELECTION] : 0;
    attr_t ca[SC_N] = {0};
    if (!selected) {
        ca[SC_NAME] = stale ? st->attr[EL_STALE] : 0;
        ca[SC_READY] = rb != BAND_OK ? st->attr[frame_band_el(rb)] : 0;
        ca[SC_REC] = sv->rec.changes ? st->attr[EL_REC_CHANGE] : st->attr[EL_DIM];
        ca[SC_STATUS] = st->attr[EL_STATUS_ERR];
    }
    if (tui_is_marked(t, sv))
        ca[SC_SEL] = st->attr[EL_MARKED];
    table_draw_row(t->win, st, y, 0, width, svc_cols, l, cells, ca, row);
    if (stale && l->w[SC_NAME] > 2) { /* says stale in a glyph too, kept when the name is cut */
        attr_t a = selected ? row : st->attr[EL_STALE];
        paint_text(t->win, st, y, l->x[SC_NAME], l->w[SC_NAME] - 2, s->name, a);
        paint_text(t->win, st, y, l->x[SC_NAME] + l->w[SC_NAME] - 1, 1, st->g->src_stale, a);
    }
    draw_pct_gauge(t, y, l->x[SC_CPU], l->w[SC_CPU], s->cpu_pct, sv->cpu_band, "cpu", stale);
    draw_pct_gauge(t, y, l->x[SC_MEM], l->w[SC_MEM], s->mem_pct, sv->mem_band, "memory", stale);
}

/* A source says what its cpu figure is a share of (service.cpu_of): the HPA's request, or
 * a limit as docker stats counts; the header says which it shows. */
static const char *cpu_basis(const struct world *w)
{
    bool limit = false, request = false;
    for (size_t i = 0; i < w->n_services; i++) {
        if (strcmp(w->services[i].svc.cpu_of, "limit") == 0)
            limit = true;
        else
            request = true;
    }
    return limit ? (request ? "CPU % of req/limit" : "CPU % of limit") : NULL;
}

/* The columns for these rows: what they share hidden, the name as wide as the widest. */
static void services_columns(const struct tui *t, const struct common *c, struct table_col *head)
{
    memcpy(head, svc_cols, sizeof svc_cols);
    const char *basis = cpu_basis(t->world);
    if (basis != NULL)
        head[SC_CPU].title = basis;
    int nw = c->name_w < svc_cols[SC_NAME].min ? svc_cols[SC_NAME].min : c->name_w;
    head[SC_NAME].max = nw < FT_NAME_MAX - 16 ? nw : FT_NAME_MAX - 16;
    head[SC_NAME].priority = TABLE_PRIO_FIRST; /* names get the width first */
    if (c->one_source)
        head[SC_SRC].max = 0; /* the header's second line names it */
    if (c->one_ns)
        head[SC_NS].max = 0;
    else if (t->world->all_namespaces) /* rows of several namespaces: each says which */
        head[SC_NS].priority = 88;
    if (c->no_bounds)
        head[SC_BOUNDS].max = 0;
    if (!c->any_auto)
        head[SC_AUTO].max = 0;
    if (c->no_status)
        head[SC_STATUS].max = 0;
}

/* From 120 columns the AUTOSCALER column gets the width its longest cell needs (up to
 * AUTO_MAX), taken from what the other columns grew beyond their minimum, never from the
 * names: "KEDA agent-worker-scaler" is not cut while the gauges are 44 wide. */
#define AUTO_MAX 40
static void autoscaler_width(struct table_col *head, const struct common *c, int width,
                             struct table_layout *l)
{
    int want = c->auto_w < AUTO_MAX ? c->auto_w : AUTO_MAX;
    if (width < 120 || l->w[SC_AUTO] == 0 || want <= l->w[SC_AUTO])
        return;
    int grown = 0;
    for (int i = SC_READY; i < SC_N; i++)
        if (i != SC_AUTO && l->w[i] > head[i].min)
            grown += l->w[i] - head[i].min;
    int w = l->w[SC_AUTO] + grown < want ? l->w[SC_AUTO] + grown : want;
    head[SC_AUTO].min = head[SC_AUTO].max = w;
    table_fit(head, SC_N, width, l);
}

/* Left: what every row shares ("ns open-forge · deployment"); right: the order, the
 * filter, and how many rows of how many ("sort: cpu ▼ · filter: api · 3 of 2003"). */
static void services_caption(struct tui *t, int y, int width, const struct common *c, size_t n,
                             size_t rows)
{
    const struct style *st = &t->style;
    const char *sep = st->g->sep;
    char left[2 * FT_NAME_MAX + 64] = "", right[160], count[64];
    size_t all = t->world->n_services;
    if (c != NULL && c->one_ns && c->ns[0])
        text_printf(left, sizeof left, "%s %s", strcmp(c->scope, "project") == 0 ? "project" : "ns",
                    c->ns);
    if (c != NULL && c->one_kind && c->kind[0])
        text_printf(left + strlen(left), sizeof left - strlen(left), "%s%s", left[0] ? sep : "",
                    c->kind);
    if (c != NULL && c->auto_kind != NULL)
        text_printf(left + strlen(left), sizeof left - strlen(left), "%sautoscaler %s",
                    left[0] ? sep : "", c->auto_kind);
    size_t last = t->top + rows < n ? t->top + rows : n;
    if (n < all && n > rows) /* filtered and scrolled: which rows, then shown of all */
        text_printf(count, sizeof count, "rows %zu-%zu%s%zu of %zu", t->top + 1, last, sep, n, all);
    else if (n < all)
        text_printf(count, sizeof count, "%zu of %zu", n, all);
    else if (n > rows)
        text_printf(count, sizeof count, "rows %zu-%zu of %zu", t->top + 1, last, n);
    else
        text_printf(count, sizeof count, "%zu service%s", n, n == 1 ? "" : "s");
    text_printf(right, sizeof right, "sort: %s %s%s%s%s%s", tui_sort_name(t->sort),
                t->sort_desc ? st->g->down : st->g->up, t->filter[0] ? sep : "",
                t->filter[0] ? "filter: " : "", t->filter, sep);
    text_printf(right + strlen(right), sizeof right - strlen(right), "%s", count);
    int rw = paint_width(st, right);
    if (rw > width)
        rw = width;
    paint_text(t->win, st, y, 0, width - rw - 1, left, st->attr[EL_TITLE]);
    paint_text(t->win, st, y, width - rw, rw, right, st->attr[EL_DIM]);
}

static void draw_services(struct tui *t, int y, int rows, int width, const size_t *idx, size_t n,
                          bool caption)
{
    const struct style *st = &t->style;
    struct table_layout l;
    struct table_col head[SC_N];
    struct common c;
    int hy = y + caption; /* the column titles' row */
    if (idx == NULL) {
        if (caption)
            services_caption(t, y, width, NULL, 0, (size_t)rows);
        memcpy(head, svc_cols, sizeof head);
        table_fit(head, SC_N, width, &l);
        table_draw_header(t->win, st, hy, 0, width, head, &l, st->attr[EL_HEADER]);
        paint_text(t->win, st, hy + 1, 2, width - 2,
                   t->filter[0] ? "no service matches the filter"
                                : "no services yet: waiting for the sources",
                   st->attr[EL_DIM]);
        return;
    }
    common_kept(t, idx, n, &c);
    services_columns(t, &c, head);
    table_fit(head, SC_N, width, &l);
    autoscaler_width(head, &c, width, &l);
    const struct service_view *sel = tui_selected(t);
    if (sel != NULL && t->sel.name[0] == '\0') /* the first row shown: keep it by name */
        tui_select(t, sel);
    size_t cur = tui_row_of_selected(t, idx, n);
    t->top = table_scroll(cur, t->top, (size_t)rows, n);
    if (caption)
        services_caption(t, y, width, &c, n, (size_t)rows);
    table_draw_header(t->win, st, hy, 0, width, head, &l,
                      st->attr[t->focus == FOCUS_SERVICES ? EL_HEADER_FOCUS : EL_HEADER]);
    t->hits.svc_y = hy + 1;
    t->hits.svc_top = t->top;
    for (int i = SC_NAME; i < SC_N; i++) { /* the titles a click sorts by */
        t->hits.col_x[i - SC_NAME] = l.x[i];
        t->hits.col_w[i - SC_NAME] = l.w[i];
    }
    t->hits.svc_rows = (int)(n - t->top) < rows ? (int)(n - t->top) : rows;
    for (size_t i = t->top; i < n && (int)(i - t->top) < rows; i++) {
        const struct service_view *sv = &t->world->services[idx[i]];
        service_row(t, hy + 1 + (int)(i - t->top), width, &l, sv, &c,
                    sv == sel && t->focus == FOCUS_SERVICES);
    }
    if (t->top + (size_t)rows < n)
        paint_text(t->win, st, hy + rows, width - 8, 8, " more v ", st->attr[EL_DIM]);
}

static void sustained_text(const struct tui *t, const struct metric_view *m, bool stale, char *out,
                           size_t len)
{
    char a[24], b[24];
    if (stale) {
        text_duration(a, sizeof a, t->now - m->t);
        text_printf(out, len, "stale %s", m->has_value ? a : "");
        return;
    }
    if (!m->has_value) {
        text_printf(out, len, "%s", m->note[0] ? m->note : "no data");
        return;
    }
    if (isnan(m->value)) { /* a reading with no number: say why, not "unknown" */
        text_printf(out, len, "no data%s%s", m->note[0] ? ": " : "", m->note);
        return;
    }
    text_duration(a, sizeof a, m->sustain.for_s);
    text_duration(b, sizeof b, m->rule.for_s);
    if (m->sustain.state == SUSTAINED_FIRING)
        text_printf(out, len, "FIRING %s", a);
    else if (m->sustain.state == SUSTAINED_PENDING)
        text_printf(out, len, "pending %s/%s", a, b);
    else
        text_printf(out, len, "%s", m->band == BAND_OK ? "ok" : band_name(m->band));
}

static void metric_row(struct tui *t, int y, int width, const struct table_layout *l,
                       const struct metric_view *m, bool selected)
{
    const struct style *st = &t->style;
    bool stale = metric_stale(t->world, m);
    char state[48], value[24];
    sustained_text(t, m, stale, state, sizeof state);
    const char *title = m->rule.title[0] ? m->rule.title : m->rule.id;
    const char *cells[MC_N] = {
        selected ? st->g->select : " ", title, NULL, NULL, state, m->service, m->rule.action};
    attr_t ca[MC_N] = {0};
    ca[MC_STATE] = stale                                  ? st->attr[EL_STALE]
                   : m->sustain.state == SUSTAINED_FIRING ? st->attr[EL_BAND_CRIT] | A_BOLD
                   : m->sustain.state == SUSTAINED_PENDING
                       ? st->attr[EL_BAND_WARN]
                       : st->attr[frame_band_el(m->has_value ? m->band : BAND_UNKNOWN)];
    attr_t row = selected ? st->attr[EL_SELECTION] : 0;
    if (selected)
        ca[MC_STATE] = 0;
    table_draw_row(t->win, st, y, 0, width, met_cols, l, cells, ca, row);

    frame_value(value, sizeof value, m->rule.unit, m->value);
    struct gauge_view g = {.has_value = m->has_value && !isnan(m->value),
                           .value = m->value,
                           .max = gauge_scale(m->rule.unit, m->rule.critical, m->value),
                           .warning = m->rule.warning,
                           .critical = m->rule.critical,
                           .band = m->band,
                           .stale = stale,
                           .text = value,
                           .text_w = 6,
                           .words = l->w[MC_GAUGE] >= 34};
    gauge_draw(t->win, st, y, l->x[MC_GAUGE], l->w[MC_GAUGE], &g);

    int sw = l->w[MC_SPARK];
    double v[TUI_MAX_COLS];
    if (sw > 0) {
        frame_resample(&m->hist, t->now, SPARK_STEP_S, v, (size_t)sw);
        struct spark_view s = {v, (size_t)sw, 0, 0, m->rule.warning, m->rule.critical, stale};
        if (strcmp(m->rule.unit, "%") == 0)
            s.max = 100;
        else
            s.max = g.max;
        sparkline_draw(t->win, st, y, l->x[MC_SPARK], sw, &s);
    }
}

static void draw_metrics(struct tui *t, int y, int rows, int width)
{
    const struct style *st = &t->style;
    struct table_layout l;
    table_fit(met_cols, MC_N, width, &l);
    char hist[32], span[16];
    text_duration(span, sizeof span, SPARK_STEP_S * l.w[MC_SPARK]);
    text_printf(hist, sizeof hist, "LAST %s", span);
    struct table_col cols[MC_N];
    memcpy(cols, met_cols, sizeof cols);
    cols[MC_SPARK].title = hist;
    table_draw_header(t->win, st, y, 0, width, cols, &l,
                      st->attr[t->focus == FOCUS_METRICS ? EL_HEADER_FOCUS : EL_HEADER]);
    const struct world *w = t->world;
    if (w->n_metrics == 0) {
        paint_text(t->win, st, y + 1, 2, width - 2, "no metrics configured", st->attr[EL_DIM]);
        return;
    }
    size_t top = table_scroll(t->metric_sel, 0, (size_t)rows, w->n_metrics);
    t->hits.met_y = y + 1;
    t->hits.met_top = top;
    t->hits.met_rows = (int)(w->n_metrics - top) < rows ? (int)(w->n_metrics - top) : rows;
    for (size_t i = top; i < w->n_metrics && (int)(i - top) < rows; i++)
        metric_row(t, y + 1 + (int)(i - top), width, &l, &w->metrics[i],
                   t->focus == FOCUS_METRICS && i == t->metric_sel);
}

/* ---- panels: the world's fact views grouped by panel name ------------------------- */

struct panel {
    const char *name;
    const struct fact_view *facts[MAX_FACTS];
    size_t n;
    double stale_age;  /* the oldest stale figure's age, -1 when all are fresh */
    const char *error; /* why that figure's source is stale ("no answer for 12 s"), or "" */
};

static int panel_rank(const char *name)
{
    static const char *const order[] = {"queue", "database", "redis", "health"};
    for (int k = 0; k < 4; k++)
        if (strcmp(name, order[k]) == 0)
            return k;
    return 4;
}

static size_t collect_panels(const struct world *w, struct panel *p)
{
    size_t n = 0;
    for (size_t i = 0; i < w->n_facts; i++) {
        const struct fact_view *f = &w->facts[i];
        size_t j;
        for (j = 0; j < n && strcmp(p[j].name, f->f.panel) != 0; j++)
            ;
        if (j == n) {
            if (n == MAX_PANELS)
                continue;
            p[n++] = (struct panel){.name = f->f.panel, .stale_age = -1, .error = ""};
        }
        if (p[j].n < MAX_FACTS)
            p[j].facts[p[j].n++] = f;
        if (f->stale && f->age > p[j].stale_age) {
            p[j].stale_age = f->age;
            p[j].error = f->source < w->n_sources ? w->sources[f->source].error : "";
        }
    }
    for (size_t a = 1; a < n; a++) /* the runbook's order first, then as they came */
        for (size_t b = a; b > 0 && panel_rank(p[b].name) < panel_rank(p[b - 1].name); b--) {
            struct panel tmp = p[b];
            p[b] = p[b - 1];
            p[b - 1] = tmp;
        }
    return n;
}

/* A stale figure's band is its source's last word, not news: it keeps its place. */
static int severity(const struct fact_view *f)
{
    enum band b = f->band;
    if (f->stale)
        return 0;
    return b == BAND_CRITICAL ? 3 : b == BAND_WARNING ? 2 : b == BAND_UNKNOWN ? 1 : 0;
}

/* ": why" in what is left of the title: an error reads "what: where: why", so when it
 * does not fit its leading parts go ("…timed out after 1 s"), as in the header. */
static void title_error(const struct style *st, const char *err, int w, char *out, size_t len)
{
    size_t at = strlen(out);
    const char *tail = err;
    text_printf(out + at, len - at, ": %s", err);
    for (const char *c = strstr(err, ": "); c && paint_width(st, out) > w;
         c = strstr(c + 2, ": ")) {
        tail = c + 2;
        text_printf(out + at, len - at, ": %s%s", st->g->ellipsis, tail);
    }
}

static void panel_title(const struct tui *t, const struct panel *p, size_t room, int w, char *out,
                        size_t len)
{
    text_printf(out, len, "%s", p->name);
    for (char *c = out; *c; c++)
        if (*c >= 'a' && *c <= 'z')
            *c = (char)(*c - 'a' + 'A');
    if (p->stale_age >= 0) { /* the source is not answering: its figures are its last */
        char age[16];
        text_duration(age, sizeof age, p->stale_age);
        text_printf(out + strlen(out), len - strlen(out), " %s stale %s", t->style.g->src_stale,
                    age);
    }
    if (p->n > room)
        text_printf(out + strlen(out), len - strlen(out), "  %zu of %zu", room, p->n);
    if (p->stale_age >= 0 && p->error[0]) /* why, last: the panel's width cuts it, not the rest */
        title_error(&t->style, p->error, w, out, len);
}

/* One figure: a stale one is greyed and carries the stale glyph instead of its band's. */
static void panel_row(struct tui *t, int row, int x, int w, const struct fact_view *f)
{
    const struct style *st = &t->style;
    const char *sev = f->stale ? st->g->src_stale : gauge_severity(f->band, false);
    int sevw = 3, vw = paint_width(st, f->text);
    if (vw > w - sevw - 8)
        vw = w - sevw - 8;
    attr_t el = f->stale ? st->attr[EL_STALE] : st->attr[frame_band_el(f->band)];
    paint_text(t->win, st, row, x + 1, w - vw - sevw - 2, f->f.label, st->attr[EL_DIM]);
    paint_field(t->win, st, row, x + w - sevw - vw, vw, f->text, el, PAINT_RIGHT);
    paint_field(t->win, st, row, x + w - sevw, sevw, !f->stale && f->band == BAND_OK ? "" : sev,
                el | A_BOLD, PAINT_RIGHT);
}

/* A panel shows its worst facts first when it cannot show them all. */
static void draw_panel(struct tui *t, int y, int x, int h, int w, const struct panel *p)
{
    const struct style *st = &t->style;
    const struct fact_view *order[MAX_FACTS];
    size_t n = p->n, room = h > 1 ? (size_t)h - 1 : 0;
    memcpy(order, p->facts, n * sizeof order[0]);
    if (n > room)
        for (size_t a = 1; a < n; a++) /* stable insertion sort, worst band first */
            for (size_t b = a; b > 0 && severity(order[b]) > severity(order[b - 1]); b--) {
                const struct fact_view *tmp = order[b];
                order[b] = order[b - 1];
                order[b - 1] = tmp;
            }
    char title[FT_TEXT_MAX + 80];
    panel_title(t, p, room, w, title, sizeof title);
    paint_field(t->win, st, y, x, w, title,
                p->stale_age >= 0 ? st->attr[EL_STALE] | A_BOLD : st->attr[EL_HEADER], PAINT_LEFT);
    for (size_t i = 0; i < n && i < room; i++)
        panel_row(t, y + 1 + (int)i, x, w, order[i]);
}

/* Returns the rows used. */
static int draw_panels(struct tui *t, int y, int rows, int width, const struct panel *p, size_t n)
{
    if (n == 0 || rows < 2)
        return 0;
    int per_row = width / 38;
    if (per_row < 1)
        per_row = 1;
    if (per_row > (int)n)
        per_row = (int)n;
    if (per_row > 4)
        per_row = 4;
    int grid_rows = ((int)n + per_row - 1) / per_row;
    while (grid_rows > 1 && rows / grid_rows < 3 && per_row < (int)n &&
           per_row < 4) { /* squeeze sideways before dropping a panel */
        per_row++;
        grid_rows = ((int)n + per_row - 1) / per_row;
    }
    int most = 0;
    for (size_t i = 0; i < n; i++)
        most = (int)p[i].n > most ? (int)p[i].n : most;
    int h = rows / grid_rows, pw = (width - (per_row - 1)) / per_row;
    if (h > most + 1)
        h = most + 1;
    for (size_t i = 0; i < n; i++) {
        int gr = (int)i / per_row, gc = (int)i % per_row;
        if ((gr + 1) * h > rows)
            break;
        draw_panel(t, y + gr * h, gc * (pw + 1), h, pw, &p[i]);
    }
    return h * grid_rows;
}

static void draw_reason(struct tui *t, int y, int width)
{
    const struct style *st = &t->style;
    const struct service_view *sv = tui_selected(t);
    if (!sv)
        return;
    int x = paint_text(t->win, st, y, 0, width, "why ", st->attr[EL_DIM]);
    x += paint_text(t->win, st, y, x, width - x, sv->svc.name, st->attr[EL_TITLE]);
    x += paint_text(t->win, st, y, x, width - x, ": ", 0);
    paint_text(t->win, st, y, x, width - x,
               sv->has_rule ? sv->rec.reason : "no rule for this service: no recommendation",
               st->attr[sv->rec.changes ? EL_REC_CHANGE : EL_NORMAL]);
}

/* Rows for services, metrics and panels below row y; with a caption, one fewer. */
static void share_rows(const struct tui *t, int y, bool caption, int nsvc, int nmet, size_t np,
                       int *svc, int *met, int *prow)
{
    int avail = t->lines - y - 2 /* headers */ - caption - 1 /* why */ - 2 /* footer */;
    *met = nmet < avail - 3 ? nmet : avail - 3;
    int rest = avail - *met;
    int want_panels = np ? 4 : 0;
    *svc = nsvc;
    if (*svc > rest - want_panels)
        *svc = rest - want_panels > 3 ? rest - want_panels : (rest < 3 ? rest : 3);
    if (*svc > nsvc)
        *svc = nsvc;
    *prow = rest - *svc;
}

void overview_draw(struct tui *t)
{
    int width = t->cols > TUI_MAX_COLS ? TUI_MAX_COLS : t->cols;
    int y = frame_header(t, 0);
    struct panel panels[MAX_PANELS];
    size_t np = collect_panels(t->world, panels);
    size_t nvis;
    const size_t *idx = tui_visible(t, &nvis);
    int nsvc = nvis > INT_MAX ? INT_MAX : (int)nvis, nmet = (int)t->world->n_metrics;
    int svc, met, prow;
    if (nsvc < 1)
        nsvc = 1;
    if (nmet < 1)
        nmet = 1;
    /* The caption has its row when it says what the operator must know (a filter, an
     * order, rows not shown) or the terminal has rows to spare; at 24 lines the header
     * already names the namespace. */
    bool caption = t->lines >= 30 || t->filter[0] || t->sort != SORT_SOURCE || t->sort_desc;
    share_rows(t, y, caption, nsvc, nmet, np, &svc, &met, &prow);
    if (!caption && svc < nsvc)
        share_rows(t, y, caption = true, nsvc, nmet, np, &svc, &met, &prow);
    draw_services(t, y, svc, width, idx, nvis, caption);
    y += 1 + caption + svc;
    draw_metrics(t, y, met, width);
    y += 1 + met;
    int used = draw_panels(t, y, prow, width, panels, np);
    int spare = t->lines - 3 - (y + used) - 1;
    const struct service_view *sv = tui_selected(t);
    if (spare >= 5 && sv) /* a tall terminal: the selected service's history too */
        detail_charts(t, sv, y + used + 1, spare, width);
    draw_reason(t, t->lines - 3, width);
    frame_footer(t);
}
