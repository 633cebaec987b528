#!/usr/bin/env bash
# kube.sh - a namespace of 200 deployments and 2000 pods (BENCH_DEPLOYS, BENCH_PODS) on the
# fake Kubernetes API:
# forgetop's kube poll (build/bench/kube_poll) against curl fetching the same documents
# and against kubectl (get deploy -o json + get --raw of the pod metrics), in one run.
# Figures: wall time per poll (median of BENCH_RUNS), CPU seconds per run (user + system:
# the fake dominates the wall time at 10 000 pods, the CPU is the client's own) and peak
# RSS; printed, never asserted.
source "$(dirname "$0")/../tests/lib.sh"
source "$ROOT/tests/fakes/kube_env.sh"
cd "$ROOT" || exit 1
S=$(scratch)
RUNS=${BENCH_RUNS:-5}
NS=open-forge

PROBE=$(probe_path kube_poll) || { echo "kube_poll does not build"; exit 1; }
kube_fake_start "$S" --generate "${BENCH_DEPLOYS:-200}:${BENCH_PODS:-2000}:$NS" || { echo "fake did not start"; exit 1; }
K=$KUBECONFIG_FILE

# measure CMD... : run CMD RUNS times; print median seconds, max RSS (KiB), CPU s per run.
measure() {
    python3 - "$RUNS" "$@" <<'PY'
import resource, statistics, subprocess, sys, time
runs = int(sys.argv[1]); cmd = sys.argv[2:]
times = []
for _ in range(runs):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    times.append(time.perf_counter() - t)
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.4f %d %.3f" % (statistics.median(times), ru.ru_maxrss, (ru.ru_utime + ru.ru_stime) / runs))
PY
}

base=$KUBE_URL
hdr="Authorization: Bearer $KUBE_TOKEN"
# The documents a poll reads, page by page (continue tokens are stable while nothing writes):
# deployments, HPAs, pods, ScaledObjects, ReplicaSets and Warning events at limit=500, and
# the pod metrics as one document. Not on curl's side: forgetop's 3 SelfSubjectAccessReview
# POSTs (a few hundred bytes each; forgetop reads no discovery document).
python3 - "$base" "$KUBE_TOKEN" "$KUBE_CA" "$NS" >"$S/urls" <<'PY'
import json, ssl, sys, urllib.error, urllib.parse, urllib.request
base, tok, ca, ns = sys.argv[1:]
ctx = ssl.create_default_context(cafile=ca)
# every list forgetop --once reads, in its order: what the document is built from
lists = ["/apis/apps/v1/namespaces/%s/deployments" % ns,
         "/apis/autoscaling/v2/namespaces/%s/horizontalpodautoscalers" % ns,
         "/api/v1/namespaces/%s/pods" % ns,
         "/apis/keda.sh/v1alpha1/namespaces/%s/scaledobjects" % ns,
         "/apis/apps/v1/namespaces/%s/replicasets" % ns,
         "/api/v1/namespaces/%s/events?fieldSelector=type%%3DWarning" % ns]
for path in lists:
    cont = None
    while True:
        sep = "&" if "?" in path else "?"
        url = base + path + sep + "limit=500" + ("&continue=" + urllib.parse.quote(cont, safe="") if cont else "")
        print(url)
        req = urllib.request.Request(url, headers={"Authorization": "Bearer " + tok})
        try:
            cont = json.load(urllib.request.urlopen(req, context=ctx))["metadata"].get("continue")
        except urllib.error.HTTPError:  # not served here (no KEDA CRD): asked once, as forgetop does
            cont = None
        if not cont:
            break
print(base + "/apis/metrics.k8s.io/v1beta1/namespaces/%s/pods" % ns)
PY
curl_all() {
    local args=() u
    while read -r u; do args+=(-o /dev/null "$u"); done <"$S/urls"
    curl -s --cacert "$KUBE_CA" -H "$hdr" "${args[@]}"
}
kubectl_all() {
    # the fake's discovery has no ReplicaSets for kubectl's names: those two go raw
    kubectl --kubeconfig "$K" -n "$NS" get deploy,hpa,pods -o json >/dev/null &&
        kubectl --kubeconfig "$K" get --raw "/apis/apps/v1/namespaces/$NS/replicasets" >/dev/null &&
        kubectl --kubeconfig "$K" get --raw "/api/v1/namespaces/$NS/events?fieldSelector=type%3DWarning" >/dev/null &&
        kubectl --kubeconfig "$K" get --raw "/apis/metrics.k8s.io/v1beta1/namespaces/$NS/pods" >/dev/null
}
export -f curl_all kubectl_all
export base hdr NS KUBE_CA K S

bytes=$(curl -s --cacert "$KUBE_CA" -H "$hdr" -w '%{size_download}\n' -o /dev/null \
    "$base/api/v1/namespaces/$NS/pods")
"$PROBE" --kubeconfig "$K" --timeout 60 >"$S/one.json"
echo "   namespace: $(json_get "$S/one.json" 'len(d["services"])') deployments, $(json_get "$S/one.json" 'sum(len(s["pods"]) for s in d["services"])') pods ($bytes bytes of pod list)"

read -r ft ft_rss ft_cpu <<<"$(measure "$PROBE" --kubeconfig "$K" --quiet --timeout 60)"
read -r cu cu_rss cu_cpu <<<"$(measure bash -c curl_all)"
read -r kc kc_rss kc_cpu <<<"$(measure bash -c kubectl_all)"
warm=$("$PROBE" --kubeconfig "$K" --quiet --timeout 60 --times "$((RUNS + 1))" |
    python3 -c 'import json,sys,statistics; t=[json.loads(l)["poll_seconds"] for l in sys.stdin][1:]; print("%.4f" % statistics.median(t))')

python3 - "$ft" "$ft_rss" "$cu" "$cu_rss" "$kc" "$kc_rss" "$warm" "$ft_cpu" "$cu_cpu" "$kc_cpu" <<'PY'
import sys
ft, ftr, cu, cur, kc, kcr, warm, ftc, cuc, kcc = (float(x) for x in sys.argv[1:])
print("   forgetop poll (cold process, TLS + SSAR + 4 lists in pages): %6.3f s  peak RSS %5.1f MB  CPU %5.2f s" % (ft, ftr / 1024, ftc))
print("   forgetop poll (warm, connection reused):                     %6.3f s" % warm)
print("   curl, same documents (one process, same pages):             %6.3f s  peak RSS %5.1f MB  CPU %5.2f s" % (cu, cur / 1024, cuc))
print("   kubectl get deploy,hpa,pods,rs + Warning events + metrics:   %6.3f s  peak RSS %5.1f MB  CPU %5.2f s" % (kc, kcr / 1024, kcc))
print("   ratio forgetop/curl: %.2fx (budget 1.3x), kubectl/forgetop: %.1fx, RSS forgetop %.1f MB (budget 20 MB)"
      % (ft / cu, kc / ft, ftr / 1024))
PY

# ---- forgetop --once --json itself (the binary an operator runs), against the same curl
cat >"$S/only-kube.conf" <<CONF
[forgetop]
request_timeout = 60s
[kube]
enabled = true
CONF
read -r fo fo_rss fo_cpu <<<"$(measure "$BIN" --config "$S/only-kube.conf" --kubeconfig "$K" --once --json)"
python3 - "$fo" "$fo_rss" "$fo_cpu" "$cu" "$kc" <<'PY'
import sys
fo, fr, fc, cu, kc = (float(x) for x in sys.argv[1:])
print("   forgetop --once --json:                                     %6.3f s  peak RSS %5.1f MB  CPU %5.2f s" % (fo, fr / 1024, fc))
print("   ratio --once/curl: %.2fx (budget 1.3x), kubectl/--once: %.1fx" % (fo / cu, kc / fo))
PY

# ---- steady state at a 2 s refresh: bytes the API server sends per minute, watch vs
# re-list (the fake counts the bodies it writes), and the client's CPU and RSS.
STEADY=${BENCH_STEADY_S:-60}
stat() { curl -sf --cacert "$KUBE_CA" "$KUBE_URL/_stats" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
steady() { # OUT ARGS... : "BYTES_PER_MIN CPU_S_PER_MIN MAXRSS_KB" after the first poll
    local out=$1 pid b0 b1 c0 c1 t0 t1; shift
    "$PROBE" --kubeconfig "$K" --quiet --timeout 60 --times 100000 --every 2 "$@" >"$out" 2>&1 &
    pid=$!
    wait_for 120 grep -q poll_seconds "$out"
    sleep 5 # the first list and the watches' start are not steady state
    b0=$(stat 'd["bytes"]'); c0=$(tail -1 "$out" | json_cpu); t0=$(date +%s.%N)
    sleep "$STEADY"
    b1=$(stat 'd["bytes"]'); c1=$(tail -1 "$out" | json_cpu); t1=$(date +%s.%N)
    kill "$pid"; wait "$pid" 2>/dev/null
    python3 -c "import sys; b0,b1,c0,c1,t0,t1=map(float,sys.argv[1:7]); m=(t1-t0)/60; print('%.0f %.3f %s' % ((b1-b0)/m, (c1-c0)/m, sys.argv[7]))" \
        "$b0" "$b1" "$c0" "$c1" "$t0" "$t1" "$(tail -1 "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["maxrss_kb"])')"
}
json_cpu() { python3 -c 'import json,sys; print(json.load(sys.stdin)["cpu_s"])'; }
read -r wb wc wr <<<"$(steady "$S/watch.out")"
read -r rb rc rr <<<"$(steady "$S/relist.out" --no-watch --metrics-interval 0)"
python3 - "$wb" "$wc" "$wr" "$rb" "$rc" "$rr" "$STEADY" <<'PY'
import sys
wb, wc, wr, rb, rc, rr = (float(x) for x in sys.argv[1:7])
print("   steady state, 2 s polls, %s s window (the source alone, build/bench/kube_poll):" % sys.argv[7])
print("     watch (+ pod metrics every 15 s): %10.0f B/min from the API server  CPU %6.3f s/min  peak RSS %5.1f MB" % (wb, wc, wr / 1024))
print("     re-list every poll (watch = false, metrics_interval = 0): %10.0f B/min  CPU %6.3f s/min  peak RSS %5.1f MB" % (rb, rc, rr / 1024))
print("     ratio bytes watch/re-list: %.2f %% (budget <= 5 %%), CPU watch/re-list: %.2f %%" % (100 * wb / rb if rb else 0, 100 * wc / rc if rc else 0))
PY

# ---- the dashboard itself at -d 2 on the same server: CPU seconds per minute and RSS
if [ -x "$BIN" ]; then
    b0=$(stat 'd["bytes"]')
    dash=$(python3 bench/ptyrun.py 160 50 10 "$STEADY" "" -- "$BIN" --config "$S/only-kube.conf" --kubeconfig "$K" -d 2 -R)
    b1=$(stat 'd["bytes"]')
    get() { sed -nE "s/.*\b$1=([^ ]+).*/\1/p" <<<"$2"; }
    python3 - "$(get cpu_s "$dash")" "$(get rss_kib "$dash")" "$STEADY" "$b0" "$b1" <<'PY'
import sys
cpu, rss, secs, b0, b1 = (float(x) for x in sys.argv[1:])
print("   dashboard -d 2, 160x50, %.0f s after 10 s warm-up: CPU %.3f s/min (budget <= 1)  peak RSS %.1f MB  (API bytes over warm-up + window: %.1f MB)"
      % (secs, cpu * 60 / secs, rss / 1024, (b1 - b0) / 1e6))
PY
fi
