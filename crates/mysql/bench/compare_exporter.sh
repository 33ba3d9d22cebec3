#!/usr/bin/env bash
# Side-by-side scrape cost of dbintel's mysql receiver and prometheus-mysqld-exporter (Debian
# package) on the same throwaway MariaDB: performance_schema on, ~500 tables and ~5,000 distinct
# statement digests. dbintel runs as the release binary (every mysql metric it has, both events on,
# 1s interval, prometheus exporter); mysqld_exporter with its perf_schema digest collectors. For
# each: CPU per scrape (utime+stime from /proc/<pid>/stat over N scrapes), RSS, series per scrape.
# Run by hand as root (not in CI):  crates/mysql/bench/compare_exporter.sh [SCRAPES]
# Needs: MariaDB server binaries (mariadbd, mariadb-install-db, mariadb), curl, python3;
#        installs prometheus-mysqld-exporter with apt-get when missing.
set -euo pipefail
SCRAPES=${1:-30}
TABLES=${TABLES:-500}
SHAPES=${SHAPES:-10}   # distinct statements per table: TABLES x SHAPES digests
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=${PORT:-$(free_port)}
EXPORTER_PORT=${EXPORTER_PORT:-$(free_port)}
DBINTEL_PROM_PORT=${DBINTEL_PROM_PORT:-$(free_port)}
DBINTEL_TELEMETRY_PORT=${DBINTEL_TELEMETRY_PORT:-$(free_port)}
TMP=$(mktemp -d /tmp/dbintel-mybench-XXXX)
chown mysql "$TMP"

if ! command -v prometheus-mysqld-exporter >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus-mysqld-exporter >/dev/null
fi

cleanup() {
  [[ -n "${EXPORTER_PID:-}" ]] && kill "$EXPORTER_PID" 2>/dev/null || true
  [[ -n "${DBINTEL_PID:-}" ]] && kill "$DBINTEL_PID" 2>/dev/null || true
  [[ -n "${SERVER_PID:-}" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'echo "failed at line $LINENO; logs:" >&2; tail -n 5 "$TMP"/*.log >&2' ERR

mariadb-install-db --no-defaults --datadir="$TMP/data" --user=mysql --auth-root-authentication-method=normal \
  --skip-test-db >/dev/null 2>&1
mariadbd --no-defaults --datadir="$TMP/data" --socket="$TMP/mysqld.sock" --pid-file="$TMP/mysqld.pid" \
  --port="$PORT" --bind-address=127.0.0.1 --user=mysql --skip-log-bin --skip-name-resolve \
  --innodb-flush-log-at-trx-commit=0 \
  --performance-schema=ON --performance-schema-digests-size=20000 \
  --max-digest-length=4096 --performance-schema-max-digest-length=4096 \
  --performance-schema-max-sql-text-length=4096 \
  --performance-schema-consumer-events-statements-current=ON \
  --performance-schema-consumer-events-statements-history=ON \
  --performance-schema-consumer-events-waits-current=ON \
  --performance-schema-instrument='wait/lock/metadata/sql/mdl=ON' >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
SQL="mariadb --no-defaults --batch --skip-column-names --protocol=tcp -h 127.0.0.1 -P $PORT -u root"
for _ in $(seq 100); do $SQL -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.3; done
# One monitoring user for both (mysqld_exporter refuses a my.cnf without a password).
$SQL -e "CREATE DATABASE bench; CREATE USER 'bench'@'%' IDENTIFIED BY 'bench-pw';
  GRANT PROCESS, REPLICATION CLIENT, SELECT ON *.* TO 'bench'@'%';"

# TABLES tables x SHAPES statements that differ in an identifier (a column alias), so each is its
# own digest (literals and IN-lists are normalized away by the digest).
python3 - "$TMP/statements.sql" "$TABLES" "$SHAPES" <<'PY'
import sys
path, tables, shapes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, "w") as f:
    for t in range(tables):
        f.write(f"CREATE TABLE bench_t{t} (a INT PRIMARY KEY, b VARCHAR(32));\n")
        f.write(f"INSERT INTO bench_t{t} VALUES (1, 'x'), (2, 'y'), (3, 'z');\n")
    for t in range(tables):
        for k in range(shapes):
            f.write(f"SELECT a AS c{k}, b FROM bench_t{t} WHERE a = {k % 3 + 1};\n")
PY
$SQL bench <"$TMP/statements.sql" >/dev/null
DIGESTS=$($SQL -e 'SELECT COUNT(*) FROM performance_schema.events_statements_summary_by_digest')
echo "MariaDB $($SQL -e 'SELECT VERSION()'): $TABLES tables, digests in performance_schema: $DIGESTS"

# Every metric the mysql receiver has now (metadata.rs), all on.
METRICS=$(grep -o '=> "mysql\.[a-z0-9_.]*"' "$ROOT/crates/mysql/src/metadata.rs" | cut -d'"' -f2 |
  sed 's/.*/      &: {enabled: true}/')
cat >"$TMP/dbintel.yaml" <<EOF
receivers:
  mysql:
    endpoint: 127.0.0.1:$PORT
    username: bench
    password: bench-pw
    collection_interval: 1s
    initial_delay: 0s
    metrics:
$METRICS
    events:
      db.server.top_query: {enabled: true}
      db.server.query_sample: {enabled: true}
    # Top queries (1000 digest rows read, 200 events, plans) every 10s instead of the default 60s,
    # so their cost is in the figures several times over.
    top_query_collection:
      collection_interval: 10s
exporters:
  prometheus:
    endpoint: 127.0.0.1:$DBINTEL_PROM_PORT
  file:
    path: $TMP/events.jsonl
service:
  telemetry:
    metrics:
      address: 127.0.0.1:$DBINTEL_TELEMETRY_PORT
  pipelines:
    metrics:
      receivers: [mysql]
      exporters: [prometheus]
    logs:
      receivers: [mysql]
      exporters: [file]
EOF
cargo build --release -q -p dbintel --manifest-path "$ROOT/Cargo.toml"
DBINTEL="$ROOT/target/release/dbintel"
"$DBINTEL" validate --config "$TMP/dbintel.yaml" >/dev/null

# CPU of PID over SCRAPES scrapes of URL, one a second (a 1s collection interval for dbintel, one
# collection per request for the exporter). Prints: cpu_ms_per_scrape series rss_kb hwm_kb
# server_cpu_ms_per_scrape (mariadbd's CPU over the same window: the cost of answering).
measure() {
  local pid=$1 url=$2 before after lines=0
  for _ in $(seq 100); do curl -sf "$url" | grep -q '^mysql' && break; sleep 0.3; done
  curl -sf "$url" >/dev/null   # warm-up
  before=$(awk '{print $14+$15}' "/proc/$pid/stat")
  local server_before; server_before=$(awk '{print $14+$15}' "/proc/$SERVER_PID/stat")
  for _ in $(seq "$SCRAPES"); do
    lines=$(curl -sf "$url" | grep -vc '^#' || true)
    sleep 1
  done
  after=$(awk '{print $14+$15}' "/proc/$pid/stat")
  local server_after; server_after=$(awk '{print $14+$15}' "/proc/$SERVER_PID/stat")
  local tck; tck=$(getconf CLK_TCK)
  echo "$(awk -v t=$((after - before)) -v h="$tck" -v n="$SCRAPES" 'BEGIN{printf "%.1f", t * 1000 / h / n}') $lines $(awk '/VmRSS/{print $2}' "/proc/$pid/status") $(awk '/VmHWM/{print $2}' "/proc/$pid/status") $(awk -v t=$((server_after - server_before)) -v h="$tck" -v n="$SCRAPES" 'BEGIN{printf "%.1f", t * 1000 / h / n}')"
}

"$DBINTEL" run --config "$TMP/dbintel.yaml" >"$TMP/dbintel.log" 2>&1 &
DBINTEL_PID=$!
measure "$DBINTEL_PID" "http://127.0.0.1:$DBINTEL_PROM_PORT/metrics" >"$TMP/dbintel.txt"
read -r D_CPU D_SERIES D_RSS D_HWM D_SRV <"$TMP/dbintel.txt"
D_LOGS=$(curl -sf "http://127.0.0.1:$DBINTEL_TELEMETRY_PORT/metrics" |
  awk '/^otelcol_receiver_accepted_log_records/ {s += $NF} END {print s + 0}')
kill "$DBINTEL_PID"; wait "$DBINTEL_PID" 2>/dev/null || true; DBINTEL_PID=

printf '[client]\nuser=bench\npassword=bench-pw\nhost=127.0.0.1\nport=%s\n' "$PORT" >"$TMP/exporter.cnf"
# mysqld_exporter with every digest (as dbintel's top queries see them), then with its default
# limit of 250 digests.
run_exporter() {
  prometheus-mysqld-exporter --config.my-cnf="$TMP/exporter.cnf" --web.listen-address="127.0.0.1:$EXPORTER_PORT" \
    --collect.global_status --collect.global_variables --collect.info_schema.innodb_metrics \
    --collect.info_schema.processlist --collect.info_schema.tables \
    --collect.perf_schema.eventsstatements --collect.perf_schema.eventsstatements.limit="$1" \
    --collect.perf_schema.eventsstatementssum --collect.perf_schema.eventswaits \
    --collect.perf_schema.tableiowaits --collect.perf_schema.indexiowaits --collect.perf_schema.tablelocks \
    >"$TMP/exporter.log" 2>&1 &
  EXPORTER_PID=$!
  measure "$EXPORTER_PID" "http://127.0.0.1:$EXPORTER_PORT/metrics"
  kill "$EXPORTER_PID"; wait "$EXPORTER_PID" 2>/dev/null || true; EXPORTER_PID=
}
# (Not `read < <(...)`: bash would not wait for the exporter to stop before starting the next.)
run_exporter "$DIGESTS" >"$TMP/all.txt"
run_exporter 250 >"$TMP/default.txt"
read -r E_CPU E_SERIES E_RSS E_HWM E_SRV <"$TMP/all.txt"
read -r F_CPU F_SERIES F_RSS F_HWM F_SRV <"$TMP/default.txt"

echo
V=$(prometheus-mysqld-exporter --version 2>&1 | awk 'NR==1{print $3}')
row() { printf '%-34s %-24s %-24s %-24s\n' "$@"; }
row "" "dbintel ($(git -C "$ROOT" rev-parse --short HEAD))" "mysqld_exporter $V" "mysqld_exporter $V"
row "digests as series" "none (top queries: logs)" "all ($DIGESTS)" "250 (its default)"
row "scrapes (1/s)" "$SCRAPES" "$SCRAPES" "$SCRAPES"
row "CPU ms per scrape" "$D_CPU" "$E_CPU" "$F_CPU"
row "MariaDB server CPU ms per scrape" "$D_SRV" "$E_SRV" "$F_SRV"
row "RSS kB (peak)" "$D_RSS ($D_HWM)" "$E_RSS ($E_HWM)" "$F_RSS ($F_HWM)"
row "series per scrape (/metrics)" "$D_SERIES" "$E_SERIES" "$F_SERIES"
row "log records over the run" "$D_LOGS" "-" "-"
echo "(dbintel: every mysql metric in metadata.rs on, both events on, 1s interval; top queries and samples are log records, not series)"
