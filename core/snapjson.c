/* snapjson.c - a snapshot as compact JSON and back (the recording's frames).
 *
 * The fields are described once, in tables, so encoding and decoding cannot disagree
 * about a name; a field added to the model is one row here. */

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "forgetop/snapjson.h"

enum ftype { F_STR, F_NUM, F_INT, F_BOOL, F_ENUM };

struct field {
    const char *key;
    enum ftype type;
    size_t off, size;
};

/* the enums are stored as ints: their size must be an int's */
static_assert(sizeof(enum unit) == sizeof(int), "enum unit is an int");
static_assert(sizeof(enum permission) == sizeof(int), "enum permission is an int");

#define S(st, f) offsetof(struct st, f), sizeof(((struct st *)0)->f)
#define END                                                                                        \
    {                                                                                              \
        NULL, F_STR, 0, 0                                                                          \
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
    {"as_inactive", F_STR, S(service, autoscaler.inactive)},
    {"as_conditions", F_STR, S(service, autoscaler.conditions)},
    {"as_cpu_current", F_NUM, S(service, autoscaler.cpu_current)},
    {"as_mem_current", F_NUM, S(service, autoscaler.mem_current)},
    {"as_cpu_target", F_NUM, S(service, autoscaler.cpu_target)},
    {"as_mem_target", F_NUM, S(service, autoscaler.mem_target)},
    {"as_ext_kind", F_STR, S(service, autoscaler.ext_kind)},
    {"as_ext_type", F_STR, S(service, autoscaler.ext_type)},
    {"as_ext_metric", F_STR, S(service, autoscaler.ext_metric)},
    {"as_ext_current", F_NUM, S(service, autoscaler.ext_current)},
    {"as_ext_target", F_NUM, S(service, autoscaler.ext_target)},
    {"keda_object", F_STR, S(service, autoscaler.keda.object)},
    {"keda_hpa", F_STR, S(service, autoscaler.keda.hpa)},
    {"keda_min", F_INT, S(service, autoscaler.keda.min)},
    {"keda_max", F_INT, S(service, autoscaler.keda.max)},
    {"keda_held", F_BOOL, S(service, autoscaler.keda.held)},
    {"keda_paused_at", F_INT, S(service, autoscaler.keda.paused_at)},
    {"keda_cooldown_s", F_NUM, S(service, autoscaler.keda.cooldown_s)},
    {"keda_trigger", F_STR, S(service, autoscaler.keda.trigger)},
    {"keda_what", F_STR, S(service, autoscaler.keda.what)},
    {"keda_param", F_STR, S(service, autoscaler.keda.param)},
    {"keda_target", F_NUM, S(service, autoscaler.keda.target)},
    {"keda_activation_param", F_STR, S(service, autoscaler.keda.activation_param)},
    {"keda_activation", F_NUM, S(service, autoscaler.keda.activation)},
    {"keda_metric_type", F_STR, S(service, autoscaler.keda.metric_type)},
    {"keda_n_triggers", F_INT, S(service, autoscaler.keda.n_triggers)},
    {"keda_triggers", F_STR, S(service, autoscaler.keda.triggers)},
    {"keda_ready", F_STR, S(service, autoscaler.keda.ready)},
    {"keda_active", F_STR, S(service, autoscaler.keda.active)},
    {"keda_paused", F_STR, S(service, autoscaler.keda.paused)},
    {"keda_fallback", F_STR, S(service, autoscaler.keda.fallback)},
    {"status", F_STR, S(service, status)},
    {"status_reason", F_STR, S(service, reason)},
    {"unscalable", F_BOOL, S(service, unscalable)},
    {"unscalable_why", F_STR, S(service, unscalable_why)},
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
    {"message", F_STR, S(pod, message)},
    {"last_reason", F_STR, S(pod, last_reason)},
    {"exit_code", F_INT, S(pod, exit_code)},
    END,
};

static const struct field cond_fields[] = {
    {"type", F_STR, S(condition, type)},     {"status", F_STR, S(condition, status)},
    {"reason", F_STR, S(condition, reason)}, {"message", F_STR, S(condition, message)},
    {"t", F_NUM, S(condition, changed_at)},  END,
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

static void encode_field(cJSON *o, const struct field *f, const char *base)
{
    const void *p = base + f->off;
    double d;
    int i;
    switch (f->type) {
    case F_STR:
        if (*(const char *)p != '\0')
            cJSON_AddStringToObject(o, f->key, p);
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

static void encode_array(cJSON *o, const char *key, const struct field *fields, const void *arr,
                         size_t n, size_t size)
{
    if (n == 0)
        return;
    cJSON *a = cJSON_AddArrayToObject(o, key);
    for (size_t i = 0; a != NULL && i < n; i++)
        cJSON_AddItemToArray(a, encode_struct(fields, (const char *)arr + i * size));
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
        encode_array(o, "pods", pod_fields, v->pods, v->n_pods, sizeof *v->pods);
        encode_array(o, "conditions", cond_fields, v->conditions, v->n_conditions,
                     sizeof *v->conditions);
        encode_array(o, "rsets", rset_fields, v->rsets, v->n_rsets, sizeof *v->rsets);
        encode_array(o, "events", event_fields, v->events, v->n_events, sizeof *v->events);
        cJSON_AddItemToArray(svcs, o);
    }
    encode_array(root, "readings", reading_fields, s->readings, s->n_readings, sizeof *s->readings);
    encode_array(root, "alerts", alert_fields, s->alerts, s->n_alerts, sizeof *s->alerts);
    encode_array(root, "facts", fact_fields, s->facts, s->n_facts, sizeof *s->facts);
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

/* An absent key was left out as its zero value; null is NAN. */
static void decode_field(const cJSON *o, const struct field *f, char *base)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, f->key);
    void *p = base + f->off;
    if (it == NULL) {
        memset(p, 0, f->size);
        return;
    }
    double d = num_of(it);
    int i = cJSON_IsNumber(it) ? it->valueint : 0;
    switch (f->type) {
    case F_STR:
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
}

static void decode_struct(const cJSON *o, const struct field *fields, void *base)
{
    for (const struct field *f = fields; f->key != NULL; f++)
        decode_field(o, f, base);
}

/* What explains a service's readiness (conditions, ReplicaSets, events) into v. */
static int decode_why(const cJSON *svc, struct service *v)
{
    const cJSON *j;
    cJSON_ArrayForEach(j, cJSON_GetObjectItemCaseSensitive(svc, "conditions"))
    {
        struct condition *c = service_add_condition(v);
        if (c == NULL)
            return -1;
        decode_struct(j, cond_fields, c);
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
            if (p == NULL)
                return -1;
            decode_struct(pj, pod_fields, p);
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
