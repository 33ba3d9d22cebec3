//! The keys the prototype's configs (deepaucksharma/psql-next, database-intelligence-mvp/) wrote for
//! the query-intelligence processors load: a key meaning what one of ours means acts as that key
//! (a serde alias, with the same checks), every other one is accepted and `validate` warns about it,
//! naming the key and why. Each section below is put together from those configs' keys and values.

use std::collections::BTreeSet;
use std::time::Duration;

use dbintel_core::TypedFactory;
use dbintel_core::component::Factory;
use dbintel_core::typed::parse_typed;
use dbintel_processors::adaptivesampler::AdaptiveSamplerFactory;
use dbintel_processors::circuitbreaker::CircuitBreakerFactory;
use dbintel_processors::costcontrol::CostControlFactory;
use dbintel_processors::nrerrormonitor::NrErrorMonitorFactory;
use dbintel_processors::planattributeextractor::PlanAttributeExtractorFactory;
use dbintel_processors::querycorrelator::QueryCorrelatorFactory;
use dbintel_processors::verification::VerificationFactory;

fn yaml(s: &str) -> serde_json::Value {
    serde_saphyr::from_str(s).expect("test yaml")
}

/// Validates `section` and returns the key paths `validate` warns about as accepted and ignored,
/// checking each warning gives a reason.
fn loads_with_warnings<F: TypedFactory>(f: &F, section: &serde_json::Value) -> BTreeSet<String> {
    assert_eq!(Factory::validate(f, section), Ok(()), "{section}");
    Factory::ignored_keys(f, section)
        .into_iter()
        .map(|p| {
            assert!(p.message.len() > 20, "{}: no reason given: {}", p.path, p.message);
            p.path
        })
        .collect()
}

fn set(keys: &[&str]) -> BTreeSet<String> {
    keys.iter().map(|k| k.to_string()).collect()
}

#[test]
fn adaptivesampler_loads_the_prototype_keys() {
    let f = AdaptiveSamplerFactory;
    let s = yaml(
        "default_sampling_rate: 0.1\nmin_sampling_rate: 0.01\nmax_sampling_rate: 1\nmax_samples_per_second: 100.0\n\
         max_traces_per_second: 100\nsampling_percentage: 10\nenabled: true\nadjust_sampling_on_overload: true\n\
         adjustment_period: 30s\nevaluation_interval: 30s\nmemory_threshold_mb: 512\ntarget_metrics_per_minute: 1000\n\
         max_cardinality: 10000\ncost_control: {enabled: true}\n\
         sampling_rules:\n  - service_name_pattern: \"database-.*\"\n    sampling_percentage: 5\n",
    );
    let warned = loads_with_warnings(&f, &s);
    assert_eq!(
        warned,
        set(&[
            "max_sampling_rate",
            "max_samples_per_second",
            "max_traces_per_second",
            "sampling_percentage",
            "enabled",
            "adjust_sampling_on_overload",
            "adjustment_period",
            "evaluation_interval",
            "memory_threshold_mb",
            "target_metrics_per_minute",
            "max_cardinality",
            "cost_control",
            "sampling_rules",
        ])
    );
    let c = parse_typed::<AdaptiveSamplerFactory>(&s).expect("parses");
    assert_eq!((c.default_sample_rate, c.min_sample_rate), (0.1, 0.01), "the aliases act");
    // The alias has the key's checks: the prototype's percent-style 10 is out of [0, 1].
    assert!(Factory::validate(&f, &yaml("default_sampling_rate: 10")).is_err());
}

#[test]
fn circuit_breaker_loads_the_prototype_keys() {
    let f = CircuitBreakerFactory;
    let s = yaml(
        "max_failures: 8\nrecovery_timeout: 45s\nhalf_open_requests: 3\nhalf_open_max_requests: 25\nenabled: true\n\
         enable_debug_logging: false\nfailure_threshold_percentage: 50\nerror_threshold_percent: 50\n\
         volume_threshold_qps: 10\nevaluation_interval: 10s\ntimeout_duration: 30s\nper_database_circuit: true\n\
         per_database_limits: {postgres: {max_failures: 3}}\ndatabases: [postgres]\nmonitoring: {enabled: true}\n\
         conditions: [{metric: x}]\nmetrics: {enabled: true}\ncircuit_id_attribute: db.name\npersistence: {enabled: false}\n",
    );
    let warned = loads_with_warnings(&f, &s);
    assert_eq!(warned.len(), 17, "{warned:?}");
    assert!(!warned.contains("max_failures") && !warned.contains("recovery_timeout"));
    let c = parse_typed::<CircuitBreakerFactory>(&s).expect("parses");
    assert_eq!(c.failure_threshold, 8);
    assert_eq!(c.open_state_timeout.get(), Duration::from_secs(45));
    for (alias, secs) in
        [("cooldown_period: 1m", 60), ("break_duration: 5m", 300), ("recovery_duration: 60s", 60)]
    {
        let c = parse_typed::<CircuitBreakerFactory>(&yaml(alias)).expect("parses");
        assert_eq!(c.open_state_timeout.get(), Duration::from_secs(secs), "{alias}");
    }
    assert!(Factory::validate(&f, &yaml("max_failures: 0")).is_err(), "the alias has the key's checks");
    assert!(
        Factory::validate(&f, &yaml("recovery_timeout: 10ms")).is_err(),
        "the alias has the key's checks"
    );
}

#[test]
fn planattributeextractor_loads_the_prototype_keys() {
    let f = PlanAttributeExtractorFactory;
    let s = yaml(
        "timeout: 100ms\nenabled: true\ndebug_mode: false\nenable_anonymization: true\nenable_plan_analysis: true\n\
         max_query_length: 4096\nanonymization: {enabled: true}\nplan_analysis: {enabled: true}\nplan_cache: {size: 100}\n\
         plan_extraction: {enabled: true}\nplan_intelligence: {enabled: true}\nplan_sources: [pg_stat_statements]\n\
         regression_tracking: {enabled: true}\nquery_fingerprinting: {enabled: true}\n\
         postgresql_rules:\n  detection_json_path: \"0.Plan\"\n  derived_attributes: {has_seq_scan: x}\n\
         query_anonymization:\n  enabled: true\n  preserve_structure: true\n  preserve_literals: false\n  normalize_parameters: true\n\
         querylens:\n  plan_tracking: true\n  regression_detection:\n    memory_increase: 2.0\n",
    );
    let warned = loads_with_warnings(&f, &s);
    assert_eq!(warned.len(), 19, "{warned:?}");
    assert!(warned.contains("querylens.regression_detection.memory_increase"));
    assert!(warned.contains("query_anonymization.preserve_structure"));
    let c = parse_typed::<PlanAttributeExtractorFactory>(&s).expect("parses");
    assert_eq!(c.timeout.map(|t| t.get()), Some(Duration::from_millis(100)));
    assert_eq!(c.postgresql_rules.detection_jsonpath, "0.Plan");
    assert!(Factory::validate(&f, &yaml("timeout: 30s")).is_err(), "timeout is checked like timeout_ms");
}

#[test]
fn verification_loads_the_prototype_keys() {
    let f = VerificationFactory;
    let s = yaml(
        "enabled: true\nenable_debug_logging: false\nenable_pii_detection: true\nenable_data_validation: true\n\
         quality_checks: {enabled: true}\nquality_validation: {enabled: true}\nchecks: [x]\ndata_completeness: {enabled: true}\n\
         semantic_correctness: {enabled: true}\ncardinality_management: {enabled: true}\nperformance_tracking: {enabled: true}\n\
         max_field_length: 500\nsample_rate: 0.1\nerror_mode: ignore\nreporting_interval: 60s\n\
         pii_detection:\n  enabled: true\n  sensitivity: high\n  action: redact\n  action_on_detection: redact\n\
         \x20 patterns:\n    ssn: '\\b\\d{3}-?\\d{2}-?\\d{4}\\b'\n",
    );
    let warned = loads_with_warnings(&f, &s);
    assert_eq!(warned.len(), 18, "{warned:?}");
    assert!(warned.contains("pii_detection.patterns") && warned.contains("pii_detection.action"));
    let c = parse_typed::<VerificationFactory>(&s).expect("parses");
    assert_eq!(format!("{:?}", c.pii_detection.sensitivity_level), "High", "the alias acts");
    assert!(Factory::validate(&f, &yaml("pii_detection: {sensitivity: extreme}")).is_err());
}

#[test]
fn nrerrormonitor_loads_the_prototype_keys() {
    let f = NrErrorMonitorFactory;
    let s = yaml(
        "enabled: true\nerror_threshold: 15\nenable_validation: false\nalert_on_error: true\nbatch_size: 100\n\
         batch_timeout: 10s\nvalidation_interval: 30s\nerror_patterns: [{pattern: x}]\n",
    );
    let warned = loads_with_warnings(&f, &s);
    assert_eq!(
        warned,
        set(&[
            "enabled",
            "alert_on_error",
            "batch_size",
            "batch_timeout",
            "validation_interval",
            "error_patterns"
        ])
    );
    let c = parse_typed::<NrErrorMonitorFactory>(&s).expect("parses");
    assert_eq!((c.alert_threshold, c.enable_proactive_validation), (15, false));
}

#[test]
fn costcontrol_loads_the_prototype_keys() {
    let f = CostControlFactory;
    let s = yaml(
        "monthly_budget_usd: 1000\ncost_per_gb_usd: 0.3\nmax_metric_cardinality: 5000\nenabled: true\n\
         daily_budget_usd: 50\nalert_threshold_percentage: 80\nenforcement_enabled: true\nenforcement_mode: soft\n\
         max_metrics_per_minute: 10000\ncardinality_reduction: {enabled: true}\n",
    );
    let warned = loads_with_warnings(&f, &s);
    assert_eq!(warned.len(), 7, "{warned:?}");
    let c = parse_typed::<CostControlFactory>(&s).expect("parses");
    assert_eq!((c.price_per_gb, c.metric_cardinality_limit), (0.3, 5000));
    assert!(Factory::validate(&f, &yaml("cost_per_gb_usd: 0")).is_err(), "the alias has the key's checks");
}

#[test]
fn querycorrelator_loads_the_prototype_keys() {
    let f = QueryCorrelatorFactory;
    let s = yaml(
        "correlation_window: 30s\nenable_trace_correlation: true\nmax_correlations: 1000\n\
         correlation_attributes: {add_query_category: true, add_performance_category: true}\n",
    );
    let warned = loads_with_warnings(&f, &s);
    assert_eq!(
        warned,
        set(&[
            "correlation_window",
            "enable_trace_correlation",
            "max_correlations",
            "correlation_attributes.add_performance_category"
        ])
    );
}
