#!/usr/bin/env bash
# hostile-http.sh - one HTTP fault proxy (tests/fakes/http_fault.py) in front of a real
# Prometheus, the health endpoint and the kube fake gives each source a huge answer (50 MiB
# of valid JSON, no Content-Length), a trickled one (a byte every 200 ms) and one of the
# wrong shape (a JSON list). For each: `--once --json` stays within the RSS budget, ends
# within the timeout, names what failed in words and keeps the other sources ok; the live
# dashboard marks the source failing within one interval plus the timeout (+ slack), the
# others stay fresh, and its RSS comes back to its baseline within two polls.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../fakes/kube_env.sh"
DIR=${HOSTILE_DIR:-$(scratch)}
FAULT="$ROOT/tests/fakes/http_fault.py"
# ASan's quarantine holds 256 MB of freed memory by default: a huge answer's freed buffers
# would then stay resident and measure ASan, not forgetop.
[ -n "${FORGETOP_ASAN:-}" ] && export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16"
INTERVAL=2 TIMEOUT=4 # connect_timeout 2 + request_timeout 2 (a TLS handshake with a python proxy on a loaded machine can take over 1 s)
SLACK=3
[ -n "${FORGETOP_ASAN:-}" ] && SLACK=5
# The budget is 64 MB; ASan's shadow and quarantine add their own.
limit=65536
[ -n "${FORGETOP_ASAN:-}" ] && limit=196608
# kube huge: a poll's lists are fetched at once, each cut at 16 MiB, but a batch holds
# about half a cap beside the first unfinished answer (http.c), so it keeps the same budget
kube_limit=65536
[ -n "${FORGETOP_ASAN:-}" ] && kube_limit=716800 # 520 MB seen live under ASan before (its quarantine)

PP=$(free_port)
printf 'global:\n  scrape_interval: 1s\nscrape_configs: []\n' >"$DIR/prometheus.yml"
prometheus --config.file="$DIR/prometheus.yml" --storage.tsdb.path="$DIR/tsdb" \
    --web.listen-address="127.0.0.1:$PP" >"$DIR/prometheus.log" 2>&1 &
on_exit "kill $!"
HP=$(free_port)
python3 "$ROOT/tests/fakes/http_fixture.py" --port "$HP" &
on_exit "kill $!"
kube_fake_start "$DIR" --state "$ROOT/tests/fixtures/kube-open-forge.json" || not_ok "the fake API server starts"
check "Prometheus starts" wait_for 30 curl -sfo /dev/null "http://127.0.0.1:$PP/-/ready"
check "the health endpoint answers" wait_for 10 curl -sfo /dev/null "http://127.0.0.1:$HP/health/ready"

# One proxy per source, each with its own mode file.
declare -A PORT
for s in prometheus health kube; do
    PORT[$s]=$(free_port)
    echo pass >"$DIR/$s.mode"
done
python3 "$FAULT" --port "${PORT[prometheus]}" --upstream "http://127.0.0.1:$PP" --mode-file "$DIR/prometheus.mode" &
on_exit "kill $!"
python3 "$FAULT" --port "${PORT[health]}" --upstream "http://127.0.0.1:$HP" --mode-file "$DIR/health.mode" &
on_exit "kill $!"
python3 "$FAULT" --port "${PORT[kube]}" --upstream "$KUBE_URL" --cafile "$KUBE_CA" \
    --cert "$DIR/server.crt" --key "$DIR/server.key" --mode-file "$DIR/kube.mode" &
on_exit "kill $!"
kube_write_config "$DIR/proxied.kubeconfig" "https://127.0.0.1:${PORT[kube]}" "$KUBE_CA" "$KUBE_TOKEN"
check "the proxies relay" wait_for 10 sh -c "curl -sf http://127.0.0.1:${PORT[prometheus]}/-/ready >/dev/null &&
    curl -sf http://127.0.0.1:${PORT[health]}/health/ready >/dev/null &&
    curl -sf --cacert '$KUBE_CA' -H 'Authorization: Bearer $KUBE_TOKEN' https://127.0.0.1:${PORT[kube]}/version >/dev/null"

cat >"$DIR/forgetop.conf" <<CONF
[forgetop]
connect_timeout = 2
request_timeout = 2
poll_interval = $INTERVAL
[kube]
watch = false
[health]
url = http://127.0.0.1:${PORT[health]}/health/ready
CONF
sed 's/^request_timeout = 2$/request_timeout = 10/' "$DIR/forgetop.conf" >"$DIR/huge.conf"
ARGS=(--kubeconfig "$DIR/proxied.kubeconfig"
    --prometheus "http://127.0.0.1:${PORT[prometheus]}")
export XDG_STATE_HOME="$DIR/state" XDG_CONFIG_HOME="$DIR/xdg"

# state JSON NAME : the source's state in a --json document
state() { json_get "$1" "[s['state'] for s in d['sources'] if s['name'] == '$2'][0]"; }
# health_err JSON : the health probe's failure text (its http_status fact), empty when ok
health_err() { json_get "$1" "[f.get('display') or '' for f in d['facts'] if f['source'] == 'health' and f['unit'] == 'http_status'][0]"; }
base_ok() {
    "$BIN" --config "$DIR/forgetop.conf" "${ARGS[@]}" --once --json >"$DIR/base.json" 2>"$DIR/base.err" &&
        [ "$(state "$DIR/base.json" prometheus) $(state "$DIR/base.json" kube)" = "ok ok" ]
}
check "through the proxies every source is ok" wait_for 20 base_ok

# ---- --once --json: per source and fault, what it cost ----
for s in prometheus kube health; do
    for f in huge trickle shape; do
        echo "$f" >"$DIR/$s.mode"
        # huge: a request timeout long enough that a python proxy on a loaded machine sends
        # past the cap before it, so the cap is what refuses it
        conf=$DIR/forgetop.conf tmo=$TIMEOUT
        [ "$f" = huge ] && conf=$DIR/huge.conf tmo=12
        read -r secs kib < <(run_measured "$DIR/$s-$f.json" "$BIN" --config "$conf" "${ARGS[@]}" --once --json)
        echo pass >"$DIR/$s.mode"
        if [ "$s" = health ]; then
            err=$(health_err "$DIR/$s-$f.json")
        else
            err=$(json_get "$DIR/$s-$f.json" "[s['error'] for s in d['sources'] if s['name'] == '$s'][0]")
        fi
        diag "$s $f: ${secs}s, peak RSS ${kib} KiB: $err"
        lim=$limit
        # kube: every list of a poll is fetched at once, each held to 16 MiB before it is
        # refused; the batch's budget keeps that near 1.5 caps (~145-170 MB seen before it)
        [ "$s $f" = "kube huge" ] && lim=$kube_limit
        check "$s $f: peak RSS within $((lim / 1024)) MB (${kib} KiB)" test "${kib:-999999}" -lt "$lim"
        check "$s $f: --once ends within the timeout + slack (${secs}s)" \
            awk -v s="$secs" -v d=$((tmo + SLACK)) 'BEGIN { exit !(s <= d) }'
        case $f in
        huge) want="larger than [0-9]+ MiB" ;;
        trickle) want="timed out after 2 s|no answer within [0-9]+ s" ;;
        shape) want="not a Prometheus API answer|not a JSON object|not a health document" ;;
        esac
        check "$s $f: the error says what failed in words" grep -qE "$want" <<<"$err"
        others="" want=""
        for o in prometheus kube; do
            [ "$o" != "$s" ] && others+="$(state "$DIR/$s-$f.json" "$o") " && want+="ok "
        done
        [ "$others" = "$want" ] || diag "$(json_get "$DIR/$s-$f.json" "d['sources']")"
        expect_eq "$s $f: the other sources stay ok" "$want" "$others"
    done
done

# ---- the live dashboard: failing within one interval plus the timeout, the rest fresh ----
SOCK="forgetop-hhttp-$$"
on_exit "tmux -L '$SOCK' kill-server 2>/dev/null"
TM() { tmux -L "$SOCK" -f /dev/null "$@"; }
TM new-session -d -s d -x 200 -y 50 \
    "exec env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color '$BIN' --config '$DIR/forgetop.conf' ${ARGS[*]} 2>'$DIR/live.err'"
PID=$(TM display -p -t d '#{pane_pid}')
screen() { TM capture-pane -p -t d; }
fresh() { screen | sed -n 2p | grep -qE "(^| )$1 ✓"; }
unfresh() { screen | sed -n 2p | grep -qE "(^| )$1 [~✗]"; }
shows() { screen | grep -qE -- "$1"; }
all_fresh() { fresh prometheus && fresh kube && fresh health && ! shows "timed out|larger than|not a health"; }
kib() { awk "/$1/ {print \$2}" "/proc/$PID/status"; }
check "live: every source is fresh through the proxies" wait_for 30 all_fresh
sleep "$INTERVAL"
base=$(kib VmRSS)
DEADLINE=$((INTERVAL + TIMEOUT + SLACK))
# Back to the baseline (the first polls' figure) within 8 MB, every case. After kube huge
# the dashboard kept 4-25 MB more for good, at random, until main.c fixed glibc's mmap
# threshold (a poller thread's arena top is never trimmed); now 0.3 MB.
rss_slack=8192
[ -n "${FORGETOP_ASAN:-}" ] && rss_slack=$((kube_limit - base)) # ASan's quarantine keeps what was freed
for s in prometheus kube health; do
    for f in trickle shape huge; do
        [ "$s $f" = "kube huge" ] && { hwm=$(kib VmHWM); diag "live: peak RSS before kube huge ${hwm} KiB"; \
            check "live: peak RSS over every other case within $((limit / 1024)) MB (${hwm} KiB)" test "$hwm" -lt "$limit"; }
        t0=$(date +%s.%N)
        echo "$f" >"$DIR/$s.mode"
        if [ "$s" = health ]; then
            case $f in trickle) w="timed out after 2 s" ;; shape) w="not a health document" ;; huge) w="larger than 1 MiB" ;; esac
            cond() { shows "$w"; }
        else
            cond() { unfresh "$s"; }
        fi
        if wait_for $((DEADLINE + 10)) cond; then
            took=$(echo "$(date +%s.%N) - $t0" | bc)
            diag "live $s $f: failing after ${took}s: $(screen | sed -n 2p | sed 's/  */ /g')"
            [ "$f" = trickle ] && [ "$s" != health ] && check "live $s trickle: the error says the answer timed out, not the connect" \
                wait_for 5 sh -c "tmux -L '$SOCK' capture-pane -p -t d | sed -n 2p | grep -qE '$s ~ [0-9]+s stale: [^·]*timed out after 2 s' && ! tmux -L '$SOCK' capture-pane -p -t d | sed -n 2p | grep -q 'connect to'"
            check "live $s $f: failing within $INTERVAL + $TIMEOUT + slack $SLACK s (${took}s)" \
                awk -v s="$took" -v d="$DEADLINE" 'BEGIN { exit !(s <= d) }'
        else
            not_ok "live $s $f: marked failing"
            screen | head -3 | sed 's/^/# /'
        fi
        for o in prometheus kube health; do
            [ "$o" != "$s" ] && { fresh "$o" || { not_ok "live $s $f: $o stays fresh"; continue 2; }; }
        done
        ok "live $s $f: the other sources stay fresh"
        echo pass >"$DIR/$s.mode"
        check "live $s $f: fresh again once the server answers well" wait_for $((DEADLINE + 10)) all_fresh
        sleep $((2 * INTERVAL))
        rss=$(kib VmRSS)
        diag "live $s $f: RSS two polls after ${rss} KiB (baseline ${base})"
        check "live $s $f: two polls after, RSS within $((rss_slack / 1024)) MB of its baseline (${rss} vs ${base} KiB)" \
            test "$rss" -lt $((base + rss_slack))
    done
done
hwm=$(kib VmHWM)
diag "live: baseline RSS ${base} KiB; peak ${hwm} KiB"
check "live: peak RSS over all cases within $((kube_limit / 1024)) MB (${hwm} KiB)" test "$hwm" -lt "$kube_limit"
check "live: nothing on stderr" test ! -s "$DIR/live.err"
finish
