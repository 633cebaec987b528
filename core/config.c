/* config.c - forgetop's settings: the runbook's values built in, then an INI file on top.
 *
 * Every key is one row of the keys[] table (section, name, type, where it lands), so a
 * new key is one line. The file is fed to inih line by line through our own reader,
 * which is how an error knows its line and how a section with no keys is still checked.
 * The first problem stops the load with `FILE:LINE: what is wrong`. */

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pwd.h>
#include <stdarg.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "forgetop/config.h"
#include "forgetop/text.h"

#ifndef FORGETOP_SYSCONFDIR
#define FORGETOP_SYSCONFDIR "/etc"
#endif

/* ---- the sections ---- */

enum sec {
    SEC_FORGETOP,
    SEC_METRIC,
    SEC_SERVICE,
    SEC_TIER,
    SEC_DEMO,
    SEC_KUBE,
    SEC_COMPOSE,
    SEC_REDIS,
    SEC_POSTGRES,
    SEC_PGBOUNCER,
    SEC_PROMETHEUS,
    SEC_HEALTH,
    SEC_THRESHOLDS,
    SEC_NONE,
};

static const struct {
    const char *name;
    const char *arg; /* what follows the name, NULL for a plain section */
} sections[] = {
    [SEC_FORGETOP] = {"forgetop", NULL},
    [SEC_METRIC] = {"metric", "ID"},
    [SEC_SERVICE] = {"service", "NAME"},
    [SEC_TIER] = {"tier", "NAME"},
    [SEC_DEMO] = {"demo", NULL},
    [SEC_KUBE] = {"kube", NULL},
    [SEC_COMPOSE] = {"compose", NULL},
    [SEC_REDIS] = {"redis", NULL},
    [SEC_POSTGRES] = {"postgres", NULL},
    [SEC_PGBOUNCER] = {"pgbouncer", NULL},
    [SEC_PROMETHEUS] = {"prometheus", NULL},
    [SEC_HEALTH] = {"health", NULL},
    [SEC_THRESHOLDS] = {"thresholds", NULL},
};

/* ---- the keys ---- */

enum type {
    T_BOOL,    /* true/false, yes/no, on/off, 1/0 */
    T_INT,     /* whole number >= 0 */
    T_U64,     /* whole number >= 0, 64 bits */
    T_NUM,     /* any finite number */
    T_POS,     /* a number > 0 */
    T_DUR,     /* seconds as a double: "2", "500ms", "10m", "1h30m"; >= 0 */
    T_DUR_POS, /* same, > 0 */
    T_STR,     /* text that must fit its field */
    T_TEXT,    /* text that may continue on indented lines (PromQL) */
    T_CUSTOM,  /* the row's parser */
};

struct key;
/* A custom parser writes into base (the section's struct) or fills why with the tail
 * of the error: `"x" is not ...`. */
typedef int (*parse_fn)(void *base, const struct key *k, const char *value, char *why,
                        size_t whylen);

struct key {
    enum sec sec;
    const char *name;
    enum type type;
    size_t off, size; /* in struct config, metric_rule, service_rule or sizing_tier */
    parse_fn parse;
};

#define CFG(f)  offsetof(struct config, f), sizeof(((struct config *)0)->f)
#define MET(f)  offsetof(struct metric_rule, f), sizeof(((struct metric_rule *)0)->f)
#define SVC(f)  offsetof(struct service_rule, f), sizeof(((struct service_rule *)0)->f)
#define TIER(f) offsetof(struct sizing_tier, f), sizeof(((struct sizing_tier *)0)->f)

static int parse_prefer(void *, const struct key *, const char *, char *, size_t);
static int parse_rule(void *, const struct key *, const char *, char *, size_t);
static int parse_bound(void *, const struct key *, const char *, char *, size_t);
static int parse_tolerance(void *, const struct key *, const char *, char *, size_t);
static int parse_policies(void *, const struct key *, const char *, char *, size_t);
static int parse_window(void *, const struct key *, const char *, char *, size_t);
static int parse_select(void *, const struct key *, const char *, char *, size_t);
static int parse_queue_mode(void *, const struct key *, const char *, char *, size_t);
static int parse_users(void *, const struct key *, const char *, char *, size_t);
static int parse_queues(void *, const struct key *, const char *, char *, size_t);
static int parse_health(void *, const struct key *, const char *, char *, size_t);

/* To add a key: a field in struct config (or the section's struct), one row here, and a
 * "#key = default" line under its section in etc/forgetop.conf (a unit test checks). */
static const struct key keys[] = {
    {SEC_FORGETOP, "read_only", T_BOOL, CFG(read_only), NULL},
    {SEC_FORGETOP, "delay", T_DUR_POS, CFG(delay_s), NULL},
    {SEC_FORGETOP, "theme", T_STR, CFG(theme), NULL},
    {SEC_FORGETOP, "mouse", T_BOOL, CFG(mouse), NULL},
    {SEC_FORGETOP, "production_pattern", T_STR, CFG(production_pattern), NULL},
    {SEC_FORGETOP, "production_read_only", T_BOOL, CFG(production_read_only), NULL},
    {SEC_FORGETOP, "audit_log", T_STR, CFG(audit_log), NULL},
    {SEC_FORGETOP, "users", T_INT, CFG(users), NULL},
    {SEC_FORGETOP, "alert_bell", T_BOOL, CFG(alert_bell), NULL},
    {SEC_FORGETOP, "alert_title", T_BOOL, CFG(alert_title), NULL},
    {SEC_FORGETOP, "record", T_STR, CFG(record), NULL},
    {SEC_FORGETOP, "record_max_mb", T_NUM, CFG(record_max_mb), NULL},
    {SEC_FORGETOP, "record_max_hours", T_NUM, CFG(record_max_hours), NULL},
    {SEC_FORGETOP, "connect_timeout", T_DUR_POS, CFG(connect_timeout_s), NULL},
    {SEC_FORGETOP, "request_timeout", T_DUR_POS, CFG(request_timeout_s), NULL},
    {SEC_FORGETOP, "poll_interval", T_DUR, CFG(poll_interval_s), NULL},
    {SEC_FORGETOP, "access_probe_interval", T_DUR_POS, CFG(access_probe_s), NULL},

    {SEC_METRIC, "title", T_STR, MET(title), NULL},
    {SEC_METRIC, "unit", T_STR, MET(unit), NULL},
    {SEC_METRIC, "service", T_STR, MET(service), NULL},
    {SEC_METRIC, "warning", T_NUM, MET(warning), NULL},
    {SEC_METRIC, "critical", T_NUM, MET(critical), NULL},
    {SEC_METRIC, "for", T_DUR, MET(for_s), NULL},
    {SEC_METRIC, "action", T_STR, MET(action), NULL},
    {SEC_METRIC, "query", T_TEXT, MET(query), NULL},
    {SEC_METRIC, "prefer", T_CUSTOM, MET(prefer), parse_prefer},
    {SEC_METRIC, "scale", T_NUM, MET(scale), NULL},
    {SEC_METRIC, "alert", T_STR, MET(alert), NULL},

    {SEC_SERVICE, "rule", T_CUSTOM, SVC(kind), parse_rule},
    {SEC_SERVICE, "min", T_CUSTOM, SVC(hpa.min), parse_bound},
    {SEC_SERVICE, "max", T_CUSTOM, SVC(hpa.max), parse_bound},
    {SEC_SERVICE, "cpu_target", T_NUM, SVC(hpa.cpu_target), NULL},
    {SEC_SERVICE, "memory_target", T_NUM, SVC(hpa.memory_target), NULL},
    {SEC_SERVICE, "tolerance", T_CUSTOM, SVC(hpa.tolerance), parse_tolerance},
    {SEC_SERVICE, "scale_up", T_CUSTOM, SVC(hpa.up), parse_policies},
    {SEC_SERVICE, "scale_up_window", T_CUSTOM, SVC(hpa.up), parse_window},
    {SEC_SERVICE, "scale_down", T_CUSTOM, SVC(hpa.down), parse_policies},
    {SEC_SERVICE, "scale_down_window", T_CUSTOM, SVC(hpa.down), parse_window},
    {SEC_SERVICE, "select_policy", T_CUSTOM, SVC(hpa), parse_select},
    {SEC_SERVICE, "scale_up_select", T_CUSTOM, SVC(hpa.up), parse_select},
    {SEC_SERVICE, "scale_down_select", T_CUSTOM, SVC(hpa.down), parse_select},
    {SEC_SERVICE, "queue_metric", T_STR, SVC(queue_metric), NULL},
    {SEC_SERVICE, "per_replica", T_POS, SVC(queue.per_replica), NULL},
    {SEC_SERVICE, "queue_mode", T_CUSTOM, SVC(queue.mode), parse_queue_mode},
    {SEC_SERVICE, "activation", T_NUM, SVC(queue.activation), NULL},
    {SEC_SERVICE, "db_pool", T_INT, SVC(db_pool), NULL},

    {SEC_TIER, "users", T_CUSTOM, TIER(users_min), parse_users},
    {SEC_TIER, "api", T_INT, TIER(api_replicas), NULL},
    {SEC_TIER, "workers", T_INT, TIER(workers), NULL},
    {SEC_TIER, "postgres", T_STR, TIER(postgres), NULL},
    {SEC_TIER, "redis", T_STR, TIER(redis), NULL},

    {SEC_DEMO, "enabled", T_BOOL, CFG(demo), NULL},
    {SEC_DEMO, "seed", T_U64, CFG(seed), NULL},
    {SEC_DEMO, "speed", T_POS, CFG(demo_speed), NULL},

    {SEC_KUBE, "enabled", T_BOOL, CFG(kube), NULL},
    {SEC_KUBE, "kubeconfig", T_STR, CFG(kubeconfig), NULL},
    {SEC_KUBE, "context", T_STR, CFG(context), NULL},
    {SEC_KUBE, "namespace", T_STR, CFG(namespace_), NULL},
    {SEC_KUBE, "all_namespaces", T_BOOL, CFG(all_namespaces), NULL},
    {SEC_KUBE, "selector", T_STR, CFG(label_selector), NULL},
    {SEC_KUBE, "hpa_cpu_initialization_period", T_DUR, CFG(hpa_cpu_init_s), NULL},
    {SEC_KUBE, "hpa_initial_readiness_delay", T_DUR, CFG(hpa_ready_delay_s), NULL},
    {SEC_KUBE, "watch", T_BOOL, CFG(kube_watch), NULL},
    {SEC_KUBE, "watch_timeout", T_DUR_POS, CFG(kube_watch_timeout_s), NULL},
    {SEC_KUBE, "relist_interval", T_DUR, CFG(kube_relist_s), NULL},
    {SEC_KUBE, "max_items", T_INT, CFG(kube_max_items), NULL},
    {SEC_KUBE, "metrics_interval", T_DUR, CFG(kube_metrics_s), NULL},

    {SEC_COMPOSE, "enabled", T_BOOL, CFG(compose), NULL},
    {SEC_COMPOSE, "project", T_STR, CFG(compose_project), NULL},
    {SEC_COMPOSE, "file", T_STR, CFG(compose_file), NULL},
    {SEC_COMPOSE, "docker_host", T_STR, CFG(docker_host), NULL},

    {SEC_REDIS, "url", T_STR, CFG(redis_url), NULL},
    {SEC_REDIS, "queues", T_CUSTOM, CFG(queues), parse_queues},
    {SEC_REDIS, "sentinel_master", T_STR, CFG(redis_sentinel_master), NULL},
    {SEC_REDIS, "sentinels", T_STR, CFG(redis_sentinels), NULL},
    {SEC_REDIS, "cluster", T_BOOL, CFG(redis_cluster), NULL},

    {SEC_POSTGRES, "dsn", T_STR, CFG(postgres_dsn), NULL},
    {SEC_POSTGRES, "enabled", T_BOOL, CFG(postgres_enabled), NULL},
    {SEC_POSTGRES, "db_pool_service", T_STR, CFG(db_pool_service), NULL},
    {SEC_PGBOUNCER, "dsn", T_STR, CFG(pgbouncer_dsn), NULL},
    {SEC_PGBOUNCER, "pool_size", T_INT, CFG(pool_size), NULL},

    {SEC_PROMETHEUS, "url", T_STR, CFG(prometheus_url), NULL},
    {SEC_PROMETHEUS, "token_file", T_STR, CFG(prometheus_token_file), NULL},
    {SEC_PROMETHEUS, "user", T_STR, CFG(prometheus_user), NULL},
    {SEC_PROMETHEUS, "password_file", T_STR, CFG(prometheus_password_file), NULL},
    {SEC_PROMETHEUS, "ca", T_STR, CFG(prometheus_ca), NULL},
    {SEC_PROMETHEUS, "insecure", T_BOOL, CFG(prometheus_insecure), NULL},

    {SEC_HEALTH, "url", T_CUSTOM, CFG(health_urls), parse_health},

    {SEC_THRESHOLDS, "redis_memory_warning", T_NUM, CFG(thr.redis_memory.warning), NULL},
    {SEC_THRESHOLDS, "redis_memory_critical", T_NUM, CFG(thr.redis_memory.critical), NULL},
    {SEC_THRESHOLDS, "replication_lag_warning", T_DUR, CFG(thr.replication_lag.warning), NULL},
    {SEC_THRESHOLDS, "replication_lag_critical", T_DUR, CFG(thr.replication_lag.critical), NULL},
    {SEC_THRESHOLDS, "cache_hit_warning", T_NUM, CFG(thr.cache_hit.warning), NULL},
    {SEC_THRESHOLDS, "cache_hit_critical", T_NUM, CFG(thr.cache_hit.critical), NULL},
    {SEC_THRESHOLDS, "waiting_clients_warning", T_NUM, CFG(thr.waiting_clients.warning), NULL},
    {SEC_THRESHOLDS, "waiting_clients_critical", T_NUM, CFG(thr.waiting_clients.critical), NULL},
    {SEC_THRESHOLDS, "xact_age_warning", T_DUR, CFG(thr.xact_age.warning), NULL},
    {SEC_THRESHOLDS, "xact_age_critical", T_DUR, CFG(thr.xact_age.critical), NULL},
    {SEC_THRESHOLDS, "pool_wait_warning", T_DUR, CFG(thr.pool_wait.warning), NULL},
    {SEC_THRESHOLDS, "pool_wait_critical", T_DUR, CFG(thr.pool_wait.critical), NULL},
    {SEC_THRESHOLDS, "probe_time_warning", T_DUR, CFG(thr.probe_time.warning), NULL},
    {SEC_THRESHOLDS, "probe_time_critical", T_DUR, CFG(thr.probe_time.critical), NULL},
};

/* ---- the runbook's values ---- */

static void copy(char *dst, size_t len, const char *src)
{
    text_printf(dst, len, "%s", src);
}

static void metric_set(struct metric_rule *m, const char *id, const char *title, const char *unit,
                       const char *service, double warn, double crit, double for_s,
                       const char *action, const char *query)
{
    memset(m, 0, sizeof *m);
    copy(m->id, sizeof m->id, id);
    copy(m->title, sizeof m->title, title);
    copy(m->unit, sizeof m->unit, unit);
    copy(m->service, sizeof m->service, service);
    m->warning = warn;
    m->critical = crit;
    m->for_s = for_s;
    copy(m->action, sizeof m->action, action);
    copy(m->query, sizeof m->query, query);
    copy(m->prefer, sizeof m->prefer, "metrics");
}

/* Kubernetes' behaviour when an HPA names none (autoscaling-rules.md). */
static void hpa_default_behavior(struct hpa_rule *r)
{
    r->up = (struct scaling_rules){.window_s = 0, .select = SELECT_MAX, .n_policies = 2};
    r->up.policies[0] = (struct scaling_policy){POLICY_PERCENT, 100, 15};
    r->up.policies[1] = (struct scaling_policy){POLICY_PODS, 4, 15};
    r->down = (struct scaling_rules){.window_s = 300, .select = SELECT_MAX, .n_policies = 1};
    r->down.policies[0] = (struct scaling_policy){POLICY_PERCENT, 100, 15};
}

/* A service the file names for the first time: no rule until it says which, min 1 and
 * no max until it says one, KEDA's listLength default of 5. */
static void service_new(struct service_rule *s, const char *name)
{
    memset(s, 0, sizeof *s);
    copy(s->name, sizeof s->name, name);
    s->kind = RULE_NONE;
    s->hpa.min = 1;
    s->hpa.tolerance = 0.1;
    s->queue = (struct queue_rule){.mode = QUEUE_KEDA_AVERAGE,
                                   .per_replica = 5,
                                   .min = 1,
                                   .tolerance = 0.1,
                                   .cooldown_s = 300};
    copy(s->queue_metric, sizeof s->queue_metric, "queue_depth");
}

/* The runbook's api-hpa; the same values as hpa_rule_runbook_api(), set here so config
 * does not depend on recommend.c. */
static void service_runbook_api(struct service_rule *s)
{
    service_new(s, "api");
    s->kind = RULE_HPA;
    s->hpa.min = 3;
    s->hpa.max = 20;
    s->hpa.cpu_target = 70;
    s->hpa.memory_target = 80;
    s->hpa.has_behavior = true;
    s->hpa.up = (struct scaling_rules){.window_s = 0, .select = SELECT_MAX, .n_policies = 1};
    s->hpa.up.policies[0] = (struct scaling_policy){POLICY_PERCENT, 100, 15};
    s->hpa.down = (struct scaling_rules){.window_s = 300, .select = SELECT_MAX, .n_policies = 1};
    s->hpa.down.policies[0] = (struct scaling_policy){POLICY_PERCENT, 10, 60};
    s->queue.min = 3;
    s->queue.max = 20;
}

/* The runbook's agent-worker-scaler: KEDA redis list, listLength 10, 1..100. */
static void service_runbook_worker(struct service_rule *s)
{
    service_new(s, "agent-worker");
    s->kind = RULE_QUEUE;
    s->queue = (struct queue_rule){.mode = QUEUE_KEDA_AVERAGE,
                                   .per_replica = 10,
                                   .min = 1,
                                   .max = 100,
                                   .tolerance = 0.1,
                                   .cooldown_s = 300};
    s->hpa.min = 1;
    s->hpa.max = 100;
}

static void tier_set(struct sizing_tier *t, const char *name, int lo, int hi, int api, int workers,
                     const char *pg, const char *redis)
{
    memset(t, 0, sizeof *t);
    copy(t->name, sizeof t->name, name);
    t->users_min = lo;
    t->users_max = hi;
    t->api_replicas = api;
    t->workers = workers;
    copy(t->postgres, sizeof t->postgres, pg);
    copy(t->redis, sizeof t->redis, redis);
}

void config_defaults(struct config *c)
{
    memset(c, 0, sizeof *c);
    c->delay_s = 2;
    copy(c->theme, sizeof c->theme, "dark");
    c->mouse = true;
    c->connect_timeout_s = 3;
    c->request_timeout_s = 10;
    c->poll_interval_s = 0; /* 0: poll at the refresh interval */
    copy(c->db_pool_service, sizeof c->db_pool_service, "api"); /* the runbook's pool holder */
    /* The panels' thresholds: the runbook's redis memory (as the pods'), and what an
     * operator of PostgreSQL and PgBouncer treats as news. */
    c->thr.redis_memory = (struct threshold_pair){75, 90};
    c->thr.replication_lag = (struct threshold_pair){10, 60};
    c->thr.cache_hit = (struct threshold_pair){95, 90};
    c->thr.waiting_clients = (struct threshold_pair){0, 10};
    c->thr.xact_age = (struct threshold_pair){300, 1800};
    c->thr.pool_wait = (struct threshold_pair){1, 10};
    c->thr.probe_time = (struct threshold_pair){2, 10};
    c->access_probe_s = 120; /* RBAC is asked again this often, and at once after a 403 */
    c->hpa_cpu_init_s = 300; /* the controller's defaults */
    c->hpa_ready_delay_s = 30;
    c->kube_watch = true;         /* list once, then follow with watch */
    c->kube_watch_timeout_s = 60; /* the server ends each watch after this; hung past +10 s */
    c->kube_relist_s = 900;       /* a full relist as a safety net; 0 never */
    c->kube_metrics_s = 15;       /* metrics-server measures every 15 s by default */

    struct metric_rule *m = c->metrics;
    metric_set(m++, "cpu", "CPU usage", "%", "api", 70, 85, 600, "horizontal scale",
               "avg(rate(container_cpu_usage_seconds_total{container=\"api\"}[5m]))");
    metric_set(m++, "memory", "Memory usage", "%", "api", 75, 90, 600, "vertical scale",
               "container_memory_working_set_bytes{container=\"api\"} / "
               "container_spec_memory_limit_bytes");
    metric_set(m++, "latency_p99", "API latency p99", "ms", "api", 500, 2000, 600,
               "scale API or DB",
               "histogram_quantile(0.99, sum by (le) "
               "(rate(http_request_duration_seconds_bucket[5m])))");
    metric_set(m++, "queue_depth", "Queue depth", "items", "agent-worker", 1000, 5000, 300,
               "scale workers", "redis_queue_length{queue=\"agent_tasks_pending\"}");
    metric_set(m++, "db_connections", "DB connections", "%", "database", 80, 95, 0, "scale DB",
               "sum(pg_stat_activity_count) / max(pg_settings_max_connections)");
    c->n_metrics = (size_t)(m - c->metrics);
    /* the runbook's alert rules (Monitoring for Scaling Decisions), matched by name */
    copy(c->metrics[0].alert, sizeof c->metrics[0].alert, "HighCPU");
    copy(c->metrics[1].alert, sizeof c->metrics[1].alert, "HighMemory");
    copy(c->metrics[2].alert, sizeof c->metrics[2].alert, "HighAPILatency");
    copy(c->metrics[3].alert, sizeof c->metrics[3].alert, "HighQueueDepth");
    /* What the prometheus source multiplies each query's result by to get the unit:
     * cores -> % of one core, a fraction -> %, seconds -> ms. */
    static const struct {
        const char *id;
        double scale;
    } scales[] = {{"cpu", 100},
                  {"memory", 100},
                  {"latency_p99", 1000},
                  {"queue_depth", 1},
                  {"db_connections", 100}};
    for (size_t i = 0; i < c->n_metrics; i++)
        for (size_t j = 0; j < sizeof scales / sizeof scales[0]; j++)
            if (strcmp(c->metrics[i].id, scales[j].id) == 0)
                c->metrics[i].scale = scales[j].scale;

    service_runbook_api(&c->services[0]);
    service_runbook_worker(&c->services[1]);
    service_new(&c->services[2], "dagster-run-worker");
    /* the database connections each replica holds: api's pool, a worker's few */
    c->services[0].db_pool = 20;
    c->services[1].db_pool = 4;
    c->services[2].db_pool = 1;
    c->n_services = 3;

    /* users_min..users_max inclusive, first match wins; the runbook's 50-200 and
     * 200-1000 share their ends, so each tier here starts where the last one ended. */
    tier_set(&c->tiers[0], "small", 0, 49, 2, 2, "2 CPU, 4GB", "1GB");
    tier_set(&c->tiers[1], "medium", 50, 199, 5, 10, "4 CPU, 16GB", "4GB");
    tier_set(&c->tiers[2], "large", 200, 999, 10, 25, "8 CPU, 32GB", "8GB");
    tier_set(&c->tiers[3], "enterprise", 1000, 0, 20, 50, "Cluster", "Cluster");
    c->n_tiers = 4;

    c->seed = 1;
    c->demo_speed = 1;
    c->record_max_mb = 100;
    c->record_max_hours = 24;
    /* namespace_ stays "": unset, so the context's own namespace can show through
     * (config_kube_namespace) */
    copy(c->queues[0], sizeof c->queues[0], "agent:tasks:pending");
    c->n_queues = 1;
}

/* ---- values ---- */

static const char *skip_space(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    return s;
}

static bool at_end(const char *s)
{
    return *skip_space(s) == '\0';
}

static int number(const char *v, double *out)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (end == v || !at_end(end) || errno == ERANGE || !isfinite(d))
        return -1;
    *out = d;
    return 0;
}

static int whole(const char *v, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (end == v || !at_end(end) || errno == ERANGE || n < lo || n > hi)
        return -1;
    *out = n;
    return 0;
}

/* "2", "500ms", "300s", "10m", "1h", "1h30m": seconds. */
static int duration(const char *v, double *out)
{
    static const struct {
        const char *unit;
        double s;
    } units[] = {{"ms", 0.001}, {"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}};
    const char *p = skip_space(v);
    double total = 0;
    int parts = 0;
    while (*p != '\0' && !isspace((unsigned char)*p)) {
        if (!isdigit((unsigned char)*p) && *p != '.')
            return -1;
        char *end;
        double n = strtod(p, &end);
        if (end == p || !isfinite(n))
            return -1;
        p = end;
        size_t i, nu = sizeof units / sizeof units[0];
        for (i = 0; i < nu; i++)
            if (strncmp(p, units[i].unit, strlen(units[i].unit)) == 0 &&
                !isalpha((unsigned char)p[strlen(units[i].unit)]))
                break;
        if (i == nu) {
            if (parts > 0 || !at_end(p)) /* a bare number is seconds, alone only */
                return -1;
            total += n;
        } else {
            total += n * units[i].s;
            p += strlen(units[i].unit);
        }
        parts++;
    }
    if (parts == 0 || !at_end(p))
        return -1;
    *out = total;
    return 0;
}

static int boolean(const char *v, bool *out)
{
    static const char *yes[] = {"true", "yes", "on", "1"}, *no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(v, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

/* The value as the operator wrote it, safe to print, in quotes. */
static void quoted(char *out, size_t len, const char *v)
{
    char safe[96];
    text_sanitize(safe, sizeof safe, v);
    text_printf(out, len, "\"%s\"", safe);
}

static int bad(char *why, size_t len, const char *v, const char *what)
{
    char q[100];
    quoted(q, sizeof q, v);
    text_printf(why, len, "%s is not %s", q, what);
    return -1;
}

static int text_value(char *dst, size_t size, const char *v, bool append, char *why, size_t len)
{
    size_t have = append ? strlen(dst) : 0;
    size_t need = have + (append ? 1 : 0) + strlen(v);
    if (need >= size) {
        text_printf(why, len, "value is too long (at most %zu characters)", size - 1);
        return -1;
    }
    if (append)
        snprintf(dst + have, size - have, " %s", v);
    else
        memcpy(dst, v, strlen(v) + 1);
    return 0;
}

/* Parse one value into base by its row; why gets the tail of the error. */
static int set_value(void *base, const struct key *k, const char *v, bool append, char *why,
                     size_t len)
{
    void *f = (char *)base + k->off;
    double d;
    long long n;
    switch (k->type) {
    case T_BOOL:
        return boolean(v, f) < 0 ? bad(why, len, v, "a boolean (true or false)") : 0;
    case T_INT:
        if (whole(v, 0, INT_MAX, &n) < 0)
            return bad(why, len, v, "a whole number >= 0");
        *(int *)f = (int)n;
        return 0;
    case T_U64:
        if (whole(v, 0, LLONG_MAX, &n) < 0)
            return bad(why, len, v, "a whole number >= 0");
        *(uint64_t *)f = (uint64_t)n;
        return 0;
    case T_NUM:
    case T_POS:
        if (number(v, &d) < 0)
            return bad(why, len, v, "a number");
        if (k->type == T_POS && d <= 0)
            return bad(why, len, v, "a number above 0");
        *(double *)f = d;
        return 0;
    case T_DUR:
    case T_DUR_POS:
        if (duration(v, &d) < 0)
            return bad(why, len, v, "a duration (like 2, 500ms, 300s, 10m, 1h)");
        if (k->type == T_DUR_POS && d <= 0)
            return bad(why, len, v, "a duration above 0");
        *(double *)f = d;
        return 0;
    case T_STR:
    case T_TEXT:
        return text_value(f, k->size, v, append, why, len);
    case T_CUSTOM:
        return k->parse(base, k, v, why, len);
    }
    return -1;
}

/* ---- custom values ---- */

/* Pick v among the words of a NULL-terminated list; its index, or -1. */
static int one_of(const char *v, const char *const *words)
{
    for (int i = 0; words[i] != NULL; i++)
        if (strcasecmp(v, words[i]) == 0)
            return i;
    return -1;
}

static int parse_prefer(void *base, const struct key *k, const char *v, char *why, size_t len)
{
    static const char *const words[] = {"metrics", "cluster", NULL};
    int i = one_of(v, words);
    if (i < 0)
        return bad(why, len, v, "metrics or cluster");
    copy((char *)base + k->off, k->size, words[i]);
    return 0;
}

static int parse_rule(void *base, const struct key *k, const char *v, char *why, size_t len)
{
    static const char *const words[] = {"none", "hpa", "queue", NULL};
    static const enum rule_kind kinds[] = {RULE_NONE, RULE_HPA, RULE_QUEUE};
    int i = one_of(v, words);
    if (i < 0)
        return bad(why, len, v, "hpa, queue or none");
    ((struct service_rule *)base)->kind = kinds[i];
    (void)k;
    return 0;
}

/* min and max bound both the HPA and the queue rule: the service has one pair. */
static int parse_bound(void *base, const struct key *k, const char *v, char *why, size_t len)
{
    struct service_rule *s = base;
    long long n;
    if (whole(v, 0, INT_MAX, &n) < 0)
        return bad(why, len, v, "a whole number >= 0");
    if (strcmp(k->name, "min") == 0)
        s->hpa.min = s->queue.min = (int)n;
    else
        s->hpa.max = s->queue.max = (int)n;
    return 0;
}

static int parse_tolerance(void *base, const struct key *k, const char *v, char *why, size_t len)
{
    struct service_rule *s = base;
    double d;
    if (number(v, &d) < 0 || d < 0 || d >= 1)
        return bad(why, len, v, "a fraction from 0 to below 1 (0.1 is 10 %)");
    s->hpa.tolerance = s->queue.tolerance = d;
    (void)k;
    return 0;
}

/* Setting any behaviour key starts from Kubernetes' defaults, as an HPA whose
 * `behavior:` names only one direction gets the defaults for the other. */
static struct scaling_rules *behavior(void *base, const struct key *k)
{
    struct service_rule *s = base;
    if (!s->hpa.has_behavior) {
        hpa_default_behavior(&s->hpa);
        s->hpa.has_behavior = true;
    }
    return (struct scaling_rules *)((char *)base + k->off);
}

/* One policy: "100% per 15s", "4 pods per 60s". */
static int policy(const char *v, struct scaling_policy *p)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (end == v || errno == ERANGE || n <= 0 || n > INT_MAX)
        return -1;
    const char *s = skip_space(end);
    if (*s == '%') {
        p->type = POLICY_PERCENT;
        s++;
    } else if (strncasecmp(s, "pods", 4) == 0) {
        p->type = POLICY_PODS;
        s += 4;
    } else if (strncasecmp(s, "pod", 3) == 0) {
        p->type = POLICY_PODS;
        s += 3;
    } else {
        return -1;
    }
    s = skip_space(s);
    if (strncasecmp(s, "per", 3) != 0 || !isspace((unsigned char)s[3]))
        return -1;
    double period;
    if (duration(s + 3, &period) < 0 || period < 1 || period > 1800)
        return -1;
    p->value = (int)n;
    p->period_s = (int)period;
    return 0;
}

static int parse_policies(void *base, const struct key *k, const char *v, char *why, size_t len)
{
    struct scaling_rules *r = behavior(base, k);
    struct scaling_policy ps[4];
    size_t n = 0;
    char buf[256];
    copy(buf, sizeof buf, v);
    for (char *save, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (n == 4) {
            text_printf(why, len, "at most 4 policies");
            return -1;
        }
        if (policy(tok, &ps[n++]) < 0)
            return bad(why, len, skip_space(tok),
                       "a policy (like \"100% per 15s\" or \"4 pods per 60s\")");
    }
    if (n == 0)
        return bad(why, len, v, "a policy (like \"100% per 15s\" or \"4 pods per 60s\")");
    memcpy(r->policies, ps, n * sizeof ps[0]);
    r->n_policies = n;
    return 0;
}

static int parse_window(void *base, const struct key *k, const char *v, char *why, size_t len)
{
    struct scaling_rules *r = behavior(base, k);
    double d;
    if (duration(v, &d) < 0 || d > 3600)
        return bad(why, len, v, "a duration from 0 to 1h (like 0, 300s, 5m)");
    r->window_s = (int)d;
    return 0;
}

static int parse_select(void *base, const struct key *k, const char *v, char *why, size_t len)
{
    static const char *const words[] = {"max", "min", "disabled", NULL};
    static const enum select_policy sel[] = {SELECT_MAX, SELECT_MIN, SELECT_DISABLED};
    int i = one_of(v, words);
    if (i < 0)
        return bad(why, len, v, "max, min or disabled");
    struct scaling_rules *r = behavior(base, k);
    struct service_rule *s = base;
    if (strcmp(k->name, "select_policy") == 0) /* both directions */
        s->hpa.up.select = s->hpa.down.select = sel[i];
    else
        r->select = sel[i];
    return 0;
}

static int parse_queue_mode(void *base, const struct key *k, const char *v, char *why, size_t len)
{
    static const char *const words[] = {"keda", "value", NULL};
    static const enum queue_mode modes[] = {QUEUE_KEDA_AVERAGE, QUEUE_HPA_VALUE};
    int i = one_of(v, words);
    if (i < 0)
        return bad(why, len, v, "keda or value");
    ((struct service_rule *)base)->queue.mode = modes[i];
    (void)k;
    return 0;
}

/* "50-200", "1000+", "<50": inclusive bounds, users_max 0 when open-ended. */
static int parse_users(void *base, const struct key *k, const char *v, char *why, size_t len)
{
    struct sizing_tier *t = base;
    long long lo, hi;
    char buf[64];
    copy(buf, sizeof buf, skip_space(v));
    char *dash = strchr(buf, '-'), *plus = strchr(buf, '+');
    const char *what = "a range of users (like <50, 50-200, 1000+)";
    if (buf[0] == '<') {
        if (whole(buf + 1, 2, INT_MAX, &hi) < 0)
            return bad(why, len, v, what);
        t->users_min = 0, t->users_max = (int)hi - 1;
    } else if (plus != NULL && at_end(plus + 1)) {
        *plus = '\0';
        if (whole(buf, 0, INT_MAX, &lo) < 0)
            return bad(why, len, v, what);
        t->users_min = (int)lo, t->users_max = 0;
    } else if (dash != NULL) {
        *dash = '\0';
        if (whole(buf, 0, INT_MAX, &lo) < 0 || whole(dash + 1, 1, INT_MAX, &hi) < 0)
            return bad(why, len, v, what);
        if (lo > hi) {
            text_printf(why, len, "users %lld-%lld: the first number is larger", lo, hi);
            return -1;
        }
        t->users_min = (int)lo, t->users_max = (int)hi;
    } else {
        return bad(why, len, v, what);
    }
    (void)k;
    return 0;
}

/* "agent:tasks:pending, other": replaces the list. */
static int parse_queues(void *base, const struct key *k, const char *v, char *why, size_t len)
{
    struct config *c = base;
    char buf[CONFIG_MAX_QUEUES * 128], names[CONFIG_MAX_QUEUES][128];
    size_t n = 0;
    memset(names, 0, sizeof names);
    copy(buf, sizeof buf, v);
    for (char *save, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *s = (char *)skip_space(tok), *e = s + strlen(s);
        while (e > s && isspace((unsigned char)e[-1]))
            *--e = '\0';
        if (*s == '\0')
            continue;
        if (n == CONFIG_MAX_QUEUES) {
            text_printf(why, len, "at most %d queues", CONFIG_MAX_QUEUES);
            return -1;
        }
        if (strlen(s) >= sizeof names[0]) {
            text_printf(why, len, "queue name is too long (at most %zu characters)",
                        sizeof names[0] - 1);
            return -1;
        }
        copy(names[n++], sizeof names[0], s);
    }
    memcpy(c->queues, names, sizeof names);
    c->n_queues = n;
    (void)k;
    return 0;
}

/* Each url line adds one endpoint. */
static int parse_health(void *base, const struct key *k, const char *v, char *why, size_t len)
{
    struct config *c = base;
    if (c->n_health == CONFIG_MAX_HEALTH) {
        text_printf(why, len, "at most %d health urls", CONFIG_MAX_HEALTH);
        return -1;
    }
    if (text_value(c->health_urls[c->n_health], sizeof c->health_urls[0], v, false, why, len) < 0)
        return -1;
    c->n_health++;
    (void)k;
    return 0;
}

/* ---- where each setting came from ---- */

static void note_origin(struct config *c, const char *section, const char *key, const char *where)
{
    size_t i;
    for (i = 0; i < c->n_origins; i++)
        if (strcmp(c->origins[i].section, section) == 0 && strcmp(c->origins[i].key, key) == 0)
            break;
    if (i == c->n_origins) {
        if (i == CONFIG_MAX_ORIGINS)
            return; /* the value still applies; only its origin reads as default */
        c->n_origins++;
        copy(c->origins[i].section, sizeof c->origins[i].section, section);
        copy(c->origins[i].key, sizeof c->origins[i].key, key);
    }
    copy(c->origins[i].where, sizeof c->origins[i].where, where);
}

void config_note(struct config *c, size_t field, const char *where)
{
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (sections[keys[i].sec].arg == NULL && keys[i].off == field)
            note_origin(c, sections[keys[i].sec].name, keys[i].name, where);
}

/* ---- the parse ---- */

struct parse {
    struct config *c;
    const char *path;
    FILE *f;
    int line;          /* the line inih is on: one per reader call */
    bool cont;         /* this line is indented: inih continues the previous key */
    char prev_key[64]; /* the last key read in this section, as inih keeps it */
    char err[1024];    /* "FILE:LINE: what", the first problem */
    int err_line;      /* its line, 0 while none */
    char section[96];  /* "metric cpu", normalised */
    enum sec kind;
    void *base;   /* where this section's rows land */
    size_t index; /* which metric, service or tier */
    /* lines behind the checks made once the whole file is read */
    int metric_sec[CONFIG_MAX_METRICS], metric_thr[CONFIG_MAX_METRICS];
    int service_sec[CONFIG_MAX_SERVICES], service_bound[CONFIG_MAX_SERVICES];
    int tier_sec[CONFIG_MAX_TIERS], tier_users[CONFIG_MAX_TIERS];
    bool tier_new[CONFIG_MAX_TIERS];
};

static void fail(struct parse *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(struct parse *p, int line, const char *fmt, ...)
{
    if (p->err_line != 0 && p->err_line <= line)
        return; /* the earliest problem is the one to fix first */
    char what[800];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    text_printf(p->err, sizeof p->err, "%s:%d: %s", p->path, line, what);
    p->err_line = line;
}

static void list_sections(char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < SEC_NONE && used < len; i++)
        used +=
            (size_t)snprintf(out + used, len - used, "%s%s%s%s", i ? ", " : "", sections[i].name,
                             sections[i].arg ? " " : "", sections[i].arg ? sections[i].arg : "");
}

static void list_keys(enum sec s, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof keys / sizeof keys[0] && used < len; i++)
        if (keys[i].sec == s)
            used +=
                (size_t)snprintf(out + used, len - used, "%s%s", used ? ", " : "", keys[i].name);
}

/* Find or add the named element of a metric, service or tier section. */
static int element(struct parse *p, const char *name)
{
    struct config *c = p->c;
    size_t i;
    if (p->kind == SEC_METRIC) {
        if (strlen(name) >= FT_ID_MAX)
            goto too_long;
        for (i = 0; i < c->n_metrics && strcmp(c->metrics[i].id, name) != 0; i++)
            ;
        if (i == c->n_metrics) {
            if (i == CONFIG_MAX_METRICS)
                goto too_many;
            metric_set(&c->metrics[i], name, name, "", "", NAN, NAN, 0, "", "");
            c->n_metrics++;
        }
        p->base = &c->metrics[i];
        if (p->metric_sec[i] == 0)
            p->metric_sec[i] = p->line;
    } else if (p->kind == SEC_SERVICE) {
        if (strlen(name) >= FT_NAME_MAX)
            goto too_long;
        for (i = 0; i < c->n_services && strcmp(c->services[i].name, name) != 0; i++)
            ;
        if (i == c->n_services) {
            if (i == CONFIG_MAX_SERVICES)
                goto too_many;
            service_new(&c->services[i], name);
            c->n_services++;
        }
        p->base = &c->services[i];
        if (p->service_sec[i] == 0)
            p->service_sec[i] = p->line;
    } else {
        if (strlen(name) >= sizeof c->tiers[0].name)
            goto too_long;
        for (i = 0; i < c->n_tiers && strcmp(c->tiers[i].name, name) != 0; i++)
            ;
        if (i == c->n_tiers) {
            if (i == CONFIG_MAX_TIERS)
                goto too_many;
            tier_set(&c->tiers[i], name, 0, 0, 0, 0, "", "");
            c->n_tiers++;
            p->tier_new[i] = true;
        }
        p->base = &c->tiers[i];
        if (p->tier_sec[i] == 0)
            p->tier_sec[i] = p->line;
    }
    p->index = i;
    return 0;
too_long:
    fail(p, p->line, "[%s]: the name is too long", p->section);
    return -1;
too_many:
    fail(p, p->line, "[%s]: too many %ss (at most %zu)", p->section, sections[p->kind].name,
         p->kind == SEC_METRIC    ? (size_t)CONFIG_MAX_METRICS
         : p->kind == SEC_SERVICE ? (size_t)CONFIG_MAX_SERVICES
                                  : (size_t)CONFIG_MAX_TIERS);
    return -1;
}

/* Enter a section by its header text ("metric cpu", " kube "). */
static int enter(struct parse *p, const char *raw)
{
    char norm[96], word[32];
    const char *s = skip_space(raw);
    size_t w = strcspn(s, " \t");
    const char *arg = skip_space(s + w);
    size_t alen = strlen(arg);
    while (alen > 0 && isspace((unsigned char)arg[alen - 1]))
        alen--;
    text_printf(norm, sizeof norm, "%.*s%s%.*s", (int)w, s, alen ? " " : "", (int)alen, arg);
    if (p->kind != SEC_NONE && strcmp(norm, p->section) == 0)
        return 0;
    copy(p->section, sizeof p->section, norm);
    p->kind = SEC_NONE;
    text_printf(word, sizeof word, "%.*s", (int)w, s);
    enum sec k;
    for (k = 0; k < SEC_NONE && strcmp(sections[k].name, word) != 0; k++)
        ;
    if (k == SEC_NONE || (sections[k].arg == NULL && alen > 0)) {
        char known[512], safe[96];
        list_sections(known, sizeof known);
        text_sanitize(safe, sizeof safe, norm);
        fail(p, p->line, "unknown section [%s] (sections: %s)", safe, known);
        return -1;
    }
    if (sections[k].arg != NULL && alen == 0) {
        fail(p, p->line, "[%s] needs a name: [%s %s]", word, word, sections[k].arg);
        return -1;
    }
    p->kind = k;
    p->base = p->c;
    if (sections[k].arg == NULL)
        return 0;
    char name[96];
    text_printf(name, sizeof name, "%.*s", (int)alen, arg);
    return element(p, name);
}

/* inih's line reader: counts lines, sees section headers even when no key follows,
 * and stops the parse at the first problem. */
static char *read_line(char *str, int num, void *stream)
{
    struct parse *p = stream;
    if (p->err_line != 0 || fgets(str, num, p->f) == NULL)
        return NULL;
    p->line++;
    size_t n = strlen(str);
    if (n == (size_t)num - 1 && str[n - 1] != '\n') {
        int ch = getc(p->f);
        if (ch != '\n' && ch != EOF) {
            fail(p, p->line,
                 "line is longer than %d characters; continue a long query on indented lines",
                 num - 1);
            return NULL;
        }
    }
    const char *s = str;
    if (p->line == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3;
    const char *t = skip_space(s);
    p->cont = t > s && *t != '\0' && *t != ';' && *t != '#' && p->prev_key[0] != '\0';
    if (!p->cont && *t == '[') {
        const char *end = strchr(t, ']');
        p->prev_key[0] = '\0';
        if (end != NULL) {
            char raw[96];
            text_printf(raw, sizeof raw, "%.*s", (int)(end - t - 1), t + 1);
            if (enter(p, raw) < 0)
                return NULL;
        }
    }
    return str;
}

static void note_line(struct parse *p, const struct key *k)
{
    if (p->kind == SEC_METRIC &&
        (strcmp(k->name, "warning") == 0 || strcmp(k->name, "critical") == 0))
        p->metric_thr[p->index] = p->line;
    if (p->kind == SEC_SERVICE && (strcmp(k->name, "min") == 0 || strcmp(k->name, "max") == 0))
        p->service_bound[p->index] = p->line;
    if (p->kind == SEC_TIER && strcmp(k->name, "users") == 0)
        p->tier_users[p->index] = p->line;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
    struct parse *p = user;
    if (p->err_line != 0)
        return 0;
    if (name == NULL) /* a library built to call us on each new section */
        return 1;
    if (section[0] == '\0') {
        fail(p, p->line, "%s: a key before any [section]", name);
        return 0;
    }
    bool cont = p->cont && strcmp(name, p->prev_key) == 0;
    if (enter(p, section) < 0)
        return 0;
    const struct key *k = NULL;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0] && k == NULL; i++)
        if (keys[i].sec == p->kind && strcmp(keys[i].name, name) == 0)
            k = &keys[i];
    if (k == NULL) {
        char known[512], safe[64];
        list_keys(p->kind, known, sizeof known);
        text_sanitize(safe, sizeof safe, name);
        fail(p, p->line, "[%s] unknown key \"%s\" (keys: %s)", p->section, safe, known);
        return 0;
    }
    if (cont && k->type != T_TEXT) {
        fail(p, p->line,
             "[%s] %s: an indented line continues the key above; only query may span lines",
             p->section, name);
        return 0;
    }
    char why[256];
    if (set_value(p->base, k, value, cont, why, sizeof why) < 0) {
        fail(p, p->line, "[%s] %s: %s", p->section, name, why);
        return 0;
    }
    copy(p->prev_key, sizeof p->prev_key, name);
    note_line(p, k);
    if (!cont) {
        const char *slash = strrchr(p->path, '/');
        char where[80];
        text_printf(where, sizeof where, "%s:%d", slash ? slash + 1 : p->path, p->line);
        note_origin(p->c, p->section, name, where);
    }
    return 1;
}

/* Checks across keys, once every line is read; each names the line to fix. */
static void check(struct parse *p)
{
    struct config *c = p->c;
    for (size_t i = 0; i < c->n_metrics; i++) {
        const struct metric_rule *m = &c->metrics[i];
        int line = p->metric_thr[i] ? p->metric_thr[i] : p->metric_sec[i];
        if (line == 0)
            continue;
        if (isnan(m->warning) || isnan(m->critical))
            fail(p, line, "[metric %s] needs both warning and critical", m->id);
        else if (m->warning >= m->critical)
            fail(p, line, "[metric %s] warning %g is not below critical %g", m->id, m->warning,
                 m->critical);
    }
    for (size_t i = 0; i < c->n_services; i++) {
        const struct service_rule *s = &c->services[i];
        int line = p->service_bound[i] ? p->service_bound[i] : p->service_sec[i];
        int min = s->kind == RULE_QUEUE ? s->queue.min : s->hpa.min;
        int max = s->kind == RULE_QUEUE ? s->queue.max : s->hpa.max;
        if (line == 0)
            continue;
        if (max > 0 && min > max)
            fail(p, line, "[service %s] min %d is above max %d", s->name, min, max);
        else if (s->kind != RULE_NONE && max == 0)
            fail(p, line, "[service %s] rule %s needs max", s->name,
                 s->kind == RULE_HPA ? "hpa" : "queue");
        else if (s->kind == RULE_HPA && s->hpa.cpu_target <= 0 && s->hpa.memory_target <= 0)
            fail(p, p->service_sec[i], "[service %s] rule hpa needs cpu_target or memory_target",
                 s->name);
    }
    for (size_t i = 0; i < c->n_tiers; i++)
        if (p->tier_new[i] && p->tier_users[i] == 0)
            fail(p, p->tier_sec[i], "[tier %s] needs users (like 50-200)", c->tiers[i].name);
}

/* inih reported a line it could not read as a section or a key. */
static void syntax_error(struct parse *p, int line)
{
    char buf[512] = "";
    rewind(p->f);
    for (int i = 0; i < line && fgets(buf, sizeof buf, p->f) != NULL; i++)
        ;
    buf[strcspn(buf, "\r\n")] = '\0';
    const char *t = skip_space(buf);
    if (*t == '[') {
        fail(p, line, "a section header needs a closing \"]\"");
    } else {
        char q[100];
        quoted(q, sizeof q, t);
        fail(p, line, "expected \"key = value\" or \"[section]\", found %s", q);
    }
}

int config_load(struct config *c, const char *path, char *err, size_t errlen)
{
    struct parse p = {.c = c, .path = path, .kind = SEC_NONE};
    struct stat st;
    int rc = -1;
    p.f = fopen(path, "r");
    if (p.f == NULL) {
        text_printf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fileno(p.f), &st) == 0 && S_ISDIR(st.st_mode)) {
        text_printf(err, errlen, "%s: %s", path, strerror(EISDIR));
        goto out;
    }
    int first = ini_parse_stream(read_line, &p, on_key, &p);
    if (ferror(p.f)) {
        text_printf(err, errlen, "%s: %s", path, strerror(errno));
        goto out;
    }
    if (first > 0 && (p.err_line == 0 || first < p.err_line))
        syntax_error(&p, first);
    else if (first < 0)
        fail(&p, p.line + 1, "out of memory reading the file");
    if (p.err_line == 0)
        check(&p);
    if (p.err_line != 0) {
        text_printf(err, errlen, "%s", p.err);
        goto out;
    }
    copy(c->path, sizeof c->path, path);
    rc = 0;
out:
    fclose(p.f);
    return rc;
}

void config_default_path(char *out, size_t len)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    struct stat st;
    if (home == NULL || home[0] == '\0') {
        struct passwd *pw = getpwuid(getuid());
        home = pw != NULL ? pw->pw_dir : NULL;
    }
    out[0] = '\0';
    if (xdg != NULL && xdg[0] == '/')
        text_printf(out, len, "%s/forgetop/forgetop.conf", xdg);
    else if (home != NULL)
        text_printf(out, len, "%s/.config/forgetop/forgetop.conf", home);
    if (out[0] != '\0' && stat(out, &st) == 0)
        return;
    /* The operator's own file replaces the system-wide one whole, as ~/.tmux.conf would. */
    text_printf(out, len, "%s/forgetop/forgetop.conf", FORGETOP_SYSCONFDIR);
    if (stat(out, &st) != 0)
        out[0] = '\0';
}

const struct metric_rule *config_metric(const struct config *c, const char *id)
{
    for (size_t i = 0; i < c->n_metrics; i++)
        if (strcmp(c->metrics[i].id, id) == 0)
            return &c->metrics[i];
    return NULL;
}

const struct service_rule *config_service(const struct config *c, const char *name)
{
    for (size_t i = 0; i < c->n_services; i++)
        if (strcmp(c->services[i].name, name) == 0)
            return &c->services[i];
    return NULL;
}

bool config_has_source(const struct config *c)
{
    return c->demo || c->kube || c->compose || c->redis_url[0] || c->postgres_dsn[0] ||
           c->postgres_enabled || c->pgbouncer_dsn[0] || c->prometheus_url[0] || c->n_health > 0;
}

bool config_is_production(const struct config *c, const char *name)
{
    return c->production_pattern[0] != '\0' && name != NULL && name[0] != '\0' &&
           fnmatch(c->production_pattern, name, 0) == 0;
}

const char *config_kube_namespace(const struct config *c, const char *context_ns)
{
    if (c->namespace_[0] != '\0')
        return c->namespace_;
    if (context_ns != NULL && context_ns[0] != '\0')
        return context_ns;
    return CONFIG_FALLBACK_NAMESPACE;
}

double config_poll_interval(const struct config *c)
{
    return c->poll_interval_s > 0 ? c->poll_interval_s : c->delay_s > 0 ? c->delay_s : 2.0;
}

double config_poll_timeout(const struct config *c)
{
    return (c->connect_timeout_s > 0 ? c->connect_timeout_s : 0) +
           (c->request_timeout_s > 0 ? c->request_timeout_s : 0);
}

/* ---- printing the settings in force (--print-config) ---- */

/* The shortest text that reads back as v, without an exponent (durations have none). */
static void fmt_num(char *out, size_t len, double v)
{
    for (int prec = 15; prec <= 17; prec++) {
        text_printf(out, len, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            break;
    }
    if (strchr(out, 'e') != NULL) {
        text_printf(out, len, "%.9f", v);
        char *e = out + strlen(out);
        while (e > out && e[-1] == '0')
            *--e = '\0';
        if (e > out && e[-1] == '.')
            e[-1] = '\0';
    }
}

/* A custom value as its parser reads it; false when the key has nothing to print. */
typedef bool (*fmt_fn)(const void *base, const struct key *k, char *out, size_t len);

static bool fmt_prefer(const void *base, const struct key *k, char *out, size_t len)
{
    text_printf(out, len, "%s", (const char *)base + k->off);
    return out[0] != '\0';
}

static bool fmt_rule(const void *base, const struct key *k, char *out, size_t len)
{
    enum rule_kind r = ((const struct service_rule *)base)->kind;
    text_printf(out, len, "%s", r == RULE_HPA ? "hpa" : r == RULE_QUEUE ? "queue" : "none");
    (void)k;
    return true;
}

static bool fmt_bound(const void *base, const struct key *k, char *out, size_t len)
{
    const struct service_rule *s = base;
    text_printf(out, len, "%d", strcmp(k->name, "min") == 0 ? s->hpa.min : s->hpa.max);
    return true;
}

static bool fmt_tolerance(const void *base, const struct key *k, char *out, size_t len)
{
    fmt_num(out, len, ((const struct service_rule *)base)->hpa.tolerance);
    (void)k;
    return true;
}

/* Behaviour keys exist only when the service has a behaviour: printing the defaults
 * would give it one on the way back. */
static const struct scaling_rules *rules_of(const void *base, const struct key *k)
{
    const struct service_rule *s = base;
    return s->hpa.has_behavior ? (const void *)((const char *)base + k->off) : NULL;
}

static bool fmt_policies(const void *base, const struct key *k, char *out, size_t len)
{
    const struct scaling_rules *r = rules_of(base, k);
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; r != NULL && i < r->n_policies && used < len; i++) {
        const struct scaling_policy *p = &r->policies[i];
        used += (size_t)snprintf(out + used, len - used, "%s%d%s per %ds", i ? ", " : "", p->value,
                                 p->type == POLICY_PERCENT ? "%" : " pods", p->period_s);
    }
    return out[0] != '\0';
}

static bool fmt_window(const void *base, const struct key *k, char *out, size_t len)
{
    const struct scaling_rules *r = rules_of(base, k);
    if (r != NULL)
        text_printf(out, len, "%ds", r->window_s);
    return r != NULL;
}

static bool fmt_select(const void *base, const struct key *k, char *out, size_t len)
{
    const struct scaling_rules *r = rules_of(base, k);
    if (r == NULL || strcmp(k->name, "select_policy") == 0)
        return false; /* both directions: the two keys below say it exactly */
    text_printf(out, len, "%s",
                r->select == SELECT_MIN        ? "min"
                : r->select == SELECT_DISABLED ? "disabled"
                                               : "max");
    return true;
}

static bool fmt_queue_mode(const void *base, const struct key *k, char *out, size_t len)
{
    enum queue_mode m = ((const struct service_rule *)base)->queue.mode;
    text_printf(out, len, "%s", m == QUEUE_HPA_VALUE ? "value" : "keda");
    (void)k;
    return true;
}

static bool fmt_users(const void *base, const struct key *k, char *out, size_t len)
{
    const struct sizing_tier *t = base;
    if (t->users_max == 0)
        text_printf(out, len, "%d+", t->users_min);
    else if (t->users_min == 0)
        text_printf(out, len, "<%d", t->users_max + 1);
    else
        text_printf(out, len, "%d-%d", t->users_min, t->users_max);
    (void)k;
    return true;
}

/* n strings of stride bytes from first, joined by sep into out (cut at len). */
static void join(char *out, size_t len, const char *first, size_t stride, size_t n, const char *sep)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && used < len; i++)
        used += (size_t)snprintf(out + used, len - used, "%s%s", i ? sep : "", first + i * stride);
}

static bool fmt_queues(const void *base, const struct key *k, char *out, size_t len)
{
    const struct config *c = base;
    join(out, len, c->queues[0], sizeof c->queues[0], c->n_queues, ", ");
    (void)k;
    return true;
}

/* One line per URL: the printer writes each value of a '\n'-separated list. */
static bool fmt_health(const void *base, const struct key *k, char *out, size_t len)
{
    const struct config *c = base;
    join(out, len, c->health_urls[0], sizeof c->health_urls[0], c->n_health, "\n");
    (void)k;
    return c->n_health > 0;
}

static const struct {
    parse_fn parse;
    fmt_fn fmt;
} printers[] = {
    {parse_prefer, fmt_prefer},     {parse_rule, fmt_rule},
    {parse_bound, fmt_bound},       {parse_tolerance, fmt_tolerance},
    {parse_policies, fmt_policies}, {parse_window, fmt_window},
    {parse_select, fmt_select},     {parse_queue_mode, fmt_queue_mode},
    {parse_users, fmt_users},       {parse_queues, fmt_queues},
    {parse_health, fmt_health},
};

/* The fields whose text may carry a password: connection strings. */
static const size_t secret_fields[] = {
    offsetof(struct config, redis_url),
    offsetof(struct config, postgres_dsn),
    offsetof(struct config, pgbouncer_dsn),
    offsetof(struct config, health_urls),
};

static bool is_secret(enum sec s, const struct key *k)
{
    for (size_t i = 0; sections[s].arg == NULL && i < sizeof secret_fields / sizeof(size_t); i++)
        if (k->off == secret_fields[i])
            return true;
    return false;
}

/* The value of row k in base as the parser reads it; false: nothing to print. */
static bool format_value(const void *base, const struct key *k, char *out, size_t len)
{
    const void *f = (const char *)base + k->off;
    switch (k->type) {
    case T_BOOL:
        text_printf(out, len, "%s", *(const bool *)f ? "true" : "false");
        return true;
    case T_INT:
        text_printf(out, len, "%d", *(const int *)f);
        return true;
    case T_U64:
        text_printf(out, len, "%llu", (unsigned long long)*(const uint64_t *)f);
        return true;
    case T_NUM:
    case T_POS:
    case T_DUR:
    case T_DUR_POS:
        fmt_num(out, len, *(const double *)f);
        return isfinite(*(const double *)f); /* NAN: unset, as when the key is absent */
    case T_STR:
    case T_TEXT:
        text_printf(out, len, "%s", (const char *)f);
        return true;
    case T_CUSTOM:
        for (size_t i = 0; i < sizeof printers / sizeof printers[0]; i++)
            if (printers[i].parse == k->parse)
                return printers[i].fmt(base, k, out, len);
        text_printf(out, len, "(forgetop cannot print this key yet)");
        return true;
    }
    return false;
}

static const char *origin_of(const struct config *c, const char *section, const char *key)
{
    for (size_t i = 0; i < c->n_origins; i++)
        if (strcmp(c->origins[i].section, section) == 0 && strcmp(c->origins[i].key, key) == 0)
            return c->origins[i].where;
    return "default";
}

/* key = value; a long text (a query) is cut at single spaces onto indented lines: the
 * reader joins them with one space, and takes at most 200 characters a line. */
static void print_text(FILE *out, const char *key, const char *v)
{
    if (v[0] == '\0') {
        fprintf(out, "%s =\n", key);
        return;
    }
    int col = fprintf(out, "%s = ", key);
    for (const char *p = v; *p != '\0'; p++) {
        if (*p == ' ' && col > 120 && p > v && p[-1] != ' ' && p[1] != ' ' && p[1] != '\0') {
            fputs("\n    ", out);
            col = 4;
            continue;
        }
        fputc(*p, out);
        col++;
    }
    fputc('\n', out);
}

static void print_section(const struct config *c, FILE *out, enum sec s, const void *base,
                          const char *title)
{
    fprintf(out, "\n[%s]\n", title);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const struct key *k = &keys[i];
        static char v[CONFIG_MAX_HEALTH * CONFIG_URL_MAX + CONFIG_MAX_QUEUES * 130];
        if (k->sec != s || !format_value(base, k, v, sizeof v))
            continue;
        fprintf(out, "# %s\n", origin_of(c, title, k->name));
        if (is_secret(s, k)) {
            for (char *line = v, *next; line != NULL; line = next) {
                next = strchr(line, '\n');
                next = next != NULL ? next + 1 : NULL;
                fprintf(out, "%s = %s\n", k->name, line[0] != '\n' && line[0] ? "<set>" : "");
            }
        } else if (k->type == T_CUSTOM && strchr(v, '\n') != NULL) {
            for (char *line = strtok(v, "\n"); line != NULL; line = strtok(NULL, "\n"))
                fprintf(out, "%s = %s\n", k->name, line);
        } else {
            print_text(out, k->name, v);
        }
    }
}

void config_print(const struct config *c, FILE *out)
{
    fprintf(out,
            "; The settings in force: the built-in defaults, then %s, then the flags.\n"
            "; Each key is preceded by where its value came from.\n",
            c->path[0] ? c->path : "no file");
    for (enum sec s = 0; s < SEC_NONE; s++) {
        char title[128];
        if (sections[s].arg == NULL) {
            print_section(c, out, s, c, sections[s].name);
            continue;
        }
        size_t n = s == SEC_METRIC ? c->n_metrics : s == SEC_SERVICE ? c->n_services : c->n_tiers;
        for (size_t i = 0; i < n; i++) {
            const void *base = s == SEC_METRIC    ? (const void *)&c->metrics[i]
                               : s == SEC_SERVICE ? (const void *)&c->services[i]
                                                  : (const void *)&c->tiers[i];
            const char *name = s == SEC_METRIC    ? c->metrics[i].id
                               : s == SEC_SERVICE ? c->services[i].name
                                                  : c->tiers[i].name;
            text_printf(title, sizeof title, "%s %s", sections[s].name, name);
            print_section(c, out, s, base, title);
        }
    }
}
