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

# argv: once the config has its copies, the passwords in the flags are overwritten, so
# `ps -o args` (which every local user may run) shows none of them.
python3 "$ROOT/tests/fakes/ptycap.py" "$tmp/ps.pty" never-appears 30 -- "$BIN" -d 1 \
    --prometheus "http://admin:$secret@127.0.0.1:$port" \
    --redis "redis://ops:$secret@127.0.0.1:$port/0" \
    --postgres "host=127.0.0.1 port=$port user=u password=$secret dbname=x" >/dev/null 2>&1 &
cap=$!
pid_of_dashboard() { pgrep -n -f -- "^$BIN -d 1 --prometheus" ; }
if wait_for 10 pid_of_dashboard; then
    pid=$(pid_of_dashboard)
    # the flags are masked once the config is read: give it the time to start
    wait_for 5 bash -c "! tr '\\0' ' ' </proc/$pid/cmdline | grep -q -- '$secret'"
    args=$(tr '\0' ' ' <"/proc/$pid/cmdline")
    diag "ps: $args"
    check "ps shows the flags" grep -q -- "--redis redis://ops:" <<<"$args"
    check "ps shows none of the passwords" bash -c "! grep -q -- '$secret' <<<'$args'"
    kill "$pid" 2>/dev/null
else
    not_ok "the dashboard did not start"
fi
kill "$cap" 2>/dev/null; wait "$cap" 2>/dev/null

# REDISCLI_AUTH, redis-cli's variable, gives the password without argv.
rport=$(free_port)
redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --dir "$tmp" \
    --requirepass "$secret" --daemonize yes --pidfile "$tmp/redis.pid" >/dev/null
on_exit "kill \$(cat $tmp/redis.pid) 2>/dev/null"
wait_for 10 redis-cli -p "$rport" -a "$secret" --no-auth-warning ping
redis_state() { json_get "$1" '[s["state"] for s in d["sources"] if s["name"]=="redis"][0]'; }
"$BIN" --redis "redis://127.0.0.1:$rport/0" --once --json >"$tmp/noauth.json" 2>&1
check "without a password the redis source fails" test "$(redis_state "$tmp/noauth.json")" != ok
REDISCLI_AUTH=$secret "$BIN" --redis "redis://127.0.0.1:$rport/0" --once --json >"$tmp/auth.json" 2>&1
expect_eq "with REDISCLI_AUTH it authenticates" ok "$(redis_state "$tmp/auth.json")"
check "and the password is in none of the output" bash -c "! grep -q '$secret' '$tmp/auth.json'"
finish
