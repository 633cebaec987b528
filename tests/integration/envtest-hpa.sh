#!/usr/bin/env bash
# envtest-hpa.sh - forgetop's figures against the REAL HorizontalPodAutoscaler controller
# (tests/lib-envtest.sh) for the runbook's api (request 1Gi / limit 2Gi, api-hpa cpu 70 %,
# memory 80 %): metrics.k8s.io served by tests/fakes/metrics_server.py, a fixed load shared
# by the Ready pods; the HPA writes its status, forgetop must reach the same numbers
# (issue 10). A user without the metrics right is told so, not "no metrics-server".
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/lib-envtest.sh"
cd "$ROOT" || exit 1
S=$(scratch)

envtest_start "$S" || finish
envtest_open_forge && envtest_pods_ready api || { not_ok "the runbook's objects are created"; finish; }
ok "control plane ready; open-forge with api 5/5 ready and api-hpa"

# 2 cores and 6 GiB for api, shared by its Ready pods: at 5 pods 400m (80 % of the 500m
# request) and 1.2 GiB each (120 % of the 1Gi request, 60 % of the 2Gi limit).
echo '{"open-forge/api": {"cpu_m": 2000, "mem": 6442450944}}' >"$S/load.json"
if envtest_metrics "$S/load.json"; then ok "metrics.k8s.io is served through the aggregator"; else
    not_ok "metrics.k8s.io is served through the aggregator"; tail -5 "$S/metrics.log" | sed 's/^/# /'; finish
fi

export XDG_STATE_HOME="$S/state" XDG_CONFIG_HOME="$S/config"
unset KUBECONFIG FORGETOP_READ_ONLY
hpa() { # the real HPA's status: desired, then each metric's averageUtilization, current
    kadm GET /apis/autoscaling/v2/namespaces/open-forge/horizontalpodautoscalers/api-hpa |
        python3 -c 'import json,sys; s=json.load(sys.stdin)["status"]; m={x["resource"]["name"]: x["resource"]["current"].get("averageUtilization") for x in s.get("currentMetrics") or []}; print(s.get("desiredReplicas"), m.get("cpu"), m.get("memory"), s.get("currentReplicas"))'
}
hpa_is() { [ "$(hpa)" = "$1" ]; }
# The harness runs the HPA controller with a 1 s cpu initialisation period and readiness
# delay (lib-envtest.sh), so forgetop is told the same, as an operator of such a cluster
# would tell it: with the defaults (5 min, 30 s) it rightly leaves fresh pods' cpu out.
printf '[kube]\nhpa_cpu_initialization_period = 1s\nhpa_initial_readiness_delay = 1s\n' >"$S/hpa.conf"
once() { "$BIN" --config "$S/hpa.conf" --kubeconfig "$S/${1:-viewer}.kubeconfig" --once --json >"$S/out.json" 2>"$S/err"; }
api() { json_get "$S/out.json" "[s for s in d['services'] if s['name']=='api'][0]$1" 2>/dev/null; }
near() { python3 -c "import sys; sys.exit(0 if $1 is not None and abs($1 - $2) <= 1 else 1)" 2>/dev/null; }

# ---- 5 pods at 120 % of the memory request: the real HPA wants ceil(5 x 120/80) = 8
# (it truncates to 119 %), scales, and holds 8 while the 3 new pods are Pending (its
# missing-pod rule counts them at 0).
# The HPA writes current 5 when it scales, current 8 on its next sync: that one settles.
if wait_for 30 hpa_is "8 80 119 8" && wait_for 20 envtest_pods_are api 8; then
    ok "the real HPA computes cpu 80 %, memory 119 % of request, wants 8 and scales to 8"
else
    not_ok "the real HPA computes and scales (status: $(hpa))"
fi
read -r want cpu mem _ <<<"$(hpa)"
diag "HPA status: desired $want, cpu $cpu%, memory $mem% (5 ready of 8)"
once
diag "forgetop: desired $(api '["desired"]') ready $(api '["ready"]') cpu $(api '["cpu_pct"]') mem/limit $(api '["mem_pct"]') mem/request $(api '.get("mem_req_pct")') rec $(api '["recommended"]'): $(api '["reason"]')"
check "cpu % of request agrees with the HPA's ($cpu %)" near "$(api '["cpu_pct"]')" "$cpu"
check "memory % of limit is the runbook's 60 %" near "$(api '["mem_pct"]')" 60
check "memory % of request agrees with the HPA's ($mem %) (hpa branch)" near "$(api '.get("mem_req_pct")')" "$mem"
expect_eq "the HPA's desired count is read from its status" "$want" "$(api '["autoscaler"]["desired"]')"
expect_eq "forgetop's recommendation is the HPA's desired count" "$want" "$(api '["recommended"]')"
expect_eq "the HPA's own memory figure is reported beside ours (hpa branch)" "$mem" \
    "$(api '["autoscaler"]["current_metrics"]["memory"]')"

# ---- the new pods Ready: 8 pods share the load, 250m (50 %) and 0.75 GiB (75 % of
# request, 37.5 % of limit) each; the HPA keeps 8 (memory within its 10 % tolerance).
envtest_pods_ready api
if wait_for 30 hpa_is "8 50 75 8"; then ok "8 pods ready: the real HPA reads cpu 50 %, memory 75 % and keeps 8"; else
    not_ok "8 pods ready: the real HPA keeps 8 (status: $(hpa))"
fi
once
diag "forgetop: rec $(api '["recommended"]'): $(api '["reason"]')"
check "cpu % of request agrees with the HPA's (50 %)" near "$(api '["cpu_pct"]')" 50
check "memory % of request agrees with the HPA's (75 %) (hpa branch)" near "$(api '.get("mem_req_pct")')" 75
expect_eq "forgetop recommends the HPA's 8 (memory of the limit gave fewer) (hpa branch)" "8" "$(api '["recommended"]')"
expect_eq "and says it agrees with the HPA (hpa branch)" "True" "$(api '["autoscaler"]["agrees"]')"
expect_eq "the HPA is active: no condition in the way" "False" \
    "$(api '["autoscaler"]["conditions"]' | grep -q 'ScalingActive false' && echo True || echo False)"

# ---- a user who may read everything but metrics.k8s.io
once nometrics
expect_eq "without the metrics right: cpu and memory unknown (null), not 0" "None None" \
    "$(api '["cpu_pct"]') $(api '["mem_pct"]')"
check "the notice says no permission to read metrics.k8s.io (hpa branch)" \
    grep -q "no permission to read metrics.k8s.io" <<<"$(json_get "$S/out.json" 'd["notice"]')"
check "the metrics server itself answers the viewer (the 403 is RBAC's, not the server's)" \
    test "$(kas viewer GET /apis/metrics.k8s.io/v1beta1/namespaces/open-forge/pods)" = 200
expect_eq "...and the API server's authorizer refuses nometrics" "403" \
    "$(kas nometrics GET /apis/metrics.k8s.io/v1beta1/namespaces/open-forge/pods)"
finish
