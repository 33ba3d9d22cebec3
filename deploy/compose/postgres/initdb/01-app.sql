-- A small application database so the stack has something to watch: tables, rows and a few
-- statements in pg_stat_statements. Runs once, at the first start, as the superuser.
CREATE DATABASE app;
\connect app
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
CREATE TABLE orders (id bigserial PRIMARY KEY, customer text NOT NULL, total numeric(12, 2) NOT NULL,
                     created_at timestamptz NOT NULL DEFAULT now());
INSERT INTO orders (customer, total)
SELECT 'customer-' || (i % 50), (i % 997) * 1.25 FROM generate_series(1, 5000) AS i;
CREATE INDEX orders_customer ON orders (customer);
ANALYZE orders;
SELECT customer, count(*), sum(total) FROM orders GROUP BY customer ORDER BY 3 DESC LIMIT 5;
