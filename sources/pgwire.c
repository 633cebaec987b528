/* pgwire.c - the byte budget of libpq's reads. libpq reads its socket with recv() and keeps
 * a whole message however long it says it is, so counting between libpq calls lets one
 * burst through; the budget is enforced in recv() itself, which this file defines. */

/* The fortified recv() is an inline wrapper of the real one: it cannot be redefined. */
#undef _FORTIFY_SOURCE

#include <errno.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "forgetop/pgwire.h"

/* Per thread: each source polls on its own, and only the thread that set a budget is held
 * to it, on that socket only; every other recv() in the program passes through. */
static _Thread_local int budget_fd = -1;
static _Thread_local size_t budget_left, budget_used;
static _Thread_local bool budget_out;

void pgwire_set_budget(int fd, size_t bytes)
{
    budget_fd = fd;
    budget_left = bytes;
    budget_used = 0;
    budget_out = false;
}

bool pgwire_budget_spent(void)
{
    return budget_out;
}

size_t pgwire_budget_used(void)
{
    return budget_used;
}

/* The executable's recv() is the one every shared library calls (libpq included): symbol
 * interposition. recvfrom() with no address is what libc's own recv() does. */
ssize_t recv(int fd, void *buf, size_t len, int flags)
{
    bool held = fd >= 0 && fd == budget_fd && !(flags & MSG_PEEK);
    if (held && budget_left == 0) {
        budget_out = true;
        errno = EAGAIN;
        return -1;
    }
    if (held && len > budget_left)
        len = budget_left;
    ssize_t n = recvfrom(fd, buf, len, flags, NULL, NULL);
    if (held && n > 0) {
        budget_left -= (size_t)n;
        budget_used += (size_t)n;
    }
    return n;
}
