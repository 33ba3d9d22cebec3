//! The `dbintel` binary: CLI and wiring. Everything else lives in the library crates.

// First: its `println!`/`eprintln!` replace std's in every module below (no panic on EPIPE).
#[macro_use]
mod stdio;
mod components;
mod default_config;
mod doctor_cmd;
mod graph;
mod healthcheck_cmd;
mod logging;
mod self_telemetry;
mod sharding;
mod sql_cmd;
mod worker_threads;

use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use dbintel_config::ConfigSource;
use dbintel_core::ComponentKind;
use dbintel_core::health::HealthRegistry;
use dbintel_core::pipeline::RuntimeSettings;
use dbintel_core::telemetry::Registry;
use tokio_util::sync::CancellationToken;

/// mimalloc instead of the system allocator: processors and exporters allocate many small strings
/// per record, and glibc's malloc/free was 40% of the query processors' time in their benchmark
/// (`crates/processors/benches/query_pipeline.rs`); mimalloc made the four together 1.35x faster.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The memory limiter's "give free memory back" for mimalloc: a forced collect returns the free
/// pages of every thread's heap to the system.
#[allow(unsafe_code)]
fn release_mimalloc_memory() -> bool {
    // SAFETY: mi_collect takes a plain bool and only touches mimalloc's own state; it may be called
    // from any thread at any time.
    unsafe { libmimalloc_sys::mi_collect(true) };
    true
}

#[derive(Parser)]
#[command(
    name = "dbintel",
    version,
    about = "Database-intelligence telemetry collector for PostgreSQL and MySQL/MariaDB"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

/// Where the config comes from: `--config` sources merged in order, then `--set` keys.
#[derive(clap::Args, Clone, Default)]
struct ConfigArgs {
    /// Config source: a file path, `file:PATH`, `env:VAR` (YAML text in a variable) or `yaml:TEXT`
    /// (keys nested with `::`, e.g. `yaml:exporters::debug::verbosity: detailed`). Repeat to merge
    /// several in order (later ones win).
    #[arg(long = "config", short = 'c', value_name = "URI")]
    configs: Vec<String>,
    /// Set one key after every --config source, as the Collector's --set does:
    /// `--set processors::batch::timeout=2s` (the value is read as YAML: `[a, b]` is a list).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    sets: Vec<String>,
}

impl ConfigArgs {
    /// How the sources are named in messages (`a.yaml + env:CFG`).
    fn names(&self) -> String {
        self.configs.join(" + ")
    }
}

#[derive(Subcommand)]
enum Command {
    /// Run the collector. Without --config, the embedded default config watches the local PostgreSQL
    /// (and a local MySQL/MariaDB when one answers).
    Run {
        #[command(flatten)]
        configs: ConfigArgs,
        /// Worker threads of the async runtime (1-1024). Default: $DBINTEL_WORKER_THREADS, else the
        /// cgroup CPU limit rounded up (at most the CPUs the process may use), else those CPUs.
        #[arg(long = "worker-threads", value_name = "N", value_parser = worker_threads::parse_count)]
        worker_threads: Option<usize>,
    },
    /// Check config files without starting anything; prints every problem found.
    Validate {
        #[command(flatten)]
        configs: ConfigArgs,
        /// Print each target (database receiver, or database of a `postgresql` receiver with a
        /// `databases` list) with the replica that owns it under `service.sharding` (this replica's
        /// marked with `*`).
        #[arg(long)]
        show_sharding: bool,
        /// Preview a resize: the owners at N replicas and how many targets move (implies
        /// --show-sharding).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=i64::from(dbintel_core::sharding::MAX_REPLICAS)))]
        replicas: Option<u32>,
    },
    /// List every built-in component type by kind, with the signals it supports.
    Components {
        /// Print the JSON schema of one type's config section instead (`exporter/otlp`); `all`
        /// prints one JSON object keyed by `kind/type` with every schema.
        #[arg(long, value_name = "KIND/TYPE")]
        schema: Option<String>,
    },
    /// Check every configured PostgreSQL target for what dbintel needs (extension, preload,
    /// compute_query_id, track_io_timing, grants) and print the fix for what is missing.
    /// MySQL/MariaDB targets: performance_schema, consumers, instruments, text lengths, grants.
    /// Without --config, checks the local servers of the embedded default config.
    Doctor {
        #[command(flatten)]
        configs: ConfigArgs,
        /// Print the findings as JSON lines.
        #[arg(long)]
        json: bool,
    },
    /// Probe the health_check extension once (a container HEALTHCHECK): exit 0 on a 2xx answer,
    /// 1 otherwise.
    Healthcheck {
        /// The health_check URL (plain http). Default: $DBINTEL_HEALTHCHECK_URL, else
        /// http://127.0.0.1:13133/.
        #[arg(long, value_name = "URL", env = healthcheck_cmd::URL_ENV, default_value = healthcheck_cmd::DEFAULT_URL)]
        url: String,
        /// How long the probe may take, in milliseconds (100-60000).
        #[arg(long = "timeout-ms", value_name = "MS", default_value_t = 3000,
              value_parser = clap::value_parser!(u64).range(100..=60_000))]
        timeout_ms: u64,
    },
    /// Query intelligence on stdin: obfuscation, fingerprints, statement facts, plan summaries.
    Sql {
        #[command(subcommand)]
        command: SqlCommand,
    },
}

#[derive(Subcommand)]
enum SqlCommand {
    /// Read statements from stdin, one per line; print one JSON object per line (obfuscated,
    /// normalized, fingerprint, operation, tables, summary; or error).
    Analyze {
        /// postgresql (postgres) or mysql (mariadb).
        #[arg(long, default_value = "postgresql")]
        dialect: dbintel_sql::Dialect,
    },
    /// Read one EXPLAIN (FORMAT JSON) / EXPLAIN FORMAT=JSON document from stdin; print its summary
    /// (plan_hash, total_cost, node_count, depth, node_types, seq_scan_tables, has_disk_sort,
    /// obfuscated_plan, ...).
    Plan {
        #[arg(long, default_value = "postgresql")]
        dialect: dbintel_sql::Dialect,
    },
}

/// Looks up a variable for `${env:...}` substitution.
type EnvLookup = Box<dyn Fn(&str) -> Option<String>>;

fn env_lookup(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The environment as seen by the config: the process environment, plus the embedded default's
/// password variable when no --config is given (the rest of the local server is written into its text).
fn sources_and_env(args: &ConfigArgs) -> Result<(Vec<ConfigSource>, EnvLookup), String> {
    let sets = args.sets.iter().map(|s| ConfigSource::set(s)).collect::<Result<Vec<_>, _>>()?;
    let (mut sources, env) = if args.configs.is_empty() {
        let mut vars = default_config::default_variables(&env_lookup);
        let mut sources = vec![ConfigSource::Embedded {
            name: default_config::DEFAULT_CONFIG_NAME.to_string(),
            text: default_config::render(&vars),
        }];
        // A local MySQL/MariaDB that answers is watched too (an overlay naming its receiver).
        let mysql = default_config::local_mysql();
        if let Some(text) = default_config::render_mysql(mysql) {
            sources
                .push(ConfigSource::Embedded { name: default_config::DEFAULT_CONFIG_NAME.to_string(), text });
            vars.extend(default_config::mysql_variables(mysql));
        }
        let env = move |name: &str| {
            vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone()).or_else(|| env_lookup(name))
        };
        (sources, Box::new(env) as EnvLookup)
    } else {
        let sources = args
            .configs
            .iter()
            .map(|c| ConfigSource::from_uri(c).map_err(|e| format!("--config {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        (sources, Box::new(env_lookup) as EnvLookup)
    };
    sources.extend(sets);
    Ok((sources, env))
}

pub(crate) fn load(args: &ConfigArgs) -> Result<dbintel_config::ServiceConfig, String> {
    let (sources, env) = sources_and_env(args)?;
    let registry = components::registry();
    dbintel_config::load_and_validate(&sources, &*env, &registry).map_err(|e| e.to_string())
}

/// What `clap::Error::exit` does, but a failed write of `--help`/`--version` to stdout is reported
/// like every other output (quiet on a closed pipe, exit 1 on a full disk) instead of ignored.
fn clap_exit(e: &clap::Error) -> ExitCode {
    let text = e.render().to_string();
    if e.use_stderr() {
        stdio::stderr(format_args!("{text}"));
    } else {
        stdio::stdout(format_args!("{text}"));
    }
    ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
}

fn main() -> ExitCode {
    dbintel_core::host::set_allocator_release(release_mimalloc_memory);
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_exit(&e),
    };
    match cli.command.unwrap_or(Command::Run { configs: ConfigArgs::default(), worker_threads: None }) {
        Command::Components { schema: None } => {
            print_components();
            ExitCode::SUCCESS
        }
        Command::Components { schema: Some(which) } => match components::schema(&which) {
            Ok(schema) => {
                println!("{schema:#}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
        Command::Doctor { configs, json } => doctor_cmd::run(&configs, json),
        Command::Healthcheck { url, timeout_ms } => {
            healthcheck_cmd::run(&url, std::time::Duration::from_millis(timeout_ms))
        }
        Command::Sql { command: SqlCommand::Analyze { dialect } } => sql_cmd::analyze(dialect),
        Command::Sql { command: SqlCommand::Plan { dialect } } => sql_cmd::plan(dialect),
        Command::Validate { configs, .. } if configs.configs.is_empty() => {
            eprintln!("error: `dbintel validate` needs at least one --config <URI>");
            ExitCode::from(2)
        }
        Command::Validate { configs, show_sharding, replicas } => match load(&configs) {
            Ok(cfg) => {
                for w in &cfg.warnings {
                    eprintln!("warning: {w}");
                }
                if show_sharding || replicas.is_some() {
                    println!("{}", sharding::report(&cfg, &env_lookup, replicas).trim_end());
                }
                println!(
                    "{} is valid: {} pipelines, {} receivers, {} processors, {} exporters, {} extensions.",
                    configs.names(),
                    cfg.service.pipelines.len(),
                    cfg.receivers.len(),
                    cfg.processors.len(),
                    cfg.exporters.len(),
                    cfg.extensions.len()
                );
                ExitCode::SUCCESS
            }
            Err(problems) => {
                eprintln!("{problems}");
                ExitCode::from(1)
            }
        },
        Command::Run { configs, worker_threads } => {
            // An empty variable counts as unset.
            let env = std::env::var_os(worker_threads::ENV).filter(|v| !v.is_empty());
            let threads = match worker_threads::choose(
                worker_threads,
                env.as_deref().map(|v| v.to_string_lossy()).as_deref(),
            ) {
                Ok(t) => t,
                Err(e) => {
                    // A usage error, like an invalid --worker-threads (which clap reports).
                    eprintln!("dbintel: {e}");
                    return ExitCode::from(2);
                }
            };
            let cfg = match load(&configs) {
                Ok(cfg) => cfg,
                Err(problems) => {
                    eprintln!("dbintel: the configuration is invalid:\n{problems}");
                    return ExitCode::from(1);
                }
            };
            // `service.sharding`: which replica this is (config, environment, pod or host name).
            let shard = match sharding::resolve(&cfg, &env_lookup) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("dbintel: the configuration is invalid:\n{e}");
                    return ExitCode::from(1);
                }
            };
            let redactor = cfg.redactor.clone();
            if let Err(e) = logging::init(&cfg.service.telemetry.logs, &redactor) {
                eprintln!("dbintel: service.telemetry.logs: {e}");
                return ExitCode::from(1);
            }
            for w in &cfg.warnings {
                tracing::warn!("{w}");
            }
            if configs.configs.is_empty() {
                tracing::info!("{}", default_config::local_mysql().describe());
            }
            match run(cfg, &threads, shard) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    // The log writer hides placeholder values; stderr gets the same treatment.
                    let e = redactor.redact(&format!("{e:#}"));
                    tracing::error!("{e}");
                    eprintln!("dbintel: {e}");
                    ExitCode::from(1)
                }
            }
        }
    }
}

fn print_components() {
    let registry = components::registry();
    for kind in ComponentKind::ALL {
        println!("{}:", kind.section());
        for info in registry.infos(kind) {
            let signals: Vec<&str> = info.signals.iter().map(|s| s.as_str()).collect();
            let signals = if signals.is_empty() { "-".to_string() } else { signals.join(",") };
            let aliases = if info.aliases.is_empty() {
                String::new()
            } else {
                format!(" (alias: {})", info.aliases.join(", "))
            };
            println!(
                "  {:<24} signals: {:<19} stability: {:<11} {}{}",
                info.type_name,
                signals,
                info.stability.as_str(),
                info.description,
                aliases
            );
        }
    }
}

fn run(
    cfg: dbintel_config::ServiceConfig,
    threads: &worker_threads::WorkerThreads,
    shard: Option<(dbintel_core::sharding::Sharding, dbintel_config::OrdinalSource)>,
) -> anyhow::Result<()> {
    tracing::info!(worker_threads = threads.count, source = %threads.source, "Starting the async runtime.");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads.count)
        .enable_all()
        .thread_name("dbintel")
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        // Listening from the start: a SIGTERM during startup stops the service once it has started,
        // instead of killing the process with the signal's default action.
        let signals = Signals::listen()?;
        let telemetry = Registry::new();
        // Component errors shown by health_check hide placeholder values like every other message.
        let redactor = cfg.redactor.clone();
        let health = if redactor.is_empty() {
            HealthRegistry::new()
        } else {
            HealthRegistry::with_scrubber(std::sync::Arc::new(move |m: &str| redactor.redact_values(m)))
        };
        let stop_telemetry = CancellationToken::new();
        let telemetry_tasks = self_telemetry::start(&cfg, &telemetry, &stop_telemetry).await?;
        let host = dbintel_core::Host::new();
        if let Some((s, source)) = &shard {
            let owned = sharding::owned(&cfg, *s);
            let total = sharding::targets(&cfg).len();
            tracing::info!(
                replicas = s.replicas(), ordinal = s.ordinal(), from = %source, owned = owned.len(), targets = total,
                "Sharding: this replica collects only the targets it owns."
            );
            let gauge = |name: &str, help: &str, v: i64| telemetry.gauge(name, help, &[]).set(v);
            gauge("dbintel_sharding_owned_targets", "Database targets this replica owns (service.sharding)", owned.len() as i64);
            gauge("dbintel_sharding_targets", "Database targets of the config, across every replica", total as i64);
            gauge("dbintel_sharding_replicas", "Replicas sharing the database targets", i64::from(s.replicas()));
            gauge("dbintel_sharding_ordinal", "This replica's ordinal", i64::from(s.ordinal()));
            health.set_sharding(dbintel_core::health::ShardingStatus {
                replicas: s.replicas(),
                ordinal: s.ordinal(),
                owned,
            });
            host.set_sharding(*s);
        }
        let graph = graph::build(&cfg, &components::registry(), &telemetry, &host)
            .map_err(|problems| anyhow::anyhow!("cannot build the pipelines:\n{}", problems.join("\n")))?;
        let settings = RuntimeSettings { shutdown_timeout: cfg.service.shutdown_timeout, ..RuntimeSettings::default() };
        let service =
            dbintel_core::pipeline::start_with_host(graph, settings, telemetry.clone(), health, host).await?;
        let signal = signals.next().await;
        tracing::info!(signal, "Shutting down: stopping receivers, draining pipelines, flushing exporters.");
        let report = service.shutdown().await;
        if report.clean() {
            tracing::info!(elapsed_ms = report.elapsed.as_millis() as u64, "Shutdown complete.");
        } else {
            tracing::warn!(aborted = ?report.aborted, "Shutdown deadline reached; some components were aborted.");
        }
        stop_telemetry.cancel();
        for h in telemetry_tasks {
            let _ = h.await;
        }
        Ok(())
    })
}

/// SIGTERM and SIGINT, the signals that stop `run`.
struct Signals {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
}

impl Signals {
    fn listen() -> anyhow::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?;
        let int = signal(SignalKind::interrupt()).context("cannot listen for SIGINT")?;
        Ok(Self { term, int })
    }

    async fn next(mut self) -> &'static str {
        tokio::select! {
            _ = self.term.recv() => "SIGTERM",
            _ = self.int.recv() => "SIGINT",
        }
    }
}
