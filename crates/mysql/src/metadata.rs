//! Every metric the receiver can emit, as a dbclient `MetricSpec` table indexed by [`MetricId`], declared with `dbintel_dbclient::metric_table!`.
//! Names, units, kinds, attribute names and defaults are the contrib `mysql` receiver's
//! (`metadata.yaml`); the `mysql.innodb.*` redo/transaction metrics, `mysql.query.execution.time` and
//! `mysql.session.active.count` take the newest contrib (nrmysql) names, off by default. `mysql.up` and
//! the metrics after it are dbintel extensions (`contrib: false`), as `postgresql.up` is.

use dbintel_dbclient::metrics::MetricKind;

const M: MetricKind = MetricKind::Sum { monotonic: true };
const NM: MetricKind = MetricKind::Sum { monotonic: false };
const G: MetricKind = MetricKind::Gauge;

dbintel_dbclient::metric_table! {
    // ---- contrib, enabled by default
    BufferPoolPages => "mysql.buffer_pool.pages", "1", NM, Int, true, true, "The number of pages in the InnoDB buffer pool.";
    BufferPoolDataPages => "mysql.buffer_pool.data_pages", "1", NM, Int, true, true, "The number of data pages in the InnoDB buffer pool.";
    BufferPoolPageFlushes => "mysql.buffer_pool.page_flushes", "1", M, Int, true, true, "The number of requests to flush pages from the InnoDB buffer pool.";
    BufferPoolOperations => "mysql.buffer_pool.operations", "1", M, Int, true, true, "The number of operations on the InnoDB buffer pool.";
    BufferPoolLimit => "mysql.buffer_pool.limit", "By", NM, Int, true, true, "The configured size of the InnoDB buffer pool.";
    BufferPoolUsage => "mysql.buffer_pool.usage", "By", NM, Int, true, true, "The number of bytes in the InnoDB buffer pool.";
    PreparedStatements => "mysql.prepared_statements", "1", M, Int, true, true, "The number of times each type of prepared statement command has been issued.";
    Handlers => "mysql.handlers", "1", M, Int, true, true, "The number of requests to various MySQL handlers.";
    DoubleWrites => "mysql.double_writes", "1", M, Int, true, true, "The number of writes to the InnoDB doublewrite buffer.";
    LogOperations => "mysql.log_operations", "1", M, Int, true, true, "The number of InnoDB log operations.";
    Operations => "mysql.operations", "1", M, Int, true, true, "The number of InnoDB operations.";
    PageOperations => "mysql.page_operations", "1", M, Int, true, true, "The number of InnoDB page operations.";
    RowLocks => "mysql.row_locks", "1", M, Int, true, true, "The number of InnoDB row locks.";
    RowOperations => "mysql.row_operations", "1", M, Int, true, true, "The number of InnoDB row operations.";
    Locks => "mysql.locks", "1", M, Int, true, true, "The number of MySQL locks.";
    Sorts => "mysql.sorts", "1", M, Int, true, true, "The number of MySQL sorts.";
    Threads => "mysql.threads", "1", NM, Int, true, true, "The state of MySQL threads.";
    OpenedResources => "mysql.opened_resources", "1", M, Int, true, true, "The number of opened resources.";
    Uptime => "mysql.uptime", "s", M, Int, true, true, "The number of seconds that the server has been up.";
    MysqlxConnections => "mysql.mysqlx_connections", "1", M, Int, true, true, "The number of mysqlx connections.";
    TmpResources => "mysql.tmp_resources", "1", M, Int, true, true, "The number of created temporary resources.";
    // ---- contrib, disabled by default
    ClientNetworkIo => "mysql.client.network.io", "By", M, Int, false, true, "The number of transmitted bytes between server and clients.";
    Commands => "mysql.commands", "1", M, Int, false, true, "The number of times each type of command has been executed.";
    ConnectionCount => "mysql.connection.count", "1", M, Int, false, true, "The number of connection attempts (successful or not) to the MySQL server.";
    ConnectionErrors => "mysql.connection.errors", "1", M, Int, false, true, "Errors that occur during the client connection process.";
    Joins => "mysql.joins", "1", M, Int, false, true, "The number of joins that perform table scans.";
    MysqlxWorkerThreads => "mysql.mysqlx_worker_threads", "1", NM, Int, false, true, "The number of worker threads available.";
    TableOpenCache => "mysql.table_open_cache", "1", M, Int, false, true, "The number of hits, misses or overflows for open tables cache lookups.";
    QueryClientCount => "mysql.query.client.count", "1", M, Int, false, true, "The number of statements executed by the server. This includes only statements sent to the server by clients.";
    QueryCount => "mysql.query.count", "1", M, Int, false, true, "The number of statements executed by the server.";
    QuerySlowCount => "mysql.query.slow.count", "1", M, Int, false, true, "The number of slow queries.";
    // ---- contrib, per table / index / digest (performance_schema, information_schema)
    TableIoWaitCount => "mysql.table.io.wait.count", "1", M, Int, true, true, "The total count of I/O wait events for a table.";
    TableIoWaitTime => "mysql.table.io.wait.time", "ns", M, Int, true, true, "The total time of I/O wait events for a table.";
    IndexIoWaitCount => "mysql.index.io.wait.count", "1", M, Int, true, true, "The total count of I/O wait events for an index.";
    IndexIoWaitTime => "mysql.index.io.wait.time", "ns", M, Int, true, true, "The total time of I/O wait events for an index.";
    TableLockWaitReadCount => "mysql.table.lock_wait.read.count", "1", NM, Int, false, true, "The total table lock wait read events.";
    TableLockWaitReadTime => "mysql.table.lock_wait.read.time", "ns", NM, Int, false, true, "The total table lock wait read events times.";
    TableLockWaitWriteCount => "mysql.table.lock_wait.write.count", "1", NM, Int, false, true, "The total table lock wait write events.";
    TableLockWaitWriteTime => "mysql.table.lock_wait.write.time", "ns", NM, Int, false, true, "The total table lock wait write events times.";
    TableRows => "mysql.table.rows", "1", NM, Int, false, true, "The number of rows for a given table.";
    TableAverageRowLength => "mysql.table.average_row_length", "By", NM, Int, false, true, "The average row length in bytes for a given table.";
    TableSize => "mysql.table.size", "By", NM, Int, false, true, "The table size in bytes for a given table.";
    StatementEventCount => "mysql.statement_event.count", "1", NM, Int, false, true, "Summary of current and recent statement events.";
    StatementEventWaitTime => "mysql.statement_event.wait.time", "ns", NM, Int, false, true, "The total wait time of the summarized timed events.";
    ReplicaTimeBehindSource => "mysql.replica.time_behind_source", "s", NM, Int, false, true, "This field is an indication of how late the replica is.";
    ReplicaSqlDelay => "mysql.replica.sql_delay", "s", NM, Int, false, true, "The number of seconds that the replica must lag the source.";
    MaxUsedConnections => "mysql.max_used_connections", "1", NM, Int, false, true, "Maximum number of connections used simultaneously since the server started.";
    PageSize => "mysql.page_size", "By", NM, Int, false, true, "InnoDB page size.";
    // ---- newest contrib / nrmysql names (opt-in there; kept off here)
    InnodbHistoryListLength => "mysql.innodb.history_list.length", "1", NM, Int, false, true, "Undo log records not yet purged (InnoDB history list length).";
    InnodbTransactionActiveCount => "mysql.innodb.transaction.active.count", "1", NM, Int, false, true, "Open InnoDB transactions.";
    InnodbTransactionActiveDurationMax => "mysql.innodb.transaction.active.duration.max", "s", G, Int, false, true, "Age of the oldest open InnoDB transaction.";
    InnodbRedoLogLsnCurrent => "mysql.innodb.redo_log.lsn.current", "By", NM, Int, false, true, "The current redo log sequence number.";
    InnodbRedoLogLsnCheckpoint => "mysql.innodb.redo_log.lsn.checkpoint", "By", NM, Int, false, true, "The redo log sequence number of the last checkpoint.";
    InnodbRedoLogCheckpointAge => "mysql.innodb.redo_log.checkpoint.age", "By", NM, Int, false, true, "Redo log bytes written since the last checkpoint.";
    QueryExecutionTime => "mysql.query.execution.time", "s", M, Double, false, true, "Total execution time of the statements in the digest summary.";
    SessionActiveCount => "mysql.session.active.count", "1", NM, Int, false, true, "Client sessions running a statement (not sleeping), the receiver's own excluded.";
    // ---- dbintel extensions
    Up => "mysql.up", "1", G, Int, true, false, "1 when the last scrape reached the server, 0 when it did not.";
    SessionCount => "mysql.session.count", "1", G, Int, true, false, "Client sessions by command and state (performance_schema.threads), the receiver's own excluded.";
    MaxConnections => "mysql.max_connections", "1", G, Int, true, false, "The configured connection limit (variable max_connections).";
    InnodbRowLockCurrentWaits => "mysql.innodb.row_lock.current_waits", "1", G, Int, true, false, "Row lock waits in progress now (Innodb_row_lock_current_waits).";
    InnodbDeadlocks => "mysql.innodb.deadlocks", "1", M, Int, true, false, "InnoDB deadlocks since the server started.";
    BufferPoolHitRatio => "mysql.buffer_pool.hit_ratio", "1", G, Double, true, false, "Share of buffer pool read requests served without a disk read, since the server started.";
    ReplicaThreadRunning => "mysql.replica.thread.running", "1", G, Int, true, false, "1 when the replica's IO or SQL thread runs, 0 when not (no point on a server that is not a replica).";
    ReplicaLastError => "mysql.replica.last_error", "1", G, Int, true, false, "The replica IO or SQL thread's last error number (0: none).";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_in_the_mysql_namespace() {
        for m in METRICS {
            assert!(m.name.starts_with("mysql."), "{}", m.name);
        }
    }

    #[test]
    fn extensions_are_the_documented_ones() {
        let extensions: Vec<&str> =
            MetricId::ALL.iter().filter(|id| !id.contrib()).map(|id| id.spec().name).collect();
        assert_eq!(
            extensions,
            [
                "mysql.up",
                "mysql.session.count",
                "mysql.max_connections",
                "mysql.innodb.row_lock.current_waits",
                "mysql.innodb.deadlocks",
                "mysql.buffer_pool.hit_ratio",
                "mysql.replica.thread.running",
                "mysql.replica.last_error",
            ]
        );
    }
}
