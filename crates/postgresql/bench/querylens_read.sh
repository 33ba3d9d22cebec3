#!/usr/bin/env bash
# Server time of the postgresql receiver's pg_querylens reads on a cluster with N distinct plans
# (by hand, as root, after `.ci/querylens` installed the extension): the statistics read as the
# receiver sends it, from `query_stats_raw(false)` (no plan texts) and from the `query_stats` view
# (with plan texts), plus `info()`, each timed by psql over ROUNDS runs. Usage: querylens_read.sh [N] [ROUNDS]
set -euo pipefail
N=${1:-2000}
ROUNDS=${2:-20}
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
DIR=$(mktemp -d /tmp/ql-bench-XXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
chown postgres "$DIR"
as_pg() { runuser -u postgres -- "$@"; }
cleanup() { as_pg "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$DIR"; }
trap cleanup EXIT
as_pg "$BIN/initdb" -D "$DIR/data" -U postgres >/dev/null
as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 \
  -c shared_preload_libraries=pg_stat_statements,pg_querylens -c pg_querylens.max_queries=$((N + 1000)) \
  -c fsync=off" start >/dev/null
psql() { as_pg "$BIN/psql" -X -q -A -t -h "$DIR" -p "$PORT" -U postgres -d postgres "$@"; }
psql -c "CREATE EXTENSION pg_querylens; CREATE EXTENSION pg_stat_statements;"
TABLES=50
psql -c "DO \$\$ BEGIN FOR i IN 1..$TABLES LOOP EXECUTE format('CREATE TABLE t%s (a int PRIMARY KEY, b int)', i);
  EXECUTE format('INSERT INTO t%s SELECT g, g FROM generate_series(1, 100) g', i); END LOOP; END \$\$; ANALYZE;"
# N distinct statements: table i, target list of k columns (the query id covers the target list).
python3 - "$N" "$TABLES" > "$DIR/load.sql" <<'PY'
import sys
n, tables = int(sys.argv[1]), int(sys.argv[2])
for q in range(n):
    t, k = q % tables + 1, q // tables + 1
    print(f"SELECT {', '.join(['b'] * k)} FROM t{t} WHERE a = {q % 100 + 1};")
PY
psql -f "$DIR/load.sql" >/dev/null
echo "entries: $(psql -c 'SELECT entries FROM querylens.info()')"
time_it() {
    local label=$1 sql=$2
    { echo '\timing on'; for _ in $(seq "$ROUNDS"); do echo "$sql"; done; } > "$DIR/t.sql"
    psql -f "$DIR/t.sql" | awk -v l="$label" '/^Time:/ {s += $2; n++; if ($2 > m) m = $2} END {printf "%-34s mean %.2f ms, max %.2f ms over %d runs\n", l, s/n, m, n}'
}
COLS="q.dbid::int8, q.userid::int8, q.queryid::int8, q.planid::int8, q.calls::int8, q.total_exec_time::float8, \
q.total_plan_time::float8, q.rows::int8, q.shared_blks_hit::int8, q.shared_blks_read::int8, q.shared_blks_dirtied::int8, \
q.shared_blks_written::int8, q.local_blks_hit::int8, q.local_blks_read::int8, q.temp_blks_read::int8, q.temp_blks_written::int8, \
q.mean_exec_time::float8, q.stddev_exec_time::float8, (extract(epoch FROM q.first_seen) * 1e6)::int8, d.datname::text, r.rolname::text"
JOIN="q LEFT JOIN pg_database d ON d.oid = q.dbid LEFT JOIN pg_roles r ON r.oid = q.userid ORDER BY q.calls DESC NULLS LAST LIMIT 1000"
time_it "stats, query_stats_raw(false)" "SELECT count(*) FROM (SELECT $COLS FROM querylens.query_stats_raw(false) $JOIN) s;"
time_it "stats, query_stats view" "SELECT count(*) FROM (SELECT $COLS FROM querylens.query_stats $JOIN) s;"
time_it "info()" "SELECT * FROM querylens.info();"
time_it "plan_changes view" "SELECT count(*) FROM querylens.plan_changes;"
