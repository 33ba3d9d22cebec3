-- database_stats
SELECT datname, xact_commit, xact_rollback, deadlocks, temp_files, temp_bytes, tup_updated, tup_returned, tup_fetched, tup_inserted, tup_deleted, blks_hit, blks_read FROM pg_stat_database WHERE datname IS NOT NULL;

-- database_conflicts
SELECT datname, confl_tablespace, confl_lock, confl_snapshot, confl_bufferpin, confl_deadlock FROM pg_stat_database_conflicts WHERE datname IS NOT NULL;

-- database_sizes
SELECT datname, CASE WHEN has_database_privilege(oid, 'CONNECT') OR pg_has_role('pg_read_all_stats', 'USAGE') THEN pg_database_size(oid) END AS size FROM pg_database WHERE NOT datistemplate;

-- activity
SELECT datname, coalesce(state, '') AS state, coalesce(wait_event_type, '') AS wait_event_type, coalesce(backend_type, '') AS backend_type, count(*) AS n, max(extract(epoch FROM clock_timestamp() - xact_start)) FILTER (WHERE pid <> pg_backend_pid() AND backend_type = 'client backend') AS max_xact_seconds FROM pg_stat_activity GROUP BY 1, 2, 3, 4;

-- bgwriter
SELECT checkpoints_req, checkpoints_timed, checkpoint_write_time, checkpoint_sync_time, buffers_checkpoint, buffers_clean, buffers_backend, buffers_backend_fsync, buffers_alloc, maxwritten_clean FROM pg_stat_bgwriter;

-- max_connections
SELECT current_setting('max_connections') AS max_connections;

-- replication
SELECT coalesce(client_addr::text, 'unix') AS client_addr, CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) END AS replay_bytes, extract(epoch FROM write_lag) AS write_lag, extract(epoch FROM flush_lag) AS flush_lag, extract(epoch FROM replay_lag) AS replay_lag FROM pg_stat_replication;

-- wal_age
SELECT CASE WHEN last_archived_time IS NULL OR last_archived_time = now() THEN NULL ELSE extract(epoch FROM now() - last_archived_time) END AS age FROM pg_stat_archiver;

-- statements_exec_time
SELECT d.datname, sum(s.total_time) / 1000 AS seconds FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid GROUP BY d.datname;

-- locks_by_mode
SELECT mode, granted, count(*) AS n FROM pg_locks GROUP BY 1, 2;

-- xid_age
SELECT datname, age(datfrozenxid) AS xid_age, mxid_age(datminmxid) AS mxid_age FROM pg_database;

-- replication_slots
SELECT slot_name, slot_type, coalesce(database, '') AS database, active, CASE WHEN restart_lsn IS NULL THEN NULL WHEN pg_is_in_recovery() THEN pg_wal_lsn_diff(pg_last_wal_receive_lsn(), restart_lsn) ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) END AS lag_bytes FROM pg_replication_slots;

-- vacuum_progress
SELECT p.datname, coalesce(n.nspname, '') AS schemaname, coalesce(c.relname, p.relid::text) AS relname, p.phase, p.heap_blks_scanned, p.heap_blks_total, coalesce(a.backend_type = 'autovacuum worker', false) AS auto FROM pg_stat_progress_vacuum p LEFT JOIN pg_class c ON c.oid = p.relid AND p.datname = current_database() LEFT JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_stat_activity a ON a.pid = p.pid;

-- tables
SELECT s.schemaname, s.relname, s.n_live_tup, s.n_dead_tup, s.n_tup_ins, s.n_tup_upd, s.n_tup_del, s.n_tup_hot_upd, s.seq_scan, s.vacuum_count, pg_relation_size(s.relid) AS table_size FROM pg_stat_user_tables s WHERE NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l.mode = 'AccessExclusiveLock' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND l.relation = s.relid) ORDER BY s.schemaname, s.relname LIMIT 10000;

-- table_io
SELECT schemaname, relname, coalesce(heap_blks_read, 0) AS heap_read, coalesce(heap_blks_hit, 0) AS heap_hit, coalesce(idx_blks_read, 0) AS idx_read, coalesce(idx_blks_hit, 0) AS idx_hit, coalesce(toast_blks_read, 0) AS toast_read, coalesce(toast_blks_hit, 0) AS toast_hit, coalesce(tidx_blks_read, 0) AS tidx_read, coalesce(tidx_blks_hit, 0) AS tidx_hit FROM pg_statio_user_tables ORDER BY schemaname, relname LIMIT 10000;

-- indexes
SELECT s.schemaname, s.relname, s.indexrelname, s.idx_scan, pg_relation_size(s.indexrelid) AS index_size FROM pg_stat_user_indexes s WHERE NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l.mode = 'AccessExclusiveLock' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND l.relation IN (s.relid, s.indexrelid)) ORDER BY s.schemaname, s.relname, s.indexrelname LIMIT 10000;

-- table_count
SELECT count(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast';

-- functions
SELECT schemaname, funcname, pg_get_function_identity_arguments(funcid) AS args, calls FROM pg_stat_user_functions ORDER BY schemaname, funcname, funcid LIMIT 10000;

-- database_locks
SELECT coalesce(c.relname, '') AS relation, l.mode, l.locktype, count(*) AS n FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation WHERE l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) GROUP BY 1, 2, 3;

-- vector
-- not available on this version;

