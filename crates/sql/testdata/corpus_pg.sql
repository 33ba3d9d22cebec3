SELECT * FROM ONLY public.events WHERE id = 5
INSERT INTO users (email, name) VALUES ('erin@x.io', 'müller') RETURNING id
SELECT date_trunc('day', created_at) AS day, count(*) FROM orders WHERE created_at > '2024-02-19 23:15:00'::timestamptz GROUP BY 1 ORDER BY 1
SELECT * FROM users WHERE id = ANY('{8624, 1, 3, 227086888, 7618, 807664603, 7062}'::bigint[]) /*application='web',controller='orders',action='show',traceparent='00-98177d4622d2fa85-01'*/
SELECT CAST('9126' AS integer), '2024-11-25 08:44:00'::date, -509916632, 1.5e0
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 10
SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'ivan'
select c.id from coupons c where c.code = 'save595402350' and c.valid_until > '2024-09-07 12:18:00' and c.uses < c.max_uses -- from worker 857883779
DELETE FROM events_2024_12 WHERE occurred_at < '2024-02-01 12:49:00'
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 5194.77 ORDER BY o.total DESC LIMIT 3
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (1, 8, 2, 8072.01), (210473744, 1099, 3, 3195.74), (488, 9, 5, 9673.77)
UPDATE orders SET status = 'shipped', updated_at = '2024-02-12 20:25:00' WHERE id = 2606 AND status = 'pending'
SELECT COUNT(*) FROM events WHERE account_id = 322721618 AND kind = 'click' AND occurred_at > '2024-08-21 05:44:00'
CREATE  OR  REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 2; END; $fn$ LANGUAGE plpgsql
SELECT  *  FROM users WHERE id = $1
SELECT  u.id,  (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-07-23 14:17:00'
SELECT id, data->>'name' AS name FROM documents WHERE data->'meta'->>'owner' = 'heidi'
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 4639 AND d.location = 'erin'
BEGIN
select * from events where payload @> '{"type": "o''brien"}'::jsonb and account_id = 3
/* user_id=786995585 */ SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 7100.80 ORDER BY o.total DESC LIMIT 719514520
SELECT set_config('app.tenant', '3', false)
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('99308', '34655', '11200', '85681', '75038', '20235', '56095', '86335')
SHOW server_version -- from worker 611086531
COPY (SELECT * FROM orders WHERE id > 6) TO STDOUT WITH (FORMAT csv)
SELECT * FROM users WHERE id = $1 /*application='web',controller='orders',action='show',traceparent='00-21ae388619a93bc4-01'*/
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-01-15 20:20:00' AND created_at < '2024-03-07 23:46:00'
SELECT * FROM accounts WHERE id = 4802 FOR UPDATE
SELECT id, data->>'name' AS name FROM documents WHERE data->'meta'->>'owner' = 'judy'
/* user_id=199875480 */ SHOW server_version
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('paid', 'shipped', 'cancelled', 'paid', 'pending', 'refunded', 'pending', 'pending', 'pending', 'cancelled', 'refunded') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 7229.91
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2
SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'o''brien'
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 9976 AND d.location = 'erin'
SELECT c.id FROM coupons c WHERE c.code = 'SAVE681971884' AND c.valid_until > '2024-12-25 01:38:00' AND c.uses < c.max_uses
SELECT u.id, u.name FROM users u WHERE u.tenant_id = 356255287 AND u.deleted_at IS NULL ORDER BY u.name LIMIT 25
SET statement_timeout = 5000 /*application='web',controller='orders',action='show',traceparent='00-1b35413a862da0dc-01'*/
ANALYZE orders
COMMIT
VACUUM ANALYZE orders /*application='web',controller='orders',action='show',traceparent='00-ffccc48736dd53e2-01'*/
SELECT * FROM users WHERE id = 381841697 /*application='web',controller='orders',action='show',traceparent='00-300b164bae7928dd-01'*/
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 4599.08) AND active = true
SELECT * FROM events WHERE payload @> '{"type": "alice"}'::jsonb AND account_id = 5553
/* user_id=303303143 */ SELECT id, rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > 1450.32
SELECT  r.product_id,  avg(r.rating) FROM reviews r WHERE r.product_id IN (9, 564290938, 8468, 583949138, 841393304, 9) GROUP BY r.product_id
ROLLBACK
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 248304347 AND m.id > 7 ORDER BY m.id ASC LIMIT 50
SELECT  t.id,  t.title FROM tickets t WHERE t.assignee_id = 405132086 AND t.priority >= 1 AND t.state <> 'closed' ORDER BY t.updated_at DESC
UPDATE pgbench_tellers SET tbalance = tbalance + 3303 WHERE tid = 70
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-04-21 18:38:00' AND created_at < '2024-01-01 04:13:00'
SELECT pg_sleep(0.65)
UPDATE pgbench_accounts SET abalance = abalance + 4072 WHERE aid = 9213
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2
SELECT "users".* FROM "users" WHERE "users"."id" = $1 LIMIT $2
SELECT COUNT(*) FROM events WHERE account_id = 5657 AND kind = 'view' AND occurred_at > '2024-01-25 07:24:00'
BEGIN /*application='web',controller='orders',action='show',traceparent='00-9b47c5a4b023c80d-01'*/
MERGE  INTO  inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity)
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (25, 1, 1, -3913, CURRENT_TIMESTAMP)
SELECT CAST('2236' AS integer), '2024-09-08 13:07:00'::date, -5985, 1.5e-2
SELECT * FROM users WHERE id = $1
SET search_path TO app, public
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 5536.30) AND active = TRUE
SELECT * FROM orders WHERE user_id IN (649284103, 840736820, 182345246, 3410, 919939769, 612822835) AND status = 'pending'
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('pending', 'cancelled', 'refunded', 'refunded', 'refunded', 'refunded', 'refunded', 'pending', 'cancelled', 'cancelled') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 6327.26
SELECT t0.id, t0.name FROM users t0 WHERE t0.tenant_id = 3969 AND t0.deleted_at IS NULL ORDER BY t0.name LIMIT 10 /*application='web',controller='orders',action='show',traceparent='00-019ae06010d03bfb-01'*/
SELECT t0.id, t0.name FROM users t0 WHERE t0.tenant_id = 9397 AND t0.deleted_at IS NULL ORDER BY t0.name LIMIT 25
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 7 FOR UPDATE SKIP LOCKED
SELECT s.id, s.name FROM stores s WHERE s.region_id = 7358 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 53461794
select u.id, (select count(*) from orders o where o.user_id = u.id) as order_count from users u where u.created_at > '2024-10-21 21:13:00'
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 9267.75) AND active = true
WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-01-01 06:01:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id
SELECT  r.product_id,  avg(r.rating) FROM reviews r WHERE r.product_id IN (4, 2, 290133556) GROUP BY r.product_id
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 8 AND d.location = 'erin'
update users set last_login_at = '2024-09-16 03:21:00', login_count = login_count + 1 where id = 465422676
delete from cart_items where cart_id = 3880 and product_id in (8927, 5533, 6159, 3, 2950, 114686014, 8, 6, 4, 677030155)
select * from only public.events where id = 48235400 /*application='web',controller='orders',action='show',traceparent='00-d8972cc98d005332-01'*/
SELECT * FROM users WHERE id = ANY('{2428, 876858703, 3853, 1756, 1461}'::bigint[])
SELECT set_config('app.tenant', '1366', false)
SELECT * FROM users WHERE id = ANY('{5882, 582227088, 8, 2004, 510574453}'::bigint[])
SELECT * FROM users WHERE id = $1
SELECT s.id, s.name FROM stores s WHERE s.region_id = 4 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 385
SELECT  id  FROM products WHERE name LIKE '%北京%' ORDER BY id LIMIT 20 OFFSET 40 /*application='web',controller='orders',action='show',traceparent='00-d307e1d32ef308d5-01'*/
/* user_id=242171119 */ with recent as (select user_id, max(created_at) as last from orders where created_at > '2024-10-13 04:52:00' group by user_id) select u.email, r.last from users u join recent r on r.user_id = u.id
VACUUM ANALYZE users
UPDATE jobs SET locked_at = '2024-09-15 01:28:00', locked_by = 'worker-623505987' WHERE id = 6
select a.id, a.city from addresses a where a.zip in ('97481', '17159', '85772', '33781', '70700')
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (3, 3467, 2, 9467.39), (492014246, 994348611, 2, 5150.21), (853015816, 357, 1, 2985.72), (643, 383361766, 1, 4657.91), (169204631, 5, 3, 2302.97), (135440954, 833504893, 5, 1892.54)
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 390726765 AND t.priority >= 2 AND t.state <> 'closed' ORDER BY t.updated_at DESC
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 6001.82 ORDER BY o.total DESC LIMIT 6550
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-07-22 22:13:00'
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 7; END; $fn$ LANGUAGE plpgsql
begin /*application='web',controller='orders',action='show',traceparent='00-a6fb0b41effc9f0e-01'*/
SELECT x.* FROM generate_series(1, 8) AS x(n)
SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'carol' LIMIT 21
SELECT  this_.id  as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'carol'
SELECT * FROM users WHERE id = $1
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_1 ON orders (user_id, created_at)
SELECT * FROM ONLY public.events WHERE id = 6
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 6 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
SELECT x.* FROM generate_series(1, 330070932) AS x(n)
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 5; END; $fn$ LANGUAGE plpgsql
SELECT * FROM events WHERE payload @> '{"type": "ivan"}'::jsonb AND account_id = 996499913
SELECT  u.id,  (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-11-27 10:09:00'
UPDATE pgbench_branches SET bbalance = bbalance + 563 WHERE bid = 8
SET statement_timeout = 30000
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 7 OR i.product_id IS NULL
COMMIT
UPDATE jobs SET locked_at = '2024-10-18 18:12:00', locked_by = 'worker-4318' WHERE id = 4903
show server_version
select * from events where payload @> '{"type": "o''brien"}'::jsonb and account_id = 5874
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 1899 OR i.product_id IS NULL
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('50616', '48289', '13927', '17496', '18411')
INSERT  INTO  users (email, name, created_at) VALUES ('judy819408817@example.com', 'heidi', '2024-12-11 02:30:00')
DELETE FROM sessions WHERE expires_at < '2024-10-01 15:13:00'
select x.* from generate_series(1, 7645) as x(n)
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-01-04 20:56:00'
insert into line_items (order_id, product_id, quantity, unit_price) values (4861, 5907, 1, 8564.48), (6220, 8523, 3, 6353.36), (951081644, 8438, 1, 4201.15)
SELECT  *  FROM users WHERE id = $1
SELECT  s.id,  s.name FROM stores s WHERE s.region_id = 1244 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 9
SELECT id, payload FROM jobs WHERE queue = 'reports' AND run_at <= '2024-11-21 20:10:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 20
truncate table staging_events /*application='web',controller='orders',action='show',traceparent='00-5046cc6f3cbd4ae4-01'*/
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('shipped', 'refunded', 'pending', 'paid', 'refunded', 'refunded', 'shipped') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 8297.32
create or replace function add_one(i integer) returns integer as $fn$ begin return i + 6; end; $fn$ language plpgsql
SELECT id FROM products WHERE name LIKE '%50% off%' ORDER BY id LIMIT 20 OFFSET 40
SET search_path TO public
SELECT  CAST('663288189'  AS integer), '2024-10-05 16:36:00'::date, -6687, 1.5e1
SELECT id, payload FROM jobs WHERE queue = 'mail' AND run_at <= '2024-04-17 02:57:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
select id from products where name like '%smith & co%' order by id limit 20 offset 0
show server_version
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 1 AND d.location = 'new\nline' /*application='web',controller='orders',action='show',traceparent='00-39103c31092654fa-01'*/
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 4 FOR UPDATE SKIP LOCKED
UPDATE jobs SET locked_at = '2024-03-08 00:46:00', locked_by = 'worker-4' WHERE id = 3
/* user_id=1845 */ INSERT INTO counters (key, value) VALUES ('frank', 5) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 82951933 AND m.id > 7 ORDER BY m.id ASC LIMIT 50
DELETE FROM events_2024_11 WHERE occurred_at < '2024-10-18 14:52:00'
DELETE FROM cart_items WHERE cart_id = 7 AND product_id IN (476328630, 5824, 6, 202162931, 474884595, 5864, 803224635, 2, 4, 5, 856802869)
select id from products where name like '%北京%' order by id limit 20 offset 0 -- from worker 6185
SELECT * FROM ONLY public.events WHERE id = 1
INSERT INTO users (email, name, created_at) VALUES ('ivan1271@example.com', '50% off', '2024-06-17 21:05:00')
SELECT id FROM products WHERE name LIKE '%alice%' ORDER BY id LIMIT 20 OFFSET 20
select t.id, t.title from tickets t where t.assignee_id = 5375 and t.priority >= 3 and t.state <> 'closed' order by t.updated_at desc
SELECT abalance FROM pgbench_accounts WHERE aid = 7
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (1074) GROUP BY r.product_id /*application='web',controller='orders',action='show',traceparent='00-f0f23edf8d3cbbd7-01'*/
SELECT date_trunc('day', created_at) AS day, count(*) FROM orders WHERE created_at > '2024-10-19 12:05:00'::timestamptz GROUP BY 1 ORDER BY 1 /*application='web',controller='orders',action='show',traceparent='00-c9a3b5c1f4d0be03-01'*/
CREATE TABLE IF NOT EXISTS tmp_import_5 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
SELECT CAST('5030' AS integer), '2024-01-22 00:03:00'::date, -349552716, 1.5e3
SELECT * FROM ONLY public.events WHERE id = 6625 /*application='web',controller='orders',action='show',traceparent='00-8604b838a815f753-01'*/
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_1 ON orders (user_id, created_at) /*application='web',controller='orders',action='show',traceparent='00-aeee3bc9dc2857ba-01'*/
SELECT t0.id, t0.name FROM users t0 WHERE t0.tenant_id = 159185788 AND t0.deleted_at IS NULL ORDER BY t0.name LIMIT 50
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2
SET statement_timeout = 1000
SELECT id, rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > 9208.32
SELECT * FROM users WHERE id = 7490
/* user_id=7347 */ INSERT INTO counters (key, value) VALUES ('new\nline', 6) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
SELECT * FROM events WHERE payload @> '{"type": "heidi"}'::jsonb AND account_id = 58256496
BEGIN /*application='web',controller='orders',action='show',traceparent='00-9fe3408bae7ec7a9-01'*/
CREATE  OR  REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 4; END; $fn$ LANGUAGE plpgsql /*application='web',controller='orders',action='show',traceparent='00-68b8ca65d0ac963f-01'*/
SELECT * FROM users WHERE id = 996295723 /* nested /* comment */ here */
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_2 ON orders (user_id, created_at)
UPDATE pgbench_tellers SET tbalance = tbalance + 2997 WHERE tid = 55
SELECT  id,  payload FROM jobs WHERE queue = 'reports' AND run_at <= '2024-04-14 02:00:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
SELECT  id,  data->>'name' AS name FROM documents WHERE data->'meta'->>'owner' = 'alice'
/* user_id=474920150 */ insert into line_items (order_id, product_id, quantity, unit_price) values (6, 2701, 1, 3940.00), (2145, 878607965, 3, 7629.18)
SELECT c.id FROM coupons c WHERE c.code = 'SAVE6614' AND c.valid_until > '2024-10-16 12:50:00' AND c.uses < c.max_uses
VACUUM ANALYZE users
INSERT INTO users (email, name) VALUES ('heidi@x.io', 'heidi') RETURNING id
SELECT  r.product_id,  avg(r.rating) FROM reviews r WHERE r.product_id IN (7, 947286915, 1, 9263, 676050674) GROUP BY r.product_id
SELECT * FROM accounts WHERE id = 4 FOR UPDATE
/* user_id=1765 */ UPDATE pgbench_tellers SET tbalance = tbalance + 2768 WHERE tid = 51
SELECT  *  FROM users WHERE id = $1 -- from worker 3
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 48887870 ORDER BY "orders"."created_at" DESC LIMIT 10
SELECT E'judy\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$x\y$$ AS d
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-02-18 22:25:00' AND created_at < '2024-12-26 20:43:00'
select n.nspname, c.relname, pg_total_relation_size(c.oid) from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'r' order by 3 desc limit 10
ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname varchar(32) -- from worker 532544589
/* user_id=7 */ SELECT id, data->>'name' AS name FROM documents WHERE data->'meta'->>'owner' = '50% off'
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 9886.98 ORDER BY o.total DESC LIMIT 7685
/* user_id=6776 */ select t.id, t.title from tickets t where t.assignee_id = 8 and t.priority >= 4 and t.state <> 'closed' order by t.updated_at desc
SELECT id FROM products WHERE name LIKE '%bob%' ORDER BY id LIMIT 20 OFFSET 20
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2
create index concurrently if not exists idx_orders_user_2 on orders (user_id, created_at)
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (93, 8, 9, 3445, CURRENT_TIMESTAMP)
SELECT * FROM ONLY public.events WHERE id = 1
UPDATE pgbench_branches SET bbalance = bbalance + 4200 WHERE bid = 10 /*application='web',controller='orders',action='show',traceparent='00-bd5d15eee2c717af-01'*/
SELECT abalance FROM pgbench_accounts WHERE aid = 4
SELECT id, email, created_at FROM users WHERE email = 'o''brien@example.com' LIMIT 1
UPDATE pgbench_branches SET bbalance = bbalance + 2238 WHERE bid = 1 -- from worker 9345
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (523850895, 8281, 939556219, 5520, 943729429, 4926) GROUP BY r.product_id
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (9286, 'logout', '{"ip": "10.0.9389.1"}', '2024-03-19 13:20:00')
SELECT id FROM products WHERE name LIKE '%judy%' ORDER BY id LIMIT 20 OFFSET 40
/* user_id=7 */ SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 699451432 ORDER BY "orders"."created_at" DESC LIMIT 10
SELECT  abalance  FROM pgbench_accounts WHERE aid = 3584
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 20
DELETE FROM cart_items WHERE cart_id = 8248 AND product_id IN (1, 3593, 665, 5, 2, 9, 671983173, 5607, 661691437, 121926822)
/* user_id=932076706 */ select abalance from pgbench_accounts where aid = 256278940
insert into audit_log (user_id, action, payload, created_at) values (4, 'update', '{"ip": "10.0.256705065.1"}', '2024-10-18 06:28:00')
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 20
INSERT INTO counters (key, value) VALUES ('ivan', 6) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
INSERT INTO users (email, name) VALUES ('carol@x.io', 'grace') RETURNING id
SHOW server_version
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 7492 AND m.id > 8014 ORDER BY m.id ASC LIMIT 50 /*application='web',controller='orders',action='show',traceparent='00-3137b9b47d5a96ae-01'*/
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-09-05 13:45:00'
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 1762 AND m.id > 3 ORDER BY m.id ASC LIMIT 100
/* user_id=4 */ copy (select * from orders where id > 2) to stdout with (format csv)
INSERT INTO users (email, name, created_at) VALUES ('alice1331@example.com', 'müller', '2024-10-11 14:21:00')
/* user_id=3611 */ SELECT  CAST('399835005'  AS integer), '2024-01-26 09:52:00'::date, -3, 1.5e1
SELECT x.* FROM generate_series(1, 8) AS x(n)
select o.id, o.total, u.email from orders o join users u on u.id = o.user_id where o.total > 1939.18 order by o.total desc limit 722960582
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (5816, 'logout', '{"ip": "10.0.9124.1"}', '2024-01-28 08:06:00')
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 5 FOR UPDATE SKIP LOCKED
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 4688.84 ORDER BY o.total DESC LIMIT 7220
BEGIN
SELECT x.* FROM generate_series(1, 7) AS x(n)
SELECT  n.nspname,  c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 10 /*application='web',controller='orders',action='show',traceparent='00-f30f19a79d1f2f98-01'*/
UPDATE orders SET status = 'paid', updated_at = '2024-07-24 21:00:00' WHERE id = 3012 AND status = 'refunded'
select id, rank() over (partition by category_id order by price desc) from products where price > 6888.83
select m.id, m.body from messages m where m.thread_id = 3 and m.id > 202707736 order by m.id asc limit 50
SELECT  *  FROM measurements WHERE device_id = 9624216 AND recorded_at > now() - interval '4 hours'
insert into users (email, name) values ('dave@x.io', 'frank') returning id
merge into inventory i using shipments s on s.product_id = i.product_id when matched then update set quantity = i.quantity + s.quantity when not matched then insert (product_id, quantity) values (s.product_id, s.quantity)
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 7246 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
SELECT * FROM events WHERE payload @> '{"type": "müller"}'::jsonb AND account_id = 2586
select * from events where payload @> '{"type": "bob"}'::jsonb and account_id = 8289
SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'grace' LIMIT 21 /*application='web',controller='orders',action='show',traceparent='00-e8137763fdb114d8-01'*/
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 20
SELECT "users".* FROM "users" WHERE "users"."id" = $1 LIMIT $2
ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname varchar(64)
merge into inventory i using shipments s on s.product_id = i.product_id when matched then update set quantity = i.quantity + s.quantity when not matched then insert (product_id, quantity) values (s.product_id, s.quantity)
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 2608.93) AND active = TRUE
select category_id, count(*), avg(price) from products where price between 6363.40 and 8881.12 group by category_id order by 2 desc
/* user_id=6030 */ SELECT c.id FROM coupons c WHERE c.code = 'SAVE464074045' AND c.valid_until > '2024-06-15 09:17:00' AND c.uses < c.max_uses
select u.id, u.name from users u where u.tenant_id = 8140 and u.deleted_at is null order by u.name limit 25
SELECT x.* FROM generate_series(1, 763089801) AS x(n)
/* user_id=1477 */ DELETE FROM cart_items WHERE cart_id = 835265216 AND product_id IN (6, 9417, 1, 6759, 780084970, 2291)
SELECT * FROM users WHERE id = 92973665 /* nested /* comment */ here */
SELECT s.id, s.name FROM stores s WHERE s.region_id = 472003276 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 409967527
SELECT * FROM events WHERE payload @> '{"type": "ivan"}'::jsonb AND account_id = 9710 /*application='web',controller='orders',action='show',traceparent='00-c8ce869385065b1f-01'*/
UPDATE  users  SET last_login_at = '2024-09-27 05:37:00', login_count = login_count + 1 WHERE id = 4549
/* user_id=9753 */ INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (78, 7, 1, 2223, CURRENT_TIMESTAMP)
UPDATE pgbench_branches SET bbalance = bbalance + -4363 WHERE bid = 2
SELECT * FROM accounts WHERE id = 4485 FOR UPDATE
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 487641482 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-09-10 16:20:00' AND created_at < '2024-07-19 20:45:00'
select c.id from coupons c where c.code = 'save8' and c.valid_until > '2024-03-04 13:44:00' and c.uses < c.max_uses
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (10, 8, 1, 1989, CURRENT_TIMESTAMP)
SELECT  a.id,  a.city FROM addresses a WHERE a.zip IN ('26547', '41218')
WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-09-28 09:23:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id
SELECT id, data->>'name' AS name FROM documents WHERE data->'meta'->>'owner' = 'o''brien'
insert into users (email, name) values ('new\nline@x.io', 'grace') returning id /*application='web',controller='orders',action='show',traceparent='00-7aa5e0f75dd7be29-01'*/
SELECT * FROM users WHERE id = ANY('{2974, 892810289, 4, 2978, 7, 6, 41051783, 610354355, 128077055, 4, 861198964, 3}'::bigint[])
SELECT * FROM events WHERE payload @> '{"type": "北京"}'::jsonb AND account_id = 2
SELECT  a.id,  a.city FROM addresses a WHERE a.zip IN ('96627')
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 1027.91 ORDER BY o.total DESC LIMIT 696312019
UPDATE pgbench_branches SET bbalance = bbalance + -4241 WHERE bid = 4
CREATE TABLE IF NOT EXISTS tmp_import_3 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now()) /*application='web',controller='orders',action='show',traceparent='00-d0c30fc1cf25e156-01'*/
UPDATE  pgbench_branches  SET bbalance = bbalance + -4130 WHERE bid = 1
MERGE INTO inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity)
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (5879, 'logout', '{"ip": "10.0.274867197.1"}', '2024-06-13 09:27:00') /*application='web',controller='orders',action='show',traceparent='00-191288521ee55445-01'*/
SELECT c.id FROM coupons c WHERE c.code = 'SAVE5184' AND c.valid_until > '2024-07-26 09:01:00' AND c.uses < c.max_uses -- from worker 207426870
SELECT  u.id,  (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-07-28 07:27:00'
VACUUM ANALYZE public.events
SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'judy' LIMIT 21
VACUUM ANALYZE users
select * from users where id = 3281 /* nested /* comment */ here */
INSERT INTO users (email, name, created_at) VALUES ('dave910081695@example.com', 'o''brien', '2024-10-01 13:28:00') -- from worker 230193899
commit
SELECT CAST('8538' AS integer), '2024-03-14 06:45:00'::date, -6890, 1.5e-3
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_3 ON orders (user_id, created_at)
DELETE FROM sessions WHERE expires_at < '2024-02-21 00:47:00' /*application='web',controller='orders',action='show',traceparent='00-015659c43f0b36cb-01'*/
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('shipped', 'refunded', 'cancelled', 'cancelled', 'paid', 'paid', 'paid', 'refunded') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 1676.62
alter table users add column if not exists nickname varchar(255)
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_2 ON orders (user_id, created_at)
SELECT * FROM orders WHERE user_id IN (4193) AND status = 'cancelled'
TRUNCATE TABLE staging_events -- from worker 491723037
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 2 FOR UPDATE SKIP LOCKED
SELECT COUNT(*) FROM events WHERE account_id = 672047187 AND kind = 'click' AND occurred_at > '2024-11-09 08:18:00' /*application='web',controller='orders',action='show',traceparent='00-86a54e1c7420edb4-01'*/
SELECT  id,  rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > 9758.29
SELECT * FROM orders WHERE user_id IN (297852530, 2711, 153193835, 529273492, 2990, 344260756) AND status = 'cancelled'
select * from users where id = 121981397
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 6 FOR UPDATE SKIP LOCKED
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 1; END; $fn$ LANGUAGE plpgsql
SELECT * FROM users WHERE id = 4 /* nested /* comment */ here */
SHOW server_version
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (77, 10, 5780, 4279, CURRENT_TIMESTAMP)
SELECT * FROM events WHERE payload @> '{"type": "50% off"}'::jsonb AND account_id = 8265
SELECT c.id FROM coupons c WHERE c.code = 'SAVE4' AND c.valid_until > '2024-05-21 05:36:00' AND c.uses < c.max_uses
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 480 ORDER BY "orders"."created_at" DESC LIMIT 10
SELECT * FROM events WHERE payload @> '{"type": "carol"}'::jsonb AND account_id = 400824244
update pgbench_branches set bbalance = bbalance + -2705 where bid = 3
MERGE INTO inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity)
/* user_id=6509 */ SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-05-26 09:29:00'
SELECT  s.id,  s.name FROM stores s WHERE s.region_id = 413559388 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 8759
SELECT E'new\nline\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$dave$$ AS d
UPDATE pgbench_accounts SET abalance = abalance + -4562 WHERE aid = 3
SELECT pg_sleep(0.60)
select id, rank() over (partition by category_id order by price desc) from products where price > 9814.68
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 8 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
SELECT  u.id,  u.name FROM users u WHERE u.tenant_id = 945943151 AND u.deleted_at IS NULL ORDER BY u.name LIMIT 50
TRUNCATE TABLE staging_events
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 1608.32) AND active = TRUE
delete from sessions where expires_at < '2024-12-10 09:45:00'
DROP  TABLE  IF EXISTS tmp_import_1, tmp_import_2
select a.id, a.city from addresses a where a.zip in ('57090', '19288', '35910', '17127', '88927', '39773', '33058', '34509') -- from worker 8886
ROLLBACK
SELECT c.id FROM coupons c WHERE c.code = 'SAVE3517' AND c.valid_until > '2024-08-19 01:39:00' AND c.uses < c.max_uses /*application='web',controller='orders',action='show',traceparent='00-e6b9800268886735-01'*/
SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'x\y'
insert into counters (key, value) values ('judy', 264983981) on conflict (key) do update set value = counters.value + excluded.value
SHOW server_version
select this_.id as id1_0_, this_.name as name2_0_ from customer this_ where this_.region = 'frank'
SELECT * FROM users WHERE id = ANY('{269116365, 297683300, 6, 294283201, 520290540, 25771055, 3708, 109222186, 5, 3, 759964499, 222877428}'::bigint[])
rollback
SELECT id FROM products WHERE name LIKE '%ivan%' ORDER BY id LIMIT 20 OFFSET 0 /*application='web',controller='orders',action='show',traceparent='00-04fa935e677e93dd-01'*/
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 2669 AND t.priority >= 1 AND t.state <> 'closed' ORDER BY t.updated_at DESC /*application='web',controller='orders',action='show',traceparent='00-3ca64a017203364b-01'*/
SHOW server_version
INSERT  INTO  users (email, name, created_at) VALUES ('grace8270@example.com', 'müller', '2024-05-28 17:43:00')
SELECT abalance FROM pgbench_accounts WHERE aid = 6012
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (1, 9292, 2208, 6167, 8, 886513865, 521957353, 1, 7780, 3, 233090598, 4948) GROUP BY r.product_id
DELETE  FROM  sessions WHERE expires_at < '2024-10-04 22:41:00'
UPDATE orders SET status = 'cancelled', updated_at = '2024-09-14 10:13:00' WHERE id = 724437457 AND status = 'shipped' /*application='web',controller='orders',action='show',traceparent='00-75bb7127395a5171-01'*/
BEGIN
INSERT  INTO  pgbench_history (tid, bid, aid, delta, mtime) VALUES (58, 2, 9969, -2036, CURRENT_TIMESTAMP)
select id, payload from jobs where queue = 'mail' and run_at <= '2024-10-02 05:33:00' and locked_at is null order by priority, run_at limit 1
SELECT id, data->>'name' AS name FROM documents WHERE data->'meta'->>'owner' = 'bob'
SELECT  set_config('app.tenant',  '5605', false)
DELETE FROM cart_items WHERE cart_id = 797633627 AND product_id IN (9042, 531) -- from worker 809687017
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 7 AND m.id > 835834599 ORDER BY m.id ASC LIMIT 100
BEGIN
SELECT  this_.id  as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'bob'
INSERT  INTO  counters (key, value) VALUES ('o''brien', 2438) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 20
DELETE FROM events_2024_04 WHERE occurred_at < '2024-07-24 16:04:00' /*application='web',controller='orders',action='show',traceparent='00-d564d30ffb45515f-01'*/
/* user_id=6529 */ WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 3079 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
SELECT CAST('3569' AS integer), '2024-02-02 10:15:00'::date, -5399, 1.5e-3
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 1602.38 AND 7308.38 GROUP BY category_id ORDER BY 2 DESC
DELETE FROM sessions WHERE expires_at < '2024-12-18 08:03:00'
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 9692 ORDER BY "orders"."created_at" DESC LIMIT 10
SELECT * FROM users WHERE id = 8
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('refunded', 'paid', 'refunded') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 4069.04
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 591770840 AND d.location = 'müller'
SELECT * FROM users WHERE id = 4255 /* nested /* comment */ here */
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-08-12 22:04:00' AND created_at < '2024-04-17 03:35:00'
COPY (SELECT * FROM orders WHERE id > 492207544) TO STDOUT WITH (FORMAT csv) /*application='web',controller='orders',action='show',traceparent='00-3ee4191368b5f5f0-01'*/
COMMIT
select count(*) from events where account_id = 445043100 and kind = 'view' and occurred_at > '2024-06-05 12:52:00' -- from worker 6045
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2
copy (select * from orders where id > 434246583) to stdout with (format csv)
delete from sessions where expires_at < '2024-03-10 08:19:00'
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 7553.99 ORDER BY o.total DESC LIMIT 4581
SELECT abalance FROM pgbench_accounts WHERE aid = 7
ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname varchar(255)
begin
ANALYZE orders
SELECT * FROM users WHERE id = $1
VACUUM ANALYZE orders
SELECT id, email, created_at FROM users WHERE email = 'dave@example.com' LIMIT 1
TRUNCATE TABLE staging_events
select id, payload from jobs where queue = 'reports' and run_at <= '2024-01-25 10:47:00' and locked_at is null order by priority, run_at limit 1
INSERT  INTO  counters (key, value) VALUES ('frank', 2788) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
/* user_id=199829207 */ ROLLBACK
SELECT id, email, created_at FROM users WHERE email = 'new\nline@example.com' LIMIT 1
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('30411', '68216', '48753', '42351', '78019', '19146', '66624', '38209', '60903', '15212', '58783', '30467')
ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname varchar(255)
UPDATE users SET last_login_at = '2024-02-08 05:02:00', login_count = login_count + 1 WHERE id = 1406
ANALYZE orders
COMMIT
INSERT INTO users (email, name) VALUES ('smith & co@x.io', 'o''brien') RETURNING id
SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'smith & co'
select abalance from pgbench_accounts where aid = 168422420
SELECT  r.product_id,  avg(r.rating) FROM reviews r WHERE r.product_id IN (230, 8025, 6456, 8245, 62193656, 5, 8567, 557556123) GROUP BY r.product_id /*application='web',controller='orders',action='show',traceparent='00-af6d159e29fad75e-01'*/
SELECT id, email, created_at FROM users WHERE email = 'smith & co@example.com' LIMIT 1
SELECT * FROM users WHERE id = $1
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 6; END; $fn$ LANGUAGE plpgsql
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_2 ON orders (user_id, created_at) -- from worker 62
UPDATE  pgbench_accounts  SET abalance = abalance + -2331 WHERE aid = 9281
SELECT  abalance  FROM pgbench_accounts WHERE aid = 914
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 5; END; $fn$ LANGUAGE plpgsql
SELECT  id,  email, created_at FROM users WHERE email = 'smith & co@example.com' LIMIT 1
SELECT a.id, a.name FROM users a WHERE a.tenant_id = 214162753 AND a.deleted_at IS NULL ORDER BY a.name LIMIT 10
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 2247 AND m.id > 6957 ORDER BY m.id ASC LIMIT 100
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-05-04 14:35:00'
create index concurrently if not exists idx_orders_user_3 on orders (user_id, created_at)
UPDATE users SET last_login_at = '2024-12-20 12:31:00', login_count = login_count + 1 WHERE id = 583948023
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2
UPDATE pgbench_branches SET bbalance = bbalance + 274 WHERE bid = 1
TRUNCATE TABLE staging_events
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2
select * from orders where user_id in (458771932, 1, 5614, 6, 3) and status = 'paid'
SELECT * FROM orders WHERE user_id IN (16202459, 7, 9, 3701, 4, 2686, 6267, 6, 7, 909344615) AND status = 'shipped'
SELECT * FROM users WHERE id = ANY('{6, 6, 2, 198743433, 928938096, 840467799, 3967, 5, 9126, 563092083, 7764, 921182973}'::bigint[]) /*application='web',controller='orders',action='show',traceparent='00-eee630c74a779b10-01'*/
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 329718211 AND m.id > 2 ORDER BY m.id ASC LIMIT 50
SELECT  pg_sleep(0.46)
SELECT  n.nspname,  c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 10
select * from users where id in (select user_id from orders where total > 5869.58) and active = false /*application='web',controller='orders',action='show',traceparent='00-84f23a206a70140e-01'*/
WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-05-09 12:33:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (8, 3851, 5, 5508.33), (919626490, 4134, 2, 5641.67), (297849936, 684362510, 2, 3330.15), (8, 399276741, 3, 7543.62) /*application='web',controller='orders',action='show',traceparent='00-922835b4f7a813b8-01'*/
COMMIT
DELETE FROM cart_items WHERE cart_id = 7381 AND product_id IN (2615, 9036, 237209850, 843950117, 9, 7, 168315261, 732501580, 1, 658670924)
INSERT INTO users (email, name, created_at) VALUES ('smith & co927070554@example.com', 'grace', '2024-12-14 10:10:00') -- from worker 356722349
DELETE FROM sessions WHERE expires_at < '2024-03-08 01:12:00'
with recent as (select user_id, max(created_at) as last from orders where created_at > '2024-08-17 10:42:00' group by user_id) select u.email, r.last from users u join recent r on r.user_id = u.id
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 10
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 6 FOR UPDATE SKIP LOCKED
COPY  (SELECT  * FROM orders WHERE id > 34648407) TO STDOUT WITH (FORMAT csv)
analyze users
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (2, 3, 3, -837, CURRENT_TIMESTAMP)
SELECT id, payload FROM jobs WHERE queue = 'mail' AND run_at <= '2024-09-01 16:10:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
SELECT  E'new\nline\n'  AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$smith & co$$ AS d
SET search_path TO app, public
INSERT INTO users (email, name, created_at) VALUES ('50% off79177729@example.com', 'x\y', '2024-06-17 20:53:00')
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 3 FOR UPDATE SKIP LOCKED /*application='web',controller='orders',action='show',traceparent='00-de32b1e7e61ab601-01'*/
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 4 FOR UPDATE SKIP LOCKED
UPDATE pgbench_tellers SET tbalance = tbalance + 3773 WHERE tid = 19
MERGE INTO inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity)
select "users".* from "users" where "users"."id" = $1 limit $2
SET search_path TO app, public
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (5, 113595256, 2, 6879.21), (7723, 5, 5, 1195.21), (303907345, 9827, 5, 9469.39)
SELECT "users".* FROM "users" WHERE "users"."id" = $1 LIMIT $2
SELECT x.* FROM generate_series(1, 1) AS x(n)
SELECT set_config('app.tenant', '3166', false)
DELETE FROM cart_items WHERE cart_id = 755690765 AND product_id IN (3, 789652354, 7, 515745750, 36785540, 9929, 2) /*application='web',controller='orders',action='show',traceparent='00-09fb5f3ba5579309-01'*/
SELECT  u.id,  (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-10-09 09:55:00'
SELECT id, payload FROM jobs WHERE queue = 'default' AND run_at <= '2024-08-05 16:57:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
SELECT * FROM users WHERE id = 3934 /* nested /* comment */ here */
SELECT E'smith & co\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$dave$$ AS d
SELECT c.id FROM coupons c WHERE c.code = 'SAVE828575973' AND c.valid_until > '2024-01-27 11:19:00' AND c.uses < c.max_uses
VACUUM ANALYZE public.events
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('81211', '66910', '82731', '47252', '93024', '62810', '86586', '59422')
SELECT * FROM accounts WHERE id = 936963508 FOR UPDATE
ANALYZE orders
select * from orders where user_id in (719721728, 1, 926865615, 1727) and status = 'refunded'
SELECT x.* FROM generate_series(1, 33278027) AS x(n)
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 10
select * from accounts where id = 77904834 for update
SELECT id, rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > 853.29
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (9277, 'login', '{"ip": "10.0.5692.1"}', '2024-09-27 03:27:00')
alter table users add column if not exists nickname varchar(255)
SELECT  u.id,  (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-05-07 19:07:00'
INSERT INTO counters (key, value) VALUES ('grace', 784245997) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-09-16 05:01:00' AND created_at < '2024-05-11 20:43:00'
create or replace function add_one(i integer) returns integer as $fn$ begin return i + 5; end; $fn$ language plpgsql
INSERT INTO counters (key, value) VALUES ('smith & co', 175692473) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
SHOW server_version
select id, email, created_at from users where email = 'ivan@example.com' limit 1
INSERT  INTO  audit_log (user_id, action, payload, created_at) VALUES (925446263, 'update', '{"ip": "10.0.8041.1"}', '2024-07-07 05:51:00')
SELECT  m.id,  m.body FROM messages m WHERE m.thread_id = 2935 AND m.id > 3242 ORDER BY m.id ASC LIMIT 100
ALTER  TABLE  users ADD COLUMN IF NOT EXISTS nickname varchar(32) /*application='web',controller='orders',action='show',traceparent='00-d6bd21aad5d927ad-01'*/
SELECT usr.id, usr.name FROM users usr WHERE usr.tenant_id = 781 AND usr.deleted_at IS NULL ORDER BY usr.name LIMIT 10
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-06-13 04:11:00'
SET search_path TO app, public
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('refunded', 'paid', 'paid', 'shipped', 'shipped', 'refunded', 'refunded', 'shipped', 'pending', 'cancelled') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 9028.97
SELECT abalance FROM pgbench_accounts WHERE aid = 6861
SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'dave'
SELECT  "auth_user"."id",  "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = '50% off' LIMIT 21 /*application='web',controller='orders',action='show',traceparent='00-bf7c9932426a6865-01'*/
SELECT E'heidi\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$北京$$ AS d
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 3727 AND m.id > 580188829 ORDER BY m.id ASC LIMIT 100
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (19, 7, 1, 4856, CURRENT_TIMESTAMP) /*application='web',controller='orders',action='show',traceparent='00-69405953c2c0fac1-01'*/
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (1, 932053900, 136494058, 711) GROUP BY r.product_id /*application='web',controller='orders',action='show',traceparent='00-2109d2c6d0395bc4-01'*/
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 10
BEGIN
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 426983027 AND t.priority >= 5 AND t.state <> 'closed' ORDER BY t.updated_at DESC
SELECT "users".* FROM "users" WHERE "users"."id" = $1 LIMIT $2
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (17, 5, 935896581, -4217, CURRENT_TIMESTAMP) -- from worker 611582293
DROP  TABLE  IF EXISTS tmp_import_1, tmp_import_2
CREATE TABLE IF NOT EXISTS tmp_import_5 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
select o.id, sum(li.quantity * li.unit_price) as amount from orders o inner join line_items li on li.order_id = o.id where o.status in ('paid', 'cancelled', 'paid', 'cancelled', 'shipped', 'shipped') group by o.id having sum(li.quantity * li.unit_price) > 2579.94
WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-08-03 00:04:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id /*application='web',controller='orders',action='show',traceparent='00-f21dec20214aea61-01'*/
SELECT * FROM users WHERE id = 4 /* nested /* comment */ here */
WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-10-01 04:40:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id -- from worker 9
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 834580815 ORDER BY "orders"."created_at" DESC LIMIT 10
SELECT id, rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > 3213.30
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 8 AND d.location = 'frank'
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (4, 9, 7, 895, 8719, 484, 8) GROUP BY r.product_id
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 9; END; $fn$ LANGUAGE plpgsql /*application='web',controller='orders',action='show',traceparent='00-595d1f3733d879f7-01'*/
SELECT * FROM ONLY public.events WHERE id = 46657348
/* user_id=497196175 */ SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'smith & co' LIMIT 21
ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname varchar(32)
VACUUM ANALYZE users /*application='web',controller='orders',action='show',traceparent='00-1498f239f94d2c24-01'*/
UPDATE orders SET status = 'cancelled', updated_at = '2024-12-01 21:44:00' WHERE id = 8890 AND status = 'cancelled'
with recursive tree as (select id, parent_id from categories where id = 452 union all select c.id, c.parent_id from categories c join tree t on c.parent_id = t.id) select * from tree
SELECT id FROM products WHERE name LIKE '%müller%' ORDER BY id LIMIT 20 OFFSET 20 -- from worker 6299
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-01-06 08:43:00'
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 1266.47) AND active = FALSE
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (5268, 3365, 4497, 133441775, 7856, 1276, 291802868, 5304, 9114) GROUP BY r.product_id
SELECT id, email, created_at FROM users WHERE email = 'smith & co@example.com' LIMIT 1
SELECT COUNT(*) FROM events WHERE account_id = 495555722 AND kind = 'buy' AND occurred_at > '2024-09-13 02:33:00'
SELECT id, email, created_at FROM users WHERE email = 'frank@example.com' LIMIT 1
SELECT date_trunc('day', created_at) AS day, count(*) FROM orders WHERE created_at > '2024-05-06 12:03:00'::timestamptz GROUP BY 1 ORDER BY 1 /*application='web',controller='orders',action='show',traceparent='00-8f0af192fa9f4c60-01'*/
SELECT COUNT(*) FROM events WHERE account_id = 277628312 AND kind = 'buy' AND occurred_at > '2024-07-10 08:41:00'
/* user_id=5142 */ select id, email, created_at from users where email = '50% off@example.com' limit 1
create index concurrently if not exists idx_orders_user_1 on orders (user_id, created_at)
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 9 OR i.product_id IS NULL
SELECT x.* FROM generate_series(1, 6974) AS x(n)
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 6 AND m.id > 8297 ORDER BY m.id ASC LIMIT 100
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 3; END; $fn$ LANGUAGE plpgsql
SELECT E'ivan\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$new\nline$$ AS d
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (845684336, 'logout', '{"ip": "10.0.499319848.1"}', '2024-03-13 00:21:00')
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 5 ORDER BY "orders"."created_at" DESC LIMIT 10
SELECT COUNT(*) FROM events WHERE account_id = 571154685 AND kind = 'view' AND occurred_at > '2024-08-02 16:03:00'
SELECT id FROM products WHERE name LIKE '%ivan%' ORDER BY id LIMIT 20 OFFSET 0
UPDATE users SET last_login_at = '2024-04-02 16:06:00', login_count = login_count + 1 WHERE id = 3
SELECT id, data->>'name' AS name FROM documents WHERE data->'meta'->>'owner' = 'bob'
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 6 AND d.location = 'smith & co'
COPY (SELECT * FROM orders WHERE id > 772144577) TO STDOUT WITH (FORMAT csv)
MERGE INTO inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity) /*application='web',controller='orders',action='show',traceparent='00-006309650b7bc248-01'*/
UPDATE orders SET status = 'pending', updated_at = '2024-04-14 14:47:00' WHERE id = 388105279 AND status = 'shipped'
SELECT  this_.id  as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'alice'
SELECT COUNT(*) FROM events WHERE account_id = 808193018 AND kind = 'view' AND occurred_at > '2024-09-13 01:34:00'
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
SELECT * FROM users WHERE id = ANY('{8198}'::bigint[])
SHOW server_version
CREATE TABLE IF NOT EXISTS tmp_import_4 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now()) /*application='web',controller='orders',action='show',traceparent='00-6263881a946f8816-01'*/
SELECT E'grace\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$50% off$$ AS d
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 4; END; $fn$ LANGUAGE plpgsql
select category_id, count(*), avg(price) from products where price between 7102.69 and 275.29 group by category_id order by 2 desc
/* user_id=2125 */ SELECT * FROM ONLY public.events WHERE id = 6579
/* user_id=5 */ SELECT  o.id,  o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 9292.32 ORDER BY o.total DESC LIMIT 163900858
select x.* from generate_series(1, 872236828) as x(n)
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 511092767 AND m.id > 7 ORDER BY m.id ASC LIMIT 50
SELECT  s.id,  s.name FROM stores s WHERE s.region_id = 2080 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 9
SELECT  *  FROM measurements WHERE device_id = 2322 AND recorded_at > now() - interval '30 hours'
SELECT usr.id, usr.name FROM users usr WHERE usr.tenant_id = 3245 AND usr.deleted_at IS NULL ORDER BY usr.name LIMIT 10 -- from worker 7880
SELECT  *  FROM users WHERE id = $1
insert into users (email, name, created_at) values ('carol286955082@example.com', 'erin', '2024-08-08 08:07:00')
SELECT E'frank\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$bob$$ AS d /*application='web',controller='orders',action='show',traceparent='00-15e9e0b74594a9ed-01'*/
select * from users where id = $1 /*application='web',controller='orders',action='show',traceparent='00-4eaeca54b53c8462-01'*/
SELECT date_trunc('day', created_at) AS day, count(*) FROM orders WHERE created_at > '2024-06-18 14:02:00'::timestamptz GROUP BY 1 ORDER BY 1
MERGE INTO inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity)
INSERT INTO users (email, name, created_at) VALUES ('erin549557872@example.com', 'new\nline', '2024-05-07 15:22:00')
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 6281.99 AND 1546.90 GROUP BY category_id ORDER BY 2 DESC
select * from events where payload @> '{"type": "frank"}'::jsonb and account_id = 937727090
SHOW server_version
UPDATE users SET last_login_at = '2024-06-17 23:02:00', login_count = login_count + 1 WHERE id = 2757
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('pending', 'cancelled', 'refunded', 'paid') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 7255.08
select a.id, a.name from users a where a.tenant_id = 6243 and a.deleted_at is null order by a.name limit 50
select cast('6477' as integer), '2024-02-20 15:30:00'::date, -4, 1.5e3
SELECT  E'heidi\n'  AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$dave$$ AS d /*application='web',controller='orders',action='show',traceparent='00-88b71afb75f3f430-01'*/
SELECT id, payload FROM jobs WHERE queue = 'mail' AND run_at <= '2024-08-04 16:59:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
SELECT * FROM events WHERE payload @> '{"type": "new\nline"}'::jsonb AND account_id = 1852
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 5152 AND t.priority >= 5 AND t.state <> 'closed' ORDER BY t.updated_at DESC
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 3361.58 ORDER BY o.total DESC LIMIT 2
SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'smith & co' LIMIT 21
ROLLBACK
SELECT pg_sleep(0.71) /*application='web',controller='orders',action='show',traceparent='00-c4d861d1d4af8193-01'*/
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (1214, 'login', '{"ip": "10.0.3412.1"}', '2024-09-25 13:00:00')
UPDATE orders SET status = 'refunded', updated_at = '2024-08-12 09:01:00' WHERE id = 82116199 AND status = 'cancelled' /*application='web',controller='orders',action='show',traceparent='00-bfdb4fdcda417c6e-01'*/
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-05-16 13:18:00'
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-11-18 00:14:00'
SELECT  a.id,  a.city FROM addresses a WHERE a.zip IN ('75931', '89291', '78050', '37351', '59184', '18927', '20413', '26468', '57476', '35325', '65385', '84134')
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_2 ON orders (user_id, created_at)
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 20
SHOW server_version
BEGIN /*application='web',controller='orders',action='show',traceparent='00-dd6f6cb577b1fded-01'*/
/* user_id=641 */ SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'alice' LIMIT 21
INSERT  INTO  users (email, name) VALUES ('judy@x.io', 'frank') RETURNING id
update pgbench_tellers set tbalance = tbalance + -1231 where tid = 28
SELECT  o.id,  o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 4780.91 ORDER BY o.total DESC LIMIT 982963447
SELECT  p.id,  p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 2918 OR i.product_id IS NULL
SELECT id FROM products WHERE name LIKE '%frank%' ORDER BY id LIMIT 20 OFFSET 20
SELECT id, payload FROM jobs WHERE queue = 'default' AND run_at <= '2024-08-17 06:48:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1 /*application='web',controller='orders',action='show',traceparent='00-0cfdbab1fca9fbfe-01'*/
INSERT INTO counters (key, value) VALUES ('judy', 6) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
select o.id, sum(li.quantity * li.unit_price) as amount from orders o inner join line_items li on li.order_id = o.id where o.status in ('paid', 'refunded', 'shipped', 'refunded', 'cancelled', 'paid', 'paid', 'pending') group by o.id having sum(li.quantity * li.unit_price) > 3622.19
SELECT id, email, created_at FROM users WHERE email = 'new\nline@example.com' LIMIT 1
SELECT id, payload FROM jobs WHERE queue = 'default' AND run_at <= '2024-12-27 00:59:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
SELECT CAST('838684282' AS integer), '2024-03-16 13:39:00'::date, -9757, 1.5e-1
SET statement_timeout = 5000
UPDATE users SET last_login_at = '2024-01-08 03:03:00', login_count = login_count + 1 WHERE id = 7355
/* user_id=3 */ SELECT * FROM ONLY public.events WHERE id = 9488
DELETE FROM cart_items WHERE cart_id = 5739 AND product_id IN (7534, 619227531)
SELECT id, email, created_at FROM users WHERE email = 'heidi@example.com' LIMIT 1
SELECT  id  FROM products WHERE name LIKE '%smith & co%' ORDER BY id LIMIT 20 OFFSET 20
SELECT s.id, s.name FROM stores s WHERE s.region_id = 4898 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 7 /*application='web',controller='orders',action='show',traceparent='00-ec15b4d4fbc6658a-01'*/
ANALYZE orders
SELECT id, payload FROM jobs WHERE queue = 'reports' AND run_at <= '2024-07-22 10:28:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
/* user_id=434794638 */ SELECT * FROM users WHERE id = 8 /* nested /* comment */ here */
SELECT  t.id,  t.title FROM tickets t WHERE t.assignee_id = 5 AND t.priority >= 1 AND t.state <> 'closed' ORDER BY t.updated_at DESC -- from worker 31
create index concurrently if not exists idx_orders_user_1 on orders (user_id, created_at) /*application='web',controller='orders',action='show',traceparent='00-041c5816440b5aa5-01'*/
drop table if exists tmp_import_1, tmp_import_2
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-02-02 16:54:00' AND created_at < '2024-02-23 23:25:00'
SELECT set_config('app.tenant', '121141769', false)
select * from users where id = 7
TRUNCATE TABLE staging_events
VACUUM ANALYZE orders
DELETE FROM events_2024_05 WHERE occurred_at < '2024-02-20 12:30:00'
SET statement_timeout = 1000
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-04-15 00:35:00' /*application='web',controller='orders',action='show',traceparent='00-32cbe79ea9a92483-01'*/
/* user_id=659083328 */ select * from users where id = 7 /* nested /* comment */ here */
SELECT * FROM users WHERE id = 793622159
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 20
SELECT COUNT(*) FROM events WHERE account_id = 52961357 AND kind = 'buy' AND occurred_at > '2024-05-01 07:58:00'
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-06-11 16:22:00'
SELECT  date_trunc('day',  created_at) AS day, count(*) FROM orders WHERE created_at > '2024-12-15 21:13:00'::timestamptz GROUP BY 1 ORDER BY 1
select distinct country from addresses where user_id = 4232
SELECT u.id, u.name FROM users u WHERE u.tenant_id = 5 AND u.deleted_at IS NULL ORDER BY u.name LIMIT 10
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-06-06 01:22:00' /*application='web',controller='orders',action='show',traceparent='00-8cae692aa0e7c4a7-01'*/
SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'x\y' LIMIT 21
alter table users add column if not exists nickname varchar(255)
select count(*) from events where account_id = 6 and kind = 'buy' and occurred_at > '2024-09-11 11:30:00'
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_2 ON orders (user_id, created_at)
DELETE FROM events_2024_05 WHERE occurred_at < '2024-02-10 20:04:00'
select abalance from pgbench_accounts where aid = 1
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-08-27 17:52:00' AND created_at < '2024-12-04 14:47:00'
SELECT  id  FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 3 FOR UPDATE SKIP LOCKED
SELECT id, payload FROM jobs WHERE queue = 'mail' AND run_at <= '2024-08-22 14:11:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
SELECT * FROM users WHERE id = $1
SELECT * FROM users WHERE id = ANY('{5, 1, 692852393, 392030389, 7, 347701854, 1121, 509449237, 5, 1432}'::bigint[])
SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'dave'
merge into inventory i using shipments s on s.product_id = i.product_id when matched then update set quantity = i.quantity + s.quantity when not matched then insert (product_id, quantity) values (s.product_id, s.quantity)
SELECT id, email, created_at FROM users WHERE email = 'heidi@example.com' LIMIT 1
SELECT date_trunc('day', created_at) AS day, count(*) FROM orders WHERE created_at > '2024-07-16 09:34:00'::timestamptz GROUP BY 1 ORDER BY 1
SELECT * FROM users WHERE id = $1
SELECT x.* FROM generate_series(1, 9643) AS x(n)
SELECT  r.product_id,  avg(r.rating) FROM reviews r WHERE r.product_id IN (6618, 3, 1, 1346, 345327404, 9, 9157, 1, 654496583, 7150, 3877) GROUP BY r.product_id
VACUUM  ANALYZE  users
create table if not exists tmp_import_2 (id bigint primary key, name text not null default '', created_at timestamptz default now()) /*application='web',controller='orders',action='show',traceparent='00-3096250a1b389015-01'*/
SELECT * FROM ONLY public.events WHERE id = 1
SELECT * FROM events WHERE payload @> '{"type": "frank"}'::jsonb AND account_id = 847565669
UPDATE  orders  SET status = 'paid', updated_at = '2024-01-20 04:10:00' WHERE id = 793503771 AND status = 'shipped'
with recursive tree as (select id, parent_id from categories where id = 988113209 union all select c.id, c.parent_id from categories c join tree t on c.parent_id = t.id) select * from tree
SELECT x.* FROM generate_series(1, 5611) AS x(n)
SELECT * FROM users WHERE id = ANY('{4, 275570185, 8, 633330696, 658037984, 5513, 1}'::bigint[]) /*application='web',controller='orders',action='show',traceparent='00-3018a6878b91e630-01'*/
SELECT id, email, created_at FROM users WHERE email = 'o''brien@example.com' LIMIT 1 /*application='web',controller='orders',action='show',traceparent='00-9866454e12a08c3e-01'*/
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 17334975 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-11-17 10:51:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id /*application='web',controller='orders',action='show',traceparent='00-3c2c28e1f8d0a3d6-01'*/
SELECT * FROM users WHERE id = 2
select "auth_user"."id", "auth_user"."username" from "auth_user" where "auth_user"."username" = 'bob' limit 21 /*application='web',controller='orders',action='show',traceparent='00-8e4297d0868153a7-01'*/
SHOW server_version
/* user_id=2073 */ delete from cart_items where cart_id = 1 and product_id in (9, 8099, 633956029, 663714499, 4, 4749, 2577, 6, 461857342, 4)
SELECT abalance FROM pgbench_accounts WHERE aid = 440473847
select * from orders where user_id in (563, 636955506, 8, 1090, 2, 4704, 1, 5819, 8155, 3948, 6, 583543868) and status = 'paid'
select o.id, o.total, u.email from orders o join users u on u.id = o.user_id where o.total > 5164.37 order by o.total desc limit 6
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 4183.90 AND 49.69 GROUP BY category_id ORDER BY 2 DESC
SELECT "users".* FROM "users" WHERE "users"."id" = $1 LIMIT $2
ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname varchar(64)
CREATE TABLE IF NOT EXISTS tmp_import_1 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 3 FOR UPDATE SKIP LOCKED
select a.id, a.city from addresses a where a.zip in ('50580', '38926', '63640', '91236', '74463')
select o.id, sum(li.quantity * li.unit_price) as amount from orders o inner join line_items li on li.order_id = o.id where o.status in ('cancelled', 'refunded', 'refunded', 'refunded', 'cancelled', 'pending', 'shipped') group by o.id having sum(li.quantity * li.unit_price) > 852.97
DELETE FROM sessions WHERE expires_at < '2024-04-18 03:17:00' /*application='web',controller='orders',action='show',traceparent='00-5cb76a3f66c427c1-01'*/
DELETE FROM sessions WHERE expires_at < '2024-03-17 16:08:00' /*application='web',controller='orders',action='show',traceparent='00-9d5dc358e3d99df7-01'*/
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2 /*application='web',controller='orders',action='show',traceparent='00-36d96ce904e9475b-01'*/
SELECT  "users".*  FROM "users" WHERE "users"."id" = $1 LIMIT $2 -- from worker 7466
delete from events_2024_08 where occurred_at < '2024-11-23 15:49:00'
SET search_path TO app, public /*application='web',controller='orders',action='show',traceparent='00-ad459bb4e8c0272e-01'*/
INSERT  INTO  users (email, name) VALUES ('müller@x.io', 'müller') RETURNING id
SET search_path TO app, public
WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-07-13 17:58:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id
insert into users (email, name) values ('erin@x.io', 'grace') returning id
ROLLBACK
DELETE  FROM  events_2024_05 WHERE occurred_at < '2024-04-04 04:55:00'
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 6007.43 AND 2967.71 GROUP BY category_id ORDER BY 2 DESC
SELECT * FROM ONLY public.events WHERE id = 22192877
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 3326.06 ORDER BY o.total DESC LIMIT 2
SELECT * FROM users WHERE id = 699876408 /* nested /* comment */ here */
BEGIN
select o.id, o.total, u.email from orders o join users u on u.id = o.user_id where o.total > 2729.17 order by o.total desc limit 675004534
ANALYZE orders
SELECT CAST('3249' AS integer), '2024-05-06 22:38:00'::date, -8, 1.5e2
INSERT INTO users (email, name) VALUES ('smith & co@x.io', 'heidi') RETURNING id
SELECT id, rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > 8334.89
SELECT * FROM measurements WHERE device_id = 771072118 AND recorded_at > now() - interval '1 hours'
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (78, 9, 8354, 1025, CURRENT_TIMESTAMP)
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_3 ON orders (user_id, created_at)
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 5381.61 ORDER BY o.total DESC LIMIT 8
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 4688.97) AND active = true
update pgbench_branches set bbalance = bbalance + 129 where bid = 4
SELECT c.id FROM coupons c WHERE c.code = 'SAVE8' AND c.valid_until > '2024-03-04 14:24:00' AND c.uses < c.max_uses /*application='web',controller='orders',action='show',traceparent='00-72d12bfcb16598ee-01'*/
UPDATE  jobs  SET locked_at = '2024-02-20 20:34:00', locked_by = 'worker-8991' WHERE id = 4
SHOW server_version
SELECT COUNT(*) FROM events WHERE account_id = 30991531 AND kind = 'buy' AND occurred_at > '2024-03-14 03:28:00' /*application='web',controller='orders',action='show',traceparent='00-0cdd25ceef096b03-01'*/
ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname varchar(32)
SELECT * FROM events WHERE payload @> '{"type": "50% off"}'::jsonb AND account_id = 304439427
SELECT id, email, created_at FROM users WHERE email = 'heidi@example.com' LIMIT 1 -- from worker 768886888
select e'x\y\n' as s, u&'d\0061t\+000061' as u, b'1010' as b, x'1f' as x, $$heidi$$ as d
DELETE FROM cart_items WHERE cart_id = 163039952 AND product_id IN (3987, 9166, 3, 6037, 182812516, 86264141, 2159)
UPDATE  users  SET last_login_at = '2024-02-20 07:03:00', login_count = login_count + 1 WHERE id = 760569073 /*application='web',controller='orders',action='show',traceparent='00-6bc625c873304a8f-01'*/
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 9487.08 AND 4301.30 GROUP BY category_id ORDER BY 2 DESC
COPY (SELECT * FROM orders WHERE id > 9) TO STDOUT WITH (FORMAT csv)
CREATE TABLE IF NOT EXISTS tmp_import_2 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
UPDATE orders SET status = 'refunded', updated_at = '2024-07-26 08:51:00' WHERE id = 5944 AND status = 'paid'
SELECT COUNT(*) FROM events WHERE account_id = 2 AND kind = 'click' AND occurred_at > '2024-01-01 03:57:00' /*application='web',controller='orders',action='show',traceparent='00-24ded1bc468c3c2e-01'*/
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 565631334 AND t.priority >= 2 AND t.state <> 'closed' ORDER BY t.updated_at DESC
UPDATE users SET last_login_at = '2024-10-21 15:46:00', login_count = login_count + 1 WHERE id = 4960
SELECT * FROM users WHERE id = 666602611 /* nested /* comment */ here */
SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'heidi'
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 444684305 OR i.product_id IS NULL /*application='web',controller='orders',action='show',traceparent='00-76079044ce5cce3d-01'*/
SELECT u.id, u.name FROM users u WHERE u.tenant_id = 2 AND u.deleted_at IS NULL ORDER BY u.name LIMIT 10
UPDATE jobs SET locked_at = '2024-09-20 08:46:00', locked_by = 'worker-187193929' WHERE id = 5
select r.product_id, avg(r.rating) from reviews r where r.product_id in (3, 869789490, 5864, 2688, 3, 7946, 9, 3, 6) group by r.product_id
/* user_id=5520 */ CREATE  OR  REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 1; END; $fn$ LANGUAGE plpgsql
SELECT E'grace\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$müller$$ AS d
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 6 FOR UPDATE SKIP LOCKED
DELETE FROM sessions WHERE expires_at < '2024-07-17 12:26:00'
SELECT * FROM users WHERE id = 160957654 /* nested /* comment */ here */
UPDATE users SET last_login_at = '2024-04-06 00:12:00', login_count = login_count + 1 WHERE id = 2
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (2, 'logout', '{"ip": "10.0.3.1"}', '2024-05-03 17:37:00')
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (30, 3, 253807505, 1939, CURRENT_TIMESTAMP)
MERGE INTO inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity)
SELECT abalance FROM pgbench_accounts WHERE aid = 3850
CREATE TABLE IF NOT EXISTS tmp_import_1 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
select p.id, p.sku, p.price from products p left join inventory i on i.product_id = p.id where i.quantity < 852094450 or i.product_id is null
insert into audit_log (user_id, action, payload, created_at) values (611385179, 'update', '{"ip": "10.0.581474953.1"}', '2024-02-10 19:34:00') /*application='web',controller='orders',action='show',traceparent='00-167a265a28e9e907-01'*/
SELECT abalance FROM pgbench_accounts WHERE aid = 5202
SELECT  id,  payload FROM jobs WHERE queue = 'reports' AND run_at <= '2024-09-15 04:47:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
select distinct country from addresses where user_id = 4686
SELECT COUNT(*) FROM events WHERE account_id = 7 AND kind = 'click' AND occurred_at > '2024-09-26 00:09:00' /*application='web',controller='orders',action='show',traceparent='00-a0d0162eb9cde639-01'*/
TRUNCATE TABLE staging_events
select * from users where id in (select user_id from orders where total > 9307.45) and active = true
SELECT * FROM orders WHERE user_id IN (9485, 4849) AND status = 'paid'
SELECT date_trunc('day', created_at) AS day, count(*) FROM orders WHERE created_at > '2024-10-22 04:56:00'::timestamptz GROUP BY 1 ORDER BY 1
insert into counters (key, value) values ('50% off', 827) on conflict (key) do update set value = counters.value + excluded.value
SELECT E'carol\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$dave$$ AS d
INSERT INTO users (email, name) VALUES ('alice@x.io', 'judy') RETURNING id
SELECT E'ivan\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$o'brien$$ AS d
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 2 FOR UPDATE SKIP LOCKED -- from worker 858074271
begin
SELECT DISTINCT country FROM addresses WHERE user_id = 722892290
SELECT * FROM users WHERE id = ANY('{193287626, 7102, 747770709, 8, 9560, 226848433, 9312, 133386421, 5, 969971986}'::bigint[])
UPDATE pgbench_branches SET bbalance = bbalance + 311 WHERE bid = 5
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 3169.82 AND 2627.96 GROUP BY category_id ORDER BY 2 DESC
VACUUM ANALYZE orders
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-01-15 09:27:00' AND created_at < '2024-02-28 02:16:00'
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-10-17 13:15:00'
SELECT id, email, created_at FROM users WHERE email = 'ivan@example.com' LIMIT 1
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (19, 3, 4, 66, CURRENT_TIMESTAMP)
SELECT set_config('app.tenant', '4214358', false)
/* user_id=7541 */ select c.id from coupons c where c.code = 'save9604' and c.valid_until > '2024-09-23 15:26:00' and c.uses < c.max_uses
select id, data->>'name' as name from documents where data->'meta'->>'owner' = 'heidi'
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (44, 9, 9, 1555, CURRENT_TIMESTAMP)
SELECT x.* FROM generate_series(1, 214791257) AS x(n)
SELECT usr.id, usr.name FROM users usr WHERE usr.tenant_id = 6391 AND usr.deleted_at IS NULL ORDER BY usr.name LIMIT 50
SELECT  *  FROM users WHERE id = 252855845 /* nested /* comment */ here */
DELETE FROM cart_items WHERE cart_id = 4600 AND product_id IN (5, 60319980, 469631452, 8, 515756272, 163806111, 2, 8, 4673, 845228397, 6)
SELECT * FROM users WHERE id = ANY('{478, 6799, 1692, 453988404}'::bigint[]) /*application='web',controller='orders',action='show',traceparent='00-51c523e8ee099db2-01'*/
SELECT  usr.id,  usr.name FROM users usr WHERE usr.tenant_id = 4076 AND usr.deleted_at IS NULL ORDER BY usr.name LIMIT 50
select this_.id as id1_0_, this_.name as name2_0_ from customer this_ where this_.region = 'grace'
SELECT * FROM orders WHERE user_id IN (972221048, 9, 970246522, 8, 6, 3, 969055419, 8, 5, 5567) AND status = 'cancelled'
SHOW server_version
INSERT INTO users (email, name, created_at) VALUES ('carol7@example.com', 'bob', '2024-08-23 12:30:00')
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 6787.48 AND 3137.29 GROUP BY category_id ORDER BY 2 DESC
SELECT pg_sleep(0.63)
COPY  (SELECT  * FROM orders WHERE id > 105297727) TO STDOUT WITH (FORMAT csv)
insert into audit_log (user_id, action, payload, created_at) values (522150703, 'logout', '{"ip": "10.0.3.1"}', '2024-02-03 10:36:00')
VACUUM ANALYZE orders
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (4866, 'update', '{"ip": "10.0.210522528.1"}', '2024-08-24 18:08:00')
DELETE FROM events_2024_02 WHERE occurred_at < '2024-12-22 16:32:00'
copy (select * from orders where id > 748005618) to stdout with (format csv)
ROLLBACK
SELECT pg_sleep(0.22)
VACUUM ANALYZE users /*application='web',controller='orders',action='show',traceparent='00-515ac49cce56fb91-01'*/
vacuum analyze users /*application='web',controller='orders',action='show',traceparent='00-a06f3a42c9656bd0-01'*/
SELECT id, payload FROM jobs WHERE queue = 'reports' AND run_at <= '2024-02-18 12:18:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
MERGE INTO inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity)
SELECT id, email, created_at FROM users WHERE email = 'erin@example.com' LIMIT 1
SELECT * FROM accounts WHERE id = 695214798 FOR UPDATE -- from worker 7
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 20 -- from worker 396791384
SELECT  date_trunc('day',  created_at) AS day, count(*) FROM orders WHERE created_at > '2024-10-22 22:54:00'::timestamptz GROUP BY 1 ORDER BY 1
SELECT id FROM products WHERE name LIKE '%dave%' ORDER BY id LIMIT 20 OFFSET 20
SELECT CAST('7755' AS integer), '2024-05-23 07:58:00'::date, -3, 1.5e1
UPDATE pgbench_tellers SET tbalance = tbalance + -1586 WHERE tid = 42
insert into users (email, name, created_at) values ('carol4@example.com', 'erin', '2024-06-26 23:20:00')
set statement_timeout = 1000
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 8 ORDER BY "orders"."created_at" DESC LIMIT 10
/* user_id=8 */ select id, email, created_at from users where email = 'grace@example.com' limit 1
SELECT  e.id,  e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 97409134 AND d.location = 'carol'
WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-11-12 11:54:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id
select n.nspname, c.relname, pg_total_relation_size(c.oid) from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'r' order by 3 desc limit 10
UPDATE pgbench_branches SET bbalance = bbalance + -4576 WHERE bid = 10
select id, email, created_at from users where email = 'bob@example.com' limit 1
/* user_id=3642 */ WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 4 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
SELECT date_trunc('day', created_at) AS day, count(*) FROM orders WHERE created_at > '2024-05-27 01:38:00'::timestamptz GROUP BY 1 ORDER BY 1
with recursive tree as (select id, parent_id from categories where id = 267064677 union all select c.id, c.parent_id from categories c join tree t on c.parent_id = t.id) select * from tree
TRUNCATE TABLE staging_events
UPDATE  users  SET last_login_at = '2024-01-20 21:56:00', login_count = login_count + 1 WHERE id = 3
select r.product_id, avg(r.rating) from reviews r where r.product_id in (686698856, 1, 9, 7934, 154823974, 8) group by r.product_id
CREATE  OR  REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 9; END; $fn$ LANGUAGE plpgsql
INSERT INTO counters (key, value) VALUES ('new\nline', 6) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
set statement_timeout = 1000
VACUUM ANALYZE users
SELECT * FROM events WHERE payload @> '{"type": "bob"}'::jsonb AND account_id = 1865
select m.id, m.body from messages m where m.thread_id = 472300237 and m.id > 8 order by m.id asc limit 50
COPY (SELECT * FROM orders WHERE id > 558817825) TO STDOUT WITH (FORMAT csv)
SELECT DISTINCT country FROM addresses WHERE user_id = 862784666
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (55, 4, 224, -71, CURRENT_TIMESTAMP)
select * from users where id = $1
SELECT abalance FROM pgbench_accounts WHERE aid = 7405 -- from worker 6
SELECT DISTINCT country FROM addresses WHERE user_id = 1316
select pg_sleep(0.49) /*application='web',controller='orders',action='show',traceparent='00-f58c63d43bca0f03-01'*/
UPDATE users SET last_login_at = '2024-02-03 19:29:00', login_count = login_count + 1 WHERE id = 458868306
SELECT * FROM events WHERE payload @> '{"type": "müller"}'::jsonb AND account_id = 5
SHOW server_version
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 946693654 OR i.product_id IS NULL /*application='web',controller='orders',action='show',traceparent='00-1bd8a40f8deba1f4-01'*/
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (255327592, 2898, 4, 6555.38), (4291, 669106898, 5, 7726.44), (7338, 9, 3, 2633.78)
SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'frank'
VACUUM ANALYZE orders /*application='web',controller='orders',action='show',traceparent='00-13a7ee1467589df8-01'*/
CREATE TABLE IF NOT EXISTS tmp_import_1 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now()) /*application='web',controller='orders',action='show',traceparent='00-65c991906000d014-01'*/
BEGIN
create or replace function add_one(i integer) returns integer as $fn$ begin return i + 5; end; $fn$ language plpgsql
copy (select * from orders where id > 9889) to stdout with (format csv)
SELECT E'carol\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$bob$$ AS d
VACUUM ANALYZE orders -- from worker 8
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (1441, 1051, 2, 917.02), (8, 184675401, 4, 6095.95), (9, 8374, 1, 7922.80), (1476, 2989, 4, 4745.40), (501678994, 3255, 2, 5093.31) /*application='web',controller='orders',action='show',traceparent='00-01bfea9d00cd6071-01'*/
SELECT DISTINCT country FROM addresses WHERE user_id = 5 /*application='web',controller='orders',action='show',traceparent='00-66290ec5fad47e84-01'*/
SELECT * FROM accounts WHERE id = 7645 FOR UPDATE
UPDATE pgbench_accounts SET abalance = abalance + 2028 WHERE aid = 8
SELECT c.id FROM coupons c WHERE c.code = 'SAVE926818790' AND c.valid_until > '2024-09-05 09:56:00' AND c.uses < c.max_uses
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 620937319 ORDER BY "orders"."created_at" DESC LIMIT 10
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-01-12 22:14:00'
INSERT  INTO  line_items (order_id, product_id, quantity, unit_price) VALUES (8, 725875349, 1, 9690.78), (8, 8, 4, 6533.29), (6915, 5, 4, 6970.00), (736837168, 265313680, 1, 6660.13), (7553, 2, 3, 2996.81), (7, 8480, 2, 6062.38) -- from worker 7
UPDATE jobs SET locked_at = '2024-05-24 21:59:00', locked_by = 'worker-439671741' WHERE id = 9 /*application='web',controller='orders',action='show',traceparent='00-c6c14e9e42f83870-01'*/
SELECT id, payload FROM jobs WHERE queue = 'mail' AND run_at <= '2024-12-16 05:24:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
UPDATE  pgbench_accounts  SET abalance = abalance + -2202 WHERE aid = 759217761
SELECT id, payload FROM jobs WHERE queue = 'mail' AND run_at <= '2024-11-21 04:24:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
select id, data->>'name' as name from documents where data->'meta'->>'owner' = 'x\y'
SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'x\y'
DELETE FROM events_2024_05 WHERE occurred_at < '2024-10-02 21:00:00'
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 3165.31 ORDER BY o.total DESC LIMIT 5267
COPY (SELECT * FROM orders WHERE id > 9656) TO STDOUT WITH (FORMAT csv) -- from worker 1465
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 8; END; $fn$ LANGUAGE plpgsql
DELETE FROM sessions WHERE expires_at < '2024-06-22 19:54:00' /*application='web',controller='orders',action='show',traceparent='00-8a0014565e667be0-01'*/
SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'carol'
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (51, 10, 124379509, -2918, CURRENT_TIMESTAMP)
SELECT * FROM users WHERE id = 1
SELECT id, payload FROM jobs WHERE queue = 'default' AND run_at <= '2024-06-28 18:13:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
MERGE INTO inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity)
copy (select * from orders where id > 7932) to stdout with (format csv)
update pgbench_tellers set tbalance = tbalance + 4232 where tid = 38 /*application='web',controller='orders',action='show',traceparent='00-ffe5bceea871f712-01'*/
SHOW server_version
BEGIN
update pgbench_accounts set abalance = abalance + 3290 where aid = 683947849
select id, rank() over (partition by category_id order by price desc) from products where price > 739.04
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 810159241 AND d.location = 'carol'
SELECT s.id, s.name FROM stores s WHERE s.region_id = 7 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 9
SELECT E'bob\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$bob$$ AS d
SELECT id, email, created_at FROM users WHERE email = 'müller@example.com' LIMIT 1
/* user_id=5144 */ SHOW server_version
update pgbench_accounts set abalance = abalance + 2077 where aid = 7
SELECT a.id, a.name FROM users a WHERE a.tenant_id = 6996 AND a.deleted_at IS NULL ORDER BY a.name LIMIT 50
select u.id, (select count(*) from orders o where o.user_id = u.id) as order_count from users u where u.created_at > '2024-09-14 13:58:00'
merge into inventory i using shipments s on s.product_id = i.product_id when matched then update set quantity = i.quantity + s.quantity when not matched then insert (product_id, quantity) values (s.product_id, s.quantity)
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (372382005, 'login', '{"ip": "10.0.4.1"}', '2024-08-16 15:44:00')
ANALYZE orders
select count(*) as total from orders where created_at >= '2024-03-22 08:49:00' and created_at < '2024-02-12 22:03:00' /*application='web',controller='orders',action='show',traceparent='00-91b32f4e70cd2df8-01'*/
ANALYZE  orders
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-04-14 17:07:00' AND created_at < '2024-10-01 05:23:00'
SELECT * FROM measurements WHERE device_id = 361128986 AND recorded_at > now() - interval '34 hours' -- from worker 1
UPDATE orders SET status = 'paid', updated_at = '2024-01-04 23:12:00' WHERE id = 128826817 AND status = 'shipped'
SELECT u.id, u.name FROM users u WHERE u.tenant_id = 190039550 AND u.deleted_at IS NULL ORDER BY u.name LIMIT 50
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 1; END; $fn$ LANGUAGE plpgsql
insert into audit_log (user_id, action, payload, created_at) values (8, 'login', '{"ip": "10.0.389212613.1"}', '2024-02-09 14:02:00') /*application='web',controller='orders',action='show',traceparent='00-effc4776693c48a3-01'*/
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('paid', 'refunded', 'refunded', 'pending', 'pending', 'cancelled', 'cancelled', 'paid') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 7337.53
UPDATE orders SET status = 'shipped', updated_at = '2024-02-24 21:21:00' WHERE id = 8174 AND status = 'cancelled'
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (74, 7, 839422152, -2763, CURRENT_TIMESTAMP) /*application='web',controller='orders',action='show',traceparent='00-8a7d44593f8b5bba-01'*/
SELECT "users".* FROM "users" WHERE "users"."id" = $1 LIMIT $2
SELECT * FROM orders WHERE user_id IN (6652, 568082415, 9, 176038932) AND status = 'paid'
create or replace function add_one(i integer) returns integer as $fn$ begin return i + 9; end; $fn$ language plpgsql
SELECT * FROM accounts WHERE id = 502621921 FOR UPDATE
COPY (SELECT * FROM orders WHERE id > 5) TO STDOUT WITH (FORMAT csv)
insert into users (email, name) values ('new\nline@x.io', 'bob') returning id -- from worker 990085431
select id from products where name like '%müller%' order by id limit 20 offset 20
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 300181590 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
SELECT set_config('app.tenant', '918341168', false)
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 3; END; $fn$ LANGUAGE plpgsql
INSERT INTO users (email, name) VALUES ('dave@x.io', '北京') RETURNING id
SELECT "users".* FROM "users" WHERE "users"."id" = $1 LIMIT $2
/* user_id=2245 */ SELECT * FROM users WHERE id = ANY('{2569, 7438, 5, 2, 138308766, 673518673, 7, 4750, 3, 683351715, 199073500}'::bigint[])
/* user_id=5 */ select "auth_user"."id", "auth_user"."username" from "auth_user" where "auth_user"."username" = 'grace' limit 21
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_1 ON orders (user_id, created_at)
ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname varchar(255) /*application='web',controller='orders',action='show',traceparent='00-65156af2a90b0856-01'*/
SELECT * FROM users WHERE id = $1
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (12, 6, 2, 2670, CURRENT_TIMESTAMP)
DROP  TABLE  IF EXISTS tmp_import_1, tmp_import_2 /*application='web',controller='orders',action='show',traceparent='00-a490c2ca1097bf2a-01'*/
UPDATE pgbench_tellers SET tbalance = tbalance + 4719 WHERE tid = 60
SELECT abalance FROM pgbench_accounts WHERE aid = 4
INSERT  INTO  users (email, name) VALUES ('heidi@x.io', 'müller') RETURNING id
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (559945665, 890994781, 7) GROUP BY r.product_id
CREATE TABLE IF NOT EXISTS tmp_import_1 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
INSERT INTO counters (key, value) VALUES ('erin', 8200) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
select abalance from pgbench_accounts where aid = 9846
select set_config('app.tenant', '4', false)
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (9571, 'update', '{"ip": "10.0.5.1"}', '2024-01-05 23:05:00')
select this_.id as id1_0_, this_.name as name2_0_ from customer this_ where this_.region = 'dave'
drop table if exists tmp_import_1, tmp_import_2
SELECT * FROM orders WHERE user_id IN (3, 790322158, 2702, 1172, 9158, 5) AND status = 'pending'
SHOW server_version
insert into counters (key, value) values ('o''brien', 5734) on conflict (key) do update set value = counters.value + excluded.value /*application='web',controller='orders',action='show',traceparent='00-b8fe12dc179d3120-01'*/
SELECT * FROM users WHERE id = ANY('{219083101, 760083130, 738219603, 443197616, 5, 180142528, 9460}'::bigint[])
select t.id, t.title from tickets t where t.assignee_id = 2 and t.priority >= 1 and t.state <> 'closed' order by t.updated_at desc
/* user_id=7 */ SELECT id, email, created_at FROM users WHERE email = 'müller@example.com' LIMIT 1
INSERT INTO users (email, name, created_at) VALUES ('o''brien806112523@example.com', 'heidi', '2024-08-28 08:03:00')
CREATE  TABLE  IF NOT EXISTS tmp_import_5 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
COPY (SELECT * FROM orders WHERE id > 7) TO STDOUT WITH (FORMAT csv)
SELECT COUNT(*) FROM events WHERE account_id = 418826139 AND kind = 'click' AND occurred_at > '2024-06-13 23:22:00' -- from worker 472926915
SELECT DISTINCT country FROM addresses WHERE user_id = 212384519
/* user_id=4 */ SELECT * FROM accounts WHERE id = 4 FOR UPDATE
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 20
/* user_id=8 */ select o.id, sum(li.quantity * li.unit_price) as amount from orders o inner join line_items li on li.order_id = o.id where o.status in ('pending', 'refunded', 'refunded', 'shipped', 'paid', 'shipped', 'cancelled', 'cancelled', 'pending') group by o.id having sum(li.quantity * li.unit_price) > 5510.32
MERGE INTO inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity)
ROLLBACK
select t.id, t.title from tickets t where t.assignee_id = 1 and t.priority >= 4 and t.state <> 'closed' order by t.updated_at desc
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('pending', 'paid', 'paid') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 4464.96
SELECT id, email, created_at FROM users WHERE email = 'dave@example.com' LIMIT 1
/* user_id=8 */ SELECT id, email, created_at FROM users WHERE email = 'dave@example.com' LIMIT 1
SELECT  a.id,  a.city FROM addresses a WHERE a.zip IN ('32188', '89972', '25185', '64085')
UPDATE orders SET status = 'paid', updated_at = '2024-05-07 19:34:00' WHERE id = 1 AND status = 'refunded'
SET statement_timeout = 1000
UPDATE  pgbench_accounts  SET abalance = abalance + -1997 WHERE aid = 152 -- from worker 3050
insert into line_items (order_id, product_id, quantity, unit_price) values (305131016, 9, 5, 8189.28), (278561715, 1, 3, 9956.05), (4, 9, 3, 7501.68), (9786, 872732542, 3, 3101.97), (1109, 483788991, 5, 4369.71), (6576, 5, 4, 6880.08)
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('cancelled', 'pending', 'pending') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 5422.76
select * from users where id = any('{8994}'::bigint[])
SELECT id, payload FROM jobs WHERE queue = 'reports' AND run_at <= '2024-01-15 08:27:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1 /*application='web',controller='orders',action='show',traceparent='00-ed257681b3586fea-01'*/
WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-02-26 12:51:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 2561 OR i.product_id IS NULL
SELECT id, rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > 2425.31
SELECT set_config('app.tenant', '504654624', false)
COPY (SELECT * FROM orders WHERE id > 749457811) TO STDOUT WITH (FORMAT csv) /*application='web',controller='orders',action='show',traceparent='00-6212e7ba4793170a-01'*/
DELETE FROM sessions WHERE expires_at < '2024-12-17 23:36:00'
set statement_timeout = 1000
INSERT INTO users (email, name, created_at) VALUES ('grace7681@example.com', 'bob', '2024-09-05 14:17:00')
SELECT * FROM orders WHERE user_id IN (1804, 9, 6406, 32396235, 5, 7445) AND status = 'paid'
/* user_id=7312 */ ANALYZE  users
select x.* from generate_series(1, 4) as x(n)
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-05-19 01:57:00'
SELECT  CAST('9'  AS integer), '2024-04-05 13:00:00'::date, -4, 1.5e2
/* user_id=5845 */ CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_1 ON orders (user_id, created_at)
WITH  recent  AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-05-27 11:17:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id /*application='web',controller='orders',action='show',traceparent='00-21c69c7bd6f2f313-01'*/
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-11-02 03:38:00' AND created_at < '2024-04-08 01:28:00'
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('paid', 'cancelled', 'refunded') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 3689.57
SELECT E'x\y\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$new\nline$$ AS d
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-06-24 10:12:00'
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (741931355, 'update', '{"ip": "10.0.1422.1"}', '2024-12-18 20:13:00')
select id, data->>'name' as name from documents where data->'meta'->>'owner' = 'smith & co'
select id from jobs where state = 'ready' order by id limit 9 for update skip locked
SELECT c.id FROM coupons c WHERE c.code = 'SAVE2' AND c.valid_until > '2024-05-03 02:08:00' AND c.uses < c.max_uses /*application='web',controller='orders',action='show',traceparent='00-e2b2e429420fffd9-01'*/
SELECT id, payload FROM jobs WHERE queue = 'mail' AND run_at <= '2024-04-16 07:12:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
VACUUM ANALYZE orders
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('paid', 'pending', 'refunded', 'shipped', 'shipped', 'paid', 'paid', 'cancelled', 'refunded', 'cancelled', 'refunded') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 56.36
select t.id, t.title from tickets t where t.assignee_id = 94 and t.priority >= 3 and t.state <> 'closed' order by t.updated_at desc
INSERT INTO users (email, name) VALUES ('dave@x.io', 'carol') RETURNING id
SELECT  s.id,  s.name FROM stores s WHERE s.region_id = 4195 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 733157174
TRUNCATE TABLE staging_events
insert into counters (key, value) values ('judy', 468518291) on conflict (key) do update set value = counters.value + excluded.value
create table if not exists tmp_import_5 (id bigint primary key, name text not null default '', created_at timestamptz default now())
SELECT * FROM events WHERE payload @> '{"type": "new\nline"}'::jsonb AND account_id = 138204008
select * from orders where user_id in (9742, 9, 9227, 4, 7446, 4, 536674879, 9694, 57321342, 19482686) and status = 'refunded'
SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'müller' /*application='web',controller='orders',action='show',traceparent='00-bf127f3d4d123a9e-01'*/
MERGE INTO inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity)
INSERT INTO users (email, name) VALUES ('carol@x.io', 'bob') RETURNING id
/* user_id=7 */ SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'grace' LIMIT 21
DELETE FROM cart_items WHERE cart_id = 6 AND product_id IN (1, 742117320, 6, 242412742, 3493, 5, 2)
CREATE TABLE IF NOT EXISTS tmp_import_2 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
SELECT  *  FROM measurements WHERE device_id = 6127 AND recorded_at > now() - interval '48 hours'
SELECT pg_sleep(0.08)
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 281347694 AND m.id > 9503 ORDER BY m.id ASC LIMIT 50
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-07-27 03:11:00' -- from worker 63
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-06-22 21:25:00' AND created_at < '2024-07-01 09:59:00'
SELECT * FROM users WHERE id = 4
UPDATE pgbench_tellers SET tbalance = tbalance + -3184 WHERE tid = 8
SELECT  *  FROM accounts WHERE id = 2 FOR UPDATE
merge into inventory i using shipments s on s.product_id = i.product_id when matched then update set quantity = i.quantity + s.quantity when not matched then insert (product_id, quantity) values (s.product_id, s.quantity) /*application='web',controller='orders',action='show',traceparent='00-1180730fd66bca86-01'*/
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 5047 AND t.priority >= 4 AND t.state <> 'closed' ORDER BY t.updated_at DESC
/* user_id=6955 */ DELETE FROM sessions WHERE expires_at < '2024-11-13 17:37:00'
SELECT pg_sleep(0.88)
UPDATE  pgbench_branches  SET bbalance = bbalance + -125 WHERE bid = 3
DELETE FROM sessions WHERE expires_at < '2024-07-23 12:05:00'
SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = '50% off' LIMIT 21
SELECT id, email, created_at FROM users WHERE email = 'grace@example.com' LIMIT 1
SELECT  set_config('app.tenant',  '93314734', false)
UPDATE orders SET status = 'refunded', updated_at = '2024-07-28 07:16:00' WHERE id = 415916363 AND status = 'pending'
BEGIN /*application='web',controller='orders',action='show',traceparent='00-0579ed947bb7412d-01'*/
SELECT  date_trunc('day',  created_at) AS day, count(*) FROM orders WHERE created_at > '2024-10-10 12:06:00'::timestamptz GROUP BY 1 ORDER BY 1
SELECT * FROM measurements WHERE device_id = 9528 AND recorded_at > now() - interval '19 hours'
SELECT  date_trunc('day',  created_at) AS day, count(*) FROM orders WHERE created_at > '2024-06-05 21:31:00'::timestamptz GROUP BY 1 ORDER BY 1 /*application='web',controller='orders',action='show',traceparent='00-59307c2c308e1d99-01'*/
select "orders".* from "orders" where "orders"."user_id" = 2751 order by "orders"."created_at" desc limit 10
BEGIN
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('87204', '38227', '13363', '55407', '35368', '44238', '53411', '85784', '12653', '44387', '18992', '98425')
SELECT x.* FROM generate_series(1, 167539693) AS x(n) /*application='web',controller='orders',action='show',traceparent='00-080deae147d1b891-01'*/
SET statement_timeout = 5000
SELECT t0.id, t0.name FROM users t0 WHERE t0.tenant_id = 734753859 AND t0.deleted_at IS NULL ORDER BY t0.name LIMIT 50
ROLLBACK
SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'frank' LIMIT 21
SELECT  id  FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 4 FOR UPDATE SKIP LOCKED -- from worker 5
SELECT t0.id, t0.name FROM users t0 WHERE t0.tenant_id = 8 AND t0.deleted_at IS NULL ORDER BY t0.name LIMIT 25
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 10 FOR UPDATE SKIP LOCKED
/* user_id=11083679 */ insert into line_items (order_id, product_id, quantity, unit_price) values (6, 8482, 2, 6957.65), (882004530, 6, 3, 3305.48)
update users set last_login_at = '2024-12-19 20:41:00', login_count = login_count + 1 where id = 432990628
/* user_id=5431 */ SELECT  "auth_user"."id",  "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'dave' LIMIT 21
SELECT * FROM users WHERE id = ANY('{232947913, 467585738, 4383, 725199091}'::bigint[])
insert into line_items (order_id, product_id, quantity, unit_price) values (9, 58420502, 4, 1561.64), (179719341, 9636, 5, 6409.53)
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 3407 OR i.product_id IS NULL
WITH  recent  AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-02-07 13:39:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 4 FOR UPDATE SKIP LOCKED
DELETE FROM sessions WHERE expires_at < '2024-11-05 09:06:00'
SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'new\nline'
create table if not exists tmp_import_5 (id bigint primary key, name text not null default '', created_at timestamptz default now())
ROLLBACK
SELECT E'carol\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$judy$$ AS d
SELECT DISTINCT country FROM addresses WHERE user_id = 807262979
UPDATE pgbench_branches SET bbalance = bbalance + -634 WHERE bid = 3
SELECT x.* FROM generate_series(1, 1) AS x(n)
select pg_sleep(0.37)
SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'bob'
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 750760179 AND d.location = 'frank'
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 2903.82 ORDER BY o.total DESC LIMIT 1
set search_path to public
SELECT id, payload FROM jobs WHERE queue = 'reports' AND run_at <= '2024-11-02 12:27:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
select this_.id as id1_0_, this_.name as name2_0_ from customer this_ where this_.region = 'bob'
SELECT c.id FROM coupons c WHERE c.code = 'SAVE6926' AND c.valid_until > '2024-09-27 09:13:00' AND c.uses < c.max_uses
SELECT DISTINCT country FROM addresses WHERE user_id = 239944128
SELECT  category_id,  count(*), avg(price) FROM products WHERE price BETWEEN 851.69 AND 5968.87 GROUP BY category_id ORDER BY 2 DESC
SELECT  *  FROM users WHERE id = 618264656
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2
create index concurrently if not exists idx_orders_user_1 on orders (user_id, created_at)
SELECT  r.product_id,  avg(r.rating) FROM reviews r WHERE r.product_id IN (906158694, 752289338, 5463, 452604636, 813078908, 5) GROUP BY r.product_id
select date_trunc('day', created_at) as day, count(*) from orders where created_at > '2024-06-07 05:18:00'::timestamptz group by 1 order by 1
select * from users where id = $1
DELETE FROM events_2024_02 WHERE occurred_at < '2024-08-27 22:10:00'
SELECT  *  FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 3498.42) AND active = true
SHOW server_version
ANALYZE users
SELECT  count(*)  AS total FROM orders WHERE created_at >= '2024-03-08 04:10:00' AND created_at < '2024-05-14 01:12:00'
ANALYZE orders
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 9 ORDER BY "orders"."created_at" DESC LIMIT 10
select cast('7701' as integer), '2024-02-03 08:34:00'::date, -319, 1.5e3
SELECT * FROM users WHERE id = 489162602 /* nested /* comment */ here */
select id, rank() over (partition by category_id order by price desc) from products where price > 6515.61
SELECT * FROM users WHERE id = $1
select id from jobs where state = 'ready' order by id limit 9 for update skip locked
UPDATE orders SET status = 'refunded', updated_at = '2024-07-04 09:28:00' WHERE id = 2051 AND status = 'refunded'
SELECT  t0.id,  t0.name FROM users t0 WHERE t0.tenant_id = 7901 AND t0.deleted_at IS NULL ORDER BY t0.name LIMIT 10
/* user_id=676497888 */ SELECT * FROM users WHERE id = 3 /* nested /* comment */ here */
SELECT  "auth_user"."id",  "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'grace' LIMIT 21
DELETE FROM cart_items WHERE cart_id = 877168566 AND product_id IN (455719573, 520635030, 1774)
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_2 ON orders (user_id, created_at)
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 5 AND m.id > 3 ORDER BY m.id ASC LIMIT 100
TRUNCATE TABLE staging_events
SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'judy' LIMIT 21
select "orders".* from "orders" where "orders"."user_id" = 28863543 order by "orders"."created_at" desc limit 10
/* user_id=814113323 */ select n.nspname, c.relname, pg_total_relation_size(c.oid) from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'r' order by 3 desc limit 10
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 396692621 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree /*application='web',controller='orders',action='show',traceparent='00-00cd18d83665266f-01'*/
DELETE  FROM  cart_items WHERE cart_id = 235367025 AND product_id IN (1, 2, 904517421, 171264742, 7521, 1991, 4, 1)
SELECT * FROM users WHERE id = 243105778
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('96007', '30796', '51819', '81173', '73610', '20371', '78591', '71690', '91181', '34499')
UPDATE pgbench_accounts SET abalance = abalance + 2953 WHERE aid = 3
SELECT date_trunc('day', created_at) AS day, count(*) FROM orders WHERE created_at > '2024-02-24 04:30:00'::timestamptz GROUP BY 1 ORDER BY 1
COMMIT
SELECT "users".* FROM "users" WHERE "users"."id" = $1 LIMIT $2
/* user_id=7541 */ SELECT  a.id,  a.city FROM addresses a WHERE a.zip IN ('49962', '56497', '24694', '59346', '42603', '54891', '26197', '69570', '30272', '97489', '39759')
CREATE TABLE IF NOT EXISTS tmp_import_1 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now()) /*application='web',controller='orders',action='show',traceparent='00-f94917bc5b163197-01'*/
SELECT * FROM users WHERE id = $1
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 9949 AND t.priority >= 3 AND t.state <> 'closed' ORDER BY t.updated_at DESC
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (6199, 841888936, 1, 1863.09), (7, 7759, 2, 8262.49), (531094745, 1460, 3, 547.59), (74581844, 7097, 5, 5814.62), (579113443, 5, 1, 5154.65), (267066445, 6, 5, 9158.99)
SET search_path TO app, public
SELECT t0.id, t0.name FROM users t0 WHERE t0.tenant_id = 8480 AND t0.deleted_at IS NULL ORDER BY t0.name LIMIT 10
/* user_id=873515901 */ SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 2730.75 ORDER BY o.total DESC LIMIT 4
SHOW server_version
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (2427, 'update', '{"ip": "10.0.799498698.1"}', '2024-06-17 22:11:00')
SELECT  count(*)  AS total FROM orders WHERE created_at >= '2024-06-18 21:13:00' AND created_at < '2024-10-03 04:53:00' /*application='web',controller='orders',action='show',traceparent='00-8647524545b9e251-01'*/
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2
SELECT * FROM users WHERE id = 260
SELECT * FROM measurements WHERE device_id = 173367963 AND recorded_at > now() - interval '16 hours'
select id, rank() over (partition by category_id order by price desc) from products where price > 8320.71
select a.id, a.name from users a where a.tenant_id = 4851 and a.deleted_at is null order by a.name limit 25
DELETE FROM sessions WHERE expires_at < '2024-05-02 00:33:00'
/* user_id=8 */ SELECT id FROM products WHERE name LIKE '%erin%' ORDER BY id LIMIT 20 OFFSET 0
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-11-24 05:52:00' AND created_at < '2024-01-11 09:20:00'
select "auth_user"."id", "auth_user"."username" from "auth_user" where "auth_user"."username" = '50% off' limit 21
SELECT CAST('65847031' AS integer), '2024-11-23 16:15:00'::date, -513360778, 1.5e-2
/* user_id=742335127 */ SELECT * FROM ONLY public.events WHERE id = 9
/* user_id=350932181 */ SELECT count(*) AS total FROM orders WHERE created_at >= '2024-08-19 14:58:00' AND created_at < '2024-09-10 10:30:00'
SELECT DISTINCT country FROM addresses WHERE user_id = 593236147
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 715241178 AND t.priority >= 5 AND t.state <> 'closed' ORDER BY t.updated_at DESC
ROLLBACK
ROLLBACK /*application='web',controller='orders',action='show',traceparent='00-5cf1e14495f38f9c-01'*/
SELECT id, data->>'name' AS name FROM documents WHERE data->'meta'->>'owner' = 'ivan'
CREATE  TABLE  IF NOT EXISTS tmp_import_5 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
/* user_id=4 */ ANALYZE users
SHOW  server_version
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 20 /*application='web',controller='orders',action='show',traceparent='00-4f474a7886a26262-01'*/
commit /*application='web',controller='orders',action='show',traceparent='00-3b1de207c98927eb-01'*/
WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-07-18 08:31:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id
CREATE  INDEX  CONCURRENTLY IF NOT EXISTS idx_orders_user_1 ON orders (user_id, created_at) /*application='web',controller='orders',action='show',traceparent='00-5a2762a4170aaa3c-01'*/
/* user_id=674557407 */ SELECT id FROM products WHERE name LIKE '%50% off%' ORDER BY id LIMIT 20 OFFSET 0
SELECT s.id, s.name FROM stores s WHERE s.region_id = 472862698 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 1
SELECT * FROM orders WHERE user_id IN (1548, 711607584, 609231850, 2, 746167850, 387366080, 1271, 3685, 7890, 3, 9781) AND status = 'refunded'
ANALYZE users
SELECT DISTINCT country FROM addresses WHERE user_id = 208879391
SELECT id, data->>'name' AS name FROM documents WHERE data->'meta'->>'owner' = 'dave'
SELECT id, payload FROM jobs WHERE queue = 'mail' AND run_at <= '2024-08-14 20:56:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1 -- from worker 9
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 7 FOR UPDATE SKIP LOCKED
/* user_id=1 */ SELECT * FROM users WHERE id = ANY('{945551672, 1, 6, 2, 1093}'::bigint[])
COPY (SELECT * FROM orders WHERE id > 6) TO STDOUT WITH (FORMAT csv) /*application='web',controller='orders',action='show',traceparent='00-ba83eb2a910f436c-01'*/
with recursive tree as (select id, parent_id from categories where id = 5 union all select c.id, c.parent_id from categories c join tree t on c.parent_id = t.id) select * from tree
SELECT  id  FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 9 FOR UPDATE SKIP LOCKED
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 621 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (2, 'login', '{"ip": "10.0.6222.1"}', '2024-09-20 23:46:00')
TRUNCATE TABLE staging_events
INSERT INTO users (email, name) VALUES ('alice@x.io', 'grace') RETURNING id /*application='web',controller='orders',action='show',traceparent='00-ff3ca8ca1d32925d-01'*/
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-01-21 23:03:00' AND created_at < '2024-09-18 02:00:00'
SELECT id FROM products WHERE name LIKE '%dave%' ORDER BY id LIMIT 20 OFFSET 0
/* user_id=555069053 */ SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'dave'
rollback
SELECT s.id, s.name FROM stores s WHERE s.region_id = 474719295 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 2949
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 177.36 ORDER BY o.total DESC LIMIT 6119
UPDATE users SET last_login_at = '2024-04-04 02:26:00', login_count = login_count + 1 WHERE id = 666663577
SELECT pg_sleep(0.64)
ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname varchar(255)
BEGIN
CREATE TABLE IF NOT EXISTS tmp_import_4 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
DROP  TABLE  IF EXISTS tmp_import_1, tmp_import_2
ANALYZE orders
SELECT * FROM users WHERE id = $1
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 9864 ORDER BY "orders"."created_at" DESC LIMIT 10
select * from measurements where device_id = 9026 and recorded_at > now() - interval '18 hours'
select * from users where id = 5650 /*application='web',controller='orders',action='show',traceparent='00-05a040cd5c8b4c39-01'*/
INSERT INTO users (email, name) VALUES ('alice@x.io', 'heidi') RETURNING id
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 7 AND m.id > 2903 ORDER BY m.id ASC LIMIT 50
SELECT c.id FROM coupons c WHERE c.code = 'SAVE4529' AND c.valid_until > '2024-12-28 17:37:00' AND c.uses < c.max_uses
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 7 AND m.id > 6535 ORDER BY m.id ASC LIMIT 100 -- from worker 1
create table if not exists tmp_import_2 (id bigint primary key, name text not null default '', created_at timestamptz default now()) -- from worker 7491
select count(*) as total from orders where created_at >= '2024-07-27 00:13:00' and created_at < '2024-01-05 15:38:00'
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 9; END; $fn$ LANGUAGE plpgsql
INSERT INTO users (email, name) VALUES ('heidi@x.io', 'o''brien') RETURNING id
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 5093.63 ORDER BY o.total DESC LIMIT 9002
UPDATE users SET last_login_at = '2024-10-11 01:05:00', login_count = login_count + 1 WHERE id = 697941637
SELECT date_trunc('day', created_at) AS day, count(*) FROM orders WHERE created_at > '2024-04-23 01:19:00'::timestamptz GROUP BY 1 ORDER BY 1
SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'ivan' LIMIT 21
commit
SELECT id, payload FROM jobs WHERE queue = 'default' AND run_at <= '2024-07-11 07:28:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
SELECT * FROM ONLY public.events WHERE id = 735995302
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (897681817, 5, 1, 9693.33), (5, 8, 3, 6182.22)
SELECT pg_sleep(0.99) /*application='web',controller='orders',action='show',traceparent='00-7ed77207689d3f95-01'*/
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 5 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 8664 AND t.priority >= 3 AND t.state <> 'closed' ORDER BY t.updated_at DESC
SET statement_timeout = 5000
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 661700174 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 9 AND m.id > 5863 ORDER BY m.id ASC LIMIT 50
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2
SELECT * FROM users WHERE id = 9
WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-01-22 18:58:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id /*application='web',controller='orders',action='show',traceparent='00-1cc4994267edcc01-01'*/
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 9 ORDER BY "orders"."created_at" DESC LIMIT 10
VACUUM  ANALYZE  public.events
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_3 ON orders (user_id, created_at) -- from worker 9
SELECT * FROM orders WHERE user_id IN (4511, 4511) AND status = 'cancelled' /*application='web',controller='orders',action='show',traceparent='00-445f038d072f8220-01'*/
select * from users where id = any('{19860287, 9279, 3531, 4268}'::bigint[])
SELECT usr.id, usr.name FROM users usr WHERE usr.tenant_id = 435587336 AND usr.deleted_at IS NULL ORDER BY usr.name LIMIT 25
ANALYZE users -- from worker 8
select * from users where id = $1
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 80 AND t.priority >= 2 AND t.state <> 'closed' ORDER BY t.updated_at DESC
SELECT  *  FROM orders WHERE user_id IN (580) AND status = 'paid'
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-08-02 06:32:00'
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 1 AND d.location = 'alice'
SELECT id, email, created_at FROM users WHERE email = 'heidi@example.com' LIMIT 1
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2
select cast('4' as integer), '2024-05-18 21:50:00'::date, -254263967, 1.5e-1
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (100, 8, 5749, 2569, CURRENT_TIMESTAMP)
UPDATE jobs SET locked_at = '2024-08-09 00:57:00', locked_by = 'worker-7' WHERE id = 6 /*application='web',controller='orders',action='show',traceparent='00-849a564f4f078906-01'*/
SHOW server_version /*application='web',controller='orders',action='show',traceparent='00-c63c8efca0121a18-01'*/
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('shipped', 'shipped', 'pending', 'pending', 'paid', 'shipped', 'pending', 'shipped', 'refunded', 'pending') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 1026.77 -- from worker 8012
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 6982.46 ORDER BY o.total DESC LIMIT 8
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 3844.42 ORDER BY o.total DESC LIMIT 9 -- from worker 5070
SELECT id, rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > 6694.43
UPDATE  users  SET last_login_at = '2024-10-26 03:18:00', login_count = login_count + 1 WHERE id = 859676663
SELECT * FROM users WHERE id = 55703284 /* nested /* comment */ here */ /*application='web',controller='orders',action='show',traceparent='00-41e89d8f91b1b119-01'*/
SELECT * FROM users WHERE id = ANY('{2, 44759543, 74077548, 5, 4, 1}'::bigint[])
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 700570615 AND d.location = 'ivan'
/* user_id=7 */ SELECT CAST('734807003' AS integer), '2024-10-08 11:33:00'::date, -1969, 1.5e-2
delete from sessions where expires_at < '2024-08-22 16:16:00'
SELECT pg_sleep(0.82)
SELECT set_config('app.tenant', '819651753', false)
SELECT id, payload FROM jobs WHERE queue = 'mail' AND run_at <= '2024-02-18 09:54:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
SELECT "users".* FROM "users" WHERE "users"."id" = $1 LIMIT $2
DELETE FROM cart_items WHERE cart_id = 6 AND product_id IN (6, 1, 2, 3, 506875375, 6, 7, 2, 6429, 937018292, 4962236, 2)
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-06-16 01:38:00'
SELECT  *  FROM orders WHERE user_id IN (3878, 794963047, 8255, 518332275, 7, 543761817, 9455, 238935715) AND status = 'paid'
SELECT pg_sleep(0.76)
INSERT INTO users (email, name, created_at) VALUES ('müller305210730@example.com', 'x\y', '2024-08-02 00:58:00')
SELECT  id,  rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > 2439.78
select n.nspname, c.relname, pg_total_relation_size(c.oid) from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'r' order by 3 desc limit 10
DELETE FROM cart_items WHERE cart_id = 6 AND product_id IN (4768, 2259, 4, 137802573, 160908438, 856269666, 738746, 437367949, 167684404, 211174712, 6, 222985061)
SELECT pg_sleep(0.25)
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-06-24 07:11:00' AND created_at < '2024-02-02 19:12:00'
SELECT s.id, s.name FROM stores s WHERE s.region_id = 3 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 766245096 /*application='web',controller='orders',action='show',traceparent='00-81b4f656d390b06a-01'*/
INSERT INTO counters (key, value) VALUES ('dave', 521394100) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
MERGE INTO inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity)
SET search_path TO app, public -- from worker 893254925
UPDATE pgbench_accounts SET abalance = abalance + 2685 WHERE aid = 840876017
select o.id, o.total, u.email from orders o join users u on u.id = o.user_id where o.total > 9331.25 order by o.total desc limit 816507302 /*application='web',controller='orders',action='show',traceparent='00-4e3a8e72c161c658-01'*/
select * from events where payload @> '{"type": "müller"}'::jsonb and account_id = 8 /*application='web',controller='orders',action='show',traceparent='00-21ffb784cff7b498-01'*/
/* user_id=6 */ UPDATE orders SET status = 'refunded', updated_at = '2024-05-11 15:49:00' WHERE id = 751812566 AND status = 'cancelled'
SELECT * FROM events WHERE payload @> '{"type": "frank"}'::jsonb AND account_id = 215241017
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-11-15 22:55:00' AND created_at < '2024-05-07 01:37:00'
SELECT "users".* FROM "users" WHERE "users"."id" = $1 LIMIT $2
VACUUM ANALYZE users
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 6 FOR UPDATE SKIP LOCKED
update jobs set locked_at = '2024-01-06 17:33:00', locked_by = 'worker-51' where id = 536867330
SELECT usr.id, usr.name FROM users usr WHERE usr.tenant_id = 4 AND usr.deleted_at IS NULL ORDER BY usr.name LIMIT 10
DELETE FROM cart_items WHERE cart_id = 9657 AND product_id IN (31811438, 262888237, 2, 2585)
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (2, 'login', '{"ip": "10.0.6.1"}', '2024-04-06 10:34:00')
SELECT usr.id, usr.name FROM users usr WHERE usr.tenant_id = 814223752 AND usr.deleted_at IS NULL ORDER BY usr.name LIMIT 10
MERGE  INTO  inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity)
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 9881 ORDER BY "orders"."created_at" DESC LIMIT 10
SELECT t0.id, t0.name FROM users t0 WHERE t0.tenant_id = 2 AND t0.deleted_at IS NULL ORDER BY t0.name LIMIT 25
select count(*) as total from orders where created_at >= '2024-08-09 07:58:00' and created_at < '2024-12-04 03:14:00'
SELECT  "users".*  FROM "users" WHERE "users"."id" = $1 LIMIT $2
truncate table staging_events
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (82, 10, 65, 3074, CURRENT_TIMESTAMP)
update pgbench_branches set bbalance = bbalance + -1971 where bid = 1
UPDATE orders SET status = 'pending', updated_at = '2024-08-11 22:35:00' WHERE id = 5 AND status = 'cancelled'
UPDATE pgbench_branches SET bbalance = bbalance + 3720 WHERE bid = 3
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 528518088 ORDER BY "orders"."created_at" DESC LIMIT 10
CREATE TABLE IF NOT EXISTS tmp_import_2 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
/* user_id=1 */ DELETE FROM sessions WHERE expires_at < '2024-12-26 16:28:00'
DELETE FROM sessions WHERE expires_at < '2024-06-04 07:24:00' /*application='web',controller='orders',action='show',traceparent='00-20c385a0054f6fa5-01'*/
SELECT abalance FROM pgbench_accounts WHERE aid = 80479309
WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-11-04 22:44:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id
MERGE INTO inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity)
/* user_id=602547275 */ INSERT INTO counters (key, value) VALUES ('frank', 8) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
ANALYZE orders
SELECT  "users".*  FROM "users" WHERE "users"."id" = $1 LIMIT $2
SELECT DISTINCT country FROM addresses WHERE user_id = 332099971
truncate table staging_events
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-05-03 01:36:00'
VACUUM ANALYZE orders
select * from measurements where device_id = 8 and recorded_at > now() - interval '17 hours'
update jobs set locked_at = '2024-08-02 16:37:00', locked_by = 'worker-8' where id = 106131612
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 170.11) AND active = FALSE
SELECT  *  FROM events WHERE payload @> '{"type": "müller"}'::jsonb AND account_id = 947383769
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 9; END; $fn$ LANGUAGE plpgsql
select set_config('app.tenant', '7202', false)
SELECT * FROM accounts WHERE id = 3962 FOR UPDATE
SELECT DISTINCT country FROM addresses WHERE user_id = 8177
TRUNCATE TABLE staging_events /*application='web',controller='orders',action='show',traceparent='00-a2f5c2e90df5aebb-01'*/
SELECT  id  FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 5 FOR UPDATE SKIP LOCKED
select * from users where id in (select user_id from orders where total > 2575.76) and active = false /*application='web',controller='orders',action='show',traceparent='00-b09400bc7541084e-01'*/
SHOW server_version
DELETE FROM sessions WHERE expires_at < '2024-03-07 08:22:00'
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (105298767, 799366694, 1, 389.79), (8752, 5, 4, 7471.76), (8789, 552204968, 2, 1717.63), (9399, 5, 2, 262.33), (226064228, 5152, 2, 6166.39)
SELECT date_trunc('day', created_at) AS day, count(*) FROM orders WHERE created_at > '2024-08-15 11:34:00'::timestamptz GROUP BY 1 ORDER BY 1
SELECT date_trunc('day', created_at) AS day, count(*) FROM orders WHERE created_at > '2024-06-14 14:02:00'::timestamptz GROUP BY 1 ORDER BY 1
INSERT  INTO  counters (key, value) VALUES ('judy', 661223323) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
SELECT * FROM measurements WHERE device_id = 7266 AND recorded_at > now() - interval '38 hours'
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 7198 AND m.id > 6 ORDER BY m.id ASC LIMIT 50
COPY (SELECT * FROM orders WHERE id > 4331) TO STDOUT WITH (FORMAT csv) /*application='web',controller='orders',action='show',traceparent='00-8b0307e142b0647e-01'*/
SELECT * FROM users WHERE id = 9 /* nested /* comment */ here */
SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'new\nline' LIMIT 21
SET search_path TO app, public
SELECT DISTINCT country FROM addresses WHERE user_id = 389794735 /*application='web',controller='orders',action='show',traceparent='00-09e8a30b5658eb41-01'*/
SELECT set_config('app.tenant', '879', false)
SELECT * FROM users WHERE id = ANY('{2412, 7904, 890047232, 69708055, 988847855}'::bigint[]) /*application='web',controller='orders',action='show',traceparent='00-6a948c7637dbf87e-01'*/
DELETE FROM sessions WHERE expires_at < '2024-04-07 16:13:00'
CREATE TABLE IF NOT EXISTS tmp_import_3 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
UPDATE pgbench_accounts SET abalance = abalance + 1544 WHERE aid = 6943
UPDATE jobs SET locked_at = '2024-06-25 23:18:00', locked_by = 'worker-129187926' WHERE id = 848911374
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 7249.28 AND 7200.21 GROUP BY category_id ORDER BY 2 DESC /*application='web',controller='orders',action='show',traceparent='00-f886f048234951ac-01'*/
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-04-08 22:22:00' AND created_at < '2024-07-04 20:50:00'
select * from users where id = 4508 /* nested /* comment */ here */
SELECT  date_trunc('day',  created_at) AS day, count(*) FROM orders WHERE created_at > '2024-10-18 01:22:00'::timestamptz GROUP BY 1 ORDER BY 1
select o.id, o.total, u.email from orders o join users u on u.id = o.user_id where o.total > 3688.72 order by o.total desc limit 299260923
COPY (SELECT * FROM orders WHERE id > 661294329) TO STDOUT WITH (FORMAT csv)
SELECT * FROM users WHERE id = $1
SELECT * FROM users WHERE id = 752026171
/* user_id=359479437 */ WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-03-20 10:05:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id
UPDATE  pgbench_branches  SET bbalance = bbalance + -2726 WHERE bid = 10 /*application='web',controller='orders',action='show',traceparent='00-44614dd055e55045-01'*/
UPDATE users SET last_login_at = '2024-07-14 02:21:00', login_count = login_count + 1 WHERE id = 6
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 5220 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 8; END; $fn$ LANGUAGE plpgsql
SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'ivan' LIMIT 21
SET search_path TO app, public
select * from users where id = $1
select id, rank() over (partition by category_id order by price desc) from products where price > 8843.13
SELECT s.id, s.name FROM stores s WHERE s.region_id = 411820365 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 9278
INSERT INTO users (email, name, created_at) VALUES ('ivan273251416@example.com', 'smith & co', '2024-09-01 08:53:00')
UPDATE pgbench_accounts SET abalance = abalance + 2762 WHERE aid = 2184
/* user_id=8 */ with recursive tree as (select id, parent_id from categories where id = 3225 union all select c.id, c.parent_id from categories c join tree t on c.parent_id = t.id) select * from tree
SELECT id, rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > 7708.78
select s.id, s.name from stores s where s.region_id = 9 union all select w.id, w.name from warehouses w where w.region_id = 1
set statement_timeout = 5000
select * from users where id = $1
SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'new\nline' LIMIT 21
/* user_id=889936663 */ UPDATE users SET last_login_at = '2024-06-12 19:26:00', login_count = login_count + 1 WHERE id = 3504
select id, rank() over (partition by category_id order by price desc) from products where price > 6550.95
SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'new\nline'
SELECT  *  FROM orders WHERE user_id IN (1, 398787524, 634615343) AND status = 'paid'
SELECT s.id, s.name FROM stores s WHERE s.region_id = 41088541 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 6491
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 2 FOR UPDATE SKIP LOCKED
select id, data->>'name' as name from documents where data->'meta'->>'owner' = 'heidi'
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 851268477 AND m.id > 971349968 ORDER BY m.id ASC LIMIT 50
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 9 FOR UPDATE SKIP LOCKED
DELETE FROM cart_items WHERE cart_id = 6 AND product_id IN (1, 275816502, 2, 608691136, 9995, 6, 451842602, 463029963, 8, 2, 5924)
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 1; END; $fn$ LANGUAGE plpgsql
SELECT * FROM users WHERE id = $1
VACUUM ANALYZE users
SELECT c.id FROM coupons c WHERE c.code = 'SAVE5718' AND c.valid_until > '2024-02-10 16:27:00' AND c.uses < c.max_uses
COMMIT
SELECT id, email, created_at FROM users WHERE email = 'frank@example.com' LIMIT 1
SELECT * FROM users WHERE id = 7 /* nested /* comment */ here */
SELECT "users".* FROM "users" WHERE "users"."id" = $1 LIMIT $2
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 341904545 OR i.product_id IS NULL
SHOW server_version
ROLLBACK
ANALYZE orders
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 5348.81 ORDER BY o.total DESC LIMIT 3824 /*application='web',controller='orders',action='show',traceparent='00-d1150778c1f676a8-01'*/
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2
insert into audit_log (user_id, action, payload, created_at) values (206583456, 'logout', '{"ip": "10.0.5743.1"}', '2024-07-14 14:49:00')
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (995329347, 6873, 4, 8581.22), (427872870, 6617, 2, 3128.37)
SELECT  DISTINCT  country FROM addresses WHERE user_id = 444056186
/* user_id=922377159 */ CREATE TABLE IF NOT EXISTS tmp_import_2 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
ROLLBACK
INSERT  INTO  counters (key, value) VALUES ('x\y', 5) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
SELECT s.id, s.name FROM stores s WHERE s.region_id = 6227 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 4314
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2
SELECT CAST('795985804' AS integer), '2024-08-19 16:47:00'::date, -6, 1.5e2 /*application='web',controller='orders',action='show',traceparent='00-c138f0e444574a50-01'*/
BEGIN
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 6500 ORDER BY "orders"."created_at" DESC LIMIT 10
select "auth_user"."id", "auth_user"."username" from "auth_user" where "auth_user"."username" = 'new\nline' limit 21
DELETE FROM events_2024_03 WHERE occurred_at < '2024-03-05 22:34:00' /*application='web',controller='orders',action='show',traceparent='00-c6c5ef038a269bc9-01'*/
SELECT c.id FROM coupons c WHERE c.code = 'SAVE603228661' AND c.valid_until > '2024-05-20 04:16:00' AND c.uses < c.max_uses
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('cancelled', 'paid', 'cancelled', 'shipped', 'refunded', 'shipped', 'shipped', 'shipped', 'paid', 'pending') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 5289.32 /*application='web',controller='orders',action='show',traceparent='00-0e1f0c84335462f2-01'*/
/* user_id=9 */ SELECT COUNT(*) FROM events WHERE account_id = 4782 AND kind = 'click' AND occurred_at > '2024-11-13 10:36:00'
SELECT  e.id,  e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 2346 AND d.location = 'heidi'
show server_version /*application='web',controller='orders',action='show',traceparent='00-954f08abd1d5d3be-01'*/
SELECT  date_trunc('day',  created_at) AS day, count(*) FROM orders WHERE created_at > '2024-05-10 08:07:00'::timestamptz GROUP BY 1 ORDER BY 1
with recursive tree as (select id, parent_id from categories where id = 26496414 union all select c.id, c.parent_id from categories c join tree t on c.parent_id = t.id) select * from tree
SELECT pg_sleep(0.28)
TRUNCATE TABLE staging_events
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 9340.54 ORDER BY o.total DESC LIMIT 5
SET search_path TO public
SELECT set_config('app.tenant', '805735068', false)
COMMIT
DELETE FROM sessions WHERE expires_at < '2024-08-04 03:50:00'
SELECT s.id, s.name FROM stores s WHERE s.region_id = 9 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 754058222
insert into audit_log (user_id, action, payload, created_at) values (9, 'login', '{"ip": "10.0.515866310.1"}', '2024-11-24 09:15:00')
SELECT * FROM ONLY public.events WHERE id = 1818
SET search_path TO public
delete from events_2024_08 where occurred_at < '2024-12-23 13:27:00'
UPDATE pgbench_branches SET bbalance = bbalance + -2903 WHERE bid = 7
SET search_path TO app, public
/* user_id=254905676 */ SELECT  *  FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 8893.68) AND active = true
MERGE INTO inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity)
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 630225785 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
SELECT id, payload FROM jobs WHERE queue = 'reports' AND run_at <= '2024-09-26 06:31:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
delete from cart_items where cart_id = 7 and product_id in (673408066, 705414613, 8, 1567, 348313884, 508346015)
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (6466, 3092, 1, 627199774, 9, 462050189, 6537, 4610, 1538, 106483206, 1420) GROUP BY r.product_id
SET statement_timeout = 1000
SELECT id, payload FROM jobs WHERE queue = 'default' AND run_at <= '2024-05-23 02:01:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-08-16 05:16:00' AND created_at < '2024-08-18 02:52:00'
SELECT c.id FROM coupons c WHERE c.code = 'SAVE3226' AND c.valid_until > '2024-10-02 12:49:00' AND c.uses < c.max_uses
VACUUM ANALYZE orders
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 1206.52 ORDER BY o.total DESC LIMIT 3853
delete from cart_items where cart_id = 3 and product_id in (9755, 4747, 2766, 9444, 3, 2) /*application='web',controller='orders',action='show',traceparent='00-b91fd7c7bb8238a3-01'*/
SELECT date_trunc('day', created_at) AS day, count(*) FROM orders WHERE created_at > '2024-07-19 13:10:00'::timestamptz GROUP BY 1 ORDER BY 1
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 7 FOR UPDATE SKIP LOCKED /*application='web',controller='orders',action='show',traceparent='00-50a0a9593ff6d280-01'*/
SELECT * FROM measurements WHERE device_id = 4 AND recorded_at > now() - interval '17 hours'
SELECT * FROM users WHERE id = 3368
vacuum analyze public.events
/* user_id=761861925 */ COMMIT
SELECT s.id, s.name FROM stores s WHERE s.region_id = 3 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 5
/* user_id=5522 */ SELECT s.id, s.name FROM stores s WHERE s.region_id = 928529351 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 623513056
SELECT id, payload FROM jobs WHERE queue = 'default' AND run_at <= '2024-05-28 06:42:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
SELECT "users".* FROM "users" WHERE "users"."id" = $1 LIMIT $2 -- from worker 912522236
select c.id from coupons c where c.code = 'save5' and c.valid_until > '2024-07-07 17:39:00' and c.uses < c.max_uses
select u.id, (select count(*) from orders o where o.user_id = u.id) as order_count from users u where u.created_at > '2024-01-09 20:22:00'
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_1 ON orders (user_id, created_at)
ROLLBACK
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (1, 9122, 1, 241578745) GROUP BY r.product_id
select abalance from pgbench_accounts where aid = 729303598
select p.id, p.sku, p.price from products p left join inventory i on i.product_id = p.id where i.quantity < 4552 or i.product_id is null
DELETE FROM cart_items WHERE cart_id = 4 AND product_id IN (4, 2478, 5, 511710683, 174842621, 5706, 9, 4337)
ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname varchar(64)
SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'alice'
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 383.04) AND active = TRUE -- from worker 3
SELECT  c.id  FROM coupons c WHERE c.code = 'SAVE1' AND c.valid_until > '2024-05-03 11:59:00' AND c.uses < c.max_uses
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 5 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
SELECT * FROM users WHERE id = 699736710 /*application='web',controller='orders',action='show',traceparent='00-715f58fc4f01b3ba-01'*/
SELECT * FROM accounts WHERE id = 7 FOR UPDATE
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 76125579 AND d.location = 'heidi'
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 10512696 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
INSERT INTO counters (key, value) VALUES ('frank', 9) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
update users set last_login_at = '2024-09-09 01:25:00', login_count = login_count + 1 where id = 1
SELECT * FROM ONLY public.events WHERE id = 939378007
select * from users where id in (select user_id from orders where total > 4117.00) and active = true
CREATE TABLE IF NOT EXISTS tmp_import_1 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (355793374, 'update', '{"ip": "10.0.2822.1"}', '2024-03-18 00:22:00')
/* user_id=5595955 */ SELECT id FROM products WHERE name LIKE '%müller%' ORDER BY id LIMIT 20 OFFSET 0
SET search_path TO public
SELECT  a.id,  a.name FROM users a WHERE a.tenant_id = 4 AND a.deleted_at IS NULL ORDER BY a.name LIMIT 50
ALTER  TABLE  users ADD COLUMN IF NOT EXISTS nickname varchar(32)
/* user_id=6 */ SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 4341 ORDER BY "orders"."created_at" DESC LIMIT 10
INSERT INTO users (email, name, created_at) VALUES ('50% off235486866@example.com', 'o''brien', '2024-02-09 02:47:00')
SELECT id FROM products WHERE name LIKE '%x\y%' ORDER BY id LIMIT 20 OFFSET 0
TRUNCATE TABLE staging_events
SELECT * FROM users WHERE id = ANY('{7667, 6429, 8342, 1916, 137504938, 224751379, 3889, 2, 6521}'::bigint[]) /*application='web',controller='orders',action='show',traceparent='00-eaf103d54eefc069-01'*/
select * from events where payload @> '{"type": "frank"}'::jsonb and account_id = 6
create table if not exists tmp_import_3 (id bigint primary key, name text not null default '', created_at timestamptz default now())
select * from users where id = 708299615 /* nested /* comment */ here */
/* user_id=2527 */ with recent as (select user_id, max(created_at) as last from orders where created_at > '2024-12-20 16:26:00' group by user_id) select u.email, r.last from users u join recent r on r.user_id = u.id
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 1 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (6, 2434, 326721752, 9515, 3341, 257525094, 2601) GROUP BY r.product_id /*application='web',controller='orders',action='show',traceparent='00-af1942e0cf9f8b57-01'*/
INSERT INTO users (email, name) VALUES ('heidi@x.io', 'new\nline') RETURNING id
truncate table staging_events
UPDATE orders SET status = 'shipped', updated_at = '2024-12-15 12:31:00' WHERE id = 894533642 AND status = 'paid'
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (6, 'login', '{"ip": "10.0.7738.1"}', '2024-07-05 18:17:00')
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 362217650 AND m.id > 9 ORDER BY m.id ASC LIMIT 100
SELECT s.id, s.name FROM stores s WHERE s.region_id = 444402857 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 3663
INSERT INTO users (email, name, created_at) VALUES ('北京9@example.com', '50% off', '2024-09-07 23:55:00') /*application='web',controller='orders',action='show',traceparent='00-f74e12819f85f208-01'*/
INSERT  INTO  line_items (order_id, product_id, quantity, unit_price) VALUES (176432524, 708213729, 2, 1948.74), (9, 668728380, 2, 8124.37), (2477, 697422856, 3, 3232.79), (184610852, 4938743, 2, 4676.59)
SELECT c.id FROM coupons c WHERE c.code = 'SAVE3' AND c.valid_until > '2024-11-23 16:18:00' AND c.uses < c.max_uses
VACUUM ANALYZE users
WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-12-27 19:49:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id
SELECT * FROM accounts WHERE id = 2 FOR UPDATE
insert into pgbench_history (tid, bid, aid, delta, mtime) values (3, 9, 6191, -1817, current_timestamp)
SELECT E'alice\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$new\nline$$ AS d
SELECT id, email, created_at FROM users WHERE email = 'grace@example.com' LIMIT 1
select count(*) as total from orders where created_at >= '2024-06-27 14:03:00' and created_at < '2024-01-15 03:01:00'
SELECT  pg_sleep(0.44)
SELECT CAST('236197591' AS integer), '2024-05-19 08:14:00'::date, -216867838, 1.5e0
select o.id, sum(li.quantity * li.unit_price) as amount from orders o inner join line_items li on li.order_id = o.id where o.status in ('cancelled', 'pending', 'refunded', 'pending', 'shipped', 'cancelled', 'cancelled', 'pending', 'cancelled', 'refunded', 'paid', 'shipped') group by o.id having sum(li.quantity * li.unit_price) > 8264.38
SELECT id, email, created_at FROM users WHERE email = 'ivan@example.com' LIMIT 1
SELECT id, rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > 5448.98
INSERT INTO users (email, name, created_at) VALUES ('北京8@example.com', 'smith & co', '2024-10-17 05:46:00')
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (166474524, 1227, 2, 999.71), (9050, 1465, 3, 9467.02)
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 8426.83 ORDER BY o.total DESC LIMIT 61106199
SELECT id, rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > 4138.63 /*application='web',controller='orders',action='show',traceparent='00-cbfadc0c435b804e-01'*/
SELECT * FROM measurements WHERE device_id = 808 AND recorded_at > now() - interval '32 hours'
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 10 FOR UPDATE SKIP LOCKED
/* user_id=507497837 */ SELECT * FROM users WHERE id = ANY('{471723919, 37397238, 990785058, 3, 5900, 3, 3}'::bigint[])
select u.id, (select count(*) from orders o where o.user_id = u.id) as order_count from users u where u.created_at > '2024-11-22 13:06:00' /*application='web',controller='orders',action='show',traceparent='00-7ea906d936281d40-01'*/
SELECT * FROM users WHERE id = 829048950 /* nested /* comment */ here */
/* user_id=2 */ SELECT set_config('app.tenant', '745116201', false)
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('66067', '29007', '53015', '55312', '73679', '72177', '13639', '23580', '67483', '22821')
select * from users where id = 8885 /* nested /* comment */ here */
SELECT * FROM users WHERE id = 7 /* nested /* comment */ here */
SELECT * FROM measurements WHERE device_id = 3 AND recorded_at > now() - interval '5 hours' -- from worker 825308483
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 3838.82 AND 9976.63 GROUP BY category_id ORDER BY 2 DESC
TRUNCATE TABLE staging_events /*application='web',controller='orders',action='show',traceparent='00-a8e84f6f89c9a864-01'*/
ANALYZE orders
select p.id, p.sku, p.price from products p left join inventory i on i.product_id = p.id where i.quantity < 2236 or i.product_id is null
with recent as (select user_id, max(created_at) as last from orders where created_at > '2024-06-05 03:42:00' group by user_id) select u.email, r.last from users u join recent r on r.user_id = u.id
/* user_id=3 */ SELECT date_trunc('day', created_at) AS day, count(*) FROM orders WHERE created_at > '2024-01-04 21:37:00'::timestamptz GROUP BY 1 ORDER BY 1
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (897663610, 6764, 5, 4039.01), (3096, 402131924, 4, 2370.21), (4045, 2471, 1, 4213.93), (287121336, 7711, 4, 8106.72)
SELECT * FROM events WHERE payload @> '{"type": "o''brien"}'::jsonb AND account_id = 3089 /*application='web',controller='orders',action='show',traceparent='00-d86d2b63db99c060-01'*/
SELECT * FROM ONLY public.events WHERE id = 845040955
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('88247', '82530', '48397', '78430', '48108', '95455', '54436') /*application='web',controller='orders',action='show',traceparent='00-3f2faf68489d6869-01'*/
DELETE FROM events_2024_07 WHERE occurred_at < '2024-07-24 19:39:00'
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 10
VACUUM ANALYZE users
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 6778.49 ORDER BY o.total DESC LIMIT 3150
DELETE FROM cart_items WHERE cart_id = 350501674 AND product_id IN (545821402, 584433659, 6, 2681, 4893, 9019, 6, 4654)
SET statement_timeout = 30000
SELECT COUNT(*) FROM events WHERE account_id = 780548633 AND kind = 'click' AND occurred_at > '2024-11-03 21:21:00'
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 6471.59 ORDER BY o.total DESC LIMIT 7637
SELECT  a.id,  a.city FROM addresses a WHERE a.zip IN ('91037', '39981', '64035')
WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-11-01 12:01:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 541515989 AND t.priority >= 2 AND t.state <> 'closed' ORDER BY t.updated_at DESC /*application='web',controller='orders',action='show',traceparent='00-46ad7d077f3437dd-01'*/
UPDATE pgbench_branches SET bbalance = bbalance + 3439 WHERE bid = 7
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 8667.42 ORDER BY o.total DESC LIMIT 9001
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2
UPDATE jobs SET locked_at = '2024-10-23 23:02:00', locked_by = 'worker-294065416' WHERE id = 3434
/* user_id=490 */ SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (9799, 8444, 665051384, 7, 75770343, 189454244, 7, 882036415, 95572376, 8484, 4, 752984574) GROUP BY r.product_id
insert into users (email, name) values ('北京@x.io', 'o''brien') returning id
CREATE  INDEX  CONCURRENTLY IF NOT EXISTS idx_orders_user_2 ON orders (user_id, created_at)
ROLLBACK
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (71797338, 4302, 2, 4177.30), (171539507, 213, 5, 7485.16), (632046000, 1495, 1, 8223.97), (2540, 5, 4, 6087.40), (3, 7228, 3, 3516.37) -- from worker 7
CREATE TABLE IF NOT EXISTS tmp_import_4 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
UPDATE users SET last_login_at = '2024-10-04 06:38:00', login_count = login_count + 1 WHERE id = 7048
/* user_id=6631 */ WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-05-05 06:49:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id
SELECT id, data->>'name' AS name FROM documents WHERE data->'meta'->>'owner' = 'frank' /*application='web',controller='orders',action='show',traceparent='00-957a2ca783cba82b-01'*/
SELECT * FROM users WHERE id = 442735613
INSERT INTO users (email, name) VALUES ('o''brien@x.io', 'carol') RETURNING id /*application='web',controller='orders',action='show',traceparent='00-ff4e973d8b56c168-01'*/
CREATE TABLE IF NOT EXISTS tmp_import_3 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
SET search_path TO app, public /*application='web',controller='orders',action='show',traceparent='00-dc7de3b0a5bdc38e-01'*/
UPDATE pgbench_accounts SET abalance = abalance + -852 WHERE aid = 975382700
SELECT * FROM users WHERE id = $1
INSERT INTO users (email, name, created_at) VALUES ('bob100163753@example.com', 'grace', '2024-06-18 17:55:00')
SELECT  *  FROM orders WHERE user_id IN (618240295, 1747, 628306568, 304, 255332644, 87372198, 372046751, 173298097, 5, 303336946) AND status = 'paid'
INSERT INTO users (email, name, created_at) VALUES ('grace8845@example.com', 'smith & co', '2024-08-21 23:00:00')
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (8, 9, 674856879, 3016, 3618, 427750121, 462178483, 962320267, 3, 3269) GROUP BY r.product_id
/* user_id=358219144 */ SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 3656 AND d.location = '北京'
SELECT set_config('app.tenant', '8162', false) /*application='web',controller='orders',action='show',traceparent='00-d60cf46f74c93a6c-01'*/
SELECT * FROM orders WHERE user_id IN (7084, 7, 5839, 5, 102, 1965, 8397, 9569, 2, 28929996, 4693, 1) AND status = 'refunded'
SELECT * FROM users WHERE id = 416389131
SELECT date_trunc('day', created_at) AS day, count(*) FROM orders WHERE created_at > '2024-09-02 08:49:00'::timestamptz GROUP BY 1 ORDER BY 1 /*application='web',controller='orders',action='show',traceparent='00-de82ddb4f0546833-01'*/
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (5, 2166, 4, 182461257, 5, 98634111, 3, 6622, 485116339) GROUP BY r.product_id
/* user_id=9 */ TRUNCATE TABLE staging_events
SET statement_timeout = 5000
INSERT INTO counters (key, value) VALUES ('alice', 172096804) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (100, 4, 5017, 3054, CURRENT_TIMESTAMP)
SELECT  "users".*  FROM "users" WHERE "users"."id" = $1 LIMIT $2
insert into users (email, name) values ('judy@x.io', 'bob') returning id
/* user_id=8251 */ SELECT * FROM events WHERE payload @> '{"type": "ivan"}'::jsonb AND account_id = 7
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (667530311, 'update', '{"ip": "10.0.854163172.1"}', '2024-04-20 11:08:00')
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_2 ON orders (user_id, created_at)
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 7502 OR i.product_id IS NULL
SELECT id, rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > 8831.60
SELECT  COUNT(*)  FROM events WHERE account_id = 922 AND kind = 'buy' AND occurred_at > '2024-07-04 23:26:00'
CREATE TABLE IF NOT EXISTS tmp_import_1 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
DELETE FROM sessions WHERE expires_at < '2024-04-03 13:26:00'
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (81, 4, 6504, -669, CURRENT_TIMESTAMP)
SELECT  id  FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 473638905 AND m.id > 5845 ORDER BY m.id ASC LIMIT 100
/* user_id=597797267 */ SELECT m.id, m.body FROM messages m WHERE m.thread_id = 2 AND m.id > 350 ORDER BY m.id ASC LIMIT 50
SELECT id, payload FROM jobs WHERE queue = 'reports' AND run_at <= '2024-05-15 11:27:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (49, 9, 9024, -695, CURRENT_TIMESTAMP)
TRUNCATE TABLE staging_events /*application='web',controller='orders',action='show',traceparent='00-82e8c2b1f6d769ea-01'*/
SELECT  id  FROM products WHERE name LIKE '%frank%' ORDER BY id LIMIT 20 OFFSET 40
vacuum analyze users
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 916137248 AND d.location = 'frank'
UPDATE  pgbench_tellers  SET tbalance = tbalance + 4854 WHERE tid = 67
DELETE FROM events_2024_03 WHERE occurred_at < '2024-12-21 20:57:00'
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 9203 AND t.priority >= 4 AND t.state <> 'closed' ORDER BY t.updated_at DESC
UPDATE pgbench_tellers SET tbalance = tbalance + 2197 WHERE tid = 76
COPY  (SELECT  * FROM orders WHERE id > 756968367) TO STDOUT WITH (FORMAT csv)
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 10
SELECT set_config('app.tenant', '6167', false)
SELECT E'new\nline\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$ivan$$ AS d
SELECT COUNT(*) FROM events WHERE account_id = 431903272 AND kind = 'view' AND occurred_at > '2024-10-02 09:03:00' /*application='web',controller='orders',action='show',traceparent='00-1632458aae928fba-01'*/
VACUUM ANALYZE orders
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 22492141 AND t.priority >= 1 AND t.state <> 'closed' ORDER BY t.updated_at DESC
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2
/* user_id=829444568 */ SELECT * FROM accounts WHERE id = 546182678 FOR UPDATE
select set_config('app.tenant', '6277', false)
SELECT date_trunc('day', created_at) AS day, count(*) FROM orders WHERE created_at > '2024-08-21 16:22:00'::timestamptz GROUP BY 1 ORDER BY 1 /*application='web',controller='orders',action='show',traceparent='00-67b13ca72a71a91b-01'*/
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 8607.20) AND active = FALSE
select category_id, count(*), avg(price) from products where price between 1756.78 and 7288.61 group by category_id order by 2 desc
select category_id, count(*), avg(price) from products where price between 1128.27 and 5595.31 group by category_id order by 2 desc
SELECT * FROM accounts WHERE id = 5 FOR UPDATE
select * from events where payload @> '{"type": "bob"}'::jsonb and account_id = 9528 /*application='web',controller='orders',action='show',traceparent='00-105e61346e87903b-01'*/
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 7; END; $fn$ LANGUAGE plpgsql
SELECT x.* FROM generate_series(1, 379541985) AS x(n)
WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-10-25 17:48:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id
create index concurrently if not exists idx_orders_user_1 on orders (user_id, created_at)
/* user_id=8 */ SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('paid', 'pending', 'refunded', 'refunded', 'refunded', 'pending', 'refunded', 'paid', 'cancelled') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 2477.23
SELECT pg_sleep(0.71)
MERGE INTO inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity)
SELECT pg_sleep(0.23)
/* user_id=93782435 */ SELECT  CAST('6'  AS integer), '2024-02-24 14:45:00'::date, -705525875, 1.5e-1
select set_config('app.tenant', '1340', false)
ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname varchar(64) /*application='web',controller='orders',action='show',traceparent='00-49d1b3edd6f38a8d-01'*/
SELECT COUNT(*) FROM events WHERE account_id = 172158429 AND kind = 'view' AND occurred_at > '2024-02-19 02:44:00'
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 20 -- from worker 6
TRUNCATE TABLE staging_events
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 749.66 ORDER BY o.total DESC LIMIT 992977540 /*application='web',controller='orders',action='show',traceparent='00-86c4186e48b1005c-01'*/
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('pending', 'refunded', 'refunded', 'paid', 'pending', 'refunded') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 4593.84
SELECT s.id, s.name FROM stores s WHERE s.region_id = 221521068 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 786218258
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 10
SELECT date_trunc('day', created_at) AS day, count(*) FROM orders WHERE created_at > '2024-09-09 18:06:00'::timestamptz GROUP BY 1 ORDER BY 1
select abalance from pgbench_accounts where aid = 8
select * from users where id = any('{3778}'::bigint[])
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('pending', 'refunded', 'pending', 'paid', 'cancelled', 'refunded', 'cancelled', 'shipped', 'paid', 'refunded', 'refunded') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 6012.06
SELECT id, email, created_at FROM users WHERE email = '北京@example.com' LIMIT 1 /*application='web',controller='orders',action='show',traceparent='00-e8843f5441a62ff8-01'*/
SHOW server_version
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 903745281 ORDER BY "orders"."created_at" DESC LIMIT 10 -- from worker 1
WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-10-20 17:18:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id /*application='web',controller='orders',action='show',traceparent='00-9337c21675669117-01'*/
SELECT "users".* FROM "users" WHERE "users"."id" = $1 LIMIT $2
SELECT * FROM accounts WHERE id = 4683 FOR UPDATE /*application='web',controller='orders',action='show',traceparent='00-8bca191cef86327e-01'*/
SELECT id, payload FROM jobs WHERE queue = 'reports' AND run_at <= '2024-11-09 18:55:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
SELECT DISTINCT country FROM addresses WHERE user_id = 3
SELECT  a.id,  a.name FROM users a WHERE a.tenant_id = 1 AND a.deleted_at IS NULL ORDER BY a.name LIMIT 25
SELECT * FROM users WHERE id = 5758 /* nested /* comment */ here */
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_2 ON orders (user_id, created_at)
TRUNCATE TABLE staging_events
SELECT DISTINCT country FROM addresses WHERE user_id = 524670627
SET statement_timeout = 1000
ROLLBACK
UPDATE jobs SET locked_at = '2024-11-25 01:29:00', locked_by = 'worker-3' WHERE id = 5311
alter table users add column if not exists nickname varchar(255) /*application='web',controller='orders',action='show',traceparent='00-73a30f5b5b93b012-01'*/
TRUNCATE  TABLE  staging_events
INSERT INTO counters (key, value) VALUES ('müller', 14939547) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
SELECT id, data->>'name' AS name FROM documents WHERE data->'meta'->>'owner' = 'o''brien'
select count(*) from events where account_id = 6258 and kind = 'click' and occurred_at > '2024-11-09 10:31:00'
TRUNCATE  TABLE  staging_events /*application='web',controller='orders',action='show',traceparent='00-d2625495b677e635-01'*/
SELECT COUNT(*) FROM events WHERE account_id = 1 AND kind = 'click' AND occurred_at > '2024-08-17 16:40:00'
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-02-09 17:14:00' AND created_at < '2024-04-18 18:12:00'
COMMIT
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_3 ON orders (user_id, created_at)
SELECT * FROM ONLY public.events WHERE id = 8
update users set last_login_at = '2024-07-25 18:21:00', login_count = login_count + 1 where id = 6
UPDATE pgbench_accounts SET abalance = abalance + 164 WHERE aid = 2146
COMMIT /*application='web',controller='orders',action='show',traceparent='00-47c00cf2043fece2-01'*/
SELECT DISTINCT country FROM addresses WHERE user_id = 7
SELECT * FROM events WHERE payload @> '{"type": "müller"}'::jsonb AND account_id = 6
DELETE FROM sessions WHERE expires_at < '2024-09-06 09:51:00'
select id, rank() over (partition by category_id order by price desc) from products where price > 3513.70 /*application='web',controller='orders',action='show',traceparent='00-f78605c912118fb0-01'*/
select count(*) as total from orders where created_at >= '2024-01-26 19:49:00' and created_at < '2024-07-09 21:31:00'
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-05-26 02:56:00'
SELECT id, email, created_at FROM users WHERE email = 'carol@example.com' LIMIT 1
select * from users where id in (select user_id from orders where total > 8785.05) and active = false
/* user_id=724957114 */ TRUNCATE TABLE staging_events
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 5 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree -- from worker 8
ALTER  TABLE  users ADD COLUMN IF NOT EXISTS nickname varchar(255)
SELECT * FROM accounts WHERE id = 312288523 FOR UPDATE
SET  search_path  TO app, public /*application='web',controller='orders',action='show',traceparent='00-28f1a75547cdbc98-01'*/
BEGIN
/* user_id=755222524 */ SELECT c.id FROM coupons c WHERE c.code = 'SAVE443534091' AND c.valid_until > '2024-05-28 09:36:00' AND c.uses < c.max_uses
SELECT id, data->>'name' AS name FROM documents WHERE data->'meta'->>'owner' = 'frank'
BEGIN
COPY (SELECT * FROM orders WHERE id > 2) TO STDOUT WITH (FORMAT csv)
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('cancelled', 'refunded', 'cancelled', 'pending') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 7020.26
SELECT * FROM events WHERE payload @> '{"type": "heidi"}'::jsonb AND account_id = 8461
UPDATE pgbench_accounts SET abalance = abalance + -4571 WHERE aid = 376675391
SELECT id, rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > 987.42
/* user_id=5 */ SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (831812284, 5, 9119, 4753, 8, 4, 210, 593443945, 607113595, 6, 942954833) GROUP BY r.product_id
SELECT * FROM users WHERE id = 2838 /* nested /* comment */ here */
SELECT * FROM events WHERE payload @> '{"type": "carol"}'::jsonb AND account_id = 7
copy (select * from orders where id > 9477) to stdout with (format csv)
SELECT c.id FROM coupons c WHERE c.code = 'SAVE5483' AND c.valid_until > '2024-09-04 20:23:00' AND c.uses < c.max_uses
SELECT E'judy\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$50% off$$ AS d
DELETE FROM events_2024_04 WHERE occurred_at < '2024-03-03 04:44:00'
DELETE FROM sessions WHERE expires_at < '2024-03-18 17:18:00' /*application='web',controller='orders',action='show',traceparent='00-b3fe85490c44df43-01'*/
/* user_id=8 */ SELECT pg_sleep(0.52)
select x.* from generate_series(1, 7) as x(n)
SELECT * FROM users WHERE id = 124
/* user_id=8 */ ALTER  TABLE  users ADD COLUMN IF NOT EXISTS nickname varchar(32)
COMMIT
SELECT * FROM ONLY public.events WHERE id = 6831
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 7833 AND d.location = 'judy'
select s.id, s.name from stores s where s.region_id = 2 union all select w.id, w.name from warehouses w where w.region_id = 7978
SELECT * FROM orders WHERE user_id IN (5633, 4, 951520952, 8953, 5, 4974) AND status = 'pending'
SELECT id, payload FROM jobs WHERE queue = 'mail' AND run_at <= '2024-02-18 14:23:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
merge into inventory i using shipments s on s.product_id = i.product_id when matched then update set quantity = i.quantity + s.quantity when not matched then insert (product_id, quantity) values (s.product_id, s.quantity)
SELECT E'müller\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$alice$$ AS d
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 5689 AND m.id > 4560 ORDER BY m.id ASC LIMIT 50
SET statement_timeout = 1000
DELETE FROM events_2024_05 WHERE occurred_at < '2024-03-04 10:11:00'
SELECT * FROM users WHERE id = $1
select e.id, e.name, d.name as dept from employees e join departments d on d.id = e.department_id where e.salary > 8118 and d.location = 'dave'
SELECT * FROM measurements WHERE device_id = 7 AND recorded_at > now() - interval '29 hours' /*application='web',controller='orders',action='show',traceparent='00-b1cdab2ec0eaf1d1-01'*/
ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname varchar(255)
DELETE FROM cart_items WHERE cart_id = 182722479 AND product_id IN (7)
SELECT DISTINCT country FROM addresses WHERE user_id = 386889261
select o.id, o.total, u.email from orders o join users u on u.id = o.user_id where o.total > 8811.55 order by o.total desc limit 350408323
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2
SELECT * FROM accounts WHERE id = 7 FOR UPDATE
SELECT CAST('3673' AS integer), '2024-01-17 07:51:00'::date, -8, 1.5e-1
update pgbench_accounts set abalance = abalance + 1523 where aid = 5713
TRUNCATE TABLE staging_events
select t.id, t.title from tickets t where t.assignee_id = 782702842 and t.priority >= 1 and t.state <> 'closed' order by t.updated_at desc
UPDATE pgbench_tellers SET tbalance = tbalance + 3186 WHERE tid = 64 /*application='web',controller='orders',action='show',traceparent='00-594f05b55143e190-01'*/
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('refunded', 'shipped', 'pending', 'pending', 'cancelled', 'shipped', 'shipped') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 8291.97
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 140627768 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
SET statement_timeout = 30000
INSERT INTO users (email, name, created_at) VALUES ('北京1775@example.com', '北京', '2024-01-07 16:32:00')
insert into audit_log (user_id, action, payload, created_at) values (571209278, 'login', '{"ip": "10.0.7.1"}', '2024-02-03 01:08:00') /*application='web',controller='orders',action='show',traceparent='00-854fffd05d9739ad-01'*/
SET  search_path  TO app, public
BEGIN
SELECT * FROM users WHERE id = 984188348
ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname varchar(64)
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (6, 'update', '{"ip": "10.0.2.1"}', '2024-03-15 05:31:00') /*application='web',controller='orders',action='show',traceparent='00-e24957d4391b8404-01'*/
/* user_id=5 */ update orders set status = 'shipped', updated_at = '2024-11-28 06:14:00' where id = 9 and status = 'cancelled'
SELECT CAST('4952' AS integer), '2024-03-13 13:21:00'::date, -105820980, 1.5e2
commit
DELETE FROM cart_items WHERE cart_id = 6892 AND product_id IN (613044054, 1, 6097, 6, 5652, 128372303, 487435728, 541351026)
/* user_id=3 */ SELECT COUNT(*) FROM events WHERE account_id = 2881 AND kind = 'buy' AND occurred_at > '2024-12-27 12:00:00'
BEGIN
INSERT INTO counters (key, value) VALUES ('müller', 976956398) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
SELECT  abalance  FROM pgbench_accounts WHERE aid = 930681550
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-08-28 22:21:00'
SELECT DISTINCT country FROM addresses WHERE user_id = 7
TRUNCATE TABLE staging_events
SELECT pg_sleep(0.35)
SELECT  id,  rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > 5634.70
select date_trunc('day', created_at) as day, count(*) from orders where created_at > '2024-05-14 23:14:00'::timestamptz group by 1 order by 1
TRUNCATE TABLE staging_events
SELECT * FROM users WHERE id = 2 /* nested /* comment */ here */
INSERT INTO users (email, name, created_at) VALUES ('ivan8986@example.com', 'ivan', '2024-07-21 06:47:00')
MERGE INTO inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity)
SELECT x.* FROM generate_series(1, 277563151) AS x(n)
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 740167796 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
SELECT * FROM users WHERE id = 4
TRUNCATE TABLE staging_events
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-11-01 15:36:00'
SELECT  *  FROM accounts WHERE id = 7722 FOR UPDATE
SELECT id, email, created_at FROM users WHERE email = 'carol@example.com' LIMIT 1
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-08-06 10:40:00' AND created_at < '2024-04-11 23:12:00'
SELECT c.id FROM coupons c WHERE c.code = 'SAVE1' AND c.valid_until > '2024-02-10 10:56:00' AND c.uses < c.max_uses
select a.id, a.city from addresses a where a.zip in ('47923', '50950', '85360', '12011', '41623')
COMMIT
select "users".* from "users" where "users"."id" = $1 limit $2
VACUUM ANALYZE users
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 8 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('refunded', 'paid', 'refunded', 'refunded', 'shipped', 'paid', 'refunded', 'pending', 'paid') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 8423.62
SELECT CAST('605543350' AS integer), '2024-04-13 10:23:00'::date, -3, 1.5e-2
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (796884770, 3195, 4, 2481.50), (429, 3, 2, 7006.08), (427397496, 6814, 2, 3452.80), (6735, 4, 2, 9627.08), (7366, 6680, 1, 2126.59), (394136747, 1737, 4, 9514.71)
INSERT  INTO  users (email, name, created_at) VALUES ('heidi3082@example.com', 'smith & co', '2024-07-28 09:23:00')
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (7, 691150437, 2, 1319.52), (405945879, 3, 1, 4652.11), (4, 6, 4, 5517.97), (9, 9, 3, 2601.93)
update users set last_login_at = '2024-10-19 12:12:00', login_count = login_count + 1 where id = 4
COMMIT
DELETE FROM sessions WHERE expires_at < '2024-09-21 10:21:00' /*application='web',controller='orders',action='show',traceparent='00-44f7e3e6ef45dc2e-01'*/
SELECT CAST('6377' AS integer), '2024-02-05 16:17:00'::date, -6, 1.5e3
SELECT * FROM users WHERE id = 851732834 -- from worker 8761
COMMIT -- from worker 5
VACUUM ANALYZE orders
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-06-19 17:18:00'
select * from users where id = 6059
SELECT  *  FROM orders WHERE user_id IN (8, 410284500, 8365, 8860, 4483, 4635, 1715, 6, 337932730, 9, 9) AND status = 'paid' -- from worker 3
SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'smith & co' LIMIT 21
SELECT id, data->>'name' AS name FROM documents WHERE data->'meta'->>'owner' = 'bob'
/* user_id=8 */ INSERT  INTO  users (email, name, created_at) VALUES ('北京771321212@example.com', 'smith & co', '2024-10-13 21:38:00')
select e.id, e.name, d.name as dept from employees e join departments d on d.id = e.department_id where e.salary > 511438705 and d.location = 'dave'
SELECT * FROM users WHERE id = 3145
SELECT usr.id, usr.name FROM users usr WHERE usr.tenant_id = 8836 AND usr.deleted_at IS NULL ORDER BY usr.name LIMIT 10 /*application='web',controller='orders',action='show',traceparent='00-664cb0773f5ffbef-01'*/
SELECT  count(*)  AS total FROM orders WHERE created_at >= '2024-04-24 00:29:00' AND created_at < '2024-04-03 23:40:00'
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 582069095 OR i.product_id IS NULL
SELECT pg_sleep(0.12)
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (5542, 648193668, 4, 1083, 606663402, 723242495, 2, 6342, 594442680) GROUP BY r.product_id
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('cancelled', 'shipped', 'pending', 'cancelled', 'paid', 'paid', 'paid', 'refunded', 'refunded', 'pending', 'pending', 'refunded') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 1223.85
UPDATE pgbench_branches SET bbalance = bbalance + -2092 WHERE bid = 9
INSERT INTO users (email, name) VALUES ('o''brien@x.io', 'müller') RETURNING id
CREATE TABLE IF NOT EXISTS tmp_import_1 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
CREATE  TABLE  IF NOT EXISTS tmp_import_5 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
SELECT id FROM products WHERE name LIKE '%heidi%' ORDER BY id LIMIT 20 OFFSET 0
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_2 ON orders (user_id, created_at)
SET search_path TO app, public
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 4843 AND d.location = '50% off' /*application='web',controller='orders',action='show',traceparent='00-651a3946cde45d54-01'*/
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('refunded', 'cancelled', 'paid', 'cancelled', 'pending', 'shipped', 'pending', 'shipped', 'paid', 'shipped') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 1567.18
SELECT set_config('app.tenant', '3', false)
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 9426 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
with recent as (select user_id, max(created_at) as last from orders where created_at > '2024-09-09 19:45:00' group by user_id) select u.email, r.last from users u join recent r on r.user_id = u.id
SET search_path TO app, public
SELECT CAST('2' AS integer), '2024-02-05 06:52:00'::date, -72099511, 1.5e-1
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 912777772 ORDER BY "orders"."created_at" DESC LIMIT 10
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 3407.53 AND 1120.38 GROUP BY category_id ORDER BY 2 DESC
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_2 ON orders (user_id, created_at)
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 3639612 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
SET statement_timeout = 30000
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 3 AND m.id > 6 ORDER BY m.id ASC LIMIT 100
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 3555 AND m.id > 183836455 ORDER BY m.id ASC LIMIT 50
UPDATE pgbench_tellers SET tbalance = tbalance + 3791 WHERE tid = 71
UPDATE pgbench_tellers SET tbalance = tbalance + -2793 WHERE tid = 8
SELECT "users".* FROM "users" WHERE "users"."id" = $1 LIMIT $2
CREATE TABLE IF NOT EXISTS tmp_import_3 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now()) -- from worker 445187807
SELECT  p.id,  p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 3 OR i.product_id IS NULL /*application='web',controller='orders',action='show',traceparent='00-f63f023a4f3b488a-01'*/
select cast('574512696' as integer), '2024-09-10 11:15:00'::date, -145002174, 1.5e-3
alter table users add column if not exists nickname varchar(64)
update orders set status = 'shipped', updated_at = '2024-11-27 09:04:00' where id = 4 and status = 'cancelled'
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 8; END; $fn$ LANGUAGE plpgsql /*application='web',controller='orders',action='show',traceparent='00-40b851c8c674f9ad-01'*/
SELECT CAST('4' AS integer), '2024-04-18 09:04:00'::date, -1254, 1.5e1
UPDATE users SET last_login_at = '2024-04-23 00:06:00', login_count = login_count + 1 WHERE id = 971864761
UPDATE pgbench_accounts SET abalance = abalance + -269 WHERE aid = 6
ANALYZE orders
select * from users where id = 6332 /* nested /* comment */ here */
SET statement_timeout = 1000
VACUUM ANALYZE public.events
ANALYZE  users
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 742.63 ORDER BY o.total DESC LIMIT 5679
select * from users where id = 979553296
SELECT  *  FROM orders WHERE user_id IN (707007642, 160030705, 889604670, 1673, 6) AND status = 'refunded'
SELECT x.* FROM generate_series(1, 8495) AS x(n)
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (2, 114052081, 3, 9218.09), (635, 1669, 1, 9427.79), (4949, 76, 5, 5661.66), (1, 817500103, 3, 6574.35)
SHOW server_version
/* user_id=9491 */ create table if not exists tmp_import_1 (id bigint primary key, name text not null default '', created_at timestamptz default now())
select "users".* from "users" where "users"."id" = $1 limit $2
BEGIN
INSERT INTO counters (key, value) VALUES ('judy', 954623534) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
SELECT id, rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > 9984.51 /*application='web',controller='orders',action='show',traceparent='00-1dae3aff5edc461a-01'*/
SELECT  *  FROM users WHERE id = 618185501 /* nested /* comment */ here */
SELECT c.id FROM coupons c WHERE c.code = 'SAVE886' AND c.valid_until > '2024-03-18 04:46:00' AND c.uses < c.max_uses
vacuum analyze public.events
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-06-21 03:50:00' AND created_at < '2024-12-05 06:20:00' -- from worker 247823968
SELECT * FROM events WHERE payload @> '{"type": "judy"}'::jsonb AND account_id = 392294231
SELECT  o.id,  sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('cancelled', 'shipped') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 5734.92
select * from events where payload @> '{"type": "new\nline"}'::jsonb and account_id = 491277564 /*application='web',controller='orders',action='show',traceparent='00-0ea6eb93ca7886ce-01'*/
MERGE  INTO  inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity)
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-02-01 09:51:00'
SELECT * FROM ONLY public.events WHERE id = 162578294
TRUNCATE TABLE staging_events
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-01-06 06:01:00'
SELECT  id,  email, created_at FROM users WHERE email = 'frank@example.com' LIMIT 1
UPDATE pgbench_branches SET bbalance = bbalance + -3726 WHERE bid = 2
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 6 AND t.priority >= 5 AND t.state <> 'closed' ORDER BY t.updated_at DESC /*application='web',controller='orders',action='show',traceparent='00-e88d8cb18cafd062-01'*/
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (8, 496787505, 842577335) GROUP BY r.product_id
select * from only public.events where id = 5
SELECT * FROM users WHERE id = 7
SELECT  s.id,  s.name FROM stores s WHERE s.region_id = 840276400 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 7994
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-03-19 19:06:00' -- from worker 4
UPDATE pgbench_accounts SET abalance = abalance + -2579 WHERE aid = 55065360
SELECT * FROM users WHERE id = 692083928 /*application='web',controller='orders',action='show',traceparent='00-b2e00c53ac933f70-01'*/
/* user_id=5001 */ INSERT  INTO  users (email, name, created_at) VALUES ('ivan6@example.com', 'x\y', '2024-05-21 18:30:00')
update orders set status = 'pending', updated_at = '2024-10-04 14:41:00' where id = 7472 and status = 'shipped'
/* user_id=4475 */ UPDATE jobs SET locked_at = '2024-05-13 19:27:00', locked_by = 'worker-5' WHERE id = 528309630
SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'erin' /*application='web',controller='orders',action='show',traceparent='00-c2caa4d81dd61e3b-01'*/
SELECT abalance FROM pgbench_accounts WHERE aid = 3214
/* user_id=5010 */ COPY (SELECT * FROM orders WHERE id > 7) TO STDOUT WITH (FORMAT csv)
/* user_id=632511007 */ SELECT DISTINCT country FROM addresses WHERE user_id = 5
UPDATE  pgbench_tellers  SET tbalance = tbalance + 3054 WHERE tid = 42
SELECT id, email, created_at FROM users WHERE email = 'heidi@example.com' LIMIT 1
SELECT  *  FROM accounts WHERE id = 5 FOR UPDATE
SELECT DISTINCT country FROM addresses WHERE user_id = 917
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (37, 8, 5, 491, CURRENT_TIMESTAMP)
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2 -- from worker 4
SELECT * FROM orders WHERE user_id IN (1, 428171275) AND status = 'cancelled'
select x.* from generate_series(1, 6581) as x(n) /*application='web',controller='orders',action='show',traceparent='00-12dfb30c0de65f0b-01'*/
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 923 AND t.priority >= 2 AND t.state <> 'closed' ORDER BY t.updated_at DESC
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 285665650 AND m.id > 392942473 ORDER BY m.id ASC LIMIT 100
ANALYZE users
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 8433 ORDER BY "orders"."created_at" DESC LIMIT 10
UPDATE orders SET status = 'cancelled', updated_at = '2024-02-12 04:46:00' WHERE id = 658820104 AND status = 'paid'
select o.id, sum(li.quantity * li.unit_price) as amount from orders o inner join line_items li on li.order_id = o.id where o.status in ('cancelled', 'shipped', 'refunded', 'shipped', 'refunded', 'refunded', 'paid', 'paid', 'cancelled', 'pending') group by o.id having sum(li.quantity * li.unit_price) > 2361.10
analyze orders
SELECT s.id, s.name FROM stores s WHERE s.region_id = 183344199 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 5910
SELECT DISTINCT country FROM addresses WHERE user_id = 806343834
/* user_id=7 */ SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'o''brien'
UPDATE pgbench_branches SET bbalance = bbalance + 2041 WHERE bid = 2
BEGIN
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 4992.82) AND active = FALSE
UPDATE pgbench_tellers SET tbalance = tbalance + 2134 WHERE tid = 52
ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname varchar(255) /*application='web',controller='orders',action='show',traceparent='00-8e6c17d76a4936d7-01'*/
with recursive tree as (select id, parent_id from categories where id = 392155225 union all select c.id, c.parent_id from categories c join tree t on c.parent_id = t.id) select * from tree
SET search_path TO app, public
UPDATE pgbench_branches SET bbalance = bbalance + -807 WHERE bid = 3
SELECT  *  FROM users WHERE id = ANY('{8940, 349210529, 9, 22867391, 9659}'::bigint[])
SELECT id, email, created_at FROM users WHERE email = '50% off@example.com' LIMIT 1
select * from users where id in (select user_id from orders where total > 4059.69) and active = false
COMMIT
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 4 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
select count(*) as total from orders where created_at >= '2024-03-16 19:35:00' and created_at < '2024-03-02 23:25:00'
select count(*) from events where account_id = 7 and kind = 'view' and occurred_at > '2024-05-13 06:08:00'
SELECT * FROM measurements WHERE device_id = 8814 AND recorded_at > now() - interval '35 hours'
SELECT id FROM products WHERE name LIKE '%dave%' ORDER BY id LIMIT 20 OFFSET 20
SELECT abalance FROM pgbench_accounts WHERE aid = 87550706
MERGE  INTO  inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity)
SELECT * FROM events WHERE payload @> '{"type": "grace"}'::jsonb AND account_id = 5843
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 10
SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'grace'
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 4 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('22138', '78929', '27840', '41566')
UPDATE pgbench_branches SET bbalance = bbalance + 514 WHERE bid = 7
SELECT * FROM users WHERE id = $1
SELECT id, data->>'name' AS name FROM documents WHERE data->'meta'->>'owner' = 'judy'
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-10-26 10:17:00' AND created_at < '2024-12-12 09:19:00'
DELETE FROM cart_items WHERE cart_id = 4659 AND product_id IN (5196, 541037580, 1, 7, 579, 7)
DELETE FROM sessions WHERE expires_at < '2024-11-23 23:47:00'
INSERT INTO counters (key, value) VALUES ('frank', 1) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 6778 ORDER BY "orders"."created_at" DESC LIMIT 10
SET  search_path  TO public
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 20
/* user_id=6572 */ SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 30248419 OR i.product_id IS NULL
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 9743.32) AND active = true
ROLLBACK
DELETE FROM events_2024_01 WHERE occurred_at < '2024-05-02 16:11:00'
SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'erin' LIMIT 21
WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-07-26 15:13:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id
set statement_timeout = 1000
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 7464.98 AND 8328.75 GROUP BY category_id ORDER BY 2 DESC
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 6746.20) AND active = FALSE
SELECT date_trunc('day', created_at) AS day, count(*) FROM orders WHERE created_at > '2024-11-19 09:09:00'::timestamptz GROUP BY 1 ORDER BY 1
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 304.96 AND 4412.93 GROUP BY category_id ORDER BY 2 DESC
UPDATE users SET last_login_at = '2024-03-11 08:44:00', login_count = login_count + 1 WHERE id = 301785662
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 9595.16 ORDER BY o.total DESC LIMIT 630560123
UPDATE pgbench_branches SET bbalance = bbalance + 232 WHERE bid = 8 /*application='web',controller='orders',action='show',traceparent='00-9feda6a82debc8b5-01'*/
SELECT id FROM products WHERE name LIKE '%alice%' ORDER BY id LIMIT 20 OFFSET 0
VACUUM ANALYZE orders
UPDATE pgbench_tellers SET tbalance = tbalance + -1952 WHERE tid = 56
select * from accounts where id = 8256 for update
SELECT id, email, created_at FROM users WHERE email = 'bob@example.com' LIMIT 1
UPDATE pgbench_accounts SET abalance = abalance + -1482 WHERE aid = 2253318 /*application='web',controller='orders',action='show',traceparent='00-06a21a5e307a2641-01'*/
insert into audit_log (user_id, action, payload, created_at) values (2, 'update', '{"ip": "10.0.694146572.1"}', '2024-01-09 12:58:00')
/* user_id=6 */ SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 2801.63 AND 7686.07 GROUP BY category_id ORDER BY 2 DESC
/* user_id=616 */ SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('paid', 'pending', 'refunded', 'paid', 'pending', 'refunded', 'cancelled', 'shipped', 'shipped', 'refunded') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 1424.20
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 4 ORDER BY "orders"."created_at" DESC LIMIT 10
select a.id, a.city from addresses a where a.zip in ('82671', '63268', '32000', '27657')
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-02-13 22:32:00' AND created_at < '2024-07-11 20:47:00'
/* user_id=8632 */ ANALYZE  users
DELETE FROM sessions WHERE expires_at < '2024-09-11 08:53:00'
SELECT CAST('5506' AS integer), '2024-10-06 07:42:00'::date, -140, 1.5e-2
INSERT INTO users (email, name, created_at) VALUES ('北京6725@example.com', 'o''brien', '2024-04-08 03:04:00')
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 717917801 ORDER BY "orders"."created_at" DESC LIMIT 10
DELETE FROM events_2024_07 WHERE occurred_at < '2024-09-14 12:13:00'
UPDATE orders SET status = 'paid', updated_at = '2024-09-23 19:33:00' WHERE id = 8 AND status = 'shipped'
SELECT id, data->>'name' AS name FROM documents WHERE data->'meta'->>'owner' = 'alice'
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 3 FOR UPDATE SKIP LOCKED
DELETE  FROM  sessions WHERE expires_at < '2024-12-24 16:21:00'
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 49 OR i.product_id IS NULL
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 871238705 ORDER BY "orders"."created_at" DESC LIMIT 10
SELECT  *  FROM events WHERE payload @> '{"type": "北京"}'::jsonb AND account_id = 1646
select n.nspname, c.relname, pg_total_relation_size(c.oid) from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'r' order by 3 desc limit 20
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 1143.13) AND active = TRUE
UPDATE pgbench_branches SET bbalance = bbalance + -1960 WHERE bid = 1
SELECT E'new\nline\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$grace$$ AS d /*application='web',controller='orders',action='show',traceparent='00-97cc22f26e975edf-01'*/
/* user_id=3431 */ MERGE INTO inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity)
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-02-21 14:00:00'
select count(*) from events where account_id = 562321011 and kind = 'view' and occurred_at > '2024-04-26 12:19:00'
SELECT  pg_sleep(0.98)
SELECT id FROM products WHERE name LIKE '%judy%' ORDER BY id LIMIT 20 OFFSET 20
SELECT * FROM accounts WHERE id = 138183160 FOR UPDATE
show server_version
SELECT  id,  email, created_at FROM users WHERE email = 'x\y@example.com' LIMIT 1
UPDATE jobs SET locked_at = '2024-07-08 12:05:00', locked_by = 'worker-5706' WHERE id = 6
UPDATE pgbench_tellers SET tbalance = tbalance + 1414 WHERE tid = 4
SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'frank'
SELECT  *  FROM users WHERE id = ANY('{2567, 3, 4539, 555023720, 2382}'::bigint[])
SELECT u.id, u.name FROM users u WHERE u.tenant_id = 8417 AND u.deleted_at IS NULL ORDER BY u.name LIMIT 10
/* user_id=2 */ SELECT * FROM users WHERE id = ANY('{5211, 2419, 8, 620637696}'::bigint[])
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 20
UPDATE pgbench_tellers SET tbalance = tbalance + 101 WHERE tid = 29
insert into line_items (order_id, product_id, quantity, unit_price) values (635730967, 6706, 4, 1655.41)
UPDATE users SET last_login_at = '2024-06-06 04:23:00', login_count = login_count + 1 WHERE id = 8
SELECT * FROM events WHERE payload @> '{"type": "alice"}'::jsonb AND account_id = 8162
UPDATE  users  SET last_login_at = '2024-10-28 18:05:00', login_count = login_count + 1 WHERE id = 559784174
UPDATE pgbench_tellers SET tbalance = tbalance + -3737 WHERE tid = 52
select * from accounts where id = 8 for update -- from worker 726
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 10 FOR UPDATE SKIP LOCKED
MERGE INTO inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity)
/* user_id=329518110 */ INSERT INTO counters (key, value) VALUES ('50% off', 6561) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
SELECT  n.nspname,  c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 10
SELECT pg_sleep(0.43)
TRUNCATE TABLE staging_events
SELECT abalance FROM pgbench_accounts WHERE aid = 6
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('refunded', 'refunded', 'cancelled', 'pending', 'refunded', 'cancelled', 'cancelled', 'pending', 'refunded', 'refunded', 'refunded', 'paid') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 8115.61 /*application='web',controller='orders',action='show',traceparent='00-2afe5d07332ae940-01'*/
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('63998', '31854', '42682', '98654', '67416', '27435', '96045', '36576', '79482', '30507')
COMMIT
/* user_id=298989502 */ UPDATE orders SET status = 'pending', updated_at = '2024-07-02 08:00:00' WHERE id = 1672 AND status = 'shipped'
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('refunded', 'shipped', 'shipped', 'pending', 'pending') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 2976.06
SELECT  "orders".*  FROM "orders" WHERE "orders"."user_id" = 1 ORDER BY "orders"."created_at" DESC LIMIT 10
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_3 ON orders (user_id, created_at)
DELETE FROM events_2024_11 WHERE occurred_at < '2024-06-18 12:27:00'
SELECT c.id FROM coupons c WHERE c.code = 'SAVE9778' AND c.valid_until > '2024-08-24 23:09:00' AND c.uses < c.max_uses
COPY (SELECT * FROM orders WHERE id > 2) TO STDOUT WITH (FORMAT csv)
SELECT  p.id,  p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 5 OR i.product_id IS NULL
SELECT id, data->>'name' AS name FROM documents WHERE data->'meta'->>'owner' = 'x\y'
vacuum analyze users
SET search_path TO app, public
INSERT INTO counters (key, value) VALUES ('smith & co', 9) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
SELECT * FROM users WHERE id = 2401
SELECT x.* FROM generate_series(1, 9944) AS x(n)
SELECT id, rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > 3230.55
with recursive tree as (select id, parent_id from categories where id = 5 union all select c.id, c.parent_id from categories c join tree t on c.parent_id = t.id) select * from tree
merge into inventory i using shipments s on s.product_id = i.product_id when matched then update set quantity = i.quantity + s.quantity when not matched then insert (product_id, quantity) values (s.product_id, s.quantity)
INSERT  INTO  line_items (order_id, product_id, quantity, unit_price) VALUES (823084914, 630836874, 3, 9083.31)
UPDATE jobs SET locked_at = '2024-08-12 15:37:00', locked_by = 'worker-3' WHERE id = 2320
SHOW  server_version
SELECT * FROM users WHERE id = ANY('{1, 3, 324090431, 73632557, 521, 3336}'::bigint[])
CREATE TABLE IF NOT EXISTS tmp_import_2 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
TRUNCATE TABLE staging_events
SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'x\y' LIMIT 21 /*application='web',controller='orders',action='show',traceparent='00-cacad4d9339db116-01'*/
SELECT id FROM products WHERE name LIKE '%carol%' ORDER BY id LIMIT 20 OFFSET 40
insert into users (email, name) values ('bob@x.io', '北京') returning id -- from worker 7
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (74, 10, 792438078, 722, CURRENT_TIMESTAMP)
/* user_id=8355 */ CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_3 ON orders (user_id, created_at)
VACUUM  ANALYZE  orders -- from worker 1967
TRUNCATE  TABLE  staging_events
UPDATE  users  SET last_login_at = '2024-04-10 18:29:00', login_count = login_count + 1 WHERE id = 720045587
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 10 FOR UPDATE SKIP LOCKED
INSERT INTO users (email, name) VALUES ('judy@x.io', 'grace') RETURNING id -- from worker 8099
SELECT id FROM products WHERE name LIKE '%dave%' ORDER BY id LIMIT 20 OFFSET 20
UPDATE pgbench_branches SET bbalance = bbalance + 2436 WHERE bid = 4
select u.id, (select count(*) from orders o where o.user_id = u.id) as order_count from users u where u.created_at > '2024-12-20 00:55:00'
SELECT id, data->>'name' AS name FROM documents WHERE data->'meta'->>'owner' = 'erin'
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (827841998, 'update', '{"ip": "10.0.7.1"}', '2024-06-10 09:55:00')
SELECT set_config('app.tenant', '785171311', false)
update pgbench_branches set bbalance = bbalance + -309 where bid = 2
SET search_path TO public /*application='web',controller='orders',action='show',traceparent='00-4e29cc0b397326ba-01'*/
/* user_id=59992585 */ SELECT CAST('1' AS integer), '2024-11-28 07:34:00'::date, -3468, 1.5e1
drop table if exists tmp_import_1, tmp_import_2
select * from measurements where device_id = 766711314 and recorded_at > now() - interval '8 hours' /*application='web',controller='orders',action='show',traceparent='00-677060570b225286-01'*/
SELECT CAST('16' AS integer), '2024-12-06 23:50:00'::date, -167014399, 1.5e1
UPDATE  pgbench_tellers  SET tbalance = tbalance + -1091 WHERE tid = 1
WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-05-24 23:21:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 4 ORDER BY "orders"."created_at" DESC LIMIT 10
select id, data->>'name' as name from documents where data->'meta'->>'owner' = 'new\nline'
SELECT COUNT(*) FROM events WHERE account_id = 293519804 AND kind = 'view' AND occurred_at > '2024-02-12 10:31:00' -- from worker 885548456
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_1 ON orders (user_id, created_at)
INSERT INTO counters (key, value) VALUES ('ivan', 4) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 3 FOR UPDATE SKIP LOCKED
UPDATE pgbench_branches SET bbalance = bbalance + -179 WHERE bid = 3
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 7314.93 AND 5003.54 GROUP BY category_id ORDER BY 2 DESC
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 472 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
SELECT * FROM ONLY public.events WHERE id = 240210053
INSERT INTO users (email, name) VALUES ('grace@x.io', 'frank') RETURNING id
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 9 AND d.location = 'erin'
SELECT  u.id,  (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-06-23 14:32:00'
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 2196 AND d.location = 'x\y'
/* user_id=2 */ CREATE TABLE IF NOT EXISTS tmp_import_1 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 2428 AND d.location = 'frank'
select id, email, created_at from users where email = 'müller@example.com' limit 1
WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-03-21 13:06:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (2, 7048, 2, 923.01), (7, 4009, 3, 6488.42)
select u.id, (select count(*) from orders o where o.user_id = u.id) as order_count from users u where u.created_at > '2024-07-08 21:13:00'
SELECT pg_sleep(0.61)
UPDATE users SET last_login_at = '2024-02-13 10:32:00', login_count = login_count + 1 WHERE id = 9942
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('cancelled', 'shipped', 'pending', 'cancelled', 'pending', 'cancelled', 'cancelled', 'pending', 'pending', 'paid', 'shipped') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 35.11
select * from accounts where id = 1 for update
SELECT  *  FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 7068.46) AND active = true
SELECT s.id, s.name FROM stores s WHERE s.region_id = 127600924 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 6818
TRUNCATE  TABLE  staging_events
DELETE FROM sessions WHERE expires_at < '2024-04-26 10:47:00'
SELECT * FROM users WHERE id = ANY('{41386729, 5048, 88, 9581, 399419756, 8, 3}'::bigint[])
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 542676980 ORDER BY "orders"."created_at" DESC LIMIT 10
SELECT id, email, created_at FROM users WHERE email = 'dave@example.com' LIMIT 1
create or replace function add_one(i integer) returns integer as $fn$ begin return i + 6; end; $fn$ language plpgsql
delete from sessions where expires_at < '2024-02-02 02:44:00'
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 1710.06 AND 2017.28 GROUP BY category_id ORDER BY 2 DESC
SELECT id, rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > 443.81
commit
SELECT * FROM users WHERE id = 2
SELECT set_config('app.tenant', '5', false)
ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname varchar(255)
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 6 OR i.product_id IS NULL
/* user_id=830782175 */ update pgbench_tellers set tbalance = tbalance + -3672 where tid = 37
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 7 ORDER BY "orders"."created_at" DESC LIMIT 10
merge into inventory i using shipments s on s.product_id = i.product_id when matched then update set quantity = i.quantity + s.quantity when not matched then insert (product_id, quantity) values (s.product_id, s.quantity) /*application='web',controller='orders',action='show',traceparent='00-77f96439778feeca-01'*/
SELECT id, email, created_at FROM users WHERE email = 'bob@example.com' LIMIT 1
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 8 ORDER BY "orders"."created_at" DESC LIMIT 10
select m.id, m.body from messages m where m.thread_id = 7492 and m.id > 7 order by m.id asc limit 100
DELETE FROM sessions WHERE expires_at < '2024-12-06 06:09:00'
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (9, 10, 815933578, 1217, CURRENT_TIMESTAMP) /*application='web',controller='orders',action='show',traceparent='00-782274f1d1fad8d0-01'*/
TRUNCATE TABLE staging_events
/* user_id=2 */ SELECT s.id, s.name FROM stores s WHERE s.region_id = 5 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 7317
ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname varchar(32)
SELECT s.id, s.name FROM stores s WHERE s.region_id = 891017898 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 7
SELECT * FROM events WHERE payload @> '{"type": "erin"}'::jsonb AND account_id = 9
SELECT u.id, u.name FROM users u WHERE u.tenant_id = 8 AND u.deleted_at IS NULL ORDER BY u.name LIMIT 25
select * from users where id = 1309 /* nested /* comment */ here */
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 5; END; $fn$ LANGUAGE plpgsql
SELECT date_trunc('day', created_at) AS day, count(*) FROM orders WHERE created_at > '2024-01-01 03:23:00'::timestamptz GROUP BY 1 ORDER BY 1
DELETE  FROM  events_2024_08 WHERE occurred_at < '2024-12-15 17:25:00' /*application='web',controller='orders',action='show',traceparent='00-dea190900b4da240-01'*/
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 2; END; $fn$ LANGUAGE plpgsql
MERGE  INTO  inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity) -- from worker 2
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2
SELECT CAST('8608' AS integer), '2024-05-06 15:11:00'::date, -489980259, 1.5e1
delete from events_2024_09 where occurred_at < '2024-10-09 11:08:00'
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('79954', '51155', '15055')
UPDATE pgbench_tellers SET tbalance = tbalance + 3758 WHERE tid = 44
ROLLBACK
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_3 ON orders (user_id, created_at)
SELECT * FROM ONLY public.events WHERE id = 166
SELECT id, email, created_at FROM users WHERE email = 'ivan@example.com' LIMIT 1
SELECT * FROM measurements WHERE device_id = 6 AND recorded_at > now() - interval '18 hours'
insert into users (email, name) values ('grace@x.io', 'heidi') returning id
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 85404672 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
SELECT  id,  data->>'name' AS name FROM documents WHERE data->'meta'->>'owner' = 'o''brien'
SELECT  DISTINCT  country FROM addresses WHERE user_id = 769163126
SELECT  this_.id  as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'erin'
SELECT pg_sleep(0.45)
SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'new\nline' LIMIT 21
SET  statement_timeout  = 5000
SELECT * FROM users WHERE id = ANY('{3, 2165, 66291131, 5817, 1249, 744233177, 6, 4800, 8}'::bigint[])
SELECT id FROM products WHERE name LIKE '%50% off%' ORDER BY id LIMIT 20 OFFSET 40
SELECT  *  FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 3915.19) AND active = TRUE
SELECT CAST('7' AS integer), '2024-10-25 08:06:00'::date, -2368, 1.5e3
SELECT * FROM users WHERE id = 228670640 /* nested /* comment */ here */ /*application='web',controller='orders',action='show',traceparent='00-149d9de2a6239ca4-01'*/
SELECT * FROM users WHERE id = 915472778 /* nested /* comment */ here */
SELECT x.* FROM generate_series(1, 9846) AS x(n) /*application='web',controller='orders',action='show',traceparent='00-f2f7983da1ba3783-01'*/
delete from events_2024_10 where occurred_at < '2024-08-02 17:39:00'
SELECT x.* FROM generate_series(1, 6815) AS x(n)
ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname varchar(64) /*application='web',controller='orders',action='show',traceparent='00-0f3f9a7f650c5279-01'*/
select r.product_id, avg(r.rating) from reviews r where r.product_id in (8, 849980338, 479033040, 4, 4, 4623) group by r.product_id
show server_version
SELECT * FROM measurements WHERE device_id = 4113 AND recorded_at > now() - interval '42 hours'
INSERT INTO counters (key, value) VALUES ('o''brien', 963210759) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 9284.68 AND 3590.67 GROUP BY category_id ORDER BY 2 DESC
SELECT id, payload FROM jobs WHERE queue = 'reports' AND run_at <= '2024-01-16 14:33:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
INSERT  INTO  users (email, name) VALUES ('ivan@x.io', 'erin') RETURNING id
INSERT INTO users (email, name) VALUES ('50% off@x.io', 'frank') RETURNING id
SELECT COUNT(*) FROM events WHERE account_id = 4 AND kind = 'buy' AND occurred_at > '2024-06-10 05:12:00'
begin
SELECT * FROM measurements WHERE device_id = 673 AND recorded_at > now() - interval '45 hours'
select abalance from pgbench_accounts where aid = 467689632
INSERT INTO users (email, name) VALUES ('heidi@x.io', '北京') RETURNING id -- from worker 819799835
SET search_path TO public
SELECT CAST('346443649' AS integer), '2024-10-27 19:47:00'::date, -7, 1.5e2
select * from users where id in (select user_id from orders where total > 3431.77) and active = true
COMMIT /*application='web',controller='orders',action='show',traceparent='00-c4d799822e324668-01'*/
TRUNCATE TABLE staging_events
SELECT set_config('app.tenant', '3797', false) /*application='web',controller='orders',action='show',traceparent='00-b1eee95bd7780a94-01'*/
SELECT id, email, created_at FROM users WHERE email = 'bob@example.com' LIMIT 1
UPDATE jobs SET locked_at = '2024-07-26 00:53:00', locked_by = 'worker-4' WHERE id = 2791
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 514 ORDER BY "orders"."created_at" DESC LIMIT 10
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 6 AND t.priority >= 5 AND t.state <> 'closed' ORDER BY t.updated_at DESC /*application='web',controller='orders',action='show',traceparent='00-0d0d336c881074d1-01'*/
UPDATE pgbench_tellers SET tbalance = tbalance + -4972 WHERE tid = 7 /*application='web',controller='orders',action='show',traceparent='00-27dbd253518a9643-01'*/
select * from orders where user_id in (8316, 8, 169848658, 9, 8) and status = 'paid'
VACUUM ANALYZE orders
SELECT id FROM products WHERE name LIKE '%北京%' ORDER BY id LIMIT 20 OFFSET 40
COMMIT
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 343270551 OR i.product_id IS NULL
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 7591.74 ORDER BY o.total DESC LIMIT 608490417
SELECT * FROM users WHERE id = $1
select set_config('app.tenant', '6', false)
BEGIN
ALTER  TABLE  users ADD COLUMN IF NOT EXISTS nickname varchar(255)
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_1 ON orders (user_id, created_at)
SELECT abalance FROM pgbench_accounts WHERE aid = 5 /*application='web',controller='orders',action='show',traceparent='00-e25cb392d6efdc93-01'*/
SELECT  "auth_user"."id",  "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'dave' LIMIT 21 /*application='web',controller='orders',action='show',traceparent='00-e9cdbeb4496e55ab-01'*/
UPDATE orders SET status = 'shipped', updated_at = '2024-02-15 20:00:00' WHERE id = 3 AND status = 'paid'
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_3 ON orders (user_id, created_at) /*application='web',controller='orders',action='show',traceparent='00-10833e56cbe3f65e-01'*/
/* user_id=378987211 */ BEGIN
SELECT set_config('app.tenant', '772916947', false) -- from worker 288216741
select * from users where id in (select user_id from orders where total > 6830.27) and active = false -- from worker 6
with recent as (select user_id, max(created_at) as last from orders where created_at > '2024-02-14 18:15:00' group by user_id) select u.email, r.last from users u join recent r on r.user_id = u.id
create index concurrently if not exists idx_orders_user_3 on orders (user_id, created_at)
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (5806, 5, 5, 2337.23), (4271, 6, 5, 8234.61), (936833072, 8, 1, 534.37), (837337292, 457, 4, 6391.68)
UPDATE pgbench_tellers SET tbalance = tbalance + 3348 WHERE tid = 73
update pgbench_tellers set tbalance = tbalance + 984 where tid = 53
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (421842281, 7521) GROUP BY r.product_id
truncate table staging_events
SELECT set_config('app.tenant', '4', false)
/* user_id=5 */ SELECT * FROM users WHERE id = 7078 /* nested /* comment */ here */
SELECT x.* FROM generate_series(1, 3586) AS x(n)
ROLLBACK
ROLLBACK
INSERT INTO users (email, name, created_at) VALUES ('ivan1381@example.com', 'alice', '2024-06-22 02:00:00')
SELECT s.id, s.name FROM stores s WHERE s.region_id = 36990890 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 9
ROLLBACK /*application='web',controller='orders',action='show',traceparent='00-dd92e0d221d8f376-01'*/
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 1013.62 AND 3077.25 GROUP BY category_id ORDER BY 2 DESC
SET  statement_timeout  = 5000 /*application='web',controller='orders',action='show',traceparent='00-debfb99bcc2f102a-01'*/
VACUUM ANALYZE public.events
SELECT abalance FROM pgbench_accounts WHERE aid = 3259 /*application='web',controller='orders',action='show',traceparent='00-92d975f9f84c1971-01'*/
SELECT "users".* FROM "users" WHERE "users"."id" = $1 LIMIT $2
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 7455 AND d.location = 'smith & co'
ROLLBACK
select x.* from generate_series(1, 6058) as x(n)
UPDATE users SET last_login_at = '2024-01-11 03:28:00', login_count = login_count + 1 WHERE id = 333830201 /*application='web',controller='orders',action='show',traceparent='00-0e4157be69cc2084-01'*/
/* user_id=5 */ INSERT INTO counters (key, value) VALUES ('smith & co', 6) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
SELECT CAST('202482947' AS integer), '2024-11-14 08:14:00'::date, -7907, 1.5e0
UPDATE pgbench_branches SET bbalance = bbalance + 316 WHERE bid = 6
/* user_id=552447597 */ VACUUM ANALYZE orders
SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'smith & co' LIMIT 21
SELECT * FROM measurements WHERE device_id = 2022 AND recorded_at > now() - interval '38 hours'
SELECT date_trunc('day', created_at) AS day, count(*) FROM orders WHERE created_at > '2024-10-09 11:34:00'::timestamptz GROUP BY 1 ORDER BY 1
SELECT abalance FROM pgbench_accounts WHERE aid = 3
SELECT * FROM users WHERE id = 9
/* user_id=5585 */ DELETE FROM cart_items WHERE cart_id = 2 AND product_id IN (8, 151, 372, 585347009, 2, 8, 821421807, 692251730)
BEGIN
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (1, 519, 2, 7401.37), (3, 101915398, 5, 9529.27), (993062051, 5726, 1, 9930.12), (770240281, 2362, 3, 2307.52), (68190293, 605000992, 4, 1972.38)
SELECT "users".* FROM "users" WHERE "users"."id" = $1 LIMIT $2
BEGIN -- from worker 87
UPDATE users SET last_login_at = '2024-08-23 05:28:00', login_count = login_count + 1 WHERE id = 618 /*application='web',controller='orders',action='show',traceparent='00-0139ff5b715cc2fc-01'*/
SELECT * FROM users WHERE id = 9 /*application='web',controller='orders',action='show',traceparent='00-f28992c0c17e72ae-01'*/
SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'o''brien' LIMIT 21
SELECT CAST('1504' AS integer), '2024-10-19 15:01:00'::date, -3542, 1.5e0
/* user_id=5 */ SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 5 OR i.product_id IS NULL
MERGE INTO inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity)
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_1 ON orders (user_id, created_at)
TRUNCATE TABLE staging_events
select o.id, sum(li.quantity * li.unit_price) as amount from orders o inner join line_items li on li.order_id = o.id where o.status in ('pending', 'pending', 'shipped', 'pending', 'cancelled', 'pending', 'pending', 'cancelled', 'cancelled', 'cancelled', 'paid') group by o.id having sum(li.quantity * li.unit_price) > 9670.49
select id from products where name like '%50% off%' order by id limit 20 offset 20
select pg_sleep(0.82)
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('pending', 'pending', 'cancelled', 'cancelled') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 7304.02
SELECT  "auth_user"."id",  "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'smith & co' LIMIT 21 -- from worker 3627
SET search_path TO public
SELECT "users".* FROM "users" WHERE "users"."id" = $1 LIMIT $2
SELECT * FROM accounts WHERE id = 5 FOR UPDATE
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('92498', '27583', '51616', '27181', '23341', '41155', '23779', '28900', '73066', '41060', '19580')
select cast('4' as integer), '2024-09-17 08:39:00'::date, -3833, 1.5e2
SELECT u.id, u.name FROM users u WHERE u.tenant_id = 7 AND u.deleted_at IS NULL ORDER BY u.name LIMIT 25 -- from worker 1
SELECT id, rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > 3036.09 /*application='web',controller='orders',action='show',traceparent='00-d05d5114c4128f18-01'*/
BEGIN
UPDATE jobs SET locked_at = '2024-11-07 21:16:00', locked_by = 'worker-2007' WHERE id = 8990
ROLLBACK
SELECT E'alice\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$alice$$ AS d
SELECT  E'50%  off\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$x\y$$ AS d
SELECT * FROM ONLY public.events WHERE id = 6
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 2; END; $fn$ LANGUAGE plpgsql
DELETE FROM events_2024_01 WHERE occurred_at < '2024-07-28 16:40:00'
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_1 ON orders (user_id, created_at)
SHOW server_version
SELECT  "users".*  FROM "users" WHERE "users"."id" = $1 LIMIT $2 /*application='web',controller='orders',action='show',traceparent='00-f0dcc731cfee3d08-01'*/
SELECT  set_config('app.tenant',  '789531673', false)
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 3643343 AND d.location = 'heidi'
select a.id, a.name from users a where a.tenant_id = 711329526 and a.deleted_at is null order by a.name limit 50
select * from users where id = 7912 /*application='web',controller='orders',action='show',traceparent='00-19434421996658b5-01'*/
select id from products where name like '%alice%' order by id limit 20 offset 0
SELECT E'carol\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$50% off$$ AS d
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-06-02 18:14:00' AND created_at < '2024-08-14 19:19:00'
WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-08-27 14:00:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id
SELECT set_config('app.tenant', '959822330', false)
select category_id, count(*), avg(price) from products where price between 5770.56 and 3465.83 group by category_id order by 2 desc
UPDATE pgbench_tellers SET tbalance = tbalance + -1751 WHERE tid = 68
SELECT * FROM users WHERE id = ANY('{3250, 903198040, 958055480, 7799, 925566442, 9, 7, 455972341}'::bigint[])
SELECT date_trunc('day', created_at) AS day, count(*) FROM orders WHERE created_at > '2024-11-25 08:01:00'::timestamptz GROUP BY 1 ORDER BY 1
/* user_id=2 */ SELECT * FROM accounts WHERE id = 583715808 FOR UPDATE
UPDATE pgbench_accounts SET abalance = abalance + -3128 WHERE aid = 5 /*application='web',controller='orders',action='show',traceparent='00-9a2710142540049d-01'*/
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2
SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'dave' LIMIT 21
SELECT * FROM users WHERE id = ANY('{8433}'::bigint[])
DELETE FROM events_2024_03 WHERE occurred_at < '2024-04-27 23:54:00'
SELECT id, payload FROM jobs WHERE queue = 'reports' AND run_at <= '2024-11-02 02:03:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (7, 'logout', '{"ip": "10.0.815.1"}', '2024-07-03 05:41:00')
SELECT id, email, created_at FROM users WHERE email = '北京@example.com' LIMIT 1
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 480009087 AND d.location = 'alice'
WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-11-24 18:13:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id
SELECT CAST('7' AS integer), '2024-09-05 08:54:00'::date, -8, 1.5e-1
SELECT  t.id,  t.title FROM tickets t WHERE t.assignee_id = 6 AND t.priority >= 5 AND t.state <> 'closed' ORDER BY t.updated_at DESC
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (6458, 494596796, 7, 8, 3103, 941431035, 3559, 6, 8951, 854, 6877) GROUP BY r.product_id
SELECT s.id, s.name FROM stores s WHERE s.region_id = 591380468 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 8220
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (294508001, 174005358, 6, 4, 849406603, 6, 8, 7535, 8, 266824262) GROUP BY r.product_id -- from worker 1
update pgbench_branches set bbalance = bbalance + -1411 where bid = 1
select "users".* from "users" where "users"."id" = $1 limit $2
SELECT id, payload FROM jobs WHERE queue = 'default' AND run_at <= '2024-04-20 13:53:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-10-17 22:12:00'
SELECT id, payload FROM jobs WHERE queue = 'default' AND run_at <= '2024-04-11 02:03:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
VACUUM ANALYZE users /*application='web',controller='orders',action='show',traceparent='00-79aefab48218add8-01'*/
SELECT CAST('5' AS integer), '2024-09-28 20:03:00'::date, -883775415, 1.5e1
insert into line_items (order_id, product_id, quantity, unit_price) values (705234982, 118040306, 2, 6095.67), (135151537, 9664, 4, 6620.93), (385345003, 1, 1, 6999.35), (6497, 3562, 3, 1968.76), (2, 6, 2, 3101.26), (693645716, 744863322, 1, 2911.12)
INSERT  INTO  line_items (order_id, product_id, quantity, unit_price) VALUES (277282497, 1, 3, 7766.44)
SELECT * FROM accounts WHERE id = 467478182 FOR UPDATE
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 5 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
BEGIN
SELECT  id,  payload FROM jobs WHERE queue = 'default' AND run_at <= '2024-12-06 20:48:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
ANALYZE orders /*application='web',controller='orders',action='show',traceparent='00-2e0acb9d370f37cb-01'*/
SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'x\y'
SELECT * FROM users WHERE id = $1
SELECT pg_sleep(0.28)
SELECT s.id, s.name FROM stores s WHERE s.region_id = 205554576 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 357288046
SELECT * FROM events WHERE payload @> '{"type": "frank"}'::jsonb AND account_id = 3
SELECT E'ivan\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$judy$$ AS d
SELECT id, payload FROM jobs WHERE queue = 'reports' AND run_at <= '2024-07-15 01:50:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
select * from users where id = $1
/* user_id=3 */ select * from only public.events where id = 2741
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 4118.42) AND active = true
SELECT pg_sleep(0.31)
SELECT  id,  data->>'name' AS name FROM documents WHERE data->'meta'->>'owner' = 'o''brien'
SELECT set_config('app.tenant', '1', false) -- from worker 465186132
SELECT COUNT(*) FROM events WHERE account_id = 9163 AND kind = 'view' AND occurred_at > '2024-02-20 04:21:00'
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (91, 5, 137198305, -4053, CURRENT_TIMESTAMP)
SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'frank'
INSERT INTO users (email, name) VALUES ('smith & co@x.io', 'frank') RETURNING id -- from worker 4250
INSERT INTO users (email, name) VALUES ('carol@x.io', 'alice') RETURNING id
SELECT * FROM orders WHERE user_id IN (43359652, 868302796, 5268, 9, 59076128) AND status = 'cancelled'
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('84432', '53587', '35850', '22959', '48564', '64583', '70692')
rollback
UPDATE jobs SET locked_at = '2024-07-12 03:53:00', locked_by = 'worker-4992' WHERE id = 169773255
SELECT * FROM users WHERE id = 858028244
SELECT * FROM ONLY public.events WHERE id = 4910
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 6 ORDER BY "orders"."created_at" DESC LIMIT 10
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 8216 AND d.location = 'bob'
delete from cart_items where cart_id = 3003 and product_id in (4, 8884, 9220, 4799, 3911, 6815, 252165342, 225) /*application='web',controller='orders',action='show',traceparent='00-73aea305dc38cd9d-01'*/
/* user_id=494 */ UPDATE pgbench_branches SET bbalance = bbalance + -30 WHERE bid = 5
SELECT DISTINCT country FROM addresses WHERE user_id = 3
VACUUM ANALYZE public.events
CREATE TABLE IF NOT EXISTS tmp_import_4 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 6653.38) AND active = true
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 107531124 AND t.priority >= 5 AND t.state <> 'closed' ORDER BY t.updated_at DESC
select c.id from coupons c where c.code = 'save293275686' and c.valid_until > '2024-02-04 21:29:00' and c.uses < c.max_uses
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 8966.49) AND active = true
update pgbench_tellers set tbalance = tbalance + -978 where tid = 43
/* user_id=693017450 */ BEGIN
SELECT * FROM users WHERE id = ANY('{4, 336230631, 81785635, 6576, 117250701, 5999, 6, 98, 6198, 5426, 1646}'::bigint[])
ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname varchar(64)
SELECT  category_id,  count(*), avg(price) FROM products WHERE price BETWEEN 9841.43 AND 6942.83 GROUP BY category_id ORDER BY 2 DESC
SELECT id, rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > 1441.00
show server_version
select distinct country from addresses where user_id = 7028
UPDATE orders SET status = 'paid', updated_at = '2024-05-12 11:11:00' WHERE id = 8 AND status = 'pending'
SELECT pg_sleep(0.02)
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 196895737 AND m.id > 8984 ORDER BY m.id ASC LIMIT 100
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 7649.09 ORDER BY o.total DESC LIMIT 461509468
select cast('8361' as integer), '2024-06-10 01:03:00'::date, -758901397, 1.5e-3
/* user_id=4 */ SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 3591.64 ORDER BY o.total DESC LIMIT 479839660
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 529774202 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree -- from worker 3260
CREATE TABLE IF NOT EXISTS tmp_import_3 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
SELECT set_config('app.tenant', '7261', false)
insert into counters (key, value) values ('carol', 903004613) on conflict (key) do update set value = counters.value + excluded.value
ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname varchar(64)
UPDATE  users  SET last_login_at = '2024-05-09 09:05:00', login_count = login_count + 1 WHERE id = 784026962
SELECT  m.id,  m.body FROM messages m WHERE m.thread_id = 6443 AND m.id > 5922 ORDER BY m.id ASC LIMIT 50
SELECT  *  FROM accounts WHERE id = 858 FOR UPDATE
SELECT id, rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > 6356.31
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('38261', '42679', '64095', '67543', '15239', '69941', '76066', '70435', '79735', '99264', '15879')
SELECT * FROM accounts WHERE id = 5408 FOR UPDATE
SELECT * FROM users WHERE id = 5839
select * from users where id = 4
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (694932482, 9, 2, 5081.29), (1, 7, 5, 860.83), (3, 330617907, 3, 3260.86), (155509696, 7586, 4, 9052.12), (9021, 154378940, 1, 6698.56)
ROLLBACK /*application='web',controller='orders',action='show',traceparent='00-db076dcaca07453b-01'*/
select * from measurements where device_id = 1 and recorded_at > now() - interval '23 hours'
INSERT INTO counters (key, value) VALUES ('dave', 475408697) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value /*application='web',controller='orders',action='show',traceparent='00-83ad624c5095d935-01'*/
select a.id, a.name from users a where a.tenant_id = 124857046 and a.deleted_at is null order by a.name limit 10
SELECT a.id, a.name FROM users a WHERE a.tenant_id = 1429 AND a.deleted_at IS NULL ORDER BY a.name LIMIT 25
SELECT CAST('8' AS integer), '2024-05-01 05:06:00'::date, -816915531, 1.5e-1
COPY (SELECT * FROM orders WHERE id > 4653) TO STDOUT WITH (FORMAT csv)
SELECT  category_id,  count(*), avg(price) FROM products WHERE price BETWEEN 8051.98 AND 7144.14 GROUP BY category_id ORDER BY 2 DESC
SELECT E'heidi\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$erin$$ AS d
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 2163.84 ORDER BY o.total DESC LIMIT 2
SELECT  *  FROM ONLY public.events WHERE id = 3
/* user_id=2 */ SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-08-10 21:45:00'
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 4865.68 ORDER BY o.total DESC LIMIT 483953533 /*application='web',controller='orders',action='show',traceparent='00-f804f4acaf0c0467-01'*/
SELECT c.id FROM coupons c WHERE c.code = 'SAVE6059' AND c.valid_until > '2024-04-12 12:49:00' AND c.uses < c.max_uses
SELECT * FROM events WHERE payload @> '{"type": "o''brien"}'::jsonb AND account_id = 4420
SELECT date_trunc('day', created_at) AS day, count(*) FROM orders WHERE created_at > '2024-03-25 01:17:00'::timestamptz GROUP BY 1 ORDER BY 1
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('95657', '82581', '27772', '44480')
SELECT id, payload FROM jobs WHERE queue = 'mail' AND run_at <= '2024-02-28 13:12:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
TRUNCATE TABLE staging_events
select id, payload from jobs where queue = 'default' and run_at <= '2024-08-16 19:23:00' and locked_at is null order by priority, run_at limit 1
create index concurrently if not exists idx_orders_user_2 on orders (user_id, created_at)
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 9; END; $fn$ LANGUAGE plpgsql
SELECT * FROM users WHERE id = $1
SELECT a.id, a.name FROM users a WHERE a.tenant_id = 367368919 AND a.deleted_at IS NULL ORDER BY a.name LIMIT 10
SELECT * FROM events WHERE payload @> '{"type": "北京"}'::jsonb AND account_id = 1
SELECT  id  FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 2 FOR UPDATE SKIP LOCKED
DELETE FROM events_2024_06 WHERE occurred_at < '2024-01-25 18:05:00'
SELECT * FROM users WHERE id = ANY('{119552938}'::bigint[])
SELECT "users".* FROM "users" WHERE "users"."id" = $1 LIMIT $2
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 5 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 4772 AND m.id > 4 ORDER BY m.id ASC LIMIT 50
SELECT date_trunc('day', created_at) AS day, count(*) FROM orders WHERE created_at > '2024-11-01 10:10:00'::timestamptz GROUP BY 1 ORDER BY 1 /*application='web',controller='orders',action='show',traceparent='00-3bbc42eef6277365-01'*/
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (79076849, 4101, 4, 478122617, 8, 7849, 8) GROUP BY r.product_id
MERGE INTO inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity)
DELETE FROM sessions WHERE expires_at < '2024-04-03 00:53:00'
create or replace function add_one(i integer) returns integer as $fn$ begin return i + 6; end; $fn$ language plpgsql
/* user_id=9448 */ SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 4783 AND d.location = 'erin'
SELECT  E'carol\n'  AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$50% off$$ AS d
/* user_id=2 */ BEGIN
INSERT INTO counters (key, value) VALUES ('new\nline', 7) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
insert into audit_log (user_id, action, payload, created_at) values (8, 'logout', '{"ip": "10.0.908035035.1"}', '2024-03-27 04:10:00')
INSERT INTO users (email, name) VALUES ('erin@x.io', '北京') RETURNING id
insert into users (email, name, created_at) values ('x\y2263@example.com', 'erin', '2024-08-09 08:44:00')
SELECT date_trunc('day', created_at) AS day, count(*) FROM orders WHERE created_at > '2024-09-15 18:17:00'::timestamptz GROUP BY 1 ORDER BY 1
SELECT id FROM products WHERE name LIKE '%smith & co%' ORDER BY id LIMIT 20 OFFSET 40
SELECT x.* FROM generate_series(1, 2) AS x(n)
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 7831 AND d.location = 'o''brien'
/* user_id=877847997 */ select * from events where payload @> '{"type": "heidi"}'::jsonb and account_id = 1
SELECT * FROM ONLY public.events WHERE id = 4
select id, data->>'name' as name from documents where data->'meta'->>'owner' = 'new\nline'
SELECT COUNT(*) FROM events WHERE account_id = 4 AND kind = 'click' AND occurred_at > '2024-04-07 01:13:00'
SELECT id, rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > 7007.29
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (1, 'logout', '{"ip": "10.0.9.1"}', '2024-08-05 02:28:00')
SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'alice' LIMIT 21
update pgbench_branches set bbalance = bbalance + -114 where bid = 7
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 146082716 OR i.product_id IS NULL
SELECT * FROM users WHERE id = $1 /*application='web',controller='orders',action='show',traceparent='00-f3b043b452bc6ca6-01'*/
COMMIT
SHOW server_version /*application='web',controller='orders',action='show',traceparent='00-a1856e522cc8b713-01'*/
SELECT id, data->>'name' AS name FROM documents WHERE data->'meta'->>'owner' = 'frank'
with recent as (select user_id, max(created_at) as last from orders where created_at > '2024-03-11 17:32:00' group by user_id) select u.email, r.last from users u join recent r on r.user_id = u.id
ROLLBACK
select distinct country from addresses where user_id = 5
SELECT a.id, a.name FROM users a WHERE a.tenant_id = 356 AND a.deleted_at IS NULL ORDER BY a.name LIMIT 50
SELECT abalance FROM pgbench_accounts WHERE aid = 5
SELECT CAST('2' AS integer), '2024-03-25 06:13:00'::date, -5, 1.5e3
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-09-22 00:34:00'
SELECT * FROM users WHERE id = ANY('{668517352, 5790, 289941247, 449023169, 3, 7, 6662, 789631456, 2822, 959999370}'::bigint[])
INSERT  INTO  audit_log (user_id, action, payload, created_at) VALUES (1104, 'update', '{"ip": "10.0.813892275.1"}', '2024-02-14 05:35:00')
UPDATE orders SET status = 'paid', updated_at = '2024-10-06 12:51:00' WHERE id = 2347 AND status = 'paid'
SELECT "users".* FROM "users" WHERE "users"."id" = $1 LIMIT $2
SELECT a.id, a.name FROM users a WHERE a.tenant_id = 250780331 AND a.deleted_at IS NULL ORDER BY a.name LIMIT 10 -- from worker 1004
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('53445', '90420', '28838', '30946', '16753', '99068', '54021', '43043')
SELECT id, rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > 5135.71
DELETE FROM events_2024_04 WHERE occurred_at < '2024-12-06 00:46:00'
SELECT  count(*)  AS total FROM orders WHERE created_at >= '2024-12-07 01:10:00' AND created_at < '2024-11-06 10:10:00'
with recursive tree as (select id, parent_id from categories where id = 718068165 union all select c.id, c.parent_id from categories c join tree t on c.parent_id = t.id) select * from tree
drop table if exists tmp_import_1, tmp_import_2 /*application='web',controller='orders',action='show',traceparent='00-a155253cede32fb5-01'*/
SELECT x.* FROM generate_series(1, 8) AS x(n)
select o.id, sum(li.quantity * li.unit_price) as amount from orders o inner join line_items li on li.order_id = o.id where o.status in ('paid') group by o.id having sum(li.quantity * li.unit_price) > 161.28
CREATE TABLE IF NOT EXISTS tmp_import_5 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 6 AND m.id > 1 ORDER BY m.id ASC LIMIT 100
select * from measurements where device_id = 5769 and recorded_at > now() - interval '8 hours'
SELECT * FROM measurements WHERE device_id = 489057504 AND recorded_at > now() - interval '24 hours'
/* user_id=6517 */ ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname varchar(32)
INSERT INTO users (email, name) VALUES ('new\nline@x.io', 'alice') RETURNING id
SELECT id, email, created_at FROM users WHERE email = 'carol@example.com' LIMIT 1
select * from users where id = 1049 /* nested /* comment */ here */
delete from sessions where expires_at < '2024-08-13 03:02:00'
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 8 ORDER BY "orders"."created_at" DESC LIMIT 10
SELECT  p.id,  p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 8 OR i.product_id IS NULL
SELECT  *  FROM measurements WHERE device_id = 5 AND recorded_at > now() - interval '4 hours'
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (62, 1, 519845602, 3586, CURRENT_TIMESTAMP)
show server_version
select count(*) as total from orders where created_at >= '2024-04-15 20:28:00' and created_at < '2024-04-12 11:29:00'
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 3865 AND m.id > 954 ORDER BY m.id ASC LIMIT 100
SELECT t0.id, t0.name FROM users t0 WHERE t0.tenant_id = 390067193 AND t0.deleted_at IS NULL ORDER BY t0.name LIMIT 10
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 9 FOR UPDATE SKIP LOCKED
SELECT * FROM measurements WHERE device_id = 1815 AND recorded_at > now() - interval '32 hours'
DELETE  FROM  sessions WHERE expires_at < '2024-11-08 12:40:00'
SELECT * FROM measurements WHERE device_id = 755259270 AND recorded_at > now() - interval '31 hours'
SELECT * FROM measurements WHERE device_id = 4748 AND recorded_at > now() - interval '25 hours'
UPDATE pgbench_accounts SET abalance = abalance + 4412 WHERE aid = 618352111
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 125878279 ORDER BY "orders"."created_at" DESC LIMIT 10
CREATE  TABLE  IF NOT EXISTS tmp_import_5 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
SELECT DISTINCT country FROM addresses WHERE user_id = 172503210
UPDATE orders SET status = 'refunded', updated_at = '2024-03-06 04:36:00' WHERE id = 2 AND status = 'cancelled' /*application='web',controller='orders',action='show',traceparent='00-4dd8b578f2e5fba1-01'*/
select o.id, sum(li.quantity * li.unit_price) as amount from orders o inner join line_items li on li.order_id = o.id where o.status in ('cancelled', 'pending', 'paid', 'pending', 'cancelled', 'paid', 'pending', 'paid', 'cancelled', 'refunded', 'shipped') group by o.id having sum(li.quantity * li.unit_price) > 7476.89
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_2 ON orders (user_id, created_at)
SELECT * FROM users WHERE id = $1
DELETE FROM cart_items WHERE cart_id = 16785600 AND product_id IN (306212158, 626980063, 4123, 4401)
WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-11-04 16:16:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id
UPDATE users SET last_login_at = '2024-02-17 13:13:00', login_count = login_count + 1 WHERE id = 769984678
select "orders".* from "orders" where "orders"."user_id" = 224830982 order by "orders"."created_at" desc limit 10
SELECT x.* FROM generate_series(1, 7) AS x(n)
SELECT * FROM users WHERE id = 663979641 -- from worker 1318
SET search_path TO app, public
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 247 ORDER BY "orders"."created_at" DESC LIMIT 10
/* user_id=681639428 */ SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'smith & co' LIMIT 21
SELECT id FROM products WHERE name LIKE '%frank%' ORDER BY id LIMIT 20 OFFSET 20
SELECT * FROM ONLY public.events WHERE id = 196131466
SELECT CAST('3241' AS integer), '2024-03-03 21:04:00'::date, -5, 1.5e2
DELETE FROM cart_items WHERE cart_id = 9 AND product_id IN (508642768, 3688, 99, 4, 658888518, 267602440, 614622390, 147981889, 123, 7064, 7962, 639881907)
SELECT  *  FROM users WHERE id = 1
VACUUM  ANALYZE  public.events /*application='web',controller='orders',action='show',traceparent='00-2d6c0eae674319c5-01'*/
SELECT * FROM users WHERE id = $1
MERGE INTO inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity)
select * from users where id = $1
BEGIN
/* user_id=701 */ SELECT pg_sleep(0.63)
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 1 ORDER BY "orders"."created_at" DESC LIMIT 10
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 6; END; $fn$ LANGUAGE plpgsql
SELECT x.* FROM generate_series(1, 5276) AS x(n)
DELETE FROM sessions WHERE expires_at < '2024-04-03 21:38:00'
SHOW server_version /*application='web',controller='orders',action='show',traceparent='00-ad9e7cc55fb471ae-01'*/
select o.id, o.total, u.email from orders o join users u on u.id = o.user_id where o.total > 6492.55 order by o.total desc limit 1835 /*application='web',controller='orders',action='show',traceparent='00-eeed3dc388f5758c-01'*/
SELECT  date_trunc('day',  created_at) AS day, count(*) FROM orders WHERE created_at > '2024-06-16 22:50:00'::timestamptz GROUP BY 1 ORDER BY 1
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 9; END; $fn$ LANGUAGE plpgsql
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (873916535, 'login', '{"ip": "10.0.3.1"}', '2024-05-25 17:12:00')
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (5, 5, 657931128, 4322, 538119567, 9772, 1317, 9, 8) GROUP BY r.product_id
SELECT  n.nspname,  c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 10
/* user_id=417 */ SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 4 ORDER BY "orders"."created_at" DESC LIMIT 10
SELECT id, data->>'name' AS name FROM documents WHERE data->'meta'->>'owner' = 'ivan'
select count(*) as total from orders where created_at >= '2024-09-06 10:00:00' and created_at < '2024-03-26 12:50:00'
INSERT INTO users (email, name) VALUES ('北京@x.io', 'x\y') RETURNING id
INSERT INTO counters (key, value) VALUES ('x\y', 3) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (5, 819465841, 1, 6972.34), (7919, 909022133, 5, 6111.88), (3600, 3, 2, 2361.74), (363862761, 3688, 4, 8869.33), (9, 267043054, 4, 3685.90), (2143, 3, 3, 756.01) /*application='web',controller='orders',action='show',traceparent='00-01c2e87c3082b776-01'*/
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2
UPDATE pgbench_branches SET bbalance = bbalance + 1243 WHERE bid = 10
SELECT pg_sleep(0.59)
rollback
SHOW  server_version
SELECT u.id, u.name FROM users u WHERE u.tenant_id = 928379893 AND u.deleted_at IS NULL ORDER BY u.name LIMIT 50 -- from worker 6
SELECT x.* FROM generate_series(1, 8) AS x(n) /*application='web',controller='orders',action='show',traceparent='00-e5c92356c00b9f92-01'*/
SELECT pg_sleep(0.65) /*application='web',controller='orders',action='show',traceparent='00-ed2cd9e70671dfe9-01'*/
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 8; END; $fn$ LANGUAGE plpgsql
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 8; END; $fn$ LANGUAGE plpgsql
SELECT  *  FROM users WHERE id = ANY('{9, 5, 5227, 4, 3, 9, 625500699, 208915611, 7, 955386310, 400544762}'::bigint[])
SELECT E'北京\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$grace$$ AS d
SELECT * FROM accounts WHERE id = 6434 FOR UPDATE
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 759971479 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
SELECT abalance FROM pgbench_accounts WHERE aid = 3726
UPDATE  orders  SET status = 'cancelled', updated_at = '2024-01-16 14:04:00' WHERE id = 1963 AND status = 'refunded'
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 20
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 5; END; $fn$ LANGUAGE plpgsql
ROLLBACK
SELECT  *  FROM accounts WHERE id = 377570352 FOR UPDATE
SELECT * FROM events WHERE payload @> '{"type": "北京"}'::jsonb AND account_id = 6
select e.id, e.name, d.name as dept from employees e join departments d on d.id = e.department_id where e.salary > 681185434 and d.location = 'alice'
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_2 ON orders (user_id, created_at)
INSERT INTO users (email, name, created_at) VALUES ('ivan3@example.com', 'judy', '2024-02-01 12:48:00')
select * from users where id = $1
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (2669, 5279, 1, 9, 7, 6209, 3, 6) GROUP BY r.product_id
SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'smith & co'
select id, payload from jobs where queue = 'mail' and run_at <= '2024-12-19 15:31:00' and locked_at is null order by priority, run_at limit 1
MERGE INTO inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity)
COPY (SELECT * FROM orders WHERE id > 5660) TO STDOUT WITH (FORMAT csv)
INSERT INTO users (email, name, created_at) VALUES ('new\nline845043037@example.com', 'ivan', '2024-07-16 10:05:00')
INSERT  INTO  audit_log (user_id, action, payload, created_at) VALUES (884639573, 'login', '{"ip": "10.0.960882208.1"}', '2024-05-07 10:51:00') /*application='web',controller='orders',action='show',traceparent='00-647664275fbdc5c0-01'*/
SELECT set_config('app.tenant', '6401', false)
SELECT c.id FROM coupons c WHERE c.code = 'SAVE4' AND c.valid_until > '2024-12-12 17:03:00' AND c.uses < c.max_uses
insert into counters (key, value) values ('smith & co', 2) on conflict (key) do update set value = counters.value + excluded.value
SELECT id, data->>'name' AS name FROM documents WHERE data->'meta'->>'owner' = 'o''brien'
SELECT  e.id,  e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 820758662 AND d.location = 'heidi'
SELECT id, email, created_at FROM users WHERE email = '50% off@example.com' LIMIT 1
MERGE INTO inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity)
CREATE TABLE IF NOT EXISTS tmp_import_2 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname varchar(255)
SELECT  s.id,  s.name FROM stores s WHERE s.region_id = 691 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 644526210 /*application='web',controller='orders',action='show',traceparent='00-52be865b15438a6a-01'*/
ROLLBACK
SELECT * FROM users WHERE id = $1 /*application='web',controller='orders',action='show',traceparent='00-5952fd4b52f5ad6d-01'*/
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 8 AND m.id > 690230331 ORDER BY m.id ASC LIMIT 50
UPDATE pgbench_accounts SET abalance = abalance + 4014 WHERE aid = 8761
INSERT  INTO  audit_log (user_id, action, payload, created_at) VALUES (6024479, 'update', '{"ip": "10.0.920101037.1"}', '2024-04-10 06:51:00')
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 10
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 10
analyze orders
SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'x\y' LIMIT 21 /*application='web',controller='orders',action='show',traceparent='00-339da127cae414ba-01'*/
insert into pgbench_history (tid, bid, aid, delta, mtime) values (67, 8, 2, 4849, current_timestamp)
select * from users where id = 6
COMMIT /*application='web',controller='orders',action='show',traceparent='00-77323394fcecfb91-01'*/
SELECT u.id, u.name FROM users u WHERE u.tenant_id = 2781099 AND u.deleted_at IS NULL ORDER BY u.name LIMIT 50 /*application='web',controller='orders',action='show',traceparent='00-9d4f7bb38f5c69f2-01'*/
DELETE FROM events_2024_05 WHERE occurred_at < '2024-09-06 11:26:00'
/* user_id=6900 */ delete from events_2024_04 where occurred_at < '2024-02-03 22:56:00'
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (8, 'update', '{"ip": "10.0.3.1"}', '2024-08-04 17:52:00') -- from worker 359225063
INSERT  INTO  users (email, name) VALUES ('x\y@x.io', 'ivan') RETURNING id
COMMIT -- from worker 6
INSERT INTO users (email, name, created_at) VALUES ('dave4@example.com', 'x\y', '2024-11-08 23:23:00')
SELECT * FROM events WHERE payload @> '{"type": "o''brien"}'::jsonb AND account_id = 4099
WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-05-11 23:07:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id
SELECT * FROM users WHERE id = ANY('{603600288, 2, 552518694, 6452}'::bigint[])
SELECT pg_sleep(0.76)
with recent as (select user_id, max(created_at) as last from orders where created_at > '2024-04-28 11:00:00' group by user_id) select u.email, r.last from users u join recent r on r.user_id = u.id
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 9 ORDER BY "orders"."created_at" DESC LIMIT 10
select "orders".* from "orders" where "orders"."user_id" = 346734696 order by "orders"."created_at" desc limit 10
SELECT * FROM measurements WHERE device_id = 8 AND recorded_at > now() - interval '1 hours'
update pgbench_tellers set tbalance = tbalance + -2009 where tid = 62 /*application='web',controller='orders',action='show',traceparent='00-29005d7ca032724c-01'*/
SELECT id, rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > 7036.57
update users set last_login_at = '2024-06-07 02:25:00', login_count = login_count + 1 where id = 8640
INSERT INTO users (email, name) VALUES ('o''brien@x.io', 'carol') RETURNING id
DELETE  FROM  events_2024_08 WHERE occurred_at < '2024-10-25 14:33:00'
SHOW server_version
SELECT c.id FROM coupons c WHERE c.code = 'SAVE499957553' AND c.valid_until > '2024-08-27 21:22:00' AND c.uses < c.max_uses
SELECT date_trunc('day', created_at) AS day, count(*) FROM orders WHERE created_at > '2024-05-06 11:15:00'::timestamptz GROUP BY 1 ORDER BY 1
SELECT CAST('7324' AS integer), '2024-06-25 06:29:00'::date, -1012, 1.5e-3
SELECT DISTINCT country FROM addresses WHERE user_id = 194990825 /*application='web',controller='orders',action='show',traceparent='00-8dd6b8a790dd9cd2-01'*/
BEGIN /*application='web',controller='orders',action='show',traceparent='00-c9eaf2beac295234-01'*/
update jobs set locked_at = '2024-07-18 04:57:00', locked_by = 'worker-3' where id = 106666589
SELECT id, data->>'name' AS name FROM documents WHERE data->'meta'->>'owner' = 'grace'
INSERT INTO users (email, name, created_at) VALUES ('frank2@example.com', '北京', '2024-10-24 14:20:00')
SELECT * FROM users WHERE id = 7566 /* nested /* comment */ here */
select e'smith & co\n' as s, u&'d\0061t\+000061' as u, b'1010' as b, x'1f' as x, $$erin$$ as d
SELECT * FROM orders WHERE user_id IN (9, 9, 9161, 81, 303143790, 8949) AND status = 'pending'
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-03-17 17:49:00'
BEGIN
TRUNCATE TABLE staging_events
SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'x\y' LIMIT 21
WITH  recent  AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-02-07 12:45:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id
SELECT * FROM users WHERE id = 4 /* nested /* comment */ here */
SELECT E'o''brien\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$dave$$ AS d
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('85894', '68005') /*application='web',controller='orders',action='show',traceparent='00-be55d2a6d83ee790-01'*/
SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'carol'
select * from accounts where id = 6131 for update
DELETE FROM events_2024_11 WHERE occurred_at < '2024-02-26 05:58:00'
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (9440, 7) GROUP BY r.product_id /*application='web',controller='orders',action='show',traceparent='00-e897d8fd3586e879-01'*/
update pgbench_tellers set tbalance = tbalance + 3760 where tid = 76
SELECT E'北京\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$50% off$$ AS d
DELETE FROM sessions WHERE expires_at < '2024-09-06 23:39:00'
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-07-16 01:25:00' AND created_at < '2024-09-07 10:53:00'
SELECT id, data->>'name' AS name FROM documents WHERE data->'meta'->>'owner' = 'bob'
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 9422.75 AND 9956.94 GROUP BY category_id ORDER BY 2 DESC
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (39, 1, 613153206, -4196, CURRENT_TIMESTAMP)
TRUNCATE  TABLE  staging_events
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (47, 5, 539835115, -973, CURRENT_TIMESTAMP)
SELECT a.id, a.name FROM users a WHERE a.tenant_id = 285043679 AND a.deleted_at IS NULL ORDER BY a.name LIMIT 25
DELETE  FROM  cart_items WHERE cart_id = 350029853 AND product_id IN (1361, 184193723, 8, 1, 759561236, 729811621, 4, 167308668)
INSERT  INTO  pgbench_history (tid, bid, aid, delta, mtime) VALUES (92, 7, 1, 63, CURRENT_TIMESTAMP)
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 3 FOR UPDATE SKIP LOCKED
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (1, 2, 8, 3052, CURRENT_TIMESTAMP)
SELECT * FROM accounts WHERE id = 3876 FOR UPDATE
BEGIN
COMMIT
update pgbench_branches set bbalance = bbalance + 331 where bid = 1
ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname varchar(255)
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 7061.15 ORDER BY o.total DESC LIMIT 1
CREATE  OR  REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 2; END; $fn$ LANGUAGE plpgsql
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 10
SELECT * FROM users WHERE id = 200291562 /* nested /* comment */ here */
SELECT x.* FROM generate_series(1, 319371748) AS x(n)
UPDATE  pgbench_branches  SET bbalance = bbalance + -1421 WHERE bid = 8
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2 /*application='web',controller='orders',action='show',traceparent='00-bde67a16f7facb65-01'*/
SHOW server_version
select pg_sleep(0.33) /*application='web',controller='orders',action='show',traceparent='00-cfc1463922f215c4-01'*/
SELECT  "auth_user"."id",  "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'o''brien' LIMIT 21
SELECT abalance FROM pgbench_accounts WHERE aid = 754097184
update orders set status = 'pending', updated_at = '2024-08-19 10:26:00' where id = 2047 and status = 'pending'
SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'müller'
SELECT abalance FROM pgbench_accounts WHERE aid = 722253935
SELECT id, rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > 1367.47
select count(*) as total from orders where created_at >= '2024-04-17 04:21:00' and created_at < '2024-08-01 01:53:00'
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 3480.58) AND active = FALSE
UPDATE jobs SET locked_at = '2024-07-13 14:06:00', locked_by = 'worker-811009495' WHERE id = 6757
INSERT  INTO  users (email, name, created_at) VALUES ('x\y7256@example.com', 'ivan', '2024-10-27 11:07:00')
SET statement_timeout = 1000
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-11-23 20:31:00'
SELECT id, data->>'name' AS name FROM documents WHERE data->'meta'->>'owner' = 'smith & co' /*application='web',controller='orders',action='show',traceparent='00-dd72040ea509e013-01'*/
WITH  RECURSIVE  tree AS (SELECT id, parent_id FROM categories WHERE id = 38277075 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
UPDATE jobs SET locked_at = '2024-03-08 05:46:00', locked_by = 'worker-670492803' WHERE id = 605979206
/* user_id=7368 */ MERGE INTO inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity)
SELECT pg_sleep(0.76)
select * from users where id in (select user_id from orders where total > 1679.26) and active = false
SELECT id, data->>'name' AS name FROM documents WHERE data->'meta'->>'owner' = 'bob'
select distinct country from addresses where user_id = 9
SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'new\nline' /*application='web',controller='orders',action='show',traceparent='00-9ea9bcf800a768d5-01'*/
UPDATE pgbench_tellers SET tbalance = tbalance + 4223 WHERE tid = 67 /*application='web',controller='orders',action='show',traceparent='00-1d535b20035511d4-01'*/
SELECT * FROM users WHERE id = 1555
WITH  recent  AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-12-10 09:43:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id /*application='web',controller='orders',action='show',traceparent='00-527aa77e0387e6e3-01'*/
SELECT id, rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > 3555.11
select m.id, m.body from messages m where m.thread_id = 8800 and m.id > 199360314 order by m.id asc limit 50 /*application='web',controller='orders',action='show',traceparent='00-f148a6f737935a6a-01'*/
SELECT pg_sleep(0.21) /*application='web',controller='orders',action='show',traceparent='00-5c1ee805895d9d83-01'*/
SELECT usr.id, usr.name FROM users usr WHERE usr.tenant_id = 6403 AND usr.deleted_at IS NULL ORDER BY usr.name LIMIT 10
COMMIT
/* user_id=603651398 */ INSERT INTO users (email, name, created_at) VALUES ('北京698350005@example.com', 'new\nline', '2024-01-22 11:25:00')
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (6079, 369538991, 3, 1587.59), (9759, 6352, 3, 7176.13), (4, 4, 3, 3165.87)
UPDATE orders SET status = 'paid', updated_at = '2024-01-10 10:33:00' WHERE id = 168732153 AND status = 'refunded'
INSERT INTO users (email, name, created_at) VALUES ('frank5@example.com', 'carol', '2024-10-24 03:02:00')
select r.product_id, avg(r.rating) from reviews r where r.product_id in (741, 3284, 9, 4, 580393219, 756465396, 9836, 6, 438214315, 179477814) group by r.product_id
/* user_id=2 */ SELECT c.id FROM coupons c WHERE c.code = 'SAVE618' AND c.valid_until > '2024-09-14 03:27:00' AND c.uses < c.max_uses
SELECT  "users".*  FROM "users" WHERE "users"."id" = $1 LIMIT $2
/* user_id=1 */ SELECT s.id, s.name FROM stores s WHERE s.region_id = 5 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 885754745
SELECT "users".* FROM "users" WHERE "users"."id" = $1 LIMIT $2
select date_trunc('day', created_at) as day, count(*) from orders where created_at > '2024-08-16 07:32:00'::timestamptz group by 1 order by 1
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 20
update jobs set locked_at = '2024-01-07 08:00:00', locked_by = 'worker-959143431' where id = 3272
SELECT  *  FROM events WHERE payload @> '{"type": "smith & co"}'::jsonb AND account_id = 8821
update jobs set locked_at = '2024-09-16 18:15:00', locked_by = 'worker-631970567' where id = 459336783
select id from products where name like '%o''brien%' order by id limit 20 offset 40 /*application='web',controller='orders',action='show',traceparent='00-64ef09372f3c0b04-01'*/
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-07-01 16:34:00' AND created_at < '2024-10-01 07:25:00'
select * from users where id = 5679
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('56127', '14468', '75206', '12215', '40400', '92575', '38726', '55947')
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('shipped') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 7336.36 /*application='web',controller='orders',action='show',traceparent='00-199ecf8b43491bd3-01'*/
ROLLBACK /*application='web',controller='orders',action='show',traceparent='00-0f00cf58b9dac0c7-01'*/
SHOW server_version
ROLLBACK
SELECT  o.id,  o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 151.64 ORDER BY o.total DESC LIMIT 3
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 8 FOR UPDATE SKIP LOCKED
insert into users (email, name) values ('frank@x.io', '50% off') returning id
SET search_path TO public
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-04-11 22:45:00'
SELECT id, email, created_at FROM users WHERE email = 'carol@example.com' LIMIT 1
SELECT c.id FROM coupons c WHERE c.code = 'SAVE290916002' AND c.valid_until > '2024-07-14 19:03:00' AND c.uses < c.max_uses
SELECT * FROM users WHERE id = ANY('{8, 1509, 5906, 391240645, 6704, 930371777, 4100, 3906, 55739376, 6636}'::bigint[])
select o.id, o.total, u.email from orders o join users u on u.id = o.user_id where o.total > 5085.90 order by o.total desc limit 857209664
UPDATE  pgbench_tellers  SET tbalance = tbalance + 1772 WHERE tid = 87 /*application='web',controller='orders',action='show',traceparent='00-cab6a244d4196b2c-01'*/
SELECT set_config('app.tenant', '6', false) /*application='web',controller='orders',action='show',traceparent='00-95dda35240f1e7d6-01'*/
SELECT abalance FROM pgbench_accounts WHERE aid = 411538599
begin
SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = '50% off' LIMIT 21
SELECT  abalance  FROM pgbench_accounts WHERE aid = 688763576
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 486015636 AND t.priority >= 5 AND t.state <> 'closed' ORDER BY t.updated_at DESC /*application='web',controller='orders',action='show',traceparent='00-fed7e5ea7ce01def-01'*/
DELETE FROM sessions WHERE expires_at < '2024-05-13 20:52:00'
SELECT pg_sleep(0.93)
select cast('857930927' as integer), '2024-10-18 02:30:00'::date, -3, 1.5e0 /*application='web',controller='orders',action='show',traceparent='00-f0573889262d49cb-01'*/
UPDATE pgbench_branches SET bbalance = bbalance + -3250 WHERE bid = 4
/* user_id=745491166 */ SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('pending', 'cancelled', 'refunded', 'cancelled') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 3657.78
INSERT INTO counters (key, value) VALUES ('50% off', 7) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 1 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
/* user_id=9 */ select * from orders where user_id in (4735, 7994, 2, 37750767, 3619, 916163297, 6750, 2, 7220, 8, 3878) and status = 'pending'
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-05-27 12:08:00' AND created_at < '2024-08-09 20:18:00'
DELETE FROM sessions WHERE expires_at < '2024-04-03 15:35:00'
DROP  TABLE  IF EXISTS tmp_import_1, tmp_import_2 -- from worker 4327
SELECT * FROM orders WHERE user_id IN (69332920, 4017, 4957, 33895225) AND status = 'paid'
SELECT abalance FROM pgbench_accounts WHERE aid = 609107344 /*application='web',controller='orders',action='show',traceparent='00-518e57a659528cbb-01'*/
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('refunded', 'pending') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 3514.12
SELECT CAST('623042896' AS integer), '2024-06-27 19:04:00'::date, -760340265, 1.5e-2
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 9036.06 ORDER BY o.total DESC LIMIT 801
SET search_path TO app, public
select "users".* from "users" where "users"."id" = $1 limit $2
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 20 /*application='web',controller='orders',action='show',traceparent='00-741576de46f591f4-01'*/
SELECT pg_sleep(0.05)
SELECT  id,  rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > 8344.06
select * from only public.events where id = 4
SET search_path TO public
select o.id, o.total, u.email from orders o join users u on u.id = o.user_id where o.total > 4539.93 order by o.total desc limit 2
/* user_id=838757513 */ SELECT  id,  email, created_at FROM users WHERE email = 'heidi@example.com' LIMIT 1
select n.nspname, c.relname, pg_total_relation_size(c.oid) from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'r' order by 3 desc limit 20
select a.id, a.city from addresses a where a.zip in ('14013', '40765', '67669', '33063', '38653')
SELECT set_config('app.tenant', '893219137', false)
SELECT DISTINCT country FROM addresses WHERE user_id = 836668747
select id, email, created_at from users where email = 'new\nline@example.com' limit 1
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 2228 AND d.location = 'smith & co'
UPDATE pgbench_tellers SET tbalance = tbalance + -1748 WHERE tid = 81 /*application='web',controller='orders',action='show',traceparent='00-922759cab340454b-01'*/
SELECT * FROM accounts WHERE id = 5 FOR UPDATE
UPDATE jobs SET locked_at = '2024-06-16 14:17:00', locked_by = 'worker-7' WHERE id = 2
UPDATE jobs SET locked_at = '2024-07-12 17:00:00', locked_by = 'worker-9652' WHERE id = 3946
UPDATE orders SET status = 'pending', updated_at = '2024-08-06 21:45:00' WHERE id = 3 AND status = 'shipped' -- from worker 946301267
SELECT c.id FROM coupons c WHERE c.code = 'SAVE7' AND c.valid_until > '2024-04-06 10:56:00' AND c.uses < c.max_uses
UPDATE orders SET status = 'pending', updated_at = '2024-05-02 10:10:00' WHERE id = 6942 AND status = 'paid'
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2 /*application='web',controller='orders',action='show',traceparent='00-42ad8e1266574518-01'*/
SELECT * FROM accounts WHERE id = 5 FOR UPDATE
/* user_id=308086874 */ SELECT * FROM orders WHERE user_id IN (5, 4, 3199, 975248486, 720209262, 88854215) AND status = 'cancelled'
select e'new\nline\n' as s, u&'d\0061t\+000061' as u, b'1010' as b, x'1f' as x, $$müller$$ as d
insert into counters (key, value) values ('ivan', 8) on conflict (key) do update set value = counters.value + excluded.value
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 199524396 OR i.product_id IS NULL
SELECT usr.id, usr.name FROM users usr WHERE usr.tenant_id = 5263 AND usr.deleted_at IS NULL ORDER BY usr.name LIMIT 50
DELETE FROM cart_items WHERE cart_id = 173339694 AND product_id IN (6, 4, 4, 479879955)
SELECT "users".* FROM "users" WHERE "users"."id" = $1 LIMIT $2
SELECT  id  FROM products WHERE name LIKE '%o''brien%' ORDER BY id LIMIT 20 OFFSET 0
DELETE FROM sessions WHERE expires_at < '2024-11-07 22:04:00'
ANALYZE users
SELECT  o.id,  sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('refunded', 'cancelled', 'shipped', 'pending', 'cancelled') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 7667.44
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 9744.75 AND 6650.78 GROUP BY category_id ORDER BY 2 DESC
select * from users where id = $1
BEGIN
SELECT  *  FROM ONLY public.events WHERE id = 2533
SELECT CAST('8' AS integer), '2024-11-10 10:46:00'::date, -5, 1.5e1
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (6393, 9870, 4, 4159.45), (31346267, 127, 4, 9130.21)
SELECT  count(*)  AS total FROM orders WHERE created_at >= '2024-09-11 07:09:00' AND created_at < '2024-05-03 20:31:00'
SELECT * FROM measurements WHERE device_id = 753002187 AND recorded_at > now() - interval '1 hours'
UPDATE orders SET status = 'paid', updated_at = '2024-06-06 12:09:00' WHERE id = 170258901 AND status = 'shipped'
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 1 AND m.id > 1922 ORDER BY m.id ASC LIMIT 100
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2 /*application='web',controller='orders',action='show',traceparent='00-ae8d5c5f596e0167-01'*/
commit
/* user_id=2 */ select cast('9' as integer), '2024-03-27 20:13:00'::date, -971610904, 1.5e3
UPDATE pgbench_tellers SET tbalance = tbalance + 125 WHERE tid = 27
SELECT id, payload FROM jobs WHERE queue = 'reports' AND run_at <= '2024-04-19 23:04:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
/* user_id=3238 */ SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('94591', '17242', '34113', '36417', '40173', '62697')
SELECT id FROM products WHERE name LIKE '%carol%' ORDER BY id LIMIT 20 OFFSET 40
SELECT E'carol\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$carol$$ AS d /*application='web',controller='orders',action='show',traceparent='00-a12f3e6ba732590b-01'*/
SELECT  *  FROM orders WHERE user_id IN (223403295, 97218472, 943063356) AND status = 'paid'
SELECT  pg_sleep(0.33)
SELECT * FROM ONLY public.events WHERE id = 6
insert into users (email, name, created_at) values ('x\y88208090@example.com', 'ivan', '2024-03-05 12:49:00') -- from worker 9
select c.id from coupons c where c.code = 'save462373224' and c.valid_until > '2024-08-06 08:18:00' and c.uses < c.max_uses
/* user_id=6 */ SELECT pg_sleep(0.55)
DELETE FROM events_2024_05 WHERE occurred_at < '2024-03-09 11:53:00' /*application='web',controller='orders',action='show',traceparent='00-08f1de357305dd0e-01'*/
SELECT  "orders".*  FROM "orders" WHERE "orders"."user_id" = 980097133 ORDER BY "orders"."created_at" DESC LIMIT 10 /*application='web',controller='orders',action='show',traceparent='00-103354da7916ff2a-01'*/
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (382, 1876, 8, 6, 245232437, 667636336, 344615780, 7, 1787) GROUP BY r.product_id
ROLLBACK
select n.nspname, c.relname, pg_total_relation_size(c.oid) from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'r' order by 3 desc limit 20
UPDATE jobs SET locked_at = '2024-12-05 06:03:00', locked_by = 'worker-820008240' WHERE id = 8
select pg_sleep(0.74)
SELECT DISTINCT country FROM addresses WHERE user_id = 2
SELECT * FROM users WHERE id = ANY('{1260, 863712579, 5077, 836, 9827}'::bigint[]) /*application='web',controller='orders',action='show',traceparent='00-4f755e97798ff644-01'*/
SELECT set_config('app.tenant', '7317', false)
SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'müller'
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (597339110, 9, 2475, 6, 279553743, 2, 164006475, 6840, 5, 841425977, 3831, 1833) GROUP BY r.product_id
SELECT * FROM users WHERE id = $1
SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'x\y' LIMIT 21
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 475029428 OR i.product_id IS NULL
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 6015.05 ORDER BY o.total DESC LIMIT 935610911
select id, payload from jobs where queue = 'default' and run_at <= '2024-06-23 14:28:00' and locked_at is null order by priority, run_at limit 1
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 9 FOR UPDATE SKIP LOCKED
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 163.47) AND active = TRUE
/* user_id=66345402 */ COPY (SELECT * FROM orders WHERE id > 9) TO STDOUT WITH (FORMAT csv)
select x.* from generate_series(1, 6) as x(n)
WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-09-02 00:04:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id
SELECT E'müller\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$dave$$ AS d
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 945 ORDER BY "orders"."created_at" DESC LIMIT 10 /*application='web',controller='orders',action='show',traceparent='00-ad17d0b16be05f35-01'*/
SELECT  o.id,  o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 9812.19 ORDER BY o.total DESC LIMIT 453726981
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 3960.97 AND 3383.39 GROUP BY category_id ORDER BY 2 DESC
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (980050035, 6, 1, 2816.83), (4378581, 8249, 5, 4395.45), (4738, 9236, 5, 9009.03), (541256581, 6458, 3, 8778.95), (555573772, 744538002, 1, 9011.43)
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 20
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 6728.23 AND 7218.11 GROUP BY category_id ORDER BY 2 DESC
WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-09-28 01:07:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id
VACUUM  ANALYZE  orders
COMMIT
SELECT CAST('2' AS integer), '2024-03-17 05:01:00'::date, -6803, 1.5e0
select distinct country from addresses where user_id = 735
SELECT abalance FROM pgbench_accounts WHERE aid = 1460 -- from worker 7832
SELECT * FROM users WHERE id = 8 /*application='web',controller='orders',action='show',traceparent='00-356dbecb9ca53273-01'*/
INSERT INTO counters (key, value) VALUES ('grace', 5430) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
SELECT * FROM ONLY public.events WHERE id = 5243
SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'müller'
COMMIT
SELECT t0.id, t0.name FROM users t0 WHERE t0.tenant_id = 4 AND t0.deleted_at IS NULL ORDER BY t0.name LIMIT 10
INSERT  INTO  counters (key, value) VALUES ('müller', 6) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
SELECT date_trunc('day', created_at) AS day, count(*) FROM orders WHERE created_at > '2024-07-13 23:27:00'::timestamptz GROUP BY 1 ORDER BY 1
ROLLBACK
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 8334 ORDER BY "orders"."created_at" DESC LIMIT 10
SELECT  "auth_user"."id",  "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'grace' LIMIT 21
SELECT * FROM accounts WHERE id = 532331778 FOR UPDATE
CREATE TABLE IF NOT EXISTS tmp_import_2 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now()) /*application='web',controller='orders',action='show',traceparent='00-f4b41b0ef4ecf35f-01'*/
/* user_id=461 */ ANALYZE orders
/* user_id=2 */ DROP TABLE IF EXISTS tmp_import_1, tmp_import_2
select "users".* from "users" where "users"."id" = $1 limit $2
SHOW server_version
SELECT id, rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > 452.05
select abalance from pgbench_accounts where aid = 432 /*application='web',controller='orders',action='show',traceparent='00-7f9dc3c1ce5ecba2-01'*/
rollback
ROLLBACK
UPDATE pgbench_tellers SET tbalance = tbalance + 1019 WHERE tid = 25
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 8616 ORDER BY "orders"."created_at" DESC LIMIT 10
SELECT * FROM users WHERE id = $1 /*application='web',controller='orders',action='show',traceparent='00-16d4529248de5fdf-01'*/
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 4; END; $fn$ LANGUAGE plpgsql
COMMIT /*application='web',controller='orders',action='show',traceparent='00-fb2d18d4c5f33974-01'*/
WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-02-08 20:11:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id
SELECT * FROM users WHERE id = 9
SELECT  o.id,  sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('cancelled', 'refunded', 'cancelled', 'cancelled', 'cancelled', 'cancelled', 'refunded') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 4894.96
UPDATE orders SET status = 'cancelled', updated_at = '2024-04-23 13:57:00' WHERE id = 666045083 AND status = 'shipped'
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 20
SET statement_timeout = 30000
SELECT pg_sleep(0.29) -- from worker 7157
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (93, 9, 1723, 4207, CURRENT_TIMESTAMP) /*application='web',controller='orders',action='show',traceparent='00-d1055185e33f7bb6-01'*/
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (9689, 675346149, 5, 1416.93), (5, 5, 4, 3373.96), (267836336, 2, 5, 5773.14), (9577, 1, 4, 5298.26), (8, 4, 5, 4978.74), (263651435, 181553132, 1, 9348.55)
SELECT date_trunc('day', created_at) AS day, count(*) FROM orders WHERE created_at > '2024-03-17 00:31:00'::timestamptz GROUP BY 1 ORDER BY 1
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 6114.01 ORDER BY o.total DESC LIMIT 6
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 3 AND d.location = 'judy' -- from worker 1
UPDATE pgbench_accounts SET abalance = abalance + 193 WHERE aid = 150776738
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 7228.04 ORDER BY o.total DESC LIMIT 2
analyze users
/* user_id=535116321 */ SELECT id, payload FROM jobs WHERE queue = 'mail' AND run_at <= '2024-08-20 09:00:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
CREATE TABLE IF NOT EXISTS tmp_import_1 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 5 FOR UPDATE SKIP LOCKED
UPDATE jobs SET locked_at = '2024-11-20 03:26:00', locked_by = 'worker-393647772' WHERE id = 4
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('refunded', 'cancelled') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 7135.85
SELECT id, rank() OVER (PARTITION BY category_id ORDER BY price DESC) FROM products WHERE price > 9337.69
SELECT * FROM users WHERE id = 7496 /*application='web',controller='orders',action='show',traceparent='00-69235da83a45e8f1-01'*/
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 887.49 AND 7775.68 GROUP BY category_id ORDER BY 2 DESC
DELETE FROM cart_items WHERE cart_id = 697 AND product_id IN (5398)
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (56, 6, 435439529, -2506, CURRENT_TIMESTAMP)
INSERT INTO users (email, name, created_at) VALUES ('new\nline4@example.com', 'smith & co', '2024-08-20 01:21:00')
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 4532 AND m.id > 9361 ORDER BY m.id ASC LIMIT 100
select * from only public.events where id = 848234448 /*application='web',controller='orders',action='show',traceparent='00-f1446b6a97c1298c-01'*/
alter table users add column if not exists nickname varchar(32) /*application='web',controller='orders',action='show',traceparent='00-f153d736787c9c13-01'*/
SELECT DISTINCT country FROM addresses WHERE user_id = 414689283 /*application='web',controller='orders',action='show',traceparent='00-8218fc894986bf5c-01'*/
SELECT set_config('app.tenant', '8546', false)
SELECT u.id, u.name FROM users u WHERE u.tenant_id = 4 AND u.deleted_at IS NULL ORDER BY u.name LIMIT 25
update pgbench_branches set bbalance = bbalance + 2436 where bid = 2
SELECT CAST('3' AS integer), '2024-02-03 04:17:00'::date, -1176, 1.5e1
SELECT u.id, u.name FROM users u WHERE u.tenant_id = 6 AND u.deleted_at IS NULL ORDER BY u.name LIMIT 50
select u.id, u.name from users u where u.tenant_id = 7071 and u.deleted_at is null order by u.name limit 25 -- from worker 930042002
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (536672824, 5, 4, 3701.90), (1790, 4997, 4, 4968.31)
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (291346257, 5, 3, 3114.35), (9, 191287924, 3, 6511.16), (4300, 6255, 1, 4911.01), (3, 7, 3, 3872.88), (9, 883318283, 5, 905.10)
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 8 FOR UPDATE SKIP LOCKED
select date_trunc('day', created_at) as day, count(*) from orders where created_at > '2024-01-17 06:02:00'::timestamptz group by 1 order by 1
/* user_id=611043724 */ INSERT INTO users (email, name) VALUES ('dave@x.io', 'alice') RETURNING id
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_2 ON orders (user_id, created_at)
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (9586, 4, 224046553, 9845, 786267739, 234613776, 9, 9101, 5, 5) GROUP BY r.product_id
UPDATE pgbench_branches SET bbalance = bbalance + -1216 WHERE bid = 8
UPDATE jobs SET locked_at = '2024-09-26 14:36:00', locked_by = 'worker-5016' WHERE id = 9
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 1033 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
UPDATE jobs SET locked_at = '2024-02-25 02:43:00', locked_by = 'worker-1749' WHERE id = 1306
SELECT * FROM accounts WHERE id = 4 FOR UPDATE
VACUUM  ANALYZE  public.events
insert into audit_log (user_id, action, payload, created_at) values (784558825, 'login', '{"ip": "10.0.8.1"}', '2024-12-18 21:13:00') -- from worker 2
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 708113752 ORDER BY "orders"."created_at" DESC LIMIT 10
ANALYZE users /*application='web',controller='orders',action='show',traceparent='00-dadcf67acd5a7db0-01'*/
BEGIN -- from worker 1
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (4988, 9, 5, 7721.80), (9, 888105317, 2, 8676.84), (195067971, 535882039, 4, 8391.38)
SELECT  set_config('app.tenant',  '372572221', false)
SELECT date_trunc('day', created_at) AS day, count(*) FROM orders WHERE created_at > '2024-05-11 08:52:00'::timestamptz GROUP BY 1 ORDER BY 1
alter table users add column if not exists nickname varchar(64)
select r.product_id, avg(r.rating) from reviews r where r.product_id in (8938, 2934, 4179, 2544, 2410, 8060, 7) group by r.product_id
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 4 AND m.id > 258381318 ORDER BY m.id ASC LIMIT 100
SELECT pg_sleep(0.76)
SELECT * FROM orders WHERE user_id IN (5, 921194700, 939, 8604, 4526, 2, 2250, 497133966, 3, 2392, 1, 8860) AND status = 'shipped'
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 796035880 AND d.location = 'x\y'
SELECT DISTINCT country FROM addresses WHERE user_id = 4 /*application='web',controller='orders',action='show',traceparent='00-0fd192e3d34bd98e-01'*/
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 7; END; $fn$ LANGUAGE plpgsql
SELECT  id  FROM products WHERE name LIKE '%smith & co%' ORDER BY id LIMIT 20 OFFSET 40
SELECT id, data->>'name' AS name FROM documents WHERE data->'meta'->>'owner' = 'heidi'
select pg_sleep(0.86)
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2
SELECT  *  FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 4065.31) AND active = TRUE
select id, payload from jobs where queue = 'reports' and run_at <= '2024-11-11 03:55:00' and locked_at is null order by priority, run_at limit 1
SET statement_timeout = 5000
INSERT INTO users (email, name) VALUES ('x\y@x.io', 'grace') RETURNING id
WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-05-04 18:06:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 1 OR i.product_id IS NULL
SELECT date_trunc('day', created_at) AS day, count(*) FROM orders WHERE created_at > '2024-12-13 22:51:00'::timestamptz GROUP BY 1 ORDER BY 1
COMMIT
UPDATE  users  SET last_login_at = '2024-11-18 01:50:00', login_count = login_count + 1 WHERE id = 9023
SELECT s.id, s.name FROM stores s WHERE s.region_id = 946614309 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 58046883 /*application='web',controller='orders',action='show',traceparent='00-3164e1fe31fb1bda-01'*/
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 4 AND d.location = 'smith & co'
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 20
SET search_path TO public /*application='web',controller='orders',action='show',traceparent='00-c7b0e00e511afed5-01'*/
SELECT * FROM orders WHERE user_id IN (660331759, 7123, 3550, 2, 811095866, 4292, 3480) AND status = 'pending'
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 4760 AND t.priority >= 5 AND t.state <> 'closed' ORDER BY t.updated_at DESC
select * from events where payload @> '{"type": "müller"}'::jsonb and account_id = 1928
VACUUM ANALYZE users /*application='web',controller='orders',action='show',traceparent='00-349ab7e330cc194b-01'*/
COPY (SELECT * FROM orders WHERE id > 5) TO STDOUT WITH (FORMAT csv)
UPDATE jobs SET locked_at = '2024-02-24 18:37:00', locked_by = 'worker-506260577' WHERE id = 3070
INSERT INTO users (email, name) VALUES ('müller@x.io', 'alice') RETURNING id
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (2, 585011122, 5, 6437.80), (4507, 94, 4, 7369.65), (1, 1056, 1, 8947.59), (7321, 563665977, 1, 9456.48), (6, 6, 1, 5687.20)
TRUNCATE TABLE staging_events
UPDATE pgbench_accounts SET abalance = abalance + 4972 WHERE aid = 676972365
select m.id, m.body from messages m where m.thread_id = 97123487 and m.id > 9 order by m.id asc limit 100 /*application='web',controller='orders',action='show',traceparent='00-38ee16c8586a978a-01'*/
UPDATE pgbench_accounts SET abalance = abalance + -2995 WHERE aid = 9
SELECT * FROM events WHERE payload @> '{"type": "o''brien"}'::jsonb AND account_id = 384877562
TRUNCATE TABLE staging_events
delete from events_2024_03 where occurred_at < '2024-11-02 00:51:00'
INSERT INTO users (email, name) VALUES ('50% off@x.io', 'bob') RETURNING id
select e'alice\n' as s, u&'d\0061t\+000061' as u, b'1010' as b, x'1f' as x, $$o'brien$$ as d
CREATE TABLE IF NOT EXISTS tmp_import_3 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
INSERT  INTO  users (email, name) VALUES ('erin@x.io', 'o''brien') RETURNING id
DELETE FROM sessions WHERE expires_at < '2024-09-15 17:36:00' /*application='web',controller='orders',action='show',traceparent='00-532edc8e00b33ef3-01'*/
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-10-28 21:23:00' AND created_at < '2024-10-19 01:32:00'
COMMIT
SELECT  "users".*  FROM "users" WHERE "users"."id" = $1 LIMIT $2
DELETE FROM events_2024_01 WHERE occurred_at < '2024-11-10 03:42:00'
SELECT abalance FROM pgbench_accounts WHERE aid = 4
SELECT set_config('app.tenant', '5085', false)
COMMIT
VACUUM ANALYZE public.events
SELECT c.id FROM coupons c WHERE c.code = 'SAVE2935' AND c.valid_until > '2024-10-18 09:26:00' AND c.uses < c.max_uses
SELECT E'x\y\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$dave$$ AS d
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-07-13 05:03:00' AND created_at < '2024-11-06 00:36:00'
SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'frank'
SELECT x.* FROM generate_series(1, 3) AS x(n)
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 9; END; $fn$ LANGUAGE plpgsql
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 1; END; $fn$ LANGUAGE plpgsql /*application='web',controller='orders',action='show',traceparent='00-61c61c254110f304-01'*/
/* user_id=7526 */ SELECT * FROM accounts WHERE id = 3 FOR UPDATE
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 3053.34 AND 7047.97 GROUP BY category_id ORDER BY 2 DESC
ALTER  TABLE  users ADD COLUMN IF NOT EXISTS nickname varchar(32)
SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = 'x\y'
/* user_id=3636 */ SET statement_timeout = 5000
SELECT CAST('5' AS integer), '2024-05-28 19:13:00'::date, -691202741, 1.5e-1
SELECT * FROM measurements WHERE device_id = 9 AND recorded_at > now() - interval '9 hours'
SELECT id, payload FROM jobs WHERE queue = 'reports' AND run_at <= '2024-06-05 14:09:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
TRUNCATE TABLE staging_events
SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'grace' LIMIT 21
SELECT E'bob\n' AS s, U&'d\0061t\+000061' AS u, B'1010' AS b, X'1F' AS x, $$o'brien$$ AS d
SELECT * FROM users WHERE id = 2351
SELECT * FROM measurements WHERE device_id = 3 AND recorded_at > now() - interval '44 hours'
SELECT s.id, s.name FROM stores s WHERE s.region_id = 9838 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 2
UPDATE orders SET status = 'pending', updated_at = '2024-11-24 11:31:00' WHERE id = 637374397 AND status = 'shipped'
analyze users
UPDATE jobs SET locked_at = '2024-08-14 16:19:00', locked_by = 'worker-8' WHERE id = 127126901
select * from events where payload @> '{"type": "grace"}'::jsonb and account_id = 7 /*application='web',controller='orders',action='show',traceparent='00-8ee651e2525c16f7-01'*/
UPDATE pgbench_tellers SET tbalance = tbalance + -4985 WHERE tid = 1
COMMIT
SELECT "users".* FROM "users" WHERE "users"."id" = $1 LIMIT $2 /*application='web',controller='orders',action='show',traceparent='00-f84026d808333dd2-01'*/
CREATE  TABLE  IF NOT EXISTS tmp_import_1 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
COMMIT /*application='web',controller='orders',action='show',traceparent='00-b686fde5d79f5713-01'*/
INSERT  INTO  pgbench_history (tid, bid, aid, delta, mtime) VALUES (14, 7, 558415923, -2567, CURRENT_TIMESTAMP)
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 5992 OR i.product_id IS NULL /*application='web',controller='orders',action='show',traceparent='00-966d24c9b6bb574d-01'*/
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 5 AND m.id > 4 ORDER BY m.id ASC LIMIT 100
SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 3 DESC LIMIT 20
SELECT  category_id,  count(*), avg(price) FROM products WHERE price BETWEEN 140.39 AND 910.14 GROUP BY category_id ORDER BY 2 DESC
ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname varchar(32)
SELECT * FROM orders WHERE user_id IN (1571) AND status = 'cancelled'
SELECT c.id FROM coupons c WHERE c.code = 'SAVE87659602' AND c.valid_until > '2024-11-21 07:56:00' AND c.uses < c.max_uses
DELETE FROM sessions WHERE expires_at < '2024-04-22 16:02:00'
INSERT INTO counters (key, value) VALUES ('smith & co', 223077122) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (3, 'update', '{"ip": "10.0.3064.1"}', '2024-10-19 12:28:00')
delete from events_2024_10 where occurred_at < '2024-11-15 18:15:00'
SELECT pg_sleep(0.11)
COMMIT
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 8326.55 ORDER BY o.total DESC LIMIT 2230 /*application='web',controller='orders',action='show',traceparent='00-0a0fdcc72c7d70ae-01'*/
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 9 OR i.product_id IS NULL
SELECT * FROM events WHERE payload @> '{"type": "smith & co"}'::jsonb AND account_id = 8
SELECT  p.id,  p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 3 OR i.product_id IS NULL
SHOW server_version
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-11-22 07:15:00'
insert into line_items (order_id, product_id, quantity, unit_price) values (711566024, 1, 3, 9409.82), (2, 3920, 2, 4292.95), (5, 4744, 1, 9995.93), (833176520, 379041462, 1, 1207.06), (557485675, 6909, 5, 712.16)
DELETE FROM cart_items WHERE cart_id = 527903651 AND product_id IN (67422290, 12991813, 95995041, 758203073, 843954832)
SELECT  set_config('app.tenant',  '9830', false)
select c.id from coupons c where c.code = 'save2' and c.valid_until > '2024-10-03 09:42:00' and c.uses < c.max_uses -- from worker 8
SELECT id FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 9 FOR UPDATE SKIP LOCKED
CREATE TABLE IF NOT EXISTS tmp_import_3 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
create or replace function add_one(i integer) returns integer as $fn$ begin return i + 1; end; $fn$ language plpgsql -- from worker 9
SELECT set_config('app.tenant', '5', false)
INSERT INTO users (email, name, created_at) VALUES ('alice5@example.com', 'bob', '2024-10-16 02:54:00')
BEGIN
COPY (SELECT * FROM orders WHERE id > 433) TO STDOUT WITH (FORMAT csv)
/* user_id=668661890 */ ANALYZE orders
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('42734', '70293', '80868', '35256', '95538', '34691', '13284', '67206', '58967')
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (19, 4, 5, 1355.97) /*application='web',controller='orders',action='show',traceparent='00-c92cf9f8308286cc-01'*/
CREATE TABLE IF NOT EXISTS tmp_import_4 (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', created_at timestamptz DEFAULT now())
SELECT c.id FROM coupons c WHERE c.code = 'SAVE6' AND c.valid_until > '2024-05-20 06:49:00' AND c.uses < c.max_uses /*application='web',controller='orders',action='show',traceparent='00-3e83f76be8aacb3e-01'*/
SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = 'frank' LIMIT 21
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 4; END; $fn$ LANGUAGE plpgsql
SET search_path TO app, public
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 1 AND m.id > 110 ORDER BY m.id ASC LIMIT 50
INSERT INTO users (email, name, created_at) VALUES ('o''brien5468@example.com', 'ivan', '2024-01-27 12:48:00')
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-06-05 12:22:00'
SELECT  id  FROM jobs WHERE state = 'ready' ORDER BY id LIMIT 5 FOR UPDATE SKIP LOCKED /*application='web',controller='orders',action='show',traceparent='00-9198d3b47dfed99b-01'*/
/* user_id=2158 */ insert into counters (key, value) values ('heidi', 9085) on conflict (key) do update set value = counters.value + excluded.value
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('36926', '93542', '23958', '31976', '74190', '18960', '25642')
MERGE INTO inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity)
INSERT INTO counters (key, value) VALUES ('50% off', 580226892) ON CONFLICT (key) DO UPDATE SET value = counters.value + EXCLUDED.value
SELECT set_config('app.tenant', '757507964', false)
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (6, 'logout', '{"ip": "10.0.8130.1"}', '2024-06-08 17:00:00')
SET search_path TO public
select * from users where id = any('{955844780, 88456975, 588230651, 514035769, 1}'::bigint[])
create index concurrently if not exists idx_orders_user_1 on orders (user_id, created_at)
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 8; END; $fn$ LANGUAGE plpgsql /*application='web',controller='orders',action='show',traceparent='00-54bc1e61749a5df4-01'*/
select c.id from coupons c where c.code = 'save550093974' and c.valid_until > '2024-12-10 15:06:00' and c.uses < c.max_uses
SELECT this_.id as id1_0_, this_.name as name2_0_ FROM customer this_ WHERE this_.region = '北京' /*application='web',controller='orders',action='show',traceparent='00-7201793eb8912dc2-01'*/
ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname varchar(32)
DELETE  FROM  cart_items WHERE cart_id = 4 AND product_id IN (5, 699550274, 285607225, 514622177, 321) /*application='web',controller='orders',action='show',traceparent='00-01b7115bea0cc9e7-01'*/
DELETE FROM events_2024_05 WHERE occurred_at < '2024-03-26 10:07:00'
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 9 AND t.priority >= 5 AND t.state <> 'closed' ORDER BY t.updated_at DESC
SELECT * FROM ONLY public.events WHERE id = 6472
WITH recent AS (SELECT user_id, max(created_at) AS last FROM orders WHERE created_at > '2024-08-28 21:23:00' GROUP BY user_id) SELECT u.email, r.last FROM users u JOIN recent r ON r.user_id = u.id
INSERT INTO users (email, name) VALUES ('grace@x.io', 'x\y') RETURNING id
INSERT  INTO  users (email, name) VALUES ('frank@x.io', 'heidi') RETURNING id /*application='web',controller='orders',action='show',traceparent='00-6ef2ab10f94cf57f-01'*/
/* user_id=6 */ WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 52 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
TRUNCATE TABLE staging_events
SELECT * FROM measurements WHERE device_id = 57101109 AND recorded_at > now() - interval '28 hours'
ROLLBACK
SELECT c.id FROM coupons c WHERE c.code = 'SAVE4771' AND c.valid_until > '2024-09-07 09:36:00' AND c.uses < c.max_uses /*application='web',controller='orders',action='show',traceparent='00-e8ad5d1da545f955-01'*/
SELECT CAST('3' AS integer), '2024-02-02 08:18:00'::date, -8, 1.5e-1
select e'bob\n' as s, u&'d\0061t\+000061' as u, b'1010' as b, x'1f' as x, $$ivan$$ as d
VACUUM ANALYZE orders
SELECT  id,  email, created_at FROM users WHERE email = 'smith & co@example.com' LIMIT 1
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 6 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
COPY  (SELECT  * FROM orders WHERE id > 654947401) TO STDOUT WITH (FORMAT csv) /*application='web',controller='orders',action='show',traceparent='00-a3fb5eba69a7d8ed-01'*/
SELECT s.id, s.name FROM stores s WHERE s.region_id = 3 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 5063
SELECT pg_sleep(0.86)
SELECT CAST('690362797' AS integer), '2024-04-24 19:17:00'::date, -873552240, 1.5e-1
SELECT pg_sleep(0.04)
DELETE FROM cart_items WHERE cart_id = 4218 AND product_id IN (8, 594690300, 2470, 192214565, 953550965, 9072)
SELECT * FROM users WHERE id = $1 /*application='web',controller='orders',action='show',traceparent='00-3d5f0007a0676d09-01'*/
SELECT * FROM users WHERE id = $1
WITH  RECURSIVE  tree AS (SELECT id, parent_id FROM categories WHERE id = 1 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 9 AND m.id > 9 ORDER BY m.id ASC LIMIT 50
insert into line_items (order_id, product_id, quantity, unit_price) values (3396, 83606550, 4, 7884.66), (992380904, 877851347, 3, 1293.89), (674804280, 5451, 4, 7961.87), (2946, 5914, 5, 2066.02), (579400293, 2, 5, 8203.88), (4310, 3, 5, 3102.20)
/* user_id=6 */ ROLLBACK
SET statement_timeout = 5000
UPDATE  pgbench_tellers  SET tbalance = tbalance + -3918 WHERE tid = 17
SELECT x.* FROM generate_series(1, 225613106) AS x(n)
SELECT id, data->>'name' AS name FROM documents WHERE data->'meta'->>'owner' = 'new\nline'
SELECT * FROM measurements WHERE device_id = 2 AND recorded_at > now() - interval '33 hours'
SELECT "orders".* FROM "orders" WHERE "orders"."user_id" = 428338419 ORDER BY "orders"."created_at" DESC LIMIT 10
/* user_id=8647 */ SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('87510', '47703', '31938', '18653', '43042', '45967', '44713', '64167', '19704', '96049', '66471')
ALTER  TABLE  users ADD COLUMN IF NOT EXISTS nickname varchar(255) /*application='web',controller='orders',action='show',traceparent='00-3f542e8577cf8f16-01'*/
SELECT * FROM ONLY public.events WHERE id = 683617749
SELECT DISTINCT country FROM addresses WHERE user_id = 527 /*application='web',controller='orders',action='show',traceparent='00-691b56d0f26d4bca-01'*/
/* user_id=7 */ select * from users where id in (select user_id from orders where total > 1726.60) and active = false
SELECT u.id, u.name FROM users u WHERE u.tenant_id = 538627173 AND u.deleted_at IS NULL ORDER BY u.name LIMIT 25
SELECT * FROM accounts WHERE id = 991794800 FOR UPDATE
SELECT s.id, s.name FROM stores s WHERE s.region_id = 380938208 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 4339
SELECT  *  FROM users WHERE id = 7793
select id, payload from jobs where queue = 'default' and run_at <= '2024-10-16 18:34:00' and locked_at is null order by priority, run_at limit 1 /*application='web',controller='orders',action='show',traceparent='00-b905052d8b566955-01'*/
MERGE INTO inventory i USING shipments s ON s.product_id = i.product_id WHEN MATCHED THEN UPDATE SET quantity = i.quantity + s.quantity WHEN NOT MATCHED THEN INSERT (product_id, quantity) VALUES (s.product_id, s.quantity)
SELECT id FROM products WHERE name LIKE '%smith & co%' ORDER BY id LIMIT 20 OFFSET 40
SELECT s.id, s.name FROM stores s WHERE s.region_id = 3 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 758524082
SELECT  CAST('612'  AS integer), '2024-08-27 04:27:00'::date, -2043, 1.5e0
WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = 655606534 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree
SELECT * FROM measurements WHERE device_id = 5 AND recorded_at > now() - interval '9 hours'
select * from users where id = 4321 -- from worker 1706
UPDATE users SET last_login_at = '2024-03-25 02:10:00', login_count = login_count + 1 WHERE id = 742286105 -- from worker 440674240
SET statement_timeout = 1000
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 6712.15) AND active = true /*application='web',controller='orders',action='show',traceparent='00-0a0169bed814e32b-01'*/
DROP TABLE IF EXISTS tmp_import_1, tmp_import_2
CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer AS $fn$ BEGIN RETURN i + 2; END; $fn$ LANGUAGE plpgsql -- from worker 9
SELECT * FROM users WHERE id = $1
