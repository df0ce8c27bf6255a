//! Retry policy, backoff, and the injectable clock and sleeper.
//!
//! Rules: a request that never left (connect refused, DNS, TLS) and a 429 (throttled, not
//! processed) may be retried for any operation; 502, 503, 504, read timeouts and broken
//! connections only for idempotent operations, because the server may have acted on the
//! first attempt. The default is up to 3 attempts with full-jitter exponential backoff, and a
//! server's `Retry-After` (seconds or HTTP date) is honoured up to a cap (20 s by default)
//! and never beyond the time left in the operation.
//!
//! `retry_loop` is the loop itself, over an attempt closure and a sleeper, so its rules are
//! tested without HTTP.

use std::fmt;
use std::future::Future;
use std::time::{Duration, SystemTime};

use crate::deadline::Deadline;
use crate::error::{Error, Result};
use crate::transport::BoxFuture;

/// Default cap on a delay the server asks for (`Retry-After`).
pub const DEFAULT_MAX_SERVER_DELAY: Duration = Duration::from_secs(20);

/// How long to wait between attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Backoff {
    /// Retry immediately.
    None,
    /// `min(cap, base * 2^(attempt-1))`.
    Exponential { base: Duration, cap: Duration },
    /// A uniformly random delay in `[0, min(cap, base * 2^(attempt-1))]` (AWS "full jitter").
    FullJitter { base: Duration, cap: Duration },
    /// The same delay every time (a waiter polling at a steady rate).
    Fixed(Duration),
    /// A uniformly random delay in `[min, max(min, min(max, min * 2^(attempt-1)))]`: never
    /// shorter than `min`, growing to at most `max` (the schedule of AWS waiters; the
    /// default of [`Waiter`](crate::waiter::Waiter)).
    BoundedJitter { min: Duration, max: Duration },
}

impl Backoff {
    /// The delay before retry number `retry` (1 for the first retry).
    pub fn delay(&self, retry: u32) -> Duration {
        let expo = |base: Duration, cap: Duration| {
            let factor = 1u32
                .checked_shl(retry.saturating_sub(1))
                .unwrap_or(u32::MAX);
            base.checked_mul(factor).unwrap_or(cap).min(cap)
        };
        match *self {
            Backoff::None => Duration::ZERO,
            Backoff::Exponential { base, cap } => expo(base, cap),
            Backoff::FullJitter { base, cap } => uniform(Duration::ZERO, expo(base, cap)),
            Backoff::Fixed(d) => d,
            Backoff::BoundedJitter { min, max } => uniform(min, expo(min, max).max(min)),
        }
    }
}

/// A uniformly random duration in `[low, high]` (`low` when `high < low`).
fn uniform(low: Duration, high: Duration) -> Duration {
    let nanos = |d: Duration| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
    let (low, high) = (nanos(low), nanos(high));
    if high <= low {
        return Duration::from_nanos(low);
    }
    Duration::from_nanos(fastrand::u64(low..=high))
}

/// When and how often to retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    backoff: Backoff,
    honor_retry_after: bool,
    max_server_delay: Duration,
}

impl Default for RetryPolicy {
    /// Up to 3 attempts, full jitter from 200 ms capped at 20 s, `Retry-After` honoured up
    /// to 20 s.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            backoff: Backoff::FullJitter {
                base: Duration::from_millis(200),
                cap: Duration::from_secs(20),
            },
            honor_retry_after: true,
            max_server_delay: DEFAULT_MAX_SERVER_DELAY,
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retry.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }
    /// Total attempts including the first (at least 1).
    pub fn with_max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }
    /// The backoff between attempts.
    pub fn with_backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }
    /// Whether to wait as long as a `Retry-After` header asks (default true), up to
    /// [`with_max_server_delay`](Self::with_max_server_delay).
    pub fn with_honor_retry_after(mut self, yes: bool) -> Self {
        self.honor_retry_after = yes;
        self
    }
    /// The longest delay a server's `Retry-After` may impose (default 20 s).
    pub fn with_max_server_delay(mut self, cap: Duration) -> Self {
        self.max_server_delay = cap;
        self
    }
    /// Total attempts including the first.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Whether `err` may be retried for an operation of the given idempotency
    /// ([`Error::is_retryable_for`], the one rule).
    pub fn is_retryable(err: &Error, idempotent: bool) -> bool {
        err.is_retryable_for(idempotent)
    }

    /// The delay before retry number `retry`, given the error that ended the last attempt.
    pub(crate) fn delay(&self, retry: u32, err: &Error) -> Duration {
        let backoff = self.backoff.delay(retry);
        match err.retry_after() {
            Some(ra) if self.honor_retry_after => ra.min(self.max_server_delay).max(backoff),
            _ => backoff,
        }
    }
}

/// Runs `attempt(1)`, `attempt(2)`, ... until one succeeds, the error is not retryable for an
/// operation of this idempotency, the policy's attempts are used up, or the next delay would
/// reach past `deadline` (then the last error is returned at once rather than sleeping).
pub(crate) async fn retry_loop<T, F, Fut>(
    policy: &RetryPolicy,
    idempotent: bool,
    deadline: Deadline,
    sleeper: &dyn Sleep,
    mut attempt: F,
) -> Result<T>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let mut n: u32 = 0;
    loop {
        n = n.saturating_add(1);
        let err = match attempt(n).await {
            Ok(v) => return Ok(v),
            Err(e) => e,
        };
        let retryable = RetryPolicy::is_retryable(&err, idempotent);
        if !retryable || n >= policy.max_attempts() {
            tracing::debug!(error = %err, retryable, attempts = n, "attempt failed; giving up");
            return Err(err);
        }
        let delay = policy.delay(n, &err);
        if deadline.remaining().is_some_and(|left| delay >= left) {
            tracing::debug!(error = %err, delay_ms = millis(delay), "no time left to retry; giving up");
            return Err(err);
        }
        tracing::debug!(error = %err, delay_ms = millis(delay), "retrying");
        sleeper.sleep(delay).await;
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Parses `Retry-After`: delta-seconds or an HTTP date (relative to `now`).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    // More digits than a u64 holds: as long as possible (capped by the policy later).
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Duration::MAX);
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Waits. Injected so tests can record the delays asked for instead of sleeping.
pub trait Sleep: Send + Sync + fmt::Debug {
    /// Returns a future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
}

/// Sleeps with tokio's timer.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleep;

impl Sleep for TokioSleep {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// The wall clock used for `X-Sdk-Date` and HTTP-date `Retry-After`. Injected for tests.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock stopped at one instant (tests, reproducing vectors).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub SystemTime);

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn exponential_backoff_doubles_to_cap() {
        let b = Backoff::Exponential {
            base: Duration::from_millis(100),
            cap: Duration::from_millis(350),
        };
        let d: Vec<u128> = (1..=5).map(|n| b.delay(n).as_millis()).collect();
        assert_eq!(d, [100, 200, 350, 350, 350]);
        assert_eq!(b.delay(200), Duration::from_millis(350));
    }

    #[test]
    fn full_jitter_stays_in_bounds() {
        let b = Backoff::FullJitter {
            base: Duration::from_millis(100),
            cap: Duration::from_secs(1),
        };
        for n in 1..50 {
            assert!(b.delay(n) <= Duration::from_secs(1));
        }
        assert!(b.delay(1) <= Duration::from_millis(100));
    }

    #[test]
    fn fixed_and_bounded_jitter_delays() {
        let fixed = Backoff::Fixed(Duration::from_secs(7));
        assert_eq!(fixed.delay(1), Duration::from_secs(7));
        assert_eq!(fixed.delay(40), Duration::from_secs(7));
        let b = Backoff::BoundedJitter {
            min: Duration::from_secs(2),
            max: Duration::from_secs(10),
        };
        let draws: Vec<Duration> = (0..200).map(|_| b.delay(1)).collect();
        assert!(
            draws.iter().all(|d| *d == Duration::from_secs(2)),
            "{draws:?}"
        );
        let draws: Vec<Duration> = (0..200).map(|_| b.delay(30)).collect();
        assert!(
            draws
                .iter()
                .all(|d| (Duration::from_secs(2)..=Duration::from_secs(10)).contains(d)),
            "{draws:?}"
        );
        assert!(
            draws.iter().any(|d| *d < Duration::from_secs(4)),
            "{draws:?}"
        );
        assert!(
            draws.iter().any(|d| *d > Duration::from_secs(8)),
            "{draws:?}"
        );
        // A max below the min: the min.
        let odd = Backoff::BoundedJitter {
            min: Duration::from_secs(5),
            max: Duration::from_secs(1),
        };
        assert_eq!(odd.delay(3), Duration::from_secs(5));
    }

    #[test]
    fn default_full_jitter_is_spread_between_zero_and_the_maximum() {
        // The default policy's third delay is drawn from [0, 800 ms]. Over 400 draws a
        // backoff that always waited zero, always the maximum, or a constant fails.
        let policy = RetryPolicy::default();
        let err = Error::new(ErrorKind::Connect, "refused");
        let draws: Vec<Duration> = (0..400).map(|_| policy.delay(3, &err)).collect();
        let max = Duration::from_millis(800);
        assert!(draws.iter().all(|d| *d <= max), "{draws:?}");
        assert!(draws.iter().any(|d| *d < max / 4), "never short: {draws:?}");
        assert!(
            draws.iter().any(|d| *d > max * 3 / 4),
            "never long: {draws:?}"
        );
        let mean = draws.iter().sum::<Duration>() / 400;
        assert!(
            mean > Duration::from_millis(300) && mean < Duration::from_millis(500),
            "mean {mean:?} is not about half the maximum"
        );
    }

    #[test]
    fn server_delays_are_capped_and_at_least_the_backoff() {
        let err = |secs| {
            Error::service(crate::error::ServiceError {
                status: 429,
                ..Default::default()
            })
            .with_retry_after(Some(Duration::from_secs(secs)))
        };
        let policy = RetryPolicy::default().with_backoff(Backoff::Exponential {
            base: Duration::from_secs(1),
            cap: Duration::from_secs(10),
        });
        assert_eq!(policy.delay(1, &err(100_000)), DEFAULT_MAX_SERVER_DELAY);
        assert_eq!(policy.delay(1, &err(3)), Duration::from_secs(3));
        // The backoff wins when it is longer than the server's wish.
        assert_eq!(policy.delay(4, &err(3)), Duration::from_secs(8));
        let capped = policy.clone().with_max_server_delay(Duration::from_secs(2));
        assert_eq!(capped.delay(1, &err(100_000)), Duration::from_secs(2));
        let ignoring = policy.with_honor_retry_after(false);
        assert_eq!(ignoring.delay(1, &err(100_000)), Duration::from_secs(1));
    }

    mod retry_loop {
        use super::*;
        use crate::test_util::RecordingSleeper;
        use std::cell::Cell;

        fn policy() -> RetryPolicy {
            RetryPolicy::default().with_backoff(Backoff::Exponential {
                base: Duration::from_millis(100),
                cap: Duration::from_secs(5),
            })
        }

        /// Runs the loop with attempts that fail with `errors` in turn (then succeed).
        async fn run(
            policy: &RetryPolicy,
            idempotent: bool,
            deadline: Deadline,
            errors: Vec<Error>,
        ) -> (Result<u32>, u32, Vec<Duration>) {
            let sleeper = RecordingSleeper::new();
            let calls = Cell::new(0);
            let errors = std::cell::RefCell::new(errors.into_iter());
            let out = retry_loop(policy, idempotent, deadline, &sleeper, |n| {
                calls.set(calls.get() + 1);
                let next = errors.borrow_mut().next();
                async move {
                    match next {
                        Some(e) => Err(e),
                        None => Ok(n),
                    }
                }
            })
            .await;
            (out, calls.get(), sleeper.delays())
        }

        fn status(code: u16) -> Error {
            Error::service(crate::error::ServiceError {
                status: code,
                ..Default::default()
            })
        }

        #[tokio::test]
        async fn retries_idempotent_failures_with_backoff_until_success() {
            let (out, calls, sleeps) = run(
                &policy(),
                true,
                Deadline::NONE,
                vec![status(503), status(502)],
            )
            .await;
            assert_eq!(out.unwrap(), 3);
            assert_eq!(calls, 3);
            assert_eq!(
                sleeps,
                [Duration::from_millis(100), Duration::from_millis(200)]
            );
        }

        #[tokio::test]
        async fn never_repeats_a_non_idempotent_call_that_may_have_arrived() {
            let (out, calls, sleeps) =
                run(&policy(), false, Deadline::NONE, vec![status(503)]).await;
            assert_eq!(out.unwrap_err().status(), Some(503));
            assert_eq!((calls, sleeps.len()), (1, 0));
            // A refused connection never left: safe to repeat.
            let refused = Error::new(ErrorKind::Connect, "refused");
            let (out, calls, _) = run(&policy(), false, Deadline::NONE, vec![refused]).await;
            assert_eq!((out.unwrap(), calls), (2, 2));
        }

        #[tokio::test]
        async fn stops_after_max_attempts_and_on_permanent_errors() {
            let errors = vec![status(503), status(503), status(503), status(503)];
            let (out, calls, sleeps) = run(&policy(), true, Deadline::NONE, errors).await;
            assert_eq!(out.unwrap_err().status(), Some(503));
            assert_eq!((calls, sleeps.len()), (3, 2));
            let (out, calls, _) = run(&policy(), true, Deadline::NONE, vec![status(400)]).await;
            assert_eq!((out.unwrap_err().status(), calls), (Some(400), 1));
        }

        #[tokio::test]
        async fn gives_up_instead_of_sleeping_past_the_deadline() {
            let wait = status(429).with_retry_after(Some(Duration::from_secs(15)));
            let deadline = Deadline::after(Duration::from_secs(10));
            let (out, calls, sleeps) = run(&policy(), true, deadline, vec![wait]).await;
            assert_eq!(out.unwrap_err().status(), Some(429));
            assert_eq!((calls, sleeps.len()), (1, 0));
            // With room left it waits as asked.
            let wait = status(429).with_retry_after(Some(Duration::from_secs(5)));
            let deadline = Deadline::after(Duration::from_secs(10));
            let (out, _, sleeps) = run(&policy(), true, deadline, vec![wait]).await;
            assert_eq!(out.unwrap(), 2);
            assert_eq!(sleeps, [Duration::from_secs(5)]);
        }
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        // 1_445_412_480 is Wed, 21 Oct 2015 07:28:00 GMT.
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(
            parse_retry_after("184467440737095516150", now),
            Some(Duration::MAX)
        );
    }
}
