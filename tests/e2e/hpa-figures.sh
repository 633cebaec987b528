#!/usr/bin/env bash
# hpa-figures.sh - the numbers an operator reads agree with each other and with the
# autoscaler: in a real terminal (tmux), the demo at --demo-speed 60 (figures move every
# second) shows the same cpu and memory-of-request on the detail's `use` line as in the
# reason beside it, frame after frame; the kube fake's HPA that cannot compute is shown
# by its condition, never as "wants 0"; --once --json gives the HPA's figures beside ours.
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/fakes/kube_env.sh"
cd "$ROOT" || exit 1

S=$(scratch)
SOCK="forgetop-hpa-$$"
TM() { tmux -L "$SOCK" -f /dev/null "$@"; }
on_exit "tmux -L '$SOCK' kill-server"

start() { # NAME ARGS...: forgetop at 140x40
    local name=$1; shift
    TM new-session -d -s "$name" -x 140 -y 40 \
        "env -u NO_COLOR -u FORGETOP_READ_ONLY -u KUBECONFIG XDG_STATE_HOME='$S/state' XDG_CONFIG_HOME='$S/config' LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color '$BIN' -R -d 1 $*; sleep 60"
}
screen() { TM capture-pane -p -t "$1"; }
shows() { screen "$1" | grep -qF -- "$2"; }
keys() { local s=$1; shift; TM send-keys -t "$s" "$@"; sleep 0.4; }

# The figures of one frame: "cpu C memory M | reason cpu C' memory M'".
frame_figures() {
    screen "$1" | python3 -c '
import re, sys
t = sys.stdin.read()
use = re.search(r"^use +cpu (\d+)% of request .* (\d+)% of request", t, re.M)
why = re.search(r"^because +cpu (\d+)% / target 70%.*?memory (\d+)% / target 80%", t, re.M | re.S)
if not use or not why:
    print("unreadable"); sys.exit()
print("%s %s | %s %s" % (use.group(1), use.group(2), why.group(1), why.group(2)))'
}

# A frame that has finished drawing: two captures back to back that read the same, so a
# capture in the middle of a redraw is not judged.
settled_figures() {
    local a b
    for _ in 1 2 3 4 5 6 7 8; do
        a=$(frame_figures "$1"); b=$(frame_figures "$1")
        [ "$a" = "$b" ] && { echo "$a"; return; }
    done
    echo "unsettled"
}

# ---- the demo at 60x: every frame's figures and reason come from one evaluation
start demo --demo --seed 1 --demo-speed 60
if wait_for 15 shows demo " api "; then ok "the demo runs at --demo-speed 60"; else not_ok "the demo runs"; fi
keys demo / a p i Enter
keys demo Enter
if wait_for 5 shows demo "memory % of limit"; then ok "Enter opens api's detail"; else not_ok "Enter opens api's detail"; screen demo | sed 's/^/# /'; fi
agree=0 samples=0 seen=""
for i in 1 2 3 4 5 6 7 8; do
    f=$(settled_figures demo)
    seen="$seen; $f"
    case $f in unsettled | unreadable) sleep 0.5; continue ;; esac
    samples=$((samples + 1))
    a=${f%% |*} b=${f##*| }
    [ "$a" = "$b" ] && agree=$((agree + 1))
    sleep 0.5
done
check "at least four settled frames were read ($samples)" test "$samples" -ge 4
expect_eq "every settled frame at 60x: the use line and the reason show the same cpu and memory of request ($seen)" \
    "$samples" "$agree"
distinct=$(tr ';' '\n' <<<"$seen" | grep '|' | sort -u | grep -c .)
check "and the figures did move between frames ($distinct distinct)" test "$distinct" -ge 2
check "memory is shown of limit and of request" bash -c "screen() { tmux -L '$SOCK' -f /dev/null capture-pane -p -t demo; }; screen | grep -qE '^use .*memory [0-9]+% of limit, [0-9]+% of request'"

# ---- --once --json on the demo: the reason's memory is mem_req_pct, twice the limit's share
"$BIN" --demo --seed 1 --once --json >"$S/demo.json" 2>"$S/demo.err"
api() { json_get "$S/demo.json" "[$1 for s in d['services'] if s['name']=='api'][0]"; }
expect_eq "--once --json: api memory of request is twice its share of the 2Gi limit" "True" \
    "$(api 's["mem_req_pct"] == int(s["mem_pct"] * 2)')"
expect_eq "--once --json: the reason's memory is that figure" "True" \
    "$(api '("memory %d%% / target 80%%" % s["mem_req_pct"]) in s["reason"]')"

# ---- the kube fake: an HPA that cannot compute
kube_fake_start "$S" --state tests/fixtures/kube-open-forge.json || { not_ok "fake starts"; finish; }
kube_control '{"reset": true, "hpa_inactive": "FailedGetResourceMetric"}' >/dev/null
start kube --kubeconfig "$KUBECONFIG_FILE"
wait_for 15 shows kube "kube ✓" # its first poll is in: the metrics table names api before
keys kube / a p i Enter
keys kube Enter
if wait_for 5 shows kube "ScalingActive=False: FailedGetResourceMetric: cannot compute, leaves the count"; then
    ok "the detail shows the HPA's condition"
else
    not_ok "the detail shows the HPA's condition"; screen kube | sed 's/^/# /'
fi
check "and never 'wants 0'" bash -c "! tmux -L '$SOCK' -f /dev/null capture-pane -p -t kube | grep -q 'wants 0'"
kube_control '{"reset": true}' >/dev/null
if wait_for 5 shows kube "HPA api-hpa, 3..20, wants 8 · its cpu 92%/70%, memory 120%/80%"; then
    ok "once it computes: its count and its own figures"
else
    not_ok "once it computes: its count and its own figures"; screen kube | sed 's/^/# /'
fi
check "which agree with ours: no 'disagrees' line" bash -c "! tmux -L '$SOCK' -f /dev/null capture-pane -p -t kube | grep -q '^disagrees'"
check "the use line: 60% of limit, 120% of request" shows kube "memory 60% of limit, 120% of request"
finish
