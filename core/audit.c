/* audit.c - the record of every scale attempt: one JSON line each, appended and fsync'd
 * before the request goes anywhere, in a file only its owner can read.
 *
 * Whole lines only, on an O_APPEND descriptor under flock, so two forgetops sharing a log
 * never interleave their lines and a full disk never leaves half of one. cJSON does the
 * escaping. */

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>

#include "forgetop/audit.h"
#include "forgetop/text.h"

void audit_default_path(char *out, size_t len)
{
    const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    if (state != NULL && state[0] == '/') {
        text_printf(out, len, "%s/forgetop/audit.log", state);
        return;
    }
    if (home == NULL || home[0] == '\0') {
        struct passwd *pw = getpwuid(getuid());
        home = pw != NULL ? pw->pw_dir : "/";
    }
    text_printf(out, len, "%s/.local/state/forgetop/audit.log", home);
}

/* mkdir -p of the directory holding path, each new directory 0700. */
static int make_parents(const char *path, char *err, size_t errlen)
{
    char dir[4096];
    text_printf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL || slash == dir)
        return 0;
    *slash = '\0';
    for (char *p = dir + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char keep = *p;
        *p = '\0';
        if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
            text_printf(err, errlen, "audit: cannot create %s: %s", dir, strerror(errno));
            return -1;
        }
        *p = keep;
        if (keep == '\0')
            return 0;
    }
}

static void iso_time(char *out, size_t len, double now)
{
    time_t s = (time_t)now;
    struct tm tm;
    int ms = (int)((now - (double)s) * 1000);
    if (ms < 0 || ms > 999)
        ms = 0;
    gmtime_r(&s, &tm);
    char base[32];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    text_printf(out, len, "%s.%03dZ", base, ms);
}

/* Who is at the keyboard: the account forgetop runs as, else $LOGNAME. */
static void who(char *out, size_t len)
{
    struct passwd *pw = getpwuid(geteuid());
    const char *logname = getenv("LOGNAME");
    if (pw != NULL && pw->pw_name != NULL)
        text_printf(out, len, "%s", pw->pw_name);
    else if (logname != NULL && logname[0] != '\0')
        text_printf(out, len, "%s", logname);
    else
        text_printf(out, len, "uid %ld", (long)geteuid());
}

/* What m, hold and resume change: the autoscaler's object and field, beside the service
 * it serves. KEDA's changes are the ScaledObject's, never the HPA it generates. */
static bool add_object(cJSON *o, const struct scale_request *req)
{
    char obj[FT_NAME_MAX + 32];
    if (!req->set_autoscaler_min && !req->keda && !req->hold && !req->resume)
        return true;
    snprintf(obj, sizeof obj, "%s/%s", req->keda ? "scaledobject" : "horizontalpodautoscaler",
             req->object[0] ? req->object : "?");
    const char *field = !req->keda                 ? "spec.minReplicas"
                        : req->hold || req->resume ? "metadata.annotations." KEDA_PAUSED_ANNOTATION
                                                   : "spec.minReplicaCount";
    const char *action = req->hold ? "hold" : req->resume ? "resume" : "min";
    return cJSON_AddBoolToObject(o, "autoscaler_min", req->set_autoscaler_min) &&
           cJSON_AddStringToObject(o, "action", action) &&
           cJSON_AddStringToObject(o, "object", obj) && cJSON_AddStringToObject(o, "field", field);
}

static bool add_request(cJSON *o, const struct scale_request *req)
{
    return cJSON_AddStringToObject(o, "source", req->source) &&
           cJSON_AddStringToObject(o, "target", req->service) &&
           cJSON_AddStringToObject(o, "namespace", req->namespace_) &&
           cJSON_AddNumberToObject(o, "from", req->from) &&
           (req->to >= 0 ? cJSON_AddNumberToObject(o, "to", req->to) != NULL
                         : cJSON_AddNullToObject(o, "to") != NULL) &&
           cJSON_AddStringToObject(o, "reason", req->reason) && add_object(o, req) &&
           (!req->danger[0] || cJSON_AddStringToObject(o, "danger", req->danger));
}

/* The line, newline included; NULL when out of memory. */
static char *audit_line(const struct audit_entry *e, double now)
{
    char when[40], user[64], host[256] = "";
    iso_time(when, sizeof when, now);
    who(user, sizeof user);
    if (gethostname(host, sizeof host - 1) < 0)
        host[0] = '\0';
    cJSON *o = cJSON_CreateObject();
    char *text = NULL, *line = NULL;
    if (o == NULL)
        return NULL;
    if (!cJSON_AddStringToObject(o, "time", when) || !cJSON_AddStringToObject(o, "user", user) ||
        !cJSON_AddStringToObject(o, "host", host) || !add_request(o, e->req) ||
        !cJSON_AddStringToObject(o, "result", e->result) ||
        !cJSON_AddStringToObject(o, "message", e->message != NULL ? e->message : "") ||
        !cJSON_AddBoolToObject(o, "production", e->production) ||
        !cJSON_AddBoolToObject(o, "read_only", e->read_only))
        goto out;
    text = cJSON_PrintUnformatted(o);
    if (text == NULL)
        goto out;
    size_t n = strlen(text);
    line = malloc(n + 2);
    if (line != NULL) {
        memcpy(line, text, n);
        memcpy(line + n, "\n", 2);
    }
out:
    cJSON_free(text);
    cJSON_Delete(o);
    return line;
}

/* A line cut short before (a kill mid-write, an older forgetop on a full disk) would glue
 * the next record to it: start on a fresh line so only the broken one is unreadable. */
static bool ends_mid_line(int fd, off_t size)
{
    char last;
    return size > 0 && pread(fd, &last, 1, size - 1) == 1 && last != '\n';
}

/* The whole line or nothing: under an exclusive lock (forgetops sharing a log take turns),
 * from the end as found; a failed or short write is truncated back, so the file stays
 * valid JSON lines whatever the disk says. */
static int append_whole(int fd, const char *line, const char *path, char *err, size_t errlen)
{
    int rc = -1;
    struct stat st;
    if (flock(fd, LOCK_EX) < 0 || fstat(fd, &st) < 0) {
        text_printf(err, errlen, "audit: cannot lock %s: %s", path, strerror(errno));
        return -1;
    }
    size_t len = strlen(line), done = 0;
    if (ends_mid_line(fd, st.st_size) && write(fd, "\n", 1) != 1) {
        text_printf(err, errlen, "audit: cannot write %s: %s", path, strerror(errno));
        goto out;
    }
    while (done < len) {
        ssize_t w = write(fd, line + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            text_printf(err, errlen, "audit: cannot write %s: %s", path,
                        w < 0 ? strerror(errno) : "nothing written");
            goto out;
        }
        done += (size_t)w;
    }
    if (fsync(fd) < 0) {
        text_printf(err, errlen, "audit: cannot sync %s: %s", path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    /* the half line goes, so the file stays valid */
    if (rc < 0 && ftruncate(fd, st.st_size) < 0 && strlen(err) + 1 < errlen)
        text_printf(err + strlen(err), errlen - strlen(err), " (and cannot cut it back)");
    (void)flock(fd, LOCK_UN);
    return rc;
}

int audit_write(const char *path, const struct scale_request *req, const char *result,
                const char *message, double now, char *err, size_t errlen)
{
    struct audit_entry e = {.req = req, .result = result, .message = message};
    return audit_record(path, &e, now, err, errlen);
}

int audit_record(const char *path, const struct audit_entry *e, double now, char *err,
                 size_t errlen)
{
    int fd = -1, rc = -1;
    char *line = NULL;
    struct stat st;
    if (path == NULL || path[0] == '\0') {
        text_printf(err, errlen, "audit: no log file configured");
        return -1;
    }
    if (make_parents(path, err, errlen) < 0)
        return -1;
    fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600); /* read: its last byte */
    if (fd < 0) {
        text_printf(err, errlen, "audit: cannot open %s: %s", path, strerror(errno));
        goto out;
    }
    /* Only a plain file is a log: a device or a fifo would swallow the record (and, as
     * root, tightening /dev/null's mode below would break the machine). */
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        text_printf(err, errlen, "audit: %s is not a regular file", path);
        goto out;
    }
    /* A log that others can read leaks who scaled what: tighten one found loose. */
    if ((st.st_mode & 077) != 0 && st.st_uid == geteuid())
        (void)fchmod(fd, 0600);
    line = audit_line(e, now);
    if (line == NULL) {
        text_printf(err, errlen, "audit: out of memory");
        goto out;
    }
    if (append_whole(fd, line, path, err, errlen) < 0)
        goto out;
    rc = 0;
out:
    free(line);
    if (fd >= 0)
        close(fd);
    return rc;
}

/* One line of the log: a hold or resume of hpa that applied. */
static void held_line(const char *line, const char *obj, bool *held, int *prev)
{
    cJSON *o = cJSON_Parse(line);
    const cJSON *act = cJSON_GetObjectItemCaseSensitive(o, "action");
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(o, "result");
    const cJSON *ob = cJSON_GetObjectItemCaseSensitive(o, "object");
    const cJSON *from = cJSON_GetObjectItemCaseSensitive(o, "from");
    if (cJSON_IsString(act) && cJSON_IsString(res) && cJSON_IsString(ob) &&
        strcmp(res->valuestring, "applied") == 0 && strcmp(ob->valuestring, obj) == 0) {
        if (strcmp(act->valuestring, "hold") == 0 && cJSON_IsNumber(from)) {
            *held = true;
            *prev = from->valueint;
        } else if (strcmp(act->valuestring, "resume") == 0) {
            *held = false;
        }
    }
    cJSON_Delete(o);
}

int audit_held_min(const char *path, const char *hpa, int *prev)
{
    char obj[FT_NAME_MAX + 32], line[4096];
    bool held = false;
    FILE *f = path != NULL ? fopen(path, "r") : NULL;
    if (f == NULL)
        return -1;
    snprintf(obj, sizeof obj, "horizontalpodautoscaler/%s", hpa);
    while (fgets(line, sizeof line, f) != NULL)
        held_line(line, obj, &held, prev);
    fclose(f);
    return held ? 0 : -1;
}
