//! `resource` (metrics, logs, traces): the Collector's resource processor. The attribute actions of the
//! `attributes` processor (`insert`, `update`, `upsert`, `delete`, `hash`, `extract`, `convert`)
//! applied to each resource's attributes; `from_attribute` reads another resource attribute.
//! Keys follow contrib's `processor/resourceprocessor` (the actions list is under `attributes`).

use std::sync::Arc;

use dbintel_core::component::{
    Built, ComponentInfo, ConfigProblem, CreateContext, ProcessorError, Stability,
};
use dbintel_core::pdata::SignalData;
use dbintel_core::telemetry::{Counter, Registry};
use dbintel_core::{ComponentKind, Processor, Signal, TypedFactory};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::attributes::{ActionConfig, Actions};

/// Config of the `resource` processor.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct ResourceConfig {
    /// The actions on resource attributes, in order; at least one.
    #[serde(default)]
    pub attributes: Vec<ActionConfig>,
}

impl ResourceConfig {
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        if self.attributes.is_empty() {
            p.push(ConfigProblem::new("attributes", "at least one action is required"));
        }
        if let Err(mut e) = Actions::compile("attributes", &self.attributes) {
            p.append(&mut e);
        }
        p
    }
}

/// The processor.
pub struct ResourceProcessor {
    actions: Actions,
    resources: Counter,
}

impl ResourceProcessor {
    pub fn new(config: &ResourceConfig, telemetry: &Registry, id: &str) -> Result<Self, Vec<ConfigProblem>> {
        let p = config.problems();
        if !p.is_empty() {
            return Err(p);
        }
        Ok(Self {
            actions: Actions::compile("attributes", &config.attributes)?,
            resources: telemetry.counter(
                "dbintel_resource_resources_processed_total",
                "Resources the resource processor applied its actions to.",
                &[("processor", id)],
            ),
        })
    }

    /// Applies the actions to every resource of `data`.
    pub fn apply(&self, data: &mut SignalData) {
        let n = match data {
            SignalData::Logs(l) => {
                l.resource_logs.iter_mut().for_each(|r| self.actions.apply(&mut r.resource.attributes));
                l.resource_logs.len()
            }
            SignalData::Metrics(m) => {
                m.resource_metrics.iter_mut().for_each(|r| self.actions.apply(&mut r.resource.attributes));
                m.resource_metrics.len()
            }
            SignalData::Traces(t) => {
                t.resource_spans.iter_mut().for_each(|r| self.actions.apply(&mut r.resource.attributes));
                t.resource_spans.len()
            }
        };
        self.resources.add(n as u64);
    }
}

impl Processor for ResourceProcessor {
    fn process(
        &mut self,
        mut data: Arc<SignalData>,
        out: &mut Vec<Arc<SignalData>>,
    ) -> Result<(), ProcessorError> {
        self.apply(Arc::make_mut(&mut data));
        out.push(data);
        Ok(())
    }
}

pub struct ResourceFactory;

impl TypedFactory for ResourceFactory {
    type Config = ResourceConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Processor,
        type_name: "resource",
        aliases: &[],
        signals: &Signal::ALL,
        stability: Stability::Beta,
        description: "The Collector's resource processor: insert, update, upsert, delete, hash, extract, convert on resource attributes.",
    };

    fn check(&self, config: &ResourceConfig) -> Vec<ConfigProblem> {
        config.problems()
    }

    fn config_warnings(&self, config: &ResourceConfig) -> Vec<ConfigProblem> {
        crate::attributes::actions::action_warnings("attributes", &config.attributes)
    }

    fn build(&self, ctx: &CreateContext, config: ResourceConfig) -> Result<Built, Vec<ConfigProblem>> {
        Ok(Built::Processor(Box::new(ResourceProcessor::new(&config, &ctx.telemetry, &ctx.id.to_string())?)))
    }
}

#[cfg(test)]
mod tests;
