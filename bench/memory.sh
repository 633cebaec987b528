#!/usr/bin/env bash
# memory.sh - memory that follows what is shown: 2000 deployments x 5 pods (BENCH_DEPLOYS,
# BENCH_PODS) on the fake Kubernetes API. Peak RSS of `forgetop --once --json` and of the
# live dashboard (120x40, -d 2, BENCH_SECONDS) with its CPU and key latency; kube's
# parsing aside, what the world itself adds per service over 120 polls (world_memory); and
# under heaptrack, the dashboard's peak heap and what holds it (snapshots, informer records).
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
# The peak heap of the live dashboard and its biggest holders, by heaptrack (slower: the
# dashboard runs under it for BENCH_SECONDS).
heap() { # BINARY
    command -v heaptrack >/dev/null || { echo "   heap: heaptrack not installed"; return; }
    local d; d=$(mktemp -d "$S/heap.XXXX")
    BENCH_MARK=deploy- python3 bench/ptyrun.py 120 40 10 "$SECS" "jk" -- heaptrack -o "$d/ht" \
        "$1" --config "$S/forgetop.conf" --kubeconfig "$KUBECONFIG_FILE" -d 2 -R >/dev/null 2>&1
    heaptrack_print -p 1 -a 0 -l 0 -t 0 -n 30 "$d"/ht.* 2>/dev/null | python3 -c '
import re, sys
text = sys.stdin.read()
peak = re.search(r"peak heap memory consumption: (\S+)", text)
groups = {"snapshots": ("dup_array", "grow", "service_add", "snapshot_"),
          "world views": ("add_view",), "informer records": ("rec_alloc", "parse_"),
          "informer keys and order": ("cache_", "arena_add", "__GI___strdup")}
sums = dict.fromkeys(groups, 0.0)
unit = {"B": 1 / 1048576, "K": 1 / 1024, "M": 1, "G": 1024}
for m in re.finditer(r"^(\d+(?:\.\d+)?)([BKMG])\w* peak memory consumed over \d+ calls from\n(\S+)",
                     text, re.M):
    for g, names in groups.items():
        if any(m.group(3).startswith(n) for n in names):
            sums[g] += float(m.group(1)) * unit[m.group(2)]
            break
print("   heap (heaptrack, live -d 2): peak %s; top holders: %s" % (
    peak.group(1) if peak else "?", ", ".join("%s %.1f MB" % (g, v) for g, v in sums.items())))
'
}

once now "$BIN"
[ -n "${BENCH_BASELINE_BIN:-}" ] && once baseline "$BENCH_BASELINE_BIN"
live now "$BIN"
[ -n "${BENCH_BASELINE_BIN:-}" ] && live baseline "$BENCH_BASELINE_BIN"
heap "$BIN"
printf '   load while measuring: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
exit 0
