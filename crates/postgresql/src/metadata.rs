//! Every metric the receiver can emit: name, unit, kind and whether it is on by default, as a
//! dbclient `MetricSpec` table indexed by [`MetricId`] (declared with
//! `dbintel_dbclient::metric_table!`). The names, units, kinds and defaults of the contrib
//! `postgresql` receiver are kept exactly; metrics beyond the contrib set are marked
//! `contrib: false` ([`MetricId::contrib`]).

use dbintel_dbclient::metrics::MetricKind;

const G: MetricKind = MetricKind::Gauge;
const M: MetricKind = MetricKind::Sum { monotonic: true };
const NM: MetricKind = MetricKind::Sum { monotonic: false };

dbintel_dbclient::metric_table! {
    // ---- contrib, enabled by default
    Backends => "postgresql.backends", "1", NM, Int, true, true, "The number of backends.";
    BgwriterBuffersAllocated => "postgresql.bgwriter.buffers.allocated", "{buffers}", M, Int, true, true, "Number of buffers allocated.";
    BgwriterBuffersWrites => "postgresql.bgwriter.buffers.writes", "{buffers}", M, Int, true, true, "Number of buffers written.";
    BgwriterCheckpointCount => "postgresql.bgwriter.checkpoint.count", "{checkpoints}", M, Int, true, true, "The number of checkpoints performed.";
    BgwriterDuration => "postgresql.bgwriter.duration", "ms", M, Double, true, true, "Total time spent writing and syncing files to disk by checkpoints.";
    BgwriterMaxwritten => "postgresql.bgwriter.maxwritten", "1", M, Int, true, true, "Number of times the background writer stopped a cleaning scan because it had written too many buffers.";
    BlocksRead => "postgresql.blocks_read", "1", M, Int, true, true, "The number of blocks read.";
    Commits => "postgresql.commits", "1", M, Int, true, true, "The number of commits.";
    ConnectionMax => "postgresql.connection.max", "{connections}", G, Int, true, true, "Configured maximum number of client connections allowed";
    DatabaseCount => "postgresql.database.count", "{databases}", NM, Int, true, true, "Number of user databases.";
    DbSize => "postgresql.db_size", "By", NM, Int, true, true, "The database disk usage.";
    IndexScans => "postgresql.index.scans", "{scans}", M, Int, true, true, "The number of index scans on a table.";
    IndexSize => "postgresql.index.size", "By", G, Int, true, true, "The size of the index on disk.";
    Operations => "postgresql.operations", "1", M, Int, true, true, "The number of db row operations.";
    ReplicationDataDelay => "postgresql.replication.data_delay", "By", G, Int, true, true, "The amount of data delayed in replication.";
    Rollbacks => "postgresql.rollbacks", "1", M, Int, true, true, "The number of rollbacks.";
    Rows => "postgresql.rows", "1", NM, Int, true, true, "The number of rows in the database.";
    TableCount => "postgresql.table.count", "{table}", NM, Int, true, true, "Number of user tables in a database.";
    TableSize => "postgresql.table.size", "By", NM, Int, true, true, "Disk space used by a table.";
    TableVacuumCount => "postgresql.table.vacuum.count", "{vacuum}", M, Int, true, true, "Number of times a table has manually been vacuumed.";
    WalAge => "postgresql.wal.age", "s", G, Int, true, true, "Age of the oldest WAL file.";
    WalLag => "postgresql.wal.lag", "s", G, Int, true, true, "Time between flushing recent WAL locally and receiving notification that the standby server has completed an operation with it.";
    // ---- contrib, disabled by default
    BlksHit => "postgresql.blks_hit", "{blks_hit}", M, Int, false, true, "Number of times disk blocks were found already in the buffer cache.";
    BlksRead => "postgresql.blks_read", "{blks_read}", M, Int, false, true, "Number of disk blocks read in this database.";
    DatabaseLocks => "postgresql.database.locks", "{lock}", G, Int, false, true, "The number of database locks.";
    Deadlocks => "postgresql.deadlocks", "{deadlock}", M, Int, false, true, "The number of deadlocks.";
    FunctionCalls => "postgresql.function.calls", "{call}", M, Int, false, true, "The number of calls made to a function. Requires `track_functions=pl|all` in Postgres config.";
    QueryConflicts => "postgresql.query.conflicts", "{query}", M, Int, false, true, "Number of queries canceled due to conflicts with recovery (standbys only).";
    QueryExecutionTime => "postgresql.query.execution.time", "s", M, Double, false, true, "Total time spent executing statements, from pg_stat_statements.";
    SequentialScans => "postgresql.sequential_scans", "{sequential_scan}", M, Int, false, true, "The number of sequential scans.";
    TempIo => "postgresql.temp.io", "By", M, Int, false, true, "Total amount of data written to temporary files by queries.";
    TempFiles => "postgresql.temp_files", "{temp_file}", M, Int, false, true, "The number of temp files.";
    TupDeleted => "postgresql.tup_deleted", "{tup_deleted}", M, Int, false, true, "Number of rows deleted by queries in the database.";
    TupFetched => "postgresql.tup_fetched", "{tup_fetched}", M, Int, false, true, "Number of rows fetched by queries in the database.";
    TupInserted => "postgresql.tup_inserted", "{tup_inserted}", M, Int, false, true, "Number of rows inserted by queries in the database.";
    TupReturned => "postgresql.tup_returned", "{tup_returned}", M, Int, false, true, "Number of rows returned by queries in the database.";
    TupUpdated => "postgresql.tup_updated", "{tup_updated}", M, Int, false, true, "Number of rows updated by queries in the database.";
    VectorInsertDuration => "postgresql.vector.insert.duration", "s", M, Double, false, true, "Total time spent inserting into tables with vector columns (pgvector).";
    VectorInsertRows => "postgresql.vector.insert.rows", "{vectors}", M, Int, false, true, "Rows inserted by statements that write vector values (pgvector).";
    VectorSearchCalls => "postgresql.vector.search.calls", "{search}", M, Int, false, true, "Calls of statements that use a pgvector distance operator.";
    VectorSearchDuration => "postgresql.vector.search.duration", "s", M, Double, false, true, "Time spent in statements that use a pgvector distance operator.";
    VectorSearchRowsReturned => "postgresql.vector.search.rows_returned", "{rows}", M, Int, false, true, "Rows returned by statements that use a pgvector distance operator.";
    WalDelay => "postgresql.wal.delay", "s", G, Double, false, true, "Time between flushing recent WAL locally and receiving notification that the standby server has completed an operation with it.";
    // ---- dbintel extensions
    Up => "postgresql.up", "1", G, Int, true, false, "1 when the last scrape reached the server, 0 when it did not.";
    ConnectionCount => "postgresql.connection.count", "{connection}", G, Int, true, false, "Backends by database, state and wait event type (pg_stat_activity).";
    LockCount => "postgresql.lock.count", "{lock}", G, Int, true, false, "Locks by mode and whether they are granted (pg_locks).";
    XidAge => "postgresql.database.xid_age", "{transaction}", G, Int, true, false, "Age of the database's frozen transaction ID (transaction ID wraparound: autovacuum forces a freeze at autovacuum_freeze_max_age, the server stops at 2^31).";
    MxidAge => "postgresql.database.mxid_age", "{transaction}", G, Int, false, false, "Age of the database's frozen multixact ID.";
    TransactionMaxDuration => "postgresql.transaction.max_duration", "s", G, Double, true, false, "Duration of the longest running open transaction (excluding dbintel's own).";
    ReplicationSlotLag => "postgresql.replication_slot.lag", "By", G, Int, true, false, "WAL retained by a replication slot: bytes between the current WAL position and the slot's restart_lsn.";
    AutovacuumCount => "postgresql.autovacuum.count", "{worker}", G, Int, true, false, "Running (auto)vacuum operations (pg_stat_progress_vacuum).";
    VacuumProgress => "postgresql.vacuum.progress", "1", G, Double, false, false, "Fraction of heap blocks scanned by each running (auto)vacuum (one point per vacuumed table).";
    CacheHitRatio => "postgresql.cache.hit_ratio", "1", G, Double, true, false, "Buffer cache hit ratio of the database since the statistics were reset: blks_hit / (blks_hit + blks_read).";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrib_default_set_is_complete() {
        let contrib = || MetricId::ALL.iter().filter(|id| id.contrib()).map(|id| id.spec());
        let on: Vec<&str> = contrib().filter(|m| m.default_enabled).map(|m| m.name).collect();
        assert_eq!(on.len(), 22, "{on:?}");
        let off = contrib().filter(|m| !m.default_enabled).count();
        assert_eq!(off, 21);
    }
}
