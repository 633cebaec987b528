/* config.c (fuzz) - config_load on any file an operator (or a bad merge) could write.
 *
 * The input is the file, put in a memfd and read by its /proc path as any file is. A
 * load either succeeds with every named element terminated, or fails with an error
 * that starts `FILE:LINE: ` so the operator knows where to look. */

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "forgetop/config.h"
#include "safe.h"

static int fd = -1;
static char path[64];

/* "PATH:" then at least one digit, then ": ". */
static int names_file_and_line(const char *err)
{
    size_t n = strlen(path), d = 0;
    if (strncmp(err, path, n) != 0 || err[n] != ':')
        return 0;
    while (err[n + 1 + d] >= '0' && err[n + 1 + d] <= '9')
        d++;
    return d > 0 && err[n + 1 + d] == ':' && err[n + 2 + d] == ' ';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct config cfg;
    char err[512];
    if (fd < 0) {
        fd = memfd_create("forgetop-fuzz.conf", 0);
        CHECK(fd >= 0);
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    CHECK(ftruncate(fd, 0) == 0);
    CHECK(size == 0 || pwrite(fd, data, size, 0) == (ssize_t)size);

    config_defaults(&cfg);
    memset(err, 0x5a, sizeof err);
    if (config_load(&cfg, path, err, sizeof err) < 0) {
        CHECK(strnlen(err, sizeof err) < sizeof err);
        CHECK(names_file_and_line(err));
        return 0;
    }
    CHECK(strcmp(cfg.path, path) == 0);
    CHECK(cfg.n_metrics <= CONFIG_MAX_METRICS && cfg.n_services <= CONFIG_MAX_SERVICES);
    CHECK(cfg.n_tiers <= CONFIG_MAX_TIERS && cfg.n_queues <= CONFIG_MAX_QUEUES);
    CHECK(cfg.n_health <= CONFIG_MAX_HEALTH);
    for (size_t i = 0; i < cfg.n_metrics; i++) {
        CHECK(strnlen(cfg.metrics[i].id, sizeof cfg.metrics[i].id) < sizeof cfg.metrics[i].id);
        CHECK(config_metric(&cfg, cfg.metrics[i].id) != NULL);
        CHECK(cfg.metrics[i].warning < cfg.metrics[i].critical);
    }
    for (size_t i = 0; i < cfg.n_services; i++) {
        const struct service_rule *s = &cfg.services[i];
        CHECK(strnlen(s->name, sizeof s->name) < sizeof s->name);
        CHECK(config_service(&cfg, s->name) != NULL);
    }
    (void)config_has_source(&cfg);
    return 0;
}
