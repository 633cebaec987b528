#!/usr/bin/env bash
# secrets.sh - a password written into a URL (http://user:password@host) authenticates,
# but never shows: not in a source's error, not in a health fact, not in --check.
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
tmp=${SECRETS_DIR:-$(scratch)}
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
# ---- mistyped URLs: a bad PostgreSQL URI and a bad Redis URL (a capital R, a password in
# the query) keep their passwords out of --json, --check, stderr, the screen and the audit
# log, while the error still says what is wrong with them.
pw=SECRETPW-q7
bad_pg="postgresql://forgetop:$pw@[::1/openforge"
bad_redis=("Redis://u:$pw@127.0.0.1:$port/0" "redis://127.0.0.1:$port/0?password=$pw")
for u in "${bad_redis[@]}"; do
    rc=0
    "$BIN" --redis "$u" --once --json >"$tmp/badr.json" 2>"$tmp/badr.err" || rc=$?
    diag "bad redis URL, stderr: $(head -c 300 "$tmp/badr.err")"
    check "bad redis URL ${u%%:*}...: refused, saying what is wrong with it (exit $rc)" \
        grep -qE "redis URL.*(expected redis://|must be a number)" "$tmp/badr.err"
    check "...its password in neither the JSON nor stderr" bash -c "! grep -q -- '$pw' '$tmp/badr.json' '$tmp/badr.err'"
    "$BIN" --redis "$u" --check >"$tmp/badr.check" 2>&1
    check "...nor in --check" bash -c "! grep -q -- '$pw' '$tmp/badr.check'"
done
"$BIN" --postgres "$bad_pg" --once --json >"$tmp/badpg.json" 2>"$tmp/badpg.err"
pgerr=$(json_get "$tmp/badpg.json" '[s["error"] for s in d["sources"] if s["name"]=="postgres"][0]')
diag "bad PostgreSQL URI: $pgerr"
check "bad PostgreSQL URI: the error says what is wrong with it" grep -qiE "invalid|uri|ipv6|missing" <<<"$pgerr"
check "...its password in neither the JSON nor stderr" bash -c "! grep -q -- '$pw' '$tmp/badpg.json' '$tmp/badpg.err'"
"$BIN" --postgres "$bad_pg" --check >"$tmp/badpg.check" 2>&1
check "...nor in --check" bash -c "! grep -q -- '$pw' '$tmp/badpg.check'"

# The dashboard: a bad PostgreSQL URI and a redis URL with a password that cannot connect
# beside the kube fake; a scale refused in read-only mode is audited; then the screen, the
# sources screen (S: each error whole), stderr and the audit log carry no password.
source "$ROOT/tests/fakes/kube_env.sh"
kube_fake_start "$tmp/kube" --state "$ROOT/tests/fixtures/kube-open-forge.json" 2>/dev/null ||
    { mkdir -p "$tmp/kube" && kube_fake_start "$tmp/kube" --state "$ROOT/tests/fixtures/kube-open-forge.json"; } ||
    not_ok "the fake API server starts"
SOCK="forgetop-secrets-$$"
on_exit "tmux -L '$SOCK' kill-server 2>/dev/null"
TM() { tmux -L "$SOCK" -f /dev/null "$@"; }
TM new-session -d -s d -x 200 -y 50 \
    "env XDG_STATE_HOME='$tmp/state' LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color '$BIN' -R -d 1 --kubeconfig '$KUBECONFIG_FILE' --postgres '$bad_pg' --redis 'redis://u:$pw@127.0.0.1:$port/0' 2>'$tmp/dash.err'; sleep 60"
scr() { TM capture-pane -p -t d; }
shows() { scr | grep -qE -- "$1"; }
check "dashboard: kube is read beside the failing sources" wait_for 20 shows "kube ✓"
check "dashboard: the postgres and redis failures show" wait_for 20 sh -c "tmux -L '$SOCK' capture-pane -p -t d | grep -qE 'postgres [~✗]' && tmux -L '$SOCK' capture-pane -p -t d | grep -qE 'redis [~✗]'"
scr >"$tmp/screen.txt"
TM send-keys -t d / a p i Enter; sleep 0.5
TM send-keys -t d +; sleep 0.5
TM send-keys -t d y
audited() { grep -q '"result":"refused"' "$tmp/state/forgetop/audit.log"; }
check "dashboard: the scale attempt is refused (read-only) and audited" wait_for 10 audited
scr >>"$tmp/screen.txt"
TM send-keys -t d Escape S
wait_for 10 shows "LAST OK"
scr >"$tmp/sources.txt"
check "dashboard: the sources screen shows the postgres error whole, the URI's password masked" \
    grep -qF 'IPv6 host address in URI: "postgresql://forgetop:***@[::1/openforge"' "$tmp/sources.txt"
diag "sources: $(grep -E '^(postgres|redis)' "$tmp/sources.txt" | head -2 | tr -s ' ')"
TM send-keys -t d q
wait_for 10 sh -c "! pgrep -f -- '--postgres $bad_pg' >/dev/null"
for f in screen.txt sources.txt dash.err state/forgetop/audit.log; do
    check "dashboard: no password in $f" bash -c "! grep -q -- '$pw' '$tmp/$f'"
done
# A bad redis URL stops the dashboard before it draws: the refusal on the terminal has no password.
for u in "${bad_redis[@]}"; do
    TM new-session -d -s r -x 200 -y 20 "env XDG_STATE_HOME='$tmp/state' TERM=xterm-256color '$BIN' -R --redis '$u'; sleep 60"
    wait_for 10 sh -c "tmux -L '$SOCK' capture-pane -p -t r | grep -q 'redis URL'"
    TM capture-pane -p -t r >"$tmp/r.screen"
    check "dashboard, bad redis URL ${u%%:*}...: the terminal says what is wrong, with no password" \
        bash -c "grep -q 'redis URL' '$tmp/r.screen' && ! grep -q -- '$pw' '$tmp/r.screen'"
    TM kill-session -t r
done
check "the audit log holds no password" bash -c "! grep -q -- '$pw' '$tmp/state/forgetop/audit.log'"

# A failed scale whose error quotes a secret: compose over DOCKER_HOST=tcp://ops:PW@... (the
# fake engine on TCP), and the `docker` shim failing the way docker does when it cannot
# reach the engine, quoting that DOCKER_HOST. The audit's failed record carries the error
# with the password masked, and the password is nowhere in the audit file.
dpw=DOCKERPW-z8
cport=$(free_port) caudit=$tmp/cstate/forgetop/audit.log
mkdir -p "$tmp/compose"
printf 'services:\n  api:\n    image: forge/api\n' >"$tmp/compose/docker-compose.yml"
cat >"$tmp/compose/state.json" <<JSON
{"project": "forge", "working_dir": "$tmp/compose", "containers": [
 {"service": "api", "number": 1, "health": "healthy", "cpu": 0.5, "mem": 201326592},
 {"service": "api", "number": 2, "health": "healthy", "cpu": 0.25, "mem": 100663296}]}
JSON
python3 "$ROOT/tests/fakes/docker_engine.py" --port "$cport" --state "$tmp/compose/state.json" \
    >"$tmp/compose/engine.out" 2>&1 &
on_exit "kill $!"
check "compose: the fake engine listens on tcp" wait_for 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$cport"
TM new-session -d -s c -x 200 -y 30 \
    "env -u NO_COLOR -u FORGETOP_READ_ONLY XDG_STATE_HOME='$tmp/cstate' XDG_CONFIG_HOME='$tmp/xdg' LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color PATH='$ROOT/tests/fakes:$PATH' DOCKER_HOST='tcp://ops:$dpw@127.0.0.1:$cport' DOCKER_SHIM_STATE='$tmp/compose/state.json' DOCKER_SHIM_EXIT=1 DOCKER_SHIM_ERROR='Cannot connect to the Docker daemon at {DOCKER_HOST}. Is the docker daemon running?' '$BIN' --compose-project forge -d 1 --config /dev/null 2>'$tmp/compose.err'; sleep 60"
cshows() { TM capture-pane -p -t c | grep -qE -- "$1"; }
check "compose: the dashboard reads api through tcp://ops:***@" wait_for 20 cshows ' api +2/2 '
TM send-keys -t c / a p i Enter; sleep 0.4
TM send-keys -t c +
check "compose: + opens the confirmation" wait_for 5 cshows 'Scale api\?'
TM send-keys -t c y
failed_audited() { grep -q '"target":"api".*"result":"failed"' "$caudit"; }
check "compose: the failed scale is audited" wait_for 15 failed_audited
cmsg=$(python3 -c 'import json,sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e["result"] == "failed" and e["target"] == "api": m = e["message"]
print(m)' "$caudit" 2>/dev/null)
diag "compose: the failed record's message: $cmsg"
check "compose: the failed record says why, the password as ***" \
    grep -qF "Cannot connect to the Docker daemon at tcp://ops:***@127.0.0.1:$cport" <<<"$cmsg"
check "compose: the password is nowhere in the audit file" bash -c "! grep -q -- '$dpw' '$caudit'"
TM capture-pane -p -t c >"$tmp/compose.screen"
check "compose: nor on the screen" bash -c "grep -q 'Cannot connect' '$tmp/compose.screen' && ! grep -q -- '$dpw' '$tmp/compose.screen'"
TM send-keys -t c q
finish
