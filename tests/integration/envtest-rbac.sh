#!/usr/bin/env bash
# envtest-rbac.sh - forgetop's permissions against the REAL authorizer (kube-apiserver with
# RBAC, tests/lib-envtest.sh), judged by the API server's audit log of what was sent: a
# user who may only update the scale subresource, one who may only patch it, one who may
# patch the HPA, the on-call viewer under a storm of keys, a production context from the
# kubeconfig, and rights granted and revoked while forgetop runs (issue 11).
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/lib-envtest.sh"
cd "$ROOT" || exit 1
S=$(scratch)
SOCK="forgetop-envtest-$$"
TM() { tmux -L "$SOCK" -f /dev/null "$@"; }
on_exit "tmux -L '$SOCK' kill-server"

PROBE=$(probe_path kube_poll) || { not_ok "kube_poll builds"; finish; }
envtest_start "$S" || finish
envtest_open_forge && envtest_pods_ready api || { not_ok "the runbook's objects are created"; finish; }
ok "control plane ready; open-forge with api 5/5 ready and api-hpa"

export XDG_STATE_HOME="$S/state" XDG_CONFIG_HOME="$S/config"
unset KUBECONFIG FORGETOP_READ_ONLY

# perm USER WHAT : what forgetop --once --json reports USER may do: True, False or None.
# WHAT is scale or hpa (the "rbac" object); before it existed, "RBAC: read-only" in the
# notice was the only word, and for scale only.
perm() {
    "$BIN" --kubeconfig "$S/$1.kubeconfig" --once --json >"$S/perm-$1.json" 2>/dev/null
    json_get "$S/perm-$1.json" "d['rbac']['$2'] if isinstance(d.get('rbac'), dict) else \
(('RBAC: read-only' not in (d['notice'] or '')) if '$2' == 'scale' else 'not reported')"
}
writes() { envtest_writes "$1" | grep -c . || true; }
replicas() { envtest_replicas api; }
# scale_as USER [--hpa-min] : the scale path outside the dashboard, one more replica.
scale_as() {
    local n
    n=$(replicas)
    "$PROBE" --kubeconfig "$S/$1.kubeconfig" --scale api "$n" $((n + 1)) "${@:2}" >"$S/scale-$1.json" 2>&1
    diag "$1: $(cat "$S/scale-$1.json")"
}

# --- the scale subresource: update (PUT) or patch. Whatever forgetop reports for a user
# must be what the server then does with what forgetop sends.
allowed_user=""
n_allowed=0
for u in updater patcher; do
    p=$(perm "$u" scale)
    before=$(writes "$u")
    scale_as "$u"
    sent=$(envtest_writes "$u" | tail -n +$((before + 1)))
    diag "$u: forgetop reports scale=$p; the server saw: ${sent:-nothing}"
    if [ "$p" = True ]; then
        n_allowed=$((n_allowed + 1)) allowed_user=$u
        check "$u: reported able to scale, and the server accepted what was sent" \
            grep -qE '^(update|patch) deployments/scale api 20[01]$' <<<"$sent"
    else
        expect_eq "$u: reported read-only for scale ($p), and nothing was sent" "" "$sent"
    fi
done
expect_eq "exactly one of updater (update only) and patcher (patch only) can scale" "1" "$n_allowed"
expect_eq "the updater is reported able to scale: forgetop scales with a PUT (rails)" "True" "$(perm updater scale)"

# --- m: a merge patch of the HPA's minReplicas, probed on its own verb
expect_eq "hpa-patcher: reported able to patch the HPA (rails)" "True" "$(perm hpa-patcher hpa)"
expect_eq "hpa-patcher: reported read-only for a count" "False" "$(perm hpa-patcher scale)"
before=$(writes hpa-patcher)
"$PROBE" --kubeconfig "$S/hpa-patcher.kubeconfig" --scale api "$(replicas)" 4 --hpa-min >"$S/m.json" 2>&1
diag "hpa-patcher m: $(cat "$S/m.json")"
check "hpa-patcher: m sends the HPA patch and the server accepts it (rails)" \
    grep -qE '^patch horizontalpodautoscalers api-hpa 200$' <<<"$(envtest_writes hpa-patcher | tail -n +$((before + 1)))"
expect_eq "updater: reported unable to patch the HPA (rails)" "False" "$(perm updater hpa)"
before=$(writes updater)
"$PROBE" --kubeconfig "$S/updater.kubeconfig" --scale api "$(replicas)" 4 --hpa-min >"$S/m2.json" 2>&1
expect_eq "updater: m is refused before anything is sent" "" \
    "$(envtest_writes updater | tail -n +$((before + 1)))"

# --- the viewer, headless: reported read-only, and the scale path sends nothing
expect_eq "viewer: reported read-only for scale" "False" "$(perm viewer scale)"
scale_as viewer
scale_as viewer --hpa-min
expect_eq "viewer: neither a count nor m is sent" "" "$(envtest_writes viewer)"

# --- in a terminal (tmux): start NAME KUBECONFIG ARGS...
start() {
    local name=$1 kc=$2; shift 2
    TM new-session -d -s "$name" -x 120 -y 30 \
        "env -u NO_COLOR -u FORGETOP_READ_ONLY -u KUBECONFIG XDG_STATE_HOME='$S/state-$name' XDG_CONFIG_HOME='$S/config' LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color '$BIN' --kubeconfig '$kc' -d 1 $*; echo \$? >'$S/$name.exit'; sleep 120"
}
screen() { TM capture-pane -p -t "$1"; }
# faudit NAME RESULT [production] : lines of the session's own audit log with that result
faudit() {
    local f="$S/state-$1/forgetop/audit.log"
    [ -f "$f" ] || { echo 0; return; }
    python3 - "$f" "$2" "${3:-}" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("result") == sys.argv[2] and (not sys.argv[3] or e.get("production") is True):
        n += 1
print(n)
PY
}
shows() { screen "$1" | grep -qF -- "$2"; }
keys() { local s=$1; shift; TM send-keys -t "$s" "$@"; sleep 0.3; }
dump() { screen "$1" | grep -v '^ *$' | sed 's/^/# /'; }
header() { screen "$1" | head -1; }
# storm SESSION : every key that could change the cluster, with and without a dialog.
storm() {
    local s=$1
    keys "$s" / a p i Enter
    keys "$s" + y
    keys "$s" - y
    keys "$s" s 9 Enter y y
    keys "$s" a y
    keys "$s" + m y
    keys "$s" Escape g Space j Space s 2 Enter y y
    keys "$s" + Enter - Enter a Enter + Y + y y
}

# ---- the viewer under a storm of keys
start viewer "$S/viewer.kubeconfig"
if wait_for 20 shows viewer " api "; then ok "viewer: the dashboard lists the deployments"; else not_ok "viewer: the dashboard lists the deployments"; dump viewer; fi
if wait_for 10 shows viewer "READ-ONLY (RBAC)"; then ok "viewer: the header says READ-ONLY (RBAC)"; else not_ok "viewer: the header says READ-ONLY (RBAC)"; header viewer | sed 's/^/# /'; fi
storm viewer
sleep 1
expect_eq "viewer: under a storm of keys the API server saw no write from the viewer" "" "$(envtest_writes viewer)"
check "viewer: forgetop's own audit log has the refused attempts (rails)" test "$(faudit viewer refused)" -gt 0
check "viewer: ...only its access reviews (the audit log did see it ask)" \
    test "$(envtest_requests viewer create selfsubjectaccessreviews)" -gt 0
keys viewer q

# ---- the user forgetop reports able to scale: + y in the dashboard scales api
u=${allowed_user:-updater}
start rw "$S/$u.kubeconfig"
wait_for 20 shows rw " api "
if wait_for 10 shows rw "READ-WRITE"; then ok "$u: the header says READ-WRITE"; else not_ok "$u: the header says READ-WRITE"; header rw | sed 's/^/# /'; fi
before=$(writes "$u")
n=$(replicas)
keys rw / a p i Enter
keys rw +
if wait_for 5 shows rw "Scale api"; then ok "$u: + opens the confirmation for api"; else not_ok "$u: + opens the confirmation for api"; dump rw; fi
keys rw y
if wait_for 10 test "$(replicas)" = $((n + 1)); then ok "$u: y scales api $n -> $((n + 1)) on the real server"; else not_ok "$u: y scales api $n -> $((n + 1))"; dump rw; fi
check "$u: the audit log has exactly that one accepted write" \
    grep -qxE '(update|patch) deployments/scale api 200' <<<"$(envtest_writes "$u" | tail -n +$((before + 1)))"
keys rw q

# ---- production from the kubeconfig's current-context: read-only, nothing is sent
envtest_kubeconfig "$S/prod.kubeconfig" produser prod-eu-1
printf '[forgetop]\nproduction_pattern = *prod*\nproduction_read_only = true\n' >"$S/prod.conf"
"$BIN" --kubeconfig "$S/prod.kubeconfig" --config "$S/prod.conf" --once --json >"$S/prod.json" 2>"$S/prod.err"
expect_eq "prod-eu-1 from the kubeconfig: --once --json says production and read-only" "prod-eu-1 True True" \
    "$(json_get "$S/prod.json" '"%s %s %s" % (d["context"], d["production"], d["read_only"])')"
start prod "$S/prod.kubeconfig" --config "$S/prod.conf"
wait_for 20 shows prod " api "
if wait_for 10 shows prod "PROD"; then ok "prod-eu-1: the header shows PROD"; else not_ok "prod-eu-1: the header shows PROD"; header prod | sed 's/^/# /'; fi
check "prod-eu-1: the header says READ-ONLY, not READ-WRITE" \
    bash -c "screen() { tmux -L '$SOCK' capture-pane -p -t prod; }; screen | head -1 | grep -q ' READ-ONLY ' && ! screen | head -1 | grep -q READ-WRITE"
storm prod
sleep 1
expect_eq "prod-eu-1: a user the server would let write anything sent nothing under a storm" "" \
    "$(envtest_writes produser)"
check "prod-eu-1: forgetop's own audit log has the refusals, marked production (rails)" \
    test "$(faudit prod refused production)" -gt 0
keys prod q

# ---- rights granted and revoked while forgetop runs, noticed within one probe interval
printf '[forgetop]\naccess_probe_interval = 3\n' >"$S/probe.conf"
start live "$S/oncall.kubeconfig" --config "$S/probe.conf"
if wait_for 20 shows live "READ-ONLY (RBAC)"; then ok "oncall, reads only: READ-ONLY (RBAC)"; else not_ok "oncall, reads only: READ-ONLY (RBAC)"; dump live; cat "$S/live.exit" 2>/dev/null | sed 's/^/# exit /'; fi
envtest_grant oncall forgetop-scale-update && envtest_grant oncall forgetop-scale-patch
t0=$(date +%s.%N)
if wait_for 8 shows live "READ-WRITE"; then
    ok "update and patch granted while running: READ-WRITE within one interval (3 s; 8 s allowed on a busy machine)"
    diag "granted: noticed after $(echo "$(date +%s.%N) - $t0" | bc | cut -c1-4)s"
else
    not_ok "granted while running: READ-WRITE within one interval"; header live | sed 's/^/# /'
fi
before=$(writes oncall)
n=$(replicas)
keys live / a p i Enter
keys live +
wait_for 5 shows live "Scale api"
keys live y
if wait_for 10 test "$(replicas)" = $((n + 1)); then ok "oncall: the granted right scales api"; else not_ok "oncall: the granted right scales api"; dump live; fi
envtest_revoke oncall forgetop-scale-update && envtest_revoke oncall forgetop-scale-patch
t0=$(date +%s.%N)
if wait_for 8 shows live "READ-ONLY (RBAC)"; then
    ok "revoked while running: READ-ONLY (RBAC) within one interval"
    diag "revoked: noticed after $(echo "$(date +%s.%N) - $t0" | bc | cut -c1-4)s"
else
    not_ok "revoked while running: READ-ONLY (RBAC) within one interval"; header live | sed 's/^/# /'
fi
check "oncall: forgetop is still running (the checks below are not empty by accident)" \
    test ! -e "$S/live.exit"
mid=$(writes oncall)
keys live Escape +
keys live y
sleep 1
expect_eq "revoked: + y sends nothing more" "$mid" "$(writes oncall)"
expect_eq "oncall: no write the server refused was sent (no 403 sent blind)" "" \
    "$(envtest_writes oncall | grep -v ' 20[01]$')"
keys live q

# ---- a session that started while the API server was away: its first probe has no
# answer; once the server is back the badge follows within one interval, and + y scales
if envtest_apiserver_stop; then ok "the API server is stopped"; else not_ok "the API server is stopped"; fi
start late "$S/updater.kubeconfig" --config "$S/probe.conf"
if wait_for 15 shows late "kube ✗"; then ok "started without a server: the source is failing"; else not_ok "started without a server: the source is failing"; dump late; fi
t0=$(date +%s.%N)
if envtest_apiserver_restart; then ok "the API server is back on the same port"; else not_ok "the API server is back"; tail -5 "$S/apiserver.log" | sed 's/^/# /'; fi
diag "restart took $(echo "$(date +%s.%N) - $t0" | bc | cut -c1-4)s"
if wait_for 10 shows late "READ-WRITE"; then
    ok "updater, first probe unanswered: READ-WRITE once the server answers"
else
    not_ok "updater, first probe unanswered: READ-WRITE once the server answers"; header late | sed 's/^/# /'
fi
n=$(replicas)
keys late / a p i Enter
keys late +
wait_for 5 shows late "Scale api"
keys late y
if wait_for 10 test "$(replicas)" = $((n + 1)); then ok "...and + y scales api"; else not_ok "...and + y scales api"; dump late; fi
keys late q
finish
