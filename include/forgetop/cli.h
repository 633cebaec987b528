/* cli.h - the command line: flags an operator knows from kubectl, redis-cli and psql.
 *
 * Parsing and applying are apart so the config file can sit between them: defaults,
 * then the file, then the flags on top. */

#ifndef FORGETOP_CLI_H
#define FORGETOP_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "forgetop/config.h"

enum cli_mode {
    CLI_DASHBOARD,
    CLI_ONCE,
    CLI_CHECK,
    CLI_HELP,
    CLI_VERSION,
    CLI_PRINT_CONFIG,    /* the settings in force, in the file's syntax */
    CLI_LIST_CONTEXTS,   /* the kubeconfig's contexts, for shell completion */
    CLI_LIST_NAMESPACES, /* the cluster's namespaces, for shell completion (1 s) */
};

#define CLI_MAX_SET 48

struct cli {
    enum cli_mode mode;
    bool json;
    const char *config_path; /* --config, NULL when not given */
    const char *replay;      /* --replay FILE, NULL when live */
    const char *at;          /* --at TIME for a replay, NULL: its end */
    bool summary;            /* --replay FILE --summary */
    bool current_config;     /* --replay with this machine's config, not the recorded one */
    /* Each flag that sets a config value, in order, applied after the file. */
    struct {
        int opt;
        const char *arg;
    } set[CLI_MAX_SET];
    size_t n_set;
};

/* 0, or -1 with err ("--delay: \"x\" is not a number of seconds"). */
int cli_parse(int argc, char **argv, struct cli *out, char *err, size_t errlen);
/* Apply the flags to cfg (after the file and FORGETOP_READ_ONLY). 0 or -1 with err. */
int cli_apply(const struct cli *c, struct config *cfg, char *err, size_t errlen);
void cli_usage(FILE *out);

#endif
