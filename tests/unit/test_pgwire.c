/* test_pgwire.c - the byte budget of libpq's reads: the program's recv() stops at the
 * budget on the socket and thread that set it, and passes every other read through. */

#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "forgetop/pgwire.h"

Test(pgwire, a_read_stops_at_the_budget_and_leaves_the_rest_in_the_kernel)
{
    int sv[2], other[2];
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, other), 0);
    cr_assert_eq(send(sv[0], "0123456789", 10, 0), 10);
    cr_assert_eq(send(other[0], "abcdef", 6, 0), 6);
    pgwire_set_budget(sv[1], 4);
    char b[16];
    cr_assert_eq(recv(sv[1], b, sizeof b, 0), 4, "the read is cut to the budget");
    cr_assert_not(pgwire_budget_spent(), "spent only when a read wanted more");
    errno = 0;
    cr_assert_eq(recv(sv[1], b, sizeof b, 0), -1);
    cr_assert_eq(errno, EAGAIN, "past the budget a read would block");
    cr_assert(pgwire_budget_spent());
    cr_assert_eq(pgwire_budget_used(), 4);
    cr_assert_eq(recv(other[1], b, sizeof b, 0), 6, "another socket is not held");
    pgwire_set_budget(-1, 0);
    cr_assert_eq(recv(sv[1], b, sizeof b, 0), 6, "the rest waited in the kernel");
    cr_assert_eq(memcmp(b, "456789", 6), 0);
    for (int i = 0; i < 2; i++) {
        close(sv[i]);
        close(other[i]);
    }
}
