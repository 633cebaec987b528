#!/usr/bin/env bash
# kube-scale.sh - forgetop on the fake Kubernetes API in a real terminal (tmux): select
# api, `+`, `y`, and the fake records the scale PUT; in -R, in a kubeconfig context that
# matches production_pattern, and when the cluster's SelfSubjectAccessReview denies the
# verb, the same keys send the fake no write at all; rights granted while forgetop runs
# are noticed within the probe interval; a partial failure is reported per target.
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
if wait_for 15 shows rw "kube ✓"; then ok "the dashboard lists the fake's deployments"; else not_ok "the dashboard lists the fake's deployments"; dump rw; fi
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
wait_for 15 shows ro "kube ✓" # the first poll: the metrics table names api before
keys ro / a p i Enter
keys ro +
check "-R: + says scaling is disabled in read-only mode" shows ro "scaling is disabled in read-only mode"
keys ro y
sleep 1
expect_eq "-R: the fake received no write" "$before" "$(puts)"
keys ro q

# ---- the cluster denies update on deployments/scale: the header says so, nothing is sent;
# granted while forgetop runs, the badge follows within the probe interval (2 s here)
mkdir -p "$S/config/forgetop"
printf '[forgetop]\naccess_probe_interval = 2\n' >"$S/config/forgetop/forgetop.conf"
kube_control '{"ssar_allowed": false}'
start rbac
wait_for 15 shows rbac "kube ✓"
if wait_for 10 shows rbac "READ-ONLY (RBAC)"; then ok "SSAR denied: the badge says READ-ONLY (RBAC)"; else not_ok "SSAR denied: the badge says READ-ONLY (RBAC)"; dump rbac; fi
check "the header names each verb: RBAC scale: no · HPA: no" shows rbac "RBAC scale: no · HPA: no"
keys rbac / a p i Enter
keys rbac +
if shows rbac "denies update on deployments/scale"; then ok "SSAR denied: + names the verb the cluster denies"; else not_ok "SSAR denied: + names the verb the cluster denies"; dump rbac; fi
keys rbac y
sleep 1
expect_eq "SSAR denied: the fake received no write" "$before" "$(puts)"
check "the refusal is in the audit log" grep -q '"result":"refused","message":"RBAC: the cluster denies update' "$S/state/forgetop/audit.log"
kube_control '{"ssar_allowed": {"update": true, "patch": false}}'
if wait_for 10 shows rbac "READ-WRITE"; then ok "update granted while running: READ-WRITE within the probe interval"; else not_ok "update granted while running: READ-WRITE within the probe interval"; dump rbac; fi
check "...and the header says the HPA is still denied" shows rbac "RBAC scale: yes · HPA: no"
keys rbac +
if wait_for 5 shows rbac "RBAC denies patch on horizontalpodautoscalers"; then ok "only update: m is not offered, and the dialog says why"; else not_ok "only update: m is not offered, and the dialog says why"; dump rbac; fi
keys rbac y
if wait_for 10 grep -q '"PUT".*deployments/api/scale' "$KUBE_LOG" && [ "$(puts)" -gt "$before" ]; then ok "only update: y sends the PUT"; else not_ok "only update: y sends the PUT"; fi
kube_control '{"ssar_allowed": false}'
if wait_for 10 shows rbac "READ-ONLY (RBAC)"; then ok "revoked while running: READ-ONLY (RBAC) again"; else not_ok "revoked while running: READ-ONLY (RBAC) again"; dump rbac; fi
keys rbac q
kube_control '{"reset": true}'
rm -f "$S/config/forgetop/forgetop.conf"

# ---- a partial failure: two marked targets, one 404s; each is reported
kube_control '{"mode": "404", "path": "deployments/agent-worker/scale"}'
start part
wait_for 15 shows part "kube ✓"
keys part g Space Space       # agent-worker, then api
keys part +
if wait_for 5 shows part "Scale 2 services?"; then ok "+ on two marked deployments opens one dialog"; else not_ok "+ on two marked deployments opens one dialog"; dump part; fi
keys part y
if wait_for 10 shows part "1 of 2 scaled; agent-worker:"; then ok "the outcome counts the targets and names the one that failed"; else not_ok "the outcome counts the targets and names the one that failed"; dump part; fi
check "...with the server's 404" shows part "agent-worker: 404 Not Found"
sleep 2
check "the report stays on screen after the next polls" shows part "1 of 2 scaled"
check "the 404 is in the audit log" grep -q '"target":"agent-worker".*"result":"failed".*404' "$S/state/forgetop/audit.log"
keys part q
kube_control '{"reset": true}'

# ---- production from the kubeconfig's current-context, no --context given
sed 's/current-context: fake/current-context: prod-eu-1/; s/- name: fake$/- name: prod-eu-1/' \
    "$KUBECONFIG_FILE" >"$S/prod-kubeconfig"
sed -i 's/^- name: prod-eu-1$/- name: fake/' "$S/prod-kubeconfig" # clusters keep their name
python3 - "$S/prod-kubeconfig" <<'PY'
import sys
p = sys.argv[1]
t = open(p).read()
head, ctx = t.split("contexts:\n", 1)
ctx = ctx.replace("- name: fake\n  context:", "- name: prod-eu-1\n  context:", 1)
open(p, "w").write(head + "contexts:\n" + ctx)
PY
printf '[forgetop]\nproduction_pattern = *prod*\nproduction_read_only = true\n' >"$S/prod.conf"
before=$(puts)
TM new-session -d -s prod -x 100 -y 30 \
    "env -u NO_COLOR -u FORGETOP_READ_ONLY -u KUBECONFIG XDG_STATE_HOME='$S/state' XDG_CONFIG_HOME='$S/config' LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color '$BIN' --kubeconfig '$S/prod-kubeconfig' --config '$S/prod.conf' -d 1; sleep 60"
if wait_for 15 shows prod "kube ✓"; then ok "the production kubeconfig is read"; else not_ok "the production kubeconfig is read"; dump prod; fi
check "current-context prod-eu-1: the header shows PROD and READ-ONLY" sh -c "tmux -L '$SOCK' capture-pane -p -t prod | grep -q 'PROD .*READ-ONLY'"
keys prod / a p i Enter
for k in + y s 7 Enter y a y; do keys prod "$k"; done
check "+ says the production context is read-only" sh -c "grep -q 'prod-eu-1 is production' '$S/state/forgetop/audit.log'"
sleep 1
expect_eq "production: the fake received no write" "$before" "$(puts)"
keys prod q
"$BIN" --once --json --kubeconfig "$S/prod-kubeconfig" --config "$S/prod.conf" >"$S/prod.json" 2>/dev/null
expect_eq "--once --json: context, production and read_only agree" "prod-eu-1 True True" \
    "$(json_get "$S/prod.json" 'd["context"] + " " + str(d["production"]) + " " + str(d["read_only"])')"
expect_eq "--once --json: and why" "scaling is disabled: prod-eu-1 is production and production_read_only is set" \
    "$(json_get "$S/prod.json" 'd["read_only_reason"]')"
expect_eq "--once --json: rbac per verb" "True True" \
    "$(json_get "$S/prod.json" 'str(d["rbac"]["scale"]) + " " + str(d["rbac"]["hpa"])')"
finish
