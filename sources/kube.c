/* kube.c - placeholder: the kube source is not written yet, and says so plainly. */

#include <stdio.h>

#include "forgetop/source.h"

struct source *kube_source_new(const struct config *cfg, char *err, size_t errlen)
{
    (void)cfg;
    snprintf(err, errlen, "kube: this source is not available in this build yet");
    return NULL;
}
