#!/usr/bin/env bash
# table.sh - a key and its redraw over thousands of services (2000 and 10 000), in the
# world's order and sorted by cpu and by name, through real ncurses off-screen: p50, p99
# and max in ms, wall and the key's own CPU time (budget p99 <= 5 ms; a busy machine shows in
# the wall tail, not in the CPU one). Printed only.
source "$(dirname "$0")/../tests/lib.sh"
cd "$ROOT" || exit 1
PROBE=$(probe_path table_keys) || { echo "table_keys does not build"; exit 1; }
for n in 2000 10000; do
    "$PROBE" "$n" 200 | sed 's/^/   /'
done
