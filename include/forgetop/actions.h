/* actions.h - the one action table and the one dispatcher every key goes through.
 *
 * A row names the action, its keys, its help text and its flags; the help screen and
 * the function bar are generated from it. The dispatcher is the only place in the UI
 * that checks read-only mode, and it refuses by default: only rows flagged
 * ACT_READ_ONLY_SAFE run in read-only mode. The actuator refuses again behind it. */

#ifndef FORGETOP_ACTIONS_H
#define FORGETOP_ACTIONS_H

#include <stddef.h>

#include "forgetop/tui.h"

enum action_flags {
    ACT_READ_ONLY_SAFE = 1 << 0, /* allowed in read-only mode */
    ACT_MUTATES = 1 << 1,        /* leads to a change of the cluster */
    ACT_CONFIRMS = 1 << 2,       /* opens the confirmation first */
};

#define ACTION_MAX_KEYS 6

struct action {
    const char *name;
    const char *keys;           /* as the help screen shows them: "+ =" */
    int codes[ACTION_MAX_KEYS]; /* 0-terminated */
    const char *help;
    const char *bar; /* label in the function bar, NULL: not shown there */
    unsigned flags;
    enum tui_mode mode; /* the key table it belongs to */
    void (*run)(struct tui *t, int key);
};

/* The whole table (every mode), for the help screen. */
const struct action *actions_table(size_t *n);
/* Run key through the table of the current mode. */
void actions_dispatch(struct tui *t, int key);
/* The message a refused key leaves in the status line. */
extern const char actions_read_only_msg[];
/* ...and the one in a replay (--replay): a recording cannot be scaled. */
extern const char actions_replay_msg[];

#endif
