/* compose.h - the parts of the Docker Compose source that need no engine: where the
 * engine listens, which API version to speak, whether a container was given a fixed
 * name, the command line that scales, and the words for a socket that will not open.
 *
 * The source itself is compose_source_new() in source.h. */

#ifndef FORGETOP_COMPOSE_H
#define FORGETOP_COMPOSE_H

#include <stdbool.h>
#include <stddef.h>

#include "forgetop/config.h"

/* The newest Engine API forgetop speaks, and the oldest it can work with. */
#define COMPOSE_API_OURS "1.43"
#define COMPOSE_API_MIN  "1.24"
#define COMPOSE_SOCKET   "/var/run/docker.sock"

struct compose_endpoint {
    char socket[PATH_MAX];     /* unix socket path, "" for tcp */
    char base[CONFIG_URL_MAX]; /* "http://docker" for a socket, "https://host:2376" */
    bool tls;
};

/* Parse DOCKER_HOST syntax: unix:///path, tcp://host:port (TLS when tls is set, as
 * DOCKER_TLS_VERIFY asks), "" for the default socket. 0, or -1 with err. */
int compose_parse_host(const char *host, bool tls, struct compose_endpoint *ep, char *err,
                       size_t errlen);

/* The version to put in request paths: the lower of the engine's ApiVersion and ours,
 * refused when below what either side supports. server_min may be NULL. 0 or -1. */
int compose_negotiate(const char *server_api, const char *server_min, char *out, size_t outlen,
                      char *err, size_t errlen);

/* Does a container's name differ from what Compose generates (PROJECT-SERVICE-N, or
 * PROJECT_SERVICE_N before Compose v2)? Then the service has a fixed container_name. */
bool compose_fixed_name(const char *project, const char *service, const char *number,
                        const char *name);
#define COMPOSE_FIXED_WHY "has a fixed container_name: docker compose cannot scale it"

/* The argument vector that scales: docker compose -p PROJECT [-f FILE] up -d
 * --no-recreate --no-deps --scale SERVICE=N SERVICE. Names that could read as a flag
 * or are not Compose names are refused. 0 or -1 with err. */
#define COMPOSE_ARGV_MAX 16
struct compose_argv {
    char scale[FT_NAME_MAX + 16];
    const char *argv[COMPOSE_ARGV_MAX];
    size_t argc;
};
int compose_scale_argv(struct compose_argv *a, const char *project, const char *file,
                       const char *service, int replicas, char *err, size_t errlen);

/* Which compose runs here: the v2 plugin (`docker compose`) or v1 (`docker-compose`,
 * Debian 12's 1.29), found by asking each for its version, v2 first. */
enum compose_tool { COMPOSE_TOOL_UNKNOWN, COMPOSE_TOOL_NONE, COMPOSE_TOOL_V2, COMPOSE_TOOL_V1 };
/* compose_scale_argv for either tool: v1 is `docker-compose -p P ...`, same flags. */
int compose_tool_argv(struct compose_argv *a, enum compose_tool tool, const char *project,
                      const char *file, const char *service, int replicas, char *err,
                      size_t errlen);
/* The version in `docker compose version` / `docker-compose version` output ("2.21.0",
 * "1.29.2"); false when the output is not such a line. */
bool compose_parse_version(const char *output, char *out, size_t outlen);
/* What an exit code means: "SIGKILL" for 137, "SIGTERM" for 143, "" when nothing known. */
const char *compose_exit_meaning(int code);

/* The project: the configured one, else $COMPOSE_PROJECT_NAME, else what Compose derives
 * from the compose file's folder ("infrastructure/docker/x.yml" -> "docker"). */
void compose_project_name(const char *configured, const char *env, const char *file, char *out,
                          size_t len);

/* Words for a socket that cannot be used: errnum ENOENT, EACCES, ENOTSOCK, ... */
void compose_socket_error(const char *socket, int errnum, char *out, size_t len);

/* The last non-empty line of a command's output, sanitised, in out ("" when none). */
void compose_last_line(const char *output, size_t len, char *out, size_t outlen);
/* A failed command's most informative line: the first that reads as an error ("ERROR:",
 * "Error response", "unknown shorthand flag", "no such ..."), else the last line. */
void compose_error_line(const char *output, size_t len, char *out, size_t outlen);

#endif
