use std::sync::Arc;

use dbintel_core::pdata::{Attributes, LogRecord, SignalData, Value};
use dbintel_core::telemetry::Registry;
use dbintel_core::{Processor, parse_component_config};
use proptest::prelude::*;

use super::sampler::{RANDOMNESS_ATTR, THRESHOLD_ATTR};
use super::sampling::{Randomness, Threshold, fnv1a32, hash_seed_threshold};
use super::*;
use crate::test_util::{kept, logs};

fn yaml(text: &str) -> ProbabilisticSamplerConfig {
    let v: serde_json::Value = serde_saphyr::from_str(text).expect("yaml");
    parse_component_config(&v).expect("config")
}

fn sampler(cfg: &ProbabilisticSamplerConfig) -> (ProbabilisticSampler, Registry) {
    let reg = Registry::new();
    (ProbabilisticSampler::new(cfg, &reg, "probabilistic_sampler").expect("valid"), reg)
}

fn run(p: &mut ProbabilisticSampler, records: Vec<LogRecord>) -> Vec<LogRecord> {
    let mut out = Vec::new();
    p.process(logs(records), &mut out).expect("process");
    kept(&out)
}

fn hex_tid(s: &str) -> [u8; 16] {
    let b = hex::decode(s).expect("hex");
    let mut t = [0u8; 16];
    t.copy_from_slice(&b);
    t
}

fn rec(tid: Option<[u8; 16]>, attrs: &[(&'static str, Value)]) -> LogRecord {
    LogRecord {
        trace_id: tid,
        attributes: attrs.iter().map(|(k, v)| (*k, v.clone())).collect::<Attributes>(),
        ..Default::default()
    }
}

fn cfg(pct: f32) -> ProbabilisticSamplerConfig {
    ProbabilisticSamplerConfig { sampling_percentage: pct, ..Default::default() }
}

// --- the sampling arithmetic -------------------------------------------------------------------

#[test]
fn fnv1a_matches_the_reference_vectors() {
    // FNV-1a 32 of "" is the offset basis; of "a" is 0xe40c292c (reference test vectors). A seed
    // of 0 hashes four zero bytes first, as contrib's i32tob does.
    let plain = |b: &[u8]| {
        let mut h: u32 = 0x811c_9dc5;
        for x in b {
            h ^= u32::from(*x);
            h = h.wrapping_mul(0x0100_0193);
        }
        h
    };
    assert_eq!(plain(b""), 0x811c_9dc5);
    assert_eq!(plain(b"a"), 0xe40c_292c);
    assert_eq!(fnv1a32(0, b"a"), plain(&[0, 0, 0, 0, b'a']));
    assert_eq!(fnv1a32(0x0403_0201, b"xy"), plain(&[1, 2, 3, 4, b'x', b'y']));
}

#[test]
fn hash_seed_thresholds_match_the_collectors() {
    // contrib Test_tracesamplerprocessor_HashSeedTraceState: percentage -> t-value.
    for (pct, tv) in
        [(100.0f32, "0"), (75.0, "4"), (50.0, "8"), (25.0, "c"), (10.0, "e668"), (100.0 / 3.0, "aaac")]
    {
        let th = hash_seed_threshold(pct).expect("non-zero");
        assert_eq!(th.tvalue(), tv, "{pct}%");
    }
    assert_eq!(hash_seed_threshold(0.001), None, "rounds to 0 buckets, as uint32(pct*163.84)");
}

#[test]
fn thresholds_and_randomness_round_trip_their_encodings() {
    assert_eq!(Threshold::from_tvalue("c"), Some(Threshold(0xc << 52)));
    assert_eq!(Threshold(0xc << 52).tvalue(), "c");
    assert_eq!(Threshold::ALWAYS.tvalue(), "0");
    assert_eq!(Threshold::from_tvalue("0"), Some(Threshold::ALWAYS));
    for bad in ["", "123456789012345", "xyz", "+1", "-1", " c"] {
        assert_eq!(Threshold::from_tvalue(bad), None, "{bad:?}");
    }
    assert_eq!(Randomness::from_rvalue("e6147c00000000"), Some(Randomness(0xe6147c00000000)));
    assert_eq!(Randomness(0xe6147c00000000).rvalue(), "e6147c00000000");
    assert_eq!(Randomness(0xab).rvalue(), "000000000000ab");
    for bad in ["e6147c0000000", "e6147c000000000", "g6147c00000000", "+6147c00000000"] {
        assert_eq!(Randomness::from_rvalue(bad), None, "{bad:?}");
    }
    // W3C level 2: the 7 least-significant bytes of the trace id.
    assert_eq!(
        Randomness::from_trace_id(&hex_tid("fefefefefefefefefe80000000000000")),
        Randomness(0x80000000000000)
    );
    // Probability to threshold: 25% and 50% exact; 10.125% at 6 digits as contrib's test.
    assert_eq!(Threshold::from_probability(0.25, 4).map(Threshold::tvalue).as_deref(), Some("c"));
    assert_eq!(Threshold::from_probability(0.5, 0).map(Threshold::tvalue).as_deref(), Some("8"));
    assert_eq!(Threshold::from_probability(0.10125, 6).map(Threshold::tvalue).as_deref(), Some("e6147b"));
    assert_eq!(Threshold::from_probability(1.0, 4), Some(Threshold::ALWAYS));
    assert_eq!(Threshold::from_probability(0.0, 4), None);
    assert_eq!(Threshold::from_probability(1.5, 4), None);
}

#[test]
fn hash_randomness_decides_like_the_original_14_bit_comparison() {
    // The 56-bit layout must give `hashed < scaled` exactly.
    for seed in [0u32, 22, 4321] {
        for i in 0..2000u32 {
            let b = i.to_le_bytes();
            let hashed = fnv1a32(seed, &b) & 0x3fff;
            let rnd = Randomness::from_hash(&b, seed);
            for pct in [1.0f32, 10.0, 25.0, 50.0, 99.0] {
                let scaled = (pct * (16384.0f32 / 100.0)) as u32;
                let th = hash_seed_threshold(pct).expect("non-zero");
                assert_eq!(th.should_sample(rnd), hashed < scaled, "seed {seed} i {i} pct {pct}");
            }
        }
    }
}

// --- golden: contrib's TestLogsSampling (100 records, the counts its test asserts) -------------

/// contrib's batch: trace id `00..00 ib*8` for i in 0..100 (i = 0 is the invalid all-zero id),
/// `rando` = FNV(trace id, 123) as an int, `foo` (bytes of the trace id) and `bar` (its hex) on
/// even records, `priority` 100.0 on every fourth.
fn contrib_batch() -> Vec<LogRecord> {
    (0..100u8)
        .map(|i| {
            let mut tid = [0u8; 16];
            tid[8..].fill(i);
            let mut a = Attributes::new();
            a.insert("rando", i64::from(fnv1a32(123, &tid)));
            if i % 2 == 0 {
                a.insert("foo", Value::Bytes(tid.to_vec()));
                // pdata's TraceID.String() is "" for the all-zero id.
                a.insert("bar", if i == 0 { String::new() } else { hex::encode(tid) });
            }
            if i % 4 == 0 {
                a.insert("priority", 100.0);
            }
            LogRecord {
                trace_id: Some(tid),
                severity_number: dbintel_core::pdata::SeverityNumber::DEBUG,
                attributes: a,
                ..Default::default()
            }
        })
        .collect()
}

#[test]
fn golden_contrib_logs_sampling_counts() {
    let record = |from: &str| ProbabilisticSamplerConfig {
        attribute_source: AttributeSource::Record,
        from_attribute: from.into(),
        ..Default::default()
    };
    let cases: Vec<(&str, ProbabilisticSamplerConfig, usize)> = vec![
        (
            "happy_path",
            ProbabilisticSamplerConfig { sampling_percentage: 100.0, fail_closed: false, ..cfg(0.0) },
            100,
        ),
        ("nothing", ProbabilisticSamplerConfig { fail_closed: true, ..cfg(0.0) }, 0),
        (
            "roughly half",
            ProbabilisticSamplerConfig { mode: Some(Mode::HashSeed), fail_closed: true, ..cfg(50.0) },
            45,
        ),
        (
            "sampling_source no sampling",
            ProbabilisticSamplerConfig { fail_closed: false, ..record("foo") },
            0,
        ),
        (
            "sampling_source all sampling",
            ProbabilisticSamplerConfig { sampling_percentage: 100.0, fail_closed: false, ..record("foo") },
            100,
        ),
        (
            "sampling_source sampling",
            ProbabilisticSamplerConfig { sampling_percentage: 50.0, fail_closed: true, ..record("foo") },
            23,
        ),
        (
            "sampling_source sampling as string",
            ProbabilisticSamplerConfig { sampling_percentage: 50.0, fail_closed: true, ..record("bar") },
            29,
        ),
        (
            "sampling_priority_0_record",
            ProbabilisticSamplerConfig {
                sampling_priority: "priority".into(),
                fail_closed: false,
                ..record("rando")
            },
            25,
        ),
        (
            "sampling_priority_50_record",
            ProbabilisticSamplerConfig {
                sampling_percentage: 50.0,
                sampling_priority: "priority".into(),
                fail_closed: false,
                ..record("rando")
            },
            64,
        ),
        (
            "sampling_priority_100_record",
            ProbabilisticSamplerConfig {
                sampling_percentage: 100.0,
                sampling_priority: "priority".into(),
                fail_closed: false,
                ..record("rando")
            },
            100,
        ),
        (
            "sampling_priority_0_traceid",
            ProbabilisticSamplerConfig {
                sampling_priority: "priority".into(),
                fail_closed: false,
                ..cfg(0.0)
            },
            25,
        ),
        (
            "sampling_priority_50_traceid",
            ProbabilisticSamplerConfig {
                sampling_priority: "priority".into(),
                fail_closed: false,
                ..cfg(50.0)
            },
            57,
        ),
        (
            "sampling_priority_100_traceid",
            ProbabilisticSamplerConfig {
                sampling_priority: "priority".into(),
                fail_closed: false,
                ..cfg(100.0)
            },
            100,
        ),
        (
            "sampling_priority with sampling field",
            ProbabilisticSamplerConfig {
                sampling_priority: "priority".into(),
                fail_closed: false,
                ..record("foo")
            },
            25,
        ),
    ];
    for (name, c, want) in cases {
        let (mut p, _) = sampler(&c);
        assert_eq!(run(&mut p, contrib_batch()).len(), want, "{name}");
    }
}

// --- golden: contrib's TestLogsSamplingState (one record, the attributes it must carry) --------

fn attrs_of(r: &LogRecord) -> Vec<(String, Value)> {
    let mut v: Vec<(String, Value)> = r.attributes.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

fn expect(pairs: &[(&'static str, Value)]) -> Vec<(String, Value)> {
    let mut v: Vec<(String, Value)> = pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

fn one(c: &ProbabilisticSamplerConfig, r: LogRecord) -> Option<LogRecord> {
    let (mut p, _) = sampler(c);
    let mut k = run(&mut p, vec![r]);
    assert!(k.len() <= 1);
    k.pop()
}

#[test]
fn golden_contrib_logs_sampling_state() {
    let tid = hex_tid("fefefefefefefefefe80000000000000");
    let default_tid = Some(tid);
    let open = |c: ProbabilisticSamplerConfig| ProbabilisticSamplerConfig { fail_closed: false, ..c };

    // 100 percent traceID, proportional.
    let c = open(ProbabilisticSamplerConfig { mode: Some(Mode::Proportional), ..cfg(100.0) });
    let r = one(&c, rec(default_tid, &[("ignored", "value".into())])).expect("sampled");
    assert_eq!(attrs_of(&r), expect(&[("ignored", "value".into()), ("sampling.threshold", "0".into())]));

    // 100 percent traceID hash_seed 22: the randomness used is written.
    let c = open(ProbabilisticSamplerConfig { mode: Some(Mode::HashSeed), hash_seed: 22, ..cfg(100.0) });
    let r = one(&c, rec(default_tid, &[("K", "V".into())])).expect("sampled");
    let rv = Randomness::from_hash(&tid, 22).rvalue();
    assert_eq!(
        attrs_of(&r),
        expect(&[("K", "V".into()), ("sampling.threshold", "0".into()), ("sampling.randomness", rv.into())])
    );

    // 100 percent attribute, seed 49.
    let c = open(ProbabilisticSamplerConfig {
        attribute_source: AttributeSource::Record,
        from_attribute: "veryrandom".into(),
        hash_seed: 49,
        ..cfg(100.0)
    });
    let r = one(&c, rec(None, &[("veryrandom", "1234".into())])).expect("sampled");
    let rv = Randomness::from_hash(b"1234", 49).rvalue();
    assert_eq!(
        attrs_of(&r),
        expect(&[
            ("veryrandom", "1234".into()),
            ("sampling.threshold", "0".into()),
            ("sampling.randomness", rv.into())
        ])
    );

    // 0 percent traceID.
    assert!(one(&open(cfg(0.0)), rec(default_tid, &[])).is_none());

    // 10 percent priority, incoming randomness, precision 6.
    let c = open(ProbabilisticSamplerConfig {
        sampling_priority: "veryrandom".into(),
        sampling_precision: 6,
        ..cfg(0.0)
    });
    let r = one(
        &c,
        rec(default_tid, &[("sampling.randomness", "e6147c00000000".into()), ("veryrandom", 10.125.into())]),
    )
    .expect("sampled");
    assert_eq!(
        attrs_of(&r),
        expect(&[
            ("sampling.randomness", "e6147c00000000".into()),
            ("sampling.threshold", "e6147b".into()),
            ("veryrandom", 10.125.into()),
        ])
    );

    // 25 percent incoming, proportional 50%: 12.5% out.
    let c = open(ProbabilisticSamplerConfig { mode: Some(Mode::Proportional), ..cfg(50.0) });
    let r = one(
        &c,
        rec(Some(hex_tid("fefefefefefefefefef0000000000000")), &[("sampling.threshold", "c".into())]),
    )
    .expect("sampled");
    assert_eq!(attrs_of(&r), expect(&[("sampling.threshold", "e".into())]));

    // 25 percent arriving inconsistent (T > R), equalizing, fail closed: dropped.
    let c = ProbabilisticSamplerConfig { mode: Some(Mode::Equalizing), fail_closed: true, ..cfg(50.0) };
    assert!(
        one(
            &c,
            rec(Some(hex_tid("fefefefefefefefefeb0000000000000")), &[("sampling.threshold", "c".into())])
        )
        .is_none()
    );

    // 25 percent arriving, equalizing, priority 37: kept, the threshold is not lowered.
    let c = open(ProbabilisticSamplerConfig {
        mode: Some(Mode::Equalizing),
        sampling_priority: "prio".into(),
        ..cfg(50.0)
    });
    let r = one(
        &c,
        rec(
            Some(hex_tid("fefefefefefefefefefefefefefefefe")),
            &[("sampling.threshold", "c".into()), ("prio", Value::Int(37))],
        ),
    )
    .expect("sampled");
    assert_eq!(attrs_of(&r), expect(&[("sampling.threshold", "c".into()), ("prio", Value::Int(37))]));

    // hash_seed with spec randomness: an error, failing open, nothing written.
    let c = open(ProbabilisticSamplerConfig { mode: Some(Mode::HashSeed), ..cfg(100.0) });
    let r = one(&c, rec(default_tid, &[("sampling.randomness", "f2341234123412".into())])).expect("sampled");
    assert_eq!(attrs_of(&r), expect(&[("sampling.randomness", "f2341234123412".into())]));
}

#[test]
fn missing_randomness_follows_fail_closed_in_every_mode() {
    // contrib TestLogsMissingRandomness: an all-zero trace id and an empty attribute.
    for mode in [Mode::HashSeed, Mode::Proportional, Mode::Equalizing] {
        for source in [AttributeSource::TraceId, AttributeSource::Record] {
            if mode != Mode::HashSeed && source == AttributeSource::Record {
                continue; // refused by config (see config_refuses_unsupported_combinations)
            }
            for (pct, fail_closed, sampled) in [
                (0.0, true, false),
                (50.0, true, false),
                (100.0, true, false),
                (0.0, false, false),
                (50.0, false, true),
                (100.0, false, true),
            ] {
                let c = ProbabilisticSamplerConfig {
                    sampling_percentage: pct,
                    mode: Some(mode),
                    fail_closed,
                    attribute_source: source,
                    from_attribute: if mode == Mode::HashSeed { "unused".into() } else { String::new() },
                    ..Default::default()
                };
                for tid in [None, Some([0u8; 16])] {
                    let got = one(&c, rec(tid, &[("unused", "".into())])).is_some();
                    assert_eq!(
                        got, sampled,
                        "{mode:?} {source:?} {pct} fail_closed={fail_closed} tid={tid:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn trace_id_source_falls_back_to_from_attribute_without_a_trace_id() {
    let c = ProbabilisticSamplerConfig { from_attribute: "db.query.fingerprint".into(), ..cfg(50.0) };
    let (mut p, reg) = sampler(&c);
    let records: Vec<LogRecord> =
        (0..400).map(|i| rec(None, &[("db.query.fingerprint", format!("fp{i}").into())])).collect();
    let k = run(&mut p, records);
    assert!(k.len() > 120 && k.len() < 280, "about half kept: {}", k.len());
    let by = |sampled: &str| {
        reg.counter_total(
            "dbintel_probabilistic_sampler_records_total",
            &[("policy", "db.query.fingerprint"), ("sampled", sampled)],
        )
    };
    assert_eq!(by("true") as usize, k.len());
    assert_eq!((by("true") + by("false")) as usize, 400);
    // Same input, same decisions (deterministic hashing).
    let (mut p2, _) = sampler(&c);
    let again = run(
        &mut p2,
        (0..400).map(|i| rec(None, &[("db.query.fingerprint", format!("fp{i}").into())])).collect(),
    );
    assert_eq!(again, k);
}

#[test]
fn invalid_sampling_attributes_follow_fail_closed() {
    for mode in [Mode::HashSeed, Mode::Proportional] {
        for (fail_closed, kept) in [(true, false), (false, true)] {
            let c = ProbabilisticSamplerConfig { mode: Some(mode), fail_closed, ..cfg(100.0) };
            let r = rec(Some([7u8; 16]), &[("sampling.threshold", "not-hex".into())]);
            assert_eq!(one(&c, r).is_some(), kept, "{mode:?} fail_closed={fail_closed}");
        }
    }
    let (mut p, reg) = sampler(&ProbabilisticSamplerConfig { fail_closed: true, ..cfg(100.0) });
    run(&mut p, vec![rec(Some([7u8; 16]), &[("sampling.randomness", "zz".into())])]);
    assert_eq!(
        reg.counter_total(
            "dbintel_probabilistic_sampler_problems_total",
            &[("reason", "invalid_sampling_attributes")]
        ),
        1
    );
}

#[test]
fn priority_zero_drops_and_hundred_or_more_keeps() {
    let c = ProbabilisticSamplerConfig { sampling_priority: "p".into(), ..cfg(50.0) };
    let tid = Some([0x11u8; 16]);
    assert!(one(&c, rec(tid, &[("p", Value::Int(0))])).is_none(), "0 never samples (README)");
    let r = one(&c, rec(tid, &[("p", Value::Int(250))])).expect(">= 100 always samples");
    assert_eq!(r.attributes.get("sampling.threshold"), Some(&Value::from("0")));
    // Not a number: the configured percentage decides, as without the attribute.
    let with = one(&c, rec(tid, &[("p", "high".into())])).is_some();
    let without = one(&c, rec(tid, &[])).is_some();
    assert_eq!(with, without);
}

#[test]
fn shared_batches_are_not_changed() {
    let (mut p, _) = sampler(&ProbabilisticSamplerConfig { fail_closed: false, ..cfg(100.0) });
    let input = logs(vec![rec(Some([3u8; 16]), &[("a", "b".into())])]);
    let keep = Arc::clone(&input);
    let mut out = Vec::new();
    p.process(input, &mut out).expect("process");
    let SignalData::Logs(orig) = &*keep else { panic!("logs") };
    assert!(
        orig.resource_logs[0].scope_logs[0].log_records[0].attributes.get("sampling.threshold").is_none()
    );
    let k = kept(&out);
    assert_eq!(k.len(), 1);
    assert!(k[0].attributes.get("sampling.threshold").is_some());
}

// --- config ---------------------------------------------------------------------------------------

#[test]
fn readme_and_prototype_configs_load() {
    // contrib README examples.
    let c = yaml("sampling_percentage: 15\n");
    assert_eq!(c.sampling_percentage, 15.0);
    assert!(c.fail_closed);
    assert_eq!(c.sampling_precision, 4);
    assert_eq!(c.attribute_source, AttributeSource::TraceId);
    assert_eq!(c.effective_mode(), Mode::HashSeed);
    let c = yaml("sampling_percentage: 15\nattribute_source: record\nfrom_attribute: logID\n");
    assert_eq!((c.attribute_source, c.from_attribute.as_str()), (AttributeSource::Record, "logID"));
    let c = yaml("sampling_percentage: 15\nsampling_priority: priority\n");
    assert_eq!(c.sampling_priority, "priority");
    // contrib testdata/config.yaml (logs).
    let c = yaml(
        "sampling_percentage: 15.3\nhash_seed: 22\nattribute_source: record\nfrom_attribute: foo\nsampling_priority: bar\n",
    );
    assert!(c.problems().is_empty());
    let c = yaml("mode: proportional\nsampling_percentage: 0.5\nsampling_precision: 6\nfail_closed: false\n");
    assert!(c.problems().is_empty());
    // The prototype's logs/queries pipeline.
    let c = yaml("sampling_percentage: 25\nhash_seed: 22\n");
    assert!(c.problems().is_empty());
    let f: &dyn dbintel_core::Factory = &ProbabilisticSamplerFactory;
    assert_eq!(f.info().type_name, "probabilistic_sampler");
}

#[test]
fn config_refuses_unsupported_combinations() {
    let keys = |c: ProbabilisticSamplerConfig| c.problems().into_iter().map(|p| p.path).collect::<Vec<_>>();
    assert_eq!(
        keys(ProbabilisticSamplerConfig { attribute_source: AttributeSource::Record, ..cfg(10.0) }),
        ["from_attribute"]
    );
    assert_eq!(
        keys(ProbabilisticSamplerConfig {
            mode: Some(Mode::Proportional),
            attribute_source: AttributeSource::Record,
            from_attribute: "x".into(),
            hash_seed: 3,
            ..cfg(10.0)
        }),
        ["attribute_source", "from_attribute", "hash_seed"]
    );
    assert_eq!(keys(cfg(-1.0)), ["sampling_percentage"]);
    assert_eq!(keys(cfg(f32::NAN)), ["sampling_percentage"]);
    assert_eq!(keys(cfg(1e-30)), ["sampling_percentage"]);
    assert_eq!(
        keys(ProbabilisticSamplerConfig { sampling_precision: 0, ..cfg(1.0) }),
        ["sampling_precision"]
    );
    assert_eq!(
        keys(ProbabilisticSamplerConfig { sampling_precision: 15, ..cfg(1.0) }),
        ["sampling_precision"]
    );
    assert!(keys(cfg(150.0)).is_empty(), "more than 100 means all, as the README");
    let v = serde_json::json!({"mode": "random"});
    let e = parse_component_config::<ProbabilisticSamplerConfig>(&v).expect_err("bad mode");
    assert!(e.to_string().contains("mode"), "{e}");
    let v = serde_json::json!({"attribute_source": "traceid"});
    assert!(parse_component_config::<ProbabilisticSamplerConfig>(&v).is_err());
}

// --- properties -----------------------------------------------------------------------------------

fn any_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        ".{0,20}".prop_map(Value::from),
        "[0-9a-fA-F]{0,16}".prop_map(Value::from),
        any::<i64>().prop_map(Value::Int),
        any::<f64>().prop_map(Value::Double),
        any::<bool>().prop_map(Value::Bool),
        proptest::collection::vec(any::<u8>(), 0..20).prop_map(Value::Bytes),
    ]
}

fn any_record() -> impl Strategy<Value = LogRecord> {
    (
        proptest::option::of(any::<[u8; 16]>()),
        proptest::collection::vec(
            (
                prop_oneof![Just("sampling.threshold"), Just("sampling.randomness"), Just("p"), Just("k")],
                any_value(),
            ),
            0..5,
        ),
    )
        .prop_map(|(tid, attrs)| LogRecord {
            trace_id: tid,
            attributes: attrs.into_iter().collect(),
            ..Default::default()
        })
}

fn any_config() -> impl Strategy<Value = ProbabilisticSamplerConfig> {
    (
        prop_oneof![Just(0.0f32), 0.0f32..=120.0],
        any::<u32>(),
        prop_oneof![
            Just(None),
            Just(Some(Mode::HashSeed)),
            Just(Some(Mode::Proportional)),
            Just(Some(Mode::Equalizing))
        ],
        any::<bool>(),
        1u8..=14,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(pct, seed, mode, fail_closed, prec, record, prio)| {
            let hash = mode.is_none_or(|m| m == Mode::HashSeed);
            ProbabilisticSamplerConfig {
                sampling_percentage: pct,
                hash_seed: if hash { seed } else { 0 },
                mode,
                fail_closed,
                sampling_precision: prec,
                attribute_source: if hash && record {
                    AttributeSource::Record
                } else {
                    AttributeSource::TraceId
                },
                from_attribute: if hash { "k".into() } else { String::new() },
                sampling_priority: if prio { "p".into() } else { String::new() },
            }
        })
}

proptest! {
    #[test]
    fn no_input_panics_and_kept_records_carry_valid_thresholds(
        c in any_config(),
        records in proptest::collection::vec(any_record(), 0..40),
    ) {
        let (mut p, _) = sampler(&c);
        let n = records.len();
        // Invalid arriving values pass untouched when failing open, as in the Collector.
        let arriving: Vec<Value> = records.iter().filter_map(|r| r.attributes.get("sampling.threshold").cloned()).collect();
        let k = run(&mut p, records);
        prop_assert!(k.len() <= n);
        for r in &k {
            if let Some(v @ Value::Str(t)) = r.attributes.get("sampling.threshold") {
                prop_assert!(Threshold::from_tvalue(t).is_some() || arriving.contains(v), "bad threshold {t:?}");
            }
        }
    }

    #[test]
    fn sampling_rate_is_honoured(pct in 1.0f32..99.0, seed in any::<u32>(), mode in 0usize..3) {
        let mode = [Mode::HashSeed, Mode::Proportional, Mode::Equalizing][mode];
        let c = ProbabilisticSamplerConfig {
            sampling_percentage: pct,
            mode: Some(mode),
            hash_seed: if mode == Mode::HashSeed { seed } else { 0 },
            ..Default::default()
        };
        let (mut p, _) = sampler(&c);
        let n = 20_000usize;
        // Trace ids from a counter through a 64-bit mixer: distinct, well spread.
        let records: Vec<LogRecord> = (0..n as u64)
            .map(|i| {
                let mut z = (i ^ u64::from(seed)).wrapping_add(0x9e37_79b9_7f4a_7c15);
                z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                z ^= z >> 31;
                let mut tid = [0u8; 16];
                tid[..8].copy_from_slice(&i.to_be_bytes());
                tid[8..].copy_from_slice(&z.to_be_bytes());
                rec(Some(tid), &[])
            })
            .collect();
        let k = run(&mut p, records).len() as f64;
        // The rate in effect: 14-bit buckets in hash_seed mode, 4 hex digits otherwise.
        let rate = match mode {
            Mode::HashSeed => f64::from((pct * (16384.0f32 / 100.0)) as u32) / 16384.0,
            _ => Threshold::from_probability(f64::from(pct) / 100.0, 4).map_or(0.0, Threshold::probability),
        };
        let sd = (n as f64 * rate * (1.0 - rate)).sqrt();
        prop_assert!((k - n as f64 * rate).abs() <= 5.0 * sd + 1.0, "kept {k} of {n} at rate {rate}");
    }
}

#[test]
fn prototype_config_on_query_events_and_the_recommended_one() {
    let records = || -> Vec<LogRecord> {
        (0..2000)
            .map(|i| {
                rec(
                    None,
                    &[
                        ("dbintel.query.fingerprint", format!("{:016x}", (i % 500) * 7919).into()),
                        ("db.system.name", "postgresql".into()),
                    ],
                )
            })
            .collect()
    };
    // The prototype's logs/queries settings: no trace id, so no randomness, so fail_closed drops all.
    let (mut p, reg) = sampler(&yaml("sampling_percentage: 25\nhash_seed: 22\n"));
    assert!(run(&mut p, records()).is_empty());
    assert_eq!(
        reg.counter_total(
            "dbintel_probabilistic_sampler_problems_total",
            &[("reason", "missing_randomness")]
        ),
        2000
    );
    // By query: about a quarter of the 500 queries, all records of a query together.
    let (mut p, _) = sampler(&yaml(
        "sampling_percentage: 25\nhash_seed: 22\nattribute_source: record\nfrom_attribute: dbintel.query.fingerprint\n",
    ));
    let k = run(&mut p, records());
    assert!(k.len() > 300 && k.len() < 700, "{}", k.len());
    let mut per_query = std::collections::HashMap::new();
    for r in &k {
        *per_query
            .entry(r.attributes.get("dbintel.query.fingerprint").cloned().map(|v| v.to_display_string()))
            .or_insert(0) += 1;
    }
    assert!(per_query.values().all(|n| *n == 4), "each query's 4 records are kept or dropped together");
}

// --- traces ------------------------------------------------------------------------------------

fn run_spans(
    p: &mut ProbabilisticSampler,
    spans: Vec<dbintel_core::pdata::Span>,
) -> Vec<dbintel_core::pdata::Span> {
    let mut out = Vec::new();
    p.process(crate::test_util::traces(spans), &mut out).expect("process");
    crate::test_util::kept_spans(&out)
}

/// Spans and log records of the same traces get the same hash_seed decisions (one seed, one
/// tier), and a kept span carries its threshold and randomness in the tracestate's `ot` member,
/// other members kept.
#[test]
fn spans_sample_on_the_trace_id_like_the_records_of_their_trace() {
    let c = ProbabilisticSamplerConfig { hash_seed: 22, ..cfg(50.0) };
    let spans: Vec<_> = (0..200u8)
        .map(|i| {
            let mut s = crate::test_util::span("q", i, &[]);
            s.trace_state = "congo=t61rcWkgMzE".into();
            s
        })
        .collect();
    let records: Vec<LogRecord> =
        spans.iter().map(|s| rec(Some(<[u8; 16]>::try_from(s.trace_id.as_slice()).unwrap()), &[])).collect();
    let (mut ps, reg) = sampler(&c);
    let kept_spans = run_spans(&mut ps, spans);
    let (mut pl, _) = sampler(&c);
    let kept_logs = run(&mut pl, records);
    assert!(kept_spans.len() > 60 && kept_spans.len() < 140, "{}", kept_spans.len());
    let span_ids: Vec<Vec<u8>> = kept_spans.iter().map(|s| s.trace_id.clone()).collect();
    let log_ids: Vec<Vec<u8>> = kept_logs.iter().map(|r| r.trace_id.unwrap().to_vec()).collect();
    assert_eq!(span_ids, log_ids, "one decision per trace, whatever the signal");
    for (s, r) in kept_spans.iter().zip(&kept_logs) {
        let rv = r.attributes.get(RANDOMNESS_ATTR).and_then(Value::as_str).unwrap();
        let th = r.attributes.get(THRESHOLD_ATTR).and_then(Value::as_str).unwrap();
        assert_eq!(s.trace_state, format!("ot=th:{th};rv:{rv},congo=t61rcWkgMzE"));
    }
    let by = |sampled: &str| {
        reg.counter_total(
            "dbintel_probabilistic_sampler_records_total",
            &[("policy", "trace_id_hash"), ("sampled", sampled)],
        )
    };
    assert_eq!(by("true") as usize, kept_spans.len());
    assert_eq!((by("true") + by("false")) as usize, 200);
}

#[test]
fn span_tracestate_thresholds_equalize_and_priority_decides() {
    // An arriving th of 50% and equalizing at 25%: the threshold rises to 25% (c), rv is used.
    let c = ProbabilisticSamplerConfig { mode: Some(Mode::Equalizing), ..cfg(25.0) };
    let (mut p, _) = sampler(&c);
    let mut keep = crate::test_util::span("a", 1, &[]);
    keep.trace_state = "ot=th:8;rv:f0000000000000;x:y,vendor=1".into();
    let mut drop = crate::test_util::span("b", 2, &[]);
    drop.trace_state = "ot=th:8;rv:a0000000000000".into();
    let kept = run_spans(&mut p, vec![keep, drop]);
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].trace_state, "ot=th:c;rv:f0000000000000;x:y,vendor=1");
    // sampling.priority 0 drops, positive keeps, at any percentage.
    let (mut p, _) = sampler(&cfg(100.0));
    let kept = run_spans(
        &mut p,
        vec![
            crate::test_util::span("never", 3, &[("sampling.priority", Value::Int(0))]),
            crate::test_util::span("kept", 4, &[]),
        ],
    );
    assert_eq!(kept.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["kept"]);
    let (mut p, _) = sampler(&cfg(0.0));
    let kept = run_spans(
        &mut p,
        vec![crate::test_util::span("must", 5, &[("sampling.priority", Value::from("1"))])],
    );
    assert_eq!(kept.len(), 1);
    // A malformed tracestate is invalid sampling information: fail_closed drops.
    let (mut p, _) = sampler(&cfg(100.0));
    let mut bad = crate::test_util::span("bad", 6, &[]);
    bad.trace_state = "ot=th:zz".into();
    assert!(run_spans(&mut p, vec![bad]).is_empty());
}

#[test]
fn logs_only_keys_are_refused_in_a_traces_pipeline() {
    let c = ProbabilisticSamplerConfig {
        from_attribute: "db.query.fingerprint".into(),
        sampling_priority: "prio".into(),
        ..cfg(10.0)
    };
    let p = ProbabilisticSamplerFactory.check_for_signal(&c, dbintel_core::Signal::Traces);
    let keys: Vec<&str> = p.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(keys, ["from_attribute", "sampling_priority"]);
    assert!(ProbabilisticSamplerFactory.check_for_signal(&c, dbintel_core::Signal::Logs).is_empty());
}
