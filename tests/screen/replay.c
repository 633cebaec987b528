/* replay.c - the dashboard over a recording (--replay): the REPLAY badge with the
 * recording's time, paused and playing, and a scale key refused without an audit line. */

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "fixture.h"

static char dir[] = "/tmp/forgetop-screen-replay.XXXXXX";
static char audit_path[128];

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
    rp.at = FIX_NOW; /* 00:03:05 UTC, the time the fixture was polled */
    rp.paused = true;
    t.replay = &rp;
    t.read_only = true;
    t.now = rp.at;
    tui_draw(&t);
    hx_golden(stdscr, "overview-replay", "the overview in a replay, paused");
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
    hx_stop();
    fixture_free(&w);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    snprintf(audit_path, sizeof audit_path, "%s/audit.log", dir);
    badge();
    unlink(audit_path);
    rmdir(dir);
    printf("1..%d\n", tap_n);
    return tap_failed;
}
