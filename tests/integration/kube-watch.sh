#!/usr/bin/env bash
# kube-watch.sh - the kube source's informers against the fake Kubernetes API: the source
# runs poll after poll (build/bench/kube_poll --every, as the dashboard's poller would)
# while the fake is changed through its API: a deployment created, scaled and deleted
# shows within one interval without a second list; watches that end are resumed, a 410
# Gone (as an event and as a status) relists, a hung watch is found and the source fails
# (stale) until it answers, a server that refuses watch (405) is polled, and the notice
# names each list's mode.
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/fakes/kube_env.sh"
cd "$ROOT" || exit 1
S=$(scratch)

PROBE=$(probe_path kube_poll) || { not_ok "kube_poll builds"; finish; }
kube_fake_start "$S" --state tests/fixtures/kube-open-forge.json || { not_ok "fake starts"; finish; }
K=$KUBECONFIG_FILE
NS=open-forge
api() { # METHOD PATH [BODY]
    curl -sf --cacert "$KUBE_CA" -H "Authorization: Bearer $KUBE_TOKEN" -X "$1" \
        -H 'Content-Type: application/json' ${3:+--data "$3"} "$KUBE_URL$2" >/dev/null
}
stats() { curl -sf --cacert "$KUBE_CA" "$KUBE_URL/_stats" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
now() { date +%s.%N; }
# run NAME ARGS... : the source polling every second into $S/NAME.out, one JSON a poll
run() {
    local name=$1; shift
    "$PROBE" --kubeconfig "$K" --times 600 --every 1 --timeout 3 "$@" >"$S/$name.out" 2>&1 &
    echo $! >"$S/$name.pid"
    on_exit "kill $(cat "$S/$name.pid") 2>/dev/null"
}
stop() { kill "$(cat "$S/$1.pid")" 2>/dev/null; wait "$(cat "$S/$1.pid")" 2>/dev/null; }

# ---- watching: listed once, then every change by watch
run w --watch-timeout 3 --relist 0
wait_for 15 grep -q '"services"' "$S/w.out"
check "the source lists, then says each list is watched (the sources screen's line)" \
    grep -q '"modes":"watching: deployments, HPAs, pods, ReplicaSets, events"' "$S/w.out"
check "...while the header's notice stays quiet: all is well" grep -q '"notice":""' "$S/w.out"
expect_eq "one list of each watched resource" "1 1 1" \
    "$(stats 'd["lists"]["DeploymentList"], d["lists"]["HorizontalPodAutoscalerList"], d["lists"]["PodList"]' | tr -d '(),')"

t=$(now)
api POST "/apis/apps/v1/namespaces/$NS/deployments" \
    '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"canary","labels":{"app":"canary"}},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"canary"}},"template":{"metadata":{"labels":{"app":"canary"}},"spec":{"containers":[{"name":"c","image":"x","resources":{"requests":{"cpu":"100m"}}}]}}}}'
d=$(within "$S/w.out" "$t" '"canary" in names and len(names["canary"]["pods"]) == 2' 10)
check "a deployment created shows, with its 2 pods, within one interval (${d:-never} s)" fast "$d" "$ONE_POLL"
t=$(now)
api PUT "/apis/apps/v1/namespaces/$NS/deployments/canary/scale" '{"spec":{"replicas":4}}'
d=$(within "$S/w.out" "$t" '"canary" in names and names["canary"]["desired"] == 4 and len(names["canary"]["pods"]) == 4' 10)
check "scaled to 4, the count and the pods follow within one interval (${d:-never} s)" fast "$d" "$ONE_POLL"
t=$(now)
api DELETE "/apis/apps/v1/namespaces/$NS/deployments/canary"
d=$(within "$S/w.out" "$t" '"canary" not in names and len(names) == 3' 10)
check "deleted, it is gone within one interval (${d:-never} s)" fast "$d" "$ONE_POLL"
expect_eq "and not one of it took a second list" "1 1 1" \
    "$(stats 'd["lists"]["DeploymentList"], d["lists"]["HorizontalPodAutoscalerList"], d["lists"]["PodList"]' | tr -d '(),')"

# the server ends each watch after timeoutSeconds (3 s here): resumed, never relisted
w0=$(stats 'd["watches"]')
sleep 7
w1=$(stats 'd["watches"]')
check "watches ended by the server are resumed ($w0 -> $w1 watch requests)" test "$w1" -ge $((w0 + 3))
t=$(now)
api PUT "/apis/apps/v1/namespaces/$NS/deployments/api/scale" '{"spec":{"replicas":7}}'
d=$(within "$S/w.out" "$t" 'names["api"]["desired"] == 7' 10)
check "a change after resumes still shows within one interval (${d:-never} s)" fast "$d" "$ONE_POLL"
expect_eq "resuming listed nothing again" "1" "$(stats 'd["lists"]["DeploymentList"]')"

# ---- 410 Gone: an ERROR event with code 410 on the open watch
t=$(now)
kube_control '{"compact": true}'
wait_for 10 bash -c "[ \$(curl -sf --cacert '$KUBE_CA' '$KUBE_URL/_stats' | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"lists\"][\"DeploymentList\"])') -ge 2 ]"
expect_eq "an ERROR 410 relists each list once" "2 2 2" \
    "$(stats 'd["lists"]["DeploymentList"], d["lists"]["HorizontalPodAutoscalerList"], d["lists"]["PodList"]' | tr -d '(),')"
# The relist is over within the poll that does it: the note that it happened, with its
# time, stays a minute (or until the next relist), so any poll read after it shows it.
gone_note() { # the time in FIELD's note of deployments' relist, once the newest poll's
    # FIELD has a note for each of deployments, HPAs and pods (each list relists when its own
    # watch says 410, so two may be a poll, a second, apart); "" until then
    python3 -c 'import json, re, sys
d = {}
for line in open(sys.argv[2], errors="replace"):
    try:
        d = json.loads(line)
    except ValueError:
        pass  # the line being written
text = d.get(sys.argv[1], "") if isinstance(d, dict) else ""
at = {}
for m in re.finditer(r"watching \(relisted after 410 Gone at (\d\d:\d\d:\d\d)\): ([^;]*)", text):
    at.update((name, m.group(1)) for name in m.group(2).split(", "))
print(at["deployments"] if all(n in at for n in ("deployments", "HPAs", "pods")) else "")' "$1" "$S/w.out"
}
noted() { [ -n "$(gone_note notice)" ]; }
wait_for 10 noted
at=$(gone_note notice)
check "the notice says when it relisted after 410 Gone (${at:-no note})" test -n "$at"
[ -n "$at" ] || diag "notice: $(tail -2 "$S/w.out" | head -1 | python3 -c 'import json,sys; print(json.load(sys.stdin).get("notice"))' 2>&1)"
check "...at the time it did, on the local clock" python3 -c 'import sys, time
t = float(sys.argv[1])
sys.exit(0 if any(time.strftime("%H:%M:%S", time.localtime(t + k)) == sys.argv[2] for k in range(-1, 12)) else 1)' "$t" "$at"
m=$(gone_note modes)
check "the sources screen's line says the same (${m:-no note})" test -n "$at" -a "$m" = "$at"
api PUT "/apis/apps/v1/namespaces/$NS/deployments/api/scale" '{"spec":{"replicas":6}}'
t=$(now)
watching='all(__import__("re").match(r"watching( \(relisted after 410 Gone at \d\d:\d\d:\d\d\))?: ", g) for g in d["modes"].split("; "))'
d=$(within "$S/w.out" "$t" "names['api']['desired'] == 6 and $watching and 'relisting' not in d['notice']" 10)
check "then it watches again from the new list (${d:-never} s)" fast "$d" "$ONE_POLL"
sleep 3
m=$(gone_note modes)
check "polls later the note is still there, the same time (${m:-no note})" test -n "$at" -a "$m" = "$at"

# ---- 410 Gone as the watch's HTTP status (a resume from a compacted version)
kube_control '{"compact": true, "gone_as": "status"}'
wait_for 15 bash -c "[ \$(curl -sf --cacert '$KUBE_CA' '$KUBE_URL/_stats' | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"lists\"][\"DeploymentList\"])') -ge 3 ]"
expect_eq "an HTTP 410 on the resume relists too" "3" "$(stats 'd["lists"]["DeploymentList"]')"
kube_control '{"reset": true}'
check "no poll failed through resumes and relists" bash -c "! grep -q '\"error\"' '$S/w.out'"

# ---- a hung watch: silent (not even a bookmark), new watches unanswered
t=$(now)
kube_control '{"watch_hang": true}'
d=$(within "$S/w.out" "$t" '"hung: no byte for" in d.get("error", "")' 30)
check "a hung watch is found (no byte for watch_timeout + 10 s) and the poll fails: stale (after $d s)" \
    test -n "$d"
check "the error names the list and the silence" \
    grep -qE '"error":"kube: watch (deployments|HPAs|pods) hung: no byte for 1[3-9] s; restarted"' "$S/w.out"
d2=$(within "$S/w.out" "$(now)" '"no answer within 3 s" in d.get("error", "") or "retrying" in d.get("error", "")' 20)
check "the restarted watch gets no answer either: the source stays failed" test -n "$d2"
t=$(now)
kube_control '{"reset": true}'
d=$(within "$S/w.out" "$t" '"error" not in d and names["api"]["desired"] == 6' 40)
check "once the server answers, the watch resumes and the source is fresh ($d s)" test -n "$d"
api PUT "/apis/apps/v1/namespaces/$NS/deployments/api/scale" '{"spec":{"replicas":5}}'
t=$(now)
d=$(within "$S/w.out" "$t" 'names["api"]["desired"] == 5' 10)
check "and follows changes again within one interval (${d:-never} s)" fast "$d" "$ONE_POLL"
stop w

# ---- a server that refuses watch (405) is polled as before, and says so
kube_control '{"watch_refuse": 405}'
run p --watch-timeout 3 --relist 0
wait_for 15 grep -q '"services"' "$S/p.out"
check "405 on watch: the notice (the header) says polling (watch refused: 405)" \
    grep -q '"notice":"polling (watch refused: 405): deployments, HPAs, pods, ReplicaSets, events"' "$S/p.out"
t=$(now)
api PUT "/apis/apps/v1/namespaces/$NS/deployments/api/scale" '{"spec":{"replicas":8}}'
d=$(within "$S/p.out" "$t" 'names["api"]["desired"] == 8' 10)
check "polled: a change still shows within one interval (${d:-never} s)" fast "$d" "$ONE_POLL"
l0=$(stats 'd["lists"]["DeploymentList"]')
sleep 3
l1=$(stats 'd["lists"]["DeploymentList"]')
check "polled: every poll lists again ($l0 -> $l1)" test "$l1" -ge $((l0 + 2))
stop p
kube_control '{"reset": true, "watch_refuse": 405, "watch_refuse_path": "/pods"}'
run q --watch-timeout 3 --relist 0
wait_for 15 grep -q '"services"' "$S/q.out"
check "one list refused: watching: deployments, HPAs, ...; polling (watch refused: 405): pods" \
    grep -q '"notice":"watching: deployments, HPAs, ReplicaSets, events; polling (watch refused: 405): pods"' "$S/q.out"
stop q
kube_control '{"reset": true}'

# ---- the safety net: a full relist every relist_interval
run r --watch-timeout 30 --relist 2
wait_for 15 grep -q '"services"' "$S/r.out"
l0=$(stats 'd["lists"]["DeploymentList"]')
sleep 5
l1=$(stats 'd["lists"]["DeploymentList"]')
check "relist_interval 2 s relists while watching ($l0 -> $l1)" test "$l1" -ge $((l0 + 2))
check "and says so when it does" grep -q 'relisting (safety net): deployments, HPAs, pods' "$S/r.out"
stop r

# ---- watch = false: every list every poll, as before
run n --no-watch
wait_for 15 grep -q '"services"' "$S/n.out"
check "watch = false: the lists are polled, and the sources screen says so" \
    grep -q '"modes":"polling: deployments, HPAs, pods, ReplicaSets, events"' "$S/n.out"
stop n
finish
