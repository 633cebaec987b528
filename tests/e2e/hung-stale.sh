#!/usr/bin/env bash
# hung-stale.sh - a hung source is stale at its first missed deadline (one poll interval
# plus its timeout), with its age and its error on its panels, the header and `S`, while
# the others stay live. In tmux: a real redis-server and a real Prometheus (a hung HTTP
# server) stopped with SIGSTOP, and the test source hung past its own timeout, beside a
# health endpoint that keeps answering.
source "$(dirname "$0")/../lib.sh"

S=$(scratch)
SOCK="forgetop-e2e-hung-$$"
TM() { tmux -L "$SOCK" -f /dev/null "$@"; }
on_exit "tmux -L '$SOCK' kill-server"
INTERVAL=2 TIMEOUT=2 # connect_timeout 1 + request_timeout 1
# What a redraw and a capture add on a loaded machine; the sanitized binary is slower.
SLACK=2
[ -n "${FORGETOP_ASAN:-}" ] && SLACK=4
DEADLINE=$((INTERVAL + TIMEOUT + SLACK))

RP=$(free_port)
redis-server --port "$RP" --bind 127.0.0.1 --save '' --appendonly no --dir "$S" >"$S/redis.log" 2>&1 &
RPID=$!
on_exit "kill -CONT $RPID; kill -9 $RPID"
check "redis-server starts" wait_for 10 sh -c "redis-cli -p $RP ping 2>/dev/null | grep -q PONG"
redis-cli -p "$RP" rpush agent:tasks:pending a b c >/dev/null

PP=$(free_port)
printf 'global:\n  scrape_interval: 1s\nscrape_configs: []\n' >"$S/prometheus.yml"
prometheus --config.file="$S/prometheus.yml" --storage.tsdb.path="$S/tsdb" \
    --web.listen-address="127.0.0.1:$PP" >"$S/prometheus.log" 2>&1 &
PPID_=$!
on_exit "kill -CONT $PPID_; kill $PPID_"
check "Prometheus starts" wait_for 30 curl -sfo /dev/null "http://127.0.0.1:$PP/-/ready"

HP=$(free_port)
python3 "$(dirname "$0")/../fakes/http_fixture.py" --port "$HP" &
on_exit "kill $!"
check "the health endpoint answers" wait_for 10 curl -sfo /dev/null "http://127.0.0.1:$HP/health/ready"

echo ok >"$S/mode"
cat >"$S/forgetop.conf" <<CONF
[forgetop]
connect_timeout = 1
request_timeout = 1
poll_interval = $INTERVAL
[health]
url = http://127.0.0.1:$HP/health/ready
CONF
TM new-session -d -s d -x 160 -y 40 \
    "env XDG_STATE_HOME='$S/state' FORGETOP_TEST_SOURCE_FILE='$S/mode' LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color '$BIN' --config '$S/forgetop.conf' --redis redis://127.0.0.1:$RP --prometheus http://127.0.0.1:$PP; sleep 60"
screen() { TM capture-pane -p -t d; }
# header NAME STATE: NAME's item on the sources line is fresh (✓) or stale (~)
header() {
    local mark='✓'
    [ "$2" = stale ] && mark='~ [0-9]+s stale'
    screen | sed -n 2p | grep -qE "(^| )$1 $mark"
}
panel_title() { screen | grep -oE "$1 [^ ]* ?stale[^·]*" | head -1; }
all_fresh() { header redis ok && header prometheus ok && header testsrc ok && header health ok; }
if wait_for 30 all_fresh; then ok "every source is fresh"; else
    not_ok "every source is fresh"
    screen | sed 's/^/# /'
fi

# ---- hang all three at once ----
t0=$(date +%s.%N)
kill -STOP "$RPID" "$PPID_"
echo hang >"$S/mode"
all_stale() { header redis stale && header prometheus stale && header testsrc stale; }
if wait_for $((DEADLINE + 5)) all_stale; then
    took=$(echo "$(date +%s.%N) - $t0" | bc)
    ok "SIGSTOPped redis, SIGSTOPped Prometheus and a hung source are marked stale"
    check "...within one interval plus the timeout ($took s, bound $INTERVAL + $TIMEOUT + slack $SLACK)" \
        awk -v s="$took" -v d="$DEADLINE" 'BEGIN { exit !(s <= d) }'
else
    not_ok "SIGSTOPped redis, SIGSTOPped Prometheus and a hung source are marked stale"
    screen | sed 's/^/# /'
fi
check "the health source stays live beside them" header health ok
check "the HEALTH panel is not stale" sh -c "! tmux -L '$SOCK' capture-pane -p -t d | grep -q 'HEALTH [^ ]* stale'"
title=$(panel_title REDIS)
diag "redis panel: $title"
check "the REDIS panel says stale, its age and why" grep -qE "^REDIS ~ stale [0-9]+s: .*(timed out|no answer)" <<<"$title"
sleep "$TIMEOUT"
TM send-keys -t d S
see() { wait_for 10 sh -c "tmux -L '$SOCK' capture-pane -p -t d | grep -qE -- '$1'"; }
check "S: the hung test source says for how long nothing answered" see "no answer for [0-9]+ s"
check "S: redis is stale or failing with its error" see "^redis +(stale|failing) +[0-9]+s +2s"
diag "$(screen | sed -n 3,14p)"
TM send-keys -t d q

# ---- resumed: fresh again ----
kill -CONT "$RPID" "$PPID_"
echo ok >"$S/mode"
if wait_for $((DEADLINE + 5)) all_fresh; then ok "resumed, every source is fresh again"; else
    not_ok "resumed, every source is fresh again"
    screen | sed 's/^/# /'
fi
finish
