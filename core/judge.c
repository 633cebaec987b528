/* judge.c - judge a proposed replica count before it is confirmed.
 *
 * Load spreads evenly over the replicas (as world_predict says it), so per-replica use
 * scales by ready/new. Each predicted figure is banded by the config's thresholds for
 * its metric; a critical band, a figure over 100 % of what it is a share of, a dependent
 * metric pushed over its warning (database connections: each replica holds its
 * service's db_pool) or data from a stale source is a danger that must be confirmed
 * twice. */

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "forgetop/judge.h"
#include "forgetop/text.h"

static void add_danger(struct judgement *j, const char *one)
{
    size_t n = strlen(j->danger);
    snprintf(j->danger + n, sizeof j->danger - n, "%s%s", n ? "; " : "", one);
    j->needs_second = true;
}

/* cpu or memory at `to`: the service's share scaled by ready/to, banded by the metric. */
static void share(const struct world *w, struct judgement *j, const char *id, double pct, double f,
                  const char *of, bool say_of)
{
    if (isnan(pct) || j->n >= JUDGE_MAX_FIGURES)
        return;
    const struct metric_view *m = world_metric(w, id);
    struct judged_figure *g = &j->fig[j->n++];
    text_printf(g->label, sizeof g->label, "%s", id);
    text_printf(g->unit, sizeof g->unit, "%%");
    text_printf(g->of, sizeof g->of, "%s", say_of ? of : "");
    g->now = floor(pct);
    g->after = round(pct * f);
    g->band = m != NULL ? bands_classify(&m->rule, g->after) : BAND_UNKNOWN;
    g->over_limit = g->after > 100;
    char one[96];
    if (g->over_limit) {
        text_printf(one, sizeof one, "%s ~%.0f%% is over 100%% of its %s", id, g->after, of);
        add_danger(j, one);
    } else if (g->band == BAND_CRITICAL) {
        text_printf(one, sizeof one, "%s ~%.0f%% is critical (over %.0f%%)", id, g->after,
                    m->rule.critical);
        add_danger(j, one);
    }
}

/* The database connections the change adds or frees, from the service's pool. */
static void connections(const struct world *w, const struct service_view *sv, int to,
                        struct judgement *j)
{
    const struct service_rule *r = config_service(w->cfg, sv->svc.name);
    const struct metric_view *m = world_metric(w, "db_connections");
    double used = world_latest_reading(w, "db_connections_used"),
           max = world_latest_reading(w, "db_connections_max");
    if (r == NULL || r->db_pool <= 0 || m == NULL || isnan(used) || isnan(max) || max <= 0 ||
        j->n >= JUDGE_MAX_FIGURES)
        return;
    struct judged_figure *g = &j->fig[j->n++];
    double wanted = used + (double)(to - sv->svc.desired) * r->db_pool;
    text_printf(g->label, sizeof g->label, "DB connections");
    text_printf(g->unit, sizeof g->unit, "%%");
    g->now = round(used * 100 / max);
    g->after = round(fmax(wanted, 0) * 100 / max);
    g->band = bands_classify(&m->rule, g->after);
    g->over_limit = wanted > max;
    enum band before = bands_classify(&m->rule, g->now);
    char one[128];
    if (g->over_limit) {
        text_printf(one, sizeof one,
                    "DB connections ~%.0f of %.0f (%d per %s replica): clients will wait", wanted,
                    max, r->db_pool, sv->svc.name);
        add_danger(j, one);
    } else if (g->band > before && g->band != BAND_OK && g->band != BAND_UNKNOWN) {
        text_printf(one, sizeof one,
                    "DB connections ~%.0f%% pass the %.0f%% threshold (%d per %s replica)",
                    g->after, g->band == BAND_CRITICAL ? m->rule.critical : m->rule.warning,
                    r->db_pool, sv->svc.name);
        add_danger(j, one);
    }
}

/* The newest reading of metric for service, NAN when none. */
static double newest_of(const struct world *w, const char *metric, const char *service)
{
    double t = -1, v = NAN;
    for (size_t i = 0; i < w->n_sources; i++) {
        const struct snapshot *s = w->snaps[i];
        for (size_t k = 0; s != NULL && k < s->n_readings; k++) {
            const struct reading *r = &s->readings[k];
            if (strcmp(r->metric, metric) == 0 && strcmp(r->service, service) == 0 && r->t > t) {
                t = r->t;
                v = r->value;
            }
        }
    }
    return v;
}

/* Workers: how long the queue stays over its warning at `to`, from the throughput the
 * ready workers have now (queue_throughput, queue_arrivals: items per second), not from
 * cpu. A queue that would stay over its threshold past the alert's window, or never
 * drain, is a danger. */
static void drain(const struct world *w, const struct service_view *sv, int to, struct judgement *j)
{
    const struct service_rule *r = config_service(w->cfg, sv->svc.name);
    const struct metric_view *m =
        r != NULL && r->queue_metric[0] ? world_metric(w, r->queue_metric) : NULL;
    double served = newest_of(w, "queue_throughput", sv->svc.name);
    double arrivals = newest_of(w, "queue_arrivals", sv->svc.name);
    int ready = sv->svc.ready > 0 ? sv->svc.ready : sv->svc.desired;
    if (m == NULL || !m->has_value || isnan(m->value) || isnan(served) || served <= 0 ||
        ready <= 0 || j->n >= JUDGE_MAX_FIGURES)
        return;
    double over = m->value - m->rule.warning, in = isnan(arrivals) ? 0 : arrivals;
    double net_now = served - in, net_after = served * to / ready - in;
    struct judged_figure *g = &j->fig[j->n++];
    text_printf(g->label, sizeof g->label, "queue over %.0f", m->rule.warning);
    text_printf(g->unit, sizeof g->unit, "s");
    g->now = over <= 0 ? 0 : net_now > 0 ? over / net_now : INFINITY;
    g->after = over <= 0 ? 0 : net_after > 0 ? over / net_after : INFINITY;
    double window = m->rule.for_s > 0 ? m->rule.for_s : 0;
    g->band = g->after > window && over > 0 ? BAND_CRITICAL : BAND_OK;
    if (g->band != BAND_CRITICAL || g->after <= g->now)
        return; /* not made worse by this change */
    char one[160], left[32] = "", win[32];
    text_duration(win, sizeof win, window);
    if (isinf(g->after))
        text_printf(one, sizeof one, "queue %.0f never drains with %d workers", m->value, to);
    else {
        text_duration(left, sizeof left, g->after);
        text_printf(one, sizeof one,
                    "queue %.0f stays over %.0f for ~%s with %d workers (alert after %s)", m->value,
                    m->rule.warning, left, to, win);
    }
    add_danger(j, one);
}

void judge_change(const struct world *w, const struct service_view *sv, int to, double now,
                  struct judgement *out)
{
    memset(out, 0, sizeof *out);
    int base = sv->svc.ready > 0 ? sv->svc.ready : sv->svc.desired;
    if (to > 0 && base > 0) {
        double f = (double)base / to;
        const char *cpu_of = sv->svc.cpu_of[0] ? sv->svc.cpu_of : "request";
        share(w, out, "cpu", sv->svc.cpu_pct, f, cpu_of, false);
        /* the limit's share, as the memory alert and the OOM killer count; the HPA's memory
         * of request is the reason's, so the screen says which this is */
        share(w, out, "memory", sv->svc.mem_pct, f, "limit", true);
    }
    connections(w, sv, to, out);
    drain(w, sv, to, out);
    const struct source_status *st = sv->source < w->n_sources ? &w->sources[sv->source] : NULL;
    if (st != NULL && st->state != SOURCE_OK) {
        out->stale_s = st->last_ok > 0 ? now - st->last_ok : INFINITY;
        char age[32] = "";
        if (!isinf(out->stale_s))
            text_duration(age, sizeof age, out->stale_s);
        char one[128];
        if (isinf(out->stale_s))
            text_printf(one, sizeof one, "%s has never answered (%s)", st->name,
                        source_state_name(st->state));
        else
            text_printf(one, sizeof one, "%s's data is %s old (%s)", st->name, age,
                        source_state_name(st->state));
        add_danger(out, one);
    }
}
