#!/usr/bin/env bash
# kube.sh - the kube source against the fake Kubernetes API over TLS: kubectl proves the
# fake speaks the protocol; build/bench/kube_poll (the source outside the dashboard) reads
# deployments, HPAs, metrics and pods, scales, and meets every fault switch; an exec plugin
# and RBAC denial end to end; forgetop --once --json when the binary has it.
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/fakes/kube_env.sh"
cd "$ROOT" || exit 1
S=$(scratch)

PROBE=$(probe_path kube_poll) || { not_ok "kube_poll builds"; finish; }

kube_fake_start "$S" --state tests/fixtures/kube-open-forge.json || { not_ok "fake starts"; finish; }
ok "the fake API answers over TLS with a CA made here"
K=$KUBECONFIG_FILE
writes() { wc -l <"$KUBE_LOG" | tr -d ' '; }
poll() { "$PROBE" --kubeconfig "$K" "$@" >"$S/out.json" 2>"$S/err"; }
get() { json_get "$S/out.json" "$1" 2>/dev/null; }

# --- kubectl, a real client, against the fake
kc() { kubectl --kubeconfig "$K" -n open-forge "$@" 2>&1; }
out=$(kc get deploy)
check "kubectl get deploy lists the runbook's deployments" \
    grep -q "dagster-run-worker" <<<"$out"
check "kubectl prints the server's table: api READY 5/5" grep -qE "^api +5/5 +5 +5 " <<<"$out"
check "kubectl get hpa shows api-hpa's targets and bounds" \
    grep -qE "^api-hpa +Deployment/api +cpu: 92%/70%, memory: 120%/80% +3 +20 +5 " <<<"$(kc get hpa)"
kc scale deploy/api --replicas=6 >/dev/null
expect_eq "kubectl scale sends a merge patch the fake applies" "6" \
    "$(kc get deploy api -o jsonpath='{.spec.replicas}')"
check "the fake recorded kubectl's PATCH as application/merge-patch+json" \
    grep -q '"PATCH".*deployments/api/scale.*merge-patch' "$KUBE_LOG"
kc scale deploy/api --current-replicas=6 --replicas=5 >/dev/null
check "kubectl scale --current-replicas does GET then PUT with resourceVersion" \
    grep -q '"PUT".*deployments/api/scale.*resourceVersion' "$KUBE_LOG"
out=$(kc scale deploy/api --current-replicas=9 --replicas=4)
check "kubectl's precondition fails when the count moved" grep -q "Expected replicas to be 9, was 5" <<<"$out"

# --- reading
poll
expect_eq "poll reads three deployments" "3" "$(get 'len(d["services"])')"
expect_eq "api desired count" "5" "$(get '[s for s in d["services"] if s["name"]=="api"][0]["desired"]')"
expect_eq "api bounds come from its HPA" "3..20" \
    "$(get '"%d..%d" % tuple([(s["min"],s["max"]) for s in d["services"] if s["name"]=="api"][0])')"
hpa_fig() { get '[" ".join(str(a[k]) for k in ("desired","cpu_current","cpu_target","mem_current","mem_target")) + "|" + a["inactive"] + "|" + a["conditions"] for a in [s["autoscaler"] for s in d["services"] if s["name"]=="api"]][0]'; }
expect_eq "the HPA's desired count, its own current metrics and targets, no condition" \
    "8 92 70 120 80||" "$(hpa_fig)"
expect_eq "api cpu is usage over requests as the HPA computes it (460m/500m)" "92" \
    "$(get '[int(s["cpu_pct"]) for s in d["services"] if s["name"]=="api"][0]')"
expect_eq "api memory is usage over limits (1.2Gi/2Gi)" "60" \
    "$(get '[round(s["mem_pct"]) for s in d["services"] if s["name"]=="api"][0]')"
expect_eq "and over requests as the HPA computes it (1.2Gi/1Gi), the HPA's own figure" "120 120" \
    "$(get '[" ".join(str(round(x)) for x in (s["mem_req_pct"], s["autoscaler"]["mem_current"])) for s in d["services"] if s["name"]=="api"][0]')"
expect_eq "cpu and memory readings for the runbook's service" "cpu:api:92 memory:api:60" \
    "$(get '" ".join("%s:%s:%d" % (r["metric"], r["service"], round(r["value"])) for r in d["readings"])')"
expect_eq "a stuck rollout is reported" "rollout stuck: ProgressDeadlineExceeded" \
    "$(get '[s["status"] for s in d["services"] if s["name"]=="dagster-run-worker"][0]')"
expect_eq "pods attach to their deployment with phase, node and restarts" "10 Running node-1 2" \
    "$(get '[" ".join([str(len(s["pods"])), s["pods"][0]["phase"], s["pods"][0]["node"], str(s["pods"][0]["restarts"])]) for s in d["services"] if s["name"]=="agent-worker"][0]')"
expect_eq "pending pods are not ready" "3" \
    "$(get '[sum(p["ready"] for p in s["pods"]) for s in d["services"] if s["name"]=="dagster-run-worker"][0]')"
expect_eq "no notice when all is well" "" "$(get 'd["notice"]')"
poll --selector app=api
expect_eq "a label selector limits the deployments" "api" "$(get '",".join(s["name"] for s in d["services"])')"

# --- scaling
n0=$(writes)
"$PROBE" --kubeconfig "$K" --scale api 5 7 >"$S/out.json"
expect_eq "scale reports the change" "scaled api 5 -> 7" "$(get 'd["message"]')"
check "the scale PUT carries the resourceVersion it read" \
    grep -q '"PUT".*deployments/api/scale.*resourceVersion.*replicas.*7' "$KUBE_LOG"
kc scale deploy/api --replicas=6 >/dev/null
n1=$(writes)
"$PROBE" --kubeconfig "$K" --scale api 7 8 >"$S/out.json"
expect_eq "a count changed by someone else is refused, not overwritten" \
    "api changed since you looked: now 6" "$(get 'd["message"]')"
expect_eq "and nothing was written" "$n1" "$(writes)"
"$PROBE" --kubeconfig "$K" --scale api 6 7 --version 1 >"$S/out.json"
expect_eq "a stale resourceVersion with the same count retries with the fresh one" \
    "scaled api 6 -> 7" "$(get 'd["message"]')"
check "the first PUT sent the version the operator saw" \
    grep -q '"resourceVersion\\":\\"1\\"' "$KUBE_LOG"
"$PROBE" --kubeconfig "$K" --scale api 7 9 --hpa-min >"$S/out.json"
expect_eq "with an HPA, minReplicas is raised instead" "set api-hpa minReplicas 3 -> 9" \
    "$(get 'd["message"]')"
check "through a merge patch of the HPA" \
    grep -q '"PATCH".*horizontalpodautoscalers/api-hpa.*merge-patch.*minReplicas' "$KUBE_LOG"
"$PROBE" --kubeconfig "$K" --scale api 9 25 --hpa-min >"$S/out.json"
check "minReplicas above maxReplicas is refused" grep -q "outside 1..maxReplicas 20" "$S/out.json"

# --- faults
fault() { kube_control "{\"reset\": true, $1}"; }
fault '"forbid_writes": true'
"$PROBE" --kubeconfig "$K" --scale api 9 10 >"$S/out.json"
check "a 403 on the write shows the server's message" \
    grep -q '403 Forbidden: deployments.apps \\"api\\" is forbidden: User \\"viewer\\"' "$S/out.json"
fault '"conflict": true'
"$PROBE" --kubeconfig "$K" --scale api 9 10 >"$S/out.json"
check "a 409 on every write ends as 'changed since you looked'" grep -q "changed since you looked: now 9" "$S/out.json"
fault '"mode": "500"'
poll
check "a 500 fails the poll with the Status message" \
    grep -q "500 Internal Server Error: Internal error occurred: etcdserver" "$S/out.json"
fault '"mode": "429"'
poll
check "a 429 says too many requests" grep -q "429 Too Many Requests" "$S/out.json"
fault '"mode": "garbage"'
poll
check "a garbage body is a malformed response, not a crash" grep -q "malformed response" "$S/out.json"
fault '"mode": "hang", "hang_s": 5'
t0=$(date +%s.%N)
poll --timeout 1
t1=$(date +%s.%N)
check "a hung server times out with the reason" grep -q "timed out" "$S/out.json"
check "within the request timeout" python3 -c "import sys; sys.exit(0 if $t1 - $t0 < 4 else 1)"
fault '"mode": "slow", "slow_s": 0.3'
poll
expect_eq "a slow server is still read" "3" "$(get 'len(d["services"])')"
fault '"no_metrics": true'
poll
expect_eq "without metrics-server cpu is unknown, not zero" "None None metrics.k8s.io not served" \
    "$(get '[" ".join(str(x) for x in (s["cpu_pct"], s["mem_req_pct"], d["notice"])) for s in d["services"] if s["name"]=="api"][0]')"
expect_eq "and the readings say why" "metrics.k8s.io not served" "$(get 'd["readings"][0]["note"]')"
check "kubectl agrees the fake does not serve metrics.k8s.io" \
    bash -c "! kubectl --kubeconfig '$K' api-versions 2>/dev/null | grep -q metrics.k8s.io"
fault '"metrics_forbidden": true'
poll
expect_eq "a 403 on metrics.k8s.io says no permission, not absent" \
    "None no permission to read metrics.k8s.io" \
    "$(get '" ".join(str(x) for x in [[s["cpu_pct"] for s in d["services"] if s["name"]=="api"][0], d["notice"]])')"
check "kubectl sees the same 403 from the fake" \
    grep -q 'pods.metrics.k8s.io is forbidden' <<<"$(kc get --raw /apis/metrics.k8s.io/v1beta1/namespaces/open-forge/pods)"
fault '"hpa_inactive": "FailedGetResourceMetric"'
poll
expect_eq "an HPA that cannot compute has no desired count, and says why" \
    "None None 70 None 80|ScalingActive=False: FailedGetResourceMetric|ScalingActive=False: FailedGetResourceMetric" \
    "$(hpa_fig)"
out=$(kc describe hpa api-hpa)
check "kubectl decodes the fake's condition: ScalingActive False FailedGetResourceMetric" \
    grep -qE "ScalingActive +False +FailedGetResourceMetric" <<<"$out"
check "and its targets as <unknown>" grep -q "<unknown> / 80%" <<<"$out"
fault '"hpa_limited": "TooManyReplicas"'
poll
expect_eq "an HPA held at its bound says so" "ScalingLimited: TooManyReplicas" \
    "$(get '[s["autoscaler"]["conditions"] for s in d["services"] if s["name"]=="api"][0]')"
fault '"mode": "500", "path": "/pods"'
poll
check "a failing pods list fails the poll with the path" grep -q "GET /api/v1/namespaces/open-forge/pods" "$S/out.json"

# --- RBAC
fault '"ssar_allowed": false'
n2=$(writes)
poll
expect_eq "SelfSubjectAccessReview denied -> each verb says no" "RBAC scale: no · HPA: no no no" \
    "$(get 'd["notice"] + " " + d["rbac_scale"] + " " + d["rbac_hpa"]')"
"$PROBE" --kubeconfig "$K" --scale api 9 10 >"$S/out.json"
check "a scale is refused before it is sent" grep -q "RBAC: update on deployments/scale" "$S/out.json"
expect_eq "the fake received no write" "$n2" "$(writes)"
fault '"ssar_allowed": {"update": true, "patch": false}'
poll
expect_eq "only update: the count may be written, the HPA may not" "RBAC scale: yes · HPA: no yes no" \
    "$(get 'd["notice"] + " " + d["rbac_scale"] + " " + d["rbac_hpa"]')"
fault '"mode": "500", "path": "selfsubjectaccessreviews"'
poll
expect_eq "a probe the server could not answer is unknown, not a denial" "unknown unknown ok" \
    "$(get 'd["rbac_scale"] + " " + d["rbac_hpa"] + " " + ("ok" if "RBAC" not in d["notice"] else d["notice"])')"
fault '"ssar_allowed": true'

# --- auth and TLS
kube_write_config "$S/bad-token" "$KUBE_URL" "$KUBE_CA" "wrong-token"
"$PROBE" --kubeconfig "$S/bad-token" >"$S/out.json"
check "a wrong token is a 401 Unauthorized" grep -q "401 Unauthorized" "$S/out.json"
check "and the token is not in the message" bash -c "! grep -q wrong-token '$S/out.json'"
test_ca "$S/other.crt" "$S/o.key" other
kube_write_config "$S/other-ca" "$KUBE_URL" "$S/other.crt" "$KUBE_TOKEN"
"$PROBE" --kubeconfig "$S/other-ca" >"$S/out.json"
check "a server the CA did not sign is refused" grep -q "TLS" "$S/out.json"
sed 's|    certificate-authority: .*|    insecure-skip-tls-verify: true|' "$S/other-ca" >"$S/insecure"
"$PROBE" --kubeconfig "$S/insecure" >"$S/out.json"
check "insecure-skip-tls-verify reads, and the notice says so" \
    grep -q "TLS verification off" "$S/out.json"

# --- in a pod: the service account folder, no kubeconfig
mkdir -p "$S/sa"
cp "$KUBE_CA" "$S/sa/ca.crt"
echo "$KUBE_TOKEN" >"$S/sa/token"
echo open-forge >"$S/sa/namespace"
env -u KUBECONFIG KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT="$KUBE_PORT" \
    FORGETOP_SERVICEACCOUNT_DIR="$S/sa" HOME="$S/nohome" "$PROBE" -n "" >"$S/out.json"
expect_eq "inside a pod the service account reads the cluster" "in-cluster 3" \
    "$(get 'd["context"] + " " + str(len(d["services"]))')"

# --- exec plugin: the fake accepts only tok-2; the plugin's first answer (tok-1) gets a
# 401, so the source runs it again and goes on with tok-2.
printf '#!/bin/sh\nn=$(cat "%s/runs" 2>/dev/null || echo 0); n=$((n+1)); echo $n >"%s/runs"\n' "$S" "$S" >"$S/plugin.sh"
cat >>"$S/plugin.sh" <<'SH'
printf '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"tok-%s","expirationTimestamp":"2099-01-01T00:00:00Z"}}' "$n"
SH
chmod +x "$S/plugin.sh"
P2=$(free_port)
echo tok-2 >"$S/tokens"
python3 tests/fakes/kube_api.py --port "$P2" --cert "$S/server.crt" --key "$S/server.key" \
    --token-file "$S/tokens" --state tests/fixtures/kube-open-forge.json >"$S/fake2.out" 2>&1 &
on_exit "kill $!"
wait_for 10 curl -sf --cacert "$KUBE_CA" -H "Authorization: Bearer tok-2" "https://127.0.0.1:$P2/version"
cat >"$S/exec-config" <<YAML
current-context: x
clusters: [{name: c, cluster: {server: "https://127.0.0.1:$P2", certificate-authority: ca.crt}}]
contexts: [{name: x, context: {cluster: c, user: u, namespace: open-forge}}]
users:
- name: u
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: ./plugin.sh}
YAML
"$PROBE" --kubeconfig "$S/exec-config" --times 2 >"$S/out2.json"
head -1 "$S/out2.json" >"$S/out.json"
expect_eq "an exec plugin's token reads the cluster after a 401 re-run" "3" "$(get 'len(d["services"])')"
expect_eq "the plugin ran twice, then its token was reused" "2" "$(cat "$S/runs")"

# --- client certificates (files, data, an exec plugin's) and basic auth on a fake that
# takes no token at all
test_cert "$S/cli.crt" "$S/cli.key" "$S/ca.crt" "$S/ca.key" operator "extendedKeyUsage=clientAuth"
P4=$(free_port)
python3 tests/fakes/kube_api.py --port "$P4" --cert "$S/server.crt" --key "$S/server.key" \
    --client-ca "$S/ca.crt" --basic "admin:s3cret" --state tests/fixtures/kube-open-forge.json \
    >"$S/fake4.out" 2>&1 &
on_exit "kill $!"
wait_for 10 curl -sf --cacert "$KUBE_CA" -u admin:s3cret "https://127.0.0.1:$P4/version"
authcfg() { # FILE USER-YAML
    printf 'current-context: x\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:%s", certificate-authority-data: %s}}]\ncontexts: [{name: x, context: {cluster: c, user: u, namespace: open-forge}}]\nusers:\n- name: u\n  user: %s\n' \
        "$P4" "$(base64 -w0 "$KUBE_CA")" "$2" >"$1"
}
authcfg "$S/a-files" "{client-certificate: cli.crt, client-key: cli.key}"
"$PROBE" --kubeconfig "$S/a-files" >"$S/out.json"
expect_eq "client-certificate and client-key files (relative), CA from data" "3" "$(get 'len(d["services"])')"
authcfg "$S/a-data" "{client-certificate-data: $(base64 -w0 "$S/cli.crt"), client-key-data: $(base64 -w0 "$S/cli.key")}"
"$PROBE" --kubeconfig "$S/a-data" >"$S/out.json"
expect_eq "client-certificate-data and client-key-data" "3" "$(get 'len(d["services"])')"
authcfg "$S/a-basic" "{username: admin, password: s3cret}"
"$PROBE" --kubeconfig "$S/a-basic" >"$S/out.json"
expect_eq "username and password" "3" "$(get 'len(d["services"])')"
authcfg "$S/a-none" "{}"
"$PROBE" --kubeconfig "$S/a-none" >"$S/out.json"
check "no credential at all is a 401" grep -q "401 Unauthorized" "$S/out.json"
python3 - "$S" >"$S/cert-plugin.sh" <<'PY'
import json, sys
d = sys.argv[1]
cred = {"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
        "status": {"clientCertificateData": open(d + "/cli.crt").read(),
                   "clientKeyData": open(d + "/cli.key").read()}}
print("#!/bin/sh\ncat <<'EOF'\n" + json.dumps(cred) + "\nEOF")
PY
chmod +x "$S/cert-plugin.sh"
authcfg "$S/a-exec" "{exec: {apiVersion: client.authentication.k8s.io/v1, command: ./cert-plugin.sh, interactiveMode: Never}}"
"$PROBE" --kubeconfig "$S/a-exec" >"$S/out.json"
expect_eq "an exec plugin's client certificate" "3" "$(get 'len(d["services"])')"

# --- paging: 1200 pods, read 500 at a time
P3=$(free_port)
python3 tests/fakes/kube_api.py --port "$P3" --cert "$S/server.crt" --key "$S/server.key" \
    --token "$KUBE_TOKEN" --generate 4:1200:open-forge >"$S/fake3.out" 2>&1 &
on_exit "kill $!"
wait_for 10 curl -sf --cacert "$KUBE_CA" -H "Authorization: Bearer $KUBE_TOKEN" "https://127.0.0.1:$P3/version"
kube_write_config "$S/big" "https://127.0.0.1:$P3" "$KUBE_CA" "$KUBE_TOKEN"
"$PROBE" --kubeconfig "$S/big" >"$S/out.json"
expect_eq "1200 pods are read across pages" "1200" "$(get 'sum(len(s["pods"]) for s in d["services"])')"
pages=$(curl -s --cacert "$KUBE_CA" -X POST --data '{}' "https://127.0.0.1:$P3/_control" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["pages"])')
check "in pages of at most 500 (pods: 3 pages, with deployments and HPAs: >= 5)" [ "$pages" -ge 5 ]

# --- forgetop itself, once its --once --json is in the binary
if "$BIN" --help 2>&1 | grep -q -- "--once"; then
    fault '"ssar_allowed": true'
    "$BIN" --once --json --kubeconfig "$K" >"$S/once.json" 2>"$S/once.err"
    expect_eq "forgetop --once --json shows the kube source ok" "ok" \
        "$(json_get "$S/once.json" '[s["state"] for s in d["sources"] if s["name"]=="kube"][0]')"
    expect_eq "with the HPA bounds of api" "9..20" \
        "$(json_get "$S/once.json" '"%d..%d" % tuple([(s["min"],s["max"]) for s in d["services"] if s["name"]=="api"][0])')"
    expect_eq "and the runbook's cpu metric read from pod metrics" "92 kube" \
        "$(json_get "$S/once.json" '[str(round(m["value"])) + " " + m["from"] for m in d["metrics"] if m["id"]=="cpu"][0]')"
    api_json() { json_get "$S/once.json" "[$1 for s in d['services'] if s['name']=='api'][0]"; }
    expect_eq "--once --json: our memory % of request, the HPA's own, and that they agree" \
        "120 120 True None" \
        "$(api_json '" ".join(str(x) for x in (round(s["mem_req_pct"]), s["autoscaler"]["current_metrics"]["memory"], s["autoscaler"]["agrees"], s["autoscaler"]["disagreement"]))')"
    expect_eq "--once --json: memory 120% / target 80% -> ceil(ready x 1.50), the HPA's arithmetic" \
        "True" \
        "$(api_json '"memory 120%% / target 80%% -> ceil(%d x 1.50) = %d" % (s["ready"], -(-s["ready"] * 3 // 2)) in s["reason"] and s["recommended"] == min(-(-s["ready"] * 3 // 2), s["max"])')"
    fault '"hpa_inactive": "FailedGetResourceMetric"'
    "$BIN" --once --json --kubeconfig "$K" >"$S/once.json" 2>"$S/once.err"
    expect_eq "--once --json: an HPA that cannot compute has desired null, and its condition" \
        "None False ScalingActive=False: FailedGetResourceMetric" \
        "$(api_json '" ".join(str(x) for x in (s["autoscaler"]["desired"], s["autoscaler"]["scaling_active"], s["autoscaler"]["inactive"]))')"
    fault '"ssar_allowed": true'
    "$BIN" --once --json --kubeconfig "$K" --context nope >"$S/once.json" 2>"$S/once.err"
    check "--context names a missing context and the file" \
        grep -q "context \"nope\" not found in $K" "$S/once.err"
    "$BIN" --once --json --kubeconfig "$K" -n other >"$S/once.json" 2>"$S/once.err"
    expect_eq "-n reads another namespace (empty here)" "0" \
        "$(json_get "$S/once.json" 'len(d["services"])')"
    # --check: a namespace that does not exist, a selector that matches nothing
    "$BIN" --check --kubeconfig "$K" -n other >"$S/check.out" 2>&1
    expect_eq "--check -n NS that does not exist exits 3 UNKNOWN" 3 $?
    check "--check says the namespace does not exist, in the summary" \
        grep -q '^FORGETOP UNKNOWN - .*; namespace "other" does not exist |' "$S/check.out"
    check "--check has the kube line with the reason" \
        grep -q '^UNKNOWN source kube: namespace "other" does not exist$' "$S/check.out"
    "$BIN" --check --kubeconfig "$K" -l app=nothing >"$S/check.out" 2>&1
    expect_eq "--check with a selector that matches nothing exits 3" 3 $?
    check "--check names the selector and the namespace" \
        grep -q '^UNKNOWN source kube: selector app=nothing matches no deployment in namespace open-forge$' "$S/check.out"
    # --check: fewer ready than desired is a warning, with the stuck rollout's condition
    fault '"usage": {"api": {"cpu": "100m"}}'
    "$BIN" --check --kubeconfig "$K" >"$S/check.out" 2>&1
    expect_eq "--check: a deployment short of ready replicas, metrics ok, exits 1 WARNING" 1 $?
    check "--check: its line has the count and the stuck rollout" \
        grep -q '^WARNING ready dagster-run-worker = 3/5: rollout stuck: ProgressDeadlineExceeded$' "$S/check.out"
    check "--check: cpu from pod metrics is in the perf data" grep -qE '^FORGETOP WARNING - .* \| cpu=[0-9.]+%;70;85 ' "$S/check.out"
    # --check: every deployment 0/N ready and no metrics-server is CRITICAL, not OK
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); [x.update(ready=0) for x in d["deployments"]]; json.dump(d, open(sys.argv[2], "w"))' \
        tests/fixtures/kube-open-forge.json "$S/zero.json"
    PZ=$(free_port)
    python3 tests/fakes/kube_api.py --port "$PZ" --cert "$S/server.crt" --key "$S/server.key" \
        --token "$KUBE_TOKEN" --state "$S/zero.json" >"$S/fakez.out" 2>&1 &
    on_exit "kill $!"
    wait_for 10 curl -sf --cacert "$KUBE_CA" -H "Authorization: Bearer $KUBE_TOKEN" "https://127.0.0.1:$PZ/version"
    curl -sf --cacert "$KUBE_CA" -X POST --data '{"no_metrics": true}' "https://127.0.0.1:$PZ/_control" >/dev/null
    kube_write_config "$S/zero" "https://127.0.0.1:$PZ" "$KUBE_CA" "$KUBE_TOKEN"
    "$BIN" --check --kubeconfig "$S/zero" >"$S/check.out" 2>&1
    expect_eq "--check: all deployments 0/N ready, metrics-server absent, exits 2 CRITICAL" 2 $?
    expect_eq "--check: one CRITICAL ready line per deployment" 3 "$(grep -c '^CRITICAL ready .* = 0/[0-9]*' "$S/check.out")"
    check "--check: the stuck one carries its condition" \
        grep -q '^CRITICAL ready dagster-run-worker = 0/5: rollout stuck: ProgressDeadlineExceeded$' "$S/check.out"
    check "--check: the metrics say why they are missing" grep -q '^UNKNOWN cpu api: no data: metrics.k8s.io not served$' "$S/check.out"
    fault '"ssar_allowed": false'
    "$BIN" --once --json --kubeconfig "$K" >"$S/once.json" 2>"$S/once.err"
    check "forgetop --once --json carries the RBAC notice" grep -q "RBAC scale: no · HPA: no" "$S/once.json"
    expect_eq "...and each verb in rbac" "False False" \
        "$(json_get "$S/once.json" 'str(d["rbac"]["scale"]) + " " + str(d["rbac"]["hpa"])')"
    fault '"mode": "500"'
    "$BIN" --once --json --kubeconfig "$K" >"$S/once.json" 2>"$S/once.err"
    check "forgetop --once --json shows a failing kube source with the reason" \
        grep -q "500 Internal Server Error" "$S/once.json"
fi
finish
