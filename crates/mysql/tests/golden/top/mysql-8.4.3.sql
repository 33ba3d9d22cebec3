-- digest rows
SELECT dbintel_top.SCHEMA_NAME, DIGEST, DIGEST_TEXT, COUNT_STAR, SUM_TIMER_WAIT, SUM_LOCK_TIME, SUM_ERRORS, SUM_WARNINGS, SUM_ROWS_AFFECTED, SUM_ROWS_SENT, SUM_ROWS_EXAMINED, SUM_CREATED_TMP_TABLES, SUM_CREATED_TMP_DISK_TABLES, SUM_SORT_MERGE_PASSES, SUM_SORT_ROWS, SUM_NO_INDEX_USED, SUM_NO_GOOD_INDEX_USED, UNIX_TIMESTAMP(FIRST_SEEN), QUERY_SAMPLE_TEXT FROM performance_schema.events_statements_summary_by_digest AS dbintel_top WHERE UNIX_TIMESTAMP(LAST_SEEN) >= UNIX_TIMESTAMP() - 120 AND (DIGEST_TEXT IS NULL OR (DIGEST_TEXT NOT LIKE '%dbintel!_%' ESCAPE '!' AND DIGEST_TEXT NOT LIKE 'EXPLAIN %')) ORDER BY COUNT_STAR DESC LIMIT 50;

-- server time and Uptime
SELECT UNIX_TIMESTAMP(NOW(6)), dbintel_meta.VARIABLE_VALUE, @@performance_schema FROM performance_schema.global_status AS dbintel_meta WHERE dbintel_meta.VARIABLE_NAME = 'Uptime';

-- own digests
SELECT dbintel_own.DIGEST FROM performance_schema.events_statements_history AS dbintel_own WHERE dbintel_own.THREAD_ID = (SELECT THREAD_ID FROM performance_schema.threads WHERE PROCESSLIST_ID = CONNECTION_ID()) AND dbintel_own.DIGEST IS NOT NULL UNION SELECT dbintel_own_long.DIGEST FROM performance_schema.events_statements_history_long AS dbintel_own_long WHERE dbintel_own_long.THREAD_ID = (SELECT THREAD_ID FROM performance_schema.threads WHERE PROCESSLIST_ID = CONNECTION_ID()) AND dbintel_own_long.DIGEST IS NOT NULL LIMIT 1000;

-- recent statement texts: not read (QUERY_SAMPLE_TEXT)
