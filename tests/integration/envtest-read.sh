#!/usr/bin/env bash
# envtest-read.sh - forgetop --once --json and --check against the REAL Kubernetes API server
# and controller manager (tests/lib-envtest.sh), as the on-call viewer: the runbook's
# deployments with the counts the controllers wrote, the real HPA's bounds and conditions,
# unknown metrics as null, a missing namespace, a user with no rights; never a write.
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/lib-envtest.sh"
cd "$ROOT" || exit 1
S=$(scratch)

# --- without the binaries a suite fails and says how to get them (a copy of the harness
# in a checkout with no shared/ beside it, KUBEBUILDER_ASSETS unset)
mkdir -p "$S/bare/tests"
cp tests/lib.sh tests/lib-envtest.sh "$S/bare/tests/"
printf 'source "$(dirname "$0")/lib.sh"; source "$ROOT/tests/lib-envtest.sh"\nenvtest_start "$(scratch)" || finish\nok "unreachable"; finish\n' >"$S/bare/tests/t.sh"
env -u KUBEBUILDER_ASSETS bash "$S/bare/tests/t.sh" >"$S/bare.out" 2>&1
rc=$?
check "without KUBEBUILDER_ASSETS or shared/envtest a suite fails (exit $rc)" test "$rc" -ne 0
check "...with a 'not ok', never a pass or a skip" \
    bash -c "grep -q '^not ok .*kube-apiserver' '$S/bare.out' && ! grep -qE '^ok |SKIP' '$S/bare.out'"
check "...and says how to get them" grep -q 'KUBEBUILDER_ASSETS="$(../shared/envtest/unpack)"' "$S/bare.out"

envtest_start "$S" || finish
ok "the control plane (etcd, kube-apiserver with RBAC, controller manager) is ready"
envtest_open_forge || { not_ok "the runbook's namespace, deployments and HPA are created"; finish; }
ok "the runbook's namespace, deployments and HPA are created; the replica sets made 20 pods"
envtest_pods_ready api && envtest_pods_ready agent-worker
check "pods marked Ready are counted by the real deployment controller" envtest_ready_is api 5

export XDG_STATE_HOME="$S/state" XDG_CONFIG_HOME="$S/config"
unset KUBECONFIG FORGETOP_READ_ONLY
V="$S/viewer.kubeconfig"
once() { "$BIN" --kubeconfig "$1" "${@:2}" --once --json >"$S/out.json" 2>"$S/err"; }
get() { json_get "$S/out.json" "$1" 2>/dev/null; }
svc() { get "[s for s in d['services'] if s['name']=='$1'][0]$2"; }

# --- kubectl, the ecosystem's client, reads with the same kubeconfig
out=$(kubectl --kubeconfig "$V" get deploy 2>&1)
check "kubectl reads the deployments with the viewer's kubeconfig" grep -qE "^api +5/5 " <<<"$out"

# --- the viewer's dashboard document, once the HPA controller has made its first pass
# (before it, the API holds desiredReplicas 0 and no condition: a unit test reads that)
hpa_inactive() {
    kadm GET /apis/autoscaling/v2/namespaces/open-forge/horizontalpodautoscalers/api-hpa |
        grep -q FailedGetResourceMetric
}
check "the real HPA controller writes ScalingActive=False (no metrics-server)" wait_for 60 hpa_inactive
t0=$(date +%s.%N)
once "$V"
rc=$?
diag "forgetop --once --json took $(echo "$(date +%s.%N) - $t0" | bc | cut -c1-5)s"
expect_eq "--once --json as the viewer exits 0" "0" "$rc"
expect_eq "it lists the three deployments" "agent-worker api dagster-run-worker" \
    "$(get '" ".join(sorted(s["name"] for s in d["services"]))')"
expect_eq "the context is the kubeconfig's current-context" "envtest" "$(get 'd["context"]')"
expect_eq "the source is ok" "ok" "$(get 'd["sources"][0]["state"]')"
expect_eq "api: desired 5, ready 5 as the controllers wrote them" "5 5" "$(svc api '["desired"]') $(svc api '["ready"]')"
expect_eq "agent-worker: desired 10, ready 10" "10 10" \
    "$(svc agent-worker '["desired"]') $(svc agent-worker '["ready"]')"
expect_eq "dagster-run-worker: desired 5, ready 0 (its pods stay Pending)" "5 0" \
    "$(svc dagster-run-worker '["desired"]') $(svc dagster-run-worker '["ready"]')"
check "dagster-run-worker's status carries the controller's condition" \
    grep -q "MinimumReplicasUnavailable" <<<"$(svc dagster-run-worker '["status"]')"
expect_eq "api's bounds come from the real api-hpa" "api-hpa 3 20" \
    "$(svc api '["autoscaler"]["name"]') $(svc api '["min"]') $(svc api '["max"]')"
check "the HPA that cannot compute shows its condition (no metrics-server)" \
    grep -q "ScalingActive.*FailedGetResourceMetric" <<<"$(svc api '["autoscaler"]["conditions"]')"
expect_eq "without metrics.k8s.io cpu and memory are unknown (null), never 0" "None None" \
    "$(svc api '["cpu_pct"]') $(svc api '["mem_pct"]')"
check "the notice names metrics.k8s.io" grep -q "metrics.k8s.io" <<<"$(get 'd["notice"]')"
check "...as not served (404), distinct from no permission (hpa branch)" \
    grep -q "metrics.k8s.io not served" <<<"$(get 'd["notice"]')"
# issue 10: the real HPA leaves desiredReplicas 0 when it cannot compute; unknown is null.
expect_eq "the HPA's desired count it could not compute is null, not 0 (hpa branch)" "None" \
    "$(svc api '["autoscaler"]["desired"]')"

# --- a scale by someone else is read on the next poll, with the new pod not ready
kadm PUT /apis/apps/v1/namespaces/open-forge/deployments/api/scale \
    '{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"api","namespace":"open-forge"},"spec":{"replicas":6}}' >/dev/null
wait_for 20 envtest_pods_are api 6
once "$V"
expect_eq "a scale by the admin is read: api desired 6, ready 5" "6 5" \
    "$(svc api '["desired"]') $(svc api '["ready"]')"

# --- --check on the real cluster: dagster-run-worker is 0/5 ready, api 5/6
"$BIN" --kubeconfig "$V" --check >"$S/check.out" 2>&1
rc=$?
sed 's/^/# check: /' "$S/check.out" | head -2
expect_eq "--check: a deployment 0 of 5 ready is CRITICAL (2) (check branch)" "2" "$rc"
check "...on a line that names it (check branch)" grep -q "dagster-run-worker" "$S/check.out"
"$BIN" --kubeconfig "$V" -l app=nothing --check >"$S/check.out" 2>&1
expect_eq "--check: a selector that matches nothing is UNKNOWN (3) (check branch)" "3" "$?"

# --- a namespace that does not exist
once "$V" -n no-such-namespace
diag "-n no-such-namespace, today: services=$(get 'len(d["services"])') state=$(get 'd["sources"][0]["state"]') notice=$(get 'd["notice"]')"
expect_eq "-n a missing namespace lists no deployment" "0" "$(get 'len(d["services"])')"
"$BIN" --kubeconfig "$V" -n no-such-namespace --check >"$S/check.out" 2>&1
rc=$?
sed 's/^/# check: /' "$S/check.out" | head -3
expect_eq "--check -n a missing namespace is UNKNOWN (3), not OK (check branch)" "3" "$rc"
check "...and says the namespace does not exist (check branch)" \
    grep -qi "no-such-namespace.*not\|not.*no-such-namespace" "$S/check.out"

# --- a user with no right to read
once "$S/nobody.kubeconfig"
err=$(get 'd["sources"][0]["error"]')
expect_eq "a user with no role: the source is failing" "failing" "$(get 'd["sources"][0]["state"]')"
check "the server's 403 is shown whole: who cannot list what" \
    grep -q '403 Forbidden: deployments.apps is forbidden: User "nobody" cannot list resource "deployments"' <<<"$err"
check "...its source's prefix never doubled" test "$(grep -o 'kube:' <<<"$err" | wc -l)" -le 1

# --- the evidence: the API server's audit log saw no write from the viewer or nobody
expect_eq "the audit log has no write from the viewer" "" "$(envtest_writes viewer)"
expect_eq "the audit log has no write from the user with no role" "" "$(envtest_writes nobody)"
check "the audit log saw the viewer's reads (the evidence above is not empty by accident)" \
    test "$(envtest_requests viewer list)" -gt 0
finish
