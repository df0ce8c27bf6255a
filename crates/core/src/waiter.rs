//! Waiters: poll an operation until the resource reaches the state the caller waits for.
//!
//! [`Waiter::wait_until`] calls a poll (any async call returning the SDK's `Result`, e.g.
//! `|| client.show_instance().instance_id(id).send()`), asks a check what the output means
//! ([`PollOutcome`]: done, pending, or a failure state that will never become done), and
//! sleeps between polls with a [`Backoff`] through an injectable [`Sleep`]. It gives up when
//! the overall time limit or poll limit is reached, when a failure state is seen, or when a
//! poll fails with an error that is not transient; transient errors (those
//! [`Error::is_retryable`] accepts: throttling, a refused connection, a 503 on a read) are
//! tolerated up to a limit. Every way of giving up is a [`WaitError`] that says what was
//! awaited, the last state seen, how many polls and how long; it converts into [`Error`]
//! (kind [`ErrorKind::Wait`], or the poll's own error when a poll failed).
//!
//! ```
//! use std::time::Duration;
//! use huaweicloud_sdk_core::waiter::{PollOutcome, Waiter};
//!
//! # #[tokio::main(flavor = "current_thread", start_paused = true)]
//! # async fn main() -> Result<(), huaweicloud_sdk_core::Error> {
//! # let states = std::sync::Mutex::new(vec!["CREATING", "CREATING", "RUNNING"].into_iter());
//! # let show_instance = || { let s = states.lock().unwrap().next().unwrap(); async move { Ok(s.to_owned()) } };
//! let status = Waiter::new(Duration::from_secs(600))
//!     .describe("instance i-1 to be RUNNING")
//!     .wait_until(show_instance, |status: &String| {
//!         PollOutcome::from_state(Some(status), &["RUNNING"], &["ERROR", "CREATEFAILED"])
//!     })
//!     .await?;
//! assert_eq!(status, "RUNNING");
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::{Error, ErrorKind};
use crate::retry::{Backoff, Sleep, TokioSleep};
pub use wait::{Wait, WaiterSpec};

mod wait;

// Here rather than in `client`, so that `client` does not depend on the waiters that poll
// through it (no module cycle).
impl crate::client::Client {
    /// A [`Waiter`] that gives up after `timeout` and sleeps between polls with this
    /// client's sleeper (a test's `RecordingSleeper`, or tokio's timer).
    pub fn waiter(&self, timeout: Duration) -> Waiter {
        Waiter::new(timeout).sleeper(self.sleeper())
    }
}

/// Default delay between polls: 5 s at first, growing at random up to 30 s.
pub const DEFAULT_POLL_DELAY: Backoff = Backoff::BoundedJitter {
    min: Duration::from_secs(5),
    max: Duration::from_secs(30),
};

/// Default number of transient poll errors tolerated in a row.
pub const DEFAULT_MAX_TRANSIENT_ERRORS: u32 = 3;

/// What one poll's output means to a waiter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollOutcome {
    /// The awaited state: the wait is over.
    Done,
    /// Not yet; the state seen (kept for the error if the wait gives up).
    Pending(String),
    /// A terminal state that will never become the awaited one (`ERROR`, `CREATEFAILED`).
    Failed(String),
}

impl PollOutcome {
    /// The outcome of a state value: `Done` when it is one of `success`, `Failed` when one of
    /// `failure`, else `Pending` (an absent state is pending, shown as `(none)`). The form a
    /// spec-declared waiter takes (`x-huaweicloud-waiters`, specs/README.md).
    pub fn from_state(state: Option<&str>, success: &[&str], failure: &[&str]) -> Self {
        match state {
            Some(s) if success.contains(&s) => Self::Done,
            Some(s) if failure.contains(&s) => Self::Failed(s.to_owned()),
            Some(s) => Self::Pending(s.to_owned()),
            None => Self::Pending("(none)".to_owned()),
        }
    }
}

/// Polls until a check says done, within a time limit. Cheap to clone.
#[derive(Debug, Clone)]
#[must_use]
pub struct Waiter {
    what: String,
    timeout: Duration,
    delay: Backoff,
    max_polls: Option<u32>,
    max_transient_errors: u32,
    /// HTTP statuses of poll errors that count as a pending state.
    pending_statuses: Vec<u16>,
    sleeper: Arc<dyn Sleep>,
}

impl Waiter {
    /// A waiter that gives up after `timeout` in all (polls and sleeps), polling with
    /// [`DEFAULT_POLL_DELAY`] and tolerating [`DEFAULT_MAX_TRANSIENT_ERRORS`] transient errors
    /// in a row. `Client::waiter` gives one that sleeps with the client's sleeper.
    pub fn new(timeout: Duration) -> Self {
        Self {
            what: "the awaited state".to_owned(),
            timeout,
            delay: DEFAULT_POLL_DELAY,
            max_polls: None,
            max_transient_errors: DEFAULT_MAX_TRANSIENT_ERRORS,
            pending_statuses: Vec::new(),
            sleeper: Arc::new(TokioSleep),
        }
    }

    /// Gives up after `timeout` in all (polls and sleeps).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// What is awaited, for errors and traces: "RabbitMQ instance 1a2b to be RUNNING".
    pub fn describe(mut self, what: impl Into<String>) -> Self {
        self.what = what.into();
        self
    }

    /// The delay before poll `n + 1`, after poll `n` (default [`DEFAULT_POLL_DELAY`]); never
    /// past the time limit: the last poll happens at the limit.
    pub fn delay(mut self, delay: Backoff) -> Self {
        self.delay = delay;
        self
    }

    /// Gives up after this many polls (at least 1) even with time left.
    pub fn max_polls(mut self, polls: u32) -> Self {
        self.max_polls = Some(polls.max(1));
        self
    }

    /// How many transient poll errors in a row are tolerated (each poll has the client's own
    /// retries too); one more ends the wait with that error. 0 tolerates none.
    pub fn max_transient_errors(mut self, errors: u32) -> Self {
        self.max_transient_errors = errors;
        self
    }

    /// Service errors with one of these HTTP statuses count as a pending state `HTTP <status>`
    /// rather than a failed poll: a resource that is not visible yet right after it was
    /// created answers 404 for a while.
    pub fn pending_on_status(mut self, statuses: impl IntoIterator<Item = u16>) -> Self {
        self.pending_statuses = statuses.into_iter().collect();
        self
    }

    /// Where the waiter sleeps between polls (tests record the delays instead).
    pub fn sleeper(mut self, sleeper: Arc<dyn Sleep>) -> Self {
        self.sleeper = sleeper;
        self
    }

    /// Polls with `poll` until `check` says [`PollOutcome::Done`] and returns that output.
    ///
    /// Gives up with a [`WaitError`] on a failure state, when the time or poll limit is
    /// reached (a poll still running at the time limit is abandoned), on a poll error that is
    /// not transient, or on one transient error more than tolerated.
    ///
    /// Time is the larger of the clock's and the sum of the delays slept, so a sleeper that
    /// returns at once (tests) still ends the wait after `timeout` worth of delays.
    pub async fn wait_until<O, F, Fut, C>(&self, mut poll: F, mut check: C) -> Result<O, WaitError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<O, Error>>,
        C: FnMut(&O) -> PollOutcome,
    {
        let start = Instant::now();
        let mut progress = Progress {
            slept: Duration::ZERO,
            polls: 0,
            last_state: None,
        };
        let mut transient_errors = 0u32;
        let mut last_error: Option<Error> = None;
        loop {
            let left = self.timeout.saturating_sub(progress.elapsed(start));
            progress.polls += 1;
            let outcome = match tokio::time::timeout(left, poll()).await {
                Err(_) => {
                    return Err(self.fail(WaitFailure::TimedOut, &progress, start, last_error));
                }
                Ok(outcome) => outcome,
            };
            match outcome {
                Ok(output) => {
                    transient_errors = 0;
                    last_error = None;
                    match check(&output) {
                        PollOutcome::Done => {
                            tracing::debug!(what = %self.what, polls = progress.polls, "wait done");
                            return Ok(output);
                        }
                        PollOutcome::Failed(state) => {
                            progress.last_state = Some(state);
                            return Err(self.fail(
                                WaitFailure::FailureState,
                                &progress,
                                start,
                                None,
                            ));
                        }
                        PollOutcome::Pending(state) => {
                            tracing::debug!(what = %self.what, polls = progress.polls, state = %state, "still waiting");
                            progress.last_state = Some(state);
                        }
                    }
                }
                Err(e)
                    if e.status()
                        .is_some_and(|s| self.pending_statuses.contains(&s)) =>
                {
                    transient_errors = 0;
                    last_error = None;
                    let state = format!("HTTP {}", e.status().unwrap_or_default());
                    tracing::debug!(what = %self.what, polls = progress.polls, state = %state, "still waiting");
                    progress.last_state = Some(state);
                }
                Err(e) if e.is_retryable() && transient_errors < self.max_transient_errors => {
                    transient_errors += 1;
                    tracing::debug!(what = %self.what, polls = progress.polls, error = %e, "transient poll error; still waiting");
                    last_error = Some(e);
                }
                Err(e) => {
                    return Err(self.fail(WaitFailure::PollFailed, &progress, start, Some(e)));
                }
            }
            let elapsed = progress.elapsed(start);
            if elapsed >= self.timeout || self.max_polls.is_some_and(|m| progress.polls >= m) {
                return Err(self.fail(WaitFailure::TimedOut, &progress, start, last_error));
            }
            let delay = self.delay.delay(progress.polls).min(self.timeout - elapsed);
            self.sleeper.sleep(delay).await;
            progress.slept = progress.slept.saturating_add(delay);
        }
    }

    fn fail(
        &self,
        reason: WaitFailure,
        progress: &Progress,
        start: Instant,
        error: Option<Error>,
    ) -> WaitError {
        let err = WaitError {
            reason,
            what: self.what.clone(),
            last_state: progress.last_state.clone(),
            polls: progress.polls,
            elapsed: progress.elapsed(start),
            timeout: self.timeout,
            error,
        };
        tracing::debug!(error = %err, "wait failed");
        err
    }
}

/// How far a wait got.
struct Progress {
    slept: Duration,
    polls: u32,
    last_state: Option<String>,
}

impl Progress {
    fn elapsed(&self, start: Instant) -> Duration {
        start.elapsed().max(self.slept)
    }
}

/// Why a wait gave up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaitFailure {
    /// A poll saw a failure state ([`PollOutcome::Failed`]).
    FailureState,
    /// The time limit or the poll limit was reached before the awaited state.
    TimedOut,
    /// A poll failed with an error that is not transient, or with one transient error more
    /// than tolerated.
    PollFailed,
}

/// A wait that gave up: why, what was awaited, the last state seen, polls and time spent.
/// Converts into [`Error`]: kind [`ErrorKind::Wait`] with this as its source, or, when a
/// poll failed, that poll's own error (so a 404 stays a 404).
#[derive(Debug, Clone)]
pub struct WaitError {
    reason: WaitFailure,
    what: String,
    last_state: Option<String>,
    polls: u32,
    elapsed: Duration,
    timeout: Duration,
    error: Option<Error>,
}

impl WaitError {
    /// Why the wait gave up.
    pub fn reason(&self) -> WaitFailure {
        self.reason
    }
    /// The state the last successful poll saw, if any.
    pub fn last_state(&self) -> Option<&str> {
        self.last_state.as_deref()
    }
    /// How many polls were made.
    pub fn polls(&self) -> u32 {
        self.polls
    }
    /// How long the wait took.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }
    /// The error of the last poll, when it failed.
    pub fn poll_error(&self) -> Option<&Error> {
        self.error.as_ref()
    }
}

impl fmt::Display for WaitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "waiting for {}: ", self.what)?;
        match self.reason {
            WaitFailure::FailureState => f.write_str("reached a failure state")?,
            WaitFailure::TimedOut => write!(f, "gave up (limit {:?})", self.timeout)?,
            WaitFailure::PollFailed => f.write_str("a poll failed")?,
        }
        write!(
            f,
            " after {} poll{} in {:.1?}",
            self.polls,
            if self.polls == 1 { "" } else { "s" },
            self.elapsed
        )?;
        match &self.last_state {
            Some(s) => write!(f, "; last state {s}")?,
            None => f.write_str("; no state seen")?,
        }
        if let Some(e) = &self.error {
            write!(f, "; last error: {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for WaitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<WaitError> for Error {
    fn from(err: WaitError) -> Self {
        match (err.reason, &err.error) {
            (WaitFailure::PollFailed, Some(e)) => e.clone(),
            _ => Error::new(ErrorKind::Wait, err.to_string()).with_source(err),
        }
    }
}
