#![no_main]
//! Normal form, fingerprint and statement facts on arbitrary text. Checks that the fingerprint is a
//! function of the normal form.

use dbintel_sql::{Dialect, analyze_statement, analyze_statement_json, fingerprint, normalize};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    for d in [Dialect::Postgresql, Dialect::Mysql] {
        let n = normalize(d, s);
        let f = fingerprint(d, s);
        if let (Ok(_), Ok(f)) = (&n, &f)
            && let Ok(a) = analyze_statement(d, s)
        {
            assert_eq!(a.fingerprint, f.to_hex());
        }
        let _ = analyze_statement_json(d, s);
    }
});
