#!/usr/bin/env bash
# kube-keda.sh - KEDA on the fake Kubernetes API in a real terminal (tmux): agent-worker is
# owned by the ScaledObject agent-worker-scaler (redis list, listLength 10, 1..100) whose
# generated HPA carries an External metric. forgetop shows KEDA and its arithmetic; `m`
# patches the ScaledObject's minReplicaCount and never the HPA; H/U set and remove the
# paused-replicas annotation (checked with kubectl); for api's plain HPA, H raises
# minReplicas and U restores the value its audit line kept; -R and an RBAC denial of
# patch send nothing. The same on the real API server: tests/integration/envtest-keda.sh.
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/fakes/kube_env.sh"
cd "$ROOT" || exit 1
S=$(scratch)
SOCK="forgetop-keda-e2e-$$"
TM() { tmux -L "$SOCK" -f /dev/null "$@"; }
on_exit "tmux -L '$SOCK' kill-server"

kube_fake_start "$S" --state tests/fixtures/kube-keda.json || { not_ok "fake starts"; finish; }
K=$KUBECONFIG_FILE
kc() { kubectl --kubeconfig "$K" -n open-forge "$@" 2>&1; }
ann() { kc get scaledobject agent-worker-scaler -o "jsonpath={.metadata.annotations.autoscaling\.keda\.sh/paused-replicas}"; }
writes() { grep -c '"PUT"\|"PATCH"' "$KUBE_LOG" || true; }

check "kubectl lists the fake's ScaledObject" grep -q "agent-worker-scaler" <<<"$(kc get scaledobjects)"

# ---- headless: the JSON says KEDA, with its own parameters and arithmetic
XDG_STATE_HOME="$S/state" XDG_CONFIG_HOME="$S/config" "$BIN" --kubeconfig "$K" --once --json >"$S/once.json" 2>"$S/once.err"
w() { json_get "$S/once.json" "[s for s in d['services'] if s['name']=='agent-worker'][0]$1" 2>/dev/null; }
expect_eq "agent-worker's autoscaler is KEDA's ScaledObject" "KEDA agent-worker-scaler 1 100" \
    "$(w "['autoscaler']['kind']") $(w "['autoscaler']['name']") $(w "['autoscaler']['min']") $(w "['autoscaler']['max']")"
expect_eq "with its trigger and parameter" "redis agent:tasks:pending listLength 10" \
    "$(w "['autoscaler']['keda']['trigger']") $(w "['autoscaler']['keda']['what']") $(w "['autoscaler']['keda']['param']") $(w "['autoscaler']['keda']['target']")"
expect_eq "the generated HPA is KEDA's, its External metric decoded" \
    "keda-hpa-agent-worker-scaler External AverageValue 34" \
    "$(w "['autoscaler']['keda']['hpa']") $(w "['autoscaler']['external']['kind']") $(w "['autoscaler']['external']['target_type']") $(w "['autoscaler']['external']['current']")"
check "the recommendation is KEDA's: ceil(queue 340 / listLength 10) = 34, within 1..100" \
    grep -q "ceil(queue 340 / listLength 10) = 34, within 1..100" <<<"$(w "['reason']")"
expect_eq "and its count: 34, then the HPA's scale-up limit without behavior, max(2 x 10, 4)" "20" \
    "$(w "['recommended']")"
check "the generated HPA is no service owner of its own" \
    test "$(json_get "$S/once.json" "len([s for s in d['services'] if s['autoscaler'] and s['autoscaler']['name'].startswith('keda-hpa')])")" = 0

start() { # NAME ARGS...
    local name=$1; shift
    TM new-session -d -s "$name" -x 200 -y 40 \
        "env -u NO_COLOR -u FORGETOP_READ_ONLY -u KUBECONFIG XDG_STATE_HOME='$S/state' XDG_CONFIG_HOME='$S/config' LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color '$BIN' --kubeconfig '$K' -d 1 $*; sleep 60"
}
screen() { TM capture-pane -p -t "$1"; }
shows() { screen "$1" | grep -qF -- "$2"; }
keys() { local s=$1; shift; TM send-keys -t "$s" "$@"; sleep 0.4; }
dump() { screen "$1" | sed 's/^/# /'; }
waits() { # SESSION TEXT WHAT
    if wait_for 10 shows "$1" "$2"; then ok "$3"; else not_ok "$3"; dump "$1"; fi
}

# ---- m on a KEDA target: the ScaledObject's minReplicaCount, never the HPA
start rw
# the header's "kube ✓": its first poll is in (the metrics table names agent-worker before)
waits rw "kube ✓" "the dashboard lists the fake's deployments"
keys rw / a g e n t Enter
keys rw +
waits rw "KEDA owns the count: ScaledObject agent-worker-scaler" "+ says KEDA owns the count"
check "and offers m on the ScaledObject, not its HPA" \
    shows rw "m sets agent-worker-scaler's minReplicaCount 1 -> 11 instead, for good (not its HPA)"
keys rw m
waits rw "set agent-worker-scaler minReplicaCount 1 -> 11" "m: the status line says minReplicaCount 1 -> 11"
expect_eq "kubectl: spec.minReplicaCount is 11" "11" \
    "$(kc get scaledobject agent-worker-scaler -o jsonpath='{.spec.minReplicaCount}')"
check "the fake recorded a merge patch of the ScaledObject" \
    grep -q '"PATCH".*scaledobjects/agent-worker-scaler.*minReplicaCount' "$KUBE_LOG"
check "and no write to any HPA" bash -c "! grep -q horizontalpodautoscalers '$KUBE_LOG'"

# ---- H: hold at the count shown; the row says PAUSED; U removes it
keys rw H
waits rw "Hold agent-worker at" "H asks for the count to hold at"
keys rw Enter
waits rw 'annotation autoscaling.keda.sh/paused-replicas: "10"' "the hold dialog names the annotation"
check "and says KEDA owns the count" shows rw "KEDA owns the count: it scales to this"
keys rw y
waits rw "paused agent-worker-scaler at 10" "y: the status line says paused at 10"
expect_eq "kubectl: the paused-replicas annotation is \"10\"" "10" "$(ann)"
waits rw "PAUSED at 10" "the row shows the PAUSED at 10 badge"
keys rw U
waits rw "Resume agent-worker?" "U asks to resume"
keys rw y
waits rw "resumed agent-worker-scaler" "y: resumed"
expect_eq "kubectl: the annotation is gone" "" "$(ann)"
hides() { ! shows "$1" "$2"; }
if wait_for 10 hides rw "PAUSED at"; then
    ok "the badge goes with the next poll"
else
    not_ok "the badge goes with the next poll"; dump rw
fi
check "still no write to any HPA" bash -c "! grep -q horizontalpodautoscalers '$KUBE_LOG'"
AUD="$S/state/forgetop/audit.log"
check "the audit names the ScaledObject and the annotation" \
    grep -q '"action":"hold".*"object":"scaledobject/agent-worker-scaler","field":"metadata.annotations.autoscaling.keda.sh/paused-replicas"' "$AUD"

# ---- a plain HPA: H raises minReplicas, the old value in the audit; U restores it
keys rw Escape / Escape
keys rw / a p i Enter
keys rw H 6 Enter
waits rw "HPA api-hpa: minReplicas 3 -> 6" "H on api: the dialog raises api-hpa's minReplicas 3 -> 6"
keys rw y
waits rw "set api-hpa minReplicas 3 -> 6" "y: api-hpa minReplicas 3 -> 6"
expect_eq "kubectl: api-hpa minReplicas 6" "6" "$(kc get hpa api-hpa -o jsonpath='{.spec.minReplicas}')"
check "the audit keeps the previous minimum: hold from 3" \
    grep -q '"from":3,"to":6,.*"action":"hold","object":"horizontalpodautoscaler/api-hpa"' "$AUD"
keys rw Enter
waits rw "U restores 3" "the detail screen offers to restore 3"
keys rw U
waits rw "HPA api-hpa: minReplicas 6 -> 3" "U: the dialog restores minReplicas 6 -> 3"
keys rw y
waits rw "set api-hpa minReplicas 6 -> 3" "y: restored"
expect_eq "kubectl: api-hpa minReplicas 3 again" "3" "$(kc get hpa api-hpa -o jsonpath='{.spec.minReplicas}')"
keys rw q q

# ---- read-only and RBAC: the same keys send nothing
before=$(writes)
start ro -R
waits ro "kube ✓" "-R: the dashboard starts"
keys ro / a g e n t Enter
keys ro H
waits ro "read-only" "-R: H is refused"
keys ro Enter y U y + m
sleep 1
expect_eq "-R: the fake received no write" "$before" "$(writes)"
check "-R: forgetop's audit says refused for H" grep -q '"action":"hold".*"result":"refused","message":"scaling is disabled in read-only mode"' "$AUD"
keys ro q

mkdir -p "$S/config/forgetop"
printf '[forgetop]\naccess_probe_interval = 2\n' >"$S/config/forgetop/forgetop.conf"
kube_control '{"ssar_allowed": {"patch": false}}'
start rbac
waits rbac "KEDA: no" "SSAR denies patch: the header says KEDA: no"
keys rbac / a g e n t Enter
keys rbac H Enter
waits rbac "RBAC: the cluster denies patch on scaledobjects.keda.sh" "H is refused, naming the verb"
keys rbac y U y
sleep 1
expect_eq "RBAC: the fake received no write" "$before" "$(writes)"
check "the refusal is in the audit log" \
    grep -q '"result":"refused","message":"RBAC: the cluster denies patch on scaledobjects.keda.sh' "$AUD"
keys rbac q
finish
