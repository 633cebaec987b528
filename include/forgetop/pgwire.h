/* pgwire.h - a byte budget on what libpq reads from one socket, enforced inside libpq's
 * own reads, so a reply's cap holds whatever one message claims to weigh. */

#ifndef FORGETOP_PGWIRE_H
#define FORGETOP_PGWIRE_H

#include <stdbool.h>
#include <stddef.h>

/* From now on, this thread's reads of fd (libpq's) stop after bytes: past them a read
 * answers "would block" and the bytes stay in the kernel. fd < 0 lifts the budget. */
void pgwire_set_budget(int fd, size_t bytes);

/* Whether this thread's budget is spent: the reply wanted more than it allowed. */
bool pgwire_budget_spent(void);

/* What this thread's reads of the budgeted socket have taken since the budget was set. */
size_t pgwire_budget_used(void);

#endif
