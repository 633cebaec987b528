#!/usr/bin/env bash
# hostile-wire.sh - the database sources against servers that trickle or flood: a real
# PostgreSQL and a real PgBouncer, each behind a relay (tests/fakes/pg_rewrite_proxy.py
# --mode-file) that, once told, sends their answers a byte every 200 ms, or answers a query
# with one 64 MiB row. A trickling server is never silent, so only a total deadline per
# request ends the wait; a flood is refused at the reply cap. `--once --json` ends within
# the timeouts and says so in words; the live dashboard marks the source failing within
# one interval plus its timeouts while the other stays fresh, is fresh again once the
# server answers whole, and its memory stays within the budget and comes back.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-postgres.sh"

DIR=$(scratch)
PROXY="$(dirname "$0")/../fakes/pg_rewrite_proxy.py"
INTERVAL=2 TIMEOUT=4 # connect_timeout 2 + request_timeout 2
SLACK=3
[ -n "${FORGETOP_ASAN:-}" ] && SLACK=5
pg_scratch_start "$DIR"
pgb_scratch_start "$DIR" "postgres = host=127.0.0.1 port=$PGP dbname=postgres user=postgres password=secret"

declare -A PORT UP=([postgres]=$PGP [pgbouncer]=$PGB)
for s in postgres pgbouncer; do
    PORT[$s]=$(free_port)
    echo pass >"$DIR/$s.mode"
    python3 "$PROXY" "${PORT[$s]}" "${UP[$s]}" --mode-file "$DIR/$s.mode" >"$DIR/$s.proxy" 2>&1 &
    on_exit "kill $! 2>/dev/null"
done
relays() { grep -q ready "$DIR/postgres.proxy" && grep -q ready "$DIR/pgbouncer.proxy"; }
check "both relays listen" wait_for 10 relays
ARGS=(--postgres "host=127.0.0.1 port=${PORT[postgres]} user=postgres password=secret dbname=postgres"
    --pgbouncer "host=127.0.0.1 port=${PORT[pgbouncer]} user=postgres dbname=pgbouncer")
cat >"$DIR/forgetop.conf" <<CONF
[forgetop]
connect_timeout = 2
request_timeout = 2
poll_interval = $INTERVAL
CONF
export XDG_STATE_HOME="$DIR/state" XDG_CONFIG_HOME="$DIR/xdg"
state() { json_get "$1" "[s['state'] for s in d['sources'] if s['name'] == '$2'][0]"; }
err() { json_get "$1" "[s['error'] for s in d['sources'] if s['name'] == '$2'][0]"; }
base_ok() {
    "$BIN" --config "$DIR/forgetop.conf" "${ARGS[@]}" --once --json >"$DIR/base.json" 2>"$DIR/base.err" &&
        [ "$(state "$DIR/base.json" postgres) $(state "$DIR/base.json" pgbouncer)" = "ok ok" ]
}
check "through the relays both sources are ok" wait_for 20 base_ok

# ---- --once --json on a server that trickles from its first byte
for s in postgres pgbouncer; do
    o=postgres; [ "$s" = postgres ] && o=pgbouncer
    echo trickle >"$DIR/$s.mode"
    read -r secs kib < <(run_measured "$DIR/$s.json" "$BIN" --config "$DIR/forgetop.conf" "${ARGS[@]}" --once --json)
    echo pass >"$DIR/$s.mode"
    e=$(err "$DIR/$s.json" "$s")
    diag "$s trickle: ${secs}s, peak RSS ${kib} KiB: $e"
    expect_eq "$s trickle: --once says the source failed" failing "$(state "$DIR/$s.json" "$s")"
    check "$s trickle: --once ends within the timeouts + slack (${secs}s)" \
        awk -v s="$secs" -v d=$((TIMEOUT + SLACK)) 'BEGIN { exit !(s <= d) }'
    check "$s trickle: the error says it timed out, in words" grep -qiE "timed out|no answer within" <<<"$e"
    expect_eq "$s trickle: $o stays ok" ok "$(state "$DIR/$s.json" "$o")"
done

# ---- --once --json on a server whose answer to the query is one 64 MiB row
limit=65536
[ -n "${FORGETOP_ASAN:-}" ] && limit=262144 # as hostile-postgres: ASan's shadow and quarantine
for s in postgres pgbouncer; do
    o=postgres; [ "$s" = postgres ] && o=pgbouncer
    echo huge >"$DIR/$s.mode"
    read -r secs kib < <(run_measured "$DIR/$s-huge.json" "$BIN" --config "$DIR/forgetop.conf" "${ARGS[@]}" --once --json)
    echo pass >"$DIR/$s.mode"
    e=$(err "$DIR/$s-huge.json" "$s")
    diag "$s huge: ${secs}s, peak RSS ${kib} KiB: $e"
    expect_eq "$s huge: --once says the source failed" failing "$(state "$DIR/$s-huge.json" "$s")"
    check "$s huge: refused with the cap in words" grep -q "reply over 8 MiB: refused" <<<"$e"
    check "$s huge: peak RSS within $((limit / 1024)) MB (${kib} KiB)" test "$kib" -lt "$limit"
    check "$s huge: --once ends within the timeouts + slack (${secs}s)" \
        awk -v s="$secs" -v d=$((TIMEOUT + SLACK)) 'BEGIN { exit !(s <= d) }'
    expect_eq "$s huge: $o stays ok" ok "$(state "$DIR/$s-huge.json" "$o")"
done

# ---- the live dashboard: a trickle that starts on a connection made while all was well
SOCK="forgetop-hwire-$$"
on_exit "tmux -L '$SOCK' kill-server 2>/dev/null"
TM() { tmux -L "$SOCK" -f /dev/null "$@"; }
TM new-session -d -s d -x 200 -y 50 \
    "exec env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color '$BIN' --config '$DIR/forgetop.conf' ${ARGS[*]@Q} 2>'$DIR/live.err'"
screen() { TM capture-pane -p -t d; }
fresh() { screen | sed -n 2p | grep -qE "(^| )$1 ✓"; }
unfresh() { screen | sed -n 2p | grep -qE "(^| )$1 [~✗]"; }
both_fresh() { fresh postgres && fresh pgbouncer; }
check "live: both sources are fresh through the relays" wait_for 30 both_fresh
DEADLINE=$((INTERVAL + TIMEOUT + SLACK))
PANE=$(TM display -p -t d '#{pane_pid}')
rss() { awk '/VmRSS/ {print $2}' "/proc/$PANE/status" 2>/dev/null; }
base=$(rss)
for m in trickle huge; do
    case $m in
    trickle) want="query: timed out after 2 s" why="the query's answer timed out, not the connect" ;;
    huge) want="query: reply over 8 MiB: refused" why="the reply was refused at the cap" ;;
    esac
    for s in postgres pgbouncer; do
        o=postgres; [ "$s" = postgres ] && o=pgbouncer
        t0=$(date +%s.%N)
        echo $m >"$DIR/$s.mode"
        if wait_for $((DEADLINE + 10)) unfresh "$s"; then
            took=$(echo "$(date +%s.%N) - $t0" | bc)
            diag "live $s $m: failing after ${took}s: $(screen | sed -n 2p | sed 's/  */ /g')"
            check "live $s $m: failing within $INTERVAL + $TIMEOUT + slack $SLACK s (${took}s)" \
                awk -v s="$took" -v d="$DEADLINE" 'BEGIN { exit !(s <= d) }'
            check "live $s $m: the error says $why" \
                wait_for 5 sh -c "tmux -L '$SOCK' capture-pane -p -t d | sed -n 2p | grep -qE '$s ~ [0-9]+s stale: [^·]*$want'"
        else
            not_ok "live $s $m: marked failing"
            screen | head -3 | sed 's/^/# /'
        fi
        check "live $s $m: $o stays fresh" fresh "$o"
        echo pass >"$DIR/$s.mode"
        check "live $s: fresh again once the server answers whole" wait_for $((DEADLINE + 10)) both_fresh
    done
done
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$PANE/status" 2>/dev/null) now=$(rss)
diag "live: RSS ${base} KiB before the faults, ${now} KiB after, peak ${hwm} KiB"
check "live: peak RSS over every fault within $((limit / 1024)) MB (${hwm} KiB)" test "${hwm:-999999}" -lt "$limit"
slack=4096
[ -n "${FORGETOP_ASAN:-}" ] && slack=$((limit - ${base:-0})) # ASan's quarantine keeps what was freed
check "live: RSS back within $((slack / 1024)) MB of where it was (${now} vs ${base} KiB)" \
    test "${now:-999999}" -lt $((${base:-0} + slack))
TM kill-server
check "live: nothing on stderr" test ! -s "$DIR/live.err"
finish
