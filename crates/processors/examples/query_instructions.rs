//! Instructions per record of planattributeextractor and verification in the steady state, for
//! callgrind: runs the two in the recommended chain order on `benches/common` batches (1000 records)
//! for a number of batches given on the command line. Run it twice with different counts under
//! `valgrind --tool=callgrind` and divide the difference of a processor's inclusive cost by the
//! difference of records, so the first batch's parsing and fingerprinting is left out:
//!
//! ```text
//! cargo build --release -p dbintel-processors --example query_instructions
//! valgrind --tool=callgrind --callgrind-out-file=a.out target/release/examples/query_instructions 10
//! valgrind --tool=callgrind --callgrind-out-file=b.out target/release/examples/query_instructions 30
//! callgrind_annotate --inclusive=yes a.out | grep 'as dbintel_core::Processor>::process'
//! ```
//!
//! A second argument `four` runs the four query processors in the correlator-first order
//! (planattributeextractor -> verification -> querycorrelator -> adaptivesampler, defaults), as
//! `benches/query_pipeline` does, so querycorrelator's and adaptivesampler's costs are counted on the
//! records as they reach them in that chain. `sampler` runs adaptivesampler alone (defaults) on the
//! records of `benches/adaptivesampler` (500 a batch, 20 distinct batches in turn, each an owned
//! copy), as that bench's `defaults` case does; the count is then of batches of 500.

#[path = "../benches/common/mod.rs"]
mod common;

use std::sync::Arc;

use dbintel_core::component::{Built, CreateContext};
use dbintel_core::pdata::SignalData;
use dbintel_core::telemetry::Registry;
use dbintel_core::{Factory, Processor};
use dbintel_processors::adaptivesampler::AdaptiveSamplerFactory;
use dbintel_processors::planattributeextractor::PlanAttributeExtractorFactory;
use dbintel_processors::querycorrelator::QueryCorrelatorFactory;
use dbintel_processors::verification::VerificationFactory;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn build(factory: &dyn Factory, name: &str, reg: &Registry) -> Box<dyn Processor> {
    let ctx = CreateContext::new(name.parse().expect("id"), reg.clone());
    match factory.create(&ctx, &serde_json::json!({})) {
        Ok(Built::Processor(p)) => p,
        _ => panic!("{name} builds"),
    }
}

/// adaptivesampler alone, as `benches/adaptivesampler`'s `defaults` on owned batches.
fn sampler(batches: usize, reg: &Registry) {
    use dbintel_core::pdata::{Logs, ResourceLogs, ScopeLogs};
    let per = common::sampler::RECORDS_PER_BATCH;
    let inputs: Vec<SignalData> = (0..20)
        .map(|b| {
            let records = (0..per).map(|i| common::sampler::record(b * per + i)).collect();
            SignalData::Logs(Logs {
                resource_logs: vec![ResourceLogs {
                    scope_logs: vec![ScopeLogs { log_records: records, ..Default::default() }],
                    ..Default::default()
                }],
            })
        })
        .collect();
    let mut p = build(&AdaptiveSamplerFactory, "adaptivesampler", reg);
    let mut kept = 0usize;
    for b in 0..batches {
        let mut out = Vec::with_capacity(1);
        p.process(Arc::new(inputs[b % inputs.len()].clone()), &mut out).expect("sampler");
        kept += out.iter().map(|d| d.item_count()).sum::<usize>();
    }
    println!("{batches} batches, {kept} records out");
}

fn main() {
    let batches: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let reg = Registry::new();
    if std::env::args().nth(2).as_deref() == Some("sampler") {
        return sampler(batches, &reg);
    }
    let mut extractor = build(&PlanAttributeExtractorFactory, "planattributeextractor", &reg);
    let mut verification = build(&VerificationFactory, "verification", &reg);
    let mut rest: Vec<Box<dyn Processor>> = if std::env::args().nth(2).as_deref() == Some("four") {
        vec![
            build(&QueryCorrelatorFactory, "querycorrelator", &reg),
            build(&AdaptiveSamplerFactory, "adaptivesampler", &reg),
        ]
    } else {
        Vec::new()
    };
    let input = common::top_query_batch(1000);
    let mut kept = 0usize;
    for _ in 0..batches {
        let mut mid = Vec::with_capacity(1);
        extractor.process(Arc::new(input.clone()), &mut mid).expect("extractor");
        let mut out = Vec::with_capacity(2);
        for d in mid {
            verification.process(d, &mut out).expect("verification");
        }
        for p in rest.iter_mut() {
            let mut next = Vec::with_capacity(2);
            for d in out {
                p.process(d, &mut next).expect("process");
            }
            out = next;
        }
        kept += out.iter().map(|d| d.item_count()).sum::<usize>();
    }
    println!("{batches} batches, {kept} records out");
}
