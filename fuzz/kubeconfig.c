/* kubeconfig.c (fuzz) - kubeconfig_load (libyaml) on any file, and the base64 decoder
 * it uses for certificate and key data.
 *
 * The input is the file, read from a memfd by its /proc path. A load either fails with
 * a terminated, non-empty error, or fills a context, namespace and server that are
 * terminated. Exec plugins are only read here, never run (that is kubeconfig_refresh). */

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "forgetop/kubeconfig.h"
#include "safe.h"

static int fd = -1;
static char path[64];

static void base64(const uint8_t *data, size_t size)
{
    char *in = malloc(size + 1);
    size_t n = 0;
    if (in == NULL)
        return;
    memcpy(in, data, size);
    in[size] = '\0';
    char *out = kubeconfig_base64_decode(in, &n);
    if (out != NULL)
        CHECK(n <= strlen(in) / 4 * 3 + 3);
    free(out);
    free(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct kubeconfig kc;
    char err[512];
    if (fd < 0) {
        fd = memfd_create("kubeconfig", 0);
        CHECK(fd >= 0);
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        unsetenv("KUBECONFIG");
        unsetenv("KUBERNETES_SERVICE_HOST");
    }
    CHECK(ftruncate(fd, 0) == 0);
    CHECK(size == 0 || pwrite(fd, data, size, 0) == (ssize_t)size);

    memset(err, 0x5a, sizeof err);
    if (kubeconfig_load(&kc, path, NULL, NULL, err, sizeof err) < 0) {
        CHECK(strnlen(err, sizeof err) < sizeof err && err[0] != '\0');
    } else {
        CHECK(strnlen(kc.context, sizeof kc.context) < sizeof kc.context);
        CHECK(strnlen(kc.namespace_, sizeof kc.namespace_) < sizeof kc.namespace_);
        CHECK(strnlen(kc.server, sizeof kc.server) < sizeof kc.server);
        CHECK(kc.exec.n_args <= KUBE_EXEC_MAX_ARGS && kc.exec.n_env <= KUBE_EXEC_MAX_ENV);
        size_t n;
        const char *pem = kubeconfig_cert(&kc, &n);
        CHECK(pem == NULL || n == kc.cert_len || n > 0);
        (void)kubeconfig_key(&kc, &n);
        (void)kubeconfig_token(&kc);
        kubeconfig_free(&kc);
    }
    base64(data, size);
    return 0;
}
