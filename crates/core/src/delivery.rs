//! Delivery tokens: how a push receiver learns that the data of one request is durable downstream.
//!
//! A [`Delivery`] travels beside a batch through the runtime's queues (not inside the data, so
//! processors never see it). The runtime clones it on every fan-out (one clone per pipeline, one per
//! exporter), merges the tokens of every input a processor combines (the `batch` processor holds
//! several requests in one buffer) and gives each output of a split a clone. Each clone ends in one
//! of two ways:
//!
//! - [`Delivery::release`]: this copy is safe: an exporter accepted it into its sending queue (for a
//!   persistent queue: written per its fsync policy), or a processor dropped it on purpose (filter,
//!   sampler);
//! - [`Delivery::fail`], or being dropped without a release: this copy was refused (queue full,
//!   shutting down, a processor refused it for load) or lost (a task aborted at the shutdown
//!   deadline, a component that stopped).
//!
//! The request's [`DeliveryWait`] resolves when the last clone of its token is gone: `Delivered` if
//! every clone was released, `Refused` if any failed. So a forgotten clone can never hang a sender:
//! it resolves when it is dropped (as a refusal: the sender retries, at least once beats at most
//! once), and the receiver's wait is bounded anyway.
//!
//! A token is a list of shared cells, one per request it stands for; a token for data nobody waits
//! on ([`Delivery::none`], what scrapers send) is an empty list: no allocation, no atomic.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::oneshot;

/// How a request's data ended downstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every copy was accepted by its exporter's sending queue or dropped on purpose by a processor.
    Delivered,
    /// At least one copy was refused or lost: the sender must keep the data and retry.
    Refused,
    /// The bound passed before every copy was settled (see [`DeliveryWait::within`]).
    Pending,
}

/// One request's cell, shared by every clone of every token that carries part of its data. When
/// the last reference goes, it tells the waiting receiver.
struct Cell {
    failed: AtomicBool,
    tx: Mutex<Option<oneshot::Sender<Outcome>>>,
}

impl Drop for Cell {
    fn drop(&mut self) {
        let outcome = if self.failed.load(Ordering::Relaxed) { Outcome::Refused } else { Outcome::Delivered };
        let tx = self.tx.get_mut().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(tx) = tx {
            // The receiver may have stopped waiting (its bound passed): nothing to tell.
            let _ = tx.send(outcome);
        }
    }
}

/// A clone of a delivery token; see the module docs. Dropped without [`Delivery::release`], it
/// counts as a failure.
#[derive(Default)]
pub struct Delivery {
    cells: Vec<Arc<Cell>>,
}

impl std::fmt::Debug for Delivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Delivery").field("requests", &self.cells.len()).finish()
    }
}

impl Delivery {
    /// A token for data nobody waits on (scrapes): settling it does nothing.
    pub fn none() -> Self {
        Delivery { cells: Vec::new() }
    }

    /// A token for one request and the wait its receiver answers after.
    pub fn tracked() -> (Self, DeliveryWait) {
        let (tx, rx) = oneshot::channel();
        let cell = Arc::new(Cell { failed: AtomicBool::new(false), tx: Mutex::new(Some(tx)) });
        (Delivery { cells: vec![cell] }, DeliveryWait { rx })
    }

    /// Whether some receiver waits on this token.
    pub fn is_tracked(&self) -> bool {
        !self.cells.is_empty()
    }

    /// How many requests this token stands for (a merged token stands for several).
    pub fn requests(&self) -> usize {
        self.cells.len()
    }

    /// Adds `other`'s requests to this token: the data they stand for now travels together (a
    /// batch combined from several inputs).
    pub fn merge(&mut self, mut other: Delivery) {
        if self.cells.is_empty() {
            std::mem::swap(&mut self.cells, &mut other.cells);
            return;
        }
        for cell in other.cells.drain(..) {
            // The same request often comes back (a held buffer's token merged again): keep one
            // reference per request, so a long-held token stays as small as the requests it holds.
            if !self.cells.iter().any(|c| Arc::ptr_eq(c, &cell)) {
                self.cells.push(cell);
            }
        }
    }

    /// This copy is safe (accepted by a sending queue, or dropped on purpose).
    pub fn release(mut self) {
        self.cells.clear();
    }

    /// This copy was refused or lost: every request it stands for is answered as refused.
    pub fn fail(mut self) {
        self.mark_failed();
        self.cells.clear();
    }

    fn mark_failed(&self) {
        for c in &self.cells {
            c.failed.store(true, Ordering::Relaxed);
        }
    }
}

impl Clone for Delivery {
    /// A further copy (fan-out, split): the requests resolve only when this one is settled too.
    fn clone(&self) -> Self {
        Delivery { cells: self.cells.clone() }
    }
}

impl Drop for Delivery {
    fn drop(&mut self) {
        // Not released: dropped with its data (a queue closed, a task aborted), so refused.
        self.mark_failed();
    }
}

/// The receiver's side of a token: resolves once every copy of the request's data is settled.
#[derive(Debug)]
pub struct DeliveryWait {
    rx: oneshot::Receiver<Outcome>,
}

impl DeliveryWait {
    /// Waits at most `bound` for the outcome; [`Outcome::Pending`] when the bound passed first.
    pub async fn within(self, bound: Duration) -> Outcome {
        match tokio::time::timeout(bound, self.rx).await {
            Ok(Ok(outcome)) => outcome,
            // The cell always sends before it goes; a closed channel cannot happen, but if it
            // did, nothing says the data is safe.
            Ok(Err(_)) => Outcome::Refused,
            Err(_) => Outcome::Pending,
        }
    }

    /// The outcome if it is already known.
    pub fn try_outcome(&mut self) -> Option<Outcome> {
        self.rx.try_recv().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_copy_released_is_delivered() {
        let (d, mut wait) = Delivery::tracked();
        assert!(wait.try_outcome().is_none());
        d.release();
        assert_eq!(wait.try_outcome(), Some(Outcome::Delivered));
    }

    #[tokio::test]
    async fn fan_out_resolves_only_when_the_last_clone_is_released() {
        let (d, mut wait) = Delivery::tracked();
        let copies: Vec<Delivery> = (0..3).map(|_| d.clone()).collect();
        d.release();
        for c in copies.into_iter().rev() {
            assert!(wait.try_outcome().is_none(), "resolved with a clone still out");
            c.release();
        }
        assert_eq!(wait.try_outcome(), Some(Outcome::Delivered));
    }

    #[tokio::test]
    async fn a_failure_on_any_clone_fails_the_whole_request() {
        let (d, mut wait) = Delivery::tracked();
        let other = d.clone();
        d.fail();
        assert!(wait.try_outcome().is_none(), "resolved with a clone still out");
        other.release();
        assert_eq!(wait.try_outcome(), Some(Outcome::Refused));
    }

    #[tokio::test]
    async fn a_clone_dropped_without_release_is_a_failure_not_a_hang() {
        let (d, wait) = Delivery::tracked();
        let lost = d.clone();
        d.release();
        drop(lost);
        assert_eq!(wait.within(Duration::from_secs(60)).await, Outcome::Refused);
    }

    #[tokio::test]
    async fn merged_tokens_settle_every_request_they_stand_for() {
        let (a, mut wait_a) = Delivery::tracked();
        let (b, mut wait_b) = Delivery::tracked();
        let mut held = Delivery::none();
        held.merge(a);
        held.merge(b.clone());
        held.merge(b);
        assert_eq!(held.requests(), 2, "a request merged twice is held once");
        // The batch is split in two; both halves carry the merged token.
        let half = held.clone();
        held.release();
        assert!(wait_a.try_outcome().is_none() && wait_b.try_outcome().is_none());
        half.release();
        assert_eq!(wait_a.try_outcome(), Some(Outcome::Delivered));
        assert_eq!(wait_b.try_outcome(), Some(Outcome::Delivered));

        let (a, mut wait_a) = Delivery::tracked();
        let (b, mut wait_b) = Delivery::tracked();
        let mut held = Delivery::none();
        held.merge(a);
        held.merge(b);
        held.fail();
        assert_eq!(wait_a.try_outcome(), Some(Outcome::Refused));
        assert_eq!(wait_b.try_outcome(), Some(Outcome::Refused));
    }

    #[tokio::test]
    async fn dropped_on_purpose_is_a_success() {
        // A processor that drops a request's data on purpose (filter, sampler): the runtime
        // releases its token.
        let (d, wait) = Delivery::tracked();
        d.release();
        assert_eq!(wait.within(Duration::from_secs(60)).await, Outcome::Delivered);
    }

    #[tokio::test]
    async fn the_wait_is_bounded() {
        let (d, wait) = Delivery::tracked();
        assert_eq!(wait.within(Duration::from_millis(1)).await, Outcome::Pending);
        // Settling after the receiver stopped waiting is harmless.
        d.release();
    }

    #[test]
    fn an_untracked_token_costs_nothing_and_settles_silently() {
        let d = Delivery::none();
        assert!(!d.is_tracked());
        d.clone().fail();
        d.release();
    }
}
