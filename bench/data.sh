#!/usr/bin/env bash
# data.sh - what the data sources cost: one poll of redis, postgres and pgbouncer against real
# servers on loopback (time, and Redis round trips per poll) next to the cheapest round trip
# the server's own benchmark tool measures; then the database panel against pg_activity
# refreshing the same server each second over the same period (CPU seconds per minute),
# both as the postgres source alone and as the whole forgetop program.
#
# Figures are printed, never asserted. The panel is driven by bench/dataprobe.c, which polls
# the postgres source exactly as the dashboard's poller thread does.
source "$(dirname "$0")/../tests/lib.sh"

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
SECS=${BENCH_DATA_SECONDS:-${BENCH_SECONDS:-30}}
POLLS=${BENCH_DATA_POLLS:-300}
DIR=$(scratch)
mkdir -p "$DIR/pg" && chown postgres "$DIR/pg"
PROBE=$(probe_path dataprobe) || { echo "dataprobe does not build"; exit 1; }
asp() { runuser -u postgres -- "$@"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
# CPU seconds (user + system) a process has used so far, from /proc/PID/stat.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0; }
field() { sed -n "s/.*$2 \([0-9.]*\).*/\1/p" "$1"; }

RP=$(free_port); PGP=$(free_port); PGB=$(free_port)
redis-server --port "$RP" --bind 127.0.0.1 --save '' --appendonly no --dir "$DIR" >/dev/null 2>&1 &
rpid=$!
on_exit "kill -9 $rpid"
asp "$PGBIN/initdb" -D "$DIR/pg/data" -U postgres -A trust --no-sync >/dev/null 2>&1
echo "max_connections = 50" >>"$DIR/pg/data/postgresql.conf"
asp "$PGBIN/pg_ctl" -D "$DIR/pg/data" -l "$DIR/pg/log" -w \
    -o "-p $PGP -k $DIR/pg -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
on_exit "asp $PGBIN/pg_ctl -D $DIR/pg/data stop -m immediate"
cat >"$DIR/pg/bouncer.ini" <<EOF
[databases]
postgres = host=127.0.0.1 port=$PGP dbname=postgres
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGB
auth_type = trust
auth_file = $DIR/pg/users.txt
admin_users = postgres
default_pool_size = 10
unix_socket_dir =
pidfile = $DIR/pg/bouncer.pid
logfile = $DIR/pg/bouncer.log
EOF
echo '"postgres" ""' >"$DIR/pg/users.txt"
chown postgres "$DIR/pg/bouncer.ini" "$DIR/pg/users.txt"
asp pgbouncer -d "$DIR/pg/bouncer.ini" >/dev/null 2>&1
on_exit "kill -9 \$(cat $DIR/pg/bouncer.pid)"
wait_for 10 redis-cli -p "$RP" ping
PRIMARY="host=127.0.0.1 port=$PGP user=postgres dbname=postgres"
pgbench -q -i -s 1 "$PRIMARY" >/dev/null 2>&1
{
    redis-cli -p "$RP" eval "for i=1,1000 do redis.call('rpush', KEYS[1], i) end" 1 agent:tasks:pending
    redis-cli -p "$RP" xadd events '*' a 1
    redis-cli -p "$RP" xgroup create events workers 0
    redis-cli -p "$RP" zadd delayed 1 a
} >/dev/null

echo "# one poll of each source, $POLLS polls back to back after the first (which connects)"
"$PROBE" redis "redis://127.0.0.1:$RP" --queue agent:tasks:pending --queue events --queue delayed \
    --polls "$POLLS" --interval 0 --bench >"$DIR/redis.b"
rms=$(field "$DIR/redis.b" mean_ms); rrt=$(field "$DIR/redis.b" round_trips)
rps=$(redis-benchmark -p "$RP" -c 1 -n 20000 -t ping --csv 2>/dev/null | awk -F'"' '/PING_INLINE/ { print $4 }')
ping_ms=$(awk -v r="$rps" 'BEGIN { if (r > 0) printf "%.4f", 1000 / r; else print 0 }')
echo "redis poll (INFO + 3 queues: list, stream+group, zset): $rms ms, $rrt round trips per poll"
echo "redis PING round trip (redis-benchmark -c 1): $ping_ms ms; poll / PING = $(ratio "$rms" "$ping_ms")"

"$PROBE" postgres "$PRIMARY" --polls "$POLLS" --interval 0 --bench >"$DIR/pg.b"
pms=$(field "$DIR/pg.b" mean_ms)
lat=$(pgbench -n -S -c 1 -T 3 "$PRIMARY" 2>/dev/null | sed -n 's/^latency average = \([0-9.]*\) ms/\1/p')
echo "postgres poll (4 statements, 1 round trip): $pms ms"
echo "postgres one-row SELECT (pgbench -S -c 1 latency): $lat ms; poll / SELECT = $(ratio "$pms" "$lat")"
"$PROBE" pgbouncer "host=127.0.0.1 port=$PGB user=postgres dbname=pgbouncer" --polls "$POLLS" \
    --interval 0 --bench >"$DIR/pgb.b"
echo "pgbouncer poll (SHOW POOLS, SHOW STATS: 2 round trips): $(field "$DIR/pgb.b" mean_ms) ms"

echo "# database panel vs pg_activity, both refreshing every second for $SECS s, 8 pgbench clients"
pgbench -n -S -c 8 -T $((SECS + 5)) -R 200 "$PRIMARY" >/dev/null 2>&1 &
bp=$!
on_exit "kill $bp"
SOCK="forgetop-bench-$$"
on_exit "tmux -L $SOCK kill-server"
tmux -L "$SOCK" new-session -d -s pga -x 120 -y 40 \
    "exec pg_activity --refresh 1 --no-sys-info '$PRIMARY'"
tmux -L "$SOCK" new-session -d -s ft -x 120 -y 40 \
    "exec $BIN --config /dev/null -d 1 --postgres '$PRIMARY'"
"$PROBE" postgres "$PRIMARY" --polls "$SECS" --interval 1 --bench >"$DIR/panel.b" 2>&1 &
ppid=$!
on_exit "kill $ppid"
sleep 0.5
apid=$(tmux -L "$SOCK" list-panes -t pga -F '#{pane_pid}' 2>/dev/null)
fpid=$(tmux -L "$SOCK" list-panes -t ft -F '#{pane_pid}' 2>/dev/null)
a0=$(cpu_s "$apid"); f0=$(cpu_s "$fpid")
wait "$ppid"
a1=$(cpu_s "$apid"); f1=$(cpu_s "$fpid")
wall=$(field "$DIR/panel.b" wall_s)
screen=$(tmux -L "$SOCK" capture-pane -p -t pga 2>/dev/null | grep -m1 -o 'PostgreSQL [0-9.]*[^|]*' | head -c 60)
tmux -L "$SOCK" kill-server 2>/dev/null
pm=$(awk -v c="$(field "$DIR/panel.b" cpu_s)" -v s="$wall" 'BEGIN { printf "%.4f", c * 60 / s }')
am=$(awk -v a="$a0" -v b="$a1" -v s="$wall" 'BEGIN { printf "%.4f", (b - a) * 60 / s }')
echo "# pg_activity was showing: ${screen:-(nothing captured)}"
fm=$(awk -v a="$f0" -v b="$f1" -v s="$wall" 'BEGIN { printf "%.4f", (b - a) * 60 / s }')
echo "postgres source alone (dataprobe, 1 s polls): $pm CPU s/min"
echo "forgetop -d 1 --postgres (whole program): $fm CPU s/min"
echo "pg_activity --refresh 1: $am CPU s/min"
echo "source / pg_activity CPU = $(ratio "$pm" "$am"); forgetop / pg_activity CPU = $(ratio "$fm" "$am")"
