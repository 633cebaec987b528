/* config.h - forgetop's settings: built-in runbook defaults, an INI file read with inih,
 * then command-line flags on top.
 *
 * A bad line stops the program before it touches the terminal, with `FILE:LINE: what`. */

#ifndef FORGETOP_CONFIG_H
#define FORGETOP_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "forgetop/bands.h"
#include "forgetop/recommend.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

#define CONFIG_MAX_METRICS  16
#define CONFIG_MAX_SERVICES 32
#define CONFIG_MAX_TIERS    8
#define CONFIG_MAX_QUEUES   8
#define CONFIG_MAX_HEALTH   4
#define CONFIG_URL_MAX      512
#define CONFIG_MAX_ORIGINS  192

/* Where a setting came from, for --print-config; a key not listed is a default. */
struct config_origin {
    char section[96]; /* "forgetop", "metric cpu" */
    char key[32];
    char where[80]; /* "forgetop.conf:12", "--delay" */
};

enum rule_kind { RULE_NONE, RULE_HPA, RULE_QUEUE };

/* How forgetop recommends for one service: `[service api]` in the file. */
struct service_rule {
    char name[FT_NAME_MAX];
    enum rule_kind kind;
    struct hpa_rule hpa;
    struct queue_rule queue;
    char queue_metric[FT_ID_MAX]; /* the reading that drives a queue rule */
    int db_pool;                  /* database connections each replica holds open; 0 unknown */
};

/* A warning and a critical threshold of a panel figure (core/facts.c judges with them). */
struct threshold_pair {
    double warning, critical;
};

/* [thresholds]: the panel figures no [metric] judges. */
struct panel_thresholds {
    struct threshold_pair redis_memory;    /* % of maxmemory */
    struct threshold_pair replication_lag; /* seconds */
    struct threshold_pair cache_hit;       /* %: a hit ratio under it is bad */
    struct threshold_pair waiting_clients; /* clients waiting for a connection */
    struct threshold_pair xact_age;        /* seconds a transaction has been open */
    struct threshold_pair pool_wait;       /* seconds a pooler's client has waited */
    struct threshold_pair probe_time;      /* seconds a health probe took */
};

struct config {
    char path[PATH_MAX]; /* the file read, "" for built-in defaults */

    /* [forgetop] */
    bool read_only;
    double delay_s; /* refresh interval */
    char theme[32];
    bool mouse;                   /* clicks and the wheel (default true) */
    char production_pattern[128]; /* fnmatch pattern on context/project */
    bool production_read_only;    /* a production target is watched only */
    char audit_log[PATH_MAX];     /* "" = $XDG_STATE_HOME/forgetop/audit.log */
    int users;                    /* expected users, for the capacity tier; 0 unknown */
    bool alert_bell;              /* a new critical rings the terminal bell */
    bool alert_title;             /* a new critical is written into the window title */
    char record[PATH_MAX];        /* "" = no recording; else the SQLite file (--record) */
    double record_max_mb;         /* the recording's bound: oldest frames dropped; 0 none */
    double record_max_hours;      /* frames older than this dropped; 0 none */

    /* [metric ID] */
    struct metric_rule metrics[CONFIG_MAX_METRICS];
    size_t n_metrics;
    /* [service NAME] */
    struct service_rule services[CONFIG_MAX_SERVICES];
    size_t n_services;
    /* [tier NAME] */
    struct sizing_tier tiers[CONFIG_MAX_TIERS];
    size_t n_tiers;

    /* [demo] */
    bool demo;
    uint64_t seed;
    double demo_speed;

    /* [kube] */
    bool kube;
    char kubeconfig[PATH_MAX];
    char context[FT_NAME_MAX];
    char namespace_[FT_NAME_MAX]; /* -n or the file's; "" unset (config_kube_namespace) */
    bool all_namespaces;          /* -A: list across every namespace */
    char label_selector[256];

    /* [compose] */
    bool compose;
    char compose_project[FT_NAME_MAX];
    char compose_file[PATH_MAX];
    char docker_host[CONFIG_URL_MAX];

    /* [redis] */
    char redis_url[CONFIG_URL_MAX];
    char redis_sentinel_master[FT_NAME_MAX];
    char redis_sentinels[CONFIG_URL_MAX]; /* "host:port,host:port" */
    bool redis_cluster;
    char queues[CONFIG_MAX_QUEUES][128];
    size_t n_queues;

    /* [postgres], [pgbouncer] */
    char postgres_dsn[CONFIG_URL_MAX];
    char pgbouncer_dsn[CONFIG_URL_MAX];
    bool postgres_enabled; /* with an empty dsn: connect from the PG* variables */
    int pool_size;         /* PgBouncer default_pool_size when SHOW CONFIG cannot say; 0 ask */
    char db_pool_service[FT_NAME_MAX]; /* whose replicas each hold a pool (the advice counts) */

    /* [prometheus] */
    char prometheus_url[CONFIG_URL_MAX];
    char prometheus_token_file[PATH_MAX];
    char prometheus_user[FT_NAME_MAX];
    char prometheus_password_file[PATH_MAX];
    char prometheus_ca[PATH_MAX];
    bool prometheus_insecure;

    /* [health] */
    char health_urls[CONFIG_MAX_HEALTH][CONFIG_URL_MAX];
    size_t n_health;

    /* [thresholds] */
    struct panel_thresholds thr;

    /* timeouts for every network call, seconds */
    double connect_timeout_s;
    double request_timeout_s;
    double poll_interval_s;
    double access_probe_s; /* seconds between RBAC probes (SelfSubjectAccessReview) */
    /* The HPA controller's --horizontal-pod-autoscaler-cpu-initialization-period and
     * --horizontal-pod-autoscaler-initial-readiness-delay, which decide which pods' cpu it
     * counts: its defaults, 300 s and 30 s, unless the cluster runs it with others. */
    double hpa_cpu_init_s, hpa_ready_delay_s;
    /* [kube] watch: lists followed by watch (else re-listed each poll); the watch's
     * timeoutSeconds (a watch silent 10 s past it is hung); the safety-net relist, 0 never */
    bool kube_watch;
    double kube_watch_timeout_s, kube_relist_s;
    int kube_max_items;    /* items an informer keeps per list; 0: 20 000 pods, 5 000 others */
    double kube_metrics_s; /* pod metrics read at most this often (metrics-server's resolution) */

    struct config_origin origins[CONFIG_MAX_ORIGINS];
    size_t n_origins;
};

/* Fill c with the runbook's values. */
void config_defaults(struct config *c);
/* Read path on top of c. 0, or -1 with err = "FILE:LINE: what is wrong". */
int config_load(struct config *c, const char *path, char *err, size_t errlen);
/* The file to read when no --config is given: $XDG_CONFIG_HOME/forgetop/forgetop.conf
 * (or ~/.config/...) if it exists, else SYSCONFDIR/forgetop/forgetop.conf (/etc for the
 * package) if that exists; writes "" otherwise. */
void config_default_path(char *out, size_t len);

const struct metric_rule *config_metric(const struct config *c, const char *id);
const struct service_rule *config_service(const struct config *c, const char *name);
/* Does the context, namespace or project name match production_pattern? */
bool config_is_production(const struct config *c, const char *name);
/* The runbook's namespace, used when neither -n, the file nor the context names one. */
#define CONFIG_FALLBACK_NAMESPACE "open-forge"
/* The namespace a Kubernetes source watches: -n (which overrides the file's `namespace`),
 * else the kubeconfig context's own namespace (context_ns, "" or NULL none: as kubectl
 * reads it), else CONFIG_FALLBACK_NAMESPACE. */
const char *config_kube_namespace(const struct config *c, const char *context_ns);
/* Seconds between a source's polls: poll_interval when set, else the refresh interval
 * (-d), as the manual promises for every source alike. */
double config_poll_interval(const struct config *c);
/* What one poll of a source may take: a connect and a request (the man page's "one
 * interval plus its timeout" before a hung source is stale). */
double config_poll_timeout(const struct config *c);
/* Any source configured at all? */
bool config_has_source(const struct config *c);

/* Record that something other than the file set the [section] key whose field is at
 * offsetof(struct config, ...) == field (a flag: "--delay"; the environment). */
void config_note(struct config *c, size_t field, const char *where);
/* Print every setting in force in the file's syntax, each preceded by `# default`,
 * `# FILE:LINE` or `# --flag`; secrets (connection strings) as <set>. Read back with
 * --config, the output gives the same settings. */
void config_print(const struct config *c, FILE *out);

#endif
