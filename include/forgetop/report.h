/* report.h - the world outside the terminal: `--once --json` and `--check`.
 *
 * The JSON shape is documented in README.md; scripts depend on it, so fields are only
 * ever added, never renamed or removed. */

#ifndef FORGETOP_REPORT_H
#define FORGETOP_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "forgetop/world.h"

#define REPORT_SCHEMA_VERSION 2 /* 2: a fact's value is a number (or null), display its text */

/* The whole world as one JSON document; caller frees. NULL on allocation failure. */
char *report_json(const struct world *w, bool read_only, double now);
/* A summary with Nagios perf data after `|`, then a line per unreadable source or empty
 * scope, per service short of ready replicas, per health probe (a fact marked probe) and
 * per metric. Returns the Nagios exit code: 3 when a source could not be read or its
 * scope names nothing, else 2 on any critical line, else 3 when no metric has data,
 * else 1 on a warning, else 0. */
int report_check(const struct world *w, FILE *out);

#endif
