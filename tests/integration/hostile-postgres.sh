#!/usr/bin/env bash
# hostile-postgres.sh - what a PostgreSQL server sends never reaches the operator's terminal
# raw, and a mistyped DSN or URL never shows its password. A real PostgreSQL 15: a role
# whose client_min_messages is debug5 (dozens of DEBUG notices a query) and a database
# whose owner set a value full of terminal escapes, which the server answers at every
# connection with a WARNING that quotes it. libpq prints notices on stderr unless told
# otherwise, and stderr is the terminal behind curses. A role whose catalogue is its own
# answers text where numbers belong and impossible figures: no data, with what was sent.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-postgres.sh"

DIR=$(scratch)
pg_scratch_start "$DIR"
ADMIN="host=127.0.0.1 port=$PGP user=postgres password=secret dbname=postgres"
psql "$ADMIN" -qX -v ON_ERROR_STOP=1 >"$DIR/setup.log" 2>&1 <<'SQL' || { not_ok "setup"; cat "$DIR/setup.log"; }
CREATE ROLE chatty LOGIN PASSWORD 'chattypw';
ALTER ROLE chatty SET client_min_messages = debug5;
CREATE ROLE owner LOGIN PASSWORD 'ownerpw';
CREATE DATABASE evil OWNER owner;
SQL
# The owner of a database needs no superuser to do this.
PGPASSWORD=ownerpw psql "host=127.0.0.1 port=$PGP user=owner dbname=evil" -qX \
    -c "ALTER DATABASE evil SET default_text_search_config = E'evil\\x1b]0;pwned\\x07\\x1b[2J\\u009b6n'" \
    >>"$DIR/setup.log" 2>&1 || { not_ok "the owner set the hostile value"; cat "$DIR/setup.log"; }

EVIL="host=127.0.0.1 port=$PGP user=owner password=ownerpw dbname=evil"
CHATTY="host=127.0.0.1 port=$PGP user=chatty password=chattypw dbname=postgres"
# The server really does send the bytes: psql, which prints notices, shows them.
psql "$EVIL" -tAXc 'select 1' >"$DIR/psql.out" 2>&1
check "the server sends the escape bytes to a client that connects (psql shows them)" \
    grep -q $'\x1b]0;pwned' "$DIR/psql.out"

has_raw() { LC_ALL=C grep -c -a -F -e "$2" "$1"; } # count of lines with the literal bytes
for dsn_name in EVIL CHATTY; do
    dsn=${!dsn_name}
    timeout 20 "$BIN" --postgres "$dsn" --once --json >"$DIR/$dsn_name.json" 2>"$DIR/$dsn_name.err"
    expect_eq "--once with the $dsn_name role writes nothing on stderr" \
         0 "$(wc -c <"$DIR/$dsn_name.err")"
    expect_eq "--once with the $dsn_name role writes no ESC byte on stdout" \
         0 "$(has_raw "$DIR/$dsn_name.json" $'\x1b')"
    check "--once with the $dsn_name role still reads the database" \
        python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); s=[x for x in d["sources"] if x["state"]=="ok"]; sys.exit(0 if s else 1)' "$DIR/$dsn_name.json"
done
timeout 20 "$BIN" --postgres "$EVIL" --check >"$DIR/check.out" 2>"$DIR/check.err"
expect_eq "--check on the hostile database writes nothing on stderr"  0 "$(wc -c <"$DIR/check.err")"
expect_eq "--check on the hostile database writes no ESC byte"  0 "$(has_raw "$DIR/check.out" $'\x1b')"

# The dashboard: stderr kept apart from the pty, so what libpq would print is caught, and
# the pty's own bytes checked for the server's escapes (an OSC title, the C1 CSI).
PTY="$(dirname "$0")/../fakes/ptycap.py"
for dsn_name in EVIL CHATTY; do
    dsn=${!dsn_name}
    python3 "$PTY" "$DIR/$dsn_name.pty" "notice" 30 -- \
        sh -c "exec \"\$0\" -d 1 --postgres \"\$1\" 2>\"\$2\"" "$BIN" "$dsn" "$DIR/$dsn_name.tty-err"
    check "the dashboard on $dsn_name says the server sent notices" test $? -eq 0
    expect_eq "the dashboard on $dsn_name writes nothing on stderr" \
         0 "$(wc -c <"$DIR/$dsn_name.tty-err")"
    expect_eq "no OSC sequence reaches the terminal ($dsn_name)"  0 "$(has_raw "$DIR/$dsn_name.pty" $'\x1b]')"
    expect_eq "no C1 CSI reaches the terminal ($dsn_name)"  0 "$(has_raw "$DIR/$dsn_name.pty" $'\xc2\x9b')"
    expect_eq "no BEL reaches the terminal ($dsn_name)"  0 "$(has_raw "$DIR/$dsn_name.pty" $'\x07')"
done

# ---- huge replies: a role whose search_path puts its own pg_stat_activity first (no
# superuser needed: pg_catalog is searched first only when the path does not name it),
# where a backend's state is 48 MiB; and one whose start-up WARNING quotes a 16 MiB value.
psql "$ADMIN" -qX -v ON_ERROR_STOP=1 >>"$DIR/setup.log" 2>&1 <<'SQL' || { not_ok "huge setup"; cat "$DIR/setup.log"; }
CREATE ROLE bloat LOGIN PASSWORD 'bloatpw';
CREATE SCHEMA bloat AUTHORIZATION bloat;
ALTER ROLE bloat SET search_path = bloat, pg_catalog;
CREATE ROLE loud LOGIN PASSWORD 'loudpw';
SQL
PGPASSWORD=bloatpw psql "host=127.0.0.1 port=$PGP user=bloat dbname=postgres" -qX -v ON_ERROR_STOP=1 \
    -c "CREATE VIEW bloat.pg_stat_activity AS SELECT 'client backend'::text AS backend_type,
        repeat('x', 48 << 20) AS state, NULL::text AS wait_event_type,
        now() - interval '1 minute' AS xact_start, 1 AS pid, 'x'::name AS datname, 'q'::text AS query" \
    >>"$DIR/setup.log" 2>&1 || { not_ok "the bloat view"; cat "$DIR/setup.log"; }
{ printf "ALTER ROLE loud SET default_text_search_config = '"; head -c $((16 << 20)) /dev/zero | tr '\0' y; printf "';\n"; } |
    psql "$ADMIN" -qX -v ON_ERROR_STOP=1 >>"$DIR/setup.log" 2>&1 || { not_ok "the loud setting"; tail -c 300 "$DIR/setup.log"; }
BLOAT="host=127.0.0.1 port=$PGP user=bloat password=bloatpw dbname=postgres"
LOUD="host=127.0.0.1 port=$PGP user=loud password=loudpw dbname=postgres"
psql "$BLOAT" -tAXc 'select length(state) from pg_stat_activity' >"$DIR/bloat.psql" 2>&1
expect_eq "the bloat role's own pg_stat_activity really answers 48 MiB (psql)" $((48 << 20)) "$(cat "$DIR/bloat.psql")"
psql "$LOUD" -tAXc 'select 1' >"$DIR/loud.psql" 2>&1
check "the loud role's start-up WARNING really quotes 16 MiB (psql)" test "$(wc -c <"$DIR/loud.psql")" -gt $((16 << 20))
# The cap is enforced inside libpq's reads (forgetop's recv() stops at 8 MiB), so libpq's
# buffer, sized for the whole 48 MiB row, is filled no further: 160 MB before any cap,
# 22-62 MB when it was checked between reads. The issue's budget is 64 MB; under ASan
# (shadow memory, quarantine), looser.
limit=65536
[ -n "${FORGETOP_ASAN:-}" ] && limit=262144
# The server takes seconds to build these answers on a loaded machine.
printf '[forgetop]\nconnect_timeout = 15\nrequest_timeout = 30\n' >"$DIR/slow.conf"
for dsn_name in BLOAT LOUD; do
    read -r secs kib < <(run_measured "$DIR/$dsn_name.json" "$BIN" --config "$DIR/slow.conf" --postgres "${!dsn_name}" --once --json)
    err=$(json_get "$DIR/$dsn_name.json" '[s["error"] for s in d["sources"]][0]')
    diag "$dsn_name: ${secs}s, peak RSS ${kib} KiB: $err"
    check "$dsn_name: refused with the cap in words" grep -q "reply over 8 MiB: refused" <<<"$err"
    check "$dsn_name: peak RSS within $((limit / 1024)) MB (${kib} KiB)" test "$kib" -lt "$limit"
done
# The dashboard keeps refusing, poll after poll, and its memory stays down (the dropped
# connection takes libpq's buffer with it).
SOCK="forgetop-hpg-$$"
on_exit "tmux -L '$SOCK' kill-server 2>/dev/null"
# A session that outlives the others: killing the last one ends the server, and a
# new-session sent while it is exiting can race it and fail.
tmux -L "$SOCK" -f /dev/null new-session -d -s keep "sleep 3600"
# The baseline: the same dashboard on a role whose replies are small.
tmux -L "$SOCK" -f /dev/null new-session -d -s b -x 120 -y 30 \
    "exec env XDG_STATE_HOME='$DIR/state' TERM=xterm-256color '$BIN' --config '$DIR/slow.conf' -d 1 --postgres '$CHATTY' 2>/dev/null"
BPID=$(tmux -L "$SOCK" display -p -t b '#{pane_pid}')
polled() { tmux -L "$SOCK" capture-pane -p -t b | grep -q "notice"; }
check "the baseline dashboard reads its database" wait_for 40 polled
sleep 3
base=$(awk '/VmRSS/ {print $2}' /proc/$BPID/status 2>/dev/null)
tmux -L "$SOCK" kill-session -t b
tmux -L "$SOCK" -f /dev/null new-session -d -s a -x 120 -y 30 \
    "exec env XDG_STATE_HOME='$DIR/state' TERM=xterm-256color '$BIN' --config '$DIR/slow.conf' -d 1 --postgres '$BLOAT' 2>/dev/null"
DPID=$(tmux -L "$SOCK" display -p -t a '#{pane_pid}')
refused() { tmux -L "$SOCK" capture-pane -p -t a | grep -q "reply over 8 MiB"; }
check "the dashboard says the reply was refused" wait_for 40 refused
sleep 2 # two polls at -d 1
rss=$(awk '/VmRSS/ {print $2}' /proc/$DPID/status 2>/dev/null)
sleep 3
hwm=$(awk '/VmHWM/ {print $2}' /proc/$DPID/status 2>/dev/null)
tmux -L "$SOCK" kill-session -t a
diag "dashboard: baseline RSS ${base} KiB; on BLOAT two polls after a refusal ${rss} KiB, peak ${hwm} KiB"
check "the dashboard's peak RSS over its refused polls stays within $((limit / 1024)) MB" test "${hwm:-999999}" -lt "$limit"
slack=4096
[ -n "${FORGETOP_ASAN:-}" ] && slack=$((limit - ${base:-0})) # ASan's quarantine keeps what was freed
check "...and two polls after a refusal its RSS is back within $((slack / 1024)) MB of the baseline (${rss} vs ${base} KiB)" \
    test "${rss:-999999}" -lt $((${base:-0} + slack))

# ---- wrong shapes and nonsense: the same search_path trick, a role whose catalogue is its
# own. Its functions answer text where numbers belong (a look-alike server does the same:
# strtod alone read "lots" as a size of 0), and its views impossible figures: a hit ratio
# over 1, a transaction that starts in an hour, a negative replay lag. Each is no data with
# what was sent, never a number, and the source stays ok: the rest of its answer is true.
psql "$ADMIN" -qX -v ON_ERROR_STOP=1 >>"$DIR/setup.log" 2>&1 <<'SQL' || { not_ok "odd setup"; cat "$DIR/setup.log"; }
CREATE ROLE odd LOGIN PASSWORD 'oddpw';
CREATE SCHEMA odd AUTHORIZATION odd;
ALTER ROLE odd SET search_path = odd, pg_catalog;
SQL
PGPASSWORD=oddpw psql "host=127.0.0.1 port=$PGP user=odd dbname=postgres" -qX -v ON_ERROR_STOP=1 \
    >>"$DIR/setup.log" 2>&1 <<'SQL' || { not_ok "the odd catalogue"; cat "$DIR/setup.log"; }
CREATE FUNCTION odd.pg_database_size(name) RETURNS text LANGUAGE sql AS $$SELECT 'lots'$$;
CREATE FUNCTION odd.pg_wal_lsn_diff(pg_lsn, pg_lsn) RETURNS text LANGUAGE sql
    AS $$SELECT E'12\x1b[2Jkb'$$;
CREATE VIEW odd.pg_stat_database AS SELECT -100::bigint AS blks_hit, 10::bigint AS blks_read;
CREATE VIEW odd.pg_stat_activity AS SELECT 'client backend'::text AS backend_type,
    'active'::text AS state, NULL::text AS wait_event_type, now() + interval '1 hour' AS xact_start,
    1 AS pid, 'x'::name AS datname, 'q'::text AS query;
CREATE VIEW odd.pg_stat_replication AS SELECT 'r1'::text AS application_name,
    '10.0.0.1'::inet AS client_addr, 'streaming'::text AS state, '0/0'::pg_lsn AS replay_lsn,
    interval '-5 seconds' AS replay_lag, 'async'::text AS sync_state;
SQL
ODD="host=127.0.0.1 port=$PGP user=odd password=oddpw dbname=postgres"
expect_eq "the odd role's database size really is text (psql)" "lots" \
    "$(psql "$ODD" -tAXc 'select pg_database_size(current_database())' 2>&1)"
"$BIN" --config "$DIR/slow.conf" --postgres "$ODD" --once --json >"$DIR/odd.json" 2>"$DIR/odd.err"
odd() { json_get "$DIR/odd.json" "[(f['value'], f['display']) for f in d['facts'] if f['label'] == '$1'][0]"; }
expect_eq "odd: the source is ok, its true figures kept" "ok 1" \
    "$(json_get "$DIR/odd.json" "d['sources'][0]['state'] + ' ' + str([f['value'] for f in d['facts'] if f['label'] == 'active'][0])")"
expect_eq "odd: a size sent as text is no data, saying what came (not 0)" \
    "(None, \"no data: server sent 'lots', not a number\")" "$(odd size)"
expect_eq "odd: a byte count sent as text with an escape: no data, the escape made harmless" \
    "(None, \"no data: server sent '12?[2Jkb', not a number\")" "$(odd '  replica r1 behind')"
expect_eq "odd: a hit ratio over 1 is no data" "(None, 'no data: server sent 1.11111')" "$(odd 'cache hit')"
expect_eq "odd: a transaction that starts in an hour is no data" \
    "(None, 'no data: server sent -3600')" "$(odd 'longest xact')"
expect_eq "odd: a negative replay lag is no data" "(None, 'no data: server sent -5')" "$(odd '  replica r1 lag')"
check "odd: no raw escape byte in the JSON or on stderr" sh -c "! grep -q \$(printf '\\033') '$DIR/odd.json' '$DIR/odd.err'"

# Secrets in mistyped addresses: libpq quotes a bad URI whole, the redis parser its input.
pw=ftpw-Zq81
BAD_PG="postgresql://forgetop:$pw@[::1/openforge"
timeout 20 "$BIN" --postgres "$BAD_PG" --once --json >"$DIR/badpg.json" 2>"$DIR/badpg.err"
timeout 20 "$BIN" --postgres "$BAD_PG" --check >"$DIR/badpg.check" 2>&1
check "a bad PostgreSQL URI is reported" grep -qi "uri\|ipv6\|postgres" "$DIR/badpg.json" "$DIR/badpg.err"
check "its password is in neither the JSON nor stderr" bash -c "! grep -q -- '$pw' '$DIR/badpg.json' '$DIR/badpg.err'"
check "its password is not in --check's output" bash -c "! grep -q -- '$pw' '$DIR/badpg.check'"
# ...nor on the screen: the header's short form and the S screen's whole error.
tmux -L "$SOCK" -f /dev/null new-session -d -s u -x 200 -y 40 \
    "exec env XDG_STATE_HOME='$DIR/state' TERM=xterm-256color '$BIN' -d 1 --postgres '$BAD_PG' 2>/dev/null"
failing() { tmux -L "$SOCK" capture-pane -p -t u | grep -qi "postgres.*\(uri\|ipv6\|invalid\)"; }
check "the dashboard on a bad PostgreSQL URI says it is bad" wait_for 20 failing
tmux -L "$SOCK" capture-pane -p -t u >"$DIR/badpg.screen"
tmux -L "$SOCK" send-keys -t u S
sources_on() { tmux -L "$SOCK" capture-pane -p -t u | grep -q "LAST OK"; }
wait_for 10 sources_on
tmux -L "$SOCK" capture-pane -p -t u >>"$DIR/badpg.screen"
tmux -L "$SOCK" kill-session -t u
check "its password is on neither the main screen nor the S screen" bash -c "! grep -q -- '$pw' '$DIR/badpg.screen'"
rpw=rdpw-77Xq
for url in "Redis://ops:$rpw@127.0.0.1:6379/0" "rediss://ops:$rpw@127.0.0.1:6379/0" \
    "Redis://127.0.0.1:6379/0?password=$rpw"; do
    timeout 20 "$BIN" --redis "$url" --once --json >"$DIR/badredis.out" 2>&1
    check "a bad redis URL is refused without its password (${url%%:*}...)" \
        bash -c "grep -qi 'redis URL' '$DIR/badredis.out' && ! grep -q -- '$rpw' '$DIR/badredis.out'"
done
finish
