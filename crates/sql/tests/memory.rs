//! Peak heap memory of the statement analysis stays linear in the input with a small factor, on
//! pathological text too (deep brackets, long boolean chains). Counted by a global allocator, so the
//! bound is on bytes allocated, not on time.

// A counting global allocator needs `unsafe impl GlobalAlloc`; it only forwards to `System`.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use dbintel_sql::{
    Dialect, MAX_ANALYZED_TOKENS, MAX_STATEMENT_BYTES, analyze_statement, fingerprint, normalize, obfuscate,
    statement_facts,
};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let now =
                    CURRENT.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size - layout.size();
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// One measurement at a time: the counters are process-wide.
static SERIAL: Mutex<()> = Mutex::new(());

/// Peak bytes allocated (above what was live before) while running `f`.
fn peak_of<R>(f: impl FnOnce() -> R) -> usize {
    let base = CURRENT.load(Ordering::SeqCst);
    PEAK.store(base, Ordering::SeqCst);
    let r = f();
    let peak = PEAK.load(Ordering::SeqCst);
    drop(r);
    peak.saturating_sub(base)
}

/// The pathological and realistic inputs of issue 8: (name, text).
fn inputs() -> Vec<(&'static str, String)> {
    let mut or_chain = String::from("SELECT * FROM t WHERE ");
    for _ in 0..150_000 {
        or_chain.push_str("(1=2) or ");
    }
    or_chain.push_str("true");
    let mut realistic =
        String::from("SELECT o.id, o.total, c.name FROM orders o JOIN customers c ON c.id = o.cid WHERE ");
    let mut i = 0u64;
    while realistic.len() < 3_000_000 {
        realistic.push_str(&format!(
            "(o.status = 'shipped-{i}' AND o.total > {i}.5 AND c.email LIKE '%user{i}@example.com' AND o.id IN ({i}, {}, {})) OR ",
            i + 1,
            i + 2
        ));
        i += 1;
    }
    realistic.push_str("false ORDER BY o.id LIMIT 10");
    let mut insert = String::from("INSERT INTO t (a, b, c) VALUES ");
    while insert.len() < 1 << 20 {
        insert.push_str("(1, 'x', \"q\"), ");
    }
    insert.push_str("(2, 'y', NULL)");
    vec![
        ("4 MiB of (", "(".repeat(MAX_STATEMENT_BYTES)),
        ("64 KiB of (", "(".repeat(64 * 1024)),
        ("150k `(1=2) or` terms", or_chain),
        ("3 MB realistic query", realistic),
        ("1 MiB multi-row INSERT", insert),
        ("4 MiB of `a.b,`", "a.b,".repeat(MAX_STATEMENT_BYTES / 4)),
    ]
}

/// Peak heap of each entry point for each input: (input, entry point, input bytes, peak bytes).
fn measure() -> Vec<(&'static str, &'static str, usize, usize)> {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let mut out = Vec::new();
    for (name, text) in inputs() {
        let d = Dialect::Postgresql;
        let runs: [(&str, usize); 5] = [
            ("analyze_statement", peak_of(|| analyze_statement(d, &text))),
            ("obfuscate", peak_of(|| obfuscate(d, &text))),
            ("normalize", peak_of(|| normalize(d, &text))),
            ("fingerprint", peak_of(|| fingerprint(d, &text))),
            ("statement_facts", peak_of(|| statement_facts(d, &text))),
        ];
        for (what, peak) in runs {
            out.push((name, what, text.len(), peak));
        }
    }
    out
}

/// The bound: the output strings (obfuscated and normal text, at most the input each) plus a
/// fixed window for the tokens the analysis looks at (at most MAX_ANALYZED_TOKENS, ~115 bytes each).
const PER_INPUT_BYTE: usize = 3;
const TOKEN_WINDOW: usize = MAX_ANALYZED_TOKENS * 128;

#[test]
fn analysis_memory_is_linear_with_a_small_factor() {
    let mut failures = Vec::new();
    for (input, what, len, peak) in measure() {
        let bound = PER_INPUT_BYTE * len + TOKEN_WINDOW;
        println!(
            "{input:>24} {what:>18}: peak {:>7.2} MB = {:>6.2} bytes per input byte (bound {:.1} MB)",
            peak as f64 / 1e6,
            peak as f64 / len as f64,
            bound as f64 / 1e6
        );
        if peak > bound {
            failures.push(format!("{input} / {what}: {peak} bytes > {bound}"));
        }
    }
    assert!(failures.is_empty(), "memory over the bound:\n{}", failures.join("\n"));
}
