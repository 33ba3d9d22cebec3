-- A small application schema so the stack has something to watch. Runs once, at the first start.
CREATE DATABASE app;
USE app;
CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, customer VARCHAR(64) NOT NULL,
                     total DECIMAL(12, 2) NOT NULL, created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
                     KEY orders_customer (customer));
INSERT INTO orders (customer, total)
SELECT CONCAT('customer-', seq % 50), (seq % 997) * 1.25 FROM seq_1_to_5000;
SELECT customer, COUNT(*), SUM(total) FROM orders GROUP BY customer ORDER BY 3 DESC LIMIT 5;
