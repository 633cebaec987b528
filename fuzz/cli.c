/* cli.c (fuzz) - cli_parse and cli_apply on any command line.
 *
 * The input is split on NUL bytes into arguments after argv[0]. A parse either fails
 * with a terminated error, or its flags lay over the defaults without a crash, and
 * every text field they fill stays terminated. getopt keeps state between calls, so
 * after each input a fixed, good command line must still parse to exactly its flags. */

#include <stdlib.h>
#include <string.h>

#include "forgetop/cli.h"
#include "safe.h"

#define MAX_ARGS 64

/* Whatever the last parse left behind, a plain command line reads as itself. */
static void parse_known_good(void)
{
    char a0[] = "forgetop", a1[] = "--demo", a2[] = "-R", a3[] = "--once";
    char *argv[] = {a0, a1, a2, a3, NULL}, err[256];
    struct cli c;
    CHECK(cli_parse(4, argv, &c, err, sizeof err) == 0);
    CHECK(c.mode == CLI_ONCE && c.n_set == 2);
    CHECK(c.set[0].opt > 255 && c.set[0].arg == NULL && c.set[1].opt == 'R');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct config cfg;
    char *argv[MAX_ARGS + 2], err[256];
    int argc = 0;
    char *buf = malloc(size + 1);
    if (buf == NULL)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    argv[argc++] = "forgetop";
    for (size_t i = 0; i <= size && argc < MAX_ARGS + 1;) {
        argv[argc++] = buf + i;
        i += strlen(buf + i) + 1;
    }
    argv[argc] = NULL;

    struct cli c;
    memset(err, 0x5a, sizeof err);
    if (cli_parse(argc, argv, &c, err, sizeof err) < 0) {
        CHECK(strnlen(err, sizeof err) < sizeof err);
        goto out;
    }
    CHECK(c.n_set <= CLI_MAX_SET);
    config_defaults(&cfg);
    memset(err, 0x5a, sizeof err);
    if (cli_apply(&c, &cfg, err, sizeof err) < 0) {
        CHECK(strnlen(err, sizeof err) < sizeof err);
        goto out;
    }
    CHECK(cfg.n_health <= CONFIG_MAX_HEALTH);
    CHECK(strnlen(cfg.kubeconfig, sizeof cfg.kubeconfig) < sizeof cfg.kubeconfig);
    CHECK(strnlen(cfg.namespace_, sizeof cfg.namespace_) < sizeof cfg.namespace_);
    CHECK(strnlen(cfg.theme, sizeof cfg.theme) < sizeof cfg.theme);
    CHECK(cfg.delay_s >= 0.1);
out:
    parse_known_good();
    free(buf);
    return 0;
}
