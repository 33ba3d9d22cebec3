//! `service.telemetry` as the OpenTelemetry Collector has it: `logs`, `metrics` (level, the deprecated
//! `address`, `readers` with a `pull` Prometheus reader and a `periodic` OTLP reader), `resource` and
//! `traces`. Every key either works, is refused with a reason, or is accepted with a warning that says
//! why it has no effect.

use std::collections::BTreeMap;
use std::time::Duration;

use dbintel_core::GoDuration;
use serde_json::{Map, Value};

use crate::load::kind_of;
use crate::model::{
    AttributeFilter, LogEncoding, LogLevel, LogSampling, LogsTelemetry, MetricReader, MetricsLevel,
    MetricsTelemetry, OtlpProtocol, PeriodicReader, Telemetry,
};
use crate::suggest::did_you_mean;

const TELEMETRY_KEYS: [&str; 4] = ["logs", "metrics", "traces", "resource"];
const LOGS_KEYS: [&str; 10] = [
    "level",
    "development",
    "encoding",
    "disable_caller",
    "disable_stacktrace",
    "sampling",
    "output_paths",
    "error_output_paths",
    "initial_fields",
    "processors",
];
const SAMPLING_KEYS: [&str; 4] = ["enabled", "tick", "initial", "thereafter"];
const METRICS_KEYS: [&str; 4] = ["level", "address", "readers", "views"];
const TRACES_KEYS: [&str; 3] = ["level", "propagators", "processors"];
const PROMETHEUS_KEYS: [&str; 6] = [
    "host",
    "port",
    "without_scope_info",
    "without_type_suffix",
    "without_units",
    "with_resource_constant_labels",
];
const PERIODIC_KEYS: [&str; 5] = ["interval", "timeout", "exporter", "producers", "cardinality_limits"];
const OTLP_KEYS: [&str; 13] = [
    "protocol",
    "endpoint",
    "headers",
    "headers_list",
    "compression",
    "timeout",
    "insecure",
    "certificate",
    "client_key",
    "client_certificate",
    "temporality_preference",
    "default_histogram_aggregation",
    "encoding",
];
/// The most output paths of each kind (each one is an open file).
pub const MAX_OUTPUT_PATHS: usize = 16;
/// The most `initial_fields` (each is written on every log line).
pub const MAX_INITIAL_FIELDS: usize = 64;
/// The most metric readers.
pub const MAX_READERS: usize = 8;

/// Problems and warnings of `service.telemetry`, each with its full key path.
#[derive(Default)]
pub(crate) struct Findings {
    pub errors: Vec<(String, String)>,
    pub warnings: Vec<(String, String)>,
}

impl Findings {
    fn err(&mut self, path: impl Into<String>, msg: impl Into<String>) {
        self.errors.push((path.into(), msg.into()));
    }
    fn warn(&mut self, path: impl Into<String>, msg: impl Into<String>) {
        self.warnings.push((path.into(), msg.into()));
    }

    /// `value` as a map whose keys are in `allowed` (others are errors); `null` is `None`.
    fn map<'v>(&mut self, value: &'v Value, path: &str, allowed: &[&str]) -> Option<&'v Map<String, Value>> {
        match value {
            Value::Null => None,
            Value::Object(m) => {
                for k in m.keys() {
                    if !allowed.contains(&k.as_str()) {
                        self.err(format!("{path}.{k}"), format!("unknown key `{k}`{}", expected(k, allowed)));
                    }
                }
                Some(m)
            }
            other => {
                self.err(path, format!("expected a map, found {}", kind_of(other)));
                None
            }
        }
    }

    fn word(&mut self, map: &Map<String, Value>, path: &str, key: &str) -> Option<String> {
        match map.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.trim().to_string()),
            Some(other) => {
                self.err(format!("{path}.{key}"), format!("expected a string, found {}", kind_of(other)));
                None
            }
        }
    }

    fn bool(&mut self, map: &Map<String, Value>, path: &str, key: &str) -> Option<bool> {
        let v = map.get(key).filter(|v| !v.is_null())?;
        match dbintel_core::config_value::from_value::<bool>(v) {
            Ok(b) => Some(b),
            Err(_) => {
                self.err(format!("{path}.{key}"), format!("expected true or false, found {}", kind_of(v)));
                None
            }
        }
    }

    fn uint(&mut self, map: &Map<String, Value>, path: &str, key: &str) -> Option<u64> {
        let v = map.get(key).filter(|v| !v.is_null())?;
        match dbintel_core::config_value::from_value::<u64>(v) {
            Ok(n) => Some(n),
            Err(_) => {
                self.err(format!("{path}.{key}"), "expected a whole number, 0 or more");
                None
            }
        }
    }

    /// A Go duration (`10s`), or, where `ms_numbers`, a number of milliseconds (otelconf's form).
    fn duration(
        &mut self,
        map: &Map<String, Value>,
        path: &str,
        key: &str,
        ms_numbers: bool,
    ) -> Option<Duration> {
        let v = map.get(key).filter(|v| !v.is_null())?;
        if ms_numbers && let Some(ms) = v.as_u64() {
            return Some(Duration::from_millis(ms));
        }
        match dbintel_core::config_value::from_value::<GoDuration>(v) {
            Ok(d) => Some(d.get()),
            Err(p) => {
                let unit = if ms_numbers { " or a number of milliseconds" } else { "" };
                self.err(format!("{path}.{key}"), format!("{}{unit}", p.message));
                None
            }
        }
    }

    fn strings(&mut self, map: &Map<String, Value>, path: &str, key: &str) -> Option<Vec<String>> {
        let v = map.get(key).filter(|v| !v.is_null())?;
        let Value::Array(items) = v else {
            self.err(format!("{path}.{key}"), format!("expected a list of strings, found {}", kind_of(v)));
            return None;
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match item {
                Value::String(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
                other => self
                    .err(format!("{path}.{key}[{i}]"), format!("expected a path, found {}", kind_of(other))),
            }
        }
        Some(out)
    }
}

/// Parses `service.telemetry`.
pub(crate) fn parse(value: &Value, f: &mut Findings) -> Telemetry {
    let mut t = Telemetry::default();
    let path = "service.telemetry";
    let Some(map) = f.map(value, path, &TELEMETRY_KEYS) else {
        return t;
    };
    if let Some(v) = map.get("logs") {
        t.logs = logs(v, f);
    }
    if let Some(v) = map.get("metrics") {
        t.metrics = metrics(v, f);
    }
    if let Some(v) = map.get("resource") {
        t.resource = resource(v, f);
    }
    if let Some(v) = map.get("traces") {
        traces(v, f);
    }
    t
}

fn level(s: &str) -> Option<LogLevel> {
    Some(match s.to_ascii_lowercase().as_str() {
        "debug" => LogLevel::Debug,
        "info" => LogLevel::Info,
        "warn" | "warning" => LogLevel::Warn,
        // zap's levels above error: dbintel never panics on purpose, so these log errors only.
        "error" | "dpanic" | "panic" | "fatal" => LogLevel::Error,
        _ => return None,
    })
}

fn logs(value: &Value, f: &mut Findings) -> LogsTelemetry {
    let mut l = LogsTelemetry::default();
    let path = "service.telemetry.logs";
    let Some(map) = f.map(value, path, &LOGS_KEYS) else {
        return l;
    };
    if let Some(s) = f.word(map, path, "level") {
        match level(&s) {
            Some(lv) => l.level = lv,
            None => f.err(
                format!("{path}.level"),
                format!("unknown value `{s}`, expected `debug`, `info`, `warn` or `error`"),
            ),
        }
    }
    if let Some(s) = f.word(map, path, "encoding") {
        match s.to_ascii_lowercase().as_str() {
            "console" | "text" => l.encoding = LogEncoding::Console,
            "json" => l.encoding = LogEncoding::Json,
            _ => f.err(
                format!("{path}.encoding"),
                format!("unknown value `{s}`, expected `console` (or `text`) or `json`"),
            ),
        }
    }
    if let Some(b) = f.bool(map, path, "development") {
        l.development = b;
        if b {
            f.warn(
                format!("{path}.development"),
                "accepted and ignored: zap's development mode (DPanic panics, stack traces from warn) has no counterpart in dbintel",
            );
        }
    }
    if let Some(b) = f.bool(map, path, "disable_caller") {
        l.disable_caller = b;
    }
    if let Some(b) = f.bool(map, path, "disable_stacktrace") {
        l.disable_stacktrace = b;
        if !b {
            f.warn(
                format!("{path}.disable_stacktrace"),
                "accepted and ignored: dbintel writes no stack traces in log lines (errors name their cause instead)",
            );
        }
    }
    for (key, out) in
        [("output_paths", &mut l.output_paths), ("error_output_paths", &mut l.error_output_paths)]
    {
        if let Some(paths) = f.strings(map, path, key) {
            if paths.is_empty() {
                f.err(
                    format!("{path}.{key}"),
                    "must name at least one output: `stderr`, `stdout` or a file path",
                );
            } else if paths.len() > MAX_OUTPUT_PATHS {
                f.err(format!("{path}.{key}"), format!("at most {MAX_OUTPUT_PATHS} outputs"));
            } else {
                for (i, p) in paths.iter().enumerate() {
                    if let Err(m) = output_path(p) {
                        f.err(format!("{path}.{key}[{i}]"), m);
                    }
                }
                *out = paths;
            }
        }
    }
    if let Some(v) = map.get("initial_fields").filter(|v| !v.is_null()) {
        match v {
            Value::Object(m) if m.len() > MAX_INITIAL_FIELDS => {
                f.err(format!("{path}.initial_fields"), format!("at most {MAX_INITIAL_FIELDS} fields"));
            }
            Value::Object(m) => {
                for (k, v) in m {
                    match v {
                        Value::Object(_) | Value::Array(_) => f.err(
                            format!("{path}.initial_fields.{k}"),
                            format!("expected a string, number or boolean, found {}", kind_of(v)),
                        ),
                        Value::String(s) => l.initial_fields.push((k.clone(), s.clone())),
                        Value::Null => l.initial_fields.push((k.clone(), String::new())),
                        other => l.initial_fields.push((k.clone(), other.to_string())),
                    }
                }
            }
            other => f.err(
                format!("{path}.initial_fields"),
                format!("expected a map of field names to values, found {}", kind_of(other)),
            ),
        }
    }
    if let Some(v) = map.get("sampling") {
        let sp = format!("{path}.sampling");
        if let Some(m) = f.map(v, &sp, &SAMPLING_KEYS) {
            let enabled = f.bool(m, &sp, "enabled").unwrap_or(true);
            let mut s = LogSampling::default();
            if let Some(d) = f.duration(m, &sp, "tick", false) {
                if d.is_zero() || d > Duration::from_secs(3600) {
                    f.err(format!("{sp}.tick"), "use 1ms to 1h");
                } else {
                    s.tick = d;
                }
            }
            if let Some(n) = f.uint(m, &sp, "initial") {
                s.initial = n.min(u64::from(u32::MAX)) as u32;
            }
            if let Some(n) = f.uint(m, &sp, "thereafter") {
                s.thereafter = n.min(u64::from(u32::MAX)) as u32;
            }
            l.sampling = enabled.then_some(s);
        } else if v.is_null() {
            l.sampling = Some(LogSampling::default());
        }
    }
    if let Some(v) = map.get("processors").filter(|v| !is_empty(v)) {
        let _ = v;
        f.warn(
            format!("{path}.processors"),
            "accepted and ignored: dbintel writes its own logs to `output_paths` only and does not export them over OTLP",
        );
    }
    l
}

/// `stderr`, `stdout`, a file path or a `file://` URL (zap's sinks); other URL schemes are refused.
pub fn output_path(p: &str) -> Result<(), String> {
    if p == "stderr" || p == "stdout" {
        return Ok(());
    }
    if let Some((scheme, _)) = p.split_once("://")
        && scheme != "file"
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return Err(format!("`{p}`: only `stderr`, `stdout`, a file path or a file:// URL are supported"));
    }
    Ok(())
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        _ => false,
    }
}

fn metrics(value: &Value, f: &mut Findings) -> MetricsTelemetry {
    let mut m = MetricsTelemetry::default();
    let path = "service.telemetry.metrics";
    let Some(map) = f.map(value, path, &METRICS_KEYS) else {
        return m;
    };
    if let Some(s) = f.word(map, path, "level") {
        match s.to_ascii_lowercase().as_str() {
            "none" => m.level = MetricsLevel::None,
            "basic" => m.level = MetricsLevel::Basic,
            "normal" => m.level = MetricsLevel::Normal,
            "detailed" => m.level = MetricsLevel::Detailed,
            _ => f.err(
                format!("{path}.level"),
                format!("unknown value `{s}`, expected `none`, `basic`, `normal` or `detailed`"),
            ),
        }
    }
    if map.get("views").is_some_and(|v| !is_empty(v)) {
        f.err(
            format!("{path}.views"),
            "not supported: dbintel's self-telemetry instruments are fixed; drop or rename series in a pipeline instead",
        );
    }
    let address = map.get("address").filter(|v| !v.is_null());
    let readers = map.get("readers").filter(|v| !v.is_null());
    if let Some(r) = readers {
        let rp = format!("{path}.readers");
        match r {
            Value::Array(items) if items.len() > MAX_READERS => {
                f.err(rp, format!("at most {MAX_READERS} readers"))
            }
            Value::Array(items) => {
                m.readers.clear();
                for (i, item) in items.iter().enumerate() {
                    if let Some(reader) = metric_reader(item, &format!("{rp}[{i}]"), f) {
                        m.readers.push(reader);
                    }
                }
            }
            other => f.err(rp, format!("expected a list of readers, found {}", kind_of(other))),
        }
    }
    if let Some(a) = address {
        let p = format!("{path}.address");
        let advice = "deprecated in the Collector: write `readers: [{pull: {exporter: {prometheus: {host: ..., port: ...}}}}]`";
        match a.as_str().map(str::trim) {
            // The Collector's "no address": only the readers, if any.
            Some("") => {
                f.warn(&p, format!("{advice}; empty, so it adds no endpoint"));
                if readers.is_none() {
                    m.readers.clear();
                }
            }
            Some(s) => match normalize_address(s) {
                Ok(addr) => {
                    // As the Collector does: the address becomes one more pull reader.
                    if readers.is_none() {
                        m.readers.clear();
                    }
                    m.readers.push(MetricReader::Pull { address: addr, resource_constant_labels: None });
                    f.warn(&p, format!("{advice}; still served"));
                }
                Err(msg) => f.err(p, msg),
            },
            None => f.err(p, format!("expected `host:port`, found {}", kind_of(a))),
        }
    }
    let first = m.pull_addresses().next().map(str::to_string);
    if let Some(first) = first {
        m.address = first;
    }
    m
}

fn metric_reader(v: &Value, path: &str, f: &mut Findings) -> Option<MetricReader> {
    let map = f.map(v, path, &["pull", "periodic"])?;
    match (map.get("pull"), map.get("periodic")) {
        (Some(_), Some(_)) | (None, None) => {
            f.err(path, "a reader is either `pull` or `periodic`");
            None
        }
        (Some(pull), None) => pull_reader(pull, &format!("{path}.pull"), f),
        (None, Some(periodic)) => periodic_reader(periodic, &format!("{path}.periodic"), f),
    }
}

fn pull_reader(v: &Value, path: &str, f: &mut Findings) -> Option<MetricReader> {
    let map = f.map(v, path, &["exporter"])?;
    let ep = format!("{path}.exporter");
    let Some(exporter) = map.get("exporter").and_then(|e| f.map(e, &ep, &["prometheus"])) else {
        f.err(ep, "a pull reader needs `exporter: {prometheus: {host: ..., port: ...}}`");
        return None;
    };
    let pp = format!("{ep}.prometheus");
    let empty = Map::new();
    let prom = match exporter.get("prometheus") {
        None => {
            f.err(&pp, "a pull reader needs `exporter: {prometheus: {host: ..., port: ...}}`");
            return None;
        }
        Some(p) => f.map(p, &pp, &PROMETHEUS_KEYS).unwrap_or(&empty),
    };
    let host = f.word(prom, &pp, "host").filter(|h| !h.is_empty()).unwrap_or_else(|| "127.0.0.1".to_string());
    if !host
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '[' | ']' | ':' | '%'))
    {
        f.err(format!("{pp}.host"), "expected a host name or IP");
        return None;
    }
    let port = match prom.get("port").filter(|p| !p.is_null()) {
        None => 8888,
        Some(p) => match dbintel_core::config_value::from_value::<u16>(p) {
            Ok(p) => p,
            Err(_) => {
                f.err(format!("{pp}.port"), "expected a port, 0-65535");
                return None;
            }
        },
    };
    for key in ["without_scope_info", "without_type_suffix", "without_units"] {
        if let Some(b) = f.bool(prom, &pp, key)
            && !b
        {
            f.warn(
                format!("{pp}.{key}"),
                "accepted and ignored: dbintel's self-metrics carry no scope info and their names are fixed (no unit or type suffixes are added)",
            );
        }
    }
    let labels_path = format!("{pp}.with_resource_constant_labels");
    let resource_constant_labels = match prom.get("with_resource_constant_labels") {
        None | Some(Value::Null) => None,
        Some(v) => {
            let lists = f.map(v, &labels_path, &["included", "excluded"]);
            lists.map(|lists| {
                let mut list = |key: &str| -> Vec<String> {
                    match lists.get(key) {
                        None | Some(Value::Null) => Vec::new(),
                        Some(Value::Array(items)) if items.iter().all(Value::is_string) => {
                            items.iter().filter_map(Value::as_str).map(str::to_string).collect()
                        }
                        Some(_) => {
                            f.err(
                                format!("{labels_path}.{key}"),
                                "expected a list of resource attribute names",
                            );
                            Vec::new()
                        }
                    }
                };
                let included = list("included");
                let excluded = list("excluded");
                AttributeFilter { included, excluded }
            })
        }
    };
    let host = if host.contains(':') && !host.starts_with('[') { format!("[{host}]") } else { host };
    Some(MetricReader::Pull { address: format!("{host}:{port}"), resource_constant_labels })
}

fn periodic_reader(v: &Value, path: &str, f: &mut Findings) -> Option<MetricReader> {
    let map = f.map(v, path, &PERIODIC_KEYS)?;
    let interval = f.duration(map, path, "interval", true).unwrap_or(Duration::from_secs(60));
    let timeout = f.duration(map, path, "timeout", true).unwrap_or(Duration::from_secs(30));
    if interval < Duration::from_secs(1) || interval > Duration::from_secs(24 * 3600) {
        f.err(format!("{path}.interval"), "use 1s to 24h (1000 to 86400000 milliseconds)");
    }
    if timeout < Duration::from_millis(100) || timeout > Duration::from_secs(3600) {
        f.err(format!("{path}.timeout"), "use 100ms to 1h (100 to 3600000 milliseconds)");
    }
    for key in ["producers", "cardinality_limits"] {
        if map.get(key).is_some_and(|v| !is_empty(v)) {
            f.warn(
                format!("{path}.{key}"),
                "accepted and ignored: dbintel has one producer and bounded instruments",
            );
        }
    }
    let ep = format!("{path}.exporter");
    let Some(exporter) =
        map.get("exporter").and_then(|e| f.map(e, &ep, &["otlp", "otlp_http", "otlp_grpc", "console"]))
    else {
        f.err(ep, "a periodic reader needs `exporter: {otlp: {protocol: http/protobuf, endpoint: ...}}`");
        return None;
    };
    if exporter.contains_key("console") {
        f.err(format!("{ep}.console"), "not supported: read the self-metrics from a `pull` reader instead");
        return None;
    }
    let (key, default_protocol) =
        match (exporter.get("otlp"), exporter.get("otlp_http"), exporter.get("otlp_grpc")) {
            (Some(_), None, None) => ("otlp", None),
            (None, Some(_), None) => ("otlp_http", Some(OtlpProtocol::HttpProtobuf)),
            (None, None, Some(_)) => ("otlp_grpc", Some(OtlpProtocol::Grpc)),
            _ => {
                f.err(ep, "name exactly one exporter: `otlp`, `otlp_http` or `otlp_grpc`");
                return None;
            }
        };
    let op = format!("{ep}.{key}");
    let empty = Map::new();
    let otlp = exporter.get(key).and_then(|o| f.map(o, &op, &OTLP_KEYS)).unwrap_or(&empty);
    let protocol = match f.word(otlp, &op, "protocol") {
        None => default_protocol.unwrap_or(OtlpProtocol::HttpProtobuf),
        Some(p) => match p.to_ascii_lowercase().as_str() {
            "http/protobuf" => OtlpProtocol::HttpProtobuf,
            "http/json" => OtlpProtocol::HttpJson,
            "grpc" => OtlpProtocol::Grpc,
            _ => {
                f.err(
                    format!("{op}.protocol"),
                    format!("unknown value `{p}`, expected `http/protobuf`, `http/json` or `grpc`"),
                );
                return None;
            }
        },
    };
    let protocol = match (protocol, f.word(otlp, &op, "encoding").as_deref()) {
        (OtlpProtocol::HttpProtobuf | OtlpProtocol::HttpJson, Some("json")) => OtlpProtocol::HttpJson,
        (OtlpProtocol::HttpProtobuf | OtlpProtocol::HttpJson, Some("protobuf")) => OtlpProtocol::HttpProtobuf,
        (p, None) => p,
        (_, Some(e)) => {
            f.err(
                format!("{op}.encoding"),
                format!("unknown value `{e}` for this protocol, expected `protobuf` or `json` (HTTP only)"),
            );
            return None;
        }
    };
    let Some(endpoint) = f.word(otlp, &op, "endpoint").filter(|e| !e.is_empty()) else {
        f.err(
            format!("{op}.endpoint"),
            "is required (e.g. `https://otlp.nr-data.net` or `http://localhost:4318`)",
        );
        return None;
    };
    let mut headers: BTreeMap<String, String> = BTreeMap::new();
    match otlp.get("headers").filter(|v| !v.is_null()) {
        None => {}
        // otelconf's form: a list of {name, value}.
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let hp = format!("{op}.headers[{i}]");
                let Some(h) = f.map(item, &hp, &["name", "value"]) else { continue };
                match (f.word(h, &hp, "name"), h.get("value")) {
                    (Some(n), Some(Value::String(v))) if !n.is_empty() => {
                        headers.insert(n, v.clone());
                    }
                    _ => f.err(hp, "expected `{name: ..., value: ...}` with string values"),
                }
            }
        }
        // The Collector's older form: a map of names to values.
        Some(Value::Object(m)) => {
            for (k, v) in m {
                match v {
                    Value::String(s) => {
                        headers.insert(k.clone(), s.clone());
                    }
                    other => f.err(
                        format!("{op}.headers.{k}"),
                        format!("expected a string, found {}", kind_of(other)),
                    ),
                }
            }
        }
        Some(other) => f.err(
            format!("{op}.headers"),
            format!("expected a list of `{{name, value}}` or a map, found {}", kind_of(other)),
        ),
    }
    if let Some(list) = f.word(otlp, &op, "headers_list") {
        for pair in list.split(',').filter(|p| !p.trim().is_empty()) {
            match pair.split_once('=') {
                Some((k, v)) if !k.trim().is_empty() => {
                    headers.entry(k.trim().to_string()).or_insert_with(|| v.trim().to_string());
                }
                _ => f.err(format!("{op}.headers_list"), "expected `name=value` pairs separated by commas"),
            }
        }
    }
    let compression = match f.word(otlp, &op, "compression").map(|c| c.to_ascii_lowercase()) {
        None => "none".to_string(),
        Some(c) if matches!(c.as_str(), "gzip" | "none" | "zstd") => c,
        Some(c) => {
            f.err(format!("{op}.compression"), format!("unknown value `{c}`, expected `gzip` or `none`"));
            return None;
        }
    };
    let export_timeout = f.duration(otlp, &op, "timeout", true).unwrap_or(Duration::from_secs(10));
    let insecure = f.bool(otlp, &op, "insecure").unwrap_or(false);
    let delta = match f.word(otlp, &op, "temporality_preference").map(|t| t.to_ascii_lowercase()) {
        None => false,
        Some(t) if t == "cumulative" => false,
        Some(t) if t == "delta" || t == "lowmemory" || t == "low_memory" => true,
        Some(t) => {
            f.err(
                format!("{op}.temporality_preference"),
                format!("unknown value `{t}`, expected `cumulative`, `delta` or `lowmemory`"),
            );
            return None;
        }
    };
    if let Some(h) = f.word(otlp, &op, "default_histogram_aggregation")
        && h != "explicit_bucket_histogram"
    {
        f.err(
            format!("{op}.default_histogram_aggregation"),
            format!("`{h}` is not supported: dbintel's self-metrics histograms have explicit buckets (`explicit_bucket_histogram`)"),
        );
    }
    let mut tls = Map::new();
    for (from, to) in
        [("certificate", "ca_file"), ("client_certificate", "cert_file"), ("client_key", "key_file")]
    {
        if let Some(p) = f.word(otlp, &op, from) {
            tls.insert(to.into(), Value::String(p));
        }
    }
    // The section of the exporter that pushes: `otlp` (gRPC) or `otlphttp`, validated by its factory.
    let mut section = Map::new();
    let timeout_text = Value::String(format!("{}ms", export_timeout.as_millis().max(1)));
    let exporter_type = match protocol {
        OtlpProtocol::Grpc => {
            section.insert("endpoint".into(), Value::String(endpoint.clone()));
            if insecure {
                tls.insert("insecure".into(), Value::Bool(true));
            }
            "otlp"
        }
        OtlpProtocol::HttpProtobuf | OtlpProtocol::HttpJson => {
            // `endpoint` only satisfies the exporter's check; `metrics_endpoint` is the URL used.
            section.insert("endpoint".into(), Value::String(endpoint.clone()));
            section.insert("metrics_endpoint".into(), Value::String(metrics_url(&endpoint)));
            let encoding = if protocol == OtlpProtocol::HttpJson { "json" } else { "proto" };
            section.insert("encoding".into(), Value::String(encoding.into()));
            "otlphttp"
        }
    };
    section.insert(
        "headers".into(),
        Value::Object(headers.into_iter().map(|(k, v)| (k, Value::String(v))).collect()),
    );
    section.insert("compression".into(), Value::String(compression));
    section.insert("timeout".into(), timeout_text);
    if delta {
        section.insert("temporality_preference".into(), Value::String("delta".into()));
    }
    if !tls.is_empty() {
        section.insert("tls".into(), Value::Object(tls));
    }
    Some(MetricReader::Periodic(PeriodicReader {
        interval,
        timeout,
        protocol,
        exporter_type,
        exporter_config: Value::Object(section),
        path: op,
    }))
}

/// otelconf's HTTP endpoint: the URL as given when it has a path, else with `/v1/metrics` appended.
fn metrics_url(endpoint: &str) -> String {
    let e = endpoint.trim();
    let after_scheme = e.find("://").map_or(0, |i| i + 3);
    match e[after_scheme..].find('/') {
        Some(i) if !e[after_scheme + i..].trim_end_matches('/').is_empty() => e.to_string(),
        _ => format!("{}/v1/metrics", e.trim_end_matches('/')),
    }
}

fn resource(v: &Value, f: &mut Findings) -> Vec<(String, Option<String>)> {
    let path = "service.telemetry.resource";
    let mut out = Vec::new();
    match v {
        Value::Null => {}
        Value::Object(m) => {
            for (k, v) in m {
                match v {
                    Value::Null => out.push((k.clone(), None)),
                    Value::String(s) => out.push((k.clone(), Some(s.clone()))),
                    Value::Number(_) | Value::Bool(_) => out.push((k.clone(), Some(v.to_string()))),
                    other => f.err(
                        format!("{path}.{k}"),
                        format!(
                            "expected a string (or null to remove the attribute), found {}",
                            kind_of(other)
                        ),
                    ),
                }
            }
        }
        other => {
            f.err(path, format!("expected a map of attribute names to values, found {}", kind_of(other)))
        }
    }
    out
}

fn traces(v: &Value, f: &mut Findings) {
    let path = "service.telemetry.traces";
    let Some(map) = f.map(v, path, &TRACES_KEYS) else { return };
    let off = map.get("level").and_then(Value::as_str).is_some_and(|l| l.trim().eq_ignore_ascii_case("none"));
    if !off && !map.is_empty() {
        f.warn(
            path,
            "accepted and ignored: dbintel produces no traces of its own, so nothing would be exported",
        );
    }
}

/// Accepts `host:port`, `[v6]:port` and the collector's older `:port` (all interfaces).
pub(crate) fn normalize_address(s: &str) -> Result<String, String> {
    let s = s.trim();
    // `@` is never part of host:port: hide everything before the last one, whatever a password holds.
    let from = s.find("://").map_or(0, |i| i + 3);
    let shown = match s[from..].rfind('@') {
        Some(at) => format!("{}{}{}", &s[..from], dbintel_core::redact::MASK, &s[from + at..]),
        None => s.to_string(),
    };
    let Some((host, port)) = s.rsplit_once(':') else {
        return Err(format!("`{shown}` is not `host:port`"));
    };
    if host.contains(['/', '@']) {
        return Err(format!("`{shown}` is not `host:port` (no scheme, path or user info)"));
    }
    if port.parse::<u16>().is_err() {
        return Err(format!("`{shown}` has an invalid port: use 0-65535"));
    }
    if !host
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '[' | ']' | ':' | '%'))
    {
        return Err(format!(
            "`{s}` is not `host:port`: the host has characters a host name or IP cannot have"
        ));
    }
    let host = if host.is_empty() { "0.0.0.0" } else { host };
    Ok(format!("{host}:{port}"))
}

/// `; expected one of a, b, c` plus a suggestion when one is close.
fn expected(got: &str, allowed: &[&str]) -> String {
    match did_you_mean(got, allowed.iter().copied()) {
        Some(s) => format!("; did you mean `{s}`?"),
        None => format!("; expected one of: {}", allowed.join(", ")),
    }
}
