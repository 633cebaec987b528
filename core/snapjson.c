/* snapjson.c - a snapshot as compact JSON, or as the recording's binary frames, and back.
 *
 * The fields are described once, in tables, so encoding and decoding cannot disagree
 * about a name; a field added to the model is one row here. */

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "forgetop/grow.h"
#include "forgetop/snapjson.h"

enum ftype { F_STR, F_NUM, F_INT, F_BOOL, F_ENUM };

/* An owned F_STR is a char * at off (NULL for ""), read back cut to size - 1 bytes; on the
 * wire it is an F_STR like any other, so frames do not say how a field is held. */
struct field {
    const char *key;
    enum ftype type;
    size_t off, size;
    bool owned;
    /* A field of a struct the element points to (a service's ScaledObject): off is in that
     * struct. view gives it for encoding (never NULL); make gives it for decoding, made on
     * first use, or NULL when the element holds none (its value is then dropped). */
    const void *(*view)(const void *base);
    void *(*make)(void *base);
};

static const void *keda_view(const void *base)
{
    return autoscaler_keda(&((const struct service *)base)->autoscaler);
}

/* Only a KEDA service holds one: as_kind comes before the keda_* keys, in the table and so
 * in every frame, and a frame of another service carries KEDA's defaults (keda_target
 * null), which it does not need. Made zeroed, not as autoscaler_add_keda() makes it: a
 * field left out of a frame is 0. NULL out of memory too: the ScaledObject is then left
 * out, as autoscaler_keda() reads a missing one. */
static void *keda_make(void *base)
{
    struct autoscaler *a = &((struct service *)base)->autoscaler;
    if (a->keda == NULL && strcmp(a->kind, "KEDA") == 0)
        a->keda = calloc(1, sizeof(*a->keda));
    return a->keda;
}

/* Where f's struct is in base, for reading; for writing (make), NULL when there is none. */
static const char *field_base(const struct field *f, const void *base)
{
    return f->view != NULL ? f->view(base) : base;
}
static char *field_make(const struct field *f, void *base)
{
    return f->make != NULL ? f->make(base) : base;
}

/* the enums are stored as ints: their size must be an int's */
static_assert(sizeof(enum unit) == sizeof(int), "enum unit is an int");
static_assert(sizeof(enum permission) == sizeof(int), "enum permission is an int");

#define S(st, f)          offsetof(struct st, f), sizeof(((struct st *)0)->f), false, NULL, NULL
#define OWNED(st, f, max) offsetof(struct st, f), max, true, NULL, NULL
#define KEDA(f)                                                                                    \
    offsetof(struct keda_scaler, f), sizeof(((struct keda_scaler *)0)->f), false, keda_view,       \
        keda_make
#define END                                                                                        \
    {                                                                                              \
        NULL, F_STR, 0, 0, false, NULL, NULL                                                       \
    }

static const struct field snap_fields[] = {
    {"taken_at", F_NUM, S(snapshot, taken_at)},
    {"context", F_STR, S(snapshot, context)},
    {"namespace", F_STR, S(snapshot, namespace_)},
    {"all_namespaces", F_BOOL, S(snapshot, all_namespaces)},
    {"notice", F_STR, S(snapshot, notice)},
    {"scope_error", F_STR, S(snapshot, scope_error)},
    {"clock", F_NUM, S(snapshot, clock)},
    {"clock_rate", F_NUM, S(snapshot, clock_rate)},
    {"clock_from", F_NUM, S(snapshot, clock_from)},
    {"acc_scale", F_ENUM, S(snapshot, access.scale)},
    {"acc_hpa_min", F_ENUM, S(snapshot, access.hpa_min)},
    {"acc_keda", F_ENUM, S(snapshot, access.keda)},
    {"acc_checked_at", F_NUM, S(snapshot, access.checked_at)},
    {"reading_class", F_STR, S(snapshot, reading_class)},
    {"measures_pool", F_BOOL, S(snapshot, measures_pool)},
    END,
};

static const struct field svc_fields[] = {
    {"name", F_STR, S(service, name)},
    {"source", F_STR, S(service, source)},
    {"namespace", F_STR, S(service, namespace_)},
    {"kind", F_STR, S(service, kind)},
    {"desired", F_INT, S(service, desired)},
    {"ready", F_INT, S(service, ready)},
    {"updated", F_INT, S(service, updated)},
    {"available", F_INT, S(service, available)},
    {"min", F_INT, S(service, min)},
    {"max", F_INT, S(service, max)},
    {"cpu_request", F_NUM, S(service, res.cpu_request)},
    {"cpu_limit", F_NUM, S(service, res.cpu_limit)},
    {"mem_request", F_NUM, S(service, res.mem_request)},
    {"mem_limit", F_NUM, S(service, res.mem_limit)},
    {"cpu_pct", F_NUM, S(service, cpu_pct)},
    {"mem_pct", F_NUM, S(service, mem_pct)},
    {"mem_req_pct", F_NUM, S(service, mem_req_pct)},
    {"cpu_cores", F_NUM, S(service, cpu_cores)},
    {"mem_bytes", F_NUM, S(service, mem_bytes)},
    {"as_present", F_BOOL, S(service, autoscaler.present)},
    {"as_kind", F_STR, S(service, autoscaler.kind)},
    {"as_name", F_STR, S(service, autoscaler.name)},
    {"as_min", F_INT, S(service, autoscaler.min)},
    {"as_max", F_INT, S(service, autoscaler.max)},
    {"as_desired", F_INT, S(service, autoscaler.desired)},
    {"as_desired_known", F_BOOL, S(service, autoscaler.desired_known)},
    {"as_inactive", F_STR, OWNED(service, autoscaler.inactive, FT_TEXT_MAX)},
    {"as_conditions", F_STR, OWNED(service, autoscaler.conditions, FT_TEXT_MAX)},
    {"as_cpu_current", F_NUM, S(service, autoscaler.cpu_current)},
    {"as_mem_current", F_NUM, S(service, autoscaler.mem_current)},
    {"as_cpu_target", F_NUM, S(service, autoscaler.cpu_target)},
    {"as_mem_target", F_NUM, S(service, autoscaler.mem_target)},
    {"as_ext_kind", F_STR, S(service, autoscaler.ext_kind)},
    {"as_ext_type", F_STR, S(service, autoscaler.ext_type)},
    {"as_ext_metric", F_STR, S(service, autoscaler.ext_metric)},
    {"as_ext_current", F_NUM, S(service, autoscaler.ext_current)},
    {"as_ext_target", F_NUM, S(service, autoscaler.ext_target)},
    {"keda_object", F_STR, KEDA(object)},
    {"keda_hpa", F_STR, KEDA(hpa)},
    {"keda_min", F_INT, KEDA(min)},
    {"keda_max", F_INT, KEDA(max)},
    {"keda_held", F_BOOL, KEDA(held)},
    {"keda_paused_at", F_INT, KEDA(paused_at)},
    {"keda_cooldown_s", F_NUM, KEDA(cooldown_s)},
    {"keda_trigger", F_STR, KEDA(trigger)},
    {"keda_what", F_STR, KEDA(what)},
    {"keda_param", F_STR, KEDA(param)},
    {"keda_target", F_NUM, KEDA(target)},
    {"keda_activation_param", F_STR, KEDA(activation_param)},
    {"keda_activation", F_NUM, KEDA(activation)},
    {"keda_metric_type", F_STR, KEDA(metric_type)},
    {"keda_n_triggers", F_INT, KEDA(n_triggers)},
    {"keda_triggers", F_STR, KEDA(triggers)},
    {"keda_ready", F_STR, KEDA(ready)},
    {"keda_active", F_STR, KEDA(active)},
    {"keda_paused", F_STR, KEDA(paused)},
    {"keda_fallback", F_STR, KEDA(fallback)},
    {"status", F_STR, OWNED(service, status, FT_TEXT_MAX)},
    {"status_reason", F_STR, S(service, reason)},
    {"unscalable", F_BOOL, S(service, unscalable)},
    {"unscalable_why", F_STR, OWNED(service, unscalable_why, 128)},
    {"cpu_of", F_STR, S(service, cpu_of)},
    {"scope", F_STR, S(service, scope)},
    END,
};

static const struct field pod_fields[] = {
    {"name", F_STR, S(pod, name)},
    {"phase", F_STR, S(pod, phase)},
    {"ready", F_BOOL, S(pod, ready)},
    {"ready_reported", F_BOOL, S(pod, ready_reported)},
    {"ready_changed_at", F_NUM, S(pod, ready_changed_at)},
    {"restarts", F_INT, S(pod, restarts)},
    {"started_at", F_NUM, S(pod, started_at)},
    {"node", F_STR, S(pod, node)},
    {"cpu_cores", F_NUM, S(pod, cpu_cores)},
    {"mem_bytes", F_NUM, S(pod, mem_bytes)},
    {"reason", F_STR, S(pod, reason)},
    {"message", F_STR, OWNED(pod, message, FT_TEXT_MAX)},
    {"last_reason", F_STR, S(pod, last_reason)},
    {"exit_code", F_INT, S(pod, exit_code)},
    END,
};

static const struct field cond_fields[] = {
    {"type", F_STR, S(condition, type)},
    {"status", F_STR, S(condition, status)},
    {"reason", F_STR, S(condition, reason)},
    {"message", F_STR, OWNED(condition, message, FT_TEXT_MAX)},
    {"t", F_NUM, S(condition, changed_at)},
    END,
};

static const struct field rset_fields[] = {
    {"name", F_STR, S(replicaset, name)},    {"desired", F_INT, S(replicaset, desired)},
    {"ready", F_INT, S(replicaset, ready)},  {"revision", F_INT, S(replicaset, revision)},
    {"t", F_NUM, S(replicaset, created_at)}, END,
};

static const struct field event_fields[] = {
    {"type", F_STR, S(event, type)},
    {"object", F_STR, S(event, object)},
    {"reason", F_STR, S(event, reason)},
    {"message", F_STR, S(event, message)},
    {"count", F_INT, S(event, count)},
    {"t", F_NUM, S(event, last_at)},
    END,
};

static const struct field reading_fields[] = {
    {"m", F_STR, S(reading, metric)},  {"s", F_STR, S(reading, service)},
    {"t", F_NUM, S(reading, t)},       {"v", F_NUM, S(reading, value)},
    {"note", F_STR, S(reading, note)}, END,
};

static const struct field alert_fields[] = {
    {"name", F_STR, S(alert, name)},
    {"state", F_STR, S(alert, state)},
    {"severity", F_STR, S(alert, severity)},
    {"active_at", F_NUM, S(alert, active_at)},
    {"labels", F_STR, S(alert, labels)},
    {"summary", F_STR, S(alert, summary)},
    END,
};

static const struct field fact_fields[] = {
    {"panel", F_STR, S(fact, panel)},  {"label", F_STR, S(fact, label)},
    {"unit", F_ENUM, S(fact, unit)},   {"value", F_NUM, S(fact, value)},
    {"of", F_NUM, S(fact, of)},        {"text", F_STR, S(fact, text)},
    {"rule", F_STR, S(fact, rule)},    {"t", F_NUM, S(fact, t)},
    {"probe", F_BOOL, S(fact, probe)}, END,
};

/* The shortest digits that read back as exactly v: cJSON's own printing accepts an error
 * of one unit in the last place, and a replayed age must equal the live one. */
cJSON *snapjson_number(double v)
{
    if (isnan(v))
        return cJSON_CreateNull();
    if (isinf(v))
        return cJSON_CreateString(v > 0 ? "inf" : "-inf");
    char buf[32];
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, sizeof buf, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return cJSON_CreateRaw(buf);
}

/* The text of an F_STR field, never NULL. */
static const char *str_of(const struct field *f, const char *base)
{
    if (!f->owned)
        return base + f->off;
    const char *s;
    memcpy(&s, base + f->off, sizeof s);
    return s != NULL ? s : "";
}

/* Store n bytes of v (cut to the field's size) into an F_STR field: 0, or -1 out of
 * memory. An owned one is replaced: a key repeated in a damaged frame leaks nothing. */
static int set_str(const struct field *f, char *base, const char *v, size_t n)
{
    char *p = base + f->off;
    size_t k = n < f->size ? n : f->size - 1;
    if (f->owned) {
        char *own = NULL, *old;
        if (k > 0 && (own = malloc(k + 1)) == NULL)
            return -1;
        if (own != NULL) {
            memcpy(own, v, k);
            own[k] = '\0';
        }
        memcpy(&old, p, sizeof old);
        free(old);
        memcpy(p, &own, sizeof own);
        return 0;
    }
    memcpy(p, v, k);
    p[k] = '\0';
    return 0;
}

static void encode_field(cJSON *o, const struct field *f, const char *el)
{
    const char *base = field_base(f, el);
    const void *p = base + f->off;
    double d;
    int i;
    switch (f->type) {
    case F_STR:
        if (*str_of(f, base) != '\0')
            cJSON_AddStringToObject(o, f->key, str_of(f, base));
        break;
    case F_NUM:
        memcpy(&d, p, sizeof d);
        if (d != 0 || signbit(d))
            cJSON_AddItemToObject(o, f->key, snapjson_number(d));
        break;
    case F_INT:
    case F_ENUM:
        memcpy(&i, p, sizeof i);
        if (i != 0)
            cJSON_AddNumberToObject(o, f->key, i);
        break;
    case F_BOOL:
        if (*(const bool *)p)
            cJSON_AddTrueToObject(o, f->key);
        break;
    }
}

static cJSON *encode_struct(const struct field *fields, const void *base)
{
    cJSON *o = cJSON_CreateObject();
    for (const struct field *f = fields; o != NULL && f->key != NULL; f++)
        encode_field(o, f, base);
    return o;
}

/* A reading's or fact's time is nearly always the snapshot's: left out then (the larger
 * part of what changes from one frame to the next), and written even when 0 otherwise. */
static void encode_time(cJSON *o, double t, double taken_at)
{
    if (o == NULL || t == taken_at)
        cJSON_DeleteItemFromObjectCaseSensitive(o, "t");
    else if (t == 0)
        cJSON_AddItemToObject(o, "t", snapjson_number(t));
}

/* toff: the offset of the element's time, which encode_time writes (-1: none such). */
static void encode_array(cJSON *o, const char *key, const struct field *fields, const void *arr,
                         size_t n, size_t size, long toff, double taken_at)
{
    if (n == 0)
        return;
    cJSON *a = cJSON_AddArrayToObject(o, key);
    for (size_t i = 0; a != NULL && i < n; i++) {
        const char *el = (const char *)arr + i * size;
        cJSON *e = encode_struct(fields, el);
        if (toff >= 0) {
            double t;
            memcpy(&t, el + toff, sizeof t);
            encode_time(e, t, taken_at);
        }
        cJSON_AddItemToArray(a, e);
    }
}

char *snapjson_encode(const struct snapshot *s)
{
    cJSON *root = encode_struct(snap_fields, s);
    if (root == NULL)
        return NULL;
    cJSON *svcs = s->n_services ? cJSON_AddArrayToObject(root, "services") : NULL;
    for (size_t i = 0; svcs != NULL && i < s->n_services; i++) {
        const struct service *v = &s->services[i];
        cJSON *o = encode_struct(svc_fields, v);
        encode_array(o, "pods", pod_fields, v->pods, v->n_pods, sizeof *v->pods, -1, 0);
        encode_array(o, "conditions", cond_fields, v->conditions, v->n_conditions,
                     sizeof *v->conditions, -1, 0);
        encode_array(o, "rsets", rset_fields, v->rsets, v->n_rsets, sizeof *v->rsets, -1, 0);
        encode_array(o, "events", event_fields, v->events, v->n_events, sizeof *v->events, -1, 0);
        cJSON_AddItemToArray(svcs, o);
    }
    encode_array(root, "readings", reading_fields, s->readings, s->n_readings, sizeof *s->readings,
                 (long)offsetof(struct reading, t), s->taken_at);
    encode_array(root, "alerts", alert_fields, s->alerts, s->n_alerts, sizeof *s->alerts, -1, 0);
    encode_array(root, "facts", fact_fields, s->facts, s->n_facts, sizeof *s->facts,
                 (long)offsetof(struct fact, t), s->taken_at);
    char *out = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return out;
}

static double num_of(const cJSON *it)
{
    if (cJSON_IsNumber(it))
        return it->valuedouble;
    if (cJSON_IsString(it))
        return strcmp(it->valuestring, "-inf") == 0 ? -INFINITY : INFINITY;
    return NAN;
}

/* An absent key was left out as its zero value; null is NAN. 0, or -1 out of memory.
 * base is a fresh element: an owned field's NULL is overwritten, never freed. */
static int decode_field(const cJSON *o, const struct field *f, char *el)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, f->key);
    char *base = field_make(f, el);
    if (base == NULL)
        return 0;
    void *p = base + f->off;
    if (it == NULL) {
        memset(p, 0, f->owned ? sizeof(char *) : f->size);
        return 0;
    }
    double d = num_of(it);
    int i = cJSON_IsNumber(it) ? it->valueint : 0;
    switch (f->type) {
    case F_STR:
        if (cJSON_IsString(it) && f->owned)
            return set_str(f, base, it->valuestring, strlen(it->valuestring));
        if (cJSON_IsString(it))
            snprintf(p, f->size, "%s", it->valuestring);
        break;
    case F_NUM:
        memcpy(p, &d, sizeof d);
        break;
    case F_INT:
    case F_ENUM:
        memcpy(p, &i, sizeof i);
        break;
    case F_BOOL:
        *(bool *)p = cJSON_IsTrue(it);
        break;
    }
    return 0;
}

/* 0, or -1 out of memory (what was read stays in base, to be freed with it). */
static int decode_struct(const cJSON *o, const struct field *fields, void *base)
{
    int rc = 0;
    for (const struct field *f = fields; f->key != NULL; f++)
        rc |= decode_field(o, f, base);
    return rc;
}

/* What explains a service's readiness (conditions, ReplicaSets, events) into v. */
static int decode_why(const cJSON *svc, struct service *v)
{
    const cJSON *j;
    cJSON_ArrayForEach(j, cJSON_GetObjectItemCaseSensitive(svc, "conditions"))
    {
        struct condition *c = service_add_condition(v);
        if (c == NULL || decode_struct(j, cond_fields, c) < 0)
            return -1;
    }
    cJSON_ArrayForEach(j, cJSON_GetObjectItemCaseSensitive(svc, "rsets"))
    {
        struct replicaset *r = service_add_rset(v);
        if (r == NULL)
            return -1;
        decode_struct(j, rset_fields, r);
    }
    cJSON_ArrayForEach(j, cJSON_GetObjectItemCaseSensitive(svc, "events"))
    {
        struct event e;
        memset(&e, 0, sizeof e);
        decode_struct(j, event_fields, &e);
        service_keep_event(v, &e); /* kept as recorded: newest first, bounded */
    }
    return 0;
}

static int decode_services(const cJSON *root, struct snapshot *s)
{
    const cJSON *svc;
    cJSON_ArrayForEach(svc, cJSON_GetObjectItemCaseSensitive(root, "services"))
    {
        struct service *v = snapshot_add_service(s);
        if (v == NULL)
            return -1;
        decode_struct(svc, svc_fields, v);
        const cJSON *pj;
        cJSON_ArrayForEach(pj, cJSON_GetObjectItemCaseSensitive(svc, "pods"))
        {
            struct pod *p = service_add_pod(v);
            if (p == NULL || decode_struct(pj, pod_fields, p) < 0)
                return -1;
        }
        if (decode_why(svc, v) < 0)
            return -1;
    }
    return 0;
}

static int decode_lists(const cJSON *root, struct snapshot *s)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(root, "readings"))
    {
        struct reading *r = snapshot_add_reading(s, "", "", 0, NAN);
        if (r == NULL)
            return -1;
        decode_struct(it, reading_fields, r);
        if (!cJSON_HasObjectItem(it, "t"))
            r->t = s->taken_at; /* left out: the snapshot's own (encode_time) */
    }
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(root, "alerts"))
    {
        struct alert *a = snapshot_add_alert(s);
        if (a == NULL)
            return -1;
        decode_struct(it, alert_fields, a);
    }
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(root, "facts"))
    {
        struct fact *f = snapshot_add_fact_num(s, "", "", "", UNIT_TEXT, NAN, NAN);
        if (f == NULL)
            return -1;
        decode_struct(it, fact_fields, f);
        if (!cJSON_HasObjectItem(it, "t"))
            f->t = s->taken_at;
    }
    return 0;
}

struct snapshot *snapjson_decode(const char *json, char *err, size_t errlen)
{
    cJSON *root = cJSON_Parse(json);
    if (!cJSON_IsObject(root)) {
        snprintf(err, errlen, "a frame is not a JSON object");
        cJSON_Delete(root);
        return NULL;
    }
    struct snapshot *s = snapshot_new();
    if (s != NULL) {
        decode_struct(root, snap_fields, s);
        if (decode_services(root, s) < 0 || decode_lists(root, s) < 0) {
            snprintf(err, errlen, "out of memory reading a frame");
            snapshot_free(s);
            s = NULL;
        }
    } else {
        snprintf(err, errlen, "out of memory reading a frame");
    }
    cJSON_Delete(root);
    return s;
}

/* --- the binary form: what the recorder stores (no number printed or parsed) ---
 *
 * A struct is entries [key length][key][type][value], ended by a zero length: a number is
 * its 8 bytes, an int 4 (this machine's order), a string a varint length and its bytes, a
 * true bool has no value; zero fields are left out. Keys, not positions, name fields, so a
 * row added to a table still reads old frames, and an unknown key is skipped by its type.
 * Arrays are a varint count and their elements. */

struct buf {
    unsigned char *p;
    size_t len, cap;
    bool failed;
};

static void put(struct buf *b, const void *src, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n > b->cap &&
        grow_array((void **)&b->p, &b->cap, b->len + n < 4096 ? 4096 : b->len + n, 1) < 0) {
        b->failed = true;
        return;
    }
    memcpy(b->p + b->len, src, n);
    b->len += n;
}

static void put_varint(struct buf *b, size_t v)
{
    do {
        unsigned char c = (unsigned char)(v & 0x7f);
        v >>= 7;
        if (v)
            c |= 0x80;
        put(b, &c, 1);
    } while (v);
}

static void put_struct(struct buf *b, const struct field *fields, const void *base)
{
    for (const struct field *f = fields; f->key != NULL; f++) {
        const char *in = field_base(f, base);
        const char *p = f->type == F_STR ? str_of(f, in) : in + f->off;
        size_t n = f->type == F_STR    ? strnlen(p, f->size)
                   : f->type == F_NUM  ? sizeof(double)
                   : f->type == F_BOOL ? 0
                                       : sizeof(int);
        double d = 0;
        int i = 0;
        if (f->type == F_NUM)
            memcpy(&d, p, sizeof d);
        else if (f->type == F_INT || f->type == F_ENUM)
            memcpy(&i, p, sizeof i);
        bool zero = f->type == F_STR    ? n == 0
                    : f->type == F_NUM  ? d == 0 && !signbit(d)
                    : f->type == F_BOOL ? !*(const bool *)p
                                        : i == 0;
        if (zero)
            continue;
        unsigned char klen = (unsigned char)strlen(f->key), type = (unsigned char)f->type;
        put(b, &klen, 1);
        put(b, f->key, klen);
        put(b, &type, 1);
        if (f->type == F_STR)
            put_varint(b, n);
        put(b, p, n);
    }
    put(b, "", 1);
}

static void put_array(struct buf *b, const struct field *fields, const void *arr, size_t n,
                      size_t size)
{
    put_varint(b, n);
    for (size_t i = 0; i < n; i++)
        put_struct(b, fields, (const char *)arr + i * size);
}

unsigned char *snapjson_encode_bin(const struct snapshot *s, size_t *len)
{
    struct buf b = {0};
    put(&b, SNAPJSON_BIN_MAGIC, 2);
    put_struct(&b, snap_fields, s);
    put_varint(&b, s->n_services);
    for (size_t i = 0; i < s->n_services; i++) {
        put_struct(&b, svc_fields, &s->services[i]);
        const struct service *v = &s->services[i];
        put_array(&b, pod_fields, v->pods, v->n_pods, sizeof *v->pods);
        put_array(&b, cond_fields, v->conditions, v->n_conditions, sizeof *v->conditions);
        put_array(&b, rset_fields, v->rsets, v->n_rsets, sizeof *v->rsets);
        put_array(&b, event_fields, v->events, v->n_events, sizeof *v->events);
    }
    put_array(&b, reading_fields, s->readings, s->n_readings, sizeof *s->readings);
    put_array(&b, alert_fields, s->alerts, s->n_alerts, sizeof *s->alerts);
    put_array(&b, fact_fields, s->facts, s->n_facts, sizeof *s->facts);
    if (b.failed) {
        free(b.p);
        return NULL;
    }
    *len = b.len;
    return b.p;
}

struct rd {
    const unsigned char *p, *end;
    bool bad;
};

static const unsigned char *take(struct rd *r, size_t n)
{
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = true;
        return NULL;
    }
    const unsigned char *at = r->p;
    r->p += n;
    return at;
}

static size_t take_varint(struct rd *r)
{
    size_t v = 0;
    for (int shift = 0; shift < 63; shift += 7) {
        const unsigned char *c = take(r, 1);
        if (c == NULL)
            return 0;
        v |= (size_t)(*c & 0x7f) << shift;
        if (!(*c & 0x80))
            return v;
    }
    r->bad = true;
    return 0;
}

/* The field named key[0..klen), looked for first at *next (the order it was written in). */
static const struct field *find_field(const struct field *fields, const struct field **next,
                                      const unsigned char *key, size_t klen)
{
    for (int pass = 0; pass < 2; pass++)
        for (const struct field *f = pass ? fields : *next; f->key != NULL; f++) {
            size_t k = 0; /* stops at the key's NUL: a NUL in the data never reads past it */
            while (k < klen && f->key[k] != '\0' && f->key[k] == (char)key[k])
                k++;
            if (k == klen && f->key[k] == '\0') {
                *next = f + 1;
                return f;
            }
        }
    return NULL;
}

static void take_value(struct rd *r, const struct field *f, unsigned type, char *el)
{
    size_t n = type == F_STR    ? take_varint(r)
               : type == F_NUM  ? sizeof(double)
               : type == F_BOOL ? 0
                                : sizeof(int);
    const unsigned char *v = take(r, n);
    if (r->bad || f == NULL)
        return; /* a key this build does not know: skipped */
    char *base = field_make(f, el);
    if (base == NULL)
        return; /* held by no struct here (keda_make) */
    char *p = base + f->off;
    if (f->type != (enum ftype)type)
        r->bad = true;
    else if (type == F_STR) {
        if (set_str(f, base, (const char *)v, n) < 0)
            r->bad = true;
    } else if (type == F_BOOL)
        *(bool *)p = true;
    else if (type == F_NUM)
        memcpy(p, v, sizeof(double)); /* a constant size: no call */
    else
        memcpy(p, v, sizeof(int));
}

static void take_struct(struct rd *r, const struct field *fields, void *base)
{
    for (const struct field *f = fields; f->key != NULL; f++) { /* a fresh element's */
        char *in = field_make(f, base);
        if (in != NULL)
            memset(in + f->off, 0, f->owned ? sizeof(char *) : f->size);
    }
    const struct field *next = fields;
    for (;;) {
        const unsigned char *kl = take(r, 1);
        if (kl == NULL || *kl == 0)
            return;
        const unsigned char *key = take(r, *kl), *type = take(r, 1);
        if (r->bad || *type > F_ENUM) {
            r->bad = true;
            return;
        }
        take_value(r, find_field(fields, &next, key, *kl), *type, base);
    }
}

static void *add_pod(void *owner)
{
    return service_add_pod(owner);
}
static void *add_condition(void *owner)
{
    return service_add_condition(owner);
}
static void *add_rset(void *owner)
{
    return service_add_rset(owner);
}
static void *add_reading(void *owner)
{
    return snapshot_add_reading(owner, "", "", 0, NAN);
}
static void *add_alert(void *owner)
{
    return snapshot_add_alert(owner);
}
static void *add_fact(void *owner)
{
    return snapshot_add_fact_num(owner, "", "", "", UNIT_TEXT, NAN, NAN);
}

/* A count, then that many elements, each made by add (NULL: out of memory). */
static void take_array(struct rd *r, const struct field *fields, void *(*add)(void *), void *owner)
{
    for (size_t n = take_varint(r), i = 0; !r->bad && i < n; i++) {
        void *el = add(owner);
        if (el == NULL)
            r->bad = true;
        else
            take_struct(r, fields, el);
    }
}

/* Events are kept as the source keeps them (newest first, bounded), not appended. */
static void take_events(struct rd *r, struct service *v)
{
    for (size_t n = take_varint(r), i = 0; !r->bad && i < n; i++) {
        struct event e;
        memset(&e, 0, sizeof e); /* take_struct clears only the fields it names */
        take_struct(r, event_fields, &e);
        if (!r->bad)
            service_keep_event(v, &e);
    }
}

struct snapshot *snapjson_decode_bin(const void *data, size_t len, char *err, size_t errlen)
{
    struct rd r = {data, (const unsigned char *)data + len, false};
    const unsigned char *magic = take(&r, 2);
    struct snapshot *s = magic && memcmp(magic, SNAPJSON_BIN_MAGIC, 2) == 0 ? snapshot_new() : NULL;
    if (s == NULL) {
        snprintf(err, errlen, magic ? "a frame is not a snapshot" : "a frame is empty");
        return NULL;
    }
    take_struct(&r, snap_fields, s);
    for (size_t n = take_varint(&r), i = 0; !r.bad && i < n; i++) {
        struct service *v = snapshot_add_service(s);
        if (v == NULL) {
            r.bad = true;
            break;
        }
        take_struct(&r, svc_fields, v);
        take_array(&r, pod_fields, add_pod, v);
        take_array(&r, cond_fields, add_condition, v);
        take_array(&r, rset_fields, add_rset, v);
        take_events(&r, v);
    }
    take_array(&r, reading_fields, add_reading, s);
    take_array(&r, alert_fields, add_alert, s);
    take_array(&r, fact_fields, add_fact, s);
    if (r.bad || r.p != r.end) {
        snprintf(err, errlen, "a frame is damaged or truncated");
        snapshot_free(s);
        return NULL;
    }
    return s;
}
