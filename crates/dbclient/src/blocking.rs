//! Blocking chains from "who waits for whom" edges, shared by the database receivers' query
//! samples (PostgreSQL backends, MySQL/MariaDB threads).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::Hash;

/// Where one session stands in the blocking chains.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockingInfo<P> {
    /// Sessions at the head of the chains this session waits in (they wait for nobody).
    pub root_pids: Vec<P>,
    /// Levels between this session and its farthest root by the shortest way (0 when not blocked).
    pub depth: u32,
    /// Sessions this one blocks directly.
    pub blocked_pids: Vec<P>,
    /// Sessions this one blocks directly or transitively.
    pub blocked_total: u32,
}

/// Builds the chains from `(waiting, blocking)` pairs. Cycle-safe (a deadlock before the detector
/// runs), self-waits ignored, bounded by the number of sessions; every session named in a pair
/// (other than a self-wait) gets an entry.
pub fn blocking_chains<P>(edges: impl IntoIterator<Item = (P, P)>) -> HashMap<P, BlockingInfo<P>>
where
    P: Copy + Eq + Hash + Ord,
{
    let mut waits_for: HashMap<P, BTreeSet<P>> = HashMap::new();
    let mut blocks: HashMap<P, BTreeSet<P>> = HashMap::new();
    let mut pids: BTreeSet<P> = BTreeSet::new();
    for (waiting, blocking) in edges {
        if waiting == blocking {
            continue;
        }
        pids.insert(waiting);
        pids.insert(blocking);
        waits_for.entry(waiting).or_default().insert(blocking);
        blocks.entry(blocking).or_default().insert(waiting);
    }
    let mut out = HashMap::with_capacity(pids.len());
    for pid in pids {
        let mut info =
            BlockingInfo { root_pids: Vec::new(), depth: 0, blocked_pids: Vec::new(), blocked_total: 0 };
        // Upwards: breadth-first to the roots, counting the levels.
        let mut seen: HashSet<P> = HashSet::from([pid]);
        let mut frontier = vec![pid];
        let mut roots = BTreeSet::new();
        while !frontier.is_empty() {
            let mut next = Vec::new();
            for p in &frontier {
                match waits_for.get(p) {
                    Some(ups) => next.extend(ups.iter().copied().filter(|u| seen.insert(*u))),
                    None if *p != pid => {
                        roots.insert(*p);
                    }
                    None => {}
                }
            }
            if !next.is_empty() {
                info.depth += 1;
            }
            frontier = next;
        }
        info.root_pids = roots.into_iter().collect();
        // Downwards: who waits behind this session.
        info.blocked_pids = blocks.get(&pid).map(|s| s.iter().copied().collect()).unwrap_or_default();
        let mut seen_down: HashSet<P> = HashSet::from([pid]);
        let mut stack = info.blocked_pids.clone();
        while let Some(p) = stack.pop() {
            if seen_down.insert(p) {
                info.blocked_total += 1;
                if let Some(more) = blocks.get(&p) {
                    stack.extend(more.iter().copied());
                }
            }
        }
        out.insert(pid, info);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_depth_and_blocked_sessions() {
        // 30 holds a lock; 20 waits for 30; 10 and 11 wait for 20; 40 waits for 30 and 20.
        let c = blocking_chains([(20, 30), (10, 20), (11, 20), (40, 30), (40, 20)]);
        assert_eq!(c[&30].depth, 0);
        assert_eq!(c[&30].blocked_pids, [20, 40]);
        assert_eq!(c[&30].blocked_total, 4);
        assert_eq!(c[&10].root_pids, [30]);
        assert_eq!(c[&10].depth, 2);
        assert_eq!(c[&40].depth, 1, "40 waits for the root directly (and for 20)");
        assert_eq!(c[&20].blocked_total, 3);
        assert!(c[&11].blocked_pids.is_empty());
    }

    #[test]
    fn cycles_and_self_waits_end() {
        let c = blocking_chains([(1u64, 2), (2, 1), (3, 3)]);
        assert_eq!(c[&1].blocked_total, 1);
        assert!(c[&1].root_pids.is_empty(), "a cycle has no root");
        assert!(!c.contains_key(&3), "a self-wait is no chain");
    }
}
