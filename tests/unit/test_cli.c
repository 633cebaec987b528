/* test_cli.c - the command line: modes, flags over the file, errors worded for people. */

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/cli.h"

static int parse(struct cli *c, char *err, int argc, ...)
{
    static char *argv[32];
    va_list ap;
    va_start(ap, argc);
    argv[0] = "forgetop";
    for (int i = 1; i <= argc; i++)
        argv[i] = va_arg(ap, char *);
    va_end(ap);
    argv[argc + 1] = NULL;
    return cli_parse(argc + 1, argv, c, err, 256);
}

Test(cli, once_json_is_the_headless_mode)
{
    struct cli c;
    char err[256];
    cr_assert_eq(parse(&c, err, 3, "--demo", "--once", "--json"), 0);
    cr_assert_eq(c.mode, CLI_ONCE);
    cr_assert(c.json);
}

Test(cli, check_wins_over_once)
{
    struct cli c;
    char err[256];
    cr_assert_eq(parse(&c, err, 2, "--check", "--once"), 0);
    cr_assert_eq(c.mode, CLI_CHECK);
}

Test(cli, flags_override_the_file_values)
{
    struct cli c;
    struct config cfg;
    char err[256];
    memset(&cfg, 0, sizeof(cfg));
    snprintf(cfg.namespace_, sizeof(cfg.namespace_), "from-file");
    cfg.delay_s = 2;
    cr_assert_eq(parse(&c, err, 6, "-n", "open-forge-prod", "-d", "0.5", "--context", "prod"), 0);
    cr_assert_eq(cli_apply(&c, &cfg, err, sizeof(err)), 0, "%s", err);
    cr_assert_str_eq(cfg.namespace_, "open-forge-prod");
    cr_assert_str_eq(cfg.context, "prod");
    cr_assert_float_eq(cfg.delay_s, 0.5, 1e-9);
    cr_assert(cfg.kube, "a kube flag selects the kube source");
}

Test(cli, every_source_flag_lands_in_its_field)
{
    struct cli c;
    struct config cfg;
    char err[256];
    memset(&cfg, 0, sizeof(cfg));
    cr_assert_eq(parse(&c, err, 12, "--redis", "redis://127.0.0.1:6390/2", "--postgres", "host=db",
                       "--pgbouncer", "port=6432", "--prometheus", "http://p:9090",
                       "--compose-project", "of", "--health", "http://api/health/ready"),
                 0);
    cr_assert_eq(cli_apply(&c, &cfg, err, sizeof(err)), 0);
    cr_assert_str_eq(cfg.redis_url, "redis://127.0.0.1:6390/2");
    cr_assert_str_eq(cfg.postgres_dsn, "host=db");
    cr_assert_str_eq(cfg.pgbouncer_dsn, "port=6432");
    cr_assert_str_eq(cfg.prometheus_url, "http://p:9090");
    cr_assert_str_eq(cfg.compose_project, "of");
    cr_assert(cfg.compose);
    cr_assert_eq(cfg.n_health, 1);
}

Test(cli, read_only_comes_from_the_flag_or_the_environment)
{
    struct cli c;
    struct config cfg;
    char err[256];
    memset(&cfg, 0, sizeof(cfg));
    unsetenv("FORGETOP_READ_ONLY");
    cr_assert_eq(parse(&c, err, 1, "--demo"), 0);
    cr_assert_eq(cli_apply(&c, &cfg, err, sizeof(err)), 0);
    cr_assert_not(cfg.read_only);
    setenv("FORGETOP_READ_ONLY", "1", 1);
    cr_assert_eq(cli_apply(&c, &cfg, err, sizeof(err)), 0);
    cr_assert(cfg.read_only);
    memset(&cfg, 0, sizeof(cfg));
    setenv("FORGETOP_READ_ONLY", "0", 1);
    cr_assert_eq(parse(&c, err, 1, "-R"), 0);
    cr_assert_eq(cli_apply(&c, &cfg, err, sizeof(err)), 0);
    cr_assert(cfg.read_only);
}

Test(cli, a_bad_delay_is_named)
{
    struct cli c;
    struct config cfg;
    char err[256];
    memset(&cfg, 0, sizeof(cfg));
    cr_assert_eq(parse(&c, err, 2, "-d", "soon"), 0);
    cr_assert_eq(cli_apply(&c, &cfg, err, sizeof(err)), -1);
    cr_assert(strstr(err, "--delay") && strstr(err, "soon"), "%s", err);
    cr_assert_eq(parse(&c, err, 2, "-d", "0"), 0);
    cr_assert_eq(cli_apply(&c, &cfg, err, sizeof(err)), -1, "a zero delay would spin");
}

Test(cli, unknown_options_and_missing_arguments_are_errors)
{
    struct cli c;
    char err[256];
    cr_assert_eq(parse(&c, err, 1, "--frobnicate"), -1);
    cr_assert(strstr(err, "--frobnicate"), "%s", err);
    cr_assert_eq(parse(&c, err, 1, "--redis"), -1);
    cr_assert(strstr(err, "needs an argument"), "%s", err);
    cr_assert_eq(parse(&c, err, 1, "stray"), -1);
    cr_assert(strstr(err, "stray"), "%s", err);
}

Test(cli, config_path_is_kept_for_the_loader)
{
    struct cli c;
    char err[256];
    cr_assert_eq(parse(&c, err, 2, "--config", "/etc/forgetop.conf"), 0);
    cr_assert_str_eq(c.config_path, "/etc/forgetop.conf");
}

/* A seed is a whole number that fits 64 bits: 1e30 would be undefined as a uint64_t,
 * and 1.5 silently 1. */
Test(cli, seed_must_be_a_whole_number_of_64_bits)
{
    static const char *const bad[] = {"1e30", "1.5", "-1", "18446744073709551616"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct cli c;
        static struct config cfg;
        char err[256] = "";
        cr_assert_eq(parse(&c, err, 2, "--seed", bad[i]), 0);
        cr_expect_eq(cli_apply(&c, &cfg, err, sizeof(err)), -1, "--seed %s is refused", bad[i]);
        cr_expect(strstr(err, "--seed") != NULL, "%s", err);
    }
    struct cli c;
    static struct config cfg;
    char err[256];
    cr_assert_eq(parse(&c, err, 2, "--seed", "18446744073709551615"), 0);
    cr_assert_eq(cli_apply(&c, &cfg, err, sizeof(err)), 0, "%s", err);
    cr_expect_eq(cfg.seed, UINT64_MAX);
}

/* The file refuses a value too long for its field; a flag must not cut it silently (a
 * cut --prometheus URL polls another path, a cut --postgres DSN drops its options). */
Test(cli, a_value_too_long_for_its_field_is_refused)
{
    static char url[CONFIG_URL_MAX + 16];
    memset(url, 'a', sizeof url - 1);
    memcpy(url, "http://", 7);
    struct cli c;
    static struct config cfg;
    char err[256] = "";
    cr_assert_eq(parse(&c, err, 2, "--prometheus", url), 0);
    cr_expect_eq(cli_apply(&c, &cfg, err, sizeof(err)), -1);
    cr_expect(strstr(err, "--prometheus") != NULL && strstr(err, "too long") != NULL, "%s", err);
}

/* getopt is still inside "-xR" when it reports x: argv[optind - 1] is the program name
 * then, so the error must name the letter itself. */
Test(cli, an_unknown_short_option_is_named_by_its_letter)
{
    struct cli c;
    char err[256] = "";
    cr_assert_eq(parse(&c, err, 1, "-xR"), -1);
    cr_expect(strstr(err, "-x") != NULL, "%s", err);
    cr_expect(strstr(err, "forgetop") == NULL, "%s", err);
    cr_assert_eq(parse(&c, err, 1, "--bogus"), -1);
    cr_expect(strstr(err, "--bogus") != NULL, "%s", err);
}
