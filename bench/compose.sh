#!/usr/bin/env bash
# compose.sh - one poll of a 30-service, 300-container Compose project on the fake
# engine: forgetop's compose source against the same documents fetched one by one with
# `curl --unix-socket`, and against the docker CLI (`docker ps` + `docker stats
# --no-stream`) when one is installed. Poll time and peak RSS, printed as ratios.
source "$(dirname "$0")/../tests/lib.sh"
cd "$ROOT" || exit 1
S=$(scratch)
SERVICES=${BENCH_SERVICES:-30} PER=${BENCH_PER_SERVICE:-10} ROUNDS=${BENCH_ROUNDS:-3}

PROBE=$(probe_path compose_probe) || { echo "compose_probe does not build"; exit 1; }

python3 - "$SERVICES" "$PER" >"$S/state.json" <<'PY'
import json, sys
services, per = int(sys.argv[1]), int(sys.argv[2])
cs = []
for s in range(services):
    for n in range(1, per + 1):
        c = {"service": "svc%02d" % s, "number": n, "cpu": 0.05 * (1 + n % 4),
             "mem": (64 + n) * 1024 * 1024, "health": "healthy" if s % 3 else None}
        if s % 2 == 0:
            c.update(cpus_limit=1.0, mem_limit=512 * 1024 * 1024)
        cs.append(c)
print(json.dumps({"project": "bench", "host_cpus": 8, "containers": cs}))
PY
SOCK=$S/docker.sock
python3 tests/fakes/docker_engine.py --socket "$SOCK" --state "$S/state.json" >/dev/null 2>&1 &
on_exit "kill $!"
wait_for 10 test -S "$SOCK" || { echo "fake engine did not start"; exit 1; }

# run_measured OUT CMD... : wall seconds and the peak RSS (KiB) of CMD and its children.
run_measured() {
    python3 - "$@" <<'PY'
import resource, subprocess, sys, time
out = sys.argv[1]
t = time.monotonic()
subprocess.run(sys.argv[2:], stdout=open(out, "wb"), stderr=subprocess.STDOUT)
dt = time.monotonic() - t
print("%.3f %d" % (dt, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
PY
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# forgetop: the first poll asks /version, lists, and inspects and stats every container
# at once; later polls inspect only what changed (here nothing): the list and the stats.
args=(poll)
for _ in $(seq "$ROUNDS"); do args+=(poll); done
read -r _ ft_rss < <(run_measured "$S/probe.out" "$PROBE" -H "unix://$SOCK" -p bench "${args[@]}")
grep -q '^poll ok' "$S/probe.out" || { echo "probe failed:"; head -3 "$S/probe.out"; exit 1; }
sed -nE 's/^poll ok seconds=([0-9.]+).*/\1/p' "$S/probe.out" >"$S/probe.times"
cold_s=$(head -1 "$S/probe.times")
steady_s=$(tail -n +2 "$S/probe.times" | median)
n_svc=$(sed -nE "1s/.* services=([0-9]+).*/\1/p" "$S/probe.out")

# curl: the same documents, one request after another.
filters=$(python3 -c 'import urllib.parse;print(urllib.parse.quote("{\"label\":[\"com.docker.compose.project=bench\"]}"))')
curl -s --unix-socket "$SOCK" "http://d/v1.43/containers/json?all=1&filters=$filters" |
    python3 -c 'import json,sys; [print(c["Id"]) for c in json.load(sys.stdin)]' >"$S/ids"
n=$(wc -l <"$S/ids")
curl_script() { # curl_script INSPECT(0|1)
    echo "[ $1 = 1 ] && curl -s --unix-socket '$SOCK' http://d/version >/dev/null"
    echo "curl -s --unix-socket '$SOCK' 'http://d/v1.43/containers/json?all=1&filters=$filters' >/dev/null"
    echo "while read -r id; do"
    echo "  [ $1 = 1 ] && curl -s --unix-socket '$SOCK' \"http://d/v1.43/containers/\$id/json\" >/dev/null"
    echo "  curl -s --unix-socket '$SOCK' \"http://d/v1.43/containers/\$id/stats?stream=false\" >/dev/null"
    echo "done <'$S/ids'"
}
curl_script 1 >"$S/curl-cold.sh"
curl_script 0 >"$S/curl-steady.sh"
curl_time() { # curl_time SCRIPT : median seconds over the rounds; peak RSS to curl.rss
    : >"$S/curl.times"
    for _ in $(seq "$ROUNDS"); do
        read -r t rss < <(run_measured /dev/null bash "$1")
        echo "$t" >>"$S/curl.times"
        echo "$rss" >"$S/curl.rss"
    done
    median <"$S/curl.times"
}
curl_cold=$(curl_time "$S/curl-cold.sh")
curl_steady=$(curl_time "$S/curl-steady.sh")
curl_rss=$(cat "$S/curl.rss")

echo "   project: $n_svc services, $n containers; median of $ROUNDS"
printf '   first poll  (%3d requests)  forgetop %7.3f s   curl sequential %7.3f s   ratio %.2f\n' \
    $((2 * n + 2)) "$cold_s" "$curl_cold" "$(awk -v a="$cold_s" -v b="$curl_cold" 'BEGIN{print a/b}')"
printf '   steady poll (%3d requests)  forgetop %7.3f s   curl sequential %7.3f s   ratio %.2f\n' \
    $((n + 1)) "$steady_s" "$curl_steady" "$(awk -v a="$steady_s" -v b="$curl_steady" 'BEGIN{print a/b}')"
printf '   peak RSS: forgetop %d KiB, the largest single curl %d KiB, ratio %.2f\n' \
    "$ft_rss" "$curl_rss" "$(awk -v a="$ft_rss" -v b="$curl_rss" 'BEGIN{print a/b}')"
ft_s=$cold_s

if command -v docker >/dev/null 2>&1 && DOCKER_HOST="unix://$SOCK" timeout 10 docker version >/dev/null 2>&1; then
    : >"$S/docker.times"
    for _ in $(seq "$ROUNDS"); do
        read -r t rss < <(run_measured /dev/null env DOCKER_HOST="unix://$SOCK" bash -c \
            'docker ps -a --filter label=com.docker.compose.project=bench --format json >/dev/null &&
             docker stats --no-stream $(docker ps -q --filter label=com.docker.compose.project=bench) >/dev/null')
        echo "$t" >>"$S/docker.times"
    done
    d_s=$(median <"$S/docker.times")
    printf '   docker ps + docker stats --no-stream: %.3f s, peak RSS %d KiB\n' "$d_s" "$rss"
    awk -v a="$ft_s" -v b="$d_s" -v r1="$ft_rss" -v r2="$rss" \
        'BEGIN { printf "   ratio forgetop first poll / docker CLI: time %.2f, RSS %.2f\n", a / b, r1 / r2 }'
else
    echo "   (no docker CLI that reaches the fake: compared with curl only)"
fi
