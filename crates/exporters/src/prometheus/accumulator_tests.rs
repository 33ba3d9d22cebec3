use std::time::{Duration, Instant};

use dbintel_core::pdata::{
    Attributes, HistogramDataPoint, Metric, MetricData, Metrics, NumberDataPoint, NumberValue, Resource,
    ResourceMetrics, Scope, ScopeMetrics, Temporality,
};
use dbintel_core::telemetry::Registry;

use super::*;

const S: u64 = 1_000_000_000;

fn acc_with(opts: TranslateOptions, max_series: usize) -> Accumulator {
    let stats = Stats::new(&Registry::new(), "prometheus");
    Accumulator::new(opts, max_series, Duration::from_secs(300), stats)
}

fn acc() -> Accumulator {
    acc_with(TranslateOptions { without_scope_info: true, ..Default::default() }, 1000)
}

fn point(start: u64, time: u64, value: NumberValue) -> NumberDataPoint {
    NumberDataPoint {
        attributes: [("db", "orders")].into_iter().collect(),
        start_time_unix_nano: start * S,
        time_unix_nano: time * S,
        value,
        flags: 0,
    }
}

fn batch(resource: Attributes, metric: Metric) -> Metrics {
    Metrics {
        resource_metrics: vec![ResourceMetrics {
            resource: Resource { attributes: resource },
            scope_metrics: vec![ScopeMetrics {
                scope: Scope { name: "dbintel/test".into(), version: "1.0".into(), ..Default::default() },
                metrics: vec![metric],
                schema_url: String::new(),
            }],
            schema_url: String::new(),
        }],
    }
}

fn sum(points: Vec<NumberDataPoint>, temporality: Temporality, monotonic: bool) -> Metrics {
    batch(
        Attributes::new(),
        Metric {
            name: "db.calls".into(),
            description: "Calls.".into(),
            unit: "{call}".into(),
            data: MetricData::Sum { points, temporality, monotonic },
        },
    )
}

fn gauge(points: Vec<NumberDataPoint>) -> Metrics {
    batch(
        Attributes::new(),
        Metric {
            name: "db.size".into(),
            description: String::new(),
            unit: "By".into(),
            data: MetricData::Gauge(points),
        },
    )
}

fn hist(start: u64, time: u64, bounds: &[f64], counts: &[u64], sum: f64) -> HistogramDataPoint {
    HistogramDataPoint {
        attributes: Attributes::new(),
        start_time_unix_nano: start * S,
        time_unix_nano: time * S,
        count: counts.iter().sum(),
        sum: Some(sum),
        bucket_counts: counts.to_vec(),
        explicit_bounds: bounds.to_vec(),
        ..Default::default()
    }
}

fn histogram(points: Vec<HistogramDataPoint>, temporality: Temporality) -> Metrics {
    batch(
        Attributes::new(),
        Metric {
            name: "db.latency".into(),
            description: "Latency.".into(),
            unit: "s".into(),
            data: MetricData::Histogram { points, temporality },
        },
    )
}

fn only(acc: &Accumulator) -> (&SeriesKey, &Series) {
    let all: Vec<_> = acc.series().collect();
    assert_eq!(all.len(), 1, "{all:?}");
    all[0]
}

fn number_of(acc: &Accumulator) -> NumberValue {
    match only(acc).1.value {
        SeriesValue::Number(v) => v,
        ref other => panic!("not a number: {other:?}"),
    }
}

#[test]
fn delta_monotonic_sums_accumulate_when_contiguous() {
    let mut a = acc();
    let now = Instant::now();
    a.accumulate(&sum(vec![point(0, 10, NumberValue::Int(5))], Temporality::Delta, true), now);
    a.accumulate(&sum(vec![point(10, 20, NumberValue::Int(3))], Temporality::Delta, true), now);
    a.accumulate(&sum(vec![point(20, 30, NumberValue::Int(2))], Temporality::Delta, true), now);
    assert_eq!(number_of(&a), NumberValue::Int(10));
    let (key, series) = only(&a);
    assert_eq!(key.name, "db_calls_total");
    assert_eq!(series.kind, PromType::Counter);
    assert_eq!(series.start_unix_nano, 0);
    assert_eq!(series.time_unix_nano, 30 * S);
}

#[test]
fn delta_sum_with_a_gap_resets() {
    let mut a = acc();
    let now = Instant::now();
    a.accumulate(&sum(vec![point(0, 10, NumberValue::Double(5.0))], Temporality::Delta, true), now);
    // Starts at 15, not at the stored 10: a reset, not an addition.
    a.accumulate(&sum(vec![point(15, 20, NumberValue::Double(1.5))], Temporality::Delta, true), now);
    assert_eq!(number_of(&a), NumberValue::Double(1.5));
    assert_eq!(only(&a).1.start_unix_nano, 15 * S);
}

#[test]
fn mixed_int_and_double_deltas_add_as_doubles() {
    let mut a = acc();
    let now = Instant::now();
    a.accumulate(&sum(vec![point(0, 10, NumberValue::Int(1))], Temporality::Delta, true), now);
    a.accumulate(&sum(vec![point(10, 20, NumberValue::Double(0.5))], Temporality::Delta, true), now);
    assert_eq!(number_of(&a), NumberValue::Double(1.5));
    a.accumulate(&sum(vec![point(20, 30, NumberValue::Int(i64::MAX))], Temporality::Delta, true), now);
    assert!(matches!(number_of(&a), NumberValue::Double(_)));
}

#[test]
fn delta_non_monotonic_sums_are_dropped_and_counted() {
    let mut a = acc();
    a.accumulate(
        &sum(
            vec![point(0, 10, NumberValue::Int(5)), point(0, 10, NumberValue::Int(6))],
            Temporality::Delta,
            false,
        ),
        Instant::now(),
    );
    assert!(a.is_empty());
    assert_eq!(a.stats().dropped(DropReason::DeltaNonMonotonic), 2);
}

#[test]
fn cumulative_sums_pass_through_and_older_points_are_ignored() {
    let mut a = acc();
    let now = Instant::now();
    a.accumulate(&sum(vec![point(0, 20, NumberValue::Int(7))], Temporality::Cumulative, true), now);
    a.accumulate(&sum(vec![point(0, 10, NumberValue::Int(3))], Temporality::Cumulative, true), now);
    assert_eq!(number_of(&a), NumberValue::Int(7));
    assert_eq!(a.stats().dropped(DropReason::OutOfOrder), 1);
    a.accumulate(&sum(vec![point(0, 30, NumberValue::Int(9))], Temporality::Cumulative, true), now);
    assert_eq!(number_of(&a), NumberValue::Int(9));
}

#[test]
fn non_monotonic_cumulative_sums_become_gauges() {
    let mut a = acc();
    a.accumulate(
        &sum(vec![point(0, 20, NumberValue::Int(-2))], Temporality::Cumulative, false),
        Instant::now(),
    );
    let (key, series) = only(&a);
    assert_eq!(key.name, "db_calls");
    assert_eq!(series.kind, PromType::Gauge);
}

#[test]
fn gauges_keep_the_newest_point() {
    let mut a = acc();
    let now = Instant::now();
    a.accumulate(&gauge(vec![point(0, 20, NumberValue::Int(2)), point(0, 10, NumberValue::Int(1))]), now);
    assert_eq!(number_of(&a), NumberValue::Int(2));
    assert_eq!(only(&a).0.name, "db_size_bytes");
    // The HELP falls back to the OTel name when there is no description.
    assert_eq!(&*only(&a).1.help, "db.size");
}

#[test]
fn no_recorded_value_deletes_the_series() {
    let mut a = acc();
    let now = Instant::now();
    a.accumulate(&gauge(vec![point(0, 10, NumberValue::Int(2))]), now);
    let mut gone = point(0, 20, NumberValue::Int(0));
    gone.flags = 1;
    a.accumulate(&gauge(vec![gone]), now);
    assert!(a.is_empty());
}

#[test]
fn delta_histograms_merge_when_contiguous() {
    let mut a = acc();
    let now = Instant::now();
    let b = [0.1, 1.0];
    a.accumulate(&histogram(vec![hist(0, 10, &b, &[1, 2, 0], 1.0)], Temporality::Delta), now);
    a.accumulate(&histogram(vec![hist(10, 20, &b, &[0, 1, 3], 9.0)], Temporality::Delta), now);
    let (key, series) = only(&a);
    assert_eq!(key.name, "db_latency_seconds");
    assert_eq!(
        series.value,
        SeriesValue::Histogram { count: 7, sum: 10.0, bounds: b.to_vec(), bucket_counts: vec![1, 3, 3] }
    );
    assert_eq!(series.start_unix_nano, 0);
    assert_eq!(series.time_unix_nano, 20 * S);
}

#[test]
fn delta_histograms_reset_on_gap_or_new_bounds_and_drop_misaligned() {
    let mut a = acc();
    let now = Instant::now();
    a.accumulate(&histogram(vec![hist(0, 10, &[1.0], &[1, 1], 2.0)], Temporality::Delta), now);
    // Contiguous, other bounds: replaced.
    a.accumulate(&histogram(vec![hist(10, 20, &[2.0], &[4, 0], 3.0)], Temporality::Delta), now);
    assert_eq!(
        only(&a).1.value,
        SeriesValue::Histogram { count: 4, sum: 3.0, bounds: vec![2.0], bucket_counts: vec![4, 0] }
    );
    // Starts before the stored time: dropped.
    a.accumulate(&histogram(vec![hist(15, 25, &[2.0], &[1, 0], 1.0)], Temporality::Delta), now);
    assert_eq!(a.stats().dropped(DropReason::Misaligned), 1);
    // Starts after the stored time (a gap): reset.
    a.accumulate(&histogram(vec![hist(30, 40, &[2.0], &[0, 1], 5.0)], Temporality::Delta), now);
    assert_eq!(only(&a).1.start_unix_nano, 30 * S);
    assert_eq!(
        only(&a).1.value,
        SeriesValue::Histogram { count: 1, sum: 5.0, bounds: vec![2.0], bucket_counts: vec![0, 1] }
    );
}

#[test]
fn invalid_histograms_are_dropped() {
    let mut a = acc();
    let now = Instant::now();
    let mut wrong_count = hist(0, 10, &[1.0], &[1, 1], 2.0);
    wrong_count.count = 5;
    let unsorted = hist(0, 10, &[2.0, 1.0], &[1, 1, 1], 2.0);
    let short = hist(0, 10, &[1.0, 2.0], &[1, 1], 2.0);
    let infinite = hist(0, 10, &[f64::INFINITY], &[1, 1], 2.0);
    a.accumulate(&histogram(vec![wrong_count, unsorted, short, infinite], Temporality::Cumulative), now);
    assert!(a.is_empty());
    assert_eq!(a.stats().dropped(DropReason::InvalidPoint), 4);
}

#[test]
fn stale_series_expire_with_an_injected_clock() {
    let stats = Stats::new(&Registry::new(), "prometheus");
    let mut a = Accumulator::new(TranslateOptions::default(), 1000, Duration::from_secs(60), stats);
    let t0 = Instant::now();
    let mut resource = Attributes::new();
    resource.insert("service.name", "db");
    a.accumulate(
        &batch(
            resource.clone(),
            Metric {
                name: "old".into(),
                description: String::new(),
                unit: String::new(),
                data: MetricData::Gauge(vec![point(0, 1, NumberValue::Int(1))]),
            },
        ),
        t0,
    );
    a.accumulate(&gauge(vec![point(0, 1, NumberValue::Int(1))]), t0 + Duration::from_secs(50));
    assert_eq!(a.len(), 3); // old, db_size_bytes, target_info
    a.expire(t0 + Duration::from_secs(61));
    let names: Vec<&str> = a.series().map(|(k, _)| k.name.as_str()).collect();
    assert_eq!(names, ["db_size_bytes"]);
    assert_eq!(a.targets().count(), 0);
    assert_eq!(a.stats().evicted(), 2);
    assert_eq!(a.stats().series(), 1);
    a.expire(t0 + Duration::from_secs(111));
    assert!(a.is_empty());
    assert_eq!(a.stats().evicted(), 3);
}

#[test]
fn series_beyond_the_bound_are_refused_and_counted() {
    let mut a = acc_with(TranslateOptions::default(), 2);
    let now = Instant::now();
    let points: Vec<NumberDataPoint> = (0..5)
        .map(|i| NumberDataPoint {
            attributes: [("i", i64::from(i))].into_iter().collect(),
            start_time_unix_nano: 0,
            time_unix_nano: S,
            value: NumberValue::Int(1),
            flags: 0,
        })
        .collect();
    a.accumulate(&gauge(points), now);
    assert_eq!(a.len(), 2);
    assert_eq!(a.stats().dropped(DropReason::SeriesLimit), 3);
    // Existing series are still updated at the bound.
    a.accumulate(
        &gauge(vec![NumberDataPoint {
            attributes: [("i", 0i64)].into_iter().collect(),
            start_time_unix_nano: 0,
            time_unix_nano: 2 * S,
            value: NumberValue::Int(9),
            flags: 0,
        }]),
        now,
    );
    assert!(a.series().any(|(_, s)| s.value == SeriesValue::Number(NumberValue::Int(9))));
    // Once the old series expire, new ones get in again.
    a.expire(now + Duration::from_secs(301));
    a.accumulate(&gauge(vec![point(0, 3, NumberValue::Int(1))]), now + Duration::from_secs(302));
    assert_eq!(a.len(), 1);
}

#[test]
fn labels_carry_job_instance_scope_resource_and_const_labels() {
    let opts = TranslateOptions {
        namespace: "dbi".into(),
        resource_to_telemetry: true,
        exclude_service_attributes: true,
        const_labels: vec![("env".into(), "prod".into())],
        ..Default::default()
    };
    let mut a = acc_with(opts, 100);
    let resource: Attributes = [
        ("service.name", "pg"),
        ("service.instance.id", "db1:5432"),
        ("db.system.name", "postgresql"),
        ("env", "ignored: const labels win"),
    ]
    .into_iter()
    .collect();
    let m = Metric {
        name: "postgresql.backends".into(),
        description: "Backends.".into(),
        unit: "1".into(),
        data: MetricData::Gauge(vec![point(0, 1, NumberValue::Int(4))]),
    };
    a.accumulate(&batch(resource, m), Instant::now());
    let (key, _) = only(&a);
    assert_eq!(key.name, "dbi_postgresql_backends_ratio");
    let labels: Vec<(&str, &str)> = key.labels.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        labels,
        [
            ("db", "orders"),
            ("db_system_name", "postgresql"),
            ("env", "prod"),
            ("instance", "db1:5432"),
            ("job", "pg"),
            ("otel_scope_name", "dbintel/test"),
            ("otel_scope_version", "1.0"),
        ]
    );
    let targets: Vec<_> = a.targets().collect();
    assert_eq!(targets.len(), 1);
    let t: Vec<(&str, &str)> = targets[0].iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        t,
        [("db_system_name", "postgresql"), ("env", "prod"), ("instance", "db1:5432"), ("job", "pg")]
    );
}

#[test]
fn otel_series_that_render_alike_share_one_entry() {
    let mut a = acc();
    let now = Instant::now();
    let mk = |name: &str, v: i64, t: u64| {
        batch(
            Attributes::new(),
            Metric {
                name: name.into(),
                description: String::new(),
                unit: String::new(),
                data: MetricData::Gauge(vec![point(0, t, NumberValue::Int(v))]),
            },
        )
    };
    a.accumulate(&mk("a.b", 1, 1), now);
    a.accumulate(&mk("a_b", 2, 2), now);
    assert_eq!(number_of(&a), NumberValue::Int(2));
}

/// contrib's `resource_constant_labels`: `included`/`excluded` wildcard patterns pick the resource
/// attributes that label every series, and take precedence over `resource_to_telemetry_conversion`.
#[test]
fn resource_constant_labels_pick_attributes_by_pattern() {
    let f = |inc: &[&str], exc: &[&str]| ResourceLabelFilter {
        included: inc.iter().map(|s| s.to_string()).collect(),
        excluded: exc.iter().map(|s| s.to_string()).collect(),
    };
    let pick = f(&["service*", "k8s.pod.*"], &["service.instance.id"]);
    assert!(pick.chooses("service.name") && pick.chooses("service") && pick.chooses("k8s.pod.name"));
    assert!(!pick.chooses("service.instance.id") && !pick.chooses("k8s.node.name") && !pick.chooses("host"));
    let all_but = f(&[], &["host.*"]);
    assert!(all_but.chooses("region") && !all_but.chooses("host.name"));
    assert!(!f(&[], &[]).chooses("region"));
    assert!(f(&["*.name"], &[]).chooses("k8s.pod.name") && !f(&["*.name"], &[]).chooses("name"));
    assert!(f(&["a*b*c"], &[]).chooses("axxbyyc") && !f(&["a*b*c"], &[]).chooses("axxcyyb"));
}
