//! Config of the `prometheus` exporter (keys and defaults of the contrib exporter).

use std::collections::BTreeMap;
use std::time::Duration;

use dbintel_core::{ConfigProblem, GoDuration};
use serde::Deserialize;

use super::accumulator::TranslateOptions;
use super::naming::{TranslationStrategy, is_valid_label_name, label_name};

/// Default `metric_expiration`.
pub const DEFAULT_METRIC_EXPIRATION: Duration = Duration::from_secs(300);
/// Default `endpoint`: the Collector leaves it empty (which listens on a random port); dbintel
/// serves on the conventional port, on loopback as the Collector's other servers default to.
pub const DEFAULT_ENDPOINT: &str = "localhost:8889";

fn default_endpoint() -> String {
    DEFAULT_ENDPOINT.to_string()
}

/// Default `max_series`.
pub const DEFAULT_MAX_SERIES: usize = 100_000;

/// `resource_to_telemetry_conversion` block.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceToTelemetryConfig {
    /// Copy every resource attribute onto every series as a label.
    #[serde(default)]
    pub enabled: bool,
    /// Do not copy `service.name`, `service.namespace`, `service.instance.id` (already `job`/`instance`).
    #[serde(default)]
    pub exclude_service_attributes: bool,
}

/// `translation_strategy` values. The UTF-8 strategies need a scraper negotiating UTF-8 names,
/// which the text format 0.0.4 and OpenMetrics 1.0 served here do not carry; they are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
pub enum TranslationStrategyConfig {
    UnderscoreEscapingWithSuffixes,
    UnderscoreEscapingWithoutSuffixes,
    NoUTF8EscapingWithSuffixes,
    NoTranslation,
}

/// Config of the `prometheus` exporter.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrometheusConfig {
    /// `host:port` to serve `/metrics` on (default `localhost:8889`: loopback, the port every
    /// Collector example uses). `localhost:` and `:port` (every interface) are accepted.
    #[serde(default = "default_endpoint")]
    pub endpoint: String,
    /// Serve `/metrics` over HTTPS (the Collector's `confighttp` server `tls` block); with
    /// `client_ca_file`, scrapers must present a certificate signed by it.
    #[serde(default)]
    pub tls: Option<dbintel_extensions::http_server::ServerTlsConfig>,
    /// Prefix of every metric name (`<namespace>_<name>`).
    #[serde(default)]
    pub namespace: String,
    /// Labels added to every series (they win over data labels of the same name).
    #[serde(default)]
    pub const_labels: BTreeMap<String, String>,
    /// Append each point's timestamp to its samples.
    #[serde(default)]
    pub send_timestamps: bool,
    /// Series not updated for this long drop out of the exposition. Default `5m`.
    #[serde(default = "default_expiration")]
    pub metric_expiration: GoDuration,
    /// Answer in OpenMetrics when the scraper asks for it (`Accept: application/openmetrics-text`).
    #[serde(default)]
    pub enable_open_metrics: bool,
    /// Copy resource attributes onto every series.
    #[serde(default)]
    pub resource_to_telemetry_conversion: ResourceToTelemetryConfig,
    /// The resource attributes copied onto every series, chosen by name patterns; when set it
    /// replaces `resource_to_telemetry_conversion`.
    #[serde(default)]
    pub resource_constant_labels: Option<super::accumulator::ResourceLabelFilter>,
    /// Drop the `otel_scope_name`/`otel_scope_version` labels.
    #[serde(default)]
    pub without_scope_info: bool,
    /// Name translation; default `UnderscoreEscapingWithSuffixes`.
    #[serde(default)]
    pub translation_strategy: Option<TranslationStrategyConfig>,
    /// Deprecated in contrib (superseded by `translation_strategy`): `false` means
    /// `UnderscoreEscapingWithoutSuffixes`.
    #[serde(default)]
    pub add_metric_suffixes: Option<bool>,
    /// dbintel addition: most series (target_info included) held at once; new series beyond it are
    /// refused and counted. Default 100000.
    #[serde(default = "default_max_series")]
    pub max_series: usize,
}

fn default_expiration() -> GoDuration {
    GoDuration(DEFAULT_METRIC_EXPIRATION)
}
fn default_max_series() -> usize {
    DEFAULT_MAX_SERIES
}

impl Default for PrometheusConfig {
    fn default() -> Self {
        Self {
            endpoint: default_endpoint(),
            tls: None,
            namespace: String::new(),
            const_labels: BTreeMap::new(),
            send_timestamps: false,
            metric_expiration: default_expiration(),
            enable_open_metrics: false,
            resource_to_telemetry_conversion: ResourceToTelemetryConfig::default(),
            resource_constant_labels: None,
            without_scope_info: false,
            translation_strategy: None,
            add_metric_suffixes: None,
            max_series: DEFAULT_MAX_SERIES,
        }
    }
}

/// Splits `host:port` (`[v6]:port`, `localhost:port`, `:port`) into a bindable address string.
pub fn bind_address(endpoint: &str) -> Result<String, String> {
    let e = endpoint.trim();
    let bad = || {
        format!(
            "`{}` is not a valid `host:port` address (for example `0.0.0.0:8889`, `localhost:8889` \
             or `:8889`)",
            crate::otlp_common::redact_endpoint(endpoint)
        )
    };
    let (host, port) = e.rsplit_once(':').ok_or_else(bad)?;
    let port: u16 = port.parse().map_err(|_| bad())?;
    let host = match host {
        "" => "0.0.0.0",
        "localhost" => "127.0.0.1",
        h => h,
    };
    if host.contains(char::is_whitespace) || host.contains('/') {
        return Err(bad());
    }
    if host.contains(':') && !(host.starts_with('[') && host.ends_with(']')) {
        return Err(bad());
    }
    Ok(format!("{host}:{port}"))
}

impl PrometheusConfig {
    /// Every problem in the config.
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        if self.endpoint.trim().is_empty() {
            p.push(ConfigProblem::new(
                "endpoint",
                "must not be empty: the `host:port` to serve /metrics on (default `localhost:8889`)",
            ));
        } else if let Err(e) = bind_address(&self.endpoint) {
            p.push(ConfigProblem::new("endpoint", e));
        }
        if let Some(tls) = &self.tls {
            p.extend(tls.problems());
        }
        // A name with other characters is written escaped (see `const_label_warnings`); the
        // reserved `__` prefix and a name with nothing valid in it cannot be written at all.
        for k in self.const_labels.keys() {
            if k.starts_with("__") || label_name(k).is_none() {
                p.push(ConfigProblem::new(
                    format!("const_labels.{k}"),
                    "is not a usable Prometheus label name (names starting with `__` are reserved; \
                     a name needs a letter, digit or `_` besides underscores)",
                ));
            }
        }
        p.extend(
            dbintel_core::duration::ranges::METRIC_EXPIRATION
                .check("metric_expiration", self.metric_expiration.get()),
        );
        if self.max_series == 0 {
            p.push(ConfigProblem::new("max_series", "must be at least 1"));
        }
        if let Some(
            s @ (TranslationStrategyConfig::NoUTF8EscapingWithSuffixes
            | TranslationStrategyConfig::NoTranslation),
        ) = self.translation_strategy
        {
            p.push(ConfigProblem::new(
                "translation_strategy",
                format!(
                    "`{s:?}` keeps UTF-8 names, which the text 0.0.4 and OpenMetrics 1.0 formats served here \
                     cannot carry; use `UnderscoreEscapingWithSuffixes` (default) or \
                     `UnderscoreEscapingWithoutSuffixes`"
                ),
            ));
        }
        p
    }

    /// `const_labels` names outside `[a-zA-Z_][a-zA-Z0-9_]*` (the contrib exporter's own testdata
    /// has `"another label"`, which it loads): written escaped as data-point attribute keys are
    /// (`another_label`), each named by a warning.
    pub fn const_label_warnings(&self) -> Vec<ConfigProblem> {
        self.const_labels
            .keys()
            .filter(|k| !k.starts_with("__") && !is_valid_label_name(k))
            .filter_map(|k| {
                let written = label_name(k)?;
                Some(ConfigProblem::new(
                    format!("const_labels.{k}"),
                    format!("is not a valid Prometheus label name; the label is written as `{written}`"),
                ))
            })
            .collect()
    }

    pub fn strategy(&self) -> TranslationStrategy {
        match (self.translation_strategy, self.add_metric_suffixes) {
            (Some(TranslationStrategyConfig::UnderscoreEscapingWithoutSuffixes), _) => {
                TranslationStrategy::UnderscoreEscapingWithoutSuffixes
            }
            (Some(_), _) => TranslationStrategy::UnderscoreEscapingWithSuffixes,
            (None, Some(false)) => TranslationStrategy::UnderscoreEscapingWithoutSuffixes,
            (None, _) => TranslationStrategy::UnderscoreEscapingWithSuffixes,
        }
    }

    pub fn translate_options(&self) -> TranslateOptions {
        TranslateOptions {
            namespace: self.namespace.clone(),
            strategy: self.strategy(),
            resource_to_telemetry: self.resource_to_telemetry_conversion.enabled,
            exclude_service_attributes: self.resource_to_telemetry_conversion.exclude_service_attributes,
            without_scope_info: self.without_scope_info,
            resource_constant_labels: self.resource_constant_labels.clone(),
            const_labels: self
                .const_labels
                .iter()
                .filter(|(k, _)| !k.starts_with("__"))
                .filter_map(|(k, v)| Some((label_name(k)?, v.clone())))
                .collect(),
        }
    }
}
