SELECT id, payload FROM jobs WHERE queue = 'default' AND run_at <= "2024-02-26 11:00:00" AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
UPDATE jobs SET locked_at = '2024-11-27 18:53:00', locked_by = "worker-635879008" WHERE id = 880993420 /*application='web',controller='orders',action='show',traceparent='00-58f8ab54c4a19127-01'*/
SELECT id, payload FROM jobs WHERE queue = 'mail' AND run_at <= "2024-03-14 16:47:00" AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
CREATE TABLE IF NOT EXISTS `tmp_5` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(64) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ("refunded", 'cancelled', 'paid') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 2044.49
SELECT * FROM users WHERE id = 3
UPDATE jobs SET locked_at = '2024-10-20 03:12:00', locked_by = 'worker-9656' WHERE id = 9
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 6447.66 AND 1203.00 GROUP BY category_id ORDER BY 2 DESC /*application='web',controller='orders',action='show',traceparent='00-09306406493b840f-01'*/
insert into counters (k, v) values ('alice', 292998717) on duplicate key update v = v + values(v)
select s.id, s.name from stores s where s.region_id = 352834132 union all select w.id, w.name from warehouses w where w.region_id = 926 /*application='web',controller='orders',action='show',traceparent='00-2e3c540e05dc198d-01'*/
select id from t1 where a = 1-9 and b = "it\\'s"
/* user_id=4 */ SELECT * FROM users WHERE id = ? AND tenant_id = ?
DELETE FROM sessions WHERE expires_at < '2024-12-23 22:48:00'
select * from blobs where digest = x'66ea8777689c1a0b' or flags = b'1100' or id = 0xfb4e
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 6934.05 ORDER BY o.total DESC LIMIT 9806
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 1 AND d.location = "北京"
/* user_id=928462846 */ DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 45 HOUR LIMIT 1000
/* user_id=7913 */ SELECT /*+ MAX_EXECUTION_TIME(1000) */ id FROM big_table WHERE k = 708865700
select s.id, s.name from stores s where s.region_id = 631298671 union all select w.id, w.name from warehouses w where w.region_id = 237512067
SET NAMES utf8mb4
COMMIT /*application='web',controller='orders',action='show',traceparent='00-01c4bcd64c39d10b-01'*/
SELECT  *  FROM `users` WHERE `id` = 795961853
set names utf8mb4
select `orders`.* from `orders` where `orders`.`user_id` = 678666907 order by `orders`.`created_at` desc limit 10
REPLACE INTO kv (k, v) VALUES ('grace', '北京')
SHOW TABLES LIKE 'user%'
/* user_id=355109512 */ CREATE TABLE IF NOT EXISTS `tmp_1` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(255) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
select t.id, t.title from tickets t where t.assignee_id = 6835 and t.priority >= 1 and t.state <> 'closed' order by t.updated_at desc
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 147706824 /*application='web',controller='orders',action='show',traceparent='00-cd4b912d15b80f97-01'*/
call refresh_stats(666477894, "ivan")
SELECT id FROM products WHERE name LIKE "%heidi%" ORDER BY id LIMIT 20 OFFSET 0
SELECT c.id FROM coupons c WHERE c.code = "SAVE5809" AND c.valid_until > "2024-11-07 06:31:00" AND c.uses < c.max_uses /*application='web',controller='orders',action='show',traceparent='00-b2668068bfbff145-01'*/
SELECT COUNT(*) FROM events WHERE account_id = 8275 AND kind = 'view' AND occurred_at > '2024-02-10 04:32:00'
SET SESSION sql_mode = "STRICT_TRANS_TABLES" /*application='web',controller='orders',action='show',traceparent='00-addbfbac49996f19-01'*/
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 6069 ORDER BY `orders`.`created_at` DESC LIMIT 10
SELECT  id,  payload FROM jobs WHERE queue = 'default' AND run_at <= '2024-05-09 22:59:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
update jobs set locked_at = "2024-06-03 15:46:00", locked_by = 'worker-631257907' where id = 6
/* user_id=895 */ SELECT * FROM orders WHERE id = 349248642 -- trailing comment
/* user_id=233516538 */ insert into audit_log (user_id, action, payload, created_at) values (7, "logout", '{"ip": "10.0.807904130.1"}', '2024-01-25 01:22:00')
INSERT INTO users (email, name, created_at) VALUES ('50% off9955@example.com', "grace", '2024-02-24 13:53:00')
SELECT c.id FROM coupons c WHERE c.code = "SAVE126066533" AND c.valid_until > "2024-10-06 02:53:00" AND c.uses < c.max_uses /*application='web',controller='orders',action='show',traceparent='00-9f33df7647dc9ad1-01'*/
delete from sessions where last_seen < now() - interval 34 hour limit 1000
SELECT usr.id, usr.name FROM users usr WHERE usr.tenant_id = 3432 AND usr.deleted_at IS NULL ORDER BY usr.name LIMIT 10
TRUNCATE TABLE staging_events
SHOW FULL PROCESSLIST
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 7 OR i.product_id IS NULL
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 9898402 AND d.location = 'grace'
SELECT  o.id,  sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ("cancelled", "shipped", "paid", 'paid', "pending", "refunded", 'cancelled') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 5954.89
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ("51487", '40537', '36636', "75523")
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 9871.38) AND active = TRUE
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('refunded', 'refunded', 'paid') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 2774.19
SELECT COUNT(*) FROM events WHERE account_id = 7 AND kind = "view" AND occurred_at > '2024-01-15 12:15:00'
SELECT * FROM orders WHERE id = 2 -- trailing comment
SHOW FULL PROCESSLIST
START TRANSACTION
UPDATE orders SET status = 'refunded', updated_at = '2024-07-23 10:59:00' WHERE id = 596239727 AND status = 'refunded'
SELECT * FROM customers WHERE name = N'alice'
/* user_id=1 */ BEGIN
SELECT  *  FROM orders WHERE id = 469356684 -- trailing comment
select * from blobs where digest = x'7843c08fb1dfb1ad' or flags = b'0010' or id = 0x80eb /*application='web',controller='orders',action='show',traceparent='00-2b0f8ba1e29c434a-01'*/
SELECT usr.id, usr.name FROM users usr WHERE usr.tenant_id = 5 AND usr.deleted_at IS NULL ORDER BY usr.name LIMIT 25
SELECT c.id FROM coupons c WHERE c.code = 'SAVE571930141' AND c.valid_until > '2024-07-12 15:07:00' AND c.uses < c.max_uses
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 2929 AND t.priority >= 2 AND t.state <> 'closed' ORDER BY t.updated_at DESC /*application='web',controller='orders',action='show',traceparent='00-7cab00918c404a7a-01'*/
INSERT INTO users (email, name, created_at) VALUES ('erin64829604@example.com', 'carol', '2024-09-18 02:42:00')
ALTER TABLE `users` ADD INDEX `idx_email_1` (`email`)
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ("paid", "cancelled", 'shipped') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 2803.47
commit /*application='web',controller='orders',action='show',traceparent='00-2be9473d62012a5b-01'*/
select o.id, sum(li.quantity * li.unit_price) as amount from orders o inner join line_items li on li.order_id = o.id where o.status in ('paid', 'pending') group by o.id having sum(li.quantity * li.unit_price) > 6876.84 /*application='web',controller='orders',action='show',traceparent='00-2e695c6060aa1b13-01'*/
select r.product_id, avg(r.rating) from reviews r where r.product_id in (3, 8) group by r.product_id /*application='web',controller='orders',action='show',traceparent='00-6d789b397b1a29b0-01'*/
DELETE FROM sessions WHERE expires_at < "2024-09-19 17:05:00" /*application='web',controller='orders',action='show',traceparent='00-0ac4a2164bdab153-01'*/
SELECT * FROM `users` WHERE `id` = 913345297
ROLLBACK
UPDATE jobs SET locked_at = '2024-02-02 09:50:00', locked_by = 'worker-589872310' WHERE id = 9
SELECT  t.id,  t.title FROM tickets t WHERE t.assignee_id = 156502008 AND t.priority >= 2 AND t.state <> 'closed' ORDER BY t.updated_at DESC
SELECT * FROM orders WHERE user_id IN (6292, 985573541, 9, 1962, 1240) AND status = 'refunded'
COMMIT
/* user_id=4 */ SELECT * FROM `users` WHERE `id` = 2
SHOW TABLES LIKE 'user%'
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 29 DAY) /*application='web',controller='orders',action='show',traceparent='00-9fff53148b682b0a-01'*/
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 7170 AND d.location = 'erin' /*application='web',controller='orders',action='show',traceparent='00-562799fcc6792055-01'*/
CREATE  TABLE  IF NOT EXISTS `tmp_5` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(255) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
select t.id, t.title from tickets t where t.assignee_id = 6056 and t.priority >= 2 and t.state <> "closed" order by t.updated_at desc
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "shop"
SET NAMES utf8mb4
SET NAMES utf8mb4
SELECT * FROM products WHERE name = _utf8mb4'dave' COLLATE utf8mb4_unicode_ci
/* user_id=7560 */ DELETE  FROM  cart_items WHERE cart_id = 1 AND product_id IN (1, 164949370, 455, 5, 6475, 350822594, 7, 124879035)
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > "2024-08-11 14:02:00" /*application='web',controller='orders',action='show',traceparent='00-13e8e629ae2b4de6-01'*/
ALTER TABLE `users` ADD INDEX `idx_email_2` (`email`)
SELECT id FROM products WHERE name LIKE '%frank%' ORDER BY id LIMIT 20 OFFSET 0
REPLACE INTO kv (k, v) VALUES ('北京', "bob")
START  TRANSACTION
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 6 ORDER BY `orders`.`created_at` DESC LIMIT 10
/* user_id=60733225 */ SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 3 OR i.product_id IS NULL
SELECT id FROM t1 WHERE a = 1-2 AND b = 'it\\\'s'
SELECT DISTINCT country FROM addresses WHERE user_id = 4462 /*application='web',controller='orders',action='show',traceparent='00-1c41281cee95fc04-01'*/
ALTER TABLE `users` ADD INDEX `idx_email_1` (`email`)
SELECT COUNT(*) FROM events WHERE account_id = 7276 AND kind = 'view' AND occurred_at > "2024-04-07 02:23:00"
SET SESSION sql_mode = "STRICT_TRANS_TABLES"
show full processlist
select t.id, t.title from tickets t where t.assignee_id = 786 and t.priority >= 3 and t.state <> 'closed' order by t.updated_at desc
SELECT * FROM customers WHERE name = N'carol'
SELECT  category_id,  count(*), avg(price) FROM products WHERE price BETWEEN 8739.09 AND 3420.93 GROUP BY category_id ORDER BY 2 DESC
INSERT INTO counters (k, v) VALUES ('heidi', 8) ON DUPLICATE KEY UPDATE v = v + VALUES(v) /*application='web',controller='orders',action='show',traceparent='00-ae74ebb635e6004c-01'*/
select * from users where id = 711878906
select count(*) as total from orders where created_at >= '2024-11-13 03:09:00' and created_at < "2024-11-13 03:41:00"
SELECT s.id, s.name FROM stores s WHERE s.region_id = 598559291 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 6
select json_extract(doc, '$.name') from docs where id = 1
select id from products where name like "%dave%" order by id limit 20 offset 0
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "shop" /*application='web',controller='orders',action='show',traceparent='00-7c3ed4dd6b80737d-01'*/
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('73648')
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = 'judy@x.io'
SELECT  a.id,  a.city FROM addresses a WHERE a.zip IN ("90814", "91693", "19266", '45784', "55790", "62990", '55145', "27240", "55370", '10868', "87155", '55052')
DELETE  FROM  sessions WHERE expires_at < "2024-06-09 07:00:00"
update users set last_login_at = "2024-07-03 19:29:00", login_count = login_count + 1 where id = 438709195
SELECT count(*) AS total FROM orders WHERE created_at >= "2024-03-17 11:01:00" AND created_at < '2024-12-04 13:55:00'
SET  NAMES  utf8mb4
select count(*) from events where account_id = 9 and kind = 'buy' and occurred_at > "2024-05-11 04:48:00"
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 806499606
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = "o'brien@x.io"
show full processlist /*application='web',controller='orders',action='show',traceparent='00-801a0f2f078870dc-01'*/
CALL refresh_stats(752714792, 'erin')
COMMIT
SELECT  id,  email, created_at FROM users WHERE email = "heidi@example.com" LIMIT 1
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (339319845, 285975052, 4, 5984.16), (169958518, 1, 1, 3338.51), (6, 687611948, 3, 2594.71), (254043306, 5, 2, 9786.43), (4, 258, 3, 5398.34), (918787383, 5, 1, 7994.27)
/* user_id=38283926 */ SELECT COUNT(*) FROM events WHERE account_id = 7148 AND kind = "buy" AND occurred_at > "2024-01-10 11:33:00"
select * from `users` where `id` = 190454263
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 794998171 AND m.id > 5590 ORDER BY m.id ASC LIMIT 50
DROP TABLE IF EXISTS `tmp_1`
delete from cart_items where cart_id = 6 and product_id in (3330, 4029, 2124, 5, 153660979, 9211, 9247, 4, 2)
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > "2024-10-26 04:31:00"
SELECT DISTINCT country FROM addresses WHERE user_id = 7
select p.id, p.sku, p.price from products p left join inventory i on i.product_id = p.id where i.quantity < 936242142 or i.product_id is null
SET NAMES utf8mb4
SELECT * FROM users WHERE id = ? AND tenant_id = ?
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 17 DAY)
SELECT  a.id,  a.name FROM users a WHERE a.tenant_id = 594110535 AND a.deleted_at IS NULL ORDER BY a.name LIMIT 50 /*application='web',controller='orders',action='show',traceparent='00-aca2180c203fd701-01'*/
SELECT  a.id,  a.name FROM users a WHERE a.tenant_id = 3518 AND a.deleted_at IS NULL ORDER BY a.name LIMIT 50
SELECT c.id FROM coupons c WHERE c.code = 'SAVE9785' AND c.valid_until > '2024-02-10 10:21:00' AND c.uses < c.max_uses
SELECT id FROM t1 WHERE a = 1-6 AND b = "it\\'s"
/* user_id=3 */ SELECT /*+ MAX_EXECUTION_TIME(2000) */ id FROM big_table WHERE k = 2
select o.id, sum(li.quantity * li.unit_price) as amount from orders o inner join line_items li on li.order_id = o.id where o.status in ("refunded", "shipped", "paid", "paid", "refunded", "cancelled", 'shipped', 'pending', 'paid') group by o.id having sum(li.quantity * li.unit_price) > 577.51
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > "2024-06-10 01:32:00" /*application='web',controller='orders',action='show',traceparent='00-b27387174db4d8c4-01'*/
/* user_id=2632 */ INSERT  INTO  counters (k, v) VALUES ('new\\nline', 8) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
select `orders`.* from `orders` where `orders`.`user_id` = 7809 order by `orders`.`created_at` desc limit 10
SELECT id FROM products WHERE name LIKE '%ivan%' ORDER BY id LIMIT 20 OFFSET 0
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 40 HOUR LIMIT 1000
SELECT id, payload FROM jobs WHERE queue = "default" AND run_at <= "2024-03-05 00:18:00" AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1 /*application='web',controller='orders',action='show',traceparent='00-601bbf4caaf31028-01'*/
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 1159.39) AND active = true /*application='web',controller='orders',action='show',traceparent='00-2c27e4b1964ab534-01'*/
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 47 HOUR LIMIT 1000
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 6628.13) AND active = TRUE
REPLACE  INTO  kv (k, v) VALUES ("grace", 'carol') /*application='web',controller='orders',action='show',traceparent='00-2062951db392898e-01'*/
/* user_id=1294 */ CREATE TABLE IF NOT EXISTS `tmp_4` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(255) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
SELECT  u.id,  (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > "2024-04-19 04:46:00"
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-07-05 14:30:00'
SELECT * FROM customers WHERE name = N'new\nline'
SELECT  id,  email, created_at FROM users WHERE email = 'ivan@example.com' LIMIT 1
select id from t1 where a = 1-6 and b = 'it\\\'s' /*application='web',controller='orders',action='show',traceparent='00-e982369b807c2dc2-01'*/
select * from users where id = 233362232
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 905057396
SELECT * FROM users WHERE id = 5525
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 5544
INSERT INTO counters (k, v) VALUES ('heidi', 244530911) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > '2024-06-01 11:19:00' LIMIT 253954259, 20
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 6228.94 ORDER BY o.total DESC LIMIT 517703728
SELECT  id  FROM t1 WHERE a = 1-7 AND b = "it\\'s"
CALL refresh_stats(1587, "müller")
SELECT /*+ MAX_EXECUTION_TIME(1000) */ id FROM big_table WHERE k = 65225738
SELECT id, payload FROM jobs WHERE queue = 'mail' AND run_at <= "2024-05-28 05:55:00" AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > '2024-09-10 13:31:00' LIMIT 588771685, 20
ALTER TABLE `users` ADD INDEX `idx_email_2` (`email`) /*application='web',controller='orders',action='show',traceparent='00-247e94c3a3613b6f-01'*/
select distinct country from addresses where user_id = 368599834
/* user_id=6 */ SELECT s.id, s.name FROM stores s WHERE s.region_id = 192914693 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 6088
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > "2024-10-26 19:59:00" LIMIT 9325, 20
TRUNCATE TABLE staging_events
SELECT * FROM orders WHERE id = 8666 -- trailing comment
INSERT  INTO  audit_log (user_id, action, payload, created_at) VALUES (8853, "update", "{\"ip\": \"10.0.669867937.1\"}", "2024-06-25 00:49:00")
SELECT  id  FROM t1 WHERE a = 1-6 AND b = "it\\'s"
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 7 ORDER BY `orders`.`created_at` DESC LIMIT 10
select u.id, (select count(*) from orders o where o.user_id = u.id) as order_count from users u where u.created_at > "2024-03-26 16:45:00"
SELECT * FROM orders WHERE id = 8679 -- trailing comment
/* user_id=5 */ SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 9534.11 AND 3133.43 GROUP BY category_id ORDER BY 2 DESC
select o.id, o.total, u.email from orders o join users u on u.id = o.user_id where o.total > 8926.44 order by o.total desc limit 2
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 23 DAY)
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (4, 9, 5, 687.36), (1863, 8523, 3, 2294.15), (265426493, 175036216, 5, 3827.99), (894, 3203, 4, 8974.28), (8104, 2280, 2, 3973.81), (5, 8544, 3, 4984.91)
SELECT  e.id,  e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 8 AND d.location = "judy"
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 5
SHOW FULL PROCESSLIST
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > "2024-12-13 02:50:00" LIMIT 459392232, 20
/* user_id=405811462 */ SELECT * FROM users WHERE id = ? AND tenant_id = ?
INSERT INTO counters (k, v) VALUES ('grace', 3785) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
ALTER TABLE `users` ADD INDEX `idx_email_1` (`email`)
SELECT * FROM users WHERE id = ? AND tenant_id = ?
DELETE  FROM  cart_items WHERE cart_id = 988323587 AND product_id IN (523681611, 5231)
select * from orders where user_id in (470549469) and status = 'pending'
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 44 HOUR LIMIT 1000
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 2 HOUR LIMIT 1000
/* user_id=7 */ select * from users where id = 9
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 7 OR i.product_id IS NULL
SELECT id, email, created_at FROM users WHERE email = 'müller@example.com' LIMIT 1
REPLACE INTO kv (k, v) VALUES ('dave', 'judy')
DELETE FROM sessions WHERE expires_at < '2024-01-05 04:54:00'
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 4177.25) AND active = FALSE
SELECT @@version, @@session.sql_mode
SELECT @@version, @@session.sql_mode /*application='web',controller='orders',action='show',traceparent='00-6daf6fa34a32570c-01'*/
/* user_id=8 */ SELECT a.id, a.name FROM users a WHERE a.tenant_id = 6 AND a.deleted_at IS NULL ORDER BY a.name LIMIT 10
SELECT COUNT(*) FROM events WHERE account_id = 3540 AND kind = 'click' AND occurred_at > "2024-04-09 17:30:00" /*application='web',controller='orders',action='show',traceparent='00-8b2ae05b9f60af16-01'*/
ALTER TABLE `users` ADD INDEX `idx_email_2` (`email`) # from worker 339014835
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 7 ORDER BY `orders`.`created_at` DESC LIMIT 10
SELECT  t.id,  t.title FROM tickets t WHERE t.assignee_id = 4863 AND t.priority >= 3 AND t.state <> 'closed' ORDER BY t.updated_at DESC
SELECT * FROM `users` WHERE `id` = 3
SELECT * FROM users WHERE id = ? AND tenant_id = ?
SELECT * FROM orders WHERE id = 3931 -- trailing comment
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop'
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 119845096 AND t.priority >= 1 AND t.state <> "closed" ORDER BY t.updated_at DESC
ALTER TABLE `users` ADD INDEX `idx_email_3` (`email`)
INSERT INTO users (email, name, created_at) VALUES ('dave7105@example.com', "50% off", '2024-12-16 13:07:00')
INSERT INTO counters (k, v) VALUES ("北京", 2) ON DUPLICATE KEY UPDATE v = v + VALUES(v) /*application='web',controller='orders',action='show',traceparent='00-c81cbef9531b8958-01'*/
START TRANSACTION
select r.product_id, avg(r.rating) from reviews r where r.product_id in (797149512, 293067277, 5, 816831451, 192201375, 4, 2, 864024240, 7531, 9, 408) group by r.product_id
SELECT * FROM orders WHERE id = 740395608 -- trailing comment /*application='web',controller='orders',action='show',traceparent='00-7ad833a2b6ad921d-01'*/
SELECT * FROM products WHERE name = _utf8mb4'smith & co' COLLATE utf8mb4_unicode_ci
select * from `users` where `id` = 9813
SELECT * FROM users WHERE id = ? AND tenant_id = ? /*application='web',controller='orders',action='show',traceparent='00-ab6319290d7775fc-01'*/
INSERT  INTO  audit_log (user_id, action, payload, created_at) VALUES (7, 'logout', "{\"ip\": \"10.0.410415149.1\"}", '2024-01-14 06:23:00') # from worker 5526
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 28 HOUR LIMIT 1000
UPDATE users SET last_login_at = "2024-11-27 12:55:00", login_count = login_count + 1 WHERE id = 1296
select p.id, p.sku, p.price from products p left join inventory i on i.product_id = p.id where i.quantity < 240152744 or i.product_id is null /*application='web',controller='orders',action='show',traceparent='00-a7be18344ae6de19-01'*/
SELECT DISTINCT country FROM addresses WHERE user_id = 4410
SELECT @@version, @@session.sql_mode
SELECT COUNT(*) FROM events WHERE account_id = 200843430 AND kind = "buy" AND occurred_at > "2024-06-23 20:42:00"
SELECT * FROM products WHERE name = _utf8mb4'heidi' COLLATE utf8mb4_unicode_ci
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 2 ORDER BY `orders`.`created_at` DESC LIMIT 10
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = "new\\nline@x.io"
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 6859.63) AND active = TRUE
SET NAMES utf8mb4
DROP  TABLE  IF EXISTS `tmp_1`
TRUNCATE TABLE staging_events
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (3251) GROUP BY r.product_id
select a.id, a.city from addresses a where a.zip in ("45686")
SELECT id, payload FROM jobs WHERE queue = "mail" AND run_at <= '2024-09-28 04:34:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-10-09 23:49:00' /*application='web',controller='orders',action='show',traceparent='00-2a0855cb2bcc5cb9-01'*/
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 6479.79 ORDER BY o.total DESC LIMIT 494
SHOW FULL PROCESSLIST
SELECT  *  FROM orders WHERE user_id IN (4801, 3, 7855, 3, 292582325, 513255970, 947430122, 8, 9301, 27599123, 9156) AND status = 'cancelled'
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (4443346) GROUP BY r.product_id
CREATE TABLE IF NOT EXISTS `tmp_5` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(64) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
select t.id, t.title from tickets t where t.assignee_id = 311281584 and t.priority >= 4 and t.state <> "closed" order by t.updated_at desc /*application='web',controller='orders',action='show',traceparent='00-e6aa971568f1af74-01'*/
SHOW  TABLES  LIKE "user%"
SELECT count(*) AS total FROM orders WHERE created_at >= "2024-09-17 09:36:00" AND created_at < "2024-07-05 03:11:00"
SHOW TABLES LIKE 'user%'
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 525027417 ORDER BY `orders`.`created_at` DESC LIMIT 10
insert into users (email, name, created_at) values ('judy5668@example.com', "new\\nline", "2024-05-02 21:20:00")
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (490765229, "update", '{"ip": "10.0.4237.1"}', '2024-03-10 03:05:00')
SELECT /*+ MAX_EXECUTION_TIME(2000) */ id FROM big_table WHERE k = 1
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 102.38) AND active = true
UPDATE jobs SET locked_at = '2024-06-22 01:51:00', locked_by = "worker-5" WHERE id = 1 /*application='web',controller='orders',action='show',traceparent='00-5cc34971d013c3b3-01'*/
SET NAMES utf8mb4
INSERT INTO counters (k, v) VALUES ('50% off', 207120931) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
select * from orders where created_at > date_sub(now(), interval 10 day) /*application='web',controller='orders',action='show',traceparent='00-7db03b278ebddd8b-01'*/
SELECT * FROM blobs WHERE digest = X'FB477AAE0E4E8B6E' OR flags = b'1100' OR id = 0x8749
SELECT DISTINCT country FROM addresses WHERE user_id = 3887
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 1714 AND d.location = "judy" /*application='web',controller='orders',action='show',traceparent='00-6dabba8053956a41-01'*/
SET NAMES utf8mb4
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 137964635 AND t.priority >= 1 AND t.state <> 'closed' ORDER BY t.updated_at DESC /*application='web',controller='orders',action='show',traceparent='00-814d3e7ab9bc417f-01'*/
ROLLBACK
select * from products where name = _utf8mb4'grace' collate utf8mb4_unicode_ci
CALL refresh_stats(2464, "carol")
set session sql_mode = "strict_trans_tables" /*application='web',controller='orders',action='show',traceparent='00-3fc8b8c8289d23b6-01'*/
delete from sessions where last_seen < now() - interval 19 hour limit 1000
SELECT * FROM `users` WHERE `id` = 720115469 # from worker 7511
SELECT id FROM products WHERE name LIKE '%carol%' ORDER BY id LIMIT 20 OFFSET 0
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 6 OR i.product_id IS NULL
select id from t1 where a = 1-9 and b = "it\\'s"
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (2, "update", '{"ip": "10.0.6.1"}', '2024-11-18 14:02:00') /*application='web',controller='orders',action='show',traceparent='00-2a7a356676147e2d-01'*/
DELETE FROM sessions WHERE expires_at < "2024-02-26 03:32:00"
update jobs set locked_at = "2024-02-13 22:59:00", locked_by = "worker-5" where id = 984150513
INSERT INTO users (email, name, created_at) VALUES ("50% off3@example.com", '北京', '2024-06-01 17:22:00') /*application='web',controller='orders',action='show',traceparent='00-6f8fa00ac31752d8-01'*/
SET NAMES utf8mb4
SELECT @@version, @@session.sql_mode
SELECT c.id FROM coupons c WHERE c.code = "SAVE3" AND c.valid_until > "2024-02-27 17:26:00" AND c.uses < c.max_uses
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 2 HOUR LIMIT 1000
SELECT s.id, s.name FROM stores s WHERE s.region_id = 7 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 6
select u.id, (select count(*) from orders o where o.user_id = u.id) as order_count from users u where u.created_at > "2024-02-11 03:53:00"
SELECT id, payload FROM jobs WHERE queue = "mail" AND run_at <= '2024-09-24 02:26:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1 /*application='web',controller='orders',action='show',traceparent='00-975aff6c06732088-01'*/
UPDATE orders SET status = "pending", updated_at = "2024-05-11 01:14:00" WHERE id = 191116285 AND status = "pending"
START TRANSACTION
INSERT INTO counters (k, v) VALUES ("grace", 1) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 7 HOUR LIMIT 1000
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 9100 AND d.location = "ivan"
truncate table staging_events
SELECT id FROM t1 WHERE a = 1-6 AND b = 'it\\\'s' # from worker 445941438
DROP  TABLE  IF EXISTS `tmp_1`
UPDATE jobs SET locked_at = '2024-12-26 18:00:00', locked_by = "worker-8395" WHERE id = 4827
SHOW TABLES LIKE 'user%'
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-05-08 22:50:00' AND created_at < "2024-11-01 07:35:00"
SELECT * FROM users WHERE id = ? AND tenant_id = ? # from worker 20
INSERT INTO users (email, name, created_at) VALUES ('bob3@example.com', "heidi", "2024-10-21 12:44:00")
delete from sessions where expires_at < "2024-03-28 21:05:00" /*application='web',controller='orders',action='show',traceparent='00-6efce95c696dfb29-01'*/
SELECT @@version, @@session.sql_mode
insert into line_items (order_id, product_id, quantity, unit_price) values (2181, 39767886, 1, 3775.71), (131657600, 3, 3, 3045.51), (1527, 3, 2, 3410.10), (5, 9, 3, 6333.50), (4, 5332, 4, 3120.96)
CALL  refresh_stats(1,  "bob") /*application='web',controller='orders',action='show',traceparent='00-4495bb898135068a-01'*/
SELECT  *  FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 16 DAY)
/* user_id=7 */ SET  SESSION  sql_mode = 'STRICT_TRANS_TABLES'
SELECT  `orders`.*  FROM `orders` WHERE `orders`.`user_id` = 6 ORDER BY `orders`.`created_at` DESC LIMIT 10
SELECT /*+ MAX_EXECUTION_TIME(1000) */ id FROM big_table WHERE k = 2375
/* user_id=6 */ SELECT a.id, a.city FROM addresses a WHERE a.zip IN ("65578", '91604', '15703', '68676', "60123", "55766")
/* user_id=6 */ SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 23 DAY)
INSERT IGNORE INTO tags (name) VALUES ('o\'brien')
SET  NAMES  utf8mb4
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 6913.76) AND active = true
SELECT c.id FROM coupons c WHERE c.code = 'SAVE77350839' AND c.valid_until > '2024-12-07 17:36:00' AND c.uses < c.max_uses
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = "müller@x.io"
DELETE FROM cart_items WHERE cart_id = 438174448 AND product_id IN (4886, 2986, 9574, 690148123) # from worker 7340
SELECT * FROM products WHERE name = _utf8mb4'heidi' COLLATE utf8mb4_unicode_ci
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 296277344
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 7122.09 AND 7896.09 GROUP BY category_id ORDER BY 2 DESC
call refresh_stats(693885638, "dave")
SET NAMES utf8mb4
SELECT DISTINCT country FROM addresses WHERE user_id = 211005183
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 6 DAY)
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > '2024-03-20 00:24:00' LIMIT 341937626, 20
INSERT IGNORE INTO tags (name) VALUES ("o'brien")
SELECT  JSON_EXTRACT(doc,  '$.name') FROM docs WHERE id = 116809377 # from worker 7865
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ("pending", "cancelled", 'shipped', 'pending', "cancelled") GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 6773.63
select `orders`.* from `orders` where `orders`.`user_id` = 530144733 order by `orders`.`created_at` desc limit 10
select count(*) from events where account_id = 9617 and kind = "buy" and occurred_at > '2024-07-11 13:06:00'
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (6513, 86079671, 5, 8343.68), (445, 675795404, 4, 8759.83), (427454212, 272463812, 2, 4730.99)
SELECT  id,  email, created_at FROM users WHERE email = 'müller@example.com' LIMIT 1
SELECT DISTINCT country FROM addresses WHERE user_id = 8087
INSERT INTO users (email, name, created_at) VALUES ("erin3@example.com", "dave", '2024-09-17 05:16:00')
ROLLBACK
SET NAMES utf8mb4
set names utf8mb4 /*application='web',controller='orders',action='show',traceparent='00-bc0edbff124eb9fd-01'*/
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 25 DAY)
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 6 ORDER BY `orders`.`created_at` DESC LIMIT 10
SELECT  c.id  FROM coupons c WHERE c.code = "SAVE1617" AND c.valid_until > "2024-10-08 00:07:00" AND c.uses < c.max_uses # from worker 834
/* user_id=937971655 */ replace into kv (k, v) values ("carol", "dave")
SELECT id FROM t1 WHERE a = 1-2 AND b = 'it\\\'s' /*application='web',controller='orders',action='show',traceparent='00-a91e00ee46f2ae20-01'*/
SELECT id FROM products WHERE name LIKE "%o'brien%" ORDER BY id LIMIT 20 OFFSET 0
CALL refresh_stats(940876191, "heidi")
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > "2024-05-13 02:45:00" LIMIT 5, 20
SELECT DISTINCT country FROM addresses WHERE user_id = 111213164
INSERT  INTO  audit_log (user_id, action, payload, created_at) VALUES (8, "login", '{"ip": "10.0.949546133.1"}', "2024-05-09 19:22:00")
INSERT INTO counters (k, v) VALUES ("ivan", 2105) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
SELECT  id  FROM t1 WHERE a = 1-7 AND b = "it\\'s"
DROP  TABLE  IF EXISTS `tmp_1`
CALL refresh_stats(9, 'dave')
SELECT * FROM `users` WHERE `id` = 5
SELECT id, email, created_at FROM users WHERE email = 'bob@example.com' LIMIT 1
SELECT COUNT(*) FROM events WHERE account_id = 646182013 AND kind = 'view' AND occurred_at > "2024-02-14 07:23:00" /*application='web',controller='orders',action='show',traceparent='00-045b42b763f8bb85-01'*/
INSERT INTO counters (k, v) VALUES ('new\\nline', 7990) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
COMMIT /*application='web',controller='orders',action='show',traceparent='00-c9dfb449cf66333c-01'*/
insert ignore into tags (name) values ('smith & co')
SELECT  *  FROM `users` WHERE `id` = 241987979
SELECT @@version, @@session.sql_mode
SELECT  id,  email, created_at FROM users WHERE email = 'frank@example.com' LIMIT 1
insert into audit_log (user_id, action, payload, created_at) values (87783509, 'login', "{\"ip\": \"10.0.9.1\"}", '2024-02-23 09:45:00')
INSERT  INTO  counters (k, v) VALUES ('o\'brien', 501919117) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
INSERT  IGNORE  INTO tags (name) VALUES ("bob")
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 261025186 AND d.location = "x\\y"
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "shop"
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (2936, 7, 269570447, 5, 938627988) GROUP BY r.product_id # from worker 6
UPDATE orders SET status = 'pending', updated_at = '2024-06-22 19:53:00' WHERE id = 4 AND status = 'refunded'
SELECT id, payload FROM jobs WHERE queue = "mail" AND run_at <= '2024-05-18 01:56:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1 /*application='web',controller='orders',action='show',traceparent='00-ffdb696e2b56092b-01'*/
/* user_id=3 */ select * from users where id = ? and tenant_id = ?
UPDATE jobs SET locked_at = '2024-07-12 20:28:00', locked_by = "worker-5" WHERE id = 786249277
SELECT * FROM orders WHERE user_id IN (6, 5655) AND status = 'cancelled'
DELETE FROM cart_items WHERE cart_id = 8350 AND product_id IN (784604947, 50888237, 661209786, 266668224, 6, 4, 7229, 6, 6815, 2)
SELECT * FROM customers WHERE name = N'北京' /*application='web',controller='orders',action='show',traceparent='00-ef013326859650d5-01'*/
SELECT * FROM users WHERE id = ? AND tenant_id = ?
SELECT s.id, s.name FROM stores s WHERE s.region_id = 9 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 8803
/* user_id=5988 */ SELECT * FROM orders WHERE user_id IN (1, 825673275, 6729) AND status = "refunded"
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 7048 AND t.priority >= 4 AND t.state <> "closed" ORDER BY t.updated_at DESC
select t.id, t.title from tickets t where t.assignee_id = 8 and t.priority >= 4 and t.state <> 'closed' order by t.updated_at desc
alter table `users` add index `idx_email_1` (`email`)
SELECT * FROM users WHERE id = ? AND tenant_id = ?
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 9 AND d.location = '50% off'
/* user_id=3 */ SELECT DISTINCT country FROM addresses WHERE user_id = 2
ROLLBACK
START TRANSACTION
ALTER TABLE `users` ADD INDEX `idx_email_1` (`email`)
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 2290.03 ORDER BY o.total DESC LIMIT 6318
delete from sessions where expires_at < "2024-11-26 05:56:00"
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 37 HOUR LIMIT 1000
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (2302, "logout", "{\"ip\": \"10.0.832061700.1\"}", '2024-02-13 09:29:00')
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 3222.58) AND active = true
CREATE  TABLE  IF NOT EXISTS `tmp_2` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(64) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ("paid", "cancelled", 'paid', "pending", "cancelled") GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 852.79 /*application='web',controller='orders',action='show',traceparent='00-3ed3a64b49aa1253-01'*/
TRUNCATE TABLE staging_events
INSERT IGNORE INTO tags (name) VALUES ("北京") /*application='web',controller='orders',action='show',traceparent='00-9e5c302179d18224-01'*/
START  TRANSACTION
TRUNCATE TABLE staging_events
SELECT * FROM products WHERE name = _utf8mb4'carol' COLLATE utf8mb4_unicode_ci
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 9574.91) AND active = true
CALL refresh_stats(1, "smith & co")
commit
SELECT  COUNT(*)  FROM events WHERE account_id = 2844 AND kind = 'view' AND occurred_at > "2024-12-22 04:48:00"
ROLLBACK
SELECT c.id FROM coupons c WHERE c.code = "SAVE76528303" AND c.valid_until > '2024-09-23 17:21:00' AND c.uses < c.max_uses
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (4, "logout", '{"ip": "10.0.9693.1"}', '2024-07-18 10:08:00')
SELECT a.id, a.name FROM users a WHERE a.tenant_id = 3 AND a.deleted_at IS NULL ORDER BY a.name LIMIT 50 /*application='web',controller='orders',action='show',traceparent='00-be4bf106d7068242-01'*/
INSERT INTO counters (k, v) VALUES ("smith & co", 837812280) ON DUPLICATE KEY UPDATE v = v + VALUES(v) /*application='web',controller='orders',action='show',traceparent='00-8887eaee0522f717-01'*/
SELECT @@version, @@session.sql_mode
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 4347.93 AND 1893.10 GROUP BY category_id ORDER BY 2 DESC
START TRANSACTION
DELETE FROM cart_items WHERE cart_id = 4 AND product_id IN (3130, 8084, 449650194, 2, 3342, 3) /*application='web',controller='orders',action='show',traceparent='00-28aa5750dd7dd763-01'*/
SELECT id FROM products WHERE name LIKE "%grace%" ORDER BY id LIMIT 20 OFFSET 20
START TRANSACTION
CALL refresh_stats(7, "dave")
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ("cancelled", 'refunded', 'refunded', 'refunded', "pending", 'paid', "shipped") GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 5003.69
ROLLBACK
SELECT  JSON_EXTRACT(doc,  '$.name') FROM docs WHERE id = 8
DELETE FROM sessions WHERE expires_at < '2024-11-06 19:11:00'
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('80107', '19882', '95436', "55209", '63031')
ALTER TABLE `users` ADD INDEX `idx_email_2` (`email`) /*application='web',controller='orders',action='show',traceparent='00-813890b762430106-01'*/
INSERT IGNORE INTO tags (name) VALUES ('o\'brien')
REPLACE INTO kv (k, v) VALUES ('carol', "alice")
ROLLBACK
SELECT * FROM users WHERE id = 208934131
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 2600.94 AND 9606.03 GROUP BY category_id ORDER BY 2 DESC
DROP TABLE IF EXISTS `tmp_1` /*application='web',controller='orders',action='show',traceparent='00-916a8f5dbdb2b7c5-01'*/
TRUNCATE TABLE staging_events
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-07-23 01:43:00' AND created_at < "2024-11-07 07:56:00"
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 9 HOUR LIMIT 1000 /*application='web',controller='orders',action='show',traceparent='00-2f2725a213fceb76-01'*/
select /*+ max_execution_time(2000) */ id from big_table where k = 672395131
BEGIN
SELECT DISTINCT country FROM addresses WHERE user_id = 1
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > "2024-11-19 01:28:00"
START TRANSACTION
DROP TABLE IF EXISTS `tmp_1`
set names utf8mb4
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 3 DAY)
SELECT  SQL_NO_CACHE  id FROM orders FORCE INDEX (idx_created) WHERE created_at > "2024-04-01 19:07:00" LIMIT 2, 20 /*application='web',controller='orders',action='show',traceparent='00-7bed75afb5b61e0e-01'*/
select /*+ max_execution_time(1000) */ id from big_table where k = 232206304 # from worker 513
SELECT * FROM orders WHERE user_id IN (486240524, 7400, 24993020, 6150, 7, 728412123, 191319463, 1244, 2097, 1431, 7) AND status = "cancelled"
BEGIN /*application='web',controller='orders',action='show',traceparent='00-790bfcfcdd65ced8-01'*/
insert into users (email, name, created_at) values ('müller6690@example.com', "smith & co", "2024-11-18 12:53:00")
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop'
select id, email, created_at from users where email = "müller@example.com" limit 1
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (957546474, 'update', '{"ip": "10.0.427553563.1"}', '2024-09-12 01:41:00')
SELECT s.id, s.name FROM stores s WHERE s.region_id = 484088004 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 1385
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (8, 3771, 3, 8843.35), (2, 7025, 3, 519.25), (2, 1, 2, 8438.30), (2, 3, 5, 9685.95), (6, 8, 4, 687.52)
COMMIT
update users set last_login_at = "2024-11-26 22:04:00", login_count = login_count + 1 where id = 389755146
/* user_id=6223 */ INSERT INTO counters (k, v) VALUES ("北京", 4) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
BEGIN /*application='web',controller='orders',action='show',traceparent='00-eaecadd8f69bf050-01'*/
SHOW  TABLES  LIKE 'user%'
SELECT  *  FROM customers WHERE name = N'smith & co'
SELECT * FROM users WHERE id = ? AND tenant_id = ?
select e.id, e.name, d.name as dept from employees e join departments d on d.id = e.department_id where e.salary > 454901408 and d.location = "frank"
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 1258 AND d.location = "50% off"
select usr.id, usr.name from users usr where usr.tenant_id = 8500 and usr.deleted_at is null order by usr.name limit 10
SELECT * FROM orders WHERE user_id IN (862685444, 493783367, 412259602) AND status = "refunded"
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-03-28 23:41:00' AND created_at < "2024-07-19 04:18:00"
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > "2024-04-04 09:37:00" LIMIT 9208, 20
SELECT DISTINCT country FROM addresses WHERE user_id = 4585
/* user_id=2806 */ SELECT * FROM blobs WHERE digest = X'6D35DE8FC9CEA0CB' OR flags = b'1010' OR id = 0x193
SELECT id, email, created_at FROM users WHERE email = "dave@example.com" LIMIT 1
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (7, 3001, 2, 9360.79)
SELECT usr.id, usr.name FROM users usr WHERE usr.tenant_id = 3 AND usr.deleted_at IS NULL ORDER BY usr.name LIMIT 50 # from worker 1044
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (2, "logout", '{"ip": "10.0.250689773.1"}', '2024-09-17 13:05:00')
SELECT * FROM users WHERE id = 2254
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 2476
INSERT INTO users (email, name, created_at) VALUES ("bob4@example.com", 'new\\nline', '2024-05-07 15:57:00')
/* user_id=5 */ SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 6 AND d.location = "北京"
TRUNCATE  TABLE  staging_events
SELECT id, email, created_at FROM users WHERE email = "北京@example.com" LIMIT 1
SHOW FULL PROCESSLIST
BEGIN
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 5137.37 AND 1781.08 GROUP BY category_id ORDER BY 2 DESC
/* user_id=5 */ set session sql_mode = "strict_trans_tables"
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > '2024-05-07 18:06:00' LIMIT 1, 20
/* user_id=2024 */ SELECT count(*) AS total FROM orders WHERE created_at >= '2024-02-22 10:19:00' AND created_at < "2024-06-01 10:00:00"
SELECT COUNT(*) FROM events WHERE account_id = 8 AND kind = 'view' AND occurred_at > "2024-11-17 09:34:00" /*application='web',controller='orders',action='show',traceparent='00-018aa69f339d3fca-01'*/
/* user_id=1818 */ DELETE  FROM  sessions WHERE expires_at < "2024-09-05 16:35:00"
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > '2024-08-05 17:07:00' LIMIT 8429, 20
SELECT usr.id, usr.name FROM users usr WHERE usr.tenant_id = 1 AND usr.deleted_at IS NULL ORDER BY usr.name LIMIT 50
SELECT * FROM orders WHERE user_id IN (9589, 1483, 8816) AND status = 'paid'
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (2073, 783066593, 7, 489372276, 7, 7, 3, 2, 3290, 965) GROUP BY r.product_id
INSERT  INTO  counters (k, v) VALUES ("carol", 973216624) ON DUPLICATE KEY UPDATE v = v + VALUES(v) /*application='web',controller='orders',action='show',traceparent='00-a6a19f32adc46044-01'*/
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ("cancelled", 'paid', "shipped", 'paid', 'cancelled', "cancelled", 'pending', 'pending', "pending") GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 9286.13
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 35 HOUR LIMIT 1000
/* user_id=8 */ SELECT  *  FROM orders WHERE id = 241525874 -- trailing comment
select c.id from coupons c where c.code = 'save5492' and c.valid_until > '2024-10-01 13:58:00' and c.uses < c.max_uses
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "shop" # from worker 3137
ROLLBACK
DELETE FROM cart_items WHERE cart_id = 429926941 AND product_id IN (6)
INSERT INTO counters (k, v) VALUES ('müller', 3) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
select e.id, e.name, d.name as dept from employees e join departments d on d.id = e.department_id where e.salary > 9 and d.location = 'carol'
SELECT  id,  payload FROM jobs WHERE queue = 'mail' AND run_at <= '2024-06-22 18:37:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
SELECT id, payload FROM jobs WHERE queue = "mail" AND run_at <= "2024-10-23 12:39:00" AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
SELECT s.id, s.name FROM stores s WHERE s.region_id = 3 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 1
update users set last_login_at = "2024-01-14 07:57:00", login_count = login_count + 1 where id = 875778002
DELETE FROM cart_items WHERE cart_id = 9 AND product_id IN (1760, 79263430, 8609, 3, 1837, 8248, 7, 7702)
SELECT COUNT(*) FROM events WHERE account_id = 880770001 AND kind = 'click' AND occurred_at > '2024-02-04 07:16:00'
SELECT  t.id,  t.title FROM tickets t WHERE t.assignee_id = 5160 AND t.priority >= 4 AND t.state <> "closed" ORDER BY t.updated_at DESC
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 75574338 ORDER BY `orders`.`created_at` DESC LIMIT 10 /*application='web',controller='orders',action='show',traceparent='00-f58319bf52f15799-01'*/
UPDATE users SET last_login_at = "2024-05-04 17:47:00", login_count = login_count + 1 WHERE id = 71547798
/* user_id=2646 */ TRUNCATE TABLE staging_events
select id from t1 where a = 1-5 and b = "it\\'s"
select `orders`.* from `orders` where `orders`.`user_id` = 7 order by `orders`.`created_at` desc limit 10 /*application='web',controller='orders',action='show',traceparent='00-398a438eea093160-01'*/
TRUNCATE TABLE staging_events
select @@version, @@session.sql_mode
SELECT * FROM `users` WHERE `id` = 431771283
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 359.90 ORDER BY o.total DESC LIMIT 269683520
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (100788377, "logout", "{\"ip\": \"10.0.152551249.1\"}", "2024-05-10 13:44:00")
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 3 AND m.id > 8936 ORDER BY m.id ASC LIMIT 50
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (566632728, "update", "{\"ip\": \"10.0.8126.1\"}", "2024-08-23 17:30:00")
/* user_id=3 */ delete from cart_items where cart_id = 455488281 and product_id in (970348964)
select * from users where id = 3621 /*application='web',controller='orders',action='show',traceparent='00-36a556f79322caa8-01'*/
REPLACE  INTO  kv (k, v) VALUES ('bob', 'new\\nline') /*application='web',controller='orders',action='show',traceparent='00-8eb420390d5d240e-01'*/
/* user_id=2 */ CREATE TABLE IF NOT EXISTS `tmp_4` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(255) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
SELECT s.id, s.name FROM stores s WHERE s.region_id = 349704159 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 9
COMMIT
SHOW FULL PROCESSLIST
COMMIT
SHOW TABLES LIKE 'user%'
insert into users (email, name, created_at) values ("heidi2@example.com", "50% off", "2024-09-14 14:52:00")
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('24581', '29454', "97917", '35497', "57676", "58242", '13183', "65375", "68074")
SELECT  *  FROM users WHERE id = 8465
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 6 ORDER BY `orders`.`created_at` DESC LIMIT 10
SET SESSION sql_mode = 'STRICT_TRANS_TABLES'
SELECT * FROM blobs WHERE digest = X'FEC3C5088E218156' OR flags = b'1110' OR id = 0x2BF9
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ("refunded", "cancelled", 'shipped', "shipped", 'pending', 'cancelled', "pending", "shipped") GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 9647.35
SELECT  /*+  MAX_EXECUTION_TIME(2000) */ id FROM big_table WHERE k = 5
DELETE FROM cart_items WHERE cart_id = 499923839 AND product_id IN (8256, 609372009, 6712, 5, 711674286, 6107, 7635, 5, 6418) /*application='web',controller='orders',action='show',traceparent='00-7aebbe6976e55eac-01'*/
SELECT  a.id,  a.name FROM users a WHERE a.tenant_id = 6166 AND a.deleted_at IS NULL ORDER BY a.name LIMIT 50
BEGIN # from worker 4
DROP TABLE IF EXISTS `tmp_1`
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 7649.32) AND active = FALSE
select e.id, e.name, d.name as dept from employees e join departments d on d.id = e.department_id where e.salary > 319787846 and d.location = '北京'
update orders set status = "paid", updated_at = "2024-08-14 02:26:00" where id = 9 and status = "shipped"
SHOW TABLES LIKE "user%"
ROLLBACK
REPLACE INTO kv (k, v) VALUES ('50% off', "carol")
SELECT a.id, a.name FROM users a WHERE a.tenant_id = 4 AND a.deleted_at IS NULL ORDER BY a.name LIMIT 50 /*application='web',controller='orders',action='show',traceparent='00-691e964a7848d31c-01'*/
SELECT @@version, @@session.sql_mode
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-09-14 18:38:00' AND created_at < "2024-04-18 13:55:00" /*application='web',controller='orders',action='show',traceparent='00-ab42da0b9279095e-01'*/
SELECT id, email, created_at FROM users WHERE email = 'judy@example.com' LIMIT 1
DELETE FROM cart_items WHERE cart_id = 8608 AND product_id IN (409711886, 494038783, 879002291, 5900)
show tables like 'user%'
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop' /*application='web',controller='orders',action='show',traceparent='00-920c85103e573ea1-01'*/
SELECT  *  FROM customers WHERE name = N'judy'
SELECT * FROM `users` WHERE `id` = 5180
INSERT IGNORE INTO tags (name) VALUES ('müller')
SELECT * FROM users WHERE id = 8
SELECT /*+ MAX_EXECUTION_TIME(2000) */ id FROM big_table WHERE k = 5
SELECT id FROM products WHERE name LIKE '%o\'brien%' ORDER BY id LIMIT 20 OFFSET 0
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 4326.10 ORDER BY o.total DESC LIMIT 88331958
select category_id, count(*), avg(price) from products where price between 4557.23 and 4474.12 group by category_id order by 2 desc /*application='web',controller='orders',action='show',traceparent='00-d6a9e0176ebebccd-01'*/
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (7, 6, 7806, 5, 8) GROUP BY r.product_id
SELECT  c.id  FROM coupons c WHERE c.code = "SAVE7946" AND c.valid_until > '2024-10-10 09:09:00' AND c.uses < c.max_uses
SHOW  TABLES  LIKE "user%"
SELECT id, payload FROM jobs WHERE queue = "mail" AND run_at <= '2024-02-09 08:59:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop'
ROLLBACK
SELECT  JSON_EXTRACT(doc,  '$.name') FROM docs WHERE id = 6
SELECT id FROM t1 WHERE a = 1-5 AND b = "it\\'s"
SELECT * FROM orders WHERE user_id IN (681693853, 9970) AND status = "pending"
SELECT * FROM products WHERE name = _utf8mb4'erin' COLLATE utf8mb4_unicode_ci
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > "2024-10-26 11:44:00"
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 4 AND m.id > 669 ORDER BY m.id ASC LIMIT 100
SHOW FULL PROCESSLIST
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 473447193 AND m.id > 6 ORDER BY m.id ASC LIMIT 50
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 1910.13) AND active = TRUE
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 3892.95 ORDER BY o.total DESC LIMIT 8
/* user_id=9153 */ INSERT INTO counters (k, v) VALUES ("bob", 7) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
SELECT id, payload FROM jobs WHERE queue = 'default' AND run_at <= '2024-05-13 10:18:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
UPDATE users SET last_login_at = '2024-06-08 20:39:00', login_count = login_count + 1 WHERE id = 7
/* user_id=3623 */ SELECT m.id, m.body FROM messages m WHERE m.thread_id = 8 AND m.id > 4825 ORDER BY m.id ASC LIMIT 100
set session sql_mode = 'strict_trans_tables' /*application='web',controller='orders',action='show',traceparent='00-a458322342282687-01'*/
SELECT id, payload FROM jobs WHERE queue = "mail" AND run_at <= "2024-03-07 05:52:00" AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
REPLACE INTO kv (k, v) VALUES ("ivan", '50% off')
DELETE FROM sessions WHERE expires_at < "2024-03-18 12:26:00"
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 5 AND m.id > 8 ORDER BY m.id ASC LIMIT 100
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 3211 ORDER BY `orders`.`created_at` DESC LIMIT 10
SELECT * FROM orders WHERE user_id IN (513, 8, 9355, 692, 7, 335, 7174) AND status = "refunded" /*application='web',controller='orders',action='show',traceparent='00-712590eb97f02664-01'*/
ALTER  TABLE  `users` ADD INDEX `idx_email_1` (`email`) # from worker 995737728
SELECT DISTINCT country FROM addresses WHERE user_id = 9
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 748957869 ORDER BY `orders`.`created_at` DESC LIMIT 10
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 3 ORDER BY `orders`.`created_at` DESC LIMIT 10
INSERT INTO users (email, name, created_at) VALUES ("erin228127202@example.com", "judy", '2024-06-16 09:41:00')
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "shop"
SELECT  *  FROM orders WHERE user_id IN (922157716, 758539908, 288628566) AND status = 'shipped'
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > "2024-08-14 14:46:00"
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (8753, 267281590, 2, 312.78), (4604, 589820204, 4, 1141.28), (2, 7330, 1, 8536.67), (4, 827032195, 4, 4371.51), (481916374, 59806294, 5, 5430.55) /*application='web',controller='orders',action='show',traceparent='00-dc82d906ac5ed8d1-01'*/
SHOW FULL PROCESSLIST # from worker 421886521
SELECT  *  FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 8227.94) AND active = TRUE
TRUNCATE  TABLE  staging_events
SELECT * FROM orders WHERE user_id IN (8136, 160005064) AND status = "cancelled"
SELECT id, email, created_at FROM users WHERE email = "smith & co@example.com" LIMIT 1
DROP  TABLE  IF EXISTS `tmp_1`
insert into users (email, name, created_at) values ('50% off677652060@example.com', "heidi", '2024-09-24 17:26:00')
DROP  TABLE  IF EXISTS `tmp_1`
ALTER TABLE `users` ADD INDEX `idx_email_3` (`email`)
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 9 /*application='web',controller='orders',action='show',traceparent='00-3350081fe511a238-01'*/
SET SESSION sql_mode = "STRICT_TRANS_TABLES"
START TRANSACTION /*application='web',controller='orders',action='show',traceparent='00-e08eb64f559a6238-01'*/
SELECT COUNT(*) FROM events WHERE account_id = 900198985 AND kind = 'click' AND occurred_at > '2024-10-18 05:36:00'
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 9449.68 ORDER BY o.total DESC LIMIT 1430
/* user_id=8095 */ UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = "bob@x.io"
SET SESSION sql_mode = "STRICT_TRANS_TABLES"
SET SESSION sql_mode = 'STRICT_TRANS_TABLES' /*application='web',controller='orders',action='show',traceparent='00-7f4a9362e8f1b212-01'*/
show full processlist
/* user_id=800307405 */ SELECT /*+ MAX_EXECUTION_TIME(1000) */ id FROM big_table WHERE k = 3809
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 29 HOUR LIMIT 1000
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ("21048", '10415', '45147')
REPLACE INTO kv (k, v) VALUES ("50% off", 'carol')
CREATE TABLE IF NOT EXISTS `tmp_5` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(64) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ("27964", '63587', '71890', "14036", "70402", "86864", "66441", '97976', "58832", "49993", '13132')
REPLACE  INTO  kv (k, v) VALUES ('grace', "new\\nline")
SELECT * FROM orders WHERE user_id IN (679469273, 7, 4845, 573272270, 1) AND status = "paid" /*application='web',controller='orders',action='show',traceparent='00-63fb5f2de49d2a52-01'*/
SELECT * FROM customers WHERE name = N'dave'
SELECT id, email, created_at FROM users WHERE email = 'heidi@example.com' LIMIT 1
SELECT COUNT(*) FROM events WHERE account_id = 1947 AND kind = 'click' AND occurred_at > "2024-01-21 10:07:00"
call refresh_stats(575686444, "new\\nline")
select * from blobs where digest = x'cf1a69566116d76b' or flags = b'1111' or id = 0x9298
SELECT * FROM orders WHERE user_id IN (6, 4, 1, 7261, 3926) AND status = "pending"
REPLACE INTO kv (k, v) VALUES ("bob", "dave")
SELECT s.id, s.name FROM stores s WHERE s.region_id = 124 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 8
select m.id, m.body from messages m where m.thread_id = 123201996 and m.id > 3084 order by m.id asc limit 50
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (923460788, 902259952, 2, 6756.09), (5, 7, 4, 7003.14), (9, 7893, 2, 542.12), (3, 266924957, 1, 6051.88), (7, 7660, 1, 2276.35)
delete from sessions where expires_at < "2024-01-23 19:56:00" /*application='web',controller='orders',action='show',traceparent='00-2f7025770e4fc046-01'*/
DELETE FROM cart_items WHERE cart_id = 969379771 AND product_id IN (448071841, 8, 6, 2202, 4, 749823497, 5, 3, 493, 8, 5)
SELECT usr.id, usr.name FROM users usr WHERE usr.tenant_id = 5472 AND usr.deleted_at IS NULL ORDER BY usr.name LIMIT 50
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ("shipped", 'shipped', 'refunded', 'refunded', 'refunded', "cancelled") GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 4028.69
BEGIN
/* user_id=7882 */ SELECT usr.id, usr.name FROM users usr WHERE usr.tenant_id = 413129521 AND usr.deleted_at IS NULL ORDER BY usr.name LIMIT 25
SELECT id, email, created_at FROM users WHERE email = "frank@example.com" LIMIT 1 /*application='web',controller='orders',action='show',traceparent='00-235b8a84812cf41b-01'*/
select * from orders where id = 10597992 -- trailing comment
SHOW FULL PROCESSLIST
INSERT IGNORE INTO tags (name) VALUES ('50% off') /*application='web',controller='orders',action='show',traceparent='00-b9cdcce6e9664838-01'*/
SELECT s.id, s.name FROM stores s WHERE s.region_id = 9 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 285421203
select * from users where id in (select user_id from orders where total > 2875.00) and active = true
SELECT COUNT(*) FROM events WHERE account_id = 9897 AND kind = 'view' AND occurred_at > '2024-02-14 13:30:00'
SELECT * FROM orders WHERE user_id IN (559263100, 1, 6, 573050414, 212, 2, 2) AND status = "shipped"
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-05-08 09:19:00'
UPDATE orders SET status = "cancelled", updated_at = "2024-10-21 13:48:00" WHERE id = 474450108 AND status = 'refunded'
/* user_id=319066596 */ DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 31 HOUR LIMIT 1000
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 44918885 ORDER BY `orders`.`created_at` DESC LIMIT 10
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('55427', '97027', "59841", '37960', '41312', "32975", "66754", '11973')
ROLLBACK /*application='web',controller='orders',action='show',traceparent='00-2d0823e114feb657-01'*/
INSERT INTO users (email, name, created_at) VALUES ("judy8@example.com", "50% off", "2024-11-22 18:41:00")
SELECT DISTINCT country FROM addresses WHERE user_id = 8
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 14 DAY)
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 9994 AND d.location = "new\\nline"
SELECT * FROM customers WHERE name = N'judy'
SHOW FULL PROCESSLIST
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('13858', '33224', '68801', '75301', "77463", "96109", '32514', "23681", "72351", '54510', "24696")
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (5, 6, 1, 1315.51), (9, 5, 4, 7294.60)
BEGIN
DELETE FROM cart_items WHERE cart_id = 9 AND product_id IN (2535, 589917426, 777623185, 480422116, 8, 2, 4, 3768, 5, 9)
select * from orders where user_id in (498877476, 2702) and status = 'shipped'
/* user_id=6 */ select category_id, count(*), avg(price) from products where price between 3506.54 and 5598.76 group by category_id order by 2 desc
SELECT @@version, @@session.sql_mode
/* user_id=6 */ SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop'
SELECT s.id, s.name FROM stores s WHERE s.region_id = 2 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 7190
ROLLBACK
update jobs set locked_at = "2024-10-11 13:27:00", locked_by = "worker-355" where id = 3
DELETE FROM cart_items WHERE cart_id = 1 AND product_id IN (8414, 1, 2, 7, 3401, 486284851, 360062164, 946329724, 6, 975088242)
begin
INSERT  INTO  users (email, name, created_at) VALUES ('50% off932888048@example.com', "heidi", '2024-11-06 08:42:00')
SELECT DISTINCT country FROM addresses WHERE user_id = 129288025
select id from products where name like "%bob%" order by id limit 20 offset 40
SELECT  id,  payload FROM jobs WHERE queue = "reports" AND run_at <= "2024-06-10 10:39:00" AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1 /*application='web',controller='orders',action='show',traceparent='00-4bd03567ae5503dc-01'*/
CREATE TABLE IF NOT EXISTS `tmp_5` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(64) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 6509 /*application='web',controller='orders',action='show',traceparent='00-cf2de61a549f80a8-01'*/
SELECT * FROM orders WHERE user_id IN (1837, 681247699, 345501484, 7, 901130427, 847827508, 293222675, 4) AND status = 'refunded'
/* user_id=2784 */ begin
UPDATE  orders  o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = "bob@x.io" /*application='web',controller='orders',action='show',traceparent='00-34071415b3b6fb50-01'*/
UPDATE users SET last_login_at = '2024-01-06 22:07:00', login_count = login_count + 1 WHERE id = 5
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ("72750", "83279")
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 2 AND d.location = 'judy' /*application='web',controller='orders',action='show',traceparent='00-bf94cdf84f8fc3cd-01'*/
/* user_id=955393121 */ SELECT  count(*)  AS total FROM orders WHERE created_at >= "2024-12-11 17:28:00" AND created_at < "2024-10-16 04:44:00"
SELECT * FROM customers WHERE name = N'bob'
SHOW  FULL  PROCESSLIST
DELETE FROM cart_items WHERE cart_id = 3820 AND product_id IN (3, 297307693, 6, 3, 3, 696283736, 9417, 1, 730469672, 9, 7337, 3)
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 8114.02 AND 4017.67 GROUP BY category_id ORDER BY 2 DESC
SET SESSION sql_mode = 'STRICT_TRANS_TABLES'
SELECT * FROM orders WHERE id = 134400735 -- trailing comment
/* user_id=4959 */ set names utf8mb4
/* user_id=260737786 */ select e.id, e.name, d.name as dept from employees e join departments d on d.id = e.department_id where e.salary > 4456 and d.location = "bob"
SELECT a.id, a.name FROM users a WHERE a.tenant_id = 6 AND a.deleted_at IS NULL ORDER BY a.name LIMIT 50
SELECT  /*+  MAX_EXECUTION_TIME(2000) */ id FROM big_table WHERE k = 203045874
INSERT IGNORE INTO tags (name) VALUES ("smith & co")
set session sql_mode = 'strict_trans_tables' /*application='web',controller='orders',action='show',traceparent='00-af23490456b9bd22-01'*/
select category_id, count(*), avg(price) from products where price between 3057.62 and 9459.21 group by category_id order by 2 desc
SELECT  id  FROM products WHERE name LIKE "%frank%" ORDER BY id LIMIT 20 OFFSET 40
SELECT id, payload FROM jobs WHERE queue = 'reports' AND run_at <= '2024-05-06 11:08:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1 # from worker 9
select distinct country from addresses where user_id = 4467
/* user_id=5378 */ select category_id, count(*), avg(price) from products where price between 2410.29 and 9795.01 group by category_id order by 2 desc
INSERT INTO counters (k, v) VALUES ('x\\y', 6) ON DUPLICATE KEY UPDATE v = v + VALUES(v) /*application='web',controller='orders',action='show',traceparent='00-a6e0546d69efa70c-01'*/
select * from users where id = ? and tenant_id = ? /*application='web',controller='orders',action='show',traceparent='00-59d7913ba3d7328c-01'*/
SET  NAMES  utf8mb4
/* user_id=1164 */ SELECT m.id, m.body FROM messages m WHERE m.thread_id = 4 AND m.id > 1752 ORDER BY m.id ASC LIMIT 50
UPDATE users SET last_login_at = "2024-11-09 01:43:00", login_count = login_count + 1 WHERE id = 49374827
SHOW  FULL  PROCESSLIST
commit # from worker 543265654
/* user_id=781779776 */ CALL refresh_stats(84476041, 'smith & co')
DROP TABLE IF EXISTS `tmp_1`
REPLACE INTO kv (k, v) VALUES ('x\\y', "müller")
select @@version, @@session.sql_mode
SELECT  o.id,  sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ("cancelled", 'shipped', 'shipped', "shipped", 'pending', "refunded", 'cancelled', "pending", "cancelled", 'paid', 'cancelled') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 6863.03
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 857129697 AND d.location = "smith & co"
SET NAMES utf8mb4
/* user_id=555 */ SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > "2024-07-11 00:55:00" LIMIT 2, 20
UPDATE users SET last_login_at = '2024-12-05 20:28:00', login_count = login_count + 1 WHERE id = 4708
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 17 DAY) /*application='web',controller='orders',action='show',traceparent='00-82d5426eb2cfa7e8-01'*/
SELECT * FROM customers WHERE name = N'heidi' /*application='web',controller='orders',action='show',traceparent='00-beaa4197e33f6f75-01'*/
begin
select @@version, @@session.sql_mode
ALTER TABLE `users` ADD INDEX `idx_email_2` (`email`)
SELECT  @@version,  @@session.sql_mode
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = "o'brien@x.io"
DELETE FROM cart_items WHERE cart_id = 3 AND product_id IN (4163, 6221, 9, 7, 6, 6363, 7398, 464659325, 924676376, 836441925, 6318, 569788386)
DELETE FROM cart_items WHERE cart_id = 646741142 AND product_id IN (206951768, 231425760, 636466855, 8147, 4320, 7745, 839018841)
UPDATE jobs SET locked_at = '2024-07-16 00:05:00', locked_by = "worker-3" WHERE id = 8
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (803341024, 7224, 9, 9353, 5, 715489878, 3) GROUP BY r.product_id
INSERT INTO users (email, name, created_at) VALUES ("50% off2@example.com", 'dave', '2024-06-14 11:06:00') # from worker 5013
SELECT * FROM products WHERE name = _utf8mb4'erin' COLLATE utf8mb4_unicode_ci
CALL refresh_stats(7, 'judy')
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (8, 833789117, 3, 4316.75), (351544716, 9, 1, 6371.28), (6, 3, 4, 2651.83)
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > "2024-08-12 09:56:00"
SELECT * FROM blobs WHERE digest = X'800F615CB7A8FD3C' OR flags = b'0111' OR id = 0x4B9B
DROP TABLE IF EXISTS `tmp_1`
select * from blobs where digest = x'7eb619e989059388' or flags = b'0001' or id = 0xbe93
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('79107', '28913', '77184', "25914", "30207", "83057", '51097', "43249", "39855", '26599', "13089", "20104") # from worker 168391921
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 7519.11) AND active = true
select * from `users` where `id` = 4375 /*application='web',controller='orders',action='show',traceparent='00-04fb38caa568158e-01'*/
SELECT id, payload FROM jobs WHERE queue = 'default' AND run_at <= '2024-07-12 12:58:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
BEGIN
DELETE FROM sessions WHERE expires_at < "2024-02-04 15:24:00"
COMMIT
SELECT * FROM `users` WHERE `id` = 1
INSERT INTO users (email, name, created_at) VALUES ("frank188094311@example.com", "ivan", '2024-10-21 06:11:00') /*application='web',controller='orders',action='show',traceparent='00-92784f42ad448901-01'*/
INSERT IGNORE INTO tags (name) VALUES ('heidi')
INSERT INTO counters (k, v) VALUES ('new\\nline', 1645) ON DUPLICATE KEY UPDATE v = v + VALUES(v) # from worker 1
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 9 DAY)
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 8450 OR i.product_id IS NULL
SELECT * FROM orders WHERE id = 8 -- trailing comment
/* user_id=1 */ select json_extract(doc, '$.name') from docs where id = 9
SELECT * FROM blobs WHERE digest = X'E5E2145C16D797EF' OR flags = b'0001' OR id = 0x6DC2 # from worker 3
select r.product_id, avg(r.rating) from reviews r where r.product_id in (1379, 965347379, 915646326) group by r.product_id
delete from sessions where expires_at < "2024-03-20 22:47:00"
select s.id, s.name from stores s where s.region_id = 5687 union all select w.id, w.name from warehouses w where w.region_id = 1
UPDATE orders SET status = "cancelled", updated_at = '2024-02-19 23:18:00' WHERE id = 271732093 AND status = 'refunded'
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 48 HOUR LIMIT 1000
SELECT id FROM products WHERE name LIKE '%judy%' ORDER BY id LIMIT 20 OFFSET 20
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (3, "login", '{"ip": "10.0.9217.1"}', "2024-12-03 04:41:00") # from worker 603456667
INSERT INTO users (email, name, created_at) VALUES ('heidi2855@example.com', 'müller', '2024-03-18 09:07:00') /*application='web',controller='orders',action='show',traceparent='00-692e500558dce6f3-01'*/
SELECT DISTINCT country FROM addresses WHERE user_id = 9598
SET SESSION sql_mode = 'STRICT_TRANS_TABLES'
SELECT /*+ MAX_EXECUTION_TIME(2000) */ id FROM big_table WHERE k = 2832
DROP TABLE IF EXISTS `tmp_1`
SELECT * FROM products WHERE name = _utf8mb4'bob' COLLATE utf8mb4_unicode_ci
ALTER  TABLE  `users` ADD INDEX `idx_email_3` (`email`)
SELECT * FROM blobs WHERE digest = X'ED724732EC35A14D' OR flags = b'1011' OR id = 0xE287
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('40479', '60738', "58992", "95610", '46029', "16679", '51120')
SELECT id FROM products WHERE name LIKE "%ivan%" ORDER BY id LIMIT 20 OFFSET 20 # from worker 8229
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ("paid", "cancelled", "paid", "shipped", 'refunded', 'shipped', "pending") GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 7581.42
SHOW FULL PROCESSLIST
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 7278.73 AND 1866.72 GROUP BY category_id ORDER BY 2 DESC
SELECT * FROM orders WHERE id = 435000282 -- trailing comment
UPDATE jobs SET locked_at = '2024-08-25 05:32:00', locked_by = "worker-7750" WHERE id = 6
ALTER  TABLE  `users` ADD INDEX `idx_email_1` (`email`)
begin
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (361756491, 769287822, 1, 4293.94)
insert into users (email, name, created_at) values ("new\\nline463940395@example.com", 'dave', '2024-09-20 00:37:00')
select @@version, @@session.sql_mode
SELECT id FROM products WHERE name LIKE "%dave%" ORDER BY id LIMIT 20 OFFSET 40
SELECT * FROM users WHERE id = ? AND tenant_id = ?
SELECT id FROM t1 WHERE a = 1-3 AND b = 'it\\\'s' /*application='web',controller='orders',action='show',traceparent='00-78242e2cb6169e55-01'*/
SELECT DISTINCT country FROM addresses WHERE user_id = 7333
SHOW FULL PROCESSLIST
SELECT * FROM orders WHERE user_id IN (1, 8, 9170, 21304511, 4913, 463157979, 404586813) AND status = "paid"
UPDATE orders SET status = 'pending', updated_at = '2024-04-11 12:26:00' WHERE id = 8 AND status = "shipped"
SELECT * FROM orders WHERE user_id IN (7868, 753513434, 8, 887607991, 6754, 8, 57530955) AND status = 'cancelled'
select count(*) as total from orders where created_at >= '2024-11-19 11:37:00' and created_at < '2024-03-18 21:25:00'
DELETE  FROM  sessions WHERE expires_at < '2024-12-27 07:26:00'
SET NAMES utf8mb4
SELECT * FROM orders WHERE id = 8 -- trailing comment
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = "alice@x.io"
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-04-10 01:58:00'
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (3894, "logout", "{\"ip\": \"10.0.10.1\"}", '2024-08-28 14:44:00')
INSERT  INTO  counters (k, v) VALUES ("x\\y", 769146160) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
select @@version, @@session.sql_mode
DELETE FROM sessions WHERE expires_at < '2024-12-21 14:59:00'
INSERT IGNORE INTO tags (name) VALUES ("alice")
START TRANSACTION
SELECT * FROM users WHERE id = 951580069
/* user_id=906709473 */ COMMIT
SELECT * FROM users WHERE id = 2635
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ("96322", "89498", "47190", '64401', '39325', "30918", '48919', "83446")
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 3 ORDER BY `orders`.`created_at` DESC LIMIT 10
START TRANSACTION
UPDATE  users  SET last_login_at = "2024-11-17 18:44:00", login_count = login_count + 1 WHERE id = 62066803
DROP  TABLE  IF EXISTS `tmp_1`
SELECT @@version, @@session.sql_mode
select u.id, (select count(*) from orders o where o.user_id = u.id) as order_count from users u where u.created_at > '2024-12-26 04:19:00'
UPDATE jobs SET locked_at = '2024-04-01 22:59:00', locked_by = 'worker-4' WHERE id = 3
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 139583469 AND m.id > 2184 ORDER BY m.id ASC LIMIT 50
SELECT id FROM products WHERE name LIKE '%ivan%' ORDER BY id LIMIT 20 OFFSET 20
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 8 AND m.id > 7493 ORDER BY m.id ASC LIMIT 50
rollback
SHOW FULL PROCESSLIST # from worker 7781
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 4169.07) AND active = FALSE # from worker 6559
SET NAMES utf8mb4
SELECT c.id FROM coupons c WHERE c.code = 'SAVE6' AND c.valid_until > '2024-01-20 06:06:00' AND c.uses < c.max_uses /*application='web',controller='orders',action='show',traceparent='00-df4075e542fa2b30-01'*/
insert ignore into tags (name) values ("erin")
replace into kv (k, v) values ('grace', 'alice')
DELETE FROM cart_items WHERE cart_id = 3246 AND product_id IN (9, 6753, 6, 3408, 9, 424, 909932809)
ALTER  TABLE  `users` ADD INDEX `idx_email_3` (`email`) /*application='web',controller='orders',action='show',traceparent='00-b991ef08b67a8eda-01'*/
SELECT * FROM products WHERE name = _utf8mb4'ivan' COLLATE utf8mb4_unicode_ci
SELECT c.id FROM coupons c WHERE c.code = "SAVE226526242" AND c.valid_until > '2024-04-28 08:46:00' AND c.uses < c.max_uses
SELECT /*+ MAX_EXECUTION_TIME(2000) */ id FROM big_table WHERE k = 803621586
SELECT  count(*)  AS total FROM orders WHERE created_at >= "2024-04-17 02:55:00" AND created_at < "2024-12-13 08:43:00"
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = "x\\y@x.io"
UPDATE orders SET status = "shipped", updated_at = "2024-01-18 08:04:00" WHERE id = 676315436 AND status = 'shipped'
DELETE FROM cart_items WHERE cart_id = 8 AND product_id IN (954169743, 5295, 1, 5801, 7695, 7637)
/* user_id=5 */ DELETE FROM cart_items WHERE cart_id = 168901987 AND product_id IN (61395996, 9)
SELECT id FROM t1 WHERE a = 1-9 AND b = "it\\'s"
SHOW FULL PROCESSLIST
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 6050 AND m.id > 2 ORDER BY m.id ASC LIMIT 50
START TRANSACTION
SELECT * FROM `users` WHERE `id` = 195159755 /*application='web',controller='orders',action='show',traceparent='00-d13f1d7bfb1a5ca8-01'*/
SELECT id, email, created_at FROM users WHERE email = '50% off@example.com' LIMIT 1
call refresh_stats(988760741, 'frank') /*application='web',controller='orders',action='show',traceparent='00-05efecdddf44b2c0-01'*/
SELECT * FROM orders WHERE user_id IN (3054, 2, 165957145, 7, 7, 9, 4044) AND status = 'refunded'
select * from users where id = 5380
SELECT id FROM t1 WHERE a = 1-6 AND b = "it\\'s"
/* user_id=8 */ COMMIT
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 2 AND m.id > 579510439 ORDER BY m.id ASC LIMIT 50
ALTER TABLE `users` ADD INDEX `idx_email_2` (`email`)
CREATE TABLE IF NOT EXISTS `tmp_3` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(64) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop'
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 330993797 ORDER BY `orders`.`created_at` DESC LIMIT 10
/* user_id=771 */ truncate table staging_events
select a.id, a.name from users a where a.tenant_id = 9337 and a.deleted_at is null order by a.name limit 10
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 3037 AND t.priority >= 1 AND t.state <> 'closed' ORDER BY t.updated_at DESC
SELECT  @@version,  @@session.sql_mode
SET NAMES utf8mb4
SELECT id FROM t1 WHERE a = 1-2 AND b = 'it\\\'s'
SELECT a.id, a.name FROM users a WHERE a.tenant_id = 108269994 AND a.deleted_at IS NULL ORDER BY a.name LIMIT 25
SELECT  /*+  MAX_EXECUTION_TIME(2000) */ id FROM big_table WHERE k = 7
SELECT  t.id,  t.title FROM tickets t WHERE t.assignee_id = 224282357 AND t.priority >= 2 AND t.state <> "closed" ORDER BY t.updated_at DESC
/* user_id=22 */ SELECT  count(*)  AS total FROM orders WHERE created_at >= "2024-03-24 12:17:00" AND created_at < "2024-04-20 15:14:00"
SELECT * FROM users WHERE id = ? AND tenant_id = ? # from worker 4
rollback
select id from t1 where a = 1-8 and b = 'it\\\'s'
select a.id, a.city from addresses a where a.zip in ("82564", "16365", "26717", '61787', '76042', "68736", '20238')
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 5 AND d.location = "50% off" /*application='web',controller='orders',action='show',traceparent='00-b8aec067439b0898-01'*/
SELECT  *  FROM customers WHERE name = N'ivan'
SELECT id, payload FROM jobs WHERE queue = "mail" AND run_at <= '2024-03-07 14:55:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1 # from worker 6
SELECT  s.id,  s.name FROM stores s WHERE s.region_id = 2 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 5720
SELECT  t.id,  t.title FROM tickets t WHERE t.assignee_id = 1949 AND t.priority >= 5 AND t.state <> 'closed' ORDER BY t.updated_at DESC
SELECT @@version, @@session.sql_mode
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "shop"
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-01-19 10:24:00' /*application='web',controller='orders',action='show',traceparent='00-8308a94fe74e0fe7-01'*/
select a.id, a.city from addresses a where a.zip in ("17021", "18488", "97779")
INSERT INTO users (email, name, created_at) VALUES ("erin5@example.com", 'o\'brien', '2024-01-03 09:36:00')
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ("23963")
SELECT * FROM users WHERE id = 3
SHOW  TABLES  LIKE 'user%'
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 805 OR i.product_id IS NULL
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > "2024-10-16 18:30:00"
select r.product_id, avg(r.rating) from reviews r where r.product_id in (5, 896238350, 5085, 7220, 995554469, 6) group by r.product_id
UPDATE orders SET status = 'pending', updated_at = "2024-09-27 09:23:00" WHERE id = 719643856 AND status = 'pending'
COMMIT
truncate table staging_events
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 8 AND d.location = '50% off'
TRUNCATE TABLE staging_events
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 229191460 ORDER BY `orders`.`created_at` DESC LIMIT 10
/* user_id=5 */ SELECT id FROM t1 WHERE a = 1-4 AND b = "it\\'s"
UPDATE users SET last_login_at = '2024-11-20 17:13:00', login_count = login_count + 1 WHERE id = 7
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 850556911
SELECT COUNT(*) FROM events WHERE account_id = 666723197 AND kind = "buy" AND occurred_at > "2024-09-20 11:02:00"
ALTER TABLE `users` ADD INDEX `idx_email_1` (`email`)
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = 'ivan@x.io'
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 2 OR i.product_id IS NULL
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ("90425", "73769", '49873')
SELECT c.id FROM coupons c WHERE c.code = "SAVE9" AND c.valid_until > "2024-12-01 08:34:00" AND c.uses < c.max_uses
SELECT  *  FROM products WHERE name = _utf8mb4'smith & co' COLLATE utf8mb4_unicode_ci # from worker 6922
DELETE FROM sessions WHERE expires_at < "2024-10-23 09:44:00"
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 73519903 AND t.priority >= 2 AND t.state <> "closed" ORDER BY t.updated_at DESC
SELECT DISTINCT country FROM addresses WHERE user_id = 891
SELECT id FROM products WHERE name LIKE '%frank%' ORDER BY id LIMIT 20 OFFSET 40 /*application='web',controller='orders',action='show',traceparent='00-0713b67308acd014-01'*/
CALL refresh_stats(620442454, "bob") /*application='web',controller='orders',action='show',traceparent='00-692b8ffb95ba3e0c-01'*/
UPDATE users SET last_login_at = "2024-02-15 15:33:00", login_count = login_count + 1 WHERE id = 4 /*application='web',controller='orders',action='show',traceparent='00-91d07a10c3c720b5-01'*/
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = "50% off@x.io"
CALL refresh_stats(1113, "carol")
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 4638.68 AND 3013.73 GROUP BY category_id ORDER BY 2 DESC /*application='web',controller='orders',action='show',traceparent='00-9c836f1bca69e7f6-01'*/
select * from `users` where `id` = 2
ROLLBACK /*application='web',controller='orders',action='show',traceparent='00-33c5216ddd351fbf-01'*/
SELECT * FROM `users` WHERE `id` = 521011327
SELECT * FROM `users` WHERE `id` = 8
INSERT IGNORE INTO tags (name) VALUES ('carol')
/* user_id=4 */ BEGIN
SELECT * FROM products WHERE name = _utf8mb4'carol' COLLATE utf8mb4_unicode_ci # from worker 5477
set session sql_mode = 'strict_trans_tables'
UPDATE orders SET status = "cancelled", updated_at = '2024-05-03 07:56:00' WHERE id = 4 AND status = "paid"
TRUNCATE TABLE staging_events
COMMIT
DROP TABLE IF EXISTS `tmp_1` /*application='web',controller='orders',action='show',traceparent='00-41a7f7eec9c9d7e3-01'*/
INSERT INTO users (email, name, created_at) VALUES ("bob387931125@example.com", 'o\'brien', '2024-06-25 13:12:00')
TRUNCATE TABLE staging_events
INSERT INTO users (email, name, created_at) VALUES ('x\\y8@example.com', 'smith & co', "2024-06-08 23:28:00")
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (8, 6, 3, 1809.91), (711357722, 6480, 1, 2136.40), (2, 820352665, 3, 9335.61), (5, 4139, 5, 4557.39), (1, 4, 1, 9075.42)
SELECT * FROM orders WHERE user_id IN (8107, 6197, 509939538, 659601420, 8700, 4815, 855680972, 335148684, 5) AND status = 'refunded'
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (852492916, 'update', "{\"ip\": \"10.0.1887.1\"}", "2024-12-24 21:57:00")
UPDATE jobs SET locked_at = '2024-10-27 16:42:00', locked_by = "worker-139904962" WHERE id = 2837
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 956.54 AND 8597.89 GROUP BY category_id ORDER BY 2 DESC # from worker 8691
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > '2024-09-26 08:21:00' LIMIT 951795656, 20
/* user_id=975314911 */ SELECT id, email, created_at FROM users WHERE email = "grace@example.com" LIMIT 1
UPDATE users SET last_login_at = '2024-11-16 19:01:00', login_count = login_count + 1 WHERE id = 746486755
CREATE  TABLE  IF NOT EXISTS `tmp_3` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(255) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 /*application='web',controller='orders',action='show',traceparent='00-55d1ff2bb906d780-01'*/
SELECT id FROM t1 WHERE a = 1-2 AND b = "it\\'s"
DELETE FROM cart_items WHERE cart_id = 6537 AND product_id IN (2, 4782, 6, 1332, 97382877, 743488767, 601851791, 220727008, 464325357, 2, 2, 4252)
UPDATE  orders  o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = "erin@x.io"
SELECT usr.id, usr.name FROM users usr WHERE usr.tenant_id = 9 AND usr.deleted_at IS NULL ORDER BY usr.name LIMIT 10 /*application='web',controller='orders',action='show',traceparent='00-b6becb8535360812-01'*/
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (317261986, 'login', '{"ip": "10.0.707655511.1"}', '2024-11-26 15:05:00')
call refresh_stats(286091394, "new\\nline")
SELECT * FROM users WHERE id = ? AND tenant_id = ? /*application='web',controller='orders',action='show',traceparent='00-9b79db086d3464aa-01'*/
COMMIT
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 255920444 AND d.location = "o'brien"
select id from products where name like "%erin%" order by id limit 20 offset 20 /*application='web',controller='orders',action='show',traceparent='00-ef8f1b59e91b704b-01'*/
SELECT  id  FROM t1 WHERE a = 1-2 AND b = 'it\\\'s' # from worker 6800
CREATE TABLE IF NOT EXISTS `tmp_3` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(64) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
SELECT DISTINCT country FROM addresses WHERE user_id = 59713692
SELECT * FROM users WHERE id = 5254068
SELECT * FROM `users` WHERE `id` = 497804379
SELECT COUNT(*) FROM events WHERE account_id = 1 AND kind = 'view' AND occurred_at > "2024-08-10 15:00:00" /*application='web',controller='orders',action='show',traceparent='00-fe87d9eb0a74901d-01'*/
SELECT * FROM products WHERE name = _utf8mb4'bob' COLLATE utf8mb4_unicode_ci
SELECT DISTINCT country FROM addresses WHERE user_id = 5
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 9417.49 ORDER BY o.total DESC LIMIT 606683872
select category_id, count(*), avg(price) from products where price between 562.67 and 4329.30 group by category_id order by 2 desc
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 7 AND t.priority >= 2 AND t.state <> 'closed' ORDER BY t.updated_at DESC
SELECT  *  FROM `users` WHERE `id` = 4743
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > "2024-08-19 11:59:00"
SELECT  @@version,  @@session.sql_mode
ALTER TABLE `users` ADD INDEX `idx_email_3` (`email`)
SELECT * FROM customers WHERE name = N'carol'
REPLACE INTO kv (k, v) VALUES ("new\\nline", 'x\\y')
SELECT * FROM orders WHERE id = 7 -- trailing comment
SELECT id FROM products WHERE name LIKE "%ivan%" ORDER BY id LIMIT 20 OFFSET 40
SELECT * FROM users WHERE id = ? AND tenant_id = ?
INSERT INTO counters (k, v) VALUES ('carol', 3098) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
select id from t1 where a = 1-1 and b = "it\\'s"
SELECT * FROM orders WHERE user_id IN (3859, 6182, 3, 846768477, 9, 4776) AND status = "shipped"
update orders set status = 'paid', updated_at = '2024-12-01 20:53:00' where id = 191976353 and status = "refunded"
insert into line_items (order_id, product_id, quantity, unit_price) values (3773, 7, 5, 9341.82), (1757, 4995, 2, 6204.38), (410293558, 6132, 5, 3839.02), (7, 5, 2, 3004.60), (7, 2, 1, 3986.25), (2077, 4712, 2, 4052.13)
ALTER TABLE `users` ADD INDEX `idx_email_3` (`email`)
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (4841, 987042227, 2, 7775.33), (2, 21343640, 2, 8359.61), (2, 334, 2, 5808.37), (321473067, 2, 4, 3602.48)
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = "北京@x.io"
select id, email, created_at from users where email = 'heidi@example.com' limit 1
SELECT /*+ MAX_EXECUTION_TIME(2000) */ id FROM big_table WHERE k = 708306216
SELECT * FROM orders WHERE user_id IN (1, 2929, 5, 589058585, 841480939, 2766, 7768, 2495) AND status = 'shipped'
SELECT * FROM orders WHERE id = 4 -- trailing comment
SELECT * FROM products WHERE name = _utf8mb4'50% off' COLLATE utf8mb4_unicode_ci
begin
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > "2024-10-20 06:57:00" LIMIT 8684, 20
select id, email, created_at from users where email = '北京@example.com' limit 1
ROLLBACK
SELECT * FROM blobs WHERE digest = X'79E1A07DEFE3C015' OR flags = b'1101' OR id = 0x80BA
select p.id, p.sku, p.price from products p left join inventory i on i.product_id = p.id where i.quantity < 615355931 or i.product_id is null
START TRANSACTION
insert ignore into tags (name) values ("new\\nline")
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop'
SELECT * FROM orders WHERE user_id IN (536891342, 6, 155354229, 238150052, 1647, 8485, 9, 668880627, 150108838, 872535619) AND status = 'cancelled'
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (9242, 'login', "{\"ip\": \"10.0.3.1\"}", "2024-09-17 17:42:00")
DELETE  FROM  cart_items WHERE cart_id = 9 AND product_id IN (7)
UPDATE users SET last_login_at = "2024-12-12 06:14:00", login_count = login_count + 1 WHERE id = 2258
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (6176, "login", '{"ip": "10.0.202694294.1"}', '2024-10-18 16:49:00') /*application='web',controller='orders',action='show',traceparent='00-7912f142ecb8aedc-01'*/
SET NAMES utf8mb4
SELECT id, payload FROM jobs WHERE queue = 'reports' AND run_at <= '2024-05-10 20:51:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
SELECT * FROM users WHERE id = 33608671 /*application='web',controller='orders',action='show',traceparent='00-7614d6da1475c479-01'*/
INSERT IGNORE INTO tags (name) VALUES ('o\'brien')
SELECT  @@version,  @@session.sql_mode
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop' /*application='web',controller='orders',action='show',traceparent='00-0080711776ef30e8-01'*/
/* user_id=6 */ select id, payload from jobs where queue = "default" and run_at <= "2024-07-26 12:14:00" and locked_at is null order by priority, run_at limit 1
update users set last_login_at = '2024-10-05 19:24:00', login_count = login_count + 1 where id = 7
CALL refresh_stats(8, "dave")
insert ignore into tags (name) values ('北京')
select category_id, count(*), avg(price) from products where price between 7796.61 and 8454.70 group by category_id order by 2 desc
INSERT IGNORE INTO tags (name) VALUES ('bob') /*application='web',controller='orders',action='show',traceparent='00-dee384e55ce854fc-01'*/
select p.id, p.sku, p.price from products p left join inventory i on i.product_id = p.id where i.quantity < 6 or i.product_id is null
REPLACE INTO kv (k, v) VALUES ('new\\nline', 'erin')
/* user_id=100724845 */ SELECT * FROM users WHERE id = ? AND tenant_id = ?
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 125241807 ORDER BY `orders`.`created_at` DESC LIMIT 10 /*application='web',controller='orders',action='show',traceparent='00-95dfeb29215dc722-01'*/
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (610012796, "update", '{"ip": "10.0.678649763.1"}', "2024-05-12 07:38:00")
INSERT IGNORE INTO tags (name) VALUES ("o'brien")
select `orders`.* from `orders` where `orders`.`user_id` = 403086599 order by `orders`.`created_at` desc limit 10
CREATE TABLE IF NOT EXISTS `tmp_2` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(64) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (139, 'logout', '{"ip": "10.0.42255491.1"}', '2024-09-03 03:39:00')
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 228701953 ORDER BY `orders`.`created_at` DESC LIMIT 10
ROLLBACK
CALL refresh_stats(3, 'grace')
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 7 AND d.location = 'heidi'
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 30 DAY)
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 2624.91 AND 148.84 GROUP BY category_id ORDER BY 2 DESC
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 3930 AND m.id > 943188484 ORDER BY m.id ASC LIMIT 100
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (762810788, 453570842, 1233) GROUP BY r.product_id
REPLACE INTO kv (k, v) VALUES ("50% off", 'frank')
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 11 DAY)
SELECT * FROM `users` WHERE `id` = 2 /*application='web',controller='orders',action='show',traceparent='00-90a345ea85a89879-01'*/
SELECT * FROM users WHERE id = 3
/* user_id=9 */ SELECT DISTINCT country FROM addresses WHERE user_id = 346639878
COMMIT
/* user_id=406145652 */ SHOW TABLES LIKE "user%"
CREATE TABLE IF NOT EXISTS `tmp_3` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(64) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 416951988 AND t.priority >= 4 AND t.state <> 'closed' ORDER BY t.updated_at DESC
DROP TABLE IF EXISTS `tmp_1`
UPDATE  jobs  SET locked_at = "2024-08-28 12:25:00", locked_by = "worker-5" WHERE id = 3
DELETE FROM cart_items WHERE cart_id = 9 AND product_id IN (35182698)
SELECT /*+ MAX_EXECUTION_TIME(2000) */ id FROM big_table WHERE k = 9
SELECT COUNT(*) FROM events WHERE account_id = 466927019 AND kind = 'buy' AND occurred_at > '2024-08-18 14:03:00'
SHOW FULL PROCESSLIST
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 3817.85) AND active = TRUE
SELECT id FROM products WHERE name LIKE '%judy%' ORDER BY id LIMIT 20 OFFSET 40
delete from sessions where expires_at < '2024-08-06 05:52:00'
begin
/* user_id=1916 */ SELECT  c.id  FROM coupons c WHERE c.code = 'SAVE3447' AND c.valid_until > "2024-02-21 04:21:00" AND c.uses < c.max_uses
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 11 DAY)
select e.id, e.name, d.name as dept from employees e join departments d on d.id = e.department_id where e.salary > 64194652 and d.location = "dave"
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 7262.22) AND active = true
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (851, 631807953, 1, 3138.54), (1618, 8985, 2, 4873.82), (1, 8064, 2, 115.68), (6777, 5, 4, 9186.86), (229937076, 2962, 5, 4738.44), (4, 7, 1, 6373.26)
insert into counters (k, v) values ('smith & co', 686218001) on duplicate key update v = v + values(v)
SET NAMES utf8mb4
SELECT id, email, created_at FROM users WHERE email = "erin@example.com" LIMIT 1
SELECT @@version, @@session.sql_mode
REPLACE INTO kv (k, v) VALUES ("müller", "50% off")
SELECT  `orders`.*  FROM `orders` WHERE `orders`.`user_id` = 2 ORDER BY `orders`.`created_at` DESC LIMIT 10
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 8 AND d.location = 'smith & co'
CALL refresh_stats(5, 'smith & co')
select * from `users` where `id` = 587530531 /*application='web',controller='orders',action='show',traceparent='00-0277ada7b8f1dacc-01'*/
select o.id, sum(li.quantity * li.unit_price) as amount from orders o inner join line_items li on li.order_id = o.id where o.status in ("refunded", 'cancelled', 'shipped', "pending", 'cancelled') group by o.id having sum(li.quantity * li.unit_price) > 9017.32
select * from customers where name = n'new\nline'
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 28 HOUR LIMIT 1000
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 361 OR i.product_id IS NULL
UPDATE orders SET status = "cancelled", updated_at = '2024-01-17 05:20:00' WHERE id = 953407772 AND status = "cancelled"
insert into line_items (order_id, product_id, quantity, unit_price) values (7143, 5996, 2, 7795.58), (8, 7, 3, 3749.34), (460057662, 7, 4, 1356.02), (581933530, 1262, 5, 7938.53)
COMMIT
START TRANSACTION
SELECT * FROM products WHERE name = _utf8mb4'ivan' COLLATE utf8mb4_unicode_ci
SELECT  *  FROM customers WHERE name = N'ivan'
delete from sessions where expires_at < "2024-05-15 23:18:00"
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 6 ORDER BY `orders`.`created_at` DESC LIMIT 10
SELECT id, email, created_at FROM users WHERE email = 'x\\y@example.com' LIMIT 1 # from worker 787455910
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "shop"
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 4951 ORDER BY `orders`.`created_at` DESC LIMIT 10 /*application='web',controller='orders',action='show',traceparent='00-cc698eac8544f8de-01'*/
SELECT * FROM customers WHERE name = N'new\nline'
INSERT INTO counters (k, v) VALUES ('北京', 5535) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
SELECT * FROM `users` WHERE `id` = 6800
create table if not exists `tmp_4` (`id` bigint unsigned not null auto_increment, `name` varchar(255) not null default '', primary key (`id`)) engine=innodb default charset=utf8mb4
select count(*) as total from orders where created_at >= '2024-07-05 07:20:00' and created_at < '2024-08-01 13:34:00'
SELECT c.id FROM coupons c WHERE c.code = 'SAVE422008129' AND c.valid_until > "2024-10-14 11:12:00" AND c.uses < c.max_uses
DELETE FROM sessions WHERE expires_at < '2024-09-03 14:14:00'
SELECT s.id, s.name FROM stores s WHERE s.region_id = 9 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 9 /*application='web',controller='orders',action='show',traceparent='00-f685964cd9841073-01'*/
SELECT  u.id,  (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > "2024-01-13 07:20:00"
INSERT  INTO  audit_log (user_id, action, payload, created_at) VALUES (273291053, 'update', "{\"ip\": \"10.0.416945499.1\"}", "2024-03-19 01:41:00")
INSERT  INTO  users (email, name, created_at) VALUES ("ivan870531519@example.com", 'smith & co', "2024-07-03 01:17:00") /*application='web',controller='orders',action='show',traceparent='00-bf0435674eef7edc-01'*/
DELETE FROM sessions WHERE expires_at < "2024-02-13 04:33:00" /*application='web',controller='orders',action='show',traceparent='00-e3b8a43df33d4738-01'*/
select * from users where id = ? and tenant_id = ?
SET NAMES utf8mb4
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 6675 AND d.location = "heidi"
SELECT * FROM orders WHERE id = 17325602 -- trailing comment
select distinct country from addresses where user_id = 7
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 8 AND t.priority >= 4 AND t.state <> 'closed' ORDER BY t.updated_at DESC
COMMIT
DELETE FROM cart_items WHERE cart_id = 2 AND product_id IN (9, 9711, 212403854, 7, 8719, 258887164, 4035, 835614385, 7119, 917236167, 780113917)
INSERT  INTO  audit_log (user_id, action, payload, created_at) VALUES (2, "logout", "{\"ip\": \"10.0.45545105.1\"}", "2024-08-08 05:27:00")
ROLLBACK
SELECT COUNT(*) FROM events WHERE account_id = 1 AND kind = 'view' AND occurred_at > '2024-05-22 05:20:00'
SELECT * FROM users WHERE id = 796632697
UPDATE  orders  o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = "ivan@x.io"
SELECT * FROM users WHERE id = 9860
SELECT c.id FROM coupons c WHERE c.code = "SAVE4459" AND c.valid_until > "2024-03-06 19:45:00" AND c.uses < c.max_uses
UPDATE  jobs  SET locked_at = "2024-02-15 02:09:00", locked_by = 'worker-66323876' WHERE id = 650
select r.product_id, avg(r.rating) from reviews r where r.product_id in (5883, 4930, 934986584, 9441, 308873653, 92668517, 509263517, 4980, 6395) group by r.product_id /*application='web',controller='orders',action='show',traceparent='00-100105d7efb9450c-01'*/
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 3 HOUR LIMIT 1000
SHOW  TABLES  LIKE "user%" /*application='web',controller='orders',action='show',traceparent='00-80cf254d3be3787f-01'*/
UPDATE jobs SET locked_at = "2024-10-15 05:07:00", locked_by = "worker-6240" WHERE id = 6
SELECT  SQL_NO_CACHE  id FROM orders FORCE INDEX (idx_created) WHERE created_at > '2024-01-04 15:46:00' LIMIT 665954019, 20 /*application='web',controller='orders',action='show',traceparent='00-0ca089fd90840e2e-01'*/
SELECT usr.id, usr.name FROM users usr WHERE usr.tenant_id = 807091804 AND usr.deleted_at IS NULL ORDER BY usr.name LIMIT 25
SET  NAMES  utf8mb4
DELETE FROM sessions WHERE expires_at < "2024-08-27 23:14:00" /*application='web',controller='orders',action='show',traceparent='00-af3fc2663d8f4b3b-01'*/
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 1373.54 ORDER BY o.total DESC LIMIT 1
SET SESSION sql_mode = 'STRICT_TRANS_TABLES'
DELETE FROM cart_items WHERE cart_id = 2 AND product_id IN (622243459, 913926703, 1106, 100685758, 356919822)
/* user_id=9545 */ SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 367808197 AND d.location = '50% off'
SELECT * FROM orders WHERE id = 6491 -- trailing comment
select count(*) from events where account_id = 5 and kind = 'buy' and occurred_at > "2024-04-01 05:30:00"
replace into kv (k, v) values ('judy', 'carol')
SELECT  c.id  FROM coupons c WHERE c.code = 'SAVE5458' AND c.valid_until > '2024-05-07 06:07:00' AND c.uses < c.max_uses
ROLLBACK
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 4372 ORDER BY `orders`.`created_at` DESC LIMIT 10
REPLACE INTO kv (k, v) VALUES ('erin', "alice") /*application='web',controller='orders',action='show',traceparent='00-4412173144c5ef14-01'*/
SELECT * FROM orders WHERE id = 963857234 -- trailing comment
ALTER  TABLE  `users` ADD INDEX `idx_email_1` (`email`)
SELECT * FROM `users` WHERE `id` = 7
UPDATE jobs SET locked_at = "2024-05-16 02:03:00", locked_by = 'worker-3534' WHERE id = 263
REPLACE INTO kv (k, v) VALUES ("müller", "judy")
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = 'erin@x.io'
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (9889, 792930556, 4, 5954.52), (5538, 1391, 4, 1119.96), (8880, 77716130, 4, 2650.42) # from worker 9
SET SESSION sql_mode = 'STRICT_TRANS_TABLES' /*application='web',controller='orders',action='show',traceparent='00-d4444a2baf6d6ecc-01'*/
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 7
SELECT /*+ MAX_EXECUTION_TIME(1000) */ id FROM big_table WHERE k = 2232
SELECT DISTINCT country FROM addresses WHERE user_id = 248011700
CREATE TABLE IF NOT EXISTS `tmp_4` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(255) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = "heidi@x.io"
CREATE TABLE IF NOT EXISTS `tmp_4` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(255) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
TRUNCATE TABLE staging_events
SHOW TABLES LIKE 'user%'
SET SESSION sql_mode = "STRICT_TRANS_TABLES"
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 8032.06 ORDER BY o.total DESC LIMIT 690866069
INSERT INTO users (email, name, created_at) VALUES ("北京3@example.com", 'erin', "2024-04-02 23:11:00")
INSERT INTO users (email, name, created_at) VALUES ('北京949936594@example.com', "北京", '2024-05-23 20:46:00') /*application='web',controller='orders',action='show',traceparent='00-c2d39011ac4be40d-01'*/
SET SESSION sql_mode = "STRICT_TRANS_TABLES"
/* user_id=73336502 */ CREATE TABLE IF NOT EXISTS `tmp_3` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(255) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
SELECT * FROM orders WHERE id = 908393553 -- trailing comment
select a.id, a.city from addresses a where a.zip in ('37608', '73236', "84706", '47260', "65113", '68341', '23213')
SELECT id FROM t1 WHERE a = 1-4 AND b = "it\\'s"
START TRANSACTION
INSERT IGNORE INTO tags (name) VALUES ('ivan')
/* user_id=9094 */ insert into counters (k, v) values ('erin', 2) on duplicate key update v = v + values(v)
DELETE FROM sessions WHERE expires_at < '2024-01-19 10:11:00' /*application='web',controller='orders',action='show',traceparent='00-997c700c7df0953e-01'*/
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = 'ivan@x.io'
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 1 DAY)
select a.id, a.city from addresses a where a.zip in ("65309", '55113', '63570', '64568', '14499', '51876') # from worker 6
SELECT  o.id,  sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ("cancelled", 'refunded', "refunded", 'shipped', "refunded", 'pending', 'refunded') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 704.87 # from worker 5
select s.id, s.name from stores s where s.region_id = 9 union all select w.id, w.name from warehouses w where w.region_id = 7
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 29 DAY)
SET SESSION sql_mode = "STRICT_TRANS_TABLES"
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop'
SELECT DISTINCT country FROM addresses WHERE user_id = 6
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = "erin@x.io"
BEGIN
COMMIT
SELECT * FROM `users` WHERE `id` = 246
SELECT id, email, created_at FROM users WHERE email = "bob@example.com" LIMIT 1
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 473882217 AND m.id > 7 ORDER BY m.id ASC LIMIT 50
rollback
call refresh_stats(9163, "new\\nline")
UPDATE users SET last_login_at = "2024-01-05 21:04:00", login_count = login_count + 1 WHERE id = 469
SELECT * FROM customers WHERE name = N'new\nline'
SELECT id, payload FROM jobs WHERE queue = "reports" AND run_at <= "2024-04-06 23:23:00" AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
SHOW TABLES LIKE 'user%'
DROP TABLE IF EXISTS `tmp_1`
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 9838 AND m.id > 5656 ORDER BY m.id ASC LIMIT 100
SELECT * FROM orders WHERE user_id IN (5, 9, 5, 8360, 910101022, 852671786, 819871441, 956181256, 6, 5, 920, 1) AND status = "pending"
SELECT id FROM t1 WHERE a = 1-9 AND b = 'it\\\'s'
UPDATE users SET last_login_at = "2024-08-09 03:55:00", login_count = login_count + 1 WHERE id = 133847295 # from worker 242624638
INSERT INTO users (email, name, created_at) VALUES ("x\\y2309@example.com", 'new\\nline', "2024-04-08 11:16:00")
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 2 AND t.priority >= 1 AND t.state <> 'closed' ORDER BY t.updated_at DESC
SELECT id, payload FROM jobs WHERE queue = "mail" AND run_at <= "2024-05-20 13:28:00" AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
SELECT id, email, created_at FROM users WHERE email = "heidi@example.com" LIMIT 1 /*application='web',controller='orders',action='show',traceparent='00-775a60b3848223dc-01'*/
select * from customers where name = n'grace'
start transaction
SHOW TABLES LIKE 'user%' /*application='web',controller='orders',action='show',traceparent='00-fd87e923aef1bf7a-01'*/
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "shop"
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > "2024-08-14 07:52:00" LIMIT 2, 20
BEGIN
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = "frank@x.io"
CALL refresh_stats(546990019, 'bob')
UPDATE orders SET status = "cancelled", updated_at = "2024-05-21 04:52:00" WHERE id = 9 AND status = "refunded"
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (6, 'update', "{\"ip\": \"10.0.342346845.1\"}", "2024-02-14 12:09:00")
SELECT * FROM orders WHERE id = 808939815 -- trailing comment
SELECT id, payload FROM jobs WHERE queue = 'reports' AND run_at <= '2024-08-04 09:39:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1 /*application='web',controller='orders',action='show',traceparent='00-d34473ce6006524e-01'*/
select c.id from coupons c where c.code = 'save935837373' and c.valid_until > "2024-06-01 01:40:00" and c.uses < c.max_uses
insert into counters (k, v) values ("new\\nline", 941202491) on duplicate key update v = v + values(v)
SELECT  *  FROM products WHERE name = _utf8mb4'bob' COLLATE utf8mb4_unicode_ci
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 687933877 ORDER BY `orders`.`created_at` DESC LIMIT 10
SELECT t0.id, t0.name FROM users t0 WHERE t0.tenant_id = 5 AND t0.deleted_at IS NULL ORDER BY t0.name LIMIT 25 /*application='web',controller='orders',action='show',traceparent='00-137ca24604a0e284-01'*/
SELECT * FROM users WHERE id = ? AND tenant_id = ?
UPDATE jobs SET locked_at = '2024-04-02 12:35:00', locked_by = "worker-699" WHERE id = 2117
SELECT * FROM `users` WHERE `id` = 1
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 2 AND m.id > 7937 ORDER BY m.id ASC LIMIT 100
update users set last_login_at = "2024-01-07 00:44:00", login_count = login_count + 1 where id = 410741462
DELETE FROM sessions WHERE expires_at < "2024-01-08 22:09:00"
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 2 AND d.location = "frank" /*application='web',controller='orders',action='show',traceparent='00-b6d1a75800f7b794-01'*/
select r.product_id, avg(r.rating) from reviews r where r.product_id in (448903058) group by r.product_id
delete from sessions where last_seen < now() - interval 30 hour limit 1000
SELECT id FROM products WHERE name LIKE "%dave%" ORDER BY id LIMIT 20 OFFSET 20
CALL refresh_stats(3310, "alice")
DELETE FROM cart_items WHERE cart_id = 3437 AND product_id IN (951894593, 520, 685797720, 972048181, 3264, 5385, 417645817, 6565, 348638199, 4, 6956, 950143210) # from worker 7813
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-03-14 02:25:00'
SELECT * FROM orders WHERE id = 8 -- trailing comment
COMMIT
SELECT COUNT(*) FROM events WHERE account_id = 7 AND kind = 'buy' AND occurred_at > "2024-05-23 15:47:00"
SELECT * FROM customers WHERE name = N'o''brien'
DELETE  FROM  cart_items WHERE cart_id = 832320612 AND product_id IN (706520823)
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ("51762", "79245", '29176', '19685', '89291', "85841", '35633', '97312', '90664', '82645', "56997")
SELECT * FROM orders WHERE user_id IN (3657, 554055985) AND status = 'paid' # from worker 1839
truncate table staging_events /*application='web',controller='orders',action='show',traceparent='00-e5ea6ebea97f10bb-01'*/
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (757476121, 5805, 4, 5855.34), (6848, 6, 4, 6937.03), (239478230, 8201, 4, 5593.56), (8, 1247, 5, 6680.54)
/* user_id=7309 */ REPLACE INTO kv (k, v) VALUES ('grace', "ivan")
UPDATE orders SET status = "cancelled", updated_at = "2024-03-26 01:09:00" WHERE id = 6 AND status = "refunded"
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 8 AND d.location = 'ivan'
drop table if exists `tmp_1`
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 699795510
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop'
/* user_id=9298 */ rollback
REPLACE INTO kv (k, v) VALUES ("bob", 'x\\y')
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 8275 AND t.priority >= 5 AND t.state <> 'closed' ORDER BY t.updated_at DESC
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (54198477, 2, 8027, 4, 370614562, 3) GROUP BY r.product_id
SELECT id FROM products WHERE name LIKE "%carol%" ORDER BY id LIMIT 20 OFFSET 0
select c.id from coupons c where c.code = "save7997" and c.valid_until > "2024-10-18 00:56:00" and c.uses < c.max_uses
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 5814.55) AND active = FALSE
delete from sessions where last_seen < now() - interval 19 hour limit 1000
SELECT t0.id, t0.name FROM users t0 WHERE t0.tenant_id = 587768369 AND t0.deleted_at IS NULL ORDER BY t0.name LIMIT 25 /*application='web',controller='orders',action='show',traceparent='00-c9e175ad70693905-01'*/
UPDATE jobs SET locked_at = '2024-06-27 16:20:00', locked_by = "worker-5" WHERE id = 8
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 12 HOUR LIMIT 1000
SELECT count(*) AS total FROM orders WHERE created_at >= "2024-06-14 02:26:00" AND created_at < "2024-02-20 05:46:00"
ROLLBACK
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 7 AND t.priority >= 2 AND t.state <> "closed" ORDER BY t.updated_at DESC
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('refunded') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 1078.69
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = '50% off@x.io'
SELECT * FROM users WHERE id = 5
ALTER TABLE `users` ADD INDEX `idx_email_3` (`email`)
/* user_id=375482690 */ SELECT * FROM orders WHERE user_id IN (4660, 3622, 8667, 3327, 2954, 6670) AND status = 'pending'
/* user_id=8083 */ SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 1 AND d.location = 'frank'
SET SESSION sql_mode = 'STRICT_TRANS_TABLES'
SELECT  DISTINCT  country FROM addresses WHERE user_id = 7930
SELECT * FROM customers WHERE name = N'carol' # from worker 216890697
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (2167, 1218, 8622) GROUP BY r.product_id
SELECT id FROM t1 WHERE a = 1-9 AND b = "it\\'s"
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (3534, 5, 365620495) GROUP BY r.product_id
SELECT DISTINCT country FROM addresses WHERE user_id = 916750823 /*application='web',controller='orders',action='show',traceparent='00-43ebad34850f43a0-01'*/
BEGIN
SELECT COUNT(*) FROM events WHERE account_id = 48147453 AND kind = "view" AND occurred_at > "2024-03-05 08:09:00"
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > "2024-04-13 05:29:00"
SET SESSION sql_mode = 'STRICT_TRANS_TABLES'
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-09-05 11:48:00'
SELECT  *  FROM orders WHERE user_id IN (1311, 1512) AND status = "pending"
SELECT * FROM users WHERE id = ? AND tenant_id = ?
select usr.id, usr.name from users usr where usr.tenant_id = 8977 and usr.deleted_at is null order by usr.name limit 25
UPDATE users SET last_login_at = '2024-06-11 05:39:00', login_count = login_count + 1 WHERE id = 6269
/* user_id=1 */ SET SESSION sql_mode = 'STRICT_TRANS_TABLES'
SELECT  *  FROM orders WHERE user_id IN (258236570, 681581539, 7, 735428132, 754452201, 890431473, 3533, 461) AND status = "shipped"
SELECT  *  FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 18 DAY) /*application='web',controller='orders',action='show',traceparent='00-48935fe6338042dd-01'*/
DELETE FROM cart_items WHERE cart_id = 749776341 AND product_id IN (216081168, 6, 321473114, 6, 194481662, 8627, 5, 7, 324108495, 3891, 354997856)
SELECT id FROM t1 WHERE a = 1-1 AND b = "it\\'s"
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 7376 AND m.id > 8681 ORDER BY m.id ASC LIMIT 50
/* user_id=1 */ SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "shop"
INSERT INTO counters (k, v) VALUES ('alice', 7073) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
SELECT id FROM t1 WHERE a = 1-6 AND b = "it\\'s"
select * from users where id = 4
SELECT  m.id,  m.body FROM messages m WHERE m.thread_id = 69262458 AND m.id > 685176220 ORDER BY m.id ASC LIMIT 50
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 412725930 AND t.priority >= 4 AND t.state <> "closed" ORDER BY t.updated_at DESC
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-07-19 11:25:00' # from worker 5
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop'
CALL refresh_stats(2, 'x\\y')
DELETE FROM sessions WHERE expires_at < '2024-12-08 15:42:00'
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (2731, 3, 3, 6220.15)
SELECT  JSON_EXTRACT(doc,  '$.name') FROM docs WHERE id = 898
BEGIN /*application='web',controller='orders',action='show',traceparent='00-b12b0b42e7f13cfb-01'*/
DELETE FROM cart_items WHERE cart_id = 1 AND product_id IN (9576, 876348509, 2, 9, 3, 2756)
SELECT  SQL_NO_CACHE  id FROM orders FORCE INDEX (idx_created) WHERE created_at > '2024-02-09 08:36:00' LIMIT 854727758, 20
truncate table staging_events
SELECT * FROM orders WHERE id = 518773972 -- trailing comment
UPDATE  orders  o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = "erin@x.io"
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop'
SELECT DISTINCT country FROM addresses WHERE user_id = 182598087
rollback
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "shop"
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 1532 ORDER BY `orders`.`created_at` DESC LIMIT 10
DELETE FROM sessions WHERE expires_at < '2024-02-15 07:03:00'
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (3, "update", '{"ip": "10.0.714738291.1"}', '2024-06-08 06:13:00') /*application='web',controller='orders',action='show',traceparent='00-c73cb1ca3dd77a9e-01'*/
select * from orders where created_at > date_sub(now(), interval 13 day)
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 9887 AND m.id > 5 ORDER BY m.id ASC LIMIT 100 /*application='web',controller='orders',action='show',traceparent='00-2022edd79af72587-01'*/
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 6 OR i.product_id IS NULL
INSERT IGNORE INTO tags (name) VALUES ('new\\nline')
update orders o join users u on u.id = o.user_id set o.flag = 1 where u.email = "o'brien@x.io"
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop'
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 1150.84) AND active = FALSE
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (2818, 3, 4, 8547.79)
ALTER TABLE `users` ADD INDEX `idx_email_3` (`email`)
TRUNCATE TABLE staging_events
INSERT IGNORE INTO tags (name) VALUES ("erin")
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 1 AND t.priority >= 1 AND t.state <> 'closed' ORDER BY t.updated_at DESC
UPDATE orders SET status = "pending", updated_at = "2024-03-24 22:48:00" WHERE id = 510362282 AND status = 'cancelled'
SELECT @@version, @@session.sql_mode
SELECT id, payload FROM jobs WHERE queue = 'default' AND run_at <= '2024-10-26 02:53:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > "2024-01-13 02:29:00" LIMIT 524129994, 20
ROLLBACK
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 8713.58 AND 4417.11 GROUP BY category_id ORDER BY 2 DESC /*application='web',controller='orders',action='show',traceparent='00-6874188531a9fa8b-01'*/
/* user_id=483010009 */ SET SESSION sql_mode = "STRICT_TRANS_TABLES"
alter table `users` add index `idx_email_2` (`email`)
DROP  TABLE  IF EXISTS `tmp_1`
SELECT  COUNT(*)  FROM events WHERE account_id = 600842691 AND kind = 'view' AND occurred_at > '2024-06-09 02:30:00'
select /*+ max_execution_time(2000) */ id from big_table where k = 76393153
SET NAMES utf8mb4
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 7195.17 AND 9756.91 GROUP BY category_id ORDER BY 2 DESC
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 1259.73) AND active = FALSE /*application='web',controller='orders',action='show',traceparent='00-1045cbb6eb729a19-01'*/
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 4011 AND t.priority >= 1 AND t.state <> 'closed' ORDER BY t.updated_at DESC
SELECT id FROM products WHERE name LIKE '%new\\nline%' ORDER BY id LIMIT 20 OFFSET 0 /*application='web',controller='orders',action='show',traceparent='00-db92491dae89bdfc-01'*/
BEGIN
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (1, 164865301, 1, 2431.88), (8933, 156665605, 3, 4190.04), (360491469, 850744396, 2, 7700.96), (402076006, 774389344, 3, 9185.35)
UPDATE users SET last_login_at = "2024-03-13 11:04:00", login_count = login_count + 1 WHERE id = 6 /*application='web',controller='orders',action='show',traceparent='00-20082e201dc7cedc-01'*/
SELECT @@version, @@session.sql_mode
UPDATE users SET last_login_at = '2024-08-25 21:38:00', login_count = login_count + 1 WHERE id = 3762
UPDATE users SET last_login_at = "2024-02-07 04:51:00", login_count = login_count + 1 WHERE id = 340158334
START TRANSACTION
SELECT * FROM products WHERE name = _utf8mb4'carol' COLLATE utf8mb4_unicode_ci
SELECT c.id FROM coupons c WHERE c.code = 'SAVE9' AND c.valid_until > '2024-11-06 22:20:00' AND c.uses < c.max_uses
SELECT  *  FROM `users` WHERE `id` = 6
REPLACE INTO kv (k, v) VALUES ("dave", "x\\y")
SELECT  @@version,  @@session.sql_mode
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 2 # from worker 8785
UPDATE users SET last_login_at = '2024-12-04 12:04:00', login_count = login_count + 1 WHERE id = 816967237
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop'
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 7517.72 ORDER BY o.total DESC LIMIT 120339861
CREATE TABLE IF NOT EXISTS `tmp_1` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(255) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 /*application='web',controller='orders',action='show',traceparent='00-c6dabb9f404ab252-01'*/
/* user_id=448123822 */ select e.id, e.name, d.name as dept from employees e join departments d on d.id = e.department_id where e.salary > 6018 and d.location = 'müller'
SET SESSION sql_mode = "STRICT_TRANS_TABLES"
SELECT id FROM t1 WHERE a = 1-7 AND b = 'it\\\'s'
select * from users where id = 467392283
SHOW TABLES LIKE 'user%'
INSERT IGNORE INTO tags (name) VALUES ('北京')
update orders set status = 'shipped', updated_at = "2024-09-15 23:26:00" where id = 9 and status = 'cancelled' /*application='web',controller='orders',action='show',traceparent='00-1aa69957e6c6ddaa-01'*/
SELECT * FROM orders WHERE user_id IN (166589904, 4, 5, 7695, 8390, 147412586, 610056510, 9, 9763, 7240, 420971953) AND status = "pending"
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = 'erin@x.io'
INSERT IGNORE INTO tags (name) VALUES ('new\\nline')
INSERT IGNORE INTO tags (name) VALUES ('x\\y')
ROLLBACK
REPLACE INTO kv (k, v) VALUES ('ivan', "judy")
SELECT id FROM t1 WHERE a = 1-3 AND b = "it\\'s"
CALL  refresh_stats(292738013,  'carol')
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > '2024-01-02 22:08:00' LIMIT 6, 20
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('pending', 'pending', 'shipped', 'paid', "shipped", 'cancelled', 'refunded', "pending", 'cancelled', "pending", 'refunded') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 6570.25
select id from products where name like "%alice%" order by id limit 20 offset 20
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 9 AND d.location = "carol"
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = "carol@x.io"
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 236.73) AND active = TRUE /*application='web',controller='orders',action='show',traceparent='00-4ca049d8d54e297d-01'*/
select category_id, count(*), avg(price) from products where price between 9330.62 and 2749.68 group by category_id order by 2 desc
INSERT INTO counters (k, v) VALUES ("bob", 4207) ON DUPLICATE KEY UPDATE v = v + VALUES(v) /*application='web',controller='orders',action='show',traceparent='00-52f3b41a63bb71a0-01'*/
update orders set status = "pending", updated_at = "2024-12-25 19:19:00" where id = 9 and status = 'refunded'
SELECT id, payload FROM jobs WHERE queue = "default" AND run_at <= '2024-02-17 19:56:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
insert into audit_log (user_id, action, payload, created_at) values (2, "update", "{\"ip\": \"10.0.258617702.1\"}", "2024-12-22 01:15:00")
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 9463.52 AND 6383.43 GROUP BY category_id ORDER BY 2 DESC # from worker 4
SELECT * FROM users WHERE id = ? AND tenant_id = ?
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 6 DAY)
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 37 HOUR LIMIT 1000
DELETE FROM sessions WHERE expires_at < '2024-08-06 09:21:00'
SELECT * FROM users WHERE id = ? AND tenant_id = ?
insert ignore into tags (name) values ('ivan')
SELECT DISTINCT country FROM addresses WHERE user_id = 2 /*application='web',controller='orders',action='show',traceparent='00-92313d7e5d9eba0c-01'*/
TRUNCATE TABLE staging_events
SELECT id FROM products WHERE name LIKE '%bob%' ORDER BY id LIMIT 20 OFFSET 40
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 107.07) AND active = TRUE
SELECT * FROM blobs WHERE digest = X'2CD324CCD9308ADB' OR flags = b'1111' OR id = 0xA74E
select o.id, sum(li.quantity * li.unit_price) as amount from orders o inner join line_items li on li.order_id = o.id where o.status in ("paid") group by o.id having sum(li.quantity * li.unit_price) > 8857.87
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (5365, 2, 4, 8483.55), (1, 846631085, 2, 8106.40), (4746, 3, 4, 2493.64), (410442278, 3, 5, 5375.21), (7319, 3, 3, 2342.16), (7017, 572070325, 1, 5256.66)
BEGIN
SELECT * FROM customers WHERE name = N'judy'
SELECT id FROM t1 WHERE a = 1-7 AND b = 'it\\\'s'
DROP TABLE IF EXISTS `tmp_1`
SHOW TABLES LIKE 'user%'
SELECT  *  FROM products WHERE name = _utf8mb4'dave' COLLATE utf8mb4_unicode_ci
SELECT c.id FROM coupons c WHERE c.code = 'SAVE4785' AND c.valid_until > '2024-06-18 12:36:00' AND c.uses < c.max_uses
SELECT * FROM blobs WHERE digest = X'A2FE9C21C35241C2' OR flags = b'0111' OR id = 0xB2CC
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > "2024-08-13 10:24:00"
REPLACE INTO kv (k, v) VALUES ("smith & co", '50% off')
CREATE  TABLE  IF NOT EXISTS `tmp_2` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(255) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
/* user_id=2635 */ SELECT  *  FROM customers WHERE name = N'x\y'
SELECT @@version, @@session.sql_mode
SELECT s.id, s.name FROM stores s WHERE s.region_id = 6463 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 7
SELECT * FROM users WHERE id = ? AND tenant_id = ? /*application='web',controller='orders',action='show',traceparent='00-2a7afce771f355a0-01'*/
select * from `users` where `id` = 377
INSERT INTO counters (k, v) VALUES ("müller", 4) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
INSERT IGNORE INTO tags (name) VALUES ('müller')
SELECT  *  FROM blobs WHERE digest = X'8D108BC9B7D4CF96' OR flags = b'0000' OR id = 0x42F4 # from worker 2
/* user_id=8 */ ALTER TABLE `users` ADD INDEX `idx_email_2` (`email`)
SELECT id FROM t1 WHERE a = 1-8 AND b = 'it\\\'s'
SELECT @@version, @@session.sql_mode
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 2313.69 AND 6250.36 GROUP BY category_id ORDER BY 2 DESC
/* user_id=306955625 */ select json_extract(doc, '$.name') from docs where id = 1999
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 7485 AND m.id > 2372 ORDER BY m.id ASC LIMIT 100
/* user_id=1 */ INSERT  INTO  users (email, name, created_at) VALUES ('50% off2772@example.com', "frank", '2024-05-07 20:54:00')
SET SESSION sql_mode = "STRICT_TRANS_TABLES"
SELECT  DISTINCT  country FROM addresses WHERE user_id = 628186169
SELECT DISTINCT country FROM addresses WHERE user_id = 919
SELECT /*+ MAX_EXECUTION_TIME(1000) */ id FROM big_table WHERE k = 1007
INSERT IGNORE INTO tags (name) VALUES ("bob")
BEGIN
select t.id, t.title from tickets t where t.assignee_id = 5 and t.priority >= 3 and t.state <> "closed" order by t.updated_at desc
SELECT count(*) AS total FROM orders WHERE created_at >= "2024-03-09 12:50:00" AND created_at < "2024-01-15 22:33:00"
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 1549.11 AND 1155.24 GROUP BY category_id ORDER BY 2 DESC
INSERT INTO counters (k, v) VALUES ('grace', 1) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
ALTER  TABLE  `users` ADD INDEX `idx_email_3` (`email`)
select id from t1 where a = 1-9 and b = 'it\\\'s'
ROLLBACK
DELETE  FROM  sessions WHERE expires_at < "2024-12-16 10:11:00"
ALTER  TABLE  `users` ADD INDEX `idx_email_3` (`email`)
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 7 OR i.product_id IS NULL
set session sql_mode = "strict_trans_tables" /*application='web',controller='orders',action='show',traceparent='00-3c4ea52130f477a8-01'*/
UPDATE users SET last_login_at = '2024-11-05 14:27:00', login_count = login_count + 1 WHERE id = 5139
SELECT COUNT(*) FROM events WHERE account_id = 6335 AND kind = "view" AND occurred_at > "2024-02-13 10:12:00"
SELECT t0.id, t0.name FROM users t0 WHERE t0.tenant_id = 4343 AND t0.deleted_at IS NULL ORDER BY t0.name LIMIT 25
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 770464204
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (6, "logout", "{\"ip\": \"10.0.1759.1\"}", "2024-09-10 17:52:00")
update orders set status = "shipped", updated_at = "2024-01-19 14:20:00" where id = 4297 and status = "pending" /*application='web',controller='orders',action='show',traceparent='00-2dacde21f604b51a-01'*/
ROLLBACK
SHOW TABLES LIKE "user%"
SELECT t0.id, t0.name FROM users t0 WHERE t0.tenant_id = 265582745 AND t0.deleted_at IS NULL ORDER BY t0.name LIMIT 50 /*application='web',controller='orders',action='show',traceparent='00-99b67d181015c16d-01'*/
UPDATE jobs SET locked_at = "2024-01-13 09:27:00", locked_by = "worker-5" WHERE id = 4 # from worker 588346933
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 804.23 AND 6867.56 GROUP BY category_id ORDER BY 2 DESC
select * from `users` where `id` = 8
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = 'müller@x.io'
show tables like 'user%'
SELECT  id  FROM t1 WHERE a = 1-7 AND b = 'it\\\'s'
SELECT /*+ MAX_EXECUTION_TIME(1000) */ id FROM big_table WHERE k = 644117090
CREATE TABLE IF NOT EXISTS `tmp_3` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(64) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
START TRANSACTION
SELECT c.id FROM coupons c WHERE c.code = 'SAVE511453960' AND c.valid_until > '2024-10-27 05:31:00' AND c.uses < c.max_uses
INSERT INTO counters (k, v) VALUES ('judy', 2) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
select count(*) from events where account_id = 2 and kind = "view" and occurred_at > '2024-03-06 04:29:00'
INSERT IGNORE INTO tags (name) VALUES ("erin")
SELECT id, email, created_at FROM users WHERE email = "bob@example.com" LIMIT 1
/* user_id=217933808 */ SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 30 DAY)
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 25 DAY)
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 590980423 AND d.location = '北京'
SET NAMES utf8mb4
select /*+ max_execution_time(1000) */ id from big_table where k = 5
CREATE TABLE IF NOT EXISTS `tmp_5` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(64) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
UPDATE users SET last_login_at = "2024-12-21 23:20:00", login_count = login_count + 1 WHERE id = 3
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (6, 'login', '{"ip": "10.0.2546.1"}', '2024-12-12 00:04:00')
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (6105, 1952, 5, 792.01), (659, 320502145, 5, 874.54), (4154, 3213, 2, 7768.80), (7, 1673, 5, 8540.21), (8, 4621, 5, 1539.48)
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > "2024-11-12 18:58:00" /*application='web',controller='orders',action='show',traceparent='00-4f762feedbc38bf0-01'*/
SELECT id FROM products WHERE name LIKE "%heidi%" ORDER BY id LIMIT 20 OFFSET 40
SELECT s.id, s.name FROM stores s WHERE s.region_id = 578423138 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 710597230
COMMIT /*application='web',controller='orders',action='show',traceparent='00-15270a9d3c411e59-01'*/
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (7869, "login", '{"ip": "10.0.5499.1"}', '2024-05-19 14:20:00')
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop'
select t.id, t.title from tickets t where t.assignee_id = 919 and t.priority >= 1 and t.state <> "closed" order by t.updated_at desc
COMMIT /*application='web',controller='orders',action='show',traceparent='00-43292d2349a3d5da-01'*/
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ("refunded", 'paid', 'cancelled') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 240.48
SELECT @@version, @@session.sql_mode
INSERT INTO users (email, name, created_at) VALUES ("ivan4393@example.com", "北京", '2024-01-09 01:37:00') /*application='web',controller='orders',action='show',traceparent='00-a113ee3dbf575ea7-01'*/
CREATE  TABLE  IF NOT EXISTS `tmp_5` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(255) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
SELECT id, payload FROM jobs WHERE queue = 'mail' AND run_at <= '2024-10-08 12:10:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "shop"
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 1123.05 ORDER BY o.total DESC LIMIT 935128110
select /*+ max_execution_time(2000) */ id from big_table where k = 372131157
SELECT  o.id,  o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 8153.47 ORDER BY o.total DESC LIMIT 242858237
START TRANSACTION
update orders set status = "paid", updated_at = "2024-08-01 18:06:00" where id = 1905 and status = "shipped"
SELECT  *  FROM users WHERE id = 4230
select u.id, (select count(*) from orders o where o.user_id = u.id) as order_count from users u where u.created_at > "2024-12-10 07:57:00"
SET SESSION sql_mode = "STRICT_TRANS_TABLES"
SELECT  category_id,  count(*), avg(price) FROM products WHERE price BETWEEN 3868.58 AND 4562.88 GROUP BY category_id ORDER BY 2 DESC
SELECT * FROM customers WHERE name = N'smith & co'
SELECT id, payload FROM jobs WHERE queue = "default" AND run_at <= "2024-11-04 00:45:00" AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
SELECT @@version, @@session.sql_mode
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 4 HOUR LIMIT 1000
BEGIN
/* user_id=9 */ select a.id, a.city from addresses a where a.zip in ("90809", "69371", "78901", "34035", '58594', '45202')
select category_id, count(*), avg(price) from products where price between 571.94 and 7.93 group by category_id order by 2 desc
BEGIN
SET NAMES utf8mb4
select c.id from coupons c where c.code = "save4232" and c.valid_until > "2024-12-26 02:11:00" and c.uses < c.max_uses
SELECT * FROM orders WHERE user_id IN (2121, 2, 521530715, 9, 6044, 4536, 991266431, 189, 916996051) AND status = 'paid'
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 6585 AND d.location = 'smith & co' /*application='web',controller='orders',action='show',traceparent='00-bf6f074b80deac63-01'*/
SELECT  a.id,  a.city FROM addresses a WHERE a.zip IN ('53609', '40085', "30599", '80073', '65772', '70603', '77956', "25367")
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ("shipped", "shipped") GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 929.65
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = 'müller@x.io'
SET NAMES utf8mb4 # from worker 464264824
DELETE FROM cart_items WHERE cart_id = 3 AND product_id IN (5150, 969874687, 4, 4334, 6, 9456, 4980, 7, 901, 8511, 7, 260373810)
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = 'new\\nline@x.io' /*application='web',controller='orders',action='show',traceparent='00-1bfa8a7a4f1f007a-01'*/
SELECT id FROM t1 WHERE a = 1-3 AND b = 'it\\\'s'
UPDATE users SET last_login_at = "2024-06-10 01:11:00", login_count = login_count + 1 WHERE id = 778755799
REPLACE INTO kv (k, v) VALUES ('dave', "müller") /*application='web',controller='orders',action='show',traceparent='00-380ca62de2f57135-01'*/
/* user_id=53733307 */ REPLACE INTO kv (k, v) VALUES ("carol", '50% off')
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 24 HOUR LIMIT 1000
DELETE FROM sessions WHERE expires_at < "2024-09-09 00:41:00"
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 5839 AND t.priority >= 2 AND t.state <> 'closed' ORDER BY t.updated_at DESC
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = "北京@x.io"
SELECT id FROM t1 WHERE a = 1-7 AND b = "it\\'s"
SELECT id FROM t1 WHERE a = 1-4 AND b = 'it\\\'s'
SELECT * FROM orders WHERE id = 194229298 -- trailing comment
REPLACE INTO kv (k, v) VALUES ("bob", 'judy')
update users set last_login_at = "2024-10-11 02:44:00", login_count = login_count + 1 where id = 3
ALTER  TABLE  `users` ADD INDEX `idx_email_3` (`email`)
update orders set status = "shipped", updated_at = '2024-01-15 13:27:00' where id = 806004506 and status = "pending"
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('cancelled', "shipped", 'cancelled', 'cancelled', 'cancelled', 'refunded', 'refunded', "pending", 'refunded', 'paid', "paid") GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 694.08 /*application='web',controller='orders',action='show',traceparent='00-cae630a3c94ef332-01'*/
SELECT * FROM users WHERE id = 8
SELECT id FROM products WHERE name LIKE "%judy%" ORDER BY id LIMIT 20 OFFSET 0
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = "alice@x.io"
/* user_id=321935892 */ SELECT COUNT(*) FROM events WHERE account_id = 9 AND kind = 'view' AND occurred_at > '2024-01-13 05:17:00'
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 5279 AND d.location = "judy" /*application='web',controller='orders',action='show',traceparent='00-0f14f298308d7dd0-01'*/
select u.id, (select count(*) from orders o where o.user_id = u.id) as order_count from users u where u.created_at > '2024-07-27 22:12:00'
select * from users where id in (select user_id from orders where total > 2127.19) and active = true
/* user_id=7 */ SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > "2024-06-24 13:18:00" LIMIT 701, 20
SELECT COUNT(*) FROM events WHERE account_id = 2 AND kind = 'view' AND occurred_at > "2024-12-13 21:29:00"
SHOW FULL PROCESSLIST /*application='web',controller='orders',action='show',traceparent='00-0726f8041cc70d9d-01'*/
TRUNCATE TABLE staging_events
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop'
SHOW FULL PROCESSLIST
select `orders`.* from `orders` where `orders`.`user_id` = 2599 order by `orders`.`created_at` desc limit 10
insert into counters (k, v) values ('smith & co', 2908) on duplicate key update v = v + values(v)
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 4 AND d.location = '50% off'
SELECT /*+ MAX_EXECUTION_TIME(1000) */ id FROM big_table WHERE k = 5
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ("refunded", 'refunded', 'paid', "refunded", 'refunded', 'cancelled', 'pending', "cancelled", "pending", "cancelled") GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 5979.13
CALL refresh_stats(7, 'new\\nline')
SELECT * FROM `users` WHERE `id` = 7326
delete from sessions where expires_at < '2024-08-13 00:33:00'
SELECT  u.id,  (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > "2024-11-28 01:58:00"
SELECT * FROM orders WHERE user_id IN (298592656, 9, 4750, 584412923, 760614845, 4, 3, 3828, 8, 7, 518, 2212) AND status = 'paid'
SHOW FULL PROCESSLIST
/* user_id=4580 */ ALTER TABLE `users` ADD INDEX `idx_email_3` (`email`)
REPLACE INTO kv (k, v) VALUES ("ivan", "frank")
ALTER TABLE `users` ADD INDEX `idx_email_1` (`email`)
select distinct country from addresses where user_id = 7
SELECT * FROM orders WHERE id = 2832 -- trailing comment
select * from users where id = ? and tenant_id = ?
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-07-18 02:29:00' AND created_at < "2024-05-16 20:21:00" # from worker 7911
ROLLBACK
DELETE FROM sessions WHERE expires_at < '2024-02-08 04:45:00'
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (4, 744068924, 9508, 2795, 8822, 6925, 1, 3, 4, 287364748, 2) GROUP BY r.product_id
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 1 ORDER BY `orders`.`created_at` DESC LIMIT 10
INSERT INTO counters (k, v) VALUES ("x\\y", 152368372) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
UPDATE orders SET status = "pending", updated_at = "2024-02-18 14:00:00" WHERE id = 3151 AND status = "pending" /*application='web',controller='orders',action='show',traceparent='00-33d9138bb2d7d689-01'*/
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ("37741", '57382', "19967", "82263", '48594', "63507", '16442', '45208', "20732", '28652')
DELETE FROM sessions WHERE expires_at < "2024-12-16 10:04:00" /*application='web',controller='orders',action='show',traceparent='00-5a2347631f0854dc-01'*/
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 1 ORDER BY `orders`.`created_at` DESC LIMIT 10 /*application='web',controller='orders',action='show',traceparent='00-e004a30b8f6e365a-01'*/
CREATE TABLE IF NOT EXISTS `tmp_4` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(255) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 32 HOUR LIMIT 1000
select * from users where id = ? and tenant_id = ?
select * from users where id = ? and tenant_id = ?
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 4 DAY)
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (3, 7, 2, 2932.94), (7884, 4361, 2, 8971.38), (3703, 297132820, 3, 184.53)
CREATE  TABLE  IF NOT EXISTS `tmp_5` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(64) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
SELECT  *  FROM customers WHERE name = N'dave' /*application='web',controller='orders',action='show',traceparent='00-d0029d0fd0c92b6b-01'*/
select o.id, o.total, u.email from orders o join users u on u.id = o.user_id where o.total > 1497.94 order by o.total desc limit 8
delete from sessions where expires_at < '2024-04-04 05:23:00'
SELECT id FROM t1 WHERE a = 1-6 AND b = 'it\\\'s'
START TRANSACTION
DELETE FROM cart_items WHERE cart_id = 9 AND product_id IN (2080, 8, 2, 8)
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (2, 6256, 1, 5026.47)
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ("cancelled", 'pending', "shipped", 'pending', "refunded", "refunded", "paid", 'pending', 'paid', 'pending', 'pending', 'paid') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 617.53
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (4545, "logout", "{\"ip\": \"10.0.9.1\"}", "2024-07-13 04:36:00") /*application='web',controller='orders',action='show',traceparent='00-0512fb10a5801745-01'*/
SELECT * FROM users WHERE id = 5388
SELECT * FROM orders WHERE user_id IN (486840964, 873226608, 9, 616284901) AND status = 'pending'
SELECT id, payload FROM jobs WHERE queue = 'mail' AND run_at <= '2024-11-28 22:48:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 163684380 AND t.priority >= 4 AND t.state <> "closed" ORDER BY t.updated_at DESC
SELECT  JSON_EXTRACT(doc,  '$.name') FROM docs WHERE id = 9384
DELETE FROM sessions WHERE expires_at < '2024-08-22 14:39:00'
SELECT  `orders`.*  FROM `orders` WHERE `orders`.`user_id` = 6 ORDER BY `orders`.`created_at` DESC LIMIT 10
select o.id, o.total, u.email from orders o join users u on u.id = o.user_id where o.total > 7375.33 order by o.total desc limit 4108
CREATE TABLE IF NOT EXISTS `tmp_5` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(255) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
rollback
/* user_id=742035863 */ SELECT u.id, u.name FROM users u WHERE u.tenant_id = 2751 AND u.deleted_at IS NULL ORDER BY u.name LIMIT 25
SELECT * FROM `users` WHERE `id` = 93867705
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 5378.51 AND 7158.26 GROUP BY category_id ORDER BY 2 DESC
SELECT * FROM users WHERE id = ? AND tenant_id = ?
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 9 DAY)
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop'
REPLACE  INTO  kv (k, v) VALUES ('new\\nline', "frank")
SELECT * FROM products WHERE name = _utf8mb4'50% off' COLLATE utf8mb4_unicode_ci
select * from users where id in (select user_id from orders where total > 4682.48) and active = true # from worker 8
COMMIT
SELECT  /*+  MAX_EXECUTION_TIME(1000) */ id FROM big_table WHERE k = 3069
TRUNCATE TABLE staging_events
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (207996686, "logout", "{\"ip\": \"10.0.3.1\"}", '2024-03-28 12:28:00')
TRUNCATE TABLE staging_events
SELECT  *  FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 6139.55) AND active = FALSE
DELETE FROM sessions WHERE expires_at < "2024-05-07 08:25:00"
select o.id, o.total, u.email from orders o join users u on u.id = o.user_id where o.total > 2429.39 order by o.total desc limit 875
SELECT a.id, a.name FROM users a WHERE a.tenant_id = 727287904 AND a.deleted_at IS NULL ORDER BY a.name LIMIT 50
select t.id, t.title from tickets t where t.assignee_id = 8 and t.priority >= 1 and t.state <> "closed" order by t.updated_at desc
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-08-05 18:33:00'
SELECT * FROM `users` WHERE `id` = 861
SELECT id FROM t1 WHERE a = 1-3 AND b = 'it\\\'s'
SELECT * FROM orders WHERE id = 6 -- trailing comment
INSERT INTO counters (k, v) VALUES ('carol', 5) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
truncate table staging_events
SELECT id FROM products WHERE name LIKE "%ivan%" ORDER BY id LIMIT 20 OFFSET 40 /*application='web',controller='orders',action='show',traceparent='00-9c7dd42807b52e82-01'*/
insert into counters (k, v) values ('dave', 3982) on duplicate key update v = v + values(v) /*application='web',controller='orders',action='show',traceparent='00-2d6f0cc88169fd40-01'*/
select count(*) as total from orders where created_at >= "2024-04-20 02:29:00" and created_at < "2024-10-26 11:28:00" /*application='web',controller='orders',action='show',traceparent='00-081e9525d9003702-01'*/
ALTER TABLE `users` ADD INDEX `idx_email_3` (`email`)
INSERT IGNORE INTO tags (name) VALUES ('alice')
SELECT c.id FROM coupons c WHERE c.code = "SAVE528323544" AND c.valid_until > "2024-05-25 20:52:00" AND c.uses < c.max_uses /*application='web',controller='orders',action='show',traceparent='00-21e6d547b059217c-01'*/
SET NAMES utf8mb4
DELETE FROM sessions WHERE expires_at < "2024-10-07 02:17:00"
SELECT count(*) AS total FROM orders WHERE created_at >= "2024-07-11 22:14:00" AND created_at < '2024-10-23 16:36:00'
SELECT /*+ MAX_EXECUTION_TIME(1000) */ id FROM big_table WHERE k = 7163
alter table `users` add index `idx_email_3` (`email`)
select * from users where id = 2297 /*application='web',controller='orders',action='show',traceparent='00-6197f655f4489cdc-01'*/
CREATE TABLE IF NOT EXISTS `tmp_4` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(64) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 5914.40 ORDER BY o.total DESC LIMIT 198856518
UPDATE  orders  SET status = 'refunded', updated_at = "2024-06-05 02:57:00" WHERE id = 7257 AND status = "cancelled" /*application='web',controller='orders',action='show',traceparent='00-1ccf858c1924539f-01'*/
SHOW FULL PROCESSLIST
SELECT * FROM `users` WHERE `id` = 5787
REPLACE INTO kv (k, v) VALUES ("new\\nline", "50% off")
/* user_id=407586691 */ select c.id from coupons c where c.code = 'save5182' and c.valid_until > '2024-09-27 00:49:00' and c.uses < c.max_uses
SELECT * FROM customers WHERE name = N'grace'
/* user_id=5786 */ INSERT IGNORE INTO tags (name) VALUES ('bob')
SELECT @@version, @@session.sql_mode
SELECT  *  FROM orders WHERE id = 650921689 -- trailing comment
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = "x\\y@x.io"
SELECT a.id, a.name FROM users a WHERE a.tenant_id = 37382071 AND a.deleted_at IS NULL ORDER BY a.name LIMIT 10
SELECT  *  FROM orders WHERE id = 2 -- trailing comment
select o.id, o.total, u.email from orders o join users u on u.id = o.user_id where o.total > 3175.54 order by o.total desc limit 2208
UPDATE jobs SET locked_at = '2024-05-08 00:18:00', locked_by = "worker-4461" WHERE id = 1112
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 6703.96 AND 9200.52 GROUP BY category_id ORDER BY 2 DESC
set session sql_mode = 'strict_trans_tables'
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 32 HOUR LIMIT 1000
SHOW TABLES LIKE 'user%'
SELECT a.id, a.name FROM users a WHERE a.tenant_id = 9087 AND a.deleted_at IS NULL ORDER BY a.name LIMIT 10 /*application='web',controller='orders',action='show',traceparent='00-74186f78d7e72347-01'*/
SELECT id FROM products WHERE name LIKE "%frank%" ORDER BY id LIMIT 20 OFFSET 20
COMMIT
SELECT id FROM t1 WHERE a = 1-7 AND b = 'it\\\'s'
BEGIN
/* user_id=3193 */ SELECT * FROM blobs WHERE digest = X'900F6E9494E6B1B1' OR flags = b'0111' OR id = 0x131C
SELECT count(*) AS total FROM orders WHERE created_at >= "2024-08-18 10:40:00" AND created_at < "2024-09-05 13:13:00"
SELECT  /*+  MAX_EXECUTION_TIME(1000) */ id FROM big_table WHERE k = 6
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 9527 AND d.location = '北京'
INSERT INTO counters (k, v) VALUES ('grace', 2569) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
SET  NAMES  utf8mb4
DELETE FROM cart_items WHERE cart_id = 312 AND product_id IN (7, 2, 33753406, 1696, 429154133, 3)
/* user_id=176543597 */ SELECT id FROM t1 WHERE a = 1-9 AND b = 'it\\\'s'
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = 'frank@x.io'
/* user_id=292799934 */ INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (1, "update", '{"ip": "10.0.679509341.1"}', "2024-11-27 04:56:00")
CREATE TABLE IF NOT EXISTS `tmp_2` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(255) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-12-20 21:52:00'
UPDATE orders SET status = "pending", updated_at = '2024-04-04 19:00:00' WHERE id = 8159 AND status = 'shipped'
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 4 AND d.location = "50% off"
set session sql_mode = "strict_trans_tables" /*application='web',controller='orders',action='show',traceparent='00-1c9d8e7c1e776c70-01'*/
SELECT * FROM customers WHERE name = N'北京'
BEGIN /*application='web',controller='orders',action='show',traceparent='00-0f95fe0c1f5225c0-01'*/
SELECT * FROM `users` WHERE `id` = 168151499
SELECT  id  FROM t1 WHERE a = 1-5 AND b = "it\\'s"
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 32 HOUR LIMIT 1000
UPDATE  orders  o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = "bob@x.io"
SELECT * FROM customers WHERE name = N'dave'
ROLLBACK
SET NAMES utf8mb4
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 6506.22 ORDER BY o.total DESC LIMIT 5
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-06-26 00:44:00'
UPDATE users SET last_login_at = "2024-03-14 14:50:00", login_count = login_count + 1 WHERE id = 7
SELECT COUNT(*) FROM events WHERE account_id = 4 AND kind = "view" AND occurred_at > "2024-10-22 11:45:00" /*application='web',controller='orders',action='show',traceparent='00-54f6fd5d5de99c23-01'*/
SELECT * FROM users WHERE id = 8238
SELECT /*+ MAX_EXECUTION_TIME(2000) */ id FROM big_table WHERE k = 6449
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = 'new\\nline@x.io'
SELECT * FROM orders WHERE id = 711450519 -- trailing comment /*application='web',controller='orders',action='show',traceparent='00-bd8cdcb051bc3559-01'*/
SELECT * FROM orders WHERE user_id IN (2115, 8, 5, 1190) AND status = "pending"
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (9587, 7092244, 1, 3912.34), (2354, 424615399, 5, 5113.47), (115489547, 893744887, 1, 4770.69), (470075383, 546879224, 3, 3038.86), (345976987, 877, 3, 1633.80)
select id, payload from jobs where queue = "reports" and run_at <= '2024-10-21 14:22:00' and locked_at is null order by priority, run_at limit 1
COMMIT
INSERT INTO users (email, name, created_at) VALUES ('judy2@example.com', 'new\\nline', '2024-08-07 01:51:00')
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 17 DAY)
SELECT * FROM orders WHERE id = 6 -- trailing comment
UPDATE jobs SET locked_at = '2024-06-02 22:20:00', locked_by = 'worker-9288' WHERE id = 668163370
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "shop"
SELECT s.id, s.name FROM stores s WHERE s.region_id = 340748865 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 2
SELECT COUNT(*) FROM events WHERE account_id = 415290586 AND kind = 'click' AND occurred_at > "2024-06-05 07:28:00"
SHOW TABLES LIKE 'user%'
select * from users where id = ? and tenant_id = ?
SELECT  *  FROM orders WHERE user_id IN (279198652, 6629, 804993241, 455050730, 4, 3, 5) AND status = "cancelled"
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop'
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 22 HOUR LIMIT 1000
SELECT id FROM products WHERE name LIKE "%grace%" ORDER BY id LIMIT 20 OFFSET 0
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 917513807
SELECT  id  FROM t1 WHERE a = 1-6 AND b = "it\\'s"
/* user_id=7 */ select id, email, created_at from users where email = "erin@example.com" limit 1
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 456721301 AND d.location = "x\\y"
select id from products where name like "%carol%" order by id limit 20 offset 40
SELECT COUNT(*) FROM events WHERE account_id = 2165 AND kind = 'view' AND occurred_at > '2024-10-14 21:41:00' # from worker 136426151
UPDATE users SET last_login_at = '2024-11-13 14:05:00', login_count = login_count + 1 WHERE id = 8 /*application='web',controller='orders',action='show',traceparent='00-20a9215d270d56d8-01'*/
SELECT  id  FROM products WHERE name LIKE "%erin%" ORDER BY id LIMIT 20 OFFSET 20
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 8754.01 ORDER BY o.total DESC LIMIT 9
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 9596.97) AND active = FALSE /*application='web',controller='orders',action='show',traceparent='00-c208badd0473287c-01'*/
select r.product_id, avg(r.rating) from reviews r where r.product_id in (571067020, 440, 2775, 5942, 884475360, 273, 9941, 485325999, 820382757) group by r.product_id
REPLACE INTO kv (k, v) VALUES ('ivan', "erin")
select p.id, p.sku, p.price from products p left join inventory i on i.product_id = p.id where i.quantity < 5517 or i.product_id is null
SELECT id FROM products WHERE name LIKE "%x\\y%" ORDER BY id LIMIT 20 OFFSET 20
SHOW FULL PROCESSLIST
rollback
INSERT INTO users (email, name, created_at) VALUES ("heidi116161623@example.com", 'heidi', "2024-10-03 22:14:00")
SELECT * FROM `users` WHERE `id` = 947708032
CREATE TABLE IF NOT EXISTS `tmp_4` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(64) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
SELECT id, email, created_at FROM users WHERE email = 'o\'brien@example.com' LIMIT 1
SELECT * FROM users WHERE id = ? AND tenant_id = ? /*application='web',controller='orders',action='show',traceparent='00-e8e707d96d33a806-01'*/
SELECT  p.id,  p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 2 OR i.product_id IS NULL
select * from customers where name = n'new\nline'
BEGIN
SET NAMES utf8mb4
alter table `users` add index `idx_email_1` (`email`)
SET NAMES utf8mb4 /*application='web',controller='orders',action='show',traceparent='00-6fa96d8677406204-01'*/
SELECT * FROM orders WHERE id = 9 -- trailing comment
select count(*) from information_schema.tables where table_schema = 'shop'
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = 'frank@x.io' /*application='web',controller='orders',action='show',traceparent='00-546efa8950cc9e10-01'*/
/* user_id=5 */ select count(*) from events where account_id = 343068190 and kind = 'view' and occurred_at > '2024-10-10 06:04:00'
INSERT INTO users (email, name, created_at) VALUES ("new\\nline7687@example.com", 'smith & co', '2024-05-20 00:07:00')
SELECT * FROM `users` WHERE `id` = 8483
/* user_id=869566971 */ begin
ROLLBACK
select @@version, @@session.sql_mode
select * from customers where name = n'frank'
START TRANSACTION
SELECT * FROM customers WHERE name = N'erin'
SELECT  s.id,  s.name FROM stores s WHERE s.region_id = 353447429 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 221192935
SET NAMES utf8mb4
DELETE FROM sessions WHERE expires_at < "2024-12-15 09:54:00"
REPLACE INTO kv (k, v) VALUES ("new\\nline", 'smith & co')
SELECT * FROM customers WHERE name = N'dave' /*application='web',controller='orders',action='show',traceparent='00-2fc82e4caef9f625-01'*/
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 5962
SELECT * FROM `users` WHERE `id` = 7245
SELECT c.id FROM coupons c WHERE c.code = 'SAVE5' AND c.valid_until > '2024-03-09 10:48:00' AND c.uses < c.max_uses
SELECT * FROM blobs WHERE digest = X'74CB4F9DC7AE818F' OR flags = b'1000' OR id = 0x28C2
INSERT IGNORE INTO tags (name) VALUES ("x\\y")
drop table if exists `tmp_1`
BEGIN /*application='web',controller='orders',action='show',traceparent='00-4f4c8b41cb051c45-01'*/
ROLLBACK
ROLLBACK
DELETE FROM sessions WHERE expires_at < "2024-08-24 01:11:00"
SELECT * FROM users WHERE id = 9
SELECT * FROM blobs WHERE digest = X'B2F436E16679E93D' OR flags = b'0110' OR id = 0xFB69
INSERT INTO users (email, name, created_at) VALUES ('bob8480@example.com', "carol", "2024-10-13 21:37:00")
DELETE FROM cart_items WHERE cart_id = 5 AND product_id IN (7, 2, 2, 887139659, 7867, 370086093)
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 9952.31 AND 7700.30 GROUP BY category_id ORDER BY 2 DESC
SELECT  u.id,  (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > "2024-06-10 18:39:00"
DROP TABLE IF EXISTS `tmp_1`
show tables like 'user%'
update users set last_login_at = '2024-05-20 18:06:00', login_count = login_count + 1 where id = 445542516
COMMIT
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "shop"
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 7
/* user_id=8560 */ SHOW FULL PROCESSLIST
INSERT  INTO  users (email, name, created_at) VALUES ("smith & co389488034@example.com", '50% off', "2024-07-22 07:46:00")
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 10 HOUR LIMIT 1000
SET SESSION sql_mode = "STRICT_TRANS_TABLES"
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 985884523 AND d.location = 'erin'
/* user_id=5 */ SHOW TABLES LIKE "user%"
UPDATE  jobs  SET locked_at = "2024-04-25 14:29:00", locked_by = 'worker-532810163' WHERE id = 5871
SELECT * FROM users WHERE id = ? AND tenant_id = ?
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ("75319", '56699', "82093", '67367', "77489", '55383') /*application='web',controller='orders',action='show',traceparent='00-92ac78f84ba64575-01'*/
DROP TABLE IF EXISTS `tmp_1`
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 1 AND t.priority >= 1 AND t.state <> 'closed' ORDER BY t.updated_at DESC
select * from users where id = ? and tenant_id = ?
DELETE FROM cart_items WHERE cart_id = 826241373 AND product_id IN (1, 8598, 2, 3, 2)
SELECT * FROM blobs WHERE digest = X'36AE78B8AC124180' OR flags = b'0000' OR id = 0x5763
INSERT  INTO  audit_log (user_id, action, payload, created_at) VALUES (3670, 'logout', '{"ip": "10.0.300329667.1"}', '2024-08-17 09:52:00')
BEGIN /*application='web',controller='orders',action='show',traceparent='00-b52e85ab5a715091-01'*/
DELETE FROM sessions WHERE expires_at < "2024-04-16 04:38:00"
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 8 AND d.location = "müller"
insert into users (email, name, created_at) values ("smith & co2824@example.com", 'müller', "2024-09-19 20:54:00")
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 5 DAY)
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 794812036 AND t.priority >= 1 AND t.state <> "closed" ORDER BY t.updated_at DESC
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (7, "update", "{\"ip\": \"10.0.3.1\"}", '2024-07-15 08:43:00')
INSERT INTO users (email, name, created_at) VALUES ("grace104018217@example.com", 'frank', "2024-03-18 00:59:00")
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (5682) GROUP BY r.product_id
select sql_no_cache id from orders force index (idx_created) where created_at > "2024-01-27 17:25:00" limit 8, 20
DELETE  FROM  sessions WHERE expires_at < '2024-05-27 14:29:00'
DROP  TABLE  IF EXISTS `tmp_1` /*application='web',controller='orders',action='show',traceparent='00-d2c65577bd5c5c5d-01'*/
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 9227.40) AND active = true
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = "o'brien@x.io" /*application='web',controller='orders',action='show',traceparent='00-7a73df91915cd9fc-01'*/
select t.id, t.title from tickets t where t.assignee_id = 904933408 and t.priority >= 5 and t.state <> 'closed' order by t.updated_at desc
SELECT /*+ MAX_EXECUTION_TIME(2000) */ id FROM big_table WHERE k = 6
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = 'x\\y@x.io'
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = 'erin@x.io'
SELECT usr.id, usr.name FROM users usr WHERE usr.tenant_id = 2215 AND usr.deleted_at IS NULL ORDER BY usr.name LIMIT 25 /*application='web',controller='orders',action='show',traceparent='00-7cdeb019adfe9feb-01'*/
UPDATE jobs SET locked_at = '2024-08-11 06:53:00', locked_by = 'worker-4888' WHERE id = 5
REPLACE INTO kv (k, v) VALUES ("x\\y", 'frank')
UPDATE orders SET status = 'cancelled', updated_at = "2024-07-16 20:28:00" WHERE id = 1 AND status = 'cancelled'
SHOW TABLES LIKE "user%"
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 528639716 AND m.id > 2214 ORDER BY m.id ASC LIMIT 100
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('84889', "82207", "15235", "57255", "65953", "94351", "78454", "98225")
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 5915.93 ORDER BY o.total DESC LIMIT 4187 /*application='web',controller='orders',action='show',traceparent='00-e8c0d87e864392c2-01'*/
DELETE FROM sessions WHERE expires_at < "2024-09-01 20:51:00"
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 6917.29 AND 8084.28 GROUP BY category_id ORDER BY 2 DESC
SELECT  `orders`.*  FROM `orders` WHERE `orders`.`user_id` = 167087146 ORDER BY `orders`.`created_at` DESC LIMIT 10
update users set last_login_at = "2024-11-26 06:33:00", login_count = login_count + 1 where id = 1 /*application='web',controller='orders',action='show',traceparent='00-ab829d5f4a6803d8-01'*/
select o.id, sum(li.quantity * li.unit_price) as amount from orders o inner join line_items li on li.order_id = o.id where o.status in ("cancelled", 'cancelled', "shipped", 'pending', "refunded", 'paid') group by o.id having sum(li.quantity * li.unit_price) > 1157.92
SELECT * FROM orders WHERE id = 666911289 -- trailing comment
SELECT * FROM `users` WHERE `id` = 7902
SELECT id FROM t1 WHERE a = 1-5 AND b = 'it\\\'s'
/* user_id=3 */ SELECT * FROM blobs WHERE digest = X'A3356FAD033C608F' OR flags = b'0110' OR id = 0x248F
START TRANSACTION
SELECT COUNT(*) FROM events WHERE account_id = 278 AND kind = "view" AND occurred_at > "2024-01-05 02:50:00"
INSERT INTO users (email, name, created_at) VALUES ('bob760169596@example.com', 'o\'brien', '2024-09-17 03:53:00')
/* user_id=876307543 */ update orders set status = "refunded", updated_at = '2024-05-27 12:41:00' where id = 5846 and status = 'paid'
begin
DELETE FROM sessions WHERE expires_at < '2024-03-10 01:48:00'
DROP TABLE IF EXISTS `tmp_1`
TRUNCATE TABLE staging_events
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 10073079
/* user_id=974040004 */ UPDATE  jobs  SET locked_at = '2024-03-08 05:47:00', locked_by = 'worker-7' WHERE id = 285551600
SELECT * FROM users WHERE id = ? AND tenant_id = ?
show tables like 'user%'
SELECT t0.id, t0.name FROM users t0 WHERE t0.tenant_id = 9284 AND t0.deleted_at IS NULL ORDER BY t0.name LIMIT 10
SHOW TABLES LIKE "user%" /*application='web',controller='orders',action='show',traceparent='00-0d9bfa7f13f39064-01'*/
UPDATE users SET last_login_at = "2024-11-04 20:09:00", login_count = login_count + 1 WHERE id = 9
SHOW FULL PROCESSLIST
delete from sessions where expires_at < "2024-07-11 03:23:00"
SHOW FULL PROCESSLIST
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 5 OR i.product_id IS NULL
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 3612 ORDER BY `orders`.`created_at` DESC LIMIT 10 # from worker 389763182
SELECT id, email, created_at FROM users WHERE email = "o'brien@example.com" LIMIT 1
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-09-11 04:42:00' AND created_at < "2024-09-12 15:03:00"
SET NAMES utf8mb4
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 315.97 ORDER BY o.total DESC LIMIT 8
call refresh_stats(191149157, 'alice')
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = 'judy@x.io'
SELECT id, email, created_at FROM users WHERE email = 'alice@example.com' LIMIT 1 # from worker 2
select count(*) from information_schema.tables where table_schema = "shop"
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 8813.63) AND active = FALSE
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 26 DAY)
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > "2024-01-14 08:46:00" LIMIT 971071137, 20
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-04-18 18:43:00' /*application='web',controller='orders',action='show',traceparent='00-6e9765589d0c0b02-01'*/
SELECT c.id FROM coupons c WHERE c.code = 'SAVE378020471' AND c.valid_until > '2024-08-26 14:53:00' AND c.uses < c.max_uses
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (896680874, 724219501, 437) GROUP BY r.product_id
select c.id from coupons c where c.code = "save3" and c.valid_until > '2024-11-12 23:20:00' and c.uses < c.max_uses
UPDATE jobs SET locked_at = '2024-05-26 12:42:00', locked_by = 'worker-504636554' WHERE id = 2
UPDATE jobs SET locked_at = "2024-11-22 13:15:00", locked_by = 'worker-7' WHERE id = 494860726
SET SESSION sql_mode = "STRICT_TRANS_TABLES"
select id, payload from jobs where queue = "mail" and run_at <= '2024-10-28 17:34:00' and locked_at is null order by priority, run_at limit 1
TRUNCATE TABLE staging_events
SELECT * FROM users WHERE id = 36324519
TRUNCATE  TABLE  staging_events
ALTER TABLE `users` ADD INDEX `idx_email_3` (`email`) # from worker 7
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > '2024-07-28 16:08:00' LIMIT 764307924, 20
/* user_id=4 */ SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 3 ORDER BY `orders`.`created_at` DESC LIMIT 10
SELECT * FROM customers WHERE name = N'x\y' /*application='web',controller='orders',action='show',traceparent='00-017bd3cbe184dc3f-01'*/
CALL  refresh_stats(208011936,  "dave")
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > '2024-02-27 16:57:00' LIMIT 456655580, 20
SELECT  /*+  MAX_EXECUTION_TIME(2000) */ id FROM big_table WHERE k = 1459
/* user_id=684244069 */ select p.id, p.sku, p.price from products p left join inventory i on i.product_id = p.id where i.quantity < 2 or i.product_id is null
INSERT IGNORE INTO tags (name) VALUES ("bob")
SELECT * FROM customers WHERE name = N'frank'
update orders o join users u on u.id = o.user_id set o.flag = 1 where u.email = 'ivan@x.io'
UPDATE jobs SET locked_at = '2024-06-13 09:36:00', locked_by = "worker-374747941" WHERE id = 9136
SELECT  o.id,  o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 6395.46 ORDER BY o.total DESC LIMIT 1310
SELECT * FROM `users` WHERE `id` = 7091
SELECT * FROM `users` WHERE `id` = 8999
COMMIT
SELECT s.id, s.name FROM stores s WHERE s.region_id = 2148 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 3
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (1, "login", '{"ip": "10.0.2.1"}', '2024-09-28 11:31:00')
begin
ALTER TABLE `users` ADD INDEX `idx_email_2` (`email`)
CREATE TABLE IF NOT EXISTS `tmp_1` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(255) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
SELECT id FROM t1 WHERE a = 1-7 AND b = 'it\\\'s' /*application='web',controller='orders',action='show',traceparent='00-212b41dcb18f4fbc-01'*/
UPDATE orders SET status = 'paid', updated_at = "2024-02-10 12:31:00" WHERE id = 311714842 AND status = "paid"
SELECT s.id, s.name FROM stores s WHERE s.region_id = 5 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 143402299
UPDATE orders SET status = "refunded", updated_at = "2024-06-15 19:04:00" WHERE id = 9340 AND status = 'paid' /*application='web',controller='orders',action='show',traceparent='00-44a5fdd7699b275e-01'*/
SELECT @@version, @@session.sql_mode
begin
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (234360803) GROUP BY r.product_id
SELECT DISTINCT country FROM addresses WHERE user_id = 71048667
INSERT  INTO  users (email, name, created_at) VALUES ('ivan7952@example.com', "frank", '2024-10-01 14:48:00')
CALL  refresh_stats(1669,  "müller")
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = 'dave@x.io'
START TRANSACTION
CALL refresh_stats(3, 'frank')
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 3402.08 ORDER BY o.total DESC LIMIT 486949538
SELECT /*+ MAX_EXECUTION_TIME(1000) */ id FROM big_table WHERE k = 3
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 2052 AND t.priority >= 1 AND t.state <> "closed" ORDER BY t.updated_at DESC
START TRANSACTION
INSERT INTO users (email, name, created_at) VALUES ("smith & co1@example.com", "carol", "2024-01-15 19:27:00")
SELECT DISTINCT country FROM addresses WHERE user_id = 187632227 /*application='web',controller='orders',action='show',traceparent='00-1b4e56ec8aca80b9-01'*/
insert into counters (k, v) values ("bob", 8) on duplicate key update v = v + values(v)
select t.id, t.title from tickets t where t.assignee_id = 8 and t.priority >= 3 and t.state <> "closed" order by t.updated_at desc
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-09-21 04:18:00'
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 1053.32) AND active = FALSE
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ("paid", 'refunded', 'cancelled', "pending", 'cancelled', "pending", 'cancelled') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 1084.82
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('cancelled') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 6668.80
START TRANSACTION
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 75360583 AND m.id > 6 ORDER BY m.id ASC LIMIT 50
delete from sessions where expires_at < "2024-01-15 18:39:00"
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 8385.18) AND active = TRUE
CREATE TABLE IF NOT EXISTS `tmp_1` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(64) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > "2024-09-25 10:47:00" LIMIT 5605, 20
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-10-14 02:25:00' /*application='web',controller='orders',action='show',traceparent='00-9bc6489e8bfd6590-01'*/
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = 'judy@x.io'
DELETE FROM sessions WHERE expires_at < '2024-03-23 06:49:00'
SELECT COUNT(*) FROM events WHERE account_id = 459979448 AND kind = 'view' AND occurred_at > "2024-05-14 19:45:00" # from worker 4216
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (7195, 8) GROUP BY r.product_id
SET  SESSION  sql_mode = "STRICT_TRANS_TABLES"
select id from t1 where a = 1-8 and b = 'it\\\'s'
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (5, 513382927, 181745903, 436917859, 2513) GROUP BY r.product_id
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > '2024-06-27 14:35:00' LIMIT 306883100, 20
SELECT c.id FROM coupons c WHERE c.code = "SAVE55486926" AND c.valid_until > "2024-11-28 21:12:00" AND c.uses < c.max_uses
COMMIT
UPDATE users SET last_login_at = '2024-09-26 10:36:00', login_count = login_count + 1 WHERE id = 836921160
SELECT  o.id,  o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 3829.00 ORDER BY o.total DESC LIMIT 2
select id from t1 where a = 1-1 and b = 'it\\\'s'
SELECT COUNT(*) FROM events WHERE account_id = 1 AND kind = 'click' AND occurred_at > "2024-03-24 23:58:00"
select e.id, e.name, d.name as dept from employees e join departments d on d.id = e.department_id where e.salary > 651689861 and d.location = "carol"
select t.id, t.title from tickets t where t.assignee_id = 9 and t.priority >= 4 and t.state <> 'closed' order by t.updated_at desc
select s.id, s.name from stores s where s.region_id = 7 union all select w.id, w.name from warehouses w where w.region_id = 6273
SELECT s.id, s.name FROM stores s WHERE s.region_id = 977099862 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 9
SELECT id, email, created_at FROM users WHERE email = "ivan@example.com" LIMIT 1
SELECT * FROM blobs WHERE digest = X'204B16DD6E4EB588' OR flags = b'1010' OR id = 0xB33D
ROLLBACK
INSERT INTO counters (k, v) VALUES ("o'brien", 9) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
UPDATE jobs SET locked_at = "2024-02-26 13:39:00", locked_by = 'worker-850333420' WHERE id = 6386
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 29 HOUR LIMIT 1000
CALL refresh_stats(351806367, "smith & co")
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 7 AND m.id > 329325412 ORDER BY m.id ASC LIMIT 50 /*application='web',controller='orders',action='show',traceparent='00-f7339ff893672aac-01'*/
DROP TABLE IF EXISTS `tmp_1`
INSERT  INTO  users (email, name, created_at) VALUES ("smith & co252601360@example.com", 'x\\y', '2024-04-26 08:49:00') /*application='web',controller='orders',action='show',traceparent='00-ccc4104800145ec8-01'*/
SELECT * FROM blobs WHERE digest = X'41133E6C29B8B47E' OR flags = b'1010' OR id = 0x984
/* user_id=7 */ SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 656311633
/* user_id=7 */ SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 7034.73 ORDER BY o.total DESC LIMIT 1829
UPDATE users SET last_login_at = '2024-06-13 03:17:00', login_count = login_count + 1 WHERE id = 4963
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 9741.40 AND 1349.58 GROUP BY category_id ORDER BY 2 DESC
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ("95939", '59721', "38635", '88856', '12281', "15981", '61243')
INSERT INTO counters (k, v) VALUES ("dave", 1) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 3843.70 ORDER BY o.total DESC LIMIT 5407
SELECT COUNT(*) FROM events WHERE account_id = 8 AND kind = "buy" AND occurred_at > "2024-03-28 03:13:00" /*application='web',controller='orders',action='show',traceparent='00-83aa04dd48e94bd3-01'*/
DELETE FROM sessions WHERE expires_at < "2024-04-26 02:42:00"
/* user_id=5 */ SELECT * FROM orders WHERE id = 4459 -- trailing comment
ALTER TABLE `users` ADD INDEX `idx_email_2` (`email`)
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 1724 AND m.id > 1 ORDER BY m.id ASC LIMIT 50
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 571870324 AND d.location = "grace"
ALTER  TABLE  `users` ADD INDEX `idx_email_3` (`email`)
select r.product_id, avg(r.rating) from reviews r where r.product_id in (480707676, 8860, 5897, 89855319, 6472, 462601479, 5, 707990517) group by r.product_id /*application='web',controller='orders',action='show',traceparent='00-3daa35cf26d08e04-01'*/
DELETE FROM sessions WHERE expires_at < "2024-09-14 15:16:00"
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > '2024-10-13 20:12:00' LIMIT 317115069, 20
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 5 DAY) /*application='web',controller='orders',action='show',traceparent='00-5fff59ae1bda1fd9-01'*/
SELECT @@version, @@session.sql_mode
SET  SESSION  sql_mode = "STRICT_TRANS_TABLES"
SELECT  id,  email, created_at FROM users WHERE email = "ivan@example.com" LIMIT 1
UPDATE orders SET status = 'shipped', updated_at = '2024-07-25 13:21:00' WHERE id = 249370960 AND status = 'paid'
DELETE FROM sessions WHERE expires_at < '2024-04-16 03:23:00'
SELECT  DISTINCT  country FROM addresses WHERE user_id = 3582
SELECT * FROM blobs WHERE digest = X'68EAE9EE7264B5ED' OR flags = b'1100' OR id = 0x3DEB
COMMIT
TRUNCATE TABLE staging_events
select json_extract(doc, '$.name') from docs where id = 6
REPLACE INTO kv (k, v) VALUES ('frank', "x\\y")
INSERT INTO counters (k, v) VALUES ("北京", 465386572) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
SELECT id, payload FROM jobs WHERE queue = 'reports' AND run_at <= "2024-04-16 18:09:00" AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
SET SESSION sql_mode = "STRICT_TRANS_TABLES"
ALTER TABLE `users` ADD INDEX `idx_email_1` (`email`)
SELECT  id,  payload FROM jobs WHERE queue = "default" AND run_at <= '2024-11-01 04:19:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
select `orders`.* from `orders` where `orders`.`user_id` = 9303 order by `orders`.`created_at` desc limit 10 /*application='web',controller='orders',action='show',traceparent='00-87ed05138c36597f-01'*/
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > '2024-12-05 12:56:00' LIMIT 6, 20
select * from users where id in (select user_id from orders where total > 3464.75) and active = false
SELECT id, payload FROM jobs WHERE queue = "default" AND run_at <= "2024-11-19 09:24:00" AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
SELECT id FROM products WHERE name LIKE '%alice%' ORDER BY id LIMIT 20 OFFSET 20
BEGIN
/* user_id=1 */ UPDATE jobs SET locked_at = '2024-04-20 20:37:00', locked_by = 'worker-7' WHERE id = 126445436
SELECT  *  FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 5907.80) AND active = FALSE
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 5 AND d.location = 'judy'
SELECT /*+ MAX_EXECUTION_TIME(1000) */ id FROM big_table WHERE k = 2393
BEGIN
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 8092.72 AND 4279.06 GROUP BY category_id ORDER BY 2 DESC
DROP TABLE IF EXISTS `tmp_1`
SELECT id FROM t1 WHERE a = 1-8 AND b = 'it\\\'s'
SELECT id FROM products WHERE name LIKE "%frank%" ORDER BY id LIMIT 20 OFFSET 40
INSERT IGNORE INTO tags (name) VALUES ("alice")
select category_id, count(*), avg(price) from products where price between 456.45 and 8704.62 group by category_id order by 2 desc
DELETE FROM sessions WHERE expires_at < "2024-04-01 17:11:00"
ROLLBACK
SELECT * FROM users WHERE id = ? AND tenant_id = ?
UPDATE orders SET status = "cancelled", updated_at = "2024-06-27 22:45:00" WHERE id = 5 AND status = "refunded"
UPDATE  orders  SET status = "pending", updated_at = "2024-10-26 02:30:00" WHERE id = 3 AND status = "pending"
SELECT * FROM blobs WHERE digest = X'E8BB2AC5FEB19478' OR flags = b'0011' OR id = 0x98CD
SHOW TABLES LIKE "user%"
SELECT DISTINCT country FROM addresses WHERE user_id = 335204188 # from worker 7795
BEGIN /*application='web',controller='orders',action='show',traceparent='00-0c0394c8a701f2ba-01'*/
SELECT  id  FROM t1 WHERE a = 1-8 AND b = 'it\\\'s'
UPDATE users SET last_login_at = "2024-07-25 04:48:00", login_count = login_count + 1 WHERE id = 9
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop'
SELECT DISTINCT country FROM addresses WHERE user_id = 1714
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('shipped', 'cancelled', "cancelled", 'cancelled', 'paid', 'paid', 'shipped', "paid", 'refunded', 'refunded', 'paid', 'cancelled') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 657.47
insert into line_items (order_id, product_id, quantity, unit_price) values (7, 3567, 1, 7429.39), (648670463, 5515, 5, 410.37), (6329, 7832, 1, 3534.17)
SELECT COUNT(*) FROM events WHERE account_id = 123059267 AND kind = "view" AND occurred_at > "2024-09-21 19:58:00"
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 2 AND t.priority >= 1 AND t.state <> 'closed' ORDER BY t.updated_at DESC
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "shop"
select * from orders where user_id in (962333960, 865847301, 620627863, 9, 747527074, 5, 5, 6237, 8699, 5146) and status = "cancelled"
SELECT * FROM users WHERE id = 7
select @@version, @@session.sql_mode
delete from sessions where expires_at < "2024-05-23 16:11:00"
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > '2024-07-16 05:39:00' LIMIT 798783476, 20
CALL refresh_stats(2, "ivan")
select distinct country from addresses where user_id = 8
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (544, 'update', "{\"ip\": \"10.0.2.1\"}", '2024-04-04 21:31:00')
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('cancelled', "cancelled", "shipped", "refunded") GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 833.72
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 4473.34 AND 3002.24 GROUP BY category_id ORDER BY 2 DESC
SELECT  m.id,  m.body FROM messages m WHERE m.thread_id = 5 AND m.id > 6 ORDER BY m.id ASC LIMIT 50
DELETE FROM sessions WHERE expires_at < "2024-06-06 06:53:00"
SELECT t0.id, t0.name FROM users t0 WHERE t0.tenant_id = 5479 AND t0.deleted_at IS NULL ORDER BY t0.name LIMIT 25
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > "2024-08-13 21:16:00"
CREATE TABLE IF NOT EXISTS `tmp_1` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(255) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
SELECT s.id, s.name FROM stores s WHERE s.region_id = 7 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 132601341
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = "o'brien@x.io"
SELECT  id  FROM t1 WHERE a = 1-9 AND b = "it\\'s"
SHOW FULL PROCESSLIST
/* user_id=476954826 */ UPDATE  users  SET last_login_at = "2024-07-23 22:02:00", login_count = login_count + 1 WHERE id = 7794
SELECT c.id FROM coupons c WHERE c.code = "SAVE870695255" AND c.valid_until > '2024-10-01 16:39:00' AND c.uses < c.max_uses
SELECT COUNT(*) FROM events WHERE account_id = 1210 AND kind = 'buy' AND occurred_at > "2024-10-06 19:36:00"
DELETE FROM sessions WHERE expires_at < "2024-08-13 23:58:00"
SELECT id FROM t1 WHERE a = 1-3 AND b = 'it\\\'s'
INSERT IGNORE INTO tags (name) VALUES ('heidi')
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (712425339, 'login', "{\"ip\": \"10.0.4.1\"}", '2024-04-02 02:53:00')
select t.id, t.title from tickets t where t.assignee_id = 835309514 and t.priority >= 5 and t.state <> 'closed' order by t.updated_at desc /*application='web',controller='orders',action='show',traceparent='00-b02e337b6d9d42b3-01'*/
SELECT * FROM orders WHERE id = 927325588 -- trailing comment
CALL refresh_stats(9205, 'x\\y')
/* user_id=4972 */ SELECT * FROM products WHERE name = _utf8mb4'müller' COLLATE utf8mb4_unicode_ci
/* user_id=9 */ SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 4 AND t.priority >= 3 AND t.state <> 'closed' ORDER BY t.updated_at DESC
SELECT COUNT(*) FROM events WHERE account_id = 575903292 AND kind = "click" AND occurred_at > '2024-07-20 01:35:00'
SELECT  o.id,  o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 3750.70 ORDER BY o.total DESC LIMIT 6
begin
UPDATE users SET last_login_at = '2024-06-26 15:08:00', login_count = login_count + 1 WHERE id = 2
DELETE FROM cart_items WHERE cart_id = 2417 AND product_id IN (6, 940883048, 693464268, 929349043, 1739)
SELECT count(*) AS total FROM orders WHERE created_at >= "2024-12-08 00:45:00" AND created_at < "2024-09-28 12:22:00"
select * from customers where name = n'bob'
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (3, 2330, 6, 5, 2, 228835167, 312310051, 42671768, 105025143, 3) GROUP BY r.product_id /*application='web',controller='orders',action='show',traceparent='00-148f77cc634b2069-01'*/
SELECT COUNT(*) FROM events WHERE account_id = 9 AND kind = 'click' AND occurred_at > "2024-10-06 21:00:00"
DELETE FROM cart_items WHERE cart_id = 7 AND product_id IN (1650, 7)
SELECT c.id FROM coupons c WHERE c.code = 'SAVE9' AND c.valid_until > '2024-07-16 04:51:00' AND c.uses < c.max_uses
SELECT * FROM blobs WHERE digest = X'4654E46387DB8241' OR flags = b'1111' OR id = 0xE9D8
SELECT @@version, @@session.sql_mode
SELECT * FROM users WHERE id = 451824089 /*application='web',controller='orders',action='show',traceparent='00-bc471c3fa1ee8f5a-01'*/
SELECT id FROM products WHERE name LIKE "%x\\y%" ORDER BY id LIMIT 20 OFFSET 0
SELECT * FROM products WHERE name = _utf8mb4'smith & co' COLLATE utf8mb4_unicode_ci
select /*+ max_execution_time(2000) */ id from big_table where k = 3906
alter table `users` add index `idx_email_2` (`email`)
SELECT * FROM orders WHERE id = 4 -- trailing comment
SELECT * FROM orders WHERE id = 6791 -- trailing comment
START TRANSACTION
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "shop"
SELECT  *  FROM products WHERE name = _utf8mb4'müller' COLLATE utf8mb4_unicode_ci
select r.product_id, avg(r.rating) from reviews r where r.product_id in (471993603, 67631726, 745954262, 9353, 850716364) group by r.product_id
/* user_id=1289 */ SELECT id, payload FROM jobs WHERE queue = 'mail' AND run_at <= '2024-12-12 09:53:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
SELECT id FROM products WHERE name LIKE "%frank%" ORDER BY id LIMIT 20 OFFSET 0 /*application='web',controller='orders',action='show',traceparent='00-82901a861733e350-01'*/
select s.id, s.name from stores s where s.region_id = 3 union all select w.id, w.name from warehouses w where w.region_id = 4
SELECT * FROM `users` WHERE `id` = 9436
SELECT * FROM `users` WHERE `id` = 404
BEGIN
SELECT id FROM t1 WHERE a = 1-7 AND b = "it\\'s"
select sql_no_cache id from orders force index (idx_created) where created_at > "2024-01-07 10:55:00" limit 337433455, 20
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (561805524, 375869163, 4, 5358.13), (6124, 5, 3, 8956.31), (8624509, 542649421, 3, 1087.30), (1800, 894701830, 3, 5177.48)
/* user_id=358075301 */ INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (207148640, 2709, 2, 5535.78), (3585, 39446487, 3, 8291.69), (4570, 7, 1, 9396.88)
CREATE TABLE IF NOT EXISTS `tmp_2` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(255) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
SELECT * FROM products WHERE name = _utf8mb4'müller' COLLATE utf8mb4_unicode_ci
replace into kv (k, v) values ("50% off", "heidi")
SELECT a.id, a.name FROM users a WHERE a.tenant_id = 985113621 AND a.deleted_at IS NULL ORDER BY a.name LIMIT 10
CREATE TABLE IF NOT EXISTS `tmp_2` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(64) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
SHOW FULL PROCESSLIST
SELECT id FROM t1 WHERE a = 1-2 AND b = 'it\\\'s'
SELECT id, payload FROM jobs WHERE queue = "mail" AND run_at <= "2024-03-20 16:06:00" AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
select s.id, s.name from stores s where s.region_id = 1 union all select w.id, w.name from warehouses w where w.region_id = 8
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 7673.03) AND active = TRUE
BEGIN
COMMIT
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 757703567 AND m.id > 3 ORDER BY m.id ASC LIMIT 50
/* user_id=565716569 */ UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = "judy@x.io"
COMMIT
REPLACE INTO kv (k, v) VALUES ("x\\y", "erin")
SELECT c.id FROM coupons c WHERE c.code = 'SAVE5987' AND c.valid_until > "2024-05-11 20:44:00" AND c.uses < c.max_uses # from worker 3
SELECT * FROM blobs WHERE digest = X'EC5E7DC705714F19' OR flags = b'0111' OR id = 0xEA59
SET NAMES utf8mb4
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 7 AND t.priority >= 5 AND t.state <> "closed" ORDER BY t.updated_at DESC
CALL refresh_stats(3569, 'carol')
REPLACE INTO kv (k, v) VALUES ("smith & co", "o'brien")
select s.id, s.name from stores s where s.region_id = 222348482 union all select w.id, w.name from warehouses w where w.region_id = 3
DELETE FROM sessions WHERE expires_at < '2024-03-20 09:48:00'
UPDATE orders SET status = "cancelled", updated_at = '2024-03-07 07:45:00' WHERE id = 5288 AND status = 'shipped'
SELECT id, payload FROM jobs WHERE queue = "mail" AND run_at <= '2024-11-04 07:47:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
INSERT IGNORE INTO tags (name) VALUES ('bob')
SELECT a.id, a.name FROM users a WHERE a.tenant_id = 2663 AND a.deleted_at IS NULL ORDER BY a.name LIMIT 10 # from worker 9098
DELETE FROM sessions WHERE expires_at < '2024-11-16 11:49:00'
SHOW FULL PROCESSLIST
SELECT * FROM products WHERE name = _utf8mb4'alice' COLLATE utf8mb4_unicode_ci
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 9
/* user_id=8 */ SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "shop"
SELECT @@version, @@session.sql_mode
select id from products where name like "%grace%" order by id limit 20 offset 20
SELECT /*+ MAX_EXECUTION_TIME(1000) */ id FROM big_table WHERE k = 590206583
DROP TABLE IF EXISTS `tmp_1`
ROLLBACK
SELECT * FROM blobs WHERE digest = X'F842E86281E9B072' OR flags = b'1100' OR id = 0x4645
select * from orders where user_id in (958435323, 2772, 1570, 6863, 168819332, 1408, 385342456, 6511, 8, 1, 9) and status = "shipped"
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 4 DAY) /*application='web',controller='orders',action='show',traceparent='00-e5cdc93ced3f5c25-01'*/
SELECT a.id, a.name FROM users a WHERE a.tenant_id = 7 AND a.deleted_at IS NULL ORDER BY a.name LIMIT 50
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > '2024-01-21 15:18:00' LIMIT 6, 20
SELECT c.id FROM coupons c WHERE c.code = "SAVE2051" AND c.valid_until > '2024-05-11 20:42:00' AND c.uses < c.max_uses
SELECT * FROM orders WHERE id = 7 -- trailing comment /*application='web',controller='orders',action='show',traceparent='00-a06f0e9e14f8c131-01'*/
select p.id, p.sku, p.price from products p left join inventory i on i.product_id = p.id where i.quantity < 6277 or i.product_id is null
TRUNCATE TABLE staging_events
BEGIN
UPDATE users SET last_login_at = '2024-03-27 00:35:00', login_count = login_count + 1 WHERE id = 639452806
ROLLBACK
SELECT  r.product_id,  avg(r.rating) FROM reviews r WHERE r.product_id IN (907059334, 265683848, 474, 2643, 6018, 817794016, 659, 955572980) GROUP BY r.product_id
SELECT DISTINCT country FROM addresses WHERE user_id = 1026
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop'
update orders set status = 'paid', updated_at = '2024-08-27 20:26:00' where id = 81276321 and status = 'refunded'
SELECT COUNT(*) FROM events WHERE account_id = 6618 AND kind = 'view' AND occurred_at > "2024-08-14 23:24:00"
INSERT  INTO  users (email, name, created_at) VALUES ("new\\nline67629652@example.com", "bob", '2024-05-28 08:20:00')
UPDATE users SET last_login_at = "2024-10-03 23:12:00", login_count = login_count + 1 WHERE id = 347336243 /*application='web',controller='orders',action='show',traceparent='00-68dec947f069c1ee-01'*/
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-12-01 08:31:00'
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 587188636 AND d.location = 'carol'
CALL refresh_stats(767497697, "judy") /*application='web',controller='orders',action='show',traceparent='00-5f2810c837419636-01'*/
SELECT  m.id,  m.body FROM messages m WHERE m.thread_id = 843585466 AND m.id > 933663690 ORDER BY m.id ASC LIMIT 100
SELECT c.id FROM coupons c WHERE c.code = 'SAVE509' AND c.valid_until > '2024-04-28 10:34:00' AND c.uses < c.max_uses
select distinct country from addresses where user_id = 3
select `orders`.* from `orders` where `orders`.`user_id` = 4 order by `orders`.`created_at` desc limit 10
SHOW FULL PROCESSLIST /*application='web',controller='orders',action='show',traceparent='00-84e156f9a879dc43-01'*/
SELECT COUNT(*) FROM events WHERE account_id = 91428516 AND kind = 'buy' AND occurred_at > '2024-02-12 17:05:00'
select count(*) from information_schema.tables where table_schema = 'shop'
SELECT * FROM users WHERE id = 639808803 /*application='web',controller='orders',action='show',traceparent='00-06aab341e12bdce1-01'*/
SELECT  @@version,  @@session.sql_mode
UPDATE jobs SET locked_at = '2024-07-02 22:16:00', locked_by = "worker-728678691" WHERE id = 843
INSERT INTO users (email, name, created_at) VALUES ('dave6@example.com', 'müller', "2024-07-24 10:55:00")
SELECT count(*) AS total FROM orders WHERE created_at >= "2024-09-02 09:08:00" AND created_at < "2024-10-18 10:51:00"
INSERT INTO counters (k, v) VALUES ('judy', 2241) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
/* user_id=4 */ INSERT INTO counters (k, v) VALUES ("dave", 8630) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = 'o\'brien@x.io'
SELECT  id  FROM t1 WHERE a = 1-3 AND b = 'it\\\'s'
SELECT id, payload FROM jobs WHERE queue = "default" AND run_at <= '2024-09-26 10:08:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
alter table `users` add index `idx_email_2` (`email`)
SELECT DISTINCT country FROM addresses WHERE user_id = 4563
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (9, 7, 851360283, 294106455, 4, 202244960, 142013136, 6285, 459412883) GROUP BY r.product_id /*application='web',controller='orders',action='show',traceparent='00-82ed1f23588b2746-01'*/
UPDATE users SET last_login_at = "2024-07-23 19:00:00", login_count = login_count + 1 WHERE id = 6518
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (4, 593398139, 4, 9384.44), (7239, 6, 1, 9974.99), (2108, 520290156, 3, 6692.90), (429833909, 3, 4, 7801.07), (418179853, 125959399, 2, 128.70) /*application='web',controller='orders',action='show',traceparent='00-aa39e3a0e9db2434-01'*/
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = 'bob@x.io'
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 7 AND m.id > 6 ORDER BY m.id ASC LIMIT 50
INSERT  INTO  users (email, name, created_at) VALUES ("o'brien632556401@example.com", "o'brien", '2024-05-21 07:37:00')
SELECT * FROM blobs WHERE digest = X'FD28A4079E68D9DA' OR flags = b'0011' OR id = 0xE977
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = "new\\nline@x.io"
INSERT IGNORE INTO tags (name) VALUES ("北京")
show full processlist
DELETE FROM cart_items WHERE cart_id = 3 AND product_id IN (4538, 2483, 660608602, 4, 5, 9, 517953483)
SELECT COUNT(*) FROM events WHERE account_id = 9 AND kind = 'view' AND occurred_at > '2024-01-24 01:44:00'
delete from cart_items where cart_id = 6 and product_id in (8123)
SET SESSION sql_mode = 'STRICT_TRANS_TABLES'
INSERT IGNORE INTO tags (name) VALUES ("50% off")
SELECT id, email, created_at FROM users WHERE email = 'carol@example.com' LIMIT 1
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 821781627 ORDER BY `orders`.`created_at` DESC LIMIT 10
CREATE TABLE IF NOT EXISTS `tmp_5` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(64) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > "2024-10-01 17:35:00" LIMIT 146774863, 20
SELECT * FROM blobs WHERE digest = X'02FF16D4869A8D6A' OR flags = b'0110' OR id = 0xBC1D
COMMIT
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "shop"
SELECT * FROM `users` WHERE `id` = 2
SELECT * FROM users WHERE id = ? AND tenant_id = ?
SHOW TABLES LIKE "user%"
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ("95546")
UPDATE users SET last_login_at = '2024-02-23 15:45:00', login_count = login_count + 1 WHERE id = 605491382
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 763492344 AND d.location = 'alice' # from worker 6393
SELECT @@version, @@session.sql_mode /*application='web',controller='orders',action='show',traceparent='00-e7dd51b041838eca-01'*/
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > "2024-10-20 07:56:00"
DELETE  FROM  sessions WHERE expires_at < '2024-08-14 20:00:00'
SELECT * FROM blobs WHERE digest = X'A9115AC27911BD5F' OR flags = b'1011' OR id = 0x7B90
SELECT * FROM orders WHERE user_id IN (781777586, 7, 200891952, 4282, 759801503, 2) AND status = "shipped"
UPDATE  orders  o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = 'x\\y@x.io'
/* user_id=5948 */ UPDATE  orders  o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = "carol@x.io"
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 374257821 /*application='web',controller='orders',action='show',traceparent='00-ae3fd206a879728d-01'*/
update orders set status = "refunded", updated_at = "2024-02-15 02:52:00" where id = 243 and status = 'refunded'
SHOW TABLES LIKE 'user%' /*application='web',controller='orders',action='show',traceparent='00-8325c15f89e47e9e-01'*/
SHOW TABLES LIKE "user%"
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (9902, 9, 4, 3122.64), (180336825, 7871, 3, 3183.78), (7, 700419572, 2, 9982.36)
INSERT INTO users (email, name, created_at) VALUES ('o\'brien23295674@example.com', "erin", '2024-12-11 21:43:00')
SELECT s.id, s.name FROM stores s WHERE s.region_id = 9094 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 2438
DROP TABLE IF EXISTS `tmp_1`
ROLLBACK
/* user_id=9107 */ SELECT usr.id, usr.name FROM users usr WHERE usr.tenant_id = 525929958 AND usr.deleted_at IS NULL ORDER BY usr.name LIMIT 25
SELECT  JSON_EXTRACT(doc,  '$.name') FROM docs WHERE id = 327216601
SELECT id FROM products WHERE name LIKE "%new\\nline%" ORDER BY id LIMIT 20 OFFSET 40
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 5 AND d.location = 'erin'
INSERT IGNORE INTO tags (name) VALUES ("grace")
REPLACE INTO kv (k, v) VALUES ("50% off", 'o\'brien')
replace into kv (k, v) values ("北京", "dave")
SELECT * FROM orders WHERE user_id IN (578443117, 347036587, 577622189, 788174863, 3, 672, 7, 7, 443911729, 8, 3) AND status = "refunded"
replace into kv (k, v) values ("müller", "frank") /*application='web',controller='orders',action='show',traceparent='00-18d1f43f91b93856-01'*/
SELECT  COUNT(*)  FROM events WHERE account_id = 4 AND kind = 'click' AND occurred_at > "2024-07-13 04:30:00"
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 32 HOUR LIMIT 1000
UPDATE users SET last_login_at = "2024-05-11 16:50:00", login_count = login_count + 1 WHERE id = 394033084
UPDATE  orders  SET status = 'refunded', updated_at = '2024-03-02 03:52:00' WHERE id = 116286981 AND status = "pending"
INSERT INTO users (email, name, created_at) VALUES ("erin3@example.com", 'alice', "2024-04-24 00:11:00")
SELECT  @@version,  @@session.sql_mode
SELECT s.id, s.name FROM stores s WHERE s.region_id = 1913 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 6
INSERT IGNORE INTO tags (name) VALUES ("heidi")
SELECT t0.id, t0.name FROM users t0 WHERE t0.tenant_id = 9558 AND t0.deleted_at IS NULL ORDER BY t0.name LIMIT 50
SELECT  s.id,  s.name FROM stores s WHERE s.region_id = 6479 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 208611375
select id from products where name like '%x\\y%' order by id limit 20 offset 40
UPDATE users SET last_login_at = '2024-06-15 05:18:00', login_count = login_count + 1 WHERE id = 274012194
SELECT id FROM products WHERE name LIKE "%o'brien%" ORDER BY id LIMIT 20 OFFSET 20 /*application='web',controller='orders',action='show',traceparent='00-bc86a9d4c57819e2-01'*/
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop'
SELECT id FROM products WHERE name LIKE "%carol%" ORDER BY id LIMIT 20 OFFSET 20
SELECT * FROM orders WHERE user_id IN (8, 9928, 14528336, 9276, 9796, 1774) AND status = "pending"
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 8 OR i.product_id IS NULL /*application='web',controller='orders',action='show',traceparent='00-388fc01dd06f7417-01'*/
select category_id, count(*), avg(price) from products where price between 4164.13 and 1341.81 group by category_id order by 2 desc /*application='web',controller='orders',action='show',traceparent='00-5fbd1e9ed841fef9-01'*/
SELECT  t.id,  t.title FROM tickets t WHERE t.assignee_id = 5531 AND t.priority >= 1 AND t.state <> "closed" ORDER BY t.updated_at DESC
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 1055 AND d.location = '北京'
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = "北京@x.io"
alter table `users` add index `idx_email_2` (`email`)
SET NAMES utf8mb4
SELECT  t.id,  t.title FROM tickets t WHERE t.assignee_id = 958789148 AND t.priority >= 2 AND t.state <> 'closed' ORDER BY t.updated_at DESC /*application='web',controller='orders',action='show',traceparent='00-e36130e3b5f6551a-01'*/
SELECT  r.product_id,  avg(r.rating) FROM reviews r WHERE r.product_id IN (9, 574457835, 3864, 5871, 2, 5761, 3, 752, 1, 2504, 338256723) GROUP BY r.product_id
SELECT * FROM blobs WHERE digest = X'963A6948E90549F5' OR flags = b'1100' OR id = 0x9B22
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 10 DAY)
SET NAMES utf8mb4
SELECT /*+ MAX_EXECUTION_TIME(2000) */ id FROM big_table WHERE k = 5
SELECT id, email, created_at FROM users WHERE email = "smith & co@example.com" LIMIT 1
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 1792.44 AND 578.65 GROUP BY category_id ORDER BY 2 DESC
select json_extract(doc, '$.name') from docs where id = 4956
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (582097602, 1, 4223, 680548356, 3776, 297662264, 7000, 9) GROUP BY r.product_id
select o.id, sum(li.quantity * li.unit_price) as amount from orders o inner join line_items li on li.order_id = o.id where o.status in ('pending', 'refunded', 'paid', "pending") group by o.id having sum(li.quantity * li.unit_price) > 6234.02
TRUNCATE TABLE staging_events
CALL refresh_stats(8, "müller")
SELECT id FROM products WHERE name LIKE "%o'brien%" ORDER BY id LIMIT 20 OFFSET 20
DELETE FROM cart_items WHERE cart_id = 210155454 AND product_id IN (6, 9, 184672091, 246)
SHOW TABLES LIKE 'user%'
INSERT  INTO  audit_log (user_id, action, payload, created_at) VALUES (5926, 'logout', '{"ip": "10.0.595135192.1"}', "2024-12-22 11:45:00")
SELECT  t0.id,  t0.name FROM users t0 WHERE t0.tenant_id = 3 AND t0.deleted_at IS NULL ORDER BY t0.name LIMIT 10 # from worker 539620872
SELECT c.id FROM coupons c WHERE c.code = "SAVE3" AND c.valid_until > '2024-08-15 08:45:00' AND c.uses < c.max_uses
INSERT INTO users (email, name, created_at) VALUES ("x\\y3@example.com", '50% off', "2024-09-20 17:03:00")
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 6942 OR i.product_id IS NULL
TRUNCATE TABLE staging_events
DELETE FROM cart_items WHERE cart_id = 7203 AND product_id IN (6734, 295947497, 2, 402255314, 187596208, 479, 5)
SELECT COUNT(*) FROM events WHERE account_id = 3 AND kind = 'view' AND occurred_at > '2024-02-15 10:13:00'
/* user_id=8 */ DELETE FROM cart_items WHERE cart_id = 8118 AND product_id IN (7, 308728663, 6083, 5)
SELECT id FROM t1 WHERE a = 1-2 AND b = "it\\'s"
UPDATE users SET last_login_at = '2024-09-28 05:09:00', login_count = login_count + 1 WHERE id = 277126950
CALL refresh_stats(3, 'judy')
ALTER TABLE `users` ADD INDEX `idx_email_2` (`email`)
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > '2024-10-14 20:59:00' LIMIT 5920, 20
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop'
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (5570, 538832770) GROUP BY r.product_id /*application='web',controller='orders',action='show',traceparent='00-5e888bfa76afe199-01'*/
SELECT * FROM orders WHERE user_id IN (944, 1646, 797728480, 2, 4697, 2) AND status = 'shipped'
SELECT id FROM products WHERE name LIKE "%erin%" ORDER BY id LIMIT 20 OFFSET 40 /*application='web',controller='orders',action='show',traceparent='00-d7ee929641aa39e7-01'*/
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ("cancelled", "cancelled") GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 7429.18
SELECT c.id FROM coupons c WHERE c.code = 'SAVE9' AND c.valid_until > '2024-09-09 20:25:00' AND c.uses < c.max_uses
ROLLBACK
UPDATE jobs SET locked_at = '2024-08-21 01:07:00', locked_by = 'worker-569608465' WHERE id = 844198377
DELETE FROM cart_items WHERE cart_id = 3 AND product_id IN (757196335, 6461, 925577657, 3, 535100421, 5952, 4)
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 8672 AND m.id > 4058 ORDER BY m.id ASC LIMIT 50
/* user_id=529 */ SELECT m.id, m.body FROM messages m WHERE m.thread_id = 2 AND m.id > 9 ORDER BY m.id ASC LIMIT 50
SELECT * FROM orders WHERE user_id IN (3, 2, 954567344, 390724434) AND status = "pending"
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('cancelled', "refunded", "shipped", 'shipped', "paid", "cancelled") GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 3410.12
BEGIN
COMMIT
SELECT id FROM products WHERE name LIKE '%heidi%' ORDER BY id LIMIT 20 OFFSET 40
UPDATE orders SET status = "cancelled", updated_at = "2024-08-16 10:26:00" WHERE id = 1 AND status = "cancelled"
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > "2024-12-14 17:07:00"
UPDATE jobs SET locked_at = "2024-05-24 13:59:00", locked_by = 'worker-8093' WHERE id = 2536
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-10-25 00:38:00' AND created_at < "2024-11-02 14:19:00"
UPDATE orders SET status = 'refunded', updated_at = '2024-06-13 03:33:00' WHERE id = 2 AND status = "shipped"
DROP  TABLE  IF EXISTS `tmp_1`
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 4685.44 ORDER BY o.total DESC LIMIT 514437779
SELECT * FROM products WHERE name = _utf8mb4'x\y' COLLATE utf8mb4_unicode_ci
SELECT  category_id,  count(*), avg(price) FROM products WHERE price BETWEEN 895.78 AND 7393.50 GROUP BY category_id ORDER BY 2 DESC
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 20 DAY)
SET SESSION sql_mode = 'STRICT_TRANS_TABLES'
SELECT id FROM products WHERE name LIKE "%dave%" ORDER BY id LIMIT 20 OFFSET 20
replace into kv (k, v) values ("北京", 'x\\y')
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ("refunded", "pending", "paid", 'paid', 'refunded', 'shipped', 'paid', "shipped", "pending", "shipped", "paid") GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 8103.07 /*application='web',controller='orders',action='show',traceparent='00-89297433c4598bac-01'*/
SELECT id FROM products WHERE name LIKE '%erin%' ORDER BY id LIMIT 20 OFFSET 20
SELECT * FROM `users` WHERE `id` = 4
UPDATE jobs SET locked_at = "2024-10-16 15:53:00", locked_by = "worker-6" WHERE id = 6571
SELECT * FROM `users` WHERE `id` = 318302197
update users set last_login_at = "2024-03-26 17:15:00", login_count = login_count + 1 where id = 7 # from worker 1
DELETE FROM cart_items WHERE cart_id = 479958360 AND product_id IN (213906782, 811053599, 107077488, 872715593)
CALL refresh_stats(7, "heidi")
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 10 HOUR LIMIT 1000
SELECT  m.id,  m.body FROM messages m WHERE m.thread_id = 174919141 AND m.id > 2 ORDER BY m.id ASC LIMIT 100
SELECT COUNT(*) FROM events WHERE account_id = 440486229 AND kind = "view" AND occurred_at > '2024-03-14 13:05:00'
INSERT INTO users (email, name, created_at) VALUES ('50% off9071@example.com', 'x\\y', '2024-04-26 22:50:00')
SELECT * FROM orders WHERE user_id IN (4, 4, 9, 9477) AND status = 'paid'
INSERT INTO users (email, name, created_at) VALUES ('frank4251@example.com', "new\\nline", '2024-03-22 00:45:00')
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 706.25) AND active = true
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('31362', "83366", '69163', "92152", "26963", '81050', '12411')
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = "grace@x.io"
SELECT  p.id,  p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 568451712 OR i.product_id IS NULL
TRUNCATE TABLE staging_events /*application='web',controller='orders',action='show',traceparent='00-04263c497bae3d96-01'*/
SELECT COUNT(*) FROM events WHERE account_id = 6 AND kind = 'click' AND occurred_at > "2024-10-25 09:23:00" /*application='web',controller='orders',action='show',traceparent='00-593cf9313b83d6d5-01'*/
SHOW FULL PROCESSLIST
ROLLBACK
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 16728131 AND t.priority >= 4 AND t.state <> "closed" ORDER BY t.updated_at DESC
/* user_id=411 */ SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 386847827 AND t.priority >= 5 AND t.state <> "closed" ORDER BY t.updated_at DESC
select id from products where name like '%grace%' order by id limit 20 offset 20
ROLLBACK
SELECT * FROM users WHERE id = ? AND tenant_id = ?
SELECT * FROM users WHERE id = ? AND tenant_id = ?
SELECT  a.id,  a.city FROM addresses a WHERE a.zip IN ('12914', '97886', '34888', '53580') /*application='web',controller='orders',action='show',traceparent='00-33239709d485c682-01'*/
SELECT  id,  email, created_at FROM users WHERE email = "grace@example.com" LIMIT 1 /*application='web',controller='orders',action='show',traceparent='00-4a375fc9976631e7-01'*/
select p.id, p.sku, p.price from products p left join inventory i on i.product_id = p.id where i.quantity < 8525 or i.product_id is null
SELECT  COUNT(*)  FROM events WHERE account_id = 5607 AND kind = 'view' AND occurred_at > '2024-06-02 10:06:00'
SELECT id, payload FROM jobs WHERE queue = 'mail' AND run_at <= "2024-04-17 07:18:00" AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1 /*application='web',controller='orders',action='show',traceparent='00-01ba083634aefb59-01'*/
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 1012.41 AND 168.00 GROUP BY category_id ORDER BY 2 DESC
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 939610749 AND m.id > 8031 ORDER BY m.id ASC LIMIT 50
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 4754 ORDER BY `orders`.`created_at` DESC LIMIT 10
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 2567
SELECT * FROM blobs WHERE digest = X'63DCE5EE32066C5C' OR flags = b'0011' OR id = 0x9073 # from worker 6
SELECT COUNT(*) FROM events WHERE account_id = 992 AND kind = "buy" AND occurred_at > '2024-08-25 15:46:00'
SELECT * FROM blobs WHERE digest = X'024FB56AA9CCA547' OR flags = b'0000' OR id = 0xABFD
SHOW TABLES LIKE "user%"
SELECT * FROM orders WHERE user_id IN (3, 6, 7, 7, 2, 2, 4784, 9455, 9927, 501717096, 7487) AND status = "paid"
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 1 ORDER BY `orders`.`created_at` DESC LIMIT 10
insert into users (email, name, created_at) values ('o\'brien8@example.com', "new\\nline", '2024-02-18 08:12:00') /*application='web',controller='orders',action='show',traceparent='00-1c4aafb2f826396e-01'*/
select o.id, o.total, u.email from orders o join users u on u.id = o.user_id where o.total > 7595.93 order by o.total desc limit 413108314
set names utf8mb4
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 6511.58 ORDER BY o.total DESC LIMIT 123381098 /*application='web',controller='orders',action='show',traceparent='00-7aca08ef3ff44851-01'*/
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 13 DAY)
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 22 DAY)
SELECT * FROM orders WHERE user_id IN (9113, 470462223, 1, 2, 3393, 353574774, 6227, 9797, 287152654, 1, 790857728, 899993395) AND status = 'refunded'
select * from orders where created_at > date_sub(now(), interval 19 day)
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 1583.78 AND 8747.72 GROUP BY category_id ORDER BY 2 DESC
SHOW TABLES LIKE "user%"
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (210037932, "login", "{\"ip\": \"10.0.466619242.1\"}", "2024-01-03 05:09:00")
SELECT id FROM t1 WHERE a = 1-2 AND b = "it\\'s"
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 2147.27) AND active = FALSE
SELECT id FROM products WHERE name LIKE "%carol%" ORDER BY id LIMIT 20 OFFSET 0
REPLACE INTO kv (k, v) VALUES ("50% off", '北京')
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-10-19 08:22:00' AND created_at < '2024-05-27 16:39:00'
SELECT * FROM users WHERE id = ? AND tenant_id = ?
SET  NAMES  utf8mb4
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 1641.46) AND active = TRUE
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 8991.18) AND active = true
SELECT /*+ MAX_EXECUTION_TIME(1000) */ id FROM big_table WHERE k = 5
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (32131819, 'login', '{"ip": "10.0.132877705.1"}', "2024-10-24 09:57:00")
select * from users where id = 47562995
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (6935, 877376130, 178316671, 939188724, 392298053, 819462079, 734257559) GROUP BY r.product_id
INSERT  INTO  counters (k, v) VALUES ('alice', 2) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
SET SESSION sql_mode = 'STRICT_TRANS_TABLES'
SELECT  COUNT(*)  FROM events WHERE account_id = 3914 AND kind = 'buy' AND occurred_at > '2024-10-05 00:21:00'
INSERT IGNORE INTO tags (name) VALUES ('new\\nline')
replace into kv (k, v) values ('50% off', "50% off")
DELETE  FROM  cart_items WHERE cart_id = 8 AND product_id IN (9710, 171696558, 6, 772636215, 2910, 6569, 6, 6692, 2, 7865, 2, 8)
START TRANSACTION
/* user_id=228265620 */ SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "shop"
SELECT * FROM blobs WHERE digest = X'34249419C9CC4AB5' OR flags = b'0111' OR id = 0xD831 /*application='web',controller='orders',action='show',traceparent='00-635129dff8eec9fe-01'*/
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "shop"
/* user_id=8 */ select o.id, sum(li.quantity * li.unit_price) as amount from orders o inner join line_items li on li.order_id = o.id where o.status in ("paid") group by o.id having sum(li.quantity * li.unit_price) > 7167.41
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 642928767 AND m.id > 567006346 ORDER BY m.id ASC LIMIT 50
UPDATE orders SET status = "shipped", updated_at = '2024-12-01 07:49:00' WHERE id = 9 AND status = "pending"
SELECT * FROM blobs WHERE digest = X'B905BC4F8A2D0FA7' OR flags = b'0111' OR id = 0x5C36
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 3 DAY)
SELECT * FROM blobs WHERE digest = X'9DB2EBCAA06274EB' OR flags = b'0010' OR id = 0xDB0E
UPDATE orders SET status = 'refunded', updated_at = "2024-06-14 09:54:00" WHERE id = 1 AND status = "paid"
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > "2024-10-25 17:29:00" LIMIT 979165687, 20 /*application='web',controller='orders',action='show',traceparent='00-5dbf41a3a5de17f0-01'*/
SELECT id FROM products WHERE name LIKE "%judy%" ORDER BY id LIMIT 20 OFFSET 20
INSERT INTO counters (k, v) VALUES ('o\'brien', 712719273) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
UPDATE jobs SET locked_at = '2024-01-23 20:27:00', locked_by = 'worker-486675063' WHERE id = 4970
SELECT /*+ MAX_EXECUTION_TIME(2000) */ id FROM big_table WHERE k = 7
/* user_id=6394 */ commit
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > "2024-10-13 00:16:00" LIMIT 8, 20
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 5
SELECT * FROM blobs WHERE digest = X'1A62820F5564CA23' OR flags = b'1001' OR id = 0xE6C4 /*application='web',controller='orders',action='show',traceparent='00-3d772b307a06e2d7-01'*/
SELECT * FROM orders WHERE id = 5589 -- trailing comment
/* user_id=127977656 */ SELECT s.id, s.name FROM stores s WHERE s.region_id = 91121439 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 9
REPLACE INTO kv (k, v) VALUES ('ivan', 'erin')
SELECT COUNT(*) FROM events WHERE account_id = 6 AND kind = "buy" AND occurred_at > "2024-06-16 18:55:00"
START TRANSACTION /*application='web',controller='orders',action='show',traceparent='00-e059b89c29818954-01'*/
REPLACE INTO kv (k, v) VALUES ('ivan', 'smith & co')
SELECT * FROM users WHERE id = ? AND tenant_id = ?
alter table `users` add index `idx_email_1` (`email`)
SELECT c.id FROM coupons c WHERE c.code = "SAVE453677535" AND c.valid_until > '2024-05-27 08:19:00' AND c.uses < c.max_uses
SELECT * FROM orders WHERE user_id IN (2903, 558098709) AND status = "pending" /*application='web',controller='orders',action='show',traceparent='00-fad157fb7ccc2b1f-01'*/
SHOW TABLES LIKE "user%"
SELECT c.id FROM coupons c WHERE c.code = "SAVE7470" AND c.valid_until > "2024-03-12 09:43:00" AND c.uses < c.max_uses
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 3849.32 ORDER BY o.total DESC LIMIT 1024
SELECT * FROM customers WHERE name = N'dave'
INSERT INTO users (email, name, created_at) VALUES ("dave4@example.com", "alice", "2024-03-11 20:23:00")
UPDATE jobs SET locked_at = "2024-10-11 03:22:00", locked_by = "worker-6751" WHERE id = 257607922
SHOW FULL PROCESSLIST
SET SESSION sql_mode = 'STRICT_TRANS_TABLES'
DELETE FROM sessions WHERE expires_at < '2024-04-18 11:54:00'
select * from `users` where `id` = 614222142
/* user_id=7 */ SELECT COUNT(*) FROM events WHERE account_id = 355643867 AND kind = "click" AND occurred_at > "2024-12-13 17:07:00"
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = 'bob@x.io'
SELECT * FROM blobs WHERE digest = X'D8B7528E4174EB7E' OR flags = b'1011' OR id = 0xA427
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 9114.13 AND 6044.08 GROUP BY category_id ORDER BY 2 DESC
/* user_id=3 */ SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 2
INSERT IGNORE INTO tags (name) VALUES ('bob')
select id from products where name like '%smith & co%' order by id limit 20 offset 40
SELECT  *  FROM products WHERE name = _utf8mb4'o''brien' COLLATE utf8mb4_unicode_ci
SELECT * FROM orders WHERE user_id IN (9, 1, 772197856, 6402, 1, 1729, 1476, 7701, 582, 9, 933404138, 7747) AND status = 'shipped'
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 6 AND d.location = "frank"
SELECT * FROM customers WHERE name = N'erin'
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 20 DAY)
INSERT IGNORE INTO tags (name) VALUES ('judy')
SHOW TABLES LIKE "user%" # from worker 147373542
select o.id, o.total, u.email from orders o join users u on u.id = o.user_id where o.total > 6134.93 order by o.total desc limit 3
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (151426527, "update", "{\"ip\": \"10.0.39142525.1\"}", '2024-04-26 01:44:00')
REPLACE INTO kv (k, v) VALUES ("müller", 'smith & co')
SELECT * FROM customers WHERE name = N'北京' # from worker 954056482
DELETE FROM cart_items WHERE cart_id = 1 AND product_id IN (2207, 2, 75765863, 9, 107750351, 7316)
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > "2024-04-16 14:16:00" LIMIT 834, 20
SELECT * FROM `users` WHERE `id` = 4952
SELECT * FROM products WHERE name = _utf8mb4'grace' COLLATE utf8mb4_unicode_ci
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-10-19 12:38:00' AND created_at < '2024-05-06 06:25:00'
DELETE FROM sessions WHERE expires_at < "2024-05-12 09:03:00" # from worker 9045
SELECT * FROM orders WHERE id = 828678324 -- trailing comment # from worker 164531387
select /*+ max_execution_time(1000) */ id from big_table where k = 6339
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 478321172 AND d.location = "carol"
COMMIT
SELECT * FROM blobs WHERE digest = X'201FE9CD37B65EBC' OR flags = b'1010' OR id = 0x1038
UPDATE jobs SET locked_at = "2024-08-12 19:21:00", locked_by = 'worker-5' WHERE id = 3
SELECT  `orders`.*  FROM `orders` WHERE `orders`.`user_id` = 6602 ORDER BY `orders`.`created_at` DESC LIMIT 10
TRUNCATE TABLE staging_events
INSERT INTO counters (k, v) VALUES ('北京', 3253) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
UPDATE jobs SET locked_at = '2024-02-02 18:38:00', locked_by = 'worker-21153893' WHERE id = 295439109 # from worker 3301313
/* user_id=97065381 */ UPDATE jobs SET locked_at = '2024-02-22 07:59:00', locked_by = "worker-8" WHERE id = 6006
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 555.33 ORDER BY o.total DESC LIMIT 9
delete from sessions where expires_at < "2024-05-06 01:31:00"
ALTER TABLE `users` ADD INDEX `idx_email_2` (`email`)
SELECT count(*) AS total FROM orders WHERE created_at >= "2024-04-19 02:34:00" AND created_at < "2024-11-05 20:27:00"
SELECT  *  FROM customers WHERE name = N'judy'
/* user_id=5183 */ SET NAMES utf8mb4
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > "2024-01-26 11:21:00" LIMIT 1250, 20
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 5178 AND d.location = 'grace'
SELECT COUNT(*) FROM events WHERE account_id = 2860 AND kind = 'view' AND occurred_at > "2024-09-07 01:57:00"
show full processlist /*application='web',controller='orders',action='show',traceparent='00-c3673f41272fe358-01'*/
SELECT /*+ MAX_EXECUTION_TIME(1000) */ id FROM big_table WHERE k = 2586
insert into audit_log (user_id, action, payload, created_at) values (646450432, 'login', '{"ip": "10.0.1.1"}', "2024-01-14 15:45:00")
select id from t1 where a = 1-9 and b = "it\\'s"
SHOW  TABLES  LIKE "user%"
update orders set status = 'refunded', updated_at = '2024-05-14 11:07:00' where id = 584547052 and status = "shipped"
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 3556.93 ORDER BY o.total DESC LIMIT 777
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 974129664
BEGIN
/* user_id=481568034 */ SELECT s.id, s.name FROM stores s WHERE s.region_id = 4 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 9251
INSERT INTO counters (k, v) VALUES ("grace", 5926) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
create table if not exists `tmp_4` (`id` bigint unsigned not null auto_increment, `name` varchar(255) not null default '', primary key (`id`)) engine=innodb default charset=utf8mb4
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ("shipped", "paid", 'refunded', 'refunded', "cancelled", "shipped") GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 4035.88
select sql_no_cache id from orders force index (idx_created) where created_at > '2024-06-14 06:35:00' limit 151912515, 20
start transaction
SELECT c.id FROM coupons c WHERE c.code = 'SAVE289856475' AND c.valid_until > "2024-02-28 11:49:00" AND c.uses < c.max_uses
CALL refresh_stats(87547042, "o'brien")
SELECT * FROM orders WHERE user_id IN (9655, 5, 9887, 8516, 3, 4675, 384242921, 7059, 5) AND status = 'refunded'
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-01-08 02:07:00' AND created_at < '2024-01-19 07:27:00'
SELECT  *  FROM orders WHERE id = 516893944 -- trailing comment
SELECT * FROM users WHERE id = ? AND tenant_id = ?
BEGIN # from worker 6
SELECT /*+ MAX_EXECUTION_TIME(2000) */ id FROM big_table WHERE k = 78387270
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 1591.55 AND 8337.56 GROUP BY category_id ORDER BY 2 DESC
SET SESSION sql_mode = "STRICT_TRANS_TABLES"
SELECT * FROM blobs WHERE digest = X'1B2E05177591AF46' OR flags = b'1000' OR id = 0x694F
SHOW FULL PROCESSLIST
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 28 DAY)
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 32 HOUR LIMIT 1000
CALL refresh_stats(808888741, "北京")
UPDATE jobs SET locked_at = '2024-07-03 14:33:00', locked_by = "worker-244044057" WHERE id = 518283600
/* user_id=4 */ SELECT s.id, s.name FROM stores s WHERE s.region_id = 5 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 239586430
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 35 HOUR LIMIT 1000
UPDATE  orders  SET status = "paid", updated_at = '2024-03-23 13:03:00' WHERE id = 7 AND status = 'pending'
SELECT s.id, s.name FROM stores s WHERE s.region_id = 623439273 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 714082256
REPLACE INTO kv (k, v) VALUES ('frank', 'o\'brien')
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (5765, 'update', "{\"ip\": \"10.0.904989858.1\"}", "2024-11-06 17:38:00")
SELECT  *  FROM blobs WHERE digest = X'E8C37202D3476D4B' OR flags = b'1011' OR id = 0x9F90
SELECT COUNT(*) FROM events WHERE account_id = 3 AND kind = 'buy' AND occurred_at > '2024-07-27 21:34:00'
SELECT COUNT(*) FROM events WHERE account_id = 3 AND kind = 'view' AND occurred_at > "2024-08-15 07:03:00"
SELECT c.id FROM coupons c WHERE c.code = "SAVE210732886" AND c.valid_until > "2024-07-11 06:23:00" AND c.uses < c.max_uses
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 3 OR i.product_id IS NULL
REPLACE  INTO  kv (k, v) VALUES ("grace", 'x\\y')
INSERT IGNORE INTO tags (name) VALUES ('müller')
select sql_no_cache id from orders force index (idx_created) where created_at > "2024-03-26 22:50:00" limit 5, 20
select usr.id, usr.name from users usr where usr.tenant_id = 401302247 and usr.deleted_at is null order by usr.name limit 50
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 8
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 12 DAY)
CREATE TABLE IF NOT EXISTS `tmp_1` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(255) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > '2024-04-18 11:08:00' LIMIT 3469, 20
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 6831.97) AND active = TRUE
TRUNCATE TABLE staging_events
SELECT * FROM orders WHERE user_id IN (273490082, 6, 873072399, 5, 220266481, 6008, 933795695, 4, 513633653, 7) AND status = 'shipped'
SELECT s.id, s.name FROM stores s WHERE s.region_id = 7 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 8055
SELECT * FROM products WHERE name = _utf8mb4'smith & co' COLLATE utf8mb4_unicode_ci
UPDATE jobs SET locked_at = "2024-05-15 03:17:00", locked_by = "worker-9" WHERE id = 145222786
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop'
show full processlist
SELECT * FROM users WHERE id = 371571659 /*application='web',controller='orders',action='show',traceparent='00-f5b4820e7286b218-01'*/
select s.id, s.name from stores s where s.region_id = 3043 union all select w.id, w.name from warehouses w where w.region_id = 6
/* user_id=1 */ SELECT COUNT(*) FROM events WHERE account_id = 213583727 AND kind = "buy" AND occurred_at > '2024-01-27 05:55:00'
UPDATE users SET last_login_at = "2024-07-09 07:19:00", login_count = login_count + 1 WHERE id = 671
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-09-22 20:05:00' AND created_at < '2024-12-15 05:56:00'
SELECT u.id, u.name FROM users u WHERE u.tenant_id = 8 AND u.deleted_at IS NULL ORDER BY u.name LIMIT 10
SELECT id FROM t1 WHERE a = 1-9 AND b = 'it\\\'s' /*application='web',controller='orders',action='show',traceparent='00-fd68028c8fc5c494-01'*/
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 1 AND m.id > 6696 ORDER BY m.id ASC LIMIT 50
insert ignore into tags (name) values ("bob") /*application='web',controller='orders',action='show',traceparent='00-3220d219220e880d-01'*/
select s.id, s.name from stores s where s.region_id = 357 union all select w.id, w.name from warehouses w where w.region_id = 767872280 /*application='web',controller='orders',action='show',traceparent='00-551a7ae44ea97359-01'*/
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 398.62 AND 2373.80 GROUP BY category_id ORDER BY 2 DESC
SELECT c.id FROM coupons c WHERE c.code = 'SAVE975804413' AND c.valid_until > "2024-12-11 03:13:00" AND c.uses < c.max_uses
insert into users (email, name, created_at) values ("dave264358201@example.com", "carol", '2024-09-26 19:03:00')
SET SESSION sql_mode = "STRICT_TRANS_TABLES"
SELECT * FROM blobs WHERE digest = X'133F966249DFC09F' OR flags = b'1010' OR id = 0x9409 /*application='web',controller='orders',action='show',traceparent='00-9b7596e26dca6512-01'*/
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > "2024-04-07 18:45:00" /*application='web',controller='orders',action='show',traceparent='00-fd852d18a15d9652-01'*/
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (1, 2, 1, 3799.41)
insert into line_items (order_id, product_id, quantity, unit_price) values (7311, 5, 4, 8188.16), (2880, 445577894, 3, 9580.58), (9960, 2, 3, 9172.96), (849, 949109662, 3, 3062.95)
/* user_id=9684 */ select o.id, sum(li.quantity * li.unit_price) as amount from orders o inner join line_items li on li.order_id = o.id where o.status in ('shipped', 'cancelled', 'shipped', 'refunded', "shipped", "shipped", 'cancelled', "refunded", "refunded") group by o.id having sum(li.quantity * li.unit_price) > 5447.81
SELECT * FROM customers WHERE name = N'o''brien'
SET SESSION sql_mode = "STRICT_TRANS_TABLES"
DELETE FROM cart_items WHERE cart_id = 215958386 AND product_id IN (5290, 9)
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 7423 AND d.location = "dave"
/* user_id=4 */ SELECT DISTINCT country FROM addresses WHERE user_id = 2808
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 451595910 OR i.product_id IS NULL
SELECT * FROM customers WHERE name = N'dave'
SELECT * FROM blobs WHERE digest = X'B5DEAC52D4190E9B' OR flags = b'1011' OR id = 0x9030
DELETE FROM sessions WHERE expires_at < "2024-08-21 11:30:00" /*application='web',controller='orders',action='show',traceparent='00-a5585c823d1ad4e8-01'*/
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 4617.73 AND 9679.32 GROUP BY category_id ORDER BY 2 DESC
set names utf8mb4
SELECT * FROM customers WHERE name = N'o''brien' # from worker 3
BEGIN # from worker 826012894
SELECT u.id, u.name FROM users u WHERE u.tenant_id = 49159793 AND u.deleted_at IS NULL ORDER BY u.name LIMIT 10 /*application='web',controller='orders',action='show',traceparent='00-3a21d1f061c35082-01'*/
SELECT id FROM products WHERE name LIKE '%50% off%' ORDER BY id LIMIT 20 OFFSET 40
SELECT id, email, created_at FROM users WHERE email = "heidi@example.com" LIMIT 1
START TRANSACTION
CREATE TABLE IF NOT EXISTS `tmp_1` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(255) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
UPDATE orders SET status = "refunded", updated_at = '2024-11-03 07:33:00' WHERE id = 304564629 AND status = "refunded"
select u.id, (select count(*) from orders o where o.user_id = u.id) as order_count from users u where u.created_at > '2024-08-23 22:53:00'
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ("74006", "97389", '17124', "36285", "13969", "62445", "39073", "76512")
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > "2024-01-04 10:31:00" LIMIT 172068490, 20 /*application='web',controller='orders',action='show',traceparent='00-b0a3cef77ec0856e-01'*/
SELECT c.id FROM coupons c WHERE c.code = "SAVE5" AND c.valid_until > "2024-09-17 13:56:00" AND c.uses < c.max_uses # from worker 7
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (1, 1, 2, 2306.27), (3, 3228, 3, 1598.27) /*application='web',controller='orders',action='show',traceparent='00-edfadf9e2834893e-01'*/
SELECT * FROM users WHERE id = 5176 /*application='web',controller='orders',action='show',traceparent='00-f703bc2bd83754c0-01'*/
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = 'judy@x.io'
select category_id, count(*), avg(price) from products where price between 9606.46 and 4012.33 group by category_id order by 2 desc
SELECT c.id FROM coupons c WHERE c.code = 'SAVE6966' AND c.valid_until > "2024-08-14 07:23:00" AND c.uses < c.max_uses
/* user_id=2100 */ BEGIN
SELECT * FROM customers WHERE name = N'erin' /*application='web',controller='orders',action='show',traceparent='00-1c130787bf5dd91e-01'*/
SELECT  id,  email, created_at FROM users WHERE email = "bob@example.com" LIMIT 1 /*application='web',controller='orders',action='show',traceparent='00-695132c9b0fdd15e-01'*/
SHOW  TABLES  LIKE 'user%'
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 22 DAY)
SELECT COUNT(*) FROM events WHERE account_id = 1 AND kind = "buy" AND occurred_at > '2024-07-18 07:23:00'
UPDATE users SET last_login_at = "2024-03-08 11:38:00", login_count = login_count + 1 WHERE id = 4
CREATE TABLE IF NOT EXISTS `tmp_4` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(64) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 9989.19 AND 9579.56 GROUP BY category_id ORDER BY 2 DESC
BEGIN
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (71769841, 1, 9, 2, 2567, 440970, 676634385) GROUP BY r.product_id
/* user_id=4 */ SELECT c.id FROM coupons c WHERE c.code = "SAVE5" AND c.valid_until > '2024-03-25 15:45:00' AND c.uses < c.max_uses
SELECT  e.id,  e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 833778800 AND d.location = 'frank'
REPLACE INTO kv (k, v) VALUES ("alice", "alice")
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > "2024-01-19 13:25:00"
SELECT @@version, @@session.sql_mode
SELECT * FROM customers WHERE name = N'北京'
/* user_id=7606 */ SELECT id, email, created_at FROM users WHERE email = "dave@example.com" LIMIT 1
SELECT id, payload FROM jobs WHERE queue = 'reports' AND run_at <= '2024-12-16 09:25:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
SELECT * FROM orders WHERE user_id IN (980975268) AND status = "refunded"
SELECT * FROM customers WHERE name = N'new\nline'
SELECT  *  FROM products WHERE name = _utf8mb4'erin' COLLATE utf8mb4_unicode_ci
DELETE FROM sessions WHERE expires_at < '2024-05-17 09:34:00'
select id from t1 where a = 1-7 and b = 'it\\\'s'
SELECT /*+ MAX_EXECUTION_TIME(1000) */ id FROM big_table WHERE k = 9
SELECT * FROM blobs WHERE digest = X'446FB95E6A0ECEEC' OR flags = b'1000' OR id = 0x3058 /*application='web',controller='orders',action='show',traceparent='00-46c27f01b18307fc-01'*/
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 6 AND d.location = '北京'
SELECT * FROM blobs WHERE digest = X'7B8B08CAC04C0DE0' OR flags = b'1110' OR id = 0x98CA
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (5287, 542767382, 4, 1671.33), (2, 506199545, 4, 6170.67), (2, 2, 1, 2946.25), (592823280, 494960799, 4, 9780.77)
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 2568 AND t.priority >= 1 AND t.state <> 'closed' ORDER BY t.updated_at DESC
ALTER TABLE `users` ADD INDEX `idx_email_2` (`email`) /*application='web',controller='orders',action='show',traceparent='00-92c5c9b689164e5d-01'*/
/* user_id=7 */ INSERT INTO users (email, name, created_at) VALUES ("müller907125433@example.com", "judy", '2024-08-13 10:28:00')
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 2 DAY)
SHOW TABLES LIKE "user%"
DELETE FROM sessions WHERE expires_at < '2024-03-14 12:17:00'
select * from products where name = _utf8mb4'müller' collate utf8mb4_unicode_ci
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 3457.56 AND 2386.38 GROUP BY category_id ORDER BY 2 DESC
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (3, 455896682, 4186, 5483) GROUP BY r.product_id
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ("cancelled", "pending", "pending", 'paid', 'refunded', "refunded") GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 843.07
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (4, 2700, 132447006, 737040507, 7, 4, 56449746, 6, 7, 8009) GROUP BY r.product_id
SELECT * FROM products WHERE name = _utf8mb4'bob' COLLATE utf8mb4_unicode_ci
UPDATE orders SET status = 'shipped', updated_at = '2024-10-05 11:51:00' WHERE id = 573 AND status = 'cancelled'
SELECT * FROM `users` WHERE `id` = 9005
DELETE FROM cart_items WHERE cart_id = 341050126 AND product_id IN (250929036, 599800285) /*application='web',controller='orders',action='show',traceparent='00-5d70e3a7a93c62a7-01'*/
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = 'new\\nline@x.io'
UPDATE jobs SET locked_at = '2024-04-13 10:27:00', locked_by = "worker-678346032" WHERE id = 89997508
DROP TABLE IF EXISTS `tmp_1`
SELECT * FROM orders WHERE user_id IN (821619308, 1, 888343256, 3, 8416, 2, 9, 722782900) AND status = 'cancelled'
select o.id, sum(li.quantity * li.unit_price) as amount from orders o inner join line_items li on li.order_id = o.id where o.status in ("pending", 'pending', "paid", 'paid', "paid", "shipped", "paid", "shipped", 'paid', "cancelled", "cancelled") group by o.id having sum(li.quantity * li.unit_price) > 2939.83
SELECT /*+ MAX_EXECUTION_TIME(1000) */ id FROM big_table WHERE k = 6085 /*application='web',controller='orders',action='show',traceparent='00-cc5bbc3227616e73-01'*/
SELECT * FROM products WHERE name = _utf8mb4'dave' COLLATE utf8mb4_unicode_ci
/* user_id=150540795 */ UPDATE jobs SET locked_at = "2024-05-12 02:03:00", locked_by = "worker-4" WHERE id = 5
SELECT s.id, s.name FROM stores s WHERE s.region_id = 6319 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 508 /*application='web',controller='orders',action='show',traceparent='00-a9fe8ad538a0ed96-01'*/
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 1024 ORDER BY `orders`.`created_at` DESC LIMIT 10
SELECT  u.id,  (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > "2024-10-22 13:37:00"
SELECT t0.id, t0.name FROM users t0 WHERE t0.tenant_id = 742225985 AND t0.deleted_at IS NULL ORDER BY t0.name LIMIT 25 /*application='web',controller='orders',action='show',traceparent='00-705b8db01866eea6-01'*/
select count(*) as total from orders where created_at >= "2024-10-06 18:18:00" and created_at < "2024-02-14 21:47:00" /*application='web',controller='orders',action='show',traceparent='00-87d22a60d86b5715-01'*/
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop' /*application='web',controller='orders',action='show',traceparent='00-8aac7252b06b6a48-01'*/
INSERT IGNORE INTO tags (name) VALUES ('grace')
SET SESSION sql_mode = 'STRICT_TRANS_TABLES'
SELECT * FROM users WHERE id = ? AND tenant_id = ?
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "shop"
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 794527761 OR i.product_id IS NULL
delete from sessions where expires_at < '2024-01-08 06:35:00'
select category_id, count(*), avg(price) from products where price between 2026.15 and 9686.94 group by category_id order by 2 desc
SELECT  *  FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 6 DAY) /*application='web',controller='orders',action='show',traceparent='00-d14b2b480f06e5b6-01'*/
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 4077.14 AND 2348.41 GROUP BY category_id ORDER BY 2 DESC
COMMIT
select c.id from coupons c where c.code = "save3186" and c.valid_until > "2024-03-16 04:36:00" and c.uses < c.max_uses
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (264842829, "login", "{\"ip\": \"10.0.116175998.1\"}", '2024-02-19 03:12:00')
SELECT @@version, @@session.sql_mode
ROLLBACK
SELECT  *  FROM products WHERE name = _utf8mb4'frank' COLLATE utf8mb4_unicode_ci
INSERT  INTO  line_items (order_id, product_id, quantity, unit_price) VALUES (626217257, 1, 5, 3807.88), (988347364, 8, 5, 6755.62)
DELETE FROM cart_items WHERE cart_id = 3 AND product_id IN (379381830, 6, 3217, 5, 5, 7) /*application='web',controller='orders',action='show',traceparent='00-52496b054d019a6c-01'*/
insert into line_items (order_id, product_id, quantity, unit_price) values (4, 7, 5, 922.25), (8, 863472057, 5, 5893.65), (4, 5, 4, 5156.40)
SHOW  FULL  PROCESSLIST
SELECT  *  FROM customers WHERE name = N'erin'
SELECT * FROM products WHERE name = _utf8mb4'50% off' COLLATE utf8mb4_unicode_ci
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 3713 ORDER BY `orders`.`created_at` DESC LIMIT 10
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (5, 276742279, 3, 4560.04), (6, 3, 5, 1639.85), (4, 365967018, 5, 91.72), (6170, 272400094, 2, 3554.61) /*application='web',controller='orders',action='show',traceparent='00-6d3cdc2136c848ae-01'*/
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 578413566
select s.id, s.name from stores s where s.region_id = 9 union all select w.id, w.name from warehouses w where w.region_id = 6
SELECT * FROM customers WHERE name = N'müller'
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 8657 OR i.product_id IS NULL
INSERT  INTO  counters (k, v) VALUES ('grace', 3) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 4384.03) AND active = TRUE
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (9257, 2681, 876785783, 4, 8842, 8, 2, 693610855, 4244, 3, 9450616) GROUP BY r.product_id /*application='web',controller='orders',action='show',traceparent='00-07777cbf7ac9348d-01'*/
select id, email, created_at from users where email = "bob@example.com" limit 1
UPDATE orders SET status = 'cancelled', updated_at = "2024-01-04 13:53:00" WHERE id = 912049288 AND status = "paid"
SHOW TABLES LIKE "user%"
COMMIT /*application='web',controller='orders',action='show',traceparent='00-e3cebfd159909276-01'*/
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (9, 9, 3, 5773.51), (5951, 111, 2, 2751.78), (8659, 1, 4, 8865.69), (242, 285815580, 3, 6208.44), (5, 245921619, 5, 5642.88)
select count(*) as total from orders where created_at >= '2024-11-18 23:06:00' and created_at < "2024-03-05 04:05:00"
SELECT * FROM users WHERE id = 5226
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (682388828, 8, 3, 9955.43), (1, 1592, 4, 4737.09), (6, 679156190, 3, 747.62)
/* user_id=8 */ SELECT id, email, created_at FROM users WHERE email = 'x\\y@example.com' LIMIT 1
SELECT COUNT(*) FROM events WHERE account_id = 2 AND kind = "click" AND occurred_at > "2024-08-09 13:03:00"
SELECT  @@version,  @@session.sql_mode
select id, payload from jobs where queue = "mail" and run_at <= '2024-12-09 23:06:00' and locked_at is null order by priority, run_at limit 1
CALL refresh_stats(7725, 'x\\y')
SELECT id FROM t1 WHERE a = 1-8 AND b = "it\\'s"
SELECT * FROM blobs WHERE digest = X'E5E93DA3B33BEEC4' OR flags = b'0000' OR id = 0x1C64
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = "heidi@x.io"
set session sql_mode = 'strict_trans_tables'
INSERT INTO users (email, name, created_at) VALUES ('dave7@example.com', 'dave', '2024-12-11 15:18:00')
SELECT id FROM products WHERE name LIKE "%grace%" ORDER BY id LIMIT 20 OFFSET 40
SELECT  COUNT(*)  FROM events WHERE account_id = 434505497 AND kind = 'view' AND occurred_at > '2024-02-15 22:16:00'
CREATE TABLE IF NOT EXISTS `tmp_2` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(255) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
TRUNCATE TABLE staging_events
ROLLBACK
CALL  refresh_stats(9429,  'new\\nline')
SELECT @@version, @@session.sql_mode
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('paid') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 9554.84
CALL refresh_stats(5578, 'carol')
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 4
/* user_id=3447 */ UPDATE orders SET status = "pending", updated_at = "2024-06-19 01:21:00" WHERE id = 6941 AND status = "pending"
REPLACE INTO kv (k, v) VALUES ('smith & co', 'grace')
INSERT INTO audit_log (user_id, action, payload, created_at) VALUES (860697974, "update", '{"ip": "10.0.5784.1"}', '2024-02-26 12:27:00')
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 238114059 AND t.priority >= 5 AND t.state <> "closed" ORDER BY t.updated_at DESC
SELECT * FROM orders WHERE id = 5380 -- trailing comment
CREATE TABLE IF NOT EXISTS `tmp_3` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(64) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
SELECT  s.id,  s.name FROM stores s WHERE s.region_id = 9131 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 5
/* user_id=9998 */ SET NAMES utf8mb4
/* user_id=9701 */ start transaction
SELECT  e.id,  e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 3883 AND d.location = 'alice'
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 921396022 ORDER BY `orders`.`created_at` DESC LIMIT 10
SELECT s.id, s.name FROM stores s WHERE s.region_id = 247624510 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 248313601
SELECT * FROM orders WHERE user_id IN (3, 822661548, 7, 6, 592080308, 146356315, 9456, 1298, 2800) AND status = 'pending'
select sql_no_cache id from orders force index (idx_created) where created_at > "2024-12-14 18:42:00" limit 8188, 20
SELECT COUNT(*) FROM events WHERE account_id = 629256353 AND kind = 'click' AND occurred_at > '2024-07-22 19:19:00'
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 4340.18) AND active = FALSE
SELECT count(*) AS total FROM orders WHERE created_at >= "2024-11-04 13:00:00" AND created_at < '2024-08-28 02:59:00' /*application='web',controller='orders',action='show',traceparent='00-0cbad941ae936cca-01'*/
insert ignore into tags (name) values ("bob")
SET SESSION sql_mode = "STRICT_TRANS_TABLES"
SELECT COUNT(*) FROM events WHERE account_id = 716596713 AND kind = "view" AND occurred_at > '2024-12-07 04:31:00'
select count(*) from information_schema.tables where table_schema = "shop"
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (7, 383236967, 1, 4605.24), (9830, 7009, 5, 9791.36), (130139191, 3564, 4, 4404.33)
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > "2024-05-26 16:07:00"
UPDATE orders SET status = 'shipped', updated_at = "2024-01-22 12:54:00" WHERE id = 9 AND status = 'shipped'
DROP TABLE IF EXISTS `tmp_1` /*application='web',controller='orders',action='show',traceparent='00-6642193b9ec65f31-01'*/
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 8850 ORDER BY `orders`.`created_at` DESC LIMIT 10
/* user_id=8384 */ SELECT u.id, u.name FROM users u WHERE u.tenant_id = 971660467 AND u.deleted_at IS NULL ORDER BY u.name LIMIT 10
SELECT  u.id,  (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > "2024-04-07 06:42:00"
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 1242 /*application='web',controller='orders',action='show',traceparent='00-047603a2f6ac51bc-01'*/
CREATE TABLE IF NOT EXISTS `tmp_3` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(255) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
SELECT * FROM orders WHERE id = 8 -- trailing comment
select id, payload from jobs where queue = 'default' and run_at <= "2024-04-20 20:54:00" and locked_at is null order by priority, run_at limit 1 /*application='web',controller='orders',action='show',traceparent='00-9084a619d8c84ed1-01'*/
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('refunded', "cancelled", 'shipped', 'shipped', 'refunded', 'paid', "paid", 'paid') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 9018.32
SELECT id FROM t1 WHERE a = 1-2 AND b = "it\\'s"
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (755756763, 3876, 5513, 396290272, 2106, 3, 5, 433013072, 3085) GROUP BY r.product_id
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 743.49 AND 2933.88 GROUP BY category_id ORDER BY 2 DESC /*application='web',controller='orders',action='show',traceparent='00-a406fa979fd48c5e-01'*/
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 96016266 AND d.location = "heidi"
delete from cart_items where cart_id = 445458565 and product_id in (4, 6873, 2049, 4418, 229138975, 320559038, 9, 231586540, 3)
SHOW FULL PROCESSLIST
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 7 DAY)
alter table `users` add index `idx_email_3` (`email`)
SELECT id, email, created_at FROM users WHERE email = "x\\y@example.com" LIMIT 1
drop table if exists `tmp_1`
SELECT  COUNT(*)  FROM events WHERE account_id = 1 AND kind = 'click' AND occurred_at > '2024-03-18 09:34:00'
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 8188.51 AND 6408.71 GROUP BY category_id ORDER BY 2 DESC /*application='web',controller='orders',action='show',traceparent='00-c3db5c1fd307b988-01'*/
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 20 DAY)
CALL refresh_stats(9, 'o\'brien')
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 25 HOUR LIMIT 1000
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > "2024-09-07 18:26:00" LIMIT 88714367, 20 # from worker 8198
SELECT * FROM customers WHERE name = N'smith & co'
INSERT IGNORE INTO tags (name) VALUES ('grace') /*application='web',controller='orders',action='show',traceparent='00-8c8030edf6fcecc0-01'*/
create table if not exists `tmp_5` (`id` bigint unsigned not null auto_increment, `name` varchar(64) not null default '', primary key (`id`)) engine=innodb default charset=utf8mb4
select id from t1 where a = 1-1 and b = "it\\'s"
call refresh_stats(966160651, "carol")
TRUNCATE TABLE staging_events
SET  NAMES  utf8mb4
ALTER TABLE `users` ADD INDEX `idx_email_2` (`email`)
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 3
SELECT @@version, @@session.sql_mode
SELECT * FROM blobs WHERE digest = X'5098BF318D35A2EB' OR flags = b'1001' OR id = 0xDF54
SELECT * FROM orders WHERE user_id IN (2689, 4, 550230251, 5, 447201355, 3980, 6618, 5) AND status = 'shipped'
SET SESSION sql_mode = 'STRICT_TRANS_TABLES' /*application='web',controller='orders',action='show',traceparent='00-79b589e3ccdf6dfe-01'*/
BEGIN
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 4098
/* user_id=815995915 */ UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = 'judy@x.io'
DELETE FROM cart_items WHERE cart_id = 939927111 AND product_id IN (9, 7, 7, 6521, 8, 941577367, 347592403)
SELECT id, payload FROM jobs WHERE queue = "default" AND run_at <= "2024-11-19 18:18:00" AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 47 HOUR LIMIT 1000
SELECT * FROM users WHERE id = 246374261
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-08-06 16:28:00' AND created_at < '2024-11-11 00:28:00'
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-10-23 17:32:00' AND created_at < '2024-09-19 22:47:00'
SELECT id FROM products WHERE name LIKE '%50% off%' ORDER BY id LIMIT 20 OFFSET 40
select * from blobs where digest = x'c5c6d520f745dbea' or flags = b'0111' or id = 0xd39
ROLLBACK
/* user_id=828023864 */ SET  SESSION  sql_mode = "STRICT_TRANS_TABLES"
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 6074.17) AND active = FALSE
/* user_id=473193129 */ SHOW TABLES LIKE "user%"
SELECT * FROM users WHERE id = ? AND tenant_id = ?
ALTER TABLE `users` ADD INDEX `idx_email_1` (`email`)
SELECT @@version, @@session.sql_mode
SELECT * FROM customers WHERE name = N'erin' /*application='web',controller='orders',action='show',traceparent='00-3b509bb574fef1aa-01'*/
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 3 AND d.location = "bob"
SET  SESSION  sql_mode = 'STRICT_TRANS_TABLES'
SELECT a.id, a.name FROM users a WHERE a.tenant_id = 4800 AND a.deleted_at IS NULL ORDER BY a.name LIMIT 10 /*application='web',controller='orders',action='show',traceparent='00-0bc02ec4e4a0757e-01'*/
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 5
START TRANSACTION
select * from orders where user_id in (2505, 868667636, 4, 7, 6459, 7820, 5, 5, 7894) and status = "pending"
REPLACE INTO kv (k, v) VALUES ("judy", "erin")
/* user_id=7 */ SET NAMES utf8mb4
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop'
select * from users where id = ? and tenant_id = ?
set names utf8mb4
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 333275467 AND m.id > 5 ORDER BY m.id ASC LIMIT 100
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 446849620 AND d.location = "alice"
ROLLBACK # from worker 5
SELECT c.id FROM coupons c WHERE c.code = 'SAVE99727488' AND c.valid_until > "2024-05-17 17:33:00" AND c.uses < c.max_uses
SELECT  DISTINCT  country FROM addresses WHERE user_id = 61244755
SHOW FULL PROCESSLIST
SELECT @@version, @@session.sql_mode
select m.id, m.body from messages m where m.thread_id = 638379611 and m.id > 7 order by m.id asc limit 50
select /*+ max_execution_time(1000) */ id from big_table where k = 4
SET  NAMES  utf8mb4
insert into line_items (order_id, product_id, quantity, unit_price) values (5, 3, 4, 4533.68), (1, 4802, 1, 8132.04)
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "shop"
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 3608.26 AND 7422.26 GROUP BY category_id ORDER BY 2 DESC
SELECT * FROM blobs WHERE digest = X'B48B2B8EE25D61E0' OR flags = b'1110' OR id = 0x52AB # from worker 2
SELECT * FROM users WHERE id = 8455 # from worker 1899
TRUNCATE TABLE staging_events
SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 9910.70 ORDER BY o.total DESC LIMIT 945565548
SELECT @@version, @@session.sql_mode
SELECT /*+ MAX_EXECUTION_TIME(1000) */ id FROM big_table WHERE k = 121294366
COMMIT /*application='web',controller='orders',action='show',traceparent='00-4266fc9288577f84-01'*/
UPDATE users SET last_login_at = "2024-03-05 21:03:00", login_count = login_count + 1 WHERE id = 6592
INSERT INTO counters (k, v) VALUES ("北京", 9) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
CALL  refresh_stats(1,  'o\'brien')
select a.id, a.name from users a where a.tenant_id = 1095 and a.deleted_at is null order by a.name limit 25
SET SESSION sql_mode = "STRICT_TRANS_TABLES"
UPDATE orders SET status = "pending", updated_at = '2024-07-25 16:18:00' WHERE id = 804247235 AND status = "shipped"
SELECT id FROM t1 WHERE a = 1-4 AND b = "it\\'s"
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 6 DAY)
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 7 /*application='web',controller='orders',action='show',traceparent='00-be09e44561aab683-01'*/
TRUNCATE TABLE staging_events
select o.id, sum(li.quantity * li.unit_price) as amount from orders o inner join line_items li on li.order_id = o.id where o.status in ('shipped', "cancelled", "pending", "refunded", 'paid', 'cancelled', 'pending', 'paid', "shipped", "paid", "shipped", "refunded") group by o.id having sum(li.quantity * li.unit_price) > 2143.70
UPDATE jobs SET locked_at = '2024-05-12 07:36:00', locked_by = "worker-3227" WHERE id = 9796
SHOW TABLES LIKE 'user%'
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 1487 ORDER BY `orders`.`created_at` DESC LIMIT 10
/* user_id=794322907 */ SELECT o.id, o.total, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 6006.48 ORDER BY o.total DESC LIMIT 3216
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 7 ORDER BY `orders`.`created_at` DESC LIMIT 10
start transaction
INSERT INTO users (email, name, created_at) VALUES ('bob9078@example.com', 'frank', "2024-07-25 03:10:00")
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > "2024-06-10 23:14:00"
select id from t1 where a = 1-4 and b = 'it\\\'s'
SELECT  usr.id,  usr.name FROM users usr WHERE usr.tenant_id = 9 AND usr.deleted_at IS NULL ORDER BY usr.name LIMIT 50
begin # from worker 500030495
SELECT usr.id, usr.name FROM users usr WHERE usr.tenant_id = 212447739 AND usr.deleted_at IS NULL ORDER BY usr.name LIMIT 25
select * from users where id in (select user_id from orders where total > 1941.17) and active = true
INSERT INTO line_items (order_id, product_id, quantity, unit_price) VALUES (889, 6, 4, 5473.26), (3949, 5121, 4, 3372.00), (4261, 5, 3, 259.68), (232391988, 6, 1, 8979.29), (961779971, 54257573, 3, 2940.75), (4, 4, 1, 6613.83) /*application='web',controller='orders',action='show',traceparent='00-1415dacde2b542c7-01'*/
SELECT * FROM customers WHERE name = N'bob' /*application='web',controller='orders',action='show',traceparent='00-c93d7d6a15efbb7a-01'*/
select * from blobs where digest = x'34aa6cb15f08a502' or flags = b'0111' or id = 0x4c9
SELECT * FROM `users` WHERE `id` = 8 /*application='web',controller='orders',action='show',traceparent='00-0111f1cb8b59db26-01'*/
REPLACE  INTO  kv (k, v) VALUES ("smith & co", 'heidi')
update jobs set locked_at = '2024-01-18 10:19:00', locked_by = 'worker-1' where id = 5
SET  SESSION  sql_mode = 'STRICT_TRANS_TABLES'
SELECT * FROM users WHERE id = ? AND tenant_id = ?
SELECT id FROM products WHERE name LIKE "%müller%" ORDER BY id LIMIT 20 OFFSET 40
SELECT  count(*)  AS total FROM orders WHERE created_at >= '2024-03-01 15:06:00' AND created_at < '2024-02-28 11:07:00' /*application='web',controller='orders',action='show',traceparent='00-701cb44aa2b49ade-01'*/
SELECT s.id, s.name FROM stores s WHERE s.region_id = 33 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 3066
insert into counters (k, v) values ('müller', 9186) on duplicate key update v = v + values(v)
delete from sessions where expires_at < "2024-08-24 09:35:00"
SELECT s.id, s.name FROM stores s WHERE s.region_id = 4 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 8920
SELECT  *  FROM orders WHERE user_id IN (174823398, 8569, 943954301) AND status = "refunded"
delete from sessions where expires_at < '2024-05-21 11:06:00' /*application='web',controller='orders',action='show',traceparent='00-5674fc6d94c5305f-01'*/
INSERT INTO users (email, name, created_at) VALUES ('heidi6@example.com', 'frank', '2024-12-05 11:01:00')
SHOW FULL PROCESSLIST
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 45 HOUR LIMIT 1000
COMMIT
SELECT * FROM blobs WHERE digest = X'9A353DFDC2B63840' OR flags = b'1110' OR id = 0x9B5B
INSERT  INTO  line_items (order_id, product_id, quantity, unit_price) VALUES (8, 6, 3, 1435.68), (9692, 7, 1, 5275.80), (2416, 6, 1, 8294.88), (500133577, 592212065, 2, 6157.07)
SELECT id FROM products WHERE name LIKE "%judy%" ORDER BY id LIMIT 20 OFFSET 20
BEGIN
SELECT id, email, created_at FROM users WHERE email = "dave@example.com" LIMIT 1
SET NAMES utf8mb4
COMMIT
SELECT * FROM orders WHERE user_id IN (863075827, 2318, 820549857, 9, 3, 412613329, 6, 3, 376609968) AND status = "cancelled"
SELECT * FROM orders WHERE user_id IN (8, 188930925, 1895, 3, 781415641, 6722, 214302599, 2, 8840, 6453, 560028497, 953024985) AND status = "shipped"
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = '50% off@x.io'
COMMIT
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 956082653 AND m.id > 1 ORDER BY m.id ASC LIMIT 100
SHOW FULL PROCESSLIST
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 290738616 /*application='web',controller='orders',action='show',traceparent='00-5a5085bd7b5efdf8-01'*/
CREATE  TABLE  IF NOT EXISTS `tmp_2` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(64) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 6 AND m.id > 9735 ORDER BY m.id ASC LIMIT 100
commit
SELECT id FROM t1 WHERE a = 1-3 AND b = "it\\'s"
select t.id, t.title from tickets t where t.assignee_id = 236046831 and t.priority >= 5 and t.state <> 'closed' order by t.updated_at desc
select @@version, @@session.sql_mode /*application='web',controller='orders',action='show',traceparent='00-a18842063dec2b47-01'*/
SELECT * FROM orders WHERE user_id IN (5, 396865063, 174, 1950, 3175) AND status = "refunded"
/* user_id=3 */ INSERT IGNORE INTO tags (name) VALUES ('alice')
SET NAMES utf8mb4
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('paid', 'shipped') GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 3278.57
DELETE FROM sessions WHERE expires_at < '2024-08-16 04:52:00' /*application='web',controller='orders',action='show',traceparent='00-8d1750878651d0b9-01'*/
DROP TABLE IF EXISTS `tmp_1`
SELECT * FROM orders WHERE created_at > DATE_SUB(NOW(), INTERVAL 24 DAY)
SELECT * FROM `users` WHERE `id` = 1
SELECT * FROM products WHERE name = _utf8mb4'o''brien' COLLATE utf8mb4_unicode_ci
BEGIN
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 2470 AND d.location = "x\\y"
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-01-02 18:44:00'
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 8 AND t.priority >= 1 AND t.state <> 'closed' ORDER BY t.updated_at DESC
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 996.53) AND active = FALSE /*application='web',controller='orders',action='show',traceparent='00-b91efc4841af5db7-01'*/
SELECT  s.id,  s.name FROM stores s WHERE s.region_id = 816440079 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 379291034
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 6 ORDER BY `orders`.`created_at` DESC LIMIT 10
SELECT  `orders`.*  FROM `orders` WHERE `orders`.`user_id` = 6153 ORDER BY `orders`.`created_at` DESC LIMIT 10
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (410225708, 758550959, 2, 104721857, 191, 9486, 393551784) GROUP BY r.product_id
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 960 OR i.product_id IS NULL /*application='web',controller='orders',action='show',traceparent='00-9711ca8e3f5d37da-01'*/
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-03-09 01:45:00'
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 7178.70 AND 5005.51 GROUP BY category_id ORDER BY 2 DESC
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 1371.91 AND 8227.04 GROUP BY category_id ORDER BY 2 DESC
BEGIN
UPDATE orders SET status = 'paid', updated_at = '2024-06-11 14:53:00' WHERE id = 494553880 AND status = "refunded"
SELECT @@version, @@session.sql_mode
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 130056443
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-06-28 21:36:00'
select a.id, a.city from addresses a where a.zip in ('11571', '23542', '10626', '58791', "13466", '64940', '32885', '22401', '11179', '98749', "95782", '15363') /*application='web',controller='orders',action='show',traceparent='00-b3e3828ef4dd40c7-01'*/
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 4 AND d.location = 'bob' /*application='web',controller='orders',action='show',traceparent='00-43596eb2b026f445-01'*/
INSERT IGNORE INTO tags (name) VALUES ("müller")
DELETE FROM sessions WHERE expires_at < "2024-07-21 03:54:00" /*application='web',controller='orders',action='show',traceparent='00-d991890a854e4e4a-01'*/
SELECT  e.id,  e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 8224 AND d.location = 'müller'
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 9
SELECT * FROM orders WHERE user_id IN (4, 9, 574094452, 767142694, 3339, 4371, 1117, 1001, 4, 1491) AND status = 'pending'
SELECT `orders`.* FROM `orders` WHERE `orders`.`user_id` = 569753593 ORDER BY `orders`.`created_at` DESC LIMIT 10
COMMIT
UPDATE orders SET status = 'shipped', updated_at = '2024-11-15 11:07:00' WHERE id = 9872 AND status = "pending"
SELECT * FROM `users` WHERE `id` = 9505
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 9
start transaction
show full processlist
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 8211.19) AND active = true
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ('refunded', 'pending', 'pending', 'shipped', "cancelled", 'pending', "shipped") GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 3553.60
/* user_id=340024203 */ SELECT id, email, created_at FROM users WHERE email = "new\\nline@example.com" LIMIT 1
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 3 AND m.id > 220303779 ORDER BY m.id ASC LIMIT 50
SELECT @@version, @@session.sql_mode
SELECT * FROM `users` WHERE `id` = 41490767
ALTER TABLE `users` ADD INDEX `idx_email_3` (`email`) /*application='web',controller='orders',action='show',traceparent='00-2bc52576b43d3b13-01'*/
SELECT id FROM products WHERE name LIKE '%new\\nline%' ORDER BY id LIMIT 20 OFFSET 20
SELECT id FROM t1 WHERE a = 1-2 AND b = 'it\\\'s'
DROP TABLE IF EXISTS `tmp_1`
/* user_id=6 */ SELECT id FROM products WHERE name LIKE '%alice%' ORDER BY id LIMIT 20 OFFSET 20
SELECT /*+ MAX_EXECUTION_TIME(1000) */ id FROM big_table WHERE k = 7
SELECT  u.id,  u.name FROM users u WHERE u.tenant_id = 4 AND u.deleted_at IS NULL ORDER BY u.name LIMIT 50
SELECT count(*) AS total FROM orders WHERE created_at >= '2024-12-03 15:33:00' AND created_at < "2024-09-05 04:34:00"
SELECT @@version, @@session.sql_mode
show tables like 'user%'
/* user_id=5 */ SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 3254 AND t.priority >= 2 AND t.state <> "closed" ORDER BY t.updated_at DESC
select id from products where name like "%judy%" order by id limit 20 offset 20
SET NAMES utf8mb4
SELECT * FROM customers WHERE name = N'erin'
UPDATE jobs SET locked_at = '2024-10-25 19:49:00', locked_by = 'worker-101675432' WHERE id = 981426302
CALL refresh_stats(748797899, 'dave') /*application='web',controller='orders',action='show',traceparent='00-7e9531f6249b60e5-01'*/
SELECT @@version, @@session.sql_mode
UPDATE jobs SET locked_at = "2024-08-17 13:55:00", locked_by = 'worker-462686697' WHERE id = 385887427
SELECT * FROM `users` WHERE `id` = 2
CALL refresh_stats(720048334, "erin")
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ("paid", "shipped", 'shipped', "refunded", 'paid', "pending", 'shipped', "paid", "shipped") GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 8425.92
SELECT count(*) AS total FROM orders WHERE created_at >= "2024-08-04 06:30:00" AND created_at < "2024-08-16 09:33:00"
SELECT s.id, s.name FROM stores s WHERE s.region_id = 3433 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 506296992
/* user_id=7 */ SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 238660917 AND t.priority >= 5 AND t.state <> "closed" ORDER BY t.updated_at DESC
show full processlist
DROP TABLE IF EXISTS `tmp_1`
CREATE TABLE IF NOT EXISTS `tmp_4` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(255) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
UPDATE jobs SET locked_at = "2024-10-09 14:52:00", locked_by = 'worker-141154937' WHERE id = 7
select * from customers where name = n'alice' /*application='web',controller='orders',action='show',traceparent='00-be02a9e76149b3a0-01'*/
ALTER TABLE `users` ADD INDEX `idx_email_3` (`email`)
select c.id from coupons c where c.code = "save8395" and c.valid_until > "2024-07-24 18:05:00" and c.uses < c.max_uses
/* user_id=6 */ SELECT  id  FROM products WHERE name LIKE '%grace%' ORDER BY id LIMIT 20 OFFSET 20
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-06-28 22:25:00'
ROLLBACK
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = 'dave@x.io'
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 625061324 AND t.priority >= 1 AND t.state <> "closed" ORDER BY t.updated_at DESC
BEGIN
SELECT usr.id, usr.name FROM users usr WHERE usr.tenant_id = 50541867 AND usr.deleted_at IS NULL ORDER BY usr.name LIMIT 25
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "shop"
BEGIN
truncate table staging_events
ROLLBACK /*application='web',controller='orders',action='show',traceparent='00-64eaf6d191eef53e-01'*/
SELECT id FROM products WHERE name LIKE "%o'brien%" ORDER BY id LIMIT 20 OFFSET 20
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 6500 AND m.id > 167404254 ORDER BY m.id ASC LIMIT 100
select o.id, sum(li.quantity * li.unit_price) as amount from orders o inner join line_items li on li.order_id = o.id where o.status in ("refunded", 'cancelled', "shipped", "refunded", "pending", "paid") group by o.id having sum(li.quantity * li.unit_price) > 107.12
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (802674966, 8913, 71242779, 445322472) GROUP BY r.product_id
SELECT s.id, s.name FROM stores s WHERE s.region_id = 710229337 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 6601
select * from users where id in (select user_id from orders where total > 4806.60) and active = true
DELETE FROM sessions WHERE expires_at < '2024-03-13 03:11:00'
CREATE TABLE IF NOT EXISTS `tmp_4` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(255) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (1, 3809, 948789627, 345192305, 831853880, 7597, 589887301, 581934896) GROUP BY r.product_id
drop table if exists `tmp_1`
BEGIN
DELETE  FROM  sessions WHERE last_seen < NOW() - INTERVAL 11 HOUR LIMIT 1000
SELECT * FROM customers WHERE name = N'ivan' /*application='web',controller='orders',action='show',traceparent='00-7e256ad6da843371-01'*/
SELECT s.id, s.name FROM stores s WHERE s.region_id = 148586847 UNION ALL SELECT w.id, w.name FROM warehouses w WHERE w.region_id = 6336
CALL refresh_stats(5701, "grace")
/* user_id=3776 */ SELECT  *  FROM products WHERE name = _utf8mb4'carol' COLLATE utf8mb4_unicode_ci
REPLACE INTO kv (k, v) VALUES ("ivan", 'heidi')
SELECT r.product_id, avg(r.rating) FROM reviews r WHERE r.product_id IN (3, 8, 1, 264717451, 685452457, 1824, 3630, 342489894, 6, 1, 7) GROUP BY r.product_id /*application='web',controller='orders',action='show',traceparent='00-b011008068ea97db-01'*/
DROP TABLE IF EXISTS `tmp_1`
SELECT * FROM users WHERE id = 8
CALL refresh_stats(863861897, 'alice') /*application='web',controller='orders',action='show',traceparent='00-4053d77066788189-01'*/
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 141412915
CREATE TABLE IF NOT EXISTS `tmp_2` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(64) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
INSERT IGNORE INTO tags (name) VALUES ("müller")
SELECT t0.id, t0.name FROM users t0 WHERE t0.tenant_id = 8 AND t0.deleted_at IS NULL ORDER BY t0.name LIMIT 25
UPDATE users SET last_login_at = "2024-10-26 01:14:00", login_count = login_count + 1 WHERE id = 1359
delete from sessions where last_seen < now() - interval 14 hour limit 1000 /*application='web',controller='orders',action='show',traceparent='00-e75666657c40267f-01'*/
CREATE TABLE IF NOT EXISTS `tmp_4` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(64) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = "alice@x.io"
SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.created_at > '2024-06-11 04:40:00'
SELECT DISTINCT country FROM addresses WHERE user_id = 602960331
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 9 AND d.location = 'erin'
SELECT t0.id, t0.name FROM users t0 WHERE t0.tenant_id = 1 AND t0.deleted_at IS NULL ORDER BY t0.name LIMIT 25
SELECT DISTINCT country FROM addresses WHERE user_id = 554087697
SELECT  JSON_EXTRACT(doc,  '$.name') FROM docs WHERE id = 992714387
BEGIN
UPDATE users SET last_login_at = '2024-11-23 06:50:00', login_count = login_count + 1 WHERE id = 9196
REPLACE INTO kv (k, v) VALUES ("dave", 'alice')
INSERT INTO users (email, name, created_at) VALUES ('x\\y5@example.com', "judy", '2024-12-01 04:08:00')
SHOW  TABLES  LIKE 'user%'
UPDATE jobs SET locked_at = '2024-07-04 16:05:00', locked_by = 'worker-3420' WHERE id = 9970
SELECT a.id, a.city FROM addresses a WHERE a.zip IN ('30756', "39349", "83950")
SELECT c.id FROM coupons c WHERE c.code = 'SAVE5294' AND c.valid_until > '2024-05-04 07:23:00' AND c.uses < c.max_uses
select m.id, m.body from messages m where m.thread_id = 119975159 and m.id > 890990857 order by m.id asc limit 100 /*application='web',controller='orders',action='show',traceparent='00-38fcd8e4f1adfddc-01'*/
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 8780.91) AND active = TRUE
SELECT  DISTINCT  country FROM addresses WHERE user_id = 4022
SELECT * FROM orders WHERE user_id IN (184225074, 1176, 2387, 3538, 611042371, 658, 8730, 971323169, 6, 851223758, 3191) AND status = 'cancelled'
UPDATE orders SET status = "cancelled", updated_at = '2024-06-11 00:40:00' WHERE id = 640818040 AND status = 'paid'
SELECT /*+ MAX_EXECUTION_TIME(2000) */ id FROM big_table WHERE k = 3
SELECT * FROM `users` WHERE `id` = 1
insert into line_items (order_id, product_id, quantity, unit_price) values (1, 960707567, 2, 7937.86), (9289, 908994219, 5, 8223.56), (3791, 5, 2, 8010.98) /*application='web',controller='orders',action='show',traceparent='00-a4c9ebbddff50e96-01'*/
SELECT * FROM users WHERE id = ? AND tenant_id = ?
SELECT * FROM users WHERE id = 2349
insert into counters (k, v) values ("erin", 6) on duplicate key update v = v + values(v)
select t.id, t.title from tickets t where t.assignee_id = 7256 and t.priority >= 2 and t.state <> "closed" order by t.updated_at desc # from worker 5043
SELECT JSON_EXTRACT(doc, '$.name') FROM docs WHERE id = 2650
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 9 OR i.product_id IS NULL
SELECT category_id, count(*), avg(price) FROM products WHERE price BETWEEN 8368.01 AND 6794.07 GROUP BY category_id ORDER BY 2 DESC
SELECT e.id, e.name, d.name AS dept FROM employees e JOIN departments d ON d.id = e.department_id WHERE e.salary > 4 AND d.location = 'heidi'
TRUNCATE TABLE staging_events
UPDATE users SET last_login_at = '2024-02-04 10:57:00', login_count = login_count + 1 WHERE id = 9993
SELECT c.id FROM coupons c WHERE c.code = 'SAVE4' AND c.valid_until > "2024-05-08 07:10:00" AND c.uses < c.max_uses
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 6349 AND t.priority >= 3 AND t.state <> "closed" ORDER BY t.updated_at DESC
select t.id, t.title from tickets t where t.assignee_id = 304645083 and t.priority >= 3 and t.state <> "closed" order by t.updated_at desc
CREATE TABLE IF NOT EXISTS `tmp_2` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(255) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
INSERT INTO counters (k, v) VALUES ('smith & co', 3396) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
SHOW FULL PROCESSLIST
SELECT o.id, sum(li.quantity * li.unit_price) AS amount FROM orders o INNER JOIN line_items li ON li.order_id = o.id WHERE o.status IN ("pending", "pending") GROUP BY o.id HAVING sum(li.quantity * li.unit_price) > 3824.07 /*application='web',controller='orders',action='show',traceparent='00-f5965620477bb41a-01'*/
select e.id, e.name, d.name as dept from employees e join departments d on d.id = e.department_id where e.salary > 8 and d.location = "new\\nline"
SELECT COUNT(*) FROM events WHERE account_id = 987996885 AND kind = 'click' AND occurred_at > '2024-05-01 10:19:00'
SELECT COUNT(*) FROM events WHERE account_id = 5994 AND kind = 'buy' AND occurred_at > "2024-04-01 09:59:00"
SELECT COUNT(*) FROM events WHERE account_id = 2 AND kind = "click" AND occurred_at > "2024-01-17 04:30:00"
INSERT INTO counters (k, v) VALUES ('bob', 74943887) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
/* user_id=961218999 */ SELECT id, email, created_at FROM users WHERE email = "müller@example.com" LIMIT 1
SELECT p.id, p.sku, p.price FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE i.quantity < 8950 OR i.product_id IS NULL
TRUNCATE TABLE staging_events
SELECT id, payload FROM jobs WHERE queue = "mail" AND run_at <= '2024-07-15 19:52:00' AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = 'bob@x.io'
update jobs set locked_at = '2024-01-26 06:20:00', locked_by = 'worker-830814548' where id = 220874814
REPLACE INTO kv (k, v) VALUES ('grace', 'ivan')
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 7 AND t.priority >= 2 AND t.state <> "closed" ORDER BY t.updated_at DESC
DELETE FROM sessions WHERE expires_at < '2024-08-23 22:45:00'
INSERT IGNORE INTO tags (name) VALUES ('dave')
SET NAMES utf8mb4
ALTER TABLE `users` ADD INDEX `idx_email_3` (`email`)
SELECT * FROM orders WHERE user_id IN (9, 70005623, 211728992, 7214) AND status = "cancelled"
SELECT /*+ MAX_EXECUTION_TIME(2000) */ id FROM big_table WHERE k = 467566808
select id, email, created_at from users where email = 'dave@example.com' limit 1
SELECT * FROM users WHERE id = ? AND tenant_id = ?
CREATE TABLE IF NOT EXISTS `tmp_1` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(255) NOT NULL DEFAULT '', PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
SELECT t.id, t.title FROM tickets t WHERE t.assignee_id = 8 AND t.priority >= 4 AND t.state <> "closed" ORDER BY t.updated_at DESC
ROLLBACK
select json_extract(doc, '$.name') from docs where id = 4
SELECT  *  FROM customers WHERE name = N'bob' # from worker 1
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "shop"
/* user_id=2 */ SELECT id, payload FROM jobs WHERE queue = 'default' AND run_at <= "2024-05-03 23:54:00" AND locked_at IS NULL ORDER BY priority, run_at LIMIT 1
SELECT SQL_NO_CACHE id FROM orders FORCE INDEX (idx_created) WHERE created_at > '2024-09-02 05:42:00' LIMIT 1, 20
SELECT  a.id,  a.city FROM addresses a WHERE a.zip IN ("57497", "83899")
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "shop"
/* user_id=6 */ DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 31 HOUR LIMIT 1000
select t.id, t.title from tickets t where t.assignee_id = 205766811 and t.priority >= 1 and t.state <> 'closed' order by t.updated_at desc
DROP TABLE IF EXISTS `tmp_1`
update jobs set locked_at = "2024-11-06 12:04:00", locked_by = 'worker-24673806' where id = 1
/* user_id=8 */ SET NAMES utf8mb4
UPDATE users SET last_login_at = "2024-01-23 14:32:00", login_count = login_count + 1 WHERE id = 4
INSERT INTO counters (k, v) VALUES ('bob', 4227) ON DUPLICATE KEY UPDATE v = v + VALUES(v)
SELECT m.id, m.body FROM messages m WHERE m.thread_id = 681584199 AND m.id > 3 ORDER BY m.id ASC LIMIT 50
