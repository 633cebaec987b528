#!/usr/bin/env bash
# hostile-redis.sh - a server that announces a 1 GiB reply, or trickles a byte at a time,
# costs forgetop a bounded reply and one request timeout, never its memory or a hung poll.
source "$(dirname "$0")/../lib.sh"
DIR=$(scratch)
FAKE="$(dirname "$0")/../fakes/hostile_redis.py"
printf '[forgetop]\nconnect_timeout = 1\nrequest_timeout = 1\n' >"$DIR/forgetop.conf"
# run_measured OUT CMD... : runs CMD, prints "SECONDS PEAK_RSS_KIB" of it
run_measured() {
    python3 - "$@" <<'PY'
import resource, subprocess, sys, time
out = sys.argv[1]
t = time.monotonic()
with open(out, "wb") as f:
    subprocess.run(sys.argv[2:], stdout=f, stderr=subprocess.STDOUT, timeout=60)
print("%.2f %d" % (time.monotonic() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
PY
}
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
finish
