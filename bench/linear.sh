#!/usr/bin/env bash
# linear.sh - cost that grows with the items, never with their square: one Compose project
# of 200 and of 2000 containers on the fake engine (client CPU per poll: the fake's own time
# is not counted), and a Redis poll of the configured queue keys on a server holding none and
# a million other keys (forgetop never scans the keyspace). BENCH_BASELINE_PROBE, a
# compose_probe built from an older tree, prints its figures beside. Printed, not asserted.
source "$(dirname "$0")/../tests/lib.sh"
cd "$ROOT" || exit 1
S=$(scratch)
ROUNDS=${BENCH_ROUNDS:-3}
PROBE=$(probe_path compose_probe) || { echo "compose_probe does not build"; exit 1; }
DATA=$(probe_path dataprobe) || { echo "dataprobe does not build"; exit 1; }

# compose_cpu PROBE SERVICES PER : client CPU seconds per poll (cold poll, then ROUNDS more)
compose_cpu() {
    local sock="$S/d$2x$3.sock" state="$S/state$2x$3.json"
    python3 - "$2" "$3" >"$state" <<'PY'
import json, sys
services, per = int(sys.argv[1]), int(sys.argv[2])
cs = [{"service": "svc%03d" % s, "number": n, "cpu": 0.05, "mem": 64 << 20, "health": None}
      for s in range(services) for n in range(1, per + 1)]
print(json.dumps({"project": "bench", "host_cpus": 8, "containers": cs}))
PY
    python3 tests/fakes/docker_engine.py --socket "$sock" --state "$state" >/dev/null 2>&1 &
    local fake=$!
    wait_for 20 test -S "$sock" || { echo "fake engine did not start"; kill "$fake"; return 1; }
    local args=(poll) i
    for i in $(seq "$ROUNDS"); do args+=(poll); done
    python3 - "$((ROUNDS + 1))" "$1" -H "unix://$sock" -p bench "${args[@]}" <<'PY'
import resource, subprocess, sys
polls = int(sys.argv[1])
p = subprocess.run(sys.argv[2:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
ok = sum(1 for l in p.stdout.splitlines() if l.startswith("poll ok"))
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.4f %d" % ((ru.ru_utime + ru.ru_stime) / polls, ok))
PY
    kill "$fake" 2>/dev/null
    wait "$fake" 2>/dev/null
}
compose_row() { # LABEL PROBE
    local small big
    read -r small ok1 < <(compose_cpu "$2" 20 10)
    read -r big ok2 < <(compose_cpu "$2" 200 10)
    printf '   compose %-9s 200 containers %.4f CPU-s/poll, 2000 containers %.4f CPU-s/poll: x%s for 10x the items (%s+%s polls ok)\n' \
        "$1:" "$small" "$big" "$(python3 -c "print('%.1f' % ($big / $small if $small else 0))")" "$ok1" "$ok2"
}
compose_row now "$PROBE"
[ -n "${BENCH_BASELINE_PROBE:-}" ] && compose_row baseline "$BENCH_BASELINE_PROBE"

# redis: 8 queue keys, the same poll against an empty server and one with 1 000 000 keys
if command -v redis-server >/dev/null 2>&1; then
    port=$(free_port)
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
        >"$S/redis.log" 2>&1 &
    on_exit "kill $!"
    wait_for 10 redis-cli -p "$port" ping >/dev/null || { echo "redis did not start"; exit 0; }
    q=()
    for i in 1 2 3 4 5 6 7 8; do
        redis-cli -p "$port" rpush "q:$i" a b c >/dev/null
        q+=(--queue "q:$i")
    done
    redis_poll() {
        python3 - "$DATA" redis "redis://127.0.0.1:$port" "${q[@]}" --polls 20 <<'PY'
import resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
wall = (time.perf_counter() - t) / 20
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.2f %.3f" % (wall * 1000, (ru.ru_utime + ru.ru_stime) * 1000 / 20))
PY
    }
    read -r w0 c0 < <(redis_poll)
    redis-cli -p "$port" debug populate 1000000 >/dev/null
    read -r w1 c1 < <(redis_poll)
    printf '   redis, 8 queue keys: empty server %s ms/poll (%s ms CPU), 1 000 000 other keys %s ms/poll (%s ms CPU)\n' \
        "$w0" "$c0" "$w1" "$c1"
fi
exit 0
