#!/usr/bin/env python3
"""Generate the realistic statement corpora used by the benchmarks and the fingerprint-agreement tool.

    python3 crates/sql/testdata/gen_corpus.py            # writes corpus_pg.sql and corpus_mysql.sql

Deterministic (fixed seed). One statement per line. Each template is instantiated several times with
different literals, IN-list lengths, keyword case, spacing, comments (sqlcommenter and plain) and
alias names, so that a good fingerprint groups the instances of one template together. Mix: ORM-style
queries (Rails / Django / Hibernate shapes), pgbench, reporting joins, CTEs, window functions, upserts,
DDL and utility statements.
"""
import os
import random

BS = chr(92)
IT_S = "it" + chr(92) + chr(39) + "s"
UAMP = r"U&'d\0061t\+000061'"
R = random.Random(20261126)
HERE = os.path.dirname(os.path.abspath(__file__))

WORDS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "o'brien",
         "smith & co", "müller", "北京", "x\\y", "50% off", "new\\nline"]
STATUSES = ["pending", "paid", "shipped", "cancelled", "refunded"]


def num():
    return str(R.choice([R.randint(1, 9), R.randint(10, 9999), R.randint(10000, 10**9)]))


def dec():
    return f"{R.uniform(0, 10000):.2f}"


def pg_str(s):
    return "'" + s.replace("'", "''") + "'"


def my_str(s):
    q = R.choice(["'", '"'])
    return q + s.replace("\\", "\\\\").replace(q, "\\" + q) + q


def ts():
    return f"2024-{R.randint(1, 12):02d}-{R.randint(1, 28):02d} {R.randint(0, 23):02d}:{R.randint(0, 59):02d}:00"


def ipjson():
    return '{"ip": "10.0.' + num() + '.1"}'


def typejson():
    return '{"type": "' + R.choice(WORDS) + '"}'


def inlist(strf, n=None):
    n = n or R.randint(1, 12)
    return ", ".join(strf() for _ in range(n))


def case(sql):
    # keyword case / spacing variation
    r = R.random()
    if r < 0.15:
        return sql.lower()
    if r < 0.25:
        return sql.replace(" ", "  ", 2)
    return sql


def comment(sql, dialect):
    r = R.random()
    if r < 0.10:
        return sql + f" /*application='web',controller='orders',action='show',traceparent='00-{R.getrandbits(64):016x}-01'*/"
    if r < 0.15:
        return f"/* user_id={num()} */ " + sql
    if r < 0.18 and dialect == "mysql":
        return sql + " # from worker " + num()
    if r < 0.18:
        return sql + " -- from worker " + num()
    return sql


def alias():
    return R.choice(["u", "usr", "t0", "a"])


def common_templates(S):
    """Templates valid in both dialects; S quotes a string."""
    a = alias()
    return [
        lambda: f"SELECT * FROM users WHERE id = {num()}",
        lambda: f"SELECT id, email, created_at FROM users WHERE email = {S(R.choice(WORDS) + '@example.com')} LIMIT 1",
        lambda: f"SELECT {a}.id, {a}.name FROM users {a} WHERE {a}.tenant_id = {num()} AND {a}.deleted_at IS NULL ORDER BY {a}.name LIMIT {R.choice([10, 25, 50])}",
        lambda: f"SELECT * FROM orders WHERE user_id IN ({inlist(num)}) AND status = {S(R.choice(STATUSES))}",
        lambda: f"SELECT count(*) AS total FROM orders WHERE created_at >= {S(ts())} AND created_at < {S(ts())}",
        lambda: f"SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > {dec()} ORDER BY o.total DESC LIMIT {num()}",
        lambda: f"SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ({inlist(lambda: S(R.choice(STATUSES)))}) GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > {dec()}",
        lambda: f"SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < {num()} OR i.product_id IS NULL",
        lambda: f"UPDATE users SET last_login_at = {S(ts())}, login_count = login_count + 1 WHERE id = {num()}",
        lambda: f"UPDATE orders SET status = {S(R.choice(STATUSES))}, updated_at = {S(ts())} WHERE id = {num()} AND status = {S(R.choice(STATUSES))}",
        lambda: f"DELETE FROM sessions WHERE expires_at < {S(ts())}",
        lambda: f"DELETE FROM cart_items WHERE cart_id = {num()} AND product_id IN ({inlist(num)})",
        lambda: f"INSERT INTO audit_log (user_id, action, payload, created_at) VALUES ({num()}, {S(R.choice(['login', 'logout', 'update']))}, {S(ipjson())}, {S(ts())})",
        lambda: "INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES " + ", ".join(f"({num()}, {num()}, {R.randint(1, 5)}, {dec()})" for _ in range(R.randint(1, 6))),
        lambda: f"SELECT id FROM products WHERE name LIKE {S('%' + R.choice(WORDS) + '%')} ORDER BY id LIMIT 20 OFFSET {R.choice([0, 20, 40])}",
        lambda: f"SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN {dec()} AND {dec()} GROUP BY category_id ORDER BY 2 DESC",
        lambda: f"SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > {S(ts())}",
        lambda: f"SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > {dec()}) AND active = {R.choice(['TRUE', 'FALSE', 'true'])}",
        lambda: f"SELECT DISTINCT country FROM addresses WHERE user_id = {num()}",
        lambda: f"SELECT a.id, a.city FROM addresses a WHERE a.zip IN ({inlist(lambda: S(str(R.randint(10000, 99999))))})",
        lambda: f"SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > {num()} AND d.location = {S(R.choice(WORDS))}",
        lambda: f"SELECT c.id FROM coupons c WHERE c.code = {S('SAVE' + num())} AND c.valid_until > {S(ts())} AND c.uses < c.max_uses",
        lambda: f"SELECT id, payload FROM jobs WHERE queue = {S(R.choice(['default', 'mail', 'reports']))} AND run_at <= {S(ts())} AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1",
        lambda: f"UPDATE jobs SET locked_at = {S(ts())}, locked_by = {S('worker-' + num())} WHERE id = {num()}",
        lambda: f"SELECT COUNT(*) FROM events WHERE account_id = {num()} AND kind = {S(R.choice(['click', 'view', 'buy']))} AND occurred_at > {S(ts())}",
        lambda: f"SELECT s.id, s.name FROM stores s WHERE s.region_id = {num()} UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = {num()}",
        lambda: f"SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = {num()} AND t.priority >= {R.randint(1, 5)} AND t.state <> {S('closed')} ORDER BY t.updated_at DESC",
        lambda: f"SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN ({inlist(num)}) GROUP BY r.product_id",
        lambda: f"INSERT INTO users (email, name, created_at) VALUES ({S(R.choice(WORDS) + num() + '@example.com')}, {S(R.choice(WORDS))}, {S(ts())})",
        lambda: f"SELECT m.id, m.body FROM messages m WHERE m.thread_id = {num()} AND m.id > {num()} ORDER BY m.id ASC LIMIT {R.choice([50, 100])}",
        lambda: "BEGIN",
        lambda: "COMMIT",
        lambda: "ROLLBACK",
    ]


def pg_templates():
    S = pg_str
    t = common_templates(S)
    t += [
        # pgbench
        lambda: f"UPDATE pgbench_accounts SET abalance = abalance + {R.randint(-5000, 5000)} WHERE aid = {num()}",
        lambda: f"SELECT abalance FROM pgbench_accounts WHERE aid = {num()}",
        lambda: f"UPDATE pgbench_tellers SET tbalance = tbalance + {R.randint(-5000, 5000)} WHERE tid = {R.randint(1, 100)}",
        lambda: f"UPDATE pgbench_branches SET bbalance = bbalance + {R.randint(-5000, 5000)} WHERE bid = {R.randint(1, 10)}",
        lambda: f"INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ({R.randint(1, 100)}, {R.randint(1, 10)}, {num()}, {R.randint(-5000, 5000)}, CURRENT_TIMESTAMP)",
        # parameterised (pg_stat_statements / extended protocol) text
        lambda: "SELECT * FROM users WHERE id = $1",
        lambda: "SELECT \"users\".* FROM \"users\" WHERE \"users\".\"id\" = $1 LIMIT $2",
        lambda: f"SELECT \"orders\".* FROM \"orders\" WHERE \"orders\".\"user_id\" = {num()} ORDER BY \"orders\".\"created_at\" DESC LIMIT 10",
        lambda: f"SELECT \"auth_user\".\"id\", \"auth_user\".\"username\" FROM \"auth_user\" WHERE \"auth_user\".\"username\" = {S(R.choice(WORDS))} LIMIT 21",
        lambda: f"SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = {S(R.choice(WORDS))}",
        lambda: f"SELECT * FROM events WHERE payload @> {S(typejson())}::jsonb AND account_id = {num()}",
        lambda: f"SELECT id, data->>'name' AS name FROM documents WHERE data->'meta'->>'owner' = {S(R.choice(WORDS))}",
        lambda: f"SELECT * FROM users WHERE id = ANY({S('{' + inlist(num) + '}')}::bigint[])",
        lambda: f"SELECT * FROM measurements WHERE device_id = {num()} AND recorded_at > now() - interval {S(str(R.randint(1, 48)) + ' hours')}",
        lambda: f"SELECT date_trunc('day', created_at) AS day, count(*) FROM orders WHERE created_at > {S(ts())}::timestamptz GROUP BY 1 ORDER BY 1",
        lambda: f"WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > {S(ts())} GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id",
        lambda: f"WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = {num()} UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree",
        lambda: f"SELECT id, rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > {dec()}",
        lambda: f"INSERT INTO counters (key, value) VALUES ({S(R.choice(WORDS))}, {num()}) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value",
        lambda: f"INSERT INTO users (email, name) VALUES ({S(R.choice(WORDS) + '@x.io')}, {S(R.choice(WORDS))}) RETURNING id",
        lambda: f"SELECT * FROM accounts WHERE id = {num()} FOR UPDATE",
        lambda: f"SELECT id FROM jobs WHERE state = {S('ready')} ORDER BY id LIMIT {R.randint(1, 10)} FOR UPDATE SKIP LOCKED",
        lambda: f"DELETE FROM events_2024_{R.randint(1, 12):02d} WHERE occurred_at < {S(ts())}",
        lambda: f"SELECT * FROM ONLY public.events WHERE id = {num()}",
        lambda: f"SELECT E{S(R.choice(WORDS) + BS + 'n')} AS s, {UAMP} AS u, B'1010' AS b, X'1F' AS x, $${R.choice(WORDS)}$$ AS d",
        lambda: f"SELECT pg_sleep({R.random():.2f})",
        lambda: f"SELECT set_config('app.tenant', {S(num())}, false)",
        lambda: f"SET statement_timeout = {R.choice([1000, 5000, 30000])}",
        lambda: f"SET search_path TO {R.choice(['public', 'app, public'])}",
        lambda: "SHOW server_version",
        lambda: f"VACUUM ANALYZE {R.choice(['users', 'orders', 'public.events'])}",
        lambda: f"ANALYZE {R.choice(['users', 'orders'])}",
        lambda: f"CREATE TABLE IF NOT EXISTS tmp_import_{R.randint(1, 5)} (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())",
        lambda: f"CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_{R.randint(1, 3)} ON orders (user_id, created_at)",
        lambda: f"ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname varchar({R.choice([32, 64, 255])})",
        lambda: "DROP TABLE IF EXISTS tmp_import_1, tmp_import_2",
        lambda: "TRUNCATE TABLE staging_events",
        lambda: f"CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + {R.randint(1, 9)}; END; $fn$ LANGUAGE plpgsql",
        lambda: f"COPY (SELECT * FROM orders WHERE id > {num()}) TO STDOUT WITH (FORMAT csv)",
        lambda: f"SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT {R.choice([10, 20])}",
        lambda: f"MERGE INTO inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity)",
        lambda: f"SELECT * FROM users WHERE id = {num()} /* nested /* comment */ here */",
        lambda: f"SELECT x.* FROM generate_series(1, {num()}) AS x(n)",
        lambda: f"SELECT CAST({S(num())} AS integer), {S(ts())}::date, -{num()}, 1.5e{R.randint(-3, 3)}",
    ]
    return t


def my_templates():
    S = my_str
    t = common_templates(S)
    t += [
        lambda: f"SELECT * FROM `users` WHERE `id` = {num()}",
        lambda: f"SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = {num()} ORDER BY `orders`.`created_at` DESC LIMIT 10",
        lambda: f"SELECT * FROM users WHERE id = ? AND tenant_id = ?",
        lambda: f"SELECT * FROM products WHERE name = _utf8mb4{pg_str(R.choice(WORDS))} COLLATE utf8mb4_unicode_ci",
        lambda: f"SELECT * FROM blobs WHERE digest = X'{R.getrandbits(64):016X}' OR flags = b'{R.getrandbits(4):04b}' OR id = 0x{R.getrandbits(16):X}",
        lambda: f"SELECT * FROM customers WHERE name = N{pg_str(R.choice(WORDS))}",
        lambda: f"INSERT INTO counters (k, v) VALUES ({S(R.choice(WORDS))}, {num()}) ON DUPLICATE KEY UPDATE v = v + VALUES(v)",
        lambda: f"INSERT IGNORE INTO tags (name) VALUES ({S(R.choice(WORDS))})",
        lambda: f"REPLACE INTO kv (k, v) VALUES ({S(R.choice(WORDS))}, {S(R.choice(WORDS))})",
        lambda: f"SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > {S(ts())} LIMIT {num()}, 20",
        lambda: f"SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL {R.randint(1, 30)} DAY)",
        lambda: f"UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = {S(R.choice(WORDS) + '@x.io')}",
        lambda: f"DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL {R.randint(1, 48)} HOUR LIMIT 1000",
        lambda: f"SELECT @@version, @@session.sql_mode",
        lambda: f"SET SESSION sql_mode = {S('STRICT_TRANS_TABLES')}",
        lambda: f"SET NAMES utf8mb4",
        lambda: "SHOW FULL PROCESSLIST",
        lambda: f"SHOW TABLES LIKE {S('user%')}",
        lambda: "START TRANSACTION",
        lambda: f"CREATE TABLE IF NOT EXISTS `tmp_{R.randint(1, 5)}` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar({R.choice([64, 255])}) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
        lambda: f"ALTER TABLE `users` ADD INDEX `idx_email_{R.randint(1, 3)}` (`email`)",
        lambda: "DROP TABLE IF EXISTS `tmp_1`",
        lambda: "TRUNCATE TABLE staging_events",
        lambda: f"SELECT id FROM t1 WHERE a = 1-{R.randint(1, 9)} AND b = {S(IT_S)}",
        lambda: f"SELECT * FROM orders WHERE id = {num()} -- trailing comment",
        lambda: f"SELECT /*+ MAX_EXECUTION_TIME({R.choice([1000, 2000])}) */ id FROM big_table WHERE k = {num()}",
        lambda: f"CALL refresh_stats({num()}, {S(R.choice(WORDS))})",
        lambda: f"SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = {num()}",
        lambda: f"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = {S('shop')}",
    ]
    return t


def generate(templates_fn, dialect, n):
    out = []
    templates = templates_fn()
    while len(out) < n:
        i = R.randrange(len(templates))
        # re-create templates so that aliases vary between instances
        if R.random() < 0.05:
            templates = templates_fn()
        sql = templates[i]()
        out.append(comment(case(sql), dialect).replace("\n", " "))
    return out


def main():
    for name, fn, dialect in [("corpus_pg.sql", pg_templates, "postgresql"), ("corpus_mysql.sql", my_templates, "mysql")]:
        lines = generate(fn, dialect, 3000)
        with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        print(name, len(lines), sum(len(l) + 1 for l in lines), "bytes")


if __name__ == "__main__":
    main()
