#!/usr/bin/env bash
# why.sh - the cost of reading why services are not ready: ReplicaSets and Warning events
# decoded beside the deployments and pods of a namespace (bench/why_parse.c), for a quiet
# namespace and for one where every pod keeps failing. Printed, never asserted.
source "$(dirname "$0")/../tests/lib.sh"
cd "$ROOT" || exit 1
P=$(probe_path why_parse) || { echo "why_parse does not build"; exit 1; }
for e in 0 2000 20000; do
    "$P" "${BENCH_DEPLOYS:-200}" 10 "$e"
done
