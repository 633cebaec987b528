/* kubeconfig.h - where a Kubernetes API is and how to authenticate to it, read the way
 * kubectl reads it: $KUBECONFIG (several files merged), ~/.kube/config, or the pod's
 * service account; contexts, clusters, users, and exec credential plugins.
 *
 * Secrets (tokens, keys, passwords) live only in this struct and the HTTP client; no
 * error message built here ever contains one. */

#ifndef FORGETOP_KUBECONFIG_H
#define FORGETOP_KUBECONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "forgetop/http.h"
#include "forgetop/model.h"

#define KUBE_EXEC_MAX_ARGS 32
#define KUBE_EXEC_MAX_ENV  32

struct kube_exec {
    char *command; /* as written; relative paths with a '/' are resolved to the file's folder */
    char *args[KUBE_EXEC_MAX_ARGS];
    size_t n_args;
    char *env[KUBE_EXEC_MAX_ENV]; /* "NAME=value" */
    size_t n_env;
    char api_version[64];
    bool provide_cluster_info;
    bool interactive_always; /* interactiveMode: Always: we have no terminal to give it */
};

/* What a credential plugin returned, kept until it expires. */
struct kube_cred {
    char *token;
    char *cert_pem, *key_pem;
    size_t cert_len, key_len;
    double expires_at; /* unix seconds, 0 = does not expire */
    bool valid;
};

struct kubeconfig {
    char path[4096]; /* the file the context came from (or the service account folder) */
    char context[FT_NAME_MAX];
    char namespace_[FT_NAME_MAX];
    /* The context's own namespace (the service account's in a pod), "" when it names
     * none: config_kube_namespace() puts it between -n/the file and the fallback. */
    char context_namespace_[FT_NAME_MAX];
    char server[512];
    bool in_cluster;

    /* cluster */
    char *ca_file;
    char *ca_pem; /* certificate-authority-data, decoded */
    size_t ca_len;
    bool insecure;
    char tls_server_name[256];

    /* user */
    char *token;
    char *token_file;
    char *cert_file, *key_file;
    char *cert_pem, *key_pem; /* client-certificate-data / client-key-data, decoded */
    size_t cert_len, key_len;
    char *username, *password;
    bool has_exec;
    struct kube_exec exec;
    struct kube_cred cred; /* the exec plugin's latest answer */
    int exec_runs;         /* how many times the plugin ran (tests, diagnostics) */
    double exec_timeout_s; /* 0: 30 s */
};

/* Load the configuration. explicit_path: --kubeconfig or the config file, NULL/"" for
 * $KUBECONFIG, then the in-cluster service account when KUBERNETES_SERVICE_HOST is set
 * (its folder overridable by $FORGETOP_SERVICEACCOUNT_DIR), then ~/.kube/config.
 * context and namespace_ override (NULL/"" = current-context, the context's namespace,
 * "default"). 0, or -1 with err naming the file ("/x/config: line 12: ..."). */
int kubeconfig_load(struct kubeconfig *kc, const char *explicit_path, const char *context,
                    const char *namespace_, char *err, size_t errlen);
void kubeconfig_free(struct kubeconfig *kc);
/* Print the merged files' context names, one a line, each once, in kubectl's order
 * (shell completion of --context). Nothing for a pod's service account. 0 or -1. */
int kubeconfig_list_contexts(const char *explicit_path, FILE *out, char *err, size_t errlen);

/* Bring the credential up to date as of now: reread a token file, run the exec plugin
 * when it has no credential, when the last one expired, or when force (the server said
 * 401). *changed says whether the token or certificate differ from before. The token
 * to use is kubeconfig_token(); client certificate kubeconfig_cert()/kubeconfig_key(). */
int kubeconfig_refresh(struct kubeconfig *kc, double now, bool force, bool *changed, char *err,
                       size_t errlen);
const char *kubeconfig_token(const struct kubeconfig *kc);
/* The TLS and credential fields of an HTTP client for this context (the rest of o, the
 * timeouts and caps, is the caller's). The pointers are kc's: it must outlive the client
 * options' use. */
void kubeconfig_http_opts(const struct kubeconfig *kc, struct http_opts *o);
/* PEM in memory, or NULL (then cert_file/key_file, if set, are the files). */
const char *kubeconfig_cert(const struct kubeconfig *kc, size_t *len);
const char *kubeconfig_key(const struct kubeconfig *kc, size_t *len);

/* Decode standard base64 (whitespace ignored). Caller frees; NULL when malformed. */
char *kubeconfig_base64_decode(const char *in, size_t *outlen);

#endif
