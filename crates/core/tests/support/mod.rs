//! Shared helpers for core's integration tests. Everything talks to 127.0.0.1 only.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use huaweicloud_sdk_core::__codegen::{Method, OperationSpec, RegionSpec, ServiceSpec};
use huaweicloud_sdk_core::retry::Sleep;
use huaweicloud_sdk_core::transport::{
    BoxFuture, HttpRequest, HttpResponse, ReqwestTransport, Transport, TransportError,
};

pub static TEST_SERVICE: ServiceSpec = ServiceSpec {
    name: "DCS",
    regions: &[RegionSpec {
        id: "cn-north-4",
        endpoints: &["https://dcs.cn-north-4.myhuaweicloud.com"],
    }],
};

/// A leaked operation description (tests build operations at run time).
pub fn op(
    method: Method,
    path: &str,
    content_type: Option<&str>,
    idempotent: bool,
) -> &'static OperationSpec {
    Box::leak(Box::new(OperationSpec {
        service: "DCS",
        name: "TestOperation",
        method,
        path: Box::leak(path.to_owned().into_boxed_str()),
        content_type: content_type.map(|c| &*Box::leak(c.to_owned().into_boxed_str())),
        idempotent,
    }))
}

/// Records requested delays instead of sleeping.
#[derive(Debug, Default, Clone)]
pub struct RecordingSleeper(pub Arc<Mutex<Vec<Duration>>>);

impl RecordingSleeper {
    pub fn delays(&self) -> Vec<Duration> {
        self.0.lock().unwrap().clone()
    }
}

impl Sleep for RecordingSleeper {
    fn sleep(&self, d: Duration) -> BoxFuture<'static, ()> {
        self.0.lock().unwrap().push(d);
        Box::pin(async {})
    }
}

/// Sends every request to a local server instead of the endpoint's host, keeping the signed
/// `Host` header: like a DNS override, so requests signed for real hostnames reach 127.0.0.1.
#[derive(Debug)]
pub struct LocalRedirect {
    pub local_origin: String,
    inner: ReqwestTransport,
}

impl LocalRedirect {
    pub fn new(local_origin: &str) -> Arc<Self> {
        assert!(local_origin.starts_with("http://127.0.0.1:"));
        Arc::new(Self {
            local_origin: local_origin.trim_end_matches('/').to_owned(),
            inner: ReqwestTransport::new(Duration::from_secs(5)).unwrap(),
        })
    }
}

impl Transport for LocalRedirect {
    fn send(
        &self,
        mut req: HttpRequest,
    ) -> BoxFuture<'static, Result<HttpResponse, TransportError>> {
        let after_scheme = req.url.split_once("://").map(|(_, r)| r).unwrap_or("");
        let (authority, rest) = match after_scheme.find('/') {
            Some(i) => (&after_scheme[..i], &after_scheme[i..]),
            None => (after_scheme, ""),
        };
        req.headers.push(("Host".into(), authority.to_owned()));
        req.url = format!("{}{}", self.local_origin, rest);
        self.inner.send(req)
    }
}

/// 2026-11-22T10:10:10Z, the date of the official vectors.
pub fn vector_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_342_210)
}
