//! Every metric the receiver can emit, as a dbclient `MetricSpec` table indexed by [`MetricId`], declared with `dbintel_dbclient::metric_table!`.
//! Names, units, kinds, attribute names and defaults are the contrib `mysql` receiver's
//! (`metadata.yaml`); `mysql.up` is a dbintel extension (`contrib: false`), as `postgresql.up` is.

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
    // ---- dbintel extensions
    Up => "mysql.up", "1", G, Int, true, false, "1 when the last scrape reached the server, 0 when it did not.";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_index_the_table_and_names_are_unique() {
        assert_eq!(MetricId::ALL.len(), METRICS.len());
        for (i, (id, m)) in MetricId::ALL.iter().zip(METRICS).enumerate() {
            assert_eq!(id.index(), i, "{}", m.name);
            assert_eq!(id.spec().name, m.name);
            assert_eq!(METRICS.iter().filter(|x| x.name == m.name).count(), 1, "{}", m.name);
            assert!(m.name.starts_with("mysql."), "{}", m.name);
        }
    }

    #[test]
    fn only_up_is_an_extension() {
        let extensions: Vec<&str> =
            MetricId::ALL.iter().filter(|id| !id.contrib()).map(|id| id.spec().name).collect();
        assert_eq!(extensions, ["mysql.up"]);
    }
}
