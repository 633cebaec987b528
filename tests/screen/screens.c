/* screens.c - the service detail, help (read-write and read-only), alerts, and the
 * function bar of each, driven by scripted keys, against golden files. */

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "fixture.h"

static char audit_dir[] = "/tmp/forgetop-screen.XXXXXX";
static char audit_path[128];

struct rig {
    struct config cfg;
    struct world w;
    struct actuator act;
    struct fix_scaler sc;
    struct tui t;
};

static void rig_start(struct rig *r, int lines, int cols, bool ro)
{
    memset(r, 0, sizeof *r);
    fixture_build(&r->w, &r->cfg);
    actuator_init(&r->act, ro, audit_path, fix_submit, &r->sc);
    hx_start("xterm-256color", lines, cols, 1);
    tui_init(&r->t, &r->w, &r->act, NULL, &r->cfg, stdscr);
    r->t.now = FIX_NOW;
}

static void rig_stop(struct rig *r)
{
    tui_free(&r->t);
    hx_stop();
    fixture_free(&r->w);
}

static void keys(struct rig *r, const int *k)
{
    for (; *k; k++)
        tui_key(&r->t, *k);
    r->t.now = FIX_NOW;
    tui_draw(&r->t);
}

int main(void)
{
    struct rig r;
    if (!mkdtemp(audit_dir))
        return 1;
    snprintf(audit_path, sizeof audit_path, "%s/audit.log", audit_dir);

    rig_start(&r, 24, 80, false);
    keys(&r, (int[]){'j', '\n', 0});
    hx_golden(stdscr, "detail-80x24", "Enter on api opens its detail at 80x24");
    tap(r.t.screen == TUI_DETAIL && hx_has(stdscr, "HPA api, 3..20"),
        "detail names the autoscaler that owns api");
    keys(&r, (int[]){27, 0});
    tap(r.t.screen == TUI_OVERVIEW, "Esc goes back to the overview");
    keys(&r, (int[]){'?', 0});
    hx_golden(stdscr, "help-80x24", "help at 80x24");
    keys(&r, (int[]){'q', 0});
    tap(r.t.screen == TUI_OVERVIEW && !r.t.quit, "q leaves help without quitting");
    keys(&r, (int[]){'A', 0});
    hx_golden(stdscr, "alerts-80x24", "alerts screen");
    tap(hx_has(stdscr, "CPU usage          FIRING   critical      12m forgetop"),
        "A lists forgetop's own FIRING metric, with its source");
    tap(hx_has(stdscr, "Queue depth        pending") &&
            hx_has(stdscr, "HighCPUUsage       firing   critical      12m prometheus"),
        "beside its pending ones and Prometheus's alerts");
    tap(hx_has(stdscr, "prometheus stale 1m connect to 127.0.0.1:9090: Connection refused"),
        "and each source's error whole");
    keys(&r, (int[]){27, '\t', 'j', 0});
    tap(r.t.focus == FOCUS_METRICS && hx_has(stdscr, "▶  Memory usage"),
        "Tab moves the selection to the metrics");
    keys(&r, (int[]){'\t', '/', 'd', 'a', 'g', '\n', 0});
    tap(hx_has(stdscr, "dagster-run-worker") && !hx_has(stdscr, "agent-worker   "),
        "/dag filters the services to dagster-run-worker");
    keys(&r, (int[]){'/', 27, 0});
    keys(&r, (int[]){'t', 0});
    tap(r.t.theme_index == 1 && hx_has(stdscr, "theme light"), "t switches to the light theme");
    keys(&r, (int[]){'t', 't', 't', 0});
    tap(r.t.theme_index == 0 && hx_has(stdscr, "theme dark"), "t cycles back to dark");
    keys(&r, (int[]){TUI_KEY_CTRL('l'), 0});
    tap(r.t.repaint, "Ctrl-L asks for a full repaint on the next frame");
    keys(&r, (int[]){'q', 0});
    tap(r.t.quit, "q on the overview quits");
    rig_stop(&r);

    rig_start(&r, 48, 160, false);
    keys(&r, (int[]){'j', '\n', 0});
    hx_golden(stdscr, "detail-160x48", "detail at 160x48 with its pods");
    strcpy(r.w.notice, "RBAC: read-only");
    keys(&r, (int[]){0});
    tap(hx_has(stdscr, "4 alerts (A) · RBAC: read-only"),
        "the sources' notice still follows the alerts count");
    rig_stop(&r);

    /* An HPA that cannot compute, on a source gone stale: the detail shows the condition,
     * not a count of 0, and how old the figures behind the recommendation are. */
    rig_start(&r, 24, 100, false);
    r.w.sources[0].state = SOURCE_STALE;
    r.w.services[1].rec_t = FIX_NOW - 40;
    r.w.services[1].svc.autoscaler.desired_known = false;
    r.w.services[1].svc.autoscaler.desired = 0;
    static char inactive[] = "ScalingActive=False: FailedGetResourceMetric"; /* the view's own */
    r.w.services[1].svc.autoscaler.inactive = inactive;
    keys(&r, (int[]){'j', '\n', 0});
    tap(hx_has(stdscr, "ScalingActive=False: FailedGetResourceMetric") &&
            hx_has(stdscr, "cannot compute") && !hx_has(stdscr, "wants 0"),
        "detail: an HPA that cannot compute shows its condition, not 'wants 0'");
    tap(hx_has(stdscr, "from figures 40s old"),
        "detail: a recommendation from a stale source says how old its figures are");
    rig_stop(&r);

    rig_start(&r, 24, 80, true);
    keys(&r, (int[]){'?', 0});
    hx_golden(stdscr, "help-readonly", "help in read-only mode marks what it refuses");
    tap(hx_has(stdscr, "READ-ONLY") && hx_has(stdscr, "refused in read-only mode"),
        "read-only help shows the badge and the refused keys");
    keys(&r, (int[]){27, 'j', '\n', 0});
    tap(hx_has(stdscr, "READ-ONLY"), "the detail screen carries the read-only badge");
    rig_stop(&r);

    rig_start(&r, 24, 80, true);
    strcpy(r.cfg.production_pattern, "open-forge*");
    r.w.production = true; /* as world_apply finds it */
    keys(&r, (int[]){0});
    tap(hx_has(stdscr, "PROD") && hx_has(stdscr, "READ-ONLY") && hx_has(stdscr, "forgetop demo"),
        "a production world gets the PROD badge beside READ-ONLY");
    hx_golden(stdscr, "overview-production", "production context, read-only");
    rig_stop(&r);

    /* a new critical is announced once, not each frame; a newer one is announced again */
    rig_start(&r, 24, 80, false);
    char what[256];
    tap(alerts_new_critical(&r.t, what, sizeof what) &&
            strcmp(what, "CRITICAL CPU usage api 92%") == 0,
        "the first critical is news, named for the title: %s", what);
    tap(!alerts_new_critical(&r.t, what, sizeof what), "the same critical next frame is not");
    r.w.metrics[2].band = BAND_CRITICAL;
    tap(alerts_new_critical(&r.t, what, sizeof what) &&
            strcmp(what, "CRITICAL API latency p99 api 740ms") == 0,
        "a metric turning critical is: %s", what);
    r.w.metrics[0].band = r.w.metrics[2].band = BAND_WARNING;
    tap(!alerts_new_critical(&r.t, what, sizeof what) && r.t.crit_any,
        "criticals clearing is not (the firing alert is still critical)");
    r.w.metrics[0].band = BAND_CRITICAL;
    tap(alerts_new_critical(&r.t, what, sizeof what), "one coming back is news again");
    rig_stop(&r);

    unlink(audit_path);
    rmdir(audit_dir);
    printf("1..%d\n", tap_n);
    return tap_failed;
}
