/* command.h - run a program without a shell: an argument vector, PATH lookup, its
 * stdout and stderr captured through one pipe with a size cap, and a time limit.
 *
 * Safe from a threaded program (posix_spawnp); the child runs in its own process group
 * so a time limit stops its children too. */

#ifndef FORGETOP_COMMAND_H
#define FORGETOP_COMMAND_H

#include <stdbool.h>
#include <stddef.h>

struct command_result {
    int exit_status; /* exit code when exited; -1 otherwise */
    int signal;      /* the signal that ended it, 0 when it exited */
    bool timed_out;  /* the time limit ran out and it was stopped */
    char *output;    /* the last `cap` bytes of stdout+stderr, NUL-terminated, owned */
    size_t len;
    size_t dropped; /* bytes dropped from the front to stay under the cap */
    double seconds;
};

/* Run argv[0] found on PATH with argv; set_env ("NAME=value" strings, NULL-terminated,
 * may be NULL) is added to the environment. Returns 0 once the program ran (whatever its
 * status: see out), or -1 with err when it could not start ("docker: not found on PATH"). */
int command_run(const char *const *argv, const char *const *set_env, double timeout_s, size_t cap,
                struct command_result *out, char *err, size_t errlen);
void command_result_free(struct command_result *r);

#endif
