/* kubens.c - one namespace or all of them for the Kubernetes source: the choice (the
 * documented order), list paths with or without the namespace, and the join key.
 *
 * Kept apart from kube.c so the lists there stay one table: an entry written for one
 * namespace reads every namespace unchanged. */

#include <stdio.h>
#include <string.h>

#include "forgetop/kubens.h"
#include "forgetop/text.h"

void kubens_choose(char *ns, size_t len, const struct config *cfg, const struct kubeconfig *kc)
{
    if (cfg->all_namespaces) {
        text_printf(ns, len, "%s", "");
        return;
    }
    text_printf(ns, len, "%s",
                config_kube_namespace(cfg, kc != NULL ? kc->context_namespace_ : ""));
}

void kubens_list_base(char *out, size_t len, const char *fmt, const char *ns)
{
    static const char part[] = "/namespaces/";
    text_printf(out, len, fmt, ns); /* the rest of fmt may hold escapes of its own (%%3D) */
    char *at = ns[0] == '\0' ? strstr(out, "/namespaces//") : NULL;
    if (at != NULL)
        memmove(at, at + sizeof(part) - 1, strlen(at + sizeof(part) - 1) + 1);
}

size_t kubens_key(char *out, size_t len, const char *ns, const char *name, size_t name_len)
{
    size_t nl = strlen(ns);
    if (nl + 1 + name_len < len) { /* the usual case, without vsnprintf: joins make many */
        memcpy(out, ns, nl);
        out[nl] = '/';
        memcpy(out + nl + 1, name, name_len);
        out[nl + 1 + name_len] = '\0';
        return nl + 1 + name_len;
    }
    text_printf(out, len, "%s/%.*s", ns, (int)name_len, name);
    return strlen(out);
}
