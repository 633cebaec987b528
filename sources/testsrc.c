/* testsrc.c - a source that fails, hangs or dawdles on demand, for the tests of what the
 * operator sees when a real server does.
 *
 * Its mode is read at every poll, from the file named by $FORGETOP_TEST_SOURCE_FILE when
 * that is set (so a test can flip it while forgetop runs), else $FORGETOP_TEST_SOURCE:
 * "ok", "fail", "hang" (up to 60 s, ending early once the mode changes) or "slow N". */

#include <ctype.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "forgetop/config.h"
#include "forgetop/source.h"
#include "forgetop/text.h"

#define HANG_MAX_S 60.0
#define NAP_S      0.05

enum mode { MODE_OK, MODE_FAIL, MODE_HANG, MODE_SLOW };

struct testsrc {
    atomic_int replicas; /* scale runs on the scaler thread, poll on its own */
};

static enum mode read_mode(double *slow_s)
{
    char buf[64] = "";
    const char *path = getenv("FORGETOP_TEST_SOURCE_FILE");
    const char *env = getenv("FORGETOP_TEST_SOURCE");
    if (path && *path) {
        FILE *f = fopen(path, "r");
        if (f) {
            if (fgets(buf, sizeof(buf), f) == NULL)
                buf[0] = '\0';
            fclose(f);
        }
    } else if (env) {
        text_printf(buf, sizeof(buf), "%s", env);
    }
    for (size_t n = strlen(buf); n > 0 && isspace((unsigned char)buf[n - 1]); n--)
        buf[n - 1] = '\0';
    if (strcmp(buf, "fail") == 0)
        return MODE_FAIL;
    if (strcmp(buf, "hang") == 0)
        return MODE_HANG;
    if (strncmp(buf, "slow", 4) == 0) {
        *slow_s = atof(buf + 4);
        return MODE_SLOW;
    }
    return MODE_OK;
}

static void nap(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - floor(s)) * 1e9)};
    while (nanosleep(&ts, &ts) < 0)
        ;
}

static void hang(void)
{
    double slow;
    for (double t = 0; t < HANG_MAX_S && read_mode(&slow) == MODE_HANG; t += NAP_S)
        nap(NAP_S);
}

static int testsrc_poll(struct source *src, struct snapshot *out, char *err, size_t errlen)
{
    struct testsrc *ts = src->priv;
    double slow = 0;
    switch (read_mode(&slow)) {
    case MODE_FAIL:
        text_printf(err, errlen, "testsrc: refused on purpose");
        return -1;
    case MODE_HANG:
        hang();
        break;
    case MODE_SLOW:
        nap(slow > 0 ? slow : 0);
        break;
    case MODE_OK:
        break;
    }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    out->taken_at = (double)now.tv_sec + now.tv_nsec / 1e9;
    text_printf(out->context, sizeof(out->context), "testsrc");
    struct service *svc = snapshot_add_service(out);
    if (svc == NULL || !snapshot_add_reading(out, "cpu", "probe", out->taken_at, 42.0)) {
        text_printf(err, errlen, "testsrc: out of memory");
        return -1;
    }
    text_printf(svc->name, sizeof(svc->name), "probe");
    text_printf(svc->source, sizeof(svc->source), "%s", src->name);
    text_printf(svc->namespace_, sizeof(svc->namespace_), "test");
    text_printf(svc->kind, sizeof(svc->kind), "test");
    svc->desired = svc->ready = svc->updated = svc->available = ts->replicas;
    svc->res.cpu_request = 0.1;
    svc->cpu_pct = 42.0;
    return 0;
}

static int testsrc_scale(struct source *src, const struct scale_request *req, char *msg,
                         size_t msglen)
{
    struct testsrc *ts = src->priv;
    double slow = 0;
    if (read_mode(&slow) == MODE_FAIL) {
        text_printf(msg, msglen, "testsrc: refused on purpose");
        return -1;
    }
    if (strcmp(req->service, "probe") != 0) {
        text_printf(msg, msglen, "testsrc: no service named %s", req->service);
        return -1;
    }
    int from = atomic_exchange(&ts->replicas, req->to);
    text_printf(msg, msglen, "scaled probe %d -> %d", from, req->to);
    return 0;
}

static void testsrc_destroy(struct source *src)
{
    free(src->priv);
    free(src);
}

static const struct source_ops testsrc_ops = {
    .kind = "test",
    .poll = testsrc_poll,
    .scale = testsrc_scale,
    .destroy = testsrc_destroy,
};

struct source *testsrc_source_new(const struct config *cfg, char *err, size_t errlen)
{
    struct source *src = calloc(1, sizeof(*src));
    struct testsrc *ts = calloc(1, sizeof(*ts));
    if (src == NULL || ts == NULL) {
        free(src);
        free(ts);
        text_printf(err, errlen, "testsrc: out of memory");
        return NULL;
    }
    ts->replicas = 1;
    src->ops = &testsrc_ops;
    text_printf(src->name, sizeof(src->name), "testsrc");
    src->interval_s = cfg && cfg->poll_interval_s > 0 ? cfg->poll_interval_s : 1.0;
    src->priv = ts;
    return src;
}
