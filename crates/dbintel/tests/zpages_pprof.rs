//! `dbintel run` with the `zpages` and `pprof` extensions against a throwaway PostgreSQL: the pages
//! answer at the Collector's paths with the live pipeline (status and counts that grow), and
//! `/debug/pprof/profile` returns a CPU profile that the official Python protobuf package parses.

mod support;

use std::io::{Read, Write};
use std::time::Duration;

use dbintel_test_support::shared_postgres;
use support::{Running, free_port, http_get, wait_for};

/// The number after `{name}: ` in the pipelinez cell of component `id`.
fn count_in(page: &str, id: &str, name: &str) -> Option<u64> {
    let cell = &page[page.find(&format!("<b>{id}</b>"))?..];
    let cell = &cell[..cell.find("</td>")?];
    let at = cell.find(&format!("<br>{name}: "))? + name.len() + 6;
    cell[at..].split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

/// A GET whose body is binary.
fn get_bytes(addr: &str, path: &str) -> (u16, Vec<u8>) {
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    // HTTP/1.0: no chunked encoding, the body ends with the connection.
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n").expect("headers") + 4;
    let head = String::from_utf8_lossy(&buf[..end]).to_string();
    (head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0), buf[end..].to_vec())
}

#[test]
fn zpages_show_the_live_pipeline_and_pprof_serves_a_cpu_profile() {
    let pg = shared_postgres();
    let db = pg.create_database("e2e_zpages");
    let dir = tempfile::tempdir().unwrap();
    let (zp, pp, tp) = (free_port(), free_port(), free_port());
    let config = format!(
        r#"
receivers:
  sqlquery/busy:
    driver: postgres
    datasource: ${{env:E2E_DATASOURCE}}
    collection_interval: 100ms
    initial_delay: 0s
    queries:
      - sql: "SELECT g AS n, g % 7 AS k FROM generate_series(1, 2000) g"
        metrics:
          - metric_name: e2e.n
            value_column: n
            attribute_columns: [k]
processors:
  batch:
    timeout: 100ms
exporters:
  file:
    path: {out}
extensions:
  zpages:
    endpoint: 127.0.0.1:{zp}
  pprof:
    endpoint: 127.0.0.1:{pp}
    block_profile_fraction: 3
service:
  extensions: [zpages, pprof]
  telemetry:
    metrics:
      address: 127.0.0.1:{tp}
  pipelines:
    metrics:
      receivers: [sqlquery/busy]
      processors: [batch]
      exporters: [file]
"#,
        out = dir.path().join("out.jsonl").display()
    );
    let cfg = dir.path().join("config.yaml");
    std::fs::write(&cfg, &config).unwrap();
    let cfg = cfg.display().to_string();

    let validated = std::process::Command::new(support::bin())
        .args(["validate", "--config", &cfg])
        .env("E2E_DATASOURCE", pg.url(&db))
        .output()
        .unwrap();
    let said =
        String::from_utf8_lossy(&validated.stderr).to_string() + &String::from_utf8_lossy(&validated.stdout);
    assert!(validated.status.success(), "{said}");
    assert!(said.contains("block_profile_fraction"), "the ignored key is warned about: {said}");

    let mut run = Running::start(&["run", "--config", &cfg], &[("E2E_DATASOURCE", &pg.url(&db))], dir.path());
    let zpages = format!("127.0.0.1:{zp}");
    let mut first = 0;
    wait_for("points exported, as pipelinez shows", Duration::from_secs(60), || {
        let (code, page) = http_get(&zpages, "/debug/pipelinez");
        first = if code == 200 { count_in(&page, "file", "sent").unwrap_or(0) } else { 0 };
        first > 0
    });
    let (_, page) = http_get(&zpages, "/debug/pipelinez");
    assert!(page.contains("<td>metrics</td><td>metrics</td>"), "{page}");
    assert!(page.contains("<b>sqlquery/busy</b> <span class=\"status\">ok</span>"), "{page}");
    assert!(page.contains("<b>batch</b>") && page.contains("<b>file</b>"), "{page}");
    assert!(
        count_in(&page, "sqlquery/busy", "accepted").unwrap() >= count_in(&page, "file", "sent").unwrap()
    );
    // Counts are live: they grow while the receiver scrapes.
    wait_for("the sent count to grow", Duration::from_secs(60), || {
        let (_, page) = http_get(&zpages, "/debug/pipelinez");
        count_in(&page, "file", "sent").unwrap_or(0) > first
    });
    for (path, text) in [
        ("/debug/servicez", "Uptime"),
        ("/debug/extensionz", "<td>pprof</td><td class=\"status\">ok</td>"),
        ("/debug/featurez", "Feature gates"),
        ("/debug/tracez", "Span name"),
    ] {
        let (code, page) = http_get(&zpages, path);
        assert_eq!(code, 200, "{path}");
        assert!(page.contains(text), "{path}: {page}");
    }

    // A CPU profile of 2 seconds of the running collector, parsed by the official protobuf package.
    let (code, body) = get_bytes(&format!("127.0.0.1:{pp}"), "/debug/pprof/profile?seconds=2");
    assert_eq!(code, 200, "{}", String::from_utf8_lossy(&body));
    let profile_file = dir.path().join("cpu.pb.gz");
    std::fs::write(&profile_file, &body).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/pprof_summary.py");
    let out = std::process::Command::new("python3").arg(script).arg(&profile_file).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // Go's layout: samples/count and cpu/nanoseconds.
    assert_eq!(summary["sample_types"], serde_json::json!([["samples", "count"], ["cpu", "nanoseconds"]]));
    assert!(summary["samples"].as_u64().unwrap() > 0, "the collector used CPU while profiled: {summary}");
    let functions = summary["functions"].as_array().unwrap();
    assert!(
        functions.iter().any(|f| f.as_str().is_some_and(|f| f.contains("dbintel_"))),
        "the collector's own functions are symbolized: {summary}"
    );
    let (code, heap) = http_get(&format!("127.0.0.1:{pp}"), "/debug/pprof/heap");
    assert_eq!(code, 200);
    assert!(heap.contains("VmRSS:"), "{heap}");

    run.signal("TERM");
    assert!(run.wait_exit(Duration::from_secs(30)).success(), "{}", run.stderr());
}
