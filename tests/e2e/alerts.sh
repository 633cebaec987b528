#!/usr/bin/env bash
# alerts.sh - what the operator is told, in a real terminal: `A` lists forgetop's own
# firing metric beside the sources' alerts (tmux, the demo); a new critical rings the
# bell and names itself in the window title once, not each frame (a pty, read byte by
# byte); off by default.
source "$(dirname "$0")/../lib.sh"

S=$(scratch)
SOCK="forgetop-alerts-$$"
TM() { tmux -L "$SOCK" -f /dev/null "$@"; }
on_exit "tmux -L '$SOCK' kill-server"
screen() { TM capture-pane -p -t "$1"; }
shows() { screen "$1" | grep -qF -- "$2"; }
see() { wait_for 10 shows "$@"; }

# DB connections critical at once (for: none, so firing at once); nothing else can be.
conf() { # FILE [forgetop keys...]
    { printf '[forgetop]\n'; for kv in "${@:2}"; do printf '%s\n' "$kv"; done
      for m in cpu memory latency_p99 queue_depth; do
          printf '[metric %s]\nwarning = 1000000\ncritical = 2000000\n' "$m"
      done
      printf '[metric db_connections]\nwarning = -2\ncritical = -1\n'; } >"$1"
}
conf "$S/crit.conf"
TM new-session -d -s a -x 100 -y 30 \
    "env -u NO_COLOR XDG_STATE_HOME='$S/state' LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color '$BIN' --demo --seed 1 -d 1 --config '$S/crit.conf'; sleep 60"
check "the overview shows DB connections FIRING" \
    wait_for 10 sh -c "tmux -L '$SOCK' capture-pane -p -t a | grep -qE 'DB connections .* FIRING'"
TM send-keys -t a A
check "A opens the alerts screen" see a "SEVERITY"
check "A lists forgetop's own firing metric with its source" \
    wait_for 10 sh -c "tmux -L '$SOCK' capture-pane -p -t a | grep -qE '^DB connections +FIRING +critical +[0-9a-z]+ +forgetop'"
check "its summary has the value, the glyph and the threshold" \
    wait_for 10 sh -c "tmux -L '$SOCK' capture-pane -p -t a | grep -qE 'forgetop +[0-9]+% !! > -1%'"
if shows a "no alerts"; then not_ok "A no longer says no alerts"; else ok "A no longer says no alerts"; fi

# ptyrun SECONDS CONFIG : every byte forgetop writes to its terminal in that time.
ptyrun() {
    python3 - "$1" "$BIN" --demo --seed 1 -d 0.25 --config "$2" <<'PY'
import os, pty, select, signal, sys, time
secs, argv = float(sys.argv[1]), sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.environ.update(TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8", COLUMNS="100", LINES="30")
    os.environ.pop("NO_COLOR", None)
    os.execv(argv[0], argv)
import fcntl, struct, termios
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
out, end = b"", time.monotonic() + secs
while time.monotonic() < end:
    r, _, _ = select.select([fd], [], [], 0.1)
    if r:
        try:
            out += os.read(fd, 65536)
        except OSError:
            break
os.write(fd, b"q")
end = time.monotonic() + 5 # what it writes as it leaves counts too (the title given back)
while time.monotonic() < end:
    r, _, _ = select.select([fd], [], [], 0.1)
    if r:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
if os.waitpid(pid, os.WNOHANG) == (0, 0):
    os.kill(pid, signal.SIGTERM)
    os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
PY
}
conf "$S/bell.conf" "alert_bell = true" "alert_title = true"
ptyrun 4 "$S/bell.conf" >"$S/bell.out"
frames=$(grep -c 'DB connections' "$S/bell.out")
bells=$(python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); print(d.count(b"\a"))' "$S/bell.out")
expect_eq "alert_bell: one BEL for the new critical, in 4 s of frames at 0.25 s" 1 "$bells"
titles=$(python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); print(d.count(b"\x1b]2;forgetop: CRITICAL DB connections"))' "$S/bell.out")
expect_eq "alert_title: the title names the critical once" 1 "$titles"
check "the title is ended by ST, not BEL (so it rings nothing)" \
    python3 -c 'import re,sys; d=open(sys.argv[1],"rb").read(); sys.exit(not re.search(rb"\x1b\]2;forgetop: CRITICAL DB connections database [0-9]+%\x1b\\", d))' "$S/bell.out"
check "the operator's title is saved before the first change and given back after the last" \
    python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); push=d.find(b"\x1b[22;2t"); t=d.find(b"\x1b]2;"); pop=d.rfind(b"\x1b[23;2t"); sys.exit(not (0 <= push < t <= d.rfind(b"\x1b]2;") < pop and d.count(b"\x1b[22;2t") == 1))' "$S/bell.out"
# A title from the configuration (or a name from a server) never writes an escape.
conf "$S/evil.conf" "alert_title = true"
printf 'title = DB\033]0;pwned\007x\n' >>"$S/evil.conf"
ptyrun 2 "$S/evil.conf" >"$S/evil.out"
check "the title is sanitised: the escape inside it arrives as ?" \
    python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); sys.exit(not (b"\x1b]2;forgetop: CRITICAL DB?]0;pwned?x" in d and b"\x1b]0;pwned" not in d))' "$S/evil.out"
conf "$S/quiet.conf"
ptyrun 2 "$S/quiet.conf" >"$S/quiet.out"
check "the quiet run drew its frames (the counts below can fail)" grep -q "DB connections" "$S/quiet.out"
expect_eq "off by default: no BEL" 0 "$(python3 -c 'import sys; print(open(sys.argv[1],"rb").read().count(b"\a"))' "$S/quiet.out")"
expect_eq "off by default: no title" 0 "$(python3 -c 'import sys; print(open(sys.argv[1],"rb").read().count(b"\x1b]2;"))' "$S/quiet.out")"
expect_eq "off by default: the title stack is left alone" 0 "$(python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); print(d.count(b"\x1b[22;2t") + d.count(b"\x1b[23;2t"))' "$S/quiet.out")"

finish
