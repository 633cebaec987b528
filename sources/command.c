/* command.c - run a program the way an operator would type it, but with no shell: an
 * argument vector, the output kept (its tail, under a cap) and a time limit.
 *
 * posix_spawnp rather than fork: the program is threaded, and only a spawn is safe
 * there. The child leads its own process group, so stopping it stops its children. */

#define _GNU_SOURCE /* pipe2: close-on-exec from the start, as other threads spawn too */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "forgetop/command.h"
#include "forgetop/text.h"

extern char **environ;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* environ plus set_env; a name in set_env replaces the inherited one. */
static char **build_env(const char *const *set_env)
{
    size_t n = 0, k = 0, extra = 0;
    while (environ[n] != NULL)
        n++;
    while (set_env != NULL && set_env[extra] != NULL)
        extra++;
    char **env = calloc(n + extra + 1, sizeof(*env));
    if (env == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        bool replaced = false;
        for (size_t j = 0; j < extra; j++) {
            size_t len = strcspn(set_env[j], "=");
            if (strncmp(environ[i], set_env[j], len) == 0 && environ[i][len] == '=')
                replaced = true;
        }
        if (!replaced)
            env[k++] = environ[i];
    }
    for (size_t j = 0; j < extra; j++)
        env[k++] = (char *)set_env[j];
    return env;
}

/* Append data to the tail buffer, dropping from the front past cap. */
static void keep_tail(struct command_result *r, size_t cap, const char *data, size_t n)
{
    if (n >= cap) {
        r->dropped += r->len + (n - cap);
        data += n - cap;
        n = cap;
        r->len = 0;
    } else if (r->len + n > cap) {
        size_t drop = r->len + n - cap;
        memmove(r->output, r->output + drop, r->len - drop);
        r->len -= drop;
        r->dropped += drop;
    }
    memcpy(r->output + r->len, data, n);
    r->len += n;
    r->output[r->len] = '\0';
}

/* Read until EOF or the deadline; returns false when the deadline passed. */
static bool drain(int fd, double deadline, size_t cap, struct command_result *r)
{
    char buf[4096];
    for (;;) {
        double left = deadline - now_s();
        if (left <= 0)
            return false;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int rc = poll(&p, 1, (int)(left * 1000) + 1);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc == 0)
            continue;
        ssize_t got = read(fd, buf, sizeof(buf));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return true;
        keep_tail(r, cap, buf, (size_t)got);
    }
}

/* Wait for pid until the deadline; true when it was reaped. */
static bool reap(pid_t pid, double deadline, int *status)
{
    for (;;) {
        pid_t w = waitpid(pid, status, WNOHANG);
        if (w == pid || (w < 0 && errno != EINTR))
            return true;
        if (now_s() >= deadline)
            return false;
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

static void stop_group(pid_t pid, int *status)
{
    kill(-pid, SIGTERM);
    if (!reap(pid, now_s() + 2.0, status)) {
        kill(-pid, SIGKILL);
        waitpid(pid, status, 0);
    }
}

static int spawn(const char *const *argv, char **env, int *rd, pid_t *pid, char *err, size_t errlen)
{
    int fds[2] = {-1, -1}, rc = -1;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    if (pipe2(fds, O_CLOEXEC) < 0) {
        text_printf(err, errlen, "%s: cannot make a pipe: %s", argv[0], strerror(errno));
        return -1;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&at);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
    int e = posix_spawnp(pid, argv[0], &fa, &at, (char *const *)argv, env);
    if (e != 0) {
        text_printf(err, errlen, "%s: %s", argv[0],
                    e == ENOENT ? "not found on PATH" : strerror(e));
        close(fds[0]);
        goto out;
    }
    *rd = fds[0];
    rc = 0;
out:
    close(fds[1]);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    return rc;
}

int command_run(const char *const *argv, const char *const *set_env, double timeout_s, size_t cap,
                struct command_result *out, char *err, size_t errlen)
{
    int rd = -1, status = 0, rc = -1;
    pid_t pid;
    double start = now_s(), deadline = start + timeout_s;
    memset(out, 0, sizeof(*out));
    out->exit_status = -1;
    char **env = build_env(set_env);
    out->output = malloc(cap + 1);
    if (env == NULL || out->output == NULL) {
        text_printf(err, errlen, "%s: out of memory", argv[0]);
        goto out;
    }
    out->output[0] = '\0';
    if (spawn(argv, env, &rd, &pid, err, errlen) < 0)
        goto out;
    bool done = drain(rd, deadline, cap, out) && reap(pid, deadline, &status);
    if (!done) {
        out->timed_out = true;
        stop_group(pid, &status);
    }
    if (WIFEXITED(status))
        out->exit_status = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        out->signal = WTERMSIG(status);
    out->seconds = now_s() - start;
    rc = 0;
out:
    if (rd >= 0)
        close(rd);
    free(env);
    if (rc < 0)
        command_result_free(out);
    return rc;
}

void command_result_free(struct command_result *r)
{
    free(r->output);
    r->output = NULL;
    r->len = 0;
}
