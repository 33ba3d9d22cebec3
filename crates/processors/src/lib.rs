//! dbintel processors. Each processor lives in its own folder with its config, logic and tests.

use std::sync::Arc;

use dbintel_core::Factory;

pub mod adaptivesampler;
pub mod attributes;
pub mod batch;
pub mod circuitbreaker;
pub mod costcontrol;
pub mod filter;
mod keep;
pub mod memorylimiter;
pub mod nrerrormonitor;
pub mod ottl;
pub mod planattributeextractor;
pub mod probabilisticsampler;
pub mod querycorrelator;
pub mod resource;
#[cfg(test)]
mod test_util;
pub mod transform;
pub mod verification;
pub mod waitanalysis;

/// Factories of every processor in this crate.
pub fn factories() -> Vec<Arc<dyn Factory>> {
    vec![
        Arc::new(adaptivesampler::AdaptiveSamplerFactory),
        Arc::new(attributes::AttributesFactory),
        Arc::new(batch::BatchFactory),
        Arc::new(memorylimiter::MemoryLimiterFactory),
        Arc::new(costcontrol::CostControlFactory),
        Arc::new(nrerrormonitor::NrErrorMonitorFactory),
        Arc::new(filter::FilterFactory),
        Arc::new(circuitbreaker::CircuitBreakerFactory),
        Arc::new(planattributeextractor::PlanAttributeExtractorFactory),
        Arc::new(probabilisticsampler::ProbabilisticSamplerFactory),
        Arc::new(querycorrelator::QueryCorrelatorFactory),
        Arc::new(transform::TransformFactory),
        Arc::new(resource::ResourceFactory),
        Arc::new(verification::VerificationFactory),
        Arc::new(waitanalysis::WaitAnalysisFactory),
    ]
}
