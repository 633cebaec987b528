/* test_compose.c - the compose source's pieces that need no engine: DOCKER_HOST, API
 * version negotiation, fixed container names, the scale command line, error words,
 * and the command runner (a real /bin/sh child, no engine). */

#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "forgetop/command.h"
#include "forgetop/compose.h"

Test(compose, reads_docker_host_forms)
{
    struct compose_endpoint ep;
    char err[256];
    cr_assert_eq(compose_parse_host("", false, &ep, err, sizeof(err)), 0);
    cr_assert_str_eq(ep.socket, "/var/run/docker.sock");
    cr_assert_str_eq(ep.base, "http://docker");
    cr_assert_eq(
        compose_parse_host("unix:///run/user/1000/docker.sock", false, &ep, err, sizeof(err)), 0);
    cr_assert_str_eq(ep.socket, "/run/user/1000/docker.sock");
    cr_assert_eq(compose_parse_host("tcp://10.0.0.5:2376", true, &ep, err, sizeof(err)), 0);
    cr_assert_str_eq(ep.socket, "");
    cr_assert_str_eq(ep.base, "https://10.0.0.5:2376");
    cr_assert_eq(compose_parse_host("tcp://10.0.0.5:2375", false, &ep, err, sizeof(err)), 0);
    cr_assert_str_eq(ep.base, "http://10.0.0.5:2375");
    cr_assert_eq(compose_parse_host("ssh://me@host", false, &ep, err, sizeof(err)), -1);
    cr_assert(strstr(err, "ssh://me@host") != NULL, "%s", err);
    cr_assert_eq(compose_parse_host("unix://relative.sock", false, &ep, err, sizeof(err)), -1);
}

struct nego_case {
    const char *server, *server_min;
    const char *want; /* NULL: refused */
};

static const struct nego_case nego_cases[] = {
    {"1.43", "1.12", "1.43"}, /* the same as ours */
    {"1.41", "1.12", "1.41"}, /* an older engine (Debian 12's docker.io 20.10) */
    {"1.47", "1.24", "1.43"}, /* a newer engine speaks our version too */
    {"1.45", NULL, "1.43"},   {"2.0", "1.24", "1.43"},
    {"1.9", "1.9", NULL},   /* minor 9 is below 24: compared as numbers, not text */
    {"1.18", "1.12", NULL}, /* too old for us */
    {"1.50", "1.44", NULL}, /* dropped our version */
    {NULL, NULL, NULL},     /* says nothing: never assume */
    {"latest", NULL, NULL},
};

Test(compose, negotiates_the_lower_api_version_and_never_guesses)
{
    for (size_t i = 0; i < sizeof(nego_cases) / sizeof(nego_cases[0]); i++) {
        const struct nego_case *c = &nego_cases[i];
        char out[16] = "", err[256] = "";
        int rc = compose_negotiate(c->server, c->server_min, out, sizeof(out), err, sizeof(err));
        if (c->want == NULL) {
            cr_expect_eq(rc, -1, "server %s: got %s", c->server ? c->server : "(none)", out);
            cr_expect(err[0] != '\0');
        } else {
            cr_expect_eq(rc, 0, "server %s: %s", c->server, err);
            cr_expect_str_eq(out, c->want, "server %s", c->server);
        }
    }
}

Test(compose, refusal_to_negotiate_names_both_versions)
{
    char out[16], err[256];
    compose_negotiate("1.18", "1.12", out, sizeof(out), err, sizeof(err));
    cr_assert(strstr(err, "1.18") && strstr(err, "1.24"), "%s", err);
    compose_negotiate(NULL, NULL, out, sizeof(out), err, sizeof(err));
    cr_assert(strstr(err, "/version") && strstr(err, "no API version"), "%s", err);
}

struct name_case {
    const char *service, *number, *name;
    bool fixed;
};

static const struct name_case name_cases[] = {
    {"api", "1", "forge-api-1", false},   /* Compose v2 */
    {"api", "12", "forge_api_12", false}, /* Compose v1 */
    {"redis", "1", "forge-redis", true},  /* container_name: forge-redis */
    {"api", "2", "forge-api-1", true},    /* number does not match */
    {"api", "", "forge-api-1", true},     /* no container-number label */
    {"api", NULL, "forge-api-1", true},   {"agent-worker", "3", "forge-agent-worker-3", false},
};

Test(compose, tells_fixed_container_names_from_generated_ones)
{
    for (size_t i = 0; i < sizeof(name_cases) / sizeof(name_cases[0]); i++) {
        const struct name_case *c = &name_cases[i];
        cr_expect_eq(compose_fixed_name("forge", c->service, c->number, c->name), c->fixed, "%s",
                     c->name);
    }
}

static void expect_argv(const struct compose_argv *a, const char *const *want)
{
    size_t n = 0;
    while (want[n] != NULL) {
        cr_assert_not_null(a->argv[n], "argv ends early at %zu", n);
        cr_expect_str_eq(a->argv[n], want[n], "argv[%zu]", n);
        n++;
    }
    cr_expect_null(a->argv[n]);
    cr_expect_eq(a->argc, n);
}

Test(compose, builds_the_runbook_scale_command_as_a_vector)
{
    struct compose_argv a;
    char err[256];
    cr_assert_eq(compose_scale_argv(&a, "forge", "infrastructure/docker/docker-compose.yml", "api",
                                    3, err, sizeof(err)),
                 0);
    const char *want[] = {"docker",    "compose", "-p",
                          "forge",     "-f",      "infrastructure/docker/docker-compose.yml",
                          "up",        "-d",      "--no-recreate",
                          "--no-deps", "--scale", "api=3",
                          "api",       NULL};
    expect_argv(&a, want);
    cr_assert_eq(compose_scale_argv(&a, "forge", "", "api", 0, err, sizeof(err)), 0);
    const char *nofile[] = {"docker",        "compose",   "-p",      "forge", "up",  "-d",
                            "--no-recreate", "--no-deps", "--scale", "api=0", "api", NULL};
    expect_argv(&a, nofile);
}

Test(compose, refuses_names_that_would_read_as_flags_or_shell)
{
    struct compose_argv a;
    char err[256];
    const char *bad[] = {"--help", "api;rm -rf /", "api service", "", "$(id)", "a/b"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cr_expect_eq(compose_scale_argv(&a, "forge", "", bad[i], 2, err, sizeof(err)), -1,
                     "service \"%s\" accepted", bad[i]);
        cr_expect(strstr(err, "nothing was run") != NULL);
    }
    cr_expect_eq(compose_scale_argv(&a, "-p", "", "api", 2, err, sizeof(err)), -1);
    cr_expect_eq(compose_scale_argv(&a, "forge", "", "api", -1, err, sizeof(err)), -1);
}

Test(compose, names_the_project_the_way_compose_does)
{
    char out[64];
    compose_project_name("forge", "env", "/srv/x/docker-compose.yml", out, sizeof(out));
    cr_assert_str_eq(out, "forge");
    compose_project_name("", "fromenv", "/srv/x/docker-compose.yml", out, sizeof(out));
    cr_assert_str_eq(out, "fromenv");
    compose_project_name("", NULL, "/srv/Open Forge.v2/docker-compose.yml", out, sizeof(out));
    cr_assert_str_eq(out, "openforgev2");
    compose_project_name("", "", "", out, sizeof(out));
    cr_assert_str_eq(out, "");
}

Test(compose, words_socket_errors_for_an_operator)
{
    char out[256];
    compose_socket_error("/var/run/docker.sock", EACCES, out, sizeof(out));
    cr_assert(
        strncmp(out, "docker: cannot connect to /var/run/docker.sock: permission denied", 63) == 0,
        "%s", out);
    compose_socket_error("/tmp/x.sock", ENOENT, out, sizeof(out));
    cr_assert(strncmp(out, "docker: no such socket /tmp/x.sock", 34) == 0, "%s", out);
    compose_socket_error("/tmp/x", ENOTSOCK, out, sizeof(out));
    cr_assert_str_eq(out, "docker: /tmp/x is not a socket");
}

Test(compose, keeps_the_last_line_of_output)
{
    char out[64];
    const char *o = " Container forge-api-3  Creating\nno such service: foo\n\n  \n";
    compose_last_line(o, strlen(o), out, sizeof(out));
    cr_assert_str_eq(out, "no such service: foo");
    compose_last_line("", 0, out, sizeof(out));
    cr_assert_str_eq(out, "");
    const char *esc = "ok\n\x1b[31mError\x1b[0m: boom\r\n";
    compose_last_line(esc, strlen(esc), out, sizeof(out));
    cr_assert(strchr(out, '\x1b') == NULL, "escape kept: %s", out);
    cr_assert(strstr(out, "Error") != NULL);
}

Test(compose, a_failure_is_told_by_its_first_error_line)
{
    char out[160];
    /* docker 20.10 without the compose plugin: the cause first, usage after */
    const char *usage = "unknown shorthand flag: 'p' in -p\nSee 'docker --help'.\n\nUsage:  docker "
                        "[OPTIONS] COMMAND\n\nRun 'docker --help' for more information\n";
    compose_error_line(usage, strlen(usage), out, sizeof(out));
    cr_assert_str_eq(out, "unknown shorthand flag: 'p' in -p");
    /* compose v1: progress lines around the error */
    const char *v1 = "Creating forge_api_2 ... \nERROR: for api  Cannot start service api: boom\n"
                     "Encountered errors while bringing up the project.\n";
    compose_error_line(v1, strlen(v1), out, sizeof(out));
    cr_assert_str_eq(out, "ERROR: for api  Cannot start service api: boom");
    compose_error_line("all went\nwell enough\n", 20, out, sizeof(out));
    cr_assert_str_eq(out, "well enough", "no error line: the last one");
}

Test(compose, v1_and_v2_are_told_apart_and_run_as_each_wants)
{
    char v[32], err[128];
    struct compose_argv a;
    cr_assert(compose_parse_version("Docker Compose version v2.21.0\n", v, sizeof(v)));
    cr_assert_str_eq(v, "2.21.0");
    cr_assert(
        compose_parse_version("docker-compose version 1.29.2, build unknown\n", v, sizeof(v)));
    cr_assert_str_eq(v, "1.29.2");
    cr_assert_not(
        compose_parse_version("docker: 'compose' is not a docker command.", v, sizeof(v)));
    cr_assert_eq(
        compose_tool_argv(&a, COMPOSE_TOOL_V1, "forge", "dc.yml", "api", 3, err, sizeof(err)), 0);
    const char *want[] = {"docker-compose", "-p",        "forge",   "-f",    "dc.yml", "up", "-d",
                          "--no-recreate",  "--no-deps", "--scale", "api=3", "api",    NULL};
    for (size_t i = 0; want[i] != NULL; i++)
        cr_assert_str_eq(a.argv[i], want[i], "argv[%zu]", i);
    cr_assert_null(a.argv[12]);
    cr_assert_str_eq(compose_exit_meaning(137), "SIGKILL");
    cr_assert_str_eq(compose_exit_meaning(143), "SIGTERM");
    cr_assert_str_eq(compose_exit_meaning(1), "");
}

Test(compose, command_runs_without_a_shell_and_keeps_the_tail)
{
    struct command_result r;
    char err[256];
    /* A metacharacter in an argument stays an argument: no shell reads it. */
    const char *argv[] = {"printf", "%s\\n", "a;b $(id)", NULL};
    cr_assert_eq(command_run(argv, NULL, 5, 1024, &r, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(r.exit_status, 0);
    cr_assert_str_eq(r.output, "a;b $(id)\n");
    command_result_free(&r);
    const char *big[] = {"sh", "-c", "seq 1 20000; echo last >&2; exit 3", NULL};
    cr_assert_eq(command_run(big, NULL, 5, 100, &r, err, sizeof(err)), 0);
    cr_assert_eq(r.exit_status, 3);
    cr_assert_leq(r.len, 100);
    cr_assert(r.dropped > 0);
    cr_assert(strstr(r.output, "last\n") != NULL, "%s", r.output);
    command_result_free(&r);
}

Test(compose, command_is_stopped_at_its_time_limit)
{
    struct command_result r;
    char err[256];
    const char *argv[] = {"sh", "-c", "echo started; sleep 30 & wait", NULL};
    cr_assert_eq(command_run(argv, NULL, 0.5, 1024, &r, err, sizeof(err)), 0);
    cr_assert(r.timed_out);
    cr_assert_lt(r.seconds, 5.0);
    cr_assert_str_eq(r.output, "started\n");
    command_result_free(&r);
}

Test(compose, command_passes_environment_and_reports_a_missing_program)
{
    struct command_result r;
    char err[256];
    const char *env[] = {"DOCKER_HOST=unix:///tmp/fake.sock", NULL};
    const char *argv[] = {"sh", "-c", "echo \"$DOCKER_HOST\"", NULL};
    cr_assert_eq(command_run(argv, env, 5, 1024, &r, err, sizeof(err)), 0);
    cr_assert_str_eq(r.output, "unix:///tmp/fake.sock\n");
    command_result_free(&r);
    const char *none[] = {"forgetop-no-such-program", NULL};
    cr_assert_eq(command_run(none, NULL, 5, 1024, &r, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "forgetop-no-such-program: not found on PATH");
}
