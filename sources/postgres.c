/* postgres.c - placeholder: the postgres source is not written yet, and says so plainly. */

#include <stdio.h>

#include "forgetop/source.h"

struct source *postgres_source_new(const struct config *cfg, char *err, size_t errlen)
{
    (void)cfg;
    snprintf(err, errlen, "postgres: this source is not available in this build yet");
    return NULL;
}

struct source *pgbouncer_source_new(const struct config *cfg, char *err, size_t errlen)
{
    (void)cfg;
    snprintf(err, errlen, "pgbouncer: this source is not available in this build yet");
    return NULL;
}
