use std::io::Read as _;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use super::*;
use ::pprof::protos::Message as _;
use dbintel_core::Factory;
use dbintel_core::health::HealthRegistry;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A GET returning status and raw body bytes (profiles are binary).
async fn get_bytes(addr: &str, path: &str) -> (u16, Vec<u8>) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(req.as_bytes()).await.expect("write");
    let mut buf = Vec::new();
    stream.read_to_end(&mut buf).await.expect("read");
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n").expect("headers") + 4;
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let code = head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    (code, body)
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(std::str::from_utf8(&data[..eol]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[eol + 2 + size + 2..];
    }
    out
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

fn context(
    shutdown: &CancellationToken,
) -> (ExtensionContext, tokio::sync::oneshot::Receiver<Result<(), String>>) {
    let registry = HealthRegistry::new();
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
    let ctx = ExtensionContext {
        id: "pprof".parse().unwrap(),
        shutdown: shutdown.clone(),
        health: registry.register(ComponentKind::Extension, "pprof".parse().unwrap()),
        health_registry: registry,
        telemetry: Default::default(),
        ready: Some(ready_tx),
    };
    (ctx, ready_rx)
}

#[inline(never)]
fn burn(stop: &AtomicBool, sink: &AtomicU64) {
    let mut x = 1u64;
    while !stop.load(Ordering::Relaxed) {
        for i in 0..10_000u64 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(i);
        }
        sink.store(x, Ordering::Relaxed);
    }
}

fn decode(gz: &[u8]) -> ::pprof::protos::Profile {
    assert_eq!(&gz[..2], &[0x1f, 0x8b], "gzip, as Go serves profiles");
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(gz).read_to_end(&mut raw).expect("gunzip");
    ::pprof::protos::Profile::decode(raw.as_slice()).expect("a perftools.profiles.Profile")
}

/// One test for the whole profiler (it is one per process): the HTTP profile while a thread burns
/// CPU, a second request while it runs (409), bad parameters, the heap summary, `save_to_file`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_a_cpu_profile_with_samples_of_a_busy_thread_and_a_heap_summary() {
    let endpoint = format!("127.0.0.1:{}", free_port());
    let shutdown = CancellationToken::new();
    let (ctx, ready) = context(&shutdown);
    let dir = std::env::temp_dir().join(format!("dbintel-pprof-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let saved = dir.join("run.pb.gz");
    let config = PprofConfig { endpoint: endpoint.clone(), ..Default::default() };
    let task = tokio::spawn(Box::new(Pprof { config }).run(ctx));
    ready.await.unwrap().unwrap();

    let stop = Arc::new(AtomicBool::new(false));
    let sink = Arc::new(AtomicU64::new(0));
    let burner = {
        let (stop, sink) = (stop.clone(), sink.clone());
        std::thread::spawn(move || burn(&stop, &sink))
    };
    let first = tokio::spawn({
        let endpoint = endpoint.clone();
        async move { get_bytes(&endpoint, "/debug/pprof/profile?seconds=2").await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (code, body) = get_bytes(&endpoint, "/debug/pprof/profile?seconds=1").await;
    assert_eq!(code, 409, "{}", String::from_utf8_lossy(&body));
    let (code, body) = first.await.unwrap();
    stop.store(true, Ordering::Relaxed);
    burner.join().unwrap();
    assert_eq!(code, 200, "{}", String::from_utf8_lossy(&body));
    let profile = decode(&body);
    assert!(!profile.sample.is_empty(), "no samples while a thread was busy");
    let samples: i64 = profile.sample.iter().map(|s| s.value.first().copied().unwrap_or(0)).sum();
    assert!(samples >= 10, "{samples} samples over 2s of a busy thread at 100 Hz");
    let names: Vec<&str> = profile
        .function
        .iter()
        .filter_map(|f| profile.string_table.get(usize::try_from(f.name).ok()?).map(String::as_str))
        .collect();
    assert!(names.iter().any(|n| n.contains("burn")), "the busy function is symbolized: {names:?}");

    for bad in ["seconds=0", "seconds=abc", "seconds=99999"] {
        let (code, _) = get_bytes(&endpoint, &format!("/debug/pprof/profile?{bad}")).await;
        assert_eq!(code, 400, "{bad}");
    }
    let (code, body) = get_bytes(&endpoint, "/debug/pprof/heap").await;
    let text = String::from_utf8_lossy(&body);
    assert_eq!(code, 200);
    assert!(text.lines().any(|l| l.starts_with("VmRSS:")), "{text}");
    let (code, _) = get_bytes(&endpoint, "/debug/pprof/goroutine").await;
    assert_eq!(code, 501);
    let (code, body) = get_bytes(&endpoint, "/debug/pprof/").await;
    assert_eq!(code, 200);
    assert!(String::from_utf8_lossy(&body).contains("profile?seconds="));
    shutdown.cancel();
    task.await.unwrap().unwrap();

    // save_to_file: a profile of the whole run, written at shutdown.
    let shutdown = CancellationToken::new();
    let (ctx, ready) = context(&shutdown);
    let endpoint = format!("127.0.0.1:{}", free_port());
    let config = PprofConfig {
        endpoint: endpoint.clone(),
        save_to_file: Some(saved.to_string_lossy().into_owned()),
        ..Default::default()
    };
    let task = tokio::spawn(Box::new(Pprof { config }).run(ctx));
    ready.await.unwrap().unwrap();
    stop.store(false, Ordering::Relaxed);
    let burner = {
        let (stop, sink) = (stop.clone(), sink.clone());
        std::thread::spawn(move || burn(&stop, &sink))
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (code, _) = get_bytes(&endpoint, "/debug/pprof/profile?seconds=1").await;
    assert_eq!(code, 409, "the whole-run profile holds the profiler");
    tokio::time::sleep(Duration::from_millis(800)).await;
    stop.store(true, Ordering::Relaxed);
    burner.join().unwrap();
    shutdown.cancel();
    task.await.unwrap().unwrap();
    let profile = decode(&std::fs::read(&saved).unwrap());
    assert!(!profile.sample.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn config_keys_and_checks() {
    let f = PprofFactory;
    let config: PprofConfig = dbintel_core::parse_component_config(&serde_json::Value::Null).unwrap();
    assert_eq!(resolve_endpoint(&config.endpoint).unwrap().to_string(), "127.0.0.1:1777");
    f.validate(&serde_json::json!({
        "endpoint": "localhost:1777", "block_profile_fraction": 3, "mutex_profile_fraction": 5,
        "save_to_file": "/tmp/cpu.pprof"
    }))
    .unwrap();
    let errs = f.validate(&serde_json::json!({"endpoint": "x", "save_to_file": " "})).unwrap_err();
    let paths: Vec<&str> = errs.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["endpoint", "save_to_file"]);
}
