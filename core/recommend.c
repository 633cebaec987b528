/* recommend.c - replica counts the way the HPA controller and KEDA compute them, and
 * the runbook's capacity tiers and database advice.
 *
 * Each step mirrors pkg/controller/podautoscaler (replica_calculator.go, horizontal.go)
 * down to its float arithmetic, so forgetop proposes what the autoscaler would do, and
 * writes the arithmetic into the reason as it goes. Pure: time comes in as an argument. */

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "forgetop/model.h"
#include "forgetop/recommend.h"

/* A proposal past this comes from nonsense input (a queue of 1e12); keep ints sane. */
#define REPLICAS_CAP 1000000
/* The controller's downscale stabilisation when spec.behavior is absent. */
#define NO_BEHAVIOR_WINDOW_S 300

static int imin(int a, int b)
{
    return a < b ? a : b;
}

static int imax(int a, int b)
{
    return a > b ? a : b;
}

static int to_count(double d)
{
    if (!(d >= 0))
        return 0;
    return d > REPLICAS_CAP ? REPLICAS_CAP : (int)d;
}

/* A policy's limit as an int, whatever value a config file gave it. */
static int to_limit(double d)
{
    if (d > REPLICAS_CAP)
        return REPLICAS_CAP;
    return d < -REPLICAS_CAP ? -REPLICAS_CAP : (int)d;
}

/* Append one clause to the reason, "; "-separated; a full reason is cut, never overrun. */
static void say(struct recommendation *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void say(struct recommendation *out, const char *fmt, ...)
{
    size_t used = strnlen(out->reason, sizeof(out->reason));
    if (used + 3 >= sizeof(out->reason))
        return;
    if (used > 0) {
        memcpy(out->reason + used, "; ", 3);
        used += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->reason + used, sizeof(out->reason) - used, fmt, ap);
    va_end(ap);
}

static void begin(struct recommendation *out, int current)
{
    memset(out, 0, sizeof(*out));
    out->replicas = current;
}

static void finish(struct recommendation *out, int current, int replicas)
{
    out->replicas = replicas;
    out->changes = replicas != current;
}

/* ---- state kept between syncs ---- */

void hpa_state_init(struct hpa_state *st)
{
    memset(st, 0, sizeof(*st));
}

static void drop_oldest(struct hpa_event *ev, size_t *n)
{
    size_t oldest = 0;
    for (size_t i = 1; i < *n; i++)
        if (ev[i].t < ev[oldest].t)
            oldest = i;
    ev[oldest] = ev[--*n];
}

void hpa_state_note_scale(struct hpa_state *st, double t, int from, int to)
{
    if (from == to)
        return;
    if (st->n_scales == HPA_STATE_CAP)
        drop_oldest(st->scales, &st->n_scales);
    st->scales[st->n_scales++] = (struct hpa_event){t, to - from};
}

/* Record this sync's raw recommendation. An older entry with the same count says
 * nothing the new one does not (any window that holds it holds the newer one too), so
 * it is moved to now: the list keeps one entry per distinct count and fast syncs cannot
 * push a window's highest out. Otherwise reuse a slot older than every window, as the
 * controller does. */
static void store_rec(struct hpa_state *st, double now, int replicas, double cutoff)
{
    for (size_t i = 0; i < st->n_recs; i++) {
        if (st->recs[i].replicas == replicas) {
            st->recs[i].t = now;
            return;
        }
    }
    for (size_t i = 0; i < st->n_recs; i++) {
        if (st->recs[i].t < cutoff) {
            st->recs[i] = (struct hpa_event){now, replicas};
            return;
        }
    }
    if (st->n_recs == HPA_STATE_CAP)
        drop_oldest(st->recs, &st->n_recs);
    st->recs[st->n_recs++] = (struct hpa_event){now, replicas};
}

/* Replicas added (sign > 0) or removed (sign < 0) in the period ending now. */
static int changed_in(const struct hpa_state *st, double now, int period_s, int sign)
{
    int sum = 0;
    for (size_t i = 0; i < st->n_scales; i++) {
        const struct hpa_event *e = &st->scales[i];
        if (e->t > now - period_s && e->replicas * sign > 0)
            sum += e->replicas * sign;
    }
    return sum;
}

/* ---- rule presets ---- */

void hpa_rule_default_behavior(struct scaling_rules *up, struct scaling_rules *down)
{
    *up = (struct scaling_rules){
        .window_s = 0,
        .select = SELECT_MAX,
        .policies = {{POLICY_PODS, 4, 15}, {POLICY_PERCENT, 100, 15}},
        .n_policies = 2,
    };
    *down = (struct scaling_rules){
        .window_s = 300,
        .select = SELECT_MAX,
        .policies = {{POLICY_PERCENT, 100, 15}},
        .n_policies = 1,
    };
}

void hpa_rule_runbook_api(struct hpa_rule *r)
{
    *r = (struct hpa_rule){
        .min = 3,
        .max = 20,
        .cpu_target = 70,
        .memory_target = 80,
        .tolerance = 0.1,
        .has_behavior = true,
        .up = {.window_s = 0,
               .select = SELECT_MAX,
               .policies = {{POLICY_PERCENT, 100, 15}},
               .n_policies = 1},
        .down = {.window_s = 300,
                 .select = SELECT_MAX,
                 .policies = {{POLICY_PERCENT, 10, 60}},
                 .n_policies = 1},
    };
}

void queue_rule_runbook_worker(struct queue_rule *r)
{
    *r = (struct queue_rule){
        .mode = QUEUE_KEDA_AVERAGE,
        .per_replica = 10,
        .min = 1,
        .max = 100,
        .activation = 0,
        .tolerance = 0.1,
        .cooldown_s = 300,
    };
}

void queue_rule_runbook_worker_hpa(struct queue_rule *r)
{
    *r = (struct queue_rule){
        .mode = QUEUE_HPA_VALUE,
        .per_replica = 100,
        .min = 2,
        .max = 50,
        .activation = 0,
        .tolerance = 0.1,
    };
}

/* ---- normalisation: stabilisation, rate policies, bounds ---- */

/* What bounds and behaviour the HPA (or KEDA's generated HPA) applies. */
struct limits {
    int min, max;
    bool has_behavior;
    const struct scaling_rules *up, *down;
};

static const char *select_name(enum select_policy s)
{
    return s == SELECT_MIN ? "Min" : s == SELECT_DISABLED ? "Disabled" : "Max";
}

static void describe_policy(const struct scaling_policy *p, char *buf, size_t len)
{
    if (p->type == POLICY_PODS)
        snprintf(buf, len, "%d pod%s per %ds", p->value, p->value == 1 ? "" : "s", p->period_s);
    else
        snprintf(buf, len, "%d%% per %ds", p->value, p->period_s);
}

/* The furthest the rate policies let the count move from current in one direction;
 * *why names the policy that set it. Mirrors calculateScaleUpLimitWithScalingRules and
 * calculateScaleDownLimitWithBehaviors. */
static int rate_limit(const struct scaling_rules *rules, bool up, const struct hpa_state *st,
                      int current, double now, char *why, size_t whylen)
{
    struct scaling_rules defaults[2];
    const struct scaling_rules *rr = rules;
    if (rules->n_policies == 0) {
        hpa_rule_default_behavior(&defaults[0], &defaults[1]);
        rr = &defaults[up ? 0 : 1];
    }
    /* Max picks the most permissive: the highest limit up, the lowest down. */
    bool take_max = (rules->select == SELECT_MIN) != up;
    int result = take_max ? INT_MIN : INT_MAX;
    for (size_t i = 0; i < rr->n_policies && i < 4; i++) {
        const struct scaling_policy *p = &rr->policies[i];
        int start =
            current - changed_in(st, now, p->period_s, +1) + changed_in(st, now, p->period_s, -1);
        /* the controller's float arithmetic: ceil going up, truncation going down */
        double pct = (double)p->value / 100;
        int proposed;
        if (up)
            proposed = p->type == POLICY_PODS ? to_limit((double)start + p->value)
                                              : to_limit(ceil((double)start * (1 + pct)));
        else
            proposed = p->type == POLICY_PODS ? to_limit((double)start - p->value)
                                              : to_limit(trunc((double)start * (1 - pct)));
        if (take_max ? proposed > result : proposed < result) {
            char pol[48];
            result = proposed;
            describe_policy(p, pol, sizeof(pol));
            if (start != current)
                snprintf(why, whylen, "%s from %d at the period's start", pol, start);
            else
                snprintf(why, whylen, "%s", pol);
        }
    }
    if (rr->n_policies > 1 && whylen > 0) {
        size_t l = strlen(why);
        snprintf(why + l, whylen - l, " (selectPolicy %s)", select_name(rules->select));
    }
    return result;
}

/* stabilizeRecommendationWithBehaviors: the count moves no further up than the lowest
 * recommendation in the up window, no further down than the highest in the down one. */
static int stabilise_behavior(const struct limits *l, struct hpa_state *st, int current,
                              int desired, double now, struct recommendation *out)
{
    double up_cut = now - l->up->window_s, down_cut = now - l->down->window_s;
    int up = desired, down = desired;
    for (size_t i = 0; i < st->n_recs; i++) {
        if (st->recs[i].t > up_cut)
            up = imin(up, st->recs[i].replicas);
        if (st->recs[i].t > down_cut)
            down = imax(down, st->recs[i].replicas);
    }
    int rec = imin(imax(current, up), down);
    store_rec(st, now, desired, fmin(up_cut, down_cut));
    if (rec == desired)
        return rec;
    bool falling = desired < current;
    int bound = falling ? down : up;
    char keep[24] = "";
    if (bound != rec)
        snprintf(keep, sizeof(keep), ", keep %d", rec);
    say(out, "stabilised: %s of last %ds = %d%s", falling ? "highest" : "lowest",
        falling ? l->down->window_s : l->up->window_s, bound, keep);
    return rec;
}

/* convertDesiredReplicasWithBehaviorRate: the rate policies, then min..max. */
static int rate_behavior(const struct limits *l, const struct hpa_state *st, int current, int rec,
                         double now, struct recommendation *out)
{
    char why[160] = "";
    if (rec > current) {
        int limit = l->up->select == SELECT_DISABLED
                        ? current
                        : rate_limit(l->up, true, st, current, now, why, sizeof(why));
        limit = imax(limit, current); /* wait for old events to age out */
        if (rec <= imin(l->max, limit))
            return rec;
        if (l->max <= limit) {
            say(out, "clamped to %d..%d: %d -> %d", l->min, l->max, rec, l->max);
            return l->max;
        }
        if (l->up->select == SELECT_DISABLED)
            say(out, "scale-up disabled (selectPolicy Disabled): stays %d", current);
        else
            say(out, "scale-up limited to %s: %d -> %d", why, current, limit);
        return limit;
    }
    if (rec < current) {
        int limit = l->down->select == SELECT_DISABLED
                        ? current
                        : rate_limit(l->down, false, st, current, now, why, sizeof(why));
        limit = imin(limit, current);
        if (rec >= imax(l->min, limit))
            return rec;
        if (l->min >= limit) {
            say(out, "clamped to %d..%d: %d -> %d", l->min, l->max, rec, l->min);
            return l->min;
        }
        if (l->down->select == SELECT_DISABLED)
            say(out, "scale-down disabled (selectPolicy Disabled): stays %d", current);
        else
            say(out, "scale-down limited to %s: %d -> %d", why, current, limit);
        return limit;
    }
    return rec;
}

/* normalizeDesiredReplicas without spec.behavior: the highest of the last 5 minutes,
 * then min..min(max, max(2 x current, 4)). */
static int normalise_plain(const struct limits *l, struct hpa_state *st, int current, int desired,
                           double now, struct recommendation *out)
{
    double cutoff = now - NO_BEHAVIOR_WINDOW_S;
    int rec = desired;
    for (size_t i = 0; i < st->n_recs; i++)
        if (st->recs[i].t >= cutoff)
            rec = imax(rec, st->recs[i].replicas);
    store_rec(st, now, desired, cutoff);
    if (rec != desired)
        say(out, "stabilised: highest of last %ds = %d", NO_BEHAVIOR_WINDOW_S, rec);
    int cap = current > INT_MAX / 2 ? INT_MAX : imax(2 * current, 4);
    if (rec < l->min) {
        say(out, "clamped to %d..%d: %d -> %d", l->min, l->max, rec, l->min);
        return l->min;
    }
    if (rec > l->max && l->max <= cap) {
        say(out, "clamped to %d..%d: %d -> %d", l->min, l->max, rec, l->max);
        return l->max;
    }
    if (rec > cap) {
        say(out, "scale-up limited to max(2 x %d, 4) without behavior: %d -> %d", current, rec,
            cap);
        return cap;
    }
    return rec;
}

static int normalise(const struct limits *l, struct hpa_state *st, int current, int desired,
                     double now, struct recommendation *out)
{
    if (!l->has_behavior)
        return normalise_plain(l, st, current, desired, now, out);
    int rec = stabilise_behavior(l, st, current, desired, now, out);
    return rate_behavior(l, st, current, rec, now, out);
}

/* The bounds checks reconcileAutoscaler makes before it looks at any metric. Returns
 * true when they decide the count (*replicas set). */
static bool bounds_decide(int min, int max, int current, int *replicas, struct recommendation *out)
{
    if (current == 0 && min != 0) {
        say(out, "scaling disabled: current 0 with min %d (the HPA leaves a service at zero alone)",
            min);
        *replicas = 0;
        return true;
    }
    if (current > max) {
        say(out, "current %d above max %d -> %d", current, max, max);
        *replicas = max;
        return true;
    }
    if (current < min) {
        say(out, "current %d below min %d -> %d", current, min, min);
        *replicas = min;
        return true;
    }
    return false;
}

/* ---- the HPA: utilisation metrics ---- */

struct metric_want {
    const char *name;
    bool valid;
    int replicas;
};

/* One Resource Utilization metric (GetResourceReplicas). Returns false when the metric
 * cannot be used. */
static bool propose_utilisation(struct metric_want *m, double pct, double target, double tol,
                                const struct hpa_input *in, struct recommendation *out)
{
    if (!isfinite(pct) || pct < 0) {
        say(out, "%s: no reading", m->name);
        return false;
    }
    if (in->ready <= 0) {
        say(out, "%s: no ready pod to measure", m->name);
        return false;
    }
    double used = floor(pct); /* sum(usage) * 100 / sum(requests), integer division */
    double ratio = used / target;
    if (fabs(1.0 - ratio) <= tol) {
        m->replicas = in->current;
        say(out, "%s %.0f%% / target %g%% within tolerance -> %d", m->name, used, target,
            in->current);
        return true;
    }
    /* Scaling up, pods without a reading (not ready, or missing) count as 0 %; if that
     * brings the ratio back within tolerance or below 1, the count stays. */
    if (ratio > 1.0 && in->ready < in->current) {
        double adjusted = ratio * in->ready / in->current;
        if (adjusted <= 1.0 + tol) {
            m->replicas = in->current;
            say(out,
                "%s %.0f%% / target %g%%, but %d of %d pods not ready count as 0%% -> "
                "%.2f, keep %d",
                m->name, used, target, in->current - in->ready, in->current, adjusted, in->current);
            return true;
        }
    }
    m->replicas = to_count(ceil(ratio * in->ready));
    say(out, "%s %.0f%% / target %g%% -> ceil(%d x %.2f) = %d", m->name, used, target, in->ready,
        ratio, m->replicas);
    return true;
}

/* computeReplicasForMetrics: the largest proposal. Returns the count, or -1 when no
 * metric is usable; *hold when a metric failed and the rest would scale down. */
static int metrics_want(const struct hpa_rule *r, const struct hpa_input *in,
                        struct recommendation *out, bool *hold)
{
    struct metric_want m[2] = {{.name = "cpu"}, {.name = "memory"}};
    const double pct[2] = {in->cpu_pct, in->memory_pct};
    const double target[2] = {r->cpu_target, r->memory_target};
    int best = -1, n_used = 0, n_valid = 0;
    *hold = false;
    for (int i = 0; i < 2; i++) {
        if (!(target[i] > 0))
            continue;
        n_used++;
        m[i].valid = propose_utilisation(&m[i], pct[i], target[i], r->tolerance, in, out);
        if (m[i].valid) {
            n_valid++;
            best = imax(best, m[i].replicas);
        }
    }
    if (n_used == 0) {
        say(out, "no metric target configured");
        return -1;
    }
    if (n_valid == 0)
        return -1;
    if (n_valid > 1)
        say(out, "max of %s %d, %s %d -> %d", m[0].name, m[0].replicas, m[1].name, m[1].replicas,
            best);
    if (n_valid < n_used && best < in->current) {
        say(out, "a metric is missing: no scale-down, keep %d", in->current);
        *hold = true;
    }
    return best;
}

int recommend_hpa(const struct hpa_rule *r, const struct hpa_input *in, struct hpa_state *st,
                  double now, struct recommendation *out)
{
    begin(out, in->current);
    if (r->min < 0 || r->max < r->min || r->max < 1) {
        say(out, "rule bounds %d..%d make no sense: keep %d", r->min, r->max, in->current);
        return -1;
    }
    int replicas;
    if (bounds_decide(r->min, r->max, in->current, &replicas, out)) {
        finish(out, in->current, replicas);
        return 0;
    }
    bool hold;
    int want = metrics_want(r, in, out, &hold);
    if (want < 0) {
        say(out, "keep %d", in->current);
        return -1;
    }
    if (hold) {
        finish(out, in->current, in->current);
        return 0;
    }
    const struct limits l = {r->min, r->max, r->has_behavior, &r->up, &r->down};
    finish(out, in->current, normalise(&l, st, in->current, want, now, out));
    return 0;
}

/* ---- queues: KEDA's redis list trigger and the HPA External Value variant ---- */

/* GetExternalPerPodMetricReplicas: tolerance on depth / (per_replica x current), then
 * ceil(depth / per_replica) whatever the current count. */
static int queue_average(const struct queue_rule *r, int current, double depth,
                         struct recommendation *out)
{
    double ratio = depth / (r->per_replica * current);
    if (fabs(1.0 - ratio) <= r->tolerance) {
        say(out, "queue %g / (%g per replica x %d) = %.2f within tolerance -> %d", depth,
            r->per_replica, current, ratio, current);
        return current;
    }
    int want = to_count(ceil(depth / r->per_replica));
    if (r->param[0])
        say(out, "ceil(%s %g / %s %g) = %d, within %d..%d", r->word[0] ? r->word : "queue", depth,
            r->param, r->per_replica, want, imax(1, r->min), r->max);
    else
        say(out, "queue %g / %g per replica -> ceil(%.2f) = %d", depth, r->per_replica,
            depth / r->per_replica, want);
    return want;
}

/* GetExternalMetricReplicas: ratio = total / target, times the ready pods. */
static int queue_value(const struct queue_rule *r, int current, int ready, double depth,
                       struct recommendation *out)
{
    double ratio = depth / r->per_replica;
    if (current == 0) { /* only with min 0 (HPAScaleToZero): no pods to multiply by */
        int want = to_count(ceil(ratio));
        say(out, "queue %g / target %g from 0 -> ceil(%.2f) = %d", depth, r->per_replica, ratio,
            want);
        return want;
    }
    if (fabs(1.0 - ratio) <= r->tolerance) {
        say(out, "queue %g / target %g = %.2f within tolerance -> %d", depth, r->per_replica, ratio,
            current);
        return current;
    }
    int want = to_count(ceil(ratio * imax(ready, 0)));
    say(out,
        "queue %g / target %g -> ceil(%d x %.2f) = %d (a Value target divides the total, "
        "it is not per replica)",
        depth, r->per_replica, imax(ready, 0), ratio, want);
    return want;
}

/* KEDA owns 0 <-> 1: returns true when it decides the count (*replicas set). Scaling
 * to 0 waits for the trigger to have been inactive for the cooldown. */
static bool keda_decides(const struct queue_rule *r, int current, double depth,
                         struct hpa_state *st, double now, int *replicas,
                         struct recommendation *out)
{
    bool active = depth > r->activation;
    int hpa_min = imax(1, r->min);
    const char *act = r->activation_param[0] ? r->activation_param : "activation";
    if (active)
        st->keda_inactive = false;
    else if (!st->keda_inactive) {
        st->keda_inactive = true;
        st->keda_inactive_since = now;
    }
    double idle = now - st->keda_inactive_since;
    if (!active && r->min == 0 && (current == 0 || idle >= r->cooldown_s)) {
        say(out,
            "queue %g <= %s %g for %.0fs (cooldown %gs) with min 0: KEDA scales "
            "to 0",
            depth, act, r->activation, idle, r->cooldown_s);
        *replicas = 0;
        return true;
    }
    if (current == 0) {
        if (active)
            say(out, "queue %g > %s %g: KEDA activates 0 -> %d, then its HPA takes over", depth,
                act, r->activation, hpa_min);
        else
            say(out, "KEDA raises 0 to its min -> %d", hpa_min);
        *replicas = hpa_min;
        return true;
    }
    if (!active && r->min == 0)
        say(out, "queue %g <= %s %g: KEDA scales to 0 in %.0fs (cooldown %gs)", depth, act,
            r->activation, r->cooldown_s - idle, r->cooldown_s);
    return false;
}

int recommend_queue(const struct queue_rule *r, int current, int ready, double depth,
                    struct hpa_state *st, double now, struct recommendation *out)
{
    begin(out, current);
    bool keda = r->mode == QUEUE_KEDA_AVERAGE;
    /* The HPA KEDA generates has minReplicas = max(1, minReplicaCount). */
    int min = keda ? imax(1, r->min) : r->min;
    if (!(r->per_replica > 0) || r->min < 0 || r->max < min) {
        say(out, "queue rule (target %g, %d..%d) makes no sense: keep %d", r->per_replica, r->min,
            r->max, current);
        return -1;
    }
    if (!isfinite(depth) || depth < 0) {
        say(out, "queue depth unknown: keep %d", current);
        return -1;
    }
    int replicas;
    if ((keda && keda_decides(r, current, depth, st, now, &replicas, out)) ||
        bounds_decide(min, r->max, current, &replicas, out)) {
        finish(out, current, replicas);
        return 0;
    }
    int want =
        keda ? queue_average(r, current, depth, out) : queue_value(r, current, ready, depth, out);
    const struct limits l = {min, r->max, r->has_behavior, &r->up, &r->down};
    finish(out, current, normalise(&l, st, current, want, now, out));
    return 0;
}

/* ---- KEDA with a ScaledObject's own parameters ---- */

/* A cpu or memory trigger: the generated HPA's Resource utilisation rule. */
static int keda_resource(const struct keda_scaler *k, const struct keda_input *in,
                         struct hpa_state *st, double now, struct recommendation *out)
{
    struct hpa_rule r = {.min = imax(1, k->min), .max = k->max, .tolerance = 0.1};
    if (strcmp(k->trigger, "memory") == 0)
        r.memory_target = k->target;
    else
        r.cpu_target = k->target;
    struct hpa_input hi = {in->current, in->ready, in->cpu_pct, in->memory_pct};
    return recommend_hpa(&r, &hi, st, now, out);
}

int recommend_keda(const struct keda_scaler *k, const struct keda_input *in, struct hpa_state *st,
                   double now, struct recommendation *out)
{
    begin(out, in->current);
    if (k->held) {
        say(out, "%s paused at %d (" KEDA_PAUSED_ANNOTATION "): KEDA holds the count until resumed",
            k->object, k->paused_at);
        finish(out, in->current, k->paused_at);
        return 0;
    }
    if (isnan(k->target)) {
        say(out, "trigger %s has no %s KEDA could use: keep %d", k->trigger,
            k->param[0] ? k->param : "target", in->current);
        return -1;
    }
    if (strcmp(k->metric_type, "Utilization") == 0)
        return keda_resource(k, in, st, now, out);
    if (isnan(in->total)) {
        say(out, "no reading of %s's %s trigger: no recommendation", k->object, k->trigger);
        return -1;
    }
    struct queue_rule r = {.mode = strcmp(k->metric_type, "Value") == 0 ? QUEUE_HPA_VALUE
                                                                        : QUEUE_KEDA_AVERAGE,
                           .per_replica = k->target,
                           .min = k->min,
                           .max = k->max,
                           .activation = k->activation,
                           .tolerance = 0.1,
                           .cooldown_s = k->cooldown_s};
    snprintf(r.param, sizeof r.param, "%s", k->param);
    snprintf(r.activation_param, sizeof r.activation_param, "%s", k->activation_param);
    snprintf(r.word, sizeof r.word, "%s", strcmp(k->param, "listLength") == 0 ? "queue" : "metric");
    return recommend_queue(&r, in->current, in->ready, in->total, st, now, out);
}

/* ---- capacity tier ---- */

static const struct sizing_tier runbook_tiers[] = {
    {"Small", 0, 50, 2, 2, "2 CPU, 4GB", "1GB"},
    {"Medium", 50, 200, 5, 10, "4 CPU, 16GB", "4GB"},
    {"Large", 200, 1000, 10, 25, "8 CPU, 32GB", "8GB"},
    {"Enterprise", 1000, 0, 20, 50, "Cluster", "Cluster"},
};

const struct sizing_tier *recommend_runbook_tiers(size_t *n)
{
    *n = sizeof(runbook_tiers) / sizeof(runbook_tiers[0]);
    return runbook_tiers;
}

const struct sizing_tier *recommend_tier(const struct sizing_tier *tiers, size_t n, int users)
{
    const struct sizing_tier *best = NULL;
    for (size_t i = 0; i < n; i++)
        if (tiers[i].users_min <= users && (best == NULL || tiers[i].users_min > best->users_min))
            best = &tiers[i];
    if (best != NULL && best->users_max != 0 && users > best->users_max)
        return NULL;
    return best;
}

/* ---- database ---- */

/* The runbook's Database Scaling section: PgBouncer in transaction mode, read replicas,
 * then vertical resources with max_connections=200 (~10MB per connection). */
#define RUNBOOK_POOL_SIZE   100
#define RUNBOOK_MAX_CLIENT  1000
#define RUNBOOK_MAX_CONNS   200
#define RUNBOOK_MB_PER_CONN 10

static void db_pooling(const struct db_input *in, char *buf, size_t len)
{
    if (in->pgbouncer)
        snprintf(buf, len,
                 "PgBouncer is in front: raise default_pool_size (runbook %d) or the server's "
                 "max_connections",
                 RUNBOOK_POOL_SIZE);
    else
        snprintf(buf, len,
                 "put PgBouncer in front (transaction pooling, default_pool_size %d, "
                 "max_client_conn %d), or raise max_connections",
                 RUNBOOK_POOL_SIZE, RUNBOOK_MAX_CLIENT);
}

static void db_vertical(const struct db_input *in, char *buf, size_t len)
{
    if (in->limit < RUNBOOK_MAX_CONNS)
        snprintf(buf, len, "vertical: max_connections=%d (+%.0fMB at ~%dMB each) with 4 CPU, 8G",
                 RUNBOOK_MAX_CONNS, (RUNBOOK_MAX_CONNS - in->limit) * RUNBOOK_MB_PER_CONN,
                 RUNBOOK_MB_PER_CONN);
    else
        snprintf(
            buf, len,
            "vertical: more CPU and memory (runbook 4 CPU, 8G) before max_connections past %.0f "
            "(~%dMB each)",
            in->limit, RUNBOOK_MB_PER_CONN);
}

int recommend_database(const struct db_input *in, char *advice, size_t len)
{
    if (len == 0)
        return 0;
    if (!isfinite(in->used) || !(in->limit > 0) || in->used < 0) {
        snprintf(advice, len, "connections unknown: no advice");
        return 0;
    }
    double frac = in->used / in->limit;
    int sev = frac > in->critical ? 2 : frac > in->warning ? 1 : 0;
    char head[96];
    snprintf(head, sizeof(head), "connections %.0f/%.0f (%.0f%%)", in->used, in->limit, frac * 100);
    if (sev == 0) {
        snprintf(advice, len, "%s <= %.0f%%: no action", head, in->warning * 100);
        return 0;
    }
    char pool[160], reads[96], api[96] = "", vert[112];
    db_pooling(in, pool, sizeof(pool));
    if (in->replicas > 0)
        snprintf(reads, sizeof(reads), "send reads to the %d read replica%s", in->replicas,
                 in->replicas == 1 ? "" : "s");
    else
        snprintf(reads, sizeof(reads), "add a read replica for reads");
    if (in->api_replicas > 0)
        snprintf(api, sizeof(api),
                 "; %d api replicas hold ~%.0f each: one more api replica adds as many",
                 in->api_replicas, in->used / in->api_replicas);
    db_vertical(in, vert, sizeof(vert));
    snprintf(advice, len, "%s > %.0f%%%s: %s; %s%s; %s", head,
             (sev == 2 ? in->critical : in->warning) * 100,
             sev == 2 ? ", new connections will soon be refused" : "", pool, reads, api, vert);
    return sev;
}
