/* main.c - wire forgetop together: flags and config, sources, poller, world, actuator;
 * then the dashboard, or one poll printed as JSON or as check lines.
 *
 * Everything that can go wrong with the settings goes wrong here, before the terminal
 * is touched, so an error is plain text on stderr with a non-zero exit. */

#include <locale.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "forgetop/actuator.h"
#include "forgetop/app.h"
#include "forgetop/audit.h"
#include "forgetop/cli.h"
#include "forgetop/config.h"
#include "forgetop/http.h"
#include "forgetop/kubeconfig.h"
#include "forgetop/kubelist.h"
#include "forgetop/poller.h"
#include "forgetop/registry.h"
#include "forgetop/report.h"
#include "forgetop/secret.h"
#include "forgetop/world.h"

#define FORGETOP_VERSION "0.1.0"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int load_config(const struct cli *cli, struct config *cfg)
{
    char err[512], path[PATH_MAX];
    config_defaults(cfg);
    if (cli->config_path != NULL)
        snprintf(path, sizeof(path), "%s", cli->config_path);
    else
        config_default_path(path, sizeof(path));
    if (path[0] != '\0' && config_load(cfg, path, err, sizeof(err)) < 0) {
        fprintf(stderr, "forgetop: %s\n", err);
        return -1;
    }
    if (cli_apply(cli, cfg, err, sizeof(err)) < 0) {
        fprintf(stderr, "forgetop: %s\n", err);
        return -1;
    }
    /* Production is not decided here, from flags, but by the actuator from the context
     * each source resolved (see start_actuator). */
    return 0;
}

/* Nothing configured: use a kubeconfig if there is one, as kubectl would, and say so. */
static int choose_default_source(struct config *cfg)
{
    if (config_has_source(cfg) || getenv("FORGETOP_TEST_SOURCE") != NULL ||
        getenv("FORGETOP_TEST_SOURCE_FILE") != NULL)
        return 0;
    char kc[PATH_MAX];
    registry_find_kubeconfig(kc, sizeof(kc));
    if (kc[0] != '\0') {
        fprintf(stderr,
                "forgetop: no source configured; using the kubeconfig %s "
                "(namespace %s). Point elsewhere with --kubeconfig, --config, or try --demo.\n",
                kc, cfg->namespace_);
        cfg->kube = true;
        return 0;
    }
    fprintf(stderr, "forgetop: no source configured and no kubeconfig found "
                    "($KUBECONFIG, ~/.kube/config).\n"
                    "Try `forgetop --demo` for the embedded demo cluster, or see --help.\n");
    return -1;
}

static void refresh_world(struct poller *p, struct world *w, double now)
{
    for (size_t i = 0; i < poller_count(p); i++) {
        struct source_status st;
        poller_status(p, i, now, &st);
        world_set_status(w, i, &st);
        struct snapshot *snap = poller_take(p, i);
        if (snap != NULL)
            world_apply(w, i, snap, now);
    }
    world_evaluate(w, now);
}

static int run_once(const struct cli *cli, struct config *cfg, struct poller *p, struct world *w,
                    struct actuator *act)
{
    poller_poll_once(p, cfg->request_timeout_s + cfg->connect_timeout_s + 1);
    double now = now_s();
    refresh_world(p, w, now);
    actuator_observe(act, w);
    if (cli->mode == CLI_CHECK)
        return report_check(w, stdout);
    char *doc = report_json(w, actuator_read_only(act), now);
    if (doc == NULL) {
        fprintf(stderr, "forgetop: out of memory\n");
        return 1;
    }
    puts(doc);
    free(doc);
    return 0;
}

/* What the shell completions ask for: names, one a line, and quiet failure. */
static int run_list(const struct cli *cli, const struct config *cfg)
{
    char err[512];
    int rc;
    if (cli->mode == CLI_LIST_CONTEXTS)
        rc = kubeconfig_list_contexts(cfg->kubeconfig, stdout, err, sizeof(err));
    else
        rc = kubelist_namespaces(cfg->kubeconfig, cfg->context, 1.0, stdout, err, sizeof(err));
    if (rc < 0)
        fprintf(stderr, "forgetop: %s\n", err);
    return rc < 0 ? 1 : 0;
}

static int submit_scale(void *ctx, const struct scale_request *req)
{
    return poller_submit_scale(ctx, req);
}

/* The one decision of read-only and production: the flags' and config's read-only, then
 * production from every name the sources resolved (kubeconfig current-context and
 * namespace, compose project), before anything is polled or drawn. */
static void start_actuator(struct actuator *act, const struct config *cfg, struct poller *p,
                           struct source **srcs, int n, char *audit, size_t len)
{
    if (cfg->audit_log[0] != '\0')
        snprintf(audit, len, "%s", cfg->audit_log);
    else
        audit_default_path(audit, len);
    actuator_init(act, cfg->read_only, audit, submit_scale, p);
    actuator_set_production_rule(act, cfg->production_pattern, cfg->production_read_only);
    actuator_observe_name(act, cfg->context);
    actuator_observe_name(act, cfg->namespace_);
    actuator_observe_name(act, cfg->compose_project);
    for (int i = 0; i < n; i++) {
        actuator_observe_name(act, srcs[i]->context);
        actuator_observe_name(act, srcs[i]->namespace_);
    }
}

static int run_dashboard(struct config *cfg, struct poller *p, struct world *w,
                         struct actuator *act)
{
    actuator_observe(act, w);
    if (poller_start(p) < 0) {
        fprintf(stderr, "forgetop: cannot start the poller threads\n");
        return 1;
    }
    struct app app = {cfg, p, w, act};
    return tui_run(&app);
}

int main(int argc, char **argv)
{
    static struct config cfg; /* large: keep it off the stack */
    struct cli cli;
    char err[512];
    int rc = 1;

    setlocale(LC_ALL, "");
    /* UTF-8 and wide characters from the operator's locale, but numbers always with a
     * '.': strtod reads the config, the flags and Prometheus's "0.73", and printf writes
     * --check and the query forms, all in C's notation whatever LC_NUMERIC says. */
    setlocale(LC_NUMERIC, "C");
    if (cli_parse(argc, argv, &cli, err, sizeof(err)) < 0) {
        fprintf(stderr, "forgetop: %s\n", err);
        return 1;
    }
    if (cli.mode == CLI_HELP) {
        cli_usage(stdout);
        return 0;
    }
    if (cli.mode == CLI_VERSION) {
        puts("forgetop " FORGETOP_VERSION);
        return 0;
    }
    if (cli.mode == CLI_PRINT_CONFIG) {
        if (load_config(&cli, &cfg) < 0)
            return 1;
        config_print(&cfg, stdout);
        return 0;
    }
    if (cli.mode == CLI_LIST_CONTEXTS || cli.mode == CLI_LIST_NAMESPACES)
        return load_config(&cli, &cfg) < 0 ? 1 : run_list(&cli, &cfg);
    if (load_config(&cli, &cfg) < 0 || choose_default_source(&cfg) < 0)
        return cli.mode == CLI_CHECK ? 3 : 1;
    for (int i = 1; i < argc; i++) /* the config has its copies: ps must not show a password */
        secret_mask(argv[i]);
    if (http_global_init() < 0) {
        fprintf(stderr, "forgetop: cannot initialise libcurl\n");
        return 1;
    }

    struct source *srcs[REGISTRY_MAX];
    int n = registry_build(&cfg, srcs, REGISTRY_MAX, err, sizeof(err));
    if (n < 0) {
        fprintf(stderr, "forgetop: %s\n", err);
        return cli.mode == CLI_CHECK ? 3 : 1;
    }
    static struct world world; /* histories make it large */
    world_init(&world, &cfg);
    for (int i = 0; i < n; i++)
        world_add_source(&world, srcs[i]->name);
    struct poller *p = poller_new(srcs, (size_t)n);
    if (p == NULL) {
        fprintf(stderr, "forgetop: out of memory\n");
        return 1;
    }
    static char audit[PATH_MAX];
    struct actuator act;
    start_actuator(&act, &cfg, p, srcs, n, audit, sizeof(audit));
    if (cli.mode == CLI_ONCE || cli.mode == CLI_CHECK)
        rc = run_once(&cli, &cfg, p, &world, &act);
    else
        rc = run_dashboard(&cfg, p, &world, &act);
    poller_free(p);
    world_free(&world);
    return rc;
}
