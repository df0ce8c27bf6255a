//! Waiters declared in a spec (`x-huaweicloud-waiters`, specs/README.md): the generated
//! glue is a `static` [`WaiterSpec`] and a method returning a [`Wait`]; the polling itself is
//! [`Waiter::wait_until`], so generated crates carry no loop.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use super::{PollOutcome, WaitError, Waiter};
use crate::client::Client;
use crate::error::Result;
use crate::response::Response;
use crate::retry::{Backoff, Sleep};

/// Static facts of one declared waiter, emitted once per waiter by the generator.
#[derive(Debug)]
pub struct WaiterSpec {
    /// The service's display key, e.g. `"DCS"`.
    pub service: &'static str,
    /// The polled operation's official id, e.g. `"ShowInstance"`.
    pub operation: &'static str,
    /// What is awaited, e.g. "the instance to be running".
    pub description: &'static str,
    /// The wire names of the parameters that identify the resource (`instance_id`), shown
    /// with their values in errors.
    pub params: &'static [&'static str],
    /// States that end the wait successfully.
    pub success: &'static [&'static str],
    /// States that end the wait with an error at once.
    pub failure: &'static [&'static str],
    /// The longest the whole wait may take.
    pub timeout: Duration,
    /// The delay between polls.
    pub delay: Backoff,
    /// HTTP statuses of poll errors counted as pending (a resource not visible yet).
    pub tolerate: &'static [u16],
    /// HTTP statuses of poll errors that end the wait successfully: the resource is gone.
    pub gone: &'static [u16],
}

type PollFuture<O> = Pin<Box<dyn Future<Output = Result<O>> + Send>>;

/// A wait for a declared state: configure it (`timeout`, `delay`, `max_polls`), then
/// `.await` it. It polls the operation until the state is a success state and returns the
/// last poll's answer, or gives up with a [`WaitError`] naming the last state seen.
///
/// `O` is `Response<Output>`, or `Option<Response<Output>>` for a waiter that also ends when
/// the resource is gone (`None`: the poll answered with one of the waiter's `gone` statuses).
#[must_use = "a wait does nothing until it is awaited"]
pub struct Wait<O> {
    waiter: Waiter,
    poll: Box<dyn FnMut() -> PollFuture<O> + Send>,
    check: Box<dyn Fn(&O) -> PollOutcome + Send + Sync>,
}

impl<O> fmt::Debug for Wait<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("waiter", &self.waiter)
            .finish_non_exhaustive()
    }
}

/// "DCS ShowInstance (instance_id=1a2b): the instance to be running".
fn describe(spec: &WaiterSpec, values: &[Option<String>]) -> String {
    let ids: Vec<String> = spec
        .params
        .iter()
        .zip(values)
        .map(|(name, v)| format!("{name}={}", v.as_deref().unwrap_or("(unset)")))
        .collect();
    let ids = if ids.is_empty() {
        String::new()
    } else {
        format!(" ({})", ids.join(", "))
    };
    format!(
        "{} {}{ids}: {}",
        spec.service, spec.operation, spec.description
    )
}

fn base_waiter(client: &Client, spec: &WaiterSpec, values: &[Option<String>]) -> Waiter {
    client
        .waiter(spec.timeout)
        .delay(spec.delay)
        .describe(describe(spec, values))
        .pending_on_status(spec.tolerate.iter().copied())
}

impl<T: Send + 'static> Wait<Response<T>> {
    /// A wait that polls with `poll` and reads the state with `state` (generated code).
    #[doc(hidden)]
    pub fn new<F, Fut>(
        client: &Client,
        spec: &'static WaiterSpec,
        values: Vec<Option<String>>,
        mut poll: F,
        state: fn(&T) -> Option<String>,
    ) -> Self
    where
        F: FnMut() -> Fut + Send + 'static,
        Fut: Future<Output = Result<Response<T>>> + Send + 'static,
    {
        Self {
            waiter: base_waiter(client, spec, &values),
            poll: Box::new(move || Box::pin(poll())),
            check: Box::new(move |r: &Response<T>| {
                PollOutcome::from_state(state(r.output()).as_deref(), spec.success, spec.failure)
            }),
        }
    }
}

impl<T: Send + 'static> Wait<Option<Response<T>>> {
    /// Like [`Wait::new`], and an answer with one of `spec.gone` ends the wait with `None`.
    #[doc(hidden)]
    pub fn or_gone<F, Fut>(
        client: &Client,
        spec: &'static WaiterSpec,
        values: Vec<Option<String>>,
        mut poll: F,
        state: fn(&T) -> Option<String>,
    ) -> Self
    where
        F: FnMut() -> Fut + Send + 'static,
        Fut: Future<Output = Result<Response<T>>> + Send + 'static,
    {
        Self {
            waiter: base_waiter(client, spec, &values),
            poll: Box::new(move || {
                let fut = poll();
                Box::pin(async move {
                    match fut.await {
                        Ok(r) => Ok(Some(r)),
                        Err(e) if e.status().is_some_and(|s| spec.gone.contains(&s)) => Ok(None),
                        Err(e) => Err(e),
                    }
                })
            }),
            check: Box::new(move |r: &Option<Response<T>>| match r {
                None => PollOutcome::Done,
                Some(r) => PollOutcome::from_state(
                    state(r.output()).as_deref(),
                    spec.success,
                    spec.failure,
                ),
            }),
        }
    }
}

impl<O> Wait<O> {
    /// Gives up after `timeout` in all instead of the spec's time limit.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.waiter = self.waiter.timeout(timeout);
        self
    }

    /// Polls with these delays instead of the spec's.
    pub fn delay(mut self, delay: Backoff) -> Self {
        self.waiter = self.waiter.delay(delay);
        self
    }

    /// Gives up after this many polls (at least 1) even with time left.
    pub fn max_polls(mut self, polls: u32) -> Self {
        self.waiter = self.waiter.max_polls(polls);
        self
    }

    /// How many transient poll errors in a row are tolerated.
    pub fn max_transient_errors(mut self, errors: u32) -> Self {
        self.waiter = self.waiter.max_transient_errors(errors);
        self
    }

    /// Where to sleep between polls (the client's sleeper by default).
    pub fn sleeper(mut self, sleeper: std::sync::Arc<dyn Sleep>) -> Self {
        self.waiter = self.waiter.sleeper(sleeper);
        self
    }
}

impl<O: Send + 'static> IntoFuture for Wait<O> {
    type Output = std::result::Result<O, WaitError>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        let Wait {
            waiter,
            mut poll,
            check,
        } = self;
        Box::pin(async move { waiter.wait_until(&mut poll, |o| check(o)).await })
    }
}
