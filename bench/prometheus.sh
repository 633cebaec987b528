#!/usr/bin/env bash
# prometheus.sh - what one prometheus poll costs (five instant queries and the alerts,
# over one reused connection) against curl sending the same six requests, in the same
# run, against a real Prometheus scraping the test exporter. Figures only.
source "$(dirname "$0")/../tests/lib.sh"
cd "$ROOT" || exit 1
S=$(scratch)
N=${BENCH_POLLS:-100}

PROBE=$(probe_path source_probe) || { echo "source_probe does not build"; exit 1; }

EP=$(free_port) PP=$(free_port)
echo '{"queue": 1500, "latency_s": 3}' >"$S/spec.json"
python3 tests/fakes/exporter.py --port "$EP" --spec "$S/spec.json" >/dev/null 2>&1 &
on_exit "kill $!"
cat >"$S/prometheus.yml" <<CONF
global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: ["$ROOT/tests/fixtures/alerts.yml"]
scrape_configs: [{job_name: exporter, static_configs: [{targets: ["127.0.0.1:$EP"]}]}]
CONF
prometheus --config.file="$S/prometheus.yml" --storage.tsdb.path="$S/tsdb" \
    --web.listen-address="127.0.0.1:$PP" >"$S/prometheus.log" 2>&1 &
on_exit "kill $!"
URL=http://127.0.0.1:$PP
has_data() { curl -sf --data-urlencode 'query=redis_queue_length' "$URL/api/v1/query" | grep -q '"value"'; }
wait_for 30 has_data || { echo "   prometheus has no data: $(tail -3 "$S/prometheus.log")"; exit 1; }
sleep 2 # two scrapes more, so the rates answer too

Q=('avg(rate(container_cpu_usage_seconds_total{container="api"}[5m]))'
    'container_memory_working_set_bytes{container="api"} / container_spec_memory_limit_bytes'
    'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))'
    'redis_queue_length{queue="agent_tasks_pending"}'
    'sum(pg_stat_activity_count) / max(pg_settings_max_connections)')
IDS=(cpu memory latency_p99 queue_depth db_connections)
args=()
for i in "${!Q[@]}"; do args+=(--metric "${IDS[$i]}=api=${Q[$i]}"); done

# forgetop: N polls in one process; poll 1 also backfills 30 minutes (range queries).
"$PROBE" prometheus --url "$URL" --polls $((N + 1)) --every 0 "${args[@]}" >"$S/ft.out"
first=$(sed -n 's/^1 took \([0-9.]*\) ms/\1/p' "$S/ft.out")
ft=$(awk '/^[0-9]+ took/ && $1 > 1 { s += $3; n++ } END { printf "%.3f", s / n }' "$S/ft.out")

# curl: the same six requests per poll in one process (its connection reused too).
curl_args=()
for q in "${Q[@]}"; do
    curl_args+=(-o /dev/null --data-urlencode "query=$q" "$URL/api/v1/query" --next)
done
curl_args+=(-o /dev/null "$URL/api/v1/alerts")
t0=$(date +%s%N)
for ((i = 0; i < N; i++)); do curl -s "${curl_args[@]}"; done
cu=$(awk -v a="$t0" -v b="$(date +%s%N)" -v n="$N" 'BEGIN { printf "%.3f", (b - a) / 1e6 / n }')

echo "   (forgetop read: $(sed -n 's/^1 reading \([^ ]*\) [^ ]* \([^ ]*\) .*/\1=\2/p' "$S/ft.out" | paste -sd' '))"
echo "   prometheus poll (5 queries + alerts), $N polls:"
echo "     forgetop          $ft ms per poll (first poll with 30 min backfill: $first ms)"
echo "     curl, same reqs   $cu ms per poll (a process per poll)"
awk -v f="$ft" -v c="$cu" 'BEGIN { printf "     ratio             forgetop / curl = %.2f\n", f / c }'
