/* kubewatch.h - an informer for one Kubernetes list: listed once (in pages, from the API
 * server's watch cache), then followed with a watch, its items kept between polls by
 * namespace/name as compact records (opts.parse), so a poll costs what changed plus the
 * rows joined from the cache.
 *
 * A list the server will not watch (405, 403 on the verb) is listed at every sync. */

#ifndef FORGETOP_KUBEWATCH_H
#define FORGETOP_KUBEWATCH_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "forgetop/http.h"

struct kubewatch_opts {
    const char *what;     /* "deployments", for errors and the mode */
    const char *base;     /* "/apis/apps/v1/namespaces/NS/deployments" */
    const char *selector; /* a label selector, NULL or "" none */
    bool watch;           /* false: listed at every sync, never watched */
    int page_limit, max_pages;
    /* Items kept at most (0: 20 000): past it a list's and ADDED events' new items are
     * counted, not kept, and kubewatch_capped says so. */
    int max_items;
    double watch_timeout_s; /* the server ends each watch after this (timeoutSeconds) */
    double relist_s;        /* a full list this often, as a safety net; 0 never */
    double answer_s;        /* a watch without response headers this long is broken */
    double poll_s;          /* a list never watched is read again this often; 0 every sync */
    /* What is kept of each item, so the cache costs what the join reads: parse makes a
     * record of it (one allocation the cache free()s; *rec NULL: nothing to keep), arg
     * passed through. 0, or -1 out of memory. Required. */
    int (*parse)(const cJSON *item, void **rec, void *arg);
    void *arg;
};

/* Bytes and requests since the start, for the benchmark and the probe. */
struct kubewatch_stats {
    double bytes;
    unsigned lists, watches, events, relists_gone;
};

struct kubewatch;

/* Copies what it needs from o. NULL when out of memory. */
struct kubewatch *kubewatch_new(const struct kubewatch_opts *o);
void kubewatch_free(struct kubewatch *w);

/* Bring the cache up to date with the server (URL prefix) through c: read what the watch
 * delivered, resume, relist or back off as needed. 0 with *status 200: the cache is
 * current. 0 with another *status: the list itself was answered so (the cache is empty,
 * *failed holds the answer for the caller to word and free). -1 with err: the list
 * failed in transport ("connect to ...: refused"). -2 with err, a whole sentence: the
 * cache cannot be trusted now (a broken or hung watch not yet resumed). */
int kubewatch_sync(struct kubewatch *w, struct http_client *c, const char *server, double now,
                   const struct http_response *first, long *status, struct http_response *failed,
                   char *err, size_t errlen);
/* Whether the next sync starts with a list, and the URL of its first page: the caller may
 * fetch it at once with other lists and hand the answer to kubewatch_sync as first (the
 * sync reads it in place during the call; NULL: the sync fetches it). */
bool kubewatch_lists_next(const struct kubewatch *w, const char *server, double now, char *url,
                          size_t len);

/* The items' records, in namespace/name order; valid until the next sync. */
size_t kubewatch_count(struct kubewatch *w);
const void *kubewatch_item(const struct kubewatch *w, size_t i);

/* One line of a watch stream (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR) applied to the
 * cache as the watch applies it: 0, 1 an ERROR 410 (the next sync relists), -1 not an
 * event or out of memory. For tests; a sync applies what its watch delivers. */
int kubewatch_apply_event(struct kubewatch *w, const char *line, size_t len);

/* What the list is doing, for the source's notice: "watching", "polling (watch refused:
 * 405)", "relisting (410 Gone)" (a relist that has not succeeded yet), "watching (relisted
 * after 410 Gone at 17:40:02)" (for a minute after it did), "watch broken, retrying in 4 s". */
void kubewatch_mode(const struct kubewatch *w, char *out, size_t len);
struct kubewatch_stats kubewatch_stats(const struct kubewatch *w);
/* A count that moves whenever the items change (an event applied, a relist): equal
 * counts, the same items. */
unsigned long kubewatch_changes(const struct kubewatch *w);
/* Past max_items: true, and out says it ("showing 5000 of 20000 deployments (max_items
 * 5000)", "of at least" when pages were left unread without a count). */
bool kubewatch_capped(const struct kubewatch *w, char *out, size_t len);

#endif
