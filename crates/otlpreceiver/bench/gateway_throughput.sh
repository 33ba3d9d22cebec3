#!/usr/bin/env bash
# Gateway throughput (issue 15, performance): OTLP/gRPC metrics in -> batch -> OTLP/gRPC out, the
# gateway pinned to ONE core (taskset -c $GW_CPU), dbintel side by side with rotel (PyPI `rotel`,
# the rotel-agent binary) on the same load and the same sink.
#
# - load: `otlp_bench load` (bench/otlp_bench.rs) sends one pre-encoded request of POINTS points
#   (database-like: 50 metrics, 3 attributes per point) over CONNS connections x INFLIGHT calls, as
#   fast as the gateway takes it, for SECONDS; refusals (backpressure) are backed off and counted.
# - sink: `otlp_bench sink`, a tonic OTLP/gRPC server that decodes every request and counts points.
# - Both run on the other core ($HARNESS_CPU). First the harness alone (load -> sink directly): its
#   ceiling must be well above the gateways' rates, or the figures measure the harness.
# - points/s: points that arrived at the sink from the load's start until the gateway drained (the
#   sink's count stops growing), over that time. RSS: the gateway's peak (VmHWM) and its RSS at the
#   end of the load.
# Both gateways export uncompressed (the same work; gzip would measure the compressors' levels).
#
# Run by hand (not in CI), after a release build:
#   cargo build --release -p dbintel && cargo build --release -p dbintel-otlpreceiver --example otlp_bench
#   crates/otlpreceiver/bench/gateway_throughput.sh [SECONDS] [POINTS_PER_REQUEST]
# Needs: taskset (util-linux), python3 with `rotel` (pip install rotel).
set -euo pipefail
SECS=${1:-20}
POINTS=${2:-1000}
CONNS=${CONNS:-4}
INFLIGHT=${INFLIGHT:-8}
GW_CPU=${GW_CPU:-1}
HARNESS_CPU=${HARNESS_CPU:-0}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
DBINTEL=${DBINTEL:-$ROOT/target/release/dbintel}
BENCH=${BENCH:-$ROOT/target/release/examples/otlp_bench}
ROTEL=${ROTEL:-$(python3 -c "import rotel, os; print(os.path.join(os.path.dirname(rotel.__file__), 'rotel-agent'))")}
SINK_PORT=${SINK_PORT:-47317}
GW_PORT=${GW_PORT:-47318}
GW_HTTP_PORT=${GW_HTTP_PORT:-47319}
TMP=$(mktemp -d /tmp/dbintel-gateway-bench-XXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
for f in "$DBINTEL" "$BENCH" "$ROTEL"; do
  [[ -x $f ]] || { echo "missing $f (see the header of $0)" >&2; exit 1; }
done

now_ms() { date +%s%3N; }
wait_port() {
  for _ in $(seq 1 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "nothing listens on $1" >&2
  exit 1
}
# points/s at the sink: the points that arrived from the load's start ($1, unix ms) until the sink's
# count last grew (a gateway may accept faster than it delivers and drain after the load ends),
# divided by that time. From the sink's once-a-second lines.
rate() {
  awk -v a="$1" '$1 >= a { if (!n++) { t0 = a; p0 = base } if ($2 > last) { t1 = $1; p1 = $2 } last = $2 }
    $1 < a { base = $2 }
    END { if (t1 > t0) printf "%.0f", (p1 - p0) * 1000 / (t1 - t0); else print 0 }' "$2"
}
# Waits (at most 60 s) until the sink's count has not grown for 3 s: the gateway has drained.
drained() {
  local last=-1 same=0
  for _ in $(seq 1 60); do
    sleep 1
    local now; now=$(tail -1 "$1" | awk '{print $2}')
    if [[ $now == "$last" ]]; then same=$((same + 1)); [[ $same -ge 3 ]] && return 0; else same=0; fi
    last=$now
  done
}
kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

# run LABEL CMD...: sink, then the gateway (CMD, pinned) unless LABEL is "harness", then the load.
run() {
  local label=$1; shift
  local out="$TMP/sink-$label.txt" target=$SINK_PORT gw=
  taskset -c "$HARNESS_CPU" "$BENCH" sink "127.0.0.1:$SINK_PORT" >"$out" &
  local sink=$!; PIDS+=("$sink")
  wait_port "$SINK_PORT"
  if [[ $label != harness ]]; then
    taskset -c "$GW_CPU" "$@" >"$TMP/gw-$label.log" 2>&1 &
    gw=$!; PIDS+=("$gw")
    wait_port "$GW_PORT"
    target=$GW_PORT
  fi
  local start; start=$(now_ms)
  local load; load=$(taskset -c "$HARNESS_CPU" "$BENCH" load "http://127.0.0.1:$target" "$SECS" "$CONNS" "$INFLIGHT" "$POINTS")
  local end; end=$(now_ms)
  local rss=0 hwm=0
  if [[ -n $gw ]]; then rss=$(kb "$gw" VmRSS); hwm=$(kb "$gw" VmHWM); fi
  drained "$out"
  local r; r=$(rate "$start" "$out")
  printf '%-26s %12s points/s at the sink   RSS peak %4d MB, at end %4d MB   | load: %s\n' \
    "$label" "$r" $((hwm / 1024)) $((rss / 1024)) "$load"
  [[ -n $gw ]] && kill "$gw" 2>/dev/null && wait "$gw" 2>/dev/null || true
  kill "$sink" 2>/dev/null; wait "$sink" 2>/dev/null || true
  sleep 0.5
}

cat >"$TMP/dbintel.yaml" <<EOF
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:$GW_PORT
processors:
  batch:
    timeout: 200ms
    send_batch_size: 8192
exporters:
  otlp:
    endpoint: http://127.0.0.1:$SINK_PORT
    compression: none
    sending_queue:
      block_on_overflow: true
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    metrics:
      receivers: [otlp]
      processors: [batch]
      exporters: [otlp]
EOF

echo "gateway on CPU $GW_CPU, load and sink on CPU $HARNESS_CPU; $SECS s per run, $POINTS points per request, $CONNS x $INFLIGHT calls in flight"
run harness
run dbintel "$DBINTEL" run --config "$TMP/dbintel.yaml"
run rotel "$ROTEL" start --otlp-grpc-endpoint "127.0.0.1:$GW_PORT" --otlp-http-endpoint "127.0.0.1:$GW_HTTP_PORT" \
  --exporter otlp --otlp-exporter-endpoint "http://127.0.0.1:$SINK_PORT" --otlp-exporter-protocol grpc \
  --otlp-exporter-compression none
if [[ ${GATEWAY_EXAMPLE:-1} == 1 ]]; then
  # examples/gateway/gateway.yaml as documented: memory_limiter, persistent queue (file_storage), gzip.
  NEW_RELIC_LICENSE_KEY=bench NEW_RELIC_OTLP_ENDPOINT="http://127.0.0.1:$SINK_PORT" \
    DBINTEL_OTLP_GRPC_ENDPOINT="127.0.0.1:$GW_PORT" DBINTEL_OTLP_HTTP_ENDPOINT="127.0.0.1:$GW_HTTP_PORT" \
    DBINTEL_HEALTH_ENDPOINT=127.0.0.1:47320 DBINTEL_TELEMETRY_PORT=47321 DBINTEL_QUEUE_DIR="$TMP/queue" \
    run dbintel-example-gateway "$DBINTEL" run --config "$ROOT/examples/gateway/gateway.yaml"
fi
