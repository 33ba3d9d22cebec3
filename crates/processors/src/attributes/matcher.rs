//! `include`/`exclude` of the `attributes` processor: contrib's `filterconfig.MatchProperties` with
//! the Collector's rules about which properties apply to which signal (logs: `attributes`,
//! `resources`, `libraries`, `log_bodies`, `log_severity_texts`, `log_severity_number`; metrics:
//! `metric_names`, `resources`; spans: `services`, `span_names`, `span_kinds`, `attributes`,
//! `resources`, `libraries`, as contrib's `filterspan`).

use dbintel_core::Signal;
use dbintel_core::component::ConfigProblem;
use dbintel_core::pdata::{Attributes, LogRecord, Resource, Scope, SeverityNumber, Span, Value};
use regex::Regex;
use schemars::JsonSchema;
use serde::Deserialize;

use super::actions::{as_string, compile_regex, value_from_config};

/// Most patterns or attribute matchers in one list.
pub const MAX_ITEMS: usize = 1000;

/// How strings are compared.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum MatchType {
    /// Equal strings (and, for attribute values, equal typed values).
    Strict,
    /// An unanchored regular expression (Go's `MatchString`); anchor with `^...$`.
    Regexp,
}

/// `include` or `exclude`.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct MatchProperties {
    /// `strict` or `regexp`; required.
    #[serde(default)]
    pub match_type: Option<MatchType>,
    /// Contrib's regexp result cache options; accepted, not needed (matching is not cached here,
    /// so no memory grows with the data).
    #[serde(default)]
    pub regexp: Option<RegexpOptions>,
    /// Spans: the resource's `service.name` (`<nil-service-name>` when absent) matches one of these.
    #[serde(default)]
    pub services: Vec<String>,
    /// Spans: the span name matches one of these.
    #[serde(default)]
    pub span_names: Vec<String>,
    /// Spans: the span kind, as `SPAN_KIND_SERVER`, `SPAN_KIND_CLIENT`, ..., matches one of these.
    #[serde(default)]
    pub span_kinds: Vec<String>,
    /// Logs: the body (as a string) matches one of these.
    #[serde(default)]
    pub log_bodies: Vec<String>,
    /// Logs: the severity text matches one of these.
    #[serde(default)]
    pub log_severity_texts: Vec<String>,
    /// Logs: the severity number is at least `min`.
    #[serde(default)]
    pub log_severity_number: Option<SeverityNumberMatch>,
    /// Metrics: the metric name matches one of these.
    #[serde(default)]
    pub metric_names: Vec<String>,
    /// Logs and spans: every listed record (span) attribute is present (and, with `value`, matches).
    #[serde(default)]
    pub attributes: Vec<AttributeMatch>,
    /// Every listed resource attribute is present (and, with `value`, matches).
    #[serde(default)]
    pub resources: Vec<AttributeMatch>,
    /// Logs and spans: the instrumentation scope (name, optional version) matches each entry.
    #[serde(default)]
    pub libraries: Vec<LibraryMatch>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct RegexpOptions {
    #[serde(default)]
    pub cacheenabled: bool,
    #[serde(default)]
    pub cachemaxnumentries: usize,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AttributeMatch {
    pub key: String,
    /// Without it, the key being present matches; with `match_type: regexp` it must be a string.
    #[serde(default)]
    pub value: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LibraryMatch {
    pub name: String,
    /// Without it any version matches; an empty string matches only an empty version.
    #[serde(default)]
    pub version: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SeverityNumberMatch {
    /// Lowest severity matched: a number 1-24 or a name (`INFO`, `warn2`, ...).
    pub min: SeverityValue,
    /// Whether records with no severity number match.
    #[serde(default)]
    pub match_undefined: bool,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(untagged)]
pub enum SeverityValue {
    Number(i64),
    Name(String),
}

/// A severity number from its OTel short name (`TRACE`..`FATAL4`, any case).
pub fn severity_from_name(name: &str) -> Option<i32> {
    let up = name.to_ascii_uppercase();
    let bases = [("TRACE", 1), ("DEBUG", 5), ("INFO", 9), ("WARN", 13), ("ERROR", 17), ("FATAL", 21)];
    for (base, n) in bases {
        if let Some(rest) = up.strip_prefix(base) {
            return match rest {
                "" => Some(n),
                "2" => Some(n + 1),
                "3" => Some(n + 2),
                "4" => Some(n + 3),
                _ => None,
            };
        }
    }
    None
}

/// A set of strings compared strictly or by regular expressions.
#[derive(Debug, Clone)]
enum StringSet {
    Strict(Vec<String>),
    Regexp(Vec<Regex>),
}

impl StringSet {
    fn new(mt: MatchType, items: &[String], at: &str, p: &mut Vec<ConfigProblem>) -> StringSet {
        if items.len() > MAX_ITEMS {
            p.push(ConfigProblem::new(at, format!("at most {MAX_ITEMS} entries")));
        }
        match mt {
            MatchType::Strict => StringSet::Strict(items.to_vec()),
            MatchType::Regexp => StringSet::Regexp(
                items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, s)| match compile_regex(s) {
                        Ok(r) => Some(r),
                        Err(e) => {
                            p.push(ConfigProblem::new(format!("{at}[{i}]"), e));
                            None
                        }
                    })
                    .collect(),
            ),
        }
    }
    fn matches(&self, s: &str) -> bool {
        match self {
            StringSet::Strict(v) => v.iter().any(|x| x == s),
            StringSet::Regexp(v) => v.iter().any(|r| r.is_match(s)),
        }
    }
}

#[derive(Debug, Clone)]
enum AttrTest {
    Exists,
    Equals(Value),
    Regex(Regex),
}

#[derive(Debug, Clone)]
struct AttrMatcher {
    key: String,
    test: AttrTest,
}

fn attr_matchers(
    mt: MatchType,
    list: &[AttributeMatch],
    at: &str,
    p: &mut Vec<ConfigProblem>,
) -> Vec<AttrMatcher> {
    if list.len() > MAX_ITEMS {
        p.push(ConfigProblem::new(at, format!("at most {MAX_ITEMS} entries")));
    }
    let mut out = Vec::with_capacity(list.len());
    for (i, a) in list.iter().enumerate() {
        if a.key.is_empty() {
            p.push(ConfigProblem::new(format!("{at}[{i}].key"), "must not be empty"));
            continue;
        }
        let test = match &a.value {
            None | Some(serde_json::Value::Null) => AttrTest::Exists,
            Some(v) => match (mt, v) {
                (MatchType::Regexp, serde_json::Value::String(s)) => match compile_regex(s) {
                    Ok(r) => AttrTest::Regex(r),
                    Err(e) => {
                        p.push(ConfigProblem::new(format!("{at}[{i}].value"), e));
                        continue;
                    }
                },
                (MatchType::Regexp, _) => {
                    p.push(ConfigProblem::new(
                        format!("{at}[{i}].value"),
                        "with match_type regexp the value must be a string (a regular expression)",
                    ));
                    continue;
                }
                (MatchType::Strict, v) => match value_from_config(v) {
                    Ok(v) => AttrTest::Equals(v),
                    Err(e) => {
                        p.push(ConfigProblem::new(format!("{at}[{i}].value"), e));
                        continue;
                    }
                },
            },
        };
        out.push(AttrMatcher { key: a.key.clone(), test });
    }
    out
}

/// filtermatcher's `attributeStringValue`: scalars only.
fn scalar_string(v: &Value) -> Option<std::borrow::Cow<'_, str>> {
    match v {
        Value::Str(_) | Value::Bool(_) | Value::Int(_) => Some(as_string(v)),
        // Go's FormatFloat(f, 'f', -1, 64): no exponent, shortest round trip, as Rust's Display.
        Value::Double(d) => Some(std::borrow::Cow::Owned(d.to_string())),
        _ => None,
    }
}

fn attrs_match(ms: &[AttrMatcher], attrs: &Attributes) -> bool {
    ms.iter().all(|m| match attrs.get(&m.key) {
        None => false,
        Some(v) => match &m.test {
            AttrTest::Exists => true,
            AttrTest::Equals(want) => want == v,
            AttrTest::Regex(r) => scalar_string(v).is_some_and(|s| r.is_match(&s)),
        },
    })
}

/// One compiled `include` or `exclude` for logs.
#[derive(Debug, Clone)]
pub struct LogMatcher {
    bodies: Option<StringSet>,
    severity_texts: Option<StringSet>,
    severity: Option<(i32, bool)>,
    libraries: Vec<(StringSet, Option<StringSet>)>,
    resources: Vec<AttrMatcher>,
    attributes: Vec<AttrMatcher>,
}

/// One compiled `include` or `exclude` for metrics.
#[derive(Debug, Clone)]
pub struct MetricMatcher {
    names: Option<StringSet>,
    resources: Vec<AttrMatcher>,
}

fn refuse(p: &mut Vec<ConfigProblem>, at: &str, key: &str, set: bool, why: &str) {
    if set {
        p.push(ConfigProblem::new(format!("{at}.{key}"), why.to_string()));
    }
}

/// Problems of a logs or metrics matcher: span-only keys, and `match_type`.
pub fn common_problems(mp: &MatchProperties, at: &str) -> Vec<ConfigProblem> {
    let mut p = Vec::new();
    let why = "applies to spans only (a traces pipeline), as in the Collector (for logs and metrics \
               match the resource's `service.name` with `resources`)";
    refuse(&mut p, at, "services", !mp.services.is_empty(), why);
    refuse(&mut p, at, "span_names", !mp.span_names.is_empty(), why);
    refuse(&mut p, at, "span_kinds", !mp.span_kinds.is_empty(), why);
    if mp.match_type.is_none() {
        p.push(ConfigProblem::new(format!("{at}.match_type"), "is required: strict or regexp"));
    }
    p
}

impl LogMatcher {
    pub fn compile(mp: &MatchProperties, at: &str) -> Result<LogMatcher, Vec<ConfigProblem>> {
        let mut p = common_problems(mp, at);
        let mt = mp.match_type.unwrap_or(MatchType::Strict);
        refuse(
            &mut p,
            at,
            "metric_names",
            !mp.metric_names.is_empty(),
            "is not valid in a logs pipeline (the Collector matches logs by attributes, resources, \
             libraries, log_bodies, log_severity_texts and log_severity_number)",
        );
        if mp.attributes.is_empty()
            && mp.resources.is_empty()
            && mp.libraries.is_empty()
            && mp.log_bodies.is_empty()
            && mp.log_severity_texts.is_empty()
            && mp.log_severity_number.is_none()
        {
            p.push(ConfigProblem::new(
                at,
                "for logs set at least one of attributes, resources, libraries, log_bodies, \
                 log_severity_texts or log_severity_number",
            ));
        }
        let bodies = (!mp.log_bodies.is_empty())
            .then(|| StringSet::new(mt, &mp.log_bodies, &format!("{at}.log_bodies"), &mut p));
        let severity_texts = (!mp.log_severity_texts.is_empty())
            .then(|| StringSet::new(mt, &mp.log_severity_texts, &format!("{at}.log_severity_texts"), &mut p));
        let severity = match &mp.log_severity_number {
            None => None,
            Some(s) => {
                let min = match &s.min {
                    SeverityValue::Number(n) if (0..=24).contains(n) => Some(*n as i32),
                    SeverityValue::Name(name) => severity_from_name(name),
                    SeverityValue::Number(_) => None,
                };
                match min {
                    Some(m) => Some((m, s.match_undefined)),
                    None => {
                        p.push(ConfigProblem::new(
                            format!("{at}.log_severity_number.min"),
                            "must be a severity number 1-24 or a name (TRACE, DEBUG, INFO, WARN, ERROR, \
                             FATAL, optionally with 2-4: INFO2)",
                        ));
                        None
                    }
                }
            }
        };
        let libraries = mp
            .libraries
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let name = StringSet::new(
                    mt,
                    std::slice::from_ref(&l.name),
                    &format!("{at}.libraries[{i}].name"),
                    &mut p,
                );
                let version = l.version.as_ref().map(|v| {
                    StringSet::new(
                        mt,
                        std::slice::from_ref(v),
                        &format!("{at}.libraries[{i}].version"),
                        &mut p,
                    )
                });
                (name, version)
            })
            .collect();
        let resources = attr_matchers(mt, &mp.resources, &format!("{at}.resources"), &mut p);
        let attributes = attr_matchers(mt, &mp.attributes, &format!("{at}.attributes"), &mut p);
        if p.is_empty() {
            Ok(LogMatcher { bodies, severity_texts, severity, libraries, resources, attributes })
        } else {
            Err(p)
        }
    }

    pub fn matches(&self, r: &LogRecord, resource: &Resource, scope: &Scope) -> bool {
        if let Some(b) = &self.bodies {
            let body = r.body.as_ref().map(as_string).unwrap_or_default();
            if !b.matches(&body) {
                return false;
            }
        }
        if let Some(t) = &self.severity_texts
            && !t.matches(&r.severity_text)
        {
            return false;
        }
        if let Some((min, undefined)) = self.severity {
            let ok = if r.severity_number == SeverityNumber::UNSPECIFIED {
                undefined
            } else {
                r.severity_number.0 >= min
            };
            if !ok {
                return false;
            }
        }
        for (name, version) in &self.libraries {
            if !name.matches(&scope.name) {
                return false;
            }
            if let Some(v) = version
                && !v.matches(&scope.version)
            {
                return false;
            }
        }
        attrs_match(&self.resources, &resource.attributes) && attrs_match(&self.attributes, &r.attributes)
    }
}

impl MetricMatcher {
    pub fn compile(mp: &MatchProperties, at: &str) -> Result<MetricMatcher, Vec<ConfigProblem>> {
        let mut p = common_problems(mp, at);
        let mt = mp.match_type.unwrap_or(MatchType::Strict);
        let why = "is not valid in a metrics pipeline (the Collector's attributes processor matches \
                   metrics by metric_names and resources only)";
        refuse(&mut p, at, "attributes", !mp.attributes.is_empty(), why);
        refuse(&mut p, at, "libraries", !mp.libraries.is_empty(), why);
        refuse(&mut p, at, "log_bodies", !mp.log_bodies.is_empty(), why);
        refuse(&mut p, at, "log_severity_texts", !mp.log_severity_texts.is_empty(), why);
        refuse(&mut p, at, "log_severity_number", mp.log_severity_number.is_some(), why);
        if mp.metric_names.is_empty() && mp.resources.is_empty() {
            p.push(ConfigProblem::new(at, "for metrics set at least one of metric_names or resources"));
        }
        let names = (!mp.metric_names.is_empty())
            .then(|| StringSet::new(mt, &mp.metric_names, &format!("{at}.metric_names"), &mut p));
        let resources = attr_matchers(mt, &mp.resources, &format!("{at}.resources"), &mut p);
        if p.is_empty() { Ok(MetricMatcher { names, resources }) } else { Err(p) }
    }

    pub fn matches(&self, name: &str, resource: &Resource) -> bool {
        if let Some(n) = &self.names
            && !n.matches(name)
        {
            return false;
        }
        attrs_match(&self.resources, &resource.attributes)
    }
}

/// One compiled `include` or `exclude` for spans (contrib's `filterspan`).
#[derive(Debug, Clone)]
pub struct SpanMatcher {
    services: Option<StringSet>,
    names: Option<StringSet>,
    kinds: Option<StringSet>,
    libraries: Vec<(StringSet, Option<StringSet>)>,
    resources: Vec<AttrMatcher>,
    attributes: Vec<AttrMatcher>,
}

/// What `services` compares when a resource has no `service.name` (contrib's value).
pub const NIL_SERVICE_NAME: &str = "<nil-service-name>";

fn libraries(
    mt: MatchType,
    mp: &MatchProperties,
    at: &str,
    p: &mut Vec<ConfigProblem>,
) -> Vec<(StringSet, Option<StringSet>)> {
    mp.libraries
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let name =
                StringSet::new(mt, std::slice::from_ref(&l.name), &format!("{at}.libraries[{i}].name"), p);
            let version = l.version.as_ref().map(|v| {
                StringSet::new(mt, std::slice::from_ref(v), &format!("{at}.libraries[{i}].version"), p)
            });
            (name, version)
        })
        .collect()
}

fn libraries_match(libs: &[(StringSet, Option<StringSet>)], scope: &Scope) -> bool {
    libs.iter().all(|(name, version)| {
        name.matches(&scope.name) && version.as_ref().is_none_or(|v| v.matches(&scope.version))
    })
}

impl SpanMatcher {
    pub fn compile(mp: &MatchProperties, at: &str) -> Result<SpanMatcher, Vec<ConfigProblem>> {
        let mut p = Vec::new();
        if mp.match_type.is_none() {
            p.push(ConfigProblem::new(format!("{at}.match_type"), "is required: strict or regexp"));
        }
        let mt = mp.match_type.unwrap_or(MatchType::Strict);
        let why = "is not valid in a traces pipeline (the Collector matches spans by services, \
                   span_names, span_kinds, attributes, resources and libraries)";
        refuse(&mut p, at, "metric_names", !mp.metric_names.is_empty(), why);
        refuse(&mut p, at, "log_bodies", !mp.log_bodies.is_empty(), why);
        refuse(&mut p, at, "log_severity_texts", !mp.log_severity_texts.is_empty(), why);
        refuse(&mut p, at, "log_severity_number", mp.log_severity_number.is_some(), why);
        if mp.services.is_empty()
            && mp.span_names.is_empty()
            && mp.span_kinds.is_empty()
            && mp.attributes.is_empty()
            && mp.resources.is_empty()
            && mp.libraries.is_empty()
        {
            p.push(ConfigProblem::new(
                at,
                "for spans set at least one of services, span_names, span_kinds, attributes, libraries \
                 or resources",
            ));
        }
        let set = |items: &[String], key: &str, p: &mut Vec<ConfigProblem>| {
            (!items.is_empty()).then(|| StringSet::new(mt, items, &format!("{at}.{key}"), p))
        };
        let services = set(&mp.services, "services", &mut p);
        let names = set(&mp.span_names, "span_names", &mut p);
        let kinds = set(&mp.span_kinds, "span_kinds", &mut p);
        let libraries = libraries(mt, mp, at, &mut p);
        let resources = attr_matchers(mt, &mp.resources, &format!("{at}.resources"), &mut p);
        let attributes = attr_matchers(mt, &mp.attributes, &format!("{at}.attributes"), &mut p);
        if p.is_empty() {
            Ok(SpanMatcher { services, names, kinds, libraries, resources, attributes })
        } else {
            Err(p)
        }
    }

    pub fn matches(&self, span: &Span, resource: &Resource, scope: &Scope) -> bool {
        if let Some(services) = &self.services {
            let name = resource.attributes.get("service.name").and_then(scalar_string);
            if !services.matches(name.as_deref().unwrap_or(NIL_SERVICE_NAME)) {
                return false;
            }
        }
        if let Some(n) = &self.names
            && !n.matches(&span.name)
        {
            return false;
        }
        if let Some(k) = &self.kinds
            && !k.matches(span.kind.proto_name())
        {
            return false;
        }
        libraries_match(&self.libraries, scope)
            && attrs_match(&self.resources, &resource.attributes)
            && attrs_match(&self.attributes, &span.attributes)
    }
}

/// Include then exclude, compiled for one signal.
#[derive(Debug, Clone)]
pub struct Filter<M> {
    pub include: Option<M>,
    pub exclude: Option<M>,
}

impl<M> Filter<M> {
    /// Selects everything.
    pub fn none() -> Self {
        Filter { include: None, exclude: None }
    }
}

/// Compiles `include` and `exclude` with `compile` (one signal's matcher).
pub fn compile_for<M>(
    include: Option<&MatchProperties>,
    exclude: Option<&MatchProperties>,
    compile: impl Fn(&MatchProperties, &str) -> Result<M, Vec<ConfigProblem>>,
) -> Result<Filter<M>, Vec<ConfigProblem>> {
    let mut p = Vec::new();
    let mut one = |mp: Option<&MatchProperties>, at: &str| match mp.map(|m| compile(m, at)) {
        None => None,
        Some(Ok(m)) => Some(m),
        Some(Err(mut e)) => {
            p.append(&mut e);
            None
        }
    };
    let include = one(include, "include");
    let exclude = one(exclude, "exclude");
    if p.is_empty() { Ok(Filter { include, exclude }) } else { Err(p) }
}

/// Problems of `include`/`exclude` for `signal`.
pub fn problems_for(
    include: Option<&MatchProperties>,
    exclude: Option<&MatchProperties>,
    signal: Signal,
) -> Vec<ConfigProblem> {
    match signal {
        Signal::Metrics => compile_for(include, exclude, MetricMatcher::compile).err(),
        Signal::Logs => compile_for(include, exclude, LogMatcher::compile).err(),
        Signal::Traces => compile_for(include, exclude, SpanMatcher::compile).err(),
    }
    .unwrap_or_default()
}
