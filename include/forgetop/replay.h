/* replay.h - a world rebuilt from a recording: the same core fed the recorded snapshots.
 *
 * Bands, sustained states and recommendations are not recorded but recomputed, so a
 * replay shows what the live screen showed, by the same arithmetic. */

#ifndef FORGETOP_REPLAY_H
#define FORGETOP_REPLAY_H

#include <stddef.h>
#include <stdio.h>

#include "forgetop/config.h"
#include "forgetop/recorder.h"
#include "forgetop/world.h"

/* How far before a target time the world is rebuilt from: long enough for every `for:`
 * window and a full history, short enough that a seek is quick. */
#define REPLAY_LOOKBACK_S 1800.0

/* w (initialised, with the recording's sources added) as it was at `at`: every event of
 * [at - REPLAY_LOOKBACK_S, at] applied, evaluated at `at`. Returns the events applied,
 * or -1 with err; *bad counts the frames that could not be read. */
long replay_world_at(struct recording *r, struct world *w, double at, size_t *bad, char *err,
                     size_t errlen);
/* --summary: the whole recording fed to w (initialised, its sources added) poll by poll,
 * and for each metric and each service's cpu and memory the first and last poll judged
 * warning or critical (local time), its worst band and in how many polls, printed to out.
 * Returns how many breached, or -1 with err. */
long replay_breaches(struct recording *r, struct world *w, FILE *out, char *err, size_t errlen);
/* Put the config recorded in force at `at` into cfg (the terminal's delay, mouse and theme
 * kept), and say in note which config the replay judges by; cfg is left as it is when the
 * recording holds none or it does not read (note says so). */
void replay_use_config(struct recording *r, double at, struct config *cfg, char *note, size_t len);
/* "03:12" or "03:12:40" in local time, as the header clock and the REPLAY badge show
 * it, or with a Z (or UTC) suffix in UTC: the last such time at or before the recording's end;
 * "-15m" / "-90s" / "-2h" (before its end), or unix seconds. 0, or -1 with err. */
int replay_parse_time(const char *text, double first, double last, double *out, char *err,
                      size_t errlen);

#endif
