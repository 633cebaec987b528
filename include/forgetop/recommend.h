/* recommend.h - replica counts the way the HPA and KEDA would compute them, each with
 * the arithmetic as text for the operator (`cpu 92% / target 70% -> ceil(5 x 1.31) = 7`).
 *
 * Pure: the time comes in as an argument, and the state an HPA keeps between syncs
 * (past recommendations, past scale events) lives in struct hpa_state, owned by the
 * caller. Rules are in ../shared/autoscaling-rules.md. */

#ifndef FORGETOP_RECOMMEND_H
#define FORGETOP_RECOMMEND_H

#include <stdbool.h>
#include <stddef.h>

enum policy_type { POLICY_PODS, POLICY_PERCENT };
enum select_policy { SELECT_MAX, SELECT_MIN, SELECT_DISABLED };

struct scaling_policy {
    enum policy_type type;
    int value;
    int period_s;
};

/* One direction of spec.behavior. n_policies 0 means the controller's defaults for that
 * direction (see hpa_rule_default_behavior); a window cannot be defaulted, 0 is valid. */
struct scaling_rules {
    int window_s; /* stabilisation window */
    enum select_policy select;
    struct scaling_policy policies[4];
    size_t n_policies;
};

struct hpa_rule {
    int min, max;
    double cpu_target;    /* utilisation %, 0 = not used */
    double memory_target; /* utilisation %, 0 = not used */
    double tolerance;     /* 0.1 */
    bool has_behavior;    /* false: the no-behaviour defaults (5 min window, 2x cap) */
    struct scaling_rules up, down;
};

/* KEDA redis list trigger (AverageValue), or the HPA External Value variant. */
enum queue_mode { QUEUE_KEDA_AVERAGE, QUEUE_HPA_VALUE };
struct queue_rule {
    enum queue_mode mode;
    double per_replica; /* KEDA listLength (10), or the Value target (100) */
    int min, max;
    double activation; /* KEDA activationListLength: active when depth > this */
    double tolerance;
    /* KEDA's advanced.horizontalPodAutoscalerConfig.behavior; false (the zero value):
     * the generated HPA has none, so the no-behaviour rules apply. */
    bool has_behavior;
    struct scaling_rules up, down;
    /* KEDA cooldownPeriod: with min 0, how long the trigger stays inactive before the
     * scale to 0 (runbook preset 300 s, KEDA's default; 0 = at once). */
    double cooldown_s;
    /* The names a ScaledObject gives its parameters, for the reason ("listLength",
     * "activationListLength", the metric's word "queue"); "" (the zero value): the
     * config's rule, in its own words. */
    char param[24], activation_param[32], word[16];
};

#define HPA_STATE_CAP 64
struct hpa_event {
    double t;
    int replicas; /* for a recommendation: its count; for a scale event: the change */
};
struct hpa_state {
    struct hpa_event recs[HPA_STATE_CAP]; /* past recommendations, for stabilisation */
    size_t n_recs;
    struct hpa_event scales[HPA_STATE_CAP]; /* past scale changes (+added / -removed) */
    size_t n_scales;
    /* KEDA: since when the trigger has been inactive, for its cooldown */
    bool keda_inactive;
    double keda_inactive_since;
};

struct recommendation {
    int replicas;     /* the recommended count */
    bool changes;     /* differs from the current desired count */
    char reason[512]; /* the arithmetic, one line: "cpu 92% / 70% -> ceil(5 x 1.31) = 7; ..." */
};

struct hpa_input {
    int current;    /* spec replicas (desired) now */
    int ready;      /* ready pods: the HPA multiplies by these */
    double cpu_pct; /* NAN when missing */
    double memory_pct;
};

void hpa_state_init(struct hpa_state *st);
/* Record that the count changed (by anyone) at time t, for the rate policies. */
void hpa_state_note_scale(struct hpa_state *st, double t, int from, int to);

/* The runbook's api HPA: 3..20, cpu 70, memory 80, up 100 %/15 s window 0,
 * down 10 %/60 s window 300 s. */
void hpa_rule_runbook_api(struct hpa_rule *r);
/* The runbook's agent-worker KEDA scaler: 10 per replica, 1..100. */
void queue_rule_runbook_worker(struct queue_rule *r);
/* The runbook's worker-hpa alternative: External Value target 100, 2..50. */
void queue_rule_runbook_worker_hpa(struct queue_rule *r);
/* What the API server fills in when spec.behavior is given without a part: up window 0,
 * 4 pods or 100 % per 15 s, Max; down window 300 s, 100 % per 15 s, Max. */
void hpa_rule_default_behavior(struct scaling_rules *up, struct scaling_rules *down);

/* One HPA sync at time now. Updates st (records this recommendation). Returns 0, or
 * -1 when no metric is usable or the rule makes no sense (out->reason says why,
 * replicas = current). st keeps one recommendation per distinct count (the newest),
 * which answers every window exactly as the full list would, so syncs may come as
 * often as the caller likes; past HPA_STATE_CAP distinct counts the oldest is dropped.
 * A metric reading is the mean utilisation of the ready pods;
 * it is truncated to an integer percent as the controller's is. */
int recommend_hpa(const struct hpa_rule *r, const struct hpa_input *in, struct hpa_state *st,
                  double now, struct recommendation *out);

/* KEDA / External-metric recommendation from a queue depth (NAN: unknown, returns -1). */
int recommend_queue(const struct queue_rule *r, int current, int ready, double depth,
                    struct hpa_state *st, double now, struct recommendation *out);

struct keda_scaler;
/* What KEDA's arithmetic is fed: total is the first trigger's metric (a list length, a
 * query's value; NAN unknown); cpu and memory triggers use the utilisation figures. */
struct keda_input {
    int current, ready;
    double total;
    double cpu_pct, memory_pct;
};
/* KEDA's arithmetic with a ScaledObject's own parameters (its first trigger): AverageValue
 * -> ceil(total / target) within max(1, min)..max, activation 0 <-> 1, cooldown to 0; a
 * Value target as the HPA's; cpu/memory as the HPA's utilisation rule; a paused object
 * stays at its paused count. 0, or -1 when it cannot compute (reason says why). */
int recommend_keda(const struct keda_scaler *k, const struct keda_input *in, struct hpa_state *st,
                   double now, struct recommendation *out);

/* Capacity tier from the sizing table. */
struct sizing_tier {
    char name[16];
    int users_min, users_max; /* users_max 0 = no upper bound */
    int api_replicas, workers;
    char postgres[32], redis[16];
};
/* The tier with the highest users_min at or below users, so a boundary belongs to the
 * tier it starts (200 users: Large); NULL when users is below every tier or above that
 * tier's users_max. */
const struct sizing_tier *recommend_tier(const struct sizing_tier *tiers, size_t n, int users);
/* The runbook's sizing table (Small < 50, Medium 50-200, Large 200-1000, Enterprise
 * 1000+); sets *n. */
const struct sizing_tier *recommend_runbook_tiers(size_t *n);
/* Estimate users from api traffic (runbook: 1 core ~ 500 req/s) is not used; callers
 * pass users from config or an observed figure. */

/* Database advice from the connection use (fraction of max_connections or of the
 * pool), the pool size, whether PgBouncer is in front, and replica count. Writes the
 * runbook's advice with the numbers behind it; returns the band-worthy severity:
 * 0 none, 1 warning, 2 critical. */
struct db_input {
    double used;              /* connections in use */
    double limit;             /* max_connections or pool size */
    bool pgbouncer;           /* PgBouncer already in front */
    int replicas;             /* read replicas */
    int api_replicas;         /* each holds a pool */
    double warning, critical; /* fractions: 0.80, 0.95 */
};
int recommend_database(const struct db_input *in, char *advice, size_t len);

#endif
