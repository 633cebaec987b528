#!/usr/bin/env bash
# hostile-prometheus.sh - a Prometheus whose answer is valid but 15 MiB is refused at the
# transfer (4 MiB cap), before it is parsed: parsed whole it cost 642 MB.
source "$(dirname "$0")/../lib.sh"
DIR=$(scratch)
P=$(free_port)
python3 "$ROOT/tests/fakes/http_fixture.py" --port "$P" &
on_exit "kill $!"
check "the fake answers" wait_for 10 curl -sfo /dev/null "http://127.0.0.1:$P/ok"
limit=65536
[ -n "${FORGETOP_ASAN:-}" ] && limit=196608
read -r secs kib < <(run_measured "$DIR/once.json" "$BIN" --prometheus "http://127.0.0.1:$P" --once --json)
err=$(json_get "$DIR/once.json" '[s["error"] for s in d["sources"] if s["name"] == "prometheus"][0]')
diag "${secs}s, peak RSS ${kib} KiB: $err"
check "refused with the cap in words" grep -q "larger than 4 MiB" <<<"$err"
check "peak RSS within $((limit / 1024)) MB (${kib} KiB)" test "$kib" -lt "$limit"
finish
