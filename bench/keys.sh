#!/usr/bin/env bash
# keys.sh - keypress to first redraw byte at 2000 services: the dashboard (-d 2, 160x50,
# in a pseudo-terminal) on the fake Kubernetes API with 2000 deployments x 5 pods, keys
# (j/k, 200 of them, each after a quiet 0.15 s) sent while its polls run; p50, p99 and max
# in ms (budget p99 <= 5 ms), with the load average the figures were taken at. Printed only.
source "$(dirname "$0")/../tests/lib.sh"
source "$ROOT/tests/fakes/kube_env.sh"
cd "$ROOT" || exit 1
S=$(scratch)
DEPLOYS=${BENCH_DEPLOYS:-2000}
kube_fake_start "$S" --generate "$DEPLOYS:${BENCH_PODS:-$((DEPLOYS * 5))}:open-forge" ||
    { echo "fake did not start"; exit 1; }
cat >"$S/kube.conf" <<CONF
[forgetop]
request_timeout = 60s
[kube]
enabled = true
CONF
export XDG_STATE_HOME="$S/state" XDG_CONFIG_HOME="$S/config" LANG=C.UTF-8 LC_ALL=C.UTF-8
KEYS=$(printf "jk%.0s" $(seq "${BENCH_KEYS:-100}"))
get() { sed -nE "s/.*\b$1=([^ ]+).*/\1/p" <<<"$2"; }
load0=$(cut -d' ' -f1-3 /proc/loadavg)
# the warm-up covers the first list of 10 000 pods; the keys then meet the polls (every 2 s)
out=$(BENCH_MARK="svc-001" python3 bench/ptyrun.py 160 50 "${BENCH_WARMUP:-40}" "${BENCH_SECONDS:-10}" "$KEYS" \
    -- "$BIN" --config "$S/kube.conf" --kubeconfig "$KUBECONFIG_FILE" -d 2 -R)
load1=$(cut -d' ' -f1-3 /proc/loadavg)
printf '   dashboard on the fake, %s deployments, -d 2, 160x50: first frame with rows %s ms, CPU %s s in %s s\n' \
    "$DEPLOYS" "$(get first_frame_ms "$out")" "$(get cpu_s "$out")" "$(get seconds "$out")"
printf '   keypress -> first redraw byte (%s keys while polling): p50 %s ms  p99 %s ms  max %s ms   (budget p99 <= 5 ms)\n' \
    "$(get keys "$out")" "$(get lat_p50_ms "$out")" "$(get lat_p99_ms "$out")" "$(get lat_max_ms "$out")"
printf '   load average before %s, after %s (%s CPUs)\n' "$load0" "$load1" "$(nproc)"
