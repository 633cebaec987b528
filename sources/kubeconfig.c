/* kubeconfig.c - read kubeconfig files (libyaml) and resolve one context into a server,
 * a CA, and credentials, merging several files the way kubectl does; run exec credential
 * plugins (no shell, bounded output and time) and keep their answer until it expires.
 *
 * Merging: the first file that sets current-context wins; clusters, contexts and users
 * are looked up by name in file order and the first match wins whole. Relative paths in
 * an entry are relative to the folder of the file that holds the entry. */

#include <cjson/cJSON.h>
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
#include <yaml.h>

#include "forgetop/kubeconfig.h"
#include "forgetop/quantity.h"
#include "forgetop/text.h"

extern char **environ;

#define MAX_FILES      16
#define MAX_FILE_BYTES (4u << 20)
#define DEFAULT_SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

/* Running a credential plugin: at the end of this file. */
static int kube_exec_run(struct kubeconfig *kc, double now, char *err, size_t errlen);

struct kfile {
    char path[4096];
    char dir[4096];
    yaml_document_t doc;
    bool loaded;
};

struct kfiles {
    struct kfile f[MAX_FILES];
    size_t n;
    char names[1024]; /* "a:b" for messages */
};

/* ---- small YAML helpers over a loaded document ---- */

static yaml_node_t *root_of(struct kfile *kf)
{
    return kf->loaded ? yaml_document_get_root_node(&kf->doc) : NULL;
}

static yaml_node_t *map_get(struct kfile *kf, yaml_node_t *map, const char *key)
{
    if (map == NULL || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(&kf->doc, p->key);
        if (k != NULL && k->type == YAML_SCALAR_NODE &&
            strcmp((const char *)k->data.scalar.value, key) == 0)
            return yaml_document_get_node(&kf->doc, p->value);
    }
    return NULL;
}

static const char *scalar(yaml_node_t *n)
{
    if (n == NULL || n->type != YAML_SCALAR_NODE)
        return NULL;
    return (const char *)n->data.scalar.value;
}

static const char *map_str(struct kfile *kf, yaml_node_t *map, const char *key)
{
    const char *s = scalar(map_get(kf, map, key));
    return (s != NULL && *s != '\0') ? s : NULL;
}

static bool map_bool(struct kfile *kf, yaml_node_t *map, const char *key)
{
    const char *s = map_str(kf, map, key);
    return s != NULL && (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 || strcmp(s, "yes") == 0);
}

static int line_of(yaml_node_t *n)
{
    return n != NULL ? (int)n->start_mark.line + 1 : 0;
}

/* The entry named `name` in list `list` ("clusters") of the first file that has it; returns
 * its body (the value under `body`, e.g. "cluster") and sets *which. */
static yaml_node_t *find_named(struct kfiles *fs, const char *list, const char *body,
                               const char *name, size_t *which)
{
    for (size_t i = 0; i < fs->n; i++) {
        struct kfile *kf = &fs->f[i];
        yaml_node_t *seq = map_get(kf, root_of(kf), list);
        if (seq == NULL || seq->type != YAML_SEQUENCE_NODE)
            continue;
        for (yaml_node_item_t *it = seq->data.sequence.items.start;
             it < seq->data.sequence.items.top; it++) {
            yaml_node_t *entry = yaml_document_get_node(&kf->doc, *it);
            const char *n = map_str(kf, entry, "name");
            if (n != NULL && strcmp(n, name) == 0) {
                *which = i;
                yaml_node_t *b = map_get(kf, entry, body);
                return b != NULL ? b : entry;
            }
        }
    }
    return NULL;
}

/* ---- files ---- */

static void dir_of(const char *path, char *out, size_t len)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        text_printf(out, len, ".");
    else if (slash == path)
        text_printf(out, len, "/");
    else
        text_printf(out, len, "%.*s", (int)(slash - path), path);
}

/* A kubeconfig is a few mappings deep; libyaml's loader takes minutes over a few hundred
 * kilobytes of nested brackets, so depth is checked first, with the event parser, which
 * keeps nothing. */
#define MAX_YAML_DEPTH 64

/* The whole file, at most MAX_FILE_BYTES. 0, or -1 with err. */
static int read_capped(FILE *f, const char *path, char **buf, size_t *len, char *err, size_t errlen)
{
    *buf = malloc(MAX_FILE_BYTES + 1);
    if (*buf == NULL) {
        text_printf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    *len = fread(*buf, 1, MAX_FILE_BYTES + 1, f);
    if (ferror(f) || *len > MAX_FILE_BYTES) {
        if (ferror(f))
            text_printf(err, errlen, "%s: %s", path, strerror(errno));
        else
            text_printf(err, errlen, "%s: larger than %u MiB: not a kubeconfig", path,
                        MAX_FILE_BYTES >> 20);
        free(*buf);
        *buf = NULL;
        return -1;
    }
    return 0;
}

static int check_depth(const char *buf, size_t len, const char *path, char *err, size_t errlen)
{
    yaml_parser_t parser;
    yaml_event_t ev;
    int depth = 0, rc = 0;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
    for (bool done = false; !done && rc == 0;) {
        if (!yaml_parser_parse(&parser, &ev))
            break; /* the loader reports the syntax error with its line */
        if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT)
            depth++;
        else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT)
            depth--;
        done = ev.type == YAML_STREAM_END_EVENT;
        if (depth > MAX_YAML_DEPTH) {
            text_printf(err, errlen, "%s: line %zu: nested deeper than %d levels: not a kubeconfig",
                        path, ev.start_mark.line + 1, MAX_YAML_DEPTH);
            rc = -1;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    return rc;
}

/* Load one file. 1 loaded, 0 missing (and missing_ok), -1 error. */
static int load_file(struct kfile *kf, const char *path, bool missing_ok, char *err, size_t errlen)
{
    int rc = -1;
    yaml_parser_t parser;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        if (errno == ENOENT && missing_ok)
            return 0;
        text_printf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    rc = read_capped(f, path, &buf, &len, err, errlen);
    fclose(f);
    if (rc < 0 || check_depth(buf, len, path, err, errlen) < 0) {
        free(buf);
        return -1;
    }
    rc = -1;
    text_printf(kf->path, sizeof(kf->path), "%s", path);
    dir_of(path, kf->dir, sizeof(kf->dir));
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
    if (!yaml_parser_load(&parser, &kf->doc)) {
        text_printf(err, errlen, "%s: line %zu: %s%s%s", path, parser.problem_mark.line + 1,
                    parser.problem ? parser.problem : "malformed YAML", parser.context ? " " : "",
                    parser.context ? parser.context : "");
        goto out;
    }
    kf->loaded = true;
    yaml_node_t *root = yaml_document_get_root_node(&kf->doc);
    if (root != NULL && root->type != YAML_MAPPING_NODE) {
        text_printf(err, errlen, "%s: line %d: not a kubeconfig (expected a mapping)", path,
                    line_of(root));
        goto out;
    }
    rc = 1;
out:
    yaml_parser_delete(&parser);
    free(buf);
    return rc;
}

static void files_free(struct kfiles *fs)
{
    for (size_t i = 0; i < fs->n; i++)
        if (fs->f[i].loaded)
            yaml_document_delete(&fs->f[i].doc);
    fs->n = 0;
}

/* Load a ':'-separated list; missing files in a list are skipped, as kubectl does. */
static int files_load(struct kfiles *fs, const char *list, bool single, char *err, size_t errlen)
{
    char *copy = strdup(list), *save = NULL;
    int rc = -1;
    if (copy == NULL) {
        text_printf(err, errlen, "kubeconfig: out of memory");
        return -1;
    }
    text_printf(fs->names, sizeof(fs->names), "%s", list);
    for (char *p = single ? copy : strtok_r(copy, ":", &save); p != NULL;
         p = single ? NULL : strtok_r(NULL, ":", &save)) {
        if (*p == '\0')
            continue;
        if (fs->n == MAX_FILES) {
            text_printf(err, errlen, "kubeconfig: more than %d files in $KUBECONFIG", MAX_FILES);
            goto out;
        }
        int r = load_file(&fs->f[fs->n], p, !single, err, errlen);
        if (fs->f[fs->n].loaded)
            fs->n++;
        if (r < 0)
            goto out;
    }
    if (fs->n == 0) {
        text_printf(err, errlen, "kubeconfig: none of %s exists", list);
        goto out;
    }
    rc = 0;
out:
    free(copy);
    return rc;
}

/* ---- values ---- */

static char *resolve_path(const struct kfile *kf, const char *p)
{
    char buf[8192];
    if (p == NULL)
        return NULL;
    if (p[0] == '/')
        return strdup(p);
    if (p[0] == '~' && p[1] == '/' && getenv("HOME") != NULL)
        text_printf(buf, sizeof(buf), "%s/%s", getenv("HOME"), p + 2);
    else
        text_printf(buf, sizeof(buf), "%s/%s", kf->dir, p);
    return strdup(buf);
}

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *kubeconfig_base64_decode(const char *in, size_t *outlen)
{
    size_t n = strlen(in);
    unsigned char *out = malloc(n / 4 * 3 + 4);
    unsigned int acc = 0;
    int bits = 0, pad = 0;
    size_t o = 0;
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
            continue;
        if (c == '=') {
            pad++;
            continue;
        }
        const char *pos = c != 0 ? strchr(b64chars, c) : NULL;
        if (pos == NULL || pad > 0)
            goto bad;
        acc = (acc << 6) | (unsigned int)(pos - b64chars);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    if (pad > 2 || bits >= 6)
        goto bad;
    out[o] = '\0';
    *outlen = o;
    return (char *)out;
bad:
    free(out);
    return NULL;
}

/* Decode field `key` of map if present. 0 (absent or fine) or -1 with err (no secret in it). */
static int decode_field(struct kfile *kf, yaml_node_t *map, const char *key, char **out,
                        size_t *len, char *err, size_t errlen)
{
    yaml_node_t *n = map_get(kf, map, key);
    const char *s = scalar(n);
    if (s == NULL || *s == '\0')
        return 0;
    *out = kubeconfig_base64_decode(s, len);
    if (*out == NULL) {
        text_printf(err, errlen, "%s: line %d: %s is not valid base64", kf->path, line_of(n), key);
        return -1;
    }
    return 0;
}

static char *dup_or_null(const char *s)
{
    return s != NULL ? strdup(s) : NULL;
}

static int read_cluster(struct kubeconfig *kc, struct kfile *kf, yaml_node_t *c, const char *name,
                        char *err, size_t errlen)
{
    const char *server = map_str(kf, c, "server");
    if (server == NULL) {
        text_printf(err, errlen, "%s: line %d: cluster \"%s\" has no server", kf->path, line_of(c),
                    name);
        return -1;
    }
    text_printf(kc->server, sizeof(kc->server), "%s", server);
    size_t len = strlen(kc->server);
    while (len > 0 && kc->server[len - 1] == '/')
        kc->server[--len] = '\0';
    kc->ca_file = resolve_path(kf, map_str(kf, c, "certificate-authority"));
    kc->insecure = map_bool(kf, c, "insecure-skip-tls-verify");
    const char *sni = map_str(kf, c, "tls-server-name");
    if (sni != NULL)
        text_printf(kc->tls_server_name, sizeof(kc->tls_server_name), "%s", sni);
    return decode_field(kf, c, "certificate-authority-data", &kc->ca_pem, &kc->ca_len, err, errlen);
}

static int read_exec(struct kubeconfig *kc, struct kfile *kf, yaml_node_t *e, char *err,
                     size_t errlen)
{
    struct kube_exec *x = &kc->exec;
    const char *cmd = map_str(kf, e, "command");
    if (cmd == NULL) {
        text_printf(err, errlen, "%s: line %d: exec has no command", kf->path, line_of(e));
        return -1;
    }
    /* kubectl: a command with a path separator is relative to the kubeconfig's folder. */
    x->command = strchr(cmd, '/') != NULL && cmd[0] != '/' ? resolve_path(kf, cmd) : strdup(cmd);
    const char *av = map_str(kf, e, "apiVersion");
    text_printf(x->api_version, sizeof(x->api_version), "%s",
                av ? av : "client.authentication.k8s.io/v1");
    if (strcmp(x->api_version, "client.authentication.k8s.io/v1") != 0 &&
        strcmp(x->api_version, "client.authentication.k8s.io/v1beta1") != 0) {
        text_printf(err, errlen, "%s: line %d: exec apiVersion %s is not supported (v1, v1beta1)",
                    kf->path, line_of(e), x->api_version);
        return -1;
    }
    x->provide_cluster_info = map_bool(kf, e, "provideClusterInfo");
    const char *im = map_str(kf, e, "interactiveMode");
    x->interactive_always = im != NULL && strcmp(im, "Always") == 0;
    yaml_node_t *args = map_get(kf, e, "args");
    if (args != NULL && args->type == YAML_SEQUENCE_NODE)
        for (yaml_node_item_t *it = args->data.sequence.items.start;
             it < args->data.sequence.items.top && x->n_args < KUBE_EXEC_MAX_ARGS; it++) {
            const char *a = scalar(yaml_document_get_node(&kf->doc, *it));
            x->args[x->n_args++] = strdup(a ? a : "");
        }
    yaml_node_t *env = map_get(kf, e, "env");
    if (env != NULL && env->type == YAML_SEQUENCE_NODE)
        for (yaml_node_item_t *it = env->data.sequence.items.start;
             it < env->data.sequence.items.top && x->n_env < KUBE_EXEC_MAX_ENV; it++) {
            yaml_node_t *pair = yaml_document_get_node(&kf->doc, *it);
            const char *n = map_str(kf, pair, "name"), *v = scalar(map_get(kf, pair, "value"));
            if (n == NULL)
                continue;
            size_t sz = strlen(n) + strlen(v ? v : "") + 2;
            x->env[x->n_env] = malloc(sz);
            if (x->env[x->n_env] != NULL)
                snprintf(x->env[x->n_env++], sz, "%s=%s", n, v ? v : "");
        }
    kc->has_exec = true;
    return 0;
}

static int read_user(struct kubeconfig *kc, struct kfile *kf, yaml_node_t *u, char *err,
                     size_t errlen)
{
    yaml_node_t *ap = map_get(kf, u, "auth-provider");
    if (ap != NULL) {
        const char *n = map_str(kf, ap, "name");
        text_printf(err, errlen,
                    "%s: line %d: auth-provider \"%s\" is not supported; use an exec plugin",
                    kf->path, line_of(ap), n ? n : "?");
        return -1;
    }
    kc->token = dup_or_null(map_str(kf, u, "token"));
    kc->token_file = resolve_path(kf, map_str(kf, u, "tokenFile"));
    kc->cert_file = resolve_path(kf, map_str(kf, u, "client-certificate"));
    kc->key_file = resolve_path(kf, map_str(kf, u, "client-key"));
    kc->username = dup_or_null(map_str(kf, u, "username"));
    kc->password = dup_or_null(map_str(kf, u, "password"));
    if (decode_field(kf, u, "client-certificate-data", &kc->cert_pem, &kc->cert_len, err, errlen) <
            0 ||
        decode_field(kf, u, "client-key-data", &kc->key_pem, &kc->key_len, err, errlen) < 0)
        return -1;
    yaml_node_t *e = map_get(kf, u, "exec");
    if (e != NULL && e->type == YAML_MAPPING_NODE)
        return read_exec(kc, kf, e, err, errlen);
    return 0;
}

static const char *current_context(struct kfiles *fs)
{
    for (size_t i = 0; i < fs->n; i++) {
        const char *c = map_str(&fs->f[i], root_of(&fs->f[i]), "current-context");
        if (c != NULL)
            return c;
    }
    return NULL;
}

static int resolve(struct kubeconfig *kc, struct kfiles *fs, const char *want, const char *ns,
                   char *err, size_t errlen)
{
    const char *name = (want != NULL && *want) ? want : current_context(fs);
    size_t ci, cli, ui;
    if (name == NULL) {
        text_printf(err, errlen, "%s: no current-context; pass --context", fs->names);
        return -1;
    }
    text_printf(kc->context, sizeof(kc->context), "%s", name);
    yaml_node_t *ctx = find_named(fs, "contexts", "context", name, &ci);
    if (ctx == NULL) {
        text_printf(err, errlen, "context \"%s\" not found in %s", name, fs->names);
        return -1;
    }
    struct kfile *kf = &fs->f[ci];
    text_printf(kc->path, sizeof(kc->path), "%s", kf->path);
    const char *cluster = map_str(kf, ctx, "cluster"), *user = map_str(kf, ctx, "user");
    const char *cns = map_str(kf, ctx, "namespace");
    text_sanitize(kc->context_namespace_, sizeof(kc->context_namespace_), cns ? cns : "");
    text_printf(kc->namespace_, sizeof(kc->namespace_), "%s",
                (ns != NULL && *ns) ? ns : (cns ? cns : "default"));
    if (cluster == NULL) {
        text_printf(err, errlen, "%s: line %d: context \"%s\" names no cluster", kf->path,
                    line_of(ctx), name);
        return -1;
    }
    yaml_node_t *cl = find_named(fs, "clusters", "cluster", cluster, &cli);
    if (cl == NULL) {
        text_printf(err, errlen, "cluster \"%s\" (of context \"%s\") not found in %s", cluster,
                    name, fs->names);
        return -1;
    }
    if (read_cluster(kc, &fs->f[cli], cl, cluster, err, errlen) < 0)
        return -1;
    if (user == NULL)
        return 0;
    yaml_node_t *u = find_named(fs, "users", "user", user, &ui);
    if (u == NULL) {
        text_printf(err, errlen, "user \"%s\" (of context \"%s\") not found in %s", user, name,
                    fs->names);
        return -1;
    }
    return read_user(kc, &fs->f[ui], u, err, errlen);
}

/* ---- in-cluster ---- */

static int read_small_file(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, len - 1);
    close(fd);
    if (n < 0)
        return -1;
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    return 0;
}

static int load_in_cluster(struct kubeconfig *kc, const char *ns, char *err, size_t errlen)
{
    const char *dir = getenv("FORGETOP_SERVICEACCOUNT_DIR");
    const char *host = getenv("KUBERNETES_SERVICE_HOST");
    const char *port = getenv("KUBERNETES_SERVICE_PORT");
    char path[4200], nsbuf[FT_NAME_MAX];
    if (dir == NULL || *dir == '\0')
        dir = DEFAULT_SA_DIR;
    kc->in_cluster = true;
    text_printf(kc->path, sizeof(kc->path), "%s", dir);
    text_printf(kc->context, sizeof(kc->context), "in-cluster");
    text_printf(kc->server, sizeof(kc->server),
                strchr(host, ':') ? "https://[%s]:%s" : "https://%s:%s", host,
                (port && *port) ? port : "443");
    text_printf(path, sizeof(path), "%s/token", dir);
    if (access(path, R_OK) != 0) {
        text_printf(err, errlen, "in-cluster service account: %s: %s", path, strerror(errno));
        return -1;
    }
    kc->token_file = strdup(path);
    text_printf(path, sizeof(path), "%s/ca.crt", dir);
    kc->ca_file = strdup(path);
    text_printf(path, sizeof(path), "%s/namespace", dir);
    if (read_small_file(path, nsbuf, sizeof(nsbuf)) == 0 && *nsbuf)
        text_sanitize(kc->context_namespace_, sizeof(kc->context_namespace_), nsbuf);
    if (ns != NULL && *ns)
        text_printf(kc->namespace_, sizeof(kc->namespace_), "%s", ns);
    else if (kc->context_namespace_[0])
        text_printf(kc->namespace_, sizeof(kc->namespace_), "%s", kc->context_namespace_);
    else
        text_printf(kc->namespace_, sizeof(kc->namespace_), "default");
    return 0;
}

/* The files kubectl would read: explicit_path, else $KUBECONFIG, else ~/.kube/config.
 * 0 with fs loaded, 1 when the pod's service account is the configuration, or -1. */
static int pick_files(struct kfiles *fs, const char *explicit_path, char *err, size_t errlen)
{
    const char *env = getenv("KUBECONFIG");
    if (explicit_path != NULL && *explicit_path)
        return files_load(fs, explicit_path, strchr(explicit_path, ':') == NULL, err, errlen);
    if (env != NULL && *env)
        return files_load(fs, env, false, err, errlen);
    if (getenv("KUBERNETES_SERVICE_HOST") != NULL && *getenv("KUBERNETES_SERVICE_HOST"))
        return 1;
    char home_cfg[4096];
    const char *home = getenv("HOME");
    text_printf(home_cfg, sizeof(home_cfg), "%s/.kube/config", home ? home : "");
    if (access(home_cfg, F_OK) != 0) {
        text_printf(err, errlen,
                    "no kubeconfig: %s does not exist and $KUBECONFIG is unset; pass "
                    "--kubeconfig FILE or try --demo",
                    home_cfg);
        return -1;
    }
    return files_load(fs, home_cfg, true, err, errlen);
}

int kubeconfig_load(struct kubeconfig *kc, const char *explicit_path, const char *context,
                    const char *namespace_, char *err, size_t errlen)
{
    struct kfiles *fs = calloc(1, sizeof(*fs));
    memset(kc, 0, sizeof(*kc));
    if (fs == NULL) {
        text_printf(err, errlen, "kubeconfig: out of memory");
        return -1;
    }
    int rc = pick_files(fs, explicit_path, err, errlen);
    if (rc == 1)
        rc = load_in_cluster(kc, namespace_, err, errlen);
    else if (rc == 0)
        rc = resolve(kc, fs, context, namespace_, err, errlen);
    files_free(fs);
    free(fs);
    if (rc < 0)
        kubeconfig_free(kc);
    return rc;
}

/* Has an earlier file, or an earlier entry of this one, the context name already? */
static bool context_seen(struct kfiles *fs, size_t upto_file, yaml_node_item_t *upto,
                         const char *name)
{
    size_t which = upto_file;
    if (find_named(fs, "contexts", "context", name, &which) != NULL && which < upto_file)
        return true;
    struct kfile *kf = &fs->f[upto_file];
    yaml_node_t *seq = map_get(kf, root_of(kf), "contexts");
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < upto; it++) {
        const char *n = map_str(kf, yaml_document_get_node(&kf->doc, *it), "name");
        if (n != NULL && strcmp(n, name) == 0)
            return true;
    }
    return false;
}

int kubeconfig_list_contexts(const char *explicit_path, FILE *out, char *err, size_t errlen)
{
    struct kfiles *fs = calloc(1, sizeof(*fs));
    if (fs == NULL) {
        text_printf(err, errlen, "kubeconfig: out of memory");
        return -1;
    }
    int rc = pick_files(fs, explicit_path, err, errlen);
    for (size_t i = 0; rc == 0 && i < fs->n; i++) {
        struct kfile *kf = &fs->f[i];
        yaml_node_t *seq = map_get(kf, root_of(kf), "contexts");
        if (seq == NULL || seq->type != YAML_SEQUENCE_NODE)
            continue;
        for (yaml_node_item_t *it = seq->data.sequence.items.start;
             it < seq->data.sequence.items.top; it++) {
            const char *n = map_str(kf, yaml_document_get_node(&kf->doc, *it), "name");
            if (n != NULL && !context_seen(fs, i, it, n))
                fprintf(out, "%s\n", n);
        }
    }
    files_free(fs);
    free(fs);
    return rc < 0 ? -1 : 0;
}

static void cred_clear(struct kube_cred *c)
{
    free(c->token);
    free(c->cert_pem);
    free(c->key_pem);
    memset(c, 0, sizeof(*c));
}

void kubeconfig_free(struct kubeconfig *kc)
{
    free(kc->ca_file);
    free(kc->ca_pem);
    free(kc->token);
    free(kc->token_file);
    free(kc->cert_file);
    free(kc->key_file);
    free(kc->cert_pem);
    free(kc->key_pem);
    free(kc->username);
    free(kc->password);
    free(kc->exec.command);
    for (size_t i = 0; i < kc->exec.n_args; i++)
        free(kc->exec.args[i]);
    for (size_t i = 0; i < kc->exec.n_env; i++)
        free(kc->exec.env[i]);
    cred_clear(&kc->cred);
    memset(kc, 0, sizeof(*kc));
}

/* ---- credentials ---- */

static bool same(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static int refresh_token_file(struct kubeconfig *kc, double now, char *err, size_t errlen)
{
    char *buf = malloc(65536);
    if (buf == NULL) {
        text_printf(err, errlen, "kubeconfig: out of memory");
        return -1;
    }
    if (read_small_file(kc->token_file, buf, 65536) < 0) {
        text_printf(err, errlen, "token file %s: %s", kc->token_file, strerror(errno));
        free(buf);
        return -1;
    }
    free(kc->cred.token);
    kc->cred.token = buf;
    kc->cred.valid = true;
    kc->cred.expires_at = now + 60; /* reread each minute, as client-go does */
    return 0;
}

int kubeconfig_refresh(struct kubeconfig *kc, double now, bool force, bool *changed, char *err,
                       size_t errlen)
{
    char *old_token = dup_or_null(kc->cred.token);
    char *old_cert = dup_or_null(kc->cred.cert_pem);
    int rc = 0;
    *changed = false;
    if (!kc->has_exec && kc->token_file == NULL)
        goto out;
    if (!force && kc->cred.valid && (kc->cred.expires_at == 0 || now < kc->cred.expires_at))
        goto out;
    if (kc->has_exec)
        rc = kube_exec_run(kc, now, err, errlen);
    else
        rc = refresh_token_file(kc, now, err, errlen);
    *changed = rc == 0 && (!same(old_token, kc->cred.token) || !same(old_cert, kc->cred.cert_pem));
out:
    free(old_token);
    free(old_cert);
    return rc;
}

const char *kubeconfig_token(const struct kubeconfig *kc)
{
    if ((kc->has_exec || kc->token_file != NULL) && kc->cred.token != NULL)
        return kc->cred.token;
    return kc->token;
}

const char *kubeconfig_cert(const struct kubeconfig *kc, size_t *len)
{
    if (kc->has_exec && kc->cred.cert_pem != NULL) {
        *len = kc->cred.cert_len;
        return kc->cred.cert_pem;
    }
    *len = kc->cert_len;
    return kc->cert_pem;
}

const char *kubeconfig_key(const struct kubeconfig *kc, size_t *len)
{
    if (kc->has_exec && kc->cred.key_pem != NULL) {
        *len = kc->cred.key_len;
        return kc->cred.key_pem;
    }
    *len = kc->key_len;
    return kc->key_pem;
}

/* ---- exec credential plugins ---- */

#define EXEC_MAX_OUT (1u << 20)

/* The ExecCredential input for $KUBERNETES_EXEC_INFO (no secret in it). */
static char *exec_info(const struct kubeconfig *kc)
{
    cJSON *root = cJSON_CreateObject(), *spec = cJSON_AddObjectToObject(root, "spec");
    cJSON_AddStringToObject(root, "kind", "ExecCredential");
    cJSON_AddStringToObject(root, "apiVersion", kc->exec.api_version);
    cJSON_AddBoolToObject(spec, "interactive", false);
    if (kc->exec.provide_cluster_info) {
        cJSON *cl = cJSON_AddObjectToObject(spec, "cluster");
        cJSON_AddStringToObject(cl, "server", kc->server);
        if (kc->tls_server_name[0])
            cJSON_AddStringToObject(cl, "tls-server-name", kc->tls_server_name);
        cJSON_AddBoolToObject(cl, "insecure-skip-tls-verify", kc->insecure);
    }
    char *s = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return s;
}

static bool env_overridden(const struct kube_exec *x, const char *entry)
{
    size_t n = strcspn(entry, "=");
    if (n == strlen("KUBERNETES_EXEC_INFO") && strncmp(entry, "KUBERNETES_EXEC_INFO", n) == 0)
        return true;
    for (size_t i = 0; i < x->n_env; i++)
        if (strncmp(x->env[i], entry, n) == 0 && x->env[i][n] == '=')
            return true;
    return false;
}

/* Our environment, then the plugin's env, then KUBERNETES_EXEC_INFO. Caller frees [n-1] and
 * the array; the other strings are borrowed. */
static char **exec_envp(const struct kubeconfig *kc, char *info_var)
{
    size_t n = 0, k = 0;
    while (environ[n] != NULL)
        n++;
    char **envp = calloc(n + kc->exec.n_env + 2, sizeof(*envp));
    if (envp == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!env_overridden(&kc->exec, environ[i]))
            envp[k++] = environ[i];
    for (size_t i = 0; i < kc->exec.n_env; i++)
        envp[k++] = kc->exec.env[i];
    envp[k++] = info_var;
    envp[k] = NULL;
    return envp;
}

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct exec_io {
    char *out;
    size_t out_len;
    char errtail[256];
    bool too_big, timed_out;
};

/* Read the plugin's stdout (capped) and the tail of its stderr until both close or time runs
 * out. */
static void exec_collect(int ofd, int efd, double timeout_s, struct exec_io *io)
{
    double deadline = mono_now() + timeout_s;
    struct pollfd pf[2] = {{ofd, POLLIN, 0}, {efd, POLLIN, 0}};
    char buf[4096];
    while (pf[0].fd >= 0 || pf[1].fd >= 0) {
        double left = deadline - mono_now();
        if (left <= 0) {
            io->timed_out = true;
            return;
        }
        if (poll(pf, 2, (int)(left * 1000) + 1) < 0 && errno != EINTR)
            return;
        for (int i = 0; i < 2; i++) {
            if (pf[i].fd < 0 || pf[i].revents == 0)
                continue;
            ssize_t r = read(pf[i].fd, buf, sizeof(buf));
            if (r <= 0) {
                pf[i].fd = -1;
                continue;
            }
            if (i == 1) {
                size_t have = strlen(io->errtail), room = sizeof(io->errtail) - 1;
                size_t take = (size_t)r > room ? room : (size_t)r;
                if (have + take > room) {
                    memmove(io->errtail, io->errtail + (have + take - room), room - take);
                    have = room - take;
                }
                memcpy(io->errtail + have, buf + r - take, take);
                io->errtail[have + take] = '\0';
            } else if (io->out_len + (size_t)r > EXEC_MAX_OUT) {
                io->too_big = true;
                return;
            } else {
                memcpy(io->out + io->out_len, buf, (size_t)r);
                io->out_len += (size_t)r;
            }
        }
    }
}

/* The last non-empty line of the plugin's stderr, sanitised, for the error message. */
static void last_line(const char *tail, char *out, size_t len)
{
    char tmp[256];
    text_printf(tmp, sizeof(tmp), "%s", tail);
    size_t n = strlen(tmp);
    while (n > 0 && (tmp[n - 1] == '\n' || tmp[n - 1] == '\r' || tmp[n - 1] == ' '))
        tmp[--n] = '\0';
    const char *nl = strrchr(tmp, '\n');
    text_sanitize(out, len, nl ? nl + 1 : tmp);
}

static int exec_spawn(struct kubeconfig *kc, pid_t *pid, int *ofd, int *efd, char *err,
                      size_t errlen)
{
    int out[2] = {-1, -1}, errp[2] = {-1, -1}, rc = -1;
    char *argv[KUBE_EXEC_MAX_ARGS + 2], *info = exec_info(kc), *info_var = NULL;
    char **envp = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (info == NULL || (info_var = malloc(strlen(info) + 32)) == NULL)
        goto out;
    sprintf(info_var, "KUBERNETES_EXEC_INFO=%s", info);
    if ((envp = exec_envp(kc, info_var)) == NULL || pipe(out) < 0 || pipe(errp) < 0)
        goto out;
    for (int i = 0; i < 2; i++) {
        fcntl(out[i], F_SETFD, FD_CLOEXEC);
        fcntl(errp[i], F_SETFD, FD_CLOEXEC);
    }
    argv[0] = kc->exec.command;
    for (size_t i = 0; i < kc->exec.n_args; i++)
        argv[i + 1] = kc->exec.args[i];
    argv[kc->exec.n_args + 1] = NULL;
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
    int e = posix_spawnp(pid, kc->exec.command, &fa, NULL, argv, envp);
    if (e != 0) {
        text_printf(err, errlen, "exec plugin %s: cannot run: %s", kc->exec.command, strerror(e));
        goto out;
    }
    *ofd = out[0];
    *efd = errp[0];
    out[0] = errp[0] = -1;
    rc = 0;
out:
    if (rc < 0 && err[0] == '\0')
        text_printf(err, errlen, "exec plugin %s: %s", kc->exec.command, strerror(errno));
    for (int i = 0; i < 2; i++) {
        if (out[i] >= 0)
            close(out[i]);
        if (errp[i] >= 0)
            close(errp[i]);
    }
    posix_spawn_file_actions_destroy(&fa);
    free(envp);
    free(info_var);
    cJSON_free(info);
    return rc;
}

static char *json_dup_str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) && v->valuestring[0] ? strdup(v->valuestring) : NULL;
}

/* Parse the ExecCredential; never quotes its content in err (it holds the secret). */
static int exec_parse(struct kubeconfig *kc, const char *out, size_t len, char *err, size_t errlen)
{
    const char *cmd = kc->exec.command;
    cJSON *root = cJSON_ParseWithLength(out, len);
    int rc = -1;
    struct kube_cred c = {0};
    if (root == NULL) {
        text_printf(err, errlen, "exec plugin %s: output is not JSON", cmd);
        return -1;
    }
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(root, "kind");
    const cJSON *av = cJSON_GetObjectItemCaseSensitive(root, "apiVersion");
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(root, "status");
    if (!cJSON_IsString(kind) || strcmp(kind->valuestring, "ExecCredential") != 0 ||
        !cJSON_IsString(av) || strcmp(av->valuestring, kc->exec.api_version) != 0) {
        text_printf(err, errlen, "exec plugin %s: output is not an ExecCredential of %s", cmd,
                    kc->exec.api_version);
        goto out;
    }
    c.token = json_dup_str(st, "token");
    c.cert_pem = json_dup_str(st, "clientCertificateData");
    c.key_pem = json_dup_str(st, "clientKeyData");
    if (c.token == NULL && (c.cert_pem == NULL || c.key_pem == NULL)) {
        text_printf(err, errlen,
                    "exec plugin %s: ExecCredential has neither status.token nor "
                    "clientCertificateData and clientKeyData",
                    cmd);
        goto out;
    }
    c.cert_len = c.cert_pem ? strlen(c.cert_pem) : 0;
    c.key_len = c.key_pem ? strlen(c.key_pem) : 0;
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(st, "expirationTimestamp");
    if (cJSON_IsString(exp) && quantity_parse_time(exp->valuestring, &c.expires_at) < 0) {
        text_printf(err, errlen, "exec plugin %s: bad expirationTimestamp", cmd);
        goto out;
    }
    c.valid = true;
    cred_clear(&kc->cred);
    kc->cred = c;
    memset(&c, 0, sizeof(c));
    rc = 0;
out:
    cred_clear(&c);
    cJSON_Delete(root);
    return rc;
}

/* Wait for the plugin to exit; one that closed its output but lingers past the deadline is
 * killed, so a credential never costs more than the time limit. */
static void exec_reap(pid_t pid, int *status, double deadline, struct exec_io *io)
{
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR))
            return;
        if (r == 0 && mono_now() >= deadline) {
            io->timed_out = true;
            kill(pid, SIGKILL);
            while (waitpid(pid, status, 0) < 0 && errno == EINTR)
                ;
            return;
        }
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

static int kube_exec_run(struct kubeconfig *kc, double now, char *err, size_t errlen)
{
    struct exec_io io = {0};
    pid_t pid;
    int ofd = -1, efd = -1, status = 0, rc = -1;
    char why[160];
    (void)now;
    err[0] = '\0';
    if (kc->exec.interactive_always) {
        text_printf(err, errlen, "exec plugin %s needs a terminal (interactiveMode: Always)",
                    kc->exec.command);
        return -1;
    }
    if ((io.out = malloc(EXEC_MAX_OUT + 1)) == NULL ||
        exec_spawn(kc, &pid, &ofd, &efd, err, errlen) < 0)
        goto out;
    kc->exec_runs++;
    double limit = kc->exec_timeout_s > 0 ? kc->exec_timeout_s : 30, t0 = mono_now();
    exec_collect(ofd, efd, limit, &io);
    if (io.timed_out || io.too_big)
        kill(pid, SIGKILL);
    exec_reap(pid, &status, t0 + limit, &io);
    if (io.timed_out) {
        text_printf(err, errlen, "exec plugin %s: no answer after %.0f s", kc->exec.command,
                    kc->exec_timeout_s > 0 ? kc->exec_timeout_s : 30);
    } else if (io.too_big) {
        text_printf(err, errlen, "exec plugin %s: output larger than %u bytes", kc->exec.command,
                    EXEC_MAX_OUT);
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        last_line(io.errtail, why, sizeof(why));
        text_printf(err, errlen, "exec plugin %s: exited with status %d%s%s", kc->exec.command,
                    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
                    why[0] ? ": " : "", why);
    } else {
        rc = exec_parse(kc, io.out, io.out_len, err, errlen);
    }
out:
    if (ofd >= 0)
        close(ofd);
    if (efd >= 0)
        close(efd);
    free(io.out);
    return rc;
}

void kubeconfig_http_opts(const struct kubeconfig *kc, struct http_opts *o)
{
    o->insecure = kc->insecure;
    o->tls_server_name = kc->tls_server_name[0] ? kc->tls_server_name : NULL;
    o->ca_file = kc->ca_file;
    o->ca_pem = kc->ca_pem;
    o->ca_pem_len = kc->ca_len;
    o->cert_pem = kubeconfig_cert(kc, &o->cert_pem_len);
    o->key_pem = kubeconfig_key(kc, &o->key_pem_len);
    o->cert_file = o->cert_pem ? NULL : kc->cert_file;
    o->key_file = o->key_pem ? NULL : kc->key_file;
    o->bearer = kubeconfig_token(kc);
    o->user = kc->username;
    o->password = kc->password;
}
