//! One in-flight computation per key, shared by every caller that asks while it runs,
//! success or failure. A failure is not remembered: once it has answered its waiters, the
//! next call starts afresh.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

use futures_util::FutureExt;
use futures_util::future::Shared;

use crate::error::Result;
use crate::transport::BoxFuture;

type Flight<V> = Shared<BoxFuture<'static, Result<V>>>;

/// Shares one run of an async computation among concurrent callers with the same key.
pub(crate) struct SingleFlight<K, V: Clone> {
    flights: Mutex<HashMap<K, Flight<V>>>,
}

impl<K, V: Clone> Default for SingleFlight<K, V> {
    fn default() -> Self {
        Self {
            flights: Mutex::new(HashMap::new()),
        }
    }
}

impl<K, V> SingleFlight<K, V>
where
    K: Eq + Hash + Clone,
    V: Clone + Send + Sync + 'static,
{
    /// Joins the computation running for `key`, or starts `start()` for it. Whoever drives
    /// the shared future first runs it; if every waiter goes away it is dropped with them.
    pub(crate) async fn run(
        &self,
        key: K,
        start: impl FnOnce() -> BoxFuture<'static, Result<V>>,
    ) -> Result<V> {
        let flight = {
            let mut flights = self.flights.lock().unwrap_or_else(|e| e.into_inner());
            flights
                .entry(key.clone())
                .or_insert_with(|| start().shared())
                .clone()
        };
        let out = flight.clone().await;
        let mut flights = self.flights.lock().unwrap_or_else(|e| e.into_inner());
        if flights.get(&key).is_some_and(|f| f.ptr_eq(&flight)) {
            flights.remove(&key);
        }
        out
    }

    /// Whether a computation for `key` is under way.
    pub(crate) fn is_running(&self, key: &K) -> bool {
        self.flights
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains_key(key)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;
    use crate::error::{Error, ErrorKind};

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_share_one_run_and_its_failure() {
        let flight: Arc<SingleFlight<&str, u32>> = Arc::default();
        let runs = Arc::new(AtomicUsize::new(0));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..50 {
            let (flight, runs) = (flight.clone(), runs.clone());
            tasks.spawn(async move {
                flight
                    .run("k", || {
                        runs.fetch_add(1, Ordering::SeqCst);
                        Box::pin(async {
                            tokio::time::sleep(Duration::from_secs(1)).await;
                            Err::<u32, _>(Error::new(ErrorKind::Credentials, "down"))
                        })
                    })
                    .await
            });
        }
        while let Some(r) = tasks.join_next().await {
            assert_eq!(
                r.unwrap().unwrap_err().to_string(),
                "credentials error: down"
            );
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert!(!flight.is_running(&"k"));
        // The failure was not kept: the next call runs again.
        let v = flight.run("k", || Box::pin(async { Ok(7) })).await.unwrap();
        assert_eq!(v, 7);
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }
}
