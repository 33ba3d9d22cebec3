//! Sharding of targets across replicas by rendezvous (highest random weight) hashing.
//!
//! A *target* is a database receiver instance (`postgresql/orders`) or one database of a receiver
//! that lists its databases (`postgresql/fleet[app]`). With `replicas` replicas, the owner of a
//! target is the replica `r` in `0..replicas` whose weight `weight(target, r)` is the largest (ties,
//! which need a 64-bit collision, go to the lowest `r`). Every replica computes the same owner from
//! the config alone: no coordination, and growing from `n` to `n + 1` replicas moves only the
//! targets whose new weight for replica `n` beats their old maximum, about `1/(n + 1)` of them,
//! all to the new replica.
//!
//! The weight is stable across builds, platforms and processes (never std's randomised hasher):
//! 64-bit FNV-1a over the bytes of the target's key, a NUL byte and the replica number in decimal
//! ASCII, then the MurmurHash3 64-bit finalizer (`fmix64`) so that nearby inputs spread over the
//! whole range. The key of a receiver target is its ID (`postgresql/orders`); the key of a database
//! target is the receiver ID, a NUL byte and the database name.

use std::fmt;

use crate::ids::ComponentId;

/// The most replicas a service may be sharded across.
pub const MAX_REPLICAS: u32 = 1024;

/// Something one replica owns: a receiver instance, or one database of it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Target {
    receiver: ComponentId,
    database: Option<String>,
}

impl Target {
    /// The receiver instance as a whole (for a multi-database receiver: its server-wide work).
    pub fn receiver(id: &ComponentId) -> Self {
        Self { receiver: id.clone(), database: None }
    }

    /// One database of a receiver with an explicit database list.
    pub fn database(id: &ComponentId, database: &str) -> Self {
        Self { receiver: id.clone(), database: Some(database.to_string()) }
    }

    pub fn receiver_id(&self) -> &ComponentId {
        &self.receiver
    }

    pub fn database_name(&self) -> Option<&str> {
        self.database.as_deref()
    }

    /// The bytes hashed for this target (see the module docs).
    fn key_bytes(&self) -> Vec<u8> {
        let mut key = self.receiver.to_string().into_bytes();
        if let Some(db) = &self.database {
            key.push(0);
            key.extend_from_slice(db.as_bytes());
        }
        key
    }

    /// The replica in `0..replicas` that owns this target (0 when `replicas` is 0 or 1).
    pub fn owner(&self, replicas: u32) -> u32 {
        owner_of_key(&self.key_bytes(), replicas)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.database {
            None => write!(f, "{}", self.receiver),
            Some(db) => write!(f, "{}[{db}]", self.receiver),
        }
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv1a(state: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(state, |h, b| (h ^ u64::from(*b)).wrapping_mul(FNV_PRIME))
}

/// MurmurHash3's 64-bit finalizer.
fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^= h >> 33;
    h
}

/// The rendezvous weight of a target key for one replica.
pub fn weight(key: &[u8], replica: u32) -> u64 {
    let h = fnv1a(FNV_OFFSET, key);
    let h = fnv1a(h, &[0]);
    fmix64(fnv1a(h, replica.to_string().as_bytes()))
}

fn owner_of_key(key: &[u8], replicas: u32) -> u32 {
    let mut best = (0u32, weight(key, 0));
    for r in 1..replicas {
        let w = weight(key, r);
        if w > best.1 {
            best = (r, w);
        }
    }
    best.0
}

/// This replica's place: how many replicas share the targets and which one this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sharding {
    replicas: u32,
    ordinal: u32,
}

/// Why a replica count or ordinal is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardingError {
    #[error("replicas must be between 1 and {MAX_REPLICAS}, got {0}")]
    Replicas(u64),
    #[error("ordinal {ordinal} is not below replicas ({replicas}): ordinals run from 0 to {}", .replicas.saturating_sub(1))]
    Ordinal { ordinal: u64, replicas: u32 },
}

impl Sharding {
    pub fn new(replicas: u32, ordinal: u32) -> Result<Self, ShardingError> {
        if replicas == 0 || replicas > MAX_REPLICAS {
            return Err(ShardingError::Replicas(u64::from(replicas)));
        }
        if ordinal >= replicas {
            return Err(ShardingError::Ordinal { ordinal: u64::from(ordinal), replicas });
        }
        Ok(Self { replicas, ordinal })
    }

    pub fn replicas(&self) -> u32 {
        self.replicas
    }

    pub fn ordinal(&self) -> u32 {
        self.ordinal
    }

    /// Whether this replica owns `target`.
    pub fn owns(&self, target: &Target) -> bool {
        target.owner(self.replicas) == self.ordinal
    }
}

/// A resize from `from` to `to` replicas: each target whose owner changes, with both owners.
pub fn moves<'a>(
    targets: impl IntoIterator<Item = &'a Target>,
    from: u32,
    to: u32,
) -> Vec<(&'a Target, u32, u32)> {
    targets
        .into_iter()
        .filter_map(|t| {
            let (a, b) = (t.owner(from), t.owner(to));
            (a != b).then_some((t, a, b))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn twelve() -> Vec<Target> {
        (1..=12).map(|i| Target::receiver(&format!("sqlquery/t{i:02}").parse().unwrap())).collect()
    }

    fn thousand() -> Vec<Target> {
        let fleet: ComponentId = "postgresql/fleet".parse().unwrap();
        (0..1000).map(|i| Target::database(&fleet, &format!("db{i}"))).collect()
    }

    #[test]
    fn weights_are_fixed_across_builds() {
        // Pinned values: a change here reshuffles every deployed fleet.
        assert_eq!(fnv1a(FNV_OFFSET, b""), FNV_OFFSET);
        assert_eq!(fnv1a(FNV_OFFSET, b"a"), 0xaf63_dc4c_8601_ec8c);
        let t = Target::receiver(&"postgresql/orders".parse().unwrap());
        let owners: Vec<u32> = (1..=6).map(|n| t.owner(n)).collect();
        assert_eq!(weight(b"postgresql/orders", 0), 0x61e2_5e67_7cee_1a4d);
        // An owner only ever changes to the replica just added.
        assert_eq!(owners, [0, 0, 2, 3, 3, 3]);
    }

    #[test]
    fn the_owner_is_deterministic_and_in_range() {
        for t in thousand() {
            for n in 1..=8 {
                let o = t.owner(n);
                assert!(o < n);
                assert_eq!(o, t.owner(n), "{t}");
            }
        }
        assert_eq!(twelve()[0].owner(0), 0);
    }

    #[test]
    fn each_target_has_exactly_one_owner() {
        for n in 1..=5 {
            let replicas: Vec<Sharding> = (0..n).map(|o| Sharding::new(n, o).unwrap()).collect();
            for t in twelve().iter().chain(&thousand()) {
                assert_eq!(replicas.iter().filter(|s| s.owns(t)).count(), 1, "{t} with {n} replicas");
            }
        }
    }

    #[test]
    fn database_targets_differ_from_their_receiver() {
        let id: ComponentId = "postgresql/fleet".parse().unwrap();
        assert_eq!(Target::database(&id, "app").to_string(), "postgresql/fleet[app]");
        assert_ne!(Target::database(&id, "app").key_bytes(), Target::receiver(&id).key_bytes());
        // `postgresql/fleet` + database `x` never hashes like a receiver named `fleet\0x`.
        assert!(Target::database(&id, "x").key_bytes().contains(&0));
    }

    #[test]
    fn three_to_four_moves_about_a_quarter_and_only_to_the_new_replica() {
        let twelve = twelve();
        let moved = moves(&twelve, 3, 4);
        // The exact count for this fixed set (the e2e test checks the same number on real processes).
        let names: Vec<String> = moved.iter().map(|(t, _, _)| t.to_string()).collect();
        assert_eq!(names, ["sqlquery/t02", "sqlquery/t03"], "{moved:?}");
        assert!(moved.iter().all(|(_, _, to)| *to == 3), "{moved:?}");

        let thousand = thousand();
        let moved = moves(&thousand, 3, 4);
        assert!(moved.iter().all(|(_, _, to)| *to == 3));
        // About 1/4 (250); a hash that spreads poorly would be far off.
        assert!((200..=300).contains(&moved.len()), "{}", moved.len());
        // Shrinking back moves the same targets back.
        assert_eq!(moves(&thousand, 4, 3).len(), moved.len());
        // Balance: every replica owns about a quarter.
        for r in 0..4 {
            let owned = thousand.iter().filter(|t| t.owner(4) == r).count();
            assert!((200..=300).contains(&owned), "replica {r} owns {owned}");
        }
    }

    #[test]
    fn bad_counts_are_refused() {
        assert_eq!(Sharding::new(0, 0), Err(ShardingError::Replicas(0)));
        assert!(Sharding::new(MAX_REPLICAS + 1, 0).is_err());
        let e = Sharding::new(3, 3).unwrap_err();
        assert_eq!(e.to_string(), "ordinal 3 is not below replicas (3): ordinals run from 0 to 2");
        assert!(Sharding::new(1, 0).is_ok());
    }
}
