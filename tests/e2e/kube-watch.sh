#!/usr/bin/env bash
# kube-watch.sh - the live dashboard on the fake Kubernetes API in a real terminal (tmux),
# refreshing every second while the cluster changes under it: a deployment created,
# scaled and deleted appears, changes and disappears within one refresh; `S` says each
# list is watched; a watch that hangs turns the source stale with its age and the reason,
# and it recovers when the server answers again.
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/fakes/kube_env.sh"
cd "$ROOT" || exit 1
S=$(scratch)
SOCK="forgetop-kube-watch-$$"
TM() { tmux -L "$SOCK" -f /dev/null "$@"; }
on_exit "tmux -L '$SOCK' kill-server"

kube_fake_start "$S" --state tests/fixtures/kube-open-forge.json || { not_ok "fake starts"; finish; }
NS=open-forge
api() { # METHOD PATH [BODY]
    curl -sf --cacert "$KUBE_CA" -H "Authorization: Bearer $KUBE_TOKEN" -X "$1" \
        -H 'Content-Type: application/json' ${3:+--data "$3"} "$KUBE_URL$2" >/dev/null
}
cat >"$S/forgetop.conf" <<CONF
[kube]
enabled = true
watch_timeout = 2s
CONF
TM new-session -d -s a -x 120 -y 30 \
    "env -u NO_COLOR -u KUBECONFIG XDG_STATE_HOME='$S/state' LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color '$BIN' --config '$S/forgetop.conf' --kubeconfig '$KUBECONFIG_FILE' -d 1 -R; sleep 60"
screen() { TM capture-pane -p -t a; }
shows() { screen | grep -qE -- "$1"; }
gone() { ! screen | grep -qE -- "$1"; }
dump() { screen | sed 's/^/# /'; }
# seen SECONDS TEST ARGS : wait for TEST; print how long it took
seen() {
    local t0 t1 limit=$1; shift
    t0=$(date +%s.%N)
    wait_for "$limit" "$@" || { echo never; return; }
    t1=$(date +%s.%N)
    python3 -c "import sys; print('%.1f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$t0" "$t1"
}
fast() { python3 -c "import sys; sys.exit(0 if '$1' != 'never' and float('$1') <= $2 else 1)"; }

if wait_for 15 shows " api "; then ok "the dashboard lists the fake's deployments"; else not_ok "the dashboard lists"; dump; fi
api POST "/apis/apps/v1/namespaces/$NS/deployments" \
    '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"canary","labels":{"app":"canary"}},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"canary"}},"template":{"metadata":{"labels":{"app":"canary"}},"spec":{"containers":[{"name":"c","image":"x"}]}}}}'
d=$(seen 10 shows "canary +.*2/2")
check "created: canary appears with 2/2 within one refresh (${d} s)" fast "$d" 1.5
api PUT "/apis/apps/v1/namespaces/$NS/deployments/canary/scale" '{"spec":{"replicas":4}}'
d=$(seen 10 shows "canary +.*4/4")
check "scaled: canary shows 4/4 within one refresh (${d} s)" fast "$d" 1.5
api DELETE "/apis/apps/v1/namespaces/$NS/deployments/canary"
d=$(seen 10 gone "canary")
check "deleted: canary disappears within one refresh (${d} s)" fast "$d" 1.5
TM send-keys -t a S
if wait_for 5 shows "watching: deployments, HPAs, pods"; then
    ok "S: the kube source says its lists are watched"
else
    not_ok "S: the kube source says its lists are watched"; dump
fi

kube_control '{"watch_hang": true}'
if wait_for 30 shows "^kube +stale"; then ok "a hung watch turns the source stale"; else not_ok "a hung watch turns the source stale"; dump; fi
check "with the reason: the list, the silence, the restart" shows "watch (deployments|HPAs|pods) hung: no byte for 1[2-9] s; restarted|no answer within"
if wait_for 15 shows "^kube +(stale|failing) +[0-9]+s"; then ok "and the age of its last good poll"; else not_ok "and the age"; dump; fi
kube_control '{"reset": true}'
if wait_for 40 shows "^kube +ok"; then ok "the server answers again: the source is ok"; else not_ok "recovers"; dump; fi
check "and watching again" shows "watching: deployments, HPAs, pods"
TM send-keys -t a q
finish
