/* cli.c - parse the command line, then lay the flags over the configuration.
 *
 * Flags are kept as (option, argument) pairs until the file has been read, so that a
 * flag always wins over the file whatever order they were given in. */

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/cli.h"

enum {
    OPT_DEMO = 256,
    OPT_KUBECONFIG,
    OPT_CONTEXT,
    OPT_SELECTOR,
    OPT_COMPOSE_PROJECT,
    OPT_COMPOSE_FILE,
    OPT_REDIS,
    OPT_POSTGRES,
    OPT_PGBOUNCER,
    OPT_PROMETHEUS,
    OPT_HEALTH,
    OPT_CONFIG,
    OPT_THEME,
    OPT_ONCE,
    OPT_JSON,
    OPT_CHECK,
    OPT_SEED,
    OPT_DEMO_SPEED,
    OPT_VERSION,
    OPT_PRINT_CONFIG,
    OPT_LIST_CONTEXTS,
    OPT_LIST_NAMESPACES,
    OPT_RECORD,
    OPT_REPLAY,
    OPT_AT,
    OPT_SUMMARY,
    OPT_CURRENT_CONFIG,
};

static const struct option options[] = {
    {"demo", no_argument, NULL, OPT_DEMO},
    {"kubeconfig", required_argument, NULL, OPT_KUBECONFIG},
    {"context", required_argument, NULL, OPT_CONTEXT},
    {"namespace", required_argument, NULL, 'n'},
    {"all-namespaces", no_argument, NULL, 'A'},
    {"selector", required_argument, NULL, 'l'},
    {"compose-project", required_argument, NULL, OPT_COMPOSE_PROJECT},
    {"compose-file", required_argument, NULL, OPT_COMPOSE_FILE},
    {"redis", required_argument, NULL, OPT_REDIS},
    {"postgres", required_argument, NULL, OPT_POSTGRES},
    {"pgbouncer", required_argument, NULL, OPT_PGBOUNCER},
    {"prometheus", required_argument, NULL, OPT_PROMETHEUS},
    {"health", required_argument, NULL, OPT_HEALTH},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"read-only", no_argument, NULL, 'R'},
    {"delay", required_argument, NULL, 'd'},
    {"theme", required_argument, NULL, OPT_THEME},
    {"once", no_argument, NULL, OPT_ONCE},
    {"json", no_argument, NULL, OPT_JSON},
    {"check", no_argument, NULL, OPT_CHECK},
    {"seed", required_argument, NULL, OPT_SEED},
    {"demo-speed", required_argument, NULL, OPT_DEMO_SPEED},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"print-config", no_argument, NULL, OPT_PRINT_CONFIG},
    {"record", required_argument, NULL, OPT_RECORD},
    {"replay", required_argument, NULL, OPT_REPLAY},
    {"at", required_argument, NULL, OPT_AT},
    {"summary", no_argument, NULL, OPT_SUMMARY},
    {"current-config", no_argument, NULL, OPT_CURRENT_CONFIG},
    /* not in --help: what the shell completions ask forgetop for */
    {"list-contexts", no_argument, NULL, OPT_LIST_CONTEXTS},
    {"list-namespaces", no_argument, NULL, OPT_LIST_NAMESPACES},
    {NULL, 0, NULL, 0},
};

void cli_usage(FILE *out)
{
    fputs("usage: forgetop [options]\n"
          "\n"
          "Watch an Open Forge deployment against its runbook and scale it.\n"
          "\n"
          "Sources (a flag overrides the config file):\n"
          "  --demo                  the embedded demo cluster\n"
          "  --kubeconfig FILE       Kubernetes: kubeconfig (default $KUBECONFIG, ~/.kube/config)\n"
          "  --context NAME          Kubernetes: context\n"
          "  -n, --namespace NS      Kubernetes: namespace (default: the config's, else the\n"
          "                          context's, else open-forge)\n"
          "  -A, --all-namespaces    Kubernetes: every namespace the credentials can list\n"
          "  -l, --selector SEL      Kubernetes: label selector for deployments\n"
          "  --compose-project NAME  Docker Compose: project\n"
          "  --compose-file FILE     Docker Compose: file used to scale\n"
          "  --redis URL             redis://[user:password@]host:port/db or unix:///path\n"
          "  --postgres DSN          PostgreSQL conninfo string or URI (\"\": the PG* variables)\n"
          "  --pgbouncer DSN         PgBouncer admin console conninfo\n"
          "  --prometheus URL        Prometheus base URL\n"
          "  --health URL            a health endpoint to probe (repeatable)\n"
          "\n"
          "Behaviour:\n"
          "  --config FILE           settings (default $XDG_CONFIG_HOME/forgetop/forgetop.conf)\n"
          "  -R, --read-only         watch only: no key can scale (also FORGETOP_READ_ONLY=1)\n"
          "  -d, --delay SECONDS     refresh interval (default 2)\n"
          "  --theme NAME            dark, light, mono, high-contrast\n"
          "  --seed N                demo: random seed (default 1)\n"
          "  --demo-speed X          demo: simulated time runs X times faster\n"
          "  --record FILE           record every poll into FILE (SQLite) for --replay\n"
          "  --replay FILE           the dashboard as recorded in FILE: no source, read-only\n"
          "  --at TIME               with --replay: at TIME (03:12 local, 03:12Z UTC, -15m)\n"
          "  --summary               with --replay: span, sources, breaches, every scale\n"
          "  --current-config        with --replay: judge by this machine's config, not the\n"
          "                          recorded one\n"
          "\n"
          "Outside the terminal:\n"
          "  --once --json           poll every source once, print one JSON document\n"
          "  --check                 one line per metric; exit 0 ok, 1 warning, 2 critical,\n"
          "                          3 unknown (a source could not be read)\n"
          "  --print-config          the settings in force (defaults, file, flags) as a\n"
          "                          config file, each line saying where it came from\n"
          "  -h, --help              this text\n"
          "  --version               the version\n",
          out);
}

static int remember(struct cli *c, int opt, const char *arg, char *err, size_t errlen)
{
    if (c->n_set >= CLI_MAX_SET) {
        snprintf(err, errlen, "too many options");
        return -1;
    }
    c->set[c->n_set].opt = opt;
    c->set[c->n_set].arg = arg;
    c->n_set++;
    return 0;
}

int cli_parse(int argc, char **argv, struct cli *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    optind = 0; /* glibc: 0, not 1, also drops a cluster left half-read by the last call */
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, ":n:Al:Rd:h", options, NULL)) != -1) {
        switch (opt) {
        case OPT_CONFIG:
            out->config_path = optarg;
            break;
        case OPT_ONCE:
            out->mode = out->mode == CLI_CHECK ? CLI_CHECK : CLI_ONCE;
            break;
        case OPT_JSON:
            out->json = true;
            break;
        case OPT_CHECK:
            out->mode = CLI_CHECK;
            break;
        case OPT_REPLAY:
            out->replay = optarg;
            break;
        case OPT_AT:
            out->at = optarg;
            break;
        case OPT_SUMMARY:
            out->summary = true;
            break;
        case OPT_CURRENT_CONFIG:
            out->current_config = true;
            break;
        case OPT_PRINT_CONFIG:
            out->mode = CLI_PRINT_CONFIG;
            break;
        case OPT_LIST_CONTEXTS:
            out->mode = CLI_LIST_CONTEXTS;
            break;
        case OPT_LIST_NAMESPACES:
            out->mode = CLI_LIST_NAMESPACES;
            break;
        case 'h':
            out->mode = CLI_HELP;
            return 0;
        case OPT_VERSION:
            out->mode = CLI_VERSION;
            return 0;
        case ':':
            snprintf(err, errlen, "%s needs an argument", argv[optind - 1]);
            return -1;
        case '?':
            /* inside a cluster ("-xR") optind has not moved on: name the letter */
            if (optopt > 0 && optopt < 256 && strncmp(argv[optind - 1], "--", 2) != 0)
                snprintf(err, errlen, "unknown option -%c (try --help)", optopt);
            else
                snprintf(err, errlen, "unknown option %s (try --help)", argv[optind - 1]);
            return -1;
        default:
            if (remember(out, opt, optarg, err, errlen) < 0)
                return -1;
        }
    }
    if (optind < argc) {
        snprintf(err, errlen, "unexpected argument \"%s\" (try --help)", argv[optind]);
        return -1;
    }
    if (out->json && out->mode == CLI_DASHBOARD)
        out->mode = CLI_ONCE;
    return 0;
}

static int number(const char *flag, const char *arg, double min, double *out, char *err,
                  size_t errlen)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (errno != 0 || end == arg || *end != '\0' || !isfinite(v) || v < min) {
        snprintf(err, errlen, "%s: \"%s\" is not a number of at least %g", flag, arg, min);
        return -1;
    }
    *out = v;
    return 0;
}

/* A whole number >= 0 that fits 64 bits, written in digits only. */
static int seed(const char *arg, uint64_t *out, char *err, size_t errlen)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (arg[0] < '0' || arg[0] > '9' || errno != 0 || *end != '\0') {
        snprintf(err, errlen, "--seed: \"%s\" is not a whole number from 0 to %llu", arg,
                 (unsigned long long)UINT64_MAX);
        return -1;
    }
    *out = (uint64_t)v;
    return 0;
}

/* The long name of a flag, for its errors. */
static const char *flag_name(int opt)
{
    for (size_t i = 0; options[i].name != NULL; i++)
        if (options[i].val == opt)
            return options[i].name;
    return "?";
}

/* As the file does, refuse a value that does not fit rather than cut it. */
static int copy_arg(int opt, char *dst, size_t size, const char *arg, char *err, size_t errlen)
{
    if (strlen(arg) >= size) {
        snprintf(err, errlen, "--%s: the value is too long (at most %zu characters)",
                 flag_name(opt), size - 1);
        return -1;
    }
    memcpy(dst, arg, strlen(arg) + 1);
    return 0;
}

#define COPY(dst, src)                                                                             \
    do {                                                                                           \
        if (copy_arg(opt, (dst), sizeof(dst), (src), err, errlen) < 0)                             \
            return -1;                                                                             \
    } while (0)

static int apply_one(int opt, const char *arg, struct config *cfg, char *err, size_t errlen)
{
    double v;
    switch (opt) {
    case OPT_DEMO:
        cfg->demo = true;
        break;
    case OPT_KUBECONFIG:
        cfg->kube = true;
        COPY(cfg->kubeconfig, arg);
        break;
    case OPT_CONTEXT:
        cfg->kube = true;
        COPY(cfg->context, arg);
        break;
    case 'n':
        cfg->kube = true;
        COPY(cfg->namespace_, arg);
        break;
    case 'A':
        cfg->kube = true;
        cfg->all_namespaces = true;
        break;
    case 'l':
        cfg->kube = true;
        COPY(cfg->label_selector, arg);
        break;
    case OPT_COMPOSE_PROJECT:
        cfg->compose = true;
        COPY(cfg->compose_project, arg);
        break;
    case OPT_COMPOSE_FILE:
        cfg->compose = true;
        COPY(cfg->compose_file, arg);
        break;
    case OPT_REDIS:
        COPY(cfg->redis_url, arg);
        break;
    case OPT_POSTGRES:
        /* an empty DSN means: from the PG* variables, as psql does */
        cfg->postgres_enabled = true;
        COPY(cfg->postgres_dsn, arg);
        break;
    case OPT_PGBOUNCER:
        COPY(cfg->pgbouncer_dsn, arg);
        break;
    case OPT_PROMETHEUS:
        COPY(cfg->prometheus_url, arg);
        break;
    case OPT_HEALTH:
        if (cfg->n_health >= CONFIG_MAX_HEALTH) {
            snprintf(err, errlen, "--health: at most %d URLs", CONFIG_MAX_HEALTH);
            return -1;
        }
        COPY(cfg->health_urls[cfg->n_health], arg);
        cfg->n_health++;
        break;
    case 'R':
        cfg->read_only = true;
        break;
    case 'd':
        if (number("--delay", arg, 0.1, &v, err, errlen) < 0)
            return -1;
        cfg->delay_s = v;
        break;
    case OPT_THEME:
        COPY(cfg->theme, arg);
        break;
    case OPT_SEED:
        if (seed(arg, &cfg->seed, err, errlen) < 0)
            return -1;
        break;
    case OPT_RECORD:
        COPY(cfg->record, arg);
        break;
    case OPT_DEMO_SPEED:
        if (number("--demo-speed", arg, 0.001, &v, err, errlen) < 0)
            return -1;
        cfg->demo_speed = v;
        break;
    }
    return 0;
}

#define FIELD(f) offsetof(struct config, f)
#define NO_FIELD SIZE_MAX

/* The settings each flag sets, so --print-config can say `# --delay`. */
static const struct {
    int opt;
    size_t field, also;
} flag_fields[] = {
    {OPT_DEMO, FIELD(demo), NO_FIELD},
    {OPT_KUBECONFIG, FIELD(kubeconfig), FIELD(kube)},
    {OPT_CONTEXT, FIELD(context), FIELD(kube)},
    {'n', FIELD(namespace_), FIELD(kube)},
    {'A', FIELD(all_namespaces), FIELD(kube)},
    {'l', FIELD(label_selector), FIELD(kube)},
    {OPT_COMPOSE_PROJECT, FIELD(compose_project), FIELD(compose)},
    {OPT_COMPOSE_FILE, FIELD(compose_file), FIELD(compose)},
    {OPT_REDIS, FIELD(redis_url), NO_FIELD},
    {OPT_POSTGRES, FIELD(postgres_dsn), FIELD(postgres_enabled)},
    {OPT_PGBOUNCER, FIELD(pgbouncer_dsn), NO_FIELD},
    {OPT_PROMETHEUS, FIELD(prometheus_url), NO_FIELD},
    {OPT_HEALTH, FIELD(health_urls), NO_FIELD},
    {'R', FIELD(read_only), NO_FIELD},
    {'d', FIELD(delay_s), NO_FIELD},
    {OPT_THEME, FIELD(theme), NO_FIELD},
    {OPT_SEED, FIELD(seed), NO_FIELD},
    {OPT_DEMO_SPEED, FIELD(demo_speed), NO_FIELD},
    {OPT_RECORD, FIELD(record), NO_FIELD},
};

static void note_flag(struct config *cfg, int opt)
{
    char where[48];
    snprintf(where, sizeof where, "--%s", flag_name(opt));
    for (size_t i = 0; i < sizeof flag_fields / sizeof flag_fields[0]; i++) {
        if (flag_fields[i].opt != opt)
            continue;
        config_note(cfg, flag_fields[i].field, where);
        if (flag_fields[i].also != NO_FIELD)
            config_note(cfg, flag_fields[i].also, where);
    }
}

int cli_apply(const struct cli *c, struct config *cfg, char *err, size_t errlen)
{
    const char *ro = getenv("FORGETOP_READ_ONLY");
    if (ro != NULL && ro[0] != '\0' && strcmp(ro, "0") != 0 && strcmp(ro, "false") != 0) {
        cfg->read_only = true;
        config_note(cfg, FIELD(read_only), "FORGETOP_READ_ONLY");
    }
    for (size_t i = 0; i < c->n_set; i++) {
        if (apply_one(c->set[i].opt, c->set[i].arg, cfg, err, errlen) < 0)
            return -1;
        note_flag(cfg, c->set[i].opt);
    }
    return 0;
}
