#!/usr/bin/env bash
# compose.sh - the compose source against the fake Docker Engine on a scratch socket,
# and scaling through a `docker` shim first on PATH that records its argument vector
# and changes the fake's containers, so a scale is seen end to end.
#
# tests/integration/compose_probe.c is built against libforgetop.a; it polls or scales
# once per command and prints one line per service, container, reading or outcome.
source "$(dirname "$0")/../lib.sh"
cd "$ROOT" || exit 1
S=$(scratch)

PROBE=$(probe_path compose_probe) || { not_ok "compose_probe builds"; finish; }

SOCK=$S/docker.sock STATE=$S/state.json CTL=$S/control.json LOG=$S/requests.log
SHIMLOG=$S/shim.log COMPOSE_FILE=$S/docker-compose.yml
printf 'services:\n  api:\n    image: forge/api\n' >"$COMPOSE_FILE"
# working_dir: the containers' config_files label names $S/docker-compose.yml
cat >"$STATE" <<JSON
{"project": "forge", "host_cpus": 4, "working_dir": "$S", "containers": [
 {"service": "api", "number": 1, "health": "healthy", "cpus_limit": 1, "mem_limit": 536870912,
  "cpu": 0.5, "mem": 201326592},
 {"service": "api", "number": 2, "health": "unhealthy", "cpus_limit": 1, "mem_limit": 536870912,
  "cpu": 0.25, "mem": 100663296, "restarts": 2},
 {"service": "agent-worker", "number": 1, "state": "exited", "exit_code": 137, "restarts": 3},
 {"service": "agent-worker", "number": 2, "cpu": 0.3, "mem": 50331648},
 {"service": "oomer", "number": 1, "state": "exited", "exit_code": 137, "oom": true},
 {"service": "redis", "name": "forge-redis", "cpu": 0.1, "mem": 33554432},
 {"service": "web", "project": "other", "cpu": 0.9},
 {"service": "api", "number": 1, "name": "forge-api-run-3f2a1c", "cpu": 0.1,
  "labels": {"com.docker.compose.oneoff": "True"}}
]}
JSON
control() { printf '%s\n' "$1" >"$CTL.tmp" && mv "$CTL.tmp" "$CTL"; }
control '{}'

python3 tests/fakes/docker_engine.py --socket "$SOCK" --state "$STATE" --control "$CTL" \
    --log "$LOG" >"$S/fake.out" 2>"$S/fake.err" &
on_exit "kill $!"
wait_for 10 test -S "$SOCK" || { not_ok "fake engine listens on $SOCK"; finish; }

REAL_PATH=$PATH # the real engine's part runs the real docker and docker-compose
export PATH="$ROOT/tests/fakes:$PATH" DOCKER_SHIM_LOG=$SHIMLOG DOCKER_SHIM_STATE=$STATE
unset DOCKER_HOST DOCKER_TLS_VERIFY
run_probe() { "$PROBE" "$@" 2>&1 | grep -v '^rss_kb='; }
probe() { run_probe -H "unix://$SOCK" -m cpu:agent-worker "$@"; }
line() { grep -E "^$1( |$)" <<<"$2" | head -1; }
field() { sed -nE "s/.* $1=(\"[^\"]*\"|[^ ]*).*/\1/p" <<<"$2" | tr -d '"'; }
shim_runs() { [ -f "$SHIMLOG" ] && wc -l <"$SHIMLOG" || echo 0; }

# --- reading ---
out=$(probe poll)
api=$(line "service api" "$out")
expect_eq "poll succeeds" "ok" "$(awk '/^poll/{print $2}' <<<"$out")"
expect_eq "only the project's services, by label" "agent-worker api oomer redis" \
    "$(awk '/^service/{print $2}' <<<"$out" | sort | xargs)"
expect_eq "api: desired counts every container but a one-off (compose run)" 2 \
    "$(field desired "$api")"
expect_eq "api: ready leaves out the unhealthy one" 1 "$(field ready "$api")"
# 0.5 + 0.25 cores of 2 x 1 core; 192 + 96 MiB of 2 x 512 MiB
expect_eq "api: cpu % of its limits, as docker stats computes it" 37.50 "$(field cpu_pct "$api")"
expect_eq "api: memory % of its limits, page cache left out" 28.12 "$(field mem_pct "$api")"
expect_eq "api: status names the unhealthy container" "unhealthy: forge-api-2" \
    "$(field status "$api")"
expect_eq "kind is compose, namespace the project" "compose forge" \
    "$(field kind "$api") $(field project "$api")"
w=$(line "service agent-worker" "$out")
expect_eq "exited container and its exit code in the status" "exited: forge-agent-worker-1 (137 SIGKILL)" \
    "$(field status "$w")"
# (the real engine below can miss the kernel's OOM event: this is the flag set, every run)
expect_eq "an OOM-killed container (State.OOMKilled) says so" "exited: forge-oomer-1 (137, OOMKilled)" \
    "$(field status "$(line "service oomer" "$out")")"
expect_eq "no limits: no percentage" "nan nan" "$(field cpu_pct "$w") $(field mem_pct "$w")"
expect_eq "no limits: absolute figures" "0.300 50331648" \
    "$(field cpu_cores "$w") $(field mem_bytes "$w")"
expect_eq "restarts per container" 3 "$(field restarts "$(line "pod forge-agent-worker-1" "$out")")"
r=$(line "service redis" "$out")
expect_eq "fixed container_name: unscalable, and why" \
    "1 has a fixed container_name: docker compose cannot scale it" \
    "$(field unscalable "$r") $(field why "$r")"
expect_eq "cpu reading for the api (the runbook's rule)" "reading cpu api 37.50" \
    "$(line "reading cpu api" "$out" | cut -d' ' -f1-4)"
expect_eq "memory reading for the api" "reading memory api 28.12" \
    "$(line "reading memory api" "$out" | cut -d' ' -f1-4)"
check "cpu reading without a limit is no data, with a note" \
    grep -q 'reading cpu agent-worker nan note="no cpu limit' <<<"$out"
check "API version asked of /version before anything else" \
    test "$(head -1 "$LOG")" == "GET /version"
check "requests carry the negotiated version" grep -q '^GET /v1.43/containers/json?all=1' "$LOG"
check "containers listed with a label filter" grep -q 'filters=.*com.docker.compose.project%3Dforge' "$LOG"
check "stats read with stream=false" grep -q '^GET /v1.43/containers/[0-9a-f]*/stats?stream=false$' "$LOG"

: >"$LOG"
control '{"api_version": "1.41"}'
probe poll >/dev/null
check "an older engine is spoken to in its own version" grep -q '^GET /v1.41/containers/json' "$LOG"
check "and never in ours" bash -c "! grep -q '/v1.43/' '$LOG'"
control '{}'

out=$(DOCKER_HOST="unix://$SOCK" run_probe poll)
expect_eq "DOCKER_HOST names the socket" "ok" "$(awk '/^poll/{print $2}' <<<"$out")"
out=$(DOCKER_HOST="unix://$S/elsewhere.sock" probe poll)
expect_eq "the config's docker_host comes before DOCKER_HOST" "ok" "$(awk '/^poll/{print $2}' <<<"$out")"

# A steady poll inspects only what changed: the list's Status text moves with every
# restart and health change, and only those containers are inspected again.
edit_state() { # edit_state PYTHON : run PYTHON over the state `d`, written back whole
    python3 -c 'import json,sys; p=sys.argv[1]; d=json.load(open(p)); exec(sys.argv[2]); json.dump(d,open(p+".t","w"))' "$STATE" "$1" &&
        mv "$STATE.t" "$STATE"
}
inspects_after() { # inspects_after N : inspect requests after the Nth listing
    awk -v n="$1" '/\/containers\/json\?/ {k++} k == n && /\/containers\/[0-9a-f]+\/json$/ {c++} END {print c + 0}' "$LOG"
}
: >"$LOG"
cp "$STATE" "$S/state.orig"
out=$(probe poll poll sh "$(declare -f edit_state); STATE='$STATE' edit_state 'd[\"containers\"][0].update(restarts=5, uptime=\"3 seconds\")'" poll)
expect_eq "the first poll inspects all six containers" 6 "$(inspects_after 1)"
expect_eq "an unchanged poll inspects none" 0 "$(inspects_after 2)"
expect_eq "a restarted container is inspected again, alone" 1 "$(inspects_after 3)"
expect_eq "and its restart count is current" 5 \
    "$(field restarts "$(grep '^pod forge-api-1 ' <<<"$out" | tail -1)")"
expect_eq "the unchanged keep what they were" 2 \
    "$(field restarts "$(grep '^pod forge-api-2 ' <<<"$out" | tail -1)")"
check "a later poll asks one-shot stats, its rate taken against the poll before" \
    grep -q '^GET /v1.43/containers/[0-9a-f]*/stats?stream=false&one-shot=true$' "$LOG"
expect_eq "and the rate is the container's (0.5 cores over the interval)" "0.500" \
    "$(field cpu_cores "$(grep '^pod forge-api-1 ' <<<"$out" | tail -1)")"
cp "$S/state.orig" "$STATE"

# forgetop itself: --once --json in the documented shape.
[ -x "$BIN" ] || make -s BUILD="$BUILD" >/dev/null
DOCKER_HOST="unix://$SOCK" "$BIN" --compose-project forge --once --json >"$S/once.json" 2>"$S/once.err"
J=$S/once.json
expect_eq "--once --json: the compose source is ok" "compose ok None" \
    "$(json_get "$J" '" ".join(str(d["sources"][0][k]) for k in ("name", "state", "error"))')"
expect_eq "--once --json: api with its project, counts and usage" "forge compose 2 1 37.5" \
    "$(json_get "$J" '" ".join(str(s[k]) for s in d["services"] if s["name"] == "api" for k in ("namespace", "kind", "desired", "ready", "cpu_pct"))')"
expect_eq "--once --json: the runbook's cpu metric comes from compose" "37.5 compose" \
    "$(json_get "$J" '" ".join(str(m[k]) for m in d["metrics"] if m["id"] == "cpu" for k in ("value", "from"))')"
expect_eq "--once --json: compose's cpu is a share of the limit, and says so" "limit" \
    "$(json_get "$J" '[s["cpu_of"] for s in d["services"] if s["name"] == "api"][0]')"
mkdir -p "$S/forge" && cp "$COMPOSE_FILE" "$S/forge/docker-compose.yml"
DOCKER_HOST="unix://$SOCK" "$BIN" --compose-file "$S/forge/docker-compose.yml" --once --json >"$J"
expect_eq "--compose-file alone: the project is the file's folder, as compose names it" "forge 4" \
    "$(json_get "$J" 'd["context"] + " " + str(len(d["services"]))')"
DOCKER_HOST="unix://$S/none.sock" "$BIN" --compose-project forge --once --json >"$J"
expect_eq "--once --json: a missing socket is a failing source, in words" \
    "failing docker: no such socket $S/none.sock" \
    "$(json_get "$J" 'd["sources"][0]["state"] + " " + d["sources"][0]["error"].split(":")[0] + ":" + d["sources"][0]["error"].split(":")[1]')"

# No invalid access and no leak, reading and scaling (valgrind; an ASan build checks itself).
clean() { # clean NAME CMD... : ok when memcheck or the sanitizers report nothing
    local name=$1; shift
    if [ -n "${FORGETOP_ASAN:-}" ]; then
        "$@" >/dev/null 2>"$S/$name.err"
        ! grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' "$S/$name.err"
    else
        valgrind --quiet --error-exitcode=99 --leak-check=full \
            --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
            --log-file="$S/$name.vg" "$@" >/dev/null 2>&1
        [ $? -ne 99 ] && [ ! -s "$S/$name.vg" ]
    fi
}
check "memcheck: forgetop --once --json on compose is clean" \
    clean once env DOCKER_HOST="unix://$SOCK" "$BIN" --compose-project forge --once --json
control '{"slow_stats": "forge-api-2", "slow_seconds": 20}'
check "memcheck: a poll with a timed-out stats, a scale run and two refused is clean" \
    clean probe "$PROBE" -H "unix://$SOCK" -t 1 poll scale api 2 2 scale api 5 6 scale redis 1 2
control '{}'
[ -s "$S/once.vg" ] && sed 's/^/# /' "$S/once.vg" | head -20
[ -s "$S/probe.vg" ] && sed 's/^/# /' "$S/probe.vg" | head -20

# tcp:// with TLS, as DOCKER_TLS_VERIFY and DOCKER_CERT_PATH ask: a CA, a server and a
# client certificate made here; the engine refuses a client without one.
C=$S/certs; mkdir -p "$C" # Docker's DOCKER_CERT_PATH names: ca.pem, cert.pem, key.pem
test_ca "$C/ca.pem" "$C/ca.key" docker-ca
test_cert "$C/srv.pem" "$C/srv.key" "$C/ca.pem" "$C/ca.key" localhost \
    "subjectAltName=IP:127.0.0.1,DNS:localhost"
test_cert "$C/cert.pem" "$C/key.pem" "$C/ca.pem" "$C/ca.key" operator "extendedKeyUsage=clientAuth"
PORT=$(free_port)
python3 tests/fakes/docker_engine.py --port "$PORT" --cert "$C/srv.pem" --key "$C/srv.key" \
    --client-ca "$C/ca.pem" --state "$STATE" >"$S/tls.out" 2>"$S/tls.err" &
on_exit "kill $!"
wait_for 10 grep -q 'tcp://' "$S/tls.out"
out=$(DOCKER_HOST="tcp://127.0.0.1:$PORT" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$C run_probe poll)
expect_eq "tcp:// with TLS and a client certificate" "ok 2" \
    "$(awk '/^poll/{print $2}' <<<"$out") $(field desired "$(line "service api" "$out")")"
mkdir -p "$S/nocert" && cp "$C/ca.pem" "$S/nocert/"
out=$(DOCKER_HOST="tcp://127.0.0.1:$PORT" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$S/nocert run_probe poll)
check "tcp:// with TLS but no client certificate fails, in words ($out)" \
    grep -q '^poll error.*docker: GET /version: ' <<<"$out"

out=$(probe -p nothing poll)
check "a project without containers says so ($(head -1 <<<"$out"))" \
    grep -q '^poll ok .*services=0 .*no containers carry the label com.docker.compose.project=nothing' <<<"$out"

# --- one slow container ---
control '{"slow_stats": "forge-api-2", "slow_seconds": 20}'
out=$(probe -t 1.5 poll)
api=$(line "service api" "$out")
secs=$(sed -nE 's/^poll ok seconds=([0-9.]+).*/\1/p' <<<"$out")
check "a slow container costs no more than the timeout (${secs:-?} s)" \
    awk -v s="${secs:-99}" 'BEGIN { exit !(s < 4) }'
expect_eq "its figure is unknown, not 0" "nan" "$(field cpu_cores "$(line "pod forge-api-2" "$out")")"
expect_eq "the others are read" "0.500" "$(field cpu_cores "$(line "pod forge-api-1" "$out")")"
expect_eq "the service sum is unknown" "nan" "$(field cpu_cores "$api")"
check "the status says which stats are unknown" grep -q 'stats unknown for 1 of 2' <<<"$api"
control '{}'

# --- faults, in words ---
control '{"hang": true}'
out=$(probe -t 1 poll)
check "hang: timed out, in words ($out)" grep -q '^poll error.*docker: GET /version: .*timed out' <<<"$out"
control '{"status500": true, "only": "/containers/json"}'
out=$(probe poll)
check "500: status and the engine's message ($out)" \
    grep -q '^poll error.*docker: GET /v1.43/containers/json: HTTP 500 Internal Server Error: fake engine' <<<"$out"
control '{"garbage": true}'
out=$(probe poll)
check "garbage: not JSON ($out)" grep -q 'docker: GET /version: .*not JSON' <<<"$out"
check "garbage: no escape byte reaches the output" bash -c "! grep -q $'\x1b' <<<'$out'"
control '{"socket": "missing"}'
wait_for 5 test ! -e "$SOCK"
out=$(probe poll)
check "socket missing: no such socket ($out)" grep -q "docker: no such socket $SOCK" <<<"$out"
control '{"socket": "denied"}'
wait_for 5 test -S "$SOCK"
sleep 0.2
if [ "$(id -u)" -eq 0 ]; then
    diag "root ignores chmod 000: the denied socket is tried as user nobody"
    out=$(runuser -u nobody -- "$PROBE" -H "unix://$SOCK" poll 2>&1 | grep -v '^rss_kb=')
else
    out=$(probe poll)
fi
check "permission denied, in words ($out)" \
    grep -q "docker: cannot connect to $SOCK: permission denied" <<<"$out"
control '{}'
sleep 0.2

# --- scaling through the shim ---
out=$(DOCKER_HOST=unix:///elsewhere.sock DOCKER_SHIM_ENV_LOG=$S/shim.env \
    probe -f "$COMPOSE_FILE" scale api 2 3 poll)
expect_eq "scale reports from and to" "scale ok: scaled api 2 -> 3" "$(line scale "$out")"
expect_eq "docker compose is pointed at the engine forgetop read" "DOCKER_HOST=unix://$SOCK" \
    "$(tail -1 "$S/shim.env")"
expect_eq "docker compose run with the runbook's argument vector" \
    "[\"docker\", \"compose\", \"-p\", \"forge\", \"-f\", \"$COMPOSE_FILE\", \"up\", \"-d\", \"--no-recreate\", \"--no-deps\", \"--scale\", \"api=3\", \"api\"]" \
    "$(tail -1 "$SHIMLOG")"
expect_eq "the next poll sees three containers" 3 "$(field desired "$(line "service api" "$out")")"
n=$(shim_runs)
out=$(probe scale api 2 4)
check "a count that moved is refused ($out)" grep -q 'api has 3 containers now, not 2 as shown: nothing was run' <<<"$out"
out=$(probe scale redis 1 2)
check "a fixed container_name is refused ($out)" \
    grep -q 'scale failed: redis has a fixed container_name: docker compose cannot scale it' <<<"$out"
out=$(probe scale-min api 3 4)
check "raising an autoscaler's minimum is refused: compose has none ($out)" \
    grep -q 'scale failed: api has no autoscaler in Compose' <<<"$out"
expect_eq "no refusal ran docker" "$n" "$(shim_runs)"
out=$(probe scale api 3 1)
expect_eq "scale down" "scale ok: scaled api 3 -> 1" "$(line scale "$out")"
expect_eq "no compose file configured: the one the containers' label names" \
    "\"-f\", \"$S/docker-compose.yml\"" "$(grep -o '"-f", "[^"]*"' <<<"$(tail -1 "$SHIMLOG")")"
out=$(DOCKER_SHIM_EXIT=1 DOCKER_SHIM_ERROR="no such service: api" probe scale api 1 2)
expect_eq "compose's exit status and last line" \
    "scale failed: docker compose exited 1: no such service: api" "$(line scale "$out")"
out=$(probe -f "$S/missing.yml" scale api 1 2)
check "a missing compose file, as compose says it ($out)" \
    grep -q "exited 14: open $S/missing.yml: no such file or directory" <<<"$out"
out=$(DOCKER_SHIM_SLEEP=30 probe -t 0.25 scale api 1 2)
check "a compose that hangs is stopped at the time limit ($out)" \
    grep -q 'docker compose did not finish in 3 s and was stopped' <<<"$out"
out=$(env PATH=/nonexistent "$PROBE" -H "unix://$SOCK" scale api 1 2 2>&1 | grep -v '^rss_kb=')
expect_eq "no docker on PATH: refused before anything runs, and why" \
    "scale failed: api cannot be scaled here: neither \`docker compose\` (v2) nor \`docker-compose\` (v1) runs: nothing was run" \
    "$(line scale "$out")"
out=$(env PATH=/nonexistent "$PROBE" -H "unix://$SOCK" poll 2>&1 | grep -v '^rss_kb=')
check "no compose: every row is unscalable before + ($(line "service api" "$out"))" \
    grep -q '^service api .*unscalable=1 why="cannot be scaled here: neither' <<<"$out"
out=$(probe poll)
check "the source says which compose scales (v2 shim)" grep -q 'scales with docker compose (v2) 2.21.0' <<<"$out"
# --- a real Docker Engine (tests/lib-docker.sh), the project brought up by compose ---
source "$ROOT/tests/lib-docker.sh"
t0=$SECONDS
if ! docker_start; then
    not_ok "a real dockerd starts (see above)"
    finish
fi
diag "dockerd ($DOCKER_DRIVER) up with its image in $((SECONDS - t0)) s"
P=$DOCKER_DIR/forge; mkdir -p "$P"
docker_project "$P/docker-compose.yml"
cat >>"$P/docker-compose.yml" <<YML
  oomer:
    image: $DOCKER_IMAGE
    network_mode: none
    mem_limit: 16m
    memswap_limit: 16m
    command: ["dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"]
  crashloop:
    image: $DOCKER_IMAGE
    network_mode: none
    restart: always
    command: ["sh", "-c", "sleep 0.2; exit 3"]
YML
real() { env -u DOCKER_HOST PATH="$REAL_PATH" "$@"; }
rprobe() { real "$PROBE" -H "unix://$DOCKER_SOCK" -p forge "$@" 2>&1 | grep -v '^rss_kb='; }
ps_count() { dk ps -q --filter label=com.docker.compose.project=forge --filter "label=com.docker.compose.service=$1" | wc -l; }
(cd "$P" && real env DOCKER_HOST="unix://$DOCKER_SOCK" docker-compose -p forge up -d --scale api=2 >"$S/up.out" 2>&1) ||
    { not_ok "docker-compose up the project"; sed 's/^/# /' "$S/up.out" | tail -5; finish; }
ok "docker-compose (v1) brings the project up on the real engine"
restarts() { dk inspect -f '{{.RestartCount}}' "$(dk ps -aq --filter label=com.docker.compose.service=crashloop | head -1)"; }
wait_for 30 sh -c "[ \$(DOCKER_HOST=unix://$DOCKER_SOCK $DOCKER_CLI inspect -f '{{.RestartCount}}' \$(DOCKER_HOST=unix://$DOCKER_SOCK $DOCKER_CLI ps -aq --filter label=com.docker.compose.service=crashloop)) -ge 3 ]"
wait_for 20 sh -c "DOCKER_HOST=unix://$DOCKER_SOCK $DOCKER_CLI inspect -f '{{.State.Status}}' forge_oomer_1 | grep -q exited"

# the loop's exit code is on the container only between two runs (docker clears it while
# the container runs): poll while it waits to restart; on a slow machine it may start
# again before the poll reads it, so up to three tries
between() { [ "$(dk inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$(dk ps -aq --filter label=com.docker.compose.service=crashloop | head -1)")" = "restarting 3" ]; }
for try in 1 2 3; do
    wait_for 20 between
    out=$(rprobe poll)
    grep -q 'status="restarting [0-9]*x, exit 3' <<<"$(line "service crashloop" "$out")" && break
    diag "try $try: the poll caught the loop while it ran"
done
expect_eq "real engine: poll succeeds" ok "$(awk '/^poll/{print $2}' <<<"$out")"
api=$(line "service api" "$out")
expect_eq "real engine: api counts match docker ps" "$(ps_count api) $(ps_count api)" \
    "$(field desired "$api") $(field ready "$api")"
check "real engine: api has a cpu share of its 0.5 cpu limit ($(field cpu_pct "$api"))" \
    awk -v v="$(field cpu_pct "$api")" 'BEGIN { exit !(v != "nan" && v >= 0 && v < 100) }'
check "real engine: api memory is a share of 2 x 64 MiB ($(field mem_pct "$api"))" \
    awk -v v="$(field mem_pct "$api")" 'BEGIN { exit !(v != "nan" && v > 0 && v < 100) }'
check "the source says it scales with docker-compose (v1) ($(head -1 <<<"$out"))" \
    grep -q 'notice="scales with docker-compose (v1) 1\.[0-9.]*' <<<"$out"
o=$(line "service oomer" "$out")
# The engine sets OOMKilled from the kernel's oom_kill event, which it can miss (then it says
# 137 and no more, and so must forgetop): the flag is read as docker inspect reads it.
if [ "$(dk inspect -f '{{.State.OOMKilled}}' forge_oomer_1)" = true ]; then
    want='status="exited: forge_oomer_1 (137, OOMKilled)"'
else
    diag "the engine missed the OOM kill this run: docker inspect says OOMKilled=false"
    want='status="exited: forge_oomer_1 (137 SIGKILL)"'
fi
check "real engine: the OOM-killed container reads as docker inspect does ($(field status "$o"))" \
    grep -qF "$want" <<<"$o"
cl=$(line "service crashloop" "$out")
check "real engine: a restart loop reads as one ($(field status "$cl"))" \
    grep -qE 'ready=0 .*status="restarting [0-9]+x, exit 3: forge_crashloop_1"' <<<"$cl"
check "real engine: its restarts are on the container" \
    awk -v r="$(field restarts "$(line "pod forge_crashloop_1" "$out")")" 'BEGIN { exit !(r >= 3) }'
expect_eq "real engine: redis's container_name makes it unscalable, before +" \
    "1 has a fixed container_name: docker compose cannot scale it" \
    "$(field unscalable "$(line "service redis" "$out")") $(field why "$(line "service redis" "$out")")"
out=$(rprobe poll poll)
s1=$(sed -nE 's/^poll ok seconds=([0-9.]+).*/\1/p' <<<"$out" | head -1)
s2=$(sed -nE 's/^poll ok seconds=([0-9.]+).*/\1/p' <<<"$out" | tail -1)
# dockerd 20.10 answers any stats request at its collector's next tick (about 1 s), one-shot
# or not; a poll must still fit in the 2 s interval the header shows
check "real engine: a later poll fits in the 2 s interval (${s1:-?} s, then ${s2:-?} s)" \
    awk -v b="${s2:-99}" 'BEGIN { exit !(b < 2) }'
check "real engine: and its cpu is known ($(field cpu_pct "$(grep '^service api ' <<<"$out" | tail -1)"))" \
    awk -v v="$(field cpu_pct "$(grep '^service api ' <<<"$out" | tail -1)")" 'BEGIN { exit !(v != "nan") }'
dk pause forge_agent-worker_1 >/dev/null
out=$(rprobe poll)
w=$(line "service agent-worker" "$out")
expect_eq "real engine: a paused container is named" "paused: forge_agent-worker_1" "$(field status "$w")"
check "real engine: and its memory still counted ($(field mem_bytes "$w"))" \
    awk -v v="$(field mem_bytes "$w")" 'BEGIN { exit !(v != "nan" && v > 0) }'
dk unpause forge_agent-worker_1 >/dev/null

out=$(rprobe scale api 2 3)
expect_eq "real engine: docker-compose scales api up" "scale ok: scaled api 2 -> 3" "$(line scale "$out")"
expect_eq "real engine: docker ps shows 3" 3 "$(ps_count api)"
out=$(rprobe scale api 3 1)
expect_eq "real engine: and down" "scale ok: scaled api 3 -> 1" "$(line scale "$out")"
expect_eq "real engine: docker ps shows 1" 1 "$(ps_count api)"
out=$(rprobe -f "$P/missing.yml" scale api 1 2)
check "real engine: compose v1's failure is its error line ($out)" \
    grep -q "scale failed: docker-compose exited 1: .*missing.yml" <<<"$out"

real env DOCKER_HOST="unix://$DOCKER_SOCK" "$BIN" --compose-project forge --once --json >"$S/real.json" 2>"$S/real.err"
# (the redirect of a check's output would swallow its ok line too: the value is compared)
expect_eq "real engine: --once --json has the loop's restarts and status" True \
    "$(json_get "$S/real.json" '[s for s in d["services"] if s["name"] == "crashloop" and s["restarts"] >= 3 and "restarting" in s["status"]] != []')"
kill -STOP "$DOCKER_PID"
out=$(rprobe -t 1 poll)
check "dockerd stopped (SIGSTOP): the poll times out, in words ($out)" grep -q '^poll error.*timed out' <<<"$out"
kill -CONT "$DOCKER_PID"
out=$(rprobe poll)
expect_eq "SIGCONT: it reads again" ok "$(awk '/^poll/{print $2}' <<<"$out")"
docker_kill
out=$(rprobe poll)
check "dockerd killed: failing, in words ($out)" grep -qE '^poll error.*docker: (no such socket|cannot connect|.*Connection refused)' <<<"$out"
docker_daemon
out=$(rprobe poll)
expect_eq "dockerd restarted: it reads again" ok "$(awk '/^poll/{print $2}' <<<"$out")"
diag "real-engine part: $((SECONDS - t0)) s"
finish
