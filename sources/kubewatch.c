/* kubewatch.c - the Kubernetes informer: one list read in pages (resourceVersion=0, so the
 * watch cache answers), then a watch from its resourceVersion whose events update the
 * items kept by namespace/name; resumed when it ends, relisted on 410 Gone.
 *
 * A watch that breaks backs off and the sync fails (the source goes stale) until one
 * resumes. The server ends every watch after timeoutSeconds (with a bookmark just
 * before), so a watch that delivered no byte for watch_timeout + HUNG_GRACE_S is hung. */

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "forgetop/kubepage.h"
#include "forgetop/kubewatch.h"
#include "forgetop/strmap.h"
#include "forgetop/text.h"

#define HUNG_GRACE_S  10
#define BACKOFF_MIN_S 1
#define BACKOFF_MAX_S 30
/* One event is one object, which cannot be larger than a page of them (kube.c's cap). */
#define MAX_LINE   (16u << 20)
#define TRIM_BYTES (1u << 20) /* a list this big gives its parse's memory back */
/* A relist after 410 is over within one sync: its note stays this long (or until the next
 * relist), so a screen or a test reading between polls still sees it happened. */
#define GONE_KEPT_S 60

enum kw_state { KW_LIST, KW_WATCH, KW_BACKOFF, KW_POLLED };

struct kitem {
    char *key; /* namespace/name */
    void *rec; /* what opts.parse made of the item; NULL: deleted, the slot waits */
};

struct kcache {
    unsigned long changes; /* anything put, deleted or relisted */
    struct kitem *items;
    size_t n, cap, live;
    struct strmap keys; /* key -> slot */
    size_t *order;      /* live slots in key order */
    size_t n_order;
    bool order_dirty;
    /* Past max_items: how many items the server has that are not kept (counted from the
     * list and from ADDED events), and whether that count is a floor (pages not read). */
    size_t over;
    bool over_floor;
};

struct kubewatch {
    char *what, *base, *selector;
    int (*parse)(const cJSON *item, void **rec, void *arg);
    void *arg;
    bool watch;
    int page_limit, max_pages;
    size_t max_items;
    double watch_timeout_s, relist_s, answer_s, poll_s;
    struct kcache cache;
    char rv[64];
    enum kw_state state;
    struct http_stream *st;
    bool confirmed;  /* the current watch answered 200 */
    bool recovering; /* opened after a failure: stale until it answers */
    bool gone;       /* the watch said 410: relist with a consistent read */
    double opened_at, last_byte_at, relist_at, retry_at, backoff_s;
    long refused;       /* the status that refused the watch (KW_POLLED) */
    char did[64];       /* what the last sync did out of the ordinary ("relisting (410 Gone)") */
    char gone_note[48]; /* "relisted after 410 Gone at 17:40:02", until gone_until */
    double gone_until;
    char why[200];
    char *buf;
    size_t len, cap;
    bool overflow;
    const struct http_response *first; /* this sync's first page, fetched by the caller */
    struct kubewatch_stats stats;
};

static double now_s(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return tv.tv_sec + tv.tv_usec / 1e6;
}

/* ---- the cache ---- */

static void cache_free(struct kcache *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->items[i].key);
        free(c->items[i].rec);
    }
    free(c->items);
    free(c->order);
    strmap_free(&c->keys);
    memset(c, 0, sizeof(*c));
}

static int item_key(const cJSON *obj, char *out, size_t len)
{
    const cJSON *md = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    const cJSON *ns = cJSON_GetObjectItemCaseSensitive(md, "namespace");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(md, "name");
    if (!cJSON_IsString(name))
        return -1;
    text_printf(out, len, "%s/%s", cJSON_IsString(ns) ? ns->valuestring : "", name->valuestring);
    return 0;
}

/* Put the record of item under its key, replacing what was there. 0, or -1 out of memory. */
static int cache_put(struct kcache *c, const cJSON *item, const struct kubewatch *w)
{
    char key[600];
    void *rec;
    if (item_key(item, key, sizeof(key)) < 0)
        return 0; /* nothing to key it by: not an object the reducers can use */
    if (w->parse(item, &rec, w->arg) < 0)
        return -1;
    if (rec == NULL)
        return 0;
    long slot = strmap_get(&c->keys, key, strlen(key));
    if (slot < 0) {
        if (c->n == c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 256;
            struct kitem *it = realloc(c->items, cap * sizeof(*it));
            if (it == NULL)
                goto oom;
            c->items = it;
            c->cap = cap;
        }
        char *k = strdup(key);
        if (k == NULL || strmap_put(&c->keys, key, strlen(key), (long)c->n) < 0) {
            free(k);
            goto oom;
        }
        c->items[c->n] = (struct kitem){k, NULL};
        slot = (long)c->n++;
    }
    struct kitem *it = &c->items[slot];
    if (it->rec == NULL) {
        c->live++;
        c->order_dirty = true;
    }
    free(it->rec);
    it->rec = rec;
    c->changes++;
    return 0;
oom:
    free(rec);
    return -1;
}

/* The item cap, asked before cache_put: whether obj may be kept. A new item past max is
 * not kept (freed) but counted when the server says it exists (a list, ADDED); a change to
 * an item not kept is kept once there is room, and no longer counted as over. */
static bool cache_admits(struct kcache *c, const cJSON *obj, size_t max, bool counts)
{
    char key[600];
    if (item_key(obj, key, sizeof(key)) < 0)
        return true; /* cache_put drops it */
    long slot = strmap_get(&c->keys, key, strlen(key));
    if (slot >= 0 && c->items[slot].rec != NULL)
        return true;
    if (c->live < max) {
        if (!counts && c->over > 0)
            c->over--;
        return true;
    }
    if (counts)
        c->over++;
    c->changes++;
    return false;
}

static void cache_delete(struct kcache *c, const cJSON *obj)
{
    char key[600];
    if (item_key(obj, key, sizeof(key)) < 0)
        return;
    long slot = strmap_get(&c->keys, key, strlen(key));
    if ((slot < 0 || c->items[slot].rec == NULL) && c->over > 0) {
        c->over--; /* one of those not kept */
        c->changes++;
    }
    if (slot < 0 || c->items[slot].rec == NULL)
        return;
    free(c->items[slot].rec);
    c->items[slot].rec = NULL;
    c->live--;
    c->changes++;
    c->order_dirty = true;
}

struct keyslot {
    const char *key;
    size_t slot;
};

static int by_key(const void *a, const void *b)
{
    return strcmp(((const struct keyslot *)a)->key, ((const struct keyslot *)b)->key);
}

/* Sort the live slots by key, only when something came or went. -1 out of memory. */
static int cache_order(struct kcache *c)
{
    if (!c->order_dirty)
        return 0;
    struct keyslot *ks = malloc((c->live ? c->live : 1) * sizeof(*ks));
    size_t *order = realloc(c->order, (c->live ? c->live : 1) * sizeof(*order));
    if (ks == NULL || order == NULL) {
        free(ks);
        if (order != NULL)
            c->order = order;
        return -1;
    }
    c->order = order;
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        if (c->items[i].rec != NULL)
            ks[n++] = (struct keyslot){c->items[i].key, i};
    qsort(ks, n, sizeof(*ks), by_key);
    for (size_t i = 0; i < n; i++)
        c->order[i] = ks[i].slot;
    c->n_order = n;
    c->order_dirty = false;
    free(ks);
    return 0;
}

/* ---- URLs ---- */

static void add_param(char *out, size_t len, const char *name, const char *value)
{
    size_t n = strlen(out);
    char *v = http_escape(value);
    text_printf(out + n, len - n, "%c%s=%s", strchr(out, '?') ? '&' : '?', name, v ? v : "");
    free(v);
}

static void list_url(const struct kubewatch *w, const char *server, const char *rv,
                     const char *cont, char *out, size_t len)
{
    char limit[16];
    text_printf(out, len, "%s%s", server, w->base);
    text_printf(limit, sizeof(limit), "%d", w->page_limit);
    add_param(out, len, "limit", limit);
    if (w->selector != NULL && w->selector[0])
        add_param(out, len, "labelSelector", w->selector);
    if (cont != NULL && cont[0])
        add_param(out, len, "continue", cont); /* the token carries the version */
    else if (rv != NULL)
        add_param(out, len, "resourceVersion", rv);
}

/* ---- listing ---- */

/* Past max_items, the items of the pages not read: counted from remainingItemCount when
 * the server gives it, else the count is a floor. */
static void count_rest(struct kcache *into, const cJSON *md, const char *cont)
{
    const cJSON *rest = cJSON_GetObjectItemCaseSensitive(md, "remainingItemCount");
    if (into->over == 0 || !cont[0])
        return; /* not full, or the last page: relist reads no further page either way */
    if (cJSON_IsNumber(rest) && rest->valuedouble > 0 && rest->valuedouble < 1e9)
        into->over += (size_t)rest->valuedouble;
    else
        into->over_floor = true;
}

/* One page's items into the cache as records, as far as max_items admits (the items
 * the server has beyond it are counted, not kept). Each item is parsed alone and freed
 * before the next (kubepage.h): a 20 000-item page is never one tree. */
static int parse_page(struct kcache *into, const struct kubewatch *w, const struct http_response *r,
                      char *cont, size_t contlen, char *rv, size_t rvlen, char *err, size_t errlen)
{
    struct kubepage pg;
    cJSON *it;
    int got = 0, rc = 0;
    if (kubepage_scan_list(&pg, r->body, r->body != NULL ? r->len : 0) != KUBEPAGE_LIST) {
        text_printf(err, errlen, "malformed response (%zu bytes, not a list)", r->len);
        return -1;
    }
    while (rc == 0 && (got = kubepage_next_item(&pg, &it)) == 1) {
        if (cache_admits(into, it, w->max_items, true))
            rc = cache_put(into, it, w);
        cJSON_Delete(it);
    }
    if (rc < 0) {
        text_printf(err, errlen, "out of memory");
        return -1;
    }
    if (got < 0) { /* an item the page's scan let through but cJSON does not */
        text_printf(err, errlen, "malformed response (%zu bytes, not a list)", r->len);
        return -1;
    }
    cJSON *md = kubepage_parse_metadata(&pg);
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(md, "continue");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(md, "resourceVersion");
    text_printf(cont, contlen, "%s", cJSON_IsString(c) ? c->valuestring : "");
    count_rest(into, md, cont);
    if (cJSON_IsString(v))
        text_printf(rv, rvlen, "%s", v->valuestring);
    cJSON_Delete(md);
    return 0;
}

/* r's body replaced by a copy of its own (NUL-ended as http.c's are): 0, or -1. */
static int own_copy(struct http_response *r)
{
    char *b = malloc(r->len + 1);
    if (b == NULL)
        return -1;
    memcpy(b, r->body != NULL ? r->body : "", r->len);
    b[r->len] = '\0';
    r->body = b;
    return 0;
}

/* Every page into a new cache that replaces the old one. rv0: "0" (the watch cache) or
 * "" (a consistent read, after 410). 0 (see *status), or -1 with err. */
static int relist(struct kubewatch *w, struct http_client *c, const char *server, const char *rv0,
                  long *status, struct http_response *failed, char *err, size_t errlen)
{
    struct kcache fresh = {0};
    char url[4096], cont[2048] = "", rv[64] = "", terr[256];
    size_t bytes = 0;
    for (int page = 0;; page++) {
        struct http_response r;
        bool borrowed = false; /* the caller's first page, read in place: it frees it */
        if (page >= w->max_pages) {
            text_printf(err, errlen, "more than %d pages", w->max_pages);
            goto fail;
        }
        list_url(w, server, page == 0 && rv0[0] ? rv0 : NULL, cont, url, sizeof(url));
        if (page == 0 && w->first != NULL) {
            r = *w->first;
            borrowed = true;
            w->first = NULL;
        } else if (http_get(c, url, &r, terr, sizeof(terr)) < 0) {
            text_printf(err, errlen, "%s", terr);
            goto fail;
        }
        w->stats.bytes += (double)r.len;
        w->stats.lists++;
        bytes += r.len;
        if (r.status != 200) {
            if (borrowed && own_copy(&r) < 0) {
                text_printf(err, errlen, "out of memory");
                goto fail;
            }
            *status = r.status;
            *failed = r;
            cache_free(&fresh);
            cache_free(&w->cache);
            return 0;
        }
        int rc = parse_page(&fresh, w, &r, cont, sizeof(cont), rv, sizeof(rv), err, errlen);
        if (!borrowed)
            http_response_free(&r);
        if (rc < 0)
            goto fail;
        if (cont[0] == '\0')
            break;
        if (fresh.over > 0)
            break; /* full: the pages left are counted (parse_page), not read */
    }
    fresh.changes = w->cache.changes + 1;
    cache_free(&w->cache);
    w->cache = fresh;
    /* A big list's parse is freed as small blocks that glibc keeps for reuse: 20 000 items
     * (past max_items) would hold their peak for good. Given back; a small list's is not
     * worth the walk of the heap at every poll of a list never watched. */
    if (bytes > TRIM_BYTES)
        malloc_trim(0);
    w->cache.order_dirty = true;
    text_printf(w->rv, sizeof(w->rv), "%s", rv);
    *status = 200;
    return 0;
fail:
    cache_free(&fresh);
    return -1;
}

/* ---- watching ---- */

static int on_bytes(const char *data, size_t len, void *arg)
{
    struct kubewatch *w = arg;
    w->last_byte_at = now_s();
    w->stats.bytes += (double)len;
    if (w->len + len + 1 > w->cap) {
        size_t cap = w->cap ? w->cap : 16384;
        while (cap < w->len + len + 1)
            cap *= 2;
        char *b = cap <= MAX_LINE ? realloc(w->buf, cap) : NULL;
        if (b == NULL) {
            w->overflow = true;
            return -1;
        }
        w->buf = b;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, data, len);
    w->len += len;
    w->buf[w->len] = '\0';
    return 0;
}

/* An empty line buffer grown past TRIM_BYTES by one big event (or a server's endless
 * non-line) goes back to the system: kept, it held up to MAX_LINE for good. */
static void release_line(struct kubewatch *w)
{
    if (w->len > 0 || w->cap <= TRIM_BYTES)
        return;
    free(w->buf);
    w->buf = NULL;
    w->cap = 0;
    malloc_trim(0);
}

static void close_stream(struct kubewatch *w)
{
    http_stream_close(w->st);
    w->st = NULL;
    w->len = 0;
    w->overflow = false;
    release_line(w);
}

static int open_stream(struct kubewatch *w, struct http_client *c, const char *server, double now,
                       char *err, size_t errlen)
{
    char url[4096], t[16];
    close_stream(w);
    text_printf(url, sizeof(url), "%s%s", server, w->base);
    add_param(url, sizeof(url), "watch", "1");
    add_param(url, sizeof(url), "allowWatchBookmarks", "true");
    add_param(url, sizeof(url), "resourceVersion", w->rv);
    text_printf(t, sizeof(t), "%d", (int)w->watch_timeout_s);
    add_param(url, sizeof(url), "timeoutSeconds", t);
    if (w->selector != NULL && w->selector[0])
        add_param(url, sizeof(url), "labelSelector", w->selector);
    char e[256];
    w->st = http_stream_open(c, url, on_bytes, w, e, sizeof(e));
    if (w->st == NULL) {
        text_printf(err, errlen, "watch %s: %s", w->what, e);
        return -2;
    }
    w->stats.watches++;
    w->state = KW_WATCH;
    w->confirmed = false;
    w->opened_at = w->last_byte_at = now;
    return 0;
}

/* One event line. 0 applied, 1 the watch said 410 (relist), -1 with why (broken). */
static int on_event(struct kubewatch *w, const char *line, size_t len)
{
    cJSON *ev = cJSON_ParseWithLength(line, len);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(ev, "type");
    cJSON *obj = cJSON_GetObjectItemCaseSensitive(ev, "object");
    int rc = 0;
    if (!cJSON_IsString(type) || !cJSON_IsObject(obj)) {
        text_printf(w->why, sizeof(w->why), "watch %s: not a watch event (%zu bytes)", w->what,
                    len);
        cJSON_Delete(ev);
        return -1;
    }
    const char *t = type->valuestring;
    const cJSON *md = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    const cJSON *rv = cJSON_GetObjectItemCaseSensitive(md, "resourceVersion");
    char at[sizeof(w->rv)] = ""; /* the version this event brings the cache to */
    if (cJSON_IsString(rv))
        text_printf(at, sizeof(at), "%s", rv->valuestring);
    w->stats.events++;
    if (strcmp(t, "ERROR") == 0) {
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(obj, "code");
        const cJSON *msg = cJSON_GetObjectItemCaseSensitive(obj, "message");
        char m[160];
        text_sanitize(m, sizeof(m), cJSON_IsString(msg) ? msg->valuestring : "no message");
        rc = cJSON_IsNumber(code) && code->valueint == 410 ? 1 : -1;
        text_printf(w->why, sizeof(w->why), "watch %s: error %d: %s", w->what,
                    cJSON_IsNumber(code) ? code->valueint : 0, m);
    } else if (strcmp(t, "ADDED") == 0 || strcmp(t, "MODIFIED") == 0) {
        if (cache_admits(&w->cache, obj, w->max_items, t[0] == 'A'))
            rc = cache_put(&w->cache, obj, w);
        if (rc < 0)
            text_printf(w->why, sizeof(w->why), "watch %s: out of memory", w->what);
    } else if (strcmp(t, "DELETED") == 0) {
        cache_delete(&w->cache, obj);
    } /* BOOKMARK: only its version */
    if (rc == 0 && at[0])
        text_printf(w->rv, sizeof(w->rv), "%s", at);
    cJSON_Delete(ev);
    return rc;
}

int kubewatch_apply_event(struct kubewatch *w, const char *line, size_t len)
{
    return on_event(w, line, len);
}

/* Apply the complete lines received; keep a partial one. As on_event. */
static int drain_lines(struct kubewatch *w)
{
    size_t at = 0;
    int rc = 0;
    char *nl;
    if (w->buf == NULL)
        return 0; /* nothing has arrived yet */
    while (rc == 0 && at < w->len && (nl = memchr(w->buf + at, '\n', w->len - at)) != NULL) {
        size_t n = (size_t)(nl - (w->buf + at));
        if (n > 0)
            rc = on_event(w, w->buf + at, n);
        at += n + 1;
    }
    memmove(w->buf, w->buf + at, w->len - at);
    w->len -= at;
    w->buf[w->len] = '\0';
    release_line(w);
    return rc;
}

static void back_off(struct kubewatch *w, double now)
{
    close_stream(w);
    w->backoff_s = w->backoff_s <= 0                  ? BACKOFF_MIN_S
                   : w->backoff_s * 2 > BACKOFF_MAX_S ? BACKOFF_MAX_S
                                                      : w->backoff_s * 2;
    w->retry_at = now + w->backoff_s;
    w->state = KW_BACKOFF;
    w->recovering = true;
}

/* A watch that ended with a status: 410 relists; a refusal of the verb polls; the rest is
 * broken. The body is the server's Status. */
static void watch_refused(struct kubewatch *w, long status, double now)
{
    char m[160] = "";
    cJSON *st = cJSON_ParseWithLength(w->buf ? w->buf : "", w->len);
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(st, "message");
    if (cJSON_IsString(msg))
        text_sanitize(m, sizeof(m), msg->valuestring);
    cJSON_Delete(st);
    close_stream(w);
    if (status == 410) {
        w->gone = true;
        w->state = KW_LIST;
    } else if (status == 405 || status == 403 || status == 400 || status == 404 || status == 501) {
        w->refused = status;
        w->state = KW_POLLED;
        w->retry_at = w->relist_s > 0 ? now + w->relist_s : 0;
    } else {
        text_printf(w->why, sizeof(w->why), "watch %s: HTTP %ld%s%s", w->what, status,
                    m[0] ? ": " : "", m);
        back_off(w, now);
    }
}

/* The watch ended (running no more): why, and what comes next. */
static void ended(struct kubewatch *w, long status, const char *e, double now)
{
    if (status != 200 && status != 0) {
        watch_refused(w, status, now);
        return;
    }
    int rc = drain_lines(w);
    if (rc > 0) {
        w->gone = true;
    } else if (rc < 0 || e[0] || w->overflow || status == 0) {
        if (rc == 0)
            text_printf(w->why, sizeof(w->why), "watch %s: %s", w->what,
                        w->overflow ? "an event larger than 16 MiB"
                        : e[0]      ? e
                                    : "no answer");
        back_off(w, now);
        return;
    } /* else a clean end at timeoutSeconds: resume from rv */
    close_stream(w);
    w->state = KW_LIST;
    w->confirmed = false;
}

/* Read what the open watch has; wait up to wait_s for its answer when it has none yet. */
static void step(struct kubewatch *w, double wait_s, double now)
{
    long status = 0;
    char e[256];
    double until = now_s() + wait_s, hard = until + w->answer_s;
    for (;;) {
        double t = now_s();
        bool error_body = status != 0 && status != 200; /* read a refusal to its end */
        double wait = (error_body && t < hard) || (!w->confirmed && t < until) ? 0.05 : 0;
        double before = w->stats.bytes;
        int running = http_stream_step(w->st, wait, &status, e, sizeof(e));
        if (status == 200)
            w->confirmed = true;
        if (!running) {
            ended(w, status, e, now);
            return;
        }
        if (status != 0 && status != 200) {
            if (now_s() < hard)
                continue;
            watch_refused(w, status, now);
            return;
        }
        int rc = drain_lines(w);
        if (rc > 0) {
            w->gone = true;
            close_stream(w);
            w->state = KW_LIST;
            return;
        }
        if (rc < 0) {
            back_off(w, now);
            return;
        }
        if (w->stats.bytes > before)
            continue; /* more may be waiting in the socket */
        if (wait == 0 || w->confirmed)
            return;
    }
}

/* ---- the sync ---- */

static int fail(struct kubewatch *w, char *err, size_t errlen)
{
    text_printf(err, errlen, "%s", w->why);
    return -2;
}

/* Done relisting after a 410: say so, with the time, for GONE_KEPT_S. */
static void keep_gone_note(struct kubewatch *w, double now)
{
    time_t at = (time_t)now;
    struct tm tm;
    char hms[16] = "";
    if (localtime_r(&at, &tm) != NULL) /* the header clock's time: local */
        strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
    text_printf(w->gone_note, sizeof(w->gone_note), "relisted after 410 Gone at %s", hms);
    w->gone_until = now + GONE_KEPT_S;
    w->did[0] = '\0'; /* done: the list is current, no longer "relisting" */
}

/* List (first time, after 410, at the safety interval) and start the watch. */
static int list_and_watch(struct kubewatch *w, struct http_client *c, const char *server,
                          double now, long *status, struct http_response *failed, char *err,
                          size_t errlen)
{
    bool first = w->stats.lists == 0;
    text_printf(w->did, sizeof(w->did), "%s",
                first     ? ""
                : w->gone ? "relisting (410 Gone)"
                          : "relisting (safety net)");
    w->stats.relists_gone += w->gone;
    w->gone_until = 0; /* a note of an earlier 410 ends at this relist */
    if (relist(w, c, server, w->gone ? "" : "0", status, failed, err, errlen) < 0)
        return -1;
    if (w->gone && *status == 200)
        keep_gone_note(w, now);
    w->gone = false;
    w->relist_at = w->relist_s > 0 ? now + w->relist_s : 0;
    if (*status != 200 || !w->watch)
        return 0;
    if (open_stream(w, c, server, now, err, errlen) < 0)
        return -2;
    /* the list is current, but curl moves the watch's TLS handshake only while stepped:
     * drive it to its answer now, not a poll at a time */
    step(w, w->answer_s < 0.5 ? w->answer_s : 0.5, now);
    return 0;
}

bool kubewatch_lists_next(const struct kubewatch *w, const char *server, double now, char *url,
                          size_t len)
{
    bool lists = !w->watch               ? w->relist_at == 0 || now >= w->relist_at
                 : w->state == KW_POLLED ? !(w->retry_at > 0 && now >= w->retry_at)
                 : w->stats.lists == 0   ? true
                 : w->state == KW_LIST   ? w->gone
                 : w->state == KW_WATCH  ? w->relist_at > 0 && now >= w->relist_at
                                         : false;
    if (lists)
        list_url(w, server, w->gone ? NULL : "0", NULL, url, len);
    return lists;
}

static int sync(struct kubewatch *w, struct http_client *c, const char *server, double now,
                long *status, struct http_response *failed, char *err, size_t errlen);

int kubewatch_sync(struct kubewatch *w, struct http_client *c, const char *server, double now,
                   const struct http_response *first, long *status, struct http_response *failed,
                   char *err, size_t errlen)
{
    w->first = first;
    int rc = sync(w, c, server, now, status, failed, err, errlen);
    w->first = NULL;
    return rc;
}

static int sync(struct kubewatch *w, struct http_client *c, const char *server, double now,
                long *status, struct http_response *failed, char *err, size_t errlen)
{
    *status = 200;
    memset(failed, 0, sizeof(*failed));
    w->did[0] = '\0';
    if (w->state == KW_POLLED && w->retry_at > 0 && now >= w->retry_at)
        w->state = KW_LIST; /* ask again now and then: the server may have changed */
    if (!w->watch && w->relist_at > 0 && now < w->relist_at)
        return 0; /* read less often than polled (pod metrics: the server's resolution) */
    if (w->state == KW_POLLED || !w->watch) {
        int rc = relist(w, c, server, "0", status, failed, err, errlen);
        w->relist_at =
            rc == 0 && *status == 200 && !w->watch && w->poll_s > 0 ? now + w->poll_s : 0;
        return rc;
    }
    if (w->relist_at > 0 && now >= w->relist_at && w->state == KW_WATCH) {
        close_stream(w);
        w->state = KW_LIST;
    }
    if (w->state == KW_BACKOFF) {
        if (now < w->retry_at)
            return fail(w, err, errlen);
        if (open_stream(w, c, server, now, err, errlen) < 0)
            return -2;
        step(w, w->answer_s < 0.5 ? w->answer_s : 0.5, now);
    } else if (w->state == KW_WATCH) {
        step(w, w->confirmed ? 0 : w->answer_s < 0.5 ? w->answer_s : 0.5, now);
        if (w->state == KW_WATCH && w->confirmed &&
            now - w->last_byte_at > w->watch_timeout_s + HUNG_GRACE_S) {
            text_printf(w->why, sizeof(w->why), "watch %s hung: no byte for %.0f s; restarted",
                        w->what, now - w->last_byte_at);
            close_stream(w);
            w->recovering = true;
            if (open_stream(w, c, server, now, err, errlen) < 0)
                return -2;
            step(w, w->answer_s < 0.5 ? w->answer_s : 0.5, now);
            if (!w->confirmed)
                return fail(w, err, errlen);
        } else if (w->state == KW_WATCH && !w->confirmed && now - w->opened_at > w->answer_s) {
            text_printf(w->why, sizeof(w->why), "watch %s: no answer within %.0f s", w->what,
                        w->answer_s);
            back_off(w, now);
        }
    }
    if (w->state == KW_LIST) {
        /* resume after a clean end; relist after 410 or at the safety interval */
        bool resume =
            !w->gone && w->rv[0] && (w->relist_at == 0 || now < w->relist_at) && w->stats.lists > 0;
        if (resume) {
            if (open_stream(w, c, server, now, err, errlen) < 0)
                return -2;
            step(w, w->answer_s < 0.5 ? w->answer_s : 0.5, now);
        } else {
            /* just listed: current, whatever the new watch does next */
            return list_and_watch(w, c, server, now, status, failed, err, errlen);
        }
    }
    if (w->state == KW_BACKOFF)
        return fail(w, err, errlen);
    if (w->state == KW_WATCH && w->recovering && !w->confirmed)
        return fail(w, err, errlen);
    if (w->state == KW_WATCH && w->confirmed) {
        w->recovering = false;
        w->backoff_s = 0;
    }
    return 0;
}

/* ---- reading ---- */

size_t kubewatch_count(struct kubewatch *w)
{
    cache_order(&w->cache);
    return w->cache.order_dirty ? 0 : w->cache.n_order;
}

const void *kubewatch_item(const struct kubewatch *w, size_t i)
{
    return i < w->cache.n_order ? w->cache.items[w->cache.order[i]].rec : NULL;
}

void kubewatch_mode(const struct kubewatch *w, char *out, size_t len)
{
    double now = now_s();
    if (!w->watch)
        text_printf(out, len, "polling");
    else if (w->did[0])
        text_printf(out, len, "%s", w->did);
    else if (w->state == KW_POLLED)
        text_printf(out, len, "polling (watch refused: %ld)", w->refused);
    else if (w->state == KW_BACKOFF)
        text_printf(out, len, "watch broken, retrying in %.0f s",
                    w->retry_at > now ? w->retry_at - now : 0);
    else if (w->state == KW_WATCH && !w->confirmed && w->recovering)
        text_printf(out, len, "resuming");
    else if (now < w->gone_until)
        text_printf(out, len, "watching (%s)", w->gone_note);
    else
        text_printf(out, len, "watching");
}

bool kubewatch_capped(const struct kubewatch *w, char *out, size_t len)
{
    const struct kcache *c = &w->cache;
    if (c->over == 0)
        return false;
    text_printf(out, len, "showing %zu of %s%zu %s (max_items %zu)", c->live,
                c->over_floor ? "at least " : "", c->live + c->over, w->what, w->max_items);
    return true;
}

unsigned long kubewatch_changes(const struct kubewatch *w)
{
    return w->cache.changes;
}

struct kubewatch_stats kubewatch_stats(const struct kubewatch *w)
{
    return w->stats;
}

/* ---- life ---- */

struct kubewatch *kubewatch_new(const struct kubewatch_opts *o)
{
    struct kubewatch *w = calloc(1, sizeof(*w));
    if (w == NULL)
        return NULL;
    w->what = strdup(o->what);
    w->base = strdup(o->base);
    w->selector = strdup(o->selector ? o->selector : "");
    w->parse = o->parse;
    w->arg = o->arg;
    if (w->what == NULL || w->base == NULL || w->selector == NULL || w->parse == NULL) {
        kubewatch_free(w);
        return NULL;
    }
    w->watch = o->watch;
    w->page_limit = o->page_limit > 0 ? o->page_limit : 500;
    w->max_pages = o->max_pages > 0 ? o->max_pages : 200;
    w->max_items = o->max_items > 0 ? (size_t)o->max_items : 20000;
    w->watch_timeout_s = o->watch_timeout_s >= 1 ? o->watch_timeout_s : 60;
    w->relist_s = o->relist_s;
    w->answer_s = o->answer_s > 0 ? o->answer_s : 10;
    w->poll_s = o->poll_s;
    return w;
}

void kubewatch_free(struct kubewatch *w)
{
    if (w == NULL)
        return;
    close_stream(w);
    cache_free(&w->cache);
    free(w->buf);
    free(w->what);
    free(w->base);
    free(w->selector);
    free(w);
}
