//! The `enhancedsql` receiver: detects what each server offers (extensions, settings, privileges,
//! performance_schema consumers, cloud flavour; through `dbintel_dbclient::features`, the module the
//! `postgresql` and `mysql` receivers share) and, per category, runs the best query whose
//! requirements hold, falling back down a ranked list when one fails at run time and retrying the
//! better one with backoff. The prototype's "enhanced SQL receiver", built for real.
//!
//! Layout: [`config`] (keys, defaults, validation into a [`config::Plan`]), [`params`] (typed
//! parameters written into statements), [`library`] (the built-in queries per category and
//! driver), [`selector`] (which candidate serves, backoff and switch reports; pure), [`output`]
//! (rows to logs and metrics; pure) and `receiver` (the run loop). Connections, datasources and
//! values come from `dbintel-sqlquery`.

pub mod config;
pub mod library;
pub mod output;
pub mod params;
pub mod receiver;
pub mod selector;

use dbintel_core::component::ComponentInfo;
use dbintel_core::{Built, ComponentKind, ConfigProblem, CreateContext, Signal, Stability, TypedFactory};

pub use config::EnhancedSqlConfig;
pub use receiver::{EnhancedSqlReceiver, SCOPE_NAME};

/// The component type name.
pub const TYPE_NAME: &str = "enhancedsql";

/// Builds `enhancedsql` receivers.
#[derive(Debug, Default, Clone, Copy)]
pub struct EnhancedSqlFactory;

impl TypedFactory for EnhancedSqlFactory {
    type Config = EnhancedSqlConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Receiver,
        type_name: TYPE_NAME,
        aliases: &[],
        signals: &[Signal::Metrics, Signal::Logs],
        stability: Stability::Alpha,
        description: "Feature-detecting SQL collection: the best query per category with run-time fallback",
    };
    const IGNORED_KEYS: &'static [(&'static str, &'static str)] = &[
        (
            "enable_plan_collection",
            "the prototype's plan collection is not part of this receiver: plans come from the `autoexplain` receiver \
             (auto_explain logs) and are analysed by `planattributeextractor`",
        ),
        (
            "plan_cache_size",
            "the prototype's plan cache: this receiver collects no plans (see `enable_plan_collection`)",
        ),
        (
            "auto_explain",
            "the prototype's auto_explain settings: configure auto_explain on the server and read its log with the \
             `autoexplain` receiver",
        ),
    ];

    fn check(&self, config: &EnhancedSqlConfig) -> Vec<ConfigProblem> {
        config.resolve().err().unwrap_or_default()
    }

    fn build(&self, _ctx: &CreateContext, config: EnhancedSqlConfig) -> Result<Built, Vec<ConfigProblem>> {
        let plan = config.resolve()?;
        Ok(Built::Receiver(Box::new(EnhancedSqlReceiver::new(plan))))
    }
}
