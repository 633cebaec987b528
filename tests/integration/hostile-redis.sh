#!/usr/bin/env bash
# hostile-redis.sh - a server that announces a 1 GiB reply, or trickles a byte at a time,
# costs forgetop a bounded reply and one request timeout, never its memory or a hung poll;
# one that answers well-formed nonsense (-5 clients, -nan ops/s, LLEN -3) is shown as no
# data with what it sent, in JSON, --check and on the screen, never as a number; one whose
# reply to INFO, TYPE or LLEN is of the wrong type is named in words, command by command.
source "$(dirname "$0")/../lib.sh"
DIR=$(scratch)
FAKE="$(dirname "$0")/../fakes/hostile_redis.py"
printf '[forgetop]\nconnect_timeout = 1\nrequest_timeout = 1\n' >"$DIR/forgetop.conf"
# The budget is 64 MB; AddressSanitizer's shadow and quarantine add their own (71 MB seen
# for the same run), so under make asan the bound is looser but still far below the
# gigabyte an uncapped reply costs.
limit=65536
[ -n "${FORGETOP_ASAN:-}" ] && limit=196608
for mode in huge trickle; do
    python3 "$FAKE" "$DIR/$mode.port" "$mode" &
    on_exit "kill $! 2>/dev/null"
    wait_for 10 test -s "$DIR/$mode.port" || { not_ok "the $mode server did not start"; continue; }
    port=$(cat "$DIR/$mode.port")
    read -r secs kib < <(run_measured "$DIR/$mode.json" "$BIN" --config "$DIR/forgetop.conf" \
        --redis "redis://127.0.0.1:$port/0" --once --json)
    err=$(json_get "$DIR/$mode.json" '[s["error"] for s in d["sources"] if s["name"]=="redis"][0]')
    diag "$mode: ${secs}s, peak RSS ${kib} KiB: $err"
    check "$mode: the poll ends within the request timeout (${secs}s)" \
        python3 -c "import sys; sys.exit(0 if float('$secs') < 3.5 else 1)"
    check "$mode: peak RSS stays within $((limit / 1024)) MB (${kib} KiB)" test "$kib" -lt "$limit"
    case $mode in
    huge) check "huge: the error says the reply was too large" grep -q "larger than" <<<"$err" ;;
    trickle) check "trickle: the error says no whole reply came in time" grep -qE "no whole reply|timed out after 1 s" <<<"$err" ;;
    esac
done

# ---- nonsense: well-formed replies, impossible figures ----
python3 "$FAKE" "$DIR/nonsense.port" nonsense &
on_exit "kill $! 2>/dev/null"
wait_for 10 test -s "$DIR/nonsense.port" || not_ok "the nonsense server did not start"
NURL="redis://127.0.0.1:$(cat "$DIR/nonsense.port")/0"
"$BIN" --config "$DIR/forgetop.conf" --redis "$NURL" --once --json >"$DIR/nonsense.json" 2>"$DIR/nonsense.err"
fact() { json_get "$DIR/nonsense.json" "[(f['value'], f['display']) for f in d['facts'] if f['label'] == '$1'][0]"; }
expect_eq "-5 connected clients: null, no data with what was sent" \
    "(None, 'no data: server sent -5')" "$(fact clients)"
expect_eq "used_memory -1: no data" "(None, 'no data: server sent -1')" "$(fact memory)"
expect_eq "ops/s -nan: no data, not -nan/s" "(None, 'no data: server sent -nan')" "$(fact ops)"
expect_eq "blocked clients nan: no data" "(None, 'no data: server sent nan')" "$(fact 'blocked clients')"
expect_eq "LLEN -3: the queue depth is no data, on its panel" \
    "(None, 'no data: server sent -3')" "$(fact agent:tasks:pending)"
expect_eq "...and as the queue_depth metric, unknown, with why" "None unknown server sent -3" \
    "$(json_get "$DIR/nonsense.json" "' '.join(str(m[k]) for m in d['metrics'] if m['id'] == 'queue_depth' for k in ('value', 'band', 'note'))")"
"$BIN" --config "$DIR/forgetop.conf" --redis "$NURL" --check >"$DIR/nonsense.check" 2>&1
check "--check has no -3 for the queue" grep -q "^UNKNOWN queue_depth agent-worker: no data: server sent -3$" "$DIR/nonsense.check"
check "--check's perfdata says U, not -3" grep -q "queue_depth=U;" "$DIR/nonsense.check"

# ---- wrong shape: a well-formed reply of the wrong type, one command at a time ----
# The reader must say which command got what, never a type number, an empty "LLEN: " or
# a bare "?"; a key it cannot read is no data with that reason, never a depth of 0.
for mode in shapeinfo shapetype shapecount; do
    python3 "$FAKE" "$DIR/$mode.port" "$mode" &
    on_exit "kill $! 2>/dev/null"
    wait_for 10 test -s "$DIR/$mode.port" || { not_ok "the $mode server did not start"; continue; }
    "$BIN" --config "$DIR/forgetop.conf" --redis "redis://127.0.0.1:$(cat "$DIR/$mode.port")/0" \
        --once --json >"$DIR/$mode.json" 2>"$DIR/$mode.err"
    src=$(json_get "$DIR/$mode.json" '[(s["state"], s["error"]) for s in d["sources"] if s["name"]=="redis"][0]')
    key=$(json_get "$DIR/$mode.json" "[(f['value'], f['display']) for f in d['facts'] if f['label'] == 'agent:tasks:pending'] or None")
    qd=$(json_get "$DIR/$mode.json" "[(m['value'], m['band'], m['note']) for m in d['metrics'] if m['id'] == 'queue_depth'][0]")
    diag "$mode: source $src; key $key; queue_depth $qd"
    case $mode in
    shapeinfo)
        expect_eq "shapeinfo: an INFO answered with an array fails the source, saying so" \
            "('failing', 'redis 127.0.0.1:$(cat "$DIR/$mode.port"): INFO: the reply was an array, not what INFO answers')" "$src"
        expect_eq "shapeinfo: the queue depth is unknown, not 0" "None" "$(cut -d, -f1 <<<"${qd#(}")" ;;
    shapetype)
        expect_eq "shapetype: the source is ok; only the key is unreadable" "('ok', None)" "$src"
        expect_eq "shapetype: a TYPE answered with an integer: no data, and why" \
            "[(None, 'TYPE: the reply was an integer, not a type')]" "$key"
        expect_eq "shapetype: the queue_depth metric is unknown with the same reason" \
            "(None, 'unknown', 'TYPE: the reply was an integer, not a type')" "$qd" ;;
    shapecount)
        expect_eq "shapecount: an LLEN answered with a string: no data, and why" \
            "[(None, 'list: LLEN: the reply was a string, not a count')]" "$key"
        expect_eq "shapecount: the queue_depth metric is unknown with the same reason" \
            "(None, 'unknown', 'LLEN: the reply was a string, not a count')" "$qd" ;;
    esac
    check "$mode: nothing is written to stderr" test ! -s "$DIR/$mode.err"
done
"$BIN" --config "$DIR/forgetop.conf" --redis "redis://127.0.0.1:$(cat "$DIR/shapecount.port")/0" \
    --check >"$DIR/shapecount.check" 2>&1
check "shapecount: --check reports the queue as UNKNOWN with the reason" \
    grep -q "^UNKNOWN queue_depth agent-worker: .*LLEN: the reply was a string, not a count" "$DIR/shapecount.check"

SOCK="forgetop-hostile-$$"
on_exit "tmux -L '$SOCK' kill-server 2>/dev/null"
tmux -L "$SOCK" -f /dev/null new-session -d -s a -x 120 -y 30 \
    "env XDG_STATE_HOME='$DIR/state' LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color '$BIN' --config '$DIR/forgetop.conf' --redis '$NURL' -d 1; sleep 60"
cap() { tmux -L "$SOCK" capture-pane -p -t a >"$DIR/screen.txt"; grep -q "ops .*no data: server sent -nan" "$DIR/screen.txt"; }
check "the dashboard's redis panel says no data with what was sent" wait_for 15 cap
check "no figure on screen is a negative count or a nan" \
    sh -c "! sed -E 's/server sent [^ ]+//g' '$DIR/screen.txt' | grep -E '(^|[ (])-[0-9]+( |/s|$)|nan'"
check "the Queue depth metric says no data and begins to say why" grep -q "Queue depth .*n/a .*no data: server" "$DIR/screen.txt"
finish
