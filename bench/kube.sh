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
# The documents a poll reads, page by page (continue tokens are stable while nothing writes).
python3 - "$base" "$KUBE_TOKEN" "$KUBE_CA" "$NS" >"$S/urls" <<'PY'
import json, ssl, sys, urllib.parse, urllib.request
base, tok, ca, ns = sys.argv[1:]
ctx = ssl.create_default_context(cafile=ca)
lists = ["/apis/apps/v1/namespaces/%s/deployments" % ns,
         "/apis/autoscaling/v2/namespaces/%s/horizontalpodautoscalers" % ns,
         "/api/v1/namespaces/%s/pods" % ns]
for path in lists:
    cont = None
    while True:
        url = base + path + "?limit=500" + ("&continue=" + urllib.parse.quote(cont, safe="") if cont else "")
        print(url)
        req = urllib.request.Request(url, headers={"Authorization": "Bearer " + tok})
        cont = json.load(urllib.request.urlopen(req, context=ctx))["metadata"].get("continue")
        if not cont:
            break
print(base + "/apis/metrics.k8s.io/v1beta1/namespaces/%s/pods" % ns)
PY
curl_all() {
    local args=() u
    while read -r u; do args+=(-o /dev/null "$u"); done <"$S/urls"
    curl -sf --cacert "$KUBE_CA" -H "$hdr" "${args[@]}"
}
kubectl_all() {
    kubectl --kubeconfig "$K" -n "$NS" get deploy -o json >/dev/null &&
        kubectl --kubeconfig "$K" get --raw "/apis/metrics.k8s.io/v1beta1/namespaces/$NS/pods" >/dev/null
}
export -f curl_all kubectl_all
export base hdr NS KUBE_CA K S

bytes=$(curl -s --cacert "$KUBE_CA" -H "$hdr" -w '%{size_download}\n' -o /dev/null \
    "$base/api/v1/namespaces/$NS/pods")
"$PROBE" --kubeconfig "$K" >"$S/one.json"
echo "   namespace: $(json_get "$S/one.json" 'len(d["services"])') deployments, $(json_get "$S/one.json" 'sum(len(s["pods"]) for s in d["services"])') pods ($bytes bytes of pod list)"

read -r ft ft_rss ft_cpu <<<"$(measure "$PROBE" --kubeconfig "$K" --quiet)"
read -r cu cu_rss cu_cpu <<<"$(measure bash -c curl_all)"
read -r kc kc_rss kc_cpu <<<"$(measure bash -c kubectl_all)"
warm=$("$PROBE" --kubeconfig "$K" --quiet --times "$((RUNS + 1))" |
    python3 -c 'import json,sys,statistics; t=[json.loads(l)["poll_seconds"] for l in sys.stdin][1:]; print("%.4f" % statistics.median(t))')

python3 - "$ft" "$ft_rss" "$cu" "$cu_rss" "$kc" "$kc_rss" "$warm" "$ft_cpu" "$cu_cpu" "$kc_cpu" <<'PY'
import sys
ft, ftr, cu, cur, kc, kcr, warm, ftc, cuc, kcc = (float(x) for x in sys.argv[1:])
print("   forgetop poll (cold process, TLS + SSAR + 4 lists in pages): %6.3f s  peak RSS %5.1f MB  CPU %5.2f s" % (ft, ftr / 1024, ftc))
print("   forgetop poll (warm, connection reused):                     %6.3f s" % warm)
print("   curl, same documents (one process, same pages):             %6.3f s  peak RSS %5.1f MB  CPU %5.2f s" % (cu, cur / 1024, cuc))
print("   kubectl get deploy -o json + get --raw pod metrics:          %6.3f s  peak RSS %5.1f MB  CPU %5.2f s" % (kc, kcr / 1024, kcc))
print("   ratio forgetop/curl: %.2fx (budget 1.3x), kubectl/forgetop: %.1fx, RSS forgetop %.1f MB (budget 20 MB)"
      % (ft / cu, kc / ft, ftr / 1024))
PY
