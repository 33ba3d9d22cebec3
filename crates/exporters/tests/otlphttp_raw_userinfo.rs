//! An `otlphttp` endpoint whose password holds a raw `/`, `?` or `#` cuts the URL's authority short
//! (`http://u:pa/ss@host:4318` has host `u`, port `pa`): `validate` says to percent-encode the user
//! info instead of "invalid port", and never shows the password.

use dbintel_core::Factory;
use dbintel_exporters::otlphttp::OtlpHttpExporterFactory;
use serde_json::json;

const SECRET: &str = "RawSecret";

#[test]
fn a_raw_reserved_character_in_the_password_asks_for_percent_encoding() {
    for (key, url) in [
        ("endpoint", format!("http://user:pa/{SECRET}@127.0.0.1:4318")),
        ("endpoint", format!("https://user:{SECRET}?x@otlp.example:443")),
        ("endpoint", format!("http://user:{SECRET}#x@[::1]:4318")),
        ("metrics_endpoint", format!("http://user:a/{SECRET}@127.0.0.1:4318/v1/metrics")),
    ] {
        let mut cfg = json!({"endpoint": "http://127.0.0.1:4318"});
        cfg[key] = json!(url);
        let problems = OtlpHttpExporterFactory.validate(&cfg).expect_err(&url);
        let text = problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
        assert!(!text.contains(SECRET), "{text}");
        assert!(text.contains("percent-encode"), "{url}: {text}");
        assert!(!text.contains("invalid port"), "{url}: {text}");
    }
    // An `@` later in the path of a valid URL is not user info.
    assert!(OtlpHttpExporterFactory.validate(&json!({"endpoint": "http://127.0.0.1:4318/a@b"})).is_ok());
}
