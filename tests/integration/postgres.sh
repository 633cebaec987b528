#!/usr/bin/env bash
# postgres.sh - the postgres and pgbouncer sources against a real PostgreSQL 15 (initdb in a
# scratch folder, run as the postgres user), a streaming replica from pg_basebackup and a
# PgBouncer in front: connections over 80 % then 95 % with pgbench, a lock wait, replica
# lag, clients waiting on a full pool, and each server killed, restarted and hung.
#
# The sources are driven by bench/dataprobe.c (many polls in a row, one snapshot per poll,
# printed as `poll`, `context`, `reading` and `fact` lines).
source "$(dirname "$0")/../lib.sh"

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
DIR=$(scratch)
mkdir -p "$DIR/pg" && chown postgres "$DIR/pg"
PROBE=$(probe_path dataprobe) || { not_ok "build dataprobe"; finish; }

asp() { runuser -u postgres -- env PGPASSWORD=secret "$@"; }
PGP=$(free_port); PGR=$(free_port); PGB=$(free_port)
export PGPASSWORD=secret
PRIMARY="host=127.0.0.1 port=$PGP user=postgres dbname=postgres"
REPLICA="host=127.0.0.1 port=$PGR user=postgres dbname=postgres"
BOUNCER="host=127.0.0.1 port=$PGB user=postgres dbname=pgbouncer"
VIA_BOUNCER="host=127.0.0.1 port=$PGB user=postgres dbname=postgres"
printf '[forgetop]\nconnect_timeout = 1\nrequest_timeout = 1\n' >"$DIR/forgetop.conf"
once() { timeout 20 "$BIN" --config "$DIR/forgetop.conf" --once --json "$@"; }
# last FILE LABEL : "value|band" of the last fact with that label
last() { grep '^fact ' "$1" | grep -F "|$2|" | tail -1 | cut -d'|' -f3-; }
q() { psql "$1" -tAqc "$2" 2>/dev/null; }
clients() { q "$PRIMARY" "select count(*) from pg_stat_activity where backend_type = 'client backend'"; }
clients_at_least() { [ "$(clients)" -ge "$1" ]; }
streaming() { [ "$(q "$PRIMARY" "select count(*) from pg_stat_replication where state = 'streaming'")" = 1 ]; }
pg_start() { # pg_start DATA PORT
    asp "$PGBIN/pg_ctl" -D "$1" -l "$1.log" -w -t 20 -o "-p $2 -k $DIR/pg -c listen_addresses=127.0.0.1" \
        start >/dev/null
}
pg_pids() { local m; m=$(head -1 "$1/postmaster.pid"); echo "$m $(pgrep -P "$m" | tr '\n' ' ')"; }

echo secret >"$DIR/pg/pw" && chown postgres "$DIR/pg/pw"
asp "$PGBIN/initdb" -D "$DIR/pg/primary" -U postgres --pwfile="$DIR/pg/pw" -A scram-sha-256 \
    --no-sync -E UTF8 >"$DIR/initdb.log" 2>&1 || { not_ok "initdb"; cat "$DIR/initdb.log"; finish; }
cat >>"$DIR/pg/primary/postgresql.conf" <<EOF
max_connections = 20
fsync = off
wal_keep_size = 64MB
EOF
on_exit "asp $PGBIN/pg_ctl -D $DIR/pg/primary stop -m immediate"
pg_start "$DIR/pg/primary" "$PGP" || { not_ok "primary did not start"; cat "$DIR/pg/primary.log"; finish; }
pgbench -q -i -s 1 "$PRIMARY" >"$DIR/pgbench-init.log" 2>&1

# The replica and PgBouncer start while the first cases run.
(
    asp "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PGP" -U postgres -D "$DIR/pg/replica" -R \
        -X stream -c fast && pg_start "$DIR/pg/replica" "$PGR"
) >"$DIR/replica.log" 2>&1 &
rpid=$!
on_exit "asp $PGBIN/pg_ctl -D $DIR/pg/replica stop -m immediate"
cat >"$DIR/pg/bouncer.ini" <<EOF
[databases]
postgres = host=127.0.0.1 port=$PGP dbname=postgres
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGB
auth_type = trust
auth_file = $DIR/pg/users.txt
admin_users = postgres
pool_mode = session
default_pool_size = 4
max_client_conn = 100
unix_socket_dir =
pidfile = $DIR/pg/bouncer.pid
logfile = $DIR/pg/bouncer.log
EOF
echo '"postgres" "secret"' >"$DIR/pg/users.txt"
chown postgres "$DIR/pg/bouncer.ini" "$DIR/pg/users.txt"
bouncer_start() { asp pgbouncer -d "$DIR/pg/bouncer.ini" >/dev/null 2>&1; }
bouncer_start
on_exit "kill -CONT \$(cat $DIR/pg/bouncer.pid); kill -9 \$(cat $DIR/pg/bouncer.pid)"

# ---- a quiet primary ----
"$PROBE" postgres "$PRIMARY" >"$DIR/quiet.out" 2>&1
check "a quiet primary is polled" grep -q '^poll 1 ok' "$DIR/quiet.out"
expect_eq "db_connections is the share of max_connections" "reading db_connections database 5 " \
    "$(grep '^reading db_connections ' "$DIR/quiet.out")"
expect_eq "the counts behind it are readings too, for the world's advice" \
    "db_connections_used 1 db_connections_max 20" \
    "$(grep -E '^reading db_connections_(used|max) ' "$DIR/quiet.out" | awk '{ printf "%s%s %s", (NR > 1 ? " " : ""), $2, $4 }')"
expect_eq "connections against max_connections, in the ok band" \
    "1 / 20 (5%)|ok" "$(last "$DIR/quiet.out" connections)"
check "the panel has states, cache hit ratio and size" \
    bash -c "grep -q '|active|1|ok' $DIR/quiet.out && grep -q '|idle|0|ok' $DIR/quiet.out \
        && grep -q '|idle in transaction|0|ok' $DIR/quiet.out \
        && grep -q '|waiting on locks|0|ok' $DIR/quiet.out \
        && grep -Eq '\|cache hit\|([0-9.]+%|no reads yet)\|' $DIR/quiet.out \
        && grep -Eq '\|size\|[0-9.]+ MiB\|ok' $DIR/quiet.out"
check "no advice when the band is ok" bash -c "! grep -q '|advice|' $DIR/quiet.out"
PGHOST=127.0.0.1 PGPORT=$PGP PGUSER=postgres PGDATABASE=postgres "$PROBE" postgres "" >"$DIR/env.out" 2>&1
check "an empty DSN takes the PG* variables" grep -q '^reading db_connections database 5 ' "$DIR/env.out"
PGHOST=127.0.0.1 PGPORT=$PGP PGUSER=postgres PGDATABASE=postgres timeout 20 "$BIN" --postgres '' \
    --once --json >"$DIR/env.json" 2>&1
expect_eq "forgetop --postgres '' connects through the PG* variables" "ok" \
    "$(json_get "$DIR/env.json" '[s["state"] for s in d["sources"] if s["name"]=="postgres"][0]')"
"$PROBE" postgres "$PRIMARY password=wrong" >"$DIR/wrongpass.out" 2>&1
check "a wrong password is said in words" grep -q \
    "error .*: postgres 127.0.0.1:$PGP/postgres: FATAL: password authentication failed for user \"postgres\"" \
    "$DIR/wrongpass.out"
NOPE=$(free_port)
"$PROBE" postgres "host=127.0.0.1 port=$NOPE user=postgres" >"$DIR/refused.out" 2>&1
check "nothing listening is 'connection refused'" \
    grep -q "error .*: postgres 127.0.0.1:$NOPE/postgres: connection refused" "$DIR/refused.out"

# ---- pgbench pushes connections over 80 % and then over 95 % ----
printf '\\sleep 300 ms\n' >"$DIR/sleep.sql"
pgbench -n -f "$DIR/sleep.sql" -c 16 -T 3 "$PRIMARY" >/dev/null 2>&1 &
bp=$!
wait_for 5 clients_at_least 17
"$PROBE" postgres "$PRIMARY" >"$DIR/warn.out" 2>&1
once --postgres "$PRIMARY" --redis "redis://127.0.0.1:$NOPE" >"$DIR/once-warn.json" 2>/dev/null
wait "$bp"
expect_eq "16 clients and forgetop: 17 of 20 is the warning band" \
    "17 / 20 (85%)|warning" "$(last "$DIR/warn.out" connections)"
check "the warning carries the runbook's advice (core's, once) with its numbers" bash -c \
    "grep -q '|advice|connections 17/20 (85%) > 80%:|warning' $DIR/warn.out \
        && grep -q '|advice|put PgBouncer in front (transaction pooling' $DIR/warn.out \
        && grep -q '|advice|vertical: max_connections=200 (+1800MB at ~10MB each)' $DIR/warn.out"
pgbench -n -f "$DIR/sleep.sql" -c 19 -T 3 "$PRIMARY" >/dev/null 2>&1 &
bp=$!
wait_for 5 clients_at_least 20
"$PROBE" postgres "$PRIMARY" >"$DIR/crit.out" 2>&1
wait "$bp"
expect_eq "19 clients and forgetop: 20 of 20 is the critical band" \
    "20 / 20 (100%)|critical" "$(last "$DIR/crit.out" connections)"
check "the critical band has advice too" grep -q '|advice|connections 20/20 (100%) > 95%' "$DIR/crit.out"

expect_eq "--once --json: db_connections follows into the warning band" "85.0 warning" \
    "$(json_get "$DIR/once-warn.json" "' '.join(str(float(m['value'])) + ' ' + m['band'] for m in d['metrics'] if m['id'] == 'db_connections')")"
expect_eq "--once --json: the database advice carries the counts" True \
    "$(json_get "$DIR/once-warn.json" "'connections 17/20 (85%)' in (d['advice']['database'] or '')")"
expect_eq "--once --json: a dead redis beside it fails in words, postgres stays ok" \
    "failing redis 127.0.0.1:$NOPE: connection refused|ok" \
    "$(json_get "$DIR/once-warn.json" "'|'.join(s['state'] + ('' if s['error'] is None else ' ' + s['error']) for s in d['sources'])")"

# ---- a lock wait and the longest transaction ----
psql "$PRIMARY" -qc "BEGIN; LOCK TABLE pgbench_branches; SELECT pg_sleep(3); COMMIT;" >/dev/null 2>&1 &
lp=$!
sleep 0.5
psql "$PRIMARY" -qc "SELECT count(*) FROM pgbench_branches" >/dev/null 2>&1 &
lp2=$!
sleep 0.5
"$PROBE" postgres "$PRIMARY" >"$DIR/lock.out" 2>&1
wait "$lp" "$lp2"
check "a session waiting on a lock is counted" grep -q '|waiting on locks|1|warning' "$DIR/lock.out"
check "the longest transaction shows its age and its query start" \
    grep -Eq '\|longest xact\|[0-9.]+ m?s \(postgres, active: BEGIN; LOCK TABLE pgbench_branches' "$DIR/lock.out"

# ---- the streaming replica and its lag ----
wait "$rpid" || { not_ok "replica did not start"; cat "$DIR/replica.log"; }
wait_for 10 streaming
q "$REPLICA" "select pg_wal_replay_pause()" >/dev/null
q "$PRIMARY" "create table lagtest as select generate_series(1, 200000) as n" >/dev/null
sleep 0.5
"$PROBE" postgres "$PRIMARY" >"$DIR/lag-primary.out" 2>&1
"$PROBE" postgres "$REPLICA" >"$DIR/lag-replica.out" 2>&1
q "$REPLICA" "select pg_wal_replay_resume()" >/dev/null
check "the primary lists its replica with its lag in bytes" \
    bash -c "grep -q '|role|primary|ok' $DIR/lag-primary.out && grep -q '|replicas|1|ok' $DIR/lag-primary.out"
check "the replica's lag in bytes is non-zero while replay is paused" \
    bash -c "grep -Eq '\|  replica [^|]+\|streaming from 127.0.0.1 \(async\)\|ok' $DIR/lag-primary.out \
        && grep -Eq '\|  replica [^|]+ behind\|[0-9.]+ MiB\|' $DIR/lag-primary.out"
check "the replica reports its own replay lag" \
    bash -c "grep -q '|role|replica|ok' $DIR/lag-replica.out \
        && grep -q '|replay lag|' $DIR/lag-replica.out \
        && grep -Eq '\|received not replayed\|[0-9.]+ MiB\|' $DIR/lag-replica.out"
wait_for 5 bash -c "'$PROBE' postgres '$REPLICA' | grep -q '|received not replayed|0 B|'"
check "once replay resumes the replica catches up" test $? -eq 0

# ---- PgBouncer: a full pool makes clients wait ----
"$PROBE" pgbouncer "$BOUNCER" >"$DIR/bouncer-quiet.out" 2>&1
check "PgBouncer's admin console is polled, pool size from SHOW CONFIG" \
    bash -c "grep -q '|pgbouncer clients|0|ok' $DIR/bouncer-quiet.out \
        && grep -q '|pgbouncer waiting|0|ok' $DIR/bouncer-quiet.out \
        && grep -q '|pgbouncer pool|0 / 4 (0%) (' $DIR/bouncer-quiet.out"
echo 'SELECT pg_sleep(0.3);' >"$DIR/pgsleep.sql"
pgbench -n -f "$DIR/pgsleep.sql" -c 8 -T 3 "$VIA_BOUNCER" >/dev/null 2>&1 &
bp=$!
wait_for 5 bash -c "psql '$BOUNCER' -tAc 'show pools' 2>/dev/null | grep -q '^postgres|postgres|4|4|'"
"$PROBE" pgbouncer "$BOUNCER" >"$DIR/bouncer-full.out" 2>&1
once --pgbouncer "$BOUNCER" >"$DIR/once-bouncer.json" 2>/dev/null
wait "$bp"
expect_eq "--once --json: the pgbouncer source is ok and lists its pool" \
    "ok 4 4 warning" \
    "$(json_get "$DIR/once-bouncer.json" "d['sources'][0]['state'] + ' ' + ' '.join(str(int(f['value'])) + ('' if f['rule'] is None else ' ' + f['band']) for f in d['facts'] if f['label'] in ('pgbouncer clients', 'pgbouncer waiting'))")"
expect_eq "the pool's use is a db_connections reading for pgbouncer" \
    "reading db_connections pgbouncer 100 " "$(grep '^reading' "$DIR/bouncer-full.out")"
expect_eq "a full pool is critical (core's db_connections rule)" "4 / 4 (100%) (postgres/postgres)|critical" \
    "$(last "$DIR/bouncer-full.out" 'pgbouncer pool')"
expect_eq "clients waiting for the pool are shown" "4|ok 4|warning" \
    "$(last "$DIR/bouncer-full.out" 'pgbouncer clients') $(last "$DIR/bouncer-full.out" 'pgbouncer waiting')"

# ---- faults: killed and restarted, then hung ----
"$PROBE" postgres "$PRIMARY" --polls 7 --interval 1 --timeout 1 --connect-timeout 1 >"$DIR/kill.out" 2>&1 &
kp=$!
"$PROBE" pgbouncer "$BOUNCER" --polls 7 --interval 1 --timeout 1 --connect-timeout 1 >"$DIR/bkill.out" 2>&1 &
bkp=$!
wait_for 5 grep -q '^poll 1 ok' "$DIR/kill.out"
asp "$PGBIN/pg_ctl" -D "$DIR/pg/primary" stop -m immediate >/dev/null
kill -9 "$(cat "$DIR/pg/bouncer.pid")"
sleep 2.2
pg_start "$DIR/pg/primary" "$PGP"
bouncer_start
wait "$kp" "$bkp"
check "a killed PostgreSQL is reported within one interval" \
    grep -q "^poll 2 error .*: postgres 127.0.0.1:$PGP/postgres: " "$DIR/kill.out"
check "while it is down the reason is 'connection refused'" \
    grep -q "^poll 3 error .*: postgres 127.0.0.1:$PGP/postgres: connection refused" "$DIR/kill.out"
check "the restarted PostgreSQL is read again" grep -q '^poll 7 ok' "$DIR/kill.out"
check "a killed PgBouncer is reported within one interval" \
    grep -q "^poll 2 error .*: pgbouncer 127.0.0.1:$PGB/pgbouncer: " "$DIR/bkill.out"
check "the restarted PgBouncer is read again" grep -q '^poll 7 ok' "$DIR/bkill.out"

"$PROBE" postgres "$PRIMARY" --polls 5 --interval 1 --timeout 1 --connect-timeout 1 >"$DIR/hang.out" 2>&1 &
kp=$!
wait_for 5 grep -q '^poll 1 ok' "$DIR/hang.out"
pids=$(pg_pids "$DIR/pg/primary")
on_exit "kill -CONT $pids"
# shellcheck disable=SC2086
kill -STOP $pids
sleep 2.2
# shellcheck disable=SC2086
kill -CONT $pids
wait "$kp"
check "a hung PostgreSQL is a timeout after 1 s, not a hang" \
    grep -Eq "^poll [23] error 1[0-9]{3} ms: postgres 127.0.0.1:$PGP/postgres: query: timed out after 1 s" "$DIR/hang.out"
check "a PostgreSQL that wakes up is read again" grep -q '^poll 5 ok' "$DIR/hang.out"

finish
