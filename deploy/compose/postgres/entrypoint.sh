#!/bin/bash
# First start: initdb (superuser password from POSTGRES_PASSWORD), the monitoring role `dbintel`
# (password from DBINTEL_PG_PASSWORD, member of pg_monitor), then every *.sql file in
# /docker-entrypoint-initdb.d run as the superuser. Every start: postgres in the foreground, so it
# gets the container's SIGTERM (a fast shutdown).
set -euo pipefail

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set (see deploy/compose/.env.example)}"
    : "${DBINTEL_PG_PASSWORD:?DBINTEL_PG_PASSWORD must be set (see deploy/compose/.env.example)}"
    pwfile=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
    initdb -D "$PGDATA" -U postgres --pwfile="$pwfile" --auth-local=peer --auth-host=scram-sha-256 \
        --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pwfile"
    echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
    cat >> "$PGDATA/postgresql.conf" <<'CONF'
listen_addresses = '*'
shared_preload_libraries = 'pg_stat_statements'
compute_query_id = on
track_io_timing = on
pg_stat_statements.track = all
track_activity_query_size = 4096
CONF
    pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
    # The password goes in on stdin as a psql variable, never on a command line.
    psql -v ON_ERROR_STOP=1 -q -d postgres -v pw="$DBINTEL_PG_PASSWORD" <<'SQL'
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
CREATE ROLE dbintel LOGIN PASSWORD :'pw';
GRANT pg_monitor TO dbintel;
SQL
    for f in /docker-entrypoint-initdb.d/*.sql; do
        [ -e "$f" ] || continue
        echo "running $f"
        psql -v ON_ERROR_STOP=1 -q -d postgres -f "$f" >/dev/null
    done
    pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
fi

exec postgres -D "$PGDATA"
