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
            upstream: "contrib: exporter/prometheusexporter/testdata/config.yaml `prometheus/2` (tls, a label name with a space)",
            section: "prometheus/2:\n  endpoint: '1.2.3.4:1234'\n  tls: {ca_file: certs/ca.crt, key_file: certs/server.key, cert_file: certs/server.crt}\n  namespace: test-space\n  const_labels: {label1: value1, \"another label\": spaced value}\n",
            want: Valid,
        },
        Case {
            kind: Exporter,
            upstream: "contrib: exporter/prometheusexporter/README.md (resource_constant_labels)",
            section: "prometheus/rcl:\n  resource_constant_labels: {included: ['service*', 'k8s.pod.*'], excluded: [service.instance.id]}\n",
            want: Valid,
        },
        Case {
            kind: Exporter,
            upstream: "dbintel: a const label in the reserved `__` namespace",
            section: "prometheus/reserved:\n  const_labels: {__name__: x}\n",
            want: Refused("reserved"),
        },
        Case {
            kind: Exporter,
            upstream: "collector: exporter/otlphttpexporter/testdata/config.yaml (a header name Go cannot send)",
            section: "otlphttp/headers:\n  endpoint: 'https://1.2.3.4:1234'\n  headers: {\"can you have a . here?\": F0000000-0000-0000-0000-000000000000, header1: '234'}\n",
            want: Valid,
        },
        Case {
            kind: Exporter,
            upstream: "collector: exporter/otlpexporter/testdata/config.yaml (auth)",
            section: "otlp/auth:\n  endpoint: '1.2.3.4:1234'\n  auth: {authenticator: nop}\n",
            want: Refused("authenticator extension `nop`"),
        },
        Case {
            kind: Exporter,
            upstream: "collector: exporter/otlpexporter/testdata/invalid_configs.yaml `invalid_unix_socket`",
            section: "otlp/nosock:\n  endpoint: 'unix://'\n",
            want: Refused("socket path"),
        },
        Case {
            kind: Exporter,
            upstream: "collector: exporter/exporterhelper/internal/queuebatch/testdata/batch_disabled_explicit_sizer.yaml",
            section: "otlp/nobatch:\n  endpoint: 'localhost:4317'\n  sending_queue: {enabled: true, sizer: requests, batch: {enabled: false}}\n",
            want: Valid,
        },
        Case {
            kind: Exporter,
            upstream: "collector: internal/e2e/testdata/exporter_failure_attributes_test.yaml (otlp_http, short retries)",
            section: "otlp_http/test:\n  endpoint: 'http://127.0.0.1:4318'\n  timeout: 100ms\n  retry_on_failure: {enabled: true, initial_interval: 10ms, max_interval: 50ms, max_elapsed_time: 200ms}\n  sending_queue: {enabled: false}\n",
            want: Valid,
        },
        Case {
            kind: Receiver,
            upstream: "collector: receiver/otlpreceiver/testdata/config.yaml (grpc keys)",
            section: "otlp/grpc:\n  protocols:\n    grpc:\n      endpoint: 'localhost:4320'\n      max_recv_msg_size_mib: 16\n      max_concurrent_streams: 8\n      read_buffer_size: 2048\n      write_buffer_size: 2048\n      keepalive:\n        server_parameters: {max_connection_idle: 10s, max_connection_age: 20s, max_connection_age_grace: 5s, time: 30s, timeout: 5s}\n        enforcement_policy: {min_time: 10s, permit_without_stream: true}\n    http:\n      endpoint: 'localhost:4321'\n      cors: {allowed_origins: ['https://*.example.org'], max_age: 600}\n      traces_url_path: /t\n      metrics_url_path: /v2/metrics\n      logs_url_path: /l\n",
            want: Valid,
        },
        Case {
            kind: Receiver,
            upstream: "collector: receiver/otlpreceiver/testdata/uds.yaml",
            section: "otlp/uds:\n  protocols:\n    grpc: {transport: unix, endpoint: /tmp/grpc_otlp.sock}\n    http: {transport: unix, endpoint: /tmp/http_otlp.sock}\n",
            want: Valid,
        },
        Case {
            kind: Receiver,
            upstream: "collector: receiver/otlpreceiver/testdata/invalid_logs_path.yaml",
            section: "otlp/badpath:\n  protocols:\n    http: {logs_url_path: ':invalid'}\n",
            want: Refused("is not a URL path"),
        },
        Case {
            kind: Receiver,
            upstream: "collector: receiver/otlpreceiver/testdata/config.yaml (profiles_url_path)",
            section: "otlp/profiles:\n  protocols:\n    http: {profiles_url_path: /v1development/profiles}\n",
            want: Valid,
        },
        Case {
            kind: Receiver,
            upstream: "contrib: receiver/postgresqlreceiver/README.md (query_sample_collection/top_query_collection `enabled`)",
            section: "postgresql/readme:\n  endpoint: 'localhost:5432'\n  username: otel\n  password: x\n  databases: [otel]\n  tls: {insecure: false, insecure_skip_verify: false, ca_file: /home/otel/authorities.crt}\n  query_sample_collection: {enabled: false}\n  top_query_collection: {enabled: true, top_n_query: 1234}\n",
            want: Valid,
        },
        Case {
            kind: Receiver,
            upstream: "contrib: receiver/mysqlreceiver/testdata/config.yaml `mysql/default_tls`",
            section: "mysql/default_tls:\n  endpoint: 'localhost:3306'\n  username: otel\n  password: x\n  database: otel\n  tls: {server_name_override: localhost}\n",
            want: Valid,
        },
        Case {
            kind: Receiver,
            upstream: "contrib: receiver/sqlqueryreceiver/testdata/config-datasource-config.yaml",
            section: "sqlquery/structured:\n  driver: postgres\n  host: localhost\n  port: 5432\n  database: mydb\n  username: me\n  password: s3cr3t\n  queries:\n    - sql: select count(*) as count, type from mytable group by type\n      metrics:\n        - {metric_name: val.count, value_column: count, attribute_columns: [type], data_type: sum, value_type: int, monotonic: false, aggregation: cumulative, static_attributes: {foo: bar}}\n",
            want: Valid,
        },
        Case {
            kind: Receiver,
            upstream: "contrib: receiver/sqlqueryreceiver/testdata/config.yaml (`driver: mydriver`)",
            section: "sqlquery/mydriver:\n  driver: mydriver\n  datasource: 'host=localhost port=5432 user=me password=s3cr3t sslmode=disable'\n  queries:\n    - sql: select 1 as n\n      metrics: [{metric_name: n, value_column: n}]\n",
            want: Refused("unknown driver `mydriver`"),
        },
        Case {
            kind: Processor,
            upstream: "contrib: processor/resourceprocessor/testdata/config.yaml `resource/with_defaults`",
            section: "resource/with_defaults:\n  attributes:\n    - {key: deployment.environment, value: '', default_value: development, action: upsert}\n    - {key: service.namespace, from_attribute: namespace, default_value: default, action: insert}\n    - {key: cloud.region, from_context: metadata.region, default_value: us-east-1, action: upsert}\n",
            want: Valid,
        },
        Case {
            kind: Processor,
            upstream: "contrib: processor/attributesprocessor/testdata/config.yaml `attributes/from_context`",
            section: "attributes/from_context:\n  actions:\n    - {key: origin, from_context: metadata.origin, action: insert}\n    - {key: enduser.id, from_context: auth.subject, action: insert}\n",
            want: Valid,
        },
        Case {
            kind: Processor,
            upstream: "contrib: processor/filterprocessor/testdata/config_strict.yaml `filter/empty`",
            section: "filter/empty:\n  metrics:\n    include: {match_type: strict}\n",
            want: Valid,
        },
        Case {
            kind: Processor,
            upstream: "contrib: processor/filterprocessor/testdata/config_traces.yaml `filter/spans`",
            section: "filter/spans:\n  spans:\n    include: {match_type: strict, services: [test, test2], attributes: [{key: should_include, value: '(true|probably_true)'}]}\n    exclude: {match_type: regexp, attributes: [{key: should_exclude, value: '(probably_false|false)'}]}\n",
            want: Valid,
        },
        Case {
            kind: Processor,
            upstream: "contrib: processor/filterprocessor/testdata/config_ottl.yaml `filter/spans_mix_config`",
            section: "filter/spans_mix:\n  spans:\n    include: {match_type: strict, services: [test]}\n  traces:\n    span: ['attributes[\"test\"] == \"pass\"']\n",
            want: Refused("not both"),
        },
        Case {
            kind: Processor,
            upstream: "contrib: processor/filterprocessor/testdata/config_expr.yaml `filter/include`",
            section: "filter/expr:\n  metrics:\n    include: {match_type: expr, expressions: ['Label(\"foo\") == \"bar\"']}\n",
            want: Refused("write OTTL conditions"),
        },
        Case {
            kind: Extension,
            upstream: "contrib: extension/healthcheckextension/testdata/config.yaml `health_check/invalidthreshold`",
            section: "health_check/threshold:\n  endpoint: 'localhost:13'\n  check_collector_pipeline: {enabled: false, interval: 5m, exporter_failure_threshold: -1}\n",
            want: Refused("exporter_failure_threshold"),
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
