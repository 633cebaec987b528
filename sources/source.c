/* source.c - what every source shares: tearing one down.
 *
 * A source's ops->destroy releases what it keeps in priv; the struct source itself is
 * freed here, so a source's destroy never frees src. */

#include <stdlib.h>

#include "forgetop/source.h"

void source_destroy(struct source *src)
{
    if (src == NULL)
        return;
    if (src->ops && src->ops->destroy)
        src->ops->destroy(src);
    free(src);
}
