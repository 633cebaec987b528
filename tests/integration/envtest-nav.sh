#!/usr/bin/env bash
# envtest-nav.sh - contexts and namespaces in the dashboard against a REAL kube-apiserver
# (tests/lib-envtest.sh): a kubeconfig of three contexts (staging, prod-eu-1 matching the
# config's production rule, and one whose user may not list namespaces), two namespaces
# with different deployments; `:ns` changes the services shown, `:ctx` the production
# badge and what the guard lets through, the picker lists the contexts, `:ns all` shows
# both namespaces with a NAMESPACE column, a namespace that cannot be listed is typed.
# And the namespace order end to end: without -n or a config value, the context's own.
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/lib-envtest.sh"
cd "$ROOT" || exit 1
S=$(scratch)
SOCK="forgetop-nav-$$"
TM() { tmux -L "$SOCK" -f /dev/null "$@"; }
on_exit "tmux -L '$SOCK' kill-server"

envtest_start "$S" || finish
mkns() { kadm POST /api/v1/namespaces "{\"metadata\":{\"name\":\"$1\"}}" >/dev/null; }
R='{"cpu":"100m","memory":"64Mi"}' L='{"cpu":"200m","memory":"128Mi"}'
if mkns team-a && mkns team-b &&
    envtest_deployment alpha-web 2 web "$R" "$L" team-a &&
    envtest_deployment alpha-worker 1 worker "$R" "$L" team-a &&
    envtest_deployment beta-api 3 api "$R" "$L" team-b &&
    wait_for 60 envtest_pods_are beta-api 3 team-b; then
    ok "control plane ready; team-a (alpha-web, alpha-worker) and team-b (beta-api)"
else
    not_ok "the namespaces and deployments are created"; finish
fi
# nobody may read what the dashboard reads, but not list namespaces
envtest_role nav-read-no-namespaces '[
 {"apiGroups":["apps"],"resources":["deployments","replicasets"],"verbs":["get","list","watch"]},
 {"apiGroups":[""],"resources":["pods"],"verbs":["get","list","watch"]},
 {"apiGroups":["autoscaling"],"resources":["horizontalpodautoscalers"],"verbs":["get","list","watch"]}]' &&
    envtest_grant nobody nav-read-no-namespaces || not_ok "the role without namespaces is bound"
check "nobody cannot list namespaces (403 from the real authorizer)" \
    test "$(kas nobody GET /api/v1/namespaces)" = 403

tok() { grep ",$1," "$ENVTEST_DIR/tokens.csv" | cut -d, -f1; }
KC="$S/nav.kubeconfig"
cat >"$KC" <<YAML
apiVersion: v1
kind: Config
current-context: staging
clusters:
- name: envtest
  cluster: {server: $ENVTEST_URL, certificate-authority: $ENVTEST_CA}
contexts:
- name: staging
  context: {cluster: envtest, user: updater, namespace: team-a}
- name: prod-eu-1
  context: {cluster: envtest, user: produser, namespace: team-a}
- name: nolist
  context: {cluster: envtest, user: nobody, namespace: team-b}
users:
- {name: updater, user: {token: $(tok updater)}}
- {name: produser, user: {token: $(tok produser)}}
- {name: nobody, user: {token: $(tok nobody)}}
YAML
CONF="$S/nav.conf"
printf '[forgetop]\nproduction_pattern = *prod*\nproduction_read_only = true\n' >"$CONF"
export XDG_STATE_HOME="$S/state" XDG_CONFIG_HOME="$S/config"
unset KUBECONFIG FORGETOP_READ_ONLY

# --- the namespace order, headless: the context's own namespace unless -n or the file says
"$BIN" --kubeconfig "$KC" --config "$CONF" --once --json >"$S/order.json" 2>"$S/order.err"
expect_eq "no -n, no config namespace: the context's own (team-a), as kubectl" \
    "staging team-a alpha-web,alpha-worker" \
    "$(json_get "$S/order.json" '"%s %s %s" % (d["context"], d["namespace"], ",".join(s["name"] for s in d["services"]))')"
printf '[kube]\nnamespace = team-b\n' >"$S/ns.conf"
"$BIN" --kubeconfig "$KC" --config "$S/ns.conf" --once --json >"$S/order2.json" 2>&1
expect_eq "the config's namespace wins over the context's" "team-b beta-api" \
    "$(json_get "$S/order2.json" '"%s %s" % (d["namespace"], ",".join(s["name"] for s in d["services"]))')"
"$BIN" --kubeconfig "$KC" --config "$S/ns.conf" -n team-a --once --json >"$S/order3.json" 2>&1
expect_eq "-n wins over the config's" "team-a" "$(json_get "$S/order3.json" 'd["namespace"]')"
"$BIN" --kubeconfig "$KC" -A --once --json >"$S/all.json" 2>&1
expect_eq "-A: every namespace's deployments, each with its namespace" \
    "True team-a/alpha-web,team-a/alpha-worker,team-b/beta-api" \
    "$(json_get "$S/all.json" '"%s %s" % (d["all_namespaces"], ",".join(sorted(s["namespace"] + "/" + s["name"] for s in d["services"])))')"

# --- in a terminal
TM new-session -d -s nav -x 120 -y 30 \
    "env -u NO_COLOR LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color XDG_STATE_HOME='$S/state' '$BIN' --kubeconfig '$KC' --config '$CONF' -d 1; echo \$? >'$S/nav.exit'; sleep 120"
screen() { TM capture-pane -p -t nav; }
shows() { screen | grep -qF -- "$1"; }
header() { screen | head -1; }
header_has() { header | grep -qF -- "$1"; }
header_lacks() { ! header | grep -qF -- "$1"; }
lacks() { ! shows "$1"; }
dump() { screen | grep -v '^ *$' | sed 's/^/# /'; }
keys() { TM send-keys -t nav "$@"; sleep 0.3; }
typed() { TM send-keys -t nav -l "$1"; sleep 0.2; TM send-keys -t nav Enter; sleep 0.3; }
see() { # DESC CONDITION... : wait for it, dump the screen when it never comes
    local d=$1; shift
    if wait_for 20 "$@"; then ok "$d"; else not_ok "$d"; dump; fi
}

see "staging / team-a: the header says where, alpha-web listed" bash -c \
    "tmux -L '$SOCK' capture-pane -p -t nav | head -1 | grep -qF 'staging / team-a' && tmux -L '$SOCK' capture-pane -p -t nav | grep -q alpha-web"
see "staging is not production: READ-WRITE, no PROD" header_has READ-WRITE
check "...and no PROD badge" header_lacks PROD

keys :
see ": opens the command line at the bottom" bash -c "tmux -L '$SOCK' capture-pane -p -t nav | tail -2 | head -1 | grep -q '^:_'"
t0=$(date +%s.%N)
typed "ns team-b"
see ":ns team-b: beta-api shown" shows beta-api
diag "switch to team-b: its rows on screen $(echo "$(date +%s.%N) - $t0" | bc | cut -c1-4)s from the first key typed (0.5 s of it are the test's own typing and sleeps)"
see "...and nothing of team-a stays on screen" lacks alpha-web
see "...the header says staging / team-b" header_has "staging / team-b"

keys : c t x Enter
see ":ctx opens the context picker" shows " contexts "
check "the picker lists staging" shows "staging  (current)"
check "the picker lists prod-eu-1" shows " prod-eu-1"
check "the picker lists nolist" shows " nolist"
keys j
keys Enter
see "picking prod-eu-1: the header shows PROD" header_has PROD
see "...and READ-ONLY (production_read_only)" header_has " READ-ONLY "
see "...kept namespace team-b: beta-api" shows beta-api
before=$(envtest_writes produser | grep -c . || true)
keys g +
see "+ in prod-eu-1 is refused by the guard in words" shows "is production"
sleep 1
expect_eq "prod-eu-1: the API server saw no write from produser" "$before" "$(envtest_writes produser | grep -c . || true)"

keys :
typed "ctx staging"
see ":ctx staging: PROD is gone" header_lacks PROD
see "...READ-WRITE again: no guard inherited from prod-eu-1" header_has READ-WRITE
n=$(envtest_replicas beta-api team-b)
keys g +
see "+ in staging opens the confirmation" shows "Scale beta-api"
keys y
if wait_for 15 test "$(envtest_replicas beta-api team-b)" = $((n + 1)); then
    ok "y in staging scales beta-api $n -> $((n + 1)) in team-b on the real server"
else not_ok "y in staging scales beta-api $n -> $((n + 1))"; dump; fi

keys :
typed "ns all"
see ":ns all: alpha-web of team-a listed" shows alpha-web
see "...beside beta-api of team-b" shows beta-api
check "...with a NAMESPACE column" shows NAMESPACE
check "...whose rows name team-a and team-b" bash -c \
    "s=\$(tmux -L '$SOCK' capture-pane -p -t nav); grep alpha-web <<<\"\$s\" | grep -q team-a && grep beta-api <<<\"\$s\" | grep -q team-b"
check "...the header says all namespaces" header_has "all namespaces"
keys /
typed "alpha-worker"
n=$(envtest_replicas alpha-worker team-a)
keys +
see "+ from the all-namespaces view: the confirmation names the row's namespace" bash -c \
    "tmux -L '$SOCK' capture-pane -p -t nav | grep -qE 'namespace +team-a'"
keys y
if wait_for 15 test "$(envtest_replicas alpha-worker team-a)" = $((n + 1)); then
    ok "y scales alpha-worker in its own namespace team-a ($n -> $((n + 1)))"
else not_ok "y scales alpha-worker in team-a"; dump; fi
keys / Escape

keys :
typed "ctx nolist"
see ":ctx nolist: its user's view of team-b" shows beta-api
keys :
typed "ns"
see ":ns for a user who cannot list namespaces says so" shows "cannot list namespaces"
TM send-keys -t nav -l "team-a"
sleep 0.3
keys Enter
see "...the typed namespace is read: alpha-web" shows alpha-web
see "...and team-b's beta-api is gone" lacks beta-api
see "...header nolist / team-a" header_has "nolist / team-a"

keys :
typed "ctx no-such-context"
see "a context that does not exist is refused in words" shows 'context "no-such-context" not found'
check "...and the old target stays" shows alpha-web

keys q
see "q quits cleanly" test -f "$S/nav.exit"
expect_eq "exit status 0" 0 "$(cat "$S/nav.exit" 2>/dev/null)"
finish
