/* demo.h - the embedded demo cluster's extra knobs, for tests and the headless report.
 *
 * The demo source (demo_source_new in source.h) simulates the Open Forge stack on a
 * simulated clock that starts at 2026-01-01 09:00 UTC and runs cfg->demo_speed times
 * faster than the real clock. Timestamps in its snapshots are real unix seconds. */

#ifndef FORGETOP_DEMO_H
#define FORGETOP_DEMO_H

#include "forgetop/source.h"

/* Simulated time of the first poll: 2026-01-01 09:00:00 UTC. */
#define DEMO_SIM_START 1767258000.0
/* The first poll backfills this much history, one sample per DEMO_BACKFILL_STEP_S. */
#define DEMO_BACKFILL_S      1800.0
#define DEMO_BACKFILL_STEP_S 15.0
/* Simulated seconds a new replica takes to become ready. */
#define DEMO_ROLLOUT_S 20.0
/* Tasks one agent-worker runs at a time (the runbook's WORKER_CONCURRENCY). */
#define DEMO_WORKER_CONCURRENCY 4

/* Replace the real clock (unix seconds) the demo reads; NULL restores the wall clock.
 * Call before the first poll for a deterministic run. */
void demo_set_clock(struct source *src, double (*now)(void));
/* The simulated unix time the demo has reached (for tests and the header). */
double demo_sim_time(struct source *src);

#endif
