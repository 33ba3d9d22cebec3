//! Quality rules: required fields, attribute types, cardinality limits per attribute (bounded).

use std::collections::{BTreeMap, HashSet};
use std::hash::{BuildHasher, Hash, Hasher};

use dbintel_core::pdata::{Attributes, Value};
use schemars::JsonSchema;
use serde::Deserialize;

/// Most distinct values remembered per attribute, whatever a cardinality limit says.
pub const MAX_CARDINALITY_LIMIT: usize = 1_000_000;

/// The type an attribute must have (`data_type_validation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ValueType {
    String,
    #[serde(alias = "integer", alias = "int64")]
    Int,
    #[serde(alias = "float", alias = "float64", alias = "number")]
    Double,
    #[serde(alias = "boolean")]
    Bool,
}

impl ValueType {
    fn matches(self, v: &Value) -> bool {
        matches!(
            (self, v),
            (ValueType::String, Value::Str(_))
                | (ValueType::Int, Value::Int(_))
                | (ValueType::Double, Value::Double(_))
                | (ValueType::Bool, Value::Bool(_))
        )
    }
}

/// The names our receivers use for the prototype's field names, so the prototype's rules hold on
/// `db.server.top_query` / `db.server.query_sample` events as on its legacy records.
pub fn equivalents(field: &str) -> &'static [&'static str] {
    match field {
        "database_name" => &["db.namespace"],
        "query_id" => &[
            "postgresql.queryid",
            "postgresql.query_id",
            "mysql.events_statements_summary_by_digest.digest",
            "mysql.events_statements_current.digest",
            "dbintel.query.fingerprint",
        ],
        "duration_ms" => &[
            "avg_duration_ms",
            "dbintel.exec_time.mean",
            "postgresql.total_exec_time",
            "mysql.events_statements_summary_by_digest.sum_timer_wait",
            "mysql.events_statements_current.timer_wait",
        ],
        "query_text" => &["db.query.text"],
        _ => &[],
    }
}

/// What a record broke.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct QualityIssues {
    pub missing: u32,
    pub type_mismatch: u32,
    pub cardinality: u32,
}

impl QualityIssues {
    pub fn any(&self) -> bool {
        self.missing + self.type_mismatch + self.cardinality > 0
    }
}

/// Most required fields and most cardinality limits (bit masks of one word).
pub const MAX_RULES: usize = 64;

/// What the rules say about one attribute name: computed once per name, then cached by the caller.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NameRules {
    /// Bit i: the name satisfies required field i.
    pub required: u64,
    pub type_rule: Option<u16>,
    pub card_rule: Option<u16>,
}

/// The rules compiled, with the cardinality sets (bounded by their limit).
pub struct Quality {
    required: Vec<(String, &'static [&'static str])>,
    required_all: u64,
    types: Vec<(String, ValueType)>,
    cardinality: Vec<Cardinality>,
    /// foldhash seeded per process: SipHash (std's) was a tenth of the processor's time.
    hasher: foldhash::quality::RandomState,
}

struct Cardinality {
    attr: String,
    limit: usize,
    /// Hashes already spread by `hasher`: the set need not hash them again.
    seen: HashSet<u64, foldhash::fast::FixedState>,
}

impl Quality {
    pub fn new(
        required: &[String],
        types: Option<&BTreeMap<String, ValueType>>,
        limits: &BTreeMap<String, usize>,
    ) -> Self {
        let required: Vec<_> = required.iter().take(MAX_RULES).map(|f| (f.clone(), equivalents(f))).collect();
        let required_all = if required.len() >= 64 { u64::MAX } else { (1u64 << required.len()) - 1 };
        Self {
            required,
            required_all,
            types: types.map(|t| t.iter().map(|(k, v)| (k.clone(), *v)).collect()).unwrap_or_default(),
            cardinality: limits
                .iter()
                .take(MAX_RULES)
                .map(|(attr, &limit)| Cardinality {
                    attr: attr.clone(),
                    limit: limit.min(MAX_CARDINALITY_LIMIT),
                    seen: HashSet::default(),
                })
                .collect(),
            hasher: foldhash::quality::RandomState::default(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.required.is_empty() && self.types.is_empty() && self.cardinality.is_empty()
    }

    /// The rules that concern attribute `name`.
    pub fn rules_for(&self, name: &str) -> NameRules {
        let mut r = NameRules::default();
        for (i, (field, alts)) in self.required.iter().enumerate() {
            if field == name || alts.contains(&name) {
                r.required |= 1 << i;
            }
        }
        r.type_rule = self.types.iter().position(|(f, _)| f == name).and_then(|i| u16::try_from(i).ok());
        r.card_rule = self
            .cardinality
            .iter()
            .position(|c| c.attr == name || equivalents(&c.attr).contains(&name))
            .and_then(|i| u16::try_from(i).ok());
        r
    }

    /// Checks one record's attributes; `rules[i]` is `rules_for` of the i-th attribute's name.
    pub fn check(&mut self, attrs: &Attributes, rules: impl Iterator<Item = NameRules>) -> QualityIssues {
        let mut record = RecordCheck::default();
        for ((_, v), r) in attrs.iter().zip(rules) {
            self.attribute(&mut record, r, v);
        }
        self.finish(record)
    }

    /// One attribute of a record (`rules`: `rules_for` of its name), for a caller that walks the
    /// record's attributes once for several purposes; then [`Quality::finish`].
    #[inline]
    pub fn attribute(&mut self, record: &mut RecordCheck, r: NameRules, v: &Value) {
        record.have |= r.required;
        if let Some(t) = r.type_rule
            && let Some((_, ty)) = self.types.get(usize::from(t))
            && !ty.matches(v)
        {
            record.issues.type_mismatch += 1;
        }
        // One value per rule and record: the rule's own name or the first equivalent present.
        if let Some(ci) = r.card_rule
            && record.card_done & (1 << ci) == 0
            && let Some(c) = self.cardinality.get_mut(usize::from(ci))
        {
            record.card_done |= 1 << ci;
            let h = hash_value(&self.hasher, v);
            if !c.seen.contains(&h) {
                if c.seen.len() < c.limit {
                    c.seen.insert(h);
                } else {
                    // Over the limit: counted, not remembered, so the set stays bounded.
                    record.issues.cardinality += 1;
                }
            }
        }
    }

    /// What the record broke, after [`Quality::attribute`] on each of its attributes.
    pub fn finish(&self, mut record: RecordCheck) -> QualityIssues {
        record.issues.missing = (self.required_all & !record.have).count_ones();
        record.issues
    }
}

/// The state of one record's check (see [`Quality::attribute`]).
#[derive(Debug, Default)]
pub struct RecordCheck {
    have: u64,
    card_done: u64,
    issues: QualityIssues,
}

fn hash_value(state: &foldhash::quality::RandomState, v: &Value) -> u64 {
    let mut h = state.build_hasher();
    match v {
        Value::Str(s) => s.hash(&mut h),
        Value::Int(i) => i.hash(&mut h),
        Value::Bool(b) => b.hash(&mut h),
        Value::Double(d) => d.to_bits().hash(&mut h),
        other => other.to_display_string().hash(&mut h),
    }
    h.finish()
}
