/* compose.c (fuzz) - the compose source's pieces that read what an engine or an operator
 * gave: DOCKER_HOST, the engine's API versions, container names, the scale command
 * line built from service names, and a command's last output line.
 *
 * The input is lines: host, ApiVersion, MinAPIVersion, project, service, number,
 * container name, then a command's output. A scale command line is only ever built
 * from names that cannot read as a flag; every text meant for the screen is safe. */

#include <stdlib.h>
#include <string.h>

#include "forgetop/compose.h"
#include "safe.h"

#define FIELDS 7

static void scale(const char *project, const char *service, int replicas)
{
    struct compose_argv a;
    char err[256];
    memset(err, 0x5a, sizeof err);
    if (compose_scale_argv(&a, project, "", service, replicas, err, sizeof err) < 0) {
        CHECK(strnlen(err, sizeof err) < sizeof err);
        return;
    }
    CHECK(a.argc < COMPOSE_ARGV_MAX && a.argv[a.argc] == NULL);
    CHECK(project[0] != '-' && service[0] != '-');
    CHECK(strcmp(a.argv[a.argc - 1], service) == 0);
    for (size_t i = 0; i < a.argc; i++)
        CHECK(a.argv[i] != NULL && fuzz_is_safe(a.argv[i]) && strchr(a.argv[i], ' ') == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1), *f[FIELDS + 1], out[64], err[256];
    size_t n = 0;
    if (buf == NULL)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *p = buf;
    for (; n < FIELDS; n++) {
        f[n] = p;
        char *nl = strchr(p, '\n');
        if (nl == NULL) {
            p += strlen(p);
            continue;
        }
        *nl = '\0';
        p = nl + 1;
    }
    f[FIELDS] = p;

    struct compose_endpoint ep;
    memset(err, 0x5a, sizeof err);
    if (compose_parse_host(f[0], size & 1, &ep, err, sizeof err) == 0)
        CHECK(strnlen(ep.base, sizeof ep.base) < sizeof ep.base && ep.base[0] != '\0');
    else
        CHECK(strnlen(err, sizeof err) < sizeof err && fuzz_is_safe(err));

    memset(err, 0x5a, sizeof err);
    if (compose_negotiate(f[1], f[2][0] ? f[2] : NULL, out, sizeof out, err, sizeof err) == 0)
        CHECK(strnlen(out, sizeof out) < sizeof out && strchr(out, '.') != NULL);
    else
        CHECK(strnlen(err, sizeof err) < sizeof err && fuzz_is_safe(err));

    (void)compose_fixed_name(f[3], f[4], f[5], f[6]);
    scale(f[3], f[4], (int)(size % 12000) - 100);

    size_t len = 1 + (size % sizeof out);
    compose_last_line(f[FIELDS], strlen(f[FIELDS]), out, len);
    CHECK(strnlen(out, len) < len && fuzz_is_safe(out));
    compose_project_name(NULL, NULL, f[6], out, sizeof out);
    CHECK(strnlen(out, sizeof out) < sizeof out);
    free(buf);
    return 0;
}
