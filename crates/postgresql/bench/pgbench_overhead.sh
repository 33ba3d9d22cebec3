#!/usr/bin/env bash
# Overhead of dbintel on the monitored database: pgbench throughput without and with the collector
# running every feature (all metrics incl. the optional ones, top queries with plans, samples) at a
# 10 s interval, alternating rounds on one throwaway PostgreSQL. Run by hand as root (not in CI):
#   cargo build --release -p dbintel && crates/postgresql/bench/pgbench_overhead.sh [ROUNDS] [SECONDS]
# PGBENCH_MODE=-S runs the select-only workload (steadier on a small machine); empty = TPC-B-like.
set -euo pipefail
ROUNDS=${1:-3}
SECONDS_PER_RUN=${2:-30}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
cd "$ROOT"
DBINTEL=${DBINTEL:-$ROOT/target/release/dbintel}
BIN=${DBINTEL_PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
PORT=${PORT:-55433}
TMP=$(mktemp -d /tmp/dbintel-overhead-XXXX)
chown postgres "$TMP"
as_pg() { su postgres -s /bin/bash -c "$*"; }
cleanup() {
  [[ -n "${COLLECTOR_PID:-}" ]] && kill "$COLLECTOR_PID" 2>/dev/null || true
  as_pg "$BIN/pg_ctl -D $TMP/data -m fast stop" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT

as_pg "$BIN/initdb -D $TMP/data -U postgres --auth=trust --no-sync" >/dev/null
as_pg "$BIN/pg_ctl -D $TMP/data -l $TMP/log -w -o \"-p $PORT -k $TMP -c listen_addresses=127.0.0.1 \
  -c shared_preload_libraries=pg_stat_statements -c compute_query_id=on -c track_io_timing=on\" start" >/dev/null
PSQL="$BIN/psql -X -q -h 127.0.0.1 -p $PORT -U postgres -d postgres -v ON_ERROR_STOP=1"
$PSQL -c "CREATE EXTENSION pg_stat_statements"
"$BIN/pgbench" -h 127.0.0.1 -p "$PORT" -U postgres -i -s 10 -q postgres >/dev/null 2>&1

METRICS=$(python3 - <<'PY'
import re, pathlib
src = pathlib.Path("crates/postgresql/src/metadata.rs").read_text()
names = sorted(set(re.findall(r'=> "(postgresql\.[a-z0-9_.]+)"', src)))
print("\n".join(f"      {n}: {{enabled: true}}" for n in names))
PY
)
cat > "$TMP/dbintel.yaml" <<YAML
receivers:
  postgresql:
    endpoint: 127.0.0.1:$PORT
    username: postgres
    tls: {insecure: true}
    collection_interval: 10s
    metrics:
$METRICS
    events:
      db.server.top_query: {enabled: true}
      db.server.query_sample: {enabled: true}
    top_query_collection: {collection_interval: 10s}
processors:
  batch:
exporters:
  file:
    path: $TMP/out.jsonl
service:
  telemetry: {metrics: {level: none}, logs: {level: warn}}
  pipelines:
    metrics: {receivers: [postgresql], processors: [batch], exporters: [file]}
    logs: {receivers: [postgresql], processors: [batch], exporters: [file]}
YAML
"$DBINTEL" validate --config "$TMP/dbintel.yaml" >/dev/null

tps() {
  # shellcheck disable=SC2086
  "$BIN/pgbench" -h 127.0.0.1 -p "$PORT" -U postgres -c 4 -j 2 -T "$SECONDS_PER_RUN" -n ${PGBENCH_MODE:-} postgres 2>/dev/null \
    | awk '/^tps/ {print $3; exit}'
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

declare -a OFF ON
$PSQL -c "SELECT pg_stat_statements_reset()" >/dev/null
for r in $(seq 1 "$ROUNDS"); do
  OFF+=("$(tps)")
  "$DBINTEL" run --config "$TMP/dbintel.yaml" 2>"$TMP/collector.log" &
  COLLECTOR_PID=$!
  sleep 2
  START=$(cpu_ticks "$COLLECTOR_PID")
  ON+=("$(tps)")
  END=$(cpu_ticks "$COLLECTOR_PID")
  RSS=$(awk '/VmRSS/ {print $2}' "/proc/$COLLECTOR_PID/status")
  kill -TERM "$COLLECTOR_PID"; wait "$COLLECTOR_PID" || true; COLLECTOR_PID=
  echo "round $r: without ${OFF[-1]} tps, with ${ON[-1]} tps; collector CPU $(( (END - START) * 10 )) ms over ${SECONDS_PER_RUN}s, RSS ${RSS} kB"
done
python3 - "${OFF[@]}" -- "${ON[@]}" <<'PY'
import sys, statistics
args = sys.argv[1:]
i = args.index("--")
off = [float(x) for x in args[:i]]
on = [float(x) for x in args[i + 1:]]
mo, mn = statistics.mean(off), statistics.mean(on)
print(f"mean without {mo:.1f} tps, with {mn:.1f} tps: overhead {(mo - mn) / mo * 100:+.2f}% "
      f"(round-to-round spread without: {(max(off) - min(off)) / mo * 100:.2f}%)")
PY
# Server time spent on the collector's own statements (they all start with /* dbintel */), against the
# wall time the collector ran: the share of one backend's time the monitoring cost the database.
$PSQL -At -c "SELECT round(coalesce(sum(total_exec_time + total_plan_time), 0)::numeric, 1), coalesce(sum(calls), 0)
              FROM pg_stat_statements WHERE query LIKE '/* dbintel */%'" | {
  IFS='|' read -r MS CALLS
  python3 -c "import sys; ms, calls, secs = float(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]); \
print(f'collector statements: {calls} calls, {ms:.1f} ms of server time over {secs:.0f} s of collection = {ms / (secs * 1000) * 100:.3f}% of one backend')" \
    "$MS" "$CALLS" "$(( ROUNDS * (SECONDS_PER_RUN + 2) ))"
}
echo "events and points written: $(wc -l < "$TMP/out.jsonl") lines, top-query events: $(grep -o 'db.server.top_query' "$TMP/out.jsonl" | wc -l)"
