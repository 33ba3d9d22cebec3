//! Where the attributes the extractor reads sit in a record, found in one pass over its keys.
//!
//! The extractor reads up to ~20 configured names per record (dialect, texts to anonymize, the
//! fingerprint, plan attributes, query id, database, duration, blocks read), most of them absent; a
//! lookup per name compared a present name with every key before it. Instead, each configured name
//! is a *slot*; one pass over the record's keys writes each key's position into the slots of its
//! name, and a read is then the value at that position. Records of one source repeat their keys in
//! the same order, so the slots of the key at each position are remembered (two keys per position:
//! records with and without a plan alternate) and a key costs a pointer comparison.

use std::collections::HashMap;
use std::ops::Range;

use dbintel_core::pdata::{Attributes, Key, Value};

/// A slot's value when its name is not in the record.
const ABSENT: u32 = u32::MAX;

/// Most record positions whose keys are remembered (two keys each); keys further on are looked up
/// by name every time (a hash of the name).
pub(super) const MAX_POSITIONS: usize = 64;

/// The slots of one name, a range of `Roles::slot_ids` (empty for a name the extractor never reads).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Slots {
    start: u32,
    len: u32,
}

pub(super) struct Roles {
    /// Every configured name, to the slots it fills (a name in two lists fills two). Built from the
    /// config only; keys of records are looked up, never added.
    by_name: HashMap<Box<str>, Slots, foldhash::fast::FixedState>,
    slot_ids: Vec<u32>,
    /// The last two keys seen at each position, most recent first, with their slots (the keys
    /// are kept so their memory cannot be reused by another name while `first_seen` points at it).
    by_position: Vec<[Option<(Key, Slots)>; 2]>,
    /// Per position, the address and length of the most recent key there and its slots: the
    /// usual case, the same literal at the same place, is two comparisons.
    first_seen: Vec<(usize, usize, Slots)>,
    /// Per slot: the position of its name in the current record, or [`ABSENT`].
    at: Vec<u32>,
    /// Per slot: all the slots of its name.
    name_slots: Vec<Slots>,
}

/// The slots of `k` if `seen` holds it (a pointer comparison when it is the same literal or shared
/// name, as records of one source repeat them).
#[inline]
fn remembered(seen: &Option<(Key, Slots)>, k: &Key) -> Option<Slots> {
    match seen {
        Some((key, s)) if key.same(k) => Some(*s),
        _ => None,
    }
}

impl Roles {
    /// `lists[i]` are the names of list `i`; their slots are numbered in order, list after list
    /// (list `i`'s names are the slots `start(i)..start(i) + lists[i].len()`).
    pub(super) fn new(lists: &[&[String]]) -> Self {
        let mut per_name: HashMap<&str, Vec<u32>> = HashMap::new();
        let mut slot = 0u32;
        for list in lists {
            for name in *list {
                per_name.entry(name.as_str()).or_default().push(slot);
                slot += 1;
            }
        }
        let mut slot_ids = Vec::with_capacity(slot as usize);
        let mut by_name = HashMap::default();
        let mut name_slots = vec![Slots::default(); slot as usize];
        for (name, ids) in per_name {
            let start = u32::try_from(slot_ids.len()).unwrap_or(u32::MAX);
            slot_ids.extend_from_slice(&ids);
            let slots = Slots { start, len: u32::try_from(ids.len()).unwrap_or(0) };
            for &id in &ids {
                name_slots[id as usize] = slots;
            }
            by_name.insert(name.into(), slots);
        }
        Self {
            by_name,
            slot_ids,
            by_position: Vec::new(),
            first_seen: Vec::new(),
            at: vec![ABSENT; slot as usize],
            name_slots,
        }
    }

    /// Finds the slots' names in `attrs` (a record about to be processed).
    pub(super) fn locate(&mut self, attrs: &Attributes) {
        self.at.fill(ABSENT);
        self.scan(attrs);
    }

    /// Adds the keys appended to `attrs` since it had `from` keys (the extractor's own inserts:
    /// positions of earlier keys never change, values set in place keep theirs).
    pub(super) fn appended(&mut self, attrs: &Attributes, from: usize) {
        // By index: the few new keys, not a walk over the ones before them.
        for i in from..attrs.len() {
            if let Some((k, _)) = attrs.iter_keys().nth(i) {
                let slots = self.slots_at(i, k);
                if slots.len > 0 {
                    self.fill(slots, i);
                }
            }
        }
    }

    #[inline(always)]
    fn slots_at(&mut self, i: usize, k: &Key) -> Slots {
        // The usual case inline: the literal (or shared name) last seen at this position.
        let name = k.as_str();
        match self.first_seen.get(i) {
            Some(&(at, len, s)) if at == name.as_ptr() as usize && len == name.len() => s,
            _ => self.note(i, k),
        }
    }

    #[inline]
    fn scan(&mut self, attrs: &Attributes) {
        for (i, (k, _)) in attrs.iter_keys().enumerate() {
            let slots = self.slots_at(i, k);
            if slots.len > 0 {
                self.fill(slots, i);
            }
        }
    }

    fn fill(&mut self, slots: Slots, i: usize) {
        let start = slots.start as usize;
        let pos = u32::try_from(i).unwrap_or(ABSENT);
        for &id in self.slot_ids.get(start..start + slots.len as usize).unwrap_or_default() {
            if let Some(a) = self.at.get_mut(id as usize) {
                *a = pos;
            }
        }
    }

    /// The slots of key `k` at position `i` when it is not the key last seen there by pointer;
    /// `k` becomes the position's most recent key.
    #[inline(never)]
    fn note(&mut self, i: usize, k: &Key) -> Slots {
        let slots = self.remember(i, k);
        // Mirror the position's most recent key (kept alive in `by_position`).
        if let Some([Some((key, s)), _]) = self.by_position.get(i) {
            let seen = (key.as_str().as_ptr() as usize, key.as_str().len(), *s);
            match self.first_seen.get_mut(i) {
                Some(first) => *first = seen,
                None => {
                    // Address 0 is no string's: a filler never matches.
                    self.first_seen.resize(i, (0, 0, Slots::default()));
                    self.first_seen.push(seen);
                }
            }
        }
        slots
    }

    fn remember(&mut self, i: usize, k: &Key) -> Slots {
        match self.by_position.get_mut(i) {
            Some(seen) => {
                if let Some(s) = remembered(&seen[0], k) {
                    s
                } else if let Some(s) = remembered(&seen[1], k) {
                    seen.swap(0, 1);
                    s
                } else {
                    let s = self.by_name.get(k.as_str()).copied().unwrap_or_default();
                    seen[1] = seen[0].take();
                    seen[0] = Some((k.clone(), s));
                    s
                }
            }
            None => {
                let s = self.by_name.get(k.as_str()).copied().unwrap_or_default();
                if i < MAX_POSITIONS {
                    self.by_position.resize_with(i, || [None, None]);
                    self.by_position.push([Some((k.clone(), s)), None]);
                }
                s
            }
        }
    }

    /// The position of slot `slot`'s name in the record, if present.
    pub(super) fn position(&self, slot: usize) -> Option<usize> {
        match self.at.get(slot) {
            Some(&p) if p != ABSENT => Some(p as usize),
            _ => None,
        }
    }

    /// The value of slot `slot`'s name in `attrs` (the record given to [`Roles::locate`]).
    pub(super) fn value<'a>(&self, attrs: &'a Attributes, slot: usize) -> Option<&'a Value> {
        attrs.iter().nth(self.position(slot)?).map(|(_, v)| v)
    }

    /// The first slot of `slots` whose value `f` accepts, in slot order (the configured order), as
    /// a lookup of each name in turn would find it.
    pub(super) fn first<'a, T>(
        &self,
        attrs: &'a Attributes,
        slots: Range<usize>,
        mut f: impl FnMut(&'a Value) -> Option<T>,
    ) -> Option<T> {
        slots.into_iter().find_map(|s| self.value(attrs, s).and_then(&mut f))
    }

    /// Sets the value of slot `slot`'s name: in place when the record has it, else appended under
    /// `key` (the slot's name) and noted.
    pub(super) fn set(&mut self, attrs: &mut Attributes, slot: usize, key: &Key, value: Value) {
        match self.position(slot) {
            Some(p) => {
                if let Some((_, v)) = attrs.iter_mut().nth(p) {
                    *v = value;
                }
            }
            None => {
                let before = attrs.len();
                attrs.insert(key, value);
                // Appended at `before`: the slots of its name, known without looking at the key.
                if attrs.len() > before
                    && let Some(&slots) = self.name_slots.get(slot)
                {
                    self.fill(slots, before);
                }
            }
        }
    }

    #[cfg(test)]
    pub(super) fn remembered_positions(&self) -> usize {
        self.by_position.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_string()).collect()
    }

    fn attrs(keys: &[&'static str]) -> Attributes {
        keys.iter().enumerate().map(|(i, k)| (*k, i as i64)).collect()
    }

    #[test]
    fn slots_follow_keys_when_records_differ() {
        let a = names(&["x", "y"]);
        let b = names(&["z", "x"]);
        let mut r = Roles::new(&[&a, &b]);
        // Slots: 0 = x, 1 = y (list a), 2 = z, 3 = x (list b).
        let one = attrs(&["p", "x", "q", "z"]);
        r.locate(&one);
        assert_eq!(
            (r.position(0), r.position(1), r.position(2), r.position(3)),
            (Some(1), None, Some(3), Some(1))
        );
        assert_eq!(r.value(&one, 2), Some(&Value::Int(3)));
        // Other keys at the same positions, and a key given as a shared name, not a literal.
        let mut two = attrs(&["y", "p"]);
        two.insert(Key::from("x".to_string()), 7i64);
        r.locate(&two);
        assert_eq!(
            (r.position(0), r.position(1), r.position(2), r.position(3)),
            (Some(2), Some(0), None, Some(2))
        );
        assert_eq!(r.value(&two, 0), Some(&Value::Int(7)));
        // Back to the first shape: the second remembered key of each position.
        r.locate(&one);
        assert_eq!((r.position(0), r.position(1), r.position(2)), (Some(1), None, Some(3)));
        assert_eq!(r.first(&one, 0..2, |v| Some(v.clone())), Some(Value::Int(1)));
        assert_eq!(r.first(&one, 1..2, |v| Some(v.clone())), None);
    }

    #[test]
    fn appended_keys_and_set() {
        let a = names(&["fp", "other"]);
        let mut r = Roles::new(&[&a]);
        let mut rec = attrs(&["p", "q"]);
        r.locate(&rec);
        assert_eq!(r.position(0), None);
        r.set(&mut rec, 0, &Key::from_static("fp"), Value::from("abc"));
        assert_eq!(r.position(0), Some(2));
        assert_eq!(rec.get("fp"), Some(&Value::from("abc")));
        // Present: replaced in place.
        r.set(&mut rec, 0, &Key::from_static("fp"), Value::from("def"));
        assert_eq!(rec.len(), 3);
        assert_eq!(r.value(&rec, 0), Some(&Value::from("def")));
        let before = rec.len();
        rec.insert("other", 1i64);
        r.appended(&rec, before);
        assert_eq!(r.position(1), Some(3));
    }

    #[test]
    fn positions_are_bounded_and_far_keys_still_found() {
        let a = names(&["far"]);
        let mut r = Roles::new(&[&a]);
        let mut rec = Attributes::new();
        for i in 0..200 {
            rec.insert(format!("k{i}"), i as i64);
        }
        rec.insert("far", 1i64);
        for _ in 0..2 {
            r.locate(&rec);
            assert_eq!(r.position(0), Some(200));
            assert_eq!(r.value(&rec, 0), Some(&Value::Int(1)));
        }
        assert_eq!(r.remembered_positions(), MAX_POSITIONS);
    }
}
