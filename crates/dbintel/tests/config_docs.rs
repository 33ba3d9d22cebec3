//! Config docs that cannot drift: every component README's key table lists exactly the keys of the
//! component's config schema (`dbintel components --schema all`, derived from the config types).
//!
//! A key table follows a marker naming the components it documents, e.g.
//! `<!-- config-keys: exporter/otlp exporter/otlphttp -->`; a component may have several tables
//! (shared keys in one, its own in another). In a table's first column every backticked name is a
//! full key path (`tls.ca_file`, `queries[].metrics[].data_type`, `metrics.<name>.enabled`; a map
//! key may also be written out: `events.db.server.top_query.enabled`); one after the word `alias`
//! is another name of the key before it. Every key of the schema must be documented (a struct's
//! own keys, not only the struct), and every documented name must be a key (or an alias) of it.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use dbintel_core::typed::{SchemaKey, schema_keys};
use support::dbintel;

/// What the tables marked for one component document, and where.
#[derive(Default)]
struct Documented {
    /// (key, alias of the key before it, README) for every backticked name.
    keys: Vec<(String, Option<String>, PathBuf)>,
    readmes: BTreeSet<PathBuf>,
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("workspace root")
}

fn readmes(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() && name != "target" && !name.to_string_lossy().starts_with('.') {
            readmes(&path, out);
        } else if name == "README.md" {
            out.push(path);
        }
    }
}

/// The first cell of a table row (`| a | b |` gives ` a `), `None` for the separator row.
fn first_cell(row: &str) -> Option<&str> {
    let inner = row.trim().strip_prefix('|')?;
    let end = inner.find('|').unwrap_or(inner.len());
    let cell = &inner[..end];
    if cell.trim().chars().all(|c| matches!(c, '-' | ':' | ' ')) { None } else { Some(cell) }
}

/// The backticked names of a cell, each with the name it is an alias of.
fn names(cell: &str) -> Vec<(String, Option<String>)> {
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    let mut rest = cell;
    let mut before = String::new();
    while let Some(open) = rest.find('`') {
        before.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('`') else { break };
        let name = after[..close].to_string();
        // An alias names the last key before it, so `k` (alias `a`, alias `b`) gives both to `k`.
        let alias_of = if before.contains("alias") {
            out.iter().rev().find(|(_, of)| of.is_none()).map(|(n, _)| n.clone())
        } else {
            None
        };
        out.push((name, alias_of));
        before.clear();
        rest = &after[close + 1..];
    }
    out
}

/// Every marked table of every README under `crates/`, by component (`exporter/otlp`).
fn documented(root: &Path) -> BTreeMap<String, Documented> {
    let mut files = Vec::new();
    readmes(&root.join("crates"), &mut files);
    files.sort();
    let mut out: BTreeMap<String, Documented> = BTreeMap::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read README");
        let shown = file.strip_prefix(root).unwrap_or(&file).to_path_buf();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(marker) = line.trim().strip_prefix("<!-- config-keys:") else { continue };
            let components: Vec<&str> = marker.trim_end_matches("-->").split_whitespace().collect();
            assert!(
                !components.is_empty(),
                "{}:{}: a config-keys marker names no component",
                shown.display(),
                i + 1
            );
            let table: Vec<&str> = lines[i + 1..]
                .iter()
                .skip_while(|l| l.trim().is_empty())
                .take_while(|l| l.trim_start().starts_with('|'))
                .copied()
                .collect();
            assert!(table.len() > 2, "{}:{}: no key table after the marker", shown.display(), i + 1);
            for component in components {
                let doc = out.entry(component.to_string()).or_default();
                doc.readmes.insert(shown.clone());
                // The header row names the columns, not keys.
                for cell in table[1..].iter().filter_map(|row| first_cell(row)) {
                    for (name, alias_of) in names(cell) {
                        doc.keys.push((name, alias_of, shown.clone()));
                    }
                }
            }
        }
    }
    out
}

/// Whether a documented name is the schema path `pattern`, where `<name>` stands for any map key.
fn matches(pattern: &str, name: &str) -> bool {
    match pattern.split_once("<name>") {
        None => pattern == name,
        Some((head, tail)) => {
            let Some(rest) = name.strip_prefix(head) else { return false };
            if rest.starts_with("<name>") && matches(tail, &rest["<name>".len()..]) {
                return true;
            }
            // A written-out map key is at least one character and may contain dots.
            (1..=rest.len()).filter(|i| rest.is_char_boundary(*i)).any(|i| matches(tail, &rest[i..]))
        }
    }
}

fn schemas() -> BTreeMap<String, serde_json::Value> {
    let out = dbintel(&["components", "--schema", "all"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let all: serde_json::Value = serde_json::from_slice(&out.stdout).expect("schema JSON");
    let serde_json::Value::Object(map) = all else { panic!("not an object: {all}") };
    map.into_iter().collect()
}

/// The problems of one component's docs, each naming the component, the key and the README.
fn drift(component: &str, schema: &serde_json::Value, doc: Option<&Documented>) -> Vec<String> {
    let Some(doc) = doc else {
        return vec![format!(
            "{component}: no key table; add `<!-- config-keys: {component} -->` before one in its README"
        )];
    };
    let where_ = doc.readmes.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
    let keys: Vec<SchemaKey> = schema_keys(schema);
    let mut problems = Vec::new();
    for key in keys.iter().filter(|k| k.leaf) {
        if !doc.keys.iter().any(|(name, alias_of, _)| alias_of.is_none() && matches(&key.path, name)) {
            let about = key_summary(schema, &key.path);
            problems.push(format!(
                "{component}: key `{}` is in the schema but not in the key table of {where_}{about}",
                key.path
            ));
        }
        for alias in &key.aliases {
            if !doc
                .keys
                .iter()
                .any(|(name, alias_of, _)| name == alias && alias_of.as_deref() == Some(&key.path))
            {
                problems.push(format!(
                    "{component}: alias `{alias}` of `{}` is not documented in {where_} (write `(alias `{alias}`)` after the key)",
                    key.path
                ));
            }
        }
    }
    for (name, alias_of, readme) in &doc.keys {
        let known = match alias_of {
            None => keys.iter().any(|k| matches(&k.path, name)),
            Some(of) => keys.iter().any(|k| matches(&k.path, of) && k.aliases.contains(name)),
        };
        if !known {
            let what = match alias_of {
                None => "a key".to_string(),
                Some(of) => format!("an alias of `{of}`"),
            };
            problems.push(format!(
                "{component}: {} documents `{name}`, which is not {what} in the config schema",
                readme.display()
            ));
        }
    }
    problems
}

/// ` (default ..., "description")`, to help write the missing row.
fn key_summary(schema: &serde_json::Value, path: &str) -> String {
    let Some(node) = dbintel_core::typed::schema_at_path(schema, path) else { return String::new() };
    let default = node.get("default").map(|d| format!(" default {d}")).unwrap_or_default();
    let description =
        node.get("description").and_then(|d| d.as_str()).map(|d| format!(" \"{d}\"")).unwrap_or_default();
    if default.is_empty() && description.is_empty() {
        String::new()
    } else {
        format!(":{default}{description}")
    }
}

#[test]
fn every_component_readme_key_table_matches_its_schema() {
    let root = workspace_root();
    let schemas = schemas();
    assert!(schemas.len() >= 10, "every built-in type has a schema: {:?}", schemas.keys());
    let documented = documented(&root);
    let mut problems = Vec::new();
    for (component, schema) in &schemas {
        problems.extend(drift(component, schema, documented.get(component)));
    }
    for component in documented.keys().filter(|c| !schemas.contains_key(*c)) {
        problems.push(format!("a config-keys marker names `{component}`, which is not a built-in component"));
    }
    assert!(
        problems.is_empty(),
        "README key tables drifted from the config schemas:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_drift_check_fails_on_a_missing_an_unknown_and_a_false_alias_key() {
    let schema = serde_json::json!({
        "type": "object",
        "properties": {
            "timeout": {"type": "string", "x-aliases": ["query_timeout"]},
            "tls": {"type": "object", "properties": {"ca_file": {"type": "string"}}},
            "metrics": {"type": "object", "additionalProperties": {
                "type": "object", "properties": {"enabled": {"type": "boolean"}}}}
        }
    });
    let readme = PathBuf::from("crates/x/README.md");
    let doc = |rows: &[&str]| {
        let mut d = Documented::default();
        d.readmes.insert(readme.clone());
        for row in rows {
            for (name, alias_of) in names(first_cell(row).unwrap()) {
                d.keys.push((name, alias_of, readme.clone()));
            }
        }
        d
    };
    let good = doc(&[
        "| `timeout` (alias `query_timeout`) | 10s |",
        "| `tls`, `tls.ca_file` | |",
        "| `metrics.<name>.enabled`, `metrics.postgresql.commits.enabled` | |",
    ]);
    assert!(
        drift("receiver/x", &schema, Some(&good)).is_empty(),
        "{:?}",
        drift("receiver/x", &schema, Some(&good))
    );
    let bad = doc(&["| `timeout` (alias `timeot`) | |", "| `tls.ca_fil` | |"]);
    let problems = drift("receiver/x", &schema, Some(&bad)).join("\n");
    for want in [
        "receiver/x: key `tls.ca_file` is in the schema but not in the key table of crates/x/README.md",
        "receiver/x: key `metrics.<name>.enabled` is in the schema but not",
        "receiver/x: alias `query_timeout` of `timeout` is not documented in crates/x/README.md",
        "receiver/x: crates/x/README.md documents `timeot`, which is not an alias of `timeout`",
        "receiver/x: crates/x/README.md documents `tls.ca_fil`, which is not a key",
    ] {
        assert!(problems.contains(want), "{want}\nnot in:\n{problems}");
    }
    assert!(drift("receiver/x", &schema, None)[0].contains("receiver/x: no key table"));
    assert!(matches("events.<name>.enabled", "events.db.server.top_query.enabled"));
    assert!(!matches("events.<name>.enabled", "events..enabled"));
    assert!(!matches("tls.ca_file", "tls.ca_files"));
}

#[test]
fn components_schema_prints_one_type_by_kind_or_section_name_and_refuses_unknown_ones() {
    for which in ["receiver/postgresql", "receivers/postgresql", "extension/healthcheck"] {
        let out = dbintel(&["components", "--schema", which]);
        assert!(out.status.success(), "{which}: {}", String::from_utf8_lossy(&out.stderr));
        let schema: serde_json::Value = serde_json::from_slice(&out.stdout).expect("schema JSON");
        assert_eq!(schema["type"], "object", "{which}");
        assert!(schema["properties"].as_object().is_some_and(|p| !p.is_empty()), "{which}");
    }
    let pg: serde_json::Value =
        serde_json::from_slice(&dbintel(&["components", "--schema", "receiver/postgresql"]).stdout).unwrap();
    // serde's defaults, renames and aliases are what the schema says.
    assert_eq!(pg["properties"]["endpoint"]["default"], "localhost:5432");
    assert_eq!(pg["properties"]["collection_interval"]["default"], "10s");
    assert_eq!(pg["properties"]["timeout"]["x-aliases"], serde_json::json!(["query_timeout"]));
    for (which, says) in [
        ("exporter/nope", "no exporter type `nope`; known: debug, file, otlp, otlphttp, prometheus"),
        ("otlp", "give KIND/TYPE"),
        ("thing/otlp", "give KIND/TYPE"),
    ] {
        let out = dbintel(&["components", "--schema", which]);
        assert_eq!(out.status.code(), Some(2), "{which}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{which}: {err}");
    }
}
