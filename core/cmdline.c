/* cmdline.c - parse and complete the dashboard's command line (`:ctx NAME`, `:ns all`).
 *
 * A verb is a row; its short and long spellings are k9s's and kubectl's. A name is taken
 * as typed (the switch checks it exists); only a namespace's spelling is checked here,
 * since the API server would refuse anything but a DNS label. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/cmdline.h"
#include "forgetop/text.h"

static const struct {
    const char *spelling;
    bool ns; /* a namespace verb, else a context verb */
} verbs[] = {
    {"ctx", false}, {"context", false},  {"contexts", false},
    {"ns", true},   {"namespace", true}, {"namespaces", true},
};
#define N_VERBS (sizeof verbs / sizeof verbs[0])

static const char usage[] = ":ctx NAME, :ns NAME, :ns all";

bool cmdline_valid_namespace(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
            return false;
    return true;
}

/* The next word of *p (spaces skipped) into out; its length, 0 at the end. */
static size_t word(const char **p, char *out, size_t len)
{
    const char *s = *p + strspn(*p, " \t");
    size_t n = strcspn(s, " \t");
    text_printf(out, len, "%.*s", (int)(n < len ? n : len - 1), s);
    *p = s + n;
    return n;
}

static int verb_of(const char *w)
{
    for (size_t i = 0; i < N_VERBS; i++)
        if (strcmp(w, verbs[i].spelling) == 0)
            return verbs[i].ns ? 1 : 0;
    return -1;
}

int cmdline_parse(const char *text, struct cmdline_cmd *out, char *err, size_t errlen)
{
    char v[32], arg[256], extra[8];
    const char *p = text;
    memset(out, 0, sizeof *out);
    if (word(&p, v, sizeof v) == 0) {
        text_printf(err, errlen, "type a command: %s", usage);
        return -1;
    }
    int ns = verb_of(v);
    if (ns < 0) {
        text_printf(err, errlen, "unknown command \"%s\": %s", v, usage);
        return -1;
    }
    size_t n = word(&p, arg, sizeof arg);
    if (word(&p, extra, sizeof extra) > 0) {
        text_printf(err, errlen, ":%s takes one name: %s", v, usage);
        return -1;
    }
    if (n >= FT_NAME_MAX) {
        text_printf(err, errlen, "name too long (at most %d characters)", FT_NAME_MAX - 1);
        return -1;
    }
    if (n == 0)
        out->verb = ns ? CMD_PICK_NAMESPACE : CMD_PICK_CONTEXT;
    else if (ns && (strcmp(arg, "all") == 0 || strcmp(arg, "-A") == 0))
        out->verb = CMD_ALL_NAMESPACES;
    else if (ns && !cmdline_valid_namespace(arg)) {
        text_printf(err, errlen, "\"%s\" is not a namespace name (lower case, digits, '-')", arg);
        return -1;
    } else
        out->verb = ns ? CMD_NAMESPACE : CMD_CONTEXT;
    text_printf(out->arg, sizeof out->arg, "%s", n && out->verb != CMD_ALL_NAMESPACES ? arg : "");
    return 0;
}

/* Fold name into the common prefix so far (pre, *have names seen). */
static void common(char *pre, size_t len, const char *name, size_t *have)
{
    if ((*have)++ == 0) {
        text_printf(pre, len, "%s", name);
        return;
    }
    size_t i = 0;
    while (pre[i] && pre[i] == name[i])
        i++;
    pre[i] = '\0';
}

static size_t complete_verb(const char *w, char *out, size_t len)
{
    char pre[32] = "";
    size_t have = 0;
    const char *shortest[] = {"ctx", "ns"}; /* the long spellings complete to themselves */
    for (size_t i = 0; i < 2; i++)
        if (strncmp(shortest[i], w, strlen(w)) == 0)
            common(pre, sizeof pre, shortest[i], &have);
    if (have == 0)
        text_printf(out, len, "%s", w);
    else
        text_printf(out, len, "%s%s", pre, have == 1 ? " " : "");
    return have;
}

size_t cmdline_complete(const char *text, const struct cmdline_names *ctx,
                        const struct cmdline_names *ns, char *out, size_t len)
{
    char v[32], part[FT_NAME_MAX], pre[FT_NAME_MAX] = "";
    const char *p = text;
    word(&p, v, sizeof v);
    if (*p == '\0') /* still in the verb */
        return complete_verb(v, out, len);
    int isns = verb_of(v);
    const struct cmdline_names *l = isns == 1 ? ns : isns == 0 ? ctx : NULL;
    word(&p, part, sizeof part);
    size_t have = 0, pl = strlen(part);
    for (size_t i = 0; l != NULL && i < l->n; i++)
        if (strncmp(l->v[i], part, pl) == 0)
            common(pre, sizeof pre, l->v[i], &have);
    if (isns == 1 && strncmp("all", part, pl) == 0)
        common(pre, sizeof pre, "all", &have);
    text_printf(out, len, "%s %s", v, have ? pre : part);
    return have;
}

int cmdline_names_add(struct cmdline_names *l, const char *name)
{
    char(*v)[FT_NAME_MAX] = realloc(l->v, (l->n + 1) * sizeof *v);
    if (v == NULL)
        return -1;
    l->v = v;
    text_sanitize(l->v[l->n++], FT_NAME_MAX, name);
    return 0;
}

void cmdline_names_free(struct cmdline_names *l)
{
    free(l->v);
    l->v = NULL;
    l->n = 0;
}
