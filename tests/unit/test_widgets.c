/* test_widgets.c - the parts of widgets/ and tui/ that need no terminal: theme files,
 * column fitting, severity words, value formatting, sparkline buckets. */

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/gauge.h"
#include "forgetop/table.h"
#include "forgetop/theme.h"
#include "forgetop/tui.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "cannot open %s", path);
    char *buf = calloc(1, 16384);
    size_t n = fread(buf, 1, 16383, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

Test(widgets_theme, shipped_files_match_the_built_in_copies)
{
    setenv("FORGETOP_THEME_DIR", "/nonexistent", 1);
    for (size_t i = 0; i < theme_count; i++) {
        char path[128], err[160];
        struct theme file, built;
        snprintf(path, sizeof path, "themes/%s.theme", theme_names[i]);
        char *text = slurp(path);
        cr_assert_eq(theme_parse(&file, theme_names[i], text, err, sizeof err), 0, "%s", err);
        free(text);
        cr_assert_eq(theme_load(&built, theme_names[i], err, sizeof err), 0, "%s", err);
        cr_assert(memcmp(file.el, built.el, sizeof file.el) == 0,
                  "themes/%s.theme differs from its built-in copy in widgets/theme.c",
                  theme_names[i]);
    }
}

Test(widgets_theme, every_element_is_set_by_every_shipped_theme)
{
    for (size_t i = 0; i < theme_count; i++) {
        char path[128];
        snprintf(path, sizeof path, "themes/%s.theme", theme_names[i]);
        char *text = slurp(path);
        for (int el = 0; el < EL_COUNT; el++) {
            char key[48];
            snprintf(key, sizeof key, "\n%s ", theme_element_name(el));
            cr_expect_not_null(strstr(text, key), "%s lacks %s", path, theme_element_name(el));
        }
        free(text);
    }
}

Test(widgets_theme, a_bad_line_is_named_with_its_line)
{
    struct theme t;
    char err[160];
    cr_assert_eq(theme_parse(&t, "x.theme",
                             "[elements]\nnormal = default default\nband_ok = "
                             "purple default\n",
                             err, sizeof err),
                 -1);
    cr_expect(strstr(err, "x.theme:3") != NULL, "got: %s", err);
    cr_assert_eq(theme_parse(&t, "y.theme", "[elements]\nblinky = red black\n", err, sizeof err),
                 -1);
    cr_expect(strstr(err, "unknown element") != NULL, "got: %s", err);
    cr_assert_eq(theme_parse(&t, "z.theme",
                             "[elements]\ntitle = 208/yellow default bold,underline\n", err,
                             sizeof err),
                 0, "%s", err);
    cr_expect_eq(t.el[EL_TITLE].fg, 208);
    cr_expect_eq(t.el[EL_TITLE].fg8, 3); /* yellow on an 8-colour terminal */
    cr_expect_eq(t.el[EL_TITLE].attrs, A_BOLD | A_UNDERLINE);
}

Test(widgets_theme, an_unknown_theme_or_a_path_is_refused)
{
    struct theme t;
    char err[160];
    cr_expect_eq(theme_load(&t, "solarized-ultra", err, sizeof err), -1);
    cr_expect(strstr(err, "no such theme") != NULL, "got: %s", err);
    cr_expect_eq(theme_load(&t, "../../etc/passwd", err, sizeof err), -1);
}

static const struct table_col cols[] = {
    {"a", 10, 30, 90, PAINT_LEFT}, /* flexible */
    {"b", 8, 8, 80, PAINT_LEFT},   /* fixed */
    {"c", 10, 10, 10, PAINT_LEFT}, /* goes first */
    {"d", 6, 6, 50, PAINT_LEFT},
};

Test(widgets_table, drops_the_lowest_priority_column_first)
{
    struct table_layout l;
    table_fit(cols, 4, 30, &l); /* 10+8+10+6+3 = 37 > 30: c goes */
    cr_expect_eq(l.w[2], 0);
    cr_expect_gt(l.w[0], 0);
    cr_expect_eq(l.w[1], 8);
    cr_expect_eq(l.w[3], 6);
    cr_expect_eq(l.x[1], l.x[0] + l.w[0] + 1);
}

Test(widgets_table, spare_room_grows_flexible_columns_up_to_their_maximum)
{
    struct table_layout l;
    table_fit(cols, 4, 200, &l);
    cr_expect_eq(l.w[0], 30);
    cr_expect_eq(l.w[1], 8);
    cr_expect_eq(l.w[2], 10);
}

Test(widgets_table, a_column_of_max_0_is_not_shown_and_gives_its_room_away)
{
    struct table_col c[4];
    struct table_layout l;
    memcpy(c, cols, sizeof c);
    c[1].max = 0;            /* the same on every row: said elsewhere */
    table_fit(c, 4, 30, &l); /* 10+10+6+2 = 28 <= 30: c stays now */
    cr_expect_eq(l.w[1], 0);
    cr_expect_eq(l.w[2], 10);
    cr_expect_eq(l.x[2], l.x[0] + l.w[0] + 1, "no gap where b was");
}

Test(widgets_table, a_first_priority_column_takes_the_spare_room_before_the_others)
{
    struct table_col c[2] = {{"gauge", 10, 40, 90, PAINT_LEFT},
                             {"name", 10, 24, TABLE_PRIO_FIRST, PAINT_LEFT}};
    struct table_layout l;
    table_fit(c, 2, 40, &l); /* 21 used, 19 spare: name to 24 (14), gauge the rest (5) */
    cr_expect_eq(l.w[1], 24);
    cr_expect_eq(l.w[0], 15);
}

Test(widgets_table, scroll_keeps_the_selection_visible)
{
    struct {
        size_t sel, top, rows, n, want;
    } cases[] = {
        {0, 0, 5, 3, 0}, {7, 0, 5, 20, 3}, {2, 5, 5, 20, 2}, {19, 0, 5, 20, 15}, {4, 10, 5, 12, 4},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_expect_eq(table_scroll(cases[i].sel, cases[i].top, cases[i].rows, cases[i].n),
                     cases[i].want, "case %zu", i);
}

Test(widgets_gauge, severity_is_a_glyph_or_a_word_never_colour_alone)
{
    cr_expect_str_eq(gauge_severity(BAND_OK, false), "");
    cr_expect_str_eq(gauge_severity(BAND_WARNING, false), "!");
    cr_expect_str_eq(gauge_severity(BAND_CRITICAL, false), "!!");
    cr_expect_str_eq(gauge_severity(BAND_WARNING, true), "WARN");
    cr_expect_str_eq(gauge_severity(BAND_CRITICAL, true), "CRIT");
    cr_expect_str_eq(gauge_severity(BAND_UNKNOWN, false), "?");
}

Test(widgets_gauge, scale_is_100_for_percentages_and_above_critical_otherwise)
{
    cr_expect_float_eq(gauge_scale("%", 85, 92), 100, 1e-9);
    cr_expect_float_eq(gauge_scale("ms", 2000, 740), 2500, 1e-9);
    cr_expect_float_eq(gauge_scale("", 0, 8), 10, 1e-9);
}

Test(widgets_format, values_read_in_their_unit)
{
    struct {
        const char *unit;
        double v;
        const char *want;
    } cases[] = {
        {"%", 92.4, "92%"},   {"ms", 740, "740ms"}, {"ms", 2350, "2.35s"},   {"", 1240, "1240"},
        {"", 12400, "12.4k"}, {"%", NAN, "n/a"},    {"ms", INFINITY, "inf"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[32];
        frame_value(out, sizeof out, cases[i].unit, cases[i].v);
        cr_expect_str_eq(out, cases[i].want, "case %zu", i);
    }
}

Test(widgets_format, sparkline_buckets_are_aligned_and_keep_the_peak)
{
    static struct history h;
    memset(&h, 0, sizeof h);
    double now = 1000.0 + 5; /* buckets of 10 s: ..., [990,1000), [1000,1010) */
    double pts[][2] = {{981, 1}, {985, 7}, {991, 3}, {999, 2}, {1004, 4}};
    for (size_t i = 0; i < 5; i++)
        h.s[h.len++] = (struct sample){pts[i][0], pts[i][1]};
    double out[4];
    frame_resample(&h, now, 10, out, 4);
    cr_expect(isnan(out[0]), "970..980 is empty");
    cr_expect_float_eq(out[1], 7, 1e-9, "980..990 keeps its peak");
    cr_expect_float_eq(out[2], 3, 1e-9);
    cr_expect_float_eq(out[3], 4, 1e-9, "the current bucket is the last cell");
    frame_resample(&h, now + 3, 10, out, 4);
    cr_expect_float_eq(out[3], 4, 1e-9, "within a bucket the line does not shift");
}
