//! `SHOW GLOBAL STATUS` to metric points: the contrib receiver's mapping of status variables to
//! metrics and attribute values, as a table, and the pure conversion (no I/O) from the server's
//! name/value rows to points. A mapped variable whose value is NULL or not an integer gives no
//! point and comes back as a [`BadValue`]; variables the table does not name are not read.

use std::collections::HashMap;

use dbintel_core::pdata::{Attributes, NumberValue};
use dbintel_dbclient::metrics::MetricBuilder;

use crate::metadata::MetricId;

/// One status variable's metric: `(variable, metric, attribute key, attribute value)`; an empty
/// key means a point without attributes.
type Mapping = (&'static str, MetricId, &'static str, &'static str);

use MetricId as Id;

/// Status variable to metric, as the contrib scraper maps them. `mysql.buffer_pool.data_pages`
/// and `.usage` are derived ([`record_status`]), `mysql.buffer_pool.limit` comes from
/// `innodb_buffer_pool_size` ([`LIMIT_VARIABLE`]).
pub const STATUS_MAP: &[Mapping] = &[
    ("Bytes_received", Id::ClientNetworkIo, "kind", "received"),
    ("Bytes_sent", Id::ClientNetworkIo, "kind", "sent"),
    ("Innodb_buffer_pool_pages_data", Id::BufferPoolPages, "kind", "data"),
    ("Innodb_buffer_pool_pages_free", Id::BufferPoolPages, "kind", "free"),
    // Can be out of range (https://bugs.mysql.com/bug.php?id=59550): then it is a bad value, skipped.
    ("Innodb_buffer_pool_pages_misc", Id::BufferPoolPages, "kind", "misc"),
    ("Innodb_buffer_pool_pages_flushed", Id::BufferPoolPageFlushes, "", ""),
    ("Innodb_buffer_pool_read_ahead_rnd", Id::BufferPoolOperations, "operation", "read_ahead_rnd"),
    ("Innodb_buffer_pool_read_ahead", Id::BufferPoolOperations, "operation", "read_ahead"),
    ("Innodb_buffer_pool_read_ahead_evicted", Id::BufferPoolOperations, "operation", "read_ahead_evicted"),
    ("Innodb_buffer_pool_read_requests", Id::BufferPoolOperations, "operation", "read_requests"),
    ("Innodb_buffer_pool_reads", Id::BufferPoolOperations, "operation", "reads"),
    ("Innodb_buffer_pool_wait_free", Id::BufferPoolOperations, "operation", "wait_free"),
    ("Innodb_buffer_pool_write_requests", Id::BufferPoolOperations, "operation", "write_requests"),
    ("Connection_errors_accept", Id::ConnectionErrors, "error", "accept"),
    ("Connection_errors_internal", Id::ConnectionErrors, "error", "internal"),
    ("Connection_errors_max_connections", Id::ConnectionErrors, "error", "max_connections"),
    ("Connection_errors_peer_address", Id::ConnectionErrors, "error", "peer_address"),
    ("Connection_errors_select", Id::ConnectionErrors, "error", "select"),
    ("Connection_errors_tcpwrap", Id::ConnectionErrors, "error", "tcpwrap"),
    ("Aborted_clients", Id::ConnectionErrors, "error", "aborted_clients"),
    ("Aborted_connects", Id::ConnectionErrors, "error", "aborted"),
    ("Locked_connects", Id::ConnectionErrors, "error", "locked"),
    ("Connections", Id::ConnectionCount, "", ""),
    ("Com_stmt_execute", Id::PreparedStatements, "command", "execute"),
    ("Com_stmt_close", Id::PreparedStatements, "command", "close"),
    ("Com_stmt_fetch", Id::PreparedStatements, "command", "fetch"),
    ("Com_stmt_prepare", Id::PreparedStatements, "command", "prepare"),
    ("Com_stmt_reset", Id::PreparedStatements, "command", "reset"),
    ("Com_stmt_send_long_data", Id::PreparedStatements, "command", "send_long_data"),
    ("Com_delete", Id::Commands, "command", "delete"),
    ("Com_delete_multi", Id::Commands, "command", "delete_multi"),
    ("Com_insert", Id::Commands, "command", "insert"),
    ("Com_select", Id::Commands, "command", "select"),
    ("Com_update", Id::Commands, "command", "update"),
    ("Com_update_multi", Id::Commands, "command", "update_multi"),
    ("Created_tmp_disk_tables", Id::TmpResources, "resource", "disk_tables"),
    ("Created_tmp_files", Id::TmpResources, "resource", "files"),
    ("Created_tmp_tables", Id::TmpResources, "resource", "tables"),
    ("Handler_commit", Id::Handlers, "kind", "commit"),
    ("Handler_delete", Id::Handlers, "kind", "delete"),
    ("Handler_discover", Id::Handlers, "kind", "discover"),
    ("Handler_external_lock", Id::Handlers, "kind", "external_lock"),
    ("Handler_mrr_init", Id::Handlers, "kind", "mrr_init"),
    ("Handler_prepare", Id::Handlers, "kind", "prepare"),
    ("Handler_read_first", Id::Handlers, "kind", "read_first"),
    ("Handler_read_key", Id::Handlers, "kind", "read_key"),
    ("Handler_read_last", Id::Handlers, "kind", "read_last"),
    ("Handler_read_next", Id::Handlers, "kind", "read_next"),
    ("Handler_read_prev", Id::Handlers, "kind", "read_prev"),
    ("Handler_read_rnd", Id::Handlers, "kind", "read_rnd"),
    ("Handler_read_rnd_next", Id::Handlers, "kind", "read_rnd_next"),
    ("Handler_rollback", Id::Handlers, "kind", "rollback"),
    ("Handler_savepoint", Id::Handlers, "kind", "savepoint"),
    ("Handler_savepoint_rollback", Id::Handlers, "kind", "savepoint_rollback"),
    ("Handler_update", Id::Handlers, "kind", "update"),
    ("Handler_write", Id::Handlers, "kind", "write"),
    ("Innodb_dblwr_pages_written", Id::DoubleWrites, "kind", "pages_written"),
    ("Innodb_dblwr_writes", Id::DoubleWrites, "kind", "writes"),
    ("Innodb_log_waits", Id::LogOperations, "operation", "waits"),
    ("Innodb_log_write_requests", Id::LogOperations, "operation", "write_requests"),
    ("Innodb_log_writes", Id::LogOperations, "operation", "writes"),
    ("Innodb_os_log_fsyncs", Id::LogOperations, "operation", "fsyncs"),
    ("Innodb_data_fsyncs", Id::Operations, "operation", "fsyncs"),
    ("Innodb_data_reads", Id::Operations, "operation", "reads"),
    ("Innodb_data_writes", Id::Operations, "operation", "writes"),
    ("Innodb_pages_created", Id::PageOperations, "operation", "created"),
    ("Innodb_pages_read", Id::PageOperations, "operation", "read"),
    ("Innodb_pages_written", Id::PageOperations, "operation", "written"),
    ("Innodb_row_lock_waits", Id::RowLocks, "kind", "waits"),
    ("Innodb_row_lock_time", Id::RowLocks, "kind", "time"),
    ("Innodb_rows_deleted", Id::RowOperations, "operation", "deleted"),
    ("Innodb_rows_inserted", Id::RowOperations, "operation", "inserted"),
    ("Innodb_rows_read", Id::RowOperations, "operation", "read"),
    ("Innodb_rows_updated", Id::RowOperations, "operation", "updated"),
    ("Table_locks_immediate", Id::Locks, "kind", "immediate"),
    ("Table_locks_waited", Id::Locks, "kind", "waited"),
    ("Select_full_join", Id::Joins, "kind", "full"),
    ("Select_full_range_join", Id::Joins, "kind", "full_range"),
    ("Select_range", Id::Joins, "kind", "range"),
    ("Select_range_check", Id::Joins, "kind", "range_check"),
    ("Select_scan", Id::Joins, "kind", "scan"),
    ("Table_open_cache_hits", Id::TableOpenCache, "status", "hit"),
    ("Table_open_cache_misses", Id::TableOpenCache, "status", "miss"),
    ("Table_open_cache_overflows", Id::TableOpenCache, "status", "overflow"),
    ("Queries", Id::QueryCount, "", ""),
    ("Questions", Id::QueryClientCount, "", ""),
    ("Slow_queries", Id::QuerySlowCount, "", ""),
    ("Sort_merge_passes", Id::Sorts, "kind", "merge_passes"),
    ("Sort_range", Id::Sorts, "kind", "range"),
    ("Sort_rows", Id::Sorts, "kind", "rows"),
    ("Sort_scan", Id::Sorts, "kind", "scan"),
    ("Threads_cached", Id::Threads, "kind", "cached"),
    ("Threads_connected", Id::Threads, "kind", "connected"),
    ("Threads_created", Id::Threads, "kind", "created"),
    ("Threads_running", Id::Threads, "kind", "running"),
    ("Opened_files", Id::OpenedResources, "kind", "file"),
    ("Opened_tables", Id::OpenedResources, "kind", "table"),
    ("Opened_table_definitions", Id::OpenedResources, "kind", "table_definition"),
    ("Mysqlx_worker_threads", Id::MysqlxWorkerThreads, "kind", "available"),
    ("Mysqlx_worker_threads_active", Id::MysqlxWorkerThreads, "kind", "active"),
    ("Mysqlx_connections_accepted", Id::MysqlxConnections, "status", "accepted"),
    ("Mysqlx_connections_closed", Id::MysqlxConnections, "status", "closed"),
    ("Mysqlx_connections_rejected", Id::MysqlxConnections, "status", "rejected"),
    ("Uptime", Id::Uptime, "", ""),
    ("Max_used_connections", Id::MaxUsedConnections, "", ""),
    ("Innodb_page_size", Id::PageSize, "", ""),
];

/// Status variables of the dbintel extensions (`contrib: false`).
pub const EXTENSION_MAP: &[Mapping] = &[
    ("Innodb_row_lock_current_waits", Id::InnodbRowLockCurrentWaits, "", ""),
    // MariaDB only; MySQL counts deadlocks in information_schema.INNODB_METRICS (crate::innodb).
    ("Innodb_deadlocks", Id::InnodbDeadlocks, "", ""),
];

/// The global variable `mysql.buffer_pool.limit` reads (bytes).
pub const LIMIT_VARIABLE: &str = "innodb_buffer_pool_size";
/// The global variable `mysql.max_connections` reads.
pub const MAX_CONNECTIONS_VARIABLE: &str = "max_connections";

/// The statement that reads the status variables.
pub const STATUS_SQL: &str = "SHOW GLOBAL STATUS";
/// The statement that reads [`LIMIT_VARIABLE`] and [`MAX_CONNECTIONS_VARIABLE`].
pub const VARIABLES_SQL: &str =
    "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('innodb_buffer_pool_size', 'max_connections')";

/// A mapped variable whose value gave no point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadValue {
    pub variable: &'static str,
    /// What was wrong, with the value (status values are counters, never secrets).
    pub problem: String,
}

/// `SHOW GLOBAL STATUS` rows by variable name (names compared as the server spells them; MySQL and
/// MariaDB both use this capitalisation).
pub type StatusRows = HashMap<String, Option<String>>;

/// A status value as an integer; the message says why not. Counters past `i64::MAX` (or a value
/// like bug 59550's wrapped `Innodb_buffer_pool_pages_misc`) are refused, not wrapped.
pub fn parse_value(raw: Option<&str>) -> Result<i64, String> {
    let Some(raw) = raw else { return Err("NULL".to_string()) };
    let text = raw.trim();
    text.parse::<i64>().map_err(|_| {
        let shown: String = text.chars().take(40).collect();
        format!("`{shown}` is not an integer in the int64 range")
    })
}

fn point_attributes(key: &'static str, value: &'static str) -> Attributes {
    let mut a = Attributes::with_capacity(1);
    if !key.is_empty() {
        a.insert(key, value);
    }
    a
}

fn record(b: &mut MetricBuilder<'_>, id: MetricId, v: i64, key: &'static str, value: &'static str) {
    b.record_at(id.index(), NumberValue::Int(v), point_attributes(key, value));
}

/// Records the points of every enabled metric that the status rows feed; variables that are
/// absent (another server flavour or version) give no point and no complaint.
pub fn record_status(rows: &StatusRows, b: &mut MetricBuilder<'_>) -> Vec<BadValue> {
    let mut bad = Vec::new();
    let table = b.table().clone();
    let on = |id: MetricId| table.is_enabled_at(id.index());
    let read = |variable: &'static str, bad: &mut Vec<BadValue>| -> Option<i64> {
        let raw = rows.get(variable)?;
        match parse_value(raw.as_deref()) {
            Ok(v) => Some(v),
            Err(problem) => {
                bad.push(BadValue { variable, problem });
                None
            }
        }
    };
    for &(variable, id, key, value) in STATUS_MAP.iter().chain(EXTENSION_MAP) {
        if !on(id) {
            continue;
        }
        if let Some(v) = read(variable, &mut bad) {
            record(b, id, v, key, value);
        }
    }
    // Derived as contrib does: dirty as reported, clean = data - dirty (never negative: the two
    // variables are read at slightly different moments).
    for (id, dirty_var, data_var) in [
        (Id::BufferPoolDataPages, "Innodb_buffer_pool_pages_dirty", "Innodb_buffer_pool_pages_data"),
        (Id::BufferPoolUsage, "Innodb_buffer_pool_bytes_dirty", "Innodb_buffer_pool_bytes_data"),
    ] {
        if !on(id) {
            continue;
        }
        let Some(dirty) = read(dirty_var, &mut bad) else { continue };
        record(b, id, dirty, "status", "dirty");
        if let Some(data) = read(data_var, &mut bad) {
            record(b, id, data.saturating_sub(dirty).max(0), "status", "clean");
        }
    }
    bad
}

/// Records `mysql.buffer_pool.limit` and `mysql.max_connections` from the `SHOW GLOBAL
/// VARIABLES` rows.
pub fn record_variables(rows: &StatusRows, b: &mut MetricBuilder<'_>) -> Vec<BadValue> {
    let mut bad = Vec::new();
    for (variable, id) in
        [(LIMIT_VARIABLE, Id::BufferPoolLimit), (MAX_CONNECTIONS_VARIABLE, Id::MaxConnections)]
    {
        match rows.get(variable).map(|raw| parse_value(raw.as_deref())) {
            Some(Ok(v)) => record(b, id, v, "", ""),
            Some(Err(problem)) => bad.push(BadValue { variable, problem }),
            None => {}
        }
    }
    bad
}

#[cfg(test)]
mod tests {
    use dbintel_core::pdata::{Metric, MetricData};
    use dbintel_dbclient::MetricTable;

    use super::*;
    use crate::metadata::METRICS;

    fn rows(pairs: &[(&str, Option<&str>)]) -> StatusRows {
        pairs.iter().map(|(k, v)| (k.to_string(), v.map(str::to_string))).collect()
    }

    fn values(metrics: &[Metric], name: &str) -> Vec<(String, i64)> {
        let m = metrics.iter().find(|m| m.name == name).unwrap_or_else(|| panic!("no {name}"));
        let points = match &m.data {
            MetricData::Gauge(p) | MetricData::Sum { points: p, .. } => p,
            other => panic!("{other:?}"),
        };
        let mut out: Vec<(String, i64)> = points
            .iter()
            .map(|p| {
                let attr =
                    p.attributes.iter().map(|(k, v)| format!("{k}={}", v.to_display_string())).collect();
                let NumberValue::Int(v) = p.value else { panic!("int points") };
                (attr, v)
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn every_mapping_names_an_attribute_with_a_value_or_none() {
        for (variable, id, key, value) in STATUS_MAP {
            assert_eq!(key.is_empty(), value.is_empty(), "{variable}");
            assert_eq!(STATUS_MAP.iter().filter(|m| m.0 == *variable).count(), 1, "{variable}");
            assert!(id.contrib(), "{variable}");
        }
    }

    #[test]
    fn maps_variables_derives_clean_pages_and_skips_bad_values() {
        let table = MetricTable::all_enabled(METRICS);
        let mut b = table.builder(1, 2, 1000);
        let status = rows(&[
            ("Handler_commit", Some("12")),
            ("Handler_write", Some(" 7 ")),
            ("Innodb_buffer_pool_pages_data", Some("100")),
            ("Innodb_buffer_pool_pages_dirty", Some("30")),
            ("Innodb_buffer_pool_bytes_data", Some("1000")),
            ("Innodb_buffer_pool_bytes_dirty", Some("1200")),
            ("Innodb_buffer_pool_pages_misc", Some("18446744073709551615")),
            ("Uptime", None),
            ("Threads_running", Some("abc")),
            ("Some_unknown_variable", Some("not read")),
        ]);
        let mut bad = record_status(&status, &mut b);
        bad.sort_by_key(|x| x.variable);
        let names: Vec<&str> = bad.iter().map(|x| x.variable).collect();
        assert_eq!(names, ["Innodb_buffer_pool_pages_misc", "Threads_running", "Uptime"]);
        assert_eq!(bad[2].problem, "NULL");
        assert!(bad[1].problem.contains("`abc`"), "{bad:?}");
        let metrics = b.finish();
        assert_eq!(
            values(&metrics, "mysql.handlers"),
            [("kind=commit".into(), 12), ("kind=write".into(), 7)]
        );
        assert_eq!(values(&metrics, "mysql.buffer_pool.pages"), [("kind=data".into(), 100)]);
        assert_eq!(
            values(&metrics, "mysql.buffer_pool.data_pages"),
            [("status=clean".into(), 70), ("status=dirty".into(), 30)]
        );
        assert_eq!(
            values(&metrics, "mysql.buffer_pool.usage"),
            [("status=clean".into(), 0), ("status=dirty".into(), 1200)],
            "clean is never negative"
        );
        assert!(metrics.iter().all(|m| m.name != "mysql.uptime" && m.name != "mysql.threads"));
    }

    #[test]
    fn disabled_metrics_get_no_points_and_no_complaints() {
        let table = MetricTable::new(METRICS);
        let mut b = table.builder(1, 2, 1000);
        let bad = record_status(&rows(&[("Com_select", Some("x")), ("Queries", Some("5"))]), &mut b);
        assert!(bad.is_empty(), "mysql.commands and mysql.query.count are off by default: {bad:?}");
        assert_eq!(b.point_count(), 0);
    }

    #[test]
    fn limit_comes_from_the_variable() {
        let table = MetricTable::new(METRICS);
        let mut b = table.builder(1, 2, 1000);
        assert!(
            record_variables(&rows(&[("innodb_buffer_pool_size", Some("134217728"))]), &mut b).is_empty()
        );
        let metrics = b.finish();
        assert_eq!(values(&metrics, "mysql.buffer_pool.limit"), [(String::new(), 134_217_728)]);
        let MetricData::Sum { monotonic, .. } = metrics[0].data else { panic!("a sum") };
        assert!(!monotonic);
        let mut b = table.builder(1, 2, 1000);
        assert_eq!(record_variables(&rows(&[("innodb_buffer_pool_size", None)]), &mut b).len(), 1);
    }
}
