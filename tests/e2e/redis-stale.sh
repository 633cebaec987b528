#!/usr/bin/env bash
# redis-stale.sh - nothing on screen lies when redis dies: the real binary in tmux against
# a real redis-server. Killed, every queue and redis figure carries the stale mark within
# two poll intervals; restarted, they are fresh again within one. And with a real
# Prometheus that lacks the queue's series beside it, queue_depth still comes from redis.
source "$(dirname "$0")/../lib.sh"

S=$(scratch)
SOCK="forgetop-e2e-stale-$$"
TM() { tmux -L "$SOCK" -f /dev/null "$@"; }
on_exit "tmux -L '$SOCK' kill-server"
INTERVAL=1 # -d 1: redis is polled every second
# What a redraw and a capture add to the intervals on a loaded machine: the sanitized
# binary (make asan) is several times slower, so it gets more.
SLACK=1
[ -n "${FORGETOP_ASAN:-}" ] && SLACK=2

P=$(free_port)
rstart() {
    redis-server --port "$P" --bind 127.0.0.1 --save '' --appendonly no --dir "$S" \
        >>"$S/redis.log" 2>&1 &
    RPID=$!
    on_exit "kill -9 $RPID"
}
up() { [ "$(redis-cli -h 127.0.0.1 -p "$P" ping 2>/dev/null)" = PONG ]; }
fill() { redis-cli -h 127.0.0.1 -p "$P" eval "redis.call('del', KEYS[1]); for i=1,1500 do redis.call('rpush', KEYS[1], i) end" 1 agent:tasks:pending >/dev/null; }
rstart
check "redis-server starts" wait_for 10 up
fill

TM new-session -d -s dash -x 80 -y 24 \
    "env -u NO_COLOR XDG_STATE_HOME='$S/state' XDG_CONFIG_HOME='$S/config' LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color '$BIN' --redis redis://127.0.0.1:$P -d $INTERVAL; sleep 60"
screen() { TM capture-pane -p -t dash; }
# panels STATE: every figure of the QUEUE (left half) and REDIS (right half) panels is
# STATE (stale: its line ends with the stale glyph and the title says stale; fresh: none
# does). Prints what it saw when it fails.
panels() {
    screen >"$S/screen.txt"
    python3 - "$1" "$S/screen.txt" <<'PY'
import sys
want, lines = sys.argv[1], open(sys.argv[2], encoding="utf-8").read().split("\n")
def panel(title, x0, x1):
    rows = [l[x0:x1] for l in lines]
    start = next((i for i, r in enumerate(rows) if r.startswith(title)), None)
    if start is None:
        return None, []
    body = []
    for r in rows[start + 1:]:
        if not r.strip() or not r.startswith(" "):
            break
        body.append(r.rstrip())
    return rows[start], body
ok = True
for title, x0, x1 in (("QUEUE", 0, 39), ("REDIS", 40, 79)):
    head, body = panel(title, x0, x1)
    if head is None or not body:
        print("no %s panel" % title); ok = False; continue
    stale = [b.endswith("~") for b in body]
    if want == "stale":
        ok &= "stale" in head and all(stale)
    else:
        ok &= "stale" not in head and not any(stale)
    print("%s: %r %r" % (title, head.strip(), body))
sys.exit(0 if ok else 1)
PY
}
if wait_for 15 panels fresh; then ok "the queue and redis panels are drawn, fresh"; else not_ok "the queue and redis panels are drawn, fresh"; screen | sed 's/^/# /'; fi
check "the queue panel shows the list's depth" bash -c "tmux -L '$SOCK' capture-pane -p -t dash | grep -q '1500 (list)'"

# ---- killed: stale within two intervals ----
t0=$(date +%s.%N)
kill -9 "$RPID"
if wait_for 10 panels stale; then
    took=$(echo "$(date +%s.%N) - $t0" | bc)
    ok "killed: every queue and redis figure carries the stale mark"
    check "...within two poll intervals ($took s, slack $SLACK s)" \
        awk -v s="$took" -v i="$INTERVAL" -v k="$SLACK" 'BEGIN { exit !(s <= 2 * i + k) }'
else
    not_ok "killed: every queue and redis figure carries the stale mark"
    panels stale | sed 's/^/# /'
fi
check "the stale queue figure is its last value, not 0" bash -c "tmux -L '$SOCK' capture-pane -p -t dash | grep -q '1500 (list)  ~'"

# ---- restarted: fresh within one interval ----
rstart
wait_for 10 up
fill
t0=$(date +%s.%N)
if wait_for 10 panels fresh; then
    took=$(echo "$(date +%s.%N) - $t0" | bc)
    ok "restarted: the figures are fresh again"
    check "...within one poll interval ($took s, slack $SLACK s)" \
        awk -v s="$took" -v i="$INTERVAL" -v k="$SLACK" 'BEGIN { exit !(s <= i + k) }'
else
    not_ok "restarted: the figures are fresh again"
    panels fresh | sed 's/^/# /'
fi

# ---- Prometheus without the series: the queue depth stays redis's ----
PP=$(free_port)
cat >"$S/prometheus.yml" <<CONF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs: []
CONF
prometheus --config.file="$S/prometheus.yml" --storage.tsdb.path="$S/tsdb" \
    --web.listen-address="127.0.0.1:$PP" >"$S/prometheus.log" 2>&1 &
on_exit "kill $!"
check "Prometheus starts, with no redis_queue_length series" \
    wait_for 20 curl -sf "http://127.0.0.1:$PP/-/ready"
timeout 30 "$BIN" --redis "redis://127.0.0.1:$P" --prometheus "http://127.0.0.1:$PP" --once --json \
    >"$S/once.json" 2>"$S/once.err"
expect_eq "both sources are ok" "prometheus ok|redis ok" \
    "$(json_get "$S/once.json" "'|'.join(sorted(s['name'] + ' ' + s['state'] for s in d['sources']))")"
expect_eq "queue_depth is redis's 1500, warning, though Prometheus prefers itself and has no series" \
    "1500 warning redis" \
    "$(json_get "$S/once.json" "' '.join('%d %s %s' % (m['value'], m['band'], m['from']) for m in d['metrics'] if m['id'] == 'queue_depth')")"
expect_eq "the queue panel agrees" "1500 (list) warning fresh" \
    "$(json_get "$S/once.json" "' '.join(f['display'] + ' ' + f['band'] + ' ' + f['state'] for f in d['facts'] if f['label'] == 'agent:tasks:pending')")"
finish
