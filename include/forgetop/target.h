/* target.h - switching the cluster source to another context or namespace while the
 * dashboard runs (`:ctx`, `:ns`), and the names its pickers offer.
 *
 * The switch builds a fresh Kubernetes source for the new target and hands it to the
 * poller in place of the old one; the caller clears the world and re-decides production.
 * Namespaces are listed on a thread of their own, so a slow API never holds a key. */

#ifndef FORGETOP_TARGET_H
#define FORGETOP_TARGET_H

#include <stdbool.h>
#include <stddef.h>

#include "forgetop/cmdline.h"
#include "forgetop/config.h"
#include "forgetop/poller.h"

struct target;

struct target *target_new(struct poller *p, struct config *cfg);
/* Waits for a namespace listing under way (it has a deadline of its own). */
void target_free(struct target *t);

/* Read context (NULL: keep) and namespace ns (NULL: keep; with all: every namespace).
 * A namespace chosen before (-n, the file, an earlier :ns) is kept across :ctx; without
 * one the new context's own namespace is read. Returns the poller's index of the source
 * now reading it, or -1 with err (nothing changed: the old source runs on). */
int target_switch(struct target *t, const char *context, const char *ns, bool all, char *err,
                  size_t errlen);
/* The merged kubeconfig's contexts (a file read, at once). 0 or -1 with err. */
int target_contexts(struct target *t, struct cmdline_names *out, char *err, size_t errlen);
/* Start listing the current context's namespaces; the poller's wake pipe says when done. */
void target_namespaces_start(struct target *t);
/* 1 and the names (or -1's error in err: "HTTP 403") once the listing ended, 0 while it
 * runs or when none was started. out is the caller's after 1. */
int target_namespaces_take(struct target *t, struct cmdline_names *out, char *err, size_t errlen);

#endif
