/* redis.c - placeholder: the redis source is not written yet, and says so plainly. */

#include <stdio.h>

#include "forgetop/source.h"

struct source *redis_source_new(const struct config *cfg, char *err, size_t errlen)
{
    (void)cfg;
    snprintf(err, errlen, "redis: this source is not available in this build yet");
    return NULL;
}
