#!/usr/bin/env bash
# record.sh - what --record costs and how fast a replay seeks.
#
# The demo at a 2 s refresh in a pseudo-terminal for BENCH_SECONDS (default 30), with and
# without --record: CPU seconds and keypress latency of each, and the file's bytes per
# hour (the first frame, the demo's backfill, counted once). Then a 24-hour recording
# made from those frames (re-deflated as the recorder does, 2 s apart) and the time of
# `--replay --once --json --at` to a minute in its middle: process start, rebuilding the
# world from 30 minutes of frames, and the document. Figures are printed, not asserted.
set -u
cd "$(dirname "$0")/.."
BIN=${BIN:-./forgetop}
SECS=${BENCH_SECONDS:-30}
S=$(mktemp -d "${TMPDIR:-/tmp}/forgetop-bench.XXXXXX")
trap 'rm -rf "$S"' EXIT
export XDG_STATE_HOME="$S/state" XDG_CONFIG_HOME="$S/config" LANG=C.UTF-8 LC_ALL=C.UTF-8
KEYS=$(printf "jk%.0s" $(seq 25))
get() { sed -nE "s/.*\b$1=([^ ]+).*/\1/p" <<<"$2"; }
q() { sqlite3 "$S/rec.db" "$1"; }

plain=$(python3 bench/ptyrun.py 120 40 3 "$SECS" "$KEYS" -- "$BIN" --demo --seed 1 -d 2 -R)
rec=$(python3 bench/ptyrun.py 120 40 3 "$SECS" "$KEYS" -- "$BIN" --demo --seed 1 -d 2 -R \
    --record "$S/rec.db")
frames=$(q 'SELECT count(*) FROM frames')
span=$(q 'SELECT max(t) - min(t) FROM frames')
used=$(q 'SELECT ((SELECT page_count FROM pragma_page_count()) - (SELECT freelist_count FROM pragma_freelist_count())) * (SELECT page_size FROM pragma_page_size())')
first=$(q 'SELECT length(z) FROM frames ORDER BY id LIMIT 1')
# a key frame every 120 s (30 an hour) is deflated alone: its size, taken from the last frame
key=$(python3 bench/recording.py keysize "$S/rec.db")
per_h=$(python3 -c "print(round(($used - $first) / max($span, 1) * 3600 + 30 * $key))")
printf '   %s frames in %.0f s (one a poll of the demo at -d 2); %s B in use, first frame %s B, a key frame ~%s B\n' \
    "$frames" "$span" "$used" "$first" "$key"
printf '   recording the demo at 2 s: %s B per hour = %.2f MB/h, short-run estimate with SQLite'"'"'s fixed pages   (budget <= 2 MB/h)\n' \
    "$per_h" "$(python3 -c "print($per_h / 1048576)")"
printf '   cpu without --record %ss, with %ss over %s s   (budget: <= 2 %% added)\n' \
    "$(get cpu_s "$plain")" "$(get cpu_s "$rec")" "$SECS"
printf '   keypress -> first redraw byte p99: without %s ms, with %s ms\n' \
    "$(get lat_p99_ms "$plain")" "$(get lat_p99_ms "$rec")"

# 24 hours at 2 s: 43200 frames in the recorder's own format, the recorded ones repeated
python3 bench/recording.py day "$S/rec.db" "$S/day.db"
dayframes=$(sqlite3 "$S/day.db" 'SELECT count(*) FROM frames')
daysize=$(stat -c %s "$S/day.db")
mid=$(sqlite3 "$S/day.db" 'SELECT min(t) + 43200 FROM frames')
best=
for i in 1 2 3; do
    ms=$(python3 -c "
import subprocess, sys, time
t = time.monotonic()
subprocess.run([sys.argv[1], '--replay', sys.argv[2], '--once', '--json', '--at', sys.argv[3]], stdout=subprocess.DEVNULL, check=True)
print(round((time.monotonic() - t) * 1000, 1))" "$BIN" "$S/day.db" "$mid")
    best=$(python3 -c "print(min(float('$ms'), float('${best:-1e9}')))")
done
printf '   24-hour recording: %s frames, %s B = %.2f MB/h of frames in steady state; seek to its middle (--at, best of 3): %s ms   (budget <= 100 ms)\n' \
    "$dayframes" "$daysize" "$(python3 -c "print($daysize / 24 / 1048576)")" "$best"
