/* test_config.c - the built-in values are the runbook's; every kind of key parses; every
 * bad line is named by file and line; the shipped example files load. */

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "forgetop/config.h"
#include "forgetop/source.h"
#include "forgetop/text.h"

static char dir[64];
static char file[128];

static void make_dir(void)
{
    strcpy(dir, "/tmp/forgetop-config-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(file, sizeof file, "%s/test.conf", dir);
}

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(config, .init = make_dir, .fini = remove_dir);

/* Write text to the test file and load it on top of the defaults. */
static int load(struct config *c, const char *text, char *err, size_t errlen)
{
    FILE *f = fopen(file, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    config_defaults(c);
    err[0] = '\0';
    return config_load(c, file, err, errlen);
}

static void load_ok(struct config *c, const char *text)
{
    char err[600];
    int rc = load(c, text, err, sizeof err);
    cr_assert_eq(rc, 0, "load failed: %s", err);
}

/* ---- defaults: the runbook's "When to Scale" table ---- */

Test(config, defaults_are_the_runbooks_thresholds)
{
    static const struct {
        const char *id, *unit, *service, *action;
        double warning, critical, for_s;
    } want[] = {
        {"cpu", "%", "api", "horizontal scale", 70, 85, 600},
        {"memory", "%", "api", "vertical scale", 75, 90, 600},
        {"latency_p99", "ms", "api", "scale API or DB", 500, 2000, 600},
        {"queue_depth", "items", "agent-worker", "scale workers", 1000, 5000, 300},
        {"db_connections", "%", "database", "scale DB", 80, 95, 0},
    };
    struct config c;
    config_defaults(&c);
    cr_assert_eq(c.n_metrics, 5);
    for (size_t i = 0; i < 5; i++) {
        const struct metric_rule *m = config_metric(&c, want[i].id);
        cr_assert_not_null(m, "%s missing", want[i].id);
        cr_expect_str_eq(m->unit, want[i].unit, "%s", want[i].id);
        cr_expect_str_eq(m->service, want[i].service, "%s", want[i].id);
        cr_expect_str_eq(m->action, want[i].action, "%s", want[i].id);
        cr_expect_eq(m->warning, want[i].warning, "%s", want[i].id);
        cr_expect_eq(m->critical, want[i].critical, "%s", want[i].id);
        cr_expect_eq(m->for_s, want[i].for_s, "%s", want[i].id);
        cr_expect_str_eq(m->prefer, "metrics", "%s", want[i].id);
    }
    cr_expect_null(config_metric(&c, "nonesuch"));
}

Test(config, defaults_carry_the_runbooks_promql)
{
    struct config c;
    config_defaults(&c);
    cr_expect_str_eq(config_metric(&c, "cpu")->query,
                     "avg(rate(container_cpu_usage_seconds_total{container=\"api\"}[5m]))");
    cr_expect_str_eq(config_metric(&c, "memory")->query,
                     "container_memory_working_set_bytes{container=\"api\"} / "
                     "container_spec_memory_limit_bytes");
    cr_expect_str_eq(
        config_metric(&c, "latency_p99")->query,
        "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))");
    cr_expect_str_eq(config_metric(&c, "queue_depth")->query,
                     "redis_queue_length{queue=\"agent_tasks_pending\"}");
    cr_expect_str_eq(config_metric(&c, "db_connections")->query,
                     "sum(pg_stat_activity_count) / max(pg_settings_max_connections)");
}

/* The runbook's api-hpa manifest. */
Test(config, defaults_api_is_the_runbooks_hpa)
{
    struct config c;
    config_defaults(&c);
    const struct service_rule *s = config_service(&c, "api");
    cr_assert_not_null(s);
    cr_expect_eq(s->kind, RULE_HPA);
    cr_expect_eq(s->hpa.min, 3);
    cr_expect_eq(s->hpa.max, 20);
    cr_expect_eq(s->hpa.cpu_target, 70);
    cr_expect_eq(s->hpa.memory_target, 80);
    cr_expect_eq(s->hpa.tolerance, 0.1);
    cr_expect(s->hpa.has_behavior);
    cr_expect_eq(s->hpa.up.window_s, 0);
    cr_expect_eq(s->hpa.up.n_policies, 1);
    cr_expect_eq(s->hpa.up.policies[0].type, POLICY_PERCENT);
    cr_expect_eq(s->hpa.up.policies[0].value, 100);
    cr_expect_eq(s->hpa.up.policies[0].period_s, 15);
    cr_expect_eq(s->hpa.down.window_s, 300);
    cr_expect_eq(s->hpa.down.n_policies, 1);
    cr_expect_eq(s->hpa.down.policies[0].type, POLICY_PERCENT);
    cr_expect_eq(s->hpa.down.policies[0].value, 10);
    cr_expect_eq(s->hpa.down.policies[0].period_s, 60);
    cr_expect_eq(s->hpa.up.select, SELECT_MAX);
    cr_expect_eq(s->hpa.down.select, SELECT_MAX);
}

/* The runbook's agent-worker-scaler ScaledObject, and the run worker with no rule. */
Test(config, defaults_agent_worker_is_the_runbooks_keda_scaler)
{
    struct config c;
    config_defaults(&c);
    const struct service_rule *s = config_service(&c, "agent-worker");
    cr_assert_not_null(s);
    cr_expect_eq(s->kind, RULE_QUEUE);
    cr_expect_eq(s->queue.mode, QUEUE_KEDA_AVERAGE);
    cr_expect_eq(s->queue.per_replica, 10);
    cr_expect_eq(s->queue.min, 1);
    cr_expect_eq(s->queue.max, 100);
    cr_expect_eq(s->queue.activation, 0);
    cr_expect_str_eq(s->queue_metric, "queue_depth");
    const struct service_rule *d = config_service(&c, "dagster-run-worker");
    cr_assert_not_null(d);
    cr_expect_eq(d->kind, RULE_NONE);
    cr_expect_eq(c.n_services, 3);
}

/* The runbook's "Sizing Guidelines" table. */
Test(config, defaults_are_the_runbooks_sizing_table)
{
    static const struct sizing_tier want[] = {
        {"small", 0, 49, 2, 2, "2 CPU, 4GB", "1GB"},
        {"medium", 50, 199, 5, 10, "4 CPU, 16GB", "4GB"},
        {"large", 200, 999, 10, 25, "8 CPU, 32GB", "8GB"},
        {"enterprise", 1000, 0, 20, 50, "Cluster", "Cluster"},
    };
    struct config c;
    config_defaults(&c);
    cr_assert_eq(c.n_tiers, 4);
    for (size_t i = 0; i < 4; i++) {
        const struct sizing_tier *t = &c.tiers[i];
        cr_expect_str_eq(t->name, want[i].name);
        cr_expect_eq(t->users_min, want[i].users_min, "%s", t->name);
        cr_expect_eq(t->users_max, want[i].users_max, "%s", t->name);
        cr_expect_eq(t->api_replicas, want[i].api_replicas, "%s", t->name);
        cr_expect_eq(t->workers, want[i].workers, "%s", t->name);
        cr_expect_str_eq(t->postgres, want[i].postgres, "%s", t->name);
        cr_expect_str_eq(t->redis, want[i].redis, "%s", t->name);
    }
}

Test(config, defaults_watch_the_runbooks_namespace_and_queue)
{
    struct config c;
    config_defaults(&c);
    cr_expect_eq(c.delay_s, 2);
    cr_expect_str_eq(c.theme, "dark");
    cr_expect_str_eq(c.namespace_, "", "unset: the context's namespace shows through");
    cr_expect_eq(c.n_queues, 1);
    cr_expect_str_eq(c.queues[0], "agent:tasks:pending");
    cr_expect_eq(c.seed, 1);
    cr_expect_eq(c.demo_speed, 1);
    cr_expect_eq(c.connect_timeout_s, 3);
    cr_expect_eq(c.request_timeout_s, 10);
    cr_expect_eq(c.poll_interval_s, 0);
    cr_expect_not(c.read_only);
    cr_expect_str_eq(c.path, "");
    cr_expect_not(config_has_source(&c), "the defaults name no source");
}

/* ---- each kind of key ---- */

Test(config, reads_durations_in_every_unit)
{
    static const struct {
        const char *text;
        double s;
    } cases[] = {
        {"2", 2},     {"0.5", 0.5},  {"500ms", 0.5},  {"300s", 300}, {"10m", 600},
        {"1h", 3600}, {"1d", 86400}, {"1h30m", 5400}, {" 15s ", 15}, {"1m30s", 90},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct config c;
        char text[128];
        snprintf(text, sizeof text, "[forgetop]\ndelay = %s\n", cases[i].text);
        load_ok(&c, text);
        cr_expect_float_eq(c.delay_s, cases[i].s, 1e-9, "%s", cases[i].text);
    }
}

Test(config, reads_booleans_in_every_spelling)
{
    static const struct {
        const char *text;
        bool v;
    } cases[] = {{"true", 1},  {"yes", 1}, {"on", 1},  {"1", 1}, {"TRUE", 1},
                 {"false", 0}, {"no", 0},  {"off", 0}, {"0", 0}, {"No", 0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct config c;
        char text[128];
        snprintf(text, sizeof text, "[forgetop]\nread_only = %s\n", cases[i].text);
        load_ok(&c, text);
        cr_expect_eq(c.read_only, cases[i].v, "%s", cases[i].text);
    }
}

Test(config, reads_plain_sections_into_their_fields)
{
    struct config c;
    load_ok(&c, "[forgetop]\ntheme = mono\nproduction_pattern = *prod*\naudit_log = /tmp/a.log\n"
                "users = 120\nconnect_timeout = 500ms\nrequest_timeout = 1m\npoll_interval = 5\n"
                "[demo]\nenabled = yes\nseed = 18446744073\nspeed = 60\n"
                "[kube]\nenabled = true\nkubeconfig = /k\ncontext = prod\nnamespace = ns\n"
                "selector = app=x\n"
                "[compose]\nenabled = on\nproject = of\nfile = dc.yml\ndocker_host = unix:///d\n"
                "[redis]\nurl = redis://h:1/0\nsentinel_master = m\nsentinels = a:1,b:2\n"
                "cluster = true\n"
                "[postgres]\ndsn = host=x\n[pgbouncer]\ndsn = host=y\npool_size = 25\n"
                "[prometheus]\nurl = http://p:9090\ntoken_file = /t\nuser = u\n"
                "password_file = /p\nca = /ca\ninsecure = true\n");
    cr_expect_str_eq(c.theme, "mono");
    cr_expect_str_eq(c.production_pattern, "*prod*");
    cr_expect_str_eq(c.audit_log, "/tmp/a.log");
    cr_expect_eq(c.users, 120);
    cr_expect_float_eq(c.connect_timeout_s, 0.5, 1e-9);
    cr_expect_eq(c.request_timeout_s, 60);
    cr_expect_eq(c.poll_interval_s, 5);
    cr_expect(c.demo);
    cr_expect_eq(c.seed, 18446744073ULL);
    cr_expect_eq(c.demo_speed, 60);
    cr_expect(c.kube);
    cr_expect_str_eq(c.kubeconfig, "/k");
    cr_expect_str_eq(c.context, "prod");
    cr_expect_str_eq(c.namespace_, "ns");
    cr_expect_str_eq(c.label_selector, "app=x");
    cr_expect(c.compose);
    cr_expect_str_eq(c.compose_project, "of");
    cr_expect_str_eq(c.compose_file, "dc.yml");
    cr_expect_str_eq(c.docker_host, "unix:///d");
    cr_expect_str_eq(c.redis_url, "redis://h:1/0");
    cr_expect_str_eq(c.redis_sentinel_master, "m");
    cr_expect_str_eq(c.redis_sentinels, "a:1,b:2");
    cr_expect(c.redis_cluster);
    cr_expect_str_eq(c.postgres_dsn, "host=x");
    cr_expect_str_eq(c.pgbouncer_dsn, "host=y");
    cr_expect_eq(c.pool_size, 25);
    cr_expect_str_eq(c.prometheus_url, "http://p:9090");
    cr_expect_str_eq(c.prometheus_token_file, "/t");
    cr_expect_str_eq(c.prometheus_user, "u");
    cr_expect_str_eq(c.prometheus_password_file, "/p");
    cr_expect_str_eq(c.prometheus_ca, "/ca");
    cr_expect(c.prometheus_insecure);
    cr_expect(config_has_source(&c));
    cr_expect_str_eq(c.path, file);
}

Test(config, overrides_one_metric_and_keeps_the_rest)
{
    struct config c;
    load_ok(&c, "; a comment\n[metric cpu]\nwarning = 60\nfor = 300s\nprefer = cluster\n"
                "title = CPU\n");
    const struct metric_rule *m = config_metric(&c, "cpu");
    cr_expect_eq(m->warning, 60);
    cr_expect_eq(m->critical, 85, "critical keeps its default");
    cr_expect_eq(m->for_s, 300);
    cr_expect_str_eq(m->prefer, "cluster");
    cr_expect_str_eq(m->title, "CPU");
    cr_expect_eq(c.n_metrics, 5);
}

Test(config, a_new_metric_id_adds_a_metric)
{
    struct config c;
    load_ok(&c, "[metric error_rate]\nunit = %\nservice = api\nwarning = 1\ncritical = 5\n"
                "for = 5m\nquery = sum(rate(http_requests_total{status=~\"5..\"}[5m]))\n");
    cr_assert_eq(c.n_metrics, 6);
    const struct metric_rule *m = config_metric(&c, "error_rate");
    cr_assert_not_null(m);
    cr_expect_str_eq(m->title, "error_rate", "the id is the title until one is given");
    cr_expect_eq(m->warning, 1);
    cr_expect_eq(m->critical, 5);
    cr_expect_eq(m->for_s, 300);
    cr_expect_str_eq(m->query, "sum(rate(http_requests_total{status=~\"5..\"}[5m]))");
}

Test(config, a_query_continues_on_indented_lines)
{
    struct config c;
    load_ok(&c, "[metric memory]\nquery = sum(a)\n    / sum(b)\n\t* 100\nunit = %\n");
    cr_expect_str_eq(config_metric(&c, "memory")->query, "sum(a) / sum(b) * 100");
}

Test(config, reads_a_service_hpa_with_its_behaviour)
{
    struct config c;
    load_ok(&c, "[service web]\nrule = hpa\nmin = 2\nmax = 10\ncpu_target = 60\n"
                "tolerance = 0.05\nscale_up = 100% per 15s, 4 pods per 15s\n"
                "scale_down = 1 pod per 5m\nscale_down_window = 10m\nscale_down_select = min\n");
    const struct service_rule *s = config_service(&c, "web");
    cr_assert_not_null(s);
    cr_expect_eq(s->kind, RULE_HPA);
    cr_expect_eq(s->hpa.min, 2);
    cr_expect_eq(s->hpa.max, 10);
    cr_expect_eq(s->hpa.cpu_target, 60);
    cr_expect_eq(s->hpa.memory_target, 0);
    cr_expect_eq(s->hpa.tolerance, 0.05);
    cr_expect(s->hpa.has_behavior);
    cr_assert_eq(s->hpa.up.n_policies, 2);
    cr_expect_eq(s->hpa.up.policies[0].type, POLICY_PERCENT);
    cr_expect_eq(s->hpa.up.policies[0].value, 100);
    cr_expect_eq(s->hpa.up.policies[1].type, POLICY_PODS);
    cr_expect_eq(s->hpa.up.policies[1].value, 4);
    cr_expect_eq(s->hpa.up.policies[1].period_s, 15);
    cr_expect_eq(s->hpa.up.window_s, 0, "up keeps Kubernetes' default window");
    cr_expect_eq(s->hpa.up.select, SELECT_MAX);
    cr_assert_eq(s->hpa.down.n_policies, 1);
    cr_expect_eq(s->hpa.down.policies[0].type, POLICY_PODS);
    cr_expect_eq(s->hpa.down.policies[0].value, 1);
    cr_expect_eq(s->hpa.down.policies[0].period_s, 300);
    cr_expect_eq(s->hpa.down.window_s, 600);
    cr_expect_eq(s->hpa.down.select, SELECT_MIN);
}

Test(config, an_hpa_without_behaviour_keeps_the_controllers_defaults)
{
    struct config c;
    load_ok(&c, "[service web]\nrule = hpa\nmax = 4\nmemory_target = 80\n");
    const struct service_rule *s = config_service(&c, "web");
    cr_expect_not(s->hpa.has_behavior);
    cr_expect_eq(s->hpa.min, 1, "minReplicas defaults to 1");
    cr_expect_eq(s->hpa.tolerance, 0.1);
}

Test(config, reads_a_queue_rule)
{
    struct config c;
    load_ok(&c, "[service agent-worker]\nmin = 2\nmax = 50\nper_replica = 100\n"
                "queue_mode = value\nactivation = 5\nqueue_metric = backlog\n"
                "[service api]\nselect_policy = disabled\n");
    const struct service_rule *s = config_service(&c, "agent-worker");
    cr_expect_eq(s->kind, RULE_QUEUE);
    cr_expect_eq(s->queue.min, 2);
    cr_expect_eq(s->queue.max, 50);
    cr_expect_eq(s->queue.per_replica, 100);
    cr_expect_eq(s->queue.mode, QUEUE_HPA_VALUE);
    cr_expect_eq(s->queue.activation, 5);
    cr_expect_str_eq(s->queue_metric, "backlog");
    const struct service_rule *api = config_service(&c, "api");
    cr_expect_eq(api->hpa.up.select, SELECT_DISABLED);
    cr_expect_eq(api->hpa.down.select, SELECT_DISABLED);
}

Test(config, reads_tier_user_ranges)
{
    struct config c;
    load_ok(&c, "[tier small]\nusers = <20\n[tier medium]\nusers = 20-300\napi = 6\n"
                "[tier huge]\nusers = 5000+\napi = 40\nworkers = 90\npostgres = Citus\n"
                "redis = Cluster\n");
    cr_expect_eq(c.tiers[0].users_min, 0);
    cr_expect_eq(c.tiers[0].users_max, 19);
    cr_expect_eq(c.tiers[1].users_min, 20);
    cr_expect_eq(c.tiers[1].users_max, 300);
    cr_expect_eq(c.tiers[1].api_replicas, 6);
    cr_assert_eq(c.n_tiers, 5);
    cr_expect_str_eq(c.tiers[4].name, "huge");
    cr_expect_eq(c.tiers[4].users_min, 5000);
    cr_expect_eq(c.tiers[4].users_max, 0);
    cr_expect_eq(c.tiers[4].workers, 90);
    cr_expect_str_eq(c.tiers[4].postgres, "Citus");
}

Test(config, queues_replace_the_list_and_health_urls_add_up)
{
    struct config c;
    load_ok(&c, "[redis]\nqueues = jobs , agent:tasks:pending,,events\n"
                "[health]\nurl = http://a/health\nurl = http://b/health\n");
    cr_assert_eq(c.n_queues, 3);
    cr_expect_str_eq(c.queues[0], "jobs");
    cr_expect_str_eq(c.queues[1], "agent:tasks:pending");
    cr_expect_str_eq(c.queues[2], "events");
    cr_assert_eq(c.n_health, 2);
    cr_expect_str_eq(c.health_urls[0], "http://a/health");
    cr_expect_str_eq(c.health_urls[1], "http://b/health");
    cr_expect(config_has_source(&c));
}

/* The informers' keys: watch on by default, the server's watch timeout, the safety-net
 * relist and the metrics' interval, each a duration as the other keys are. */
Test(config, kube_watch_keys)
{
    struct config c;
    char err[600];
    config_defaults(&c);
    cr_expect(c.kube_watch);
    cr_expect_eq(c.kube_watch_timeout_s, 60);
    cr_expect_eq(c.kube_relist_s, 900);
    cr_expect_eq(c.kube_metrics_s, 15);
    cr_assert_eq(load(&c,
                      "[kube]\nwatch = false\nwatch_timeout = 5s\nrelist_interval = 0\n"
                      "metrics_interval = 1m\n",
                      err, sizeof err),
                 0, "%s", err);
    cr_expect(!c.kube_watch);
    cr_expect_eq(c.kube_watch_timeout_s, 5);
    cr_expect_eq(c.kube_relist_s, 0);
    cr_expect_eq(c.kube_metrics_s, 60);
    cr_expect_eq(load(&c, "[kube]\nwatch_timeout = 0\n", err, sizeof err), -1);
}

/* ---- bad lines: FILE:LINE: what is wrong ---- */

struct bad_case {
    const char *text;
    const char *want; /* after "FILE:" */
};

static void expect_errors(const struct bad_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct config c;
        char err[600], want[700];
        int rc = load(&c, cases[i].text, err, sizeof err);
        snprintf(want, sizeof want, "%s:%s", file, cases[i].want);
        cr_expect_eq(rc, -1, "case %zu loaded: %s", i, cases[i].text);
        cr_expect_str_eq(err, want, "case %zu", i);
    }
}

Test(config, bad_values_name_file_line_and_key)
{
    static const struct bad_case cases[] = {
        {"[forgetop]\n\n\n\n\n\n[metric cpu]\nwarning = high\n",
         "8: [metric cpu] warning: \"high\" is not a number"},
        {"[forgetop]\ndelay = soon\n",
         "2: [forgetop] delay: \"soon\" is not a duration (like 2, 500ms, 300s, 10m, 1h)"},
        {"[forgetop]\ndelay = 0\n", "2: [forgetop] delay: \"0\" is not a duration above 0"},
        {"[metric cpu]\nfor = 10x\n",
         "2: [metric cpu] for: \"10x\" is not a duration (like 2, 500ms, 300s, 10m, 1h)"},
        {"[metric cpu]\nfor = -5m\n",
         "2: [metric cpu] for: \"-5m\" is not a duration (like 2, 500ms, 300s, 10m, 1h)"},
        {"[forgetop]\nread_only = maybe\n",
         "2: [forgetop] read_only: \"maybe\" is not a boolean (true or false)"},
        {"[pgbouncer]\npool_size = -3\n",
         "2: [pgbouncer] pool_size: \"-3\" is not a whole number >= 0"},
        {"[service api]\nmax = 2.5\n", "2: [service api] max: \"2.5\" is not a whole number >= 0"},
        {"[kube]\nmax_items = -1\n", "2: [kube] max_items: \"-1\" is not a whole number >= 0"},
        {"[demo]\nspeed = 0\n", "2: [demo] speed: \"0\" is not a number above 0"},
        {"[metric cpu]\nprefer = grafana\n",
         "2: [metric cpu] prefer: \"grafana\" is not metrics or cluster"},
        {"[service api]\nrule = vpa\n", "2: [service api] rule: \"vpa\" is not hpa, queue or none"},
        {"[service api]\nscale_up = fast\n",
         "2: [service api] scale_up: \"fast\" is not a policy (like \"100% per 15s\" or \"4 pods "
         "per 60s\")"},
        {"[service api]\nscale_up = 100% per 15s, 4 pods each 15s\n",
         "2: [service api] scale_up: \"4 pods each 15s\" is not a policy (like \"100% per 15s\" "
         "or \"4 pods per 60s\")"},
        {"[service api]\nselect_policy = avg\n",
         "2: [service api] select_policy: \"avg\" is not max, min or disabled"},
        {"[service agent-worker]\nqueue_mode = fifo\n",
         "2: [service agent-worker] queue_mode: \"fifo\" is not keda or value"},
        {"[service api]\ntolerance = 1.5\n",
         "2: [service api] tolerance: \"1.5\" is not a fraction from 0 to below 1 (0.1 is 10 %)"},
        {"[tier small]\nusers = lots\n",
         "2: [tier small] users: \"lots\" is not a range of users (like <50, 50-200, 1000+)"},
        {"[tier small]\nusers = 200-50\n",
         "2: [tier small] users: users 200-50: the first number is larger"},
        {"[forgetop]\ntheme = abcdefghijklmnopqrstuvwxyz0123456789\n",
         "2: [forgetop] theme: value is too long (at most 31 characters)"},
    };
    expect_errors(cases, sizeof cases / sizeof cases[0]);
}

Test(config, bad_structure_names_file_and_line)
{
    static const struct bad_case cases[] = {
        {"[forgetop]\ndelay = 2\n[bogus]\n",
         "3: unknown section [bogus] (sections: forgetop, metric ID, service NAME, tier NAME, "
         "demo, kube, compose, redis, postgres, pgbouncer, prometheus, health, thresholds)"},
        {"[kube prod]\nenabled = true\n",
         "1: unknown section [kube prod] (sections: forgetop, metric ID, service NAME, tier "
         "NAME, demo, kube, compose, redis, postgres, pgbouncer, prometheus, health, thresholds)"},
        {"[metric]\nwarning = 1\n", "1: [metric] needs a name: [metric ID]"},
        {"[kube]\nnamespce = x\n",
         "2: [kube] unknown key \"namespce\" (keys: enabled, kubeconfig, context, namespace, "
         "all_namespaces, selector, hpa_cpu_initialization_period, hpa_initial_readiness_delay, "
         "watch, watch_timeout, relist_interval, max_items, metrics_interval)"},
        {"delay = 2\n", "1: delay: a key before any [section]"},
        {"[forgetop]\ndelay 2\n",
         "2: expected \"key = value\" or \"[section]\", found \"delay 2\""},
        {"[forgetop\ndelay = 2\n", "1: a section header needs a closing \"]\""},
        {"[metric cpu]\nwarning = 70\n  critical = 85\n",
         "3: [metric cpu] warning: an indented line continues the key above; only query may "
         "span lines"},
    };
    expect_errors(cases, sizeof cases / sizeof cases[0]);
}

Test(config, checks_across_keys_name_the_line_to_fix)
{
    static const struct bad_case cases[] = {
        {"[metric cpu]\ntitle = CPU\nwarning = 90\n",
         "3: [metric cpu] warning 90 is not below critical 85"},
        {"[metric cpu]\nwarning = 85\n", "2: [metric cpu] warning 85 is not below critical 85"},
        {"[forgetop]\n[metric errors]\nunit = %\nwarning = 1\n",
         "4: [metric errors] needs both warning and critical"},
        {"[metric errors]\nunit = %\n", "1: [metric errors] needs both warning and critical"},
        {"[service api]\nmin = 30\n", "2: [service api] min 30 is above max 20"},
        {"[service agent-worker]\nmax = 0\nmin = 0\n",
         "3: [service agent-worker] rule queue needs max"},
        {"[service web]\nrule = hpa\nmax = 5\n",
         "1: [service web] rule hpa needs cpu_target or memory_target"},
        {"[tier mega]\napi = 40\n", "1: [tier mega] needs users (like 50-200)"},
        /* the earliest problem is reported, whichever check finds it */
        {"[service api]\nmin = 30\n[metric cpu]\nwarning = 99\n",
         "2: [service api] min 30 is above max 20"},
    };
    expect_errors(cases, sizeof cases / sizeof cases[0]);
}

Test(config, too_many_metrics_or_services_is_an_error)
{
    char text[4096] = "";
    for (int i = 0; i < CONFIG_MAX_METRICS; i++) {
        char one[64];
        snprintf(one, sizeof one, "[metric m%d]\nwarning = 1\ncritical = 2\n", i);
        strcat(text, one);
    }
    struct config c;
    char err[600], want[700];
    cr_expect_eq(load(&c, text, err, sizeof err), -1);
    /* five built in, so the twelfth new one is the seventeenth */
    snprintf(want, sizeof want, "%s:34: [metric m11]: too many metrics (at most %d)", file,
             CONFIG_MAX_METRICS);
    cr_expect_str_eq(err, want);

    text[0] = '\0';
    for (int i = 0; i <= CONFIG_MAX_SERVICES; i++) {
        char one[64];
        snprintf(one, sizeof one, "[service s%d]\n", i);
        strcat(text, one);
    }
    cr_expect_eq(load(&c, text, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:30: [service s29]: too many services (at most %d)", file,
             CONFIG_MAX_SERVICES);
    cr_expect_str_eq(err, want);
}

Test(config, a_line_too_long_for_the_parser_is_an_error_not_a_split)
{
    char text[512] = "[metric cpu]\nquery = ";
    memset(text + strlen(text), 'x', 300);
    strcat(text, "\n");
    struct config c;
    char err[600], want[700];
    cr_expect_eq(load(&c, text, err, sizeof err), -1);
    snprintf(want, sizeof want,
             "%s:2: line is longer than 199 characters; continue a long query on indented lines",
             file);
    cr_expect_str_eq(err, want);
}

Test(config, a_missing_file_says_so)
{
    struct config c;
    char err[600], want[700];
    config_defaults(&c);
    snprintf(want, sizeof want, "%s/nonesuch.conf", dir);
    cr_expect_eq(config_load(&c, want, err, sizeof err), -1);
    strcat(want, ": No such file or directory");
    cr_expect_str_eq(err, want);
    cr_expect_eq(config_load(&c, dir, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s: Is a directory", dir);
    cr_expect_str_eq(err, want);
}

Test(config, an_unreadable_path_says_why)
{
    struct config c;
    char err[600], want[700], path[200];
    load_ok(&c, "[forgetop]\n");
    snprintf(path, sizeof path, "%s/inside.conf", file); /* file is not a directory */
    cr_expect_eq(config_load(&c, path, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s: Not a directory", path);
    cr_expect_str_eq(err, want);
}

/* ---- the shipped files ---- */

static void load_shipped(struct config *c, const char *path)
{
    char err[600];
    config_defaults(c);
    cr_assert_eq(config_load(c, path, err, sizeof err), 0, "%s", err);
    /* where each value came from is not a setting: compare the settings alone */
    memset(c->origins, 0, sizeof c->origins);
    c->n_origins = 0;
}

Test(config, the_shipped_example_loads_and_changes_nothing)
{
    struct config c, d;
    load_shipped(&c, "etc/forgetop.conf");
    config_defaults(&d);
    strcpy(d.path, "etc/forgetop.conf");
    cr_expect(memcmp(&c, &d, sizeof c) == 0, "forgetop.conf sets only comments");
}

/* Each "#key = value" line of forgetop.conf is the built-in default: uncommented, the
 * file must give exactly the defaults. */
Test(config, every_documented_default_is_the_built_in_one)
{
    FILE *in = fopen("etc/forgetop.conf", "r"), *out = fopen(file, "w");
    cr_assert_not_null(in);
    cr_assert_not_null(out);
    char line[512];
    int uncommented = 0;
    while (fgets(line, sizeof line, in) != NULL) {
        bool key = line[0] == '#' && line[1] >= 'a' && line[1] <= 'z' && strstr(line, " =") != NULL;
        fputs(key ? line + 1 : line, out);
        uncommented += key;
    }
    fclose(in);
    fclose(out);
    cr_expect_gt(uncommented, 100);
    struct config c, d;
    load_shipped(&c, file);
    config_defaults(&d);
    strcpy(d.path, file);
    cr_expect(memcmp(&c, &d, sizeof c) == 0, "an uncommented default differs from the built-in");
    for (size_t i = 0; i < c.n_metrics; i++)
        cr_expect_str_eq(c.metrics[i].query, d.metrics[i].query);
}

/* Every key the parser knows is in forgetop.conf, under its section. The parser lists a
 * section's keys when it meets an unknown one. */
Test(config, every_key_is_documented_in_the_example)
{
    static const char *const secs[] = {
        "forgetop", "metric cpu", "service api", "tier small", "demo",   "kube",      "compose",
        "redis",    "postgres",   "pgbouncer",   "prometheus", "health", "thresholds"};
    FILE *f = fopen("etc/forgetop.conf", "r");
    cr_assert_not_null(f);
    static char doc[65536];
    size_t n = fread(doc, 1, sizeof doc - 1, f);
    doc[n] = '\0';
    fclose(f);
    for (size_t i = 0; i < sizeof secs / sizeof secs[0]; i++) {
        struct config c;
        char text[128], err[600];
        snprintf(text, sizeof text, "[%s]\nnonesuch = 1\n", secs[i]);
        cr_assert_eq(load(&c, text, err, sizeof err), -1);
        char *list = strstr(err, "(keys: ");
        cr_assert_not_null(list, "%s", err);
        list += 7;
        list[strcspn(list, ")")] = '\0';
        /* the range of all sections of this kind: [service api] .. [service x] */
        char head[64];
        snprintf(head, sizeof head, "\n[%.*s", (int)strcspn(secs[i], " "), secs[i]);
        char *start = strstr(doc, head);
        cr_assert_not_null(start, "no %s] in forgetop.conf", head + 1);
        char *end = strstr(start + 1, "\n[");
        while (end != NULL && strncmp(end, head, strlen(head)) == 0)
            end = strstr(end + 1, "\n[");
        for (char *save, *k = strtok_r(list, ", ", &save); k; k = strtok_r(NULL, ", ", &save)) {
            char a[64], b[64];
            snprintf(a, sizeof a, "\n#%s =", k);
            snprintf(b, sizeof b, "\n;%s =", k);
            char *at = strstr(start, a), *at2 = strstr(start, b);
            bool found = (at != NULL && (end == NULL || at < end)) ||
                         (at2 != NULL && (end == NULL || at2 < end));
            cr_expect(found, "[%s] %s is not documented in etc/forgetop.conf", secs[i], k);
        }
    }
}

Test(config, the_open_forge_example_loads_with_its_names)
{
    struct config c;
    load_shipped(&c, "etc/open-forge.conf");
    cr_expect(c.kube);
    cr_expect_str_eq(c.namespace_, "open-forge-prod");
    cr_expect_str_eq(c.production_pattern, "*prod*");
    static const char *const names[] = {"open-forge-api", "dagster-webserver", "dagster-daemon",
                                        "pgbouncer"};
    for (size_t i = 0; i < 4; i++)
        cr_expect_not_null(config_service(&c, names[i]), "%s", names[i]);
    const struct service_rule *api = config_service(&c, "open-forge-api");
    cr_expect_eq(api->kind, RULE_HPA);
    cr_expect_eq(api->hpa.min, 2);
    cr_expect_eq(api->hpa.max, 10);
    cr_expect_eq(api->hpa.up.n_policies, 2);
    cr_expect_str_eq(config_metric(&c, "cpu")->service, "open-forge-api");
    cr_expect_not_null(strstr(config_metric(&c, "memory")->query, " / sum("),
                       "the continued query is joined");
}

/* ---- where the file is looked for ---- */

Test(config, default_path_follows_xdg_config_home_then_home)
{
    char path[PATH_MAX], want[PATH_MAX], sub[200];
    setenv("XDG_CONFIG_HOME", dir, 1);
    config_default_path(path, sizeof path);
    cr_expect_str_eq(path, "", "no file there yet");
    snprintf(sub, sizeof sub, "%s/forgetop", dir);
    mkdir(sub, 0700);
    snprintf(want, sizeof want, "%s/forgetop.conf", sub);
    FILE *f = fopen(want, "w");
    fclose(f);
    config_default_path(path, sizeof path);
    cr_expect_str_eq(path, want);

    unsetenv("XDG_CONFIG_HOME");
    setenv("HOME", dir, 1);
    snprintf(sub, sizeof sub, "%s/.config", dir);
    mkdir(sub, 0700);
    snprintf(sub, sizeof sub, "%s/.config/forgetop", dir);
    mkdir(sub, 0700);
    snprintf(want, sizeof want, "%s/forgetop.conf", sub);
    f = fopen(want, "w");
    fclose(f);
    config_default_path(path, sizeof path);
    cr_expect_str_eq(path, want);
}

/* The manual: 0 means the refresh interval, for every source alike. Compose, Prometheus
 * and health once polled every 5 s whatever -d said, so they went stale late. */
Test(config, every_source_polls_at_the_refresh_interval_unless_told_otherwise)
{
    static struct config c;
    config_defaults(&c);
    c.delay_s = 1;
    text_printf(c.prometheus_url, sizeof c.prometheus_url, "http://127.0.0.1:9");
    text_printf(c.health_urls[0], sizeof c.health_urls[0], "http://127.0.0.1:9/health");
    c.n_health = 1;
    text_printf(c.compose_project, sizeof c.compose_project, "openforge");
    struct source *(*make[])(const struct config *, char *, size_t) = {
        prometheus_source_new, health_source_new,   compose_source_new,
        redis_source_new,      postgres_source_new, demo_source_new};
    for (size_t i = 0; i < sizeof make / sizeof make[0]; i++) {
        char err[256] = "";
        struct source *s = make[i](&c, err, sizeof err);
        cr_assert_not_null(s, "source %zu: %s", i, err);
        cr_expect_eq(s->interval_s, 1.0, "%s polls every %g s", s->name, s->interval_s);
        source_destroy(s);
    }
    c.poll_interval_s = 7;
    cr_expect_eq(config_poll_interval(&c), 7.0);
}
