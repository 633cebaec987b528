/* registry.h - which sources the configuration asks for, built in a fixed order.
 *
 * Without any, forgetop looks for a kubeconfig the way kubectl does. */

#ifndef FORGETOP_REGISTRY_H
#define FORGETOP_REGISTRY_H

#include <stddef.h>

#include "forgetop/config.h"
#include "forgetop/source.h"

#define REGISTRY_MAX 12

/* Build every configured source into out. Returns how many, or -1 with err naming the
 * source that could not be built (the others are destroyed). */
int registry_build(struct config *cfg, struct source **out, size_t max, char *err, size_t errlen);
/* When nothing is configured: where a kubeconfig was found ("" none). */
void registry_find_kubeconfig(char *out, size_t len);

#endif
