/* series.h - a service's drawn history (cpu %, memory %, ready replicas): what the charts
 * show and nothing more, so thousands of services cost a few MB.
 *
 * Samples fall into aligned SERIES_STEP_S slots that keep their highest value, quantised
 * to 16 bits (a chart stops at 100 %, so clamping at 655 % hides nothing drawn); the ring
 * holds SERIES_SLOTS of them, more than the widest chart draws. The
 * sustained-state and trend judgements read the metric histories (history.h), never this. */

#ifndef FORGETOP_SERIES_H
#define FORGETOP_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SERIES_STEP_S 10.0 /* one chart cell (tui/detail.c draws at this step) */
/* 16 minutes: a chart at 250 columns is 77 cells; 80 columns draw 34 */
#define SERIES_SLOTS 96

struct series {
    int64_t newest;    /* slot number floor(t / SERIES_STEP_S) of the newest slot */
    uint16_t per_unit; /* steps of q per unit: 100 for a percentage (to 655 %), 1 for a count */
    bool any;          /* a sample was pushed */
    uint16_t q[SERIES_SLOTS];
};

/* Empty, storing per_unit steps per unit (0..65534 steps: above is clamped, below 0 is 0). */
void series_init(struct series *s, unsigned per_unit);
/* Put a sample in its slot (the highest stays); a NAN is no data and stores nothing.
 * Returns false when t is not finite or older than the ring. */
bool series_push(struct series *s, double t, double v);
/* The slot holding time t: its value, NAN when it has none or is out of the ring. */
double series_at(const struct series *s, double t);
/* n aligned slots ending with the one that holds now, oldest first (NAN where empty). */
void series_resample(const struct series *s, double now, double *out, size_t n);

#endif
