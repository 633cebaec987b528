#!/usr/bin/env bash
# dashboard.sh - what the dashboard costs over an SSH link, against htop in the same run.
#
# At 120x40 on the demo with a 1 s refresh (-d 1), in a pseudo-terminal: bytes written
# per refresh in steady state, CPU seconds, peak RSS, keypress-to-first-redraw-byte
# latency; and the same bytes and CPU for `htop -d 10` (also one refresh a second).
# BENCH_SECONDS sets the timed window (default 60). Figures are printed, not asserted.
set -u
cd "$(dirname "$0")/.."
BIN=${BIN:-./forgetop}
SECS=${BENCH_SECONDS:-60}
WARM=${BENCH_WARMUP:-5}
S=$(mktemp -d "${TMPDIR:-/tmp}/forgetop-bench.XXXXXX")
trap 'rm -rf "$S"' EXIT
export XDG_STATE_HOME="$S/state" XDG_CONFIG_HOME="$S/config" LANG=C.UTF-8 LC_ALL=C.UTF-8

KEYS=$(printf "jk%.0s" $(seq 50)) # 100 keypresses, each after a quiet 0.15 s
get() { sed -nE "s/.*\b$1=([^ ]+).*/\1/p" <<<"$2"; }

ft=$(BENCH_MARK=agent-worker python3 bench/ptyrun.py 120 40 "$WARM" "$SECS" "$KEYS" \
    -- "$BIN" --demo --seed 1 -d 1 -R)
hung=$(FORGETOP_TEST_SOURCE=hang python3 bench/ptyrun.py 120 40 3 2 "$KEYS" \
    -- "$BIN" --demo --seed 1 -d 1 -R)
ht=$(HOME="$S" python3 bench/ptyrun.py 120 40 "$WARM" "$SECS" "" -- htop -d 10)

fb=$(get bytes_per_s "$ft"); hb=$(get bytes_per_s "$ht")
fc=$(get cpu_s "$ft"); hc=$(get cpu_s "$ht")
ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'{a/b:.2f}' if b else 'inf')" "$1" "$2"; }
printf '   window %s s after %s s warm-up, 120x40, refresh 1 s\n' "$SECS" "$WARM"
printf '   forgetop --demo -d 1: %8s B/s (= B per refresh)  cpu %ss  peak RSS %s KiB  first frame %s B\n' \
    "$fb" "$fc" "$(get rss_kib "$ft")" "$(get first_bytes "$ft")"
printf '   first frame with data (demo): %s ms\n' "$(get first_frame_ms "$ft")"
printf '   keypress -> first redraw byte (%s keys): p50 %s ms  p99 %s ms  max %s ms\n' \
    "$(get keys "$ft")" "$(get lat_p50_ms "$ft")" "$(get lat_p99_ms "$ft")" "$(get lat_max_ms "$ft")"
printf '   the same with one source hung (%s keys): p50 %s ms  p99 %s ms  max %s ms   (budget p99 <= 5 ms)\n' \
    "$(get keys "$hung")" "$(get lat_p50_ms "$hung")" "$(get lat_p99_ms "$hung")" "$(get lat_max_ms "$hung")"
printf '   htop -d 10:           %8s B/s (= B per refresh)  cpu %ss  peak RSS %s KiB\n' \
    "$hb" "$hc" "$(get rss_kib "$ht")"
printf '   ratio forgetop/htop:  bytes %s  cpu %s   (budget: <= 300 B/s; cpu <= htop)\n' \
    "$(ratio "$fb" "$hb")" "$(ratio "$fc" "$hc")"
