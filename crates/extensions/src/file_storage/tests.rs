use super::*;
use dbintel_core::{Factory, parse_component_config};
use serde_json::json;

#[test]
fn defaults_follow_contrib_except_create_directory() {
    let c: FileStorageConfig = parse_component_config(&serde_json::Value::Null).unwrap();
    assert_eq!(c.directory, DEFAULT_DIRECTORY);
    assert!(c.create_directory);
    assert!(!c.fsync);
    assert_eq!(c.timeout, GoDuration::from_secs(1));
}

#[test]
fn unknown_keys_and_empty_directory_are_rejected() {
    let f = FileStorageFactory;
    assert!(
        f.validate(&json!({"directory": "/tmp/x", "fsync": true, "compaction": {"on_start": true}})).is_ok()
    );
    let err = f.validate(&json!({"directroy": "/tmp/x"})).unwrap_err();
    assert!(err[0].message.contains("directroy") || err[0].path.contains("directroy"), "{err:?}");
    let err = f.validate(&json!({"directory": " "})).unwrap_err();
    assert_eq!(err[0].path, "directory");
}

#[test]
fn prepare_directory_creates_or_explains() {
    let tmp = std::env::temp_dir().join(format!("dbintel-fs-test-{}", std::process::id()));
    let nested = tmp.join("a/b");
    let c = FileStorageConfig { directory: nested.display().to_string(), ..Default::default() };
    c.prepare_directory().unwrap();
    assert!(nested.is_dir());
    let missing = tmp.join("missing");
    let c = FileStorageConfig {
        directory: missing.display().to_string(),
        create_directory: false,
        ..Default::default()
    };
    let e = c.prepare_directory().unwrap_err();
    assert!(e.contains("create_directory"), "{e}");
    let _ = std::fs::remove_dir_all(&tmp);
}
