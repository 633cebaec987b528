/* test_manual.c - the manual page names every option --help lists, and every
 * environment variable and file the program reads. */

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/cli.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    static char buf[131072];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

Test(manual, names_every_option_of_help)
{
    char *usage = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&usage, &len);
    cli_usage(out);
    fclose(out);
    const char *man = slurp("man/forgetop.1");
    int seen = 0;
    for (char *p = strstr(usage, "--"); p != NULL; p = strstr(p + 2, "--")) {
        char flag[40], roff[80];
        size_t n = strspn(p + 2, "abcdefghijklmnopqrstuvwxyz-");
        if (n == 0 || n > 30)
            continue;
        snprintf(flag, sizeof flag, "%.*s", (int)n, p + 2);
        /* roff writes each "-" as "\-" */
        size_t o = 0;
        o += (size_t)snprintf(roff + o, sizeof roff - o, "\\-\\-");
        for (size_t i = 0; i < n; i++)
            o +=
                (size_t)snprintf(roff + o, sizeof roff - o, flag[i] == '-' ? "\\-" : "%c", flag[i]);
        cr_expect_not_null(strstr(man, roff), "the manual lacks --%s", flag);
        seen++;
    }
    cr_expect_gt(seen, 20, "--help lists the options");
    free(usage);
}

Test(manual, names_the_environment_and_the_files)
{
    static const char *const words[] = {"FORGETOP_READ_ONLY", "NO_COLOR",  "XDG_CONFIG_HOME",
                                        "XDG_STATE_HOME",     ".SH FILES", ".SH ENVIRONMENT",
                                        ".SH EXIT STATUS",    "audit.log", "forgetop.conf",
                                        "open\\-forge.conf"};
    const char *man = slurp("man/forgetop.1");
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        cr_expect_not_null(strstr(man, words[i]), "the manual lacks %s", words[i]);
}
