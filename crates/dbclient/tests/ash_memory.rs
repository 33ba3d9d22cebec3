//! The active-session-history ring's memory at its cap, measured with a counting allocator: 10000
//! samples (the default `buffer_size`) of 200 sessions running 50 distinct statements, blocked
//! sessions among them. The number is printed (`--nocapture`) and bounded.
#![allow(unsafe_code)] // a counting global allocator, as in crates/sql/tests/memory.rs

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use dbintel_dbclient::ash::{Ash, AshConfig, POSTGRESQL, SessionRow};

struct Counting;
static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        LIVE.fetch_add(n as isize - l.size() as isize, Ordering::Relaxed);
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static A: Counting = Counting;

fn sessions(tick: u64) -> Vec<SessionRow> {
    (0..200i64)
        .map(|i| SessionRow {
            session_id: 10_000 + i,
            database: format!("app_db_{}", i % 4),
            user: "application_user".into(),
            application: "checkout-service-7f9c".into(),
            state: "active".into(),
            active: true,
            wait_event_type: if i % 5 == 0 { "Lock".into() } else { "IO".into() },
            wait_event: if i % 5 == 0 { "transactionid".into() } else { "DataFileRead".into() },
            query_id: format!("{}", -4_000_000_000_000_000_000i64 + i % 50),
            query: format!(
                "SELECT o.id, o.total, c.name FROM orders o JOIN customers c ON c.id = o.customer_id \
                 WHERE o.status = 'open' AND o.region_{} = $1 ORDER BY o.created_at DESC LIMIT 50",
                i % 50
            ),
            running_ms: Some(120.0 + tick as f64),
            blocked_by: if i % 5 == 0 { vec![10_001] } else { Vec::new() },
            lock_type: if i % 5 == 0 { "transactionid".into() } else { String::new() },
            backend_type: "client backend".into(),
        })
        .collect()
}

#[test]
fn the_ring_at_its_cap() {
    let cfg = AshConfig { enabled: true, ..Default::default() };
    assert_eq!(cfg.capacity(), 10_000);
    let before = LIVE.load(Ordering::Relaxed);
    let mut ash = Ash::new(cfg, POSTGRESQL, 0);
    for t in 1..=60u64 {
        ash.record_tick(t * 1_000_000_000, sessions(t));
    }
    let held = LIVE.load(Ordering::Relaxed) - before;
    assert_eq!(ash.ring().len(), 10_000, "at the cap");
    let estimate = ash.ring_bytes();
    println!(
        "ASH ring at its cap: {} samples, {} bytes allocated ({:.0} bytes/sample; ring_bytes() estimate {})",
        ash.ring().len(),
        held,
        held as f64 / 10_000.0,
        estimate
    );
    // Stated bound: under 4 MiB at the default cap (the interval aggregates are included).
    assert!(held > 0 && held < 4 * 1024 * 1024, "{held}");
    // The estimate the gauge shows is within 2x of the allocator's count.
    assert!(
        (estimate as f64) > held as f64 / 2.0 && (estimate as f64) < held as f64 * 2.0,
        "{estimate} vs {held}"
    );
}
