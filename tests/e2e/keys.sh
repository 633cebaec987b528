#!/usr/bin/env bash
# keys.sh - every escape form a terminal sends for the cursor, editing and function keys
# reaches forgetop as that key, whatever the terminfo entry lists: first through a probe
# that prints what curses decodes (and, as the control, what terminfo alone gives), then in
# the real dashboard in tmux (raw bytes in one write each; the selection must move). The
# mouse: a click selects a service or a metric, the wheel moves, a click on the function
# bar runs its action through the dispatcher (refused in read-only mode), a report cut
# short or many clicks never freeze the screen, mouse = false leaves the mouse to the
# terminal.
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
S=$(scratch)
SOCK="forgetop-keys-$$"
TM() { tmux -L "$SOCK" -f /dev/null "$@"; }
on_exit "tmux -L '$SOCK' kill-server"
ENVS="env -u NO_COLOR -u FORGETOP_READ_ONLY XDG_STATE_HOME='$S/state' XDG_CONFIG_HOME='$S/config' LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color"
name() { echo "ESC ${1#\\033}"; }                   # name '\033[A' : "ESC [A"
# raw SESSION BYTES : BYTES to the pane in one write, as a terminal sends a key or a mouse
# report. send-keys -H writes byte by byte, so a loaded machine can split a sequence past
# the 25 ms escape delay and the test would see ESC, [, < ... as keys of their own.
raw() { TM set-buffer -b raw -- "$2" && TM paste-buffer -d -r -b raw -t "$1"; }

# ---- the probe: each form, one key --------------------------------------------------------
probe=$(probe_path keys_probe) || { not_ok "keys_probe builds"; finish; }
run_probe() { # run_probe NAME OUT [--terminfo-only]
    rm -f "$2"
    TM new-session -d -s "$1" -x 80 -y 24 "$ENVS '$probe' '$2' $3; sleep 30"
    wait_for 10 sh -c "tmux -L '$SOCK' capture-pane -p -t '$1' | grep -q ready"
}
# send_form SESSION OUT SEQ... : send one form, wait until the probe has written a line more.
send_form() {
    local s=$1 out=$2 n; shift 2
    n=$(wc -l <"$out" 2>/dev/null || echo 0)
    raw "$s" "$(printf "$@")"
    wait_for 5 sh -c "[ \$(wc -l <'$out') -gt $n ]"
}
FORMS=(
    '\033[A' KEY_UP '\033OA' KEY_UP '\033[B' KEY_DOWN '\033OB' KEY_DOWN
    '\033[C' KEY_RIGHT '\033OC' KEY_RIGHT '\033[D' KEY_LEFT '\033OD' KEY_LEFT
    '\033[H' KEY_HOME '\033[1~' KEY_HOME '\033OH' KEY_HOME
    '\033[F' KEY_END '\033[4~' KEY_END '\033OF' KEY_END
    '\033[5~' KEY_PPAGE '\033[6~' KEY_NPAGE
    '\033OP' 'KEY_F(1)' '\033OQ' 'KEY_F(2)' '\033OR' 'KEY_F(3)' '\033OS' 'KEY_F(4)'
    '\033[11~' 'KEY_F(1)' '\033[12~' 'KEY_F(2)' '\033[13~' 'KEY_F(3)' '\033[14~' 'KEY_F(4)'
    '\033[15~' 'KEY_F(5)' '\033[17~' 'KEY_F(6)' '\033[18~' 'KEY_F(7)' '\033[19~' 'KEY_F(8)'
    '\033[20~' 'KEY_F(9)' '\033[21~' 'KEY_F(10)'
)
run_probe probe "$S/keys.out" || not_ok "the probe starts in tmux"
for ((i = 0; i < ${#FORMS[@]}; i += 2)); do
    seq=${FORMS[i]} want=${FORMS[i + 1]}
    send_form probe "$S/keys.out" "$seq"
    got=$(tail -1 "$S/keys.out")
    expect_eq "$(name "$seq") reads as $want" "$want" "$got"
done
expect_eq "each form read as one key (no stray Escape)" "$((${#FORMS[@]} / 2))" "$(wc -l <"$S/keys.out")"
# Control: without keys_define the CSI arrow on xterm-256color (kcuu1=\EOA) is three keys.
run_probe control "$S/control.out" --terminfo-only
send_form control "$S/control.out" '\033[A'
wait_for 2 sh -c "[ \$(wc -l <'$S/control.out') -ge 3 ]"
expect_eq "control: terminfo alone reads ESC [ A as Escape, [ and A" "^[ [ A" \
    "$(tr '\n' ' ' <"$S/control.out" | sed 's/ $//')"

# ---- the dashboard: the selection moves ---------------------------------------------------
start() { # start NAME ARGS...
    local name=$1; shift
    TM new-session -d -s "$name" -x 100 -y 30 "$ENVS '$BIN' --demo --seed 1 -d 1 $*; echo \$? >'$S/$name.exit'; sleep 60"
    wait_for 10 sh -c "tmux -L '$SOCK' capture-pane -p -t '$name' | grep -q QUEUE"
}
screen() { TM capture-pane -p -t "$1"; }
selected() { screen "$1" | sed -n 's/^▶ *\([^ ]*\).*/\1/p' | head -1; }
# moves SESSION WANT DESC SEQ : send SEQ raw, wait for WANT to be the selected row.
moves() {
    raw "$1" "$(printf "$4")"
    if wait_for 5 sh -c "[ \"\$(tmux -L '$SOCK' capture-pane -p -t '$1' | sed -n 's/^▶ *\([^ ]*\).*/\1/p' | head -1)\" = '$2' ]"; then
        ok "$3"
    else
        not_ok "$3 (want $2, selected $(selected "$1"))"
    fi
}
start rw || not_ok "the dashboard starts"
mapfile -t rows < <(screen rw | sed -n '/SERVICE/,/METRIC/p' | sed -n 's/^.  *\([a-z][^ ]*\) .*/\1/p')
last=$((${#rows[@]} - 1))
check "the demo lists several services (${#rows[@]})" test "$last" -ge 3
expect_eq "the first service is selected at start" "${rows[0]}" "$(selected rw)"
moves rw "${rows[1]}" "ESC [ B (CSI down) moves the selection down" '\033[B'
moves rw "${rows[2]}" "ESC O B (SS3 down) moves it down" '\033OB'
moves rw "${rows[1]}" "ESC [ A (CSI up) moves it up" '\033[A'
moves rw "${rows[0]}" "ESC O A (SS3 up) moves it up" '\033OA'
i=0
for f in '\033[F' '\033[H' '\033[4~' '\033[1~' '\033OF' '\033OH'; do
    if ((i % 2 == 0)); then want=${rows[last]} what=End; else want=${rows[0]} what=Home; fi
    moves rw "$want" "$(name "$f") ($what) selects the ${want}" "$f"
    i=$((i + 1))
done
moves rw "${rows[last]}" "ESC [ 6 ~ (PgDn) moves ten down: the last" '\033[6~'
moves rw "${rows[0]}" "ESC [ 5 ~ (PgUp) moves ten up: the first" '\033[5~'
for f in '\033OP' '\033[11~'; do
    raw rw "$(printf "$f")"
    check "$(name "$f") (F1) opens the help" \
        wait_for 5 sh -c "tmux -L '$SOCK' capture-pane -p -t rw | grep -q '^Keys\.'"
    TM send-keys -t rw Escape
    wait_for 5 sh -c "tmux -L '$SOCK' capture-pane -p -t rw | grep -q QUEUE"
done

# ---- the mouse -------------------------------------------------------------------------
# SGR reports (forgetop asks the terminal for them: 1000 + 1006): ESC [ < b ; x ; y M, 1-based.
sgr() { raw "$1" "$(printf '\033[<%s;%s;%sM' "$2" "$3" "$4")"; }
clickat() { sgr "$1" 0 "$2" "$3"; raw "$1" "$(printf '\033[<0;%s;%sm' "$2" "$3")"; }
expect_eq "the dashboard asks the terminal for the mouse" "1 1" \
    "$(TM display -p -t rw '#{mouse_any_flag} #{mouse_sgr_flag}')"
y=$(screen rw | grep -n " ${rows[2]} " | head -1 | cut -d: -f1)
clickat rw 10 "$y"
check "a click on the row of ${rows[2]} selects it" \
    wait_for 5 sh -c "tmux -L '$SOCK' capture-pane -p -t rw | grep -q '^▶ *${rows[2]} '"
sgr rw 65 10 "$y"
check "the wheel down over the services moves the selection down" \
    wait_for 5 sh -c "tmux -L '$SOCK' capture-pane -p -t rw | grep -q '^▶ *${rows[3]} '"
sgr rw 64 10 "$y"
check "the wheel up moves it back up" \
    wait_for 5 sh -c "tmux -L '$SOCK' capture-pane -p -t rw | grep -q '^▶ *${rows[2]} '"
y=$(screen rw | grep -n "Memory usage" | head -1 | cut -d: -f1)
clickat rw 10 "$y"
check "a click on a metric selects it (and the metrics panel)" \
    wait_for 5 sh -c "tmux -L '$SOCK' capture-pane -p -t rw | grep -q '^▶ *Memory usage'"
check "...and the services table no longer shows a selection" \
    bash -c "! tmux -L '$SOCK' capture-pane -p -t rw | sed -n '/SERVICE/,/METRIC/p' | grep -q '^▶'"
y=$(screen rw | grep -n "^ *SERVICE " | head -1 | cut -d: -f1)
clickat rw 1 "$y"
check "a click on the services header selects that panel (its selection shows again)" \
    wait_for 5 sh -c "tmux -L '$SOCK' capture-pane -p -t rw | sed -n '/SERVICE/,/METRIC/p' | grep -q '^▶ *${rows[2]} '"
check "...a click left of the titles leaves the order as it was" \
    bash -c "tmux -L '$SOCK' capture-pane -p -t rw | grep -q 'sort: source ▲'"

# ---- click a column title to sort, again to invert (as htop) ---------------------------
# names SESSION: the service names in the table's order
names() { screen "$1" | sed -n '/^ *SERVICE /,/METRIC/p' | sed -n 's/^.  *\([a-z][^ ]*\) .*/\1/p'; }
# title_x SESSION TITLE: the 1-based column of TITLE in the services header
title_x() { screen "$1" | grep "^ *SERVICE " | head -1 | awk -v t="$2" '{ print index($0, t) + 1 }'; }
# sorted_by SESSION CAPTION: wait for the caption to say CAPTION
sorted_by() { wait_for 5 sh -c "tmux -L '$SOCK' capture-pane -p -t '$1' | grep -q '$2'"; }
hy=$(screen rw | grep -n "^ *SERVICE " | head -1 | cut -d: -f1)
clickat rw "$(title_x rw SERVICE)" "$hy"
check "a click on SERVICE sorts by name, A to Z, and the caption says so" sorted_by rw 'sort: name ▲'
expect_eq "...the rows are in name order" "$(names rw | LC_ALL=C sort | tr '\n' ' ')" "$(names rw | tr '\n' ' ')"
clickat rw "$(title_x rw SERVICE)" "$hy"
check "a second click on SERVICE inverts: Z to A" sorted_by rw 'sort: name ▼'
expect_eq "...the rows are in reverse name order" "$(names rw | LC_ALL=C sort -r | tr '\n' ' ')" "$(names rw | tr '\n' ' ')"
check "...the selection stays on ${rows[2]} through both sorts" \
    bash -c "tmux -L '$SOCK' capture-pane -p -t rw | grep -q '^▶ *${rows[2]} '"
clickat rw "$(title_x rw READY)" "$hy"
check "a click on READY sorts by it, a number: highest first" sorted_by rw 'sort: ready ▼'
clickat rw "$(title_x rw READY)" "$hy"
check "...a second click inverts it" sorted_by rw 'sort: ready ▲'
clickat rw "$(title_x rw CPU)" "$hy"
check "a click on the CPU title sorts by cpu, highest first" sorted_by rw 'sort: cpu ▼'
top=$(names rw | head -1)
y=$(screen rw | grep -n " $top " | head -1 | cut -d: -f1)
clickat rw "$(title_x rw CPU)" "$y"
check "a click on a row under the title selects $top" \
    wait_for 5 sh -c "tmux -L '$SOCK' capture-pane -p -t rw | grep -q '^▶ *$top '"
check "...and does not sort" bash -c "tmux -L '$SOCK' capture-pane -p -t rw | grep -q 'sort: cpu ▼'"
bar=$(screen rw | tail -1)
x=$(($(awk -v b="$bar" 'BEGIN { print index(b, "?Help") }') + 1))
clickat rw "$x" 30
check "a click on ?Help in the function bar opens the help" \
    wait_for 5 sh -c "tmux -L '$SOCK' capture-pane -p -t rw | grep -q '^Keys\.'"
TM send-keys -t rw Escape

start ro -R || not_ok "the read-only dashboard starts"
bar=$(screen ro | tail -1)
x=$(($(awk -v b="$bar" 'BEGIN { print index(b, "+More") }') + 1))
clickat ro "$x" 30
check "read-only: a click on +More is refused as the key is" \
    wait_for 5 sh -c "tmux -L '$SOCK' capture-pane -p -t ro | grep -q 'scaling is disabled in read-only mode'"
check "...and opens no confirmation" bash -c "! tmux -L '$SOCK' capture-pane -p -t ro | grep -q 'Scale '"

# ---- a mouse report never freezes the dashboard ------------------------------------------
# ncurses' own decoder read() the rest of a report, blocking: one click could stop the
# screen for good. clock SESSION: the header's clock; ticks SESSION: it moves on within 5 s.
clock() { screen "$1" | head -1 | awk '{ print $NF }'; }
ticks() {
    local c; c=$(clock "$1")
    wait_for 5 sh -c "[ \"\$(tmux -L '$SOCK' capture-pane -p -t '$1' | head -1 | awk '{ print \$NF }')\" != '$c' ]"
}
shows() { wait_for 5 sh -c "tmux -L '$SOCK' capture-pane -p -t '$1' | grep -q '$2'"; }
raw ro "$(printf '\033[<0;21')"
check "a report cut short (ESC [ < 0 ; 21 and no more) leaves the screen updating" ticks ro
raw ro '?'
check "...and the next key acts: ? opens the help" shows ro '^Keys\.'
TM send-keys -t ro Escape
check "...Escape closes it" shows ro QUEUE
raw ro "$(printf '\033[<0;21?')"
check "a key in the same write as a report cut short still acts: ? opens the help" shows ro '^Keys\.'
TM send-keys -t ro Escape
shows ro QUEUE
tx=$(($(awk -v b="$bar" 'BEGIN { print index(b, "tTheme") }') + 1))
bad=0
for i in $(seq 20); do # a click on tTheme puts its own status, so each refusal is a new one
    clickat ro "$tx" 30
    shows ro 'theme [a-z]' || bad=$((bad + 1))
    clickat ro "$x" 30
    shows ro 'scaling is disabled in read-only mode' || bad=$((bad + 1))
done
expect_eq "20 clicks on +More, each after one on tTheme: every click answered on screen" 0 "$bad"
check "...no confirmation opened" bash -c "! tmux -L '$SOCK' capture-pane -p -t ro | grep -q 'Scale '"
check "...and the screen is still updating" ticks ro
raw ro q
check "q quits the read-only dashboard" wait_for 5 test -s "$S/ro.exit"
expect_eq "...and gives the terminal its mouse back (no reporting, no SGR)" "0 0" \
    "$(TM display -p -t ro '#{mouse_any_flag} #{mouse_sgr_flag}')"

# ---- Ctrl-Z in a shell with job control: while forgetop is stopped the shell has the mouse
# (no report reaches its prompt); fg gives forgetop the mouse and its screen back.
TM new-session -d -s job -x 100 -y 30 "env PS1='job\$ ' bash --norc --noprofile -i"
flags() { TM display -p -t job '#{mouse_any_flag} #{mouse_sgr_flag}'; }
wait_for 10 sh -c "tmux -L '$SOCK' capture-pane -p -t job | grep -q 'job\\$'"
TM send-keys -t job "$ENVS '$BIN' --demo --seed 1 -d 1" Enter
check "in a job-control shell the dashboard starts" \
    wait_for 10 sh -c "tmux -L '$SOCK' capture-pane -p -t job | grep -q QUEUE"
expect_eq "...and asks the terminal for the mouse" "1 1" "$(flags)"
TM send-keys -t job C-z
check "Ctrl-Z stops it and the shell says so" \
    wait_for 10 sh -c "tmux -L '$SOCK' capture-pane -p -t job | grep -q Stopped"
check "...and the stopped dashboard leaves the terminal no mouse reporting" \
    wait_for 5 sh -c "[ \"\$(tmux -L '$SOCK' display -p -t job '#{mouse_any_flag} #{mouse_sgr_flag}')\" = '0 0' ]"
TM send-keys -t job "fg" Enter
check "fg brings the dashboard back" \
    wait_for 10 sh -c "tmux -L '$SOCK' capture-pane -p -t job | grep -q QUEUE"
check "...with the mouse asked for again" \
    wait_for 5 sh -c "[ \"\$(tmux -L '$SOCK' display -p -t job '#{mouse_any_flag} #{mouse_sgr_flag}')\" = '1 1' ]"
raw job q
check "q then quits it, and the shell has the mouse" \
    wait_for 5 sh -c "[ \"\$(tmux -L '$SOCK' display -p -t job '#{mouse_any_flag} #{mouse_sgr_flag}')\" = '0 0' ]"

mkdir -p "$S/config/forgetop"
printf '[forgetop]\nmouse = false\n' >"$S/config/forgetop/forgetop.conf"
start nomouse || not_ok "the dashboard with mouse = false starts"
expect_eq "mouse = false: the terminal keeps the mouse" "0" "$(TM display -p -t nomouse '#{mouse_any_flag}')"
raw nomouse "$(printf '\033[21~')"
check "ESC [ 21 ~ (F10) quits" wait_for 5 test -s "$S/nomouse.exit"
expect_eq "...with status 0" "0" "$(cat "$S/nomouse.exit" 2>/dev/null)"
finish
