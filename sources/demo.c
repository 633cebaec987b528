/* demo.c - the embedded demo cluster: the Open Forge stack of the runbook, simulated.
 *
 * The simulation steps in fixed slices of simulated time, so its state at a given
 * simulated instant depends only on the seed and the scale calls, never on how often it
 * is polled. Load follows a day curve with bursts; the api's cpu is that load spread over
 * its ready replicas, latency climbs as cpu saturates, the queue grows while workers fall
 * short, and every api replica holds a database pool. Snapshot times are real unix
 * seconds; the curve runs on the simulated clock. */

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "forgetop/config.h"
#include "forgetop/demo.h"
#include "forgetop/model.h"
#include "forgetop/source.h"
#include "forgetop/text.h"

#define GIB            (1024.0 * 1024.0 * 1024.0)
#define MIB            (1024.0 * 1024.0)
#define STEP_S         5.0   /* simulated seconds per step */
#define WARMUP_S       600.0 /* run before the backfill so smoothed values settle */
#define MAX_ADVANCE    86400.0
#define MAX_PODS_SHOWN 32
#define N_BACKFILL     121 /* DEMO_BACKFILL_S / DEMO_BACKFILL_STEP_S + 1 */
#define NAMESPACE      "open-forge"

/* Load, in requests per second at the load balancer, over the simulated day. */
#define LOAD_TROUGH         180.0
#define LOAD_PEAK           1400.0
#define LOAD_TROUGH_HOUR    2.0
#define API_RPS_PER_REQUEST 250.0 /* 1 core ~ 500 req/s (runbook); a request is 500m */
#define API_POOL            20    /* database connections each api replica holds */
#define WORKER_CONNS        4
#define TASKS_PER_REQUEST   0.00114 /* agent tasks queued per api request */
#define TASK_S              60.0    /* one agent task, mostly LLM calls */
#define MAX_CONNECTIONS     200
#define REDIS_MAXMEMORY     (3.0 * GIB)

enum { SVC_API, SVC_WORKER, SVC_DAGSTER, SVC_PG_PRIMARY, SVC_PG_REPLICA, SVC_REDIS, N_SVC };

struct svc_def {
    const char *name;
    int replicas; /* at start */
    int max;      /* most replicas the demo accepts */
    bool ordinal; /* statefulset-style pod names: name-0, name-1 */
    struct resources res;
    const char *unscalable; /* why not, NULL when it scales */
};

static const struct svc_def defs[N_SVC] = {
    {"api", 5, 50, false, {0.5, 1, 1 * GIB, 2 * GIB}, NULL},
    {"agent-worker", 10, 200, false, {1, 2, 2 * GIB, 4 * GIB}, NULL},
    {"dagster-run-worker", 5, 50, false, {2, 0, 4 * GIB, 0}, NULL},
    {"postgres-primary",
     1,
     1,
     true,
     {2, 4, 4 * GIB, 8 * GIB},
     "a PostgreSQL primary scales vertically; add read replicas instead"},
    {"postgres-replica", 2, 5, true, {1, 2, 2 * GIB, 4 * GIB}, NULL},
    {"redis",
     1,
     1,
     true,
     {0.5, 1, 1 * GIB, 4 * GIB},
     "a single Redis scales vertically, or as a cluster"},
};

struct dpod {
    char name[FT_NAME_MAX];
    double created, ready_at; /* simulated */
    int restarts, node;
};

struct dsvc {
    struct dpod *pods; /* always `desired` of them */
    int n, cap, ordinal_next;
    char hash[8];
    double cpu_pct, mem_pct; /* smoothed, per ready pod */
    double mem_bytes_pod;
};

struct dsample {
    double cpu, memory, latency, queue, db;
};

struct demo {
    pthread_mutex_t lock; /* poll and scale run on different threads */
    double (*now)(void);
    double speed;
    uint64_t seed, rng_env, rng_names, rng_pods;

    bool started, backfilled;
    double real0; /* real time of the first poll, = simulated DEMO_SIM_START */
    double sim;   /* simulated unix time reached */
    long steps;

    struct dsvc svc[N_SVC];
    double noise, burst_left, burst_amp, load;
    double latency_ms, queue, arrivals_s, served_s, busy;
    double adhoc_conns, wanted_conns, active_conns;
    double lag_factor[2];

    struct dsample backfill[N_BACKFILL];
    double backfill_t[N_BACKFILL];
    int n_backfill;
};

/* splitmix64: small, fast, and any seed (0 too) gives a good stream. */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double rng_unit(uint64_t *s)
{
    return (double)(rng_next(s) >> 11) * 0x1.0p-53;
}

/* Roughly normal, mean 0, deviation 1 (Irwin-Hall of four uniforms). */
static double rng_gauss(uint64_t *s)
{
    double sum = 0;
    for (int i = 0; i < 4; i++)
        sum += rng_unit(s);
    return (sum - 2.0) * sqrt(3.0);
}

static double wall_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static double ema(double old, double v, double tau)
{
    return old + (v - old) * (STEP_S / (STEP_S + tau));
}

/* The real unix time at which the simulation is (or was) at simulated time `sim`. The
 * backfill before the first poll maps one to one, so its 30 minutes fill 30 minutes. */
static double real_of(const struct demo *d, double sim)
{
    if (sim <= DEMO_SIM_START)
        return d->real0 - (DEMO_SIM_START - sim);
    return d->real0 + (sim - DEMO_SIM_START) / d->speed;
}

/* ---- replicas and pods ---- */

static const char k8s_alnum[] = "bcdfghjklmnpqrstvwxz2456789";

static void random_word(uint64_t *rng, char *out, int n)
{
    for (int i = 0; i < n; i++)
        out[i] = k8s_alnum[rng_next(rng) % (sizeof(k8s_alnum) - 1)];
    out[n] = '\0';
}

static int pod_add(struct demo *d, int k, double created, double ready_at)
{
    struct dsvc *s = &d->svc[k];
    if (s->n == s->cap) {
        int cap = s->cap ? s->cap * 2 : 8;
        struct dpod *p = realloc(s->pods, (size_t)cap * sizeof(*p));
        if (p == NULL)
            return -1;
        s->pods = p;
        s->cap = cap;
    }
    struct dpod *p = &s->pods[s->n++];
    memset(p, 0, sizeof(*p));
    if (defs[k].ordinal) {
        text_printf(p->name, sizeof(p->name), "%s-%d", defs[k].name, s->ordinal_next++);
    } else {
        char suffix[8];
        random_word(&d->rng_names, suffix, 5);
        text_printf(p->name, sizeof(p->name), "%s-%s-%s", defs[k].name, s->hash, suffix);
    }
    p->created = created;
    p->ready_at = ready_at;
    p->node = (int)(rng_next(&d->rng_names) % 6) + 1;
    return 0;
}

static int ready_count(const struct demo *d, int k)
{
    int ready = 0;
    for (int i = 0; i < d->svc[k].n; i++)
        if (d->svc[k].pods[i].ready_at <= d->sim)
            ready++;
    return ready;
}

/* Scale-up adds pods that turn ready after the rollout delay; scale-down removes the
 * newest pods (the ones not ready yet go first, as a ReplicaSet prefers) at once. */
static int set_replicas(struct demo *d, int k, int to)
{
    struct dsvc *s = &d->svc[k];
    while (s->n < to)
        if (pod_add(d, k, d->sim, d->sim + DEMO_ROLLOUT_S) < 0)
            return -1;
    if (s->n > to) {
        s->n = to;
        if (defs[k].ordinal)
            s->ordinal_next = to;
    }
    return 0;
}

static int demo_init_pods(struct demo *d)
{
    for (int k = 0; k < N_SVC; k++) {
        random_word(&d->rng_names, d->svc[k].hash, 6);
        for (int i = 0; i < defs[k].replicas; i++) {
            double age = 3600 + rng_unit(&d->rng_names) * 5 * 86400;
            double created = d->sim - age;
            if (pod_add(d, k, created, created + DEMO_ROLLOUT_S) < 0)
                return -1;
            double r = rng_unit(&d->rng_names);
            d->svc[k].pods[i].restarts = r < 0.8 ? 0 : r < 0.95 ? 1 : 3;
        }
    }
    return 0;
}

/* ---- one step of the simulation ---- */

static double day_curve(double sim)
{
    double h = fmod(sim, 86400.0) / 3600.0;
    double f = 0.5 - 0.5 * cos(2 * M_PI * (h - LOAD_TROUGH_HOUR) / 24.0);
    return LOAD_TROUGH + (LOAD_PEAK - LOAD_TROUGH) * f;
}

static void step_load(struct demo *d)
{
    if (d->burst_left > 0) {
        d->burst_left -= STEP_S;
    } else if (rng_unit(&d->rng_env) < STEP_S / 1200.0) {
        d->burst_left = 60 + 240 * rng_unit(&d->rng_env);
        d->burst_amp = 1.15 + 0.3 * rng_unit(&d->rng_env);
    }
    d->noise = 0.96 * d->noise + 0.012 * rng_gauss(&d->rng_env);
    double burst = d->burst_left > 0 ? d->burst_amp : 1.0;
    d->load = day_curve(d->sim) * (1 + d->noise) * burst;
}

static void step_api(struct demo *d)
{
    struct dsvc *s = &d->svc[SVC_API];
    int ready = ready_count(d, SVC_API);
    double raw = ready > 0 ? d->load / (ready * API_RPS_PER_REQUEST) * 100 : 200;
    s->cpu_pct = ema(s->cpu_pct, clamp(raw, 0, 200), 15);
    double u = clamp(s->cpu_pct / 100 * 0.85, 0, 0.96);
    double lat = 120 / (1 - u) * (1 + 0.04 * rng_gauss(&d->rng_env));
    d->latency_ms = ema(d->latency_ms, clamp(lat, 20, 4000), 10);
    /* memory follows the connections each replica holds open (Little's law) */
    double conns = ready > 0 ? d->load * d->latency_ms / 1000 / ready : 0;
    double mem = 700 * MIB + conns * 10 * MIB;
    s->mem_pct = ema(s->mem_pct, clamp(mem / (2 * GIB) * 100, 0, 97), 60);
}

static void step_queue(struct demo *d)
{
    int ready = ready_count(d, SVC_WORKER);
    double lambda = d->load * TASKS_PER_REQUEST;
    double arrived = lambda * STEP_S * (1 + 0.1 * rng_gauss(&d->rng_env));
    double capacity = ready * DEMO_WORKER_CONCURRENCY / TASK_S * STEP_S;
    d->queue += arrived > 0 ? arrived : 0;
    double served = d->queue < capacity ? d->queue : capacity;
    d->queue -= served;
    d->arrivals_s = ema(d->arrivals_s, lambda, 30);
    d->served_s = ema(d->served_s, served / STEP_S, 30);
    d->busy = capacity > 0 ? served / capacity : 0;

    struct dsvc *w = &d->svc[SVC_WORKER];
    w->cpu_pct = ema(w->cpu_pct, 12 + 55 * d->busy, 30);
    w->mem_bytes_pod = 300 * MIB + 500 * MIB * DEMO_WORKER_CONCURRENCY * d->busy;
    w->mem_pct = ema(w->mem_pct, w->mem_bytes_pod / defs[SVC_WORKER].res.mem_limit * 100, 30);
}

static void step_database(struct demo *d)
{
    d->adhoc_conns = clamp(d->adhoc_conns + rng_gauss(&d->rng_env) * 0.7, 0, 8);
    d->wanted_conns = d->svc[SVC_API].n * API_POOL + d->svc[SVC_WORKER].n * WORKER_CONNS +
                      d->svc[SVC_DAGSTER].n + 5 + floor(d->adhoc_conns);
    double used = fmin(d->wanted_conns, MAX_CONNECTIONS);
    double active = d->load * 0.008 + ready_count(d, SVC_WORKER) * d->busy * 0.5 + 4;
    d->active_conns = fmin(used, round(active));
    for (int i = 0; i < 2; i++)
        d->lag_factor[i] = ema(d->lag_factor[i], 1 + 0.5 * fabs(rng_gauss(&d->rng_env)), 20);

    double share = d->load / LOAD_PEAK;
    struct dsvc *p = &d->svc[SVC_PG_PRIMARY], *r = &d->svc[SVC_PG_REPLICA];
    p->cpu_pct = ema(p->cpu_pct, 15 + 45 * share + used / 20, 30);
    p->mem_bytes_pod = 2.5 * GIB + used * 10 * MIB;
    p->mem_pct = p->mem_bytes_pod / defs[SVC_PG_PRIMARY].res.mem_limit * 100;
    r->cpu_pct = ema(r->cpu_pct, 10 + 20 * share, 30);
    r->mem_bytes_pod = 1.2 * GIB + 0.4 * GIB * share;
    r->mem_pct = r->mem_bytes_pod / defs[SVC_PG_REPLICA].res.mem_limit * 100;
}

static void step_others(struct demo *d)
{
    /* pipelines run in the first twenty minutes of each hour */
    double minute = fmod(d->sim, 3600.0) / 60.0;
    double active = minute < 20 ? 0.8 : 0.1;
    struct dsvc *g = &d->svc[SVC_DAGSTER], *r = &d->svc[SVC_REDIS];
    g->cpu_pct = ema(g->cpu_pct, 8 + 50 * active, 60);
    g->mem_bytes_pod = 1.5 * GIB + 2 * GIB * active;
    g->mem_pct = NAN; /* no limit set, so no % of limit */

    double ops = d->load * 3 + d->arrivals_s * 4;
    r->cpu_pct = ema(r->cpu_pct, 10 + ops / 100, 30);
    r->mem_bytes_pod = 180 * MIB + d->queue * 1024 + d->load * 64 * 1024;
    r->mem_pct = r->mem_bytes_pod / defs[SVC_REDIS].res.mem_limit * 100;
}

static void step(struct demo *d)
{
    d->sim += STEP_S;
    d->steps++;
    step_load(d);
    step_api(d);
    step_queue(d);
    step_database(d);
    step_others(d);
}

static void advance(struct demo *d, double target)
{
    if (target > d->sim + MAX_ADVANCE)
        target = d->sim + MAX_ADVANCE; /* a clock jump must not cost a day of steps */
    while (d->sim + STEP_S <= target + 1e-9)
        step(d);
}

/* ---- readings and facts ---- */

static struct dsample sample_now(const struct demo *d)
{
    struct dsample s;
    s.cpu = d->svc[SVC_API].cpu_pct;
    s.memory = d->svc[SVC_API].mem_pct;
    s.latency = d->latency_ms;
    s.queue = round(d->queue);
    s.db = fmin(d->wanted_conns, MAX_CONNECTIONS) * 100.0 / MAX_CONNECTIONS;
    return s;
}

static int add_sample(struct snapshot *out, const struct dsample *s, double t)
{
    if (!snapshot_add_reading(out, "cpu", "api", t, s->cpu) ||
        !snapshot_add_reading(out, "memory", "api", t, s->memory) ||
        !snapshot_add_reading(out, "latency_p99", "api", t, s->latency) ||
        !snapshot_add_reading(out, "queue_depth", "agent-worker", t, s->queue) ||
        !snapshot_add_reading(out, "db_connections", "database", t, s->db))
        return -1;
    return 0;
}

/* Start the clocks: warm up, then step through the last 30 simulated minutes, keeping
 * one sample every 15 s for the first poll to hand over. */
static int demo_start(struct demo *d, double now)
{
    d->real0 = now;
    d->sim = DEMO_SIM_START - DEMO_BACKFILL_S - WARMUP_S;
    if (demo_init_pods(d) < 0)
        return -1;
    d->queue = 100;
    d->latency_ms = 120;
    d->adhoc_conns = 3;
    d->lag_factor[0] = d->lag_factor[1] = 1;
    d->svc[SVC_API].cpu_pct = 60;
    d->svc[SVC_API].mem_pct = 60;
    advance(d, DEMO_SIM_START - DEMO_BACKFILL_S);
    int per = (int)(DEMO_BACKFILL_STEP_S / STEP_S);
    for (int k = 0; k < N_BACKFILL; k++) {
        for (int i = 0; k > 0 && i < per; i++)
            step(d);
        d->backfill[k] = sample_now(d);
        d->backfill_t[k] = real_of(d, d->sim);
        d->n_backfill = k + 1;
    }
    d->started = true;
    return 0;
}

/* Numeric facts: 0 or -1 when out of memory. */
static int num(struct snapshot *out, const char *panel, const char *label, const char *rule,
               enum unit unit, double v, double of)
{
    return snapshot_add_fact_num(out, panel, label, rule, unit, v, of) ? 0 : -1;
}

static int facts_queue(const struct demo *d, struct snapshot *out)
{
    int workers = ready_count(d, SVC_WORKER);
    struct fact *key = snapshot_add_fact_num(out, "queue", "agent:tasks:pending", "queue_depth",
                                             UNIT_COUNT, round(d->queue), NAN);
    fact_set_text(key, "list");
    int bad = key == NULL ||
              num(out, "queue", "workers ready", "", UNIT_COUNT, workers, d->svc[SVC_WORKER].n) ||
              num(out, "queue", "tasks per worker", "", UNIT_COUNT, DEMO_WORKER_CONCURRENCY, NAN) ||
              num(out, "queue", "throughput", "", UNIT_PER_MIN, d->served_s * 60, NAN) ||
              num(out, "queue", "arrivals", "", UNIT_PER_MIN, d->arrivals_s * 60, NAN);
    return bad ? -1 : 0;
}

static int facts_lag(const struct demo *d, struct snapshot *out)
{
    for (int i = 0; i < 2; i++) {
        double secs = (0.08 + 0.05 * i) * d->lag_factor[i];
        char label[40];
        text_printf(label, sizeof(label), "postgres-replica-%d lag", i);
        if (num(out, "database", label, "replication_lag", UNIT_SECONDS, secs, NAN) < 0)
            return -1;
    }
    return 0;
}

static int facts_database(const struct demo *d, struct snapshot *out)
{
    double used = fmin(d->wanted_conns, MAX_CONNECTIONS);
    double waiting = d->wanted_conns - used;
    double hit = 99.4 - 0.8 * pow(clamp(d->svc[SVC_API].cpu_pct / 100, 0, 2), 2);
    int bad =
        num(out, "database", "connections", "db_connections", UNIT_COUNT, used, MAX_CONNECTIONS) ||
        num(out, "database", "active", "", UNIT_COUNT, d->active_conns, NAN) ||
        num(out, "database", "idle", "", UNIT_COUNT, used - d->active_conns, NAN) ||
        num(out, "database", "waiting", "waiting_clients", UNIT_COUNT, waiting, NAN) ||
        num(out, "database", "pool per api replica", "", UNIT_COUNT, API_POOL, NAN) ||
        facts_lag(d, out) < 0 ||
        num(out, "database", "cache hit ratio", "cache_hit", UNIT_RATIO, hit / 100, NAN);
    return bad ? -1 : 0;
}

static int facts_redis(const struct demo *d, struct snapshot *out)
{
    double used = d->svc[SVC_REDIS].mem_bytes_pod;
    int bad =
        num(out, "redis", "memory", "redis_memory", UNIT_BYTES, used, REDIS_MAXMEMORY) ||
        num(out, "redis", "ops", "", UNIT_PER_S, round(d->load * 3 + d->arrivals_s * 4), NAN) ||
        !snapshot_add_fact_text(out, "redis", "maxmemory policy", "", "allkeys-lru");
    return bad ? -1 : 0;
}

static int facts_demo(const struct demo *d, struct snapshot *out)
{
    int bad = num(out, "demo", "simulated time", "", UNIT_TIME, floor(d->sim), NAN) ||
              num(out, "demo", "speed", "", UNIT_FACTOR, d->speed, NAN) ||
              num(out, "demo", "load", "", UNIT_PER_S, round(d->load), NAN);
    return bad ? -1 : 0;
}

/* ---- services ---- */

static void fill_pod(struct demo *d, const struct dpod *dp, struct pod *p, double per_cpu,
                     double per_mem)
{
    text_sanitize(p->name, sizeof(p->name), dp->name);
    bool ready = dp->ready_at <= d->sim;
    bool half = dp->created + DEMO_ROLLOUT_S / 2 <= d->sim;
    text_sanitize(p->phase, sizeof(p->phase), ready || half ? "Running" : "Pending");
    p->ready = ready;
    p->restarts = dp->restarts;
    p->started_at = real_of(d, dp->created);
    text_printf(p->node, sizeof(p->node), "forge-node-%d", dp->node);
    if (ready) {
        double jitter = 1 + 0.06 * rng_gauss(&d->rng_pods);
        p->cpu_cores = per_cpu * jitter;
        p->mem_bytes = per_mem * (1 + 0.02 * rng_gauss(&d->rng_pods));
    }
}

/* The runbook's agent-worker-scaler: KEDA, redis list agent:tasks:pending, listLength 10,
 * 1..100, as kube.c reads a ScaledObject. The demo does not run KEDA's controller, so the
 * generated HPA has no count of its own to show. */
static void worker_scaler(struct service *svc, double queue)
{
    struct autoscaler *a = &svc->autoscaler;
    struct keda_scaler *k = autoscaler_add_keda(a);
    if (k == NULL)
        return; /* out of memory: shown as a deployment without an autoscaler */
    a->present = true;
    text_printf(a->kind, sizeof a->kind, "KEDA");
    text_printf(a->name, sizeof a->name, "agent-worker-scaler");
    text_printf(k->object, sizeof k->object, "agent-worker-scaler");
    text_printf(k->hpa, sizeof k->hpa, "keda-hpa-agent-worker-scaler");
    a->min = svc->min = k->min = 1;
    a->max = svc->max = k->max = 100;
    k->cooldown_s = 300;
    text_printf(k->trigger, sizeof k->trigger, "redis");
    text_printf(k->what, sizeof k->what, "agent:tasks:pending");
    text_printf(k->param, sizeof k->param, "listLength");
    k->target = 10;
    text_printf(k->activation_param, sizeof k->activation_param, "activationListLength");
    k->activation = 0;
    text_printf(k->metric_type, sizeof k->metric_type, "AverageValue");
    k->n_triggers = 1;
    text_printf(k->triggers, sizeof k->triggers, "redis agent:tasks:pending listLength 10");
    text_printf(k->ready, sizeof k->ready, "True");
    text_printf(k->active, sizeof k->active, "%s", queue > 0 ? "True" : "False");
    text_printf(k->paused, sizeof k->paused, "False");
    text_printf(k->fallback, sizeof k->fallback, "False");
    text_printf(a->ext_kind, sizeof a->ext_kind, "External");
    text_printf(a->ext_type, sizeof a->ext_type, "AverageValue");
    text_printf(a->ext_metric, sizeof a->ext_metric, "s0-redis-agent-tasks-pending");
    a->ext_target = 10;
    a->ext_current = svc->desired > 0 ? queue / svc->desired : NAN;
}

static int add_service(struct demo *d, int k, struct snapshot *out)
{
    const struct svc_def *def = &defs[k];
    struct dsvc *s = &d->svc[k];
    struct service *svc = snapshot_add_service(out);
    if (svc == NULL)
        return -1;
    text_sanitize(svc->name, sizeof(svc->name), def->name);
    text_sanitize(svc->source, sizeof(svc->source), "demo");
    text_sanitize(svc->namespace_, sizeof(svc->namespace_), NAMESPACE);
    text_sanitize(svc->kind, sizeof(svc->kind), "demo");
    int ready = ready_count(d, k);
    svc->desired = svc->updated = s->n;
    svc->ready = svc->available = ready;
    svc->res = def->res;
    double per_cpu = s->cpu_pct / 100 * def->res.cpu_request;
    double per_mem = k == SVC_API ? s->mem_pct / 100 * def->res.mem_limit : s->mem_bytes_pod;
    svc->cpu_pct = trunc(s->cpu_pct); /* an integer percent, as the HPA (and kube.c) has it */
    svc->mem_pct = def->res.mem_limit > 0 ? per_mem * 100 / def->res.mem_limit : NAN;
    /* what an HPA memory target compares: % of the request, integer as the HPA's; the api
     * (request 1Gi, limit 2Gi) reads twice its limit share, 64% of limit = 128% */
    svc->mem_req_pct =
        def->res.mem_request > 0 && ready > 0 ? trunc(per_mem * 100 / def->res.mem_request) : NAN;
    svc->cpu_cores = per_cpu * ready;
    svc->mem_bytes = per_mem * ready;
    if (ready < s->n) {
        char line[64];
        text_printf(line, sizeof(line), "rolling out: %d of %d ready", ready, s->n);
        model_set_text(&svc->status, line); /* out of memory: no status line */
    }
    if (k == SVC_WORKER)
        worker_scaler(svc, round(d->queue));
    if (def->unscalable) {
        svc->unscalable = true;
        model_set_text(&svc->unscalable_why, def->unscalable); /* out of memory: no why */
    }
    for (int i = 0; i < s->n && i < MAX_PODS_SHOWN; i++) {
        struct pod *p = service_add_pod(svc);
        if (p == NULL)
            return -1;
        fill_pod(d, &s->pods[i], p, per_cpu, per_mem);
    }
    return 0;
}

static int demo_emit(struct demo *d, struct snapshot *out, double now)
{
    out->taken_at = now;
    /* sustained timers and HPA windows run on the simulated clock */
    out->clock = DEMO_SIM_START + (now - d->real0) * d->speed;
    out->clock_rate = d->speed;
    out->clock_from = d->real0; /* the backfill before it maps one to one */
    text_sanitize(out->context, sizeof(out->context), "demo: open-forge");
    for (int k = 0; k < N_SVC; k++)
        if (add_service(d, k, out) < 0)
            return -1;
    double last = -INFINITY;
    if (!d->backfilled) {
        for (int i = 0; i < d->n_backfill; i++)
            if (add_sample(out, &d->backfill[i], d->backfill_t[i]) < 0)
                return -1;
        last = d->backfill_t[d->n_backfill - 1];
        d->backfilled = true;
    }
    if (now > last) {
        struct dsample s = sample_now(d);
        if (add_sample(out, &s, now) < 0)
            return -1;
    }
    /* counts for the database advice, beside the percentage */
    if (!snapshot_add_reading(out, "db_connections_used", "database", now,
                              fmin(d->wanted_conns, MAX_CONNECTIONS)) ||
        !snapshot_add_reading(out, "db_connections_max", "database", now, MAX_CONNECTIONS) ||
        !snapshot_add_reading(out, "db_replicas", "database", now, 2) ||
        /* items per second: what a change of workers is judged by (judge.c) */
        !snapshot_add_reading(out, "queue_throughput", "agent-worker", now, d->served_s) ||
        !snapshot_add_reading(out, "queue_arrivals", "agent-worker", now, d->arrivals_s))
        return -1;
    if (facts_queue(d, out) < 0 || facts_database(d, out) < 0 || facts_redis(d, out) < 0 ||
        facts_demo(d, out) < 0)
        return -1;
    return 0;
}

/* Bring the simulation up to the real time now. */
static int demo_catch_up(struct demo *d, double now, char *err, size_t errlen)
{
    if (!d->started && demo_start(d, now) < 0) {
        text_printf(err, errlen, "demo: out of memory starting the simulation");
        return -1;
    }
    advance(d, DEMO_SIM_START + (now - d->real0) * d->speed);
    return 0;
}

static int demo_poll(struct source *src, struct snapshot *out, char *err, size_t errlen)
{
    struct demo *d = src->priv;
    pthread_mutex_lock(&d->lock);
    double now = d->now();
    int rc = demo_catch_up(d, now, err, errlen);
    if (rc == 0 && demo_emit(d, out, now) < 0) {
        text_printf(err, errlen, "demo: out of memory building a snapshot");
        rc = -1;
    }
    pthread_mutex_unlock(&d->lock);
    return rc;
}

static int find_service(const char *name)
{
    for (int k = 0; k < N_SVC; k++)
        if (strcmp(defs[k].name, name) == 0)
            return k;
    return -1;
}

static int check_scale(struct demo *d, int k, const struct scale_request *req, char *msg,
                       size_t len)
{
    if (k < 0) {
        text_printf(msg, len, "demo: no service named %s in %s", req->service, NAMESPACE);
        return -1;
    }
    if (req->namespace_[0] && strcmp(req->namespace_, NAMESPACE) != 0) {
        text_printf(msg, len, "demo: no namespace %s (the demo runs in %s)", req->namespace_,
                    NAMESPACE);
        return -1;
    }
    if (req->set_autoscaler_min || req->keda || req->hold || req->resume) {
        text_printf(msg, len, "demo: %s's autoscaler is not simulated: nothing changed",
                    req->service);
        return -1;
    }
    if (defs[k].unscalable) {
        text_printf(msg, len, "demo: %s cannot be scaled by replicas: %s", defs[k].name,
                    defs[k].unscalable);
        return -1;
    }
    if (req->from != d->svc[k].n) {
        text_printf(msg, len, "demo: %s has %d replicas now, not %d; nothing changed", defs[k].name,
                    d->svc[k].n, req->from);
        return -1;
    }
    if (req->to < 0 || req->to > defs[k].max) {
        text_printf(msg, len, "demo: %s takes 0..%d replicas, not %d", defs[k].name, defs[k].max,
                    req->to);
        return -1;
    }
    return 0;
}

static int demo_scale(struct source *src, const struct scale_request *req, char *msg, size_t msglen)
{
    struct demo *d = src->priv;
    pthread_mutex_lock(&d->lock);
    int k = find_service(req->service);
    int rc = demo_catch_up(d, d->now(), msg, msglen);
    if (rc == 0)
        rc = check_scale(d, k, req, msg, msglen);
    if (rc == 0) {
        int from = d->svc[k].n;
        rc = set_replicas(d, k, req->to);
        if (rc == 0)
            text_printf(msg, msglen, "scaled %s %d -> %d", defs[k].name, from, req->to);
        else
            text_printf(msg, msglen, "demo: out of memory scaling %s", defs[k].name);
    }
    pthread_mutex_unlock(&d->lock);
    return rc;
}

static void demo_destroy(struct source *src)
{
    struct demo *d = src->priv;
    for (int k = 0; k < N_SVC; k++)
        free(d->svc[k].pods);
    pthread_mutex_destroy(&d->lock);
    free(d);
    free(src);
}

static const struct source_ops demo_ops = {
    .kind = "demo",
    .poll = demo_poll,
    .scale = demo_scale,
    .destroy = demo_destroy,
};

struct source *demo_source_new(const struct config *cfg, char *err, size_t errlen)
{
    struct source *src = calloc(1, sizeof(*src));
    struct demo *d = calloc(1, sizeof(*d));
    if (src == NULL || d == NULL) {
        free(src);
        free(d);
        text_printf(err, errlen, "demo: out of memory");
        return NULL;
    }
    pthread_mutex_init(&d->lock, NULL);
    d->now = wall_clock;
    d->speed = cfg && cfg->demo_speed > 0 ? cfg->demo_speed : 1.0;
    d->seed = cfg ? cfg->seed : 1;
    d->rng_env = d->seed ^ 0x5eed0e1f00d5ULL;
    d->rng_names = d->seed ^ 0xa11ce5ca1eULL;
    d->rng_pods = d->seed ^ 0xb0bb1e5ULL;
    src->ops = &demo_ops;
    text_sanitize(src->name, sizeof(src->name), "demo");
    src->interval_s = cfg ? config_poll_interval(cfg) : 1.0;
    src->priv = d;
    return src;
}

void demo_set_clock(struct source *src, double (*now)(void))
{
    struct demo *d = src->priv;
    pthread_mutex_lock(&d->lock);
    d->now = now ? now : wall_clock;
    pthread_mutex_unlock(&d->lock);
}

double demo_sim_time(struct source *src)
{
    struct demo *d = src->priv;
    pthread_mutex_lock(&d->lock);
    double t = d->started ? d->sim : DEMO_SIM_START;
    pthread_mutex_unlock(&d->lock);
    return t;
}
