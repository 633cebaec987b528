/* judge.h - what a change would do, judged before the operator confirms it: each
 * predicted figure with its band (the config's thresholds, through bands_classify), the
 * dependent figures it moves (database connections from the per-replica pool), the age
 * of stale data, and the dangers that need a second confirmation, named.
 *
 * Pure: the world and the time come in; the dialog only draws what this decides. */

#ifndef FORGETOP_JUDGE_H
#define FORGETOP_JUDGE_H

#include <stdbool.h>
#include <stddef.h>

#include "forgetop/world.h"

#define JUDGE_MAX_FIGURES 4

struct judged_figure {
    char label[24]; /* "cpu", "memory", "DB connections" */
    char unit[8];   /* "%" */
    char of[12];    /* what the share is of, when the screen must say it: "limit", "" */
    double now, after;
    enum band band;  /* of after, by the metric's thresholds */
    bool over_limit; /* after > 100 % of what it is a share of */
};

struct judgement {
    struct judged_figure fig[JUDGE_MAX_FIGURES];
    size_t n;
    double stale_s;           /* the source's data is this old and stale; 0 fresh */
    bool needs_second;        /* a danger below: y must be given twice */
    char danger[FT_TEXT_MAX]; /* every danger, named: "cpu ~150% is over 100% of its request" */
};

/* Judge moving sv to `to` replicas, as of now. */
void judge_change(const struct world *w, const struct service_view *sv, int to, double now,
                  struct judgement *out);

#endif
