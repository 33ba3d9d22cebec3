//! Fingerprint agreement between dbintel-sql and libpg_query on the PostgreSQL corpus.
//!
//!     cargo run --release -- ../testdata/corpus_pg.sql [--show N]
//!
//! Groups the corpus by each fingerprint and reports:
//! * pair agreement (Rand index): over all statement pairs, the share on which both algorithms agree
//!   about "same group" vs "different group";
//! * pairwise precision/recall of our grouping against libpg_query's;
//! * statement agreement: the share of statements whose group (as a set of statements) is identical
//!   under both algorithms;
//! * the groups where the two disagree (with examples), to explain the differences.

use std::collections::{BTreeMap, HashMap};

use dbintel_sql::{Dialect, fingerprint};

fn pairs(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).is_some_and(|a| a == "--pair") {
        // Print both fingerprints of each statement given on the command line.
        for s in args.iter().skip(2) {
            let ours = fingerprint(Dialect::Postgresql, s).map(|f| f.to_hex()).unwrap_or_default();
            let pg = pg_query::fingerprint(s).map(|f| f.hex).unwrap_or_else(|e| e.to_string());
            println!("ours {ours}  libpg_query {pg}  {s}");
        }
        return;
    }
    let path = args.get(1).map_or("../testdata/corpus_pg.sql", String::as_str);
    let show: usize = args
        .iter()
        .position(|a| a == "--show")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let text = std::fs::read_to_string(path).expect("read corpus");
    let mut rows: Vec<(String, u64, u64)> = Vec::new();
    let mut pg_fail = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let ours = fingerprint(Dialect::Postgresql, line).map(|f| f.0).unwrap_or(0);
        match pg_query::fingerprint(line) {
            Ok(f) => rows.push((line.to_string(), ours, f.value)),
            Err(_) => pg_fail += 1,
        }
    }
    let n = rows.len() as u64;
    let mut ours_groups: HashMap<u64, u64> = HashMap::new();
    let mut pg_groups: HashMap<u64, u64> = HashMap::new();
    let mut both: HashMap<(u64, u64), u64> = HashMap::new();
    for (_, o, p) in &rows {
        *ours_groups.entry(*o).or_default() += 1;
        *pg_groups.entry(*p).or_default() += 1;
        *both.entry((*o, *p)).or_default() += 1;
    }
    let same_both: u64 = both.values().map(|&c| pairs(c)).sum();
    let same_ours: u64 = ours_groups.values().map(|&c| pairs(c)).sum();
    let same_pg: u64 = pg_groups.values().map(|&c| pairs(c)).sum();
    let total = pairs(n);
    let agree = total - (same_ours - same_both) - (same_pg - same_both);
    // statement agreement: the statement's (ours, pg) cell covers its whole ours-group and pg-group.
    let agreeing: u64 = rows
        .iter()
        .filter(|(_, o, p)| {
            let c = both[&(*o, *p)];
            c == ours_groups[o] && c == pg_groups[p]
        })
        .count() as u64;
    println!("corpus: {path}");
    println!("statements: {n} (libpg_query could not parse {pg_fail})");
    println!("groups: ours {} / libpg_query {}", ours_groups.len(), pg_groups.len());
    println!("pair agreement (Rand index): {:.4}", agree as f64 / total.max(1) as f64);
    println!(
        "pairwise precision (our same-group pairs that libpg_query also groups): {:.4}",
        same_both as f64 / same_ours.max(1) as f64
    );
    println!(
        "pairwise recall (libpg_query same-group pairs that we also group): {:.4}",
        same_both as f64 / same_pg.max(1) as f64
    );
    println!(
        "statement agreement (identical group membership): {:.4} ({agreeing}/{n})",
        agreeing as f64 / n.max(1) as f64
    );
    // Disagreements: libpg_query groups that we split, and our groups that libpg_query splits.
    let mut pg_to_ours: BTreeMap<u64, BTreeMap<u64, Vec<&str>>> = BTreeMap::new();
    let mut ours_to_pg: BTreeMap<u64, BTreeMap<u64, Vec<&str>>> = BTreeMap::new();
    for (l, o, p) in &rows {
        pg_to_ours.entry(*p).or_default().entry(*o).or_default().push(l);
        ours_to_pg.entry(*o).or_default().entry(*p).or_default().push(l);
    }
    println!(
        "\n== libpg_query groups that we split ({}):",
        pg_to_ours.values().filter(|m| m.len() > 1).count()
    );
    for m in pg_to_ours.values().filter(|m| m.len() > 1).take(show) {
        println!("--");
        for v in m.values() {
            println!("  [{}] {}", v.len(), v[0].chars().take(200).collect::<String>());
        }
    }
    println!(
        "\n== our groups that libpg_query splits ({}):",
        ours_to_pg.values().filter(|m| m.len() > 1).count()
    );
    for m in ours_to_pg.values().filter(|m| m.len() > 1).take(show) {
        println!("--");
        for v in m.values() {
            println!("  [{}] {}", v.len(), v[0].chars().take(200).collect::<String>());
        }
    }
}
