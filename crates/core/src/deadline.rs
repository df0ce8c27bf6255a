//! Deadlines computed without overflow: a time limit from outside (a caller's
//! `Duration::MAX`, a server's `Retry-After`) never panics; one too far away is no limit.

use std::future::Future;
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::Either;

use tokio::time::Instant;

use crate::error::{Error, Result};

/// A point in time by which something must be done, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Deadline(Option<Instant>);

impl Deadline {
    /// No deadline.
    pub(crate) const NONE: Self = Self(None);

    /// `limit` from now; a limit beyond what the clock can represent is no deadline.
    pub(crate) fn after(limit: Duration) -> Self {
        Self(Instant::now().checked_add(limit))
    }

    /// `after(limit)` when a limit is given.
    pub(crate) fn after_opt(limit: Option<Duration>) -> Self {
        limit.map_or(Self::NONE, Self::after)
    }

    /// The earlier of two deadlines.
    pub(crate) fn earliest(self, other: Self) -> Self {
        match (self.0, other.0) {
            (Some(a), Some(b)) => Self(Some(a.min(b))),
            (a, b) => Self(a.or(b)),
        }
    }

    /// The time left (zero once passed), or `None` without a deadline.
    pub(crate) fn remaining(self) -> Option<Duration> {
        self.0
            .map(|at| at.saturating_duration_since(Instant::now()))
    }

    /// The instant, if any.
    pub(crate) fn instant(self) -> Option<Instant> {
        self.0
    }

    /// Runs `fut` to completion or until the deadline, whichever is first; on the deadline
    /// the error is `on_timeout()`.
    ///
    /// A plain function returning the combined future (not an `async fn`, whose state would
    /// hold `fut` twice: as the argument and inside the timeout), so the futures of a call
    /// stay small.
    pub(crate) fn bound<T>(
        self,
        fut: impl Future<Output = Result<T>>,
        on_timeout: impl FnOnce() -> Error,
    ) -> impl Future<Output = Result<T>> {
        match self.0 {
            Some(at) => Either::Left(
                tokio::time::timeout_at(at, fut)
                    .map(move |r| r.unwrap_or_else(|_| Err(on_timeout()))),
            ),
            None => Either::Right(fut),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn huge_limits_are_no_deadline() {
        assert_eq!(Deadline::after(Duration::MAX), Deadline::NONE);
        assert_eq!(Deadline::after(Duration::MAX).remaining(), None);
        let soon = Deadline::after(Duration::from_secs(5));
        assert_eq!(soon.earliest(Deadline::NONE), soon);
        assert_eq!(Deadline::NONE.earliest(soon), soon);
        assert!(soon.remaining().unwrap() <= Duration::from_secs(5));
    }

    #[tokio::test(start_paused = true)]
    async fn bound_times_out_with_the_given_error() {
        let d = Deadline::after(Duration::from_millis(10));
        let r: Result<()> = d
            .bound(std::future::pending(), || {
                Error::new(crate::ErrorKind::Timeout, "late")
            })
            .await;
        assert_eq!(r.unwrap_err().to_string(), "timeout: late");
    }
}
