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
