/* postgres.h - the pure parts of the postgres and pgbouncer sources, exposed for unit
 * tests: how a server's error is worded for the operator. (The database advice is
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

#endif
