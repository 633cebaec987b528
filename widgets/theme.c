/* theme.c - read themes (INI: `element = fg bg attrs`) and turn them into curses
 * attributes for the terminal at hand: 256 colours, 8 colours, or none at all.
 *
 * The shipped themes are built in too (the same text as the files in themes/, which a unit
 * test checks), so a missing share folder never costs the operator their colours. */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <ini.h>

#include "forgetop/text.h"
#include "forgetop/theme.h"

const char *const theme_names[] = {"dark", "light", "mono", "high-contrast"};
const size_t theme_count = sizeof theme_names / sizeof theme_names[0];

static const char *const element_names[EL_COUNT] = {
    [EL_NORMAL] = "normal",
    [EL_DIM] = "dim",
    [EL_TITLE] = "title",
    [EL_HEADER] = "header",
    [EL_HEADER_FOCUS] = "header_focus",
    [EL_BORDER] = "border",
    [EL_SELECTION] = "selection",
    [EL_MARKED] = "marked",
    [EL_BAND_OK] = "band_ok",
    [EL_BAND_WARN] = "band_warn",
    [EL_BAND_CRIT] = "band_crit",
    [EL_BAND_UNKNOWN] = "band_unknown",
    [EL_STALE] = "stale",
    [EL_BADGE_RO] = "badge_ro",
    [EL_BADGE_RW] = "badge_rw",
    [EL_BADGE_PROD] = "badge_prod",
    [EL_GAUGE_EMPTY] = "gauge_empty",
    [EL_SPARK] = "spark",
    [EL_FKEY] = "fkey",
    [EL_FLABEL] = "flabel",
    [EL_DISABLED] = "disabled",
    [EL_STATUS_OK] = "status_ok",
    [EL_STATUS_ERR] = "status_err",
    [EL_DIALOG] = "dialog",
    [EL_DIALOG_BORDER] = "dialog_border",
    [EL_REC_CHANGE] = "rec_change",
};

static const struct {
    const char *name;
    const char *text;
} builtin[] = {
    {"dark", "[theme]\n"
             "name = dark\n"
             "[elements]\n"
             "normal        = default default\n"
             "dim           = 244/white default dim\n"
             "title         = brightcyan default bold\n"
             "header        = black cyan\n"
             "header_focus  = black green bold\n"
             "border        = 240/blue default\n"
             "selection     = black cyan\n"
             "marked        = brightyellow default bold\n"
             "band_ok       = green default\n"
             "band_warn     = yellow default bold\n"
             "band_crit     = brightred default bold\n"
             "band_unknown  = magenta default\n"
             "stale         = 244/white default dim\n"
             "badge_ro      = black yellow bold\n"
             "badge_rw      = black green bold\n"
             "badge_prod    = white red bold\n"
             "gauge_empty   = 238/blue default dim\n"
             "spark         = cyan default\n"
             "fkey          = black cyan\n"
             "flabel        = default default\n"
             "disabled      = 242/white default dim\n"
             "status_ok     = green default\n"
             "status_err    = brightred default bold\n"
             "dialog        = default default\n"
             "dialog_border = yellow default bold\n"
             "rec_change    = brightyellow default bold\n"},
    {"light", "[theme]\n"
              "name = light\n"
              "[elements]\n"
              "normal        = default default\n"
              "dim           = 245/black default\n"
              "title         = blue default bold\n"
              "header        = white blue\n"
              "header_focus  = white 28/green bold\n"
              "border        = 248/blue default\n"
              "selection     = white blue\n"
              "marked        = 130/magenta default bold\n"
              "band_ok       = 28/green default\n"
              "band_warn     = 130/yellow default bold\n"
              "band_crit     = 160/red default bold\n"
              "band_unknown  = magenta default\n"
              "stale         = 245/black default\n"
              "badge_ro      = black yellow bold\n"
              "badge_rw      = white 28/green bold\n"
              "badge_prod    = white red bold\n"
              "gauge_empty   = 250/black default\n"
              "spark         = 25/blue default\n"
              "fkey          = white blue\n"
              "flabel        = default default\n"
              "disabled      = 248/black default\n"
              "status_ok     = 28/green default\n"
              "status_err    = 160/red default bold\n"
              "dialog        = default default\n"
              "dialog_border = 130/magenta default bold\n"
              "rec_change    = 130/magenta default bold\n"},
    {"mono", "[theme]\n"
             "name = mono\n"
             "[elements]\n"
             "normal        = default default\n"
             "dim           = default default dim\n"
             "title         = default default bold\n"
             "header        = default default reverse\n"
             "header_focus  = default default reverse,bold\n"
             "border        = default default\n"
             "selection     = default default reverse\n"
             "marked        = default default bold,underline\n"
             "band_ok       = default default\n"
             "band_warn     = default default bold\n"
             "band_crit     = default default bold,reverse\n"
             "band_unknown  = default default dim\n"
             "stale         = default default dim\n"
             "badge_ro      = default default reverse,bold\n"
             "badge_rw      = default default reverse\n"
             "badge_prod    = default default reverse,bold,underline\n"
             "gauge_empty   = default default dim\n"
             "spark         = default default\n"
             "fkey          = default default reverse\n"
             "flabel        = default default\n"
             "disabled      = default default dim\n"
             "status_ok     = default default\n"
             "status_err    = default default bold\n"
             "dialog        = default default\n"
             "dialog_border = default default bold\n"
             "rec_change    = default default bold\n"},
    {"high-contrast", "[theme]\n"
                      "name = high-contrast\n"
                      "[elements]\n"
                      "normal        = brightwhite black\n"
                      "dim           = white black\n"
                      "title         = brightwhite black bold,underline\n"
                      "header        = black brightwhite bold\n"
                      "header_focus  = black brightyellow bold\n"
                      "border        = brightwhite black\n"
                      "selection     = black brightwhite bold\n"
                      "marked        = brightyellow black bold,underline\n"
                      "band_ok       = brightgreen black bold\n"
                      "band_warn     = brightyellow black bold\n"
                      "band_crit     = brightwhite red bold\n"
                      "band_unknown  = brightmagenta black bold\n"
                      "stale         = white black underline\n"
                      "badge_ro      = black brightyellow bold\n"
                      "badge_rw      = black brightgreen bold\n"
                      "badge_prod    = brightwhite red bold\n"
                      "gauge_empty   = white black\n"
                      "spark         = brightcyan black bold\n"
                      "fkey          = black brightwhite bold\n"
                      "flabel        = brightwhite black\n"
                      "disabled      = white black\n"
                      "status_ok     = brightgreen black bold\n"
                      "status_err    = brightwhite red bold\n"
                      "dialog        = brightwhite black\n"
                      "dialog_border = brightyellow black bold\n"
                      "rec_change    = brightyellow black bold\n"},
};

static const struct {
    const char *name;
    unsigned attr;
} attr_names[] = {
    {"none", 0},
    {"bold", A_BOLD},
    {"dim", A_DIM},
    {"reverse", A_REVERSE},
    {"underline", A_UNDERLINE},
    {"standout", A_STANDOUT},
};

static const char *const colour_names[] = {"black", "red",     "green", "yellow",
                                           "blue",  "magenta", "cyan",  "white"};

const char *theme_element_name(enum element el)
{
    return (unsigned)el < EL_COUNT ? element_names[el] : NULL;
}

int theme_index(const char *name)
{
    for (size_t i = 0; i < theme_count; i++)
        if (strcmp(theme_names[i], name) == 0)
            return (int)i;
    return -1;
}

/* A colour by name: 0-7, 8-15 for bright<name>, THEME_NO_COLOR for default; -2 bad. */
static int colour_by_name(const char *s)
{
    if (strcmp(s, "default") == 0)
        return THEME_NO_COLOR;
    int bright = strncmp(s, "bright", 6) == 0;
    if (bright)
        s += 6;
    for (int i = 0; i < 8; i++)
        if (strcmp(s, colour_names[i]) == 0)
            return i + (bright ? 8 : 0);
    return -2;
}

/* "208/yellow", "cyan", "240": the full colour and its 8-colour stand-in. */
static int parse_colour(const char *tok, short *full, short *eight)
{
    char buf[32], *slash, *end;
    text_printf(buf, sizeof buf, "%s", tok);
    slash = strchr(buf, '/');
    if (slash)
        *slash++ = '\0';
    int c;
    long n = strtol(buf, &end, 10);
    if (*buf && *end == '\0') {
        if (n < 0 || n > 255)
            return -1;
        c = (int)n;
    } else if ((c = colour_by_name(buf)) == -2) {
        return -1;
    }
    int e = c >= 0 && c < 16 ? c : THEME_NO_COLOR;
    if (slash && (e = colour_by_name(slash)) == -2)
        return -1;
    *full = (short)c;
    *eight = (short)e;
    return 0;
}

static int parse_attrs(const char *s, unsigned *out)
{
    char buf[96];
    text_printf(buf, sizeof buf, "%s", s);
    *out = 0;
    for (char *save, *tok = strtok_r(buf, ", \t", &save); tok;
         tok = strtok_r(NULL, ", \t", &save)) {
        size_t i;
        for (i = 0; i < sizeof attr_names / sizeof attr_names[0]; i++)
            if (strcmp(tok, attr_names[i].name) == 0)
                break;
        if (i == sizeof attr_names / sizeof attr_names[0])
            return -1;
        *out |= attr_names[i].attr;
    }
    return 0;
}

static int parse_style(const char *value, struct theme_style *st)
{
    char fg[32] = "", bg[32] = "";
    int used = 0;
    if (sscanf(value, "%31s %31s %n", fg, bg, &used) < 2)
        return -1;
    if (parse_colour(fg, &st->fg, &st->fg8) < 0 || parse_colour(bg, &st->bg, &st->bg8) < 0)
        return -1;
    return parse_attrs(value + used, &st->attrs);
}

struct parse_ctx {
    struct theme *t;
    char err[160];
};

static int on_entry(void *user, const char *section, const char *key, const char *value)
{
    struct parse_ctx *c = user;
    if (strcmp(section, "theme") == 0) {
        if (strcmp(key, "name") == 0)
            text_printf(c->t->name, sizeof c->t->name, "%s", value);
        return 1;
    }
    if (strcmp(section, "elements") != 0) {
        text_printf(c->err, sizeof c->err, "unknown section [%s]", section);
        return 0;
    }
    for (int el = 0; el < EL_COUNT; el++) {
        if (strcmp(key, element_names[el]) == 0) {
            if (parse_style(value, &c->t->el[el]) == 0)
                return 1;
            text_printf(c->err, sizeof c->err, "%s: want `fg bg [attrs]`, got `%s`", key, value);
            return 0;
        }
    }
    text_printf(c->err, sizeof c->err, "unknown element `%s`", key);
    return 0;
}

int theme_parse(struct theme *t, const char *name, const char *text, char *err, size_t errlen)
{
    struct parse_ctx c = {.t = t};
    memset(t, 0, sizeof *t);
    for (int el = 0; el < EL_COUNT; el++)
        t->el[el] =
            (struct theme_style){THEME_NO_COLOR, THEME_NO_COLOR, THEME_NO_COLOR, THEME_NO_COLOR, 0};
    text_printf(t->name, sizeof t->name, "%s", name);
    int line = ini_parse_string(text, on_entry, &c);
    if (line != 0) {
        text_printf(err, errlen, "%s:%d: %s", name, line, c.err[0] ? c.err : "syntax error");
        return -1;
    }
    return 0;
}

static char *read_small_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *buf = malloc(16384);
    size_t n = buf ? fread(buf, 1, 16383, f) : 0;
    fclose(f);
    if (buf)
        buf[n] = '\0';
    return buf;
}

/* NAME.theme in the first folder that has it; NULL when none does. */
static char *find_theme_file(const char *name, char *path, size_t len)
{
    char exe[PATH_MAX] = "";
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
    }
    const char *env = getenv("FORGETOP_THEME_DIR");
    char dirs[4][PATH_MAX];
    text_printf(dirs[0], sizeof dirs[0], "%s", env ? env : "");
    text_printf(dirs[1], sizeof dirs[1], "%s/themes", exe);
    text_printf(dirs[2], sizeof dirs[2], "%s/../share/forgetop/themes", exe);
    text_printf(dirs[3], sizeof dirs[3], "/usr/local/share/forgetop/themes");
    for (size_t i = 0; i < 4; i++) {
        if (!dirs[i][0] || (i == 1 && !exe[0]))
            continue;
        text_printf(path, len, "%s/%s.theme", dirs[i], name);
        char *text = read_small_file(path);
        if (text)
            return text;
    }
    return NULL;
}

int theme_load(struct theme *t, const char *name, char *err, size_t errlen)
{
    char path[PATH_MAX + 64];
    if (strchr(name, '/')) {
        text_printf(err, errlen, "theme %s: a theme is a name, not a path", name);
        return -1;
    }
    char *text = find_theme_file(name, path, sizeof path);
    if (text) {
        int rc = theme_parse(t, path, text, err, errlen);
        free(text);
        return rc;
    }
    for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
        if (strcmp(builtin[i].name, name) == 0)
            return theme_parse(t, name, builtin[i].text, err, errlen);
    text_printf(err, errlen, "theme %s: no such theme (have dark, light, mono, high-contrast)",
                name);
    return -1;
}

void theme_apply(const struct theme *t, const struct theme *mono, bool colours, struct style *out)
{
    bool many = colours && COLORS >= 256;
    bool sixteen = colours && COLORS >= 16;
    for (int el = 0; el < EL_COUNT; el++) {
        const struct theme_style *s = &t->el[el];
        if (!colours) {
            out->attr[el] = mono->el[el].attrs;
            continue;
        }
        short fg = many ? s->fg : s->fg8, bg = many ? s->bg : s->bg8;
        attr_t extra = 0;
        if (!sixteen && fg >= 8) {
            fg -= 8; /* bright on an 8-colour terminal: bold is the usual stand-in */
            extra = A_BOLD;
        }
        if (!sixteen && bg >= 8)
            bg -= 8;
        init_pair((short)(el + 1), fg, bg);
        out->attr[el] = COLOR_PAIR(el + 1) | s->attrs | extra;
    }
}
