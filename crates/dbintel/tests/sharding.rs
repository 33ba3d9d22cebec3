//! `service.sharding` end to end: one config with 12 `sqlquery` targets against one throwaway
//! PostgreSQL, run by 3 real `dbintel run` processes (ordinals from $DBINTEL_SHARD_ORDINAL and from
//! a StatefulSet-style $POD_NAME), then by 4. Each target's query returns its own name as an
//! attribute; each replica writes to its own file. Every target must be scraped by exactly the
//! replica `validate --show-sharding` names, health and self-telemetry must show the share, and the
//! resize must move exactly the targets `validate --replicas 4` counts, all to the new replica.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use dbintel_core::sharding::Target;
use dbintel_test_support::shared_postgres;
use support::{Running, bin, free_port, http_get};

const TARGETS: usize = 12;

fn target_name(i: usize) -> String {
    format!("sqlquery/t{i:02}")
}

/// One config for every replica: ports, output file and replica count come from the environment.
fn config() -> String {
    let mut receivers = String::new();
    for i in 1..=TARGETS {
        receivers.push_str(&format!(
            r#"  sqlquery/t{i:02}:
    driver: postgres
    datasource: ${{env:SHARD_DATASOURCE}}
    collection_interval: 200ms
    initial_delay: 0s
    queries:
      - sql: "SELECT 1 AS up, 'sqlquery/t{i:02}' AS target"
        metrics:
          - metric_name: shard.probe
            value_column: up
            attribute_columns: [target]
"#
        ));
    }
    let list: Vec<String> = (1..=TARGETS).map(target_name).collect();
    format!(
        r#"receivers:
{receivers}exporters:
  file:
    path: ${{env:SHARD_OUT}}
extensions:
  health_check:
    endpoint: 127.0.0.1:${{env:SHARD_HEALTH_PORT}}
service:
  extensions: [health_check]
  sharding:
    replicas: ${{env:DBINTEL_SHARD_REPLICAS}}
  telemetry:
    metrics:
      address: 127.0.0.1:${{env:SHARD_TELEMETRY_PORT}}
  pipelines:
    metrics:
      receivers: [{}]
      exporters: [file]
"#,
        list.join(", ")
    )
}

/// Every `target` attribute value in an OTLP-JSON lines file.
fn scraped_targets(file: &Path) -> BTreeSet<String> {
    fn walk(v: &serde_json::Value, out: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if m.get("key").and_then(|k| k.as_str()) == Some("target")
                    && let Some(s) =
                        m.get("value").and_then(|v| v.get("stringValue")).and_then(|s| s.as_str())
                {
                    out.insert(s.to_string());
                }
                m.values().for_each(|v| walk(v, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    let text = std::fs::read_to_string(file).unwrap_or_default();
    // The last line may be half written while the collector runs.
    for line in text.lines() {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(line) {
            walk(&v, &mut out);
        }
    }
    out
}

/// `dbintel validate` with `args` on the config, for `replicas`.
fn validate(cfg: &Path, replicas: u32, args: &[&str]) -> String {
    let out = Command::new(bin())
        .args(["validate", "--config", &cfg.display().to_string()])
        .args(args)
        .env("SHARD_DATASOURCE", "postgresql://x@127.0.0.1:1/x")
        .env("SHARD_OUT", "/dev/null")
        .env("SHARD_HEALTH_PORT", "1")
        .env("SHARD_TELEMETRY_PORT", "2")
        .env("DBINTEL_SHARD_REPLICAS", replicas.to_string())
        .env("DBINTEL_SHARD_ORDINAL", "0")
        .env_remove("POD_NAME")
        .output()
        .expect("run dbintel validate");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "validate failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

struct Replica {
    run: Running,
    out: PathBuf,
    health: String,
    telemetry: String,
}

/// Starts `replicas` processes on the config; replica 1 finds its ordinal in a pod name, the others
/// in $DBINTEL_SHARD_ORDINAL.
fn start(dir: &Path, cfg: &Path, datasource: &str, replicas: u32) -> Vec<Replica> {
    (0..replicas)
        .map(|ordinal| {
            let rdir = dir.join(format!("r{replicas}-{ordinal}"));
            std::fs::create_dir_all(&rdir).unwrap();
            let out = rdir.join("out.jsonl");
            let (hp, tp) = (free_port().to_string(), free_port().to_string());
            let n = replicas.to_string();
            let o = ordinal.to_string();
            let pod = format!("dbintel-{ordinal}");
            let mut env = vec![
                ("SHARD_DATASOURCE", datasource),
                ("SHARD_OUT", out.to_str().unwrap()),
                ("SHARD_HEALTH_PORT", hp.as_str()),
                ("SHARD_TELEMETRY_PORT", tp.as_str()),
                ("DBINTEL_SHARD_REPLICAS", n.as_str()),
            ];
            if ordinal == 1 {
                env.push(("POD_NAME", pod.as_str()));
            } else {
                env.push(("DBINTEL_SHARD_ORDINAL", o.as_str()));
            }
            let run = Running::start(&["run", "--config", cfg.to_str().unwrap()], &env, &rdir);
            Replica { run, out, health: format!("127.0.0.1:{hp}"), telemetry: format!("127.0.0.1:{tp}") }
        })
        .collect()
}

/// Runs `replicas` processes until each has scraped every target it should own (and a few scrapes
/// more); checks health and self-telemetry; stops them with SIGTERM. Returns who scraped what.
fn run_replicas(dir: &Path, cfg: &Path, datasource: &str, replicas: u32) -> BTreeMap<String, u32> {
    let expected: BTreeMap<String, u32> = (1..=TARGETS)
        .map(|i| {
            let name = target_name(i);
            let owner = Target::receiver(&name.parse().unwrap()).owner(replicas);
            (name, owner)
        })
        .collect();
    let mut procs = start(dir, cfg, datasource, replicas);
    for (ordinal, r) in procs.iter().enumerate() {
        let mine: BTreeSet<String> =
            expected.iter().filter(|(_, o)| **o == ordinal as u32).map(|(t, _)| t.clone()).collect();
        // Health: 200 with this replica's share.
        r.run.wait_for(&format!("replica {ordinal} healthy"), Duration::from_secs(30), || {
            http_get(&r.health, "/").0 == 200
        });
        let (_, body) = http_get(&r.health, "/");
        let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(doc["sharding"]["replicas"], replicas, "{doc}");
        assert_eq!(doc["sharding"]["ordinal"], ordinal, "{doc}");
        let owned: BTreeSet<String> = doc["sharding"]["owned"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect();
        assert_eq!(owned, mine, "replica {ordinal}: health shows another share");
        let (_, metrics) = http_get(&r.telemetry, "/metrics");
        assert!(
            metrics.lines().any(|l| l == format!("dbintel_sharding_owned_targets {}", mine.len())),
            "replica {ordinal}:\n{metrics}"
        );
        // Its file fills with its own targets (several scrapes, so a stray one would show).
        r.run.wait_for(&format!("replica {ordinal} scraping its targets"), Duration::from_secs(30), || {
            let text = std::fs::read_to_string(&r.out).unwrap_or_default();
            // A replica that owns nothing runs no pipeline and writes nothing.
            mine.is_empty()
                || (scraped_targets(&r.out).is_superset(&mine) && text.lines().count() >= 3 * mine.len())
        });
    }
    for r in &procs {
        r.run.signal("TERM");
    }
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    for (ordinal, r) in procs.iter_mut().enumerate() {
        let status = r.run.wait_exit(Duration::from_secs(20));
        assert_eq!(status.code(), Some(0), "replica {ordinal}:\n{}", r.run.stderr());
        for t in scraped_targets(&r.out) {
            if let Some(other) = seen.insert(t.clone(), ordinal as u32) {
                panic!("{t} was scraped by replicas {other} and {ordinal}");
            }
        }
    }
    assert_eq!(seen, expected, "each target scraped by exactly its owner");
    seen
}

#[test]
fn twelve_targets_are_split_across_three_then_four_replicas() {
    let pg = shared_postgres();
    let db = pg.create_database("sharding");
    let datasource = pg.url(&db);
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.yaml");
    std::fs::write(&cfg, config()).unwrap();

    // The table `validate --show-sharding` prints is the one the processes follow.
    let table = validate(&cfg, 3, &["--show-sharding"]);
    for i in 1..=TARGETS {
        let name = target_name(i);
        let owner = Target::receiver(&name.parse().unwrap()).owner(3);
        let line = table
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name.as_str()))
            .unwrap_or_else(|| panic!("{name} missing:\n{table}"));
        let fields: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(fields[1], owner.to_string(), "{line}");
        assert_eq!(fields.get(2) == Some(&"*"), owner == 0, "this replica (0) is marked: {line}");
    }

    let three = run_replicas(dir.path(), &cfg, &datasource, 3);

    // The resize preview counts the moves.
    let preview = validate(&cfg, 3, &["--replicas", "4"]);
    let predicted: usize = preview
        .lines()
        .find_map(|l| l.strip_prefix("moved: "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no move count:\n{preview}"));
    assert!(
        preview.contains(&format!("moved: {predicted} of {TARGETS} targets (3 -> 4 replicas)")),
        "{preview}"
    );

    let four = run_replicas(dir.path(), &cfg, &datasource, 4);
    let moved: Vec<(&String, u32, u32)> =
        three.iter().filter_map(|(t, a)| (four[t] != *a).then_some((t, *a, four[t]))).collect();
    assert_eq!(moved.len(), predicted, "observed moves {moved:?}, validate predicted {predicted}");
    assert!(moved.iter().all(|(_, _, to)| *to == 3), "moves only go to the new replica: {moved:?}");
    assert!(predicted > 0 && predicted < TARGETS / 2, "about a quarter move: {predicted}");
}

/// Per resource of an OTLP-JSON lines file: its string attributes and its metric names.
fn resources(file: &Path) -> Vec<(BTreeMap<String, String>, BTreeSet<String>)> {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let mut out = Vec::new();
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        for rm in v["resourceMetrics"].as_array().into_iter().flatten() {
            let attrs = rm["resource"]["attributes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|a| {
                    Some((a["key"].as_str()?.to_string(), a["value"]["stringValue"].as_str()?.to_string()))
                })
                .collect();
            let names = rm["scopeMetrics"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|sm| sm["metrics"].as_array().into_iter().flatten())
                .filter_map(|m| m["name"].as_str().map(str::to_string))
                .collect();
            out.push((attrs, names));
        }
    }
    out
}

/// A `postgresql` receiver with a `databases` list: each database's per-database queries (tables)
/// run on the replica that owns that database, the server-wide ones (database count, pg_stat_database
/// rows of every listed database) only on the replica that owns the receiver.
#[test]
fn a_postgresql_receiver_splits_its_databases_across_replicas() {
    let pg = shared_postgres();
    let dbs: Vec<String> = (0..4).map(|i| pg.create_database(&format!("shard_db{i}"))).collect();
    for db in &dbs {
        pg.psql(db, &format!("CREATE TABLE tbl_{db} (id int); INSERT INTO tbl_{db} VALUES (1);"))
            .expect("table");
    }
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.yaml");
    std::fs::write(
        &cfg,
        format!(
            r#"receivers:
  postgresql/fleet:
    endpoint: 127.0.0.1:{port}
    username: postgres
    tls: {{insecure: true}}
    collection_interval: 1s
    initial_delay: 0s
    databases: [{list}]
exporters:
  file:
    path: ${{env:SHARD_OUT}}
extensions:
  health_check:
    endpoint: 127.0.0.1:${{env:SHARD_HEALTH_PORT}}
service:
  extensions: [health_check]
  sharding:
    replicas: ${{env:DBINTEL_SHARD_REPLICAS}}
  telemetry:
    metrics:
      address: 127.0.0.1:${{env:SHARD_TELEMETRY_PORT}}
  pipelines:
    metrics:
      receivers: [postgresql/fleet]
      exporters: [file]
"#,
            port = pg.port,
            list = dbs.join(", ")
        ),
    )
    .unwrap();
    let fleet: dbintel_core::ComponentId = "postgresql/fleet".parse().unwrap();
    let replicas = 2;
    let server_owner = Target::receiver(&fleet).owner(replicas);
    let db_owner = |db: &str| Target::database(&fleet, db).owner(replicas);
    let procs = start(dir.path(), &cfg, "unused", replicas);
    for (ordinal, r) in procs.iter().enumerate() {
        let ordinal = ordinal as u32;
        let mine: BTreeSet<String> = dbs.iter().filter(|d| db_owner(d) == ordinal).cloned().collect();
        let runs = ordinal == server_owner || !mine.is_empty();
        r.run.wait_for(&format!("replica {ordinal} healthy"), Duration::from_secs(30), || {
            http_get(&r.health, "/").0 == 200
        });
        if !runs {
            continue;
        }
        // Tables of its own databases, several scrapes of them.
        let tables_seen = || -> (BTreeSet<String>, usize) {
            let mut seen = BTreeSet::new();
            let mut n = 0;
            for (attrs, _) in resources(&r.out) {
                if let (Some(db), Some(_)) =
                    (attrs.get("postgresql.database.name"), attrs.get("postgresql.table.name"))
                {
                    seen.insert(db.clone());
                    n += 1;
                }
            }
            (seen, n)
        };
        r.run.wait_for(&format!("replica {ordinal} collecting"), Duration::from_secs(30), || {
            let all = resources(&r.out);
            let count_seen = all.iter().any(|(_, names)| names.contains("postgresql.database.count"));
            let (seen, n) = tables_seen();
            seen.is_superset(&mine) && n >= 3 * mine.len() && (ordinal != server_owner || count_seen)
        });
    }
    for r in &procs {
        r.run.signal("TERM");
    }
    let mut procs = procs;
    for (ordinal, r) in procs.iter_mut().enumerate() {
        let ordinal = ordinal as u32;
        let status = r.run.wait_exit(Duration::from_secs(20));
        assert_eq!(status.code(), Some(0), "replica {ordinal}:\n{}", r.run.stderr());
        let all = resources(&r.out);
        let tables: BTreeSet<String> = all
            .iter()
            .filter(|(a, _)| a.contains_key("postgresql.table.name"))
            .filter_map(|(a, _)| a.get("postgresql.database.name").cloned())
            .collect();
        let mine: BTreeSet<String> = dbs.iter().filter(|d| db_owner(d) == ordinal).cloned().collect();
        assert_eq!(tables, mine, "replica {ordinal} collected the tables of other databases");
        let server_wide = all.iter().any(|(_, names)| names.contains("postgresql.database.count"));
        assert_eq!(server_wide, ordinal == server_owner, "replica {ordinal}: server-wide metrics");
        if ordinal == server_owner {
            // pg_stat_database rows for every listed database, not only its own.
            let db_level: BTreeSet<String> = all
                .iter()
                .filter(|(a, names)| {
                    !a.contains_key("postgresql.table.name") && names.contains("postgresql.commits")
                })
                .filter_map(|(a, _)| a.get("postgresql.database.name").cloned())
                .collect();
            assert_eq!(
                db_level,
                dbs.iter().cloned().collect::<BTreeSet<_>>(),
                "server-wide rows of every database"
            );
        }
    }
}
