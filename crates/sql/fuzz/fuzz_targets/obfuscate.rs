#![no_main]
//! Obfuscation on arbitrary text, both dialects, with and without options. Checks that the output
//! never grows, and that a marker which the lexer sees inside a string literal never survives
//! (whatever precedes it: unbalanced quotes, comments, dollar tags, truncation).

use dbintel_sql::lexer::{Lexer, TokenKind};
use dbintel_sql::{Dialect, ObfuscateOptions, obfuscate, obfuscate_with};
use libfuzzer_sys::fuzz_target;

const MARK: &str = "ZZSECRETZZ";

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    for d in [Dialect::Postgresql, Dialect::Mysql] {
        if let Ok(o) = obfuscate(d, s) {
            assert!(o.len() <= s.len() + 1, "obfuscated text grew");
        }
        let opts = ObfuscateOptions {
            keep_booleans: true,
            keep_null: true,
            keep_comment_keys: vec!["route".into(), "application".into()],
        };
        let _ = obfuscate_with(d, s, &opts);
        if s.contains(MARK) {
            continue;
        }
        for wrapped in [format!("{s} '{MARK}'"), format!("{s}'{MARK}"), format!("{s} \"{MARK}\"")] {
            let at = wrapped.find(MARK).unwrap_or(0);
            let in_literal = Lexer::new(d, &wrapped).any(|t| {
                matches!(t.kind, TokenKind::String { .. }) && t.start < at && at + MARK.len() <= t.end
            });
            if in_literal && let Ok(o) = obfuscate(d, &wrapped) {
                assert!(!o.contains(MARK), "secret leaked");
            }
            if in_literal && let Ok(o) = obfuscate_with(d, &wrapped, &opts) {
                assert!(!o.contains(MARK), "secret leaked with options");
            }
        }
    }
});
