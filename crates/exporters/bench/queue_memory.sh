#!/usr/bin/env bash
# Memory of the sending queue against a backend that accepts TCP and never answers (issue 8, finding 8):
# the release binary, a `sqlquery` receiver returning ROWS rows (one data point each) every second from a
# throwaway PostgreSQL, into an `otlp` (gRPC) and an `otlphttp` exporter whose endpoints accept
# connections and never write a byte. Samples the process RSS from /proc and the queued bytes the
# exporters report (`dbintel_exporter_queue_bytes`), for the default queue (max_size_mib 256,
# queue_size 1000) and for `queue_size: 100`.
# Run by hand as root (not in CI):
#   cargo build --release -p dbintel && crates/exporters/bench/queue_memory.sh [SECONDS] [ROWS]
# Needs: PostgreSQL server binaries (/usr/lib/postgresql/*/bin or DBINTEL_PG_BINDIR), curl, python3.
set -euo pipefail
SECONDS_PER_RUN=${1:-60}
ROWS=${2:-100000}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
DBINTEL=${DBINTEL:-$ROOT/target/release/dbintel}
BIN=${DBINTEL_PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
PORT=${PORT:-55434}
PEER_GRPC=${PEER_GRPC:-55435}
PEER_HTTP=${PEER_HTTP:-55436}
TELEMETRY=${TELEMETRY:-127.0.0.1:55437}
TMP=$(mktemp -d /tmp/dbintel-queue-mem-XXXX)
chown postgres "$TMP"
as_pg() { su postgres -s /bin/bash -c "$*"; }
cleanup() {
  [[ -n "${COLLECTOR_PID:-}" ]] && kill "$COLLECTOR_PID" 2>/dev/null || true
  [[ -n "${PEER_PID:-}" ]] && kill "$PEER_PID" 2>/dev/null || true
  as_pg "$BIN/pg_ctl -D $TMP/data -m fast stop" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT

as_pg "$BIN/initdb -D $TMP/data -U postgres --auth=trust --no-sync" >/dev/null
as_pg "$BIN/pg_ctl -D $TMP/data -l $TMP/log -w -o \"-p $PORT -k $TMP -c listen_addresses=127.0.0.1 -c fsync=off\" start" >/dev/null

# The silent backend: accepts every connection, reads and discards, never answers.
python3 - "$PEER_GRPC" "$PEER_HTTP" <<'PY' &
import socket, sys, threading
def drain(c):
    try:
        while c.recv(65536):
            pass
    except OSError:
        pass
def serve(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(1024)
    while True:
        c, _ = s.accept()
        threading.Thread(target=drain, args=(c,), daemon=True).start()
for p in sys.argv[1:]:
    threading.Thread(target=serve, args=(int(p),), daemon=True).start()
threading.Event().wait()
PY
PEER_PID=$!

run() {
  local label=$1 queue=$2
  cat > "$TMP/config.yaml" <<YAML
receivers:
  sqlquery:
    driver: postgres
    datasource: "host=127.0.0.1 port=$PORT user=postgres dbname=postgres sslmode=disable"
    collection_interval: 1s
    initial_delay: 0s
    queries:
      - sql: "SELECT g AS v, 'series-' || (g % 1000) AS series, 'host-' || (g % 7) AS host FROM generate_series(1, $ROWS) g"
        metrics:
          - metric_name: bench.value
            value_column: v
            attribute_columns: [series, host]
exporters:
  otlp:
    endpoint: http://127.0.0.1:$PEER_GRPC
    timeout: 5s
    sending_queue: $queue
  otlphttp:
    endpoint: http://127.0.0.1:$PEER_HTTP
    timeout: 5s
    sending_queue: $queue
service:
  telemetry:
    metrics:
      address: $TELEMETRY
  pipelines:
    metrics:
      receivers: [sqlquery]
      exporters: [otlp, otlphttp]
YAML
  "$DBINTEL" run --config "$TMP/config.yaml" >"$TMP/collector.log" 2>&1 &
  COLLECTOR_PID=$!
  echo "--- $label: sending_queue $queue, $ROWS points/s into each exporter, ${SECONDS_PER_RUN}s"
  printf '%6s %9s %9s %12s %12s %9s\n' t_s rss_mb hwm_mb queued_mb req_queued accepted
  local t=0
  while (( t < SECONDS_PER_RUN )); do
    sleep 5; t=$(( t + 5 ))
    kill -0 "$COLLECTOR_PID" 2>/dev/null || { echo "collector exited"; tail -20 "$TMP/collector.log"; return 1; }
    local rss hwm m qbytes qreq sent
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$COLLECTOR_PID/status")
    hwm=$(awk '/VmHWM/ {print $2}' "/proc/$COLLECTOR_PID/status")
    m=$(curl -sf "http://$TELEMETRY/metrics" || true)
    qbytes=$(awk '/^dbintel_exporter_queue_bytes[{ ]/ {s += $NF} END {print s + 0}' <<<"$m")
    qreq=$(awk '/^otelcol_exporter_queue_size[{ ]/ {s += $NF} END {print s + 0}' <<<"$m")
    sent=$(awk '/^otelcol_receiver_accepted_metric_points(_total)?[{ ]/ {s += $NF} END {print s + 0}' <<<"$m")
    awk -v t="$t" -v r="$rss" -v h="$hwm" -v q="$qbytes" -v n="$qreq" -v s="$sent" \
      'BEGIN {printf "%6d %9.1f %9.1f %12.1f %12d %9d\n", t, r/1024, h/1024, q/1048576, n, s}'
  done
  kill -TERM "$COLLECTOR_PID"; wait "$COLLECTOR_PID" || true; COLLECTOR_PID=
  grep -E "dropped|panicked" "$TMP/collector.log" | tail -3 || true
}

run default "{}"
run queue_size_100 "{queue_size: 100}"
