#!/usr/bin/env bash
# envtest-why.sh - why a service is not ready, against the REAL kube-apiserver and
# controller manager (tests/lib-envtest.sh): a pod stuck in ImagePullBackOff and one that
# cannot be scheduled, their status written as a kubelet and a scheduler would, with the
# Warning events those write; a deployment whose ReplicaSet cannot create pods (a
# ResourceQuota: FailedCreate, as the real controllers report it). The JSON names each
# reason; the dashboard's detail (tmux) shows the reason, its message and the events.
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/lib-envtest.sh"
cd "$ROOT" || exit 1
S=$(scratch)
SOCK="forgetop-why-$$"
TM() { tmux -L "$SOCK" -f /dev/null "$@"; }
on_exit "tmux -L '$SOCK' kill-server"
# A session that outlives the others: killing the last one ends the server, and a
# new-session sent while it is exiting can race it and fail.
TM new-session -d -s keep "sleep 3600"
NS=/api/v1/namespaces/open-forge
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)

envtest_start "$S" || finish
kadm POST /api/v1/namespaces '{"metadata":{"name":"open-forge"}}' >/dev/null &&
    envtest_deployment web 1 web '{"cpu":"100m","memory":"64Mi"}' '{"memory":"128Mi"}' &&
    envtest_deployment batch 1 batch '{"cpu":"64","memory":"64Mi"}' '{"memory":"128Mi"}' &&
    wait_for 60 envtest_pods_are web 1 && wait_for 60 envtest_pods_are batch 1 ||
    { not_ok "the deployments web and batch are created and their ReplicaSets make the pods"; finish; }
ok "web and batch are created; their real ReplicaSets made one pod each"
WEB_POD=$(envtest_pods web)
BATCH_POD=$(envtest_pods batch)

# --- web's pod: bound by the scheduler, then the kubelet cannot pull its image
kadm POST "$NS/pods/$WEB_POD/binding" "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",
 \"metadata\":{\"name\":\"$WEB_POD\"},\"target\":{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"name\":\"worker-1\"}}" >/dev/null
check "web's pod is bound to worker-1 (the binding subresource, as a scheduler writes it)" \
    test "$(kadm GET "$NS/pods/$WEB_POD" | python3 -c 'import json,sys; print(json.load(sys.stdin)["spec"].get("nodeName"))')" = worker-1
PULL_MSG='Back-off pulling image \"ghcr.io/18bravo/open-forge-web:latest\"'
kadm PATCH "$NS/pods/$WEB_POD/status" "{\"status\":{\"phase\":\"Pending\",\"startTime\":\"$NOW\",
 \"conditions\":[{\"type\":\"PodScheduled\",\"status\":\"True\",\"lastTransitionTime\":\"$NOW\"},
  {\"type\":\"Initialized\",\"status\":\"True\",\"lastTransitionTime\":\"$NOW\"},
  {\"type\":\"ContainersReady\",\"status\":\"False\",\"reason\":\"ContainersNotReady\",\"lastTransitionTime\":\"$NOW\"},
  {\"type\":\"Ready\",\"status\":\"False\",\"reason\":\"ContainersNotReady\",\"lastTransitionTime\":\"$NOW\"}],
 \"containerStatuses\":[{\"name\":\"web\",\"ready\":false,\"started\":false,\"restartCount\":0,
  \"image\":\"ghcr.io/18bravo/open-forge-web:latest\",\"imageID\":\"\",
  \"state\":{\"waiting\":{\"reason\":\"ImagePullBackOff\",\"message\":\"$PULL_MSG\"}}}]}}" >/dev/null
check "web's pod status says ImagePullBackOff (written to /status as a kubelet writes it)" \
    bash -c "kubectl --kubeconfig '$S/viewer.kubeconfig' get pod '$WEB_POD' | grep -q ImagePullBackOff"
# event NAME KIND OBJECT REASON MESSAGE COUNT : a Warning event about OBJECT, from COMPONENT
event() {
    local uid
    uid=$(kadm GET "$NS/$(tr 'A-Z' 'a-z' <<<"$2")s/$3" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["uid"])' 2>/dev/null)
    [ "$2" = ReplicaSet ] && uid=$(kadm GET "/apis/apps/v1/namespaces/open-forge/replicasets/$3" | python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["uid"])')
    kadm POST "$NS/events" "{\"metadata\":{\"name\":\"$1\"},
 \"involvedObject\":{\"kind\":\"$2\",\"namespace\":\"open-forge\",\"name\":\"$3\",\"uid\":\"$uid\"},
 \"type\":\"Warning\",\"reason\":\"$4\",\"message\":\"$5\",\"count\":$6,
 \"firstTimestamp\":\"$NOW\",\"lastTimestamp\":\"$NOW\",\"source\":{\"component\":\"$7\"}}" >/dev/null
}
event "$WEB_POD.pull" Pod "$WEB_POD" Failed \
    'Failed to pull image \"ghcr.io/18bravo/open-forge-web:latest\": manifest unknown' 4 kubelet &&
    event "$WEB_POD.backoff" Pod "$WEB_POD" BackOff "$PULL_MSG" 12 kubelet
check "the kubelet's Warning events about web's pod are stored (core/v1 Event)" \
    bash -c "kubectl --kubeconfig '$S/viewer.kubeconfig' get events --field-selector type=Warning | grep -q 'manifest unknown'"

# --- batch's pod: the scheduler finds no node with 64 cpus
kadm PATCH "$NS/pods/$BATCH_POD/status" "{\"status\":{\"phase\":\"Pending\",
 \"conditions\":[{\"type\":\"PodScheduled\",\"status\":\"False\",\"reason\":\"Unschedulable\",
  \"message\":\"0/3 nodes are available: 3 Insufficient cpu.\",\"lastTransitionTime\":\"$NOW\"}]}}" >/dev/null
event "$BATCH_POD.sched" Pod "$BATCH_POD" FailedScheduling "0/3 nodes are available: 3 Insufficient cpu." 3 default-scheduler

# --- reports: a quota of 2 pods is used up, so its ReplicaSet cannot create one. The
# quota's usage is written as the quota controller would (it does not run here).
kadm POST "$NS/resourcequotas" '{"metadata":{"name":"pods-quota"},"spec":{"hard":{"pods":"2"}}}' >/dev/null &&
    kadm PUT "$NS/resourcequotas/pods-quota/status" '{"metadata":{"name":"pods-quota"},"spec":{"hard":{"pods":"2"}},"status":{"hard":{"pods":"2"},"used":{"pods":"2"}}}' >/dev/null &&
    envtest_deployment reports 1 reports '{"cpu":"100m"}' '{}' ||
    { not_ok "the quota and the deployment reports are created"; finish; }
failed_create() {
    kadm GET /apis/apps/v1/namespaces/open-forge/deployments/reports | python3 -c '
import json, sys
c = [c for c in json.load(sys.stdin)["status"].get("conditions", []) if c["type"] == "ReplicaFailure"]
sys.exit(0 if c and c[0]["status"] == "True" and c[0]["reason"] == "FailedCreate" else 1)'
}
if wait_for 60 failed_create; then
    ok "the real controllers report reports' ReplicaFailure=True FailedCreate (exceeded quota)"
else
    not_ok "the real controllers report reports' ReplicaFailure=True FailedCreate"
    kadm GET /apis/apps/v1/namespaces/open-forge/deployments/reports | sed 's/^/# /' | tail -30
fi

# --- the document: each service's most important reason
export XDG_STATE_HOME="$S/state" XDG_CONFIG_HOME="$S/config"
unset KUBECONFIG FORGETOP_READ_ONLY
V="$S/viewer.kubeconfig"
"$BIN" --kubeconfig "$V" --once --json >"$S/out.json" 2>"$S/err"
expect_eq "--once --json as the viewer exits 0" "0" "$?"
svc() { json_get "$S/out.json" "[s for s in d['services'] if s['name']=='$1'][0]$2" 2>/dev/null; }
expect_eq "web's status_reason is ImagePullBackOff" "ImagePullBackOff" "$(svc web '["status_reason"]')"
expect_eq "batch's status_reason is Unschedulable" "Unschedulable" "$(svc batch '["status_reason"]')"
expect_eq "reports' status_reason is FailedCreate (its condition, no pod exists)" "FailedCreate" \
    "$(svc reports '["status_reason"]')"
notice=$(json_get "$S/out.json" 'd["notice"] or ""')
diag "notice: $notice"
check "the notice says nothing is unreadable (ReplicaSets and events are read)" \
    bash -c "grep -q 'metrics.k8s.io' <<<'$notice' && ! grep -q unreadable <<<'$notice'"

# --- the dashboard (tmux, 160x40): the detail of each says why
start() {
    TM new-session -d -s "$1" -x "$2" -y "$3" \
        "env -u NO_COLOR -u FORGETOP_READ_ONLY -u KUBECONFIG XDG_STATE_HOME='$S/state' XDG_CONFIG_HOME='$S/config' LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color '$BIN' --kubeconfig '$V' -d 1; sleep 120"
}
screen() { TM capture-pane -p -t "$1"; }
shows() { screen "$1" | grep -qF -- "$2"; }
keys() { local s=$1; shift; TM send-keys -t "$s" "$@"; sleep 0.3; }
dump() { screen "$1" | grep -v '^ *$' | sed 's/^/# /'; }
# open SESSION NAME : the detail screen of service NAME
open() { keys "$1" Escape / Escape; keys "$1" / "$2" Enter Enter; }

start d 160 40
wait_for 30 shows d " web " || { not_ok "the dashboard lists web"; dump d; finish; }
open d web
if wait_for 10 shows d "ImagePullBackOff on 1 of 1 pods: Back-off pulling image \"ghcr.io/18bravo/open-forge-web:latest\""; then
    ok "web's detail: the reason, on how many pods, with the kubelet's message"
else
    not_ok "web's detail: the reason, on how many pods, with the kubelet's message"; dump d
fi
check "web's detail: the kubelet's events (reason, count, message)" \
    bash -c "tmux -L '$SOCK' capture-pane -p -t d | grep -E 'Failed +Pod/$WEB_POD +x4 Failed to pull image .*manifest unknown'"
check "web's detail: the BackOff event counted 12 times" \
    bash -c "tmux -L '$SOCK' capture-pane -p -t d | grep -E 'BackOff +Pod/$WEB_POD +x12'"
check "web's detail: the pod row names its node and reason" \
    bash -c "tmux -L '$SOCK' capture-pane -p -t d | grep -E '$WEB_POD .*worker-1 +ImagePullBackOff'"
check "web's detail: its ReplicaSet with the revision the controller wrote" \
    bash -c "tmux -L '$SOCK' capture-pane -p -t d | grep -E 'replicasets +rev 1 web-[a-z0-9]+ 0/1'"
open d batch
if wait_for 10 shows d "Unschedulable on 1 of 1 pods: 0/3 nodes are available: 3 Insufficient cpu."; then
    ok "batch's detail: Unschedulable with the scheduler's message"
else
    not_ok "batch's detail: Unschedulable with the scheduler's message"; dump d
fi
check "batch's detail: the FailedScheduling event" \
    bash -c "tmux -L '$SOCK' capture-pane -p -t d | grep -q 'FailedScheduling'"
open d reports
if wait_for 10 shows d "FailedCreate (ReplicaFailure=True): pods \"reports-"; then
    ok "reports' detail: FailedCreate from the deployment's ReplicaFailure condition"
else
    not_ok "reports' detail: FailedCreate from the deployment's ReplicaFailure condition"; dump d
fi
check "reports' detail: the quota's words, as the API server refused the pod" \
    bash -c "tmux -L '$SOCK' capture-pane -p -t d | grep -q 'exceeded quota: pods-quota'"
check "reports' detail: the ReplicaSet controller's own FailedCreate event" \
    bash -c "tmux -L '$SOCK' capture-pane -p -t d | grep -E 'FailedCreate +ReplicaSet/reports-'"
TM kill-session -t d

# --- at 80x24 the same detail is readable: the reason whole, the events cut visibly
start s 80 24
wait_for 30 shows s " web " || { not_ok "the 80x24 dashboard lists web"; dump s; finish; }
open s web
if wait_for 10 shows s "ImagePullBackOff on 1 of 1 pods"; then
    ok "80x24: web's reason is shown"
else
    not_ok "80x24: web's reason is shown"; dump s
fi
check "80x24: the events say how many of them are shown" \
    bash -c "tmux -L '$SOCK' capture-pane -p -t s | grep -qE 'newest [0-9] of 2 events'"
dump s
expect_eq "the viewer sent no write" "" "$(envtest_writes viewer)"
finish
