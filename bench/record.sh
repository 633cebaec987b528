#!/usr/bin/env bash
# record.sh - what --record costs and how fast a replay seeks.
#
# The demo at a 2 s refresh in a pseudo-terminal for BENCH_SECONDS (default 30), with and
# without --record: CPU seconds and keypress latency of each, the frames' sizes. Then a
# 24-hour recording made from those polls (re-deflated as the recorder does, 2 s apart,
# with their status rows): its bytes per hour on disk; seeks in it (bench/seek.c: the
# world rebuilt from 30 minutes of frames, as the replay does before its first redraw;
# and `--replay --once --json --at` as a process); an hour played at x60 in a pty (the
# redraws' rate and gaps). Figures are printed, not asserted.
set -u
cd "$(dirname "$0")/.."
BIN=${BIN:-./forgetop}
BUILD=${BUILD:-build}
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
delta=$(q 'SELECT round(avg(length(z))) FROM frames WHERE base IS NOT NULL')
statuses=$(q 'SELECT count(*) FROM statuses')
# a key frame every 120 s (30 an hour) is deflated alone: its size, taken from the last frame
key=$(python3 bench/recording.py keysize "$S/rec.db")
printf '   %s polls in %.0f s of the demo at -d 2: a frame ~%s B deflated against the one before, a key frame ~%s B; %s status rows (written on a change only)\n' \
    "$frames" "$span" "$delta" "$key" "$statuses"
printf '   cpu without --record %ss, with %ss over %s s   (budget: <= 2 %% added)\n' \
    "$(get cpu_s "$plain")" "$(get cpu_s "$rec")" "$SECS"
printf '   keypress -> first redraw byte p99: without %s ms, with %s ms\n' \
    "$(get lat_p99_ms "$plain")" "$(get lat_p99_ms "$rec")"

# 24 hours at 2 s: 43200 polls in the recorder's own format, the recorded ones repeated
python3 bench/recording.py day "$S/rec.db" "$S/day.db"
dayframes=$(sqlite3 "$S/day.db" 'SELECT count(*) FROM frames')
daysize=$(stat -c %s "$S/day.db")
printf '   24-hour recording: %s frames, %s B on disk (frames, statuses, indexes, SQLite pages) = %.2f MB/h   (budget <= 2 MB/h)\n' \
    "$dayframes" "$daysize" "$(python3 -c "print($daysize / 24 / 1048576)")"
seek=$("$BUILD/bench/seek" "$S/day.db" 48)
printf '   seek in the replay (the world rebuilt at a minute, 48 minutes over the 24 h, in-process): median %s ms, p90 %s ms, max %s ms; CPU per seek median %s ms, max %s ms (the wall time less the waiting on a shared machine; load %s)   (budget <= 100 ms)\n' \
    "$(get median_ms "$seek")" "$(get p90_ms "$seek")" "$(get max_ms "$seek")" \
    "$(get cpu_median_ms "$seek")" "$(get cpu_max_ms "$seek")" "$(cut -d' ' -f1 /proc/loadavg)"
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
printf '   seek as a process (--replay --once --json --at its middle, best of 3, process start included): %s ms\n' "$best"
play=$(python3 bench/replayrate.py "$SECS" -- "$BIN" --replay "$S/day.db" --at "$(sqlite3 "$S/day.db" 'SELECT min(t) + 3600 FROM frames')")
printf '   playing at x60 (%s s = %s min of the recording): %s redraws/s, gap between redraws median %s ms, p99 %s ms, max %s ms; cpu %s s\n' \
    "$SECS" "$(python3 -c "print(round($SECS * 60 / 60))")" "$(get per_s "$play")" "$(get gap_median_ms "$play")" \
    "$(get gap_p99_ms "$play")" "$(get gap_max_ms "$play")" "$(get cpu_s "$play")"
