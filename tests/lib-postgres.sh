# lib-postgres.sh - a throw-away PostgreSQL 15 (Debian's) for a suite, sourced after lib.sh.
# pg_scratch_start DIR [postgresql.conf lines] : initdb in DIR/pg/data (superuser postgres,
# password "secret", scram), start it on 127.0.0.1:$PGP (a free port), stopped at exit.
# Sets PGP; asp runs a command as the postgres user. Fails the suite when it cannot start.
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
asp() { runuser -u postgres -- "$@"; }
pg_scratch_start() {
    local d=$1/pg
    mkdir -p "$d" && chown postgres "$d"
    PGP=$(free_port)
    echo secret >"$d/pw" && chown postgres "$d/pw"
    asp "$PGBIN/initdb" -D "$d/data" -U postgres --pwfile="$d/pw" -A scram-sha-256 \
        --no-sync -E UTF8 >"$1/initdb.log" 2>&1 || { not_ok "initdb"; cat "$1/initdb.log"; finish; }
    printf 'fsync = off\n%s\n' "${2:-}" >>"$d/data/postgresql.conf"
    on_exit "asp $PGBIN/pg_ctl -D $d/data stop -m immediate"
    asp "$PGBIN/pg_ctl" -D "$d/data" -l "$d/pg.log" -w -t 30 \
        -o "-p $PGP -k $d -c listen_addresses=127.0.0.1" start >/dev/null ||
        { not_ok "postgres did not start"; cat "$d/pg.log"; finish; }
}

# pgb_scratch_start DIR DATABASES [pgbouncer.ini lines] : Debian's PgBouncer on
# 127.0.0.1:$PGB (a free port) with DATABASES as its [databases] lines, trust auth with
# postgres as its admin (DIR/pg as pg_scratch_start made it), stopped at exit. Sets PGB.
pgb_scratch_start() {
    local d=$1/pg
    PGB=$(free_port)
    {
        echo "[databases]"
        printf '%s\n' "$2"
        cat <<INI
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGB
auth_type = trust
auth_file = $d/users.txt
admin_users = postgres
unix_socket_dir =
pidfile = $d/bouncer.pid
logfile = $d/bouncer.log
INI
        printf '%s\n' "${3:-}"
    } >"$d/bouncer.ini"
    echo '"postgres" "secret"' >"$d/users.txt"
    chown postgres "$d/bouncer.ini" "$d/users.txt"
    asp pgbouncer -d "$d/bouncer.ini" >"$1/bouncer.out" 2>&1 ||
        { not_ok "pgbouncer did not start"; cat "$1/bouncer.out" "$d/bouncer.log"; finish; }
    on_exit "kill -CONT \$(cat $d/bouncer.pid) 2>/dev/null; kill -9 \$(cat $d/bouncer.pid)"
}
