#!/usr/bin/env bash
# health.sh - the health source: the API's /health/ready status, time and components as
# facts on the health panel, against the python3 fixture standing in for the API.
#
# tests/integration/source_probe.c polls the source and prints its facts.
source "$(dirname "$0")/../lib.sh"
cd "$ROOT" || exit 1
S=$(scratch)

PROBE=$(probe_path source_probe) || { not_ok "source_probe builds"; finish; }

P=$(free_port)
python3 tests/fakes/http_fixture.py --port "$P" >"$S/fixture.out" 2>&1 &
on_exit "kill $!"
wait_for 10 grep -q ready "$S/fixture.out" || not_ok "fixture starts"
H=http://127.0.0.1:$P
DEAD=$(free_port)
probe() { "$PROBE" health "$@" 2>&1; }

out=$(probe --url $H/health/ready)
check "a ready API is ok with its status and time" \
    bash -c "grep -q '^1 fact health//health/ready ok 200 (ok)$' <<<\"\$1\" \
        && grep -qE '^1 fact health//health/ready time ok [0-9]+ ms$' <<<\"\$1\"" _ "$out"
check "each component is a fact: database healthy" grep -q '^1 fact health/database ok healthy$' <<<"$out"
check "each component is a fact: redis healthy" grep -q '^1 fact health/redis ok healthy$' <<<"$out"

out=$(probe --url $H/health/sick)
check "a 503 is critical, with the API's own status" grep -q '^1 fact health//health/sick critical 503 (unhealthy)$' <<<"$out"
check "an unhealthy component is critical with its error" \
    grep -q '^1 fact health/redis critical unhealthy: Error 111 connecting to redis:6379. Connection refused.$' <<<"$out"
check "a healthy component beside it stays ok" grep -q '^1 fact health/database ok healthy$' <<<"$out"

out=$(probe --url $H/health/evil)
check "a degraded component is a warning" grep -q '^1 fact health/redis warning degraded: ' <<<"$out"
check "escape sequences from the API never reach the terminal" \
    bash -c "! grep -q $'\x1b' <<<\"\$1\" && grep -q 'degraded: ?\]0;pwned? slow' <<<\"\$1\"" _ "$out"

out=$(probe --url http://127.0.0.1:$DEAD/health/ready)
check "an API that refuses connections is a red fact with the reason" \
    grep -q "^1 fact health//health/ready critical connect to 127.0.0.1:$DEAD: Connection refused" <<<"$out"
check "and not a failed poll: the probe itself worked" bash -c "! grep -q '^1 error' <<<\"\$1\"" _ "$out"

t0=$(date +%s.%N)
out=$(probe --timeout 1 --url $H/hang --url $H/hang --url $H/health/ready)
took=$(echo "$(date +%s.%N) - $t0" | bc)
check "several URLs are named by host and path" grep -q "^1 fact health/127.0.0.1:$P/health/ready ok 200" <<<"$out"
check "their components are prefixed with the URL" grep -q "^1 fact health/127.0.0.1:$P/health/ready database ok healthy" <<<"$out"
expect_eq "a hung endpoint times out, each on its own" 2 "$(grep -c 'critical timed out after 1 s' <<<"$out")"
check "probes run at once: two hangs cost one timeout (${took} s)" awk -v s="$took" 'BEGIN { exit !(s < 1.8) }'

[ -x "$BIN" ] || make -s BUILD="$BUILD" >/dev/null
"$BIN" --health $H/health/sick --once --json >"$S/once.json" 2>/dev/null
expect_eq "forgetop --health URL --once --json: the health panel's facts" \
    "/health/sick critical|/health/sick time ok|database ok|redis critical" \
    "$(json_get "$S/once.json" '"|".join(f["label"] + " " + f["band"] for f in d["facts"] if f["panel"] == "health" and f["source"] == "health")')"

# --check: each probe is a line; a /health answering 404 is CRITICAL (2), not OK.
"$BIN" --health $H/health/none --check >"$S/check.out" 2>/dev/null
expect_eq "--check: a /health answering 404 exits 2 CRITICAL" 2 $?
check "--check: the probe's line says 404" grep -qE '^CRITICAL health /health/none = 404( \(Not Found\))?$' "$S/check.out"
"$BIN" --health $H/health/sick --check >"$S/check.out" 2>/dev/null
expect_eq "--check: a 503 with an unhealthy component exits 2" 2 $?
check "--check: the component is a line of its own" \
    grep -q '^CRITICAL health redis = unhealthy: Error 111 connecting to redis:6379. Connection refused.$' "$S/check.out"
check "--check: a healthy component beside it is OK" grep -q '^OK health database = healthy$' "$S/check.out"
"$BIN" --health $H/health/ready --check >"$S/check.out" 2>/dev/null
expect_eq "--check: a ready API but no metric at all is 3 UNKNOWN, not OK" 3 $?
check "--check: the ready probe is an OK line" grep -qE '^OK health /health/ready = 200 \(ok\)$' "$S/check.out"
check "--check: its time is a line of its own" grep -qE '^OK health /health/ready time = [0-9]+ ms$' "$S/check.out"

check "no URL configured is a clear error" grep -q '^new-error health: no URL configured' <<<"$(probe)"

finish
