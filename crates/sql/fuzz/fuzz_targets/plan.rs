#![no_main]
//! Plan analysis on arbitrary documents (and on mutations of real plans from the seed corpus), both
//! dialects; compares every result with itself.

use dbintel_sql::{Dialect, analyze_plan, analyze_plan_json, compare_plans};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    for d in [Dialect::Postgresql, Dialect::Mysql] {
        if let Ok(a) = analyze_plan(d, s) {
            let c = compare_plans(&a.summary, &a.summary);
            assert!(c.same_shape);
        }
        let _ = analyze_plan_json(d, s);
    }
});
