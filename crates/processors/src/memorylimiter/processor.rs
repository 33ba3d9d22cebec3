//! The per-pipeline processor: passes batches on untouched, or refuses them whole while the shared
//! limiter says memory is above the soft limit.

use std::sync::Arc;

use dbintel_core::component::{Processor, ProcessorContext, ProcessorError};
use dbintel_core::ids::PipelineId;
use dbintel_core::pdata::SignalData;
use dbintel_core::telemetry::{Counter, Registry};

use super::Limiter;

pub struct MemoryLimiterProcessor {
    limiter: Arc<Limiter>,
    /// `otelcol_processor_refused_<items>` (the runtime's family) ...
    refused: Counter,
    /// ... and the Collector's own `otelcol_processor_memory_limiter_refused_<items>`.
    refused_ml: Counter,
    accepted_ml: Counter,
    /// Started and not yet shut down (holds a reference on the limiter's checker).
    attached: bool,
    /// The last batch was refused: the runtime answers the requests behind it as refused.
    refused_last: bool,
}

impl MemoryLimiterProcessor {
    /// `pipeline` labels the counters (`None` in tools and tests: labelled by the logs signal).
    pub fn new(limiter: Arc<Limiter>, pipeline: Option<PipelineId>, telemetry: &Registry) -> Self {
        let id = limiter_id(&limiter);
        let (pipeline_label, items) = match &pipeline {
            Some(p) => (p.to_string(), p.signal().item_name()),
            None => (String::new(), dbintel_core::Signal::Logs.item_name()),
        };
        let labels = [("processor", id.as_str()), ("pipeline", pipeline_label.as_str())];
        MemoryLimiterProcessor {
            refused: telemetry.counter(
                &format!("otelcol_processor_refused_{items}_total"),
                "Items a processor refused (memory_limiter: memory above the soft limit).",
                &labels,
            ),
            refused_ml: telemetry.counter(
                &format!("otelcol_processor_memory_limiter_refused_{items}_total"),
                "Items the memory limiter refused because memory was above the soft limit.",
                &labels,
            ),
            accepted_ml: telemetry.counter(
                &format!("otelcol_processor_memory_limiter_accepted_{items}_total"),
                "Items the memory limiter passed on.",
                &labels,
            ),
            limiter,
            attached: false,
            refused_last: false,
        }
    }

    /// Starts the shared checker without a pipeline context (tools, benches).
    pub fn attach(&mut self) -> std::io::Result<()> {
        if !self.attached {
            self.limiter.attach(None)?;
            self.attached = true;
        }
        Ok(())
    }
}

fn limiter_id(limiter: &Limiter) -> String {
    limiter.id().to_string()
}

impl Processor for MemoryLimiterProcessor {
    fn process(
        &mut self,
        data: Arc<SignalData>,
        out: &mut Vec<Arc<SignalData>>,
    ) -> Result<(), ProcessorError> {
        let n = data.item_count() as u64;
        self.refused_last = self.limiter.must_refuse();
        if self.refused_last {
            // Refused whole, before any processor after this one sees it; dropping our reference
            // frees it when it was the last one.
            self.refused.add(n);
            self.refused_ml.add(n);
            return Ok(());
        }
        self.accepted_ml.add(n);
        out.push(data);
        Ok(())
    }

    fn start(&mut self, ctx: &ProcessorContext) -> Result<(), ProcessorError> {
        if self.attached {
            return Ok(());
        }
        self.limiter
            .attach(Some(ctx.health.clone()))
            .map_err(|e| ProcessorError(format!("cannot start the memory checker thread: {e}")))?;
        self.attached = true;
        Ok(())
    }

    fn shutdown(&mut self) {
        if std::mem::take(&mut self.attached) {
            self.limiter.detach();
        }
    }

    fn mutates_data(&self) -> bool {
        false
    }

    fn refused_last(&self) -> bool {
        self.refused_last
    }
}

impl Drop for MemoryLimiterProcessor {
    fn drop(&mut self) {
        // A pipeline aborted before its shutdown still releases its hold on the checker.
        self.shutdown();
    }
}
