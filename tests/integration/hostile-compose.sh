#!/usr/bin/env bash
# hostile-compose.sh - the fault proxy (tests/fakes/http_fault.py) on a unix socket in front
# of the fake Docker Engine gives the compose source a huge answer (50 MiB of valid JSON, no
# Content-Length), a trickled one (a byte every 200 ms) and one of the wrong shape (a JSON
# list where the engine answers an object, and a list of scalars where it lists
# containers). For each, as hostile-http.sh asks of the HTTP sources: `--once --json` stays
# within the RSS budget, ends within the timeout, names what failed in words and keeps the
# other sources (kube, health) ok; the live dashboard marks compose failing within one
# interval plus the timeout (+ slack), the others stay fresh, its RSS comes back within two
# polls, and nothing reaches stderr.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../fakes/kube_env.sh"
DIR=${HOSTILE_DIR:-$(scratch)}
FAULT="$ROOT/tests/fakes/http_fault.py"
INTERVAL=2 TIMEOUT=4 # connect_timeout 2 + request_timeout 2, as hostile-http.sh
SLACK=3
[ -n "${FORGETOP_ASAN:-}" ] && SLACK=5
limit=65536 # the 64 MB budget; ASan's shadow and quarantine add their own
[ -n "${FORGETOP_ASAN:-}" ] && limit=196608

# The project: two api replicas and a worker, on the fake engine's own socket.
cat >"$DIR/state.json" <<JSON
{"project": "forge", "containers": [
 {"service": "api", "number": 1, "health": "healthy", "cpus_limit": 1, "mem_limit": 536870912,
  "cpu": 0.5, "mem": 201326592},
 {"service": "api", "number": 2, "health": "healthy", "cpus_limit": 1, "mem_limit": 536870912,
  "cpu": 0.25, "mem": 100663296},
 {"service": "worker", "number": 1, "cpu": 0.1, "mem": 33554432}]}
JSON
python3 "$ROOT/tests/fakes/docker_engine.py" --socket "$DIR/engine.sock" --state "$DIR/state.json" \
    >"$DIR/engine.out" 2>&1 &
on_exit "kill $!"
echo pass >"$DIR/compose.mode"
python3 "$FAULT" --unix "$DIR/docker.sock" --upstream "unix:$DIR/engine.sock" \
    --mode-file "$DIR/compose.mode" >"$DIR/proxy.out" 2>&1 &
on_exit "kill $!"
HP=$(free_port)
python3 "$ROOT/tests/fakes/http_fixture.py" --port "$HP" &
on_exit "kill $!"
kube_fake_start "$DIR" --state "$ROOT/tests/fixtures/kube-open-forge.json" || not_ok "the fake API server starts"
check "the proxy relays to the engine's socket" wait_for 10 sh -c \
    "curl -sf --unix-socket '$DIR/docker.sock' http://docker/version | grep -q ApiVersion"
check "the health endpoint answers" wait_for 10 curl -sfo /dev/null "http://127.0.0.1:$HP/health/ready"

cat >"$DIR/forgetop.conf" <<CONF
[forgetop]
connect_timeout = 2
request_timeout = 2
poll_interval = $INTERVAL
[kube]
watch = false
[health]
url = http://127.0.0.1:$HP/health/ready
[compose]
enabled = true
project = forge
CONF
# huge: a request timeout long enough that the proxy sends past the cap before it, so the
# cap is what refuses it
sed 's/^request_timeout = 2$/request_timeout = 10/' "$DIR/forgetop.conf" >"$DIR/huge.conf"
ARGS=(--kubeconfig "$KUBECONFIG_FILE")
export XDG_STATE_HOME="$DIR/state" XDG_CONFIG_HOME="$DIR/xdg" DOCKER_HOST="unix://$DIR/docker.sock"
unset DOCKER_TLS_VERIFY DOCKER_CERT_PATH

state() { json_get "$1" "[s['state'] for s in d['sources'] if s['name'] == '$2'][0]"; }
base_ok() {
    "$BIN" --config "$DIR/forgetop.conf" "${ARGS[@]}" --once --json >"$DIR/base.json" 2>"$DIR/base.err" &&
        [ "$(state "$DIR/base.json" compose) $(state "$DIR/base.json" kube) $(state "$DIR/base.json" health)" = "ok ok ok" ]
}
check "through the proxy every source is ok" wait_for 20 base_ok
expect_eq "compose lists the project's services through the proxy" "api worker" \
    "$(json_get "$DIR/base.json" "' '.join(sorted(s['name'] for s in d['services'] if s['source'] == 'compose'))")"

# ---- --once --json: what each fault cost ----
for f in huge trickle shape; do
    echo "$f" >"$DIR/compose.mode"
    conf=$DIR/forgetop.conf tmo=$TIMEOUT
    [ "$f" = huge ] && conf=$DIR/huge.conf tmo=12
    read -r secs kib < <(run_measured "$DIR/$f.json" "$BIN" --config "$conf" "${ARGS[@]}" --once --json)
    echo pass >"$DIR/compose.mode"
    err=$(json_get "$DIR/$f.json" "[s['error'] for s in d['sources'] if s['name'] == 'compose'][0]")
    diag "compose $f: ${secs}s, peak RSS ${kib} KiB: $err"
    check "compose $f: peak RSS within $((limit / 1024)) MB (${kib} KiB)" test "${kib:-999999}" -lt "$limit"
    check "compose $f: --once ends within the timeout + slack (${secs}s)" \
        awk -v s="$secs" -v d=$((tmo + SLACK)) 'BEGIN { exit !(s <= d) }'
    case $f in
    huge) want="GET /version: response larger than 16 MiB" ;;
    trickle) want="GET /version: timed out after 2 s" ;;
    shape) want="GET /version: not a JSON object" ;;
    esac
    check "compose $f: the error says what failed in words" grep -qF "$want" <<<"$err"
    expect_eq "compose $f: the other sources stay ok" "ok ok" \
        "$(state "$DIR/$f.json" kube) $(state "$DIR/$f.json" health)"
done

# ---- the live dashboard: failing within one interval plus the timeout, the rest fresh ----
# Once compose has its API version it asks no more for it: the faults meet the container
# list, so the wrong shape there is a list of scalars, not containers.
SOCK="forgetop-hcompose-$$"
on_exit "tmux -L '$SOCK' kill-server 2>/dev/null"
TM() { tmux -L "$SOCK" -f /dev/null "$@"; }
TM new-session -d -s d -x 200 -y 50 \
    "exec env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color DOCKER_HOST='$DOCKER_HOST' '$BIN' --config '$DIR/forgetop.conf' ${ARGS[*]} 2>'$DIR/live.err'"
PID=$(TM display -p -t d '#{pane_pid}')
screen() { TM capture-pane -p -t d; }
fresh() { screen | sed -n 2p | grep -qE "(^| )$1 ✓"; }
unfresh() { screen | sed -n 2p | grep -qE "(^| )$1 [~✗]"; }
shows() { screen | grep -qE -- "$1"; }
all_fresh() { fresh compose && fresh kube && fresh health && shows ' api +2/2 '; }
kib() { awk "/$1/ {print \$2}" "/proc/$PID/status"; }
check "live: every source is fresh through the proxy" wait_for 30 all_fresh
sleep "$INTERVAL"
base=$(kib VmRSS)
DEADLINE=$((INTERVAL + TIMEOUT + SLACK))
rss_slack=8192
[ -n "${FORGETOP_ASAN:-}" ] && rss_slack=$((limit - base))
for f in trickle shape huge; do
    t0=$(date +%s.%N)
    echo "$f" >"$DIR/compose.mode"
    case $f in
    trickle) w="timed out after 2 s" ;;
    shape) w="expected a list of containers" ;;
    huge) w="larger than 16 MiB" ;;
    esac
    if wait_for $((DEADLINE + 10)) unfresh compose; then
        took=$(echo "$(date +%s.%N) - $t0" | bc)
        diag "live compose $f: failing after ${took}s: $(screen | sed -n 2p | sed 's/  */ /g')"
        check "live compose $f: failing within $INTERVAL + $TIMEOUT + slack $SLACK s (${took}s)" \
            awk -v s="$took" -v d="$DEADLINE" 'BEGIN { exit !(s <= d) }'
        check "live compose $f: the header says why ($w)" shows "compose [~✗].*$w"
    else
        not_ok "live compose $f: marked failing"
        screen | head -3 | sed 's/^/# /'
    fi
    if fresh kube && fresh health; then
        ok "live compose $f: the other sources stay fresh"
    else
        not_ok "live compose $f: the other sources stay fresh"
        screen | sed -n 2p | sed 's/^/# /'
    fi
    echo pass >"$DIR/compose.mode"
    check "live compose $f: fresh again once the engine answers well" wait_for $((DEADLINE + 10)) all_fresh
    sleep $((2 * INTERVAL))
    rss=$(kib VmRSS)
    check "live compose $f: two polls after, RSS within $((rss_slack / 1024)) MB of its baseline (${rss} vs ${base} KiB)" \
        test "$rss" -lt $((base + rss_slack))
done
hwm=$(kib VmHWM)
diag "live: baseline RSS ${base} KiB; peak ${hwm} KiB"
check "live: peak RSS over all cases within $((limit / 1024)) MB (${hwm} KiB)" test "$hwm" -lt "$limit"
check "live: nothing on stderr" test ! -s "$DIR/live.err"
finish
