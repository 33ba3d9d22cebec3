SELECT * FROM users WHERE id = 42
select * from `users` where `id` = ?
SELECT * FROM users WHERE name = "double quoted secret" AND nick = 'single \'escaped\' secret' AND x = 'doubled '' quote'
SELECT _utf8mb4'introduced secret', _binary 'bin secret', N'national secret', n'lower national'
SELECT X'DEADBEEF', x'cafe', B'1010', b'01', 0xFF, 0b1010, 1e3, -5, .5
SELECT * FROM orders WHERE status IN ('paid', "shipped") AND user_id IN (1, 2, 3, ?, ?)
INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3, 'z') ON DUPLICATE KEY UPDATE b = VALUES(b)
INSERT IGNORE INTO tags (name) VALUES ("tag secret")
REPLACE INTO kv (k, v) VALUES ('key', 'value secret')
UPDATE orders o JOIN users u ON u.id = o.user_id SET o.flag = 1 WHERE u.email = 'x@y.z'
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 2 DAY LIMIT 1000
SELECT a FROM t # hash comment secret
SELECT a FROM t -- dash comment secret
SELECT 1--1
SELECT a /* block secret */ FROM t /*! STRAIGHT_JOIN */
SELECT SQL_NO_CACHE o.id FROM shop.orders o FORCE INDEX (idx_created) WHERE o.created_at > '2024-01-01' LIMIT 10, 20
SELECT `db`.`tbl`.`col` FROM `db`.`tbl` WHERE `weird``name` = 1
SELECT @@version, @user_var := 5
SELECT * FROM t WHERE a = TRUE AND b IS NULL AND c = NULL
SELECT * FROM t WHERE s = 'unterminated secret with \' escape
SELECT * FROM t WHERE s = "unterminated double secret
SELECT * FROM `unterminated backtick secret
CREATE TABLE IF NOT EXISTS `tmp` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `name` varchar(64) NOT NULL DEFAULT 'x', PRIMARY KEY (`id`)) ENGINE=InnoDB
ALTER TABLE users ADD INDEX idx_email (email)
DROP TABLE IF EXISTS `tmp`
SET SESSION sql_mode = 'STRICT_TRANS_TABLES'
SET NAMES utf8mb4
SHOW FULL PROCESSLIST
START TRANSACTION
CALL refresh_stats(5, 'secret arg')
SELECT JSON_EXTRACT(doc, '$.secret.path') FROM docs
CREATE USER 'bob'@'%' IDENTIFIED BY 'bobs-secret-password'
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop'
SELECT /*+ MAX_EXECUTION_TIME(1000) */ id FROM big WHERE k = 3
