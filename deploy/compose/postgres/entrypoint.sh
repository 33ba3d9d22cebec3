#!/bin/bash
# First start: initdb (superuser password from POSTGRES_PASSWORD), the monitoring role `dbintel`
# (password from DBINTEL_PG_PASSWORD, member of pg_monitor), then every *.sql file in
# /docker-entrypoint-initdb.d run as the superuser. Every start: postgres in the foreground, so it
# gets the container's SIGTERM (a fast shutdown).
# DBINTEL_QUERYLENS=on (set by the image built with QUERYLENS=on) also preloads pg_querylens and
# creates it in the `postgres` database, which dbintel connects to (its statistics cover every database).
set -euo pipefail

preload=pg_stat_statements
if [ "${DBINTEL_QUERYLENS:-off}" = on ]; then
    preload=pg_stat_statements,pg_querylens
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set (see deploy/compose/.env.example)}"
    : "${DBINTEL_PG_PASSWORD:?DBINTEL_PG_PASSWORD must be set (see deploy/compose/.env.example)}"
    pwfile=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
    initdb -D "$PGDATA" -U postgres --pwfile="$pwfile" --auth-local=peer --auth-host=scram-sha-256 \
        --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pwfile"
    echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
    cat >> "$PGDATA/postgresql.conf" <<CONF
listen_addresses = '*'
shared_preload_libraries = '$preload'
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
    if [ "$preload" != pg_stat_statements ]; then
        # The extension grants pg_monitor what dbintel reads (query_stats, plan_changes, info()).
        psql -v ON_ERROR_STOP=1 -q -d postgres -c 'CREATE EXTENSION IF NOT EXISTS pg_querylens;'
        echo "pg_querylens $(psql -qAt -d postgres -c 'SELECT version FROM querylens.info()') preloaded and created"
    fi
    for f in /docker-entrypoint-initdb.d/*.sql; do
        [ -e "$f" ] || continue
        echo "running $f"
        psql -v ON_ERROR_STOP=1 -q -d postgres -f "$f" >/dev/null
    done
    pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
elif [ "$preload" != pg_stat_statements ] && ! grep -qs "pg_querylens" "$PGDATA/postgresql.conf" "$PGDATA/postgresql.auto.conf"; then
    # The settings are written at the first start only: a volume made by the image without it keeps them.
    echo "pg_querylens is installed in this image but the data volume was initialised without it: run" \
        "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements', 'pg_querylens'; restart;" \
        "CREATE EXTENSION pg_querylens; (or start over: docker compose down -v)" >&2
fi

exec postgres -D "$PGDATA"
