#!/usr/bin/env bash
# dashboard.sh - the real binary in a real terminal (tmux's own regress model): the demo
# cluster at a fixed size; send-keys types, capture-pane reads. Scaling changes the
# count on screen and writes the audit line; cancelling changes nothing; -R refuses and
# audits no change; resize, Ctrl-L, LANG=C and NO_COLOR behave.
source "$(dirname "$0")/../lib.sh"

S=$(scratch)
SOCK="forgetop-e2e-$$"
TM() { tmux -L "$SOCK" -f /dev/null "$@"; }
on_exit "tmux -L '$SOCK' kill-server"
AUDIT="$S/state/forgetop/audit.log"

# start NAME COLS LINES ENV... -- ARGS...
start() {
    local name=$1 cols=$2 lines=$3; shift 3
    local envs=() args=()
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do envs+=("$1"); shift; done
    shift
    args=("$@")
    TM new-session -d -s "$name" -x "$cols" -y "$lines" \
        "env -u NO_COLOR -u FORGETOP_READ_ONLY XDG_STATE_HOME='$S/state' XDG_CONFIG_HOME='$S/config' LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color ${envs[*]} '$BIN' --demo --seed 1 -d 1 ${args[*]}; echo \$? >'$S/$name.exit'; sleep 60"
}
screen() { TM capture-pane -p -t "$1"; }
shows() { screen "$1" | grep -qF -- "$2"; }
see() { wait_for 5 shows "$@"; } # shows, allowing a loaded machine a moment
lacks() { ! screen "$1" | grep -qF -- "$2"; }
keys() { local s=$1; shift; TM send-keys -t "$s" "$@"; sleep 0.4; }
audit_count() { local n; n=$(grep -c "\"result\":\"$1\"" "$AUDIT" 2>/dev/null); echo "${n:-0}"; }

# ---- the panels ----------------------------------------------------------------------
start rw 100 30 --
if wait_for 10 shows rw "QUEUE"; then ok "the demo dashboard draws its panels"; else not_ok "the demo dashboard draws its panels"; screen rw | sed 's/^/# /'; fi
check "header carries the READ-WRITE badge" see rw "READ-WRITE"
check "services table shows api" see rw " api "
check "metrics table shows the runbook's cpu metric" see rw "CPU usage"
check "the function bar is drawn" see rw "?Help"

# ---- + then y: the count changes on screen and in the audit log ----------------------
keys rw / a p i Enter
keys rw +
check "+ opens the confirmation for api" see rw "Scale api?"
line=$(screen rw | grep -oE 'replicas +[0-9]+ -> [0-9]+' | head -1)
from=$(sed -E 's/.* ([0-9]+) -> .*/\1/' <<<"$line"); to=$(sed -E 's/.* -> ([0-9]+)/\1/' <<<"$line")
expect_eq "the confirmation proposes one more replica" "$((from + 1))" "$to"
keys rw y
# each api replica holds a pool of 20 database connections: one more pushes them past 80%
if wait_for 5 shows rw "SECOND CONFIRMATION"; then ok "the demo's DB connections make + ask a second time"; else not_ok "the demo's DB connections make + ask a second time"; screen rw | sed 's/^/# /'; fi
check "the second confirmation names the danger" see rw "DB connections ~"
check "the predicted DB figure carries its band glyph" sh -c "tmux -L '$SOCK' capture-pane -p -t rw | grep -qE 'DB connections [0-9]+% -> ~[0-9]+% !'"
expect_eq "the first y sent nothing" 0 "$(audit_count requested)"
keys rw y
if wait_for 10 shows rw "scaled api $from -> $to"; then ok "y applies: the status line says scaled api $from -> $to"; else not_ok "y applies"; screen rw | sed 's/^/# /'; fi
check "the services table shows the new desired count" wait_for 10 sh -c "tmux -L '$SOCK' capture-pane -p -t rw | grep -E ' api +[0-9]+/$to '"
expect_eq "the audit log has one applied line" 1 "$(audit_count applied)"
check "the audit line names api, from and to" grep -q "\"target\":\"api\".*\"from\":$from,\"to\":$to" "$AUDIT"
perm=$(stat -c %a "$AUDIT" 2>/dev/null)
expect_eq "the audit log is mode 0600" 600 "$perm"

# ---- + then n: nothing changes --------------------------------------------------------
before=$(wc -l <"$AUDIT")
keys rw +
check "+ opens the confirmation again" see rw "$to -> $((to + 1))"
keys rw n
sleep 1.5
check "n cancels: the status line says nothing changed" see rw "cancelled"
expect_eq "n writes one line to the audit log" "$((before + 1))" "$(wc -l <"$AUDIT")"
check "...which says the change was declined" sh -c "tail -1 '$AUDIT' | grep -q '\"result\":\"declined\"'"
check "n leaves the count at $to" sh -c "tmux -L '$SOCK' capture-pane -p -t rw | grep -qE ' api +[0-9]+/$to '"

# ---- resize and Ctrl-L ----------------------------------------------------------------
TM resize-window -t rw -x 70 -y 20; sleep 1
check "70x20 says the terminal is too small" see rw "terminal too small: needs 80x24"
TM resize-window -t rw -x 120 -y 40; sleep 1
check "growing to 120x40 brings the dashboard back" see rw "QUEUE"
check "120 columns show the STATUS column (no demo service has an autoscaler: that column stays out)" see rw "STATUS"
# Write junk behind curses's back, straight to the pane's terminal: only a full redraw
# can remove it.
printf 'JUNKJUNKJUNK' >"$(TM display -p -t rw '#{pane_tty}')"
check "junk written behind the dashboard's back is on screen" see rw "JUNKJUNKJUNK"
keys rw C-l
check "Ctrl-L redraws the whole screen: the junk is gone" lacks rw "JUNKJUNKJUNK"
check "...and the dashboard is whole" see rw "SERVICE"
keys rw q
check "q quits with status 0" wait_for 5 grep -qx 0 "$S/rw.exit"

# ---- read-only: badge, refusal, no applied line ------------------------------------
rm -f "$AUDIT"
start ro 100 30 -- -R
wait_for 10 shows ro "QUEUE"
check "-R shows the READ-ONLY badge" see ro "READ-ONLY"
keys ro +
check "-R: + says scaling is disabled in read-only mode" see ro "scaling is disabled in read-only mode"
keys ro / a p i Enter
opened=""
for k in + - a s Space; do
    keys ro "$k"
    screen ro | grep -qE 'y: apply|Set replicas of' && opened="$opened $k"
    keys ro y
done
expect_eq "-R: no key opens a confirmation or a count field" "" "$opened"
expect_eq "-R: the audit log has no applied line" 0 "$(audit_count applied)"
expect_eq "-R: the audit log has no requested line" 0 "$(audit_count requested)"
check "-R: each refused key wrote a refused line" test "$(audit_count refused)" -ge 4
check "...saying why" grep -q '"result":"refused","message":"scaling is disabled in read-only mode"' "$AUDIT"
keys ro '?'
check "-R: help marks the refused keys" see ro "refused in read-only mode"
start roenv 100 30 FORGETOP_READ_ONLY=1 --
wait_for 10 shows roenv "QUEUE"
check "FORGETOP_READ_ONLY=1 shows the READ-ONLY badge" see roenv "READ-ONLY"

# ---- production: a matching namespace gets its badge ---------------------------------
printf '[forgetop]\nproduction_pattern = open-forge*\n' >"$S/prod.conf"
start prod 100 30 -- --config "$S/prod.conf"
check "a namespace matching production_pattern shows the PROD badge" see prod "PROD"
check "...and without production_read_only it stays READ-WRITE" see prod "READ-WRITE"
printf '[forgetop]\nproduction_pattern = open-forge*\nproduction_read_only = true\n' >"$S/prodro.conf"
rm -f "$AUDIT"
start prodro 100 30 -- --config "$S/prodro.conf"
wait_for 10 shows prodro "QUEUE"
check "production_read_only: PROD and READ-ONLY, decided from the resolved namespace" \
    sh -c "tmux -L '$SOCK' capture-pane -p -t prodro | grep -q 'PROD .*READ-ONLY'"
keys prodro / a p i Enter
keys prodro +
check "production_read_only: + says production is read-only" see prodro "is production and production_read_only is set"
keys prodro y
expect_eq "production_read_only: nothing was requested" 0 "$(audit_count requested)"
check "production_read_only: the refusal is audited as production" grep -q '"result":"refused".*"production":true,"read_only":true' "$AUDIT"
"$BIN" --demo --seed 1 --once --json --config "$S/prodro.conf" >"$S/prodro.json" 2>/dev/null
expect_eq "--once --json shows the same decision" "True True" \
    "$(json_get "$S/prodro.json" 'str(d["production"]) + " " + str(d["read_only"])')"

# ---- marked services: s names every target; over 100% of a request asks a second time -
rm -f "$AUDIT"
start marks 100 30 --
wait_for 10 shows marks " api "
keys marks g Space Space      # agent-worker, then api
keys marks s
check "s on two marked services states the rule" see marks "Set replicas of 2 services: same count for all"
check "...and names both" sh -c "tmux -L '$SOCK' capture-pane -p -t marks | grep -q 'agent-worker [0-9]' && tmux -L '$SOCK' capture-pane -p -t marks | grep -qE 'current +api [0-9]'"
keys marks 3 Enter
check "the dialog has a line for agent-worker" sh -c "tmux -L '$SOCK' capture-pane -p -t marks | grep -qE 'agent-worker [0-9]+ -> 3'"
check "...and one for api" sh -c "tmux -L '$SOCK' capture-pane -p -t marks | grep -qE 'api 5 -> 3'"
check "api at 3 replicas is predicted over 100% with the critical glyph" sh -c "tmux -L '$SOCK' capture-pane -p -t marks | grep -qE 'api 5 -> 3 .*cpu [0-9]+% -> ~1[0-9][0-9]% !!'"
keys marks y
check "y asks the second confirmation, naming the danger" see marks "over 100% of its request"
expect_eq "nothing was requested yet" 0 "$(audit_count requested)"
keys marks n
expect_eq "declining writes one declined line per target" 2 "$(audit_count declined)"
check "the declined line names the second confirmation" grep -q '"result":"declined","message":"declined the second confirmation' "$AUDIT"
keys marks q

# ---- LANG=C: ASCII only ---------------------------------------------------------------
start ascii 100 30 LANG=C LC_ALL=C --
wait_for 10 shows ascii "QUEUE"
non_ascii() { screen "$1" | LC_ALL=C grep -q $'[\x80-\xff]'; }
if non_ascii ascii; then not_ok "LANG=C draws ASCII only"; else ok "LANG=C draws ASCII only"; fi
check "the UTF-8 session did draw UTF-8 (the check above can fail)" non_ascii roenv

# ---- NO_COLOR: attributes, no colours -------------------------------------------------
sgr_colours() { # how many SGR colour parameters the pane holds
    TM capture-pane -e -p -t "$1" | python3 -c '
import re, sys
n = 0
for m in re.finditer(r"\x1b\[([0-9;:]*)m", sys.stdin.read()):
    for p in m.group(1).replace(":", ";").split(";"):
        if p and (30 <= int(p) <= 49 or 90 <= int(p) <= 107) and int(p) not in (39, 49):
            n += 1
print(n)'
}
start nocolor 100 30 NO_COLOR=1 --
wait_for 10 shows nocolor "QUEUE"
expect_eq "NO_COLOR=1 sends no colour" 0 "$(sgr_colours nocolor)"
check "without NO_COLOR the dashboard has colours (the check above can fail)" test "$(sgr_colours ro)" -gt 0
check "NO_COLOR keeps the severity marks readable" sh -c "tmux -L '$SOCK' capture-pane -p -t nocolor | grep -qE 'ok|!|WARN|CRIT|FIRING|pending'"

# ---- a scale changes what the demo then shows: api up -> its cpu band comes down ------
# --demo-speed 20 makes the 20 s rollout take one real second.
api_cpu() { screen "$1" | grep -E ' api +[0-9]+/[0-9]+ ' | head -1 | grep -oE '[0-9]+%' | head -1 | tr -d %; }
api_row() { screen "$1" | grep -E ' api +[0-9]+/[0-9]+ ' | head -1; }
start sim 100 30 -- --demo-speed 20
wait_for 10 shows sim " api "
cpu_before=$(api_cpu sim)
check "api starts hot in the demo (cpu ${cpu_before}% with its warning mark)" \
    sh -c "[ '${cpu_before:-0}' -gt 70 ] && tmux -L '$SOCK' capture-pane -p -t sim | grep -E ' api +[0-9]+/[0-9]+ ' | grep -q '!'"
keys sim / a p i Enter
keys sim s 1 0 Enter
keys sim y
check "api 5 -> 10 asks a second time: its pools would exhaust the database" see sim "clients will wait"
keys sim y
if wait_for 15 sh -c "tmux -L '$SOCK' capture-pane -p -t sim | grep -qE ' api +10/10 '"; then
    ok "api rolls out to 10/10 on screen"
else
    not_ok "api rolls out to 10/10 on screen"; api_row sim | sed 's/^/# /'
fi
sleep 3
cpu_after=$(api_cpu sim)
check "api's cpu falls with twice the replicas (${cpu_before}% -> ${cpu_after}%)" \
    test "${cpu_after:-100}" -lt $(( ${cpu_before:-0} * 3 / 4 ))
row=$(api_row sim)
no_warning() { [ -n "$1" ] && ! grep -qE '[0-9]+% +!' <<<"$1"; }
check "...and its cpu gauge leaves the warning band (no ! on its row: $row)" no_warning "$row"
keys sim Enter
check "the detail says api's bounds come from the config's rule (it has no autoscaler)" \
    see sim "3..20 (from the rule in the config)"

# ---- a failing and a hung source: marked, and the keys never wait ----------------------
start failing 100 30 FORGETOP_TEST_SOURCE=fail --
check "a failing source is marked with its error in the header" wait_for 10 shows failing "refused on purpose"
check "the failing source carries the failing glyph, not colour alone" see failing "testsrc ✗"
start hung 100 30 FORGETOP_TEST_SOURCE=hang --
wait_for 10 shows hung "QUEUE"
TM send-keys -t hung '?'; sleep 0.3
check "with a hung source, ? opens help within 0.3 s" shows hung "Keys."
check "the hung source is marked as giving no answer" wait_for 30 shows hung "no answer"

finish
