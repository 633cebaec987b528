/* dockerstats.c (fuzz) - cpu and memory from any stats and inspect documents an engine
 * could answer, summed over a service as the compose source does.
 *
 * The input is JSON: an array is read as stats, inspect, stats, inspect...; anything
 * else is used as both. Whatever the figures, none is negative, a known percentage
 * comes with its limit, and the sum over containers never invents a number. */

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/dockerstats.h"
#include "safe.h"

/* NAN (unknown), or a number that is not negative. */
static int figure_ok(double d)
{
    return isnan(d) || d >= 0;
}

static void one(const cJSON *stats, const cJSON *inspect, struct dockerstats_total *t)
{
    struct dockerstats_usage u;
    struct dockerstats_limits l;
    int rc = dockerstats_usage(stats, &u);
    dockerstats_limits(inspect, &l);
    CHECK(l.cpu_cores >= 0 && l.mem_bytes >= 0);
    if (rc < 0) {
        dockerstats_total_add(t, NULL, &l);
        return;
    }
    CHECK(figure_ok(u.cpu_cores) && figure_ok(u.cpu_pct));
    CHECK(figure_ok(u.mem_bytes) && figure_ok(u.mem_pct) && u.mem_limit >= 0);
    CHECK(u.online_cpus >= 0);
    CHECK(isnan(u.mem_pct) || u.mem_limit > 0);
    CHECK(isnan(u.cpu_cores) == isnan(u.cpu_pct));
    dockerstats_total_add(t, &u, &l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *doc = cJSON_ParseWithLength((const char *)data, size);
    struct dockerstats_total t;
    if (doc == NULL)
        return 0;
    dockerstats_total_init(&t);
    if (cJSON_IsArray(doc)) {
        int n = cJSON_GetArraySize(doc);
        for (int i = 0; i < n && i < 64; i += 2)
            one(cJSON_GetArrayItem(doc, i), cJSON_GetArrayItem(doc, i + 1), &t);
    } else {
        one(doc, doc, &t);
    }
    dockerstats_total_finish(&t);
    CHECK(t.containers >= 0 && t.cpu_unknown <= t.containers && t.mem_unknown <= t.containers);
    CHECK(figure_ok(t.cpu_cores) && figure_ok(t.mem_bytes));
    CHECK(figure_ok(t.cpu_pct) && figure_ok(t.mem_pct));
    /* A sum that misses a container is unknown, never a smaller number. */
    CHECK(t.cpu_unknown == 0 || isnan(t.cpu_cores));
    CHECK(t.mem_unknown == 0 || isnan(t.mem_bytes));
    CHECK(t.cpu_unlimited == 0 || (t.cpu_limit == 0 && isnan(t.cpu_pct)));
    CHECK(t.mem_unlimited == 0 || (t.mem_limit == 0 && isnan(t.mem_pct)));
    cJSON_Delete(doc);
    return 0;
}
