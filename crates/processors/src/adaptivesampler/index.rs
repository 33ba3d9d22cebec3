//! One pass over a record's attributes finds every attribute the sampler reads. Comparing each
//! wanted name with each key (a linear `Attributes::get` per rule condition) cost most of the time on
//! records of ~15 attributes; here each key is looked up by the hash it carries
//! ([`Key::hash_code`], computed when the key was made): most keys are not wanted and are ruled out
//! by one bit test of a 128-bit summary of the wanted names' hashes, the others by a probe of a small
//! open-addressing table and a comparison of the names, skipped for a key written in a receiver's
//! code once that literal has been seen (its address is remembered per slot). The cost does not
//! depend on the order of the keys (a cache by position, as before, missed at every position after a
//! key that only some records have, such as a plan's).

use dbintel_core::pdata::{Attributes, Key, Value, key_hash};

/// Names given a slot at most; later names are looked up linearly.
pub const SLOTS: usize = 32;
/// Open-addressing table size: at most [`SLOTS`] entries, so at most a quarter full.
const TABLE: usize = 128;

#[derive(Clone, Copy)]
struct Entry {
    hash: u32,
    slot: u8,
}

/// Attribute names with slots (a name read by several rules has one slot).
#[derive(Default)]
pub struct Index {
    lookup: Lookup,
}

/// Names -> slots, by the hash each key carries.
struct Lookup {
    names: Vec<String>,
    table: Vec<Option<Entry>>,
    /// Bit `hash % 128` of each wanted name.
    wanted: [u64; 2],
    /// Per slot, the last `&'static str` key found equal to its name: the same literal for the life
    /// of the process, so the next time its address alone says it matches. Bounded by [`SLOTS`].
    seen: [Option<&'static str>; SLOTS],
}

impl Default for Lookup {
    fn default() -> Self {
        Self { names: Vec::new(), table: vec![None; TABLE], wanted: [0; 2], seen: [None; SLOTS] }
    }
}

/// A name as the sampler holds it: its slot, or the name itself beyond [`SLOTS`].
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    pub name: String,
    pub slot: Option<u8>,
    /// The name as a key (hashed once): what a record is read by before its view is made
    /// (`Attributes::get_key`).
    pub key: Key,
}

impl Name {
    pub fn new(name: &str, slot: Option<u8>) -> Self {
        Name { name: name.into(), slot, key: Key::from(name.to_string()) }
    }
}

#[inline(always)]
fn summary_bit(hash: u32) -> (usize, u64) {
    (((hash >> 6) & 1) as usize, 1u64 << (hash & 63))
}

#[inline(always)]
fn home(hash: u32) -> usize {
    (hash >> 7) as usize % TABLE
}

impl Index {
    pub fn new() -> Self {
        Self::default()
    }

    /// The slot of `name`, given one if there is room.
    pub fn name(&mut self, name: &str) -> Name {
        let l = &mut self.lookup;
        if let Some(i) = l.names.iter().position(|n| n == name) {
            return Name::new(name, u8::try_from(i).ok());
        }
        if l.names.len() >= SLOTS {
            return Name::new(name, None);
        }
        let slot = l.names.len() as u8;
        l.names.push(name.into());
        let hash = key_hash(name);
        let (w, bit) = summary_bit(hash);
        l.wanted[w] |= bit;
        let mut b = home(hash);
        // SLOTS < TABLE, so there is always a free entry.
        while l.table[b].is_some() {
            b = (b + 1) % TABLE;
        }
        l.table[b] = Some(Entry { hash, slot });
        Name::new(name, Some(slot))
    }

    /// The wanted attributes of one record.
    #[inline(always)]
    pub fn view<'a>(&mut self, attrs: &'a Attributes) -> View<'a> {
        let mut found = [None; SLOTS];
        for (k, v) in attrs.iter_keys() {
            if let Some(s) = self.lookup.slot_of(k) {
                found[usize::from(s)] = Some(v);
            }
        }
        View { attrs, found }
    }
}

impl Lookup {
    /// The slot of a record's key.
    #[inline(always)]
    fn slot_of(&mut self, key: &Key) -> Option<u8> {
        let hash = key.hash_code();
        let (w, bit) = summary_bit(hash);
        if self.wanted[w] & bit == 0 {
            return None;
        }
        let lit = key.as_static();
        let mut b = home(hash);
        while let Some(e) = self.table[b] {
            if e.hash == hash {
                let slot = e.slot as usize;
                let seen = match (lit, self.seen[slot]) {
                    (Some(a), Some(s)) => a.as_ptr() == s.as_ptr() && a.len() == s.len(),
                    _ => false,
                };
                if seen || self.names[slot] == key.as_str() {
                    if lit.is_some() {
                        self.seen[slot] = lit;
                    }
                    return Some(e.slot);
                }
            }
            b = (b + 1) % TABLE;
        }
        None
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

    /// Two different names with one [`key_hash`] (a 32-bit hash collides within ~100k names).
    fn colliding_names() -> (String, String) {
        let mut seen = std::collections::HashMap::new();
        for i in 0..2_000_000u32 {
            let name = format!("wanted.{i}");
            if let Some(other) = seen.insert(key_hash(&name), name.clone()) {
                return (other, name);
            }
        }
        panic!("a 32-bit hash collides within 2M names");
    }

    #[test]
    fn names_of_one_hash_keep_their_own_slots() {
        let (x, y) = colliding_names();
        let mut ix = Index::new();
        let a = ix.name(&x);
        let b = ix.name(&y);
        assert_ne!(a.slot, b.slot);
        let both: Attributes = [(x.clone(), 1i64), (y.clone(), 2)].into_iter().collect();
        let v = ix.view(&both);
        assert_eq!((v.get(&a), v.get(&b)), (Some(&Value::Int(1)), Some(&Value::Int(2))));
        // Literals (leaked, so `&'static`): each remembered for its own name only.
        let lx: &'static str = Box::leak(x.clone().into_boxed_str());
        let ly: &'static str = Box::leak(y.clone().into_boxed_str());
        let only_y: Attributes = [(Key::from_static(ly), Value::Int(3))].into_iter().collect();
        for _ in 0..2 {
            let v = ix.view(&only_y);
            assert_eq!((v.get(&a), v.get(&b)), (None, Some(&Value::Int(3))));
        }
        let only_x: Attributes = [(Key::from_static(lx), Value::Int(4))].into_iter().collect();
        for _ in 0..2 {
            let v = ix.view(&only_x);
            assert_eq!((v.get(&a), v.get(&b)), (Some(&Value::Int(4)), None));
        }
        // Another literal with the same text as a remembered one is still found (by name).
        let lx2: &'static str = Box::leak(x.into_boxed_str());
        let again: Attributes = [(Key::from_static(lx2), Value::Int(5))].into_iter().collect();
        assert_eq!(ix.view(&again).get(&a), Some(&Value::Int(5)));
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
