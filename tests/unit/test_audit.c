/* test_audit.c - each scale attempt is one valid JSON line with every field, appended to
 * a file only its owner can read, in directories only its owner can enter. */

#include <cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "forgetop/audit.h"

static char dir[64];

static void make_dir(void)
{
    strcpy(dir, "/tmp/forgetop-audit-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(audit, .init = make_dir, .fini = remove_dir);

static struct scale_request request(void)
{
    struct scale_request r = {0};
    strcpy(r.source, "kube");
    strcpy(r.service, "api");
    strcpy(r.namespace_, "open-forge");
    r.from = 5;
    r.to = 7;
    strcpy(r.reason, "cpu 92% / target 70% -> ceil(5 x 1.31) = 7");
    return r;
}

/* Read the file's lines; returns how many, each parsed into objs. */
static size_t read_lines(const char *path, cJSON **objs, size_t max)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "no audit file at %s", path);
    char line[4096];
    size_t n = 0;
    while (fgets(line, sizeof line, f) != NULL && n < max) {
        cr_assert(line[strlen(line) - 1] == '\n', "each record ends its line");
        objs[n] = cJSON_Parse(line);
        cr_assert_not_null(objs[n], "not JSON: %s", line);
        n++;
    }
    fclose(f);
    return n;
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    cr_assert(cJSON_IsString(v), "%s is not a string", key);
    return v->valuestring;
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    cr_assert(cJSON_IsNumber(v), "%s is not a number", key);
    return v->valuedouble;
}

Test(audit, writes_one_json_line_with_every_field)
{
    char path[128], err[256], host[256] = "";
    snprintf(path, sizeof path, "%s/audit.log", dir);
    struct scale_request r = request();
    cr_assert_eq(audit_write(path, &r, "requested", "", 1700000000.25, err, sizeof err), 0, "%s",
                 err);
    cJSON *o[4];
    cr_assert_eq(read_lines(path, o, 4), 1);
    cr_expect_str_eq(str(o[0], "time"), "2023-11-14T22:13:20.250Z");
    cr_expect_neq(str(o[0], "user")[0], '\0');
    gethostname(host, sizeof host - 1);
    cr_expect_str_eq(str(o[0], "host"), host);
    cr_expect_str_eq(str(o[0], "source"), "kube");
    cr_expect_str_eq(str(o[0], "target"), "api");
    cr_expect_str_eq(str(o[0], "namespace"), "open-forge");
    cr_expect_eq(num(o[0], "from"), 5);
    cr_expect_eq(num(o[0], "to"), 7);
    cr_expect_str_eq(str(o[0], "reason"), "cpu 92% / target 70% -> ceil(5 x 1.31) = 7");
    cr_expect_str_eq(str(o[0], "result"), "requested");
    cr_expect_str_eq(str(o[0], "message"), "");
    cJSON_Delete(o[0]);
}

Test(audit, creates_the_file_0600_in_directories_0700)
{
    char path[128], err[256], sub[128];
    snprintf(path, sizeof path, "%s/state/forgetop/audit.log", dir);
    struct scale_request r = request();
    cr_assert_eq(audit_write(path, &r, "refused", "read-only", 1, err, sizeof err), 0, "%s", err);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_expect_eq(st.st_mode & 0777, 0600);
    snprintf(sub, sizeof sub, "%s/state", dir);
    cr_assert_eq(stat(sub, &st), 0);
    cr_expect_eq(st.st_mode & 0777, 0700);
    snprintf(sub, sizeof sub, "%s/state/forgetop", dir);
    cr_assert_eq(stat(sub, &st), 0);
    cr_expect_eq(st.st_mode & 0777, 0700);
}

Test(audit, tightens_a_log_others_could_read)
{
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/audit.log", dir);
    FILE *f = fopen(path, "w");
    fclose(f);
    chmod(path, 0644);
    struct scale_request r = request();
    cr_assert_eq(audit_write(path, &r, "applied", "scaled", 1, err, sizeof err), 0, "%s", err);
    struct stat st;
    stat(path, &st);
    cr_expect_eq(st.st_mode & 0777, 0600);
}

Test(audit, refuses_anything_but_a_regular_file_and_leaves_it_alone)
{
    char link[128], err[256];
    struct stat before, after;
    cr_assert_eq(stat("/dev/null", &before), 0);
    snprintf(link, sizeof link, "%s/audit.log", dir);
    cr_assert_eq(symlink("/dev/null", link), 0);
    struct scale_request r = request();
    int rc = audit_write(link, &r, "applied", "scaled", 1, err, sizeof err);
    cr_assert_eq(stat("/dev/null", &after), 0);
    if ((after.st_mode & 0777) != (before.st_mode & 0777))
        chmod("/dev/null", before.st_mode & 0777); /* put the machine back before failing */
    cr_expect_eq(after.st_mode & 0777, before.st_mode & 0777, "/dev/null's mode was changed");
    cr_expect_eq(rc, -1, "a scale recorded into /dev/null is not recorded");
    cr_expect(strstr(err, "not a regular file") != NULL, "%s", err);
}

Test(audit, appends_one_line_per_attempt)
{
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/audit.log", dir);
    struct scale_request r = request();
    static const char *const results[] = {"requested", "applied", "refused", "failed"};
    for (size_t i = 0; i < 4; i++)
        cr_assert_eq(audit_write(path, &r, results[i], "m", 1, err, sizeof err), 0, "%s", err);
    cJSON *o[8];
    cr_assert_eq(read_lines(path, o, 8), 4);
    for (size_t i = 0; i < 4; i++) {
        cr_expect_str_eq(str(o[i], "result"), results[i]);
        cJSON_Delete(o[i]);
    }
}

Test(audit, escapes_quotes_and_control_characters)
{
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/audit.log", dir);
    struct scale_request r = request();
    strcpy(r.reason, "say \"hi\"\n{\\}\t\x1b[2J");
    cr_assert_eq(audit_write(path, &r, "failed", "409 Conflict:\n\"moved\"", 1, err, sizeof err),
                 0);
    cJSON *o[4];
    cr_assert_eq(read_lines(path, o, 4), 1, "a newline in a field must not split the record");
    cr_expect_str_eq(str(o[0], "reason"), "say \"hi\"\n{\\}\t\x1b[2J");
    cr_expect_str_eq(str(o[0], "message"), "409 Conflict:\n\"moved\"");
    cJSON_Delete(o[0]);
}

Test(audit, a_path_it_cannot_create_is_an_error_naming_it)
{
    char path[160], file[128], err[256] = "", want[300];
    snprintf(file, sizeof file, "%s/plain", dir);
    FILE *f = fopen(file, "w");
    fclose(f);
    snprintf(path, sizeof path, "%s/sub/audit.log", file);
    struct scale_request r = request();
    cr_expect_eq(audit_write(path, &r, "requested", "", 1, err, sizeof err), -1);
    snprintf(want, sizeof want, "audit: cannot create %s/sub: Not a directory", file);
    cr_expect_str_eq(err, want);
    cr_expect_eq(audit_write("", &r, "requested", "", 1, err, sizeof err), -1);
    cr_expect_str_eq(err, "audit: no log file configured");
}

Test(audit, default_path_follows_xdg_state_home_then_home)
{
    char path[4096];
    setenv("XDG_STATE_HOME", "/srv/state", 1);
    audit_default_path(path, sizeof path);
    cr_expect_str_eq(path, "/srv/state/forgetop/audit.log");
    unsetenv("XDG_STATE_HOME");
    setenv("HOME", "/home/oncall", 1);
    audit_default_path(path, sizeof path);
    cr_expect_str_eq(path, "/home/oncall/.local/state/forgetop/audit.log");
    setenv("XDG_STATE_HOME", "relative/ignored", 1);
    audit_default_path(path, sizeof path);
    cr_expect_str_eq(path, "/home/oncall/.local/state/forgetop/audit.log",
                     "the XDG spec ignores a relative path");
}
