/* test_kubeconfig.c - kubeconfig files read as kubectl reads them: merged files, every
 * kind of credential, exec plugins with expiry, and the errors an operator sees. */

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "forgetop/kubeconfig.h"

static char dir[256];

static void setup(void)
{
    snprintf(dir, sizeof(dir), "/tmp/ft-kubeconfig-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    unsetenv("KUBECONFIG");
    unsetenv("KUBERNETES_SERVICE_HOST");
}

static void teardown(void)
{
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

/* Write text to dir/name (mode) and return its path in a static slot. */
static const char *put(const char *name, const char *text, mode_t mode)
{
    static char paths[8][512];
    static int slot;
    char *p = paths[slot++ % 8];
    snprintf(p, 512, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    cr_assert_not_null(f, "write %s", p);
    fputs(text, f);
    fclose(f);
    chmod(p, mode);
    return p;
}

static int load(struct kubeconfig *kc, const char *path, const char *ctx, const char *ns, char *err)
{
    return kubeconfig_load(kc, path, ctx, ns, err, 512);
}

static const char *file_a = "apiVersion: v1\n"
                            "kind: Config\n"
                            "current-context: alpha\n"
                            "clusters:\n"
                            "- name: c1\n"
                            "  cluster:\n"
                            "    server: https://a.example:6443/\n"
                            "    certificate-authority: ca.crt\n"
                            "contexts:\n"
                            "- name: alpha\n"
                            "  context: {cluster: c1, user: u1, namespace: open-forge}\n"
                            "users:\n"
                            "- name: u1\n"
                            "  user: {token: token-from-a}\n";

static const char *file_b = "current-context: beta\n"
                            "clusters:\n"
                            "- name: c1\n"
                            "  cluster: {server: https://shadowed.example}\n"
                            "- name: c2\n"
                            "  cluster:\n"
                            "    server: https://b.example\n"
                            "    certificate-authority: sub/ca.crt\n"
                            "    insecure-skip-tls-verify: true\n"
                            "    tls-server-name: api.internal\n"
                            "contexts:\n"
                            "- name: alpha\n"
                            "  context: {cluster: c2, user: u2}\n"
                            "- name: beta\n"
                            "  context: {cluster: c2, user: u2}\n"
                            "users:\n"
                            "- name: u2\n"
                            "  user: {username: admin, password: hunter2}\n";

Test(kubeconfig, merges_files_with_the_first_setting_winning, .init = setup, .fini = teardown)
{
    struct kubeconfig kc;
    char err[512] = "", list[2048];
    const char *a = put("a.yaml", file_a, 0600);
    mkdir(strcat(strcpy(list, dir), "/b"), 0700);
    const char *b = put("b/config", file_b, 0600);
    snprintf(list, sizeof(list), "%s:%s/missing:%s", a, dir, b);
    setenv("KUBECONFIG", list, 1);

    cr_assert_eq(load(&kc, NULL, NULL, NULL, err), 0, "%s", err);
    cr_expect_str_eq(kc.context, "alpha");
    cr_expect_str_eq(kc.server, "https://a.example:6443");
    cr_expect_str_eq(kc.namespace_, "open-forge");
    cr_expect_str_eq(kubeconfig_token(&kc), "token-from-a");
    cr_expect(strstr(kc.ca_file, "/ca.crt") && strncmp(kc.ca_file, dir, strlen(dir)) == 0);
    kubeconfig_free(&kc);

    cr_assert_eq(load(&kc, NULL, "beta", "other", err), 0, "%s", err);
    cr_expect_str_eq(kc.server, "https://b.example");
    cr_expect_str_eq(kc.namespace_, "other");
    cr_expect(kc.insecure);
    cr_expect_str_eq(kc.tls_server_name, "api.internal");
    cr_expect_str_eq(kc.username, "admin");
    cr_expect_str_eq(kc.password, "hunter2");
    char want[600];
    snprintf(want, sizeof(want), "%s/b/sub/ca.crt", dir);
    cr_expect_str_eq(kc.ca_file, want, "CA relative to the file that names it");
    kubeconfig_free(&kc);
}

Test(kubeconfig, reads_certificates_from_data_and_files, .init = setup, .fini = teardown)
{
    struct kubeconfig kc;
    char err[512] = "";
    size_t len;
    /* "Q0EK" = "CA\n", "Q0VSVAo=" = "CERT\n", "S0VZCg==" = "KEY\n" */
    const char *p = put("config",
                        "current-context: x\n"
                        "clusters: [{name: c, cluster: {server: 'https://h', "
                        "certificate-authority-data: Q0EK}}]\n"
                        "contexts: [{name: x, context: {cluster: c, user: u}}]\n"
                        "users:\n"
                        "- name: u\n"
                        "  user:\n"
                        "    client-certificate-data: Q0VSVAo=\n"
                        "    client-key-data: S0VZCg==\n",
                        0600);
    cr_assert_eq(load(&kc, p, NULL, NULL, err), 0, "%s", err);
    cr_expect_eq(kc.ca_len, 3);
    cr_expect_eq(memcmp(kc.ca_pem, "CA\n", 3), 0);
    cr_expect_str_eq(kubeconfig_cert(&kc, &len), "CERT\n");
    cr_expect_str_eq(kubeconfig_key(&kc, &len), "KEY\n");
    cr_expect_str_eq(kc.namespace_, "default");
    kubeconfig_free(&kc);

    p = put("config2",
            "current-context: x\n"
            "clusters: [{name: c, cluster: {server: 'https://h'}}]\n"
            "contexts: [{name: x, context: {cluster: c, user: u}}]\n"
            "users: [{name: u, user: {client-certificate: certs/me.crt, client-key: /k/me.key, "
            "tokenFile: tok}}]\n",
            0600);
    put("tok", "file-token\n", 0600);
    cr_assert_eq(load(&kc, p, NULL, NULL, err), 0, "%s", err);
    char want[600];
    snprintf(want, sizeof(want), "%s/certs/me.crt", dir);
    cr_expect_str_eq(kc.cert_file, want);
    cr_expect_str_eq(kc.key_file, "/k/me.key");
    bool changed;
    cr_assert_eq(kubeconfig_refresh(&kc, 1000, false, &changed, err, 512), 0, "%s", err);
    cr_expect(changed);
    cr_expect_str_eq(kubeconfig_token(&kc), "file-token");
    kubeconfig_free(&kc);
}

static const char *exec_config = "current-context: x\n"
                                 "clusters: [{name: c, cluster: {server: 'https://h'}}]\n"
                                 "contexts: [{name: x, context: {cluster: c, user: u}}]\n"
                                 "users:\n"
                                 "- name: u\n"
                                 "  user:\n"
                                 "    exec:\n"
                                 "      apiVersion: client.authentication.k8s.io/%s\n"
                                 "      command: ./plugin.sh\n"
                                 "      args: [tok, '%s']\n"
                                 "      env: [{name: SUFFIX, value: '-xyz'}]\n";

/* The plugin counts its runs in a file, and echoes back the exec info it was given. */
static const char *plugin = "#!/bin/sh\n"
                            "n=$(cat \"$(dirname \"$0\")/runs\" 2>/dev/null || echo 0)\n"
                            "echo $((n + 1)) > \"$(dirname \"$0\")/runs\"\n"
                            "case \"$KUBERNETES_EXEC_INFO\" in *ExecCredential*) ;; *) exit 3;; "
                            "esac\n"
                            "if [ \"$1\" = cert ]; then\n"
                            "  printf '{\"apiVersion\":\"client.authentication.k8s.io/v1\","
                            "\"kind\":\"ExecCredential\",\"status\":{\"clientCertificateData\":"
                            "\"CERTPEM\",\"clientKeyData\":\"KEYPEM\"}}'\n"
                            "  exit 0\n"
                            "fi\n"
                            "printf '{\"apiVersion\":\"client.authentication.k8s.io/%s\","
                            "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"%s%s-%s\","
                            "\"expirationTimestamp\":\"%s\"}}' \"$API\" \"$1\" \"$SUFFIX\" "
                            "\"$((n + 1))\" \"$2\"\n";

static void write_exec(const char *version, const char *arg)
{
    char cfg[2048];
    snprintf(cfg, sizeof(cfg), exec_config, version, arg);
    put("config", cfg, 0600);
    put("plugin.sh", plugin, 0700);
    setenv("API", version, 1);
}

Test(kubeconfig, runs_the_exec_plugin_and_reuses_its_token_until_expiry, .init = setup,
     .fini = teardown)
{
    struct kubeconfig kc;
    char err[512] = "", path[512];
    bool changed;
    double expiry = 1520299820.0; /* 2018-03-05T17:30:20-08:00 */
    write_exec("v1", "2018-03-05T17:30:20-08:00");
    snprintf(path, sizeof(path), "%s/config", dir);
    cr_assert_eq(load(&kc, path, NULL, NULL, err), 0, "%s", err);
    cr_expect(kc.has_exec);

    cr_assert_eq(kubeconfig_refresh(&kc, expiry - 100, false, &changed, err, 512), 0, "%s", err);
    cr_expect(changed);
    cr_expect_str_eq(kubeconfig_token(&kc), "tok-xyz-1");
    cr_expect_eq(kc.cred.expires_at, expiry);

    cr_assert_eq(kubeconfig_refresh(&kc, expiry - 50, false, &changed, err, 512), 0, "%s", err);
    cr_expect_not(changed, "reused before expiry");
    cr_expect_eq(kc.exec_runs, 1);

    cr_assert_eq(kubeconfig_refresh(&kc, expiry + 1, false, &changed, err, 512), 0, "%s", err);
    cr_expect(changed, "ran again once expired");
    cr_expect_str_eq(kubeconfig_token(&kc), "tok-xyz-2");

    cr_assert_eq(kubeconfig_refresh(&kc, expiry + 2, true, &changed, err, 512), 0, "%s", err);
    cr_expect_str_eq(kubeconfig_token(&kc), "tok-xyz-3", "a 401 forces a new run");
    cr_expect_eq(kc.exec_runs, 3);
    kubeconfig_free(&kc);
}

Test(kubeconfig, reads_v1beta1_plugins_and_client_certificates, .init = setup, .fini = teardown)
{
    struct kubeconfig kc;
    char err[512] = "", path[512];
    bool changed;
    size_t len;
    write_exec("v1beta1", "2030-01-01T00:00:00Z");
    snprintf(path, sizeof(path), "%s/config", dir);
    cr_assert_eq(load(&kc, path, NULL, NULL, err), 0, "%s", err);
    cr_assert_eq(kubeconfig_refresh(&kc, 1000, false, &changed, err, 512), 0, "%s", err);
    cr_expect_str_eq(kubeconfig_token(&kc), "tok-xyz-1");
    kubeconfig_free(&kc);

    write_exec("v1", "2030-01-01T00:00:00Z");
    char cfg[2048];
    snprintf(cfg, sizeof(cfg), exec_config, "v1", "x");
    char *t = strstr(cfg, "[tok, ");
    memcpy(t, "[cert,", 6);
    put("config", cfg, 0600);
    cr_assert_eq(load(&kc, path, NULL, NULL, err), 0, "%s", err);
    cr_assert_eq(kubeconfig_refresh(&kc, 1000, false, &changed, err, 512), 0, "%s", err);
    cr_expect_str_eq(kubeconfig_cert(&kc, &len), "CERTPEM");
    cr_expect_str_eq(kubeconfig_key(&kc, &len), "KEYPEM");
    cr_expect_eq(kc.cred.expires_at, 0, "no expiry: kept until a 401");
    kubeconfig_free(&kc);
}

Test(kubeconfig, plugin_failures_name_the_plugin_and_never_the_secret, .init = setup,
     .fini = teardown)
{
    struct kubeconfig kc;
    char err[512] = "", path[512];
    bool changed;
    /* Wrong apiVersion in the output: refused, and the token in it is not quoted. */
    write_exec("v1", "2030-01-01T00:00:00Z");
    setenv("API", "v1beta1", 1);
    snprintf(path, sizeof(path), "%s/config", dir);
    cr_assert_eq(load(&kc, path, NULL, NULL, err), 0, "%s", err);
    cr_expect_eq(kubeconfig_refresh(&kc, 1000, false, &changed, err, 512), -1);
    cr_expect(strstr(err, "plugin.sh") != NULL, "%s", err);
    cr_expect(strstr(err, "tok-xyz") == NULL, "secret leaked: %s", err);
    kubeconfig_free(&kc);

    put("plugin.sh", "#!/bin/sh\necho 'not logged in' >&2\nexit 4\n", 0700);
    cr_assert_eq(load(&kc, path, NULL, NULL, err), 0, "%s", err);
    cr_expect_eq(kubeconfig_refresh(&kc, 1000, false, &changed, err, 512), -1);
    cr_expect(strstr(err, "exited with status 4: not logged in") != NULL, "%s", err);
    kubeconfig_free(&kc);

    put("plugin.sh", "#!/bin/sh\nsleep 5\n", 0700);
    cr_assert_eq(load(&kc, path, NULL, NULL, err), 0, "%s", err);
    kc.exec_timeout_s = 0.3;
    cr_expect_eq(kubeconfig_refresh(&kc, 1000, false, &changed, err, 512), -1);
    cr_expect(strstr(err, "no answer") != NULL, "%s", err);
    kubeconfig_free(&kc);
    put("plugin.sh", "#!/bin/sh\nexec >&- 2>&-\nsleep 5\n", 0700);
    cr_assert_eq(load(&kc, path, NULL, NULL, err), 0, "%s", err);
    kc.exec_timeout_s = 0.3; /* output closed, still running */
    cr_expect_eq(kubeconfig_refresh(&kc, 1000, false, &changed, err, 512), -1);
    cr_expect(strstr(err, "no answer") != NULL, "%s", err);
    kubeconfig_free(&kc);

    unlink(path);
    char cfg[2048];
    snprintf(cfg, sizeof(cfg), exec_config, "v1", "x");
    *strstr(cfg, "./plugin.sh") = 'X';
    put("config", cfg, 0600);
    cr_assert_eq(load(&kc, path, NULL, NULL, err), 0, "%s", err);
    cr_expect_eq(kubeconfig_refresh(&kc, 1000, false, &changed, err, 512), -1);
    cr_expect(strstr(err, "cannot run") != NULL, "%s", err);
    kubeconfig_free(&kc);
}

Test(kubeconfig, names_the_file_when_it_is_missing_or_malformed, .init = setup, .fini = teardown)
{
    struct kubeconfig kc;
    char err[512] = "", path[512];
    snprintf(path, sizeof(path), "%s/nope", dir);
    cr_expect_eq(load(&kc, path, NULL, NULL, err), -1);
    cr_expect(strstr(err, path) && strstr(err, "No such file"), "%s", err);

    const char *p = put("bad", "current-context: x\nclusters:\n  - name: [unclosed\n", 0600);
    cr_expect_eq(load(&kc, p, NULL, NULL, err), -1);
    char want[600];
    snprintf(want, sizeof(want), "%s: line 4:", p);
    cr_expect(strncmp(err, want, strlen(want)) == 0, "want '%s...', got '%s'", want, err);

    p = put("noctx", file_a, 0600);
    cr_expect_eq(load(&kc, p, "prod", NULL, err), -1);
    snprintf(want, sizeof(want), "context \"prod\" not found in %s", p);
    cr_expect_str_eq(err, want);

    p = put("noserver",
            "current-context: x\nclusters:\n- name: c\n  cluster: {}\n"
            "contexts: [{name: x, context: {cluster: c}}]\n",
            0600);
    cr_expect_eq(load(&kc, p, NULL, NULL, err), -1);
    cr_expect(strstr(err, ": line 4: cluster \"c\" has no server") != NULL, "%s", err);

    p = put("b64",
            "current-context: x\nclusters: [{name: c, cluster: {server: h}}]\n"
            "contexts: [{name: x, context: {cluster: c, user: u}}]\n"
            "users: [{name: u, user: {client-key-data: 'c2VjcmV0!!'}}]\n",
            0600);
    cr_expect_eq(load(&kc, p, NULL, NULL, err), -1);
    cr_expect(strstr(err, "client-key-data is not valid base64") != NULL, "%s", err);
    cr_expect(strstr(err, "c2VjcmV0") == NULL, "secret leaked: %s", err);
}

Test(kubeconfig, uses_the_service_account_inside_a_pod, .init = setup, .fini = teardown)
{
    struct kubeconfig kc;
    char err[512] = "";
    bool changed;
    put("token", "sa-token\n", 0600);
    put("namespace", "open-forge\n", 0600);
    setenv("KUBERNETES_SERVICE_HOST", "10.0.0.1", 1);
    setenv("KUBERNETES_SERVICE_PORT", "443", 1);
    setenv("FORGETOP_SERVICEACCOUNT_DIR", dir, 1);
    cr_assert_eq(load(&kc, NULL, NULL, NULL, err), 0, "%s", err);
    cr_expect(kc.in_cluster);
    cr_expect_str_eq(kc.server, "https://10.0.0.1:443");
    cr_expect_str_eq(kc.namespace_, "open-forge");
    cr_assert_eq(kubeconfig_refresh(&kc, 1, false, &changed, err, 512), 0, "%s", err);
    cr_expect_str_eq(kubeconfig_token(&kc), "sa-token");
    kubeconfig_free(&kc);
}

Test(kubeconfig, decodes_base64_and_refuses_garbage)
{
    size_t n;
    char *s = kubeconfig_base64_decode("aGVs\nbG8=", &n);
    cr_assert_not_null(s);
    cr_expect_eq(n, 5);
    cr_expect_str_eq(s, "hello");
    free(s);
    cr_expect_null(kubeconfig_base64_decode("aGV*bG8=", &n));
    cr_expect_null(kubeconfig_base64_decode("aG=Vs", &n));
}

/* 200 KB of nested brackets once took libyaml's loader a minute: the depth is refused
 * first, with the line, and so is a file larger than any kubeconfig. */
Test(kubeconfig, refuses_deep_or_huge_yaml_before_loading_it, .init = setup, .fini = teardown)
{
    struct kubeconfig kc;
    char err[512] = "";
    size_t n = 100000;
    char *deep = malloc(2 * n + 2);
    cr_assert_not_null(deep);
    memset(deep, '[', n);
    memset(deep + n, ']', n);
    deep[2 * n] = '\n';
    deep[2 * n + 1] = '\0';
    const char *p = put("deep", deep, 0600);
    free(deep);
    cr_expect_eq(load(&kc, p, NULL, NULL, err), -1);
    cr_expect(strstr(err, "nested deeper than") && strstr(err, ": line 1:"), "%s", err);

    char *huge = malloc((5u << 20) + 1);
    cr_assert_not_null(huge);
    memset(huge, '#', 5u << 20);
    huge[5u << 20] = '\0';
    p = put("huge", huge, 0600);
    free(huge);
    cr_expect_eq(load(&kc, p, NULL, NULL, err), -1);
    cr_expect(strstr(err, "larger than") != NULL, "%s", err);
}
