#!/usr/bin/env bash
# envtest-keda.sh - KEDA on the REAL API server (tests/lib-envtest.sh): the ScaledObject CRD
# (tests/fixtures/keda-scaledobject-crd.json, a structural copy of KEDA's) installed, the
# runbook's agent-worker-scaler (redis list agent:tasks:pending, listLength 10, 1..100) and
# the HPA KEDA would generate from it (there is no KEDA operator here: the test writes both,
# and the ScaledObject's status as KEDA's controller would). The External metric the HPA
# reads is served on external.metrics.k8s.io as KEDA's metrics adapter would, so the real
# HPA controller computes and writes the HPA's status itself.
# Proves, by the API server's audit log and kubectl: forgetop shows the target as KEDA with
# its trigger; `m` patches the ScaledObject's minReplicaCount and never the HPA; H and U set
# and remove the paused-replicas annotation; -R and the RBAC viewer send none of them, and
# forgetop's own audit says refused.
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/lib-envtest.sh"
cd "$ROOT" || exit 1
S=$(scratch)
SOCK="forgetop-envtest-keda-$$"
TM() { tmux -L "$SOCK" -f /dev/null "$@"; }
on_exit "tmux -L '$SOCK' kill-server"

envtest_start "$S" || finish
envtest_open_forge || { not_ok "the runbook's objects are created"; finish; }
kadm POST /apis/apiextensions.k8s.io/v1/customresourcedefinitions \
    "$(cat tests/fixtures/keda-scaledobject-crd.json)" >/dev/null || { not_ok "the ScaledObject CRD is created"; finish; }
if wait_for 30 kadm GET /apis/keda.sh/v1alpha1/namespaces/open-forge/scaledobjects; then
    ok "the ScaledObject CRD is installed and served"
else
    not_ok "the ScaledObject CRD is installed and served"; finish
fi
# who may patch ScaledObjects: the updater (it also reads them through forgetop-read)
envtest_role forgetop-keda-patch '[{"apiGroups":["keda.sh"],"resources":["scaledobjects"],"verbs":["patch"]}]' &&
    envtest_grant updater forgetop-keda-patch || { not_ok "the KEDA patch role is bound"; finish; }

echo '{"external": {"open-forge/s0-redis-agent-tasks-pending": 100}}' >"$S/load.json"
envtest_metrics "$S/load.json" || { not_ok "metrics.k8s.io is served"; finish; }
port=$(kadm GET /apis/apiregistration.k8s.io/v1/apiservices/v1beta1.metrics.k8s.io |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["spec"]["service"]["port"])')
kadm POST /apis/apiregistration.k8s.io/v1/apiservices '{"metadata":{"name":"v1beta1.external.metrics.k8s.io"},
 "spec":{"group":"external.metrics.k8s.io","version":"v1beta1","insecureSkipTLSVerify":true,
  "groupPriorityMinimum":100,"versionPriority":100,
  "service":{"name":"metrics-server","namespace":"kube-system","port":'"$port"'}}}' >/dev/null &&
    wait_for 30 kadm GET /apis/external.metrics.k8s.io/v1beta1/namespaces/open-forge/s0-redis-agent-tasks-pending ||
    { not_ok "external.metrics.k8s.io is served"; finish; }

kadm POST /apis/keda.sh/v1alpha1/namespaces/open-forge/scaledobjects '{
 "apiVersion":"keda.sh/v1alpha1","kind":"ScaledObject","metadata":{"name":"agent-worker-scaler"},
 "spec":{"scaleTargetRef":{"name":"agent-worker"},"minReplicaCount":1,"maxReplicaCount":100,
  "triggers":[{"type":"redis","metadata":{"address":"redis.open-forge.svc:6379",
   "listName":"agent:tasks:pending","listLength":"10"}}]}}' >/dev/null &&
    kadm PATCH /apis/keda.sh/v1alpha1/namespaces/open-forge/scaledobjects/agent-worker-scaler/status '{"status":{
 "hpaName":"keda-hpa-agent-worker-scaler","scaleTargetKind":"apps/v1.Deployment",
 "externalMetricNames":["s0-redis-agent-tasks-pending"],
 "conditions":[{"type":"Ready","status":"True","reason":"ScaledObjectReady"},
  {"type":"Active","status":"True","reason":"ScalerActive"},
  {"type":"Fallback","status":"False","reason":"NoFallbackFound"},
  {"type":"Paused","status":"False","reason":"ScaledObjectUnpaused"}]}}' >/dev/null &&
    kadm POST /apis/autoscaling/v2/namespaces/open-forge/horizontalpodautoscalers '{
 "metadata":{"name":"keda-hpa-agent-worker-scaler","labels":{"scaledobject.keda.sh/name":"agent-worker-scaler"}},
 "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"agent-worker"},
  "minReplicas":1,"maxReplicas":100,
  "metrics":[{"type":"External","external":{"metric":{"name":"s0-redis-agent-tasks-pending",
   "selector":{"matchLabels":{"scaledobject.keda.sh/name":"agent-worker-scaler"}}},
   "target":{"type":"AverageValue","averageValue":"10"}}}]}}' >/dev/null ||
    { not_ok "the ScaledObject, its status and its HPA are written"; finish; }
hpa_status() {
    kadm GET /apis/autoscaling/v2/namespaces/open-forge/horizontalpodautoscalers/keda-hpa-agent-worker-scaler |
        python3 -c 'import json,sys; s=json.load(sys.stdin).get("status",{}); m=s.get("currentMetrics") or [{}]; print(s.get("desiredReplicas"), m[0].get("external",{}).get("current",{}).get("averageValue"))'
}
if wait_for 60 eval '[ "$(hpa_status)" = "10 10" ]'; then
    ok "the real HPA controller reads the External metric: desired 10, averageValue 10"
else
    not_ok "the real HPA controller reads the External metric (got: $(hpa_status))"
fi

unset KUBECONFIG FORGETOP_READ_ONLY
kc() { kubectl --kubeconfig "$S/admin.kubeconfig" -n open-forge "$@" 2>&1; }
ann() { kc get scaledobject agent-worker-scaler -o "jsonpath={.metadata.annotations.autoscaling\.keda\.sh/paused-replicas}"; }
minrc() { kc get scaledobject agent-worker-scaler -o 'jsonpath={.spec.minReplicaCount}'; }
hpa_writes() { envtest_writes "$1" | grep -c horizontalpodautoscalers || true; }

# ---- headless: KEDA with its trigger, and its arithmetic equal to the HPA's count
XDG_STATE_HOME="$S/state-once" "$BIN" --kubeconfig "$S/updater.kubeconfig" --once --json >"$S/once.json" 2>"$S/once.err"
w() { json_get "$S/once.json" "[s for s in d['services'] if s['name']=='agent-worker'][0]$1" 2>/dev/null; }
expect_eq "agent-worker is KEDA's agent-worker-scaler, 1..100" "KEDA agent-worker-scaler 1 100" \
    "$(w "['autoscaler']['kind']") $(w "['autoscaler']['name']") $(w "['autoscaler']['min']") $(w "['autoscaler']['max']")"
expect_eq "its trigger: redis agent:tasks:pending listLength 10" "redis agent:tasks:pending listLength 10" \
    "$(w "['autoscaler']['keda']['trigger']") $(w "['autoscaler']['keda']['what']") $(w "['autoscaler']['keda']['param']") $(w "['autoscaler']['keda']['target']")"
expect_eq "its generated HPA is KEDA's, with the controller's External figure" \
    "keda-hpa-agent-worker-scaler External 10 True" \
    "$(w "['autoscaler']['keda']['hpa']") $(w "['autoscaler']['external']['kind']") $(w "['autoscaler']['external']['current']") $(w "['autoscaler']['keda']['ready']")"
expect_eq "forgetop's KEDA count equals the real HPA controller's (10)" "10 10" \
    "$(w "['recommended']") $(w "['autoscaler']['desired']")"
expect_eq "the RBAC probe: the updater may patch ScaledObjects" "True" "$(json_get "$S/once.json" "d['rbac']['keda']")"

# ---- the dashboard (tmux): start NAME USER ARGS...
start() {
    local name=$1 user=$2; shift 2
    TM new-session -d -s "$name" -x 200 -y 40 \
        "env -u NO_COLOR -u FORGETOP_READ_ONLY -u KUBECONFIG XDG_STATE_HOME='$S/state-$name' XDG_CONFIG_HOME='$S/config' LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color '$BIN' --kubeconfig '$S/$user.kubeconfig' -d 1 $*; sleep 120"
}
screen() { TM capture-pane -p -t "$1"; }
shows() { screen "$1" | grep -qF -- "$2"; }
hides() { ! shows "$1" "$2"; }
keys() { local s=$1; shift; TM send-keys -t "$s" "$@"; sleep 0.4; }
dump() { screen "$1" | grep -v '^ *$' | sed 's/^/# /'; }
waits() { # SESSION TEXT WHAT
    if wait_for 15 shows "$1" "$2"; then ok "$3"; else not_ok "$3"; dump "$1"; fi
}

start rw updater
waits rw "KEDA agent-worker" "the overview shows agent-worker as KEDA's"
keys rw / a g e n t Enter
keys rw Enter
waits rw "redis agent:tasks:pending listLength 10" "the detail shows the trigger with its parameter"
check "and the generated HPA as KEDA's, with the object's conditions" \
    shows rw "HPA keda-hpa-agent-worker-scaler (KEDA's) · Ready True · Active True · Paused False"
keys rw Escape
keys rw +
waits rw "KEDA owns the count: ScaledObject agent-worker-scaler" "+ says KEDA owns the count"
keys rw m
waits rw "set agent-worker-scaler minReplicaCount 1 -> 11" "m: minReplicaCount 1 -> 11"
expect_eq "kubectl: spec.minReplicaCount is 11" "11" "$(minrc)"
check "the audit log: the updater patched the ScaledObject" \
    grep -q '^patch scaledobjects agent-worker-scaler 200$' <<<"$(envtest_writes updater)"
expect_eq "the audit log: no write to horizontalpodautoscalers" "0" "$(hpa_writes updater)"

keys rw H
waits rw "Hold agent-worker at" "H asks for the count to hold at"
keys rw Enter
waits rw 'annotation autoscaling.keda.sh/paused-replicas: "10"' "the hold dialog names the annotation"
keys rw y
waits rw "paused agent-worker-scaler at 10" "y: paused at 10"
expect_eq "kubectl: the annotation autoscaling.keda.sh/paused-replicas is \"10\"" "10" "$(ann)"
waits rw "PAUSED at 10" "the row shows PAUSED at 10"
keys rw U
waits rw "Resume agent-worker?" "U asks to resume"
keys rw y
waits rw "resumed agent-worker-scaler" "y: resumed"
expect_eq "kubectl: the annotation is gone" "" "$(ann)"
if wait_for 15 hides rw "PAUSED at"; then ok "the badge goes"; else not_ok "the badge goes"; dump rw; fi
expect_eq "the audit log: three ScaledObject patches from the updater, no HPA write" \
    "3 0" "$(envtest_writes updater | grep -c '^patch scaledobjects agent-worker-scaler 200$') $(hpa_writes updater)"
FA="$S/state-rw/forgetop/audit.log"
check "forgetop's audit: hold and resume applied on scaledobject/agent-worker-scaler" \
    bash -c "grep -q '\"action\":\"hold\",\"object\":\"scaledobject/agent-worker-scaler\".*\"result\":\"applied\"' '$FA' &&
             grep -q '\"action\":\"resume\",\"object\":\"scaledobject/agent-worker-scaler\".*\"result\":\"applied\"' '$FA'"
keys rw q

# ---- read-only and the viewer: the same keys, nothing sent
storm() {
    keys "$1" / a g e n t Enter
    keys "$1" H Enter y
    keys "$1" U y
    keys "$1" + m
    keys "$1" H 4 Enter y
}
before=$(envtest_writes updater | wc -l)
start ro updater -R
waits ro "KEDA agent-worker" "-R: the dashboard starts"
storm ro
sleep 1
expect_eq "-R: the API server saw no new write from the updater" "$before" "$(envtest_writes updater | wc -l)"
check "-R: forgetop's audit says refused for H" \
    grep -q '"action":"hold".*"result":"refused","message":"scaling is disabled in read-only mode"' "$S/state-ro/forgetop/audit.log"
keys ro q
start view viewer
waits view "KEDA agent-worker" "viewer: the dashboard starts"
waits view "KEDA: no" "viewer: the header says KEDA: no"
storm view
sleep 1
expect_eq "viewer: the API server saw no write at all" "" "$(envtest_writes viewer)"
check "viewer: forgetop's audit says refused, naming patch on scaledobjects.keda.sh" \
    grep -q '"action":"hold".*"result":"refused","message":"RBAC: the cluster denies patch on scaledobjects.keda.sh' "$S/state-view/forgetop/audit.log"
keys view q
expect_eq "kubectl: the ScaledObject is as the updater left it (min 11, not paused)" "11 " "$(minrc) $(ann)"
finish
