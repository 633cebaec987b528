/* main.c - wire forgetop together: flags and config, sources, poller, world, actuator;
 * then the dashboard, or one poll printed as JSON or as check lines.
 *
 * Everything that can go wrong with the settings goes wrong here, before the terminal
 * is touched, so an error is plain text on stderr with a non-zero exit. */

#include <locale.h>
#include <malloc.h>
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
#include "forgetop/recorder.h"
#include "forgetop/registry.h"
#include "forgetop/replay.h"
#include "forgetop/report.h"
#include "forgetop/secret.h"
#include "forgetop/target.h"
#include "forgetop/tui.h"
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
                kc,
                cfg->all_namespaces  ? "all"
                : cfg->namespace_[0] ? cfg->namespace_
                                     : "of the context");
        cfg->kube = true;
        return 0;
    }
    fprintf(stderr, "forgetop: no source configured and no kubeconfig found "
                    "($KUBECONFIG, ~/.kube/config).\n"
                    "Try `forgetop --demo` for the embedded demo cluster, or see --help.\n");
    return -1;
}

static void refresh_world(struct poller *p, struct world *w, struct recorder *rec, double now)
{
    for (size_t i = 0; i < poller_count(p); i++) {
        struct source_status st;
        poller_status(p, i, now, &st);
        struct snapshot *snap = poller_take(p, i);
        recorder_status(rec, i, &st, now); /* first: a frame row carries its poll times */
        if (snap != NULL)
            recorder_frame(rec, i, snap, now);
        world_set_status(w, i, &st);
        if (snap != NULL)
            world_apply(w, i, snap, now);
    }
    recorder_commit(rec, now);
    world_evaluate(w, now);
}

static int run_once(const struct cli *cli, struct config *cfg, struct poller *p, struct world *w,
                    struct actuator *act, struct recorder *rec)
{
    poller_set_oneshot(p);
    poller_poll_once(p, cfg->request_timeout_s + cfg->connect_timeout_s + 1);
    double now = now_s();
    refresh_world(p, w, rec, now);
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

static void tap_audit(void *ctx, const struct audit_entry *e, double now)
{
    recorder_audit(ctx, e, now);
}

/* --record: opened before the terminal, so a path that cannot be written is plain text. */
static int start_recorder(const struct config *cfg, struct source **srcs, int n,
                          struct actuator *act, struct recorder **out)
{
    char err[512];
    *out = NULL;
    if (cfg->record[0] == '\0')
        return 0;
    struct recorder *r =
        recorder_open(cfg->record, cfg->record_max_mb, cfg->record_max_hours, err, sizeof err);
    if (r == NULL) {
        fprintf(stderr, "forgetop: %s\n", err);
        return -1;
    }
    for (int i = 0; i < n; i++)
        recorder_add_source(r, (size_t)i, srcs[i]->name);
    char *text = NULL; /* the config judged by, so a replay judges alike */
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (m != NULL) {
        config_print(cfg, m);
        fclose(m);
        if (recorder_config(r, text, now_s()) < 0)
            fprintf(stderr, "forgetop: %s: the config could not be recorded\n", cfg->record);
    }
    free(text);
    act->audit_tap = tap_audit;
    act->audit_tap_ctx = r;
    *out = r;
    return 0;
}

static int replay_report(const struct cli *cli, const struct config *cfg, struct recording *r,
                         double at)
{
    static struct world world;
    char err[512];
    size_t bad = 0;
    world_init(&world, cfg);
    for (size_t i = 0; i < recording_n_sources(r); i++)
        world_add_source(&world, recording_source(r, i));
    long n = replay_world_at(r, &world, at, &bad, err, sizeof err);
    if (n < 0 || bad > 0)
        fprintf(stderr, "forgetop: %s: %zu damaged frames skipped%s%s\n", cli->replay, bad,
                n < 0 ? ": " : "", n < 0 ? err : "");
    struct actuator act; /* read-only by construction: no submit path at all */
    actuator_init(&act, true, "", NULL, NULL);
    actuator_observe(&act, &world);
    int rc = 0;
    if (cli->mode == CLI_CHECK) {
        rc = report_check(&world, stdout);
    } else {
        char *doc = report_json(&world, true, at);
        if (doc != NULL)
            puts(doc);
        rc = doc != NULL ? 0 : 1;
        free(doc);
    }
    world_free(&world);
    return rc;
}

/* The dashboard on a recording: no source, no poller, no scaler thread, an actuator that
 * is read-only with no submit path. It starts paused at --at, else at the start. */
static int replay_dashboard(const struct cli *cli, struct config *cfg)
{
    char err[512];
    struct tui_replay rp = {.speed = 1, .paused = true};
    rp.rec = recording_open(cli->replay, err, sizeof err);
    if (rp.rec == NULL) {
        fprintf(stderr, "forgetop: %s\n", err);
        return 1;
    }
    double at = 0;
    int rc = 1;
    if (recording_span(rp.rec, &rp.first, &rp.last) < 0) {
        fprintf(stderr, "forgetop: %s holds no frame\n", cli->replay);
    } else if (cli->at != NULL &&
               replay_parse_time(cli->at, rp.first, rp.last, &at, err, sizeof err) < 0) {
        fprintf(stderr, "forgetop: --at: %s\n", err);
    } else {
        static struct world world;
        if (cli->current_config)
            snprintf(rp.config_note, sizeof rp.config_note,
                     "this machine's config "
                     "(--current-config)");
        else
            replay_use_config(rp.rec, cli->at != NULL ? at : rp.first, cfg, rp.config_note,
                              sizeof rp.config_note);
        world_init(&world, cfg);
        long n = recording_attempts(rp.rec, &rp.attempts);
        rp.n_attempts = n > 0 ? (size_t)n : 0;
        struct actuator act;
        actuator_init(&act, true, "", NULL, NULL);
        struct app app = {cfg, NULL, &world, &act, NULL, &rp, NULL};
        rc = tui_run_replay(&app, cli->at != NULL ? at : rp.first);
        world_free(&world);
        free(rp.attempts);
    }
    recording_close(rp.rec);
    return rc;
}

/* --replay FILE --summary: what the file holds, then the breaches by the recorded config. */
static int run_summary(const struct cli *cli, struct config *cfg)
{
    char err[512], note[FT_TEXT_MAX] = "this machine's config (--current-config)";
    struct recording *r = recording_open(cli->replay, err, sizeof err);
    if (r == NULL) {
        fprintf(stderr, "forgetop: %s\n", err);
        return 1;
    }
    int rc = recording_summary(r, stdout);
    if (rc < 0) {
        fprintf(stderr, "forgetop: %s holds no frame\n", cli->replay);
    } else {
        double first, last;
        recording_span(r, &first, &last);
        if (!cli->current_config)
            replay_use_config(r, last, cfg, note, sizeof note);
        printf("judged by: %s\n", note);
        static struct world world;
        world_init(&world, cfg);
        for (size_t i = 0; i < recording_n_sources(r); i++)
            world_add_source(&world, recording_source(r, i));
        if (replay_breaches(r, &world, stdout, err, sizeof err) < 0)
            fprintf(stderr, "forgetop: %s: %s\n", cli->replay, err);
        world_free(&world);
    }
    recording_close(r);
    return rc < 0 ? 1 : 0;
}

/* --replay --once --json / --check: the document as it was at --at (else the end). */
static int run_replay_once(const struct cli *cli, const struct config *cfg)
{
    char err[512];
    int rc = cli->mode == CLI_CHECK ? 3 : 1;
    struct recording *r = recording_open(cli->replay, err, sizeof err);
    double first, last, at;
    if (r == NULL) {
        fprintf(stderr, "forgetop: %s\n", err);
        return rc;
    }
    if (recording_span(r, &first, &last) < 0) {
        fprintf(stderr, "forgetop: %s holds no frame\n", cli->replay);
    } else if (cli->at != NULL &&
               replay_parse_time(cli->at, first, last, &at, err, sizeof err) < 0) {
        fprintf(stderr, "forgetop: --at: %s\n", err);
    } else {
        static struct config used;
        char note[FT_TEXT_MAX];
        used = *cfg;
        at = cli->at != NULL ? at : last;
        if (!cli->current_config)
            replay_use_config(r, at, &used, note, sizeof note);
        rc = replay_report(cli, &used, r, at);
    }
    recording_close(r);
    return rc;
}

/* :ctx / :ns through sources/target.c */
static int nav_switch_to(void *ctx, const char *context, const char *ns, bool all, char *err,
                         size_t errlen)
{
    return target_switch(ctx, context, ns, all, err, errlen);
}
static int nav_contexts(void *ctx, struct cmdline_names *out, char *err, size_t errlen)
{
    return target_contexts(ctx, out, err, errlen);
}
static void nav_namespaces_start(void *ctx)
{
    target_namespaces_start(ctx);
}
static int nav_namespaces_take(void *ctx, struct cmdline_names *out, char *err, size_t errlen)
{
    return target_namespaces_take(ctx, out, err, errlen);
}

static int run_dashboard(struct config *cfg, struct poller *p, struct world *w,
                         struct actuator *act, struct recorder *rec)
{
    actuator_observe(act, w);
    if (poller_start(p) < 0) {
        fprintf(stderr, "forgetop: cannot start the poller threads\n");
        return 1;
    }
    struct target *tg = cfg->kube ? target_new(p, cfg) : NULL;
    struct tui_nav_ops ops = {nav_switch_to, nav_contexts, nav_namespaces_start,
                              nav_namespaces_take, tg};
    struct app app = {cfg, p, w, act, rec, NULL, tg != NULL ? &ops : NULL};
    int rc = tui_run(&app);
    target_free(tg);
    return rc;
}

/* A big block (a list page, a watch event, a reply near its cap) gets a mapping of its
 * own and goes back to the system when freed. By default glibc raises its mmap threshold
 * to the largest block freed (up to 32 MiB) and its trim threshold to twice that, and
 * malloc_trim never shrinks a thread arena's top: after one huge answer a poller's arena
 * kept up to 25 MB for good, at random. A fixed threshold turns that growth off. */
static void memory_policy(void)
{
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
}

int main(int argc, char **argv)
{
    static struct config cfg; /* large: keep it off the stack */
    struct cli cli;
    char err[512];
    int rc = 1;

    memory_policy();
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
    if (cli.replay != NULL) {
        if (load_config(&cli, &cfg) < 0)
            return 1;
        if (cli.summary)
            return run_summary(&cli, &cfg);
        if (cli.mode == CLI_ONCE || cli.mode == CLI_CHECK)
            return run_replay_once(&cli, &cfg);
        return replay_dashboard(&cli, &cfg);
    }
    if (load_config(&cli, &cfg) < 0 || choose_default_source(&cfg) < 0)
        return cli.mode == CLI_CHECK ? 3 : 1;
    /* one poll, then exit: a watch would be opened only to be torn down unread, and the
     * pod metrics are one document (kept between reads only when there is a next read) */
    if (cli.mode == CLI_ONCE || cli.mode == CLI_CHECK) {
        cfg.kube_watch = false;
        cfg.kube_metrics_s = 0;
    }
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
    struct recorder *rec;
    if (start_recorder(&cfg, srcs, n, &act, &rec) < 0)
        return cli.mode == CLI_CHECK ? 3 : 1;
    if (cli.mode == CLI_ONCE || cli.mode == CLI_CHECK)
        rc = run_once(&cli, &cfg, p, &world, &act, rec);
    else
        rc = run_dashboard(&cfg, p, &world, &act, rec);
    poller_free(p);
    recorder_close(rec);
    world_free(&world);
    return rc;
}
