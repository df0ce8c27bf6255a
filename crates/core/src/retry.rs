//! Retry policy, backoff, and the injectable clock and sleeper.
//!
//! Rules: a request that never left (connect refused, DNS, TLS) and a 429 (throttled, not
//! processed) may be retried for any operation; 502, 503, 504, read timeouts and broken
//! connections only for idempotent operations, because the server may have acted on the
//! first attempt. The default is up to 3 attempts with full-jitter exponential backoff, and a
//! server's `Retry-After` (seconds or HTTP date) is honoured.

use std::fmt;
use std::time::{Duration, SystemTime};

use crate::error::{Error, ErrorKind};
use crate::transport::BoxFuture;

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
            Backoff::FullJitter { base, cap } => {
                let max = expo(base, cap);
                let nanos = u64::try_from(max.as_nanos()).unwrap_or(u64::MAX);
                Duration::from_nanos(fastrand::u64(0..=nanos))
            }
        }
    }
}

/// When and how often to retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    backoff: Backoff,
    honor_retry_after: bool,
}

impl Default for RetryPolicy {
    /// Up to 3 attempts, full jitter from 200 ms capped at 20 s, `Retry-After` honoured.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            backoff: Backoff::FullJitter {
                base: Duration::from_millis(200),
                cap: Duration::from_secs(20),
            },
            honor_retry_after: true,
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
    /// Whether to wait as long as a `Retry-After` header asks (default true).
    pub fn with_honor_retry_after(mut self, yes: bool) -> Self {
        self.honor_retry_after = yes;
        self
    }
    /// Total attempts including the first.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Whether `err` may be retried for an operation of the given idempotency.
    pub fn is_retryable(err: &Error, idempotent: bool) -> bool {
        match err.kind() {
            ErrorKind::Connect => true,
            ErrorKind::Timeout | ErrorKind::Transport => idempotent,
            ErrorKind::Service => match err.status() {
                Some(429) => true,
                Some(502..=504) => idempotent,
                _ => false,
            },
            _ => false,
        }
    }

    /// The delay before retry number `retry`, given the error that ended the last attempt.
    pub(crate) fn delay(&self, retry: u32, err: &Error) -> Duration {
        let backoff = self.backoff.delay(retry);
        match err.retry_after() {
            Some(ra) if self.honor_retry_after => ra.max(backoff),
            _ => backoff,
        }
    }
}

/// Parses `Retry-After`: delta-seconds or an HTTP date (relative to `now`).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
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
    }
}
