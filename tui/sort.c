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

void tui_status_text(const struct service_view *sv, char *out, size_t len)
{
    const struct service *s = &sv->svc;
    if (s->reason[0])
        text_printf(out, len, "%s %d/%d", s->reason, s->ready, s->desired);
    else
        text_printf(out, len, "%s", s->unscalable ? s->unscalable_why : s->status);
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
    return s->reason[0] ? s->reason : s->unscalable ? s->unscalable_why : s->status;
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

/* <0 when row a goes before row b; unknown last, then the world's order. */
static int compare(const struct tui *t, size_t a, size_t b)
{
    struct key ka, kb;
    key_of(t, &t->world->services[a], &ka);
    key_of(t, &t->world->services[b], &kb);
    if (ka.known != kb.known)
        return ka.known ? -1 : 1;
    int c = 0;
    if (ka.known && keys[t->sort].numeric)
        c = ka.num < kb.num ? -1 : ka.num > kb.num ? 1 : 0;
    else if (ka.known && (c = strcmp(ka.t1, kb.t1)) == 0)
        c = strcmp(ka.t2, kb.t2);
    if (c != 0)
        return t->sort_desc ? -c : c;
    return a < b ? -1 : a > b ? 1 : 0;
}

/* Merge sort: stable, and it takes the tui along (qsort cannot). */
static void merge_sort(const struct tui *t, size_t *v, size_t *tmp, size_t n)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    merge_sort(t, v, tmp, h);
    merge_sort(t, v + h, tmp, n - h);
    size_t i = 0, j = h, o = 0;
    while (i < h && j < n)
        tmp[o++] = compare(t, v[j], v[i]) < 0 ? v[j++] : v[i++];
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
    size_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (tmp == NULL)
        return -1;
    merge_sort(t, idx, tmp, n);
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
