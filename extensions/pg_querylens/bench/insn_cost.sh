#!/usr/bin/env bash
# Instructions per statement with nothing preloaded ("none"), pg_stat_statements alone ("pgss") and
# pg_querylens alone ("querylens"), counted by valgrind (callgrind) in a single-user backend
# (`postgres --single`), so the figure does not depend on the load of a shared machine. Workloads:
#   top:  N top-level statements read from stdin (parse, plan, execute each: the planner hook runs);
#   loop: one PL/pgSQL loop running the statement N times (cached plan, executor hooks only; track=all);
#   tpcb: N of pgbench's tpcb-like transactions (BEGIN, three UPDATEs, a SELECT, an INSERT, END), top level.
# The statement of top and loop is pgbench's select-only one. Each (workload, configuration) runs with N1
# and N2 statements (transactions for tpcb); (I(N2) - I(N1)) / (N2 - N1) cancels start-up and shutdown.
# The extension must be installed.
# Usage: bench/insn_cost.sh [n1=1000] [n2=3000] [configs="none pgss querylens"] [workloads="top loop"]
# Set KEEP=DIR to keep the callgrind outputs there (per-function breakdown: callgrind_annotate --inclusive=yes).
# Set QL_LIB=/path/to/pg_querylens.so to measure a build without installing it (preloaded by path).
set -euo pipefail
N1=${1:-1000}; N2=${2:-3000}; CONFIGS=${3:-none pgss querylens}; WORKLOADS=${4:-top loop}
BIN=${PGBIN:-/usr/lib/postgresql/15/bin}
ROOT=$(mktemp -d /tmp/querylens-insn.XXXXXX)
RUN=(); [ "$(id -u)" = 0 ] && { chown postgres: "$ROOT"; RUN=(runuser -u postgres --); }
pg() { "${RUN[@]}" "$@"; }
cleanup() { pg "$BIN/pg_ctl" -D "$ROOT/data" -m immediate -w stop >/dev/null 2>&1 || true; rm -rf "$ROOT"; }
trap cleanup EXIT
pg "$BIN/initdb" -D "$ROOT/data" -U postgres --auth=trust --no-sync >/dev/null
cat >> "$ROOT/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$ROOT'
compute_query_id = on
autovacuum = off
CONF
pg "$BIN/pg_ctl" -D "$ROOT/data" -l "$ROOT/log" -w start >/dev/null
pg "$BIN/pgbench" -h "$ROOT" -U postgres -i -s 1 -q postgres >/dev/null 2>&1
pg "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$ROOT" -U postgres -d postgres <<'SQL'
CREATE FUNCTION loop_n(n int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE x int; s int := 0;
BEGIN
  FOR i IN 1..n LOOP
    SELECT abalance INTO x FROM pgbench_accounts WHERE aid = (i % 100000) + 1;
    s := s + x;
  END LOOP;
  RETURN s;
END $$;
VACUUM ANALYZE;
CHECKPOINT;
SQL
pg "$BIN/pg_ctl" -D "$ROOT/data" -m fast -w stop >/dev/null

input() { # workload n
    if [ "$1" = top ]; then
        # A first statement outside the count would not change the difference; all N are alike.
        awk -v n="$2" 'BEGIN { for (i = 1; i <= n; i++) printf "SELECT abalance FROM pgbench_accounts WHERE aid = %d;\n", (i * 7919) % 100000 + 1 }'
    elif [ "$1" = tpcb ]; then
        # pgbench's built-in tpcb-like script at scale 1 (1 branch, 10 tellers, 100,000 accounts).
        awk -v n="$2" 'BEGIN { for (i = 1; i <= n; i++) {
            a = (i * 7919) % 100000 + 1; t = i % 10 + 1; d = (i * 31) % 10001 - 5000
            printf "BEGIN;\nUPDATE pgbench_accounts SET abalance = abalance + %d WHERE aid = %d;\n", d, a
            printf "SELECT abalance FROM pgbench_accounts WHERE aid = %d;\n", a
            printf "UPDATE pgbench_tellers SET tbalance = tbalance + %d WHERE tid = %d;\n", d, t
            printf "UPDATE pgbench_branches SET bbalance = bbalance + %d WHERE bid = 1;\n", d
            printf "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (%d, 1, %d, %d, CURRENT_TIMESTAMP);\nEND;\n", t, a, d
        } }'
    else
        echo "SELECT loop_n($2);"
    fi
}
preload() {
    case $1 in
        none) echo "" ;;
        pgss) echo "pg_stat_statements" ;;
        querylens) echo "${QL_LIB:-pg_querylens}" ;;
        both) echo "pg_stat_statements,${QL_LIB:-pg_querylens}" ;;
    esac
}
# Total instructions (Ir) of one single-user run.
count() { # workload config n
    local out="$ROOT/cg.$1.$2.$3"
    # Every run starts from the same database: tpcb writes (new rows, dead tuples, a longer history).
    rm -rf "$ROOT/run"; pg cp -a "$ROOT/data" "$ROOT/run"
    input "$1" "$3" | pg valgrind --tool=callgrind --callgrind-out-file="$out" \
        "$BIN/postgres" --single -D "$ROOT/run" \
        -c shared_preload_libraries="$(preload "$2")" \
        -c pg_stat_statements.track=all -c pg_querylens.track=all postgres >/dev/null 2>"$out.err" \
        || { cat "$out.err" >&2; exit 1; }
    [ -n "${KEEP:-}" ] && { mkdir -p "$KEEP"; cp "$out" "$KEEP/"; }
    awk '/^summary:/ { print $2 }' "$out"
}
printf "%-5s %-10s %14s %14s %12s\n" workload config "Ir(n=$N1)" "Ir(n=$N2)" "Ir/statement"
for w in $WORKLOADS; do
    for c in $CONFIGS; do
        a=$(count "$w" "$c" "$N1"); b=$(count "$w" "$c" "$N2")
        printf "%-5s %-10s %14d %14d %12.0f\n" "$w" "$c" "$a" "$b" "$(echo "($b - $a) / ($N2 - $N1)" | bc -l)"
    done
done
