#!/usr/bin/env bash
# Cost of active session history at 1 s on a server with 200 active sessions (pgbench clients running
# `SELECT pg_sleep(1)` back to back), side by side with pg_wait_sampling's in-server sampling:
# - collector CPU per minute (the `ash` receiver alone, i.e. the postgresql receiver with only
#   active_session_history on, sampling every second, emitting every 10 s to a file);
# - the collector's statements' own server time per minute, from pg_stat_statements;
# - the CPU of pg_wait_sampling's collector background worker per minute (it samples every backend
#   every 10 ms inside the server; preloaded here for the comparison and as the profile source of
#   the second run).
# Two runs of DURATION seconds: ASH with the 1 s readings as the wait profile, then ASH taking the
# profile from pg_wait_sampling. Run by hand as root (not in CI):
#   cargo build -p dbintel && crates/postgresql/bench/ash_overhead.sh [DURATION]
# (DBINTEL=target/release/dbintel for a release build; a debug build overstates collector CPU.)
set -euo pipefail
DURATION=${1:-60}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
cd "$ROOT"
DBINTEL=${DBINTEL:-$ROOT/target/debug/dbintel}
BIN=${DBINTEL_PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
PORT=${PORT:-55434}
SESSIONS=${SESSIONS:-200}
TMP=$(mktemp -d /tmp/dbintel-ash-XXXX)
chown postgres "$TMP"
as_pg() { su postgres -s /bin/bash -c "$*"; }
cleanup() {
  [[ -n "${COLLECTOR_PID:-}" ]] && kill "$COLLECTOR_PID" 2>/dev/null || true
  [[ -n "${LOAD_PID:-}" ]] && kill "$LOAD_PID" 2>/dev/null || true
  as_pg "$BIN/pg_ctl -D $TMP/data -m immediate stop" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT

as_pg "$BIN/initdb -D $TMP/data -U postgres --auth=trust --no-sync" >/dev/null
as_pg "$BIN/pg_ctl -D $TMP/data -l $TMP/log -w -o \"-p $PORT -k $TMP -c listen_addresses=127.0.0.1 \
  -c max_connections=$((SESSIONS + 40)) -c shared_preload_libraries=pg_stat_statements,pg_wait_sampling \
  -c compute_query_id=on -c pg_stat_statements.track=all\" start" >/dev/null
PSQL="$BIN/psql -X -q -h 127.0.0.1 -p $PORT -U postgres -d postgres -v ON_ERROR_STOP=1"
$PSQL -c "CREATE EXTENSION pg_stat_statements" -c "CREATE EXTENSION pg_wait_sampling"
echo 'SELECT pg_sleep(1);' > "$TMP/sleep.sql"
"$BIN/pgbench" -h 127.0.0.1 -p "$PORT" -U postgres -n -f "$TMP/sleep.sql" -c "$SESSIONS" -j 4 \
  -T $((DURATION * 2 + 60)) postgres >/dev/null 2>&1 &
LOAD_PID=$!
sleep 5
ACTIVE=$($PSQL -At -c "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND wait_event = 'PgSleep'")
echo "load: $ACTIVE sessions in pg_sleep"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
PGWS_PID=$($PSQL -At -c "SELECT pid FROM pg_stat_activity WHERE backend_type = 'pg_wait_sampling collector'")

run() { # $1 = use_pg_wait_sampling
  cat > "$TMP/dbintel.yaml" <<YAML
receivers:
  ash:
    endpoint: 127.0.0.1:$PORT
    username: postgres
    database: postgres
    collection_interval: 1s
    report_interval: 10s
    use_pg_wait_sampling: $1
exporters:
  file:
    path: $TMP/out-$1.jsonl
service:
  telemetry: {metrics: {address: 127.0.0.1:0}, logs: {level: warn}}
  pipelines:
    metrics: {receivers: [ash], exporters: [file]}
    logs: {receivers: [ash], exporters: [file]}
YAML
  $PSQL -c "SELECT pg_stat_statements_reset()" >/dev/null
  "$DBINTEL" run --config "$TMP/dbintel.yaml" 2>"$TMP/collector-$1.log" &
  COLLECTOR_PID=$!
  sleep 3
  local c0 w0 c1 w1 rss
  c0=$(cpu_ticks "$COLLECTOR_PID"); w0=$(cpu_ticks "$PGWS_PID")
  sleep "$DURATION"
  c1=$(cpu_ticks "$COLLECTOR_PID"); w1=$(cpu_ticks "$PGWS_PID")
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$COLLECTOR_PID/status")
  kill -TERM "$COLLECTOR_PID"; wait "$COLLECTOR_PID" || true; COLLECTOR_PID=
  local srv
  srv=$($PSQL -At -c "SELECT round(coalesce(sum(total_exec_time + total_plan_time), 0)::numeric, 1) || '|' || coalesce(sum(calls), 0)
                      FROM pg_stat_statements WHERE query LIKE '/* dbintel */%'")
  python3 - "$1" "$DURATION" "$HZ" "$c0" "$c1" "$w0" "$w1" "$rss" "$srv" <<'PY'
import sys
mode, dur, hz, c0, c1, w0, w1, rss, srv = sys.argv[1:]
dur, hz = float(dur), float(hz)
per_min = 60.0 / dur
col = (int(c1) - int(c0)) / hz * 1000 * per_min
pgws = (int(w1) - int(w0)) / hz * 1000 * per_min
ms, calls = srv.split("|")
print(f"use_pg_wait_sampling={mode}: collector CPU {col:.0f} ms/min, RSS {int(rss)/1024:.1f} MiB; "
      f"collector statements {int(calls)} calls, {float(ms) * per_min:.0f} ms server time/min; "
      f"pg_wait_sampling collector (in-server, 10 ms) CPU {pgws:.0f} ms/min")
PY
  echo "  ASH lines written: $(wc -l < "$TMP/out-$1.jsonl"), wait_events points by source: $(grep -o '"dbintel.ash.source","value":{"stringValue":"[a-z_]*"' "$TMP/out-$1.jsonl" | sort | uniq -c | tr -s ' ' | tr '\n' ';')"
}
run false
run true
