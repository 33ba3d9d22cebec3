//! The OpenTelemetry Collector's own component test configs (`<component>/testdata/*.yaml` in
//! opentelemetry-collector and opentelemetry-collector-contrib), for the components dbintel has.
//!
//! Their files are not copied here. Two tests:
//! - `equivalents_of_the_collectors_testdata_validate`: configs written for this test that use the
//!   same components and keys as those files (our own values and names), each run through
//!   `dbintel validate`; the entries the Collector itself refuses are refused here too, and the keys
//!   dbintel refuses on purpose (`auth` without authenticator extensions) are refused with the way
//!   out.
//! - `the_collectors_own_testdata_files` (ignored): runs every file under
//!   `$DBINTEL_COLLECTOR_TESTDATA` (filled by `tests/collector-testdata.sh` from local clones of the
//!   two repositories) and prints how many entries validate, and why the others do not.

mod support;

use std::path::Path;

use support::dbintel;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Receiver,
    Processor,
    Exporter,
    Extension,
}

/// The pipeline signal a component is tried in.
fn signal(kind: Kind, type_name: &str) -> &'static str {
    match (kind, type_name) {
        (Kind::Receiver, _) | (Kind::Exporter, "prometheus") => "metrics",
        (Kind::Processor, "probabilistic_sampler" | "attributes") => "traces",
        _ => "metrics",
    }
}

/// A whole config around one component section (`id:` and its indented lines).
fn wrap(kind: Kind, id: &str, section: &str) -> String {
    let type_name = id.split('/').next().unwrap_or(id);
    let indented: String = section.lines().map(|l| format!("  {l}\n")).collect();
    let mut out = String::new();
    let (receiver, processor, exporter) = match kind {
        Kind::Receiver => (id, None, "debug"),
        Kind::Processor => ("otlp", Some(id), "debug"),
        Kind::Exporter => ("otlp", None, id),
        Kind::Extension => ("otlp", None, "debug"),
    };
    out.push_str("receivers:\n");
    if kind == Kind::Receiver {
        out.push_str(&indented);
    } else {
        out.push_str("  otlp:\n    protocols: {grpc: {endpoint: 'localhost:4317'}}\n");
    }
    if kind == Kind::Processor {
        out.push_str("processors:\n");
        out.push_str(&indented);
    }
    out.push_str("exporters:\n");
    if kind == Kind::Exporter {
        out.push_str(&indented);
    } else {
        out.push_str("  debug: {}\n");
    }
    if kind == Kind::Extension {
        out.push_str("extensions:\n");
        out.push_str(&indented);
    }
    out.push_str("service:\n");
    if kind == Kind::Extension {
        out.push_str(&format!("  extensions: [{id}]\n"));
    }
    let processors = processor.map(|p| format!(", processors: [{p}]")).unwrap_or_default();
    out.push_str(&format!(
        "  pipelines:\n    {}: {{receivers: [{receiver}]{processors}, exporters: [{exporter}]}}\n",
        signal(kind, type_name)
    ));
    out
}

/// `dbintel validate` on a config: `Ok(warnings)` or `Err(problems)`.
fn validate(dir: &Path, name: &str, config: &str) -> Result<String, String> {
    let path = dir.join(format!("{}.yaml", name.replace('/', "_")));
    std::fs::write(&path, config).expect("write");
    let out = dbintel(&["validate", "--config", &path.display().to_string()]);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    if out.status.success() { Ok(text) } else { Err(text) }
}

/// The sections of a testdata file: `id:` lines at the top level and what is indented below them.
/// A file whose top-level keys are not IDs of `type_name` is one section, of the type itself.
fn sections(type_name: &str, text: &str) -> Vec<(String, String)> {
    // A whole Collector config: the sections of its `receivers:`/`processors:`/... block.
    let block = ["receivers:", "processors:", "exporters:", "extensions:"];
    if let Some(start) = text.lines().position(|l| block.contains(&l.trim_end())) {
        let inner: Vec<&str> = text
            .lines()
            .skip(start + 1)
            .take_while(|l| l.starts_with([' ', '\t']) || l.trim().is_empty() || l.starts_with('#'))
            .collect();
        let indent = inner
            .iter()
            .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .map(|l| l.len() - l.trim_start().len())
            .min()
            .unwrap_or(0);
        let dedented: String =
            inner.iter().map(|l| format!("{}\n", l.get(indent..).unwrap_or_default())).collect();
        return sections(type_name, &dedented);
    }
    let is_id = |line: &str| {
        let key = line.trim_end().strip_suffix(':').or_else(|| line.split_once(": ").map(|(k, _)| k));
        key.is_some_and(|k| k == type_name || k.strip_prefix(type_name).is_some_and(|r| r.starts_with('/')))
    };
    let top: Vec<&str> =
        text.lines().filter(|l| !l.starts_with([' ', '\t', '#', '-']) && !l.trim().is_empty()).collect();
    if top.is_empty() || !top.iter().all(|l| is_id(l)) {
        let body: String = text.lines().map(|l| format!("  {l}\n")).collect();
        return vec![(type_name.to_string(), format!("{type_name}:\n{body}"))];
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if !line.starts_with([' ', '\t', '#']) && is_id(line) {
            let id = line.split(':').next().unwrap_or_default().trim().to_string();
            out.push((id, format!("{line}\n")));
        } else if let Some((_, s)) = out.last_mut() {
            s.push_str(line);
            s.push('\n');
        }
    }
    out
}

/// What an entry must give.
enum Want {
    Valid,
    /// Refused, with a message containing this.
    Refused(&'static str),
}

struct Case {
    kind: Kind,
    /// The Collector's testdata file whose keys the entry covers.
    upstream: &'static str,
    section: &'static str,
    want: Want,
}

/// Configs in our own words that use the same components and keys as the Collector's testdata.
fn cases() -> Vec<Case> {
    use Kind::*;
    use Want::*;
    vec![
        Case {
            kind: Extension,
            upstream: "collector: extension/zpagesextension/testdata/config.yaml",
            section: "zpages/debug:\n  endpoint: 'localhost:55700'\n  transport: tcp\n",
            want: Valid,
        },
        Case {
            kind: Extension,
            upstream: "contrib: extension/healthcheckextension/testdata/config.yaml",
            section: "health_check/probe:\n  endpoint: 'localhost:13140'\n  path: /ready\n  tls: {ca_file: /etc/ssl/ca.pem, cert_file: /etc/ssl/hc.pem, key_file: /etc/ssl/hc.key}\n  check_collector_pipeline: {enabled: false, interval: 1m, exporter_failure_threshold: 3}\n  response_body: {healthy: fine, unhealthy: sick}\n",
            want: Valid,
        },
        Case {
            kind: Extension,
            upstream: "contrib: extension/healthcheckextension/testdata/config.yaml (invalid path)",
            section: "health_check/nopath:\n  path: ready\n",
            want: Refused("must start with `/`"),
        },
        Case {
            kind: Extension,
            upstream: "collector: config/confighttp ServerConfig keys on an HTTP extension",
            section: "health_check/server:\n  endpoint: 'localhost:13141'\n  read_timeout: 10s\n  read_header_timeout: 2s\n  write_timeout: 5s\n  idle_timeout: 30s\n  keep_alives_enabled: false\n  compression_algorithms: ['', gzip]\n  max_request_body_size: 65536\n  include_metadata: true\n  cors: {allowed_origins: ['https://*.example.org'], max_age: 600}\n  response_headers: {X-Served-By: dbintel}\n",
            want: Valid,
        },
        Case {
            kind: Extension,
            upstream: "collector: config/confighttp ServerConfig `auth`",
            section: "zpages/auth:\n  auth: {authenticator: bearertokenauth}\n",
            want: Refused("client_ca_file"),
        },
        Case {
            kind: Extension,
            upstream: "contrib: extension/pprofextension/testdata/config.yaml",
            section: "pprof/cpu:\n  endpoint: 'localhost:1780'\n  block_profile_fraction: 2\n  mutex_profile_fraction: 7\n",
            want: Valid,
        },
        Case {
            kind: Extension,
            upstream: "contrib: extension/storage/filestorage/testdata/config.yaml",
            section: "file_storage/queue:\n  directory: /tmp\n  timeout: 2s\n  compaction: {on_start: true, directory: /tmp, max_transaction_size: 1024}\n  fsync: true\n",
            want: Valid,
        },
        Case {
            kind: Processor,
            upstream: "collector: processor/batchprocessor/testdata/config.yaml",
            section: "batch/large:\n  timeout: 3s\n  send_batch_size: 5000\n  send_batch_max_size: 6000\n",
            want: Valid,
        },
        Case {
            kind: Processor,
            upstream: "contrib: processor/transformprocessor/testdata/config.yaml (every signal, groups)",
            section: "transform/all:\n  trace_statements:\n    - context: span\n      statements:\n        - set(name, \"renamed\") where attributes[\"db.system\"] == \"postgresql\"\n        - keep_keys(attributes, [\"db.system\", \"db.namespace\"])\n    - context: resource\n      statements: ['set(attributes[\"team\"], \"dba\")']\n  metric_statements:\n    - context: datapoint\n      statements: ['set(metric.name, \"renamed\") where attributes[\"db\"] == \"orders\"']\n  log_statements:\n    - context: log\n      conditions: ['attributes[\"db\"] == \"orders\"']\n      statements: ['set(body, \"redacted\")']\n",
            want: Valid,
        },
        Case {
            kind: Processor,
            upstream: "contrib: processor/transformprocessor/testdata/config.yaml (flat and inferred forms, per-group error_mode)",
            section: "transform/flat:\n  error_mode: ignore\n  trace_statements:\n    - set(span.name, \"x\") where span.attributes[\"k\"] == \"v\"\n    - set(resource.attributes[\"k\"], \"v\")\n    - error_mode: propagate\n      statements: ['set(spanevent.name, \"e\")']\n  metric_statements:\n    - statements: ['set(resource.attributes[\"k\"], \"v\")']\n      error_mode: silent\n",
            want: Valid,
        },
        Case {
            kind: Processor,
            upstream: "contrib: processor/transformprocessor/testdata/config.yaml (unknown context)",
            section: "transform/badctx:\n  trace_statements:\n    - context: sideways\n      statements: ['set(name, \"x\")']\n",
            want: Refused("context"),
        },
        Case {
            kind: Processor,
            upstream: "contrib: processor/filterprocessor/testdata/config_ottl.yaml",
            section: "filter/ottl:\n  error_mode: ignore\n  traces:\n    span: ['attributes[\"drop\"] == true']\n    spanevent: ['name == \"noise\"']\n  metrics:\n    metric: ['name == \"x\"']\n    datapoint: ['attributes[\"y\"] == \"z\"']\n  logs:\n    log_record: ['severity_number < SEVERITY_NUMBER_WARN']\n",
            want: Valid,
        },
        Case {
            kind: Processor,
            upstream: "contrib: processor/attributesprocessor/testdata/config.yaml",
            section: "attributes/mix:\n  actions:\n    - {key: env, value: prod, action: insert}\n    - {key: user.id, action: hash}\n    - {key: password, action: delete}\n    - {key: http.url, pattern: '^(?P<scheme>\\w+)://', action: extract}\n    - {key: count, converted_type: int, action: convert}\n  include:\n    match_type: regexp\n    services: ['db-.*']\n",
            want: Valid,
        },
        Case {
            kind: Processor,
            upstream: "contrib: processor/resourceprocessor/testdata/config.yaml",
            section: "resource/env:\n  attributes:\n    - {key: cloud.availability_zone, value: zone-1, action: upsert}\n    - {key: k8s.cluster.name, from_attribute: k8s-cluster, action: insert}\n    - {key: redundant, action: delete}\n",
            want: Valid,
        },
        Case {
            kind: Processor,
            upstream: "contrib: processor/probabilisticsamplerprocessor/testdata/config.yaml",
            section: "probabilistic_sampler/half:\n  sampling_percentage: 50\n  mode: proportional\n  fail_closed: true\n",
            want: Valid,
        },
        Case {
            kind: Processor,
            upstream: "contrib: processor/probabilisticsamplerprocessor/testdata/config.yaml (hash_seed)",
            section: "probabilistic_sampler/seeded:\n  sampling_percentage: 12.5\n  hash_seed: 7\n",
            want: Valid,
        },
        Case {
            kind: Processor,
            upstream: "contrib: processor/probabilisticsamplerprocessor/testdata/invalid_negative.yaml",
            section: "probabilistic_sampler/neg:\n  sampling_percentage: -10\n",
            want: Refused("sampling_percentage"),
        },
        Case {
            kind: Exporter,
            upstream: "collector: exporter/otlpexporter/testdata/config.yaml (auth without authenticator extensions)",
            section: "otlp/full:\n  endpoint: 'collector.example.org:4317'\n  compression: zstd\n  tls: {ca_file: /etc/ssl/ca.pem}\n  timeout: 5s\n  sending_queue:\n    enabled: true\n    sizer: items\n    num_consumers: 4\n    queue_size: 5000\n    batch: {flush_timeout: 100ms, min_size: 100, max_size: 1000}\n  retry_on_failure: {enabled: true, initial_interval: 1s, randomization_factor: 0.5, multiplier: 2, max_interval: 30s, max_elapsed_time: 5m}\n  headers: {x-scope: dbintel}\n  keepalive: {time: 15s, timeout: 10s, permit_without_stream: true}\n  balancer_name: pick_first\n",
            want: Valid,
        },
        Case {
            kind: Exporter,
            upstream: "collector: exporter/otlpexporter/testdata/default-batch.yaml",
            section: "otlp/batched:\n  endpoint: 'collector.example.org:4317'\n  sending_queue:\n    batch:\n",
            want: Valid,
        },
        Case {
            kind: Exporter,
            upstream: "collector: exporter/otlphttpexporter/testdata/config.yaml",
            section: "otlphttp/full:\n  endpoint: 'https://collector.example.org:4318'\n  tls: {ca_file: /etc/ssl/ca.pem, cert_file: /etc/ssl/c.pem, key_file: /etc/ssl/c.key, insecure: true}\n  timeout: 5s\n  read_buffer_size: 4096\n  write_buffer_size: 4096\n  sending_queue: {enabled: true, num_consumers: 2, queue_size: 50}\n  retry_on_failure: {enabled: true, max_elapsed_time: 2m}\n  headers: {x-scope: dbintel}\n  compression: gzip\n  profiles_endpoint: 'https://collector.example.org:4318/v1development/profiles'\n",
            want: Valid,
        },
        Case {
            kind: Exporter,
            upstream: "collector: exporter/debugexporter/testdata/config_verbosity.yaml and config_output_paths.yaml",
            section: "debug/verbose:\n  verbosity: detailed\n  sampling_initial: 5\n  sampling_thereafter: 20\n  use_internal_logger: false\n  output_paths: [stderr]\n",
            want: Valid,
        },
        Case {
            kind: Exporter,
            upstream: "collector: exporter/debugexporter/testdata/config_verbosity_typo.yaml",
            section: "debug/typo:\n  verbosity: detailedd\n",
            want: Refused("verbosity"),
        },
        Case {
            kind: Exporter,
            upstream: "contrib: exporter/fileexporter/testdata/config.yaml",
            section: "file/proto:\n  path: /tmp/dbintel-out.binpb\n  rotation: {max_megabytes: 5, max_days: 2, max_backups: 4, localtime: true}\n  format: proto\n  compression: zstd\n  flush_interval: 2s\n",
            want: Valid,
        },
        Case {
            kind: Exporter,
            upstream: "contrib: exporter/fileexporter/testdata/config.yaml (format error)",
            section: "file/text:\n  path: /tmp/dbintel-out.log\n  format: text\n",
            want: Refused("format"),
        },
        Case {
            kind: Exporter,
            upstream: "contrib: exporter/prometheusexporter/testdata/config.yaml",
            section: "prometheus/scrape:\n  endpoint: 'localhost:9470'\n  namespace: dbintel\n  const_labels: {site: lab, zone: spaced value}\n  send_timestamps: true\n  metric_expiration: 30m\n  add_metric_suffixes: false\n",
            want: Valid,
        },
        Case {
            kind: Exporter,
            upstream: "contrib: exporter/prometheusexporter/testdata/config.yaml (a label name with a space)",
            section: "prometheus/spaced:\n  const_labels: {\"spaced label\": x}\n",
            want: Refused("not a valid Prometheus label name"),
        },
        Case {
            kind: Receiver,
            upstream: "collector: receiver/otlpreceiver/testdata/config.yaml (grpc keys)",
            section: "otlp/grpc:\n  protocols:\n    grpc:\n      endpoint: 'localhost:4320'\n      max_recv_msg_size_mib: 16\n      max_concurrent_streams: 8\n      read_buffer_size: 2048\n      write_buffer_size: 2048\n      keepalive:\n        server_parameters: {max_connection_idle: 10s, max_connection_age: 20s, max_connection_age_grace: 5s, time: 30s, timeout: 5s}\n        enforcement_policy: {min_time: 10s, permit_without_stream: true}\n    http:\n      endpoint: 'localhost:4321'\n      cors: {allowed_origins: ['https://*.example.org'], max_age: 600}\n      traces_url_path: /t\n      metrics_url_path: /v2/metrics\n      logs_url_path: /l\n",
            want: Valid,
        },
    ]
}

#[test]
fn equivalents_of_the_collectors_testdata_validate() {
    let dir = tempfile::tempdir().unwrap();
    let cases = cases();
    let mut wrong = Vec::new();
    for c in &cases {
        let id = c.section.split(':').next().unwrap_or_default();
        let config = wrap(c.kind, id, c.section);
        match (validate(dir.path(), id, &config), &c.want) {
            (Ok(_), Want::Valid) => {}
            (Err(e), Want::Refused(needle)) if e.contains(needle) => {}
            (got, _) => wrong.push(format!("{id} ({}):\n{config}\n=> {got:?}", c.upstream)),
        }
    }
    assert!(wrong.is_empty(), "{} of {} cases differ:\n{}", wrong.len(), cases.len(), wrong.join("\n\n"));
}

/// `<kind>__<type>__<file>.yaml` under `$DBINTEL_COLLECTOR_TESTDATA`: every section validated alone.
#[test]
#[ignore = "needs $DBINTEL_COLLECTOR_TESTDATA (tests/collector-testdata.sh)"]
fn the_collectors_own_testdata_files() {
    let root = std::env::var("DBINTEL_COLLECTOR_TESTDATA").expect("DBINTEL_COLLECTOR_TESTDATA");
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<_> =
        std::fs::read_dir(&root).unwrap().filter_map(|e| e.ok()).map(|e| e.path()).collect();
    files.sort();
    let (mut total, mut valid) = (0, 0);
    for f in files {
        let name = f.file_name().unwrap_or_default().to_string_lossy().to_string();
        let parts: Vec<&str> = name.splitn(3, "__").collect();
        let [kind, type_name, _] = parts[..] else { continue };
        let kind = match kind {
            "receiver" => Kind::Receiver,
            "processor" => Kind::Processor,
            "exporter" => Kind::Exporter,
            "extension" => Kind::Extension,
            _ => continue,
        };
        let text = std::fs::read_to_string(&f).unwrap();
        for (id, section) in sections(type_name, &text) {
            total += 1;
            let config = wrap(kind, &id, &section);
            match validate(dir.path(), &id, &config) {
                Ok(_) => {
                    valid += 1;
                    println!("ok      {name} {id}");
                }
                Err(e) => {
                    let why: Vec<&str> = e.lines().filter(|l| !l.trim().is_empty()).take(4).collect();
                    println!("refused {name} {id}: {}", why.join(" | "));
                }
            }
        }
    }
    println!("{valid}/{total} sections of the Collector's testdata validate");
}

#[test]
fn sections_split_ids_and_whole_files() {
    let s = sections("file", "file:\nfile/2:\n  path: x\n  rotation:\n    max_days: 1\n");
    assert_eq!(s.len(), 2);
    assert_eq!(s[1], ("file/2".into(), "file/2:\n  path: x\n  rotation:\n    max_days: 1\n".into()));
    let s = sections("batch", "processors:\n  batch/x:\n    timeout: 1s\nexporters:\n  nop:\n");
    assert_eq!(s, vec![("batch/x".into(), "batch/x:\n  timeout: 1s\n".into())]);
    let s = sections("batch", "timeout: 1s\nsend_batch_size: 5\n");
    assert_eq!(s, vec![("batch".into(), "batch:\n  timeout: 1s\n  send_batch_size: 5\n".into())]);
}
