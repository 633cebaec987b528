#!/usr/bin/env bash
# memory.sh - memory that follows what is shown: 2000 deployments x 5 pods (BENCH_DEPLOYS,
# BENCH_PODS) on the fake Kubernetes API. Peak RSS of `forgetop --once --json` and of the
# live dashboard (120x40, -d 2, BENCH_SECONDS) with its CPU and key latency; and, kube's
# parsing aside, what the world itself adds per service over 120 polls (world_memory).
# BENCH_BASELINE_BIN (and BENCH_BASELINE_WORLD, a world_memory built from an older tree)
# prints an older build's figures beside. Printed, never asserted.
source "$(dirname "$0")/../tests/lib.sh"
source "$ROOT/tests/fakes/kube_env.sh"
cd "$ROOT" || exit 1
S=$(scratch)
DEPLOYS=${BENCH_DEPLOYS:-2000} PODS=${BENCH_PODS:-10000} SECS=${BENCH_SECONDS:-30}
BIN=${BIN:-./forgetop}
export XDG_STATE_HOME="$S/state" XDG_CONFIG_HOME="$S/config" LANG=C.UTF-8 LC_ALL=C.UTF-8

WORLD=$(probe_path world_memory) || { echo "world_memory does not build"; exit 1; }
get() { sed -nE "s/.*\b$1=([^ ]+).*/\1/p" <<<"$2"; }
world() { # LABEL PROGRAM
    local r
    r=$("$2" "$DEPLOYS" "$((PODS / DEPLOYS))" 120) || return
    printf '   world, %-9s %s services: view %6s B, world + snapshots %6.1f MB (%s B per service)\n' \
        "$1:" "$(get services "$r")" "$(get view_bytes "$r")" \
        "$(python3 -c "print($(get rss_added_kib "$r") / 1024)")" "$(get per_service_bytes "$r")"
}
world now "$WORLD"
[ -n "${BENCH_BASELINE_WORLD:-}" ] && world baseline "$BENCH_BASELINE_WORLD"

kube_fake_start "$S" --generate "$DEPLOYS:$PODS:open-forge" || { echo "fake did not start"; exit 1; }
# the python fake takes seconds to serve 10 000 pods on a busy machine: no timeout here
cat >"$S/forgetop.conf" <<CONF
[forgetop]
request_timeout = 120s
CONF
once() { # LABEL BINARY
    local out
    out=$(python3 - "$2" "$S" "$KUBECONFIG_FILE" <<'PY'
import json, resource, subprocess, sys, time
b, s, k = sys.argv[1:]
t = time.perf_counter()
p = subprocess.run([b, "--config", s + "/forgetop.conf", "--kubeconfig", k, "--once", "--json"],
                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
wall = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
try:
    n = len(json.loads(p.stdout)["services"])
except Exception:
    n = -1
print("wall=%.2f rss_kib=%d services=%d" % (wall, ru.ru_maxrss, n))
PY
)
    printf '   --once --json, %-9s %5s services  %6.2f s  peak RSS %6.1f MB   (budget 48 MB at 10 000 pods)\n' \
        "$1:" "$(get services "$out")" "$(get wall "$out")" "$(python3 -c "print($(get rss_kib "$out") / 1024)")"
}
live() { # LABEL BINARY
    local r
    r=$(BENCH_MARK=deploy- python3 bench/ptyrun.py 120 40 10 "$SECS" "$(printf 'jk%.0s' $(seq 20))" \
        -- "$2" --config "$S/forgetop.conf" --kubeconfig "$KUBECONFIG_FILE" -d 2 -R)
    printf '   live -d 2, %-9s peak RSS %6.1f MB  cpu %ss in %ss  key p99 %s ms\n' "$1:" \
        "$(python3 -c "print($(get rss_kib "$r") / 1024)")" "$(get cpu_s "$r")" "$SECS" \
        "$(get lat_p99_ms "$r")"
}
once now "$BIN"
[ -n "${BENCH_BASELINE_BIN:-}" ] && once baseline "$BENCH_BASELINE_BIN"
live now "$BIN"
[ -n "${BENCH_BASELINE_BIN:-}" ] && live baseline "$BENCH_BASELINE_BIN"
exit 0
