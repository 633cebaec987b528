/* quantity.c (fuzz) - Kubernetes resource quantities ("500m", "1Gi", "9559630n") and
 * RFC 3339 times, as a server writes them in deployments, pods and pod metrics.
 *
 * A quantity parses to a finite number or is refused; its thousandths agree with it
 * (rounded up, within the float noise); a time parses to a finite number or is refused. */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/quantity.h"
#include "safe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (s == NULL)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    double v, t;
    int64_t m;
    int rv = quantity_parse(s, &v), rm = quantity_parse_milli(s, &m);
    if (rv == 0)
        CHECK(isfinite(v));
    if (rm == 0) {
        CHECK(rv == 0);
        /* MilliValue rounds up: never below the value, at most one thousandth above. */
        CHECK((double)m >= v * 1000 - fmax(1e-3, fabs(v) * 1e-9));
        CHECK((double)m <= v * 1000 + 1 + fabs(v) * 1e-9);
    }
    if (quantity_parse_time(s, &t) == 0)
        CHECK(isfinite(t));
    free(s);
    return 0;
}
