/* cmdline.h - the dashboard's k9s-style command line: `:ctx NAME`, `:ns NAME`, `:ns all`
 * (or `-A`), `:ctx` / `:ns` alone for a picker; and Tab completion of verbs and names.
 *
 * Pure text in, a command out: the screens type, core parses, the switch is elsewhere. */

#ifndef FORGETOP_CMDLINE_H
#define FORGETOP_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "forgetop/model.h"

enum cmdline_verb {
    CMD_CONTEXT,        /* :ctx NAME */
    CMD_NAMESPACE,      /* :ns NAME */
    CMD_ALL_NAMESPACES, /* :ns all, :ns -A */
    CMD_PICK_CONTEXT,   /* :ctx */
    CMD_PICK_NAMESPACE, /* :ns */
};

struct cmdline_cmd {
    enum cmdline_verb verb;
    char arg[FT_NAME_MAX];
};

/* Names to complete or pick from, each FT_NAME_MAX wide; owned by whoever filled it. */
struct cmdline_names {
    char (*v)[FT_NAME_MAX];
    size_t n;
};

/* Parse what follows the ':' ("ns open-forge-staging"). 0, or -1 with err in the
 * operator's words ("unknown command \"nss\": :ctx NAME, :ns NAME, :ns all"). */
int cmdline_parse(const char *text, struct cmdline_cmd *out, char *err, size_t errlen);
/* Complete text as Tab does: the verb, then the name among ctx (after ctx) or ns (after
 * ns, with "all"). out gets the completed text (text itself when nothing matches, the
 * longest common prefix when several do); returns how many names matched. */
size_t cmdline_complete(const char *text, const struct cmdline_names *ctx,
                        const struct cmdline_names *ns, char *out, size_t len);
/* Is s a name Kubernetes accepts for a namespace (a DNS label)? */
bool cmdline_valid_namespace(const char *s);
/* Add a copy of name (cut to FT_NAME_MAX-1); -1 when out of memory. */
int cmdline_names_add(struct cmdline_names *l, const char *name);
void cmdline_names_free(struct cmdline_names *l);

#endif
