/* facts.c - judge and format the panels' readings: the one copy of each table.
 *
 * A source says what it measured and which rule judges it; the rule's thresholds come
 * from the config (a [metric] for the runbook's figures, [thresholds] for the rest), so
 * a redis panel and a demo panel show the same band for the same number. */

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "forgetop/facts.h"
#include "forgetop/text.h"

enum judge_kind {
    J_ABOVE,   /* over warning / critical is bad (a percentage when the fact has an of) */
    J_BELOW,   /* under warning / critical is bad */
    J_WARN_IF, /* any positive value is a warning (evictions, growth) */
    J_CRIT_IF, /* any positive value is critical */
    J_WORDS,   /* a status word: its first word, looked up in status_words */
    J_HTTP,    /* 2xx ok, anything else or no answer critical */
};

struct judge {
    const char *id;
    enum judge_kind kind;
    const char *metric; /* thresholds of this [metric], or NULL: */
    size_t thr;         /* offset of a threshold_pair in struct config */
};

#define THR(f) offsetof(struct config, thr.f)

static const struct judge judges[] = {
    {"queue_depth", J_ABOVE, "queue_depth", 0},
    {"db_connections", J_ABOVE, "db_connections", 0},
    {"redis_memory", J_ABOVE, NULL, THR(redis_memory)},
    {"replication_lag", J_ABOVE, NULL, THR(replication_lag)},
    {"cache_hit", J_BELOW, NULL, THR(cache_hit)},
    {"waiting_clients", J_ABOVE, NULL, THR(waiting_clients)},
    {"xact_age", J_ABOVE, NULL, THR(xact_age)},
    {"pool_wait", J_ABOVE, NULL, THR(pool_wait)},
    {"probe_time", J_ABOVE, NULL, THR(probe_time)},
    {"growth", J_WARN_IF, NULL, 0},
    {"evictions", J_WARN_IF, NULL, 0},
    {"lock_waits", J_WARN_IF, NULL, 0},
    {"alerts_firing", J_WARN_IF, NULL, 0},
    {"alerts_critical", J_CRIT_IF, NULL, 0},
    {"status", J_WORDS, NULL, 0},
    {"http_status", J_HTTP, NULL, 0},
};

/* Words health endpoints, replication and cluster states use, and the band each means. */
static const struct {
    const char *word;
    enum band band;
} status_words[] = {
    {"ok", BAND_OK},
    {"healthy", BAND_OK},
    {"up", BAND_OK},
    {"pass", BAND_OK},
    {"ready", BAND_OK},
    {"streaming", BAND_OK},
    {"degraded", BAND_WARNING},
    {"warn", BAND_WARNING},
    {"warning", BAND_WARNING},
    {"catchup", BAND_WARNING},
    {"startup", BAND_WARNING},
    {"backup", BAND_WARNING},
    {"unhealthy", BAND_CRITICAL},
    {"down", BAND_CRITICAL},
    {"fail", BAND_CRITICAL},
    {"failed", BAND_CRITICAL},
    {"error", BAND_CRITICAL},
    {"critical", BAND_CRITICAL},
    {"unreachable", BAND_CRITICAL},
};

static const struct judge *judge_find(const char *id)
{
    for (size_t i = 0; i < sizeof judges / sizeof judges[0]; i++)
        if (strcmp(judges[i].id, id) == 0)
            return &judges[i];
    return NULL;
}

bool facts_rule_known(const char *id)
{
    return judge_find(id) != NULL;
}

static struct threshold_pair thresholds(const struct config *cfg, const struct judge *j)
{
    if (j->metric == NULL)
        return *(const struct threshold_pair *)((const char *)cfg + j->thr);
    const struct metric_rule *m = config_metric(cfg, j->metric);
    return m ? (struct threshold_pair){m->warning, m->critical}
             : (struct threshold_pair){INFINITY, INFINITY};
}

static enum band word_band(const char *text)
{
    char word[32];
    size_t n = strcspn(text, " :,;(");
    text_printf(word, sizeof word, "%.*s", (int)(n < sizeof word ? n : sizeof word - 1), text);
    for (size_t i = 0; i < sizeof status_words / sizeof status_words[0]; i++)
        if (strcasecmp(status_words[i].word, word) == 0)
            return status_words[i].band;
    return BAND_UNKNOWN;
}

static enum band judge_number(const struct config *cfg, const struct judge *j, double v)
{
    struct threshold_pair t;
    switch (j->kind) {
    case J_ABOVE:
        t = thresholds(cfg, j);
        return v > t.critical ? BAND_CRITICAL : v > t.warning ? BAND_WARNING : BAND_OK;
    case J_BELOW:
        t = thresholds(cfg, j);
        return v < t.critical ? BAND_CRITICAL : v < t.warning ? BAND_WARNING : BAND_OK;
    case J_WARN_IF:
        return v > 0 ? BAND_WARNING : BAND_OK;
    case J_CRIT_IF:
        return v > 0 ? BAND_CRITICAL : BAND_OK;
    case J_HTTP:
        return v >= 200 && v < 300 ? BAND_OK : BAND_CRITICAL;
    case J_WORDS:
        break;
    }
    return BAND_UNKNOWN;
}

enum band facts_judge(const struct config *cfg, const struct fact *f)
{
    const struct judge *j = f->rule[0] ? judge_find(f->rule) : NULL;
    if (j == NULL)
        return f->unit != UNIT_TEXT && isnan(f->value) ? BAND_UNKNOWN : BAND_OK;
    if (j->kind == J_WORDS)
        return word_band(f->text);
    if (f->unit == UNIT_TEXT || isnan(f->value))
        return j->kind == J_HTTP ? BAND_CRITICAL : BAND_UNKNOWN; /* no answer at all */
    double v = f->value;
    if (!isnan(f->of) && j->kind == J_ABOVE)
        v = f->of > 0 ? 100 * f->value / f->of : NAN;
    if (f->unit == UNIT_RATIO && j->kind == J_BELOW)
        v *= 100; /* thresholds are percentages */
    return isnan(v) ? BAND_UNKNOWN : judge_number(cfg, j, v);
}

/* ---- what each unit admits: a server's nonsense is no data ---- */

/* Lowest and highest value of each unit, and whether +infinity means something there
 * (a lag that never ends, "never"). Only a change per minute is signed. */
static const struct {
    double lo, hi;
    bool inf;
} admits[UNIT_N] = {
    [UNIT_TEXT] = {-INFINITY, INFINITY, true},
    [UNIT_COUNT] = {0, 1e15, false},
    [UNIT_PERCENT] = {0, 1e6, false}, /* over 100 % of a request is real; a million is not */
    [UNIT_RATIO] = {0, 1.000001, false},
    [UNIT_BYTES] = {0, 1e18, false},
    [UNIT_SECONDS] = {0, 1e10, true},
    [UNIT_MS] = {0, 1e12, true},
    [UNIT_PER_S] = {0, 1e12, false},
    [UNIT_PER_MIN] = {0, 1e12, false},
    [UNIT_DELTA_MIN] = {-1e12, 1e12, false},
    [UNIT_HTTP] = {100, 599, false},
    [UNIT_TIME] = {0, 1e11, false},
    [UNIT_FACTOR] = {0, 1e9, false},
};

static bool admitted(enum unit u, double v)
{
    if ((unsigned)u >= UNIT_N || u == UNIT_TEXT)
        return true;
    if (isinf(v))
        return v > 0 && admits[u].inf;
    return !isnan(v) && v >= admits[u].lo && v <= admits[u].hi;
}

/* "no data: server sent -5", "...sent NaN", "...sent a limit of -1"; a reading's note
 * goes after "no data" where it is shown, so it has no prefix */
static void nonsense(char *out, size_t len, const char *prefix, const char *what, double v)
{
    char num[32];
    if (isnan(v))
        text_printf(num, sizeof num, "NaN");
    else if (isinf(v))
        text_printf(num, sizeof num, "%sinfinity", v < 0 ? "-" : "");
    else
        text_printf(num, sizeof num, "%.6g", v);
    text_printf(out, len, "%sserver sent %s%s", prefix, what, num);
}

bool facts_admit(struct fact *f)
{
    /* a NaN the source put there is its own "no data", with its own reason */
    bool value_ok = isnan(f->value) || admitted(f->unit, f->value);
    bool of_ok = isnan(f->of) || admitted(f->unit, f->of);
    if (value_ok && of_ok)
        return true;
    char why[sizeof f->text];
    nonsense(why, sizeof why, "no data: ", value_ok ? "a limit of " : "",
             value_ok ? f->of : f->value);
    text_printf(f->text, sizeof f->text, "%s", why);
    f->value = f->of = NAN;
    return false;
}

bool facts_admit_reading(const char *unit, double *value, char *note, size_t len)
{
    static const struct {
        const char *unit;
        enum unit u;
    } by_name[] = {{"%", UNIT_PERCENT},
                   {"ms", UNIT_MS},
                   {"s", UNIT_SECONDS},
                   {"", UNIT_COUNT},
                   {"items", UNIT_COUNT}};
    if (isnan(*value))
        return true; /* the source's own no data */
    for (size_t i = 0; i < sizeof by_name / sizeof by_name[0]; i++)
        if (strcmp(by_name[i].unit, unit) == 0) {
            if (admitted(by_name[i].u, *value) ||
                (isinf(*value) && *value > 0)) /* a quantile past the last bucket */
                return true;
            nonsense(note, len, "", "", *value);
            *value = NAN;
            return false;
        }
    return true;
}

/* ---- formatting: one row per unit ---- */

static void fmt_count(char *o, size_t n, double v)
{
    if (fabs(v) < 100000 && v == floor(v))
        text_printf(o, n, "%.0f", v);
    else
        text_count(o, n, v);
}

static void fmt_seconds(char *o, size_t n, double v)
{
    if (isinf(v))
        text_printf(o, n, "never");
    else if (v < 1)
        text_printf(o, n, "%.0f ms", v * 1000);
    else if (v < 10)
        text_printf(o, n, "%.1f s", v);
    else if (v < 60)
        text_printf(o, n, "%.0f s", v);
    else if (v < 3600) /* minutes and seconds: a drain of 3m12s is not one of 3m */
        text_printf(o, n, "%.0fm%02.0fs", floor(v / 60), fmod(floor(v), 60));
    else
        text_duration(o, n, v);
}

static void fmt_time(char *o, size_t n, double v)
{
    time_t t = (time_t)v;
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL || strftime(o, n, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
        text_printf(o, n, "%.0f", v);
}

static void fmt_per_s(char *o, size_t n, double v)
{
    text_printf(o, n, "%.*f/s", v < 10 && v != floor(v) ? 1 : 0, v);
}

/* One row per unit: its name in the JSON report, and how its value is drawn (a printf
 * of value x scale, or a function). */
static const struct {
    const char *name;
    const char *fmt;
    double scale;
    void (*fn)(char *out, size_t len, double v);
} units[UNIT_N] = {
    [UNIT_TEXT] = {"text", NULL, 1, NULL},
    [UNIT_COUNT] = {"count", NULL, 1, fmt_count},
    [UNIT_PERCENT] = {"percent", "%.0f%%", 1, NULL},
    [UNIT_RATIO] = {"ratio", "%.1f%%", 100, NULL},
    [UNIT_BYTES] = {"bytes", NULL, 1, text_bytes},
    [UNIT_SECONDS] = {"seconds", NULL, 1, fmt_seconds},
    [UNIT_MS] = {"ms", "%.0f ms", 1, NULL},
    [UNIT_PER_S] = {"per_s", NULL, 1, fmt_per_s},
    [UNIT_PER_MIN] = {"per_min", "%.0f/min", 1, NULL},
    [UNIT_DELTA_MIN] = {"per_min", "%+.1f/min", 1, NULL},
    [UNIT_HTTP] = {"http_status", "%.0f", 1, NULL},
    [UNIT_TIME] = {"unix_time", NULL, 1, fmt_time},
    [UNIT_FACTOR] = {"factor", "x%g", 1, NULL},
};

static void fmt_value(enum unit u, double v, char *o, size_t n)
{
    o[0] = '\0';
    if ((unsigned)u >= UNIT_N)
        return;
    if (units[u].fn != NULL)
        units[u].fn(o, n, v);
    else if (units[u].fmt != NULL)
        text_printf(o, n, units[u].fmt, v * units[u].scale);
}

void facts_format(const struct fact *f, char *out, size_t len)
{
    char v[48], of[48];
    if (f->unit == UNIT_TEXT) {
        text_printf(out, len, "%s", f->text[0] ? f->text : "no data");
        return;
    }
    if (isnan(f->value)) {
        text_printf(out, len, "%s", f->text[0] ? f->text : "no data");
        return;
    }
    fmt_value(f->unit, f->value, v, sizeof v);
    if (!isnan(f->of)) {
        fmt_value(f->unit, f->of, of, sizeof of);
        if (f->of > 0)
            text_printf(out, len, "%s / %s (%.0f%%)", v, of, 100 * f->value / f->of);
        else
            text_printf(out, len, "%s / %s", v, of);
    } else {
        text_printf(out, len, "%s", v);
    }
    size_t n = strlen(out);
    if (f->text[0] && n + 4 < len)
        text_printf(out + n, len - n, " (%s)", f->text);
}

const char *facts_unit_name(enum unit u)
{
    return (unsigned)u < UNIT_N ? units[u].name : units[UNIT_TEXT].name;
}

/* ---- a queue's trend, from the history core keeps of its depth ---- */

void facts_trend(const struct history *h, double *per_min, double *drain_s)
{
    *per_min = *drain_s = NAN;
    size_t n = history_len(h);
    size_t last = n;
    while (last > 0 && isnan(history_at(h, last - 1)->v))
        last--;
    if (last == 0)
        return;
    const struct sample *newest = history_at(h, last - 1);
    const struct sample *first = newest;
    for (size_t i = last - 1; i-- > 0;) {
        const struct sample *s = history_at(h, i);
        if (newest->t - s->t > FACTS_TREND_WINDOW_S)
            break;
        if (!isnan(s->v))
            first = s;
    }
    if (newest->t - first->t >= 1)
        *per_min = (newest->v - first->v) / (newest->t - first->t) * 60;
    if (newest->v <= 0)
        *drain_s = 0;
    else if (isnan(*per_min))
        *drain_s = NAN;
    else if (*per_min >= 0)
        *drain_s = INFINITY;
    else
        *drain_s = newest->v / -*per_min * 60;
}
