/* test_cmdline.c - the dashboard's command line (`:ctx`, `:ns`, `:ns all`, Tab) and the
 * order in which the Kubernetes namespace is chosen (-n, the file, the context, the
 * runbook's). */

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forgetop/cli.h"
#include "forgetop/cmdline.h"
#include "forgetop/config.h"
#include "forgetop/kubeconfig.h"
#include "forgetop/kubens.h"

static const struct {
    const char *text;
    int rc;
    enum cmdline_verb verb;
    const char *arg;
} parses[] = {
    {"ctx prod-eu-1", 0, CMD_CONTEXT, "prod-eu-1"},
    {"  context   staging ", 0, CMD_CONTEXT, "staging"},
    {"ns open-forge-dev", 0, CMD_NAMESPACE, "open-forge-dev"},
    {"namespace team-a", 0, CMD_NAMESPACE, "team-a"},
    {"ns all", 0, CMD_ALL_NAMESPACES, ""},
    {"ns -A", 0, CMD_ALL_NAMESPACES, ""},
    {"ctx", 0, CMD_PICK_CONTEXT, ""},
    {"ns", 0, CMD_PICK_NAMESPACE, ""},
    {"namespaces", 0, CMD_PICK_NAMESPACE, ""},
    {"", -1, 0, NULL},
    {"nss x", -1, 0, NULL},
    {"ns a b", -1, 0, NULL},
    {"ns Bad_Name", -1, 0, NULL},
    {"ns -leading", -1, 0, NULL},
    {"ctx aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", -1, 0, NULL},
};

Test(cmdline, parses_every_form_and_refuses_the_rest)
{
    for (size_t i = 0; i < sizeof parses / sizeof parses[0]; i++) {
        struct cmdline_cmd c;
        char err[256] = "";
        int rc = cmdline_parse(parses[i].text, &c, err, sizeof err);
        cr_expect_eq(rc, parses[i].rc, "\"%s\": rc %d (%s)", parses[i].text, rc, err);
        if (rc == 0) {
            cr_expect_eq(c.verb, parses[i].verb, "\"%s\"", parses[i].text);
            cr_expect_str_eq(c.arg, parses[i].arg, "\"%s\"", parses[i].text);
        } else {
            cr_expect(err[0] != '\0', "\"%s\" says why", parses[i].text);
        }
    }
}

Test(cmdline, an_unknown_command_names_itself_and_the_usage)
{
    struct cmdline_cmd c;
    char err[256];
    cr_assert_eq(cmdline_parse("pods", &c, err, sizeof err), -1);
    cr_expect(strstr(err, "\"pods\"") && strstr(err, ":ns all"), "%s", err);
}

Test(cmdline, tab_completes_verbs_then_names)
{
    struct cmdline_names ctx = {0}, ns = {0};
    char out[96];
    cmdline_names_add(&ctx, "dev-cluster");
    cmdline_names_add(&ctx, "prod-eu-1");
    cmdline_names_add(&ctx, "prod-us-1");
    cmdline_names_add(&ns, "open-forge-dev");
    cmdline_names_add(&ns, "open-forge-prod");
    cmdline_names_add(&ns, "kube-system");

    cr_expect_eq(cmdline_complete("c", &ctx, &ns, out, sizeof out), 1);
    cr_expect_str_eq(out, "ctx ");
    cr_expect_eq(cmdline_complete("n", &ctx, &ns, out, sizeof out), 1);
    cr_expect_str_eq(out, "ns ");
    cr_expect_eq(cmdline_complete("x", &ctx, &ns, out, sizeof out), 0);
    cr_expect_str_eq(out, "x");

    cr_expect_eq(cmdline_complete("ctx d", &ctx, &ns, out, sizeof out), 1);
    cr_expect_str_eq(out, "ctx dev-cluster");
    cr_expect_eq(cmdline_complete("ctx pr", &ctx, &ns, out, sizeof out), 2);
    cr_expect_str_eq(out, "ctx prod-", "the common prefix of two");
    cr_expect_eq(cmdline_complete("ns open-forge-p", &ctx, &ns, out, sizeof out), 1);
    cr_expect_str_eq(out, "ns open-forge-prod");
    cr_expect_eq(cmdline_complete("ns a", &ctx, &ns, out, sizeof out), 1);
    cr_expect_str_eq(out, "ns all", "all is a namespace choice, never a context");
    cr_expect_eq(cmdline_complete("ctx a", &ctx, &ns, out, sizeof out), 0);
    cr_expect_str_eq(out, "ctx a");
    cr_expect_eq(cmdline_complete("ns zz", &ctx, &ns, out, sizeof out), 0);
    cr_expect_str_eq(out, "ns zz");
    cmdline_names_free(&ctx);
    cmdline_names_free(&ns);
}

/* ---- the namespace order ---- */

static char dir[] = "/tmp/ft-nsorder-XXXXXX";

static const char *put(const char *name, const char *text)
{
    static char path[4][256];
    static int k;
    char *p = path[k++ % 4];
    snprintf(p, 256, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    cr_assert(f != NULL);
    fputs(text, f);
    fclose(f);
    return p;
}

static void setup(void)
{
    cr_assert(mkdtemp(dir) != NULL);
}

static void teardown(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_expect_eq(system(cmd), 0);
}

/* The namespace the kube source would read for these flags and this config file. */
static void chosen(const char *conf, const char *kcfile, const char *context, char *ns, size_t len,
                   int argc, ...)
{
    static struct config cfg;
    struct cli c;
    struct kubeconfig kc;
    char err[512];
    char *argv[8] = {"forgetop"};
    va_list ap;
    va_start(ap, argc);
    for (int i = 0; i < argc; i++)
        argv[i + 1] = va_arg(ap, char *);
    va_end(ap);
    config_defaults(&cfg);
    if (conf != NULL)
        cr_assert_eq(config_load(&cfg, put("f.conf", conf), err, sizeof err), 0, "%s", err);
    cr_assert_eq(cli_parse(argc + 1, argv, &c, err, sizeof err), 0, "%s", err);
    cr_assert_eq(cli_apply(&c, &cfg, err, sizeof err), 0, "%s", err);
    cr_assert_eq(kubeconfig_load(&kc, kcfile, context, cfg.namespace_, err, sizeof err), 0, "%s",
                 err);
    kubens_choose(ns, len, &cfg, &kc);
    kubeconfig_free(&kc);
}

static const char kubeconfig_two[] =
    "current-context: with-ns\n"
    "clusters: [{name: c, cluster: {server: 'https://h'}}]\n"
    "users: [{name: u, user: {token: t}}]\n"
    "contexts:\n"
    "- {name: with-ns, context: {cluster: c, user: u, namespace: open-forge-staging}}\n"
    "- {name: bare, context: {cluster: c, user: u}}\n";

Test(nsorder, flag_then_file_then_context_then_the_runbooks, .init = setup, .fini = teardown)
{
    char ns[64];
    char kc[256];
    snprintf(kc, sizeof kc, "%s", put("kubeconfig", kubeconfig_two));
    const char *file_ns = "[kube]\nnamespace = from-file\n";

    chosen(file_ns, kc, NULL, ns, sizeof ns, 2, "-n", "from-flag");
    cr_expect_str_eq(ns, "from-flag", "-n wins over the file and the context");
    chosen(file_ns, kc, NULL, ns, sizeof ns, 0);
    cr_expect_str_eq(ns, "from-file", "the file wins over the context");
    chosen("[kube]\nenabled = true\n", kc, NULL, ns, sizeof ns, 0);
    cr_expect_str_eq(ns, "open-forge-staging", "an unset namespace lets the context's through");
    chosen(NULL, kc, "bare", ns, sizeof ns, 0);
    cr_expect_str_eq(ns, CONFIG_FALLBACK_NAMESPACE, "a context with none: the runbook's");
    cr_expect_str_eq(ns, "open-forge");
    chosen(file_ns, kc, NULL, ns, sizeof ns, 1, "-A");
    cr_expect_str_eq(ns, "", "-A reads every namespace, whatever was named");
}

Test(nsorder, the_default_config_leaves_the_namespace_unset)
{
    static struct config cfg;
    config_defaults(&cfg);
    cr_expect_str_eq(cfg.namespace_, "");
    cr_expect_str_eq(config_kube_namespace(&cfg, "ctx-ns"), "ctx-ns");
    cr_expect_str_eq(config_kube_namespace(&cfg, ""), "open-forge");
    cr_expect_str_eq(config_kube_namespace(&cfg, NULL), "open-forge");
}

Test(nsorder, list_paths_drop_the_namespace_for_all)
{
    char out[128];
    kubens_list_base(out, sizeof out, "/apis/apps/v1/namespaces/%s/deployments", "team-a");
    cr_expect_str_eq(out, "/apis/apps/v1/namespaces/team-a/deployments");
    kubens_list_base(out, sizeof out, "/apis/apps/v1/namespaces/%s/deployments", "");
    cr_expect_str_eq(out, "/apis/apps/v1/deployments");
    kubens_list_base(out, sizeof out, "/api/v1/namespaces/%s/pods", "");
    cr_expect_str_eq(out, "/api/v1/pods");
    /* a query of the list's own keeps its escapes, in either form */
    kubens_list_base(out, sizeof out, "/api/v1/namespaces/%s/events?fieldSelector=type%%3DWarning",
                     "");
    cr_expect_str_eq(out, "/api/v1/events?fieldSelector=type%3DWarning");
    kubens_list_base(out, sizeof out, "/api/v1/namespaces/%s/events?fieldSelector=type%%3DWarning",
                     "team-a");
    cr_expect_str_eq(out, "/api/v1/namespaces/team-a/events?fieldSelector=type%3DWarning");
}
