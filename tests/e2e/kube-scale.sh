#!/usr/bin/env bash
# kube-scale.sh - forgetop on the fake Kubernetes API in a real terminal (tmux): select
# api, `+`, `y`, and the fake records the scale PUT; in -R, and when the cluster's
# SelfSubjectAccessReview denies the write, the same keys send the fake no write at all.
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/fakes/kube_env.sh"
cd "$ROOT" || exit 1
S=$(scratch)
SOCK="forgetop-kube-e2e-$$"
TM() { tmux -L "$SOCK" -f /dev/null "$@"; }
on_exit "tmux -L '$SOCK' kill-server"

kube_fake_start "$S" --state tests/fixtures/kube-open-forge.json || { not_ok "fake starts"; finish; }

# start NAME ARGS... : forgetop on the fake at 100x30
start() {
    local name=$1; shift
    TM new-session -d -s "$name" -x 100 -y 30 \
        "env -u NO_COLOR -u FORGETOP_READ_ONLY -u KUBECONFIG XDG_STATE_HOME='$S/state' XDG_CONFIG_HOME='$S/config' LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color '$BIN' --kubeconfig '$KUBECONFIG_FILE' -d 1 $*; echo \$? >'$S/$name.exit'; sleep 60"
}
screen() { TM capture-pane -p -t "$1"; }
shows() { screen "$1" | grep -qF -- "$2"; }
keys() { local s=$1; shift; TM send-keys -t "$s" "$@"; sleep 0.4; }
puts() { grep -c '"PUT"\|"PATCH"' "$KUBE_LOG" || true; }
dump() { screen "$1" | sed 's/^/# /'; }

# ---- read-write: + then y scales api through the scale subresource
start rw
if wait_for 15 shows rw " api "; then ok "the dashboard lists the fake's deployments"; else not_ok "the dashboard lists the fake's deployments"; dump rw; fi
keys rw / a p i Enter
keys rw +
if wait_for 5 shows rw "Scale api?"; then ok "+ opens the confirmation for api"; else not_ok "+ opens the confirmation for api"; dump rw; fi
check "the confirmation names the HPA that will undo a manual count" shows rw "HPA api-hpa (3..20) owns the count"
keys rw y
if wait_for 10 shows rw "scaled api 5 -> 6"; then ok "y applies: scaled api 5 -> 6"; else not_ok "y applies"; dump rw; fi
check "the fake recorded the scale PUT with replicas 6" \
    grep -q '"PUT".*deployments/api/scale.*resourceVersion.*\\"replicas\\":6' "$KUBE_LOG"

# ---- m: raise the HPA's minimum instead of a count the HPA would undo
keys rw +
if wait_for 5 shows rw "m raises its minimum 3 -> 7"; then ok "the confirmation offers m for the HPA"; else not_ok "the confirmation offers m for the HPA"; dump rw; fi
keys rw m
if wait_for 10 shows rw "set api-hpa minReplicas 3 -> 7"; then ok "the status line shows the HPA minimum raised"; else not_ok "the status line shows the HPA minimum raised"; dump rw; fi
if wait_for 10 grep -q '"PATCH".*horizontalpodautoscalers/api-hpa.*minReplicas.*7' "$KUBE_LOG"; then
    ok "the fake recorded the HPA patch to minReplicas 7"
else
    not_ok "the fake recorded the HPA patch to minReplicas 7"; tail -3 "$KUBE_LOG" | sed 's/^/# /'
fi
keys rw q

# ---- read-only: the same keys send nothing
before=$(puts)
start ro -R
wait_for 15 shows ro " api "
keys ro / a p i Enter
keys ro +
check "-R: + says scaling is disabled in read-only mode" shows ro "scaling is disabled in read-only mode"
keys ro y
sleep 1
expect_eq "-R: the fake received no write" "$before" "$(puts)"
keys ro q

# ---- the cluster denies patch on deployments/scale: the header says so, nothing is sent
kube_control '{"ssar_allowed": false}'
start rbac
wait_for 15 shows rbac " api "
if wait_for 10 shows rbac "RBAC: read-only"; then ok "SSAR denied: the header says RBAC: read-only"; else not_ok "SSAR denied: the header says RBAC: read-only"; dump rbac; fi
keys rbac / a p i Enter
keys rbac +
if shows rbac "the cluster denies scaling"; then ok "SSAR denied: + says the cluster denies scaling"; else not_ok "SSAR denied: + says the cluster denies scaling"; dump rbac; fi
keys rbac y
sleep 1
expect_eq "SSAR denied: the fake received no write" "$before" "$(puts)"
keys rbac q
finish
