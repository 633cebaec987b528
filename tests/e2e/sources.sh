#!/usr/bin/env bash
# sources.sh - `S` lists every source with its state, the age of its last good poll, its
# interval, how many polls failed in a row and for how long, and its error whole: a
# redis that refuses connections beside the demo, in a real terminal (tmux).
source "$(dirname "$0")/../lib.sh"
S=$(scratch)
SOCK="forgetop-sources-$$"
TM() { tmux -L "$SOCK" -f /dev/null "$@"; }
on_exit "tmux -L '$SOCK' kill-server"
screen() { TM capture-pane -p -t a; }
see() { wait_for 10 sh -c "tmux -L '$SOCK' capture-pane -p -t a | grep -qE -- '$1'"; }
dead=$(free_port) # nothing listens there
TM new-session -d -s a -x 100 -y 30 \
    "env XDG_STATE_HOME='$S/state' LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color '$BIN' --demo -d 1 --redis redis://127.0.0.1:$dead/0; sleep 60"
check "the dashboard starts" see "SERVICE"
TM send-keys -t a S
check "S opens the sources screen" see "SOURCE +STATE +LAST OK +EVERY +FAILED +FAILING FOR"
check "the demo is ok, polled every second" see "^demo +ok +[0-9]+s +1s +0 +-"
check "redis is failing, never ok, with its failures counted and aged" \
    see "^redis +failing +never +1s +[2-9] +[0-9]+s"
check "redis's error is there whole, with its address" see "redis 127.0.0.1:$dead: .*[Cc]onnection refused"
diag "$(screen | sed -n 3,8p)"
TM send-keys -t a q
check "q goes back to the overview" see "SERVICE +READY"
TM send-keys -t a "?"
check "the help lists S" see "S +sources +every source: state, age, interval"
finish
