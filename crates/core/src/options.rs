//! Per-call options: extra headers, timeouts and a retry policy override.

use std::time::Duration;

use crate::retry::RetryPolicy;

/// Per-call options: extra headers, timeouts and a retry policy override.
///
/// `Debug` shows header names only: values may be tokens.
#[derive(Clone, Default)]
pub struct RequestOptions {
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) operation_timeout: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
}

impl RequestOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds a header to this call (signed unless its name contains `_`). A `User-Agent` is
    /// appended to the SDK's own, as in the official SDKs.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
    /// Time limit for each attempt, from sending to the last byte of the body (streamed
    /// bodies included).
    pub fn attempt_timeout(mut self, d: Duration) -> Self {
        self.attempt_timeout = Some(d);
        self
    }
    /// Time limit for the whole call: attempts, backoff and a streamed body.
    pub fn operation_timeout(mut self, d: Duration) -> Self {
        self.operation_timeout = Some(d);
        self
    }
    /// Retry policy for this call.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }
}

impl std::fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestOptions")
            .field(
                "headers",
                &crate::transport::redacted_headers(&self.headers, true),
            )
            .field("attempt_timeout", &self.attempt_timeout)
            .field("operation_timeout", &self.operation_timeout)
            .field("retry", &self.retry)
            .finish()
    }
}
