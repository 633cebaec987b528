#!/usr/bin/env bash
# kube-once.sh - `forgetop --once --json` and `--check` against the fake Kubernetes API
# with lists of several pages: every list read exactly once, page by page, no watch opened,
# and every deployment and pod in the document (the pages asked for ahead of the parse
# are the pages the parse names). The fake's /_stats counts what it served.
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/fakes/kube_env.sh"
cd "$ROOT" || exit 1
S=$(scratch)
NS=open-forge
# 1200 pods: three pages of pods and of pod metrics' items at limit=500, two of ReplicaSets
kube_fake_start "$S" --generate "600:1200:$NS" || { not_ok "fake starts"; finish; }
K=$KUBECONFIG_FILE
stats() { curl -sf --cacert "$KUBE_CA" "$KUBE_URL/_stats" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
cat >"$S/kube.conf" <<CONF
[forgetop]
request_timeout = 60s
[kube]
enabled = true
CONF

# The pages one read needs, from the lists' sizes: ceil(items / 500) for each paged list
# (HPAs and ReplicaSets as the fake generates them), and one document of pod metrics.
want=0
for path in /apis/apps/v1/namespaces/$NS/deployments \
    /apis/autoscaling/v2/namespaces/$NS/horizontalpodautoscalers /api/v1/namespaces/$NS/pods \
    /apis/apps/v1/namespaces/$NS/replicasets "/api/v1/namespaces/$NS/events?fieldSelector=type%3DWarning"; do
    n=$(curl -sf --cacert "$KUBE_CA" -H "Authorization: Bearer $KUBE_TOKEN" "$KUBE_URL$path" |
        python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
    want=$((want + (n > 0 ? (n + 499) / 500 : 1)))
done
want=$((want + 1))
check "the pod list spans several pages ($want pages in all)" test "$want" -ge 9
lists0=$(stats 'd["lists"]')
pages0=$(stats 'd["pages"]')
"$BIN" --config "$S/kube.conf" --kubeconfig "$K" --once --json >"$S/once.json" 2>"$S/once.err"
expect_eq "--once --json exits 0" 0 $?
expect_eq "--once: the kube source is ok" ok \
    "$(json_get "$S/once.json" '[s["state"] for s in d["sources"] if s["name"]=="kube"][0]')"
expect_eq "--once: every deployment of the 600 (two pages)" 600 "$(json_get "$S/once.json" 'len(d["services"])')"
expect_eq "--once: every pod of the 1200 (three pages)" 1200 \
    "$(json_get "$S/once.json" 'sum(s["pods"] if isinstance(s["pods"], int) else len(s["pods"]) for s in d["services"])')"
expect_eq "--once: no watch opened" 0 "$(stats 'd["watches"]')"
expect_eq "--once: each list read once (first pages per kind)" \
    "DeploymentList 1, EventList 1, HorizontalPodAutoscalerList 1, PodList 1, PodMetricsList 1, ReplicaSetList 1" \
    "$(stats "', '.join('%s %d' % (k, v - $lists0.get(k, 0)) for k, v in sorted(d['lists'].items()))")"
expect_eq "--once: $want pages, none asked for twice" "$want" "$(($(stats 'd["pages"]') - pages0))"

# --check: the same single read, then an exit status
pages0=$(stats 'd["pages"]')
"$BIN" --config "$S/kube.conf" --kubeconfig "$K" --check >"$S/check.out" 2>&1
rc=$?
check "--check exits with a Nagios status (0..2, got $rc)" test "$rc" -le 2
expect_eq "--check: no watch opened" 0 "$(stats 'd["watches"]')"
expect_eq "--check: $want pages, none asked for twice" "$want" "$(($(stats 'd["pages"]') - pages0))"
finish
