#!/usr/bin/env bash
# hostile-pgbouncer.sh - a real PgBouncer (Debian's) with 2000 databases, so SHOW POOLS and
# SHOW STATS answer 2000 rows, and the same PgBouncer behind a relay that renames a column
# of its answers (tests/fakes/pg_rewrite_proxy.py): forgetop stays bounded, counts every
# pool, and says in words what is wrong with a shape rather than showing 0.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-postgres.sh"

POOLS=2000
DIR=$(scratch)
pg_scratch_start "$DIR" "max_connections = 300"
# 2000 databases; a pool is made when a client first comes, and stays. Idle server
# connections are closed within a second, so 2000 pools need not hold 2000 servers.
pgb_scratch_start "$DIR" "$(for i in $(seq -w 1 $POOLS); do
    echo "db$i = host=127.0.0.1 port=$PGP dbname=postgres user=postgres password=secret"
done)" "pool_mode = session
default_pool_size = 2
server_idle_timeout = 1
max_client_conn = 100"
ADMIN="host=127.0.0.1 port=$PGB user=postgres dbname=pgbouncer"
q() { psql "$1" -tAqXc "$2" 2>/dev/null; }
up() { q "$ADMIN" "SHOW VERSION" | grep -q PgBouncer; }
check "pgbouncer answers its admin console" wait_for 20 up
# Four psql, each connecting to a quarter of the databases in turn, make every pool.
seq -w 1 $POOLS | sed 's/^/\\c db/' >"$DIR/connect.sql"
for k in 0 1 2 3; do
    awk -v k=$k 'NR % 4 == k' "$DIR/connect.sql" |
        timeout 300 psql "host=127.0.0.1 port=$PGB user=postgres dbname=pgbouncer" -qX >"$DIR/connect$k.log" 2>&1 &
    makers+=($!)
done
wait "${makers[@]}"
grep -h . "$DIR"/connect?.log | head -3

# Clients in the last pools of SHOW POOLS, far past the 64 rows a panel of replicas reads:
# a sum of the first rows only would say 0.
LAST=$(q "$ADMIN" "SHOW POOLS" | cut -d'|' -f1 | grep '^db' | tail -1)
n=$(q "$ADMIN" "SHOW POOLS" | grep -c '^db')
diag "SHOW POOLS: $n rows of databases, the last $LAST; $(q "$ADMIN" 'SHOW DATABASES' | wc -l) rows of SHOW DATABASES"
check "PgBouncer really answers SHOW POOLS with $POOLS rows (psql)" test "$n" -ge "$POOLS"
for i in 1 2 3; do
    psql "host=127.0.0.1 port=$PGB user=postgres dbname=$LAST" -tAqXc "select pg_sleep(60)" >/dev/null 2>&1 &
    on_exit "kill $! 2>/dev/null"
done
active() { [ "$(q "$ADMIN" "SHOW POOLS" | awk -F'|' -v db="$LAST" '$1 == db {print $3 + $4}')" -ge 3 ]; }
check "three clients sit in pool $LAST (psql)" wait_for 20 active

printf '[forgetop]\nconnect_timeout = 5\nrequest_timeout = 15\n' >"$DIR/forgetop.conf"
fact() { # JSON LABEL : the fact's value, "None" for no data, "absent" when not there
    json_get "$1" "([f['value'] for f in d['facts'] if f['label'] == '$2'] or ['absent'])[0]"
}
limit=65536
[ -n "${FORGETOP_ASAN:-}" ] && limit=262144
read -r secs kib < <(run_measured "$DIR/many.json" "$BIN" --config "$DIR/forgetop.conf" --pgbouncer "$ADMIN" --once --json)
diag "$POOLS pools: ${secs}s, peak RSS ${kib} KiB"
expect_eq "$POOLS pools: the source is ok" ok "$(json_get "$DIR/many.json" 'd["sources"][0]["state"]')"
# default_pool_size = 2: two of the three are served, one waits.
expect_eq "$POOLS pools: every pool's clients are counted, the last one's too" "2 1" \
    "$(fact "$DIR/many.json" 'pgbouncer clients') $(fact "$DIR/many.json" 'pgbouncer waiting')"
check "$POOLS pools: peak RSS within $((limit / 1024)) MB (${kib} KiB)" test "$kib" -lt "$limit"

# ---- wrong shapes, through a relay that renames a column of every answer
PROXY="$(dirname "$0")/../fakes/pg_rewrite_proxy.py"
shape() { # NAME FROM=TO : forgetop --once --json through the relay, into $DIR/NAME.json
    local port; port=$(free_port)
    python3 "$PROXY" "$port" "$PGB" "$2" >"$DIR/$1.proxy" 2>&1 &
    local pid=$!
    on_exit "kill $pid 2>/dev/null"
    RELAY_OUT="$DIR/$1.proxy"
    ready() { grep -q ready "$RELAY_OUT"; }
    wait_for 10 ready || { not_ok "the relay starts"; return; }
    read -r secs kib < <(run_measured "$DIR/$1.json" "$BIN" --config "$DIR/forgetop.conf" \
        --pgbouncer "host=127.0.0.1 port=$port user=postgres dbname=pgbouncer" --once --json)
    diag "$1 ($2): ${secs}s, peak RSS ${kib} KiB: $(json_get "$DIR/$1.json" 'd["sources"][0]["error"]')"
    check "$1: peak RSS within $((limit / 1024)) MB (${kib} KiB)" test "$kib" -lt "$limit"
    kill "$pid" 2>/dev/null
}
# A required column gone (cl_waiting, as in a proxy or a PostgreSQL with its own SHOW).
shape noshape 'cl_waiting=cl_waitinq'
expect_eq "a SHOW POOLS without cl_waiting: the source is failing" failing \
    "$(json_get "$DIR/noshape.json" 'd["sources"][0]["state"]')"
check "...saying what is wrong in words" grep -q "no cl_waiting column: not PgBouncer's SHOW POOLS" \
    <<<"$(json_get "$DIR/noshape.json" 'd["sources"][0]["error"]')"
expect_eq "...and no pgbouncer figure shows 0: none is read" "[]" \
    "$(json_get "$DIR/noshape.json" "[f['value'] for f in d['facts'] if f['label'].startswith('pgbouncer') and f['value'] is not None]")"
# An optional column gone (sv_used, which older PgBouncers lack): the rest is read, that
# figure is no data.
shape nosvused 'sv_used=sv_usex'
expect_eq "a SHOW POOLS without sv_used: the source is ok" ok "$(json_get "$DIR/nosvused.json" 'd["sources"][0]["state"]')"
expect_eq "...the clients are still counted" 2 "$(fact "$DIR/nosvused.json" 'pgbouncer clients')"
expect_eq "...and servers used is no data (null), not 0" None "$(fact "$DIR/nosvused.json" 'pgbouncer servers used')"
finish
