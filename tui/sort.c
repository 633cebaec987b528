/* sort.c - the services table's order: by any column, either way, stably (ties keep the
 * world's order: source, then name), with unknown values (no data, no autoscaler, no
 * recommendation) last whichever way it goes, as htop keeps its sort.
 *
 * The sort-by list (F6) is drawn here too: one row per column, the current one marked. */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/dialog.h"
#include "forgetop/text.h"
#include "forgetop/tui.h"

static const struct {
    const char *name;
    bool numeric; /* a number: starts highest first */
} keys[SORT_N] = {
    [SORT_NAME] = {"name", false},       [SORT_READY] = {"ready", true},
    [SORT_BOUNDS] = {"min..max", true},  [SORT_CPU] = {"cpu", true},
    [SORT_MEM] = {"memory", true},       [SORT_REC] = {"rec", true},
    [SORT_AUTO] = {"autoscaler", false}, [SORT_SOURCE] = {"source", false},
    [SORT_NS] = {"namespace", false},    [SORT_STATUS] = {"status", false},
};

const char *tui_sort_name(enum tui_sort s)
{
    return s < SORT_N ? keys[s].name : "?";
}

void tui_sort_set(struct tui *t, enum tui_sort s)
{
    t->sort = s < SORT_N ? s : SORT_SOURCE;
    t->sort_desc = keys[t->sort].numeric;
}

void tui_sort_click(struct tui *t, enum tui_sort s)
{
    if (s == t->sort)
        t->sort_desc = !t->sort_desc;
    else
        tui_sort_set(t, s);
}

void tui_status_text(const struct service_view *sv, char *out, size_t len)
{
    const struct service *s = &sv->svc;
    if (s->reason[0])
        text_printf(out, len, "%s %d/%d", s->reason, s->ready, s->desired);
    else
        text_printf(out, len, "%s", model_text(s->unscalable ? s->unscalable_why : s->status));
}

/* One row's value in the sort column: a number or up to two texts, or unknown. The
 * texts point into the view: a sort of thousands of rows formats nothing. */
struct key {
    bool known;
    double num;
    const char *t1, *t2;
};

static const char *status_word(const struct service *s)
{
    return s->reason[0] ? s->reason : model_text(s->unscalable ? s->unscalable_why : s->status);
}

static void key_of(const struct tui *t, const struct service_view *sv, struct key *k)
{
    const struct service *s = &sv->svc;
    *k = (struct key){.known = true, .t1 = "", .t2 = ""};
    switch (t->sort) {
    case SORT_NAME:
        k->t1 = s->name;
        break;
    case SORT_READY: /* the share ready: the worst row is the lowest */
        k->num = s->desired > 0 ? (double)s->ready / s->desired : 1;
        break;
    case SORT_BOUNDS:
        k->known = sv->max > 0;
        k->num = (double)sv->max * 1e6 + sv->min;
        break;
    case SORT_CPU:
        k->num = s->cpu_pct;
        k->known = !isnan(k->num);
        break;
    case SORT_MEM:
        k->num = s->mem_pct;
        k->known = !isnan(k->num);
        break;
    case SORT_REC:
        k->known = sv->has_rec;
        k->num = sv->rec.replicas;
        break;
    case SORT_AUTO:
        k->known = s->autoscaler.present;
        k->t1 = s->autoscaler.kind, k->t2 = s->autoscaler.name;
        break;
    case SORT_SOURCE:
        k->num = (double)sv->source;
        break;
    case SORT_NS:
        k->known = s->namespace_[0] != '\0';
        k->t1 = s->namespace_;
        break;
    default:
        k->t1 = status_word(s);
        k->known = k->t1[0] != '\0';
        break;
    }
}

/* A row with its key taken once: a sort of thousands compares each many times. */
struct row {
    struct key k;
    size_t i;
};

/* <0 when row a goes before row b; unknown last, then the world's order. */
static int compare(const struct row *a, const struct row *b, bool numeric, bool desc)
{
    if (a->k.known != b->k.known)
        return a->k.known ? -1 : 1;
    int c = 0;
    if (a->k.known && numeric)
        c = a->k.num < b->k.num ? -1 : a->k.num > b->k.num ? 1 : 0;
    else if (a->k.known && (c = strcmp(a->k.t1, b->k.t1)) == 0)
        c = strcmp(a->k.t2, b->k.t2);
    if (c != 0)
        return desc ? -c : c;
    return a->i < b->i ? -1 : a->i > b->i ? 1 : 0;
}

/* Merge sort: stable, and it takes the order along (qsort cannot). */
static void merge_sort(struct row *v, struct row *tmp, size_t n, bool numeric, bool desc)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    merge_sort(v, tmp, h, numeric, desc);
    merge_sort(v + h, tmp, n - h, numeric, desc);
    size_t i = 0, j = h, o = 0;
    while (i < h && j < n)
        tmp[o++] = compare(&v[j], &v[i], numeric, desc) < 0 ? v[j++] : v[i++];
    while (i < h)
        tmp[o++] = v[i++];
    while (j < n)
        tmp[o++] = v[j++];
    memcpy(v, tmp, n * sizeof *v);
}

int tui_sort_rows(const struct tui *t, size_t *idx, size_t n)
{
    if (t->sort == SORT_SOURCE && !t->sort_desc)
        return 0; /* the world keeps this order already */
    struct row *rows = malloc((n ? n : 1) * sizeof *rows), *tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (rows == NULL || tmp == NULL) {
        free(rows);
        free(tmp);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        key_of(t, &t->world->services[idx[i]], &rows[i].k);
        rows[i].i = idx[i];
    }
    merge_sort(rows, tmp, n, keys[t->sort].numeric, t->sort_desc);
    for (size_t i = 0; i < n; i++)
        idx[i] = rows[i].i;
    free(rows);
    free(tmp);
    return 0;
}

void sort_draw(struct tui *t)
{
    struct dialog_view d = {.title = "Sort by",
                            .footer = "Up/Down choose, Enter sorts, I inverts, Esc cancels",
                            .min_w = 30};
    char rows[SORT_N][48];
    const struct glyphs *g = t->style.g;
    for (int i = 0; i < SORT_N && d.n < DIALOG_MAX_LINES; i++) {
        bool cur = (enum tui_sort)i == t->sort;
        text_printf(rows[i], sizeof rows[i], "%s %-12s%s",
                    (enum tui_sort)i == t->sort_pick ? g->select : " ", keys[i].name,
                    cur ? (t->sort_desc ? g->down : g->up) : "");
        d.lines[d.n++] = (struct dialog_line){
            NULL, rows[i], (enum tui_sort)i == t->sort_pick ? EL_SELECTION : EL_NORMAL};
    }
    int w = t->cols > TUI_MAX_COLS ? TUI_MAX_COLS : t->cols;
    dialog_draw(t->win, &t->style, 0, 0, t->lines, w, &d);
}
