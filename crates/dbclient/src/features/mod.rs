//! Feature detection shared by the `postgresql`, `mysql` and `enhancedsql` receivers (one module, not
//! three): which extensions are installed or only available (with versions), the settings that
//! change what can be collected, the monitoring role's privileges, performance_schema consumers and
//! instrument classes, which statistics views the role can actually read, and the cloud flavour
//! (from settings and version strings; never a network call).
//!
//! The probes read through [`ProbeSource`], a text-rows interface each receiver implements over its
//! own connection, and [`Recorded`] replays recorded result sets for golden tests of servers that
//! cannot run here. A probe statement that fails is isolated (its feature is absent and the error is
//! kept in [`Features::problems`]); only a lost connection ends a detection.
//!
//! [`FeatureCache`] keeps the last detection and says when to detect again: after a reconnect, every
//! `refresh_interval`, and after a query failed in a way that suggests the server changed (an
//! extension dropped, a grant revoked), but not more often than every `cache_duration`.
//! [`feature_metrics`] turns a detection into `db.feature.extension.available{extension,version}` and
//! `db.feature.capability.available{capability}`.

mod cache;
mod config;
pub mod mysql;
pub mod postgres;
mod recorded;

use std::collections::{BTreeMap, BTreeSet};

use async_trait::async_trait;
use dbintel_core::pdata::{Attributes, Metric, MetricData, NumberDataPoint, NumberValue};

pub use cache::{FeatureCache, Refresh};
pub use config::FeatureDetectionConfig;
pub use recorded::Recorded;

use crate::DbError;

/// Rows a probe statement may return at most (the probes ask for bounded sets; this is the backstop).
pub const MAX_PROBE_ROWS: usize = 1_000;
/// Probe problems kept per detection (each is one failed probe statement).
pub const MAX_PROBLEMS: usize = 32;

/// Where the probes read: one statement at a time, every cell as text (`None` for NULL). The
/// implementation adds the `/* dbintel */` prefix and its statement timeout, and returns at most
/// [`MAX_PROBE_ROWS`] rows.
#[async_trait]
pub trait ProbeSource: Send {
    async fn probe_rows(&mut self, sql: &str) -> Result<Rows, DbError>;
}

/// A probe's answer: rows of cells as text, `None` for NULL.
pub type Rows = Vec<Vec<Option<String>>>;

/// The server family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum System {
    Postgresql,
    Mysql,
    Mariadb,
}

impl System {
    /// `db.system.name`.
    pub fn as_str(self) -> &'static str {
        match self {
            System::Postgresql => "postgresql",
            System::Mysql => "mysql",
            System::Mariadb => "mariadb",
        }
    }
}

/// A managed-service flavour, detected from settings and version strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cloud {
    /// Amazon RDS (PostgreSQL or MySQL/MariaDB).
    AwsRds,
    /// Amazon Aurora.
    AwsAurora,
    /// Google Cloud SQL.
    GcpCloudSql,
    /// Azure Database for PostgreSQL / MySQL.
    Azure,
}

impl Cloud {
    /// `cloud.provider` (OpenTelemetry semantic conventions).
    pub fn provider(self) -> &'static str {
        match self {
            Cloud::AwsRds | Cloud::AwsAurora => "aws",
            Cloud::GcpCloudSql => "gcp",
            Cloud::Azure => "azure",
        }
    }

    /// The capability name it is reported as (`cloud.aws_rds`, ...).
    pub fn capability(self) -> &'static str {
        match self {
            Cloud::AwsRds => "cloud.aws_rds",
            Cloud::AwsAurora => "cloud.aws_aurora",
            Cloud::GcpCloudSql => "cloud.gcp_cloud_sql",
            Cloud::Azure => "cloud.azure",
        }
    }
}

/// One extension as the server offers it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extension {
    /// The version installed in the connected database (`CREATE EXTENSION` done), if any.
    pub installed: Option<String>,
    /// The version `CREATE EXTENSION` would install (its control file is on the server), if any.
    pub available: Option<String>,
}

/// What a server offers to a monitoring role, as detected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Features {
    pub system: System,
    /// As the server reports it (`15.20 (Debian 15.20-0+deb12u1)`, `10.11.6-MariaDB-0+deb12u1`).
    pub version: String,
    /// Leading `major.minor.patch` numbers (PostgreSQL: `(15, 20, 0)`; `(0, 0, 0)` when unknown).
    pub version_numbers: (u32, u32, u32),
    /// The known extensions ([`postgres::EXTENSIONS`]) the server has installed or available; a
    /// known extension that is absent is not listed.
    pub extensions: BTreeMap<String, Extension>,
    /// The settings/variables the probes read, as the server shows them (only known names).
    pub settings: BTreeMap<String, String>,
    /// Capabilities that hold (names from [`postgres::CAPABILITIES`] / [`mysql::CAPABILITIES`]).
    pub capabilities: BTreeSet<String>,
    /// performance_schema consumers (`events_statements_digest` -> enabled); MySQL/MariaDB only.
    pub consumers: BTreeMap<String, bool>,
    /// performance_schema instrument classes (`statement`, `wait`, `stage`, ...) -> (enabled and
    /// timed instruments, instruments); MySQL/MariaDB only.
    pub instruments: BTreeMap<String, (u64, u64)>,
    pub cloud: Option<Cloud>,
    /// Probe statements that failed (what was asked and why), at most [`MAX_PROBLEMS`].
    pub problems: Vec<String>,
    /// The schema of each installed extension (PostgreSQL): where its views and functions are
    /// named or searched, never the role's own `search_path`.
    pub schemas: BTreeMap<String, String>,
    /// The SQLSTATE / error number of each probe that failed with one, by probe name
    /// (`pg_stat_statements` -> `55000`: installed but not preloaded), at most [`MAX_PROBLEMS`].
    pub failed: BTreeMap<String, String>,
}

impl Features {
    /// An empty detection for `system` (nothing known yet).
    pub fn new(system: System) -> Self {
        Self {
            system,
            version: String::new(),
            version_numbers: (0, 0, 0),
            extensions: BTreeMap::new(),
            settings: BTreeMap::new(),
            capabilities: BTreeSet::new(),
            consumers: BTreeMap::new(),
            instruments: BTreeMap::new(),
            cloud: None,
            problems: Vec::new(),
            schemas: BTreeMap::new(),
            failed: BTreeMap::new(),
        }
    }

    /// A setting as the server showed it to the role (absent: hidden from it, or not on this
    /// release).
    pub fn setting(&self, name: &str) -> Option<&str> {
        self.settings.get(name).map(String::as_str)
    }

    /// pg_wait_sampling can serve a wait profile: installed in the database and loaded (its
    /// settings exist only then). Returns what each of its profile counts is worth
    /// (`pg_wait_sampling.profile_period`, in ms in pg_settings; 10ms by default).
    pub fn pg_wait_sampling_period(&self) -> Option<std::time::Duration> {
        if !self.has_extension("pg_wait_sampling") {
            return None;
        }
        let ms: f64 = self.setting("pg_wait_sampling.profile_period")?.trim().parse().ok()?;
        (ms.is_finite() && ms > 0.0).then(|| std::time::Duration::from_secs_f64(ms.min(3_600_000.0) / 1e3))
    }

    /// The extension is installed in the connected database.
    pub fn has_extension(&self, name: &str) -> bool {
        self.extensions.get(name).is_some_and(|e| e.installed.is_some())
    }

    pub fn has(&self, capability: &str) -> bool {
        self.capabilities.contains(capability)
    }

    /// The server is at least this `major.minor` (PostgreSQL 15.2 = `(15, 2)`; MySQL 8.0 = `(8, 0)`).
    pub fn at_least(&self, major: u32, minor: u32) -> bool {
        (self.version_numbers.0, self.version_numbers.1) >= (major, minor)
    }

    /// The capability names this system can report (every one, held or not).
    pub fn known_capabilities(&self) -> &'static [&'static str] {
        match self.system {
            System::Postgresql => postgres::CAPABILITIES,
            System::Mysql | System::Mariadb => mysql::CAPABILITIES,
        }
    }

    pub(crate) fn grant(&mut self, capability: &'static str, holds: bool) {
        if holds {
            self.capabilities.insert(capability.to_string());
        }
    }

    pub(crate) fn problem(&mut self, what: &str, e: &DbError) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(format!("{what}: {e}"));
            if let Some(code) = e.code() {
                self.failed.insert(what.to_string(), code.to_string());
            }
        }
    }

    /// One line for a log: version, cloud, installed extensions and the capabilities that hold.
    pub fn summary(&self) -> String {
        let ext: Vec<String> = self
            .extensions
            .iter()
            .filter_map(|(n, e)| e.installed.as_ref().map(|v| format!("{n} {v}")))
            .collect();
        let caps: Vec<&str> = self.capabilities.iter().map(String::as_str).collect();
        format!(
            "{} {}{}; extensions: [{}]; capabilities: [{}]",
            self.system.as_str(),
            self.version_numbers_text(),
            self.cloud.map(|c| format!(" ({})", c.capability())).unwrap_or_default(),
            ext.join(", "),
            caps.join(", ")
        )
    }

    fn version_numbers_text(&self) -> String {
        let (a, b, c) = self.version_numbers;
        format!("{a}.{b}.{c}")
    }
}

/// Leading `major.minor.patch` numbers of a version string (missing parts 0).
pub fn version_numbers(version: &str) -> (u32, u32, u32) {
    let v = version.trim();
    let end = v.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(v.len());
    let mut parts =
        v[..end].split('.').filter(|p| !p.is_empty()).take(3).map(|p| p.parse::<u32>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// Detects `system`'s features with the `feature_detection` settings: each probe statement bounded
/// by `timeout_per_check` (a probe past it ends the detection as a lost connection: the statement
/// may still be running, so the connection is not reused), the whole detection retried
/// `retry_attempts` times `retry_delay` apart while its first probe (the version) fails.
pub async fn detect(
    src: &mut dyn ProbeSource,
    system: System,
    config: &FeatureDetectionConfig,
) -> Result<Features, DbError> {
    let mut timed = Timed { inner: src, limit: config.timeout_per_check.get() };
    let attempts = config.retry_attempts.max(1);
    let mut attempt = 1;
    loop {
        let r = match system {
            System::Postgresql => postgres::detect(&mut timed, config.skip_cloud_detection).await,
            System::Mysql | System::Mariadb => mysql::detect(&mut timed, config.skip_cloud_detection).await,
        };
        match r {
            Ok(f) => return Ok(f),
            Err(e @ DbError::Lost(_)) => return Err(e),
            Err(e) if attempt >= attempts => return Err(e),
            Err(_) => {
                attempt += 1;
                tokio::time::sleep(config.retry_delay.get()).await;
            }
        }
    }
}

/// A probe source whose statements are bounded in time.
struct Timed<'a> {
    inner: &'a mut dyn ProbeSource,
    limit: std::time::Duration,
}

#[async_trait]
impl ProbeSource for Timed<'_> {
    async fn probe_rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, DbError> {
        match tokio::time::timeout(self.limit, self.inner.probe_rows(sql)).await {
            Ok(r) => r,
            Err(_) => Err(DbError::Lost(format!(
                "a feature probe did not answer within timeout_per_check ({:?})",
                self.limit
            ))),
        }
    }
}

/// The metric names of feature detection.
pub const EXTENSION_METRIC: &str = "db.feature.extension.available";
pub const CAPABILITY_METRIC: &str = "db.feature.capability.available";

/// `db.feature.extension.available{extension,version}` (1 installed, 0 only available; the version
/// is the installed one, else the one that would be installed) and
/// `db.feature.capability.available{capability}` (1 holds, 0 does not; every capability this system
/// can report, so a dashboard sees what is missing). Gauges, at `now`.
pub fn feature_metrics(f: &Features, now: u64) -> Vec<Metric> {
    let point = |attributes: Attributes, v: bool| NumberDataPoint {
        attributes,
        start_time_unix_nano: 0,
        time_unix_nano: now,
        value: NumberValue::Int(i64::from(v)),
        flags: 0,
    };
    let mut out = Vec::with_capacity(2);
    let ext: Vec<NumberDataPoint> = f
        .extensions
        .iter()
        .map(|(name, e)| {
            let mut a = Attributes::with_capacity(2);
            a.insert("extension", name.clone());
            a.insert("version", e.installed.clone().or_else(|| e.available.clone()).unwrap_or_default());
            point(a, e.installed.is_some())
        })
        .collect();
    if !ext.is_empty() {
        out.push(Metric {
            name: EXTENSION_METRIC.to_string(),
            description: "Extensions of the monitored server: 1 installed in the database, 0 only available"
                .to_string(),
            unit: "1".to_string(),
            data: MetricData::Gauge(ext),
        });
    }
    let caps: Vec<NumberDataPoint> = f
        .known_capabilities()
        .iter()
        .chain(f.cloud.map(Cloud::capability).as_slice())
        .map(|c| {
            let mut a = Attributes::with_capacity(1);
            a.insert("capability", *c);
            point(a, f.has(c) || f.cloud.is_some_and(|cl| cl.capability() == *c))
        })
        .collect();
    out.push(Metric {
        name: CAPABILITY_METRIC.to_string(),
        description: "Capabilities of the monitored server for this role: 1 available, 0 not".to_string(),
        unit: "1".to_string(),
        data: MetricData::Gauge(caps),
    });
    out
}

/// Whether a query failure suggests the server's features changed (an object or function gone, a
/// privilege revoked, an extension not loaded): the caller falls back and may detect again.
pub fn is_feature_error(e: &DbError) -> bool {
    match e.code() {
        // PostgreSQL: undefined table/function/column/object, insufficient privilege, not loaded.
        Some("42P01" | "42883" | "42703" | "42704" | "42501" | "55000" | "3F000") => true,
        // MySQL/MariaDB: no such table, access denied (table, column, db, PROCESS/SUPER), unknown
        // column, performance_schema off or wrong table shape.
        Some(code) => matches!(
            code.parse::<u16>().ok(),
            Some(1146 | 1142 | 1143 | 1044 | 1045 | 1227 | 1054 | 1049 | 1683 | 1682 | 1370)
        ),
        None => false,
    }
}

/// The first cell of the first row of a probe's answer.
pub(crate) fn first_cell(rows: &[Vec<Option<String>>]) -> Option<String> {
    rows.first().and_then(|r| r.first()).cloned().flatten()
}

/// A cell as a boolean the way both servers print them (`t`, `true`, `1`, `on`, `yes`).
pub(crate) fn truthy(v: Option<&str>) -> bool {
    v.is_some_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "t" | "true" | "1" | "on" | "yes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_numbers_take_the_leading_numbers() {
        assert_eq!(version_numbers("15.20 (Debian 15.20-0+deb12u1)"), (15, 20, 0));
        assert_eq!(version_numbers("10.11.6-MariaDB-0+deb12u1"), (10, 11, 6));
        assert_eq!(version_numbers("8.0.36"), (8, 0, 36));
        assert_eq!(version_numbers(""), (0, 0, 0));
        assert_eq!(version_numbers("garbage"), (0, 0, 0));
    }

    #[test]
    fn feature_metrics_list_every_known_capability_and_each_extension_once() {
        let mut f = Features::new(System::Postgresql);
        f.extensions.insert(
            "pg_stat_statements".into(),
            Extension { installed: Some("1.10".into()), available: Some("1.10".into()) },
        );
        f.extensions.insert("hypopg".into(), Extension { installed: None, available: Some("1.3.1".into()) });
        f.capabilities.insert("setting.track_io_timing".into());
        f.cloud = Some(Cloud::AwsRds);
        let m = feature_metrics(&f, 7);
        assert_eq!(m[0].name, EXTENSION_METRIC);
        let MetricData::Gauge(ext) = &m[0].data else { panic!("gauge") };
        let by_name: BTreeMap<String, (String, NumberValue)> = ext
            .iter()
            .map(|p| {
                (
                    p.attributes.get("extension").and_then(|v| v.as_str()).unwrap_or_default().to_string(),
                    (
                        p.attributes.get("version").and_then(|v| v.as_str()).unwrap_or_default().to_string(),
                        p.value,
                    ),
                )
            })
            .collect();
        assert_eq!(by_name["pg_stat_statements"], ("1.10".to_string(), NumberValue::Int(1)));
        assert_eq!(by_name["hypopg"], ("1.3.1".to_string(), NumberValue::Int(0)));
        let MetricData::Gauge(caps) = &m[1].data else { panic!("gauge") };
        assert_eq!(caps.len(), postgres::CAPABILITIES.len() + 1);
        let held: Vec<&str> = caps
            .iter()
            .filter(|p| p.value == NumberValue::Int(1))
            .filter_map(|p| p.attributes.get("capability").and_then(|v| v.as_str()))
            .collect();
        assert_eq!(held, ["setting.track_io_timing", "cloud.aws_rds"]);
    }

    #[test]
    fn feature_errors_are_told_apart_from_transient_ones() {
        let q = |code: &str| DbError::Query { message: String::new(), code: Some(code.into()), hint: "" };
        assert!(is_feature_error(&q("42P01")));
        assert!(is_feature_error(&q("42501")));
        assert!(is_feature_error(&q("1146")));
        assert!(is_feature_error(&q("1142")));
        assert!(!is_feature_error(&q("57014")));
        assert!(!is_feature_error(&q("1205")));
        assert!(!is_feature_error(&DbError::Lost("gone".into())));
    }
}
