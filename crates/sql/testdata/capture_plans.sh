#!/usr/bin/env bash
# Capture real EXPLAIN JSON plans from a throwaway PostgreSQL and a throwaway MariaDB into
# crates/sql/testdata/plans/{pg,mysql}/. Run as root (servers run as postgres / mysql users):
#
#     crates/sql/testdata/capture_plans.sh
#
# Uses temp data directories and free ports; stops both servers at the end. Never touches a server on
# the default ports.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT_PG="$HERE/plans/pg"
OUT_MY="$HERE/plans/mysql"
mkdir -p "$OUT_PG" "$OUT_MY"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# ---------------------------------------------------------------- PostgreSQL
PGDIR="$(mktemp -d /tmp/dbintel-sql-pg.XXXXXX)"
chown postgres "$PGDIR"
PGPORT="$(free_port)"
runuser -u postgres -- initdb -D "$PGDIR/data" -A trust -U postgres >/dev/null
runuser -u postgres -- pg_ctl -D "$PGDIR/data" -o "-p $PGPORT -k $PGDIR -c listen_addresses=''" -l "$PGDIR/log" -w start >/dev/null
trap 'runuser -u postgres -- pg_ctl -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true' EXIT
PSQL=(runuser -u postgres -- psql -h "$PGDIR" -p "$PGPORT" -U postgres -X -q -v ON_ERROR_STOP=1 -At)
"${PSQL[@]}" <<'SQL'
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, tenant_id int NOT NULL, created_at timestamptz NOT NULL, deleted_at timestamptz);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users(id), status text NOT NULL, total numeric(12,2) NOT NULL, created_at timestamptz NOT NULL);
CREATE TABLE line_items (id bigserial PRIMARY KEY, order_id bigint NOT NULL, product_id int NOT NULL, quantity int NOT NULL, unit_price numeric(10,2) NOT NULL);
CREATE TABLE products (id int PRIMARY KEY, sku text NOT NULL, category_id int NOT NULL, price numeric(10,2) NOT NULL);
INSERT INTO users SELECT g, 'user' || g || '@example.com', g % 50, now() - (g || ' minutes')::interval, CASE WHEN g % 97 = 0 THEN now() END FROM generate_series(1, 50000) g;
INSERT INTO orders SELECT g, 1 + (g * 7919) % 50000, (ARRAY['pending','paid','shipped','cancelled'])[1 + g % 4], (g % 1000) + 0.99, now() - (g || ' seconds')::interval FROM generate_series(1, 200000) g;
INSERT INTO line_items (order_id, product_id, quantity, unit_price) SELECT 1 + g % 200000, 1 + g % 2000, 1 + g % 5, (g % 300) + 0.5 FROM generate_series(1, 400000) g;
INSERT INTO products SELECT g, 'SKU-' || g, g % 40, (g % 500) + 0.25 FROM generate_series(1, 2000) g;
CREATE INDEX orders_user_id_idx ON orders (user_id);
CREATE INDEX orders_created_at_idx ON orders (created_at);
CREATE INDEX users_email_idx ON users (email);
CREATE INDEX line_items_order_id_idx ON line_items (order_id);
VACUUM ANALYZE;
SQL
n=0
explain() { # name, options, sql, [settings]
  local name="$1" opts="$2" sql="$3" settings="${4:-}"
  "${PSQL[@]}" -c "$settings" -c "EXPLAIN ($opts, FORMAT JSON) $sql" > "$OUT_PG/$name.json"
  n=$((n+1))
}
explain seq_scan_filter "COSTS" "SELECT * FROM users WHERE email LIKE '%alice%' AND tenant_id = 7"
explain index_scan "COSTS" "SELECT * FROM users WHERE id = 42"
explain index_only_analyze "ANALYZE, BUFFERS" "SELECT id FROM users WHERE id BETWEEN 100 AND 200"
explain bitmap_scan "COSTS" "SELECT * FROM orders WHERE user_id IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40)"
explain hash_join_analyze "ANALYZE, BUFFERS" "SELECT o.id, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.status = 'paid' AND u.tenant_id = 3"
explain nested_loop "COSTS" "SELECT o.id, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.id = 77"
explain merge_join "COSTS" "SELECT * FROM orders o JOIN line_items li ON li.order_id = o.id ORDER BY o.id" "SET enable_hashjoin = off"
explain disk_sort_analyze "ANALYZE, BUFFERS" "SELECT * FROM line_items ORDER BY unit_price DESC, id" "SET work_mem = '64kB'"
explain hash_agg_analyze "ANALYZE, BUFFERS" "SELECT user_id, count(*), sum(total) FROM orders GROUP BY user_id HAVING sum(total) > 5000" "SET work_mem = '64kB'"
explain parallel_analyze "ANALYZE, BUFFERS" "SELECT status, count(*) FROM orders WHERE total > 10.5 GROUP BY status" "SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 2"
explain parallel_plain "COSTS" "SELECT * FROM line_items WHERE quantity = 3 AND unit_price > 100" "SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0"
explain cte_analyze "ANALYZE" "WITH recent AS MATERIALIZED (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > now() - interval '1 hour' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id"
explain subplan "COSTS" "SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS n FROM users u WHERE u.tenant_id = 5"
explain initplan_analyze "ANALYZE" "SELECT * FROM orders WHERE total > (SELECT avg(total) FROM orders WHERE status = 'shipped') LIMIT 10"
explain antijoin "COSTS" "SELECT * FROM users u WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id)"
explain recursive_cte "COSTS" "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 100) SELECT sum(n) FROM t"
explain window_sort "COSTS" "SELECT id, rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > 12.5"
explain update_analyze "ANALYZE, BUFFERS" "UPDATE products SET price = price + 1 WHERE sku = 'SKU-17'"
explain insert_select "COSTS" "INSERT INTO products SELECT id + 100000, sku || '-x', category_id, price FROM products WHERE category_id = 3"
explain delete_using "COSTS" "DELETE FROM line_items li USING orders o WHERE li.order_id = o.id AND o.status = 'cancelled' AND o.created_at < '2020-01-01'"
explain misestimate_analyze "ANALYZE" "SELECT * FROM orders WHERE status = 'paid' AND total < 2 AND user_id > 10"
explain verbose_limit "VERBOSE" "SELECT email FROM users WHERE email = 'secret@example.com' ORDER BY created_at LIMIT 5"
explain union_all "COSTS" "SELECT id FROM users WHERE tenant_id = 1 UNION ALL SELECT user_id FROM orders WHERE total = 999.99"
explain three_way_join_analyze "ANALYZE, BUFFERS" "SELECT p.sku, sum(li.quantity) FROM line_items li JOIN orders o ON o.id = li.order_id JOIN products p ON p.id = li.product_id WHERE o.created_at > now() - interval '2 hours' GROUP BY p.sku ORDER BY 2 DESC LIMIT 10"
echo "captured $n PostgreSQL plans into $OUT_PG"
runuser -u postgres -- pg_ctl -D "$PGDIR/data" -m fast -w stop >/dev/null
trap - EXIT
rm -rf "$PGDIR"

# ---------------------------------------------------------------- MariaDB
MYDIR="$(mktemp -d /tmp/dbintel-sql-my.XXXXXX)"
chown mysql "$MYDIR"
MYPORT="$(free_port)"
mariadb-install-db --user=mysql --datadir="$MYDIR/data" --auth-root-authentication-method=normal >/dev/null 2>&1
runuser -u mysql -- mariadbd --no-defaults --datadir="$MYDIR/data" --socket="$MYDIR/sock" --port="$MYPORT" \
  --bind-address=127.0.0.1 --pid-file="$MYDIR/pid" --log-error="$MYDIR/err" &
trap 'kill "$(cat "$MYDIR/pid" 2>/dev/null)" 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -S "$MYDIR/sock" ] && break; sleep 0.2; done
MY=(mariadb --no-defaults -S "$MYDIR/sock" -uroot -N -r -B)
"${MY[@]}" <<'SQL'
CREATE DATABASE shop; USE shop;
CREATE TABLE users (id bigint PRIMARY KEY, email varchar(255) NOT NULL, tenant_id int NOT NULL, created_at datetime NOT NULL, KEY idx_email (email));
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL, status varchar(16) NOT NULL, total decimal(12,2) NOT NULL, created_at datetime NOT NULL, KEY idx_user (user_id), KEY idx_created (created_at));
CREATE TABLE products (id int PRIMARY KEY, sku varchar(32) NOT NULL, category_id int NOT NULL, price decimal(10,2) NOT NULL);
INSERT INTO users SELECT seq, CONCAT('user', seq, '@example.com'), seq % 50, NOW() - INTERVAL seq MINUTE FROM seq_1_to_20000;
INSERT INTO orders SELECT seq, 1 + (seq * 7919) % 20000, ELT(1 + seq % 4, 'pending','paid','shipped','cancelled'), (seq % 1000) + 0.99, NOW() - INTERVAL seq SECOND FROM seq_1_to_60000;
INSERT INTO products SELECT seq, CONCAT('SKU-', seq), seq % 40, (seq % 500) + 0.25 FROM seq_1_to_2000;
ANALYZE TABLE users, orders, products;
SQL
m=0
myexplain() { # name, prefix, sql
  "${MY[@]}" shop -e "$2 $3" > "$OUT_MY/$1.json"
  m=$((m+1))
}
myexplain mariadb_full_scan "EXPLAIN FORMAT=JSON" "SELECT * FROM users WHERE tenant_id = 7 AND email LIKE '%alice%'"
myexplain mariadb_const "EXPLAIN FORMAT=JSON" "SELECT * FROM users WHERE id = 42"
myexplain mariadb_join "EXPLAIN FORMAT=JSON" "SELECT o.id, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.status = 'paid' AND u.tenant_id = 3"
myexplain mariadb_filesort_temp "EXPLAIN FORMAT=JSON" "SELECT user_id, COUNT(*) c FROM orders WHERE total > 10 GROUP BY user_id ORDER BY c DESC LIMIT 10"
myexplain mariadb_bnl "EXPLAIN FORMAT=JSON" "SELECT * FROM products p JOIN orders o ON o.total = p.price WHERE p.category_id = 3"
myexplain mariadb_subquery "EXPLAIN FORMAT=JSON" "SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 990) AND tenant_id = 4"
myexplain mariadb_range "EXPLAIN FORMAT=JSON" "SELECT id FROM orders WHERE created_at > NOW() - INTERVAL 1 HOUR ORDER BY created_at"
myexplain mariadb_analyze_join "ANALYZE FORMAT=JSON" "SELECT o.id, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.status = 'secret-status' OR u.email = 'secret@example.com'"
myexplain mariadb_analyze_sort "ANALYZE FORMAT=JSON" "SELECT * FROM orders WHERE status = 'paid' ORDER BY total DESC LIMIT 5"
myexplain mariadb_union "EXPLAIN FORMAT=JSON" "SELECT id FROM users WHERE tenant_id = 1 UNION SELECT user_id FROM orders WHERE total = 999.99"
echo "captured $m MariaDB plans into $OUT_MY"
kill "$(cat "$MYDIR/pid")"; wait || true
trap - EXIT
rm -rf "$MYDIR"
