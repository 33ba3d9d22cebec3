SELECT * FROM users WHERE id = 42
select  *  from USERS where ID = $1
SELECT u.id, u.email AS mail FROM public.users u WHERE u.email = 'o''brien@example.com' AND u.tenant_id = -7
SELECT E'line\nwith \'escaped\' quote', U&'d\0061t\+000061', B'1010', X'DEADBEEF', N'national'
SELECT $$dollar 'quoted' secret$$, $tag$ tagged $$ inner $tag$, $fn$unterminated secret
SELECT 1, -2, +3.5, .5, 6., 1e10, 2.5E-3, 0x1F, 0o17, 0b101, 1_000_000
SELECT * FROM orders WHERE status IN ('paid', 'shipped', 'refunded') AND user_id IN (1, 2, 3, 4, 5)
SELECT * FROM orders WHERE id IN (SELECT order_id FROM line_items WHERE quantity > 3)
INSERT INTO line_items (order_id, product_id, quantity) VALUES (1, 2, 3), (4, 5, 6), (7, 8, 9) RETURNING id
INSERT INTO t (a) VALUES ($1), ($2)
UPDATE accounts SET balance = balance - 100.00, note = 'secret note' WHERE id = 9 AND active = true
DELETE FROM sessions s WHERE s.expires_at < '2024-01-01 00:00:00'::timestamptz
SELECT a FROM t /* outer /* nested secret */ still comment */ WHERE b = 1 -- trailing secret
SELECT * FROM "Quoted Table" AS qt JOIN "other"."x""y" ON qt.id = "x""y".id
SELECT count(*) total, max(created_at) AS latest FROM events_2024_01 WHERE kind = 'click'
WITH recent AS (SELECT user_id FROM orders WHERE created_at > now() - interval '1 day') SELECT u.email FROM users u JOIN recent r ON r.user_id = u.id
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 100) SELECT sum(n) FROM t
MERGE INTO inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity
SELECT data->>'secret_key' FROM docs WHERE data @> '{"k": "secret"}'::jsonb AND tags && ARRAY['a', 'b']
SELECT CAST('42' AS integer), '2024-01-01'::date, DATE '2024-02-02', INTERVAL '3 days'
SELECT * FROM users WHERE deleted_at IS NULL AND flag IS NOT TRUE AND x = NULL AND y = false
SELECT * FROM t WHERE name = 'unterminated secret string that was cut off by track_activity_query_size
SELECT * FROM t WHERE name = E'unterminated \' escaped secret
SELECT * FROM "unterminated identifier secret
SELECT 1 /* unterminated comment secret
CREATE TABLE IF NOT EXISTS app.items (id bigserial PRIMARY KEY, name varchar(255) NOT NULL DEFAULT 'none')
CREATE UNIQUE INDEX CONCURRENTLY items_name_idx ON app.items (lower(name))
ALTER TABLE ONLY app.items ADD COLUMN price numeric(10, 2) DEFAULT 0.00
DROP TABLE IF EXISTS a, b CASCADE
CREATE MATERIALIZED VIEW mv AS SELECT id FROM app.items WHERE price > 10
TRUNCATE TABLE staging
ALTER USER app_user WITH PASSWORD 'hunter2-secret'
CREATE ROLE reporter LOGIN PASSWORD 'topsecret'
SET statement_timeout = 5000
SET search_path TO app, public
SHOW work_mem
BEGIN
COMMIT
VACUUM (VERBOSE, ANALYZE) app.items
COPY app.items (id, name) FROM STDIN WITH (FORMAT csv)
EXPLAIN ANALYZE SELECT * FROM t WHERE x = 5
SELECT pg_sleep(1.5)
SELECT * FROM accounts WHERE id = 1 FOR UPDATE SKIP LOCKED
SELECT id FROM t WHERE x = ANY('{1,2,3}'::int[])
DO $$ BEGIN RAISE NOTICE 'secret in DO'; END $$
PREPARE q(int) AS SELECT * FROM t WHERE id = $1
SELECT "users".* FROM "users" WHERE "users"."email" = 'a@b.c' LIMIT 1 /*application='web',user_id='12345'*/

