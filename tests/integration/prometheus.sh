#!/usr/bin/env bash
# prometheus.sh - the prometheus source against a real Prometheus (Debian's) scraping a
# test exporter every second, with the runbook's alert rules loaded (short `for:`).
#
# The source runs in tests/integration/source_probe.c (built here against
# libforgetop.a), which prints each reading, alert and fact; the same queries sent with
# curl give the numbers it must show. Prometheus serves TLS and basic auth (web config).
source "$(dirname "$0")/../lib.sh"
cd "$ROOT" || exit 1
S=$(scratch)

PROBE=$(probe_path source_probe) || { not_ok "source_probe builds"; finish; }

rules_ok() { promtool check rules tests/fixtures/alerts.yml >/dev/null 2>&1; }
check "the test copy of the runbook's alert rules passes promtool" rules_ok

# TLS: a CA and a certificate for 127.0.0.1; basic auth: user forge, bcrypt hash.
test_ca "$S/ca.crt" "$S/ca.key" test-ca
test_cert "$S/srv.crt" "$S/srv.key" "$S/ca.crt" "$S/ca.key" 127.0.0.1 \
    "subjectAltName=IP:127.0.0.1,DNS:localhost"
printf 's3cret\n' >"$S/password"
hash=$(python3 -W ignore -c "import crypt; print(crypt.crypt('s3cret', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))")
cat >"$S/web.yml" <<WEB
tls_server_config:
  cert_file: $S/srv.crt
  key_file: $S/srv.key
basic_auth_users:
  forge: '$hash'
WEB

spec() { # spec JSON : what the exporter serves from now on
    echo "$1" >"$S/spec.tmp" && mv "$S/spec.tmp" "$S/spec.json"
}
spec '{"cpu_cores": 0.5, "mem_bytes": 780000000, "mem_limit": 1000000000, "queue": 500,
       "queues": {"agent_tasks_retry": 7}, "latency_s": 3, "rps": 20, "pg_active": 40,
       "pg_max": 200}'
EP=$(free_port)
python3 tests/fakes/exporter.py --port "$EP" --spec "$S/spec.json" >"$S/exporter.out" 2>&1 &
on_exit "kill $!"

PP=$(free_port)
cat >"$S/prometheus.yml" <<CONF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: ["$ROOT/tests/fixtures/alerts.yml"]
scrape_configs:
  - job_name: exporter
    static_configs: [{targets: ["127.0.0.1:$EP"]}]
CONF
# Thirty minutes of history before Prometheus starts (promtool backfill), as the
# exporter's own series: the queue at 200; memory at 60 %, then 78 % for the last 15
# minutes: over forgetop's warning (75 %, for 10m) but under HighMemory's 0.8. The range
# queries must bring it back, and forgetop's sustained state with it.
python3 - "$S/history.om" "$EP" <<'PY'
import sys, time
now, path, inst = int(time.time()), sys.argv[1], "127.0.0.1:" + sys.argv[2]
lab = 'instance="%s",job="exporter"' % inst
with open(path, "w") as f:
    f.write("# TYPE redis_queue_length gauge\n")
    for t in range(now - 1800, now - 2, 15):
        f.write('redis_queue_length{%s,queue="agent_tasks_pending"} 200 %d\n' % (lab, t))
    f.write("# TYPE container_memory_working_set_bytes gauge\n")
    for t in range(now - 1800, now - 2, 15):
        v = 780000000 if t >= now - 900 else 600000000
        f.write('container_memory_working_set_bytes{%s,container="api",pod="api-1"} %d %d\n' % (lab, v, t))
    f.write("# TYPE container_spec_memory_limit_bytes gauge\n")
    for t in range(now - 1800, now - 2, 15):
        f.write('container_spec_memory_limit_bytes{%s,container="api",pod="api-1"} 1000000000 %d\n' % (lab, t))
    f.write("# EOF\n")
PY
promtool tsdb create-blocks-from openmetrics "$S/history.om" "$S/tsdb" >"$S/backfill.log" 2>&1 ||
    diag "backfill: $(tail -2 "$S/backfill.log")"
start_prometheus() {
    prometheus --config.file="$S/prometheus.yml" --storage.tsdb.path="$S/tsdb" \
        --web.listen-address="127.0.0.1:$PP" --web.config.file="$S/web.yml" \
        >>"$S/prometheus.log" 2>&1 &
    PROM_PID=$!
    on_exit "kill -CONT $PROM_PID; kill $PROM_PID"
}
start_prometheus
URL=https://127.0.0.1:$PP
CURL=(curl -sf --cacert "$S/ca.crt" -u forge:s3cret)
check "Prometheus starts with TLS and basic auth" wait_for 20 "${CURL[@]}" "$URL/-/ready"

Q_CPU='avg(rate(container_cpu_usage_seconds_total{container="api"}[5m]))'
Q_MEM='container_memory_working_set_bytes{container="api"} / container_spec_memory_limit_bytes'
Q_P99='histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))'
Q_QUEUE='redis_queue_length{queue="agent_tasks_pending"}'
Q_DB='sum(pg_stat_activity_count) / max(pg_settings_max_connections)'
# No --metric: the probe runs the built-in metrics (config_defaults), the runbook's queries.
RUNBOOK=()
AUTH=(--url "$URL" --ca "$S/ca.crt" --user forge --password-file "$S/password" --timeout 2)
probe() { "$PROBE" prometheus "${AUTH[@]}" "$@" 2>&1; }
# value QUERY [TIME] : what Prometheus answers (at TIME), straight from its API
value() {
    "${CURL[@]}" --data-urlencode "query=$1" ${2:+--data-urlencode "time=$2"} "$URL/api/v1/query" |
        python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "none")'
}
# near WANT GOT : within 3 % (a rate moves a little between two queries)
near() { awk -v w="$1" -v g="$2" 'BEGIN { d = w - g; if (d < 0) d = -d; exit !(w != 0 && d / w < 0.03) }'; }
reading() { sed -n "s/^1 reading $1 [^ ]* \([^ ]*\) .*/\1/p" <<<"$2"; }

# The rate needs two scrapes; the alert needs an evaluation after that.
wait_for 20 bash -c "[ \"\$(${CURL[*]} --data-urlencode 'query=$Q_CPU' $URL/api/v1/query | grep -c '\"value\"')\" = 1 ]" ||
    diag "cpu rate not ready in time"
out=$(probe "${RUNBOOK[@]}")
diag "$(grep reading <<<"$out" | tr '\n' ';')"
at() { sed -n "s/^1 time $1 //p" <<<"$2"; }
want=$(value "$Q_CPU" "$(at cpu "$out")"); got=$(reading cpu "$out")
check "cpu is Prometheus's rate x 100 ($want cores -> $got %)" near "$(awk -v w="$want" 'BEGIN{print w*100}')" "$got"
expect_eq "memory is the working set over the limit, in % (780 MB / 1 GB)" 78 "$(reading memory "$out")"
want=$(value "$Q_P99" "$(at latency_p99 "$out")"); got=$(reading latency_p99 "$out")
check "p99 latency is Prometheus's histogram_quantile in ms ($want s -> $got ms)" \
    near "$(awk -v w="$want" 'BEGIN{print w*1000}')" "$got"
expect_eq "queue depth is the gauge as is (500)" "$(value "$Q_QUEUE" "$(at queue_depth "$out")")" "$(reading queue_depth "$out")"
expect_eq "db connections is sum(active) / max_connections in % (40 / 200)" 20 "$(reading db_connections "$out")"
expect_eq "queue depth is for the agent-worker service" "agent-worker" \
    "$(sed -n 's/^1 reading queue_depth \([^ ]*\) .*/\1/p' <<<"$out")"
points=$(sed -n 's/^1 points //p' <<<"$out")
check "the first poll backfills 30 minutes from range queries ($points points)" test "${points:-0}" -ge 200

spec '{"cpu_cores": 0.5, "mem_bytes": 780000000, "mem_limit": 1000000000, "queue": 1500,
       "queues": {"agent_tasks_retry": 7}, "latency_s": 3, "rps": 20, "pg_active": 40,
       "pg_max": 200}'
alerts() { "${CURL[@]}" "$URL/api/v1/alerts" | python3 -c 'import json,sys
for a in json.load(sys.stdin)["data"]["alerts"]: print(a["labels"]["alertname"], a["state"])' | sort; }
check "HighQueueDepth goes pending in forgetop" \
    wait_for 15 bash -c "'$PROBE' prometheus ${AUTH[*]} | grep -q 'alert HighQueueDepth pending'"
check "HighQueueDepth then fires in forgetop" \
    wait_for 15 bash -c "'$PROBE' prometheus ${AUTH[*]} | grep -q 'alert HighQueueDepth firing'"
check "HighAPILatency fires in forgetop" \
    wait_for 15 bash -c "'$PROBE' prometheus ${AUTH[*]} | grep -q 'alert HighAPILatency firing'"
out=$(probe); want=$(alerts)
expect_eq "forgetop shows the alerts and states Prometheus shows" "$want" \
    "$(sed -n 's/^1 alert \([^ ]*\) \([^ ]*\) .*/\1 \2/p' <<<"$out" | sort)"
line=$(grep 'alert HighQueueDepth' <<<"$out")
check "an alert carries severity, labels and summary" \
    grep -q 'firing warning active=[0-9]\{10\} labels=.*queue=agent_tasks_pending.* summary=Task queue backing up' <<<"$line"
active=$(sed -n 's/.*active=\([0-9]*\).*/\1/p' <<<"$line")
check "activeAt is parsed to a recent unix time ($active)" \
    test $(($(date +%s) - ${active:-0})) -lt 120 -a "${active:-0}" -le "$(date +%s)"
check "a fact counts firing alerts" grep -q "fact alerts/firing warning 2" <<<"$out"

# forgetop itself: --once --json with the config file naming this Prometheus.
[ -x "$BIN" ] || make -s BUILD="$BUILD" >/dev/null
cat >"$S/forgetop.conf" <<CONF
[prometheus]
url = $URL
ca = $S/ca.crt
user = forge
password_file = $S/password
CONF
"$BIN" --config "$S/forgetop.conf" --once --json >"$S/once.json" 2>"$S/once.err"
expect_eq "forgetop --once --json reads Prometheus" ok \
    "$(json_get "$S/once.json" '[s["state"] for s in d["sources"] if s["name"] == "prometheus"][0]')"
m() { json_get "$S/once.json" "[m for m in d['metrics'] if m['id'] == '$1'][0]$2"; }
expect_eq "--once --json: queue depth as Prometheus has it" "1500 prometheus" "$(m queue_depth "['value']") $(m queue_depth "['from']")"
expect_eq "--once --json: memory %, latency ms, db connections %" "78 4975 20" \
    "$(m memory "['value']") $(m latency_p99 "['value']") $(m db_connections "['value']")"
want=$(value "$Q_CPU" "$(m cpu "['t']")"); got=$(m cpu "['value']")
check "--once --json: cpu is Prometheus's rate x 100 ($want -> $got)" near "$(awk -v w="$want" 'BEGIN{print w*100}')" "$got"
samples=$(m memory "['samples']")
check "--once --json: the backfill is in the history from the first frame ($samples samples)" test "${samples:-0}" -ge 100
expect_eq "--once --json: 15 min of memory over 75 % is sustained firing (for: 10m)" "warning firing" \
    "$(m memory "['band']") $(m memory "['sustained']")"
# The rule watching the queue (HighQueueDepth, for: 4s here) is served by Prometheus: its
# state and activeAt are forgetop's, not a timer of forgetop's own that a restart resets.
expect_eq "--once --json: the queue's sustained state is Prometheus's HighQueueDepth (firing)" \
    "warning firing" "$(m queue_depth "['band']") $(m queue_depth "['sustained']")"
qa=$(json_get "$S/once.json" '[a["active_at"] for a in d["alerts"] if a["name"] == "HighQueueDepth"][0]')
qf=$(m queue_depth "['for_s']"); gen=$(json_get "$S/once.json" 'd["generated_at"]')
check "--once --json: for_s counts from the alert's activeAt ($qf s, since $qa)" \
    awk -v g="$gen" -v a="$qa" -v f="$qf" 'BEGIN { d = g - a - f; exit !(a > 0 && d > -2 && d < 2) }'
expect_eq "--once --json: the alerts and states Prometheus has" "$(alerts | paste -sd,)" \
    "$(json_get "$S/once.json" '",".join(sorted(a["name"] + " " + a["state"] for a in d["alerts"] if a["source"] == "prometheus"))')"
expect_eq "--once --json: forgetop's own firing memory is in the alerts too, as the A screen lists it" \
    "memory firing warning service=$(m memory "['service']")" \
    "$(json_get "$S/once.json" '" ".join(str(x) for a in d["alerts"] if a["source"] == "forgetop" and a["metric"] == "memory" for x in (a["metric"], a["state"], a["severity"], a["labels"]))')"

# --check against the same Prometheus: its figures in the perf data; and every query
# answered with an empty result is UNKNOWN (3), not "OK - 0 ok, 5 no data".
"$BIN" --config "$S/forgetop.conf" --check >"$S/check.out" 2>&1
rc=$?
check "--check: the queue depth Prometheus has is in the perf data (exit $rc)" \
    grep -qE '^FORGETOP [A-Z]+ - .* \| .*queue_depth=1500;1000;5000( |$)' "$S/check.out"
expect_eq "--check: memory over 75 % is a warning line" 1 "$(grep -c '^WARNING memory ' "$S/check.out")"
cp "$S/forgetop.conf" "$S/empty.conf"
for id in cpu memory latency_p99 queue_depth db_connections; do
    printf '[metric %s]\nquery = forgetop_no_such_series{job="exporter"}\n' "$id" >>"$S/empty.conf"
done
"$BIN" --config "$S/empty.conf" --check >"$S/check.out" 2>&1
expect_eq "--check: Prometheus answering empty results exits 3 UNKNOWN" 3 $?
check "--check: the summary says no metric has data" \
    grep -q '^FORGETOP UNKNOWN - 0 critical, 0 warning, 0 ok, 5 no data; no metric has data | cpu=U;70;85' "$S/check.out"
expect_eq "--check: each metric says why: an empty result" 5 "$(grep -c '^UNKNOWN .*: no data: empty result$' "$S/check.out")"

# Results of other shapes, and values that are not numbers.
out=$(probe --metric "m=api=scalar($Q_QUEUE)" --metric "mx=api=${Q_QUEUE}[5s]" \
    --metric "e=api=redis_queue_length{queue=\"none\"}" --metric "n=api=vector(0)/0" \
    --metric "i=api=vector(1)/0" --metric "j=api=vector(-1)/0" --metric "s=api=redis_queue_length")
expect_eq "a scalar result is read" "1500 note=" "$(sed -n 's/^1 reading m api //p' <<<"$out")"
expect_eq "a matrix result gives its last point" "1500 note=" "$(sed -n 's/^1 reading mx api //p' <<<"$out")"
expect_eq "an empty result is no data, not 0" "nan note=empty result" "$(sed -n 's/^1 reading e api //p' <<<"$out")"
expect_eq "NaN is no data, and says so" "nan note=NaN from Prometheus" "$(sed -n 's/^1 reading n api //p' <<<"$out")"
expect_eq "+Inf is kept and noted" "inf note=+Inf from Prometheus" "$(sed -n 's/^1 reading i api //p' <<<"$out")"
expect_eq "-Inf is kept and noted" "-inf note=-Inf from Prometheus" "$(sed -n 's/^1 reading j api //p' <<<"$out")"
check "several series: the first, with a note" grep -q "^1 reading s api [0-9]* note=2 series, showing the first" <<<"$out"

# A query Prometheus refuses: its own message, on that metric only.
out=$(probe --metric "cpu=api=rate(container_cpu_usage_seconds_total[5m" --metric "queue_depth=agent-worker=$Q_QUEUE")
check "a PromQL syntax error is shown with Prometheus's message" \
    grep -q '^1 notice prometheus: bad_data: .*parse error.* (query for cpu)' <<<"$out"
check "the refused query's metric is no data with the reason" grep -q '^1 reading cpu api nan note=bad_data: ' <<<"$out"
check "the other metrics still read" grep -q '^1 reading queue_depth agent-worker 1500 note=$' <<<"$out"

# Who may ask.
check "a wrong CA is refused" grep -q "error prometheus: POST $URL/api/v1/query_range: TLS: certificate verify failed" \
    <<<"$("$PROBE" prometheus --url "$URL" --user forge --password-file "$S/password")"
echo wrong >"$S/wrong"
check "a wrong password is Prometheus's 401" grep -q "error prometheus: POST $URL/api/v1/query_range: HTTP 401 Unauthorized" \
    <<<"$("$PROBE" prometheus --url "$URL" --ca "$S/ca.crt" --user forge --password-file "$S/wrong")"

# Faults: hung, stopped, sick.
kill -STOP "$PROM_PID"
t0=$(date +%s.%N)
out=$(probe --timeout 1 "${RUNBOOK[@]}")
took=$(echo "$(date +%s.%N) - $t0" | bc)
kill -CONT "$PROM_PID"
check "a hung Prometheus fails the poll with the timeout" grep -q "^1 error prometheus: POST $URL/api/v1/query_range: .*timed out after 1 s" <<<"$out"
check "a hung Prometheus costs one timeout, not one per query (${took} s)" awk -v s="$took" 'BEGIN { exit !(s < 2) }'
kill "$PROM_PID"; wait "$PROM_PID" 2>/dev/null
check "a stopped Prometheus fails the poll: connection refused" \
    grep -q "^1 error prometheus: POST $URL/api/v1/query_range: connect to 127.0.0.1:$PP: Connection refused" <<<"$(probe "${RUNBOOK[@]}")"
"$BIN" --config "$S/forgetop.conf" --once --json >"$S/down.json" 2>/dev/null
check "--once --json: a stopped Prometheus is a failing source with the reason" \
    grep -q "Connection refused" <<<"$(json_get "$S/down.json" '[s["state"] + " " + str(s["error"]) for s in d["sources"] if s["name"] == "prometheus"][0]')"
BP=$(free_port)
python3 tests/fakes/exporter.py --port "$BP" --broken 500 >"$S/broken.out" 2>&1 &
on_exit "kill $!"
GP=$(free_port)
python3 tests/fakes/exporter.py --port "$GP" --broken garbage >"$S/garbage.out" 2>&1 &
on_exit "kill $!"
wait_for 10 grep -q ready "$S/broken.out"; wait_for 10 grep -q ready "$S/garbage.out"
check "HTTP 500 fails the poll with the status and the body" \
    grep -q "^1 error prometheus: POST http://127.0.0.1:$BP/api/v1/query_range: HTTP 500 Internal Server Error: internal error: database is locked" \
    <<<"$("$PROBE" prometheus --url http://127.0.0.1:$BP "${RUNBOOK[@]}")"
check "garbage fails the poll, saying what came instead" \
    grep -q "^1 error prometheus: http://127.0.0.1:$GP/api/v1/query_range: not a Prometheus API answer (text/html): <html>" \
    <<<"$("$PROBE" prometheus --url http://127.0.0.1:$GP "${RUNBOOK[@]}")"

TP=$(free_port)
python3 tests/fakes/exporter.py --port "$TP" --bearer t0k3n >"$S/bearer.out" 2>&1 &
on_exit "kill $!"
wait_for 10 grep -q ready "$S/bearer.out"
echo t0k3n >"$S/token"
out=$("$PROBE" prometheus --url http://127.0.0.1:$TP --token-file "$S/token" --polls 2 --every 1 \
    --metric "queue_depth=agent-worker=x" & sleep 0.5; echo wrong >"$S/token"; wait)
check "the bearer token from token_file is sent" grep -q '^1 reading queue_depth agent-worker 42 ' <<<"$out"
check "the token file is read again each poll (rotated tokens)" \
    grep -q "^2 error prometheus: POST http://127.0.0.1:$TP/api/v1/query: HTTP 401 Unauthorized" <<<"$out"
check "a missing token file fails the poll, naming it" grep -q "^1 error prometheus: $S/none: No such file" \
    <<<"$("$PROBE" prometheus --url http://127.0.0.1:$TP --token-file "$S/none")"

# A poll whose backfill went through but whose instant query then failed is thrown away
# whole: the next good poll must backfill again, or the history starts empty.
FP=$(free_port)
python3 tests/fakes/exporter.py --port "$FP" --bearer t0k3n --flaky 1 >"$S/flaky.out" 2>&1 &
on_exit "kill $!"
wait_for 10 grep -q ready "$S/flaky.out"
echo t0k3n >"$S/flaky-token"
out=$("$PROBE" prometheus --url http://127.0.0.1:$FP --token-file "$S/flaky-token" --polls 2 \
    --every 0.2 --metric "queue_depth=agent-worker=x")
check "the first poll fails on the instant query" grep -q "^1 error prometheus: POST .*/api/v1/query: HTTP 503" <<<"$out"
check "the next good poll still carries the 30-minute backfill" grep -q "^2 points 3$" <<<"$out"

finish
