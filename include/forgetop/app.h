/* app.h - what main hands the dashboard: the settings, the running poller, the world
 * the screens draw, and the actuator every scale goes through.
 *
 * Source i of the poller is source i of the world: one index for both. */

#ifndef FORGETOP_APP_H
#define FORGETOP_APP_H

#include "forgetop/actuator.h"
#include "forgetop/config.h"
#include "forgetop/poller.h"
#include "forgetop/recorder.h"
#include "forgetop/world.h"

struct tui_replay;
struct tui_nav_ops;

struct app {
    struct config *cfg;
    struct poller *poller;
    struct world *world;
    struct actuator *act;
    struct recorder *rec;          /* --record: every snapshot and status, NULL when off */
    struct tui_replay *replay;     /* --replay: the recording's clock; then poller is NULL */
    const struct tui_nav_ops *nav; /* :ctx / :ns, NULL when there is no cluster source */
};

/* Run the dashboard until the operator quits; returns the exit status. */
int tui_run(struct app *app);
/* The same over a recording (app->replay set, no poller), starting at `at`. */
int tui_run_replay(struct app *app, double at);

#endif
