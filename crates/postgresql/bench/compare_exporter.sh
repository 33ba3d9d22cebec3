#!/usr/bin/env bash
# Side-by-side scrape cost of dbintel's postgresql receiver and prometheus-postgres-exporter (Debian
# package) on the same throwaway PostgreSQL with 10,000 pg_stat_statements entries and 100 tables.
# Run by hand as root (not in CI):  crates/postgresql/bench/compare_exporter.sh [SCRAPES]
# Needs: PostgreSQL server binaries (pg_config or /usr/lib/postgresql/*/bin), curl,
#        apt-get install prometheus-postgres-exporter.
set -euo pipefail
SCRAPES=${1:-20}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
BIN=${DBINTEL_PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
PORT=${PORT:-55432}
EXPORTER_PORT=${EXPORTER_PORT:-59187}
TMP=$(mktemp -d /tmp/dbintel-bench-XXXX)
chown postgres "$TMP"
PG="$BIN/postgres"
as_pg() { su postgres -s /bin/bash -c "$*"; }
cleanup() {
  [[ -n "${EXPORTER_PID:-}" ]] && kill "$EXPORTER_PID" 2>/dev/null || true
  as_pg "$BIN/pg_ctl -D $TMP/data -m fast stop" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT

as_pg "$BIN/initdb -D $TMP/data -U postgres --auth=trust --no-sync" >/dev/null
as_pg "$BIN/pg_ctl -D $TMP/data -l $TMP/log -w -o \"-p $PORT -k $TMP -c listen_addresses=127.0.0.1 \
  -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.max=12000 -c compute_query_id=on \
  -c track_io_timing=on -c fsync=off\" start" >/dev/null
PSQL="$BIN/psql -X -q -h 127.0.0.1 -p $PORT -U postgres -d postgres -v ON_ERROR_STOP=1"
$PSQL -c "CREATE EXTENSION pg_stat_statements"
"$BIN/pgbench" -h 127.0.0.1 -p "$PORT" -U postgres -i -s 5 -q postgres >/dev/null 2>&1

# 100 tables x 100 IN-list lengths = 10,000 distinct statements (distinct query ids).
python3 - "$TMP/statements.sql" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for t in range(100):
        f.write(f"CREATE TABLE bench_t{t} (a int primary key, b text);\n")
        f.write(f"INSERT INTO bench_t{t} SELECT g, md5(g::text) FROM generate_series(1, 100) g;\n")
    for t in range(100):
        for k in range(1, 101):
            items = ", ".join(str(i) for i in range(k))
            f.write(f"SELECT count(*) FROM bench_t{t} WHERE a IN ({items});\n")
PY
$PSQL -f "$TMP/statements.sql" >/dev/null
ENTRIES=$($PSQL -A -t -c "SELECT count(*) FROM pg_stat_statements")
echo "pg_stat_statements entries: $ENTRIES"

cargo build --release -q -p dbintel-postgresql --example scrape_bench --manifest-path "$ROOT/Cargo.toml"
EX="$ROOT/target/release/examples/scrape_bench"
echo "--- dbintel (metrics only; 1s interval)"
"$EX" "127.0.0.1:$PORT" postgres "$SCRAPES"
echo "--- dbintel (metrics + top_query over all $ENTRIES entries + query samples, every scrape)"
"$EX" "127.0.0.1:$PORT" postgres "$SCRAPES" events

measure_exporter() {
  local label=$1; shift
  DATA_SOURCE_NAME="postgresql://postgres@127.0.0.1:$PORT/postgres?sslmode=disable" \
    prometheus-postgres-exporter --web.listen-address="127.0.0.1:$EXPORTER_PORT" "$@" >"$TMP/exporter.log" 2>&1 &
  EXPORTER_PID=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$EXPORTER_PORT/metrics" >/dev/null && break; sleep 0.2; done
  curl -sf "http://127.0.0.1:$EXPORTER_PORT/metrics" >/dev/null   # warm-up
  local before after lines=0
  before=$(awk '{print $14+$15}' "/proc/$EXPORTER_PID/stat")
  for _ in $(seq "$SCRAPES"); do
    lines=$(curl -sf "http://127.0.0.1:$EXPORTER_PORT/metrics" | grep -vc '^#' || true)
    sleep 1
  done
  after=$(awk '{print $14+$15}' "/proc/$EXPORTER_PID/stat")
  local rss hwm
  rss=$(awk '/VmRSS/{print $2}' "/proc/$EXPORTER_PID/status")
  hwm=$(awk '/VmHWM/{print $2}' "/proc/$EXPORTER_PID/status")
  echo "exporter[$label] scrapes=$SCRAPES cpu_ms_per_scrape=$(( (after - before) * 10 / SCRAPES )) samples_per_scrape=$lines rss_kb=$rss hwm_kb=$hwm"
  kill "$EXPORTER_PID"; wait "$EXPORTER_PID" 2>/dev/null || true; EXPORTER_PID=
}
echo "--- prometheus-postgres-exporter $(prometheus-postgres-exporter --version 2>&1 | head -1)"
measure_exporter default
measure_exporter pg_stat_statements --extend.query-path="$HERE/pg_stat_statements_queries.yaml"
