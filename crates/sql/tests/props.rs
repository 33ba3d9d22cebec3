//! Property tests: statements built from templates with secret literals placed in every literal
//! syntax of each dialect (strings with every escape style, prefixed strings, dollar quotes, bit and
//! hex strings, numbers of every form, comments). The obfuscated text never contains a secret, also
//! when the statement is cut at any byte (as `track_activity_query_size` does). Fingerprints do not
//! depend on the literals.

use dbintel_sql::{Dialect, analyze_statement, fingerprint, normalize, obfuscate};
use proptest::prelude::*;

/// Secrets are `zqx…qxz`: neither marker can come from a template, so finding one in the output is a
/// leak. Digits can only come from literals too (templates have none).
fn secret() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-zA-Z '\"\\\\$*/#;\\-\\n\\téß北]{0,24}")
        .expect("regex")
        .prop_map(|s| format!("zqx{s}qxz"))
}

fn digits() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[1-9][0-9]{0,12}").expect("regex")
}

fn hex_of(d: &str) -> String {
    d.bytes().map(|b| format!("{:02X}", b)).collect()
}

fn bits_of(d: &str) -> String {
    d.bytes().map(|b| format!("{:08b}", b)).collect()
}

fn pg_literal(kind: u8, s: &str, d: &str) -> String {
    match kind % 17 {
        0 => format!("'{}'", s.replace('\'', "''")),
        1 => format!("E'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
        2 => format!("e'{}'", s.replace('\\', "\\\\").replace('\'', "''")),
        3 => format!("U&'{}'", s.replace('\\', "\\\\").replace('\'', "''")),
        4 => format!("N'{}'", s.replace('\'', "''")),
        5 => format!("$${}$$", s.replace('$', "")),
        6 => format!("$tag${}$tag$", s.replace('$', "")),
        7 => format!("B'{}'", bits_of(d)),
        8 => format!("X'{}'", hex_of(d)),
        9 => format!("-{d}.{d}e-{d}"),
        10 => format!("0x{}", hex_of(d)),
        11 => format!("+{d}"),
        12 => format!(".{d}E+{d}"),
        13 => format!("/* {} */ NULL", s.replace(['*', '/'], "")),
        14 => format!("-- {}\n TRUE", s.replace(['\n', '\r'], "")),
        15 => format!("/* a /* {} */ b */ FALSE", s.replace(['*', '/'], "")),
        _ => format!("'{}'::text", s.replace('\'', "''")),
    }
}

fn my_literal(kind: u8, s: &str, d: &str) -> String {
    let bs = |q: char| s.replace('\\', "\\\\").replace(q, &format!("\\{q}"));
    match kind % 17 {
        0 => format!("'{}'", bs('\'')),
        1 => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "''")),
        2 => format!("\"{}\"", bs('"')),
        3 => format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\"\"")),
        4 => format!("_utf8mb4'{}'", bs('\'')),
        5 => format!("N'{}'", bs('\'')),
        6 => format!("X'{}'", hex_of(d)),
        7 => format!("x'{}'", hex_of(d)),
        8 => format!("b'{}'", bits_of(d)),
        9 => format!("0x{}", hex_of(d)),
        10 => format!("0b{}", bits_of(d)),
        11 => format!("-{d}.{d}e{d}"),
        12 => format!("# {}\n NULL", s.replace(['\n', '\r'], "")),
        13 => format!("-- {}\n TRUE", s.replace(['\n', '\r'], "")),
        14 => format!("/* {} */ FALSE", s.replace(['*', '/'], "")),
        15 => format!("_binary'{}'", bs('\'')),
        _ => format!("n\"{}\"", bs('"')).replacen('n', "", 1),
    }
}

const TEMPLATES: &[&str] = &[
    "SELECT a, {} FROM t WHERE b = {} AND c IN ({}, {}, {}) ORDER BY d",
    "INSERT INTO t (a, b) VALUES ({}, {}), ({}, {})",
    "UPDATE t SET a = {}, b = {} WHERE id = {}",
    "SELECT * FROM t JOIN u ON u.id = t.uid WHERE t.a BETWEEN {} AND {} OR u.b LIKE {} LIMIT {}",
    "DELETE FROM t WHERE a = {} AND b <> {} AND c IS NOT NULL",
    "SELECT count(*) AS n FROM t x WHERE x.a = {} GROUP BY x.b HAVING count(*) > {}",
];

fn build(dialect: Dialect, template: &str, lits: &[(u8, String, String)]) -> String {
    let mut out = String::new();
    let mut it = lits.iter().cycle();
    let parts: Vec<&str> = template.split("{}").collect();
    for (i, p) in parts.iter().enumerate() {
        out.push_str(p);
        if i + 1 < parts.len()
            && let Some((k, s, d)) = it.next()
        {
            out.push_str(&match dialect {
                Dialect::Postgresql => pg_literal(*k, s, d),
                Dialect::Mysql => my_literal(*k, s, d),
            });
        }
    }
    out
}

fn leaks(out: &str) -> bool {
    // A charset introducer name cut before its quote is not a literal.
    let out = &out.replace("_utf8mb4", "").replace("_utf8mb", "").replace("_utf8", "");
    out.contains("zqx") || out.contains("qxz") || out.bytes().any(|b| b.is_ascii_digit())
}

fn literals() -> impl Strategy<Value = Vec<(u8, String, String)>> {
    proptest::collection::vec((any::<u8>(), secret(), digits()), 1..6)
}

fn dialect() -> impl Strategy<Value = Dialect> {
    prop_oneof![Just(Dialect::Postgresql), Just(Dialect::Mysql)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn obfuscated_text_never_contains_a_secret(d in dialect(), t in 0..TEMPLATES.len(), lits in literals()) {
        let sql = build(d, TEMPLATES[t], &lits);
        let out = obfuscate(d, &sql).expect("obfuscate");
        prop_assert!(!leaks(&out), "leak: {sql:?} -> {out:?}");
        let a = analyze_statement(d, &sql).expect("analyze");
        prop_assert!(!leaks(&a.normalized), "leak in normal form: {sql:?} -> {:?}", a.normalized);
        prop_assert!(!leaks(&a.summary) && !a.tables.iter().any(|x| leaks(x)));
    }

    #[test]
    fn truncated_text_never_contains_a_secret(d in dialect(), t in 0..TEMPLATES.len(), lits in literals(), cut in any::<prop::sample::Index>()) {
        let sql = build(d, TEMPLATES[t], &lits);
        let mut at = cut.index(sql.len() + 1);
        while !sql.is_char_boundary(at) { at -= 1; }
        let cut_sql = &sql[..at];
        let out = obfuscate(d, cut_sql).expect("obfuscate");
        prop_assert!(!leaks(&out), "leak: {cut_sql:?} -> {out:?}");
        let n = normalize(d, cut_sql).expect("normalize");
        prop_assert!(!leaks(&n), "leak in normal form: {cut_sql:?} -> {n:?}");
    }

    #[test]
    fn fingerprint_ignores_literals_and_literal_syntax(d in dialect(), t in 0..TEMPLATES.len(), a in literals(), b in literals()) {
        // Kind 16 adds a `::text` cast in PostgreSQL: a structural difference, excluded here.
        let strip = |v: Vec<(u8, String, String)>| -> Vec<(u8, String, String)> {
            v.into_iter().map(|(k, s, d)| (k % 16, s, d)).collect()
        };
        let (a, b) = (strip(a), strip(b));
        let fa = fingerprint(d, &build(d, TEMPLATES[t], &a)).expect("fp");
        let fb = fingerprint(d, &build(d, TEMPLATES[t], &b)).expect("fp");
        prop_assert_eq!(fa, fb, "{:?} vs {:?}", normalize(d, &build(d, TEMPLATES[t], &a)), normalize(d, &build(d, TEMPLATES[t], &b)));
    }

    #[test]
    fn obfuscation_is_idempotent(d in dialect(), t in 0..TEMPLATES.len(), lits in literals()) {
        let once = obfuscate(d, &build(d, TEMPLATES[t], &lits)).expect("obfuscate");
        let twice = obfuscate(d, &once).expect("obfuscate");
        prop_assert_eq!(once, twice);
    }

    #[test]
    fn arbitrary_text_never_panics(d in dialect(), s in "\\PC{0,200}") {
        let _ = analyze_statement(d, &s);
        let _ = obfuscate(d, &s);
    }
}

#[test]
fn different_structure_different_fingerprint() {
    let f = |d, s: &str| fingerprint(d, s).expect("fp");
    for d in [Dialect::Postgresql, Dialect::Mysql] {
        let base = f(d, "SELECT a FROM t WHERE b = 1");
        for other in [
            "SELECT a FROM u WHERE b = 1",
            "SELECT c FROM t WHERE b = 1",
            "SELECT a FROM t WHERE b > 1",
            "SELECT a FROM t WHERE b = 1 ORDER BY a",
            "SELECT a, b FROM t WHERE b = 1",
            "DELETE FROM t WHERE b = 1",
        ] {
            assert_ne!(base, f(d, other), "{other}");
        }
        for same in [
            "select a from t where b = 2",
            "SELECT  a\nFROM t -- c\n WHERE b = 'x'",
            "SELECT a AS x FROM t WHERE b = ?",
            "SELECT a FROM t tt WHERE b = -3.5e2",
        ] {
            assert_eq!(base, f(d, same), "{same}");
        }
    }
}

/// Adversarial shapes near the size limit complete (no recursion, no quadratic rescans); the test
/// would time out rather than fail if a quadratic path came back.
#[test]
fn pathological_inputs_complete() {
    let n = 50_000;
    let inputs = [
        "SELECT * FROM (".repeat(n),
        format!("SELECT * FROM t WHERE a IN ({}1)", "1, ".repeat(n)),
        "CAST(1 AS ".repeat(n),
        format!("INSERT INTO t VALUES {}(1)", "(1), ".repeat(n)),
        "WITH x AS (".repeat(n) + &") AS (".repeat(n),
        "((((((((((".repeat(n / 10) + &"), (a)".repeat(n),
        "$a$".repeat(n),
        "/*".repeat(n),
        "'".repeat(n),
        "FROM t AS x (".repeat(n / 4),
        "x::int(".repeat(n / 4),
        "- - - - 1 ".repeat(n / 4),
    ];
    for d in [Dialect::Postgresql, Dialect::Mysql] {
        for s in &inputs {
            assert!(s.len() <= dbintel_sql::MAX_STATEMENT_BYTES);
            let _ = analyze_statement(d, s);
        }
    }
}
