/* postgres.h - the pure parts of the postgres and pgbouncer sources, exposed for unit
 * tests: the runbook's database advice with its numbers, and how a server's error is
 * worded for the operator.
 *
 * The sources themselves are postgres_source_new() and pgbouncer_source_new() in
 * source.h. */

#ifndef FORGETOP_POSTGRES_H
#define FORGETOP_POSTGRES_H

#include <stdbool.h>
#include <stddef.h>

#include "forgetop/model.h"

/* What the advice is computed from. */
struct pg_advice_in {
    double used;              /* connections (or pool server connections) in use */
    double limit;             /* max_connections, or the pool size */
    bool pool;                /* limit is a PgBouncer pool, not max_connections */
    bool pgbouncer_in_front;  /* a PgBouncer is configured in front of PostgreSQL */
    double waiting;           /* clients waiting for a server connection (pool) */
    double max_wait_s;        /* the longest wait (pool) */
    double warning, critical; /* % thresholds: 80, 95 */
    int replicas;             /* streaming replicas the primary has */
};

/* A line of advice fits a fact's value. */
#define POSTGRES_ADVICE_WIDTH 90

/* The band of used/limit and, when warning or critical, the runbook's advice with the
 * numbers behind it (recommend_database's words) in out as lines of at most
 * POSTGRES_ADVICE_WIDTH bytes; "" when ok. */
enum band postgres_advice(const struct pg_advice_in *in, char *out, size_t len);

/* A libpq message made one line for the operator: the first line, whitespace collapsed,
 * sanitised. */
void postgres_clean_error(char *out, size_t len, const char *msg);

#endif
