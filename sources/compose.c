/* compose.c - Docker Compose services read from the Docker Engine API, and scaled by the
 * `docker compose` command line the operator would type.
 *
 * A poll lists the project's containers by label, then inspects and stats them all at
 * once (one slow container costs its own figure, never the others'), and groups them by
 * service. The API version is asked of the engine, never assumed. */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>

#include "forgetop/command.h"
#include "forgetop/compose.h"
#include "forgetop/config.h"
#include "forgetop/dockerstats.h"
#include "forgetop/http.h"
#include "forgetop/source.h"
#include "forgetop/text.h"

#define LABEL_PROJECT "com.docker.compose.project"
#define LABEL_SERVICE "com.docker.compose.service"
#define LABEL_NUMBER  "com.docker.compose.container-number"
#define LABEL_ONEOFF  "com.docker.compose.oneoff"
#define LABEL_FILES   "com.docker.compose.project.config_files"
#define LABEL_WORKDIR "com.docker.compose.project.working_dir"
#define MAX_RULES     8
#define MAX_BODY      (16u << 20)
#define OUTPUT_CAP    (16u << 10)

struct metric_ref {
    char metric[FT_ID_MAX];
    char service[FT_NAME_MAX];
};

/* What an inspect said of a container, kept while its list entry reads the same: the
 * list's Status text changes with every restart, exit and health change, so an
 * unchanged one spares the inspect (half the requests of a steady poll). */
struct seen {
    char id[72];
    char list_status[80];
    char state[16];
    char health[16];
    int restarts, exit_code;
    bool oom;
    double started_at;
    struct dockerstats_limits lim;
    double cpu_total, cpu_system; /* the last stats' counters, NAN when none */
};

struct compose {
    struct compose_endpoint ep;
    struct http_opts opts;
    char ca[PATH_MAX], cert[PATH_MAX], key[PATH_MAX];
    struct http_client *http; /* the poll thread's */
    char api[16];             /* negotiated; "" until the next poll asks */
    char project[FT_NAME_MAX];
    char file[PATH_MAX];
    char host_env[CONFIG_URL_MAX + 16]; /* DOCKER_HOST=... for the command, "" none */
    double scale_timeout_s;
    struct metric_ref rules[MAX_RULES];
    size_t n_rules;
    struct seen *seen; /* the poll thread's; sorted by id */
    size_t n_seen;
    bool polled; /* a poll has succeeded: stats are one-shot from then on */
    /* Which compose scales, and the file it is given: found by the first poll or scale,
     * read by both threads, so under the lock. */
    pthread_mutex_t lock;
    pthread_mutex_t join_lock; /* whoever first needs the answer joins the asker */
    pthread_t asker;
    bool asking;
    enum compose_tool tool;
    char tool_version[32];
    char label_file[PATH_MAX]; /* the containers' config_files label, when no file is set */
};

/* One container as the poll sees it. */
struct ctr {
    char id[72];
    char name[FT_NAME_MAX];
    char service[FT_NAME_MAX];
    char number[16];
    char state[16];
    char health[16];
    char list_status[80]; /* "Up 2 hours (healthy)", as listed */
    bool fixed_name;
    bool inspected;
    bool gone; /* removed between the list and the inspect */
    int restarts, exit_code;
    double started_at;
    struct dockerstats_limits lim;
    bool oom;            /* State.OOMKilled: the kernel killed it at its memory limit */
    char file[PATH_MAX]; /* its config_files label: the compose file that made it */
    /* cpu counters: the previous poll's (prev_*) and this one's, NAN when unknown */
    double prev_total, prev_system, cpu_total, cpu_system;
    bool have_stats;
    struct dockerstats_usage use;
    char stats_err[128];
};

/* ---- pieces that need no engine (compose.h) ---- */

int compose_parse_host(const char *host, bool tls, struct compose_endpoint *ep, char *err,
                       size_t errlen)
{
    memset(ep, 0, sizeof(*ep));
    if (host == NULL || host[0] == '\0')
        host = "unix://" COMPOSE_SOCKET;
    if (strncmp(host, "unix://", 7) == 0 && host[7] == '/') {
        text_printf(ep->socket, sizeof(ep->socket), "%s", host + 7);
        text_printf(ep->base, sizeof(ep->base), "http://docker");
        return 0;
    }
    if (strncmp(host, "tcp://", 6) == 0 && host[6] != '\0' && strchr(host + 6, '/') == NULL) {
        ep->tls = tls;
        text_printf(ep->base, sizeof(ep->base), "%s://%s", tls ? "https" : "http", host + 6);
        return 0;
    }
    char shown[96];
    text_sanitize(shown, sizeof(shown), host);
    text_printf(err, errlen, "docker: host \"%s\": forgetop speaks unix:///path or tcp://host:port",
                shown);
    return -1;
}

static bool parse_version(const char *s, int *major, int *minor)
{
    char tail;
    return s != NULL && sscanf(s, "%d.%d%c", major, minor, &tail) == 2 && *major >= 0 &&
           *minor >= 0;
}

static int vcmp(int a1, int a2, int b1, int b2)
{
    return a1 != b1 ? (a1 < b1 ? -1 : 1) : (a2 < b2 ? -1 : a2 > b2);
}

int compose_negotiate(const char *server_api, const char *server_min, char *out, size_t outlen,
                      char *err, size_t errlen)
{
    int s1, s2, o1, o2, m1, m2, n1, n2;
    parse_version(COMPOSE_API_OURS, &o1, &o2);
    parse_version(COMPOSE_API_MIN, &m1, &m2);
    if (!parse_version(server_api, &s1, &s2)) {
        text_printf(err, errlen,
                    "docker: GET /version: the engine names no API version: "
                    "forgetop will not guess one");
        return -1;
    }
    bool ours_lower = vcmp(o1, o2, s1, s2) < 0;
    n1 = ours_lower ? o1 : s1;
    n2 = ours_lower ? o2 : s2;
    if (vcmp(n1, n2, m1, m2) < 0) {
        text_printf(err, errlen, "docker: the engine speaks API %d.%d at most; forgetop needs %s",
                    s1, s2, COMPOSE_API_MIN " or newer");
        return -1;
    }
    int x1, x2;
    if (parse_version(server_min, &x1, &x2) && vcmp(n1, n2, x1, x2) < 0) {
        text_printf(err, errlen,
                    "docker: the engine needs API %d.%d or newer; forgetop speaks up to %s", x1, x2,
                    COMPOSE_API_OURS);
        return -1;
    }
    text_printf(out, outlen, "%d.%d", n1, n2);
    return 0;
}

bool compose_fixed_name(const char *project, const char *service, const char *number,
                        const char *name)
{
    char v2[3 * FT_NAME_MAX], v1[3 * FT_NAME_MAX];
    if (number == NULL || number[0] == '\0')
        return true; /* Compose numbers every container it may scale */
    snprintf(v2, sizeof(v2), "%s-%s-%s", project, service, number);
    snprintf(v1, sizeof(v1), "%s_%s_%s", project, service, number);
    return strcmp(name, v2) != 0 && strcmp(name, v1) != 0;
}

/* Compose names: letters, digits, '.', '_' and '-', not starting with '-'. */
static bool compose_name(const char *s)
{
    if (s == NULL || s[0] == '\0' || s[0] == '-' || strlen(s) >= FT_NAME_MAX)
        return false;
    return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
           strlen(s);
}

int compose_scale_argv(struct compose_argv *a, const char *project, const char *file,
                       const char *service, int replicas, char *err, size_t errlen)
{
    return compose_tool_argv(a, COMPOSE_TOOL_V2, project, file, service, replicas, err, errlen);
}

int compose_tool_argv(struct compose_argv *a, enum compose_tool tool, const char *project,
                      const char *file, const char *service, int replicas, char *err, size_t errlen)
{
    memset(a, 0, sizeof(*a));
    if (!compose_name(project) || !compose_name(service)) {
        text_printf(err, errlen,
                    "docker compose: \"%s\" / \"%s\" is not a project / service "
                    "name compose accepts: nothing was run",
                    project ? project : "", service ? service : "");
        return -1;
    }
    if (replicas < 0 || replicas > 10000) {
        text_printf(err, errlen, "docker compose: %d replicas is out of range", replicas);
        return -1;
    }
    snprintf(a->scale, sizeof(a->scale), "%s=%d", service, replicas);
    const char **v = a->argv;
    if (tool == COMPOSE_TOOL_V1) {
        *v++ = "docker-compose";
    } else {
        *v++ = "docker";
        *v++ = "compose";
    }
    *v++ = "-p";
    *v++ = project;
    if (file != NULL && file[0] != '\0') {
        *v++ = "-f";
        *v++ = file;
    }
    *v++ = "up";
    *v++ = "-d";
    *v++ = "--no-recreate";
    *v++ = "--no-deps";
    *v++ = "--scale";
    *v++ = a->scale;
    *v++ = service;
    *v = NULL;
    a->argc = (size_t)(v - a->argv);
    return 0;
}

void compose_project_name(const char *configured, const char *env, const char *file, char *out,
                          size_t len)
{
    char dir[PATH_MAX];
    size_t n = 0;
    out[0] = '\0';
    if (configured != NULL && configured[0] != '\0') {
        text_printf(out, len, "%s", configured);
        return;
    }
    if (env != NULL && env[0] != '\0') {
        text_printf(out, len, "%s", env);
        return;
    }
    if (file == NULL || file[0] == '\0')
        return;
    /* Compose names a project after the folder that holds its file, lowercased, keeping
     * only letters, digits, '-' and '_'. */
    if (file[0] != '/' && getcwd(dir, sizeof(dir)) != NULL)
        text_printf(dir + strlen(dir), sizeof(dir) - strlen(dir), "/%s", file);
    else
        text_printf(dir, sizeof(dir), "%s", file);
    char *slash = strrchr(dir, '/');
    if (slash == NULL)
        return;
    *slash = '\0';
    const char *base = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
    for (; *base != '\0' && n + 1 < len; base++) {
        char ch = *base >= 'A' && *base <= 'Z' ? (char)(*base - 'A' + 'a') : *base;
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_')
            out[n++] = ch;
    }
    out[n] = '\0';
}

void compose_socket_error(const char *socket, int errnum, char *out, size_t len)
{
    switch (errnum) {
    case ENOENT:
        text_printf(out, len,
                    "docker: no such socket %s: is the Docker daemon running? (DOCKER_HOST or "
                    "docker_host names another)",
                    socket);
        break;
    case EACCES:
    case EPERM:
        text_printf(out, len,
                    "docker: cannot connect to %s: permission denied (is this user in the "
                    "docker group?)",
                    socket);
        break;
    case ENOTSOCK:
        text_printf(out, len, "docker: %s is not a socket", socket);
        break;
    case ECONNREFUSED:
        text_printf(out, len, "docker: cannot connect to %s: nothing listens there", socket);
        break;
    default:
        text_printf(out, len, "docker: cannot connect to %s: %s", socket, strerror(errnum));
        break;
    }
}

void compose_last_line(const char *output, size_t len, char *out, size_t outlen)
{
    size_t end = len;
    out[0] = '\0';
    while (end > 0) {
        while (end > 0 && (output[end - 1] == '\n' || output[end - 1] == '\r' ||
                           output[end - 1] == ' ' || output[end - 1] == '\t'))
            end--;
        size_t start = end;
        while (start > 0 && output[start - 1] != '\n' && output[start - 1] != '\r')
            start--;
        size_t lead = start;
        while (lead < end && (output[lead] == ' ' || output[lead] == '\t'))
            lead++;
        if (lead < end) {
            text_sanitize_n(out, outlen, output + lead, end - lead);
            return;
        }
        end = start;
    }
}

/* Case-insensitive: does line [s, s+n) contain word? */
static bool line_has(const char *s, size_t n, const char *word)
{
    size_t w = strlen(word);
    for (size_t i = 0; i + w <= n; i++)
        if (strncasecmp(s + i, word, w) == 0)
            return true;
    return false;
}

void compose_error_line(const char *output, size_t len, char *out, size_t outlen)
{
    /* docker prints its usage after the cause, compose v1 its progress around it: the
     * first line that names an error is the cause, the last is often boilerplate */
    static const char *const marks[] = {"error",   "unknown", "no such", "not found",
                                        "invalid", "cannot",  "denied",  "refused"};
    for (size_t start = 0; start < len;) {
        size_t end = start;
        while (end < len && output[end] != '\n' && output[end] != '\r')
            end++;
        size_t lead = start;
        while (lead < end && (output[lead] == ' ' || output[lead] == '\t'))
            lead++;
        for (size_t m = 0; lead < end && m < sizeof(marks) / sizeof(marks[0]); m++) {
            if (line_has(output + lead, end - lead, marks[m])) {
                text_sanitize_n(out, outlen, output + lead, end - lead);
                return;
            }
        }
        start = end + 1;
    }
    compose_last_line(output, len, out, outlen);
}

bool compose_parse_version(const char *output, char *out, size_t outlen)
{
    /* "Docker Compose version v2.21.0" / "docker-compose version 1.29.2, build unknown" */
    const char *v = output != NULL ? strstr(output, "version ") : NULL;
    out[0] = '\0';
    if (v == NULL)
        return false;
    v += strlen("version ");
    if (*v == 'v')
        v++;
    size_t n = strspn(v, "0123456789.");
    if (n == 0 || v[0] == '.')
        return false;
    text_sanitize_n(out, outlen, v, n);
    return true;
}

const char *compose_exit_meaning(int code)
{
    switch (code) {
    case 130:
        return "SIGINT";
    case 134:
        return "SIGABRT";
    case 137:
        return "SIGKILL";
    case 139:
        return "SIGSEGV";
    case 143:
        return "SIGTERM";
    default:
        return "";
    }
}

/* ---- talking to the engine ---- */

static double now_wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *string_of(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void url_for(const struct compose *c, const char *api, const char *path, char *out,
                    size_t len)
{
    if (api[0] != '\0')
        text_printf(out, len, "%s/v%s%s", c->ep.base, api, path);
    else
        text_printf(out, len, "%s%s", c->ep.base, path);
}

/* What a non-200 answer says: Docker's {"message": ...} or the start of the body. */
static void describe_status(const char *shown, const struct http_response *r, char *err,
                            size_t errlen)
{
    char said[160] = "";
    cJSON *doc = r->body != NULL ? cJSON_ParseWithLength(r->body, r->len) : NULL;
    const char *m = string_of(doc, "message");
    char status[160];
    if (m != NULL)
        text_sanitize(said, sizeof(said), m);
    cJSON_Delete(doc);
    http_status_words(status, sizeof(status), r);
    text_printf(err, errlen, "docker: GET %s: %s%s%s", shown, status, said[0] ? ": " : "", said);
}

/* GET path (version prefixed unless api is "") and parse the JSON answer. */
static int get_json(const struct compose *c, struct http_client *h, const char *api,
                    const char *path, cJSON **doc, char *err, size_t errlen)
{
    char url[1024], shown[128], e[256];
    struct http_response r;
    int rc = -1;
    *doc = NULL;
    url_for(c, api, path, url, sizeof(url));
    text_printf(shown, sizeof(shown), "%s%s%.*s", api[0] ? "/v" : "", api, (int)strcspn(path, "?"),
                path);
    if (http_get(h, url, &r, e, sizeof(e)) < 0) {
        text_printf(err, errlen, "docker: GET %s: %s", shown, e);
        return -1;
    }
    if (r.status != 200) {
        describe_status(shown, &r, err, errlen);
        goto out;
    }
    *doc = cJSON_ParseWithLength(r.body, r.len);
    if (*doc == NULL) {
        text_printf(err, errlen,
                    "docker: GET %s: the engine answered with something that is "
                    "not JSON",
                    shown);
        goto out;
    }
    rc = 0;
out:
    http_response_free(&r);
    return rc;
}

/* A unix socket that is missing or closed to this user, said in words before curl tries. */
static int check_socket(const struct compose *c, char *err, size_t errlen)
{
    struct stat st;
    if (c->ep.socket[0] == '\0')
        return 0;
    if (stat(c->ep.socket, &st) < 0) {
        compose_socket_error(c->ep.socket, errno, err, errlen);
        return -1;
    }
    if (!S_ISSOCK(st.st_mode)) {
        compose_socket_error(c->ep.socket, ENOTSOCK, err, errlen);
        return -1;
    }
    if (access(c->ep.socket, R_OK | W_OK) < 0) {
        compose_socket_error(c->ep.socket, errno, err, errlen);
        return -1;
    }
    return 0;
}

static int negotiate(const struct compose *c, struct http_client *h, char *api, size_t len,
                     char *err, size_t errlen)
{
    cJSON *v;
    if (get_json(c, h, "", "/version", &v, err, errlen) < 0)
        return -1;
    if (!cJSON_IsObject(v)) { /* said so, rather than "names no API version" */
        text_printf(err, errlen,
                    "docker: GET /version: not a JSON object: not the engine's version");
        cJSON_Delete(v);
        return -1;
    }
    int rc = compose_negotiate(string_of(v, "ApiVersion"), string_of(v, "MinAPIVersion"), api, len,
                               err, errlen);
    cJSON_Delete(v);
    return rc;
}

/* A list whose items are all objects: anything else is not containers, and read as one it
 * would be a project with none. -1 when every item is an object, else the first one that
 * is not. */
static int first_not_object(const cJSON *list)
{
    int i = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, list)
    {
        if (!cJSON_IsObject(item))
            return i;
        i++;
    }
    return -1;
}

/* The project's containers (one service's when service is not NULL), stopped ones too. */
static int list_containers(const struct compose *c, struct http_client *h, const char *api,
                           const char *service, cJSON **list, char *err, size_t errlen)
{
    char label[2 * FT_NAME_MAX + 64], path[1024];
    char *filters = NULL, *escaped = NULL;
    int rc = -1;
    cJSON *f = cJSON_CreateObject(), *labels = cJSON_AddArrayToObject(f, "label");
    snprintf(label, sizeof(label), LABEL_PROJECT "=%s", c->project);
    cJSON_AddItemToArray(labels, cJSON_CreateString(label));
    if (service != NULL) {
        snprintf(label, sizeof(label), LABEL_SERVICE "=%s", service);
        cJSON_AddItemToArray(labels, cJSON_CreateString(label));
    }
    filters = cJSON_PrintUnformatted(f);
    escaped = filters != NULL ? http_escape(filters) : NULL;
    if (escaped == NULL) {
        text_printf(err, errlen, "docker: out of memory");
        goto out;
    }
    text_printf(path, sizeof(path), "/containers/json?all=1&filters=%s", escaped);
    if (get_json(c, h, api, path, list, err, errlen) < 0)
        goto out;
    int odd = cJSON_IsArray(*list) ? first_not_object(*list) : 0;
    if (odd >= 0) {
        if (cJSON_IsArray(*list))
            text_printf(err, errlen,
                        "docker: GET /v%s/containers/json: expected a list of containers: "
                        "item %d is not an object",
                        api, odd);
        else
            text_printf(err, errlen,
                        "docker: GET /v%s/containers/json: expected a list of containers", api);
        cJSON_Delete(*list);
        *list = NULL;
        goto out;
    }
    rc = 0;
out:
    cJSON_Delete(f);
    free(filters);
    free(escaped);
    return rc;
}

/* ---- which compose ---- */

/* Ask one compose for its version; true when it answered with one. */
static bool ask_version(const struct compose *c, const char *const *argv, char *ver, size_t len)
{
    const char *env[2] = {c->host_env[0] ? c->host_env : NULL, NULL};
    struct command_result r;
    char e[FT_TEXT_MAX];
    if (command_run(argv, env, 10.0, 4096, &r, e, sizeof(e)) < 0)
        return false;
    bool ok = !r.timed_out && r.signal == 0 && r.exit_status == 0 &&
              compose_parse_version(r.output, ver, len);
    command_result_free(&r);
    return ok;
}

/* The compose that scales, found once (v2 plugin first); either thread may ask first. */
static enum compose_tool detect_now(struct compose *c)
{
    static const char *const v2[] = {"docker", "compose", "version", NULL};
    static const char *const v1[] = {"docker-compose", "version", NULL};
    char ver[32] = "";
    pthread_mutex_lock(&c->lock);
    enum compose_tool t = c->tool;
    pthread_mutex_unlock(&c->lock);
    if (t != COMPOSE_TOOL_UNKNOWN)
        return t;
    if (ask_version(c, v2, ver, sizeof(ver)))
        t = COMPOSE_TOOL_V2;
    else if (ask_version(c, v1, ver, sizeof(ver)))
        t = COMPOSE_TOOL_V1;
    else
        t = COMPOSE_TOOL_NONE;
    pthread_mutex_lock(&c->lock);
    c->tool = t;
    text_printf(c->tool_version, sizeof(c->tool_version), "%s", ver);
    pthread_mutex_unlock(&c->lock);
    return t;
}

/* Asking docker-compose (python) its version takes a second or more: a thread asks while
 * the first poll reads the engine, and whoever needs the answer first waits for it. */
static void *asker_main(void *arg)
{
    detect_now(arg);
    return NULL;
}

static void join_asker(struct compose *c)
{
    pthread_mutex_lock(&c->join_lock);
    if (c->asking) {
        pthread_join(c->asker, NULL);
        c->asking = false;
    }
    pthread_mutex_unlock(&c->join_lock);
}

static enum compose_tool compose_detect(struct compose *c)
{
    join_asker(c);
    return detect_now(c);
}

#define COMPOSE_NONE_WHY                                                                           \
    "cannot be scaled here: neither `docker compose` (v2) nor `docker-compose` (v1) runs"
#define COMPOSE_NOFILE_WHY                                                                         \
    "cannot be scaled: no compose file (give --compose-file; its containers name none that "       \
    "is here)"

/* The file compose is given: the configured one, else the one the containers' labels
 * name when it is on this machine, else compose's own default in the working folder. */
static bool scale_file(const struct compose *c, const char *label, char *out, size_t len)
{
    static const char *const defaults[] = {"compose.yaml", "compose.yml", "docker-compose.yml",
                                           "docker-compose.yaml"};
    struct stat st;
    const char *f = c->file[0] ? c->file : label;
    out[0] = '\0';
    if (f != NULL && f[0] != '\0' && (c->file[0] || stat(f, &st) == 0)) {
        text_printf(out, len, "%s", f);
        return true;
    }
    for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
        if (stat(defaults[i], &st) == 0)
            return true; /* compose finds it itself: no -f */
    return false;
}

/* ---- one poll ---- */

static bool hex_id(const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;
    return n >= 12 && n <= 64 && strspn(s, "0123456789abcdef") == n;
}

/* Health as the list's Status text says it ("Up 2 hours (healthy)"); inspect refines it. */
static void health_from_status(const char *status, char *out, size_t len)
{
    if (status == NULL)
        return;
    if (strstr(status, "(unhealthy)") != NULL)
        text_printf(out, len, "unhealthy");
    else if (strstr(status, "(healthy)") != NULL)
        text_printf(out, len, "healthy");
    else if (strstr(status, "(health: starting)") != NULL)
        text_printf(out, len, "starting");
}

/* Fill k from one entry of /containers/json; false for what is not a service's replica. */
static bool read_summary(const struct compose *c, const cJSON *item, struct ctr *k)
{
    const cJSON *labels = cJSON_GetObjectItemCaseSensitive(item, "Labels");
    const cJSON *names = cJSON_GetObjectItemCaseSensitive(item, "Names");
    const char *id = string_of(item, "Id"), *service = string_of(labels, LABEL_SERVICE);
    const char *project = string_of(labels, LABEL_PROJECT),
               *oneoff = string_of(labels, LABEL_ONEOFF);
    const char *number = string_of(labels, LABEL_NUMBER), *state = string_of(item, "State");
    const cJSON *first = cJSON_GetArrayItem(names, 0);
    memset(k, 0, sizeof(*k));
    /* `docker compose run` containers are one-offs, not replicas */
    if (!hex_id(id) || service == NULL || project == NULL || strcmp(project, c->project) != 0 ||
        (oneoff != NULL && strcmp(oneoff, "True") == 0))
        return false;
    text_printf(k->id, sizeof(k->id), "%s", id);
    const char *name = cJSON_IsString(first) ? first->valuestring : id;
    text_sanitize(k->name, sizeof(k->name), name[0] == '/' ? name + 1 : name);
    text_sanitize(k->service, sizeof(k->service), service);
    text_sanitize(k->number, sizeof(k->number), number != NULL ? number : "");
    text_sanitize(k->state, sizeof(k->state), state != NULL ? state : "unknown");
    const char *status = string_of(item, "Status");
    health_from_status(status, k->health, sizeof(k->health));
    text_printf(k->list_status, sizeof(k->list_status), "%s", status != NULL ? status : "");
    k->fixed_name = compose_fixed_name(c->project, k->service, k->number, k->name);
    const char *files = string_of(labels, LABEL_FILES), *wd = string_of(labels, LABEL_WORKDIR);
    if (files != NULL && files[0] != '/' && wd != NULL) /* v1 names it from working_dir */
        text_printf(k->file, sizeof(k->file), "%s/%.*s", wd, (int)strcspn(files, ","), files);
    else if (files != NULL) /* "a.yml,b.yml": compose was given them in that order */
        text_sanitize_n(k->file, sizeof(k->file), files, strcspn(files, ","));
    k->exit_code = -1;
    k->use.cpu_cores = k->use.mem_bytes = NAN;
    k->prev_total = k->prev_system = k->cpu_total = k->cpu_system = NAN;
    return true;
}

static int by_service(const void *a, const void *b)
{
    const struct ctr *x = a, *y = b;
    int d = strcmp(x->service, y->service);
    return d != 0 ? d : atoi(x->number) - atoi(y->number);
}

/* The list's replicas, sorted by service and number. NULL with *n = 0 when none. */
static struct ctr *read_list(const struct compose *c, const cJSON *list, size_t *n)
{
    size_t max = (size_t)cJSON_GetArraySize(list), got = 0;
    struct ctr *k = calloc(max ? max : 1, sizeof(*k));
    const cJSON *item;
    *n = 0;
    if (k == NULL)
        return NULL;
    cJSON_ArrayForEach(item, list)
    {
        if (got < max && read_summary(c, item, &k[got]))
            got++;
    }
    qsort(k, got, sizeof(*k), by_service);
    *n = got;
    return k;
}

/* "2026-11-26T15:30:00.123Z" -> unix seconds; 0 for Docker's zero time or nonsense. */
static double parse_time(const char *s)
{
    struct tm tm = {0};
    if (s == NULL ||
        sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) != 6 ||
        tm.tm_year < 1970)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (double)timegm(&tm);
}

static void read_inspect(const cJSON *doc, struct ctr *k)
{
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(doc, "State");
    const cJSON *health = cJSON_GetObjectItemCaseSensitive(st, "Health");
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(st, "ExitCode");
    const cJSON *restarts = cJSON_GetObjectItemCaseSensitive(doc, "RestartCount");
    const char *status = string_of(st, "Status"), *h = string_of(health, "Status");
    if (status != NULL)
        text_sanitize(k->state, sizeof(k->state), status);
    k->health[0] = '\0';
    if (h != NULL && strcmp(h, "none") != 0)
        text_sanitize(k->health, sizeof(k->health), h);
    if (cJSON_IsNumber(code) && code->valuedouble >= -1 && code->valuedouble < 1e6)
        k->exit_code = code->valueint;
    if (cJSON_IsNumber(restarts) && restarts->valuedouble >= 0 && restarts->valuedouble < 1e9)
        k->restarts = restarts->valueint;
    k->oom = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(st, "OOMKilled"));
    k->started_at = parse_time(string_of(st, "StartedAt"));
    dockerstats_limits(doc, &k->lim);
    k->inspected = true;
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const struct seen *)a)->id, ((const struct seen *)b)->id);
}

/* What the last poll kept of this container, NULL when it was not seen then. */
static const struct seen *seen_find(const struct compose *c, const struct ctr *k)
{
    struct seen key;
    snprintf(key.id, sizeof(key.id), "%s", k->id);
    return c->n_seen > 0 ? bsearch(&key, c->seen, c->n_seen, sizeof(*c->seen), by_id) : NULL;
}

/* A container's last inspect, when its list entry has not changed since. */
static bool seen_apply(const struct compose *c, struct ctr *k)
{
    const struct seen *s = seen_find(c, k);
    if (s == NULL || strcmp(s->list_status, k->list_status) != 0)
        return false;
    memcpy(k->state, s->state, sizeof(k->state));
    memcpy(k->health, s->health, sizeof(k->health));
    k->restarts = s->restarts;
    k->exit_code = s->exit_code;
    k->oom = s->oom;
    k->started_at = s->started_at;
    k->lim = s->lim;
    k->inspected = true;
    return true;
}

/* Keep what this poll inspected, for the next; containers gone are forgotten. */
static void seen_keep(struct compose *c, const struct ctr *k, size_t n)
{
    struct seen *next = calloc(n ? n : 1, sizeof(*next));
    size_t m = 0;
    if (next == NULL)
        return; /* the old table stays: it is only a saving */
    for (size_t i = 0; i < n; i++) {
        if (!k[i].inspected || k[i].gone)
            continue;
        struct seen *s = &next[m++];
        memcpy(s->id, k[i].id, sizeof(s->id));
        memcpy(s->list_status, k[i].list_status, sizeof(s->list_status));
        memcpy(s->state, k[i].state, sizeof(s->state));
        memcpy(s->health, k[i].health, sizeof(s->health));
        s->restarts = k[i].restarts;
        s->exit_code = k[i].exit_code;
        s->oom = k[i].oom;
        s->cpu_total = k[i].cpu_total;
        s->cpu_system = k[i].cpu_system;
        s->started_at = k[i].started_at;
        s->lim = k[i].lim;
    }
    qsort(next, m, sizeof(*next), by_id);
    free(c->seen);
    c->seen = next;
    c->n_seen = m;
}

static double counter(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* A one-shot document has no precpu: the previous poll's counters stand in for it, so
 * the rate is over the real interval between two polls. */
static void stats_prev(cJSON *doc, struct ctr *k)
{
    const cJSON *cpu = cJSON_GetObjectItemCaseSensitive(doc, "cpu_stats");
    k->cpu_total = counter(cJSON_GetObjectItemCaseSensitive(cpu, "cpu_usage"), "total_usage");
    k->cpu_system = counter(cpu, "system_cpu_usage");
    if (isnan(k->prev_total) || isnan(k->prev_system))
        return;
    cJSON *pre = cJSON_CreateObject(), *use = cJSON_CreateObject();
    if (pre == NULL || use == NULL || !cJSON_AddItemToObject(pre, "cpu_usage", use)) {
        cJSON_Delete(pre);
        cJSON_Delete(use);
        return;
    }
    cJSON_AddNumberToObject(use, "total_usage", k->prev_total);
    cJSON_AddNumberToObject(pre, "system_cpu_usage", k->prev_system);
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "precpu_stats");
    cJSON_AddItemToObject(doc, "precpu_stats", pre);
}

static void read_stats(const struct http_response *r, int rc, const char *e, struct ctr *k)
{
    cJSON *doc = NULL;
    if (rc < 0) {
        text_printf(k->stats_err, sizeof(k->stats_err), "%s", e);
    } else if (r->status != 200) {
        text_printf(k->stats_err, sizeof(k->stats_err), "stats: HTTP %ld", r->status);
    } else if ((doc = cJSON_ParseWithLength(r->body, r->len)) == NULL ||
               (stats_prev(doc, k), dockerstats_usage(doc, &k->use) < 0)) {
        text_printf(k->stats_err, sizeof(k->stats_err), "stats: not a stats document");
        k->use.cpu_cores = k->use.mem_bytes = NAN;
    } else {
        k->have_stats = true;
    }
    cJSON_Delete(doc);
}

/* The previous poll's cpu counters of this container, when it was seen then. */
static bool prev_sample(const struct compose *c, struct ctr *k)
{
    const struct seen *s = seen_find(c, k);
    if (s == NULL || isnan(s->cpu_total) || isnan(s->cpu_system))
        return false;
    k->prev_total = s->cpu_total;
    k->prev_system = s->cpu_system;
    return true;
}

/* one-shot=true (API 1.41): the engine answers at once instead of sampling for a second.
 * The first poll samples twice, so one look (--once) has rates; later, a container with
 * no previous sample (new, restarted) has no cpu rate for one poll rather than holding
 * every poll a second. */
static bool one_shot(const struct compose *c, struct ctr *k)
{
    int ma = 0, mi = 0;
    bool prev = prev_sample(c, k);
    return (prev || c->polled) && parse_version(c->api, &ma, &mi) && vcmp(ma, mi, 1, 41) >= 0;
}

/* Inspect the containers whose list entry changed, stat the running ones, all at once. */
static void fetch_details(struct compose *c, struct ctr *k, size_t n)
{
    size_t m = 0;
    char(*urls)[700] = calloc(2 * n + 1, sizeof(*urls));
    const char **ptrs = calloc(2 * n + 1, sizeof(*ptrs));
    struct http_response *resp = calloc(2 * n + 1, sizeof(*resp));
    int *rc = calloc(2 * n + 1, sizeof(*rc));
    char(*errs)[256] = calloc(2 * n + 1, sizeof(*errs));
    size_t *who = calloc(2 * n + 1, sizeof(*who));
    if (urls == NULL || ptrs == NULL || resp == NULL || rc == NULL || errs == NULL || who == NULL)
        goto out;
    char path[128];
    for (size_t i = 0; i < n; i++) {
        if (!seen_apply(c, &k[i])) {
            text_printf(path, sizeof(path), "/containers/%s/json", k[i].id);
            url_for(c, c->api, path, urls[m], sizeof(urls[m]));
            who[m++] = i;
        }
        /* a paused container still holds its memory: it is stat'ed too */
        if (strcmp(k[i].state, "running") != 0 && strcmp(k[i].state, "paused") != 0)
            continue;
        /* stream=false: the engine takes two samples, so precpu is there for a rate; it
         * holds the poll a second, so only for a container not sampled before */
        text_printf(path, sizeof(path), "/containers/%s/stats?stream=false%s", k[i].id,
                    one_shot(c, &k[i]) ? "&one-shot=true" : "");
        url_for(c, c->api, path, urls[m], sizeof(urls[m]));
        who[m++] = i;
    }
    for (size_t j = 0; j < m; j++)
        ptrs[j] = urls[j];
    http_get_many(c->http, ptrs, m, resp, rc, errs);
    for (size_t j = 0; j < m; j++) {
        struct ctr *x = &k[who[j]];
        if (strstr(urls[j], "/stats?") != NULL) {
            read_stats(&resp[j], rc[j], errs[j], x);
        } else if (rc[j] == 0 && resp[j].status == 200) {
            cJSON *doc = cJSON_ParseWithLength(resp[j].body, resp[j].len);
            if (cJSON_IsObject(doc))
                read_inspect(doc, x);
            cJSON_Delete(doc);
        } else if (rc[j] == 0 && resp[j].status == 404) {
            x->gone = true;
        }
        http_response_free(&resp[j]);
    }
    seen_keep(c, k, n);
out:
    free(urls);
    free(ptrs);
    free(resp);
    free(rc);
    free(errs);
    free(who);
}

/* Append "; title: what" to a service's status line. */
static void status_add(struct service *svc, const char *title, const char *what)
{
    char line[FT_TEXT_MAX];
    const char *was = model_text(svc->status);
    size_t len = strlen(was);
    if (len + 3 >= sizeof(line))
        return;
    text_printf(line, sizeof(line), "%s%s%s: %s", was, len ? "; " : "", title, what);
    model_set_text(&svc->status, line); /* out of memory: the line says less */
}

/* "137 SIGKILL", "137, OOMKilled", "1": an exit code and what it means. */
static void exit_words(const struct ctr *k, char *out, size_t len)
{
    const char *meaning = compose_exit_meaning(k->exit_code);
    if (k->oom)
        text_printf(out, len, "%d, OOMKilled", k->exit_code);
    else
        text_printf(out, len, "%d%s%s", k->exit_code, meaning[0] ? " " : "", meaning);
}

/* "exited: forge-worker-1 (137 SIGKILL), forge-worker-2 (1)" and the like, one kind at a
 * time. */
static void status_list(struct service *svc, const char *title, const struct ctr *k, size_t n,
                        bool (*pick)(const struct ctr *), bool with_code)
{
    char line[FT_TEXT_MAX] = "", code[48];
    size_t len = 0;
    for (size_t i = 0; i < n && len + 2 < sizeof(line); i++) {
        if (k[i].gone || !pick(&k[i]))
            continue;
        len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s", len ? ", " : "", k[i].name);
        if (with_code && len + 2 < sizeof(line)) {
            exit_words(&k[i], code, sizeof(code));
            len += (size_t)snprintf(line + len, sizeof(line) - len, " (%s)", code);
        }
    }
    if (len > 0)
        status_add(svc, title, line);
}

static bool is_exited(const struct ctr *k)
{
    return strcmp(k->state, "exited") == 0 || strcmp(k->state, "dead") == 0;
}
static bool is_unhealthy(const struct ctr *k)
{
    return strcmp(k->state, "running") == 0 && strcmp(k->health, "unhealthy") == 0;
}
static bool is_paused(const struct ctr *k)
{
    return strcmp(k->state, "paused") == 0;
}
static bool is_starting(const struct ctr *k)
{
    return strcmp(k->state, "running") == 0 && strcmp(k->health, "starting") == 0;
}

/* A restart loop: the engine is restarting it now, or it came back up three times or
 * more and its last start is under a minute old (it is up between two crashes). */
#define LOOP_RESTARTS 3
#define LOOP_WINDOW_S 60.0
static bool is_looping(const struct ctr *k)
{
    if (strcmp(k->state, "restarting") == 0)
        return true;
    return strcmp(k->state, "running") == 0 && k->restarts >= LOOP_RESTARTS && k->started_at > 0 &&
           now_wall() - k->started_at < LOOP_WINDOW_S;
}

/* "restarting 8x, OOMKilled: forge-api-1": one entry per looping container, as each
 * may die for its own reason. */
static void status_loops(struct service *svc, const struct ctr *k, size_t n)
{
    char title[96], code[48];
    for (size_t i = 0; i < n; i++) {
        if (k[i].gone || !is_looping(&k[i]))
            continue;
        if (k[i].oom)
            text_printf(code, sizeof(code), ", OOMKilled");
        else if (k[i].exit_code > 0)
            text_printf(code, sizeof(code), ", exit %d%s%s", k[i].exit_code,
                        compose_exit_meaning(k[i].exit_code)[0] ? " " : "",
                        compose_exit_meaning(k[i].exit_code));
        else
            code[0] = '\0';
        text_printf(title, sizeof(title), "restarting %dx%s", k[i].restarts, code);
        status_add(svc, title, k[i].name);
    }
}

/* Why a container is not ready, in the words core ranks (why.h) for the service's
 * reason: what killed it before that it died, that it dies before how it stands. */
static void container_reason(struct pod *p, const struct ctr *k)
{
    bool died = is_exited(k) || is_looping(k);
    const char *r = died && k->oom    ? "OOMKilled"
                    : is_looping(k)   ? "Restarting"
                    : is_exited(k)    ? "Exited"
                    : is_unhealthy(k) ? "Unhealthy"
                    : is_paused(k)    ? "Paused"
                    : is_starting(k)  ? "Starting"
                                      : "";
    text_printf(p->reason, sizeof(p->reason), "%s", r);
    if (died) {
        char code[48];
        exit_words(k, code, sizeof(code));
        p->exit_code = k->exit_code;
        char msg[96];
        text_printf(msg, sizeof(msg), "exit %s%s", code, is_looping(k) ? ", restarting" : "");
        pod_set_message(p, msg); /* out of memory: the row says less */
    }
}

static void add_pod(struct service *svc, const struct ctr *k, bool ready)
{
    struct pod *p = service_add_pod(svc);
    if (p == NULL)
        return;
    text_printf(p->name, sizeof(p->name), "%s", k->name);
    text_printf(p->phase, sizeof(p->phase), "%s", k->state);
    p->ready = ready;
    p->restarts = k->restarts;
    p->started_at = k->started_at;
    p->cpu_cores = k->have_stats ? k->use.cpu_cores : NAN;
    p->mem_bytes = k->have_stats ? k->use.mem_bytes : NAN;
    if (!ready)
        container_reason(p, k);
}

/* Say before anyone presses `+` when compose cannot scale this service. */
static void mark_unscalable(struct compose *c, struct service *svc, const struct ctr *k, size_t n)
{
    char file[PATH_MAX];
    const char *label = "";
    for (size_t i = 0; i < n && label[0] == '\0'; i++)
        label = k[i].file;
    if (svc->unscalable)
        return; /* a fixed container_name says it already */
    if (compose_detect(c) == COMPOSE_TOOL_NONE) {
        svc->unscalable = true;
        model_set_text(&svc->unscalable_why, COMPOSE_NONE_WHY); /* out of memory: no why */
    } else if (!scale_file(c, label, file, sizeof(file))) {
        svc->unscalable = true;
        model_set_text(&svc->unscalable_why, COMPOSE_NOFILE_WHY);
    }
}

/* One service from its containers k[0..n). */
static void add_service(struct compose *c, const char *source, struct snapshot *s,
                        const struct ctr *k, size_t n)
{
    struct service *svc = snapshot_add_service(s);
    struct dockerstats_total t;
    int unknown = 0;
    const char *why_unknown = "";
    if (svc == NULL)
        return;
    text_printf(svc->name, sizeof(svc->name), "%s", k[0].service);
    text_printf(svc->source, sizeof(svc->source), "%s", source);
    text_printf(svc->namespace_, sizeof(svc->namespace_), "%s", c->project);
    text_printf(svc->scope, sizeof(svc->scope), "project");
    text_printf(svc->kind, sizeof(svc->kind), "compose");
    text_printf(svc->scope, sizeof(svc->scope), "project");
    dockerstats_total_init(&t);
    for (size_t i = 0; i < n; i++) {
        if (k[i].gone || strcmp(k[i].state, "removing") == 0)
            continue;
        bool running = strcmp(k[i].state, "running") == 0;
        bool ready = running && !is_looping(&k[i]) &&
                     (k[i].health[0] == '\0' || strcmp(k[i].health, "healthy") == 0);
        svc->desired++;
        svc->ready += ready;
        svc->available += running;
        svc->updated++;
        if (k[i].fixed_name) {
            svc->unscalable = true;
            model_set_text(&svc->unscalable_why, COMPOSE_FIXED_WHY);
        }
        add_pod(svc, &k[i], ready);
        if (!running && !is_paused(&k[i]))
            continue;
        if (!k[i].have_stats && unknown++ == 0)
            why_unknown = k[i].stats_err;
        dockerstats_total_add(&t, k[i].have_stats ? &k[i].use : NULL, &k[i].lim);
    }
    dockerstats_total_finish(&t);
    mark_unscalable(c, svc, k, n);
    svc->cpu_pct = t.cpu_pct;
    text_printf(svc->cpu_of, sizeof(svc->cpu_of), "limit");
    svc->mem_pct = t.mem_pct;
    svc->cpu_cores = t.cpu_cores;
    svc->mem_bytes = t.mem_bytes;
    svc->res.cpu_limit = t.cpu_limit;
    svc->res.mem_limit = t.mem_limit;
    status_list(svc, "exited", k, n, is_exited, true);
    status_list(svc, "unhealthy", k, n, is_unhealthy, false);
    status_loops(svc, k, n);
    status_list(svc, "paused", k, n, is_paused, false);
    status_list(svc, "health: starting", k, n, is_starting, false);
    if (unknown > 0) {
        char title[64];
        text_printf(title, sizeof(title), "stats unknown for %d of %d", unknown, t.containers);
        status_add(svc, title, why_unknown);
    }
}

/* The runbook's cpu and memory readings, for the services the metric rules name. */
static void add_readings(const struct compose *c, struct snapshot *s)
{
    for (size_t r = 0; r < c->n_rules; r++) {
        for (size_t i = 0; i < s->n_services; i++) {
            const struct service *svc = &s->services[i];
            if (strcmp(svc->name, c->rules[r].service) != 0)
                continue;
            bool cpu = strcmp(c->rules[r].metric, "cpu") == 0;
            double v = cpu ? svc->cpu_pct : svc->mem_pct;
            struct reading *rd =
                snapshot_add_reading(s, c->rules[r].metric, svc->name, s->taken_at, v);
            if (rd == NULL || !isnan(v))
                continue;
            double limit = cpu ? svc->res.cpu_limit : svc->res.mem_limit;
            text_printf(rd->note, sizeof(rd->note), "%s",
                        limit <= 0 ? (cpu ? "no cpu limit: absolute figure only"
                                          : "no memory limit: absolute figure only")
                                   : "stats unknown");
        }
    }
}

static void build_snapshot(struct compose *c, const char *source, struct ctr *k, size_t n,
                           struct snapshot *out)
{
    out->taken_at = now_wall();
    text_printf(out->context, sizeof(out->context), "%s", c->project);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && strcmp(k[j].service, k[i].service) == 0)
            j++;
        add_service(c, source, out, &k[i], j - i);
        i = j;
    }
    add_readings(c, out);
    enum compose_tool t = compose_detect(c);
    pthread_mutex_lock(&c->lock);
    text_printf(out->notice, sizeof(out->notice), "%s%s%s",
                t == COMPOSE_TOOL_V2   ? "scales with docker compose (v2) "
                : t == COMPOSE_TOOL_V1 ? "scales with docker-compose (v1) "
                                       : "no compose to scale with",
                c->tool_version, n == 0 ? "; " : "");
    pthread_mutex_unlock(&c->lock);
    if (n == 0)
        text_printf(out->notice + strlen(out->notice), sizeof(out->notice) - strlen(out->notice),
                    "no containers carry the label " LABEL_PROJECT "=%s", c->project);
}

static int compose_poll(struct source *src, struct snapshot *out, char *err, size_t errlen)
{
    struct compose *c = src->priv;
    cJSON *list = NULL;
    struct ctr *k = NULL;
    size_t n = 0;
    int rc = -1;
    if (check_socket(c, err, errlen) < 0)
        goto out;
    if (c->api[0] == '\0' && negotiate(c, c->http, c->api, sizeof(c->api), err, errlen) < 0)
        goto out;
    if (list_containers(c, c->http, c->api, NULL, &list, err, errlen) < 0)
        goto out;
    k = read_list(c, list, &n);
    if (k == NULL) {
        text_printf(err, errlen, "docker: out of memory reading %d containers",
                    cJSON_GetArraySize(list));
        goto out;
    }
    fetch_details(c, k, n);
    build_snapshot(c, src->name, k, n, out);
    c->polled = true;
    rc = 0;
out:
    if (rc < 0)
        c->api[0] = '\0'; /* ask again: the engine may have been restarted or upgraded */
    free(k);
    cJSON_Delete(list);
    return rc;
}

/* ---- scaling ---- */

/* Read the service again just before running anything: refuse when it moved since the
 * operator looked, or when a fixed container_name makes compose unable to scale it. */
static int check_live(const struct compose *c, const struct scale_request *req, char *label,
                      size_t label_len, char *msg, size_t msglen)
{
    char api[16], e[FT_TEXT_MAX];
    cJSON *list = NULL;
    struct ctr *k = NULL;
    size_t n = 0, count = 0;
    int rc = -1;
    struct http_client *h = http_client_new(&c->opts, e, sizeof(e));
    if (h == NULL || check_socket(c, e, sizeof(e)) < 0 ||
        negotiate(c, h, api, sizeof(api), e, sizeof(e)) < 0 ||
        list_containers(c, h, api, req->service, &list, e, sizeof(e)) < 0) {
        text_printf(msg, msglen, "%s: nothing was run", e);
        goto out;
    }
    k = read_list(c, list, &n);
    for (size_t i = 0; k != NULL && i < n; i++) {
        if (strcmp(k[i].service, req->service) != 0 || strcmp(k[i].state, "removing") == 0)
            continue;
        count++;
        if (label[0] == '\0')
            text_printf(label, label_len, "%s", k[i].file);
        if (k[i].fixed_name) {
            text_printf(msg, msglen, "%s %s: nothing was run", req->service, COMPOSE_FIXED_WHY);
            goto out;
        }
    }
    if ((int)count != req->from) {
        text_printf(msg, msglen, "%s has %zu containers now, not %d as shown: nothing was run",
                    req->service, count, req->from);
        goto out;
    }
    rc = 0;
out:
    free(k);
    cJSON_Delete(list);
    http_client_free(h);
    return rc;
}

static int run_scale(const struct compose *c, const struct scale_request *req,
                     const struct compose_argv *a, char *msg, size_t msglen)
{
    const char *tool = a->argv[0][strlen("docker")] == '\0' ? "docker compose" : "docker-compose";
    const char *env[2] = {c->host_env[0] ? c->host_env : NULL, NULL};
    struct command_result r;
    char e[FT_TEXT_MAX], last[FT_TEXT_MAX];
    if (command_run(a->argv, env, c->scale_timeout_s, OUTPUT_CAP, &r, e, sizeof(e)) < 0) {
        text_printf(msg, msglen, "%s: cannot run %s", tool, e);
        return -1;
    }
    compose_error_line(r.output, r.len, last, sizeof(last));
    int rc = -1;
    if (r.timed_out)
        text_printf(msg, msglen, "%s did not finish in %g s and was stopped%s%s", tool,
                    c->scale_timeout_s, last[0] ? ": " : "", last);
    else if (r.signal != 0)
        text_printf(msg, msglen, "%s was killed by signal %d%s%s", tool, r.signal,
                    last[0] ? ": " : "", last);
    else if (r.exit_status != 0)
        text_printf(msg, msglen, "%s exited %d%s%s", tool, r.exit_status, last[0] ? ": " : "",
                    last);
    else {
        text_printf(msg, msglen, "scaled %s %d -> %d", req->service, req->from, req->to);
        rc = 0;
    }
    command_result_free(&r);
    return rc;
}

static int compose_scale(struct source *src, const struct scale_request *req, char *msg,
                         size_t msglen)
{
    struct compose *c = src->priv;
    struct compose_argv a;
    if (req->namespace_[0] != '\0' && strcmp(req->namespace_, c->project) != 0) {
        text_printf(msg, msglen, "%s is in project %s, not %s: nothing was run", req->service,
                    req->namespace_, c->project);
        return -1;
    }
    if (req->set_autoscaler_min) {
        text_printf(msg, msglen,
                    "%s has no autoscaler in Compose whose minimum could be raised: "
                    "nothing was run",
                    req->service);
        return -1;
    }
    char label[PATH_MAX] = "", file[PATH_MAX];
    if (check_live(c, req, label, sizeof(label), msg, msglen) < 0)
        return -1;
    enum compose_tool tool = compose_detect(c);
    if (tool == COMPOSE_TOOL_NONE) {
        text_printf(msg, msglen, "%s %s: nothing was run", req->service, COMPOSE_NONE_WHY);
        return -1;
    }
    if (!scale_file(c, label, file, sizeof(file))) {
        text_printf(msg, msglen, "%s %s: nothing was run", req->service, COMPOSE_NOFILE_WHY);
        return -1;
    }
    if (compose_tool_argv(&a, tool, c->project, file, req->service, req->to, msg, msglen) < 0)
        return -1;
    return run_scale(c, req, &a, msg, msglen);
}

/* ---- construction ---- */

static void compose_destroy(struct source *src)
{
    struct compose *c = src->priv;
    if (c != NULL) {
        join_asker(c);
        http_client_free(c->http);
        free(c->seen);
        pthread_mutex_destroy(&c->lock);
        pthread_mutex_destroy(&c->join_lock);
    }
    free(c);
    free(src);
}

static const struct source_ops compose_ops = {
    .kind = "compose",
    .poll = compose_poll,
    .scale = compose_scale,
    .destroy = compose_destroy,
};

/* Where the engine is: the config's docker_host, else DOCKER_HOST, else the default
 * socket (etc/forgetop.conf and the man page say so). docker compose is pointed at the
 * same engine. */
static int set_endpoint(struct compose *c, const struct config *cfg, char *err, size_t errlen)
{
    const char *env = getenv("DOCKER_HOST"), *host = cfg->docker_host;
    const char *verify = getenv("DOCKER_TLS_VERIFY"), *certs = getenv("DOCKER_CERT_PATH");
    const char *home = getenv("HOME");
    bool tls = verify != NULL && verify[0] != '\0' && strcmp(verify, "0") != 0;
    if (host[0] != '\0')
        text_printf(c->host_env, sizeof(c->host_env), "DOCKER_HOST=%s", host);
    else if (env != NULL)
        host = env;
    if (compose_parse_host(host, tls, &c->ep, err, errlen) < 0)
        return -1;
    if (c->ep.tls) {
        char dir[PATH_MAX];
        text_printf(dir, sizeof(dir), "%s", certs ? certs : "");
        if (dir[0] == '\0')
            text_printf(dir, sizeof(dir), "%s/.docker", home ? home : "");
        text_printf(c->ca, sizeof(c->ca), "%s/ca.pem", dir);
        text_printf(c->cert, sizeof(c->cert), "%s/cert.pem", dir);
        text_printf(c->key, sizeof(c->key), "%s/key.pem", dir);
        c->opts.ca_file = c->ca;
        c->opts.cert_file = c->cert;
        c->opts.key_file = c->key;
    }
    return 0;
}

static void copy_rules(struct compose *c, const struct config *cfg)
{
    for (size_t i = 0; i < cfg->n_metrics && c->n_rules < MAX_RULES; i++) {
        const struct metric_rule *r = &cfg->metrics[i];
        if (r->service[0] == '\0' || (strcmp(r->id, "cpu") != 0 && strcmp(r->id, "memory") != 0))
            continue;
        text_printf(c->rules[c->n_rules].metric, FT_ID_MAX, "%s", r->id);
        text_printf(c->rules[c->n_rules].service, FT_NAME_MAX, "%s", r->service);
        c->n_rules++;
    }
}

struct source *compose_source_new(const struct config *cfg, char *err, size_t errlen)
{
    struct source *src = calloc(1, sizeof(*src));
    struct compose *c = calloc(1, sizeof(*c));
    if (src == NULL || c == NULL) {
        text_printf(err, errlen, "compose: out of memory");
        goto fail;
    }
    src->priv = c;
    pthread_mutex_init(&c->lock, NULL);
    pthread_mutex_init(&c->join_lock, NULL);
    compose_project_name(cfg->compose_project, getenv("COMPOSE_PROJECT_NAME"), cfg->compose_file,
                         c->project, sizeof(c->project));
    if (!compose_name(c->project)) {
        text_printf(err, errlen,
                    "compose: %s: give the project with --compose-project NAME or "
                    "project = NAME under [compose]",
                    c->project[0] ? "not a compose project name" : "no project");
        goto fail;
    }
    text_printf(c->file, sizeof(c->file), "%s", cfg->compose_file);
    /* the project as resolved (flag, COMPOSE_PROJECT_NAME, the file's folder) */
    text_printf(src->context, sizeof(src->context), "%s", c->project);
    text_printf(src->namespace_, sizeof(src->namespace_), "%s", c->project);
    if (set_endpoint(c, cfg, err, errlen) < 0)
        goto fail;
    c->opts.connect_timeout_s = cfg->connect_timeout_s;
    c->opts.timeout_s = cfg->request_timeout_s;
    c->opts.max_body = MAX_BODY;
    c->opts.unix_socket = c->ep.socket[0] ? c->ep.socket : NULL;
    c->http = http_client_new(&c->opts, err, errlen);
    if (c->http == NULL)
        goto fail;
    /* compose up may start containers and wait on them: far longer than one request */
    c->scale_timeout_s = 12 * (cfg->request_timeout_s > 0 ? cfg->request_timeout_s : 10);
    copy_rules(c, cfg);
    src->ops = &compose_ops;
    text_printf(src->name, sizeof(src->name), "compose");
    src->interval_s = config_poll_interval(cfg);
    c->asking = pthread_create(&c->asker, NULL, asker_main, c) == 0;
    return src;
fail:
    if (src != NULL)
        compose_destroy(src);
    else
        free(c);
    return NULL;
}
