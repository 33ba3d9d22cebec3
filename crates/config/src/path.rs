//! Key paths (`receivers.sqlquery.queries[0].sql`) and provenance: which source last set a key.

use std::collections::BTreeMap;
use std::fmt;

/// One step into a config tree.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// A path from the root of a config, rendered `a.b[0].c`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyPath(pub Vec<Segment>);

impl KeyPath {
    pub fn root() -> Self {
        Self(Vec::new())
    }
    pub fn key(&self, k: &str) -> Self {
        let mut v = self.0.clone();
        v.push(Segment::Key(k.to_string()));
        Self(v)
    }
    pub fn index(&self, i: usize) -> Self {
        let mut v = self.0.clone();
        v.push(Segment::Index(i));
        Self(v)
    }
    /// A path of keys, e.g. `KeyPath::of(&["receivers", "sqlquery"])`.
    pub fn of(keys: &[&str]) -> Self {
        Self(keys.iter().map(|k| Segment::Key((*k).to_string())).collect())
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Segment::Key(k) if i == 0 => f.write_str(k)?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// Appends a component-relative path (`queries[0].sql`, as factories report it) to a rendered prefix.
pub(crate) fn join(prefix: &str, rel: &str) -> String {
    if rel.is_empty() {
        prefix.to_string()
    } else if prefix.is_empty() {
        rel.to_string()
    } else if rel.starts_with('[') {
        format!("{prefix}{rel}")
    } else {
        format!("{prefix}.{rel}")
    }
}

/// Which source last set each map key of the merged config. Lists and scalars are replaced whole by
/// a later source, so map keys are enough: a path's source is that of its longest recorded prefix.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    by_path: BTreeMap<Vec<String>, usize>,
    names: Vec<String>,
}

impl Provenance {
    pub(crate) fn add_source(&mut self, name: &str) -> usize {
        self.names.push(name.to_string());
        self.names.len() - 1
    }

    /// Forgets every record at or under `prefix` (its subtree was replaced).
    pub(crate) fn clear_under(&mut self, prefix: &[String]) {
        self.by_path.retain(|k, _| !k.starts_with(prefix));
    }

    pub(crate) fn set(&mut self, path: Vec<String>, source: usize) {
        self.by_path.insert(path, source);
    }

    /// The source that last set `keys` (or its nearest recorded ancestor).
    pub fn source_of(&self, keys: &[&str]) -> Option<&str> {
        let mut probe: Vec<String> = keys.iter().map(|k| (*k).to_string()).collect();
        loop {
            if let Some(&i) = self.by_path.get(&probe) {
                return self.names.get(i).map(String::as_str);
            }
            probe.pop()?;
        }
    }

    /// Every source, in load order.
    pub fn sources(&self) -> &[String] {
        &self.names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_paths() {
        let p = KeyPath::of(&["receivers", "sqlquery"]).key("queries").index(0).key("sql");
        assert_eq!(p.to_string(), "receivers.sqlquery.queries[0].sql");
        assert_eq!(join("receivers.x", "a[1].b"), "receivers.x.a[1].b");
        assert_eq!(join("receivers.x", "[2]"), "receivers.x[2]");
        assert_eq!(join("receivers.x", ""), "receivers.x");
    }

    #[test]
    fn provenance_uses_the_longest_recorded_prefix() {
        let mut p = Provenance::default();
        let a = p.add_source("a.yaml");
        let b = p.add_source("b.yaml");
        p.set(vec!["receivers".into()], a);
        p.set(vec!["receivers".into(), "sqlquery".into()], b);
        assert_eq!(p.source_of(&["receivers", "sqlquery", "queries"]), Some("b.yaml"));
        assert_eq!(p.source_of(&["receivers", "postgresql"]), Some("a.yaml"));
        assert_eq!(p.source_of(&["exporters"]), None);
    }
}
