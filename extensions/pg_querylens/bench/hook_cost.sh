#!/usr/bin/env bash
# Per-statement cost of pg_querylens vs pg_stat_statements, measured inside one backend so that the noise
# of a shared machine cancels: a PL/pgSQL loop runs pgbench's select-only statement N times (both
# extensions preloaded, track = all so the loop's statements are tracked), alternating in the same
# session between: nothing tracking ("none"), pg_stat_statements only ("pgss"), pg_querylens only
# ("querylens"); R rounds, median microseconds per statement. Usage: bench/hook_cost.sh [rounds=15] [n=20000]
set -euo pipefail
ROUNDS=${1:-15}; N=${2:-20000}
BIN=${PGBIN:-/usr/lib/postgresql/15/bin}
ROOT=$(mktemp -d /tmp/querylens-hook.XXXXXX)
RUN=(); [ "$(id -u)" = 0 ] && { chown postgres: "$ROOT"; RUN=(runuser -u postgres --); }
pg() { "${RUN[@]}" "$@"; }
cleanup() { pg "$BIN/pg_ctl" -D "$ROOT/data" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$ROOT"; }
trap cleanup EXIT
pg "$BIN/initdb" -D "$ROOT/data" -U postgres --auth=trust --no-sync >/dev/null
cat >> "$ROOT/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$ROOT'
shared_preload_libraries = 'pg_stat_statements,pg_querylens'
compute_query_id = on
autovacuum = off
CONF
pg "$BIN/pg_ctl" -D "$ROOT/data" -l "$ROOT/log" -w start >/dev/null
pg "$BIN/pgbench" -h "$ROOT" -U postgres -i -s 1 -q postgres >/dev/null 2>&1
PSQL=("$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$ROOT" -U postgres -d postgres)
pg "${PSQL[@]}" <<'SQL'
CREATE EXTENSION pg_stat_statements;
CREATE EXTENSION pg_querylens;
CREATE FUNCTION loop_us(n int) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; x int;
BEGIN
  t0 := clock_timestamp();
  FOR i IN 1..n LOOP
    SELECT abalance INTO x FROM pgbench_accounts WHERE aid = (i % 100000) + 1;
  END LOOP;
  RETURN extract(epoch FROM clock_timestamp() - t0) * 1e6 / n;
END $$;
SQL
{
    echo "SET pg_querylens.track = 'all'; SELECT loop_us($N);"  # warm-up
    for r in $(seq 1 "$ROUNDS"); do
        echo "SET pg_querylens.enabled = off; SET pg_stat_statements.track = 'none'; SELECT 'none', loop_us($N);"
        echo "SET pg_querylens.enabled = off; SET pg_stat_statements.track = 'all'; SELECT 'pgss', loop_us($N);"
        echo "SET pg_querylens.enabled = on; SET pg_stat_statements.track = 'none'; SELECT 'querylens', loop_us($N);"
    done
} | pg "${PSQL[@]}" | grep '|' > "$ROOT/out"
echo "== median us per statement over $ROUNDS rounds of $N statements (one backend, interleaved)"
for m in none pgss querylens; do
    grep "^$m|" "$ROOT/out" | cut -d'|' -f2 | sort -n | awk -v m="$m" '{a[NR]=$1} END {printf "%s %.3f\n", m, a[int((NR+1)/2)]}'
done | tee "$ROOT/med"
awk 'NR==1 {b=$2} {printf "%s +%.3f us/statement (%+.1f%%)\n", $1, $2-b, ($2/b-1)*100}' "$ROOT/med"
pg "${PSQL[@]}" -c "SELECT 'querylens loop entry calls=' || calls FROM querylens.query_stats WHERE calls > 1000"
