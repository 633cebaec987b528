#!/usr/bin/env bash
# envtest-watch.sh - the kube source's informers against the REAL Kubernetes API server
# (tests/lib-envtest.sh): the source runs poll after poll as the viewer
# (build/bench/kube_poll --every 1, as the dashboard's poller) while kubectl creates,
# scales and deletes a deployment: each shows within one interval; the API server's
# audit log shows one list of each resource (resourceVersion=0) and then watches with
# bookmarks, not a list per poll; a stopped API server breaks the watch (the source
# fails: stale) and a restarted one is resumed from where it was; a resume etcd has compacted
# away (deployments without a watch cache, the link cut by a relay) answers 410 Gone and the
# source relists, and shows what changed meanwhile.
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/lib-envtest.sh"
cd "$ROOT" || exit 1
S=$(scratch)

PROBE=$(probe_path kube_poll) || { not_ok "kube_poll builds"; finish; }
envtest_start "$S" || finish
ok "the control plane (etcd, kube-apiserver with an audit log, controller manager) is ready"
envtest_open_forge || { not_ok "the runbook's namespace, deployments and HPA are created"; finish; }
ok "the runbook's namespace, deployments and HPA are created"
kc() { kubectl --kubeconfig "$S/admin.kubeconfig" -n open-forge "$@" >/dev/null 2>&1; }
now() { date +%s.%N; }

# audit VERB RESOURCE [URI-SUBSTRING] : requests from the viewer the audit log saw start
audit() {
    python3 - "$ENVTEST_AUDIT" "$@" <<'PY'
import json, sys
log, verb, res = sys.argv[1:4]
sub = sys.argv[4] if len(sys.argv) > 4 else ""
n = 0
for line in open(log):
    e = json.loads(line)
    if e.get("stage") not in ("ResponseStarted", "ResponseComplete") or e["user"].get("username") != "viewer":
        continue
    o = e.get("objectRef", {})
    if o.get("apiGroup", "") == "metrics.k8s.io":
        continue  # pod metrics are polled: not the lists counted here
    if e["verb"] == verb and o.get("resource") == res and sub in e.get("requestURI", ""):
        # a watch logs ResponseStarted, then ResponseComplete when it ends: count it once
        if verb != "watch" or e["stage"] == "ResponseStarted":
            n += 1
print(n)
PY
}

"$PROBE" --kubeconfig "$S/viewer.kubeconfig" --times 100000 --every 1 --timeout 3 \
    --watch-timeout 5 --relist 0 >"$S/w.out" 2>&1 &
PID=$!
on_exit "kill $PID 2>/dev/null"
wait_for 30 grep -q '"services"' "$S/w.out"
check "the source lists, then watches: the notice says so" \
    grep -q '"modes":"watching: deployments, HPAs, pods, ReplicaSets, events"' "$S/w.out"

t=$(now)
kc create deployment canary --image=ghcr.io/18bravo/canary:1 --replicas=2
d=$(within "$S/w.out" "$t" '"canary" in names and names["canary"]["desired"] == 2' 15)
check "kubectl create deployment: canary shows within one interval (${d:-never} s)" fast "$d" "$ONE_POLL"
d=$(within "$S/w.out" "$t" '"canary" in names and len(names["canary"]["pods"]) == 2' 30)
check "...and the 2 pods its replica set made, as they are made (${d:-never} s)" test -n "$d"
t=$(now)
kc scale deployment canary --replicas=4
d=$(within "$S/w.out" "$t" '"canary" in names and names["canary"]["desired"] == 4' 15)
check "kubectl scale --replicas=4: the count follows within one interval (${d:-never} s)" fast "$d" "$ONE_POLL"
d=$(within "$S/w.out" "$t" '"canary" in names and len(names["canary"]["pods"]) == 4' 30)
check "...and the new pods (${d:-never} s)" test -n "$d"
t=$(now)
kc delete deployment canary --wait=false
d=$(within "$S/w.out" "$t" '"canary" not in names and "api" in names' 15)
check "kubectl delete: canary is gone within one interval (${d:-never} s)" fast "$d" "$ONE_POLL"
polls=$(grep -c '"services"' "$S/w.out")
sleep 8 # more polls, and at least one watch ended by the server (timeoutSeconds 5) and resumed
check "no poll failed while watching" bash -c "! grep -q '\"error\"' '$S/w.out'"

# --- the evidence: the API server's audit log
for r in deployments pods horizontalpodautoscalers; do
    expect_eq "the audit log: one list of $r from the viewer over $polls+ polls" "1" "$(audit list "$r")"
    check "...served from the watch cache (resourceVersion=0)" test "$(audit list "$r" resourceVersion=0)" -eq 1
    n=$(audit watch "$r" allowWatchBookmarks=true)
    check "...then watches with bookmarks ($n), resumed when the server ends them" test "$n" -ge 2
done

# --- a broken watch: the API server goes away, then comes back over the same etcd
kill -STOP "$ENVTEST_APISERVER_PID"
t=$(now)
d=$(within "$S/w.out" "$t" '"error" in d' 40)
check "the API server stopped (SIGSTOP): polls fail within the watch deadline (${d:-never} s): stale" test -n "$d"
check "...and say why" grep -qE '"error":"kube: (watch (deployments|HPAs|pods)|GET)[^"]*(hung|no answer|timed out)' "$S/w.out"
kill -CONT "$ENVTEST_APISERVER_PID"
wait_for 30 envtest_readyz
kc scale deployment api --replicas=7
t=$(now)
d=$(within "$S/w.out" "$t" '"error" not in d and names["api"]["desired"] == 7' 40)
check "continued: the source is fresh again and shows a scale made meanwhile (${d:-never} s)" test -n "$d"
envtest_apiserver_stop
t=$(now)
d=$(within "$S/w.out" "$t" '"error" in d' 20)
check "the API server killed: the broken watch fails the poll (${d:-never} s)" test -n "$d"
lists=$(audit list deployments)
envtest_apiserver_restart || not_ok "the API server restarts"
kc scale deployment api --replicas=5
t=$(now)
d=$(within "$S/w.out" "$t" '"error" not in d and names["api"]["desired"] == 5' 60)
check "restarted: the watch resumes and the source is fresh (${d:-never} s)" test -n "$d"
kill "$PID"
wait "$PID" 2>/dev/null
after=$(audit list deployments)
check "after the restart a relist or two at most, not one per poll ($lists -> $after)" \
    test "$after" -le $((lists + 2))

# --- 410 Gone from the real API server: deployments served from etcd (no watch cache) with
# a compaction every 2 s; the source's link is cut (tests/fakes/tcp_cut.py) while the
# cluster changes, until etcd has compacted past the version it would resume from
envtest_apiserver_stop
ENVTEST_APISERVER_ARGS="${ENVTEST_APISERVER_ARGS:-} --watch-cache-sizes=deployments.apps#0 --etcd-compaction-interval=2s"
envtest_apiserver_restart || not_ok "the API server restarts without a watch cache for deployments"
PPORT=$(free_port)
python3 "$ROOT/tests/fakes/tcp_cut.py" "$PPORT" "127.0.0.1:$ENVTEST_PORT" >"$S/cut.log" 2>&1 &
CUT=$!
on_exit "kill $CUT 2>/dev/null"
wait_for 10 grep -q ready "$S/cut.log"
sed "s|server: $ENVTEST_URL|server: https://127.0.0.1:$PPORT|" "$S/viewer.kubeconfig" >"$S/cut.kubeconfig"
"$PROBE" --kubeconfig "$S/cut.kubeconfig" --times 100000 --every 1 --timeout 3 \
    --watch-timeout 30 --relist 0 >"$S/g.out" 2>&1 &
PID=$!
on_exit "kill $PID 2>/dev/null"
t=$(now)
d=$(within "$S/g.out" "$t" '"error" not in d and d.get("modes") == "watching: deployments, HPAs, pods, ReplicaSets, events"' 30)
check "through a relay: the source lists, then watches (${d:-never} s)" test -n "$d"
gone0=$(audit list deployments)
consistent0=$(audit list deployments resourceVersion=0)
kill -USR1 "$CUT"
t=$(now)
d=$(within "$S/g.out" "$t" '"error" in d' 20)
check "the link cut: the watch breaks and polls fail (${d:-never} s): stale" test -n "$d"
# the version the source holds is at most the list's now; a watch from it must be refused
rv=$(kadm GET /apis/apps/v1/namespaces/open-forge/deployments | json_get /dev/stdin 'd["metadata"]["resourceVersion"]')
kc create deployment during --image=ghcr.io/18bravo/during:1 --replicas=3
kc scale deployment api --replicas=6
gone() { # a watch of deployments from $rv answers 410 (an ERROR event or the status)
    kadm GET "/apis/apps/v1/namespaces/open-forge/deployments?watch=1&resourceVersion=$rv&timeoutSeconds=1" 2>&1 |
        grep -q '"code":410'
}
if wait_for 30 gone; then
    ok "etcd compacted past the source's version $rv: a watch from it answers 410 Gone"
else
    not_ok "etcd compacted past the source's version $rv: a watch from it answers 410 Gone"
    kadm GET "/apis/apps/v1/namespaces/open-forge/deployments?watch=1&resourceVersion=$rv&timeoutSeconds=1" 2>&1 | head -c 400 | sed 's/^/# /'
fi
kill -USR2 "$CUT"
t=$(now)
# the relist is over within its poll; its note ("relisted after 410 Gone at 17:40:02") stays
# a minute, so a poll read any time after it says so
d=$(within "$S/g.out" "$t" '__import__("re").search(r"relisted after 410 Gone at \d\d:\d\d:\d\d\): [^;]*\bdeployments", d.get("modes", ""))' 40)
check "the link back: the resume is refused (410) and the source says it relisted, and when (${d:-never} s)" test -n "$d"
# every list watched again, deployments' mode with the note of its relist
watching='all(__import__("re").match(r"watching( \(relisted after 410 Gone at \d\d:\d\d:\d\d\))?: ", g) for g in d.get("modes", "").split("; ")) and all(n in d.get("modes", "") for n in ("deployments", "HPAs", "pods", "ReplicaSets", "events"))'
d=$(within "$S/g.out" "$t" "'error' not in d and $watching and 'during' in names and names['during']['desired'] == 3 and names['api']['desired'] == 6" 40)
check "...then watches again, with what changed meanwhile: during (3) and api (6) (${d:-never} s)" test -n "$d"
kill "$PID"
wait "$PID" 2>/dev/null
check "the relist was a consistent read (no resourceVersion=0), as a 410 asks" \
    test "$(audit list deployments)" -gt "$gone0" -a "$(audit list deployments resourceVersion=0)" -eq "$consistent0"
finish
