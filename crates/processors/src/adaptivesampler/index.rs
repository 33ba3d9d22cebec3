//! One pass over a record's attributes finds every attribute the sampler reads. Comparing each
//! wanted name with each key (a linear `Attributes::get` per rule condition) cost most of the time on
//! records of ~15 attributes; here each key is one probe in a small table keyed by its length and last
//! 8 bytes, and only a hit is compared in full. Records of one receiver repeat their names in the
//! same order, so the slot found at each position is remembered with its name: a name that is the one
//! remembered there (usually the same literal, a pointer test) skips the probe.

use dbintel_core::pdata::{Attributes, Key, Value};

/// Names given a slot at most; later names are looked up linearly.
pub const SLOTS: usize = 32;
const TABLE: usize = 128;

#[derive(Clone, Copy)]
struct Entry {
    len: usize,
    tail: u64,
    slot: u8,
}

/// The last 8 bytes (all of a shorter key). A fixed-size copy is one load; a variable-length one
/// was a libc memcpy call per key and most of the lookup's time.
#[inline]
fn tail(k: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    if k.len() >= 8 {
        b.copy_from_slice(&k[k.len() - 8..]);
    } else {
        for (d, s) in b.iter_mut().zip(k) {
            *d = *s;
        }
    }
    u64::from_le_bytes(b)
}

fn bucket(len: usize, tail: u64) -> usize {
    let h = (tail ^ (len as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    (h >> 57) as usize % TABLE
}

/// Attribute names with slots (a name read by several rules has one slot).
#[derive(Default)]
pub struct Index {
    names: Vec<String>,
    table: Vec<Option<Entry>>,
    /// Bit n: some wanted name is n bytes long (n < 128; longer names always probe). A key's
    /// length sits in the attribute vector itself, so most keys are skipped without reading their
    /// bytes (a cache miss each on a cold batch).
    lengths: u128,
    /// The name last seen at each position of a record and its slot (`None`: not wanted).
    positions: Vec<(Key, Option<u8>)>,
}

/// Most record positions remembered (records have a few dozen attributes).
const MAX_POSITIONS: usize = 64;

/// A name as the sampler holds it: its slot, or the name itself beyond [`SLOTS`].
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    pub name: String,
    pub slot: Option<u8>,
}

impl Index {
    pub fn new() -> Self {
        Self { names: Vec::new(), table: vec![None; TABLE], lengths: 0, positions: Vec::new() }
    }

    /// The slot of `name`, given one if there is room.
    pub fn name(&mut self, name: &str) -> Name {
        if let Some(i) = self.names.iter().position(|n| n == name) {
            return Name { name: name.into(), slot: u8::try_from(i).ok() };
        }
        if self.names.len() >= SLOTS {
            return Name { name: name.into(), slot: None };
        }
        let slot = self.names.len() as u8;
        self.names.push(name.into());
        let (len, t) = (name.len(), tail(name.as_bytes()));
        if len < 128 {
            self.lengths |= 1u128 << len;
        }
        let mut b = bucket(len, t);
        // SLOTS < TABLE, so there is always a free entry.
        while self.table[b].is_some() {
            b = (b + 1) % TABLE;
        }
        self.table[b] = Some(Entry { len, tail: t, slot });
        // A name at a remembered position may now be wanted.
        self.positions.clear();
        Name { name: name.into(), slot: Some(slot) }
    }

    #[inline]
    fn slot_of(&self, key: &str) -> Option<u8> {
        let (len, t) = (key.len(), tail(key.as_bytes()));
        let mut b = bucket(len, t);
        while let Some(e) = self.table[b] {
            if e.len == len && e.tail == t && self.names[e.slot as usize] == key {
                return Some(e.slot);
            }
            b = (b + 1) % TABLE;
        }
        None
    }

    /// The slot of `key`, by the length filter and the table.
    #[inline]
    fn lookup(&self, key: &str) -> Option<u8> {
        if key.len() < 128 && self.lengths & (1u128 << key.len()) == 0 {
            return None;
        }
        self.slot_of(key)
    }

    /// The wanted attributes of one record.
    #[inline(always)]
    pub fn view<'a>(&mut self, attrs: &'a Attributes) -> View<'a> {
        let mut found = [None; SLOTS];
        for (i, (k, v)) in attrs.iter_keys().enumerate() {
            let slot = match self.positions.get(i) {
                Some((name, slot)) if name.same(k) => *slot,
                _ => {
                    let slot = self.lookup(k);
                    if let Some(p) = self.positions.get_mut(i) {
                        *p = (k.clone(), slot);
                    } else if i == self.positions.len() && i < MAX_POSITIONS {
                        self.positions.push((k.clone(), slot));
                    }
                    slot
                }
            };
            if let Some(s) = slot {
                found[s as usize] = Some(v);
            }
        }
        View { attrs, found }
    }
}

/// A record's attributes with the wanted ones found.
pub struct View<'a> {
    pub attrs: &'a Attributes,
    found: [Option<&'a Value>; SLOTS],
}

impl<'a> View<'a> {
    pub fn get(&self, name: &Name) -> Option<&'a Value> {
        match name.slot {
            Some(s) => self.found[s as usize],
            None => self.attrs.get(&name.name),
        }
    }

    /// The first of `names` present.
    pub fn first(&self, names: &[Name]) -> Option<&'a Value> {
        names.iter().find_map(|n| self.get(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_a_linear_lookup_finds() {
        let mut ix = Index::new();
        let names: Vec<Name> = (0..60).map(|i| ix.name(&format!("attr.{i}.same_tail"))).collect();
        let dup = ix.name("attr.3.same_tail");
        assert_eq!(dup, names[3]);
        assert!(names[SLOTS].slot.is_none());
        let attrs: Attributes =
            (0..60).step_by(2).map(|i| (format!("attr.{i}.same_tail"), i as i64)).collect();
        let view = ix.view(&attrs);
        for (i, n) in names.iter().enumerate() {
            assert_eq!(view.get(n), attrs.get(&n.name), "{i}");
        }
        assert!(ix.view(&Attributes::from_iter([("x", 1i64)])).get(&names[0]).is_none());
    }

    #[test]
    fn remembered_positions_follow_the_names() {
        let mut ix = Index::new();
        let a = ix.name("a.wanted");
        let b = ix.name("b.wanted");
        let first: Attributes = [("a.wanted", 1i64), ("other", 2), ("b.wanted", 3)].into_iter().collect();
        let v = ix.view(&first);
        assert_eq!((v.get(&a), v.get(&b)), (Some(&Value::Int(1)), Some(&Value::Int(3))));
        // Other names at the remembered positions (built at run time: not the same strings).
        let second: Attributes = [
            (String::from("b.wanted"), Value::Int(4)),
            (String::from("a.wanted"), Value::Int(5)),
            (String::from("x"), Value::Int(6)),
        ]
        .into_iter()
        .collect();
        let v = ix.view(&second);
        assert_eq!((v.get(&a), v.get(&b)), (Some(&Value::Int(5)), Some(&Value::Int(4))));
        // The same again (a hit at every position), then a name given a slot after the view.
        let v = ix.view(&second);
        assert_eq!((v.get(&a), v.get(&b)), (Some(&Value::Int(5)), Some(&Value::Int(4))));
        let x = ix.name("x");
        assert_eq!(ix.view(&second).get(&x), Some(&Value::Int(6)));
    }
}
