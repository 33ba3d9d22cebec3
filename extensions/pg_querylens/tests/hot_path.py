#!/usr/bin/env python3
"""Regression tests for what pg_querylens' per-statement path relies on (README "Performance").

1. The plan id comes from a backend-local cache keyed by the PlannedStmt's address, valid while no planning
   happened (README "Plan id rule"). One session re-executes plans whose address is likely reused while the
   plan differs: custom plans alternating between two shapes (prepared statement, PL/pgSQL), a cached plan
   re-planned after DROP INDEX, a generic plan whose index is renamed. Each execution must be counted under
   the plan id of its own EXPLAIN (the independent rule in regress.py).
2. The executor and planner hooks count the nesting level without pgrx's guard; an ERROR that skips their
   decrement is repaired by the (sub)transaction abort callbacks. After errors caught by a PL/pgSQL
   exception block, errors that end the statement, and ROLLBACK/COMMIT inside a procedure, statements must
   still be classified top-level or nested correctly (track = top counts only the former), and errors must
   reach the client as PostgreSQL raised them (no Rust backtrace in DETAIL).

Uses the cluster harness of tests/regress.py. Run: python3 tests/hot_path.py [--bindir DIR]
"""
import argparse
import os
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from regress import Cluster, explain, plan_id, server_major  # noqa: E402

SETUP = """
CREATE EXTENSION pg_stat_statements;
CREATE EXTENSION pg_querylens;
-- 90% of the rows have k = 0 (a sequential scan), the others distinct values (an index scan).
CREATE TABLE sk (k int, pad text);
INSERT INTO sk SELECT CASE WHEN g % 10 = 0 THEN g ELSE 0 END, repeat('x', 40) FROM generate_series(1, 100000) g;
CREATE INDEX sk_k ON sk (k);
CREATE TABLE u (id int PRIMARY KEY, b text);
INSERT INTO u SELECT g, 'b' || g FROM generate_series(1, 10000) g;
ANALYZE sk; ANALYZE u;
"""

COMMON, RARE = 0, 70


def calls_by_plan(c, query_like):
    """planid -> calls of the querylens entries whose pg_stat_statements text ends like this (the text of
    a prepared statement is its PREPARE)."""
    out = c.psql("SELECT q.planid, q.calls FROM querylens.query_stats q "
                 "WHERE q.queryid IN (SELECT queryid FROM pg_stat_statements WHERE query LIKE '%%%s')"
                 % query_like.replace("'", "''"))
    return {int(p): int(n) for p, n in (line.split("|") for line in out.splitlines())}


def expected_id(c, sql, settings=""):
    return plan_id(explain(c, sql, settings)[0])


def test_alternating_custom_plans_prepared(c):
    settings = "SET plan_cache_mode = force_custom_plan;"
    prep = "PREPARE p(int) AS SELECT max(pad) FROM sk WHERE k = $1;"
    seq = expected_id(c, "EXECUTE p(%d)" % COMMON, settings + prep)
    idx = expected_id(c, "EXECUTE p(%d)" % RARE, settings + prep)
    assert seq != idx, "precondition: the two parameters must get different plans"
    n = 12
    c.script("SELECT pg_stat_statements_reset(); SELECT querylens.reset(); %s %s %s" % (
        settings, prep, " ".join("EXECUTE p(%d); EXECUTE p(%d);" % (COMMON, RARE) for _ in range(n))))
    got = calls_by_plan(c, "SELECT max(pad) FROM sk WHERE k = $1")
    assert got == {seq: n, idx: n}, (got, seq, idx)


def test_alternating_custom_plans_plpgsql(c):
    c.psql("""CREATE OR REPLACE FUNCTION alternate(n int) RETURNS void LANGUAGE plpgsql AS $$
        DECLARE x text; v int;
        BEGIN
          FOR i IN 1..n LOOP
            v := CASE WHEN i %% 2 = 0 THEN %d ELSE %d END;
            SELECT max(pad) INTO x FROM sk WHERE k = v;
          END LOOP;
        END $$""" % (COMMON, RARE))
    prep = "PREPARE e(int) AS SELECT max(pad) FROM sk WHERE k = $1;"
    seq = expected_id(c, "EXECUTE e(%d)" % COMMON, prep)
    idx = expected_id(c, "EXECUTE e(%d)" % RARE, prep)
    n = 40
    c.script("SELECT pg_stat_statements_reset(); SELECT querylens.reset(); "
             "SET pg_querylens.track = 'all'; SET pg_stat_statements.track = 'all'; "
             "SET plan_cache_mode = force_custom_plan; SELECT alternate(%d);" % n)
    got = calls_by_plan(c, "FROM sk WHERE k = v")
    assert got == {seq: n // 2, idx: n // 2}, (got, seq, idx)


def test_cached_plan_replanned_after_drop_index(c):
    c.psql("CREATE INDEX sk_k2 ON sk (k); ANALYZE sk;")
    c.psql("""CREATE OR REPLACE FUNCTION probe(n int) RETURNS void LANGUAGE plpgsql AS $$
        DECLARE x text;
        BEGIN
          FOR i IN 1..n LOOP SELECT max(pad) INTO x FROM sk WHERE k = %d; END LOOP;
        END $$""" % RARE)
    q = "SELECT max(pad) FROM sk WHERE k = %d" % RARE
    c.psql("DROP INDEX sk_k")
    before = expected_id(c, q)
    c.script("SELECT pg_stat_statements_reset(); SELECT querylens.reset(); "
             "SET pg_querylens.track = 'all'; SET pg_stat_statements.track = 'all'; "
             "SELECT probe(5); DROP INDEX sk_k2; SELECT probe(7);")
    after = expected_id(c, q)
    c.psql("CREATE INDEX sk_k ON sk (k); ANALYZE sk;")
    assert before != after, "precondition: dropping the index must change the plan"
    got = calls_by_plan(c, "FROM sk WHERE k = $1")
    assert got == {before: 5, after: 7}, (got, before, after)


def test_generic_plan_index_renamed(c):
    settings = "SET plan_cache_mode = force_generic_plan;"
    prep = "PREPARE g(int) AS SELECT b FROM u WHERE id = $1;"
    before = expected_id(c, "EXECUTE g(7)", settings + prep)
    c.script("SELECT pg_stat_statements_reset(); SELECT querylens.reset(); %s %s "
             "EXECUTE g(7); EXECUTE g(8); EXECUTE g(9); ALTER INDEX u_pkey RENAME TO u_pkey_renamed; "
             "EXECUTE g(7); EXECUTE g(8);" % (settings, prep))
    after = expected_id(c, "EXECUTE g(7)", settings + prep)
    c.psql("ALTER INDEX u_pkey_renamed RENAME TO u_pkey")
    assert before != after, "precondition: the index name is part of the plan id"
    got = calls_by_plan(c, "SELECT b FROM u WHERE id = $1")
    assert got == {before: 3, after: 2}, (got, before, after)


def top_calls(c, query_like):
    """Total querylens calls of the statements whose pg_stat_statements text ends like this."""
    return sum(calls_by_plan(c, query_like).values())


def test_nesting_after_caught_errors(c):
    c.psql("""CREATE OR REPLACE FUNCTION catches(z int) RETURNS int LANGUAGE plpgsql AS $$
        BEGIN
          BEGIN PERFORM 1 / z; EXCEPTION WHEN division_by_zero THEN NULL; END;   -- executor error
          BEGIN PERFORM 1 / 0; EXCEPTION WHEN division_by_zero THEN NULL; END;   -- planner error
          PERFORM count(*) FROM u WHERE id < 3;                                  -- nested
          RETURN 1;
        END $$""")
    c.script("SELECT pg_stat_statements_reset(); SELECT querylens.reset(); SET pg_stat_statements.track = 'all'; "
             "SELECT catches(0); SELECT catches(0); SELECT b FROM u WHERE id = 3;")
    assert top_calls(c, "SELECT catches($1)") == 2
    assert top_calls(c, "SELECT b FROM u WHERE id = $1") == 1, "a top-level statement after caught errors"
    assert top_calls(c, "FROM u WHERE id < $1") == 0, "a nested statement after a caught error"
    c.script("SELECT querylens.reset(); SET pg_querylens.track = 'all'; SELECT catches(0);")
    assert top_calls(c, "FROM u WHERE id < $1") == 1, "track = all counts the nested statement"


def test_nesting_after_statement_errors(c):
    c.psql("""CREATE OR REPLACE FUNCTION fails(z int) RETURNS int LANGUAGE plpgsql AS $$
        BEGIN PERFORM count(*) FROM u WHERE id < 4; RETURN 1 / z; END $$""")
    r = c.run([c.bin("psql"), "-X", "-q", "-At", "-h", c.sock, "-U", "postgres", "-d", "postgres",
               "-f", "-"], stdin="SELECT pg_stat_statements_reset(); SELECT querylens.reset(); "
               "SELECT fails(0); SELECT 1 / 0; BEGIN; SELECT fails(0); ROLLBACK; "
               "SELECT b FROM u WHERE id = 4;")
    assert r.stderr.count("division by zero") == 3, r.stderr
    assert "DETAIL" not in r.stderr, "errors must pass through unchanged: " + r.stderr
    assert top_calls(c, "SELECT b FROM u WHERE id = $1") == 1, "a top-level statement after failed ones"
    assert top_calls(c, "FROM u WHERE id < $1") == 0, "track = top"


def test_nesting_across_procedure_transaction_control(c):
    c.psql("""CREATE OR REPLACE PROCEDURE txn() LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM count(*) FROM u WHERE id < 7; ROLLBACK;
          PERFORM count(*) FROM u WHERE id < 8; COMMIT;
          PERFORM count(*) FROM u WHERE id < 9;
        END $$""")
    c.script("SELECT pg_stat_statements_reset(); SELECT querylens.reset(); "
             "SET pg_stat_statements.track = 'all'; CALL txn(); SELECT b FROM u WHERE id = 5;")
    assert top_calls(c, "FROM u WHERE id < $1") == 0, "statements in a procedure stay nested after ROLLBACK"
    assert top_calls(c, "SELECT b FROM u WHERE id = $1") == 1
    c.script("SELECT querylens.reset(); SET pg_querylens.track = 'all'; CALL txn(); "
             "SET pg_querylens.track = 'top'; SELECT b FROM u WHERE id = 6;")
    assert top_calls(c, "FROM u WHERE id < $1") == 3
    assert top_calls(c, "SELECT b FROM u WHERE id = $1") == 1


TESTS = [
    test_alternating_custom_plans_prepared,
    test_alternating_custom_plans_plpgsql,
    test_cached_plan_replanned_after_drop_index,
    test_generic_plan_index_renamed,
    test_nesting_after_caught_errors,
    test_nesting_after_statement_errors,
    test_nesting_across_procedure_transaction_control,
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bindir", default="/usr/lib/postgresql/15/bin")
    a = ap.parse_args()
    # No parallel plans: a PL/pgSQL statement and the same statement prepared must get the same plan.
    conf = {"shared_preload_libraries": "'pg_stat_statements,pg_querylens'", "max_parallel_workers_per_gather": "0"}
    if server_major(a.bindir) < 14:
        # 13's query ids come from pg_stat_statements, only for the statements it tracks: `all`, so that
        # nested statements have one (as in regress.py and the README's setup for 13).
        conf["pg_stat_statements.track"] = "all"
    c = Cluster(a.bindir, conf)
    failed = []
    try:
        c.psql(SETUP)
        for t in TESTS:
            t0 = time.monotonic()
            try:
                t(c)
                print("ok   %s (%.1fs)" % (t.__name__, time.monotonic() - t0), flush=True)
            except Exception:
                failed.append(t.__name__)
                print("FAIL %s\n%s" % (t.__name__, traceback.format_exc()), flush=True)
    finally:
        c.destroy()
    if failed:
        print("%d failed: %s" % (len(failed), ", ".join(failed)))
        sys.exit(1)
    print("all pg_querylens hot-path tests passed")


if __name__ == "__main__":
    main()
