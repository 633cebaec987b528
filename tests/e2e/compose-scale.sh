#!/usr/bin/env bash
# compose-scale.sh - the dashboard on a Compose project: the real binary in tmux against
# the fake Docker Engine, with the `docker` shim first on PATH. `+` then `y` runs
# docker compose with the runbook's argument vector and the table shows the new count;
# a fixed container_name is refused before anything runs; compose's failure reaches the
# status line; in read-only mode the shim never runs.
source "$(dirname "$0")/../lib.sh"
cd "$ROOT" || exit 1
S=$(scratch)
SOCK=$S/docker.sock STATE=$S/state.json SHIMLOG=$S/shim.log AUDIT=$S/state/forgetop/audit.log
TMUX_SOCK="forgetop-compose-$$"
TM() { tmux -L "$TMUX_SOCK" -f /dev/null "$@"; }
on_exit "tmux -L '$TMUX_SOCK' kill-server"

# working_dir: the containers' config_files label names $S/docker-compose.yml, which is here
printf 'services:\n  api:\n    image: forge/api\n' >"$S/docker-compose.yml"
cat >"$STATE" <<JSON
{"project": "forge", "working_dir": "$S", "containers": [
 {"service": "api", "number": 1, "health": "healthy", "cpus_limit": 1, "mem_limit": 536870912,
  "cpu": 0.5, "mem": 201326592},
 {"service": "api", "number": 2, "health": "healthy", "cpus_limit": 1, "mem_limit": 536870912,
  "cpu": 0.25, "mem": 100663296},
 {"service": "redis", "name": "forge-redis", "cpu": 0.1, "mem": 33554432}
]}
JSON
python3 tests/fakes/docker_engine.py --socket "$SOCK" --state "$STATE" >"$S/fake.out" 2>&1 &
on_exit "kill $!"
wait_for 10 test -S "$SOCK" || { not_ok "fake engine listens"; finish; }
[ -x "$BIN" ] || make -s BUILD="$BUILD" >/dev/null

# start NAME ENV... -- ARGS...
start() {
    local name=$1 envs=()
    shift
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do envs+=("$1"); shift; done
    shift
    TM new-session -d -s "$name" -x 100 -y 30 \
        "env -u NO_COLOR -u FORGETOP_READ_ONLY -u DOCKER_HOST XDG_STATE_HOME='$S/state' XDG_CONFIG_HOME='$S/config' LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color PATH='$ROOT/tests/fakes:$PATH' DOCKER_SHIM_LOG='$SHIMLOG' DOCKER_SHIM_STATE='$STATE' ${envs[*]} '$BIN' --compose-project forge -d 1 --config /dev/null ${*}; echo \$? >'$S/$name.exit'; sleep 60"
}
screen() { TM capture-pane -p -t "$1"; }
shows() { screen "$1" | grep -qF -- "$2"; }
lacks() { ! screen "$1" | grep -qF -- "$2"; }
keys() { local s=$1; shift; TM send-keys -t "$s" "$@"; sleep 0.4; }
shim_runs() { [ -f "$SHIMLOG" ] && wc -l <"$SHIMLOG" | tr -d ' ' || echo 0; }
row() { screen "$1" | grep -E "^. +$2 " | head -1; }
dump() { screen "$1" | sed 's/^/# /'; }

# ---- the project on screen ------------------------------------------------------------
start rw DOCKER_HOST="unix://$SOCK" --
if wait_for 10 sh -c "tmux -L '$TMUX_SOCK' capture-pane -p -t rw | grep -qE ' api +2/2 '"; then
    ok "the dashboard shows the project's api at 2/2"
else
    not_ok "the dashboard shows the project's api at 2/2"; dump rw
fi
check "the compose source is in the header" shows rw "compose"
check "the cpu column says it is a share of the limit, as docker stats counts" shows rw "CPU % of limit"
check "redis is listed" test -n "$(row rw redis)"

# ---- + then y: docker compose runs, the table follows --------------------------------
keys rw / a p i Enter
keys rw +
check "+ opens the confirmation for api" shows rw "Scale api?"
check "the confirmation names the project" shows rw "forge"
check "the confirmation says 2 -> 3" shows rw "2 -> 3"
expect_eq "nothing runs before y" 0 "$(shim_runs)"
keys rw y
if wait_for 10 shows rw "scaled api 2 -> 3"; then
    ok "y: the status line says scaled api 2 -> 3"
else
    not_ok "y: the status line says scaled api 2 -> 3"; dump rw
fi
expect_eq "docker compose ran once" 1 "$(shim_runs)"
expect_eq "with the runbook's argument vector" \
    "[\"docker\", \"compose\", \"-p\", \"forge\", \"-f\", \"$S/docker-compose.yml\", \"up\", \"-d\", \"--no-recreate\", \"--no-deps\", \"--scale\", \"api=3\", \"api\"]" \
    "$(tail -1 "$SHIMLOG")"
check "the table shows api at 3/3" wait_for 10 sh -c "tmux -L '$TMUX_SOCK' capture-pane -p -t rw | grep -qE ' api +3/3 '"
check "the audit log records it applied" grep -q '"target":"api".*"from":2,"to":3.*"result":"applied"' "$AUDIT"

# ---- a fixed container_name: refused before anything runs ----------------------------
keys rw / Escape
keys rw / r e d i s Enter
keys rw +
keys rw y
sleep 0.6
check "redis: the refusal says why" shows rw "fixed container_name"
expect_eq "redis: docker compose never ran" 1 "$(shim_runs)"
keys rw q

# ---- compose fails: its status and last line reach the status line ------------------
start fail DOCKER_HOST="unix://$SOCK" DOCKER_SHIM_EXIT=1 "DOCKER_SHIM_ERROR='no such service: api'" --
wait_for 10 sh -c "tmux -L '$TMUX_SOCK' capture-pane -p -t fail | grep -qE ' api +3/3 '"
keys fail / a p i Enter
keys fail +
keys fail y
if wait_for 10 shows fail "docker compose exited 1: no such service: api"; then
    ok "a failed compose shows its exit status and last line"
else
    not_ok "a failed compose shows its exit status and last line"; dump fail
fi
check "the audit log records the failure" grep -q '"result":"failed".*no such service: api' "$AUDIT"
keys fail q

# ---- read-only: the shim never runs ---------------------------------------------------
n=$(shim_runs)
start ro DOCKER_HOST="unix://$SOCK" -- -R
wait_for 10 sh -c "tmux -L '$TMUX_SOCK' capture-pane -p -t ro | grep -qE ' api +3/3 '"
check "-R shows the READ-ONLY badge" shows ro "READ-ONLY"
keys ro / a p i Enter
keys ro +
check "-R: + says scaling is disabled" shows ro "scaling is disabled in read-only mode"
keys ro y a y s 9 Enter y - y Space + y
sleep 1
check "-R: no confirmation opens" lacks ro "Scale api?"
expect_eq "-R: docker compose never ran" "$n" "$(shim_runs)"
keys ro q

# ---- production: the project named by the compose file's folder, no --compose-project
mkdir -p "$S/forge" && : >"$S/forge/docker-compose.yml"
printf '[forgetop]\nproduction_pattern = forge\nproduction_read_only = true\n' >"$S/prod.conf"
TM new-session -d -s prod -x 100 -y 30 \
    "env -u NO_COLOR -u FORGETOP_READ_ONLY -u COMPOSE_PROJECT_NAME DOCKER_HOST='unix://$SOCK' XDG_STATE_HOME='$S/state' XDG_CONFIG_HOME='$S/config' LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color PATH='$ROOT/tests/fakes:$PATH' DOCKER_SHIM_LOG='$SHIMLOG' DOCKER_SHIM_STATE='$STATE' '$BIN' --compose-file '$S/forge/docker-compose.yml' --config '$S/prod.conf' -d 1; sleep 60"
if wait_for 10 sh -c "tmux -L '$TMUX_SOCK' capture-pane -p -t prod | grep -qE ' api +3/3 '"; then ok "the project named by the file's folder is read"; else not_ok "the project named by the file's folder is read"; dump prod; fi
check "a project named by its folder that matches production_pattern: PROD READ-ONLY" \
    sh -c "tmux -L '$TMUX_SOCK' capture-pane -p -t prod | grep -q 'PROD .*READ-ONLY'"
keys prod / a p i Enter
keys prod +
check "production: + says why" shows prod "forge is production"
keys prod y
sleep 1
expect_eq "production: docker compose never ran" "$n" "$(shim_runs)"
keys prod q
env -u COMPOSE_PROJECT_NAME DOCKER_HOST="unix://$SOCK" "$BIN" --once --json --compose-file "$S/forge/docker-compose.yml" \
    --config "$S/prod.conf" >"$S/prod.json" 2>/dev/null
expect_eq "--once --json: the same decision" "forge True True" \
    "$(json_get "$S/prod.json" 'd["context"] + " " + str(d["production"]) + " " + str(d["read_only"])')"

# ---- a real Docker Engine: docker-compose (v1) scales, dockerd stopped and back ---------
source "$ROOT/tests/lib-docker.sh"
if ! docker_start; then
    not_ok "a real dockerd starts"; finish
fi
P=$DOCKER_DIR/forge; mkdir -p "$P"
docker_project "$P/docker-compose.yml"
dc -p forge -f "$P/docker-compose.yml" up -d --scale api=2 >"$S/up.out" 2>&1 ||
    { not_ok "docker-compose up"; sed 's/^/# /' "$S/up.out" | tail -5; finish; }
ps_count() { dk ps -q --filter label=com.docker.compose.project=forge --filter "label=com.docker.compose.service=$1" | wc -l; }
TM new-session -d -s real -x 100 -y 30 \
    "env -u NO_COLOR -u FORGETOP_READ_ONLY XDG_STATE_HOME='$S/rstate' XDG_CONFIG_HOME='$S/config' LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color DOCKER_HOST='unix://$DOCKER_SOCK' '$BIN' --compose-project forge -d 1 --config /dev/null; sleep 60"
if wait_for 20 sh -c "tmux -L '$TMUX_SOCK' capture-pane -p -t real | grep -qE ' api +2/2 '"; then
    ok "real engine: the dashboard shows api at 2/2"
else
    not_ok "real engine: the dashboard shows api at 2/2"; dump real
fi
check "real engine: the header shows the project, not a Kubernetes namespace" \
    sh -c "tmux -L '$TMUX_SOCK' capture-pane -p -t real | head -1 | grep -q '^forgetop forge ' && ! tmux -L '$TMUX_SOCK' capture-pane -p -t real | head -1 | grep -q open-forge"
keys real / a p i Enter
keys real +
check "real engine: + opens the confirmation" shows real "Scale api?"
keys real y
if wait_for 30 shows real "scaled api 2 -> 3"; then
    ok "real engine: y runs docker-compose and says scaled api 2 -> 3"
else
    not_ok "real engine: y runs docker-compose and says scaled api 2 -> 3"; dump real
fi
expect_eq "real engine: docker ps shows 3 api containers" 3 "$(ps_count api)"
check "real engine: the table follows to 3/3" wait_for 10 sh -c "tmux -L '$TMUX_SOCK' capture-pane -p -t real | grep -qE ' api +3/3 '"
keys real Escape
kill -STOP "$DOCKER_PID"
if wait_for 25 sh -c "tmux -L '$TMUX_SOCK' capture-pane -p -t real | sed -n 2p | grep -qE 'compose .*[0-9]+s stale'"; then
    ok "real engine: dockerd stopped (SIGSTOP): the source goes stale with its age"
else
    not_ok "real engine: dockerd stopped (SIGSTOP): the source goes stale with its age"; dump real
fi
kill -CONT "$DOCKER_PID"
check "real engine: SIGCONT: fresh again" wait_for 15 sh -c "tmux -L '$TMUX_SOCK' capture-pane -p -t real | sed -n 2p | grep -q 'compose ✓'"
docker_kill
check "real engine: dockerd killed: the source is failing" \
    wait_for 15 sh -c "tmux -L '$TMUX_SOCK' capture-pane -p -t real | sed -n 2p | grep -qE 'compose .*(failing|stale)'"
docker_daemon
check "real engine: dockerd back: fresh again" wait_for 30 sh -c "tmux -L '$TMUX_SOCK' capture-pane -p -t real | sed -n 2p | grep -q 'compose ✓'"
keys real q
finish
