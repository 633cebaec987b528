/* replay.c - the dashboard over a recording (--replay): the REPLAY badge with the
 * recording's time, paused and playing, a scale key refused without an audit line, the
 * timeline strip with its scale attempts, and the detail screen's attempts up to then. */

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "fixture.h"
#include "forgetop/recorder.h"

static char dir[] = "/tmp/forgetop-screen-replay.XXXXXX";
static char audit_path[128];

/* Row y of the screen as text. */
static void line_of(int y, char *out, size_t len)
{
    char *all = hx_text(stdscr), *p = all;
    for (int i = 0; i < y && p != NULL; i++)
        p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL;
    snprintf(out, len, "%.*s", p ? (int)strcspn(p, "\n") : 0, p ? p : "");
    free(all);
}

static int count(const char *s, char c)
{
    int n = 0;
    for (; *s; s++)
        n += *s == c;
    return n;
}

static void badge(void)
{
    struct config cfg;
    struct world w;
    struct actuator act;
    struct tui t;
    fixture_build(&w, &cfg);
    actuator_init(&act, true, audit_path, NULL, NULL); /* as main: no submit path */
    hx_start("xterm-256color", 24, 80, 1);
    tui_init(&t, &w, &act, NULL, &cfg, stdscr);
    struct tui_replay rp = {.first = FIX_NOW - 600, .last = FIX_NOW, .speed = 1};
    struct rec_attempt attempts[3] = {
        {.t = FIX_NOW - 450, .target = "someone-else", .result = "ok", .from = 1, .to = 2},
        {.t = FIX_NOW - 300, .result = "ok", .from = 5, .to = 6},
        {.t = FIX_NOW - 100, .result = "declined", .from = 6, .to = 7},
    };
    rp.attempts = attempts;
    rp.n_attempts = 3;
    rp.at = FIX_NOW; /* 00:03:05 UTC, the time the fixture was polled */
    rp.paused = true;
    t.replay = &rp;
    t.read_only = true;
    t.now = rp.at;
    const struct service_view *sel = tui_selected(&t);
    snprintf(attempts[1].target, sizeof attempts[1].target, "%s", sel->svc.name);
    snprintf(attempts[2].target, sizeof attempts[2].target, "%s", sel->svc.name);
    tui_draw(&t);
    hx_golden(stdscr, "overview-replay", "the overview in a replay, paused");
    char strip[96];
    line_of(2, strip, sizeof strip);
    tap(strstr(strip, "00:03:05  3 scale attempts, ( ) go to one") != NULL,
        "under the header a strip: the recording's end and its scale attempts");
    tap(strncmp(strip, "23:53:05 -", 10) == 0, "it starts at the recording's start: %s", strip);
    tap(count(strip, '*') == 3 && strchr(strip, '|') != NULL,
        "a * at each attempt and | at the time shown");
    tap(strchr(strip, '|') > strrchr(strip, '*'), "the time shown, the end, is after them all");
    tui_key(&t, '\n'); /* the selected service's detail */
    rp.at = FIX_NOW - 200;
    tui_draw(&t);
    tap(hx_has(stdscr, "scaled       23:58:05  5 -> 6  ok"),
        "its detail lists the attempt made before the time shown, with its outcome");
    tap(!hx_has(stdscr, "6 -> 7") && !hx_has(stdscr, "1 -> 2"),
        "not the one after it, nor another service's");
    rp.at = FIX_NOW;
    tui_draw(&t);
    tap(hx_has(stdscr, "00:01:25  6 -> 7  declined"), "at the end both, the newest first");
    tui_key(&t, 27);
    rp.at = FIX_NOW;
    tap(hx_has(stdscr, "REPLAY 00:03:05 ||"), "the badge names the recording's time, paused");
    tap(!hx_has(stdscr, "READ-WRITE"), "no READ-WRITE badge in a replay");
    rp.paused = false;
    rp.speed = 30;
    tui_draw(&t);
    tap(hx_has(stdscr, "REPLAY 00:03:05 x30"), "playing, the badge says the speed");
    tui_key(&t, '+');
    tui_draw(&t);
    tap(hx_has(stdscr, "a replay is read-only") && t.mode == MODE_NORMAL,
        "+ in a replay says it is read-only and opens no dialog");
    struct stat st;
    tap(stat(audit_path, &st) != 0, "and writes no audit line (no audit log at all)");
    tui_free(&t);
    hx_stop();
    fixture_free(&w);
}

int main(void)
{
    setenv("TZ", "UTC", 1); /* the badge and the strip are in local time: this one */
    tzset();
    if (!mkdtemp(dir))
        return 1;
    snprintf(audit_path, sizeof audit_path, "%s/audit.log", dir);
    badge();
    unlink(audit_path);
    rmdir(dir);
    printf("1..%d\n", tap_n);
    return tap_failed;
}
