#!/usr/bin/env bash
# envtest-hpav1.sh - HPAs on a cluster that does not serve autoscaling/v2 (before 1.23):
# the REAL kube-apiserver started with --runtime-config=autoscaling/v2=false. forgetop
# reads the HPA through autoscaling/v1 (its one cpu target and figure, its counts),
# says it fell back, and m patches the HPA's minReplicas through v1.
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/lib-envtest.sh"
cd "$ROOT" || exit 1
S=$(scratch)
V1=/apis/autoscaling/v1/namespaces/open-forge/horizontalpodautoscalers

PROBE=$(probe_path kube_poll) || { not_ok "kube_poll builds"; finish; }
ENVTEST_APISERVER_ARGS="--runtime-config=autoscaling/v2=false"
envtest_start "$S" || finish
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$ENVTEST_CA" \
    -H "Authorization: Bearer $ENVTEST_ADMIN_TOKEN" "$ENVTEST_URL/apis/autoscaling/v2/namespaces/x/horizontalpodautoscalers")
expect_eq "the API server does not serve autoscaling/v2 (404)" "404" "$code"
kadm POST /api/v1/namespaces '{"metadata":{"name":"open-forge"}}' >/dev/null &&
    envtest_deployment api 3 api '{"cpu":"500m","memory":"1Gi"}' '{"cpu":"1","memory":"2Gi"}' &&
    kadm POST "$V1" '{"metadata":{"name":"api-hpa"},
 "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"api"},
  "minReplicas":2,"maxReplicas":12,"targetCPUUtilizationPercentage":65}}' >/dev/null ||
    { not_ok "api and its autoscaling/v1 HPA are created"; finish; }
ok "api and its autoscaling/v1 HPA are created"
# the HPA controller's status, as it writes it through v1 (it cannot compute here: no
# metrics); written by the admin so the figures are known
hpa_status() {
    local rv
    rv=$(kadm GET "$V1/api-hpa" | python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["resourceVersion"])')
    kadm PUT "$V1/api-hpa/status" "{\"apiVersion\":\"autoscaling/v1\",\"kind\":\"HorizontalPodAutoscaler\",
 \"metadata\":{\"name\":\"api-hpa\",\"namespace\":\"open-forge\",\"resourceVersion\":\"$rv\"},
 \"spec\":{\"scaleTargetRef\":{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"api\"},
  \"minReplicas\":2,\"maxReplicas\":12,\"targetCPUUtilizationPercentage\":65},
 \"status\":{\"currentReplicas\":3,\"desiredReplicas\":4,\"currentCPUUtilizationPercentage\":88}}" >/dev/null
}
wait_for 20 hpa_status
check "the HPA's status is written through autoscaling/v1" \
    bash -c "kubectl --kubeconfig '$S/viewer.kubeconfig' get hpa.v1.autoscaling api-hpa -o jsonpath='{.status.desiredReplicas}' | grep -qx 4"

export XDG_STATE_HOME="$S/state" XDG_CONFIG_HOME="$S/config"
unset KUBECONFIG FORGETOP_READ_ONLY
"$BIN" --kubeconfig "$S/viewer.kubeconfig" --once --json >"$S/out.json" 2>"$S/err"
expect_eq "--once --json as the viewer exits 0" "0" "$?"
api() { json_get "$S/out.json" "[s for s in d['services'] if s['name']=='api'][0]$1" 2>/dev/null; }
expect_eq "api's autoscaler is api-hpa, 2..12, from v1" "api-hpa 2 12" \
    "$(api '["autoscaler"]["name"]') $(api '["min"]') $(api '["max"]')"
expect_eq "its desired count is the one v1 reports" "4" "$(api '["autoscaler"]["desired"]')"
expect_eq "its cpu target and current figure (targetCPUUtilizationPercentage, current...)" "65 88" \
    "$(api '["autoscaler"]["targets"]["cpu"]') $(api '["autoscaler"]["current_metrics"]["cpu"]')"
expect_eq "v1 has no memory target: unknown, never 0" "None" "$(api '["autoscaler"]["targets"]["memory"]')"
notice=$(json_get "$S/out.json" 'd["notice"] or ""')
diag "notice: $notice"
check "the notice says the HPAs were read through autoscaling/v1" \
    grep -q "HPAs read through autoscaling/v1 (v2 not served)" <<<"$notice"
check "...and not that HPAs are unreadable" bash -c "! grep -q 'HPAs unreadable' <<<'$notice'"

# --- m: minReplicas through v1, as the hpa-patcher (patch on horizontalpodautoscalers)
"$PROBE" --kubeconfig "$S/hpa-patcher.kubeconfig" --scale api 3 5 --hpa-min >"$S/m.json" 2>&1
diag "m: $(cat "$S/m.json")"
expect_eq "m set api-hpa's minReplicas to 5 through v1" "5" \
    "$(kadm GET "$V1/api-hpa" | python3 -c 'import json,sys; print(json.load(sys.stdin)["spec"]["minReplicas"])')"
sent=$(envtest_writes hpa-patcher)
expect_eq "what the hpa-patcher sent: a patch of the HPA, accepted" "patch horizontalpodautoscalers api-hpa 200" "$sent"
check "the patch went to autoscaling/v1 (audit log)" \
    grep -q '"requestURI":"/apis/autoscaling/v1/namespaces/open-forge/horizontalpodautoscalers/api-hpa"' "$ENVTEST_AUDIT"
finish
