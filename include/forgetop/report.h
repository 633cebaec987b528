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
/* One line per metric and per unreadable source; returns the Nagios exit code:
 * 0 ok, 1 warning, 2 critical, 3 unknown (a source could not be read). */
int report_check(const struct world *w, FILE *out);

#endif
