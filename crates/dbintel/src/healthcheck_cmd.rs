//! `dbintel healthcheck`: one GET of the health_check extension's endpoint, as a container
//! `HEALTHCHECK` runs it (the runtime image has no shell and no curl). Exit 0 when the answer is a
//! 2xx, 1 otherwise (refused, timed out, 503, not HTTP): Docker's healthy/unhealthy codes.

use std::process::ExitCode;
use std::time::Duration;

use http_body_util::Empty;
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;

/// The URL probed without `--url` and without [`URL_ENV`]: the image's health_check endpoint.
pub const DEFAULT_URL: &str = "http://127.0.0.1:13133/";
/// Variable naming the URL, so an image user who moves health_check changes one variable.
pub const URL_ENV: &str = "DBINTEL_HEALTHCHECK_URL";

/// Probes `url` within `timeout`; prints one line (stdout when healthy, stderr otherwise).
pub fn run(url: &str, timeout: Duration) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("unhealthy: cannot start the probe: {e}");
            return ExitCode::from(1);
        }
    };
    let outcome = runtime.block_on(async {
        match tokio::time::timeout(timeout, probe(url)).await {
            Ok(result) => result,
            Err(_) => Err(format!("no answer from {url} within {} ms", timeout.as_millis())),
        }
    });
    match outcome {
        Ok(status) if status.is_success() => {
            println!("healthy: {url} answered {status}");
            ExitCode::SUCCESS
        }
        Ok(status) => {
            eprintln!("unhealthy: {url} answered {status}");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("unhealthy: {e}");
            ExitCode::from(1)
        }
    }
}

/// The target of a probe: plain HTTP only (the image's health_check serves no TLS).
#[derive(Debug, PartialEq, Eq)]
struct Target {
    host: String,
    port: u16,
    path: String,
}

fn parse(url: &str) -> Result<Target, String> {
    let uri: hyper::Uri = url.parse().map_err(|e| format!("`{url}` is not a URL: {e}"))?;
    match uri.scheme_str() {
        Some("http") => {}
        Some(other) => {
            return Err(format!(
                "`{url}`: only http:// is supported (not {other}://); probe a plaintext endpoint"
            ));
        }
        None => return Err(format!("`{url}` has no scheme; use http://host:port/path")),
    }
    let host = uri.host().filter(|h| !h.is_empty()).ok_or_else(|| format!("`{url}` has no host"))?;
    // `[::1]` in a URL is `::1` for the socket.
    let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
    let port = uri.port_u16().unwrap_or(80);
    let path = uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".to_string());
    Ok(Target { host, port, path })
}

async fn probe(url: &str) -> Result<hyper::StatusCode, String> {
    let target = parse(url)?;
    let stream = tokio::net::TcpStream::connect((target.host.as_str(), target.port))
        .await
        .map_err(|e| format!("cannot connect to {}:{}: {e}", target.host, target.port))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("HTTP handshake with {url} failed: {e}"))?;
    let driver = tokio::spawn(connection);
    let authority = if target.host.contains(':') {
        format!("[{}]:{}", target.host, target.port)
    } else {
        format!("{}:{}", target.host, target.port)
    };
    let request = hyper::Request::get(target.path.as_str())
        .header(hyper::header::HOST, authority)
        .header(hyper::header::USER_AGENT, concat!("dbintel-healthcheck/", env!("CARGO_PKG_VERSION")))
        .body(Empty::<Bytes>::new())
        .map_err(|e| format!("cannot build the request for {url}: {e}"))?;
    let response = sender.send_request(request).await.map_err(|e| format!("GET {url} failed: {e}"))?;
    let status = response.status();
    // The body (the status document) is not needed: dropping the connection ends it.
    drop(response);
    driver.abort();
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_probe_target() {
        assert_eq!(
            parse("http://127.0.0.1:13133/").unwrap(),
            Target { host: "127.0.0.1".into(), port: 13133, path: "/".into() }
        );
        assert_eq!(
            parse("http://[::1]:8080/health?x=1").unwrap(),
            Target { host: "::1".into(), port: 8080, path: "/health?x=1".into() }
        );
        assert_eq!(parse("http://localhost").unwrap().port, 80);
        assert!(parse("https://127.0.0.1:13133/").unwrap_err().contains("only http://"));
        assert!(parse("127.0.0.1:13133").is_err());
        assert!(parse("not a url").is_err());
    }
}
