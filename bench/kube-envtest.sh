#!/usr/bin/env bash
# kube-envtest.sh - the kube source on the REAL API server (tests/lib-envtest.sh) with
# BENCH_DEPLOYS (200) deployments of BENCH_PER (3) pods each, every pod made Ready as a
# kubelet would: bytes the client reads from the API server per minute in steady state
# at a 2 s refresh with watch against re-listing every poll (counted by bench/tcpcount.py,
# a relay in front of the API server: what came off the wire, TLS and gzip included), the
# client's CPU and RSS, the live
# dashboard's CPU per minute at -d 2, and --once --json against curl and kubectl.
# Printed, never asserted.
source "$(dirname "$0")/../tests/lib.sh"
source "$ROOT/tests/lib-envtest.sh"
cd "$ROOT" || exit 1
S=$(scratch)
ND=${BENCH_DEPLOYS:-200}
PER=${BENCH_PER:-3}
STEADY=${BENCH_STEADY_S:-60}
PROBE=$(probe_path kube_poll) || { echo "kube_poll does not build"; exit 1; }
envtest_start "$S" >"$S/start.log" 2>&1 || { cat "$S/start.log"; exit 1; }
kadm POST /api/v1/namespaces '{"metadata":{"name":"open-forge"}}' >/dev/null
python3 - "$ENVTEST_URL" "$ENVTEST_ADMIN_TOKEN" "$ENVTEST_CA" "$ND" "$PER" <<'PY'
import json, ssl, sys, time, urllib.request
from concurrent.futures import ThreadPoolExecutor
url, tok, ca, nd, per = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
ctx = ssl.create_default_context(cafile=ca)
def req(method, path, body, ct="application/json"):
    r = urllib.request.Request(url + path, method=method, data=json.dumps(body).encode() if body else None,
                               headers={"Authorization": "Bearer " + tok, "Content-Type": ct})
    return json.load(urllib.request.urlopen(r, context=ctx))
ns = "/apis/apps/v1/namespaces/open-forge/deployments"
def mk(i):
    n = "svc-%03d" % i
    req("POST", ns, {"metadata": {"name": n, "labels": {"app": n}}, "spec": {"replicas": per,
        "selector": {"matchLabels": {"app": n}}, "template": {"metadata": {"labels": {"app": n}},
        "spec": {"containers": [{"name": "main", "image": "ghcr.io/open-forge/%s:1" % n,
                 "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}}}]}}}})
with ThreadPoolExecutor(8) as ex:
    list(ex.map(mk, range(nd)))
pods = []
for _ in range(240):
    pods = req("GET", "/api/v1/namespaces/open-forge/pods", None)["items"]
    if len(pods) >= nd * per:
        break
    time.sleep(1)
now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
def ready(p):
    st = {"status": {"phase": "Running", "startTime": now, "conditions": [
        {"type": t, "status": "True", "lastTransitionTime": now} for t in ("PodScheduled", "Initialized", "ContainersReady", "Ready")],
        "containerStatuses": [{"name": "main", "ready": True, "started": True, "restartCount": 0, "image": "img",
                               "imageID": "", "state": {"running": {"startedAt": now}}}]}}
    req("PATCH", "/api/v1/namespaces/open-forge/pods/%s/status" % p["metadata"]["name"], st, "application/merge-patch+json")
with ThreadPoolExecutor(8) as ex:
    list(ex.map(ready, pods))
print("   %d deployments, %d pods made Ready" % (nd, len(pods)))
PY
sleep 5 # the deployment controller counts the ready pods
RP=$(free_port)
python3 bench/tcpcount.py "$RP" "127.0.0.1:$ENVTEST_PORT" "$S/bytes" &
on_exit "kill $!"
wait_for 10 test -s "$S/bytes"
K="$S/viewer-relay.kubeconfig"
sed "s|$ENVTEST_URL|https://127.0.0.1:$RP|" "$S/viewer.kubeconfig" >"$K"
rchar() { cat "$S/bytes"; }
steady() { # ARGS... : "BYTES_PER_MIN CPU_S_PER_MIN MAXRSS_KB" at 2 s polls after a warm-up
    local pid b0 b1 t0 t1 c0 c1
    "$PROBE" --kubeconfig "$K" --quiet --timeout 30 --times 100000 --every 2 "$@" >"$S/steady.out" 2>&1 &
    pid=$!
    wait_for 60 grep -q poll_seconds "$S/steady.out"
    sleep 5
    b0=$(rchar "$pid"); c0=$(tail -1 "$S/steady.out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["cpu_s"])'); t0=$(date +%s.%N)
    sleep "$STEADY"
    b1=$(rchar "$pid"); c1=$(tail -1 "$S/steady.out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["cpu_s"])'); t1=$(date +%s.%N)
    local rss; rss=$(tail -1 "$S/steady.out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["maxrss_kb"])')
    kill "$pid"; wait "$pid" 2>/dev/null
    python3 -c "import sys; b0,b1,c0,c1,t0,t1=map(float,sys.argv[1:7]); m=(t1-t0)/60; print('%.0f %.3f %s' % ((b1-b0)/m, (c1-c0)/m, sys.argv[7]))" \
        "$b0" "$b1" "$c0" "$c1" "$t0" "$t1" "$rss"
}
read -r wb wc wr <<<"$(steady)"
read -r rb rc rr <<<"$(steady --no-watch --metrics-interval 0)"
python3 - "$wb" "$wc" "$wr" "$rb" "$rc" "$rr" "$STEADY" <<'PY'
import sys
wb, wc, wr, rb, rc, rr = (float(x) for x in sys.argv[1:7])
print("   steady state on the real API server, 2 s polls, %s s window (build/bench/kube_poll):" % sys.argv[7])
print("     watch:                %10.0f B/min read from the API server  CPU %6.3f s/min  peak RSS %5.1f MB" % (wb, wc, wr / 1024))
print("     re-list every poll:   %10.0f B/min                           CPU %6.3f s/min  peak RSS %5.1f MB" % (rb, rc, rr / 1024))
print("     ratio bytes watch/re-list: %.2f %% (budget <= 5 %%)" % (100 * wb / rb if rb else 0))
PY
measure() { # CMD... : median seconds of 3 runs, peak RSS KiB
    python3 - "$@" <<'PY'
import resource, statistics, subprocess, sys, time
t = []
for _ in range(3):
    s = time.perf_counter()
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t.append(time.perf_counter() - s)
print("%.3f %d" % (statistics.median(t), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
PY
}
printf '[kube]\nenabled = true\n' >"$S/kube.conf"
tok=$(grep ',viewer,' "$S/tokens.csv" | cut -d, -f1)
# Every list forgetop --once reads, page by page at limit=500 (pods are two pages at 600):
# deployments, HPAs, pods, pod metrics (not served here: one 404, as forgetop gets),
# ScaledObjects (no CRD: 404), ReplicaSets, Warning events; in one curl process, one
# connection. Not on curl's side: forgetop's 3 SelfSubjectAccessReview POSTs.
python3 - "$ENVTEST_URL" "$tok" "$ENVTEST_CA" >"$S/urls" <<'PY'
import json, ssl, sys, urllib.error, urllib.parse, urllib.request
base, tok, ca = sys.argv[1:]
ctx = ssl.create_default_context(cafile=ca)
ns = "open-forge"
for path in ["/apis/apps/v1/namespaces/%s/deployments" % ns,
             "/apis/autoscaling/v2/namespaces/%s/horizontalpodautoscalers" % ns,
             "/api/v1/namespaces/%s/pods" % ns, "/apis/metrics.k8s.io/v1beta1/namespaces/%s/pods" % ns,
             "/apis/keda.sh/v1alpha1/namespaces/%s/scaledobjects" % ns,
             "/apis/apps/v1/namespaces/%s/replicasets" % ns,
             "/api/v1/namespaces/%s/events?fieldSelector=type%%3DWarning" % ns]:
    cont = None
    while True:
        sep = "&" if "?" in path else "?"
        paged = "metrics.k8s.io" not in path
        url = base + path + (sep + "limit=500" if paged else "") + \
            ("&continue=" + urllib.parse.quote(cont, safe="") if cont else "")
        print(url)
        req = urllib.request.Request(url, headers={"Authorization": "Bearer " + tok})
        try:
            cont = json.load(urllib.request.urlopen(req, context=ctx))["metadata"].get("continue")
        except urllib.error.HTTPError:
            cont = None
        if not cont:
            break
PY
curl_all() {
    local args=() u
    while read -r u; do args+=(-o /dev/null "$u"); done <"$S/urls"
    curl -s --cacert "$ENVTEST_CA" -H "Authorization: Bearer $tok" "${args[@]}"
}
export -f curl_all
export ENVTEST_CA ENVTEST_URL tok S
# straight to the API server, as curl: not through the counting relay
read -r fo fr <<<"$(measure "$BIN" --config "$S/kube.conf" --kubeconfig "$S/viewer.kubeconfig" --once --json)"
read -r cu cr <<<"$(measure bash -c curl_all)"
read -r kc kr <<<"$(measure kubectl --kubeconfig "$S/viewer.kubeconfig" -n open-forge get deploy,pods,hpa,rs -o json)"
python3 - "$fo" "$fr" "$cu" "$cr" "$kc" "$kr" <<'PY'
import sys
fo, fr, cu, cr, kc, kr = (float(x) for x in sys.argv[1:])
print("   forgetop --once --json %.3f s (%.1f MB)  curl, the same pages %.3f s  kubectl get deploy,pods,hpa,rs -o json %.3f s (%.1f MB)"
      % (fo, fr / 1024, cu, kc, kr / 1024))
print("   ratio --once/curl %.2fx (budget 1.3x), kubectl/--once %.1fx" % (fo / cu, kc / fo))
PY
dash=$(python3 bench/ptyrun.py 160 50 10 "$STEADY" "" -- "$BIN" --config "$S/kube.conf" --kubeconfig "$K" -d 2 -R)
get() { sed -nE "s/.*\b$1=([^ ]+).*/\1/p" <<<"$2"; }
python3 -c "import sys; c,r,s=map(float,sys.argv[1:]); print('   dashboard -d 2 on the real API server: CPU %.3f s/min (budget <= 1)  peak RSS %.1f MB' % (c*60/s, r/1024))" \
    "$(get cpu_s "$dash")" "$(get rss_kib "$dash")" "$STEADY"
