//! Plan history per query: the last plans with their mean times (EMA), bounded and aged out; a
//! change of the structural plan hash is reported with the previous plan to compare against.

use std::sync::Arc;
use std::time::Duration;

use dbintel_core::cache::BoundedCache;
use dbintel_sql::PlanSummary;
use tokio::time::Instant;

/// Weight of a new observation in the mean (the prototype's PlanDictionary EMA).
const ALPHA: f64 = 0.2;

#[derive(Debug)]
pub struct PlanStat {
    pub summary: Arc<PlanSummary>,
    pub mean_time: Option<f64>,
    pub mean_blocks: Option<f64>,
    pub seen: u64,
}

impl PlanStat {
    fn observe(&mut self, time: Option<f64>, blocks: Option<f64>) {
        self.seen = self.seen.saturating_add(1);
        self.mean_time = ema(self.mean_time, time);
        self.mean_blocks = ema(self.mean_blocks, blocks);
    }
}

fn ema(mean: Option<f64>, x: Option<f64>) -> Option<f64> {
    match (mean, x.filter(|v| v.is_finite() && *v >= 0.0)) {
        (Some(m), Some(x)) => Some(m + ALPHA * (x - m)),
        (None, x) => x,
        (m, None) => m,
    }
}

/// Last plans of one query, the current one last.
#[derive(Debug, Default)]
pub struct QueryHistory {
    plans: Vec<PlanStat>,
}

/// What the previous plan looked like when the plan changed.
#[derive(Debug)]
pub struct Change {
    pub previous: Arc<PlanSummary>,
    pub previous_mean_time: Option<f64>,
    pub previous_mean_blocks: Option<f64>,
}

pub struct History {
    map: BoundedCache<u64, QueryHistory>,
    per_query: usize,
}

impl History {
    pub fn new(max_queries: usize, per_query: usize, ttl: Duration) -> Self {
        Self { map: BoundedCache::new(max_queries, Some(ttl)), per_query: per_query.max(1) }
    }

    pub fn take_evictions(&mut self) -> u64 {
        self.map.take_evictions()
    }

    /// A record of query `key` without a plan: its time counts for the current plan. `now`: the
    /// batch's time (one clock read per batch; ages are hours).
    pub fn observe_time(&mut self, key: u64, time: Option<f64>, blocks: Option<f64>, now: Instant) {
        if time.is_none() && blocks.is_none() {
            return;
        }
        if let Some(h) = self.map.get_mut_at(&key, now)
            && let Some(cur) = h.plans.last_mut()
        {
            cur.observe(time, blocks);
        }
    }

    /// A record of query `key` with plan `plan`. Returns the previous plan when the hash changed.
    pub fn observe_plan(
        &mut self,
        key: u64,
        plan: &Arc<PlanSummary>,
        time: Option<f64>,
        blocks: Option<f64>,
    ) -> Option<Change> {
        let per_query = self.per_query;
        // Taken out and put back so a query's age restarts with each plan it reports: the history
        // of a query seen every day lives on, one gone for `plan_history_hours` is dropped.
        let now = Instant::now();
        let live = self.map.get_mut_at(&key, now).is_some();
        let mut h = if live { self.map.remove(&key).unwrap_or_default() } else { QueryHistory::default() };
        let change = Self::update(&mut h, plan, time, blocks, per_query);
        self.map.insert_at(key, h, now);
        change
    }

    fn update(
        h: &mut QueryHistory,
        plan: &Arc<PlanSummary>,
        time: Option<f64>,
        blocks: Option<f64>,
        per_query: usize,
    ) -> Option<Change> {
        if let Some(cur) = h.plans.last_mut()
            && cur.summary.plan_hash == plan.plan_hash
        {
            cur.observe(time, blocks);
            return None;
        }
        let change = h.plans.last().map(|p| Change {
            previous: p.summary.clone(),
            previous_mean_time: p.mean_time,
            previous_mean_blocks: p.mean_blocks,
        });
        // A plan seen before (a flip back) keeps its means; it becomes the current one.
        let mut stat = match h.plans.iter().position(|p| p.summary.plan_hash == plan.plan_hash) {
            Some(i) => h.plans.remove(i),
            None => PlanStat { summary: plan.clone(), mean_time: None, mean_blocks: None, seen: 0 },
        };
        stat.observe(time, blocks);
        h.plans.push(stat);
        if h.plans.len() > per_query {
            let excess = h.plans.len() - per_query;
            h.plans.drain(..excess);
        }
        change
    }

    #[cfg(test)]
    pub fn plans_of(&mut self, key: u64) -> usize {
        self.map.get(&key).map_or(0, |h| h.plans.len())
    }
}
