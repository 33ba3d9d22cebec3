#!/bin/bash
# First start: mariadb-install-db, root's password from MARIADB_ROOT_PASSWORD, the monitoring user
# `dbintel` (password from DBINTEL_MYSQL_PASSWORD) with the grants of crates/mysql/README.md, then
# every *.sql file in /docker-entrypoint-initdb.d. Every start: mariadbd in the foreground, so it gets
# the container's SIGTERM (a clean shutdown).
set -euo pipefail

sock=/run/mysqld/mysqld.sock
if [ ! -d /var/lib/mysql/mysql ]; then
    : "${MARIADB_ROOT_PASSWORD:?MARIADB_ROOT_PASSWORD must be set (see deploy/compose/.env.example)}"
    : "${DBINTEL_MYSQL_PASSWORD:?DBINTEL_MYSQL_PASSWORD must be set (see deploy/compose/.env.example)}"
    mariadb-install-db --datadir=/var/lib/mysql --skip-test-db --auth-root-authentication-method=socket \
        --auth-root-socket-user=mysql >/dev/null
    mariadbd --skip-networking --socket="$sock" &
    pid=$!
    for _ in $(seq 1 60); do
        mariadb-admin --socket="$sock" ping --silent >/dev/null 2>&1 && break
        sleep 1
    done
    # Passwords go in on stdin, never on a command line; quotes doubled for SQL string literals.
    root_pw=${MARIADB_ROOT_PASSWORD//\'/\'\'}
    mon_pw=${DBINTEL_MYSQL_PASSWORD//\'/\'\'}
    mariadb --socket="$sock" -u mysql <<SQL
CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY '${root_pw}';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;
CREATE USER 'dbintel'@'%' IDENTIFIED BY '${mon_pw}';
GRANT PROCESS, REPLICATION CLIENT, SLAVE MONITOR ON *.* TO 'dbintel'@'%';
GRANT SELECT ON performance_schema.* TO 'dbintel'@'%';
GRANT SELECT ON *.* TO 'dbintel'@'%';
FLUSH PRIVILEGES;
SQL
    for f in /docker-entrypoint-initdb.d/*.sql; do
        [ -e "$f" ] || continue
        echo "running $f"
        mariadb --socket="$sock" -u mysql < "$f" >/dev/null
    done
    mariadb-admin --socket="$sock" -u mysql shutdown
    wait "$pid" || true
fi

exec mariadbd
