//! The attributes the sampler reads, each found in a record when it is read. A name remembers the
//! last `&'static str` key found equal to it (a name written in a receiver's code: the same literal
//! for the life of the process) and the position where that literal was: records of one source keep
//! their keys in one order, so the usual lookup is one test of that position by address. Otherwise
//! the attributes' key summary rules an absent name out without a scan, and a scan compares the
//! keys' cached hashes, reading a name only when the hash agrees. A record that is a duplicate reads
//! three or four names; one that is not reads those of the rule conditions it gets to (a pass over
//! every key of the record to make a view of all wanted names, as before, cost more than that).

use std::cell::Cell;

use dbintel_core::pdata::{Attributes, Key, Value};

/// Names given a slot at most (a slot only tells names apart; every name is looked up the same way).
pub const SLOTS: usize = 32;

/// Attribute names with slots (a name read by several rules has one slot).
#[derive(Default)]
pub struct Index {
    names: Vec<String>,
}

/// A name as the sampler holds it.
#[derive(Debug, Clone)]
pub struct Name {
    pub name: String,
    pub slot: Option<u8>,
    /// The name as a key (hashed once): its hash is what a record is searched by.
    pub key: Key,
    /// Address of the last literal key found equal to `name` (0: none yet); only a literal's is
    /// kept, and no heap string (a shared key) can sit at one.
    seen: Cell<usize>,
    /// Where that literal was last found.
    at: Cell<usize>,
}

/// Two names are the same name (what a name last saw does not count).
impl PartialEq for Name {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.slot == other.slot
    }
}

impl Name {
    pub fn new(name: &str, slot: Option<u8>) -> Self {
        Name {
            name: name.into(),
            slot,
            key: Key::from(name.to_string()),
            seen: Cell::new(0),
            at: Cell::new(0),
        }
    }

    /// This name's value in `attrs`.
    #[inline(always)]
    pub fn find<'a>(&self, attrs: &'a Attributes) -> Option<&'a Value> {
        let seen = self.seen.get();
        let is_seen = |k: &Key| {
            let s = k.as_str();
            s.as_ptr() as usize == seen && s.len() == self.name.len()
        };
        if let Some((k, v)) = attrs.get_index(self.at.get())
            && is_seen(k)
        {
            return Some(v);
        }
        self.search(attrs, is_seen)
    }

    #[inline(never)]
    fn search<'a>(&self, attrs: &'a Attributes, is_seen: impl Fn(&Key) -> bool) -> Option<&'a Value> {
        let (i, k, v) =
            attrs.find_by_hash(self.key.hash_code(), |k| is_seen(k) || k.as_str() == self.name)?;
        if let Some(lit) = k.as_static() {
            self.seen.set(lit.as_ptr() as usize);
            self.at.set(i);
        }
        Some(v)
    }
}

impl Index {
    pub fn new() -> Self {
        Self::default()
    }

    /// The slot of `name`, given one if there is room.
    pub fn name(&mut self, name: &str) -> Name {
        if let Some(i) = self.names.iter().position(|n| n == name) {
            return Name::new(name, u8::try_from(i).ok());
        }
        if self.names.len() >= SLOTS {
            return Name::new(name, None);
        }
        self.names.push(name.into());
        Name::new(name, u8::try_from(self.names.len() - 1).ok())
    }

    /// The wanted attributes of one record, each found when read.
    #[inline(always)]
    pub fn view<'a>(&self, attrs: &'a Attributes) -> View<'a> {
        View { attrs }
    }
}

/// A record's attributes, read by [`Name`].
pub struct View<'a> {
    pub attrs: &'a Attributes,
}

impl<'a> View<'a> {
    #[inline]
    pub fn get(&self, name: &Name) -> Option<&'a Value> {
        name.find(self.attrs)
    }

    /// The first of `names` present.
    pub fn first(&self, names: &[Name]) -> Option<&'a Value> {
        names.iter().find_map(|n| self.get(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dbintel_core::pdata::key_hash;

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
        // Literals remembered at their positions, then swapped, then one of them gone.
        let swapped: Attributes = [("b.wanted", 7i64), ("a.wanted", 8)].into_iter().collect();
        let only_b: Attributes = [("other", 0i64), ("b.wanted", 9)].into_iter().collect();
        for _ in 0..2 {
            let v = ix.view(&first);
            assert_eq!((v.get(&a), v.get(&b)), (Some(&Value::Int(1)), Some(&Value::Int(3))));
            let v = ix.view(&swapped);
            assert_eq!((v.get(&a), v.get(&b)), (Some(&Value::Int(8)), Some(&Value::Int(7))));
            let v = ix.view(&only_b);
            assert_eq!((v.get(&a), v.get(&b)), (None, Some(&Value::Int(9))));
        }
    }
}
