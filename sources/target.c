/* target.c - point the cluster source at another context or namespace, and list what
 * the pickers offer: contexts from the kubeconfig, namespaces from the API server.
 *
 * A switch is a new source, never a mutated one: its credentials, connections, RBAC
 * answers and snapshot all belong to one target, so nothing of the old one can leak
 * into the new one's figures. */

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/kubeconfig.h"
#include "forgetop/kubelist.h"
#include "forgetop/target.h"
#include "forgetop/text.h"

#define LIST_DEADLINE_S 3.0

struct target {
    struct poller *p;
    struct config *cfg;
    /* the namespace listing: one at a time, its result kept until taken */
    pthread_mutex_t mu;
    pthread_t thread;
    bool running, joinable, done;
    char kubeconfig[PATH_MAX], context[FT_NAME_MAX];
    char *names; /* one a line, as kubelist prints them */
    int rc;
    char err[256];
};

struct target *target_new(struct poller *p, struct config *cfg)
{
    struct target *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->p = p;
    t->cfg = cfg;
    pthread_mutex_init(&t->mu, NULL);
    return t;
}

void target_free(struct target *t)
{
    if (t == NULL)
        return;
    if (t->joinable)
        pthread_join(t->thread, NULL);
    free(t->names);
    pthread_mutex_destroy(&t->mu);
    free(t);
}

/* The poller's Kubernetes source: the one a context and a namespace mean anything to. */
static long kube_index(struct target *t)
{
    for (size_t i = 0; i < poller_count(t->p); i++) {
        const struct source *s = poller_source(t->p, i);
        if (s != NULL && strcmp(s->ops->kind, "kube") == 0)
            return (long)i;
    }
    return -1;
}

struct saved {
    char context[FT_NAME_MAX], ns[FT_NAME_MAX];
    bool all;
};

int target_switch(struct target *t, const char *context, const char *ns, bool all, char *err,
                  size_t errlen)
{
    struct config *cfg = t->cfg;
    long i = kube_index(t);
    if (i < 0) {
        text_printf(err, errlen,
                    "no Kubernetes source to switch (start with --kubeconfig, "
                    "--context or -n)");
        return -1;
    }
    struct saved old;
    memcpy(old.context, cfg->context, sizeof old.context);
    memcpy(old.ns, cfg->namespace_, sizeof old.ns);
    old.all = cfg->all_namespaces;
    if (context != NULL)
        text_printf(cfg->context, sizeof cfg->context, "%s", context);
    if (all)
        cfg->all_namespaces = true;
    else if (ns != NULL) {
        text_printf(cfg->namespace_, sizeof cfg->namespace_, "%s", ns);
        cfg->all_namespaces = false;
    }
    struct source *src = kube_source_new(cfg, err, errlen);
    if (src == NULL || poller_replace(t->p, (size_t)i, src) < 0) {
        if (src != NULL)
            text_printf(err, errlen, "cannot start the new source");
        memcpy(cfg->context, old.context, sizeof old.context);
        memcpy(cfg->namespace_, old.ns, sizeof old.ns);
        cfg->all_namespaces = old.all;
        return -1;
    }
    return (int)i;
}

/* Names printed one a line into a list. */
static int split_lines(const char *text, struct cmdline_names *out)
{
    const char *s = text;
    while (s != NULL && *s) {
        size_t n = strcspn(s, "\n");
        char name[FT_NAME_MAX];
        text_printf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), s);
        if (name[0] && cmdline_names_add(out, name) < 0)
            return -1;
        s += n + (s[n] == '\n');
    }
    return 0;
}

int target_contexts(struct target *t, struct cmdline_names *out, char *err, size_t errlen)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f == NULL) {
        text_printf(err, errlen, "out of memory");
        return -1;
    }
    int rc = kubeconfig_list_contexts(t->cfg->kubeconfig, f, err, errlen);
    fclose(f);
    if (rc == 0 && split_lines(buf, out) < 0) {
        text_printf(err, errlen, "out of memory");
        rc = -1;
    }
    free(buf);
    return rc;
}

static void *list_main(void *arg)
{
    struct target *t = arg;
    char *buf = NULL, err[256] = "";
    size_t len = 0;
    int rc = -1;
    FILE *f = open_memstream(&buf, &len);
    if (f != NULL) {
        rc = kubelist_namespaces(t->kubeconfig, t->context, LIST_DEADLINE_S, f, err, sizeof err);
        fclose(f);
    }
    pthread_mutex_lock(&t->mu);
    free(t->names);
    t->names = buf;
    t->rc = rc;
    text_printf(t->err, sizeof t->err, "%s", f == NULL ? "out of memory" : err);
    t->done = true;
    t->running = false;
    pthread_mutex_unlock(&t->mu);
    poller_wake(t->p);
    return NULL;
}

void target_namespaces_start(struct target *t)
{
    pthread_mutex_lock(&t->mu);
    bool busy = t->running;
    pthread_mutex_unlock(&t->mu);
    if (busy)
        return;
    if (t->joinable) /* the last one ended (not running): reap it */
        pthread_join(t->thread, NULL);
    t->joinable = false;
    text_printf(t->kubeconfig, sizeof t->kubeconfig, "%s", t->cfg->kubeconfig);
    text_printf(t->context, sizeof t->context, "%s", t->cfg->context);
    t->done = false;
    t->running = true;
    sigset_t all, old;
    sigfillset(&all); /* the UI's signals stay with the UI thread */
    pthread_sigmask(SIG_SETMASK, &all, &old);
    t->joinable = pthread_create(&t->thread, NULL, list_main, t) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!t->joinable) {
        t->running = false;
        t->done = true;
        t->rc = -1;
        text_printf(t->err, sizeof t->err, "cannot start a thread");
    }
}

int target_namespaces_take(struct target *t, struct cmdline_names *out, char *err, size_t errlen)
{
    pthread_mutex_lock(&t->mu);
    int ready = t->done;
    if (ready) {
        t->done = false;
        if (t->rc == 0 && split_lines(t->names, out) < 0)
            t->rc = -1, text_printf(t->err, sizeof t->err, "out of memory");
        if (t->rc < 0) {
            text_printf(err, errlen, "%s", t->err);
            ready = -1;
        }
        free(t->names);
        t->names = NULL;
    }
    pthread_mutex_unlock(&t->mu);
    return ready;
}
