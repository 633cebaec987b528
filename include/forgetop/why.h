/* why.h - why a service is not ready, in one word for the overview: the most important
 * of the reasons its source reported (pods' waiting and termination reasons, its
 * conditions), by an order core owns once. */

#ifndef FORGETOP_WHY_H
#define FORGETOP_WHY_H

#include "forgetop/model.h"

/* The importance of a reason: 1 matters most; larger numbers less; 0 for "" and for a
 * reason that explains nothing about readiness. The order is documented in why.c. */
int why_rank(const char *reason);

/* Set svc->reason to the most important reason of its pods that are not ready and its
 * conditions, keeping the one the source set when that one ranks higher. */
void why_fill(struct service *svc);

#endif
