/* kubelist.h - the names a shell completes for forgetop: the Kubernetes namespaces of a
 * context, asked of the API server with a short deadline so a TAB never hangs.
 *
 * The contexts themselves come from the kubeconfig alone: kubeconfig_list_contexts(). */

#ifndef FORGETOP_KUBELIST_H
#define FORGETOP_KUBELIST_H

#include <stddef.h>
#include <stdio.h>

/* Print the namespaces the context's credentials can list, one a line. kubeconfig and
 * context as for kubeconfig_load ("" = the defaults); the whole exchange, connection
 * included, is bounded by timeout_s. 0, or -1 with err (nothing printed). */
int kubelist_namespaces(const char *kubeconfig, const char *context, double timeout_s, FILE *out,
                        char *err, size_t errlen);

#endif
