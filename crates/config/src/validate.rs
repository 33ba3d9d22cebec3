//! Validation of a merged config against the component registry, collecting every problem.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use dbintel_core::ids::IdError;
use dbintel_core::{ComponentId, ComponentKind, ComponentRegistry, Factory, GoDuration, PipelineId, Signal};
use serde_json::{Map, Value};

use crate::error::{ConfigError, ConfigErrors, ErrorKind};
use crate::load::{RawConfig, kind_of};
use crate::model::{
    DEFAULT_SHUTDOWN_TIMEOUT, Pipeline, SHUTDOWN_TIMEOUT_RANGE, Service, ServiceConfig, ShardingConfig,
    Telemetry,
};
use crate::path::join;
use crate::suggest::did_you_mean;

const TOP_LEVEL_KEYS: [&str; 5] = ["receivers", "processors", "exporters", "extensions", "service"];
const SERVICE_KEYS: [&str; 5] = ["extensions", "pipelines", "telemetry", "shutdown_timeout", "sharding"];
const PIPELINE_KEYS: [&str; 3] = ["receivers", "processors", "exporters"];

/// Checks `raw` against `registry` and returns the typed config, or every problem found.
pub fn validate(raw: &RawConfig, registry: &ComponentRegistry) -> Result<ServiceConfig, ConfigErrors> {
    let mut v = Validator { raw, registry, errors: Vec::new(), warnings: raw.warnings().to_vec() };
    let config = v.run();
    if v.errors.is_empty() {
        return Ok(config);
    }
    // A value that came from the environment or a file may be a secret: keep it out of messages.
    let errors = v
        .errors
        .into_iter()
        .map(|mut e| {
            e.message = raw.redactor().message_at(&e.path, &e.message);
            e
        })
        .collect();
    Err(ConfigErrors::new(errors))
}

/// A defined component: its section and, when its type is known, its factory.
struct Defined {
    config: Value,
    factory: Option<Arc<dyn Factory>>,
}

struct Validator<'a> {
    raw: &'a RawConfig,
    registry: &'a ComponentRegistry,
    errors: Vec<ConfigError>,
    /// Warnings found while reading `service` (the rest are collected in `run`).
    warnings: Vec<String>,
}

impl Validator<'_> {
    fn err(&mut self, kind: ErrorKind, keys: &[&str], path: impl Into<String>, message: impl Into<String>) {
        let source = self.raw.source_or_last(keys);
        self.errors.push(ConfigError::new(kind, source, path, message));
    }

    fn run(&mut self) -> ServiceConfig {
        let root = self.raw.root();
        for key in root.keys() {
            if TOP_LEVEL_KEYS.contains(&key.as_str()) {
                continue;
            }
            let message = if key == "connectors" {
                "connectors are not supported by dbintel: connect pipelines by sharing receivers and exporters"
                    .to_string()
            } else {
                format!("unknown top-level key `{key}`{}", expected(key, &TOP_LEVEL_KEYS))
            };
            self.err(ErrorKind::UnknownKey, &[key], key.clone(), message);
        }

        let mut defined: BTreeMap<ComponentKind, BTreeMap<ComponentId, Defined>> = BTreeMap::new();
        for kind in ComponentKind::ALL {
            let section = self.components(kind, root.get(kind.section()));
            defined.insert(kind, section);
        }

        let service = self.service(root.get("service"), &defined);

        let mut warnings = std::mem::take(&mut self.warnings);
        let mut used: BTreeSet<(ComponentKind, &ComponentId)> = BTreeSet::new();
        for p in service.pipelines.values() {
            used.extend(p.receivers.iter().map(|id| (ComponentKind::Receiver, id)));
            used.extend(p.processors.iter().map(|id| (ComponentKind::Processor, id)));
            used.extend(p.exporters.iter().map(|id| (ComponentKind::Exporter, id)));
        }
        used.extend(service.extensions.iter().map(|id| (ComponentKind::Extension, id)));
        // Components that a used component names in its own section (`sending_queue.storage`).
        for (kind, section) in &defined {
            for (id, d) in section {
                let Some(factory) = d.factory.as_ref().filter(|_| used.contains(&(*kind, id))) else {
                    continue;
                };
                for (ref_kind, ref_id, key) in factory.references(&d.config) {
                    let message = if !defined.get(&ref_kind).is_some_and(|s| s.contains_key(&ref_id)) {
                        let hint = suggest_defined(&ref_id, defined.get(&ref_kind))
                            .map(|s| format!("; did you mean `{s}`?"))
                            .unwrap_or_default();
                        format!("{ref_kind} `{ref_id}` is not defined under `{}`{hint}", ref_kind.section())
                    } else if ref_kind == ComponentKind::Extension && !service.extensions.contains(&ref_id) {
                        format!("extension `{ref_id}` is defined but not listed in `service.extensions`")
                    } else {
                        continue;
                    };
                    let id_text = id.to_string();
                    let keys = [kind.section(), id_text.as_str(), first_segment(&key)];
                    let path = join(&format!("{}.{id}", kind.section()), &key);
                    self.err(ErrorKind::UndefinedReference, &keys, path, message);
                }
            }
        }
        for (kind, section) in &defined {
            for id in section.keys() {
                if !used.contains(&(*kind, id)) {
                    let source = self.raw.source_or_last(&[kind.section(), &id.to_string()]);
                    let place = if *kind == ComponentKind::Extension {
                        "`service.extensions`"
                    } else {
                        "any pipeline"
                    };
                    warnings.push(format!(
                        "{source}: {}.{id}: {} `{id}` is defined but not used in {place}; it will not be started",
                        kind.section(),
                        kind
                    ));
                }
            }
        }

        // The memory limiter refuses what reaches it: a processor before it has done its work (and
        // counted, sampled, budgeted) on data that is then refused. The Collector's advice: first.
        for (pid, p) in &service.pipelines {
            for (i, id) in p.processors.iter().enumerate().skip(1) {
                if id.type_name() == "memory_limiter" {
                    let pid_text = pid.to_string();
                    let source = self.raw.source_or_last(&["service", "pipelines", &pid_text, "processors"]);
                    warnings.push(format!(
                        "{source}: service.pipelines.{pid}.processors[{i}]: `{id}` is not the first processor; \
                         what the processors before it do is wasted on data it then refuses: put it first"
                    ));
                }
            }
        }

        // Keys accepted for Collector compatibility that have no effect here.
        for (kind, section) in &defined {
            for (id, d) in section {
                let Some(factory) = d.factory.as_ref() else { continue };
                for p in factory.ignored_keys(&d.config) {
                    let id_text = id.to_string();
                    let source = self.raw.source_or_last(&[kind.section(), &id_text, first_segment(&p.path)]);
                    let path = join(&format!("{}.{id}", kind.section()), &p.path);
                    warnings.push(format!("{source}: {path}: accepted and ignored: {}", p.message));
                }
                for p in factory.warnings(&d.config) {
                    let id_text = id.to_string();
                    let source = self.raw.source_or_last(&[kind.section(), &id_text, first_segment(&p.path)]);
                    let path = join(&format!("{}.{id}", kind.section()), &p.path);
                    warnings.push(format!("{source}: {path}: {}", p.message));
                }
            }
        }

        let mut sources = BTreeMap::new();
        let mut take = |kind: ComponentKind| -> BTreeMap<ComponentId, Value> {
            let section = defined.remove(&kind).unwrap_or_default();
            section
                .into_iter()
                .map(|(id, d)| {
                    sources.insert(
                        (kind, id.clone()),
                        self.raw.source_or_last(&[kind.section(), &id.to_string()]),
                    );
                    (id, d.config)
                })
                .collect()
        };
        ServiceConfig {
            receivers: take(ComponentKind::Receiver),
            processors: take(ComponentKind::Processor),
            exporters: take(ComponentKind::Exporter),
            extensions: take(ComponentKind::Extension),
            service,
            warnings,
            sources,
            redactor: self.raw.redactor().clone(),
        }
    }

    /// One of `receivers`, `processors`, `exporters`, `extensions`.
    fn components(&mut self, kind: ComponentKind, section: Option<&Value>) -> BTreeMap<ComponentId, Defined> {
        let name = kind.section();
        let mut out = BTreeMap::new();
        let map = match section {
            None | Some(Value::Null) => return out,
            Some(Value::Object(m)) => m,
            Some(other) => {
                let msg = format!("expected a map of {kind} IDs to their settings, found {}", kind_of(other));
                self.err(ErrorKind::InvalidValue, &[name], name, msg);
                return out;
            }
        };
        let known = self.registry.type_names(kind);
        for (key, body) in map {
            let path = format!("{name}.{key}");
            let keys = [name, key.as_str()];
            let id = match key.parse::<ComponentId>() {
                Ok(id) => id,
                Err(e) => {
                    self.err(ErrorKind::InvalidId, &keys, path, format!("invalid {kind} ID: {e}"));
                    continue;
                }
            };
            if out.contains_key(&id) {
                self.err(ErrorKind::InvalidId, &keys, path, format!("{kind} `{id}` is defined twice"));
                continue;
            }
            let factory = self.registry.get(kind, id.type_name());
            match &factory {
                None => {
                    let hint = match did_you_mean(id.type_name(), known.iter().copied()) {
                        Some(s) => format!("; did you mean `{s}`?"),
                        None if known.is_empty() => format!("; this build has no {name}"),
                        None => format!("; known types: {}", known.join(", ")),
                    };
                    let msg = format!("unknown {kind} type `{}`{hint}", id.type_name());
                    self.err(ErrorKind::UnknownType, &keys, path, msg);
                }
                Some(f) => {
                    if let Some(advice) = deprecated(kind, id.type_name()) {
                        let source = self.raw.source_or_last(&keys);
                        self.warnings.push(format!("{source}: {path}: {advice}"));
                    }
                    let schema = f.config_schema();
                    let stand_in =
                        |path: &str| schema.as_ref().and_then(|s| dbintel_core::typed::placeholder(s, path));
                    for mut p in dbintel_core::all_problems_with(body, |c| f.validate(c), stand_in) {
                        if p.message.starts_with("unknown field")
                            && let Some(at) =
                                schema.as_ref().and_then(|s| dbintel_core::typed::misplaced_key(s, &p.path))
                        {
                            p.message.push_str(&format!("; did you mean `{}`?", join(&path, &at)));
                        }
                        let first = first_segment(&p.path);
                        let source = self.raw.source_or_last(&[name, key, first]);
                        self.errors.push(ConfigError::new(
                            ErrorKind::Component,
                            source,
                            join(&path, &p.path),
                            p.message,
                        ));
                    }
                }
            }
            out.insert(id, Defined { config: body.clone(), factory });
        }
        out
    }

    fn service(
        &mut self,
        section: Option<&Value>,
        defined: &BTreeMap<ComponentKind, BTreeMap<ComponentId, Defined>>,
    ) -> Service {
        let mut service = Service {
            extensions: Vec::new(),
            pipelines: BTreeMap::new(),
            telemetry: Telemetry::default(),
            shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
            sharding: None,
        };
        let empty = Map::new();
        let map = match section {
            None | Some(Value::Null) => &empty,
            Some(Value::Object(m)) => m,
            Some(other) => {
                let msg = format!("expected a map with `pipelines`, found {}", kind_of(other));
                self.err(ErrorKind::InvalidValue, &["service"], "service", msg);
                return service;
            }
        };
        for key in map.keys() {
            if !SERVICE_KEYS.contains(&key.as_str()) {
                let msg = format!("unknown key `{key}` in `service`{}", expected(key, &SERVICE_KEYS));
                self.err(ErrorKind::UnknownKey, &["service", key], format!("service.{key}"), msg);
            }
        }

        if let Some(ext) = map.get("extensions") {
            let extensions = defined.get(&ComponentKind::Extension);
            service.extensions = self.id_list(
                ext,
                &["service", "extensions"],
                "service.extensions",
                ComponentKind::Extension,
                extensions,
                None,
            );
        }

        match map.get("pipelines") {
            None | Some(Value::Null) => self.err(
                ErrorKind::Pipeline,
                &["service"],
                "service.pipelines",
                "no pipelines: define at least one, e.g. `metrics: {receivers: [...], exporters: [...]}`",
            ),
            Some(Value::Object(pipelines)) => {
                if pipelines.is_empty() {
                    self.err(
                        ErrorKind::Pipeline,
                        &["service", "pipelines"],
                        "service.pipelines",
                        "no pipelines defined",
                    );
                }
                for (key, body) in pipelines {
                    if let Some((id, p)) = self.pipeline(key, body, defined) {
                        service.pipelines.insert(id, p);
                    }
                }
            }
            Some(other) => {
                let msg = format!("expected a map of pipeline IDs to pipelines, found {}", kind_of(other));
                self.err(ErrorKind::InvalidValue, &["service", "pipelines"], "service.pipelines", msg);
            }
        }

        if let Some(t) = map.get("telemetry") {
            service.telemetry = self.telemetry(t);
        }
        if let Some(t) = map.get("shutdown_timeout")
            && !t.is_null()
        {
            match dbintel_core::config_value::from_value::<GoDuration>(t) {
                Ok(d) => match SHUTDOWN_TIMEOUT_RANGE.check("", d.get()) {
                    None => service.shutdown_timeout = d.get(),
                    Some(p) => self.err(
                        ErrorKind::InvalidValue,
                        &["service", "shutdown_timeout"],
                        "service.shutdown_timeout",
                        format!(
                            "{}; shutdown stops receivers, drains pipelines and flushes exporters within it (default 4s)",
                            p.message
                        ),
                    ),
                },
                Err(p) => self.err(
                    ErrorKind::InvalidValue,
                    &["service", "shutdown_timeout"],
                    "service.shutdown_timeout",
                    p.message,
                ),
            }
        }
        if let Some(s) = map.get("sharding")
            && !s.is_null()
        {
            service.sharding = self.sharding(s);
        }
        service
    }

    /// `service.sharding`: `replicas` (required, 1 to 1024) and `ordinal` (optional, below it).
    fn sharding(&mut self, value: &Value) -> Option<ShardingConfig> {
        const KEYS: [&str; 2] = ["replicas", "ordinal"];
        let Some(map) = value.as_object() else {
            let msg = format!("expected a map with `replicas` (and `ordinal`), found {}", kind_of(value));
            self.err(ErrorKind::InvalidValue, &["service", "sharding"], "service.sharding", msg);
            return None;
        };
        for key in map.keys() {
            if !KEYS.contains(&key.as_str()) {
                let msg = format!("unknown key `{key}` in `service.sharding`{}", expected(key, &KEYS));
                self.err(
                    ErrorKind::UnknownKey,
                    &["service", "sharding", key.as_str()],
                    format!("service.sharding.{key}"),
                    msg,
                );
            }
        }
        let max = dbintel_core::sharding::MAX_REPLICAS;
        let replicas = match map.get("replicas").filter(|v| !v.is_null()) {
            None => {
                self.err(
                    ErrorKind::InvalidValue,
                    &["service", "sharding"],
                    "service.sharding.replicas",
                    format!("required: how many replicas share the database targets (1 to {max}), e.g. `${{env:DBINTEL_SHARD_REPLICAS}}`"),
                );
                None
            }
            Some(v) => match whole_number(v).filter(|n| (1..=u64::from(max)).contains(n)) {
                Some(n) => u32::try_from(n).ok(),
                None => {
                    let msg = format!("expected a whole number from 1 to {max}, found {}", shown(v));
                    self.err(
                        ErrorKind::InvalidValue,
                        &["service", "sharding", "replicas"],
                        "service.sharding.replicas",
                        msg,
                    );
                    None
                }
            },
        };
        let ordinal = match map.get("ordinal").filter(|v| !v.is_null()) {
            None => None,
            Some(v) => match whole_number(v).and_then(|n| u32::try_from(n).ok()) {
                Some(n) if replicas.is_none_or(|r| n < r) => Some(n),
                Some(n) => {
                    let r = replicas.unwrap_or(1);
                    let msg = format!("{n} is not below replicas ({r}): ordinals run from 0 to {}", r - 1);
                    self.err(
                        ErrorKind::InvalidValue,
                        &["service", "sharding", "ordinal"],
                        "service.sharding.ordinal",
                        msg,
                    );
                    return None;
                }
                None => {
                    let msg = format!("expected a whole number (this replica, from 0), found {}", shown(v));
                    self.err(
                        ErrorKind::InvalidValue,
                        &["service", "sharding", "ordinal"],
                        "service.sharding.ordinal",
                        msg,
                    );
                    return None;
                }
            },
        };
        replicas.map(|replicas| ShardingConfig { replicas, ordinal })
    }

    fn pipeline(
        &mut self,
        key: &str,
        body: &Value,
        defined: &BTreeMap<ComponentKind, BTreeMap<ComponentId, Defined>>,
    ) -> Option<(PipelineId, Pipeline)> {
        let path = format!("service.pipelines.{key}");
        let keys = ["service", "pipelines", key];
        let id = match key.parse::<PipelineId>() {
            Ok(id) => Some(id),
            Err(e) => {
                let msg = match &e {
                    IdError::UnknownSignal { signal, .. } if signal == "profiles" => format!(
                        "dbintel has no profiles: pipeline IDs are `metrics[/name]`, `logs[/name]` or \
                         `traces[/name]` (got `{key}`)"
                    ),
                    _ => format!("invalid pipeline ID: {e}"),
                };
                self.err(ErrorKind::InvalidId, &keys, path.clone(), msg);
                None
            }
        };
        let empty = Map::new();
        let map = match body {
            Value::Null => &empty,
            Value::Object(m) => m,
            other => {
                let msg = format!(
                    "expected a map with `receivers`, `processors` and `exporters`, found {}",
                    kind_of(other)
                );
                self.err(ErrorKind::InvalidValue, &keys, path, msg);
                return None;
            }
        };
        for k in map.keys() {
            if !PIPELINE_KEYS.contains(&k.as_str()) {
                let msg = format!("unknown key `{k}` in pipeline `{key}`{}", expected(k, &PIPELINE_KEYS));
                self.err(
                    ErrorKind::UnknownKey,
                    &["service", "pipelines", key, k],
                    format!("{path}.{k}"),
                    msg,
                );
            }
        }
        let signal = id.as_ref().map(PipelineId::signal);
        let mut lists = Vec::new();
        for (field, kind) in [
            ("receivers", ComponentKind::Receiver),
            ("processors", ComponentKind::Processor),
            ("exporters", ComponentKind::Exporter),
        ] {
            let list_path = format!("{path}.{field}");
            let ids = match map.get(field) {
                Some(v) => self.id_list(
                    v,
                    &["service", "pipelines", key, field],
                    &list_path,
                    kind,
                    defined.get(&kind),
                    signal,
                ),
                None => Vec::new(),
            };
            if ids.is_empty() && kind != ComponentKind::Processor {
                let present = map.get(field).is_some_and(|v| !v.is_null());
                let msg = format!("pipeline `{key}` needs at least one {kind}");
                // A malformed list was already reported; only report what is really missing.
                if !present || map.get(field).and_then(Value::as_array).is_some_and(Vec::is_empty) {
                    self.err(ErrorKind::Pipeline, &keys, list_path, msg);
                }
            }
            lists.push(ids);
        }
        let exporters = lists.pop().unwrap_or_default();
        let processors = lists.pop().unwrap_or_default();
        let receivers = lists.pop().unwrap_or_default();
        id.map(|id| (id, Pipeline { receivers, processors, exporters }))
    }

    /// A list of component IDs that must be defined (and support `signal`, for pipelines).
    fn id_list(
        &mut self,
        value: &Value,
        keys: &[&str],
        path: &str,
        kind: ComponentKind,
        defined: Option<&BTreeMap<ComponentId, Defined>>,
        signal: Option<Signal>,
    ) -> Vec<ComponentId> {
        let items = match value {
            Value::Null => return Vec::new(),
            Value::Array(items) => items,
            other => {
                let msg = format!("expected a list of {kind} IDs, found {}", kind_of(other));
                self.err(ErrorKind::InvalidValue, keys, path, msg);
                return Vec::new();
            }
        };
        let mut out: Vec<ComponentId> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let item_path = format!("{path}[{i}]");
            let Some(text) = item.as_str() else {
                let msg = format!("expected a {kind} ID (a string), found {}", kind_of(item));
                self.err(ErrorKind::InvalidValue, keys, item_path, msg);
                continue;
            };
            let id = match text.parse::<ComponentId>() {
                Ok(id) => id,
                Err(e) => {
                    self.err(ErrorKind::InvalidId, keys, item_path, format!("invalid {kind} ID: {e}"));
                    continue;
                }
            };
            // A type's alias names the same type, so `circuitbreaker/x` is the component defined as
            // `circuit_breaker/x` (the prototype's configs define one spelling and list the other).
            // Not when the list names that component itself too: then this entry is another one.
            let alias_of = self
                .same_component_by_alias(&id, kind, defined)
                .filter(|d| !items.iter().any(|v| v.as_str() == Some(d.to_string().as_str())));
            let id = match alias_of {
                Some(defined_id) => {
                    let source = self.raw.source_or_last(keys);
                    self.warnings.push(format!(
                        "{source}: {item_path}: `{id}` is read as `{defined_id}` (`{}` and `{}` are the same {kind} type); write `{defined_id}`",
                        id.type_name(),
                        defined_id.type_name()
                    ));
                    defined_id
                }
                None => id,
            };
            if out.contains(&id) {
                let msg = format!("{kind} `{id}` is listed more than once");
                self.err(ErrorKind::Pipeline, keys, item_path, msg);
                continue;
            }
            match defined.and_then(|d| d.get(&id)) {
                None => {
                    let hint = match suggest_defined(&id, defined) {
                        Some(s) => format!("; did you mean `{s}`?"),
                        None => String::new(),
                    };
                    let msg = format!("{kind} `{id}` is not defined in `{}`{hint}", kind.section());
                    self.err(ErrorKind::UndefinedReference, keys, item_path, msg);
                }
                Some(d) => {
                    if let (Some(signal), Some(f)) = (signal, &d.factory) {
                        let info = f.info();
                        if !info.signals.contains(&signal) {
                            let supported: Vec<&str> = info.signals.iter().map(|s| s.as_str()).collect();
                            let supported =
                                if supported.is_empty() { "none".to_string() } else { supported.join(", ") };
                            let msg = format!(
                                "{kind} `{id}` does not support {signal} (type `{}` supports: {supported})",
                                info.type_name
                            );
                            self.err(ErrorKind::Pipeline, keys, item_path, msg);
                        } else {
                            if let Some(why) = f.signal_note(signal) {
                                let source = self.raw.source_or_last(keys);
                                self.warnings.push(format!(
                                    "{source}: {item_path}: {kind} `{id}` is accepted in a {signal} pipeline but does nothing on {signal}: {why}"
                                ));
                            }
                            let section = kind.section();
                            let id_text = id.to_string();
                            for p in f.validate_for_signal(&d.config, signal) {
                                let first = first_segment(&p.path);
                                let msg = format!("{} (`{id}` is in `{item_path}`)", p.message);
                                self.err(
                                    ErrorKind::Component,
                                    &[section, &id_text, first],
                                    join(&format!("{section}.{id}"), &p.path),
                                    msg,
                                );
                            }
                        }
                    }
                }
            }
            out.push(id);
        }
        out
    }

    /// The defined ID that `id` names through a type alias, when `id` itself is not defined: same
    /// name, and a type with the same factory. `None` when `id` is defined or nothing matches.
    fn same_component_by_alias(
        &self,
        id: &ComponentId,
        kind: ComponentKind,
        defined: Option<&BTreeMap<ComponentId, Defined>>,
    ) -> Option<ComponentId> {
        let defined = defined?;
        if defined.contains_key(id) {
            return None;
        }
        let canonical = self.registry.get(kind, id.type_name())?.info().type_name;
        defined
            .iter()
            .find(|(other, d)| {
                other.name() == id.name()
                    && other.type_name() != id.type_name()
                    && d.factory.as_ref().is_some_and(|f| f.info().type_name == canonical)
            })
            .map(|(other, _)| other.clone())
    }

    fn telemetry(&mut self, value: &Value) -> Telemetry {
        let mut findings = crate::telemetry::Findings::default();
        let mut t = crate::telemetry::parse(value, &mut findings);
        // A periodic reader pushes through dbintel's own `otlp`/`otlphttp` exporter: its factory
        // checks the section built from the reader's keys.
        for r in &mut t.metrics.readers {
            let crate::model::MetricReader::Periodic(p) = r else { continue };
            match self.registry.get(ComponentKind::Exporter, p.exporter_type) {
                Some(f) => {
                    if let Err(problems) = f.validate(&p.exporter_config) {
                        for pr in problems {
                            let key = reader_key(&pr.path);
                            findings.errors.push((join(&p.path, key), pr.message));
                        }
                    }
                }
                None => findings.errors.push((
                    p.path.clone(),
                    format!("this build has no `{}` exporter to push the self-metrics with", p.exporter_type),
                )),
            }
        }
        for (path, message) in findings.errors {
            let keys = path_keys(&path);
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            self.err(ErrorKind::InvalidValue, &keys, path, message);
        }
        for (path, message) in findings.warnings {
            let keys = path_keys(&path);
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            let source = self.raw.source_or_last(&keys);
            self.warnings.push(format!("{source}: {path}: {message}"));
        }
        t
    }
}

/// A non-negative whole number given as a number or as digits (a placeholder that expanded to text).
fn whole_number(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s)
            if !s.trim().is_empty()
                && s.trim().len() <= 19
                && s.trim().bytes().all(|b| b.is_ascii_digit()) =>
        {
            s.trim().parse().ok()
        }
        _ => None,
    }
}

/// A scalar as a message shows it (short), else its kind.
fn shown(v: &Value) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("`{}`", s.chars().take(32).collect::<String>()),
        other => kind_of(other).to_string(),
    }
}

/// Component types the Collector deprecated or removed that still load, with the migration advice.
fn deprecated(kind: ComponentKind, type_name: &str) -> Option<&'static str> {
    match (kind, type_name) {
        (ComponentKind::Exporter, "logging") => Some(
            "the `logging` exporter is deprecated (removed from the Collector in v0.111.0): it runs as the `debug` \
             exporter; rename it to `debug` (`loglevel` becomes `verbosity`)",
        ),
        (ComponentKind::Extension, "memory_ballast") => Some(
            "the `memory_ballast` extension is deprecated (removed from the Collector in v0.98.0) and does nothing \
             here: remove it, and bound memory with the `memory_limiter` processor",
        ),
        _ => None,
    }
}

/// The reader's own key for a problem of the exporter section built from it.
fn reader_key(exporter_path: &str) -> &str {
    match exporter_path {
        "metrics_endpoint" => "endpoint",
        "tls.ca_file" => "certificate",
        "tls.cert_file" => "client_certificate",
        "tls.key_file" => "client_key",
        "tls.insecure" => "insecure",
        other => other,
    }
}

/// The map keys of a rendered path (`a.b[0].c` gives a, b, c), for provenance.
fn path_keys(path: &str) -> Vec<String> {
    path.split('.').map(|k| k.split('[').next().unwrap_or(k).to_string()).collect()
}

/// The closest defined ID: by edit distance, else the only one of the same type.
fn suggest_defined(id: &ComponentId, defined: Option<&BTreeMap<ComponentId, Defined>>) -> Option<String> {
    let names: Vec<String> = defined?.keys().map(ToString::to_string).collect();
    if let Some(s) = did_you_mean(&id.to_string(), names.iter().map(String::as_str)) {
        return Some(s.to_string());
    }
    let mut same_type = defined?.keys().filter(|d| d.type_name() == id.type_name());
    match (same_type.next(), same_type.next()) {
        (Some(only), None) => Some(only.to_string()),
        _ => None,
    }
}

/// The first key of a component-relative path (`queries` in `queries[0].sql`).
fn first_segment(path: &str) -> &str {
    let end = path.find(['.', '[']).unwrap_or(path.len());
    &path[..end]
}

/// `; expected one of a, b, c` plus a suggestion when one is close.
fn expected(got: &str, allowed: &[&str]) -> String {
    match did_you_mean(got, allowed.iter().copied()) {
        Some(s) => format!("; did you mean `{s}`?"),
        None => format!("; expected one of: {}", allowed.join(", ")),
    }
}
