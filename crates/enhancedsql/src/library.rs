//! The built-in query library: for each category, queries ranked by priority, each with what it
//! needs. The highest-priority query whose requirements hold serves the category; the others are its
//! fallbacks. Every statement takes `$1` = `min_duration` in ms and `$2` = `limit` (rendered by
//! [`crate::params`]), skips the collector's own statements, and is bounded by `LIMIT`.
//! Time columns are milliseconds (`*_ms`); MySQL's picosecond timers are divided by 1e9 (the
//! prototype divided by 1e6 and called the result ms).

use dbintel_sqlquery::dsn::Driver;

use crate::selector::Requirements;

/// The built-in categories.
pub const CATEGORIES: &[&str] = &[
    "slow_queries",
    "active_sessions",
    "wait_events",
    "table_stats",
    "innodb",
    "index_advisor",
    "unused_indexes",
];

/// One built-in query.
#[derive(Debug, Clone, Copy)]
pub struct LibQuery {
    pub name: &'static str,
    pub category: &'static str,
    pub priority: i32,
    pub description: &'static str,
    pub extensions: &'static [&'static str],
    pub capabilities: &'static [&'static str],
    /// `(major, minor)` inclusive bounds.
    pub min_version: Option<(u32, u32)>,
    pub max_version: Option<(u32, u32)>,
    pub sql: &'static str,
}

impl LibQuery {
    pub fn requirements(&self) -> Requirements {
        Requirements {
            extensions: self.extensions.iter().map(|s| s.to_string()).collect(),
            capabilities: self.capabilities.iter().map(|s| s.to_string()).collect(),
            minimum_version: self.min_version.map(|(a, b)| format!("{a}.{b}")),
            maximum_version: self.max_version.map(|(a, b)| format!("{a}.{b}")),
        }
    }
}

/// The library of one driver.
#[derive(Debug, Clone, Copy)]
pub struct Library {
    pub queries: &'static [LibQuery],
}

impl Library {
    pub fn for_driver(driver: Driver) -> Library {
        match driver {
            Driver::Postgres => Library { queries: POSTGRES },
            Driver::Mysql => Library { queries: MYSQL },
        }
    }

    /// The category's queries, highest priority first.
    pub fn category(&self, category: &str) -> Vec<LibQuery> {
        let mut v: Vec<LibQuery> = self.queries.iter().filter(|q| q.category == category).copied().collect();
        v.sort_by_key(|q| std::cmp::Reverse(q.priority));
        v
    }
}

const Q: LibQuery = LibQuery {
    name: "",
    category: "",
    priority: 0,
    description: "",
    extensions: &[],
    capabilities: &[],
    min_version: None,
    max_version: None,
    sql: "",
};

pub const POSTGRES: &[LibQuery] = &[
    LibQuery {
        name: "pg_stat_monitor",
        category: "slow_queries",
        priority: 100,
        description: "pg_stat_monitor across its buckets: min/mean/max, CPU, WAL",
        extensions: &["pg_stat_monitor"],
        capabilities: &["pg_stat_monitor.readable"],
        sql: "SELECT queryid::text AS queryid, datname, max(query) AS query, sum(calls)::bigint AS calls, \
              sum(total_exec_time)::float8 AS total_exec_time_ms, \
              (sum(total_exec_time) / nullif(sum(calls), 0))::float8 AS mean_exec_time_ms, \
              min(min_exec_time)::float8 AS min_exec_time_ms, max(max_exec_time)::float8 AS max_exec_time_ms, \
              sum(rows)::bigint AS rows, sum(cpu_user_time)::float8 AS cpu_user_time_ms, \
              sum(cpu_sys_time)::float8 AS cpu_sys_time_ms, sum(wal_bytes)::bigint AS wal_bytes \
              FROM pg_stat_monitor WHERE query NOT LIKE '/* dbintel */%' GROUP BY queryid, datname \
              HAVING sum(total_exec_time) / nullif(sum(calls), 0) > $1 ORDER BY 6 DESC LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "pg_stat_statements_io_timing",
        category: "slow_queries",
        priority: 90,
        description: "pg_stat_statements with track_io_timing: stddev, block I/O time, CPU = total - I/O",
        extensions: &["pg_stat_statements"],
        capabilities: &["pg_stat_statements.readable", "setting.track_io_timing"],
        min_version: Some((13, 0)),
        max_version: Some((16, 99)),
        sql: "SELECT s.queryid::text AS queryid, d.datname, s.query, s.calls, s.total_exec_time AS total_exec_time_ms, \
              s.mean_exec_time AS mean_exec_time_ms, s.stddev_exec_time AS stddev_exec_time_ms, \
              s.max_exec_time AS max_exec_time_ms, s.rows, s.blk_read_time AS io_read_time_ms, \
              s.blk_write_time AS io_write_time_ms, \
              greatest(s.total_exec_time - s.blk_read_time - s.blk_write_time, 0) AS cpu_time_ms, \
              s.shared_blks_hit, s.shared_blks_read \
              FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid \
              WHERE s.calls > 0 AND s.mean_exec_time > $1 AND s.query NOT LIKE '/* dbintel */%' \
              ORDER BY s.mean_exec_time DESC LIMIT $2",
    },
    LibQuery {
        name: "pg_stat_statements_io_timing_17",
        category: "slow_queries",
        priority: 90,
        description: "pg_stat_statements (PostgreSQL 17 names) with track_io_timing: block I/O time, CPU = total - I/O",
        extensions: &["pg_stat_statements"],
        capabilities: &["pg_stat_statements.readable", "setting.track_io_timing"],
        min_version: Some((17, 0)),
        sql: "SELECT s.queryid::text AS queryid, d.datname, s.query, s.calls, s.total_exec_time AS total_exec_time_ms, \
              s.mean_exec_time AS mean_exec_time_ms, s.stddev_exec_time AS stddev_exec_time_ms, \
              s.max_exec_time AS max_exec_time_ms, s.rows, \
              s.shared_blk_read_time + s.local_blk_read_time AS io_read_time_ms, \
              s.shared_blk_write_time + s.local_blk_write_time AS io_write_time_ms, \
              greatest(s.total_exec_time - s.shared_blk_read_time - s.local_blk_read_time - s.shared_blk_write_time \
              - s.local_blk_write_time, 0) AS cpu_time_ms, s.shared_blks_hit, s.shared_blks_read \
              FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid \
              WHERE s.calls > 0 AND s.mean_exec_time > $1 AND s.query NOT LIKE '/* dbintel */%' \
              ORDER BY s.mean_exec_time DESC LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "pg_stat_statements_kcache",
        category: "slow_queries",
        priority: 80,
        description: "pg_stat_statements joined with pg_stat_kcache: physical reads/writes and CPU from the kernel",
        extensions: &["pg_stat_statements", "pg_stat_kcache"],
        capabilities: &["pg_stat_statements.readable", "pg_stat_kcache.readable"],
        // `toplevel` (pg_stat_statements) and `top` (pg_stat_kcache) exist from PostgreSQL 14.
        min_version: Some((14, 0)),
        sql: "SELECT s.queryid::text AS queryid, d.datname, s.query, s.calls, s.total_exec_time AS total_exec_time_ms, \
              s.mean_exec_time AS mean_exec_time_ms, s.rows, k.exec_user_time * 1000 AS cpu_user_time_ms, \
              k.exec_system_time * 1000 AS cpu_sys_time_ms, k.exec_reads AS physical_read_bytes, \
              k.exec_writes AS physical_write_bytes \
              FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid \
              JOIN pg_stat_kcache() k ON k.queryid = s.queryid AND k.dbid = s.dbid AND k.userid = s.userid \
              AND k.top = s.toplevel \
              WHERE s.calls > 0 AND s.mean_exec_time > $1 AND s.query NOT LIKE '/* dbintel */%' \
              ORDER BY s.mean_exec_time DESC LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "pg_stat_statements",
        category: "slow_queries",
        priority: 50,
        description: "pg_stat_statements: calls, times, rows, cache hit ratio",
        extensions: &["pg_stat_statements"],
        capabilities: &["pg_stat_statements.readable"],
        min_version: Some((13, 0)),
        sql: "SELECT s.queryid::text AS queryid, d.datname, s.query, s.calls, s.total_exec_time AS total_exec_time_ms, \
              s.mean_exec_time AS mean_exec_time_ms, s.rows, \
              (100.0 * s.shared_blks_hit / nullif(s.shared_blks_hit + s.shared_blks_read, 0))::float8 AS cache_hit_ratio \
              FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid \
              WHERE s.calls > 0 AND s.mean_exec_time > $1 AND s.query NOT LIKE '/* dbintel */%' \
              ORDER BY s.mean_exec_time DESC LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "pg_stat_statements_io_timing_12",
        category: "slow_queries",
        priority: 90,
        description: "pg_stat_statements before PostgreSQL 13 (total_time, mean_time, ...) with track_io_timing",
        extensions: &["pg_stat_statements"],
        capabilities: &["pg_stat_statements.readable", "setting.track_io_timing"],
        max_version: Some((12, 99)),
        sql: "SELECT s.queryid::text AS queryid, d.datname, s.query, s.calls, s.total_time AS total_exec_time_ms, \
              s.mean_time AS mean_exec_time_ms, s.stddev_time AS stddev_exec_time_ms, s.max_time AS max_exec_time_ms, \
              s.rows, s.blk_read_time AS io_read_time_ms, s.blk_write_time AS io_write_time_ms, \
              greatest(s.total_time - s.blk_read_time - s.blk_write_time, 0) AS cpu_time_ms, \
              s.shared_blks_hit, s.shared_blks_read \
              FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid \
              WHERE s.calls > 0 AND s.mean_time > $1 AND s.query NOT LIKE '/* dbintel */%' \
              ORDER BY s.mean_time DESC LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "pg_stat_statements_12",
        category: "slow_queries",
        priority: 50,
        description: "pg_stat_statements before PostgreSQL 13 (total_time, mean_time): calls, times, rows, cache hit ratio",
        extensions: &["pg_stat_statements"],
        capabilities: &["pg_stat_statements.readable"],
        max_version: Some((12, 99)),
        sql: "SELECT s.queryid::text AS queryid, d.datname, s.query, s.calls, s.total_time AS total_exec_time_ms, \
              s.mean_time AS mean_exec_time_ms, s.rows, \
              (100.0 * s.shared_blks_hit / nullif(s.shared_blks_hit + s.shared_blks_read, 0))::float8 AS cache_hit_ratio \
              FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid \
              WHERE s.calls > 0 AND s.mean_time > $1 AND s.query NOT LIKE '/* dbintel */%' \
              ORDER BY s.mean_time DESC LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "pg_stat_activity_running",
        category: "slow_queries",
        priority: 10,
        description: "statements running longer than min_duration now (pg_stat_activity): no history",
        sql: "SELECT a.pid, a.datname, a.usename, a.state, a.wait_event_type, a.wait_event, a.query, \
              (extract(epoch FROM clock_timestamp() - a.query_start) * 1000)::float8 AS query_duration_ms \
              FROM pg_stat_activity a WHERE a.state = 'active' AND a.backend_type = 'client backend' \
              AND a.pid <> pg_backend_pid() AND a.query NOT LIKE '/* dbintel */%' \
              AND clock_timestamp() - a.query_start > $1 * interval '1 millisecond' \
              ORDER BY a.query_start LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "pg_wait_sampling_current",
        category: "active_sessions",
        priority: 90,
        description: "sessions with pg_wait_sampling's current wait and queryid",
        extensions: &["pg_wait_sampling"],
        capabilities: &["pg_wait_sampling.readable"],
        sql: "SELECT a.pid, a.datname, a.usename, a.application_name, a.state, w.event_type AS wait_event_type, \
              w.event AS wait_event, w.queryid::text AS queryid, a.query, \
              (extract(epoch FROM clock_timestamp() - a.query_start) * 1000)::float8 AS query_duration_ms \
              FROM pg_stat_activity a LEFT JOIN pg_wait_sampling_current w ON w.pid = a.pid \
              WHERE a.backend_type = 'client backend' AND a.state <> 'idle' AND a.pid <> pg_backend_pid() \
              ORDER BY a.query_start LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "blocking_chains",
        category: "active_sessions",
        priority: 80,
        description: "non-idle sessions with the sessions blocking them (pg_blocking_pids)",
        sql: "SELECT a.pid, a.datname, a.usename, a.application_name, a.state, a.wait_event_type, a.wait_event, \
              a.query, (extract(epoch FROM clock_timestamp() - a.query_start) * 1000)::float8 AS query_duration_ms, \
              array_to_string(b.pids, ',') AS blocking_pids, cardinality(b.pids) AS blocked_by \
              FROM pg_stat_activity a CROSS JOIN LATERAL (SELECT pg_blocking_pids(a.pid) AS pids) b \
              WHERE a.backend_type = 'client backend' AND a.state <> 'idle' AND a.pid <> pg_backend_pid() \
              ORDER BY cardinality(b.pids) DESC, a.query_start LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "pg_stat_activity",
        category: "active_sessions",
        priority: 50,
        description: "non-idle client sessions (pg_stat_activity)",
        sql: "SELECT a.pid, a.datname, a.usename, a.application_name, a.state, a.wait_event_type, a.wait_event, \
              a.query, (extract(epoch FROM clock_timestamp() - a.query_start) * 1000)::float8 AS query_duration_ms \
              FROM pg_stat_activity a WHERE a.backend_type = 'client backend' AND a.state <> 'idle' \
              AND a.pid <> pg_backend_pid() ORDER BY a.query_start LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "session_counts",
        category: "active_sessions",
        priority: 10,
        description: "client sessions counted by database and state",
        sql: "SELECT datname, coalesce(state, 'unknown') AS state, count(*) AS sessions FROM pg_stat_activity \
              WHERE backend_type = 'client backend' GROUP BY 1, 2 ORDER BY 3 DESC LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "pg_wait_sampling_profile",
        category: "wait_events",
        priority: 90,
        description: "pg_wait_sampling's wait profile (samples since its last reset, per wait event)",
        extensions: &["pg_wait_sampling"],
        capabilities: &["pg_wait_sampling.readable"],
        sql: "SELECT event_type AS wait_event_type, event AS wait_event, sum(count)::bigint AS samples \
              FROM pg_wait_sampling_profile WHERE event IS NOT NULL GROUP BY 1, 2 ORDER BY 3 DESC LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "pg_stat_activity_waits",
        category: "wait_events",
        priority: 10,
        description: "sessions waiting now, per wait event (pg_stat_activity)",
        sql: "SELECT wait_event_type, wait_event, count(*) AS sessions FROM pg_stat_activity \
              WHERE wait_event IS NOT NULL AND state <> 'idle' AND backend_type = 'client backend' \
              GROUP BY 1, 2 ORDER BY 3 DESC LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "relation_sizes",
        category: "table_stats",
        priority: 50,
        description: "table sizes with TOAST and indexes (pg_class)",
        sql: "SELECT n.nspname AS schema_name, c.relname AS table_name, pg_table_size(c.oid) AS table_bytes, \
              pg_indexes_size(c.oid) AS index_bytes, pg_total_relation_size(c.oid) AS total_bytes, \
              c.reltuples::bigint AS row_estimate FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
              WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
              AND n.nspname NOT LIKE 'pg\\_toast%' ORDER BY 5 DESC LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "pg_stat_user_tables",
        category: "table_stats",
        priority: 10,
        description: "row counts and scans per table (pg_stat_user_tables)",
        sql: "SELECT schemaname AS schema_name, relname AS table_name, n_live_tup, n_dead_tup, seq_scan, idx_scan, \
              n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables ORDER BY n_live_tup DESC LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "pg_qualstats_hypopg",
        category: "index_advisor",
        priority: 90,
        description: "pg_qualstats' index suggestions, each created as a hypopg hypothetical index for its estimated size (nothing is built)",
        extensions: &["pg_qualstats", "hypopg"],
        capabilities: &["pg_qualstats.readable", "hypopg.usable"],
        // hypopg's hypothetical indexes live in the session: they are dropped right after.
        sql: "SELECT a.ddl AS index_ddl, h.indexname AS hypothetical_index, \
              hypopg_relation_size(h.indexrelid) AS estimated_index_bytes \
              FROM (SELECT x.ddl FROM json_array_elements_text(pg_qualstats_index_advisor(min_filter => 1000, \
              min_selectivity => 30) -> 'indexes') AS x(ddl) LIMIT $2) a \
              CROSS JOIN LATERAL hypopg_create_index(a.ddl) h; SELECT hypopg_reset()",
        ..Q
    },
    LibQuery {
        name: "pg_qualstats_index_advisor",
        category: "index_advisor",
        priority: 50,
        description: "pg_qualstats' index suggestions (CREATE INDEX statements for filters that discard many rows)",
        extensions: &["pg_qualstats"],
        capabilities: &["pg_qualstats.readable"],
        sql: "SELECT x.ddl AS index_ddl FROM json_array_elements_text(pg_qualstats_index_advisor(min_filter => 1000, \
              min_selectivity => 30) -> 'indexes') AS x(ddl) LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "seq_scan_tables",
        category: "index_advisor",
        priority: 10,
        description: "tables read mostly by sequential scans of many rows (pg_stat_user_tables): candidates for an index",
        sql: "SELECT schemaname AS schema_name, relname AS table_name, seq_scan, seq_tup_read, \
              coalesce(idx_scan, 0) AS idx_scan, n_live_tup, (seq_tup_read / greatest(seq_scan, 1))::bigint AS avg_rows_per_seq_scan \
              FROM pg_stat_user_tables WHERE seq_scan > 0 AND n_live_tup >= 1000 \
              AND seq_tup_read / greatest(seq_scan, 1) >= 1000 AND coalesce(idx_scan, 0) < seq_scan \
              ORDER BY seq_tup_read DESC LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "pg_stat_user_indexes_unused",
        category: "unused_indexes",
        priority: 10,
        description: "indexes never scanned since the statistics were reset, not unique, largest first",
        sql: "SELECT s.schemaname AS schema_name, s.relname AS table_name, s.indexrelname AS index_name, s.idx_scan, \
              pg_relation_size(s.indexrelid) AS index_bytes FROM pg_stat_user_indexes s \
              JOIN pg_index i ON i.indexrelid = s.indexrelid WHERE s.idx_scan = 0 AND NOT i.indisunique \
              AND NOT i.indisprimary ORDER BY 5 DESC LIMIT $2",
        ..Q
    },
];

pub const MYSQL: &[LibQuery] = &[
    LibQuery {
        name: "digest_no_index",
        category: "slow_queries",
        priority: 100,
        description: "statement digests with rows examined, no-index and tmp-disk-table counts",
        capabilities: &[
            "performance_schema.digest.readable",
            "performance_schema.consumer.statements_digest",
        ],
        sql: "SELECT SCHEMA_NAME AS db, DIGEST AS digest, DIGEST_TEXT AS query, COUNT_STAR AS calls, \
              SUM_TIMER_WAIT / 1e9 AS total_exec_time_ms, AVG_TIMER_WAIT / 1e9 AS mean_exec_time_ms, \
              MAX_TIMER_WAIT / 1e9 AS max_exec_time_ms, SUM_LOCK_TIME / 1e9 AS lock_time_ms, \
              SUM_ROWS_EXAMINED AS rows_examined, SUM_ROWS_SENT AS rows_sent, SUM_NO_INDEX_USED AS no_index_used, \
              SUM_NO_GOOD_INDEX_USED AS no_good_index_used, SUM_CREATED_TMP_DISK_TABLES AS tmp_disk_tables, \
              SUM_SORT_MERGE_PASSES AS sort_merge_passes \
              FROM performance_schema.events_statements_summary_by_digest \
              WHERE SCHEMA_NAME IS NOT NULL AND DIGEST_TEXT NOT LIKE '%performance_schema%' \
              AND DIGEST_TEXT NOT LIKE '%information_schema%' AND AVG_TIMER_WAIT / 1e9 > $1 \
              ORDER BY AVG_TIMER_WAIT DESC LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "digest",
        category: "slow_queries",
        priority: 50,
        description: "statement digests: calls, times, rows",
        capabilities: &[
            "performance_schema.digest.readable",
            "performance_schema.consumer.statements_digest",
        ],
        sql: "SELECT SCHEMA_NAME AS db, DIGEST AS digest, DIGEST_TEXT AS query, COUNT_STAR AS calls, \
              SUM_TIMER_WAIT / 1e9 AS total_exec_time_ms, AVG_TIMER_WAIT / 1e9 AS mean_exec_time_ms, \
              SUM_ROWS_SENT AS rows_sent FROM performance_schema.events_statements_summary_by_digest \
              WHERE SCHEMA_NAME IS NOT NULL AND DIGEST_TEXT NOT LIKE '%performance_schema%' \
              AND DIGEST_TEXT NOT LIKE '%information_schema%' AND AVG_TIMER_WAIT / 1e9 > $1 \
              ORDER BY AVG_TIMER_WAIT DESC LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "slow_log",
        category: "slow_queries",
        priority: 30,
        description: "mysql.slow_log (slow_query_log=ON, log_output=TABLE)",
        capabilities: &["slow_log.table"],
        sql: "SELECT db, LEFT(CONVERT(sql_text USING utf8mb4), 4096) AS query, COUNT(*) AS calls, \
              SUM(TIME_TO_SEC(query_time)) * 1000 AS total_exec_time_ms, \
              AVG(TIME_TO_SEC(query_time)) * 1000 AS mean_exec_time_ms, SUM(rows_examined) AS rows_examined, \
              SUM(rows_sent) AS rows_sent FROM mysql.slow_log GROUP BY db, LEFT(CONVERT(sql_text USING utf8mb4), 4096) \
              HAVING AVG(TIME_TO_SEC(query_time)) * 1000 > $1 ORDER BY 5 DESC LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "processlist",
        category: "slow_queries",
        priority: 10,
        description: "statements running longer than min_duration now (PROCESSLIST): no history",
        sql: "SELECT ID AS pid, USER AS user, DB AS db, COMMAND AS command, STATE AS state, TIME * 1000 AS query_duration_ms, \
              LEFT(INFO, 4096) AS query FROM information_schema.PROCESSLIST \
              WHERE COMMAND NOT IN ('Sleep', 'Daemon', 'Binlog Dump') AND ID <> CONNECTION_ID() AND TIME * 1000 >= $1 \
              ORDER BY TIME DESC LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "performance_schema_threads",
        category: "active_sessions",
        priority: 50,
        description: "foreground threads that are not sleeping (performance_schema.threads, no mutex)",
        capabilities: &["performance_schema.threads.readable"],
        sql: "SELECT PROCESSLIST_ID AS pid, PROCESSLIST_USER AS user, PROCESSLIST_DB AS db, PROCESSLIST_COMMAND AS command, \
              PROCESSLIST_STATE AS state, PROCESSLIST_TIME * 1000 AS query_duration_ms, \
              LEFT(PROCESSLIST_INFO, 4096) AS query FROM performance_schema.threads \
              WHERE TYPE = 'FOREGROUND' AND PROCESSLIST_COMMAND NOT IN ('Sleep', 'Daemon') \
              AND PROCESSLIST_ID <> CONNECTION_ID() ORDER BY PROCESSLIST_TIME DESC LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "processlist_sessions",
        category: "active_sessions",
        priority: 30,
        description: "sessions that are not sleeping (information_schema.PROCESSLIST)",
        sql: "SELECT ID AS pid, USER AS user, DB AS db, COMMAND AS command, STATE AS state, TIME * 1000 AS query_duration_ms, \
              LEFT(INFO, 4096) AS query FROM information_schema.PROCESSLIST \
              WHERE COMMAND NOT IN ('Sleep', 'Daemon') AND ID <> CONNECTION_ID() ORDER BY TIME DESC LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "session_counts",
        category: "active_sessions",
        priority: 10,
        description: "sessions counted by command",
        sql: "SELECT COMMAND AS command, COUNT(*) AS sessions FROM information_schema.PROCESSLIST GROUP BY COMMAND \
              ORDER BY 2 DESC LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "waits_summary",
        category: "wait_events",
        priority: 50,
        description: "wait events since the server started (events_waits_summary_global_by_event_name)",
        capabilities: &["performance_schema.waits_summary.readable", "performance_schema.instrument.wait"],
        sql: "SELECT EVENT_NAME AS wait_event, COUNT_STAR AS calls, SUM_TIMER_WAIT / 1e9 AS wait_time_ms \
              FROM performance_schema.events_waits_summary_global_by_event_name \
              WHERE COUNT_STAR > 0 AND EVENT_NAME <> 'idle' ORDER BY SUM_TIMER_WAIT DESC LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "waits_current",
        category: "wait_events",
        priority: 10,
        description: "threads waiting now, per wait event (events_waits_current)",
        capabilities: &[
            "performance_schema.waits_current.readable",
            "performance_schema.consumer.events_waits_current",
        ],
        sql: "SELECT EVENT_NAME AS wait_event, COUNT(*) AS sessions, SUM(TIMER_WAIT) / 1e9 AS wait_time_ms \
              FROM performance_schema.events_waits_current WHERE EVENT_NAME <> 'idle' GROUP BY EVENT_NAME \
              ORDER BY 2 DESC LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "tables",
        category: "table_stats",
        priority: 50,
        description: "table and index sizes, row estimates (information_schema.TABLES)",
        sql: "SELECT TABLE_SCHEMA AS db, TABLE_NAME AS table_name, ENGINE AS engine, TABLE_ROWS AS row_estimate, \
              DATA_LENGTH AS table_bytes, INDEX_LENGTH AS index_bytes FROM information_schema.TABLES \
              WHERE TABLE_SCHEMA NOT IN ('mysql', 'performance_schema', 'information_schema', 'sys') \
              AND TABLE_TYPE = 'BASE TABLE' ORDER BY DATA_LENGTH + INDEX_LENGTH DESC LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "innodb_buffer_pool_stats",
        category: "innodb",
        priority: 50,
        description: "buffer pool pages, dirty pages and hit rate per pool (INNODB_BUFFER_POOL_STATS)",
        capabilities: &["innodb_buffer_pool_stats.readable"],
        sql: "SELECT POOL_ID AS pool_id, POOL_SIZE AS pages, FREE_BUFFERS AS free_pages, DATABASE_PAGES AS data_pages, \
              MODIFIED_DATABASE_PAGES AS dirty_pages, HIT_RATE AS hit_rate, PAGES_READ_RATE AS pages_read_rate \
              FROM information_schema.INNODB_BUFFER_POOL_STATS LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "innodb_global_status",
        category: "innodb",
        priority: 10,
        description: "the Innodb_buffer_pool status counters (SHOW GLOBAL STATUS)",
        sql: "SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool%'",
        ..Q
    },
    LibQuery {
        name: "sys_full_table_scans",
        category: "index_advisor",
        priority: 50,
        description: "statements that scan whole tables (sys.x$statements_with_full_table_scans)",
        capabilities: &[
            "sys_schema.readable",
            "performance_schema.digest.readable",
            "performance_schema.consumer.statements_digest",
        ],
        sql: "SELECT db, query, exec_count AS calls, no_index_used_count, no_good_index_used_count, \
              no_index_used_pct, rows_sent, rows_examined, digest FROM sys.x$statements_with_full_table_scans \
              WHERE db IS NOT NULL AND query NOT LIKE '%performance_schema%' AND query NOT LIKE '%information_schema%' \
              ORDER BY no_index_used_count DESC LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "digest_full_scans",
        category: "index_advisor",
        priority: 30,
        description: "statement digests that used no (good) index (events_statements_summary_by_digest)",
        capabilities: &[
            "performance_schema.digest.readable",
            "performance_schema.consumer.statements_digest",
        ],
        sql: "SELECT SCHEMA_NAME AS db, DIGEST AS digest, DIGEST_TEXT AS query, COUNT_STAR AS calls, \
              SUM_NO_INDEX_USED AS no_index_used_count, SUM_NO_GOOD_INDEX_USED AS no_good_index_used_count, \
              SUM_ROWS_EXAMINED AS rows_examined, SUM_ROWS_SENT AS rows_sent \
              FROM performance_schema.events_statements_summary_by_digest \
              WHERE SCHEMA_NAME IS NOT NULL AND (SUM_NO_INDEX_USED > 0 OR SUM_NO_GOOD_INDEX_USED > 0) \
              AND DIGEST_TEXT NOT LIKE '%performance_schema%' AND DIGEST_TEXT NOT LIKE '%information_schema%' \
              ORDER BY SUM_NO_INDEX_USED DESC LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "tables_without_indexes",
        category: "index_advisor",
        priority: 10,
        description: "base tables with no index at all (information_schema.TABLES and STATISTICS)",
        sql: "SELECT t.TABLE_SCHEMA AS db, t.TABLE_NAME AS table_name, t.TABLE_ROWS AS row_estimate \
              FROM information_schema.TABLES t WHERE t.TABLE_TYPE = 'BASE TABLE' \
              AND t.TABLE_SCHEMA NOT IN ('mysql', 'performance_schema', 'information_schema', 'sys') \
              AND NOT EXISTS (SELECT 1 FROM information_schema.STATISTICS s WHERE s.TABLE_SCHEMA = t.TABLE_SCHEMA \
              AND s.TABLE_NAME = t.TABLE_NAME) ORDER BY t.TABLE_ROWS DESC LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "sys_unused_indexes",
        category: "unused_indexes",
        priority: 50,
        description: "indexes with no reads since the server started (sys.schema_unused_indexes)",
        capabilities: &["sys_schema.readable", "performance_schema.instrument.wait"],
        sql: "SELECT object_schema AS db, object_name AS table_name, index_name FROM sys.schema_unused_indexes \
              ORDER BY object_schema, object_name, index_name LIMIT $2",
        ..Q
    },
    LibQuery {
        name: "index_io_unused",
        category: "unused_indexes",
        priority: 30,
        description: "indexes with no I/O since the server started (table_io_waits_summary_by_index_usage)",
        capabilities: &["performance_schema", "performance_schema.instrument.wait"],
        sql: "SELECT OBJECT_SCHEMA AS db, OBJECT_NAME AS table_name, INDEX_NAME AS index_name \
              FROM performance_schema.table_io_waits_summary_by_index_usage \
              WHERE INDEX_NAME IS NOT NULL AND INDEX_NAME <> 'PRIMARY' AND COUNT_STAR = 0 \
              AND OBJECT_SCHEMA NOT IN ('mysql', 'performance_schema', 'sys') \
              ORDER BY OBJECT_SCHEMA, OBJECT_NAME, INDEX_NAME LIMIT $2",
        ..Q
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_has_a_query_without_requirements_as_its_last_resort() {
        for (driver, lib) in [("postgres", POSTGRES), ("mysql", MYSQL)] {
            let mut names = std::collections::BTreeSet::new();
            for q in lib {
                assert!(names.insert((q.category, q.name)), "{driver}: {} twice", q.name);
                assert!(CATEGORIES.contains(&q.category), "{driver}: {}", q.category);
                assert!(
                    q.sql.contains("$2") || q.sql.starts_with("SHOW"),
                    "{driver}: {} has no LIMIT $2",
                    q.name
                );
            }
            let cats: std::collections::BTreeSet<&str> = lib.iter().map(|q| q.category).collect();
            for c in cats {
                // Waits and index usage exist only in performance_schema: MySQL without it has no
                // wait or index-usage data at all.
                if matches!((driver, c), ("mysql", "wait_events" | "unused_indexes")) {
                    continue;
                }
                let last = lib.iter().filter(|q| q.category == c).min_by_key(|q| q.priority);
                let last = last.unwrap_or_else(|| panic!("{c}"));
                assert!(
                    last.extensions.is_empty() && last.capabilities.is_empty(),
                    "{driver} {c}: {}",
                    last.name
                );
            }
        }
    }
}
