#!/usr/bin/env bash
# pgbench TPS on one private cluster with: nothing preloaded ("none"), pg_stat_statements alone ("pgss"),
# pg_querylens alone ("querylens"); several alternating rounds (restart between configurations), median
# per configuration and workload (select-only -S and tpcb-like). The extension must be installed
# (.ci/querylens). Usage: bench/tps.sh [rounds=3] [seconds=15] [clients=4] [cpu_tx=25000]
# Besides TPS (wall clock: noisy on a shared machine) it measures the server's CPU time per transaction:
# a fixed number of select-only transactions (2 clients x cpu_tx) and of tpcb-like ones (2 x cpu_tx/2),
# CPU = user+sys of the backends that ran them (the postmaster's reaped-children counters, autovacuum
# off), which contention and fsync waits barely move.
# SYNC=off runs the cluster with synchronous_commit = off, so tpcb-like TPS is bound by CPU rather than
# by the disk's flush time (the extension's cost is CPU; on a VM the flush time is the noise).
# Never touches the shared service on 5432: own data dir, Unix socket only.
set -euo pipefail
ROUNDS=${1:-3}; SECS=${2:-15}; CLIENTS=${3:-4}; CPU_TX=${4:-25000}
BIN=${PGBIN:-/usr/lib/postgresql/15/bin}
ROOT=$(mktemp -d /tmp/querylens-bench.XXXXXX)
RUN=(); [ "$(id -u)" = 0 ] && { chown postgres: "$ROOT"; RUN=(runuser -u postgres --); }
cleanup() { "${RUN[@]}" "$BIN/pg_ctl" -D "$ROOT/data" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$ROOT"; }
trap cleanup EXIT
"${RUN[@]}" "$BIN/initdb" -D "$ROOT/data" -U postgres --auth=trust --no-sync >/dev/null
cat >> "$ROOT/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$ROOT'
shared_buffers = 128MB
compute_query_id = on
max_connections = 30
autovacuum = off
include_if_exists = 'preload.conf'
synchronous_commit = ${SYNC:-on}
CONF
pg() { "${RUN[@]}" "$@"; }
start() {
    case $1 in
        none) echo "" ;;
        pgss) echo "shared_preload_libraries = 'pg_stat_statements'" ;;
        querylens) echo "shared_preload_libraries = 'pg_querylens'" ;;
        both) echo "shared_preload_libraries = 'pg_stat_statements,pg_querylens'" ;;
    esac > "$ROOT/data/preload.conf"
    pg "$BIN/pg_ctl" -D "$ROOT/data" -l "$ROOT/log" -w start >/dev/null
}
stop() { pg "$BIN/pg_ctl" -D "$ROOT/data" -m fast -w stop >/dev/null; }
# CPU ticks (user+sys) of the postmaster's exited children.
child_cpu() { awk '{print $16 + $17}' "/proc/$(head -1 "$ROOT/data/postmaster.pid")/stat"; }
start none
pg "$BIN/pgbench" -h "$ROOT" -U postgres -i -s 5 -q postgres >/dev/null 2>&1
stop
CONFIGS=(none pgss querylens)
declare -A R
for r in $(seq 1 "$ROUNDS"); do
    # rotate the order every round so that drift on a busy machine does not favour one configuration
    for i in 0 1 2; do
        c=${CONFIGS[$(( (i + r) % 3 ))]}
        start "$c"
        if [ "$c" = querylens ]; then pg "$BIN/psql" -X -q -h "$ROOT" -U postgres -c 'CREATE EXTENSION IF NOT EXISTS pg_querylens' postgres; fi
        for w in select tpcb; do
            flag=""; [ $w = select ] && flag="-S"
            tps=$(pg "$BIN/pgbench" -h "$ROOT" -U postgres -n $flag -c "$CLIENTS" -j 2 -T "$SECS" postgres 2>/dev/null \
                  | awk '/^tps/ {print $3; exit}')
            R[$c,$w]="${R[$c,$w]:-} $tps"
            echo "round $r $c $w tps=$tps"
        done
        # Server CPU per transaction: a fixed count of each kind (tpcb-like: half as many, each is
        # five statements), 2 clients.
        for w in select tpcb; do
            flag="-S"; n=$CPU_TX; [ $w = tpcb ] && { flag=""; n=$(( CPU_TX / 2 )); }
            sleep 0.5  # the backends of the run before are reaped (their CPU is not this run's)
            before=$(child_cpu)
            pg "$BIN/pgbench" -h "$ROOT" -U postgres -n $flag -c 2 -j 2 -t "$n" postgres >/dev/null 2>&1
            sleep 0.5
            us=$(awk -v a="$before" -v b="$(child_cpu)" -v n="$n" -v hz="$(getconf CLK_TCK)" \
                 'BEGIN {printf "%.2f", (b - a) / hz * 1e6 / (2 * n)}')
            R[$c,cpu_$w]="${R[$c,cpu_$w]:-} $us"
            echo "round $r $c server_cpu_us_per_${w}_tx=$us"
        done
        if [ "$c" = querylens ]; then
            pg "$BIN/psql" -X -q -At -h "$ROOT" -U postgres -c "SELECT 'querylens entries=' || entries || ' dropped=' || dropped_samples FROM querylens.info()" postgres
        fi
        stop
    done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "== medians over $ROUNDS rounds: TPS (${SECS}s, $CLIENTS clients) for select/tpcb; server CPU us per transaction for cpu_select/cpu_tpcb"
for w in select tpcb cpu_select cpu_tpcb; do
    base=$(echo "${R[none,$w]}" | median)
    for c in "${CONFIGS[@]}"; do
        m=$(echo "${R[$c,$w]}" | median)
        echo "$w $c median=$m runs=[${R[$c,$w]# }] vs_none=$(awk -v m="$m" -v b="$base" 'BEGIN {printf "%+.1f%%", (m/b-1)*100}')"
    done
done
