//! `service.sharding` in the binary: which targets a config has, which of them this replica owns,
//! and `dbintel validate --show-sharding [--replicas N]`.
//!
//! The targets are the database receivers used by a pipeline (`postgresql`, `mysql`, `sqlquery`,
//! `enhancedsql` and the prototype's `ash`/`autoexplain` front-ends), one each, plus one per listed
//! database of a `postgresql` receiver with a `databases` list. Receivers that are not database
//! targets (`otlp`) run on every replica. Ownership is rendezvous hashing
//! (`dbintel_core::sharding`).

use std::collections::BTreeSet;

use dbintel_config::{OrdinalSource, ServiceConfig};
use dbintel_core::ComponentId;
use dbintel_core::sharding::{Sharding, Target};

/// Receiver types that are database targets (sharded); every other type runs on every replica.
pub const SHARDED_RECEIVER_TYPES: [&str; 6] =
    ["postgresql", "mysql", "sqlquery", "enhancedsql", "ash", "autoexplain"];

/// The targets of one receiver: none when it is not a database target; for a `postgresql` receiver
/// with a `databases` list, the receiver (its server-wide work) and each listed database that is not
/// excluded.
pub fn receiver_targets(id: &ComponentId, section: &serde_json::Value) -> Vec<Target> {
    if !SHARDED_RECEIVER_TYPES.contains(&id.type_name()) {
        return Vec::new();
    }
    let mut targets = vec![Target::receiver(id)];
    if id.type_name() == "postgresql" {
        let names = |key: &str| -> Vec<&str> {
            section
                .get(key)
                .and_then(|v| v.as_array())
                .map(|a| a.iter().filter_map(|d| d.as_str()).collect())
                .unwrap_or_default()
        };
        let excluded = names("exclude_databases");
        let mut seen = BTreeSet::new();
        for db in names("databases") {
            if !excluded.contains(&db) && seen.insert(db) {
                targets.push(Target::database(id, db));
            }
        }
    }
    targets
}

/// Every target of the config (receivers used by a pipeline), sorted.
pub fn targets(cfg: &ServiceConfig) -> Vec<Target> {
    let used = cfg.used_components();
    let mut out: Vec<Target> = used
        .receivers
        .keys()
        .filter_map(|id| cfg.receivers.get(id).map(|section| receiver_targets(id, section)))
        .flatten()
        .collect();
    out.sort();
    out
}

/// Whether this replica builds receiver `id`: always when not sharded or not a database target;
/// otherwise when it owns the receiver or one of its databases.
pub fn runs_here(id: &ComponentId, section: &serde_json::Value, sharding: Option<Sharding>) -> bool {
    let Some(sharding) = sharding else { return true };
    let targets = receiver_targets(id, section);
    targets.is_empty() || targets.iter().any(|t| sharding.owns(t))
}

/// The host name, for the ordinal of a StatefulSet pod (`dbintel-2`).
pub fn hostname() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok().filter(|h| !h.trim().is_empty()))
}

/// This replica's place from `service.sharding` and the environment; `Ok(None)` when the config
/// has no `service.sharding`.
pub fn resolve(
    cfg: &ServiceConfig,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<(Sharding, OrdinalSource)>, String> {
    let Some(s) = cfg.service.sharding else { return Ok(None) };
    let (ordinal, source) = s.resolve_ordinal(env, hostname().as_deref())?;
    let sharding = Sharding::new(s.replicas, ordinal).map_err(|e| format!("service.sharding: {e}"))?;
    Ok(Some((sharding, source)))
}

/// The targets `sharding` owns, as text, sorted.
pub fn owned(cfg: &ServiceConfig, sharding: Sharding) -> Vec<String> {
    targets(cfg).iter().filter(|t| sharding.owns(t)).map(ToString::to_string).collect()
}

/// The report of `validate --show-sharding` (and `--replicas N`): each target and its owner, this
/// replica's marked; with `resize`, the owner at the new size and what moves.
pub fn report(cfg: &ServiceConfig, env: &dyn Fn(&str) -> Option<String>, resize: Option<u32>) -> String {
    use std::fmt::Write as _;
    let replicas = cfg.service.sharding.map_or(1, |s| s.replicas);
    // The ordinal is a property of where the process runs: without one, the table has no marks.
    let (me, source) = match cfg.service.sharding.map(|s| s.resolve_ordinal(env, hostname().as_deref())) {
        Some(Ok((o, src))) => (Some(o), src.to_string()),
        Some(Err(e)) => (None, format!("unknown here ({e})")),
        None => (Some(0), "no service.sharding: one replica owns every target".to_string()),
    };
    let all = targets(cfg);
    let width = all.iter().map(|t| t.to_string().len()).max().unwrap_or(6).max(6);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "sharding: {replicas} replicas; this replica: {} ({source})",
        me.map_or("?".into(), |m| m.to_string())
    );
    match resize {
        None => {
            let _ = writeln!(out, "{:<width$}  OWNER", "TARGET");
            for t in &all {
                let o = t.owner(replicas);
                let mark = if me == Some(o) { "  *" } else { "" };
                let _ = writeln!(out, "{:<width$}  {o}{mark}", t.to_string());
            }
        }
        Some(to) => {
            let _ = writeln!(out, "{:<width$}  OWNER({replicas})  OWNER({to})", "TARGET");
            for t in &all {
                let (a, b) = (t.owner(replicas), t.owner(to));
                let moved = if a == b { "" } else { "  moved" };
                let _ = writeln!(out, "{:<width$}  {a:<9}  {b}{moved}", t.to_string());
            }
            let moves = dbintel_core::sharding::moves(&all, replicas, to);
            let _ = writeln!(
                out,
                "moved: {} of {} targets ({replicas} -> {to} replicas)",
                moves.len(),
                all.len()
            );
        }
    }
    if let Some(me) = me {
        let n = all.iter().filter(|t| t.owner(replicas) == me).count();
        let _ = writeln!(out, "owned by replica {me}: {n} of {} targets", all.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> ComponentId {
        s.parse().unwrap()
    }

    #[test]
    fn database_receivers_are_targets_and_listed_databases_too() {
        let section = serde_json::json!({"databases": ["a", "b", "a", "c"], "exclude_databases": ["c"]});
        let t: Vec<String> =
            receiver_targets(&id("postgresql/fleet"), &section).iter().map(ToString::to_string).collect();
        assert_eq!(t, ["postgresql/fleet", "postgresql/fleet[a]", "postgresql/fleet[b]"]);
        assert_eq!(receiver_targets(&id("sqlquery/x"), &section).len(), 1);
        assert!(receiver_targets(&id("otlp"), &serde_json::json!({})).is_empty());
        // A receiver that is not a target runs on every replica.
        let s = Sharding::new(3, 0).unwrap();
        assert!(runs_here(&id("otlp"), &serde_json::json!({}), Some(s)));
        let here = (0..3)
            .filter(|o| runs_here(&id("sqlquery/x"), &section, Some(Sharding::new(3, *o).unwrap())))
            .count();
        assert_eq!(here, 1);
    }
}
