/* postgres.h - the pure parts of the postgres and pgbouncer sources, exposed for unit
 * tests and the fuzzer: how a server's error is worded for the operator, and what the
 * PgBouncer answers say. (The database advice is
 * core's: recommend_database, shown by the world.)
 *
 * The sources themselves are postgres_source_new() and pgbouncer_source_new() in
 * source.h. */

#ifndef FORGETOP_POSTGRES_H
#define FORGETOP_POSTGRES_H

#include <stdbool.h>
#include <stddef.h>

#include "forgetop/model.h"

/* A libpq message made one line for the operator: the first line, whitespace collapsed,
 * sanitised. */
void postgres_clean_error(char *out, size_t len, const char *msg);

struct pg_result; /* libpq's PGresult */
/* The database panel's PgBouncer facts from SHOW POOLS and SHOW STATS answers, whatever
 * their shape: -1 with why when pools is not PgBouncer's (a column missing), else 0. */
int postgres_bouncer_facts(const struct pg_result *pools, const struct pg_result *stats,
                           int pool_size, struct snapshot *out, char *why, size_t len);

#endif
