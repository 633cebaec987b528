#!/usr/bin/env bash
# secrets.sh - a password written into a URL (http://user:password@host) authenticates,
# but never shows: not in a source's error, not in a health fact, not in --check.
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
tmp=$(scratch)
export XDG_CONFIG_HOME=$tmp/xdg XDG_STATE_HOME=$tmp/state
port=$(free_port) # nothing listens there: every request fails and says why
secret=hunter2-s3cret

"$BIN" --prometheus "http://admin:$secret@127.0.0.1:$port" --once --json >"$tmp/prom.json" 2>&1
err=$(json_get "$tmp/prom.json" '[s["error"] for s in d["sources"] if s["name"]=="prometheus"][0]')
diag "prometheus error: $err"
check "the prometheus error names what failed" grep -q "127.0.0.1:$port" <<<"$err"
check "the prometheus error does not carry the URL's password" bash -c "! grep -q '$secret' '$tmp/prom.json'"

"$BIN" --prometheus "http://admin:$secret@127.0.0.1:$port" --check >"$tmp/check.out" 2>&1
check "--check does not print the URL's password" bash -c "! grep -q '$secret' '$tmp/check.out'"

"$BIN" --health "http://ops:$secret@127.0.0.1:$port/health/ready" \
    --health "http://127.0.0.1:$port/health/live" --once --json >"$tmp/health.json" 2>&1
n=$(json_get "$tmp/health.json" 'len([f for f in d["facts"] if f["source"]=="health"])')
check "the health probes report their failures ($n facts)" test "${n:-0}" -ge 2
check "no health fact carries the URL's password" bash -c "! grep -q '$secret' '$tmp/health.json'"
finish
