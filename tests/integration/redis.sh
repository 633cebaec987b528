#!/usr/bin/env bash
# redis.sh - the redis source against real redis-server on loopback: a queue as a list, a
# stream with a consumer group and a sorted set; an ACL user and a wrong password; a
# three-node cluster; Sentinel following a failover; a server killed, restarted and hung.
#
# The source is driven by bench/dataprobe.c (many polls in a row, one snapshot per poll,
# printed as `poll`, `context`, `reading` and `fact` lines).
source "$(dirname "$0")/../lib.sh"

DIR=$(scratch)
PROBE=$(probe_path dataprobe) || { not_ok "build dataprobe"; finish; }

# rstart PORT ARGS... : a redis-server on loopback, its pid in $DIR/PORT.pid, killed at exit.
rstart() {
    local port=$1 pid
    shift
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$DIR" \
        --dbfilename "dump-$port.rdb" "$@" >"$DIR/redis-$port.log" 2>&1 &
    pid=$!
    echo "$pid" >"$DIR/$port.pid"
    on_exit "kill -CONT $pid; kill -9 $pid"
}
rcli() { local port=$1; shift; redis-cli -h 127.0.0.1 -p "$port" "$@"; }
up() { [ "$(rcli "$1" ping 2>/dev/null)" = PONG ]; }
# last FILE LABEL : "value|band" of the last fact with that label
last() { grep -F "|$2|" "$1" | grep '^fact ' | tail -1 | cut -d'|' -f3-; }
polls() { grep -c "^poll .* $2" "$1"; }

P=$(free_port); PA=$(free_port)
C1=$(free_port); C2=$(free_port); C3=$(free_port)
SM=$(free_port); SR=$(free_port); SS=$(free_port)

# Everything starts at once; the cases below wait for what they need.
rstart "$P" --unixsocket "$DIR/redis.sock" --unixsocketperm 700
for c in $C1 $C2 $C3; do
    rstart "$c" --cluster-enabled yes --cluster-config-file "$DIR/nodes-$c.conf" \
        --cluster-node-timeout 2000 --cluster-port "$(free_port)"
done
rstart "$SM"
rstart "$SR" --replicaof 127.0.0.1 "$SM"
cat >"$DIR/sentinel.conf" <<EOF
bind 127.0.0.1
port $SS
dir $DIR
sentinel monitor mymaster 127.0.0.1 $SM 1
sentinel down-after-milliseconds mymaster 1000
sentinel failover-timeout mymaster 4000
EOF
redis-server "$DIR/sentinel.conf" --sentinel >"$DIR/sentinel.log" 2>&1 &
spid=$!
on_exit "kill -9 $spid"
for p in $P $C1 $C2 $C3 $SM $SR $SS; do
    wait_for 10 up "$p" || not_ok "redis on port $p did not start"
done
rcli "$C1" --cluster create "127.0.0.1:$C1" "127.0.0.1:$C2" "127.0.0.1:$C3" \
    --cluster-replicas 0 --cluster-yes >"$DIR/cluster-create.log" 2>&1 &
cpid=$!

# ---- queues by type, on a plain server ----
{
    rcli "$P" eval "for i=1,1200 do redis.call('rpush', KEYS[1], i) end" 1 agent:tasks:pending
    rcli "$P" xadd events '*' task 1
    rcli "$P" xgroup create events workers 0
    for i in 1 2 3 4; do rcli "$P" xadd events '*' task "$i"; done
    rcli "$P" xreadgroup group workers w1 count 2 streams events '>'
    rcli "$P" zadd delayed 1 a 2 b 3 c
    rcli "$P" hset notaqueue a b
    rcli "$P" -n 3 rpush other x y
} >/dev/null
"$PROBE" redis "redis://127.0.0.1:$P" --queue agent:tasks:pending --queue events --queue delayed \
    --queue notaqueue --queue missing --polls 2 --interval 0.2 >"$DIR/types.out" 2>&1
expect_eq "two polls of a plain server succeed" 2 "$(polls "$DIR/types.out" ok)"
expect_eq "a list is read by LLEN, over 1000 is the warning band (core's queue_depth rule)" \
    "1200 (list)|warning" "$(last "$DIR/types.out" agent:tasks:pending)"
check "queue_depth reading for agent-worker is the first queue's depth" \
    grep -q '^reading queue_depth agent-worker 1200 ' "$DIR/types.out"
expect_eq "a stream is read by XLEN" "5 (stream)" "$(last "$DIR/types.out" events | cut -d'|' -f1)"
expect_eq "a stream's consumer group has its pending and lag" "2|ok 3|ok" \
    "$(last "$DIR/types.out" '  group workers pending') $(last "$DIR/types.out" '  group workers lag')"
expect_eq "a sorted set is read by ZCARD" "3 (zset)" "$(last "$DIR/types.out" delayed | cut -d'|' -f1)"
check "a hash is named as not a queue, with no number" \
    grep -q 'notaqueue|type hash: not a queue (list, stream or sorted set)|unknown' "$DIR/types.out"
check "a missing key is an empty queue" grep -q '|missing|0 (none)|ok' "$DIR/types.out"
check "the redis panel has memory, evictions, clients, ops and role" \
    bash -c "grep -q '|memory|' $DIR/types.out && grep -q '|evictions|0/s|ok' $DIR/types.out \
        && grep -q '|clients|' $DIR/types.out && grep -q '|ops|' $DIR/types.out \
        && grep -q '|role|master|ok' $DIR/types.out && grep -q '|replicas|0|ok' $DIR/types.out"
check "the first poll has no eviction rate yet: no data, not 0" \
    grep -q '|evictions|first poll|unknown' "$DIR/types.out"
expect_eq "the steady poll is one round trip" 1 \
    "$(grep '^poll 2 ok' "$DIR/types.out" | sed 's/.*rt=//')"

# the same through the program itself, as scripts read it
printf '[forgetop]\nconnect_timeout = 1\nrequest_timeout = 1\n[redis]\nqueues = agent:tasks:pending, events\n' \
    >"$DIR/forgetop.conf"
once() { timeout 20 "$BIN" --config "$DIR/forgetop.conf" --once --json "$@"; }
once --redis "redis://127.0.0.1:$P" >"$DIR/once.json" 2>"$DIR/once.err"
expect_eq "--once --json: the redis source is ok" "ok" \
    "$(json_get "$DIR/once.json" "[s['state'] for s in d['sources'] if s['name'] == 'redis'][0]")"
expect_eq "--once --json: queue_depth for agent-worker in the warning band" "1200.0 warning" \
    "$(json_get "$DIR/once.json" "' '.join(str(float(m['value'])) + ' ' + m['band'] for m in d['metrics'] if m['id'] == 'queue_depth')")"
expect_eq "--once --json: the queue panel lists the configured keys" "agent:tasks:pending events" \
    "$(json_get "$DIR/once.json" "' '.join(f['label'] for f in d['facts'] if f['panel'] == 'queue' and not f['label'].startswith(' '))")"

# growth and drain: core's, from the history the world keeps of queue_depth
"$PROBE" redis "redis://127.0.0.1:$P" --polls 3 --interval 1 >"$DIR/grow.out" 2>&1 &
gp=$!
sleep 0.5; rcli "$P" eval "for i=1,300 do redis.call('rpush', KEYS[1], i) end" 1 agent:tasks:pending >/dev/null
sleep 1; rcli "$P" eval "for i=1,300 do redis.call('rpush', KEYS[1], i) end" 1 agent:tasks:pending >/dev/null
wait "$gp"
check "a growing queue shows items per minute and is not draining" \
    bash -c "grep -q '|agent:tasks:pending|1800 (list)|warning' $DIR/grow.out \
        && grep -Eq '\|  growth\|\+[0-9.]+/min\|warning' $DIR/grow.out \
        && grep -q '|  time to drain|not draining|ok' $DIR/grow.out"
"$PROBE" redis "redis://127.0.0.1:$P" --polls 3 --interval 1 >"$DIR/drain.out" 2>&1 &
gp=$!
sleep 0.5; rcli "$P" ltrim agent:tasks:pending 0 899 >/dev/null
wait "$gp"
check "a shrinking queue shows a negative rate and a time to drain" \
    bash -c "grep -q '|agent:tasks:pending|900 (list)|ok' $DIR/drain.out \
        && grep -Eq '\|  growth\|-[0-9.]+/min\|ok' $DIR/drain.out \
        && grep -Eq '\|  time to drain\|[0-9.]+ ?(ms|s|m[0-9]+s)\|ok' $DIR/drain.out"

# database index and unix socket
"$PROBE" redis "redis://127.0.0.1:$P/3" --queue other >"$DIR/db.out" 2>&1
expect_eq "the /db in the URL selects the database" "2 (list)|ok" "$(last "$DIR/db.out" other)"
"$PROBE" redis "unix://$DIR/redis.sock" --queue delayed >"$DIR/unix.out" 2>&1
check "a unix socket URL connects" grep -q '|delayed|3 (zset)' "$DIR/unix.out"

# ACL user and a wrong password
rcli "$P" acl setuser worker on '>s3cret' '~*' '+@all' >/dev/null
"$PROBE" redis "redis://worker:s3cret@127.0.0.1:$P" >"$DIR/acl.out" 2>&1
check "an ACL user with its password reads the queue" grep -q '^reading queue_depth agent-worker 900 ' "$DIR/acl.out"
"$PROBE" redis "redis://worker:wrong@127.0.0.1:$P" >"$DIR/wrongpass.out" 2>&1
check "a wrong password is said in words" \
    grep -q "error .*: redis 127.0.0.1:$P: AUTH: WRONGPASS invalid username-password pair" "$DIR/wrongpass.out"
NOPE=$(free_port)
"$PROBE" redis "redis://127.0.0.1:$NOPE" >"$DIR/refused.out" 2>&1
check "nothing listening is 'connection refused'" \
    grep -q "error .*: redis 127.0.0.1:$NOPE: connection refused" "$DIR/refused.out"

# ---- a server killed mid-run, restarted; then hung ----
"$PROBE" redis "redis://127.0.0.1:$P" --polls 7 --interval 1 --timeout 1 >"$DIR/kill.out" 2>&1 &
kp=$!
wait_for 5 grep -q '^poll 1 ok' "$DIR/kill.out"
kill -9 "$(cat "$DIR/$P.pid")"
sleep 2.2
rstart "$P"
wait_for 5 up "$P"
wait "$kp"
check "a killed server is reported within one interval" grep -Eq \
    "^poll 2 error .*: redis 127.0.0.1:$P: (connection closed by the server|connection refused)" \
    "$DIR/kill.out"
check "while it is down the reason is 'connection refused'" \
    grep -q "^poll 3 error .*: redis 127.0.0.1:$P: connection refused" "$DIR/kill.out"
check "the restarted server is read again" grep -q '^poll 7 ok' "$DIR/kill.out"

"$PROBE" redis "redis://127.0.0.1:$P" --polls 5 --interval 1 --timeout 1 >"$DIR/hang.out" 2>&1 &
kp=$!
wait_for 5 grep -q '^poll 1 ok' "$DIR/hang.out"
kill -STOP "$(cat "$DIR/$P.pid")"
t0=$(date +%s.%N)
once --redis "redis://127.0.0.1:$P" >"$DIR/once-hung.json" 2>/dev/null
t1=$(date +%s.%N)
sleep 1.3 # the probe's own poll must meet the hung server for a whole timeout
kill -CONT "$(cat "$DIR/$P.pid")"
wait "$kp"
expect_eq "--once --json: a hung redis is failing with the timeout in words" \
    "failing redis 127.0.0.1:$P: INFO: timed out after 1 s" \
    "$(json_get "$DIR/once-hung.json" "' '.join(str(s['state']) + ' ' + str(s['error']) for s in d['sources'])")"
check "--once against a hung redis returns within its timeouts" \
    awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 4) }'

check "a hung server is a timeout after 1 s, not a hang" \
    grep -Eq "^poll [2-4] error 1[0-9]{3} ms: redis 127.0.0.1:$P: .*timed out after 1 s" "$DIR/hang.out"
check "a server that wakes up is read again" grep -q '^poll 5 ok' "$DIR/hang.out"

# ---- cluster ----
wait "$cpid" || diag "$(cat "$DIR/cluster-create.log")"
wait_for 15 bash -c "redis-cli -p $C1 cluster info | grep -q cluster_state:ok"
rcli "$C1" -c rpush agent:tasks:pending a b c >/dev/null
rcli "$C1" -c rpush "{other}:q" a >/dev/null
"$PROBE" redis "redis://127.0.0.1:$C1" --queue agent:tasks:pending --queue '{other}:q' \
    --polls 2 --interval 0.2 >"$DIR/cluster.out" 2>&1
check "cluster mode is detected and its state is ok" \
    bash -c "grep -q '|cluster|ok|ok' $DIR/cluster.out \
        && grep -q '|slots ok|16384 / 16384 (100%)|ok' $DIR/cluster.out \
        && grep -q '|nodes|3|ok' $DIR/cluster.out"
expect_eq "every node's memory is read" 3 \
    "$(grep '^poll 2 ok' -A100 "$DIR/cluster.out" | grep -c '|  node 127.0.0.1:[0-9]*|[0-9.]* [KM]iB (master [0-9-]*)|ok')"
check "a key on any node is read from the node that owns its slot" \
    bash -c "grep -q '|agent:tasks:pending|3 (list)' $DIR/cluster.out && grep -q '|{other}:q|1 (list)' $DIR/cluster.out"

kill -9 "$(cat "$DIR/$C3.pid")"
"$PROBE" redis "redis://127.0.0.1:$C1" >"$DIR/cluster-down.out" 2>&1
check "a dead cluster node is named, with the reason, while the others are still read" \
    bash -c "grep -q '^poll 1 ok' $DIR/cluster-down.out \
        && grep -q '|  node 127.0.0.1:$C3 state|unreachable: redis 127.0.0.1:$C3: connection refused|critical' $DIR/cluster-down.out \
        && grep -q '|  node 127.0.0.1:$C1|[0-9.]* [KM]iB (master [0-9-]*)' $DIR/cluster-down.out"

# ---- sentinel: kill the master, follow the new one ----
wait_for 15 bash -c "redis-cli -p $SS sentinel replicas mymaster | grep -q $SR" ||
    diag "sentinel did not see the replica"
wait_for 10 bash -c "redis-cli -p $SR info replication | grep -q master_link_status:up"
rcli "$SM" rpush agent:tasks:pending 1 2 3 4 >/dev/null
"$PROBE" redis "redis://127.0.0.1:1" --sentinel mymaster "127.0.0.1:$SS" --polls 14 --interval 1 \
    --timeout 1 --connect-timeout 1 >"$DIR/sentinel.out" 2>&1 &
sp=$!
wait_for 5 grep -q '^poll 1 ok' "$DIR/sentinel.out"
check "through the sentinel forgetop reads the master" grep -q "^context redis 127.0.0.1:$SM" "$DIR/sentinel.out"
kill -9 "$(cat "$DIR/$SM.pid")"
wait_for 14 grep -q "^context redis 127.0.0.1:$SR" "$DIR/sentinel.out"
kill "$sp" 2>/dev/null; wait "$sp" 2>/dev/null
check "the dead master is reported" grep -q "error .*127.0.0.1:$SM" "$DIR/sentinel.out"
check "after the failover forgetop follows the new master" \
    bash -c "grep -A20 '^context redis 127.0.0.1:$SR' $DIR/sentinel.out | grep -q '|role|master' \
        && grep -A20 '^context redis 127.0.0.1:$SR' $DIR/sentinel.out | grep -q '^reading queue_depth agent-worker 4 '"

finish
