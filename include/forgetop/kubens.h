/* kubens.h - which namespace (or all of them) the Kubernetes source reads, and how a list
 * path and a join key are made for it.
 *
 * All namespaces is the namespace "": lists drop their /namespaces/NS part, as kubectl -A
 * asks, and names join within their own namespace ("ns/name"), never across. */

#ifndef FORGETOP_KUBENS_H
#define FORGETOP_KUBENS_H

#include <stddef.h>

#include "forgetop/config.h"
#include "forgetop/kubeconfig.h"

#define KUBENS_KEY_MAX (2 * FT_NAME_MAX + 2)

/* The namespace to read: "" for -A / all_namespaces, else config_kube_namespace() over the
 * context's own namespace. */
void kubens_choose(char *ns, size_t len, const struct config *cfg, const struct kubeconfig *kc);
/* A list's path from its format ("/api/v1/namespaces/%s/pods"): with ns "" the namespace
 * part is dropped ("/api/v1/pods"). */
void kubens_list_base(char *out, size_t len, const char *fmt, const char *ns);
/* The key two objects join on: the namespace and the name (both as sanitised). Returns
 * its length. */
size_t kubens_key(char *out, size_t len, const char *ns, const char *name, size_t name_len);

#endif
