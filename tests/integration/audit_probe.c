/* audit_probe.c - writes audit records until the disk refuses one, for audit.sh: each
 * attempt is printed as `ok N` or `fail N: error`, and the probe stops at the first fail
 * unless told to go on.
 *
 * usage: audit_probe PATH COUNT REASON_BYTES */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/audit.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: audit_probe PATH COUNT REASON_BYTES\n");
        return 2;
    }
    int count = atoi(argv[2]);
    size_t rlen = (size_t)atoi(argv[3]);
    struct scale_request req = {.from = 5, .to = 6};
    snprintf(req.source, sizeof req.source, "demo");
    snprintf(req.service, sizeof req.service, "api");
    snprintf(req.namespace_, sizeof req.namespace_, "open-forge");
    if (rlen >= sizeof req.reason)
        rlen = sizeof req.reason - 1;
    memset(req.reason, 'r', rlen);
    req.reason[rlen] = '\0';
    for (int i = 0; i < count; i++) {
        char err[512] = "";
        if (audit_write(argv[1], &req, "requested", "", 1e9 + i, err, sizeof err) < 0) {
            printf("fail %d: %s\n", i, err);
            return 1;
        }
        printf("ok %d\n", i);
    }
    return 0;
}
