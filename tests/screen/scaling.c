/* scaling.c - every change goes through the confirmation and the actuator: +, -, s, a,
 * Space; y applies, anything else cancels; a moved count is shown before y counts; and
 * in read-only mode no key of the whole table sends a request. */

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "fixture.h"
#include "forgetop/actions.h"

static char audit_dir[] = "/tmp/forgetop-screen.XXXXXX";
static char audit_path[128];

struct rig {
    struct config cfg;
    struct world w;
    struct actuator act;
    struct fix_scaler sc;
    struct tui t;
};

static void rig_start(struct rig *r, bool ro)
{
    memset(r, 0, sizeof *r);
    fixture_build(&r->w, &r->cfg);
    actuator_init(&r->act, ro, audit_path, fix_submit, &r->sc);
    hx_start("xterm-256color", 24, 80, 1);
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
    for (; *k; k++) {
        tui_key(&r->t, *k);
        r->t.now = FIX_NOW;
        tui_draw(&r->t); /* as the loop does: a frame after every key */
    }
}

static void plus_then_y(void)
{
    struct rig r;
    rig_start(&r, false);
    keys(&r, (int[]){'j', '+', 0});
    hx_golden(stdscr, "confirm-80x24", "+ on api opens the confirmation");
    tap(hx_has(stdscr, "5 -> 6") && hx_has(stdscr, "open-forge") &&
            hx_has(stdscr, "cpu 92% -> ~77%") && hx_has(stdscr, "will undo this"),
        "the confirmation names from -> to, namespace, prediction and the autoscaler");
    keys(&r, (int[]){'y', 0});
    tap(r.sc.n == 1 && r.sc.last.from == 5 && r.sc.last.to == 6 &&
            strcmp(r.sc.last.service, "api") == 0,
        "y hands exactly api 5 -> 6 to the scaler");
    tap(hx_has(stdscr, "scaling api 5 -> 6"), "the status line says the change is on its way");
    struct scale_request req = r.sc.last;
    tui_outcome(&r.t, &req, 0, "");
    tui_draw(&r.t);
    tap(hx_has(stdscr, "scaled api 5 -> 6"), "the outcome shows in the status line");
    tui_outcome(&r.t, &req, -1, "409 Conflict: the object has been modified");
    tui_draw(&r.t);
    tap(hx_has(stdscr, "failed: 409 Conflict"), "a failed outcome shows the server's error");
    rig_stop(&r);
}

static void cancel_keys(void)
{
    struct rig r;
    rig_start(&r, false);
    keys(&r, (int[]){'?', '+', 's', ' ', 0});
    tap(r.t.mode == MODE_NORMAL && r.t.screen == TUI_HELP && r.t.n_marks == 0,
        "+ s Space on the help screen open nothing");
    keys(&r, (int[]){27, 'j', '\n', '+', 0});
    tap(r.t.mode == MODE_CONFIRM && hx_has(stdscr, "Scale api?"),
        "+ on a service's detail opens its confirmation");
    keys(&r, (int[]){27, 27, 0});
    keys(&r, (int[]){'j', '+', 'n', '-', 27, '+', 'q', 0});
    tap(r.sc.n == 0 && !r.t.quit && r.t.mode == MODE_NORMAL,
        "n, Esc and q cancel the confirmation and change nothing");
    tap(hx_has(stdscr, "cancelled"), "the status line says it was cancelled");
    rig_stop(&r);
}

static void raise_hpa_minimum(void)
{
    struct rig r;
    rig_start(&r, false);
    keys(&r, (int[]){'j', '+', 0});
    tap(hx_has(stdscr, "m raises its minimum 3 -> 6"), "an HPA-owned change offers m");
    keys(&r, (int[]){'m', 0});
    tap(r.sc.n == 1 && r.sc.last.set_autoscaler_min && r.sc.last.to == 6,
        "m asks for the HPA's minimum 6 instead of the count");
    tap(hx_has(stdscr, "raising api's minimum 3 -> 6"), "the status line says which was asked");
    tap(r.sc.last.from == 3 && strcmp(r.sc.last.object, r.w.services[1].svc.autoscaler.name) == 0,
        "m's request names the HPA and its minimum 3 as from");
    struct scale_request mreq = r.sc.last;
    tui_outcome(&r.t, &mreq, 0, "set api minReplicas 3 -> 6");
    tui_draw(&r.t);
    tap(hx_has(stdscr, "permanent") && hx_has(stdscr, "(previous minimum 3)"),
        "after m the status line says it is permanent and the previous minimum");
    keys(&r, (int[]){'k', '+', 0});
    tap(!hx_has(stdscr, "m raises"), "KEDA owns agent-worker's HPA: m is not offered");
    keys(&r, (int[]){'m', 0});
    tap(r.sc.n == 1 && r.t.mode == MODE_NORMAL, "...and m then cancels like any other key");
    rig_stop(&r);
}

static void set_count(void)
{
    struct rig r;
    rig_start(&r, false);
    keys(&r, (int[]){'j', 's', 0});
    hx_golden(stdscr, "count-80x24", "s opens the count field at the current count");
    keys(&r, (int[]){'9', 0});
    tap(strcmp(r.t.count_text, "9") == 0, "the first digit replaces the count");
    keys(&r, (int[]){'+', KEY_UP, '-', 0});
    tap(strcmp(r.t.count_text, "10") == 0, "+ Up - adjust the count");
    keys(&r, (int[]){'\n', 0});
    tap(r.t.mode == MODE_CONFIRM && hx_has(stdscr, "5 -> 10"), "Enter confirms 5 -> 10");
    keys(&r, (int[]){'y', 0});
    tap(r.sc.n == 1 && r.sc.last.to == 10, "y sends 10");
    keys(&r, (int[]){'s', '9', '9', '\n', 0});
    tap(r.t.mode == MODE_NORMAL && hx_has(stdscr, "outside its bounds 3..20") && r.sc.n == 1,
        "a count outside the bounds is refused before any dialog");
    rig_stop(&r);
}

static void accept_and_marks(void)
{
    struct rig r;
    rig_start(&r, false);
    keys(&r, (int[]){'j', 'a', 0});
    tap(hx_has(stdscr, "5 -> 7") && hx_has(stdscr, "ceil(5 x 1.31) = 7"),
        "a proposes the recommendation with its arithmetic");
    hx_golden(stdscr, "confirm-accept", "a: the reason wraps, its arithmetic whole");
    keys(&r, (int[]){'n', 'k', ' ', ' ', '+', 0});
    hx_golden(stdscr, "confirm-marked", "Space marks two services for one change");
    keys(&r, (int[]){'y', 0});
    tap(r.sc.n == 2, "y on two marked services sends two requests");
    rig_stop(&r);
}

static void moved_count(void)
{
    struct rig r;
    rig_start(&r, false);
    keys(&r, (int[]){'j', '+', 0});
    r.w.services[1].svc.desired = 6; /* the HPA moved it while the dialog was open */
    tui_key(&r.t, 'y');
    tap(r.sc.n == 0 && r.t.mode == MODE_CONFIRM,
        "a y pressed before the dialog showed the move does not count");
    tui_draw(&r.t);
    tap(hx_has(stdscr, "api moved to 6 since this opened"), "the dialog says the count moved");
    keys(&r, (int[]){'y', 0});
    tap(r.sc.n == 0 && hx_has(stdscr, "moved to 6 since you looked"),
        "the next y is refused by the actuator: the count moved, nothing is sent");
    rig_stop(&r);
}

static void read_only_refuses_everything(void)
{
    struct rig r;
    rig_start(&r, true);
    size_t n;
    const struct action *a = actions_table(&n);
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < ACTION_MAX_KEYS && a[i].codes[k]; k++) {
                int key = a[i].codes[k] > 0 ? a[i].codes[k] : '5';
                if (key == 'q' || key == KEY_F(10))
                    continue;
                keys(&r, (int[]){key, 'y', '\n', 'y', 0});
            }
    tap(r.sc.n == 0 && r.act.submitted == 0,
        "read-only: every key of the table, each followed by y Enter y, sends nothing");
    keys(&r, (int[]){27, 'j', 'a', 0});
    tap(hx_has(stdscr, "scaling is disabled in read-only mode"), "a refused key says why");
    struct tui_target g = {0};
    strcpy(g.source_name, "demo");
    strcpy(g.service, "api");
    strcpy(g.namespace_, "open-forge");
    g.from = 5;
    g.to = 6;
    r.t.targets[0] = g;
    r.t.n_targets = 1;
    r.t.mode = MODE_CONFIRM; /* as if a bug had opened the dialog */
    keys(&r, (int[]){'y', 0});
    tap(r.sc.n == 0 && hx_has(stdscr, "read-only"),
        "even a confirmation opened by mistake is refused by the dispatcher");
    r.t.read_only = false; /* and if the dispatcher were bypassed, the actuator refuses */
    r.t.mode = MODE_CONFIRM;
    r.t.n_targets = 1;
    keys(&r, (int[]){'y', 0});
    tap(r.sc.n == 0 && r.act.submitted == 0, "the actuator refuses behind the dispatcher");
    rig_stop(&r);
}

static void rbac_denied(void)
{
    struct rig r;
    rig_start(&r, false);
    /* the cluster said this user may not update deployments/scale */
    r.w.access = (struct access){PERM_DENIED, PERM_ALLOWED, FIX_NOW - 1, PERM_UNKNOWN};
    for (size_t i = 0; i < r.w.n_sources; i++)
        if (r.w.snaps[i] != NULL)
            r.w.snaps[i]->access = r.w.access;
    keys(&r, (int[]){'j', '+', 'y', 0});
    tap(hx_has(stdscr, "READ-ONLY (RBAC)"), "an RBAC denial shows in the badge");
    tap(r.sc.n == 0 && hx_has(stdscr, "denies update on deployments/scale"),
        "and + is refused with the verb");
    rig_stop(&r);
}

/* Does the last line of the audit log hold every one of the texts? */
static bool audit_last_has(const char *a, const char *b)
{
    FILE *f = fopen(audit_path, "r");
    char line[4096], last[4096] = "";
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        memcpy(last, line, sizeof last);
    if (f != NULL)
        fclose(f);
    return strstr(last, a) != NULL && (b == NULL || strstr(last, b) != NULL);
}

static void marked_set_names_every_target(void)
{
    struct rig r;
    rig_start(&r, false);
    keys(&r, (int[]){' ', ' ', 'k', 'k', 's', 0}); /* agent-worker and api marked */
    tap(hx_has(stdscr, "2 services: same count for all") && hx_has(stdscr, "agent-worker 3") &&
            hx_has(stdscr, "api 5"),
        "s with two marked services names both and the rule it applies");
    keys(&r, (int[]){'9', '\n', 0});
    tap(hx_has(stdscr, "agent-worker 3 -> 9") && hx_has(stdscr, "api 5 -> 9"),
        "the dialog names every target, one line each with from -> to");
    keys(&r, (int[]){'y', 0});
    tap(r.sc.n == 2 && r.sc.last.to == 9, "y sends both, each to the count typed");
    rig_stop(&r);
}

static void over_a_limit_takes_a_second_confirmation(void)
{
    struct rig r;
    rig_start(&r, false);
    keys(&r, (int[]){'j', 's', '3', '\n', 0}); /* api 5 -> 3: cpu 92% -> ~153% */
    tap(hx_has(stdscr, "~153% !!"), "the predicted figure carries its band's glyph");
    keys(&r, (int[]){'y', 0});
    tap(r.sc.n == 0 && r.t.mode == MODE_CONFIRM && hx_has(stdscr, "SECOND CONFIRMATION") &&
            hx_has(stdscr, "over 100% of its"),
        "a prediction over 100%% asks a second time and names the danger");
    keys(&r, (int[]){'n', 0});
    tap(r.sc.n == 0 && audit_last_has("\"declined\"", "second confirmation"),
        "declining the second confirmation sends nothing and is audited");
    keys(&r, (int[]){'s', '3', '\n', 'y', 'y', 0});
    tap(r.sc.n == 1 && r.sc.last.to == 3 && strstr(r.sc.last.danger, "over 100%") != NULL,
        "a second y sends it, with the danger it confirmed");
    tap(audit_last_has("\"requested\"", "\"danger\""), "the audit line names the danger");
    r.w.services[1].svc.cpu_pct = 160; /* hot: one more replica is still critical */
    r.w.revision++;
    keys(&r, (int[]){'+', 'm', 0});
    tap(r.t.second && r.sc.n == 1, "m with a danger asks the second confirmation too");
    keys(&r, (int[]){'y', 0});
    tap(r.sc.n == 2 && r.sc.last.set_autoscaler_min,
        "the second key confirms m's choice: the HPA's minimum, not the count");
    rig_stop(&r);
}

static void a_partial_failure_is_reported_per_target(void)
{
    struct rig r;
    rig_start(&r, false);
    keys(&r, (int[]){' ', ' ', '+', 'y', 0});
    struct scale_request first = r.sc.reqs[0], second = r.sc.reqs[1];
    tui_outcome(&r.t, &first, 0, "scaled agent-worker 3 -> 4");
    tui_outcome(&r.t, &second, -1,
                "kube: GET /apis/apps/v1/namespaces/open-forge/deployments/api/scale: 404 Not "
                "Found: deployments \"api\" not found");
    tui_draw(&r.t);
    tap(hx_has(stdscr, "1 of 2 scaled; api: 404 Not Found"),
        "the outcome counts the targets and names the one that failed");
    tap(audit_last_has("\"failed\"", "404"), "the failure is in the audit log too");
    rig_stop(&r);
}

static void an_hpa_that_cannot_compute_keeps_the_count(void)
{
    struct rig r;
    rig_start(&r, false);
    /* as sources/kube.c words an HPA whose ScalingActive condition is False */
    static char inactive[] = "ScalingActive=False: FailedGetResourceMetric"; /* the view's own */
    r.w.services[1].svc.autoscaler.inactive = inactive;
    r.w.revision++;
    keys(&r, (int[]){'j', '+', 0});
    tap(hx_has(stdscr, "cannot compute, so it keeps 6 (ScalingActive=False") &&
            !hx_has(stdscr, "will undo this"),
        "an HPA that cannot compute is not said to undo the change");
    rig_stop(&r);
}

static void follow_through(void)
{
    struct rig r;
    rig_start(&r, false);
    keys(&r, (int[]){'j', '+', 'y', 0});
    struct scale_request req = r.sc.last;
    tui_outcome(&r.t, &req, 0, "scaled api 5 -> 6");
    tui_follow(&r.t);
    tui_draw(&r.t);
    tap(hx_has(stdscr, "waiting for the next poll"), "before a poll shows it, the status says so");
    struct service_view *api = &r.w.services[1];
    r.w.snaps[api->source]->taken_at = FIX_NOW + 4; /* a poll after the outcome */
    api->svc.desired = 6;
    api->svc.ready = 5;
    r.t.now = FIX_NOW + 4;
    tui_follow(&r.t);
    tui_draw(&r.t);
    tap(hx_has(stdscr, "scaled api 5 -> 6: 5/6 ready"), "the status line follows the rollout");
    api->svc.desired = 5; /* the HPA put it back */
    r.t.now = FIX_NOW + 10;
    tui_follow(&r.t);
    tui_draw(&r.t);
    tap(hx_has(stdscr, "api set api back to 5 within 10s"),
        "an autoscaler setting the count back is said plainly");
    keys(&r, (int[]){27, 0});
    tap(!hx_has(stdscr, "set api back"), "Esc dismisses the report");
    rig_stop(&r);
}

int main(void)
{
    if (!mkdtemp(audit_dir))
        return 1;
    snprintf(audit_path, sizeof audit_path, "%s/audit.log", audit_dir);
    plus_then_y();
    cancel_keys();
    set_count();
    accept_and_marks();
    raise_hpa_minimum();
    moved_count();
    read_only_refuses_everything();
    rbac_denied();
    marked_set_names_every_target();
    over_a_limit_takes_a_second_confirmation();
    a_partial_failure_is_reported_per_target();
    follow_through();
    an_hpa_that_cannot_compute_keeps_the_count();
    unlink(audit_path);
    rmdir(audit_dir);
    printf("1..%d\n", tap_n);
    return tap_failed;
}
