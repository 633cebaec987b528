/* alerts.c - the alerts screen: forgetop's own pending and firing metrics (the world's
 * sustained states) beside the alerts the sources report (Prometheus' /api/v1/alerts),
 * each with its source; then every source's error in full. And the one place that
 * notices a new critical, for the bell and the window title.
 *
 * Nothing here judges: a band and a sustained state come from the world. */

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "forgetop/gauge.h"
#include "forgetop/paint.h"
#include "forgetop/table.h"
#include "forgetop/text.h"
#include "forgetop/tui.h"

/* What the table shows of one alert, whoever raised it. */
struct alert_row {
    const char *name, *state, *severity, *source;
    char summary[FT_TEXT_MAX], labels[FT_TEXT_MAX], age[16];
    bool firing;
};

enum { AC_NAME, AC_STATE, AC_SEV, AC_FOR, AC_SOURCE, AC_SUMMARY, AC_LABELS, AC_N };

static const struct table_col cols[AC_N] = {
    [AC_NAME] = {"ALERT", 16, 32, 90, PAINT_LEFT},
    [AC_STATE] = {"STATE", 7, 8, 85, PAINT_LEFT},
    [AC_SEV] = {"SEVERITY", 8, 10, 80, PAINT_LEFT},
    [AC_FOR] = {"FOR", 5, 6, 70, PAINT_RIGHT},
    [AC_SOURCE] = {"SOURCE", 10, 12, 75, PAINT_LEFT},
    [AC_SUMMARY] = {"SUMMARY", 20, 120, 60, PAINT_LEFT},
    [AC_LABELS] = {"LABELS", 20, 80, 10, PAINT_LEFT},
};

size_t alerts_count(const struct tui *t)
{
    size_t n = 0;
    for (size_t i = 0; i < t->world->n_metrics; i++)
        n += world_metric_alerting(&t->world->metrics[i]);
    for (size_t i = 0; i < t->world->n_sources; i++)
        if (t->world->snaps[i])
            n += t->world->snaps[i]->n_alerts;
    return n;
}

/* "92% !! > 85%": the value, its band's glyph, the threshold it is over. */
static void own_row(const struct tui *t, const struct metric_view *m, struct alert_row *r)
{
    char v[24], thr[24];
    const char *u = m->rule.unit;
    double over = m->band == BAND_CRITICAL ? m->rule.critical : m->rule.warning;
    frame_value(v, sizeof v, u, m->value);
    frame_value(thr, sizeof thr, u, over);
    memset(r, 0, sizeof *r);
    r->name = m->rule.title[0] ? m->rule.title : m->rule.id;
    r->firing = m->sustain.state == SUSTAINED_FIRING;
    r->state = r->firing ? "FIRING" : "pending";
    r->severity = band_name(m->band);
    r->source = WORLD_OWN_ALERTS;
    text_printf(r->summary, sizeof r->summary, "%s %s > %s, %s", v, gauge_severity(m->band, false),
                thr, m->rule.action);
    text_printf(r->labels, sizeof r->labels, "service=%s", m->service);
    text_duration(r->age, sizeof r->age, m->sustain.for_s);
    (void)t;
}

static void source_row(const struct tui *t, size_t src, const struct alert *a, struct alert_row *r)
{
    memset(r, 0, sizeof *r);
    r->name = a->name;
    r->state = a->state;
    r->severity = a->severity;
    r->source = t->world->sources[src].name;
    r->firing = strcmp(a->state, "firing") == 0;
    text_printf(r->summary, sizeof r->summary, "%s", a->summary);
    text_printf(r->labels, sizeof r->labels, "%s", a->labels);
    text_duration(r->age, sizeof r->age, a->active_at > 0 ? t->now - a->active_at : -1);
}

static void draw_row(struct tui *t, int y, int w, const struct table_layout *l,
                     const struct alert_row *r)
{
    const struct style *st = &t->style;
    const char *cells[AC_N] = {r->name,   r->state,   r->severity, r->age,
                               r->source, r->summary, r->labels};
    attr_t ca[AC_N] = {0};
    ca[AC_STATE] = r->firing ? st->attr[EL_BAND_CRIT] | A_BOLD : st->attr[EL_BAND_WARN];
    ca[AC_SOURCE] = st->attr[EL_DIM];
    table_draw_row(t->win, st, y, 0, w, cols, l, cells, ca, 0);
}

/* Each source that is not ok, with its error whole: the header only has room for a part. */
static int draw_errors(struct tui *t, int y, int w)
{
    const struct style *st = &t->style;
    int y0 = y;
    for (size_t i = 0; i < t->world->n_sources && y < t->lines - 3; i++) {
        const struct source_status *s = &t->world->sources[i];
        if (s->state == SOURCE_OK || !s->error[0])
            continue;
        char head[64], age[16] = "never ok";
        if (s->last_ok > 0)
            text_duration(age, sizeof age, t->now - s->last_ok);
        if (y == y0)
            paint_text(t->win, st, y++, 0, w, "SOURCE ERRORS", st->attr[EL_HEADER]);
        text_printf(head, sizeof head, "%s %s %s", s->name, source_state_name(s->state), age);
        int hw = paint_text(t->win, st, y, 0, w, head, st->attr[EL_BAND_CRIT]);
        y += paint_wrap(t->win, st, y, hw + 1, w - hw - 1, s->error, t->lines - 2 - y,
                        st->attr[EL_STATUS_ERR]);
    }
    return y - y0;
}

void alerts_draw(struct tui *t)
{
    const struct style *st = &t->style;
    const struct world *wd = t->world;
    int w = t->cols > TUI_MAX_COLS ? TUI_MAX_COLS : t->cols;
    int y = frame_header(t, 0);
    struct table_layout l;
    struct alert_row r;
    table_fit(cols, AC_N, w, &l);
    table_draw_header(t->win, st, y++, 0, w, cols, &l, st->attr[EL_HEADER_FOCUS]);
    size_t row = 0, total = alerts_count(t);
    if (t->scroll >= total) /* j past the last alert stays on it */
        t->scroll = total ? total - 1 : 0;
    int bottom = t->lines - 2;
    for (size_t i = 0; i < wd->n_metrics; i++) /* forgetop's own first: what is on screen */
        if (world_metric_alerting(&wd->metrics[i]) && row++ >= t->scroll && y < bottom) {
            own_row(t, &wd->metrics[i], &r);
            draw_row(t, y++, w, &l, &r);
        }
    for (size_t s = 0; s < wd->n_sources; s++)
        for (size_t i = 0; wd->snaps[s] && i < wd->snaps[s]->n_alerts; i++)
            if (row++ >= t->scroll && y < bottom) {
                source_row(t, s, &wd->snaps[s]->alerts[i], &r);
                draw_row(t, y++, w, &l, &r);
            }
    if (total == 0)
        paint_text(t->win, st, y++, 1, w - 1, "no alerts", st->attr[EL_DIM]);
    if (y + 2 < bottom)
        draw_errors(t, y + 1, w);
    frame_footer(t);
}

/* ---- a new critical: the bell and the window title ---- */

static bool alert_critical(const struct alert *a)
{
    return strcmp(a->state, "firing") == 0 && strcasecmp(a->severity, "critical") == 0;
}

bool alerts_new_critical(struct tui *t, char *what, size_t len)
{
    const struct world *wd = t->world;
    uint32_t mask = 0;
    size_t firing = 0;
    bool fresh = false;
    what[0] = '\0';
    for (size_t i = 0; i < wd->n_metrics && i < 32; i++) {
        const struct metric_view *m = &wd->metrics[i];
        if (m->band != BAND_CRITICAL)
            continue;
        mask |= UINT32_C(1) << i;
        if (!(t->crit_mask & (UINT32_C(1) << i)) && !what[0]) {
            char v[24];
            frame_value(v, sizeof v, m->rule.unit, m->value);
            text_printf(what, len, "CRITICAL %s %s %s",
                        m->rule.title[0] ? m->rule.title : m->rule.id, m->service, v);
        }
    }
    for (size_t s = 0; s < wd->n_sources; s++)
        for (size_t i = 0; wd->snaps[s] && i < wd->snaps[s]->n_alerts; i++)
            if (alert_critical(&wd->snaps[s]->alerts[i]) && ++firing > t->crit_alerts && !what[0])
                text_printf(what, len, "CRITICAL %s (%s)", wd->snaps[s]->alerts[i].name,
                            wd->sources[s].name);
    fresh = (mask & ~t->crit_mask) != 0 || firing > t->crit_alerts;
    t->crit_mask = mask;
    t->crit_alerts = firing;
    t->crit_any = mask != 0 || firing > 0;
    return fresh;
}
