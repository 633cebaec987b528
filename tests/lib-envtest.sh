# lib-envtest.sh - a real Kubernetes control plane for a shell suite (source it after
# tests/lib.sh): Debian's etcd, the kube-apiserver (RBAC, token users, audit log, aggregator)
# and kube-controller-manager of ../shared/envtest, one per suite, stopped by the exit trap.
#
# envtest_start DIR starts it and writes a kubeconfig per user (ENVTEST_DIR/USER.kubeconfig);
# kadm METHOD PATH [JSON] talks to it as the admin; envtest_open_forge creates the runbook's
# namespace, deployments and HPA; envtest_pods_ready marks pods Ready the way a kubelet would;
# envtest_writes USER lists the writes the audit log saw from that user.
# Sets ENVTEST_URL, ENVTEST_PORT, ENVTEST_CA, ENVTEST_AUDIT, ENVTEST_DIR, ENVTEST_ADMIN_TOKEN.
# ENVTEST_APISERVER_ARGS, set before envtest_start, adds flags to the kube-apiserver (an
# older cluster's shape: --runtime-config=autoscaling/v2=false).

# The users of tokens.csv (one random token each); an ordinary user's rights are the
# ClusterRoles envtest_rbac binds. The controller manager is a user of its own, as in a kubeadm cluster.
# oncall starts with reads only (a suite grants and revokes while forgetop runs); produser
# may send every write, so only the client's own decision can keep it from scaling;
# nometrics reads everything but metrics.k8s.io.
ENVTEST_USERS="admin viewer updater patcher hpa-patcher oncall produser nometrics nobody"

# envtest_assets : find kube-apiserver and kube-controller-manager ($KUBEBUILDER_ASSETS,
# else the unpack script of ../shared/envtest beside this checkout or beside the main
# checkout of a git worktree) and etcd; a suite without them fails loudly, never passes.
envtest_assets() {
    local u c
    if [ -z "${KUBEBUILDER_ASSETS:-}" ]; then
        for c in "$ROOT/../shared/envtest" \
            "$(dirname "$(git -C "$ROOT" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || echo /nonexistent/.git)")/../shared/envtest"; do
            [ -x "$c/unpack" ] && { u="$c/unpack"; break; }
        done
        if [ -n "${u:-}" ]; then
            KUBEBUILDER_ASSETS=$("$u") || KUBEBUILDER_ASSETS=""
        fi
    fi
    if [ -z "${KUBEBUILDER_ASSETS:-}" ] || [ ! -x "$KUBEBUILDER_ASSETS/kube-apiserver" ] ||
        [ ! -x "$KUBEBUILDER_ASSETS/kube-controller-manager" ]; then
        not_ok "envtest: kube-apiserver and kube-controller-manager not found"
        diag "set KUBEBUILDER_ASSETS=\"\$(../shared/envtest/unpack)\" (the folder that holds them),"
        diag "or put the shared/envtest folder beside this checkout; see the README, 'Testing against a real Kubernetes API server'"
        return 1
    fi
    if ! command -v etcd >/dev/null 2>&1; then
        not_ok "envtest: etcd not found: run scripts/install-deps (Debian's etcd-server)"
        return 1
    fi
    export KUBEBUILDER_ASSETS
}

# kadm METHOD PATH [JSON] : one request as the admin; prints the body, fails on >= 400.
kadm() {
    local ct=application/json
    [ "$1" = PATCH ] && ct=application/merge-patch+json
    curl -sS --fail-with-body --cacert "$ENVTEST_CA" -H "Authorization: Bearer $ENVTEST_ADMIN_TOKEN" \
        -H "Content-Type: $ct" -X "$1" "$ENVTEST_URL$2" ${3:+--data "$3"}
}
# kas USER METHOD PATH [JSON] : the same as another user; prints the HTTP status only.
kas() {
    local tok ct=application/json
    tok=$(grep ",$1," "$ENVTEST_DIR/tokens.csv" | cut -d, -f1)
    [ "$2" = PATCH ] && ct=application/merge-patch+json
    curl -sS --cacert "$ENVTEST_CA" -H "Authorization: Bearer $tok" -H "Content-Type: $ct" \
        -o /dev/null -w '%{http_code}' -X "$2" "$ENVTEST_URL$3" ${4:+--data "$4"}
}

# envtest_kubeconfig FILE USER [CONTEXT] [NAMESPACE] : a kubeconfig for forgetop and kubectl.
envtest_kubeconfig() {
    local tok ctx=${3:-envtest} ns=${4:-open-forge}
    tok=$(grep ",$2," "$ENVTEST_DIR/tokens.csv" | cut -d, -f1)
    cat >"$1" <<YAML
apiVersion: v1
kind: Config
current-context: $ctx
clusters:
- name: envtest
  cluster:
    server: $ENVTEST_URL
    certificate-authority: $ENVTEST_CA
contexts:
- name: $ctx
  context: {cluster: envtest, user: $2, namespace: $ns}
users:
- name: $2
  user:
    token: $tok
YAML
}

# The CA signs the serving certificate; a second CA the front proxy's client certificate
# (the aggregator's way to an APIService); an RSA pair signs service-account tokens.
envtest_certs() { # DIR
    local d=$1
    test_ca "$d/ca.crt" "$d/ca.key" envtest-ca &&
        test_cert "$d/server.crt" "$d/server.key" "$d/ca.crt" "$d/ca.key" kube-apiserver \
            "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default" &&
        test_ca "$d/proxy-ca.crt" "$d/proxy-ca.key" envtest-front-proxy-ca &&
        test_cert "$d/proxy.crt" "$d/proxy.key" "$d/proxy-ca.crt" "$d/proxy-ca.key" \
            front-proxy-client "extendedKeyUsage=clientAuth" &&
        openssl genrsa -out "$d/sa.key" 2048 >/dev/null 2>&1 &&
        openssl rsa -in "$d/sa.key" -pubout -out "$d/sa.pub" >/dev/null 2>&1
}

envtest_tokens() { # DIR
    local u groups
    : >"$1/tokens.csv"
    for u in $ENVTEST_USERS system:kube-controller-manager; do
        groups=""
        [ "$u" = admin ] && groups="system:masters"
        echo "tok-${u#system:}-$RANDOM$RANDOM,$u,uid-${u#system:},\"$groups\"" >>"$1/tokens.csv"
    done
    chmod 600 "$1/tokens.csv"
}

# Every request at Metadata level: user, verb, resource, subresource and response code.
envtest_audit_policy() { # FILE
    cat >"$1" <<'YAML'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
- level: Metadata
YAML
}

# envtest_kill PID : stop a control-plane process. A kube-apiserver told to stop (TERM) waits
# up to a minute for its open connections to drain; the suites need no graceful end (etcd
# keeps the state, the audit log is written before each response), so after 5 s it is killed.
envtest_kill() {
    local i
    kill "$1" 2>/dev/null || return 0
    for ((i = 0; i < 50; i++)); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    return 0
}

envtest_readyz() { curl -sf --cacert "$ENVTEST_CA" "$ENVTEST_URL/readyz" >/dev/null; }

# The audit log is written in blocking mode: a request's line is on disk when its response
# is, so a suite reads what was sent without waiting for a batch.
envtest_apiserver() { # DIR [PORT]
    local d=$1 port=${2:-}
    [ -n "$port" ] || port=$(free_port)
    ENVTEST_PORT=$port
    ENVTEST_URL="https://127.0.0.1:$port"
    "$KUBEBUILDER_ASSETS/kube-apiserver" --etcd-servers="http://127.0.0.1:$ENVTEST_ETCD_PORT" \
        --secure-port="$port" --bind-address=127.0.0.1 --advertise-address=127.0.0.1 \
        --cert-dir="$d/certs" --tls-cert-file="$d/server.crt" --tls-private-key-file="$d/server.key" \
        --client-ca-file="$d/ca.crt" --token-auth-file="$d/tokens.csv" \
        --authorization-mode=RBAC --service-account-issuer="$ENVTEST_URL" \
        --service-account-key-file="$d/sa.pub" --service-account-signing-key-file="$d/sa.key" \
        --service-cluster-ip-range=10.0.0.0/24 --endpoint-reconciler-type=none \
        --audit-log-path="$ENVTEST_AUDIT" --audit-policy-file="$d/audit-policy.yaml" \
        --audit-log-mode=blocking \
        --requestheader-client-ca-file="$d/proxy-ca.crt" \
        --requestheader-allowed-names=front-proxy-client \
        --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
        --requestheader-extra-headers-prefix=X-Remote-Extra- \
        --proxy-client-cert-file="$d/proxy.crt" --proxy-client-key-file="$d/proxy.key" \
        ${ENVTEST_APISERVER_ARGS:-} >>"$d/apiserver.log" 2>&1 &
    ENVTEST_APISERVER_PID=$!
    on_exit "envtest_kill $ENVTEST_APISERVER_PID"
}

# The deployment, replicaset and HPA controllers for real (and the service-account ones,
# so the ServiceAccount admission finds each namespace's default account).
envtest_controller_manager() { # DIR
    local d=$1
    envtest_kubeconfig "$d/kcm.kubeconfig" system:kube-controller-manager envtest kube-system
    "$KUBEBUILDER_ASSETS/kube-controller-manager" --kubeconfig="$d/kcm.kubeconfig" \
        --leader-elect=false --use-service-account-credentials --secure-port=0 \
        --controllers=deployment,replicaset,horizontalpodautoscaling,serviceaccount,serviceaccount-token \
        --service-account-private-key-file="$d/sa.key" --root-ca-file="$d/ca.crt" \
        --horizontal-pod-autoscaler-sync-period=2s \
        --horizontal-pod-autoscaler-cpu-initialization-period=1s \
        --horizontal-pod-autoscaler-initial-readiness-delay=1s \
        >"$d/controller-manager.log" 2>&1 &
    ENVTEST_KCM_PID=$!
    on_exit "envtest_kill $ENVTEST_KCM_PID"
}

# etcd without fsync: a scratch store on a disk five engineers share, gone at exit.
envtest_etcd() { # DIR
    local d=$1 peer
    ENVTEST_ETCD_PORT=$(free_port)
    peer=$(free_port)
    etcd --name envtest --data-dir "$d/etcd" \
        --listen-client-urls "http://127.0.0.1:$ENVTEST_ETCD_PORT" \
        --advertise-client-urls "http://127.0.0.1:$ENVTEST_ETCD_PORT" \
        --listen-peer-urls "http://127.0.0.1:$peer" \
        --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
        --initial-cluster "envtest=http://127.0.0.1:$peer" \
        --unsafe-no-fsync >"$d/etcd.log" 2>&1 &
    ENVTEST_ETCD_PID=$!
    on_exit "envtest_kill $ENVTEST_ETCD_PID"
    wait_for 20 curl -sf "http://127.0.0.1:$ENVTEST_ETCD_PORT/health"
}

# envtest_start DIR : the whole control plane, ready, with the users' RBAC and kubeconfigs.
envtest_start() {
    local d=$1 t0 u
    ENVTEST_DIR=$d
    ENVTEST_CA="$d/ca.crt"
    ENVTEST_AUDIT="$d/audit.log"
    t0=$(date +%s.%N)
    envtest_assets || return 1
    envtest_certs "$d" || { not_ok "envtest: openssl made the certificates"; return 1; }
    envtest_tokens "$d"
    envtest_audit_policy "$d/audit-policy.yaml"
    ENVTEST_ADMIN_TOKEN=$(grep ',admin,' "$d/tokens.csv" | cut -d, -f1)
    if ! envtest_etcd "$d"; then
        not_ok "envtest: etcd answers"; sed 's/^/# etcd: /' "$d/etcd.log" | tail -20; return 1
    fi
    envtest_apiserver "$d"
    if ! wait_for 90 envtest_readyz; then
        not_ok "envtest: kube-apiserver is ready"; sed 's/^/# apiserver: /' "$d/apiserver.log" | tail -30
        return 1
    fi
    envtest_controller_manager "$d"
    envtest_rbac || { not_ok "envtest: the users' roles are created"; return 1; }
    for u in $ENVTEST_USERS; do envtest_kubeconfig "$d/$u.kubeconfig" "$u"; done
    diag "envtest: control plane ready in $(echo "$(date +%s.%N) - $t0" | bc | cut -c1-5)s at $ENVTEST_URL ($d)"
}

# --- RBAC: what each user may do, as ClusterRoles bound cluster-wide (a missing namespace
# then answers 404 to the viewer, not 403). Every authenticated user may already create
# SelfSubjectAccessReviews (system:basic-user).
envtest_role() { # NAME RULES-JSON
    kadm POST /apis/rbac.authorization.k8s.io/v1/clusterroles \
        "{\"metadata\":{\"name\":\"$1\"},\"rules\":$2}" >/dev/null
}
# envtest_grant USER ROLE : bind; envtest_revoke USER ROLE : unbind (while forgetop runs).
envtest_grant() {
    kadm POST /apis/rbac.authorization.k8s.io/v1/clusterrolebindings \
        "{\"metadata\":{\"name\":\"$1-$2\"},\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"ClusterRole\",\"name\":\"$2\"},\"subjects\":[{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"User\",\"name\":\"$1\"}]}" >/dev/null
}
envtest_revoke() { kadm DELETE "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/$1-$2" >/dev/null; }

envtest_rbac() {
    envtest_role forgetop-read '[
 {"apiGroups":["apps"],"resources":["deployments","replicasets","deployments/scale"],"verbs":["get","list","watch"]},
 {"apiGroups":[""],"resources":["pods","events","namespaces"],"verbs":["get","list","watch"]},
 {"apiGroups":["autoscaling"],"resources":["horizontalpodautoscalers"],"verbs":["get","list","watch"]},
 {"apiGroups":["keda.sh"],"resources":["scaledobjects"],"verbs":["get","list","watch"]}]' &&
        envtest_role forgetop-metrics '[{"apiGroups":["metrics.k8s.io"],"resources":["pods","nodes"],"verbs":["get","list"]}]' &&
        envtest_role forgetop-scale-update '[{"apiGroups":["apps"],"resources":["deployments/scale"],"verbs":["update"]}]' &&
        envtest_role forgetop-scale-patch '[{"apiGroups":["apps"],"resources":["deployments/scale"],"verbs":["patch"]}]' &&
        envtest_role forgetop-hpa-patch '[{"apiGroups":["autoscaling"],"resources":["horizontalpodautoscalers"],"verbs":["patch"]}]' &&
        for u in viewer updater patcher hpa-patcher oncall produser; do
            envtest_grant "$u" forgetop-metrics || return 1
        done && envtest_grant nometrics forgetop-read &&
        envtest_grant viewer forgetop-read && envtest_grant updater forgetop-read &&
        envtest_grant patcher forgetop-read && envtest_grant hpa-patcher forgetop-read &&
        envtest_grant updater forgetop-scale-update && envtest_grant patcher forgetop-scale-patch &&
        envtest_grant hpa-patcher forgetop-hpa-patch && envtest_grant oncall forgetop-read &&
        envtest_grant produser forgetop-read && envtest_grant produser forgetop-scale-update &&
        envtest_grant produser forgetop-scale-patch && envtest_grant produser forgetop-hpa-patch
}

# --- the Open Forge shapes of the runbook (scaling-guide.md)
envtest_deployment() { # NAME REPLICAS CONTAINER REQUESTS-JSON LIMITS-JSON [NS]
    local ns=${6:-open-forge}
    kadm POST "/apis/apps/v1/namespaces/$ns/deployments" "{
 \"metadata\":{\"name\":\"$1\",\"labels\":{\"app\":\"$1\"}},
 \"spec\":{\"replicas\":$2,\"selector\":{\"matchLabels\":{\"app\":\"$1\"}},
  \"template\":{\"metadata\":{\"labels\":{\"app\":\"$1\"}},
   \"spec\":{\"containers\":[{\"name\":\"$3\",\"image\":\"ghcr.io/18bravo/open-forge-$1:latest\",
    \"resources\":{\"requests\":$4,\"limits\":$5}}]}}}}" >/dev/null
}

# envtest_open_forge : namespace open-forge, api (5), agent-worker (10), dagster-run-worker
# (5) with the runbook's requests and limits, and api-hpa (autoscaling/v2) as the runbook
# gives it. Waits until the replica sets have created every pod.
envtest_open_forge() {
    kadm POST /api/v1/namespaces '{"metadata":{"name":"open-forge"}}' >/dev/null &&
        envtest_deployment api 5 api '{"cpu":"500m","memory":"1Gi"}' '{"cpu":"1","memory":"2Gi"}' &&
        envtest_deployment agent-worker 10 worker '{"cpu":"1","memory":"2Gi"}' '{"cpu":"2","memory":"4Gi"}' &&
        envtest_deployment dagster-run-worker 5 run-worker '{"cpu":"2","memory":"4Gi"}' '{}' &&
        kadm POST /apis/autoscaling/v2/namespaces/open-forge/horizontalpodautoscalers '{
 "metadata":{"name":"api-hpa"},
 "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"api"},
  "minReplicas":3,"maxReplicas":20,
  "metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":70}}},
             {"type":"Resource","resource":{"name":"memory","target":{"type":"Utilization","averageUtilization":80}}}],
  "behavior":{"scaleDown":{"stabilizationWindowSeconds":300,"policies":[{"type":"Percent","value":10,"periodSeconds":60}]},
              "scaleUp":{"stabilizationWindowSeconds":0,"policies":[{"type":"Percent","value":100,"periodSeconds":15}]}}}}' \
            >/dev/null &&
        wait_for 60 envtest_pods_are api 5 && wait_for 60 envtest_pods_are agent-worker 10 &&
        wait_for 60 envtest_pods_are dagster-run-worker 5
}

# envtest_pods APP [NS] : the names of the pods of a deployment.
envtest_pods() {
    kadm GET "/api/v1/namespaces/${2:-open-forge}/pods?labelSelector=app%3D$1" |
        python3 -c 'import json,sys; [print(p["metadata"]["name"]) for p in json.load(sys.stdin)["items"] if not p["metadata"].get("deletionTimestamp")]'
}
envtest_pods_are() { [ "$(envtest_pods "$1" "${3:-}" | wc -l)" -eq "$2" ]; }

# envtest_pods_ready APP [NS] : what a kubelet would write for each pod of APP: Running,
# started now, Ready. Waits until the deployment counts them ready.
envtest_pods_ready() {
    local ns=${2:-open-forge} p now n=0 c
    now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    c=$(kadm GET "/apis/apps/v1/namespaces/$ns/deployments/$1" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["spec"]["template"]["spec"]["containers"][0]["name"])')
    for p in $(envtest_pods "$1" "$ns"); do
        kadm PATCH "/api/v1/namespaces/$ns/pods/$p/status" "{\"status\":{\"phase\":\"Running\",
 \"startTime\":\"$now\",\"podIP\":\"10.1.0.$((n + 2))\",\"hostIP\":\"127.0.0.1\",
 \"conditions\":[{\"type\":\"PodScheduled\",\"status\":\"True\",\"lastTransitionTime\":\"$now\"},
  {\"type\":\"Initialized\",\"status\":\"True\",\"lastTransitionTime\":\"$now\"},
  {\"type\":\"ContainersReady\",\"status\":\"True\",\"lastTransitionTime\":\"$now\"},
  {\"type\":\"Ready\",\"status\":\"True\",\"lastTransitionTime\":\"$now\"}],
 \"containerStatuses\":[{\"name\":\"$c\",\"ready\":true,\"started\":true,\"restartCount\":0,
  \"image\":\"img\",\"imageID\":\"\",\"state\":{\"running\":{\"startedAt\":\"$now\"}}}]}}" >/dev/null || return 1
        n=$((n + 1))
    done
    wait_for 30 envtest_ready_is "$1" "$n" "$ns"
}
# envtest_ready_is APP N [NS] : the deployment's status counts N ready replicas.
envtest_ready_is() {
    [ "$(kadm GET "/apis/apps/v1/namespaces/${3:-open-forge}/deployments/$1" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["status"].get("readyReplicas", 0))')" = "$2" ]
}
# envtest_replicas APP [NS] : the deployment's spec.replicas.
envtest_replicas() {
    kadm GET "/apis/apps/v1/namespaces/${2:-open-forge}/deployments/$1" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["spec"]["replicas"])'
}

# envtest_writes USER : one line per request from USER the audit log saw that could change
# something (create, update, patch, delete), access reviews excepted: "verb resource[/sub]
# name code". Empty when the user sent no write.
envtest_writes() {
    python3 - "$ENVTEST_AUDIT" "$1" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("stage") != "ResponseComplete" or e["user"].get("username") != sys.argv[2]:
        continue
    if e["verb"] not in ("create", "update", "patch", "delete", "deletecollection"):
        continue
    o = e.get("objectRef", {})
    if o.get("resource") in ("selfsubjectaccessreviews", "selfsubjectrulesreviews"):
        continue
    r = o.get("resource", "?") + ("/" + o["subresource"] if o.get("subresource") else "")
    print(e["verb"], r, o.get("name", "-"), e.get("responseStatus", {}).get("code"))
PY
}
# envtest_requests USER VERB [RESOURCE] : how many requests of VERB (on RESOURCE) from USER
# the audit log saw.
envtest_requests() {
    python3 - "$ENVTEST_AUDIT" "$@" <<'PY'
import json, sys
log, user, verb = sys.argv[1:4]
res = sys.argv[4] if len(sys.argv) > 4 else None
n = 0
for line in open(log):
    e = json.loads(line)
    if e.get("stage") != "ResponseComplete" or e["user"].get("username") != user:
        continue
    if e["verb"] == verb and (res is None or e.get("objectRef", {}).get("resource") == res):
        n += 1
print(n)
PY
}

# envtest_metrics LOAD-FILE : serve metrics.k8s.io from tests/fakes/metrics_server.py on a
# loopback port, registered as the APIService v1beta1.metrics.k8s.io, so the real HPA
# controller and forgetop read the same pod metrics. Waits until it is served.
# The route: an ExternalName Service "localhost", which the aggregator dials at the
# APIService's port. Endpoints cannot name 127.0.0.1 (validation refuses loopback), so
# --enable-aggregator-routing (which dials endpoints, and refuses ExternalName) stays off.
envtest_metrics() {
    local port
    port=$(free_port)
    python3 "$ROOT/tests/fakes/metrics_server.py" --port "$port" --cert "$ENVTEST_DIR/server.crt" \
        --key "$ENVTEST_DIR/server.key" --api "$ENVTEST_URL" --ca "$ENVTEST_CA" \
        --token "$ENVTEST_ADMIN_TOKEN" --load "$1" >"$ENVTEST_DIR/metrics.log" 2>&1 &
    ENVTEST_METRICS_PID=$!
    on_exit "kill $ENVTEST_METRICS_PID"
    kadm POST /api/v1/namespaces/kube-system/services \
        '{"metadata":{"name":"metrics-server"},"spec":{"type":"ExternalName","externalName":"localhost"}}' >/dev/null &&
        kadm POST /apis/apiregistration.k8s.io/v1/apiservices '{"metadata":{"name":"v1beta1.metrics.k8s.io"},
 "spec":{"group":"metrics.k8s.io","version":"v1beta1","insecureSkipTLSVerify":true,
  "groupPriorityMinimum":100,"versionPriority":100,
  "service":{"name":"metrics-server","namespace":"kube-system","port":'"$port"'}}}' >/dev/null &&
        wait_for 30 kadm GET /apis/metrics.k8s.io/v1beta1/namespaces/open-forge/pods
}

# envtest_apiserver_stop : the API server goes away (etcd and the controller manager stay);
# envtest_apiserver_restart : it comes back on the same port, and is waited for.
envtest_apiserver_stop() {
    envtest_kill "$ENVTEST_APISERVER_PID"
    ! envtest_readyz
}
envtest_apiserver_restart() {
    envtest_apiserver "$ENVTEST_DIR" "$ENVTEST_PORT"
    wait_for 90 envtest_readyz
}
